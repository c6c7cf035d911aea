//! Matching: a [`CompiledLexicon`] run over one answer's tokens, giving [`Hit`]s.
//!
//! One pass over the tokens: each token's patterns come from a per-word cache (so a
//! word is looked up in the lexicon once, however often it occurs), and from each
//! token that has patterns the phrase trie is walked forward. Proximity rules and
//! regular expressions are evaluated afterwards, only for entries whose operands
//! occurred. A hit keeps its token range and its byte span in the original text.
//! Phrases stay inside a clause, except under [`MatchRule::Liwc`], where (as in LIWC,
//! which drops punctuation before matching) they run across punctuation.
//!
//! Matching knows nothing of negation, exclusion or overlap: those are decisions
//! about what a hit means, and live in [`crate::coding`].

use crate::lexicon::MatchRule;
use crate::lexicon::compile::{CompiledLexicon, EntryIdx, EntryKind, PatternId, Role, ThemeIdx, Use};
use crate::text::{MAX_TAG, Session, Span, TermRef, Token};

/// An entry that matched in an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hit {
    /// First token.
    pub start: u32,
    /// One past the last token.
    pub end: u32,
    /// The entry.
    pub entry: EntryIdx,
    /// The entry's theme (in what was the struct's padding: coding reads it for every
    /// hit, and the entries table is out of cache with a large lexicon).
    pub theme: ThemeIdx,
    /// Bytes in the original answer.
    pub span: Span,
}

impl Hit {
    /// Number of tokens covered.
    pub fn len(&self) -> u32 {
        self.end - self.start
    }

