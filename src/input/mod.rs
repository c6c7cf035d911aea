//! Responses in: reading rows from a file in bounded chunks, and turning one row
//! into a [`Response`] (a borrowed view of its cells) or a [`Reject`].
//!
//! One [`RowReader`] per format: CSV in any encoding ([`csv`], over [`encoding`]),
//! spreadsheets ([`spreadsheet`]) and JSON Lines ([`jsonl`]); [`open`] picks one (see
//! [`Format::detect`]). Each turns its rows into [`Cells`], so everything
//! after the reader is the same for every format.
//!
//! Structural checks that need the whole input in order (field counts, duplicate
//! ids) happen here as rows are read; decoding a row's cells happens in the workers.
//! Nothing is dropped silently: every row read is either a `Response` or a `Reject`.

pub mod csv;
pub mod encoding;
pub mod gold;
pub mod header;
pub mod html;
pub mod ids;
pub mod jsonl;
pub mod split;
pub mod spreadsheet;

use std::path::{Path, PathBuf};

pub use self::csv::ResponseReader;
pub use self::jsonl::JsonLinesReader;
pub use self::spreadsheet::SheetReader;

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Location, Result};
use crate::survey::Survey;
use crate::text::normalise::is_invisible;

/// Default limit on one cell, in bytes (larger cells reject their row).
pub const DEFAULT_MAX_CELL_BYTES: usize = 16 << 20;

/// How to read an input, whatever its format.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// CSV field delimiter; `None` = sniffed from the header line (`,` `;` tab `|`).
    pub delimiter: Option<u8>,
    /// Text encoding (`utf-8`, `utf-16`, `windows-1252`, ...); `None` = sniffed.
    pub encoding: Option<String>,
    /// Spreadsheet sheet, by name or 1-based index; `None` = the first.
    pub sheet: Option<String>,
    /// Cells over this many bytes reject their row.
    pub max_cell_bytes: usize,
    /// Reject rows whose respondent id was seen before.
    pub reject_duplicate_ids: bool,
    /// Rows the header spans (CSV and spreadsheets); `None` = one, or as many as a
    /// survey platform's export is recognised to have ([`header::SubHeader`]).
    pub header_rows: Option<usize>,
    /// Text cells read as the text their HTML markup and character references show
    /// ([`html::plain_text`]); `false`: as stored (`--keep-html`).
    pub decode_html: bool,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            delimiter: None,
            encoding: None,
            sheet: None,
            max_cell_bytes: DEFAULT_MAX_CELL_BYTES,
            reject_duplicate_ids: true,
            header_rows: None,
            decode_html: true,
        }
    }
}

/// A row as read: its position, its raw cells, and whether the reader rejected it.
#[derive(Clone, Debug)]
pub struct RawRow {
    /// 1-based line (or spreadsheet row) where it starts.
    pub line: u64,
    /// 1-based data row number.
    pub row: u64,
    /// The raw cells (UTF-8 unless the row is rejected for it).
    pub record: Cells,
    /// Set if a structural check failed.
    pub reject: Option<Reject>,
}

/// A row's cells in one allocation of exactly their size: their bytes, then where
/// each ends.
///
/// The reader makes one for every row and a worker drops it: a `csv::ByteRecord`
/// is three allocations, two of them zeroed before the copy, and making them and
/// taking back what workers freed cost the reader a third more (BENCHMARKS.md).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Cells {
    /// The cells' bytes, then the end of each (a native-endian `usize`).
    buf: Vec<u8>,
    /// Where the ends start in `buf`.
    bytes: usize,
    len: usize,
}

const END: usize = std::mem::size_of::<usize>();

impl Cells {
    /// The number of cells.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it has no cells.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// All cells' bytes, one after another.
    pub fn as_slice(&self) -> &[u8] {
        &self.buf[..self.bytes]
    }

    /// Where cell `i` is in [`Cells::as_slice`].
    #[inline]
    pub fn range(&self, i: usize) -> Option<std::ops::Range<usize>> {
        if i >= self.len {
            return None;
        }
        let (ends, _) = self.buf[self.bytes..].as_chunks::<END>();
        let start = if i == 0 { 0 } else { usize::from_ne_bytes(ends[i - 1]) };
        Some(start..usize::from_ne_bytes(ends[i]))
    }

    /// Cell `i`'s bytes.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        self.range(i).map(|r| &self.buf[r])
    }

    /// The cells' bytes, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u8]> + '_ {
        (0..self.len).map(|i| &self[i])
    }
}

impl From<&::csv::ByteRecord> for Cells {
    fn from(record: &::csv::ByteRecord) -> Cells {
        let bytes = record.as_slice();
        let mut buf = Vec::with_capacity(bytes.len() + END * record.len());
        buf.extend_from_slice(bytes);
        let mut end = 0;
        for cell in record {
            end += cell.len();
            buf.extend_from_slice(&end.to_ne_bytes());
        }
        Cells { buf, bytes: bytes.len(), len: record.len() }
    }
}

impl std::ops::Index<usize> for Cells {
    type Output = [u8];

    fn index(&self, i: usize) -> &[u8] {
        self.get(i).expect("a cell index within the row")
    }
}

impl std::fmt::Debug for Cells {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter().map(String::from_utf8_lossy)).finish()
    }
}

/// A run of consecutive rows, numbered from 0 in input order.
#[derive(Clone, Debug)]
pub struct Chunk {
    /// Position of the chunk in the input.
    pub index: u64,
    /// Its rows.
    pub rows: Vec<RawRow>,
    /// Bytes of input it covers.
    pub bytes: u64,
}

