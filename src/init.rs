//! `codeframe init`: drafting a survey spec from the responses themselves.
//!
//! A sample of rows is read with the same readers as a run, each column is profiled
//! (how full, how many distinct values, how long, whether numbers, dates or email
//! addresses), and the draft is written as commented TOML: the id column, the
//! respondent-type column, and each other column as a closed question (its options,
//! spelling variants as aliases), an open question, or skipped. Where a guess is
//! weak the draft says so in a `# unsure:` comment. The draft parses and runs as it
//! is, with an empty starter lexicon written beside it.
//!
//! This module guesses and writes text; it does not run anything.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};

use crate::error::{Error, Location, Result};
use crate::input::header::SubHeader;
use crate::input::{self, InputSource, ReadOptions};
use crate::report::AtomicFile;
use crate::survey::{Classifier, Survey, builtin_option, fold_label};

/// Rows read to guess from, by default.
pub const DEFAULT_SAMPLE_ROWS: usize = 5000;

/// Most distinct values of a column kept for listing options.
const MAX_DISTINCT: usize = 200;

/// Values longer than this are never options.
const MAX_OPTION_CHARS: usize = 100;

/// How `init` reads the data.
#[derive(Clone, Debug)]
pub struct InitOptions {
    /// How to read the input (sheet, encoding, delimiter).
    pub read: ReadOptions,
    /// Rows to read for the guesses.
    pub sample_rows: usize,
}

impl Default for InitOptions {
    fn default() -> InitOptions {
        InitOptions { read: ReadOptions::default(), sample_rows: DEFAULT_SAMPLE_ROWS }
    }
}

/// The rows `init` guesses from.
#[derive(Clone, Debug, Default)]
pub struct Sample {
    /// Header names, in file order.
    pub header: Vec<String>,
    /// Rows read (structurally rejected ones left out), cells trimmed.
    pub rows: Vec<Vec<String>>,
    /// Rows left out because the reader rejected them.
    pub rejected: usize,
    /// The first of them.
    pub first_reject: Option<input::Reject>,
    /// The header's rows: a survey platform's export puts the questions' wording there.
    pub sub_header: Option<SubHeader>,
    /// The sheet read, of a workbook.
    pub sheet: Option<String>,
}

/// Reads the header and up to `options.sample_rows` rows of `source` (of JSON Lines,
/// the keys of all their objects, in the order first seen, are the header).
pub fn sample(source: &InputSource, options: &InitOptions) -> Result<Sample> {
    let everything = Survey::ad_hoc(None, &[]);
    let mut reader = input::open_sample(source, &everything, &options.read, options.sample_rows)?;
    let mut sub_header = reader.header().cloned();
    if let Some(h) = sub_header.as_mut().filter(|_| options.read.decode_html) {
        h.decode_html();
    }
    let sheet = reader.sheet().map(str::to_string);
    let mut out = Sample { header: reader.columns().header.clone(), sub_header, sheet, ..Sample::default() };
    while out.rows.len() + out.rejected < options.sample_rows {
        let want = options.sample_rows - out.rows.len() - out.rejected;
        let Some(chunk) = reader.next_chunk(want.min(2048), 4 << 20)? else { break };
        for row in chunk.rows {
            if let Some(reject) = row.reject {
                out.rejected += 1;
                out.first_reject.get_or_insert(reject);
                continue;
            }
            // Cells as a run reads them: a closed option stored as `Don&#39;t know` is
            // the option `Don't know`.
            let cell = |c: &[u8]| {
                let text = String::from_utf8_lossy(c);
                input::html::as_read(&text, options.read.decode_html).trim().to_string()
            };
            out.rows.push(row.record.iter().map(cell).collect());
        }
    }
    Ok(out)
}

/// What the values of one column look like.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    /// Header name.
    pub name: String,
    /// The question's wording, where the header gives it under the name (Qualtrics).
    pub text: Option<String>,
    /// Rows with a non-empty cell.
    pub filled: usize,
    /// Rows sampled.
    pub rows: usize,
    /// Distinct non-empty values.
    pub distinct: usize,
    /// Distinct values with their counts (the first 200 short ones), most
    /// frequent first.
    pub values: Vec<(String, usize)>,
    /// Whether some values were too many or too long to keep in `values`.
    pub values_cut: bool,
    /// Average characters of a filled cell.
    pub avg_chars: f64,
    /// Average words of a filled cell.
    pub avg_words: f64,
    /// Longest cell, in characters.
    pub max_chars: usize,
    /// Filled cells that are numbers, dates, email addresses, without spaces.
    pub numbers: usize,
    /// See `numbers`.
    pub dates: usize,
    /// See `numbers`.
    pub emails: usize,
    /// See `numbers`.
    pub no_spaces: usize,
}

impl Profile {
    /// Profiles column `i` of the sample.
    pub fn new(sample: &Sample, i: usize) -> Profile {
        let mut p = Profile {
            name: sample.header[i].clone(),
            text: sample.sub_header.as_ref().and_then(|h| h.text(i)).map(str::to_string),
            rows: sample.rows.len(),
            ..Profile::default()
        };
        let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
        let mut seen: FxHashSet<u64> = FxHashSet::default();
        let (mut chars, mut words) = (0usize, 0usize);
        for cell in sample.rows.iter().map(|r| r.get(i).map_or("", String::as_str)) {
            if cell.is_empty() {
                continue;
            }
            p.filled += 1;
            let n = cell.chars().count();
            chars += n;
            words += cell.split_whitespace().count();
            p.max_chars = p.max_chars.max(n);
            p.numbers += usize::from(number(cell).is_some());
            p.dates += usize::from(is_date(cell));
            p.emails += usize::from(is_email(cell));
            p.no_spaces += usize::from(!cell.contains(char::is_whitespace));
            let mut h = FxBuildHasher.build_hasher();
            h.write(cell.as_bytes());
            seen.insert(h.finish());
            if n <= MAX_OPTION_CHARS && (counts.len() < MAX_DISTINCT || counts.contains_key(cell)) {
                *counts.entry(cell).or_default() += 1;
            } else {
                p.values_cut = true;
            }
        }
        p.distinct = seen.len();
        if p.filled > 0 {
            p.avg_chars = chars as f64 / p.filled as f64;
            p.avg_words = words as f64 / p.filled as f64;
        }
        p.values = counts.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        p.values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        p
    }
}

/// One option guessed for a closed column: its label, the other spellings seen, and
/// how many cells chose it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuessedOption {
    /// The label (the most frequent spelling, or the built-in name).
    pub label: String,
    /// Spellings seen that do not fold to the label.
    pub aliases: Vec<String>,
    /// Cells.
    pub count: usize,
}

/// What a column was taken to be.
#[derive(Clone, Debug, PartialEq)]
pub enum Role {
    /// The respondent id.
    Id,
    /// The respondent type, with the types seen.
    RespondentType(Vec<GuessedOption>),
    /// A closed question with these options.
    Closed(Vec<GuessedOption>),
    /// A closed question whose cells list several of these options (`A, B`), over its
    /// column and these further ones (SurveyMonkey's, one a choice), and the columns
    /// whose filled cell counts as an option (SurveyMonkey's "Other (please specify)").
    Multiple(Vec<GuessedOption>, Vec<String>, Vec<(String, String)>),
    /// An open (free-text) question.
    Open,
    /// Left out of the spec, for the reason given.
    Skip(String),
}

/// The guess for one column.
#[derive(Clone, Debug, PartialEq)]
pub struct Guess {
    /// The column's profile.
    pub profile: Profile,
    /// Its role.
    pub role: Role,
    /// Why the guess is uncertain, if it is.
    pub unsure: Option<String>,
}

/// Groups spellings into options: case, spacing and punctuation folded away; the
/// built-in Yes/No spellings merged when the column is a yes/no question, the Don't
/// know spellings always. Empty and punctuation-only values are not options.
///
/// A column is a yes/no question when more of its cells say yes or no than agree or
/// disagree: an agree/disagree question with a stray `Yes` keeps Agree and Disagree
/// as options (the built-in spellings would have made them Yes and No).
pub fn group_options(values: &[(String, usize)]) -> Vec<GuessedOption> {
    let cells = |words: [&str; 2]| -> usize {
        values.iter().filter(|(v, _)| words.contains(&fold_label(v).as_str())).map(|(_, n)| n).sum()
    };
    let yes_no = cells(["yes", "no"]) > cells(["agree", "disagree"]);
    let builtin = |v: &str| builtin_option(v).filter(|b| yes_no || *b == "Don't know");
    // Groups keyed by folded label: the built-in option they are, if one, and the
    // spellings with their counts.
    type Group<'a> = (Option<&'static str>, Vec<(&'a str, usize)>);
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for (v, n) in values {
        let b = builtin(v);
        let key = b.map_or_else(|| fold_label(v), fold_label);
        if key.is_empty() {
            continue;
        }
        let g = groups.entry(key).or_insert((b, Vec::new()));
        g.1.push((v, *n));
    }
    let mut options: Vec<(usize, GuessedOption)> = groups
        .into_values()
        .map(|(b, mut spellings)| {
            spellings.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            let label = b.map_or_else(|| spellings[0].0.to_string(), str::to_string);
            let mut folded = vec![fold_label(&label)];
            let mut aliases = Vec::new();
            for (s, _) in &spellings {
                let f = fold_label(s);
                if !folded.contains(&f) {
                    folded.push(f);
                    aliases.push(s.to_string());
                }
            }
            // Don't know after Yes and No, or after everything else.
            let rank = match b {
                Some("Yes") => 0,
                Some("No") => 1,
                Some(_) if yes_no => 2,
                Some(_) => 4,
                None => 3,
            };
            (rank, GuessedOption { label, aliases, count: spellings.iter().map(|s| s.1).sum() })
        })
        .collect();
    // Yes, No, Don't know first, in that order; then by frequency, Don't know last
    // where there is no Yes or No. A scale whose every
    // point starts with its number (`1 - Very poor`, `2`, `5 - Very good`) in its order,
    // the same for every question on it.
    options.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.count.cmp(&a.1.count)).then_with(|| a.1.label.cmp(&b.1.label)));
    let point = |o: &GuessedOption| {
        let digits = o.label.trim_start().split(|c: char| !c.is_ascii_digit()).next().unwrap_or("");
        digits.parse::<u32>().ok()
    };
    if options.len() > 1 && options.iter().all(|(_, o)| point(o).is_some()) {
        options.sort_by_key(|(_, o)| point(o));
    } else if let Some(points) = scale_points(&options) {
        // The points of a worded scale (`Strongly agree` ... `Strongly disagree`,
        // `Excellent` ... `Very poor`, `Always` ... `Never`) from its top down, with
        // Don't know after them.
        let mut ranked: Vec<_> = options.into_iter().zip(points).collect();
        let dk = |o: &GuessedOption| builtin_option(&o.label) == Some("Don't know");
        ranked.sort_by_key(|((_, o), point)| (dk(o), std::cmp::Reverse(*point)));
        options = ranked.into_iter().map(|(o, _)| o).collect();
    }
    options.into_iter().map(|(_, o)| o).collect()
}

