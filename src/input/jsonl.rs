//! Reading responses from JSON Lines (`.jsonl`, `.ndjson`): one JSON object per line.
//!
//! The columns are the keys of the objects on the lines read ahead before the first
//! row is handed on ([`Lookahead`]: the first 1,000 rows), in the order first seen,
//! then any column the survey needs that none of them has. Such a column is looked
//! for in every later object; if none has it, reading fails at the end of the input,
//! and opening fails if the input ended within the look-ahead, as a CSV whose header
//! lacks the column does. Each object becomes a row: strings decoded, numbers and
//! booleans exactly as written (`1e2` stays `1e2`, and ids past 2^53 stay distinct:
//! values are kept as `RawValue` text, never read through `f64`), `null` and missing
//! keys as empty cells, nested arrays and objects as their JSON text with the spaces
//! between tokens removed. A column's key is the one of its name, or failing that,
//! the one that differs from it only in case; keys not among the columns are ignored.
//!
//! As in a CSV, blank lines and objects whose values are all empty (`{}`, `""`,
//! `null`) are no rows. A line that is not a JSON object, an object with a key written
//! twice or two keys matching a column only ignoring case, or a value that is not
//! UTF-8, is a rejected row (with its line), not an error.

use std::borrow::Cow;
use std::collections::{HashSet, VecDeque};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::encoding::{InputDigest, TextInput, open_text};
use super::{
    Cells, Chunk, Columns, InputSource, RawRow, ReadOptions, Reject, RejectReason, RowChecker, RowReader, reject_id,
    reject_value,
};
use crate::error::{Error, Location, Result};
use crate::survey::Survey;

/// How much of a JSON Lines input is read ahead, before its first row is handed on,
/// to learn its keys (the columns): lines are read until `rows` rows (lines that are
/// not blank objects) or `bytes` bytes are held, or the input ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lookahead {
    /// Rows to read ahead.
    pub rows: usize,
    /// Bytes of lines to hold at most (a line that crosses it is the last).
    pub bytes: usize,
}

impl Default for Lookahead {
    /// The first 1,000 rows, within 16 MiB.
    fn default() -> Lookahead {
        Lookahead { rows: 1000, bytes: 16 << 20 }
    }
}

/// Reads the rows of a JSON Lines input, chunk by chunk.
pub struct JsonLinesReader {
    input: Box<dyn BufRead + Send>,
    digest: InputDigest,
    /// The encoding the input is read in.
    encoding: &'static str,
    name: PathBuf,
    columns: Columns,
    checker: RowChecker,
    /// Lines read ahead to learn the keys, not yet handed out.
    ahead: VecDeque<AheadLine>,
    /// Rows read ahead (for messages).
    ahead_rows: usize,
    /// How many of the columns are keys of the objects read ahead; the rest are the
    /// survey's names that none of those had.
    keys: usize,
    /// Those of the survey's columns that no object read so far has.
    unseen: Vec<usize>,
    /// Per column, the survey's name for it if the survey reads it (see [`Object::get`]).
    named: Vec<Option<String>>,
    /// The current line (of which at most `max_line_bytes` are kept).
    buf: Vec<u8>,
    /// The current line's full length.
    len: usize,
    /// The current row's cells, kept between rows so that its buffers are reused.
    record: ::csv::ByteRecord,
    max_line_bytes: usize,
    line: u64,
    rows: u64,
    chunks: u64,
}

/// A line read ahead: where it is, what was kept of it (after any byte-order mark),
/// and its full length.
struct AheadLine {
    line: u64,
    text: Vec<u8>,
    len: usize,
}

impl JsonLinesReader {
    /// Opens `source`, reads ahead to learn its keys (see [`Lookahead`]) and resolves
    /// the survey's columns.
    pub fn open(source: &InputSource, survey: &Survey, options: &ReadOptions) -> Result<JsonLinesReader> {
        let text = open_text(source, options.encoding.as_deref())?;
        JsonLinesReader::from_text(text, source.name(), survey, options, Lookahead::default())
    }

