//! The CSV reports: respondents.csv, closed_answers.csv, theme_frequencies.csv.
//!
//! Every percentage column sits next to its count and its base, so a row can be
//! checked by hand. Percentages have two decimals; rounding for display is the
//! human-readable reports' business.

use std::io::{self, Write};

use super::{Figure, QuestionSummary, ReportWriter, Summary};

/// A percentage for machine-readable files: two decimals, half up; empty for a base
/// of 0 (no share to give).
pub fn pct_cell(f: Figure) -> String {
    if f.base == 0 { String::new() } else { format!("{:.2}", super::round_half_up(f.pct(), 2)) }
}

/// One end of a Wilson interval as a percentage with two decimals (empty if none).
fn ci_cell(ci: Option<(f64, f64)>, end: usize) -> String {
    ci.map(|(lo, hi)| format!("{:.2}", super::round_half_up(100.0 * if end == 0 { lo } else { hi }, 2)))
        .unwrap_or_default()
}

fn writer(out: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new().from_writer(out)
}

fn io_err(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

/// `respondents.csv`: respondent_type, count, base, pct.
pub struct RespondentsCsv;

impl ReportWriter for RespondentsCsv {
    fn file_name(&self) -> &'static str {
        "respondents.csv"
    }

    fn write(&self, s: &Summary, out: &mut dyn Write) -> io::Result<()> {
        let mut w = writer(out);
        w.write_record(["respondent_type", "count", "base", "pct"]).map_err(io_err)?;
        for t in &s.types {
            let f = t.figure;
            w.write_record([t.name.as_str(), &f.count.to_string(), &f.base.to_string(), &pct_cell(f)])
                .map_err(io_err)?;
        }
        let total = Figure::new(s.respondents, s.respondents);
        w.write_record(["Total", &total.count.to_string(), &total.base.to_string(), &pct_cell(total)])
            .map_err(io_err)?;
        w.flush()
    }
}

/// `closed_answers.csv`: one row per question and option, nil and unrecognised
/// values as their own rows, and the "including nil" merged row.
pub struct ClosedAnswersCsv;

impl ReportWriter for ClosedAnswersCsv {
    fn file_name(&self) -> &'static str {
        "closed_answers.csv"
    }

    fn write(&self, s: &Summary, out: &mut dyn Write) -> io::Result<()> {
        let mut w = writer(out);
        w.write_record(["question", "option", "count", "base", "pct", "answered", "pct_answered"]).map_err(io_err)?;
        for q in &s.questions {
            let QuestionSummary::Closed(c) = q else { continue };
            let answered = c.options.first().map_or(0, |o| o.of_answered.base);
            for o in &c.options {
                let f = o.figure;
                w.write_record([
                    c.id.as_str(),
                    &o.label,
                    &f.count.to_string(),
                    &f.base.to_string(),
                    &pct_cell(f),
                    &answered.to_string(),
                    &pct_cell(o.of_answered),
                ])
                .map_err(io_err)?;
            }
            let blank = |w: &mut csv::Writer<&mut dyn Write>, label: &str, f: Figure| {
                w.write_record([c.id.as_str(), label, &f.count.to_string(), &f.base.to_string(), &pct_cell(f), "", ""])
                    .map_err(io_err)
            };
            blank(&mut w, "(nil)", c.nil)?;
            blank(&mut w, "(unrecognised)", c.unrecognised)?;
            if let Some((label, f)) = &c.nil_merged {
                blank(&mut w, &format!("{label} (including nil)"), *f)?;
            }
        }
        w.flush()
    }
}

/// `theme_frequencies.csv`: one row per open question and theme.
pub struct ThemeFrequenciesCsv;

