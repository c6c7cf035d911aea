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
pub const DETECT_ROWS: usize = 2;

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

/// The header of an input: how many rows it spans, and what they say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubHeader {
    /// The line (or sheet row) of the header's first row, 1-based.
    pub line: u64,
    /// Rows of the header below its first (0: the usual one-row header).
    pub extra: usize,
    /// The platform recognised (`None` when the rows were given, or nothing was).
    pub platform: Option<Platform>,
    /// The column names: the first row's, with SurveyMonkey's sub-headings joined in.
    pub names: Vec<String>,
    /// Per column, the wording of its question from the header's second row (Qualtrics,
    /// or a given header of two or more rows); empty where there is none.
    pub texts: Vec<String>,
    /// Per column, SurveyMonkey's sub-heading where it names one choice of a question
    /// (`Charity`, `Other (please specify)`); empty elsewhere.
    pub choices: Vec<String>,
}

/// SurveyMonkey's sub-headings for a column that is one whole question.
const WHOLE_QUESTION: [&str; 2] = ["Response", "Open-Ended Response"];

impl SubHeader {
    /// The header whose first row is `names` and under which `below` are the next rows
    /// (trimmed cell texts, at least [`rows_to_peek`] of them unless the input ends
    /// first). `given`: the number of header rows in all, or `None` to recognise an
    /// export. A given count larger than the rows there takes them all.
    pub fn read(line: u64, names: Vec<String>, below: &[Vec<String>], given: Option<usize>) -> SubHeader {
        let plain = |names: Vec<String>| SubHeader {
            line,
            extra: 0,
            platform: None,
            texts: Vec::new(),
            choices: Vec::new(),
            names,
        };
        if let Some(n) = given {
            let extra = n.saturating_sub(1).min(below.len());
            let texts = if extra > 0 { below[0].clone() } else { Vec::new() };
            return SubHeader { extra, texts, ..plain(names) };
        }
        if below.first().is_some_and(|r| is_import_ids(r)) {
            return SubHeader { extra: 1, platform: Some(Platform::Qualtrics), ..plain(names) };
        }
        if below.get(1).is_some_and(|r| is_import_ids(r))
            || below.first().is_some_and(|r| is_qualtrics_texts(&names, r))
        {
            let extra = if below.get(1).is_some_and(|r| is_import_ids(r)) { 2 } else { 1 };
            return SubHeader { extra, platform: Some(Platform::Qualtrics), texts: below[0].clone(), ..plain(names) };
        }
        if let Some(sub) = below.first().filter(|r| is_survey_monkey(&names, r)) {
            let names = survey_monkey_names(&names, sub);
            let choices = sub.iter().map(|c| if WHOLE_QUESTION.contains(&c.as_str()) { "" } else { c }.to_string());
            let choices = choices.collect();
            return SubHeader { extra: 1, platform: Some(Platform::SurveyMonkey), choices, ..plain(names) };
        }
        plain(names)
    }

    /// The choice column `i` stands for, if it is one choice of a question.
    pub fn choice(&self, i: usize) -> Option<&str> {
        self.choices.get(i).map(String::as_str).filter(|c| !c.is_empty())
    }

    /// The question wording of column `i`, if the header gives one.
    pub fn text(&self, i: usize) -> Option<&str> {
        self.texts.get(i).map(String::as_str).filter(|t| !t.is_empty())
    }

    /// What the rows under the first are, for a note to the user (`None`: a one-row
    /// header).
    pub fn describe(&self) -> Option<String> {
        let first_line = self.line;
        if self.extra == 0 {
            return None;
        }
        let rows = match self.extra {
            1 => format!("row {}", first_line + 1),
            n => format!("rows {} to {}", first_line + 1, first_line + n as u64),
        };
        Some(match self.platform {
            Some(Platform::Qualtrics) => {
                let what = match (self.texts.is_empty(), self.extra) {
                    (true, _) => "import ids",
                    (false, 1) => "question wording",
                    (false, _) => "question wording and import ids",
                };
                format!(
                    "{rows} read as header, not respondents: a Qualtrics export's {what} (--header-rows to say otherwise)"
                )
            }
            Some(Platform::SurveyMonkey) => format!(
                "{rows} read as header, not respondents: a SurveyMonkey export's sub-headings, joined to the column \
                 names they complete (--header-rows to say otherwise)"
            ),
            None => format!("{rows} read as header, as --header-rows says"),
        })
    }

    /// Header rows in all.
    pub fn rows(&self) -> usize {
        1 + self.extra
    }

