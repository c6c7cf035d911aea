//! Crosstabs: closed answers and themes broken down by respondent type and by any
//! segment column, with column percentages and chi-square tests; and theme
//! co-occurrence within answers.

use crate::lexicon::CompiledLexicon;
use crate::stats::{self, ChiSquare};
use crate::survey::Survey;
use crate::tally::{Counts, Tally};

use super::{Figure, Rounding};

/// What a crosstab table's rows are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKind {
    /// Options of a closed question (column base: respondents in the group).
    Closed,
    /// Themes of an open question (column base: those in the group who answered).
    Themes,
}

/// One row of a crosstab table.
#[derive(Clone, Debug, PartialEq)]
pub struct CrosstabRow {
    /// Option label or theme id.
    pub item: String,
    /// Label for reports.
    pub label: String,
    /// Per group: count and its base.
    pub cells: Vec<Figure>,
    /// All groups together.
    pub total: Figure,
    /// For a theme: chi-square test of theme x group (2 x k).
    pub test: Option<ChiSquare>,
}

/// A question broken down by a segment.
#[derive(Clone, Debug, PartialEq)]
pub struct CrosstabTable {
    /// Question id.
    pub question: String,
    /// Rows are options or themes.
    pub kind: TableKind,
    /// Rows.
    pub rows: Vec<CrosstabRow>,
    /// For a closed question: chi-square test of option x group (nil excluded).
    pub test: Option<ChiSquare>,
    /// Whether the rows partition each group's respondents (a closed question that
    /// takes one answer: options, nil, unrecognised), so that a column is rounded as a
    /// group, as the question's own table is.
    pub partition: bool,
}

/// A crosstab row's percentages as reports people read show them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownRow {
    /// Per group.
    pub cells: Vec<String>,
    /// All groups together.
    pub total: String,
}

impl CrosstabTable {
    /// Each row's percentages, rounded as `rounding` says. Where the rows partition
    /// the respondents, each column (each group, and All) is rounded as one group, so
    /// under `--largest-remainder` a column adds up to 100% and All shows what the
    /// question's own table shows; otherwise each cell is rounded on its own.
    pub fn shown(&self, rounding: Rounding) -> Vec<ShownRow> {
        let mut rows: Vec<ShownRow> = self
            .rows
            .iter()
            .map(|r| ShownRow {
                cells: r.cells.iter().map(|&f| rounding.pct(f)).collect(),
                total: rounding.pct(r.total),
            })
            .collect();
        if !(self.partition && rounding.largest_remainder) {
            return rows;
        }
        let groups = self.rows.first().map_or(0, |r| r.cells.len());
        for g in 0..groups {
            let column: Vec<Figure> = self.rows.iter().map(|r| r.cells[g]).collect();
            for (row, shown) in rows.iter_mut().zip(rounding.group(&column)) {
                row.cells[g] = shown;
            }
        }
        let all: Vec<Figure> = self.rows.iter().map(|r| r.total).collect();
        for (row, shown) in rows.iter_mut().zip(rounding.group(&all)) {
            row.total = shown;
        }
        rows
    }

    /// Whether each row has its own test (themes, and the options of a question that
    /// takes several answers), shown in a column of its own.
    pub fn tests_rows(&self) -> bool {
        self.kind == TableKind::Themes || self.rows.iter().any(|r| r.test.is_some())
    }

    /// What the column headings say of each group (`respondents`, the crosstab's),
    /// then of All: ` (n=9)`, or where the percentages are of fewer (a theme's, of
    /// those who answered) ` (n=9, 6 answered)`.
    pub fn heading_counts(&self, respondents: &[u64]) -> Vec<String> {
        let all = respondents.iter().sum::<u64>();
        let counts = |n: u64, base: Option<u64>| match base {
            Some(b) if b != n => format!(" (n={n}, {b} answered)"),
            _ => format!(" (n={n})"),
        };
        let first = self.rows.first();
        let mut heads: Vec<String> =
            respondents.iter().enumerate().map(|(i, &n)| counts(n, first.map(|r| r.cells[i].base))).collect();
        heads.push(counts(all, first.map(|r| r.total.base)));
        heads
    }
}

/// All questions broken down by one segment.
#[derive(Clone, Debug, PartialEq)]
pub struct Crosstab {
    /// Segment id (`respondent_type` for respondent types).
    pub segment: String,
    /// Group names (columns), in survey order or sorted.
    pub groups: Vec<String>,
    /// Respondents per group.
    pub respondents: Vec<u64>,
    /// One table per question, in report order.
    pub tables: Vec<CrosstabTable>,
}

