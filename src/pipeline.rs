//! The pipeline: wires the stages together and runs them over an input.
//!
//! read (input) -> decode + analyse + match + code (per row, in parallel chunks)
//! -> tally (merged in input order) -> reports. This is the only module that knows
//! about threads (rayon) and progress; every stage it calls is pure.
//!
//! Chunks are formed by the reader independently of the thread count, coded in
//! parallel in batches, and their outputs written in input order, so results are
//! byte-identical for any number of threads. Memory is bounded by the batch size.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::sync_channel;

use rayon::prelude::*;

use crate::coding::{self, Coding};
use crate::error::{Error, Result};
use crate::input::csv::{decode, sha256_hex};
use crate::input::{self, Chunk, Columns, InputSource, RawRow, ReadOptions, Reject};
use crate::lexicon::CompiledLexicon;
use crate::matching::Scanner;
use crate::report::{self, AtomicFile, Rounding, Summary, codes};
use crate::survey::{Classifier, ClosedCell, Survey, TypeCell};
use crate::tally::{RowCounts, Shape, Tally};

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
            chunk_bytes: 256 << 10,
            read: ReadOptions::default(),
            strict: false,
            rounding: Rounding::WHOLE,
            measure: Measure::Presence,
            campaign_min: Some(5),
        }
    }
}

/// A named input whose bytes go into the manifest's hashes.
#[derive(Clone, Debug)]
pub struct ManifestInput {
    /// Role (`survey`, `lexicon`).
    pub role: String,
    /// Path as given (or `<demo>/...`).
    pub path: PathBuf,
    /// SHA-256 of its bytes.
    pub sha256: String,
}

impl ManifestInput {
    /// Hashes `bytes` under `role` and `path`.
    pub fn new(role: &str, path: &Path, bytes: &[u8]) -> ManifestInput {
        ManifestInput { role: role.to_string(), path: path.to_path_buf(), sha256: sha256_hex(bytes) }
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

/// Progress after a batch of chunks.
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
}

/// Codes rows of one survey with one lexicon: the per-row work of the pipeline.
pub struct Coder<'a> {
    survey: &'a Survey,
    lexicon: &'a CompiledLexicon,
    classifier: Classifier,
    applies: Vec<crate::lexicon::compile::Applies>,
    columns: Columns,
    max_cell_bytes: usize,
    measure: Measure,
    campaigns: bool,
}