/// The point on one worded scale of every option but Don't know and
/// non-answers (`N/A`: below the scale), if all three or more of the others are on
/// one, not all at the same point: `Strongly agree` 4, `Tend to agree` 1, `Neither
/// agree nor disagree` 0, `Not at all satisfied` -4.
fn scale_points(options: &[(usize, GuessedOption)]) -> Option<Vec<i32>> {
    let unfair = options.iter().any(|(_, o)| name_words(&o.label).iter().any(|w| w == "unfair"));
    let classifier = Classifier::new(&Survey::ad_hoc(None, &[]));
    let mut family = None;
    let mut points = Vec::with_capacity(options.len());
    for (_, o) in options {
        if builtin_option(&o.label) == Some("Don't know") || classifier.is_non_answer(&o.label) {
            points.push(i32::MIN);
            continue;
        }
        let (f, point) = scale_point(&o.label, unfair)?;
        if f != "any" {
            if family.is_some_and(|seen| seen != f) {
                return None;
            }
            family = Some(f);
        }
        points.push(point);
    }
    let on_scale: Vec<i32> = points.iter().copied().filter(|p| *p != i32::MIN).collect();
    let spread = on_scale.iter().max() != on_scale.iter().min();
    (family.is_some() && on_scale.len() >= 3 && spread).then_some(points)
}

/// The scale a label is a point of, and where on it: positive at the top. `unfair`:
/// whether the options say `Unfair` (then `Fair` is its opposite, not the middle of
/// `Good` ... `Poor`).
fn scale_point(label: &str, unfair: bool) -> Option<(&'static str, i32)> {
    let words = name_words(label);
    let has = |w: &str| words.iter().any(|x| x == w);
    if words.is_empty() || words.len() > 7 {
        return None;
    }
    // How often: no degree words, a point each.
    const OFTEN: [(&str, i32); 9] = [
        ("always", 8),
        ("usually", 6),
        ("often", 5),
        ("frequently", 5),
        ("sometimes", 4),
        ("occasionally", 3),
        ("rarely", 2),
        ("seldom", 2),
        ("never", 0),
    ];
    if has("most") && has("time") {
        return Some(("often", 6));
    }
    if let Some((_, p)) = OFTEN.iter().find(|(w, _)| has(w)) {
        let almost = has("almost") || has("hardly") || has("nearly");
        let p = match (*p, almost) {
            (8, true) => 7,
            (0, true) => 1,
            (p, _) => p,
        };
        return Some(("often", p));
    }
    if has("neither")
        || has("neutral")
        || has("mixed")
        || (words.len() == 1 && (has("average") || has("ok") || has("okay")))
    {
        let family = words.iter().find_map(|w| base_word(w, unfair)).map_or("any", |(f, _)| f);
        return Some((family, 0));
    }
    if has("same") || (has("no") && has("change")) {
        return Some(("change", 0));
    }
    // The last word with a direction is the base; the words around it say how much.
    let (at, (family, sign)) =
        words.iter().enumerate().rev().find_map(|(i, w)| base_word(w, unfair).map(|b| (i, b)))?;
    let excellent = family == "quality" && sign.abs() == 3;
    if excellent {
        return Some((family, 5 * sign.signum() + i32::from(has("very") || has("extremely")) * sign.signum()));
    }
    let before = &words[..at];
    let said = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    let not = before.iter().any(|w| w == "not") || words[at + 1..].iter().any(|w| w == "not");
    let degree = if not && has("at") && has("all") {
        -4
    } else if not && said(&["very", "particularly", "really", "that", "too", "especially"]) {
        -1
    } else if not {
        -2
    } else if said(&["extremely", "completely", "totally", "absolutely", "entirely"]) {
        5
    } else if said(&["very", "strongly", "highly", "definitely", "much", "really"]) {
        4
    } else if said(&[
        "somewhat",
        "slightly",
        "fairly",
        "quite",
        "tend",
        "mostly",
        "partly",
        "partially",
        "moderately",
        "little",
        "rather",
        "reasonably",
        "mainly",
        "generally",
        "bit",
    ]) {
        1
    } else {
        2
    };
    Some((family, degree * sign))
}

/// The scale a word points along and which way (`disagree`: agree, -1); `excellent`
/// and `terrible` 3 on the quality scale, beyond `very good` and `very poor`.
fn base_word(word: &str, unfair: bool) -> Option<(&'static str, i32)> {
    Some(match word {
        "agree" => ("agree", 1),
        "disagree" => ("agree", -1),
        "satisfied" => ("satisfied", 1),
        "dissatisfied" | "unsatisfied" => ("satisfied", -1),
        "likely" => ("likely", 1),
        "unlikely" => ("likely", -1),
        "support" | "supportive" => ("support", 1),
        "oppose" | "opposed" => ("support", -1),
        "important" => ("important", 1),
        "unimportant" => ("important", -1),
        "helpful" => ("helpful", 1),
        "unhelpful" => ("helpful", -1),
        "useful" => ("useful", 1),
        "useless" => ("useful", -1),
        "easy" => ("easy", 1),
        "difficult" | "hard" => ("easy", -1),
        "confident" => ("confident", 1),
        "unconfident" => ("confident", -1),
        "effective" => ("effective", 1),
        "ineffective" => ("effective", -1),
        "comfortable" => ("comfortable", 1),
        "uncomfortable" => ("comfortable", -1),
        "safe" => ("safe", 1),
        "unsafe" => ("safe", -1),
        "better" | "improved" => ("change", 1),
        "worse" => ("change", -1),
        "fair" if unfair => ("fair", 1),
        "unfair" => ("fair", -1),
        "excellent" | "outstanding" => ("quality", 3),
        "terrible" | "awful" => ("quality", -3),
        "good" => ("quality", 1),
        "poor" | "bad" => ("quality", -1),
        "fair" | "average" | "adequate" | "satisfactory" => ("quality", 0),
        _ => return None,
    })
}

/// The words of a column name, lowercased (`ResponseID` -> response, id).
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            prev_lower = false;
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        if c.is_uppercase() && prev_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase() || c.is_numeric();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

fn is_id_name(name: &str) -> bool {
    let words = name_words(name);
    let folded = fold_label(name);
    words.iter().any(|w| matches!(w.as_str(), "id" | "uuid" | "guid" | "ref" | "reference" | "identifier" | "urn"))
        || matches!(folded.as_str(), "respondent" | "responseno" | "respondentno" | "responsenumber")
}

fn is_type_name(name: &str) -> bool {
    let words = name_words(name);
    let folded = fold_label(name);
    ["type", "organisation", "organization", "capacity", "behalf", "respondingas", "respondentgroup"]
        .iter()
        .any(|k| folded.contains(k))
        || words.iter().any(|w| matches!(w.as_str(), "role" | "org" | "sector" | "category" | "affiliation"))
}

/// A number as written in a cell (`1,234.5`, `-3`, `7%`), if the cell is one.
fn number(cell: &str) -> Option<f64> {
    let t = cell.trim().trim_end_matches('%').replace(',', "");
    let t = t.strip_prefix(['£', '$', '€']).unwrap_or(&t);
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')) {
        return None;
    }
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Whether a cell is a date or date-time: `2024-03-15`, `15/03/2024`, `3.15.24`,
/// optionally followed by a time.
fn is_date(cell: &str) -> bool {
    let date = cell.split([' ', 'T']).next().unwrap_or("");
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    parts.len() == 3
        && parts.iter().all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
        && parts.iter().any(|p| p.len() == 4 || p.len() == 2)
        && date.chars().filter(|c| !c.is_ascii_digit()).collect::<FxHashSet<_>>().len() == 1
}

fn is_email(cell: &str) -> bool {
    let Some((user, domain)) = cell.split_once('@') else { return false };
    !user.is_empty() && domain.contains('.') && !cell.contains(char::is_whitespace)
}

