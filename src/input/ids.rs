//! The respondent ids seen so far, for rejecting duplicates, in bounded memory.
//!
//! Each id is kept as a 64-bit hash with the line it was first seen on. The newest
//! [`LIVE_LIMIT`] ids are in a hash table; when it fills, its entries are sorted and
//! written to an unnamed temporary file as a *run*, and memory keeps only what finds
//! them again: a Bloom filter (10 bits an id, in 64-byte blocks) and the first key of every block of
//! [`BLOCK`] entries. A lookup asks the table, then each run whose filter may hold the
//! key, reading one block of at most 4 KB from its file. Runs are merged
//! [`FANOUT`] at a time into runs of the next level (as a log-structured merge tree
//! does), so a lookup asks a few runs per level, not one per spill: ten million ids
//! make about a dozen runs. Memory grows by about 1.25 bytes a row instead of the table's
//! 16 to 35, and the answers are the same as if everything stayed in memory: the
//! filters only spare reads, they never decide.
//!
//! An id greater than every one before it (shortlex order, so `R0000002` after
//! `R0000001` and `10` after `9`: exports usually number respondents in order) cannot
//! have been seen: it is recorded without a lookup, and the table indexes it only when
//! a later lookup needs it. Such an id is also never taken for an earlier one whose
//! hash it shares, as a lookup would.
//!
//! If a temporary file cannot be created or written (no space, no temp directory),
//! the ids stay in memory, or runs stay unmerged: bigger or slower, never wrong. A
//! failed read of a run is an error the reader reports ([`SeenIds::take_error`]).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::hash::Hasher;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

/// Ids held in memory before they are written out as a run (3.5 MB of entries and
/// 2 MB of index; the index, at most 7/16 full, never doubles before it is emptied).
pub const LIVE_LIMIT: usize = 7 << 15;

/// Entries per block of a run: one read of 4 KB finds any key in it.
pub const BLOCK: usize = 256;

/// Runs of one level merged into one run of the next.
pub const FANOUT: usize = 8;

/// Bloom filter bits per id. The filter is blocked: an id's six bits fall in one
/// 64-byte block, so asking a run costs one cache line; about 1% of absent ids still
/// read a block (12 bits in a 64-bit word, as before, gave the same rate).
const BLOOM_BITS: usize = 10;

/// Bits an id sets in its block.
const BLOOM_PROBES: u32 = 6;

/// One cache line of a Bloom filter.
#[derive(Clone, Copy, Debug, Default)]
#[repr(align(64))]
struct BloomBlock([u64; 8]);

/// Bytes of one entry in a run's file: key then line, little-endian.
const ENTRY: usize = 16;

/// Ids seen so far (as 64-bit hashes) and the line each was first seen on.
#[derive(Debug)]
pub struct SeenIds {
    live: Live,
    limit: usize,
    runs: Vec<Run>,
    /// Spilling failed once (no temp directory, disk full): everything stays in memory
    /// from then on.
    in_memory: bool,
    /// Merging failed once: runs stay as they are from then on.
    no_merges: bool,
    error: Option<io::Error>,
    block: Vec<u8>,
    block_reads: u64,
    /// The greatest id seen, in shortlex order ([`shortlex_greater`]).
    greatest: Vec<u8>,
    /// Ids recorded without a lookup because they were the greatest yet.
    ascending: u64,
}

/// The newest ids: (key, line) entries in arrival order, found through an index of
/// their positions (open addressing, linear probing, at most 7/16 full; keys are
/// SipHash values, so their low bits pick the slot). A spill sorts the entries where
/// they are: a hash map's contents had to be copied out first, 3.5 MB more at the
/// moment of every spill.
///
/// The index is brought up to date only when a lookup needs it: ids arriving in
/// increasing order are never looked up ([`SeenIds::check_and_insert_id`]), so an
/// export numbered in order never touches the index, whose every probe is a cache miss.
#[derive(Debug, Default)]
struct Live {
    entries: Vec<(u64, u64)>,
    /// Position in `entries` plus one; 0 is a free slot. A power of two long.
    slots: Vec<u32>,
    /// `entries[..indexed]` are in `slots`.
    indexed: usize,
}

impl Live {
    fn len(&self) -> usize {
        self.entries.len()
    }

