//! `codeframe.xlsx`: a run's figures, codes and uncoded answers as a workbook, for
//! analysts who work in Excel.
//!
//! Sheets, in order: **Summary** (the run and each question's headline figures),
//! **Themes** (theme_frequencies with 95% intervals), **Closed answers**, **Crosstabs**
//! (long form: one row per cell, with the test), **Codes** (one row per code with its
//! evidence) and **Uncoded answers** (open answers no theme matched, to read). Tables
//! have a frozen header row, an autofilter and set column widths; counts are numbers,
//! and percentages are numbers (proportions) with a `0%` or `0.0%` format, so they sort,
//! filter and sum. Excel rounds each shown percentage on its own, even under
//! `--largest-remainder`; summary.md and report.html show the group-rounded figures.
//!
//! Why this is not a [`ReportWriter`]: the Codes sheet holds codes.csv's rows, a row per
//! code, far more than the [`Summary`]. Its cells are most of the workbook's time, so
//! they are written while the run codes: [`CodesSheet::begin`] starts the sheet on a
//! thread of its own before the run, reading codes.csv as the run writes it (the run
//! says how far with [`CodesSheet::written`], until the sheet's cap; a merge's file is
//! whole), and [`write()`] adds the other sheets around it once the `Summary` exists.
//! The Codes sheet is a constant-memory worksheet (rows go to an unnamed temporary file
//! in the output folder as they are written), so memory stays bounded whatever the
//! number of codes; it stops at its cap (at most Excel's row limit) and says so.
//!
//! The workbook is byte-identical across runs: the zip entries carry a fixed date, and
//! the document's creation date, which would otherwise be the current time, is fixed.
//!
//! [`ReportWriter`]: super::ReportWriter

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel};

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::crosstab::TableKind;
use super::{AtomicFile, Figure, QuestionSummary, Rounding, Summary};
use crate::error::{Error, Result};

/// The workbook's file name.
pub const FILE_NAME: &str = "codeframe.xlsx";

/// Sheet names, in order.
pub const SHEETS: [&str; 6] = ["Summary", "Themes", "Closed answers", "Crosstabs", "Codes", "Uncoded answers"];

/// Rows in an Excel worksheet, header included.
pub const EXCEL_ROWS: u32 = 1_048_576;

/// Characters (UTF-16 units) in an Excel cell.
const EXCEL_CELL_CHARS: usize = 32_767;

/// Codes shown on the Codes sheet by default: enough to read and filter, while
/// codes.csv (and codes.parquet) hold them all. A code on the sheet costs about 5
/// microseconds of CPU (0.26 s for 50,000 in 2026-12), which would dominate a run of
/// millions of rows.
pub const DEFAULT_CODES_SHOWN: u32 = 50_000;

/// Writes `codeframe.xlsx` into `dir` from `summary`, with the Codes sheet `codes`
/// filled (and now finished) beside the run.
///
/// `codes_rows` is the number of records in codes.csv if the caller counted them as it
/// wrote them; otherwise a pass over `codes_csv` counts them, for the Summary sheet.
pub fn write(
    dir: &Path,
    summary: &Summary,
    codes: CodesSheet,
    codes_csv: &Path,
    codes_rows: Option<u64>,
    rounding: Rounding,
) -> Result<()> {
    let path = dir.join(FILE_NAME);
    let total = match codes_rows {
        Some(n) => n,
        None => {
            let file = std::fs::File::open(codes_csv).map_err(|e| Error::io(codes_csv, e))?;
            count_records(file).map_err(|e| Error::io(codes_csv, std::io::Error::other(e)))?
        }
    };
    let cap = codes.cap;
    let (mut book, sheet) = codes.finish()?;
    let mut file = AtomicFile::create(&path)?;
    contain_panic(&path, || {
        build(&mut book, summary, sheet, (total, total.min(u64::from(cap))), rounding)
            .map_err(|e| xlsx_err(&path, e))?;
        book.save_to_writer(file.writer()).map_err(|e| xlsx_err(&path, e))
    })?;
    file.commit()
}

/// The workbook's Codes sheet, begun before its rows exist and filled on a thread of
/// its own from codes.csv, read as far as it is written ([`CodesSheet::written`]).
/// Its cells are most of the workbook's time: written while the run codes, they are
/// not left for after it. The thread reads the file rather than being handed copies,
/// so a run that codes faster than the sheet is written neither waits for it nor holds
/// the rows it has not reached. Dropped unfinished, the thread stops at the end of what
/// it was told is written.
pub struct CodesSheet {
    /// The workbook the sheet belongs to (its formats are the workbook's).
    book: Workbook,
    /// Where codes.csv is written to, for the sheet's thread; dropped once the sheet can
    /// read all it shows, or has stopped on an error (which [`write()`] reports).
    written: Option<Sender<u64>>,
    /// Codes written so far, as far as the sheet was told.
    told: u64,
    /// Most codes the sheet shows (its rows less the header).
    cap: u32,
    filling: std::thread::JoinHandle<Result<Worksheet>>,
}

