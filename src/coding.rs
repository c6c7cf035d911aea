//! Coding, in the qualitative-research sense: deciding which themes an answer asserts.
//!
//! Takes the [`Hit`]s the matcher found and applies the rules that give them
//! meaning, which live only here:
//! 1. **Applicability**: a theme counts only in the questions it lists.
//! 2. **Negation**: a hit preceded by a negator (`not`, `never`, `don't`, ...) within
//!    the theme's window, in the same clause and with no clause word (`but`,
//!    `however`) between, is vetoed, unless the negator is part of the hit itself
//!    (`no contact`) or starts a pseudo-negation (`not only`, `not just`).
//! 3. **Exclusion**: a hit overlapping an exclusion of its own theme is vetoed.
//! 4. **Overlap**: among surviving hits the longest wins, within a theme or across
//!    the lexicon (the lexicon's `overlap` setting); a span counts once per theme.
//!    Under [`MatchRule::Liwc`] instead, LIWC-22's rule: reading left to right, the
//!    best entry starting at a word (most words, then literal before wildcard, then
//!    the longer wildcard, then file order) wins for the whole lexicon, counts in every
//!    theme that lists it, and consumes its words (`docs/dictionaries.md`).
//! 5. **Hierarchy**: a coded theme also codes its ancestors (once per answer, and a
//!    span once per ancestor however many descendants matched it); not under
//!    [`MatchRule::Liwc`], where a category counts only the entries that list it.
//!
//! The result, a [`Coding`], is the set of themes with the evidence for each, and the
//! vetoed hits with the reason, so every decision can be explained.

use crate::lexicon::compile::{Applies, CompiledLexicon, ThemeIdx};
use crate::lexicon::{MatchRule, OverlapScope};
use crate::matching::{Hit, Scanner};
use crate::text::{Language, TermFlags, Token};
use smallvec::{SmallVec, smallvec};

/// Negators that, opening a sentence, may answer a question rather than negate (in
/// English: a Spanish "No es caro" negates).
const ANSWER_WORDS: &[&str] = &["no", "nope", "nah"];

/// Words that, after a sentence-initial "no", show it answers a question ("no they
/// don't", "no because ...") rather than negating a noun ("no cost").
const ANSWER_FOLLOWERS: &[&str] = &[
    "i",
    "we",
    "they",
    "it",
    "he",
    "she",
    "you",
    "there",
    "this",
    "that",
    "these",
    "those",
    "the",
    "a",
    "an",
    "my",
    "our",
    "their",
    "his",
    "her",
    "its",
    "because",
    "cos",
    "coz",
    "as",
    "since",
    "but",
    "and",
    "not",
    "never",
    "too",
    "very",
    "definitely",
    "absolutely",
    "certainly",
    "way",
    "sorry",
    "is",
    "are",
    "was",
    "were",
    "do",
    "does",
    "did",
    "have",
    "has",
    "had",
    "can",
    "could",
    "would",
    "should",
    "will",
    "current",
    "existing",
    "currently",
    "in",
];

/// Why a hit did not count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VetoReason {
    /// A negator at this token index.
    Negated {
        /// Token index of the negator.
        negator: u32,
        /// Where the negator is in the answer.
        span: crate::text::Span,
    },
    /// An exclusion entry overlapped it.
    Excluded {
        /// The exclusion's hit.
        by: Hit,
    },
    /// A longer overlapping hit won.
    Overlapped {
        /// The longer hit.
        by: Hit,
    },
    /// Under [`MatchRule::Liwc`], another entry was the one counted for these words
    /// (it started earlier, or covered more words, or ranked higher).
    Outranked {
        /// The hit that counted.
        by: Hit,
    },
    /// The theme, or the entry, is kept to other questions than the one answered.
    NotAsked,
    /// The theme's counted matches weigh less than its `threshold`.
    BelowThreshold,
    /// A NOTNEAR rule's other operand was within its window.
    Blocked {
        /// The blocking words.
        by: Hit,
    },
}

/// A hit that did not count, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Veto {
    /// The hit.
    pub hit: Hit,
    /// Its theme.
    pub theme: ThemeIdx,
    /// Why.
    pub reason: VetoReason,
}

/// A code's hits: a vector that holds one hit without allocating.
pub type Hits = SmallVec<[Hit; 1]>;

/// A theme asserted by an answer, with its evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    /// The theme.
    pub theme: ThemeIdx,
    /// The hits that assert it (for a rolled-up parent: its descendants' hits), by
    /// position. Most codes rest on one hit, held inline: no allocation per code.
    pub hits: Hits,
    /// For a parent coded through a child: that child (the first one, by theme order).
    pub via: Option<ThemeIdx>,
}

/// The themes an answer asserts, with evidence, and the hits that were vetoed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coding {
    /// Themes asserted, by theme index.
    pub codes: Vec<Code>,
    /// Hits that did not count (empty when coded with [`Vetoes::Skip`]).
    pub vetoes: Vec<Veto>,
    /// Words (tokens) in the answer.
    pub words: u32,
    /// The counted hits of rules whose operands have words between them (`fee* NEAR/4
    /// court` on "court said fees"), with how many: those words are not matched. Sorted
    /// by hit.
    pub gaps: Vec<(Hit, u32)>,
}

impl Coding {
    /// Words `code`'s hits matched (a two-word phrase counts 2, as LIWC-22 counts; a
    /// NEAR rule its operands' words, not the words between them).
    pub fn matched_words(&self, code: &Code) -> u64 {
        let covered: u64 = code.hits.iter().map(|h| h.len() as u64).sum();
        let between: u64 = if self.gaps.is_empty() {
            0
        } else {
            code.hits
                .iter()
                .filter_map(|h| self.gaps.binary_search_by(|(g, _)| g.cmp(h)).ok())
                .map(|i| self.gaps[i].1 as u64)
                .sum()
        };
        covered - between
    }

    /// Whether `theme` is asserted.
    pub fn has(&self, theme: ThemeIdx) -> bool {
        self.codes.iter().any(|c| c.theme == theme)
    }
}

/// Whether [`code_with`] lists the hits that did not count ([`Coding::vetoes`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vetoes {
    /// Listed, sorted by theme and position: what explanations read.
    List,
    /// Not listed (`Coding::vetoes` stays empty): a run that counts and writes codes
    /// reads only the codes, and a long answer has many vetoed hits to record and sort.
    Skip,
}

/// Where vetoed hits go: a list, or nowhere.
struct VetoSink {
    list: Vec<Veto>,
    keep: bool,
}

impl VetoSink {
    #[inline(always)]
    fn push(&mut self, veto: Veto) {
        if self.keep {
            self.list.push(veto);
        }
    }

    /// The list, in the order explanations show it.
    fn into_sorted(mut self) -> Vec<Veto> {
        self.list.sort_by_key(|v| (v.theme, v.hit));
        self.list
    }
}

/// Codes the answer last scanned by `scanner` for a question whose applicable themes
/// and entries are `applies` (from [`CompiledLexicon::applies`]), listing the vetoed
/// hits.
pub fn code(lexicon: &CompiledLexicon, scanner: &Scanner, applies: &Applies) -> Coding {
    code_with(lexicon, scanner, applies, Vetoes::List)
}

