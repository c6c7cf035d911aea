//! Validation reports: validation.csv, validation.md and disagreements.csv.

use std::io::{self, Write};

use crate::validate::{Agreement, Confusion, Disagreement};

/// A measure to three places, rounded half up as every report rounds (`0.3125` is
/// `0.313`); empty where it is undefined.
pub fn num(x: Option<f64>) -> String {
    x.map(|v| format!("{:.3}", super::round_half_up(v, 3))).unwrap_or_default()
}

/// [`num`] for text people read: `-` where the measure is undefined (no theme coded,
/// none in the gold).
pub fn shown(x: Option<f64>) -> String {
    if x.is_some() { num(x) } else { "-".to_string() }
}

fn row_cells(q: &str, t: &str, c: &Confusion) -> Vec<String> {
    vec![
        q.to_string(),
        t.to_string(),
        c.n().to_string(),
        c.tp.to_string(),
        c.fp.to_string(),
        c.fn_.to_string(),
        c.tn.to_string(),
        num(c.precision()),
        num(c.recall()),
        num(c.f1()),
        num(c.kappa()),
        num(c.alpha()),
        num(c.prevalence_gold()),
        num(c.prevalence_codes()),
    ]
}

/// Writes validation.csv: one row per question and theme, then micro and macro rows.
pub fn write_csv(a: &Agreement, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let e = io::Error::other;
    w.write_record([
        "question",
        "theme",
        "units",
        "tp",
        "fp",
        "fn",
        "tn",
        "precision",
        "recall",
        "f1",
        "kappa",
        "alpha",
        "prevalence_gold",
        "prevalence_codes",
    ])
    .map_err(e)?;
    for ((q, t), c) in &a.rows {
        w.write_record(row_cells(q, t, c)).map_err(e)?;
    }
    w.write_record(row_cells("(all)", "(micro)", &a.micro())).map_err(e)?;
    let mut macro_row = vec!["(all)".to_string(), "(macro)".to_string()];
    macro_row.extend(["", "", "", "", ""].map(String::from));
    macro_row.extend([num(a.macro_precision()), num(a.macro_recall()), num(a.macro_f1()), num(a.macro_kappa())]);
    macro_row.extend(["", "", ""].map(String::from));
    w.write_record(macro_row).map_err(e)?;
    w.flush()
}

/// Writes validation.md: a readable table with averages.
pub fn write_markdown(a: &Agreement, title: &str, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# Validation: {title}")?;
    writeln!(out)?;
    let micro = a.micro();
    // Each mean is over the rows where its measure is defined (precision: the
    // pipeline coded the theme; recall: the gold has it), and says how many.
    let rows = |defined: fn(&Confusion) -> Option<f64>| {
        let n = a.rows.iter().filter(|(_, c)| defined(c).is_some()).count();
        format!("{n} row{}", if n == 1 { "" } else { "s" })
    };
    writeln!(
        out,
        "Units are answers (respondent x open question) with text. Micro-averaged over all {} decisions: \
         precision {}, recall {}, F1 {}, kappa {}, alpha {}. Macro-averaged over the question-theme rows \
         where each is defined: precision {} ({}), recall {} ({}), **F1 {}** ({}), kappa {} ({}). A `-` \
         is a measure with no defined value (no theme coded, or none in the gold, or no variation).",
        micro.n(),
        shown(micro.precision()),
        shown(micro.recall()),
        shown(micro.f1()),
        shown(micro.kappa()),
        shown(micro.alpha()),
        shown(a.macro_precision()),
        rows(Confusion::precision),
        shown(a.macro_recall()),
        rows(Confusion::recall),
        shown(a.macro_f1()),
        rows(Confusion::f1),
        shown(a.macro_kappa()),
        rows(Confusion::kappa),
    )?;
    if !a.unusable.is_empty() {
        let reasons: Vec<String> = a.unusable_counts().iter().map(|(why, n)| why.count_rows(*n)).collect();
        writeln!(
            out,
            "\n**{} of the gold file's {} rows are not counted** ({}): they are listed in gold_unused.csv.",
            a.unusable.len(),
            a.gold_rows,
            reasons.join("; ")
        )?;
    }
    if let Some(unknown) = crate::validate::explain_unknown_themes(&a.unknown_themes) {
        writeln!(out, "\n**Gold themes the lexicon lacks.** {unknown}.")?;
    }
    if let Some(inapplicable) = crate::validate::explain_inapplicable_themes(&a.inapplicable_themes) {
        writeln!(out, "\n**Gold themes on questions they do not apply to.** {inapplicable}.")?;
    }
    if let Some(implied) = crate::validate::explain_implied(&a.implied) {
        writeln!(out, "\n**Parent themes.** {implied}.")?;
    }
    if let Some(scope) = a.scope.explain() {
        writeln!(out, "\n**Answers scored.** The gold file: {scope}.")?;
    }
    writeln!(out)?;
    writeln!(out, "| Question | Theme | TP | FP | FN | Precision | Recall | F1 | Kappa | Alpha | Gold % | Codes % |")?;
    writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    let pct = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{:.0}%", super::round_half_up(v * 100.0, 0)));
    for ((q, t), c) in &a.rows {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            super::markdown::md_escape(q),
            super::markdown::md_code(t),
            c.tp,
            c.fp,
            c.fn_,
            shown(c.precision()),
            shown(c.recall()),
            shown(c.f1()),
            shown(c.kappa()),
            shown(c.alpha()),
            pct(c.prevalence_gold()),
            pct(c.prevalence_codes())
        )?;
    }
    Ok(())
}