/// Answers asserting both themes of a pair.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// First theme id.
    pub a: String,
    /// Second theme id.
    pub b: String,
    /// Answers asserting both, of those who answered.
    pub figure: Figure,
    /// Whether one theme is the other's parent (or further up its hierarchy): every
    /// answer raising the child raises the parent too, so the pair says nothing of
    /// themes raised together. Reports people read leave such pairs out.
    pub nested: bool,
}

/// Theme co-occurrence in one open question.
#[derive(Clone, Debug, PartialEq)]
pub struct Cooccurrence {
    /// Question id.
    pub question: String,
    /// Pairs, most frequent first.
    pub pairs: Vec<Pair>,
}

/// Builds every crosstab: respondent type first, then each segment of the spec.
pub fn crosstabs(survey: &Survey, lexicon: &CompiledLexicon, tally: &Tally) -> Vec<Crosstab> {
    let mut out = Vec::new();
    let names = survey.type_names();
    if !names.is_empty() {
        let groups: Vec<(&str, &Counts)> = names.iter().map(String::as_str).zip(&tally.by_type).collect();
        out.push(build("respondent_type", &groups, survey, lexicon));
    }
    for (k, seg) in survey.segments.iter().enumerate() {
        let groups: Vec<(&str, &Counts)> = tally.by_segment[k].iter().map(|(v, c)| (v.as_str(), c)).collect();
        out.push(build(&seg.id, &groups, survey, lexicon));
    }
    out
}

fn build(segment: &str, groups: &[(&str, &Counts)], survey: &Survey, lexicon: &CompiledLexicon) -> Crosstab {
    let mut tables = Vec::new();
    for id in survey.report_order() {
        if let Some(qi) = survey.closed.iter().position(|q| q.id == id) {
            let q = &survey.closed[qi];
            let mut rows = Vec::new();
            let mut table = Vec::new();
            for (oi, label) in q.options.iter().enumerate() {
                let counts: Vec<u64> = groups.iter().map(|(_, c)| c.closed[qi].options[oi]).collect();
                table.push(counts.clone());
                // With several answers a respondent, the options are no partition: each
                // is tested on its own, chosen or not by the group's respondents (the base
                // the row shows).
                let test = q.multiple.then(|| {
                    let not: Vec<u64> = groups.iter().zip(&counts).map(|((_, c), k)| c.respondents - k).collect();
                    stats::chi_square(&[counts.clone(), not])
                });
                rows.push(row(label, label, &counts, groups.iter().map(|(_, c)| c.respondents), test.flatten()));
            }
            let nil: Vec<u64> = groups.iter().map(|(_, c)| c.closed[qi].nil).collect();
            rows.push(row("(nil)", "No answer (nil)", &nil, groups.iter().map(|(_, c)| c.respondents), None));
            // Answers that are none of the options, when there are any: without them
            // a group's column would not add up to its respondents.
            let unrecognised: Vec<u64> = groups.iter().map(|(_, c)| c.closed[qi].unrecognised).collect();
            if unrecognised.iter().any(|&n| n > 0) {
                let bases = groups.iter().map(|(_, c)| c.respondents);
                rows.push(row("(unrecognised)", "Another answer (unrecognised)", &unrecognised, bases, None));
            }
            tables.push(CrosstabTable {
                question: q.id.clone(),
                kind: TableKind::Closed,
                rows,
                test: if q.multiple { None } else { stats::chi_square(&table) },
                partition: !q.multiple,
            });
        } else if let Some(qi) = survey.open.iter().position(|q| q.id == id) {
            let applies = lexicon.themes_for(&id);
            let mut rows = Vec::new();
            for (ti, t) in lexicon.themes.iter().enumerate().filter(|(i, _)| applies[*i]) {
                let yes: Vec<u64> = groups.iter().map(|(_, c)| c.open[qi].themes[ti]).collect();
                let answered: Vec<u64> = groups.iter().map(|(_, c)| c.open[qi].answered).collect();
                let no: Vec<u64> = answered.iter().zip(&yes).map(|(a, y)| a - y).collect();
                let test = stats::chi_square(&[yes.clone(), no]);
                rows.push(row(&t.id, &t.label, &yes, answered.into_iter(), test));
            }
            if !rows.is_empty() {
                tables.push(CrosstabTable {
                    question: id.clone(),
                    kind: TableKind::Themes,
                    rows,
                    test: None,
                    partition: false,
                });
            }
        }
    }
    Crosstab {
        segment: segment.to_string(),
        groups: groups.iter().map(|(n, _)| n.to_string()).collect(),
        respondents: groups.iter().map(|(_, c)| c.respondents).collect(),
        tables,
    }
}

