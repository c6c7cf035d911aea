//! The pipeline: wires the stages together and runs them over an input.
//!
//! read (input) -> decode + analyse + match + code (per row, in parallel chunks)
//! -> tally (merged in input order) -> reports. This is the only module that knows
//! about threads (rayon) and progress; every stage it calls is pure.
//!
//! Chunks are formed by the reader independently of the thread count, coded in
//! parallel as they come, and their outputs written in input order, so results are
//! byte-identical for any number of threads. Memory is bounded by the chunks in
//! flight: at most `2 x threads + 1` handed to the pool and not yet written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::sync_channel;

use crate::coding::{self, Coding, Vetoes};
use crate::error::{Error, Result};
use crate::input::csv::{decode, sha256_hex};
use crate::input::header::SubHeader;
use crate::input::{self, Chunk, Columns, InputSource, RawRow, ReadOptions, Reject};
use crate::lexicon::CompiledLexicon;
use crate::matching::Scanner;
use crate::report::{self, AtomicFile, Rounding, Summary, codes};
use crate::survey::{Classifier, ClosedCell, Survey, TypeCell};
use crate::tally::{PairCounts, RowCounts, Shape, Tally};

/// How a run goes; none of these change the results except `strict`'s exit status.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// Most rows per chunk.
    pub chunk_rows: usize,
    /// About this many input bytes per chunk.
    pub chunk_bytes: usize,
    /// Input reading options.
    pub read: ReadOptions,
    /// Any rejected row fails the run.
    pub strict: bool,
    /// How percentages are shown in reports.
    pub rounding: Rounding,
    /// What is measured per answer.
    pub measure: Measure,
    /// Report campaigns of at least this many near-identical answers (`None`: off).
    pub campaign_min: Option<usize>,
    /// Code only this shard of the rows.
    pub shard: Option<Shard>,
    /// Write partial results for `codeframe merge` instead of reports.
    pub partial: bool,
    /// Most codes on the workbook's Codes sheet.
    pub workbook_codes: u32,
    /// How the lexicon was read, if it is another tool's dictionary (for the manifest).
    pub dictionary: crate::lexicon::ImportOptions,
    /// Also write the per-row files and tallies as Parquet (the `parquet` feature).
    pub parquet: bool,
}

/// A deterministic 1/N of an input: data rows whose number r has (r - 1) mod N = K - 1.
///
/// Every shard reads the whole input (record boundaries and duplicate ids need it) and
/// codes only its rows, so shards can run on different machines and merge exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// This shard, from 1.
    pub k: u32,
    /// Number of shards.
    pub n: u32,
}

impl Shard {
    /// Parses `K/N` with 1 <= K <= N <= [`Shard::MAX`].
    pub fn parse(s: &str) -> Result<Shard> {
        let bad = || Error::Usage(format!("--shard must be K/N with 1 <= K <= N <= {}, not {s:?}", Shard::MAX));
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let number = |x: &str| -> Result<u32> {
            let x = x.trim();
            match x.parse::<u32>() {
                Ok(v) => Ok(v),
                // Whole numbers past the bound say so, not that the form is wrong.
                Err(_) if !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit()) => {
                    Err(Error::Usage(format!("--shard {s:?}: {x} is over the limit of {} shards", Shard::MAX)))
                }
                Err(_) => Err(bad()),
            }
        };
        let (k, n) = (number(k)?, number(n)?);
        if k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    /// The most shards an input can be cut into (K and N are 32-bit in partial.json).
    pub const MAX: u32 = u32::MAX;

    /// Whether data row `row` (from 1) is in this shard.
    pub fn includes(&self, row: u64) -> bool {
        (row - 1) % self.n as u64 == (self.k - 1) as u64
    }
}

/// What is measured per answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Measure {
    /// Whether each theme is asserted (coding): codes.csv.
    #[default]
    Presence,
    /// Also how often each category occurs: counts.csv, as LIWC and quanteda report.
    Counts,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            threads: 0,
            chunk_rows: 2048,
            chunk_bytes: 128 << 10,
            read: ReadOptions::default(),
            strict: false,
            rounding: Rounding::WHOLE,
            measure: Measure::Presence,
            campaign_min: Some(5),
            shard: None,
            partial: false,
            workbook_codes: report::xlsx::DEFAULT_CODES_SHOWN,
            dictionary: crate::lexicon::ImportOptions::default(),
            parquet: false,
        }
    }
}

/// A named input whose bytes go into the manifest's hashes.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ManifestInput {
    /// Role (`survey`, `lexicon`).
    pub role: String,
    /// Path as given (or `<demo>/...`).
    pub path: PathBuf,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Responses: the rows their header spans (`None` for JSON Lines, and for inputs
    /// other than responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_rows: Option<usize>,
    /// Responses: the survey platform whose export was recognised by its header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export: Option<String>,
    /// Responses in text: the encoding they were read in, given or sniffed (a file is
    /// sniffed as far as it takes, a pipe on its first 64 KiB, so shards of one file
    /// can differ; `merge` refuses them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

impl ManifestInput {
    /// Hashes `bytes` under `role` and `path`.
    pub fn new(role: &str, path: &Path, bytes: &[u8]) -> ManifestInput {
        ManifestInput::hashed(role, path, sha256_hex(bytes))
    }

    /// An input of `role` at `path` whose SHA-256 is `sha256`.
    pub fn hashed(role: &str, path: &Path, sha256: String) -> ManifestInput {
        ManifestInput {
            role: role.to_string(),
            path: path.to_path_buf(),
            sha256,
            header_rows: None,
            export: None,
            encoding: None,
        }
    }

    /// The responses a run read, with their header and encoding.
    fn responses(input: &InputSource, end: &StreamEnd) -> ManifestInput {
        ManifestInput {
            header_rows: end.header.as_ref().map(SubHeader::rows),
            export: end.header.as_ref().and_then(|h| h.platform).map(|p| p.name().to_string()),
            encoding: end.encoding.map(str::to_string),
            ..ManifestInput::hashed("responses", &input.name(), end.sha256.clone())
        }
    }
}

/// Everything a run needs.
pub struct Job<'a> {
    /// The survey spec.
    pub survey: &'a Survey,
    /// The compiled lexicon.
    pub lexicon: &'a CompiledLexicon,
    /// Where responses come from.
    pub input: InputSource,
    /// Output folder.
    pub out_dir: PathBuf,
    /// Options.
    pub options: RunOptions,
    /// Spec and lexicon files, for the manifest.
    pub config_files: Vec<ManifestInput>,
}

/// Progress after a chunk.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// Rows read so far.
    pub rows: u64,
    /// Input bytes read so far.
    pub bytes: u64,
}

/// What a finished run produced.
#[derive(Debug)]
pub struct Outcome {
    /// Merged counts.
    pub tally: Tally,
    /// The figures.
    pub summary: Summary,
    /// Files written, in order.
    pub files: Vec<PathBuf>,
    /// What was read as header under the input's first row, for a note (`None`: nothing).
    pub header_note: Option<String>,
    /// Files of an earlier run in the output folder that this one did not write, and
    /// removed (so that the folder holds one run's outputs).
    pub removed: Vec<String>,
}

/// One open answer of a coded row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenAnswer {
    /// The cell is empty.
    Empty,
    /// A non-answer ("n/a").
    NonAnswer,
    /// An answer, with its coding.
    Coded(Coding),
}

/// A respondent, coded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodedRow {
    /// Respondent id.
    pub id: String,
    /// Line in the input.
    pub line: u64,
    /// Type cell, read.
    pub respondent_type: Option<TypeCell>,
    /// Closed cells, read.
    pub closed: Vec<ClosedCell>,
    /// Open answers (texts and codings).
    pub open: Vec<(String, OpenAnswer)>,
    /// The respondent-type cell as written (trimmed), when it names no listed type.
    pub unlisted_type: Option<String>,
    /// The closed cells (question index, the cell as written) holding a value that
    /// matches no option, for `explain` to show.
    pub unrecognised: Vec<(usize, String)>,
}

impl CodedRow {
    /// What the tally counts of this row, with its segment values.
    pub fn counts<'a>(&'a self, segments: Vec<&'a str>) -> RowCounts<'a> {
        RowCounts {
            respondent_type: self.respondent_type,
            closed: &self.closed,
            open: self
                .open
                .iter()
                .map(|(_, a)| match a {
                    OpenAnswer::Empty => None,
                    OpenAnswer::NonAnswer => Some(None),
                    OpenAnswer::Coded(c) => Some(Some(c)),
                })
                .collect(),
            segments,
            unlisted_type: self.unlisted_type.as_deref(),
        }
    }
}

/// Codes rows of one survey with one lexicon: the per-row work of the pipeline.
pub struct Coder<'a> {
    survey: &'a Survey,
    lexicon: &'a CompiledLexicon,
    classifier: Classifier,
    applies: Vec<crate::lexicon::compile::Applies>,
    /// Per open question: whether any theme applies to it.
    themed: Vec<bool>,
    columns: Columns,
    max_cell_bytes: usize,
    decode_html: bool,
    measure: Measure,
    campaigns: bool,
    /// What later rows can still add to the extras.
    gates: Gates,
    row_column: bool,
    codes_format: codes::CodesFormat,
}

impl<'a> Coder<'a> {
    /// Prepares coding for rows with the given columns.
    pub fn new(survey: &'a Survey, lexicon: &'a CompiledLexicon, columns: Columns, options: &RunOptions) -> Coder<'a> {
        let applies: Vec<_> = survey.open.iter().map(|q| lexicon.applies(Some(&q.id))).collect();
        Coder {
            survey,
            lexicon,
            classifier: Classifier::new(survey),
            themed: applies.iter().map(|a| a.themes.contains(&true)).collect(),
            applies,
            columns,
            max_cell_bytes: options.read.max_cell_bytes,
            decode_html: options.read.decode_html,
            measure: options.measure,
            campaigns: options.campaign_min.is_some(),
            gates: Gates::new(survey.open.len(), lexicon.themes.len()),
            row_column: options.partial,
            codes_format: codes::CodesFormat::new(lexicon),
        }
    }

    /// The shape of tallies for this survey and lexicon.
    pub fn shape(&self) -> Shape {
        shape(self.survey, self.lexicon)
    }

    /// Codes one open answer of question `q`, listing its vetoed hits or not.
    pub fn code_answer(&self, scanner: &mut Scanner, q: usize, text: &str, vetoes: Vetoes) -> OpenAnswer {
        if text.trim().is_empty() {
            OpenAnswer::Empty
        } else if self.classifier.is_non_answer_to(q, text) {
            OpenAnswer::NonAnswer
        } else {
            scanner.scan(self.lexicon, text);
            OpenAnswer::Coded(coding::code_with(self.lexicon, scanner, &self.applies[q], vetoes))
        }
    }

    /// Codes a chunk: tally, codes.csv and rejects.csv bytes, and (if `keep`) the rows.
    /// `codes` is the buffer the codes.csv rows go into (emptied first): a new one, or
    /// one an earlier chunk's result gave back. The rows' theme pairs are counted into
    /// the worker's `pairs`, not the chunk's tally (see [`Tally::add_pairs_apart`]).
    pub fn code_chunk(
        &self,
        scanner: &mut Scanner,
        pairs: &mut PairCounts,
        chunk: &Chunk,
        keep: bool,
        mut codes: Vec<u8>,
    ) -> ChunkResult {
        codes.clear();
        let mut out = ChunkResult {
            index: chunk.index,
            tally: Tally::new(self.shape()),
            codes,
            codes_rows: 0,
            counts: codes::buffer_writer(),
            rejects: codes::buffer_writer(),
            rows: Vec::new(),
            rejected: Vec::new(),
            extras: Extras::default(),
            rows_read: chunk.rows.len() as u64,
            bytes: chunk.bytes,
        };
        for raw in &chunk.rows {
            match self.code_row(scanner, raw, &mut out, keep) {
                Ok(row) => {
                    let segments = self.segments(raw);
                    out.tally.add_pairs_apart(&row.counts(segments.iter().map(|s| s.as_str()).collect()), pairs);
                    if keep {
                        out.rows.push(row);
                    }
                }
                Err(reject) => {
                    out.tally.add_reject();
                    // Writing to a Vec cannot fail.
                    let _ = codes::write_reject(&mut out.rejects, &reject);
                    if keep {
                        out.rejected.push(reject);
                    }
                }
            }
        }
        // The csv writers buffer: without a flush, `get_ref()` misses each chunk's tail.
        // Flushing into a Vec cannot fail.
        for w in [&mut out.counts, &mut out.rejects] {
            let _ = w.flush();
        }
        out
    }

    fn segments(&self, raw: &RawRow) -> Vec<String> {
        self.columns
            .segments
            .iter()
            .map(|&i| String::from_utf8_lossy(raw.record.get(i).unwrap_or(b"")).trim().to_string())
            .collect()
    }

    /// Codes one raw row, appending its codes (and counts) to `out`'s buffers and
    /// collecting examples, uncoded answers and campaign fingerprints into `out.extras`.
    /// Answer texts are copied into the row only if `keep_text`.
    pub fn code_row(
        &self,
        scanner: &mut Scanner,
        raw: &RawRow,
        out: &mut ChunkResult,
        keep_text: bool,
    ) -> std::result::Result<CodedRow, Reject> {
        if let Some(r) = &raw.reject {
            return Err(r.clone());
        }
        let says_nothing = |cell: &str| self.classifier.is_non_answer(cell);
        let resp = decode(raw, &self.columns, self.max_cell_bytes, self.decode_html, &says_nothing)?;
        // A cell is copied only where reading its HTML changed it.
        out.tally.html_answers += resp.open.iter().filter(|t| matches!(t, std::borrow::Cow::Owned(_))).count() as u64;
        let respondent_type = resp.respondent_type.as_deref().map(|cell| self.classifier.respondent_type(cell));
        let closed: Vec<ClosedCell> =
            resp.closed.iter().enumerate().map(|(q, cell)| self.classifier.closed(q, cell)).collect();
        // What was written where it was not understood (rare: no allocation otherwise).
        let unlisted_type = match respondent_type {
            Some(TypeCell::Unlisted(_)) => resp.respondent_type.map(|cell| cell.trim().to_string()),
            _ => None,
        };
        let unrecognised = closed
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c, ClosedCell::Unrecognised | ClosedCell::Chosen { unrecognised: true, .. }))
            .map(|(q, _)| (q, resp.closed[q].trim().to_string()))
            .collect();
        let mut open = Vec::with_capacity(resp.open.len());
        // Kept rows go to tools that explain codes (validate's evidence, explain, diff).
        let vetoes = if keep_text { Vetoes::List } else { Vetoes::Skip };
        for (q, text) in resp.open.iter().enumerate() {
            let answer = self.code_answer(scanner, q, text, vetoes);
            if let OpenAnswer::Coded(c) = &answer {
                let question = &self.survey.open[q].id;
                let row = self.row_column.then_some(raw.row);
                codes::write_codes(&mut out.codes, &self.codes_format, row, &resp.id, question, text, c);
                out.codes_rows += c.codes.len() as u64;
                if self.measure == Measure::Counts {
                    // Writing to a Vec cannot fail.
                    let _ = codes::write_counts(&mut out.counts, self.lexicon, row, &resp.id, question, c);
                }
                let campaigns = match (self.campaigns, Gates::open(&self.gates.sketching)) {
                    (false, _) => Campaigns::Off,
                    (true, true) => Campaigns::Sketch,
                    (true, false) => Campaigns::CountOnly,
                };
                let answer = Answer { q, row: raw.row, id: &resp.id, text, coding: c, themed: self.themed[q] };
                out.extras.collect(scanner, &answer, campaigns, &self.gates);
            }
            open.push((if keep_text { text.to_string() } else { String::new() }, answer));
        }
        Ok(CodedRow {
            id: resp.id.into_owned(),
            line: resp.line,
            respondent_type,
            closed,
            open,
            unlisted_type,
            unrecognised,
        })
    }
}

