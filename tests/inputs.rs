//! Inputs in every format give the same codes as the equivalent UTF-8 CSV: a
//! spreadsheet with a title row, a numeric id and a date; Windows-1252 and UTF-16
//! CSV; JSON Lines with a broken line. And `codeframe init` drafts a spec that runs.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::harness::Workdir;

const LEXICON: &str = "[[theme]]\nid = \"cost\"\nterms = [\"cost*\", \"expens*\", \"fee*\"]\n\n\
    [[theme]]\nid = \"cafe\"\nterms = [\"café\", \"“too\"]\n";
const SURVEY: &str = "id_column = \"id\"\nlexicon = \"lex.toml\"\n\
    [[closed]]\nid = \"q1\"\noptions = [\"Yes\", \"No\"]\n\
    [[open]]\nid = \"why\"\n";

/// A submission date: year, month, day.
type Date = (u16, u8, u8);

/// (id, submitted, q1, why): the same rows in every format.
const ROWS: &[(u32, Date, &str, &str)] = &[
    (1001, (2024, 3, 15), "Yes", "It cost £200 at the café — “too expensive”"),
    (1002, (2024, 3, 16), "No", "The fees, frankly, were fine"),
    (1003, (2024, 4, 1), "", "Nothing about money"),
    (1004, (2024, 4, 2), "yes", "Café owners; nothing else"),
];

fn csv_text(delimiter: char) -> String {
    let mut out = format!("id{d}submitted{d}q1{d}why\r\n", d = delimiter);
    for (id, (y, m, d), q1, why) in ROWS {
        out.push_str(&format!("{id}{s}{y:04}-{m:02}-{d:02}{s}{q1}{s}\"{why}\"\r\n", s = delimiter));
    }
    out
}

fn workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes.write_string(0, 0, "Exported from the consultation platform").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("Responses").unwrap();
    sheet.write_string(0, 0, "Stalking consultation: responses").unwrap();
    for (c, name) in ["id", "submitted", "q1", "why"].iter().enumerate() {
        sheet.write_string(2, c as u16, *name).unwrap();
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (i, (id, (y, m, d), q1, why)) in ROWS.iter().enumerate() {
        let r = 3 + i as u32;
        sheet.write_number(r, 0, *id as f64).unwrap();
        sheet.write_datetime_with_format(r, 1, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date).unwrap();
        if !q1.is_empty() {
            sheet.write_string(r, 2, *q1).unwrap();
        }
        sheet.write_string(r, 3, *why).unwrap();
    }
    book.save_to_buffer().unwrap()
}

fn fixture() -> Workdir {
    let dir = Workdir::new();
    dir.write("lex.toml", LEXICON);
    dir.write("survey.toml", SURVEY);
    dir.write("utf8.csv", csv_text(','));
    dir
}

fn codes(dir: &Workdir, input: &str, extra: &[&str]) -> String {
    let out = format!("out-{input}");
    let mut args = vec!["run", "--survey", "survey.toml", "--input", input, "--out", out.as_str(), "-q"];
    args.extend_from_slice(extra);
    dir.ok(&args);
    assert_eq!(dir.read(&format!("{out}/rejects.csv")), "line,row,respondent_id,column,reason\n", "{input}");
    dir.read(&format!("{out}/codes.csv"))
}

