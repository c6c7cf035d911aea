//! Reports: the figures of a run, and every format they are written in.
//!
//! [`Summary`] turns a [`Tally`] into figures, each with its base (numerator and
//! denominator), in report order; every format (Markdown, HTML, JSON, CSV, XLSX)
//! renders the same `Summary`, so they cannot disagree. Only this module knows output formats.
//! Files read back once written (the workbook's Codes sheet, the Parquet copies) are
//! written after the CSVs they read are committed.
//! Files are written to a temporary name and renamed into place ([`AtomicFile`]), so
//! an interrupted run never leaves a half-written report.

pub mod codes;
pub mod crosstab;
pub mod csv;
pub mod diff;
pub mod evidence;
pub mod html;
pub mod json;
pub mod manifest;
pub mod markdown;
pub mod parquet;
pub mod prose;
pub mod validation;
pub mod xlsx;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::lexicon::CompiledLexicon;
use crate::survey::Survey;
use crate::tally::{Counts, Tally};

/// "1 respondent", "2 respondents".
pub fn respondents(n: u64) -> String {
    if n == 1 { "1 respondent".to_string() } else { format!("{n} respondents") }
}

/// "1 row", "2 rows".
pub fn rows(n: u64) -> String {
    if n == 1 { "1 row".to_string() } else { format!("{n} rows") }
}

/// `is` for one, `are` for more.
pub fn is_are(n: u64) -> &'static str {
    if n == 1 { "is" } else { "are" }
}

/// `A total of 1 response was coded (1 row read, 0 rejected)`: the run's counts in words.
pub fn total_coded(s: &Summary) -> String {
    let (n, read) = (s.respondents, s.rows.read);
    format!(
        "A total of {n} {} coded ({read} {} read, {} rejected)",
        if n == 1 { "response was" } else { "responses were" },
        if read == 1 { "row" } else { "rows" },
        s.rows.rejected
    )
}

/// What reading answers as HTML did, when it did anything: `12 answers held HTML
/// markup or character references ...`; `code` marks up a flag or an example.
pub fn html_note(s: &Summary, code: impl Fn(&str) -> String) -> Option<String> {
    let n = s.rows.html_answers;
    (n > 0).then(|| {
        format!(
            "{n} {} HTML markup or character references ({}, {}), read as the text {} ({} reads answers as stored).",
            if n == 1 { "answer held" } else { "answers held" },
            code("<br>"),
            code("&#39;"),
            if n == 1 { "it shows" } else { "they show" },
            code("--keep-html"),
        )
    })
}

/// Unlisted respondent types listed most first, at most `shown` of them, each
/// `quote`d with its respondents: `"Organization" (14), "Councillor" (6) and 3 more
/// respondents`.
pub fn unlisted_types_list(s: &Summary, shown: usize, quote: impl Fn(&str) -> String) -> String {
    let listed: Vec<String> =
        s.unlisted_types.iter().take(shown).map(|(value, n)| format!("{} ({n})", quote(value))).collect();
    let rest = s.types_unlisted.count.saturating_sub(s.unlisted_types.iter().take(shown).map(|(_, n)| n).sum());
    let mut text = listed.join(", ");
    if rest > 0 {
        text.push_str(&format!(" and {rest} more {}", if rest == 1 { "respondent" } else { "respondents" }));
    }
    text
}

/// How many unlisted respondent types reports and warnings name.
pub const UNLISTED_TYPES_SHOWN: usize = 5;

/// A count and the base it is a share of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Figure {
    /// Numerator.
    pub count: u64,
    /// Denominator.
    pub base: u64,
}

impl Figure {
    /// `count` of `base`.
    pub fn new(count: u64, base: u64) -> Figure {
        Figure { count, base }
    }

    /// The percentage (0 when the base is 0).
    pub fn pct(self) -> f64 {
        if self.base == 0 { 0.0 } else { 100.0 * self.count as f64 / self.base as f64 }
    }
}

/// A p-value as reports people read show it: three decimals, or `<0.001` for what
/// three decimals would show as `0.000`.
pub fn p_value(p: f64) -> String {
    if p < 0.0005 { "<0.001".to_string() } else { format!("{p:.3}") }
}

