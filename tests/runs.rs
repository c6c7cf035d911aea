//! Runs on small fixtures: outputs, rejects, determinism across thread counts.

use crate::harness::{Workdir, ad_hoc, repo};

const OUTPUTS: [&str; 9] = [
    "codes.csv",
    "rejects.csv",
    "summary.md",
    "report.html",
    "summary.json",
    "respondents.csv",
    "closed_answers.csv",
    "theme_frequencies.csv",
    "manifest.json",
];

#[test]
fn outputs_are_identical_for_any_thread_count() {
    let dir = Workdir::new();
    let survey = repo().join("data/stalking-consultation/survey.toml");
    let survey = survey.to_str().unwrap();
    dir.ok(&["run", "--survey", survey, "--threads", "1", "--out", "one", "-q"]);
    dir.ok(&["run", "--survey", survey, "--threads", "2", "--out", "two", "-q"]);
    dir.ok(&["run", "--survey", survey, "--threads", "3", "--out", "three", "-q"]);
    for f in OUTPUTS {
        let one = dir.read(&format!("one/{f}"));
        assert_eq!(one, dir.read(&format!("two/{f}")), "{f} differs between 1 and 2 threads");
        assert_eq!(one, dir.read(&format!("three/{f}")), "{f} differs between 1 and 3 threads");
    }
    let xlsx = |d: &str| std::fs::read(dir.join(d).join("codeframe.xlsx")).unwrap();
    assert!(xlsx("one") == xlsx("two") && xlsx("one") == xlsx("three"), "codeframe.xlsx differs between thread counts");
}

#[test]
fn every_row_is_coded_or_rejected() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\"cost\"]\n");
    dir.write("r.csv", b"id,why\n1,the cost\n2,too,many\n1,duplicate\n3,caf\xe9 cost\n,no id\n4,fine\n".as_slice());
    // Declared UTF-8, so the Latin-1 byte rejects its row (sniffed, the file would be
    // read as Windows-1252).
    let out = dir.ok(&ad_hoc("r.csv", "why", "lex.toml", "o", &["--encoding", "utf-8"]));
    assert!(out.contains("2 respondents coded (6 rows read, 4 rejected)"), "{out}");
    let rejects = dir.read("o/rejects.csv");
    assert_eq!(
        rejects,
        "line,row,respondent_id,column,reason\n\
         3,2,2,,\"row has 3 fields, the header has 2\"\n\
         4,3,1,id,respondent id already seen on line 2\n\
         5,4,3,why,cell is not valid UTF-8\n\
         6,5,,id,respondent id is empty\n"
    );
    let manifest: serde_json::Value = serde_json::from_str(&dir.read("o/manifest.json")).unwrap();
    assert_eq!(manifest["rows"]["read"], 6);
    assert_eq!(manifest["rows"]["rejected"], 4);
    dir.fails(&ad_hoc("r.csv", "why", "lex.toml", "s", &["--encoding", "utf-8", "--strict"]), 1);
}

#[test]
fn codes_carry_entry_text_and_span() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\"legal aid\", \"expens*\"]\n");
    dir.write("r.csv", "id,why\nr1,\"No legal aid, and it was EXPENSIVE\"\nr2,not expensive\n");
    dir.ok(&ad_hoc("r.csv", "why", "lex.toml", "o", &[]));
    assert_eq!(
        dir.read("o/codes.csv"),
        "respondent_id,question,theme,hits,entry,line,matched,start,end,spans\n\
         r1,why,cost,1,expens*,3,EXPENSIVE,25,34,25-34\n"
    );
}

#[test]
fn counts_measure_writes_counts_csv() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"money\"\nnegation = false\nterms = [\"legal aid\", \"cost*\"]\n");
    dir.write("r.csv", "id,why\nr1,legal aid costs and costs\n");
    dir.ok(&ad_hoc("r.csv", "why", "lex.toml", "o", &["--measure", "counts"]));
    assert_eq!(
        dir.read("o/counts.csv"),
        "id,question,category,count,matches,words,per_100_words\nr1,why,money,4,3,5,80.0000\n"
    );
}

/// A run into a folder holding an earlier run's outputs leaves only its own: the
/// counts.csv of a `--measure counts` run stayed beside the next run's codes.csv, and
/// a full run's reports beside a shard's partial run. Other files are left alone.
#[test]
fn a_rerun_removes_what_the_earlier_run_wrote_and_it_does_not() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"money\"\nterms = [\"cost*\"]\n");
    dir.write("r.csv", "id,why\nr1,the costs\nr2,fine\n");
    dir.ok(&ad_hoc("r.csv", "why", "lex.toml", "o", &["--measure", "counts"]));
    dir.write("o/notes.txt", "mine");
    let out = dir.run(&ad_hoc("r.csv", "why", "lex.toml", "o", &[]));
    assert!(out.status.success());
    assert!(!dir.join("o/counts.csv").exists() && dir.join("o/summary.md").exists());
    assert!(String::from_utf8_lossy(&out.stderr).contains("removed counts.csv of an earlier run in o"));
    dir.ok(&ad_hoc("r.csv", "why", "lex.toml", "o", &["--shard", "1/1"]));
    assert!(dir.join("o/partial.json").exists() && !dir.join("o/summary.md").exists());
    assert!(!dir.join("o/manifest.json").exists());
    dir.ok(&ad_hoc("r.csv", "why", "lex.toml", "o", &[]));
    assert!(!dir.join("o/partial.json").exists() && dir.join("o/manifest.json").exists());
    assert_eq!(dir.read("o/notes.txt"), "mine");
}