/// Guesses the role of every column of the sample.
pub fn guess(sample: &Sample) -> Vec<Guess> {
    let profiles: Vec<Profile> = (0..sample.header.len()).map(|i| Profile::new(sample, i)).collect();
    let rows = sample.rows.len();
    // A survey platform's own columns (dates, IP address, progress) are not questions.
    let metadata = |i: usize| sample.sub_header.as_ref().is_some_and(|h| h.is_metadata(i));
    let id = profiles
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.name.is_empty() && rows > 0 && p.filled == rows && p.distinct == rows && p.max_chars <= 64)
        .filter(|(i, p)| is_id_name(&p.name) || (*i == 0 && p.no_spaces == p.filled))
        .max_by_key(|(i, p)| (is_id_name(&p.name), std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    let respondent_type = profiles
        .iter()
        .enumerate()
        .filter(|(i, p)| Some(*i) != id && !metadata(*i) && p.filled > 0 && !p.values_cut)
        .filter(|(_, p)| is_type_name(&p.name) || p.text.as_deref().is_some_and(is_type_name))
        .find(|(_, p)| {
            let n = group_options(&p.values).len();
            (2..=40).contains(&n) && p.avg_chars <= 60.0
        })
        .map(|(i, _)| i);
    let names: Vec<String> = profiles.iter().map(|p| p.name.trim().to_string()).collect();
    let twin = |i: usize| (0..names.len()).find(|&j| j != i && !names[i].is_empty() && names[j] == names[i]);
    let twins: Vec<Option<usize>> = (0..names.len()).map(twin).collect();
    // SurveyMonkey gives each choice of a question that takes several answers a column
    // (`Who are you? - Charity`) holding the choice or nothing: side by side, the
    // columns of one question are drafted as one question over all of them.
    let choice_of: Vec<Option<(String, String)>> = (0..profiles.len())
        .map(|i| {
            let label = sample.sub_header.as_ref()?.choice(i)?;
            let p = &profiles[i];
            if twins[i].is_some() {
                return None;
            }
            if !p.values.iter().all(|(v, _)| v.eq_ignore_ascii_case(label)) {
                return None;
            }
            let question = p.name.strip_suffix(label)?.strip_suffix(" - ")?;
            Some((question.to_string(), label.to_string()))
        })
        .collect();
    type Run = (String, Vec<GuessedOption>, Vec<String>, Vec<(String, String)>);
    let mut runs: BTreeMap<usize, Run> = BTreeMap::new();
    let mut first_of = vec![None; profiles.len()];
    let mut i = 0;
    while i < profiles.len() {
        let Some((question, _)) = &choice_of[i] else {
            i += 1;
            continue;
        };
        let end = (i..profiles.len()).find(|&j| choice_of[j].as_ref().is_none_or(|(q, _)| q != question));
        let end = end.unwrap_or(profiles.len());
        let mut options: Vec<GuessedOption> = (i..end)
            .filter_map(|k| choice_of[k].as_ref().map(|(_, label)| (k, label)))
            .map(|(k, label)| GuessedOption { label: label.clone(), aliases: Vec::new(), count: profiles[k].filled })
            .collect();
        let also = profiles[i + 1..end].iter().map(|p| p.name.clone()).collect();
        // The question's "Other (please specify)" column, after its choices, holds what
        // people wrote: filled, it counts as that choice.
        let other = sample.sub_header.as_ref().and_then(|h| h.choice(end)).filter(|label| {
            label.to_lowercase().starts_with("other")
                && profiles[end].name.strip_suffix(label).and_then(|n| n.strip_suffix(" - ")) == Some(question.as_str())
                && !options.iter().any(|o| fold_label(&o.label) == fold_label(label))
        });
        let mut filled = Vec::new();
        if let Some(label) = other {
            options.push(GuessedOption { label: label.to_string(), aliases: Vec::new(), count: profiles[end].filled });
            filled.push((profiles[end].name.clone(), label.to_string()));
        }
        let last = end + filled.len();
        if options.len() <= crate::survey::MAX_MULTIPLE_OPTIONS {
            first_of[i..last].fill(Some(i));
            runs.insert(i, (question.clone(), options, also, filled));
        }
        i = last;
    }
    let mut guesses: Vec<Guess> = profiles
        .into_iter()
        .enumerate()
        .map(|(i, profile)| {
            if Some(i) == id {
                return Guess { profile, role: Role::Id, unsure: None };
            }
            if Some(i) == respondent_type {
                let types = group_options(&profile.values);
                return Guess { profile, role: Role::RespondentType(types), unsure: None };
            }
            // Columns of one name (Google Forms repeats "Please explain your answer")
            // are named by their place among them: `Please explain your answer [2]`.
            // (Unless the header has a column of that name too: then a run could not
            // tell them apart, and one of them must be renamed in the data.)
            let profile = match twins[i] {
                Some(j) => {
                    let k = names[..i].iter().filter(|n| **n == names[i]).count() + 1;
                    let nth = format!("{} [{k}]", names[i]);
                    if names.iter().any(|n| n.eq_ignore_ascii_case(&nth)) {
                        let reason = format!(
                            "column {} has the same name, and the header has a column named {nth:?} too: rename one \
                             of them in the data",
                            j + 1
                        );
                        return Guess { profile, role: Role::Skip(reason), unsure: None };
                    }
                    let text = profile.text.clone().or_else(|| Some(names[i].clone()));
                    Profile { name: nth, text, ..profile }
                }
                None => profile,
            };
            if let Some((question, options, also, filled)) = runs.remove(&i) {
                let profile = Profile { text: Some(question), ..profile };
                return Guess { profile, role: Role::Multiple(options, also, filled), unsure: None };
            }
            if choice_of[i].is_some() {
                let reason = match first_of[i] {
                    Some(first) => format!("a choice of the question drafted at column {}", first + 1),
                    None => format!(
                        "a choice of a question of more choices than a question that takes several answers can \
                         hold ({})",
                        crate::survey::MAX_MULTIPLE_OPTIONS
                    ),
                };
                return Guess { profile, role: Role::Skip(reason), unsure: None };
            }
            // The export says which columns are open questions, however short or
            // repeated their answers (`No`, `None`, `No, thank you`).
            if sample.sub_header.as_ref().is_some_and(|h| h.is_open_ended(i)) && profile.filled > 0 {
                return Guess { profile, role: Role::Open, unsure: None };
            }
            if let Some(platform) = sample.sub_header.as_ref().and_then(|h| h.platform).filter(|_| metadata(i)) {
                let reason = format!("a column {} adds to every export, not a question", platform.name());
                return Guess { profile, role: Role::Skip(reason), unsure: None };
            }
            classify(profile)
        })
        .collect();
    // A spec needs a question: failing all else, the skipped column of short, mostly
    // distinct answers with the most words (`slow`, `too slow`, `the cost is high`).
    if !guesses.iter().any(|g| matches!(g.role, Role::Open | Role::Closed(_) | Role::Multiple(..))) {
        let likeliest = guesses
            .iter_mut()
            .filter(|g| g.unsure.is_some() && matches!(g.role, Role::Skip(_)))
            .max_by(|a, b| a.profile.avg_words.total_cmp(&b.profile.avg_words));
        if let Some(g) = likeliest {
            g.role = Role::Open;
            g.unsure = Some(format!(
                "no column looked like a question; this one has the longest answers (avg {:.1} words), treated as open",
                g.profile.avg_words
            ));
        }
    }
    guesses
}

/// Closed, open or skipped, for a column that is neither the id nor the type.
/// Filled cells from which a column holding one value in all of them is skipped.
const SAME_VALUE_ROWS: usize = 10;

fn classify(profile: Profile) -> Guess {
    let p = &profile;
    let skip = |reason: &str, unsure: Option<String>| Guess {
        profile: profile.clone(),
        role: Role::Skip(reason.to_string()),
        unsure,
    };
    if p.name.is_empty() {
        return skip("the column has no name", None);
    }
    if p.filled == 0 {
        return skip("it is empty in the rows sampled", None);
    }
    if p.emails == p.filled {
        return skip("it holds email addresses", None);
    }
    if p.dates == p.filled {
        return skip("it holds dates", None);
    }
    if p.numbers == p.filled {
        let scale: Vec<f64> = p.values.iter().filter_map(|(v, _)| number(v)).collect();
        let small =
            !p.values_cut && scale.len() <= 11 && scale.iter().all(|f| f.fract() == 0.0 && (-10.0..=10.0).contains(f));
        if small {
            let mut options = group_options(&p.values);
            options
                .sort_by(|a, b| number(&a.label).partial_cmp(&number(&b.label)).unwrap_or(std::cmp::Ordering::Equal));
            if let (Some(lo), Some(hi)) = (options.first(), options.last()) {
                let unsure = format!(
                    "whole numbers from {} to {}: a rating scale? treated as closed",
                    escaped(&lo.label, false),
                    escaped(&hi.label, false)
                );
                return Guess { role: Role::Closed(options.clone()), unsure: Some(unsure), profile };
            }
        }
        return skip("it holds numbers", None);
    }
    // One value in every cell of a sample of some size (Microsoft Forms' `Email` of
    // `anonymous`) tells no respondent from another; a choice a survey offers may
    // still be everyone's (`Yes`).
    if let [(only, _)] = p.values.as_slice()
        && !p.values_cut
        && p.filled >= SAME_VALUE_ROWS
        && builtin_option(only).is_none()
    {
        let reason = format!("every cell sampled holds the same value, \"{}\": nothing to count", escaped(only, false));
        return skip(&reason, None);
    }
    if let Some((options, unsure)) = several_options(p) {
        return Guess { role: Role::Multiple(options, Vec::new(), Vec::new()), unsure, profile };
    }
    let classifier = Classifier::new(&Survey::ad_hoc(None, &[]));
    let mut options = if p.values_cut { Vec::new() } else { group_options(&p.values) };
    options.retain(|o| !marks_no_answer(&o.label, &classifier));
    let all_builtin = !options.is_empty() && options.iter().all(|o| builtin_option(&o.label).is_some());
    // "Other (please specify)" asks for free text, however few wrote it.
    let words: Vec<String> = name_words(&p.name).into_iter().chain(p.text.iter().flat_map(|t| name_words(t))).collect();
    if !all_builtin && (words.first().is_some_and(|w| w == "other") || words.iter().any(|w| w == "specify")) {
        let unsure = "a column that asks to specify: free text, treated as open".to_string();
        return Guess { role: Role::Open, unsure: Some(unsure), profile };
    }
    // Cells that read as sentences are answers in words, however few distinct ones
    // the sample holds.
    let sentences = sentence_cells(p);
    let closed = !p.values_cut
        && !options.is_empty()
        && options.len() <= 20
        && p.avg_chars <= 40.0
        && sentences * 2 < p.filled
        && (all_builtin || p.filled >= 2 * options.len());
    if closed {
        let unsure = (options.len() > 8).then(|| format!("{} distinct values, treated as closed", options.len()));
        return Guess { role: Role::Closed(options), unsure, profile };
    }
    if sentences * 2 >= p.filled && p.distinct <= 20 {
        let unsure = format!("{} distinct values, but they read as sentences: treated as open", p.distinct);
        return Guess { role: Role::Open, unsure: Some(unsure), profile };
    }
    if p.avg_words < 3.0 && p.distinct * 2 > p.filled && p.max_chars <= 60 {
        let why = format!("short, mostly distinct values (avg {:.0} characters): names or codes?", p.avg_chars);
        return skip("it holds short, mostly distinct values", Some(why));
    }
    let unsure =
        (p.avg_chars < 15.0).then(|| format!("short answers (avg {:.0} characters), treated as open", p.avg_chars));
    Guess { role: Role::Open, unsure, profile }
}

/// Whether a value marks a question left unanswered (`N/A`, `No answer`, `x`): no
/// option of a closed question, whose run counts it as no answer. Non-answers that
/// can be a choice (`None`, `Not applicable`, `Prefer not to say`, Don't know) are
/// options.
fn marks_no_answer(label: &str, classifier: &Classifier) -> bool {
    const CHOICES: [&str; 8] =
        ["none", "nothing", "notapplicable", "prefernottosay", "noview", "noopinion", "pass", "nothingatall"];
    classifier.is_non_answer(label) && builtin_option(label).is_none() && !CHOICES.contains(&fold_label(label).as_str())
}

/// Whether a cell reads as a sentence or more: five words or more ending in `.`, `!`
/// or `?`, two sentences, or ten words or more.
fn reads_as_sentence(cell: &str) -> bool {
    let words = cell.split_whitespace().count();
    let ends = cell.trim_end().ends_with(['.', '!', '?']);
    let two = cell
        .split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| w[0].len() > 2 && w[0].ends_with(['.', '!', '?']) && w[1].starts_with(|c: char| c.is_uppercase()));
    (words >= 5 && ends) || two || words >= 10
}

