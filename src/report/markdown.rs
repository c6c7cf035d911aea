//! `summary.md`: the report people read, shaped like a published consultation
//! summary: the respondent table, then each question in order with its figures in
//! plain sentences and in a table. Every percentage names its base.

use std::io::{self, Write};

use super::{ClosedSummary, Figure, OpenSummary, QuestionSummary, ReportWriter, Rounding, Summary};

/// `summary.md`.
pub struct MarkdownReport {
    /// How percentages are shown.
    pub rounding: Rounding,
}

/// Escapes text for a Markdown table cell or sentence.
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

impl MarkdownReport {
    fn pct(&self, f: Figure) -> String {
        self.rounding.pct(f)
    }

    fn ci(&self, ci: Option<(f64, f64)>) -> String {
        let d = self.rounding.decimals as i32;
        ci.map(|(lo, hi)| {
            format!(
                "{:.*}-{:.*}%",
                d as usize,
                super::round_half_up(100.0 * lo, d),
                d as usize,
                super::round_half_up(100.0 * hi, d)
            )
        })
        .unwrap_or_default()
    }

    fn campaigns(&self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        let (sketchable, sketched) = s.campaign_coverage;
        if s.campaigns.is_empty() && sketched == sketchable {
            return Ok(());
        }
        writeln!(out)?;
        writeln!(out, "## Campaign responses")?;
        writeln!(out)?;
        if sketched < sketchable {
            writeln!(
                out,
                "Campaign detection covered the first {sketched} of {sketchable} answers long enough to compare.\n"
            )?;
        }
        if s.campaigns.is_empty() {
            writeln!(out, "No campaign (identical or near-identical answers) was found.")?;
            return Ok(());
        }
        for c in &s.campaigns {
            writeln!(
                out,
                "- **{}**: {} respondents sent near-identical answers ({} identical), first from {}: \"{}...\" (themes: {})",
                c.question,
                c.size,
                c.identical,
                md_escape(&c.first_respondent),
                md_escape(&c.excerpt),
                if c.themes.is_empty() { "none".to_string() } else { c.themes.join(", ") }
            )?;
        }
        writeln!(out)?;
        writeln!(out, "Theme figures with each campaign counted as its respondents, and collapsed to one response:")?;
        writeln!(out)?;
        writeln!(out, "| Question | Theme | As counted | Campaigns collapsed |")?;
        writeln!(out, "|---|---|---:|---:|")?;
        for c in &s.collapsed {
            writeln!(
                out,
                "| {} | `{}` | {} of {} ({}) | {} of {} ({}) |",
                c.question,
                c.theme,
                c.counted.count,
                c.counted.base,
                self.pct(c.counted),
                c.collapsed.count,
                c.collapsed.base,
                self.pct(c.collapsed)
            )?;
        }
        Ok(())
    }

    fn rollup(&self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        if s.any_question.is_empty() {
            return Ok(());
        }
        writeln!(out)?;
        writeln!(out, "## Themes raised in any answer")?;
        writeln!(out)?;
        writeln!(out, "Respondents who raised each theme in at least one open answer (base {}).", s.respondents)?;
        writeln!(out)?;
        writeln!(out, "| Theme | Respondents | % of all respondents |")?;
        writeln!(out, "|---|---:|---:|")?;
        for r in &s.any_question {
            writeln!(out, "| {} (`{}`) | {} | {} |", md_escape(&r.label), r.id, r.figure.count, self.pct(r.figure))?;
        }
        Ok(())
    }

    fn crosstabs(&self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        use super::crosstab::TableKind;
        for x in &s.crosstabs {
            writeln!(out)?;
            writeln!(out, "## By {}", x.segment.replace('_', " "))?;
            writeln!(out)?;
            writeln!(
                out,
                "Column percentages: closed answers of the group's respondents, themes of the group's respondents who answered the question. \
                 p: chi-square test of independence; * marks a test with small expected counts (unreliable)."
            )?;
            let head: Vec<String> =
                x.groups.iter().zip(&x.respondents).map(|(g, n)| format!("{} (n={n})", md_escape(g))).collect();
            for t in &x.tables {
                writeln!(out)?;
                let what = if t.kind == TableKind::Closed { "answer" } else { "theme" };
                let test = |c: Option<crate::stats::ChiSquare>| {
                    c.map(|c| format!("{:.3}{}", c.p, if c.unreliable() { "*" } else { "" })).unwrap_or_default()
                };
                writeln!(
                    out,
                    "**{}** ({what}s){}",
                    t.question,
                    match t.test {
                        Some(_) => format!(", p = {}", test(t.test)),
                        None => String::new(),
                    }
                )?;
                writeln!(out)?;
                let pcol = if t.kind == TableKind::Themes { " p |" } else { "" };
                writeln!(out, "| {} | {} | All |{pcol}", what, head.join(" | "))?;
                writeln!(
                    out,
                    "|---|{}---:|{}",
                    "---:|".repeat(x.groups.len()),
                    if pcol.is_empty() { "" } else { "---:|" }
                )?;
                for r in &t.rows {
                    let cells: Vec<String> =
                        r.cells.iter().map(|f| format!("{} ({})", f.count, self.pct(*f))).collect();
                    let p = if t.kind == TableKind::Themes { format!(" {} |", test(r.test)) } else { String::new() };
                    writeln!(
                        out,
                        "| {} | {} | {} ({}) |{p}",
                        md_escape(&r.label),
                        cells.join(" | "),
                        r.total.count,
                        self.pct(r.total)
                    )?;
                }
            }
        }
        Ok(())
    }

