//! Reading responses from spreadsheets (XLSX, XLSM, XLSB, XLS, ODS) with calamine.
//!
//! One sheet is read (`--sheet`, by name or 1-based number; the first by default).
//! The header is the first row whose cells name the survey's columns, so title rows
//! above the table are skipped. Every cell is read as text, as a person sees it:
//! whole numbers without decimals (an id 1001 stays `1001`), dates as ISO dates,
//! booleans as `TRUE`/`FALSE`. Each row becomes a `csv::ByteRecord` whose line is the
//! sheet's row number, so everything downstream is the same as for CSV.
//!
//! The workbook is held in memory (spreadsheets are bounded: about a million rows);
//! the SHA-256 is of the file's bytes.

use std::borrow::Cow;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use calamine::{Data, Range, Reader, open_workbook_auto_from_rs};

use super::csv::sha256_hex;
use super::{Chunk, Columns, InputSource, RawRow, ReadOptions, RowChecker, RowReader};
use crate::error::{Error, Location, Result};
use crate::survey::Survey;

/// Rows searched for the header, from the top of the sheet.
const HEADER_SEARCH_ROWS: usize = 100;

/// Whether `head` (the first bytes of a file) is a workbook: a ZIP container (XLSX,
/// XLSM, XLSB, ODS) or an OLE compound file (XLS).
pub fn is_workbook(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// Reads the rows of one sheet, chunk by chunk.
pub struct SheetReader {
    name: PathBuf,
    sheet: String,
    range: Range<Data>,
    /// Index in `range` of the next row to read.
    next: usize,
    /// Sheet row number (1-based) of the range's first row.
    first_row: u64,
    /// Cells per record: up to the header's last named column.
    width: usize,
    columns: Columns,
    checker: RowChecker,
    rows: u64,
    chunks: u64,
    sha256: String,
    /// Size of the file, shared out over the sheet's rows as chunks' `bytes`, so
    /// progress is measured against the file size as for CSV.
    file_bytes: u64,
}

impl SheetReader {
    /// Opens the sheet of `source` named by `options.sheet`, finds the header row and
    /// the survey's columns in it.
    pub fn open(source: &InputSource, survey: &Survey, options: &ReadOptions) -> Result<SheetReader> {
        let name = source.name();
        let bytes = match source {
            InputSource::File(p) => std::fs::read(p).map_err(|e| Error::io(p, e))?,
            InputSource::Bytes { bytes, .. } => bytes.to_vec(),
            InputSource::Stdin => {
                return Err(Error::input(Location::file(&name), "standard input is read as CSV, not as a spreadsheet"));
            }
        };
        let sha256 = sha256_hex(&bytes);
        let file_bytes = bytes.len() as u64;
        let at = |m: String| Error::input(Location::file(&name), m);
        let mut book = guarded(|| open_workbook_auto_from_rs(Cursor::new(bytes)))
            .and_then(|r| r.map_err(|e| e.to_string()))
            .map_err(|e| at(format!("not a readable spreadsheet: {e}")))?;
        let sheet = choose_sheet(&book.sheet_names(), options.sheet.as_deref()).map_err(at)?;
        let range = guarded(|| book.worksheet_range(&sheet))
            .and_then(|r| r.map_err(|e| e.to_string()))
            .map_err(|e| Error::input(Location::file(&name).in_sheet(&sheet), format!("cannot read the sheet: {e}")))?;
        let mut reader = SheetReader::from_range(name, sheet, range, survey, options, sha256)?;
        reader.file_bytes = file_bytes;
        Ok(reader)
    }

    fn from_range(
        name: PathBuf,
        sheet: String,
        range: Range<Data>,
        survey: &Survey,
        options: &ReadOptions,
        sha256: String,
    ) -> Result<SheetReader> {
        let first_row = range.start().map_or(1, |(r, _)| u64::from(r) + 1);
        let at_row = |i: usize| Location::file(&name).in_sheet(&sheet).at_line(first_row + i as u64);
        let texts = |row: &[Data]| -> Vec<String> { row.iter().map(|c| cell_text(c).trim().to_string()).collect() };
        let top: Vec<&[Data]> = range.rows().take(HEADER_SEARCH_ROWS).collect();
        let Some(likely) = likely_header(&top) else {
            return Err(Error::input(Location::file(&name).in_sheet(&sheet), "the sheet is empty: no header row"));
        };
        let header_index = if super::wants_columns(survey) {
            match top.iter().position(|row| Columns::all_present(survey, &texts(row))) {
                Some(i) => i,
                None => {
                    let err = Columns::resolve(survey, &named(texts(top[likely]))).err().unwrap_or_default();
                    return Err(Error::input(at_row(likely), err));
                }
            }
        } else {
            likely
        };
        let header = named(texts(top[header_index]));
        let columns = Columns::resolve(survey, &header).map_err(|m| Error::input(at_row(header_index), m))?;
        Ok(SheetReader {
            width: header.len(),
            checker: RowChecker::new(columns.clone(), options),
            columns,
            name,
            sheet,
            range,
            next: header_index + 1,
            first_row,
            rows: 0,
            chunks: 0,
            sha256,
            file_bytes: 0,
        })
    }

    /// The sheet being read.
    pub fn sheet(&self) -> &str {
        &self.sheet
    }
}

impl RowReader for SheetReader {
    fn columns(&self) -> &Columns {
        &self.columns
    }

    fn name(&self) -> &Path {
        &self.name
    }

    fn sha256(&self) -> String {
        self.sha256.clone()
    }

    fn next_chunk(&mut self, max_rows: usize, max_bytes: usize) -> Result<Option<Chunk>> {
        let mut rows = Vec::new();
        let mut bytes = 0u64;
        let share = |next: usize| self.file_bytes * next as u64 / self.range.height().max(1) as u64;
        let start = share(self.next);
        for (i, cells) in self.range.rows().enumerate().skip(self.next) {
            if rows.len() >= max_rows.max(1) || bytes >= max_bytes as u64 {
                break;
            }
            self.next = i + 1;
            let texts: Vec<Cow<str>> = cells.iter().map(cell_text).collect();
            let Some(last) = texts.iter().rposition(|t| !t.trim().is_empty()) else {
                continue; // blank rows are skipped, as blank lines are in CSV
            };
            let mut record = ::csv::ByteRecord::new();
            for t in texts.iter().take(self.width.max(last + 1)) {
                record.push_field(t.as_bytes());
            }
            for _ in record.len()..self.width {
                record.push_field(b"");
            }
            bytes += record.as_slice().len() as u64 + record.len() as u64;
            self.rows += 1;
            let line = self.first_row + i as u64;
            let reject = self.checker.check(&record, line, self.rows);
            rows.push(RawRow { line, row: self.rows, record, reject });
        }
        self.checker.health()?;
        if rows.is_empty() {
            return Ok(None);
        }
        let index = self.chunks;
        self.chunks += 1;
        let covered = share(self.next).saturating_sub(start);
        Ok(Some(Chunk { index, rows, bytes: covered }))
    }
}

/// Runs a calamine call, turning a panic on a malformed file into an error.
fn guarded<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| "the file is malformed (the spreadsheet reader gave up)".to_string())
}

