//! Agreement between the pipeline's codes and human codes ("gold").
//!
//! Units are answers: one per respondent and open question whose answer is not
//! empty. For each question and theme that applies to it, every unit is a binary
//! decision (theme asserted or not) by two coders, the pipeline and the human.
//! From the 2x2 table come precision, recall, F1, Cohen's kappa, Krippendorff's
//! alpha (nominal, two coders, no missing values) and the prevalence in each coding.

use std::collections::{BTreeMap, BTreeSet};

use crate::input::Reject;

/// A 2x2 agreement table for one question and theme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Confusion {
    /// Both code the theme.
    pub tp: u64,
    /// Only the pipeline codes it.
    pub fp: u64,
    /// Only the human codes it.
    pub fn_: u64,
    /// Neither codes it.
    pub tn: u64,
}

impl Confusion {
    /// Units.
    pub fn n(&self) -> u64 {
        self.tp + self.fp + self.fn_ + self.tn
    }

    /// TP / (TP + FP); `None` when nothing was coded.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }

    /// TP / (TP + FN); `None` when the gold has no positive.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// 2TP / (2TP + FP + FN); `None` when neither coder has a positive.
    pub fn f1(&self) -> Option<f64> {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    /// Cohen's kappa; `None` when chance agreement is 1 (one category only).
    pub fn kappa(&self) -> Option<f64> {
        let n = self.n() as f64;
        if n == 0.0 {
            return None;
        }
        let po = (self.tp + self.tn) as f64 / n;
        let yes_codes = (self.tp + self.fp) as f64;
        let yes_gold = (self.tp + self.fn_) as f64;
        let pe = (yes_codes * yes_gold + (n - yes_codes) * (n - yes_gold)) / (n * n);
        if (1.0 - pe).abs() < 1e-12 { None } else { Some((po - pe) / (1.0 - pe)) }
    }

    /// Krippendorff's alpha for nominal data, two coders, no missing values:
    /// `1 - (n - 1) * d / (n0 * n1)` with `n = 2N` pairable values, `d` the
    /// disagreeing units and `n0`, `n1` the counts of each value. `None` when only
    /// one value occurs.
    pub fn alpha(&self) -> Option<f64> {
        let n = 2 * self.n();
        let ones = 2 * self.tp + self.fp + self.fn_;
        let zeros = n - ones;
        if ones == 0 || zeros == 0 {
            return None;
        }
        let d = (self.fp + self.fn_) as f64;
        Some(1.0 - (n as f64 - 1.0) * d / (zeros as f64 * ones as f64))
    }

    /// Share of units the human coded with the theme.
    pub fn prevalence_gold(&self) -> Option<f64> {
        ratio(self.tp + self.fn_, self.n())
    }

    /// Share of units the pipeline coded with the theme.
    pub fn prevalence_codes(&self) -> Option<f64> {
        ratio(self.tp + self.fp, self.n())
    }

    /// Adds another table (for micro averages).
    pub fn add(&mut self, o: &Confusion) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
        self.tn += o.tn;
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Respells each gold code's respondent id as `respondents` (the ids of the data)
/// spell it, where the two differ only in composition: an id typed on one system and
/// pasted from another (`José` composed, NFC, and decomposed, NFD, as a Mac writes it)
/// names one respondent, as duplicate ids are judged.
pub fn spell_ids_as(gold: &mut [GoldCode], respondents: &std::collections::BTreeSet<String>) {
    use unicode_normalization::UnicodeNormalization;
    let composed: std::collections::BTreeMap<String, &String> =
        respondents.iter().filter(|id| !id.is_ascii()).map(|id| (id.nfc().collect(), id)).collect();
    for g in gold.iter_mut().filter(|g| !g.unit.0.is_ascii() && !respondents.contains(&g.unit.0)) {
        if let Some(&id) = composed.get(&g.unit.0.nfc().collect::<String>()) {
            g.unit.0 = id.clone();
        }
    }
}

/// Respells each gold code's theme as the lexicon's `themes` (ids) spell it, where the
/// two differ only in composition (`café` typed with `é`, and with `e` and a combining
/// accent): one theme, as respondent ids are one respondent ([`spell_ids_as`]); scored
/// as written, each of its codes counted as a miss.
pub fn spell_themes_as(gold: &mut [GoldCode], themes: &[&str]) {
    use unicode_normalization::UnicodeNormalization;
    let composed: std::collections::BTreeMap<String, &str> =
        themes.iter().filter(|id| !id.is_ascii()).map(|&id| (id.nfc().collect(), id)).collect();
    if composed.is_empty() {
        return;
    }
    for g in gold.iter_mut().filter(|g| !g.theme.is_ascii() && !themes.contains(&g.theme.as_str())) {
        if let Some(&id) = composed.get(&g.theme.nfc().collect::<String>()) {
            g.theme = id.to_string();
        }
    }
}

/// A unit: (respondent id, question id).
pub type Unit = (String, String);

/// One row of a gold file: a human's code for one answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoldCode {
    /// Line of the gold file (1-based; the header is line 1).
    pub line: u64,
    /// The answer coded: (respondent id, question id).
    pub unit: Unit,
    /// The theme the human gave it.
    pub theme: String,
}

/// Why a gold row cannot be compared with the pipeline's codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unusable {
    /// No respondent of the data has this id (ids are compared exactly).
    UnknownRespondent,
    /// The data has a row with this id, but it was rejected (see rejects.csv), so the
    /// respondent was not coded.
    RejectedRespondent,
    /// The survey has no question with this id.
    UnknownQuestion,
    /// The question is a closed one: only open questions are coded.
    ClosedQuestion,
    /// The respondent left that question empty: there is no answer to agree on.
    EmptyAnswer,
}

