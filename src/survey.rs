//! The survey spec: which columns hold what, the closed questions and their answer
//! options, the open questions, respondent types and segments.
//!
//! Read from TOML (format in README.md, "The survey spec"). Paths inside a spec are
//! relative to the spec file. This module also owns the rules that turn a raw cell
//! into a closed-answer option or a respondent type (spelling aliases, nil answers),
//! and that decide when an open answer is a non-answer ("n/a", "see above").

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashSet;
use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Location, Result, line_col};

/// Non-answers every survey recognises (compared after normalising to words).
pub const DEFAULT_NON_ANSWERS: &[&str] = &[
    "n/a",
    "na",
    "n.a",
    "none",
    "nothing",
    "no comment",
    "no comments",
    "nothing to add",
    "nothing further",
    "nothing further to add",
    "no further comment",
    "no further comments",
    "see above",
    "as above",
    "see previous",
    "see previous answer",
    "see previous answers",
    "see answer above",
    "see my previous answer",
    "as previous",
    "as per previous answer",
    "not applicable",
    "no comment at this time",
    "no comment at this stage",
    "no view",
    "no opinion",
    "dont know",
    "don't know",
    "do not know",
    "not sure",
    "unsure",
    "no idea",
    "idk",
    "nil",
    "null",
    "pass",
    "skip",
    "tbc",
    "see attached",
    "please see attached",
    "see attached letter",
    "please see attached letter",
    "see covering letter",
    "see our covering letter",
    "please see covering letter",
    "please see our covering letter",
    "see response above",
    "did not answer",
    "no answer",
    "not answered",
    "no response",
    "prefer not to say",
    "x",
    "xx",
    "xxx",
    "no thanks",
    "nothing else",
    "nothing more",
    "nothing at all",
    "nothing really",
];

/// A respondent type and the raw spellings that mean it.
#[derive(Clone, Debug, PartialEq)]
pub struct RespondentType {
    /// Canonical name, as reported.
    pub name: String,
    /// Other spellings (compared case- and punctuation-insensitively).
    pub aliases: Vec<String>,
}

/// Where respondent types come from.
#[derive(Clone, Debug, PartialEq)]
pub struct RespondentTypes {
    /// The column.
    pub column: String,
    /// Canonical types, in report order.
    pub types: Vec<RespondentType>,
    /// Type for respondents who left it empty or gave an unknown value.
    pub default: String,
}

/// A closed question: one of a fixed set of options.
#[derive(Clone, Debug, PartialEq)]
pub struct ClosedQuestion {
    /// Question id (`q1`).
    pub id: String,
    /// Column in the responses.
    pub column: String,
    /// The question as asked.
    pub text: String,
    /// Options, in report order.
    pub options: Vec<String>,
    /// Aliases per option (index-aligned with `options`).
    pub aliases: Vec<Vec<String>>,
    /// The option nil responses merge into for the "including nil" figure.
    pub nil_into: Option<String>,
    /// Whether a respondent may choose several options ("tick all that apply"), listed
    /// in one cell (`Police, Charity`; `Police;Charity;`): see [`Classifier::closed`].
    pub multiple: bool,
    /// Further columns of a question that takes several answers, whose cells list
    /// options too (SurveyMonkey gives each choice a column holding it or nothing):
    /// read with `column` as one list.
    pub also: Vec<String>,
    /// Columns whose filled cell counts as an option whatever it holds, and the option.
    pub filled: Vec<(String, String)>,
}

/// Most options of a question that takes several answers.
pub const MAX_MULTIPLE_OPTIONS: usize = 64;

/// An open question: free text, coded against the lexicon.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenQuestion {
    /// Question id (`q3`).
    pub id: String,
    /// Column in the responses.
    pub column: String,
    /// The question as asked.
    pub text: String,
    /// Non-answers to this question alone, on top of the survey's.
    pub non_answers: Vec<String>,
    /// Replies that answer this question though the survey's non-answers list them
    /// (`Nothing` to "What was good?").
    pub answers: Vec<String>,
}

/// An extra column to break results down by.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// Segment id.
    pub id: String,
    /// Column.
    pub column: String,
}

/// A survey spec.
#[derive(Clone, Debug, PartialEq)]
pub struct Survey {
    /// Title for reports.
    pub title: String,
    /// Column with the respondent id; `None` = row numbers are ids.
    pub id_column: Option<String>,
    /// Respondent types, if the survey has them.
    pub respondent_types: Option<RespondentTypes>,
    /// Closed questions, in order.
    pub closed: Vec<ClosedQuestion>,
    /// Open questions, in order.
    pub open: Vec<OpenQuestion>,
    /// Segment columns.
    pub segments: Vec<Segment>,
    /// Extra non-answers on top of [`DEFAULT_NON_ANSWERS`].
    pub non_answers: Vec<String>,
    /// Replies taken out of [`DEFAULT_NON_ANSWERS`]: answers to every question.
    pub answers: Vec<String>,
    /// Lexicon path (resolved against the spec's folder).
    pub lexicon: Option<PathBuf>,
    /// Responses path (resolved against the spec's folder).
    pub responses: Option<PathBuf>,
    /// How to read the responses when the command line does not say: the sheet of a
    /// spreadsheet, a CSV's encoding and delimiter.
    pub read: ReadHints,
    /// Order in which questions appear in reports: ids of closed and open questions.
    pub order: Vec<String>,
    /// The spec file.
    pub source: PathBuf,
}

/// How to read a spec's responses, when the command line does not say (`sheet`,
/// `encoding`, `delimiter` in the spec; same values as the flags).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadHints {
    /// Sheet of a spreadsheet, by name or 1-based number.
    pub sheet: Option<String>,
    /// Encoding of a CSV (a WHATWG label).
    pub encoding: Option<String>,
    /// Delimiter of a CSV (one character, or `tab`).
    pub delimiter: Option<String>,
    /// Rows the header spans (1 to [`crate::input::header::MAX_HEADER_ROWS`]).
    pub header_rows: Option<usize>,
    /// Read answers as stored, HTML included (`--keep-html`).
    pub keep_html: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SurveyFile {
    title: Option<String>,
    id_column: Option<String>,
    lexicon: Option<String>,
    responses: Option<String>,
    sheet: Option<String>,
    encoding: Option<String>,
    delimiter: Option<String>,
    #[serde(default, deserialize_with = "header_rows")]
    header_rows: Option<usize>,
    keep_html: Option<bool>,
    #[serde(default)]
    non_answers: Vec<String>,
    #[serde(default)]
    answers: Vec<String>,
    respondent_type: Option<Spanned<TypesFile>>,
    #[serde(default)]
    closed: Vec<Spanned<ClosedFile>>,
    #[serde(default)]
    open: Vec<Spanned<OpenFile>>,
    #[serde(default)]
    segment: Vec<Spanned<SegmentFile>>,
    #[serde(default)]
    order: Vec<Spanned<String>>,
}

/// The lines of the spec where its questions, segments, `order` entries and
/// `[respondent_type]` are written, for errors found once it is read.
#[derive(Default)]
struct SpecLines {
    /// Closed questions, then open ones, as the spec lists them.
    questions: Vec<u64>,
    segments: Vec<u64>,
    order: Vec<u64>,
    types: Option<u64>,
}

