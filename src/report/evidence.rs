//! Evidence in words: why an answer got a theme, or why a match did not count.

use crate::coding::{Coding, VetoReason};
use crate::lexicon::CompiledLexicon;
use crate::lexicon::compile::ThemeIdx;
use crate::matching::Hit;

fn quote<'a>(text: &'a str, hit: &Hit) -> &'a str {
    text.get(hit.span.start..hit.span.end).unwrap_or("")
}

fn entry(lexicon: &CompiledLexicon, hit: &Hit) -> String {
    let e = &lexicon.entries[hit.entry as usize];
    match e.line {
        Some(l) => format!("`{}` (line {l})", e.text),
        None => format!("`{}`", e.text),
    }
}

/// One line per hit of `theme`: which entry matched what, where.
pub fn hits(lexicon: &CompiledLexicon, text: &str, coding: &Coding, theme: ThemeIdx) -> Vec<String> {
    let Some(code) = coding.codes.iter().find(|c| c.theme == theme) else { return Vec::new() };
    let mut out: Vec<String> = code
        .hits
        .iter()
        .map(|h| format!("{} matched \"{}\" at {}-{}", entry(lexicon, h), quote(text, h), h.span.start, h.span.end))
        .collect();
    if let Some(child) = code.via {
        out.insert(0, format!("via child theme `{}`", lexicon.themes[child as usize].id));
    }
    out
}

/// One line per vetoed hit of `theme`: what matched and why it did not count.
pub fn vetoes(lexicon: &CompiledLexicon, text: &str, coding: &Coding, theme: ThemeIdx) -> Vec<String> {
    coding
        .vetoes
        .iter()
        .filter(|v| v.theme == theme)
        .map(|v| {
            let why = match v.reason {
                VetoReason::Negated { span, .. } => {
                    format!("negated by \"{}\"", text.get(span.start..span.end).unwrap_or(""))
                }
                VetoReason::Excluded { by } => format!("excluded by {}", entry(lexicon, &by)),
                // Two entries on the same words (`which form`, `which forms` stem alike):
                // one counts them, and it is no longer than the other.
                VetoReason::Overlapped { by } if (by.start, by.end) == (v.hit.start, v.hit.end) => {
                    format!("left to {}, which matched the same words", entry(lexicon, &by))
                }
                VetoReason::Overlapped { by } => {
                    let by_text = quote(text, &by);
                    if by.len() <= v.hit.len() {
                        // As long: the leftmost counts, then the entry listed first.
                        let why = if by.start < v.hit.start { "further left" } else { "listed earlier" };
                        format!("overlapped by \"{by_text}\", as long and {why}")
                    } else if by.start <= v.hit.start && v.hit.end <= by.end {
                        format!("inside the longer match \"{by_text}\"")
                    } else {
                        format!("overlapped by the longer match \"{by_text}\"")
                    }
                }
                VetoReason::NotAsked => {
                    let theme = &lexicon.themes[v.theme as usize].questions;
                    let own = &lexicon.entries[v.hit.entry as usize].questions;
                    let kept = match (theme.is_empty(), own.is_empty()) {
                        (false, true) => format!("the theme counts in {} only", theme.join(", ")),
                        (true, false) => format!("the entry counts in {} only", own.join(", ")),
                        _ => format!("the theme counts in {}, the entry in {}", theme.join(", "), own.join(", ")),
                    };
                    format!("not counted in this question: {kept}")
                }
                VetoReason::BelowThreshold => {
                    let of_theme: Vec<crate::matching::Hit> = coding
                        .vetoes
                        .iter()
                        .filter(|x| x.theme == v.theme && x.reason == v.reason)
                        .map(|x| x.hit)
                        .collect();
                    format!(
                        "below the theme's threshold: its matches weigh {} of {}",
                        crate::coding::weight(lexicon, &of_theme),
                        lexicon.themes[v.theme as usize].options.threshold
                    )
                }
                VetoReason::Blocked { by } => {
                    let rule = match lexicon.entries[v.hit.entry as usize].kind {
                        crate::lexicon::compile::EntryKind::NotNear { window } => format!("NOTNEAR/{window}"),
                        _ => "NOTNEAR".to_string(),
                    };
                    format!("blocked by \"{}\" nearby ({rule})", quote(text, &by))
                }
                VetoReason::Outranked { by } => {
                    format!(
                        "outranked by {} on \"{}\" (LIWC counts one entry per word)",
                        entry(lexicon, &by),
                        quote(text, &by)
                    )
                }
            };
            format!("{} matched \"{}\" but was {why}", entry(lexicon, &v.hit), quote(text, &v.hit))
        })
        .collect()
}

