//! Text analysis: how an answer (or a lexicon entry) becomes a sequence of tokens.
//!
//! [`Analyzer`] = tokenise ([`tokenise`]) -> normalise ([`normalise`]) -> stem
//! ([`stem`]). Answers and lexicon entries go through the *same* analyser: the
//! compiled lexicon owns the one it was compiled with, so the two cannot drift.
//!
//! Analysis never fails: messy text is data. For throughput, a [`Session`] keeps a
//! vocabulary of the words it has seen, so each distinct word is normalised and
//! stemmed once, and a token is a span plus a [`TermId`] into that vocabulary.

pub mod language;
pub mod normalise;
pub mod stem;
pub mod tokenise;

pub use language::Language;
use std::borrow::Cow;
pub use stem::Stemmer;
pub use tokenise::{Span, Word};

/// How an [`Analyzer`] treats words.
#[derive(Clone, Debug)]
pub struct AnalyzerOptions {
    /// The language: its stemmer, and whether accents fold before stemming or after
    /// and which articles elide (see [`Language`]). The word lists below are set
    /// from it by [`AnalyzerOptions::for_language`].
    pub language: Language,
    /// Map American spellings to British before matching (`behavior` = `behaviour`;
    /// English only).
    pub spelling_variants: bool,
    /// Fold the accents of Latin letters (`café` = `cafe`, `encyclopædia` =
    /// `encyclopaedia`; see [`normalise::fold_accents`]). Other scripts keep theirs.
    pub fold_accents: bool,
    /// Words that negate (normalised form).
    pub negators: Vec<String>,
    /// Any word ending in `n't` negates too (`didn't`, `wouldn't`).
    pub contractions_negate: bool,
    /// Words that start a new clause for negation.
    pub clause_words: Vec<String>,
    /// Words that, right after a negator, make it none (`not only`).
    pub pseudo_negation: Vec<String>,
    /// Words that negate after a negative particle (`plus` in French `ne ... plus`).
    pub particle_negators: Vec<String>,
    /// Negators that follow what they negate (Turkish `yok`, `değil`).
    pub postpositive_negators: Vec<String>,
    /// Words joined by hyphens are one word (`ex-partner`), as LIWC and quanteda
    /// tokenise (see [`tokenise::join_hyphenated`]).
    pub hyphenated_words: bool,
}

impl AnalyzerOptions {
    /// The defaults for `language`: its negators, clause words and pseudo-negations;
    /// `n't` and spelling variants for English.
    pub fn for_language(language: Language) -> AnalyzerOptions {
        let words = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        let english = language == Language::English;
        AnalyzerOptions {
            language,
            spelling_variants: language.has_spelling_variants(),
            fold_accents: true,
            negators: words(language.negators()),
            contractions_negate: english,
            clause_words: words(language.clause_words()),
            pseudo_negation: words(language.pseudo_negation_followers()),
            particle_negators: words(language.particle_negators()),
            postpositive_negators: words(language.postpositive_negators()),
            hyphenated_words: false,
        }
    }
}

impl Default for AnalyzerOptions {
    fn default() -> AnalyzerOptions {
        AnalyzerOptions::for_language(Language::English)
    }
}

/// Turns text into tokens. Cheap to share between threads (`Send + Sync`).
#[derive(Debug)]
pub struct Analyzer {
    options: AnalyzerOptions,
    stemmer: Stemmer,
    /// The flags of the words the options list (negators, clause words,
    /// pseudo-negations), looked up once per distinct word, without Greek accents
    /// (`ΟΧΙ` negates as `όχι` does).
    listed: rustc_hash::FxHashMap<Box<str>, u8>,
}

/// Flags on a term, set once per distinct word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TermFlags(u8);

impl TermFlags {
    /// The word negates (`not`, `never`, `don't`).
    pub const NEGATOR: TermFlags = TermFlags(1);
    /// The word starts a new clause for negation (`but`, `however`).
    pub const CLAUSE_WORD: TermFlags = TermFlags(2);
    /// After a negator, the word makes it none (`only` in `not only`).
    pub const PSEUDO_NEGATION: TermFlags = TermFlags(4);
    /// The word is a negative particle that negates only with a word after it (French
    /// `ne`, or a word that lost an elided `n'`: `n'est`), which then negates (`plus`
    /// in `ne ... plus`; see [`Language::particle_negators`]).
    pub const NEGATIVE_PARTICLE: TermFlags = TermFlags(8);
    /// The word negates after a negative particle (`plus` in `ne ... plus`).
    pub const PARTICLE_NEGATOR: TermFlags = TermFlags(16);
    /// The word negates what comes before it (Turkish `yok`, `değil`).
    pub const POSTPOSITIVE: TermFlags = TermFlags(32);
    /// Right before a particle negator, the word makes it none (`une` in `une
    /// personne`; see [`Language::determiners`]).
    pub const DETERMINER: TermFlags = TermFlags(64);

    /// Whether all of `other`'s flags are set.
    pub fn contains(self, other: TermFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

/// A distinct word as the analyser sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// NFKC, case folded, apostrophes unified, accents folded (if the analyser folds
    /// them), spelling variant mapped.
    pub norm: Box<str>,
    /// The Snowball stem of `norm`.
    pub stem: Box<str>,
    /// Negator and clause-word flags.
    pub flags: TermFlags,
}

impl Term {
    /// The term borrowed, as a [`Session`] gives it.
    pub fn as_ref(&self) -> TermRef<'_> {
        TermRef { norm: &self.norm, stem: &self.stem, flags: self.flags }
    }
}

/// A term of a [`Session`]'s vocabulary, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TermRef<'a> {
    /// NFKC, case folded, apostrophes unified, accents folded (if the analyser folds
    /// them), spelling variant mapped.
    pub norm: &'a str,
    /// The Snowball stem of `norm`.
    pub stem: &'a str,
    /// Negator and clause-word flags.
    pub flags: TermFlags,
}

/// Index of a [`Term`] in a [`Session`]'s vocabulary.
pub type TermId = u32;

/// One word of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Where it is in the original text.
    pub span: Span,
    /// Its term in the session's vocabulary.
    pub term: TermId,
    /// Sentence index within the answer.
    pub sentence: u32,
    /// Clause index within the answer (increases at sentences too).
    pub clause: u32,
    /// The tag (bits 0..24) and the term's flags (bits 24..32), packed so that a token
    /// stays 32 bytes (a 16 MB answer can hold millions of tokens).
    marks: u32,
}

