//! Campaign responses: identical or near-identical answers sent by many respondents.
//!
//! Each answer of at least [`MIN_WORDS`] words gets a [`Sketch`]: a hash of its whole
//! normalised word sequence (for identical texts) and a bottom-k MinHash sketch of its
//! 4-word shingles (for near-identical ones: a template with a line added or changed).
//! Identical answers are merged first; distinct texts sharing one of their two
//! smallest shingle hashes are compared, and joined when their estimated Jaccard
//! similarity is at least [`SIMILARITY`]. Groups of at least `min_size` respondents
//! are campaigns. Pure: the pipeline collects sketches, this module groups them.

/// Answers shorter than this are never campaign members (short answers repeat by chance).
pub const MIN_WORDS: usize = 12;
/// Shingle hashes kept per answer.
pub const SKETCH_SIZE: usize = 16;
/// Estimated Jaccard similarity of shingle sets above which two answers are near-identical.
pub const SIMILARITY: f64 = 0.6;

/// FNV-1a, 64-bit: a hash that is the same on every platform and run.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The fingerprint of one answer: 80 bytes, no allocation (up to 100,000 are held).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sketch {
    /// Hash of the whole normalised word sequence.
    pub exact: u64,
    /// The smallest 32-bit shingle hashes, sorted ascending; the first `len` count.
    mins: [u32; SKETCH_SIZE],
    len: u8,
}

impl Sketch {
    /// Sketches an answer from its word hashes (one per token, e.g. [`fnv1a`] of the
    /// normalised word). `None` for answers shorter than [`MIN_WORDS`].
    pub fn new(words: &[u64]) -> Option<Sketch> {
        if words.len() < MIN_WORDS {
            return None;
        }
        // The smallest distinct shingle hashes so far, ascending: the first `len`, the
        // rest u32::MAX (which orders after any hash, and is never shifted in).
        let mut mins = [u32::MAX; SKETCH_SIZE];
        let mut len = 0;
        // The whole-sequence hash is one chain of mixes, a word at a time; computed in
        // the shingles' loop, its wait on each mix overlaps their work.
        let mut exact: u64 = 0x9e37_79b9_7f4a_7c15;
        for &w in &words[..3] {
            exact = mix(exact ^ w);
        }
        for s in words.windows(4) {
            exact = mix(exact ^ s[3]);
            let h = (mix(s[0] ^ s[1].rotate_left(16) ^ s[2].rotate_left(32) ^ s[3].rotate_left(48)) >> 32) as u32;
            if (len == SKETCH_SIZE && h >= mins[SKETCH_SIZE - 1]) || mins[..len].contains(&h) {
                continue;
            }
            // Insert h in order, the last one falling off: every lane takes its left
            // neighbour (shifted up past h), h, or its own value, with no branch or
            // copy to mispredict, where a binary search and a memmove did.
            let mut next = mins;
            for i in 0..SKETCH_SIZE {
                let left = if i == 0 { 0 } else { mins[i - 1] };
                next[i] = if left > h {
                    left
                } else if mins[i] > h {
                    h
                } else {
                    mins[i]
                };
            }
            mins = next;
            len = (len + 1).min(SKETCH_SIZE);
        }
        // Unused lanes are 0, as partial results have always held them.
        mins[len..].fill(0);
        let sketch = Sketch { exact, mins, len: len as u8 };
        Some(sketch)
    }

    /// Whether a sketch read from a file is one [`Sketch::new`] could have made: at
    /// most [`SKETCH_SIZE`] hashes, ascending and distinct.
    pub fn is_valid(&self) -> bool {
        (self.len as usize) <= SKETCH_SIZE && self.mins().windows(2).all(|w| w[0] < w[1])
    }

    /// The smallest shingle hashes, sorted ascending, at most [`SKETCH_SIZE`].
    pub fn mins(&self) -> &[u32] {
        &self.mins[..self.len as usize]
    }

    /// Estimated Jaccard similarity of two answers' shingle sets (bottom-k estimator:
    /// the share of the k smallest hashes of the union present in both).
    pub fn similarity(&self, other: &Sketch) -> f64 {
        let (x, y) = (self.mins(), other.mins());
        let k = SKETCH_SIZE.min(x.len().max(y.len()));
        if k == 0 {
            return 0.0;
        }
        let (mut i, mut j, mut taken, mut both) = (0, 0, 0, 0);
        while taken < k && (i < x.len() || j < y.len()) {
            let a = x.get(i).copied().unwrap_or(u32::MAX);
            let b = y.get(j).copied().unwrap_or(u32::MAX);
            if a == b {
                both += 1;
                i += 1;
                j += 1;
            } else if a < b {
                i += 1;
            } else {
                j += 1;
            }
            taken += 1;
        }
        both as f64 / taken as f64
    }
}