/// [`code`], listing the vetoed hits or not: the codes are the same either way.
pub fn code_with(lexicon: &CompiledLexicon, scanner: &Scanner, applies: &Applies, listed: Vetoes) -> Coding {
    let mut coding = Coding { words: scanner.tokens().len() as u32, ..Coding::default() };
    let mut vetoes = VetoSink { list: Vec::new(), keep: listed == Vetoes::List };
    for &(hit, by) in scanner.blocked() {
        let reason =
            if applies.entry(hit.theme, hit.entry) { VetoReason::Blocked { by } } else { VetoReason::NotAsked };
        vetoes.push(Veto { hit, theme: hit.theme, reason });
    }
    if scanner.hits().is_empty() {
        coding.vetoes = vetoes.into_sorted();
        return coding;
    }
    let exclusions = ExclusionIndex::new(scanner.exclusions());
    let mut kept: Vec<Hit> = Vec::with_capacity(scanner.hits().len());
    for hit in scanner.hits() {
        let theme = hit.theme;
        if !applies.entry(theme, hit.entry) {
            vetoes.push(Veto { hit: *hit, theme, reason: VetoReason::NotAsked });
            continue;
        }
        if let Some(negator) = negated(lexicon, scanner, hit, theme) {
            let span = scanner.tokens()[negator as usize].span;
            vetoes.push(Veto { hit: *hit, theme, reason: VetoReason::Negated { negator, span } });
            continue;
        }
        if let Some(by) = exclusions.first_over(hit, |x| applies.entry(theme, x.entry)) {
            vetoes.push(Veto { hit: *hit, theme, reason: VetoReason::Excluded { by: *by } });
            continue;
        }
        kept.push(*hit);
    }
    // In code order: by theme, then position.
    let chosen = match lexicon.match_rule() {
        MatchRule::Codeframe => {
            longest_wins(kept, lexicon.overlap() == OverlapScope::Theme, &mut vetoes, scanner.tokens().len())
        }
        MatchRule::Liwc => {
            let mut chosen = one_entry_per_word(lexicon, kept, &mut vetoes);
            chosen.sort_unstable_by_key(code_order);
            chosen
        }
    };
    if scanner.has_gaps() {
        coding.gaps = chosen.iter().filter_map(|h| scanner.gap(h).map(|(from, to)| (*h, to - from))).collect();
        // By hit, for `matched_words`' lookups (the chosen hits are distinct).
        coding.gaps.sort_unstable_by_key(|&(h, _)| h);
    }
    // One code per theme: sized once rather than grown (and not at all when none).
    let themes = usize::from(!chosen.is_empty()) + chosen.windows(2).filter(|w| w[0].theme != w[1].theme).count();
    coding.codes.reserve_exact(themes);
    for hit in chosen {
        let theme = hit.theme;
        match coding.codes.last_mut() {
            Some(c) if c.theme == theme => c.hits.push(hit),
            _ => coding.codes.push(Code { theme, hits: smallvec![hit], via: None }),
        }
    }
    // A theme with a threshold needs the weights of its matches to add up to it.
    coding.codes.retain(|c| {
        let threshold = lexicon.themes[c.theme as usize].options.threshold;
        let reached = threshold <= 0.0 || weight(lexicon, &c.hits) >= threshold - 1e-9;
        if !reached {
            for &hit in &c.hits {
                vetoes.push(Veto { hit, theme: c.theme, reason: VetoReason::BelowThreshold });
            }
        }
        reached
    });
    // LIWC dictionaries list a word under the parent category too: their indentation
    // is a legend, and a category counts only the entries that list it.
    if lexicon.match_rule() != MatchRule::Liwc {
        roll_up(lexicon, &mut coding.codes, applies);
    }
    coding.vetoes = vetoes.into_sorted();
    coding
}

/// The order of an answer's codes and of each code's hits: by theme, then position.
/// One integer a key (hits are distinct, so no order is left to a stable sort).
#[inline(always)]
fn code_order(h: &Hit) -> u128 {
    pack(h.theme, h.start, h.end, h.entry)
}

/// A sort key ordering as the tuple `(a, b, c, d)` does.
#[inline(always)]
fn pack(a: u32, b: u32, c: u32, d: u32) -> u128 {
    (u128::from(a) << 96) | (u128::from(b) << 64) | (u128::from(c) << 32) | u128::from(d)
}

/// What `hits` weigh together, against their theme's `threshold`.
pub fn weight(lexicon: &CompiledLexicon, hits: &[Hit]) -> f64 {
    hits.iter().map(|h| lexicon.entries[h.entry as usize].weight).sum()
}

/// codeframe's overlap rule: longest first, then leftmost, then entry order (a
/// deterministic greedy choice), within each theme (`per_theme`) or the whole lexicon.
/// Returns the hits that stand, in [`code_order`]; `tokens` is the answer's length.
///
/// Within a theme the hits are put in code order first: a theme whose hits share no
/// word (most of them) keeps them all as they are, and only a theme with overlapping
/// hits is decided by [`greedy`].
fn longest_wins(mut kept: Vec<Hit>, per_theme: bool, vetoes: &mut VetoSink, tokens: usize) -> Vec<Hit> {
    if kept.len() <= 1 {
        return kept;
    }
    if !per_theme {
        let mut chosen = greedy(kept, false, vetoes, tokens);
        chosen.sort_unstable_by_key(code_order);
        return chosen;
    }
    kept.sort_unstable_by_key(code_order);
    // `kept[..stood]` holds the hits that stood, of the themes before `from`'s.
    let (mut stood, mut from) = (0, 0);
    while from < kept.len() {
        let theme = kept[from].theme;
        let (mut to, mut reach, mut disjoint) = (from + 1, kept[from].end, true);
        while to < kept.len() && kept[to].theme == theme {
            disjoint &= kept[to].start >= reach;
            reach = reach.max(kept[to].end);
            to += 1;
        }
        if disjoint {
            kept.copy_within(from..to, stood);
            stood += to - from;
        } else {
            let mut chosen = greedy(kept[from..to].to_vec(), true, vetoes, tokens);
            chosen.sort_unstable_by_key(code_order);
            // No more hits than the theme had: the next theme's, from `to` on, stay.
            kept[stood..stood + chosen.len()].copy_from_slice(&chosen);
            stood += chosen.len();
        }
        from = to;
    }
    kept.truncate(stood);
    kept
}

/// The greedy choice of [`longest_wins`] over `kept`, in its own order (longest, then
/// leftmost, then entry), within each theme (`per_theme`) or across them all.
///
/// Linear in the words the hits cover: each scope (a theme, or the lexicon) marks the
/// tokens its chosen hits own, so checking a hit looks at its own tokens only.
fn greedy(mut kept: Vec<Hit>, per_theme: bool, vetoes: &mut VetoSink, tokens: usize) -> Vec<Hit> {
    let scope = |h: &Hit| if per_theme { h.theme } else { 0 };
    kept.sort_unstable_by_key(|h| pack(scope(h), u32::MAX - h.len(), h.start, h.entry));
    if kept.len() <= 16 {
        // Few hits (the usual case): compare with the chosen ones directly, which
        // `kept[..chosen]` holds (no second vector).
        let mut chosen = 0;
        for k in 0..kept.len() {
            let hit = kept[k];
            // The chosen hits of a scope are disjoint: the earliest overlapping one is
            // the one the owner array below would name.
            let by =
                kept[..chosen].iter().filter(|c| c.overlaps(&hit) && scope(c) == scope(&hit)).min_by_key(|c| c.start);
            match by {
                Some(by) => vetoes.push(Veto { hit, theme: hit.theme, reason: VetoReason::Overlapped { by: *by } }),
                None => {
                    kept[chosen] = hit;
                    chosen += 1;
                }
            }
        }
        kept.truncate(chosen);
        return kept;
    }
    let mut chosen: Vec<Hit> = Vec::with_capacity(kept.len());
    // owner[token]: index in `chosen` of the hit owning it in the current scope
    let mut owner: Vec<u32> = vec![u32::MAX; tokens];
    let mut scope_start = 0;
    for (k, hit) in kept.iter().enumerate() {
        if k > 0 && scope(hit) != scope(&kept[k - 1]) {
            for c in &chosen[scope_start..] {
                owner[c.start as usize..c.end as usize].fill(u32::MAX);
            }
            scope_start = chosen.len();
        }
        let span = &owner[hit.start as usize..hit.end as usize];
        match span.iter().find(|&&o| o != u32::MAX) {
            Some(&o) => vetoes.push(Veto {
                hit: *hit,
                theme: hit.theme,
                reason: VetoReason::Overlapped { by: chosen[o as usize] },
            }),
            None => {
                owner[hit.start as usize..hit.end as usize].fill(chosen.len() as u32);
                chosen.push(*hit);
            }
        }
    }
    chosen
}

/// LIWC-22's rule (contentcoder's `Analyze`): words are read left to right; at each
/// word, of the hits starting there the one covering most words wins, then the
/// better [`Precedence`](crate::lexicon::compile::Precedence), then the earlier line.
/// Every hit of that same term on the same words (one per theme listing it) counts;
/// everything else starting inside it is vetoed; reading resumes after it.
fn one_entry_per_word(lexicon: &CompiledLexicon, mut kept: Vec<Hit>, vetoes: &mut VetoSink) -> Vec<Hit> {
    let entry = |h: &Hit| &lexicon.entries[h.entry as usize];
    kept.sort_by_key(|h| (h.start, std::cmp::Reverse(h.len()), entry(h).precedence, entry(h).line, h.entry));
    let mut chosen: Vec<Hit> = Vec::with_capacity(kept.len());
    let mut best: Option<Hit> = None;
    for hit in kept {
        match best {
            Some(b) if hit.start == b.start && hit.end == b.end && entry(&hit).text == entry(&b).text => {
                chosen.push(hit);
            }
            Some(b) if hit.start < b.end => {
                vetoes.push(Veto { hit, theme: entry(&hit).theme, reason: VetoReason::Outranked { by: b } });
            }
            _ => {
                best = Some(hit);
                chosen.push(hit);
            }
        }
    }
    chosen
}

