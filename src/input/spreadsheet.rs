//! Reading responses from spreadsheets (XLSX, XLSM, XLSB, XLS, ODS) with calamine.
//!
//! One sheet is read (`--sheet`, by name or 1-based number; the first visible
//! worksheet by default).
//! The header is the first row whose cells name the survey's columns, so title rows
//! above the table are skipped. Every cell is read as text, as a person sees it:
//! whole numbers without decimals (an id 1001 stays `1001`), dates as ISO dates,
//! booleans as `TRUE`/`FALSE`. Each row becomes [`Cells`] whose line is the
//! sheet's row number, so everything downstream is the same as for CSV.
//!
//! The workbook's bytes are held in memory (the SHA-256 is of them), and the sheet's
//! cells as a list of the cells present, never as a grid: a single value at XFD1048576
//! would make a grid of 2^34 cells. XLSX and XLSB are read cell by cell; calamine
//! reads XLS and ODS sheets only into a grid over the cells' bounding box, so those
//! files are measured before calamine opens them and refused when a sheet spans more
//! than [`MAX_GRID_CELLS`].

use std::borrow::Cow;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use calamine::{
    Data, DataRef, ExcelDateTime, ExcelDateTimeType, Reader, Sheet, SheetType, SheetVisible, Sheets, XlsxError,
    open_workbook_auto_from_rs,
};

use super::csv::sha256_hex;
use super::header::{self, SubHeader};
use super::{Cells, Chunk, Columns, InputSource, RawRow, ReadOptions, RowChecker, RowReader};
use crate::error::{Error, Location, Result};
use crate::survey::Survey;

/// Rows searched for the header, from the top of the sheet.
const HEADER_SEARCH_ROWS: u32 = 100;

/// The most cells an XLS or ODS sheet may span (its bounding box, empty cells
/// included), as calamine holds them as a grid of 32-byte cells: 2^25 cells, 1 GiB.
/// XLS sheets stop at 65,536 x 256 cells (2^24); ODS sheets a million rows by 32 columns.
pub const MAX_GRID_CELLS: u64 = 1 << 25;

/// Whether `head` (the first bytes of a file) is a workbook: a ZIP container (XLSX,
/// XLSM, XLSB, ODS) or an OLE compound file (XLS).
pub fn is_workbook(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(&OLE_SIGNATURE)
}

const OLE_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// A cell of a sheet that holds something (0-based row and column).
#[derive(Clone, Debug)]
struct SheetCell {
    row: u32,
    col: u32,
    value: Data,
}

/// Reads the rows of one sheet, chunk by chunk.
pub struct SheetReader {
    name: PathBuf,
    sheet: String,
    /// The sheet's non-empty cells, in row then column order.
    cells: Vec<SheetCell>,
    /// Index in `cells` of the first cell of the next row to read.
    next: usize,
    /// Column of the sheet that is the records' first column: the leftmost used one.
    first_col: u32,
    /// Cells per record: up to the header's last named column (cells right of it are
    /// not read).
    width: usize,
    columns: Columns,
    header: SubHeader,
    checker: RowChecker,
    /// The current row's cells, kept between rows so that its buffers are reused.
    record: ::csv::ByteRecord,
    rows: u64,
    chunks: u64,
    sha256: String,
    /// Size of the file, shared out over the sheet's cells as chunks' `bytes`, so
    /// progress is measured against the file size as for CSV.
    file_bytes: u64,
}

impl SheetReader {
    /// Opens the sheet of `source` named by `options.sheet`, finds the header row and
    /// the survey's columns in it.
    pub fn open(source: &InputSource, survey: &Survey, options: &ReadOptions) -> Result<SheetReader> {
        let name = source.name();
        let owned;
        let bytes: &[u8] = match source {
            InputSource::File(p) => {
                owned = std::fs::read(p).map_err(|e| Error::io(p, e))?;
                &owned
            }
            InputSource::Bytes { bytes, .. } => bytes,
            InputSource::Stdin => {
                return Err(Error::input(Location::file(&name), "standard input is read as CSV, not as a spreadsheet"));
            }
        };
        let sha256 = sha256_hex(bytes);
        let at = |m: String| Error::input(Location::file(&name), m);
        // calamine reads every sheet of an XLS or ODS file into a grid when it opens it.
        if let Some(big) = guarded(|| grid_too_large(bytes)).ok().flatten() {
            let far = Location::file(&name).in_sheet(&big.sheet).at_line(u64::from(big.rows.1) + 1);
            return Err(Error::input(far.at_column(column_name(big.cols.1)), big.to_string()));
        }
        let mut book = guarded(|| open_workbook_auto_from_rs(Cursor::new(bytes)))
            .and_then(|r| r.map_err(|e| e.to_string()))
            .map_err(|e| at(format!("not a readable spreadsheet: {e}")))?;
        let sheet = choose_sheet(book.sheets_metadata(), options.sheet.as_deref()).map_err(at)?;
        let cells = guarded(|| read_cells(&mut book, &sheet))
            .and_then(|r| r)
            .map_err(|e| Error::input(Location::file(&name).in_sheet(&sheet), format!("cannot read the sheet: {e}")))?;
        drop(book);
        let mut reader = SheetReader::from_cells(name, sheet, cells, survey, options, sha256)?;
        reader.file_bytes = bytes.len() as u64;
        Ok(reader)
    }

