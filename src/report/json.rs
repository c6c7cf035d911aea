//! `summary.json`: every figure of summary.md, machine-readable, each with its base.

use std::io::{self, Write};

use serde::Serialize;

use super::{Figure, QuestionSummary, ReportWriter, Summary};

#[derive(Serialize)]
struct FigureJson {
    count: u64,
    base: u64,
    /// `null` for a base of 0.
    pct: Option<f64>,
}

impl From<Figure> for FigureJson {
    fn from(f: Figure) -> FigureJson {
        FigureJson { count: f.count, base: f.base, pct: (f.base > 0).then(|| super::round_half_up(f.pct(), 4)) }
    }
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    title: &'a str,
    lexicon: &'a str,
    rows: RowsJson,
    respondents: u64,
    respondent_types: Vec<TypeJson<'a>>,
    types_defaulted: Option<DefaultedJson<'a>>,
    questions: Vec<QuestionJson<'a>>,
    any_question: Vec<RollupJson<'a>>,
    crosstabs: Vec<CrosstabJson<'a>>,
    cooccurrence: Vec<CooccurrenceJson<'a>>,
    campaigns: Vec<CampaignJson<'a>>,
    collapsed: Vec<CollapsedJson<'a>>,
}

#[derive(Serialize)]
struct CampaignJson<'a> {
    question: &'a str,
    size: u64,
    identical: u64,
    first_respondent: &'a str,
    excerpt: &'a str,
    themes: &'a [String],
}

#[derive(Serialize)]
struct CollapsedJson<'a> {
    question: &'a str,
    theme: &'a str,
    counted: FigureJson,
    collapsed: FigureJson,
}

#[derive(Serialize)]
struct RollupJson<'a> {
    id: &'a str,
    label: &'a str,
    #[serde(flatten)]
    figure: FigureJson,
}

#[derive(Serialize)]
struct ChiJson {
    chi2: f64,
    df: u32,
    p: f64,
    low_expected: bool,
}

fn chi(c: Option<crate::stats::ChiSquare>) -> Option<ChiJson> {
    c.map(|c| ChiJson {
        chi2: super::round_half_up(c.statistic, 4),
        df: c.df,
        p: super::round_half_up(c.p, 6),
        low_expected: c.unreliable(),
    })
}

#[derive(Serialize)]
struct CrosstabJson<'a> {
    segment: &'a str,
    groups: Vec<GroupJson<'a>>,
    tables: Vec<TableJson<'a>>,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    name: &'a str,
    respondents: u64,
}

#[derive(Serialize)]
struct TableJson<'a> {
    question: &'a str,
    kind: &'a str,
    test: Option<ChiJson>,
    rows: Vec<CrossRowJson<'a>>,
}

#[derive(Serialize)]
struct CrossRowJson<'a> {
    item: &'a str,
    label: &'a str,
    cells: Vec<FigureJson>,
    total: FigureJson,
    test: Option<ChiJson>,
}

#[derive(Serialize)]
struct CooccurrenceJson<'a> {
    question: &'a str,
    pairs: Vec<PairJson<'a>>,
}

#[derive(Serialize)]
struct PairJson<'a> {
    a: &'a str,
    b: &'a str,
    #[serde(flatten)]
    figure: FigureJson,
}

#[derive(Serialize)]
struct RowsJson {
    read: u64,
    coded: u64,
    rejected: u64,
    /// Answers read as the text their HTML shows: left out when none were.
    #[serde(skip_serializing_if = "is_zero")]
    html_answers: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct TypeJson<'a> {
    name: &'a str,
    #[serde(flatten)]
    figure: FigureJson,
}

#[derive(Serialize)]
struct DefaultedJson<'a> {
    default_type: &'a str,
    #[serde(flatten)]
    figure: FigureJson,
    /// Of them, those who gave a type the survey does not list.
    unlisted: FigureJson,
    /// Those types as written, most first.
    unlisted_types: Vec<UnlistedJson<'a>>,
}

#[derive(Serialize)]
struct UnlistedJson<'a> {
    value: &'a str,
    count: u64,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum QuestionJson<'a> {
    Closed {
        id: &'a str,
        text: &'a str,
        options: Vec<OptionJson<'a>>,
        nil: FigureJson,
        unrecognised: FigureJson,
        nil_merged: Option<MergedJson<'a>>,
        /// Several answers a respondent: the options' figures add up to more than 100%.
        multiple: bool,
    },
    Open {
        id: &'a str,
        text: &'a str,
        answered: FigureJson,
        not_answered: FigureJson,
        non_answers: FigureJson,
        coded: FigureJson,
        themes: Vec<ThemeJson<'a>>,
    },
}

#[derive(Serialize)]
struct OptionJson<'a> {
    label: &'a str,
    #[serde(flatten)]
    figure: FigureJson,
    of_answered: FigureJson,
}

#[derive(Serialize)]
struct MergedJson<'a> {
    label: &'a str,
    #[serde(flatten)]
    figure: FigureJson,
}

