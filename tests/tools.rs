//! The analyst's tools: explain, kwic, suggest, diff, lexicon check/test/explain, validate.

use crate::harness::{Workdir, ad_hoc};

const LEXICON: &str = r#"
[[theme]]
id = "cost"
questions = ["why"]
negation_after = 3
terms = ["cost", "expens*", "legal aid"]
examples = { match = ["the cost is high"], no_match = ["cost was never an issue"] }

[[theme]]
id = "police"
questions = ["why"]
terms = ["polic*"]
"#;

const RESPONSES: &str = "id,why\n\
r1,\"The costs were huge, no legal aid\"\n\
r2,the police did nothing and it was expensive\n\
r3,solicitor fees of thousands and the solicitor wanted more\n\
r4,my solicitor said the fees would be thousands\n\
r5,cost was never an issue\n";

const GOLD: &str = "respondent_id,question,theme\nr1,why,cost\nr2,why,cost\nr2,why,police\nr3,why,cost\nr4,why,cost\n";

fn fixture() -> Workdir {
    let dir = Workdir::new();
    dir.write("lex.toml", LEXICON);
    dir.write("r.csv", RESPONSES);
    dir.write("gold.csv", GOLD);
    dir
}

const SRC: [&str; 8] = ["--input", "r.csv", "--id-column", "id", "--text-column", "why", "--lexicon", "lex.toml"];

fn with<'a>(cmd: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
    [cmd, &SRC[..], extra].concat()
}

#[test]
fn validate_reports_agreement_and_disagreements() {
    let dir = fixture();
    let out = dir.ok(&with(&["validate"], &["--gold", "gold.csv", "--out", "v"]));
    // cost: TP r1 r2, FN r3 r4 (solicitor fees) -> P 1, R 0.5
    assert!(
        out.contains("why      cost                             P 1.000 R 0.500 F1 0.667  (TP 2 FP 0 FN 2)"),
        "{out}"
    );
    let dis = dir.read("v/disagreements.csv");
    assert!(dis.contains("r3,why,cost,FN,solicitor fees of thousands"), "{dis}");
    dir.fails(&with(&["validate"], &["--gold", "gold.csv", "--out", "v", "--min-macro-f1", "0.99"]), 1);
}

/// A gold file coding a sample of the answers scored every other answer as one a
/// human gave no theme, so each of the pipeline's codes there was a false positive,
/// without a word (testers: P 0.041 for a theme at 0.511 over the sample).
#[test]
fn validate_scores_a_coded_sample_with_gold_units_named() {
    let dir = fixture();
    // r1 coded cost; r5 read and given no theme; r2 to r4 not in the sample.
    dir.write("sample.csv", "respondent_id,question,theme\nr1,why,cost\nr5,why,\n");
    // By default an empty theme is an error that points to the flag.
    let err = dir.fails(&with(&["validate"], &["--gold", "sample.csv", "--out", "v"]), 2);
    assert!(
        err.contains("sample.csv:3 (column \"theme\"): empty or missing cell") && err.contains("--gold-units named"),
        "{err}"
    );
    dir.write("codes.csv", "respondent_id,question,theme\nr1,why,cost\n");
    let out = dir.run(&with(&["validate"], &["--gold", "codes.csv", "--out", "v"]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "its rows name 1 of the 5 answers with text; the other 4 are scored as answers a human gave no theme"
        ),
        "{err}"
    );
    // r2 is coded cost by the pipeline: a false positive over all answers.
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("cost                             P 0.500 R 1.000"),
        "{out:?}"
    );
    let out = dir.run(&with(&["validate"], &["--gold", "sample.csv", "--out", "v", "--gold-units", "named"]));
    let (stdout, err) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("only the 2 answers its rows name are scored (`--gold-units named`); the other 3 of the 5"),
        "{err}"
    );
    // r1 agrees, r5 (cost was never an issue: negated) agrees: 2 decisions per theme.
    assert!(stdout.contains("4 decisions"), "{stdout}");
    assert!(stdout.contains("cost                             P 1.000 R 1.000 F1 1.000  (TP 1 FP 0 FN 0)"), "{stdout}");
    let md = dir.read("v/validation.md");
    assert!(md.contains("**Answers scored.** The gold file: only the 2 answers"), "{md}");
}

/// Gold rows naming no answer of the data were dropped silently: a gold file in the
/// wrong case scored P/R/F1 0.000 with exit 0 and no word (adversarial testing).
#[test]
fn validate_refuses_gold_with_no_usable_row() {
    let dir = fixture();
    dir.write("case.csv", "respondent_id,question,theme\nR1,why,cost\nR2,why,police\nR3,why,cost\n");
    let err = dir.fails(&with(&["validate"], &["--gold", "case.csv", "--out", "v"]), 2);
    assert!(err.contains("case.csv: none of its 3 rows can be used"), "{err}");
    assert!(err.contains("ids are compared exactly (\"R1\" is not \"r1\")"), "{err}");
    assert!(!dir.join("v").exists(), "nothing is written");

    dir.write("header.csv", "respondent_id,question,theme\n");
    let err = dir.fails(&with(&["validate"], &["--gold", "header.csv", "--out", "v"]), 2);
    assert!(err.contains("header.csv: the gold file has a header but no rows"), "{err}");

    dir.write("zero.csv", "");
    let err = dir.fails(&with(&["validate"], &["--gold", "zero.csv", "--out", "v"]), 2);
    assert!(err.contains("zero.csv: the gold file is empty"), "{err}");
    assert!(!err.contains("no column"), "{err}");
}

/// Rows that repeat an id (allowed with --allow-duplicate-ids) are one unit to the
/// gold codes, which name respondents: validate says so, naming the data, where it
/// merged them silently; undefined measures read `-` on screen and in validation.md.
#[test]
fn validate_says_when_rows_repeat_an_id() {
    let dir = Workdir::new();
    dir.write("r.csv", "id,q\n1,other\n1,fee\n2,fee\n");
    dir.write("g.csv", "respondent_id,question,theme\n1,q,t\n2,q,t\n");
    dir.write("lex.toml", "[[theme]]\nid = \"t\"\nterms = [\"fee\"]\n");
    let args = ["validate", "--input", "r.csv", "--id-column", "id", "--text-column", "q", "--lexicon", "lex.toml"];
    let out = dir.run(&[&args[..], &["--gold", "g.csv", "--allow-duplicate-ids", "--out", "v"]].concat());
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: r.csv: 1 of the rows repeat a respondent id"), "{err}");
    // Every answer coded and in the gold: kappa has no variation to measure.
    let md = dir.read("v/validation.md");
    assert!(md.contains("kappa -,") && !md.contains("kappa ,"), "{md}");
}

/// With an id repeated, a disagreement showed the text of the id's last row, which
/// need not be the row that raised the code (testers): a false positive shows the
/// row whose codes hold it.
#[test]
fn a_false_positive_of_a_repeated_id_shows_the_row_that_raised_it() {
    let dir = Workdir::new();
    dir.write("r.csv", "id,q\n1,the fee was high\n1,nothing more\n");
    dir.write("g.csv", "respondent_id,question,theme\n1,q,other\n");
    dir.write("lex.toml", "[[theme]]\nid = \"t\"\nterms = [\"fee\"]\n[[theme]]\nid = \"other\"\nterms = [\"zzz\"]\n");
    let args = ["validate", "--input", "r.csv", "--id-column", "id", "--text-column", "q", "--lexicon", "lex.toml"];
    dir.ok(&[&args[..], &["--gold", "g.csv", "--allow-duplicate-ids", "--out", "v"]].concat());
    let dis = dir.read("v/disagreements.csv");
    assert!(dis.contains("1,q,t,FP,the fee was high,"), "{dis}");
}