    /// The slot holding `key`, or the free slot where it would go.
    fn slot(&self, key: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = key as usize & mask;
        loop {
            match self.slots[i] {
                0 => return i,
                p if self.entries[p as usize - 1].0 == key => return i,
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn get(&mut self, key: u64) -> Option<u64> {
        self.index_all();
        if self.slots.is_empty() {
            return None;
        }
        match self.slots[self.slot(key)] {
            0 => None,
            p => Some(self.entries[p as usize - 1].1),
        }
    }

    /// Adds `key` (not present); the index finds it from the next [`Live::get`] on.
    fn push(&mut self, key: u64, line: u64) {
        self.entries.push((key, line));
    }

    /// Puts the entries not yet in the index into it, growing it first if they would
    /// fill it past 7/16.
    fn index_all(&mut self) {
        if self.indexed == self.entries.len() {
            return;
        }
        if 16 * self.entries.len() > 7 * self.slots.len() {
            let mut len = self.slots.len().max(1 << 10);
            while 16 * self.entries.len() > 7 * len {
                len *= 2;
            }
            self.slots = vec![0; len];
            self.indexed = 0;
        }
        for p in self.indexed..self.entries.len() {
            let i = self.slot(self.entries[p].0);
            self.slots[i] = p as u32 + 1;
        }
        self.indexed = self.entries.len();
    }

    /// The entries sorted by key (the index no longer finds them: [`Live::clear`] next).
    fn sorted(&mut self) -> &[(u64, u64)] {
        self.entries.sort_unstable();
        &self.entries
    }

    /// Empties it, keeping its memory for the next run.
    fn clear(&mut self) {
        self.entries.clear();
        if self.indexed > 0 {
            self.slots.fill(0);
        }
        self.indexed = 0;
    }
}

/// Sorted entries in a file of their own, with what finds a key in them.
#[derive(Debug)]
struct Run {
    file: File,
    len: usize,
    level: u32,
    bloom: Vec<BloomBlock>,
    /// First key of each block.
    fences: Vec<u64>,
}

impl Default for SeenIds {
    fn default() -> SeenIds {
        SeenIds::with_limit(LIVE_LIMIT)
    }
}

impl SeenIds {
    /// An index that spills to disk past `limit` ids in memory (tests use small ones).
    pub fn with_limit(limit: usize) -> SeenIds {
        SeenIds {
            live: Live::default(),
            limit: limit.max(1),
            runs: Vec::new(),
            in_memory: false,
            no_merges: false,
            error: None,
            block: Vec::new(),
            block_reads: 0,
            greatest: Vec::new(),
            ascending: 0,
        }
    }

    /// The line `id` was first seen on, or `None` after recording it as seen on `line`.
    ///
    /// An id greater than every id before it (in shortlex order: by length, then
    /// bytes, so `9` < `10` as numbers are) cannot have been seen, and is recorded
    /// without looking it up: exports usually number respondents in order, and a lookup
    /// costs a cache miss in the index and one in every run's filter.
    pub fn check_and_insert_id(&mut self, id: &[u8], line: u64) -> Option<u64> {
        let mut h = std::hash::DefaultHasher::new();
        h.write(id);
        let key = h.finish();
        if !shortlex_greater(id, &self.greatest) {
            return self.check_and_insert(key, line);
        }
        self.greatest.clear();
        self.greatest.extend_from_slice(id);
        self.ascending += 1;
        self.record(key, line);
        None
    }

    /// The line `key` was first seen on, or `None` after recording it as seen on `line`.
    pub fn check_and_insert(&mut self, key: u64, line: u64) -> Option<u64> {
        if let Some(first) = self.live.get(key) {
            return Some(first);
        }
        for i in 0..self.runs.len() {
            if self.runs[i].may_hold(key) {
                match self.find_in_run(i, key) {
                    Ok(Some(first)) => return Some(first),
                    Ok(None) => {}
                    Err(e) => {
                        self.error.get_or_insert(e);
                    }
                }
            }
        }
        self.record(key, line);
        None
    }

    /// Records `key`, known not to be held, as first seen on `line`.
    fn record(&mut self, key: u64, line: u64) {
        self.live.push(key, line);
        if self.live.len() >= self.limit && !self.in_memory {
            // On failure keep going in memory: correct, only bigger.
            self.in_memory = self.spill().is_err();
            if !self.in_memory && !self.no_merges {
                // On failure keep the runs unmerged: correct, only slower.
                self.no_merges = self.merge_levels().is_err();
            }
        }
    }

    /// A read of a run that failed since the last call, if any.
    pub fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }

    /// Ids held (in memory and on disk).
    pub fn len(&self) -> usize {
        self.live.len() + self.runs.iter().map(|r| r.len).sum::<usize>()
    }

    /// Whether no id was seen.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Blocks read back from disk so far (what the filters did not spare).
    pub fn block_reads(&self) -> u64 {
        self.block_reads
    }

    /// Ids recorded without a lookup, as the greatest yet ([`SeenIds::check_and_insert_id`]).
    pub fn ascending(&self) -> u64 {
        self.ascending
    }

    /// Runs on disk now.
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    fn spill(&mut self) -> io::Result<()> {
        let entries = self.live.sorted();
        let mut w = RunWriter::new(entries.len(), 0)?;
        for &(key, line) in entries.iter() {
            w.push(key, line)?;
        }
        self.runs.push(w.finish()?);
        self.live.clear();
        Ok(())
    }

    /// Merges the runs of any level that has [`FANOUT`] of them into one run of the
    /// next level, level after level (a spill adds to level 0, a merge to the one
    /// above). The merged runs are dropped (their files go) only once the new run is
    /// written.
    fn merge_levels(&mut self) -> io::Result<()> {
        let mut level = 0;
        while self.runs.iter().filter(|r| r.level == level).count() >= FANOUT {
            let (mut parts, rest): (Vec<Run>, Vec<Run>) =
                std::mem::take(&mut self.runs).into_iter().partition(|r| r.level == level);
            self.runs = rest;
            match merge(&mut parts, level + 1) {
                Ok(run) => self.runs.push(run),
                Err(e) => {
                    self.runs.extend(parts);
                    return Err(e);
                }
            }
            level += 1;
        }
        Ok(())
    }

    fn find_in_run(&mut self, i: usize, key: u64) -> io::Result<Option<u64>> {
        let run = &mut self.runs[i];
        let block = match run.fences.partition_point(|&f| f <= key) {
            0 => return Ok(None),
            b => b - 1,
        };
        let first = block * BLOCK;
        let n = BLOCK.min(run.len - first);
        self.block.resize(n * ENTRY, 0);
        self.block_reads += 1;
        run.file.seek(SeekFrom::Start((first * ENTRY) as u64))?;
        run.file.read_exact(&mut self.block)?;
        let entry = |j: usize| decode(&self.block[j * ENTRY..(j + 1) * ENTRY]);
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let (k, line) = entry(mid);
            match k.cmp(&key) {
                std::cmp::Ordering::Equal => return Ok(Some(line)),
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        Ok(None)
    }
}

/// Whether `a` comes after `b` in shortlex order: longer, or as long and greater
/// byte by byte.
fn shortlex_greater(a: &[u8], b: &[u8]) -> bool {
    (a.len(), a) > (b.len(), b)
}

fn decode(b: &[u8]) -> (u64, u64) {
    (u64::from_le_bytes(b[..8].try_into().expect("8 bytes")), u64::from_le_bytes(b[8..16].try_into().expect("8 bytes")))
}

/// Merges sorted runs into one. Their keys are disjoint (an id is stored once), but for
/// two ids of one hash both recorded as the greatest yet: either is then found.
fn merge(parts: &mut [Run], level: u32) -> io::Result<Run> {
    let total = parts.iter().map(|r| r.len).sum();
    let mut readers = Vec::with_capacity(parts.len());
    for r in parts.iter_mut() {
        r.file.seek(SeekFrom::Start(0))?;
        readers.push((BufReader::with_capacity(64 << 10, &r.file), r.len));
    }
    let next = |i: usize, readers: &mut Vec<(BufReader<&File>, usize)>| -> io::Result<Option<(u64, u64)>> {
        let (reader, left) = &mut readers[i];
        if *left == 0 {
            return Ok(None);
        }
        *left -= 1;
        let mut b = [0u8; ENTRY];
        reader.read_exact(&mut b)?;
        Ok(Some(decode(&b)))
    };
    let mut heap = BinaryHeap::new();
    for i in 0..readers.len() {
        if let Some((k, line)) = next(i, &mut readers)? {
            heap.push(Reverse((k, line, i)));
        }
    }
    let mut w = RunWriter::new(total, level)?;
    while let Some(Reverse((k, line, i))) = heap.pop() {
        w.push(k, line)?;
        if let Some((k, line)) = next(i, &mut readers)? {
            heap.push(Reverse((k, line, i)));
        }
    }
    w.finish()
}

/// Writes sorted entries into a new run.
struct RunWriter {
    out: BufWriter<File>,
    run: Run,
}

impl RunWriter {
    fn new(len: usize, level: u32) -> io::Result<RunWriter> {
        let blocks = (len * BLOOM_BITS).div_ceil(512).max(1);
        let file = tempfile::tempfile()?;
        let bloom = vec![BloomBlock::default(); blocks];
        let run = Run { file: file.try_clone()?, len: 0, level, bloom, fences: Vec::new() };
        Ok(RunWriter { out: BufWriter::with_capacity(64 << 10, file), run })
    }

    fn push(&mut self, key: u64, line: u64) -> io::Result<()> {
        if self.run.len.is_multiple_of(BLOCK) {
            self.run.fences.push(key);
        }
        self.run.len += 1;
        self.run.set(key);
        self.out.write_all(&key.to_le_bytes())?;
        self.out.write_all(&line.to_le_bytes())
    }

    fn finish(mut self) -> io::Result<Run> {
        self.out.flush()?;
        Ok(self.run)
    }
}

impl Run {
    /// The block of the filter for `key`, and the bits `key` sets in it: six (word,
    /// bit) pairs of 9 bits each from the top of a multiplied key.
    #[inline]
    fn probe(&self, key: u64) -> (usize, impl Iterator<Item = (usize, u64)> + use<>) {
        // Multiply-shift maps the key onto any number of blocks (no power of two, which
        // would waste up to half the filter).
        let block = ((key as u128 * self.bloom.len() as u128) >> 64) as usize;
        let m = key.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let bits = (0..BLOOM_PROBES).map(move |i| {
            let f = (m >> (64 - 9 * (i + 1))) & 511;
            ((f >> 6) as usize, 1u64 << (f & 63))
        });
        (block, bits)
    }

    fn set(&mut self, key: u64) {
        let (b, bits) = self.probe(key);
        for (w, bit) in bits {
            self.bloom[b].0[w] |= bit;
        }
    }

    #[inline]
    fn may_hold(&self, key: u64) -> bool {
        let (b, mut bits) = self.probe(key);
        let block = &self.bloom[b].0;
        bits.all(|(w, bit)| block[w] & bit != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// The live index grows past its first size, finds what it holds (keys that share
    /// their low bits included), and sorts and empties for a spill.
    #[test]
    fn live_ids_grow_find_and_sort() {
        let mut live = Live::default();
        // Every key lands in slot 0 of a 1024-slot index at first: long probe runs.
        let keys: Vec<u64> = (0..5_000u64).map(|i| (i.wrapping_mul(0x9e37_79b9_7f4a_7c15)) << 10).collect();
        for (line, &k) in keys.iter().enumerate() {
            assert_eq!(live.get(k), None);
            live.push(k, line as u64);
        }
        assert_eq!(live.len(), keys.len());
        assert!(keys.iter().enumerate().all(|(line, &k)| live.get(k) == Some(line as u64)));
        assert_eq!(live.get(1), None);
        assert!(live.sorted().is_sorted());
        live.clear();
        assert_eq!((live.len(), live.get(keys[0])), (0, None));
    }

    /// A run's filter never misses a key it holds and lets about 1% of others through.
    #[test]
    fn bloom_filters_hold_every_key_and_pass_about_one_percent_of_others() {
        let key = |i: u64| (i ^ 0x5555).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29) ^ i;
        let mut keys: Vec<u64> = (0..100_000).map(key).collect();
        keys.sort_unstable();
        let mut w = RunWriter::new(keys.len(), 0).unwrap();
        for &k in &keys {
            w.push(k, 0).unwrap();
        }
        let run = w.finish().unwrap();
        assert!(keys.iter().all(|&k| run.may_hold(k)));
        let passed = (100_000..200_000).map(key).filter(|&k| run.may_hold(k)).count();
        assert!((500..1_500).contains(&passed), "{passed} of 100,000 absent keys passed");
    }

    /// The plain in-memory answer the spilling index must give.
    fn model(keys: &[u64]) -> Vec<Option<u64>> {
        let mut seen = HashMap::new();
        keys.iter()
            .enumerate()
            .map(|(line, &k)| match seen.get(&k) {
                Some(&first) => Some(first),
                None => {
                    seen.insert(k, line as u64);
                    None
                }
            })
            .collect()
    }

    #[test]
    fn finds_ids_written_to_disk_across_many_runs() {
        let mut ids = SeenIds::with_limit(100);
        let keys: Vec<u64> = (0..5_000u64).map(|i| i.wrapping_mul(0x2545_f491_4f6c_dd1d)).collect();
        for (line, &k) in keys.iter().enumerate() {
            assert_eq!(ids.check_and_insert(k, line as u64), None);
        }
        // 50 spills: six level-1 runs of 8, two level-0 runs.
        assert_eq!(ids.runs(), 8, "{} runs", ids.runs());
        assert_eq!(ids.len(), 5_000);
        for (line, &k) in keys.iter().enumerate() {
            assert_eq!(ids.check_and_insert(k, 99_999), Some(line as u64), "key {line}");
        }
        assert!(ids.take_error().is_none());
        // New ids: the filters spare nearly every read of the ~50 runs.
        let before = ids.block_reads();
        for k in 0..2_000u64 {
            assert_eq!(ids.check_and_insert(k.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 1, 0), None);
        }
        let reads = ids.block_reads() - before;
        assert!(reads < 2_000 * 50 / 20, "{reads} block reads for 2,000 new ids");
    }

    /// The plain in-memory answer for ids as text.
    fn model_ids(ids: &[&str]) -> Vec<Option<u64>> {
        let mut seen = HashMap::new();
        ids.iter()
            .enumerate()
            .map(|(line, &id)| {
                seen.get(id).copied().or_else(|| {
                    seen.insert(id, line as u64);
                    None
                })
            })
            .collect()
    }

    fn check_ids(ids: &[&str], limit: usize) -> SeenIds {
        let mut seen = SeenIds::with_limit(limit);
        let got: Vec<Option<u64>> =
            ids.iter().enumerate().map(|(line, id)| seen.check_and_insert_id(id.as_bytes(), line as u64)).collect();
        assert_eq!(got, model_ids(ids), "{ids:?} (limit {limit})");
        seen
    }

    /// Shortlex order: by length, then bytes, so unpadded numbers compare as numbers.
    #[test]
    fn shortlex_order_compares_length_first() {
        assert!(shortlex_greater(b"10", b"9"));
        assert!(shortlex_greater(b"R0000002-536B", b"R0000001-778B"));
        assert!(shortlex_greater(b"1", b""));
        assert!(!shortlex_greater(b"9", b"10"));
        assert!(!shortlex_greater(b"abc", b"abc"));
        assert!(!shortlex_greater(b"abb", b"abc"));
    }

    /// Ids in increasing order skip the lookup, and are still found when one comes
    /// again out of order: from the table and, after spills, from the runs.
    #[test]
    fn increasing_ids_then_an_earlier_one() {
        for limit in [1, 3, 100] {
            let seen = check_ids(&["1", "2", "9", "10", "11", "2", "12", "3", "13", "10", "13", "1"], limit);
            assert_eq!(seen.ascending(), 7);
        }
        let seen = check_ids(&["R0000001-778B", "R0000002-536B", "R0000003-D8E1", "R0000001-778B"], 2);
        assert_eq!((seen.ascending(), seen.runs()), (3, 1));
        // Out of order from the start: nothing is greater than `b` but `c`.
        let seen = check_ids(&["b", "a", "a", "c", "b", "c", "d"], 2);
        assert_eq!(seen.ascending(), 3);
    }

    /// 100,000 increasing ids spill runs, and every one is found again as a
    /// duplicate (on its first line), ids not seen are not.
    #[test]
    fn duplicates_of_increasing_ids_after_spills() {
        let mut seen = SeenIds::with_limit(10_000);
        let id = |i: u64| format!("R{i:07}-{:03X}B", i % 4096);
        for i in 0..100_000 {
            assert_eq!(seen.check_and_insert_id(id(i).as_bytes(), i), None);
        }
        assert_eq!((seen.ascending(), seen.runs()), (100_000, 3));
        for i in (0..100_000).step_by(7) {
            assert_eq!(seen.check_and_insert_id(id(i).as_bytes(), 0), Some(i), "{}", id(i));
        }
        assert_eq!(seen.check_and_insert_id(b"R0000000-001B", 7), None);
        assert_eq!(seen.check_and_insert_id(b"R0000000-001B", 8), Some(7));
        assert!(seen.take_error().is_none());
    }

    proptest! {
        #[test]
        fn mostly_increasing_ids_give_the_plain_answers(
            steps in proptest::collection::vec((0u64..4, 0u64..40), 0..400),
            limit in 1usize..40,
        ) {
            // Ids that mostly climb (unpadded numbers), with jumps back to earlier ones.
            let mut next = 0u64;
            let ids: Vec<String> = steps.iter().map(|&(kind, back)| {
                if kind == 0 {
                    next.saturating_sub(back).to_string()
                } else {
                    next += kind - 1;
                    next.to_string()
                }
            }).collect();
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            check_ids(&ids, limit);
        }

        #[test]
        fn spilling_changes_no_answer(keys in proptest::collection::vec(0u64..300, 0..600), limit in 1usize..40) {
            let mut ids = SeenIds::with_limit(limit);
            let got: Vec<Option<u64>> =
                keys.iter().enumerate().map(|(line, &k)| ids.check_and_insert(k, line as u64)).collect();
            prop_assert_eq!(got, model(&keys));
        }
    }
}