    fn closed(&self, out: &mut dyn Write, c: &ClosedSummary) -> io::Result<()> {
        // The sentence view: options (the nil-merged one including nil) and unrecognised
        // values partition the respondents; so do options, nil and unrecognised in the
        // table. Each view is rounded as a group (largest remainder when asked).
        let mut parts: Vec<(String, Figure, bool)> = c
            .options
            .iter()
            .map(|o| match &c.nil_merged {
                Some((label, merged)) if *label == o.label => (o.label.clone(), *merged, true),
                _ => (o.label.clone(), o.figure, false),
            })
            .collect();
        if c.nil_merged.is_none() {
            parts.push(("(no answer)".to_string(), c.nil, false));
        }
        parts.push(("(unrecognised)".to_string(), c.unrecognised, false));
        let shown = self.rounding.group(&parts.iter().map(|p| p.1).collect::<Vec<_>>());
        let mut order: Vec<usize> = (0..c.options.len()).collect();
        order.sort_by(|&a, &b| parts[b].1.count.cmp(&parts[a].1.count).then_with(|| parts[a].0.cmp(&parts[b].0)));
        let phrase = |i: usize, first: bool| {
            let (label, f, merged) = &parts[i];
            format!(
                "{}{} ({} of {}) answered '{}'{}",
                shown[i],
                if first { " of respondents" } else { "" },
                f.count,
                f.base,
                md_escape(label),
                if *merged { " (including nil responses)" } else { "" }
            )
        };
        if let Some((&first, rest)) = order.split_first() {
            write!(out, "{}", phrase(first, true))?;
            for (k, &p) in rest.iter().enumerate() {
                let sep = if k + 1 == rest.len() { " and " } else { ", " };
                write!(out, "{sep}{}", phrase(p, false))?;
            }
            writeln!(out, ".")?;
        }
        if c.nil.count > 0 && c.nil_merged.is_none() {
            writeln!(out, "{} ({} of {}) gave no answer.", shown[c.options.len()], c.nil.count, c.nil.base)?;
        }
        if c.unrecognised.count > 0 {
            writeln!(
                out,
                "{} ({} of {}) gave an answer that matches none of the options.",
                shown[shown.len() - 1],
                c.unrecognised.count,
                c.unrecognised.base
            )?;
        }
        let n = c.nil.base;
        let answered = c.options.first().map_or(0, |o| o.of_answered.base);
        let mut table: Vec<Figure> = c.options.iter().map(|o| o.figure).collect();
        table.push(c.nil);
        table.push(c.unrecognised);
        let table_shown = self.rounding.group(&table);
        let of_answered = self.rounding.group(&c.options.iter().map(|o| o.of_answered).collect::<Vec<_>>());
        writeln!(out)?;
        writeln!(
            out,
            "| Answer | Respondents | % of all respondents (base {n}) | % of those who answered (base {answered}) |"
        )?;
        writeln!(out, "|---|---:|---:|---:|")?;
        for (i, o) in c.options.iter().enumerate() {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                md_escape(&o.label),
                o.figure.count,
                table_shown[i],
                of_answered[i]
            )?;
        }
        writeln!(out, "| No answer (nil) | {} | {} | |", c.nil.count, table_shown[c.options.len()])?;
        if c.unrecognised.count > 0 {
            writeln!(
                out,
                "| Unrecognised answer | {} | {} | |",
                c.unrecognised.count,
                table_shown[c.options.len() + 1]
            )?;
        }
        if let Some((label, f)) = &c.nil_merged {
            let i = c.options.iter().position(|o| o.label == *label).unwrap_or(0);
            writeln!(out, "| {} (including nil) | {} | {} | |", md_escape(label), f.count, shown[i])?;
        }
        Ok(())
    }

    fn open(&self, out: &mut dyn Write, o: &OpenSummary) -> io::Result<()> {
        let (a, na) = (o.answered, o.not_answered);
        if na.count * 2 >= na.base && na.count > 0 {
            write!(
                out,
                "{} of respondents ({} of {}) did not answer this question. Of the remaining {} ({} respondents)",
                self.pct(na),
                na.count,
                na.base,
                self.pct(a),
                a.count
            )?;
            writeln!(
                out,
                ", {} ({} of {}) raised at least one theme.",
                self.pct(o.coded),
                o.coded.count,
                o.coded.base
            )?;
        } else {
            writeln!(
                out,
                "{} of respondents ({} of {}) answered this question; {} of those ({} of {}) raised at least one theme.",
                self.pct(a),
                a.count,
                a.base,
                self.pct(o.coded),
                o.coded.count,
                o.coded.base
            )?;
        }
        if o.non_answers.count > 0 {
            writeln!(
                out,
                "{} wrote a non-answer (such as 'n/a' or 'see above'), counted as not answering.",
                o.non_answers.count
            )?;
        }
        let raised: Vec<_> = o.themes.iter().filter(|t| t.of_respondents.count > 0).collect();
        if let Some((top, rest)) = raised.split_first() {
            writeln!(out)?;
            writeln!(
                out,
                "The most frequent theme was **{}**: {} respondents, {} of all respondents ({} of those who answered).",
                md_escape(&top.label),
                top.of_respondents.count,
                self.pct(top.of_respondents),
                self.pct(top.of_answered)
            )?;
            if !rest.is_empty() {
                let items: Vec<String> = rest
                    .iter()
                    .map(|t| {
                        format!(
                            "{} ({} respondents, {}; {} of those who answered)",
                            md_escape(&t.label),
                            t.of_respondents.count,
                            self.pct(t.of_respondents),
                            self.pct(t.of_answered)
                        )
                    })
                    .collect();
                writeln!(out, "Other themes raised: {}.", items.join("; "))?;
            }
        }
        if !o.themes.is_empty() {
            writeln!(out)?;
            writeln!(
                out,
                "| Theme | Respondents | % of all respondents (base {}) | 95% CI | % of those who answered (base {}) |",
                a.base, a.count
            )?;
            writeln!(out, "|---|---:|---:|---:|---:|")?;
            for t in &o.themes {
                writeln!(
                    out,
                    "| {} (`{}`) | {} | {} | {} | {} |",
                    md_escape(&t.label),
                    t.id,
                    t.of_respondents.count,
                    self.pct(t.of_respondents),
                    self.ci(t.ci_respondents),
                    self.pct(t.of_answered)
                )?;
            }
        }
        Ok(())
    }
}