/// A rerun that failed while writing (a full disk, Ctrl-C) left the earlier run's
/// manifest.json vouching for a mix of both runs' files, and an interrupted run's
/// temporary files stayed for good (adversarial testing).
#[test]
fn a_rerun_that_fails_while_writing_leaves_no_manifest_and_temps_are_cleared() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"money\"\nterms = [\"cost*\"]\n");
    dir.write("r.csv", "id,why\nr1,the costs\nr2,fine\n");
    dir.ok(&ad_hoc("r.csv", "why", "lex.toml", "o", &["--measure", "counts"]));
    // report.html cannot be replaced: the rerun fails after writing codes.csv.
    std::fs::remove_file(dir.join("o/report.html")).unwrap();
    std::fs::create_dir_all(dir.join("o/report.html/x")).unwrap();
    dir.write("r.csv", "id,why\nr1,the costs\nr2,fine\nr3,costly\n");
    let out = dir.run(&ad_hoc("r.csv", "why", "lex.toml", "o", &[]));
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.read("o/codes.csv").contains("r3"));
    assert!(!dir.join("o/manifest.json").exists(), "the earlier manifest vouches for the new codes.csv");
    std::fs::remove_dir_all(dir.join("o/report.html")).unwrap();
    // Temporary files of a process that no longer runs go; others' and other names stay.
    for name in [".codes.csv.999999999.tmp", ".report.html.1.tmp", ".notes.txt.999999999.tmp"] {
        dir.write(&format!("o/{name}"), "x");
    }
    // So do the folders of rows a killed merge of many parts leaves (a tester found
    // them kept for good: a copy of every code).
    dir.write("o/.codeframe-merge.999999999.AbC12/0-0.csv", "row,respondent_id\n");
    dir.write("o/.codeframe-merge.1.XyZ34/0-0.csv", "row,respondent_id\n");
    dir.ok(&ad_hoc("r.csv", "why", "lex.toml", "o", &[]));
    let mut names: Vec<String> = std::fs::read_dir(dir.join("o"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    names.sort();
    assert_eq!(names, [".codeframe-merge.1.XyZ34", ".notes.txt.999999999.tmp", ".report.html.1.tmp"]);
    assert!(dir.join("o/manifest.json").exists());
    // Found by a tester (qa-batch): with no manifest left to say the folder held a
    // run, the first run's counts.csv stayed beside the next run's outputs, for a job
    // globbing the folder to read. codeframe's codes.csv header says it now.
    assert!(!dir.join("o/counts.csv").exists(), "the earlier run's counts.csv is left");
}

#[test]
fn campaigns_are_detected_and_collapsed() {
    let dir = Workdir::new();
    dir.write(
        "lex.toml",
        "[[theme]]\nid = \"police\"\nterms = [\"police\"]\n[[theme]]\nid = \"courts\"\nterms = [\"court*\"]\n",
    );
    let template = "We the undersigned believe the police must act on the first report of stalking and stop \
                    perpetrators early before the behaviour escalates any further";
    let mut csv = String::from("id,why\n");
    for i in 0..6 {
        let text = if i == 5 { format!("{template}. Also the courts are slow.") } else { template.to_string() };
        csv.push_str(&format!("r{i},\"{text}\"\n"));
    }
    csv.push_str("r9,the courts were slow and the police did nothing about it at all for many months on end\n");
    dir.write("r.csv", csv);
    let args = ["run", "--input", "r.csv", "--id-column", "id", "--text-column", "why", "--lexicon", "lex.toml"];
    dir.ok(&[&args[..], &["--out", "o", "-q"]].concat());
    let summary: serde_json::Value = serde_json::from_str(&dir.read("o/summary.json")).unwrap();
    let c = &summary["campaigns"][0];
    assert_eq!((c["size"].as_u64(), c["identical"].as_u64()), (Some(6), Some(5)));
    let collapsed = &summary["collapsed"];
    // police: 7 respondents as counted; collapsed, the campaign counts once: 2 of 2
    let police = collapsed.as_array().unwrap().iter().find(|x| x["theme"] == "police").unwrap();
    assert_eq!((police["counted"]["count"].as_u64(), police["counted"]["base"].as_u64()), (Some(7), Some(7)));
    assert_eq!((police["collapsed"]["count"].as_u64(), police["collapsed"]["base"].as_u64()), (Some(2), Some(2)));
    // courts: r5 (in the campaign, not its first member) and r9: collapsed, only r9
    let courts = collapsed.as_array().unwrap().iter().find(|x| x["theme"] == "courts").unwrap();
    assert_eq!(courts["collapsed"]["count"].as_u64(), Some(1));
    assert!(dir.read("o/summary.md").contains("## Campaign responses"));
    dir.ok(&[&args[..], &["--out", "p", "-q", "--no-campaigns"]].concat());
    assert!(!dir.read("p/summary.md").contains("## Campaign responses"));
}

#[test]
fn uncoded_answers_are_those_of_questions_with_themes_and_one_respondent_is_singular() {
    use codeframe::input::InputSource;
    use codeframe::lexicon::{CompiledLexicon, Lexicon};
    use codeframe::pipeline::{self, Job, RunOptions};
    use codeframe::survey::Survey;
    use std::path::Path;

    let dir = Workdir::new();
    let survey = Survey::from_str_with_path(
        "id_column = \"id\"\n[[open]]\nid = \"why\"\n[[open]]\nid = \"other\"\n",
        Path::new("s.toml"),
    )
    .unwrap();
    let lexicon = Lexicon::from_str_with_path(
        "[[theme]]\nid = \"police\"\nquestions = [\"why\"]\nterms = [\"police\"]\n",
        Path::new("l.toml"),
    )
    .unwrap();
    let lexicon = CompiledLexicon::new(&lexicon).unwrap();
    let input = dir.write("r.csv", "id,why,other\nr1,the police,anything at all\nr2,nothing to say here,more words\n");
    let job = Job {
        survey: &survey,
        lexicon: &lexicon,
        input: InputSource::File(input),
        out_dir: dir.join("o"),
        options: RunOptions::default(),
        config_files: vec![],
    };
    let outcome = pipeline::run(&job, &|_| {}).unwrap();
    // r2's answer to `why` is missed by the lexicon; no theme applies to `other`.
    let uncoded: Vec<(&str, &str)> =
        outcome.summary.uncoded.iter().map(|(id, q, _)| (id.as_str(), q.as_str())).collect();
    assert_eq!(uncoded, [("r2", "why")]);
    assert_eq!(outcome.summary.uncoded_total, 1);
    let md = dir.read("o/summary.md");
    assert!(md.contains("The most frequent theme was **police**: 1 respondent, 50%"), "{md}");
}

/// The manifest's digest of every output is the file's SHA-256, whether the run hashed
/// it while writing it (codes.csv, rejects.csv) or read it back (the reports).
#[test]
fn manifest_digests_match_the_files() {
    let dir = Workdir::new();
    let survey = repo().join("data/stalking-consultation/survey.toml");
    dir.ok(&["run", "--survey", survey.to_str().unwrap(), "--measure", "counts", "--out", "o", "-q"]);
    let manifest: serde_json::Value = serde_json::from_str(&dir.read("o/manifest.json")).unwrap();
    let outputs = manifest["outputs"].as_array().unwrap();
    assert!(outputs.len() >= 10, "{outputs:?}");
    for o in outputs {
        let file = o["file"].as_str().unwrap();
        let bytes = std::fs::read(dir.join("o").join(file)).unwrap();
        assert_eq!(o["sha256"].as_str().unwrap(), codeframe::input::csv::sha256_hex(&bytes), "{file}");
    }
}

/// `codeframe merge PARTS` alone reads the spec and lexicon the parts record (each
/// part's hashes still checked), and needs no responses: a cluster's shards read
/// standard input, and their spec names none.
#[test]
fn merge_finds_the_spec_and_lexicon_the_parts_record() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\"cost\", \"legal aid\"]\n");
    dir.write("survey.toml", "id_column = \"id\"\nlexicon = \"lex.toml\"\n[[open]]\nid = \"why\"\n");
    let rows: String = (1..=40).map(|i| format!("{i},{}\n", ["the cost", "legal aid", "none"][i % 3])).collect();
    dir.write("r.csv", format!("id,why\n{rows}"));
    dir.ok(&["run", "--survey", "survey.toml", "--input", "r.csv", "--out", "whole", "-q"]);
    for k in 1..=3 {
        let shard = format!("{k}/3");
        dir.ok(&[
            "run",
            "--survey",
            "survey.toml",
            "--input",
            "r.csv",
            "--shard",
            &shard,
            "--out",
            &format!("p{k}"),
            "-q",
        ]);
    }
    dir.ok(&["merge", "p1", "p2", "p3", "--out", "merged"]);
    for f in OUTPUTS {
        assert_eq!(dir.read(&format!("whole/{f}")), dir.read(&format!("merged/{f}")), "{f}");
    }
    // Named, they are checked: another lexicon is refused, naming the recorded one.
    dir.write("other.toml", "[[theme]]\nid = \"cost\"\nterms = [\"costs\"]\n");
    let err = dir.fails(&["merge", "p1", "p2", "p3", "--survey", "survey.toml", "--lexicon", "other.toml"], 2);
    assert!(
        err.contains("other.toml is not the one the parts were coded with: they were coded with lex.toml"),
        "{err}"
    );
    // A recorded file that is not there (relative to where merge runs) is named.
    std::fs::rename(dir.join("lex.toml"), dir.join("moved.toml")).unwrap();
    let err = dir.fails(&["merge", "p1", "p2", "p3", "--out", "m2"], 2);
    assert!(
        err.contains("p1 was coded with the lexicon lex.toml, which is not there from here: give it with --lexicon"),
        "{err}"
    );
    dir.ok(&["merge", "p1", "p2", "p3", "--survey", "survey.toml", "--lexicon", "moved.toml", "--out", "m2"]);
    // A run without a spec needs its columns again.
    dir.ok(&[
        "run",
        "--input",
        "r.csv",
        "--text-column",
        "why",
        "--lexicon",
        "moved.toml",
        "--partial",
        "--out",
        "adhoc",
        "-q",
    ]);
    // It records them: merge alone takes them, and refuses others.
    dir.ok(&["merge", "adhoc", "--out", "m3"]);
    dir.ok(&["merge", "adhoc", "--text-column", "why", "--lexicon", "moved.toml", "--out", "m4"]);
    assert_eq!(dir.read("m3/codes.csv"), dir.read("m4/codes.csv"));
    let err = dir.fails(&["merge", "adhoc", "--text-column", "id", "--out", "m5"], 2);
    assert!(
        err.contains(r#"the parts were coded with --text-column "why", but merge was given --text-column "id""#),
        "{err}"
    );
}