/// The options of a column whose cells list several of a few values ("tick all that
/// apply": `Victim, Family member` as Google Forms writes it, `A;B;` as Microsoft
/// Forms does), with a note on what was left out: the values, split on `;` where more
/// cells hold one than a `,` (Microsoft Forms' choices may hold commas) and on either
/// elsewhere, if read so
/// the cells have fewer distinct values than they do themselves, at most 20 of them,
/// short and repeated, and either a tenth of the cells list two or more or every value
/// listed also stands alone in a cell. Values seen once in a sample of 20 or more (the
/// free text of an "Other:" choice) and long ones are left out of the options, and so
/// are values that mark no answer (`N/A`), as for a question of one answer; the
/// options kept must be most of the values listed, else the cells are free text
/// (comments, some with commas), as they are when they read as sentences.
fn several_options(p: &Profile) -> Option<(Vec<GuessedOption>, Option<String>)> {
    if p.values_cut || sentence_cells(p) * 2 >= p.filled {
        return None;
    }
    let cells_with = |c: char| p.values.iter().filter(|(v, _)| v.contains(c)).map(|(_, n)| n).sum::<usize>();
    let semicolons = cells_with(';') >= cells_with(',');
    let split = |v: &'_ str| -> Vec<String> {
        let separators: &[char] = if semicolons { &[';', '|', '\n', '\r'] } else { &[',', ';', '|', '\n', '\r'] };
        v.split(separators).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect()
    };
    let mut pieces: BTreeMap<String, usize> = BTreeMap::new();
    let (mut listing, mut alone_too) = (0, true);
    for (value, n) in &p.values {
        // A choice listed twice in a cell ("Walking, Walking") is one answer, as a run
        // counts it.
        let mut listed = split(value);
        let mut seen = Vec::new();
        listed.retain(|v| {
            let folded = fold_label(v);
            let new = !seen.contains(&folded);
            seen.push(folded);
            new
        });
        if listed.len() >= 2 {
            listing += n;
            alone_too &= listed.iter().all(|v| p.values.iter().any(|(w, _)| fold_label(w) == fold_label(v)));
        }
        for piece in listed {
            *pieces.entry(piece).or_default() += n;
        }
    }
    if listing < 2 || !(alone_too || listing * 10 >= p.filled) {
        return None;
    }
    let classifier = Classifier::new(&Survey::ad_hoc(None, &[]));
    pieces.retain(|v, _| !marks_no_answer(v, &classifier));
    let long = |v: &str| v.chars().count() > 60 || v.split_whitespace().count() > 8;
    let once = |n: usize| p.filled >= 20 && n == 1;
    let (kept, left): (Vec<_>, Vec<_>) = pieces.into_iter().partition(|(v, n)| !long(v) && !once(*n));
    let options = group_options(&kept);
    // The options chosen must be most of what the cells list: a few repeated words
    // among sentences split at their commas are no choices.
    let chosen = listed_count(&kept);
    let listed = chosen + listed_count(&left);
    let fits = (2..=20).contains(&options.len())
        && options.len() < p.distinct
        && p.filled >= 2 * options.len()
        && chosen * 2 > listed;
    let unsure = (!left.is_empty()).then(|| {
        format!(
            "{} value(s) seen once or too long to be a choice left out (an \"Other\" choice's free text?): they count \
             as unrecognised",
            left.len()
        )
    });
    fits.then_some((options, unsure))
}

/// How many times the values were listed, in all.
fn listed_count(values: &[(String, usize)]) -> usize {
    values.iter().map(|(_, n)| n).sum()
}

/// The filled cells of a column that read as sentences ([`reads_as_sentence`]).
fn sentence_cells(p: &Profile) -> usize {
    p.values.iter().filter(|(v, _)| reads_as_sentence(v)).map(|(_, n)| n).sum()
}

/// Short open answers that only point to another answer ("see response to Q3",
/// "please see our answers above", "N/a - see Q1") and are not already built-in
/// non-answers.
pub fn pointer_answers(sample: &Sample, guesses: &[Guess]) -> Vec<String> {
    let classifier = Classifier::new(&Survey::ad_hoc(None, &[]));
    let starts = ["see ", "please see ", "refer to ", "please refer to ", "as per ", "same as ", "as in "];
    let points = |w: &str| {
        matches!(w, "above" | "below" | "previous" | "earlier" | "question" | "answer" | "answers" | "response")
            || w.strip_prefix('q').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    let mut found: Vec<String> = Vec::new();
    for (i, g) in guesses.iter().enumerate() {
        if g.role != Role::Open {
            continue;
        }
        for row in &sample.rows {
            let cell = row.get(i).map_or("", String::as_str);
            let text = cell.trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace()).to_lowercase();
            let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
            let pointer = text
                .strip_prefix("n/a")
                .map_or(text.as_str(), |rest| rest.trim_start_matches([' ', '-', ',', ':', ';']));
            if words.len() > 8
                || !starts.iter().any(|s| pointer.starts_with(s))
                || !words.iter().any(|w| points(w))
                || classifier.is_non_answer(cell)
                || found.contains(&text)
            {
                continue;
            }
            found.push(text);
        }
    }
    found
}

/// A TOML string literal.
/// `s` as a TOML basic string on one line, so that it can stand in a comment too (a
/// multi-line string, or a raw control character, would end the comment or break it).
fn toml_str(s: &str) -> String {
    format!("\"{}\"", escaped(s, true))
}

/// `s` for a comment: control characters (line breaks, NUL, ESC) escaped as in a
/// TOML string, and with `quotes`, `"` and `\` too.
fn escaped(s: &str, quotes: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' | '\\' if quotes => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// A question id for a column: the column name if it is a short identifier
/// (`q1_text`), its slug if that is short, else `q` and the question's number.
fn question_id(name: &str, n: usize, taken: &mut FxHashSet<String>) -> String {
    let mut slug = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('_') && !slug.is_empty() {
            slug.push('_');
        }
    }
    let slug = slug.trim_end_matches('_').to_string();
    let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let base = if plain && name.len() <= 32 {
        name.to_string()
    } else if !slug.is_empty() && slug.len() <= 24 && !slug.starts_with(|c: char| c.is_ascii_digit()) {
        slug
    } else {
        format!("q{n}")
    };
    let mut id = base.clone();
    let mut k = 2;
    while !taken.insert(id.clone()) {
        id = format!("{base}_{k}");
        k += 1;
    }
    id
}

