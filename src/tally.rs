//! Tallies: counts per question, theme, closed-answer option and respondent group.
//!
//! A [`Tally`] is built row by row with [`Tally::add`] and combined with
//! [`Tally::merge`]. Merging is element-wise addition, so it is associative and
//! commutative: chunks coded in parallel, or shards coded on other machines, merge
//! into exactly the tally of one sequential pass. Tallies hold counts only; turning
//! them into percentages with their bases is the report's job.
//!
//! Tallies serialise (serde) because a partial run's tally is persisted for `codeframe
//! merge`: that file is a checkpoint of this type, not a report format.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::coding::Coding;
use crate::survey::{ClosedCell, TypeCell};

/// Counts for one closed question.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedCounts {
    /// Respondents per option (survey order). In a question that takes several
    /// answers they add up to more than the respondents.
    pub options: Vec<u64>,
    /// Empty cells.
    pub nil: u64,
    /// Respondents who gave a value that is none of the options (in a question that
    /// takes several answers, beside options or not).
    pub unrecognised: u64,
    /// Respondents who chose an option (the base of "of those who answered").
    pub chose: u64,
}

/// Counts for one open question.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenCounts {
    /// Answers that say something (not empty, not a non-answer).
    pub answered: u64,
    /// Non-empty cells that are non-answers ("n/a", "see above").
    pub non_answers: u64,
    /// Answers that asserted at least one theme.
    pub coded: u64,
    /// Respondents asserting each theme (by theme index).
    pub themes: Vec<u64>,
    /// Occurrences of each theme (hits that counted), for the counts measure.
    pub hits: Vec<u64>,
    /// Words covered by each theme's hits (a phrase counts its words).
    pub matched_words: Vec<u64>,
    /// Words in all answers.
    pub words: u64,
    /// Answers asserting both themes of a pair (lower index first).
    pub pairs: Pairs,
}

/// Counts of theme pairs asserted in the same answer, keyed `(a, b)` with `a < b`.
///
/// An answer with k themes adds k(k-1)/2 pairs, so this is on the hot path with big
/// lexicons: up to [`DENSE_PAIR_THEMES`] themes the counts live in a triangular array
/// (allocated on the first pair, so groups that never count pairs cost nothing), past
/// that in a hash map. Either way it is compared, iterated and written in key order,
/// so the representation never shows in an output.
#[derive(Clone, Debug, Default)]
pub struct Pairs {
    /// Row-major upper triangle of a `themes` x `themes` matrix; empty until used.
    dense: Vec<u64>,
    themes: u32,
    sparse: rustc_hash::FxHashMap<(u32, u32), u64>,
}

/// Where row `a` of the upper triangle of an `n` x `n` matrix starts (the cell of the
/// pair `(a, a + 1)`), row-major.
fn row_start(n: usize, a: usize) -> usize {
    a * (2 * n - a - 1) / 2
}

/// Theme-pair counts of each open question, kept apart from a [`Tally`] (see
/// [`Tally::add_pairs_apart`]).
#[derive(Clone, Debug, Default)]
pub struct PairCounts(Vec<Pairs>);

impl PairCounts {
    /// Empty counts for tallies of `shape`.
    pub fn new(shape: &Shape) -> PairCounts {
        PairCounts((0..shape.open).map(|_| Pairs::new(shape.themes)).collect())
    }
}

/// Where [`Counts::add`] counts an answer's theme pairs.
enum PairsTo<'a> {
    /// Nowhere (a group's counts).
    Skip,
    /// In the counts' own [`OpenCounts::pairs`].
    Own,
    /// In pair counts kept apart.
    Apart(&'a mut PairCounts),
}

/// Most themes for which [`Pairs`] counts in an array (32,640 cells).
pub const DENSE_PAIR_THEMES: usize = 256;

impl Pairs {
    /// Empty counts for a lexicon of `themes` themes.
    pub fn new(themes: usize) -> Pairs {
        Pairs { dense: Vec::new(), themes: themes as u32, sparse: Default::default() }
    }

    fn dense_index(&self, a: u32, b: u32) -> Option<usize> {
        let n = self.themes as usize;
        let (a, b) = (a as usize, b as usize);
        (n <= DENSE_PAIR_THEMES && a < b && b < n).then(|| row_start(n, a) + (b - a - 1))
    }

    /// Adds `n` to the pair `(a, b)`, `a < b`.
    #[inline]
    pub fn add(&mut self, a: u32, b: u32, n: u64) {
        match self.dense_index(a, b) {
            Some(i) => {
                if self.dense.is_empty() {
                    let t = self.themes as usize;
                    self.dense = vec![0; t * t.saturating_sub(1) / 2];
                }
                self.dense[i] += n;
            }
            None => *self.sparse.entry((a, b)).or_default() += n,
        }
    }