/// The largest tag [`Session::set_tag`] takes.
pub const MAX_TAG: u32 = (1 << 24) - 1;

impl Token {
    /// What the session's user attached to the term with [`Session::set_tag`], as it
    /// was when the token was analysed; 0 if nothing. The scanner marks what each word
    /// does in the lexicon, so its tokens need no lookup of the scanner's own.
    #[inline]
    pub fn tag(&self) -> u32 {
        self.marks & MAX_TAG
    }

    /// Its term's flags, carried so that negation checks need not look the term up.
    #[inline]
    pub fn flags(&self) -> TermFlags {
        TermFlags((self.marks >> 24) as u8)
    }
}

/// A word analysed on its own, with its strings (the slow, convenient API).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnalyzedWord {
    /// The word as written.
    pub raw: String,
    /// Where it is in the text.
    pub span: Span,
    /// The analysed term.
    pub term: Term,
    /// Sentence index.
    pub sentence: u32,
    /// Clause index.
    pub clause: u32,
}

impl Analyzer {
    /// The default analyser: English stemming, spelling variants unified, accents on
    /// Latin letters folded, English negators.
    pub fn new() -> Analyzer {
        Analyzer::with_options(AnalyzerOptions::default())
    }

    /// An analyser with the given options.
    pub fn with_options(options: AnalyzerOptions) -> Analyzer {
        let stemmer = Stemmer::new(options.language);
        let mut listed = rustc_hash::FxHashMap::default();
        let lists = [
            (&options.negators, TermFlags::NEGATOR),
            (&options.clause_words, TermFlags::CLAUSE_WORD),
            (&options.pseudo_negation, TermFlags::PSEUDO_NEGATION),
            (&options.particle_negators, TermFlags::PARTICLE_NEGATOR),
            (&options.postpositive_negators, TermFlags::POSTPOSITIVE),
        ];
        for (list, flag) in lists {
            for word in list {
                *listed.entry(normalise::strip_greek_accents(word).into()).or_default() |= flag.0;
            }
        }
        // The language's own: ASCII, so every option normalises them to themselves.
        for &word in options.language.determiners() {
            *listed.entry(word.into()).or_default() |= TermFlags::DETERMINER.0;
        }
        Analyzer { options, stemmer, listed }
    }

    /// The options this analyser was built with.
    pub fn options(&self) -> &AnalyzerOptions {
        &self.options
    }

    /// Analyses one word (already isolated) into its term.
    pub fn term(&self, raw: &str) -> Term {
        let mut norm = String::with_capacity(raw.len());
        let particle = self.normalise(raw, &mut norm);
        let mut term = self.term_from_norm(norm);
        term.flags.0 |= particle.0;
        term
    }

    /// Writes the normalised form of `raw` (one word) into `out`, before spelling
    /// variants and stemming: accents folded here if the language folds them before
    /// stemming, an elided article dropped (`l'église` -> `église`), and the word
    /// respelled as its language's words are ([`Language::respell`]: German `fuer` ->
    /// `für`). Returns
    /// [`TermFlags::NEGATIVE_PARTICLE`] if the word is one (or lost an elided `n'`).
    /// Out of line: only new words come here, and inlined it lengthened
    /// `Session::analyze`'s token loop.
    #[inline(never)]
    fn normalise(&self, raw: &str, out: &mut String) -> TermFlags {
        let language = self.options.language;
        normalise::normalise_word(raw, self.options.fold_accents && language.folds_accents_before_stemming(), out);
        let particle = if language.is_negative_particle(out) { TermFlags::NEGATIVE_PARTICLE } else { TermFlags(0) };
        language.elide(out);
        language.respell(out);
        particle
    }

    fn term_from_norm(&self, norm: String) -> Term {
        let (norm, stem, flags) = self.analyse_norm(&norm);
        Term { norm: norm.into(), stem: stem.into(), flags }
    }

    /// What a distinct word becomes once normalised: its spelling variant mapped, its
    /// stem and its flags (for [`Analyzer::term`] and a [`Session`]'s vocabulary alike).
    fn analyse_norm<'n>(&self, norm: &'n str) -> (Cow<'n, str>, Cow<'n, str>, TermFlags) {
        self.analyse_norm_stemmed(norm, true)
    }

    /// [`Analyzer::analyse_norm`], or with the norm for a stem unless `stem`.
    fn analyse_norm_stemmed<'n>(&self, norm: &'n str, stem: bool) -> (Cow<'n, str>, Cow<'n, str>, TermFlags) {
        let mut norm = norm;
        if self.options.spelling_variants
            && let Some(uk) = normalise::british_spelling(norm)
        {
            norm = uk;
        }
        let stemmed = if stem { self.stemmer.stem(norm) } else { Cow::Borrowed(norm) };
        if !self.options.fold_accents || self.options.language.folds_accents_before_stemming() || norm.is_ascii() {
            return (Cow::Borrowed(norm), stemmed, self.flags(norm));
        }
        // Stemmed as written, then folded (see `Language::folds_accents_before_stemming`).
        let folded = normalise::fold_accents(norm);
        let stemmed = match stemmed {
            Cow::Borrowed(s) => normalise::fold_accents(s),
            Cow::Owned(s) => Cow::Owned(normalise::fold_accents(&s).into_owned()),
        };
        let flags = self.flags(&folded);
        (folded, stemmed, flags)
    }

    /// The stem the word `norm` (normalised, so accents folded) would have if typed
    /// without its accents, when that differs from its own: a language stemmed as
    /// written strips accented suffixes the bare word lacks (`sécurité` stems `secur`,
    /// `securite` `securit`; `policía` `polic`, `policia` `polici`), so an entry
    /// matches by this stem too. None unless accents fold after stemming.
    pub fn unaccented_stem(&self, norm: &str, stem: &str) -> Option<Box<str>> {
        if !self.options.fold_accents || self.options.language.folds_accents_before_stemming() {
            return None;
        }
        let bare = self.stemmer.stem(norm);
        (bare != stem).then(|| bare.into())
    }

    /// The other spellings of a normalised word, which spelling variants map to it
    /// (`colour`: `color`): a pattern written in either spelling that is not analysed
    /// as a word (a glob) must match it too. None when spelling variants are off.
    pub fn other_spellings(&self, norm: &str) -> &'static [&'static str] {
        if self.options.spelling_variants { normalise::other_spellings(norm) } else { &[] }
    }

    /// Negator and clause-word flags of a normalised word.
    fn flags(&self, norm: &str) -> TermFlags {
        let mut flags = self.listed.get(&*normalise::strip_greek_accents(norm)).copied().unwrap_or(0);
        if self.options.contractions_negate && norm.ends_with("n't") {
            flags |= TermFlags::NEGATOR.0;
        }
        TermFlags(flags)
    }

    /// A word as a case-sensitive entry compares it ([`normalise::cased_form`]: as
    /// written, apostrophes unified), without an elided article (`L'Église` is
    /// `Église` in French).
    pub fn cased_form<'w>(&self, word: &'w str) -> Cow<'w, str> {
        let cased = normalise::cased_form(word);
        if !cased.contains('\'') {
            return cased;
        }
        let mut elided = cased.into_owned();
        self.options.language.elide(&mut elided);
        elided.into()
    }

    /// The normalised form of a single word (no stemming).
    pub fn norm(&self, raw: &str) -> String {
        self.term(raw).norm.into()
    }

    /// Analyses `text` into words with their strings. Allocates per word: for lexicon
    /// compilation, `explain` and tools, not for the hot path (use [`Session`]).
    pub fn analyze(&self, text: &str) -> Vec<AnalyzedWord> {
        let mut words = Vec::new();
        tokenise::tokenise(text, &mut words);
        if self.options.hyphenated_words {
            tokenise::join_hyphenated(text, &mut words);
        }
        words
            .into_iter()
            .map(|w| {
                let raw = &text[w.span.start..w.span.end];
                AnalyzedWord {
                    raw: raw.to_string(),
                    span: w.span,
                    term: self.term(raw),
                    sentence: w.sentence,
                    clause: w.clause,
                }
            })
            .collect()
    }

    /// A new session for analysing many texts fast.
    pub fn session(&self) -> Session {
        Session::default()
    }
}