/// `p = 0.042` or `p < 0.001`, for a sentence or heading.
pub fn p_clause(p: &str) -> String {
    match p.strip_prefix('<') {
        Some(rest) => format!("p < {rest}"),
        None => format!("p = {p}"),
    }
}

/// What reports people read show for a percentage of a base of 0 (a group none of
/// whom answered): there is no share to give.
pub const NO_BASE: &str = "n/a";

/// How percentages are shown in reports people read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rounding {
    /// Decimals shown (0 or 1).
    pub decimals: u8,
    /// Round a question's options (a partition of its respondents) by the largest
    /// remainder method, so they sum to exactly 100%.
    pub largest_remainder: bool,
}

impl Rounding {
    /// Whole numbers, each rounded on its own (`41%`).
    pub const WHOLE: Rounding = Rounding { decimals: 0, largest_remainder: false };
    /// One decimal (`40.9%`).
    pub const ONE_DECIMAL: Rounding = Rounding { decimals: 1, largest_remainder: false };

    /// Formats a figure's percentage, with `%`; a share of nobody (base 0) is
    /// [`NO_BASE`], not `0%`.
    pub fn pct(self, f: Figure) -> String {
        if f.base == 0 { NO_BASE.to_string() } else { self.format(f.pct()) }
    }

    /// Formats a percentage value with this rounding's decimals.
    pub fn format(self, pct: f64) -> String {
        let d = self.decimals as i32;
        format!("{:.*}%", d as usize, round_half_up(pct, d))
    }

    /// Formats a 95% interval (as proportions) as `13-26%`; empty if there is none.
    pub fn interval(self, ci: Option<(f64, f64)>) -> String {
        let d = self.decimals as i32;
        ci.map(|(lo, hi)| {
            format!("{:.*}-{:.*}%", d as usize, round_half_up(100.0 * lo, d), d as usize, round_half_up(100.0 * hi, d))
        })
        .unwrap_or_default()
    }

    /// The sentence a report opens with on how its percentages are rounded: a
    /// question's may add up to 99% or 101% unless the largest remainder is asked.
    pub fn describe(self) -> String {
        let to = if self.decimals == 0 { "whole numbers" } else { "one decimal place" };
        if self.largest_remainder {
            format!(
                "Percentages are rounded to {to}: a closed question's answers, the respondent types and a crosstab's \
                 groups by the largest remainder method, so that each adds up to 100%; other figures each on its own."
            )
        } else {
            format!(
                "Percentages are rounded to {to}, halves up, each on its own, so a question's may add up to a little \
                 more or less than 100%."
            )
        }
    }

    /// Formats figures that partition one base (a closed question's answers, the
    /// respondent types): each on its own, or by the largest remainder method when asked.
    pub fn group(self, figures: &[Figure]) -> Vec<String> {
        if !self.largest_remainder {
            return figures.iter().map(|&f| self.pct(f)).collect();
        }
        let pcts = largest_remainder(figures, self.decimals as u32);
        figures.iter().zip(pcts).map(|(&f, p)| if f.base == 0 { NO_BASE.to_string() } else { self.format(p) }).collect()
    }
}

/// Percentages of figures sharing a base, rounded to `decimals` by the largest
/// remainder (Hamilton) method: they sum to exactly 100 when the counts sum to the
/// base. Ties go to the earlier figure.
pub fn largest_remainder(figures: &[Figure], decimals: u32) -> Vec<f64> {
    let base = figures.first().map_or(0, |f| f.base);
    if base == 0 {
        return vec![0.0; figures.len()];
    }
    let units = 100 * 10u64.pow(decimals);
    let exact: Vec<(u64, u64)> = figures.iter().map(|f| ((f.count * units) / base, (f.count * units) % base)).collect();
    let mut floors: Vec<u64> = exact.iter().map(|e| e.0).collect();
    let total: u64 = figures.iter().map(|f| f.count).sum();
    // The group's total, rounded: exactly 100% when the figures cover the whole base.
    let target = (total * units + base / 2) / base;
    let mut order: Vec<usize> = (0..figures.len()).collect();
    order.sort_by(|&a, &b| exact[b].1.cmp(&exact[a].1).then(a.cmp(&b)));
    let mut left = target.saturating_sub(floors.iter().sum());
    for i in order {
        if left == 0 {
            break;
        }
        if exact[i].1 > 0 {
            floors[i] += 1;
            left -= 1;
        }
    }
    floors.into_iter().map(|u| u as f64 / 10f64.powi(decimals as i32)).collect()
}