/// A source of rows in bounded chunks: one implementation per input format.
pub trait RowReader: Send {
    /// The resolved columns.
    fn columns(&self) -> &Columns;
    /// The input's name, for messages.
    fn name(&self) -> &Path;
    /// Reads the next chunk of at most `max_rows` rows or about `max_bytes` bytes.
    fn next_chunk(&mut self, max_rows: usize, max_bytes: usize) -> Result<Option<Chunk>>;
    /// SHA-256 (hex) of the input's bytes read so far (complete after the last chunk).
    fn sha256(&self) -> String;
    /// The encoding a text input is read in (`UTF-8`, `windows-1252`, ...), given or
    /// sniffed; `None` for a workbook, whose cells are text already.
    fn encoding(&self) -> Option<&'static str> {
        None
    }
    /// The header's rows (`None` for JSON Lines, which has none).
    fn header(&self) -> Option<&header::SubHeader> {
        None
    }
    /// The sheet read, of a workbook (`None` for text).
    fn sheet(&self) -> Option<&str> {
        None
    }
}

/// The formats responses can come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Delimited text, any delimiter and encoding.
    Csv,
    /// A workbook: XLSX, XLSM, XLSB, XLS or ODS.
    Spreadsheet,
    /// JSON Lines: one JSON object per line.
    JsonLines,
}

impl Format {
    /// The format of `source`, whose first bytes are `head`.
    ///
    /// Content decides where it is unmistakable: a workbook's signature (whatever the
    /// extension says), or, for a file not named `.csv`/`.tsv`/`.txt`, a first line that
    /// is a JSON object. Otherwise the extension decides (`.jsonl`, `.ndjson`), and
    /// everything else is CSV. Standard input, which cannot be peeked at, is CSV here,
    /// and a pipe given by name goes by its name alone (its `head` is empty); [`open`]
    /// reads either as JSON Lines when its first line is an object. A `.xls` that is
    /// really text (some systems export CSV or HTML under that name) is read as CSV.
    pub fn detect(source: &InputSource, head: &[u8]) -> Format {
        let ext = match source {
            InputSource::Stdin => return Format::Csv,
            InputSource::File(p) | InputSource::Bytes { name: p, .. } => {
                p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default()
            }
        };
        if spreadsheet::is_workbook(head) {
            return Format::Spreadsheet;
        }
        match ext.as_str() {
            "jsonl" | "ndjson" | "jsonlines" => Format::JsonLines,
            "csv" | "tsv" | "tab" | "txt" => Format::Csv,
            _ if jsonl::starts_with_object(head) => Format::JsonLines,
            _ => Format::Csv,
        }
    }
}

/// Opens `source` with the reader its format needs (see [`Format::detect`]).
pub fn open(source: &InputSource, survey: &Survey, options: &ReadOptions) -> Result<Box<dyn RowReader>> {
    open_with(source, survey, options, jsonl::Lookahead::default())
}

/// Opens `source` as [`open`] does, to read a sample of its first `rows` rows (`init`):
/// a JSON Lines input's columns are then the keys of all their objects, not only of
/// the first 1,000 rows' ([`jsonl::Lookahead`]); those lines are held in memory.
pub fn open_sample(
    source: &InputSource,
    survey: &Survey,
    options: &ReadOptions,
    rows: usize,
) -> Result<Box<dyn RowReader>> {
    open_with(source, survey, options, jsonl::Lookahead { rows, bytes: usize::MAX })
}

/// Opens `source` with the reader its format needs, a JSON Lines reader reading
/// `lookahead` ahead.
fn open_with(
    source: &InputSource,
    survey: &Survey,
    options: &ReadOptions,
    lookahead: jsonl::Lookahead,
) -> Result<Box<dyn RowReader>> {
    let head = encoding::peek(source)?;
    let format = Format::detect(source, &head);
    if options.sheet.is_some() && format != Format::Spreadsheet {
        return Err(Error::input(
            Location::file(source.name()),
            "--sheet applies to spreadsheets, and this input is read as text (CSV or JSON Lines)",
        ));
    }
    // A workbook has cells, not delimiters or an encoding: the flags would do nothing.
    if format == Format::Spreadsheet && (options.delimiter.is_some() || options.encoding.is_some()) {
        let flag = if options.delimiter.is_some() { "--delimiter" } else { "--encoding" };
        return Err(Error::input(
            Location::file(source.name()),
            format!("{flag} applies to text (CSV), and this input is a spreadsheet: leave it out"),
        ));
    }
    // JSON Lines has keys, not a header row or delimiters (it has an encoding: it is
    // sniffed and transcoded as CSV is).
    let json_lines = |source: &InputSource| {
        let refused = |message: &str| Err(Error::input(Location::file(source.name()), message));
        if options.delimiter.is_some() {
            return refused("--delimiter applies to CSV, and this input is JSON Lines: leave it out");
        }
        match options.header_rows {
            Some(n) if n > 1 => {
                refused("--header-rows applies to CSV and spreadsheets, and this input is JSON Lines: leave it out")
            }
            _ => Ok(()),
        }
    };
    // Standard input (or a pipe) is read once: its first bytes, sniffed as text, tell
    // JSON Lines from CSV.
    if source.is_stream() {
        let text = encoding::open_text(source, options.encoding.as_deref())?;
        return Ok(if jsonl::starts_with_object(text.head.as_bytes()) {
            json_lines(source)?;
            Box::new(JsonLinesReader::from_text(text, source.name(), survey, options, lookahead)?)
        } else {
            Box::new(ResponseReader::from_text(text, source.name(), survey, options)?)
        });
    }
    Ok(match format {
        Format::Csv => Box::new(ResponseReader::open(source, survey, options)?),
        Format::Spreadsheet => Box::new(SheetReader::open(source, survey, options)?),
        Format::JsonLines => {
            json_lines(source)?;
            let text = encoding::open_text(source, options.encoding.as_deref())?;
            Box::new(JsonLinesReader::from_text(text, source.name(), survey, options, lookahead)?)
        }
    })
}

