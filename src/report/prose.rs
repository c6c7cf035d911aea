//! What a question's figures say in words, for the reports people read.
//!
//! summary.md and report.html say the same sentences and show the same rounded
//! percentages: both take them from here, so they cannot disagree. A format supplies
//! its own escaping and emphasis through [`Markup`]; this module knows no format.

use super::{ClosedSummary, Figure, OpenSummary, Rounding};

/// How a format escapes text from the data and marks emphasis.
#[derive(Clone, Copy)]
pub struct Markup {
    /// Escapes text taken from the data (labels, option names).
    pub escape: fn(&str) -> String,
    /// Emphasises text that is already escaped.
    pub strong: fn(&str) -> String,
}

/// What a row of a closed question's table stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClosedRowKind {
    /// An answer option.
    Option,
    /// No answer.
    Nil,
    /// A value matching none of the options.
    Unrecognised,
    /// The option nil merges into, including nil.
    Merged,
}

/// A row of a closed question's table, its percentages rounded as the reports show them.
#[derive(Clone, Debug, PartialEq)]
pub struct ClosedRow {
    /// What the row stands for.
    pub kind: ClosedRowKind,
    /// The label as data (not escaped): the option's label for `Option` and `Merged`.
    pub label: String,
    /// Respondents, of all respondents.
    pub figure: Figure,
    /// `figure` as shown.
    pub pct: String,
    /// For an option: of those who gave a recognised answer, as shown.
    pub pct_answered: Option<String>,
}

/// A closed question in words and as a table.
#[derive(Clone, Debug, PartialEq)]
pub struct ClosedText {
    /// Sentences, one per line, already escaped.
    pub sentences: Vec<String>,
    /// Table rows: options in survey order, nil, unrecognised (if any), merged (if any).
    pub rows: Vec<ClosedRow>,
    /// Those who gave a recognised answer (the base of `pct_answered`).
    pub answered: u64,
}

/// Says a closed question's figures.
///
/// The respondents are partitioned into options, nil and unrecognised values, rounded
/// once as a group (largest remainder when asked); the sentences and the table show
/// those figures, the nil-merged option as its figure plus nil's.
pub fn closed(c: &ClosedSummary, rounding: Rounding, m: Markup) -> ClosedText {
    // Several answers a respondent partition nothing: each figure is rounded alone.
    let rounding = if c.multiple { Rounding { largest_remainder: false, ..rounding } } else { rounding };
    // One partition of the respondents (options, nil, unrecognised) is rounded once,
    // and every sentence and row shows those figures, so a count reads the same
    // everywhere; by the largest remainder, `X (including nil)` is X's figure plus
    // nil's, as its count is.
    let n = c.options.len();
    let mut table: Vec<Figure> = c.options.iter().map(|o| o.figure).collect();
    table.push(c.nil);
    table.push(c.unrecognised);
    let table_shown = rounding.group(&table);
    let lr = rounding.largest_remainder.then(|| super::largest_remainder(&table, rounding.decimals as u32));
    let merged_index = c.nil_merged.as_ref().and_then(|(label, _)| c.options.iter().position(|o| o.label == *label));
    let merged_shown = c.nil_merged.as_ref().map(|&(_, f)| match (merged_index, &lr) {
        (Some(i), Some(lr)) if f.base > 0 => rounding.format(lr[i] + lr[n]),
        _ => rounding.pct(f),
    });

    // The sentence's parts: (label, figure, shown, its value, whether nil is merged in).
    let parts: Vec<(String, Figure, String, f64, bool)> = c
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let merged = merged_index == Some(i);
            let (f, shown) = match (&c.nil_merged, &merged_shown) {
                (Some((_, f)), Some(shown)) if merged => (*f, shown.clone()),
                _ => (o.figure, table_shown[i].clone()),
            };
            let value = lr.as_ref().map_or(f.pct(), |lr| lr[i] + if merged { lr[n] } else { 0.0 });
            (o.label.clone(), f, shown, value, merged)
        })
        .collect();
    // Most answered first; equal counts (which the largest remainder may round apart)
    // by the figure shown, then in the spec's order: a lower figure never comes first.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&parts[a], &parts[b]);
        pb.1.count.cmp(&pa.1.count).then(pb.3.total_cmp(&pa.3)).then(a.cmp(&b))
    });
    let phrase = |i: usize, first: bool| {
        let (label, f, shown, _, merged) = &parts[i];
        format!(
            "{}{} ({} of {}) {} '{}'{}",
            shown,
            if first { " of respondents" } else { "" },
            f.count,
            f.base,
            if c.multiple { "chose" } else { "answered" },
            (m.escape)(label),
            if *merged { " (including nil responses)" } else { "" }
        )
    };
    let mut sentences = Vec::new();
    if c.multiple {
        sentences
            .push("Respondents could choose more than one answer, so the figures may add up to more than 100%.".into());
    }
    if let Some((&first, rest)) = order.split_first() {
        let mut s = phrase(first, true);
        for (k, &p) in rest.iter().enumerate() {
            let sep = if k + 1 == rest.len() { " and " } else { ", " };
            s.push_str(sep);
            s.push_str(&phrase(p, false));
        }
        s.push('.');
        sentences.push(s);
    }
    if c.nil.count > 0 && c.nil_merged.is_none() {
        sentences.push(format!("{} ({} of {}) gave no answer.", table_shown[n], c.nil.count, c.nil.base));
    }
    if c.unrecognised.count > 0 {
        sentences.push(format!(
            "{} ({} of {}) gave an answer that matches none of the options{}.",
            table_shown[n + 1],
            c.unrecognised.count,
            c.unrecognised.base,
            if c.multiple { " (beside any they chose)" } else { "" }
        ));
    }

    // (With several answers a respondent, the options' figures share this base but
    // do not add up to it.)
    let answered = c.options.first().map_or(0, |o| o.of_answered.base);
    let of_answered = rounding.group(&c.options.iter().map(|o| o.of_answered).collect::<Vec<_>>());
    let mut rows: Vec<ClosedRow> = c
        .options
        .iter()
        .zip(table_shown.iter().zip(of_answered))
        .map(|(o, (pct, answered))| ClosedRow {
            kind: ClosedRowKind::Option,
            label: o.label.clone(),
            figure: o.figure,
            pct: pct.clone(),
            pct_answered: Some(answered),
        })
        .collect();
    rows.push(ClosedRow {
        kind: ClosedRowKind::Nil,
        label: "No answer (nil)".to_string(),
        figure: c.nil,
        pct: table_shown[n].clone(),
        pct_answered: None,
    });
    if c.unrecognised.count > 0 {
        rows.push(ClosedRow {
            kind: ClosedRowKind::Unrecognised,
            label: "Unrecognised answer".to_string(),
            figure: c.unrecognised,
            pct: table_shown[n + 1].clone(),
            pct_answered: None,
        });
    }
    if let (Some((label, f)), Some(pct)) = (&c.nil_merged, merged_shown) {
        rows.push(ClosedRow { kind: ClosedRowKind::Merged, label: label.clone(), figure: *f, pct, pct_answered: None });
    }
    ClosedText { sentences, rows, answered }
}

