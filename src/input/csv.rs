//! Reading responses from CSV in bounded chunks.
//!
//! The input arrives as UTF-8 from [`super::encoding`] (transcoded when it is in
//! another encoding); the delimiter is given or sniffed from the first record. A
//! record may span lines (quoted newlines); `\r\n`, `\n` and a lone `\r` all end a
//! record; a UTF-8 byte-order mark before the header is ignored. Rows are kept as
//! raw bytes until a worker decodes them, so the reader does only what must be done
//! in order: split records, count fields, and catch duplicate respondent ids.

use std::borrow::Cow;
use std::io::Read;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use super::encoding::{InputDigest, TextInput};
use super::header;
use super::split::{Cut, Place, Splitter, can_delimit};
use super::{
    CUT_MARK, Cells, Chunk, Columns, InputSource, RawRow, ReadOptions, Reject, RejectReason, Response, RowChecker,
    RowReader, reject_id, reject_value,
};
use crate::error::{Error, Location, Result};
use crate::survey::Survey;

/// Reads the rows of a CSV input, chunk by chunk.
pub struct ResponseReader {
    records: Splitter<Box<dyn Read + Send>>,
    /// The record being read: its buffers are reused, each row gets an exact copy.
    record: csv::ByteRecord,
    digest: InputDigest,
    name: PathBuf,
    columns: Columns,
    header: header::SubHeader,
    /// Records read ahead of the first row to read the header (see [`header`]).
    pending: std::collections::VecDeque<(csv::ByteRecord, Place)>,
    checker: RowChecker,
    /// The encoding the input was transcoded from, when not UTF-8: a U+FFFD in a row
    /// then marks bytes that encoding could not decode.
    transcoded: Option<&'static str>,
    /// Whether the input was sniffed as Windows-1252 (not declared so): a cell that
    /// then reads as UTF-8 mojibake was pasted in UTF-8 (see
    /// [`super::encoding::is_utf8_read_as_1252`]).
    sniffed_1252: bool,
    max_cell_bytes: usize,
    rows: u64,
    chunks: u64,
    last_byte: u64,
}

impl ResponseReader {
    /// Opens `source`, reads its header and finds the survey's columns.
    ///
    /// The encoding and delimiter are `options`' or sniffed (see [`super::encoding`]
    /// and [`sniff_delimiter`]).
    pub fn open(source: &InputSource, survey: &Survey, options: &ReadOptions) -> Result<ResponseReader> {
        let text = super::encoding::open_text(source, options.encoding.as_deref())?;
        ResponseReader::from_text(text, source.name(), survey, options)
    }

