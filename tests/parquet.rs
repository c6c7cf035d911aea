//! `--parquet`: the Parquet copies read back with the parquet crate's own reader and
//! compared with their CSVs row by row; column types; determinism; an empty run;
//! shards merged with `--parquet` equal to a whole run.

/// Without the `parquet` feature the flag is refused, before any coding.
#[cfg(not(feature = "parquet"))]
#[test]
fn without_the_feature_parquet_is_refused() {
    let dir = crate::harness::Workdir::new();
    let err = dir.fails(&["run", "--parquet", "--out", "o", "-q"], 2);
    assert!(err.contains("built without Parquet support"), "{err}");
    assert!(!dir.join("o/codes.csv").exists());
}

#[cfg(feature = "parquet")]
mod with_feature {
    use std::path::Path;

    // `::parquet`: the crate, not this test module.
    use ::parquet::basic::{Compression, LogicalType, Repetition, Type as PhysicalType};
    use ::parquet::file::reader::{FileReader, SerializedFileReader};
    use ::parquet::record::{Field, Row};

    use crate::harness::{Workdir, repo};

    /// A column as the file declares it.
    #[derive(Debug, PartialEq)]
    struct Column {
        name: String,
        physical: PhysicalType,
        string: bool,
        nullable: bool,
    }

    fn reader(path: &Path) -> SerializedFileReader<std::fs::File> {
        let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        SerializedFileReader::new(file).unwrap()
    }

    fn columns(path: &Path) -> Vec<Column> {
        let r = reader(path);
        let schema = r.metadata().file_metadata().schema_descr_ptr();
        schema
            .columns()
            .iter()
            .map(|c| {
                let t = c.self_type();
                let info = t.get_basic_info();
                Column {
                    name: c.name().to_string(),
                    physical: c.physical_type(),
                    string: info.logical_type_ref() == Some(&LogicalType::String),
                    nullable: info.repetition() == Repetition::OPTIONAL,
                }
            })
            .collect()
    }

    /// Every row of `dir/NAME.parquet` equals the row of `dir/NAME.csv`: same column
    /// names, text equal, whole numbers printing as the CSV does, doubles equal to the
    /// CSV's value, nulls where the CSV cell is empty. Returns the row count.
    fn assert_same_as_csv(dir: &Path, name: &str) -> usize {
        let pq = dir.join(format!("{name}.parquet"));
        let mut csv = csv::Reader::from_path(dir.join(format!("{name}.csv"))).unwrap();
        let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
        let names: Vec<String> = columns(&pq).into_iter().map(|c| c.name).collect();
        assert_eq!(names, header, "{name}: columns");
        let records: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
        let r = reader(&pq);
        let rows: Vec<Row> = r.get_row_iter(None).unwrap().map(|row| row.unwrap()).collect();
        assert_eq!(rows.len(), records.len(), "{name}: rows");
        assert_eq!(r.metadata().file_metadata().num_rows() as usize, records.len());
        for (i, (row, record)) in rows.iter().zip(&records).enumerate() {
            for ((column, field), cell) in row.get_column_iter().zip(record) {
                let at = format!("{name} row {} column {column}", i + 1);
                match field {
                    Field::Str(s) => assert_eq!(s, cell, "{at}"),
                    Field::Long(n) => assert_eq!(n.to_string(), cell, "{at}"),
                    Field::Double(x) => assert_eq!(Ok(*x), cell.parse::<f64>(), "{at}"),
                    Field::Null => assert_eq!(cell, "", "{at}"),
                    other => panic!("{at}: unexpected {other:?}"),
                }
            }
        }
        records.len()
    }

    fn demo(dir: &Workdir, out: &str, extra: &[&str]) {
        let mut args = vec!["run", "--parquet", "--measure", "counts", "--out", out, "-q"];
        args.extend(extra);
        dir.ok(&args);
    }

    #[test]
    fn parquet_copies_match_their_csvs_row_for_row() {
        let dir = Workdir::new();
        demo(&dir, "o", &[]);
        let out = dir.join("o");
        let codes = assert_same_as_csv(&out, "codes");
        assert!(codes > 500, "the demo has hundreds of codes, not {codes}");
        assert_eq!(assert_same_as_csv(&out, "counts"), codes, "a counts row per code");
        assert!(assert_same_as_csv(&out, "theme_frequencies") > 20);
        assert!(assert_same_as_csv(&out, "closed_answers") > 20);
        // Some nullable cells are null, so the comparison above met them.
        let rows = |name: &str| -> Vec<Row> {
            reader(&out.join(name)).get_row_iter(None).unwrap().map(|r| r.unwrap()).collect()
        };
        let nulls = |name: &str, col: usize| {
            rows(name).iter().filter(|r| matches!(r.get_column_iter().nth(col), Some((_, Field::Null)))).count()
        };
        assert!(nulls("closed_answers.parquet", 5) > 0, "(nil) rows have no `answered`");
        assert!(nulls("theme_frequencies.parquet", 3) > 0, "top-level themes have no parent");
        let manifest = dir.read("o/manifest.json");
        for f in ["codes.parquet", "counts.parquet", "theme_frequencies.parquet", "closed_answers.parquet"] {
            assert!(manifest.contains(&format!("\"file\": \"{f}\"")), "manifest lists {f}");
        }
    }