impl ReportWriter for MarkdownReport {
    fn file_name(&self) -> &'static str {
        "summary.md"
    }

    fn write(&self, s: &Summary, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "# Summary of responses: {}", md_escape(&s.title))?;
        writeln!(out)?;
        writeln!(
            out,
            "A total of {} responses were coded ({} rows read, {} rejected) with the lexicon `{}`.",
            s.respondents, s.rows.read, s.rows.rejected, s.lexicon
        )?;
        if s.rows.rejected > 0 {
            writeln!(out, "Rejected rows are listed with the reason in `rejects.csv`.")?;
        }
        writeln!(
            out,
            "Percentages of *all respondents* have base {}; percentages of *those who answered* have the number who answered that question as base.",
            s.respondents
        )?;
        if !s.types.is_empty() {
            writeln!(out)?;
            writeln!(out, "## Respondents")?;
            writeln!(out)?;
            writeln!(out, "| Type of respondent | Number of respondents |")?;
            writeln!(out, "|---|---:|")?;
            for t in &s.types {
                writeln!(out, "| {} | {} ({}) |", md_escape(&t.name), t.figure.count, self.pct(t.figure))?;
            }
            writeln!(out, "| Total | {} |", s.respondents)?;
            if let (Some(d), true) = (&s.default_type, s.types_defaulted.count > 0) {
                writeln!(out)?;
                writeln!(
                    out,
                    "{} respondents ({}) did not identify themselves (or gave an unlisted type) and are recorded as '{}'.",
                    s.types_defaulted.count,
                    self.pct(s.types_defaulted),
                    md_escape(d)
                )?;
            }
        }
        for q in &s.questions {
            writeln!(out)?;
            let (id, text) = match q {
                QuestionSummary::Closed(c) => (&c.id, &c.text),
                QuestionSummary::Open(o) => (&o.id, &o.text),
            };
            if text.is_empty() {
                writeln!(out, "## {id}")?;
            } else {
                writeln!(out, "## {id}. {}", md_escape(text))?;
            }
            writeln!(out)?;
            match q {
                QuestionSummary::Closed(c) => self.closed(out, c)?,
                QuestionSummary::Open(o) => self.open(out, o)?,
            }
        }
        self.campaigns(out, s)?;
        self.rollup(out, s)?;
        self.crosstabs(out, s)?;
        Ok(())
    }
}
