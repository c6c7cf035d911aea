//! Header rows below the header, as survey platforms export them.
//!
//! A Qualtrics CSV export names its columns on row 1 (`ResponseId`, `Q1`,
//! `Q2_4_TEXT`), gives the questions' wording on row 2 and import ids
//! (`{"ImportId":"QID1"}`) on row 3; its workbook export has the first two. A
//! SurveyMonkey export puts a sub-heading under every column on row 2 (`Response`,
//! `Open-Ended Response`, or one choice of a question whose columns are named only in
//! its first). Read as data, those rows would be respondents who answered every
//! question with its own wording: counted, and coded.
//!
//! [`SubHeader::read`] recognises both, or takes the number of header rows given
//! (`--header-rows`, `header_rows` in the spec), and says what the columns are then
//! called and what their questions say.

/// Most header rows a file may be given (`--header-rows`).
pub const MAX_HEADER_ROWS: usize = 10;

/// Rows under the header read to recognise an export.
const DETECT_ROWS: usize = 2;

/// Rows to read under the header before [`SubHeader::read`]: enough to recognise an
/// export, or as many as given.
pub fn rows_to_peek(given: Option<usize>) -> usize {
    given.map_or(DETECT_ROWS, |n| n.saturating_sub(1))
}

/// The survey platforms whose exports are recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// Qualtrics: question wording and import ids under the column names.
    Qualtrics,
    /// SurveyMonkey: a sub-heading under every column.
    SurveyMonkey,
}

impl Platform {
    /// The platform's name, as in messages and manifest.json.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Qualtrics => "Qualtrics",
            Platform::SurveyMonkey => "SurveyMonkey",
        }
    }
}

/// A row under the header, read ahead: the line (or sheet row) it starts on, 1-based,
/// and its cells' trimmed texts. Blank rows are not rows, here as below the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Below {
    /// Its line.
    pub line: u64,
    /// Its cells.
    pub cells: Vec<String>,
}

/// The header of an input: how many rows it spans, and what they say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubHeader {
    /// The lines (or sheet rows) of the header's rows below the first (empty: the
    /// usual one-row header).
    pub lines: Vec<u64>,
    /// The header rows given, when they were (`--header-rows`).
    pub given: Option<usize>,
    /// Whether `lines` are a sheet's rows (messages say "sheet rows", not "lines").
    pub in_sheet: bool,
    /// In a sheet (or a CSV saved from one) whose header is below rows that hold
    /// something (a title, notes): the first of those rows (lines) and the header's own,
    /// 1-based. They are not read.
    pub below_title: Option<(u64, u64)>,
    /// The platform recognised (`None` when the rows were given, or nothing was).
    pub platform: Option<Platform>,
    /// The column names: the first row's, with SurveyMonkey's sub-headings joined in.
    pub names: Vec<String>,
    /// Per column, the wording of its question from the header's second row (Qualtrics,
    /// or a given header of two or more rows); empty where there is none.
    pub texts: Vec<String>,
    /// Per column, SurveyMonkey's sub-heading (`Response`, `Open-Ended Response`, or a
    /// choice: `Charity`, `Other (please specify)`); empty elsewhere.
    pub sub_headings: Vec<String>,
}

/// SurveyMonkey's sub-headings for a column that is one whole question.
const WHOLE_QUESTION: [&str; 2] = ["Response", "Open-Ended Response"];

impl SubHeader {
    /// The header whose first row is `names` and under which `below` are the next rows
    /// (at least [`rows_to_peek`] of them unless the input ends first). `given`: the
    /// number of header rows in all, or `None` to recognise an export. A given count
    /// larger than the rows there takes them all.
    pub fn read(names: Vec<String>, below: &[Below], given: Option<usize>) -> SubHeader {
        let plain = |names: Vec<String>| SubHeader {
            lines: Vec::new(),
            given,
            in_sheet: false,
            below_title: None,
            platform: None,
            texts: Vec::new(),
            sub_headings: Vec::new(),
            names,
        };
        let take = |n: usize| below[..n].iter().map(|b| b.line).collect::<Vec<_>>();
        let cells = |i: usize| below.get(i).map(|b| b.cells.as_slice());
        if let Some(n) = given {
            let extra = n.saturating_sub(1).min(below.len());
            let texts = if extra > 0 { below[0].cells.clone() } else { Vec::new() };
            return SubHeader { lines: take(extra), texts, ..plain(names) };
        }
        let qualtrics = |n: usize, texts: Vec<String>| SubHeader {
            lines: take(n),
            platform: Some(Platform::Qualtrics),
            texts,
            ..plain(names.clone())
        };
        if cells(0).is_some_and(is_import_ids) {
            return qualtrics(1, Vec::new());
        }
        if cells(1).is_some_and(is_import_ids) {
            return qualtrics(2, below[0].cells.clone());
        }
        if cells(0).is_some_and(|r| is_qualtrics_texts(&names, r)) {
            return qualtrics(1, below[0].cells.clone());
        }
        if let Some(sub) = cells(0).filter(|r| is_survey_monkey(&names, r)) {
            return SubHeader {
                lines: take(1),
                platform: Some(Platform::SurveyMonkey),
                sub_headings: sub.to_vec(),
                ..plain(survey_monkey_names(&names, sub))
            };
        }
        plain(names)
    }