    #[test]
    fn columns_are_typed() {
        let dir = Workdir::new();
        demo(&dir, "o", &[]);
        let col = |name: &str, physical, string, nullable| Column { name: name.into(), physical, string, nullable };
        use PhysicalType::{BYTE_ARRAY as TEXT, DOUBLE, INT64};
        assert_eq!(
            columns(&dir.join("o/codes.parquet")),
            [
                col("respondent_id", TEXT, true, false),
                col("question", TEXT, true, false),
                col("theme", TEXT, true, false),
                col("hits", INT64, false, false),
                col("entry", TEXT, true, false),
                col("line", INT64, false, true),
                col("matched", TEXT, true, false),
                col("start", INT64, false, false),
                col("end", INT64, false, false),
                col("spans", TEXT, true, false),
            ]
        );
        let counts = columns(&dir.join("o/counts.parquet"));
        assert_eq!(counts[3], col("count", INT64, false, false));
        assert_eq!(counts[6], col("per_100_words", DOUBLE, false, false));
        let themes = columns(&dir.join("o/theme_frequencies.parquet"));
        assert_eq!(themes[3], col("parent", TEXT, true, true));
        assert_eq!(themes[4], col("count", INT64, false, false));
        assert_eq!(themes[7], col("pct_respondents", DOUBLE, false, true)); // null when nobody answered
        assert_eq!(themes[13], col("ci_low", DOUBLE, false, true));
        let closed = columns(&dir.join("o/closed_answers.parquet"));
        assert_eq!(closed[4], col("pct", DOUBLE, false, true));
        assert_eq!(closed[5], col("answered", INT64, false, true));
    }

    #[test]
    fn parquet_is_the_same_bytes_every_run() {
        let dir = Workdir::new();
        demo(&dir, "a", &["--threads", "1"]);
        demo(&dir, "b", &["--threads", "2"]);
        for f in ["codes.parquet", "counts.parquet", "theme_frequencies.parquet", "closed_answers.parquet"] {
            let a = std::fs::read(dir.join("a").join(f)).unwrap();
            assert!(a.starts_with(b"PAR1") && a.ends_with(b"PAR1"), "{f} is a Parquet file");
            assert!(a == std::fs::read(dir.join("b").join(f)).unwrap(), "{f} differs between runs");
            let r = reader(&dir.join("a").join(f));
            let meta = r.metadata().file_metadata();
            assert!(meta.created_by().is_some_and(|c| c.starts_with("parquet-rs version ")), "{f}");
            assert!(meta.key_value_metadata().is_none(), "{f} carries no key-value metadata");
            for g in r.metadata().row_groups() {
                assert!(g.columns().iter().all(|c| c.compression() == Compression::SNAPPY), "{f}");
            }
        }
        // Without --parquet, or without the counts measure, no such file.
        dir.ok(&["run", "--out", "c", "-q"]);
        assert!(!dir.join("c/codes.parquet").exists());
        dir.ok(&["run", "--parquet", "--out", "d", "-q"]);
        assert!(dir.join("d/codes.parquet").exists() && !dir.join("d/counts.parquet").exists());
    }

    #[test]
    fn a_run_with_no_codes_writes_valid_empty_files() {
        let dir = Workdir::new();
        dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\"cost\"]\n");
        dir.write("r.csv", "id,why\n1,the weather\n2,\n3,n/a\n");
        let args = ["--input", "r.csv", "--id-column", "id", "--text-column", "why", "--lexicon", "lex.toml"];
        let mut run = vec!["run", "--parquet", "--measure", "counts", "--out", "o", "-q"];
        run.extend(args);
        dir.ok(&run);
        for name in ["codes", "counts"] {
            assert_eq!(assert_same_as_csv(&dir.join("o"), name), 0, "{name}");
            let r = reader(&dir.join(&format!("o/{name}.parquet")));
            assert_eq!(r.metadata().num_row_groups(), 0);
        }
        assert_eq!(columns(&dir.join("o/codes.parquet")).len(), 10, "the schema is there");
        assert_eq!(assert_same_as_csv(&dir.join("o"), "theme_frequencies"), 1);
        assert_same_as_csv(&dir.join("o"), "closed_answers");
    }

    /// Shards merged with Parquet on give a whole run's files, byte for byte: whether the
    /// parts asked for Parquet or only the merge did.
    #[test]
    fn merged_shards_with_parquet_equal_a_whole_run() {
        let dir = Workdir::new();
        let survey = repo().join("data/stalking-consultation/survey.toml");
        let survey = survey.to_str().unwrap();
        let run = |extra: &[&str]| {
            let mut args = vec!["run", "--survey", survey, "--measure", "counts", "-q"];
            args.extend(extra);
            dir.ok(&args);
        };
        run(&["--parquet", "--out", "whole"]);
        for k in 1..=3 {
            run(&["--parquet", "--shard", &format!("{k}/3"), "--out", &format!("p{k}")]);
            run(&["--shard", &format!("{k}/3"), "--out", &format!("q{k}")]);
        }
        dir.ok(&["merge", "p3", "p1", "p2", "--survey", survey, "--out", "merged"]);
        dir.ok(&["merge", "q2", "q3", "q1", "--parquet", "--survey", survey, "--out", "merged_flag"]);
        let files = |d: &str| -> Vec<(String, Vec<u8>)> {
            let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join(d))
                .unwrap()
                .map(|e| e.unwrap().path())
                .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
                .collect();
            v.sort();
            v
        };
        let whole = files("whole");
        assert!(whole.iter().filter(|(n, _)| n.ends_with(".parquet")).count() == 4);
        for merged in ["merged", "merged_flag"] {
            let got = files(merged);
            assert_eq!(got.iter().map(|f| &f.0).collect::<Vec<_>>(), whole.iter().map(|f| &f.0).collect::<Vec<_>>());
            for ((name, a), (_, b)) in whole.iter().zip(&got) {
                assert!(a == b, "{merged}/{name} differs from the whole run's");
            }
        }
    }

    #[test]
    fn parquet_and_codes_only_do_not_mix() {
        let dir = Workdir::new();
        let err = dir.fails(&["run", "--parquet", "--codes-only"], 2);
        assert!(err.contains("cannot be used with"), "{err}");
    }
}