/// `to` relative to the folder `from` (both made absolute), with `/` separators.
pub fn relative_path(from: &Path, to_path: &Path) -> String {
    let to = to_path;
    let abs = |p: &Path| -> Vec<String> {
        let p = if p.as_os_str().is_empty() { Path::new(".") } else { p };
        let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let mut parts: Vec<String> = Vec::new();
        for c in p.components() {
            match c {
                Component::ParentDir => {
                    parts.pop();
                }
                Component::CurDir => {}
                other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
            }
        }
        parts
    };
    let (from, to) = (abs(from), abs(to));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    // Sharing no more than the root (or drive), the absolute path is the clearer one.
    if common <= 1 {
        return std::path::absolute(to_path)
            .map_or_else(|_| to_path.display().to_string(), |p| p.display().to_string());
    }
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(to[common..].iter().cloned());
    parts.join("/")
}

/// Everything `init` decided, ready to write.
#[derive(Clone, Debug)]
pub struct Draft {
    /// The spec, as TOML text.
    pub spec: String,
    /// The starter lexicon, as TOML text.
    pub lexicon: String,
    /// The guess for every column.
    pub guesses: Vec<Guess>,
    /// Rows the guesses are based on.
    pub rows: usize,
}

/// Where the draft goes and how it reads its data.
#[derive(Clone, Debug)]
pub struct DraftPaths<'a> {
    /// The data file.
    pub data: &'a Path,
    /// Where the spec will be written.
    pub spec: &'a Path,
    /// Where the lexicon it names is (or will be).
    pub lexicon: &'a Path,
}

/// Samples `paths.data` and drafts a spec for it.
pub fn draft(paths: &DraftPaths, options: &InitOptions) -> Result<Draft> {
    let source = InputSource::File(paths.data.to_path_buf());
    let sample = sample(&source, options)?;
    if sample.rows.is_empty() {
        let why = match &sample.first_reject {
            Some(r) => format!(
                "the {} rows read were rejected, as a run would reject them (the first, line {}: {})",
                sample.rejected, r.line, r.reason
            ),
            None => "init needs a header and at least one row".to_string(),
        };
        return Err(in_sample(paths.data, &sample, format!("no data rows to guess from: {why}")));
    }
    let guesses = guess(&sample);
    let non_answers = pointer_answers(&sample, &guesses);
    let spec = write_spec(paths, options, &sample, &guesses, &non_answers);
    if !guesses.iter().any(|g| matches!(g.role, Role::Open | Role::Closed(_) | Role::Multiple(..))) {
        // What each column was taken for instead (an empty "skipped: " said nothing
        // when the only column was the id).
        let why: Vec<String> = guesses
            .iter()
            .filter_map(|g| {
                let role = match &g.role {
                    Role::Id => "the respondent id",
                    Role::RespondentType(_) => "the respondent type",
                    Role::Skip(reason) => reason,
                    Role::Open | Role::Closed(_) | Role::Multiple(..) => return None,
                };
                Some(format!("{:?}: {role}", g.profile.name))
            })
            .collect();
        return Err(in_sample(
            paths.data,
            &sample,
            format!("found no column to code as a question ({})", why.join("; ")),
        ));
    }
    // The draft must parse: a failure here is a bug in init, reported as such.
    Survey::from_str_with_path(&spec, paths.spec).map_err(|e| {
        Error::input(Location::file(paths.data), format!("init drafted a spec that does not parse (a bug): {e}"))
    })?;
    Ok(Draft { spec, lexicon: STARTER_LEXICON.to_string(), guesses, rows: sample.rows.len() })
}

/// An error about what the sample of `data` holds: in a workbook, naming the sheet
/// read, with a hint that `--sheet` reads another (the default one may hold notes).
fn in_sample(data: &Path, sample: &Sample, message: String) -> Error {
    match &sample.sheet {
        Some(sheet) => Error::input(
            Location::file(data).in_sheet(sheet),
            format!("{message}; is the table on another sheet? --sheet NAME (or number) reads it"),
        ),
        None => Error::input(Location::file(data), message),
    }
}

/// The starter lexicon: valid, with no themes, and an example to copy.
pub const STARTER_LEXICON: &str = r#"# Starter lexicon written by `codeframe init`. It has no themes yet, so a run
# codes no open answer until you add some. One [[theme]] table per theme; the
# entry language is in README.md ("The lexicon format"). For example:
#
# [[theme]]
# id = "cost"
# label = "Cost of applying"
# questions = ["q3"]            # optional: only these open questions
# terms = ["cost*", "expens*", "afford*", "legal aid", "court fee*"]
# exclude = ["no cost"]
# examples = { match = ["The court fees were too high."], no_match = ["Cost was not the issue."] }

name = "draft"

# Answers in another language than English? Uncomment and name it ("french",
# "es", ...: README.md, "Languages"); it picks the stemmer and the negators.
# [settings]
# language = "english"
"#;

fn write_spec(
    paths: &DraftPaths,
    options: &InitOptions,
    sample: &Sample,
    guesses: &[Guess],
    non_answers: &[String],
) -> String {
    let spec_dir = paths.spec.parent().unwrap_or(Path::new(""));
    let file_name = paths.data.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let stem = paths.data.file_stem().map_or_else(|| "Survey".to_string(), |n| n.to_string_lossy().into_owned());
    let mut s = String::new();
    let w = &mut s;
    let closed = guesses.iter().filter(|g| matches!(g.role, Role::Closed(_) | Role::Multiple(..))).count();
    let open = guesses.iter().filter(|g| g.role == Role::Open).count();
    let unsure = guesses.iter().filter(|g| g.unsure.is_some()).count();
    // Writing to a String cannot fail.
    let _ = writeln!(w, "# Draft survey spec written by `codeframe init` from {file_name}");
    let _ = writeln!(
        w,
        "# ({} rows sampled, {} columns: {closed} closed, {open} open, {unsure} unsure). Check every guess,",
        sample.rows.len(),
        sample.header.len()
    );
    let _ = writeln!(w, "# above all the `# unsure:` ones, then run: codeframe run --survey {}", paths.spec.display());
    let _ = writeln!(w, "# Paths are relative to this file. Format: README.md, \"The survey spec\".\n");
    let _ = writeln!(w, "title = {}", toml_str(&title_case(&stem)));
    if InputSource::File(paths.data.to_path_buf()).is_stream() {
        // A pipe's name (`/dev/fd/63`) names nothing once it is read.
        let _ = writeln!(w, "# responses: read from a pipe; give the data with --input when you run");
    } else {
        let _ = writeln!(w, "responses = {}", toml_str(&relative_path(spec_dir, paths.data)));
    }
    if let Some(sheet) = &options.read.sheet {
        let _ = writeln!(w, "sheet = {}", toml_str(sheet));
    }
    if let Some(e) = &options.read.encoding {
        let _ = writeln!(w, "encoding = {}", toml_str(e));
    }
    if let Some(d) = options.read.delimiter {
        let d = if d == b'\t' { "tab".to_string() } else { (d as char).to_string() };
        let _ = writeln!(w, "delimiter = {}", toml_str(&d));
    }
    if !options.read.decode_html {
        let _ = writeln!(w, "keep_html = true");
    }
    match (options.read.header_rows, sample.sub_header.as_ref().and_then(|h| h.platform)) {
        (Some(n), _) => {
            let _ = writeln!(w, "header_rows = {n}");
        }
        (None, Some(platform)) => {
            let rows = sample.sub_header.as_ref().map_or(1, SubHeader::rows);
            let _ =
                writeln!(w, "# A {} export: its header spans {rows} rows (recognised on every run).", platform.name());
        }
        (None, None) => {}
    }
    let _ = writeln!(w, "# The lexicon that codes the open answers into themes. The starter one has no");
    let _ = writeln!(w, "# themes: add them there, or point this at a lexicon you have.");
    let _ = writeln!(w, "lexicon = {}", toml_str(&relative_path(spec_dir, paths.lexicon)));
    match guesses.iter().find(|g| g.role == Role::Id) {
        Some(g) => {
            let _ = writeln!(w, "# Unique and never empty in the rows sampled.");
            let _ = writeln!(w, "id_column = {}", toml_str(&g.profile.name));
        }
        None => {
            let _ = writeln!(w, "# No column is a unique, never-empty respondent id: rows are numbered instead.");
            let _ = writeln!(w, "# id_column = \"...\"");
        }
    }
    if !non_answers.is_empty() {
        let _ = writeln!(w, "# Answers that only point to another answer (on top of the built-in \"n/a\",");
        let _ = writeln!(w, "# \"see above\", ...): counted as non-answers. Check them.");
        let list: Vec<String> = non_answers.iter().map(|a| toml_str(a)).collect();
        let _ = writeln!(w, "non_answers = [{}]", list.join(", "));
    }
    let mut taken = FxHashSet::default();
    let mut ids: Vec<Option<String>> = Vec::with_capacity(guesses.len());
    let mut n = 0;
    for g in guesses {
        ids.push(match g.role {
            Role::Closed(_) | Role::Multiple(..) | Role::Open | Role::Skip(_) => {
                n += 1;
                // A question over several columns is named by its wording, not its first choice.
                let name = match &g.role {
                    Role::Multiple(_, also, _) if !also.is_empty() => {
                        g.profile.text.as_ref().unwrap_or(&g.profile.name)
                    }
                    _ => &g.profile.name,
                };
                Some(question_id(name, n, &mut taken))
            }
            _ => None,
        });
    }
    let order: Vec<String> = guesses
        .iter()
        .zip(&ids)
        .filter(|(g, _)| matches!(g.role, Role::Closed(_) | Role::Multiple(..) | Role::Open))
        .filter_map(|(_, id)| id.as_ref().map(|i| toml_str(i)))
        .collect();
    let _ = writeln!(w, "# Report order: the order of the columns.");
    let _ = writeln!(w, "order = [{}]", order.join(", "));
    if let Some(g) = guesses.iter().find(|g| matches!(g.role, Role::RespondentType(_))) {
        write_types(w, g);
    }
    for (g, id) in guesses.iter().zip(&ids) {
        let Some(id) = id else { continue };
        write_question(w, g, id);
    }
    s
}