/// A part coded without a spec records its id and text columns, and merge holds any
/// columns it is given to them: swapped, fewer or more columns would put one column's
/// counts under another's name, or index past the counts (a panic before).
#[test]
fn merge_holds_columns_given_without_a_spec_to_the_parts() {
    let dir = Workdir::new();
    dir.write(
        "lex.toml",
        "[[theme]]\nid = \"court\"\nterms = [\"court\", \"fee*\"]\n[[theme]]\nid = \"police\"\nterms = [\"police\"]\n",
    );
    dir.write("r.csv", "id,a,b,c\n1,court fees,police,x\n2,court,,x\n3,police,police,x\n4,,court,x\n");
    let columns = ["--id-column", "id", "--text-column", "a", "--text-column", "b", "--lexicon", "lex.toml"];
    dir.ok(&[&["run", "--input", "r.csv", "--out", "whole", "-q"][..], &columns].concat());
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let out = format!("p{k}");
        dir.ok(&[&["run", "--input", "r.csv", "--shard", &shard, "--out", &out, "-q"][..], &columns].concat());
    }
    dir.ok(&["merge", "p1", "p2", "--out", "merged"]);
    dir.ok(&[&["merge", "p1", "p2", "--out", "named"][..], &columns].concat());
    for f in OUTPUTS {
        assert_eq!(dir.read(&format!("whole/{f}")), dir.read(&format!("merged/{f}")), "{f}");
        assert_eq!(dir.read(&format!("whole/{f}")), dir.read(&format!("named/{f}")), "{f}");
    }
    let recorded =
        r#"the parts were coded with --id-column "id" --text-column "a" --text-column "b", but merge was given"#;
    for given in [&["b", "a"][..], &["a"], &["a", "b", "c"], &["a", "c"]] {
        let mut args = vec!["merge", "p1", "p2", "--out", "wrong", "--id-column", "id", "--lexicon", "lex.toml"];
        for c in given {
            args.extend(["--text-column", c]);
        }
        let err = dir.fails(&args, 2);
        assert!(err.contains(recorded), "{given:?}: {err}");
        assert!(!dir.join("wrong").exists(), "{given:?}: nothing is written");
    }
    // A spec where the parts had columns, or the other way round, is refused too.
    dir.write("survey.toml", "id_column = \"id\"\n[[open]]\nid = \"a\"\n[[open]]\nid = \"b\"\n");
    let err = dir.fails(&["merge", "p1", "p2", "--survey", "survey.toml", "--out", "wrong"], 2);
    assert!(
        err.contains("survey.toml is not the one the parts were coded with: they were coded without a survey file"),
        "{err}"
    );
}

/// A partial.json edited by hand (or by anything else) is checked before it is merged:
/// counts that do not add up, a theme pair past the lexicon's themes, a fingerprint
/// codeframe cannot make, an example marking text it does not hold, or bytes that
/// are not UTF-8 are refused with exit 2, naming the file; nothing panics.
#[test]
fn merge_refuses_a_partial_json_whose_counts_do_not_hold() {
    let dir = Workdir::new();
    dir.write(
        "lex.toml",
        "[[theme]]\nid = \"court\"\nterms = [\"court\", \"fee*\"]\n[[theme]]\nid = \"police\"\nterms = [\"police\"]\n",
    );
    let rows: String = (1..=60)
        .map(|i| {
            format!(
                "{i},{}\n",
                [
                    "court fees and the police came",
                    "the police were slow and it cost a lot of money to get to court",
                    "",
                    "the court was slow and it cost a lot of money to go there"
                ][i % 4]
            )
        })
        .collect();
    dir.write("r.csv", format!("id,a\n{rows}"));
    let columns = ["--id-column", "id", "--text-column", "a", "--lexicon", "lex.toml"];
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let out = format!("p{k}");
        dir.ok(&[&["run", "--input", "r.csv", "--shard", &shard, "--out", &out, "-q"][..], &columns].concat());
    }
    dir.ok(&["merge", "p1", "p2", "--out", "m"]);
    // Shard 1 holds the odd rows: the long answers, with examples and fingerprints.
    let good: serde_json::Value = serde_json::from_str(&dir.read("p1/partial.json")).unwrap();
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit); 8] = [
        ("rows read are not", |p| p["tally"]["rows_read"] = u64::MAX.into()),
        ("rows read are not", |p| p["tally"]["total"]["respondents"] = 1.into()),
        ("pairs themes 0 and 99", |p| p["tally"]["total"]["open"][0]["pairs"] = serde_json::json!([[0, 99, 1]])),
        ("does not count 2 themes", |p| p["tally"]["total"]["open"][0]["themes"] = serde_json::json!([1])),
        ("more answers than respondents", |p| p["tally"]["total"]["open"][0]["answered"] = 1000.into()),
        ("not one codeframe makes", |p| p["extras"]["sketches"][0]["sketch"]["len"] = 200.into()),
        ("marks text it does not hold", |p| {
            p["extras"]["examples"][0][1][0][1]["spans"] = serde_json::json!([[0, 100000]])
        }),
        ("open question 7 does not exist", |p| p["extras"]["uncoded"] = serde_json::json!([[2, "2", 7, "x"]])),
    ];
    for (expected, edit) in &edits {
        let mut part = good.clone();
        edit(&mut part);
        dir.write("p1/partial.json", crate::harness::sealed_partial(&part));
        let err = dir.fails(&["merge", "p1", "p2", "--out", "wrong"], 2);
        assert!(err.contains("p1/partial.json") && err.contains(expected), "{expected}: {err}");
    }
    std::fs::write(dir.join("p1/partial.json"), [&crate::harness::sealed_partial(&good)[..], b"\xff"].concat())
        .unwrap();
    let err = dir.fails(&["merge", "p1", "p2", "--out", "wrong"], 2);
    assert!(err.contains("p1/partial.json") && err.contains("not a partial run"), "{err}");
    // Merging into one of the parts would overwrite what it reads.
    dir.write("p1/partial.json", crate::harness::sealed_partial(&good));
    let err = dir.fails(&["merge", "p1", "p2", "--out", "p1"], 2);
    assert!(err.contains("--out p1 is the part p1"), "{err}");
}

