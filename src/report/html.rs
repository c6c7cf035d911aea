//! `report.html`: the summary.md content with a bar chart per question, as one
//! self-contained page that opens offline and prints.
//!
//! The page says what summary.md says (the sentences come from [`prose`]), and adds an
//! inline-SVG bar chart per question and for the respondent types, the crosstabs with
//! their tests, theme pairs, and up to [`EXAMPLES_PER_THEME`] example answers per theme
//! with the matched words marked. It loads nothing: the CSS is inline, the charts are
//! SVG, there are no scripts, fonts or images. Output is deterministic (no dates).
//!
//! Answers are hostile input: everything from the data goes through [`html_escape()`],
//! and highlights are cut only at the byte offsets of the matched spans (checked to be
//! character boundaries).
//!
//! [`EXAMPLES_PER_THEME`]: crate::pipeline::EXAMPLES_PER_THEME

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::crosstab::{Crosstab, TableKind};
use super::prose::{self, ClosedRowKind, Markup};
use super::{ClosedSummary, Example, Figure, OpenSummary, QuestionSummary, ReportWriter, Rounding, Summary};

/// `report.html`.
pub struct HtmlReport {
    /// How percentages are shown.
    pub rounding: Rounding,
}

/// HTML's escaping and emphasis, for the shared sentences.
const MARKUP: Markup = Markup { escape: html_escape, strong: |s| format!("<strong>{s}</strong>") };

/// Escapes text for HTML element content and quoted attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Other C0 controls are not allowed in HTML text; a tab or newline is.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A fragment id for a question (`q-` and the id, escaped, without spaces).
fn anchor(prefix: &str, id: &str) -> String {
    format!("{prefix}-{}", html_escape(id).replace(char::is_whitespace, "_"))
}

/// Answers longer than this (in bytes) are shown as excerpts around the marks.
const LONG_ANSWER: usize = 700;
/// Context kept on each side of a mark in an excerpt, in bytes.
const CONTEXT: usize = 200;

/// The answer, escaped, with the byte `spans` marked `<mark>`. Spans that are out of
/// range or not on character boundaries are ignored; overlapping ones are merged. An
/// answer longer than `LONG_ANSWER` bytes is cut to excerpts around the marks.
/// `cut_start`: the answer began before `text` (the run kept a window around its
/// marks), so it starts with "… "; `continues`: the answer goes on past `text`, so it
/// ends with " …", as a cut excerpt does.
pub fn highlight(text: &str, spans: &[(usize, usize)], cut_start: bool, continues: bool) -> String {
    let mut marks: Vec<(usize, usize)> = spans
        .iter()
        .copied()
        .filter(|&(s, e)| s < e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e))
        .collect();
    marks.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(marks.len());
    for (s, e) in marks {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    // The whole answer, or excerpts: windows of context around the marks, merged.
    let mut windows: Vec<(usize, usize)> = Vec::new();
    if text.len() <= LONG_ANSWER {
        windows.push((0, text.len()));
    } else if merged.is_empty() {
        windows.push((0, text.floor_char_boundary(LONG_ANSWER)));
    } else {
        for &(s, e) in &merged {
            // Cut at the first space after the start and the last before the end, so
            // no word is cut in half (unless there is no space in the context).
            let ws = text.floor_char_boundary(s.saturating_sub(CONTEXT));
            let ws = if ws == 0 { 0 } else { text[ws..s].find(' ').map_or(ws, |i| ws + i + 1) };
            let we = text.floor_char_boundary(e + CONTEXT);
            let we = if we == text.len() { we } else { text[e..we].rfind(' ').map_or(we, |i| e + i) };
            match windows.last_mut() {
                Some(last) if ws <= last.1 => last.1 = last.1.max(we),
                _ => windows.push((ws, we)),
            }
        }
    }
    let mut out = String::with_capacity(text.len().min(4 * LONG_ANSWER) + 32);
    for (k, &(ws, we)) in windows.iter().enumerate() {
        if k > 0 || ws > 0 || cut_start {
            out.push_str(if k > 0 { " … " } else { "… " });
        }
        let mut pos = ws;
        for &(s, e) in merged.iter().filter(|&&(s, e)| s >= ws && e <= we) {
            out.push_str(&html_escape(&text[pos..s]));
            out.push_str("<mark>");
            out.push_str(&html_escape(&text[s..e]));
            out.push_str("</mark>");
            pos = e;
        }
        out.push_str(&html_escape(&text[pos..we]));
    }
    if continues || windows.last().is_some_and(|&(_, we)| we < text.len()) {
        out.push_str(" …");
    }
    out
}

/// One bar of a chart.
struct Bar<'a> {
    /// Label, as data.
    label: &'a str,
    /// The data attribute naming the bar (`data-theme`, `data-option`, `data-type`) and its value.
    key: (&'static str, &'a str),
    /// Extra class (`nil`, `unrecognised`), or empty.
    class: &'static str,
    /// Its figure (sized by its percentage).
    figure: Figure,
    /// The percentage as shown in the tables.
    shown: String,
    /// 95% interval, as proportions.
    ci: Option<(f64, f64)>,
}