    /// Reads an input already opened as text; `name` is used in messages.
    pub fn from_text(text: TextInput, name: PathBuf, survey: &Survey, options: &ReadOptions) -> Result<ResponseReader> {
        let declared = excel_separator(&text.head);
        let delimiter = match (options.delimiter, declared) {
            (Some(d), _) => d,
            (None, Some(c)) if c.is_ascii() && can_delimit(c as u8) => c as u8,
            (None, Some(c)) => {
                return Err(Error::input(
                    Location::file(&name).at_line(1),
                    format!("the first line, sep={c}, names {c:?} as the delimiter, which cannot be one"),
                ));
            }
            (None, None) => sniff_delimiter(&text.head),
        };
        if !can_delimit(delimiter) {
            return Err(Error::Usage(format!("{:?} cannot be the delimiter", delimiter as char)));
        }
        let mut records = Splitter::new(text.reader, delimiter);
        // A record too long to hold keeps a field's first bytes only (a quote never
        // closed, a huge cell: either rejects its row). The header and the rows read
        // ahead with it may be header, whose cells are not cut at a small limit.
        records.max_field_bytes(options.max_cell_bytes.max(HEADER_CELL_BYTES));
        let mut header = csv::ByteRecord::new();
        if declared.is_some() {
            // Excel's `sep=;` line is no header: the header is on the next line.
            records.next_record(&mut csv::ByteRecord::new()).map_err(|e| Error::io(&name, e))?;
        }
        let place = records.next_record(&mut header).map_err(|e| Error::io(&name, e))?;
        // Blank lines before the header are skipped: it is not always on line 1.
        let header_line = place.map_or(1, |p| p.line);
        if let Some(last_line) = place.and_then(|p| p.unclosed_to) {
            return Err(Error::input(
                Location::file(&name).at_line(header_line),
                format!(
                    "the header row opens a quote that is never closed: all {last_line} lines were read as the header"
                ),
            ));
        }
        if let Some(stray) = place.and_then(|p| p.stray_quote) {
            return Err(Error::input(
                Location::file(&name).at_line(header_line),
                format!(
                    "the header's field {} opens a quote that runs to line {} and has text after its closing quote: the header looks broken by a stray quote",
                    stray.field + 1,
                    stray.close_line
                ),
            ));
        }
        if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
            return Err(Error::input(Location::file(&name), "the file is empty: no header row"));
        }
        let header_names = |h: &csv::ByteRecord| -> Vec<String> {
            h.iter().map(|c| String::from_utf8_lossy(c).trim_start_matches('\u{FEFF}').to_string()).collect()
        };
        let mut names = header_names(&header);
        // A workbook with a title above its table, saved as CSV: the header is the first
        // of the next lines to name every column the survey reads, when the first line
        // names none of them.
        let mut above = None;
        let mut header_line = header_line;
        // Only a first line that names none of them: a platform's export may name its
        // columns over two lines (SurveyMonkey's sub-headings), read as header below.
        let names_none = |names: &[String]| survey.column_names().iter().all(|c| Columns::matches(c, names).is_empty());
        if super::wants_columns(survey) && names_none(&names) {
            let mut record = csv::ByteRecord::new();
            for _ in 0..TITLE_ROWS {
                let Some(p) = records.next_record(&mut record).map_err(|e| Error::io(&name, e))? else { break };
                if p.unclosed_to.is_some() || p.stray_quote.is_some() {
                    break;
                }
                let found = header_names(&record);
                if Columns::all_present(survey, &found) {
                    above = Some((header_line, p.line));
                    (names, header_line) = (found, p.line);
                    break;
                }
            }
        }
        let last_byte = records.consumed();
        // The records under the header, read ahead to see whether they are more header
        // (a survey platform's export); those that are not are the first rows. Blank
        // records are no rows, here as below.
        let mut pending = std::collections::VecDeque::new();
        let mut below = Vec::new();
        while below.len() < header::rows_to_peek(options.header_rows) {
            let mut record = csv::ByteRecord::new();
            let Some(place) = records.next_record(&mut record).map_err(|e| Error::io(&name, e))? else {
                break;
            };
            if is_blank(&record) {
                continue;
            }
            let closed = place.unclosed_to.is_none();
            if closed {
                let cells = record.iter().map(|c| String::from_utf8_lossy(c).trim().to_string()).collect();
                below.push(header::Below { line: place.line, cells });
            }
            pending.push_back((record, place));
            if !closed {
                break;
            }
        }
        let fields = names.len();
        let mut header = header::SubHeader::read(names, &below, options.header_rows);
        header.below_title = above;
        header.names.truncate(fields);
        pending.drain(..header.extra());
        records.max_field_bytes(options.max_cell_bytes);
        let columns = Columns::resolve(survey, &header.names)
            .map_err(|m| Error::input(Location::file(&name).at_line(header_line), m))?;
        Ok(ResponseReader {
            last_byte,
            header,
            pending,
            records,
            record: csv::ByteRecord::new(),
            digest: text.digest,
            name,
            checker: RowChecker::new(columns.clone(), options),
            transcoded: (text.encoding != encoding_rs::UTF_8).then(|| text.encoding.name()),
            sniffed_1252: text.encoding == encoding_rs::WINDOWS_1252 && options.encoding.is_none(),
            max_cell_bytes: options.max_cell_bytes,
            columns,
            rows: 0,
            chunks: 0,
        })
    }
}

/// The delimiter Excel's first line `sep=;` declares (`sep=,`, `sep=|`, a tab after
/// `sep=`; quoted, as some writers put it, too). Excel writes and honours that line,
/// and hides it; it is not the header.
///
/// A spreadsheet that pads every row to the table's width writes `sep=;;;` (or
/// `"sep=;";;`): more of the same delimiter, or spaces, after it are padding.
pub fn excel_separator(head: &str) -> Option<char> {
    let line = head.split(['\r', '\n']).next()?;
    let (line, after) = line.strip_prefix('"').and_then(|l| l.split_once('"')).unwrap_or((line, ""));
    let rest = line.get(..4).filter(|p| p.eq_ignore_ascii_case("sep=")).map(|_| &line[4..])?;
    let mut chars = rest.chars();
    let c = chars.next()?;
    let padding = |x: char| x == c || x == ' ' || x == '\t';
    (chars.all(padding) && after.chars().all(padding)).then_some(c)
}