/// The files in `dir`, by name, with their bytes.
fn files(dir: &Workdir, folder: &str) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join(folder))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    all.sort();
    all
}

/// A LIWC dictionary whose one term is a word (`cost`) or, as a stem, matches `costs`;
/// `hurt` is listed under two categories (both with `union`, the last with `last-line`).
const DIC: &str = "%\n1\tmoney\n2\tharm\n%\ncost\t1\nhurt\t1\nhurt\t2\n";

/// Shards read with other `--dictionary-terms` or `--dictionary-duplicates` merged
/// silently (money in 2 of 4 answers, where a whole run gives 0 or 4): partial.json did
/// not record them. They are refused like any other option, naming it and both values.
#[test]
fn merge_refuses_parts_read_with_other_dictionary_options() {
    let dir = Workdir::new();
    dir.write("d.dic", DIC);
    dir.write("r.csv", "id,t\n1,the costs\n2,it hurt\n3,the costs\n4,it hurt\n");
    let shard = |k: u32, out: &str, extra: &[&str]| {
        let shard = format!("{k}/2");
        dir.ok(&ad_hoc("r.csv", "t", "d.dic", out, &[&["--shard", &shard, "-q"][..], extra].concat()));
    };
    shard(1, "p1", &[]);
    shard(2, "stems", &["--dictionary-terms", "stems"]);
    shard(2, "last", &["--dictionary-duplicates", "last-line"]);
    let err = dir.fails(&["merge", "p1", "stems", "--out", "m"], 2);
    assert!(
        err.contains("p1 and stems differ in their options (--dictionary-terms is words in p1, stems in stems)"),
        "{err}"
    );
    let err = dir.fails(&["merge", "p1", "last", "--out", "m"], 2);
    assert!(
        err.contains("p1 and last differ in their options (--dictionary-duplicates is union in p1, last-line in last)"),
        "{err}"
    );
    assert!(!dir.join("m").exists(), "nothing is written");
    // Other options are named the same way.
    shard(2, "strict", &["--strict"]);
    let err = dir.fails(&["merge", "p1", "strict", "--out", "m"], 2);
    assert!(err.contains("differ in their options (--strict is off in p1, on in strict)"), "{err}");
}

/// Found by a tester (qa-batch): a file is sniffed for its encoding as far as it
/// takes, a pipe on its first 64 KiB, so shards of one Windows-1252 file whose accents
/// come late, one reading the file and one the same bytes from a pipe, decoded it
/// differently (half of the accented rows rejected) and merged without a word into a
/// result no whole run gives. The manifest and partial.json now record the encoding,
/// and merge refuses parts that disagree.
#[test]
fn merge_refuses_shards_that_read_one_file_in_two_encodings() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\"cost\"]\n");
    let mut bytes = b"id,t\n".to_vec();
    for i in 0..3000 {
        bytes.extend(format!("{i},the cost was too high for us all\n").as_bytes());
    }
    for i in 3000..3030 {
        bytes.extend(format!("{i},caf").as_bytes());
        bytes.extend(b"\xe9 cost\n");
    }
    assert!(bytes.len() > 70_000, "the accents come after the first 64 KiB");
    dir.write("r.csv", &bytes);
    dir.ok(&ad_hoc("r.csv", "t", "lex.toml", "p1", &["--shard", "1/2", "-q"]));
    let piped = ad_hoc("-", "t", "lex.toml", "p2", &["--shard", "2/2", "-q"]);
    let out = dir.run_with_stdin(&piped, &bytes);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let encoding = |part: &str| {
        let v: serde_json::Value = serde_json::from_str(&dir.read(&format!("{part}/partial.json"))).unwrap();
        let inputs = v["inputs"].as_array().unwrap().clone();
        inputs.into_iter().find(|i| i["role"] == "responses").unwrap()["encoding"].clone()
    };
    assert_eq!((encoding("p1"), encoding("p2")), ("windows-1252".into(), "UTF-8".into()));
    let err = dir.fails(&["merge", "p1", "p2", "--out", "m"], 2);
    assert!(
        err.contains(
            "p1 and p2 differ in the encoding their responses were read in (windows-1252 in p1; UTF-8 in p2): \
             give every shard --encoding"
        ),
        "{err}"
    );
    // Given the encoding, the piped shard reads as the file does, and they merge.
    dir.ok(&ad_hoc("r.csv", "t", "lex.toml", "p1", &["--shard", "1/2", "-q", "--encoding", "windows-1252"]));
    let piped = ad_hoc("-", "t", "lex.toml", "p2", &["--shard", "2/2", "-q", "--encoding", "windows-1252"]);
    assert!(dir.run_with_stdin(&piped, &bytes).status.success());
    dir.ok(&["merge", "p1", "p2", "--out", "m", "-q"]);
    dir.ok(&ad_hoc("r.csv", "t", "lex.toml", "whole", &["-q", "--encoding", "windows-1252"]));
    assert_eq!(dir.read("m/codes.csv"), dir.read("whole/codes.csv"));
    let manifest: serde_json::Value = serde_json::from_str(&dir.read("whole/manifest.json")).unwrap();
    let responses = manifest["inputs"].as_array().unwrap().iter().find(|i| i["role"] == "responses").unwrap().clone();
    assert_eq!(responses["encoding"], "windows-1252");
}