    /// Reads an input already opened as text, reading `lookahead` ahead; `name` is used
    /// in messages.
    pub fn from_text(
        text: TextInput,
        name: PathBuf,
        survey: &Survey,
        options: &ReadOptions,
        lookahead: Lookahead,
    ) -> Result<JsonLinesReader> {
        let mut reader = JsonLinesReader {
            input: Box::new(BufReader::with_capacity(1 << 16, text.reader)),
            digest: text.digest,
            encoding: text.encoding.name(),
            columns: Columns::default(),
            checker: RowChecker::new(Columns::default(), options),
            name,
            ahead: VecDeque::new(),
            ahead_rows: 0,
            keys: 0,
            unseen: Vec::new(),
            named: Vec::new(),
            buf: Vec::new(),
            record: ::csv::ByteRecord::new(),
            len: 0,
            max_line_bytes: options.max_cell_bytes.saturating_mul(4),
            line: 0,
            rows: 0,
            chunks: 0,
        };
        // The keys of the objects read ahead, in the order first seen.
        let mut keys: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let (mut objects, mut bytes) = (0usize, 0usize);
        let mut first_reject: Option<(u64, RejectReason)> = None;
        let at_end = loop {
            if reader.ahead_rows >= lookahead.rows.max(1) || bytes >= lookahead.bytes {
                break false;
            }
            let Some(start) = reader.next_line()? else { break true };
            let text = reader.buf[start..].to_vec();
            let mut lossy = String::new();
            let parsed = parse_line(&text, reader.len, reader.max_line_bytes, &mut lossy).and_then(|(object, _)| {
                match object.duplicate_key() {
                    Some(key) => Err(RejectReason::DuplicateKey { key: key.to_string() }),
                    None => Ok(object),
                }
            });
            match parsed {
                Ok(object) => {
                    objects += 1;
                    for (key, _) in &object.0 {
                        if !seen.contains(key.as_ref()) {
                            seen.insert(key.to_string());
                            keys.push(key.to_string());
                        }
                    }
                    reader.ahead_rows += usize::from(!object.is_blank());
                }
                Err(reason) => {
                    reader.ahead_rows += 1;
                    first_reject.get_or_insert((reader.line, reason));
                }
            }
            bytes += text.len();
            reader.ahead.push_back(AheadLine { line: reader.line, text, len: reader.len });
        };
        if objects == 0 {
            let file = Location::file(&reader.name);
            return Err(match first_reject {
                None => Error::input(file, "the file is empty: no JSON object"),
                Some((line, reason)) if at_end => {
                    Error::input(file.at_line(line), format!("not JSON Lines: no line is a JSON object ({reason})"))
                }
                Some((line, reason)) => Error::input(
                    file.at_line(line),
                    format!(
                        "not JSON Lines: none of the first {} lines is a JSON object ({reason})",
                        reader.ahead_rows
                    ),
                ),
            });
        }
        // The survey's columns that no object read ahead has: an error if that was the
        // whole input (as a CSV header without them is), else looked for to the end.
        reader.keys = keys.len();
        let mut header = keys;
        let mut missing = Vec::new();
        for wanted in survey.column_names() {
            if Columns::matches(wanted, &header).is_empty() {
                missing.push(wanted.trim().to_string());
                header.push(wanted.trim().to_string());
            }
        }
        if at_end && !missing.is_empty() {
            return Err(Error::input(Location::file(&reader.name), no_such_key(&missing, &header[..reader.keys])));
        }
        reader.columns =
            Columns::resolve(survey, &header).map_err(|m| Error::input(Location::file(&reader.name), m))?;
        reader.unseen = (reader.keys..header.len()).collect();
        reader.named = vec![None; header.len()];
        for wanted in survey.column_names() {
            let wanted = wanted.trim();
            if let Some(&i) = Columns::matches(wanted, &header).first() {
                // `Explain [2]` names the second key `Explain`: that key is the name.
                let key = header[i].trim();
                reader.named[i] = Some(if key.eq_ignore_ascii_case(wanted) { wanted } else { key }.to_string());
            }
        }
        reader.checker = RowChecker::new(reader.columns.clone(), options);
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
            return Ok(Some(start));
        }
    }

    /// The row of `text`, line `line` (of `len` bytes in full): its cells, checked, or
    /// why it is rejected; `None` for an object whose values are all empty, which is no
    /// row (as a CSV row of empty cells is not).
    fn row(&mut self, text: &[u8], len: usize, line: u64) -> Option<RawRow> {
        let mut lossy = String::new();
        let (object, not_utf8) = match parse_line(text, len, self.max_line_bytes, &mut lossy) {
            Ok(parsed) => parsed,
            Err(reason) => {
                self.rows += 1;
                return Some(self.rejected(line, None, None, reason));
            }
        };
        if let Some(key) = object.duplicate_key() {
            self.rows += 1;
            // The id, unless it is the key written twice (which of its values?).
            let id_key = self.columns.id.map(|i| self.named[i].as_deref().unwrap_or(self.columns.name(i)));
            let id =
                if id_key.is_some_and(|k| k.trim().eq_ignore_ascii_case(key.trim())) { None } else { self.id(&object) };
            return Some(self.rejected(line, id, None, RejectReason::DuplicateKey { key: key.to_string() }));
        }
        if !self.unseen.is_empty() {
            let (header, named) = (&self.columns.header, &self.named);
            self.unseen.retain(|&i| matches!(object.get(i, &header[i], named[i].as_deref()), Member::Missing));
        }
        if object.is_blank() {
            return None;
        }
        self.rows += 1;
        if let Some(m) = not_utf8 {
            let key = object.0[m].0.to_string();
            return Some(self.rejected(line, self.id(&object), Some(reject_value(&key)), RejectReason::InvalidUtf8));
        }
        let mut record = std::mem::take(&mut self.record);
        record.clear();
        let row = self.row_of(&object, &mut record, line);
        self.record = record;
        Some(row)
    }

    /// The row of an object read at `line` whose cells go into `record`.
    fn row_of(&mut self, object: &Object<'_>, record: &mut ::csv::ByteRecord, line: u64) -> RawRow {
        for (i, name) in self.columns.header.iter().enumerate() {
            let reason = match object.get(i, name, self.named[i].as_deref()) {
                Member::Missing => {
                    record.push_field(b"");
                    continue;
                }
                Member::Found(raw) => match cell(raw) {
                    Ok(text) => {
                        record.push_field(&text);
                        continue;
                    }
                    Err(message) => RejectReason::InvalidJson { message },
                },
                Member::Ambiguous(keys) => RejectReason::AmbiguousKey { keys },
            };
            return self.rejected(line, self.id(object), Some(reject_value(name)), reason);
        }
        let reject = self.checker.check(record, line, self.rows);
        RawRow { line, row: self.rows, record: Cells::from(&*record), reject }
    }

    /// The respondent id of an object, if it has one that can be read (for a reject).
    fn id(&self, object: &Object<'_>) -> Option<String> {
        let i = self.columns.id?;
        let Member::Found(raw) = object.get(i, self.columns.name(i), self.named[i].as_deref()) else { return None };
        let text = cell(raw).ok()?;
        Some(reject_id(&text)).filter(|id| !id.is_empty())
    }

    /// Line `line`, the current row, as a rejected row with no cells.
    fn rejected(&self, line: u64, id: Option<String>, column: Option<String>, reason: RejectReason) -> RawRow {
        RawRow {
            line,
            row: self.rows,
            record: Cells::default(),
            reject: Some(Reject { line, row: self.rows, id, column, reason }),
        }
    }

    /// At the end of the input: an error if a column the survey reads was in no object.
    fn finish(&self) -> Result<()> {
        if self.unseen.is_empty() {
            return Ok(());
        }
        let missing: Vec<String> = self.unseen.iter().map(|&i| self.columns.name(i).to_string()).collect();
        Err(Error::input(
            Location::file(&self.name),
            format!(
                "{}: not in the first {} rows, nor in any object after them, to the end (line {})",
                no_such_key(&missing, &self.columns.header[..self.keys]),
                self.ahead_rows,
                self.line
            ),
        ))
    }
}

