//! Reading human codes ("gold"): a table with the columns `respondent_id`, `question`
//! and `theme`, one row per code.
//!
//! A gold file is read as responses are ([`super::open`]): CSV in any encoding and
//! with any delimiter (sniffed), a workbook or JSON Lines, header names matched as
//! response columns are. This module only turns the rows into [`GoldCode`]s; whether
//! they name answers of the data is for [`crate::validate::screen`] to judge.

use super::{InputSource, ReadOptions, Reject, RejectReason};
use crate::error::{Error, Location, Result};
use crate::survey::Survey;
use crate::validate::GoldCode;

/// The columns of a gold file, in the order a [`GoldCode`] holds them.
const COLUMNS: [&str; 3] = ["respondent_id", "question", "theme"];

/// Reads a gold file: one [`GoldCode`] per row, in file order, with its line.
///
/// A file with no bytes (or only a byte-order mark and white space) is an error, not
/// a gold file with no codes; so is a row whose respondent, question or theme is empty
/// or missing, or one a responses file would reject for its text (a cell not UTF-8, a
/// quote never closed), each named by file, line and column. So is a row with more or
/// fewer fields than the header, as a responses file rejects it: a theme name holding
/// the delimiter, unquoted, would otherwise be cut at it and scored as another theme.
/// Those rows are all named (the first with its fields), before any later error.
/// Blank rows are skipped.
pub fn read(source: &InputSource) -> Result<Vec<GoldCode>> {
    read_rows(source, false)
}

/// Reads a gold file that codes a sample of the answers: as [`read`], but a row with
/// an empty theme names an answer a human read and gave no theme, and is returned
/// with an empty `theme`.
pub fn read_sample(source: &InputSource) -> Result<Vec<GoldCode>> {
    read_rows(source, true)
}