#[test]
fn xlsx_and_encoded_csvs_give_the_codes_of_the_utf8_csv() {
    let dir = fixture();
    let want = codes(&dir, "utf8.csv", &[]);
    assert_eq!(want.lines().count(), 5, "{want}");
    assert!(want.contains("1001,why,cafe,"), "{want}");

    let text = csv_text(';');
    let (cp1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    dir.write("cp1252.csv", &cp1252);
    assert_eq!(codes(&dir, "cp1252.csv", &[]), want, "Windows-1252, sniffed");
    assert_eq!(codes(&dir, "cp1252.csv", &["--encoding", "latin1", "--delimiter", ";"]), want, "declared");

    let mut utf16le = vec![0xFF, 0xFE];
    utf16le.extend(csv_text('\t').encode_utf16().flat_map(u16::to_le_bytes));
    dir.write("utf16le.txt", &utf16le);
    assert_eq!(codes(&dir, "utf16le.txt", &[]), want, "UTF-16 LE with BOM");
    let utf16be: Vec<u8> = csv_text(',').encode_utf16().flat_map(u16::to_be_bytes).collect();
    dir.write("utf16be.csv", &utf16be);
    assert_eq!(codes(&dir, "utf16be.csv", &[]), want, "UTF-16 BE without BOM");

    let book = workbook();
    dir.write("book.xlsx", &book);
    assert_eq!(codes(&dir, "book.xlsx", &["--sheet", "Responses"]), want, "XLSX by sheet name");
    assert_eq!(codes(&dir, "book.xlsx", &["--sheet", "2"]), want, "XLSX by sheet number");
    // A workbook under the wrong extension is still read as one.
    dir.write("book.csv", &book);
    assert_eq!(codes(&dir, "book.csv", &["--sheet", "2"]), want, "XLSX named .csv");
    let manifest: serde_json::Value =
        serde_json::from_str(&dir.read("out-book.xlsx/manifest.json")).expect("manifest is JSON");
    let hashes = manifest.to_string();
    let sha = codeframe::input::csv::sha256_hex(&book);
    assert!(hashes.contains(&sha), "manifest lacks the workbook's SHA-256 {sha}: {hashes}");
}

#[test]
fn spreadsheet_errors_name_the_sheet_and_row() {
    let dir = fixture();
    dir.write("book.xlsx", workbook());
    let err = dir.fails(&["run", "--survey", "survey.toml", "--input", "book.xlsx", "--out", "o"], 2);
    assert!(err.contains("book.xlsx:1 (sheet \"Notes\"): no column \"id\" in the header"), "{err}");
    let err = dir.fails(&["run", "--survey", "survey.toml", "--input", "book.xlsx", "--sheet", "9", "--out", "o"], 2);
    assert!(err.contains("no sheet \"9\" (sheets: \"Notes\", \"Responses\"; or a number from 1 to 2)"), "{err}");
    // Text-only flags with a workbook are refused, as --sheet is with text.
    for flag in [["--delimiter", ";"], ["--encoding", "latin1"]] {
        let args = [&["run", "--survey", "survey.toml", "--input", "book.xlsx", "--out", "o"][..], &flag[..]].concat();
        let err = dir.fails(&args, 2);
        assert!(err.contains(&format!("{} applies to text (CSV), and this input is a spreadsheet", flag[0])), "{err}");
    }
    dir.write("fake.xlsx", b"PK\x03\x04 not really a zip");
    let err = dir.fails(&["run", "--survey", "survey.toml", "--input", "fake.xlsx", "--out", "o"], 2);
    assert!(err.contains("fake.xlsx: not a readable spreadsheet"), "{err}");
}

#[test]
fn spreadsheet_rows_keep_their_sheet_row_numbers() {
    let dir = fixture();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Title").unwrap();
    write_header(sheet, 1);
    for (r, id) in [(2, 1.0), (3, 2.0), (5, 1.0)] {
        sheet.write_number(r, 0, id).unwrap();
        sheet.write_string(r, 2, "it cost too much").unwrap();
    }
    sheet.write_boolean(3, 1, true).unwrap();
    dir.write("book.xlsx", book.save_to_buffer().unwrap());
    dir.ok(&["run", "--survey", "survey.toml", "--input", "book.xlsx", "--out", "o", "-q"]);
    assert_eq!(
        dir.read("o/rejects.csv"),
        "line,row,respondent_id,column,reason\n6,3,1,id,respondent id already seen on line 3\n"
    );
    let closed = dir.read("o/closed_answers.csv");
    assert!(closed.contains("unrecognised"), "TRUE is no option of q1: {closed}");
}

#[test]
fn json_lines_with_a_broken_line_reject_exactly_that_row() {
    let dir = fixture();
    let mut jsonl = String::new();
    for (i, (id, (y, m, d), q1, why)) in ROWS.iter().enumerate() {
        let row = serde_json::json!({"id": id, "submitted": format!("{y:04}-{m:02}-{d:02}"), "q1": q1, "why": why});
        jsonl.push_str(&row.to_string());
        jsonl.push('\n');
        if i == 1 {
            jsonl.push_str("{\"id\": 1999, \"why\": \"unterminated\n");
        }
    }
    dir.write("r.jsonl", &jsonl);
    dir.ok(&["run", "--survey", "survey.toml", "--input", "r.jsonl", "--out", "o", "-q"]);
    assert_eq!(
        dir.read("o/rejects.csv"),
        "line,row,respondent_id,column,reason\n\
         3,3,,,not a JSON object: EOF while parsing a string at column 33\n"
    );
    let want = codes(&dir, "utf8.csv", &[]);
    assert_eq!(dir.read("o/codes.csv"), want);
    // Without the extension, the content says JSON Lines.
    dir.write("export", jsonl.replace("{\"id\": 1999, \"why\": \"unterminated\n", ""));
    dir.ok(&["run", "--survey", "survey.toml", "--input", "export", "--out", "o2", "-q"]);
    assert_eq!(dir.read("o2/rejects.csv"), "line,row,respondent_id,column,reason\n");
}

#[test]
fn json_lines_numbers_are_ids_as_written_and_a_repeated_key_rejects_the_row() {
    let dir = fixture();
    // Through f64 the first two ids were one (1.2345678901234567e+20), so the second
    // was rejected as a duplicate; `1e2` became `100.0` and `-0` became `-0.0`.
    dir.write(
        "big.jsonl",
        "{\"id\": 123456789012345678901, \"q1\": \"Yes\", \"why\": \"the cost\"}\n\
         {\"id\": 123456789012345678902, \"why\": \"the fees\"}\n\
         {\"id\": 1e2, \"why\": \"costly\"}\n\
         {\"id\": -0, \"why\": \"expensive\"}\n\
         {\"id\": 6, \"why\": \"a cost\", \"why\": \"dup key\"}\n\
         {\"id\": 100, \"why\": \"fee\"}\n",
    );
    dir.ok(&["run", "--survey", "survey.toml", "--input", "big.jsonl", "--out", "o", "-q"]);
    let codes = dir.read("o/codes.csv");
    for id in ["123456789012345678901", "123456789012345678902", "1e2", "-0", "100"] {
        assert!(codes.contains(&format!("\n{id},why,cost,")), "{id} in {codes}");
    }
    assert!(!codes.contains("\n6,"), "{codes}");
    assert_eq!(
        dir.read("o/rejects.csv"),
        "line,row,respondent_id,column,reason\n\
         5,5,6,,\"the JSON object has the key \"\"why\"\" more than once\"\n"
    );
}

/// JSON Lines whose objects lack a key the survey reads is refused as a CSV whose
/// header lacks the column is (exit 2, naming the file, the key and the keys seen): it
/// was accepted, coding nothing, or rejecting every row "respondent id is empty".
#[test]
fn json_lines_without_a_key_the_survey_reads_is_refused_as_csv_is() {
    let dir = fixture();
    dir.write("s1.jsonl", "{\"id\":1,\"q1\":\"Yes\",\"why\":\"cost\"}\n");
    let run = |input: &str, extra: &[&str]| {
        let args = [&["run", "--input", input, "--lexicon", "lex.toml", "--out", "o", "-q"][..], extra].concat();
        dir.fails(&args, 2)
    };
    let err = run("s1.jsonl", &["--id-column", "id", "--text-column", "whyy"]);
    assert!(err.contains("s1.jsonl: no object has the key \"whyy\" (keys: \"id\", \"q1\", \"why\")"), "{err}");
    let err = run("s1.jsonl", &["--id-column", "idd", "--text-column", "why"]);
    assert!(err.contains("s1.jsonl: no object has the key \"idd\" (keys: \"id\", \"q1\", \"why\")"), "{err}");
    dir.write("whyy.toml", SURVEY.replace("[[open]]\nid = \"why\"", "[[open]]\nid = \"whyy\""));
    let err = run("s1.jsonl", &["--survey", "whyy.toml"]);
    assert!(err.contains("s1.jsonl: no object has the key \"whyy\" (keys: \"id\", \"q1\", \"why\")"), "{err}");
    assert!(!dir.join("o/codes.csv").exists());

    // A key the first 1,000 rows lack is looked for to the end: read where an object
    // has it, and an error there, with nothing written, where none has.
    let mut late = String::new();
    for i in 0..1500 {
        late.push_str(&format!("{{\"id\":{i},\"q1\":\"Yes\"}}\n"));
    }
    late.push_str("{\"id\":9999,\"why\":\"the cost\"}\n");
    dir.write("late.jsonl", &late);
    dir.ok(&["run", "--survey", "survey.toml", "--input", "late.jsonl", "--out", "late", "-q"]);
    assert!(dir.read("late/codes.csv").contains("\n9999,why,cost,"));
    let err = run("late.jsonl", &["--survey", "whyy.toml"]);
    assert!(
        err.contains(
            "late.jsonl: no object has the key \"whyy\" (keys: \"id\", \"q1\"): not in the first 1000 rows, \
             nor in any object after them, to the end (line 1501)"
        ),
        "{err}"
    );
    assert!(!dir.join("o/codes.csv").exists());
}

/// A value that is not UTF-8 rejects its row as a CSV cell does (`cell is not valid
/// UTF-8`, naming the key and the id); it was `not a JSON object: invalid unicode code
/// point at column 32`, naming neither. A key that is not UTF-8 is read as a CSV
/// header cell is, with U+FFFD for the bytes.
#[test]
fn json_lines_value_not_utf8_is_rejected_as_a_csv_cell_is() {
    let dir = fixture();
    dir.write(
        "bad.jsonl",
        b"{\"id\":1,\"q1\":\"Yes\",\"why\":\"caf\xc3\xa9 cost\"}\n\
          {\"id\":2,\"q1\":\"Yes\",\"why\":\"cost \xff\"}\n\
          {\"id\":3,\"q\xff\":\"x\",\"q1\":\"No\",\"why\":\"fees\"}\n\
          {\"id\":4,\"why\":\"broken \xff\n",
    );
    dir.ok(&["run", "--survey", "survey.toml", "--input", "bad.jsonl", "--encoding", "utf-8", "--out", "o", "-q"]);
    assert_eq!(
        dir.read("o/rejects.csv"),
        "line,row,respondent_id,column,reason\n\
         2,2,2,why,cell is not valid UTF-8\n\
         4,4,,,cell is not valid UTF-8\n"
    );
    assert!(dir.read("o/codes.csv").contains("\n3,why,cost,1,fee*,"));
    // The CSV of the first two rows rejects the second for the same reason.
    dir.write("bad.csv", b"id,q1,why\n1,Yes,caf\xc3\xa9 cost\n2,Yes,cost \xff\n");
    dir.ok(&["run", "--survey", "survey.toml", "--input", "bad.csv", "--encoding", "utf-8", "--out", "c", "-q"]);
    assert_eq!(dir.read("c/rejects.csv"), "line,row,respondent_id,column,reason\n3,2,2,why,cell is not valid UTF-8\n");
}

/// Objects whose values are all empty are no rows, as a CSV row of empty cells (`,,`)
/// and a workbook's blank row are not: they were rejected, "respondent id is empty".
/// A file with no object at all is refused, as an empty CSV is (it gave 0 rows, exit 0).
#[test]
fn json_lines_blank_objects_are_no_rows_and_an_empty_file_is_refused_as_in_csv() {
    let dir = fixture();
    dir.write(
        "blank.jsonl",
        "{\"id\":1,\"q1\":\"Yes\",\"why\":\"cost\"}\n{}\n{\"id\":\"\",\"q1\":\"\",\"why\":\" \"}\n{\"id\":null}\n\n\
         {\"id\":2,\"q1\":\"No\",\"why\":\"fees\"}\n{\"why\":\"no id\"}\n",
    );
    dir.write("blank.csv", "id,q1,why\n1,Yes,cost\n,,\n,, \n\n2,No,fees\n,,no id\n");
    for input in ["blank.jsonl", "blank.csv"] {
        dir.ok(&["run", "--survey", "survey.toml", "--input", input, "--out", &format!("o-{input}"), "-q"]);
        assert_eq!(
            dir.read(&format!("o-{input}/rejects.csv")),
            "line,row,respondent_id,column,reason\n7,3,,id,respondent id is empty\n",
            "{input}"
        );
        assert!(dir.read(&format!("o-{input}/summary.json")).contains("\"respondents\": 2"), "{input}");
    }
    assert_eq!(dir.read("o-blank.jsonl/codes.csv"), dir.read("o-blank.csv/codes.csv"));
    for (name, contents) in [("empty.jsonl", ""), ("blank-lines.jsonl", "\n \r\n\n")] {
        dir.write(name, contents);
        let err = dir.fails(&["run", "--survey", "survey.toml", "--input", name, "--out", "e"], 2);
        assert!(err.contains(&format!("{name}: the file is empty: no JSON object")), "{err}");
    }
    dir.write("empty.csv", "");
    let err = dir.fails(&["run", "--survey", "survey.toml", "--input", "empty.csv", "--out", "e"], 2);
    assert!(err.contains("empty.csv: the file is empty: no header row"), "{err}");
}

/// A key that is the column's name exactly is read, whatever other keys differ from it
/// only in case; with none, the one key differing only in case is; with two, the row is
/// rejected (the first was read, the other dropped unseen).
#[test]
fn json_lines_keys_differing_only_in_case_match_as_csv_headers_do() {
    let dir = fixture();
    dir.write(
        "case.jsonl",
        "{\"id\":1,\"q1\":\"No\",\"why\":\"fees\"}\n\
         {\"Id\":3,\"id\":4,\"q1\":\"No\",\"why\":\"fees\"}\n\
         {\"ID\":5,\"Id\":6,\"q1\":\"No\",\"why\":\"fees\"}\n\
         {\"ID\":7,\"q1\":\"No\",\"why\":\"fees\"}\n",
    );
    dir.ok(&["run", "--survey", "survey.toml", "--input", "case.jsonl", "--out", "o", "-q"]);
    let ids: Vec<String> =
        dir.read("o/codes.csv").lines().skip(1).map(|l| l.split(',').next().unwrap_or("").to_string()).collect();
    assert_eq!(ids, ["1", "4", "7"]);
    assert_eq!(
        dir.read("o/rejects.csv"),
        "line,row,respondent_id,column,reason\n\
         3,3,,id,\"the keys \"\"ID\"\" and \"\"Id\"\" both match the column, differing from it only in case: \
         which to read is unclear\"\n"
    );
}

/// `init` drafts from the keys of every object it samples, in the order first seen (it
/// took the first object's alone: `{"id":1}` first left nothing to code).
#[test]
fn init_on_json_lines_drafts_from_the_keys_of_every_object_sampled() {
    let dir = fixture();
    dir.write(
        "sparse.jsonl",
        "{\"id\":1}\n{\"id\":2,\"q1\":\"Yes\",\"why\":\"the cost was high\"}\n\
         {\"id\":3,\"q1\":\"No\",\"why\":\"the fees were fine, the wait was long\"}\n\
         {\"id\":4,\"q1\":\"Yes\",\"why\":\"it was expensive for what we got\"}\n",
    );
    dir.ok(&["init", "sparse.jsonl", "--out", "draft.toml"]);
    let spec = dir.read("draft.toml");
    assert_has_all(&spec, &["id_column = \"id\"", "[[closed]]\nid = \"q1\"", "[[open]]\nid = \"why\""]);
    // With nothing to code, the error says what each column was taken for.
    dir.write("ids.jsonl", "{\"id\":1}\n{\"id\":2}\n");
    let err = dir.fails(&["init", "ids.jsonl", "--out", "ids.toml"], 2);
    assert!(err.contains("found no column to code as a question (\"id\": the respondent id)"), "{err}");
}

/// `--delimiter` is refused with JSON Lines, as `--header-rows` and `--sheet` are (it
/// was accepted, doing nothing, and recorded in manifest.json); `--encoding` applies
/// (JSON Lines is sniffed and transcoded as CSV is).
#[test]
fn json_lines_refuses_a_delimiter_and_takes_an_encoding() {
    let dir = fixture();
    dir.write("a.jsonl", "{\"id\":1,\"q1\":\"Yes\",\"why\":\"cost\"}\n");
    let want = "--delimiter applies to CSV, and this input is JSON Lines: leave it out";
    let err = dir.fails(&["run", "--survey", "survey.toml", "--input", "a.jsonl", "--delimiter", ";", "--out", "o"], 2);
    assert!(err.contains(&format!("a.jsonl: {want}")), "{err}");
    let out = dir.run_with_stdin(
        &["run", "--survey", "survey.toml", "--input", "-", "--delimiter", ";", "--codes-only"],
        b"{\"id\":1,\"q1\":\"Yes\",\"why\":\"cost\"}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("<stdin>: {want}")));
    let err = dir.fails(&["init", "a.jsonl", "--delimiter", ";", "--out", "d.toml"], 2);
    assert!(err.contains(want), "{err}");
    let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode("{\"id\":1,\"q1\":\"Yes\",\"why\":\"caf\u{e9} cost\"}\n");
    dir.write("latin1.jsonl", &latin1);
    dir.ok(&["run", "--survey", "survey.toml", "--input", "latin1.jsonl", "--encoding", "latin1", "--out", "l", "-q"]);
    assert!(dir.read("l/codes.csv").contains("1,why,cafe,1,café,"), "{}", dir.read("l/codes.csv"));
}

/// summary.json without the words a draft cannot know (titles, question texts,
/// labels) and without the respondent types (a draft cannot know that "police
/// force" and "Law enforcement" are one type): every figure of every question.
fn figures(summary: &str) -> serde_json::Value {
    fn strip(v: &serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => m
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "text" | "label" | "title"))
                .map(|(k, v)| (k.clone(), strip(v)))
                .collect(),
            serde_json::Value::Array(a) => a.iter().map(strip).collect(),
            other => other.clone(),
        }
    }
    let v: serde_json::Value = serde_json::from_str(summary).expect("summary.json is JSON");
    serde_json::json!({
        "rows": v["rows"],
        "respondents": v["respondents"],
        "questions": strip(&v["questions"]),
    })
}

