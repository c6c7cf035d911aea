//! End to end (issue 5): CSV in, codes.csv, tallies and every report out, through
//! `pipeline::run`, with 1 and 2 threads and the 600- and 20,000-entry lexicons, on the
//! 2,000-row fixture written to a temporary file. Lexicon loading is not timed (see the
//! `compile` group of the stages bench). Asserts rows, respondents and theme counts.
//!
//! Run: `cargo bench --bench end_to_end`. The 1,000,000-row figures of BENCHMARKS.md
//! come from `benches/measure.sh`, not from here.

mod common;

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use codeframe::input::InputSource;
use codeframe::pipeline::{self, Job, RunOptions};

use common::check;

/// Theme assertions (respondent x question x theme) on the fixture, per lexicon.
const ASSERTIONS: [u64; 2] = [14_200, 61_209];

fn end_to_end(c: &mut Criterion) {
    let f = common::fixture();
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("corpus.csv");
    std::fs::write(&input, &f.csv).expect("writes the corpus");
    let mut g = c.benchmark_group("end-to-end");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(f.csv.len() as u64));
    for (k, lex) in f.lexicons.iter().enumerate() {
        for threads in [1, 2] {
            let id = BenchmarkId::new(format!("lexicon-{}", lex.entries), format!("threads-{threads}"));
            g.bench_function(id, |b| {
                b.iter(|| {
                    let job = Job {
                        survey: &f.survey,
                        lexicon: &lex.compiled,
                        input: InputSource::File(input.clone()),
                        out_dir: dir.path().join("out"),
                        options: RunOptions { threads, ..RunOptions::default() },
                        config_files: Vec::new(),
                    };
                    let outcome = pipeline::run(&job, &|_| {}).expect("the run succeeds");
                    check("rows", outcome.tally.rows_read, common::ROWS);
                    check("respondents", outcome.tally.total.respondents, common::ROWS);
                    let assertions: u64 = outcome.tally.total.open.iter().flat_map(|o| &o.themes).sum();
                    check("theme assertions", assertions, ASSERTIONS[k]);
                })
            });
        }
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    targets = end_to_end
}
criterion_main!(benches);