impl CodesSheet {
    /// Starts the Codes sheet of the workbook to be written into `dir`, showing at most
    /// `cap` codes (never more than Excel's row limit) with the themes' `labels` (id,
    /// label), from the file `codes_csv` (header first), which exists and grows as
    /// [`written`](Self::written) says.
    pub fn begin(
        dir: &Path,
        labels: impl IntoIterator<Item = (String, String)>,
        cap: u32,
        codes_csv: &Path,
    ) -> Result<CodesSheet> {
        let path = dir.join(FILE_NAME);
        let cap = cap.min(EXCEL_ROWS - 1);
        let mut book = Workbook::new();
        book.set_tempdir(dir).map_err(|e| xlsx_err(&path, e))?;
        // Level 1: a workbook of codes compresses almost as well, in a fraction of the time.
        book.set_zip_compression_level(1);
        let mut sheet = book.new_worksheet_with_constant_memory().map_err(|e| xlsx_err(&path, e))?;
        let labels: BTreeMap<String, String> = labels.into_iter().collect();
        // Opened here: a run may rename the file into place before the thread reads it.
        let file = File::open(codes_csv).map_err(|e| Error::io(codes_csv, e))?;
        let (tx, rx) = channel::<u64>();
        let at = path.clone();
        let filling = std::thread::Builder::new()
            .name("codes-sheet".into())
            .spawn(move || {
                contain_panic(&at, || {
                    let f = Formats::new(Rounding::WHOLE);
                    match codes_sheet(&mut sheet, Written { file, rx, end: 0, at: 0 }, cap, &labels, &f) {
                        Ok(()) => Ok(sheet),
                        Err(BuildError::Xlsx(e)) => Err(xlsx_err(&at, e)),
                        // Rows codes.csv's writer wrote (a run's or a merge's), never a user's.
                        Err(BuildError::Csv(e)) => Err(Error::io(&at, std::io::Error::other(e))),
                    }
                })
            })
            .map_err(|e| Error::io(&path, e))?;
        Ok(CodesSheet { book, written: Some(tx), told: 0, cap, filling })
    }

    /// Whether the sheet may still read rows not yet written.
    pub fn wants_more(&self) -> bool {
        self.written.is_some()
    }

    /// Says that codes.csv is written, and readable, up to byte `end` (from the file's
    /// start), which adds `codes` records; once those reach the sheet's cap, nothing
    /// more is read.
    pub fn written(&mut self, end: u64, codes: u64) {
        if let Some(tx) = &self.written
            && tx.send(end).is_err()
        {
            self.written = None; // the sheet stopped on an error
        }
        self.told += codes;
        if self.told >= u64::from(self.cap) {
            self.written = None;
        }
    }

    /// Says that codes.csv is written whole (a merge's): the sheet reads to its end, or
    /// to its cap.
    pub fn written_whole(&mut self, codes_csv: &Path) -> Result<()> {
        let end = std::fs::metadata(codes_csv).map_err(|e| Error::io(codes_csv, e))?.len();
        if let Some(tx) = self.written.take() {
            let _ = tx.send(end); // a sheet that stopped on an error says so at `write`
        }
        Ok(())
    }

    /// Waits for the sheet to read what it was told is written: the workbook and the
    /// sheet, to push.
    fn finish(mut self) -> Result<(Workbook, Worksheet)> {
        drop(self.written.take());
        let sheet = self.filling.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?;
        Ok((self.book, sheet))
    }
}

/// codes.csv as the Codes sheet's thread reads it: as far as it is written, until the
/// writer stops saying how far.
struct Written {
    file: File,
    /// How far the file is written, as last said.
    end: u64,
    rx: Receiver<u64>,
    /// Bytes read.
    at: u64,
}

impl Read for Written {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at >= self.end {
            match self.rx.recv() {
                Ok(end) => self.end = end,
                Err(_) => return Ok(0),
            }
        }
        let want = (self.end - self.at).min(buf.len() as u64) as usize;
        let n = self.file.read(&mut buf[..want])?;
        if n == 0 {
            let short = format!("codes.csv ends at byte {}, before the {} bytes written", self.at, self.end);
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, short));
        }
        self.at += n as u64;
        Ok(n)
    }
}

/// Runs `f`, turning a panic into an I/O error on `path`. rust_xlsxwriter panics when
/// a write to its temporary sheet file fails ("Couldn't write to xml file", a full
/// disk): that must exit 3 with the error, like any other failed write. The panic
/// hook is silenced for this thread only while `f` runs.
fn contain_panic<T>(path: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    use std::panic::{self, AssertUnwindSafe};
    use std::sync::Arc;
    let me = std::thread::current().id();
    let previous = Arc::new(panic::take_hook());
    let others = Arc::clone(&previous);
    panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() != me {
            others(info);
        }
    }));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    drop(panic::take_hook()); // ours, which held the other reference
    match Arc::try_unwrap(previous) {
        Ok(hook) => panic::set_hook(hook),
        Err(shared) => panic::set_hook(Box::new(move |info| shared(info))),
    }
    result.unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("its writer failed");
        Err(Error::io(path, std::io::Error::other(format!("the workbook could not be written: {}", readable(what)))))
    })
}