impl Unusable {
    /// Every reason, in the order reports list them.
    pub const ALL: [Unusable; 5] = [
        Unusable::UnknownRespondent,
        Unusable::RejectedRespondent,
        Unusable::UnknownQuestion,
        Unusable::ClosedQuestion,
        Unusable::EmptyAnswer,
    ];

    /// A short machine-readable name (for CSV).
    pub fn name(self) -> &'static str {
        match self {
            Unusable::UnknownRespondent => "respondent_not_in_data",
            Unusable::RejectedRespondent => "respondent_row_rejected",
            Unusable::UnknownQuestion => "question_not_in_survey",
            Unusable::ClosedQuestion => "closed_question",
            Unusable::EmptyAnswer => "empty_answer",
        }
    }

    /// "`n` rows name ...": how many rows have this reason and what is wrong with them.
    pub fn count_rows(self, n: usize) -> String {
        let what = match self {
            Unusable::UnknownRespondent => "a respondent who is not in the data",
            Unusable::RejectedRespondent => "a respondent whose row of the data was rejected",
            Unusable::UnknownQuestion => "a question the survey does not have",
            Unusable::ClosedQuestion => "a closed question (only open questions are coded)",
            Unusable::EmptyAnswer => "an answer the respondent left empty",
        };
        if n == 1 { format!("1 row names {what}") } else { format!("{n} rows name {what}") }
    }
}

/// The gold rows sorted into those that can be compared and those that cannot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Screened {
    /// Usable codes, deduplicated: what [`Agreement::compute`] takes as gold.
    pub usable: BTreeSet<(Unit, String)>,
    /// Rows read from the gold file.
    pub rows: usize,
    /// Rows that cannot be used, in file order, each with its reason.
    pub unusable: Vec<(Unusable, GoldCode)>,
    /// The rejected rows of the data that unusable rows name, by respondent id.
    pub rejected: BTreeMap<String, Reject>,
}

/// Sorts gold rows into usable and unusable ones.
///
/// `respondents` are the ids of the data's respondents, `rejected` the data's rejected
/// rows by respondent id, `open` and `closed` the survey's question ids, `units` the
/// answers with text. A row is usable when its unit is one of `units`; otherwise the
/// first failing test gives its reason: respondent (not in the data, or its row
/// rejected), then question, then an empty answer.
pub fn screen(
    gold: &[GoldCode],
    respondents: &BTreeSet<String>,
    rejected: &BTreeMap<String, Reject>,
    open: &[String],
    closed: &[String],
    units: &BTreeSet<Unit>,
) -> Screened {
    let mut out = Screened { rows: gold.len(), ..Screened::default() };
    for g in gold {
        let (r, q) = &g.unit;
        let reason = if units.contains(&g.unit) {
            None
        } else if !respondents.contains(r) {
            match rejected.get(r) {
                Some(reject) => {
                    out.rejected.entry(r.clone()).or_insert_with(|| reject.clone());
                    Some(Unusable::RejectedRespondent)
                }
                None => Some(Unusable::UnknownRespondent),
            }
        } else if closed.contains(q) {
            Some(Unusable::ClosedQuestion)
        } else if !open.contains(q) {
            Some(Unusable::UnknownQuestion)
        } else {
            Some(Unusable::EmptyAnswer)
        };
        match reason {
            None => {
                out.usable.insert((g.unit.clone(), g.theme.clone()));
            }
            Some(why) => out.unusable.push((why, g.clone())),
        }
    }
    out
}