    fn from_cells(
        name: PathBuf,
        sheet: String,
        cells: Vec<SheetCell>,
        survey: &Survey,
        options: &ReadOptions,
        sha256: String,
    ) -> Result<SheetReader> {
        let at_row = |row: u32| Location::file(&name).in_sheet(&sheet).at_line(u64::from(row) + 1);
        let first_col = cells.iter().map(|c| c.col).min().unwrap_or(0);
        let texts = |row: &[SheetCell]| -> Vec<String> {
            dense(row, first_col).into_iter().map(|t| t.trim().to_string()).collect()
        };
        let top_row = cells.first().map_or(0, |c| c.row);
        let mut top: Vec<&[SheetCell]> = Vec::new();
        let mut at = 0;
        while at < cells.len() && cells[at].row < top_row.saturating_add(HEADER_SEARCH_ROWS) {
            let row = row_at(&cells, at);
            at += row.len();
            top.push(row);
        }
        let Some(likely) = likely_header(&top) else {
            return Err(Error::input(Location::file(&name).in_sheet(&sheet), "the sheet is empty: no header row"));
        };
        // The header that starts at top[i], with the rows under it that are more header
        // (blank rows are no rows, here as below), and where the first row after it is.
        let header_at = |i: usize| -> (SubHeader, usize) {
            let start: usize = top[..=i].iter().map(|r| r.len()).sum();
            // Per row under the header: where the row after it starts.
            let (mut below, mut ends) = (Vec::new(), vec![start]);
            let mut at = start;
            while below.len() < header::rows_to_peek(options.header_rows) && at < cells.len() {
                let row = row_at(&cells, at);
                at += row.len();
                let texts = texts(row);
                if texts.iter().all(String::is_empty) {
                    continue;
                }
                below.push(header::Below { line: u64::from(row[0].row) + 1, cells: texts });
                ends.push(at);
            }
            let mut sub = SubHeader::read(texts(top[i]), &below, options.header_rows);
            sub.names = named(std::mem::take(&mut sub.names));
            sub.in_sheet = true;
            let next = ends[sub.extra()];
            (sub, next)
        };
        let header_index = if super::wants_columns(survey) {
            match (0..top.len()).position(|i| Columns::all_present(survey, &header_at(i).0.names)) {
                Some(i) => i,
                None => {
                    let err = Columns::resolve(survey, &header_at(likely).0.names).err().unwrap_or_default();
                    return Err(Error::input(at_row(top[likely][0].row), err));
                }
            }
        } else {
            likely
        };
        let header_row = top[header_index][0].row;
        let (mut header, next) = header_at(header_index);
        // Rows above the header are not read: the note says so.
        let title = top[..header_index].iter().find(|r| filled(r) > 0);
        header.below_title = title.map(|r| (u64::from(r[0].row) + 1, u64::from(header_row) + 1));
        let columns = Columns::resolve(survey, &header.names).map_err(|m| Error::input(at_row(header_row), m))?;
        Ok(SheetReader {
            width: header.names.len(),
            header,
            checker: RowChecker::new(columns.clone(), options),
            record: ::csv::ByteRecord::new(),
            columns,
            name,
            sheet,
            cells,
            next,
            first_col,
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

    fn header(&self) -> Option<&SubHeader> {
        Some(&self.header)
    }

    fn sheet(&self) -> Option<&str> {
        Some(&self.sheet)
    }

    fn next_chunk(&mut self, max_rows: usize, max_bytes: usize) -> Result<Option<Chunk>> {
        let mut rows = Vec::new();
        let mut bytes = 0u64;
        let share = |next: usize| self.file_bytes * next as u64 / self.cells.len().max(1) as u64;
        let start = share(self.next);
        while self.next < self.cells.len() {
            if rows.len() >= max_rows.max(1) || bytes >= max_bytes as u64 {
                break;
            }
            let cells = row_at(&self.cells, self.next);
            self.next += cells.len();
            let texts: Vec<(usize, Cow<str>)> =
                cells.iter().map(|c| ((c.col - self.first_col) as usize, cell_text(&c.value))).collect();
            if texts.iter().all(|(_, t)| t.trim().is_empty()) {
                continue; // blank rows are skipped, as blank lines are in CSV
            }
            // Cells right of the header's last named cell are outside the table, as in
            // the sheet's CSV export, whose header ends in empty names there: a note
            // beside an answer does not reject its row (nor is it read, having no name).
            let len = self.width;
            let record = &mut self.record;
            record.clear();
            for (i, t) in texts.iter().filter(|(i, _)| *i < len) {
                while record.len() < *i {
                    record.push_field(b"");
                }
                record.push_field(t.as_bytes());
            }
            while record.len() < len {
                record.push_field(b"");
            }
            bytes += record.as_slice().len() as u64 + record.len() as u64;
            self.rows += 1;
            let line = u64::from(cells[0].row) + 1;
            let reject = self.checker.check(record, line, self.rows);
            rows.push(RawRow { line, row: self.rows, record: Cells::from(&*record), reject });
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

/// The cells of the row that starts at `cells[at]`.
fn row_at(cells: &[SheetCell], at: usize) -> &[SheetCell] {
    let row = cells[at].row;
    let len = cells[at..].iter().position(|c| c.row != row).unwrap_or(cells.len() - at);
    &cells[at..at + len]
}

/// A row's texts, one per column from `first_col` to its last cell.
fn dense(row: &[SheetCell], first_col: u32) -> Vec<Cow<'_, str>> {
    let width = row.last().map_or(0, |c| (c.col - first_col) as usize + 1);
    let mut texts = vec![Cow::Borrowed(""); width];
    for c in row {
        texts[(c.col - first_col) as usize] = cell_text(&c.value);
    }
    texts
}

/// The non-empty cells of `sheet`, in row then column order: read one by one from
/// XLSX and XLSB, from calamine's grid for XLS and ODS (checked by [`grid_too_large`]).
fn read_cells<RS: std::io::Read + std::io::Seek>(
    book: &mut Sheets<RS>,
    sheet: &str,
) -> std::result::Result<Vec<SheetCell>, String> {
    let mut cells = Vec::new();
    let mut keep = |(row, col): (u32, u32), value: Data| {
        if !matches!(&value, Data::Empty) && !matches!(&value, Data::String(s) if s.is_empty()) {
            cells.push(SheetCell { row, col, value });
        }
    };
    let owned = |v: &DataRef<'_>| Data::from(v.clone());
    // calamine's error on a cell (a shared string index past the table's end) does
    // not say which: the cell after the last one read is.
    let mut last: Option<(u32, u32)> = None;
    let at_cell = |last: Option<(u32, u32)>, e: &dyn std::fmt::Display| match last {
        Some((row, col)) => format!("the cell after {}{} (row {}): {e}", column_name(col), row + 1, row + 1),
        None => format!("its first cell: {e}"),
    };
    match book {
        Sheets::Xlsx(book) => {
            let mut reader = match book.worksheet_cells_reader(sheet) {
                Ok(reader) => reader,
                Err(XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()), // a chart sheet
                Err(e) => return Err(e.to_string()),
            };
            while let Some(cell) = reader.next_cell().map_err(|e| at_cell(last, &e))? {
                last = Some(cell.get_position());
                keep(cell.get_position(), owned(cell.get_value()));
            }
        }
        Sheets::Xlsb(book) => {
            let mut reader = book.worksheet_cells_reader(sheet).map_err(|e| e.to_string())?;
            while let Some(cell) = reader.next_cell().map_err(|e| at_cell(last, &e))? {
                last = Some(cell.get_position());
                keep(cell.get_position(), owned(cell.get_value()));
            }
        }
        Sheets::Xls(_) | Sheets::Ods(_) => {
            let range = book.worksheet_range(sheet).map_err(|e| e.to_string())?;
            let (top, left) = range.start().unwrap_or((0, 0));
            for (r, c, value) in range.used_cells() {
                keep((top + r as u32, left + c as u32), value.clone());
            }
        }
    }
    // Cells are written in order, but a file need not be: sort, and of two cells
    // at one place keep the later, as calamine's grid does.
    cells.sort_by_key(|c| (c.row, c.col));
    cells.dedup_by(|later, earlier| {
        let same = (later.row, later.col) == (earlier.row, earlier.col);
        if same {
            std::mem::swap(&mut later.value, &mut earlier.value);
        }
        same
    });
    Ok(cells)
}

/// Runs a calamine call, turning a panic on a malformed file into an error.
fn guarded<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| "the file is malformed (the spreadsheet reader gave up)".to_string())
}

/// The sheet `wanted` names: a sheet name (exact, then ignoring case), else a
/// 1-based number counting every sheet; when `None`, the first visible worksheet (a
/// hidden sheet of lookups, or a chart, is no table of responses), else the first sheet.
pub fn choose_sheet(sheets: &[Sheet], wanted: Option<&str>) -> std::result::Result<String, String> {
    let names: Vec<&String> = sheets.iter().map(|s| &s.name).collect();
    let list = || names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ");
    let Some(wanted) = wanted else {
        let shown = sheets.iter().find(|s| s.visible == SheetVisible::Visible && s.typ == SheetType::WorkSheet);
        let first = shown.or(sheets.first()).map(|s| s.name.clone());
        return first.ok_or_else(|| "the workbook has no sheets".to_string());
    };
    let w = wanted.trim();
    if let Some(n) = names.iter().find(|n| n.as_str() == w).or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(w)))
    {
        return Ok(n.to_string());
    }
    match w.parse::<usize>() {
        Ok(i) if (1..=names.len()).contains(&i) => Ok(names[i - 1].to_string()),
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

/// Rows under a row that [`likely_header`] compares it with.
const ROWS_COMPARED: usize = 10;

/// The row that looks like a table's header when nothing says which: the first with
/// at least two filled cells (or one, in a one-column sheet), as many as the median of
/// the rows under it, whose numbers and dates (if any) sit above columns of text.
/// Title and note rows narrower than the table are skipped this way, and so are data
/// rows, whose cells are of their columns' types; a header's years need not be.
fn likely_header(top: &[&[SheetCell]]) -> Option<usize> {
    let widest = top.iter().map(|r| filled(r)).max().filter(|&w| w > 0)?;
    let fits = |i: usize| {
        let below: Vec<&[SheetCell]> =
            top[i + 1..].iter().filter(|r| filled(r) > 0).take(ROWS_COMPARED).copied().collect();
        let n = filled(top[i]);
        n >= widest.min(2) && n >= median_width(&below) && names_its_columns(top[i], &below)
    };
    (0..top.len()).find(|&i| fits(i)).or_else(|| top.iter().position(|r| filled(r) > 0))
}

/// The cells of a row that hold something other than blanks.
fn filled(row: &[SheetCell]) -> usize {
    row.iter().filter(|c| !cell_text(&c.value).trim().is_empty()).count()
}

/// The median of the rows' filled cells (the lower one of an even count; 0 for no rows).
fn median_width(rows: &[&[SheetCell]]) -> usize {
    let mut widths: Vec<usize> = rows.iter().map(|r| filled(r)).collect();
    widths.sort_unstable();
    widths.get(widths.len().saturating_sub(1) / 2).copied().unwrap_or(0)
}

/// Whether each cell of `row` that is not text (a number, date, boolean) sits above a
/// column whose filled cells in `below` are mostly text: a header may name a column
/// `2024`, but a data row's number sits above more numbers.
fn names_its_columns(row: &[SheetCell], below: &[&[SheetCell]]) -> bool {
    let is_text = |c: &SheetCell| matches!(c.value, Data::String(_) | Data::Empty);
    row.iter().filter(|c| !is_text(c) && !cell_text(&c.value).trim().is_empty()).all(|c| {
        let under = below.iter().filter_map(|r| r.iter().find(|u| u.col == c.col));
        let (texts, cells) = under
            .filter(|u| !cell_text(&u.value).trim().is_empty())
            .fold((0, 0), |(t, n), u| (t + usize::from(is_text(u)), n + 1));
        texts * 2 > cells
    })
}

/// A sheet of an XLS or ODS file whose cells span more than [`MAX_GRID_CELLS`].
#[derive(Debug, PartialEq, Eq)]
struct GridTooLarge {
    sheet: String,
    /// The format, as its extension (`XLS`, `ODS`).
    format: &'static str,
    /// First and last row and column of the cells' bounding box, 0-based.
    rows: (u32, u32),
    cols: (u32, u32),
    /// Cells calamine would hold for it.
    cells: u64,
}

impl std::fmt::Display for GridTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the sheet's cells span {}{}:{}{}, {} cells, more than the {MAX_GRID_CELLS} an {} sheet may span \
             (it is read into memory as a grid, empty cells and all): clear the cells far from the table, \
             or save the workbook as .xlsx, which is read cell by cell",
            column_name(self.cols.0),
            self.rows.0 + 1,
            column_name(self.cols.1),
            self.rows.1 + 1,
            self.cells,
            self.format,
        )
    }
}

