//! codeframe's own lexicon format (TOML): reading it into a [`Lexicon`].
//!
//! Every entry keeps its line, so an error or a lint points at it. The format is
//! documented in README.md ("The lexicon format").

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{Entry, Examples, Lexicon, OverlapScope, Rule, Settings, Theme, ThemeOptions};
use crate::error::{Error, Location, Result, line_col};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    settings: Option<SettingsFile>,
    #[serde(default, rename = "theme")]
    themes: Vec<Spanned<ThemeFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    negation_window: Option<u32>,
    negation_after: Option<u32>,
    negators: Option<Vec<String>>,
    #[serde(default)]
    extra_negators: Vec<String>,
    overlap: Option<String>,
    spelling_variants: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    id: String,
    label: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    questions: Vec<String>,
    parent: Option<String>,
    stem: Option<bool>,
    case_sensitive: Option<bool>,
    negation: Option<bool>,
    negation_window: Option<u32>,
    negation_after: Option<u32>,
    #[serde(default)]
    terms: Vec<Spanned<String>>,
    #[serde(default)]
    exact: Vec<Spanned<String>>,
    #[serde(default)]
    regex: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    examples: ExamplesFile,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ExamplesFile {
    #[serde(default, rename = "match")]
    matching: Vec<String>,
    #[serde(default)]
    no_match: Vec<String>,
}