/// The delimiter of a CSV, guessed from its first records (quotes respected): of `,`
/// tab `;` `|`, those in the header, the one that splits most of the next five records
/// into as many fields as the header (a header's wording may hold commas: `ID;Kosten,
/// Personal, usw.?;Kommentar`); then the one that occurs most often in the header; then
/// the one that occurs as often in the second record, then the more frequent there,
/// then the earlier in that list. `,` if none occurs (a single column).
pub fn sniff_delimiter(head: &str) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];
    /// The header and the records compared with it.
    const RECORDS: usize = 6;
    let mut records = [[0usize; 4]; RECORDS];
    let (mut record, mut in_quotes, mut started) = (0, false, false);
    for &b in head.as_bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            // A line break ends a record unless the record is still empty (`\r\n`, blank lines).
            b'\r' | b'\n' if !in_quotes => {
                if started {
                    record += 1;
                    started = false;
                    if record == records.len() {
                        break;
                    }
                }
                continue;
            }
            _ if !in_quotes => {
                if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
                    records[record][i] += 1;
                }
            }
            _ => {}
        }
        started = true;
    }
    // Records read whole after the header (a last one the head cut is not compared).
    let below = &records[1..record.clamp(1, RECORDS)];
    let (first, second) = (records[0], records[1]);
    let agreeing = |i: usize| below.iter().filter(|r| r[i] == first[i]).count();
    (0..CANDIDATES.len())
        .filter(|&i| first[i] > 0)
        .max_by_key(|&i| (agreeing(i), first[i], first[i] == second[i], second[i], std::cmp::Reverse(i)))
        .map_or(b',', |i| CANDIDATES[i])
}

impl RowReader for ResponseReader {
    fn columns(&self) -> &Columns {
        &self.columns
    }

    fn name(&self) -> &std::path::Path {
        &self.name
    }

    fn sha256(&self) -> String {
        self.digest.hex()
    }

    fn encoding(&self) -> Option<&'static str> {
        Some(self.transcoded.unwrap_or(encoding_rs::UTF_8.name()))
    }

    fn header(&self) -> Option<&header::SubHeader> {
        Some(&self.header)
    }

    fn next_chunk(&mut self, max_rows: usize, max_bytes: usize) -> Result<Option<Chunk>> {
        let mut rows = Vec::new();
        let start_byte = self.last_byte;
        let record = &mut self.record;
        while rows.len() < max_rows.max(1) && (self.last_byte - start_byte) < max_bytes as u64 {
            let place = match self.pending.pop_front() {
                Some((ahead, place)) => {
                    *record = ahead;
                    Some(place)
                }
                None => self.records.next_record(record).map_err(|e| Error::io(&self.name, e))?,
            };
            let Some(place) = place else {
                break;
            };
            self.last_byte = place.end;
            if is_blank(record) {
                continue;
            }
            self.rows += 1;
            let mut reject = self.checker.check(record, place.line, self.rows);
            let (columns, row) = (&self.columns, self.rows);
            let rejected = |column: Option<usize>, reason: RejectReason| Reject {
                line: place.line,
                row,
                id: columns.id.and_then(|i| record.get(i)).map(reject_id),
                column: column.map(|i| reject_value(columns.name(i))),
                reason,
            };
            if reject.is_none()
                && let Some(encoding) = self.transcoded
                && let Some(i) =
                    record.iter().position(|cell| memchr::memmem::find(cell, "\u{FFFD}".as_bytes()).is_some())
            {
                reject = Some(rejected(Some(i), RejectReason::Undecodable { encoding }));
            }
            if reject.is_none()
                && self.sniffed_1252
                && let Some(i) = record
                    .iter()
                    .position(|cell| std::str::from_utf8(cell).is_ok_and(super::encoding::is_utf8_read_as_1252))
            {
                reject = Some(rejected(Some(i), RejectReason::MixedEncoding));
            }
            // A record too long to hold whole, with a cell cut: rejected as `decode`
            // would reject it whole.
            if reject.is_none()
                && let Some(cut) = place.cut
            {
                let (i, reason) = cut_cell_reason(record, cut, self.max_cell_bytes);
                reject = Some(rejected(Some(i), reason));
            }
            // A quote never closed swallows the rest of the file into this (last) row:
            // the csv crate would accept that silently.
            if let Some(last_line) = place.unclosed_to {
                reject = Some(rejected(None, RejectReason::UnclosedQuote { last_line }));
            } else if let Some(stray) = place.stray_quote
                && reject.as_ref().is_none_or(|r| matches!(r.reason, RejectReason::FieldCount { .. }))
            {
                // The stray quote explains a wrong number of fields; other reasons stand.
                reject = Some(rejected(Some(stray.field), RejectReason::StrayQuote { close_line: stray.close_line }));
            }
            // An id the splitter cut says so.
            if let (Some(cut), Some(Reject { id: Some(id), .. })) = (place.cut, reject.as_mut())
                && columns.id == Some(cut.field)
                && !id.ends_with(CUT_MARK)
            {
                id.push_str(CUT_MARK);
            }
            // A copy of exactly the row's size; `record` keeps its buffers for the next
            // row (read into an empty record, a long row grows it a doubling at a time).
            rows.push(RawRow { line: place.line, row: self.rows, record: Cells::from(&*record), reject });
            // A long row's buffers are not kept for the rest of the run.
            if record.as_slice().len() > LONG_ROW {
                *record = csv::ByteRecord::new();
            }
        }
        self.checker.health()?;
        if rows.is_empty() {
            return Ok(None);
        }
        let index = self.chunks;
        self.chunks += 1;
        Ok(Some(Chunk { index, rows, bytes: self.last_byte - start_byte }))
    }
}

