//! Hostile input (issue 7): each pathological input has a test stating what happens.
//! Big inputs are generated in a temporary folder; README.md ("Hostile input") lists them all.

use std::time::Instant;

use codeframe::coding;
use codeframe::lexicon::{CompiledLexicon, Lexicon};
use codeframe::matching::Scanner;
use codeframe::text::{Analyzer, AnalyzerOptions};

use crate::harness::Workdir;

const LEXICON: &str = "[[theme]]\nid = \"cost\"\nterms = [\"cost\", \"legal aid\", \"harass*\"]\n\n\
    [[theme]]\nid = \"police\"\nterms = [\"police\"]\n";
const SURVEY: &str = "id_column = \"id\"\nlexicon = \"lex.toml\"\nresponses = \"r.csv\"\n[[open]]\nid = \"why\"\n";

/// A folder with the survey, the lexicon and `responses` as r.csv.
fn fixture(responses: impl AsRef<[u8]>) -> Workdir {
    let dir = Workdir::new();
    dir.write("lex.toml", LEXICON);
    dir.write("survey.toml", SURVEY);
    dir.write("r.csv", responses);
    dir
}

/// Runs the survey into `o/` (with `extra` flags) and asserts success.
fn run(dir: &Workdir, extra: &[&str]) {
    let mut args = vec!["run", "--survey", "survey.toml", "--out", "o", "-q"];
    args.extend_from_slice(extra);
    dir.ok(&args);
}

/// rejects.csv as (line, reason).
fn rejects(dir: &Workdir) -> Vec<(u64, String)> {
    let mut r = csv::Reader::from_path(dir.join("o/rejects.csv")).unwrap();
    r.records().map(|rec| rec.unwrap()).map(|rec| (rec[0].parse().unwrap(), rec[4].to_string())).collect()
}

/// codes.csv as (respondent, theme, hits).
fn codes(dir: &Workdir) -> Vec<(String, String, u64)> {
    let mut r = csv::Reader::from_path(dir.join("o/codes.csv")).unwrap();
    r.records()
        .map(|rec| rec.unwrap())
        .map(|rec| (rec[0].to_string(), rec[2].to_string(), rec[3].parse().unwrap()))
        .collect()
}

fn code(id: &str, theme: &str, hits: u64) -> (String, String, u64) {
    (id.to_string(), theme.to_string(), hits)
}

/// The manifest's (rows read, coded, rejected).
fn rows(dir: &Workdir) -> (u64, u64, u64) {
    let m: serde_json::Value = serde_json::from_str(&dir.read("o/manifest.json")).unwrap();
    let n = |k: &str| m["rows"][k].as_u64().unwrap();
    (n("read"), n("coded"), n("rejected"))
}

#[test]
fn empty_file_is_an_error_naming_it() {
    let dir = fixture("");
    let err = dir.fails(&["run", "--survey", "survey.toml", "--out", "o"], 2);
    assert!(err.contains("r.csv: the file is empty: no header row"), "{err}");
}

#[test]
fn header_only_codes_nothing_and_writes_every_report() {
    let dir = fixture("id,why\n");
    run(&dir, &[]);
    assert_eq!(rows(&dir), (0, 0, 0));
    for file in [
        "codes.csv",
        "rejects.csv",
        "summary.md",
        "summary.json",
        "report.html",
        "theme_frequencies.csv",
        "cooccurrence.csv",
        "crosstabs.csv",
        "respondents.csv",
        "closed_answers.csv",
        "codeframe.xlsx",
        "manifest.json",
    ] {
        assert!(dir.join("o").join(file).is_file(), "{file} missing");
    }
    assert_eq!(dir.read("o/codes.csv").lines().count(), 1);
}

#[test]
fn bom_crlf_and_lone_cr_keep_line_numbers_right() {
    // line 1 header (CRLF), 2 ok (CRLF), 3 bad (CR), 4 ok (CRLF), 5 bad (LF),
    // 6-7 a quoted CRLF inside a bad row, 8 ok (no final line break)
    let dir = fixture("\u{FEFF}id,why\r\n1,the cost\r\n2,too,many\r3,police\r\n4\n5,\"two\r\nlines\",x\r\n6,legal aid");
    run(&dir, &[]);
    assert_eq!(
        rejects(&dir),
        [
            (3, "row has 3 fields, the header has 2".to_string()),
            (5, "row has 1 fields, the header has 2".to_string()),
            (6, "row has 3 fields, the header has 2".to_string()),
        ]
    );
    assert_eq!(codes(&dir), [code("1", "cost", 1), code("3", "police", 1), code("6", "cost", 1)]);
    assert_eq!(rows(&dir), (6, 3, 3));
}