    /// Whether column `i` is one the platform adds to every export (dates, IP address,
    /// progress, language): facts about the response, not answers.
    pub fn is_metadata(&self, i: usize) -> bool {
        let Some(name) = self.names.get(i).map(|n| n.trim()) else { return false };
        match self.platform {
            Some(Platform::Qualtrics) => {
                QUALTRICS_METADATA.iter().any(|m| m.eq_ignore_ascii_case(name))
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

/// The columns a Qualtrics export has before the questions (besides `V1` to `V10` of
/// its legacy format and its `Q_` fields such as `Q_RecaptchaScore`).
const QUALTRICS_METADATA: [&str; 18] = [
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "ExternalReference",
    "ExternalDataReference",
    "LocationLatitude",
    "LocationLongitude",
    "DistributionChannel",
    "UserLanguage",
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

/// Qualtrics's third row: every filled cell a JSON object naming an import id.
fn is_import_ids(row: &[String]) -> bool {
    let mut filled = row.iter().filter(|c| !c.is_empty()).peekable();
    filled.peek().is_some()
        && filled.all(|c| c.starts_with('{') && c.ends_with('}') && c[1..].trim_start().starts_with("\"ImportId\""))
}

/// Qualtrics's second row: the wording under each column name, recognised by its
/// response id column (`ResponseId` over `Response ID`; `V1` over `ResponseID` in its
/// legacy export).
fn is_qualtrics_texts(names: &[String], row: &[String]) -> bool {
    names.iter().zip(row).any(|(name, text)| {
        (name.eq_ignore_ascii_case("ResponseId") && text == "Response ID") || (name == "V1" && text == "ResponseID")
    })
}

/// SurveyMonkey's second row: nothing under `Respondent ID` and a whole question's
/// sub-heading (`Response`, `Open-Ended Response`) in some column; or, in an export
/// whose `Respondent ID` column was deleted, nothing in the first column and two such
/// sub-headings. (A respondent whose answer is "Response" is not a header.)
fn is_survey_monkey(names: &[String], row: &[String]) -> bool {
    let whole = row.iter().filter(|c| WHOLE_QUESTION.contains(&c.as_str())).count();
    match names.iter().position(|n| n.trim().eq_ignore_ascii_case("Respondent ID")) {
        Some(i) => row.get(i).is_none_or(String::is_empty) && whole >= 1,
        None => row.first().is_none_or(String::is_empty) && whole >= 2,
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
        let sub = SubHeader::read(1, names.clone(), &[wording.clone(), ids.clone()], None);
        assert_eq!((sub.extra, sub.platform), (2, Some(Platform::Qualtrics)));
        assert_eq!((&sub.names, sub.text(2)), (&names, Some("Do you agree?")));
        // The workbook export (no import ids), and a CSV without a ResponseId column.
        let data = row(&["2024-01-05", "R_1", "Yes", ""]);
        assert_eq!(SubHeader::read(1, names.clone(), &[wording.clone(), data.clone()], None).extra, 1);
        let other = row(&["StartDate", "Id", "Q1", "Q2"]);
        assert_eq!(SubHeader::read(1, other, &[wording, ids.clone()], None).extra, 2);
        // Import ids alone under the names.
        assert_eq!(SubHeader::read(1, names.clone(), &[ids, data.clone()], None).extra, 1);
        // Data under the names: nothing recognised.
        let plain = SubHeader::read(1, names.clone(), &[data.clone(), data], None);
        assert_eq!((plain.extra, plain.platform, plain.names), (0, None, names));
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
        let read = SubHeader::read(1, names, &[sub], None);
        assert_eq!((read.extra, read.platform), (1, Some(Platform::SurveyMonkey)));
        assert_eq!(
            read.names,
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
        // A respondent who answered "Response" is not a sub-heading.
        let names = row(&["Respondent ID", "Why?"]);
        assert_eq!(SubHeader::read(1, names, &[row(&["1140", "Response"])], None).extra, 0);
        let names = row(&["id", "Why?", "How?"]);
        assert_eq!(SubHeader::read(1, names.clone(), &[row(&["", "Response", "more"])], None).extra, 0);
        let sub = row(&["", "Response", "Open-Ended Response"]);
        assert_eq!(SubHeader::read(1, names, &[sub], None).platform, Some(Platform::SurveyMonkey));
    }

    #[test]
    fn given_rows_override_recognition() {
        let names = row(&["V1", "Q1"]);
        let below = [row(&["ResponseID", "Why?"]), row(&["R_1", "Because"])];
        assert_eq!(SubHeader::read(1, names.clone(), &below, None).extra, 1);
        assert_eq!(SubHeader::read(1, names.clone(), &below, Some(1)).extra, 0);
        let three = SubHeader::read(1, names.clone(), &below, Some(3));
        assert_eq!((three.extra, three.platform, three.text(1)), (2, None, Some("Why?")));
        // More rows given than there are: all of them.
        assert_eq!(SubHeader::read(1, names, &below, Some(9)).extra, 2);
    }

    #[test]
    fn notes_name_the_rows() {
        let names = row(&["ResponseId", "Q1"]);
        let sub =
            SubHeader::read(1, names, &[row(&["Response ID", "Why?"]), row(&[r#"{"ImportId":"QID1"}"#, ""])], None);
        let note = sub.describe().unwrap();
        assert!(note.starts_with("rows 2 to 3 read as header"), "{note}");
        assert!(note.contains("Qualtrics export's question wording and import ids"), "{note}");
        assert_eq!(SubHeader::read(1, row(&["id"]), &[], None).describe(), None);
    }
}