/// Most example answers kept per question and theme.
pub const EXAMPLES_PER_THEME: usize = 3;
/// Bytes of an example answer kept (at a character boundary): the report shows long
/// answers as excerpts around the marks, and a pasted 16 MB document must not be
/// copied whole once per theme it raises.
pub const EXAMPLE_BYTES: usize = 8 << 10;
/// Bytes kept before an example's first mark when that mark lies past the answer's
/// first [`EXAMPLE_BYTES`] (a pasted letter): the kept window starts there instead.
pub const EXAMPLE_LEAD: usize = 1 << 10;
/// Most uncoded answers kept (for the workbook's "Uncoded answers" sheet).
pub const MAX_UNCODED: usize = 10_000;
/// Most bytes of uncoded answers kept: the list stops at the first answer that would
/// pass this (10,000 answers of a few hundred bytes fit; 10,000 pasted documents,
/// each up to a cell's 32,767 characters, would have taken a third of a gigabyte).
pub const UNCODED_BYTES: usize = 8 << 20;

/// The bytes `from..to` of an answer kept as an example, at character boundaries and
/// at most [`EXAMPLE_BYTES`]: its start, unless its `first` mark (by start) ends past
/// that; then from [`EXAMPLE_LEAD`] bytes before that mark (after the first space
/// there, so no word is cut), so that the example holds the words that raised the
/// theme however far into a long answer they are.
fn example_window(text: &str, first: Option<(usize, usize)>) -> (usize, usize) {
    let from = match first {
        Some((start, end)) if end > text.floor_char_boundary(EXAMPLE_BYTES) && start <= text.len() => {
            let from = text.floor_char_boundary(start.saturating_sub(EXAMPLE_LEAD));
            text.get(from..start).and_then(|lead| lead.find(' ')).map_or(from, |i| from + i + 1)
        }
        _ => 0,
    };
    (from, from + text[from..].floor_char_boundary(EXAMPLE_BYTES))
}

/// The earlier of two stops (`None`: not stopped).
fn earliest(a: Option<(u64, usize)>, b: Option<(u64, usize)>) -> Option<(u64, usize)> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Whether an uncoded answer of `len` bytes fits after `n` answers of `bytes` bytes.
fn uncoded_fits(n: usize, bytes: usize, len: usize) -> bool {
    n < MAX_UNCODED && bytes + len <= UNCODED_BYTES
}

/// What later rows can still add to the extras. The writer closes a gate once the
/// results of earlier rows (which it merges in input order) have filled what it
/// guards, so workers skip copying answers the merge would drop anyway: the same
/// extras, whatever the thread count, with less work and memory.
struct Gates {
    /// Fingerprints, until [`MAX_SKETCHES`].
    sketching: std::sync::atomic::AtomicBool,
    /// Uncoded answers, until the list stops.
    uncoded: std::sync::atomic::AtomicBool,
    /// Per (open question, theme): examples, until [`EXAMPLES_PER_THEME`].
    examples: Vec<std::sync::atomic::AtomicBool>,
    themes: usize,
}

impl Gates {
    fn new(questions: usize, themes: usize) -> Gates {
        let open = || std::sync::atomic::AtomicBool::new(true);
        Gates {
            sketching: open(),
            uncoded: open(),
            examples: (0..questions * themes).map(|_| open()).collect(),
            themes,
        }
    }

    fn open(gate: &std::sync::atomic::AtomicBool) -> bool {
        gate.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn close(gate: &std::sync::atomic::AtomicBool) {
        gate.store(false, std::sync::atomic::Ordering::Relaxed);
    }

    fn example(&self, q: usize, theme: u32) -> &std::sync::atomic::AtomicBool {
        &self.examples[q * self.themes + theme as usize]
    }
}

/// The writer's side of the [`Gates`]: what the results merged so far hold.
struct Filled {
    sketches: usize,
    examples: Vec<u8>,
    /// Uncoded answers and their bytes.
    uncoded: (usize, usize),
}

impl Filled {
    fn new(gates: &Gates) -> Filled {
        Filled { sketches: 0, examples: vec![0; gates.examples.len()], uncoded: (0, 0) }
    }

    /// Counts the extras of the next chunk in input order and closes what is full.
    fn add(&mut self, gates: &Gates, extras: &Extras) {
        // Once the rows so far hold MAX_SKETCHES fingerprints, no later row's can be kept.
        self.sketches += extras.sketches.len();
        if self.sketches >= MAX_SKETCHES {
            Gates::close(&gates.sketching);
        }
        for (&(q, theme), list) in &extras.examples {
            let n = &mut self.examples[q * gates.themes + theme as usize];
            *n = n.saturating_add(list.len().min(255) as u8);
            if *n as usize >= EXAMPLES_PER_THEME {
                Gates::close(gates.example(q, theme));
            }
        }
        // As Extras::keep_uncoded decides.
        for (_, _, _, text) in &extras.uncoded {
            let (n, bytes) = &mut self.uncoded;
            if uncoded_fits(*n, *bytes, text.len()) {
                (*n, *bytes) = (*n + 1, *bytes + text.len());
            } else {
                Gates::close(&gates.uncoded);
            }
        }
        if extras.uncoded_stop.is_some() {
            Gates::close(&gates.uncoded);
        }
    }
}

/// One coded answer, as [`Extras::collect`] takes it.
struct Answer<'a> {
    q: usize,
    row: u64,
    id: &'a str,
    text: &'a str,
    coding: &'a Coding,
    /// Whether any theme applies to the question.
    themed: bool,
}
/// Most answers fingerprinted for campaign detection (about 250 bytes each, so at
/// most some 25 MB): the first this many answers of [`crate::campaign::MIN_WORDS`]
/// words or more, in input order.
pub const MAX_SKETCHES: usize = 100_000;
/// What [`Extras::collect`] does for campaign detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Campaigns {
    /// Nothing (`--no-campaigns`).
    Off,
    /// Fingerprint long answers, up to the cap.
    Sketch,
    /// Count long answers only: the cap is reached by earlier rows.
    CountOnly,
}

/// Characters of a campaign answer kept for the report.
pub const EXCERPT_CHARS: usize = 100;

/// What a run keeps besides counts: a few example answers per theme, the first
/// uncoded answers, and answer fingerprints for campaign detection. All bounded, and
/// taken in input order (each item keeps its row number), so they are the same for any
/// thread count and for any split into shards merged back.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Extras {
    /// Per (open question, theme): the first answers asserting it, with their rows.
    #[serde(with = "map_as_list")]
    pub examples: std::collections::BTreeMap<(usize, u32), Vec<(u64, report::Example)>>,
    /// The first answers that asserted no theme: (row, respondent, question index, text).
    pub uncoded: Vec<(u64, String, usize, String)>,
    /// Bytes of the texts in `uncoded`.
    #[serde(default)]
    pub uncoded_bytes: usize,
    /// The (row, question) of the first uncoded answer that did not fit under the caps:
    /// no later one is kept.
    #[serde(default)]
    pub uncoded_stop: Option<(u64, usize)>,
    /// Answers uncoded in all, including those past the cap.
    pub uncoded_total: u64,
    /// Fingerprinted answers.
    pub sketches: Vec<crate::campaign::Member>,
    /// Answers long enough to fingerprint, including those past the cap.
    pub sketchable: u64,
}

/// JSON maps need string keys: a map with tuple keys is stored as a list of pairs.
mod map_as_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(m: &BTreeMap<K, V>, s: S) -> Result<S::Ok, S::Error> {
        m.iter().collect::<Vec<_>>().serialize(s)
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

impl Extras {
    /// Checks extras read from a file (a partial run's) against the shape of the
    /// survey and lexicon: questions and themes that exist, example marks inside their
    /// text, sketches [`crate::campaign::Sketch::new`] could have made. `Err` says
    /// what is wrong.
    fn check(&self, shape: &Shape) -> std::result::Result<(), String> {
        let question =
            |q: usize| if q < shape.open { Ok(()) } else { Err(format!("open question {q} does not exist")) };
        let theme =
            |t: u32| if (t as usize) < shape.themes { Ok(()) } else { Err(format!("theme {t} does not exist")) };
        for (&(q, t), list) in &self.examples {
            question(q)?;
            theme(t)?;
            for (_, e) in list {
                let inside = |&(a, b): &(usize, usize)| {
                    a <= b && b <= e.text.len() && e.text.is_char_boundary(a) && e.text.is_char_boundary(b)
                };
                if !e.spans.iter().all(inside) {
                    return Err(format!("an example of respondent {:?} marks text it does not hold", e.respondent));
                }
            }
        }
        for (_, _, q, _) in &self.uncoded {
            question(*q)?;
        }
        for m in &self.sketches {
            question(m.question)?;
            m.themes().try_for_each(theme)?;
            if !m.sketch.is_valid() {
                return Err(format!("the fingerprint of respondent {:?} is not one codeframe makes", m.respondent()));
            }
        }
        Ok(())
    }

    fn collect(&mut self, scanner: &mut Scanner, a: &Answer, campaigns: Campaigns, gates: &Gates) {
        for code in a.coding.codes.iter().filter(|c| c.via.is_none()) {
            if !Gates::open(gates.example(a.q, code.theme)) {
                continue;
            }
            let list = self.examples.entry((a.q, code.theme)).or_default();
            if list.len() < EXAMPLES_PER_THEME {
                let marks = code.hits.iter().map(|h| (h.span.start, h.span.end));
                let (from, to) = example_window(a.text, marks.clone().min());
                let spans = marks.filter(|&(s, e)| from <= s && e <= to).map(|(s, e)| (s - from, e - from));
                let example = report::Example {
                    respondent: a.id.to_string(),
                    text: a.text[from..to].to_string(),
                    spans: spans.collect(),
                    cut: to < a.text.len(),
                    cut_start: from > 0,
                };
                list.push((a.row, example));
            }
        }
        // An answer to a question no theme applies to is not "missed by the lexicon".
        if a.coding.codes.is_empty() && a.themed {
            self.uncoded_total += 1;
            if Gates::open(&gates.uncoded) {
                // Only the workbook shows them: keep no more than a cell can hold.
                let shown = report::xlsx::cell_prefix(a.text);
                self.keep_uncoded((a.row, a.id.to_string(), a.q, shown.to_string()));
            }
        }
        if campaigns != Campaigns::Off && a.coding.words as usize >= crate::campaign::MIN_WORDS {
            self.sketchable += 1;
            if campaigns == Campaigns::Sketch
                && self.sketches.len() < MAX_SKETCHES
                && let Some(sketch) = crate::campaign::Sketch::new(scanner.word_hashes())
            {
                // The report shows the first 100 characters.
                let excerpt = match a.text.char_indices().nth(EXCERPT_CHARS) {
                    Some((end, _)) => &a.text[..end],
                    None => a.text,
                };
                let themes = a.coding.codes.iter().map(|c| c.theme);
                self.sketches.push(crate::campaign::Member::new(a.q, a.row, a.id, themes, excerpt, sketch));
            }
        }
    }

    /// Appends an uncoded answer (the next in input order) if the list has not stopped
    /// and it fits under both caps; otherwise the list stops there.
    fn keep_uncoded(&mut self, item: (u64, String, usize, String)) {
        if self.uncoded_stop.is_some() {
            return;
        }
        if uncoded_fits(self.uncoded.len(), self.uncoded_bytes, item.3.len()) {
            self.uncoded_bytes += item.3.len();
            self.uncoded.push(item);
        } else {
            self.uncoded_stop = Some((item.0, item.2));
        }
    }

    /// Appends the extras of a LATER chunk (rows after all of ours), keeping the caps.
    /// For parts in any order, extend and then [`Extras::normalise`].
    pub fn merge(&mut self, other: Extras) {
        for (k, v) in other.examples {
            let list = self.examples.entry(k).or_default();
            let room = EXAMPLES_PER_THEME.saturating_sub(list.len());
            list.extend(v.into_iter().take(room));
        }
        for item in other.uncoded {
            self.keep_uncoded(item);
        }
        // The part stopped at an answer that cannot fit here either.
        if self.uncoded_stop.is_none() {
            self.uncoded_stop = other.uncoded_stop;
        }
        self.uncoded_total += other.uncoded_total;
        let room = MAX_SKETCHES.saturating_sub(self.sketches.len());
        let more = other.sketches.len().min(room);
        if self.sketches.capacity() - self.sketches.len() < more {
            // Grow by doubling, but never past the cap: a vector doubled from 65,536
            // to 131,072 members would hold 3.7 MB it can never use.
            let wanted = (2 * self.sketches.capacity()).max(self.sketches.len() + more).min(MAX_SKETCHES);
            self.sketches.reserve_exact(wanted - self.sketches.len());
        }
        self.sketches.extend(other.sketches.into_iter().take(room));
        self.sketchable += other.sketchable;
    }

    /// Adds extras of parts in any order (shards): everything is kept, then
    /// [`Extras::normalise`] restores row order and the caps.
    pub fn absorb(&mut self, other: Extras) {
        for (k, v) in other.examples {
            self.examples.entry(k).or_default().extend(v);
        }
        self.uncoded.extend(other.uncoded);
        self.uncoded_stop = earliest(self.uncoded_stop, other.uncoded_stop);
        self.uncoded_total += other.uncoded_total;
        self.sketches.extend(other.sketches);
        self.sketchable += other.sketchable;
    }

    /// Puts every list in row order and applies the caps: the first items by row win,
    /// whatever order the parts arrived in.
    pub fn normalise(&mut self) {
        for list in self.examples.values_mut() {
            list.sort_by_key(|(row, _)| *row);
            list.truncate(EXAMPLES_PER_THEME);
        }
        self.uncoded.sort_by_key(|(row, _, q, _)| (*row, *q));
        // A part stopped at its first answer that did not fit: nothing from that answer
        // on can be kept, whichever part it came from. Then the caps decide again.
        let stop = self.uncoded_stop.take();
        let items = std::mem::take(&mut self.uncoded);
        self.uncoded_bytes = 0;
        for item in items.into_iter().take_while(|item| stop.is_none_or(|s| (item.0, item.2) < s)) {
            self.keep_uncoded(item);
        }
        self.uncoded_stop = earliest(self.uncoded_stop, stop);
        // One member per answer, so the key is unique and an unstable sort gives the one
        // order, in place: a stable sort of 100,000 members takes an 8 MB scratch buffer.
        self.sketches.sort_unstable_by_key(|m| (m.row, m.question));
        self.sketches.truncate(MAX_SKETCHES);
    }
}

/// The output of one chunk.
pub struct ChunkResult {
    /// Chunk position.
    pub index: u64,
    /// Its counts.
    pub tally: Tally,
    /// Its codes.csv rows.
    pub codes: Vec<u8>,
    /// How many records `codes` holds.
    pub codes_rows: u64,
    /// Its counts.csv rows (counts measure only).
    pub counts: csv::Writer<Vec<u8>>,
    /// Its rejects.csv rows.
    pub rejects: csv::Writer<Vec<u8>>,
    /// Its coded rows, if asked for.
    pub rows: Vec<CodedRow>,
    /// Its rejected rows, if the coded rows were asked for.
    pub rejected: Vec<Reject>,
    /// Examples, uncoded answers, fingerprints.
    pub extras: Extras,
    /// Rows read.
    pub rows_read: u64,
    /// Input bytes.
    pub bytes: u64,
}

fn thread_pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {threads} threads: {e}")))
}

/// What [`stream`] leaves: the input's hash and the merged tally.
#[derive(Debug)]
pub struct StreamEnd {
    /// SHA-256 of the input bytes.
    pub sha256: String,
    /// Every chunk's tally, merged (empty, of the right shape, for an input without rows).
    pub tally: Tally,
    /// The input's header rows (`None` for JSON Lines).
    pub header: Option<SubHeader>,
    /// The encoding text input was read in (`None` for a workbook).
    pub encoding: Option<&'static str>,
}