/// A 0-based column as a spreadsheet names it: A, Z, AA, XFD.
fn column_name(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut name = Vec::new();
    while n > 0 {
        let d = ((n - 1) % 26) as u8;
        name.push(b'A' + d);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// The bounding box of some cells: first and last row, first and last column.
#[derive(Clone, Copy, Debug, Default)]
struct Bounds(Option<((u32, u32), (u32, u32))>);

impl Bounds {
    fn add(&mut self, rows: (u32, u32), cols: (u32, u32)) {
        self.0 = Some(match self.0 {
            None => (rows, cols),
            Some((r, c)) => ((r.0.min(rows.0), r.1.max(rows.1)), (c.0.min(cols.0), c.1.max(cols.1))),
        });
    }

    /// The sheet as too large, if its cells span more than [`MAX_GRID_CELLS`].
    fn too_large(self, sheet: &str, format: &'static str) -> Option<GridTooLarge> {
        let (rows, cols) = self.0?;
        let cells = (u64::from(rows.1 - rows.0) + 1) * (u64::from(cols.1 - cols.0) + 1);
        (cells > MAX_GRID_CELLS).then(|| GridTooLarge { sheet: sheet.to_string(), format, rows, cols, cells })
    }
}

/// The first sheet of an XLS or ODS file that calamine would hold as a grid of more
/// than [`MAX_GRID_CELLS`] (it reads every sheet when it opens such a file). `None`
/// for other formats, and for a file this cannot make out: calamine says what is wrong.
fn grid_too_large(bytes: &[u8]) -> Option<GridTooLarge> {
    if bytes.starts_with(&OLE_SIGNATURE) { xls_too_large(bytes) } else { ods_too_large(bytes) }
}

/// [`grid_too_large`] for ODS: the bounding box of each table's filled cells in
/// content.xml, repeated rows and columns counted as calamine counts them (up to
/// 1,048,576 rows and 16,384 columns), and the cells calamine stores on the way (each
/// row element up to its last filled cell, even past the last row).
fn ods_too_large(bytes: &[u8]) -> Option<GridTooLarge> {
    use quick_xml::events::{BytesStart, Event};

    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut mimetype = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("mimetype").ok()?, &mut mimetype).ok()?;
    if !mimetype.starts_with("application/vnd.oasis.opendocument.spreadsheet") {
        return None;
    }
    let content = zip.by_name("content.xml").ok()?;
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    // As calamine reads it, so that what it reads is measured.
    let config = xml.config_mut();
    (config.check_end_names, config.check_comments) = (false, false);
    let repeats = |e: &BytesStart<'_>, key: &str| -> u64 {
        let value = e.try_get_attribute(key).ok().flatten();
        value.and_then(|a| a.value.trim().parse().ok()).unwrap_or(1).max(1)
    };
    let has = |e: &BytesStart<'_>, key: &str| e.try_get_attribute(key).ok().flatten().is_some();
    let mut table = OdsTable::default();
    // A cell with children: filled if one of them holds something.
    let mut open_cell: Option<(u64, u64)> = None;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).ok()?;
        let (e, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some((col, n)) = open_cell {
            let text = matches!(&event, Event::Text(t) if !t.trim().is_empty());
            if e.is_some() || text || matches!(event, Event::CData(_)) {
                table.fill(col, n);
                open_cell = None;
            }
        }
        match (&event, e) {
            (_, Some(e)) if e.name().as_ref() == "table:table" => {
                let name = e.try_get_attribute("table:name").ok().flatten();
                let name = name.and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok());
                table = OdsTable { sheet: name.map(|v| v.into_owned()).unwrap_or_default(), ..OdsTable::default() };
            }
            (_, Some(e)) if e.name().as_ref() == "table:table-row" => {
                table.start_row(repeats(e, "table:number-rows-repeated"));
                if empty {
                    table.end_row();
                }
            }
            (_, Some(e)) if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") => {
                let n = repeats(e, "table:number-columns-repeated");
                if has(e, "office:value-type") || has(e, "table:formula") {
                    table.fill(table.col, n);
                } else if !empty {
                    open_cell = Some((table.col, n));
                }
                table.col = table.col.saturating_add(n);
            }
            (Event::End(e), _) => match e.name().as_ref() {
                "table:table-cell" | "table:covered-table-cell" => open_cell = None,
                "table:table-row" => table.end_row(),
                _ => {}
            },
            (Event::Eof, _) => return None,
            _ => {}
        }
        if let Some(big) = table.too_large() {
            return Some(big);
        }
    }
}

