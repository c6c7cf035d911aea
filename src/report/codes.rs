//! `codes.csv` and `rejects.csv`: the per-row outputs, written chunk by chunk.
//!
//! codes.csv has one row per respondent, question and theme, with the evidence:
//! the entry that fired first, the text it matched and its byte span in the answer,
//! the number of hits, and every span.

use std::io::{self, Write};

use crate::coding::Coding;
use crate::input::Reject;
use crate::lexicon::CompiledLexicon;

/// Header of codes.csv.
pub const CODES_HEADER: [&str; 10] =
    ["respondent_id", "question", "theme", "hits", "entry", "line", "matched", "start", "end", "spans"];

/// Header of counts.csv.
pub const COUNTS_HEADER: [&str; 7] = ["id", "question", "category", "count", "matches", "words", "per_100_words"];

/// Header of rejects.csv.
pub const REJECTS_HEADER: [&str; 5] = ["line", "row", "respondent_id", "column", "reason"];

/// A CSV writer over a byte buffer, for a chunk's rows.
pub fn buffer_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new())
}

/// Writes the header of a per-row CSV to `out`.
pub fn write_header(out: &mut dyn Write, header: &[&str]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header).map_err(io::Error::other)?;
    w.flush()
}

/// The parts of codes.csv lines that depend only on the lexicon, escaped once per
/// run: per theme `id,`, per entry `text,line,`. With 20,000 entries, checking each
/// entry's text for characters to quote on every code was a tenth of a run.
#[derive(Clone, Debug)]
pub struct CodesFormat {
    themes: Vec<Vec<u8>>,
    entries: Vec<Vec<u8>>,
}

impl CodesFormat {
    /// The fields of `lexicon`'s themes and entries, ready to copy.
    pub fn new(lexicon: &CompiledLexicon) -> CodesFormat {
        // A field escaped, then its comma.
        let field = |text: &str| {
            let mut b = Vec::new();
            push_field(&mut b, text.as_bytes());
            b.push(b',');
            b
        };
        let themes = lexicon.themes.iter().map(|t| field(&t.id)).collect();
        let entries = lexicon
            .entries
            .iter()
            .map(|e| {
                let mut b = field(&e.text);
                if let Some(l) = e.line {
                    b.extend_from_slice(itoa::Buffer::new().format(l).as_bytes());
                }
                b.push(b',');
                b
            })
            .collect();
        CodesFormat { themes, entries }
    }
}

/// Appends the codes of one answer to a chunk's codes.csv bytes.
///
/// With `row`, each line starts with the input row number: the form partial runs
/// write, so `codeframe merge` can restore input order.
///
/// This runs once per code, millions of times a run, so it writes the bytes itself
/// rather than through `csv::Writer`, with the same quoting (see `push_field`): the
/// lexicon's fields come escaped from `format`, the fields every line of the answer
/// shares are escaped once, and numbers are formatted without allocating.
pub fn write_codes(
    out: &mut Vec<u8>,
    format: &CodesFormat,
    row: Option<u64>,
    respondent: &str,
    question: &str,
    text: &str,
    coding: &Coding,
) {
    if coding.codes.is_empty() {
        return;
    }
    let mut num = itoa::Buffer::new();
    let prefix_start = out.len();
    if let Some(r) = row {
        out.extend_from_slice(num.format(r).as_bytes());
        out.push(b',');
    }
    push_field(out, respondent.as_bytes());
    out.push(b',');
    push_field(out, question.as_bytes());
    out.push(b',');
    let prefix = prefix_start..out.len();
    for (k, code) in coding.codes.iter().enumerate() {
        if k > 0 {
            out.extend_from_within(prefix.clone());
        }
        let first = code.hits[0];
        out.extend_from_slice(&format.themes[code.theme as usize]);
        out.extend_from_slice(num.format(code.hits.len()).as_bytes());
        out.push(b',');
        out.extend_from_slice(&format.entries[first.entry as usize]);
        push_field(out, &text.as_bytes()[first.span.start..first.span.end]);
        out.push(b',');
        out.extend_from_slice(num.format(first.span.start).as_bytes());
        out.push(b',');
        out.extend_from_slice(num.format(first.span.end).as_bytes());
        out.push(b',');
        // Digits, `-` and `;`: never quoted.
        for (i, h) in code.hits.iter().enumerate() {
            if i > 0 {
                out.push(b';');
            }
            out.extend_from_slice(num.format(h.span.start).as_bytes());
            out.push(b'-');
            out.extend_from_slice(num.format(h.span.end).as_bytes());
        }
        out.push(b'\n');
    }
}