// Chart geometry (SVG user units): a row per bar, the label above the bar.
const CHART_WIDTH: f64 = 940.0;
const PLOT_WIDTH: f64 = 740.0;
const ROW: f64 = 40.0;
const TOP: f64 = 6.0;
const AXIS: f64 = 22.0;
/// Labels longer than this (in characters) are cut in the chart (the table has them whole).
const LABEL_CHARS: usize = 90;

fn x_of(pct: f64) -> f64 {
    (PLOT_WIDTH * pct.clamp(0.0, 100.0) / 100.0 * 10.0).round() / 10.0
}

/// Writes a horizontal bar chart, bars sized by percentage of all respondents (0-100%).
fn chart(out: &mut dyn Write, id: &str, question: Option<&str>, title: &str, bars: &[Bar]) -> io::Result<()> {
    let height = TOP + ROW * bars.len() as f64 + AXIS;
    let desc: Vec<String> =
        bars.iter().map(|b| format!("{}: {} of {} ({})", b.label, b.figure.count, b.figure.base, b.shown)).collect();
    let data_question = question.map(|q| format!(" data-question=\"{}\"", html_escape(q))).unwrap_or_default();
    writeln!(
        out,
        "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 {CHART_WIDTH} {height}\" \
         width=\"{CHART_WIDTH}\" height=\"{height}\" aria-label=\"{}\" aria-describedby=\"{id}-desc\"{data_question}>",
        html_escape(title)
    )?;
    writeln!(out, "<title id=\"{id}-title\">{}</title>", html_escape(title))?;
    writeln!(out, "<desc id=\"{id}-desc\">{}</desc>", html_escape(&desc.join("; ")))?;
    let axis_y = TOP + ROW * bars.len() as f64;
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let x = x_of(tick);
        writeln!(
            out,
            "<line class=\"grid\" x1=\"{x}\" y1=\"{TOP}\" x2=\"{x}\" y2=\"{axis_y}\"/>\
             <text class=\"tick\" x=\"{x}\" y=\"{}\" text-anchor=\"{}\">{tick}%</text>",
            axis_y + 16.0,
            if tick == 0.0 {
                "start"
            } else if tick == 100.0 {
                "end"
            } else {
                "middle"
            }
        )?;
    }
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let w = x_of(b.figure.pct());
        let label: String = if b.label.chars().count() > LABEL_CHARS {
            format!("{}…", b.label.chars().take(LABEL_CHARS - 1).collect::<String>())
        } else {
            b.label.to_string()
        };
        let class = if b.class.is_empty() { "bar".to_string() } else { format!("bar {}", b.class) };
        writeln!(out, "<g class=\"row\">")?;
        writeln!(out, "<text class=\"label\" x=\"0\" y=\"{}\">{}</text>", y + 13.0, html_escape(&label))?;
        writeln!(
            out,
            "<rect class=\"{class}\" {}=\"{}\" x=\"0\" y=\"{}\" width=\"{w}\" height=\"14\"><title>{}</title></rect>",
            b.key.0,
            html_escape(b.key.1),
            y + 18.0,
            html_escape(&format!("{}: {} of {} ({})", b.label, b.figure.count, b.figure.base, b.shown))
        )?;
        let mut end = w;
        if let Some((lo, hi)) = b.ci {
            let (x1, x2) = (x_of(100.0 * lo), x_of(100.0 * hi));
            writeln!(out, "<line class=\"ci\" x1=\"{x1}\" y1=\"{}\" x2=\"{x2}\" y2=\"{}\"/>", y + 25.0, y + 25.0)?;
            end = end.max(x2);
        }
        writeln!(
            out,
            "<text class=\"value\" x=\"{}\" y=\"{}\">{} ({})</text>",
            end + 6.0,
            y + 30.0,
            b.figure.count,
            html_escape(&b.shown)
        )?;
        writeln!(out, "</g>")?;
    }
    writeln!(out, "</svg></figure>")
}