/// `header_rows`, within bounds (refused where it is written, with its line).
fn header_rows<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<usize>, D::Error> {
    let most = crate::input::header::MAX_HEADER_ROWS;
    match Option::<usize>::deserialize(d)? {
        Some(n) if !(1..=most).contains(&n) => {
            Err(serde::de::Error::custom(format!("header_rows = {n}: a header spans 1 to {most} rows")))
        }
        n => Ok(n),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TypesFile {
    column: String,
    default: String,
    #[serde(default)]
    types: Vec<TypeFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TypeFile {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClosedFile {
    id: String,
    column: Option<String>,
    #[serde(default)]
    text: String,
    options: Vec<String>,
    #[serde(default)]
    aliases: BTreeMap<String, Vec<String>>,
    nil_into: Option<String>,
    #[serde(default)]
    multiple: bool,
    columns: Option<Vec<ColumnEntry>>,
}

/// An entry of a closed question's `columns`: a column whose cells list options, or
/// one whose filled cell counts as an option whatever it holds (SurveyMonkey's
/// "Other (please specify)" column holds what people wrote).
#[derive(Deserialize)]
#[serde(untagged)]
enum ColumnEntry {
    Cells(String),
    Filled { column: String, option: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenFile {
    id: String,
    column: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    non_answers: Vec<String>,
    #[serde(default)]
    answers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SegmentFile {
    id: String,
    column: Option<String>,
}

/// Built-in spellings of common options (added to any option with that name).
fn builtin_aliases(option: &str) -> &'static [&'static str] {
    match fold_label(option).as_str() {
        "yes" => &["y", "yeah", "yes please", "agree"],
        "no" => &["n", "nope", "disagree"],
        "dontknow" => &["dk", "not sure", "unsure", "do not know", "no opinion", "dont know", "undecided"],
        _ => &[],
    }
}

/// The built-in option a cell means, if any: `Yes`, `No` or `Don't know`, with the
/// spellings every closed question accepts for them (`y`, `nope`, `DK`, `not sure`).
pub fn builtin_option(cell: &str) -> Option<&'static str> {
    let key = fold_label(cell);
    ["Yes", "No", "Don't know"]
        .into_iter()
        .find(|name| fold_label(name) == key || builtin_aliases(name).iter().any(|a| fold_label(a) == key))
}

/// Folds a label for comparison: lowercase letters and digits, and the signs that
/// change a number (`Don't know` = `dont know` = `DONT-KNOW`, `18-24` = `18 - 24`,
/// but `-1` is not `1`, `2.5` not `25`, `18+` not `18`, `<18` not `18`): a minus or
/// `<`/`>` before a digit that no letter or digit precedes, a `.` or `,` between
/// digits (kept as `.`), a `+` after a digit.
pub fn fold_label(s: &str) -> String {
    let mut norm = String::new();
    // Accents fold, as case and punctuation do: `Café owner` picked from a list and
    // typed `Cafe owner` are one option (the lexicon's `fold_accents` is for answers;
    // two options told apart only by accents are a clash in the spec, named there).
    crate::text::normalise::normalise_chars(s, true, &mut norm);
    let chars: Vec<char> = norm.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        if c.is_alphanumeric() {
            out.push(c);
        } else if let Some(kept) = number_sign(c, before, after) {
            out.push(kept);
        }
    }
    out
}

/// What a label keeps of a character that is no letter or digit, from its neighbours
/// (see [`fold_label`]).
#[inline]
fn number_sign(c: char, before: Option<char>, after: Option<char>) -> Option<char> {
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    match c {
        '-' | '\u{2212}' | '<' | '>' if digit(after) && !word(before) => Some(if c == '\u{2212}' { '-' } else { c }),
        '.' | ',' if digit(before) && digit(after) => Some('.'),
        '+' if digit(before) => Some('+'),
        _ => None,
    }
}

impl Survey {
    /// Reads a spec file.
    pub fn from_path(path: &Path) -> Result<Survey> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Survey::from_str_with_path(&text, path)
    }

    /// Parses spec text; relative paths resolve against `path`'s folder.
    pub fn from_str_with_path(text: &str, path: &Path) -> Result<Survey> {
        let file: SurveyFile = toml::from_str(text).map_err(|e| {
            let mut loc = Location::file(path);
            if let Some(span) = e.span() {
                loc = loc.at_line(line_col(text, span.start).0);
            }
            Error::config(loc, format!("invalid survey spec: {}", e.message().trim()))
        })?;
        let line = |span: std::ops::Range<usize>| line_col(text, span.start).0;
        let lines = SpecLines {
            questions: file
                .closed
                .iter()
                .map(|c| c.span())
                .chain(file.open.iter().map(|o| o.span()))
                .map(line)
                .collect(),
            segments: file.segment.iter().map(|s| line(s.span())).collect(),
            order: file.order.iter().map(|o| line(o.span())).collect(),
            types: file.respondent_type.as_ref().map(|t| line(t.span())),
        };
        let dir = path.parent().unwrap_or(Path::new(""));
        let resolve = |p: Option<String>| p.map(|p| dir.join(p));
        let mut closed = Vec::new();
        for (c, &at) in file.closed.into_iter().zip(&lines.questions) {
            let c = c.into_inner();
            let bad = |msg: String| Error::config(Location::file(path).at_line(at), msg);
            if c.options.is_empty() {
                return Err(bad(format!("closed question `{}` has no options", c.id)));
            }
            // closed_answers.csv and crosstabs.csv name the rows of no answer and of
            // unrecognised answers so: an option of that name could not be told apart.
            if let Some(o) = c.options.iter().find(|o| {
                let o = o.trim();
                o.eq_ignore_ascii_case("(nil)") || o.eq_ignore_ascii_case("(unrecognised)")
            }) {
                return Err(bad(format!(
                    "closed question `{}`: option {o:?} is the name the outputs give to no answer or to \
                     unrecognised answers: call it something else",
                    c.id
                )));
            }
            let mut aliases = vec![Vec::new(); c.options.len()];
            for (opt, list) in c.aliases {
                let i = c.options.iter().position(|o| fold_label(o) == fold_label(&opt)).ok_or_else(|| {
                    bad(format!(
                        "closed question `{}`: aliases given for `{opt}`, which is not one of its options",
                        c.id
                    ))
                })?;
                aliases[i].extend(list);
            }
            // Two spellings of the spec that read as one would send one option's
            // answers to the other unseen.
            let listed = c.options.iter().enumerate().map(|(i, o)| (o.as_str(), i));
            let given = aliases
                .iter()
                .enumerate()
                .flat_map(|(i, a): (usize, &Vec<String>)| a.iter().map(move |a| (a.as_str(), i)));
            let spellings = match fold_spellings(listed.chain(given)) {
                Ok(spellings) => spellings,
                Err(Clash::NoLetter(spelling)) => {
                    return Err(bad(format!(
                        "closed question `{}`: option or alias {spelling:?} has no letter or digit to match answers on",
                        c.id
                    )));
                }
                Err(Clash::Same { first: (other, j), then: (spelling, i) }) => {
                    // `"No" (an alias of "Yes") and "No"`, not `"No" and "No"`.
                    let named = |spelling: &str, i: usize| {
                        let option = &c.options[i];
                        if spelling == option {
                            format!("option {spelling:?}")
                        } else {
                            format!("{spelling:?} (an alias of {option:?})")
                        }
                    };
                    return Err(bad(format!(
                        "closed question `{}`: {} and {} {SAME_ANSWER}",
                        c.id,
                        named(other, j),
                        named(spelling, i)
                    )));
                }
            };
            // In a list, an option named by others joined (`Yes, strongly` beside `Yes`
            // and `Strongly`) could be either: `Yes;Strongly;` would read as the one.
            // (Over `columns`, a cell is a choice: only line breaks join them.)
            if c.multiple && c.columns.as_ref().is_none_or(Vec::is_empty) {
                for (_, spelling, i) in &spellings {
                    let pieces: Vec<String> =
                        spelling.split(is_list_separator).map(fold_label).filter(|k| !k.is_empty()).collect();
                    let named =
                        |k: &String| spellings.iter().find(|(key, _, j)| key == k && j != i).map(|(_, s, _)| *s);
                    if pieces.len() >= 2 && pieces.iter().all(|k| named(k).is_some()) {
                        let parts: Vec<String> = pieces.iter().filter_map(named).map(|s| format!("{s:?}")).collect();
                        return Err(bad(format!(
                            "closed question `{}` takes several answers, and {spelling:?} reads as {} listed together: \
                             rename one so that a list says which",
                            c.id,
                            parts.join(" and ")
                        )));
                    }
                }
            }
            if let Some(n) = &c.nil_into {
                if !c.options.iter().any(|o| o == n) {
                    return Err(bad(format!("closed question `{}`: nil_into `{n}` is not one of its options", c.id)));
                }
                // A respondent who ticked nothing did not choose `n` among others: the
                // share choosing it would count people who chose nothing.
                if c.multiple {
                    return Err(bad(format!(
                        "closed question `{}` takes several answers (multiple = true), so no answer cannot be \
                         merged into `{n}`: leave nil_into out",
                        c.id
                    )));
                }
            }
            if c.multiple && c.options.len() > MAX_MULTIPLE_OPTIONS {
                return Err(bad(format!(
                    "closed question `{}` takes several answers (multiple = true) and has {} options: at most \
                     {MAX_MULTIPLE_OPTIONS}",
                    c.id,
                    c.options.len()
                )));
            }
            if c.columns.as_ref().is_some_and(Vec::is_empty) {
                return Err(bad(format!("closed question `{}`: `columns` is empty: list its columns", c.id)));
            }
            let mut columns = Vec::new();
            let mut filled = Vec::new();
            for entry in c.columns.unwrap_or_default() {
                match entry {
                    ColumnEntry::Cells(name) => columns.push(name),
                    ColumnEntry::Filled { column, option } => {
                        let Some(i) = c.options.iter().position(|o| fold_label(o) == fold_label(&option)) else {
                            return Err(bad(format!(
                                "closed question `{}`: column {column:?} counts as {option:?}, which is not one of \
                                 its options",
                                c.id
                            )));
                        };
                        filled.push((column, c.options[i].clone()));
                    }
                }
            }
            if !filled.is_empty() && columns.is_empty() {
                return Err(bad(format!(
                    "closed question `{}`: `columns` needs a column whose cells list options, beside those that \
                     count as one when filled",
                    c.id
                )));
            }
            let all: Vec<&String> = columns.iter().chain(filled.iter().map(|(c, _)| c)).collect();
            if let Some(twice) = all.iter().enumerate().find(|(i, a)| all[..*i].contains(a)).map(|(_, a)| a) {
                return Err(bad(format!("closed question `{}`: `columns` lists {twice:?} twice", c.id)));
            }
            let (column, also) = match (c.column, columns.split_first()) {
                (column, None) => (column.unwrap_or_else(|| c.id.clone()), Vec::new()),
                (None, Some(_)) if !c.multiple => {
                    return Err(bad(format!(
                        "closed question `{}`: `columns` lists the columns of a question that takes several \
                         answers: add multiple = true, or give one `column`",
                        c.id
                    )));
                }
                (None, Some((first, rest))) => (first.clone(), rest.to_vec()),
                (Some(_), Some(_)) => {
                    return Err(bad(format!("closed question `{}`: give `column` or `columns`, not both", c.id)));
                }
            };
            closed.push(ClosedQuestion {
                column,
                also,
                filled,
                id: c.id,
                text: c.text,
                options: c.options,
                aliases,
                nil_into: c.nil_into,
                multiple: c.multiple,
            });
        }
        let open: Vec<OpenQuestion> = file
            .open
            .into_iter()
            .map(Spanned::into_inner)
            .map(|o| OpenQuestion {
                column: o.column.unwrap_or_else(|| o.id.clone()),
                id: o.id,
                text: o.text,
                non_answers: o.non_answers,
                answers: o.answers,
            })
            .collect();
        let survey = Survey {
            title: file.title.unwrap_or_else(|| "Survey".to_string()),
            id_column: file.id_column,
            respondent_types: file.respondent_type.map(Spanned::into_inner).map(|t| RespondentTypes {
                column: t.column,
                default: t.default,
                types: t.types.into_iter().map(|t| RespondentType { name: t.name, aliases: t.aliases }).collect(),
            }),
            closed,
            open,
            segments: file
                .segment
                .into_iter()
                .map(Spanned::into_inner)
                .map(|s| Segment { column: s.column.unwrap_or_else(|| s.id.clone()), id: s.id })
                .collect(),
            non_answers: file.non_answers,
            answers: file.answers,
            lexicon: resolve(file.lexicon),
            responses: resolve(file.responses),
            read: ReadHints {
                sheet: file.sheet,
                encoding: file.encoding,
                delimiter: file.delimiter,
                header_rows: file.header_rows,
                keep_html: file.keep_html,
            },
            order: file.order.into_iter().map(Spanned::into_inner).collect(),
            source: path.to_path_buf(),
        };
        survey.validate(&lines)?;
        Ok(survey)
    }

    /// A survey with only an id column and open text columns (for any CSV).
    pub fn ad_hoc(id_column: Option<String>, text_columns: &[String]) -> Survey {
        Survey {
            title: "Responses".to_string(),
            id_column,
            respondent_types: None,
            closed: Vec::new(),
            open: text_columns
                .iter()
                .map(|c| OpenQuestion {
                    id: c.clone(),
                    column: c.clone(),
                    text: String::new(),
                    non_answers: Vec::new(),
                    answers: Vec::new(),
                })
                .collect(),
            segments: Vec::new(),
            non_answers: Vec::new(),
            answers: Vec::new(),
            lexicon: None,
            responses: None,
            read: ReadHints::default(),
            order: Vec::new(),
            source: PathBuf::from("<command line>"),
        }
    }

    /// Checks what no single table of the spec shows; errors name the line of the
    /// table or entry at fault, from `lines`.
    fn validate(&self, lines: &SpecLines) -> Result<()> {
        let bad_at = |line: Option<&u64>, msg: String| {
            let at = Location::file(&self.source);
            Error::config(
                match line {
                    Some(&line) => at.at_line(line),
                    None => at,
                },
                msg,
            )
        };
        let bad = |msg: String| bad_at(None, msg);
        let mut ids = FxHashSet::default();
        for (i, id) in self.closed.iter().map(|c| &c.id).chain(self.open.iter().map(|o| &o.id)).enumerate() {
            let bad = |msg: String| bad_at(lines.questions.get(i), msg);
            // Question ids head the reports' sections and fill codes.csv's question column.
            if id.trim().is_empty() {
                return Err(bad("a question has an empty id: give each [[open]] and [[closed]] an id".to_string()));
            }
            if !ids.insert(id.as_str()) {
                return Err(bad(format!("question id `{id}` is used twice")));
            }
        }
        let mut segments = FxHashSet::default();
        for (i, id) in self.segments.iter().map(|s| &s.id).enumerate() {
            let bad = |msg: String| bad_at(lines.segments.get(i), msg);
            if id.trim().is_empty() {
                return Err(bad("a [[segment]] has an empty id".to_string()));
            }
            if !segments.insert(id.as_str()) {
                return Err(bad(format!("segment id `{id}` is used twice: its breakdown would be reported twice")));
            }
        }
        if self.open.is_empty() && self.closed.is_empty() {
            return Err(bad("the survey has no questions: add [[open]] or [[closed]] tables".to_string()));
        }
        let mut ordered = FxHashSet::default();
        for (i, id) in self.order.iter().enumerate() {
            let bad = |msg: String| bad_at(lines.order.get(i), msg);
            if !ids.contains(id.as_str()) {
                return Err(bad(format!("order lists `{id}`, which is not a question")));
            }
            if !ordered.insert(id.as_str()) {
                return Err(bad(format!("order lists `{id}` twice: its section would be reported twice")));
            }
        }
        if let Some(t) = &self.respondent_types {
            let bad = |msg: String| bad_at(lines.types.as_ref(), msg);
            if t.types.is_empty() {
                return Err(bad(
                    "respondent_type lists no types: list them (`types = [{ name = \"Individual\" }, ...]`), \
                     or leave [respondent_type] out"
                        .to_string(),
                ));
            }
            if !t.types.iter().any(|x| x.name == t.default) {
                return Err(bad(format!("respondent_type.default `{}` is not one of the types", t.default)));
            }
            // Two spellings that read as one would count one type's respondents under
            // the other, and show the other with none, without a word.
            let named = |spelling: &str, i: usize| {
                let name = &t.types[i].name;
                if spelling == name { format!("{spelling:?}") } else { format!("{spelling:?} (an alias of {name:?})") }
            };
            let all = t
                .types
                .iter()
                .enumerate()
                .flat_map(|(i, x)| std::iter::once(&x.name).chain(&x.aliases).map(move |s| (s.as_str(), i)));
            match fold_spellings(all) {
                Ok(_) => {}
                Err(Clash::NoLetter(spelling)) => {
                    return Err(bad(format!(
                        "respondent type or alias {spelling:?} has no letter or digit to match answers on"
                    )));
                }
                Err(Clash::Same { first: (other, j), then: (spelling, i) }) => {
                    return Err(bad(format!(
                        "respondent types {} and {} {SAME_ANSWER}",
                        named(other, j),
                        named(spelling, i)
                    )));
                }
            }
        }
        Ok(())
    }

    /// Every column the survey reads, in spec order: id, respondent type, closed and
    /// open questions, segments.
    pub fn column_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        names.extend(self.id_column.as_deref());
        names.extend(self.respondent_types.as_ref().map(|t| t.column.as_str()));
        for q in &self.closed {
            names.extend(
                std::iter::once(&q.column).chain(&q.also).chain(q.filled.iter().map(|(c, _)| c)).map(String::as_str),
            );
        }
        names.extend(self.open.iter().map(|q| q.column.as_str()));
        names.extend(self.segments.iter().map(|s| s.column.as_str()));
        names
    }

    /// Ids of the open questions.
    pub fn open_ids(&self) -> Vec<&str> {
        self.open.iter().map(|o| o.id.as_str()).collect()
    }

    /// Question ids in report order: `order` if given, else closed and open questions
    /// interleaved by column order is not known here, so closed then open.
    pub fn report_order(&self) -> Vec<String> {
        if !self.order.is_empty() {
            let mut order = self.order.clone();
            for id in self.closed.iter().map(|c| &c.id).chain(self.open.iter().map(|o| &o.id)) {
                if !order.contains(id) {
                    order.push(id.clone());
                }
            }
            return order;
        }
        self.closed.iter().map(|c| c.id.clone()).chain(self.open.iter().map(|o| o.id.clone())).collect()
    }

    /// Names of the respondent types in report order, the default included.
    pub fn type_names(&self) -> Vec<String> {
        match &self.respondent_types {
            None => Vec::new(),
            Some(t) => {
                let mut names: Vec<String> = t.types.iter().map(|x| x.name.clone()).collect();
                if !names.contains(&t.default) {
                    names.push(t.default.clone());
                }
                names
            }
        }
    }
}

/// How two spellings of a spec that read as one are named.
const SAME_ANSWER: &str =
    "read as the same answer (case, spaces and punctuation aside): rename one, or make one an alias of the other";

/// A spelling of a spec (an option, a type or an alias) that cannot be told apart.
enum Clash<'a> {
    /// It has no letter or digit to match answers on.
    NoLetter(&'a str),
    /// It reads as an earlier spelling of something else: (spelling, what it names).
    Same { first: (&'a str, usize), then: (&'a str, usize) },
}

/// Each spelling with its key ([`fold_label`]) and what it names, in order; the first
/// that has no letter or digit, or reads as a spelling of something else (by any of
/// its [`spelling_keys`]), is the error (it would send that one's answers to the other
/// unseen).
fn fold_spellings<'a>(
    spellings: impl Iterator<Item = (&'a str, usize)>,
) -> std::result::Result<Vec<(String, &'a str, usize)>, Clash<'a>> {
    let mut out: Vec<(String, &'a str, usize)> = Vec::new();
    let mut seen: Vec<(String, &'a str, usize)> = Vec::new();
    for (spelling, i) in spellings {
        let keys = spelling_keys(spelling);
        if keys[0].is_empty() {
            return Err(Clash::NoLetter(spelling));
        }
        for key in &keys {
            if let Some(&(_, other, j)) = seen.iter().find(|(k, _, j)| k == key && *j != i) {
                return Err(Clash::Same { first: (other, j), then: (spelling, i) });
            }
        }
        out.push((keys[0].clone(), spelling, i));
        seen.extend(keys.into_iter().map(|k| (k, spelling, i)));
    }
    Ok(out)
}

/// The keys a spelling of the spec (an option, a type or an alias) matches cells on:
/// its [`fold_label`] and, where it holds markup, that of the text it shows read as
/// HTML ([`crate::input::html::plain_text`]), as a run reads cells unless
/// `--keep-html`. So `Org <i>x</i>` names the cell `Org <i>x</i>` both as stored and
/// as read (`Org x`). The first key is always the spelling's own.
fn spelling_keys(spelling: &str) -> Vec<String> {
    let mut keys = vec![fold_label(spelling)];
    if let Cow::Owned(shown) = crate::input::html::plain_text(spelling) {
        let key = fold_label(&shown);
        // A spelling that is all markup (`<br>`) keeps its own key only.
        if !key.is_empty() && key != keys[0] {
            keys.push(key);
        }
    }
    keys
}

/// Fast classification of raw cells, prepared once per run.
#[derive(Debug)]
pub struct Classifier {
    types: Vec<(String, usize)>,
    default_type: usize,
    closed: Vec<Vec<(String, usize)>>,
    /// Per closed question, whether it takes several answers.
    multiple: Vec<bool>,
    /// Per closed question, the most values of a list one of its spellings spans
    /// (`Yes, strongly`: 2).
    longest: Vec<usize>,
    /// Per closed question, what separates the values of a list: any list separator,
    /// or over `columns` (each cell a choice, joined one a line) line breaks only.
    separator: Vec<fn(char) -> bool>,
    /// Non-answers to every question: the built-in list less the survey's `answers`,
    /// with the survey's `non_answers`.
    non_answers: FxHashSet<String>,
    /// Per open question, its own non-answers and the replies it takes as answers.
    open_non_answers: Vec<(FxHashSet<String>, FxHashSet<String>)>,
    /// Longest answer (in bytes, trimmed) that may be a non-answer: a spec may list
    /// longer ones than the built-in [`NON_ANSWER_BYTES`].
    non_answer_bytes: usize,
}

/// How a respondent-type cell was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeCell {
    /// A known type (index into [`Survey::type_names`]).
    Known(usize),
    /// Empty or a non-answer ("Prefer not to say"): the default type applies.
    Defaulted(usize),
    /// A value naming no listed type (`Organization` where the spec lists
    /// `Organisation`): the default type applies.
    Unlisted(usize),
}

/// How a closed-question cell was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClosedCell {
    /// An option (index into the question's options).
    Option(usize),
    /// Empty: a nil response.
    Nil,
    /// A value that is none of the options.
    Unrecognised,
    /// The options chosen in a question that takes several (bit `i`: option `i`), and
    /// whether the cell also held a value that is none of them.
    Chosen {
        /// Options chosen, as bits.
        options: u64,
        /// Whether some value was none of the options.
        unrecognised: bool,
    },
}

impl Classifier {
    /// Prepares the alias tables and the non-answer list of `survey`.
    pub fn new(survey: &Survey) -> Classifier {
        let names = survey.type_names();
        let mut types = Vec::new();
        let mut default_type = 0;
        if let Some(t) = &survey.respondent_types {
            default_type = names.iter().position(|n| *n == t.default).unwrap_or(0);
            for (i, ty) in t.types.iter().enumerate() {
                for spelling in std::iter::once(&ty.name).chain(&ty.aliases) {
                    types.extend(spelling_keys(spelling).into_iter().map(|k| (k, i)));
                }
            }
        }
        let closed = survey
            .closed
            .iter()
            .map(|q| {
                // Every option's own name, then the spec's aliases, then the built-in
                // ones (`no opinion` is Don't know's only where no option is called
                // that); the first spelling wins (the spec refuses clashes of its own).
                let names = q.options.iter().enumerate().map(|(i, o)| (o.as_str(), i));
                let given = q.aliases.iter().enumerate().flat_map(|(i, a)| a.iter().map(move |a| (a.as_str(), i)));
                let builtin =
                    q.options.iter().enumerate().flat_map(|(i, o)| builtin_aliases(o).iter().map(move |a| (*a, i)));
                let mut table: Vec<(String, usize)> = Vec::new();
                for (spelling, i) in names.chain(given).chain(builtin) {
                    for key in spelling_keys(spelling) {
                        if !table.iter().any(|(k, _)| *k == key) {
                            table.push((key, i));
                        }
                    }
                }
                table
            })
            .collect();
        let keys = |list: &[String]| list.iter().map(|s| words_key(s)).collect::<FxHashSet<String>>();
        let answers = keys(&survey.answers);
        let non_answers = DEFAULT_NON_ANSWERS
            .iter()
            .map(|s| words_key(s))
            .filter(|k| !answers.contains(k))
            .chain(survey.non_answers.iter().map(|s| words_key(s)))
            .collect();
        let open_non_answers: Vec<(FxHashSet<String>, FxHashSet<String>)> =
            survey.open.iter().map(|q| (keys(&q.non_answers), keys(&q.answers))).collect();
        // A listed reply may be written with more spaces and punctuation than its key.
        let listed = survey.non_answers.iter().chain(survey.open.iter().flat_map(|q| &q.non_answers));
        let non_answer_bytes = listed.map(|s| 2 * s.trim().len()).fold(NON_ANSWER_BYTES, usize::max);
        let multiple = survey.closed.iter().map(|q| q.multiple).collect();
        let separator: Vec<fn(char) -> bool> = survey
            .closed
            .iter()
            .map(|q| {
                if q.also.is_empty() && q.filled.is_empty() {
                    is_list_separator as fn(char) -> bool
                } else {
                    |c| matches!(c, '\n' | '\r')
                }
            })
            .collect();
        let longest = survey
            .closed
            .iter()
            .zip(&separator)
            .map(|(q, &sep)| {
                let pieces = |s: &String| s.split(sep).filter(|p| !p.trim().is_empty()).count();
                q.options.iter().chain(q.aliases.iter().flatten()).map(pieces).max().unwrap_or(1).max(1)
            })
            .collect();
        Classifier {
            types,
            default_type,
            closed,
            multiple,
            longest,
            separator,
            non_answers,
            open_non_answers,
            non_answer_bytes,
        }
    }

    /// Reads a respondent-type cell.
    pub fn respondent_type(&self, cell: &str) -> TypeCell {
        let mut buf = [0u8; NON_ANSWER_BYTES];
        let key = label_key(cell, &mut buf);
        match self.types.iter().find(|(k, _)| *k == key) {
            Some(&(_, i)) => TypeCell::Known(i),
            None if key.is_empty() || self.is_non_answer(cell) => TypeCell::Defaulted(self.default_type),
            None => TypeCell::Unlisted(self.default_type),
        }
    }

    /// Reads the cell of closed question `q` (index into [`Survey::closed`]).
    pub fn closed(&self, q: usize, cell: &str) -> ClosedCell {
        let cell = cell.trim();
        if cell.is_empty() {
            return ClosedCell::Nil;
        }
        let mut buf = [0u8; NON_ANSWER_BYTES];
        let key = label_key(cell, &mut buf);
        if key.is_empty() {
            return ClosedCell::Nil;
        }
        if self.multiple[q] {
            return self.several(q, cell);
        }
        match self.option(q, &key) {
            Some(i) => ClosedCell::Option(i),
            None if self.says_no_option(cell) => ClosedCell::Nil,
            None => ClosedCell::Unrecognised,
        }
    }

    /// Whether a closed answer naming none of its question's options chose none:
    /// `N/A`, `Not Answered` (SmartSurvey's blank), `Prefer not to say` where no option
    /// is called that, as in an open question; and every spelling of Don't know
    /// (`DK`, `Undecided`) where no option is Don't know, as `Don't know` itself is.
    fn says_no_option(&self, cell: &str) -> bool {
        self.is_non_answer(cell) || builtin_option(cell) == Some("Don't know")
    }

    /// The option of closed question `q` whose key is `key`.
    fn option(&self, q: usize, key: &str) -> Option<usize> {
        self.closed[q].iter().find(|(k, _)| *k == key).map(|&(_, i)| i)
    }

    /// Reads a non-empty cell of a question that takes several answers: the options it
    /// lists, separated by `,` `;` `|` or line breaks, as Google Forms (`A, B`),
    /// Qualtrics (`A,B`) and Microsoft Forms (`A;B;`) write them. An option whose name
    /// holds a separator (`Yes, strongly`) is read whole: from each value on, the
    /// longest run of values that names an option is taken.
    fn several(&self, q: usize, cell: &str) -> ClosedCell {
        let mut values: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        // The end of the cell ends its last value, as a separator would.
        for (at, c) in cell.char_indices().map(|(at, c)| (at, Some(c))).chain([(cell.len(), None)]) {
            if c.is_none_or(self.separator[q]) {
                if !cell[start..at].trim().is_empty() {
                    values.push((start, at));
                }
                start = at + c.map_or(0, char::len_utf8);
            }
        }
        let (mut options, mut unrecognised) = (0u64, false);
        let mut i = 0;
        while i < values.len() {
            let found = (i..values.len().min(i + self.longest[q])).rev().find_map(|j| {
                let text = &cell[values[i].0..values[j].1];
                let mut buf = [0u8; NON_ANSWER_BYTES];
                self.option(q, &label_key(text, &mut buf)).map(|o| (j, o))
            });
            match found {
                Some((j, o)) => {
                    options |= 1 << o;
                    i = j + 1;
                }
                None => {
                    // A value with no letter or digit (`-`) or a non-answer (`N/A`)
                    // says nothing.
                    unrecognised |= !self.says_no_option(&cell[values[i].0..values[i].1]);
                    i += 1;
                }
            }
        }
        match (options, unrecognised) {
            (0, false) => ClosedCell::Nil,
            (0, true) => ClosedCell::Unrecognised,
            (options, unrecognised) => ClosedCell::Chosen { options, unrecognised },
        }
    }

    /// Whether an open answer says nothing: empty, only punctuation, or a non-answer
    /// to any question.
    pub fn is_non_answer(&self, text: &str) -> bool {
        self.non_answer_key(text, |key| self.non_answers.contains(key))
    }

    /// Whether an answer to open question `q` (its index in the survey) says nothing:
    /// as [`is_non_answer`](Self::is_non_answer), with the question's own `non_answers`
    /// and `answers`.
    pub fn is_non_answer_to(&self, q: usize, text: &str) -> bool {
        let (more, answers) = &self.open_non_answers[q];
        self.non_answer_key(text, |key| {
            !answers.contains(key) && (self.non_answers.contains(key) || more.contains(key))
        })
    }

    /// Whether `text` is blank or only punctuation, or its words' key is one `listed`.
    fn non_answer_key(&self, text: &str, listed: impl Fn(&str) -> bool) -> bool {
        let text = text.trim();
        if text.is_empty() {
            return true;
        }
        // Non-answers are short; anything long enough to say something is an answer.
        if text.len() > self.non_answer_bytes {
            return false;
        }
        let mut buf = [0u8; NON_ANSWER_BYTES];
        let key = match ascii_words_key(text, &mut buf) {
            Some(key) => Cow::Borrowed(key),
            None => Cow::Owned(words_key(text)),
        };
        key.is_empty() || listed(key.as_ref())
    }
}

/// Whether `c` separates the values of a list in a cell of a question that takes
/// several answers (full-width forms too).
fn is_list_separator(c: char) -> bool {
    matches!(c, ',' | ';' | '|' | '\n' | '\r' | '\u{FF0C}' | '\u{FF1B}' | '\u{3001}')
}

/// [`fold_label`] of `s`, built in `buf` when it is short ASCII (closed answers and
/// respondent types are read on every row, and nearly always are).
fn label_key<'b>(s: &str, buf: &'b mut [u8]) -> Cow<'b, str> {
    match ascii_fold_label(s, buf) {
        Some(key) => Cow::Borrowed(key),
        None => Cow::Owned(fold_label(s)),
    }
}

/// [`fold_label`] of an ASCII text of up to `buf.len()` bytes, built in `buf`; `None`
/// if the text is not ASCII or is too long.
fn ascii_fold_label<'b>(s: &str, buf: &'b mut [u8]) -> Option<&'b str> {
    if !s.is_ascii() || s.len() > buf.len() {
        return None;
    }
    let bytes = s.as_bytes();
    let mut n = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let kept = if b.is_ascii_alphanumeric() {
            Some(b.to_ascii_lowercase())
        } else if matches!(b, b'-' | b'<' | b'>' | b'.' | b',' | b'+') {
            let at = |j: Option<usize>| j.and_then(|j| bytes.get(j)).map(|&b| char::from(b));
            number_sign(char::from(b), at(i.checked_sub(1)), at(Some(i + 1))).map(|c| c as u8)
        } else {
            None
        };
        if let Some(k) = kept {
            buf[n] = k;
            n += 1;
        }
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// Longest answer (in bytes, trimmed) that may be one of the built-in non-answers, and
/// the longest label read without allocating.
const NON_ANSWER_BYTES: usize = 64;