impl Default for Analyzer {
    fn default() -> Analyzer {
        Analyzer::new()
    }
}

/// Reusable state for analysing many answers: the vocabulary of words seen so far
/// and buffers, so the steady state allocates nothing per token.
///
/// A session is tied to one [`Analyzer`]: always pass the same one. The vocabulary is
/// cleared when it grows past a bound, so memory stays flat on any input; term ids are
/// valid until the next [`Session::analyze`] call.
#[derive(Default, Debug)]
pub struct Session {
    vocab: Vocab,
    /// Per term, where its strings are in `strings`.
    terms: Vec<TermSlot>,
    /// The norms and stems of the vocabulary, back to back: two allocations per word
    /// would cost more than the strings themselves.
    strings: String,
    words: Vec<Word>,
    tokens: Vec<Token>,
    norm_buf: String,
    generation: u64,
    /// Bytes the vocabulary holds (the words as written, normalised and stemmed).
    vocab_bytes: usize,
    /// Terms get their norm for a stem (see [`Session::set_stemming`]).
    unstemmed: bool,
}

/// A term's strings in [`Session`]'s arena: the norm, then the stem, which shares the
/// norm's bytes when it is a prefix of it (`running` -> `run`), as it usually is.
#[derive(Clone, Copy, Debug)]
struct TermSlot {
    norm: u32,
    norm_len: u32,
    stem: u32,
    stem_len: u32,
    flags: TermFlags,
}

/// The vocabulary bound: past this many distinct words the cache starts afresh. A
/// Zipfian vocabulary repeats its common words, so a hundred thousand types cover
/// nearly every token while keeping each worker's cache to about 8 MB (a quarter of a
/// million types was no faster on a million rows, and cost 12 MB more per worker; a
/// quarter as many made a million rows 17% slower, analysing words again after every
/// clear). The figure is 3/4 of a power of two, so the hash table (which doubles past
/// 3/4 full) stays at 131,072 slots (4 MB): [`Session::analyze`] clears before an
/// answer whose words could take it past the bound.
const VOCAB_LIMIT: usize = 3 << 15;

/// The vocabulary bound in bytes: distinct huge "words" (a pasted base64 blob in every
/// row) must not pile up either.
const VOCAB_BYTES: usize = 64 << 20;

/// Words as written, mapped to term ids: an open-addressing hash table (linear
/// probing, at most 3/4 full) of 32-byte slots. A word of up to 16 bytes (nearly
/// every word) is held inline in its slot, so looking it up reads one slot and
/// compares two machine words; a longer word keeps its hash and its offset in an
/// arena of bytes. The table is hand-written so that [`Session::analyze`] can
/// prefetch the slot of a word a few tokens ahead: on a large vocabulary most slots
/// are out of cache, and the wait for them was most of the cost of a lookup.
struct Vocab {
    slots: Vec<Slot>,
    /// Per term id, the index of its slot.
    slot_of: Vec<u32>,
    bytes: Vec<u8>,
    /// Mixed into every hash, drawn per vocabulary: a hostile file cannot be written
    /// so that its words share slots and every lookup walks the table. (The term ids a
    /// seed gives are internal; no output depends on them.)
    seed: u64,
}

impl Default for Vocab {
    fn default() -> Vocab {
        use std::hash::BuildHasher;
        let seed = std::collections::hash_map::RandomState::new().hash_one(0u64);
        Vocab { slots: Vec::new(), slot_of: Vec::new(), bytes: Vec::new(), seed }
    }
}

/// Longest word held inline in a [`Slot`].
const INLINE: usize = 16;

/// The table's first size (it doubles when 3/4 full).
const FIRST_SLOTS: usize = 1 << 12;

/// One word of a [`Vocab`]. Inline (`len <= INLINE`): `key` is the word's bytes,
/// little-endian, zero-padded. Long: `key` holds the word's hash (bits 0..64) and
/// its arena offset (bits 64..96). `len` is [`EMPTY`] in a free slot.
#[derive(Clone, Copy)]
struct Slot {
    key: u128,
    len: u32,
    id: TermId,
    tag: u32,
    /// The term's flags, copied into its tokens.
    flags: TermFlags,
}

/// The `len` of a free slot (no word is that long: the vocabulary holds 64 MB).
const EMPTY: u32 = u32::MAX;
const FREE: Slot = Slot { key: 0, len: EMPTY, id: 0, tag: 0, flags: TermFlags(0) };

