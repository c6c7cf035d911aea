//! Properties: results do not depend on thread count, chunk size or shard split, and a
//! bad row changes nothing but itself. Inputs are generated from the demo's answers.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use codeframe::demo;
use codeframe::input::InputSource;
use codeframe::lexicon::CompiledLexicon;
use codeframe::pipeline::{self, Job, RunOptions, Shard};

use crate::harness::Workdir;

/// Every output file of a run, by name.
fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

fn demo_config() -> &'static (codeframe::survey::Survey, CompiledLexicon) {
    static CONFIG: std::sync::OnceLock<(codeframe::survey::Survey, CompiledLexicon)> = std::sync::OnceLock::new();
    CONFIG.get_or_init(|| (demo::survey().unwrap(), CompiledLexicon::new(&demo::lexicon().unwrap()).unwrap()))
}

fn job(input: &Path, out: PathBuf, options: RunOptions) -> Job<'static> {
    let (survey, lexicon) = demo_config();
    Job { survey, lexicon, input: InputSource::File(input.to_path_buf()), out_dir: out, options, config_files: vec![] }
}

fn run(input: &Path, out: PathBuf, options: RunOptions) {
    pipeline::run(&job(input, out, options), &|_| {}).unwrap();
}

/// The demo responses, with rows picked (with repeats: duplicate ids are rejects) by `picks`.
fn responses(picks: &[usize]) -> String {
    let text = std::str::from_utf8(demo::RESPONSES).unwrap();
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = rdr.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for &p in picks {
        w.write_record(&rows[p % rows.len()]).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// Default options, with every optional output (Parquet, when built in) on.
fn options() -> RunOptions {
    RunOptions { parquet: codeframe::report::parquet::AVAILABLE, ..RunOptions::default() }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn outputs_do_not_depend_on_threads_or_chunk_size(
        picks in proptest::collection::vec(0usize..200, 1..60),
        threads in 1usize..4,
        chunk_rows in 1usize..40,
        workbook_codes in 0u32..60,
    ) {
        let dir = Workdir::new();
        let input = dir.write("r.csv", responses(&picks));
        // A cap on the Codes sheet that the codes often pass: the sheet, fed beside the
        // run, stops while the run goes on.
        let options = || RunOptions { workbook_codes, ..options() };
        run(&input, dir.join("a"), RunOptions { threads: 1, ..options() });
        run(&input, dir.join("b"), RunOptions { threads, chunk_rows, chunk_bytes: 1 << 12, ..options() });
        prop_assert_eq!(outputs(&dir.join("a")), outputs(&dir.join("b")));
    }

    #[test]
    fn shards_merged_equal_the_whole(
        picks in proptest::collection::vec(0usize..200, 1..50),
        n in 1u32..5,
        workbook_codes in 0u32..60,
    ) {
        let options = || RunOptions { workbook_codes, ..options() };
        let dir = Workdir::new();
        let input = dir.write("r.csv", responses(&picks));
        run(&input, dir.join("whole"), options());
        let mut parts = Vec::new();
        for k in 1..=n {
            let out = dir.join(&format!("p{k}"));
            run(&input, out.clone(), RunOptions { shard: Some(Shard { k, n }), ..options() });
            parts.push(out);
        }
        parts.reverse();
        pipeline::merge(&job(&input, dir.join("merged"), options()), &parts).unwrap();
        prop_assert_eq!(outputs(&dir.join("whole")), outputs(&dir.join("merged")));
    }
}

#[test]
fn injected_bad_rows_are_exactly_the_rejects_and_change_nothing_else() {
    let dir = Workdir::new();
    let clean = responses(&(0..132).collect::<Vec<_>>());
    dir.write("clean.csv", &clean);
    // inject: a short row, an invalid UTF-8 row, a duplicate id, a row with an empty id
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(clean.as_bytes());
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let records: Vec<csv::ByteRecord> = rdr.byte_records().map(|r| r.unwrap()).collect();
    for (i, rec) in records.iter().enumerate() {
        w.write_byte_record(rec).unwrap();
        match i {
            10 => w.write_record(["BAD-1", "Charity"]).unwrap(),
            40 => {
                let mut bad = rec.clone();
                let mut fields: Vec<Vec<u8>> = bad.iter().map(|f| f.to_vec()).collect();
                fields[0] = b"BAD-2".to_vec();
                fields[6] = b"caf\xe9 \xff".to_vec();
                bad = csv::ByteRecord::from(fields);
                w.write_byte_record(&bad).unwrap();
            }
            70 => w.write_byte_record(&records[5]).unwrap(),
            100 => {
                let mut fields: Vec<Vec<u8>> = rec.iter().map(|f| f.to_vec()).collect();
                fields[0] = b"  ".to_vec();
                w.write_byte_record(&csv::ByteRecord::from(fields)).unwrap();
            }
            _ => {}
        }
    }
    lines.push(w.into_inner().unwrap());
    dir.write("dirty.csv", &lines[0]);
    let mut utf8 = RunOptions::default();
    utf8.read.encoding = Some("utf-8".into());
    run(&dir.join("clean.csv"), dir.join("c"), utf8.clone());
    run(&dir.join("dirty.csv"), dir.join("d"), utf8);
    let rejects = std::fs::read_to_string(dir.join("d/rejects.csv")).unwrap();
    let reasons: Vec<&str> = rejects.lines().skip(1).map(|l| l.rsplit(',').next().unwrap()).collect();
    assert_eq!(rejects.lines().count(), 5, "{rejects}");
    assert!(rejects.contains(",BAD-1,,\"row has 2 fields, the header has 16\""), "{rejects}");
    assert!(rejects.contains(",BAD-2,q3,cell is not valid UTF-8"), "{rejects}");
    assert!(rejects.contains("respondent id already seen on line"), "{rejects}");
    assert!(reasons.contains(&"respondent id is empty"), "{rejects}");
    assert_eq!(
        std::fs::read(dir.join("c/codes.csv")).unwrap(),
        std::fs::read(dir.join("d/codes.csv")).unwrap(),
        "codes of the good rows must equal those of the clean run"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("d/summary.json")).unwrap()).unwrap();
    assert_eq!((summary["rows"]["read"].as_u64(), summary["rows"]["rejected"].as_u64()), (Some(136), Some(4)));
}