#[test]
fn init_on_the_demo_drafts_a_spec_that_reproduces_its_results() {
    let dir = Workdir::new();
    let root = crate::harness::repo();
    let data = root.join("data/stalking-consultation/responses.csv");
    let lexicon = root.join("lexicons/stalking-consultation.toml");
    let (data, lexicon) = (data.to_str().unwrap(), lexicon.to_str().unwrap());
    let out = dir.ok(&["init", data, "--out", "draft/survey.toml"]);
    assert!(out.contains("id column:       respondent_id"), "{out}");
    assert!(out.contains("respondent type: respondent_type"), "{out}");
    assert!(out.contains("5 closed, 9 open; 0 columns skipped"), "{out}");
    // As drafted, with its empty starter lexicon, it runs.
    dir.ok(&["run", "--survey", "draft/survey.toml", "--out", "as-is", "-q"]);
    // With the demo lexicon it gives the demo's figures.
    dir.ok(&["run", "--survey", "draft/survey.toml", "--lexicon", lexicon, "--out", "drafted", "-q"]);
    let spec = root.join("data/stalking-consultation/survey.toml");
    dir.ok(&["run", "--survey", spec.to_str().unwrap(), "--lexicon", lexicon, "--out", "demo", "-q"]);
    assert_eq!(figures(&dir.read("drafted/summary.json")), figures(&dir.read("demo/summary.json")));
    assert_eq!(dir.read("drafted/codes.csv"), dir.read("demo/codes.csv"));
    // init does not overwrite a spec without --force, and never a lexicon.
    dir.write("draft/lexicon.toml", "name = \"mine\"\n");
    let err = dir.fails(&["init", data, "--out", "draft/survey.toml"], 2);
    assert!(err.contains("draft/survey.toml exists"), "{err}");
    let out = dir.ok(&["init", data, "--out", "draft/survey.toml", "--force"]);
    assert!(out.contains("kept draft/lexicon.toml"), "{out}");
    assert_eq!(dir.read("draft/lexicon.toml"), "name = \"mine\"\n");
}