#[test]
fn blank_lines_are_no_rows_and_a_row_after_them_keeps_its_own_line() {
    // line 1 header, 2 blank, 3 ok, 4-5 blank (CRLF, LF), 6 bad, 7 blank, 8 ok
    let dir = fixture("id,why\n\n1,the cost\n\r\n\n2,too,many\n\n3,police\n\n");
    run(&dir, &[]);
    assert_eq!(rejects(&dir), [(6, "row has 3 fields, the header has 2".to_string())]);
    assert_eq!(codes(&dir), [code("1", "cost", 1), code("3", "police", 1)]);
    assert_eq!(rows(&dir), (3, 2, 1));
}

#[test]
fn nul_bytes_split_words_in_cells_and_name_the_header_column() {
    // A NUL is not a word character: `co\0st` is two words, neither `cost`.
    let dir = fixture("id,why\n1,co\0st and police\n2,\0\0\0\n");
    run(&dir, &[]);
    assert_eq!(codes(&dir), [code("1", "police", 1)]);
    assert_eq!(rows(&dir), (2, 2, 0));
    // In the header, the column is not the survey's: an error that shows the NUL.
    let dir = fixture("id,w\0hy\n1,cost\n");
    let err = dir.fails(&["run", "--survey", "survey.toml", "--out", "o"], 2);
    assert!(err.contains("no column \"why\" in the header (columns: \"id\", \"w\\0hy\")"), "{err}");
}

#[test]
fn an_unclosed_quote_rejects_its_row_which_holds_the_rest_of_the_file() {
    // The quote opens in the last column: the field count is right, yet rows 3 and 4
    // were swallowed into row 2, which is rejected with the lines it covers.
    let dir = fixture("id,why\n1,the cost\n2,\"police\n3,harassment\n4,legal aid\n");
    run(&dir, &[]);
    let reason = "a quote opened in this row is never closed: the rest of the file (to line 5) was read as this row";
    assert_eq!(rejects(&dir), [(3, reason.to_string())]);
    assert_eq!(codes(&dir), [code("1", "cost", 1)]);
    assert_eq!(rows(&dir), (2, 1, 1));
    // Opening in the first column (so the field count is wrong too): the same reason.
    let dir = fixture("id,why\r\n1,police\r\n\"2,cost\r\n3,cost");
    run(&dir, &[]);
    assert_eq!(rejects(&dir), [(3, reason.replace("line 5", "line 4"))]);
    dir.fails(&["run", "--survey", "survey.toml", "--out", "o2", "--strict"], 1);
    // In the header: the whole file is the header, an error.
    let dir = fixture("id,why,\"notes\n1,cost,x\n");
    let err = dir.fails(&["run", "--survey", "survey.toml", "--out", "o"], 2);
    assert!(err.contains("r.csv:1: the header row opens a quote that is never closed: all 2 lines"), "{err}");
}

/// A quote never closed, a huge cell or a huge line was held whole while it was read
/// (1.45 GB for 400 MB under `--max-cell-bytes 1000`), and rejects.csv copied a huge
/// line whole as its id: now such a row is read through, rejected at its line, and
/// its id cut.
#[test]
fn rows_over_the_cell_limit_are_read_through_rejected_and_cut_in_rejects() {
    let long = "a".repeat(1 << 20);
    let lines = "the cost\n".repeat(40 << 10);
    let dir = fixture(format!("id,why\n1,cost\n2,police\n{long}\n4,\"{lines}\"\n5,police\n6,\"{lines}"));
    run(&dir, &["--max-cell-bytes", "1000"]);
    let got = rejects(&dir);
    let after = 6 + (40 << 10);
    let unclosed = format!(
        "a quote opened in this row is never closed: the rest of the file (to line {}) was read as this row",
        after + (40 << 10)
    );
    let too_large = format!("cell is {} bytes, over the limit of 1000", lines.len());
    assert_eq!(got, [(4, "row has 1 fields, the header has 2".into()), (5, too_large), (after + 1, unclosed)]);
    assert_eq!(codes(&dir), [code("1", "cost", 1), code("2", "police", 1), code("5", "police", 1)]);
    assert_eq!(rows(&dir), (6, 3, 3));
    let mut r = csv::Reader::from_path(dir.join("o/rejects.csv")).unwrap();
    let ids: Vec<String> = r.records().map(|rec| rec.unwrap()[2].to_string()).collect();
    assert_eq!(ids, [format!("{}\u{2026}[cut]", &long[..1000]), "4".into(), "6".into()]);
}