const CSS: &str = r#"
:root { --ink: #1d2733; --muted: #5b6773; --rule: #d5dbe1; --bar: #2f6690; --nil: #9aa5b1; --odd: #c07a1f; --mark: #ffe27a; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, nav, main, body > footer { max-width: 62rem; margin: 0 auto; padding: 0 1.25rem; }
h1 { font-size: 1.8rem; line-height: 1.25; margin: 2rem 0 1rem; }
h2 { font-size: 1.3rem; line-height: 1.3; margin: 2.5rem 0 .75rem; padding-top: .75rem; border-top: 2px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
h4 { font-size: .95rem; margin: 1rem 0 .25rem; }
p { margin: .5rem 0; }
nav ol { font-size: .9rem; padding-left: 2rem; margin: 1rem 0; }
nav li { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
a { color: var(--bar); }
code { font-size: .9em; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .9rem; font-variant-numeric: tabular-nums; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); font-weight: 600; vertical-align: bottom; }
td:first-child { min-width: 14rem; }
.num { text-align: right; }
td.num { white-space: nowrap; }
tr.total td { font-weight: 600; }
.scroll { overflow-x: auto; }
figure { margin: 1rem 0; }
svg.chart { display: block; width: 100%; max-width: 940px; height: auto; }
svg.chart text { font-size: 13px; fill: var(--ink); }
/* A white halo keeps labels readable over the grid lines. */
svg.chart text.label, svg.chart text.value { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg.chart text.value, svg.chart text.tick { fill: var(--muted); font-variant-numeric: tabular-nums; }
svg.chart text.tick { font-size: 11px; }
.bar { fill: var(--bar); }
.bar.nil { fill: var(--nil); }
.bar.unrecognised { fill: var(--odd); }
.grid { stroke: var(--rule); stroke-width: 1; }
.ci { stroke: var(--ink); stroke-width: 1.5; }
blockquote { margin: .5rem 0 1rem; padding: .5rem 1rem; border-left: 4px solid var(--rule); background: #f6f8fa; }
blockquote p { white-space: pre-line; margin: 0; }
blockquote footer { color: var(--muted); font-size: .85rem; margin-top: .25rem; }
mark { background: var(--mark); color: inherit; padding: 0 .1em; }
.note { color: var(--muted); font-size: .9rem; }
.unreliable { color: var(--muted); }
@media print {
  body { font-size: 10.5pt; }
  nav { display: none; }
  header, main, body > footer { max-width: none; padding: 0; }
  h2, h3, h4 { break-after: avoid; }
  figure, tr, blockquote { break-inside: avoid; }
  .scroll { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

impl HtmlReport {
    fn pct(&self, f: Figure) -> String {
        self.rounding.pct(f)
    }

    fn intro(&self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        writeln!(out, "<header>")?;
        writeln!(out, "<h1>Summary of responses: {}</h1>", html_escape(&s.title))?;
        writeln!(
            out,
            "<p>{} with the lexicon <code>{}</code>.{}</p>",
            super::total_coded(s),
            html_escape(&s.lexicon),
            if s.rows.rejected > 0 {
                " Rejected rows are listed with the reason in <code>rejects.csv</code>."
            } else {
                ""
            }
        )?;
        if let Some(note) = super::html_note(s, |c| format!("<code>{}</code>", html_escape(c))) {
            writeln!(out, "<p>{note}</p>")?;
        }
        writeln!(
            out,
            "<p>Percentages of <em>all respondents</em> have base {}; percentages of <em>those who answered</em> have \
             the number who answered that question as base. {} Bars show percentages of all respondents; the \
             black line on a theme's bar is its 95% confidence interval.</p>",
            s.respondents,
            self.rounding.describe()
        )?;
        if s.uncoded_total > 0 {
            // The workbook's sheet is capped: say what it holds, as its Summary sheet does.
            let listed = if (s.uncoded.len() as u64) < s.uncoded_total {
                format!("the first {} listed", s.uncoded.len())
            } else {
                "listed".to_string()
            };
            writeln!(
                out,
                "<p class=\"note\">Answers that matched no theme: {}, {listed} in the workbook \
                 <code>codeframe.xlsx</code> (sheet <em>Uncoded answers</em>).</p>",
                s.uncoded_total
            )?;
        }
        writeln!(out, "</header>")
    }

    fn contents(&self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        writeln!(out, "<nav aria-label=\"Contents\"><ol>")?;
        if !s.types.is_empty() {
            writeln!(out, "<li><a href=\"#respondents\">Respondents</a></li>")?;
        }
        for q in &s.questions {
            let (id, text) = id_text(q);
            writeln!(out, "<li><a href=\"#{}\">{}</a></li>", anchor("q", id), heading(id, text))?;
        }
        if !s.campaigns.is_empty() || s.campaign_coverage.1 < s.campaign_coverage.0 {
            writeln!(out, "<li><a href=\"#campaigns\">Campaign responses</a></li>")?;
        }
        if !s.any_question.is_empty() {
            writeln!(out, "<li><a href=\"#any-answer\">Themes raised in any answer</a></li>")?;
        }
        for x in &s.crosstabs {
            writeln!(
                out,
                "<li><a href=\"#{}\">By {}</a></li>",
                anchor("by", &x.segment),
                html_escape(&x.segment.replace('_', " "))
            )?;
        }
        writeln!(out, "</ol></nav>")
    }

    fn respondents(&self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        if s.types.is_empty() {
            return Ok(());
        }
        writeln!(out, "<section id=\"respondents\">")?;
        writeln!(out, "<h2>Respondents</h2>")?;
        let figures: Vec<Figure> = s.types.iter().map(|t| t.figure).collect();
        let shown = self.rounding.group(&figures);
        let bars: Vec<Bar> = s
            .types
            .iter()
            .zip(&shown)
            .map(|(t, p)| Bar {
                label: &t.name,
                key: ("data-type", &t.name),
                class: "",
                figure: t.figure,
                shown: p.clone(),
                ci: None,
            })
            .collect();
        chart(out, "chart-respondents", None, "Respondents by type (% of all respondents)", &bars)?;
        writeln!(out, "<table>")?;
        writeln!(
            out,
            "<thead><tr><th scope=\"col\">Type of respondent</th><th scope=\"col\" class=\"num\">Number of respondents</th>\
             <th scope=\"col\" class=\"num\">% of all respondents</th></tr></thead><tbody>"
        )?;
        for (t, p) in s.types.iter().zip(&shown) {
            writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{p}</td></tr>",
                html_escape(&t.name),
                t.figure.count
            )?;
        }
        writeln!(out, "<tr class=\"total\"><td>Total</td><td class=\"num\">{}</td><td></td></tr>", s.respondents)?;
        writeln!(out, "</tbody></table>")?;
        if let Some(sentence) = prose::defaulted_types(s, self.rounding, MARKUP) {
            writeln!(out, "<p>{sentence}</p>")?;
        }
        writeln!(out, "</section>")
    }

    fn closed(&self, out: &mut dyn Write, c: &ClosedSummary) -> io::Result<()> {
        let text = prose::closed(c, self.rounding, MARKUP);
        writeln!(out, "<p>{}</p>", text.sentences.join(" "))?;
        let bars: Vec<Bar> = text
            .rows
            .iter()
            .filter(|r| r.kind != ClosedRowKind::Merged)
            .map(|r| {
                let (key, class) = match r.kind {
                    ClosedRowKind::Nil => ("(nil)", "nil"),
                    ClosedRowKind::Unrecognised => ("(unrecognised)", "unrecognised"),
                    _ => (r.label.as_str(), ""),
                };
                Bar {
                    label: &r.label,
                    key: ("data-option", key),
                    class,
                    figure: r.figure,
                    shown: r.pct.clone(),
                    ci: None,
                }
            })
            .collect();
        chart(out, &anchor("chart", &c.id), Some(&c.id), &format!("{}: answers (% of all respondents)", c.id), &bars)?;
        writeln!(out, "<table>")?;
        writeln!(
            out,
            "<thead><tr><th scope=\"col\">Answer</th><th scope=\"col\" class=\"num\">Respondents</th>\
             <th scope=\"col\" class=\"num\">% of all respondents (base {})</th>\
             <th scope=\"col\" class=\"num\">% of those who answered (base {})</th></tr></thead><tbody>",
            c.nil.base, text.answered
        )?;
        for r in &text.rows {
            let label = match r.kind {
                ClosedRowKind::Merged => format!("{} (including nil)", html_escape(&r.label)),
                _ => html_escape(&r.label),
            };
            writeln!(
                out,
                "<tr><td>{label}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                r.figure.count,
                r.pct,
                r.pct_answered.as_deref().unwrap_or("")
            )?;
        }
        writeln!(out, "</tbody></table>")
    }

    fn open(&self, out: &mut dyn Write, s: &Summary, o: &OpenSummary) -> io::Result<()> {
        for paragraph in prose::open(o, self.rounding, MARKUP) {
            writeln!(out, "<p>{}</p>", paragraph.join(" "))?;
        }
        if o.themes.is_empty() {
            return Ok(());
        }
        let shown: Vec<String> = o.themes.iter().map(|t| self.pct(t.of_respondents)).collect();
        let bars: Vec<Bar> = o
            .themes
            .iter()
            .zip(&shown)
            .map(|(t, p)| Bar {
                label: &t.label,
                key: ("data-theme", &t.id),
                class: "",
                figure: t.of_respondents,
                shown: p.clone(),
                ci: t.ci_respondents,
            })
            .collect();
        chart(out, &anchor("chart", &o.id), Some(&o.id), &format!("{}: themes (% of all respondents)", o.id), &bars)?;
        writeln!(out, "<table>")?;
        writeln!(
            out,
            "<thead><tr><th scope=\"col\">Theme</th><th scope=\"col\" class=\"num\">Respondents</th>\
             <th scope=\"col\" class=\"num\">% of all respondents (base {})</th><th scope=\"col\" class=\"num\">95% CI</th>\
             <th scope=\"col\" class=\"num\">% of those who answered (base {})</th></tr></thead><tbody>",
            o.answered.base, o.answered.count
        )?;
        for (t, p) in o.themes.iter().zip(&shown) {
            writeln!(
                out,
                "<tr><td>{} (<code>{}</code>)</td><td class=\"num\">{}</td><td class=\"num\">{p}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                html_escape(&t.label),
                html_escape(&t.id),
                t.of_respondents.count,
                self.rounding.interval(t.ci_respondents),
                self.pct(t.of_answered)
            )?;
        }
        writeln!(out, "</tbody></table>")?;
        self.pairs(out, s, o)?;
        self.examples(out, s, o)
    }

    fn pairs(&self, out: &mut dyn Write, s: &Summary, o: &OpenSummary) -> io::Result<()> {
        let Some(c) = s.cooccurrence.iter().find(|c| c.question == o.id) else { return Ok(()) };
        // A child theme and its parent always come together (the child's code raises
        // the parent): such a pair tells the reader nothing, so it is left out.
        let pairs: Vec<&super::crosstab::Pair> = c.pairs.iter().filter(|p| !p.nested).collect();
        if pairs.is_empty() {
            return Ok(());
        }
        // Labels found and escaped once per theme, not per pair: n themes make n²/2 pairs.
        let labels: BTreeMap<&str, String> = o.themes.iter().map(|t| (t.id.as_str(), html_escape(&t.label))).collect();
        fn label<'a>(labels: &'a BTreeMap<&str, String>, id: &str) -> std::borrow::Cow<'a, str> {
            labels.get(id).map_or_else(|| html_escape(id).into(), |l| l.as_str().into())
        }
        writeln!(out, "<h3>Themes raised together</h3>")?;
        writeln!(
            out,
            "<p>Answers that raised both themes of a pair, of those who answered ({}).{}</p>",
            o.answered.count,
            if pairs.len() < c.pairs.len() {
                " A theme and its parent theme are left out: the parent is raised with each of its child themes."
            } else {
                ""
            }
        )?;
        writeln!(
            out,
            "<table><thead><tr><th scope=\"col\">Themes</th><th scope=\"col\" class=\"num\">Answers</th>\
             <th scope=\"col\" class=\"num\">% of those who answered</th></tr></thead><tbody>"
        )?;
        for p in pairs {
            writeln!(
                out,
                "<tr><td>{} + {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                label(&labels, &p.a),
                label(&labels, &p.b),
                p.figure.count,
                self.pct(p.figure)
            )?;
        }
        writeln!(out, "</tbody></table>")
    }

    fn examples(&self, out: &mut dyn Write, s: &Summary, o: &OpenSummary) -> io::Result<()> {
        let by_theme: BTreeMap<&str, &[Example]> = s
            .examples
            .iter()
            .filter(|(q, _, list)| *q == o.id && !list.is_empty())
            .map(|(_, t, list)| (t.as_str(), list.as_slice()))
            .collect();
        if by_theme.is_empty() {
            return Ok(());
        }
        writeln!(out, "<h3>Examples</h3>")?;
        writeln!(
            out,
            "<p class=\"note\">The first answers that raised each theme, with the matched words marked.</p>"
        )?;
        for t in &o.themes {
            let Some(list) = by_theme.get(t.id.as_str()) else { continue };
            writeln!(out, "<h4>{}</h4>", html_escape(&t.label))?;
            for e in *list {
                writeln!(
                    out,
                    "<blockquote data-theme=\"{}\"><p>{}</p><footer>Respondent {}</footer></blockquote>",
                    html_escape(&t.id),
                    highlight(&e.text, &e.spans, e.cut_start, e.cut),
                    html_escape(&e.respondent)
                )?;
            }
        }
        Ok(())
    }

    fn campaigns(&self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        let (sketchable, sketched) = s.campaign_coverage;
        if s.campaigns.is_empty() && sketched == sketchable {
            return Ok(());
        }
        writeln!(out, "<section id=\"campaigns\">")?;
        writeln!(out, "<h2>Campaign responses</h2>")?;
        if sketched < sketchable {
            writeln!(
                out,
                "<p>Campaign detection covered the first {sketched} of {sketchable} answers long enough to compare.</p>"
            )?;
        }
        if s.campaigns.is_empty() {
            writeln!(out, "<p>No campaign (identical or near-identical answers) was found.</p>")?;
            return writeln!(out, "</section>");
        }
        writeln!(out, "<ul>")?;
        for c in &s.campaigns {
            writeln!(
                out,
                "<li><strong>{}</strong>: {} respondents sent near-identical answers, first from {}: \
                 “{}{}” (themes: {}). {}</li>",
                html_escape(&c.question),
                c.size,
                html_escape(&c.first_respondent),
                html_escape(&c.excerpt),
                c.excerpt_end("…"),
                if c.themes.is_empty() { "none".to_string() } else { html_escape(&c.themes.join(", ")) },
                c.identical_sentence(&html_escape(&c.first_respondent))
            )?;
        }
        writeln!(out, "</ul>")?;
        writeln!(
            out,
            "<p>Theme figures with each campaign counted as its respondents, and collapsed to one response:</p>"
        )?;
        writeln!(
            out,
            "<table><thead><tr><th scope=\"col\">Question</th><th scope=\"col\">Theme</th>\
             <th scope=\"col\" class=\"num\">As counted</th><th scope=\"col\" class=\"num\">Campaigns collapsed</th></tr></thead><tbody>"
        )?;
        for c in &s.collapsed {
            writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td class=\"num\">{} of {} ({})</td><td class=\"num\">{} of {} ({})</td></tr>",
                html_escape(&c.question),
                html_escape(&c.theme),
                c.counted.count,
                c.counted.base,
                self.pct(c.counted),
                c.collapsed.count,
                c.collapsed.base,
                self.pct(c.collapsed)
            )?;
        }
        writeln!(out, "</tbody></table>")?;
        writeln!(out, "</section>")
    }

    fn rollup(&self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        if s.any_question.is_empty() {
            return Ok(());
        }
        writeln!(out, "<section id=\"any-answer\">")?;
        writeln!(out, "<h2>Themes raised in any answer</h2>")?;
        writeln!(
            out,
            "<p>Respondents who raised each theme in at least one open answer (base {}).</p>",
            s.respondents
        )?;
        writeln!(
            out,
            "<table><thead><tr><th scope=\"col\">Theme</th><th scope=\"col\" class=\"num\">Respondents</th>\
             <th scope=\"col\" class=\"num\">% of all respondents</th></tr></thead><tbody>"
        )?;
        for r in &s.any_question {
            writeln!(
                out,
                "<tr><td>{} (<code>{}</code>)</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                html_escape(&r.label),
                html_escape(&r.id),
                r.figure.count,
                self.pct(r.figure)
            )?;
        }
        writeln!(out, "</tbody></table>")?;
        writeln!(out, "</section>")
    }

    fn crosstab(&self, out: &mut dyn Write, x: &Crosstab) -> io::Result<()> {
        // A p-value cell; `*` (with a tooltip) marks a test with small expected counts.
        let shown = |c: crate::stats::ChiSquare, value: &str| {
            if c.unreliable() {
                format!(
                    "<span class=\"unreliable\" title=\"small expected counts: the test is unreliable\">{}*</span>",
                    html_escape(value)
                )
            } else {
                html_escape(value)
            }
        };
        let test = |c: Option<crate::stats::ChiSquare>| c.map(|c| shown(c, &super::p_value(c.p))).unwrap_or_default();
        writeln!(out, "<section id=\"{}\">", anchor("by", &x.segment))?;
        writeln!(out, "<h2>By {}</h2>", html_escape(&x.segment.replace('_', " ")))?;
        writeln!(
            out,
            "<p>Column percentages: closed answers of the group's respondents, themes of the group's respondents who \
             answered the question. p: chi-square test of independence; * marks a test with small expected counts \
             (unreliable).</p>"
        )?;
        for t in &x.tables {
            let counts = t.heading_counts(&x.respondents);
            let head: String = x
                .groups
                .iter()
                .zip(&counts)
                .map(|(g, n)| format!("<th scope=\"col\" class=\"num\">{}{n}</th>", html_escape(g)))
                .collect();
            let what = match t.kind {
                TableKind::Closed => "answer",
                TableKind::Themes => "theme",
            };
            let p_col = t.tests_rows();
            writeln!(
                out,
                "<h3>{} ({what}s){}</h3>",
                html_escape(&t.question),
                t.test
                    .map(|c| {
                        let v = super::p_value(c.p);
                        let (relation, value) = v.strip_prefix('<').map_or(("=", v.as_str()), |r| ("&lt;", r));
                        format!(", p {relation} {}", shown(c, value))
                    })
                    .unwrap_or_default()
            )?;
            writeln!(out, "<div class=\"scroll\"><table>")?;
            writeln!(
                out,
                "<thead><tr><th scope=\"col\">{what}</th>{head}<th scope=\"col\" class=\"num\">All{}</th>{}</tr></thead><tbody>",
                counts[x.groups.len()],
                if p_col { "<th scope=\"col\" class=\"num\">p</th>" } else { "" }
            )?;
            for (r, shown) in t.rows.iter().zip(t.shown(self.rounding)) {
                let cells: String = r
                    .cells
                    .iter()
                    .zip(&shown.cells)
                    .map(|(f, pct)| format!("<td class=\"num\">{} ({pct})</td>", f.count))
                    .collect();
                writeln!(
                    out,
                    "<tr><td>{}</td>{cells}<td class=\"num\">{} ({})</td>{}</tr>",
                    html_escape(&r.label),
                    r.total.count,
                    shown.total,
                    if p_col { format!("<td class=\"num\">{}</td>", test(r.test)) } else { String::new() }
                )?;
            }
            writeln!(out, "</tbody></table></div>")?;
        }
        writeln!(out, "</section>")
    }
}

fn id_text(q: &QuestionSummary) -> (&str, &str) {
    match q {
        QuestionSummary::Closed(c) => (&c.id, &c.text),
        QuestionSummary::Open(o) => (&o.id, &o.text),
    }
}

/// A question's heading, escaped: `id. text`, or the id alone.
fn heading(id: &str, text: &str) -> String {
    if text.is_empty() { html_escape(id) } else { format!("{}. {}", html_escape(id), html_escape(text)) }
}

impl ReportWriter for HtmlReport {
    fn file_name(&self) -> &'static str {
        "report.html"
    }

    fn write(&self, s: &Summary, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "<!DOCTYPE html>")?;
        writeln!(out, "<html lang=\"en\">")?;
        writeln!(out, "<head>")?;
        writeln!(out, "<meta charset=\"utf-8\">")?;
        writeln!(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")?;
        writeln!(out, "<meta name=\"generator\" content=\"codeframe\">")?;
        writeln!(out, "<title>Summary of responses: {}</title>", html_escape(&s.title))?;
        writeln!(out, "<style>{CSS}</style>")?;
        writeln!(out, "</head>")?;
        writeln!(out, "<body>")?;
        self.intro(out, s)?;
        self.contents(out, s)?;
        writeln!(out, "<main>")?;
        self.respondents(out, s)?;
        for q in &s.questions {
            let (id, text) = id_text(q);
            let kind = if matches!(q, QuestionSummary::Closed(_)) { "closed" } else { "open" };
            writeln!(out, "<section class=\"question {kind}\" id=\"{}\">", anchor("q", id))?;
            writeln!(out, "<h2>{}</h2>", heading(id, text))?;
            match q {
                QuestionSummary::Closed(c) => self.closed(out, c)?,
                QuestionSummary::Open(o) => self.open(out, s, o)?,
            }
            writeln!(out, "</section>")?;
        }
        self.campaigns(out, s)?;
        self.rollup(out, s)?;
        for x in &s.crosstabs {
            self.crosstab(out, x)?;
        }
        writeln!(out, "</main>")?;
        writeln!(
            out,
            "<footer><p class=\"note\">Written by codeframe with the lexicon <code>{}</code>. \
             The same figures are in summary.md, summary.json and the CSV files.</p></footer>",
            html_escape(&s.lexicon)
        )?;
        writeln!(out, "</body>")?;
        writeln!(out, "</html>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tiny_summary;

    fn render(s: &Summary) -> String {
        let mut out = Vec::new();
        HtmlReport { rounding: Rounding::WHOLE }.write(s, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The `data-theme` (or `data-option`) values of the bars in the chart of `question`.
    fn bars(html: &str, question: &str, attr: &str) -> Vec<String> {
        let open = format!("data-question=\"{question}\">");
        let Some(start) = html.find(&open) else { return Vec::new() };
        let svg = &html[start..start + html[start..].find("</svg>").unwrap()];
        svg.split("<rect class=\"bar")
            .skip(1)
            .map(|r| {
                let from = r.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
                r[from..from + r[from..].find('"').unwrap()].to_string()
            })
            .collect()
    }

    /// Issue (t23-1, 3d): "Themes raised together" listed a child theme with its
    /// parent (service + reliability), which come together in every answer by roll-up.
    #[test]
    fn themes_raised_together_leave_out_a_theme_and_its_parent() {
        use crate::report::crosstab::{Cooccurrence, Pair};
        let mut s = tiny_summary();
        let pair = |a: &str, b: &str, n: u64, nested: bool| Pair {
            a: a.into(),
            b: b.into(),
            figure: Figure::new(n, 4),
            nested,
        };
        s.cooccurrence = vec![Cooccurrence {
            question: "why".into(),
            pairs: vec![pair("safety", "dogs", 2, true), pair("dogs", "cafe", 1, false)],
        }];
        let html = render(&s);
        assert!(html.contains("<tr><td>Dogs &lt;off lead&gt; + Café</td>"), "{html}");
        assert!(!html.contains("Safety &amp; lighting + Dogs"), "{html}");
        assert!(html.contains("A theme and its parent theme are left out"));
        // Only nested pairs: no section at all.
        s.cooccurrence[0].pairs.truncate(1);
        assert!(!render(&s).contains("Themes raised together"));
    }

    #[test]
    fn escapes_markup_quotes_and_controls() {
        assert_eq!(html_escape("<a href='x'>\"&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
        assert_eq!(html_escape("line\nnext\ttab\u{0}nul"), "line\nnext\ttab\u{FFFD}nul");
    }

    #[track_caller]
    fn check(text: &str, spans: &[(usize, usize)], want: &str) {
        assert_eq!(highlight(text, spans, false, false), want, "{text:?} {spans:?}");
    }

    #[test]
    fn highlights_only_at_valid_spans() {
        check("too dark", &[(4, 8)], "too <mark>dark</mark>");
        check("<b>dark</b>", &[(3, 7)], "&lt;b&gt;<mark>dark</mark>&lt;/b&gt;");
        // overlapping and touching spans merge; order does not matter
        check("a b c d", &[(4, 5), (0, 3), (2, 5)], "<mark>a b c</mark> d");
        // inside 'é' (bytes 3..5), past the end, empty: ignored
        check("café", &[(4, 5), (3, 9), (2, 2)], "café");
        check("café ok", &[(0, 5)], "<mark>café</mark> ok");
    }

    /// An example the run kept only the start of says so, once.
    #[test]
    fn a_cut_example_ends_with_an_ellipsis() {
        let shown = |text: &str, cut| highlight(text, &[(0, 6)], false, cut);
        assert_eq!(shown("police did", false), "<mark>police</mark> did");
        assert_eq!(shown("police did", true), "<mark>police</mark> did …");
        // a window from inside the answer (its marks lay past the first 8 KiB) says so too
        assert_eq!(highlight("police did", &[(0, 6)], true, false), "… <mark>police</mark> did");
        let long = format!("police {}", "word ".repeat(300));
        let cut = shown(&long, true);
        assert!(cut.ends_with(" …") && !cut.ends_with(" … …"), "{cut}");
    }

    #[test]
    fn long_answers_become_excerpts_around_the_marks() {
        let text = format!("{}dark{}lit{}", "é".repeat(300), "x".repeat(600), "y ".repeat(300));
        let dark = text.find("dark").unwrap();
        let lit = text.find("lit").unwrap();
        let h = highlight(&text, &[(dark, dark + 4), (lit, lit + 3)], false, false);
        assert!(h.starts_with("… "), "{h}");
        assert!(h.ends_with(" …"), "{h}");
        assert_eq!(h.matches(" … ").count(), 1, "two windows: {h}");
        assert!(h.contains("<mark>dark</mark>") && h.contains("<mark>lit</mark>"), "{h}");
        assert!(h.len() < text.len(), "{} of {}", h.len(), text.len());
    }

    /// Found by a tester (qa-D big): the page said all 300 uncoded answers were in the
    /// workbook, whose sheet holds the first 256.
    #[test]
    fn the_uncoded_note_says_what_the_workbook_holds() {
        let mut s = tiny_summary();
        let note = |html: &str| html.lines().find(|l| l.contains("matched no theme")).map(str::to_string);
        assert!(note(&render(&s)).unwrap().contains("matched no theme: 1, listed in the workbook"));
        s.uncoded_total = 300;
        let capped = note(&render(&s)).unwrap();
        assert!(capped.contains("matched no theme: 300, the first 1 listed in the workbook"), "{capped}");
    }

    #[test]
    fn one_bar_per_theme_and_per_option_including_nil() {
        let s = tiny_summary();
        let html = render(&s);
        for q in &s.questions {
            match q {
                QuestionSummary::Open(o) => {
                    let ids: Vec<String> = o.themes.iter().map(|t| t.id.clone()).collect();
                    assert_eq!(bars(&html, &o.id, "data-theme"), ids);
                }
                QuestionSummary::Closed(c) => {
                    let mut want: Vec<String> = c.options.iter().map(|o| o.label.clone()).collect();
                    want.extend(["(nil)".to_string(), "(unrecognised)".to_string()]);
                    assert_eq!(bars(&html, &c.id, "data-option"), want);
                }
            }
        }
        // a bar is a percentage of all respondents of a 740-unit plot: 2 of 6 is a third
        assert!(html.contains("data-theme=\"safety\" x=\"0\" y=\"24\" width=\"246.7\""), "{html}");
        assert!(html.contains("data-theme=\"cafe\" x=\"0\" y=\"104\" width=\"0\""), "{html}");
    }

    #[test]
    fn hostile_answers_are_escaped_and_marked() {
        let html = render(&tiny_summary());
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(
            html.contains(
                "It is &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; too <mark>dark</mark> &amp; &#39;unsafe&#39;"
            ),
            "{html}"
        );
        assert!(html.contains("<footer>Respondent r1&quot;&gt;&lt;b&gt;</footer>"), "{html}");
        assert!(html.contains("<h1>Summary of responses: Parks &amp; &lt;Gardens&gt;</h1>"), "{html}");
    }

    #[test]
    fn charts_are_accessible_and_the_page_loads_nothing() {
        let html = render(&tiny_summary());
        let charts = html.matches("<svg ").count();
        assert_eq!(charts, 3, "respondents, visit, why");
        assert_eq!(html.matches("role=\"img\"").count(), charts);
        assert_eq!(html.matches("aria-label=\"").count(), charts + 1, "and the contents");
        assert_eq!(html.matches("aria-describedby=\"chart-").count(), charts);
        assert_eq!(html.matches("<desc id=").count(), charts);
        assert!(html.contains("<desc id=\"chart-why-desc\">Safety &amp; lighting: 2 of 6 (33%); "), "{html}");
        for outside in ["http:", "https:", "<script", "<link", "@import", "url(", "<img"] {
            let hits: Vec<&str> = html.matches(outside).collect();
            // the SVG namespace is a name, not a request
            let allowed = if outside == "http:" { charts } else { 0 };
            assert_eq!(hits.len(), allowed, "{outside} in the page");
        }
        assert_eq!(html, render(&tiny_summary()), "deterministic");
    }
}