impl<'a> Coder<'a> {
    /// Prepares coding for rows with the given columns.
    pub fn new(survey: &'a Survey, lexicon: &'a CompiledLexicon, columns: Columns, options: &RunOptions) -> Coder<'a> {
        Coder {
            survey,
            lexicon,
            classifier: Classifier::new(survey, lexicon.analyzer()),
            applies: survey.open.iter().map(|q| lexicon.applies(Some(&q.id))).collect(),
            columns,
            max_cell_bytes: options.read.max_cell_bytes,
            measure: options.measure,
            campaigns: options.campaign_min.is_some(),
        }
    }

    /// The shape of tallies for this survey and lexicon.
    pub fn shape(&self) -> Shape {
        Shape {
            closed_options: self.survey.closed.iter().map(|q| q.options.len()).collect(),
            open: self.survey.open.len(),
            themes: self.lexicon.themes.len(),
            types: self.survey.type_names().len(),
            segments: self.survey.segments.len(),
        }
    }

    /// Codes one open answer of question `q`.
    pub fn code_answer(&self, scanner: &mut Scanner, q: usize, text: &str) -> OpenAnswer {
        if text.trim().is_empty() {
            OpenAnswer::Empty
        } else if self.classifier.is_non_answer(self.lexicon.analyzer(), text) {
            OpenAnswer::NonAnswer
        } else {
            scanner.scan(self.lexicon, text);
            OpenAnswer::Coded(coding::code(self.lexicon, scanner, &self.applies[q]))
        }
    }

    /// Codes a chunk: tally, codes.csv and rejects.csv bytes, and (if `keep`) the rows.
    pub fn code_chunk(&self, scanner: &mut Scanner, chunk: &Chunk, keep: bool) -> ChunkResult {
        let mut out = ChunkResult {
            index: chunk.index,
            tally: Tally::new(self.shape()),
            codes: codes::buffer_writer(),
            counts: codes::buffer_writer(),
            rejects: codes::buffer_writer(),
            rows: Vec::new(),
            extras: Extras::default(),
            rows_read: chunk.rows.len() as u64,
            bytes: chunk.bytes,
        };
        for raw in &chunk.rows {
            match self.code_row(scanner, raw, &mut out, keep) {
                Ok(row) => {
                    let open: Vec<Option<Option<&Coding>>> = row
                        .open
                        .iter()
                        .map(|(_, a)| match a {
                            OpenAnswer::Empty => None,
                            OpenAnswer::NonAnswer => Some(None),
                            OpenAnswer::Coded(c) => Some(Some(c)),
                        })
                        .collect();
                    let segments = self.segments(raw);
                    out.tally.add(&RowCounts {
                        respondent_type: row.respondent_type,
                        closed: row.closed.clone(),
                        open,
                        segments: segments.iter().map(|s| s.as_str()).collect(),
                    });
                    if keep {
                        out.rows.push(row);
                    }
                }
                Err(reject) => {
                    out.tally.add_reject();
                    // Writing to a Vec cannot fail.
                    let _ = codes::write_reject(&mut out.rejects, &reject);
                }
            }
        }
        // The csv writers buffer internally: flush into their Vecs (cannot fail).
        for w in [&mut out.codes, &mut out.counts, &mut out.rejects] {
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
        let resp = decode(raw, &self.columns, self.max_cell_bytes)?;
        let respondent_type = resp.respondent_type.map(|cell| self.classifier.respondent_type(cell));
        let closed = resp.closed.iter().enumerate().map(|(q, cell)| self.classifier.closed(q, cell)).collect();
        let mut open = Vec::with_capacity(resp.open.len());
        for (q, text) in resp.open.iter().enumerate() {
            let answer = self.code_answer(scanner, q, text);
            if let OpenAnswer::Coded(c) = &answer {
                let question = &self.survey.open[q].id;
                // Writing to a Vec cannot fail.
                let _ = codes::write_codes(&mut out.codes, self.lexicon, &resp.id, question, text, c);
                if self.measure == Measure::Counts {
                    let _ = codes::write_counts(&mut out.counts, self.lexicon, &resp.id, question, c);
                }
                out.extras.collect(scanner, q, raw.row, &resp.id, text, c, self.campaigns);
            }
            open.push((if keep_text { text.to_string() } else { String::new() }, answer));
        }
        Ok(CodedRow { id: resp.id.into_owned(), line: resp.line, respondent_type, closed, open })
    }
}

/// Most example answers kept per question and theme.
pub const EXAMPLES_PER_THEME: usize = 3;
/// Most uncoded answers kept (for the workbook's "Uncoded answers" sheet).
pub const MAX_UNCODED: usize = 10_000;
/// Most answers fingerprinted for campaign detection (about 200 bytes each).
pub const MAX_SKETCHES: usize = 250_000;

/// What a run keeps besides counts: a few example answers per theme, the first
/// uncoded answers, and answer fingerprints for campaign detection. All bounded, and
/// taken in input order, so they are the same for any thread count.
#[derive(Clone, Debug, Default)]
pub struct Extras {
    /// Per (open question, theme): the first answers asserting it.
    pub examples: std::collections::BTreeMap<(usize, u32), Vec<report::Example>>,
    /// The first answers that asserted no theme: (respondent, question index, text).
    pub uncoded: Vec<(String, usize, String)>,
    /// Answers uncoded in all, including those past the cap.
    pub uncoded_total: u64,
    /// Fingerprinted answers.
    pub sketches: Vec<crate::campaign::Member>,
    /// Answers long enough to fingerprint, including those past the cap.
    pub sketchable: u64,
}

