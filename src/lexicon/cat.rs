//! WordStat `.cat` dictionaries: reading one into a [`Lexicon`].
//!
//! ```text
//! ECONOMY                 a category
//! <TAB>+STATE+            a sub-category: tab indentation is the hierarchy
//! <TAB><TAB>BENEFIT* (1)  an entry with its weight; `*` is a wildcard
//! <TAB><TAB>WAR_IN_IRAQ (1)   `_` joins the words of a phrase
//! ```
//! A line without a `(n)` weight is a category when it is at the left margin or the
//! next line is indented deeper, and otherwise an entry (weight 1) of the category
//! above it. Spaces indent as tabs
//! do (a step is the fewest spaces a line is indented by). An entry under no category
//! (a stray weighted line at the left margin) is skipped with a warning and closes no category,
//! so the lines after it keep their places. Entries are read in
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

/// The file's indentation step in spaces: the fewest spaces a line is indented by,
/// among lines indented by spaces alone; `None` when no line is.
fn space_step(lines: &[(u64, &str)]) -> Option<usize> {
    lines
        .iter()
        .map(|(_, l)| l.chars().take_while(|&c| c == ' ' || c == '\t').collect::<String>())
        .filter(|indent| !indent.is_empty() && !indent.contains('\t'))
        .map(|indent| indent.len())
        .min()
}

/// How many steps `line` is indented: a tab is one, and so is `step` spaces. An
/// indentation between two steps counts the whole steps, with a warning.
fn depth(b: &mut Builder, n: u64, line: &str, step: Option<usize>) -> usize {
    let indent: Vec<char> = line.chars().take_while(|&c| c == ' ' || c == '\t').collect();
    let tabs = indent.iter().filter(|&&c| c == '\t').count();
    let Some(step) = step else { return tabs };
    let spaces = indent.len() - tabs;
    if !spaces.is_multiple_of(step) {
        b.warn(
            Some(n),
            format!(
                "indented by {spaces} spaces, not a multiple of {step} (the file's indentation step): read as {} step(s)",
                tabs + spaces / step
            ),
        );
    }
    tabs + spaces / step
}

