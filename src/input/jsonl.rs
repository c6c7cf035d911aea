//! Reading responses from JSON Lines (`.jsonl`, `.ndjson`): one JSON object per line.
//!
//! The columns are the keys of the first object, in its order, then any column the
//! survey needs that the first object lacks. Each object becomes a row: strings
//! decoded, numbers and booleans exactly as written (`1e2` stays `1e2`, and ids past
//! 2^53 stay distinct: values are kept as `RawValue` text, never read through `f64`),
//! `null` and missing keys as empty cells, nested arrays and objects as their JSON
//! text with the spaces between tokens removed. Keys not among the columns are
//! ignored. A line that is not a JSON object, or an object with a key written twice,
//! is a rejected row (with its line), not an error; blank lines are skipped.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::encoding::{InputDigest, TextInput, open_text};
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
    /// The current line (of which at most `max_line_bytes` are kept).
    buf: Vec<u8>,
    /// The current line's full length.
    len: usize,
    max_line_bytes: usize,
    line: u64,
    rows: u64,
    chunks: u64,
}

impl JsonLinesReader {
    /// Opens `source`, reads up to its first object and resolves the survey's columns.
    pub fn open(source: &InputSource, survey: &Survey, options: &ReadOptions) -> Result<JsonLinesReader> {
        let text = open_text(source, options.encoding.as_deref())?;
        JsonLinesReader::from_text(text, source.name(), survey, options)
    }

    /// Reads an input already opened as text; `name` is used in messages.
    pub fn from_text(
        text: TextInput,
        name: PathBuf,
        survey: &Survey,
        options: &ReadOptions,
    ) -> Result<JsonLinesReader> {
        let mut reader = JsonLinesReader {
            input: Box::new(BufReader::with_capacity(1 << 16, text.reader)),
            digest: text.digest,
            columns: Columns::default(),
            checker: RowChecker::new(Columns::default(), options),
            name,
            pending: VecDeque::new(),
            buf: Vec::new(),
            len: 0,
            max_line_bytes: options.max_cell_bytes.saturating_mul(4),
            line: 0,
            rows: 0,
            chunks: 0,
        };
        let first = loop {
            let Some(start) = reader.next_line()? else { break None };
            match parse_line(&reader.buf[start..], reader.len, reader.max_line_bytes) {
                Ok(object) => break Some((start, object.keys())),
                Err(reason) => {
                    let row = reader.rejected(reason);
                    reader.pending.push_back(row);
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
        if let Some((start, _)) = first {
            // `buf` still holds the first object's line: parse it again, now that the columns are known.
            let row = reader.row(start);
            reader.pending.push_back(row);
        }
        Ok(reader)
    }

    /// Reads the next non-blank line into `buf`: where its text starts (after a
    /// byte-order mark); `None` at the end of the input.
    fn next_line(&mut self) -> Result<Option<usize>> {
        loop {
            let Some(len) =
                read_line(&mut self.input, &mut self.buf, self.max_line_bytes).map_err(|e| Error::io(&self.name, e))?
            else {
                return Ok(None);
            };
            self.line += 1;
            self.len = len;
            let start = if self.line == 1 && self.buf.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
            if len <= self.max_line_bytes && self.buf[start..].iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.rows += 1;
            return Ok(Some(start));
        }
    }

    /// The row of the line in `buf` from `start`: its cells, checked, or why it is rejected.
    fn row(&mut self, start: usize) -> RawRow {
        let object = match parse_line(&self.buf[start..], self.len, self.max_line_bytes) {
            Ok(object) => object,
            Err(reason) => return self.rejected(reason),
        };
        let mut record = ::csv::ByteRecord::new();
        for (i, name) in self.columns.header.iter().enumerate() {
            match object.get(i, name) {
                None => record.push_field(b""),
                Some(raw) => match cell(raw) {
                    Ok(text) => record.push_field(&text),
                    Err(message) => return self.rejected(RejectReason::InvalidJson { message }),
                },
            }
        }
        let reject = self.checker.check(&record, self.line, self.rows);
        RawRow { line: self.line, row: self.rows, record, reject }
    }

    /// The current line as a rejected row, with no cells.
    fn rejected(&self, reason: RejectReason) -> RawRow {
        RawRow {
            line: self.line,
            row: self.rows,
            record: ::csv::ByteRecord::new(),
            reject: Some(Reject { line: self.line, row: self.rows, id: None, column: None, reason }),
        }
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
            let Some(start) = self.next_line()? else { break };
            rows.push(self.row(start));
            bytes += self.buf.len() as u64 + 1;
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

/// The members of a line's JSON object, in the order written, each key once, the
/// values still as their JSON text (borrowed from the line).
struct Object<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'a> Object<'a> {
    /// The keys, in the order written.
    fn keys(&self) -> Vec<String> {
        self.0.iter().map(|(k, _)| k.to_string()).collect()
    }

    /// The value of column `name` (the `i`th of the header): the member of that
    /// key, or if none, the first whose key differs only in case.
    fn get(&self, i: usize, name: &str) -> Option<&'a RawValue> {
        // Lines written by one program have their keys in the same order: try the
        // same position first, so a row costs one comparison per column.
        if let Some((k, v)) = self.0.get(i)
            && k == name
        {
            return Some(v);
        }
        let exact = self.0.iter().find(|(k, _)| k == name);
        exact.or_else(|| self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))).map(|(_, v)| *v)
    }

    /// A key written more than once, if any (compared decoded, so `"a"` and `"\u0061"` are one key).
    fn duplicate_key(&self) -> Option<&str> {
        let members = &self.0;
        if members.len() <= 32 {
            return members
                .iter()
                .enumerate()
                .find(|(i, (k, _))| members[..*i].iter().any(|(seen, _)| seen == k))
                .map(|(_, (k, _))| k.as_ref());
        }
        let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_ref()).collect();
        keys.sort_unstable();
        keys.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
    }
}

/// Parses a line of `len` bytes (of which `text` is what was kept, at most `limit`)
/// as a JSON object, or says why it is rejected.
fn parse_line(text: &[u8], len: usize, limit: usize) -> std::result::Result<Object<'_>, RejectReason> {
    let invalid = |message: String| RejectReason::InvalidJson { message };
    if len > limit {
        return Err(invalid(format!("the line is {len} bytes, over the limit of {limit}")));
    }
    match serde_json::from_slice::<Parsed<'_>>(text) {
        Ok(Parsed::Object(object)) => match object.duplicate_key() {
            Some(key) => Err(RejectReason::DuplicateKey { key: key.to_string() }),
            None => Ok(object),
        },
        Ok(Parsed::Other(kind)) => Err(invalid(format!("the line is {kind}, not an object"))),
        Err(e) => Err(invalid(format!("{e}").replace(" at line 1 column ", " at column "))),
    }
}