/// Reads `input` and codes every row, calling `sink` with each chunk's result in
/// input order (its tally is merged for the caller before the call).
pub fn stream(
    survey: &Survey,
    lexicon: &CompiledLexicon,
    input: &InputSource,
    options: &RunOptions,
    keep_rows: bool,
    mut sink: impl FnMut(&mut ChunkResult) -> Result<()>,
) -> Result<StreamEnd> {
    let mut reader = input::open(input, survey, &options.read)?;
    let header = reader.header().cloned();
    let coder = Coder::new(survey, lexicon, reader.columns().clone(), options);
    let pool = thread_pool(options.threads)?;
    let threads = pool.current_num_threads();
    // Chunks handed to the pool and not yet written: enough that no worker waits for
    // the writer or for a slow neighbour, and no more held than that.
    let in_flight = 2 * threads + 1;
    // Per worker: its scanner, and the theme pairs of every chunk it codes (merged
    // into the tally once, at the end: sums, so in any order).
    let new_worker = || (Scanner::new(), PairCounts::new(&coder.shape()));
    let workers: Mutex<Vec<(Scanner, PairCounts)>> = Mutex::new((0..threads).map(|_| new_worker()).collect());
    // codes.csv buffers the writer gives back once written, so chunks do not allocate
    // (and the allocator does not fragment on) a large buffer each.
    let buffers: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
    // The reader keeps a chunk per worker ready.
    let (tx, rx) = sync_channel::<Result<Chunk>>(threads);
    let (chunk_rows, chunk_bytes) = (options.chunk_rows, options.chunk_bytes);
    let shard = options.shard;
    let mut tally = coder.shape_tally();
    let (sha256, encoding) = std::thread::scope(|scope| -> Result<(String, Option<&'static str>)> {
        let reader_thread = scope.spawn(move || {
            loop {
                match reader.next_chunk(chunk_rows, chunk_bytes) {
                    Ok(Some(mut c)) => {
                        if let Some(s) = shard {
                            c.rows.retain(|r| s.includes(r.row));
                        }
                        if tx.send(Ok(c)).is_err() {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        break;
                    }
                }
            }
            (reader.sha256(), reader.encoding())
        });
        // The coordinator hands each chunk to the pool as soon as a permit is free (no
        // batch waits for its slowest chunk); this thread writes the results in input
        // order and returns a permit for each, so at most `in_flight` chunks are
        // being coded or waiting to be written.
        let (done_tx, done_rx) = std::sync::mpsc::channel::<Result<(u64, ChunkResult)>>();
        let (permit_tx, permit_rx) = sync_channel::<()>(in_flight);
        for _ in 0..in_flight {
            permit_tx.send(()).expect("the permit channel has room for every permit");
        }
        let coordinator = {
            let (coder, pool, workers, buffers) = (&coder, &pool, &workers, &buffers);
            scope.spawn(move || {
                pool.in_place_scope(|jobs| {
                    for (seq, chunk) in (0u64..).zip(rx.iter()) {
                        let chunk = match chunk {
                            Ok(c) => c,
                            Err(e) => {
                                let _ = done_tx.send(Err(e));
                                return;
                            }
                        };
                        if permit_rx.recv().is_err() {
                            return; // the writer stopped on an error
                        }
                        let done_tx = done_tx.clone();
                        jobs.spawn(move |_| {
                            let (mut scanner, mut pairs) = workers
                                .lock()
                                .expect("worker pool lock is never poisoned")
                                .pop()
                                .unwrap_or_else(new_worker);
                            let codes = buffers.lock().expect("buffer pool lock is never poisoned").pop();
                            let r = coder.code_chunk(
                                &mut scanner,
                                &mut pairs,
                                &chunk,
                                keep_rows,
                                codes.unwrap_or_default(),
                            );
                            workers.lock().expect("worker pool lock is never poisoned").push((scanner, pairs));
                            drop(chunk);
                            let _ = done_tx.send(Ok((seq, r)));
                        });
                    }
                });
            })
        };
        // Results arrive in any order; they are written in input order.
        let mut filled = Filled::new(&coder.gates);
        let mut waiting: std::collections::BTreeMap<u64, ChunkResult> = std::collections::BTreeMap::new();
        let mut next = 0u64;
        for done in done_rx.iter() {
            let (seq, r) = done?;
            waiting.insert(seq, r);
            while let Some(mut r) = waiting.remove(&next) {
                next += 1;
                tally.merge(&r.tally);
                filled.add(&coder.gates, &r.extras);
                sink(&mut r)?;
                // Kept unless a chunk of huge answers grew it past 8 chunks' worth.
                let mut spare = buffers.lock().expect("buffer pool lock is never poisoned");
                if spare.len() < in_flight && r.codes.capacity() <= 8 * chunk_bytes {
                    spare.push(std::mem::take(&mut r.codes));
                }
                drop(spare);
                // The coordinator may have finished: a permit nobody takes is harmless.
                let _ = permit_tx.try_send(());
            }
        }
        coordinator.join().expect("the coordinator thread does not panic");
        Ok(reader_thread.join().expect("the reader thread does not panic"))
    })?;
    for (_, pairs) in workers.into_inner().expect("worker pool lock is never poisoned") {
        tally.merge_pairs(&pairs);
    }
    Ok(StreamEnd { sha256, tally, header, encoding })
}

/// Runs a job: codes the input and writes every output file into `out_dir` (with
/// `partial`, the files `codeframe merge` combines instead of reports).
pub fn run(job: &Job, progress: &dyn Fn(Progress)) -> Result<Outcome> {
    if job.options.parquet {
        report::parquet::ensure_available()?;
    }
    let out = &job.out_dir;
    guard_output_dir(out, job)?;
    let earlier = holds_earlier_run(out);
    remove_interrupted_temps(out);
    let partial = job.options.partial || job.options.shard.is_some();
    let mut options = job.options.clone();
    options.partial = partial;
    let counts_wanted = options.measure == Measure::Counts;
    let mut sinks = RowFiles::create(out, counts_wanted, partial)?;
    // The workbook's Codes sheet is written beside the run, reading the codes it writes.
    let mut sheet =
        if partial { None } else { Some(begin_codes_sheet(out, job.lexicon, &options, sinks.codes.file.temp_path())?) };
    let (mut rows, mut bytes, mut codes_rows) = (0u64, 0u64, 0u64);
    let mut extras = Extras::default();
    let end = stream(job.survey, job.lexicon, &job.input, &options, false, |r| {
        extras.merge(std::mem::take(&mut r.extras));
        sinks.write(&r.codes, r.counts.get_ref(), r.rejects.get_ref())?;
        if let Some(sheet) = sheet.as_mut().filter(|s| s.wants_more()) {
            sheet.written(sinks.codes.flushed()?, r.codes_rows);
        }
        codes_rows += r.codes_rows;
        rows += r.rows_read;
        bytes += r.bytes;
        progress(Progress { rows, bytes });
        Ok(())
    })?;
    let responses = ManifestInput::responses(&job.input, &end);
    let StreamEnd { tally, header, .. } = end;
    let header_note = header.as_ref().and_then(SubHeader::describe);
    let retired = retire_earlier_run(out, earlier)?;
    let digests = sinks.commit()?;
    let part_files = digests
        .iter()
        .map(|(p, sha256)| PartFile {
            name: p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            sha256: sha256.clone(),
        })
        .collect();
    let mut files: Vec<PathBuf> = digests.iter().map(|(p, _)| p.clone()).collect();
    let known = Known { digests: digests.into_iter().collect(), codes_rows: Some(codes_rows) };
    let mut inputs = job.config_files.clone();
    inputs.push(responses);
    if partial {
        let part = Partial {
            format: PARTIAL_FORMAT.to_string(),
            codeframe_version: env!("CARGO_PKG_VERSION").to_string(),
            shard: options.shard,
            columns: AdHocColumns::of(job),
            inputs,
            options: PartialOptions::of(&options, lexicon_format(job)),
            tally: tally.clone(),
            extras,
            files: part_files,
        };
        let path = out.join("partial.json");
        write_partial(&path, &part)?;
        files.push(path);
        let removed = remove_stale(out, earlier, &files, &retired)?;
        strict_rejects(&options, &tally, out)?;
        let summary = Summary::new(job.survey, job.lexicon, &tally);
        return Ok(Outcome { tally, summary, files, header_note, removed });
    }
    let summary = finish(job.survey, job.lexicon, &tally, extras, &inputs, &options, out, &mut files, &known, sheet)?;
    let removed = remove_stale(out, earlier, &files, &retired)?;
    strict_rejects(&options, &tally, out)?;
    Ok(Outcome { tally, summary, files, header_note, removed })
}

/// Whether the folder `out` holds an earlier run's outputs: its manifest.json, a
/// partial run's partial.json, or, where a run failed or was killed after retiring
/// those, a codes.csv that codeframe wrote (its header says so). A folder of other
/// files that happen to share an output's name is left alone.
fn holds_earlier_run(out: &Path) -> bool {
    if out.join("manifest.json").is_file() || out.join("partial.json").is_file() {
        return true;
    }
    let Ok(file) = std::fs::File::open(out.join("codes.csv")) else { return false };
    let mut first = String::new();
    let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(std::io::Read::take(file, 4096)), &mut first);
    let header = codes::CODES_HEADER.join(",");
    let first = first.trim_end();
    first == header || first.strip_prefix("row,") == Some(header.as_str())
}

/// Before the first output replaces an `earlier` run's, removes that run's
/// manifest.json and partial.json, which vouch for the folder's files: a run that then
/// fails or is interrupted while writing leaves a folder without them, which reads as
/// incomplete (and which `merge` refuses), never one whose manifest describes files
/// that are partly another run's. Returns the names removed.
fn retire_earlier_run(out: &Path, earlier: bool) -> Result<Vec<&'static str>> {
    let mut retired = Vec::new();
    if !earlier {
        return Ok(retired);
    }
    for name in ["manifest.json", "partial.json"] {
        let path = out.join(name);
        if path.is_file() {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            retired.push(name);
        }
    }
    Ok(retired)
}

/// Removes the temporary files (`.codes.csv.PID.tmp`) that an interrupted run
/// (Ctrl-C, a killed job) left in `out` under its outputs' names, and the folders of
/// rows an interrupted merge of many parts left (`.codeframe-merge.PID.XXXXXX`, a
/// copy of every code), unless their process still runs. Best effort: a file that
/// cannot be removed stays.
fn remove_interrupted_temps(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else { return };
    let own = std::process::id().to_string();
    let gone = |pid: &str| {
        !pid.is_empty()
            && pid.bytes().all(|b| b.is_ascii_digit())
            && pid != own
            && !Path::new("/proc").join(pid).exists()
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(MERGE_TEMP_PREFIX)) {
            let pid = rest.split('.').next().unwrap_or("");
            if entry.file_type().is_ok_and(|t| t.is_dir()) && gone(pid) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
            continue;
        }
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix('.')).and_then(|n| n.strip_suffix(".tmp")) else {
            continue;
        };
        let Some((output, pid)) = rest.rsplit_once('.') else { continue };
        let ours = OUTPUT_NAMES.contains(&output) || output == "partial.json";
        if ours && gone(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The start of the name of the folder a merge of many parts keeps its passes in,
/// followed by its process id and a random part.
const MERGE_TEMP_PREFIX: &str = ".codeframe-merge.";

/// Removes from `out`, if it held an `earlier` run, the files such a run writes
/// ([`OUTPUT_NAMES`], partial.json) that this one did not (`written`): a run with
/// `--parquet` or `--measure counts`, then one without, left counts.csv and the
/// Parquet files of the first beside the second's outputs. Files of other names are
/// never touched. `retired` are the earlier run's files already removed (see
/// [`retire_earlier_run`]). Returns the names removed that this run did not write again.
fn remove_stale(out: &Path, earlier: bool, written: &[PathBuf], retired: &[&str]) -> Result<Vec<String>> {
    let rewritten = |name: &str| written.iter().any(|w| w.file_name() == Some(std::ffi::OsStr::new(name)));
    let mut removed: Vec<String> = retired.iter().filter(|n| !rewritten(n)).map(|n| n.to_string()).collect();
    if !earlier {
        return Ok(removed);
    }
    for name in OUTPUT_NAMES.iter().chain(&["partial.json"]) {
        let path = out.join(name);
        if path.is_file() && !rewritten(name) {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            removed.push(name.to_string());
        }
    }
    Ok(removed)
}

/// Under `--strict`, a run (a shard, a merge) whose rows were rejected fails, once its
/// outputs are written.
fn strict_rejects(options: &RunOptions, tally: &Tally, out: &Path) -> Result<()> {
    if options.strict && tally.rows_rejected > 0 {
        return Err(Error::Rejects {
            rejected: tally.rows_rejected,
            report: out.join("rejects.csv").display().to_string(),
        });
    }
    Ok(())
}

/// Codes the input and writes only codes.csv rows to `out` (standard output, say) as
/// chunks finish, in input order: for engines that pipe rows through a program.
/// Rejected rows are returned with the stream's end (the caller reports them).
pub fn codes_only(
    survey: &Survey,
    lexicon: &CompiledLexicon,
    input: &InputSource,
    options: &RunOptions,
    out: &mut dyn Write,
    rejects: &mut dyn FnMut(&[u8]),
) -> Result<StreamEnd> {
    let stdout = |e: std::io::Error| Error::io("<stdout>", e);
    let mut header = options.partial.then_some("row").into_iter().collect::<Vec<_>>();
    header.extend(codes::CODES_HEADER);
    // The header goes out with the first chunk (or at the end of an input with no
    // rows), so an input that fails before its own header leaves standard output empty.
    let mut header_written = false;
    let end = stream(survey, lexicon, input, options, false, |r| {
        // Rejects go out as they are found, before the chunk's codes: a reader that
        // closes standard output early (`| head`) still hears of them.
        if !r.rejects.get_ref().is_empty() {
            rejects(r.rejects.get_ref());
        }
        if !header_written {
            codes::write_header(out, &header).map_err(stdout)?;
            header_written = true;
        }
        out.write_all(&r.codes).map_err(stdout)?;
        Ok(())
    })?;
    if !header_written {
        codes::write_header(out, &header).map_err(stdout)?;
    }
    out.flush().map_err(stdout)?;
    Ok(end)
}

/// What the run already knows of the files it wrote, so finishing need not read them
/// back: digests of the row files, and the number of codes.csv records.
#[derive(Default)]
struct Known {
    digests: std::collections::BTreeMap<PathBuf, String>,
    codes_rows: Option<u64>,
}

/// The workbook's Codes sheet, begun on the codes.csv at `codes_csv`: it shows the
/// themes' labels.
fn begin_codes_sheet(
    out: &Path,
    lexicon: &CompiledLexicon,
    options: &RunOptions,
    codes_csv: &Path,
) -> Result<report::xlsx::CodesSheet> {
    let labels = lexicon.themes.iter().map(|t| (t.id.clone(), t.label.clone()));
    report::xlsx::CodesSheet::begin(out, labels, options.workbook_codes, codes_csv)
}

/// Writes the reports and the manifest of a finished run (or merge) into `out`;
/// `files` already holds the per-row files, and gets the rest appended. `sheet` is the
/// workbook's Codes sheet if the run began it; otherwise it reads codes.csv whole here.
#[allow(clippy::too_many_arguments)]
fn finish(
    survey: &Survey,
    lexicon: &CompiledLexicon,
    tally: &Tally,
    extras: Extras,
    inputs: &[ManifestInput],
    options: &RunOptions,
    out: &Path,
    files: &mut Vec<PathBuf>,
    known: &Known,
    sheet: Option<report::xlsx::CodesSheet>,
) -> Result<Summary> {
    let mut summary = Summary::new(survey, lexicon, tally);
    summary.attach(survey, lexicon, extras, options.campaign_min);
    let reports = report::standard_reports(options.rounding);
    // The workbook (the slowest report) is built on its own thread meanwhile. Each
    // writes its own files.
    let summary_ref = &summary;
    let parquet = std::thread::scope(|scope| -> Result<Vec<PathBuf>> {
        let workbook = scope.spawn(|| {
            let codes = out.join("codes.csv");
            let sheet = match sheet {
                Some(sheet) => sheet,
                None => {
                    let mut sheet = begin_codes_sheet(out, lexicon, options, &codes)?;
                    sheet.written_whole(&codes)?;
                    sheet
                }
            };
            report::xlsx::write(out, summary_ref, sheet, &codes, known.codes_rows, options.rounding)
        });
        let rest = (|| -> Result<Vec<PathBuf>> {
            report::write_reports(out, summary_ref, &reports)?;
            if options.parquet {
                // Typed copies of the CSVs above, read back in bounded batches.
                return report::parquet::write(out, options.measure == Measure::Counts);
            }
            Ok(Vec::new())
        })();
        // A panic there is a bug, raised here as if the workbook were written inline.
        workbook.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?;
        rest
    })?;
    files.extend(reports.iter().map(|r| out.join(r.file_name())));
    files.push(out.join(report::xlsx::FILE_NAME));
    files.extend(parquet);
    report::manifest::write(out, inputs, options, &summary, files, &known.digests)?;
    files.push(out.join("manifest.json"));
    Ok(summary)
}

/// The per-row output files of a run: codes.csv, rejects.csv and (counts measure)
/// counts.csv, written in input order under temporary names, and hashed as they are
/// written, so the manifest need not read them back (codes.csv can run to gigabytes).
struct RowFiles {
    codes: RowFile,
    rejects: RowFile,
    counts: Option<RowFile>,
}

struct RowFile {
    file: AtomicFile,
    path: PathBuf,
    sha256: sha2::Sha256,
    /// Bytes written.
    len: u64,
}

impl RowFile {
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        use sha2::Digest;
        self.sha256.update(bytes);
        self.len += bytes.len() as u64;
        self.file.writer().write_all(bytes).map_err(|e| Error::io(&self.path, e))
    }

    /// Flushes what is written to the file, for another reader of it; returns its length.
    fn flushed(&mut self) -> Result<u64> {
        self.file.writer().flush().map_err(|e| Error::io(&self.path, e))?;
        Ok(self.len)
    }
}