/// Rounds half away from zero (as people and spreadsheets do), not half to even.
pub fn round_half_up(x: f64, decimals: i32) -> f64 {
    let m = 10f64.powi(decimals);
    // The small nudge keeps 29.5 (stored as 29.4999...) rounding to 30.
    ((x * m) + 1e-9).round() / m
}

/// An example answer for a theme, with the matched spans to highlight.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Example {
    /// Respondent id.
    pub respondent: String,
    /// The answer, or at most [`crate::pipeline::EXAMPLE_BYTES`] of it (at character
    /// boundaries): its start, or a window from a little before its first mark when
    /// that mark lies further in.
    pub text: String,
    /// Byte spans of the theme's matches in `text`.
    pub spans: Vec<(usize, usize)>,
    /// Whether the answer went on past `text`.
    #[serde(default)]
    pub cut: bool,
    /// Whether the answer began before `text`.
    #[serde(default)]
    pub cut_start: bool,
}

/// A respondent type's row.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeRow {
    /// Type name.
    pub name: String,
    /// Respondents of this type, of all respondents.
    pub figure: Figure,
}

/// An answer option's row.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionRow {
    /// Option label (or `(nil)`, `(unrecognised)`).
    pub label: String,
    /// Respondents choosing it, of all respondents.
    pub figure: Figure,
    /// Respondents choosing it, of those who gave a recognised option.
    pub of_answered: Figure,
}

/// A closed question's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct ClosedSummary {
    /// Question id.
    pub id: String,
    /// Question text.
    pub text: String,
    /// One row per option, in survey order.
    pub options: Vec<OptionRow>,
    /// Nil responses, of all respondents.
    pub nil: Figure,
    /// Values matching no option, of all respondents.
    pub unrecognised: Figure,
    /// The option nil merges into, and its figure including nil.
    pub nil_merged: Option<(String, Figure)>,
    /// Whether respondents could choose several options: the figures add up to more
    /// than 100%, and are never rounded to add up to it.
    pub multiple: bool,
}

/// A theme's row in an open question.
#[derive(Clone, Debug, PartialEq)]
pub struct ThemeRow {
    /// Theme id.
    pub id: String,
    /// Theme label.
    pub label: String,
    /// Parent theme id, if any.
    pub parent: Option<String>,
    /// Respondents asserting it, of all respondents.
    pub of_respondents: Figure,
    /// Respondents asserting it, of those who answered.
    pub of_answered: Figure,
    /// Occurrences (hits that counted) across answers.
    pub occurrences: u64,
    /// Words covered by those occurrences, of all words in the answers.
    pub matched_words: Figure,
    /// 95% Wilson interval of `of_respondents`, as proportions.
    pub ci_respondents: Option<(f64, f64)>,
    /// 95% Wilson interval of `of_answered`, as proportions.
    pub ci_answered: Option<(f64, f64)>,
}

/// A theme raised by a respondent in any open answer.
#[derive(Clone, Debug, PartialEq)]
pub struct RollupRow {
    /// Theme id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Respondents raising it anywhere, of all respondents.
    pub figure: Figure,
}

/// An open question's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenSummary {
    /// Question id.
    pub id: String,
    /// Question text.
    pub text: String,
    /// Those who answered, of all respondents.
    pub answered: Figure,
    /// Those who did not (empty or a non-answer), of all respondents.
    pub not_answered: Figure,
    /// Non-empty non-answers ("n/a"), of all respondents.
    pub non_answers: Figure,
    /// Answers with at least one theme, of those who answered.
    pub coded: Figure,
    /// Themes that apply to the question, ranked by count (desc), then id.
    pub themes: Vec<ThemeRow>,
}

/// One question's figures.
#[derive(Clone, Debug, PartialEq)]
pub enum QuestionSummary {
    /// A closed question.
    Closed(ClosedSummary),
    /// An open question.
    Open(OpenSummary),
}