/// A panic message with the OS error in it as a person reads it: rust_xlsxwriter's
/// `expect` shows it in its `Debug` form (`Couldn't write to xml file: Os { code: 28,
/// kind: StorageFull, message: "No space left on device" }`), here its `Display` text
/// (`... file: No space left on device (os error 28)`).
fn readable(what: &str) -> String {
    const OS: &str = "Os { code: ";
    let Some(at) = what.find(OS) else { return what.to_string() };
    let rest = &what[at + OS.len()..];
    let code = rest.split(',').next().and_then(|c| c.trim().parse::<i32>().ok());
    let end = rest.find(" }").map(|e| at + OS.len() + e + 2);
    match (code, end) {
        (Some(code), Some(end)) => {
            format!("{}{}{}", &what[..at], std::io::Error::from_raw_os_error(code), &what[end..])
        }
        _ => what.to_string(),
    }
}

fn xlsx_err(path: &Path, e: XlsxError) -> Error {
    match e {
        XlsxError::IoError(e) => Error::io(path, e),
        e => Error::io(path, std::io::Error::other(e)),
    }
}

fn count_records(r: impl Read) -> csv::Result<u64> {
    let mut reader = csv::ReaderBuilder::new().from_reader(std::io::BufReader::with_capacity(1 << 16, r));
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while reader.read_byte_record(&mut record)? {
        n += 1;
    }
    Ok(n)
}

/// What can go wrong while building: the workbook, or reading codes.csv.
#[derive(Debug)]
enum BuildError {
    Xlsx(XlsxError),
    Csv(csv::Error),
}

impl From<XlsxError> for BuildError {
    fn from(e: XlsxError) -> BuildError {
        BuildError::Xlsx(e)
    }
}

impl From<csv::Error> for BuildError {
    fn from(e: csv::Error) -> BuildError {
        BuildError::Csv(e)
    }
}

/// The formats cells use.
struct Formats {
    header: Format,
    title: Format,
    bold: Format,
    pct: Format,
    p: Format,
    stat: Format,
    wrap: Format,
    wrap_top: Format,
    top: Format,
    indent: Format,
    note: Format,
    /// How sentences in cells show percentages.
    rounding: Rounding,
}

impl Formats {
    fn new(rounding: Rounding) -> Formats {
        let pct = if rounding.decimals == 0 { "0%" } else { "0.0%" };
        Formats {
            header: Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top).set_background_color(0xE8EEF4),
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            pct: Format::new().set_num_format(pct),
            p: Format::new().set_num_format("0.000"),
            stat: Format::new().set_num_format("0.00"),
            wrap: Format::new().set_text_wrap(),
            wrap_top: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            top: Format::new().set_align(FormatAlign::Top),
            indent: Format::new().set_indent(1),
            note: Format::new().set_italic().set_font_color(0x5B6773),
            rounding,
        }
    }
}

/// Text as a cell can hold it: cut to Excel's limit (with an ellipsis) if longer.
fn cell_text(s: &str) -> Cow<'_, str> {
    // UTF-8 takes at least as many bytes as UTF-16 takes units.
    if s.len() <= EXCEL_CELL_CHARS || s.encode_utf16().count() <= EXCEL_CELL_CHARS {
        return Cow::Borrowed(s);
    }
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > EXCEL_CELL_CHARS - 1 {
            return Cow::Owned(format!("{}…", &s[..i]));
        }
    }
    Cow::Borrowed(s)
}

/// The shortest prefix of `s` that the workbook shows as it shows `s` (a cell holds
/// at most 32,767 characters): all a run needs to keep of a long answer for it.
pub fn cell_prefix(s: &str) -> &str {
    if s.len() <= EXCEL_CELL_CHARS {
        return s;
    }
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > EXCEL_CELL_CHARS {
            return &s[..i + c.len_utf8()];
        }
    }
    s
}

/// Lines `s` takes wrapped word by word at `width` characters (a longer word breaks).
fn wrapped_lines(s: &str, width: usize) -> usize {
    let width = width.max(1);
    let mut lines = 0;
    for paragraph in s.split('\n') {
        let (mut n, mut used) = (1, 0);
        for word in paragraph.split(' ').map(|w| w.chars().count()) {
            if used > 0 && used + 1 + word > width {
                n += 1;
                used = 0;
            }
            used += if used > 0 { 1 + word } else { word };
            if used > width {
                n += (used - 1) / width;
                used %= width;
            }
        }
        lines += n;
    }
    lines
}

/// A sheet being written row by row.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    row: u32,
    /// Column widths, in characters.
    widths: Vec<f64>,
}

impl<'a> Sheet<'a> {
    fn new(ws: &'a mut Worksheet, name: &str, widths: &[f64]) -> std::result::Result<Sheet<'a>, XlsxError> {
        ws.set_name(name)?;
        for (c, &w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, w)?;
        }
        // Printed: landscape, as wide as one page.
        ws.set_landscape().set_print_fit_to_pages(1, 0);
        Ok(Sheet { ws, row: 0, widths: widths.to_vec() })
    }