impl RowFiles {
    fn create(out: &Path, counts: bool, row_column: bool) -> Result<RowFiles> {
        let open = |name: &str, header: &[&str]| -> Result<RowFile> {
            let path = out.join(name);
            let file = AtomicFile::create(&path)?;
            let mut h: Vec<&str> = header.to_vec();
            if row_column && name != "rejects.csv" {
                h.insert(0, "row");
            }
            let mut bytes = Vec::new();
            codes::write_header(&mut bytes, &h).map_err(|e| Error::io(&path, e))?;
            let mut f = RowFile { file, path, sha256: Default::default(), len: 0 };
            f.write(&bytes)?;
            Ok(f)
        };
        Ok(RowFiles {
            codes: open("codes.csv", &codes::CODES_HEADER)?,
            rejects: open("rejects.csv", &codes::REJECTS_HEADER)?,
            counts: if counts { Some(open("counts.csv", &codes::COUNTS_HEADER)?) } else { None },
        })
    }

    fn write(&mut self, codes: &[u8], counts: &[u8], rejects: &[u8]) -> Result<()> {
        self.codes.write(codes)?;
        self.rejects.write(rejects)?;
        if let Some(f) = &mut self.counts {
            f.write(counts)?;
        }
        Ok(())
    }

    /// Renames the files into place; returns them with their SHA-256 digests.
    fn commit(self) -> Result<Vec<(PathBuf, String)>> {
        use sha2::Digest;
        let mut files = Vec::new();
        for f in [Some(self.codes), Some(self.rejects), self.counts].into_iter().flatten() {
            f.file.commit()?;
            files.push((f.path, crate::input::csv::hex(&f.sha256.finalize())));
        }
        Ok(files)
    }
}

/// The shape of the tallies of a survey coded with a lexicon.
pub fn shape(survey: &Survey, lexicon: &CompiledLexicon) -> Shape {
    Shape {
        closed_options: survey.closed.iter().map(|q| q.options.len()).collect(),
        closed_multiple: survey.closed.iter().map(|q| q.multiple).collect(),
        open: survey.open.len(),
        themes: lexicon.themes.len(),
        types: survey.type_names().len(),
        segments: survey.segments.len(),
    }
}

/// Version tag of partial.json.
/// Version 2: campaign fingerprints hold 32-bit hashes, a member's id and excerpt in
/// one string. Version 3: a run without a survey spec records its columns. Version 4:
/// the options record how a dictionary was read (`--dictionary-terms`,
/// `--dictionary-duplicates`): without them, parts read two ways merged silently.
/// Version 5: the options record the lexicon's format (its extension picks the
/// reader): the same bytes as `d.dic` and `d.txt` hash the same but are two lexicons.
/// Version 7: the file ends with its own SHA-256 (`"sha256"`, of the bytes before it),
/// so a partial.json changed after its run is refused, as its row files are.
/// Version 8: the tally counts respondents of an unlisted type apart, by value.
pub const PARTIAL_FORMAT: &str = "codeframe-partial/8";

/// The columns a run without a survey spec was given (`--id-column`, `--text-column`):
/// what stands in for the spec's hash when its parts are merged.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AdHocColumns {
    /// The id column, if any.
    pub id_column: Option<String>,
    /// The text columns, in order.
    pub text_columns: Vec<String>,
}

impl AdHocColumns {
    /// The columns of `job`'s survey, if it came from flags, not a spec file.
    fn of(job: &Job) -> Option<AdHocColumns> {
        (!job.config_files.iter().any(|c| c.role == "survey")).then(|| AdHocColumns {
            id_column: job.survey.id_column.clone(),
            text_columns: job.survey.open.iter().map(|o| o.column.clone()).collect(),
        })
    }

    /// The flags that give these columns.
    fn flags(&self) -> String {
        let id = self.id_column.iter().map(|c| format!("--id-column {c:?}"));
        let texts = self.text_columns.iter().map(|c| format!("--text-column {c:?}"));
        id.chain(texts).collect::<Vec<_>>().join(" ")
    }
}

/// What a partial run leaves for `codeframe merge`: its counts, kept extras, inputs
/// and options. Its codes, counts and rejects are in the CSVs next to it, with rows.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Partial {
    /// [`PARTIAL_FORMAT`].
    pub format: String,
    /// Version of codeframe that wrote it.
    pub codeframe_version: String,
    /// The shard, if it was one.
    pub shard: Option<Shard>,
    /// Spec, lexicon and responses, hashed.
    pub inputs: Vec<ManifestInput>,
    /// Without a survey spec: the columns the run was given.
    pub columns: Option<AdHocColumns>,
    /// Options that shape the outputs.
    pub options: PartialOptions,
    /// Counts.
    pub tally: Tally,
    /// Examples, uncoded answers, fingerprints.
    pub extras: Extras,
    /// The part's row files (codes.csv, rejects.csv, counts.csv) with the SHA-256 they
    /// were written with, so a merge notices one truncated or changed in transit
    /// (absent from partial.json files written before it existed: nothing to check).
    #[serde(default)]
    pub files: Vec<PartFile>,
}

/// A row file of a partial run, by name, with its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartFile {
    /// File name in the part's folder.
    pub name: String,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
}

/// The options of a partial run that must agree across parts.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PartialOptions {
    /// Counts measure.
    pub counts: bool,
    /// Campaign threshold.
    pub campaign_min: Option<usize>,
    /// Decimals.
    pub decimals: u8,
    /// Largest remainder rounding.
    pub largest_remainder: bool,
    /// Strict.
    pub strict: bool,
    /// Delimiter (None: sniffed).
    pub delimiter: Option<u8>,
    /// Encoding (None: sniffed).
    pub encoding: Option<String>,
    /// Sheet.
    pub sheet: Option<String>,
    /// Cell limit.
    pub max_cell_bytes: usize,
    /// Duplicate ids rejected.
    pub reject_duplicate_ids: bool,
    /// Header rows given (None: recognised; absent from partial.json files written
    /// before it existed).
    #[serde(default)]
    pub header_rows: Option<usize>,
    /// Text cells read as the text their HTML shows (absent, and so off, from
    /// partial.json files written before it existed, which read cells as stored).
    #[serde(default)]
    pub decode_html: bool,
    /// Most codes on the workbook's Codes sheet.
    pub workbook_codes: u32,
    /// Parquet copies asked for (absent from partial.json files written before it existed).
    #[serde(default)]
    pub parquet: bool,
    /// How an imported dictionary's plain terms were read (`--dictionary-terms`).
    pub dictionary_terms: crate::lexicon::DictionaryTerms,
    /// How a dictionary's term listed twice was read (`--dictionary-duplicates`).
    pub dictionary_duplicates: crate::lexicon::DuplicateTerms,
    /// The language a dictionary was read in (`--dictionary-language`; absent from
    /// partial.json files written before it existed, which read English).
    #[serde(default)]
    pub dictionary_language: crate::text::Language,
    /// The format the lexicon was read as ([`crate::lexicon::Format::name`]), which
    /// its SHA-256 does not say.
    pub lexicon_format: String,
}