#[derive(Serialize)]
struct ThemeJson<'a> {
    id: &'a str,
    label: &'a str,
    parent: Option<&'a str>,
    of_respondents: FigureJson,
    of_answered: FigureJson,
    ci95_respondents: Option<[f64; 2]>,
    ci95_answered: Option<[f64; 2]>,
    occurrences: u64,
}

fn ci(c: Option<(f64, f64)>) -> Option<[f64; 2]> {
    c.map(|(lo, hi)| [super::round_half_up(100.0 * lo, 4), super::round_half_up(100.0 * hi, 4)])
}

/// `summary.json`.
pub struct JsonReport;

impl ReportWriter for JsonReport {
    fn file_name(&self) -> &'static str {
        "summary.json"
    }

    fn write(&self, s: &Summary, out: &mut dyn Write) -> io::Result<()> {
        let json = SummaryJson {
            title: &s.title,
            lexicon: &s.lexicon,
            rows: RowsJson {
                read: s.rows.read,
                coded: s.rows.coded,
                rejected: s.rows.rejected,
                html_answers: s.rows.html_answers,
            },
            respondents: s.respondents,
            respondent_types: s.types.iter().map(|t| TypeJson { name: &t.name, figure: t.figure.into() }).collect(),
            types_defaulted: s.default_type.as_deref().map(|d| DefaultedJson {
                default_type: d,
                figure: s.types_defaulted.into(),
                unlisted: s.types_unlisted.into(),
                unlisted_types: s
                    .unlisted_types
                    .iter()
                    .map(|(value, count)| UnlistedJson { value, count: *count })
                    .collect(),
            }),
            questions: s
                .questions
                .iter()
                .map(|q| match q {
                    QuestionSummary::Closed(c) => QuestionJson::Closed {
                        id: &c.id,
                        text: &c.text,
                        options: c
                            .options
                            .iter()
                            .map(|o| OptionJson {
                                label: &o.label,
                                figure: o.figure.into(),
                                of_answered: o.of_answered.into(),
                            })
                            .collect(),
                        nil: c.nil.into(),
                        unrecognised: c.unrecognised.into(),
                        nil_merged: c.nil_merged.as_ref().map(|(l, f)| MergedJson { label: l, figure: (*f).into() }),
                        multiple: c.multiple,
                    },
                    QuestionSummary::Open(o) => QuestionJson::Open {
                        id: &o.id,
                        text: &o.text,
                        answered: o.answered.into(),
                        not_answered: o.not_answered.into(),
                        non_answers: o.non_answers.into(),
                        coded: o.coded.into(),
                        themes: o
                            .themes
                            .iter()
                            .map(|t| ThemeJson {
                                id: &t.id,
                                label: &t.label,
                                parent: t.parent.as_deref(),
                                of_respondents: t.of_respondents.into(),
                                of_answered: t.of_answered.into(),
                                ci95_respondents: ci(t.ci_respondents),
                                ci95_answered: ci(t.ci_answered),
                                occurrences: t.occurrences,
                            })
                            .collect(),
                    },
                })
                .collect(),
            any_question: s
                .any_question
                .iter()
                .map(|r| RollupJson { id: &r.id, label: &r.label, figure: r.figure.into() })
                .collect(),
            crosstabs: s
                .crosstabs
                .iter()
                .map(|x| CrosstabJson {
                    segment: &x.segment,
                    groups: x
                        .groups
                        .iter()
                        .zip(&x.respondents)
                        .map(|(name, &respondents)| GroupJson { name, respondents })
                        .collect(),
                    tables: x
                        .tables
                        .iter()
                        .map(|t| TableJson {
                            question: &t.question,
                            kind: match t.kind {
                                super::crosstab::TableKind::Closed => "closed",
                                super::crosstab::TableKind::Themes => "themes",
                            },
                            test: chi(t.test),
                            rows: t
                                .rows
                                .iter()
                                .map(|r| CrossRowJson {
                                    item: &r.item,
                                    label: &r.label,
                                    cells: r.cells.iter().map(|&f| f.into()).collect(),
                                    total: r.total.into(),
                                    test: chi(r.test),
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
            cooccurrence: s
                .cooccurrence
                .iter()
                .map(|c| CooccurrenceJson {
                    question: &c.question,
                    pairs: c.pairs.iter().map(|p| PairJson { a: &p.a, b: &p.b, figure: p.figure.into() }).collect(),
                })
                .collect(),
            campaigns: s
                .campaigns
                .iter()
                .map(|c| CampaignJson {
                    question: &c.question,
                    size: c.size,
                    identical: c.identical,
                    first_respondent: &c.first_respondent,
                    excerpt: &c.excerpt,
                    themes: &c.themes,
                })
                .collect(),
            collapsed: s
                .collapsed
                .iter()
                .map(|c| CollapsedJson {
                    question: &c.question,
                    theme: &c.theme,
                    counted: c.counted.into(),
                    collapsed: c.collapsed.into(),
                })
                .collect(),
        };
        serde_json::to_writer_pretty(&mut *out, &json).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}