#[test]
fn a_quote_closed_rows_later_is_valid_csv_and_one_answer() {
    // Documented limit: a quoted cell may hold line breaks, so a quote closed by a
    // later stray quote makes one long answer (rows read: 1), as any CSV reader reads it.
    let dir = fixture("id,why\n1,\"the cost\n2,police\"\n");
    run(&dir, &[]);
    assert_eq!(codes(&dir), [code("1", "cost", 1), code("1", "police", 1)]);
    assert_eq!(rows(&dir), (1, 1, 0));
}

#[test]
fn a_50_mb_cell_is_rejected_by_default_and_coded_under_a_raised_limit() {
    let mut big = String::with_capacity(50 << 20);
    big.push_str("police");
    big.extend(std::iter::repeat_n(' ', 50 << 20));
    big.push_str("cost");
    let dir = fixture(format!("id,why\n1,{big}\n2,the cost\n"));
    run(&dir, &[]);
    let reason = format!("cell is {} bytes, over the limit of 16777216", big.len());
    assert_eq!(rejects(&dir), [(2, reason)]);
    assert_eq!(codes(&dir), [code("2", "cost", 1)]);
    run(&dir, &["--max-cell-bytes", "60000000"]);
    assert_eq!(rejects(&dir), []);
    assert_eq!(codes(&dir), [code("1", "cost", 1), code("1", "police", 1), code("2", "cost", 1)]);
}

#[test]
fn ten_thousand_columns() {
    let mut text = String::from("id,why");
    for c in 2..10_000 {
        text.push_str(&format!(",c{c}"));
    }
    text.push('\n');
    let filler = ",x".repeat(9_998);
    for r in 1..=20 {
        text.push_str(&format!("{r},police {r}{filler}\n"));
    }
    text.push_str("21,short,row\n");
    let dir = fixture(text);
    run(&dir, &[]);
    assert_eq!(rejects(&dir), [(22, "row has 3 fields, the header has 10000".to_string())]);
    assert_eq!(codes(&dir).len(), 20);
}

#[test]
fn a_million_repeated_words_are_coded_in_linear_time() {
    // Exercises overlap (a phrase over the words), exclusions and a parent theme.
    let lexicon = "[[theme]]\nid = \"money\"\nterms = [\"fee\"]\n\n\
        [[theme]]\nid = \"cost\"\nparent = \"money\"\nterms = [\"cost\", \"cost*\", \"cost cost\"]\nexclude = [\"cost price\"]\n\n\
        [[theme]]\nid = \"near\"\nterms = [\"cost NEAR/2 price\", \"cost NOTNEAR/1 price\"]\n";
    let lexicon = Lexicon::from_str_with_path(lexicon, std::path::Path::new("l.toml")).unwrap();
    let compiled = CompiledLexicon::new(&lexicon).unwrap();
    let answer = "cost ".repeat(1_000_000) + "price";
    let started = Instant::now();
    let mut scanner = Scanner::new();
    scanner.scan(&compiled, &answer);
    let coding = coding::code(&compiled, &scanner, &compiled.applies(None));
    eprintln!("a million repeated words coded in {:.2?} (debug build)", started.elapsed());
    let themes: Vec<(&str, usize)> =
        coding.codes.iter().map(|c| (compiled.themes[c.theme as usize].id.as_str(), c.hits.len())).collect();
    // `cost cost` (longest) wins at every other word up to the excluded `cost price`,
    // then one `cost` is left between them: 499,999 + 1. The parent has the same spans.
    // `cost NEAR/2 price` wins the last three words; `cost NOTNEAR/1 price` the rest.
    assert_eq!(themes, [("money", 500_000), ("cost", 500_000), ("near", 1 + 999_998)]);
    assert_eq!(coding.words, 1_000_001);
}

/// Words and their normalised forms, as the analyser gives them.
fn analysed(text: &str) -> Vec<(String, String)> {
    Analyzer::new().analyze(text).into_iter().map(|w| (w.raw, w.term.norm.to_string())).collect()
}