#[test]
fn init_on_a_spreadsheet_records_the_sheet_and_skips_dates() {
    let dir = Workdir::new();
    dir.write("book.xlsx", workbook());
    dir.ok(&["init", "book.xlsx", "--sheet", "Responses"]);
    let spec = dir.read("survey.toml");
    assert_has_all(
        &spec,
        &[
            "responses = \"book.xlsx\"",
            "sheet = \"Responses\"",
            "lexicon = \"lexicon.toml\"",
            "id_column = \"id\"",
            "[[closed]]\nid = \"q1\"",
            "options = [\"Yes\", \"No\"]",
            "[[open]]\nid = \"why\"",
            "# Skipped: column \"submitted\" (4 of 4 rows answered): it holds dates.",
        ],
    );
    dir.ok(&["run", "--survey", "survey.toml", "--out", "o", "-q"]);
    assert!(dir.read("o/summary.json").contains("\"respondents\": 4"));
}

/// A column the run reads that the header holds twice is refused in every format,
/// naming the file, the column and both positions: reading the first and dropping the
/// second's answers unseen was the old behaviour. Names repeated among columns the run
/// does not read stay accepted (exports repeat labels).
#[test]
fn a_used_column_twice_in_the_header_is_refused_in_every_format() {
    let dir = fixture();
    let run = |input: &str| dir.fails(&["run", "--survey", "survey.toml", "--input", input, "--out", "o"], 2);
    let want = "column \"why\" appears more than once in the header (columns 3 and 5)";

    let csv = "id,submitted,why,q1,why\n1,2024-03-15,the cost,Yes,the fees\n";
    dir.write("twice.csv", csv);
    let err = run("twice.csv");
    assert!(err.contains(&format!("twice.csv:1: {want}")), "{err}");
    let out = dir.run_with_stdin(&["run", "--survey", "survey.toml", "--input", "-", "--codes-only"], csv.as_bytes());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("<stdin>:1: {want}")), "{err}");
    // Case-insensitive matches count too when no cell matches exactly.
    dir.write("case.csv", "id,submitted,WHY,q1,Why\n1,2024-03-15,the cost,Yes,the fees\n");
    assert!(run("case.csv").contains("columns 3 and 5"));

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, name) in ["id", "submitted", "why", "q1", "why"].iter().enumerate() {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    sheet.write_number(1, 0, 1.0).unwrap();
    sheet.write_string(1, 2, "the cost").unwrap();
    dir.write("twice.xlsx", book.save_to_buffer().unwrap());
    let err = run("twice.xlsx");
    assert!(err.contains("twice.xlsx:1") && err.contains(want), "{err}");

    dir.write(
        "twice.jsonl",
        "{\"id\": 1, \"submitted\": \"x\", \"Why\": \"the cost\", \"q1\": \"Yes\", \"WHY\": \"fees\"}\n",
    );
    let err = run("twice.jsonl");
    assert!(
        err.contains("twice.jsonl: column \"why\" appears more than once in the header (columns 3 and 5)"),
        "{err}"
    );

    // Repeated names the survey does not read are fine.
    dir.write("unused.csv", "id,note,q1,note,why\n1,a,Yes,b,the cost\n");
    dir.ok(&["run", "--survey", "survey.toml", "--input", "unused.csv", "--out", "u", "-q"]);
    assert!(dir.read("u/codes.csv").contains("cost"));

    // A repeated name is read by its place among the columns of that name.
    dir.write("nth.toml", SURVEY.replace("[[open]]\nid = \"why\"\n", "[[open]]\nid = \"why\"\ncolumn = \"why [2]\"\n"));
    dir.ok(&["run", "--survey", "nth.toml", "--input", "twice.csv", "--out", "n", "-q"]);
    let codes = dir.read("n/codes.csv");
    assert!(codes.contains("1,why,cost,1,fee*,") && !codes.contains("cost*"), "{codes}");
    // (The workbook's second "why" is empty: nothing to code, and no error.)
    dir.ok(&["run", "--survey", "nth.toml", "--input", "twice.xlsx", "--out", "nx", "-q"]);
    assert_eq!(dir.read("nx/codes.csv").lines().count(), 1);
    dir.write(
        "nth3.toml",
        SURVEY.replace("[[open]]\nid = \"why\"\n", "[[open]]\nid = \"why\"\ncolumn = \"why [3]\"\n"),
    );
    let err = dir.fails(&["run", "--survey", "nth3.toml", "--input", "twice.csv", "--out", "n3"], 2);
    assert!(err.contains("no column \"why [3]\" in the header"), "{err}");
    // Three of a name: all named. A cell named `why [2]` beside two `why`s: unclear.
    dir.write("thrice.csv", "id,why,q1,why,why\n1,a,Yes,b,c\n");
    let err = run("thrice.csv");
    assert!(err.contains("appears more than once in the header (columns 2, 4 and 5)"), "{err}");
    dir.write("literal.csv", "id,why,q1,why,why [2]\n1,a,Yes,b,c\n");
    let err = dir.fails(&["run", "--survey", "nth.toml", "--input", "literal.csv", "--out", "l"], 2);
    assert!(
        err.contains("column \"why [2]\" could be the column of that name or number 2 of the columns named \"why\""),
        "{err}"
    );
    dir.ok(&["init", "literal.csv", "--out", "literal.toml"]);
    let spec = dir.read("literal.toml");
    assert!(spec.contains("and the header has a column named \"why [2]\" too"), "{spec}");
}

