//! Reading responses from CSV in bounded chunks.
//!
//! A record may span lines (quoted newlines); `\r\n`, `\n` and a lone `\r` all end a
//! record; a UTF-8 byte-order mark before the header is ignored. Rows are kept as
//! raw bytes until a worker decodes them, so the reader does only what must be done
//! in order: split records, count fields, and catch duplicate respondent ids.

use std::collections::VecDeque;
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::{Chunk, Columns, InputSource, RawRow, ReadOptions, Reject, RejectReason, Response, RowChecker, RowReader};
use crate::error::{Error, Location, Result};
use crate::survey::Survey;

/// Reads the rows of a CSV input, chunk by chunk.
pub struct ResponseReader {
    reader: csv::Reader<LineCounter>,
    lines: Arc<Mutex<LineBreaks>>,
    name: PathBuf,
    columns: Columns,
    checker: RowChecker,
    rows: u64,
    chunks: u64,
    last_byte: u64,
}

impl ResponseReader {
    /// Opens `source`, reads its header and finds the survey's columns.
    pub fn open(source: &InputSource, survey: &Survey, options: &ReadOptions) -> Result<ResponseReader> {
        let name = source.name();
        let inner: Box<dyn Read + Send> = match source {
            InputSource::File(p) => Box::new(std::fs::File::open(p).map_err(|e| Error::io(p, e))?),
            InputSource::Stdin => Box::new(std::io::stdin()),
            InputSource::Bytes { bytes, .. } => Box::new(*bytes),
        };
        ResponseReader::from_reader(inner, name, survey, options)
    }

    /// Reads from any reader; `name` is used in messages.
    pub fn from_reader(
        inner: Box<dyn Read + Send>,
        name: PathBuf,
        survey: &Survey,
        options: &ReadOptions,
    ) -> Result<ResponseReader> {
        let lines = Arc::new(Mutex::new(LineBreaks::default()));
        let counter = LineCounter { inner, lines: Arc::clone(&lines), offset: 0, last: 0, sha: Sha256::new() };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .delimiter(options.delimiter.unwrap_or(b','))
            .buffer_capacity(1 << 20)
            .from_reader(counter);
        let header = reader.byte_headers().map_err(|e| csv_error(&name, e))?.clone();
        if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
            return Err(Error::input(Location::file(&name), "the file is empty: no header row"));
        }
        let names: Vec<String> =
            header.iter().map(|h| String::from_utf8_lossy(h).trim_start_matches('\u{FEFF}').to_string()).collect();
        let columns =
            Columns::resolve(survey, &names).map_err(|m| Error::input(Location::file(&name).at_line(1), m))?;
        Ok(ResponseReader {
            reader,
            lines,
            name,
            checker: RowChecker::new(columns.clone(), options),
            columns,
            rows: 0,
            chunks: 0,
            last_byte: 0,
        })
    }
}

impl RowReader for ResponseReader {
    fn columns(&self) -> &Columns {
        &self.columns
    }

    fn name(&self) -> &std::path::Path {
        &self.name
    }

    fn sha256(&self) -> String {
        hex(&self.reader.get_ref().sha.clone().finalize())
    }

    fn next_chunk(&mut self, max_rows: usize, max_bytes: usize) -> Result<Option<Chunk>> {
        let mut rows = Vec::new();
        let start_byte = self.last_byte;
        let mut record = csv::ByteRecord::new();
        while rows.len() < max_rows.max(1) && (self.last_byte - start_byte) < max_bytes as u64 {
            let more = self.reader.read_byte_record(&mut record).map_err(|e| csv_error(&self.name, e))?;
            if !more {
                break;
            }
            self.last_byte = self.reader.position().byte();
            self.rows += 1;
            let start = record.position().map_or(0, |p| p.byte());
            let line = self.lines.lock().expect("line counter lock is never poisoned").line_at(start);
            let reject = self.checker.check(&record, line, self.rows);
            rows.push(RawRow { line, row: self.rows, record: std::mem::take(&mut record), reject });
        }
        if rows.is_empty() {
            return Ok(None);
        }
        let index = self.chunks;
        self.chunks += 1;
        Ok(Some(Chunk { index, rows, bytes: self.last_byte - start_byte }))
    }
}

/// Line-break offsets seen by the [`LineCounter`] and not yet passed by a record.
///
/// The csv crate's own line numbers miss a lone `\r` and are off by one after
/// `\r\n`, so lines are counted here: a `\r`, or a `\n` not preceded by `\r`.
#[derive(Default, Debug)]
struct LineBreaks {
    pending: VecDeque<u64>,
    passed: u64,
}

