//! WordStat `.cat` dictionaries: reading one into a [`Lexicon`].
//!
//! ```text
//! ECONOMY                 a category
//! <TAB>+STATE+            a sub-category: tab indentation is the hierarchy
//! <TAB><TAB>BENEFIT* (1)  an entry with its weight; `*` is a wildcard
//! <TAB><TAB>WAR_IN_IRAQ (1)   `_` joins the words of a phrase
//! ```
//! A line without a `(n)` weight is a category when the next line is indented deeper,
//! and otherwise an entry (weight 1) of the category above it. Entries are read in
//! lower case; weights go into [`Entry::weight`](super::Entry::weight). A category name
//! used twice (`CONSERVATIVE` under two parents) is made unique by its path. Lines
//! that cannot be placed warn and are skipped. This module owns the syntax only; see
//! `docs/dictionaries.md`.

use std::path::Path;

use super::import::{self, Builder, Globs};
use super::{ImportOptions, Lexicon, MatchRule};
use crate::error::Result;

/// Splits `WORD (2)` into `WORD` and its weight; a line without one gives `None`.
fn split_weight(content: &str) -> (&str, Option<f64>) {
    if let Some(inner) = content.strip_suffix(')')
        && let Some(open) = inner.rfind('(')
        && let Ok(w) = inner[open + 1..].trim().parse::<f64>()
        && w.is_finite()
    {
        return (inner[..open].trim(), Some(w));
    }
    (content, None)
}

/// Parses WordStat `.cat` text; `path` names the source in messages.
pub fn parse(text: &str, path: &Path, options: &ImportOptions) -> Result<Lexicon> {
    let mut b = Builder::new(path, options, Globs::Star);
    let rows: Vec<(u64, usize, &str)> = import::lines(text)
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| (n, l.chars().take_while(|&c| c == '\t').count(), l.trim()))
        .collect();
    // Open categories: (depth, index).
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for (i, &(n, depth, content)) in rows.iter().enumerate() {
        while stack.last().is_some_and(|&(d, _)| d >= depth) {
            stack.pop();
        }
        let (word, weight) = split_weight(content);
        let deeper_next = rows.get(i + 1).is_some_and(|&(_, d, _)| d > depth);
        let is_category = weight.is_none() && (deeper_next || stack.is_empty());
        if is_category {
            let index = b.category(content, stack.last().map(|&(_, c)| c), Some(n));
            stack.push((depth, index));
            continue;
        }
        let Some(&(_, category)) = stack.last() else {
            b.warn(Some(n), format!("entry {content:?} is outside any category: skipped"));
            continue;
        };
        if deeper_next {
            b.warn(
                Some(n),
                format!("entry {content:?} has lines indented under it: they belong to the category above"),
            );
        }
        // `WORD (x)`: a weight that is not a number. Read as part of the entry it would
        // make a phrase across a bracket, which never matches: the entry is the word.
        let (word, weight) = match (weight, content.strip_suffix(')').and_then(|c| c.rfind('(').map(|o| (c, o)))) {
            (None, Some((inner, open))) => {
                b.warn(
                    Some(n),
                    format!("entry {content:?}: weight \"{})\" is not a number: read as 1", &inner[open..]),
                );
                (inner[..open].trim(), None)
            }
            _ => (word, weight),
        };
        let term = word.replace('_', " ");
        b.add(category, &term, weight.unwrap_or(1.0), Some(n));
    }
    b.finish(import::file_name(path), MatchRule::Codeframe)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Lexicon> {
        parse(text, Path::new("test.cat"), &ImportOptions::default())
    }

    use crate::lexicon::import::theme_rows as themes;

    #[test]
    fn reads_the_tree_weights_wildcards_and_phrases() {
        let text = "CULTURE\r\n\tCULTURE-HIGH\r\n\t\tART (1)\r\n\t\tMUSEUM* (2)\r\n\tPEOPLE (1)\r\n\tWAR_IN_IRAQ (1)\r\nECONOMY\r\n\t+STATE+\r\n\t\tBENEFIT (1)\r\n";
        let lex = parse_str(text).unwrap();
        assert_eq!(
            themes(&lex),
            [
                ("CULTURE".into(), None, vec!["=people".into(), "=war =in =iraq".into()]),
                ("CULTURE-HIGH".into(), Some("CULTURE".into()), vec!["=art".into(), "museum*".into()]),
                ("ECONOMY".into(), None, vec![]),
                ("+STATE+".into(), Some("ECONOMY".into()), vec!["=benefit".into()]),
            ]
        );
        assert_eq!(lex.themes[1].entries[1].weight, 2.0);
        assert_eq!(lex.themes[1].entries[1].line, Some(4));
        assert!(lex.warnings.is_empty());
    }

    #[test]
    fn a_weight_that_is_not_a_number_is_read_as_one_with_a_warning() {
        let lex = parse_str("A\n\tWORD (x)\n\tBIG (1e400)\n\tok (2)\n").unwrap();
        let entries: Vec<(String, f64)> =
            lex.themes[0].entries.iter().map(|e| (e.rule.to_string(), e.weight)).collect();
        assert_eq!(entries, [("=word".to_string(), 1.0), ("=big".to_string(), 1.0), ("=ok".to_string(), 2.0)]);
        let warnings: Vec<String> = lex.warnings.iter().map(|w| w.message.clone()).collect();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("weight \"(x)\" is not a number: read as 1"), "{warnings:?}");
    }

    #[test]
    fn lines_without_weights_are_categories_or_entries_by_indentation() {
        let lex = parse_str("A\n\tB\n\t\tword\n\tC\nD\n").unwrap();
        assert_eq!(
            themes(&lex),
            [
                ("A".into(), None, vec!["=c".into()]),
                ("B".into(), Some("A".into()), vec!["=word".into()]),
                ("D".into(), None, vec![]),
            ]
        );
    }

    #[test]
    fn repeated_names_and_stray_entries() {
        let lex = parse_str("WORD (1)\nI\n\tCONSERVATIVE\n\t\tX (1)\nV\n\tCONSERVATIVE\n\t\tY (1)\n").unwrap();
        let ids: Vec<&str> = lex.themes.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["I", "I/CONSERVATIVE", "V", "V/CONSERVATIVE"]);
        assert_eq!(lex.warnings[0].location.line, Some(1));
        assert!(lex.warnings[0].message.contains("outside any category"));
        assert_eq!(lex.warnings.len(), 3);
    }

    #[test]
    fn weights_parse_only_when_numeric() {
        assert_eq!(split_weight("WORD (1)"), ("WORD", Some(1.0)));
        assert_eq!(split_weight("WORD(0.5)"), ("WORD", Some(0.5)));
        assert_eq!(split_weight("SMILE (:)"), ("SMILE (:)", None));
        assert_eq!(split_weight("(1)"), ("", Some(1.0)));
        assert_eq!(split_weight(")"), (")", None));
    }

    #[test]
    fn an_entry_that_is_only_a_weight_warns() {
        let lex = parse_str("A\n\t(1)\n").unwrap();
        assert!(lex.themes[0].entries.is_empty());
        assert_eq!(lex.warnings.len(), 1);
    }

    #[test]
    fn the_fixture_loads() {
        let lex = parse_str(include_str!("../../tests/fixtures/dictionaries/small.cat")).unwrap();
        let ids: Vec<&str> = lex.themes.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["ECONOMY", "+STATE+", "-STATE-", "VALUES", "VALUES/CONSERVATIVE", "LAW", "LAW/CONSERVATIVE"]);
        assert_eq!(lex.themes[1].entries.iter().map(|e| e.weight).sum::<f64>(), 3.0);
    }
}
