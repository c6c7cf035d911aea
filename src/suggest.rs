//! Growing a lexicon: words and two- or three-word phrases over-represented in a set
//! of answers (the ones a theme misses, or the ones no theme matches) compared with
//! the rest, ranked by log-likelihood keyness (G2).
//!
//! Words and phrases are counted as the lexicon's analyser sees them (normalised), a
//! phrase never crosses a clause boundary, and words the lexicon already matches for
//! the theme in question are left out, so what remains is what the lexicon misses.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::lexicon::compile::CompiledLexicon;
use crate::matching::Scanner;
use crate::stats;

/// A suggested word or phrase.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    /// The word or phrase (normalised).
    pub term: String,
    /// Keyness (positive: over-represented in the target).
    pub g2: f64,
    /// Occurrences in the target answers.
    pub target: u64,
    /// Target answers containing it.
    pub target_answers: u64,
    /// Occurrences in the reference answers.
    pub reference: u64,
}

#[derive(Default)]
struct Counts {
    grams: FxHashMap<String, (u64, u64)>,
    total: u64,
}

/// Counts n-grams (1 to 3 words) of answers, skipping words matched by `theme`.
pub struct Counter<'a> {
    lexicon: &'a CompiledLexicon,
    theme: Option<u32>,
    scanner: Scanner,
    target: Counts,
    reference: Counts,
    /// The lexicon language's stop words, normalised as the answers' words are: too
    /// common to suggest on their own, and never at the edge of a phrase.
    stop_words: FxHashSet<String>,
}

