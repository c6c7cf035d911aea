//! LIWC-22 `.dicx` dictionaries: reading one into a [`Lexicon`].
//!
//! A `.dicx` is CSV: a header `DicTerm,cat1,cat2,...`, then one row per term with a
//! mark in the column of each category it belongs to. `X` (or any text) means a weight
//! of 1; a number is the weight, and 0 means "not in this category", as LIWC-22 reads
//! it. Categories are flat. Rows that cannot be used warn and are skipped. The lexicon
//! counts with [`MatchRule::Liwc`]. This module owns the syntax only; see
//! `docs/dictionaries.md`.

use std::collections::HashMap;
use std::path::Path;

use super::import::{self, Builder, Globs, Row};
use super::{ImportOptions, Lexicon, MatchRule};
use crate::error::Result;

/// Parses LIWC-22 `.dicx` text; `path` names the source in messages.
pub fn parse(text: &str, path: &Path, options: &ImportOptions) -> Result<Lexicon> {
    let mut b = Builder::new(path, options, Globs::Star);
    let index = import::LineIndex::new(text);
    // The csv crate's positions may point at the LF of the CRLF before a record.
    let at = |p: &csv::Position| {
        let start = usize::try_from(p.byte()).unwrap_or(usize::MAX);
        let skip = text
            .as_bytes()
            .get(start..)
            .map_or(0, |rest| rest.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count());
        index.line(p.byte() + skip as u64)
    };
    let line_of = |e: &csv::Error| e.position().map_or(1, at);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::None).from_reader(text.as_bytes());
    let mut records = reader.records();
    // Column -> category index (None: a column without a name).
    let mut columns: Vec<Option<usize>> = Vec::new();
    match records.next() {
        None => return Err(b.error(1, "empty dictionary: a `.dicx` file starts with a `DicTerm,category,...` header")),
        Some(Err(e)) => return Err(b.error(line_of(&e), format!("invalid CSV: {e}"))),
        Some(Ok(header)) => {
            let line = header.position().map_or(1, at);
            let first = header.get(0).unwrap_or("").trim();
            if !first.eq_ignore_ascii_case("DicTerm") {
                if header.len() < 2 {
                    return Err(b.error(line, "not a LIWC-22 dictionary: the header must be `DicTerm,category,...`"));
                }
                b.warn(Some(line), format!("the first column is {first:?}, not `DicTerm`: read as the terms anyway"));
            }
            let mut by_name: HashMap<String, usize> = HashMap::new();
            for name in header.iter().skip(1) {
                let name = name.trim();
                if name.is_empty() {
                    b.warn(Some(line), format!("column {} has no category name: ignored", columns.len() + 2));
                    columns.push(None);
                    continue;
                }
                let index = match by_name.get(name) {
                    Some(&i) => {
                        b.warn(Some(line), format!("category `{name}` is named twice: both columns are one category"));
                        i
                    }
                    None => {
                        let i = b.category(name, None, Some(line));
                        by_name.insert(name.to_string(), i);
                        i
                    }
                };
                columns.push(Some(index));
            }
        }
    }
    let mut rows = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                b.warn(Some(line_of(&e)), format!("row skipped: invalid CSV: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(1, at);
        let term = record.get(0).unwrap_or("").trim();
        if term.is_empty() {
            // A row of empty cells is a blank line; marks without a term are a mistake.
            if record.iter().skip(1).any(|c| !c.trim().is_empty()) {
                b.warn(Some(line), "row skipped: it has marks but no term");
            }
            continue;
        }
        if record.len() > columns.len() + 1 && record.iter().skip(columns.len() + 1).any(|c| !c.trim().is_empty()) {
            b.warn(Some(line), format!("entry {term:?}: cells beyond the last category are ignored"));
        }
        let mut categories = Vec::new();
        for (cell, column) in record.iter().skip(1).zip(&columns) {
            let cell = cell.trim();
            let Some(category) = *column else { continue };
            if cell.is_empty() {
                continue;
            }
            let weight = match cell.parse::<f64>() {
                Ok(0.0) => continue,
                Ok(w) if w.is_finite() => w,
                Ok(_) => {
                    b.warn(Some(line), format!("entry {term:?}: weight {cell:?} is not a finite number: ignored"));
                    continue;
                }
                Err(_) => 1.0,
            };
            categories.push((category, weight));
        }
        if categories.is_empty() {
            b.warn(Some(line), format!("entry {term:?} is marked in no category: skipped"));
            continue;
        }
        rows.push(Row { line, term: term.to_string(), categories });
    }
    import::add_rows(&mut b, rows, options.duplicates);
    b.finish(import::file_name(path), MatchRule::Liwc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Lexicon> {
        parse(text, Path::new("test.dicx"), &ImportOptions::default())
    }

    fn themes(lex: &Lexicon) -> Vec<(String, Vec<String>)> {
        lex.themes.iter().map(|t| (t.id.clone(), t.entries.iter().map(|e| e.rule.to_string()).collect())).collect()
    }

    #[test]
    fn reads_columns_marks_and_weights() {
        let lex = parse_str("DicTerm,Care,Harm\r\nkind*,X,\r\nkind of,X,X\r\nhurt,,2.5\r\nzero,0,X\r\n").unwrap();
        assert_eq!(
            themes(&lex),
            [
                ("Care".into(), vec!["kind*".into(), "=kind =of".into()]),
                ("Harm".into(), vec!["=kind =of".into(), "=hurt".into(), "=zero".into()])
            ]
        );
        assert_eq!(lex.themes[1].entries[1].weight, 2.5);
        assert_eq!(lex.themes[1].entries[1].line, Some(4));
        assert_eq!(lex.settings.match_rule, MatchRule::Liwc);
        assert!(lex.warnings.is_empty(), "{:?}", lex.warnings);
    }

    #[test]
    fn quoted_cells_short_rows_and_cr_only_lines() {
        let lex = parse_str("DicTerm,a,b\r\"well, then\",X\rok,,x\r").unwrap();
        assert_eq!(themes(&lex), [("a".into(), vec!["=well, =then".into()]), ("b".into(), vec!["=ok".into()])]);
        assert_eq!(lex.themes[1].entries[0].line, Some(3));
    }

    #[test]
    fn odd_rows_warn() {
        // A row with marks but no term warns (it was dropped silently); an empty row
        // is a blank line.
        let lex = parse_str("DicTerm,a,,a\nnone,,,\nx,X,X,X,X\ny,nan,,\n,X,,\n,,,\n").unwrap();
        assert_eq!(themes(&lex), [("a".into(), vec!["=x".into()])]);
        let lines: Vec<Option<u64>> = lex.warnings.iter().map(|w| w.location.line).collect();
        assert_eq!(lines, [Some(1), Some(1), Some(2), Some(3), Some(4), Some(4), Some(5)]);
        assert_eq!(lex.warnings[6].message, "row skipped: it has marks but no term");
    }

    #[test]
    fn not_a_dicx() {
        assert!(parse_str("").unwrap_err().to_string().contains("empty dictionary"));
        assert!(parse_str("hello\nworld\n").unwrap_err().to_string().contains("DicTerm"));
        let lex = parse_str("Term,a\nx,X\n").unwrap();
        assert_eq!(lex.warnings.len(), 1);
    }

    /// The lines of the entries that match `answer`.
    fn lines_matching(text: &str, options: &ImportOptions, answer: &str) -> Vec<u64> {
        let lex = parse(text, Path::new("g.dicx"), options).unwrap();
        let compiled = crate::lexicon::CompiledLexicon::new(&lex).unwrap();
        let mut scanner = crate::matching::Scanner::new();
        scanner.scan(&compiled, answer);
        let mut lines: Vec<u64> =
            scanner.hits().iter().filter_map(|h| compiled.entries[h.entry as usize].line).collect();
        lines.dedup();
        lines
    }

    /// Read as stems, a term holding punctuation matches what it matches read as words
    /// (Grievance's `israel/palestin`, `u.s.`, `col.` matched nothing as stems).
    #[test]
    fn stems_reach_the_entries_words_reach() {
        let text = "DicTerm,War\nisrael/palestin,X\nu.s.,X\ncol.,X\nu. s. armi,X\nkill,X\n";
        let stems = ImportOptions { terms: crate::lexicon::DictionaryTerms::Stems, ..ImportOptions::default() };
        for (answer, line) in
            [("Israel/Palestin", 2), ("the U.S. said", 3), ("Col. Smith", 4), ("U. S. Armi", 5), ("kill", 6)]
        {
            assert_eq!(lines_matching(text, &ImportOptions::default(), answer), [line], "{answer} as words");
            assert_eq!(lines_matching(text, &stems, answer), [line], "{answer} as stems");
        }
        // As stems, each word of the phrase matches the words that stem to it.
        assert_eq!(lines_matching(text, &stems, "the U. S. Army"), [5]);
        assert_eq!(lines_matching(text, &stems, "killing"), [6]);
    }

    #[test]
    fn the_fixture_loads() {
        let lex = parse_str(include_str!("../../tests/fixtures/dictionaries/small.dicx")).unwrap();
        assert_eq!(lex.themes.len(), 5);
        assert_eq!(lex.themes[2].entries[1].line, Some(10));
        assert!(lex.warnings.is_empty(), "{:?}", lex.warnings);
    }
}