    /// Rows of the header below its first (0: the usual one-row header).
    pub fn extra(&self) -> usize {
        self.lines.len()
    }

    /// Header rows in all.
    pub fn rows(&self) -> usize {
        1 + self.extra()
    }

    /// The choice column `i` stands for, if it is one choice of a question.
    pub fn choice(&self, i: usize) -> Option<&str> {
        self.sub_headings.get(i).map(String::as_str).filter(|c| !c.is_empty() && !WHOLE_QUESTION.contains(c))
    }

    /// Whether the export says column `i` is an open question: SurveyMonkey's
    /// `Open-Ended Response`, or a Qualtrics text entry (`Q3_TEXT`, `Q2_4_TEXT`).
    pub fn is_open_ended(&self, i: usize) -> bool {
        match self.platform {
            Some(Platform::SurveyMonkey) => self.sub_headings.get(i).is_some_and(|c| c == "Open-Ended Response"),
            Some(Platform::Qualtrics) => self.names.get(i).is_some_and(|n| n.trim().ends_with("_TEXT")),
            None => false,
        }
    }

    /// Reads the wording as the text its HTML shows: Qualtrics stores it as its
    /// editor's rich text (`<p><strong>Did you</strong> agree?</p>`).
    pub fn decode_html(&mut self) {
        for text in &mut self.texts {
            if let std::borrow::Cow::Owned(shown) = super::html::plain_text(text) {
                *text = shown.trim().to_string();
            }
        }
    }

    /// The question wording of column `i`, if the header gives one.
    pub fn text(&self, i: usize) -> Option<&str> {
        self.texts.get(i).map(String::as_str).filter(|t| !t.is_empty())
    }

    /// What was skipped above the header and read as header under its first row, for a
    /// note to the user (`None`: nothing, as nothing was asked).
    pub fn describe(&self) -> Option<String> {
        let title = self.below_title.map(|(first, header)| {
            let (row, rows) = if self.in_sheet { ("sheet row", "rows") } else { ("line", "lines") };
            let above = if first + 1 == header {
                format!("{} {first}", row.trim_start_matches("sheet "))
            } else {
                format!("{rows} {first} to {}", header - 1)
            };
            format!("the header is {row} {header}; {above} above it skipped, not read (a title?)")
        });
        match (title, self.describe_rows()) {
            (Some(title), Some(rows)) => Some(format!("{title}; {rows}")),
            (title, rows) => title.or(rows),
        }
    }

    /// What was read as header under the first row ([`SubHeader::describe`]).
    fn describe_rows(&self) -> Option<String> {
        let rows = match (self.lines.as_slice(), self.in_sheet) {
            ([], _) => String::new(),
            ([row], true) => format!("sheet row {row}"),
            ([line], false) => format!("the row on line {line}"),
            ([first, .., last], true) => format!("sheet rows {first} to {last}"),
            ([first, .., last], false) => format!("the {} rows on lines {first} to {last}", self.lines.len()),
        };
        let short = self.given.filter(|&n| n > self.rows()).map(|n| {
            format!(
                "the input ends within the {n} header rows --header-rows gives: {} read, no respondents",
                self.rows()
            )
        });
        Some(match (self.platform, short) {
            (_, Some(short)) => short,
            (_, None) if rows.is_empty() => return None,
            (Some(Platform::Qualtrics), None) => {
                let what = match (self.texts.is_empty(), self.extra()) {
                    (true, _) => "import ids",
                    (false, 1) => "question wording",
                    (false, _) => "question wording and import ids",
                };
                format!(
                    "{rows} read as header, not respondents: a Qualtrics export's {what} (--header-rows to say otherwise)"
                )
            }
            (Some(Platform::SurveyMonkey), None) => format!(
                "{rows} read as header, not respondents: a SurveyMonkey export's sub-headings, joined to the column \
                 names they complete (--header-rows to say otherwise)"
            ),
            (None, None) => format!("{rows} read as header, as --header-rows says"),
        })
    }