/// An option as the flag that sets it and its value in words, for messages naming
/// what differs between two runs.
type Setting = (&'static str, String);

/// The first option whose value differs: its flag, the value in `a` and in `b`.
fn first_difference(a: Vec<Setting>, b: Vec<Setting>) -> Option<(&'static str, String, String)> {
    a.into_iter().zip(b).find(|(x, y)| x.1 != y.1).map(|((flag, a), (_, b))| (flag, a, b))
}

/// The format `job`'s lexicon is read as, in words.
fn lexicon_format(job: &Job) -> String {
    let path = job.config_files.iter().find(|c| c.role == "lexicon").map(|c| c.path.as_path());
    path.and_then(crate::lexicon::Format::of).map_or("none", crate::lexicon::Format::name).to_string()
}

impl PartialOptions {
    fn of(o: &RunOptions, lexicon_format: String) -> PartialOptions {
        PartialOptions {
            counts: o.measure == Measure::Counts,
            campaign_min: o.campaign_min,
            decimals: o.rounding.decimals,
            largest_remainder: o.rounding.largest_remainder,
            strict: o.strict,
            delimiter: o.read.delimiter,
            encoding: o.read.encoding.clone(),
            sheet: o.read.sheet.clone(),
            max_cell_bytes: o.read.max_cell_bytes,
            reject_duplicate_ids: o.read.reject_duplicate_ids,
            header_rows: o.read.header_rows,
            decode_html: o.read.decode_html,
            workbook_codes: o.workbook_codes,
            parquet: o.parquet,
            dictionary_terms: o.dictionary.terms,
            dictionary_duplicates: o.dictionary.duplicates,
            dictionary_language: o.dictionary.language,
            lexicon_format,
        }
    }

    /// Every option that must agree across parts, as flags with their values: those
    /// that shape the reports, then [`PartialOptions::source_settings`]. `--parquet` is
    /// not one: Parquet copies are extra files, not other results.
    fn settings(&self) -> Vec<Setting> {
        // Destructured so that a field added to the record must be placed here or
        // below, or be said to need no agreement, before this compiles.
        let PartialOptions {
            counts,
            campaign_min,
            decimals,
            largest_remainder,
            strict,
            workbook_codes,
            parquet: _,
            lexicon_format,
            ..
        } = self;
        let on = |yes: bool| if yes { "on" } else { "off" }.to_string();
        let mut all = vec![
            ("--measure", if *counts { "counts" } else { "presence" }.to_string()),
            ("--campaign-min", campaign_min.map_or_else(|| "off (--no-campaigns)".into(), |n| n.to_string())),
            ("--one-decimal", if *decimals == 0 { "off".into() } else { format!("on ({decimals} decimal)") }),
            ("--largest-remainder", on(*largest_remainder)),
            ("--strict", on(*strict)),
            ("--workbook-codes", workbook_codes.to_string()),
            // Merge reads the lexicon as the path it is given names it: checked apart.
            ("the lexicon's format", lexicon_format.clone()),
        ];
        all.extend(self.source_settings());
        all
    }

    /// The options of how the input and the lexicon were read, as flags with their
    /// values: the ones `codeframe merge` also takes, and holds to the parts'.
    fn source_settings(&self) -> Vec<Setting> {
        let PartialOptions {
            delimiter,
            encoding,
            sheet,
            max_cell_bytes,
            reject_duplicate_ids,
            header_rows,
            decode_html,
            dictionary_terms,
            dictionary_duplicates,
            dictionary_language,
            ..
        } = self;
        let delimiter = match delimiter {
            None => "sniffed".to_string(),
            Some(b'\t') => "tab".to_string(),
            Some(d) => format!("{:?}", (*d as char).to_string()),
        };
        vec![
            ("--delimiter", delimiter),
            ("--encoding", encoding.as_ref().map_or_else(|| "sniffed".into(), |e| format!("{e:?}"))),
            ("--sheet", sheet.as_ref().map_or_else(|| "the first visible".into(), |s| format!("{s:?}"))),
            ("--max-cell-bytes", max_cell_bytes.to_string()),
            ("--allow-duplicate-ids", if *reject_duplicate_ids { "off" } else { "on" }.to_string()),
            ("--header-rows", header_rows.map_or_else(|| "recognised".into(), |n| n.to_string())),
            ("--keep-html", if *decode_html { "off" } else { "on" }.to_string()),
            ("--dictionary-terms", dictionary_terms.name().to_string()),
            ("--dictionary-duplicates", dictionary_duplicates.name().to_string()),
            ("--dictionary-language", dictionary_language.name().to_string()),
        ]
    }

    fn run_options(&self, base: &RunOptions) -> RunOptions {
        RunOptions {
            campaign_min: self.campaign_min,
            rounding: Rounding { decimals: self.decimals, largest_remainder: self.largest_remainder },
            strict: self.strict,
            measure: if self.counts { Measure::Counts } else { Measure::Presence },
            read: ReadOptions {
                delimiter: self.delimiter,
                encoding: self.encoding.clone(),
                sheet: self.sheet.clone(),
                max_cell_bytes: self.max_cell_bytes,
                reject_duplicate_ids: self.reject_duplicate_ids,
                header_rows: self.header_rows,
                decode_html: self.decode_html,
            },
            shard: None,
            partial: false,
            workbook_codes: self.workbook_codes,
            dictionary: crate::lexicon::ImportOptions {
                terms: self.dictionary_terms,
                duplicates: self.dictionary_duplicates,
                language: self.dictionary_language,
            },
            ..base.clone()
        }
    }
}

/// How partial.json ends: its own SHA-256 (of the file with this field left out), so
/// that merge notices a partial.json changed after its run, as it does a row file.
const PARTIAL_SEAL: &[u8] = b",\"sha256\":\"";

/// Writes `part` to `path` as partial.json: its JSON, with the SHA-256 of those bytes
/// appended as its last field (`,"sha256":"..."}`), which [`read_partial`] checks.
fn write_partial(path: &Path, part: &Partial) -> Result<()> {
    let mut body = serde_json::to_vec(part).map_err(|e| Error::io(path, e.into()))?;
    let sha256 = crate::input::csv::sha256_hex(&body);
    let close = body.pop();
    debug_assert_eq!(close, Some(b'}'), "a struct serialises as a JSON object");
    body.extend_from_slice(PARTIAL_SEAL);
    body.extend_from_slice(sha256.as_bytes());
    body.extend_from_slice(b"\"}");
    let mut f = AtomicFile::create(path)?;
    f.writer().write_all(&body).map_err(|e| Error::io(path, e))?;
    f.commit()
}

/// Checks the SHA-256 partial.json (`text`, read from `path`) ends with against its
/// other bytes ([`write_partial`]).
fn check_partial_seal(path: &Path, text: &[u8]) -> Result<()> {
    let refuse = |why: String| Err(Error::input(crate::error::Location::file(path), why));
    let unsealed = || {
        refuse(
            "not the file its run wrote: it does not end with the SHA-256 its run sealed it with (\"sha256\"), \
             so it was changed or rewritten since; copy it again or rerun the shard"
                .into(),
        )
    };
    // `,"sha256":"` + 64 hex digits + `"}`
    let Some(start) = text.len().checked_sub(PARTIAL_SEAL.len() + 64 + 2) else {
        return unsealed();
    };
    let (body, seal) = text.split_at(start);
    let recorded = &seal[PARTIAL_SEAL.len()..PARTIAL_SEAL.len() + 64];
    if !seal.starts_with(PARTIAL_SEAL) || !seal.ends_with(b"\"}") || !recorded.iter().all(u8::is_ascii_hexdigit) {
        return unsealed();
    }
    let recorded = String::from_utf8_lossy(recorded);
    let sha256 = {
        use sha2::{Digest, Sha256};
        crate::input::csv::hex(&Sha256::new().chain_update(body).chain_update(b"}").finalize())
    };
    if sha256 != recorded {
        return refuse(format!(
            "not the file its run wrote (it records SHA-256 {recorded}, but the rest hashes to {sha256}): \
             changed or cut short since; copy it again or rerun the shard"
        ));
    }
    Ok(())
}

/// Reads the `partial.json` a partial run left in `dir`, refusing one changed since
/// its run (by the SHA-256 it ends with).
pub fn read_partial(dir: &Path) -> Result<Partial> {
    let path = dir.join("partial.json");
    // A part is the folder a partial run wrote: a file, a whole run's folder or an
    // interrupted part's is a mistake in the command, not a failure to read.
    let not_a_part = |why: &str| {
        Error::input(
            crate::error::Location::file(dir),
            format!(
                "not a partial run: {why}; merge takes the --out folders of `codeframe run --shard K/N` (or --partial)"
            ),
        )
    };
    if dir.is_file() {
        return Err(not_a_part("it is a file, not a folder"));
    }
    if dir.is_dir() && !path.exists() {
        return Err(not_a_part(if dir.join("manifest.json").is_file() {
            "it holds a whole run's outputs (manifest.json), not a shard's partial.json"
        } else {
            "it holds no partial.json (a shard that failed or was interrupted leaves none)"
        }));
    }
    let text = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let not_partial =
        |e: serde_json::Error| Error::input(crate::error::Location::file(&path), format!("not a partial run: {e}"));
    // The tag first: a part from another version should say so, not fail on a field.
    #[derive(serde::Deserialize)]
    struct Tag {
        format: String,
    }
    let tag: Tag = serde_json::from_slice(&text).map_err(not_partial)?;
    if tag.format != PARTIAL_FORMAT {
        return Err(Error::input(
            crate::error::Location::file(&path),
            format!(
                "format {:?}, but this codeframe merges {PARTIAL_FORMAT:?}: rerun the shards with this version",
                tag.format
            ),
        ));
    }
    check_partial_seal(&path, &text)?;
    serde_json::from_slice(&text).map_err(not_partial)
}

/// Checks that the row files in a part's folder are the ones its run wrote.
fn check_part_files(dir: &Path, part: &Partial) -> Result<()> {
    for file in &part.files {
        // Only the row files merge reads: a hand-made list cannot point elsewhere.
        if !["codes.csv", "rejects.csv", "counts.csv"].contains(&file.name.as_str()) {
            return Err(Error::input(
                crate::error::Location::file(dir.join("partial.json")),
                format!("not a partial run: it lists {:?} among its row files", file.name),
            ));
        }
        let path = dir.join(&file.name);
        if report::manifest::sha256_file(&path).map_err(|e| Error::io(&path, e))? != file.sha256 {
            return Err(Error::input(
                crate::error::Location::file(&path),
                format!(
                    "not the file its run wrote (SHA-256 {} in {}): truncated or changed since; copy it again or rerun the shard",
                    file.sha256,
                    dir.join("partial.json").display()
                ),
            ));
        }
    }
    Ok(())
}

/// Checks the responses merge was given (`--input`) against those the part `part`
/// (its folder) was coded from, by SHA-256: merge reads no responses, so the flag can
/// only be a check, and is never ignored. Standard input is refused: a merge does not
/// read it. Parts that differ from one another are refused by [`merge`].
pub fn check_merge_input(part: &Path, input: &Path) -> Result<()> {
    if input.as_os_str() == "-" {
        return Err(Error::Usage(
            "merge reads no responses, so --input - (standard input) cannot be checked against the parts: \
             give the file they were coded from, or leave --input out"
                .into(),
        ));
    }
    let recorded = read_partial(part)?.inputs.into_iter().find(|i| i.role == "responses");
    let Some(recorded) = recorded else {
        return Err(Error::input(
            crate::error::Location::file(part.join("partial.json")),
            "not a partial run: it records no responses",
        ));
    };
    let sha256 = report::manifest::sha256_file(input).map_err(|e| Error::io(input, e))?;
    if sha256 != recorded.sha256 {
        return Err(Error::Usage(format!(
            "--input {} (SHA-256 {sha256}) is not the responses the parts were coded from: {} records {} (SHA-256 {})",
            input.display(),
            part.display(),
            recorded.path.display(),
            recorded.sha256
        )));
    }
    Ok(())
}

/// Merges partial runs (`parts`: their output folders) into the outputs of one run
/// over the whole input, byte for byte. Parts must be shards 1..N of one input, run
/// with the same spec, lexicon and options; `job` supplies the spec and lexicon (their
/// hashes must match the parts'), the output folder (which may not hold the input),
/// and in its options how the input and lexicon were read, which must be the parts'
/// (the lexicon was compiled with its dictionary options).
pub fn merge(job: &Job, parts: &[PathBuf]) -> Result<Outcome> {
    if parts.is_empty() {
        return Err(Error::Usage("merge needs at least one partial run folder".into()));
    }
    guard_merge_output(&job.out_dir, parts)?;
    let loaded: Vec<Partial> = parts.iter().map(|dir| read_partial(dir)).collect::<Result<_>>()?;
    // Nor may it replace the responses the parts were coded from, as a run may not: by
    // the path each part records (from where merge runs) and the one merge was given.
    let recorded = loaded.iter().flat_map(|p| p.inputs.iter()).map(|i| (i.role.as_str(), i.path.as_path()));
    let inputs: Vec<(&str, &Path)> = recorded.chain(job.reads()).collect();
    refuse_overwriting_input("--out", &job.out_dir, &in_folder(&job.out_dir, OUTPUT_NAMES), &inputs)?;
    // A recorded path is relative to where the shard ran: from another folder it names
    // another file, so a file in --out is also compared by content.
    let recorded: Vec<&ManifestInput> = loaded.iter().flat_map(|p| &p.inputs).collect();
    refuse_replacing_recorded(&job.out_dir, &in_folder(&job.out_dir, OUTPUT_NAMES), &recorded)?;
    let first = &loaded[0];
    let mismatch = |i: usize, what: &str| {
        Error::Usage(format!(
            "{} and {} differ in {what}: they are not parts of one run",
            parts[0].display(),
            parts[i].display()
        ))
    };
    for (i, p) in loaded.iter().enumerate().skip(1) {
        if let Some(what) = input_difference(first, p, &parts[0], &parts[i]) {
            return Err(mismatch(i, &what));
        }
        // Parquet copies are extra files, not different results: any part (or the
        // merge itself) asking for them is enough.
        if let Some((flag, a, b)) = first_difference(first.options.settings(), p.options.settings()) {
            let (first_dir, dir) = (parts[0].display(), parts[i].display());
            return Err(mismatch(i, &format!("their options ({flag} is {a} in {first_dir}, {b} in {dir})")));
        }
    }
    // How this merge reads the input and lexicon (what it was given; what it was not,
    // the caller takes from the parts) must be how the parts did: the lexicon is
    // compiled with these dictionary options, and the manifest records them.
    let asked = PartialOptions::of(&job.options, lexicon_format(job));
    if let Some((flag, given, recorded)) = first_difference(asked.source_settings(), first.options.source_settings()) {
        return Err(Error::Usage(format!(
            "{flag} is {given} for this merge, but {recorded} in the parts ({} records it): leave {flag} out and merge takes the parts'",
            parts[0].join("partial.json").display()
        )));
    }
    // This run's spec and lexicon (or, without a spec, its columns) must be the ones
    // the parts were coded with.
    for role in ["survey", "lexicon"] {
        let recorded = first.inputs.iter().find(|i| i.role == role);
        match (recorded, job.config_files.iter().find(|c| c.role == role)) {
            (None, None) => {}
            (Some(r), Some(c))
                if r.sha256 == c.sha256
                    && (role != "lexicon" || asked.lexicon_format == first.options.lexicon_format) => {}
            (Some(r), Some(c)) if r.sha256 == c.sha256 => {
                return Err(Error::Usage(format!(
                    "the lexicon {} is read as {} (by its extension), but the parts read theirs, {}, as {}: give it a name with their extension, or leave --lexicon out and merge reads the file the parts record",
                    c.path.display(),
                    asked.lexicon_format,
                    r.path.display(),
                    first.options.lexicon_format
                )));
            }
            (Some(r), Some(c)) => {
                return Err(Error::Usage(format!(
                    "the {role} {} is not the one the parts were coded with: they were coded with {} (SHA-256 {})",
                    c.path.display(),
                    r.path.display(),
                    r.sha256
                )));
            }
            (Some(r), None) => {
                return Err(Error::Usage(format!(
                    "the parts were coded with the {role} {}, which merge was not given: give it with --{role}, or leave it out and merge reads the file the parts record",
                    r.path.display()
                )));
            }
            (None, Some(c)) => {
                return Err(Error::Usage(format!(
                    "the {role} {} is not the one the parts were coded with: they were coded without a {role} file",
                    c.path.display()
                )));
            }
        }
    }
    let columns = AdHocColumns::of(job);
    if first.columns != columns {
        let flags = |c: &Option<AdHocColumns>| c.as_ref().map_or("a survey spec".into(), |c| c.flags());
        return Err(Error::Usage(format!(
            "the parts were coded with {}, but merge was given {}",
            flags(&first.columns),
            flags(&columns)
        )));
    }
    // Nothing in a part is trusted before it is checked: its row files against their
    // digests, its counts and extras against the shape of this survey and lexicon.
    let shape = shape(job.survey, job.lexicon);
    for (dir, part) in parts.iter().zip(&loaded) {
        check_part_files(dir, part)?;
        part.tally.check(&shape).and_then(|()| part.extras.check(&shape)).map_err(|why| {
            Error::input(
                crate::error::Location::file(dir.join("partial.json")),
                format!("not a partial run this survey and lexicon can merge: {why}"),
            )
        })?;
    }
    let parquet = job.options.parquet || loaded.iter().any(|p| p.options.parquet);
    if parquet {
        report::parquet::ensure_available()?;
    }
    let n = first.shard.map_or(1, |s| s.n);
    let shard = |p: &Partial| p.shard.unwrap_or(Shard { k: 1, n: 1 });
    if let Some(i) = loaded.iter().position(|p| shard(p).n != n) {
        let (a, b) = (shard(first), shard(&loaded[i]));
        return Err(mismatch(i, &format!("their shard counts (shard {}/{} and shard {}/{})", a.k, a.n, b.k, b.n)));
    }
    let mut seen: Vec<u32> = loaded.iter().map(|p| shard(p).k).collect();
    seen.sort_unstable();
    if seen != (1..=n).collect::<Vec<_>>() {
        return Err(Error::Usage(format!("merge needs shards 1/{n} to {n}/{n} exactly once each; got {seen:?}")));
    }
    // Counts of all parts together must not overflow (each part's add up on their own).
    if loaded.iter().try_fold(0u64, |sum, p| sum.checked_add(p.tally.rows_read)).is_none() {
        return Err(Error::Usage(
            "the parts together read more rows than can be counted: they are not parts of one run".into(),
        ));
    }
    let out = &job.out_dir;
    create_out_dir(out)?;
    let earlier = holds_earlier_run(out);
    remove_interrupted_temps(out);
    let mut tally = first.tally.clone();
    let mut extras = Extras::default();
    for (i, p) in loaded.iter().enumerate() {
        if i > 0 {
            tally.merge(&p.tally);
        }
        extras.absorb(p.extras.clone());
    }
    extras.normalise();
    let retired = retire_earlier_run(out, earlier)?;
    let mut files = Vec::new();
    let names: &[(&str, bool)] = &[("codes.csv", true), ("rejects.csv", false), ("counts.csv", true)];
    for &(name, strip_row) in names {
        if name == "counts.csv" && !first.options.counts {
            continue;
        }
        let inputs: Vec<PathBuf> = parts.iter().map(|d| d.join(name)).collect();
        let path = out.join(name);
        merge_rows(&inputs, &path, strip_row)?;
        files.push(path);
    }
    let mut options = first.options.run_options(&job.options);
    options.parquet = parquet;
    let inputs = first.inputs.clone();
    let summary =
        finish(job.survey, job.lexicon, &tally, extras, &inputs, &options, out, &mut files, &Known::default(), None)?;
    let removed = remove_stale(out, earlier, &files, &retired)?;
    strict_rejects(&options, &tally, out)?;
    Ok(Outcome { tally, summary, files, header_note: None, removed })
}

/// What differs between the inputs of two parts (`a` and `b`, in the folders `a_dir`
/// and `b_dir`), in words for [`merge`]'s message: the first role (spec, lexicon,
/// responses) whose file differs, with both paths and SHA-256s, or the columns of a
/// run without a spec, as flags. `None` if they agree.
fn input_difference(a: &Partial, b: &Partial, a_dir: &Path, b_dir: &Path) -> Option<String> {
    let (a_dir, b_dir) = (a_dir.display(), b_dir.display());
    fn file<'a>(p: &'a Partial, role: &str) -> Option<&'a ManifestInput> {
        p.inputs.iter().find(|i| i.role == role)
    }
    let roles = a.inputs.iter().chain(&b.inputs).map(|i| i.role.as_str());
    let mut seen: Vec<&str> = Vec::new();
    for role in roles {
        if seen.contains(&role) {
            continue;
        }
        seen.push(role);
        let (x, y) = (file(a, role), file(b, role));
        if x.map(|i| &i.sha256) == y.map(|i| &i.sha256) {
            // One file, read in two encodings: a shard that read it from a pipe
            // sniffs less of it than one that read the file.
            let encoding = |i: Option<&ManifestInput>| i.and_then(|i| i.encoding.clone());
            if let (Some(e), Some(f)) = (encoding(x), encoding(y))
                && e != f
            {
                return Some(format!(
                    "the encoding their {} were read in ({e} in {a_dir}; {f} in {b_dir}): give every shard \
                     --encoding",
                    role_name(role)
                ));
            }
            continue;
        }
        let describe = |i: Option<&ManifestInput>| {
            i.map_or_else(
                || format!("no {} file", role_name(role)),
                |i| format!("{}, SHA-256 {}", i.path.display(), i.sha256),
            )
        };
        return Some(format!("their {} ({} in {a_dir}; {} in {b_dir})", role_name(role), describe(x), describe(y)));
    }
    if a.columns != b.columns {
        let flags = |c: &Option<AdHocColumns>| c.as_ref().map_or_else(|| "a survey spec".into(), |c| c.flags());
        return Some(format!("their columns ({} in {a_dir}; {} in {b_dir})", flags(&a.columns), flags(&b.columns)));
    }
    None
}

/// Refuses a merge's output folder that is a file or one of its parts (whose row files
/// it would overwrite while reading them).
fn guard_merge_output(out: &Path, parts: &[PathBuf]) -> Result<()> {
    if out.exists() && !out.is_dir() {
        return Err(Error::Usage(format!("--out {} is a file, not a folder", out.display())));
    }
    let Ok(out_dir) = out.canonicalize() else { return Ok(()) };
    if let Some(part) = parts.iter().find(|p| p.canonicalize().is_ok_and(|p| p == out_dir)) {
        return Err(Error::Usage(format!(
            "--out {} is the part {}: merging into it would overwrite what it reads; choose another folder",
            out.display(),
            part.display()
        )));
    }
    Ok(())
}

/// Most row files merge reads at once. With more parts, each row file is merged in
/// passes: the parts' files this many at a time into temporary files in `--out`, then
/// those, until one pass writes the output. Each pass reads and writes the rows once
/// more (one extra pass up to 4,096 parts), and the open files stay under 70 however
/// many parts there are: limits of 1024 (Linux) and 256 (macOS) are usual, and
/// `--shard` allows millions of parts.
pub const MERGE_FAN_IN: usize = 64;