/// Adds each coded theme's ancestors that apply to the question, with the
/// descendants' evidence.
fn roll_up(lexicon: &CompiledLexicon, codes: &mut Vec<Code>, applies: &Applies) {
    // Every coded answer comes here: a flat codeframe's answer reads no theme.
    if !lexicon.is_nested() {
        return;
    }
    let children: Vec<Code> = codes.clone();
    for child in &children {
        for &ancestor in &lexicon.themes[child.theme as usize].ancestors {
            // A parent kept to other questions is not coded here (nor counted).
            if !applies.themes[ancestor as usize] {
                continue;
            }
            match codes.iter_mut().find(|c| c.theme == ancestor) {
                Some(c) => {
                    // Words count once per theme: where the parent's own entry and a
                    // child's matched overlapping words (`court`, `court fees`; LIWC
                    // lists a word under both), the longer match stands, as it would
                    // between two entries of one theme.
                    if child.hits.windows(2).all(|w| w[0].end <= w[1].start) {
                        c.hits = longer_stand(&c.hits, &child.hits).into();
                    } else {
                        for h in &child.hits {
                            if c.hits.iter().filter(|x| x.overlaps(h)).all(|x| x.len() < h.len()) {
                                c.hits.retain(|x| !x.overlaps(h));
                                c.hits.push(*h);
                            }
                        }
                    }
                    c.hits.sort();
                }
                None => codes.push(Code { theme: ancestor, hits: child.hits.clone(), via: Some(child.theme) }),
            }
        }
    }
    codes.sort_by_key(|c| c.theme);
}

/// An answer's exclusions by theme, each theme's in position order with the furthest
/// end so far: the first exclusion of a hit's theme that overlaps it is found by two
/// binary searches. (A scan back over every exclusion that might reach the hit, by the
/// longest exclusion, went back to the answer's start once one exclusion spanned it,
/// for every hit.)
struct ExclusionIndex<'a> {
    all: &'a [Hit],
    /// Indices into `all`, by theme, then position.
    order: Vec<u32>,
    /// Per entry of `order`, the furthest end of its theme's exclusions up to it.
    reach: Vec<u32>,
}

/// Up to this many exclusions in an answer are scanned rather than indexed.
const SCANNED_EXCLUSIONS: usize = 16;

impl<'a> ExclusionIndex<'a> {
    fn new(all: &'a [Hit]) -> ExclusionIndex<'a> {
        if all.len() <= SCANNED_EXCLUSIONS {
            return ExclusionIndex { all, order: Vec::new(), reach: Vec::new() };
        }
        let mut order: Vec<u32> = (0..all.len() as u32).collect();
        order.sort_unstable_by_key(|&i| (all[i as usize].theme, i));
        let mut reach = Vec::with_capacity(order.len());
        for (k, &i) in order.iter().enumerate() {
            let x = &all[i as usize];
            let before = (k > 0 && all[order[k - 1] as usize].theme == x.theme).then(|| reach[k - 1]);
            reach.push(before.map_or(x.end, |r: u32| r.max(x.end)));
        }
        ExclusionIndex { all, order, reach }
    }

    /// The first exclusion (in position order) of `hit`'s theme that overlaps it and
    /// that `counts`.
    fn first_over(&self, hit: &Hit, counts: impl Fn(&Hit) -> bool) -> Option<&'a Hit> {
        if self.all.len() <= SCANNED_EXCLUSIONS {
            return self.all.iter().find(|x| x.theme == hit.theme && x.overlaps(hit) && counts(x));
        }
        let lo = self.order.partition_point(|&i| self.all[i as usize].theme < hit.theme);
        let hi = lo + self.order[lo..].partition_point(|&i| self.all[i as usize].theme == hit.theme);
        // The first that ends past the hit's start, then on to the first that overlaps.
        let from = lo + self.reach[lo..hi].partition_point(|&r| r <= hit.start);
        let to = lo + self.order[lo..hi].partition_point(|&i| self.all[i as usize].start < hit.end);
        self.order[from..to.max(from)].iter().map(|&i| &self.all[i as usize]).find(|x| x.overlaps(hit) && counts(x))
    }
}

/// A parent's hits (sorted) with a child's (in order, none overlapping another): each
/// child hit longer than every parent hit it overlaps takes their place, as a child's
/// hits did one at a time, each with a scan of all the parent's hits (quadratic on one
/// long answer where both match throughout). Since the child's hits do not overlap,
/// none added changes what a later one overlaps; the parent hits a child hit overlaps
/// start less than the longest parent hit before it, a short range of the sorted list.
fn longer_stand(parent: &[Hit], child: &[Hit]) -> Vec<Hit> {
    let longest = parent.iter().map(Hit::len).max().unwrap_or(0);
    let mut removed = vec![false; parent.len()];
    let mut added = Vec::new();
    for h in child {
        let from = parent.partition_point(|x| x.start + longest <= h.start);
        let to = parent.partition_point(|x| x.start < h.end);
        let near = from..to.max(from);
        if near.clone().all(|i| removed[i] || !parent[i].overlaps(h) || parent[i].len() < h.len()) {
            for i in near.filter(|&i| parent[i].overlaps(h)) {
                removed[i] = true;
            }
            added.push(*h);
        }
    }
    parent.iter().zip(&removed).filter(|&(_, &r)| !r).map(|(x, _)| *x).chain(added).collect()
}

/// Whether `norm`, after a sentence-initial "no", shows that it answers a question:
/// a function word, or one contracted (`it's`, `they're`, `that's`, `i'm`).
fn answers(norm: &str) -> bool {
    let word = norm.split_once('\'').map_or(norm, |(w, _)| w);
    ANSWER_FOLLOWERS.contains(&word)
}

/// Where a particle negator stands against the negative particle that makes it negate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Particle {
    /// After it, at most three words on in its clause (`ne ... plus`, `n'y a plus`, `je
    /// n'ai vu personne`).
    NegatorAfter,
    /// Right before it, as a subject (`Personne ne m'a aidé`, "nobody helped me";
    /// `personne n'est venu`).
    NegatorBefore,
}

/// The particle that makes the word at `k`, one of the language's particle negators,
/// negate; `None` for any other word, for one with no particle in place, and for one
/// with a determiner right before it, which makes it a noun or a superlative (`il n'y
/// a qu'une personne`, "only one person"; `la personne ne m'a pas aidé` is negated by
/// its `pas` alone; `le plus`).
pub(crate) fn particle_of(tokens: &[Token], k: usize) -> Option<Particle> {
    let same_clause = |t: &Token| t.clause == tokens[k].clause;
    let particle = |t: &Token| same_clause(t) && t.flags().contains(TermFlags::NEGATIVE_PARTICLE);
    if !tokens[k].flags().contains(TermFlags::PARTICLE_NEGATOR)
        || (k > 0 && same_clause(&tokens[k - 1]) && tokens[k - 1].flags().contains(TermFlags::DETERMINER))
    {
        return None;
    }
    if tokens[k.saturating_sub(3)..k].iter().any(particle) {
        Some(Particle::NegatorAfter)
    } else if tokens.get(k + 1).is_some_and(particle) {
        Some(Particle::NegatorBefore)
    } else {
        None
    }
}