/// Writes gold_unused.csv: every gold row that names no answer of the data, with
/// the file, line and reason, and for a respondent whose row of the data was
/// rejected, where and why (a header only when there is none).
pub fn write_unusable(a: &Agreement, file: &str, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let e = io::Error::other;
    w.write_record(["file", "line", "respondent_id", "question", "theme", "reason", "detail"]).map_err(e)?;
    for (why, g) in &a.unusable {
        let line = g.line.to_string();
        let detail = crate::validate::rejection(&a.rejected, &g.unit.0);
        w.write_record([file, &line, &g.unit.0, &g.unit.1, &g.theme, why.name(), &detail]).map_err(e)?;
    }
    w.flush()
}

/// One disagreement with what the analyst needs to judge it.
pub struct DisagreementRow<'a> {
    /// Respondent.
    pub respondent: &'a str,
    /// Question.
    pub question: &'a str,
    /// Theme.
    pub theme: &'a str,
    /// FP or FN.
    pub kind: Disagreement,
    /// The answer.
    pub answer: &'a str,
    /// Why the pipeline decided as it did.
    pub evidence: String,
}

/// Writes disagreements.csv.
pub fn write_disagreements(rows: &[DisagreementRow], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let e = io::Error::other;
    w.write_record(["respondent_id", "question", "theme", "kind", "answer", "evidence"]).map_err(e)?;
    for r in rows {
        let kind = match r.kind {
            Disagreement::FalsePositive => "FP",
            Disagreement::FalseNegative => "FN",
        };
        w.write_record([r.respondent, r.question, r.theme, kind, r.answer, &r.evidence]).map_err(e)?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A theme the gold has and the pipeline never codes has no precision: the macro
    /// precision is over the other rows, and says so (it claimed all rows).
    #[test]
    fn each_macro_average_names_its_rows() {
        let row = |t: &str, tp, fp, fn_, tn| (("q".to_string(), t.to_string()), Confusion { tp, fp, fn_, tn });
        let a = Agreement {
            rows: vec![row("a", 3, 0, 0, 5), row("b", 2, 1, 0, 5), row("never", 0, 0, 4, 4)],
            disagreements: Vec::new(),
            unusable: Vec::new(),
            rejected: Default::default(),
            unknown_themes: Vec::new(),
            inapplicable_themes: Vec::new(),
            gold_rows: 9,
            implied: Default::default(),
            scope: Default::default(),
        };
        let mut out = Vec::new();
        write_markdown(&a, "t", &mut out).unwrap();
        let md = String::from_utf8(out).unwrap();
        assert!(md.contains("precision 0.833 (2 rows), recall 0.667 (3 rows)"), "{md}");
    }
}