/// Says which gold rows of `file` cannot be used and why, with examples: the text
/// of the warning (or of the error when none can be used).
///
/// `respondents` are the data's ids, to point out ids that differ only in case or
/// surrounding space; `open` the survey's open questions.
pub fn explain_unusable(file: &str, screened: &Screened, respondents: &BTreeSet<String>, open: &[String]) -> String {
    let bad = &screened.unusable;
    let mut parts = Vec::new();
    for (why, n) in count_by_reason(bad) {
        let first = &bad.iter().find(|(w, _)| *w == why).expect("counted").1;
        let (r, q) = &first.unit;
        let detail = match why {
            Unusable::UnknownRespondent => {
                let near = bad.iter().filter(|(w, _)| *w == why).find_map(|(_, g)| {
                    let id = g.unit.0.trim();
                    respondents.iter().find(|d| d.trim().eq_ignore_ascii_case(id)).map(|d| (&g.unit.0, d))
                });
                match near {
                    Some((g, d)) => format!("ids are compared exactly ({g:?} is not {d:?})"),
                    None => format!("e.g. {r:?}"),
                }
            }
            Unusable::RejectedRespondent => format!("e.g. {r:?} ({})", rejection(&screened.rejected, r)),
            Unusable::UnknownQuestion => format!("e.g. {q:?} (open questions: {})", open.join(", ")),
            Unusable::ClosedQuestion => format!("e.g. {q:?}"),
            Unusable::EmptyAnswer => format!("e.g. {r} to {q}"),
        };
        parts.push(format!("{}: {detail}", why.count_rows(n)));
    }
    let examples: Vec<String> = bad
        .iter()
        .take(3)
        .map(|(_, g)| format!("{file}:{} ({}, {}, {})", g.line, g.unit.0, g.unit.1, g.theme))
        .collect();
    let head = if screened.usable.is_empty() {
        format!("none of its {} rows can be used", screened.rows)
    } else {
        format!("{} of its {} rows cannot be used and are not counted", bad.len(), screened.rows)
    };
    format!("{head}: {}; first: {}", parts.join("; "), examples.join(", "))
}

/// Where and why the data's row of respondent `id` was rejected ("line 3 of the data:
/// row has 3 fields, the header has 2"; "" if it was not).
pub fn rejection(rejected: &BTreeMap<String, Reject>, id: &str) -> String {
    let Some(r) = rejected.get(id) else {
        return String::new();
    };
    match &r.column {
        Some(c) => format!("line {} of the data, column {c:?}: {}", r.line, r.reason),
        None => format!("line {} of the data: {}", r.line, r.reason),
    }
}