    /// A sheet holding one table: its columns (name, width) set and its header written.
    fn table(
        ws: &'a mut Worksheet,
        name: &str,
        columns: &[(&str, f64)],
        f: &Format,
    ) -> std::result::Result<Sheet<'a>, XlsxError> {
        let widths: Vec<f64> = columns.iter().map(|c| c.1).collect();
        let mut sh = Sheet::new(ws, name, &widths)?;
        sh.header(&columns.iter().map(|c| c.0).collect::<Vec<_>>(), f)?;
        Ok(sh)
    }

    /// Writes a header row, frozen when it is the sheet's first.
    fn header(&mut self, names: &[&str], f: &Format) -> std::result::Result<(), XlsxError> {
        let mut lines: f64 = 1.0;
        for (c, n) in names.iter().enumerate().filter(|(_, n)| !n.is_empty()) {
            self.ws.write_string_with_format(self.row, c as u16, *n, f)?;
            // less two characters for the autofilter's button
            lines = lines.max(self.lines(c as u16, n, 2.0));
        }
        self.fit(lines)?;
        if self.row == 0 {
            self.ws.set_freeze_panes(1, 0)?.set_repeat_rows(0, 0)?;
        }
        self.row += 1;
        Ok(())
    }

    /// Filters the table from `first` (its header row) to the last row written.
    fn filter(&mut self, first: u32, cols: usize) -> std::result::Result<(), XlsxError> {
        self.ws.autofilter(first, 0, self.row.saturating_sub(1).max(first), cols.saturating_sub(1) as u16)?;
        Ok(())
    }

    fn text(&mut self, c: u16, s: &str) -> std::result::Result<(), XlsxError> {
        if !s.is_empty() {
            self.ws.write_string(self.row, c, cell_text(s))?;
        }
        Ok(())
    }

    fn text_with(&mut self, c: u16, s: &str, f: &Format) -> std::result::Result<(), XlsxError> {
        self.ws.write_string_with_format(self.row, c, cell_text(s), f)?;
        Ok(())
    }

    /// Writes wrapped text and makes the row tall enough to show it: spreadsheet
    /// programs do not all fit a row to wrapped text when they open a file.
    fn wrapped(&mut self, c: u16, s: &str, f: &Format) -> std::result::Result<(), XlsxError> {
        let s = cell_text(s);
        self.ws.write_string_with_format(self.row, c, s.as_ref(), f)?;
        let lines = self.lines(c, &s, 0.0);
        self.fit(lines)
    }

    /// About how many lines `s` takes wrapped in column `c`, less `margin` characters
    /// (a column's width counts digits; text runs a little narrower).
    fn lines(&self, c: u16, s: &str, margin: f64) -> f64 {
        let width = (self.widths.get(usize::from(c)).copied().unwrap_or(8.43) - margin) * 1.1;
        wrapped_lines(s, width.max(1.0) as usize) as f64
    }

    /// Makes the current row `lines` tall: 15 points a line (Calibri 11), up to Excel's
    /// 409-point limit.
    fn fit(&mut self, lines: f64) -> std::result::Result<(), XlsxError> {
        if lines > 1.0 {
            self.ws.set_row_height(self.row, (15.0 * lines).min(409.0))?;
        }
        Ok(())
    }

    fn num(&mut self, c: u16, n: u64) -> std::result::Result<(), XlsxError> {
        self.ws.write_number(self.row, c, n as f64)?;
        Ok(())
    }

    fn float(&mut self, c: u16, x: Option<f64>, f: &Format) -> std::result::Result<(), XlsxError> {
        if let Some(x) = x.filter(|x| x.is_finite()) {
            self.ws.write_number_with_format(self.row, c, x, f)?;
        }
        Ok(())
    }

    /// A figure's percentage as a proportion (empty when the base is 0).
    fn share(&mut self, c: u16, f: Figure, fmt: &Format) -> std::result::Result<(), XlsxError> {
        self.float(c, (f.base > 0).then(|| f.count as f64 / f.base as f64), fmt)
    }

    fn next(&mut self) {
        self.row += 1;
    }
}

/// Adds the sheets to `book` in order, pushing the Codes sheet `codes` (filled
/// already) in its place; `counts` is (codes in all, codes shown), for the Summary.
fn build(
    book: &mut Workbook,
    s: &Summary,
    codes: Worksheet,
    counts: (u64, u64),
    rounding: Rounding,
) -> std::result::Result<(), XlsxError> {
    let date = ExcelDateTime::from_ymd(1980, 1, 1)?;
    // A fixed creation date (the zip format's epoch, which the entries carry too), so
    // that two runs write the same bytes.
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("Summary of responses: {}", s.title))
            .set_comment("Written by codeframe")
            .set_creation_datetime(&date),
    );
    let f = Formats::new(rounding);
    summary(
        Sheet::new(book.add_worksheet(), SHEETS[0], &[56.0, 14.0, 14.0, 14.0, 14.0, 12.0, 40.0, 14.0, 14.0])?,
        s,
        &f,
        counts,
    )?;
    themes(book.add_worksheet(), s, &f)?;
    closed(book.add_worksheet(), s, &f)?;
    crosstabs(book.add_worksheet(), s, &f)?;
    book.push_worksheet(codes);
    uncoded(book.add_worksheet(), s, &f)?;
    Ok(())
}