    /// Whether column `i` is one the platform adds to every export (dates, IP address,
    /// progress, language): facts about the response, not answers.
    pub fn is_metadata(&self, i: usize) -> bool {
        let Some(name) = self.names.get(i).map(|n| n.trim()) else { return false };
        match self.platform {
            Some(Platform::Qualtrics) => {
                QUALTRICS_METADATA.iter().any(|(m, _)| m.eq_ignore_ascii_case(name))
                    || name.strip_prefix('V').is_some_and(|n| n.parse::<u8>().is_ok_and(|n| (1..=10).contains(&n)))
                    || name.starts_with("Q_")
            }
            Some(Platform::SurveyMonkey) => {
                SURVEY_MONKEY_METADATA.iter().any(|m| m.eq_ignore_ascii_case(name)) || name.starts_with("Custom Data")
            }
            None => false,
        }
    }
}

/// The columns a Qualtrics export has before the questions, with the wording its
/// second row gives them (besides `V1` to `V10` of its legacy format and its `Q_`
/// fields such as `Q_RecaptchaScore`, worded as named).
const QUALTRICS_METADATA: [(&str, &str); 18] = [
    ("StartDate", "Start Date"),
    ("EndDate", "End Date"),
    ("Status", "Response Type"),
    ("IPAddress", "IP Address"),
    ("Progress", "Progress"),
    ("Duration (in seconds)", "Duration (in seconds)"),
    ("Finished", "Finished"),
    ("RecordedDate", "Recorded Date"),
    ("ResponseId", "Response ID"),
    ("RecipientLastName", "Recipient Last Name"),
    ("RecipientFirstName", "Recipient First Name"),
    ("RecipientEmail", "Recipient Email"),
    ("ExternalReference", "External Data Reference"),
    ("ExternalDataReference", "External Data Reference"),
    ("LocationLatitude", "Location Latitude"),
    ("LocationLongitude", "Location Longitude"),
    ("DistributionChannel", "Distribution Channel"),
    ("UserLanguage", "User Language"),
];

/// The columns a SurveyMonkey export has before the questions (and `Custom Data N`).
const SURVEY_MONKEY_METADATA: [&str; 8] = [
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
];

/// Qualtrics's third row: its filled cells JSON objects naming an import id, all but
/// a stray one (a cell edited by hand does not make the row a respondent's).
fn is_import_ids(row: &[String]) -> bool {
    let filled = row.iter().filter(|c| !c.is_empty());
    let ids = filled.clone().filter(|c| c.starts_with('{') && c[1..].trim_start().starts_with("\"ImportId\"")).count();
    ids > 0 && ids * 2 > filled.count()
}

/// Qualtrics's second row: the wording under each column name, recognised by the
/// wording of a column Qualtrics adds (`Response ID` under `ResponseId`, `Start Date`
/// under `StartDate`; a `Q_` field's own name under it; `ResponseID` under `V1` in its
/// legacy export), wherever the others were deleted.
fn is_qualtrics_texts(names: &[String], row: &[String]) -> bool {
    names.iter().zip(row).any(|(name, text)| {
        let name = name.trim();
        QUALTRICS_METADATA.iter().any(|(m, w)| name.eq_ignore_ascii_case(m) && text == w && m != w)
            || (name.starts_with("Q_") && name.len() > 2 && text == name)
            || (name == "V1" && text == "ResponseID")
    })
}

/// SurveyMonkey's second row: a whole question's sub-heading (`Response`,
/// `Open-Ended Response`) in some column, nothing under `Respondent ID`, and every
/// other filled cell a choice: under a column with no name of its own, or under the
/// first of a question's columns (the next one unnamed). Without a `Respondent ID`
/// column, an `Open-Ended Response`, or nothing in the first column and two whole
/// questions' sub-headings: a respondent who answered "Response" twice is no header.
fn is_survey_monkey(names: &[String], row: &[String]) -> bool {
    let named = |i: usize| names.get(i).is_some_and(|n| !n.trim().is_empty());
    let whole = row.iter().filter(|c| WHOLE_QUESTION.contains(&c.as_str())).count();
    let open_ended = row.iter().any(|c| c == WHOLE_QUESTION[1]);
    let width = names.len().max(row.len());
    let choices_only = row.iter().enumerate().all(|(i, c)| {
        c.is_empty() || WHOLE_QUESTION.contains(&c.as_str()) || !named(i) || (i + 1 < width && !named(i + 1))
    });
    let id = names.iter().position(|n| n.trim().eq_ignore_ascii_case("Respondent ID"));
    choices_only
        && match id {
            Some(i) => row.get(i).is_none_or(String::is_empty) && whole >= 1,
            None => open_ended || (row.first().is_none_or(String::is_empty) && whole >= 2),
        }
}

