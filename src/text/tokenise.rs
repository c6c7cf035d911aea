//! Finding words in an answer, and the sentence and clause each word is in.
//!
//! Words follow Unicode word segmentation (UAX #29, via `unicode-segmentation`), with
//! two repairs for how people type: a full stop or colon between two runs of letters
//! that are each at least two letters long splits the word (`stalking.The` is two
//! words, `e.g` and `U.K` stay one), and a backtick, prime or reversed apostrophe
//! (`` ` `` `′` `‛`) joins where an apostrophe would (``don`t`` is one word, as `don't`
//! and `don’t` are; UAX #29 splits it), and a narrow no-break space (U+202F, French
//! typing's space before `!` `?` `:`) separates words, as UAX #29 does not. ASCII text
//! takes a hand-written scanner
//! that gives exactly that segmentation, at a fraction of the cost.
//!
//! Boundaries come from the text between words: `.` `!` `?` `…` or a blank line end
//! a sentence; `,` `;` `:` brackets, dashes, bullets and a line break end a clause.
//! A sentence boundary is also a clause boundary. Phrases never span a clause
//! boundary, and negation never reaches across one.

use unicode_segmentation::UnicodeSegmentation;

/// A byte range `start..end` in the original answer text; `start <= end`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end, "a span starts before it ends");
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// Whether the two spans share at least one byte.
    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// A word found in the text, before normalisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    /// Where the word is in the original text.
    pub span: Span,
    /// Index of its sentence in the answer, from 0.
    pub sentence: u32,
    /// Index of its clause in the answer, from 0; increases at every sentence too.
    pub clause: u32,
}

/// Appends the words of `text` to `out`, in order.
pub fn tokenise(text: &str, out: &mut Vec<Word>) {
    let begin = out.len();
    let mut e = Emitter { text, out, begin, sentence: 0, clause: 0, prev_start: 0, prev_end: 0, first: true };
    words(text, &mut e);
}

/// Receives word boundaries and turns them into [`Word`]s with their sentence and
/// clause, splitting run-on sentences on the way.
struct Emitter<'a> {
    text: &'a str,
    out: &'a mut Vec<Word>,
    /// Where this text's words start in `out`.
    begin: usize,
    sentence: u32,
    clause: u32,
    prev_start: usize,
    prev_end: usize,
    first: bool,
}

/// Where segmentation sends the words it finds.
trait WordSink {
    /// A word at `start..end`; `may_run_on` if it holds a `.` or `:`.
    fn word(&mut self, start: usize, end: usize, may_run_on: bool);
}

impl WordSink for Emitter<'_> {
    #[inline(always)]
    fn word(&mut self, start: usize, end: usize, may_run_on: bool) {
        if may_run_on {
            split_run_ons(self.text, start, end, &mut |s, e| self.push(s, e));
        } else {
            self.push(start, end);
        }
    }
}

impl Emitter<'_> {
    #[inline]
    fn push(&mut self, start: usize, end: usize) {
        if !self.first {
            let gap = &self.text.as_bytes()[self.prev_end..start];
            // The common gap, one space, breaks nothing.
            if gap != b" " {
                self.count_breaks(start, end);
            }
        }
        self.first = false;
        self.prev_start = start;
        self.prev_end = end;
        self.out.push(Word { span: Span { start, end }, sentence: self.sentence, clause: self.clause });
    }

    /// Counts the sentence or clause the gap before the word at `start..end` ends.
    /// Apart from [`Emitter::push`], whose common case (one space) never calls it.
    #[inline(never)]
    fn count_breaks(&mut self, start: usize, end: usize) {
        let gap = &self.text[self.prev_end..start];
        let gap = &gap[self.open_stop(gap, start, end)..];
        let (new_sentence, new_clause) = gap_breaks(gap);
        if new_sentence {
            self.sentence += 1;
            self.clause += 1;
        } else if new_clause {
            self.clause += 1;
        }
    }

    /// The bytes of a full stop starting `gap` (before the word at `start..end`) that
    /// ends no sentence, 0 if there is none: the full stop of `Mr.` or `e.g.`, or one
    /// inside a name (`gov.uk`, `node.js`: split into words, as `stalking.The` is, but
    /// a sentence does not start in lower case there).
    #[inline]
    fn open_stop(&self, gap: &str, start: usize, end: usize) -> usize {
        let stop = match gap.as_bytes().first() {
            Some(b'.') => 1,
            Some(&b) if b >= 0x80 => gap.chars().next().filter(|c| FULL_STOPS.contains(c)).map_or(0, char::len_utf8),
            _ => return 0,
        };
        let next = &self.text[start..end];
        let open = stop > 0
            && ((gap.len() == stop && next.starts_with(char::is_lowercase))
                || abbreviation_continues(&self.text[self.prev_start..self.prev_end], next, self.prev_opens()));
        if open { stop } else { 0 }
    }

    /// Whether the word before is the first of its sentence (or of the text).
    fn prev_opens(&self) -> bool {
        let n = self.out.len();
        n < self.begin + 2 || self.out[n - 2].sentence != self.out[n - 1].sentence
    }
}