/// Asserts that `text` holds every one of `wants`, showing it whole if not.
fn assert_has_all(text: &str, wants: &[&str]) {
    for want in wants {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
}

/// Codes a sheet with `--survey survey.toml`: codes.csv and rejects.csv.
/// Writes the fixture's columns (`id`, `q1`, `why`) as the header, in sheet row `row`.
fn write_header(sheet: &mut rust_xlsxwriter::Worksheet, row: u32) {
    for (c, name) in ["id", "q1", "why"].iter().enumerate() {
        sheet.write_string(row, c as u16, *name).unwrap();
    }
}

fn code_sheet(dir: &Workdir, name: &str, book: &mut Workbook) -> (String, String) {
    dir.write(name, book.save_to_buffer().unwrap());
    let out = format!("out-{name}");
    dir.ok(&["run", "--survey", "survey.toml", "--input", name, "--out", &out, "-q"]);
    (dir.read(&format!("{out}/codes.csv")), dir.read(&format!("{out}/rejects.csv")))
}

#[test]
fn xlsx_sixteen_digit_ids_keep_every_digit() {
    // Ids read to 15 significant digits became 1234567890123460 twice, and the
    // second row was rejected as a duplicate of the first.
    let dir = fixture();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    write_header(sheet, 0);
    for (r, id) in [(1, 1_234_567_890_123_456.0), (2, 1_234_567_890_123_457.0), (3, 9_007_199_254_740_992.0)] {
        sheet.write_number(r, 0, id).unwrap();
        sheet.write_string(r, 2, "the cost").unwrap();
    }
    let (codes, rejects) = code_sheet(&dir, "ids.xlsx", &mut book);
    assert_eq!(rejects, "line,row,respondent_id,column,reason\n");
    let ids: Vec<&str> = codes.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(ids, ["1234567890123456", "1234567890123457", "9007199254740992"], "{codes}");
}

#[test]
fn xlsx_far_cell_is_read_in_little_memory() {
    // One value at XFD1048576 in a 5 KB workbook aborted the run ("memory allocation
    // of 549755813888 bytes failed"): the sheet was read as a grid of every cell up to
    // it. Read cell by cell, the run fits in 1 GB of address space, and the far cell's
    // row is listed in rejects.csv with its row number.
    let dir = fixture();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    write_header(sheet, 0);
    sheet.write_number(1, 0, 1.0).unwrap();
    sheet.write_string(1, 2, "the cost").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    dir.write("far.xlsx", book.save_to_buffer().unwrap());
    let out = std::process::Command::new("sh")
        .args(["-c", "ulimit -v 1000000 && exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_codeframe")])
        .args(["run", "--survey", "survey.toml", "--input", "far.xlsx", "--out", "o", "-q"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    assert!(dir.read("o/codes.csv").contains("\n1,why,cost,"));
    let rejects = dir.read("o/rejects.csv");
    assert!(rejects.starts_with("line,row,respondent_id,column,reason\n1048576,2,"), "{rejects}");
    assert_eq!(rejects.lines().count(), 2, "{rejects}");
}

#[test]
fn xlsx_notes_right_of_the_header_are_read_as_its_csv_export() {
    // A note in a column with no header cell rejected its row ("row has 4 fields, the
    // header has 3"); the sheet's CSV export (header `id,q1,why,`) codes it.
    let dir = fixture();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    write_header(sheet, 0);
    sheet.write_number(1, 0, 1.0).unwrap();
    sheet.write_string(1, 1, "Yes").unwrap();
    sheet.write_string(1, 2, "the cost").unwrap();
    sheet.write_string(1, 3, "called back").unwrap();
    sheet.write_string(2, 3, "a note on its own").unwrap();
    sheet.write_number(3, 0, 2.0).unwrap();
    sheet.write_string(3, 2, "the fees").unwrap();
    let (codes, rejects) = code_sheet(&dir, "notes.xlsx", &mut book);
    dir.write("notes.csv", "id,q1,why,\n1,Yes,the cost,called back\n,,,a note on its own\n2,,the fees,\n");
    dir.ok(&["run", "--survey", "survey.toml", "--input", "notes.csv", "--out", "csv", "-q"]);
    assert_eq!(codes, dir.read("csv/codes.csv"));
    assert_eq!(rejects, dir.read("csv/rejects.csv"));
    assert!(codes.contains("\n1,why,cost,") && codes.contains("\n2,why,cost,"), "{codes}");
    assert_eq!(rejects, "line,row,respondent_id,column,reason\n3,2,,id,respondent id is empty\n");
}

/// A Qualtrics CSV export: column ids, then the questions' wording, then import ids.
const QUALTRICS: &str = concat!(
    "StartDate,Status,ResponseId,Q1,Q2,Q3\r\n",
    "Start Date,Response Type,Response ID,Do you agree?,Are you responding as... - Selected Choice,",
    "Please explain the cost to you\r\n",
    "\"{\"\"ImportId\"\":\"\"startDate\"\",\"\"timeZone\"\":\"\"Europe/London\"\"}\",\"{\"\"ImportId\"\":\"\"status\"\"}\",",
    "\"{\"\"ImportId\"\":\"\"_recordId\"\"}\",\"{\"\"ImportId\"\":\"\"QID1\"\"}\",\"{\"\"ImportId\"\":\"\"QID2\"\"}\",",
    "\"{\"\"ImportId\"\":\"\"QID3_TEXT\"\"}\"\r\n",
    "2024-01-05 10:00:00,IP Address,R_1aB2,Yes,Member of the public,The fees are too high\r\n",
    "2024-01-05 11:00:00,IP Address,R_2xY3,No,Charity,It is fine\r\n",
    "2024-01-06 09:12:00,IP Address,R_3kL4,Yes,Member of the public,\r\n",
);

/// The Qualtrics export's rows 2 and 3 are header, not respondents: the wording row
/// ("Please explain the cost to you") was coded as an answer raising `cost`, and both
/// rows counted as respondents. The note says so; --header-rows 1 reads them as data.
#[test]
fn a_qualtrics_export_has_three_header_rows() {
    let dir = Workdir::new();
    dir.write("lex.toml", LEXICON);
    dir.write("qualtrics.csv", QUALTRICS);
    dir.write(
        "survey.toml",
        "id_column = \"ResponseId\"\nlexicon = \"lex.toml\"\n[[closed]]\nid = \"Q1\"\noptions = [\"Yes\", \"No\"]\n\
         [[open]]\nid = \"Q3\"\n",
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "--survey", "survey.toml", "--input", "qualtrics.csv", "--out", "o"];
        args.extend_from_slice(extra);
        dir.run(&args)
    };
    let out = run(&[]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("note: qualtrics.csv: the 2 rows on lines 2 to 3 read as header, not respondents: a Qualtrics export's question wording and import ids"),
        "{stderr}"
    );
    // Rows taken as header are no respondents: --quiet says so too, as it does warnings.
    let quiet = run(&["--quiet"]);
    let stderr = String::from_utf8_lossy(&quiet.stderr);
    assert_eq!(stderr.lines().filter(|l| l.contains("note: qualtrics.csv: the 2 rows")).count(), 1, "{stderr}");
    assert!(!stderr.contains("rows read"), "{stderr}");
    let summary = dir.read("o/summary.json");
    assert!(summary.contains("\"respondents\": 3"), "{summary}");
    assert_eq!(dir.read("o/codes.csv").lines().filter(|l| l.contains(",Q3,cost,")).count(), 1);
    assert!(dir.read("o/codes.csv").contains("R_1aB2,Q3,cost,1,fee*,"));
    let manifest = dir.read("o/manifest.json");
    assert!(manifest.contains("\"header_rows\": 3,\n      \"export\": \"Qualtrics\""), "{manifest}");
    // The rows a given count says, and no more: the wording row is then an answer.
    assert!(run(&["--header-rows", "1", "-q"]).status.success());
    assert!(dir.read("o/summary.json").contains("\"respondents\": 5"));
    assert!(dir.read("o/codes.csv").contains("Response ID,Q3,cost,"));
    assert!(dir.read("o/manifest.json").contains("\"header_rows\": \"1\""));
    let err = dir.fails(&["run", "--survey", "survey.toml", "--input", "qualtrics.csv", "--header-rows", "11"], 2);
    assert!(err.contains("--header-rows"), "{err}");
    // A spec says it too, within bounds.
    dir.write("bad.toml", "header_rows = 0\nid_column = \"ResponseId\"\n[[open]]\nid = \"Q3\"\n");
    let err = dir.fails(&["run", "--survey", "bad.toml", "--input", "qualtrics.csv", "--lexicon", "lex.toml"], 2);
    assert!(err.contains("bad.toml:1: invalid survey spec: header_rows = 0: a header spans 1 to 10 rows"), "{err}");
    // JSON Lines has no header rows to give.
    dir.write("a.jsonl", "{\"ResponseId\": \"R_1\", \"Q1\": \"Yes\", \"Q3\": \"fees\"}\n");
    let err =
        dir.fails(&["run", "--survey", "survey.toml", "--input", "a.jsonl", "--header-rows", "2", "--out", "j"], 2);
    assert!(err.contains("--header-rows applies to CSV and spreadsheets"), "{err}");
}

/// Shards of a Qualtrics export each skip its header rows, and merge into the run
/// over the whole file.
#[test]
fn shards_of_a_qualtrics_export_merge_into_the_whole_run() {
    let dir = Workdir::new();
    dir.write("lex.toml", LEXICON);
    dir.write("q.csv", QUALTRICS);
    dir.write(
        "survey.toml",
        "id_column = \"ResponseId\"\nlexicon = \"lex.toml\"\nresponses = \"q.csv\"\n[[open]]\nid = \"Q3\"\n",
    );
    dir.ok(&["run", "--survey", "survey.toml", "--out", "whole", "-q"]);
    for k in 1..=2 {
        dir.ok(&["run", "--survey", "survey.toml", "--shard", &format!("{k}/2"), "--out", &format!("p{k}"), "-q"]);
    }
    dir.ok(&["merge", "p1", "p2", "--out", "merged", "-q"]);
    for file in ["codes.csv", "summary.json", "theme_frequencies.csv"] {
        assert_eq!(dir.read(&format!("merged/{file}")), dir.read(&format!("whole/{file}")), "{file}");
    }
}

/// A SurveyMonkey workbook: row 2 holds each column's sub-heading, and a question of
/// several choices names only its first column. The sub-headings complete the names
/// (`Who are you? - Charity`), row 2 is no respondent, and init skips the choice
/// columns and the platform's own.
#[test]
fn a_survey_monkey_workbook_names_its_choice_columns_from_row_two() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let header = ["Respondent ID", "Start Date", "IP Address", "Do you agree?", "Why?", "Who are you?", "", ""];
    let sub =
        ["", "", "", "Response", "Open-Ended Response", "Member of the public", "Charity", "Other (please specify)"];
    for (c, (h, s)) in header.iter().zip(sub).enumerate() {
        if !h.is_empty() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        if !s.is_empty() {
            sheet.write_string(1, c as u16, s).unwrap();
        }
    }
    let rows: [[&str; 8]; 3] = [
        ["1140", "11/28/2024", "81.2.69.1", "Yes", "The cost is too high", "Member of the public", "", ""],
        ["1141", "11/28/2024", "81.2.69.2", "No", "It is fine", "", "Charity", ""],
        ["1142", "11/29/2024", "81.2.69.3", "Yes", "", "", "", "A victim's sister"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
            sheet.write_string(2 + r as u32, c as u16, *cell).unwrap();
        }
    }
    let dir = Workdir::new();
    dir.write("sm.xlsx", book.save_to_buffer().unwrap());
    dir.write("lex.toml", LEXICON);
    dir.write(
        "survey.toml",
        "id_column = \"Respondent ID\"\nlexicon = \"lex.toml\"\nresponses = \"sm.xlsx\"\n\
         [[open]]\nid = \"why\"\ncolumn = \"Why?\"\n\
         [[open]]\nid = \"other\"\ncolumn = \"Who are you? - Other (please specify)\"\n",
    );
    let out = dir.run(&["run", "--survey", "survey.toml", "--out", "o"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "note: sm.xlsx: sheet row 2 read as header, not respondents: a SurveyMonkey export's sub-headings"
        ),
        "{stderr}"
    );
    assert!(dir.read("o/summary.json").contains("\"respondents\": 3"));
    assert!(dir.read("o/codes.csv").contains("1140,why,cost,"));

    let draft = dir.ok(&["init", "sm.xlsx", "--out", "draft.toml"]);
    assert!(draft.contains("id column:       Respondent ID"), "{draft}");
    let spec = dir.read("draft.toml");
    assert_has_all(
        &spec,
        &[
            "# A SurveyMonkey export: its header spans 2 rows",
            "column = \"Do you agree?\"",
            "# Skipped: column \"IP Address\" (3 of 3 rows answered): a column SurveyMonkey adds to every export",
            "columns = [\"Who are you? - Member of the public\", \"Who are you? - Charity\", { column = \"Who are you? - \
             Other (please specify)\", option = \"Other (please specify)\" }]\ntext = \"Who are you?\"\nmultiple = true\n\
             options = [\"Member of the public\", \"Charity\", \"Other (please specify)\"]",
            "# Skipped: column \"Who are you? - Charity\" (1 of 3 rows answered): a choice of the question drafted at column 6",
        ],
    );
    // The drafted question counts the choices across its columns (Other too): one each, of three.
    dir.ok(&["run", "--survey", "draft.toml", "--lexicon", "lex.toml", "--out", "d", "-q"]);
    let closed = dir.read("d/closed_answers.csv");
    for option in ["Member of the public", "Charity", "Other (please specify)"] {
        assert!(closed.contains(&format!(",{option},1,3,33.33,3,33.33\n")), "{closed}");
    }
    // `columns` needs `multiple`, and is not given with `column`.
    dir.write("cols.toml", "[[closed]]\nid = \"who\"\ncolumns = [\"a\", \"b\"]\noptions = [\"x\"]\n");
    let err = dir.fails(&["run", "--survey", "cols.toml", "--input", "sm.xlsx", "--lexicon", "lex.toml"], 2);
    assert!(err.contains("`columns` lists the columns of a question that takes several answers"), "{err}");
}