/// A gold file written on another system spells `José` decomposed (NFD): it names
/// the respondent whose id the responses spell composed, as a duplicate would.
#[test]
fn validate_reads_gold_ids_composed_or_not() {
    let dir = Workdir::new();
    dir.write("r.csv", "id,q\nJos\u{e9},fee\nZo\u{eb},other\n");
    dir.write("g.csv", "respondent_id,question,theme\nJose\u{301},q,t\n");
    dir.write("lex.toml", "[[theme]]\nid = \"t\"\nterms = [\"fee\"]\n");
    let args = ["validate", "--input", "r.csv", "--id-column", "id", "--text-column", "q", "--lexicon", "lex.toml"];
    dir.ok(&[&args[..], &["--gold", "g.csv", "--out", "v"]].concat());
    // The one gold code agrees with the run's: a true positive, nothing missed.
    let csv = dir.read("v/validation.csv");
    assert!(csv.lines().any(|l| l.starts_with("q,t,2,1,0,0,1,")), "{csv}");
    // suggest reads them so too: `Zoë`'s answer, coded by people, is one the lexicon missed.
    dir.write("g2.csv", "respondent_id,question,theme\nZoe\u{308},q,t\n");
    let mut suggest = args.to_vec();
    suggest[0] = "suggest";
    let out = dir.run(&[&suggest[..], &["--gold", "g2.csv", "--theme", "t"]].concat());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 answers coded `t` by people but missed by the lexicon"), "{err}");
}