    /// Adds 1 to every pair `(themes[i], themes[j])`, `i < j`: an answer's codes.
    /// Ascending distinct themes (as codings hold them) take the array's rows
    /// directly; anything else goes pair by pair.
    pub fn add_each_pair(&mut self, themes: impl Iterator<Item = u32> + Clone) {
        let n = self.themes as usize;
        // The themes copied out once: the checks and the k(k-1)/2 adds then read a
        // dense array rather than walk the codes again. Ascending distinct themes below
        // `n <= DENSE_PAIR_THEMES` always fit; more than that go pair by pair anyway.
        let mut buffer = [0u32; DENSE_PAIR_THEMES];
        let mut k = 0;
        let mut copied = n <= DENSE_PAIR_THEMES;
        if copied {
            for t in themes.clone() {
                if k == buffer.len() {
                    copied = false;
                    break;
                }
                buffer[k] = t;
                k += 1;
            }
        }
        let copy = &buffer[..k];
        let dense = copied && copy.windows(2).all(|w| w[0] < w[1]) && copy.last().is_none_or(|&t| (t as usize) < n);
        if !dense {
            for (i, a) in themes.clone().enumerate() {
                themes.clone().skip(i + 1).for_each(|b| self.add(a, b, 1));
            }
            return;
        }
        if k < 2 {
            return;
        }
        if self.dense.is_empty() {
            self.dense = vec![0; n * n.saturating_sub(1) / 2];
        }
        for (i, &a) in copy.iter().enumerate() {
            let row = &mut self.dense[row_start(n, a as usize)..];
            for &b in &copy[i + 1..] {
                row[(b - a - 1) as usize] += 1;
            }
        }
    }

    /// The non-zero counts in key order.
    pub fn iter(&self) -> impl Iterator<Item = ((u32, u32), u64)> + '_ {
        let n = self.themes;
        let dense = (!self.dense.is_empty())
            .then(|| (0..n).flat_map(move |a| (a + 1..n).map(move |b| (a, b))))
            .into_iter()
            .flatten()
            .zip(self.dense.iter().copied())
            .filter(|&(_, c)| c > 0);
        let mut sparse: Vec<((u32, u32), u64)> = self.sparse.iter().map(|(&k, &v)| (k, v)).collect();
        sparse.sort_unstable();
        merge_sorted(dense, sparse.into_iter())
    }

    /// Whether no pair was counted.
    pub fn is_empty(&self) -> bool {
        self.sparse.values().all(|&n| n == 0) && self.dense.iter().all(|&n| n == 0)
    }

    /// Adds another's counts.
    pub fn merge(&mut self, other: &Pairs) {
        if self.themes < other.themes && self.dense.is_empty() && self.sparse.is_empty() {
            self.themes = other.themes;
        }
        if self.themes == other.themes && self.dense.len() == other.dense.len() {
            // Two arrays of one shape (chunks of one run): add cell by cell.
            add_vec(&mut self.dense, &other.dense);
            for (&(a, b), &n) in &other.sparse {
                self.add(a, b, n);
            }
            return;
        }
        for ((a, b), n) in other.iter() {
            self.add(a, b, n);
        }
    }
}

/// Two key-sorted iterators as one, adding the counts of equal keys.
fn merge_sorted(
    a: impl Iterator<Item = ((u32, u32), u64)>,
    b: impl Iterator<Item = ((u32, u32), u64)>,
) -> impl Iterator<Item = ((u32, u32), u64)> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if x.0 == y.0 => {
            let (k, n) = a.next().expect("peeked");
            Some((k, n + b.next().expect("peeked").1))
        }
        (Some(x), Some(y)) if x.0 < y.0 => a.next(),
        (Some(_), None) => a.next(),
        _ => b.next(),
    })
}

impl PartialEq for Pairs {
    fn eq(&self, other: &Pairs) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Pairs {}

/// JSON maps need string keys: theme pairs are stored as a list of `[a, b, count]`.
impl Serialize for Pairs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v: Vec<(u32, u32, u64)> = self.iter().map(|((a, b), n)| (a, b, n)).collect();
        v.serialize(s)
    }
}

/// Read back sparse; merging into a tally of known shape makes them dense again.
impl<'de> Deserialize<'de> for Pairs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Pairs, D::Error> {
        let v: Vec<(u32, u32, u64)> = Vec::deserialize(d)?;
        Ok(Pairs { dense: Vec::new(), themes: 0, sparse: v.into_iter().map(|(a, b, n)| ((a, b), n)).collect() })
    }
}

/// Counts for a group of respondents (everyone, or one segment value).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Respondents coded.
    pub respondents: u64,
    /// Per closed question.
    pub closed: Vec<ClosedCounts>,
    /// Per open question.
    pub open: Vec<OpenCounts>,
    /// Respondents who raised each theme in any open answer (by theme index).
    pub any_question: Vec<u64>,
}

/// The shape of a tally: how many of each thing there is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shape {
    /// Options per closed question.
    pub closed_options: Vec<usize>,
    /// Per closed question, whether it takes several answers.
    pub closed_multiple: Vec<bool>,
    /// Number of open questions.
    pub open: usize,
    /// Number of themes.
    pub themes: usize,
    /// Number of respondent types (0 if the survey has none).
    pub types: usize,
    /// Number of segment columns.
    pub segments: usize,
}

/// Most unlisted respondent types counted by value ([`Tally::unlisted_types`]).
pub const MAX_UNLISTED_TYPES: usize = 100;

/// Characters of an unlisted respondent type kept as its value.
pub const UNLISTED_TYPE_CHARS: usize = 100;

/// Counts `n` respondents for the unlisted type `value`, keeping the
/// [`MAX_UNLISTED_TYPES`] values first in alphabetical order: a value past them is
/// dropped wherever it is counted, so merging is exact for the values kept.
fn count_unlisted(map: &mut BTreeMap<String, u64>, value: &str, n: u64) {
    if map.len() >= MAX_UNLISTED_TYPES && map.last_key_value().is_some_and(|(last, _)| value > last.as_str()) {
        return;
    }
    *map.entry(value.to_string()).or_default() += n;
    if map.len() > MAX_UNLISTED_TYPES {
        map.pop_last();
    }
}

/// Most distinct values kept per segment column; more fold into `(other)`.
pub const MAX_SEGMENT_VALUES: usize = 200;