/// Calls `f(row, column, text)` with every cell of the named columns (all columns if
/// `columns` is empty) of a responses file, row by row: for corpora in tools
/// (`lexicon check --corpus`). The file is read as a run reads it with `options` (any
/// format, encoding and delimiter; a name matches one header cell, ignoring case as a
/// last resort; HTML read as shown unless `options` keep it); a cell that is not UTF-8
/// is read lossily, and duplicate ids are no matter.
pub fn for_each_text(
    path: &Path,
    columns: &[String],
    options: &ReadOptions,
    mut f: impl FnMut(u64, &str, &str),
) -> Result<()> {
    let survey = Survey::ad_hoc(None, columns);
    let options = ReadOptions { reject_duplicate_ids: false, ..options.clone() };
    let mut reader = open(&InputSource::File(path.to_path_buf()), &survey, &options)?;
    let wanted =
        if columns.is_empty() { (0..reader.columns().header.len()).collect() } else { reader.columns().open.clone() };
    while let Some(chunk) = reader.next_chunk(1 << 10, 1 << 22)? {
        for row in &chunk.rows {
            for &i in &wanted {
                if let Some(cell) = row.record.get(i) {
                    let cell = String::from_utf8_lossy(cell);
                    let text = html::as_read(&cell, options.decode_html);
                    f(row.row, reader.columns().name(i), &text);
                }
            }
        }
    }
    Ok(())
}

/// Whether `survey` names any column (an empty one reads every column of any header).
pub fn wants_columns(survey: &Survey) -> bool {
    !survey.column_names().is_empty()
}

/// The checks every reader applies to every row, in input order: field count,
/// empty and duplicate respondent ids.
///
/// Duplicate detection keeps a 64-bit hash of each id ([`ids::SeenIds`]: bounded
/// memory, spilling to a temporary file); two different ids colliding is a 1 in 10^8
/// event at 10^6 rows.
#[derive(Debug)]
pub struct RowChecker {
    columns: Columns,
    reject_duplicates: bool,
    seen_ids: ids::SeenIds,
}

impl RowChecker {
    /// A checker for rows with `columns`.
    pub fn new(columns: Columns, options: &ReadOptions) -> RowChecker {
        RowChecker { columns, reject_duplicates: options.reject_duplicate_ids, seen_ids: ids::SeenIds::default() }
    }

    /// Checks a record read at `line`, data row `row`.
    pub fn check(&mut self, record: &::csv::ByteRecord, line: u64, row: u64) -> Option<Reject> {
        let expected = self.columns.header.len();
        let id_text = |c: &Columns| c.id.and_then(|i| record.get(i)).map(reject_id);
        if record.len() != expected && !self.columns.fits(record) {
            return Some(Reject {
                line,
                row,
                id: id_text(&self.columns),
                column: None,
                reason: RejectReason::FieldCount { expected, found: record.len() },
            });
        }
        let i = self.columns.id?;
        let id = trim_bytes(&record[i]);
        if is_blank_id(id) {
            return Some(Reject {
                line,
                row,
                id: None,
                column: Some(reject_value(self.columns.name(i))),
                reason: RejectReason::EmptyId,
            });
        }
        // A NUL or another control character would be written into codes.csv and the
        // reports as it is, and makes an id that looks like another (`2` and `2\0`).
        if let Some(c) = control_character(id) {
            let shown: String = String::from_utf8_lossy(id)
                .chars()
                .map(|c| if c.is_control() { c.escape_debug().collect() } else { c.to_string() })
                .collect();
            return Some(Reject {
                line,
                row,
                id: Some(reject_value(&shown)),
                column: Some(reject_value(self.columns.name(i))),
                reason: RejectReason::ControlInId { character: c },
            });
        }
        if self.reject_duplicates {
            // `José` typed (NFC) and pasted from a Mac (NFD) is one respondent.
            let normal;
            let id = match std::str::from_utf8(id) {
                Ok(text) if !id.is_ascii() && !unicode_normalization::is_nfc(text) => {
                    normal = text.nfc().collect::<String>();
                    normal.as_bytes()
                }
                _ => id,
            };
            if let Some(first_line) = self.seen_ids.check_and_insert_id(id, line) {
                return Some(Reject {
                    line,
                    row,
                    id: id_text(&self.columns),
                    column: Some(reject_value(self.columns.name(i))),
                    reason: RejectReason::DuplicateId { first_line },
                });
            }
        }
        None
    }

    /// Fails if the duplicate-id index could not read back its temporary file since
    /// the last call (readers call this after each chunk).
    pub fn health(&mut self) -> Result<()> {
        match self.seen_ids.take_error() {
            None => Ok(()),
            Some(source) => Err(Error::Io { path: PathBuf::from("duplicate-id index (temporary file)"), source }),
        }
    }
}

/// The first control character of an id cell (a NUL, a tab, a line break, an escape;
/// C1 controls too), if it holds one.
fn control_character(id: &[u8]) -> Option<char> {
    if let Some(&b) = id.iter().find(|&&b| b < 0x20 || b == 0x7F) {
        return Some(char::from(b));
    }
    if id.is_ascii() {
        return None;
    }
    String::from_utf8_lossy(id).chars().find(|c| c.is_control())
}

/// Whether a trimmed id cell is empty or holds only invisible characters (a
/// zero-width space or a byte-order mark): a cell that looks empty is no id.
fn is_blank_id(id: &[u8]) -> bool {
    match id.first() {
        None => true,
        // Trimmed: a first byte that is ASCII is a visible character.
        Some(b) if b.is_ascii() => false,
        Some(_) => std::str::from_utf8(id).is_ok_and(|s| s.chars().all(|c| c.is_whitespace() || is_invisible(c))),
    }
}