/// The cell `decode` rejects a record for, and why, when the record's cell `cut.field`
/// was cut (its full length is `cut.bytes`, over the limit): the first cell that is over
/// `max_cell_bytes` or not UTF-8, as `decode` checks them, in order.
fn cut_cell_reason(record: &csv::ByteRecord, cut: Cut, max_cell_bytes: usize) -> (usize, RejectReason) {
    let too_large = |bytes: u64| RejectReason::CellTooLarge {
        bytes: usize::try_from(bytes).unwrap_or(usize::MAX),
        limit: max_cell_bytes,
    };
    for (i, cell) in record.iter().enumerate().take(cut.field) {
        if cell.len() > max_cell_bytes {
            return (i, too_large(cell.len() as u64));
        }
        if std::str::from_utf8(cell).is_err() {
            return (i, RejectReason::InvalidUtf8);
        }
    }
    (cut.field, too_large(cut.bytes))
}

/// Whether a record is a blank line: a row of empty cells (`,,,` as spreadsheets
/// export their blank rows) is one, as in a workbook: no respondent, and no reject.
fn is_blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|cell| cell.trim_ascii().is_empty())
}

/// Bytes of a cell of the header, or of the rows read ahead with it, past which it is
/// cut in a record too long to hold whole (unless `--max-cell-bytes` is higher): a
/// column name or a question's wording is never that long.
const HEADER_CELL_BYTES: usize = 1 << 20;

/// Lines after the first searched for the header when the first does not name the
/// survey's columns: a title and notes above a table saved from a workbook.
const TITLE_ROWS: usize = 20;