/// `no object has the key "x" (keys: "a", "b")`: for keys the survey needs and no object has.
fn no_such_key(missing: &[String], keys: &[String]) -> String {
    let quoted: Vec<String> = missing.iter().map(|k| format!("{:?}", super::shown_name(k))).collect();
    let (noun, names) = match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => ("keys", format!("{} or {last}", rest.join(", "))),
        _ => ("key", quoted.join("")),
    };
    let keys = if keys.is_empty() { "none".to_string() } else { super::listed(keys) };
    format!("no object has the {noun} {names} (keys: {keys})")
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

    fn encoding(&self) -> Option<&'static str> {
        Some(self.encoding)
    }

    fn next_chunk(&mut self, max_rows: usize, max_bytes: usize) -> Result<Option<Chunk>> {
        let mut rows = Vec::new();
        let mut bytes = 0u64;
        while rows.len() < max_rows.max(1) && bytes < max_bytes as u64 {
            let row = if let Some(ahead) = self.ahead.pop_front() {
                bytes += ahead.text.len() as u64 + 1;
                self.row(&ahead.text, ahead.len, ahead.line)
            } else {
                let Some(start) = self.next_line()? else {
                    self.finish()?;
                    break;
                };
                // Taken out of `self` for the length of the call, so `row` can borrow both.
                let buf = std::mem::take(&mut self.buf);
                let row = self.row(&buf[start..], self.len, self.line);
                bytes += buf.len() as u64 + 1;
                self.buf = buf;
                row
            };
            rows.extend(row);
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

/// What an object has for a column.
enum Member<'a> {
    /// The value of the column's key.
    Found(&'a RawValue),
    /// No key of the column's name, even ignoring case.
    Missing,
    /// No key of the column's name, and these keys that differ from it only in case.
    Ambiguous(Vec<String>),
}

impl<'a> Object<'a> {
    /// The member for the `i`th column, `key` in the header. A column the survey reads
    /// by `name` is matched as a CSV header cell is: the key of that name, or if none,
    /// the one that differs from it only in ASCII case or spaces around it (several such
    /// are ambiguous). Any other column is its key alone.
    fn get(&self, i: usize, key: &str, name: Option<&str>) -> Member<'a> {
        // Lines written by one program have their keys in the same order: try the
        // same position first, so a row costs one comparison per column.
        if let Some((k, v)) = self.0.get(i)
            && k == key
            && name.is_none_or(|name| name == key)
        {
            return Member::Found(v);
        }
        let exact = name.unwrap_or(key);
        if let Some((_, v)) = self.0.iter().find(|(k, _)| k == exact) {
            return Member::Found(v);
        }
        let Some(name) = name else { return Member::Missing };
        let near = |k: &&(Cow<'a, str>, &'a RawValue)| k.0.trim().eq_ignore_ascii_case(name);
        let mut found = self.0.iter().filter(near);
        match (found.next(), found.next()) {
            (None, _) => Member::Missing,
            (Some((_, v)), None) => Member::Found(v),
            (Some(_), Some(_)) => Member::Ambiguous(self.0.iter().filter(near).map(|(k, _)| k.to_string()).collect()),
        }
    }

    /// Whether every value is empty: `null`, or a string of white space alone.
    fn is_blank(&self) -> bool {
        self.0.iter().all(|(_, v)| cell(v).is_ok_and(|text| text.trim_ascii().is_empty()))
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
///
/// A line that is not UTF-8 is read with each invalid sequence as U+FFFD (into
/// `lossy`): the object comes with the member whose value has one, which rejects the
/// row as a CSV cell that is not UTF-8 does. A key with one is read as it is, as a CSV
/// header cell is. A line that is not an object even so is rejected as not UTF-8.
fn parse_line<'a>(
    text: &'a [u8],
    len: usize,
    limit: usize,
    lossy: &'a mut String,
) -> std::result::Result<(Object<'a>, Option<usize>), RejectReason> {
    let invalid = |message: String| RejectReason::InvalidJson { message };
    if len > limit {
        return Err(invalid(format!("the line is {len} bytes, over the limit of {limit}")));
    }
    let error = match serde_json::from_slice::<Parsed<'_>>(text) {
        Ok(parsed) => return object(parsed).map(|o| (o, None)),
        Err(e) => e,
    };
    if std::str::from_utf8(text).is_ok() {
        return Err(invalid(format!("{error}").replace(" at line 1 column ", " at column ")));
    }
    let marks = replace_invalid(text, lossy);
    let lossy: &'a str = lossy;
    let Ok(parsed) = serde_json::from_str::<Parsed<'_>>(lossy) else {
        return Err(RejectReason::InvalidUtf8);
    };
    let found = object(parsed)?;
    let base = lossy.as_ptr() as usize;
    let bad = found.0.iter().position(|(_, v)| {
        // The value is a slice of `lossy`: where it lies there.
        let start = v.get().as_ptr() as usize - base;
        marks.iter().any(|&m| (start..start + v.get().len()).contains(&m))
    });
    Ok((found, bad))
}