/// Unusable gold rows are counted by reason, on stderr and in the outputs.
#[test]
fn validate_counts_unusable_gold_rows_by_reason() {
    let dir = Workdir::new();
    dir.write("lex.toml", LEXICON);
    dir.write("r.csv", "id,visit,why\nr1,Yes,the cost is high\nr2,No,\n");
    dir.write(
        "s.toml",
        "title = \"t\"\nid_column = \"id\"\nlexicon = \"lex.toml\"\nresponses = \"r.csv\"\n\
         [[closed]]\nid = \"visit\"\ntext = \"Visit?\"\noptions = [\"Yes\", \"No\"]\n\
         [[open]]\nid = \"why\"\ntext = \"Why?\"\n",
    );
    dir.write(
        "g.csv",
        "respondent_id,question,theme\nr1,why,cost\nr99,why,cost\nr1,nosuchq,cost\nr1,visit,cost\nr2,why,cost\n",
    );
    let out = dir.run(&["validate", "--survey", "s.toml", "--gold", "g.csv", "--out", "v"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("warning: g.csv: 4 of its 5 rows cannot be used and are not counted"), "{err}");
    for part in [
        "1 row names a respondent who is not in the data: e.g. \"r99\"",
        "1 row names a question the survey does not have: e.g. \"nosuchq\" (open questions: why)",
        "1 row names a closed question",
        "1 row names an answer the respondent left empty: e.g. r2 to why",
        "first: g.csv:3 (r99, why, cost), g.csv:4 (r1, nosuchq, cost), g.csv:5 (r1, visit, cost)",
    ] {
        assert!(err.contains(part), "{part:?} in {err}");
    }
    assert_eq!(
        dir.read("v/gold_unused.csv"),
        "file,line,respondent_id,question,theme,reason,detail\n\
         g.csv,3,r99,why,cost,respondent_not_in_data,\n\
         g.csv,4,r1,nosuchq,cost,question_not_in_survey,\n\
         g.csv,5,r1,visit,cost,closed_question,\n\
         g.csv,6,r2,why,cost,empty_answer,\n"
    );
    let md = dir.read("v/validation.md");
    assert!(md.contains("**4 of the gold file's 5 rows are not counted**"), "{md}");
    // the usable row still counts: r1 coded cost by both
    assert!(String::from_utf8_lossy(&out.stdout).contains("(TP 1 FP 0 FN 0)"));
}

/// A gold file was read by a CSV reader of its own, without the sniffing responses
/// get: Windows-1252 and UTF-16 failed "CSV parse error: ... invalid utf-8", and a
/// `;`-delimited file had `no column "respondent_id"` (adversarial testing).
#[test]
fn validate_reads_gold_in_any_encoding_and_delimiter() {
    let dir = fixture();
    dir.write("r.csv", "id,why\nJos\u{e9},the cost is high\n");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("respondent_id,question,theme\r\nJos\u{e9},why,cost\r\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    for (name, bytes) in [
        ("cp1252.csv", b"respondent_id,question,theme\nJos\xe9,why,cost\n".to_vec()),
        ("utf16.csv", utf16),
        ("semicolon.csv", "respondent_id;question;theme\nJos\u{e9};why;cost\n".into()),
    ] {
        dir.write(name, bytes);
        let out = dir.ok(&with(&["validate"], &["--gold", name, "--out", "v"]));
        assert!(
            out.contains("cost                             P 1.000 R 1.000 F1 1.000  (TP 1 FP 0 FN 0)"),
            "{name}: {out}"
        );
    }
    dir.write("bad.csv", b"respondent_id,question,theme\nJos\xc3\xa9,why,cost\nJos\xc3\xa9,why,p\xf6lice\n");
    let err = dir.fails(&with(&["validate"], &["--gold", "bad.csv", "--out", "v"]), 2);
    assert!(err.contains("bad.csv:3 (column \"theme\"): cell is not valid UTF-8"), "{err}");
}

/// A gold row with more fields than the header was read with the extra dropped, exit 0:
/// an unquoted theme holding a comma scored as the theme before the comma (testers'
/// defect 1). Rows of another length than the header are refused, as a run rejects
/// them, naming the file, the line and the fields, and nothing is written.
#[test]
fn validate_refuses_gold_rows_of_another_length_than_the_header() {
    let dir = fixture();
    dir.write("g.csv", "respondent_id,question,theme\nr1,why,cost\nr2,why,police,cost\nr3,why\n");
    let err = dir.fails(&with(&["validate"], &["--gold", "g.csv", "--out", "v"]), 2);
    let want = "codeframe: error: g.csv:3: row has 4 fields, the header has 3: \"r2\", \"why\", \"police\", \"cost\"; \
                a theme whose name holds the delimiter must be in double quotes, or it is cut there; \
                1 more row of the wrong length (line 4)";
    assert!(err.contains(want), "{err}");
    assert!(!dir.join("v").exists(), "nothing is written");
    dir.write("g.csv", "respondent_id,question,theme\nr1,why,cost\n\"r2\",why,\"police, cost\"\n");
    let out = dir.run(&with(&["validate"], &["--gold", "g.csv", "--out", "v"]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.contains("\"police, cost\" (1 row, on line 3)"), "{err}");
}

/// A parent theme scored every gold code of its children as a false positive (F1 0),
/// dragging macro F1 down: the pipeline codes a parent wherever it codes a child, the
/// gold was not rolled up (testers' defect 2). Gold codes of a child now imply the
/// parents that apply to the question, and validate says how many.
#[test]
fn validate_rolls_gold_codes_up_to_parent_themes() {
    let dir = fixture();
    dir.write(
        "tree.toml",
        "[[theme]]\nid = \"money\"\nterms = []\n\n\
         [[theme]]\nid = \"cost\"\nparent = \"money\"\nterms = [\"cost*\", \"expens*\"]\n",
    );
    // The pipeline codes cost, and so money, for r1, r2 and r5.
    dir.write("g.csv", "respondent_id,question,theme\nr1,why,cost\nr2,why,cost\nr5,why,money\n");
    let args = ["validate", "--input", "r.csv", "--id-column", "id", "--text-column", "why", "--lexicon", "tree.toml"];
    let out = dir.run(&[&args[..], &["--gold", "g.csv", "--out", "v"]].concat());
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    let money = stdout.lines().find(|l| l.trim_start().starts_with("why      money")).expect("a row for money");
    assert!(money.ends_with("F1 1.000  (TP 3 FP 0 FN 0)"), "{stdout}");
    assert!(
        stderr.contains(
            "note: g.csv: 2 gold codes of parent themes are implied by codes of their child themes, as the \
             pipeline codes a parent wherever it codes a child (e.g. \"money\" for r1 on why, from \"cost\")"
        ),
        "{stderr}"
    );
    assert!(dir.read("v/validation.md").contains("**Parent themes.** 2 gold codes of parent themes are implied"));
}

/// A respondent whose row of the data was rejected was "not in the data" to both
/// explain (`no respondent "r2" in r.csv`) and validate (`respondent_not_in_data`)
/// (adversarial testing): both say the row was rejected, where, and why.
#[test]
fn a_rejected_row_is_called_rejected_not_missing() {
    let dir = fixture();
    dir.write("r.csv", "id,why\nr1,the cost\nr2,police,extra\nr3,cost again\n");
    dir.write("g.csv", "respondent_id,question,theme\nr1,why,cost\nr2,why,police\n");
    let err = dir.fails(&with(&["explain"], &["--respondent", "r2"]), 2);
    let want = "r.csv:3: the row of respondent \"r2\" was rejected, so it was not coded: \
                row has 3 fields, the header has 2 (a run lists it in rejects.csv)";
    assert!(err.contains(want), "{err}");
    let out = dir.run(&with(&["validate"], &["--gold", "g.csv", "--out", "v"]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let want = "1 row names a respondent whose row of the data was rejected: \
                e.g. \"r2\" (line 3 of the data: row has 3 fields, the header has 2)";
    assert!(err.contains(want), "{err}");
    assert_eq!(
        dir.read("v/gold_unused.csv"),
        "file,line,respondent_id,question,theme,reason,detail\n\
         g.csv,3,r2,why,police,respondent_row_rejected,\"line 3 of the data: row has 3 fields, the header has 2\"\n"
    );
    assert!(dir.read("v/validation.md").contains("1 row names a respondent whose row of the data was rejected"));
}

/// A gold theme missing from the lexicon was scored without a word, even `Cost` for
/// the lexicon's `cost`: F1 0.000, Cost all misses and cost all false positives
/// (adversarial testing). A theme the lexicon has in other case (or as a label) is
/// refused, naming it; one it lacks altogether is a warning, on stderr and in
/// validation.md.
#[test]
fn validate_names_gold_themes_the_lexicon_lacks() {
    let dir = fixture();
    dir.write("case.csv", "respondent_id,question,theme\nr1,why,cost\nr2,why,Cost\nr4,why,Cost\n");
    let err = dir.fails(&with(&["validate"], &["--gold", "case.csv", "--out", "v"]), 2);
    let want = "case.csv:3 (column \"theme\"): \"Cost\" (2 rows, the first on line 3) is not a theme id \
                of the lexicon; it has \"cost\". Theme ids are compared exactly";
    assert!(err.contains(want), "{err}");
    assert!(!dir.join("v").exists(), "nothing is written");

    dir.write("hope.csv", "respondent_id,question,theme\nr1,why,cost\nr3,why,hope\n");
    let out = dir.run(&with(&["validate"], &["--gold", "hope.csv", "--out", "v"]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let want = "warning: hope.csv: 1 theme is not in the lexicon, so the pipeline never codes it and each \
                of its codes counts as a miss: \"hope\" (1 row, on line 3)";
    assert!(err.contains(want), "{err}");
    let md = dir.read("v/validation.md");
    assert!(md.contains("**Gold themes the lexicon lacks.** 1 theme is not in the lexicon"), "{md}");
}

/// A gold code of a lexicon theme on a question the theme does not apply to (its
/// `questions`) counted as a miss without a word, though the pipeline can never code
/// it there (adversarial testing): validate names the theme, the question and the rows,
/// on stderr and in validation.md.
#[test]
fn validate_names_gold_themes_on_questions_they_do_not_apply_to() {
    let dir = fixture();
    dir.write("r2.csv", "id,why,how\nr1,the cost,it cost a lot\nr2,police,the cost\nr3,police,police\n");
    dir.write("g2.csv", "respondent_id,question,theme\nr1,why,cost\nr1,how,cost\nr2,how,cost\nr3,how,police\n");
    let args = [
        "validate",
        "--input",
        "r2.csv",
        "--id-column",
        "id",
        "--text-column",
        "why",
        "--text-column",
        "how",
        "--lexicon",
        "lex.toml",
        "--gold",
        "g2.csv",
        "--out",
        "v",
    ];
    let out = dir.run(&args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let want = "warning: g2.csv: 2 themes are coded on questions the lexicon does not apply them to (their \
                `questions`), so the pipeline never codes them there and each such code counts as a miss: \
                \"cost\" on \"how\" (2 rows, the first on line 3), \"police\" on \"how\" (1 row, on line 5)";
    assert!(err.contains(want), "{err}");
    let md = dir.read("v/validation.md");
    assert!(md.contains("**Gold themes on questions they do not apply to.** 2 themes are coded"), "{md}");
    assert!(md.contains("\"cost\" on \"how\" (2 rows, the first on line 3)"), "{md}");
    // Codes on questions the theme applies to say nothing.
    let out = dir.run(&with(&["validate"], &["--gold", "gold.csv", "--out", "v"]));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("does not apply"));
}

/// `validate | true` panicked ("failed printing to stdout: Broken pipe", exit 101),
/// and so did `validate > /dev/full` (adversarial testing): a closed pipe exits 0, a
/// full disk 3, and a failed check still exits 1 whatever became of standard output.
#[test]
fn validate_survives_a_closed_or_full_stdout() {
    let dir = fixture();
    let args = with(&["validate"], &["--gold", "gold.csv", "--out", "v"]);
    let out = dir.run_with_stdout(&args, None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let failing = with(&["validate"], &["--gold", "gold.csv", "--out", "v", "--min-f1", "0.99"]);
    let out = dir.run_with_stdout(&failing, None);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    if let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") {
        let out = dir.run_with_stdout(&args, Some(full));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{err}");
        assert!(err.contains("<stdout>: No space left on device"), "{err}");
    }
}

/// `run --codes-only --strict | head` exited 0 and never listed the rows it had
/// rejected, which were printed only at the end: rejects now go to standard error as
/// they are found, and a closed standard output still fails the run under --strict.
#[test]
fn codes_only_lists_rejects_as_found_and_strict_fails_on_a_closed_stdout() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\"cost*\"]\n");
    let mut csv = String::from("id,why\n1,a,b\n");
    for i in 2..20_000 {
        csv.push_str(&format!("{i},the cost was high, {i}\n").replace(", ", " "));
    }
    dir.write("r.csv", csv);
    let args = ["run", "--input", "r.csv", "--id-column", "id", "--text-column", "why", "--lexicon", "lex.toml"];
    let strict = [&args[..], &["--codes-only", "--strict"]].concat();
    let out = dir.run_with_stdout(&strict, None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("2,1,1,,\"row has 3 fields, the header has 2\""), "{err}");
    assert!(err.contains("1 row(s) rejected under --strict"), "{err}");
    // Without --strict a closed pipe is the reader's choice: exit 0, rejects still said.
    let out = dir.run_with_stdout(&[&args[..], &["--codes-only"]].concat(), None);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("row has 3 fields"));
    // A reject after the pipe closed still fails the run: --strict reads every row.
    dir.write("late.csv", dir.read("r.csv").replace("1,a,b\n", "") + "20000,a,b\n");
    let late = strict.iter().map(|a| if *a == "r.csv" { "late.csv" } else { a }).collect::<Vec<_>>();
    let out = dir.run_with_stdout(&late, None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("row has 3 fields"), "{err}");
}

/// `generate corpus --out - | head` exited 3 ("-: Broken pipe"): the csv writer's
/// error hid the closed pipe, which every command treats as the reader's choice.
#[test]
fn generate_exits_0_when_standard_output_closes() {
    let dir = Workdir::new();
    let out = dir.run_with_stdout(&["generate", "corpus", "--rows", "20000", "--out", "-"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `--min-f1 NaN` was accepted and passed every check, since nothing is below NaN
/// (adversarial testing): a bar must be a number from 0 to 1.
#[test]
fn validate_refuses_a_bar_that_is_not_from_0_to_1() {
    let dir = fixture();
    for bar in
        ["--min-f1=NaN", "--min-macro-f1=nan", "--min-f1=inf", "--min-f1=1.5", "--min-macro-f1=-0.1", "--min-f1="]
    {
        let err = dir.fails(&with(&["validate"], &["--gold", "gold.csv", "--out", "v", bar]), 2);
        assert!(err.contains("not a number from 0 to 1"), "{bar}: {err}");
    }
    assert!(!dir.join("v").exists(), "refused before anything is written");
    let err = dir.fails(&["lexicon", "check", "lex.toml", "--max-share", "NaN"], 2);
    assert!(err.contains("not a number from 0 to 1"), "{err}");
}

#[test]
fn explain_marks_matches_and_vetoes() {
    let dir = fixture();
    let out = dir.ok(&with(&["explain"], &["--respondent", "r1"]));
    assert!(out.contains("The [costs]{1} were huge, no legal aid"), "{out}");
    assert!(out.contains("negated by \"no\""), "{out}");
    let err = dir.fails(&with(&["explain"], &["--respondent", "nobody"]), 2);
    assert!(err.contains("no respondent \"nobody\""), "{err}");
}

#[test]
fn kwic_finds_stem_variants_with_context() {
    let dir = fixture();
    let out = dir.ok(&with(&["kwic", "cost"], &["--window", "2"]));
    assert!(out.contains("[costs] were huge"), "{out}");
    assert!(out.contains("[cost] was never"), "{out}");
    dir.ok(&with(&["kwic"], &["--theme", "cost", "--csv", "k.csv"]));
    let csv = dir.read("k.csv");
    assert!(csv.starts_with("respondent_id,question,left,match,right,entry,status\n"), "{csv}");
    assert!(csv.contains("r2,why,police did nothing and it was,expensive,,expens*,counted"), "{csv}");
    // the theme's own negation settings apply (negation_after = 3)
    assert!(csv.contains("r5,why,,cost,was never an issue,cost,negated"), "{csv}");
}

/// `kwic care` with a LIWC dictionary showed "they [cared] for me", which the
/// dictionary never matches (its words are not stemmed): a term matches as the
/// lexicon's themes do.
#[test]
fn kwic_term_matches_as_the_lexicon_does() {
    let dir = Workdir::new();
    dir.write("d.dic", "%\n1\tc\n%\ncare\t1\n");
    dir.write("t.toml", "[[theme]]\nid = \"c\"\nterms = [\"care\"]\n");
    dir.write("r.csv", "id,text\n1,they cared for me\n2,not good care\n");
    let kwic = |lexicon: &str| {
        dir.ok(&[
            "kwic",
            "care",
            "--input",
            "r.csv",
            "--id-column",
            "id",
            "--text-column",
            "text",
            "--lexicon",
            lexicon,
            "--csv",
            "k.csv",
        ]);
        dir.read("k.csv")
    };
    let dic = kwic("d.dic");
    assert!(!dic.contains("cared") && dic.contains("2,text,not good,care,,care,counted"), "{dic}");
    let toml = kwic("t.toml");
    assert!(toml.contains("cared") && toml.contains("2,text,not good,care,,care,negated"), "{toml}");
}

/// `kwic --theme` on a parent theme listed nothing (its occurrences are its
/// subthemes'), and with `--question` a theme that question does not code listed
/// nothing, as if no one used its words: it lists the subthemes' matches and says when
/// a theme is not coded.
#[test]
fn kwic_theme_takes_subthemes_and_says_when_not_coded() {
    let dir = Workdir::new();
    dir.write(
        "t.toml",
        "[[theme]]\nid = \"money\"\n\n[[theme]]\nid = \"cost\"\nparent = \"money\"\nterms = [\"cost\"]\n\n\
         [[theme]]\nid = \"police\"\nquestions = [\"other\"]\nterms = [\"police\"]\n",
    );
    dir.write("r.csv", "id,text,other\n1,the cost was high,\n2,police were slow,police\n");
    let kwic = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut a = vec!["kwic", "--input", "r.csv", "--id-column", "id", "--text-column", "text"];
        a.extend(["--text-column", "other", "--lexicon", "t.toml"]);
        a.extend(extra);
        a
    };
    dir.ok(&kwic(&["--theme", "money", "--csv", "k.csv"]));
    assert!(dir.read("k.csv").contains("1,text,the,cost,was high,cost,counted"), "{}", dir.read("k.csv"));
    dir.ok(&kwic(&["--theme", "police", "--csv", "k.csv"]));
    assert_eq!(dir.read("k.csv").lines().skip(1).collect::<Vec<_>>(), ["2,other,,police,,police,counted"]);
    let err = dir.fails(&kwic(&["--theme", "police", "--question", "text"]), 2);
    assert!(err.contains("theme `police` is not coded in question text (its `questions` name other)"), "{err}");
}

#[test]
fn suggest_ranks_what_the_theme_misses() {
    let dir = fixture();
    let out = dir.ok(&with(&["suggest"], &["--theme", "cost", "--gold", "gold.csv"]));
    // r3 and r4 are missed; both talk of solicitors, fees and thousands
    let first = out.lines().nth(1).unwrap_or("");
    assert!(first.starts_with("solicitor") || first.starts_with("fees") || first.starts_with("thousands"), "{out}");
    assert!(out.contains("terms = ["), "{out}");
}

/// `suggest --theme cost` on a gold file writing `Cost` found no human code of the
/// theme and said "the lexicon finds every answer people coded `cost`" (adversarial
/// testing): it holds the gold file's theme names to the lexicon as validate does, and
/// refuses a gold file with no code of the theme.
#[test]
fn suggest_checks_gold_theme_names_as_validate_does() {
    let dir = fixture();
    dir.write("case.csv", GOLD.replace(",cost", ",Cost"));
    let err = dir.fails(&with(&["suggest"], &["--theme", "cost", "--gold", "case.csv"]), 2);
    let want = "case.csv:2 (column \"theme\"): \"Cost\" (4 rows, the first on line 2) is not a theme id \
                of the lexicon; it has \"cost\". Theme ids are compared exactly";
    assert!(err.contains(want), "{err}");
    dir.write("police.csv", "respondent_id,question,theme\nr2,why,police\n");
    let err = dir.fails(&with(&["suggest"], &["--theme", "cost", "--gold", "police.csv"]), 2);
    assert!(err.contains("police.csv: no row codes the theme `cost`"), "{err}");
}

/// Human codes of a subtheme code its parent, as the pipeline rolls codes up: `suggest
/// --theme money` on a gold file that codes only `fees` (a child of `money`) found no
/// human code of `money` and refused.
#[test]
fn suggest_rolls_gold_codes_of_subthemes_up() {
    let dir = Workdir::new();
    dir.write("lex.toml", "[[theme]]\nid = \"money\"\nterms = [\"money\"]\n\n[[theme]]\nid = \"fees\"\nparent = \"money\"\nterms = [\"fee\"]\n");
    dir.write(
        "r.csv",
        "id,q\n1,the solicitor bills\n2,money\n3,solicitor bills again\n4,the weather was fine\n5,parking was hard\n",
    );
    dir.write("g.csv", "respondent_id,question,theme\n1,q,fees\n2,q,money\n3,q,fees\n");
    let args = ["suggest", "--input", "r.csv", "--id-column", "id", "--text-column", "q", "--lexicon", "lex.toml"];
    let out = dir.run(&[&args[..], &["--gold", "g.csv", "--theme", "money", "--min-answers", "2"]].concat());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 answers coded `money` by people but missed by the lexicon"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("solicitor"), "{err}");
}

#[test]
fn diff_shows_what_a_lexicon_edit_changed() {
    let dir = fixture();
    dir.ok(&with(&["run"], &["--out", "before", "-q"]));
    dir.write("lex.toml", LEXICON.replace("\"legal aid\"]", "\"legal aid\", \"solicitor*\"]"));
    let out = dir.ok(&with(&["diff"], &["--previous", "before", "--out", "d"]));
    assert!(out.contains("2 codes gained, 0 lost"), "{out}");
    let csv = dir.read("d/diff.csv");
    assert!(
        csv.contains(
            "r3,why,cost,gained,solicitor*,6,solicitor,\"entry `solicitor*` (line 6) matched \"\"solicitor\"\"\""
        ),
        "{csv}"
    );
    assert!(dir.read("d/diff.md").contains("| why | `cost` | 2 of 5 (40%) | 4 of 5 (80%) | +2 (+40 points) |"));
}

/// `diff --previous` against a run over other responses reported their codes as lost
/// and exited 0, with nothing to say the data differed. Edited data is one thing diff
/// is for, so it goes on, but warns on stderr and atop diff.md, naming both files and
/// their SHA-256; the same responses (or a folder without a manifest) say so too.
#[test]
fn diff_warns_when_the_previous_run_coded_other_responses() {
    let dir = fixture();
    let other = "id,why\nA1,the cost\nA2,the cost\n";
    dir.write("other.csv", other);
    dir.ok(&ad_hoc("other.csv", "why", "lex.toml", "prev", &["-q"]));
    let out = dir.run(&with(&["diff"], &["--previous", "prev", "--out", "d"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let sha = |text: &str| codeframe::input::csv::sha256_hex(text.as_bytes());
    let expected = format!(
        "prev coded other responses: its manifest records other.csv (SHA-256 {}), this diff codes r.csv (SHA-256 {})",
        sha(other),
        sha(RESPONSES)
    );
    assert!(stderr.contains(&format!("codeframe: warning: {expected}")), "{stderr}");
    assert!(dir.read("d/diff.md").contains(&format!("> **Warning:** {expected}")), "{}", dir.read("d/diff.md"));
    // The same responses: no warning.
    dir.ok(&with(&["run"], &["--out", "same", "-q"]));
    let out = dir.run(&with(&["diff"], &["--previous", "same", "--out", "d2"]));
    assert!(out.status.success() && !String::from_utf8_lossy(&out.stderr).contains("warning"), "{out:?}");
    assert!(!dir.read("d2/diff.md").contains("Warning"));
    // A previous folder without its manifest cannot be checked, and says so.
    std::fs::remove_file(dir.join("same/manifest.json")).unwrap();
    let out = dir.run(&with(&["diff"], &["--previous", "same", "--out", "d3"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.contains("same/manifest.json: cannot be read"), "{stderr}");
    assert!(stderr.contains("whether same coded these responses is not checked"), "{stderr}");
}

/// `diff` against a run that coded another column reported every theme as new or
/// removed without a word; it warns, naming the questions of each run.
#[test]
fn diff_warns_when_the_previous_run_coded_other_questions() {
    let dir = fixture();
    dir.write("two.csv", "id,why,how\nr1,the cost,the police\nr2,the police,the cost\n");
    dir.write("any.toml", "[[theme]]\nid = \"cost\"\nterms = [\"cost\"]\n");
    dir.ok(&ad_hoc("two.csv", "how", "any.toml", "prev", &["-q"]));
    let out = dir.run(&[
        "diff",
        "--input",
        "two.csv",
        "--id-column",
        "id",
        "--text-column",
        "why",
        "--lexicon",
        "any.toml",
        "--previous",
        "prev",
        "--out",
        "d",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let expected = "the previous run coded the open questions `how`, this one codes `why`: the codes of a question coded in only one of them are all gained or lost";
    assert!(stderr.contains(&format!("codeframe: warning: {expected}")), "{stderr}");
    assert!(dir.read("d/diff.md").contains(expected), "{}", dir.read("d/diff.md"));
}

/// A lost code named the entry that had matched, not the cause: an exclusion added to
/// a theme read "police lost by r2: entry `polic*` matched "police"" (testers' defect
/// 3). A loss now says why the new lexicon does not code it; a gain names the entry
/// that matches, with its line.
#[test]
fn diff_says_why_a_code_was_lost() {
    let dir = fixture();
    dir.ok(&with(&["run"], &["--out", "before", "-q"]));
    let edited = LEXICON.replace("terms = [\"polic*\"]", "terms = [\"polic*\"]\nexclude = [\"police did\"]");
    dir.write("lex.toml", &edited);
    dir.ok(&with(&["diff"], &["--previous", "before", "--out", "d"]));
    let md = dir.read("d/diff.md");
    let lost =
        "- why `police` lost by r2: `polic*` (line 12) matched \"police\" but was excluded by `police did` (line 13)";
    assert!(md.contains(lost), "{md}");
    let csv = dir.read("d/diff.csv");
    assert!(
        csv.contains(
            "r2,why,police,lost,polic*,12,police,\"`polic*` (line 12) matched \"\"police\"\" but was excluded"
        ),
        "{csv}"
    );
    // An entry taken out: no entry of the theme matches now.
    dir.write("lex.toml", LEXICON.replace("\"polic*\"", "\"constable\""));
    dir.ok(&with(&["diff"], &["--previous", "before", "--out", "d2"]));
    let md = dir.read("d2/diff.md");
    let gone = "- why `police` lost by r2: entry `polic*` is no longer in the theme and no other entry of it matches \
                (before, entry `polic*` (line 12) matched \"police\")";
    assert!(md.contains(gone), "{md}");
}

/// diff.md showed one decimal (`27 of 240 (11.3%)`) where summary.md shows whole
/// percentages, and `diff --one-decimal` was refused (testers' defect 4): diff rounds
/// as run does, whole by default, one decimal with `--one-decimal`.
#[test]
fn diff_rounds_percentages_as_run_does() {
    let dir = fixture();
    dir.ok(&with(&["run"], &["--out", "before", "-q"]));
    dir.write("lex.toml", LEXICON.replace("\"legal aid\"]", "\"legal aid\", \"solicitor*\"]"));
    dir.ok(&with(&["diff"], &["--previous", "before", "--out", "d"]));
    let md = dir.read("d/diff.md");
    assert!(md.contains("| why | `cost` | 2 of 5 (40%) | 4 of 5 (80%) | +2 (+40 points) |"), "{md}");
    dir.ok(&with(&["diff"], &["--previous", "before", "--out", "d1", "--one-decimal"]));
    let md = dir.read("d1/diff.md");
    assert!(md.contains("| why | `cost` | 2 of 5 (40.0%) | 4 of 5 (80.0%) | +2 (+40.0 points) |"), "{md}");
}

#[test]
fn lexicon_check_reads_a_corpus_as_a_run_reads_responses() {
    let dir = fixture();
    // A European export: semicolons, Windows-1252, the column named in another case.
    dir.write("c.csv", b"ID;Why\n1;caf\xe9 costs\n2;the police\n3;legal aid\n");
    dir.write("two.toml", "[[theme]]\nid = \"a\"\nterms = [\"cost\", \"zzz\"]\n");
    let out = dir.ok(&["lexicon", "check", "two.toml", "--corpus", "c.csv", "--text-column", "why"]);
    assert!(out.contains("entry `cost` matches 1 of 3 answers (33%)"), "{out}");
    assert!(out.contains("entry `zzz` never matches in the corpus (3 answers)"), "{out}");
    let out = dir.run(&["lexicon", "check", "two.toml", "--corpus", "c.csv", "--text-column", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("c.csv:1: no column \"nope\" in the header (columns: \"ID\", \"Why\")")
    );
}

/// `lexicon check --corpus` read the spec's own responses with default options: its
/// `keep_html = true` (and `sheet`, `encoding`, ...) ignored, so the check counted
/// other answers than a run codes.
#[test]
fn lexicon_check_reads_the_specs_own_responses_with_its_hints() {
    let dir = fixture();
    dir.write("web.csv", "id,why\n1,Staff&nbsp;were great\n2,<p>the cost</p>\n");
    dir.write("web.toml", "[[theme]]\nid = \"a\"\nterms = [\"nbsp\", \"cost\"]\n");
    dir.write(
        "keep.toml",
        "keep_html = true\nresponses = \"web.csv\"\nid_column = \"id\"\nlexicon = \"web.toml\"\n[[open]]\nid = \"why\"\n",
    );
    let read = dir.ok(&["lexicon", "check", "web.toml", "--corpus", "web.csv", "--text-column", "why"]);
    assert!(read.contains("entry `nbsp` never matches in the corpus (2 answers)"), "{read}");
    let kept = dir.ok(&["lexicon", "check", "web.toml", "--corpus", "web.csv", "--survey", "keep.toml"]);
    assert!(kept.contains("entry `nbsp` matches 1 of 2 answers (50%)"), "{kept}");
    let flag = dir.ok(&["lexicon", "check", "web.toml", "--corpus", "web.csv", "--text-column", "why", "--keep-html"]);
    assert_eq!(flag, kept);
}

#[test]
fn lexicon_check_test_and_explain() {
    let dir = fixture();
    dir.write("bad.toml", "[[theme]]\nid = \"a\"\nterms = [\"ok\", \"co*\", \"x NEAR/q y\"]\n");
    let out = dir.run(&["lexicon", "check", "bad.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.toml:3: theme `a`: entry \"x NEAR/q y\""));
    let out =
        dir.ok(&["lexicon", "check", "lex.toml", "--corpus", "r.csv", "--text-column", "why", "--max-share", "0.5"]);
    assert!(out.contains("entry `legal aid` matches") || out.contains("0 error(s)"), "{out}");
    let out = dir.ok(&["lexicon", "test", "lex.toml"]);
    assert!(out.contains("2 example(s) run, 0 failed"), "{out}");
    dir.write("lex2.toml", LEXICON.replace("no_match = [\"cost was never an issue\"]", "no_match = [\"the cost\"]"));
    let out = dir.run(&["lexicon", "test", "lex2.toml"]);
    assert_eq!(out.status.code(), Some(1));
    // every run warns about the failed example
    let run = dir.run(&ad_hoc("r.csv", "why", "lex2.toml", "o", &[]));
    assert!(String::from_utf8_lossy(&run.stderr).contains("example \"the cost\" should not assert it but does"));
    let out = dir.ok(&["lexicon", "explain", "--lexicon", "lex.toml", "It wasn't expensive but the police failed"]);
    assert!(out.contains("cost: `expens*` (line 6) matched \"expensive\" but was negated by \"wasn't\""), "{out}");
    assert!(out.contains("police (police)"), "{out}");
    // Two entries on the same words: one is left to the other, not "inside" it.
    dir.write("same.toml", "[[theme]]\nid = \"forms\"\nterms = [\"which form\", \"which forms\"]\n");
    let out = dir.ok(&["lexicon", "explain", "--lexicon", "same.toml", "Which forms to use is unclear"]);
    assert!(
        out.contains("`which forms` (line 3) matched \"Which forms\" but was left to `which form` (line 3), which matched the same words"),
        "{out}"
    );
    // Every match that did not count says why: a threshold not reached, a theme kept
    // to other questions, an overlap of equal length (the leftmost counts).
    dir.write(
        "why.toml",
        "[settings]\noverlap = \"lexicon\"\n[[theme]]\nid = \"fees\"\nthreshold = 1\n\
         terms = [{ term = \"price*\", weight = 0.5 }, { term = \"money\", weight = 0.5 }]\n\
         [[theme]]\nid = \"court\"\nterms = [\"court fees\"]\n[[theme]]\nid = \"apply\"\nterms = [\"fees apply\"]\n\
         [[theme]]\nid = \"police\"\nquestions = [\"qa\"]\nterms = [\"police\"]\n\
         [[theme]]\nid = \"fine\"\nterms = [\"fine NOTNEAR/2 parking\"]\n",
    );
    let args = [
        "lexicon",
        "explain",
        "--lexicon",
        "why.toml",
        "--question",
        "qb",
        "The prices; court fees apply; police; a parking fine",
    ];
    let out = dir.ok(&args);
    for why in [
        "`price*` (line 6) matched \"prices\" but was below the theme's threshold: its matches weigh 0.5 of 1",
        "`fees apply` (line 12) matched \"fees apply\" but was overlapped by \"court fees\", as long and further left",
        "`police` (line 16) matched \"police\" but was not counted in this question: the theme counts in qa only",
        "`fine NOTNEAR/2 parking` (line 19) matched \"fine\" but was blocked by \"parking\" nearby (NOTNEAR/2)",
    ] {
        assert!(out.contains(why), "{why}\n{out}");
    }
}

/// A backtick, prime or reversed apostrophe in `don`t` split the word, so `don`
/// negated nothing and ``I don`t think cost matters`` counted `cost`.
#[test]
fn apostrophe_lookalikes_negate_as_apostrophes_do() {
    let dir = Workdir::new();
    dir.write("l.toml", "name = \"x\"\n[[theme]]\nid = \"a\"\nterms = [\"cost\"]\n");
    for text in [
        "I don't think cost matters",
        "I don`t think cost matters",
        "I don\u{2032}t think cost matters",
        "I don\u{201B}t think cost matters",
    ] {
        let out = dir.ok(&["lexicon", "explain", "--lexicon", "l.toml", text]);
        assert!(out.contains("don't            don't          0.0 negator"), "{text:?}:\n{out}");
        assert!(out.contains("but was negated by") && out.ends_with("themes:\n  (none)\n"), "{text:?}:\n{out}");
    }
}

/// The spelling list merged different British words: a `cheque` theme matched
/// "Please check my details", `storey` matched "stories".
#[test]
fn spelling_variants_keep_different_british_words_apart() {
    let dir = Workdir::new();
    dir.write("l.toml", "name = \"x\"\n[[theme]]\nid = \"a\"\nterms = [\"cheque\", \"storey\", \"colour\"]\n");
    for (text, theme) in [("Please check my details", false), ("their stories", false), ("the color", true)] {
        let out = dir.ok(&["lexicon", "explain", "--lexicon", "l.toml", text]);
        assert_eq!(!out.ends_with("themes:\n  (none)\n"), theme, "{text:?}:\n{out}");
    }
}

/// Respondents type `naïve` and `café` with and without accents, and analysts write
/// lexicons without them: accents on Latin letters are folded, in answers, words and
/// globs alike (`lexicon explain` shows the folded form), unless `fold_accents = false`.
/// A regex holding an accented letter never matches folded words: `lexicon check` says so.
#[test]
fn accents_fold_unless_the_lexicon_keeps_them() {
    let dir = Workdir::new();
    let lexicon = |settings: &str| {
        format!(
            "name = \"x\"\n{settings}[[theme]]\nid = \"naive\"\nterms = [\"naive\"]\n\
             [[theme]]\nid = \"cafe\"\nterms = [\"cafe\"]\n[[theme]]\nid = \"glob\"\nterms = [\"naïv*\"]\n\
             regex = ['\\bcafé\\b']\n"
        )
    };
    // The normalised form `lexicon explain` shows for `word`.
    let norm = |out: &str, word: &str| -> Option<String> {
        out.lines().map(|l| l.split_whitespace().collect::<Vec<_>>()).find_map(|w| match w.as_slice() {
            [_, raw, norm, ..] if *raw == word => Some(norm.to_string()),
            _ => None,
        })
    };
    dir.write("l.toml", lexicon(""));
    let out = dir.ok(&["lexicon", "explain", "--lexicon", "l.toml", "I feel naïve about the café"]);
    let themes = out.split("themes:\n").nth(1).unwrap_or_default();
    for theme in ["  naive (naive): ", "  cafe (cafe): ", "  glob (glob): "] {
        assert!(themes.contains(theme), "{theme}\n{out}");
    }
    assert_eq!(norm(&out, "naïve").as_deref(), Some("naive"), "{out}");
    assert_eq!(norm(&out, "café").as_deref(), Some("cafe"), "{out}");
    let out = dir.ok(&["lexicon", "explain", "--lexicon", "l.toml", "the naivety of the CAFE"]);
    assert!(out.contains("  glob (glob): ") && out.contains("  cafe (cafe): "), "{out}");
    let out = dir.ok(&["lexicon", "check", "l.toml"]);
    assert!(
        out.contains(
            "warning: theme `glob`: regex `\\bcafé\\b` holds `é`, but regexes run over words with accents folded (fold_accents): write `\\bcafe\\b`"
        ),
        "{out}"
    );

    dir.write("l.toml", lexicon("[settings]\nfold_accents = false\n"));
    let out = dir.ok(&["lexicon", "explain", "--lexicon", "l.toml", "I feel naïve about the café"]);
    let themes = out.split("themes:\n").nth(1).unwrap_or_default();
    // The glob and the regex keep their accents as the words do, and match.
    assert!(!themes.contains("  naive (naive)") && !themes.contains("  cafe (cafe)"), "{out}");
    assert!(themes.contains("  glob (glob): "), "{out}");
    assert_eq!(norm(&out, "naïve").as_deref(), Some("naïve"), "{out}");
    let out = dir.ok(&["lexicon", "explain", "--lexicon", "l.toml", "the naivety"]);
    assert!(out.ends_with("themes:\n  (none)\n"), "{out}");
    let out = dir.ok(&["lexicon", "check", "l.toml"]);
    assert!(!out.contains("fold_accents"), "{out}");
}

/// `organiz*` and `color*` matched nothing: answers' words are mapped to British
/// spelling before matching, globs were not; and `lexicon check` said nothing of a
/// regex spelling `color`, which the mapped words never hold.
#[test]
fn american_globs_match_and_american_regexes_are_flagged() {
    let dir = Workdir::new();
    let lexicon =
        |terms: &str| format!("name = \"x\"\n[[theme]]\nid = \"a\"\nterms = [{terms}]\nregex = ['\\bcolor\\b']\n");
    for terms in ["\"organiz*\", \"color*\"", "\"organis*\", \"colour*\""] {
        dir.write("l.toml", lexicon(terms));
        for text in ["the organization chose a color", "the organisation chose a colour"] {
            let out = dir.ok(&["lexicon", "explain", "--lexicon", "l.toml", text]);
            assert!(
                out.contains(" matched \"organis") || out.contains(" matched \"organiz"),
                "{terms} {text:?}:\n{out}"
            );
            assert!(out.contains(" matched \"colo"), "{terms} {text:?}:\n{out}");
        }
    }
    let out = dir.ok(&["lexicon", "check", "l.toml"]);
    assert!(out.contains("l.toml:5: warning: theme `a`: regex `\\bcolor\\b` spells `color` the American way"), "{out}");
    assert!(out.contains("write `colour`") && out.contains("0 error(s), 1 warning(s)"), "{out}");
}

#[test]
fn lexicon_export_writes_dic_and_yaml_that_read_back() {
    let dir = Workdir::new();
    dir.write("m.dic", "%\n1\tcare\n2\tharm\n%\nkind*\t1\nhurt\t1\t2\nlook after\t1\nhurt\t2\n");
    let err = dir.ok(&["lexicon", "export", "m.dic", "--out", "m.yml"]);
    assert!(err.is_empty() || !err.contains("error"), "{err}");
    let yaml = dir.read("m.yml");
    assert!(yaml.contains("\"care\":") && yaml.contains("\"look after\"") && yaml.contains("\"kind*\""), "{yaml}");
    // The YAML reads back, and converts to the same .dic categories.
    dir.ok(&["lexicon", "export", "m.yml", "--out", "back.dic"]);
    let back = dir.read("back.dic");
    assert!(back.starts_with("%\n1\tcare\n2\tharm\n%\n"), "{back}");
    assert!(back.contains("hurt\t1\t2\n") && back.contains("look after\t1\n"), "{back}");
    // To standard output with --format; an unknown extension is a usage error; the
    // input is never overwritten.
    let out = dir.ok(&["lexicon", "export", "m.dic", "--out", "-", "--format", "yaml"]);
    assert!(out.starts_with("\"care\":"), "{out}");
    let err = dir.fails(&["lexicon", "export", "m.dic", "--out", "m.txt"], 2);
    assert!(err.contains("--format dic|yaml"), "{err}");
    dir.fails(&["lexicon", "export", "m.dic", "--out", "m.dic"], 2);
    assert!(dir.read("m.dic").contains("look after"));
}

#[test]
fn dictionary_flags_change_how_an_imported_dictionary_reads() {
    let dir = Workdir::new();
    // `hurt` is on two lines: by default in both categories, with last-line only in harm.
    dir.write("m.dic", "%\n1\tcare\n2\tharm\n%\nhurt\t1\nhurt\t2\nabus\t2\n");
    dir.write("r.csv", "id,text\nr1,it hurt\nr2,years of abuse\n");
    let src = ["--input", "r.csv", "--id-column", "id", "--text-column", "text", "--lexicon", "m.dic"];
    let run = |extra: &[&str], out: &str| {
        dir.ok(&[&["run"], &src[..], &["--out", out, "-q"], extra].concat());
        let codes = dir.read(&format!("{out}/codes.csv"));
        codes.lines().skip(1).map(|l| l.split(',').take(3).collect::<Vec<_>>().join(",")).collect::<Vec<_>>()
    };
    assert_eq!(run(&[], "a"), ["r1,text,care", "r1,text,harm"]);
    assert_eq!(run(&["--dictionary-duplicates", "last-line"], "b"), ["r1,text,harm"]);
    // As stems, `abus` matches `abuse` (stem `abus`), never as a prefix of other words.
    assert_eq!(run(&["--dictionary-terms", "stems"], "c"), ["r1,text,care", "r1,text,harm", "r2,text,harm"]);
    let manifest = dir.read("c/manifest.json");
    assert!(manifest.contains("\"dictionary_terms\": \"stems\""), "{manifest}");
    // lexicon check reads the same way and lists the reader's warning about `hurt`.
    let out = dir.ok(&["lexicon", "check", "m.dic"]);
    assert!(out.contains("m.dic:5: warning: term \"hurt\" is listed on lines 5, 6"), "{out}");
}

#[test]
fn a_folder_of_word_lists_is_a_lexicon_and_is_hashed_in_the_manifest() {
    let dir = Workdir::new();
    dir.write("lists/justice.txt", "police\ncourt*\n");
    dir.write("lists/money.txt", "cost\n");
    dir.write("r.csv", "id,text\nr1,the police and the courts\nr2,the cost\n");
    dir.ok(&ad_hoc("r.csv", "text", "lists", "o", &["-q"]));
    let codes = dir.read("o/codes.csv");
    assert!(codes.contains("r1,text,justice,2,") && codes.contains("r2,text,money,1,"), "{codes}");
    assert!(dir.read("o/manifest.json").contains("\"role\": \"lexicon\""));
}

/// `lexicon check` exits as everything else does: 3 for a file that cannot be read (it
/// was 1, a lexicon error); an empty lexicon is a warning in `lexicon check` and in
/// `run`, which coded nothing with it without a word.
#[test]
fn lexicon_check_exit_codes_and_empty_lexicons() {
    let dir = Workdir::new();
    let err = dir.fails(&["lexicon", "check", "nothere.toml"], 3);
    assert!(err.contains("nothere.toml"), "{err}");
    dir.write("empty.toml", "");
    dir.write("r.csv", "id,why\n1,the cost\n");
    let out = dir.ok(&["lexicon", "check", "empty.toml"]);
    assert!(out.contains("empty.toml: warning: the lexicon has no themes: a run codes no open answer"), "{out}");
    // A run works (init's starter lexicon has no themes: closed questions and answer
    // rates are results already) and says so.
    let args = ["--input", "r.csv", "--id-column", "id", "--text-column", "why", "--lexicon", "empty.toml"];
    let out = dir.run(&[&["run", "--out", "o"], &args[..]].concat());
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: lexicon empty.toml: the lexicon has no themes"), "{err}");
}

/// A regex that can never match fails silently (no hit, no error), so `run` warns
/// about it with its line, as `lexicon check` does, and codes with the rest.
#[test]
fn a_run_warns_about_a_regex_that_can_never_match() {
    let dir = Workdir::new();
    dir.write("l.toml", "[[theme]]\nid = \"aid\"\nterms = [\"lawyer\"]\nregex = ['\\bLegal aid\\b', 'legal aid']\n");
    dir.write("r.csv", "id,why\n1,Legal aid matters\n2,my lawyer\n");
    let args = ["--input", "r.csv", "--id-column", "id", "--text-column", "why", "--lexicon", "l.toml"];
    let out = dir.run(&[&["run", "--quiet", "--out", "o"], &args[..]].concat());
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: lexicon l.toml:4: theme `aid`: regex `\\bLegal aid\\b` can never match: it holds `L`, but words are in lower case: write `legal aid`"),
        "{err}"
    );
    assert_eq!(err.matches("can never match").count(), 1, "{err}");
    assert_eq!(dir.read("o/codes.csv").lines().count(), 3, "{}", dir.read("o/codes.csv"));
    let out = dir.ok(&["lexicon", "check", "l.toml"]);
    assert!(out.contains("l.toml:4: warning: theme `aid`: regex `\\bLegal aid\\b` can never match"), "{out}");
}

/// `generate ... --out -` writes to standard output, as `--input -` reads standard
/// input (it wrote a file named `-`).
#[test]
fn generate_writes_to_standard_output_for_a_dash() {
    let dir = Workdir::new();
    let corpus = dir.ok(&["generate", "corpus", "--rows", "3", "--out", "-"]);
    dir.ok(&["generate", "corpus", "--rows", "3", "--out", "c.csv"]);
    assert_eq!(corpus, dir.read("c.csv"));
    assert!(dir.ok(&["generate", "survey", "--out", "-"]).contains("[[open]]"));
    assert!(dir.ok(&["generate", "lexicon", "--entries", "5", "--out", "-"]).contains("[[theme]]"));
    assert!(!dir.join("-").exists());
}

/// The generated survey spec lists every respondent type the generated corpus writes,
/// so a benchmark run counts each where it belongs and warns of nothing.
#[test]
fn generated_survey_lists_every_generated_respondent_type() {
    let dir = Workdir::new();
    dir.ok(&["generate", "corpus", "--rows", "400", "--seed", "1", "--out", "c.csv"]);
    assert!(dir.read("c.csv").contains(",Other,"), "the corpus should hold an \"Other\" type");
    dir.ok(&["generate", "survey", "--out", "s.toml"]);
    dir.ok(&["generate", "lexicon", "--entries", "30", "--seed", "1", "--out", "l.toml"]);
    let out = dir.run(&["run", "--survey", "s.toml", "--input", "c.csv", "--lexicon", "l.toml", "--out", "o"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("respondent type"), "{err}");
}
