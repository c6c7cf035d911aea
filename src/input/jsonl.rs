//! Reading responses from JSON Lines (`.jsonl`, `.ndjson`): one JSON object per line.
//!
//! The columns are the keys of the first object, in its order, then any column the
//! survey needs that the first object lacks. Each object becomes a row: strings as
//! they are, numbers and booleans as their JSON text, `null` and missing keys as
//! empty cells, nested arrays and objects as compact JSON. Keys not among the columns
//! are ignored. A line that is not a JSON object is a rejected row (with its line),
//! not an error; blank lines are skipped.

use std::collections::{HashSet, VecDeque};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::encoding::{InputDigest, open_text};
use super::{Chunk, Columns, InputSource, RawRow, ReadOptions, Reject, RejectReason, RowChecker, RowReader};
use crate::error::{Error, Location, Result};
use crate::survey::Survey;

/// Lines that are not objects tolerated before the first object, after which the
/// input is taken not to be JSON Lines at all.
const MAX_LINES_BEFORE_FIRST_OBJECT: usize = 1000;

/// Reads the rows of a JSON Lines input, chunk by chunk.
pub struct JsonLinesReader {
    input: Box<dyn BufRead + Send>,
    digest: InputDigest,
    name: PathBuf,
    columns: Columns,
    checker: RowChecker,
    /// Rows read while looking for the first object, not yet handed out.
    pending: VecDeque<RawRow>,
    buf: Vec<u8>,
    max_line_bytes: usize,
    line: u64,
    rows: u64,
    chunks: u64,
}

impl JsonLinesReader {
    /// Opens `source`, reads up to its first object and resolves the survey's columns.
    pub fn open(source: &InputSource, survey: &Survey, options: &ReadOptions) -> Result<JsonLinesReader> {
        let name = source.name();
        let text = open_text(source, options.encoding.as_deref())?;
        let mut reader = JsonLinesReader {
            input: Box::new(BufReader::with_capacity(1 << 16, text.reader)),
            digest: text.digest,
            columns: Columns::default(),
            checker: RowChecker::new(Columns::default(), options),
            name,
            pending: VecDeque::new(),
            buf: Vec::new(),
            max_line_bytes: options.max_cell_bytes.saturating_mul(4),
            line: 0,
            rows: 0,
            chunks: 0,
        };
        let first = loop {
            match reader.next_line()? {
                None => break None,
                Some(Line::Object(map, keys)) => break Some((map, keys)),
                Some(Line::Broken(reject)) => {
                    reader.pending.push_back(RawRow {
                        line: reject.line,
                        row: reject.row,
                        record: ::csv::ByteRecord::new(),
                        reject: Some(reject),
                    });
                    if reader.pending.len() > MAX_LINES_BEFORE_FIRST_OBJECT {
                        return Err(Error::input(
                            Location::file(&reader.name),
                            format!(
                                "not JSON Lines: no JSON object in the first {MAX_LINES_BEFORE_FIRST_OBJECT} lines"
                            ),
                        ));
                    }
                }
            }
        };
        let mut header = first.as_ref().map(|(_, keys)| keys.clone()).unwrap_or_default();
        for wanted in survey.column_names() {
            let w = wanted.trim();
            if !header.iter().any(|h| h.trim() == w || h.trim().eq_ignore_ascii_case(w)) {
                header.push(wanted.to_string());
            }
        }
        if header.is_empty() {
            return Err(Error::input(Location::file(&reader.name), "no JSON object in the file: no columns"));
        }
        reader.columns =
            Columns::resolve(survey, &header).map_err(|m| Error::input(Location::file(&reader.name), m))?;
        reader.checker = RowChecker::new(reader.columns.clone(), options);
        if let Some((map, _)) = first {
            let row = reader.object_row(&map);
            reader.pending.push_back(row);
        }
        Ok(reader)
    }