/// An id cell trimmed as [`csv::decode`] trims it (`str::trim`: Unicode white space,
/// so `4` and `4` followed by a no-break space are one id), ASCII white space only if
/// the cell is not UTF-8 (its row is rejected for that anyway).
fn trim_bytes(b: &[u8]) -> &[u8] {
    let plain = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii() && !c.is_ascii_whitespace());
    if plain(b.first()) && plain(b.last()) {
        return b;
    }
    if let Ok(s) = std::str::from_utf8(b) {
        return s.trim().as_bytes();
    }
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(start, |e| e + 1);
    &b[start..end]
}

/// Why a row was not coded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RejectReason {
    /// The row has more or fewer fields than the header.
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// A cell is not valid UTF-8.
    InvalidUtf8,
    /// A cell of a transcoded input (UTF-16, Shift_JIS, ...) held bytes that are not
    /// valid in its encoding (decoding left U+FFFD in their place).
    Undecodable {
        /// The input's encoding (`UTF-16LE`).
        encoding: &'static str,
    },
    /// A cell of an input sniffed as Windows-1252 is UTF-8 read as Windows-1252
    /// (`coÃ»t`): the file mixes the two encodings, and no one reading of it decodes
    /// every row.
    MixedEncoding,
    /// The respondent id was seen on an earlier row.
    DuplicateId {
        /// Line of the first occurrence.
        first_line: u64,
    },
    /// The respondent id is empty.
    EmptyId,
    /// The respondent id holds a control character (a NUL, a tab, a line break).
    ControlInId {
        /// The first one.
        character: char,
    },
    /// A cell is longer than the configured limit.
    CellTooLarge {
        /// Its size in bytes.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// A quoted cell of the row is never closed, so the rest of the input was read
    /// into the row (CSV).
    UnclosedQuote {
        /// The last line of the input, which the row runs to.
        last_line: u64,
    },
    /// A quoted cell of the row ran over line breaks and has text after its closing
    /// quote, which valid CSV never has: its opening quote was probably stray and read
    /// the lines after it into this row (CSV).
    StrayQuote {
        /// The line of the quote that closed it.
        close_line: u64,
    },
    /// A line of a JSON Lines input is not a JSON object.
    InvalidJson {
        /// What is wrong with it.
        message: String,
    },
    /// A line of a JSON Lines input is an object with a key written twice, so which
    /// of its values to read is a guess.
    DuplicateKey {
        /// The key, decoded.
        key: String,
    },
    /// A line of a JSON Lines input is an object with no key of a column's name and
    /// several that differ from it only in case, so which to read is a guess.
    AmbiguousKey {
        /// Those keys, decoded, in the order written.
        keys: Vec<String>,
    },
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RejectReason::FieldCount { expected, found } => {
                write!(f, "row has {found} fields, the header has {expected}")
            }
            RejectReason::InvalidUtf8 => f.write_str("cell is not valid UTF-8"),
            RejectReason::Undecodable { encoding } => write!(f, "cell is not valid {encoding}"),
            RejectReason::DuplicateId { first_line } => {
                write!(f, "respondent id already seen on line {first_line}")
            }
            RejectReason::EmptyId => f.write_str("respondent id is empty"),
            RejectReason::MixedEncoding => f.write_str(
                "cell is in UTF-8 in a file read as windows-1252 (it would read as mojibake, such as `coÃ»t` for `coût`): \
                 the file mixes two encodings; save it all as UTF-8",
            ),
            RejectReason::ControlInId { character } => write!(
                f,
                "respondent id holds the control character {} (U+{:04X}): ids are written into CSV, JSON and the reports",
                character.escape_debug(),
                u32::from(*character)
            ),
            RejectReason::CellTooLarge { bytes, limit } => {
                write!(f, "cell is {bytes} bytes, over the limit of {limit}")
            }
            RejectReason::UnclosedQuote { last_line } => write!(
                f,
                "a quote opened in this row is never closed: the rest of the file (to line {last_line}) was read as this row"
            ),
            RejectReason::StrayQuote { close_line } => write!(
                f,
                "a quote opened in this cell closes on line {close_line} with text after it: the quote looks stray, and the lines up to {close_line} were read as this one row"
            ),
            RejectReason::InvalidJson { message } => write!(f, "not a JSON object: {message}"),
            RejectReason::DuplicateKey { key } => write!(f, "the JSON object has the key {key:?} more than once"),
            RejectReason::AmbiguousKey { keys } => {
                let quoted: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
                let listed = match quoted.split_last() {
                    Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                    _ => quoted.join(""),
                };
                let all = if keys.len() == 2 { "both" } else { "all" };
                write!(
                    f,
                    "the keys {listed} {all} match the column, differing from it only in case: which to read is unclear"
                )
            }
        }
    }
}

/// Bytes of a value a [`Reject`] copies from its input (a respondent id, a column's
/// name or a JSON key) past which it is cut: a 400 MB line read as one cell is no id,
/// and rejects.csv would hold all of it, once per reject.
pub const MAX_REJECT_VALUE: usize = 1024;

/// What ends a value a [`Reject`] holds cut short.
pub const CUT_MARK: &str = "…[cut]";

/// `text` as a [`Reject`] holds it: whole if it is at most [`MAX_REJECT_VALUE`] bytes,
/// else its first bytes to that length (at a character boundary) and [`CUT_MARK`].
pub fn reject_value(text: &str) -> String {
    if text.len() <= MAX_REJECT_VALUE {
        return text.to_string();
    }
    let end = (0..=MAX_REJECT_VALUE).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    format!("{}{CUT_MARK}", &text[..end])
}

/// A respondent id cell as a [`Reject`] holds it: decoded lossily, trimmed, and cut
/// as [`reject_value`] cuts.
pub fn reject_id(cell: &[u8]) -> String {
    reject_value(String::from_utf8_lossy(cell).trim())
}