/// The sheet `wanted` names: a sheet name (exact, then ignoring case), else a
/// 1-based number; the first sheet when `None`.
pub fn choose_sheet(names: &[String], wanted: Option<&str>) -> std::result::Result<String, String> {
    let list = || names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ");
    let Some(wanted) = wanted else {
        return names.first().cloned().ok_or_else(|| "the workbook has no sheets".to_string());
    };
    let w = wanted.trim();
    if let Some(n) = names.iter().find(|n| n.as_str() == w).or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(w)))
    {
        return Ok(n.clone());
    }
    match w.parse::<usize>() {
        Ok(i) if (1..=names.len()).contains(&i) => Ok(names[i - 1].clone()),
        _ => Err(format!("no sheet {wanted:?} (sheets: {}; or a number from 1 to {})", list(), names.len())),
    }
}

/// Header names: trailing unnamed columns dropped.
fn named(mut texts: Vec<String>) -> Vec<String> {
    while texts.last().is_some_and(|t| t.is_empty()) {
        texts.pop();
    }
    texts
}

/// The row that looks like a table's header when nothing says which: the first with
/// at least two text cells (or one, in a one-column sheet) and at least half as many
/// filled cells as the fullest of the top rows, with no number or date among them.
/// Title rows (one cell) and notes above the table are skipped this way.
pub fn likely_header(top: &[&[Data]]) -> Option<usize> {
    let filled = |row: &[Data]| row.iter().filter(|c| !cell_text(c).trim().is_empty()).count();
    let widest = top.iter().map(|r| filled(r)).max().filter(|&w| w > 0)?;
    let all_text = |row: &[Data]| row.iter().all(|c| matches!(c, Data::String(_) | Data::Empty));
    top.iter()
        .position(|r| {
            let n = filled(r);
            n >= widest.min(2) && n * 2 >= widest && all_text(r)
        })
        .or_else(|| top.iter().position(|r| filled(r) > 0))
}