/// Parses codeframe TOML lexicon text; `path` is used in messages.
pub fn parse(text: &str, path: &Path) -> Result<Lexicon> {
    let file: File = toml::from_str(text).map_err(|e| {
        let mut loc = Location::file(path);
        if let Some(span) = e.span() {
            loc = loc.at_line(line_col(text, span.start).0);
        }
        Error::config(loc, format!("invalid lexicon: {}", e.message().trim()))
    })?;
    // Line starts once, not a scan from the top per entry (that was quadratic: 2.5 s for
    // a 20,000-entry lexicon).
    let breaks: Vec<usize> = text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i).collect();
    let line = |offset: usize| breaks.partition_point(|&b| b < offset) as u64 + 1;
    let err = |offset: usize, msg: String| Error::config(Location::file(path).at_line(line(offset)), msg);

    let mut settings = Settings::default();
    if let Some(s) = file.settings {
        if let Some(n) = s.negation_window {
            settings.negation_window = n;
        }
        if let Some(n) = s.negation_after {
            settings.negation_after = n;
        }
        settings.negators = s.negators;
        settings.extra_negators = s.extra_negators;
        if let Some(v) = s.spelling_variants {
            settings.spelling_variants = v;
        }
        settings.overlap = match s.overlap.as_deref() {
            None | Some("theme") => OverlapScope::Theme,
            Some("lexicon") => OverlapScope::Lexicon,
            Some(other) => {
                return Err(Error::config(
                    Location::file(path),
                    format!("settings.overlap must be \"theme\" or \"lexicon\", not {other:?}"),
                ));
            }
        };
    }

    let mut themes = Vec::with_capacity(file.themes.len());
    for spanned in file.themes {
        let at = spanned.span().start;
        let t = spanned.into_inner();
        let mut theme = Theme::new(t.id.trim());
        theme.line = Some(line(at));
        theme.label = t.label.unwrap_or_else(|| t.id.clone());
        theme.description = t.description;
        theme.questions = t.questions;
        theme.parent = t.parent;
        theme.options = ThemeOptions {
            stem: t.stem.unwrap_or(true),
            case_sensitive: t.case_sensitive.unwrap_or(false),
            negation: t.negation.unwrap_or(true),
            negation_window: t.negation_window,
            negation_after: t.negation_after,
        };
        let entry = |s: Spanned<String>, exact: bool| -> Result<Entry> {
            let offset = s.span().start;
            let raw = s.into_inner();
            let source = if exact {
                raw.split_whitespace().map(|w| format!("={}", w.trim_start_matches('='))).collect::<Vec<_>>().join(" ")
            } else {
                raw.clone()
            };
            let rule =
                Rule::parse(&source).map_err(|m| err(offset, format!("theme `{}`: entry {raw:?}: {m}", theme.id)))?;
            Ok(Entry { rule, line: Some(line(offset)), weight: 1.0 })
        };
        for s in t.terms {
            let e = entry(s, false)?;
            theme.entries.push(e);
        }
        for s in t.exact {
            let e = entry(s, true)?;
            theme.entries.push(e);
        }
        for s in t.regex {
            let offset = s.span().start;
            let pattern = s.into_inner();
            crate::lexicon::compile::check_regex(&pattern)
                .map_err(|m| err(offset, format!("theme `{}`: regex {pattern:?}: {m}", theme.id)))?;
            theme.entries.push(Entry { rule: Rule::Regex(pattern), line: Some(line(offset)), weight: 1.0 });
        }
        for s in t.exclude {
            let e = entry(s, false)?;
            theme.exclusions.push(e);
        }
        theme.examples = Examples { matching: t.examples.matching, not_matching: t.examples.no_match };
        themes.push(theme);
    }

    let name =
        file.name.unwrap_or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
    let _ = (file.description, file.version);
    let lexicon = Lexicon { name, settings, themes, source: path.to_path_buf() };
    lexicon.validate()?;
    Ok(lexicon)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn parse_str(text: &str) -> Result<Lexicon> {
        parse(text, &PathBuf::from("lex.toml"))
    }

    #[test]
    fn reads_themes_entries_and_lines() {
        let lex = parse_str(
            r#"
name = "t"
[settings]
negation_window = 4
overlap = "lexicon"

[[theme]]
id = "cost"
label = "Cost"
questions = ["q1"]
terms = ["cost", "legal aid",
  "fee* NEAR/3 court"]
exact = ["CPS"]
regex = ["\\d+ pounds"]
exclude = ["cost up"]
examples = { match = ["the fees"], no_match = ["no cost"] }
"#,
        )
        .unwrap();
        assert_eq!(lex.settings.negation_window, 4);
        assert_eq!(lex.settings.overlap, OverlapScope::Lexicon);
        let t = &lex.themes[0];
        assert_eq!(t.line, Some(7));
        assert_eq!(t.entries.len(), 5);
        assert_eq!(t.entries[2].line, Some(12));
        assert_eq!(t.entries[3].rule.to_string(), "=CPS");
        assert!(matches!(t.entries[4].rule, Rule::Regex(_)));
        assert_eq!(t.exclusions.len(), 1);
        assert_eq!(t.examples.not_matching, ["no cost"]);
    }

    #[test]
    fn malformed_toml_names_its_line() {
        let err = parse_str("name = \"x\"\n[[theme]]\nid = \n").unwrap_err().to_string();
        assert!(err.starts_with("lex.toml:3:"), "{err}");
    }

    #[test]
    fn bad_entry_names_its_line_and_theme() {
        let err = parse_str("[[theme]]\nid = \"a\"\nterms = [\n\"ok\",\n\"x NEAR/q y\"]\n").unwrap_err().to_string();
        assert!(err.starts_with("lex.toml:5:") && err.contains("theme `a`"), "{err}");
    }

    #[test]
    fn duplicate_theme_ids_are_an_error() {
        let err = parse_str("[[theme]]\nid = \"a\"\n[[theme]]\nid = \"a\"\n").unwrap_err().to_string();
        assert!(err.contains("lex.toml:3") && err.contains("duplicate theme id `a` (first at line 1)"), "{err}");
    }

    #[test]
    fn unknown_keys_are_an_error() {
        let err = parse_str("[[theme]]\nid = \"a\"\nterm = [\"x\"]\n").unwrap_err().to_string();
        assert!(err.contains("unknown field `term`"), "{err}");
    }

    #[test]
    fn unknown_parent_is_an_error() {
        let err = parse_str("[[theme]]\nid = \"a\"\nparent = \"zz\"\n").unwrap_err().to_string();
        assert!(err.contains("unknown parent `zz`"), "{err}");
    }
}