/// The group a segment cell counts in: `(blank)` for an empty cell (or one that says
/// `(blank)`, as spreadsheets' pivot tables write it); a value that reads as one of
/// the reports' own groups (`(other)` for values past [`MAX_SEGMENT_VALUES`], `(all)`
/// for every group) in quotes, `"(all)"`, so that it stays apart from them.
fn segment_key(value: &str) -> Cow<'_, str> {
    if value.is_empty() || value.eq_ignore_ascii_case("(blank)") {
        Cow::Borrowed("(blank)")
    } else if value.eq_ignore_ascii_case("(other)") || value.eq_ignore_ascii_case("(all)") {
        Cow::Owned(format!("\"{value}\""))
    } else {
        Cow::Borrowed(value)
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `3` options, `3+` for a question that takes several answers.
        let several = |q: usize| if self.closed_multiple.get(q).copied().unwrap_or(false) { "+" } else { "" };
        let options: Vec<String> =
            self.closed_options.iter().enumerate().map(|(q, n)| format!("{n}{}", several(q))).collect();
        write!(
            f,
            "{} closed questions (options: {}), {} open questions, {} themes, {} respondent types and {} segments",
            self.closed_options.len(),
            if options.is_empty() { "none".to_string() } else { options.join(", ") },
            self.open,
            self.themes,
            self.types,
            self.segments
        )
    }
}

/// What one respondent contributes to a tally.
#[derive(Clone, Debug, Default)]
pub struct RowCounts<'a> {
    /// Respondent type cell, read.
    pub respondent_type: Option<TypeCell>,
    /// Each closed cell, read.
    pub closed: &'a [ClosedCell],
    /// Each open answer: `None` if empty, `Some(None)` if a non-answer, else its coding.
    pub open: Vec<Option<Option<&'a Coding>>>,
    /// Segment values (trimmed).
    pub segments: Vec<&'a str>,
    /// The respondent-type cell as written, when it names no listed type
    /// ([`TypeCell::Unlisted`]).
    pub unlisted_type: Option<&'a str>,
}

/// All counts of a run, mergeable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// The shape every count vector follows.
    pub shape: Shape,
    /// Everyone.
    pub total: Counts,
    /// Respondents per type (by type index).
    pub types: Vec<u64>,
    /// Respondents whose type was empty, a non-answer or unlisted, and took the default.
    pub types_defaulted: u64,
    /// Of those, the respondents whose type named no listed type.
    pub types_unlisted: u64,
    /// The unlisted types as written (trimmed, cut to [`UNLISTED_TYPE_CHARS`]
    /// characters) and their respondents: the [`MAX_UNLISTED_TYPES`] first in
    /// alphabetical order, so that any split of the rows merges to the same values.
    pub unlisted_types: BTreeMap<String, u64>,
    /// Counts per respondent type (by type index).
    pub by_type: Vec<Counts>,
    /// Counts per segment column, per value.
    pub by_segment: Vec<BTreeMap<String, Counts>>,
    /// Rows read.
    pub rows_read: u64,
    /// Rows rejected.
    pub rows_rejected: u64,
    /// Answers of coded rows read as the text their HTML shows (see
    /// [`crate::input::html`]); absent from partial.json files written before it existed.
    #[serde(default)]
    pub html_answers: u64,
}

impl Counts {
    fn new(shape: &Shape) -> Counts {
        Counts {
            respondents: 0,
            closed: shape
                .closed_options
                .iter()
                .map(|&n| ClosedCounts { options: vec![0; n], ..ClosedCounts::default() })
                .collect(),
            open: (0..shape.open)
                .map(|_| OpenCounts {
                    themes: vec![0; shape.themes],
                    hits: vec![0; shape.themes],
                    matched_words: vec![0; shape.themes],
                    pairs: Pairs::new(shape.themes),
                    ..Default::default()
                })
                .collect(),
            any_question: vec![0; shape.themes],
        }
    }

    /// Adds a row; `any` lists (sorted, once each) the themes it raised in any answer.
    /// Theme pairs are counted only for everyone, not per group: see [`PairsTo`].
    fn add(&mut self, row: &RowCounts, any: &[u32], mut pairs: PairsTo) {
        self.respondents += 1;
        for (c, cell) in self.closed.iter_mut().zip(row.closed) {
            match *cell {
                ClosedCell::Option(i) => {
                    c.options[i] += 1;
                    c.chose += 1;
                }
                ClosedCell::Nil => c.nil += 1,
                ClosedCell::Unrecognised => c.unrecognised += 1,
                ClosedCell::Chosen { options, unrecognised } => {
                    for (i, n) in c.options.iter_mut().enumerate().take(64) {
                        *n += options >> i & 1;
                    }
                    c.chose += 1;
                    c.unrecognised += u64::from(unrecognised);
                }
            }
        }
        for (q, (o, answer)) in self.open.iter_mut().zip(&row.open).enumerate() {
            match answer {
                None => {}
                Some(None) => o.non_answers += 1,
                Some(Some(coding)) => {
                    o.answered += 1;
                    o.words += coding.words as u64;
                    if !coding.codes.is_empty() {
                        o.coded += 1;
                    }
                    for code in &coding.codes {
                        o.themes[code.theme as usize] += 1;
                        o.hits[code.theme as usize] += code.hits.len() as u64;
                        o.matched_words[code.theme as usize] += coding.matched_words(code);
                    }
                    let themes = coding.codes.iter().map(|c| c.theme);
                    match &mut pairs {
                        PairsTo::Skip => {}
                        PairsTo::Own => o.pairs.add_each_pair(themes),
                        PairsTo::Apart(apart) => apart.0[q].add_each_pair(themes),
                    }
                }
            }
        }
        for &t in any {
            self.any_question[t as usize] += 1;
        }
    }