fn row(
    item: &str,
    label: &str,
    counts: &[u64],
    bases: impl Iterator<Item = u64>,
    test: Option<ChiSquare>,
) -> CrosstabRow {
    let cells: Vec<Figure> = counts.iter().zip(bases).map(|(&c, b)| Figure::new(c, b)).collect();
    let total = Figure::new(cells.iter().map(|f| f.count).sum(), cells.iter().map(|f| f.base).sum());
    CrosstabRow { item: item.to_string(), label: label.to_string(), cells, total, test }
}

/// Theme co-occurrence per open question (pairs asserted together in one answer).
pub fn cooccurrence(survey: &Survey, lexicon: &CompiledLexicon, counts: &Counts) -> Vec<Cooccurrence> {
    survey
        .open
        .iter()
        .enumerate()
        .map(|(qi, q)| {
            let o = &counts.open[qi];
            let mut pairs: Vec<Pair> = o
                .pairs
                .iter()
                .map(|((a, b), n)| Pair {
                    a: lexicon.themes[a as usize].id.clone(),
                    b: lexicon.themes[b as usize].id.clone(),
                    figure: Figure::new(n, o.answered),
                    nested: lexicon.themes[a as usize].ancestors.contains(&b)
                        || lexicon.themes[b as usize].ancestors.contains(&a),
                })
                .collect();
            pairs.sort_by(|x, y| y.figure.count.cmp(&x.figure.count).then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b))));
            Cooccurrence { question: q.id.clone(), pairs }
        })
        .filter(|c| !c.pairs.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::prose::{self, Markup};
    use crate::report::{ClosedSummary, OptionRow};

    /// Issue (t23-1, 1): under `--largest-remainder` the crosstabs rounded each cell on
    /// its own, so the All column showed nil 18 of 240 as 8% where the question's table
    /// showed 7%, and a group's column summed to 101%.
    #[test]
    fn largest_remainder_rounds_each_column_as_the_question_table() {
        // Counts per option (Yes, No, nil, unrecognised) for two groups.
        let groups = [[64u64, 45, 10, 9], [32, 27, 8, 8]];
        let row = |i: usize, label: &str| {
            let counts: Vec<u64> = groups.iter().map(|g| g[i]).collect();
            super::row(label, label, &counts, groups.iter().map(|g| g.iter().sum()), None)
        };
        let table = CrosstabTable {
            question: "q1".into(),
            kind: TableKind::Closed,
            rows: vec![row(0, "Yes"), row(1, "No"), row(2, "(nil)"), row(3, "(unrecognised)")],
            test: None,
            partition: true,
        };
        let lr = Rounding { decimals: 0, largest_remainder: true };
        let shown = table.shown(lr);
        let number = |s: &str| s.trim_end_matches('%').parse::<u64>().unwrap();
        for g in 0..2 {
            assert_eq!(shown.iter().map(|r| number(&r.cells[g])).sum::<u64>(), 100, "{shown:?}");
        }
        // Each rounded on its own, the second group's column adds up to 101%.
        let alone = table.shown(Rounding::WHOLE);
        assert_eq!(alone.iter().map(|r| number(&r.cells[1])).sum::<u64>(), 101, "{alone:?}");
        // The All column shows what the question's own table shows.
        let n: u64 = groups.iter().flatten().sum();
        let all = |i: usize| groups.iter().map(|g| g[i]).sum::<u64>();
        let option = |i: usize, label: &str| OptionRow {
            label: label.into(),
            figure: Figure::new(all(i), n),
            of_answered: Figure::new(all(i), all(0) + all(1)),
        };
        let summary = ClosedSummary {
            id: "q1".into(),
            text: String::new(),
            options: vec![option(0, "Yes"), option(1, "No")],
            nil: Figure::new(all(2), n),
            unrecognised: Figure::new(all(3), n),
            nil_merged: None,
            multiple: false,
        };
        let plain = Markup { escape: str::to_string, strong: str::to_string };
        let main: Vec<String> = prose::closed(&summary, lr, plain).rows.into_iter().map(|r| r.pct).collect();
        let totals: Vec<String> = shown.iter().map(|r| r.total.clone()).collect();
        assert_eq!(totals, main);
        assert_ne!(table.shown(Rounding::WHOLE).iter().map(|r| r.total.clone()).collect::<Vec<_>>(), main);
    }
}