impl Extras {
    #[allow(clippy::too_many_arguments)]
    fn collect(
        &mut self,
        scanner: &mut Scanner,
        q: usize,
        row: u64,
        id: &str,
        text: &str,
        coding: &Coding,
        campaigns: bool,
    ) {
        for code in coding.codes.iter().filter(|c| c.via.is_none()) {
            let list = self.examples.entry((q, code.theme)).or_default();
            if list.len() < EXAMPLES_PER_THEME {
                list.push(report::Example {
                    respondent: id.to_string(),
                    text: text.to_string(),
                    spans: code.hits.iter().map(|h| (h.span.start, h.span.end)).collect(),
                });
            }
        }
        if coding.codes.is_empty() {
            self.uncoded_total += 1;
            if self.uncoded.len() < MAX_UNCODED {
                self.uncoded.push((id.to_string(), q, text.to_string()));
            }
        }
        if campaigns && coding.words as usize >= crate::campaign::MIN_WORDS {
            self.sketchable += 1;
            if self.sketches.len() < MAX_SKETCHES
                && let Some(sketch) = crate::campaign::Sketch::new(scanner.word_hashes())
            {
                let excerpt: String = text.chars().take(160).collect();
                self.sketches.push(crate::campaign::Member {
                    question: q,
                    row,
                    respondent: id.to_string(),
                    themes: coding.codes.iter().map(|c| c.theme).collect(),
                    excerpt,
                    sketch,
                });
            }
        }
    }

    /// Appends a later chunk's extras, keeping the caps.
    pub fn merge(&mut self, other: Extras) {
        for (k, v) in other.examples {
            let list = self.examples.entry(k).or_default();
            let room = EXAMPLES_PER_THEME.saturating_sub(list.len());
            list.extend(v.into_iter().take(room));
        }
        let room = MAX_UNCODED.saturating_sub(self.uncoded.len());
        self.uncoded.extend(other.uncoded.into_iter().take(room));
        self.uncoded_total += other.uncoded_total;
        let room = MAX_SKETCHES.saturating_sub(self.sketches.len());
        self.sketches.extend(other.sketches.into_iter().take(room));
        self.sketchable += other.sketchable;
    }
}

/// The output of one chunk.
pub struct ChunkResult {
    /// Chunk position.
    pub index: u64,
    /// Its counts.
    pub tally: Tally,
    /// Its codes.csv rows.
    pub codes: csv::Writer<Vec<u8>>,
    /// Its counts.csv rows (counts measure only).
    pub counts: csv::Writer<Vec<u8>>,
    /// Its rejects.csv rows.
    pub rejects: csv::Writer<Vec<u8>>,
    /// Its coded rows, if asked for.
    pub rows: Vec<CodedRow>,
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
}

