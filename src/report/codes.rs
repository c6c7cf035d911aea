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

/// Appends the codes of one answer.
///
/// With `row`, each line starts with the input row number: the form partial runs
/// write, so `codeframe merge` can restore input order.
pub fn write_codes(
    w: &mut csv::Writer<Vec<u8>>,
    lexicon: &CompiledLexicon,
    row: Option<u64>,
    respondent: &str,
    question: &str,
    text: &str,
    coding: &Coding,
) -> csv::Result<()> {
    // One row per code: numbers formatted without allocating (this runs per code).
    let mut num = itoa::Buffer::new();
    let mut spans = Vec::with_capacity(32);
    for code in &coding.codes {
        if let Some(r) = row {
            w.write_field(num.format(r))?;
        }
        let theme = &lexicon.themes[code.theme as usize];
        let first = code.hits[0];
        let entry = &lexicon.entries[first.entry as usize];
        spans.clear();
        for (i, h) in code.hits.iter().enumerate() {
            if i > 0 {
                spans.push(b';');
            }
            spans.extend_from_slice(num.format(h.span.start).as_bytes());
            spans.push(b'-');
            spans.extend_from_slice(num.format(h.span.end).as_bytes());
        }
        w.write_field(respondent)?;
        w.write_field(question)?;
        w.write_field(&theme.id)?;
        w.write_field(num.format(code.hits.len()))?;
        w.write_field(&entry.text)?;
        match entry.line {
            Some(l) => w.write_field(num.format(l))?,
            None => w.write_field("")?,
        }
        w.write_field(&text[first.span.start..first.span.end])?;
        w.write_field(num.format(first.span.start))?;
        w.write_field(num.format(first.span.end))?;
        w.write_field(&spans)?;
        w.write_record(None::<&[u8]>)?;
    }
    Ok(())
}

/// Appends the category counts of one answer: one row per category that occurs.
///
/// `count` is the words the category's matches cover (a two-word phrase counts 2, the
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
        let count = code.matched_words();
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