/// Merges row-ordered CSVs (codes, counts: a leading `row` column to strip; rejects:
/// `row` is its second column) into one file in row order, reading at most
/// [`MERGE_FAN_IN`] of them at once.
fn merge_rows(inputs: &[PathBuf], target: &Path, strip_row: bool) -> Result<()> {
    merge_rows_by(inputs, target, strip_row, MERGE_FAN_IN)
}

/// [`merge_rows`], reading at most `fan_in` (at least 2) files at once.
fn merge_rows_by(inputs: &[PathBuf], target: &Path, strip_row: bool, fan_in: usize) -> Result<()> {
    let fan_in = fan_in.max(2);
    let row_col = if strip_row { 0 } else { 1 };
    if inputs.len() <= fan_in {
        return merge_row_files(inputs, target, row_col, strip_row, fan_in);
    }
    // Beside the output: the rows take the room there that the output will, and a
    // temporary folder elsewhere (often in memory) may hold far less.
    let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let prefix = format!("{MERGE_TEMP_PREFIX}{}.", std::process::id());
    let temp = tempfile::Builder::new().prefix(&prefix).tempdir_in(folder).map_err(|e| Error::io(folder, e))?;
    let mut level: Vec<PathBuf> = inputs.to_vec();
    let mut pass = 0;
    while level.len() > fan_in {
        let mut next = Vec::with_capacity(level.len().div_ceil(fan_in));
        for (i, group) in level.chunks(fan_in).enumerate() {
            let path = temp.path().join(format!("{pass}-{i}.csv"));
            // The row column stays for the next pass.
            merge_row_files(group, &path, row_col, false, fan_in)?;
            next.push(path);
        }
        if pass > 0 {
            // The previous pass's files, read now: their room is needed no more.
            for p in &level {
                std::fs::remove_file(p).map_err(|e| Error::io(p, e))?;
            }
        }
        level = next;
        pass += 1;
    }
    merge_row_files(&level, target, row_col, strip_row, fan_in)?;
    temp.close().map_err(|e| Error::io(folder, e))
}

/// Merges the row-ordered CSVs `inputs`, all open at once, into `target`; `row_col` is
/// the column of the row number, dropped if `strip_row`.
fn merge_row_files(inputs: &[PathBuf], target: &Path, row_col: usize, strip_row: bool, fan_in: usize) -> Result<()> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    let mut readers = Vec::new();
    let mut header: Option<csv::StringRecord> = None;
    for p in inputs {
        let file = match std::fs::File::open(p) {
            Ok(file) => file,
            Err(e) => {
                // Closed first: saying what the limit is takes a file (/proc/self/limits).
                drop(readers);
                return Err(open_error(p, e, fan_in));
            }
        };
        let mut r = csv::Reader::from_reader(file);
        let h = r.headers().map_err(|e| Error::csv(p, e))?.clone();
        header.get_or_insert(h);
        readers.push((r, p));
    }
    let mut f = match AtomicFile::create(target) {
        Ok(f) => f,
        Err(Error::Io { path, source }) => {
            drop(readers);
            return Err(open_error(&path, source, fan_in));
        }
        Err(other) => return Err(other),
    };
    {
        let mut w = csv::Writer::from_writer(f.writer());
        let io = |e: csv::Error| Error::io(target, std::io::Error::other(e));
        if let Some(h) = &header {
            let h: Vec<&str> = h.iter().skip(strip_row as usize).collect();
            w.write_record(&h).map_err(io)?;
        }
        // heap of (row, part, record); each part is already in row order
        let mut heap = BinaryHeap::new();
        let next = |r: &mut csv::Reader<std::fs::File>, p: &Path| -> Result<Option<(u64, csv::StringRecord)>> {
            let mut rec = csv::StringRecord::new();
            if !r.read_record(&mut rec).map_err(|e| Error::csv(p, e))? {
                return Ok(None);
            }
            let row = rec
                .get(row_col)
                .and_then(|x| x.parse::<u64>().ok())
                .ok_or_else(|| Error::input(crate::error::Location::file(p), "a partial file row has no row number"))?;
            Ok(Some((row, rec)))
        };
        let mut pending: Vec<Option<csv::StringRecord>> = vec![None; readers.len()];
        for (i, (r, p)) in readers.iter_mut().enumerate() {
            if let Some((row, rec)) = next(r, p)? {
                heap.push(Reverse((row, i)));
                pending[i] = Some(rec);
            }
        }
        while let Some(Reverse((_, i))) = heap.pop() {
            let rec = pending[i].take().expect("a pending record for every heap entry");
            let fields: Vec<&str> = rec.iter().skip(strip_row as usize).collect();
            w.write_record(&fields).map_err(io)?;
            let (r, p) = &mut readers[i];
            if let Some((row, rec)) = next(r, p)? {
                heap.push(Reverse((row, i)));
                pending[i] = Some(rec);
            }
        }
        w.flush().map_err(|e| Error::io(target, e))?;
    }
    f.commit()
}

/// The error of opening `p` while merging `fan_in` files at a time: on too many open
/// files (EMFILE), how many merge needs and the process's limit.
fn open_error(p: &Path, e: std::io::Error, fan_in: usize) -> Error {
    // EMFILE is 24 on Linux, macOS and the BSDs; std gives it no `ErrorKind` of its own.
    const EMFILE: i32 = 24;
    if !cfg!(unix) || e.raw_os_error() != Some(EMFILE) {
        return Error::io(p, e);
    }
    let limit = open_files_limit().map_or_else(|| "lower".to_string(), |n| n.to_string());
    Error::io(
        p,
        std::io::Error::other(format!(
            "{e}: merge reads up to {fan_in} files at once and writes one, beside standard input, output \
             and error, but the limit of open files (ulimit -n) is {limit}: raise it to {} or more",
            fan_in + 8
        )),
    )
}

/// The process's soft limit of open files, where the system says (Linux's
/// /proc/self/limits: `Max open files  1024  4096  files`).
fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..].split_whitespace().next()?.parse().ok()
}

impl Coder<'_> {
    /// An empty tally of this coder's shape.
    pub fn shape_tally(&self) -> Tally {
        Tally::new(self.shape())
    }
}

/// Refuses to write any existing file of `written` (in the folder `out`) whose bytes
/// are one of the `recorded` inputs the parts were coded from (by SHA-256), whatever
/// its path: the path a part records is relative to where it ran. Each file is hashed
/// once, and only if it exists.
fn refuse_replacing_recorded(out: &Path, written: &[PathBuf], recorded: &[&ManifestInput]) -> Result<()> {
    for w in written.iter().filter(|w| w.is_file()) {
        let sha256 = report::manifest::sha256_file(w).map_err(|e| Error::io(w, e))?;
        if let Some(input) = recorded.iter().find(|i| i.sha256 == sha256) {
            let role = input.role.as_str();
            let what = format!(
                "the {} the parts were coded {}",
                role_name(role),
                if role == "responses" { "from" } else { "with" }
            );
            return Err(Error::Usage(format!(
                "--out {} would overwrite {}, which holds {what} ({}): choose another folder",
                out.display(),
                w.display(),
                input.path.display()
            )));
        }
    }
    Ok(())
}

/// Creates the output folder, refusing one that would overwrite an input of the job.
fn guard_output_dir(out: &Path, job: &Job) -> Result<()> {
    if out.exists() && !out.is_dir() {
        return Err(Error::Usage(format!("--out {} is a file, not a folder", out.display())));
    }
    let mut written: Vec<&str> = OUTPUT_NAMES.to_vec();
    written.push("partial.json");
    refuse_overwriting_input("--out", out, &in_folder(out, &written), &job.reads())?;
    create_out_dir(out)
}

/// Creates the output folder `out` (and the folders above it). A symbolic link to
/// nothing on the way (a folder moved, a drive not mounted) failed with "File exists".
fn create_out_dir(out: &Path) -> Result<()> {
    std::fs::create_dir_all(out).map_err(|e| {
        let Some(link) = out.ancestors().find(|p| p.is_symlink() && !p.exists()) else { return Error::io(out, e) };
        let target = std::fs::read_link(link).unwrap_or_default();
        Error::Usage(format!(
            "--out {}: {} is a symbolic link to {}, which does not exist: create that folder, or give --out \
             another path",
            out.display(),
            link.display(),
            target.display()
        ))
    })
}

/// The paths of the files `names` in the folder `out`.
pub fn in_folder(out: &Path, names: &[&str]) -> Vec<PathBuf> {
    names.iter().map(|n| out.join(n)).collect()
}

/// The files a command reads, by role (`responses`, `survey`, `lexicon`): `input` if
/// it is a file, and the spec and lexicon in `config_files` (the demo's, built in, name
/// no file).
pub fn files_read<'a>(input: &'a InputSource, config_files: &'a [ManifestInput]) -> Vec<(&'a str, &'a Path)> {
    let responses = match input {
        InputSource::File(p) => Some(("responses", p.as_path())),
        _ => None,
    };
    responses.into_iter().chain(config_files.iter().map(|c| (c.role.as_str(), c.path.as_path()))).collect()
}

impl Job<'_> {
    /// The files the job reads: [`files_read`] of its input and config files.
    pub fn reads(&self) -> Vec<(&str, &Path)> {
        files_read(&self.input, &self.config_files)
    }
}

/// Refuses to write any of `written` (the files a command would write for the flag
/// `flag`, given `out`) over one of `inputs`, the files it reads by role (a folder, a
/// lexicon of word lists, stands for its `.txt` files): replacing the responses, the
/// spec, the lexicon or the human codes with an output loses them. Paths are compared
/// resolved (`./out/`, `p/../out`, a symbolic link) and as files on disk (a hard
/// link: the same device and inode); a folder not there yet holds nothing to overwrite.
pub fn refuse_overwriting_input(flag: &str, out: &Path, written: &[PathBuf], inputs: &[(&str, &Path)]) -> Result<()> {
    // A file is replaced where its name is in its folder (a rename replaces a link
    // there), and written through where a link points: both are refused.
    let resolved = |p: &Path| -> Vec<PathBuf> {
        let parent = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let at = parent.canonicalize().ok().zip(p.file_name()).map(|(d, n)| d.join(n));
        at.into_iter().chain(p.canonicalize().ok()).collect()
    };
    for &(role, input) in inputs {
        let files = if input.is_dir() {
            crate::lexicon::plain::list_files(input).unwrap_or_default()
        } else {
            vec![input.to_path_buf()]
        };
        for file in files {
            let Ok(read) = file.canonicalize() else { continue };
            if let Some(w) = written.iter().find(|w| resolved(w).contains(&read) || same_file(w, &read)) {
                let role = role_name(role);
                let (single, out, read) = (w == out, out.display(), file.display());
                return Err(Error::Usage(if single {
                    format!("{flag} {out} would overwrite the input {read} (the {role}): choose another file")
                } else {
                    format!(
                        "{flag} {out} would overwrite the input {read} (the {role}) with {}: choose another folder",
                        w.display()
                    )
                }));
            }
        }
    }
    Ok(())
}

/// An input's role (`responses`, `survey`, `lexicon`, ...) in words.
fn role_name(role: &str) -> &str {
    if role == "survey" { "survey spec" } else { role }
}

/// Whether `a` and `b` are one file on disk: on Unix, the same device and inode, so a
/// hard link (another name for the file, which no path resolves to) is caught; elsewhere
/// the canonical paths. A path that is not there is no file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
    }
}

/// Names of the files a run writes.
pub const OUTPUT_NAMES: &[&str] = &[
    "codes.csv",
    "counts.csv",
    "rejects.csv",
    "summary.md",
    "report.html",
    "summary.json",
    "respondents.csv",
    "closed_answers.csv",
    "theme_frequencies.csv",
    "crosstabs.csv",
    "cooccurrence.csv",
    "codeframe.xlsx",
    "codes.parquet",
    "counts.parquet",
    "theme_frequencies.parquet",
    "closed_answers.parquet",
    "manifest.json",
];

/// Codes a whole (small) input in memory and returns every coded row in order,
/// with the merged tally and the rejected rows (what a run writes to rejects.csv).
/// For tools that need the rows (validate, explain, diff).
pub fn code_all(
    survey: &Survey,
    lexicon: &CompiledLexicon,
    input: &InputSource,
    options: &RunOptions,
) -> Result<(Vec<CodedRow>, Tally, Vec<Reject>)> {
    let (rows, rejects, end) = code_in_memory(survey, lexicon, input, options)?;
    Ok((rows, end.tally, rejects))
}

/// [`code_all`] with the input's SHA-256 (in the stream's end) beside the rows.
fn code_in_memory(
    survey: &Survey,
    lexicon: &CompiledLexicon,
    input: &InputSource,
    options: &RunOptions,
) -> Result<(Vec<CodedRow>, Vec<Reject>, StreamEnd)> {
    let mut rows = Vec::new();
    let mut rejects = Vec::new();
    let end = stream(survey, lexicon, input, options, true, |r| {
        rows.extend(std::mem::take(&mut r.rows));
        rejects.extend(std::mem::take(&mut r.rejected));
        Ok(())
    })?;
    Ok((rows, rejects, end))
}

/// What `validate` found and wrote.
#[derive(Debug)]
pub struct Validation {
    /// The agreement figures.
    pub agreement: crate::validate::Agreement,
    /// Files written.
    pub files: Vec<PathBuf>,
    /// What the analyst should know before trusting the figures: gold rows set aside,
    /// which and why (also in `agreement.unusable`, validation.md and gold_unused.csv),
    /// gold themes the lexicon lacks (also in `agreement.unknown_themes` and
    /// validation.md), and gold codes of themes on questions they do not apply to
    /// (also in `agreement.inapplicable_themes` and validation.md), each after the gold
    /// file's name; and the data's rows that repeat an id, after the data's name.
    pub warnings: Vec<String>,
    /// What else shaped the figures, after the gold file's name: gold codes of parent
    /// themes implied by their children's (also in `agreement.implied` and validation.md).
    pub notes: Vec<String>,
}