/// UAX #29 words of `text` (apostrophe lookalikes read as apostrophes): the ASCII
/// scanner on ASCII stretches, Unicode segmentation only on the whitespace-delimited
/// pieces that hold a non-ASCII character. ASCII whitespace is always a word boundary,
/// so the result is exactly UAX #29's, at a fraction of its cost on mostly-ASCII text.
fn words(text: &str, e: &mut impl WordSink) {
    let b = text.as_bytes();
    let mut pos = 0;
    while pos < b.len() {
        let Some(off) = first_non_ascii(&b[pos..]) else {
            ascii_words(b, pos, b.len(), e);
            return;
        };
        let non_ascii = pos + off;
        let piece_start = b[pos..non_ascii].iter().rposition(u8::is_ascii_whitespace).map_or(pos, |i| pos + i + 1);
        let piece_end = b[non_ascii..].iter().position(u8::is_ascii_whitespace).map_or(b.len(), |i| non_ascii + i);
        ascii_words(b, pos, piece_start, e);
        let piece = &text[piece_start..piece_end];
        // Segmented with its apostrophe lookalikes spelled as apostrophes of the same
        // length, so the offsets hold for the piece as written.
        let as_apostrophes;
        let segmented = if piece.contains(APOSTROPHE_LOOKALIKES) {
            as_apostrophes = with_apostrophes(piece);
            as_apostrophes.as_str()
        } else {
            piece
        };
        for (start, word) in segmented.unicode_word_indices() {
            // UAX #29 joins across a narrow no-break space (it is ExtendNumLet, for
            // `10 000`), which French typing puts before `!` `?` `:` and inside « »:
            // it separates words as the no-break space does (`Pas cher` is two).
            let mut from = start;
            for part in word.split(NARROW_NO_BREAK_SPACE) {
                let (s, end) = (from, from + part.len());
                from = end + NARROW_NO_BREAK_SPACE.len_utf8();
                if part.chars().any(char::is_alphanumeric) {
                    let may_run_on = piece[s..end].contains(RUN_ON_SEPARATORS);
                    e.word(piece_start + s, piece_start + end, may_run_on);
                }
            }
        }
        pos = piece_end;
    }
}

/// U+202F, which UAX #29 joins words across but is a space to whoever typed it.
const NARROW_NO_BREAK_SPACE: char = '\u{202F}';

/// Characters people type for an apostrophe that UAX #29 does not join words across:
/// the backtick, the prime (U+2032), the reversed apostrophe (U+201B) and the acute
/// accent (U+00B4, the apostrophe of some keyboards: `didn´t`). They join where `'`
/// would (``don`t``, `can′t`), the acute accent between letters only; normalisation
/// spells them `'`.
const APOSTROPHE_LOOKALIKES: [char; 4] = ['`', '\u{2032}', '\u{201B}', '\u{B4}'];

/// `piece` with each apostrophe lookalike replaced by a character of the same length
/// in bytes that UAX #29 joins across: `'` for the backtick, `’` for the prime and the
/// reversed apostrophe, and for the acute accent (two bytes, as no apostrophe is) the
/// middle dot, which joins letters (`l·l`) but not digits.
fn with_apostrophes(piece: &str) -> String {
    let out: String = piece
        .chars()
        .map(|c| match c {
            '`' => '\'',
            '\u{2032}' | '\u{201B}' => '\u{2019}',
            '\u{B4}' => '\u{B7}',
            c => c,
        })
        .collect();
    debug_assert_eq!(out.len(), piece.len(), "each replacement has the length of what it replaces");
    out
}

/// Byte classes for the ASCII scanner.
const WORD: u8 = 1;
const LETTER: u8 = 2;
const DIGIT: u8 = 4;

const fn ascii_classes() -> [u8; 128] {
    let mut t = [0u8; 128];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        if b.is_ascii_alphabetic() {
            t[c] = WORD | LETTER;
        } else if b.is_ascii_digit() {
            t[c] = WORD | DIGIT;
        } else if b == b'_' {
            t[c] = WORD;
        }
        c += 1;
    }
    t
}

static CLASS: [u8; 128] = ascii_classes();

/// UAX #29 word segmentation restricted to ASCII: runs of letters, digits and `_`,
/// joined across `'` `.` `:` between letters and `'` `.` `,` `;` between digits; a
/// backtick joins as `'` does. `b[from..to]` must be ASCII and not start or end inside
/// a word.
///
/// Word and gap boundaries are found 64 bytes at a time in a bit mask ([`Masks`]),
/// not byte by byte: a byte loop mispredicts a branch at the end of every word and
/// every gap, which cost more than everything else the scanner does.
fn ascii_words(b: &[u8], from: usize, to: usize, e: &mut impl WordSink) {
    let b = &b[..to];
    let class = |c: u8| CLASS[(c & 0x7f) as usize];
    let mut masks = Masks::new(b, from);
    let mut i = from;
    loop {
        i = masks.find(i, true);
        if i >= to {
            return;
        }
        let start = i;
        let mut run_on = false;
        loop {
            i = masks.find(i, false);
            // Most words end at a space: look at the neighbours only after a joiner.
            if i + 1 < to && matches!(b[i], b'\'' | b'`' | b'.' | b':' | b',' | b';') {
                let (prev, mid, next) = (class(b[i - 1]), b[i], class(b[i + 1]));
                let letters = prev & next & LETTER != 0 && matches!(mid, b'\'' | b'`' | b'.' | b':');
                let digits = prev & next & DIGIT != 0 && matches!(mid, b'\'' | b'`' | b'.' | b',' | b';');
                if letters || digits {
                    run_on |= letters && matches!(mid, b'.' | b':');
                    i += 1;
                    continue;
                }
            }
            break;
        }
        // A run of underscores alone is not a word.
        if b[start] != b'_' || b[start..i].iter().any(|&c| c != b'_' && class(c) & WORD != 0) {
            e.word(start, i, run_on);
        }
    }
}