/// [`words_key`] of an ASCII text of up to `buf.len()` bytes, built in `buf` (the key
/// is never longer than the text); `None` if the text is not ASCII or is too long.
fn ascii_words_key<'b>(s: &str, buf: &'b mut [u8]) -> Option<&'b str> {
    if !s.is_ascii() || s.len() > buf.len() {
        return None;
    }
    let mut n = 0;
    let mut gap = false;
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() {
            if gap && n > 0 {
                buf[n] = b' ';
                n += 1;
            }
            gap = false;
            buf[n] = b.to_ascii_lowercase();
            n += 1;
        } else if b != b'\'' {
            gap = true;
        }
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// The normalised words of `s` joined by single spaces, apostrophes dropped: letters
/// and digits lowercased, every other run of characters a single space. (No analyser
/// needed: non-answers are compared on this cheap key, computed for every short answer.)
fn words_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else if !matches!(c, '\'' | '\u{2019}') {
            gap = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The ASCII key is the general one, built without allocating.
        #[test]
        fn ascii_words_key_is_words_key(s in "[ -~]{0,64}") {
            let mut buf = [0u8; NON_ANSWER_BYTES];
            let want = words_key(&s);
            prop_assert_eq!(ascii_words_key(&s, &mut buf), Some(want.as_str()));
        }

        /// The ASCII label fold is the general one, built without allocating.
        #[test]
        fn ascii_fold_label_is_fold_label(s in "[ -~]{0,64}") {
            let mut buf = [0u8; NON_ANSWER_BYTES];
            let want = fold_label(&s);
            prop_assert_eq!(ascii_fold_label(&s, &mut buf), Some(want.as_str()));
        }
    }

    const SPEC: &str = r#"
