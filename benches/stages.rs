//! One criterion bench per pipeline stage (issue 5): read (the csv crate alone, the
//! record splitter alone, and the reader with its checks and hashing), analyse
//! (tokenise and session), lexicon parse and compile, match (scan), code, tally (add
//! and merge) and report. Each asserts what it computed, so a fast wrong answer
//! fails; the expected counts are those of the generated fixture (benches/common), so
//! a change to the generator or to the analyser shows up here first.
//!
//! Run: `cargo bench --bench stages` (or `-- analyse` for one group).

mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use codeframe::coding::{self, Coding};
use codeframe::input::{ReadOptions, ResponseReader, RowReader};
use codeframe::lexicon::{CompiledLexicon, Lexicon};
use codeframe::matching::Scanner;
use codeframe::pipeline::{self, OpenAnswer, RunOptions};
use codeframe::report::{self, Rounding, Summary, codes};
use codeframe::tally::{RowCounts, Tally};
use codeframe::text::{Analyzer, tokenise};

use common::{Fixture, check};

/// Expected counts on the fixture (2,000 rows, seed 1).
const ROWS: u64 = common::ROWS;
const ANSWERS: u64 = 5_268;
const WORDS: u64 = 186_601;
/// Per lexicon (600, 20,000): patterns, hits (before coding), codes (every theme
/// applying), codes.csv rows (themes applying per question, non-answers left out).
const PATTERNS: [u64; 2] = [666, 17_243];
const HITS: [u64; 2] = [21_084, 92_013];
const CODES: [u64; 2] = [16_456, 74_548];
const CODES_CSV: [u64; 2] = [14_200, 61_209];

fn bench_read(c: &mut Criterion, f: &Fixture) {
    let mut g = c.benchmark_group("read");
    g.throughput(Throughput::Bytes(f.csv.len() as u64));
    let bytes: &'static [u8] = Box::leak(f.csv.clone().into_boxed_slice());
    g.bench_function("csv-crate-ceiling", |b| {
        b.iter(|| {
            let mut r = csv::ReaderBuilder::new().from_reader(black_box(bytes));
            let mut record = csv::ByteRecord::new();
            let mut rows = 0;
            while r.read_byte_record(&mut record).expect("corpus is valid CSV") {
                rows += 1;
            }
            check("rows", rows, ROWS);
        })
    });
    // codeframe's record splitter alone: the csv crate's records, header included.
    g.bench_function("splitter", |b| {
        b.iter(|| {
            let mut s = codeframe::input::split::Splitter::new(black_box(bytes), b',');
            let mut record = csv::ByteRecord::new();
            let mut records = 0;
            while s.next_record(&mut record).expect("reads from memory").is_some() {
                records += 1;
            }
            check("records", records, ROWS + 1);
        })
    });
    g.bench_function("response-reader", |b| {
        b.iter(|| {
            let src = codeframe::input::InputSource::Bytes { name: "corpus.csv".into(), bytes };
            let mut r = ResponseReader::open(&src, &f.survey, &ReadOptions::default()).expect("header matches");
            let mut rows = 0;
            while let Some(chunk) = r.next_chunk(2048, 256 << 10).expect("corpus is valid CSV") {
                rows += chunk.rows.len() as u64;
            }
            check("rows", rows, ROWS);
        })
    });
    g.finish();
}