/// Reads a gold file; `blank_theme`: whether a row may leave its theme empty.
fn read_rows(source: &InputSource, blank_theme: bool) -> Result<Vec<GoldCode>> {
    let name = source.name();
    if super::encoding::is_blank(source)? {
        return Err(Error::input(
            Location::file(&name),
            "the gold file is empty (it needs a header, respondent_id,question,theme, and one row per code)",
        ));
    }
    let survey = Survey::ad_hoc(Some(COLUMNS[0].into()), &[COLUMNS[1].into(), COLUMNS[2].into()]);
    // A respondent has a row per question and theme: ids repeat.
    let options = ReadOptions { reject_duplicate_ids: false, ..ReadOptions::default() };
    let mut reader = super::open(source, &survey, &options).map_err(|e| match e {
        Error::Input { location, message } => {
            Error::input(location, format!("{message} (a gold file has the columns respondent_id, question, theme)"))
        }
        other => other,
    })?;
    let mut out = Vec::new();
    let mut uneven = Uneven::default();
    'rows: while let Some(chunk) = reader.next_chunk(1 << 10, 1 << 22)? {
        for row in &chunk.rows {
            if let Some(Reject { reason: RejectReason::FieldCount { expected, found }, .. }) = &row.reject {
                uneven.add(row, *expected, *found);
                continue;
            }
            match code(&name, row, reader.columns(), blank_theme) {
                Ok(g) => out.push(g),
                // The rows of the wrong length come first in the file: name them.
                Err(_) if uneven.rows > 0 => break 'rows,
                Err(e) => return Err(e),
            }
        }
    }
    match uneven.error(&name) {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// The code a row of the header's length holds, or the error naming what is wrong;
/// `blank_theme`: whether an empty theme is read (as an empty `theme`).
fn code(name: &std::path::Path, row: &super::RawRow, columns: &super::Columns, blank_theme: bool) -> Result<GoldCode> {
    let at = |column: Option<&str>| {
        let here = Location::file(name).at_line(row.line);
        if let Some(c) = column { here.at_column(c) } else { here }
    };
    let refuse = |r: Reject| Error::input(at(r.column.as_deref()), r.reason.to_string());
    match &row.reject {
        // An empty id is named below as any empty cell is.
        None | Some(Reject { reason: RejectReason::EmptyId, .. }) => {}
        Some(r) => return Err(refuse(r.clone())),
    }
    let cells = super::csv::decode(row, columns, super::DEFAULT_MAX_CELL_BYTES, false, &|_| false).map_err(refuse)?;
    let cell = |text: &str, i: usize| match text.trim() {
        "" => Err(Error::input(at(Some(COLUMNS[i])), "empty or missing cell")),
        t => Ok(t.to_string()),
    };
    let unit = (cell(&cells.id, 0)?, cell(&cells.open[0], 1)?);
    let theme = match cells.open[1].trim() {
        "" if blank_theme => String::new(),
        "" => {
            return Err(Error::input(
                at(Some(COLUMNS[2])),
                "empty or missing cell (a row with an empty theme, naming an answer a human gave no theme, is read \
                 only by `validate --gold-units named`)",
            ));
        }
        t => t.to_string(),
    };
    Ok(GoldCode { line: row.line, unit, theme })
}

/// The rows of a gold file with more or fewer fields than its header.
#[derive(Debug, Default)]
struct Uneven {
    /// How many.
    rows: usize,
    /// The first: its line, the header's fields and its own.
    first: Option<(u64, usize, Vec<String>)>,
    /// Lines of the next few.
    more: Vec<u64>,
    /// Whether one has more fields than the header (a cell holding the delimiter).
    long: bool,
}

impl Uneven {
    /// Lines listed after the first.
    const LISTED: usize = 5;

    fn add(&mut self, row: &super::RawRow, expected: usize, found: usize) {
        self.rows += 1;
        self.long |= found > expected;
        match self.first {
            None => {
                let fields = row.record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
                self.first = Some((row.line, expected, fields));
            }
            Some(_) if self.more.len() < Self::LISTED => self.more.push(row.line),
            Some(_) => {}
        }
    }

    /// `g.csv:4: row has 4 fields, the header has 3: "4", "good", "Cleanliness", " tidiness"; ...`,
    /// naming the later rows' lines; `None` when every row has the header's length.
    fn error(&self, name: &std::path::Path) -> Option<Error> {
        let (line, expected, fields) = self.first.as_ref()?;
        const SHOWN: usize = 8;
        let mut shown: Vec<String> = fields.iter().take(SHOWN).map(|f| format!("{f:?}")).collect();
        if fields.len() > SHOWN {
            shown.push("...".into());
        }
        let mut message = format!("row has {} fields, the header has {expected}: {}", fields.len(), shown.join(", "));
        if self.long {
            // `4,good,Cleanliness, tidiness & infection control` is the theme "Cleanliness".
            message.push_str("; a theme whose name holds the delimiter must be in double quotes, or it is cut there");
        }
        if self.rows > 1 {
            let mut lines: Vec<String> = self.more.iter().map(u64::to_string).collect();
            if self.rows - 1 > self.more.len() {
                lines.push("...".into());
            }
            let rows = if self.rows == 2 { "1 more row".to_string() } else { format!("{} more rows", self.rows - 1) };
            let line = if lines.len() == 1 { "line" } else { "lines" };
            message.push_str(&format!("; {rows} of the wrong length ({line} {})", lines.join(", ")));
        }
        Some(Error::input(Location::file(name).at_line(*line), message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_gold_and_names_bad_cells() {
        let ok =
            InputSource::Bytes { name: "g.csv".into(), bytes: b"respondent_id,question,theme\nr1,q1,a\nr1,q1,a\n" };
        let codes = read(&ok).unwrap();
        assert_eq!(codes.iter().map(|g| g.line).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(codes[0].unit, ("r1".to_string(), "q1".to_string()));
        let bad = InputSource::Bytes { name: "g.csv".into(), bytes: b"respondent_id,question,theme\nr1,,a\n" };
        assert_eq!(read(&bad).unwrap_err().to_string(), "g.csv:2 (column \"question\"): empty or missing cell");
        let no_col = InputSource::Bytes { name: "g.csv".into(), bytes: b"id,question,theme\n" };
        assert!(read(&no_col).unwrap_err().to_string().contains("no column \"respondent_id\""));
        let header_only = InputSource::Bytes { name: "g.csv".into(), bytes: b"respondent_id,question,theme\n" };
        assert!(read(&header_only).unwrap().is_empty());
    }

    #[test]
    fn a_sample_names_answers_given_no_theme_by_an_empty_theme() {
        let sample =
            InputSource::Bytes { name: "g.csv".into(), bytes: b"respondent_id,question,theme\nr1,q1,a\nr2,q1, \n" };
        let err = read(&sample).unwrap_err().to_string();
        assert!(
            err.starts_with("g.csv:3 (column \"theme\"): empty or missing cell (a row with an empty theme"),
            "{err}"
        );
        let codes = read_sample(&sample).unwrap();
        let got: Vec<(&str, &str)> = codes.iter().map(|g| (g.unit.0.as_str(), g.theme.as_str())).collect();
        assert_eq!(got, [("r1", "a"), ("r2", "")]);
        // Only the theme may be empty.
        let bad = InputSource::Bytes { name: "g.csv".into(), bytes: b"respondent_id,question,theme\n,q1,\n" };
        assert_eq!(
            read_sample(&bad).unwrap_err().to_string(),
            "g.csv:2 (column \"respondent_id\"): empty or missing cell"
        );
    }

    fn read_bytes(name: &str, bytes: Vec<u8>) -> Result<Vec<GoldCode>> {
        read(&InputSource::Bytes { name: name.into(), bytes: Box::leak(bytes.into_boxed_slice()) })
    }

    fn units(codes: &[GoldCode]) -> Vec<(u64, &str, &str, &str)> {
        codes.iter().map(|g| (g.line, g.unit.0.as_str(), g.unit.1.as_str(), g.theme.as_str())).collect()
    }

    /// A gold file is read as responses are: Windows-1252, UTF-16 and `;` failed with
    /// raw csv-crate errors ("invalid utf-8", `no column "respondent_id"`).
    #[test]
    fn encodings_and_delimiters_are_sniffed_as_for_responses() {
        let want = [(2, "Jos\u{e9}", "t", "cost")];
        let cp1252 = read_bytes("g.csv", b"respondent_id,question,theme\nJos\xe9,t,cost\n".to_vec()).unwrap();
        assert_eq!(units(&cp1252), want);
        let text = "respondent_id,question,theme\r\nJos\u{e9},t,cost\r\n";
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(units(&read_bytes("g.csv", utf16).unwrap()), want);
        let semicolons = read_bytes("g.csv", "respondent_id;question;theme\nJos\u{e9};t;cost\n".into()).unwrap();
        assert_eq!(units(&semicolons), want);
        let tabs = read_bytes("g.tsv", "\u{FEFF}Respondent_ID\tquestion\ttheme\nJos\u{e9}\tt\tcost\n".into()).unwrap();
        assert_eq!(units(&tabs), want);
    }

    #[test]
    fn workbooks_and_json_lines_are_read_too() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in COLUMNS.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_number(1, 0, 7.0).unwrap();
        sheet.write_string(1, 1, "t").unwrap();
        sheet.write_string(1, 2, "cost").unwrap();
        let codes = read_bytes("g.xlsx", book.save_to_buffer().unwrap()).unwrap();
        assert_eq!(units(&codes), [(2, "7", "t", "cost")]);
        let jsonl = b"{\"respondent_id\": \"r1\", \"question\": \"t\", \"theme\": \"cost\"}\n".to_vec();
        assert_eq!(units(&read_bytes("g.jsonl", jsonl).unwrap()), [(1, "r1", "t", "cost")]);
    }

    /// Errors name the file, the line and, for a cell, the column.
    #[test]
    fn errors_name_file_line_and_column() {
        for (bytes, want) in [
            (
                &b"\n\nid,question,theme\n"[..],
                "g.csv:3: no column \"respondent_id\" in the header (columns: \"id\", \"question\", \"theme\") (a gold file has the columns respondent_id, question, theme)",
            ),
            (
                b"respondent_id,question,theme\nr1,t,cost\n,t,cost\n",
                "g.csv:3 (column \"respondent_id\"): empty or missing cell",
            ),
            (b"respondent_id,question,theme\nr1,t\n", "g.csv:2: row has 2 fields, the header has 3: \"r1\", \"t\""),
            (
                b"respondent_id,question,theme\nr1,t,\"cost\nr2,t,cost\n",
                "g.csv:2: a quote opened in this row is never closed: the rest of the file (to line 3) was read as this row",
            ),
            // Mostly UTF-8, so read as UTF-8: the one byte that is not is refused.
            (
                b"respondent_id,question,theme\nJos\xc3\xa9,t,cost\nr\xc3\xa92,t,co\xe9t\n",
                "g.csv:3 (column \"theme\"): cell is not valid UTF-8",
            ),
        ] {
            let err = read_bytes("g.csv", bytes.to_vec()).unwrap_err().to_string();
            assert_eq!(err, want);
        }
        // A blank row is skipped.
        let codes = read_bytes("g.csv", b"respondent_id,question,theme\nr1,t,cost\n,,\nr2,t,cost\n".to_vec());
        assert_eq!(units(&codes.unwrap()), [(2, "r1", "t", "cost"), (4, "r2", "t", "cost")]);
    }

    /// A row longer than the header was read, its extra fields dropped: an unquoted
    /// theme holding a comma was scored as the theme before it (testers, defect 1).
    #[test]
    fn rows_of_another_length_than_the_header_are_refused() {
        let gold = b"respondent_id,question,theme\n1,bad,Parking\n4,good,Cleanliness, tidiness\n\
                     5,good,Parking\n6,good\n7,bad,a,b,c\n8,bad,Parking,Food & drink provision & facilities\n";
        let err = read_bytes("g.csv", gold.to_vec()).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert_eq!(
            err.to_string(),
            "g.csv:3: row has 4 fields, the header has 3: \"4\", \"good\", \"Cleanliness\", \" tidiness\"; a theme \
             whose name holds the delimiter must be in double quotes, or it is cut there; 3 more rows of the \
             wrong length (lines 5, 6, 7)"
        );
        // Quoted, the theme is whole; a further named column is read past.
        let ok = b"respondent_id,question,theme,note\n4,good,\"Cleanliness, tidiness\",checked\n";
        assert_eq!(units(&read_bytes("g.csv", ok.to_vec()).unwrap()), [(2, "4", "good", "Cleanliness, tidiness")]);
        // The rows of the wrong length are named before a later error.
        let later = b"respondent_id,question,theme\n1,bad\n2,,Parking\n";
        let err = read_bytes("g.csv", later.to_vec()).unwrap_err().to_string();
        assert_eq!(err, "g.csv:2: row has 2 fields, the header has 3: \"1\", \"bad\"");
    }

    /// A 0-byte gold file said `no column "respondent_id" in the header`.
    #[test]
    fn an_empty_file_is_called_empty() {
        for bytes in [&b""[..], b"\n", "\u{FEFF}".as_bytes(), b" \r\n"] {
            let empty = InputSource::Bytes { name: "g.csv".into(), bytes };
            let err = read(&empty).unwrap_err().to_string();
            assert!(err.starts_with("g.csv: the gold file is empty"), "{err}");
        }
    }
}