/// A cell's text from a value as written: a string decoded, `null` empty, a nested
/// array or object compacted, a number or boolean exactly as written.
fn cell(raw: &RawValue) -> std::result::Result<Cow<'_, [u8]>, String> {
    let text = raw.get();
    Ok(match text.as_bytes().first() {
        // A string without escapes is its text between the quotes.
        Some(b'"') if !text.contains('\\') => Cow::Borrowed(&text.as_bytes()[1..text.len() - 1]),
        Some(b'"') => Cow::Owned(
            serde_json::from_str::<String>(text)
                .map_err(|e| format!("{e}").replace(" at line 1 column ", " in a string at column "))?
                .into_bytes(),
        ),
        Some(b'n') => Cow::Borrowed(b""),
        Some(b'[' | b'{') => compact(text),
        _ => Cow::Borrowed(text.as_bytes()),
    })
}

/// JSON text without the whitespace between its tokens (spaces in strings kept).
fn compact(text: &str) -> Cow<'_, [u8]> {
    let bytes = text.as_bytes();
    if !bytes.iter().any(u8::is_ascii_whitespace) {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b.is_ascii_whitespace() {
            continue;
        }
        out.push(b);
    }
    Cow::Owned(out)
}

/// A line parsed one level deep: an object's members, or what else the line is.
enum Parsed<'a> {
    Object(Object<'a>),
    Other(&'static str),
}

impl<'de> Deserialize<'de> for Parsed<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Parsed<'de>, D::Error> {
        struct Line;
        impl<'de> Visitor<'de> for Line {
            type Value = Parsed<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Parsed<'de>, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(Key(k)) = map.next_key()? {
                    members.push((k, map.next_value::<&'de RawValue>()?));
                }
                Ok(Parsed::Object(Object(members)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Parsed<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Parsed::Other("an array"))
            }
            fn visit_unit<E>(self) -> std::result::Result<Parsed<'de>, E> {
                Ok(Parsed::Other("null"))
            }
            fn visit_bool<E>(self, _: bool) -> std::result::Result<Parsed<'de>, E> {
                Ok(Parsed::Other("a boolean"))
            }
            fn visit_i64<E>(self, _: i64) -> std::result::Result<Parsed<'de>, E> {
                Ok(Parsed::Other("a number"))
            }
            fn visit_u64<E>(self, _: u64) -> std::result::Result<Parsed<'de>, E> {
                Ok(Parsed::Other("a number"))
            }
            fn visit_f64<E>(self, _: f64) -> std::result::Result<Parsed<'de>, E> {
                Ok(Parsed::Other("a number"))
            }
            fn visit_str<E>(self, _: &str) -> std::result::Result<Parsed<'de>, E> {
                Ok(Parsed::Other("a string"))
            }
        }
        d.deserialize_any(Line)
    }
}