/// Codes the input, compares with `gold` and writes validation.csv, validation.md
/// and disagreements.csv into `out_dir`, and gold_unused.csv: the gold rows that name
/// no answer of the data. Refuses a gold file none of whose rows can be used, or one
/// naming a lexicon theme in other words (see [`crate::validate::UnknownTheme`]).
pub fn validate(job: &Job, gold: &InputSource, scored: crate::validate::GoldUnits) -> Result<Validation> {
    use std::collections::{BTreeMap, BTreeSet};

    use crate::report::{evidence, validation};
    use crate::validate::{Agreement, Disagreement, GoldCode, Unit};

    let gold_name = gold.name();
    let gold_file = gold_name.display().to_string();
    let mut reads = job.reads();
    if let InputSource::File(p) = gold {
        reads.push(("human codes", p));
    }
    refuse_overwriting_input("--out", &job.out_dir, &in_folder(&job.out_dir, &VALIDATION_NAMES), &reads)?;
    let named_only = scored == crate::validate::GoldUnits::Named;
    let gold_rows = if named_only { crate::input::gold::read_sample(gold)? } else { crate::input::gold::read(gold)? };
    if gold_rows.is_empty() {
        return Err(Error::input(
            crate::error::Location::file(&gold_name),
            "the gold file has a header but no rows: there are no human codes to compare with",
        ));
    }
    let themes: Vec<(&str, &str)> = job.lexicon.themes.iter().map(|t| (t.id.as_str(), t.label.as_str())).collect();
    // Rows with an empty theme (`--gold-units named` only) name answers and code nothing.
    let (mut read_no_theme, mut gold): (Vec<GoldCode>, Vec<GoldCode>) =
        gold_rows.into_iter().partition(|g| g.theme.is_empty());
    let unknown_themes = check_gold_themes(&gold_name, &mut gold, job.lexicon)?;
    let (rows, _, rejects) = code_all(job.survey, job.lexicon, &job.input, &job.options)?;
    let respondents: BTreeSet<String> = rows.iter().map(|r| r.id.clone()).collect();
    crate::validate::spell_ids_as(&mut gold, &respondents);
    crate::validate::spell_ids_as(&mut read_no_theme, &respondents);
    // In file order, for the rows set aside.
    gold.append(&mut read_no_theme);
    gold.sort_by_key(|g| g.line);
    let mut rejected: BTreeMap<String, Reject> = BTreeMap::new();
    for r in rejects {
        if let Some(id) = r.id.clone().filter(|id| !id.is_empty()) {
            rejected.entry(id).or_insert(r);
        }
    }
    let mut units: BTreeSet<Unit> = BTreeSet::new();
    let mut coded: BTreeSet<(Unit, String)> = BTreeSet::new();
    // Per unit, each row's answer (several under --allow-duplicate-ids).
    let mut answers: BTreeMap<Unit, Vec<(&str, Option<&Coding>)>> = BTreeMap::new();
    for row in &rows {
        for (qi, (text, answer)) in row.open.iter().enumerate() {
            if text.trim().is_empty() {
                continue;
            }
            let unit = (row.id.clone(), job.survey.open[qi].id.clone());
            units.insert(unit.clone());
            let coding = match answer {
                OpenAnswer::Coded(c) => {
                    for code in &c.codes {
                        coded.insert((unit.clone(), job.lexicon.themes[code.theme as usize].id.clone()));
                    }
                    Some(c)
                }
                _ => None,
            };
            answers.entry(unit).or_default().push((text.as_str(), coding));
        }
    }
    let questions: Vec<(String, Vec<String>)> = job
        .survey
        .open
        .iter()
        .map(|q| {
            let applies = job.lexicon.themes_for(&q.id);
            let themes =
                job.lexicon.themes.iter().zip(applies).filter(|(_, a)| *a).map(|(t, _)| t.id.clone()).collect();
            (q.id.clone(), themes)
        })
        .collect();
    let open: Vec<String> = job.survey.open.iter().map(|q| q.id.clone()).collect();
    let closed: Vec<String> = job.survey.closed.iter().map(|q| q.id.clone()).collect();
    let mut screened = crate::validate::screen(&gold, &respondents, &rejected, &open, &closed, &units);
    let unusable = (!screened.unusable.is_empty())
        .then(|| crate::validate::explain_unusable(&gold_file, &screened, &respondents, &open));
    if screened.usable.is_empty() {
        return Err(Error::input(crate::error::Location::file(&gold_name), unusable.unwrap_or_default()));
    }
    let named: BTreeSet<Unit> = screened.usable.iter().map(|(u, _)| u.clone()).collect();
    screened.usable.retain(|(_, theme)| !theme.is_empty());
    let scope = crate::validate::Scope { units: scored, named: named.len(), answers: units.len() };
    if named_only {
        units.retain(|u| named.contains(u));
    }
    let inapplicable = crate::validate::inapplicable_themes(&gold, &screened.usable, &questions, &themes);
    // The pipeline codes a parent wherever it codes a child (not under LIWC's rule,
    // where a category counts only its own entries): so does a human's code.
    let ancestors: BTreeMap<String, Vec<String>> = match job.lexicon.match_rule() {
        crate::lexicon::MatchRule::Liwc => BTreeMap::new(),
        _ => job
            .lexicon
            .themes
            .iter()
            .filter(|t| !t.ancestors.is_empty())
            .map(|t| (t.id.clone(), t.ancestors.iter().map(|&a| job.lexicon.themes[a as usize].id.clone()).collect()))
            .collect(),
    };
    let mut usable = screened.usable;
    let implied = crate::validate::roll_up(&mut usable, &ancestors, &questions);
    // Gold codes name a respondent, not a row: the rows of one id are one unit.
    let repeated = (rows.len() > respondents.len()).then(|| {
        format!(
            "{}: {} of the rows repeat a respondent id (--allow-duplicate-ids): each id's rows are scored as one \
             answer per question, with the themes any of them raised",
            job.input.name().display(),
            rows.len() - respondents.len()
        )
    });
    let warnings = unusable
        .into_iter()
        .chain(crate::validate::explain_unknown_themes(&unknown_themes))
        .chain(crate::validate::explain_inapplicable_themes(&inapplicable))
        .map(|w| format!("{gold_file}: {w}"))
        .chain(repeated)
        .collect();
    let notes = crate::validate::explain_implied(&implied)
        .into_iter()
        .chain(scope.explain())
        .map(|n| format!("{gold_file}: {n}"))
        .collect();
    let mut agreement = Agreement::compute(&questions, &units, &coded, &usable);
    agreement.scope = scope;
    agreement.gold_rows = screened.rows;
    agreement.unusable = screened.unusable;
    agreement.rejected = screened.rejected;
    agreement.unknown_themes = unknown_themes;
    agreement.inapplicable_themes = inapplicable;
    agreement.implied = implied;
    let rows_out: Vec<validation::DisagreementRow> = agreement
        .disagreements
        .iter()
        .map(|((r, q), theme, kind)| {
            // The row whose codes hold a false positive, else the unit's first row.
            let rows = answers.get(&(r.clone(), q.clone())).map_or(&[][..], Vec::as_slice);
            let theme_index = job.lexicon.theme_index(theme);
            let raised = |c: &Option<&Coding>| c.is_some_and(|c| c.codes.iter().any(|k| Some(k.theme) == theme_index));
            let chosen = match kind {
                Disagreement::FalsePositive => rows.iter().find(|(_, c)| raised(c)),
                Disagreement::FalseNegative => None,
            };
            let (text, coding) = chosen.or(rows.first()).copied().unwrap_or(("", None));
            let evidence = match (coding, job.lexicon.theme_index(theme)) {
                (Some(c), Some(t)) => {
                    // A code implied by a child's: why the child was not coded.
                    let child = agreement.implied.get(&((r.clone(), q.clone()), theme.clone()));
                    let t = child.and_then(|c| job.lexicon.theme_index(c)).unwrap_or(t);
                    let lines = match kind {
                        Disagreement::FalsePositive => evidence::hits(job.lexicon, text, c, t),
                        Disagreement::FalseNegative => evidence::vetoes(job.lexicon, text, c, t),
                    };
                    let why =
                        if lines.is_empty() { "no entry of the theme matched".to_string() } else { lines.join("; ") };
                    match child {
                        Some(child) => format!("implied by the gold code of its child theme `{child}`: {why}"),
                        None => why,
                    }
                }
                (None, _) => "the answer counts as a non-answer".to_string(),
                (_, None) => "the lexicon has no such theme".to_string(),
            };
            validation::DisagreementRow { respondent: r, question: q, theme, kind: *kind, answer: text, evidence }
        })
        .collect();
    let out = &job.out_dir;
    create_out_dir(out)?;
    let mut files = Vec::new();
    let mut write = |name: &str, f: &dyn Fn(&mut dyn Write) -> std::io::Result<()>| -> Result<()> {
        let path = out.join(name);
        let mut file = AtomicFile::create(&path)?;
        f(file.writer()).map_err(|e| Error::io(&path, e))?;
        file.commit()?;
        files.push(path);
        Ok(())
    };
    let [csv, md, disagreements, unused] = VALIDATION_NAMES;
    write(csv, &|w| validation::write_csv(&agreement, w))?;
    write(md, &|w| validation::write_markdown(&agreement, &job.survey.title, w))?;
    write(disagreements, &|w| validation::write_disagreements(&rows_out, w))?;
    write(unused, &|w| validation::write_unusable(&agreement, &gold_file, w))?;
    Ok(Validation { agreement, files, warnings, notes })
}

/// The themes of `gold` (read from `gold_name`) the lexicon lacks, refusing the gold
/// file if one names a lexicon theme in other words (see
/// [`crate::validate::UnknownTheme`]): what `validate` and `suggest` hold human codes to.
/// A theme written with other code points than the lexicon's id is respelled as it
/// ([`crate::validate::spell_themes_as`]).
pub fn check_gold_themes(
    gold_name: &Path,
    gold: &mut [crate::validate::GoldCode],
    lexicon: &CompiledLexicon,
) -> Result<Vec<crate::validate::UnknownTheme>> {
    let ids: Vec<&str> = lexicon.themes.iter().map(|t| t.id.as_str()).collect();
    crate::validate::spell_themes_as(gold, &ids);
    let themes: Vec<(&str, &str)> = lexicon.themes.iter().map(|t| (t.id.as_str(), t.label.as_str())).collect();
    let unknown = crate::validate::unknown_themes(gold, &themes);
    match crate::validate::misnamed_themes(&unknown) {
        Some((line, message)) => {
            Err(Error::input(crate::error::Location::file(gold_name).at_line(line).at_column("theme"), message))
        }
        None => Ok(unknown),
    }
}

/// Names of the files `validate` writes.
pub const VALIDATION_NAMES: [&str; 4] = ["validation.csv", "validation.md", "disagreements.csv", "gold_unused.csv"];

/// Names of the files `diff` writes.
pub const DIFF_NAMES: [&str; 2] = ["diff.csv", "diff.md"];

/// What `diff` found and wrote.
#[derive(Debug)]
pub struct DiffOutcome {
    /// Codes gained and lost.
    pub changes: Vec<crate::diff::Changed>,
    /// Theme figures before and after.
    pub movements: Vec<crate::diff::Movement>,
    /// Files written.
    pub files: Vec<PathBuf>,
    /// Set when the previous run coded other responses (by the SHA-256 its manifest
    /// records) or that cannot be told: what differs, also at the top of diff.md.
    pub warning: Option<String>,
}

/// Reads a previous run's codes.csv and summary.json from `previous`, codes the input
/// again with the job's (edited) lexicon or data, and writes diff.csv and diff.md.
/// Other responses than the previous run's (edited data) are diffed too, with a warning
/// naming both: its gains and losses are then not only what the lexicon changed.
pub fn diff(job: &Job, previous: &Path) -> Result<DiffOutcome> {
    use std::collections::BTreeMap;

    use crate::diff::{self, CodeKey, Evidence};
    use crate::report::QuestionSummary;

    let previous_files = in_folder(previous, &["codes.csv", "summary.json", "manifest.json"]);
    let reads: Vec<(&str, &Path)> =
        job.reads().into_iter().chain(previous_files.iter().map(|p| ("previous run", p.as_path()))).collect();
    refuse_overwriting_input("--out", &job.out_dir, &in_folder(&job.out_dir, &DIFF_NAMES), &reads)?;
    let codes_path = previous.join("codes.csv");
    let mut before: BTreeMap<CodeKey, Evidence> = BTreeMap::new();
    let mut reader = csv::Reader::from_path(&codes_path).map_err(|e| Error::csv(&codes_path, e))?;
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| {
            Error::input(crate::error::Location::file(&codes_path).at_line(i as u64 + 2), e.to_string())
        })?;
        let get = |k: usize| rec.get(k).unwrap_or("").to_string();
        before.insert((get(0), get(1), get(2)), Evidence { entry: get(4), line: get(5).parse().ok(), matched: get(6) });
    }
    let summary_path = previous.join("summary.json");
    let text = std::fs::read_to_string(&summary_path).map_err(|e| Error::io(&summary_path, e))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::input(crate::error::Location::file(&summary_path), e.to_string()))?;
    let mut old_figures = Vec::new();
    let old_questions: Vec<&str> = json["questions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|q| q["kind"] == "open")
        .filter_map(|q| q["id"].as_str())
        .collect();
    for q in json["questions"].as_array().into_iter().flatten().filter(|q| q["kind"] == "open") {
        for t in q["themes"].as_array().into_iter().flatten() {
            let f = &t["of_respondents"];
            old_figures.push((
                q["id"].as_str().unwrap_or("").to_string(),
                t["id"].as_str().unwrap_or("").to_string(),
                report::Figure::new(f["count"].as_u64().unwrap_or(0), f["base"].as_u64().unwrap_or(0)),
            ));
        }
    }
    let (rows, _, end) = code_in_memory(job.survey, job.lexicon, &job.input, &job.options)?;
    let (tally, warning) = (end.tally, other_responses(previous, &job.input, &end.sha256));
    // Other open questions (another --text-column): every code of a question in only
    // one run shows as gained or lost.
    let questions = job.survey.open_ids();
    let other_questions = (old_questions != questions).then(|| {
        let list = |ids: &[&str]| ids.iter().map(|q| format!("`{q}`")).collect::<Vec<_>>().join(", ");
        format!(
            "the previous run coded the open questions {}, this one codes {}: the codes of a question coded in only one of them are all gained or lost",
            list(&old_questions),
            list(&questions)
        )
    });
    let warning = match (warning, other_questions) {
        (Some(a), Some(b)) => Some(format!("{a}; and {b}")),
        (a, b) => a.or(b),
    };
    let mut after: BTreeMap<CodeKey, Evidence> = BTreeMap::new();
    let mut texts: BTreeMap<(String, String), (&str, Option<&crate::coding::Coding>)> = BTreeMap::new();
    for row in &rows {
        for (qi, (text, answer)) in row.open.iter().enumerate() {
            let q = job.survey.open[qi].id.clone();
            let coding = match answer {
                OpenAnswer::Coded(c) => Some(c),
                _ => None,
            };
            for code in coding.iter().flat_map(|c| &c.codes) {
                let theme = job.lexicon.themes[code.theme as usize].id.clone();
                let h = code.hits[0];
                let e = &job.lexicon.entries[h.entry as usize];
                let matched = text.get(h.span.start..h.span.end).unwrap_or("").to_string();
                after.insert(
                    (row.id.clone(), q.clone(), theme),
                    Evidence { entry: e.text.clone(), line: e.line, matched },
                );
            }
            texts.insert((row.id.clone(), q), (text.as_str(), coding));
        }
    }
    let summary = Summary::new(job.survey, job.lexicon, &tally);
    let mut new_figures = Vec::new();
    for q in &summary.questions {
        if let QuestionSummary::Open(o) = q {
            for t in &o.themes {
                new_figures.push((o.id.clone(), t.id.clone(), t.of_respondents));
            }
        }
    }
    let mut changes = diff::changes(&before, &after);
    for c in changes.iter_mut().filter(|c| c.change == diff::Change::Lost) {
        let (r, q, t) = &c.key;
        let answer = texts.get(&(r.clone(), q.clone())).copied();
        c.reason = diff::why_lost(job.lexicon, t, &c.evidence, answer);
    }
    let movements = diff::movements(&old_figures, &new_figures);
    let out = &job.out_dir;
    create_out_dir(out)?;
    let mut files = Vec::new();
    let answer = |r: &str, q: &str| texts.get(&(r.to_string(), q.to_string())).map_or("", |a| a.0).to_string();
    let respondents: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let present = |r: &str| respondents.contains(r);
    let [diff_csv, diff_md] = DIFF_NAMES;
    for (name, f) in [
        (
            diff_csv,
            &(|w: &mut dyn Write| report::diff::write_csv(&changes, &answer, w))
                as &dyn Fn(&mut dyn Write) -> std::io::Result<()>,
        ),
        (diff_md, &|w: &mut dyn Write| {
            report::diff::write_markdown(&movements, &changes, warning.as_deref(), &present, job.options.rounding, w)
        }),
    ] {
        let path = out.join(name);
        let mut file = AtomicFile::create(&path)?;
        f(file.writer()).map_err(|e| Error::io(&path, e))?;
        file.commit()?;
        files.push(path);
    }
    Ok(DiffOutcome { changes, movements, files, warning })
}