/// The token index of a negator that vetoes `hit`, if any.
fn negated(lexicon: &CompiledLexicon, scanner: &Scanner, hit: &Hit, theme: ThemeIdx) -> Option<u32> {
    let t = &lexicon.themes[theme as usize];
    if !t.options.negation {
        return None;
    }
    let tokens = scanner.tokens();
    let clause = tokens[hit.start as usize].clause;
    let language = lexicon.analyzer().options().language;
    let english = language == Language::English;
    let postpositive = |k: usize| tokens[k].flags().contains(TermFlags::POSTPOSITIVE);
    // The cheap test first, inlined: most words in a window negate nothing.
    let may_negate = |k: usize| {
        let flags = tokens[k].flags();
        flags.contains(TermFlags::NEGATOR) || flags.contains(TermFlags::PARTICLE_NEGATOR)
    };
    // `limit`: where the words it may negate start (a pseudo-negation, `not only`, is
    // one only before them).
    let is_negator = |k: usize, limit: usize| {
        if !tokens[k].flags().contains(TermFlags::NEGATOR) && particle_of(tokens, k).is_none() {
            return false;
        }
        let term = scanner.term(&tokens[k]);
        // "No they cost too much": a sentence-initial no/nope followed by a function
        // word answers the closed question; it does not negate what follows (whereas
        // "no cost" does).
        let sentence_start = k == 0 || tokens[k - 1].sentence != tokens[k].sentence;
        if sentence_start
            && english
            && ANSWER_WORDS.contains(&term.norm)
            && tokens.get(k + 1).is_some_and(|n| n.sentence == tokens[k].sentence && answers(scanner.term(n).norm))
        {
            return false;
        }
        let next = k + 1;
        let pseudo = next < tokens.len() && next < limit && tokens[next].flags().contains(TermFlags::PSEUDO_NEGATION);
        !pseudo
    };
    let window = t.negation_window as usize;
    // Before the match, and for a rule's two operands with words between them, before
    // the later one too, back to the first's end (`police did not ignore`).
    let start = hit.start as usize;
    let before = std::iter::once((start, 0, clause))
        .chain(scanner.gap(hit).map(|(from, to)| (to as usize, from as usize, tokens[to as usize].clause)));
    for (start, floor, clause) in before {
        for k in (start.saturating_sub(window).max(floor)..start).rev() {
            if tokens[k].clause != clause || tokens[k].flags().contains(TermFlags::CLAUSE_WORD) {
                break;
            }
            if may_negate(k) && is_negator(k, start) && !postpositive(k) {
                return Some(k as u32);
            }
        }
    }
    let after = t.negation_after as usize;
    // A postpositive negator reads the word right before it whatever `after` is.
    let has_postpositive = !lexicon.analyzer().options().postpositive_negators.is_empty();
    let reach = if has_postpositive { after.max(1) } else { after };
    let end = hit.end as usize;
    let last_clause = tokens[end - 1].clause;
    for (k, tok) in tokens.iter().enumerate().skip(end).take(reach) {
        if tok.clause != last_clause || tok.flags().contains(TermFlags::CLAUSE_WORD) {
            break;
        }
        // The words after the negator are all outside the match (`crowded, no doubt`).
        if may_negate(k) && is_negator(k, tokens.len()) && (k - end < after || postpositive(k)) {
            return Some(k as u32);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{Entry, Lexicon, Rule, Theme};
    use crate::text::Span;

    struct T {
        id: &'static str,
        entries: &'static [&'static str],
        exclude: &'static [&'static str],
        negation: bool,
        parent: Option<&'static str>,
    }

    const fn t(id: &'static str, entries: &'static [&'static str]) -> T {
        T { id, entries, exclude: &[], negation: true, parent: None }
    }

    fn compile(themes: &[T], overlap: OverlapScope) -> CompiledLexicon {
        let mut lex = Lexicon::new("t");
        lex.settings.overlap = overlap;
        for spec in themes {
            let mut th = Theme::new(spec.id);
            th.entries = spec.entries.iter().map(|e| Entry::new(Rule::parse(e).unwrap())).collect();
            th.exclusions = spec.exclude.iter().map(|e| Entry::new(Rule::parse(e).unwrap())).collect();
            th.options.negation = spec.negation;
            th.parent = spec.parent.map(String::from);
            lex.themes.push(th);
        }
        CompiledLexicon::new(&lex).unwrap()
    }

    fn coded(lex: &CompiledLexicon, text: &str) -> Vec<String> {
        let mut s = Scanner::new();
        s.scan(lex, text);
        code(lex, &s, &lex.applies(None)).codes.iter().map(|c| lex.themes[c.theme as usize].id.clone()).collect()
    }

    #[test]
    fn negation_vetoes_within_the_window_and_clause() {
        let lex = compile(&[t("cost", &["cost", "expensive"])], OverlapScope::Theme);
        assert_eq!(coded(&lex, "the cost is prohibitive"), ["cost"]);
        assert!(coded(&lex, "it was not expensive").is_empty());
        assert!(coded(&lex, "I don't think the cost matters").is_empty());
        assert!(coded(&lex, "never about cost").is_empty());
        // beyond the window of 3 words
        assert_eq!(coded(&lex, "not that I would say the cost was fine"), ["cost"]);
        // a clause boundary stops it
        assert_eq!(coded(&lex, "no, the cost is too high"), ["cost"]);
        // a clause word stops it
        assert_eq!(coded(&lex, "not quick but expensive"), ["cost"]);
        // pseudo-negation
        assert_eq!(coded(&lex, "not only expensive"), ["cost"]);
    }

    #[test]
    fn a_sentence_initial_no_answers_rather_than_negates() {
        let lex = compile(&[t("cost", &["cost", "legal aid"])], OverlapScope::Theme);
        assert_eq!(coded(&lex, "No they cost too much to get"), ["cost"]);
        assert_eq!(coded(&lex, "Nope. No because the legal aid is gone"), ["cost"]);
        assert!(coded(&lex, "there is no cost").is_empty());
        assert!(coded(&lex, "No cost to victims").is_empty());
        // a contracted function word answers too, whatever the apostrophe
        for text in ["No it's too costly", "No they're a cost", "No that's the cost", "No it\u{2019}s a cost"] {
            assert_eq!(coded(&lex, text), ["cost"], "{text}");
        }
        assert!(coded(&lex, "No cost's too small").is_empty());
    }

    #[test]
    fn a_pseudo_negation_after_the_match_does_not_negate() {
        let mut lex = Lexicon::new("t");
        lex.settings.negation_after = 2;
        let mut th = Theme::new("crowded");
        th.entries.push(Entry::new(Rule::parse("crowded").unwrap()));
        lex.themes.push(th);
        let lex = CompiledLexicon::new(&lex).unwrap();
        assert_eq!(coded(&lex, "it is crowded no doubt"), ["crowded"]);
        assert!(coded(&lex, "crowded not really").is_empty());
    }

    #[test]
    fn a_near_rule_matches_its_operands_words_not_those_between() {
        let lex = compile(&[t("fees", &["fee* NEAR/4 court", "legal aid"])], OverlapScope::Theme);
        let mut s = Scanner::new();
        s.scan(&lex, "the court said fees were high, and legal aid gone");
        let coding = code(&lex, &s, &lex.applies(None));
        assert_eq!(coding.codes[0].hits.len(), 2);
        assert_eq!(coding.matched_words(&coding.codes[0]), 4);
    }

    #[test]
    fn a_negator_inside_the_entry_does_not_veto_it() {
        let lex = compile(&[t("no_contact", &["no contact", "contact"])], OverlapScope::Theme);
        assert_eq!(coded(&lex, "No contact of any kind"), ["no_contact"]);
    }

    #[test]
    fn themes_can_turn_negation_off() {
        let lex = compile(&[T { negation: false, ..t("a", &["contact"]) }], OverlapScope::Theme);
        assert_eq!(coded(&lex, "not contact"), ["a"]);
    }

    #[test]
    fn exclusions_veto_where_they_occur() {
        let lex = compile(&[T { exclude: &["cost up"], ..t("cost", &["cost"]) }], OverlapScope::Theme);
        assert!(coded(&lex, "I had to cost up my own CCTV").is_empty());
        assert_eq!(coded(&lex, "I had to cost up my CCTV, and the cost of the order was huge"), ["cost"]);
    }

    #[test]
    fn longest_match_wins_within_a_theme_or_across_the_lexicon() {
        let themes = [t("legal", &["legal aid"]), t("support", &["aid"])];
        let per_theme = compile(&themes, OverlapScope::Theme);
        assert_eq!(coded(&per_theme, "no legal aid"), Vec::<String>::new()); // negated
        assert_eq!(coded(&per_theme, "legal aid"), ["legal", "support"]);
        let global = compile(&themes, OverlapScope::Lexicon);
        assert_eq!(coded(&global, "legal aid"), ["legal"]);
        assert_eq!(coded(&global, "legal aid and first aid"), ["legal", "support"]);
    }

    /// The overlap rule as defined: in each scope (a theme, or the lexicon), hits in
    /// order of length (longest first), then start, then entry; one stands unless it
    /// shares a word with one that stood, the earliest of which vetoes it.
    fn overlap_rule_by_definition(hits: &[Hit], per_theme: bool) -> (Vec<Hit>, Vec<(Hit, Hit)>) {
        let scope = |h: &Hit| if per_theme { h.theme } else { 0 };
        let mut order = hits.to_vec();
        order.sort_by_key(|h| (scope(h), std::cmp::Reverse(h.len()), h.start, h.entry));
        let (mut stood, mut vetoed) = (Vec::new(), Vec::new());
        for h in order {
            match stood.iter().filter(|c: &&Hit| scope(c) == scope(&h) && c.overlaps(&h)).min_by_key(|c| c.start) {
                Some(by) => vetoed.push((h, *by)),
                None => stood.push(h),
            }
        }
        stood.sort_by_key(|h| (h.theme, h.start, h.end, h.entry));
        vetoed.sort_by_key(|&(h, _)| (h.theme, h));
        (stood, vetoed)
    }

    proptest::proptest! {
        /// Up to 40 hits on 16 words: themes with none, one or many overlaps, and
        /// scopes of more than 16 hits (decided with the owner array).
        #[test]
        fn longest_wins_keeps_the_overlap_rule(
            raw in proptest::collection::vec((0u32..3, 0u32..14, 1u32..4, 0u32..4), 0..40),
            per_theme in proptest::bool::ANY,
        ) {
            // An entry belongs to one theme; the scanner hands hits over distinct and
            // in position order.
            let mut hits: Vec<Hit> = raw
                .iter()
                .map(|&(theme, start, len, e)| {
                    let end = (start + len).min(16);
                    Hit { start, end, entry: theme * 4 + e, theme, span: Span { start: start as usize, end: end as usize } }
                })
                .collect();
            hits.sort_unstable();
            hits.dedup();
            let mut vetoes = VetoSink { list: Vec::new(), keep: true };
            let stood = longest_wins(hits.clone(), per_theme, &mut vetoes, 16);
            let vetoed: Vec<(Hit, Hit)> = vetoes
                .into_sorted()
                .into_iter()
                .map(|v| match v.reason {
                    VetoReason::Overlapped { by } => (v.hit, by),
                    other => panic!("not an overlap: {other:?}"),
                })
                .collect();
            proptest::prop_assert_eq!((stood, vetoed), overlap_rule_by_definition(&hits, per_theme));
        }
    }

    proptest::proptest! {
        /// A child's disjoint hits stand against the parent's as when each was checked
        /// against all of them in turn.
        #[test]
        fn longer_stand_is_the_rule_hit_by_hit(
            parent in proptest::collection::vec((0u32..30, 1u32..6), 0..30),
            child in proptest::collection::vec((0u32..6, 1u32..4), 0..12),
        ) {
            let hit = |start: u32, len: u32, entry: u32| Hit { start, end: start + len, entry, theme: 0, span: Span { start: start as usize, end: (start + len) as usize } };
            let mut parent: Vec<Hit> = parent.iter().map(|&(s, l)| hit(s, l, 0)).collect();
            parent.sort_unstable();
            parent.dedup();
            // Disjoint and in order: each starts a gap after the last one's end.
            let mut at = 0;
            let child: Vec<Hit> = child.iter().map(|&(gap, l)| { let h = hit(at + gap, l, 1); at = h.end; h }).collect();
            let mut want = parent.clone();
            for h in &child {
                if want.iter().filter(|x| x.overlaps(h)).all(|x| x.len() < h.len()) {
                    want.retain(|x| !x.overlaps(h));
                    want.push(*h);
                }
            }
            want.sort();
            let mut got = longer_stand(&parent, &child);
            got.sort();
            proptest::prop_assert_eq!(got, want);
        }
    }

    proptest::proptest! {
        /// The index finds the first overlapping exclusion of the hit's theme that
        /// counts, as a scan of every exclusion in position order does (answers of up
        /// to 16 exclusions are scanned; more are indexed).
        #[test]
        fn exclusion_index_finds_the_first_overlapping_exclusion(
            raw in proptest::collection::vec((0u32..3, 0u32..30, 1u32..12, 0u32..3), 0..48),
            hit in (0u32..3, 0u32..30, 1u32..4),
        ) {
            let h = |theme: u32, start: u32, len: u32, entry: u32| Hit { start, end: start + len, entry, theme, span: Span { start: start as usize, end: (start + len) as usize } };
            let mut all: Vec<Hit> = raw.iter().map(|&(t, s, l, e)| h(t, s, l, e)).collect();
            all.sort_unstable();
            all.dedup();
            let hit = h(hit.0, hit.1, hit.2, 9);
            let counts = |x: &Hit| x.entry != 2;
            let want = all.iter().find(|x| x.theme == hit.theme && counts(x) && x.overlaps(&hit));
            proptest::prop_assert_eq!(ExclusionIndex::new(&all).first_over(&hit, counts), want);
        }
    }

    #[test]
    fn a_span_counts_once_per_theme() {
        let lex = compile(&[t("a", &["stalk*", "stalking", "stalking behaviour"])], OverlapScope::Theme);
        let mut s = Scanner::new();
        s.scan(&lex, "stalking behaviour");
        let c = code(&lex, &s, &lex.applies(None));
        assert_eq!(c.codes[0].hits.len(), 1);
        assert_eq!(c.vetoes.len(), 2);
    }

    #[test]
    fn parents_roll_up_once() {
        let lex = compile(
            &[
                t("restrictions", &[]),
                T { parent: Some("restrictions"), ..t("online", &["facebook"]) },
                T { parent: Some("restrictions"), ..t("geo", &["street"]) },
            ],
            OverlapScope::Theme,
        );
        let mut s = Scanner::new();
        s.scan(&lex, "off facebook and off my street");
        let c = code(&lex, &s, &lex.applies(None));
        let ids: Vec<u32> = c.codes.iter().map(|c| c.theme).collect();
        assert_eq!(ids, [0, 1, 2]);
        assert_eq!(c.codes[0].hits.len(), 2);
        assert_eq!(c.codes[0].via, Some(1));
    }

    fn from_toml(text: &str) -> CompiledLexicon {
        let lex = Lexicon::from_str_with_path(text, std::path::Path::new("t.toml")).unwrap();
        CompiledLexicon::new(&lex).unwrap()
    }

    fn coded_in(lex: &CompiledLexicon, question: Option<&str>, text: &str) -> Vec<String> {
        let mut s = Scanner::new();
        s.scan(lex, text);
        code(lex, &s, &lex.applies(question)).codes.iter().map(|c| lex.themes[c.theme as usize].id.clone()).collect()
    }

    #[test]
    fn weights_add_up_to_a_threshold() {
        let lex = from_toml(
            r#"[[theme]]
id = "low"
threshold = 1.0
terms = ["coincidence", { term = "small", weight = 0.5 }, { term = "minor", weight = 0.5 }]"#,
        );
        assert_eq!(coded_in(&lex, None, "could be coincidence"), ["low"]);
        assert!(coded_in(&lex, None, "a small thing").is_empty());
        assert_eq!(coded_in(&lex, None, "a small, minor thing"), ["low"]);
    }

    #[test]
    fn skipping_the_vetoes_codes_the_same() {
        // One answer with a hit vetoed for each reason: negated, excluded, overlapped,
        // below threshold, kept to another question, blocked by a NOTNEAR rule.
        let lex = from_toml(
            r#"[[theme]]
id = "cost"
terms = ["fee", "court fees", "fee NOTNEAR/2 parking", { term = "pay", questions = ["q2"] }]
exclude = ["fee waiver"]

[[theme]]
id = "low"
threshold = 1.0
terms = [{ term = "small", weight = 0.5 }]

[[theme]]
id = "delay"
terms = ["wait*", "long wait"]"#,
        );
        let text = "Court fees, no fee, a fee waiver and the parking fee. We pay a small sum \
                    after a long wait, not waiting. The fee was fine.";
        let mut s = Scanner::new();
        s.scan(&lex, text);
        let applies = lex.applies(Some("q1"));
        let listed = code_with(&lex, &s, &applies, Vetoes::List);
        let skipped = code_with(&lex, &s, &applies, Vetoes::Skip);
        let reasons: std::collections::BTreeSet<String> = listed
            .vetoes
            .iter()
            .map(|v| format!("{:?}", v.reason).split([' ', '{']).next().unwrap().to_string())
            .collect();
        assert_eq!(
            reasons.into_iter().collect::<Vec<_>>(),
            ["BelowThreshold", "Blocked", "Excluded", "Negated", "NotAsked", "Overlapped"]
        );
        assert_eq!(skipped.codes, listed.codes);
        assert_eq!((skipped.words, &skipped.gaps), (listed.words, &listed.gaps));
        assert!(skipped.vetoes.is_empty());
        assert_eq!(code(&lex, &s, &applies), listed);
    }

    #[test]
    fn a_negator_list_replaces_the_built_in_one_and_names_n_t_to_keep_contractions() {
        let lexicon = |negators: &str| {
            from_toml(&format!("[settings]\nnegators = [{negators}]\n[[theme]]\nid = \"help\"\nterms = [\"helpful\"]"))
        };
        let own = lexicon("\"nae\"");
        assert_eq!(coded_in(&own, None, "it was not helpful"), ["help"]);
        assert_eq!(coded_in(&own, None, "it wasn't helpful"), ["help"]);
        assert!(coded_in(&own, None, "it was nae helpful").is_empty());
        let with_contractions = lexicon("\"nae\", \"n't\"");
        assert!(coded_in(&with_contractions, None, "it wasn't helpful").is_empty());
        assert_eq!(coded_in(&with_contractions, None, "it was not helpful"), ["help"]);
        assert!(
            coded_in(&from_toml("[[theme]]\nid = \"h\"\nterms = [\"helpful\"]"), None, "it wasn't helpful").is_empty()
        );
    }

    /// A negator between a rule's operands was taken as part of the match, so `police
    /// BEFORE/4 ignor*` coded "police did not ignore me" (the meaning inverted).
    #[test]
    fn a_negator_between_a_rules_operands_negates_the_later_one() {
        let lex = from_toml(
            "[[theme]]\nid = \"ignored\"\nterms = [\"police BEFORE/4 ignor*\"]\n\
             [[theme]]\nid = \"helped\"\nterms = [\"police NEAR/4 help*\"]\n",
        );
        for text in ["police never ignored me", "police did not ignore me", "police were not helpful"] {
            assert!(coded_in(&lex, None, text).is_empty(), "{text:?}");
        }
        assert_eq!(coded_in(&lex, None, "the police ignored me"), ["ignored"]);
        // A pseudo-negation in the gap is none; nor is a negator the window does not reach.
        assert_eq!(coded_in(&lex, None, "police did not only help"), ["helped"]);
        let far =
            from_toml("[settings]\nnegation_window = 1\n[[theme]]\nid = \"i\"\nterms = [\"police BEFORE/5 ignor*\"]");
        assert_eq!(coded_in(&far, None, "police did not really ignore"), ["i"]);
    }

    #[test]
    fn entries_can_be_scoped_to_questions() {
        let lex = from_toml(
            r#"[[theme]]
id = "a"
questions = ["q3", "q8"]
terms = ["understand", { term = "serious*", questions = ["q3"] }]"#,
        );
        assert_eq!(coded_in(&lex, Some("q3"), "they did not take it seriously at all, ever"), Vec::<String>::new());
        assert_eq!(coded_in(&lex, Some("q3"), "treated as serious"), ["a"]);
        assert!(coded_in(&lex, Some("q8"), "treated as serious").is_empty());
        assert_eq!(coded_in(&lex, Some("q8"), "their understanding is poor"), ["a"]);
    }

    #[test]
    fn exclusions_match_exact_wordings_and_may_be_rules() {
        let lex = from_toml(
            r#"[[theme]]
id = "home"
negation = false
terms = ["house", "home"]
exclude = ["housing", "home NEAR/2 office", { regex = "\\bhouse (?:of|party)\\b" }]"#,
        );
        // "housing" is excluded, not "house" (stems would make them the same)
        assert_eq!(coded_in(&lex, None, "keep away from my house"), ["home"]);
        assert!(coded_in(&lex, None, "the Home Office said").is_empty());
        assert!(coded_in(&lex, None, "a house party").is_empty());
    }

    #[test]
    fn themes_count_only_in_their_questions() {
        let lex = compile(&[t("a", &["cost"]), t("b", &["cost"])], OverlapScope::Theme);
        let mut s = Scanner::new();
        s.scan(&lex, "cost");
        let applies = Applies { themes: vec![false, true], entries: None };
        let c = code(&lex, &s, &applies);
        assert_eq!(c.codes.len(), 1);
        assert_eq!(c.codes[0].theme, 1);
    }

    /// A LIWC-rule lexicon from `(theme, entries)`, entries in dictionary syntax.
    fn liwc(themes: &[(&str, &[&str])]) -> CompiledLexicon {
        let mut text = String::from("%\n");
        for (i, (id, _)) in themes.iter().enumerate() {
            text.push_str(&format!("{}\t{id}\n", i + 1));
        }
        text.push_str("%\n");
        for (i, (_, entries)) in themes.iter().enumerate() {
            for e in *entries {
                text.push_str(&format!("{e}\t{}\n", i + 1));
            }
        }
        let lex = Lexicon::from_str_with_path(&text, std::path::Path::new("t.dic")).unwrap();
        CompiledLexicon::new(&lex).unwrap()
    }

    /// (theme, words counted, matches) per coded theme.
    fn counts(lex: &CompiledLexicon, text: &str) -> Vec<(String, u64, usize)> {
        let mut s = Scanner::new();
        s.scan(lex, text);
        let coding = code(lex, &s, &lex.applies(None));
        coding
            .codes
            .iter()
            .map(|c| (lex.themes[c.theme as usize].id.clone(), coding.matched_words(c), c.hits.len()))
            .collect()
    }

    fn row(theme: &str, words: u64, matches: usize) -> (String, u64, usize) {
        (theme.to_string(), words, matches)
    }

    #[test]
    fn liwc_a_literal_entry_beats_a_wildcard_for_the_whole_lexicon() {
        let lex = liwc(&[("care", &["care"]), ("vehicle", &["car*"])]);
        assert_eq!(counts(&lex, "care cars"), [row("care", 1, 1), row("vehicle", 1, 1)]);
        let lex = liwc(&[("a", &["happ*", "happiness"]), ("b", &["happ*"])]);
        // one word, one entry: `happiness` (literal) wins, so `b` gets nothing
        assert_eq!(counts(&lex, "happiness"), [row("a", 1, 1)]);
        assert_eq!(counts(&lex, "happy"), [row("a", 1, 1), row("b", 1, 1)]);
    }

    #[test]
    fn liwc_the_longer_wildcard_wins_and_leading_stars_come_last() {
        let lex = liwc(&[("short", &["ab*"]), ("long", &["abc*"]), ("suffix", &["*ness"])]);
        assert_eq!(counts(&lex, "abcde"), [row("long", 1, 1)]);
        assert_eq!(counts(&lex, "abness"), [row("short", 1, 1)]);
        assert_eq!(counts(&lex, "goodness"), [row("suffix", 1, 1)]);
    }

    #[test]
    fn liwc_reads_left_to_right_longest_at_each_word() {
        // not the globally longest match: `a b` starts first and consumes `b`
        let lex = liwc(&[("x", &["a b"]), ("y", &["b c d"]), ("z", &["c", "d"])]);
        assert_eq!(counts(&lex, "a b c d"), [row("x", 2, 1), row("z", 2, 2)]);
        let mut s = Scanner::new();
        s.scan(&lex, "a b c d");
        let vetoes = code(&lex, &s, &lex.applies(None)).vetoes;
        assert_eq!(vetoes.len(), 1);
        assert!(matches!(vetoes[0].reason, VetoReason::Outranked { by } if (by.start, by.end) == (0, 2)));
        assert_eq!(counts(&lex, "b c d"), [row("y", 3, 1)]);
    }

    #[test]
    fn liwc_a_term_in_several_categories_counts_in_each_once() {
        let lex = liwc(&[("a", &["kind of", "kind*"]), ("b", &["kind of"]), ("c", &["of"])]);
        // `kind of` counts 2 words in a and b; `of` is consumed, so c gets nothing
        assert_eq!(counts(&lex, "kind of, kind, kinder"), [row("a", 4, 3), row("b", 2, 1)]);
    }

    #[test]
    fn liwc_phrases_run_across_punctuation() {
        let lex = liwc(&[("a", &["kind of"])]);
        assert_eq!(counts(&lex, "kind, of"), [row("a", 2, 1)]);
        assert_eq!(counts(&lex, "kind. Of"), [row("a", 2, 1)]);
    }

    #[test]
    fn liwc_parents_count_only_their_own_entries() {
        let text = "%\n1\taffect\n\t2\tposemo\n%\nhappy\t1\t2\njoy\t2\n";
        let lex =
            CompiledLexicon::new(&Lexicon::from_str_with_path(text, std::path::Path::new("t.dic")).unwrap()).unwrap();
        assert_eq!(lex.themes[1].parent, Some(0));
        assert_eq!(counts(&lex, "happy joy"), [row("affect", 1, 1), row("posemo", 2, 2)]);
    }

    #[test]
    fn a_span_a_parent_and_its_child_both_list_counts_once_for_the_parent() {
        let lex = compile(
            &[t("affect", &["happy"]), T { parent: Some("affect"), ..t("posemo", &["happy", "joy"]) }],
            OverlapScope::Theme,
        );
        let mut s = Scanner::new();
        s.scan(&lex, "happy joy");
        let c = code(&lex, &s, &lex.applies(None));
        assert_eq!(c.codes[0].hits.len(), 2); // happy (once) and joy
        assert_eq!(c.matched_words(&c.codes[0]), 2);
    }

    /// A parent's own match and a child's overlapping one (`court`, `court fees`) are
    /// one match for the parent, the longer; and a parent kept to other questions is
    /// not coded where only its child applies.
    #[test]
    fn a_parent_counts_overlapping_words_once_and_only_where_it_applies() {
        let parent = t("money", &["court"]);
        let mut lex = Lexicon::new("t");
        for spec in [parent, T { parent: Some("money"), ..t("fees", &["court fees", "fees"]) }] {
            let mut th = Theme::new(spec.id);
            th.entries = spec.entries.iter().map(|e| Entry::new(Rule::parse(e).unwrap())).collect();
            th.parent = spec.parent.map(String::from);
            lex.themes.push(th);
        }
        lex.themes[0].questions = vec!["q3".into()];
        let lex = CompiledLexicon::new(&lex).unwrap();
        let mut s = Scanner::new();
        s.scan(&lex, "court fees");
        let c = code(&lex, &s, &lex.applies(Some("q3")));
        assert_eq!(c.codes[0].theme, 0);
        assert_eq!(c.codes[0].hits.iter().map(|h| (h.start, h.end)).collect::<Vec<_>>(), [(0, 2)]);
        assert_eq!(c.matched_words(&c.codes[0]), 2);
        s.scan(&lex, "the fees");
        let c = code(&lex, &s, &lex.applies(Some("q4")));
        assert_eq!(c.codes.iter().map(|c| c.theme).collect::<Vec<_>>(), [1]);
    }

    /// A lexicon in TOML with `settings`, compiled.
    fn toml_lexicon(settings: &str, themes: &str) -> CompiledLexicon {
        let text = format!("name = \"l\"\n[settings]\n{settings}\n{themes}");
        CompiledLexicon::new(&Lexicon::from_str_with_path(&text, std::path::Path::new("l.toml")).unwrap()).unwrap()
    }

    /// French: its stemmer, its negators (`pas`, `jamais`, `sans`), its clause words
    /// (`mais`), elided articles dropped (`l'église` is `église`, as the entry is),
    /// accents folded after stemming, pseudo-negations (`non seulement`, `sans doute`).
    #[test]
    fn french_answers_code_with_french_words() {
        let lex = toml_lexicon(
            "language = \"french\"",
            "[[theme]]\nid = \"cost\"\nterms = [\"coût\", \"cher\"]\n\
             [[theme]]\nid = \"church\"\nterms = [\"église\", \"lieu de culte\"]\n\
             [[theme]]\nid = \"police\"\nterms = [\"policier\"]\nexact = [\"gendarmerie\"]\n",
        );
        assert_eq!(coded(&lex, "Les coûts sont trop élevés"), ["cost"]);
        assert_eq!(coded(&lex, "C'est trop CHER pour nous"), ["cost"]);
        assert!(coded(&lex, "Ce n'est pas cher").is_empty());
        assert!(coded(&lex, "Je n'ai jamais eu de coûts").is_empty());
        assert!(coded(&lex, "sans coût").is_empty());
        assert_eq!(coded(&lex, "pas la police, mais le coût"), ["cost"]);
        assert_eq!(coded(&lex, "pas trop mais cher"), ["cost"]);
        assert_eq!(coded(&lex, "non seulement cher"), ["cost"]);
        assert_eq!(coded(&lex, "sans doute cher"), ["cost"]);
        // Elision, with either apostrophe, in answers and entries alike.
        assert_eq!(coded(&lex, "près de l'église"), ["church"]);
        assert_eq!(coded(&lex, "près de l\u{2019}Eglise"), ["church"]);
        assert_eq!(coded(&lex, "les églises du village"), ["church"]);
        assert_eq!(coded(&lex, "un lieu de culte"), ["church"]);
        // Stems of the French algorithm, accents or not.
        assert_eq!(coded(&lex, "les policiers"), ["police"]);
        assert_eq!(coded(&lex, "la GENDARMERIE"), ["police"]);
        assert!(coded(&lex, "les gendarmeries").is_empty(), "an exact word is not stemmed");
        // English rules do not apply: `not` negates nothing, `n't` is a word.
        assert_eq!(coded(&lex, "not cher"), ["cost"]);
        // Globs and case-sensitive entries lose the article as words do.
        let lex = toml_lexicon(
            "language = \"fr\"",
            "[[theme]]\nid = \"church\"\nterms = [\"l'égl*\"]\n\
             [[theme]]\nid = \"name\"\ncase_sensitive = true\nterms = [\"Église\", \"l'Ordre\"]\n",
        );
        assert_eq!(coded(&lex, "dans l'église"), ["church"]);
        assert_eq!(coded(&lex, "les églises"), ["church"]);
        assert_eq!(coded(&lex, "L\u{2019}Église"), ["church", "name"]);
        assert_eq!(coded(&lex, "Ordre des avocats"), ["name"]);
        assert!(coded(&lex, "l'ordre").is_empty());
    }

    /// Spanish "No es caro" negates (English's "No it's ..." answers the question);
    /// `sin embargo` ("however") is no negation.
    #[test]
    fn spanish_no_negates_at_the_start_of_a_sentence() {
        let lex = toml_lexicon("language = \"es\"", "[[theme]]\nid = \"cost\"\nterms = [\"caro\"]\n");
        assert!(coded(&lex, "No es caro").is_empty());
        assert!(coded(&lex, "nunca fue caro").is_empty());
        assert_eq!(coded(&lex, "sin embargo, caro"), ["cost"]);
        assert_eq!(coded(&lex, "Sin embargo es caro"), ["cost"]);
        assert_eq!(coded(&lex, "son muy caros"), ["cost"]);
        let english = toml_lexicon("", "[[theme]]\nid = \"cost\"\nterms = [\"expensive\"]\n");
        assert_eq!(coded(&english, "No it's expensive"), ["cost"]);
    }

    /// Answers typed without accents meet accented entries: a language stemmed as
    /// written strips accented suffixes a bare word lacks (`securite` stemmed
    /// `securit`, `sécurité` `secur`), so `SECURITE` coded nothing before.
    #[test]
    fn unaccented_answers_meet_accented_entries() {
        let check = |language: &str, entry: &str, answers: &[&str]| {
            let lex = toml_lexicon(
                &format!("language = \"{language}\""),
                &format!("[[theme]]\nid = \"t\"\nterms = [\"{entry}\"]\n"),
            );
            for answer in answers {
                assert_eq!(coded(&lex, answer), ["t"], "{language}: {answer}");
            }
        };
        check("fr", "sécurité", &["sécurité", "SECURITE", "securite", "sécurités", "securites", "Sécurite"]);
        check("es", "policía", &["policía", "policia", "POLICIAS", "policías"]);
        check("es", "educación", &["educacion", "EDUCACIÓN", "educación"]);
        check("it", "sanità", &["sanita", "SANITÀ", "sanità"]);
        check("pt", "educação", &["educacao", "educações", "EDUCAÇÃO"]);
        check("ro", "siguranță", &["siguranta", "siguranța", "siguranţă"]);
        // The entry's own stem still negates as before.
        let lex = toml_lexicon("language = \"fr\"", "[[theme]]\nid = \"t\"\nterms = [\"sécurité\"]\n");
        assert!(coded(&lex, "pas de securite").is_empty());
    }

    /// Arabic writes `و` ("and") onto the negator: `ولا يوجد الأمن` ("and there is no
    /// security") coded security before.
    #[test]
    fn arabic_negators_with_the_conjunction_negate() {
        let lex = toml_lexicon("language = \"ar\"", "[[theme]]\nid = \"t\"\nterms = [\"الأمن\"]\n");
        assert_eq!(coded(&lex, "الأمن جيد"), ["t"]);
        assert!(coded(&lex, "لا يوجد الأمن").is_empty());
        assert!(coded(&lex, "ولا يوجد الأمن").is_empty());
    }

    /// Russian `никаких` ("no ... at all") and `нельзя` ("one cannot") were no
    /// negators, so "никаких улучшений" coded improvement.
    #[test]
    fn russian_common_negators_negate() {
        let lex = toml_lexicon("language = \"ru\"", "[[theme]]\nid = \"t\"\nterms = [\"улучшение\", \"купить\"]\n");
        assert_eq!(coded(&lex, "Улучшения есть"), ["t"]);
        for negated in ["НИКАКИХ УЛУЧШЕНИЙ", "никаких улучшений", "нельзя купить лекарства", "Не вижу улучшений"]
        {
            assert!(coded(&lex, negated).is_empty(), "{negated}");
        }
    }

    /// Turkish `yok` and `değil` follow what they negate: "GÜVENLİK YOK" ("no
    /// security") coded, and "sorun yok güvenlik iyi" ("no problem, security is fine")
    /// was vetoed, before.
    #[test]
    fn turkish_postpositive_negators_negate_the_word_before_them() {
        let lex = toml_lexicon("language = \"tr\"", "[[theme]]\nid = \"t\"\nterms = [\"güvenlik\", \"pahalı\"]\n");
        for negated in
            ["GÜVENLİK YOK", "güvenlik yok", "pahalı değil", "PAHALI DEĞİL", "güvenlik olmadan", "hiç güvenlik"]
        {
            assert!(coded(&lex, negated).is_empty(), "{negated}");
        }
        for coded_ in ["sorun yok güvenlik iyi", "güvenlik iyi", "değil güvenlik", "güvenlik çok yok"] {
            assert_eq!(coded(&lex, coded_), ["t"], "{coded_}");
        }
        // `negation_after` reaches further.
        let lex =
            toml_lexicon("language = \"tr\"\nnegation_after = 2", "[[theme]]\nid = \"t\"\nterms = [\"güvenlik\"]\n");
        assert!(coded(&lex, "güvenlik çok yok").is_empty());
    }

    /// French `ne ... plus` ("no longer") negates: `plus` alone is "more", and `ne`
    /// negates nothing alone (`ne ... que` is "only"), so "je ne fais plus confiance"
    /// coded trust before.
    #[test]
    fn french_ne_plus_negates_and_plus_alone_does_not() {
        let lex = toml_lexicon("language = \"fr\"", "[[theme]]\nid = \"t\"\nterms = [\"confiance\", \"médecin\"]\n");
        for negated in [
            "Je ne fais plus confiance au gouvernement",
            "Je n'ai plus confiance",
            "Je n’ai plus CONFIANCE",
            "il n'y a plus de médecin",
            "On ne lui fait plus confiance",
        ] {
            assert!(coded(&lex, negated).is_empty(), "{negated}");
        }
        for coded_ in
            ["plus de confiance", "Plus de médecins", "je n'ai que confiance", "ce n'est pas loin, plus de médecins"]
        {
            assert_eq!(coded(&lex, coded_), ["t"], "{coded_}");
        }
    }

    /// French `ne ... personne` ("nobody") negates as `ne ... plus` does; `personne`
    /// alone is "person", and after a determiner it is one even after `ne` (`il n'y a
    /// qu'une personne`, "only one person"; `n'importe quelle personne`, "anyone").
    #[test]
    fn french_ne_personne_negates_and_personne_alone_does_not() {
        let lex = toml_lexicon(
            "language = \"fr\"",
            "[[theme]]\nid = \"t\"\nterms = [\"accueil\", \"aide\", \"écoute\", \"confiance\"]\n",
        );
        for negated in [
            "Il n'y a personne à l'accueil",
            "Je n'ai trouvé personne pour l'accueil",
            "Je ne trouve personne de confiance",
            "ne demandez personne pour de l'aide",
            "Il n'y a PERSONNE à l’accueil",
            // `personne` as the subject, right before its `ne`: "nobody".
            "Personne ne m'a aidé",
            "Personne n'est à l'accueil",
            "Mais personne ne m’écoute",
            "et personne ne m'a aidé",
            // `guère` and `nullement` negate alone or after `ne`.
            "Je n'ai guère confiance",
            "Il n'y a nullement d'écoute",
            "guère d'aide",
        ] {
            assert!(coded(&lex, negated).is_empty(), "{negated}");
        }
        for coded_ in [
            "Une personne à l'accueil était gentille",
            "la personne de l'accueil",
            "Personne très à l'écoute",
            "Il n'y a qu'une personne à l'accueil",
            "On n'a qu'une seule personne à l'accueil",
            "N'importe quelle personne à l'accueil",
            "Ce n'est pas grave, personne à l'accueil",
            "je n'ai que de l'aide",
            // After a determiner, `personne` is "person" before `ne` too.
            "La personne n'a que de l'écoute",
            "Une personne ne donne que de l'aide",
            // `ne` after the word, not right after `personne`.
            "Personne à l'accueil, on ne sait pas pourquoi",
        ] {
            assert_eq!(coded(&lex, coded_), ["t"], "{coded_}");
        }
    }

    /// The particle negators are part of the built-in list: a lexicon's `negators`
    /// replaces them with the rest (`plus` and `personne` after `ne` negated under a
    /// list that named neither), and `particle_negators` names them again.
    #[test]
    fn particle_negators_follow_the_lexicons_negators() {
        let terms = "[[theme]]\nid = \"t\"\nterms = [\"confiance\"]\n";
        let answers = ["Je n'ai plus confiance", "Je ne trouve personne de confiance", "Pas confiance"];
        let vetoed = |settings: &str| -> Vec<bool> {
            let lex = toml_lexicon(&format!("language = \"fr\"\n{settings}"), terms);
            answers.iter().map(|a| coded(&lex, a).is_empty()).collect()
        };
        assert_eq!(vetoed(""), [true, true, true]);
        assert_eq!(vetoed("extra_negators = [\"sauf\"]"), [true, true, true]);
        assert_eq!(vetoed("negators = [\"pas\"]"), [false, false, true]);
        assert_eq!(vetoed("negators = [\"pas\"]\nparticle_negators = [\"plus\"]"), [true, false, true]);
        assert_eq!(vetoed("negators = [\"pas\"]\nparticle_negators = [\"plus\", \"personne\"]"), [true, true, true]);
        assert_eq!(vetoed("particle_negators = []"), [false, false, true]);
        assert_eq!(vetoed("negators = []\nparticle_negators = [\" Plus \"]"), [true, false, false]);
    }

    /// German typed without umlauts meets entries with them, and entries typed
    /// without them meet answers with them; words, stems and globs alike.
    #[test]
    fn german_umlauts_typed_as_ae_oe_ue_meet() {
        let with = toml_lexicon(
            "language = \"de\"",
            "[[theme]]\nid = \"t\"\nterms = [\"für\", \"Gebühren\", \"müde\", \"Ärzte\", \"schön\", \"Prüf*\"]\n\
             [[theme]]\nid = \"e\"\nexact = [\"Tür\"]\n[[theme]]\nid = \"s\"\nterms = [\"Straße\"]\n",
        );
        let without = toml_lexicon(
            "language = \"de\"",
            "[[theme]]\nid = \"t\"\nterms = [\"fuer\", \"Gebuehren\", \"muede\", \"Aerzte\", \"schoen\", \"Pruef*\"]\n\
             [[theme]]\nid = \"e\"\nexact = [\"Tuer\"]\n[[theme]]\nid = \"s\"\nterms = [\"Strasse\"]\n",
        );
        for lex in [&with, &without] {
            for answer in [
                "fuer mich",
                "für mich",
                "hohe Gebuehren",
                "GEBÜHREN",
                "Gebühr",
                "ich bin muede",
                "MÜDE",
                "die Aerzte",
                "Ärzte",
                "AERZTE",
                "Arzt",
                "schoen",
                "schön",
                "schöner",
                "Pruefungen",
                "Prüfung",
            ] {
                assert_eq!(coded(lex, answer), ["t"], "{answer}");
            }
            for answer in ["die Tuer", "die Tür", "TÜR"] {
                assert_eq!(coded(lex, answer), ["e"], "{answer}");
            }
            for answer in ["Strasse", "Straße", "STRASSE"] {
                assert_eq!(coded(lex, answer), ["s"], "{answer}");
            }
            // Negation still reads the words around.
            assert!(coded(lex, "keine Gebuehren").is_empty());
        }
        // `Feuer`, `Steuer`, `Quelle` meet themselves and their forms, not others.
        let lex = toml_lexicon(
            "language = \"de\"",
            "[[theme]]\nid = \"f\"\nterms = [\"Feuer\"]\n[[theme]]\nid = \"s\"\nterms = [\"Steuer\", \"steuer*\"]\n\
             [[theme]]\nid = \"q\"\nterms = [\"Quelle\"]\n[[theme]]\nid = \"n\"\nterms = [\"neu\"]\n",
        );
        for (answer, want) in [
            ("Feuer", "f"),
            ("des Feuers", "f"),
            ("die Steuern", "s"),
            ("Steuererklärung", "s"),
            ("Quellen", "q"),
            ("die neue", "n"),
            ("neuen", "n"),
        ] {
            assert_eq!(coded(&lex, answer), [want], "{answer}");
        }
        for answer in ["für", "Tür", "stur", "Quäle"] {
            assert!(coded(&lex, answer).is_empty(), "{answer}");
        }
    }

    /// Russian `ё` reads as `е`, in entries and answers: `ещё` meets `еще`, `всё` `все`.
    #[test]
    fn russian_yo_meets_ye() {
        let lex = toml_lexicon(
            "language = \"ru\"",
            "[[theme]]\nid = \"t\"\nterms = [\"всё\", \"ёлка\"]\n[[theme]]\nid = \"g\"\nterms = [\"ещ*\", \"самолет\"]\n",
        );
        for (answer, want) in [
            ("ВСЕ", &["t"][..]),
            ("всё", &["t"]),
            ("елки", &["t"]),
            ("ЁЛКИ", &["t"]),
            ("еще", &["g"]),
            ("ещё", &["g"]),
            ("самолёт", &["g"]),
            ("самолеты", &["g"]),
        ] {
            assert_eq!(coded(&lex, answer), want, "{answer}");
        }
        assert!(coded(&lex, "не всё").is_empty());
    }

    /// Greek capitals drop the tonos by convention, and fast typing often does: `ΟΧΙ`,
    /// `ΧΩΡΙΣ` and `ποτε` negate as `όχι`, `χωρίς` and `ποτέ` do (they coded before).
    #[test]
    fn greek_negators_negate_without_their_accents() {
        let lex = toml_lexicon("language = \"el\"", "[[theme]]\nid = \"safety\"\nterms = [\"ασφάλεια\"]\n");
        assert_eq!(coded(&lex, "ΑΣΦΑΛΕΙΑ"), ["safety"]);
        for negated in ["ΟΧΙ ΑΣΦΑΛΕΙΑ", "Όχι ασφάλεια", "ΧΩΡΙΣ ΑΣΦΑΛΕΙΑ", "ποτε ασφαλεια", "ΔΕΝ ΕΧΕΙ ΑΣΦΑΛΕΙΑ"]
        {
            assert!(coded(&lex, negated).is_empty(), "{negated}");
        }
        // A clause word without its tonos still stops the negation.
        assert_eq!(coded(&lex, "ΟΧΙ ΤΙΜΕΣ ΑΛΛΑ ΑΣΦΑΛΕΙΑ"), ["safety"]);
    }

    /// German, where a negator often follows what it negates: `negation_after` reads it.
    #[test]
    fn german_negators_and_stems() {
        let lex = toml_lexicon(
            "language = \"german\"\nnegation_after = 2",
            "[[theme]]\nid = \"cost\"\nterms = [\"Kosten\", \"teuer\"]\n",
        );
        assert_eq!(coded(&lex, "Die Kosten sind zu hoch"), ["cost"]);
        assert!(coded(&lex, "keine Kosten").is_empty());
        // `keinerlei` was no negator ("keinerlei Kosten" coded cost).
        assert!(coded(&lex, "Keinerlei Kosten").is_empty());
        assert!(coded(&lex, "es ist teuer nicht").is_empty());
        assert_eq!(coded(&lex, "nicht nur teuer"), ["cost"]);
        assert_eq!(coded(&lex, "nicht billig, aber teuer"), ["cost"]);
    }
}