    /// The next non-blank line, parsed; `None` at the end of the input.
    fn next_line(&mut self) -> Result<Option<Line>> {
        loop {
            let Some(len) =
                read_line(&mut self.input, &mut self.buf, self.max_line_bytes).map_err(|e| Error::io(&self.name, e))?
            else {
                return Ok(None);
            };
            self.line += 1;
            let mut text = self.buf.as_slice();
            if self.line == 1 {
                text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
            }
            if len <= self.max_line_bytes && text.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.rows += 1;
            let broken = |message: String| {
                Line::Broken(Reject {
                    line: self.line,
                    row: self.rows,
                    id: None,
                    column: None,
                    reason: RejectReason::InvalidJson { message },
                })
            };
            if len > self.max_line_bytes {
                return Ok(Some(broken(format!("the line is {len} bytes, over the limit of {}", self.max_line_bytes))));
            }
            return Ok(Some(match parse_object(text) {
                Ok((map, keys)) => Line::Object(map, keys),
                Err(message) => broken(message),
            }));
        }
    }

    /// The row of an object, checked.
    fn object_row(&mut self, map: &Map<String, Value>) -> RawRow {
        let mut record = ::csv::ByteRecord::new();
        for name in &self.columns.header {
            let value =
                map.get(name).or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v));
            match value {
                None | Some(Value::Null) => record.push_field(b""),
                Some(Value::String(s)) => record.push_field(s.as_bytes()),
                Some(Value::Bool(b)) => record.push_field(if *b { b"true" } else { b"false" }),
                Some(v) => record.push_field(v.to_string().as_bytes()),
            }
        }
        let reject = self.checker.check(&record, self.line, self.rows);
        RawRow { line: self.line, row: self.rows, record, reject }
    }
}

impl RowReader for JsonLinesReader {
    fn columns(&self) -> &Columns {
        &self.columns
    }

    fn name(&self) -> &Path {
        &self.name
    }

    fn sha256(&self) -> String {
        self.digest.hex()
    }

    fn next_chunk(&mut self, max_rows: usize, max_bytes: usize) -> Result<Option<Chunk>> {
        let mut rows = Vec::new();
        let mut bytes = 0u64;
        while rows.len() < max_rows.max(1) && bytes < max_bytes as u64 {
            if let Some(row) = self.pending.pop_front() {
                bytes += row.record.as_slice().len() as u64;
                rows.push(row);
                continue;
            }
            let row = match self.next_line()? {
                None => break,
                Some(Line::Broken(reject)) => RawRow {
                    line: reject.line,
                    row: reject.row,
                    record: ::csv::ByteRecord::new(),
                    reject: Some(reject),
                },
                Some(Line::Object(map, _)) => self.object_row(&map),
            };
            bytes += self.buf.len() as u64 + 1;
            rows.push(row);
        }
        self.checker.health()?;
        if rows.is_empty() {
            return Ok(None);
        }
        let index = self.chunks;
        self.chunks += 1;
        Ok(Some(Chunk { index, rows, bytes }))
    }
}

/// A non-blank line: an object (with its keys in order) or why it is not one.
enum Line {
    Object(Map<String, Value>, Vec<String>),
    Broken(Reject),
}

/// Parses a line as a JSON object: its map and its keys in the order written.
fn parse_object(text: &[u8]) -> std::result::Result<(Map<String, Value>, Vec<String>), String> {
    match serde_json::from_slice::<Value>(text) {
        Ok(Value::Object(map)) => {
            // The map is sorted by key; the order written comes from a second, cheap pass.
            let keys = serde_json::from_slice::<KeyOrder>(text).map(|k| k.0).unwrap_or_default();
            Ok((map, keys))
        }
        Ok(other) => Err(format!("the line is {}, not an object", kind(&other))),
        Err(e) => Err(format!("{e}").replace(" at line 1 column ", " at column ")),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The keys of a JSON object in the order written (each once).
struct KeyOrder(Vec<String>);

impl<'de> Deserialize<'de> for KeyOrder {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<KeyOrder, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = KeyOrder;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<KeyOrder, A::Error> {
                let (mut keys, mut seen) = (Vec::new(), HashSet::new());
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    if seen.insert(k.clone()) {
                        keys.push(k);
                    }
                }
                Ok(KeyOrder(keys))
            }
        }
        d.deserialize_map(Keys)
    }
}

/// Reads one line, without its `\n` (and `\r`), into `buf`; `Ok(None)` at the end.
///
/// Returns the line's full length; of a line longer than `limit` only the first
/// `limit` bytes are kept, so one huge line cannot exhaust memory.
fn read_line(input: &mut dyn BufRead, buf: &mut Vec<u8>, limit: usize) -> std::io::Result<Option<usize>> {
    buf.clear();
    let (mut total, mut any) = (0usize, false);
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            break;
        }
        any = true;
        let (part, found) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], true),
            None => (available, false),
        };
        let keep = part.len().min(limit.saturating_sub(buf.len()));
        buf.extend_from_slice(&part[..keep]);
        total += part.len();
        let used = part.len() + usize::from(found);
        input.consume(used);
        if found {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') && total <= limit {
        buf.pop();
        total -= 1;
    }
    Ok(Some(total))
}