fn write_types(w: &mut String, g: &Guess) {
    let Role::RespondentType(seen) = &g.role else { return };
    // "Prefer not to say", "N/A", "-": no type; a run counts them as the default.
    let classifier = Classifier::new(&Survey::ad_hoc(None, &[]));
    let (unstated, types): (Vec<&GuessedOption>, Vec<&GuessedOption>) =
        seen.iter().partition(|t| classifier.is_non_answer(&t.label));
    let default = types.iter().find(|t| fold_label(&t.label) == "notstated").map_or("Not stated", |t| t.label.as_str());
    let _ = writeln!(w, "\n[respondent_type]");
    let _ = writeln!(w, "column = {}", toml_str(&g.profile.name));
    let _ = writeln!(w, "# Respondents who left it empty or gave another value count as this type.");
    let _ = writeln!(w, "default = {}", toml_str(default));
    for t in &unstated {
        let _ = writeln!(w, "# {} ({}) states no type: counted as the default.", toml_str(&t.label), t.count);
    }
    let _ = writeln!(
        w,
        "# {} types seen, most frequent first (respondents in the sample). Spellings that differ",
        types.len()
    );
    let _ = writeln!(w, "# only in case, spaces or punctuation are one type already; to merge two types,");
    let _ = writeln!(w, "# move one's name into the other's aliases.");
    let _ = writeln!(w, "types = [");
    for t in &types {
        let _ = writeln!(w, "  {},  # {}", type_entry(&t.label, &t.aliases), t.count);
    }
    if !types.iter().any(|t| t.label == default) {
        let _ = writeln!(w, "  {{ name = {} }},", toml_str(default));
    }
    let _ = writeln!(w, "]");
}

fn type_entry(name: &str, aliases: &[String]) -> String {
    if aliases.is_empty() {
        format!("{{ name = {} }}", toml_str(name))
    } else {
        let list: Vec<String> = aliases.iter().map(|a| toml_str(a)).collect();
        format!("{{ name = {}, aliases = [{}] }}", toml_str(name), list.join(", "))
    }
}

fn write_question(w: &mut String, g: &Guess, id: &str) {
    let p = &g.profile;
    let (also, filled) = match &g.role {
        Role::Multiple(_, also, filled) => (also.as_slice(), filled.as_slice()),
        _ => (&[][..], &[][..]),
    };
    let column = |w: &mut String, prefix: &str| {
        let _ = writeln!(w, "{prefix}id = {}", toml_str(id));
        if !also.is_empty() || !filled.is_empty() {
            let mut all: Vec<String> = std::iter::once(&p.name).chain(also).map(|c| toml_str(c)).collect();
            all.extend(filled.iter().map(|(c, o)| format!("{{ column = {}, option = {} }}", toml_str(c), toml_str(o))));
            let _ = writeln!(w, "{prefix}columns = [{}]", all.join(", "));
        } else if id != p.name {
            let _ = writeln!(w, "{prefix}column = {}", toml_str(&p.name));
        }
        let _ = writeln!(w, "{prefix}text = {}", toml_str(p.text.as_deref().unwrap_or(&p.name)));
    };
    let answered = format!("{} of {} rows answered", p.filled, p.rows);
    let _ = writeln!(w);
    if let Some(u) = &g.unsure {
        let _ = writeln!(w, "# unsure: {u}");
    }
    match &g.role {
        Role::Closed(options) | Role::Multiple(options, ..) => {
            let several = matches!(g.role, Role::Multiple(..));
            if !also.is_empty() {
                let _ = writeln!(w, "# SurveyMonkey's columns of one question, one a choice; {} rows sampled", p.rows);
            } else if several {
                let _ = writeln!(w, "# {answered}; cells list several of {} options", options.len());
            } else {
                let _ = writeln!(w, "# {answered}; {} distinct values in {} options", p.distinct, options.len());
            }
            let _ = writeln!(w, "[[closed]]");
            column(w, "");
            if several {
                let _ = writeln!(w, "multiple = true");
            }
            let labels: Vec<String> = options.iter().map(|o| toml_str(&o.label)).collect();
            let _ = writeln!(w, "options = [{}]", labels.join(", "));
            let counts: Vec<String> =
                options.iter().map(|o| format!("{} {}", escaped(&o.label, false), o.count)).collect();
            let _ = writeln!(w, "# answers per option: {}", counts.join(", "));
            let aliased: Vec<String> = options
                .iter()
                .filter(|o| !o.aliases.is_empty())
                .map(|o| {
                    let list: Vec<String> = o.aliases.iter().map(|a| toml_str(a)).collect();
                    format!("{} = [{}]", toml_str(&o.label), list.join(", "))
                })
                .collect();
            if !aliased.is_empty() {
                let _ = writeln!(w, "aliases = {{ {} }}", aliased.join(", "));
            }
            let classifier = Classifier::new(&Survey::ad_hoc(None, &[]));
            let left: Vec<String> = group_options(&p.values)
                .iter()
                .filter(|o| marks_no_answer(&o.label, &classifier))
                .map(|o| format!("{} {}", escaped(&o.label, false), o.count))
                .collect();
            if !left.is_empty() {
                let _ = writeln!(
                    w,
                    "# Not options: {} (they say no answer, and a run counts them so; to report one, list it)",
                    left.join(", ")
                );
            }
            if let Some(dk) = options.iter().find(|o| builtin_option(&o.label) == Some("Don't know")) {
                let _ = writeln!(w, "# Empty answers join this option in the \"including nil\" figure.");
                let _ = writeln!(w, "nil_into = {}", toml_str(&dk.label));
            }
        }
        Role::Open => {
            let _ = writeln!(w, "# {answered}; {:.0} characters on average", p.avg_chars);
            let _ = writeln!(w, "[[open]]");
            column(w, "");
        }
        Role::Skip(reason) => {
            let _ =
                writeln!(w, "# Skipped: column {} ({answered}): {reason}. To code it, uncomment:", toml_str(&p.name));
            let _ = writeln!(w, "# [[open]]");
            column(w, "# ");
        }
        Role::Id | Role::RespondentType(_) => {}
    }
}

fn title_case(stem: &str) -> String {
    let words: Vec<String> = stem
        .split(['_', '-', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
        })
        .collect();
    if words.is_empty() { "Survey".to_string() } else { words.join(" ") }
}

/// What [`write()`] did.
#[derive(Clone, Debug)]
pub struct Written {
    /// The spec written.
    pub spec: PathBuf,
    /// The lexicon the spec names.
    pub lexicon: PathBuf,
    /// Whether the lexicon was written now (false: one was there and was kept).
    pub lexicon_written: bool,
}

/// Writes the draft: the spec (refusing to replace one unless `force`) and the
/// starter lexicon (never replacing an existing file: it may hold the user's themes).
pub fn write(draft: &Draft, paths: &DraftPaths, force: bool) -> Result<Written> {
    if paths.spec.exists() && !force {
        return Err(Error::Usage(format!(
            "{} exists: choose another --out, or give --force to replace it",
            paths.spec.display()
        )));
    }
    if let Some(dir) = paths.spec.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    write_atomic(paths.spec, &draft.spec)?;
    let lexicon_written = !paths.lexicon.exists();
    if lexicon_written {
        write_atomic(paths.lexicon, &draft.lexicon)?;
    }
    Ok(Written { spec: paths.spec.to_path_buf(), lexicon: paths.lexicon.to_path_buf(), lexicon_written })
}

