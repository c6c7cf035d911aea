//! The checks behind codeframe's fuzz targets (one thin file per target in
//! `fuzz_targets/`). Each function takes the fuzzer's bytes and panics only when an
//! invariant is broken, so a crash is always a finding. See docs/robustness.md.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use codeframe::coding;
use codeframe::input::{InputSource, ReadOptions};
use codeframe::lexicon::{CompiledLexicon, Lexicon};
use codeframe::matching::Scanner;
use codeframe::pipeline::{self, RunOptions};
use codeframe::survey::Survey;
use codeframe::text::{Analyzer, AnalyzerOptions};

/// Tokenise + normalise + stem arbitrary text. The first byte picks the options.
pub fn analyzer(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let analyzer = Analyzer::with_options(AnalyzerOptions {
        hyphenated_words: flags & 1 != 0,
        spelling_variants: flags & 2 != 0,
        // Set, the bit keeps accents (the seeds written before it fold, as by default).
        fold_accents: flags & 4 == 0,
        ..AnalyzerOptions::default()
    });
    let words = analyzer.analyze(&text);
    let (mut last_end, mut last_sentence, mut last_clause) = (0, 0, 0);
    for w in &words {
        let (start, end) = (w.span.start, w.span.end);
        assert!(last_end <= start && start < end && end <= text.len(), "span {start}..{end} after {last_end}");
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "span {start}..{end} splits a char");
        assert_eq!(w.raw, &text[start..end]);
        assert!(w.sentence >= last_sentence && w.clause >= last_clause && w.clause >= w.sentence);
        (last_end, last_sentence, last_clause) = (end, w.sentence, w.clause);
    }
    // The fast path (a session with its vocabulary) agrees with the slow one.
    let mut session = analyzer.session();
    let tokens = session.analyze(&analyzer, &text).to_vec();
    assert_eq!(tokens.len(), words.len());
    for (t, w) in tokens.iter().zip(&words) {
        assert_eq!((t.span, t.sentence, t.clause), (w.span, w.sentence, w.clause));
        assert_eq!(session.term(t.term), w.term.as_ref());
    }
    // Idempotent: the normalised words, analysed again, are the same words.
    // (A word NFKC leaves nothing of, a lone U+02BC, has an empty norm: no word.)
    let norms: Vec<&str> = words.iter().map(|w| &*w.term.norm).filter(|n| !n.is_empty()).collect();
    let joined = norms.join(" ");
    let again: Vec<String> = analyzer.analyze(&joined).into_iter().map(|w| w.term.norm.into()).collect();
    assert_eq!(norms, again, "normalised text {joined:?}");
}

/// Arbitrary text as a lexicon file with extension `ext`: parse, compile, lint,
/// export, and code a fixed answer. Errors are fine; panics are not.
pub fn lexicon(data: &[u8], ext: &str) {
    let text = String::from_utf8_lossy(data);
    let path = PathBuf::from(format!("fuzz.{ext}"));
    let Ok(lexicon) = Lexicon::from_str_with_path(&text, &path) else { return };
    for w in &lexicon.warnings {
        let _ = w.to_string();
    }
    let _ = codeframe::lexicon::export::to_dic(&lexicon);
    let _ = codeframe::lexicon::export::to_yaml(&lexicon);
    let Ok(compiled) = CompiledLexicon::new(&lexicon) else { return };
    let _ = codeframe::lint::lint(&lexicon, &compiled);
    let mut scanner = Scanner::new();
    for answer in ANSWERS {
        scanner.scan(&compiled, answer);
        let coding = coding::code(&compiled, &scanner, &compiled.applies(None));
        for code in &coding.codes {
            for hit in &code.hits {
                assert!(hit.span.start <= hit.span.end && hit.span.end <= answer.len());
            }
        }
    }
}

/// Answers every fuzzed lexicon codes.
const ANSWERS: &[&str] = &[
    "The cost of legal aid isn't fair, but the police never listened. Harassment; stalking!",
    "Dogs everywhere \u{2014} off lead & unsafe; the caf\u{e9} is lovely, it's too dark at night",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3 \u{1F600} \u{5E9}\u{5DC}\u{5D5}\u{5DD}",
];

const SURVEY: &str = r#"
id_column = "id"
[respondent_type]
column = "type"
default = "Resident"
types = [{ name = "Resident" }, { name = "Business" }]
[[segment]]
id = "area"
column = "area"
[[closed]]
id = "visit"
options = ["Yes", "No"]
[[open]]
id = "why"
"#;