/// Bytes of a row past which the reader does not keep the buffers it grew for it.
const LONG_ROW: usize = 1 << 20;

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of bytes, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Decodes a row that passed the reader's checks into a [`Response`].
///
/// `says_nothing` tells a non-answer (`N/A`, `-`; the coder passes
/// [`Classifier::is_non_answer`](crate::survey::Classifier::is_non_answer)): a column
/// whose filled cell counts as an option (SurveyMonkey's "Other (please specify)")
/// counts only when its cell is neither empty nor one.
///
/// With `html`, the text cells (all but the id) read as the text their HTML shows
/// ([`super::html::plain_text`]): `don&#39;t` is `don't`.
pub fn decode<'a>(
    row: &'a RawRow,
    columns: &Columns,
    max_cell_bytes: usize,
    html: bool,
    says_nothing: &dyn Fn(&str) -> bool,
) -> std::result::Result<Response<'a>, Reject> {
    let reject = |i: usize, reason: RejectReason| {
        let id = columns.id.and_then(|c| row.record.get(c)).map(reject_id);
        Reject { line: row.line, row: row.row, id, column: Some(reject_value(columns.name(i))), reason }
    };
    // The whole record's bytes are checked once; a cell is then valid if it starts and
    // ends on a character boundary. Only a record that fails is checked cell by cell,
    // to name the cell.
    let all = std::str::from_utf8(row.record.as_slice()).ok();
    let cell = |i: usize| -> std::result::Result<&'a str, Reject> {
        let range = row.record.range(i).unwrap_or(0..0);
        if range.len() > max_cell_bytes {
            return Err(reject(i, RejectReason::CellTooLarge { bytes: range.len(), limit: max_cell_bytes }));
        }
        let text = match all {
            Some(all) => all.get(range),
            None => std::str::from_utf8(&row.record.as_slice()[range]).ok(),
        };
        text.ok_or_else(|| reject(i, RejectReason::InvalidUtf8))
    };
    let text = |i: usize| -> std::result::Result<Cow<'a, str>, Reject> {
        let cell = cell(i)?;
        Ok(super::html::as_read(cell, html))
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
        respondent_type: columns.respondent_type.map(text).transpose()?,
        closed: columns
            .closed
            .iter()
            .zip(&columns.closed_also)
            .zip(&columns.closed_filled)
            .map(|((&i, also), options)| {
                if also.is_empty() && options.is_empty() {
                    return text(i);
                }
                // A question over several columns: its filled cells, one a line, and
                // the option of each column that counts as one when filled.
                let cells = std::iter::once(i).chain(also.iter().copied()).map(text);
                let mut listed: Vec<Cow<'_, str>> = cells
                    .filter(|c| c.as_ref().map_or(true, |c| !c.trim().is_empty()))
                    .collect::<std::result::Result<_, _>>()?;
                for (c, option) in options {
                    let filled = text(*c)?;
                    let filled = filled.trim();
                    if !filled.is_empty() && !says_nothing(filled) {
                        listed.push(Cow::Borrowed(option));
                    }
                }
                Ok(Cow::Owned(listed.join("\n")))
            })
            .collect::<std::result::Result<_, _>>()?,
        open: columns.open.iter().map(|&i| text(i)).collect::<std::result::Result<_, _>>()?,
        segments: columns.segments.iter().map(|&i| text(i)).collect::<std::result::Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey() -> Survey {
        Survey::ad_hoc(Some("id".into()), &["text".into()])
    }

    fn read_all(data: &'static [u8]) -> Result<(Vec<RawRow>, Columns)> {
        read_all_with(data, &ReadOptions::default())
    }

    fn read_all_with(data: &'static [u8], options: &ReadOptions) -> Result<(Vec<RawRow>, Columns)> {
        let src = InputSource::Bytes { name: "t.csv".into(), bytes: data };
        let mut r = ResponseReader::open(&src, &survey(), options)?;
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
        let r = decode(&rows[0], &cols, 100, false, &|_| false).unwrap();
        assert_eq!((r.id.as_ref(), r.open[0].as_ref()), ("1", "a,\nb"));
    }

    /// A workbook with a title above its table, saved as CSV, failed `no column` where
    /// the workbook itself was read (testers): the header is found below the title.
    #[test]
    fn a_title_above_the_header_is_skipped_when_the_survey_names_its_columns() {
        let data = b"Patient survey 2024,,\n,,\nid,text,more\n1,cost,x\n";
        let src = InputSource::Bytes { name: "t.csv".into(), bytes: &data[..] };
        let mut r = ResponseReader::open(&src, &survey(), &ReadOptions::default()).unwrap();
        let chunk = r.next_chunk(10, 1 << 20).unwrap().unwrap();
        assert_eq!(chunk.rows.iter().map(|r| (r.line, r.row)).collect::<Vec<_>>(), [(4, 1)]);
        let note = r.header().and_then(header::SubHeader::describe).unwrap();
        assert_eq!(note, "the header is line 3; lines 1 to 2 above it skipped, not read (a title?)");
        // Without the survey's columns on any of the next lines, the first line's are named.
        let err = read_all(b"Title\nid,other\n1,x\n").err().unwrap().to_string();
        assert_eq!(err, "t.csv:1: no column \"id\" in the header (columns: \"Title\")");
    }

    /// A delimiter ending every data row (or only the header) rejected every row, and
    /// the run exited 0 with nothing coded (testers).
    #[test]
    fn a_trailing_delimiter_on_the_rows_or_the_header_is_no_field() {
        let rejects = |data: &'static [u8]| -> Vec<Option<String>> {
            let (rows, cols) = read_all(data).unwrap();
            rows.iter()
                .map(|r| {
                    let reject = r.reject.clone().or_else(|| decode(r, &cols, 100, false, &|_| false).err());
                    reject.map(|j| j.reason.to_string())
                })
                .collect()
        };
        assert_eq!(rejects(b"id,text\n1,cost,\n2,fee, ,\n"), [None, None]);
        assert_eq!(rejects(b"id,text,\n1,cost\n2,fee,\n3,x,note\n"), [None, None, None]);
        // A filled field beyond the header, or a named one missing, still rejects the row.
        let long = Some("row has 3 fields, the header has 2".to_string());
        assert_eq!(rejects(b"id,text\n1,cost,x\n"), [long]);
        assert_eq!(rejects(b"id,text,more\n1,cost\n"), [Some("row has 2 fields, the header has 3".to_string())]);
        let (rows, cols) = read_all(b"id,text,\n1,cost\n").unwrap();
        assert_eq!(decode(&rows[0], &cols, 100, false, &|_| false).unwrap().open[0], "cost");
    }

    #[test]
    fn rows_under_the_header_read_ahead_are_header_or_the_first_rows() {
        // Qualtrics: wording and import ids under the names; rows keep their lines.
        let q = b"id,text\nResponse ID,Why?\n\"{\"\"ImportId\"\":\"\"_recordId\"\"}\",\"{\"\"ImportId\"\":\"\"QID1\"\"}\"\n1,a\n2,b\n";
        let (rows, _) = read_all(q).unwrap();
        assert_eq!(rows.iter().map(|r| (r.line, r.row)).collect::<Vec<_>>(), [(4, 1), (5, 2)]);
        // Rows read ahead that are not header are the first rows, in order, even when
        // the second opens a quote that is never closed.
        let (rows, _) = read_all(b"id,text\n1,a\n2,\"b\nc\n").unwrap();
        assert_eq!(rows.iter().map(|r| (r.line, r.reject.is_some())).collect::<Vec<_>>(), [(2, false), (3, true)]);
        // A given count takes that many rows, whatever they hold.
        let two = ReadOptions { header_rows: Some(2), ..ReadOptions::default() };
        let (rows, _) = read_all_with(b"id,text\nx,y\n1,a\n", &two).unwrap();
        assert_eq!(rows.iter().map(|r| (r.line, r.row)).collect::<Vec<_>>(), [(3, 1)]);
    }

    #[test]
    fn a_row_after_blank_lines_is_on_its_own_line() {
        // Blank lines are skipped, not rows; a row's line is where its first byte is
        // (the csv crate's position pointed at the blank lines before it).
        let (rows, _) = read_all(b"id,text\n\n\r\n1,a\r\n\r\n2,\"b\n\nc\"\n\n3,d\n\n").unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [4, 6, 10]);
    }

    #[test]
    fn quote_and_line_breaks_cannot_delimit() {
        for d in [b'"', b'\r', b'\n'] {
            let options = ReadOptions { delimiter: Some(d), ..ReadOptions::default() };
            let err = read_all_with(b"id,text\n1,a\n", &options).expect_err("refused").to_string();
            assert!(err.contains("cannot be the delimiter"), "{err}");
        }
    }

    #[test]
    fn missing_column_is_an_error_naming_the_file_and_column() {
        let err = read_all(b"id,answer\n1,x\n").err().unwrap().to_string();
        assert_eq!(err, "t.csv:1: no column \"text\" in the header (columns: \"id\", \"answer\")");
    }

    /// A header after blank lines was reported on line 1.
    #[test]
    fn a_header_error_names_the_header_line() {
        let err = read_all(b"\r\n\nid,answer\n1,x\n").err().unwrap().to_string();
        assert_eq!(err, "t.csv:3: no column \"text\" in the header (columns: \"id\", \"answer\")");
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
        // Declared UTF-8: a Latin-1 byte is not transcoded, its row is rejected.
        let utf8 = ReadOptions { encoding: Some("utf-8".into()), ..ReadOptions::default() };
        let (rows, cols) = read_all_with(b"id,text\n1,caf\xe9\n2,abcdef\n", &utf8).unwrap();
        let err = decode(&rows[0], &cols, 100, false, &|_| false).unwrap_err();
        assert_eq!((err.column.as_deref(), err.reason), (Some("text"), RejectReason::InvalidUtf8));
        let err = decode(&rows[1], &cols, 3, false, &|_| false).unwrap_err();
        assert_eq!(err.reason, RejectReason::CellTooLarge { bytes: 6, limit: 3 });
        // A character split between two cells: the bytes together are valid UTF-8,
        // each cell is not.
        let (rows, cols) = read_all_with(
            b"id,text,more
1,caf\xc3,\xa9\n2,caf\xc3\xa9,\xc3\xa9\n",
            &utf8,
        )
        .unwrap();
        let err = decode(&rows[0], &cols, 100, false, &|_| false).unwrap_err();
        assert_eq!((err.column.as_deref(), err.reason), (Some("text"), RejectReason::InvalidUtf8));
        let ok = decode(&rows[1], &cols, 100, false, &|_| false).expect("valid");
        assert_eq!(ok.open, ["caf\u{e9}"]);
    }

    /// A quote never closed, a huge quoted cell or a huge line was held whole (1.45 GB
    /// for 400 MB under `--max-cell-bytes 1000`): now a row longer than the reader's
    /// buffer keeps at most the limit of each cell, and is rejected as before, at its
    /// line, with the rows after it on theirs. (The two rows read ahead with the header,
    /// which may be more header, keep up to 1 MiB a cell.)
    #[test]
    fn a_row_over_the_cell_limit_is_read_through_and_rejected_at_its_line() {
        let big = "x\n".repeat(300 << 10);
        let limit = ReadOptions { max_cell_bytes: 1000, encoding: Some("utf-8".into()), ..ReadOptions::default() };
        let read = |long_row: &[u8]| {
            let data = [b"id,more,text\n0,,a\n1,,b\n", long_row, b"3,,cost\n"].concat();
            let (rows, cols) = read_all_with(Box::leak(data.into_boxed_slice()), &limit).expect("reads");
            assert!(rows[2].record.as_slice().len() <= 2000, "the row holds more than the limit");
            let reject = |r: &RawRow| r.reject.clone().or_else(|| decode(r, &cols, 1000, false, &|_| false).err());
            let got: Vec<_> =
                rows.iter().map(|r| (r.line, reject(r).map(|j| (j.id, j.column, j.reason.to_string())))).collect();
            assert_eq!(got[..2], [(2, None), (3, None)]);
            got[2..].to_vec()
        };
        let after = 4 + (300 << 10);
        let too_large = |bytes: usize| {
            Some((Some("2".into()), Some("text".into()), format!("cell is {bytes} bytes, over the limit of 1000")))
        };
        // A quoted cell of 600 KiB, a doubled quote and bytes after the closing quote.
        let got = read(format!("2,,\"{big}\"\"\"z\n").as_bytes());
        assert_eq!(got, [(4, too_large((600 << 10) + 2)), (after + 1, None)]);
        // A quote never closed: the row runs to the end.
        let got = read(format!("2,,\"{big}").as_bytes());
        let unclosed = format!(
            "a quote opened in this row is never closed: the rest of the file (to line {after}) was read as this row"
        );
        assert_eq!(got, [(4, Some((Some("2".into()), None, unclosed)))]);
        // A cell before the long one that is not UTF-8 is the reason, as `decode` would find it.
        let got = read(format!("2,caf\u{e9},\"{big}\"\n").as_bytes());
        assert_eq!(got[0], (4, too_large(600 << 10)));
        let got = read(&[b"2,caf\xE9,\"", big.as_bytes(), b"\"\n"].concat());
        assert_eq!(got[0], (4, Some((Some("2".into()), Some("more".into()), "cell is not valid UTF-8".into()))));
        // One long line with no delimiter: too few fields, and an id cut short.
        let got = read(format!("{}\n", "a".repeat(1 << 20)).as_bytes());
        let id = format!("{}{CUT_MARK}", "a".repeat(1000));
        assert_eq!(got, [(4, Some((Some(id), None, "row has 1 fields, the header has 3".into()))), (5, None)]);
    }

    /// An unpaired surrogate in UTF-16 was decoded to U+FFFD and coded as if written,
    /// where invalid UTF-8 rejects its row: now it rejects its row too, naming the cell.
    #[test]
    fn bytes_a_transcoded_encoding_cannot_decode_reject_their_row() {
        let mut data: Vec<u8> = vec![0xFF, 0xFE];
        let utf16 = |s: &str, out: &mut Vec<u8>| out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        utf16("id,text\n1,fine\n2,", &mut data);
        data.extend([0x00, 0xD8]); // a high surrogate with no low one after it
        utf16("police\n3,caf\u{e9} \u{FFFD}\n", &mut data);
        let (rows, _) = read_all_with(Box::leak(data.into_boxed_slice()), &ReadOptions::default()).unwrap();
        assert!(rows[0].reject.is_none());
        let reject = rows[1].reject.as_ref().expect("row 2 rejected");
        assert_eq!((reject.column.as_deref(), reject.id.as_deref()), (Some("text"), Some("2")));
        assert_eq!(reject.reason.to_string(), "cell is not valid UTF-16LE");
        // A replacement character written as such is one too: UTF-16 cannot tell.
        assert!(rows[2].reject.is_some());
    }

    /// An id padded with a no-break space is the id (as codes.csv writes it): a
    /// duplicate, and an id of white space alone is empty.
    #[test]
    fn ids_are_trimmed_of_unicode_white_space() {
        let (rows, _) = read_all("id,text\n4,a\n4\u{a0},b\n\u{2003},c\n".as_bytes()).unwrap();
        let reasons: Vec<_> = rows.iter().map(|r| r.reject.as_ref().map(|r| r.reason.clone())).collect();
        assert_eq!(reasons, [None, Some(RejectReason::DuplicateId { first_line: 2 }), Some(RejectReason::EmptyId)]);
    }

    /// Rows of bare delimiters are blank lines: skipped, as a workbook's blank rows are,
    /// not respondents who answered nothing (they lowered every percentage).
    #[test]
    fn rows_of_empty_cells_are_blank_lines() {
        let (rows, _) = read_all(b"id,text\r\n1,cost\r\n,\r\n , \r\n2,police\r\n,\r\n").unwrap();
        assert_eq!(rows.iter().map(|r| (r.line, r.row)).collect::<Vec<_>>(), [(2, 1), (5, 2)]);
        assert!(rows.iter().all(|r| r.reject.is_none()));
    }

    #[test]
    fn sniffed_windows_1252_is_transcoded_with_lines_intact() {
        let (rows, cols) = read_all(b"id;text\r\n1;\"caf\xe9\r\n\x93ok\x94\"\r\n2;\xa35\r\n").unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);
        let r = decode(&rows[0], &cols, 100, false, &|_| false).unwrap();
        assert_eq!(r.open[0], "caf\u{e9}\r\n\u{201C}ok\u{201D}");
        assert_eq!(decode(&rows[1], &cols, 100, false, &|_| false).unwrap().open[0], "\u{a3}5");
    }

    /// A UTF-8 row in a file sniffed as Windows-1252 was read as mojibake (`coÃ»t`) and
    /// coded as if right (testers): it is rejected; declared Windows-1252 is read as told.
    #[test]
    fn a_utf8_row_in_a_windows_1252_file_is_rejected() {
        let data = b"id,text\n1,le co\xc3\xbbt\n2,caf\xe9 \x93ok\x94\n3,\xa35 \xe9t\xe9\n4,caf\xe9\n";
        let (rows, _) = read_all(data).unwrap();
        let reasons: Vec<Option<RejectReason>> =
            rows.iter().map(|r| r.reject.as_ref().map(|j| j.reason.clone())).collect();
        assert_eq!(reasons, [Some(RejectReason::MixedEncoding), None, None, None]);
        assert_eq!(rows[0].reject.as_ref().unwrap().column.as_deref(), Some("text"));
        let declared = ReadOptions { encoding: Some("windows-1252".into()), ..ReadOptions::default() };
        let (rows, _) = read_all_with(data, &declared).unwrap();
        assert!(rows.iter().all(|r| r.reject.is_none()));
        for (cell, want) in [("le co\u{c3}\u{bb}t", true), ("caf\u{e9}", false), ("\u{a3}5", false), ("plain", false)] {
            assert_eq!(super::super::encoding::is_utf8_read_as_1252(cell), want, "{cell}");
        }
    }

    #[test]
    fn utf16_with_bom_reads_like_utf8() {
        let (rows, cols) = read_all(b"\xFF\xFEi\0d\0\t\0t\0e\0x\0t\0\n\x001\0\t\0\xe9\0\n\0").unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(decode(&rows[0], &cols, 100, false, &|_| false).unwrap().open[0], "\u{e9}");
    }

    #[test]
    fn sniffs_the_delimiter_from_the_first_record() {
        for (head, want) in [
            ("id,text\n1,a\n", b','),
            ("id;text;q2\n1;a,b;c\n", b';'),
            ("id\ttext\n1\tx\n", b'\t'),
            ("id|text\n", b'|'),
            ("\"a,b\";\"c,d\";e\n", b';'),
            ("\"multi\nline, header\"|x\n1|2\n", b'|'),
            ("id\n1\n", b','),
            ("", b','),
            // A tie in the header: the delimiter the second record agrees with.
            ("a,b;c\n1;2;3\n", b';'),
            // More commas than semicolons in the header's wording: the records agree with `;`.
            (
                "ID;Wie finden Sie Kosten, Personal, Wartezeit, usw.?;Kommentar\n1;Gut, aber teuer;cost\n2;Schlecht;x\n",
                b';',
            ),
            // A comma file whose answers hold semicolons, and one whose header alone is read.
            ("id,why; or not,q\n1,yes; no,a\n2,x,b\n", b','),
            ("id;a,b,c\n", b','),
            ("\r\n\r\nid;t\r\n", b';'),
        ] {
            assert_eq!(sniff_delimiter(head) as char, want as char, "{head:?}");
        }
    }

    #[test]
    fn excel_sep_line_declares_the_delimiter_and_is_no_header() {
        for (head, want) in [
            ("sep=;\r\nid;text\r\n", Some(';')),
            ("SEP=,\nid,text", Some(',')),
            ("\"sep=|\"\nid|text", Some('|')),
            ("sep=\t\n", Some('\t')),
            ("sep=", None),
            ("sep=;;\n", Some(';')),
            ("sep=,,, \r\n", Some(',')),
            ("\"sep=;\";;\n", Some(';')),
            ("sep=;,\n", None),
            ("id,sep=;\n", None),
            ("separator\n", None),
        ] {
            assert_eq!(excel_separator(head), want, "{head:?}");
        }
        // A header that a sniff would read as `,`-delimited is `;`-delimited as declared;
        // lines keep their numbers in the file.
        let (rows, cols) = read_all(b"sep=;\r\nid;text\r\n1;a,b\r\n2;c\r\n").unwrap();
        assert_eq!(cols.header, ["id", "text"]);
        assert_eq!(rows.iter().map(|r| (r.line, &r.record[1])).collect::<Vec<_>>(), [(3, &b"a,b"[..]), (4, b"c")]);
        // --delimiter wins, and the line still goes.
        let tab = ReadOptions { delimiter: Some(b'\t'), ..ReadOptions::default() };
        let (_, cols) = read_all_with(b"sep=;\nid\ttext\n1\tx\n", &tab).unwrap();
        assert_eq!(cols.header, ["id", "text"]);
        // A delimiter that cannot be one is refused, naming the line.
        let err = read_all(b"sep=\"\nid,text\n").unwrap_err().to_string();
        assert!(err.contains("t.csv") && err.contains("t.csv:1:") && err.contains("sep="), "{err}");
        // Only a header line: no header row.
        let err = read_all(b"sep=,\n").unwrap_err().to_string();
        assert!(err.contains("no header row"), "{err}");
    }
}