/// SurveyMonkey's column names: a column that is a whole question keeps its name; a
/// column of one choice (or "Other (please specify)") is named by its question, the
/// nearest name at or left of it, and the choice: `Which best describes you? - Charity`.
/// A sheet's header row may end before its sub-headings do (its last cells empty).
fn survey_monkey_names(names: &[String], sub: &[String]) -> Vec<String> {
    let mut question = String::new();
    (0..names.len().max(sub.len()))
        .map(|i| {
            let name = names.get(i).cloned().unwrap_or_default();
            if !name.is_empty() {
                question.clone_from(&name);
            }
            let label = sub.get(i).map_or("", String::as_str);
            match (label.is_empty() || WHOLE_QUESTION.contains(&label), question.is_empty()) {
                (true, _) => name,
                (false, true) => label.to_string(),
                (false, false) => format!("{question} - {label}"),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    /// Rows under a header on line 1, on lines 2, 3, ...
    fn below(rows: &[Vec<String>]) -> Vec<Below> {
        rows.iter().zip(2..).map(|(r, line)| Below { line, cells: r.clone() }).collect()
    }

    fn read(names: &[String], rows: &[Vec<String>], given: Option<usize>) -> SubHeader {
        SubHeader::read(names.to_vec(), &below(rows), given)
    }

    #[test]
    fn qualtrics_wording_and_import_ids_are_header() {
        let names = row(&["StartDate", "ResponseId", "Q1", "Q2_4_TEXT"]);
        let wording = row(&["Start Date", "Response ID", "Do you agree?", "Who are you? - Other - Text"]);
        let ids = row(&[
            r#"{"ImportId":"startDate","timeZone":"Europe/London"}"#,
            r#"{"ImportId":"_recordId"}"#,
            r#"{"ImportId":"QID1"}"#,
            "",
        ]);
        let sub = read(&names, &[wording.clone(), ids.clone()], None);
        assert_eq!((sub.lines.as_slice(), sub.platform), (&[2, 3][..], Some(Platform::Qualtrics)));
        assert_eq!((&sub.names, sub.text(2)), (&names, Some("Do you agree?")));
        // The workbook export (no import ids), and a CSV without a ResponseId column.
        let data = row(&["2024-01-05", "R_1", "Yes", ""]);
        assert_eq!(read(&names, &[wording.clone(), data.clone()], None).extra(), 1);
        let other = row(&["Begun", "Id", "Q1", "Q2"]);
        assert_eq!(read(&other, &[wording, ids.clone()], None).extra(), 2);
        // Import ids alone under the names; one cell edited by hand among them.
        assert_eq!(read(&names, &[ids.clone(), data.clone()], None).extra(), 1);
        let mut edited = ids;
        edited[3] = "garbage".into();
        assert_eq!(read(&names, &[edited, data.clone()], None).extra(), 1);
        // Data under the names: nothing recognised.
        let plain = read(&names, &[data.clone(), data], None);
        assert_eq!((plain.extra(), plain.platform, plain.names), (0, None, names));
    }

    /// `init` drafted Qualtrics wording stored as HTML as the question's `text`, tags and all.
    #[test]
    fn wording_stored_as_html_reads_as_shown() {
        let names = row(&["ResponseId", "Q1"]);
        let rows = [
            row(&["Response ID", "<p><strong>Did you</strong>&nbsp;agree?</p><br>"]),
            row(&["{\"ImportId\":\"_recordId\"}", "{\"ImportId\":\"QID1\"}"]),
        ];
        let mut sub = read(&names, &rows, None);
        sub.decode_html();
        assert_eq!(sub.text(1), Some("Did you\u{a0}agree?"));
    }

    #[test]
    fn qualtrics_wording_is_recognised_by_any_column_qualtrics_adds() {
        let data = row(&["0.9", "Yes", "Because"]);
        for (name, wording) in
            [("Q_RecaptchaScore", "Q_RecaptchaScore"), ("StartDate", "Start Date"), ("V1", "ResponseID")]
        {
            let names = row(&[name, "Q1", "Q2"]);
            let sub = read(&names, &[row(&[wording, "Do you agree?", "Why?"]), data.clone()], None);
            assert_eq!((sub.extra(), sub.text(2)), (1, Some("Why?")), "{name}");
        }
        // A column whose wording is its name says nothing by itself.
        let names = row(&["Progress", "Q1"]);
        assert_eq!(read(&names, &[row(&["Progress", "Do you agree?"])], None).extra(), 0);
    }

    #[test]
    fn survey_monkey_sub_headings_complete_the_names() {
        let names = row(&["Respondent ID", "Start Date", "Do you agree?", "Please explain", "Who are you?", "", ""]);
        let sub = row(&[
            "",
            "",
            "Response",
            "Open-Ended Response",
            "Member of the public",
            "Charity",
            "Other (please specify)",
        ]);
        let read_sm = read(&names, &[sub], None);
        assert_eq!((read_sm.extra(), read_sm.platform), (1, Some(Platform::SurveyMonkey)));
        assert_eq!(
            read_sm.names,
            [
                "Respondent ID",
                "Start Date",
                "Do you agree?",
                "Please explain",
                "Who are you? - Member of the public",
                "Who are you? - Charity",
                "Who are you? - Other (please specify)"
            ]
        );
        // Without its metadata columns: two whole questions' sub-headings.
        let names = row(&["A", "B", "C"]);
        let sub = read(&names, &[row(&["Response", "Open-Ended Response", "Response"])], None);
        assert_eq!(sub.platform, Some(Platform::SurveyMonkey));
        // A respondent who answered "Response" is not a sub-heading; nor one whose
        // other answers sit under columns that are whole questions.
        let names = row(&["Respondent ID", "Why?"]);
        assert_eq!(read(&names, &[row(&["1140", "Response"])], None).extra(), 0);
        let names = row(&["id", "q1", "q2"]);
        assert_eq!(read(&names, &[row(&["", "Response", "I think the police should act"])], None).extra(), 0);
        let names = row(&["id", "q1", "q2", "q3"]);
        let answers = row(&["", "Response", "Open-Ended Response", "I think the police should act"]);
        assert_eq!(read(&names, &[answers], None).extra(), 0);
        let names = row(&["q1", "why"]);
        assert_eq!(read(&names, &[row(&["Response", "Response"])], None).extra(), 0);
    }

    #[test]
    fn given_rows_override_recognition() {
        let names = row(&["V1", "Q1"]);
        let rows = [row(&["ResponseID", "Why?"]), row(&["R_1", "Because"])];
        assert_eq!(read(&names, &rows, None).extra(), 1);
        assert_eq!(read(&names, &rows, Some(1)).extra(), 0);
        let three = read(&names, &rows, Some(3));
        assert_eq!((three.extra(), three.platform, three.text(1)), (2, None, Some("Why?")));
        // More rows given than there are: all of them, and the note says so.
        let nine = read(&names, &rows, Some(9));
        assert_eq!(nine.extra(), 2);
        let note = nine.describe().unwrap();
        assert!(note.contains("the input ends within the 9 header rows --header-rows gives: 3 read"), "{note}");
    }

    #[test]
    fn notes_name_the_lines_of_the_rows() {
        let names = row(&["ResponseId", "Q1"]);
        let rows = [
            Below { line: 2, cells: row(&["Response ID", "Why?"]) },
            Below { line: 5, cells: row(&[r#"{"ImportId":"QID1"}"#, ""]) },
        ];
        let note = SubHeader::read(names, &rows, None).describe().unwrap();
        assert!(note.starts_with("the 2 rows on lines 2 to 5 read as header"), "{note}");
        assert!(note.contains("Qualtrics export's question wording and import ids"), "{note}");
        assert_eq!(read(&row(&["id"]), &[], None).describe(), None);
    }

    /// A sheet's header below a title was found silently: the note says which rows
    /// were skipped.
    #[test]
    fn notes_name_the_rows_skipped_above_a_sheet_header() {
        let mut sub = read(&row(&["id", "why"]), &[], None);
        sub.in_sheet = true;
        sub.below_title = Some((1, 3));
        let note = sub.describe().unwrap();
        assert_eq!(note, "the header is sheet row 3; rows 1 to 2 above it skipped, not read (a title?)");
        sub.below_title = Some((2, 3));
        assert!(sub.describe().unwrap().contains("; row 2 above it skipped"));
        // A CSV's lines.
        sub.in_sheet = false;
        assert_eq!(sub.describe().unwrap(), "the header is line 3; line 2 above it skipped, not read (a title?)");
    }
}