/// Says who took the default respondent type, and why: those who did not say (an
/// empty cell or a non-answer) apart from those who gave a type the survey does not
/// list, with the values they wrote. `None` when nobody took it.
pub fn defaulted_types(s: &super::Summary, rounding: Rounding, m: Markup) -> Option<String> {
    let default = s.default_type.as_ref().filter(|_| s.types_defaulted.count > 0)?;
    let unlisted = s.types_unlisted;
    let unsaid = Figure::new(s.types_defaulted.count - unlisted.count, s.types_defaulted.base);
    let list = super::unlisted_types_list(s, super::UNLISTED_TYPES_SHOWN, |v| format!("\"{}\"", (m.escape)(v)));
    let said = |f: Figure, first: bool| {
        let who = if first { super::respondents(f.count) } else { f.count.to_string() };
        format!("{who} ({})", rounding.pct(f))
    };
    let default = (m.escape)(default);
    Some(match (unsaid.count, unlisted.count) {
        (_, 0) => format!(
            "{} did not say what type of respondent they are and {} counted as '{default}'.",
            said(unsaid, true),
            super::is_are(unsaid.count)
        ),
        (0, _) => format!(
            "{} gave a type of respondent the survey does not list ({list}) and {} counted as '{default}'.",
            said(unlisted, true),
            super::is_are(unlisted.count)
        ),
        _ => format!(
            "{} did not say what type of respondent they are, and {} gave a type the survey does not list \
             ({list}); all {} are counted as '{default}'.",
            said(unsaid, true),
            said(unlisted, false),
            s.types_defaulted.count
        ),
    })
}