/// An ODS table being measured by [`ods_too_large`].
#[derive(Default)]
struct OdsTable {
    sheet: String,
    bounds: Bounds,
    /// The current row (0-based, as calamine counts: repeats capped at the last row).
    row: u64,
    row_repeats: u64,
    /// The current column, and the end of the current row's last filled cell.
    col: u64,
    row_end: u64,
    /// Cells calamine stores for the rows so far.
    stored: u64,
}

impl OdsTable {
    const ROWS: u64 = 1 << 20;
    const COLUMNS: u64 = 1 << 14;

    fn start_row(&mut self, repeats: u64) {
        (self.row_repeats, self.col, self.row_end) = (repeats.min(Self::ROWS - self.row), 0, 0);
    }

    fn end_row(&mut self) {
        self.row += self.row_repeats;
        self.stored = self.stored.saturating_add(self.row_end);
    }

    /// `n` filled cells from column `col` of the current row.
    fn fill(&mut self, col: u64, n: u64) {
        if col >= Self::COLUMNS {
            return; // calamine drops cells past the last column
        }
        let last_col = (col + n - 1).min(Self::COLUMNS - 1);
        let first_row = self.row.min(Self::ROWS - 1);
        let last_row = (self.row + self.row_repeats.max(1) - 1).min(Self::ROWS - 1);
        self.bounds.add((first_row as u32, last_row as u32), (col as u32, last_col as u32));
        self.row_end = last_col + 1;
    }

    fn too_large(&self) -> Option<GridTooLarge> {
        let mut big = self.bounds.too_large(&self.sheet, "ODS");
        if big.is_none() && self.stored > MAX_GRID_CELLS {
            let ((top, bottom), (left, right)) = self.bounds.0?;
            big = Some(GridTooLarge {
                sheet: self.sheet.clone(),
                format: "ODS",
                rows: (top, bottom),
                cols: (left, right),
                cells: self.stored,
            });
        }
        big
    }
}

/// [`grid_too_large`] for XLS: the bounding box of each worksheet's cell records, and
/// the size its DIMENSIONS record declares (calamine reserves room for that many).
fn xls_too_large(bytes: &[u8]) -> Option<GridTooLarge> {
    let stream = ole_stream(bytes, "Workbook").or_else(|| ole_stream(bytes, "Book"))?;
    let records = |at: usize| Records { stream: stream.get(at..).unwrap_or_default() };
    let mut sheets = Vec::new();
    for (typ, data) in records(0) {
        match typ {
            0x0085 if data.len() >= 8 => sheets.push((read_u32(data, 0)? as usize, biff_sheet_name(&data[6..]))),
            0x002F if read_u16(data, 0) != Some(0) => return None, // FILEPASS: encrypted, calamine says so
            0x000A => break,
            _ => {}
        }
    }
    for (at, sheet) in sheets {
        let (mut bounds, mut depth) = (Bounds::default(), 0usize);
        for (typ, data) in records(at) {
            let cell = |rows: (u32, u32), cols: (u32, u32), bounds: &mut Bounds| bounds.add(rows, cols);
            let pos = || Some((u32::from(read_u16(data, 0)?), u32::from(read_u16(data, 2)?)));
            match typ {
                0x0809 => depth += 1, // BOF: the sheet's own, then embedded charts
                0x000A if depth <= 1 => break,
                0x000A => depth -= 1,
                _ if depth > 1 => {}
                0x0200 => {
                    // DIMENSIONS: calamine reserves rows x columns cells, as it reads them.
                    let (rows, cols) = declared_dimensions(data)?;
                    let cells = u64::from(rows.1.wrapping_sub(rows.0).wrapping_add(1))
                        .saturating_mul(u64::from(cols.1.wrapping_sub(cols.0).wrapping_add(1)));
                    if cells > MAX_GRID_CELLS {
                        let (rows, cols) = ((rows.0.min(rows.1), rows.0.max(rows.1)), (cols.0, cols.1.max(cols.0)));
                        return Some(GridTooLarge { sheet, format: "XLS", rows, cols, cells });
                    }
                }
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let Some((r, c)) = pos() {
                        cell((r, r), (c, c), &mut bounds);
                    }
                }
                0x00BD if data.len() >= 6 => {
                    // MULRK: a row's cells from one column to another
                    if let (Some((r, first)), Some(last)) = (pos(), read_u16(data, data.len() - 2)) {
                        cell((r, r), (first, u32::from(last).max(first)), &mut bounds);
                    }
                }
                _ => {}
            }
        }
        if let Some(big) = bounds.too_large(&sheet, "XLS") {
            return Some(big);
        }
    }
    None
}