/// The object a line parsed as, or why its row is rejected. A key written twice is
/// found by the caller, which names the row's id in its reject.
fn object(parsed: Parsed<'_>) -> std::result::Result<Object<'_>, RejectReason> {
    match parsed {
        Parsed::Object(object) => Ok(object),
        Parsed::Other(kind) => Err(RejectReason::InvalidJson { message: format!("the line is {kind}, not an object") }),
    }
}

/// `text` into `out` with each invalid UTF-8 sequence replaced by U+FFFD (as
/// `String::from_utf8_lossy` does); returns where in `out` the replacements are.
fn replace_invalid(text: &[u8], out: &mut String) -> Vec<usize> {
    out.clear();
    let mut marks = Vec::new();
    for chunk in text.utf8_chunks() {
        out.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            marks.push(out.len());
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
    marks
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

/// Reads one line, without its line ending (`\n`, `\r\n` or a lone `\r`, as the CSV
/// reader counts them), into `buf`; `Ok(None)` at the end.
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
        let (part, found) = match memchr::memchr2(b'\n', b'\r', available) {
            Some(i) => (&available[..i], Some(available[i])),
            None => (available, None),
        };
        let keep = part.len().min(limit.saturating_sub(buf.len()));
        buf.extend_from_slice(&part[..keep]);
        total += part.len();
        let used = part.len() + usize::from(found.is_some());
        input.consume(used);
        if let Some(end) = found {
            // `\r\n` is one line ending (the `\n` may be in the next buffer).
            if end == b'\r' && input.fill_buf()?.first() == Some(&b'\n') {
                input.consume(1);
            }
            break;
        }
    }
    if !any {
        return Ok(None);
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
    match head.iter().position(|&b| b == b'\n' || b == b'\r') {
        Some(end) => matches!(serde_json::from_slice::<Value>(&head[..end]), Ok(Value::Object(_))),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(data: &'static [u8], survey: &Survey) -> Result<(Vec<RawRow>, Columns)> {
        read_with(data, survey, Lookahead::default())
    }

    /// Every row of `data` (read as UTF-8), two a chunk, reading `lookahead` ahead.
    fn read_with(data: &'static [u8], survey: &Survey, lookahead: Lookahead) -> Result<(Vec<RawRow>, Columns)> {
        let src = InputSource::Bytes { name: "r.jsonl".into(), bytes: data };
        let options = ReadOptions { encoding: Some("utf-8".into()), ..ReadOptions::default() };
        let text = open_text(&src, options.encoding.as_deref())?;
        let mut r = JsonLinesReader::from_text(text, src.name(), survey, &options, lookahead)?;
        let mut rows = Vec::new();
        while let Some(c) = r.next_chunk(2, 1 << 20)? {
            rows.extend(c.rows);
        }
        Ok((rows, r.columns().clone()))
    }

    /// (line, row, id, column, reason) of each rejected row.
    fn rejects(rows: &[RawRow]) -> Vec<(u64, u64, String, String, String)> {
        rows.iter()
            .filter_map(|r| r.reject.as_ref())
            .map(|j| {
                let text = |s: &Option<String>| s.clone().unwrap_or_default();
                (j.line, j.row, text(&j.id), text(&j.column), j.reason.to_string())
            })
            .collect()
    }

    fn cells(row: &RawRow) -> Vec<String> {
        row.record.iter().map(|c| String::from_utf8_lossy(c).into_owned()).collect()
    }

    #[test]
    fn objects_become_rows_in_the_order_their_keys_are_first_seen() {
        let survey = Survey::ad_hoc(Some("id".into()), &["why".into(), "extra".into()]);
        let data = b"{\"id\": 1001, \"why\": \"cost\", \"z\": null, \"a\": true, \"extra\": 1}\n\n\
            {\"why\": \"x\", \"id\": \"r2\", \"a\": [1, {\"b\": 2}], \"later\": 5}\r\n";
        let (rows, cols) = read(data, &survey).unwrap();
        assert_eq!(cols.header, ["id", "why", "z", "a", "extra", "later"]);
        assert_eq!(cells(&rows[0]), ["1001", "cost", "", "true", "1", ""]);
        assert_eq!(cells(&rows[1]), ["r2", "x", "", "[1,{\"b\":2}]", "", "5"]);
        assert_eq!((rows[0].line, rows[1].line), (1, 3));
    }

    /// A key the survey reads that no object has is an error, as a CSV header without
    /// the column is: on opening if the input ends within the look-ahead, else at the end.
    #[test]
    fn a_key_no_object_has_is_an_error_naming_it() {
        let survey = Survey::ad_hoc(Some("id".into()), &["why".into(), "whyy".into()]);
        let err = read(b"{\"id\": 1, \"q1\": \"Yes\", \"why\": \"cost\"}\n", &survey).err().unwrap().to_string();
        assert_eq!(err, "r.jsonl: no object has the key \"whyy\" (keys: \"id\", \"q1\", \"why\")");
        let survey = Survey::ad_hoc(Some("idd".into()), &["whyy".into()]);
        let err = read(b"{}\n{\"id\": 1}\n", &survey).err().unwrap().to_string();
        assert_eq!(err, "r.jsonl: no object has the keys \"idd\" or \"whyy\" (keys: \"id\")");
        let err = read(b"{}\n", &survey).err().unwrap().to_string();
        assert_eq!(err, "r.jsonl: no object has the keys \"idd\" or \"whyy\" (keys: none)");

        // Past the look-ahead, a key is found in any later object, even a blank one.
        let two = Lookahead { rows: 2, bytes: usize::MAX };
        let survey = Survey::ad_hoc(Some("id".into()), &["why".into()]);
        let late = b"{\"id\": 1}\n{\"id\": 2}\n{\"id\": 3, \"WHY\": \"cost\"}\n";
        let (rows, cols) = read_with(late, &survey, two).unwrap();
        assert_eq!(cols.header, ["id", "why"]);
        assert_eq!(cells(&rows[2]), ["3", "cost"]);
        let (rows, _) = read_with(b"{\"id\": 1}\n{\"id\": 2}\n{\"why\": null}\n", &survey, two).unwrap();
        assert_eq!(rows.len(), 2);
        let err = read_with(b"{\"id\": 1}\n{\"id\": 2}\n\n{\"id\": 3}\n", &survey, two).err().unwrap().to_string();
        assert_eq!(
            err,
            "r.jsonl: no object has the key \"why\" (keys: \"id\"): not in the first 2 rows, \
             nor in any object after them, to the end (line 4)"
        );
    }

    /// A value that is not UTF-8 rejects its row as a CSV cell does, naming the key; a
    /// key that is not UTF-8 is read with U+FFFD, as a CSV header cell is.
    #[test]
    fn a_value_not_utf8_rejects_the_row_naming_its_key() {
        let survey = Survey::ad_hoc(Some("id".into()), &["why".into()]);
        let data = b"{\"id\": 1, \"why\": \"caf\xc3\xa9 \\u00e9 \xff\"}\n\
            {\"id\": \"\xfe2\", \"why\": \"ok\"}\n\
            {\"id\": 3, \"n\xffte\": \"x\", \"why\": \"ok\"}\n\
            {\"id\": 4, \"why\": \"cut \xff\n\
            [\"\xff\"]\n";
        let (rows, cols) = read(data, &survey).unwrap();
        assert_eq!(cols.header, ["id", "why", "n\u{FFFD}te"]);
        assert_eq!(
            rejects(&rows),
            [
                (1, 1, "1".into(), "why".into(), "cell is not valid UTF-8".into()),
                (2, 2, "\u{FFFD}2".into(), "id".into(), "cell is not valid UTF-8".into()),
                (4, 4, "".into(), "".into(), "cell is not valid UTF-8".into()),
                (5, 5, "".into(), "".into(), "not a JSON object: the line is an array, not an object".into()),
            ]
        );
        assert_eq!(cells(&rows[2]), ["3", "ok", "x"]);
    }

    /// Objects whose values are all empty are no rows, as a CSV row of empty cells is not.
    #[test]
    fn blank_objects_are_not_rows() {
        let survey = Survey::ad_hoc(Some("id".into()), &["why".into()]);
        let data = b"{}\n{\"id\": \"\", \"why\": \" \\t\"}\n{\"id\": 1, \"why\": \"a\"}\n\
            {\"id\": null, \"why\": null}\n{\"id\": \"\", \"why\": []}\n{\"why\": 0}\n";
        let (rows, _) = read(data, &survey).unwrap();
        let got: Vec<(u64, u64)> = rows.iter().map(|r| (r.line, r.row)).collect();
        assert_eq!(got, [(3, 1), (5, 2), (6, 3)]);
        assert_eq!(rejects(&rows).len(), 2, "no id");
    }

    /// A key of the column's name is read; else the one differing only in case; two
    /// such reject the row rather than one be read and the other dropped unseen.
    #[test]
    fn keys_differing_only_in_case() {
        let survey = Survey::ad_hoc(Some("id".into()), &["why".into()]);
        let data = b"{\"id\": 1, \"why\": \"a\"}\n{\"Id\": 3, \"id\": 4, \"why\": \"b\"}\n\
            {\"ID\": 5, \"Id\": 6, \"why\": \"c\"}\n{\"ID\": 7, \"WHY\": \"d\", \"Why\": \"e\", \"wHY\": \"f\"}\n\
            {\"ID\": 8, \"Why\": \"g\"}\n";
        let (rows, cols) = read(data, &survey).unwrap();
        assert_eq!(cols.header, ["id", "why", "Id", "ID", "WHY", "Why", "wHY"]);
        assert_eq!(cells(&rows[1])[..2], ["4", "b"]);
        assert_eq!(cells(&rows[4])[..2], ["8", "g"]);
        assert_eq!(
            rejects(&rows),
            [
                (
                    3,
                    3,
                    "".into(),
                    "id".into(),
                    "the keys \"ID\" and \"Id\" both match the column, differing from it only in case: \
                     which to read is unclear"
                        .into()
                ),
                (
                    4,
                    4,
                    "7".into(),
                    "why".into(),
                    "the keys \"WHY\", \"Why\" and \"wHY\" all match the column, differing from it only in case: \
                     which to read is unclear"
                        .into()
                ),
            ]
        );
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
        // The reject names the row's id, unless the id is the key written twice.
        let ids: Vec<Option<&str>> = rows.iter().map(|r| r.reject.as_ref().and_then(|j| j.id.as_deref())).collect();
        assert_eq!(ids, [None, Some("6"), Some("7"), None]);
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

    /// A file with lone CR line endings (classic Mac) was one line, rejected as "not a
    /// JSON object: trailing characters".
    #[test]
    fn a_lone_cr_ends_a_line() {
        let survey = Survey::ad_hoc(Some("id".into()), &["text".into()]);
        let data = b"{\"id\":1,\"text\":\"a\"}\r{\"id\":2,\"text\":\"b\"}\r\n\r{\"id\":3,\"text\":\"c\"}\r";
        let (rows, _) = read(data, &survey).unwrap();
        let got: Vec<(u64, Vec<String>)> = rows.iter().map(|r| (r.line, cells(r))).collect();
        assert_eq!(
            got,
            [(1, vec!["1".into(), "a".into()]), (2, vec!["2".into(), "b".into()]), (4, vec!["3".into(), "c".into()])]
        );
        assert!(rows.iter().all(|r| r.reject.is_none()));
        // The `\n` of a `\r\n` read in the next buffer ends no second line.
        let mut input = std::io::BufReader::with_capacity(3, &b"ab\r\ncd"[..]);
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut input, &mut buf, 10).unwrap(), Some(2));
        assert_eq!(read_line(&mut input, &mut buf, 10).unwrap(), Some(2));
        assert_eq!(buf, b"cd");
        assert!(starts_with_object(b"{\"id\": 1}\r{\"id\": 2}\r"));
    }

    #[test]
    fn recognises_json_lines_by_content() {
        assert!(starts_with_object(b"\xEF\xBB\xBF  {\"id\": 1}\n{"));
        assert!(!starts_with_object(b"id,text\n"));
        assert!(!starts_with_object(b"{not json\n"));
    }

    /// An input with no object is an error, as an empty CSV is.
    #[test]
    fn no_object_at_all_is_an_error() {
        let survey = Survey::ad_hoc(None, &[]);
        let err = |data: &'static [u8]| read(data, &survey).err().unwrap().to_string();
        assert_eq!(err(b""), "r.jsonl: the file is empty: no JSON object");
        assert_eq!(err(b"\n \r\n"), "r.jsonl: the file is empty: no JSON object");
        assert_eq!(
            err(b"\n[1]\n2\n"),
            "r.jsonl:2: not JSON Lines: no line is a JSON object (not a JSON object: the line is an array, not an object)"
        );
        let few = Lookahead { rows: 2, bytes: usize::MAX };
        let err = read_with(b"1\n2\n{}\n", &survey, few).err().unwrap().to_string();
        assert_eq!(
            err,
            "r.jsonl:1: not JSON Lines: none of the first 2 lines is a JSON object (not a JSON object: the line is a number, not an object)"
        );
    }
}