/// Says an open question's figures: paragraphs of sentences (one per line), escaped.
///
/// The first paragraph says who answered and how many of them raised a theme; the
/// second (if any theme was raised) names the most frequent theme, then the others.
pub fn open(o: &OpenSummary, rounding: Rounding, m: Markup) -> Vec<Vec<String>> {
    let pct = |f: Figure| rounding.pct(f);
    let (a, na) = (o.answered, o.not_answered);
    let mut first = Vec::new();
    if a.count == 0 && na.count > 0 {
        // No share of nobody to give: "Of the remaining 0% (0 respondents), n/a ...".
        first.push(format!(
            "Nobody answered this question: all {} left it empty or wrote a non-answer.",
            super::respondents(na.count)
        ));
    } else if na.count * 2 >= na.base && na.count > 0 {
        first.push(format!(
            "{} of respondents ({} of {}) did not answer this question. Of the remaining {} ({}), {} ({} of {}) raised at least one theme.",
            pct(na),
            na.count,
            na.base,
            pct(a),
            super::respondents(a.count),
            pct(o.coded),
            o.coded.count,
            o.coded.base
        ));
    } else {
        first.push(format!(
            "{} of respondents ({} of {}) answered this question; {} of those ({} of {}) raised at least one theme.",
            pct(a),
            a.count,
            a.base,
            pct(o.coded),
            o.coded.count,
            o.coded.base
        ));
    }
    if o.non_answers.count > 0 {
        first.push(format!(
            "{} wrote a non-answer (such as 'n/a' or 'see above'), counted as not answering.",
            o.non_answers.count
        ));
    }
    let mut paragraphs = vec![first];
    let raised: Vec<_> = o.themes.iter().filter(|t| t.of_respondents.count > 0).collect();
    if let Some(top) = raised.first() {
        // Themes tied for the most respondents are named together, not one of them.
        let tied = raised.iter().take_while(|t| t.of_respondents.count == top.of_respondents.count).count();
        let rest = &raised[tied..];
        let names: Vec<String> = raised[..tied].iter().map(|t| (m.strong)(&(m.escape)(&t.label))).collect();
        let names = match names.split_last() {
            Some((last, others)) if !others.is_empty() => format!("{} and {last}", others.join(", ")),
            _ => names.concat(),
        };
        let mut second = vec![format!(
            "The most frequent {} {names}: {}{}, {} of all respondents ({} of those who answered).",
            if tied > 1 { "themes, tied, were" } else { "theme was" },
            super::respondents(top.of_respondents.count),
            if tied > 1 { " each" } else { "" },
            pct(top.of_respondents),
            pct(top.of_answered)
        )];
        if !rest.is_empty() {
            let items: Vec<String> = rest
                .iter()
                .map(|t| {
                    format!(
                        "{} ({}, {}; {} of those who answered)",
                        (m.escape)(&t.label),
                        super::respondents(t.of_respondents.count),
                        pct(t.of_respondents),
                        pct(t.of_answered)
                    )
                })
                .collect();
            second.push(format!("Other themes raised: {}.", items.join("; ")));
        }
        paragraphs.push(second);
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::QuestionSummary;
    use crate::report::tiny_summary;

    /// Issue (t23-1, 2): "43 respondents (18%) did not identify themselves (or gave an
    /// unlisted type)" lumped 20 who wrote a type the spec does not list with those who
    /// wrote none, and never said what they wrote.
    #[test]
    fn respondents_of_an_unlisted_type_are_told_apart_and_their_types_named() {
        let plain = Markup { escape: str::to_string, strong: str::to_string };
        let mut s = tiny_summary();
        let n = 240;
        s.types_defaulted = Figure::new(43, n);
        s.types_unlisted = Figure::new(20, n);
        s.unlisted_types = vec![("Organization".into(), 14), ("Councillor".into(), 6)];
        s.default_type = Some("Individual".into());
        assert_eq!(
            defaulted_types(&s, Rounding::WHOLE, plain).unwrap(),
            "23 respondents (10%) did not say what type of respondent they are, and 20 (8%) gave a type the \
             survey does not list (\"Organization\" (14), \"Councillor\" (6)); all 43 are counted as 'Individual'."
        );
        s.types_defaulted = Figure::new(20, n);
        s.unlisted_types = (0..7).map(|i| (format!("t{i}"), if i == 0 { 14 } else { 1 })).collect();
        assert_eq!(
            defaulted_types(&s, Rounding::WHOLE, plain).unwrap(),
            "20 respondents (8%) gave a type of respondent the survey does not list (\"t0\" (14), \"t1\" (1), \
             \"t2\" (1), \"t3\" (1), \"t4\" (1) and 2 more respondents) and are counted as 'Individual'."
        );
        s.types_unlisted = Figure::new(0, n);
        s.types_defaulted = Figure::new(1, n);
        assert_eq!(
            defaulted_types(&s, Rounding::WHOLE, plain).unwrap(),
            "1 respondent (0%) did not say what type of respondent they are and is counted as 'Individual'."
        );
    }

    /// Issue (t23-1, 3c): a question nobody answered read "Of the remaining 0% (0
    /// respondents), n/a (0 of 0) raised at least one theme."
    #[test]
    fn a_question_nobody_answered_says_so() {
        let s = tiny_summary();
        let Some(QuestionSummary::Open(mut o)) =
            s.questions.into_iter().find(|q| matches!(q, QuestionSummary::Open(_)))
        else {
            panic!("tiny_summary has an open question")
        };
        o.answered = Figure::new(0, 6);
        o.not_answered = Figure::new(6, 6);
        o.non_answers = Figure::new(1, 6);
        o.coded = Figure::new(0, 0);
        for t in &mut o.themes {
            t.of_respondents = Figure::new(0, 6);
            t.of_answered = Figure::new(0, 0);
        }
        let plain = Markup { escape: str::to_string, strong: str::to_string };
        let text = open(&o, Rounding::WHOLE, plain);
        assert_eq!(
            text,
            [vec![
                "Nobody answered this question: all 6 respondents left it empty or wrote a non-answer.".to_string(),
                "1 wrote a non-answer (such as 'n/a' or 'see above'), counted as not answering.".to_string(),
            ]]
        );
    }
}