/// A row that was not coded, with where it is and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reject {
    /// 1-based line where the row starts in the input file.
    pub line: u64,
    /// 1-based data row number (the header is row 0).
    pub row: u64,
    /// The respondent id, if it could be read (cut if long: [`reject_id`]).
    pub id: Option<String>,
    /// The column at fault, if one (cut if long: [`reject_value`]).
    pub column: Option<String>,
    /// Why.
    pub reason: RejectReason,
}

/// One response: borrowed cells of a row that passed the checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response<'a> {
    /// 1-based line where the row starts.
    pub line: u64,
    /// 1-based data row number.
    pub row: u64,
    /// Respondent id (the row number as text when the survey has no id column).
    pub id: std::borrow::Cow<'a, str>,
    /// Respondent-type cell, if the survey has the column.
    pub respondent_type: Option<std::borrow::Cow<'a, str>>,
    /// Cells of the closed questions, in survey order (of a question over several
    /// columns, their filled cells, one a line).
    pub closed: Vec<std::borrow::Cow<'a, str>>,
    /// Cells of the open questions, in survey order.
    pub open: Vec<std::borrow::Cow<'a, str>>,
    /// Cells of the segment columns, in survey order.
    pub segments: Vec<std::borrow::Cow<'a, str>>,
}

/// Column indices of the survey's columns in the input header (`Default`: no columns).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Columns {
    /// Header names, in file order.
    pub header: Vec<String>,
    /// Respondent id.
    pub id: Option<usize>,
    /// Respondent type.
    pub respondent_type: Option<usize>,
    /// Closed questions.
    pub closed: Vec<usize>,
    /// Per closed question, its further columns (see [`crate::survey::ClosedQuestion::also`]).
    pub closed_also: Vec<Vec<usize>>,
    /// Per closed question, the columns whose filled cell counts as an option, and the
    /// option (see [`crate::survey::ClosedQuestion::filled`]).
    pub closed_filled: Vec<Vec<(usize, String)>>,
    /// Open questions.
    pub open: Vec<usize>,
    /// Segments.
    pub segments: Vec<usize>,
}

impl Columns {
    /// Whether `record`, of another length than the header, still holds every named
    /// column's cell and nothing else: what it lacks are the header's trailing unnamed
    /// columns (a header `id,why,`), and what it has beyond the header is empty (a row
    /// `1,cost,` under `id,why`, as some exports end every row with the delimiter).
    pub fn fits(&self, record: &::csv::ByteRecord) -> bool {
        let named = self.header.iter().rposition(|n| !n.trim().is_empty()).map_or(0, |i| i + 1);
        record.len() >= named && record.iter().skip(self.header.len()).all(|cell| trim_bytes(cell).is_empty())
    }

    /// Resolves the survey's columns in `header`; `Err` names the first missing one, or
    /// the first one the header holds twice (with both 1-based positions).
    ///
    /// A name matches a header cell exactly (spaces around either ignored), or failing
    /// that, ignoring ASCII case. A column the survey uses must match one cell only:
    /// taking the first of two would drop the other's answers unseen. Repeated names
    /// among the columns the survey does not use are fine (exports repeat labels).
    pub fn resolve(survey: &Survey, header: &[String]) -> std::result::Result<Columns, String> {
        let find = |name: &str| -> std::result::Result<usize, String> {
            match Columns::matches(name, header).as_slice() {
                [] => Err(missing_column(name, header)),
                [i] => Ok(*i),
                [nth, literal]
                    if nth_of(name.trim()).is_some_and(|(base, _)| header[*nth].trim().eq_ignore_ascii_case(base))
                        && header[*literal].trim().eq_ignore_ascii_case(name.trim()) =>
                {
                    let (base, n) = nth_of(name.trim()).expect("checked above");
                    Err(format!(
                        "column {:?} could be the column of that name or number {n} of the columns named {base:?}: \
                         rename one so it is clear which to read",
                        shown_name(name.trim()),
                    ))
                }
                many @ [_, .., last] => {
                    let mut places: Vec<String> = many.iter().map(|i| (i + 1).to_string()).collect();
                    places.pop();
                    Err(format!(
                        "column {:?} appears more than once in the header (columns {} and {}): \
                         name the one to read as {:?}, {:?}, ..., or rename one",
                        shown_name(name.trim()),
                        places.join(", "),
                        last + 1,
                        format!("{} [1]", name.trim()),
                        format!("{} [2]", name.trim()),
                    ))
                }
            }
        };
        let columns = Columns {
            header: header.to_vec(),
            id: survey.id_column.as_deref().map(find).transpose()?,
            respondent_type: survey.respondent_types.as_ref().map(|t| find(&t.column)).transpose()?,
            closed: survey.closed.iter().map(|q| find(&q.column)).collect::<std::result::Result<_, _>>()?,
            closed_also: survey
                .closed
                .iter()
                .map(|q| q.also.iter().map(|c| find(c)).collect())
                .collect::<std::result::Result<_, _>>()?,
            closed_filled: survey
                .closed
                .iter()
                .map(|q| q.filled.iter().map(|(c, option)| find(c).map(|i| (i, option.clone()))).collect())
                .collect::<std::result::Result<_, _>>()?,
            open: survey.open.iter().map(|q| find(&q.column)).collect::<std::result::Result<_, _>>()?,
            segments: survey.segments.iter().map(|s| find(&s.column)).collect::<std::result::Result<_, _>>()?,
        };
        // Two questions on one column (`Text` and `text` both match it) would count its
        // answers twice, as if two questions had been asked.
        let closed_columns =
            columns.closed.iter().zip(&columns.closed_also).flat_map(|(c, also)| std::iter::once(c).chain(also));
        let closed_ids = survey.closed.iter().flat_map(|q| std::iter::repeat_n(&q.id, 1 + q.also.len()));
        let questions = closed_ids.zip(closed_columns);
        let questions = questions.chain(survey.open.iter().map(|q| &q.id).zip(&columns.open));
        let mut first = std::collections::HashMap::new();
        for (id, &i) in questions {
            if let Some(other) = first.insert(i, id) {
                return Err(format!(
                    "questions {other:?} and {id:?} both read column {:?} (column {}): \
                     a column holds one question's answers",
                    shown_name(columns.name(i).trim()),
                    i + 1
                ));
            }
        }
        Ok(columns)
    }