/// Unusable gold rows per reason, in [`Unusable::ALL`] order, leaving out reasons with none.
pub fn count_by_reason(unusable: &[(Unusable, GoldCode)]) -> Vec<(Unusable, usize)> {
    Unusable::ALL
        .iter()
        .map(|&why| (why, unusable.iter().filter(|(w, _)| *w == why).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// A theme the gold file uses that is no theme id of the lexicon.
///
/// The pipeline never codes it, so each of its codes counts as a miss. When it names
/// a lexicon theme in other words (ids differing only in case, or the theme's label),
/// the figures are wrong twice over: the theme meant also scores every code as a
/// false positive. `near` holds those themes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownTheme {
    /// The theme as the gold file writes it.
    pub theme: String,
    /// Rows of the gold file that use it.
    pub rows: usize,
    /// Line of the first of them.
    pub first_line: u64,
    /// Lexicon themes it matches ignoring case, or by label: (id, the label if it
    /// matched by that).
    pub near: Vec<(String, Option<String>)>,
}

impl UnknownTheme {
    /// `"hope" (3 rows, the first on line 4)`.
    fn counted(&self) -> String {
        let rows = if self.rows == 1 { "1 row".to_string() } else { format!("{} rows", self.rows) };
        let first = if self.rows == 1 { "on line" } else { "the first on line" };
        format!("{:?} ({rows}, {first} {})", self.theme, self.first_line)
    }
}

/// The themes of `gold` that are no id of the lexicon's `themes` (id, label), in the
/// order of their first use.
pub fn unknown_themes(gold: &[GoldCode], themes: &[(&str, &str)]) -> Vec<UnknownTheme> {
    let mut out: Vec<UnknownTheme> = Vec::new();
    for g in gold.iter().filter(|g| !themes.iter().any(|(id, _)| *id == g.theme)) {
        if let Some(u) = out.iter_mut().find(|u| u.theme == g.theme) {
            u.rows += 1;
            continue;
        }
        let folded = g.theme.to_lowercase();
        let near = themes
            .iter()
            .filter_map(|(id, label)| {
                if id.to_lowercase() == folded {
                    Some((id.to_string(), None))
                } else if label.trim().to_lowercase() == folded {
                    Some((id.to_string(), Some(label.trim().to_string())))
                } else {
                    None
                }
            })
            .collect();
        out.push(UnknownTheme { theme: g.theme.clone(), rows: 1, first_line: g.line, near });
    }
    out
}

/// The error for gold themes that name a lexicon theme in other words (see
/// [`UnknownTheme`]), with the first one's line; `None` when there is none.
pub fn misnamed_themes(unknown: &[UnknownTheme]) -> Option<(u64, String)> {
    let misnamed: Vec<&UnknownTheme> = unknown.iter().filter(|u| !u.near.is_empty()).collect();
    let first = misnamed.first()?;
    let each: Vec<String> = misnamed
        .iter()
        .map(|u| {
            let meant: Vec<String> = u
                .near
                .iter()
                .map(|(id, label)| match label {
                    Some(label) => format!("{id:?} (labelled {label:?})"),
                    None => format!("{id:?}"),
                })
                .collect();
            format!("{} is not a theme id of the lexicon; it has {}", u.counted(), meant.join(" and "))
        })
        .collect();
    Some((
        first.first_line,
        format!(
            "{}. Theme ids are compared exactly: scored as written, every such code would count as a miss \
             of a theme the pipeline never codes, and the pipeline's codes of the theme meant as false \
             positives. Write the lexicon's theme ids in the gold file",
            each.join("; ")
        ),
    ))
}

/// The warning for gold themes the lexicon does not have at all; `None` when there is none.
pub fn explain_unknown_themes(unknown: &[UnknownTheme]) -> Option<String> {
    let absent: Vec<String> = unknown.iter().filter(|u| u.near.is_empty()).map(UnknownTheme::counted).collect();
    let what = match absent.len() {
        0 => return None,
        1 => "1 theme is not in the lexicon, so the pipeline never codes it and each of its codes counts as a miss",
        _ => "themes are not in the lexicon, so the pipeline never codes them and each of their codes counts as a miss",
    };
    let n = if absent.len() == 1 { String::new() } else { format!("{} ", absent.len()) };
    Some(format!("{n}{what}: {}", absent.join(", ")))
}

/// A lexicon theme the gold file codes on a question the theme does not apply to (the
/// lexicon's `questions` for it): the pipeline never codes it there, so each of those
/// codes counts as a miss, whatever the answer says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InapplicableTheme {
    /// The theme id.
    pub theme: String,
    /// The question it does not apply to.
    pub question: String,
    /// Usable rows of the gold file coding it there.
    pub rows: usize,
    /// Line of the first of them.
    pub first_line: u64,
}

/// The gold codes of `usable` whose theme is a lexicon theme (`themes`: id, label)
/// that does not apply to their question (`questions`: each question's applicable
/// theme ids), per theme and question in the order of their first use.
pub fn inapplicable_themes(
    gold: &[GoldCode],
    usable: &BTreeSet<(Unit, String)>,
    questions: &[(String, Vec<String>)],
    themes: &[(&str, &str)],
) -> Vec<InapplicableTheme> {
    let mut out: Vec<InapplicableTheme> = Vec::new();
    for g in gold {
        let applies = |q: &(String, Vec<String>)| q.0 == g.unit.1 && q.1.contains(&g.theme);
        if !themes.iter().any(|(id, _)| *id == g.theme)
            || questions.iter().any(applies)
            || !usable.contains(&(g.unit.clone(), g.theme.clone()))
        {
            continue;
        }
        match out.iter_mut().find(|i| i.theme == g.theme && i.question == g.unit.1) {
            Some(i) => i.rows += 1,
            None => out.push(InapplicableTheme {
                theme: g.theme.clone(),
                question: g.unit.1.clone(),
                rows: 1,
                first_line: g.line,
            }),
        }
    }
    out
}

/// The warning for gold codes of themes on questions they do not apply to; `None`
/// when there is none.
pub fn explain_inapplicable_themes(inapplicable: &[InapplicableTheme]) -> Option<String> {
    let each: Vec<String> = inapplicable
        .iter()
        .map(|i| {
            let rows = if i.rows == 1 { "1 row".to_string() } else { format!("{} rows", i.rows) };
            let first = if i.rows == 1 { "on line" } else { "the first on line" };
            format!("{:?} on {:?} ({rows}, {first} {})", i.theme, i.question, i.first_line)
        })
        .collect();
    let what = match each.len() {
        0 => return None,
        1 => {
            "1 theme is coded on a question the lexicon does not apply it to (its `questions`), so the \
             pipeline never codes it there and each such code counts as a miss"
        }
        _ => {
            "themes are coded on questions the lexicon does not apply them to (their `questions`), so the \
             pipeline never codes them there and each such code counts as a miss"
        }
    };
    let n = if each.len() == 1 { String::new() } else { format!("{} ", each.len()) };
    Some(format!("{n}{what}: {}", each.join(", ")))
}

/// Gold codes a file's codes of child themes imply: the codes of their ancestors,
/// each with the child theme that implies it (the first, in theme id order).
pub type Implied = BTreeMap<(Unit, String), String>;

/// Rolls `usable` gold codes up the lexicon's hierarchy as the pipeline rolls up its
/// own (`coding::roll_up`): a code of a theme implies each of its ancestors that
/// applies to the code's question, as the pipeline codes a parent wherever it codes
/// a child. Without this a parent scores every code of its children as a false
/// positive. `ancestors` maps a theme id to its ancestors' ids (empty for a lexicon
/// whose parents count only their own entries, as LIWC's do); `questions` lists each
/// question's applicable theme ids. Returns the codes added, which `usable` lacked.
pub fn roll_up(
    usable: &mut BTreeSet<(Unit, String)>,
    ancestors: &BTreeMap<String, Vec<String>>,
    questions: &[(String, Vec<String>)],
) -> Implied {
    let mut implied = Implied::new();
    for (unit, theme) in usable.iter() {
        let Some(up) = ancestors.get(theme) else { continue };
        let applies = |t: &String| questions.iter().any(|(q, themes)| *q == unit.1 && themes.contains(t));
        for parent in up.iter().filter(|p| applies(p)) {
            let key = (unit.clone(), parent.clone());
            if !usable.contains(&key) {
                implied.entry(key).or_insert_with(|| theme.clone());
            }
        }
    }
    usable.extend(implied.keys().cloned());
    implied
}

/// "48 gold codes of parent themes are implied ...": what [`roll_up`] added; `None`
/// when it added none.
pub fn explain_implied(implied: &Implied) -> Option<String> {
    let (key, child) = implied.iter().next()?;
    let ((r, q), parent) = key;
    let codes = if implied.len() == 1 { "1 gold code".to_string() } else { format!("{} gold codes", implied.len()) };
    let are = if implied.len() == 1 { "is" } else { "are" };
    Some(format!(
        "{codes} of parent themes {are} implied by codes of their child themes, as the pipeline codes a \
         parent wherever it codes a child (e.g. {parent:?} for {r} on {q}, from {child:?})"
    ))
}

/// Which answers are scored (`validate --gold-units`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GoldUnits {
    /// Every answer with text: an answer the gold file does not name is one a human
    /// gave no theme.
    #[default]
    All,
    /// Only the answers the gold file names (a coded sample): by a code, or by a row
    /// with an empty theme, which says a human read the answer and gave it no theme.
    Named,
}