/// Which bytes of an ASCII text are word bytes (letters, digits, `_`), a 64-byte block
/// at a time: bit `k` of `mask` is byte `base + k`.
struct Masks<'a> {
    b: &'a [u8],
    base: usize,
    mask: u64,
}

impl<'a> Masks<'a> {
    fn new(b: &'a [u8], from: usize) -> Masks<'a> {
        let mut m = Masks { b, base: from, mask: 0 };
        m.load(from);
        m
    }

    fn load(&mut self, base: usize) {
        self.base = base;
        self.mask = match self.b.get(base..base + 64) {
            Some(block) => word_mask(block.try_into().expect("64 bytes")),
            None => {
                // The tail, padded with a non-word byte.
                let mut block = [b' '; 64];
                let tail = &self.b[base.min(self.b.len())..];
                block[..tail.len()].copy_from_slice(tail);
                word_mask(&block)
            }
        };
    }

    /// The first position at or after `pos` that is a word byte (`word`) or is not
    /// one (`!word`); the text's length if there is none.
    #[inline]
    fn find(&mut self, mut pos: usize, word: bool) -> usize {
        let len = self.b.len();
        loop {
            if pos >= len {
                return len;
            }
            if pos >= self.base + 64 {
                self.load(pos);
            }
            let bits = if word { self.mask } else { !self.mask } >> (pos - self.base);
            if bits != 0 {
                return (pos + bits.trailing_zeros() as usize).min(len);
            }
            pos = self.base + 64;
        }
    }
}

/// Bit `k` set: `block[k]` is an ASCII letter, digit or `_`.
#[cfg(target_arch = "x86_64")]
fn word_mask(block: &[u8; 64]) -> u64 {
    use std::arch::x86_64::*;
    #[inline(always)]
    fn between(v: __m128i, lo: u8, hi: u8) -> __m128i {
        // SAFETY: SSE2 is part of every x86_64 CPU.
        unsafe {
            _mm_and_si128(
                _mm_cmpgt_epi8(v, _mm_set1_epi8(lo as i8 - 1)),
                _mm_cmplt_epi8(v, _mm_set1_epi8(hi as i8 + 1)),
            )
        }
    }
    let mut mask = 0u64;
    for k in 0..4 {
        // SAFETY: SSE2 is part of every x86_64 CPU and allows unaligned loads; bytes
        // 16k..16k+16 lie inside the 64-byte block.
        let word = unsafe {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast());
            // `| 0x20` folds upper case onto lower case and moves no other byte into
            // a-z; bytes from 0x80 are negative as i8 and fall in no range.
            let letter = between(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', b'z');
            let digit = between(v, b'0', b'9');
            let underscore = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'_' as i8));
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, digit), underscore))
        };
        mask |= u64::from(word as u16) << (16 * k);
    }
    mask
}

/// Bit `k` set: `block[k]` is an ASCII letter, digit or `_`.
#[cfg(not(target_arch = "x86_64"))]
fn word_mask(block: &[u8; 64]) -> u64 {
    word_mask_portable(block)
}

/// [`word_mask`] a byte at a time, without branches.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn word_mask_portable(block: &[u8; 64]) -> u64 {
    block.iter().enumerate().fold(0, |m, (k, &c)| {
        let word = c < 0x80 && CLASS[(c & 0x7f) as usize] & WORD != 0;
        m | (u64::from(word) << k)
    })
}

/// Where the first byte from `0x80` is: eight bytes at a time.
fn first_non_ascii(b: &[u8]) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = b.chunks_exact(8);
    for (k, chunk) in chunks.by_ref().enumerate() {
        let high = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) & HIGH;
        if high != 0 {
            return Some(8 * k + high.trailing_zeros() as usize / 8);
        }
    }
    let done = b.len() - chunks.remainder().len();
    chunks.remainder().iter().position(|&c| c >= 0x80).map(|i| done + i)
}

/// The full stops and colons a word can hold (UAX #29 MidLetter and MidNumLet): the
/// ASCII ones and those NFKC turns into them (fullwidth, small, one dot leader), so
/// a word splits the same before and after normalisation.
const RUN_ON_SEPARATORS: [char; 7] = ['.', ':', '\u{FF0E}', '\u{FF1A}', '\u{FE52}', '\u{FE55}', '\u{2024}'];

