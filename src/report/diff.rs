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
pub fn write_markdown(
    movements: &[Movement],
    changes: &[Changed],
    warning: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
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
                format!("{:+} ({:+.1} points)", a.count as i64 - b.count as i64, a.pct() - b.pct())
            }
            (Some(_), Some(_)) => "".to_string(),
            (None, Some(_)) => "new theme".to_string(),
            (Some(_), None) => "theme removed".to_string(),
            (None, None) => String::new(),
        };
        writeln!(out, "| {} | `{}` | {} | {} | {} |", m.question, m.theme, show(m.before), show(m.after), delta)?;
    }
    if !changes.is_empty() {
        writeln!(out)?;
        writeln!(out, "## Changes")?;
        writeln!(out)?;
        for c in changes {
            let (resp, q, t) = &c.key;
            writeln!(
                out,
                "- {q} `{t}` {} by {resp}: entry `{}` matched \"{}\"",
                kind(c.change),
                c.evidence.entry,
                super::markdown::md_escape(&c.evidence.matched)
            )?;
        }
    }
    Ok(())
}