/// How many rows the run read, coded and rejected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowAccount {
    /// Rows read.
    pub read: u64,
    /// Rows coded.
    pub coded: u64,
    /// Rows rejected (listed in rejects.csv).
    pub rejected: u64,
    /// Answers read as the text their HTML shows ([`crate::input::html`]).
    pub html_answers: u64,
}

/// Every figure of a run, in report order.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Survey title.
    pub title: String,
    /// Lexicon name.
    pub lexicon: String,
    /// Rows.
    pub rows: RowAccount,
    /// Respondents (rows coded).
    pub respondents: u64,
    /// Respondent types, in survey order (empty if the survey has none).
    pub types: Vec<TypeRow>,
    /// Respondents whose type was empty or unknown, of all respondents.
    pub types_defaulted: Figure,
    /// Of `types_defaulted`, the respondents whose type is not one the survey lists.
    pub types_unlisted: Figure,
    /// Those unlisted types as written, with their respondents, most first (at most
    /// [`MAX_UNLISTED_TYPES`](crate::tally::MAX_UNLISTED_TYPES) values; respondents
    /// of the others are in `types_unlisted` only).
    pub unlisted_types: Vec<(String, u64)>,
    /// Default type name, if the survey has types.
    pub default_type: Option<String>,
    /// Questions, in report order.
    pub questions: Vec<QuestionSummary>,
    /// Each theme raised in any answer, ranked.
    pub any_question: Vec<RollupRow>,
    /// Breakdowns by respondent type and segments.
    pub crosstabs: Vec<crosstab::Crosstab>,
    /// Theme pairs within answers, per question.
    pub cooccurrence: Vec<crosstab::Cooccurrence>,
    /// Example answers per (question id, theme id), in report order.
    pub examples: Vec<(String, String, Vec<Example>)>,
    /// The first answers no theme matched: (respondent, question id, text).
    pub uncoded: Vec<(String, String, String)>,
    /// Uncoded answers in all (the list above may be capped).
    pub uncoded_total: u64,
    /// Campaigns of near-identical answers.
    pub campaigns: Vec<CampaignSummary>,
    /// Answers long enough to fingerprint, and how many were (the rest past a cap).
    pub campaign_coverage: (u64, u64),
    /// Theme figures of questions with campaigns: as counted and collapsed.
    pub collapsed: Vec<Collapsed>,
}

/// A campaign: near-identical answers to one question, and what collapsing it to one
/// response does to each theme's figure.
#[derive(Clone, Debug, PartialEq)]
pub struct CampaignSummary {
    /// Question id.
    pub question: String,
    /// Members (respondents).
    pub size: u64,
    /// Members whose text is identical to the first one's (after normalisation).
    pub identical: u64,
    /// The first member's respondent id.
    pub first_respondent: String,
    /// The start of the first member's answer.
    pub excerpt: String,
    /// Themes the first member's answer asserts.
    pub themes: Vec<String>,
}

impl CampaignSummary {
    /// What reports say of the members that wrote the first member's words exactly
    /// (its words as the analyser reads them: case and punctuation aside), the rest
    /// being near-identical: `3 of the 7, c1 included, wrote exactly the same words
    /// (case and punctuation aside); the others differ a little`. `first` is the first
    /// member's id as the format shows it.
    pub fn identical_sentence(&self, first: &str) -> String {
        if self.identical <= 1 {
            format!("None of the others wrote exactly the words of {first}; each differs a little.")
        } else if self.identical == self.size {
            format!("All {} wrote exactly the same words (case and punctuation aside).", self.size)
        } else {
            format!(
                "{} of the {}, {first} included, wrote exactly the same words (case and punctuation aside); \
                 the others differ a little.",
                self.identical, self.size
            )
        }
    }

    /// What ends the excerpt in a report: `ellipsis` where the answer was cut to
    /// [`EXCERPT_CHARS`](crate::pipeline::EXCERPT_CHARS) characters, nothing where it
    /// is whole.
    pub fn excerpt_end<'e>(&self, ellipsis: &'e str) -> &'e str {
        if self.excerpt.chars().count() >= crate::pipeline::EXCERPT_CHARS { ellipsis } else { "" }
    }
}

