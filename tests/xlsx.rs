//! codeframe.xlsx: read back with calamine (sheets, headers, values as numbers), its
//! sheet settings (frozen header, autofilter, percentage format), and determinism.

use std::io::Read;

use calamine::{Data, Range, Reader, Xlsx, open_workbook};

use crate::harness::{Workdir, repo};

fn run_parks(dir: &Workdir, out: &str) {
    let survey = repo().join("tests/fixtures/parks/survey.toml");
    dir.ok(&["run", "--survey", survey.to_str().unwrap(), "--out", out, "-q"]);
}

fn row(range: &Range<Data>, r: usize) -> Vec<String> {
    (0..range.width()).map(|c| range.get((r, c)).map(|d| d.to_string()).unwrap_or_default()).collect()
}

/// The row whose first cells are `key`.
fn find<'a>(range: &'a Range<Data>, key: &[&str]) -> &'a [Data] {
    range
        .rows()
        .find(|r| key.iter().enumerate().all(|(i, k)| r.get(i).map(|d| d.to_string()).as_deref() == Some(*k)))
        .unwrap_or_else(|| panic!("no row {key:?}"))
}

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn workbook_has_six_sheets_with_figures_as_numbers() {
    let dir = Workdir::new();
    run_parks(&dir, "o");
    let mut book: Xlsx<_> = open_workbook(dir.join("o/codeframe.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["Summary", "Themes", "Closed answers", "Crosstabs", "Codes", "Uncoded answers"]);

    let summary = book.worksheet_range("Summary").unwrap();
    assert_eq!(row(&summary, 0)[0], "Summary of responses: Parks & <Gardens> \"survey\"");
    assert_eq!(num(&find(&summary, &["Respondents (rows coded)"])[1]), 6.0);
    assert_eq!(num(&find(&summary, &["Codes (one per respondent, question and theme)"])[1]), 4.0);
    let resident = find(&summary, &["Resident"]);
    assert_eq!((num(&resident[1]), num(&resident[2])), (4.0, 4.0 / 6.0));

    let themes = book.worksheet_range("Themes").unwrap();
    assert_eq!(
        row(&themes, 0)[..8],
        [
            "Question",
            "Theme",
            "Label",
            "Respondents",
            "All respondents",
            "% of all respondents",
            "95% CI low",
            "95% CI high"
        ]
    );
    let safety = find(&themes, &["why", "safety"]);
    assert_eq!(safety[2].to_string(), "Safety & lighting");
    assert_eq!((num(&safety[3]), num(&safety[4]), num(&safety[5])), (2.0, 6.0, 2.0 / 6.0));
    let (lo, hi) = (num(&safety[6]), num(&safety[7]));
    assert!(0.0 < lo && lo < 2.0 / 6.0 && 2.0 / 6.0 < hi && hi < 1.0, "CI {lo}-{hi}");
    assert_eq!(themes.height(), 4, "header and one row per theme");

    let closed = book.worksheet_range("Closed answers").unwrap();
    assert_eq!(num(&find(&closed, &["visit", "Yes"])[2]), 2.0);
    assert_eq!(num(&find(&closed, &["visit", "Unrecognised answer"])[2]), 1.0);
    assert_eq!(num(&find(&closed, &["visit", "No answer (nil)"])[4]), 1.0 / 6.0);

    let crosstabs = book.worksheet_range("Crosstabs").unwrap();
    let business_dogs = find(&crosstabs, &["respondent_type", "why", "themes", "dogs", "Dogs <off lead>", "Business"]);
    assert_eq!((num(&business_dogs[6]), num(&business_dogs[7])), (1.0, 1.0));
    assert_eq!(business_dogs[12].to_string(), "yes", "a 2 x 2 table of 4 answers: small expected counts");

    // Codes: every row of codes.csv, in order, with counts and offsets as numbers.
    let codes = book.worksheet_range("Codes").unwrap();
    let records: Vec<csv::StringRecord> =
        csv::Reader::from_path(dir.join("o/codes.csv")).unwrap().records().map(Result::unwrap).collect();
    assert_eq!(codes.height(), 1 + records.len());
    for (i, rec) in records.iter().enumerate() {
        let r = row(&codes, i + 1);
        assert_eq!([&r[0], &r[1], &r[2], &r[7]], [&rec[0], &rec[1], &rec[2], &rec[6]]);
        assert_eq!(num(&codes[(i + 1, 8)]), rec[7].parse::<f64>().unwrap());
    }

    // Uncoded answers: the text as a string, never a formula.
    let uncoded = book.worksheet_range("Uncoded answers").unwrap();
    assert_eq!(row(&uncoded, 0), ["Respondent", "Question", "Answer"]);
    assert_eq!(row(&uncoded, 1), ["r4", "why", "=SUM(A1) I just like walking"]);
    assert_eq!(uncoded.height(), 2);
}

/// A part of the xlsx zip, as text.
fn part(path: &std::path::Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn tables_have_frozen_headers_filters_and_percentage_formats() {
    let dir = Workdir::new();
    run_parks(&dir, "o");
    let path = dir.join("o/codeframe.xlsx");
    // sheet2 = Themes: first row frozen, autofilter over its 16 columns
    let themes = part(&path, "xl/worksheets/sheet2.xml");
    assert!(
        themes.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#),
        "{themes}"
    );
    assert!(themes.contains(r#"<autoFilter ref="A1:P4"/>"#), "{themes}");
    assert!(themes.contains("<col "), "column widths set");
    let styles = part(&path, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="0%""#), "{styles}");
    // the creation date is fixed (not the time of the run)
    let core = part(&path, "docProps/core.xml");
    assert!(core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">1980-01-01T00:00:00Z"), "{core}");

    let survey = repo().join("tests/fixtures/parks/survey.toml");
    dir.ok(&["run", "--survey", survey.to_str().unwrap(), "--out", "p", "-q", "--one-decimal"]);
    assert!(part(&dir.join("p/codeframe.xlsx"), "xl/styles.xml").contains(r#"formatCode="0.0%""#));
}

#[test]
fn workbook_is_byte_identical_across_runs() {
    let dir = Workdir::new();
    run_parks(&dir, "a");
    std::thread::sleep(std::time::Duration::from_millis(1100)); // a clock tick would show
    run_parks(&dir, "b");
    let (a, b) =
        (std::fs::read(dir.join("a/codeframe.xlsx")).unwrap(), std::fs::read(dir.join("b/codeframe.xlsx")).unwrap());
    assert!(a == b, "codeframe.xlsx differs between runs");
}

/// The Codes sheet is written beside the run from the codes it writes: with a cap far
/// below the codes, it shows exactly the first codes of codes.csv (the run goes on past
/// the sheet's cap), says what it holds, and is the same workbook on one thread and
/// after a merge of shards (which feeds it from the merged codes.csv instead). The
/// properties hold it to this for any chunk size, thread count and cap.
#[test]
fn the_codes_sheet_fed_beside_the_run_holds_the_first_codes() {
    let dir = Workdir::new();
    dir.ok(&["generate", "survey", "--out", "survey.toml"]);
    dir.ok(&["generate", "lexicon", "--entries", "200", "--seed", "3", "--out", "lex.toml"]);
    dir.ok(&["generate", "corpus", "--rows", "400", "--seed", "3", "--out", "r.csv"]);
    let run = |out: &str, extra: &[&str]| {
        let base = ["run", "--survey", "survey.toml", "--lexicon", "lex.toml", "--input", "r.csv", "-q"];
        dir.ok(&[&base[..], &["--out", out, "--workbook-codes", "150"], extra].concat());
    };
    run("two", &["--threads", "2"]);
    let records: Vec<csv::StringRecord> =
        csv::Reader::from_path(dir.join("two/codes.csv")).unwrap().records().map(Result::unwrap).collect();
    assert!(records.len() > 600, "the corpus gives more codes than the cap: {}", records.len());
    let mut book: Xlsx<_> = open_workbook(dir.join("two/codeframe.xlsx")).unwrap();
    let codes = book.worksheet_range("Codes").unwrap();
    assert_eq!(codes.height(), 1 + 150);
    for (i, rec) in records.iter().take(150).enumerate() {
        let r = row(&codes, i + 1);
        assert_eq!([&r[0], &r[1], &r[2], &r[5], &r[7], &r[10]], [&rec[0], &rec[1], &rec[2], &rec[4], &rec[6], &rec[9]]);
        assert_eq!(num(&codes[(i + 1, 9)]), rec[8].parse::<f64>().unwrap());
    }
    assert!(row(&codes, 0)[12].starts_with("At most the first 150 codes"), "{:?}", row(&codes, 0));
    let summary = book.worksheet_range("Summary").unwrap();
    let total = records.len() as f64;
    assert_eq!(num(&find(&summary, &["Codes (one per respondent, question and theme)"])[1]), total);
    let text: Vec<String> = summary.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    let said = format!("shows the first 150 of {} codes", records.len());
    assert!(text.iter().any(|t| t.contains(&said)), "{text:?}");

    let xlsx = |d: &str| std::fs::read(dir.join(d).join("codeframe.xlsx")).unwrap();
    run("one", &["--threads", "1"]);
    assert!(xlsx("one") == xlsx("two"), "the workbook differs between one and two threads");
    run("p1", &["--shard", "1/2"]);
    run("p2", &["--shard", "2/2"]);
    // Merge takes the cap the parts record.
    dir.ok(&["merge", "p2", "p1", "--out", "merged", "-q"]);
    assert!(xlsx("merged") == xlsx("two"), "the merged workbook differs from the whole run's");
}
