//! Keyword in context: every place a term (or a theme's entries) matches, with the
//! words around it, answers analysed exactly as the lexicon sees them, so a stem
//! finds all its variants.

use crate::coding::{self, VetoReason};
use crate::lexicon::compile::{Applies, CompiledLexicon};
use crate::matching::{Hit, Scanner};

/// One occurrence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Respondent id.
    pub respondent: String,
    /// Question id.
    pub question: String,
    /// Words before, as written (line breaks as spaces).
    pub left: String,
    /// The match, as written.
    pub matched: String,
    /// Words after.
    pub right: String,
    /// The entry that matched.
    pub entry: String,
    /// `counted`, or why not: `negated`, `excluded`, `overlapped`, `outranked` (LIWC rule).
    pub status: &'static str,
}

/// Finds occurrences in answers.
pub struct Kwic<'a> {
    lexicon: &'a CompiledLexicon,
    theme: Option<u32>,
    window: usize,
    scanner: Scanner,
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl<'a> Kwic<'a> {
    /// Occurrences of `theme`'s entries in `lexicon` (or of every entry when `None`),
    /// with `window` words of context on each side.
    pub fn new(lexicon: &'a CompiledLexicon, theme: Option<u32>, window: usize) -> Kwic<'a> {
        Kwic { lexicon, theme, window, scanner: Scanner::new() }
    }

    /// The occurrences in one answer, appended to `out`.
    pub fn answer(&mut self, respondent: &str, question: &str, applies: &Applies, text: &str, out: &mut Vec<Line>) {
        self.scanner.scan(self.lexicon, text);
        if self.scanner.hits().is_empty() && self.scanner.blocked().is_empty() {
            return;
        }
        let coding = coding::code(self.lexicon, &self.scanner, applies);
        let tokens = self.scanner.tokens();
        // NOTNEAR occurrences that were blocked are shown too, in position order.
        let mut hits: Vec<&Hit> =
            self.scanner.hits().iter().chain(self.scanner.blocked().iter().map(|(h, _)| h)).collect();
        hits.sort();
        // Each hit's first veto, looked up rather than searched for: a long answer has
        // as many vetoes as hits.
        let mut vetoes: rustc_hash::FxHashMap<Hit, VetoReason> = rustc_hash::FxHashMap::default();
        for v in &coding.vetoes {
            vetoes.entry(v.hit).or_insert(v.reason);
        }
        for hit in hits {
            let entry = &self.lexicon.entries[hit.entry as usize];
            // A theme's occurrences are its own entries' and its subthemes'.
            if self.theme.is_some_and(|t| !self.lexicon.is_within(entry.theme, t)) {
                continue;
            }
            if !applies.entry(entry.theme, hit.entry) {
                continue; // the entry does not count in this question
            }
            let status = if let Some(reason) = vetoes.get(hit) {
                match reason {
                    VetoReason::Negated { .. } => "negated",
                    VetoReason::Excluded { .. } => "excluded",
                    VetoReason::Overlapped { .. } => "overlapped",
                    VetoReason::Outranked { .. } => "outranked",
                    VetoReason::NotAsked => "not asked",
                    VetoReason::BelowThreshold => "below threshold",
                    VetoReason::Blocked { .. } => "blocked",
                }
            } else {
                "counted"
            };
            let first = (hit.start as usize).saturating_sub(self.window);
            let last = (hit.end as usize).saturating_add(self.window).min(tokens.len());
            let left_start = tokens[first].span.start;
            let right_end = tokens[last - 1].span.end;
            out.push(Line {
                respondent: respondent.to_string(),
                question: question.to_string(),
                left: flat(&text[left_start..hit.span.start]),
                matched: flat(&text[hit.span.start..hit.span.end]),
                right: flat(&text[hit.span.end..right_end]),
                entry: entry.text.clone(),
                status,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{Entry, Lexicon, Rule, Theme};

    /// One theme, `cost`, of the entry `cost`.
    fn cost_lexicon() -> CompiledLexicon {
        let mut lex = Lexicon::new("t");
        let mut t = Theme::new("cost");
        t.entries.push(Entry::new(Rule::parse("cost").unwrap()));
        lex.themes.push(t);
        CompiledLexicon::new(&lex).unwrap()
    }

    #[test]
    fn finds_stem_variants_with_context_and_status() {
        let lex = cost_lexicon();
        let mut k = Kwic::new(&lex, None, 2);
        let mut out = Vec::new();
        k.answer("r1", "q1", &lex.applies(None), "The costs of\nan order were high, not costly", &mut out);
        let shown: Vec<(String, String, String, &str)> =
            out.iter().map(|l| (l.left.clone(), l.matched.clone(), l.right.clone(), l.status)).collect();
        assert_eq!(
            shown,
            [
                ("The".to_string(), "costs".to_string(), "of an".to_string(), "counted"),
                ("high, not".to_string(), "costly".to_string(), "".to_string(), "negated"),
            ]
        );
    }

    /// Any window, up to the largest number, is the whole answer at most (one past
    /// `usize::MAX - 1` overflowed and panicked).
    #[test]
    fn a_window_past_the_answer_shows_all_of_it() {
        let lex = cost_lexicon();
        for window in [usize::MAX, usize::MAX - 1, 1000] {
            let mut out = Vec::new();
            Kwic::new(&lex, None, window).answer("r1", "q1", &lex.applies(None), "the cost is high", &mut out);
            let shown: Vec<(&str, &str, &str)> =
                out.iter().map(|l| (l.left.as_str(), l.matched.as_str(), l.right.as_str())).collect();
            assert_eq!(shown, [("the", "cost", "is high")], "window {window}");
        }
    }

    /// A NOTNEAR rule's blocked occurrences are listed, with why they did not count.
    #[test]
    fn shows_notnear_occurrences_that_were_blocked() {
        let mut lex = Lexicon::new("t");
        let mut t = Theme::new("fine");
        t.entries.push(Entry::new(Rule::parse("fine NOTNEAR/2 parking").unwrap()));
        lex.themes.push(t);
        let lex = CompiledLexicon::new(&lex).unwrap();
        let mut k = Kwic::new(&lex, None, 1);
        let mut out = Vec::new();
        k.answer("r1", "q1", &lex.applies(None), "a fine for parking, then a court fine", &mut out);
        let shown: Vec<(&str, &str)> = out.iter().map(|l| (l.matched.as_str(), l.status)).collect();
        assert_eq!(shown, [("fine", "blocked"), ("fine", "counted")]);
    }
}