impl ReportWriter for ThemeFrequenciesCsv {
    fn file_name(&self) -> &'static str {
        "theme_frequencies.csv"
    }

    fn write(&self, s: &Summary, out: &mut dyn Write) -> io::Result<()> {
        let mut w = writer(out);
        w.write_record([
            "question",
            "theme",
            "label",
            "parent",
            "count",
            "respondents",
            "answered",
            "pct_respondents",
            "pct_answered",
            "occurrences",
            "matched_words",
            "words",
            "per_100_words",
            "ci_low",
            "ci_high",
            "ci_low_answered",
            "ci_high_answered",
        ])
        .map_err(io_err)?;
        for q in &s.questions {
            let QuestionSummary::Open(o) = q else { continue };
            for t in &o.themes {
                w.write_record([
                    o.id.as_str(),
                    &t.id,
                    &t.label,
                    t.parent.as_deref().unwrap_or(""),
                    &t.of_respondents.count.to_string(),
                    &t.of_respondents.base.to_string(),
                    &t.of_answered.base.to_string(),
                    &pct_cell(t.of_respondents),
                    &pct_cell(t.of_answered),
                    &t.occurrences.to_string(),
                    &t.matched_words.count.to_string(),
                    &t.matched_words.base.to_string(),
                    // No words: no rate (empty, as every figure with a zero base).
                    &if t.matched_words.base == 0 {
                        String::new()
                    } else {
                        format!("{:.4}", super::round_half_up(t.matched_words.pct(), 4))
                    },
                    &ci_cell(t.ci_respondents, 0),
                    &ci_cell(t.ci_respondents, 1),
                    &ci_cell(t.ci_answered, 0),
                    &ci_cell(t.ci_answered, 1),
                ])
                .map_err(io_err)?;
            }
        }
        w.flush()
    }
}

/// `crosstabs.csv`: every crosstab cell, with its base and the row's chi-square test.
pub struct CrosstabsCsv;

impl ReportWriter for CrosstabsCsv {
    fn file_name(&self) -> &'static str {
        "crosstabs.csv"
    }

    fn write(&self, s: &Summary, out: &mut dyn Write) -> io::Result<()> {
        let mut w = writer(out);
        w.write_record([
            "segment",
            "question",
            "kind",
            "item",
            "group",
            "count",
            "base",
            "pct",
            "chi2",
            "df",
            "p",
            "low_expected",
        ])
        .map_err(io_err)?;
        for x in &s.crosstabs {
            for t in &x.tables {
                let kind = match t.kind {
                    super::crosstab::TableKind::Closed => "closed",
                    super::crosstab::TableKind::Themes => "theme",
                };
                for r in &t.rows {
                    let test = r.test.or(t.test);
                    let groups = x.groups.iter().map(String::as_str).chain(std::iter::once("(all)"));
                    for (g, f) in groups.zip(r.cells.iter().chain(std::iter::once(&r.total))) {
                        w.write_record([
                            x.segment.as_str(),
                            &t.question,
                            kind,
                            &r.item,
                            g,
                            &f.count.to_string(),
                            &f.base.to_string(),
                            &pct_cell(*f),
                            &test.map(|c| format!("{:.4}", c.statistic)).unwrap_or_default(),
                            &test.map(|c| c.df.to_string()).unwrap_or_default(),
                            &test.map(|c| format!("{:.4}", c.p)).unwrap_or_default(),
                            &test.map(|c| c.unreliable().to_string()).unwrap_or_default(),
                        ])
                        .map_err(io_err)?;
                    }
                }
            }
        }
        w.flush()
    }
}

/// `cooccurrence.csv`: pairs of themes asserted in the same answer.
pub struct CooccurrenceCsv;

impl ReportWriter for CooccurrenceCsv {
    fn file_name(&self) -> &'static str {
        "cooccurrence.csv"
    }

    fn write(&self, s: &Summary, out: &mut dyn Write) -> io::Result<()> {
        let mut w = writer(out);
        w.write_record(["question", "theme_a", "theme_b", "count", "answered", "pct_answered"]).map_err(io_err)?;
        for c in &s.cooccurrence {
            for p in &c.pairs {
                w.write_record([
                    c.question.as_str(),
                    &p.a,
                    &p.b,
                    &p.figure.count.to_string(),
                    &p.figure.base.to_string(),
                    &pct_cell(p.figure),
                ])
                .map_err(io_err)?;
            }
        }
        w.flush()
    }
}