/// Reads `input` and codes every row, calling `sink` with each chunk's result in
/// input order (its tally is merged for the caller before the call).
pub fn stream(
    survey: &Survey,
    lexicon: &CompiledLexicon,
    input: &InputSource,
    options: &RunOptions,
    keep_rows: bool,
    mut sink: impl FnMut(ChunkResult) -> Result<()>,
) -> Result<StreamEnd> {
    let mut reader = input::open(input, survey, &options.read)?;
    let coder = Coder::new(survey, lexicon, reader.columns().clone(), options);
    let pool = thread_pool(options.threads)?;
    let threads = pool.current_num_threads();
    let batch = threads * 4;
    let scanners: Mutex<Vec<Scanner>> = Mutex::new((0..threads).map(|_| Scanner::new()).collect());
    let (tx, rx) = sync_channel::<Result<Chunk>>(batch * 2);
    let (chunk_rows, chunk_bytes) = (options.chunk_rows, options.chunk_bytes);
    let mut tally = coder.shape_tally();
    let sha256 = std::thread::scope(|scope| -> Result<String> {
        let reader_thread = scope.spawn(move || {
            loop {
                match reader.next_chunk(chunk_rows, chunk_bytes) {
                    Ok(Some(c)) => {
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
            reader.sha256()
        });
        let mut pending: Vec<Chunk> = Vec::with_capacity(batch);
        let mut done = false;
        while !done {
            pending.clear();
            match rx.recv() {
                Ok(c) => pending.push(c?),
                Err(_) => done = true,
            }
            while !done && pending.len() < batch {
                match rx.try_recv() {
                    Ok(c) => pending.push(c?),
                    Err(std::sync::mpsc::TryRecvError::Empty) => {
                        if pending.len() >= threads {
                            break;
                        }
                        match rx.recv() {
                            Ok(c) => pending.push(c?),
                            Err(_) => done = true,
                        }
                    }
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => done = true,
                }
            }
            if pending.is_empty() {
                break;
            }
            let results: Vec<ChunkResult> = pool.install(|| {
                pending
                    .par_iter()
                    .map(|chunk| {
                        let mut scanner =
                            scanners.lock().expect("scanner pool lock is never poisoned").pop().unwrap_or_default();
                        let r = coder.code_chunk(&mut scanner, chunk, keep_rows);
                        scanners.lock().expect("scanner pool lock is never poisoned").push(scanner);
                        r
                    })
                    .collect()
            });
            for r in results {
                tally.merge(&r.tally);
                sink(r)?;
            }
        }
        drop(rx);
        Ok(reader_thread.join().expect("the reader thread does not panic"))
    })?;
    Ok(StreamEnd { sha256, tally })
}

/// Runs a job: codes the input and writes every output file into `out_dir`.
pub fn run(job: &Job, progress: &dyn Fn(Progress)) -> Result<Outcome> {
    let out = &job.out_dir;
    guard_output_dir(out, &job.input)?;
    let mut codes_file = AtomicFile::create(&out.join("codes.csv"))?;
    let mut rejects_file = AtomicFile::create(&out.join("rejects.csv"))?;
    let counts_wanted = job.options.measure == Measure::Counts;
    let mut counts_file = if counts_wanted { Some(AtomicFile::create(&out.join("counts.csv"))?) } else { None };
    let counts_path = out.join("counts.csv");
    let (codes_path, rejects_path) = (out.join("codes.csv"), out.join("rejects.csv"));
    let io = |p: &PathBuf| {
        let p = p.clone();
        move |e: std::io::Error| Error::io(&p, e)
    };
    codes::write_header(codes_file.writer(), &codes::CODES_HEADER).map_err(io(&codes_path))?;
    codes::write_header(rejects_file.writer(), &codes::REJECTS_HEADER).map_err(io(&rejects_path))?;
    if let Some(f) = &mut counts_file {
        codes::write_header(f.writer(), &codes::COUNTS_HEADER).map_err(io(&counts_path))?;
    }
    let (mut rows, mut bytes) = (0u64, 0u64);
    let mut extras = Extras::default();
    let end = stream(job.survey, job.lexicon, &job.input, &job.options, false, |r| {
        extras.merge(r.extras);
        codes_file.writer().write_all(r.codes.get_ref()).map_err(io(&codes_path))?;
        rejects_file.writer().write_all(r.rejects.get_ref()).map_err(io(&rejects_path))?;
        if let Some(f) = &mut counts_file {
            f.writer().write_all(r.counts.get_ref()).map_err(io(&counts_path))?;
        }
        rows += r.rows_read;
        bytes += r.bytes;
        progress(Progress { rows, bytes });
        Ok(())
    })?;
    let (input_sha, tally) = (end.sha256, end.tally);
    codes_file.commit()?;
    rejects_file.commit()?;
    if let Some(f) = counts_file {
        f.commit()?;
    }
    let mut summary = Summary::new(job.survey, job.lexicon, &tally);
    summary.attach(job.survey, job.lexicon, extras, job.options.campaign_min);
    let reports = report::standard_reports(job.options.rounding);
    report::write_reports(out, &summary, &reports)?;
    // The workbook reads codes.csv back (committed above) for its Codes sheet.
    report::xlsx::write(out, &summary, &codes_path, job.options.rounding)?;
    let mut files: Vec<PathBuf> = vec![out.join("codes.csv"), out.join("rejects.csv")];
    if counts_wanted {
        files.push(counts_path.clone());
    }
    files.extend(reports.iter().map(|r| out.join(r.file_name())));
    files.push(out.join(report::xlsx::FILE_NAME));
    let mut inputs = job.config_files.clone();
    inputs.push(ManifestInput { role: "responses".into(), path: job.input.name(), sha256: input_sha });
    report::manifest::write(out, &inputs, &job.options, &summary, &files)?;
    files.push(out.join("manifest.json"));
    if job.options.strict && tally.rows_rejected > 0 {
        return Err(Error::Rejects {
            rejected: tally.rows_rejected,
            report: out.join("rejects.csv").display().to_string(),
        });
    }
    Ok(Outcome { tally, summary, files })
}

impl Coder<'_> {
    /// An empty tally of this coder's shape.
    pub fn shape_tally(&self) -> Tally {
        Tally::new(self.shape())
    }
}

/// Creates the output folder, refusing one that would overwrite the input.
fn guard_output_dir(out: &Path, input: &InputSource) -> Result<()> {
    if out.exists() && !out.is_dir() {
        return Err(Error::Usage(format!("--out {} is a file, not a folder", out.display())));
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    if let InputSource::File(p) = input {
        let (Ok(dir), Ok(file)) = (out.canonicalize(), p.canonicalize()) else { return Ok(()) };
        if file.parent() == Some(dir.as_path()) {
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if OUTPUT_NAMES.contains(&name) {
                return Err(Error::Usage(format!(
                    "--out {} would overwrite the input {}: choose another folder",
                    out.display(),
                    p.display()
                )));
            }
        }
    }
    Ok(())
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
    "manifest.json",
];

/// Codes a whole (small) input in memory and returns every coded row in order,
/// with the merged tally. For tools that need the rows (validate, explain, diff).
pub fn code_all(
    survey: &Survey,
    lexicon: &CompiledLexicon,
    input: &InputSource,
    options: &RunOptions,
) -> Result<(Vec<CodedRow>, Tally, Vec<String>)> {
    let mut rows = Vec::new();
    let mut rejects = Vec::new();
    let end = stream(survey, lexicon, input, options, true, |r| {
        rows.extend(r.rows);
        let text = String::from_utf8_lossy(r.rejects.get_ref()).into_owned();
        rejects.extend(text.lines().map(String::from));
        Ok(())
    })?;
    Ok((rows, end.tally, rejects))
}

/// What `validate` found and wrote.
#[derive(Debug)]
pub struct Validation {
    /// The agreement figures.
    pub agreement: crate::validate::Agreement,
    /// Files written.
    pub files: Vec<PathBuf>,
}

/// Codes the input, compares with `gold` and writes validation.csv, validation.md
/// and disagreements.csv into `out_dir`.
pub fn validate(job: &Job, gold: &InputSource) -> Result<Validation> {
    use std::collections::{BTreeMap, BTreeSet};

    use crate::report::{evidence, validation};
    use crate::validate::{Agreement, Disagreement, Unit};

    let gold = crate::input::gold::read(gold)?;
    let (rows, _, _) = code_all(job.survey, job.lexicon, &job.input, &job.options)?;
    let mut units: BTreeSet<Unit> = BTreeSet::new();
    let mut coded: BTreeSet<(Unit, String)> = BTreeSet::new();
    let mut answers: BTreeMap<Unit, (&str, Option<&Coding>)> = BTreeMap::new();
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
            answers.insert(unit, (text.as_str(), coding));
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
    let agreement = Agreement::compute(&questions, &units, &coded, &gold);
    let rows_out: Vec<validation::DisagreementRow> = agreement
        .disagreements
        .iter()
        .map(|((r, q), theme, kind)| {
            let (text, coding) = answers.get(&(r.clone(), q.clone())).copied().unwrap_or(("", None));
            let evidence = match (coding, job.lexicon.theme_index(theme)) {
                (Some(c), Some(t)) => {
                    let lines = match kind {
                        Disagreement::FalsePositive => evidence::hits(job.lexicon, text, c, t),
                        Disagreement::FalseNegative => evidence::vetoes(job.lexicon, text, c, t),
                    };
                    if lines.is_empty() { "no entry of the theme matched".to_string() } else { lines.join("; ") }
                }
                (None, _) => "the answer counts as a non-answer".to_string(),
                (_, None) => "the lexicon has no such theme".to_string(),
            };
            validation::DisagreementRow { respondent: r, question: q, theme, kind: *kind, answer: text, evidence }
        })
        .collect();
    let out = &job.out_dir;
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let mut files = Vec::new();
    let mut write = |name: &str, f: &dyn Fn(&mut dyn Write) -> std::io::Result<()>| -> Result<()> {
        let path = out.join(name);
        let mut file = AtomicFile::create(&path)?;
        f(file.writer()).map_err(|e| Error::io(&path, e))?;
        file.commit()?;
        files.push(path);
        Ok(())
    };
    write("validation.csv", &|w| validation::write_csv(&agreement, w))?;
    write("validation.md", &|w| validation::write_markdown(&agreement, &job.survey.title, w))?;
    write("disagreements.csv", &|w| validation::write_disagreements(&rows_out, w))?;
    Ok(Validation { agreement, files })
}