/// The answers scored against the answers with text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// Which answers are scored.
    pub units: GoldUnits,
    /// Answers with text that the gold file names.
    pub named: usize,
    /// Answers with text.
    pub answers: usize,
}

impl Scope {
    /// What the analyst should know about which answers were scored: `None` when the
    /// gold file names every answer with text.
    pub fn explain(&self) -> Option<String> {
        let Scope { units, named, answers } = *self;
        let rest = answers - named;
        let these = |n: usize| if n == 1 { "the answer".to_string() } else { format!("the {n} answers") };
        match units {
            _ if rest == 0 => None,
            GoldUnits::All => Some(format!(
                "its rows name {named} of the {answers} answers with text; the other {rest} are scored as \
                 answers a human gave no theme (if the file codes only a sample of the answers, \
                 `--gold-units named` scores just the answers it names)"
            )),
            GoldUnits::Named => Some(format!(
                "only {} its rows name {} scored (`--gold-units named`); the other {rest} of the {answers} \
                 answers with text {} left out",
                these(named),
                if named == 1 { "is" } else { "are" },
                if rest == 1 { "is" } else { "are" },
            )),
        }
    }
}

/// Whether a (question, theme) pair is a false positive or a false negative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Disagreement {
    /// The pipeline coded it, the human did not.
    FalsePositive,
    /// The human coded it, the pipeline did not.
    FalseNegative,
}