/// The same bytes saved as `d.dic` and `d.txt` hash the same, so shards reading the
/// lexicon as LIWC and as a word list merged without a word: partial.json recorded
/// only the lexicon's SHA-256, while its extension picks the reader. The format is
/// recorded, and parts or a merge `--lexicon` read another way are refused.
#[test]
fn merge_refuses_a_lexicon_read_as_another_format() {
    let dir = Workdir::new();
    dir.write("d.dic", DIC);
    dir.write("d.txt", DIC);
    dir.write("r.csv", "id,t\n1,the costs\n2,it hurt\n3,the costs\n4,it hurt\n");
    let shard = |k: u32, lexicon: &str, out: &str| {
        let shard = format!("{k}/2");
        dir.ok(&ad_hoc("r.csv", "t", lexicon, out, &["--shard", &shard, "-q"]));
    };
    shard(1, "d.dic", "p1");
    shard(2, "d.txt", "txt");
    let err = dir.fails(&["merge", "p1", "txt", "--out", "m"], 2);
    let want =
        "p1 and txt differ in their options (the lexicon's format is LIWC .dic in p1, plain word list .txt in txt)";
    assert!(err.contains(want), "{err}");
    shard(2, "d.dic", "p2");
    let err = dir.fails(&["merge", "p1", "p2", "--lexicon", "d.txt", "--out", "m"], 2);
    let want = "the lexicon d.txt is read as plain word list .txt (by its extension), but the parts read theirs, \
                d.dic, as LIWC .dic";
    assert!(err.contains(want), "{err}");
    assert!(!dir.join("m").exists(), "nothing is written");
    dir.ok(&["merge", "p1", "p2", "--out", "m", "-q"]);
}

/// Merge reads the lexicon and writes the manifest with the dictionary options the
/// parts record: it used to read the lexicon and record `"dictionary_terms": "words"`
/// whatever the parts were run with. Every file equals a whole run's, and a flag given
/// to merge that is not the parts' is refused, as is any reading flag.
#[test]
fn merge_takes_the_dictionary_options_from_the_parts() {
    let dir = Workdir::new();
    dir.write("d.dic", DIC);
    dir.write("r.csv", "id,t\n1,the costs\n2,it hurt\n3,the costs\n4,it hurt\n5,the cost\n");
    let read = ["--dictionary-terms", "stems", "--dictionary-duplicates", "last-line", "-q"];
    dir.ok(&ad_hoc("r.csv", "t", "d.dic", "whole", &read));
    for k in 1..=2 {
        let shard = format!("{k}/2");
        dir.ok(&ad_hoc("r.csv", "t", "d.dic", &format!("p{k}"), &[&read[..], &["--shard", &shard]].concat()));
    }
    assert!(dir.read("p1/partial.json").contains(r#""dictionary_terms":"stems","dictionary_duplicates":"last-line""#));
    dir.ok(&["merge", "p1", "p2", "--out", "merged"]);
    dir.ok(&["merge", "p1", "p2", "--out", "named", "--dictionary-terms", "stems"]);
    let whole = files(&dir, "whole");
    assert_eq!(whole.len(), 12, "{:?}", whole.iter().map(|f| &f.0).collect::<Vec<_>>());
    assert!(dir.read("whole/codes.csv").contains("1,t,money,"), "stems match `costs`");
    for merged in ["merged", "named"] {
        for ((name, a), (other, b)) in whole.iter().zip(files(&dir, merged)) {
            assert_eq!(name, &other);
            assert!(a == &b, "{merged}/{name} differs from the whole run's");
        }
    }
    let refused = [
        (&["--dictionary-terms", "words"][..], "--dictionary-terms is words for this merge, but stems in the parts"),
        (&["--dictionary-duplicates", "union"], "--dictionary-duplicates is union for this merge, but last-line"),
        (&["--max-cell-bytes", "10"], "--max-cell-bytes is 10 for this merge, but 16777216 in the parts"),
        (&["--allow-duplicate-ids"], "--allow-duplicate-ids is on for this merge, but off in the parts"),
        (&["--delimiter", ";"], r#"--delimiter is ";" for this merge, but sniffed in the parts"#),
        (&["--keep-html"], "--keep-html is on for this merge, but off in the parts"),
    ];
    for (flags, expected) in refused {
        let err = dir.fails(&[&["merge", "p1", "p2", "--out", "wrong"][..], flags].concat(), 2);
        assert!(err.contains(expected) && err.contains("p1/partial.json records it"), "{flags:?}: {err}");
        assert!(!dir.join("wrong").exists(), "{flags:?}: nothing is written");
    }
}

/// Under `--strict`, a shard whose rows were rejected fails as a whole run does, with
/// its outputs written; so does the merge of its parts.
#[test]
fn strict_holds_for_shards_and_their_merge() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"court\"\nterms = [\"court\"]\n");
    dir.write("r.csv", "id,a\n1,court\n1,a duplicate id\n3,court\n4,court\n");
    let columns = ["--id-column", "id", "--text-column", "a", "--lexicon", "lex.toml", "--strict", "-q"];
    dir.fails(&[&["run", "--input", "r.csv", "--out", "whole"][..], &columns].concat(), 1);
    let mut failed = 0;
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let out = format!("p{k}");
        let args = [&["run", "--input", "r.csv", "--shard", &shard, "--out", &out][..], &columns].concat();
        let status = dir.run(&args).status;
        assert!(status.success() || status.code() == Some(1), "{args:?}: {status:?}");
        failed += u32::from(status.code() == Some(1));
        assert!(dir.join(&out).join("partial.json").exists());
    }
    assert_eq!(failed, 1, "the shard with the rejected row fails");
    let err = dir.fails(&["merge", "p1", "p2", "--out", "merged"], 1);
    assert!(err.contains("1 row(s) rejected under --strict"), "{err}");
    for f in OUTPUTS {
        assert_eq!(dir.read(&format!("whole/{f}")), dir.read(&format!("merged/{f}")), "{f}");
    }
}

