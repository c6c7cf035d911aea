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
pub fn write_codes(
    w: &mut csv::Writer<Vec<u8>>,
    lexicon: &CompiledLexicon,
    respondent: &str,
    question: &str,
    text: &str,
    coding: &Coding,
) -> csv::Result<()> {
    for code in &coding.codes {
        let theme = &lexicon.themes[code.theme as usize];
        let first = code.hits[0];
        let entry = &lexicon.entries[first.entry as usize];
        let spans: Vec<String> = code.hits.iter().map(|h| format!("{}-{}", h.span.start, h.span.end)).collect();
        w.write_record([
            respondent,
            question,
            theme.id.as_str(),
            &code.hits.len().to_string(),
            &entry.text,
            &entry.line.map(|l| l.to_string()).unwrap_or_default(),
            &text[first.span.start..first.span.end],
            &first.span.start.to_string(),
            &first.span.end.to_string(),
            &spans.join(";"),
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