/// A cell as text, as a person reads it in the spreadsheet.
pub fn cell_text(cell: &Data) -> Cow<'_, str> {
    match cell {
        Data::Empty => Cow::Borrowed(""),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cow::Borrowed(s),
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Float(f) => Cow::Owned(number_text(*f)),
        Data::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        Data::Error(e) => Cow::Owned(e.to_string()),
        Data::DateTime(d) if d.is_duration() => Cow::Owned(duration_text(d.as_f64())),
        Data::DateTime(d) => {
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            let v = d.as_f64();
            Cow::Owned(if (0.0..1.0).contains(&v) {
                format!("{h:02}:{mi:02}:{s:02}")
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02}T{h:02}:{mi:02}:{s:02}")
            })
        }
    }
}

/// A number as a spreadsheet shows it: a whole number that a float holds exactly
/// (up to 2^53) as that integer, every digit of it (ids such as 1234567890123456 and
/// ...457 stay apart); other numbers to 15 significant digits, as Excel keeps and shows
/// them (a formula's 0.1 + 0.2 is 0.3 there, not 0.30000000000000004), whole ones
/// without a decimal point, others in the shortest form of that value.
fn number_text(f: f64) -> String {
    /// 2^53: every whole number up to it has its own f64.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if f.fract() == 0.0 && f.abs() <= EXACT {
        return format!("{}", f as i64);
    }
    let shown = if f.is_finite() { format!("{f:.14e}").parse().unwrap_or(f) } else { f };
    if shown.is_finite() && shown.fract() == 0.0 && shown.abs() < 1e15 {
        format!("{}", shown as i64)
    } else {
        format!("{shown}")
    }
}