fn summary(mut sh: Sheet, s: &Summary, f: &Formats, codes: (u64, u64)) -> std::result::Result<(), XlsxError> {
    sh.text_with(0, &format!("Summary of responses: {}", s.title), &f.title)?;
    sh.ws.set_row_height(0, 20)?.set_freeze_panes(1, 0)?;
    sh.next();
    sh.next();
    for (label, value) in [
        ("Respondents (rows coded)", s.respondents),
        ("Rows read", s.rows.read),
        ("Rows rejected (see rejects.csv)", s.rows.rejected),
        ("Codes (one per respondent, question and theme)", codes.0),
        ("Uncoded answers", s.uncoded_total),
    ] {
        sh.text(0, label)?;
        sh.num(1, value)?;
        sh.next();
    }
    sh.text(0, "Lexicon")?;
    sh.text(1, &s.lexicon)?;
    sh.next();
    sh.next();

    if !s.types.is_empty() {
        sh.text_with(0, "Respondents", &f.bold)?;
        sh.next();
        sh.header(&["Type of respondent", "Respondents", "% of all respondents"], &f.header)?;
        for t in &s.types {
            sh.text(0, &t.name)?;
            sh.num(1, t.figure.count)?;
            sh.share(2, t.figure, &f.pct)?;
            sh.next();
        }
        sh.text_with(0, "Total", &f.bold)?;
        sh.num(1, s.respondents)?;
        sh.next();
        let plain = super::prose::Markup { escape: str::to_string, strong: str::to_string };
        if let Some(sentence) = super::prose::defaulted_types(s, f.rounding, plain) {
            sh.text_with(0, &sentence, &f.note)?;
            sh.next();
        }
        sh.next();
    }

    sh.text_with(0, "Questions", &f.bold)?;
    sh.next();
    sh.header(
        &[
            "Question",
            "Answered",
            "% of all respondents",
            "Raised a theme",
            "% of those who answered",
            "Themes",
            "Most frequent answer (nil aside) or theme",
            "Respondents",
            "% of all respondents",
        ],
        &f.header,
    )?;
    for q in &s.questions {
        match q {
            QuestionSummary::Closed(c) => {
                // Those who chose an option (several each, in a question that takes several).
                let answered = c.options.first().map_or(0, |o| o.of_answered.base);
                sh.wrapped(0, &heading(&c.id, &c.text), &f.wrap)?;
                sh.num(1, answered)?;
                sh.share(2, Figure::new(answered, c.nil.base), &f.pct)?;
                if let Some(most) = c.options.iter().map(|o| o.figure.count).max().filter(|&n| n > 0) {
                    let top: Vec<_> = c.options.iter().filter(|o| o.figure.count == most).collect();
                    let names: Vec<&str> = top.iter().map(|o| o.label.as_str()).collect();
                    sh.text_with(6, &tied(&names), &f.indent)?;
                    sh.num(7, most)?;
                    sh.share(8, top[0].figure, &f.pct)?;
                }
            }
            QuestionSummary::Open(o) => {
                sh.wrapped(0, &heading(&o.id, &o.text), &f.wrap)?;
                sh.num(1, o.answered.count)?;
                sh.share(2, o.answered, &f.pct)?;
                sh.num(3, o.coded.count)?;
                sh.share(4, o.coded, &f.pct)?;
                sh.num(5, o.themes.len() as u64)?;
                if let Some(top) = o.themes.first().filter(|t| t.of_respondents.count > 0) {
                    let most = top.of_respondents.count;
                    let names: Vec<&str> = o
                        .themes
                        .iter()
                        .take_while(|t| t.of_respondents.count == most)
                        .map(|t| t.label.as_str())
                        .collect();
                    sh.text_with(6, &tied(&names), &f.indent)?;
                    sh.num(7, top.of_respondents.count)?;
                    sh.share(8, top.of_respondents, &f.pct)?;
                }
            }
        }
        sh.next();
    }
    sh.text_with(
        0,
        "Themes: how many apply to the question. For a closed question, answered means gave a recognised option.",
        &f.note,
    )?;
    sh.next();
    sh.next();

    if !s.any_question.is_empty() {
        sh.text_with(0, "Themes raised in any answer", &f.bold)?;
        sh.next();
        sh.header(&["Theme", "Respondents", "% of all respondents", "Theme id"], &f.header)?;
        for r in &s.any_question {
            sh.text(0, &r.label)?;
            sh.num(1, r.figure.count)?;
            sh.share(2, r.figure, &f.pct)?;
            sh.text_with(3, &r.id, &f.indent)?;
            sh.next();
        }
        sh.next();
    }

    if !s.campaigns.is_empty() {
        sh.text_with(0, "Campaign responses (near-identical answers)", &f.bold)?;
        sh.next();
        sh.header(
            &["Question", "Respondents", "Identical", "First respondent", "", "", "Excerpt", "Themes"],
            &f.header,
        )?;
        for c in &s.campaigns {
            sh.text(0, &c.question)?;
            sh.num(1, c.size)?;
            sh.num(2, c.identical)?;
            sh.text(3, &c.first_respondent)?;
            sh.text(6, &c.excerpt)?;
            sh.text(7, &c.themes.join(", "))?;
            sh.next();
        }
        sh.next();
        sh.header(
            &[
                "Question and theme",
                "As counted",
                "% of all respondents",
                "Campaigns collapsed",
                "% of the base",
                "Base",
            ],
            &f.header,
        )?;
        for c in &s.collapsed {
            sh.text(0, &format!("{} {}", c.question, c.theme))?;
            sh.num(1, c.counted.count)?;
            sh.share(2, c.counted, &f.pct)?;
            sh.num(3, c.collapsed.count)?;
            sh.share(4, c.collapsed, &f.pct)?;
            sh.num(5, c.collapsed.base)?;
            sh.next();
        }
        sh.next();
    }

    let (total, shown) = codes;
    let mut notes = vec![
        "Percentages are stored as proportions of their base and shown rounded by Excel.".to_string(),
        "The same figures are in summary.md, report.html, summary.json and the CSV files.".to_string(),
    ];
    if shown < total {
        notes.push(format!(
            "The Codes sheet shows the first {shown} of {total} codes (--workbook-codes, at most Excel's row limit); codes.csv has them all."
        ));
    }
    if (s.uncoded.len() as u64) < s.uncoded_total {
        notes.push(format!(
            "The Uncoded answers sheet shows the first {} of {} uncoded answers.",
            s.uncoded.len(),
            s.uncoded_total
        ));
    }
    for n in notes {
        sh.text_with(0, &n, &f.note)?;
        sh.next();
    }
    Ok(())
}