fn bench_analyse(c: &mut Criterion, f: &Fixture) {
    let mut g = c.benchmark_group("analyse");
    g.throughput(Throughput::Bytes(f.answer_bytes));
    check("answers", f.answers.len() as u64, ANSWERS);
    g.bench_function("tokenise", |b| {
        let mut words = Vec::new();
        b.iter(|| {
            let mut n = 0;
            for a in &f.answers {
                words.clear();
                tokenise::tokenise(black_box(a), &mut words);
                n += words.len() as u64;
            }
            check("words", n, WORDS);
        })
    });
    // The ASCII fast path is taken per answer: one curly apostrophe or `£` sends the
    // whole answer through UAX #29. Both halves, to show the price of that.
    let (ascii, other): (Vec<&String>, Vec<&String>) = f.answers.iter().partition(|a| a.is_ascii());
    let count = |set: &[&String]| {
        let mut words = Vec::new();
        set.iter()
            .map(|a| {
                words.clear();
                tokenise::tokenise(a, &mut words);
                words.len() as u64
            })
            .sum::<u64>()
    };
    let (ascii_words, other_words) = (count(&ascii), count(&other));
    check("words in ASCII and non-ASCII answers", ascii_words + other_words, WORDS);
    for (name, set, n) in
        [("tokenise-ascii-answers", &ascii, ascii_words), ("tokenise-non-ascii-answers", &other, other_words)]
    {
        g.throughput(Throughput::Bytes(set.iter().map(|a| a.len() as u64).sum()));
        g.bench_function(name, |b| b.iter(|| check("words", count(black_box(set)), n)));
    }
    g.throughput(Throughput::Bytes(f.answer_bytes));
    let analyzer = Analyzer::new();
    g.bench_function("session-warm", |b| {
        let mut s = analyzer.session();
        b.iter(|| {
            let n: u64 = f.answers.iter().map(|a| s.analyze(&analyzer, black_box(a)).len() as u64).sum();
            check("tokens", n, WORDS);
        })
    });
    g.bench_function("session-cold", |b| {
        b.iter(|| {
            let mut s = analyzer.session();
            let n: u64 = f.answers.iter().map(|a| s.analyze(&analyzer, black_box(a)).len() as u64).sum();
            check("tokens", n, WORDS);
        })
    });
    g.finish();
}

fn bench_compile(c: &mut Criterion, f: &Fixture) {
    let mut g = c.benchmark_group("compile");
    g.sample_size(10);
    for (k, lex) in f.lexicons.iter().enumerate() {
        g.bench_with_input(BenchmarkId::new("parse", lex.entries), &lex.toml, |b, toml| {
            b.iter(|| {
                let l = Lexicon::from_str_with_path(black_box(toml), Path::new("lexicon.toml")).expect("parses");
                check("themes", l.themes.len() as u64, (lex.entries as f64).sqrt().ceil() as u64);
            })
        });
        let parsed = Lexicon::from_str_with_path(&lex.toml, Path::new("lexicon.toml")).expect("parses");
        g.bench_with_input(BenchmarkId::new("compile", lex.entries), &parsed, |b, parsed| {
            b.iter(|| {
                let c = CompiledLexicon::new(black_box(parsed)).expect("compiles");
                check("patterns", c.pattern_count() as u64, PATTERNS[k]);
            })
        });
    }
    g.finish();
}

fn scan_all(scanner: &mut Scanner, lexicon: &CompiledLexicon, answers: &[String]) -> u64 {
    answers
        .iter()
        .map(|a| {
            scanner.scan(lexicon, black_box(a));
            scanner.hits().len() as u64
        })
        .sum()
}

fn bench_match(c: &mut Criterion, f: &Fixture) {
    let mut g = c.benchmark_group("match");
    g.throughput(Throughput::Bytes(f.answer_bytes));
    for (k, lex) in f.lexicons.iter().enumerate() {
        g.bench_with_input(BenchmarkId::new("scan", lex.entries), &lex.compiled, |b, lexicon| {
            let mut scanner = Scanner::new();
            b.iter(|| check("hits", scan_all(&mut scanner, lexicon, &f.answers), HITS[k]))
        });
    }
    g.finish();
}

fn bench_code(c: &mut Criterion, f: &Fixture) {
    let mut g = c.benchmark_group("code");
    g.throughput(Throughput::Bytes(f.answer_bytes));
    for (k, lex) in f.lexicons.iter().enumerate() {
        let applies = lex.compiled.applies(None);
        // Only coding::code is timed; each answer is scanned untimed first (the two
        // Instant::now calls cost about 50 ns an answer).
        g.bench_with_input(BenchmarkId::new("code", lex.entries), &lex.compiled, |b, lexicon| {
            let mut scanner = Scanner::new();
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let mut n = 0;
                    for a in &f.answers {
                        scanner.scan(lexicon, a);
                        let t = Instant::now();
                        let coding = coding::code(lexicon, black_box(&scanner), &applies);
                        total += t.elapsed();
                        n += coding.codes.len() as u64;
                    }
                    check("codes", n, CODES[k]);
                }
                total
            })
        });
    }
    g.finish();
}