/// Whether the run in `previous` coded other responses than `input` (SHA-256
/// `sha256`), by the responses its manifest.json records: what differs, or why it
/// cannot be told; `None` when they are the same bytes.
fn other_responses(previous: &Path, input: &InputSource, sha256: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Recorded {
        inputs: Vec<ManifestInput>,
    }
    let path = previous.join("manifest.json");
    let unchecked = |why: String| {
        Some(format!(
            "{}: {why}, so whether {} coded these responses is not checked",
            path.display(),
            previous.display()
        ))
    };
    let text = match std::fs::read(&path) {
        Ok(text) => text,
        Err(e) => return unchecked(format!("cannot be read ({e})")),
    };
    let recorded = match serde_json::from_slice::<Recorded>(&text) {
        Ok(r) => r.inputs.into_iter().find(|i| i.role == "responses"),
        Err(e) => return unchecked(format!("not a run's manifest ({e})")),
    };
    let Some(recorded) = recorded else { return unchecked("it records no responses".into()) };
    (recorded.sha256 != sha256).then(|| {
        format!(
            "{} coded other responses: its manifest records {} (SHA-256 {}), this diff codes {} (SHA-256 {}); \
             codes gained and lost include rows added, removed or edited, not only what the lexicon changed",
            previous.display(),
            recorded.path.display(),
            recorded.sha256,
            input.name().display(),
            sha256
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--shard` values: K/N within bounds, or a message stating the real limit.
    #[test]
    fn shard_values_are_parsed_or_refused_with_the_limit() {
        let ok = |s: &str, k: u32, n: u32| assert_eq!(Shard::parse(s).unwrap(), Shard { k, n }, "{s}");
        ok("1/1", 1, 1);
        ok(" 2 / 3 ", 2, 3);
        ok("4294967295/4294967295", u32::MAX, u32::MAX);
        let refused = |s: &str, expected: &str| {
            let err = Shard::parse(s).unwrap_err().to_string();
            assert!(err.contains(expected), "{s}: {err}");
        };
        let form = "--shard must be K/N with 1 <= K <= N <= 4294967295";
        for s in ["", "1", "0/2", "3/2", "a/2", "1/-2", "/2", "1/"] {
            refused(s, form);
        }
        refused("1/1000000000000", "1000000000000 is over the limit of 4294967295 shards");
        refused("1/4294967296", "4294967296 is over the limit of 4294967295 shards");
        refused("99999999999999999999999/2", "is over the limit");
    }

    /// The output-folder guard knows every file a run can write.
    #[test]
    fn output_names_cover_the_parquet_files() {
        for name in report::parquet::FILE_NAMES {
            assert!(OUTPUT_NAMES.contains(&name), "{name}");
        }
    }

    /// codes.csv, counts.csv and rejects.csv held only what the chunk's csv writers had
    /// flushed: each chunk's last rows were cut mid-record (found while benchmarking, issue 5).
    #[test]
    fn per_row_outputs_hold_every_row_of_every_chunk() {
        let survey = crate::demo::survey().unwrap();
        let lexicon = CompiledLexicon::new(&crate::demo::lexicon().unwrap()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let options = RunOptions { threads: 2, chunk_rows: 7, measure: Measure::Counts, ..RunOptions::default() };
        let job = Job {
            survey: &survey,
            lexicon: &lexicon,
            input: crate::demo::responses(),
            out_dir: dir.path().to_path_buf(),
            options: options.clone(),
            config_files: Vec::new(),
        };
        run(&job, &|_| {}).unwrap();
        let (rows, _, _) = code_all(&survey, &lexicon, &crate::demo::responses(), &options).unwrap();
        let codes: usize = rows
            .iter()
            .flat_map(|r| &r.open)
            .map(|(_, a)| match a {
                OpenAnswer::Coded(c) => c.codes.len(),
                _ => 0,
            })
            .sum();
        assert!(codes > 100);
        for (file, fields) in [("codes.csv", codes::CODES_HEADER.len()), ("counts.csv", codes::COUNTS_HEADER.len())] {
            let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
            assert!(text.ends_with('\n'), "{file} ends mid-record");
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let records: Vec<csv::StringRecord> = reader.records().collect::<std::result::Result<_, _>>().unwrap();
            assert!(records.iter().all(|r| r.len() == fields), "{file} has a cut record");
            assert_eq!(records.len(), codes, "{file}");
        }
    }

    fn uncoded(row: u64, len: usize) -> (u64, String, usize, String) {
        (row, format!("r{row}"), (row % 2) as usize, "x".repeat(len))
    }

    /// The rows of the uncoded answers kept, and where the list stopped.
    type Kept = (Vec<u64>, Option<(u64, usize)>);

    /// The uncoded answers kept, whichever way: one pass, chunks merged in order
    /// (with the writer's gate), or shards absorbed in any order.
    fn uncoded_three_ways(lens: &[usize], cuts: &[usize], shards: u64) -> [Kept; 3] {
        let items: Vec<_> = lens.iter().enumerate().map(|(row, &len)| uncoded(row as u64, len)).collect();
        let kept = |e: &Extras| (e.uncoded.iter().map(|u| u.0).collect::<Vec<_>>(), e.uncoded_stop);
        let mut one = Extras::default();
        for item in &items {
            one.keep_uncoded(item.clone());
        }
        let gates = Gates::new(1, 1);
        let mut filled = Filled::new(&gates);
        let mut merged = Extras::default();
        let mut bounds: Vec<usize> = cuts.iter().map(|&c| c.min(items.len())).collect();
        bounds.extend([0, items.len()]);
        bounds.sort_unstable();
        for w in bounds.windows(2) {
            let mut chunk = Extras::default();
            for item in &items[w[0]..w[1]] {
                if Gates::open(&gates.uncoded) {
                    chunk.keep_uncoded(item.clone());
                }
            }
            filled.add(&gates, &chunk);
            merged.merge(chunk);
        }
        let mut sharded = Extras::default();
        for k in (0..shards).rev() {
            let mut part = Extras::default();
            for item in items.iter().filter(|i| i.0 % shards == k) {
                part.keep_uncoded(item.clone());
            }
            sharded.absorb(part);
        }
        sharded.normalise();
        [kept(&one), kept(&merged), kept(&sharded)]
    }

    proptest::proptest! {
        /// The uncoded answers kept are the first ones up to the first that does not
        /// fit under the byte cap, for any split into chunks or shards.
        #[test]
        fn uncoded_answers_stop_at_the_same_answer_however_rows_are_split(
            lens in proptest::collection::vec(proptest::prop_oneof![0..200usize, 1usize << 20..3 << 20], 1..14),
            cuts in proptest::collection::vec(0..14usize, 0..4),
            shards in 1..4u64,
        ) {
            let [one, merged, sharded] = uncoded_three_ways(&lens, &cuts, shards);
            let fit = lens.iter().scan(0, |sum, &l| { *sum += l; Some(*sum) }).take_while(|&s| s <= UNCODED_BYTES).count();
            proptest::prop_assert_eq!(one.0.len(), fit);
            proptest::prop_assert_eq!(&merged, &one);
            proptest::prop_assert_eq!(&sharded, &one);
        }
    }

    #[test]
    fn uncoded_answers_stop_at_the_count_cap_however_rows_are_split() {
        let lens = vec![10; MAX_UNCODED + 50];
        let [one, merged, sharded] = uncoded_three_ways(&lens, &[3, 4_000, 9_990], 3);
        assert_eq!(one.0.len(), MAX_UNCODED);
        assert_eq!(one.1, Some((MAX_UNCODED as u64, MAX_UNCODED % 2)));
        assert_eq!(merged, one);
        assert_eq!(sharded, one);
    }

    /// A hostile answer (a pasted document raising every theme) is kept as an example
    /// only up to EXAMPLE_BYTES, with the marks that fall inside.
    /// The demo's survey and lexicon, and (question, text) of its first answer longer
    /// than `min_len` bytes that raises a theme.
    fn demo_answer_with_a_theme(min_len: usize) -> (Survey, CompiledLexicon, usize, String) {
        let survey = crate::demo::survey().unwrap();
        let lexicon = CompiledLexicon::new(&crate::demo::lexicon().unwrap()).unwrap();
        let (rows, _, _) = code_all(&survey, &lexicon, &crate::demo::responses(), &RunOptions::default()).unwrap();
        let (q, answer) = rows
            .iter()
            .flat_map(|r| r.open.iter().enumerate())
            .find(|(_, (text, a))| text.len() > min_len && matches!(a, OpenAnswer::Coded(c) if !c.codes.is_empty()))
            .map(|(q, (text, _))| (q, text.clone()))
            .unwrap();
        (survey, lexicon, q, answer)
    }

    #[test]
    fn examples_keep_a_bounded_prefix_of_long_answers() {
        // A demo answer that raises a theme, pasted over and over.
        let (survey, lexicon, q, answer) = demo_answer_with_a_theme(40);
        let coder = Coder::new(&survey, &lexicon, Columns::default(), &RunOptions::default());
        let mut scanner = Scanner::new();
        let text = format!("{answer} ").repeat(EXAMPLE_BYTES / answer.len() * 3);
        let (_, examples) = examples_of(&coder, &mut scanner, q, &text, &coder.gates);
        assert!(!examples.is_empty());
        for e in examples {
            assert!(e.cut && e.text.len() <= EXAMPLE_BYTES && text.starts_with(&e.text));
            assert!(!e.spans.is_empty() && e.spans.iter().all(|&(_, end)| end <= e.text.len()));
        }
        // Once the writer has closed a theme's gate, workers copy nothing for it.
        let gated = Coder::new(&survey, &lexicon, Columns::default(), &RunOptions::default());
        for gate in &gated.gates.examples {
            Gates::close(gate);
        }
        assert!(examples_of(&coder, &mut scanner, q, &text, &gated.gates).1.is_empty());
    }

    /// The examples [`Extras::collect`] keeps of `text`, coded (with a theme) as an
    /// answer to question `q`, and its coding.
    fn examples_of(
        coder: &Coder,
        scanner: &mut Scanner,
        q: usize,
        text: &str,
        gates: &Gates,
    ) -> (Coding, Vec<report::Example>) {
        let OpenAnswer::Coded(coding) = coder.code_answer(scanner, q, text, Vetoes::List) else { panic!("coded") };
        assert!(!coding.codes.is_empty());
        let answer = Answer { q, row: 1, id: "r1", text, coding: &coding, themed: true };
        let mut extras = Extras::default();
        extras.collect(scanner, &answer, Campaigns::Off, gates);
        let examples = extras.examples.into_values().flatten().map(|(_, e)| e).collect();
        (coding, examples)
    }

    /// Found by a tester (qa-D d1, mark m3): an answer whose match lay past its first
    /// 8 KiB (a pasted letter) was kept as its first 8 KiB, without the match, so the
    /// report quoted filler and marked nothing. The window now starts a little before
    /// the first mark.
    #[test]
    fn examples_keep_the_window_around_a_far_match() {
        let (survey, lexicon, q, answer) = demo_answer_with_a_theme(0);
        let coder = Coder::new(&survey, &lexicon, Columns::default(), &RunOptions::default());
        let mut scanner = Scanner::new();
        // Filler of no theme (with 'é' so that cuts must find character boundaries).
        let filler = "é zzz ".repeat(EXAMPLE_BYTES / 7 * 2);
        let text = format!("{filler}{answer} {filler}");
        let (coding, examples) = examples_of(&coder, &mut scanner, q, &text, &coder.gates);
        assert!(!examples.is_empty());
        for e in examples {
            assert!(e.cut && e.cut_start && e.text.len() <= EXAMPLE_BYTES, "{}", e.text.len());
            let from = text.find(&e.text).unwrap();
            assert!(from > EXAMPLE_BYTES && e.text.starts_with("zzz "), "{from} {:?}", &e.text[..10]);
            assert!(!e.spans.is_empty());
            let code = coding
                .codes
                .iter()
                .find(|c| e.spans.contains(&(c.hits[0].span.start - from, c.hits[0].span.end - from)));
            assert!(code.is_some(), "the theme's first mark is kept");
        }
    }

    #[test]
    fn example_windows_are_bounded_and_hold_the_first_mark() {
        let check = |text: &str, first: Option<(usize, usize)>, want: (usize, usize)| {
            let (from, to) = example_window(text, first);
            assert_eq!((from, to), want, "{first:?}");
            assert!(text.is_char_boundary(from) && text.is_char_boundary(to) && to - from <= EXAMPLE_BYTES);
        };
        let short = "the cost";
        check(short, Some((4, 8)), (0, 8));
        check(short, None, (0, 8));
        let long = "é".repeat(EXAMPLE_BYTES); // 2 bytes a character
        check(&long, None, (0, EXAMPLE_BYTES));
        check(&long, Some((EXAMPLE_BYTES - 4, EXAMPLE_BYTES)), (0, EXAMPLE_BYTES));
        // A mark past the prefix: the window starts EXAMPLE_LEAD before it (no space to cut at).
        let start = EXAMPLE_BYTES + 100;
        check(&long, Some((start, start + 2)), (start - EXAMPLE_LEAD, start - EXAMPLE_LEAD + EXAMPLE_BYTES));
        // With spaces, after the first one in the lead, which starts inside an 'é'.
        let spaced = "éé ".repeat(EXAMPLE_BYTES);
        let start = 5 * 2500;
        let (from, _) = example_window(&spaced, Some((start, start + 2)));
        assert!(spaced[..from].ends_with(' ') && start - from < EXAMPLE_LEAD, "{from}");
    }

    /// A writer that fails stops the run with its error: the coordinator and the reader
    /// stop too (nothing waits for a permit or a send forever).
    #[test]
    fn a_failing_writer_stops_the_stream_with_its_error() {
        let survey = crate::demo::survey().unwrap();
        let lexicon = CompiledLexicon::new(&crate::demo::lexicon().unwrap()).unwrap();
        for threads in [1, 2, 3] {
            let options = RunOptions { threads, chunk_rows: 3, ..RunOptions::default() };
            let mut written = 0;
            let end = stream(&survey, &lexicon, &crate::demo::responses(), &options, false, |r| {
                assert_eq!(r.index, written, "results come in input order");
                written += 1;
                if written == 4 { Err(Error::Usage("disk full".into())) } else { Ok(()) }
            });
            assert!(matches!(end, Err(Error::Usage(m)) if m == "disk full"), "{threads} threads");
            assert_eq!(written, 4);
        }
    }

    /// Parts' row files merged a few at a time, in passes through temporary files,
    /// give the file one pass over all of them gives (rows interleaved as shards hold
    /// them, some parts empty, rejects with the row second), and leave no temporary
    /// file behind.
    #[test]
    fn row_files_merged_in_passes_equal_one_pass() {
        let dir = tempfile::tempdir().unwrap();
        let parts = 23u64;
        let mut inputs = Vec::new();
        let mut rejects = Vec::new();
        for k in 0..parts {
            let codes: String = (1..=200u64)
                .filter(|r| (r - 1) % parts == k && r % 7 != 0)
                .map(|r| format!("{r},id{r},q,theme{}\n{r},id{r},q,other\n", r % 3))
                .collect();
            let path = dir.path().join(format!("codes{k}.csv"));
            std::fs::write(&path, format!("row,respondent_id,question,theme\n{codes}")).unwrap();
            inputs.push(path);
            let rows: String = (1..=200u64)
                .filter(|r| (r - 1) % parts == k && r % 7 == 0)
                .map(|r| format!("{},{r},x\n", r + 1))
                .collect();
            let path = dir.path().join(format!("rejects{k}.csv"));
            std::fs::write(&path, format!("line,row,reason\n{rows}")).unwrap();
            rejects.push(path);
        }
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        for (inputs, strip_row, name) in [(&inputs, true, "codes"), (&rejects, false, "rejects")] {
            let whole = out.join(format!("{name}-whole.csv"));
            merge_rows_by(inputs, &whole, strip_row, 64).unwrap();
            let whole = std::fs::read_to_string(whole).unwrap();
            let first: Vec<&str> = whole.lines().take(3).collect();
            let expected = if strip_row {
                ["respondent_id,question,theme", "id1,q,theme1", "id1,q,other"]
            } else {
                ["line,row,reason", "8,7,x", "15,14,x"]
            };
            assert_eq!(first, expected, "{name}");
            for fan_in in [2, 3, 5, 22] {
                let path = out.join(format!("{name}-{fan_in}.csv"));
                merge_rows_by(inputs, &path, strip_row, fan_in).unwrap();
                assert_eq!(std::fs::read_to_string(&path).unwrap(), whole, "{name}, {fan_in} at a time");
            }
        }
        let left: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().starts_with('.'))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