/// A DIMENSIONS record as calamine reads it: first and last row and column.
fn declared_dimensions(r: &[u8]) -> Option<((u32, u32), (u32, u32))> {
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (
            u32::from(read_u16(r, 0)?),
            u32::from(read_u16(r, 2)?),
            u32::from(read_u16(r, 4)?),
            u32::from(read_u16(r, 6)?),
        ),
        14 | 16 => (read_u32(r, 0)?, read_u32(r, 4)?, u32::from(read_u16(r, 8)?), u32::from(read_u16(r, 10)?)),
        _ => return None,
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    Some(if rl >= 1 && cl >= 1 { ((rf, rl - 1), (cf, cl - 1)) } else { ((rf, rf), (cf, cf)) })
}

/// A sheet name in a BOUNDSHEET record (from its length byte on), for messages.
fn biff_sheet_name(r: &[u8]) -> String {
    let len = usize::from(r.first().copied().unwrap_or(0));
    match r.get(1) {
        Some(1) => {
            let units: Vec<u16> = r[2..].chunks_exact(2).take(len).map(|b| u16::from_le_bytes([b[0], b[1]])).collect();
            String::from_utf16_lossy(&units)
        }
        Some(0) => r[2..].iter().take(len).map(|&b| char::from(b)).collect(),
        _ => r.get(1..).unwrap_or_default().iter().take(len).map(|&b| char::from(b)).collect(),
    }
}

/// The BIFF records of a stream: (type, data), until the stream or a record breaks off.
struct Records<'a> {
    stream: &'a [u8],
}

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<(u16, &'a [u8])> {
        let typ = read_u16(self.stream, 0)?;
        let len = usize::from(read_u16(self.stream, 2)?);
        let data = self.stream.get(4..4 + len)?;
        self.stream = &self.stream[4 + len..];
        Some((typ, data))
    }
}