const LEXICON: &str = r#"
[[theme]]
id = "safety"
terms = ["unsafe", "dark", "lighting", "=lit", "not safe"]
exclude = ["dark chocolate"]
[[theme]]
id = "dogs"
terms = ["dog*", "off lead", "d?g", "dog NEAR/3 bark*", "dog BEFORE/2 mess", "bin SENTENCE dog*"]
[[theme]]
id = "puppies"
parent = "dogs"
terms = ["pupp*", "*pup", "dog NOTNEAR/2 bin"]
[[theme]]
id = "cafe"
terms = ["caf\u00e9", "cafe", "coffee|tea NEAR/4 price*"]
regex = ["\\bcafe\\w*", "(a|b)+c"]
[[theme]]
id = "names"
case_sensitive = true
threshold = 2
negation_after = 2
terms = ["Rex", "Fido", "Bark*", { term = "Spot", weight = 0.5 }]
"#;

fn config() -> &'static (Survey, CompiledLexicon) {
    static CONFIG: OnceLock<(Survey, CompiledLexicon)> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let survey = Survey::from_str_with_path(SURVEY, Path::new("survey.toml")).expect("the fuzz survey parses");
        let lexicon = Lexicon::from_str_with_path(LEXICON, Path::new("lexicon.toml")).expect("the fuzz lexicon parses");
        (survey, CompiledLexicon::new(&lexicon).expect("the fuzz lexicon compiles"))
    })
}

/// Arbitrary bytes as a responses file through [`pipeline::stream`]. The first byte
/// picks the file name (so the format: CSV, TSV or JSON Lines; a workbook signature
/// is read as a workbook whatever the name), the encoding option, duplicate handling,
/// the cell limit and the chunk size.
pub fn csv_codes(data: &[u8]) {
    let Some((&flags, bytes)) = data.split_first() else { return };
    let (survey, lexicon) = config();
    let dir = std::env::temp_dir().join(format!("codeframe-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let name = ["r.csv", "r.tsv", "r.jsonl", "r.dat"][(flags & 3) as usize];
    let input = dir.join(name);
    std::fs::write(&input, bytes).expect("write the input");
    let options = RunOptions {
        threads: 1,
        chunk_rows: if flags & 4 != 0 { 2 } else { 1000 },
        chunk_bytes: if flags & 4 != 0 { 16 } else { 1 << 20 },
        read: ReadOptions {
            encoding: (flags & 8 != 0).then(|| "utf-8".to_string()),
            reject_duplicate_ids: flags & 16 == 0,
            max_cell_bytes: if flags & 32 != 0 { 8 } else { 1 << 20 },
            ..ReadOptions::default()
        },
        ..RunOptions::default()
    };
    let (mut read, mut coded, mut rejected) = (0u64, 0u64, 0u64);
    let result = pipeline::stream(survey, lexicon, &InputSource::File(input), &options, true, |chunk| {
        read += chunk.rows_read;
        coded += chunk.rows.len() as u64;
        let mut rejects = csv::ReaderBuilder::new().has_headers(false).from_reader(chunk.rejects.get_ref().as_slice());
        for record in rejects.records() {
            let record = record.expect("rejects.csv rows parse back");
            let line: u64 = record[0].parse().expect("a reject's line is a number");
            assert!(line >= 1, "reject at line {line}");
            rejected += 1;
        }
        Ok(())
    });
    let Ok(end) = result else { return };
    assert_eq!(read, coded + rejected, "rows read = rows coded + rows rejected");
    assert_eq!((end.tally.rows_read, end.tally.rows_rejected), (read, rejected));
    assert_eq!(end.tally.total.respondents, coded);
}

/// Arbitrary bytes split into records by codeframe's splitter and by the csv crate:
/// the same records, whatever pieces the bytes arrive in (the first byte picks the
/// read size and the delimiter), every byte consumed, lines that never go back.
pub fn csv_split(data: &[u8]) {
    use codeframe::input::split::Splitter;
    let Some((&flags, bytes)) = data.split_first() else { return };
    let step = 1 + (flags & 31) as usize;
    let delimiter = [b',', b'\t', b';', b'|'][(flags >> 5 & 3) as usize];
    struct Pieces<'a>(&'a [u8], usize);
    impl std::io::Read for Pieces<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let mut splitter = Splitter::new(Pieces(bytes, step), delimiter);
    let mut record = ::csv::ByteRecord::new();
    let mut ours = Vec::new();
    let mut last_line = 0;
    while let Some(place) = splitter.next_record(&mut record).expect("reads from memory") {
        assert!(place.line > last_line, "line {} after {last_line}", place.line);
        last_line = place.line;
        ours.push(record.iter().map(<[u8]>::to_vec).collect::<Vec<_>>());
    }
    assert_eq!(splitter.consumed(), bytes.len() as u64, "every byte consumed");
    let theirs: Vec<Vec<Vec<u8>>> = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes)
        .byte_records()
        .map(|r| r.expect("the csv crate reads from memory").iter().map(<[u8]>::to_vec).collect())
        .collect();
    assert_eq!(ours, theirs, "the csv crate's records");
}
