//! quanteda-style YAML dictionaries: reading one into a [`Lexicon`].
//!
//! ```yaml
//! economy:              # a key is a category; nested keys are its children
//!   positive:
//!     - growth          # a leaf lists its entries
//!     - prosper*        # `*` and `?` are globs, as in quanteda
//!     - public sector   # a phrase
//!   negative: [recession, crisis]
//! culture:
//!   _entries: [art]     # entries of a category that also has children
//!   popular: [media]
//! ```
//! Scalars (numbers included) are read as text. Entries are words matched exactly,
//! never stemmed. Nodes that are neither a key, a list nor a word warn and are skipped;
//! malformed YAML is an error with its line. Parsed with the `saphyr` crate (YAML 1.2),
//! whose alias expansion and nesting are bounded. This module owns the syntax only;
//! see `docs/dictionaries.md`.

use std::path::Path;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use super::import::{self, Builder, Globs};
use super::{ImportOptions, Lexicon, MatchRule};
use crate::error::Result;

/// The key under which a category that has children lists its own entries.
pub const ENTRIES_KEY: &str = "_entries";

/// Deepest category nesting accepted (a guard against pathological input).
const MAX_DEPTH: usize = 64;

/// Parses quanteda-style YAML text; `path` names the source in messages.
pub fn parse(text: &str, path: &Path, options: &ImportOptions) -> Result<Lexicon> {
    let mut b = Builder::new(path, options, Globs::StarAndQuestion);
    let docs = MarkedYaml::load_from_str(text)
        .map_err(|e| b.error(e.marker().line().max(1) as u64, format!("invalid YAML: {}", e.info())))?;
    let mut docs = docs.into_iter();
    let Some(root) = docs.next() else {
        return Err(b.error(1, "empty dictionary: expected `category: [entry, ...]` keys"));
    };
    if let Some(extra) = docs.next() {
        b.warn(Some(line(&extra)), "only the first YAML document is read");
    }
    match &root.data {
        YamlData::Mapping(_) => walk_mapping(&mut b, &Source { text, ascii: text.is_ascii() }, &root, None, 0)?,
        _ => return Err(b.error(line(&root), "expected a mapping of categories (`category: [entry, ...]`)")),
    }
    b.finish(import::file_name(path), MatchRule::Codeframe)
}

fn line(node: &MarkedYaml<'_>) -> u64 {
    node.span.start.line().max(1) as u64
}

/// The YAML text, for scalars as written.
struct Source<'a> {
    text: &'a str,
    /// Character positions are byte positions.
    ascii: bool,
}

/// A scalar as text: strings as they are; numbers and booleans as `src` spells them
/// (`007` stays `007`, `1.50` stays `1.50`: a number read as a number and printed
/// again would match other text than the entry written).
fn scalar_text(src: &Source, node: &MarkedYaml<'_>) -> Option<String> {
    let written = || {
        // Span markers count characters, not bytes.
        let byte = |chars: usize| match src.ascii {
            true => chars,
            false => src.text.char_indices().nth(chars).map_or(src.text.len(), |(b, _)| b),
        };
        let (start, end) = (byte(node.span.start.index()), byte(node.span.end.index()));
        src.text.get(start..end).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
    };
    match &node.data {
        YamlData::Value(Scalar::String(s)) => Some(s.to_string()),
        YamlData::Value(Scalar::Integer(i)) => written().or_else(|| Some(i.to_string())),
        YamlData::Value(Scalar::FloatingPoint(f)) => written().or_else(|| Some(f.to_string())),
        YamlData::Value(Scalar::Boolean(v)) => written().or_else(|| Some(v.to_string())),
        YamlData::Tagged(_, inner) => scalar_text(src, inner),
        _ => None,
    }
}

fn walk_mapping(
    b: &mut Builder,
    src: &Source,
    node: &MarkedYaml<'_>,
    parent: Option<usize>,
    depth: usize,
) -> Result<()> {
    if depth >= MAX_DEPTH {
        return Err(b.error(line(node), format!("categories nested more than {MAX_DEPTH} deep")));
    }
    let YamlData::Mapping(map) = &node.data else { return Ok(()) };
    for (key, value) in map {
        let Some(name) = scalar_text(src, key) else {
            b.warn(Some(line(key)), "a category name must be text: skipped");
            continue;
        };
        if name == ENTRIES_KEY {
            match parent {
                Some(p) => add_entries(b, src, value, p, depth)?,
                None => b.warn(Some(line(key)), format!("`{ENTRIES_KEY}` at the top level belongs to no category")),
            }
            continue;
        }
        let category = b.category(name.trim(), parent, Some(line(key)));
        add_entries(b, src, value, category, depth)?;
    }
    Ok(())
}