fn read_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn read_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The stream `name` of an OLE compound file, read as calamine reads it (streams under
/// 4,096 bytes from the mini stream); `None` if the file cannot be made out.
fn ole_stream(file: &[u8], name: &str) -> Option<Vec<u8>> {
    const END: u32 = 0xFFFF_FFFA; // ids from here on are not sectors
    let shift = match read_u16(file, 30)? {
        9 => 9,
        12 => 12,
        _ => return None,
    };
    let size = 1usize << shift;
    let sector = |id: u32| file.get((id as usize + 1) << shift..).map(|s| &s[..size.min(s.len())]);
    let words = |b: &[u8]| b.chunks_exact(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect::<Vec<_>>();
    let max_sectors = file.len() / size + 1;
    // The FAT: its sectors are listed in the header, then in a chain of DIFAT sectors.
    let mut fat_sectors = words(file.get(76..512)?);
    let mut difat = read_u32(file, 68)?;
    for _ in 0..max_sectors {
        if difat >= END {
            break;
        }
        let mut ids = words(sector(difat)?);
        difat = ids.pop()?;
        fat_sectors.extend(ids);
    }
    let mut fat = Vec::new();
    for id in fat_sectors.into_iter().filter(|&id| id < END) {
        fat.extend(words(sector(id)?));
    }
    // A chain of (mini) sectors through a FAT, at most `len` bytes of them.
    fn chain<'a>(start: u32, fat: &[u32], get: &dyn Fn(u32) -> Option<&'a [u8]>, len: usize) -> Option<Vec<u8>> {
        let (mut out, mut id) = (Vec::new(), start);
        for _ in 0..fat.len() + 1 {
            if id >= END || out.len() >= len {
                break;
            }
            out.extend_from_slice(get(id)?);
            id = *fat.get(id as usize)?;
        }
        out.truncate(len);
        Some(out)
    }
    let directory = chain(read_u32(file, 48)?, &fat, &sector, usize::MAX)?;
    let entries: Vec<&[u8]> = directory.chunks_exact(128).collect();
    let root = entries.first()?;
    // Names and sizes as calamine reads them: up to the first NUL; 32 or 64 bits.
    let entry = entries.iter().find(|e| {
        let units: Vec<u16> = e[..64].chunks_exact(2).map(|b| u16::from_le_bytes([b[0], b[1]])).collect();
        String::from_utf16_lossy(&units).split('\0').next().is_some_and(|n| n.eq_ignore_ascii_case(name))
    })?;
    let size_of = |e: &[u8]| -> Option<usize> {
        if shift == 9 { read_u32(e, 120).map(|n| n as usize) } else { usize::try_from(read_u64(e, 120)?).ok() }
    };
    let (start, len) = (read_u32(entry, 116)?, size_of(entry)?);
    if len >= 4096 {
        return chain(start, &fat, &sector, len);
    }
    let mini_fat_len = read_u32(file, 64)? as usize;
    let mini_fat = words(&chain(read_u32(file, 60)?, &fat, &sector, mini_fat_len.saturating_mul(size))?);
    let mini_stream = chain(read_u32(root, 116)?, &fat, &sector, size_of(root)?)?;
    let mini = |id: u32| mini_stream.get(id as usize * 64..).map(|s| &s[..64.min(s.len())]);
    chain(start, &mini_fat, &mini, len)
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
            let v = d.as_f64();
            // calamine clamps a serial past 9999-12-31 to that day (and one before its
            // epoch to the epoch): distinct cells would read as one date.
            let last = if *d == ExcelDateTime::new(v, ExcelDateTimeType::DateTime, true) {
                LAST_SERIAL_1904
            } else {
                LAST_SERIAL_1900
            };
            if !(0.0..last + 1.0).contains(&v) {
                return Cow::Owned(number_text(v));
            }
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
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

/// The serial of 9999-12-31, the last day a date cell can hold (1900 epoch).
const LAST_SERIAL_1900: f64 = 2_958_465.0;

/// The serial of 9999-12-31 in a workbook of the 1904 epoch.
const LAST_SERIAL_1904: f64 = 2_957_003.0;

/// A number as a spreadsheet shows it: a whole number that a float holds exactly
/// (up to 2^53) as that integer, every digit of it (ids such as 1234567890123456 and
/// ...457 stay apart); other numbers to 15 significant digits, as Excel keeps and shows
/// them (a formula's 0.1 + 0.2 is 0.3 there, not 0.30000000000000004), whole ones
/// without a decimal point, others in the shortest form of that value: in scientific
/// notation from 1e21 up and below 1e-7 (`1e300`, not 301 digits).
fn number_text(f: f64) -> String {
    /// 2^53: every whole number up to it has its own f64.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if f.fract() == 0.0 && f.abs() <= EXACT {
        return format!("{}", f as i64);
    }
    // (Rounded, the largest numbers would overflow to infinity: they are kept whole.)
    let shown = format!("{f:.14e}").parse().ok().filter(|x: &f64| x.is_finite()).unwrap_or(f);
    if shown.is_finite() && shown.fract() == 0.0 && shown.abs() < 1e15 {
        format!("{}", shown as i64)
    } else if shown.is_finite() && (shown.abs() >= 1e21 || (shown != 0.0 && shown.abs() < 1e-7)) {
        format!("{shown:e}")
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

    /// The filled cells of `rows`, the first at A1.
    fn cells(rows: &[&[Data]]) -> Vec<SheetCell> {
        let mut cells = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            for (j, c) in row.iter().enumerate() {
                if *c != Data::Empty {
                    cells.push(SheetCell { row: i as u32, col: j as u32, value: c.clone() });
                }
            }
        }
        cells
    }

    fn reader(rows: &[&[Data]], survey: &Survey) -> Result<SheetReader> {
        SheetReader::from_cells("b.xlsx".into(), "S".into(), cells(rows), survey, &ReadOptions::default(), "".into())
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
            // Serials outside 1900-01-00 to 9999-12-31 are numbers, not a clamped date.
            (date(f64::NAN), "NaN"),
            (date(-1.0), "-1"),
            (date(2_958_465.5), "9999-12-31T12:00:00"),
            (date(2_958_466.0), "2958466"),
            (date(1e7), "10000000"),
            (date(1e300), "1e300"),
            (Data::DateTime(ExcelDateTime::new(2_957_003.0, ExcelDateTimeType::DateTime, true)), "9999-12-31"),
            (Data::DateTime(ExcelDateTime::new(2_957_004.0, ExcelDateTimeType::DateTime, true)), "2957004"),
            // Huge and tiny numbers in scientific notation, not hundreds of digits.
            (Data::Float(1e300), "1e300"),
            (Data::Float(-1.5e300), "-1.5e300"),
            (Data::Float(1e21), "1e21"),
            (Data::Float(1e20), "100000000000000000000"),
            (Data::Float(1e-300), "1e-300"),
            (Data::Float(1.5e-8), "1.5e-8"),
            (Data::Float(0.0001), "0.0001"),
            (Data::Float(f64::MAX), "1.7976931348623157e308"),
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
        let cells = cells(&refs);
        let top = [row_at(&cells, 0), row_at(&cells, 1), row_at(&cells, 4)];
        assert_eq!(likely_header(&top).map(|i| top[i][0].row), Some(2));
        let survey = Survey::ad_hoc(Some("id".into()), &["why".into()]);
        let mut reader = reader(&refs, &survey).unwrap();
        let chunk = reader.next_chunk(10, 1 << 20).unwrap().unwrap();
        assert_eq!(chunk.rows[0].line, 4);
        assert_eq!(&chunk.rows[0].record[0], b"1");
    }

    /// The sheet row (0-based) [`likely_header`] takes for the header of `rows`.
    fn likely_row(rows: &[Vec<Data>]) -> Option<u32> {
        let refs: Vec<&[Data]> = rows.iter().map(Vec::as_slice).collect();
        let cells = cells(&refs);
        let mut top = Vec::new();
        let mut at = 0;
        while at < cells.len() {
            let row = row_at(&cells, at);
            at += row.len();
            top.push(row);
        }
        likely_header(&top).map(|i| top[i][0].row)
    }

    /// A title of two cells above a table of four was taken for the header (half the
    /// widest row sufficed): `init` drafted the title as the columns and the header
    /// as a respondent. Found by a tester (title2.xlsx).
    #[test]
    fn header_detection_skips_title_rows_narrower_than_the_table() {
        let mut rows = vec![
            vec![s("Patient survey 2024"), s("Exported 15/09/2024 by admin")],
            vec![],
            vec![s("Response ID"), s("Type"), s("Agree?"), s("Comments")],
        ];
        for i in 1..=5 {
            rows.push(vec![s(&format!("R{i}")), s("Carer"), s("No"), s("The wait was long")]);
        }
        assert_eq!(likely_row(&rows), Some(2));
        // A note beside some answers does not make the header too narrow.
        rows[3].push(s("called back"));
        assert_eq!(likely_row(&rows), Some(2));
        // The run's note names the rows skipped.
        let refs: Vec<&[Data]> = rows.iter().map(Vec::as_slice).collect();
        let survey = Survey::ad_hoc(Some("Response ID".into()), &["Comments".into()]);
        let note = reader(&refs, &survey).unwrap().header.describe();
        assert_eq!(
            note.as_deref(),
            Some("the header is sheet row 3; rows 1 to 2 above it skipped, not read (a title?)")
        );
    }

    /// A header naming columns by year, the years stored as numbers, was skipped for
    /// not being all text: the first respondent became the header and was lost. Found
    /// by a tester (numhdr.xlsx).
    #[test]
    fn header_detection_takes_numbers_above_columns_of_text() {
        let mut rows = vec![vec![s("Respondent"), s("Comment"), Data::Float(2023.0), Data::Float(2024.0)]];
        for i in 1..=5 {
            rows.push(vec![s(&format!("P{i}")), s("The cost was high"), s("Yes"), s("No")]);
        }
        assert_eq!(likely_row(&rows), Some(0));
        // A data row's number sits above more numbers: not a header.
        let refs: Vec<&[Data]> = rows.iter().map(Vec::as_slice).collect();
        let table = cells(&refs);
        let (header, data) = (row_at(&table, 0), row_at(&table, 4));
        assert!(names_its_columns(header, &[data]));
        let scores: Vec<Vec<Data>> = (1..=3).map(|i| vec![s(&format!("P{i}")), Data::Float(f64::from(i))]).collect();
        let refs: Vec<&[Data]> = scores.iter().map(Vec::as_slice).collect();
        let scores = cells(&refs);
        assert!(!names_its_columns(row_at(&scores, 0), &[row_at(&scores, 2), row_at(&scores, 4)]));
    }

    #[test]
    fn cells_right_of_the_header_are_outside_the_table() {
        // A note beside an answer rejected its row ("row has 3 fields, the header has 2"),
        // where the sheet's CSV export (header `id,text,`) codes it.
        let rows: Vec<Vec<Data>> = vec![
            vec![s("id"), s("text")],
            vec![Data::Float(1.0), s("the cost"), s("called back")],
            vec![Data::Empty, Data::Empty, s("a note on its own")],
            vec![Data::Float(2.0), s("fees"), Data::Empty, Data::Empty, s("far note")],
        ];
        let refs: Vec<&[Data]> = rows.iter().map(Vec::as_slice).collect();
        let survey = Survey::ad_hoc(Some("id".into()), &["text".into()]);
        let chunk = reader(&refs, &survey).unwrap().next_chunk(10, 1 << 20).unwrap().unwrap();
        let got: Vec<_> = chunk.rows.iter().map(|r| (r.line, r.record.len(), r.reject.is_some())).collect();
        // The row with only a note is not blank: listed (its id is empty), not skipped.
        assert_eq!(got, [(2, 2, false), (3, 2, true), (4, 2, false)]);
        assert_eq!(&chunk.rows[0].record[1], b"the cost");
        assert_eq!(chunk.rows[1].reject.as_ref().unwrap().reason, super::super::RejectReason::EmptyId);
    }

    #[test]
    fn missing_column_names_sheet_and_row() {
        let rows: Vec<Vec<Data>> = vec![vec![s("Title")], vec![s("id"), s("other")], vec![s("1"), s("x")]];
        let refs: Vec<&[Data]> = rows.iter().map(Vec::as_slice).collect();
        let survey = Survey::ad_hoc(Some("id".into()), &["why".into()]);
        let err = reader(&refs, &survey).err().unwrap().to_string();
        assert_eq!(err, "b.xlsx:2 (sheet \"S\"): no column \"why\" in the header (columns: \"id\", \"other\")");
    }

    /// Sheets of these names and visibility, worksheets all.
    fn sheets(names: &[(&str, SheetVisible)]) -> Vec<Sheet> {
        let sheet = |(name, visible): &(&str, SheetVisible)| Sheet {
            name: name.to_string(),
            typ: SheetType::WorkSheet,
            visible: *visible,
        };
        names.iter().map(sheet).collect()
    }

    #[test]
    fn sheets_by_name_or_number() {
        let names = sheets(&[("Intro", SheetVisible::Visible), ("Answers", SheetVisible::Visible)]);
        assert_eq!(choose_sheet(&names, None).unwrap(), "Intro");
        assert_eq!(choose_sheet(&names, Some("answers")).unwrap(), "Answers");
        assert_eq!(choose_sheet(&names, Some("2")).unwrap(), "Answers");
        let err = choose_sheet(&names, Some("3")).unwrap_err();
        assert_eq!(err, "no sheet \"3\" (sheets: \"Intro\", \"Answers\"; or a number from 1 to 2)");
    }

    /// A hidden first sheet (lookups, metadata) was read by default, where the user
    /// sees the second. Found by a tester (rich.xlsx).
    #[test]
    fn the_default_sheet_is_the_first_visible_worksheet() {
        let names = sheets(&[("Meta", SheetVisible::Hidden), ("Lists", SheetVisible::VeryHidden)]);
        assert_eq!(choose_sheet(&names, None).unwrap(), "Meta", "none visible: the first");
        let mut names = [names, sheets(&[("Chart", SheetVisible::Visible), ("Data", SheetVisible::Visible)])].concat();
        names[2].typ = SheetType::ChartSheet;
        assert_eq!(choose_sheet(&names, None).unwrap(), "Data");
        assert_eq!(choose_sheet(&names, Some("1")).unwrap(), "Meta", "numbers count every sheet");
        // In a workbook as written.
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().set_name("Hidden").unwrap().write_string(0, 0, "meta").unwrap();
        let data = book.add_worksheet().set_name("Data").unwrap();
        data.write_string(0, 0, "id").unwrap();
        data.write_string(0, 1, "text").unwrap();
        data.set_active(true);
        book.worksheet_from_index(0).unwrap().set_hidden(true);
        let bytes: &'static [u8] = Box::leak(book.save_to_buffer().unwrap().into_boxed_slice());
        let survey = Survey::ad_hoc(None, &[]);
        assert_eq!(from_bytes(bytes, &survey, &ReadOptions::default()).unwrap().sheet(), "Data");
    }

    /// Reads every row of a workbook given as bytes: (line, reject reason) of each.
    fn read_all(name: &str, bytes: Vec<u8>) -> Result<Vec<(u64, Option<String>)>> {
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        let survey = Survey::ad_hoc(Some("id".into()), &["text".into()]);
        let source = InputSource::Bytes { name: name.into(), bytes };
        let mut reader = SheetReader::open(&source, &survey, &ReadOptions::default())?;
        let mut rows = Vec::new();
        while let Some(chunk) = reader.next_chunk(2, 1 << 20)? {
            rows.extend(chunk.rows.into_iter().map(|r| (r.line, r.reject.map(|j| j.reason.to_string()))));
        }
        Ok(rows)
    }

    /// A string cell whose index is past the shared strings' end was reported without
    /// the cell: "cannot read the sheet: Cell string index not found in shared strings table".
    #[test]
    fn a_bad_shared_string_index_names_the_cell() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "id").unwrap();
        sheet.write_string(0, 1, "text").unwrap();
        sheet.write_number(1, 0, 1.0).unwrap();
        sheet.write_string(1, 1, "a cost").unwrap();
        let good = book.save_to_buffer().unwrap();
        // The same workbook, B2's string index pointing past the table.
        let mut archive = zip::ZipArchive::new(Cursor::new(good)).unwrap();
        let mut bad = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            let name = file.name().unwrap().to_string();
            let mut text = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut text).unwrap();
            if name == "xl/worksheets/sheet1.xml" {
                let xml = String::from_utf8(text).unwrap();
                let b2 = xml.find("r=\"B2\"").unwrap();
                let (start, end) = (b2 + xml[b2..].find("<v>").unwrap() + 3, b2 + xml[b2..].find("</v>").unwrap());
                text = format!("{}99{}", &xml[..start], &xml[end..]).into_bytes();
            }
            bad.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            std::io::Write::write_all(&mut bad, &text).unwrap();
        }
        let bad = bad.finish().unwrap().into_inner();
        let err = read_all("book.xlsx", bad).unwrap_err().to_string();
        assert_eq!(
            err,
            "book.xlsx (sheet \"Sheet1\"): cannot read the sheet: the cell after A2 (row 2): \
             Cell string index not found in shared strings table"
        );
    }

    #[test]
    fn a_far_cell_in_xlsx_takes_no_grid() {
        // One value at XFD1048576 made calamine's grid 2^34 cells: "memory allocation of
        // 549755813888 bytes failed", and the process aborted.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "id").unwrap();
        sheet.write_string(0, 1, "text").unwrap();
        sheet.write_number(1, 0, 1.0).unwrap();
        sheet.write_string(1, 1, "cost").unwrap();
        sheet.write_string(1_048_575, 16_383, "x").unwrap();
        let rows = read_all("far.xlsx", book.save_to_buffer().unwrap()).unwrap();
        assert_eq!(rows[0], (2, None));
        assert_eq!(rows[1].0, 1_048_576, "the far cell's row keeps its number");
        assert!(rows[1].1.is_some(), "and is rejected: it has no id");
        assert_eq!(rows.len(), 2);
    }

    /// An ODS file whose content.xml has `rows` (table:table-row elements) in sheet "S".
    fn ods(rows: &str) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
        zip.start_file("META-INF/manifest.xml", stored).unwrap();
        zip.write_all(b"<manifest:manifest></manifest:manifest>").unwrap();
        zip.start_file("content.xml", stored).unwrap();
        let content = format!(
            "<office:document-content><office:body><office:spreadsheet>\
             <table:table table:name=\"S\">{rows}</table:table>\
             </office:spreadsheet></office:body></office:document-content>"
        );
        zip.write_all(content.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    fn ods_row(cells: &[&str]) -> String {
        let cell = |c: &&str| -> String {
            if c.is_empty() {
                "<table:table-cell/>".into()
            } else {
                format!("<table:table-cell office:value-type=\"string\"><text:p>{c}</text:p></table:table-cell>")
            }
        };
        format!("<table:table-row>{}</table:table-row>", cells.iter().map(cell).collect::<String>())
    }

    #[test]
    fn ods_is_measured_before_it_is_read() {
        let table = [ods_row(&["id", "text"]), ods_row(&["1", "cost"]), ods_row(&["", ""]), ods_row(&["2", "fees"])];
        assert_eq!(read_all("small.ods", ods(&table.concat())).unwrap(), [(2, None), (4, None)]);

        // A value at XFD1048576: 2^34 cells as calamine's grid, refused before calamine reads it.
        let far = "<table:table-row table:number-rows-repeated=\"1048573\"><table:table-cell/></table:table-row>\
            <table:table-row><table:table-cell table:number-columns-repeated=\"16383\"/>\
            <table:table-cell office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row>";
        let bytes = ods(&(table[..2].concat() + far));
        let err = read_all("far.ods", bytes).err().unwrap().to_string();
        assert_eq!(
            err,
            "far.ods:1048576 (sheet \"S\", column \"XFD\"): the sheet's cells span A1:XFD1048576, 17179869184 cells, \
             more than the 33554432 an ODS sheet may span (it is read into memory as a grid, empty cells and all): \
             clear the cells far from the table, or save the workbook as .xlsx, which is read cell by cell"
        );
        // Repeated cells count as what they fill: 64 columns by 2^24 rows (calamine stops at
        // 2^20 rows) is over the limit.
        let tall = "<table:table-row table:number-rows-repeated=\"16777216\"><table:table-cell \
            table:number-columns-repeated=\"64\" office:value-type=\"float\" office:value=\"1\"/></table:table-row>";
        let err = read_all("tall.ods", ods(&(table[0].clone() + tall))).err().unwrap().to_string();
        assert!(err.contains("span A1:BL1048576, 67108864 cells"), "{err}");
    }

    /// A BIFF record.
    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        [&typ.to_le_bytes()[..], &(data.len() as u16).to_le_bytes(), data].concat()
    }

    /// A BIFF8 cell record: a number at (row, col).
    fn number(row: u16, col: u16, v: f64) -> Vec<u8> {
        record(0x0203, &[&row.to_le_bytes()[..], &col.to_le_bytes(), &[0, 0], &v.to_le_bytes()].concat())
    }

    /// A BIFF8 cell record: a string at (row, col).
    fn label(row: u16, col: u16, s: &str) -> Vec<u8> {
        let head = [&row.to_le_bytes()[..], &col.to_le_bytes(), &[0, 0], &(s.len() as u16).to_le_bytes(), &[0]];
        record(0x0204, &[&head.concat()[..], s.as_bytes()].concat())
    }

    /// An XLS file: an OLE compound file (sectors: FAT, directory, then the stream)
    /// whose Workbook stream has one sheet "S" made of `cells` (BIFF8 records).
    fn xls(cells: &[Vec<u8>]) -> Vec<u8> {
        let bof = |dt: u16| record(0x0809, &[&0x0600u16.to_le_bytes()[..], &dt.to_le_bytes(), &[0; 12]].concat());
        let eof = record(0x000A, &[]);
        let mut stream = bof(0x0005);
        let at = (stream.len() + 13 + eof.len()) as u32; // after BOUNDSHEET (4 + 9 bytes) and EOF
        stream.extend(record(0x0085, &[&at.to_le_bytes()[..], &[0, 0, 1, 0, b'S']].concat()));
        stream.extend(&eof);
        stream.extend(bof(0x0010));
        stream.extend(cells.concat());
        stream.extend(&eof);
        let sectors = stream.len().max(4096).div_ceil(512);
        stream.resize(sectors * 512, 0); // 4,096 bytes or more: not in the mini stream
        let put = |b: &mut Vec<u8>, at: usize, v: &[u8]| b[at..at + v.len()].copy_from_slice(v);
        let mut file = vec![0xFF; 512];
        put(&mut file, 0, &[&OLE_SIGNATURE[..], &[0; 16], &[0x3E, 0, 3, 0, 0xFE, 0xFF, 9, 0, 6, 0], &[0; 10]].concat());
        for (at, v) in [(44, 1u32), (48, 1), (52, 0), (56, 4096), (60, 0xFFFF_FFFE), (64, 0), (68, 0xFFFF_FFFE)] {
            put(&mut file, at, &v.to_le_bytes());
        }
        put(&mut file, 72, &[0; 8]); // no DIFAT sectors; the FAT is sector 0
        let mut fat = vec![0xFFFF_FFFDu32, 0xFFFF_FFFE];
        fat.extend((3..sectors as u32 + 2).chain([0xFFFF_FFFE]));
        fat.resize(128, 0xFFFF_FFFF);
        file.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
        let entry = |name: &str, typ: u8, start: u32, len: u32| {
            let mut e = vec![0u8; 128];
            let units: Vec<u8> = name.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect();
            put(&mut e, 0, &units);
            put(&mut e, 64, &(units.len() as u16).to_le_bytes());
            e[66] = typ;
            put(&mut e, 68, &[0xFF; 12]);
            put(&mut e, 116, &[&start.to_le_bytes()[..], &len.to_le_bytes()].concat());
            e
        };
        file.extend(entry("Root Entry", 5, 0xFFFF_FFFE, 0));
        file.extend(entry("Workbook", 2, 2, (sectors * 512) as u32));
        file.extend(vec![0u8; 256]);
        file.extend(stream);
        file
    }

    #[test]
    fn xls_is_measured_before_it_is_read() {
        let table = [label(0, 0, "id"), label(0, 1, "text"), number(1, 0, 7.0), label(1, 1, "cost")];
        assert_eq!(read_all("small.xls", xls(&table)).unwrap(), [(2, None)]);

        // BIFF8 rows and columns are 16-bit: a cell at column 65535 makes a grid of 2^32
        // cells, far beyond the 256 columns Excel writes.
        let far = [&table[..], &[number(65535, 65535, 1.0)]].concat();
        let err = read_all("far.xls", xls(&far)).err().unwrap().to_string();
        assert!(
            err.starts_with("far.xls:65536 (sheet \"S\", column \"CRXP\"): the sheet's cells span A1:CRXP65536"),
            "{err}"
        );
        // calamine reserves room for the cells a DIMENSIONS record declares.
        let declared = [0u32.to_le_bytes(), 1_000_000u32.to_le_bytes()].concat();
        let dimensions = record(0x0200, &[&declared[..], &0u16.to_le_bytes(), &200u16.to_le_bytes(), &[0, 0]].concat());
        let err = read_all("declared.xls", xls(&[&[dimensions][..], &table[..]].concat())).err().unwrap().to_string();
        assert!(err.contains("span A1:GR1000000, 200000000 cells"), "{err}");
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
