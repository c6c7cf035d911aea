//! `summary.md`: the report people read, shaped like a published consultation
//! summary: the respondent table, then each question in order with its figures in
//! plain sentences and in a table. Every percentage names its base.

use std::io::{self, Write};

use super::prose::{self, ClosedRowKind, Markup};
use super::{ClosedSummary, Figure, OpenSummary, QuestionSummary, ReportWriter, Rounding, Summary};

/// `summary.md`.
pub struct MarkdownReport {
    /// How percentages are shown.
    pub rounding: Rounding,
}

/// Markdown's escaping and emphasis, for the shared sentences.
const MARKUP: Markup = Markup { escape: md_escape, strong: |s| format!("**{s}**") };

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

/// `s` as an inline code span that stays one cell of a table: a fence of more
/// backticks than any run inside it (padded when `s` starts or ends with one), `|`
/// escaped as GitHub's tables need even in code, line breaks as spaces. An id as
/// plain as `cost_to_victims` comes out as itself between single backticks.
pub fn md_code(s: &str) -> String {
    let text = s.replace(['\n', '\r'], " ").replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A table row of `cells` (each already escaped): `| a | b |`.
fn table_row(cells: &[String]) -> String {
    format!("| {} |", cells.join(" | "))
}

impl MarkdownReport {
    fn pct(&self, f: Figure) -> String {
        self.rounding.pct(f)
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
                "- **{}**: {} respondents sent near-identical answers, first from {}: \"{}{}\" (themes: {}). {}",
                md_escape(&c.question),
                c.size,
                md_escape(&c.first_respondent),
                md_escape(&c.excerpt),
                c.excerpt_end("..."),
                if c.themes.is_empty() {
                    "none".to_string()
                } else {
                    c.themes.iter().map(|t| md_escape(t)).collect::<Vec<_>>().join(", ")
                },
                c.identical_sentence(&md_escape(&c.first_respondent))
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
                "| {} | {} | {} of {} ({}) | {} of {} ({}) |",
                md_escape(&c.question),
                md_code(&c.theme),
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
            writeln!(
                out,
                "| {} ({}) | {} | {} |",
                md_escape(&r.label),
                md_code(&r.id),
                r.figure.count,
                self.pct(r.figure)
            )?;
        }
        Ok(())
    }

    fn crosstabs(&self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        use super::crosstab::TableKind;
        for x in &s.crosstabs {
            writeln!(out)?;
            writeln!(out, "## By {}", md_escape(&x.segment.replace('_', " ")))?;
            writeln!(out)?;
            writeln!(
                out,
                "Column percentages: closed answers of the group's respondents, themes of the group's respondents who answered the question. \
                 p: chi-square test of independence; * marks a test with small expected counts (unreliable)."
            )?;
            for t in &x.tables {
                let counts = t.heading_counts(&x.respondents);
                let head: Vec<String> =
                    x.groups.iter().zip(&counts).map(|(g, n)| format!("{}{n}", md_escape(g))).collect();
                writeln!(out)?;
                let what = if t.kind == TableKind::Closed { "answer" } else { "theme" };
                let test = |c: Option<crate::stats::ChiSquare>| {
                    c.map(|c| format!("{}{}", super::p_value(c.p), if c.unreliable() { "*" } else { "" }))
                        .unwrap_or_default()
                };
                writeln!(
                    out,
                    "**{}** ({what}s){}",
                    md_escape(&t.question),
                    match t.test {
                        Some(_) => format!(", {}", super::p_clause(&test(t.test))),
                        None => String::new(),
                    }
                )?;
                writeln!(out)?;
                // Built as lists of cells, so that a segment with no groups (no rows
                // read) still gives header, separator and rows one width.
                let mut header = vec![what.to_string()];
                header.extend(head);
                header.push(format!("All{}", counts[x.groups.len()]));
                if t.tests_rows() {
                    header.push("p".to_string());
                }
                writeln!(out, "{}", table_row(&header))?;
                writeln!(out, "|---|{}", "---:|".repeat(header.len() - 1))?;
                for (r, shown) in t.rows.iter().zip(t.shown(self.rounding)) {
                    let mut cells = vec![md_escape(&r.label)];
                    cells.extend(r.cells.iter().zip(&shown.cells).map(|(f, pct)| format!("{} ({pct})", f.count)));
                    cells.push(format!("{} ({})", r.total.count, shown.total));
                    if t.tests_rows() {
                        cells.push(test(r.test));
                    }
                    writeln!(out, "{}", table_row(&cells))?;
                }
            }
        }
        Ok(())
    }

    fn closed(&self, out: &mut dyn Write, c: &ClosedSummary) -> io::Result<()> {
        let text = prose::closed(c, self.rounding, MARKUP);
        for s in &text.sentences {
            writeln!(out, "{s}")?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "| Answer | Respondents | % of all respondents (base {}) | % of those who answered (base {}) |",
            c.nil.base, text.answered
        )?;
        writeln!(out, "|---|---:|---:|---:|")?;
        for r in &text.rows {
            let label = match r.kind {
                ClosedRowKind::Merged => format!("{} (including nil)", md_escape(&r.label)),
                _ => md_escape(&r.label),
            };
            match &r.pct_answered {
                Some(a) => writeln!(out, "| {label} | {} | {} | {a} |", r.figure.count, r.pct)?,
                None => writeln!(out, "| {label} | {} | {} | |", r.figure.count, r.pct)?,
            }
        }
        Ok(())
    }

    fn open(&self, out: &mut dyn Write, o: &OpenSummary) -> io::Result<()> {
        for (i, paragraph) in prose::open(o, self.rounding, MARKUP).iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            for s in paragraph {
                writeln!(out, "{s}")?;
            }
        }
        if !o.themes.is_empty() {
            writeln!(out)?;
            writeln!(
                out,
                "| Theme | Respondents | % of all respondents (base {}) | 95% CI | % of those who answered (base {}) |",
                o.answered.base, o.answered.count
            )?;
            writeln!(out, "|---|---:|---:|---:|---:|")?;
            for t in &o.themes {
                writeln!(
                    out,
                    "| {} ({}) | {} | {} | {} | {} |",
                    md_escape(&t.label),
                    md_code(&t.id),
                    t.of_respondents.count,
                    self.pct(t.of_respondents),
                    self.rounding.interval(t.ci_respondents),
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
        writeln!(out, "{} with the lexicon `{}`.", super::total_coded(s), s.lexicon)?;
        if s.rows.rejected > 0 {
            writeln!(out, "Rejected rows are listed with the reason in `rejects.csv`.")?;
        }
        if let Some(note) = super::html_note(s, md_code) {
            writeln!(out, "{note}")?;
        }
        writeln!(
            out,
            "Percentages of *all respondents* have base {}; percentages of *those who answered* have the number who answered that question as base. {}",
            s.respondents,
            self.rounding.describe()
        )?;
        if !s.types.is_empty() {
            writeln!(out)?;
            writeln!(out, "## Respondents")?;
            writeln!(out)?;
            writeln!(out, "| Type of respondent | Number of respondents |")?;
            writeln!(out, "|---|---:|")?;
            let figures: Vec<Figure> = s.types.iter().map(|t| t.figure).collect();
            for (t, shown) in s.types.iter().zip(self.rounding.group(&figures)) {
                writeln!(out, "| {} | {} ({shown}) |", md_escape(&t.name), t.figure.count)?;
            }
            writeln!(out, "| Total | {} |", s.respondents)?;
            if let Some(sentence) = prose::defaulted_types(s, self.rounding, MARKUP) {
                writeln!(out)?;
                writeln!(out, "{sentence}")?;
            }
        }
        for q in &s.questions {
            writeln!(out)?;
            let (id, text) = match q {
                QuestionSummary::Closed(c) => (&c.id, &c.text),
                QuestionSummary::Open(o) => (&o.id, &o.text),
            };
            if text.is_empty() {
                writeln!(out, "## {}", md_escape(id))?;
            } else {
                writeln!(out, "## {}. {}", md_escape(id), md_escape(text))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue (t23-1, 3a): "7 respondents sent near-identical answers (3 identical)"
    /// left "identical" undefined.
    #[test]
    fn a_campaign_says_what_identical_means() {
        let mut s = crate::report::tiny_summary();
        s.campaigns = vec![crate::report::CampaignSummary {
            question: "why".into(),
            size: 7,
            identical: 3,
            first_respondent: "c1".into(),
            excerpt: "We object".into(),
            themes: vec![],
        }];
        let mut out = Vec::new();
        MarkdownReport { rounding: Rounding::WHOLE }.write(&s, &mut out).unwrap();
        let md = String::from_utf8(out).unwrap();
        assert!(
            md.contains(
                "- **why**: 7 respondents sent near-identical answers, first from c1: \"We object\" (themes: none). \
                 3 of the 7, c1 included, wrote exactly the same words (case and punctuation aside); the others \
                 differ a little."
            ),
            "{md}"
        );
        // Theme ids are escaped as the question's are.
        s.campaigns[0].themes = vec!["cost_*x*".into(), "fee".into()];
        let mut out = Vec::new();
        MarkdownReport { rounding: Rounding::WHOLE }.write(&s, &mut out).unwrap();
        let md = String::from_utf8(out).unwrap();
        assert!(md.contains("(themes: cost\\_\\*x\\*, fee)"), "{md}");
    }

    /// Found by a tester (qa-spec): summary.md never said how it rounds, though a
    /// question's percentages could add up to 101%, and `--largest-remainder` left the
    /// respondent types (a partition of the respondents too) at 33%, 33%, 33%.
    #[test]
    fn the_rounding_is_stated_and_largest_remainder_covers_the_types() {
        let mut s = crate::report::tiny_summary();
        s.types = ["A", "B", "C"]
            .iter()
            .map(|n| crate::report::TypeRow { name: (*n).into(), figure: Figure::new(2, 6) })
            .collect();
        assert!(render(&s).contains("halves up, each on its own, so a question's may add up to a little more or less"));
        assert!(render(&s).contains("| A | 2 (33%) |\n| B | 2 (33%) |\n| C | 2 (33%) |"));
        let mut out = Vec::new();
        let rounding = Rounding { decimals: 0, largest_remainder: true };
        MarkdownReport { rounding }.write(&s, &mut out).unwrap();
        let md = String::from_utf8(out).unwrap();
        assert!(md.contains("| A | 2 (34%) |\n| B | 2 (33%) |\n| C | 2 (33%) |"), "{md}");
        assert!(
            md.contains("Percentages are rounded to whole numbers: a closed question's answers, the respondent types")
        );
    }

    /// `s` as summary.md.
    fn render(s: &crate::report::Summary) -> String {
        let mut out = Vec::new();
        MarkdownReport { rounding: Rounding::WHOLE }.write(s, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The cells of a table line: its `|` not escaped with `\`, less the outer two.
    fn cell_count(line: &str) -> usize {
        let bytes = line.as_bytes();
        let pipes = (0..bytes.len()).filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\')).count();
        pipes - 1
    }

    /// Found by a tester (qa-D h4): question and segment ids went into headings and
    /// bold text as written, so `c*1*|x` was emphasis and `<b>` markup.
    #[test]
    fn question_and_segment_ids_are_escaped() {
        use crate::report::crosstab::{Crosstab, CrosstabTable, TableKind};
        let mut s = crate::report::tiny_summary();
        let (hostile, shown) = ("c*1*|<b>x</b>", "c\\*1\\*\\|\\<b\\>x\\</b\\>");
        if let QuestionSummary::Closed(c) = &mut s.questions[0] {
            c.id = hostile.into();
            c.text = String::new();
        }
        if let QuestionSummary::Open(o) = &mut s.questions[1] {
            o.id = hostile.into();
        }
        let table = CrosstabTable {
            question: hostile.into(),
            kind: TableKind::Themes,
            rows: Vec::new(),
            test: None,
            partition: false,
        };
        s.crosstabs = vec![Crosstab {
            segment: "Region <i>|*x*".into(),
            groups: vec![],
            respondents: vec![],
            tables: vec![table],
        }];
        let md = render(&s);
        assert!(md.contains(&format!("\n## {shown}\n")), "{md}");
        assert!(md.contains(&format!("\n## {shown}. Why?\n")), "{md}");
        assert!(md.contains("\n## By Region \\<i\\>\\|\\*x\\*\n"), "{md}");
        assert!(md.contains(&format!("\n**{shown}** (themes)\n")), "{md}");
        assert!(!md.contains(hostile), "{md}");
    }

    /// Found by a tester (qa-D e0): a segment with no groups (no rows read) wrote a
    /// header of three cells over a separator of two.
    #[test]
    fn a_crosstab_without_groups_keeps_one_width() {
        use crate::report::Figure;
        use crate::report::crosstab::{Crosstab, CrosstabRow, CrosstabTable, TableKind};
        let row = |label: &str| CrosstabRow {
            item: label.into(),
            label: label.into(),
            cells: Vec::new(),
            total: Figure::new(0, 0),
            test: None,
        };
        let table = |kind| CrosstabTable {
            question: "q".into(),
            kind,
            rows: vec![row("Yes"), row("No")],
            test: None,
            partition: kind == TableKind::Closed,
        };
        let mut s = crate::report::tiny_summary();
        s.crosstabs = vec![Crosstab {
            segment: "seg".into(),
            groups: Vec::new(),
            respondents: Vec::new(),
            tables: vec![table(TableKind::Closed), table(TableKind::Themes)],
        }];
        let md = render(&s);
        let tables: Vec<&str> = md.split("\n**q**").skip(1).collect();
        assert_eq!(tables.len(), 2, "{md}");
        for (t, width) in tables.iter().zip([2, 3]) {
            let lines: Vec<&str> = t.lines().filter(|l| l.starts_with('|')).collect();
            assert_eq!(lines.len(), 4, "{t}");
            assert!(lines.iter().all(|l| cell_count(l) == width), "{width} cells: {t}");
            assert!(
                lines[0].starts_with("| answer | All (n=0) |") || lines[0].starts_with("| theme | All (n=0) | p |")
            );
        }
    }

    #[test]
    fn code_spans_stay_one_table_cell() {
        assert_eq!(md_code("cost_to_victims"), "`cost_to_victims`");
        assert_eq!(md_code("p`|q"), "``p`\\|q``");
        assert_eq!(md_code("`a``\nb"), "``` `a`` b ```");
    }
}