    /// Whether the hit covers no token (never true for hits the scanner makes).
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// Whether two hits share a token.
    pub fn overlaps(&self, other: &Hit) -> bool {
        self.start < other.end && other.start < self.end
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Operand {
    entry: EntryIdx,
    role: Role,
    start: u32,
    end: u32,
}

/// The operand of `candidates` (sorted by start, then end) at the fewest words from
/// `a`, with how many (one more than the words between them): ties go to the one that
/// starts first, then the first listed. Operands overlapping `a` are no partners, nor,
/// if `after_only`, those before it. `longest` bounds the candidates' lengths.
///
/// The nearest after `a` is the first starting at its end or later; the nearest
/// before it ends last, among the few starting within `longest` words of that end: two
/// binary searches and a short walk back, where trying every candidate made one long
/// answer of repeated words quadratic.
fn nearest_partner(a: &Operand, candidates: &[Operand], longest: u32, after_only: bool) -> Option<(u32, Operand)> {
    let after = candidates.get(candidates.partition_point(|b| b.start < a.end)).map(|b| (b.start - a.end + 1, *b));
    if after_only {
        return after;
    }
    // Walking back from the last operand starting before `a`: those ending after `a`
    // starts overlap it; the first ending at or before it ends last but for operands
    // starting up to `longest` words earlier (a later end, or the same end and an
    // earlier start, which wins the tie).
    let mut before: Option<Operand> = None;
    for b in candidates[..candidates.partition_point(|b| b.start < a.start)].iter().rev() {
        if before.is_some_and(|best| b.start + longest < best.end) {
            break;
        }
        if b.end <= a.start && before.is_none_or(|best| b.end >= best.end) {
            before = Some(*b);
        }
    }
    let before = before.map(|b| (a.start - b.end + 1, b));
    match (before, after) {
        // The one before starts first: it wins a tie.
        (Some(x), Some(y)) => Some(if x.0 <= y.0 { x } else { y }),
        (x, y) => x.or(y),
    }
}

const UNSEEN: u32 = u32::MAX;
/// The session tag of a word that does nothing in the lexicon (most words): it starts
/// no term and no phrase steps onto it. Its tokens come out of the analysis marked, so
/// the scan and phrase steps pass them without reading `term_patterns`.
const INERT: u32 = 1;
/// The session tag of any other word is `FIRST_WORD + 2 x` its index in `words`, plus
/// 1 if it starts a term ([`word_tag`]), so neither the scan nor a phrase step reads
/// `term_patterns` to find what it does. (Tag 0: the scanner has not seen the word.)
const FIRST_WORD: u32 = 2;

/// The tag of the word at `index` in `words`.
fn word_tag(index: usize, starts_a_term: bool) -> u32 {
    FIRST_WORD + 2 * index as u32 + u32::from(starts_a_term)
}

/// The index in `words` and whether it starts a term, from a tag past [`INERT`].
fn untag(tag: u32) -> (usize, bool) {
    let t = tag - FIRST_WORD;
    ((t >> 1) as usize, t & 1 == 1)
}

/// Whether a token with this tag may start a term: not seen yet (0), or a word tagged
/// as starting one ([`FIRST_WORD`] is even, so those tags are odd). Without branches:
/// which words do is as good as random, and a branch on it mispredicted often.
#[inline(always)]
fn may_start_a_term(tag: u32) -> bool {
    (tag == 0) | ((tag & 1 == 1) & (tag > INERT))
}

/// What a word does in the lexicon, as ranges (offset, count) of the scanner's pools:
/// its patterns (for the steps of phrases), the entries of the one-word terms it is,
/// and the trie nodes of the phrases it starts. Computed once per word, so a token
/// that matches costs no walk through the lexicon's tables, which with a large
/// lexicon are out of cache.
#[derive(Clone, Copy, Debug)]
struct WordPatterns {
    /// In `pool`.
    patterns: (u32, u32),
    /// In `use_pool`.
    uses: (u32, u32),
    /// In `node_pool`.
    starts: (u32, u32),
}

const NO_PATTERNS: WordPatterns = WordPatterns { patterns: (0, 0), uses: (0, 0), starts: (0, 0) };

/// `term_patterns` of a word that does nothing in the lexicon (see [`INERT`]): most
/// words (its index is 4 bytes, where a [`WordPatterns`] of its own would take 24 per
/// word of the vocabulary).
const PATTERNLESS: u32 = 0;

/// Per-worker matching state: the analysis session, the per-word pattern cache and
/// reusable buffers. One per thread; pass the same lexicon every time.
#[derive(Default, Debug)]
pub struct Scanner {
    session: Session,
    generation: u64,
    /// Per term id: [`UNSEEN`], [`PATTERNLESS`], or 1 + its index in `words`.
    term_patterns: Vec<u32>,
    /// What the words with patterns do in the lexicon, found once per word.
    words: Vec<WordPatterns>,
    pool: Vec<PatternId>,
    /// The entries of the one-word terms words are (see [`WordPatterns::uses`]).
    use_pool: Vec<Use>,
    /// The trie nodes of phrases words start (see [`WordPatterns::starts`]).
    node_pool: Vec<u32>,
    hits: Vec<Hit>,
    exclusions: Vec<Hit>,
    operands: Vec<Operand>,
    /// Of each hit of a rule joining two operands (NEAR, BEFORE, SENTENCE) with words
    /// between them: the hit, the first of those words and the later operand's start.
    gaps: Vec<(Hit, u32, u32)>,
    /// Of each occurrence of a NOTNEAR rule's term that the other operand blocked: the
    /// hit it would have been, and the blocking words (as a hit of the same entry).
    blocked: Vec<(Hit, Hit)>,
    stack: Vec<(u32, u32)>,
    /// Indices of the tokens of the answer that may start a term.
    candidates: Vec<u32>,
    norm_text: String,
    norm_offsets: Vec<usize>,
    /// Per term id: FNV-1a hash of its normalised form (0 = not computed yet).
    term_hashes: Vec<u64>,
    word_hashes: Vec<u64>,
}

impl Scanner {
    /// A fresh scanner.
    pub fn new() -> Scanner {
        Scanner::default()
    }

    /// Analyses `text` and finds every entry of `lexicon` in it.
    pub fn scan(&mut self, lexicon: &CompiledLexicon, text: &str) {
        self.session.set_stemming(lexicon.matches_stems());
        self.session.analyze(lexicon.analyzer(), text);
        if self.session.generation() != self.generation {
            self.generation = self.session.generation();
            self.term_patterns.clear();
            self.words.clear();
            self.pool.clear();
            self.use_pool.clear();
            self.node_pool.clear();
            self.term_hashes.clear();
        }
        self.hits.clear();
        self.exclusions.clear();
        self.operands.clear();
        self.gaps.clear();
        self.blocked.clear();
        // One slot per word of the vocabulary, so the per-token check is one load.
        let vocabulary = self.session.vocabulary_len();
        if self.term_patterns.len() < vocabulary {
            self.term_patterns.resize(vocabulary, UNSEEN);
        }
        // The tokens that may start a term, listed without a branch per token.
        let tokens = self.session.tokens();
        self.candidates.resize(tokens.len(), 0);
        let mut n = 0;
        for (i, t) in tokens.iter().enumerate() {
            self.candidates[n] = i as u32;
            n += usize::from(may_start_a_term(t.tag()));
        }
        for c in 0..n {
            let i = self.candidates[c] as usize;
            let word = match self.session.tokens()[i].tag() {
                0 => self.word_at(lexicon, text, i),
                tag => self.words[untag(tag).0],
            };
            if word.uses.1 == 0 && word.starts.1 == 0 {
                continue; // the word starts no term
            }
            self.walk(lexicon, text, i, word);
        }
        if !self.operands.is_empty() {
            self.evaluate_rules(lexicon);
        }
        if !lexicon.regexes().is_empty() {
            self.run_regexes(lexicon);
        }
        // Rules and regexes that are exclusions veto rather than assert.
        if lexicon.has_rule_exclusions() {
            let (excl, keep): (Vec<Hit>, Vec<Hit>) =
                self.hits.drain(..).partition(|h| lexicon.entries[h.entry as usize].exclusion);
            self.hits = keep;
            self.exclusions.extend(excl);
        }
        for hits in [&mut self.hits, &mut self.exclusions] {
            hits.sort_unstable();
            hits.dedup();
        }
        // Stable: among gaps of one hit, `gap` answers with the first found.
        self.gaps.sort_by_key(|g| g.0);
        if !self.blocked.is_empty() {
            self.blocked.sort_unstable();
            self.blocked.dedup_by_key(|(h, _)| *h);
        }
    }

    /// What token `i`'s word does in the lexicon (`term_patterns` holds a slot for
    /// every word of the vocabulary: `scan` sized it).
    #[inline]
    fn word_at(&mut self, lexicon: &CompiledLexicon, text: &str, i: usize) -> WordPatterns {
        match self.term_patterns[self.session.tokens()[i].term as usize] {
            UNSEEN => self.patterns_at(lexicon, text, i),
            PATTERNLESS => NO_PATTERNS,
            k => self.words[k as usize - 1],
        }
    }

    /// Finds what token `i`'s word (not seen yet) does in the lexicon, once per word.
    #[cold]
    #[inline(never)]
    fn patterns_at(&mut self, lexicon: &CompiledLexicon, text: &str, i: usize) -> WordPatterns {
        let tok = self.session.tokens()[i];
        let term = self.session.term(tok.term);
        let start = self.pool.len();
        lexicon.patterns_for(&text[tok.span.start..tok.span.end], term.norm, term.stem, &mut self.pool);
        let (uses, starts) = (self.use_pool.len(), self.node_pool.len());
        for &pattern in &self.pool[start..] {
            if let Some(node) = lexicon.root_step(pattern) {
                if let Some(term) = lexicon.terminal(node) {
                    self.use_pool.extend_from_slice(lexicon.uses(term));
                }
                if !lexicon.is_leaf(node) {
                    self.node_pool.push(node);
                }
            }
        }
        // Phrase steps need only the patterns that label a step past the root.
        let mut kept = start;
        for k in start..self.pool.len() {
            if lexicon.continues(self.pool[k]) {
                self.pool[kept] = self.pool[k];
                kept += 1;
            }
        }
        self.pool.truncate(kept);
        let range = |from: usize, to: usize| (from as u32, (to - from) as u32);
        let word = WordPatterns {
            patterns: range(start, self.pool.len()),
            uses: range(uses, self.use_pool.len()),
            starts: range(starts, self.node_pool.len()),
        };
        let starts_a_term = word.uses.1 > 0 || word.starts.1 > 0;
        let tag = if word.patterns.1 == 0 && !starts_a_term {
            self.term_patterns[tok.term as usize] = PATTERNLESS;
            INERT
        } else {
            self.words.push(word);
            self.term_patterns[tok.term as usize] = self.words.len() as u32;
            word_tag(self.words.len() - 1, starts_a_term)
        };
        // A tag too large to carry (millions of words with patterns in one answer) is
        // not set: the word's tokens then go through `term_patterns`, as on first sight.
        if tag <= MAX_TAG {
            self.session.set_tag(tok.term, tag);
        }
        word
    }

    /// Records the hits of token `i`'s one-word terms, then follows the phrases it
    /// starts through the trie, token by token.
    fn walk(&mut self, lexicon: &CompiledLexicon, text: &str, i: usize, word: WordPatterns) {
        let span = self.session.tokens()[i].span;
        let (off, len) = word.uses;
        for k in off..off + len {
            let u = self.use_pool[k as usize];
            self.record(u, i as u32, i as u32 + 1, span);
        }
        self.stack.clear();
        let (off, len) = word.starts;
        for k in off..off + len {
            let node = self.node_pool[k as usize];
            self.expand(lexicon, text, i, node, i);
        }
        while let Some((node, pos)) = self.stack.pop() {
            if let Some(term) = lexicon.terminal(node) {
                let tokens = self.session.tokens();
                let span = tokens[i].span.cover(tokens[pos as usize].span);
                for &u in lexicon.uses(term) {
                    self.record(u, i as u32, pos + 1, span);
                }
            }
            if !lexicon.is_leaf(node) {
                self.expand(lexicon, text, i, node, pos as usize);
            }
        }
    }

    /// Pushes the trie nodes one token on from `node`, reached at token `pos` on a
    /// walk from token `from`: never past the answer's end or, except under LIWC's
    /// rule, a clause boundary.
    fn expand(&mut self, lexicon: &CompiledLexicon, text: &str, from: usize, node: u32, pos: usize) {
        let next = pos + 1;
        let tokens = self.session.tokens();
        if next >= tokens.len() {
            return;
        }
        if lexicon.match_rule() != MatchRule::Liwc && tokens[next].clause != tokens[from].clause {
            return;
        }
        let word = match tokens[next].tag() {
            INERT => return, // no step leads onto this word
            0 => self.word_at(lexicon, text, next),
            tag => self.words[untag(tag).0],
        };
        let (off, len) = word.patterns;
        for k in off..off + len {
            if let Some(child) = lexicon.step(node, self.pool[k as usize]) {
                self.stack.push((child, next as u32));
            }
        }
    }

    /// Records one use of a term found at tokens `start..end`.
    #[inline]
    fn record(&mut self, u: Use, start: u32, end: u32, span: Span) {
        match u.role {
            Role::Exclusion => self.exclusions.push(Hit { start, end, entry: u.entry, theme: u.theme, span }),
            Role::Whole => self.hits.push(Hit { start, end, entry: u.entry, theme: u.theme, span }),
            role => self.operands.push(Operand { entry: u.entry, role, start, end }),
        }
    }

    fn evaluate_rules(&mut self, lexicon: &CompiledLexicon) {
        self.operands.sort_unstable_by_key(|o| (o.entry, o.role == Role::Right, o.start, o.end));
        let tokens = self.session.tokens();
        let mut i = 0;
        while i < self.operands.len() {
            let entry = self.operands[i].entry;
            let mut j = i;
            while j < self.operands.len() && self.operands[j].entry == entry {
                j += 1;
            }
            let group = &self.operands[i..j];
            let split = group.iter().position(|o| o.role == Role::Right).unwrap_or(group.len());
            let (left, right) = group.split_at(split);
            let sentence = |o: &Operand| tokens[o.start as usize].sentence;
            let hit = |a: &Operand, b: &Operand| {
                let (start, end) = (a.start.min(b.start), a.end.max(b.end));
                let span = tokens[start as usize].span.cover(tokens[end as usize - 1].span);
                Hit { start, end, entry, theme: lexicon.entries[entry as usize].theme, span }
            };
            // The words between two operands, which negation reads too (`police did not
            // ignore`): where they start, and where the later operand starts.
            let gap = |a: &Operand, b: &Operand| {
                let (first, later) = if a.start <= b.start { (a, b) } else { (b, a) };
                (first.end < later.start).then_some((first.end, later.start))
            };
            // Words between the end of one operand and the start of the other, plus one:
            // `cost NEAR/3 court` matches "cost of the court" (court is the 3rd word on).
            let distance = |a: &Operand, b: &Operand| -> Option<u32> {
                if a.end <= b.start {
                    Some(b.start - a.end + 1)
                } else if b.end <= a.start {
                    Some(a.start - b.end + 1)
                } else {
                    None
                }
            };
            // Right operands are sorted by start, so by sentence: the ones in `a`'s
            // sentence are a range, and the ones near `a` a short one.
            let longest_right = right.iter().map(|b| b.end - b.start).max().unwrap_or(0);
            let same_sentence = |a: &Operand| {
                let s = sentence(a);
                let lo = right.partition_point(|b| sentence(b) < s);
                let hi = right.partition_point(|b| sentence(b) <= s);
                (lo, hi.max(lo))
            };
            match lexicon.entries[entry as usize].kind {
                EntryKind::Near { window, ordered } => {
                    for a in left {
                        let (lo, hi) = same_sentence(a);
                        if let Some((d, b)) = nearest_partner(a, &right[lo..hi], longest_right, ordered)
                            && d <= window
                        {
                            self.hits.push(hit(a, &b));
                            if let Some((from, to)) = gap(a, &b) {
                                self.gaps.push((hit(a, &b), from, to));
                            }
                        }
                    }
                }
                EntryKind::Sentence => {
                    for a in left {
                        let (lo, hi) = same_sentence(a);
                        if let Some((_, b)) = nearest_partner(a, &right[lo..hi], longest_right, false) {
                            self.hits.push(hit(a, &b));
                            if let Some((from, to)) = gap(a, &b) {
                                self.gaps.push((hit(a, &b), from, to));
                            }
                        }
                    }
                }
                EntryKind::NotNear { window } => {
                    for a in left {
                        // The first right operand of `a`'s sentence overlapping it or
                        // within the window: only those near the window's edges fail.
                        let (lo, hi) = same_sentence(a);
                        let from = right.partition_point(|b| b.start + longest_right + window < a.start).max(lo);
                        let to = right.partition_point(|b| b.start <= a.end + window).min(hi);
                        let by = right[from..to.max(from)].iter().find(|b| distance(a, b).is_none_or(|d| d <= window));
                        match by {
                            None => self.hits.push(hit(a, a)),
                            Some(b) => self.blocked.push((hit(a, a), hit(b, b))),
                        }
                    }
                }
                _ => {}
            }
            i = j;
        }
    }

    fn run_regexes(&mut self, lexicon: &CompiledLexicon) {
        let tokens = self.session.tokens();
        if tokens.is_empty() {
            return;
        }
        self.norm_text.clear();
        self.norm_offsets.clear();
        for (k, t) in tokens.iter().enumerate() {
            if k > 0 {
                self.norm_text.push(' ');
            }
            self.norm_offsets.push(self.norm_text.len());
            self.norm_text.push_str(self.session.term(t.term).norm);
        }
        for i in lexicon.regexes_matching(&self.norm_text) {
            let (entry, re) = &lexicon.regexes()[i];
            for m in re.find_iter(&self.norm_text) {
                if m.start() == m.end() {
                    continue;
                }
                // tokens overlapped by the match
                let first = self.norm_offsets.partition_point(|&o| o <= m.start()).saturating_sub(1);
                let last = self.norm_offsets.partition_point(|&o| o < m.end()).saturating_sub(1);
                let (start, end) = (first as u32, last as u32 + 1);
                let span = tokens[first].span.cover(tokens[last].span);
                self.hits.push(Hit { start, end, entry: *entry, theme: lexicon.entries[*entry as usize].theme, span });
            }
        }
    }

    /// The tokens of the last scanned answer.
    pub fn tokens(&self) -> &[Token] {
        self.session.tokens()
    }

    /// A term of the last scanned answer.
    pub fn term(&self, token: &Token) -> TermRef<'_> {
        self.session.term(token.term)
    }

    /// A stable hash of each token's normalised form, in order (computed once per
    /// distinct word), for fingerprinting answers (see [`crate::campaign`]).
    pub fn word_hashes(&mut self) -> &[u64] {
        self.word_hashes.clear();
        for tok in self.session.tokens() {
            let id = tok.term as usize;
            if id >= self.term_hashes.len() {
                self.term_hashes.resize(id + 1, 0);
            }
            if self.term_hashes[id] == 0 {
                self.term_hashes[id] = crate::campaign::fnv1a(self.session.term(tok.term).norm.as_bytes()) | 1;
            }
            self.word_hashes.push(self.term_hashes[id]);
        }
        &self.word_hashes
    }

    /// Hits of asserting entries (words, phrases, rules, regexes), sorted by position.
    pub fn hits(&self) -> &[Hit] {
        &self.hits
    }

    /// Hits of exclusion entries, sorted by position.
    pub fn exclusions(&self) -> &[Hit] {
        &self.exclusions
    }

    /// Occurrences of a NOTNEAR rule's term that its other operand blocked (`fee
    /// NOTNEAR/2 parking` on "the parking fee"), by position: the hit each would have
    /// been, and the blocking words.
    pub fn blocked(&self) -> &[(Hit, Hit)] {
        &self.blocked
    }

    /// Whether a hit of the last answer has words between its operands (see [`gap`](Self::gap)).
    pub fn has_gaps(&self) -> bool {
        !self.gaps.is_empty()
    }

    /// For a hit of a rule joining two operands with words between them (`police
    /// BEFORE/4 ignor*` on "police did not ignore"): where those words start, and
    /// where the later operand starts.
    #[inline]
    pub fn gap(&self, hit: &Hit) -> Option<(u32, u32)> {
        // Most answers have none: every hit of them asks.
        if self.gaps.is_empty() {
            return None;
        }
        // Sorted by hit (the first pushed first among equal ones): a long answer has as
        // many gaps as hits, and each hit asks.
        let i = self.gaps.partition_point(|(h, _, _)| h < hit);
        self.gaps.get(i).filter(|(h, _, _)| h == hit).map(|&(_, from, to)| (from, to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{Entry, Lexicon, Rule, Theme};

    fn compiled(themes: &[(&str, &[&str], &[&str])]) -> CompiledLexicon {
        let mut lex = Lexicon::new("t");
        for (id, entries, excl) in themes {
            let mut t = Theme::new(*id);
            t.entries = entries.iter().map(|e| Entry::new(Rule::parse(e).unwrap())).collect();
            t.exclusions = excl.iter().map(|e| Entry::new(Rule::parse(e).unwrap())).collect();
            lex.themes.push(t);
        }
        CompiledLexicon::new(&lex).unwrap()
    }

    /// (entry text, matched text) of every hit.
    fn hits(lex: &CompiledLexicon, text: &str) -> Vec<(String, String)> {
        let mut s = Scanner::new();
        s.scan(lex, text);
        s.hits()
            .iter()
            .map(|h| (lex.entries[h.entry as usize].text.clone(), text[h.span.start..h.span.end].to_string()))
            .collect()
    }

    fn matched(lex: &CompiledLexicon, text: &str) -> Vec<String> {
        hits(lex, text).into_iter().map(|(_, m)| m).collect()
    }

    #[test]
    fn words_match_on_stems() {
        let lex = compiled(&[("a", &["harass", "stalker"], &[])]);
        assert_eq!(matched(&lex, "He HARASSED me, harassment by stalkers"), ["HARASSED", "harassment", "stalkers"]);
        assert!(matched(&lex, "stalking").is_empty()); // stalker != stalk
    }

    #[test]
    fn exact_words_do_not_stem() {
        let lex = compiled(&[("a", &["=fees"], &[])]);
        assert_eq!(matched(&lex, "Fees, fee, FEES"), ["Fees", "FEES"]);
    }

    /// A lexicon with no stem entries is matched without stemming words (the scanner
    /// turns it off), with the same hits; one with any stem entry stems.
    #[test]
    fn lexicons_without_stem_entries_match_without_stemming() {
        let plain = compiled(&[("a", &["=fees", "harass*", "=legal =aid"], &[])]);
        assert!(!plain.matches_stems());
        let text = "Fees for harassing: legal aid, LEGAL AIDS and fee";
        assert_eq!(matched(&plain, text), ["Fees", "harassing", "legal aid"]);
        let mut s = Scanner::new();
        s.scan(&plain, text);
        assert_eq!(s.term(&s.tokens()[2]).stem, "harassing", "not stemmed");
        let stemmed = compiled(&[("a", &["=fees", "harass*", "=legal =aid"], &[]), ("b", &["aid"], &[])]);
        assert!(stemmed.matches_stems());
        s.scan(&stemmed, text);
        assert_eq!(s.term(&s.tokens()[2]).stem, "harass");
        assert_eq!(matched(&stemmed, text), ["Fees", "harassing", "legal aid", "aid", "AIDS"]);
    }

    #[test]
    fn globs_match_the_normalised_word() {
        let lex = compiled(&[("a", &["harass*", "b?h*viour"], &[])]);
        assert_eq!(matched(&lex, "Harassing behaviour; behavior"), ["Harassing", "behaviour", "behavior"]);
    }

    /// Spelling variants join spellings of one word, never two British words: a
    /// `cheque` theme matched "Please check my details", `storey` "stories", `tyre` "I tire".
    #[test]
    fn spelling_variants_do_not_merge_different_british_words() {
        let lex = compiled(&[(
            "a",
            &["cheque", "storey", "tyre", "metre", "draught", "programme", "practise", "licence"],
            &[],
        )]);
        for text in [
            "Please check my details",
            "their stories",
            "I tire quickly",
            "the gas meter",
            "a first draft",
            "a computer program",
            "a GP practice",
            "they license it",
        ] {
            assert!(matched(&lex, text).is_empty(), "{text:?}: {:?}", matched(&lex, text));
        }
        let lex = compiled(&[("a", &["colour", "behavior"], &[])]);
        assert_eq!(matched(&lex, "color, behaviour"), ["color", "behaviour"]);
    }

    /// `organiz*` and `color*` matched nothing: answers' words are mapped to British
    /// spelling, globs were not. A glob in either spelling matches both.
    #[test]
    fn globs_match_american_and_british_spellings() {
        let text = "The organization chose a colorful color; the organisation, its colour";
        let want = ["organization", "colorful", "color", "organisation", "colour"];
        for globs in [&["organiz*", "color*"], &["organis*", "colour*"]] {
            let lex = compiled(&[("a", globs, &[])]);
            assert_eq!(matched(&lex, text), want, "{globs:?}");
        }
    }

    #[test]
    fn phrases_need_consecutive_words_in_one_clause() {
        let lex = compiled(&[("a", &["legal aid", "ex partner"], &[])]);
        assert_eq!(matched(&lex, "no Legal  Aid for my ex-partner"), ["Legal  Aid", "ex-partner"]);
        assert!(matched(&lex, "legal, aid").is_empty());
        assert!(matched(&lex, "legal. Aid").is_empty());
        assert!(matched(&lex, "legal costs and aid").is_empty());
    }

    #[test]
    fn phrases_with_globs_and_shared_prefixes() {
        let lex = compiled(&[("a", &["cost* of applying", "cost of"], &[])]);
        assert_eq!(
            hits(&lex, "the costs of applying"),
            [("cost of".into(), "costs of".into()), ("cost* of applying".into(), "costs of applying".into())]
        );
    }

    /// A word met for the first time and again (tagged in the vocabulary by then), as a
    /// one-word entry, a phrase's first word, a later word, or all three: the same hits
    /// on the first scan as on later ones.
    #[test]
    fn words_tagged_in_the_vocabulary_match_as_on_first_sight() {
        let lex =
            compiled(&[("a", &["care", "social care", "home care worker", "worker"], &[]), ("b", &["home"], &[])]);
        let text = "care home care worker; social care, home care. Social care worker";
        let found = |s: &Scanner| -> Vec<(String, usize, usize)> {
            s.hits().iter().map(|h| (lex.entries[h.entry as usize].text.clone(), h.span.start, h.span.end)).collect()
        };
        let at = |entry: &str, from: usize, words: &str| {
            let start = from + text[from..].find(words).unwrap();
            (entry.to_string(), start, start + words.len())
        };
        let mut want = vec![
            at("care", 0, "care"),
            at("home", 0, "home"),
            at("care", 5, "care"),
            at("home care worker", 0, "home care worker"),
            at("worker", 0, "worker"),
            at("care", 30, "care"),
            at("social care", 0, "social care"),
            at("home", 30, "home"),
            at("care", 40, "care"),
            at("care", 50, "care"),
            at("social care", 0, "Social care"),
            at("worker", 50, "worker"),
        ];
        want.sort();
        let mut s = Scanner::new();
        for _ in 0..3 {
            s.scan(&lex, text);
            let mut got = found(&s);
            got.sort();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn near_before_sentence_and_notnear() {
        let lex = compiled(&[(
            "a",
            &["cost NEAR/3 court", "police BEFORE/2 ignor*", "delay SENTENCE order", "fee NOTNEAR/2 parking"],
            &[],
        )]);
        assert_eq!(matched(&lex, "the court cost"), ["court cost"]);
        assert_eq!(matched(&lex, "cost of the court"), ["cost of the court"]);
        assert!(matched(&lex, "cost of the county court").is_empty());
        assert!(matched(&lex, "cost. The court").is_empty());
        assert_eq!(matched(&lex, "police just ignored"), ["police just ignored"]);
        assert!(matched(&lex, "ignored by police").is_empty());
        assert_eq!(matched(&lex, "The order came, after a long delay."), ["order came, after a long delay"]);
        assert_eq!(matched(&lex, "the fee was high"), ["fee"]);
        assert!(matched(&lex, "parking fee").is_empty());
    }

    #[test]
    fn regexes_run_on_normalised_words() {
        let mut lex = Lexicon::new("t");
        let mut t = Theme::new("a");
        t.entries.push(Entry::new(Rule::Regex(r"\d[\d,]* (pounds|quid)".into())));
        lex.themes.push(t);
        let lex = CompiledLexicon::new(&lex).unwrap();
        assert_eq!(matched(&lex, "It cost me 3,000 POUNDS!"), ["3,000 POUNDS"]);
    }

    #[test]
    fn exclusions_are_reported_apart() {
        let lex = compiled(&[("a", &["cost"], &["cost up"])]);
        let mut s = Scanner::new();
        s.scan(&lex, "I had to cost up my CCTV");
        assert_eq!(s.hits().len(), 1);
        assert_eq!(s.exclusions().len(), 1);
    }

    #[test]
    fn case_sensitive_themes() {
        let mut lex = Lexicon::new("t");
        let mut t = Theme::new("a");
        t.options.case_sensitive = true;
        t.entries = vec![Entry::new(Rule::parse("PIN").unwrap()), Entry::new(Rule::parse("CPS rep*").unwrap())];
        lex.themes.push(t);
        let lex = CompiledLexicon::new(&lex).unwrap();
        assert_eq!(matched(&lex, "a PIN, not a pin; CPS reps but cps reps"), ["PIN", "CPS reps"]);
    }

    /// `=word` (and a TOML `exact` list) means "not stemmed": in a case-sensitive
    /// theme the case still counts (it matched `nhs` and `cost` before).
    #[test]
    fn exact_words_keep_a_case_sensitive_theme_s_case() {
        let mut lex = Lexicon::new("t");
        let mut t = Theme::new("a");
        t.options.case_sensitive = true;
        t.entries = vec![Entry::new(Rule::parse("=NHS").unwrap()), Entry::new(Rule::parse("=CoSt").unwrap())];
        lex.themes.push(t);
        let lex = CompiledLexicon::new(&lex).unwrap();
        assert_eq!(matched(&lex, "NHS nhs Nhs CoSt cost COST"), ["NHS", "CoSt"]);
    }

    /// The nearest partner as defined: of the candidates not overlapping `a` (and
    /// after it, if `after_only`), the fewest words away, then the earliest start,
    /// then the first listed.
    fn nearest_by_definition(a: &Operand, candidates: &[Operand], after_only: bool) -> Option<(u32, Operand)> {
        candidates
            .iter()
            .filter(|b| !(after_only && a.end > b.start))
            .filter_map(|b| {
                let d = if a.end <= b.start {
                    b.start - a.end + 1
                } else if b.end <= a.start {
                    a.start - b.end + 1
                } else {
                    return None;
                };
                Some((d, b.start, *b))
            })
            .min_by_key(|x| (x.0, x.1))
            .map(|(d, _, b)| (d, b))
    }

    proptest::proptest! {
        #[test]
        fn nearest_partner_is_the_nearest_by_definition(
            a in (0u32..30, 1u32..4),
            raw in proptest::collection::vec((0u32..30, 1u32..4), 0..40),
            after_only in proptest::bool::ANY,
        ) {
            let operand = |(start, len): (u32, u32)| Operand { entry: 0, role: Role::Right, start, end: start + len };
            let a = operand(a);
            let mut candidates: Vec<Operand> = raw.into_iter().map(operand).collect();
            candidates.sort_unstable_by_key(|o| (o.start, o.end));
            let longest = candidates.iter().map(|b| b.end - b.start).max().unwrap_or(0);
            proptest::prop_assert_eq!(
                nearest_partner(&a, &candidates, longest, after_only),
                nearest_by_definition(&a, &candidates, after_only)
            );
        }
    }

    /// One answer of a repeated rule's words, with no sentence break: each operand finds
    /// its partner next to it, in linear time (every pair was tried: 4.7 s for 40,000
    /// words, 20 s for 80,000).
    #[test]
    fn rules_over_a_long_answer_of_repeated_words_take_linear_time() {
        let mut lex = Lexicon::new("t");
        let mut t = Theme::new("a");
        for rule in ["cost SENTENCE police", "cost NEAR/1000 police", "fee NOTNEAR/1000 court"] {
            t.entries.push(Entry::new(Rule::parse(rule).unwrap()));
        }
        lex.themes.push(t);
        let lex = CompiledLexicon::new(&lex).unwrap();
        let text = "cost police fee never ".repeat(100_000);
        let mut s = Scanner::new();
        s.scan(&lex, &text);
        // Each `cost` with the `police` after it, by both rules; each `fee` unblocked.
        assert_eq!(s.hits().len(), 300_000);
        assert!(s.hits().iter().all(|h| h.len() == if h.entry == 2 { 1 } else { 2 }));
    }
}