/// A sketched answer: which question, which respondent (row order), its themes.
///
/// Up to [`crate::pipeline::MAX_SKETCHES`] are held, so it is kept small: 120 bytes
/// and one allocation (respondent id, excerpt and themes back to back), where a
/// 136-byte struct with two allocations took about 280 bytes an answer. It serialises as it always did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "MemberFields", from = "MemberFields")]
pub struct Member {
    /// Open question index.
    pub question: usize,
    /// Data row number (input order).
    pub row: u64,
    /// The respondent id, the answer's first words, then the theme indices the answer
    /// asserts, each as its difference from the one before, zigzag-encoded in LEB128
    /// (one byte for a theme within 64 of the last: a quarter of four-byte indices,
    /// and answers coded with a large lexicon raise dozens of themes).
    data: Box<[u8]>,
    respondent_len: u32,
    excerpt_len: u32,
    /// Its sketch.
    pub sketch: Sketch,
}

/// [`Member`] as it is serialised (in partial results).
#[derive(serde::Serialize, serde::Deserialize)]
struct MemberFields {
    question: usize,
    row: u64,
    themes: Vec<u32>,
    text: String,
    respondent_len: u32,
    sketch: Sketch,
}

impl From<Member> for MemberFields {
    fn from(m: Member) -> MemberFields {
        MemberFields {
            question: m.question,
            row: m.row,
            themes: m.themes().collect(),
            text: format!("{}{}", m.respondent(), m.excerpt()),
            respondent_len: m.respondent_len,
            sketch: m.sketch,
        }
    }
}

impl From<MemberFields> for Member {
    fn from(f: MemberFields) -> Member {
        // A hand-edited file may cut the text anywhere: split at a character boundary.
        let mut at = (f.respondent_len as usize).min(f.text.len());
        while !f.text.is_char_boundary(at) {
            at -= 1;
        }
        let (respondent, excerpt) = f.text.split_at(at);
        Member::new(f.question, f.row, respondent, f.themes.into_iter(), excerpt, f.sketch)
    }
}

impl Member {
    /// A member answering open question `question` on data row `row`.
    pub fn new(
        question: usize,
        row: u64,
        respondent: &str,
        themes: impl ExactSizeIterator<Item = u32>,
        excerpt: &str,
        sketch: Sketch,
    ) -> Member {
        let mut data = Vec::with_capacity(respondent.len() + excerpt.len() + themes.len());
        data.extend_from_slice(respondent.as_bytes());
        data.extend_from_slice(excerpt.as_bytes());
        let mut last = 0;
        for t in themes {
            let step = i64::from(t) - i64::from(last);
            let mut zigzag = ((step << 1) ^ (step >> 63)) as u64;
            while zigzag >= 0x80 {
                data.push(zigzag as u8 | 0x80);
                zigzag >>= 7;
            }
            data.push(zigzag as u8);
            last = t;
        }
        Member {
            question,
            row,
            data: data.into_boxed_slice(),
            respondent_len: respondent.len() as u32,
            excerpt_len: excerpt.len() as u32,
            sketch,
        }
    }

    fn text(&self, from: usize, len: u32) -> &str {
        // Both parts were whole `&str`s when the member was made.
        std::str::from_utf8(&self.data[from..from + len as usize]).unwrap_or_default()
    }

    /// Respondent id.
    pub fn respondent(&self) -> &str {
        self.text(0, self.respondent_len)
    }

    /// First words of the answer, for reports.
    pub fn excerpt(&self) -> &str {
        self.text(self.respondent_len as usize, self.excerpt_len)
    }

    /// Themes the answer asserts (theme indices).
    pub fn themes(&self) -> impl Iterator<Item = u32> + '_ {
        let from = (self.respondent_len + self.excerpt_len) as usize;
        let mut bytes = self.data[from..].iter();
        let mut last = 0i64;
        std::iter::from_fn(move || {
            let (mut zigzag, mut shift) = (0u64, 0);
            loop {
                let b = *bytes.next()?;
                zigzag |= u64::from(b & 0x7f) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    break;
                }
            }
            last += (zigzag >> 1) as i64 ^ -((zigzag & 1) as i64);
            Some(last as u32)
        })
    }
}

/// A group of near-identical answers to one question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Campaign {
    /// Open question index.
    pub question: usize,
    /// Members in input order; the first is the representative.
    pub members: Vec<Member>,
    /// Members whose text is identical (after normalisation) to the representative's.
    pub identical: usize,
}