/// A duration in days as `h:mm:ss` (hours may exceed 24).
fn duration_text(days: f64) -> String {
    let secs = (days * 86_400.0).round();
    if !secs.is_finite() || secs.abs() > 1e15 {
        return number_text(days);
    }
    let secs = secs as i64;
    let sign = if secs < 0 { "-" } else { "" };
    let secs = secs.abs();
    format!("{sign}{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    use super::*;

    fn range(rows: &[&[Data]]) -> Range<Data> {
        let width = rows.iter().map(|r| r.len()).max().unwrap_or(0);
        let mut r = Range::new((0, 0), (rows.len() as u32 - 1, width as u32 - 1));
        for (i, row) in rows.iter().enumerate() {
            for (j, c) in row.iter().enumerate() {
                r.set_value((i as u32, j as u32), c.clone());
            }
        }
        r
    }

    fn from_bytes(bytes: &'static [u8], survey: &Survey, options: &ReadOptions) -> Result<SheetReader> {
        SheetReader::open(&InputSource::Bytes { name: "book.xlsx".into(), bytes }, survey, options)
    }

    fn s(t: &str) -> Data {
        Data::String(t.to_string())
    }

    #[test]
    fn cells_read_as_written() {
        let date = |v| Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        for (cell, want) in [
            (Data::Float(1001.0), "1001"),
            (Data::Float(2.5), "2.5"),
            (Data::Float(0.1), "0.1"),
            (Data::Float(0.1 + 0.2), "0.3"),
            (Data::Float(1.0 / 3.0), "0.333333333333333"),
            (Data::Float(2.0f64.next_down()), "2"),
            (Data::Float(-3.0), "-3"),
            (Data::Float(-0.0), "0"),
            // Whole numbers a float holds exactly keep every digit (ids), up to 2^53.
            (Data::Float(1_234_567_890_123_456.0), "1234567890123456"),
            (Data::Float(1_234_567_890_123_457.0), "1234567890123457"),
            (Data::Float(-9_007_199_254_740_992.0), "-9007199254740992"),
            (Data::Float(999_999_999_999_999.0), "999999999999999"),
            // Beyond 2^53 (no longer exact) and fractions: 15 significant digits.
            (Data::Float(18_014_398_509_481_984.0), "18014398509482000"),
            (Data::Float(1_234_567_890_123_456.5 / 10.0), "123456789012346"),
            (Data::Float(f64::INFINITY), "inf"),
            (Data::Float(f64::NAN), "NaN"),
            (Data::Int(7), "7"),
            (Data::Bool(true), "TRUE"),
            (Data::Empty, ""),
            (date(45366.0), "2024-03-15"),
            (date(45366.5), "2024-03-15T12:00:00"),
            (date(0.75), "18:00:00"),
            (date(f64::NAN), "1899-12-31"),
            (Data::DateTime(ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false)), "36:00:00"),
            (Data::Error(calamine::CellErrorType::NA), "#N/A"),
        ] {
            assert_eq!(cell_text(&cell), want, "{cell:?}");
        }
    }

    #[test]
    fn header_detection_skips_title_rows() {
        let rows: Vec<Vec<Data>> = vec![
            vec![s("Consultation responses"), Data::Empty, Data::Empty],
            vec![Data::Empty, Data::Empty, Data::Empty],
            vec![s("id"), s("date"), s("why")],
            vec![Data::Float(1.0), Data::Float(45366.0), s("cost")],
        ];
        let refs: Vec<&[Data]> = rows.iter().map(Vec::as_slice).collect();
        assert_eq!(likely_header(&refs), Some(2));
        let survey = Survey::ad_hoc(Some("id".into()), &["why".into()]);
        let r = range(&refs);
        let mut reader =
            SheetReader::from_range("b.xlsx".into(), "S".into(), r, &survey, &ReadOptions::default(), "".into())
                .unwrap();
        let chunk = reader.next_chunk(10, 1 << 20).unwrap().unwrap();
        assert_eq!(chunk.rows[0].line, 4);
        assert_eq!(&chunk.rows[0].record[0], b"1");
    }

    #[test]
    fn missing_column_names_sheet_and_row() {
        let rows: Vec<Vec<Data>> = vec![vec![s("Title")], vec![s("id"), s("other")], vec![s("1"), s("x")]];
        let refs: Vec<&[Data]> = rows.iter().map(Vec::as_slice).collect();
        let survey = Survey::ad_hoc(Some("id".into()), &["why".into()]);
        let err = SheetReader::from_range(
            "b.xlsx".into(),
            "S".into(),
            range(&refs),
            &survey,
            &ReadOptions::default(),
            "".into(),
        )
        .err()
        .unwrap()
        .to_string();
        assert_eq!(err, "b.xlsx:2 (sheet \"S\"): no column \"why\" in the header (columns: id, other)");
    }

    #[test]
    fn sheets_by_name_or_number() {
        let names = vec!["Intro".to_string(), "Answers".to_string()];
        assert_eq!(choose_sheet(&names, None).unwrap(), "Intro");
        assert_eq!(choose_sheet(&names, Some("answers")).unwrap(), "Answers");
        assert_eq!(choose_sheet(&names, Some("2")).unwrap(), "Answers");
        let err = choose_sheet(&names, Some("3")).unwrap_err();
        assert_eq!(err, "no sheet \"3\" (sheets: \"Intro\", \"Answers\"; or a number from 1 to 2)");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let survey = Survey::ad_hoc(None, &["why".into()]);
        for bytes in [&b"PK\x03\x04garbage"[..], b"", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0"] {
            let err = from_bytes(bytes, &survey, &ReadOptions::default()).err().unwrap().to_string();
            assert!(err.starts_with("book.xlsx: not a readable spreadsheet"), "{err}");
        }
    }
}