/// Reads `value` as what category `category` holds: entries, children, or both.
fn add_entries(b: &mut Builder, src: &Source, value: &MarkedYaml<'_>, category: usize, depth: usize) -> Result<()> {
    match &value.data {
        YamlData::Sequence(items) => {
            for item in items {
                match &item.data {
                    YamlData::Mapping(_) => walk_mapping(b, src, item, Some(category), depth + 1)?,
                    _ => match scalar_text(src, item) {
                        Some(term) => b.add(category, &term, 1.0, Some(line(item))),
                        None => b.warn(Some(line(item)), "an entry must be a word or phrase: skipped"),
                    },
                }
            }
        }
        YamlData::Mapping(_) => walk_mapping(b, src, value, Some(category), depth + 1)?,
        YamlData::Value(Scalar::Null) => {}
        YamlData::Tagged(_, inner) => add_entries(b, src, inner, category, depth)?,
        _ => match scalar_text(src, value) {
            Some(term) => b.add(category, &term, 1.0, Some(line(value))),
            None => b.warn(Some(line(value)), "expected a list of entries or nested categories: skipped"),
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Lexicon> {
        parse(text, Path::new("test.yml"), &ImportOptions::default())
    }

    use crate::lexicon::import::theme_rows as themes;

    #[test]
    fn nested_keys_leaf_lists_globs_and_phrases() {
        let lex = parse_str(
            "economy:\n  positive:\n    - growth\n    - prosper*\n    - Public  Sector\n  negative: [recession, cris?s]\nculture: art\n",
        )
        .unwrap();
        assert_eq!(
            themes(&lex),
            [
                ("economy".into(), None, vec![]),
                (
                    "positive".into(),
                    Some("economy".into()),
                    vec!["=growth".into(), "prosper*".into(), "=public =sector".into()]
                ),
                ("negative".into(), Some("economy".into()), vec!["=recession".into(), "cris?s".into()]),
                ("culture".into(), None, vec!["=art".into()]),
            ]
        );
        assert_eq!(lex.themes[1].line, Some(2));
        assert_eq!(lex.themes[1].entries[1].line, Some(4));
        assert_eq!(lex.settings.match_rule, MatchRule::Codeframe);
    }

    #[test]
    fn entries_next_to_children_numbers_and_lists_of_mappings() {
        let lex = parse_str("a:\n  _entries: [x, 911, 1.5]\n  b: [y]\nc:\n  - z\n  - d: [w]\n").unwrap();
        assert_eq!(
            themes(&lex),
            [
                ("a".into(), None, vec!["=x".into(), "=911".into(), "=1.5".into()]),
                ("b".into(), Some("a".into()), vec!["=y".into()]),
                ("c".into(), None, vec!["=z".into()]),
                ("d".into(), Some("c".into()), vec!["=w".into()]),
            ]
        );
    }

    /// Numbers are entries as written: `007` was `7` (matching the 7 of "24/7") and
    /// `1.50` was `1.5`; in a non-ASCII file too (span markers count characters).
    #[test]
    fn numbers_stay_as_written() {
        let lex = parse_str("caf\u{e9}:\n  - 007\n  - 1.50\n  - 0x1F\n  - true\n007: [x]\n").unwrap();
        let got = themes(&lex);
        assert_eq!(got[0].2, ["=007", "=1.50", "=0x1f", "=true"]);
        assert_eq!(got[1].0, "007");
    }

    #[test]
    fn repeated_names_under_different_parents_get_their_path() {
        let lex = parse_str("i:\n  conservative: [a]\nv:\n  conservative: [b]\n").unwrap();
        let ids: Vec<&str> = lex.themes.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["i", "i/conservative", "v", "v/conservative"]);
    }

    #[test]
    fn malformed_yaml_is_an_error_with_its_line() {
        let err = parse_str("a: [x\nb: y\n").unwrap_err().to_string();
        assert!(err.starts_with("test.yml:") && err.contains("invalid YAML"), "{err}");
        let err = parse_str("a: [x]\na: [y]\n").unwrap_err().to_string();
        assert!(err.contains("invalid YAML"), "{err}");
        assert!(parse_str("").unwrap_err().to_string().contains("empty"));
        assert!(parse_str("- a\n- b\n").unwrap_err().to_string().contains("expected a mapping"));
    }

    #[test]
    fn odd_nodes_warn() {
        let lex = parse_str("a: [[x], ~, ok]\n[k]: [y]\n_entries: [z]\n").unwrap();
        assert_eq!(themes(&lex), [("a".into(), None, vec!["=ok".into()])]);
        assert_eq!(lex.warnings.len(), 4, "{:?}", lex.warnings);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let mut text = String::new();
        for d in 0..200 {
            text.push_str(&" ".repeat(d));
            text.push_str(&format!("k{d}:\n"));
        }
        let err = parse_str(&text).unwrap_err().to_string();
        assert!(err.contains("nested more than"), "{err}");
    }

    #[test]
    fn the_fixture_loads() {
        let lex = parse_str(include_str!("../../tests/fixtures/dictionaries/small.yml")).unwrap();
        assert_eq!(lex.themes.len(), 5);
        assert!(lex.warnings.is_empty(), "{:?}", lex.warnings);
    }
}