    /// Whether every column the survey names is in `header`, once or more: how a
    /// spreadsheet's header row is told from the rows above it.
    pub fn all_present(survey: &Survey, header: &[String]) -> bool {
        survey.column_names().iter().all(|name| !Columns::matches(name, header).is_empty())
    }

    /// The positions of the header cells `name` matches: exact matches,
    /// or if there are none, matches ignoring ASCII case. A name that matches none and
    /// ends in ` [N]` names the Nth of the cells its start matches, so that a name the
    /// header repeats (Google Forms' "Please explain your answer" after each question)
    /// can be read: `Please explain your answer [2]`.
    fn matches(name: &str, header: &[String]) -> Vec<usize> {
        let all = |name: &str| -> Vec<usize> {
            let exact: Vec<usize> =
                header.iter().enumerate().filter(|(_, h)| h.trim() == name).map(|(i, _)| i).collect();
            if !exact.is_empty() {
                return exact;
            }
            let folded: Vec<usize> = header
                .iter()
                .enumerate()
                .filter(|(_, h)| h.trim().eq_ignore_ascii_case(name))
                .map(|(i, _)| i)
                .collect();
            if !folded.is_empty() {
                return folded;
            }
            // Last, names as the analyser reads text: a header cell carrying an invisible
            // character (a zero-width space or a direction mark pasted in with the
            // wording), a no-break space or a run of spaces and line breaks, a curly
            // apostrophe, a full-width letter or another case (`É`) still names its column.
            let name = loose_name(name);
            header.iter().enumerate().filter(|(_, h)| loose_name(h) == name).map(|(i, _)| i).collect()
        };
        let name = name.trim();
        let mut found = all(name);
        // `Explain [2]` when the header has a cell of that name and two `Explain`s
        // could be either: both are returned, and the name is refused as unclear.
        if let Some((base, n)) = nth_of(name)
            && let Some(&nth) = all(base).get(n - 1)
            && !found.contains(&nth)
            && found.len() <= 1
        {
            found.insert(0, nth);
        }
        found
    }

    /// Name of column `i`.
    pub fn name(&self, i: usize) -> &str {
        self.header.get(i).map_or("?", String::as_str)
    }
}