/// Writes `text` to `path` by rename ([`AtomicFile`]): replacing the name, never writing
/// through it, so a file that is also the data under another name (a hard link the
/// guard missed) keeps its bytes.
fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.writer().write_all(text.as_bytes()).map_err(|e| Error::io(path, e))?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(v: &[(&str, usize)]) -> Vec<(String, usize)> {
        v.iter().map(|(s, n)| (s.to_string(), *n)).collect()
    }

    fn sample(header: &[&str], rows: &[&[&str]]) -> Sample {
        Sample {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect(),
            ..Sample::default()
        }
    }

    /// Lists of a few values are a question that takes several answers: split on `;`
    /// where cells use it (a choice may hold a comma), an "Other" choice's one-off text
    /// left out, and a column where few tick two drafted so when those two stand alone
    /// too; commas inside single values (`Leeds, UK`) are no list.
    /// The starter lexicon parses, and so it does with its language lines uncommented.
    #[test]
    fn the_starter_lexicon_parses_with_its_language_uncommented() {
        let path = Path::new("lexicon.toml");
        let lex = crate::lexicon::Lexicon::from_str_with_path(STARTER_LEXICON, path).unwrap();
        assert_eq!(lex.settings.language, crate::text::Language::English);
        let french = STARTER_LEXICON
            .replace("# [settings]", "[settings]")
            .replace("# language = \"english\"", "language = \"fr\"");
        let lex = crate::lexicon::Lexicon::from_str_with_path(&french, path).unwrap();
        assert_eq!(lex.settings.language, crate::text::Language::French);
    }

    #[test]
    fn columns_listing_a_few_values_take_several_answers() {
        let several = |cells: &[&str]| {
            let rows: Vec<[&str; 1]> = cells.iter().map(|c| [*c]).collect();
            let rows: Vec<&[&str]> = rows.iter().map(|r| &r[..]).collect();
            guess(&sample(&["q"], &rows)).remove(0).role
        };
        let ms: Vec<&str> = ["Email, post or fax;Phone;", "Phone;", "Online;Email, post or fax;", "Online;Phone;"]
            .iter()
            .cycle()
            .take(12)
            .copied()
            .collect();
        let Role::Multiple(options, ..) = several(&ms) else { panic!("{:?}", several(&ms)) };
        assert_eq!(
            options.iter().map(|o| o.label.as_str()).collect::<Vec<_>>(),
            ["Phone", "Email, post or fax", "Online"]
        );
        let mut google: Vec<&str> =
            ["Police, Courts", "Courts", "Police", "Charity, Police"].iter().cycle().take(24).copied().collect();
        google.push("Courts, my GP who referred me on to the people at the hospital");
        google.push("Police, a neighbour");
        let Role::Multiple(options, ..) = several(&google) else { panic!("{:?}", several(&google)) };
        assert_eq!(options.iter().map(|o| o.label.as_str()).collect::<Vec<_>>(), ["Police", "Courts", "Charity"]);
        // A choice listed twice in a cell is one answer, as a run counts it.
        let mut twice = google.clone();
        twice.push("Police, police");
        let Role::Multiple(options, ..) = several(&twice) else { panic!("{:?}", several(&twice)) };
        let police = options.iter().find(|o| o.label == "Police").map(|o| o.count);
        assert_eq!(police, Some(20), "{options:?}"); // 19 before, and this one once
        let mut few: Vec<&str> = ["Email", "Phone", "Post"].iter().cycle().take(30).copied().collect();
        few.extend(["Email, Phone", "Email, Phone"]);
        assert!(matches!(several(&few), Role::Multiple(..)), "{:?}", several(&few));
        let towns: Vec<&str> = ["Leeds, UK", "York, UK", "Hull, UK"].iter().cycle().take(30).copied().collect();
        assert!(matches!(several(&towns), Role::Closed(_)), "{:?}", several(&towns));
    }

    /// A comments column, some comments with commas or semicolons, was drafted as a
    /// question of several answers whose options were `N/A`, `None` and `again`, with
    /// 38 values left out: nothing was coded. Found by a tester (realcomments.csv).
    #[test]
    fn comments_with_commas_are_open_not_several_answers() {
        let comments = [
            "The staff were friendly, but the wait was far too long",
            "N/A",
            "Parking was expensive; the signage was poor",
            "None",
            "Too expensive, too slow, too far",
            "No",
            "Nurse was lovely",
            "N/A",
            "Waited 3 hours, no explanation given",
            "The cost of parking, again",
            "Nothing to add",
            "Clean, quiet, efficient",
            "Staff shortages, clearly",
            "N/A",
            "Good service overall",
            "Long queue at reception, rude receptionist",
            "Thanks",
            "None",
            "Prices in the cafe are too high, frankly",
            "Great, thanks",
            "Slow, slow, slow",
            "n/a",
            "Could not find the ward; no signs",
            "Excellent care, thank you",
            "The doctor explained everything clearly",
            "Too long a wait, again",
            "None",
            "Booking online was difficult",
            "Good",
            "Friendly staff, clean ward",
        ];
        let rows: Vec<[&str; 1]> = comments.iter().map(|c| [*c]).collect();
        let rows: Vec<&[&str]> = rows.iter().map(|r| &r[..]).collect();
        let g = guess(&sample(&["Any other comments?"], &rows)).remove(0);
        assert_eq!(g.role, Role::Open, "{g:?}");
        // Choices that are most of what the cells list still take several answers.
        let mut ticks: Vec<&str> = ["Bus, Train", "Car", "Train", "Bus"].iter().cycle().take(24).copied().collect();
        ticks.extend(["Walking, my own two feet", "Cycling"]);
        let rows: Vec<[&str; 1]> = ticks.iter().map(|c| [*c]).collect();
        let rows: Vec<&[&str]> = rows.iter().map(|r| &r[..]).collect();
        assert!(matches!(guess(&sample(&["How?"], &rows)).remove(0).role, Role::Multiple(..)));
    }

    /// `N/A` was drafted as an option of a question of several answers, where a
    /// question of one answer lists it under `# Not options`. Found by a tester
    /// (multi_na.csv).
    #[test]
    fn non_answers_are_no_options_of_several_answers() {
        let cells = ["N/A", "Victim", "Family member", "Victim, Family member", "Professional", "Victim, Friend"];
        let rows: Vec<[&str; 1]> = cells.iter().cycle().take(30).map(|c| [*c]).collect();
        let rows: Vec<&[&str]> = rows.iter().map(|r| &r[..]).collect();
        let g = guess(&sample(&["Who are you?"], &rows)).remove(0);
        let Role::Multiple(options, ..) = &g.role else { panic!("{g:?}") };
        let labels: Vec<&str> = options.iter().map(|o| o.label.as_str()).collect();
        assert_eq!(labels, ["Victim", "Family member", "Friend", "Professional"]);
        assert_eq!(g.unsure, None);
        let mut w = String::new();
        write_question(&mut w, &g, "who");
        assert!(w.contains("# Not options: N/A 5 (they say no answer"), "{w}");
    }

    /// A workbook whose first sheet holds notes failed with "book.xlsx: no data rows
    /// to guess from", naming no sheet. Found by a tester (book.xlsx).
    #[test]
    fn errors_on_a_workbook_name_the_sheet_and_the_flag() {
        let notes = Sample { sheet: Some("Notes".into()), ..sample(&["Exported from Microsoft Forms"], &[]) };
        let err = in_sample(Path::new("book.xlsx"), &notes, "no data rows to guess from".into()).to_string();
        assert_eq!(
            err,
            "book.xlsx (sheet \"Notes\"): no data rows to guess from; is the table on another sheet? --sheet NAME \
             (or number) reads it"
        );
        let csv = in_sample(Path::new("a.csv"), &sample(&["id"], &[]), "no data rows".into()).to_string();
        assert_eq!(csv, "a.csv: no data rows");
    }

    #[test]
    fn options_group_spellings_and_builtins() {
        let got = group_options(&values(&[
            ("No", 36),
            ("Yes", 28),
            ("Don't know", 11),
            ("NO", 8),
            ("N", 7),
            ("y", 4),
            ("DK", 3),
            ("Not sure", 1),
            ("-", 2),
        ]));
        let summary: Vec<(&str, Vec<&str>, usize)> =
            got.iter().map(|o| (o.label.as_str(), o.aliases.iter().map(String::as_str).collect(), o.count)).collect();
        assert_eq!(
            summary,
            [("Yes", vec!["y"], 32), ("No", vec!["N"], 51), ("Don't know", vec!["DK", "Not sure"], 15)]
        );
        // Without yes/no, "Agree" is its own option, not Yes.
        let got = group_options(&values(&[("Agree", 5), ("Strongly agree", 3), ("agree ", 1)]));
        assert_eq!(got.iter().map(|o| o.label.as_str()).collect::<Vec<_>>(), ["Agree", "Strongly agree"]);
        // Found by a tester (qa-spec): one stray "Yes" among Agree and Disagree made
        // the question Yes/No, Agree reported as Yes.
        let got = group_options(&values(&[("Agree", 12), ("Disagree", 8), ("Yes", 1), ("DK", 2)]));
        let labels: Vec<&str> = got.iter().map(|o| o.label.as_str()).collect();
        assert_eq!(labels, ["Agree", "Disagree", "Yes", "Don't know"]);
        assert!(got[..3].iter().all(|o| o.aliases.is_empty()), "{got:?}");
        // Yes and No outnumbering a stray Agree: a yes/no question, as before.
        let got = group_options(&values(&[("Yes", 12), ("No", 8), ("agree", 1)]));
        assert_eq!(got[0], GuessedOption { label: "Yes".into(), aliases: vec!["agree".into()], count: 13 });
    }

    /// Two columns of one name are named by their place among them (a run reads
    /// `Please explain [2]` as the second); a file whose only text is short answers
    /// still gets a question (init failed with "a bug" on it); a scale of -2 to 2 keeps
    /// its negative options.
    /// Microsoft Forms' `Email` column, `anonymous` in every row, was drafted as a
    /// closed question with one option (testers); a unanimous `Yes` stays a question.
    #[test]
    fn a_column_of_one_value_is_skipped_unless_it_is_a_choice() {
        let rows: Vec<Vec<String>> =
            (1..=12).map(|i| vec![i.to_string(), "anonymous".into(), "Yes".into(), "slow".into()]).collect();
        let rows: Vec<&[String]> = rows.iter().map(Vec::as_slice).collect();
        let s = Sample {
            header: ["id", "Email", "Agree?", "Why?"].iter().map(|h| h.to_string()).collect(),
            rows: rows.iter().map(|r| r.to_vec()).collect(),
            ..Sample::default()
        };
        let g = guess(&s);
        assert_eq!(
            g[1].role,
            Role::Skip("every cell sampled holds the same value, \"anonymous\": nothing to count".into())
        );
        assert!(matches!(g[2].role, Role::Closed(_)), "{:?}", g[2].role);
        // Under ten answers, one value may be chance: drafted as before.
        let few = Sample { rows: s.rows[..5].to_vec(), ..s.clone() };
        assert!(!matches!(guess(&few).get(1).map(|g| &g.role), Some(Role::Skip(_))));
    }

    #[test]
    fn twin_names_short_answers_and_signed_scales() {
        let s = sample(
            &["id", "Q1", "Please explain", "Q2", "Please explain"],
            &[&["1", "Yes", "far too slow for us", "No", "cost"], &["2", "No", "cost", "Yes", "slow"]],
        );
        let guesses = guess(&s);
        let named: Vec<(&str, Option<&str>)> =
            [2, 4].iter().map(|&i| (guesses[i].profile.name.as_str(), guesses[i].profile.text.as_deref())).collect();
        assert_eq!(
            named,
            [("Please explain [1]", Some("Please explain")), ("Please explain [2]", Some("Please explain"))]
        );
        assert!(!matches!(guesses[2].role, Role::Skip(_)), "{:?}", guesses[2].role);
        let rows: [&[&str]; 5] =
            [&["1", "the cost is high"], &["2", "slow"], &["3", "too slow"], &["4", "cost"], &["5", "fine"]];
        let g = guess(&sample(&["id", "why"], &rows));
        assert_eq!(g[1].role, Role::Open);
        assert!(g[1].unsure.as_deref().is_some_and(|u| u.starts_with("no column looked like a question")));
        let rows: [&[&str]; 5] = [&["1", "-2"], &["2", "-1"], &["3", "0"], &["4", "1"], &["5", "2"]];
        let g = guess(&sample(&["id", "score"], &rows));
        let Role::Closed(options) = &g[1].role else { panic!("{:?}", g[1].role) };
        assert_eq!(options.iter().map(|o| o.label.as_str()).collect::<Vec<_>>(), ["-2", "-1", "0", "1", "2"]);
    }

    /// A worded scale is drafted in its order, top down, Don't know and non-answers
    /// after it, whatever the counts; options that are no scale keep frequency order.
    #[test]
    fn worded_scales_keep_their_order() {
        let labels =
            |v: &[(&str, usize)]| -> Vec<String> { group_options(&values(v)).into_iter().map(|o| o.label).collect() };
        let agree = labels(&[
            ("Don't know", 40),
            ("Disagree", 30),
            ("Strongly agree", 5),
            ("Neither agree nor disagree", 20),
            ("Tend to agree", 25),
            ("Strongly disagree", 9),
            ("N/A", 50),
        ]);
        assert_eq!(
            agree,
            [
                "Strongly agree",
                "Tend to agree",
                "Neither agree nor disagree",
                "Disagree",
                "Strongly disagree",
                "N/A",
                "Don't know"
            ]
        );
        let likely = labels(&[
            ("Not at all likely", 9),
            ("Very likely", 1),
            ("Extremely likely", 2),
            ("Not very likely", 8),
            ("Fairly likely", 3),
        ]);
        assert_eq!(
            likely,
            ["Extremely likely", "Very likely", "Fairly likely", "Not very likely", "Not at all likely"]
        );
        let quality =
            labels(&[("Poor", 9), ("Good", 8), ("Fair", 7), ("Excellent", 1), ("Very poor", 3), ("Very good", 2)]);
        assert_eq!(quality, ["Excellent", "Very good", "Good", "Fair", "Poor", "Very poor"]);
        let often = labels(&[("Never", 9), ("Sometimes", 8), ("Always", 1), ("Rarely", 5), ("Most of the time", 4)]);
        assert_eq!(often, ["Always", "Most of the time", "Sometimes", "Rarely", "Never"]);
        // Two scales mixed, or a word off any scale: frequency order.
        let mixed = labels(&[("Agree", 9), ("Very satisfied", 8), ("Disagree", 7)]);
        assert_eq!(mixed, ["Agree", "Very satisfied", "Disagree"]);
        let off = labels(&[("Bus", 9), ("Good", 8), ("Poor", 7), ("Very good", 1)]);
        assert_eq!(off, ["Bus", "Good", "Poor", "Very good"]);
    }

    /// `N/A` and `No answer` are not drafted as options (a run counts them as no
    /// answer) but listed in a comment; `None` and Don't know are options. Cells that
    /// read as sentences, and a column that asks to specify, are open questions
    /// however few distinct values the sample holds.
    #[test]
    fn non_answers_are_no_options_and_sentences_are_open() {
        let mut rows: Vec<Vec<&str>> = Vec::new();
        let scale = ["Agree", "Disagree", "N/A", "None", "No answer", "Don't know"];
        let said = ["The staff were kind to me.", "Nobody explained the wait at all.", "n/a"];
        let other = ["My sister", "A carer", ""];
        for i in 0..30 {
            rows.push(vec![scale[i % 6], said[i % 3], other[i % 3]]);
        }
        let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
        let s = sample(&["Agree?", "Any other comments?", "Other (please specify)"], &rows);
        let g = guess(&s);
        let Role::Closed(options) = &g[0].role else { panic!("{:?}", g[0].role) };
        let labels: Vec<&str> = options.iter().map(|o| o.label.as_str()).collect();
        assert_eq!(labels, ["Agree", "Disagree", "None", "Don't know"]);
        let mut w = String::new();
        write_question(&mut w, &g[0], "agree");
        assert!(w.contains("# Not options: N/A 5, No answer 5 (they say no answer"), "{w}");
        assert_eq!((&g[1].role, &g[2].role), (&Role::Open, &Role::Open));
        assert!(g[1].unsure.as_deref().is_some_and(|u| u.contains("read as sentences")), "{:?}", g[1].unsure);
        assert!(g[2].unsure.as_deref().is_some_and(|u| u.contains("asks to specify")), "{:?}", g[2].unsure);
    }

    /// "Prefer not to say" is no respondent type: the spec counts it as the default,
    /// as a run would anyway (it was listed as a type of its own).
    #[test]
    fn unstated_types_go_to_the_default() {
        let types = group_options(&values(&[("Charity", 3), ("Prefer not to say", 2), ("Police", 1), ("N/A", 1)]));
        let profile = Profile::new(&sample(&["type"], &[&["Charity"]]), 0);
        let mut w = String::new();
        write_types(&mut w, &Guess { profile, role: Role::RespondentType(types), unsure: None });
        assert!(w.contains("# \"Prefer not to say\" (2) states no type: counted as the default."), "{w}");
        assert!(!w.contains("{ name = \"Prefer not to say\" }") && !w.contains("{ name = \"N/A\" }"), "{w}");
        assert!(w.contains("{ name = \"Charity\" }") && w.contains("{ name = \"Not stated\" }"), "{w}");
    }

    #[test]
    fn columns_are_classified() {
        let s = sample(
            &["Response ID", "Organisation type", "Agree?", "Why", "Email", "Submitted", "Age", "Rating", "Name"],
            &[
                &[
                    "r1",
                    "Charity",
                    "Yes",
                    "Because the cost was far too high for me",
                    "a@b.org",
                    "2024-03-01",
                    "34",
                    "4",
                    "Ann Smith",
                ],
                &[
                    "r2",
                    "charity",
                    "No",
                    "It took months to get to court at all",
                    "c@d.org",
                    "2024-03-02",
                    "51",
                    "5",
                    "Bo Li",
                ],
                &["r3", "Public", "yes", "", "", "01/04/2024", "29", "1", "Cy Young"],
                &[
                    "r4",
                    "Public",
                    "DK",
                    "Police did nothing when I reported it",
                    "e@f.com",
                    "2024-04-02 10:00",
                    "47",
                    "2",
                    "Di Ross",
                ],
            ],
        );
        let roles: Vec<String> = guess(&s)
            .iter()
            .map(|g| match &g.role {
                Role::Id => "id".to_string(),
                Role::RespondentType(t) => format!("type {}", t.len()),
                Role::Closed(o) => format!("closed {}", o.len()),
                Role::Multiple(o, also, filled) => {
                    format!("multiple {} over {}", o.len(), 1 + also.len() + filled.len())
                }
                Role::Open => "open".to_string(),
                Role::Skip(r) => format!("skip: {r}"),
            })
            .collect();
        assert_eq!(
            roles,
            [
                "id",
                "type 2",
                "closed 3",
                "open",
                "skip: it holds email addresses",
                "skip: it holds dates",
                "skip: it holds numbers",
                "closed 4",
                "skip: it holds short, mostly distinct values"
            ]
        );
    }

    #[test]
    fn names_ids_and_paths() {
        assert_eq!(name_words("ResponseID"), ["response", "id"]);
        assert!(is_id_name("respondent_id") && is_id_name("Ref") && !is_id_name("paid"));
        assert!(is_type_name("respondent_type") && is_type_name("Responding as") && !is_type_name("q1"));
        let mut taken = FxHashSet::default();
        assert_eq!(question_id("q1_text", 1, &mut taken), "q1_text");
        assert_eq!(question_id("Why do you say that?", 2, &mut taken), "why_do_you_say_that");
        assert_eq!(question_id("What restrictions should it be possible to place?", 3, &mut taken), "q3");
        assert_eq!(question_id("q1_text", 4, &mut taken), "q1_text_2");
        assert_eq!(relative_path(Path::new("/a/b"), Path::new("/a/c/d.csv")), "../c/d.csv");
        assert_eq!(relative_path(Path::new("/a"), Path::new("/a/d.csv")), "d.csv");
        assert_eq!(relative_path(Path::new("/a"), Path::new("/b/d.csv")), "/b/d.csv");
        assert_eq!(relative_path(Path::new(""), Path::new("d.csv")), "d.csv");
        assert!(is_date("2024-03-15") && is_date("15/03/2024 10:00") && !is_date("1-2") && !is_date("2024-03/15"));
        assert_eq!(number("£1,200"), Some(1200.0));
        assert_eq!(number("12 apples"), None);
    }

    #[test]
    fn pointer_answers_are_proposed_as_non_answers() {
        let s = sample(
            &["q5"],
            &[
                &["See response to Q3."],
                &["see a shrink"],
                &["Please see our covering letter."],
                &["see above"],
                &["Please see our answers above."],
                &["N/a - see Q1"],
                &["N/A"],
                &["a longer answer that says something real about the orders"],
            ],
        );
        let guesses = vec![Guess { profile: Profile::new(&s, 0), role: Role::Open, unsure: None }];
        assert_eq!(
            pointer_answers(&s, &guesses),
            ["see response to q3", "please see our answers above", "n/a - see q1"]
        );
    }
}