title = "T"
id_column = "id"
lexicon = "lex.toml"
non_answers = ["as per my letter"]

[respondent_type]
column = "type"
default = "Member of the public"
types = [
  { name = "Charity", aliases = ["voluntary sector"] },
  { name = "Member of the public" },
]

[[closed]]
id = "q1"
options = ["Yes", "No", "Don't know"]
aliases = { "Don't know" = ["Maybe"] }
nil_into = "Don't know"

[[open]]
id = "q1_text"
"#;

    fn survey() -> Survey {
        Survey::from_str_with_path(SPEC, Path::new("data/s/survey.toml")).unwrap()
    }

    #[test]
    fn reads_spec_and_resolves_paths() {
        let s = survey();
        assert_eq!(s.lexicon, Some(PathBuf::from("data/s/lex.toml")));
        assert_eq!(s.closed[0].column, "q1");
        assert_eq!(s.open[0].column, "q1_text");
        assert_eq!(s.report_order(), ["q1", "q1_text"]);
    }

    #[test]
    fn closed_cells_accept_spelling_variants() {
        let s = survey();
        let c = Classifier::new(&s);
        for (cell, want) in [
            ("Yes", ClosedCell::Option(0)),
            ("YES ", ClosedCell::Option(0)),
            ("y", ClosedCell::Option(0)),
            ("no", ClosedCell::Option(1)),
            ("Dont know", ClosedCell::Option(2)),
            ("Don\u{2019}t know", ClosedCell::Option(2)),
            ("Dón't knów", ClosedCell::Option(2)),
            ("DK", ClosedCell::Option(2)),
            ("Not sure", ClosedCell::Option(2)),
            ("maybe", ClosedCell::Option(2)),
            ("", ClosedCell::Nil),
            ("  ", ClosedCell::Nil),
            ("Perhaps", ClosedCell::Unrecognised),
            // Non-answers no option is called: no answer, not an unrecognised one.
            ("N/A", ClosedCell::Nil),
            ("Not Answered", ClosedCell::Nil),
            ("Prefer not to say", ClosedCell::Nil),
        ] {
            assert_eq!(c.closed(0, cell), want, "{cell:?}");
        }
    }

    /// Found by a tester (qa-spec): where no option is Don't know, `Don't know` and
    /// `Not sure` were no answer but `DK` and `Undecided` unrecognised, so that three
    /// people saying the same were counted in two rows.
    #[test]
    fn every_dont_know_is_no_answer_where_no_option_is_dont_know() {
        let single = "[[closed]]\nid = \"s\"\noptions = [\"Yes\", \"No\"]\n";
        let several = "[[closed]]\nid = \"s\"\nmultiple = true\noptions = [\"Email\", \"Post\"]\n";
        for spec in [single, several] {
            let s = Survey::from_str_with_path(spec, Path::new("s.toml")).unwrap();
            let c = Classifier::new(&s);
            for cell in ["Don't know", "DK", "Undecided", "not sure", "No opinion", "do not know"] {
                assert_eq!(c.closed(0, cell), ClosedCell::Nil, "{spec} {cell:?}");
            }
            assert_eq!(c.closed(0, "Maybe"), ClosedCell::Unrecognised, "{spec}");
        }
        let s = Survey::from_str_with_path(several, Path::new("s.toml")).unwrap();
        let chosen = ClosedCell::Chosen { options: 0b1, unrecognised: false };
        assert_eq!(Classifier::new(&s).closed(0, "Email; DK"), chosen);
    }

    /// A question that takes several answers reads each value of a list, whatever the
    /// separator; an option holding one (`Yes, strongly`) whole; values no option names
    /// as unrecognised beside the options chosen.
    #[test]
    fn several_answers_are_read_from_one_cell() {
        let spec = "[[closed]]\nid = \"s\"\nmultiple = true\n\
                    options = [\"Victim\", \"Family member\", \"Yes, strongly\", \"Don't know\"]\n";
        let s = Survey::from_str_with_path(spec, Path::new("s.toml")).unwrap();
        let c = Classifier::new(&s);
        let chosen = |options: u64, unrecognised: bool| ClosedCell::Chosen { options, unrecognised };
        for (cell, want) in [
            ("Victim, Family member", chosen(0b11, false)),
            ("Family member;Victim;", chosen(0b11, false)),
            ("victim | FAMILY MEMBER\nDK", chosen(0b1011, false)),
            ("Yes, strongly, Victim", chosen(0b101, false)),
            ("Yes, strongly", chosen(0b100, false)),
            ("Victim; Something else", chosen(0b1, true)),
            ("Victim, -", chosen(0b1, false)),
            ("Victim; N/A", chosen(0b1, false)),
            ("N/A", ClosedCell::Nil),
            ("Something else", ClosedCell::Unrecognised),
            ("Yes", ClosedCell::Unrecognised),
            (" , ; ", ClosedCell::Nil),
            ("", ClosedCell::Nil),
        ] {
            assert_eq!(c.closed(0, cell), want, "{cell:?}");
        }
        assert_eq!(c.closed(0, "Victim，Family member"), chosen(0b11, false));
        // An option of many parts is read whole.
        let long = "Phone, email, post, fax, text, in person, by letter, online, via a friend";
        let spec = format!("[[closed]]\nid = \"s\"\nmultiple = true\noptions = [\"{long}\", \"None\"]\n");
        let s = Survey::from_str_with_path(&spec, Path::new("s.toml")).unwrap();
        assert_eq!(Classifier::new(&s).closed(0, &format!("None; {long}")), chosen(0b11, false));
        // An option that others joined name is refused: a list could not say which.
        let spec = "[[closed]]\nid = \"s\"\nmultiple = true\noptions = [\"Yes\", \"Strongly\", \"Yes, strongly\"]\n";
        let err = Survey::from_str_with_path(spec, Path::new("s.toml")).unwrap_err().to_string();
        assert!(err.contains("\"Yes, strongly\" reads as \"Yes\" and \"Strongly\" listed together"), "{err}");
        let many: Vec<String> = (0..65).map(|i| format!("\"o{i}\"")).collect();
        let spec = format!("[[closed]]\nid = \"s\"\nmultiple = true\noptions = [{}]\n", many.join(", "));
        let err = Survey::from_str_with_path(&spec, Path::new("s.toml")).unwrap_err().to_string();
        assert!(err.contains("has 65 options: at most 64"), "{err}");
    }

    fn closed_spec(options: &str, aliases: &str) -> Result<Survey> {
        let spec = format!("[[closed]]\nid = \"s\"\noptions = {options}\naliases = {{ {aliases} }}\n");
        Survey::from_str_with_path(&spec, Path::new("s.toml"))
    }

    /// Respondent types whose spellings read as one, a list of no types, empty ids and
    /// a segment given twice were taken: one type's respondents were counted under the
    /// other (shown with none), codes.csv had an empty question, a breakdown showed twice.
    #[test]
    fn spec_mistakes_that_misreport_are_refused() {
        let spec = |body: &str| {
            let text = format!("[[open]]\nid = \"why\"\n{body}");
            Survey::from_str_with_path(&text, Path::new("s.toml")).map(|_| ()).map_err(|e| e.to_string())
        };
        let types =
            |list: &str| spec(&format!("[respondent_type]\ncolumn = \"type\"\ndefault = \"A\"\ntypes = {list}\n"));
        let err = types(r#"[{ name = "A", aliases = ["B"] }, { name = "B" }]"#).unwrap_err();
        assert!(err.contains(r#"respondent types "B" (an alias of "A") and "B" read as the same answer"#), "{err}");
        let err = types(r#"[{ name = "A" }, { name = "Yes" }, { name = "YES" }]"#).unwrap_err();
        assert!(err.contains(r#""Yes" and "YES" read as the same answer"#), "{err}");
        let err = types(r#"[{ name = "A" }, { name = "" }]"#).unwrap_err();
        assert!(err.contains(r#""" has no letter or digit"#), "{err}");
        let err = types("[]").unwrap_err();
        assert!(err.contains("lists no types"), "{err}");
        // A type's own aliases may fold to its name.
        types(r#"[{ name = "A", aliases = ["a.", "B"] }, { name = "Yes" }]"#).unwrap();
        let err = spec("[[open]]\nid = \" \"\ncolumn = \"other\"\n").unwrap_err();
        assert!(err.contains("a question has an empty id"), "{err}");
        let err = spec("[[segment]]\nid = \"q1\"\n[[segment]]\nid = \"q1\"\n").unwrap_err();
        assert!(err.contains("segment id `q1` is used twice"), "{err}");
        let err = spec("[[segment]]\nid = \"\"\ncolumn = \"q1\"\n").unwrap_err();
        assert!(err.contains("a [[segment]] has an empty id"), "{err}");
    }

    /// Signs and decimal points tell numbers apart (`-1` was `1`, `2.5` was `25`, `<18`
    /// was `18+`), while hyphens, spaces and apostrophes between words still fold away.
    #[test]
    fn labels_keep_what_makes_a_number() {
        for (a, b) in [("-1", "1"), ("2.5", "25"), ("<18", "18+"), ("18+", "18"), (">5", "5"), ("\u{2212}3", "3")] {
            assert_ne!(fold_label(a), fold_label(b), "{a} {b}");
        }
        for (a, b) in
            [("18-24", "18 - 24"), ("Don't know", "DONT-KNOW"), ("2,5", "2.5"), ("\u{2212}3", "-3"), ("No.", "no")]
        {
            assert_eq!(fold_label(a), fold_label(b), "{a} {b}");
        }
        let s = closed_spec(r#"["-2", "-1", "0", "1", "2", "<18", "18+"]"#, "").unwrap();
        let c = Classifier::new(&s);
        for (cell, want) in [("-1", 1), (" 1", 3), ("-2", 0), ("+2", 4), ("18+", 6), ("<18", 5)] {
            assert_eq!(c.closed(0, cell), ClosedCell::Option(want), "{cell:?}");
        }
        assert_eq!(c.closed(0, "2.5"), ClosedCell::Unrecognised);
    }

    /// A built-in alias (`no opinion` is Don't know) does not take the answers of an
    /// option the spec lists under that name; the spec's own spellings may not clash.
    #[test]
    fn listed_options_come_before_built_in_aliases() {
        let s = closed_spec(r#"["Yes", "No", "Don't know", "No opinion", "Undecided"]"#, "").unwrap();
        let c = Classifier::new(&s);
        for (cell, want) in [("no opinion", 3), ("UNDECIDED", 4), ("dk", 2), ("not sure", 2), ("nope", 1)] {
            assert_eq!(c.closed(0, cell), ClosedCell::Option(want), "{cell:?}");
        }
        let err = closed_spec(r#"["Yes", "yes "]"#, "").unwrap_err().to_string();
        assert!(err.contains(r#"option "Yes" and option "yes " read as the same answer"#), "{err}");
        let err = closed_spec(r#"["Agree", "Disagree"]"#, r#""Agree" = ["dis-agree"]"#).unwrap_err().to_string();
        assert!(err.contains(r#"option "Disagree" and "dis-agree" (an alias of "Agree") read as the same"#), "{err}");
        // Found by a tester (qa-spec): this said `"No" and "No"`, naming neither.
        let err = closed_spec(r#"["Yes", "No"]"#, r#""Yes" = ["No"]"#).unwrap_err().to_string();
        assert!(err.contains(r#"option "No" and "No" (an alias of "Yes") read as the same"#), "{err}");
        let err = closed_spec(r#"["Yes", "?"]"#, "").unwrap_err().to_string();
        assert!(err.contains("\"?\" has no letter or digit"), "{err}");
        closed_spec(r#"["Agree", "Disagree"]"#, r#""Agree" = ["agree!", "A"]"#).unwrap();
        // Accents fold as case does: two options told apart by them alone clash.
        let err = closed_spec(r#"["Résumé", "Resume"]"#, "").unwrap_err().to_string();
        assert!(err.contains(r#"option "Résumé" and option "Resume" read as the same answer"#), "{err}");
        let s = closed_spec(r#"["Café owner", "Other"]"#, "").unwrap();
        assert_eq!(Classifier::new(&s).closed(0, "cafe OWNER"), ClosedCell::Option(0));
    }

    #[test]
    fn builtin_options_cover_common_spellings() {
        for (cell, want) in [
            ("YES ", Some("Yes")),
            ("y", Some("Yes")),
            ("Nope", Some("No")),
            ("DK", Some("Don't know")),
            ("Don\u{2019}t know", Some("Don't know")),
            ("not sure", Some("Don't know")),
            ("Maybe", None),
            ("", None),
        ] {
            assert_eq!(builtin_option(cell), want, "{cell:?}");
        }
    }

    #[test]
    fn respondent_types_default_when_unknown() {
        let s = survey();
        let c = Classifier::new(&s);
        assert_eq!(c.respondent_type("charity "), TypeCell::Known(0));
        assert_eq!(c.respondent_type("Voluntary Sector"), TypeCell::Known(0));
        assert_eq!(c.respondent_type(""), TypeCell::Defaulted(1));
        assert_eq!(c.respondent_type("Prefer not to say"), TypeCell::Defaulted(1));
        assert_eq!(c.respondent_type(" - "), TypeCell::Defaulted(1));
        // Issue (t23-1, 2): a type the spec does not list is told apart from none.
        assert_eq!(c.respondent_type("Charitable trust"), TypeCell::Unlisted(1));
    }

    /// Found by a tester (qa-D h1): cells are read as HTML (`Org <i>x</i> | y` as
    /// `Org x | y`) but the spec's names were not, so a type or an option named with
    /// markup matched no cell. Both spellings now match, and two names that read alike
    /// once the markup goes are refused.
    #[test]
    fn names_with_markup_match_cells_as_read_and_as_stored() {
        let spec = r#"
[respondent_type]
column = "type"
default = "Public"
types = [ { name = "Public" }, { name = "Org <i>x</i> | y" } ]
[[closed]]
id = "c"
options = ["A <b>B</b>", "No"]
"#;
        let s = Survey::from_str_with_path(spec, Path::new("s.toml")).unwrap();
        let c = Classifier::new(&s);
        for cell in ["Org x | y", "Org <i>x</i> | y", "org X y"] {
            assert_eq!(c.respondent_type(cell), TypeCell::Known(1), "{cell:?}");
        }
        assert_eq!(c.respondent_type("Org"), TypeCell::Unlisted(0));
        for cell in ["A B", "A <b>B</b>"] {
            assert_eq!(c.closed(0, cell), ClosedCell::Option(0), "{cell:?}");
        }
        let clash = "[respondent_type]\ncolumn = \"t\"\ndefault = \"A\"\ntypes = [{ name = \"A\" }, { name = \"<b>A</b>\" }]\n\
                     [[closed]]\nid = \"c\"\noptions = [\"Yes\"]\n";
        let err = Survey::from_str_with_path(clash, Path::new("s.toml")).unwrap_err().to_string();
        assert!(err.contains("read as the same answer"), "{err}");
    }

    #[test]
    fn non_answers() {
        let s = survey();
        let c = Classifier::new(&s);
        for text in ["", " ", "-", "N/A", "n/a.", "No comment", "See above", "NONE", "...", "As per my letter"] {
            assert!(c.is_non_answer(text), "{text:?}");
        }
        for text in ["No", "cost", "none of the orders work", "see above, and the cost"] {
            assert!(!c.is_non_answer(text), "{text:?}");
        }
    }

    #[test]
    fn an_option_named_as_the_outputs_name_no_answer_is_refused() {
        for option in ["(nil)", " (Unrecognised) "] {
            let spec = format!("[[closed]]\nid = \"q\"\noptions = [\"Yes\", {option:?}]\n");
            let err = Survey::from_str_with_path(&spec, Path::new("s.toml")).unwrap_err().to_string();
            assert!(err.contains("is the name the outputs give to no answer"), "{err}");
        }
    }

    #[test]
    fn a_survey_and_a_question_can_take_a_listed_reply_as_an_answer() {
        let spec = r#"
answers = ["none"]
non_answers = ["see my response to the earlier question about the proposal, which explains it"]
[[open]]
id = "good"
answers = ["Nothing"]
[[open]]
id = "other"
non_answers = ["no change"]
"#;
        let s = Survey::from_str_with_path(spec, Path::new("s.toml")).unwrap();
        let c = Classifier::new(&s);
        // `nothing` answers "What was good?" and says nothing elsewhere.
        assert!(!c.is_non_answer_to(0, "Nothing."));
        assert!(c.is_non_answer_to(1, "Nothing."));
        assert!(c.is_non_answer_to(0, "n/a") && c.is_non_answer_to(0, "  "));
        // `none` answers every question; `no change` says nothing to one alone.
        assert!(!c.is_non_answer_to(0, "None") && !c.is_non_answer_to(1, "None"));
        assert!(c.is_non_answer_to(1, "No change!") && !c.is_non_answer_to(0, "No change!"));
        // A listed non-answer longer than the built-in ones is still read.
        let long = "See my response to the earlier question about the proposal, which explains it.";
        assert!(long.len() > NON_ANSWER_BYTES);
        assert!(c.is_non_answer_to(0, long) && c.is_non_answer(long));
    }

    #[test]
    fn spec_errors_name_the_file() {
        let err = Survey::from_str_with_path("[[closed]]\nid = \"q1\"\noptions = []\n", Path::new("s.toml"))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "s.toml:1: closed question `q1` has no options");
        let err = Survey::from_str_with_path("[[open]]\nid = 3\n", Path::new("s.toml")).unwrap_err().to_string();
        assert!(err.starts_with("s.toml:2: invalid survey spec"), "{err}");
    }

    /// Found by a tester (qa-spec): errors found once the spec was read named no
    /// line, and a question listed twice in `order` was reported twice in every
    /// output, closed_answers.csv included, so that a sum by question counted it twice.
    #[test]
    fn errors_found_after_reading_name_the_line_at_fault() {
        let err = |spec: &str| Survey::from_str_with_path(spec, Path::new("s.toml")).unwrap_err().to_string();
        let questions =
            "title = \"T\"\n\n[[closed]]\nid = \"q1\"\noptions = [\"Yes\", \"No\"]\n\n[[open]]\nid = \"q2\"\n";
        assert_eq!(err(&format!("{questions}\n[[open]]\nid = \"q1\"\n")), "s.toml:10: question id `q1` is used twice");
        assert_eq!(
            err(&format!("order = [\n  \"q2\",\n  \"q1\",\n  \"q2\",\n]\n{questions}")),
            "s.toml:4: order lists `q2` twice: its section would be reported twice"
        );
        assert_eq!(
            err(&format!("order = [\"q3\"]\n{questions}")),
            "s.toml:1: order lists `q3`, which is not a question"
        );
        assert_eq!(
            err(&format!("{questions}\n[[segment]]\nid = \"area\"\n\n[[segment]]\nid = \"area\"\n")),
            "s.toml:13: segment id `area` is used twice: its breakdown would be reported twice"
        );
        assert_eq!(
            err(&format!(
                "{questions}\n[respondent_type]\ncolumn = \"t\"\ndefault = \"Public\"\ntypes = [{{ name = \"Org\" }}]\n"
            )),
            "s.toml:10: respondent_type.default `Public` is not one of the types"
        );
        let nil = "[[closed]]\nid = \"q1\"\noptions = [\"Yes\", \"No\"]\n\n[[closed]]\nid = \"q2\"\nmultiple = true\noptions = [\"Email\", \"Post\"]\nnil_into = \"Post\"\n";
        assert_eq!(
            err(nil),
            "s.toml:5: closed question `q2` takes several answers (multiple = true), so no answer cannot be merged \
             into `Post`: leave nil_into out"
        );
    }
}