/// A theme's figure in a question with campaigns, as counted and with each campaign
/// collapsed to one response.
#[derive(Clone, Debug, PartialEq)]
pub struct Collapsed {
    /// Question id.
    pub question: String,
    /// Theme id.
    pub theme: String,
    /// As counted (of all respondents).
    pub counted: Figure,
    /// Campaigns collapsed to one response each.
    pub collapsed: Figure,
}

impl Summary {
    /// Computes the figures of `tally` for everyone.
    pub fn new(survey: &Survey, lexicon: &CompiledLexicon, tally: &Tally) -> Summary {
        let n = tally.total.respondents;
        let types = survey
            .type_names()
            .into_iter()
            .zip(&tally.types)
            .map(|(name, &c)| TypeRow { name, figure: Figure::new(c, n) })
            .collect();
        Summary {
            title: survey.title.clone(),
            lexicon: lexicon.name().to_string(),
            rows: RowAccount {
                read: tally.rows_read,
                coded: tally.rows_coded(),
                rejected: tally.rows_rejected,
                html_answers: tally.html_answers,
            },
            respondents: n,
            types,
            types_defaulted: Figure::new(tally.types_defaulted, n),
            types_unlisted: Figure::new(tally.types_unlisted, n),
            unlisted_types: {
                let mut v: Vec<(String, u64)> = tally.unlisted_types.iter().map(|(k, &c)| (k.clone(), c)).collect();
                v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                v
            },
            default_type: survey.respondent_types.as_ref().map(|t| t.default.clone()),
            questions: questions(survey, lexicon, &tally.total),
            any_question: rollup(lexicon, &tally.total),
            crosstabs: crosstab::crosstabs(survey, lexicon, tally),
            cooccurrence: crosstab::cooccurrence(survey, lexicon, &tally.total),
            examples: Vec::new(),
            uncoded: Vec::new(),
            uncoded_total: 0,
            campaigns: Vec::new(),
            campaign_coverage: (0, 0),
            collapsed: Vec::new(),
        }
    }

    /// Adds what the run kept besides counts: examples, uncoded answers, campaigns.
    pub fn attach(
        &mut self,
        survey: &Survey,
        lexicon: &CompiledLexicon,
        extras: crate::pipeline::Extras,
        campaign_min: Option<usize>,
    ) {
        for ((q, t), list) in extras.examples {
            let list = list.into_iter().map(|(_, e)| e).collect();
            self.examples.push((survey.open[q].id.clone(), lexicon.themes[t as usize].id.clone(), list));
        }
        self.uncoded = extras.uncoded.into_iter().map(|(_, r, q, t)| (r, survey.open[q].id.clone(), t)).collect();
        self.uncoded_total = extras.uncoded_total;
        self.campaign_coverage = (extras.sketchable, extras.sketches.len() as u64);
        let Some(min) = campaign_min else { return };
        let campaigns = crate::campaign::detect(extras.sketches, min);
        for c in &campaigns {
            let first = &c.members[0];
            self.campaigns.push(CampaignSummary {
                question: survey.open[c.question].id.clone(),
                size: c.members.len() as u64,
                identical: c.identical as u64,
                first_respondent: first.respondent().to_string(),
                excerpt: first.excerpt().to_string(),
                themes: first.themes().map(|t| lexicon.themes[t as usize].id.clone()).collect(),
            });
        }
        // Collapse each campaign to one response: its first member's codes count once.
        for q in &self.questions {
            let QuestionSummary::Open(o) = q else { continue };
            let Some(qi) = survey.open.iter().position(|x| x.id == o.id) else { continue };
            let groups: Vec<&crate::campaign::Campaign> = campaigns.iter().filter(|c| c.question == qi).collect();
            if groups.is_empty() {
                continue;
            }
            let extra: u64 = groups.iter().map(|c| c.members.len() as u64 - 1).sum();
            for t in &o.themes {
                let Some(ti) = lexicon.theme_index(&t.id) else { continue };
                let mut count = t.of_respondents.count;
                for c in &groups {
                    let with = c.members.iter().filter(|m| m.themes().any(|t| t == ti)).count() as u64;
                    let first = c.members[0].themes().any(|t| t == ti) as u64;
                    count = (count + first).saturating_sub(with);
                }
                self.collapsed.push(Collapsed {
                    question: o.id.clone(),
                    theme: t.id.clone(),
                    counted: t.of_respondents,
                    collapsed: Figure::new(count, t.of_respondents.base.saturating_sub(extra)),
                });
            }
        }
    }
}

