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
                VetoReason::Overlapped { by } => format!("inside the longer match \"{}\"", quote(text, &by)),
            };
            format!("{} matched \"{}\" but was {why}", entry(lexicon, &v.hit), quote(text, &v.hit))
        })
        .collect()
}