/// The coded rows of the fixture with one lexicon, as the pipeline produces them.
fn coded_rows(f: &Fixture, lexicon: &CompiledLexicon) -> (Vec<pipeline::CodedRow>, Tally) {
    let bytes: &'static [u8] = Box::leak(f.csv.clone().into_boxed_slice());
    let src = codeframe::input::InputSource::Bytes { name: "corpus.csv".into(), bytes };
    let options = RunOptions { threads: 1, ..RunOptions::default() };
    let (rows, tally, _) = pipeline::code_all(&f.survey, lexicon, &src, &options).expect("fixture codes");
    (rows, tally)
}

fn row_counts(row: &pipeline::CodedRow) -> RowCounts<'_> {
    row.counts(Vec::new())
}

fn bench_tally(c: &mut Criterion, f: &Fixture) {
    let mut g = c.benchmark_group("tally");
    for lex in &f.lexicons {
        let (rows, whole) = coded_rows(f, &lex.compiled);
        let counts: Vec<RowCounts> = rows.iter().map(row_counts).collect();
        let shape = whole.shape.clone();
        g.throughput(Throughput::Elements(rows.len() as u64));
        g.bench_with_input(BenchmarkId::new("add", lex.entries), &counts, |b, counts| {
            b.iter(|| {
                let mut t = Tally::new(shape.clone());
                for r in counts {
                    t.add(black_box(r));
                }
                check("respondents", t.total.respondents, whole.total.respondents);
                assert_eq!(t.total, whole.total, "tally of all rows");
            })
        });
        // 64 chunk tallies merged in order, as the pipeline does.
        let parts: Vec<Tally> = counts
            .chunks(counts.len().div_ceil(64))
            .map(|chunk| {
                let mut t = Tally::new(shape.clone());
                chunk.iter().for_each(|r| t.add(r));
                t
            })
            .collect();
        g.throughput(Throughput::Elements(parts.len() as u64));
        g.bench_with_input(BenchmarkId::new("merge", lex.entries), &parts, |b, parts| {
            b.iter(|| {
                let mut t = Tally::new(shape.clone());
                for p in parts {
                    t.merge(black_box(p));
                }
                assert_eq!(t.total, whole.total, "merged tally");
            })
        });
    }
    g.finish();
}

fn bench_report(c: &mut Criterion, f: &Fixture) {
    let mut g = c.benchmark_group("report");
    for (k, lex) in f.lexicons.iter().enumerate() {
        let (rows, tally) = coded_rows(f, &lex.compiled);
        let codings: Vec<(&str, &str, &str, &Coding)> = rows
            .iter()
            .flat_map(|r| {
                r.open.iter().enumerate().filter_map(move |(q, (text, a))| match a {
                    OpenAnswer::Coded(c) => Some((r.id.as_str(), f.survey.open[q].id.as_str(), text.as_str(), c)),
                    _ => None,
                })
            })
            .collect();
        g.bench_with_input(BenchmarkId::new("codes-csv", lex.entries), &codings, |b, codings| {
            b.iter(|| {
                let format = codes::CodesFormat::new(&lex.compiled);
                let mut bytes = Vec::new();
                for (id, q, text, c) in codings {
                    codes::write_codes(&mut bytes, &format, None, id, q, text, c);
                }
                check("codes.csv rows", bytes.iter().filter(|&&b| b == b'\n').count() as u64, CODES_CSV[k]);
            })
        });
        g.bench_with_input(BenchmarkId::new("summary", lex.entries), &tally, |b, tally| {
            let reports = report::standard_reports(Rounding::WHOLE);
            b.iter(|| {
                let summary = Summary::new(&f.survey, &lex.compiled, black_box(tally));
                let mut total = 0;
                for r in &reports {
                    let mut out = Vec::new();
                    r.write(&summary, &mut out).expect("writes to a Vec");
                    total += out.len();
                }
                check("respondents", summary.respondents, ROWS);
                assert!(total > 1000, "reports are written");
            })
        });
    }
    g.finish();
}

fn stages(c: &mut Criterion) {
    let f = common::fixture();
    bench_read(c, &f);
    bench_analyse(c, &f);
    bench_compile(c, &f);
    bench_match(c, &f);
    bench_code(c, &f);
    bench_tally(c, &f);
    bench_report(c, &f);
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = stages
}
criterion_main!(benches);