/// Groups sketched answers into campaigns of at least `min_size` members.
///
/// Works in place: the members are sorted by question and row, each question's run of
/// them is grouped by index, and only the members of campaigns are moved out (up to
/// 100,000 members are held: a copy per question took 12 MB at the end of a run).
pub fn detect(mut members: Vec<Member>, min_size: usize) -> Vec<Campaign> {
    // One member per answer: the key is unique, and an unstable sort needs no scratch
    // buffer (a stable one takes 8 MB for 100,000 members).
    members.sort_unstable_by_key(|m| (m.question, m.row));
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut from = 0;
    while from < members.len() {
        let question = members[from].question;
        let to = from + members[from..].partition_point(|m| m.question == question);
        for g in group(&members[from..to], min_size) {
            groups.push((question, g.into_iter().map(|i| from + i).collect()));
        }
        from = to;
    }
    let mut taken: Vec<Option<Member>> = members.into_iter().map(Some).collect();
    let mut out: Vec<Campaign> = groups
        .into_iter()
        .map(|(question, group)| {
            let members: Vec<Member> = group.iter().filter_map(|&i| taken[i].take()).collect();
            let identical = members.iter().filter(|m| m.sketch.exact == members[0].sketch.exact).count();
            Campaign { question, members, identical }
        })
        .collect();
    out.sort_by_key(|c| (c.question, c.members[0].row));
    out
}