impl LineBreaks {
    /// The 1-based line of the byte at `offset` (offsets must not decrease).
    fn line_at(&mut self, offset: u64) -> u64 {
        while self.pending.front().is_some_and(|&b| b < offset) {
            self.pending.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

/// A reader that notes where line breaks are as bytes pass through it.
struct LineCounter {
    inner: Box<dyn Read + Send>,
    lines: Arc<Mutex<LineBreaks>>,
    offset: u64,
    last: u8,
    sha: Sha256,
}

impl Read for LineCounter {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.sha.update(&buf[..n]);
        let mut lines = self.lines.lock().expect("line counter lock is never poisoned");
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\r' || (b == b'\n' && self.last != b'\r') {
                lines.pending.push_back(self.offset + i as u64);
            }
            self.last = b;
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of bytes, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn csv_error(name: &std::path::Path, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(name, io),
        other => {
            let mut loc = Location::file(name);
            if let Some(l) = line {
                loc = loc.at_line(l);
            }
            Error::input(loc, format!("{other:?}"))
        }
    }
}

/// Decodes a row that passed the reader's checks into a [`Response`].
pub fn decode<'a>(
    row: &'a RawRow,
    columns: &Columns,
    max_cell_bytes: usize,
) -> std::result::Result<Response<'a>, Reject> {
    let reject = |i: usize, reason: RejectReason| {
        let id = columns.id.and_then(|c| row.record.get(c)).map(|b| String::from_utf8_lossy(b).trim().to_string());
        Reject { line: row.line, row: row.row, id, column: Some(columns.name(i).to_string()), reason }
    };
    let cell = |i: usize| -> std::result::Result<&'a str, Reject> {
        let bytes = row.record.get(i).unwrap_or(b"");
        if bytes.len() > max_cell_bytes {
            return Err(reject(i, RejectReason::CellTooLarge { bytes: bytes.len(), limit: max_cell_bytes }));
        }
        std::str::from_utf8(bytes).map_err(|_| reject(i, RejectReason::InvalidUtf8))
    };
    // Every cell of the row is checked, not only the survey's: a row is kept or rejected whole.
    for i in 0..row.record.len() {
        cell(i)?;
    }
    let id = match columns.id {
        Some(i) => std::borrow::Cow::Borrowed(cell(i)?.trim()),
        None => std::borrow::Cow::Owned(row.row.to_string()),
    };
    Ok(Response {
        line: row.line,
        row: row.row,
        id,
        respondent_type: columns.respondent_type.map(cell).transpose()?,
        closed: columns.closed.iter().map(|&i| cell(i)).collect::<std::result::Result<_, _>>()?,
        open: columns.open.iter().map(|&i| cell(i)).collect::<std::result::Result<_, _>>()?,
        segments: columns.segments.iter().map(|&i| cell(i)).collect::<std::result::Result<_, _>>()?,
    })
}

/// Calls `f` with every cell of the named columns (all columns if `columns` is
/// empty) of a CSV file, row by row. For corpora in tools (`lexicon check`, `kwic`).
pub fn for_each_text(path: &std::path::Path, columns: &[String], mut f: impl FnMut(u64, &str, &str)) -> Result<()> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, e))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{FEFF}').to_string())
        .collect();
    let wanted: Vec<usize> = if columns.is_empty() {
        (0..header.len()).collect()
    } else {
        columns
            .iter()
            .map(|c| {
                header.iter().position(|h| h == c.trim()).ok_or_else(|| {
                    Error::input(
                        Location::file(path).at_line(1),
                        format!("no column {c:?} in the header (columns: {})", header.join(", ")),
                    )
                })
            })
            .collect::<Result<_>>()?
    };
    let mut record = csv::ByteRecord::new();
    let mut row = 0;
    while reader.read_byte_record(&mut record).map_err(|e| csv_error(path, e))? {
        row += 1;
        for &i in &wanted {
            if let Some(cell) = record.get(i) {
                f(row, &header[i], &String::from_utf8_lossy(cell));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey() -> Survey {
        Survey::ad_hoc(Some("id".into()), &["text".into()])
    }

    fn read_all(data: &'static [u8]) -> Result<(Vec<RawRow>, Columns)> {
        let src = InputSource::Bytes { name: "t.csv".into(), bytes: data };
        let mut r = ResponseReader::open(&src, &survey(), &ReadOptions::default())?;
        let mut rows = Vec::new();
        while let Some(c) = r.next_chunk(2, 1 << 20)? {
            rows.extend(c.rows);
        }
        Ok((rows, r.columns().clone()))
    }

    #[test]
    fn reads_quoted_newlines_crlf_lone_cr_and_bom() {
        let (rows, cols) = read_all(b"\xEF\xBB\xBFid,text\r\n1,\"a,\nb\"\r\n2,c\r3,d").unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4, 5]);
        let r = decode(&rows[0], &cols, 100).unwrap();
        assert_eq!((r.id.as_ref(), r.open[0]), ("1", "a,\nb"));
    }

    #[test]
    fn missing_column_is_an_error_naming_the_file_and_column() {
        let err = read_all(b"id,answer\n1,x\n").err().unwrap().to_string();
        assert_eq!(err, "t.csv:1: no column \"text\" in the header (columns: id, answer)");
    }

    #[test]
    fn empty_file_is_an_error() {
        let err = read_all(b"").err().unwrap().to_string();
        assert!(err.contains("empty"), "{err}");
    }

    #[test]
    fn header_only_gives_no_rows() {
        assert!(read_all(b"id,text\n").unwrap().0.is_empty());
    }

    #[test]
    fn structural_rejects_keep_their_line() {
        let (rows, _) = read_all(b"id,text\n1,a\n2,b,extra\n1,dup\n,noid\n").unwrap();
        let rejects: Vec<(u64, String)> =
            rows.iter().filter_map(|r| r.reject.as_ref().map(|j| (j.line, j.reason.to_string()))).collect();
        assert_eq!(
            rejects,
            [
                (3, "row has 3 fields, the header has 2".to_string()),
                (4, "respondent id already seen on line 2".to_string()),
                (5, "respondent id is empty".to_string())
            ]
        );
    }

    #[test]
    fn decoding_rejects_invalid_utf8_and_huge_cells() {
        let (rows, cols) = read_all(b"id,text\n1,caf\xe9\n2,abcdef\n").unwrap();
        let err = decode(&rows[0], &cols, 100).unwrap_err();
        assert_eq!((err.column.as_deref(), err.reason), (Some("text"), RejectReason::InvalidUtf8));
        let err = decode(&rows[1], &cols, 3).unwrap_err();
        assert_eq!(err.reason, RejectReason::CellTooLarge { bytes: 6, limit: 3 });
    }
}