/// A column name as the last resort of [`Columns::matches`] compares it: normalised
/// as words are (NFKC, invisible characters dropped, apostrophes unified, case and
/// accents folded), every run of whitespace one space, trimmed.
fn loose_name(name: &str) -> String {
    let mut folded = String::new();
    crate::text::normalise::normalise_chars(name, true, &mut folded);
    // A word processor's en dash, em dash or minus for a typed hyphen.
    let folded = folded.replace(['\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2212}'], "-");
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Please explain [2]` as (`Please explain`, 2).
fn nth_of(name: &str) -> Option<(&str, usize)> {
    let (base, n) = name.strip_suffix(']')?.rsplit_once(" [")?;
    let n: usize = n.parse().ok().filter(|&n| n >= 1)?;
    Some((base.trim_end(), n))
}

fn missing_column(name: &str, header: &[String]) -> String {
    format!("no column \"{}\" in the header (columns: {})", shown_name(name), listed(header))
}

/// Column names as listed in a message: the first 30, shown as [`shown_name`] shows
/// them and quoted (a name may hold spaces or commas), then how many in all.
fn listed(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().take(30).map(|h| format!("\"{}\"", shown_name(h))).collect();
    let more = if names.len() > 30 { format!(", ... ({} in all)", names.len()) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

/// A column name as shown in a message: control and invisible characters escaped (a
/// NUL byte shows as `\0`, a zero-width space as `\u{200b}`), and cut after 40
/// characters (a header can be a swallowed file).
fn shown_name(name: &str) -> String {
    const MAX: usize = 40;
    let escape = |c: char| -> String {
        if c.is_control() {
            c.escape_debug().collect()
        } else if is_invisible(c) || (c.is_whitespace() && c != ' ') {
            // A no-break space looks like a space: shown, a name that differs by one says so.
            c.escape_unicode().collect()
        } else {
            c.to_string()
        }
    };
    let mut out: String = name.chars().take(MAX).map(escape).collect();
    if name.chars().nth(MAX).is_some() {
        out.push_str("...");
    }
    out
}

/// Where responses come from: a file, standard input or bytes (the embedded demo).
pub enum InputSource {
    /// A file on disk.
    File(PathBuf),
    /// Standard input.
    Stdin,
    /// Bytes in memory, with a name for messages.
    Bytes {
        /// Name used in messages (`<demo>/responses.csv`).
        name: PathBuf,
        /// The content.
        bytes: &'static [u8],
    },
}

impl InputSource {
    /// Whether the input can be read only once, from start to end: standard input, or
    /// a file that is not a regular file (a named pipe, `<(command)`, `/dev/stdin`).
    /// Such an input is never opened twice: its format is told from its first bytes.
    pub fn is_stream(&self) -> bool {
        match self {
            InputSource::Stdin => true,
            InputSource::File(p) => std::fs::metadata(p).is_ok_and(|m| !m.is_file() && !m.is_dir()),
            InputSource::Bytes { .. } => false,
        }
    }

    /// The name to use in messages.
    pub fn name(&self) -> PathBuf {
        match self {
            InputSource::File(p) => p.clone(),
            InputSource::Stdin => PathBuf::from("<stdin>"),
            InputSource::Bytes { name, .. } => name.clone(),
        }
    }
}

impl std::fmt::Debug for InputSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "InputSource({})", self.name().display())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Reads every row of `bytes` named `name`, as a run and as `init` would.
    fn read_everything(name: &str, bytes: Vec<u8>) {
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        let source = InputSource::Bytes { name: name.into(), bytes };
        let surveys = [Survey::ad_hoc(Some("id".into()), &["text".into()]), Survey::ad_hoc(None, &[])];
        for survey in &surveys {
            if let Ok(mut r) = open(&source, survey, &ReadOptions::default()) {
                while let Ok(Some(chunk)) = r.next_chunk(3, 64) {
                    for row in &chunk.rows {
                        let _ = csv::decode(row, r.columns(), 1 << 10, true, &|_| false);
                    }
                }
                let _ = r.sha256();
            }
        }
    }

    /// A 400 MB line read as one cell was copied whole into rejects.csv as the id.
    #[test]
    fn a_reject_holds_a_long_value_cut_with_a_mark() {
        assert_eq!(reject_id(b"  r1 \t"), "r1");
        let long = "\u{e9}".repeat(MAX_REJECT_VALUE);
        let cut = reject_value(&long);
        assert_eq!(cut, format!("{}{CUT_MARK}", "\u{e9}".repeat(MAX_REJECT_VALUE / 2)));
        let odd = format!("x{long}");
        assert_eq!(reject_value(&odd), format!("x{}{CUT_MARK}", "\u{e9}".repeat(MAX_REJECT_VALUE / 2 - 1)));
        assert_eq!(reject_value(&long[..MAX_REJECT_VALUE]), long[..MAX_REJECT_VALUE]);
    }

    /// An id of a zero-width space alone was an id, and `Jos\u{e9}` (NFC) and
    /// `Jose\u{301}` (NFD), one name as typed on two systems, were two respondents.
    #[test]
    fn invisible_ids_are_empty_and_ids_compare_composed() {
        let header = vec!["id".to_string(), "text".to_string()];
        let columns = Columns { header, id: Some(0), open: vec![1], ..Columns::default() };
        let mut checker = RowChecker::new(columns, &ReadOptions::default());
        let mut line = 1;
        let mut check = |id: &str| {
            line += 1;
            checker.check(&::csv::ByteRecord::from(vec![id, "a"]), line, line - 1).map(|r| r.reason)
        };
        for invisible in ["\u{200B}", " \u{FEFF} ", "\u{2060}\u{200D}", "\u{00A0}"] {
            assert_eq!(check(invisible), Some(RejectReason::EmptyId), "{invisible:?}");
        }
        assert_eq!(check("Jos\u{e9}"), None);
        assert_eq!(check("Jose\u{301}"), Some(RejectReason::DuplicateId { first_line: 6 }));
        assert_eq!(check("\u{200B}r1"), None);
        assert_eq!(check("\u{e9}"), None);
    }

    /// An id holding a NUL (`2\0`) was written into codes.csv as it was, an id unlike
    /// `2`; control characters reject the row, shown escaped in rejects.csv.
    #[test]
    fn ids_with_control_characters_are_rejected() {
        let header = vec!["id".to_string(), "text".to_string()];
        let columns = Columns { header, id: Some(0), open: vec![1], ..Columns::default() };
        let mut checker = RowChecker::new(columns, &ReadOptions::default());
        let mut check = |id: &str| checker.check(&::csv::ByteRecord::from(vec![id, "a"]), 2, 1);
        for (id, c, shown) in [
            ("2\0", '\0', "2\\0"),
            ("a\tb", '\t', "a\\tb"),
            ("r\u{1b}[31m", '\u{1b}', "r\\u{1b}[31m"),
            ("x\u{85}y", '\u{85}', "x\\u{85}y"),
        ] {
            let r = check(id).expect(id);
            assert_eq!(
                (r.reason, r.id.as_deref()),
                (RejectReason::ControlInId { character: c }, Some(shown)),
                "{id:?}"
            );
        }
        let r = check("2\0").unwrap();
        assert_eq!(
            r.reason.to_string(),
            "respondent id holds the control character \\0 (U+0000): ids are written into CSV, JSON and the reports"
        );
        // Trimmed first: white space around an id is no part of it.
        assert_eq!(check(" r1\t"), None);
    }

    #[test]
    fn a_used_column_twice_in_the_header_is_an_error_an_unused_one_is_not() {
        let survey = Survey::ad_hoc(Some("id".into()), &["text".into()]);
        let header = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let err = Columns::resolve(&survey, &header(&["id", "text", "note", " text "])).unwrap_err();
        assert!(err.contains("column \"text\" appears more than once in the header (columns 2 and 4)"), "{err}");
        let err = Columns::resolve(&survey, &header(&["ID", "text", "Id"])).unwrap_err();
        assert!(err.contains("column \"id\" appears more than once in the header (columns 1 and 3)"), "{err}");
        // An exact match wins over ones differing in case; unused names may repeat.
        let ok = Columns::resolve(&survey, &header(&["note", "id", "note", "text", "Text"])).unwrap();
        assert_eq!((ok.id, ok.open), (Some(1), vec![3]));
        assert!(Columns::all_present(&survey, &header(&["id", "text", "text"])));
        assert!(!Columns::all_present(&survey, &header(&["id", "txt"])));
    }

    /// A zero-width space or direction mark in a header cell (pasted with the wording)
    /// made the column unfindable, and the error listed a name that looked the same.
    #[test]
    fn invisible_characters_in_a_header_cell_do_not_hide_its_column() {
        let survey = Survey::ad_hoc(Some("id".into()), &["why".into()]);
        let header = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let ok = Columns::resolve(&survey, &header(&["id", "\u{200B}why\u{200E}"])).unwrap();
        assert_eq!(ok.open, vec![1]);
        let other = Survey::ad_hoc(Some("id".into()), &["whyy".into()]);
        let err = Columns::resolve(&other, &header(&["id", "\u{200B}why"])).unwrap_err();
        assert!(err.ends_with("(columns: \"id\", \"\\u{200b}why\")"), "{err}");
    }

    /// A header copied from a questionnaire in a word processor: a no-break space, a
    /// line break and double spaces, a curly apostrophe, full-width letters, an accented
    /// capital. The spec written by hand names each column still.
    #[test]
    fn header_names_match_as_words_are_read() {
        let header = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let survey = Survey::ad_hoc(
            Some("Respondent ID".into()),
            &["Why don't you agree?".into(), "Comments  on the plan".into(), "DETAILS".into()],
        );
        let cells = ["Respondent\u{A0}ID", "Why don\u{2019}t you\nagree?", "\u{FF23}omments on the plan", "détails"];
        let ok = Columns::resolve(&survey, &header(&cells)).unwrap();
        assert_eq!((ok.id, ok.open), (Some(0), vec![1, 2, 3]));
        // An en dash where the header has a hyphen.
        let dashed = Survey::ad_hoc(None, &["Answer \u{2013} in detail".into()]);
        assert_eq!(Columns::resolve(&dashed, &header(&["answer - in detail"])).unwrap().open, vec![0]);
        // A name that still differs shows its no-break space.
        let other = Survey::ad_hoc(Some("Respondent ID2".into()), &[]);
        let err = Columns::resolve(&other, &header(&["Respondent\u{A0}ID"])).unwrap_err();
        assert!(err.ends_with("(columns: \"Respondent\\u{a0}ID\")"), "{err}");
    }

    #[test]
    fn two_questions_on_one_column_are_an_error() {
        let header = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // `Text` matches exactly, `text` only ignoring case: both the same column.
        let survey = Survey::ad_hoc(Some("id".into()), &["Text".into(), "text".into()]);
        let err = Columns::resolve(&survey, &header(&["id", "Text"])).unwrap_err();
        assert!(err.contains("both read column \"Text\" (column 2)"), "{err}");
        // Two columns that differ only in case are two columns.
        let ok = Columns::resolve(&survey, &header(&["id", "Text", "text"])).unwrap();
        assert_eq!(ok.open, vec![1, 2]);
    }

    #[test]
    fn detects_formats_by_signature_extension_and_content() {
        let detect = |name: &str, head: &'static [u8]| {
            Format::detect(&InputSource::Bytes { name: name.into(), bytes: head }, head)
        };
        assert_eq!(detect("r.csv", b"PK\x03\x04rest"), Format::Spreadsheet);
        assert_eq!(detect("r", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), Format::Spreadsheet);
        assert_eq!(detect("r.xlsx", b"id,text\n"), Format::Csv);
        assert_eq!(detect("r.NDJSON", b"garbage"), Format::JsonLines);
        assert_eq!(detect("export", b"{\"id\": 1}\n"), Format::JsonLines);
        assert_eq!(detect("r.csv", b"{\"id\": 1}\n"), Format::Csv);
        assert_eq!(detect("r.tsv", b"id\ttext\n"), Format::Csv);
        assert_eq!(Format::detect(&InputSource::Stdin, b"PK\x03\x04"), Format::Csv);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// No input makes a reader panic: it is rows, rejects or an error.
        #[test]
        fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400), format in 0..4usize) {
            let (name, prefix): (&str, &[u8]) = match format {
                0 => ("r.csv", b""),
                1 => ("r.jsonl", b"{\"id\": 1, \"text\": \"a\"}\n"),
                2 => ("r.xlsx", b"PK\x03\x04"),
                _ => ("r.csv", b"\xFF\xFE"),
            };
            read_everything(name, [prefix, bytes.as_slice()].concat());
        }
    }

    #[test]
    fn damaged_workbooks_do_not_panic() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "id").unwrap();
        sheet.write_string(0, 1, "text").unwrap();
        sheet.write_number(1, 0, 1.0).unwrap();
        sheet.write_string(1, 1, "a cost").unwrap();
        let good = book.save_to_buffer().unwrap();
        read_everything("r.xlsx", good.clone());
        // Truncations and flipped bytes at many places.
        for i in (0..good.len()).step_by(good.len() / 60 + 1) {
            read_everything("r.xlsx", good[..i].to_vec());
            let mut bad = good.clone();
            bad[i] ^= 0x5A;
            read_everything("r.xlsx", bad);
        }
    }

    proptest! {
        /// A row's cells read back as the record they were copied from.
        #[test]
        fn cells_hold_what_the_record_held(fields in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..12), 0..9)) {
            let record = ::csv::ByteRecord::from(fields.clone());
            let cells = Cells::from(&record);
            prop_assert_eq!(cells.len(), fields.len());
            prop_assert_eq!(cells.is_empty(), fields.is_empty());
            prop_assert_eq!(cells.as_slice(), record.as_slice());
            prop_assert_eq!(cells.iter().collect::<Vec<_>>(), record.iter().collect::<Vec<_>>());
            for i in 0..=fields.len() {
                prop_assert_eq!(cells.range(i), record.range(i));
                prop_assert_eq!(cells.get(i), record.get(i));
            }
            prop_assert_eq!(cells.buf.capacity(), cells.buf.len(), "not exactly its size");
        }
    }

    #[test]
    fn cells_index_and_debug() {
        let cells = Cells::from(&::csv::ByteRecord::from(vec!["R1", "", "a,b"]));
        assert_eq!((&cells[0], &cells[1], &cells[2]), (&b"R1"[..], &b""[..], &b"a,b"[..]));
        assert_eq!(format!("{cells:?}"), r#"["R1", "", "a,b"]"#);
        assert_eq!((Cells::default().len(), Cells::default().get(0)), (0, None));
    }
}