#[test]
fn emoji_right_to_left_combining_and_zero_width_characters_tokenise_sanely() {
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    };
    // Emoji are not words, ZWJ sequences included.
    assert_eq!(
        analysed("I \u{1F621} the police \u{1F46E}\u{200D}\u{2640}\u{FE0F}!"),
        pairs(&[("I", "i"), ("the", "the"), ("police", "police")])
    );
    // Hebrew and Arabic words; a bidi mark before a word is not in it, one after it is
    // (Unicode attaches format characters to the preceding word) and the norm drops it.
    assert_eq!(
        analysed("\u{200F}\u{5D4}\u{5DE}\u{5E9}\u{5D8}\u{5E8}\u{5D4} \u{644}\u{627}\u{200F}, police\u{200F}"),
        pairs(&[
            ("\u{5D4}\u{5DE}\u{5E9}\u{5D8}\u{5E8}\u{5D4}", "\u{5D4}\u{5DE}\u{5E9}\u{5D8}\u{5E8}\u{5D4}"),
            ("\u{644}\u{627}\u{200F}", "\u{644}\u{627}"),
            ("police\u{200F}", "police"),
        ])
    );
    // A combining accent stays in its word, and is folded as a precomposed one is.
    assert_eq!(analysed("cafe\u{301} caf\u{E9}"), pairs(&[("cafe\u{301}", "cafe"), ("caf\u{E9}", "cafe")]));
    // Kept, it composes (NFKC).
    let kept = Analyzer::with_options(AnalyzerOptions { fold_accents: false, ..AnalyzerOptions::default() });
    let norms: Vec<String> = kept.analyze("cafe\u{301} caf\u{E9}").iter().map(|w| w.term.norm.to_string()).collect();
    assert_eq!(norms, ["caf\u{E9}", "caf\u{E9}"]);
    // A zero-width joiner inside a word is dropped; a zero-width space splits words.
    assert_eq!(
        analysed("sta\u{200D}lking co\u{200B}st"),
        pairs(&[("sta\u{200D}lking", "stalking"), ("co", "co"), ("st", "st")])
    );
}

#[test]
fn a_lexicon_of_200000_entries_compiles() {
    let dir = Workdir::new();
    let word = |mut i: usize| {
        let mut w = String::from("w");
        while i > 0 {
            w.push((b'a' + (i % 26) as u8) as char);
            i /= 26;
        }
        w
    };
    let mut text = String::new();
    for t in 0..200 {
        text.push_str(&format!("[[theme]]\nid = \"t{t}\"\nterms = [\n"));
        for i in 0..1000 {
            text.push_str(&format!("  \"{}\",\n", word(t * 1000 + i + 1)));
        }
        text.push_str("]\n");
    }
    let path = dir.write("big.toml", &text);
    let started = Instant::now();
    let lexicon = Lexicon::from_path(&path).unwrap();
    let parsed = started.elapsed();
    let compiled = CompiledLexicon::new(&lexicon).unwrap();
    eprintln!("200,000 entries: parsed in {parsed:.2?}, compiled in {:.2?} (debug build)", started.elapsed() - parsed);
    assert_eq!(compiled.entries.len(), 200_000);
    let mut scanner = Scanner::new();
    let answer = format!("{} and {}", word(1), word(199_999));
    scanner.scan(&compiled, &answer);
    let coding = coding::code(&compiled, &scanner, &compiled.applies(None));
    let themes: Vec<&str> = coding.codes.iter().map(|c| compiled.themes[c.theme as usize].id.as_str()).collect();
    assert_eq!(themes, ["t0", "t199"]);
}

#[test]
fn a_lone_wildcard_warns_and_matches_every_word() {
    let dir = fixture("id,why\n1,Hello 42 world\n2,\u{1F600}\n");
    dir.write("lex.toml", "[[theme]]\nid = \"all\"\nterms = [\"*\"]\n");
    let out = dir.ok(&["lexicon", "check", "lex.toml"]);
    assert!(out.contains("lex.toml:3: warning: theme `all`: wildcard `*` has only 0 letter(s) before `*`"), "{out}");
    run(&dir, &[]);
    // Every word, numbers included; an answer without words is uncoded.
    assert_eq!(codes(&dir), [code("1", "all", 3)]);
}