/// `--input -` reads standard input as a file is read, and `--codes-only` writes to
/// standard output exactly the codes.csv a run writes (with `--partial`, the row
/// column `merge` uses; shards' rows together are the whole), rejects on standard
/// error with the exit code `--strict` asks for. Flags that shape files it does not
/// write are refused.
#[test]
fn standard_input_and_codes_only_make_a_filter() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\"cost\", \"legal aid\"]\n[[theme]]\nid = \"harm\"\nterms = [\"harass*\"]\n");
    dir.write("survey.toml", "id_column = \"id\"\nlexicon = \"lex.toml\"\n[[open]]\nid = \"why\"\n");
    let mut csv = String::from("id,why\n");
    for i in 1..=300 {
        let why = ["the cost, \"quoted\"", "legal aid\nand harassment", "nothing", ""][i % 4];
        csv.push_str(&format!("{i},\"{why}\"\n"));
    }
    csv.push_str("7,a duplicate id\n301,\"cost, never closed\n");
    dir.write("r.csv", &csv);
    dir.ok(&["run", "--survey", "survey.toml", "--input", "r.csv", "--out", "file", "-q"]);
    let piped =
        dir.run_with_stdin(&["run", "--survey", "survey.toml", "--input", "-", "--out", "pipe", "-q"], csv.as_bytes());
    assert!(piped.status.success(), "{}", String::from_utf8_lossy(&piped.stderr));
    for f in OUTPUTS.iter().filter(|f| **f != "manifest.json") {
        assert_eq!(dir.read(&format!("file/{f}")), dir.read(&format!("pipe/{f}")), "{f}");
    }
    assert!(dir.read("pipe/manifest.json").contains("<stdin>"));

    let filter = |args: &[&str]| {
        let mut all = vec!["run", "--survey", "survey.toml", "--input", "-", "--codes-only"];
        all.extend_from_slice(args);
        dir.run_with_stdin(&all, csv.as_bytes())
    };
    let out = filter(&[]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), dir.read("file/codes.csv"));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("already seen") && stderr.contains("never closed") && stderr.contains("2 rejected"),
        "{stderr}"
    );
    assert_eq!(filter(&["--strict"]).status.code(), Some(1));
    // Shards of the filter, with row numbers, are the whole once put back in row order.
    let mut rows: Vec<(u64, String)> = Vec::new();
    for k in 1..=3 {
        let out = filter(&["--partial", "--shard", &format!("{k}/3")]);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for rec in reader.records() {
            let rec = rec.unwrap();
            let fields: Vec<&str> = rec.iter().collect();
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&fields[1..]).unwrap();
            rows.push((fields[0].parse().unwrap(), String::from_utf8(w.into_inner().unwrap()).unwrap()));
        }
    }
    rows.sort_by_key(|(row, _)| *row);
    let whole: String = rows.into_iter().map(|(_, line)| line).collect();
    assert_eq!(format!("{CODES_HEADER}{whole}"), dir.read("file/codes.csv"));
    for flag in [
        &["--out", "o"][..],
        &["--measure", "counts"],
        &["--one-decimal"],
        &["--largest-remainder"],
        &["--workbook-codes", "5"],
        &["--campaign-min", "3"],
        &["--no-campaigns"],
        &["--parquet"],
    ] {
        let out = filter(flag);
        assert_eq!(out.status.code(), Some(2), "{flag:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("'--codes-only' cannot be used with"), "{flag:?}: {stderr}");
    }
}

/// codes.csv's header line.
const CODES_HEADER: &str = "respondent_id,question,theme,hits,entry,line,matched,start,end,spans\n";

/// `--quiet` silences every summary line: a partial run's `partial run: ...` and
/// `--codes-only`'s count; errors, warnings and the rejected rows still print.
#[test]
fn quiet_silences_every_summary_line() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\"cost\"]\n");
    dir.write("r.csv", "id,why\n1,the cost\n2,nothing\n");
    let base = ["run", "--input", "r.csv", "--id-column", "id", "--text-column", "why", "--lexicon", "lex.toml"];
    let stderr = |args: &[&str], input: &[u8]| {
        let out = dir.run_with_stdin(&[&base[..], args].concat(), input);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stderr).unwrap()
    };
    assert!(stderr(&["--partial", "--out", "p1"], b"").contains("partial run: 2 rows coded"));
    assert_eq!(stderr(&["--partial", "--out", "p2", "-q"], b""), "");
    assert_eq!(stderr(&["--shard", "1/2", "--out", "p3", "--quiet"], b""), "");
    assert!(stderr(&["--codes-only"], b"").contains("2 rows read, 2 coded, 0 rejected"));
    assert_eq!(stderr(&["--codes-only", "-q"], b""), "");
    // merge takes -q as run does (scripts pass it to both), and prints nothing with it.
    stderr(&["--shard", "2/2", "--out", "p4", "-q"], b"");
    let merge = |quiet: &[&str]| dir.run(&[&["merge", "p3", "p4", "--out", "m"][..], quiet].concat());
    let loud = merge(&[]);
    assert!(String::from_utf8_lossy(&loud.stdout).contains("merged 2 parts: 2 respondents coded"));
    assert!(String::from_utf8_lossy(&loud.stderr).contains("wrote 12 files to m"));
    for quiet in ["-q", "--quiet"] {
        let out = merge(&[quiet]);
        assert!(out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(), "{quiet}: {out:?}");
    }
    // Rejected rows are the filter's reject report: listed even under -q.
    dir.write("bad.csv", "id,why\n1,the cost\n1,again\n");
    let mut quiet = base.to_vec();
    quiet[2] = "bad.csv";
    quiet.extend(["--codes-only", "-q"]);
    let out = dir.run_with_stdin(&quiet, b"");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success() && err.contains("already seen") && !err.contains("rows read"), "{err}");
}

/// `--codes-only` writes nothing to standard output when the input fails before its
/// header (it used to write codes.csv's header first); a header-only input gives the
/// header.
#[test]
fn a_filter_failing_before_the_header_writes_nothing() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\"cost\"]\n");
    let empty = ["run", "--input", "-", "--id-column", "id", "--text-column", "why", "--lexicon", "lex.toml"];
    let out = dir.run_with_stdin(&[&empty[..], &["--codes-only"]].concat(), b"");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("<stdin>: the file is empty"));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    // A header only: the header, as a run's codes.csv has it.
    let out = dir.run_with_stdin(&[&empty[..], &["--codes-only"]].concat(), b"id,why\n");
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), CODES_HEADER);
}

/// The manifest records rounding as JSON (`{"decimals": 1, "largest_remainder": true}`),
/// not as Rust debug text, and merged shards' manifest still equals the single run's.
#[test]
fn manifest_rounding_is_a_json_object() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\"cost\"]\n");
    dir.write(
        "survey.toml",
        "id_column = \"id\"\nlexicon = \"lex.toml\"\nresponses = \"r.csv\"\n[[open]]\nid = \"why\"\n",
    );
    dir.write("r.csv", "id,why\n1,the cost\n2,none\n3,cost again\n");
    let rounding = |out: &str| {
        let m: serde_json::Value = serde_json::from_str(&dir.read(&format!("{out}/manifest.json"))).unwrap();
        m["options"]["rounding"].clone()
    };
    dir.ok(&["run", "--survey", "survey.toml", "--out", "plain", "-q"]);
    assert_eq!(rounding("plain"), serde_json::json!({"decimals": 0, "largest_remainder": false}));
    let flags = ["--one-decimal", "--largest-remainder", "-q"];
    dir.ok(&[&["run", "--survey", "survey.toml", "--out", "whole"][..], &flags].concat());
    assert_eq!(rounding("whole"), serde_json::json!({"decimals": 1, "largest_remainder": true}));
    for k in 1..=2 {
        let (shard, out) = (format!("{k}/2"), format!("p{k}"));
        dir.ok(&[&["run", "--survey", "survey.toml", "--shard", &shard, "--out", &out][..], &flags].concat());
    }
    dir.ok(&["merge", "p1", "p2", "--out", "merged"]);
    assert_eq!(dir.read("whole/manifest.json"), dir.read("merged/manifest.json"));
}