/// An object's key, borrowed from the line unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Key<'de>, D::Error> {
        struct Text;
        impl<'de> Visitor<'de> for Text {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> std::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(Text)
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
    fn numbers_are_cells_exactly_as_written() {
        let survey = Survey::ad_hoc(Some("id".into()), &["text".into()]);
        let data = b"{\"id\": 123456789012345678901, \"text\": 12345678901234567890123}\n\
            {\"id\": 123456789012345678902, \"text\": [1.0e2, {\"z\": -0, \"a\": \"s p\\\"a ce\"} ]}\n\
            {\"id\": 1e2, \"text\": false}\n\
            {\"id\": -0, \"text\": 1E+400}\n\
            {\"id\":0.10,\"text\":null}\n";
        let (rows, _) = read(data, &survey).unwrap();
        let got: Vec<Vec<String>> = rows.iter().map(cells).collect();
        assert_eq!(
            got,
            [
                ["123456789012345678901", "12345678901234567890123"],
                ["123456789012345678902", "[1.0e2,{\"z\":-0,\"a\":\"s p\\\"a ce\"}]"],
                ["1e2", "false"],
                ["-0", "1E+400"],
                ["0.10", ""],
            ]
        );
        assert!(rows.iter().all(|r| r.reject.is_none()));
    }

    #[test]
    fn strings_and_keys_are_decoded() {
        let survey = Survey::ad_hoc(Some("id".into()), &["text".into()]);
        let data = "{\"\\u0069d\": \"a\\u00e9\\n\\\"b\\\"\", \"TEXT\": \"caf\u{e9} \\ud83d\\ude00\"}\n";
        let src = InputSource::Bytes { name: "r.jsonl".into(), bytes: data.as_bytes() };
        let mut r = JsonLinesReader::open(&src, &survey, &ReadOptions::default()).unwrap();
        let rows = r.next_chunk(10, 1 << 20).unwrap().unwrap().rows;
        assert_eq!(r.columns().header, ["id", "TEXT"]);
        assert_eq!(cells(&rows[0]), ["a\u{e9}\n\"b\"", "caf\u{e9} \u{1F600}"]);
    }

    #[test]
    fn a_key_written_twice_rejects_the_row() {
        let survey = Survey::ad_hoc(Some("id".into()), &["text".into()]);
        let data = b"{\"id\":5,\"text\":\"a\",\"id\":5}\n\
            {\"id\":6,\"text\":\"a\",\"text\":\"dup key\"}\n\
            {\"id\":7,\"text\":\"b\",\"te\\u0078t\":\"c\"}\n\
            {\"id\":8,\"text\":\"ok\",\"Text\":\"other case\"}\n";
        let (rows, cols) = read(data, &survey).unwrap();
        assert_eq!(cols.header, ["id", "text", "Text"], "the header comes from the first accepted object");
        let got: Vec<(u64, String)> = rows
            .iter()
            .map(|r| (r.line, r.reject.as_ref().map_or_else(|| cells(r).join("|"), |j| j.reason.to_string())))
            .collect();
        assert_eq!(
            got,
            [
                (1, "the JSON object has the key \"id\" more than once".to_string()),
                (2, "the JSON object has the key \"text\" more than once".to_string()),
                (3, "the JSON object has the key \"text\" more than once".to_string()),
                (4, "8|ok|other case".to_string()),
            ]
        );
    }

    #[test]
    fn duplicate_keys_are_found_in_wide_objects() {
        let mut keys: Vec<(Cow<str>, &RawValue)> = Vec::new();
        let one: &RawValue = serde_json::from_str("1").unwrap();
        for i in 0..100 {
            keys.push((Cow::Owned(format!("k{i}")), one));
        }
        assert_eq!(Object(keys.clone()).duplicate_key(), None);
        keys.push((Cow::Borrowed("k42"), one));
        assert_eq!(Object(keys).duplicate_key(), Some("k42"));
    }

    #[test]
    fn a_bad_escape_in_a_read_cell_rejects_the_row() {
        let survey = Survey::ad_hoc(Some("id".into()), &["text".into()]);
        let (rows, _) = read(b"{\"id\": 1, \"text\": \"\\ud800\"}\n{\"id\": 2, \"text\": \"ok\"}\n", &survey).unwrap();
        let reason = rows[0].reject.as_ref().map(|j| j.reason.to_string()).unwrap_or_default();
        assert!(reason.starts_with("not a JSON object: "), "{reason}");
        assert_eq!(cells(&rows[1]), ["2", "ok"]);
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
