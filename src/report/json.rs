//! `summary.json`: every figure of summary.md, machine-readable, each with its base.

use std::io::{self, Write};

use serde::Serialize;

use super::{Figure, QuestionSummary, ReportWriter, Summary};

#[derive(Serialize)]
struct FigureJson {
    count: u64,
    base: u64,
    pct: f64,
}

impl From<Figure> for FigureJson {
    fn from(f: Figure) -> FigureJson {
        FigureJson { count: f.count, base: f.base, pct: super::round_half_up(f.pct(), 4) }
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
}

#[derive(Serialize)]
struct RowsJson {
    read: u64,
    coded: u64,
    rejected: u64,
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
    occurrences: u64,
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
            rows: RowsJson { read: s.rows.read, coded: s.rows.coded, rejected: s.rows.rejected },
            respondents: s.respondents,
            respondent_types: s.types.iter().map(|t| TypeJson { name: &t.name, figure: t.figure.into() }).collect(),
            types_defaulted: s
                .default_type
                .as_deref()
                .map(|d| DefaultedJson { default_type: d, figure: s.types_defaulted.into() }),
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
                                occurrences: t.occurrences,
                            })
                            .collect(),
                    },
                })
                .collect(),
        };
        serde_json::to_writer_pretty(&mut *out, &json).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}