/// A closed question's crosstab has a row for answers that are none of its options,
/// so each group's column adds up to its respondents (C had 3, its column held 1).
#[test]
fn closed_crosstabs_count_unrecognised_answers() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"a\"\nterms = [\"zzz\"]\n");
    dir.write("r.csv", "id,t,q,w\n1,C,Yes,a\n2,C,maybe,b\n3,C,perhaps,c\n4,P,No,d\n");
    dir.write(
        "s.toml",
        "title = \"D\"\nid_column = \"id\"\nlexicon = \"lex.toml\"\nresponses = \"r.csv\"\n\
         [respondent_type]\ncolumn = \"t\"\ndefault = \"P\"\ntypes = [{ name = \"C\" }, { name = \"P\" }]\n\
         [[closed]]\nid = \"q\"\ntext = \"Q\"\noptions = [\"Yes\", \"No\"]\n[[open]]\nid = \"w\"\ntext = \"w\"\n",
    );
    dir.ok(&["run", "--survey", "s.toml", "--out", "o", "-q"]);
    let csv = dir.read("o/crosstabs.csv");
    assert!(csv.contains("respondent_type,q,closed,(unrecognised),C,2,3,66.67,"), "{csv}");
    assert!(dir.read("o/summary.md").contains("| Another answer (unrecognised) | 2 (67%) | 0 (0%) | 2 (50%) |"));
    // None unrecognised: no such row.
    dir.write("r.csv", "id,t,q,w\n1,C,Yes,a\n4,P,No,d\n");
    dir.ok(&["run", "--survey", "s.toml", "--out", "o", "-q"]);
    assert!(!dir.read("o/crosstabs.csv").contains("(unrecognised)"));
}

/// Respondents who wrote a type the spec does not list are told apart from those who
/// wrote none: the run warns naming the values, summary.md says so, explain shows the
/// value and why; shards merge to the same figures (issue t23-1, 2).
#[test]
fn unlisted_respondent_types_are_named() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"a\"\nterms = [\"zzz\"]\n");
    dir.write(
        "r.csv",
        "id,t,q,w\n1,Organization,Yes,a\n2,,Scooter,b\n3,Prefer not to say,No,c\n4,Charity,No,d\n5,organization,Yes,e\n",
    );
    dir.write(
        "s.toml",
        "title = \"D\"\nid_column = \"id\"\nlexicon = \"lex.toml\"\nresponses = \"r.csv\"\n\
         [respondent_type]\ncolumn = \"t\"\ndefault = \"P\"\ntypes = [{ name = \"Organisation\" }, { name = \"P\" }]\n\
         [[closed]]\nid = \"q\"\ntext = \"Q\"\noptions = [\"Yes\", \"No\"]\n[[open]]\nid = \"w\"\ntext = \"w\"\n",
    );
    let out = dir.run(&["run", "--survey", "s.toml", "--out", "o", "-q"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "codeframe: warning: 3 respondents gave a respondent type the survey does not list, counted as \"P\": \
             \"Charity\" (1), \"Organization\" (1), \"organization\" (1); add each"
        ),
        "{err}"
    );
    let md = dir.read("o/summary.md");
    assert!(
        md.contains(
            "2 respondents (40%) did not say what type of respondent they are, and 3 (60%) gave a type the survey \
             does not list (\"Charity\" (1), \"Organization\" (1), \"organization\" (1)); all 5 are counted as 'P'."
        ),
        "{md}"
    );
    let explained = dir.ok(&["explain", "--survey", "s.toml", "--respondent", "1"]);
    assert!(
        explained.contains(
            "type: P (the default: \"Organization\", written in the \"t\" column, is not a type the survey lists \
             (Organisation, P) nor an alias of one"
        ),
        "{explained}"
    );
    let explained = dir.ok(&["explain", "--survey", "s.toml", "--respondent", "2"]);
    assert!(explained.contains("q: \"Scooter\" is none of the options (Yes, No) nor an alias of one"), "{explained}");
    for k in 1..=2 {
        dir.ok(&["run", "--survey", "s.toml", "--shard", &format!("{k}/2"), "--out", &format!("p{k}"), "-q"]);
    }
    dir.ok(&["merge", "p2", "p1", "--out", "m", "-q"]);
    assert_eq!(dir.read("m/summary.md"), md);
    assert_eq!(dir.read("m/summary.json"), dir.read("o/summary.json"));
}

/// The console's line for a closed question adds up: besides the options it shows no
/// answer and unrecognised answers (issue t23-1, 3b: "Yes 40%, No 30%, Don't know
/// (incl. nil) 24%" left out 7% unrecognised).
#[test]
fn the_console_line_of_a_closed_question_adds_up() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"a\"\nterms = [\"zzz\"]\n");
    dir.write("r.csv", "id,q,w\n1,Yes,a\n2,maybe,b\n3,,c\n4,No,d\n");
    dir.write(
        "s.toml",
        "title = \"D\"\nid_column = \"id\"\nlexicon = \"lex.toml\"\nresponses = \"r.csv\"\n\
         [[closed]]\nid = \"q\"\ntext = \"Q\"\noptions = [\"Yes\", \"No\"]\n[[open]]\nid = \"w\"\ntext = \"w\"\n",
    );
    let out = dir.ok(&["run", "--survey", "s.toml", "--out", "o"]);
    assert!(out.contains("  q        Yes 25%, No 25%, no answer 25%, unrecognised 25%\n"), "{out}");
    // Nil merged into an option is said there, not again.
    let spec =
        dir.read("s.toml").replace("options = [\"Yes\", \"No\"]", "options = [\"Yes\", \"No\"]\nnil_into = \"No\"");
    dir.write("s.toml", spec);
    let out = dir.ok(&["run", "--survey", "s.toml", "--out", "o"]);
    assert!(out.contains("  q        Yes 25%, No (incl. nil) 50%, unrecognised 25%\n"), "{out}");
}

/// With `--largest-remainder`, a closed question's sentence, table and console line
/// show one set of figures: `Don't know (including nil)` is Don't know's figure plus
/// nil's, and of two equal counts rounded apart the higher figure is said first (the
/// sentence said Yes 30% where the table said 29%, and the console ignored the flag).
#[test]
fn largest_remainder_figures_agree_everywhere() {
    let dir = Workdir::new();
    let out = dir.ok(&["run", "--out", "o", "--largest-remainder"]);
    assert!(out.contains("q1       Yes 29%, No 41%, Don't know (incl. nil) 30%"), "{out}");
    let md = dir.read("o/summary.md");
    assert!(md.contains(
        "41% of respondents (54 of 132) answered 'No', 30% (39 of 132) answered 'Don't know' (including nil \
         responses) and 29% (39 of 132) answered 'Yes'."
    ));
    for row in ["| Yes | 39 | 29% |", "| Don't know | 21 | 16% |", "| No answer (nil) | 18 | 14% |"] {
        assert!(md.contains(row), "{row}");
    }
    assert!(md.contains("| Don't know (including nil) | 39 | 30% |"));
}

