//! Errors: one `Error` for the library, each variant carrying where it happened.
//!
//! Problems with a single response (a short row, invalid UTF-8, a duplicate id) are
//! *not* errors: they are [`Reject`](crate::input::Reject)s, collected and reported
//! while the run goes on. An `Error` stops the run: a missing column, a lexicon that
//! does not parse, a file that cannot be read.

use std::fmt;
use std::path::{Path, PathBuf};

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// A place in a file: the file, and where known a sheet, a line (1-based) and a column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file (or `<stdin>`, `<demo>/...` for embedded files).
    pub path: PathBuf,
    /// The sheet of a spreadsheet, when the file is one.
    pub sheet: Option<String>,
    /// 1-based line number (the row number in a spreadsheet), when known.
    pub line: Option<u64>,
    /// Column: a CSV column name, or a 1-based character column in a text file.
    pub column: Option<String>,
}

impl Location {
    /// A location naming only a file.
    pub fn file(path: impl AsRef<Path>) -> Location {
        Location { path: path.as_ref().to_path_buf(), sheet: None, line: None, column: None }
    }

    /// This location in a given sheet of a spreadsheet.
    pub fn in_sheet(mut self, sheet: impl Into<String>) -> Location {
        self.sheet = Some(sheet.into());
        self
    }

    /// This location at a given 1-based line.
    pub fn at_line(mut self, line: u64) -> Location {
        self.line = Some(line);
        self
    }

    /// This location at a given column.
    pub fn at_column(mut self, column: impl Into<String>) -> Location {
        self.column = Some(column.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        match (&self.sheet, &self.column) {
            (Some(sheet), Some(column)) => write!(f, " (sheet {sheet:?}, column {column:?})"),
            (Some(sheet), None) => write!(f, " (sheet {sheet:?})"),
            (None, Some(column)) => write!(f, " (column {column:?})"),
            (None, None) => Ok(()),
        }
    }
}

/// Everything that can stop a run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A configuration file (survey spec, lexicon) is malformed or inconsistent.
    #[error("{location}: {message}")]
    Config {
        /// Where.
        location: Location,
        /// What is wrong, in words a person can act on.
        message: String,
    },
    /// The responses file is unusable as a whole (no header, a missing column).
    #[error("{location}: {message}")]
    Input {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// The command line asks for something impossible.
    #[error("{0}")]
    Usage(String),
    /// `--strict` was given and rows were rejected.
    #[error("{rejected} row(s) rejected under --strict (see {report})")]
    Rejects {
        /// How many rows were rejected.
        rejected: u64,
        /// Where they are listed.
        report: String,
    },
    /// Checks failed (lexicon check, lexicon tests).
    #[error("{0}")]
    Check(String),
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Error {
        Error::Io { path: path.as_ref().to_path_buf(), source }
    }

    /// Ok if `errors` is empty; else the first, with the others' lines after its message
    /// (each with its own file and line), so that one pass shows every mistake. They
    /// come in the order of their files and lines, whatever order the checks found
    /// them in (an entry's mistake, then a parent's, then an exclusion's above both).
    pub fn all(mut errors: Vec<Error>) -> Result<()> {
        errors.sort_by(|a, b| a.place().cmp(&b.place()));
        let mut errors = errors.into_iter();
        let Some(first) = errors.next() else { return Ok(()) };
        let rest: Vec<String> = errors.map(|e| e.to_string()).collect();
        Err(match first {
            Error::Config { location, message } if !rest.is_empty() => {
                Error::Config { location, message: format!("{message}\n{}", rest.join("\n")) }
            }
            first => first,
        })
    }

    /// Where the error is, for ordering: file and line; errors of no file last.
    fn place(&self) -> (bool, Option<(&Path, Option<u64>)>) {
        match self {
            Error::Config { location, .. } | Error::Input { location, .. } => {
                (false, Some((location.path.as_path(), location.line)))
            }
            Error::Io { path, .. } => (false, Some((path.as_path(), None))),
            _ => (true, None),
        }
    }

    /// A csv crate error on `path`: its I/O error as such (a closed pipe stays one),
    /// anything else as an input error naming the file and line, in words (its
    /// `Debug` form read `UnequalLengths { pos: Some(Position { .. }), .. }`).
    pub fn csv(path: impl AsRef<Path>, e: csv::Error) -> Error {
        let mut at = Location::file(path.as_ref());
        if let Some(pos) = e.position() {
            at = at.at_line(pos.line());
        }
        let message = e.to_string();
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::io(path, io),
            _ => Error::input(at, message),
        }
    }

    /// A configuration error at `location`.
    pub fn config(location: Location, message: impl Into<String>) -> Error {
        Error::Config { location, message: message.into() }
    }

    /// An input error at `location`.
    pub fn input(location: Location, message: impl Into<String>) -> Error {
        Error::Input { location, message: message.into() }
    }

    /// The process exit code this error maps to (see README, "Exit codes").
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Rejects { .. } | Error::Check(_) => 1,
            Error::Config { .. } | Error::Input { .. } | Error::Usage(_) => 2,
            Error::Io { .. } => 3,
        }
    }
}

/// Converts a byte offset in `text` to a 1-based (line, column) pair.
pub fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() as u64 + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 99), (1, 3));
    }

    #[test]
    fn location_names_file_line_and_column() {
        let loc = Location::file("r.csv").at_line(7).at_column("q3");
        assert_eq!(loc.to_string(), "r.csv:7 (column \"q3\")");
        let loc = Location::file("r.xlsx").in_sheet("Answers").at_line(4).at_column("q1");
        assert_eq!(loc.to_string(), "r.xlsx:4 (sheet \"Answers\", column \"q1\")");
    }

    /// A CSV error that is not an I/O error was shown in its `Debug` form.
    #[test]
    fn a_csv_error_reads_as_words_with_its_line() {
        let mut reader = csv::Reader::from_reader(&b"a,b\n1,2\n3\n"[..]);
        let e = reader.records().find_map(|r| r.err()).expect("a short record");
        let message = Error::csv("parts/1/codes.csv", e).to_string();
        assert!(message.starts_with("parts/1/codes.csv:3: "), "{message}");
        assert!(message.contains("found record with 1 fields") && !message.contains("UnequalLengths"), "{message}");
    }

    #[test]
    fn exit_codes_follow_the_documented_table() {
        assert_eq!(Error::Usage("x".into()).exit_code(), 2);
        assert_eq!(Error::io("f", std::io::Error::other("x")).exit_code(), 3);
        assert_eq!(Error::Check("x".into()).exit_code(), 1);
    }
}