fn heading(id: &str, text: &str) -> String {
    if text.is_empty() { id.to_string() } else { format!("{id}. {text}") }
}

fn themes(ws: &mut Worksheet, s: &Summary, f: &Formats) -> std::result::Result<(), XlsxError> {
    let columns = [
        ("Question", 12.0),
        ("Theme", 26.0),
        ("Label", 38.0),
        ("Respondents", 14.0),
        ("All respondents", 14.0),
        ("% of all respondents", 14.0),
        ("95% CI low", 11.0),
        ("95% CI high", 11.0),
        ("Answered", 12.0),
        ("% of those who answered", 14.0),
        ("95% CI low (answered)", 12.0),
        ("95% CI high (answered)", 12.0),
        ("Occurrences", 14.0),
        ("Matched words", 12.0),
        ("Words in answers", 12.0),
        ("Parent theme", 20.0),
    ];
    let mut sh = Sheet::table(ws, SHEETS[1], &columns, &f.header)?;
    for q in &s.questions {
        let QuestionSummary::Open(o) = q else { continue };
        for t in &o.themes {
            sh.text(0, &o.id)?;
            sh.text(1, &t.id)?;
            sh.text(2, &t.label)?;
            sh.num(3, t.of_respondents.count)?;
            sh.num(4, t.of_respondents.base)?;
            sh.share(5, t.of_respondents, &f.pct)?;
            sh.float(6, t.ci_respondents.map(|c| c.0), &f.pct)?;
            sh.float(7, t.ci_respondents.map(|c| c.1), &f.pct)?;
            sh.num(8, t.of_answered.base)?;
            sh.share(9, t.of_answered, &f.pct)?;
            sh.float(10, t.ci_answered.map(|c| c.0), &f.pct)?;
            sh.float(11, t.ci_answered.map(|c| c.1), &f.pct)?;
            sh.num(12, t.occurrences)?;
            sh.num(13, t.matched_words.count)?;
            sh.num(14, t.matched_words.base)?;
            sh.text(15, t.parent.as_deref().unwrap_or(""))?;
            sh.next();
        }
    }
    sh.filter(0, columns.len())
}

fn closed(ws: &mut Worksheet, s: &Summary, f: &Formats) -> std::result::Result<(), XlsxError> {
    let columns = [
        ("Question", 12.0),
        ("Answer", 30.0),
        ("Respondents", 14.0),
        ("All respondents", 14.0),
        ("% of all respondents", 14.0),
        ("Answered", 12.0),
        ("% of those who answered", 14.0),
        ("Question text", 60.0),
    ];
    let mut sh = Sheet::table(ws, SHEETS[2], &columns, &f.header)?;
    for q in &s.questions {
        let QuestionSummary::Closed(c) = q else { continue };
        let mut rows: Vec<(String, Figure, Option<Figure>)> =
            c.options.iter().map(|o| (o.label.clone(), o.figure, Some(o.of_answered))).collect();
        rows.push(("No answer (nil)".to_string(), c.nil, None));
        rows.push(("Unrecognised answer".to_string(), c.unrecognised, None));
        if let Some((label, fig)) = &c.nil_merged {
            rows.push((format!("{label} (including nil)"), *fig, None));
        }
        for (label, fig, answered) in rows {
            sh.text(0, &c.id)?;
            sh.text(1, &label)?;
            sh.num(2, fig.count)?;
            sh.num(3, fig.base)?;
            sh.share(4, fig, &f.pct)?;
            if let Some(a) = answered {
                sh.num(5, a.base)?;
                sh.share(6, a, &f.pct)?;
            }
            sh.text(7, &c.text)?;
            sh.next();
        }
    }
    sh.filter(0, columns.len())
}