/// Themes tied for the most respondents are named together (summary.md named one).
#[test]
fn tied_top_themes_are_named_together() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nlabel = \"Cost\"\nterms = [\"cost\"]\n\n[[theme]]\nid = \"speed\"\nlabel = \"Speed\"\nterms = [\"slow\"]\n");
    dir.write("r.csv", "id,why\n1,the cost\n2,too slow\n3,cost and slow\n4,fine\n");
    dir.ok(&ad_hoc("r.csv", "why", "lex.toml", "o", &["-q"]));
    let md = dir.read("o/summary.md");
    assert!(
        md.contains("The most frequent themes, tied, were **Cost** and **Speed**: 2 respondents each, 50%"),
        "{md}"
    );
}

/// JSON Lines on standard input is read as JSON Lines (it was read as CSV, and failed
/// with `no column "id"` listing `{"id":"1"` as a column); a workbook on standard input
/// is refused with what to do (it failed the same way, listing `PK\u{3}\u{4}...`).
#[test]
fn standard_input_takes_json_lines_and_refuses_a_workbook() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\"cost\"]\n");
    dir.write("survey.toml", "id_column = \"id\"\nlexicon = \"lex.toml\"\n[[open]]\nid = \"why\"\n");
    let jsonl = "{\"id\": \"1\", \"why\": \"the cost\"}\n{\"id\": \"2\", \"why\": \"police\"}\nnot json\n";
    dir.write("r.jsonl", jsonl);
    dir.ok(&["run", "--survey", "survey.toml", "--input", "r.jsonl", "--out", "file", "-q"]);
    let piped = dir
        .run_with_stdin(&["run", "--survey", "survey.toml", "--input", "-", "--out", "pipe", "-q"], jsonl.as_bytes());
    assert!(piped.status.success(), "{}", String::from_utf8_lossy(&piped.stderr));
    for f in OUTPUTS.iter().filter(|f| **f != "manifest.json") {
        assert_eq!(dir.read(&format!("file/{f}")), dir.read(&format!("pipe/{f}")), "{f}");
    }
    assert!(dir.read("pipe/rejects.csv").contains("3,3,,,not a JSON object"), "{}", dir.read("pipe/rejects.csv"));
    let out = dir
        .run_with_stdin(&["run", "--survey", "survey.toml", "--input", "-", "--out", "o"], b"PK\x03\x04\x14\x00rest");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("<stdin>: standard input is a workbook") && err.contains("--input FILE"), "{err}");
}

/// A spec given to merge from another folder names its lexicon relative to itself, as
/// it did for the run: merge asked for `--lexicon` ("which is not there from here").
#[test]
fn merge_from_another_folder_reads_the_lexicon_the_spec_names() {
    let dir = Workdir::new();
    dir.write("A/r.csv", "id,text\n1,police\n2,smith\n3,the police\n");
    dir.write("A/lex.toml", "[[theme]]\nid = \"p\"\nterms = [\"police\"]\n");
    dir.write(
        "A/survey.toml",
        "id_column = \"id\"\nresponses = \"r.csv\"\nlexicon = \"lex.toml\"\n[[open]]\nid = \"text\"\n",
    );
    dir.write("B/.keep", "");
    for k in 1..=2 {
        let (shard, out) = (format!("{k}/2"), format!("p{k}"));
        dir.ok(&["run", "--survey", "A/survey.toml", "--shard", &shard, "--out", &out, "-q"]);
    }
    dir.ok(&["run", "--survey", "A/survey.toml", "--out", "whole", "-q"]);
    let out = dir.run_in("B", &["merge", "../p1", "../p2", "--survey", "../A/survey.toml", "--out", "m", "-q"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for f in OUTPUTS {
        assert_eq!(dir.read(&format!("whole/{f}")), dir.read(&format!("B/m/{f}")), "{f}");
    }
}

/// Merge opened every part's codes.csv at once: 1100 shards under `ulimit -n 256`
/// failed with "p252/codes.csv: Too many open files" and wrote nothing. It reads at
/// most 64 files at once, merging more in passes, so 100 parts merge under a limit of
/// 90 into the whole run's outputs; under a limit too low even for that, the error
/// says how many files merge reads and what the limit is.
#[cfg(unix)]
#[test]
fn merge_reads_more_parts_than_the_open_files_limit() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\"cost\", \"fee*\"]\n");
    let rows: String = (1..=250).map(|i| format!("{i},{}\n", ["the cost", "fees", "nothing", "x"][i % 4])).collect();
    dir.write("r.csv", format!("id,why\n{}{}", rows, "1,a repeated id\n"));
    dir.ok(&ad_hoc("r.csv", "why", "lex.toml", "whole", &["-q"]));
    let n = 100;
    let mut parts = Vec::new();
    for k in 1..=n {
        let (shard, out) = (format!("{k}/{n}"), format!("p{k}"));
        dir.ok(&ad_hoc("r.csv", "why", "lex.toml", &out, &["--shard", &shard, "-q"]));
        parts.push(out);
    }
    let merge_under = |limit: u32, out: &str| {
        let script = format!("ulimit -n {limit} && exec \"$0\" \"$@\"");
        let mut args = vec!["-c", &script, env!("CARGO_BIN_EXE_codeframe"), "merge"];
        args.extend(parts.iter().map(String::as_str));
        args.extend(["--out", out, "-q"]);
        std::process::Command::new("sh").args(&args).current_dir(dir.path()).output().expect("run sh")
    };
    let o = merge_under(90, "merged");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in OUTPUTS {
        assert_eq!(dir.read(&format!("whole/{f}")), dir.read(&format!("merged/{f}")), "{f}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("merged"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.starts_with('.').then_some(name)
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    if std::path::Path::new("/proc/self/limits").exists() {
        let o = merge_under(40, "low");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(3), "{err}");
        assert!(
            err.contains("merge reads up to 64 files at once")
                && err.contains("the limit of open files (ulimit -n) is 40"),
            "{err}"
        );
    }
}

/// Answers read from HTML merge as a whole run reads them: the same files, the count
/// of such answers in the manifest included; parts read with `--keep-html` merge as
/// the whole run with it does.
#[test]
fn shards_of_html_answers_merge_to_the_whole_run() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\"cost\"]\n");
    dir.write(
        "r.csv",
        "id,t\n1,<p>it didn&#39;t cost</p>\n2,the cost<br>is high\n3,plain cost\n4,&lt;b&gt;cost\n5,cost &amp; time\n",
    );
    for keep in [&[][..], &["--keep-html"]] {
        dir.ok(&ad_hoc("r.csv", "t", "lex.toml", "whole", &[&["-q"][..], keep].concat()));
        for k in 1..=2 {
            let (shard, out) = (format!("{k}/2"), format!("p{k}"));
            dir.ok(&ad_hoc("r.csv", "t", "lex.toml", &out, &[&["-q", "--shard", &shard][..], keep].concat()));
        }
        dir.ok(&["merge", "p1", "p2", "--out", "merged", "-q"]);
        for ((name, a), (other, b)) in files(&dir, "whole").iter().zip(files(&dir, "merged")) {
            assert_eq!(name, &other);
            assert!(a == &b, "{keep:?}: merged/{name} differs from the whole run's");
        }
        let manifest = dir.read("whole/manifest.json");
        assert_eq!(manifest.contains("\"html_answers\": 4"), keep.is_empty(), "{manifest}");
    }
}
