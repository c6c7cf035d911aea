//! Diff reports: diff.csv (every gained or lost code with its entry and answer) and
//! diff.md (how each theme moved, then the changes).

use std::io::{self, Write};

use super::{Figure, Rounding};
use crate::diff::{Change, Changed, Movement};

fn kind(c: Change) -> &'static str {
    match c {
        Change::Gained => "gained",
        Change::Lost => "lost",
    }
}

/// Writes diff.csv; `answer` looks up the current text of (respondent, question).
pub fn write_csv(changes: &[Changed], answer: &dyn Fn(&str, &str) -> String, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let e = io::Error::other;
    w.write_record(["respondent_id", "question", "theme", "change", "entry", "matched", "answer"]).map_err(e)?;
    for c in changes {
        let (r, q, t) = &c.key;
        w.write_record([r, q, t, kind(c.change), &c.evidence.entry, &c.evidence.matched, &answer(r, q)]).map_err(e)?;
    }
    w.flush()
}

/// Writes diff.md; a `warning` (the previous run coded other responses) comes first.
/// `present` says whether a respondent is in the data now: a code lost with its
/// respondent is said to be.
pub fn write_markdown(
    movements: &[Movement],
    changes: &[Changed],
    warning: Option<&str>,
    present: &dyn Fn(&str) -> bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    use super::markdown::{md_code, md_escape};
    let r = Rounding::ONE_DECIMAL;
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
                let points = a.pct() - b.pct();
                let points = if points.abs() < 0.05 {
                    // `-0.0 points` would say it moved the other way, or not at all.
                    "under 0.1 points".to_string()
                } else {
                    format!("{points:+.1} points")
                };
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
            let why = format!("entry {} matched \"{}\"", md_code(&c.evidence.entry), md_escape(&c.evidence.matched));
            let why =
                if present(resp) { why } else { format!("the respondent is no longer in the data (before, {why})") };
            writeln!(out, "- {} {} {} by {}: {why}", md_escape(q), md_code(t), kind(c.change), md_escape(resp))?;
        }
    }
    Ok(())
}