/// Whether `head` (the first bytes of a file) starts with a line holding a JSON
/// object: for recognising JSON Lines without the extension.
pub fn starts_with_object(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    let head = &head[start..];
    if head.first() != Some(&b'{') {
        return false;
    }
    match head.iter().position(|&b| b == b'\n') {
        Some(end) => matches!(serde_json::from_slice::<Value>(&head[..end]), Ok(Value::Object(_))),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(data: &'static [u8], survey: &Survey) -> Result<(Vec<RawRow>, Columns)> {
        let src = InputSource::Bytes { name: "r.jsonl".into(), bytes: data };
        let mut r = JsonLinesReader::open(&src, survey, &ReadOptions::default())?;
        let mut rows = Vec::new();
        while let Some(c) = r.next_chunk(2, 1 << 20)? {
            rows.extend(c.rows);
        }
        Ok((rows, r.columns().clone()))
    }

    fn cells(row: &RawRow) -> Vec<String> {
        row.record.iter().map(|c| String::from_utf8_lossy(c).into_owned()).collect()
    }

    #[test]
    fn objects_become_rows_in_first_object_key_order() {
        let survey = Survey::ad_hoc(Some("id".into()), &["why".into(), "extra".into()]);
        let data = b"{\"id\": 1001, \"why\": \"cost\", \"z\": null, \"a\": true}\n\n\
            {\"why\": \"x\", \"id\": \"r2\", \"a\": [1, {\"b\": 2}], \"unlisted\": 5}\r\n";
        let (rows, cols) = read(data, &survey).unwrap();
        assert_eq!(cols.header, ["id", "why", "z", "a", "extra"]);
        assert_eq!(cells(&rows[0]), ["1001", "cost", "", "true", ""]);
        assert_eq!(cells(&rows[1]), ["r2", "x", "", "[1,{\"b\":2}]", ""]);
        assert_eq!((rows[0].line, rows[1].line), (1, 3));
    }

    #[test]
    fn a_broken_line_is_a_rejected_row_with_its_line() {
        let survey = Survey::ad_hoc(Some("id".into()), &["why".into()]);
        let (rows, _) =
            read(b"[1]\n{\"id\": 1, \"why\": \"a\"}\n{\"id\": 2, \"why\": \n{\"id\": 3, \"why\": \"c\"}\n", &survey)
                .unwrap();
        let rejects: Vec<(u64, u64, String)> =
            rows.iter().filter_map(|r| r.reject.as_ref().map(|j| (j.line, j.row, j.reason.to_string()))).collect();
        assert_eq!(
            rejects,
            [
                (1, 1, "not a JSON object: the line is an array, not an object".to_string()),
                (3, 3, "not a JSON object: EOF while parsing a value at column 17".to_string()),
            ]
        );
        assert_eq!(rows.len(), 4);
        assert_eq!(cells(&rows[3]), ["3", "c"]);
    }

    #[test]
    fn huge_lines_are_rejected_without_being_held() {
        let mut input: &[u8] = b"0123456789\nab\r\n";
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut input, &mut buf, 4).unwrap(), Some(10));
        assert_eq!(buf, b"0123");
        assert_eq!(read_line(&mut input, &mut buf, 4).unwrap(), Some(2));
        assert_eq!(buf, b"ab");
        assert_eq!(read_line(&mut input, &mut buf, 4).unwrap(), None);
    }

    #[test]
    fn recognises_json_lines_by_content() {
        assert!(starts_with_object(b"\xEF\xBB\xBF  {\"id\": 1}\n{"));
        assert!(!starts_with_object(b"id,text\n"));
        assert!(!starts_with_object(b"{not json\n"));
    }

    #[test]
    fn no_object_at_all_is_an_error() {
        let survey = Survey::ad_hoc(None, &[]);
        let err = read(b"\n\n", &survey).err().unwrap().to_string();
        assert_eq!(err, "r.jsonl: no JSON object in the file: no columns");
    }
}
