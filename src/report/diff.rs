//! Diff reports: diff.csv (every gained or lost code with its entry and answer) and
//! diff.md (how each theme moved, then the changes).

use std::io::{self, Write};

use super::{Figure, Rounding};
use crate::diff::{Change, Changed, Movement};

/// How far a figure moved, `before` to `after`, as the two percentages are shown:
/// `+5 points`, `-4.6 points` (one decimal), or `under 1 point` where both show the
/// same figure (which `-0 points` would say went the other way, or nowhere). 19.2% to
/// 15.4% says `-4 points`, as a reader of `19%` and `15%` works out, not `-3`.
fn points_moved(before: f64, after: f64, r: Rounding) -> String {
    let d = r.decimals as i32;
    let points = super::round_half_up(after, d) - super::round_half_up(before, d);
    let shown = super::round_half_up(points.abs(), d);
    if shown == 0.0 {
        return if d == 0 { "under 1 point".into() } else { format!("under {:.*} points", d as usize, 0.1f64.powi(d)) };
    }
    let sign = if points < 0.0 { '-' } else { '+' };
    let unit = if shown == 1.0 && d == 0 { "point" } else { "points" };
    format!("{sign}{shown:.0$} {unit}", d as usize)
}

/// Words with `code` spans (as report/evidence.rs writes them) as Markdown: the spans
/// as code, the rest escaped.
fn md_words(s: &str) -> String {
    use super::markdown::{md_code, md_escape};
    s.split('`').enumerate().map(|(i, part)| if i % 2 == 1 { md_code(part) } else { md_escape(part) }).collect()
}

fn kind(c: Change) -> &'static str {
    match c {
        Change::Gained => "gained",
        Change::Lost => "lost",
    }
}

/// Writes diff.csv; `answer` looks up the current text of (respondent, question). The
/// entry, its line and what it matched are the one that fired (before, for a loss);
/// the reason is why the code changed.
pub fn write_csv(changes: &[Changed], answer: &dyn Fn(&str, &str) -> String, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let e = io::Error::other;
    w.write_record(["respondent_id", "question", "theme", "change", "entry", "line", "matched", "reason", "answer"])
        .map_err(e)?;
    for c in changes {
        let (r, q, t) = &c.key;
        let ev = &c.evidence;
        let line = ev.line.map(|l| l.to_string()).unwrap_or_default();
        w.write_record([r, q, t, kind(c.change), &ev.entry, &line, &ev.matched, &c.reason, &answer(r, q)])
            .map_err(e)?;
    }
    w.flush()
}

/// Writes diff.md; a `warning` (the previous run coded other responses) comes first.
/// `present` says whether a respondent is in the data now: a code lost with its
/// respondent is said to be. Percentages and the points they moved are shown with
/// `rounding`'s decimals, as run's reports show them.
pub fn write_markdown(
    movements: &[Movement],
    changes: &[Changed],
    warning: Option<&str>,
    present: &dyn Fn(&str) -> bool,
    rounding: Rounding,
    out: &mut dyn Write,
) -> io::Result<()> {
    use super::markdown::{md_code, md_escape};
    let r = rounding;
    let gained = changes.iter().filter(|c| c.change == Change::Gained).count();
    writeln!(out, "# What changed")?;
    writeln!(out)?;
    if let Some(w) = warning {
        writeln!(out, "> **Warning:** {w}.")?;
        writeln!(out)?;
    }
    writeln!(out, "{} codes gained and {} lost.", gained, changes.len() - gained)?;
    writeln!(out)?;
    writeln!(out, "| Question | Theme | Before | After | Change |")?;
    writeln!(out, "|---|---|---:|---:|---:|")?;
    let show = |f: Option<Figure>| f.map_or("-".to_string(), |f| format!("{} of {} ({})", f.count, f.base, r.pct(f)));
    for m in movements {
        let delta = match (m.before, m.after) {
            (Some(b), Some(a)) if b.count != a.count || b.base != a.base => {
                let points = points_moved(b.pct(), a.pct(), r);
                format!("{:+} ({points})", a.count as i64 - b.count as i64)
            }
            (Some(_), Some(_)) => "".to_string(),
            (None, Some(_)) => "new theme".to_string(),
            (Some(_), None) => "theme removed".to_string(),
            (None, None) => String::new(),
        };
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            md_escape(&m.question),
            md_code(&m.theme),
            show(m.before),
            show(m.after),
            delta
        )?;
    }
    if !changes.is_empty() {
        writeln!(out)?;
        writeln!(out, "## Changes")?;
        writeln!(out)?;
        for c in changes {
            let (resp, q, t) = &c.key;
            let why = if present(resp) {
                md_words(&c.reason)
            } else {
                format!("the respondent is no longer in the data (before, {})", md_words(&c.evidence.words()))
            };
            writeln!(out, "- {} {} {} by {}: {why}", md_escape(q), md_code(t), kind(c.change), md_escape(resp))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_moved_are_rounded_as_the_percentages_are() {
        let one = Rounding::ONE_DECIMAL;
        let whole = Rounding::WHOLE;
        assert_eq!(points_moved(20.0, 25.0, one), "+5.0 points");
        assert_eq!(points_moved(30.0, 25.4167, one), "-4.6 points");
        assert_eq!(points_moved(30.0, 29.96, one), "under 0.1 points");
        assert_eq!(points_moved(30.0, 25.4167, whole), "-5 points");
        assert_eq!(points_moved(10.0, 11.2, whole), "+1 point");
        assert_eq!(points_moved(10.0, 9.6, whole), "under 1 point");
        // 112 of 600 (18.67%, shown 19%) to 92 of 600 (15.33%, 15%): -4, as shown.
        assert_eq!(points_moved(100.0 * 112.0 / 600.0, 100.0 * 92.0 / 600.0, whole), "-4 points");
        assert_eq!(points_moved(100.0 * 112.0 / 600.0, 100.0 * 92.0 / 600.0, one), "-3.4 points");
    }
}