/// A full account of how `text` was analysed and coded: tokens with their normalised
/// forms and stems, every match with its entry, what was vetoed and why, the codes.
pub fn explain_text(
    lexicon: &CompiledLexicon,
    scanner: &crate::matching::Scanner,
    coding: &Coding,
    text: &str,
) -> String {
    use crate::text::TermFlags;
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "tokens (word / normalised / stem, sentence.clause):");
    for (i, tok) in scanner.tokens().iter().enumerate() {
        let term = scanner.term(tok);
        let mut flags = String::new();
        if term.flags.contains(TermFlags::NEGATOR) {
            flags.push_str(" negator");
        }
        if term.flags.contains(TermFlags::CLAUSE_WORD) {
            flags.push_str(" clause-word");
        }
        if term.flags.contains(TermFlags::PSEUDO_NEGATION) {
            flags.push_str(" pseudo-negation");
        }
        if term.flags.contains(TermFlags::NEGATIVE_PARTICLE) {
            flags.push_str(" negative-particle");
        }
        // Negates only with a negative particle (`ne ... plus`, `personne ne`): say
        // whether one is there.
        if term.flags.contains(TermFlags::PARTICLE_NEGATOR) {
            use crate::coding::Particle;
            flags.push_str(match crate::coding::particle_of(scanner.tokens(), i) {
                Some(Particle::NegatorAfter) => " particle-negator(after-particle)",
                Some(Particle::NegatorBefore) => " particle-negator(before-particle)",
                None => " particle-negator",
            });
        }
        let word = &text[tok.span.start..tok.span.end];
        // A lexicon with no stem entries is matched without stemming; the stem is
        // still shown.
        let stem =
            if lexicon.matches_stems() { term.stem.to_string() } else { lexicon.analyzer().term(word).stem.into() };
        let _ = writeln!(
            out,
            "  {i:>3} {:<16} {:<16} {:<14} {}.{}{flags}",
            word, term.norm, stem, tok.sentence, tok.clause
        );
    }
    let _ = writeln!(out, "matches:");
    if scanner.hits().is_empty() && scanner.exclusions().is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for h in scanner.hits() {
        let theme = &lexicon.themes[h.theme as usize].id;
        let _ = writeln!(
            out,
            "  {theme}: {} matched \"{}\" at {}-{}",
            entry(lexicon, h),
            quote(text, h),
            h.span.start,
            h.span.end
        );
    }
    for h in scanner.exclusions() {
        let theme = &lexicon.themes[h.theme as usize].id;
        let _ = writeln!(out, "  {theme}: exclusion {} matched \"{}\"", entry(lexicon, h), quote(text, h));
    }
    let vetoed: Vec<String> = (0..lexicon.themes.len() as ThemeIdx)
        .flat_map(|t| vetoes(lexicon, text, coding, t).into_iter().map(move |v| (t, v)))
        .map(|(t, v)| format!("  {}: {v}", lexicon.themes[t as usize].id))
        .collect();
    if !vetoed.is_empty() {
        let _ = writeln!(out, "vetoed:");
        for v in vetoed {
            let _ = writeln!(out, "{v}");
        }
    }
    let _ = writeln!(out, "themes:");
    if coding.codes.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for c in &coding.codes {
        let t = &lexicon.themes[c.theme as usize];
        let _ = writeln!(out, "  {} ({}): {}", t.id, t.label, hits(lexicon, text, coding, c.theme).join("; "));
    }
    out
}

/// The answer with each counted match marked `[text]{n}`, and a legend line per mark.
pub fn marked(lexicon: &CompiledLexicon, text: &str, coding: &Coding) -> (String, Vec<String>) {
    let mut marks: Vec<(Hit, ThemeIdx)> = coding
        .codes
        .iter()
        .filter(|c| c.via.is_none())
        .flat_map(|c| c.hits.iter().map(move |h| (*h, c.theme)))
        .collect();
    marks.sort_by_key(|(h, t)| (h.span.start, std::cmp::Reverse(h.span.end), *t));
    let mut out = String::new();
    let mut legend = Vec::new();
    let mut pos = 0;
    for (n, (h, theme)) in marks.iter().enumerate() {
        if h.span.start < pos {
            // overlaps an earlier mark (another theme on the same words): legend only
            legend.push(format!(
                "  [{}] (overlapping) {} <- {}",
                n + 1,
                lexicon.themes[*theme as usize].id,
                entry(lexicon, h)
            ));
            continue;
        }
        out.push_str(&text[pos..h.span.start]);
        out.push('[');
        out.push_str(&text[h.span.start..h.span.end]);
        out.push_str(&format!("]{{{}}}", n + 1));
        pos = h.span.end;
        legend.push(format!("  [{}] {} <- {}", n + 1, lexicon.themes[*theme as usize].id, entry(lexicon, h)));
    }
    out.push_str(&text[pos..]);
    (out, legend)
}