/// Parses WordStat `.cat` text; `path` names the source in messages.
///
/// A line belongs under the innermost open category indented less than it. An entry
/// with no such category (a stray line at the left margin) is skipped with a warning
/// and closes nothing, so the lines after it keep their places in the tree.
pub fn parse(text: &str, path: &Path, options: &ImportOptions) -> Result<Lexicon> {
    let mut b = Builder::new(path, options, Globs::Star);
    let lines: Vec<(u64, &str)> = import::lines(text).filter(|(_, l)| !l.trim().is_empty()).collect();
    let step = space_step(&lines);
    let rows: Vec<(u64, usize, &str)> = lines.iter().map(|&(n, l)| (n, depth(&mut b, n, l, step), l.trim())).collect();
    // Open categories, outermost first: (depth, index).
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for (i, &(n, depth, content)) in rows.iter().enumerate() {
        let (word, weight) = split_weight(content);
        let under = stack.iter().rposition(|&(d, _)| d < depth);
        let deeper_next = rows.get(i + 1).is_some_and(|&(_, d, _)| d > depth);
        let is_category = weight.is_none() && (deeper_next || under.is_none());
        if is_category {
            stack.truncate(under.map_or(0, |u| u + 1));
            let index = b.category(content, stack.last().map(|&(_, c)| c), Some(n));
            stack.push((depth, index));
            continue;
        }
        let Some(under) = under else {
            b.warn(
                Some(n),
                format!("entry {content:?} is outside any category (it is not indented under one): skipped"),
            );
            continue;
        };
        stack.truncate(under + 1);
        let category = stack[under].1;
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

    /// A line without a weight at the left margin is a category even with nothing under
    /// it, as WordStat writes categories (the docs called it a stray entry).
    #[test]
    fn a_margin_line_without_weight_is_an_empty_category() {
        let lex = parse_str("MOOD\n\tHAPPY (1)\nSTANDALONE\n").unwrap();
        assert_eq!(themes(&lex), [("MOOD".into(), None, vec!["=happy".into()]), ("STANDALONE".into(), None, vec![])]);
        assert!(lex.warnings.is_empty(), "{:?}", lex.warnings);
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

    /// One stray unindented entry is warned about by its line and leaves the tree as
    /// it was: `KID` stays under `MID`, and `LEAF` (no weight, nothing under it) is an
    /// entry of `MID`, not an empty category.
    #[test]
    fn a_stray_entry_does_not_wreck_the_tree() {
        let lex = parse_str("MID\nORPHAN (1)\n\tKID\n\t\tBETA (1)\n\tLEAF\nTOP2\n\tGAMMA (1)\n").unwrap();
        assert_eq!(
            themes(&lex),
            [
                ("MID".into(), None, vec!["=leaf".into()]),
                ("KID".into(), Some("MID".into()), vec!["=beta".into()]),
                ("TOP2".into(), None, vec!["=gamma".into()]),
            ]
        );
        let warnings: Vec<(Option<u64>, &str)> =
            lex.warnings.iter().map(|w| (w.location.line, w.message.as_str())).collect();
        assert_eq!(
            warnings,
            [(Some(2), "entry \"ORPHAN (1)\" is outside any category (it is not indented under one): skipped")]
        );
        // Deeper in the tree, the same: the stray line closes nothing.
        let lex = parse_str("A\n\tB\n\t\tx (1)\nSTRAY (1)\n\t\ty (1)\n\tz (1)\n").unwrap();
        assert_eq!(
            themes(&lex),
            [("A".into(), None, vec!["=z".into()]), ("B".into(), Some("A".into()), vec!["=x".into(), "=y".into()])]
        );
        assert_eq!(lex.warnings.len(), 1);
    }

    /// Spaces indent as tabs do, a step being the fewest spaces a line is indented by:
    /// such a file loaded no entry ("outside any category" for each line).
    #[test]
    fn spaces_indent_as_tabs_do() {
        let tabs = parse_str("A\n\tB\n\t\tword (1)\n\tc (2)\nD\n\te\n").unwrap();
        assert_eq!(tabs.themes.iter().map(|t| t.entries.len()).sum::<usize>(), 3);
        for text in
            ["A\n  B\n    word (1)\n  c (2)\nD\n  e\n", "A\r\n    B\r\n        word (1)\r\n    c (2)\r\nD\r\n    e\r\n"]
        {
            let spaces = parse_str(text).unwrap();
            assert_eq!(themes(&spaces), themes(&tabs), "{text:?}");
            assert!(spaces.warnings.is_empty(), "{:?}", spaces.warnings);
        }
        // An indentation between two steps is read as the smaller, with a warning.
        let odd = parse_str("A\n  B\n     word (1)\n").unwrap();
        assert_eq!(themes(&odd)[1], ("B".into(), Some("A".into()), vec!["=word".into()]));
        assert_eq!(odd.warnings.len(), 1);
        assert_eq!(odd.warnings[0].location.line, Some(3));
        assert!(odd.warnings[0].message.contains("5 spaces"), "{:?}", odd.warnings);
    }

    /// An entry listed twice in one category is kept once, with a warning.
    #[test]
    fn a_repeated_entry_warns() {
        let lex = parse_str("A\n\tWORD (1)\n\tword (2)\nB\n\tWORD (1)\n").unwrap();
        assert_eq!(themes(&lex)[0].2, ["=word"]);
        assert_eq!(themes(&lex)[1].2, ["=word"]);
        let warnings: Vec<(Option<u64>, &str)> =
            lex.warnings.iter().map(|w| (w.location.line, w.message.as_str())).collect();
        assert_eq!(warnings, [(Some(3), "entry \"word\" is listed again (first on line 2): kept once")]);
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