fn crosstabs(ws: &mut Worksheet, s: &Summary, f: &Formats) -> std::result::Result<(), XlsxError> {
    let columns = [
        ("Breakdown", 18.0),
        ("Question", 12.0),
        ("Rows are", 11.0),
        ("Answer or theme", 26.0),
        ("Label", 38.0),
        ("Group", 26.0),
        ("Count", 10.0),
        ("Base", 10.0),
        ("% of group", 11.0),
        ("Chi-square", 12.0),
        ("df", 7.0),
        ("p", 9.0),
        ("Unreliable test", 12.0),
    ];
    let mut sh = Sheet::table(ws, SHEETS[3], &columns, &f.header)?;
    for x in &s.crosstabs {
        for t in &x.tables {
            let kind = match t.kind {
                TableKind::Closed => "answers",
                TableKind::Themes => "themes",
            };
            for r in &t.rows {
                let test = r.test.or(t.test);
                let groups = x.groups.iter().map(String::as_str).chain(std::iter::once("(all)"));
                for (g, cell) in groups.zip(r.cells.iter().chain(std::iter::once(&r.total))) {
                    sh.text(0, &x.segment)?;
                    sh.text(1, &t.question)?;
                    sh.text(2, kind)?;
                    sh.text(3, &r.item)?;
                    sh.text(4, &r.label)?;
                    sh.text(5, g)?;
                    sh.num(6, cell.count)?;
                    sh.num(7, cell.base)?;
                    sh.share(8, *cell, &f.pct)?;
                    if let Some(c) = test {
                        sh.float(9, Some(c.statistic), &f.stat)?;
                        sh.num(10, u64::from(c.df))?;
                        sh.float(11, Some(c.p), &f.p)?;
                        sh.text(12, if c.unreliable() { "yes" } else { "no" })?;
                    }
                    sh.next();
                }
            }
        }
    }
    sh.filter(0, columns.len())
}

/// The answers or themes tied for the most respondents, named together (`A`, `A; B (tied)`).
fn tied(names: &[&str]) -> String {
    if names.len() > 1 { format!("{} (tied)", names.join("; ")) } else { names.concat() }
}

/// Streams codes.csv's records (without its header) into the sheet, up to `cap`.
fn codes_sheet(
    ws: &mut Worksheet,
    codes: impl Read,
    cap: u32,
    labels: &BTreeMap<String, String>,
    f: &Formats,
) -> std::result::Result<(), BuildError> {
    let columns = [
        ("Respondent", 18.0),
        ("Question", 12.0),
        ("Theme", 26.0),
        ("Theme label", 36.0),
        ("Hits", 8.0),
        ("Entry (first hit)", 36.0),
        ("Lexicon line", 10.0),
        ("Matched text", 30.0),
        ("Start (byte)", 10.0),
        ("End (byte)", 10.0),
        ("All spans", 24.0),
    ];
    let mut sh = Sheet::new(ws, SHEETS[4], &columns.map(|c| c.1))?;
    // Written before the header moves on (a constant-memory sheet cannot go back a
    // row), so before the run knows how many codes there are: the Summary sheet says.
    sh.text_with(
        columns.len() as u16 + 1,
        &format!(
            "At most the first {cap} codes, in input order (--workbook-codes); codes.csv has every one, \
             and the Summary sheet counts them."
        ),
        &f.note,
    )?;
    sh.header(&columns.map(|c| c.0), &f.header)?;
    // codes.csv is read from its start: its first record is the header.
    let mut reader =
        csv::ReaderBuilder::new().has_headers(true).from_reader(std::io::BufReader::with_capacity(1 << 16, codes));
    let mut record = csv::StringRecord::new();
    let mut n = 0u32;
    while n < cap && reader.read_record(&mut record)? {
        let field = |i: usize| record.get(i).unwrap_or("");
        sh.text(0, field(0))?;
        sh.text(1, field(1))?;
        sh.text(2, field(2))?;
        sh.text(3, labels.get(field(2)).map(String::as_str).unwrap_or(""))?;
        // hits, entry, line, matched, start, end, spans: counts and offsets as numbers
        for (c, i) in [(4u16, 3usize), (5, 4), (6, 5), (7, 6), (8, 7), (9, 8), (10, 9)] {
            match field(i).parse::<u64>() {
                Ok(v) if matches!(c, 4 | 6 | 8 | 9) => sh.num(c, v)?,
                _ => sh.text(c, field(i))?,
            }
        }
        sh.next();
        n += 1;
    }
    sh.filter(0, columns.len())?;
    Ok(())
}

fn uncoded(ws: &mut Worksheet, s: &Summary, f: &Formats) -> std::result::Result<(), XlsxError> {
    let columns = [("Respondent", 18.0), ("Question", 12.0), ("Answer", 100.0)];
    let mut sh = Sheet::table(ws, SHEETS[5], &columns, &f.header)?;
    if (s.uncoded.len() as u64) < s.uncoded_total {
        sh.ws.write_string_with_format(
            0,
            4,
            format!("The first {} of {} uncoded answers, in input order.", s.uncoded.len(), s.uncoded_total),
            &f.note,
        )?;
    }
    for (respondent, question, text) in &s.uncoded {
        sh.text_with(0, respondent, &f.top)?;
        sh.text_with(1, question, &f.top)?;
        sh.wrapped(2, text, &f.wrap_top)?;
        sh.next();
    }
    sh.filter(0, columns.len())
}

