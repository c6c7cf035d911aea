//! Responses in: reading rows from a file in bounded chunks, and turning one row
//! into a [`Response`] (a borrowed view of its cells) or a [`Reject`].
//!
//! Structural checks that need the whole input in order (field counts, duplicate
//! ids) happen here as rows are read; decoding a row's cells happens in the workers.
//! Nothing is dropped silently: every row read is either a `Response` or a `Reject`.

pub mod csv;
pub mod gold;

use std::path::PathBuf;

pub use self::csv::{CsvSource, ResponseReader};

use crate::survey::Survey;

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
    /// The respondent id was seen on an earlier row.
    DuplicateId {
        /// Line of the first occurrence.
        first_line: u64,
    },
    /// The respondent id is empty.
    EmptyId,
    /// A cell is longer than the configured limit.
    CellTooLarge {
        /// Its size in bytes.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RejectReason::FieldCount { expected, found } => {
                write!(f, "row has {found} fields, the header has {expected}")
            }
            RejectReason::InvalidUtf8 => f.write_str("cell is not valid UTF-8"),
            RejectReason::DuplicateId { first_line } => {
                write!(f, "respondent id already seen on line {first_line}")
            }
            RejectReason::EmptyId => f.write_str("respondent id is empty"),
            RejectReason::CellTooLarge { bytes, limit } => {
                write!(f, "cell is {bytes} bytes, over the limit of {limit}")
            }
        }
    }
}

/// A row that was not coded, with where it is and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reject {
    /// 1-based line where the row starts in the input file.
    pub line: u64,
    /// 1-based data row number (the header is row 0).
    pub row: u64,
    /// The respondent id, if it could be read.
    pub id: Option<String>,
    /// The column at fault, if one.
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
    pub respondent_type: Option<&'a str>,
    /// Cells of the closed questions, in survey order.
    pub closed: Vec<&'a str>,
    /// Cells of the open questions, in survey order.
    pub open: Vec<&'a str>,
    /// Cells of the segment columns, in survey order.
    pub segments: Vec<&'a str>,
}

/// Column indices of the survey's columns in the input header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    /// Header names, in file order.
    pub header: Vec<String>,
    /// Respondent id.
    pub id: Option<usize>,
    /// Respondent type.
    pub respondent_type: Option<usize>,
    /// Closed questions.
    pub closed: Vec<usize>,
    /// Open questions.
    pub open: Vec<usize>,
    /// Segments.
    pub segments: Vec<usize>,
}

impl Columns {
    /// Resolves the survey's columns in `header`; `Err` names the first missing one.
    pub fn resolve(survey: &Survey, header: &[String]) -> std::result::Result<Columns, String> {
        let find = |name: &str| -> std::result::Result<usize, String> {
            let trimmed = name.trim();
            header
                .iter()
                .position(|h| h.trim() == trimmed)
                .or_else(|| header.iter().position(|h| h.trim().eq_ignore_ascii_case(trimmed)))
                .ok_or_else(|| missing_column(name, header))
        };
        Ok(Columns {
            header: header.to_vec(),
            id: survey.id_column.as_deref().map(find).transpose()?,
            respondent_type: survey.respondent_types.as_ref().map(|t| find(&t.column)).transpose()?,
            closed: survey.closed.iter().map(|q| find(&q.column)).collect::<Result<_, _>>()?,
            open: survey.open.iter().map(|q| find(&q.column)).collect::<Result<_, _>>()?,
            segments: survey.segments.iter().map(|s| find(&s.column)).collect::<Result<_, _>>()?,
        })
    }

    /// Name of column `i`.
    pub fn name(&self, i: usize) -> &str {
        self.header.get(i).map_or("?", String::as_str)
    }
}

fn missing_column(name: &str, header: &[String]) -> String {
    let shown: Vec<&str> = header.iter().take(30).map(String::as_str).collect();
    let more = if header.len() > 30 { format!(", ... ({} in all)", header.len()) } else { String::new() };
    format!("no column {name:?} in the header (columns: {}{more})", shown.join(", "))
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