impl Slot {
    fn hash(&self, seed: u64) -> u64 {
        let len = self.len as usize;
        if len <= INLINE { inline_hash(self.key, len, seed) } else { self.key as u64 }
    }
}

impl std::fmt::Debug for Vocab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vocab({} words)", self.slot_of.len())
    }
}

/// A word as the vocabulary looks it up: its hash, and for a short word its bytes
/// (the slot key).
#[derive(Clone, Copy, Default)]
struct WordKey {
    hash: u64,
    key: u128,
}

impl WordKey {
    /// The key of the word at `span` of `text`: [`WordKey::new`], but a short word with
    /// 16 bytes of text from its start is read with one load, masked to its length (no
    /// branch on the length, which varies at random from word to word: those branches
    /// mispredicted often). Inlined: returned through memory, a key's wide load
    /// stalled on its narrow stores.
    #[inline(always)]
    fn of_span(text: &[u8], span: Span, seed: u64) -> WordKey {
        let len = span.end - span.start;
        if (1..=INLINE).contains(&len)
            && let Some(bytes) = text.get(span.start..span.start + 16)
        {
            let loaded = u128::from_le_bytes(bytes.try_into().expect("16 bytes"));
            let key = loaded & (u128::MAX >> (128 - 8 * len));
            return WordKey { hash: inline_hash(key, len, seed), key };
        }
        WordKey::new(&text[span.start..span.end], seed)
    }

    #[inline(always)]
    fn new(raw: &[u8], seed: u64) -> WordKey {
        if raw.len() <= INLINE {
            let key = padded(raw);
            WordKey { hash: inline_hash(key, raw.len(), seed), key }
        } else {
            use std::hash::Hasher;
            let mut h = rustc_hash::FxHasher::default();
            h.write_u64(seed);
            h.write(raw);
            // FxHash mixes the high bits best; the table indexes by the low ones.
            WordKey { hash: h.finish().swap_bytes(), key: 0 }
        }
    }
}

/// The hash of a word of up to 16 bytes from its padded bytes: one 64x64->128-bit
/// multiply, folded (as foldhash does), so every bit of the result depends on every
/// byte, with no loop or branch on the length.
#[inline]
fn inline_hash(key: u128, len: usize, seed: u64) -> u64 {
    const K0: u64 = 0x243f_6a88_85a3_08d3;
    const K1: u64 = 0x1319_8a2e_0370_7344;
    let p = u128::from(key as u64 ^ K0 ^ seed) * u128::from((key >> 64) as u64 ^ K1 ^ len as u64);
    (p as u64) ^ ((p >> 64) as u64)
}

/// The bytes of a word of up to 16 bytes as one little-endian number, zero-padded.
/// Read with two overlapping loads, not copied into a buffer: a byte-wise copy
/// followed by a wide load stalls the CPU (store forwarding fails) on every token.
#[inline]
fn padded(raw: &[u8]) -> u128 {
    let len = raw.len();
    debug_assert!(len <= INLINE);
    let u64_at = |at: usize| u64::from_le_bytes(raw[at..at + 8].try_into().expect("8 bytes"));
    let u32_at = |at: usize| u64::from(u32::from_le_bytes(raw[at..at + 4].try_into().expect("4 bytes")));
    let (lo, hi) = if len >= 8 {
        // The last 8 bytes, shifted down past the bytes the first load already has.
        (u64_at(0), if len == 8 { 0 } else { u64_at(len - 8) >> (8 * (16 - len)) })
    } else if len >= 4 {
        (u32_at(0) | (u32_at(len - 4) >> (8 * (8 - len))) << 32, 0)
    } else {
        (raw.iter().rev().fold(0, |k, &c| k << 8 | u64::from(c)), 0)
    };
    u128::from(lo) | u128::from(hi) << 64
}

impl Vocab {
    /// Where the probe for `hash` starts.
    #[inline]
    fn home(&self, hash: u64) -> usize {
        hash as usize & (self.slots.len() - 1)
    }

