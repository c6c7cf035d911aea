//! Wrong input gets one clear line naming the file, and the row, column or lexicon
//! line where it applies, and exit code 2 (3 for I/O errors). Never a panic.

use crate::harness::Workdir;

const LEXICON: &str =
    "[[theme]]\nid = \"cost\"\nquestions = [\"why\"]\nterms = [\"cost\", \"legal aid\", \"harass*\"]\n";
const SURVEY: &str = "id_column = \"id\"\nlexicon = \"lex.toml\"\nresponses = \"r.csv\"\n[[open]]\nid = \"why\"\n";

fn fixture() -> Workdir {
    let dir = Workdir::new();
    dir.write("lex.toml", LEXICON);
    dir.write("survey.toml", SURVEY);
    dir.write("r.csv", "id,why\n1,the cost\n");
    dir
}

#[test]
fn missing_column_names_file_row_and_column() {
    let dir = fixture();
    dir.write("r.csv", "id,reason\n1,the cost\n");
    let err = dir.fails(&["run", "--survey", "survey.toml", "--out", "o"], 2);
    assert!(err.contains("r.csv:1: no column \"why\" in the header (columns: \"id\", \"reason\")"), "{err}");
}

/// A run that rejects every row exits 0, as any run with rejects does (`--strict` fails
/// it), but says so loudly, even under --quiet; a trailing delimiter is no reason.
#[test]
fn a_run_that_rejects_every_row_warns_and_trailing_delimiters_are_read() {
    let dir = fixture();
    dir.write("r.csv", "id,why\n1,the cost,\n2,fee,\n");
    let out = dir.run(&["run", "--survey", "survey.toml", "--out", "o", "-q"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(dir.read("o/rejects.csv").lines().count(), 1, "only the header");
    dir.write("r.csv", "id,why\n1,the cost,x\n2,fee,y\n");
    let out = dir.run(&["run", "--survey", "survey.toml", "--out", "o", "-q"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("warning: all 2 rows read were rejected, so nothing was coded"), "{err}");
    // Shards do not warn, their merge does (a tester found it silent).
    for k in ["1/2", "2/2"] {
        let out = dir.run(&["run", "--survey", "survey.toml", "--shard", k, "--out", &format!("p{}", &k[..1]), "-q"]);
        assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
    }
    let out = dir.run(&["merge", "p1", "p2", "--out", "m", "-q"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "warning: all 2 rows read were rejected, so nothing was coded: their lines and reasons are in m/rejects.csv"
        ),
        "{err}"
    );
}

#[test]
fn unknown_question_in_lexicon_names_the_line() {
    let dir = fixture();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nquestions = [\"q99\"]\nterms = [\"cost\"]\n");
    let err = dir.fails(&["run", "--survey", "survey.toml", "--out", "o"], 2);
    assert!(
        err.contains("lex.toml:1: theme `cost` applies to question `q99`, which the survey does not have"),
        "{err}"
    );
}

/// An entry's own `questions` are checked as a theme's are, and may not leave its
/// theme's questions (the entry could never count): both were accepted silently.
#[test]
fn an_entry_s_questions_are_checked_against_the_survey_and_its_theme() {
    let dir = fixture();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\n  { term = \"cost\", questions = [\"q9\"] },\n]\n");
    let err = dir.fails(&["run", "--survey", "survey.toml", "--out", "o"], 2);
    assert!(
        err.contains("lex.toml:")
            && err.contains("entry `cost` of theme `cost` applies to question `q9`, which the survey does not have"),
        "{err}"
    );
    dir.write("survey.toml", format!("{SURVEY}[[open]]\nid = \"how\"\n"));
    dir.write("r.csv", "id,why,how\n1,the cost,the cost\n");
    dir.write(
        "lex.toml",
        "[[theme]]\nid = \"cost\"\nquestions = [\"why\"]\nterms = [\n  { term = \"cost\", questions = [\"how\"] },\n]\n",
    );
    let err = dir.fails(&["run", "--survey", "survey.toml", "--out", "o"], 2);
    assert!(
        err.contains("applies to question `how`, but the theme applies only to `why`: the entry could never count"),
        "{err}"
    );
    // `lexicon check` lists it with the entry's line.
    let out = dir.run(&["lexicon", "check", "lex.toml", "--survey", "survey.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains("lex.toml:5: error: entry `cost` of theme `cost` applies to question `how`"), "{listed}");
}

/// `lexicon check --survey` listed only the first question the survey lacks, as
/// `lex.toml: error: lex.toml:1: ...` (the file named twice), and said nothing of an
/// entry kept outside its theme's questions without `--survey`.
#[test]
fn lexicon_check_lists_every_question_the_survey_lacks_naming_the_file_once() {
    let dir = fixture();
    dir.write(
        "lex.toml",
        "[[theme]]\nid = \"cost\"\nquestions = [\"why\", \"q98\"]\nterms = [\n  \"cost\",\n  \
         { term = \"fee\", questions = [\"q99\"] },\n  \"fee\", \"fee\",\n]\n",
    );
    let out = dir.run(&["lexicon", "check", "lex.toml", "--survey", "survey.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let listed = String::from_utf8_lossy(&out.stdout);
    for line in [
        "lex.toml:1: error: theme `cost` applies to question `q98`, which the survey does not have",
        "lex.toml:6: error: entry `fee` of theme `cost` applies to question `q99`, which the survey does not have",
        "lex.toml:6: error: entry `fee` of theme `cost` applies to question `q99`, but the theme applies only to `why`, `q98`",
        "lex.toml:7: warning: theme `cost`: entry `fee` duplicates `fee` (line 6)",
    ] {
        assert!(listed.contains(line), "{line}\n{listed}");
    }
    assert!(!listed.contains("lex.toml: lex.toml") && !listed.contains("error: lex.toml"), "{listed}");
    // Without a survey, the entry outside its theme's questions is still an error.
    let out = dir.run(&["lexicon", "check", "lex.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("lex.toml:6: error: entry `fee` of theme `cost` applies to question `q99`, but"),
        "{listed}"
    );
}

/// A theme id with a line break would break codes.csv rows and Markdown tables, and a
/// NaN threshold or weight would make a theme that can never be asserted, and a
/// negative threshold means nothing a 0 does not: each is an error with its line (all
/// were accepted silently).
#[test]
fn theme_ids_thresholds_and_weights_must_be_usable() {
    let dir = fixture();
    let cases = [
        ("[[theme]]\nid = \"a\\nb\"\nterms = [\"cost\"]\n", "lex.toml:1: theme id \"a\\nb\" holds a line break"),
        (
            "[[theme]]\nid = \"a\"\nthreshold = nan\nterms = [\"cost\"]\n",
            "lex.toml:3: theme `a`: threshold NaN is not a finite number",
        ),
        (
            "[[theme]]\nid = \"a\"\nterms = [\"cost\"]\nthreshold = -1\n",
            "lex.toml:4: theme `a`: threshold -1 is negative: it is the weight a theme's matches must add up to",
        ),
        (
            "[[theme]]\nid = \"a\"\nterms = [\n  { term = \"cost\", weight = inf },\n]\n",
            "lex.toml:4: theme `a`: an entry's weight inf is not a finite number",
        ),
    ];
    for (lexicon, expected) in cases {
        dir.write("lex.toml", lexicon);
        let err = dir.fails(&["run", "--survey", "survey.toml", "--out", "o"], 2);
        assert!(err.contains(expected), "{expected}: {err}");
    }
}

#[test]
fn malformed_toml_names_its_line() {
    let dir = fixture();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\"cost\"\n");
    let err = dir.fails(&["run", "--survey", "survey.toml", "--out", "o"], 2);
    assert!(err.contains("lex.toml:3: invalid lexicon"), "{err}");
    dir.write("survey.toml", "id_column = \nx");
    let err = dir.fails(&["run", "--survey", "survey.toml", "--out", "o"], 2);
    assert!(err.contains("survey.toml:2: invalid survey spec"), "{err}");
}

#[test]
fn bad_entry_names_theme_and_line() {
    let dir = fixture();
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\n  \"cost NEAR/x court\",\n]\n");
    let err = dir.fails(&["run", "--survey", "survey.toml", "--out", "o"], 2);
    assert!(err.contains("lex.toml:4: theme `cost`: entry \"cost NEAR/x court\""), "{err}");
}

#[test]
fn missing_input_file_is_an_io_error() {
    let dir = fixture();
    let err = dir.fails(&["run", "--survey", "survey.toml", "--input", "nope.csv", "--out", "o"], 3);
    assert!(err.contains("nope.csv"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let dir = fixture();
    dir.fails(&["run", "--no-such-flag"], 2);
    let err = dir.fails(&["run", "--input", "r.csv", "--lexicon", "lex.toml", "--out", "o"], 2);
    assert!(err.contains("--text-column"), "{err}");
}

/// `--threads` has a bound: a huge value is refused at once (it used to spawn threads
/// until the run hung or ran out of memory), naming the flag, the value and the bound.
#[test]
fn threads_over_the_bound_are_refused() {
    let dir = fixture();
    for value in ["1025", "100000", "18446744073709551615", "99999999999999999999999"] {
        let err = dir.fails(&["run", "--survey", "survey.toml", "--threads", value, "--out", "o"], 2);
        assert!(err.contains("--threads") && err.contains(value) && err.contains("1024"), "{err}");
        assert!(!dir.join("o").exists());
    }
    dir.ok(&["run", "--survey", "survey.toml", "--threads", "1024", "--out", "o", "-q"]);
    dir.ok(&["run", "--survey", "survey.toml", "--threads", "0", "--out", "o", "-q"]);
}

/// `--campaign-min 0` and `1` ran as 2 without a word: a campaign is at least two
/// respondents sending one text.
#[test]
fn a_campaign_of_fewer_than_two_is_refused() {
    let dir = fixture();
    for value in ["0", "1"] {
        let err = dir.fails(&["run", "--survey", "survey.toml", "--campaign-min", value, "--out", "o"], 2);
        assert!(err.contains("--campaign-min") && err.contains("2.."), "{err}");
        assert!(!dir.join("o").exists());
    }
    dir.ok(&["run", "--survey", "survey.toml", "--campaign-min", "2", "--out", "o", "-q"]);
}

/// `--max-cell-bytes 0` was taken: every row with an answer was rejected for a cell
/// "over the limit of 0". It is refused by every command that reads responses.
#[test]
fn max_cell_bytes_zero_is_refused() {
    let dir = fixture();
    for command in ["run", "validate", "explain", "kwic", "suggest", "diff", "merge"] {
        let err = dir.fails(&[command, "--survey", "survey.toml", "--max-cell-bytes", "0"], 2);
        assert!(err.contains("--max-cell-bytes") && err.contains("at least 1"), "{command}: {err}");
    }
    dir.ok(&["run", "--survey", "survey.toml", "--max-cell-bytes", "1", "--out", "o", "-q"]);
}

/// `--out` naming a symbolic link to nothing failed with "o: File exists (os error
/// 17)"; the error says what the link is and what to do.
#[cfg(unix)]
#[test]
fn an_out_folder_that_is_a_dangling_link_is_named_as_one() {
    let dir = fixture();
    std::os::unix::fs::symlink("missing/folder", dir.join("o")).unwrap();
    let err = dir.fails(&["run", "--survey", "survey.toml", "--out", "o/sub"], 2);
    assert!(err.contains("--out o/sub: o is a symbolic link to missing/folder, which does not exist"), "{err}");
    std::fs::create_dir_all(dir.join("missing/folder")).unwrap();
    dir.ok(&["run", "--survey", "survey.toml", "--out", "o/sub", "-q"]);
}

/// A repeated `--text-column` used to code the column twice (every code and frequency
/// row doubled); it is refused, naming the column.
#[test]
fn a_repeated_text_column_is_refused() {
    let dir = fixture();
    let args = ["run", "--input", "r.csv", "--id-column", "id", "--lexicon", "lex.toml", "--out", "o", "-q"];
    let twice = [&args[..], &["--text-column", "why", "--text-column", "why"]].concat();
    let err = dir.fails(&twice, 2);
    assert!(err.contains("--text-column \"why\" is given twice"), "{err}");
    assert!(!dir.join("o").exists());
    dir.ok(&[&args[..], &["--text-column", "why"]].concat());
}

/// Column flags beside a survey spec (or with no input: the demo) were silently
/// ignored: the spec's columns were read, not the ones named.
#[test]
fn column_flags_with_a_survey_spec_are_refused() {
    let dir = fixture();
    let spec = ["run", "--survey", "survey.toml", "--out", "o", "-q"];
    let err = dir.fails(&[&spec[..], &["--text-column", "other"]].concat(), 2);
    assert!(err.contains("--text-column names a column of an --input read without a survey spec"), "{err}");
    let err = dir.fails(&[&spec[..], &["--id-column", "nope"]].concat(), 2);
    assert!(err.contains("--id-column") && err.contains("the spec names its columns"), "{err}");
    let err = dir.fails(&["run", "--id-column", "nope", "--out", "o"], 2);
    assert!(err.contains("give --input and --text-column too"), "{err}");
    assert!(!dir.join("o").exists());
}

#[test]
fn refuses_to_overwrite_an_input() {
    let dir = fixture();
    dir.write("o/codes.csv", "id,why\n1,cost\n");
    let err = dir.fails(&["run", "--survey", "survey.toml", "--input", "o/codes.csv", "--out", "o"], 2);
    assert!(err.contains("would overwrite the input"), "{err}");
}

/// Every command that writes a file refuses one that is a file it reads: `validate
/// --gold out/validation.csv --out out` replaced the human codes with the figures,
/// and validate, diff, kwic --csv, init --force and run took the responses, spec or
/// lexicon inside their output just as readily (issue: data loss on --out).
#[test]
fn no_command_writes_over_a_file_it_reads() {
    let dir = fixture();
    let gold = "respondent_id,question,theme\n1,why,cost\n";
    dir.write("out/validation.csv", gold);
    let src = ["--survey", "survey.toml"];
    let err = dir.fails(&[&["validate"][..], &src, &["--gold", "out/validation.csv", "--out", "out"]].concat(), 2);
    assert!(
        err.contains("--out out would overwrite the input out/validation.csv (the human codes)")
            && err.contains("out/validation.csv: choose another folder"),
        "{err}"
    );
    assert_eq!(dir.read("out/validation.csv"), gold);

    // The responses, spec or lexicon inside the output folder, under an output's name.
    let responses = "id,why\n1,the cost\n";
    dir.write("d/disagreements.csv", responses);
    dir.write("d/diff.csv", responses);
    dir.write("d/gold.csv", gold);
    let on = |input: &str| {
        ["--input", input, "--id-column", "id", "--text-column", "why", "--lexicon", "lex.toml"]
            .map(String::from)
            .to_vec()
    };
    let args = |cmd: &[&str], source: &[String], rest: &[&str]| -> Vec<String> {
        cmd.iter()
            .map(|s| s.to_string())
            .chain(source.iter().cloned())
            .chain(rest.iter().map(|s| s.to_string()))
            .collect()
    };
    let fails = |a: Vec<String>| dir.fails(&a.iter().map(String::as_str).collect::<Vec<_>>(), 2);
    let err = fails(args(&["validate"], &on("d/disagreements.csv"), &["--gold", "d/gold.csv", "--out", "d"]));
    assert!(err.contains("--out d would overwrite the input d/disagreements.csv (the responses)"), "{err}");
    dir.ok(&["run", "--survey", "survey.toml", "--out", "prev", "-q"]);
    let err = fails(args(&["diff", "--previous", "prev"], &on("d/diff.csv"), &["--out", "./d/"]));
    assert!(err.contains("--out ./d/ would overwrite the input d/diff.csv (the responses) with ./d/diff.csv"), "{err}");
    let err = fails(args(&["kwic", "cost", "--csv", "d/../lex.toml"], &on("r.csv"), &[]));
    assert!(
        err.contains("--csv d/../lex.toml would overwrite the input lex.toml (the lexicon): choose another file"),
        "{err}"
    );
    let err = dir.fails(&["kwic", "cost", "--survey", "survey.toml", "--csv", "survey.toml"], 2);
    assert!(err.contains("would overwrite the input survey.toml (the survey spec)"), "{err}");
    let err = dir.fails(&["init", "r.csv", "--out", "r.csv", "--force"], 2);
    assert!(err.contains("--out r.csv would overwrite the input r.csv (the data)"), "{err}");
    dir.write("d/summary.md", responses);
    let err = dir.fails(
        &[
            "run",
            "--input",
            "d/summary.md",
            "--id-column",
            "id",
            "--text-column",
            "why",
            "--lexicon",
            "lex.toml",
            "--out",
            "d",
        ],
        2,
    );
    assert!(err.contains("--out d would overwrite the input d/summary.md (the responses)"), "{err}");
    for file in ["d/disagreements.csv", "d/diff.csv", "d/summary.md", "r.csv"] {
        assert_eq!(dir.read(file), responses, "{file}");
    }
    assert_eq!(dir.read("lex.toml"), LEXICON);
    assert_eq!(dir.read("survey.toml"), SURVEY);
    assert_eq!(std::fs::read_dir(dir.join("d")).unwrap().count(), 4, "nothing is written there");
    assert!(!dir.join("d/validation.csv").exists());

    // `lexicon export` says the same, of one file of a folder of word lists too.
    dir.write("words/cost.txt", "cost\nfee\n");
    let err = dir.fails(&["lexicon", "export", "words", "--format", "dic", "--out", "words/cost.txt"], 2);
    assert!(err.contains("--out words/cost.txt would overwrite the input words/cost.txt (the lexicon)"), "{err}");
    let err = dir.fails(&["lexicon", "export", "lex.toml", "--format", "yaml", "--out", "lex.toml"], 2);
    assert!(err.contains("would overwrite the input lex.toml (the lexicon)"), "{err}");
    assert_eq!(dir.read("words/cost.txt"), "cost\nfee\n");

    // Files of other names in the same folders are fine.
    dir.ok(&["validate", "--survey", "survey.toml", "--gold", "d/gold.csv", "--out", "d", "--min-f1", "0"]);
    dir.ok(&["kwic", "cost", "--survey", "survey.toml", "--csv", "d/k.csv"]);
}

/// Merge refuses an `--out` that would replace the responses its parts were coded
/// from, as run does: it refused only an `--out` that was one of the parts, and
/// replaced data/codes.csv with the merged codes.
#[test]
fn merge_refuses_to_overwrite_the_input() {
    let dir = fixture();
    let responses = "id,why\n1,the cost\n2,police\n";
    dir.write("data/codes.csv", responses);
    let run =
        ["run", "--input", "data/codes.csv", "--id-column", "id", "--text-column", "why", "--lexicon", "lex.toml"];
    let err = dir.fails(&[&run[..], &["--out", "data"]].concat(), 2);
    assert!(err.contains("--out data would overwrite the input data/codes.csv"), "{err}");
    for k in 1..=2 {
        let (shard, out) = (format!("{k}/2"), format!("p{k}"));
        dir.ok(&[&run[..], &["--shard", &shard, "--out", &out, "-q"]].concat());
    }
    for out in ["data", "./data/", "p1/../data"] {
        let err = dir.fails(&["merge", "p1", "p2", "--out", out], 2);
        assert!(err.contains(&format!("--out {out} would overwrite the input data/codes.csv")), "{err}");
    }
    assert_eq!(dir.read("data/codes.csv"), responses);
    assert_eq!(std::fs::read_dir(dir.join("data")).unwrap().count(), 1, "nothing else is written there");
    dir.ok(&["merge", "p1", "p2", "--out", "merged", "-q"]);
}

/// A hard link is the file under another name, which no path resolves to: the guard
/// compared resolved paths only, so `init --force` wrote its draft over the data
/// through `s.toml`, and run replaced-by-rename the responses' other name.
#[cfg(unix)]
#[test]
fn no_command_writes_over_a_hard_link_to_a_file_it_reads() {
    let dir = fixture();
    let data = "id,why\n1,police\n2,no\n";
    dir.write("data.csv", data);
    std::fs::hard_link(dir.join("data.csv"), dir.join("s.toml")).unwrap();
    let err = dir.fails(&["init", "data.csv", "--out", "s.toml", "--force"], 2);
    assert!(err.contains("--out s.toml would overwrite the input data.csv (the data): choose another file"), "{err}");
    assert_eq!(dir.read("data.csv"), data);

    std::fs::create_dir(dir.join("o")).unwrap();
    std::fs::hard_link(dir.join("data.csv"), dir.join("o/summary.md")).unwrap();
    let run = ["run", "--input", "data.csv", "--id-column", "id", "--text-column", "why", "--lexicon", "lex.toml"];
    let err = dir.fails(&[&run[..], &["--out", "o"]].concat(), 2);
    assert!(err.contains("--out o would overwrite the input data.csv (the responses) with o/summary.md"), "{err}");
    assert_eq!(dir.read("data.csv"), data);
    dir.ok(&["init", "data.csv", "--out", "spec.toml"]);
}

/// Merge run from another folder than the shards resolved the responses' path the
/// parts record (relative to where they ran) from there, missed them, and replaced
/// ../A/codes.csv with the merged codes. A file in --out holding the recorded
/// responses (by SHA-256), spec or lexicon is refused, whatever its path.
#[test]
fn merge_from_another_folder_refuses_to_overwrite_the_responses() {
    let dir = fixture();
    let responses = "id,why\n1,the cost\n2,police\n";
    dir.write("A/codes.csv", responses);
    dir.write("A/lex.toml", LEXICON);
    dir.write("B/.keep", "");
    let in_a = |args: &[&str], at: &str| dir.run_in(at, args);
    let run = ["run", "--input", "codes.csv", "--id-column", "id", "--text-column", "why", "--lexicon", "lex.toml"];
    for k in 1..=2 {
        let (shard, out) = (format!("{k}/2"), format!("p{k}"));
        let o = in_a(&[&run[..], &["--shard", &shard, "--out", &out, "-q"]].concat(), "A");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let merge = ["merge", "../A/p1", "../A/p2", "--lexicon", "../A/lex.toml", "--out", "../A"];
    let o = in_a(&merge, "B");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "--out ../A would overwrite ../A/codes.csv, which holds the responses the parts were coded from (codes.csv)"
        ),
        "{err}"
    );
    assert_eq!(dir.read("A/codes.csv"), responses);

    // The lexicon, copied into --out under an output's name, likewise.
    dir.write("C/summary.md", LEXICON);
    let o = in_a(&["merge", "../A/p1", "../A/p2", "--lexicon", "../A/lex.toml", "--out", "../C"], "B");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("would overwrite ../C/summary.md, which holds the lexicon the parts were coded with"),
        "{err}"
    );
    assert_eq!(dir.read("C/summary.md"), LEXICON);
    let o = in_a(&["merge", "../A/p1", "../A/p2", "--lexicon", "../A/lex.toml", "--out", "m", "-q"], "B");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// `merge --input X` was accepted and ignored: merge reads no responses, and X was
/// never compared with the responses the parts were coded from. It is checked against
/// the SHA-256 they record, and refused on a mismatch naming both; `-` is refused.
#[test]
fn merge_checks_its_input_against_the_parts() {
    let dir = fixture();
    dir.write("other.csv", "id,why\n1,the fee\n");
    for k in 1..=2 {
        let (shard, out) = (format!("{k}/2"), format!("p{k}"));
        dir.ok(&["run", "--survey", "survey.toml", "--shard", &shard, "--out", &out, "-q"]);
    }
    let err = dir.fails(&["merge", "p1", "p2", "--input", "other.csv", "--out", "m"], 2);
    assert!(
        err.contains("--input other.csv (SHA-256 ")
            && err.contains("is not the responses the parts were coded from: p1 records r.csv (SHA-256 "),
        "{err}"
    );
    let err = dir.fails(&["merge", "p1", "p2", "--input", "-", "--out", "m"], 2);
    assert!(err.contains("merge reads no responses, so --input - (standard input) cannot be checked"), "{err}");
    assert!(!dir.join("m").exists(), "nothing is written");
    dir.write("copy.csv", dir.read("r.csv"));
    dir.ok(&["merge", "p1", "p2", "--input", "copy.csv", "--out", "m", "-q"]);
}

/// A partial run from another version of codeframe is refused by its format tag, with
/// what to do, not with a missing field; a file that is not a partial run says so.
#[test]
fn merge_names_a_partial_of_another_format() {
    let dir = fixture();
    dir.ok(&["run", "--survey", "survey.toml", "--shard", "1/2", "--out", "p1", "-q"]);
    dir.ok(&["run", "--survey", "survey.toml", "--shard", "2/2", "--out", "p2", "-q"]);
    dir.ok(&["merge", "p1", "p2", "--survey", "survey.toml", "--out", "m"]);
    let text = dir.read("p2/partial.json");
    dir.write("p2/partial.json", text.replace(codeframe::pipeline::PARTIAL_FORMAT, "codeframe-partial/1"));
    let err = dir.fails(&["merge", "p1", "p2", "--survey", "survey.toml", "--out", "m2"], 2);
    assert!(
        err.contains("p2/partial.json") && err.contains("\"codeframe-partial/1\"") && err.contains("rerun the shards"),
        "{err}"
    );
    dir.write("p2/partial.json", "{\"rows\": 3}");
    let err = dir.fails(&["merge", "p1", "p2", "--survey", "survey.toml", "--out", "m3"], 2);
    assert!(err.contains("p2/partial.json") && err.contains("not a partial run"), "{err}");
    // Found by a tester (qa-batch): a whole run's folder, or a file, given as a part
    // failed as an I/O error (exit 3) with the OS's words.
    dir.ok(&["run", "--survey", "survey.toml", "--out", "whole", "-q"]);
    let err = dir.fails(&["merge", "p1", "whole", "--out", "m4"], 2);
    assert!(
        err.contains(
            "whole: not a partial run: it holds a whole run's outputs (manifest.json), not a shard's partial.json"
        ),
        "{err}"
    );
    let err = dir.fails(&["merge", "r.csv", "--out", "m4"], 2);
    assert!(err.contains("r.csv: not a partial run: it is a file, not a folder"), "{err}");
    std::fs::create_dir(dir.join("empty")).unwrap();
    let err = dir.fails(&["merge", "p1", "empty", "--out", "m4"], 2);
    assert!(err.contains("empty: not a partial run: it holds no partial.json"), "{err}");
}

/// A part's row file truncated or edited after its run (a copy cut short in transit)
/// is refused by the SHA-256 its partial.json records, naming the file; a partial.json
/// without the record (written before it existed) merges unchecked.
#[test]
fn merge_refuses_a_part_file_changed_since_its_run() {
    let dir = fixture();
    dir.write("r.csv", "id,why\n1,the cost\n2,legal aid\n3,harassed\n4,nothing\n");
    dir.ok(&["run", "--survey", "survey.toml", "--shard", "1/2", "--out", "p1", "-q"]);
    dir.ok(&["run", "--survey", "survey.toml", "--shard", "2/2", "--out", "p2", "-q"]);
    dir.ok(&["merge", "p1", "p2", "--out", "m"]);
    let codes = dir.read("p2/codes.csv");
    dir.write("p2/codes.csv", &codes[..codes.len() - 3]);
    let err = dir.fails(&["merge", "p1", "p2", "--out", "m2"], 2);
    assert!(err.contains("p2/codes.csv") && err.contains("not the file its run wrote"), "{err}");
    dir.write("p2/codes.csv", &codes);
    dir.write("p1/rejects.csv", dir.read("p1/rejects.csv") + "9,9,x,,edited\n");
    let err = dir.fails(&["merge", "p1", "p2", "--out", "m2"], 2);
    assert!(err.contains("p1/rejects.csv") && err.contains("not the file its run wrote"), "{err}");
    let mut part: serde_json::Value = serde_json::from_str(&dir.read("p1/partial.json")).unwrap();
    let listed = part["files"].clone();
    part["files"][0]["name"] = "../r.csv".into();
    dir.write("p1/partial.json", crate::harness::sealed_partial(&part));
    let err = dir.fails(&["merge", "p1", "p2", "--out", "m2"], 2);
    assert!(err.contains("p1/partial.json") && err.contains("\"../r.csv\" among its row files"), "{err}");
    part["files"] = listed;
    part.as_object_mut().unwrap().remove("files");
    dir.write("p1/partial.json", crate::harness::sealed_partial(&part));
    dir.ok(&["merge", "p1", "p2", "--out", "m3"]);
}

/// A part's partial.json changed after its run (everyone's count of a theme raised
/// by 5) merged silently: theme_frequencies.csv said 1375 where a whole
/// run says 1370, while codes.csv and the manifest looked right. The file ends with
/// its own SHA-256, so a change, a cut or a rewrite by another JSON writer is refused,
/// naming it; one without the seal is not a partial run this version writes.
#[test]
fn merge_refuses_a_partial_json_changed_since_its_run() {
    let dir = fixture();
    dir.write("r.csv", "id,why,who\n1,the cost,A\n2,legal aid,B\n3,harassed,A\n4,nothing,B\n");
    let types = "[respondent_type]\ncolumn = \"who\"\ndefault = \"A\"\ntypes = [{ name = \"A\" }, { name = \"B\" }]\n";
    dir.write("survey.toml", format!("{SURVEY}{types}"));
    dir.ok(&["run", "--survey", "survey.toml", "--shard", "1/2", "--out", "p1", "-q"]);
    dir.ok(&["run", "--survey", "survey.toml", "--shard", "2/2", "--out", "p2", "-q"]);
    let text = dir.read("p1/partial.json");
    let mut part: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Within what the part's own counts allow: 1 answer of its 2 coded raised it.
    assert_eq!(part["tally"]["total"]["open"][0]["themes"][0], 2, "{text}");
    part["tally"]["total"]["open"][0]["themes"][0] = 1.into();
    let edited = text.replacen(r#""themes":[2]"#, r#""themes":[1]"#, 1);
    let cut = &text[..text.len() - 1];
    let rewritten = part.to_string();
    let unsealed = text.replace(r#","sha256":"#, r#","sha257":"#);
    for (what, bytes, expected) in [
        ("a count edited", edited.as_str(), "not the file its run wrote (it records SHA-256 "),
        ("cut short", cut, "not a partial run"),
        ("rewritten by another JSON writer", rewritten.as_str(), "does not end with the SHA-256 its run sealed it"),
        ("no seal", unsealed.as_str(), "does not end with the SHA-256 its run sealed it"),
    ] {
        dir.write("p1/partial.json", bytes);
        let err = dir.fails(&["merge", "p1", "p2", "--out", "m"], 2);
        assert!(err.contains("p1/partial.json") && err.contains(expected), "{what}: {err}");
        assert!(!dir.join("m").exists(), "{what}: nothing is written");
    }
    // The edit sealed again passes the seal, but not the check that everyone's counts
    // are the sum of each respondent type's.
    dir.write("p1/partial.json", crate::harness::sealed_partial(&part));
    let err = dir.fails(&["merge", "p1", "p2", "--out", "m"], 2);
    assert!(
        err.contains("p1/partial.json") && err.contains("respondent types' counts do not add up to all respondents'"),
        "{err}"
    );
    dir.write("p1/partial.json", &text);
    dir.ok(&["merge", "p1", "p2", "--out", "m", "-q"]);
}

/// `eprintln!` panicked when standard error was a closed pipe or a full disk (exit
/// 101: `codeframe run ... 2>/dev/full`, `codeframe validate ... 2>&1 >/dev/null | true`):
/// what cannot be written there is dropped, and the exit code is the one a run with a
/// working standard error gets: 0 with warnings, the error's code on an error.
#[cfg(target_os = "linux")]
#[test]
fn a_closed_or_full_stderr_keeps_the_exit_code() {
    let dir = fixture();
    // A failing lexicon example (a warning on every run) and a repeated id (a reject).
    dir.write("lex.toml", format!("{LEXICON}examples = {{ match = [\"the weather\"] }}\n"));
    dir.write("r.csv", "id,why\n1,the cost\n1,again\n");
    dir.write("gold.csv", "respondent_id,question,theme\n1,why,cost\n1,why,hope\n");
    let survey = ["--survey", "survey.toml"];
    let cases: [(Vec<&str>, i32); 7] = [
        ([&["run"][..], &survey, &["--out", "o"]].concat(), 0),
        ([&["run"][..], &survey, &["--codes-only"]].concat(), 0),
        ([&["run"][..], &survey, &["--codes-only", "--strict"]].concat(), 1),
        ([&["validate"][..], &survey, &["--gold", "gold.csv", "--out", "v"]].concat(), 0),
        ([&["validate"][..], &survey, &["--gold", "gold.csv", "--out", "v", "--min-f1", "1"]].concat(), 1),
        (vec!["run", "--input", "r.csv", "--lexicon", "lex.toml", "--out", "o"], 2),
        ([&["run"][..], &survey, &["--input", "nope.csv", "--out", "o"]].concat(), 3),
    ];
    for (args, code) in &cases {
        // Each writes to standard error when it can, so the cases below do write there.
        let err = dir.fails(args, *code);
        let want = if *code == 0 { "warning:" } else { "error:" };
        assert!(err.contains(want), "{args:?}: {err}");
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full on Linux");
        for (stderr, out) in
            [("a closed pipe", dir.run_with_stderr(args, None)), ("/dev/full", dir.run_with_stderr(args, Some(full)))]
        {
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(*code), "{args:?} with stderr {stderr}: stdout:\n{stdout}");
        }
    }
}

/// Parts coded from different inputs were refused with "p1 and p2 differ in their
/// inputs (survey, lexicon, columns or responses)": which one, and how, was left to
/// guess. The message names the input that differs with both paths and SHA-256s, or
/// both parts' columns, as the options' message names both values.
#[test]
fn merge_names_the_input_two_parts_differ_in() {
    let dir = fixture();
    let sha256 = |name: &str| codeframe::input::csv::sha256_hex(&std::fs::read(dir.join(name)).unwrap());
    let shard = |k: u32, out: &str| {
        let shard = format!("{k}/2");
        dir.ok(&["run", "--survey", "survey.toml", "--shard", &shard, "--out", out, "-q"]);
    };
    shard(1, "p1");
    let (r1, l1) = (sha256("r.csv"), sha256("lex.toml"));
    dir.write("r.csv", "id,why\n1,the fee\n");
    shard(2, "p2");
    let r2 = sha256("r.csv");
    let err = dir.fails(&["merge", "p1", "p2", "--out", "m"], 2);
    let want = format!("p1 and p2 differ in their responses (r.csv, SHA-256 {r1} in p1; r.csv, SHA-256 {r2} in p2)");
    assert!(err.contains(&want), "{err}");

    dir.write("lex.toml", format!("{LEXICON}\n"));
    shard(2, "p3");
    let err = dir.fails(&["merge", "p1", "p3", "--lexicon", "lex.toml", "--out", "m"], 2);
    let l3 = sha256("lex.toml");
    let want =
        format!("p1 and p3 differ in their lexicon (lex.toml, SHA-256 {l1} in p1; lex.toml, SHA-256 {l3} in p3)");
    assert!(err.contains(&want), "{err}");

    dir.write("r.csv", "id,why,how\n1,the cost,police\n2,the fee,court\n");
    dir.write("lex.toml", "[[theme]]\nid = \"cost\"\nterms = [\"cost\"]\n");
    let ad_hoc = |k: u32, column: &str, out: &str| {
        let shard = format!("{k}/2");
        let args = crate::harness::ad_hoc("r.csv", column, "lex.toml", out, &["--shard", &shard, "-q"]);
        dir.ok(&args);
    };
    ad_hoc(1, "why", "c1");
    ad_hoc(2, "how", "c2");
    let err = dir.fails(&["merge", "c1", "c2", "--out", "m"], 2);
    let want = r#"c1 and c2 differ in their columns (--id-column "id" --text-column "why" in c1; --id-column "id" --text-column "how" in c2)"#;
    assert!(err.contains(want), "{err}");
    assert!(!dir.join("m").exists(), "nothing is written");
}

/// A lexicon's several mistakes: each line had to carry `codeframe: error:` (only the
/// first did), in line order (they came 9, 23, 19: entries, then exclusions, then
/// parents), the unknown parent at its `parent =` line (it was the `[[theme]]` line);
/// and `lexicon test` named a failed example `line 8:`, without its file.
#[test]
fn a_lexicons_mistakes_are_a_prefixed_line_each_in_line_order() {
    let dir = fixture();
    dir.write(
        "par.toml",
        "name = \"x\"\n[[theme]]\nid = \"a\"\nlabel = \"A\"\nterms = [\"kind\"]\nexclude = [\"x NEAR/0 y\"]\n\n\
         parent=\"zz\"\n[[theme]]\nid = \"b\"\nlabel = \"B\"\nterms = [\"nice\", \"x BEFORE/q y\"]\nparent=\"b\"\n",
    );
    let err = dir.fails(&["lexicon", "check", "par.toml"], 1);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            "codeframe: error: par.toml:6: theme `a`: entry \"x NEAR/0 y\": `NEAR/0`: the window must be between 1 and 1000",
            "codeframe: error: par.toml:8: theme `a` has unknown parent `zz`",
            "codeframe: error: par.toml:12: theme `b`: entry \"x BEFORE/q y\": `BEFORE/q`: the window after `/` must be a whole number, as in `BEFORE/3`",
            "codeframe: error: par.toml:13: theme `b`: parent chain loops: `b` -> `b`",
        ],
        "{err}"
    );
    dir.write(
        "ex.toml",
        "[[theme]]\nid = \"a\"\nterms = [\"cost\"]\n[theme.examples]\nmatch = [\"the cost\",\n\"fees\"]\n",
    );
    let out = dir.run(&["lexicon", "test", "ex.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains("FAIL ex.toml:6: theme `a`: example \"fees\" should assert it but does not"), "{listed}");
}