/// Splits `text[start..end]` at a `.` or `:` between letters where the part before
/// (since the last split) and the part after (up to the next separator) are both at
/// least two characters long: `stalking.The` -> `stalking`, `The`; `e.g` stays.
///
/// Each piece between separators is normalised once, on its own: the part before
/// a separator ends with the piece right before it, and counts the characters of
/// the pieces and separators since the last split. (Normalising the whole part at
/// each separator made a word such as `a.a.a.a...`, where no piece is long enough
/// to split at, quadratic; and a part that was not ASCII could end in a letter that
/// a separator came after, which the normalisation of a word drops.)
fn split_run_ons(text: &str, start: usize, end: usize, push: &mut impl FnMut(usize, usize)) {
    let word = &text[start..end];
    if !word.contains(RUN_ON_SEPARATORS) {
        push(start, end);
        return;
    }
    let seps: Vec<(usize, usize)> = word.match_indices(RUN_ON_SEPARATORS).map(|(i, m)| (i, m.len())).collect();
    let mut piece_start = 0;
    // Normalised characters from `piece_start` to the piece before the next separator.
    let mut before_chars = 0;
    let mut piece = word_norm(&word[..seps[0].0]);
    for (k, &(sep, len)) in seps.iter().enumerate() {
        let next_sep = seps.get(k + 1).map_or(word.len(), |s| s.0);
        // Judged on the normalised parts, so text splits as its normalised form does.
        let right = word_norm(&word[sep + len..next_sep]);
        let left_chars = before_chars + piece.chars().count();
        let letter_before = piece.chars().next_back().is_some_and(char::is_alphabetic);
        let letter_after = right.chars().next().is_some_and(char::is_alphabetic);
        if letter_before && letter_after && left_chars >= 2 && right.chars().count() >= 2 {
            push(start + piece_start, start + sep);
            piece_start = sep + len;
            before_chars = 0;
        } else {
            // The separator is one character normalised (`．` and `․` are `.`).
            before_chars = left_chars + 1;
        }
        piece = right;
    }
    push(start + piece_start, end);
}

/// Joins words separated only by hyphens, with a letter on each side, into one word
/// (`ex-partner`, `face-to-face`, `x-ray`), as LIWC's and quanteda's tokenisers keep
/// them. Numbers are not joined (`covid-19` stays two words), nor are words a dash
/// with spaces separates. The joined word keeps the first word's sentence and clause.
pub fn join_hyphenated(text: &str, words: &mut Vec<Word>) {
    if words.len() < 2 || !text.contains(is_hyphen) {
        return;
    }
    let mut w = 0;
    for r in 1..words.len() {
        let (prev, next) = (words[w], words[r]);
        let gap = &text[prev.span.end..next.span.start];
        let joins = !gap.is_empty()
            && gap.chars().all(is_hyphen)
            && word_norm(&text[prev.span.start..prev.span.end]).chars().next_back().is_some_and(letter_or_mark)
            && text[next.span.start..].chars().next().is_some_and(letter)
            && word_norm(&text[next.span.start..next.span.end]).chars().next().is_some_and(letter);
        if joins {
            words[w].span.end = next.span.end;
        } else {
            w += 1;
            words[w] = next;
        }
    }
    words.truncate(w + 1);
}

/// The normalised form of the word `s` (`ﬁ` is `fi`, a zero-width joiner nothing),
/// on which splitting and joining are judged, so text splits and joins as its
/// normalised form would. Accents are folded whatever the analyser's `fold_accents`:
/// a stray mark after a letter (`à\u{300}`) is no letter, but folded away it leaves
/// one, so text splits as its folded form would, with accents folded or kept alike.
fn word_norm(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() {
        return s.into();
    }
    let mut out = String::new();
    super::normalise::normalise_word(s, true, &mut out);
    out.into()
}

/// A letter that is not a combining mark (a mark after a hyphen belongs to it).
fn letter(c: char) -> bool {
    c.is_alphabetic() && !unicode_normalization::char::is_combining_mark(c)
}

/// A letter, or a combining mark (on a letter: `b\u{301}`).
fn letter_or_mark(c: char) -> bool {
    c.is_alphabetic() || unicode_normalization::char::is_combining_mark(c)
}

/// A hyphen between two parts of a word: ASCII `-`, U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN.
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// The compatibility forms of a full stop (NFKC makes `.` of them).
const FULL_STOPS: [char; 3] = ['\u{FF0E}', '\u{FE52}', '\u{2024}'];

/// Whether a full stop right after `word` leaves the sentence open before `next`:
/// after a title (`Mr. Smith`) or `e.g.`/`i.e.`/`cf.`/`vs.`, always; after a dotted
/// abbreviation (`U.K.`, `a.m.`) or a short form such as `etc.` or `approx.`, when
/// `next` starts with a lower-case letter or a digit (`the U.K. government`, `approx.
/// 40`); after `vol.`, `p.`, `para.` and the like, before a digit (`p. 10`); after
/// `St.` before a capital or a digit (`St. Albans`). `No.` before a digit is a number
/// (`delay No. 5 order`) only inside a sentence and written `No`: at the start of one
/// (`No. 2 years is too long`), or as `no.` (`they said no. 5 more`), it answers "no"
/// and ends it. Before a capital, a dotted abbreviation may end a sentence (`I moved
/// to the U.K. Then ...`), and is read as ending one. Letter case is otherwise ignored
/// in `word`; `opens` says whether `word` is the first of its sentence.
fn abbreviation_continues(word: &str, next: &str, opens: bool) -> bool {
    if !word.is_ascii() {
        // Judged on the normalised word (`Ｕ.Ｋ` is `u.k`), as words are matched.
        let norm = word_norm(word);
        return norm.is_ascii() && abbreviation_continues(&norm, next, opens);
    }
    if word.len() > 8 {
        return false;
    }
    let mut buf = [0u8; 8];
    let lower = &mut buf[..word.len()];
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    let next = next.chars().next().unwrap_or(' ');
    let continued = next.is_lowercase() || next.is_ascii_digit();
    match &*lower {
        // Never at the end of a sentence: titles before a name, and Latin `e.g.`-likes.
        b"mr" | b"mrs" | b"ms" | b"mx" | b"dr" | b"prof" | b"rev" | b"revd" | b"hon" | b"rt" | b"cllr" | b"sgt"
        | b"insp" | b"supt" | b"det" | b"capt" | b"col" | b"gen" | b"lt" | b"e.g" | b"i.e" | b"cf" | b"viz" | b"vs" => {
            true
        }
        // Usually inside a sentence: continued by a lower-case word or a number.
        b"etc" | b"approx" | b"esp" | b"incl" | b"excl" | b"govt" | b"dept" | b"misc" => continued,
        // Before a number: `p. 4`, `vol. 2`. Not `no.`: "No. 2 years is too long"
        // answers the question, and its "no" must not negate what follows.
        b"vol" | b"p" | b"pp" | b"para" | b"fig" | b"ch" | b"ref" | b"tel" => next.is_ascii_digit(),
        b"no" => word == "No" && !opens && next.is_ascii_digit(),
        b"st" => next.is_uppercase() || next.is_ascii_digit(),
        // A dotted abbreviation: `U.K.`, `a.m.`, `Ph.D.`.
        _ => {
            continued
                && word.contains('.')
                && word
                    .split('.')
                    .all(|piece| (1..=3).contains(&piece.len()) && piece.bytes().all(|b| b.is_ascii_alphabetic()))
        }
    }
}