/// init on a Qualtrics export: the questions' wording from row 2 as their text, the
/// respondent type found by its wording, the platform's columns skipped.
#[test]
fn init_on_a_qualtrics_export_takes_the_questions_wording() {
    let dir = Workdir::new();
    dir.write("qualtrics.csv", QUALTRICS);
    let out = dir.ok(&["init", "qualtrics.csv"]);
    assert!(out.contains("id column:       ResponseId"), "{out}");
    assert!(out.contains("respondent type: Q2"), "{out}");
    let spec = dir.read("survey.toml");
    assert_has_all(
        &spec,
        &[
            "# A Qualtrics export: its header spans 3 rows",
            "[[closed]]\nid = \"Q1\"\ntext = \"Do you agree?\"\noptions = [\"Yes\", \"No\"]",
            "[[open]]\nid = \"Q3\"\ntext = \"Please explain the cost to you\"",
            "# Skipped: column \"StartDate\" (3 of 3 rows answered): a column Qualtrics adds to every export",
        ],
    );
    dir.ok(&["run", "--survey", "survey.toml", "--out", "o", "-q"]);
    assert!(dir.read("o/summary.json").contains("\"respondents\": 3"));
    // Given rows are recorded in the spec, and read as given.
    dir.ok(&["init", "qualtrics.csv", "--out", "two.toml", "--header-rows", "2"]);
    assert!(dir.read("two.toml").contains("\nheader_rows = 2\n"));
    let out = dir.run(&["run", "--survey", "two.toml", "--out", "o2"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("the row on line 2 read as header, as --header-rows says"));
}

/// Rows under the header are rows as below it: blank lines are none, so
/// `--header-rows 2` takes the wording on line 3, not the respondent on line 4, and the
/// note names line 3. A spec's `header_rows` holds for its own responses given again
/// as `--input`, and `--codes-only` notes the header rows too.
#[test]
fn header_rows_skip_blank_lines_and_hold_for_the_spec_s_own_responses() {
    let dir = Workdir::new();
    dir.write("lex.toml", LEXICON);
    dir.write("b.csv", "id,why\n\nWording id,Wording why\n1,the cost\n2,the fees\n");
    dir.write(
        "survey.toml",
        "id_column = \"id\"\nlexicon = \"lex.toml\"\nresponses = \"b.csv\"\nheader_rows = 2\n[[open]]\nid = \"why\"\n",
    );
    for input in [&[][..], &["--input", "b.csv"][..]] {
        let mut args = vec!["run", "--survey", "survey.toml", "--out", "o"];
        args.extend_from_slice(input);
        let out = dir.run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("note: b.csv: the row on line 3 read as header, as --header-rows says"), "{stderr}");
        assert!(dir.read("o/summary.json").contains("\"respondents\": 2"), "{input:?}");
        assert_eq!(dir.read("o/codes.csv").lines().filter(|l| l.contains(",why,cost,")).count(), 2);
    }
    dir.write("qualtrics.csv", QUALTRICS);
    let out = dir.run(&[
        "run",
        "--input",
        "qualtrics.csv",
        "--id-column",
        "ResponseId",
        "--text-column",
        "Q3",
        "--lexicon",
        "lex.toml",
        "--codes-only",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("note: qualtrics.csv: the 2 rows on lines 2 to 3 read as header"), "{stderr}");
    assert!(stderr.contains("3 rows read, 3 coded, 0 rejected"), "{stderr}");
}

/// init writes values and names with line breaks and control characters so that the
/// drafted spec parses: a comment cannot hold a raw line break or ESC.
#[test]
fn init_escapes_line_breaks_and_control_characters_in_the_draft() {
    let dir = Workdir::new();
    let rows: String = ["\"a\nb\"", "\"a\nb\"", "c", "c", "c", "\"x\u{1b}y\""]
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{},{v},{}@example.org\r\n", i + 1, i))
        .collect();
    dir.write("nl.csv", format!("id,q,\"Email\naddress\"\r\n{rows}"));
    dir.ok(&["init", "nl.csv"]);
    let spec = dir.read("survey.toml");
    assert!(spec.contains("options = [\"c\", \"a\\nb\", \"x\\u001By\"]"), "{spec}");
    assert!(spec.contains("# answers per option: c 3, a\\nb 2, x\\u001By 1"), "{spec}");
    assert!(spec.contains("# Skipped: column \"Email\\naddress\""), "{spec}");
    dir.ok(&["run", "--survey", "survey.toml", "--out", "o", "-q"]);
}

/// A "tick all that apply" question, as Google Forms (`A, B`) and Microsoft Forms
/// (`A;B;`) export it: each option chosen counts its respondents, the figures add up
/// to more than 100% (never rounded to 100 by the largest remainder), "of those who
/// answered" is of those who chose any, shards merge into the whole run, and init
/// drafts the question as one that takes several answers.
#[test]
fn a_question_taking_several_answers_counts_each_option_chosen() {
    let dir = Workdir::new();
    dir.write("lex.toml", LEXICON);
    let mut csv = String::from("id,type,apply,why\n");
    let cells =
        ["\"Victim, Family member\"", "Professional", "\"Yes, strongly, Victim\"", "", "Victim;Something else;"];
    for (i, cell) in cells.iter().cycle().take(10).enumerate() {
        let ty = if i % 2 == 0 { "Charity" } else { "Public" };
        csv.push_str(&format!("{},{ty},{cell},the cost\n", i + 1));
    }
    dir.write("forms.csv", &csv);
    dir.write(
        "survey.toml",
        "id_column = \"id\"\nlexicon = \"lex.toml\"\nresponses = \"forms.csv\"\n\
         [respondent_type]\ncolumn = \"type\"\ndefault = \"Public\"\ntypes = [{ name = \"Charity\" }, { name = \"Public\" }]\n\
         [[closed]]\nid = \"apply\"\nmultiple = true\n\
         options = [\"Victim\", \"Family member\", \"Professional\", \"Yes, strongly\"]\n\
         [[open]]\nid = \"why\"\n",
    );
    dir.ok(&["run", "--survey", "survey.toml", "--out", "o", "-q", "--largest-remainder"]);
    assert_eq!(
        dir.read("o/closed_answers.csv"),
        "question,option,count,base,pct,answered,pct_answered\n\
         apply,Victim,6,10,60.00,8,75.00\n\
         apply,Family member,2,10,20.00,8,25.00\n\
         apply,Professional,2,10,20.00,8,25.00\n\
         apply,\"Yes, strongly\",2,10,20.00,8,25.00\n\
         apply,(nil),2,10,20.00,,\n\
         apply,(unrecognised),2,10,20.00,,\n"
    );
    let md = dir.read("o/summary.md");
    assert!(
        md.contains("Respondents could choose more than one answer, so the figures may add up to more than 100%."),
        "{md}"
    );
    assert!(md.contains("60% of respondents (6 of 10) chose 'Victim', 20% (2 of 10) chose 'Family member'"), "{md}");
    assert!(dir.read("o/summary.json").contains("\"multiple\": true"));
    // explain says how each closed cell was read.
    let out = dir.ok(&["explain", "--survey", "survey.toml", "--respondent", "5"]);
    assert!(
        out.contains(
            "type: Charity\napply: Victim (\"Victim;Something else;\" also holds a value that is none of the options \
             (Victim, Family member, Professional, Yes, strongly) nor an alias of one: counted as unrecognised)\n"
        ),
        "{out}"
    );
    let out = dir.ok(&["explain", "--survey", "survey.toml", "--respondent", "3"]);
    assert!(out.contains("apply: Victim; Yes, strongly\n"), "{out}");
    for k in 1..=3 {
        dir.ok(&[
            "run",
            "--survey",
            "survey.toml",
            "--shard",
            &format!("{k}/3"),
            "--out",
            &format!("p{k}"),
            "-q",
            "--largest-remainder",
        ]);
    }
    dir.ok(&["merge", "p1", "p2", "p3", "--out", "merged", "-q"]);
    for file in ["closed_answers.csv", "summary.md", "crosstabs.csv"] {
        assert_eq!(dir.read(&format!("merged/{file}")), dir.read(&format!("o/{file}")), "{file}");
    }
    // init: cells listing a few values are a question that takes several answers.
    let listed = ["Victim, Friend", "Friend", "Professional, Victim, Friend", "Victim", "Friend; Professional"];
    let rows: String = listed.iter().cycle().take(20).map(|c| format!("\"{c}\",the cost\n")).collect();
    dir.write("ticks.csv", format!("apply,why\n{rows}"));
    dir.ok(&["init", "ticks.csv", "--out", "ticks.toml"]);
    let spec = dir.read("ticks.toml");
    assert!(spec.contains("[[closed]]\nid = \"apply\"\ntext = \"apply\"\nmultiple = true\noptions = [\"Friend\", \"Victim\", \"Professional\"]"), "{spec}");
    dir.ok(&["run", "--survey", "ticks.toml", "--out", "t", "-q"]);
    assert!(dir.read("t/closed_answers.csv").contains("apply,Friend,16,20,80.00,20,80.00\n"));
}

/// SurveyMonkey exports as a tester wrote them: an `Open-Ended Response` column is an
/// open question however short its answers; a choice whose label holds a comma stays
/// one option over `columns`; a choice label repeated, or a question of 70 choices,
/// still drafts a spec that runs; a rating scale's points are in their order.
#[test]
fn init_on_survey_monkey_exports_drafts_specs_that_run() {
    let dir = Workdir::new();
    let comments = ["No", "None", "No, thank you", "Yes, the police were slow", "N/A", "No"];
    let scale = ["1 - Very poor", "2", "3", "4", "5 - Very good"];
    let mut csv = String::from("Respondent ID,Any other comments?,Who helped?,,,Rate us\n");
    csv.push_str(",Open-Ended Response,Police,Courts,\"Police, Courts\",Response\n");
    for i in 0..24 {
        let (police, courts, both) = match i % 3 {
            0 => ("Police", "", ""),
            1 => ("", "Courts", "Police, Courts"),
            _ => ("Police", "Courts", ""),
        };
        let rate = scale[(i * 7) % 5];
        csv.push_str(&format!(
            "{},\"{}\",{police},{courts},\"{both}\",{rate}\n",
            1000 + i,
            comments[i % comments.len()]
        ));
    }
    dir.write("sm.csv", &csv);
    dir.ok(&["init", "sm.csv", "--out", "s.toml"]);
    let spec = dir.read("s.toml");
    assert_has_all(
        &spec,
        &[
            "[[open]]\nid = \"any_other_comments\"\ncolumn = \"Any other comments?\"",
            "[[closed]]\nid = \"who_helped\"\ncolumns = [\"Who helped? - Police\", \"Who helped? - Courts\", \"Who helped? - Police, Courts\"]",
            "multiple = true\noptions = [\"Police\", \"Courts\", \"Police, Courts\"]",
            "options = [\"1 - Very poor\", \"2\", \"3\", \"4\", \"5 - Very good\"]",
        ],
    );
    dir.ok(&["run", "--survey", "s.toml", "--out", "o", "-q"]);
    let closed = dir.read("o/closed_answers.csv");
    assert!(closed.contains(",Police,16,24,66.67,24,66.67\n"), "{closed}");
    assert!(closed.contains(",\"Police, Courts\",8,24,33.33,24,33.33\n"), "{closed}");

    // A repeated choice label, and a question of 70 choices: drafts that run.
    let mut twice = String::from("Respondent ID,Who?,,,Why?\n,Victim,Victim,Professional,Open-Ended Response\n");
    let mut wide = String::from("Respondent ID,Which?");
    wide.push_str(&",".repeat(69));
    wide.push_str("\n,");
    wide.push_str(&(0..70).map(|k| format!("c{k}")).collect::<Vec<_>>().join(","));
    wide.push('\n');
    for i in 0..6 {
        twice.push_str(&format!("{i},Victim,,Professional,because\n"));
        wide.push_str(&format!("{i},c{i}{}\n", ",".repeat(69)));
    }
    for (name, data) in [("twice.csv", twice), ("wide.csv", wide)] {
        dir.write(name, data);
        let spec = format!("{name}.toml");
        dir.ok(&["init", name, "--out", &spec]);
        dir.ok(&["run", "--survey", &spec, "--out", &format!("o-{name}"), "-q"]);
    }
    // Spec mistakes in `columns` are named.
    dir.write("twice.toml", "[[closed]]\nid = \"who\"\nmultiple = true\ncolumns = [\"a\", \"a\"]\noptions = [\"x\"]\n");
    let err = dir.fails(&["run", "--survey", "twice.toml", "--input", "sm.csv", "--lexicon", "s.toml"], 2);
    assert!(err.contains("closed question `who`: `columns` lists \"a\" twice"), "{err}");
    // init on rows all rejected says why.
    dir.write("wider.csv", "id,q\n1,a,b\n2,c,d\n");
    let err = dir.fails(&["init", "wider.csv", "--out", "w.toml"], 2);
    assert!(err.contains("no data rows to guess from: the 2 rows read were rejected, as a run would reject them (the first, line 2: row has 3 fields, the header has 2)"), "{err}");
}

/// SurveyMonkey's "Other (please specify)" column holds what people wrote: in
/// `columns` as `{ column = ..., option = ... }` its filled cell counts as that option,
/// and init drafts it so. A respondent who ticked only Other chose an option.
#[test]
fn an_other_column_counts_as_its_option_when_filled() {
    let dir = Workdir::new();
    let mut csv =
        String::from("Respondent ID,Who are you?,,Why?\n,Victim,Other (please specify),Open-Ended Response\n");
    for i in 0..10 {
        let (victim, other) = if i % 2 == 0 { ("Victim", "") } else { ("", "A victim's sister") };
        csv.push_str(&format!("{i},{victim},{other},the cost\n"));
    }
    dir.write("sm.csv", &csv);
    dir.ok(&["init", "sm.csv", "--out", "s.toml"]);
    let spec = dir.read("s.toml");
    assert!(
        spec.contains(
            "columns = [\"Who are you? - Victim\", { column = \"Who are you? - Other (please specify)\", option = \"Other (please specify)\" }]"
        ),
        "{spec}"
    );
    dir.ok(&["run", "--survey", "s.toml", "--out", "o", "-q"]);
    let closed = dir.read("o/closed_answers.csv");
    assert!(
        closed.contains(",Victim,5,10,50.00,10,50.00\n")
            && closed.contains(",Other (please specify),5,10,50.00,10,50.00\n"),
        "{closed}"
    );
    assert!(closed.contains(",(nil),0,10,"), "{closed}");
    // The option a column counts as must be one of the question's.
    dir.write(
        "bad.toml",
        "[[closed]]\nid = \"who\"\nmultiple = true\noptions = [\"Victim\"]\n\
         columns = [\"Who are you? - Victim\", { column = \"Who are you? - Other (please specify)\", option = \"Other\" }]\n",
    );
    let err = dir.fails(&["run", "--survey", "bad.toml", "--input", "sm.csv", "--lexicon", "s.toml"], 2);
    assert!(err.contains("counts as \"Other\", which is not one of its options"), "{err}");
}

/// An "Other (please specify)" cell holding a non-answer (`N/A`, `-`, `none`) was
/// counted as the Other option: it is no answer, as the same cell of any closed
/// question is.
#[test]
fn a_non_answer_in_an_other_column_is_no_answer() {
    let dir = Workdir::new();
    let mut csv =
        String::from("Respondent ID,Who are you?,,Why?\n,Victim,Other (please specify),Open-Ended Response\n");
    for (i, (victim, other)) in
        [("Victim", "N/A"), ("", "n/a"), ("", "-"), ("", "none"), ("", "A victim's sister"), ("Victim", "")]
            .iter()
            .enumerate()
    {
        csv.push_str(&format!("{i},{victim},{other},the cost\n"));
    }
    dir.write("sm.csv", &csv);
    dir.ok(&["init", "sm.csv", "--out", "s.toml"]);
    dir.ok(&["run", "--survey", "s.toml", "--out", "o", "-q"]);
    let closed = dir.read("o/closed_answers.csv");
    assert!(closed.contains(",Victim,2,6,"), "{closed}");
    assert!(closed.contains(",Other (please specify),1,6,"), "{closed}");
    assert!(closed.contains(",(nil),3,6,"), "{closed}");
}

/// A pipe given by name (`<(command)`, `/dev/stdin`, a named pipe) is read once, as
/// standard input is: its format and encoding were sniffed with a second open, which
/// found it empty ("the file is empty") or, for a named pipe, waited for ever.
#[cfg(unix)]
#[test]
fn a_pipe_given_by_name_is_read_once() {
    let dir = fixture();
    let args = ["run", "--survey", "survey.toml", "--input", "/dev/stdin", "--out", "o", "--quiet"];
    for input in
        ["id,submitted,why,q1\n1,2024-03-15,the cost,Yes\n", "{\"id\":1,\"why\":\"the cost\",\"q1\":\"Yes\"}\n"]
    {
        let out = dir.run_with_stdin(&args, input.as_bytes());
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(dir.read("o/codes.csv").contains("1,why,cost,1,"), "{input}");
    }
}

#[test]
fn answers_from_web_forms_read_as_the_text_their_html_shows() {
    let dir = Workdir::new();
    dir.write(
        "lex.toml",
        "[[theme]]\nid = \"cost\"\nterms = [\"cost*\", \"expens*\"]\n\n\
         [[theme]]\nid = \"police\"\nterms = [\"police\"]\n",
    );
    dir.write("survey.toml", SURVEY);
    // A negation behind `&#39;`, list items that are sentences of their own, a type
    // `&amp;`, and text that only looks like markup.
    dir.write(
        "web.csv",
        "id,q1,why\n\
         1,Yes,\"<p>It didn&#39;t cost much</p>\"\n\
         2,No,\"<ul><li>Too expensive</li><li>no police</li></ul>\"\n\
         3,Yes,I <3 the police & R&D\n\
         4,Yes,<b>Police</b>&nbsp;helped\n",
    );
    let codes = codes(&dir, "web.csv", &[]);
    let themes: Vec<String> =
        codes.lines().skip(1).map(|l| l.split(',').take(3).collect::<Vec<_>>().join(",")).collect();
    // 1: "didn't cost" is negated; 2: "no police" is negated in its own item, and
    // `expensive` is not; 3: plain text; 4: the tags gone.
    assert_eq!(themes, ["2,why,cost", "3,why,police", "4,why,police"], "{codes}");
    // Spans point into the text as read: `Police` at 0-6 of "Police\u{a0}helped".
    assert!(codes.lines().any(|l| l.starts_with("4,why,police,") && l.contains(",0,6,")), "{codes}");
    let summary = dir.read("out-web.csv/summary.md");
    assert!(summary.contains("3 answers held HTML markup or character references"), "{summary}");
    let manifest = dir.read("out-web.csv/manifest.json");
    assert!(manifest.contains("\"html_answers\": 3") && manifest.contains("\"decode_html\": true"), "{manifest}");

    // --keep-html reads the cells as stored: `didn&#39;t` negates nothing.
    let kept = dir.ok(&["run", "--survey", "survey.toml", "--input", "web.csv", "--out", "kept", "-q", "--keep-html"]);
    assert!(kept.is_empty());
    let codes = dir.read("kept/codes.csv");
    assert!(codes.lines().any(|l| l.starts_with("1,why,cost,")), "{codes}");
    assert!(!dir.read("kept/summary.md").contains("HTML markup"));
    // `lexicon explain` reads a pasted answer as the run did, and says so.
    let explain = ["lexicon", "explain", "--lexicon", "lex.toml", "It didn&#39;t cost much"];
    let out = dir.run(&explain);
    let (said, err) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(err.contains("read as the text its HTML shows, \"It didn't cost much\""), "{err}");
    assert!(said.contains("negated by \"didn't\"") && said.ends_with("themes:\n  (none)\n"), "{said}");
    let out = dir.run(&[&explain[..], &["--keep-html"]].concat());
    assert!(String::from_utf8_lossy(&out.stdout).contains("themes:\n  cost (cost)"));
    // And so does the spec's `keep_html = true`.
    dir.write("kept.toml", format!("keep_html = true\nresponses = \"web.csv\"\n{SURVEY}"));
    dir.ok(&["run", "--survey", "kept.toml", "--out", "kept2", "-q"]);
    assert_eq!(dir.read("kept2/codes.csv"), codes);
}

/// Rich text pasted from Word: its HTML wraps long lines (a browser shows the break
/// as a space, so `did not` still negates `cost`), numbers list items inside
/// `<![if !supportLists]>`, and tags places `<st1:City>`; all of it read as shown.
#[test]
fn word_pasted_html_reads_as_a_browser_shows_it() {
    let dir = Workdir::new();
    dir.write(
        "lex.toml",
        "[[theme]]\nid = \"cost\"\nterms = [\"cost*\"]\n\n[[theme]]\nid = \"city\"\nterms = [\"london\"]\n",
    );
    dir.write("survey.toml", SURVEY);
    dir.write(
        "word.csv",
        "id,q1,why\n\
         1,Yes,\"<p class=MsoNormal>It did not\r\ncost much<o:p></o:p></p>\"\n\
         2,Yes,\"<p class=MsoListParagraph><![if !supportLists]>1.&nbsp;<![endif]>Costs in \
         <st1:City w:st=\"\"on\"\"><st1:place w:st=\"\"on\"\">London</st1:place></st1:City></p>\"\n",
    );
    let codes = codes(&dir, "word.csv", &[]);
    let rows: Vec<&str> = codes.lines().skip(1).collect();
    // 1: negated across the wrapped line; 2: `London` at 13-19 of "1.\u{a0}Costs in London".
    assert_eq!(rows.len(), 2, "{codes}");
    assert!(rows[0].starts_with("2,why,cost,") && rows[0].contains(",4,9,"), "{codes}");
    assert!(rows[1].starts_with("2,why,city,") && rows[1].contains(",13,19,"), "{codes}");
}