#[test]
fn regexes_run_in_linear_time_and_an_oversized_one_is_a_config_error() {
    let a = "a".repeat(100_000);
    let x = "x".repeat(100_000);
    let dir = fixture(format!("id,why\n1,{a}\n2,{x}\n3,{a}b\n"));
    dir.write("lex.toml", "[[theme]]\nid = \"slow\"\nregex = [\"(a*)*b\", \"(x+x+)+y\"]\n");
    let started = Instant::now();
    run(&dir, &[]);
    eprintln!("catastrophic-backtracking regexes over 100,000 characters: {:.2?}", started.elapsed());
    assert_eq!(codes(&dir), [code("3", "slow", 1)]);
    dir.write(
        "lex.toml",
        "[[theme]]\nid = \"huge\"\nterms = [\"ok\"]\nregex = [\n  \"ok\",\n  '\\w{1000}{1000}',\n]\n",
    );
    let err = dir.fails(&["run", "--survey", "survey.toml", "--out", "o"], 2);
    assert!(err.contains("lex.toml:6: theme `huge`: regex"), "{err}");
    assert!(err.contains("exceeds size limit"), "{err}");
}

#[test]
fn deeply_nested_yaml_is_an_error_with_its_line() {
    let dir = fixture("id,why\n1,cost\n");
    let run_with =
        |lexicon: &str| dir.fails(&["run", "--survey", "survey.toml", "--lexicon", lexicon, "--out", "o"], 2);
    dir.write("flow.yml", format!("cost: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)));
    let err = run_with("flow.yml");
    assert!(err.contains("flow.yml:1: invalid YAML: recursion limit exceeded"), "{err}");
    let mut block = String::from("a:\n");
    for depth in 1..100 {
        block.push_str(&format!("{}k{depth}:\n", "  ".repeat(depth)));
    }
    block.push_str(&format!("{}- cost\n", "  ".repeat(100)));
    dir.write("block.yml", block);
    let err = run_with("block.yml");
    assert!(err.contains("block.yml:65: categories nested more than 64 deep"), "{err}");
}

#[test]
fn a_dic_with_garbage_lines_keeps_the_good_ones_and_warns_with_lines() {
    let dir = fixture("id,why\n1,happy days\n2,kind words\n");
    dir.write(
        "lex.dic",
        "%\n1\taffect\nnot a category\n%\nhapp*\t1\n\u{1}\u{0}\u{7f}\t9\n<<<>>>\nkind\t<of>1\n\t\n%\n\u{FFFD}\u{FFFD}\n",
    );
    let check = dir.ok(&["lexicon", "check", "lex.dic"]);
    assert!(check.contains("lex.dic: 1 themes, 1 entries"), "{check}");
    let stderr = {
        let out = dir.run(&["run", "--survey", "survey.toml", "--lexicon", "lex.dic", "--out", "o", "-q"]);
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // Each skipped line is a warning with its line, in `lexicon check` and every run.
    for line in [3, 6, 7, 8, 10, 11] {
        assert!(check.contains(&format!("lex.dic:{line}: warning: ")), "line {line} not warned:\n{check}");
        assert!(stderr.contains(&format!("codeframe: warning: lex.dic:{line}: ")), "line {line}:\n{stderr}");
    }
    assert_eq!(codes(&dir), [code("1", "affect", 1)]);
    // Bytes that are not UTF-8 are an error naming the line.
    dir.write("bad.dic", b"%\n1\taffect\n%\nhapp*\t1\n\xff\xfe\t1\n");
    let err = dir.fails(&["run", "--survey", "survey.toml", "--lexicon", "bad.dic", "--out", "o"], 2);
    assert!(err.contains("bad.dic:5: the file is not UTF-8"), "{err}");
}

/// The fuzzer's first find (fuzz/fuzz_targets/analyzer.rs): a word NFKC turned into
/// something that segments otherwise (`ŉ`, `ʼokina`, a fullwidth full stop) broke
/// "analysing the normalised words again gives the same words".
#[test]
fn fuzz_regression_analysis_is_idempotent_on_compatibility_forms() {
    let once = fuzz_norms("analyzer-idempotence-1.bin", false);
    assert!(once.contains(&"okina".to_string()) && once.contains(&"ab".to_string()), "{once:?}");
}

/// The second: a combining mark after a run of hyphens joined the word before it
/// (with hyphenated words on) though it belongs to the hyphen.
#[test]
fn fuzz_regression_a_mark_after_hyphens_does_not_join() {
    let once = fuzz_norms("analyzer-idempotence-2.bin", true);
    assert!(once.iter().any(|w| w.starts_with("a-t-sw-n")), "{once:?}");
}

/// The normalised words of a fuzz input (first byte: the target's flags), checked to
/// come out the same when analysed again.
fn fuzz_norms(file: &str, hyphenated_words: bool) -> Vec<String> {
    let bytes = std::fs::read(format!("tests/fixtures/fuzz/{file}")).unwrap();
    let text = String::from_utf8_lossy(&bytes[1..]);
    let analyzer = codeframe::text::Analyzer::with_options(codeframe::text::AnalyzerOptions {
        hyphenated_words,
        spelling_variants: true,
        ..Default::default()
    });
    let norms = |t: &str| -> Vec<String> {
        analyzer.analyze(t).into_iter().map(|w| w.term.norm.to_string()).filter(|n| !n.is_empty()).collect()
    };
    let once = norms(&text);
    assert_eq!(norms(&once.join(" ")), once, "{file}");
    once
}

#[test]
fn pasted_documents_that_raise_no_theme_are_listed_up_to_8_mib() {
    use calamine::Reader;
    // 300 answers of 32,400 bytes raising no theme: 9.7 MB, over the 8 MiB of uncoded
    // answers a run keeps for the workbook (10,000 such answers would have been 324 MB).
    let doc = "lorem ipsum dolor ".repeat(1_800);
    let mut responses = String::from("id,why\n");
    for i in 0..300 {
        responses.push_str(&format!("{i},{doc}\n"));
    }
    let dir = fixture(responses);
    run(&dir, &["--threads", "1"]);
    let one = std::fs::read(dir.join("o/codeframe.xlsx")).unwrap();
    run(&dir, &["--threads", "2"]);
    assert_eq!(std::fs::read(dir.join("o/codeframe.xlsx")).unwrap(), one, "same workbook on 1 and 2 threads");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(dir.join("o/codeframe.xlsx")).unwrap();
    let listed = (8 << 20) / doc.len();
    assert_eq!(book.worksheet_range("Uncoded answers").unwrap().height(), 1 + listed);
    let note = format!("The Uncoded answers sheet shows the first {listed} of 300 uncoded answers.");
    let summary = book.worksheet_range("Summary").unwrap();
    assert!(summary.used_cells().any(|(_, _, c)| c.to_string() == note), "{note}");
}

/// Markup built to be slow or to hide text: 100,000 `<p>` after a megabyte of spaces,
/// a `<script>` never closed (its text to the end hidden), a comment never closed (text
/// as typed), 100,000 `<` without end. Read in linear time.
#[test]
fn hostile_html_reads_in_linear_time() {
    let slow = format!("\"{}police{}\"", " ".repeat(1 << 20), "<p>".repeat(100_000));
    let responses = format!(
        "id,why\n1,{slow}\n2,\"cost <script>police\"\n3,\"police <!-- cost\"\n4,\"{}cost\"\n",
        "<".repeat(100_000)
    );
    let dir = fixture(responses);
    let started = Instant::now();
    run(&dir, &[]);
    // Ten seconds is far above linear time and far below the quadratic (hours).
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    // A comment never closed is text as typed, as `<b` never closed is.
    let want = [code("1", "police", 1), code("2", "cost", 1), code("3", "cost", 1), code("3", "police", 1)];
    assert_eq!(codes(&dir), [&want[..], &[code("4", "cost", 1)]].concat());
    assert_eq!(rows(&dir), (4, 4, 0));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// Every language's analyser takes any text without panicking, and analyses each
    /// word the same whether alone or in a session: Snowball stemmers are written for
    /// their own alphabet, and answers mix scripts, marks, digits and apostrophes.
    #[test]
    fn every_language_analyses_any_text(
        text in "([a-zA-Zàéîõüßçñæœøł'’ʼ-]|[α-ωάέήίόύώΑ-Ω]|[а-яёА-Я]|[\u{600}-\u{6FF}]|[\u{B80}-\u{BFF}]|[ığşİĞŞ]|[0-9]|[ \u{202F}\u{A0}.,!?«»]|\u{301}|\u{200D}){0,60}",
    ) {
        for language in codeframe::text::Language::all() {
            let analyzer = Analyzer::with_options(AnalyzerOptions::for_language(language));
            let words = analyzer.analyze(&text);
            let mut session = analyzer.session();
            let tokens = session.analyze(&analyzer, &text).to_vec();
            proptest::prop_assert_eq!(words.len(), tokens.len());
            for (w, t) in words.iter().zip(&tokens) {
                let term = session.term(t.term);
                proptest::prop_assert_eq!((&*w.term.norm, &*w.term.stem), (term.norm, term.stem), "{}", language);
            }
        }
    }
}