impl<'a> Counter<'a> {
    /// A counter; words matched by `theme`'s entries (if given) are not counted.
    pub fn new(lexicon: &'a CompiledLexicon, theme: Option<u32>) -> Counter<'a> {
        let analyzer = lexicon.analyzer();
        let stop_words = analyzer.options().language.stop_words().iter().map(|w| analyzer.norm(w)).collect();
        Counter {
            lexicon,
            theme,
            scanner: Scanner::new(),
            target: Counts::default(),
            reference: Counts::default(),
            stop_words,
        }
    }

    /// Counts one answer into the target or the reference set.
    pub fn add(&mut self, text: &str, target: bool) {
        self.scanner.scan(self.lexicon, text);
        let tokens = self.scanner.tokens();
        let mut matched = vec![false; tokens.len()];
        if let Some(theme) = self.theme {
            // Marked once per word: hits of a rule can span much of an answer each.
            let mut marked_to = 0;
            let mut hits: Vec<&crate::matching::Hit> =
                self.scanner.hits().iter().filter(|h| h.theme == theme).collect();
            hits.sort_unstable_by_key(|h| h.start);
            for h in hits {
                let from = (h.start as usize).max(marked_to);
                if from < h.end as usize {
                    matched[from..h.end as usize].iter_mut().for_each(|m| *m = true);
                    marked_to = h.end as usize;
                }
            }
        }
        let words: Vec<&str> = tokens.iter().map(|t| self.scanner.term(t).norm).collect();
        let stop_words = &self.stop_words;
        let is_stop = |w: &str| stop_words.contains(w) || w.chars().all(|c| !c.is_alphabetic());
        let counts = if target { &mut self.target } else { &mut self.reference };
        counts.total += words.len() as u64;
        // The answer's distinct grams, each counted once as an answer (a list searched per
        // gram was quadratic in a long answer's distinct grams).
        let mut seen: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
        for i in 0..words.len() {
            for n in 1..=3 {
                let j = i + n;
                if j > words.len() || tokens[j - 1].clause != tokens[i].clause {
                    break;
                }
                if matched[i..j].iter().any(|&m| m) {
                    break;
                }
                if is_stop(words[i]) || is_stop(words[j - 1]) {
                    continue;
                }
                let gram = words[i..j].join(" ");
                let e = counts.grams.entry(gram.clone()).or_default();
                e.0 += 1;
                if seen.insert(gram) {
                    e.1 += 1;
                }
            }
        }
    }

    /// The `top` words and phrases most over-represented in the target, occurring in
    /// at least `min_answers` target answers.
    pub fn suggestions(&self, min_answers: u64, top: usize) -> Vec<Suggestion> {
        let mut out: Vec<Suggestion> = self
            .target
            .grams
            .iter()
            .filter(|(_, (_, docs))| *docs >= min_answers)
            .map(|(term, &(a, docs))| {
                let b = self.reference.grams.get(term).map_or(0, |r| r.0);
                Suggestion {
                    term: term.clone(),
                    g2: stats::log_likelihood(a, b, self.target.total, self.reference.total),
                    target: a,
                    target_answers: docs,
                    reference: b,
                }
            })
            .filter(|s| s.g2 > 0.0)
            .collect();
        // Ties favour the longer phrase: it is the more specific suggestion.
        let words = |s: &Suggestion| s.term.split(' ').count();
        out.sort_by(|x, y| y.g2.total_cmp(&x.g2).then(words(y).cmp(&words(x))).then_with(|| x.term.cmp(&y.term)));
        // Where entries are stemmed (the theme's, or a new theme's by default), a word
        // or phrase of a kept one's stems is matched by the same entry (`arrived`
        // beside `arrive`): pasted in, it would be a duplicate entry.
        let stemmed = self.theme.is_none_or(|t| self.lexicon.themes[t as usize].options.stem);
        let analyzer = self.lexicon.analyzer();
        let stems = |term: &str| -> Vec<String> {
            if stemmed { term.split(' ').map(|w| analyzer.term(w).stem.into_string()).collect() } else { Vec::new() }
        };
        // A word or phrase inside a kept phrase that occurs in as many answers adds nothing.
        let mut kept: Vec<Suggestion> = Vec::new();
        let mut kept_stems: Vec<Vec<String>> = Vec::new();
        for s in out {
            let redundant = kept.iter().any(|k| {
                k.target_answers >= s.target_answers && format!(" {} ", k.term).contains(&format!(" {} ", s.term))
            });
            let s_stems = stems(&s.term);
            if !redundant && (s_stems.is_empty() || !kept_stems.contains(&s_stems)) {
                kept.push(s);
                kept_stems.push(s_stems);
            }
            if kept.len() == top {
                break;
            }
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{Entry, Lexicon, Rule, Theme};

    fn lexicon() -> CompiledLexicon {
        let mut lex = Lexicon::new("t");
        let mut t = Theme::new("cost");
        t.entries.push(Entry::new(Rule::parse("fee").unwrap()));
        lex.themes.push(t);
        CompiledLexicon::new(&lex).unwrap()
    }

    #[test]
    fn ranks_what_the_target_says_more_and_skips_matched_words() {
        let lex = lexicon();
        let mut c = Counter::new(&lex, Some(0));
        for t in ["legal aid was refused, the fee too", "no legal aid at all", "legal aid gone and a fee"] {
            c.add(t, true);
        }
        for t in ["the police were slow", "the police did nothing at all", "court was slow"] {
            c.add(t, false);
        }
        let s = c.suggestions(2, 5);
        assert_eq!(s[0].term, "legal aid");
        assert_eq!((s[0].target, s[0].target_answers, s[0].reference), (3, 3, 0));
        assert!(s.iter().all(|x| x.term != "fee" && x.term != "the"));
        // "legal" and "aid" alone add nothing over "legal aid"
        assert!(s.iter().all(|x| x.term != "legal" && x.term != "aid"));
    }

    /// `arrived` was suggested beside `arrive` for a stemmed theme: one entry matches
    /// both, and pasting both in made a duplicate. A theme that does not stem keeps both.
    #[test]
    fn forms_of_one_stem_are_suggested_once_where_entries_stem() {
        for stem in [true, false] {
            let mut lex = Lexicon::new("t");
            let mut t = Theme::new("late");
            t.options.stem = stem;
            t.entries.push(Entry::new(Rule::parse("delay").unwrap()));
            lex.themes.push(t);
            let lex = CompiledLexicon::new(&lex).unwrap();
            let mut c = Counter::new(&lex, Some(0));
            for t in
                ["the nurse arrived late", "we waited, nobody arrived", "a doctor will arrive soon", "they arrive late"]
            {
                c.add(t, true);
            }
            for t in ["the food was fine", "the ward was clean"] {
                c.add(t, false);
            }
            let terms: Vec<String> = c.suggestions(1, 20).into_iter().map(|s| s.term).collect();
            let arrive = terms.iter().filter(|t| matches!(t.as_str(), "arrive" | "arrived")).count();
            assert_eq!(arrive, if stem { 1 } else { 2 }, "stem {stem}: {terms:?}");
        }
    }

    /// A French lexicon's suggestions skip French function words (normalised as the
    /// answers' words are: `été` is `ete`, `l'aide` is `aide`), not English ones.
    #[test]
    fn stop_words_are_the_lexicon_languages() {
        let mut lex = Lexicon::new("t");
        lex.settings.language = crate::text::Language::French;
        lex.settings.spelling_variants = false;
        let mut t = Theme::new("cout");
        t.entries.push(Entry::new(Rule::parse("frais").unwrap()));
        lex.themes.push(t);
        let lex = CompiledLexicon::new(&lex).unwrap();
        let mut c = Counter::new(&lex, Some(0));
        for t in ["l'aide juridique a été refusée", "pas d'aide juridique du tout", "the aide juridique"] {
            c.add(t, true);
        }
        for t in ["la police était lente", "le tribunal a été lent"] {
            c.add(t, false);
        }
        let terms: Vec<String> = c.suggestions(2, 10).into_iter().map(|s| s.term).collect();
        assert_eq!(terms[0], "aide juridique", "{terms:?}");
        assert!(terms.iter().all(|t| !["a", "ete", "du", "la"].contains(&t.as_str())), "{terms:?}");
        assert!(Counter::new(&lex, None).stop_words.contains("ete"));
        assert!(!Counter::new(&lex, None).stop_words.contains("the"));
    }
}