/// Agreement over all questions and themes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Agreement {
    /// Per (question, theme), in question order then theme id.
    pub rows: Vec<((String, String), Confusion)>,
    /// Every disagreement: unit, theme, kind.
    pub disagreements: Vec<(Unit, String, Disagreement)>,
    /// Gold rows set aside, uncounted, with the reason (filled by the caller from
    /// [`screen`]; `compute` itself ignores gold codes outside `units`).
    pub unusable: Vec<(Unusable, GoldCode)>,
    /// The rejected rows of the data that unusable gold rows name (from [`screen`]).
    pub rejected: BTreeMap<String, Reject>,
    /// Themes of the gold file that the lexicon does not have (from [`unknown_themes`]).
    pub unknown_themes: Vec<UnknownTheme>,
    /// Lexicon themes the gold file codes on questions they do not apply to (from
    /// [`inapplicable_themes`]).
    pub inapplicable_themes: Vec<InapplicableTheme>,
    /// Rows of the gold file, usable or not.
    pub gold_rows: usize,
    /// Gold codes of parent themes that codes of their children imply (from
    /// [`roll_up`]), counted with the file's own.
    pub implied: Implied,
    /// Which answers were scored.
    pub scope: Scope,
}

impl Agreement {
    /// Compares `codes` with `gold` over `units`, for each question's `themes`.
    ///
    /// `questions` lists question ids in order with the theme ids that apply to each.
    pub fn compute(
        questions: &[(String, Vec<String>)],
        units: &BTreeSet<Unit>,
        codes: &BTreeSet<(Unit, String)>,
        gold: &BTreeSet<(Unit, String)>,
    ) -> Agreement {
        let mut a = Agreement::default();
        for (q, themes) in questions {
            let mut themes: Vec<&String> = themes.iter().collect();
            // themes the gold uses on this question but the lexicon lacks still count
            let extra: BTreeSet<&String> =
                gold.iter().filter(|((_, gq), t)| gq == q && !themes.contains(&t)).map(|(_, t)| t).collect();
            themes.extend(extra);
            themes.sort();
            for theme in themes {
                let mut c = Confusion::default();
                for unit in units.iter().filter(|(_, uq)| uq == q) {
                    let key = (unit.clone(), theme.clone());
                    match (codes.contains(&key), gold.contains(&key)) {
                        (true, true) => c.tp += 1,
                        (true, false) => {
                            c.fp += 1;
                            a.disagreements.push((unit.clone(), theme.clone(), Disagreement::FalsePositive));
                        }
                        (false, true) => {
                            c.fn_ += 1;
                            a.disagreements.push((unit.clone(), theme.clone(), Disagreement::FalseNegative));
                        }
                        (false, false) => c.tn += 1,
                    }
                }
                a.rows.push(((q.clone(), theme.clone()), c));
            }
        }
        a
    }

    /// Unusable gold rows per reason, in [`Unusable::ALL`] order, leaving out reasons with none.
    pub fn unusable_counts(&self) -> Vec<(Unusable, usize)> {
        count_by_reason(&self.unusable)
    }

    /// All tables added together.
    pub fn micro(&self) -> Confusion {
        let mut total = Confusion::default();
        for (_, c) in &self.rows {
            total.add(c);
        }
        total
    }

    /// Mean of per-row F1 over rows where either coder has a positive.
    pub fn macro_f1(&self) -> Option<f64> {
        mean(self.rows.iter().filter_map(|(_, c)| c.f1()))
    }

    /// Mean precision over rows where the pipeline coded something.
    pub fn macro_precision(&self) -> Option<f64> {
        mean(self.rows.iter().filter_map(|(_, c)| c.precision()))
    }

    /// Mean recall over rows where the gold has a positive.
    pub fn macro_recall(&self) -> Option<f64> {
        mean(self.rows.iter().filter_map(|(_, c)| c.recall()))
    }

    /// Mean kappa over rows where it is defined.
    pub fn macro_kappa(&self) -> Option<f64> {
        mean(self.rows.iter().filter_map(|(_, c)| c.kappa()))
    }

    /// Rows by (question, theme).
    pub fn row(&self, question: &str, theme: &str) -> Option<&Confusion> {
        self.rows.iter().find(|((q, t), _)| q == question && t == theme).map(|(_, c)| c)
    }

    /// F1 per theme id, pooled across the questions it applies to.
    pub fn by_theme(&self) -> BTreeMap<String, Confusion> {
        let mut out: BTreeMap<String, Confusion> = BTreeMap::new();
        for ((_, t), c) in &self.rows {
            out.entry(t.clone()).or_default().add(c);
        }
        out
    }
}

