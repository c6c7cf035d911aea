//! Crosstabs: closed answers and themes broken down by respondent type and by any
//! segment column, with column percentages and chi-square tests; and theme
//! co-occurrence within answers.

use crate::lexicon::CompiledLexicon;
use crate::stats::{self, ChiSquare};
use crate::survey::Survey;
use crate::tally::{Counts, Tally};

use super::Figure;

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
}

impl CrosstabTable {
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
                tables.push(CrosstabTable { question: id.clone(), kind: TableKind::Themes, rows, test: None });
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
                })
                .collect();
            pairs.sort_by(|x, y| y.figure.count.cmp(&x.figure.count).then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b))));
            Cooccurrence { question: q.id.clone(), pairs }
        })
        .filter(|c| !c.pairs.is_empty())
        .collect()
}