    /// Asks the CPU to start loading the slot `w`'s lookup will read first.
    #[inline]
    fn prefetch(&self, w: &WordKey) {
        #[cfg(target_arch = "x86_64")]
        if !self.slots.is_empty() {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let slot = &self.slots[self.home(w.hash)];
            // SAFETY: a prefetch is only a hint; the address is a valid slot.
            unsafe { _mm_prefetch::<_MM_HINT_T0>((slot as *const Slot).cast()) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = w;
    }

    /// The slot holding `raw`, if any.
    #[inline]
    fn get(&self, w: &WordKey, raw: &[u8]) -> Option<&Slot> {
        if self.slots.is_empty() {
            return None;
        }
        let len = raw.len();
        let found = self.probe(w.hash, |s| {
            s.len as usize == len
                && if len <= INLINE {
                    s.key == w.key
                } else {
                    let start = (s.key >> 64) as u32 as usize;
                    s.key as u64 == w.hash && &self.bytes[start..start + len] == raw
                }
        });
        found.ok().map(|i| &self.slots[i])
    }

    /// Walks the slots from `hash`'s home: `Ok` with the first one `is` accepts, or
    /// `Err` with the free slot that ends the run.
    #[inline]
    fn probe(&self, hash: u64, is: impl Fn(&Slot) -> bool) -> Result<usize, usize> {
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash);
        loop {
            let s = &self.slots[i];
            if s.len == EMPTY {
                return Err(i);
            }
            if is(s) {
                return Ok(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds `raw`, not in the table yet, as the next term id.
    fn insert(&mut self, w: &WordKey, raw: &[u8], flags: TermFlags) -> TermId {
        if (self.slot_of.len() + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let key = if raw.len() <= INLINE {
            w.key
        } else {
            let at = self.bytes.len() as u32;
            self.bytes.extend_from_slice(raw);
            u128::from(w.hash) | u128::from(at) << 64
        };
        let id = self.slot_of.len() as TermId;
        let i = self.place(w.hash, Slot { key, len: raw.len() as u32, id, tag: 0, flags });
        self.slot_of.push(i as u32);
        id
    }

    /// Puts `slot` in the first free slot from its home; returns where.
    fn place(&mut self, hash: u64, slot: Slot) -> usize {
        let (Ok(i) | Err(i)) = self.probe(hash, |_| false);
        self.slots[i] = slot;
        i
    }

    /// Doubles the table, placing every slot again.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(FIRST_SLOTS);
        let old = std::mem::replace(&mut self.slots, vec![FREE; size]);
        for s in old.into_iter().filter(|s| s.len != EMPTY) {
            let i = self.place(s.hash(self.seed), s);
            self.slot_of[s.id as usize] = i as u32;
        }
    }

    fn set_tag(&mut self, id: TermId, tag: u32) {
        let i = self.slot_of[id as usize] as usize;
        self.slots[i].tag = tag;
    }

    fn clear(&mut self) {
        self.slots.fill(FREE);
        self.slot_of.clear();
        self.bytes.clear();
    }
}

impl Session {
    /// Whether terms are stemmed (the default). A caller whose lexicon has no stem
    /// patterns turns it off: stemming is most of the cost of a new word, and the norm
    /// stands in for the stem. A change clears the vocabulary.
    pub fn set_stemming(&mut self, stem: bool) {
        let stemming = !self.unstemmed;
        if stemming != stem {
            self.unstemmed = !stem;
            self.clear_vocabulary();
        }
    }

    fn clear_vocabulary(&mut self) {
        self.vocab.clear();
        self.terms.clear();
        self.strings.clear();
        self.vocab_bytes = 0;
        self.generation += 1;
    }

    /// Analyses `text`, returning its tokens.
    pub fn analyze(&mut self, analyzer: &Analyzer, text: &str) -> &[Token] {
        self.words.clear();
        self.tokens.clear();
        tokenise::tokenise(text, &mut self.words);
        if analyzer.options.hyphenated_words {
            tokenise::join_hyphenated(text, &mut self.words);
        }
        // Cleared before an answer whose words could take the vocabulary past its
        // bound, not after: past 3/4 of its slots the table would double (to 8 MB a
        // worker) in the middle of the answer, only to be cleared after it.
        if self.terms.len() + self.words.len() > VOCAB_LIMIT || self.vocab_bytes > VOCAB_BYTES {
            self.clear_vocabulary();
        }
        // The slot of the word PREFETCH tokens ahead is requested before this one is
        // looked up, so its load overlaps the work on the words in between.
        const PREFETCH: usize = 8;
        let seed = self.vocab.seed;
        let mut ahead = [WordKey::default(); PREFETCH];
        for (k, w) in self.words.iter().take(PREFETCH).enumerate() {
            ahead[k] = WordKey::of_span(text.as_bytes(), w.span, seed);
            self.vocab.prefetch(&ahead[k]);
        }
        for (i, w) in self.words.iter().enumerate() {
            let key = ahead[i % PREFETCH];
            if let Some(next) = self.words.get(i + PREFETCH) {
                ahead[i % PREFETCH] = WordKey::of_span(text.as_bytes(), next.span, seed);
                self.vocab.prefetch(&ahead[i % PREFETCH]);
            }
            let raw = &text[w.span.start..w.span.end];
            let (term, tag, flags) = match self.vocab.get(&key, raw.as_bytes()) {
                Some(slot) => (slot.id, slot.tag, slot.flags),
                None => {
                    let particle = analyzer.normalise(raw, &mut self.norm_buf);
                    let mut slot = Session::add_term(&mut self.strings, &self.norm_buf, analyzer, !self.unstemmed);
                    slot.flags.0 |= particle.0;
                    self.vocab_bytes += raw.len() + slot.norm_len as usize + slot.stem_len as usize;
                    self.terms.push(slot);
                    (self.vocab.insert(&key, raw.as_bytes(), slot.flags), 0, slot.flags)
                }
            };
            let marks = tag | u32::from(flags.0) << 24;
            self.tokens.push(Token { span: w.span, term, sentence: w.sentence, clause: w.clause, marks });
        }
        &self.tokens
    }

    /// Analyses a normalised word (as [`Analyzer::term`] does) into the string arena.
    fn add_term(strings: &mut String, norm: &str, analyzer: &Analyzer, stem: bool) -> TermSlot {
        let (norm, stem, flags) = analyzer.analyse_norm_stemmed(norm, stem);
        let start = strings.len();
        strings.push_str(&norm);
        let stem_at = if norm.starts_with(&*stem) {
            start
        } else {
            strings.push_str(&stem);
            strings.len() - stem.len()
        };
        TermSlot {
            norm: start as u32,
            norm_len: norm.len() as u32,
            stem: stem_at as u32,
            stem_len: stem.len() as u32,
            flags,
        }
    }

    /// The tokens of the last analysed text.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// The term behind an id from the last analysis.
    pub fn term(&self, id: TermId) -> TermRef<'_> {
        let t = self.terms[id as usize];
        let at = |start: u32, len: u32| &self.strings[start as usize..(start + len) as usize];
        TermRef { norm: at(t.norm, t.norm_len), stem: at(t.stem, t.stem_len), flags: t.flags }
    }

    /// Attaches `tag` to a term of the last analysis: tokens of that word analysed
    /// from now on carry it (until the vocabulary is cleared, see [`Session::generation`]).
    /// At most [`MAX_TAG`].
    pub fn set_tag(&mut self, id: TermId, tag: u32) {
        assert!(tag <= MAX_TAG, "a tag fits in 24 bits");
        self.vocab.set_tag(id, tag);
    }

    /// Number of distinct words in the vocabulary.
    pub fn vocabulary_len(&self) -> usize {
        self.terms.len()
    }

    /// Changes whenever the vocabulary is cleared (term ids are then reassigned).
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn analyzer_is_send_and_sync() {
        assert_send_sync::<Analyzer>();
        assert_send_sync::<Session>();
    }

    #[test]
    fn vocabulary_finds_every_word_it_holds_across_growth_with_its_tag() {
        let mut v = Vocab::default();
        // Short and long words, some sharing a prefix or differing only in length.
        let words: Vec<String> = (0..20_000)
            .map(|i| match i % 4 {
                0 => format!("w{i}"),
                1 => format!("word-{i}-that-is-longer-than-sixteen-bytes"),
                2 => format!("{i:016}"),
                _ => format!("{i:0>15}"),
            })
            .collect();
        for (i, w) in words.iter().enumerate() {
            let key = WordKey::new(w.as_bytes(), v.seed);
            assert!(v.get(&key, w.as_bytes()).is_none(), "{w} is new");
            assert_eq!(v.insert(&key, w.as_bytes(), TermFlags(i as u8 % 4)), i as TermId);
            if i % 3 == 0 {
                v.set_tag(i as TermId, i as u32 + 7);
            }
        }
        assert!(v.slots.len() >= 4 * words.len() / 3, "grew to stay under 3/4 full");
        for (i, w) in words.iter().enumerate() {
            let slot = v.get(&WordKey::new(w.as_bytes(), v.seed), w.as_bytes()).expect("held");
            assert_eq!(slot.id, i as TermId, "{w}");
            assert_eq!(slot.tag, if i % 3 == 0 { i as u32 + 7 } else { 0 }, "{w}");
            assert_eq!(slot.flags, TermFlags(i as u8 % 4), "{w}");
        }
        for w in ["w", "word", "0000000000000001x", "absent-word-that-is-longer-than-sixteen-bytes"] {
            assert!(v.get(&WordKey::new(w.as_bytes(), v.seed), w.as_bytes()).is_none(), "{w}");
        }
        v.clear();
        assert!(v.get(&WordKey::new(b"w0", v.seed), b"w0").is_none());
        assert_eq!(v.insert(&WordKey::new(b"w0", v.seed), b"w0", TermFlags::default()), 0);
    }

    #[test]
    fn a_session_without_stemming_uses_the_norm_and_starts_afresh() {
        let a = Analyzer::new();
        let mut s = a.session();
        let stems = |s: &mut Session| -> Vec<String> {
            let ids: Vec<TermId> = s.analyze(&a, "Running HARASSED stalkers").iter().map(|t| t.term).collect();
            ids.iter().map(|&id| s.term(id).stem.to_string()).collect()
        };
        assert_eq!(stems(&mut s), ["run", "harass", "stalker"]);
        let before = s.generation();
        s.set_stemming(false);
        assert_ne!(s.generation(), before, "the vocabulary is cleared");
        assert_eq!(stems(&mut s), ["running", "harassed", "stalkers"]);
        let unstemmed = s.generation();
        s.set_stemming(false);
        assert_eq!(s.generation(), unstemmed, "no change, no clear");
        s.set_stemming(true);
        assert_eq!(stems(&mut s), ["run", "harass", "stalker"]);
    }

    #[test]
    fn the_vocabulary_table_stays_at_its_bound_when_an_answer_crosses_it() {
        let a = Analyzer::new();
        let mut s = a.session();
        // Answers of 1,000 new words each: the 99th starts 304 words short of the
        // bound and would cross it a third of the way through.
        let mut next = 0u32;
        let mut answer = || {
            let words: Vec<String> = (0..1000)
                .map(|_| {
                    next += 1;
                    format!("w{next}x")
                })
                .collect();
            words.join(" ")
        };
        let bound = VOCAB_LIMIT * 4 / 3;
        let mut cleared = 0;
        for _ in 0..120 {
            let before = s.generation();
            let text = answer();
            let tokens = s.analyze(&a, &text).len();
            assert_eq!(tokens, 1000);
            cleared += usize::from(s.generation() != before);
            assert!(s.vocabulary_len() <= VOCAB_LIMIT, "{} words", s.vocabulary_len());
            assert!(s.vocab.slots.len() <= bound, "{} slots", s.vocab.slots.len());
        }
        assert_eq!(cleared, 1, "cleared once, before the answer that would cross the bound");
    }

    #[test]
    fn a_word_read_in_one_load_has_the_key_of_its_bytes() {
        let text = "a ab abc abcd abcdefg abcdefgh abcdefghi abcdefghijklmno abcdefghijklmnop abcdefghijklmnopq café naïveté x";
        let b = text.as_bytes();
        for start in 0..b.len() {
            for end in start + 1..=b.len().min(start + 20) {
                let (k, want) = (WordKey::of_span(b, Span::new(start, end), 7), WordKey::new(&b[start..end], 7));
                assert_eq!((k.key, k.hash), (want.key, want.hash), "{start}..{end}");
            }
        }
    }

    #[test]
    fn tokens_carry_their_tag_and_flags_in_32_bytes() {
        #[cfg(target_pointer_width = "64")]
        assert_eq!(std::mem::size_of::<Token>(), 32);
        let a = Analyzer::new();
        let mut s = a.session();
        let text = "I don't like it, but fine";
        let dont = s.analyze(&a, text)[1];
        assert!(dont.flags().contains(TermFlags::NEGATOR) && dont.tag() == 0);
        s.set_tag(dont.term, MAX_TAG);
        let tokens = s.analyze(&a, text);
        assert_eq!((tokens[1].tag(), tokens[1].flags()), (MAX_TAG, dont.flags()));
        assert!(tokens[4].flags().contains(TermFlags::CLAUSE_WORD) && tokens[4].tag() == 0);
    }

    #[test]
    fn each_vocabulary_draws_its_own_hash_seed() {
        assert_ne!(Vocab::default().seed, Vocab::default().seed);
        // The same words, different seeds: the same answers.
        let text = "the cat sat on the mat with another-cat and a considerably-longer-word";
        let (a, b) = (Analyzer::new(), Analyzer::new());
        let (mut s, mut t) = (a.session(), b.session());
        let ids = |s: &mut Session, an: &Analyzer| -> Vec<u32> { s.analyze(an, text).iter().map(|t| t.term).collect() };
        assert_eq!(ids(&mut s, &a), ids(&mut t, &b));
    }

    #[test]
    fn padded_keys_are_the_bytes_zero_padded() {
        let word = b"abcdefghijklmnop";
        for len in 0..=INLINE {
            let mut bytes = [0u8; INLINE];
            bytes[..len].copy_from_slice(&word[..len]);
            assert_eq!(padded(&word[..len]), u128::from_le_bytes(bytes), "length {len}");
        }
    }

    #[test]
    fn analyze_gives_norms_and_stems() {
        let a = Analyzer::new();
        let words = a.analyze("The POLICE didn\u{2019}t understand Behavior");
        let norms: Vec<&str> = words.iter().map(|w| &*w.term.norm).collect();
        let stems: Vec<&str> = words.iter().map(|w| &*w.term.stem).collect();
        assert_eq!(norms, ["the", "police", "didn't", "understand", "behaviour"]);
        assert_eq!(stems, ["the", "polic", "didn't", "understand", "behaviour"]);
        assert!(words[2].term.flags.contains(TermFlags::NEGATOR));
        assert!(!words[1].term.flags.contains(TermFlags::NEGATOR));
    }

    /// ``I don`t think`` (and `can′t`, `won‛t`) negate as `don't` does: one word, `'`
    /// in its norm, flagged a negator, in the session and the slow API alike.
    #[test]
    fn apostrophe_lookalikes_make_one_negating_word() {
        let a = Analyzer::new();
        let mut s = a.session();
        for (text, norm) in [
            ("I don`t think", "don't"),
            ("I can\u{2032}t say", "can't"),
            ("I won\u{201B}t go", "won't"),
            ("I didn\u{B4}t go", "didn't"),
        ] {
            let words = a.analyze(text);
            assert_eq!(words.len(), 3, "{text:?}");
            assert_eq!(&*words[1].term.norm, norm);
            assert!(words[1].term.flags.contains(TermFlags::NEGATOR), "{text:?}");
            let tokens = s.analyze(&a, text).to_vec();
            assert_eq!(tokens.len(), 3);
            assert_eq!((tokens[1].span, s.term(tokens[1].term)), (words[1].span, words[1].term.as_ref()));
        }
    }

    #[test]
    fn session_agrees_with_analyze_and_reuses_terms() {
        let a = Analyzer::new();
        let mut s = a.session();
        let text = "stalking Stalking stalking, but stalked";
        let tokens = s.analyze(&a, text).to_vec();
        assert_eq!(tokens.len(), 5);
        assert_eq!(tokens[0].term, tokens[2].term);
        assert_ne!(tokens[0].term, tokens[1].term); // different raw forms ...
        assert_eq!(s.term(tokens[0].term).norm, s.term(tokens[1].term).norm); // ... same norm
        assert!(s.term(tokens[3].term).flags.contains(TermFlags::CLAUSE_WORD));
        // Stems that are not prefixes of their norms, spelling variants, negators,
        // words too long to be held inline.
        let text = format!("{text} happy happily behavior don't Organisations internationalisation's");
        let tokens = s.analyze(&a, &text).to_vec();
        let slow = a.analyze(&text);
        assert_eq!(tokens.len(), slow.len());
        for (t, w) in tokens.iter().zip(&slow) {
            assert_eq!(s.term(t.term), w.term.as_ref());
            assert_eq!((t.span, t.sentence, t.clause), (w.span, w.sentence, w.clause));
        }
    }

    /// Answers and entries fold alike, in the session and the slow API; off, accented
    /// and plain words are different words.
    #[test]
    fn accents_fold_in_the_session_as_in_analyze() {
        let text = "I feel naïve about the CAFÉ, an encyclopædia and a Việt coöp";
        let a = Analyzer::new();
        let norms: Vec<String> = a.analyze(text).iter().map(|w| w.term.norm.to_string()).collect();
        assert_eq!(
            norms,
            ["i", "feel", "naive", "about", "the", "cafe", "an", "encyclopaedia", "and", "a", "viet", "coop"]
        );
        let mut s = a.session();
        let tokens = s.analyze(&a, text).to_vec();
        let session: Vec<&str> = tokens.iter().map(|t| s.term(t.term).norm).collect();
        assert_eq!(session, norms);
        let kept = Analyzer::with_options(AnalyzerOptions { fold_accents: false, ..AnalyzerOptions::default() });
        assert_eq!(kept.norm("naïve"), "naïve");
        assert_eq!(kept.norm("CAFÉ"), "café");
        // The spelling variant is looked up on the folded form.
        assert_eq!(a.norm("encyclopædia"), a.norm("encyclopedia"));
    }

    #[test]
    fn analysis_is_idempotent_on_its_own_output() {
        let a = Analyzer::new();
        let once: Vec<String> =
            a.analyze("Harassment, stalking & BEHAVIOR!").iter().map(|w| w.term.norm.to_string()).collect();
        let twice: Vec<String> = a.analyze(&once.join(" ")).iter().map(|w| w.term.norm.to_string()).collect();
        assert_eq!(once, twice);
    }

    /// German typed without umlauts (`fuer`, `Aerzte`) meets German typed with them,
    /// in either direction, with accents folded or not; `ß` typed `ss` already did.
    /// A `u` after `q` or a vowel is no umlaut (`Quelle`, `Feuer`, `neue`), so those
    /// words keep their stems and inflections, and no two of the words below share a
    /// stem.
    #[test]
    fn german_umlauts_typed_as_two_letters_meet_the_umlauts() {
        let typed = [
            ("fuer", "für"),
            ("FUER", "FÜR"),
            ("Gebuehren", "Gebühren"),
            ("muede", "müde"),
            ("Aerzte", "Ärzte"),
            ("AERZTE", "ÄRZTE"),
            ("schoen", "schön"),
            ("schoener", "schöner"),
            ("Aepfel", "Äpfel"),
            ("Oeffnungszeiten", "Öffnungszeiten"),
            ("Uebung", "Übung"),
            ("Tueren", "Türen"),
            ("Kuendigung", "Kündigung"),
            ("Maengel", "Mängel"),
            ("Oel", "Öl"),
            ("muessen", "müssen"),
            ("Baeume", "Bäume"),
            ("Loehne", "Löhne"),
            ("Kaeufer", "Käufer"),
            ("Gebaeude", "Gebäude"),
            ("Behoerde", "Behörde"),
            ("Pruefung", "Prüfung"),
            ("Fuehrung", "Führung"),
            ("Gruende", "Gründe"),
            ("Waerme", "Wärme"),
            ("hoeher", "höher"),
            ("frueher", "früher"),
            ("ueber", "über"),
            ("zurueck", "zurück"),
            ("Buerger", "Bürger"),
            ("Schueler", "Schüler"),
            ("Kraefte", "Kräfte"),
            ("Moeglichkeit", "Möglichkeit"),
            ("taeglich", "täglich"),
            ("Gefuehl", "Gefühl"),
            ("Strasse", "Straße"),
            ("Gruesse", "Grüße"),
        ];
        for fold_accents in [true, false] {
            let german = Analyzer::with_options(AnalyzerOptions {
                fold_accents,
                ..AnalyzerOptions::for_language(Language::German)
            });
            for (ascii, umlaut) in typed {
                let (t, u) = (german.term(ascii), german.term(umlaut));
                assert_eq!((&t.norm, &t.stem), (&u.norm, &u.stem), "{ascii} / {umlaut}, folding {fold_accents}");
            }
        }
        // Words with `ae`, `oe`, `ue` that are no umlauts, each with forms that must
        // meet (as they did before): one stem per row, and no row shares another's,
        // nor that of a word with the umlaut or without the `e` (`Tür`, `stur`).
        let german = Analyzer::with_options(AnalyzerOptions::for_language(Language::German));
        let rows: &[&[&str]] = &[
            &["Feuer", "Feuers"],
            &["Steuer", "Steuern"],
            &["teuer"],
            &["neue", "neuen", "neu"],
            &["Treue", "treue", "treu"],
            &["Quelle", "Quellen", "QUELLE"],
            &["bequem"],
            &["Sequenz", "Sequenzen"],
            // (`bauen` stemmed as `Bauer` before too.)
            &["Bauer", "Bauern", "bauen", "baue"],
            &["Mauer", "Mauern"],
            &["Dauer", "dauer"],
            &["vertrauen", "Vertrauen", "vertraue"],
            &["Abenteuer"],
            &["Frauen", "Frau"],
            &["schauen", "schaue"],
            &["Poesie"],
            &["Israel", "israelische", "Israels"],
            &["Michael", "Michaels"],
            &["aktuell", "aktuelle", "aktuellen"],
            &["Duell", "Duelle"],
            &["eventuell"],
            &["Koeffizient", "Koeffizienten"],
            &["Kaffee"],
            &["Idee", "Ideen"],
            &["Homeoffice"],
            &["für"],
            &["Tür", "Türen"],
            &["Straße", "Strasse"],
            &["stur"],
            &["Maus"],
            &["Mut"],
        ];
        let mut seen = std::collections::HashMap::new();
        for row in rows {
            let stem = german.term(row[0]).stem;
            for w in &row[1..] {
                assert_eq!(german.term(w).stem, stem, "{w} meets {}", row[0]);
            }
            if let Some(other) = seen.insert(stem.clone(), row[0]) {
                panic!("{} and {other} share the stem {stem}", row[0]);
            }
        }
        // Accepted, as in Snowball's german2: a word ending in `ue` no longer meets its
        // plural in `-uen` (`Statue`, `Statuen`), and `Blues` meets `Bluse` ("blouse").
        assert_ne!(german.term("Statue").stem, german.term("Statuen").stem);
        assert_eq!(german.term("Blues").stem, german.term("Bluse").stem);
        // Other languages keep their letters.
        assert_eq!(Analyzer::new().norm("Poet"), "poet");
        let french = Analyzer::with_options(AnalyzerOptions::for_language(Language::French));
        assert_eq!(french.norm("poete"), "poete");
    }

    /// Russian `ё` is `е`, as answers mostly type it: `всё` meets `все`, `ещё` `еще`,
    /// in the session and the slow API; other languages keep `ё`.
    #[test]
    fn russian_yo_reads_as_ye() {
        let russian = Analyzer::with_options(AnalyzerOptions::for_language(Language::Russian));
        for (yo, ye) in [("всё", "все"), ("ЕЩЁ", "еще"), ("Ёлка", "елка"), ("её", "ее"), ("е\u{308}ж", "еж")]
        {
            let (a, b) = (russian.term(yo), russian.term(ye));
            assert_eq!((&a.norm, &a.stem), (&b.norm, &b.stem), "{yo}");
        }
        let mut s = russian.session();
        let tokens = s.analyze(&russian, "Всё ещё дорого").to_vec();
        let norms: Vec<&str> = tokens.iter().map(|t| s.term(t.term).norm).collect();
        assert_eq!(norms, ["все", "еще", "дорого"]);
        assert_eq!(Analyzer::new().norm("Всё"), "всё");
        let greek = Analyzer::with_options(AnalyzerOptions::for_language(Language::Greek));
        assert_eq!(greek.norm("Ёлка"), "ёлка");
    }

    proptest::proptest! {
        /// Analysing the normalised words again gives the same words, with accents
        /// folded or not: Latin (with accents, stacked marks, Latin Extended Additional,
        /// ligatures), Greek, Cyrillic, Hebrew, Arabic, Devanagari, Hangul, CJK, emoji,
        /// punctuation, compatibility forms (fullwidth, ligatures), combining marks on
        /// letters. So each normalised word re-tokenises to itself, and folding is
        /// idempotent. (Marks on nothing, scripts newer than the Unicode tables of
        /// unicode-segmentation are not promised.)
        #[test]
        fn analysis_is_idempotent_on_any_text(
            text in "([a-zA-Z0-9 .,:'`-]|[\u{A0}-\u{24F}]|[\u{370}-\u{52F}]|[\u{5D0}-\u{5EA}]|[\u{621}-\u{64A}]|[\u{2000}-\u{206F}]|[\u{FB00}-\u{FB06}]|[\u{FF01}-\u{FF5E}]|[a-z\u{E0}-\u{FF}][\u{300}-\u{36F}]{1,2}|[\u{1E00}-\u{1EFF}]|[\u{915}-\u{939}][\u{93E}-\u{94D}]|[\u{AC00}-\u{AC40}]|[\u{1100}-\u{1112}][\u{1161}-\u{1175}]|[\u{430}-\u{44F}]\u{306}|-[\u{591}-\u{5C7}]|\u{149}|\u{2BC}|\u{FE52}|\u{2024}|[\u{1F600}-\u{1F64F}]|[\u{4E00}-\u{4E2F}]){0,40}",
            hyphenated in proptest::bool::ANY,
            fold in proptest::bool::ANY,
        ) {
            let a = Analyzer::with_options(AnalyzerOptions {
                hyphenated_words: hyphenated,
                fold_accents: fold,
                ..AnalyzerOptions::default()
            });
            // A word NFKC leaves nothing of (a lone U+02BC) has an empty norm, no word.
            let once: Vec<String> =
                a.analyze(&text).iter().map(|w| w.term.norm.to_string()).filter(|n| !n.is_empty()).collect();
            let twice: Vec<String> = a.analyze(&once.join(" ")).iter().map(|w| w.term.norm.to_string()).collect();
            if fold {
                for n in &once {
                    proptest::prop_assert_eq!(&*normalise::fold_accents(n), n.as_str(), "folded once and for all");
                }
            }
            proptest::prop_assert_eq!(once, twice);
        }
    }
}