fn mean(it: impl Iterator<Item = f64>) -> Option<f64> {
    let v: Vec<f64> = it.collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("defined");
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    /// A gold theme `café` typed with `é` scored as a theme of its own against the
    /// lexicon's `café` written with a combining accent: every code a miss.
    #[test]
    fn gold_themes_are_spelled_as_the_lexicon_spells_them() {
        let code = |theme: &str| GoldCode { line: 2, unit: ("1".into(), "q".into()), theme: theme.into() };
        let mut gold = vec![code("caf\u{e9}"), code("cafe"), code("Caf\u{e9}"), code("t\u{e9}")];
        spell_themes_as(&mut gold, &["cafe\u{301}", "cafe", "t\u{e9}"]);
        let themes: Vec<&str> = gold.iter().map(|g| g.theme.as_str()).collect();
        assert_eq!(themes, ["cafe\u{301}", "cafe", "Caf\u{e9}", "t\u{e9}"]);
    }

    #[test]
    fn hand_computed_table() {
        // 20 units: TP 6, FP 2, FN 3, TN 9.
        let c = Confusion { tp: 6, fp: 2, fn_: 3, tn: 9 };
        close(c.precision(), 0.75);
        close(c.recall(), 6.0 / 9.0);
        close(c.f1(), 12.0 / 17.0);
        // po = 15/20 = 0.75; pe = (8*9 + 12*11)/400 = 204/400 = 0.51; kappa = 0.24/0.49
        close(c.kappa(), 0.24 / 0.49);
        // n = 40 values, ones = 2*6+2+3 = 17, zeros = 23, d = 5: alpha = 1 - 39*5/(23*17)
        close(c.alpha(), 1.0 - 195.0 / 391.0);
        close(c.prevalence_gold(), 9.0 / 20.0);
        close(c.prevalence_codes(), 8.0 / 20.0);
    }

    #[test]
    fn krippendorff_textbook_example() {
        // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section A:
        // binary data, two observers, 10 units: values
        // A = 0 1 0 0 0 0 0 0 1 0, B = 1 1 1 0 0 1 0 0 0 0  ->  alpha = 0.095
        // In 2x2 terms (A as "codes", B as "gold"): TP 1, FP 1, FN 3, TN 5.
        let c = Confusion { tp: 1, fp: 1, fn_: 3, tn: 5 };
        assert!((c.alpha().unwrap() - 0.095).abs() < 0.0005, "{:?}", c.alpha());
    }

    #[test]
    fn degenerate_tables() {
        let none = Confusion { tp: 0, fp: 0, fn_: 0, tn: 10 };
        assert_eq!(
            (none.precision(), none.recall(), none.f1(), none.kappa(), none.alpha()),
            (None, None, None, None, None)
        );
        let perfect = Confusion { tp: 4, fp: 0, fn_: 0, tn: 6 };
        close(perfect.kappa(), 1.0);
        close(perfect.alpha(), 1.0);
    }

    fn unit(r: &str, q: &str) -> Unit {
        (r.to_string(), q.to_string())
    }

    #[test]
    fn compute_counts_per_question_and_theme() {
        let questions = vec![("q1".to_string(), vec!["a".to_string(), "b".to_string()])];
        let units: BTreeSet<Unit> = [unit("1", "q1"), unit("2", "q1"), unit("3", "q1")].into();
        let codes: BTreeSet<(Unit, String)> = [(unit("1", "q1"), "a".into()), (unit("2", "q1"), "a".into())].into();
        let gold: BTreeSet<(Unit, String)> = [
            (unit("1", "q1"), "a".into()),
            (unit("3", "q1"), "b".into()),
            (unit("9", "q1"), "a".into()),
            (unit("3", "q1"), "zz".into()),
        ]
        .into();
        let a = Agreement::compute(&questions, &units, &codes, &gold);
        assert_eq!(a.row("q1", "a"), Some(&Confusion { tp: 1, fp: 1, fn_: 0, tn: 1 }));
        assert_eq!(a.row("q1", "b"), Some(&Confusion { tp: 0, fp: 0, fn_: 1, tn: 2 }));
        assert_eq!(a.row("q1", "zz"), Some(&Confusion { tp: 0, fp: 0, fn_: 1, tn: 2 }));
        assert!(a.unusable.is_empty());
        assert_eq!(a.disagreements.len(), 3);
        close(a.macro_f1(), (2.0 / 3.0) / 3.0);
    }

    /// A gold theme missing from the lexicon scored F1 0 without a word, even when it
    /// was a lexicon theme in other case (adversarial testing).
    #[test]
    fn gold_themes_the_lexicon_lacks_are_found_with_the_theme_meant() {
        let g = |line: u64, theme: &str| GoldCode { line, unit: unit("r1", "q1"), theme: theme.into() };
        let gold = [g(2, "cost"), g(3, "Cost"), g(4, "hope"), g(5, "Cost"), g(6, "Police response")];
        let themes = [("cost", "Cost"), ("police", "Police response"), ("COST", "Costs")];
        let unknown = unknown_themes(&gold, &themes);
        let got: Vec<(&str, usize, u64, usize)> =
            unknown.iter().map(|u| (u.theme.as_str(), u.rows, u.first_line, u.near.len())).collect();
        assert_eq!(got, [("Cost", 2, 3, 2), ("hope", 1, 4, 0), ("Police response", 1, 6, 1)]);
        let (line, err) = misnamed_themes(&unknown).expect("misnamed");
        assert_eq!(line, 3);
        assert!(
            err.starts_with(
                "\"Cost\" (2 rows, the first on line 3) is not a theme id of the lexicon; it has \"cost\" and \"COST\"; \
                 \"Police response\" (1 row, on line 6) is not a theme id of the lexicon; it has \"police\" (labelled \"Police response\")."
            ),
            "{err}"
        );
        assert_eq!(
            explain_unknown_themes(&unknown).as_deref(),
            Some(
                "1 theme is not in the lexicon, so the pipeline never codes it and each of its codes counts as a miss: \
                 \"hope\" (1 row, on line 4)"
            )
        );
        assert_eq!(misnamed_themes(&unknown[1..2]), None);
        assert_eq!(explain_unknown_themes(&[]), None);
    }

    /// A parent scored every gold code of its children as a false positive: the
    /// pipeline rolls codes up, the gold was not (testers, defect 2).
    #[test]
    fn gold_codes_roll_up_to_the_parents_that_apply() {
        let code = |r: &str, q: &str, t: &str| (unit(r, q), t.to_string());
        let mut usable: BTreeSet<(Unit, String)> =
            [code("r1", "q1", "late"), code("r2", "q1", "late"), code("r2", "q1", "service"), code("r3", "q2", "late")]
                .into();
        let ancestors: BTreeMap<String, Vec<String>> =
            [("late".to_string(), vec!["service".to_string(), "all".to_string()])].into();
        let questions = vec![
            ("q1".to_string(), vec!["late".to_string(), "service".to_string(), "all".to_string()]),
            ("q2".to_string(), vec!["late".to_string()]),
        ];
        let implied = roll_up(&mut usable, &ancestors, &questions);
        let want: Implied = [
            (code("r1", "q1", "all"), "late".to_string()),
            (code("r1", "q1", "service"), "late".to_string()),
            (code("r2", "q1", "all"), "late".to_string()),
        ]
        .into();
        assert_eq!(implied, want);
        assert_eq!(usable.len(), 7);
        assert_eq!(
            explain_implied(&implied).as_deref(),
            Some(
                "3 gold codes of parent themes are implied by codes of their child themes, as the pipeline codes \
                 a parent wherever it codes a child (e.g. \"all\" for r1 on q1, from \"late\")"
            )
        );
        assert_eq!(roll_up(&mut usable, &BTreeMap::new(), &questions), Implied::new());
    }

    #[test]
    fn screen_gives_each_unusable_row_its_reason() {
        let g = |line: u64, r: &str, q: &str| GoldCode { line, unit: unit(r, q), theme: "a".into() };
        let gold = [
            g(2, "r1", "q1"),
            g(3, "R1", "q1"),
            g(4, "r1", "nosuch"),
            g(5, "r1", "closed"),
            g(6, "r2", "q1"),
            g(7, "r1", "q1"),
        ];
        let respondents: BTreeSet<String> = ["r1".to_string(), "r2".to_string()].into();
        let units: BTreeSet<Unit> = [unit("r1", "q1")].into();
        let reject = Reject {
            line: 9,
            row: 8,
            id: Some("r3".into()),
            column: None,
            reason: crate::input::RejectReason::FieldCount { expected: 2, found: 3 },
        };
        let rejected: BTreeMap<String, Reject> = [("r3".to_string(), reject)].into();
        let gold = [&gold[..], &[g(8, "r3", "q1")]].concat();
        let s = screen(&gold, &respondents, &rejected, &["q1".into()], &["closed".into()], &units);
        assert_eq!(s.rows, 7);
        assert_eq!(s.usable, [(unit("r1", "q1"), "a".to_string())].into());
        let got: Vec<(Unusable, u64)> = s.unusable.iter().map(|(w, g)| (*w, g.line)).collect();
        assert_eq!(
            got,
            [
                (Unusable::UnknownRespondent, 3),
                (Unusable::UnknownQuestion, 4),
                (Unusable::ClosedQuestion, 5),
                (Unusable::EmptyAnswer, 6),
                (Unusable::RejectedRespondent, 8)
            ]
        );
        assert_eq!(count_by_reason(&s.unusable).len(), 5);
        assert_eq!(rejection(&s.rejected, "r3"), "line 9 of the data: row has 3 fields, the header has 2");
    }
}