/// Whether the text between two words ends a sentence, and whether it ends a clause.
pub fn gap_breaks(gap: &str) -> (bool, bool) {
    // The common gap, a single space, first.
    if gap.len() == 1 && gap.as_bytes()[0] == b' ' {
        return (false, false);
    }
    // Then a punctuation mark and a space, as the loop below would judge them.
    if let [mark, b' '] = gap.as_bytes() {
        match mark {
            b'.' | b'!' | b'?' => return (true, true),
            b',' | b';' | b':' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'|' => return (false, true),
            _ => {}
        }
    }
    classify_gap(gap)
}

/// [`gap_breaks`] character by character, for any gap. Characters are read in their
/// compatibility form (NFKC's decomposition), so a full-width `．` or `；`, `‼` or
/// `﹒` breaks as `.`, `;`, `!` do, as normalisation reads them in words.
fn classify_gap(gap: &str) -> (bool, bool) {
    let mut sentence = false;
    let mut clause = false;
    let mut line_breaks = 0;
    let mut has_space = false;
    let mut has_dash = false;
    let mut prev = '\0';
    let mut visit = |c: char| {
        match c {
            '.' | '!' | '?' | '\u{2026}' | '\u{3002}' => sentence = true,
            // `\r\n` is one line break.
            '\n' if prev == '\r' => {}
            '\n' | '\r' => line_breaks += 1,
            ','
            | ';'
            | ':'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '\u{2012}'..='\u{2015}'
            | '\u{2022}'
            | '|'
            | '\u{3001}' => clause = true,
            '-' => has_dash = true,
            c if c.is_whitespace() => has_space = true,
            _ => {}
        }
        prev = c;
    };
    for c in gap.chars() {
        if c.is_ascii() {
            visit(c);
        } else {
            unicode_normalization::char::decompose_compatible(c, &mut visit);
        }
    }
    if line_breaks >= 2 {
        sentence = true;
    }
    if line_breaks == 1 || (has_dash && has_space) {
        clause = true;
    }
    (sentence, clause || sentence)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`split_run_ons`] by its definition: at each separator, the part since the last
    /// split normalised in full (each piece between separators normalised, the
    /// separators as `.` or `:`), counted and read again.
    fn split_run_ons_by_definition(word: &str, push: &mut impl FnMut(usize, usize)) {
        let seps: Vec<(usize, usize)> = word.match_indices(RUN_ON_SEPARATORS).map(|(i, m)| (i, m.len())).collect();
        let mut piece_start = 0;
        for (k, &(sep, len)) in seps.iter().enumerate() {
            let next_sep = seps.get(k + 1).map_or(word.len(), |s| s.0);
            let mut left = String::new();
            let mut from = piece_start;
            for &(at, n) in seps.iter().filter(|&&(at, _)| at >= piece_start && at < sep) {
                left.push_str(&word_norm(&word[from..at]));
                left.push('.');
                from = at + n;
            }
            left.push_str(&word_norm(&word[from..sep]));
            let right = word_norm(&word[sep + len..next_sep]);
            let letter_before = left.chars().next_back().is_some_and(char::is_alphabetic);
            let letter_after = right.chars().next().is_some_and(char::is_alphabetic);
            if letter_before && letter_after && left.chars().count() >= 2 && right.chars().count() >= 2 {
                push(piece_start, sep);
                piece_start = sep + len;
            }
        }
        push(piece_start, word.len());
    }
    use proptest::prelude::*;

    fn words(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        tokenise(text, &mut out);
        out.iter().map(|w| &text[w.span.start..w.span.end]).collect()
    }

    fn unicode_words(text: &str) -> Vec<(usize, usize)> {
        text.unicode_word_indices().map(|(s, w)| (s, s + w.len())).collect()
    }

    struct Collect(Vec<(usize, usize)>);

    impl WordSink for Collect {
        fn word(&mut self, start: usize, end: usize, _: bool) {
            self.0.push((start, end));
        }
    }

    fn ascii_only(text: &str) -> Vec<(usize, usize)> {
        let mut out = Collect(Vec::new());
        ascii_words(text.as_bytes(), 0, text.len(), &mut out);
        out.0
    }

    fn hybrid(text: &str) -> Vec<(usize, usize)> {
        let mut out = Collect(Vec::new());
        super::words(text, &mut out);
        out.0
    }

    #[test]
    fn word_masks_agree_with_the_byte_classes() {
        for shift in 0..=255u8 {
            let block: [u8; 64] = std::array::from_fn(|k| (k as u8).wrapping_mul(4).wrapping_add(shift));
            assert_eq!(word_mask(&block), word_mask_portable(&block), "bytes from {shift}");
            for (k, &c) in block.iter().enumerate() {
                let word = c.is_ascii_alphanumeric() || c == b'_';
                assert_eq!(word_mask(&block) >> k & 1 == 1, word, "byte {c:#x}");
            }
        }
    }

    #[test]
    fn words_cross_the_scanners_64_byte_blocks() {
        // Every word boundary, and a joined word (`don't`, `3.5`), at every offset.
        for pad in 0..70 {
            let text = format!("{} don't 3.5 {}_x e.g. {}", "a".repeat(pad), "b".repeat(pad), "c".repeat(70 - pad));
            assert_eq!(ascii_only(&text), unicode_words(&text), "padding {pad}");
        }
    }

    #[test]
    fn first_non_ascii_finds_the_first_high_byte() {
        let text = "plain words then caf\u{e9} and \u{2019}";
        assert_eq!(first_non_ascii(text.as_bytes()), text.find(|c: char| !c.is_ascii()));
        for len in 0..20 {
            let mut b = vec![b'a'; len];
            assert_eq!(first_non_ascii(&b), None);
            if len > 0 {
                b[len - 1] = 0xc3;
                assert_eq!(first_non_ascii(&b), Some(len - 1));
            }
        }
    }

    #[test]
    fn words_follow_uax29() {
        assert_eq!(words("Don't stop, ex-partner!"), ["Don't", "stop", "ex", "partner"]);
        assert_eq!(words("£3,000 in 2016; e.g. the U.K."), ["3,000", "in", "2016", "e.g", "the", "U.K"]);
        assert_eq!(words("victims' rights"), ["victims", "rights"]);
        assert_eq!(words("snake_case __ x"), ["snake_case", "x"]);
    }

    /// French typing puts a narrow no-break space (U+202F) before `!` `?` `:` and inside
    /// « »; UAX #29 joins words across it, so `Pas cher` was one word `pascher`.
    #[test]
    fn a_narrow_no_break_space_separates_words() {
        assert_eq!(words("Pas\u{202F}cher\u{202F}!"), ["Pas", "cher"]);
        assert_eq!(words("«\u{202F}prix\u{202F}» coût\u{202F}: trop"), ["prix", "coût", "trop"]);
        assert_eq!(words("10\u{202F}000 euros"), ["10", "000", "euros"]);
        assert_eq!(words("\u{202F}\u{202F}_\u{202F}é"), ["é"]);
    }

    fn hyphenated(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        tokenise(text, &mut out);
        join_hyphenated(text, &mut out);
        out.iter().map(|w| &text[w.span.start..w.span.end]).collect()
    }

    #[test]
    fn hyphenated_words_join_only_letters_across_bare_hyphens() {
        assert_eq!(hyphenated("my ex-partner, face-to-face"), ["my", "ex-partner", "face-to-face"]);
        assert_eq!(hyphenated("x-ray co\u{2010}op"), ["x-ray", "co\u{2010}op"]);
        assert_eq!(hyphenated("covid-19 and 2-3 days"), ["covid", "19", "and", "2", "3", "days"]);
        assert_eq!(
            hyphenated("well - being, well -being, well--being"),
            ["well", "being", "well", "being", "well--being"]
        );
        assert_eq!(hyphenated("-a- b-"), ["a", "b"]);
        assert_eq!(hyphenated(""), Vec::<&str>::new());
    }

    /// A word of one-letter pieces (`a.a.a...`) is one word, as long as it is; text
    /// that is not ASCII splits as its ASCII form does.
    #[test]
    fn run_ons_of_one_letter_pieces_stay_one_word() {
        let long = "a.".repeat(200_000);
        assert_eq!(words(&long), [&long[..long.len() - 1]]);
        assert_eq!(words("fia.fi.x stalking.The"), ["fia", "fi.x", "stalking", "The"]);
        assert_eq!(words("\u{FB01}a\u{FF0E}\u{FB01}\u{FF0E}x"), ["\u{FB01}a", "\u{FB01}\u{FF0E}x"]);
    }

    #[test]
    fn curly_apostrophes_stay_inside_words() {
        assert_eq!(words("don\u{2019}t know"), ["don\u{2019}t", "know"]);
    }

    /// A backtick, prime or reversed apostrophe between letters no longer splits the
    /// word (``I don`t think cost matters`` counted `cost`: `don` and `t` negate nothing).
    #[test]
    fn apostrophe_lookalikes_join_words_as_apostrophes_do() {
        for (text, want) in [
            ("I don`t think", &["I", "don`t", "think"][..]),
            ("can\u{2032}t stop", &["can\u{2032}t", "stop"]),
            ("won\u{201B}t go", &["won\u{201B}t", "go"]),
            ("caf\u{E9}`s menu", &["caf\u{E9}`s", "menu"]),
            ("3`000 and 3\u{2032}5", &["3`000", "and", "3\u{2032}5"]),
            // Not between letters (or digits): quotes, a word's edge, a letter and a digit.
            ("`cost` and \u{2032}x\u{2032} it` s a`1", &["cost", "and", "x", "it", "s", "a", "1"]),
            ("\u{201B}caf\u{E9}\u{2032} ok", &["caf\u{E9}", "ok"]),
            ("They didn\u{B4}t listen", &["They", "didn\u{B4}t", "listen"]),
            // The acute accent joins letters only: `3´5` is two numbers, `´cost´` a word.
            ("3\u{B4}5 \u{B4}cost\u{B4} e\u{B4}", &["3", "5", "cost", "e"]),
        ] {
            assert_eq!(words(text), want, "{text:?}");
        }
    }

    /// Every lookalike gives the words `'` gives, at spans that hold them, in either
    /// scanner, wherever the words fall in the ASCII scanner's 64-byte blocks.
    #[test]
    fn apostrophe_lookalikes_keep_word_count_and_spans() {
        for pad in 0..70 {
            let with = |a: &str| format!("{} I don{a}t think it{a}s 3{a}5, caf\u{E9}{a}s {a}x{a}y", "a".repeat(pad));
            let want = words(&with("'")).len();
            for a in ["`", "\u{2032}", "\u{201B}"] {
                let text = with(a);
                let got: Vec<String> = words(&text).iter().map(|w| w.replace(a, "'")).collect();
                assert_eq!(got, words(&with("'")), "{a:?}, padding {pad}");
                assert_eq!(got.len(), want);
            }
        }
    }

    #[test]
    fn run_on_sentences_are_split() {
        assert_eq!(words("stalking.The police"), ["stalking", "The", "police"]);
        assert_eq!(words("i.e.the order"), ["i.e", "the", "order"]);
        assert_eq!(words("see www.gov.uk now"), ["see", "www", "gov", "uk", "now"]);
        assert_eq!(words("at 10.30 today"), ["at", "10.30", "today"]);
    }

    #[test]
    fn emoji_rtl_and_combining_text() {
        assert_eq!(words("help 😡 now"), ["help", "now"]);
        assert_eq!(words("שלום עולם"), ["שלום", "עולם"]);
        assert_eq!(words("cafe\u{301} ok"), ["cafe\u{301}", "ok"]);
        assert_eq!(words("🤷\u{200D}♀️"), Vec::<&str>::new());
    }

    fn boundaries(text: &str) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        tokenise(text, &mut out);
        out.iter().map(|w| (w.sentence, w.clause)).collect()
    }

    #[test]
    fn sentences_and_clauses() {
        assert_eq!(boundaries("a b. c, d; e"), [(0, 0), (0, 0), (1, 1), (1, 2), (1, 3)]);
        assert_eq!(boundaries("a\nb\n\nc"), [(0, 0), (0, 1), (1, 2)]);
        assert_eq!(boundaries("a - b ex-partner"), [(0, 0), (0, 1), (0, 1), (0, 1)]);
        assert_eq!(boundaries("a\rb\r\nc"), [(0, 0), (0, 1), (0, 2)]);
    }

    /// The sentence of each word.
    fn sentences(text: &str) -> Vec<u32> {
        boundaries(text).into_iter().map(|(sentence, _)| sentence).collect()
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        // A title or e.g./i.e.: whatever follows.
        assert_eq!(sentences("ask Mr. Smith"), [0, 0, 0]);
        assert_eq!(sentences("DR. Jones, e.g. Police i.e. them"), [0, 0, 0, 0, 0, 0]);
        assert_eq!(boundaries("Mrs. Smith"), [(0, 0), (0, 0)]);
        // A dotted abbreviation or a short form: before a lower-case word or a number.
        assert_eq!(
            words("the U.K. government at 9 a.m. today"),
            ["the", "U.K", "government", "at", "9", "a.m", "today"]
        );
        assert_eq!(sentences("the U.K. government at 9 a.m. today"), [0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(sentences("cars etc. and approx. 40 more"), [0, 0, 0, 0, 0, 0]);
        assert_eq!(sentences("see vol. 10 and p. 4"), [0, 0, 0, 0, 0, 0]);
        // Before a capital (and after `no`, which answers) the full stop ends the sentence.
        assert_eq!(sentences("I moved to the U.K. Then etc. They"), [0, 0, 0, 0, 0, 1, 1, 2]);
        assert_eq!(sentences("No. they said no. 5"), [0, 1, 1, 1, 2]);
        // `No.` of a number inside a sentence (not at its start: that answers "no").
        assert_eq!(sentences("a delay No. 5 order"), [0, 0, 0, 0, 0]);
        assert_eq!(sentences("No. 5 is late. No. 2 years"), [0, 1, 1, 1, 2, 3, 3]);
        // `St.` of a name.
        assert_eq!(sentences("a delay St. Albans order"), [0, 0, 0, 0, 0]);
        // Other words, and a second mark, end it as before.
        assert_eq!(sentences("ask mrs. Smith. Mr! Smith"), [0, 0, 0, 1, 2]);
        assert_eq!(sentences("stalking.The end"), [0, 1, 1]);
        // Judged as normalised: full-width letters and stops.
        assert_eq!(
            sentences("the \u{FF35}.\u{FF2B}. government and \u{FF2D}\u{FF52}\u{FF0E} Smith"),
            [0, 0, 0, 0, 0, 0]
        );
        // A full stop inside a name, split as a run-on, is no boundary at all.
        assert_eq!(boundaries("see gov.uk now"), [(0, 0), (0, 0), (0, 0), (0, 0)]);
        assert_eq!(words("see gov.uk now"), ["see", "gov", "uk", "now"]);
        // What follows the full stop still counts: a comma, a blank line.
        assert_eq!(boundaries("e.g., this"), [(0, 0), (0, 1)]);
        assert_eq!(sentences("Mr.\n\nSmith"), [0, 1]);
    }

    #[test]
    fn gap_classification() {
        assert_eq!(gap_breaks(" "), (false, false));
        assert_eq!(gap_breaks("-"), (false, false));
        assert_eq!(gap_breaks(", "), (false, true));
        // The fast paths judge as the character loop does.
        for c in (0u8..0x80).map(char::from) {
            for gap in [c.to_string(), format!("{c} ")] {
                assert_eq!(gap_breaks(&gap), classify_gap(&gap), "{gap:?}");
            }
        }
        assert_eq!(gap_breaks("? "), (true, true));
        assert_eq!(gap_breaks("\n \n"), (true, true));
        // Compatibility forms break as what NFKC makes of them: full-width and small
        // stops, `‼`, `⁇`, the halfwidth ideographic stop; `；` `：` `（` and dashes.
        for gap in ["\u{FF0E} ", "\u{FE52} ", "\u{2024} ", "\u{FF61}", "\u{203C} ", "\u{2047}", "\u{FE57} ", "\u{FE12}"]
        {
            assert_eq!(gap_breaks(gap), (true, true), "{gap:?}");
        }
        for gap in ["\u{FF1B} ", "\u{FE54} ", "\u{FF1A} ", " \u{FF08}", "\u{FF09} ", " \u{2015} ", " \u{2012} "] {
            assert_eq!(gap_breaks(gap), (false, true), "{gap:?}");
        }
        assert_eq!(gap_breaks(" \u{201C}"), (false, false));
        assert_eq!(gap_breaks("\r\n"), (false, true));
    }

    proptest! {
        #[test]
        fn ascii_scanner_equals_uax29(text in "[a-zA-Z0-9_ .,;:'!?\\-\n]{0,200}") {
            prop_assert_eq!(ascii_only(&text), unicode_words(&text));
        }

        #[test]
        fn hybrid_scanner_equals_uax29(text in "([a-zA-Z0-9_ .,;:'!?\\-\n\t]|é|ß|’|\u{301}|\u{200D}|😡|日本|ש|\u{00A0}|،){0,40}") {
            prop_assert_eq!(hybrid(&text), unicode_words(&text));
        }

        #[test]
        fn ascii_scanner_reads_a_backtick_as_an_apostrophe(text in "[a-zA-Z0-9_ .,;:'`!?\\-\n]{0,200}") {
            prop_assert_eq!(ascii_only(&text), unicode_words(&text.replace('`', "'")));
        }

        #[test]
        fn hybrid_scanner_reads_lookalikes_as_apostrophes(text in "([a-zA-Z0-9_ .,;:'`!?\\-\n]|é|’|\u{2032}|\u{201B}|\u{B4}|\u{301}|日本|ש|\u{00A0}){0,40}") {
            prop_assert_eq!(hybrid(&text), unicode_words(&with_apostrophes(&text)));
        }

        /// `'` and each lookalike for it give the same words, at spans that hold them.
        #[test]
        fn lookalikes_tokenise_as_apostrophes(text in "([a-zA-Z0-9 .,:'\\-]|é|’|日){0,60}", k in 0usize..3) {
            let a = ["`", "\u{2032}", "\u{201B}"][k];
            let variant = text.replace('\'', a);
            let got: Vec<String> = words(&variant).iter().map(|w| w.replace(a, "'")).collect();
            prop_assert_eq!(got, words(&text));
        }

        /// Between letters, the acute accent gives the words `'` gives.
        #[test]
        fn an_acute_accent_between_letters_tokenises_as_an_apostrophe(text in "([a-zA-Z .,:'\\-]|é|’|日){0,60}") {
            let variant = text.replace('\'', "\u{B4}");
            let got: Vec<String> = words(&variant).iter().map(|w| w.replace('\u{B4}', "'")).collect();
            prop_assert_eq!(got, words(&text));
        }

        /// Run-ons split as when the whole part before each separator was normalised.
        #[test]
        fn run_ons_split_as_by_definition(text in "([a-zA-Z.:]|é|\u{301}|\u{200D}|ﬁ|Ａ|\u{FF0E}|\u{2024}|\u{FF1A}){1,30}") {
            let mut got = Vec::new();
            split_run_ons(&text, 0, text.len(), &mut |s, e| got.push((s, e)));
            let mut want = Vec::new();
            split_run_ons_by_definition(&text, &mut |s, e| want.push((s, e)));
            prop_assert_eq!(got, want);
        }

        #[test]
        fn tokenising_never_panics_and_spans_are_in_bounds(text in "\\PC{0,80}", join in any::<bool>()) {
            let mut out = Vec::new();
            tokenise(&text, &mut out);
            if join {
                join_hyphenated(&text, &mut out);
            }
            let mut last = 0;
            for w in &out {
                prop_assert!(w.span.start >= last && w.span.end <= text.len());
                prop_assert!(text.is_char_boundary(w.span.start) && text.is_char_boundary(w.span.end));
                last = w.span.end;
            }
        }
    }
}