/// Respondents raising each theme in any open answer, ranked (themes never raised left out).
fn rollup(lexicon: &CompiledLexicon, counts: &Counts) -> Vec<RollupRow> {
    let mut rows: Vec<RollupRow> = lexicon
        .themes
        .iter()
        .zip(&counts.any_question)
        .filter(|(_, n)| **n > 0)
        .map(|(t, &n)| RollupRow {
            id: t.id.clone(),
            label: t.label.clone(),
            figure: Figure::new(n, counts.respondents),
        })
        .collect();
    rows.sort_by(|a, b| b.figure.count.cmp(&a.figure.count).then_with(|| a.id.cmp(&b.id)));
    rows
}

/// The figures of every question for a group of respondents.
pub fn questions(survey: &Survey, lexicon: &CompiledLexicon, counts: &Counts) -> Vec<QuestionSummary> {
    let n = counts.respondents;
    let mut out = Vec::new();
    for id in survey.report_order() {
        if let Some(qi) = survey.closed.iter().position(|q| q.id == id) {
            let q = &survey.closed[qi];
            let c = &counts.closed[qi];
            let options = q
                .options
                .iter()
                .zip(&c.options)
                .map(|(label, &k)| OptionRow {
                    label: label.clone(),
                    figure: Figure::new(k, n),
                    of_answered: Figure::new(k, c.chose),
                })
                .collect();
            let nil_merged = q.nil_into.as_ref().map(|label| {
                let i = q.options.iter().position(|o| o == label).expect("nil_into is an option (checked on load)");
                (label.clone(), Figure::new(c.options[i] + c.nil, n))
            });
            out.push(QuestionSummary::Closed(ClosedSummary {
                id: q.id.clone(),
                text: q.text.clone(),
                options,
                nil: Figure::new(c.nil, n),
                unrecognised: Figure::new(c.unrecognised, n),
                nil_merged,
                multiple: q.multiple,
            }));
        } else if let Some(qi) = survey.open.iter().position(|q| q.id == id) {
            let q = &survey.open[qi];
            let o = &counts.open[qi];
            let applies = lexicon.themes_for(&q.id);
            let mut themes: Vec<ThemeRow> = lexicon
                .themes
                .iter()
                .enumerate()
                .filter(|(i, _)| applies[*i])
                .map(|(i, t)| ThemeRow {
                    id: t.id.clone(),
                    label: t.label.clone(),
                    parent: t.parent.map(|p| lexicon.themes[p as usize].id.clone()),
                    of_respondents: Figure::new(o.themes[i], n),
                    of_answered: Figure::new(o.themes[i], o.answered),
                    occurrences: o.hits[i],
                    matched_words: Figure::new(o.matched_words[i], o.words),
                    ci_respondents: crate::stats::wilson(o.themes[i], n, crate::stats::Z95),
                    ci_answered: crate::stats::wilson(o.themes[i], o.answered, crate::stats::Z95),
                })
                .collect();
            themes.sort_by(|a, b| b.of_respondents.count.cmp(&a.of_respondents.count).then_with(|| a.id.cmp(&b.id)));
            out.push(QuestionSummary::Open(OpenSummary {
                id: q.id.clone(),
                text: q.text.clone(),
                answered: Figure::new(o.answered, n),
                not_answered: Figure::new(n - o.answered, n),
                non_answers: Figure::new(o.non_answers, n),
                coded: Figure::new(o.coded, o.answered),
                themes,
            }));
        }
    }
    out
}

/// A report format: renders a [`Summary`] into one file.
pub trait ReportWriter {
    /// The file name it writes (`summary.md`).
    fn file_name(&self) -> &'static str;
    /// Writes the report.
    fn write(&self, summary: &Summary, out: &mut dyn Write) -> io::Result<()>;
}