#[cfg(test)]
mod tests {
    /// A panic in the workbook writer (rust_xlsxwriter's on a full disk) is an I/O
    /// error naming the workbook, and the panic hook is back in place afterwards.
    #[test]
    fn a_panic_while_writing_is_an_io_error() {
        let path = Path::new("out/codeframe.xlsx");
        let result: Result<()> = contain_panic(path, || panic!("Couldn't write to xml file: StorageFull"));
        let message = result.unwrap_err().to_string();
        assert!(message.contains("out/codeframe.xlsx") && message.contains("StorageFull"), "{message}");
        // The OS error as its Display text, not `Os { code: 28, kind: StorageFull, .. }`.
        let full = std::io::Error::from_raw_os_error(28);
        let result: Result<()> = contain_panic(path, || panic!("Couldn't write to xml file: {full:?}"));
        let message = result.unwrap_err().to_string();
        assert_eq!(
            message,
            format!("out/codeframe.xlsx: the workbook could not be written: Couldn't write to xml file: {full}")
        );
        assert!(!message.contains("Os {"), "{message}");
        assert_eq!(contain_panic(path, || Ok(7)).unwrap(), 7);
        assert!(std::panic::catch_unwind(|| panic!("still caught")).is_err());
    }

    use super::*;
    use crate::report::tiny_summary;

    #[test]
    fn cells_hold_at_most_excel_s_limit() {
        assert_eq!(cell_text("short"), "short");
        let long = "é".repeat(40_000);
        let cut = cell_text(&long);
        assert_eq!(cut.encode_utf16().count(), EXCEL_CELL_CHARS);
        assert!(cut.ends_with('…'));
        // astral characters count two UTF-16 units
        let emoji = "😀".repeat(20_000);
        assert!(cell_text(&emoji).encode_utf16().count() <= EXCEL_CELL_CHARS);
    }

    #[test]
    fn a_cell_prefix_shows_as_the_whole_text() {
        let exact = "a".repeat(EXCEL_CELL_CHARS);
        for s in ["short".to_string(), exact.clone(), format!("{exact}b"), "é".repeat(40_000), "😀".repeat(20_000)] {
            let prefix = cell_prefix(&s);
            assert!(prefix.len() <= EXCEL_CELL_CHARS * 4 + 4 && s.starts_with(prefix));
            assert_eq!(cell_text(prefix), cell_text(&s), "{}", s.len());
        }
    }

    #[test]
    fn wrapped_lines_counts_words_that_fit() {
        let check = |s: &str, width: usize, want: usize| assert_eq!(wrapped_lines(s, width), want, "{s:?} at {width}");
        check("", 10, 1);
        check("one two", 10, 1);
        check("one two three", 10, 2);
        check("% of all respondents", 11, 2);
        check("respondents", 5, 3);
        check("a\nb\n\nc", 10, 4);
    }

    /// The workbook of `s` with the codes.csv `codes`, told to its Codes sheet as
    /// written in blocks of `block` bytes, cut anywhere (a run cuts only between
    /// records).
    fn workbook(s: &Summary, codes: &str, cap: u32, block: usize) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("codes.csv");
        std::fs::write(&path, codes).unwrap();
        let labels = [("safety", "Safety & lighting"), ("dogs", "Dogs <off lead>")];
        let labels = labels.map(|(a, b)| (a.to_string(), b.to_string()));
        let mut sheet = CodesSheet::begin(dir.path(), labels, cap, &path).unwrap();
        let mut end = 0;
        for b in codes.as_bytes().chunks(block) {
            end += b.len() as u64;
            sheet.written(end, 0); // 0: not known to hold a whole record
        }
        let total = count_records(codes.as_bytes()).unwrap();
        let (mut book, ws) = sheet.finish().unwrap();
        build(&mut book, s, ws, (total, total.min(u64::from(cap))), Rounding::WHOLE).unwrap();
        book.save_to_buffer().unwrap()
    }

    const CODES: &str = "respondent_id,question,theme,hits,entry,line,matched,start,end,spans\n\
                         r1,why,safety,2,dark,3,dark,27,31,27-31;40-48\n\
                         r2,why,dogs,1,dog*,8,Dogs,0,4,0-4\n\
                         r3,why,safety,1,unsafe,3,unsafe,20,26,20-26\n";

    #[test]
    fn codes_stop_at_the_row_limit_and_say_so() {
        use calamine::{Data, Reader, Xlsx};
        let bytes = workbook(&tiny_summary(), CODES, 2, 1 << 16);
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let codes = book.worksheet_range("Codes").unwrap();
        // header + the 2 codes shown
        assert_eq!(codes.height(), 3);
        assert_eq!(codes.get((1, 3)), Some(&Data::String("Safety & lighting".into())));
        assert_eq!(codes.get((1, 4)), Some(&Data::Float(2.0)));
        assert_eq!(codes.get((2, 5)), Some(&Data::String("dog*".into())));
        let note = codes.get((0, 12)).unwrap().to_string();
        assert!(note.contains("At most the first 2 codes"), "{note}");
        let summary = book.worksheet_range("Summary").unwrap();
        let text: Vec<String> = summary.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
        assert!(text.iter().any(|t| t.contains("shows the first 2 of 3 codes")), "{text:?}");
    }

    #[test]
    fn workbook_is_the_same_bytes_every_time() {
        let s = tiny_summary();
        let one = workbook(&s, CODES, EXCEL_ROWS - 1, 1 << 16);
        assert_eq!(one, workbook(&s, CODES, EXCEL_ROWS - 1, 1 << 16));
        // However the rows were cut into blocks.
        for block in [1, 2, 7, 40] {
            assert_eq!(one, workbook(&s, CODES, EXCEL_ROWS - 1, block), "blocks of {block} bytes");
        }
    }
}