/// The groups of at least `min_size` among one question's members (in row order), as
/// ascending indices.
fn group(ms: &[Member], min_size: usize) -> Vec<Vec<usize>> {
    let n = ms.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let union = |p: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (find(p, a), find(p, b));
        if ra != rb {
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            p[hi] = lo;
        }
    };
    // Identical texts: runs of one hash in the sorted (hash, answer) pairs; the first
    // answer of each run stands for its text below.
    let mut exact: Vec<(u64, u32)> = ms.iter().enumerate().map(|(i, m)| (m.sketch.exact, i as u32)).collect();
    exact.sort_unstable();
    let mut distinct: Vec<u32> = Vec::new();
    for same in exact.chunk_by(|a, b| a.0 == b.0) {
        for &(_, i) in &same[1..] {
            union(&mut parent, same[0].1 as usize, i as usize);
        }
        distinct.push(same[0].1);
    }
    drop(exact);
    // Near-identical: candidates share one of their two smallest shingle hashes.
    // Buckets are runs of one hash in a sorted list of (hash, answer) pairs, each
    // in answer order: a map of vectors took 30 MB for 100,000 answers.
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(2 * distinct.len());
    for &i in &distinct {
        for &h in ms[i as usize].sketch.mins().iter().take(2) {
            pairs.push((h, i));
        }
    }
    drop(distinct);
    pairs.sort_unstable();
    for bucket in pairs.chunk_by(|a, b| a.0 == b.0) {
        // very large buckets are common boilerplate, not one campaign: cap the work
        for (x, &(_, a)) in bucket.iter().enumerate().take(2000) {
            for &(_, b) in bucket.iter().skip(x + 1).take(2000) {
                let (a, b) = (a as usize, b as usize);
                if ms[a].sketch.similarity(&ms[b].sketch) >= SIMILARITY {
                    union(&mut parent, a, b);
                }
            }
        }
    }
    // Groups: runs of one root in the sorted (root, answer) pairs, in root order.
    let mut roots: Vec<(usize, usize)> = (0..n).map(|i| (find(&mut parent, i), i)).collect();
    roots.sort_unstable();
    roots
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|g| g.len() >= min_size)
        .map(|g| g.iter().map(|&(_, i)| i).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<u64> {
        text.split_whitespace().map(|w| fnv1a(w.to_lowercase().as_bytes())).collect()
    }

    fn member(row: u64, text: &str) -> Member {
        Member::new(0, row, &format!("r{row}"), std::iter::empty(), "", Sketch::new(&words(text)).expect("long enough"))
    }

    const TEMPLATE: &str = "I am writing to support a new stalking protection order because victims deserve protection \
        before a prosecution and the police must be able to act early to stop fixated perpetrators";

    #[test]
    fn members_are_small_and_serialise_field_by_field() {
        assert!(std::mem::size_of::<Member>() <= 120);
        let sketch = Sketch::new(&words(TEMPLATE)).unwrap();
        let m = Member::new(2, 7, "R-é1", [3u32, 70_000].into_iter(), "I am writing — to", sketch.clone());
        assert_eq!((m.respondent(), m.excerpt()), ("R-é1", "I am writing — to"));
        assert_eq!(m.themes().collect::<Vec<_>>(), [3, 70_000]);
        // Any order, repeats and the extremes come back as they went in, in a byte or
        // two for a theme near the last.
        let themes = [0, u32::MAX, 0, 5, 4, 4, 200, 70_000, 69_999, u32::MAX - 1, 1];
        let any = Member::new(0, 1, "r", themes.into_iter(), "", sketch.clone());
        assert_eq!(any.themes().collect::<Vec<_>>(), themes);
        let near = Member::new(0, 1, "r", [10u32, 20, 60, 80].into_iter(), "", sketch.clone());
        assert_eq!(near.data.len(), 1 + 4);
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["text"], "R-é1I am writing — to");
        assert_eq!(
            (json["respondent_len"].as_u64(), json["themes"].clone()),
            (Some(5), serde_json::json!([3, 70_000]))
        );
        let back: Member = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, m);
        // A respondent length inside a character (a hand-edited file) does not panic.
        let mut cut = json;
        cut["respondent_len"] = 3.into();
        let cut: Member = serde_json::from_value(cut).unwrap();
        assert_eq!((cut.respondent(), cut.excerpt()), ("R-", "é1I am writing — to"));
    }

    proptest::proptest! {
        /// The sketch holds the smallest distinct shingle hashes, as sorting them all
        /// would give, with unused lanes 0. Words come from a small alphabet so that
        /// shingles repeat.
        #[test]
        fn a_sketch_is_the_smallest_distinct_shingle_hashes(ids in proptest::collection::vec(0u64..6, 0..120)) {
            let words: Vec<u64> = ids.iter().map(|&i| fnv1a(&i.to_le_bytes()) | 1).collect();
            let sketch = Sketch::new(&words);
            proptest::prop_assert_eq!(sketch.is_some(), words.len() >= MIN_WORDS);
            if let Some(sketch) = sketch {
                let mut all: Vec<u32> = words
                    .windows(4)
                    .map(|s| (mix(s[0] ^ s[1].rotate_left(16) ^ s[2].rotate_left(32) ^ s[3].rotate_left(48)) >> 32) as u32)
                    .collect();
                all.sort_unstable();
                all.dedup();
                all.truncate(SKETCH_SIZE);
                proptest::prop_assert_eq!(sketch.mins(), &all[..]);
                proptest::prop_assert!(sketch.mins[all.len()..].iter().all(|&h| h == 0));
            }
        }
    }

    #[test]
    fn short_answers_are_not_sketched() {
        assert!(Sketch::new(&words("too short to matter")).is_none());
    }

    #[test]
    fn identical_and_near_identical_answers_group() {
        let mut ms = Vec::new();
        for i in 0..4 {
            ms.push(member(i, TEMPLATE));
        }
        ms.push(member(10, &format!("Dear Sir, {TEMPLATE}")));
        ms.push(member(11, &format!("{TEMPLATE}. My sister was stalked for years.")));
        ms.push(member(
            12,
            "Something entirely different that a person wrote in their own words about the police and the courts today",
        ));
        let c = detect(ms, 5);
        assert_eq!(c.len(), 1);
        let rows: Vec<u64> = c[0].members.iter().map(|m| m.row).collect();
        assert_eq!(rows, [0, 1, 2, 3, 10, 11]);
        assert_eq!(c[0].identical, 4);
        assert!(detect(vec![member(0, TEMPLATE), member(1, TEMPLATE)], 3).is_empty());
    }

    /// Members come in any order; campaigns are found per question, and a template
    /// used for two questions is two campaigns.
    #[test]
    fn campaigns_are_per_question_whatever_the_order() {
        let other =
            "Something entirely different that a person wrote in their own words about the police and the courts";
        let mut ms = Vec::new();
        for row in (0..12).rev() {
            let q = (row % 2) as usize;
            let text = if row == 5 { other } else { TEMPLATE };
            ms.push(Member::new(
                q,
                row,
                &format!("r{row}"),
                std::iter::empty(),
                "",
                Sketch::new(&words(text)).unwrap(),
            ));
        }
        let c = detect(ms, 5);
        let found: Vec<(usize, Vec<u64>)> =
            c.iter().map(|c| (c.question, c.members.iter().map(|m| m.row).collect())).collect();
        assert_eq!(found, [(0, vec![0, 2, 4, 6, 8, 10]), (1, vec![1, 3, 7, 9, 11])]);
    }

    #[test]
    fn similarity_estimates_jaccard() {
        let a = Sketch::new(&words(TEMPLATE)).unwrap();
        assert_eq!(a.similarity(&a), 1.0);
        let b = Sketch::new(&words(
            "completely unrelated words that share nothing at all with the template text above here now",
        ))
        .unwrap();
        assert!(a.similarity(&b) < 0.2);
    }
}