/// The report formats every run writes.
pub fn standard_reports(rounding: Rounding) -> Vec<Box<dyn ReportWriter>> {
    vec![
        Box::new(markdown::MarkdownReport { rounding }),
        Box::new(html::HtmlReport { rounding }),
        Box::new(json::JsonReport),
        Box::new(csv::RespondentsCsv),
        Box::new(csv::ClosedAnswersCsv),
        Box::new(csv::ThemeFrequenciesCsv),
        Box::new(csv::CrosstabsCsv),
        Box::new(csv::CooccurrenceCsv),
    ]
}

/// Writes each report into `dir`.
pub fn write_reports(dir: &Path, summary: &Summary, reports: &[Box<dyn ReportWriter>]) -> Result<()> {
    for r in reports {
        let mut f = AtomicFile::create(&dir.join(r.file_name()))?;
        let path = f.path().to_path_buf();
        r.write(summary, f.writer()).map_err(|e| Error::io(&path, e))?;
        f.commit()?;
    }
    Ok(())
}

/// A file written under a temporary name and renamed into place on [`commit`].
///
/// Dropped without `commit`, the temporary file is removed and the target is untouched.
///
/// [`commit`]: AtomicFile::commit
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Creates the temporary file next to `target`.
    pub fn create(target: &Path) -> Result<AtomicFile> {
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = target.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let file = File::create(&temp).map_err(|e| Error::io(&temp, e))?;
        Ok(AtomicFile { target: target.to_path_buf(), temp, writer: Some(BufWriter::with_capacity(1 << 16, file)) })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// The temporary file written until [`commit`](Self::commit).
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("writer is present until commit")
    }

    /// Flushes, syncs nothing more than the OS does, and renames into place. On failure
    /// the temporary file is removed and the target is untouched.
    pub fn commit(mut self) -> Result<()> {
        let w = self.writer.take().expect("writer is present until commit");
        let done = match w.into_inner() {
            Ok(_) => std::fs::rename(&self.temp, &self.target).map_err(|e| Error::io(&self.target, e)),
            Err(e) => Err(Error::io(&self.target, e.into_error())),
        };
        if done.is_err() {
            let _ = std::fs::remove_file(&self.temp);
        }
        done
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            self.writer = None;
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// A small run's figures for the report formats' unit tests: a closed question with
/// nil and an unrecognised value, an open question with a theme nobody raised, and an
/// answer hostile to HTML.
#[cfg(test)]
pub(crate) fn tiny_summary() -> Summary {
    use crate::stats::{Z95, wilson};
    let theme = |id: &str, label: &str, k: u64| ThemeRow {
        id: id.into(),
        label: label.into(),
        parent: None,
        of_respondents: Figure::new(k, 6),
        of_answered: Figure::new(k, 4),
        occurrences: k,
        matched_words: Figure::new(k, 20),
        ci_respondents: wilson(k, 6, Z95),
        ci_answered: wilson(k, 4, Z95),
    };
    let hostile = "It is <script>alert(\"x\")</script> too dark & 'unsafe'".to_string();
    let dark = hostile.find("dark").unwrap_or(0);
    Summary {
        title: "Parks & <Gardens>".into(),
        lexicon: "parks".into(),
        rows: RowAccount { read: 6, coded: 6, rejected: 0, html_answers: 0 },
        respondents: 6,
        types: vec![
            TypeRow { name: "Resident".into(), figure: Figure::new(4, 6) },
            TypeRow { name: "Business".into(), figure: Figure::new(2, 6) },
        ],
        types_defaulted: Figure::new(1, 6),
        types_unlisted: Figure::new(0, 6),
        unlisted_types: Vec::new(),
        default_type: Some("Resident".into()),
        questions: vec![
            QuestionSummary::Closed(ClosedSummary {
                id: "visit".into(),
                text: "Do you visit the park?".into(),
                options: vec![
                    OptionRow { label: "Yes".into(), figure: Figure::new(2, 6), of_answered: Figure::new(2, 4) },
                    OptionRow { label: "No".into(), figure: Figure::new(2, 6), of_answered: Figure::new(2, 4) },
                ],
                nil: Figure::new(1, 6),
                unrecognised: Figure::new(1, 6),
                nil_merged: None,
                multiple: false,
            }),
            QuestionSummary::Open(OpenSummary {
                id: "why".into(),
                text: "Why?".into(),
                answered: Figure::new(4, 6),
                not_answered: Figure::new(2, 6),
                non_answers: Figure::new(1, 6),
                coded: Figure::new(3, 4),
                themes: vec![
                    theme("safety", "Safety & lighting", 2),
                    theme("dogs", "Dogs <off lead>", 1),
                    theme("cafe", "Café", 0),
                ],
            }),
        ],
        any_question: vec![
            RollupRow { id: "safety".into(), label: "Safety & lighting".into(), figure: Figure::new(2, 6) },
            RollupRow { id: "dogs".into(), label: "Dogs <off lead>".into(), figure: Figure::new(1, 6) },
        ],
        crosstabs: Vec::new(),
        cooccurrence: Vec::new(),
        examples: vec![(
            "why".into(),
            "safety".into(),
            vec![Example {
                respondent: "r1\"><b>".into(),
                text: hostile,
                spans: vec![(dark, dark + 4)],
                cut: false,
                cut_start: false,
            }],
        )],
        uncoded: vec![("r4".into(), "why".into(), "I just like =walking".into())],
        uncoded_total: 1,
        campaigns: Vec::new(),
        campaign_coverage: (0, 0),
        collapsed: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rename that fails (the target is a folder) left `.report.html.PID.tmp` behind.
    #[test]
    fn a_failed_commit_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("report.html/x")).unwrap();
        let mut f = AtomicFile::create(&dir.path().join("report.html")).unwrap();
        std::io::Write::write_all(f.writer(), b"<html>").unwrap();
        assert!(f.commit().is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["report.html"]);
    }

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(Rounding::WHOLE.pct(Figure::new(39, 132)), "30%");
        assert_eq!(Rounding::ONE_DECIMAL.pct(Figure::new(39, 132)), "29.5%");
        assert_eq!(Rounding::WHOLE.pct(Figure::new(1, 2)), "50%");
        assert_eq!(Rounding::WHOLE.pct(Figure::new(1, 8)), "13%");
        // A share of nobody is no share: not 0% (machine files leave it empty or null).
        assert_eq!(Rounding::WHOLE.pct(Figure::new(0, 0)), "n/a");
        assert_eq!(
            (p_value(0.0004), p_value(0.0005), p_value(0.1469)),
            ("<0.001".into(), "0.001".into(), "0.147".into())
        );
        assert_eq!((p_clause("<0.001*"), p_clause("0.147")), ("p < 0.001*".into(), "p = 0.147".into()));
        assert_eq!(csv::pct_cell(Figure::new(0, 0)), "");
        assert_eq!(Rounding { decimals: 0, largest_remainder: true }.group(&[Figure::new(0, 0)]), ["n/a"]);
    }

    #[test]
    fn largest_remainder_sums_to_100() {
        // q7 of the demo: 91, 14, 17 + 10 nil of 132: each rounded alone 69+11+13+8 = 101
        let figs: Vec<Figure> = [91, 14, 17, 10].iter().map(|&c| Figure::new(c, 132)).collect();
        let alone: Vec<String> = figs.iter().map(|&f| Rounding::WHOLE.pct(f)).collect();
        assert_eq!(alone, ["69%", "11%", "13%", "8%"]);
        let lr = Rounding { decimals: 0, largest_remainder: true };
        // floors 68+10+12+7 = 97; the three largest remainders (.94, .88, .61) get one each
        assert_eq!(lr.group(&figs), ["69%", "11%", "13%", "7%"]);
        assert_eq!(largest_remainder(&figs, 0).iter().sum::<f64>(), 100.0);
        let one = largest_remainder(&figs, 1);
        assert!((one.iter().sum::<f64>() - 100.0).abs() < 1e-9, "{one:?}");
        // thirds
        let thirds: Vec<Figure> = [1, 1, 1].iter().map(|&c| Figure::new(c, 3)).collect();
        assert_eq!(largest_remainder(&thirds, 0), [34.0, 33.0, 33.0]);
    }

    #[test]
    fn atomic_file_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.txt");
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.writer().write_all(b"half").unwrap();
        }
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut f = AtomicFile::create(&target).unwrap();
        f.writer().write_all(b"whole").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "whole");
    }
}