    fn merge(&mut self, other: &Counts) {
        self.respondents += other.respondents;
        for (a, b) in self.closed.iter_mut().zip(&other.closed) {
            add_vec(&mut a.options, &b.options);
            a.nil += b.nil;
            a.unrecognised += b.unrecognised;
            a.chose += b.chose;
        }
        for (a, b) in self.open.iter_mut().zip(&other.open) {
            a.answered += b.answered;
            a.non_answers += b.non_answers;
            a.coded += b.coded;
            add_vec(&mut a.themes, &b.themes);
            add_vec(&mut a.hits, &b.hits);
            add_vec(&mut a.matched_words, &b.matched_words);
            a.words += b.words;
            a.pairs.merge(&b.pairs);
        }
        add_vec(&mut self.any_question, &other.any_question);
    }
}

/// Removes repeats from a sorted slice in place; returns the length kept.
fn dedup_sorted(v: &mut [u32]) -> usize {
    let mut w = 0;
    for r in 0..v.len() {
        if r == 0 || v[r] != v[w - 1] {
            v[w] = v[r];
            w += 1;
        }
    }
    w
}

fn add_vec(a: &mut [u64], b: &[u64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

impl Tally {
    /// An empty tally of the given shape.
    pub fn new(shape: Shape) -> Tally {
        Tally {
            total: Counts::new(&shape),
            types: vec![0; shape.types],
            types_defaulted: 0,
            types_unlisted: 0,
            unlisted_types: BTreeMap::new(),
            by_type: (0..shape.types).map(|_| Counts::new(&shape)).collect(),
            by_segment: vec![BTreeMap::new(); shape.segments],
            rows_read: 0,
            rows_rejected: 0,
            html_answers: 0,
            shape,
        }
    }

    /// Adds one coded respondent.
    pub fn add(&mut self, row: &RowCounts) {
        self.add_counting_pairs(row, PairsTo::Own);
    }

    /// [`Tally::add`], but the row's theme pairs go into `pairs`, to be merged in with
    /// [`Tally::merge_pairs`]. A pipeline worker keeps one [`PairCounts`] for all its
    /// chunks: a chunk's own pair array (79 KB a question for 142 themes, 261 KB for
    /// 256) would be zeroed for each chunk and added cell by cell into the total, so
    /// the cost of a chunk would grow with the square of the themes.
    pub fn add_pairs_apart(&mut self, row: &RowCounts, pairs: &mut PairCounts) {
        self.add_counting_pairs(row, PairsTo::Apart(pairs));
    }

    /// Adds pair counts kept apart ([`Tally::add_pairs_apart`]) to everyone's.
    pub fn merge_pairs(&mut self, pairs: &PairCounts) {
        for (o, p) in self.total.open.iter_mut().zip(&pairs.0) {
            o.pairs.merge(p);
        }
    }

    fn add_counting_pairs(&mut self, row: &RowCounts, pairs: PairsTo) {
        self.rows_read += 1;
        // Themes raised in any answer, each once: no allocation for the usual few.
        let mut buf = [0u32; 32];
        let mut spill: Vec<u32> = Vec::new();
        let mut n = 0;
        for coding in row.open.iter().flatten().flatten() {
            for code in &coding.codes {
                if n < buf.len() {
                    buf[n] = code.theme;
                    n += 1;
                } else {
                    spill.push(code.theme);
                }
            }
        }
        let any: &mut [u32] = if spill.is_empty() {
            &mut buf[..n]
        } else {
            spill.extend_from_slice(&buf[..n]);
            &mut spill
        };
        any.sort_unstable();
        let len = dedup_sorted(any);
        let any = &any[..len];
        self.total.add(row, any, pairs);
        if let Some(cell) = row.respondent_type {
            let i = match cell {
                TypeCell::Known(i) => i,
                TypeCell::Defaulted(i) => {
                    self.types_defaulted += 1;
                    i
                }
                TypeCell::Unlisted(i) => {
                    self.types_defaulted += 1;
                    self.types_unlisted += 1;
                    let value = row.unlisted_type.unwrap_or_default().trim();
                    let cut = value.char_indices().nth(UNLISTED_TYPE_CHARS).map_or(value, |(at, _)| &value[..at]);
                    count_unlisted(&mut self.unlisted_types, cut, 1);
                    i
                }
            };
            self.types[i] += 1;
            self.by_type[i].add(row, any, PairsTo::Skip);
        }
        for (k, value) in row.segments.iter().enumerate() {
            let map = &mut self.by_segment[k];
            let key = segment_key(value);
            let key = if map.contains_key(key.as_ref()) || map.len() < MAX_SEGMENT_VALUES {
                key
            } else {
                Cow::Borrowed("(other)")
            };
            if !map.contains_key(key.as_ref()) {
                map.insert(key.to_string(), Counts::new(&self.shape));
            }
            map.get_mut(key.as_ref()).expect("inserted above").add(row, any, PairsTo::Skip);
        }
    }

    /// Counts a rejected row.
    pub fn add_reject(&mut self) {
        self.rows_read += 1;
        self.rows_rejected += 1;
    }

    /// Adds `other` into `self`. Both must have the same shape.
    ///
    /// Segment values are merged by name; the `(other)` fold can differ from a
    /// sequential run only when a segment has more than [`MAX_SEGMENT_VALUES`] values.
    pub fn merge(&mut self, other: &Tally) {
        assert_eq!(self.shape, other.shape, "tallies of different shapes cannot merge");
        self.total.merge(&other.total);
        add_vec(&mut self.types, &other.types);
        self.types_defaulted += other.types_defaulted;
        self.types_unlisted += other.types_unlisted;
        for (value, &n) in &other.unlisted_types {
            count_unlisted(&mut self.unlisted_types, value, n);
        }
        for (a, b) in self.by_type.iter_mut().zip(&other.by_type) {
            a.merge(b);
        }
        for (a, b) in self.by_segment.iter_mut().zip(&other.by_segment) {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(x) => x.merge(v),
                    None => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        self.rows_read += other.rows_read;
        self.rows_rejected += other.rows_rejected;
        self.html_answers += other.html_answers;
    }

    /// Rows coded (read minus rejected).
    pub fn rows_coded(&self) -> u64 {
        self.rows_read - self.rows_rejected
    }

    /// Checks a tally read from a file (a partial run's) before anything trusts it:
    /// that it has `shape`, every array its length and every pair its themes, and
    /// that its counts add up as counting rows makes them (rows read are coded or
    /// rejected; every coded row has one respondent type, one value per segment and one
    /// cell per closed question; a theme counts only coded answers). `Err` says what
    /// is wrong.
    pub fn check(&self, shape: &Shape) -> std::result::Result<(), String> {
        if self.shape != *shape {
            return Err(format!("it counts {}, where this survey and lexicon have {shape}", self.shape));
        }
        if self.rows_read.checked_sub(self.rows_rejected) != Some(self.total.respondents) {
            return Err(format!(
                "{} rows read are not {} respondents coded plus {} rejected",
                self.rows_read, self.total.respondents, self.rows_rejected
            ));
        }
        self.total.check(shape, "all respondents")?;
        if self.types.len() != shape.types || self.by_type.len() != shape.types {
            return Err(format!("it counts {} respondent types, not {}", self.types.len(), shape.types));
        }
        if shape.types > 0 && !sums_to(self.types.iter().copied(), self.total.respondents) {
            return Err("its respondent types do not add up to its respondents".into());
        }
        if self.total.respondents.checked_mul(shape.open as u64).is_some_and(|cells| self.html_answers > cells) {
            return Err("it has more answers read from HTML than open answers".into());
        }
        if self.types_defaulted > self.total.respondents {
            return Err("it has more defaulted respondent types than respondents".into());
        }
        if self.types_unlisted > self.types_defaulted
            || self.unlisted_types.len() > MAX_UNLISTED_TYPES
            || self
                .unlisted_types
                .values()
                .try_fold(0u64, |sum, &n| sum.checked_add(n))
                .is_none_or(|sum| sum > self.types_unlisted)
            || self.unlisted_types.values().any(|&n| n == 0)
        {
            return Err("its unlisted respondent types do not add up to its respondents of an unlisted type".into());
        }
        for (i, (counts, &n)) in self.by_type.iter().zip(&self.types).enumerate() {
            if counts.respondents != n {
                return Err(format!("respondent type {i} counts {} respondents, not {n}", counts.respondents));
            }
            counts.check(shape, &format!("respondent type {i}"))?;
        }
        // Every coded row counts once in everyone's counts and once in its type's.
        if shape.types > 0 && !self.total.is_sum_of(&self.by_type) {
            return Err("its respondent types' counts do not add up to all respondents' counts".into());
        }
        if self.by_segment.len() != shape.segments {
            return Err(format!("it counts {} segments, not {}", self.by_segment.len(), shape.segments));
        }
        for (k, values) in self.by_segment.iter().enumerate() {
            if !sums_to(values.values().map(|c| c.respondents), self.total.respondents) {
                return Err(format!("segment {k}'s values do not add up to its respondents"));
            }
            for (value, counts) in values {
                counts.check(shape, &format!("segment {k} value {value:?}"))?;
            }
            if !self.total.is_sum_of(values.values()) {
                return Err(format!("segment {k}'s values' counts do not add up to all respondents' counts"));
            }
        }
        Ok(())
    }
}

/// Whether `counts` add up to exactly `total` (without overflowing on the way).
fn sums_to(mut counts: impl Iterator<Item = u64>, total: u64) -> bool {
    counts.try_fold(0u64, |sum, n| sum.checked_add(n)) == Some(total)
}

impl Counts {
    /// Every count but the theme pairs (which only everyone's counts hold), in a fixed
    /// order: what the groups of a tally add up to.
    fn figures(&self) -> impl Iterator<Item = u64> + '_ {
        let closed = self.closed.iter().flat_map(|c| c.options.iter().copied().chain([c.nil, c.unrecognised, c.chose]));
        let open = self.open.iter().flat_map(|o| {
            let per_theme = o.themes.iter().chain(&o.hits).chain(&o.matched_words).copied();
            [o.answered, o.non_answers, o.coded, o.words].into_iter().chain(per_theme)
        });
        [self.respondents].into_iter().chain(closed).chain(open).chain(self.any_question.iter().copied())
    }

    /// Whether these counts are the sum of `groups`' (theme pairs aside), each of the
    /// same shape ([`Counts::check`] first).
    fn is_sum_of<'a>(&self, groups: impl IntoIterator<Item = &'a Counts>) -> bool {
        // u128: no sum of u64 counts from fewer than 2^64 groups overflows it.
        let mut sums: Vec<u128> = vec![0; self.figures().count()];
        for group in groups {
            for (sum, n) in sums.iter_mut().zip(group.figures()) {
                *sum += u128::from(n);
            }
        }
        sums.into_iter().eq(self.figures().map(u128::from))
    }

    /// [`Tally::check`] for one group's counts (`what` names it in the message).
    fn check(&self, shape: &Shape, what: &str) -> std::result::Result<(), String> {
        let bad = |why: String| Err(format!("{what}: {why}"));
        let n = self.respondents;
        if self.closed.len() != shape.closed_options.len() {
            return bad(format!("{} closed questions, not {}", self.closed.len(), shape.closed_options.len()));
        }
        for (q, (c, &options)) in self.closed.iter().zip(&shape.closed_options).enumerate() {
            if c.options.len() != options {
                return bad(format!("closed question {q} has {} options, not {options}", c.options.len()));
            }
            // Each respondent chose, left it empty, or gave only values that are no
            // option; with one answer each, the options add up to those who chose.
            let several = shape.closed_multiple.get(q).copied().unwrap_or(false);
            let fits = if several {
                let unanswered = n.checked_sub(c.chose).and_then(|k| k.checked_sub(c.nil));
                unanswered.is_some_and(|k| k <= c.unrecognised && c.unrecognised <= n - c.nil)
                    && c.options.iter().all(|&k| k <= c.chose)
                    && (c.chose == 0 || c.options.iter().any(|&k| k > 0))
            } else {
                sums_to(c.options.iter().copied(), c.chose) && sums_to([c.chose, c.nil, c.unrecognised].into_iter(), n)
            };
            if !fits {
                return bad(format!("closed question {q}'s answers do not add up to {n} respondents"));
            }
        }
        if self.open.len() != shape.open {
            return bad(format!("{} open questions, not {}", self.open.len(), shape.open));
        }
        let themes = shape.themes;
        for (q, o) in self.open.iter().enumerate() {
            if [o.themes.len(), o.hits.len(), o.matched_words.len()] != [themes; 3] {
                return bad(format!("open question {q} does not count {themes} themes"));
            }
            if o.answered.checked_add(o.non_answers).is_none_or(|a| a > n) || o.coded > o.answered {
                return bad(format!(
                    "open question {q} has more answers than respondents, or more coded than answered"
                ));
            }
            if o.themes.iter().any(|&t| t > o.coded) {
                return bad(format!("open question {q} has a theme raised by more answers than were coded"));
            }
            if let Some(((a, b), _)) = o.pairs.iter().find(|&((a, b), _)| a >= b || b as usize >= themes) {
                return bad(format!("open question {q} pairs themes {a} and {b}, which are not two of {themes}"));
            }
        }
        if self.any_question.len() != themes || self.any_question.iter().any(|&t| t > n) {
            return bad(format!("its themes raised in any answer are not {themes} counts of at most {n}"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coding::Code;
    use proptest::prelude::*;

    fn shape() -> Shape {
        Shape { closed_options: vec![3], closed_multiple: vec![false], open: 2, themes: 3, types: 2, segments: 1 }
    }

    fn coding(themes: &[u32]) -> Coding {
        Coding {
            codes: themes.iter().map(|&t| Code { theme: t, hits: Default::default(), via: None }).collect(),
            vetoes: vec![],
            words: 3,
            gaps: vec![],
        }
    }

    #[derive(Clone, Debug)]
    struct Row {
        ty: Option<usize>,
        closed: Option<usize>,
        open: [Option<Option<Vec<u32>>>; 2],
        seg: &'static str,
        /// With `ty` `None`: an unlisted type written so, or none written.
        written: Option<&'static str>,
    }

    fn add(t: &mut Tally, r: &Row) {
        add_to(t, r, None);
    }

    /// [`Tally::add`], or with `pairs` [`Tally::add_pairs_apart`].
    fn add_to(t: &mut Tally, r: &Row, pairs: Option<&mut PairCounts>) {
        let codings: Vec<Option<Option<Coding>>> =
            r.open.iter().map(|o| o.as_ref().map(|x| x.as_ref().map(|v| coding(v)))).collect();
        let row = RowCounts {
            respondent_type: Some(match (r.ty, r.written) {
                (Some(i), _) => TypeCell::Known(i),
                (None, None) => TypeCell::Defaulted(1),
                (None, Some(_)) => TypeCell::Unlisted(1),
            }),
            unlisted_type: r.written,
            closed: &[r.closed.map_or(ClosedCell::Nil, ClosedCell::Option)],
            open: codings.iter().map(|o| o.as_ref().map(|x| x.as_ref())).collect(),
            segments: vec![r.seg],
        };
        match pairs {
            Some(p) => t.add_pairs_apart(&row, p),
            None => t.add(&row),
        }
    }

    /// A question that takes several answers counts each option chosen, those who
    /// chose any (the base of "of those who answered"), and an unrecognised value beside
    /// options; a tally that could not come from such rows fails its check.
    #[test]
    fn several_answers_count_each_option_and_check_as_such() {
        let shape =
            Shape { closed_options: vec![3], closed_multiple: vec![true], open: 0, themes: 0, types: 0, segments: 0 };
        let mut t = Tally::new(shape.clone());
        for cell in [
            ClosedCell::Chosen { options: 0b011, unrecognised: false },
            ClosedCell::Chosen { options: 0b110, unrecognised: true },
            ClosedCell::Unrecognised,
            ClosedCell::Nil,
        ] {
            t.add(&RowCounts {
                respondent_type: None,
                closed: &[cell],
                open: vec![],
                segments: vec![],
                unlisted_type: None,
            });
        }
        let c = &t.total.closed[0];
        assert_eq!((c.options.as_slice(), c.chose, c.nil, c.unrecognised), (&[1, 2, 1][..], 2, 1, 2));
        assert_eq!(t.check(&shape), Ok(()));
        let mut bad = t.clone();
        bad.total.closed[0].options[1] = 3;
        assert!(bad.check(&shape).is_err());
        let mut bad = t.clone();
        bad.total.closed[0].unrecognised = 0;
        assert!(bad.check(&shape).is_err());
        // Read as one answer each, the same counts do not add up.
        let single = Shape { closed_multiple: vec![false], ..shape };
        let mut t1 = t.clone();
        t1.shape = single.clone();
        assert!(t1.check(&single).is_err());
    }

    #[test]
    fn counts_a_theme_once_per_respondent_and_question() {
        let mut t = Tally::new(shape());
        add(
            &mut t,
            &Row {
                ty: Some(0),
                closed: Some(1),
                open: [Some(Some(vec![0, 2])), Some(None)],
                seg: "north",
                written: None,
            },
        );
        add(&mut t, &Row { ty: None, closed: None, open: [Some(Some(vec![])), None], seg: "", written: None });
        add(
            &mut t,
            &Row { ty: Some(1), closed: Some(1), open: [None, Some(Some(vec![0]))], seg: "north", written: None },
        );
        assert_eq!(t.total.respondents, 3);
        assert_eq!(t.types, [1, 2]);
        assert_eq!(t.types_defaulted, 1);
        assert_eq!(t.total.closed[0].options, [0, 2, 0]);
        assert_eq!(t.total.closed[0].nil, 1);
        let q0 = &t.total.open[0];
        assert_eq!((q0.answered, q0.non_answers, q0.coded, q0.themes.clone()), (2, 0, 1, vec![1, 0, 1]));
        let q1 = &t.total.open[1];
        assert_eq!((q1.answered, q1.non_answers, q1.themes.clone()), (1, 1, vec![1, 0, 0]));
        assert_eq!(t.total.any_question, [2, 0, 1]);
        assert_eq!(t.by_segment[0]["north"].respondents, 2);
        assert_eq!(t.by_segment[0]["(blank)"].respondents, 1);
    }

    /// Issue (t23-1, 2): respondents of an unlisted type are counted apart from those
    /// who gave none, with the values written; past [`MAX_UNLISTED_TYPES`] values the
    /// first in alphabetical order are kept, however the rows are split.
    #[test]
    fn unlisted_types_are_counted_by_value_and_merge_exactly() {
        let row = |written: Option<&'static str>| Row { ty: None, closed: None, open: [None, None], seg: "", written };
        let mut t = Tally::new(shape());
        for w in [Some("Organization "), None, Some("Organization"), Some("Councillor")] {
            add(&mut t, &row(w));
        }
        assert_eq!((t.types_defaulted, t.types_unlisted), (4, 3));
        assert_eq!(t.unlisted_types, BTreeMap::from([("Councillor".to_string(), 1), ("Organization".to_string(), 2)]));
        assert_eq!(t.check(&shape()), Ok(()));
        let mut bad = t.clone();
        bad.types_unlisted = 2;
        assert!(bad.check(&shape()).is_err());
        // 150 values, one respondent each, and one value twice: split two ways.
        let values: Vec<&'static str> =
            (0..150).map(|i| &*Box::leak(format!("v{i:03}").into_boxed_str())).chain(["v001"]).collect();
        let mut whole = Tally::new(shape());
        values.iter().for_each(|&v| add(&mut whole, &row(Some(v))));
        let (mut odd, mut even) = (Tally::new(shape()), Tally::new(shape()));
        for (k, &v) in values.iter().enumerate() {
            add(if k % 2 == 0 { &mut even } else { &mut odd }, &row(Some(v)));
        }
        odd.merge(&even);
        assert_eq!(odd, whole);
        assert_eq!(whole.unlisted_types.len(), MAX_UNLISTED_TYPES);
        assert_eq!(whole.unlisted_types.first_key_value(), Some((&"v000".to_string(), &1)));
        assert_eq!(whole.unlisted_types["v001"], 2);
        assert_eq!(whole.types_unlisted, 151);
    }

    #[test]
    fn a_segment_value_that_reads_as_a_reports_own_group_stays_apart() {
        let mut t = Tally::new(shape());
        for seg in ["", "(Blank)", "(all)", "(other)", "all"] {
            add(&mut t, &Row { ty: None, closed: None, open: [None, None], seg, written: None });
        }
        let groups: Vec<(&str, u64)> = t.by_segment[0].iter().map(|(k, c)| (k.as_str(), c.respondents)).collect();
        assert_eq!(groups, [("\"(all)\"", 1), ("\"(other)\"", 1), ("(blank)", 2), ("all", 1)]);
    }

    fn arb_row() -> impl Strategy<Value = Row> {
        let open = || {
            prop_oneof![
                Just(None),
                Just(Some(None)),
                proptest::collection::btree_set(0u32..3, 0..3).prop_map(|s| Some(Some(s.into_iter().collect())))
            ]
        };
        (
            proptest::option::of(0usize..2),
            proptest::option::of(0usize..3),
            open(),
            open(),
            prop_oneof![Just("a"), Just("b"), Just("")],
            prop_oneof![Just(None), Just(Some("Organization")), Just(Some(" Councillor ")), Just(Some("Parish"))],
        )
            .prop_map(|(ty, closed, o1, o2, seg, written)| Row { ty, closed, open: [o1, o2], seg, written })
    }

    proptest! {
        #[test]
        fn merging_any_split_equals_the_whole(rows in proptest::collection::vec(arb_row(), 0..40), cuts in proptest::collection::vec(0usize..40, 0..5)) {
            let mut whole = Tally::new(shape());
            for r in &rows { add(&mut whole, r); }
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(rows.len())).collect();
            cuts.push(0); cuts.push(rows.len()); cuts.sort();
            let mut parts: Vec<Tally> = cuts.windows(2).map(|w| {
                let mut t = Tally::new(shape());
                for r in &rows[w[0]..w[1]] { add(&mut t, r); }
                t
            }).collect();
            // merge in reverse order: commutativity and associativity both exercised
            parts.reverse();
            let mut merged = Tally::new(shape());
            for p in &parts { merged.merge(p); }
            prop_assert_eq!(merged, whole);
        }
    }

    proptest! {
        /// A tally counted from rows passes its check, whose groups (respondent types,
        /// a segment's values) add up to everyone's counts; one count of everyone's
        /// changed where the groups' are not (a partial.json edited by hand: a theme
        /// raised 5 more times) fails it, though it stays within the answers coded.
        #[test]
        fn groups_add_up_to_everyone(rows in proptest::collection::vec(arb_row(), 1..40), q in 0usize..2, theme in 0usize..3) {
            let mut t = Tally::new(shape());
            for r in &rows { add(&mut t, r); }
            prop_assert_eq!(t.check(&shape()), Ok(()));
            let mut edited = t.clone();
            edited.total.open[q].themes[theme] += 1;
            edited.total.open[q].coded = edited.total.open[q].coded.max(edited.total.open[q].themes[theme]);
            edited.total.open[q].answered = edited.total.open[q].answered.max(edited.total.open[q].coded);
            prop_assert!(edited.check(&shape()).is_err());
            let mut edited = t.clone();
            edited.by_type[0].open[q].hits[theme] += 1;
            let why = edited.check(&shape()).unwrap_err();
            prop_assert!(why.contains("respondent types' counts do not add up"), "{}", why);
            let mut edited = t;
            let value = edited.by_segment[0].values_mut().next().expect("a value");
            value.open[q].matched_words[theme] += 1;
            let why = edited.check(&shape()).unwrap_err();
            prop_assert!(why.contains("segment 0's values' counts do not add up"), "{}", why);
        }
    }

    proptest! {
        /// Chunks whose pairs go to per-worker counts, merged at the end, give the
        /// tally of one pass, whichever worker took which chunk.
        #[test]
        fn pairs_kept_apart_merge_to_the_whole(
            rows in proptest::collection::vec(arb_row(), 0..40),
            cuts in proptest::collection::vec(0usize..40, 0..5),
            workers in proptest::collection::vec(0usize..3, 6),
        ) {
            let mut whole = Tally::new(shape());
            for r in &rows { add(&mut whole, r); }
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(rows.len())).collect();
            cuts.push(0); cuts.push(rows.len()); cuts.sort();
            let mut apart: Vec<PairCounts> = (0..3).map(|_| PairCounts::new(&shape())).collect();
            let mut merged = Tally::new(shape());
            for (k, w) in cuts.windows(2).enumerate() {
                let mut chunk = Tally::new(shape());
                for r in &rows[w[0]..w[1]] { add_to(&mut chunk, r, Some(&mut apart[workers[k]])); }
                merged.merge(&chunk);
            }
            for p in &apart { merged.merge_pairs(p); }
            prop_assert_eq!(merged, whole);
        }
    }

    proptest! {
        /// The array (up to 256 themes) and the hash map (past that) count alike, and
        /// survive a JSON round trip and merges in any mix of the two.
        #[test]
        fn pair_counts_agree_dense_sparse_and_serialised(pairs in proptest::collection::vec((0u32..6, 0u32..6, 1u64..4), 0..30)) {
            let (mut dense, mut sparse) = (Pairs::new(6), Pairs::new(DENSE_PAIR_THEMES + 1));
            let mut want: BTreeMap<(u32, u32), u64> = BTreeMap::new();
            for &(a, b, n) in &pairs {
                let (a, b) = (a.min(b), a.max(b));
                dense.add(a, b, n);
                sparse.add(a, b, n);
                *want.entry((a, b)).or_default() += n;
            }
            let got: Vec<_> = dense.iter().collect();
            prop_assert_eq!(&got, &want.into_iter().collect::<Vec<_>>());
            prop_assert_eq!(&dense, &sparse);
            let read: Pairs = serde_json::from_str(&serde_json::to_string(&dense).unwrap()).unwrap();
            prop_assert_eq!(&read, &dense);
            let mut merged = Pairs::new(6);
            merged.merge(&read);
            merged.merge(&sparse);
            let doubled: Vec<_> = dense.iter().map(|(k, n)| (k, 2 * n)).collect();
            prop_assert_eq!(merged.iter().collect::<Vec<_>>(), doubled);
        }

        /// Every pair of a theme list at once counts as the pairs one by one, whether
        /// the list is an answer's (ascending) or not, in the array or the hash map.
        #[test]
        fn each_pair_of_a_list_counts_as_pair_by_pair(themes in proptest::collection::vec(0u32..8, 0..10), sorted in any::<bool>(), n in prop_oneof![Just(8usize), Just(DENSE_PAIR_THEMES + 1)]) {
            let mut themes = themes;
            if sorted {
                themes.sort_unstable();
                themes.dedup();
            }
            let (mut each, mut one_by_one) = (Pairs::new(n), Pairs::new(n));
            each.add_each_pair(themes.iter().copied());
            each.add_each_pair(themes.iter().copied());
            for _ in 0..2 {
                for (i, &a) in themes.iter().enumerate() {
                    for &b in &themes[i + 1..] {
                        one_by_one.add(a, b, 1);
                    }
                }
            }
            prop_assert_eq!(each.iter().collect::<Vec<_>>(), one_by_one.iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn tally_is_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Tally>();
    }
}