/// Appends one CSV field as `csv::Writer` writes it by default: quoted only when it
/// holds a comma, a double quote, `\r` or `\n`, with double quotes doubled.
fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    if !field.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for piece in field.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(piece);
        if piece.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// Appends the category counts of one answer: one row per category that occurs.
///
/// `count` is the words the category's matches match (a two-word phrase counts 2, the
/// LIWC-22 convention), `matches` the number of matches, `per_100_words` = count /
/// words x 100.
pub fn write_counts(
    w: &mut csv::Writer<Vec<u8>>,
    lexicon: &CompiledLexicon,
    row: Option<u64>,
    respondent: &str,
    question: &str,
    coding: &Coding,
) -> csv::Result<()> {
    for code in &coding.codes {
        if let Some(r) = row {
            w.write_field(r.to_string())?;
        }
        let count = coding.matched_words(code);
        let per_100 = if coding.words == 0 { 0.0 } else { 100.0 * count as f64 / coding.words as f64 };
        w.write_record([
            respondent,
            question,
            lexicon.themes[code.theme as usize].id.as_str(),
            &count.to_string(),
            &code.hits.len().to_string(),
            &coding.words.to_string(),
            &format!("{:.4}", super::round_half_up(per_100, 4)),
        ])?;
    }
    Ok(())
}

/// Appends one rejected row.
pub fn write_reject(w: &mut csv::Writer<Vec<u8>>, r: &Reject) -> csv::Result<()> {
    w.write_record([
        r.line.to_string().as_str(),
        &r.row.to_string(),
        r.id.as_deref().unwrap_or(""),
        r.column.as_deref().unwrap_or(""),
        &r.reason.to_string(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The record as `csv::Writer` writes it.
    fn by_csv_crate(fields: &[String]) -> Vec<u8> {
        let mut w = buffer_writer();
        w.write_record(fields).expect("writes to memory");
        w.into_inner().expect("flushes to memory")
    }

    /// The record as [`push_field`] writes it.
    fn by_hand(fields: &[String]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_field(&mut out, f.as_bytes());
        }
        out.push(b'\n');
        out
    }

    #[test]
    fn code_lines_read_back_as_their_fields() {
        use crate::lexicon::Lexicon;
        use crate::matching::Scanner;
        let toml = r#"[[theme]]
id = "say \"no\", loudly"
terms = ["legal aid", "lawyer*"]"#;
        let lexicon = Lexicon::from_str_with_path(toml, std::path::Path::new("t.toml")).expect("parses");
        let lexicon = CompiledLexicon::new(&lexicon).expect("compiles");
        let text = "The legal aid, and lawyers, lawyers.";
        let mut scanner = Scanner::new();
        scanner.scan(&lexicon, text);
        let coding = crate::coding::code(&lexicon, &scanner, &lexicon.applies(None));
        let mut out = Vec::new();
        write_codes(&mut out, &CodesFormat::new(&lexicon), Some(7), "R,1", "q\"1", text, &coding);
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(out.as_slice());
        let rows: Vec<Vec<String>> =
            reader.records().map(|r| r.expect("reads").iter().map(String::from).collect()).collect();
        assert_eq!(
            rows,
            [[
                "7",
                "R,1",
                "q\"1",
                "say \"no\", loudly",
                "3",
                "legal aid",
                "3",
                "legal aid",
                "4",
                "13",
                "4-13;19-26;28-35"
            ]]
        );
    }

    #[test]
    fn fields_are_quoted_as_the_csv_crate_quotes_them() {
        let fields = ["plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", "", "\"", "caf\u{e9}"].map(String::from);
        assert_eq!(by_hand(&fields), by_csv_crate(&fields));
    }

    proptest! {
        #[test]
        fn any_fields_are_written_as_the_csv_crate_writes_them(
            fields in proptest::collection::vec("[a-z ,\"\r\n\u{e9}'#]{0,12}", 2..6)
        ) {
            prop_assert_eq!(by_hand(&fields), by_csv_crate(&fields));
        }
    }
}
