//! codeframe's own lexicon format (TOML): reading it into a [`Lexicon`].
//!
//! Every entry keeps its line, so an error or a lint points at it. The format is
//! documented in README.md ("The lexicon format").

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{Entry, Examples, Lexicon, OverlapScope, Rule, Settings, Theme, ThemeOptions};
use crate::error::{Error, Location, Result, line_col};
use crate::text::Language;

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
    language: Option<Spanned<String>>,
    negation_window: Option<u32>,
    negation_after: Option<u32>,
    negators: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    extra_negators: Vec<Spanned<String>>,
    particle_negators: Option<Spanned<Vec<Spanned<String>>>>,
    overlap: Option<Spanned<String>>,
    spelling_variants: Option<Spanned<bool>>,
    fold_accents: Option<bool>,
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
    parent: Option<Spanned<String>>,
    stem: Option<bool>,
    case_sensitive: Option<bool>,
    negation: Option<bool>,
    negation_window: Option<u32>,
    negation_after: Option<u32>,
    threshold: Option<Spanned<f64>>,
    #[serde(default)]
    terms: Vec<Spanned<toml::Value>>,
    #[serde(default)]
    exact: Vec<Spanned<toml::Value>>,
    #[serde(default)]
    regex: Vec<Spanned<toml::Value>>,
    #[serde(default)]
    exclude: Vec<Spanned<toml::Value>>,
    #[serde(default)]
    examples: ExamplesFile,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ExamplesFile {
    #[serde(default, rename = "match")]
    matching: Vec<Spanned<String>>,
    #[serde(default)]
    no_match: Vec<Spanned<String>>,
}

#[derive(Clone, Copy)]
enum ListKind {
    Terms,
    Exact,
    Regex,
}

/// An entry is a string, or a table `{ term = "...", weight = 0.5, questions = ["q8"] }`
/// (`regex = "..."` in place of `term` for a regular expression).
fn entry_fields(v: toml::Value) -> std::result::Result<(String, f64, Vec<String>), String> {
    match v {
        toml::Value::String(s) => Ok((s, 1.0, Vec::new())),
        toml::Value::Table(t) => {
            for k in t.keys() {
                if !["term", "regex", "weight", "questions"].contains(&k.as_str()) {
                    return Err(format!("unknown key `{k}` in an entry (expected term, weight, questions)"));
                }
            }
            if t.contains_key("term") && t.contains_key("regex") {
                return Err("an entry is a `term` or a `regex`, not both: give each its own entry".into());
            }
            let text = t
                .get("term")
                .or_else(|| t.get("regex"))
                .and_then(|v| v.as_str())
                .ok_or("an entry table needs `term = \"...\"` or `regex = '...'`")?
                .to_string();
            let weight = match t.get("weight") {
                None => 1.0,
                Some(w) => {
                    w.as_float().or_else(|| w.as_integer().map(|i| i as f64)).ok_or("`weight` must be a number")?
                }
            };
            let questions = match t.get("questions") {
                None => Vec::new(),
                Some(q) => q
                    .as_array()
                    .and_then(|a| a.iter().map(|x| x.as_str().map(String::from)).collect::<Option<Vec<_>>>())
                    .ok_or("`questions` must be a list of question ids")?,
            };
            Ok((text, weight, questions))
        }
        other => Err(format!("an entry must be a string or a table, not {}", other.type_str())),
    }
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
        // A negator is compared with one word of an answer (the lexicon's check says
        // so too, without the line, for every format).
        let particle = s.particle_negators.as_ref().map(|l| l.get_ref());
        let all = s.negators.iter().flatten().chain(&s.extra_negators).chain(particle.into_iter().flatten());
        if let Some(n) = all.clone().find(|n| !super::is_one_word(n.get_ref())) {
            return Err(err(
                n.span().start,
                format!(
                    "negator {:?} is not one word: negators are single words (`no`, `never`, `don't`), compared \
                     with each word before a match",
                    n.get_ref()
                ),
            ));
        }
        settings.negators = s.negators.map(|list| list.into_iter().map(Spanned::into_inner).collect());
        settings.extra_negators = s.extra_negators.into_iter().map(Spanned::into_inner).collect();
        if let Some(l) = &s.language {
            settings.language = Language::parse(l.get_ref()).ok_or_else(|| {
                err(
                    l.span().start,
                    format!(
                        "settings.language {:?} is not a language codeframe can stem: {}",
                        l.get_ref(),
                        Language::known()
                    ),
                )
            })?;
        }
        if let Some(list) = s.particle_negators {
            if !settings.language.has_negative_particle() {
                return Err(err(
                    list.span().start,
                    format!(
                        "particle_negators negate after a negative particle (French `ne ... plus`): language = \
                         {:?} has none (leave it out, or list the words in negators)",
                        settings.language.name()
                    ),
                ));
            }
            settings.particle_negators = Some(list.into_inner().into_iter().map(Spanned::into_inner).collect());
        }
        settings.spelling_variants = settings.language.has_spelling_variants();
        if let Some(v) = &s.spelling_variants {
            if *v.get_ref() && !settings.language.has_spelling_variants() {
                return Err(err(
                    v.span().start,
                    format!(
                        "spelling_variants maps American English spellings to British ones: it is for English, \
                         not language = {:?} (leave it out)",
                        settings.language.name()
                    ),
                ));
            }
            settings.spelling_variants = *v.get_ref();
        }
        if let Some(v) = s.fold_accents {
            settings.fold_accents = v;
        }
        settings.overlap = match &s.overlap {
            None => OverlapScope::Theme,
            Some(o) => match o.get_ref().as_str() {
                "theme" => OverlapScope::Theme,
                "lexicon" => OverlapScope::Lexicon,
                other => {
                    return Err(err(
                        o.span().start,
                        format!("settings.overlap must be \"theme\" or \"lexicon\", not {other:?}"),
                    ));
                }
            },
        };
    }

    let mut themes = Vec::with_capacity(file.themes.len());
    // Every entry's mistake is reported, not only the first: one `lexicon check` shows them all.
    let mut errors = Vec::new();
    for spanned in file.themes {
        let at = spanned.span().start;
        let t = spanned.into_inner();
        let mut theme = Theme::new(t.id.trim());
        theme.line = Some(line(at));
        theme.label = t.label.unwrap_or_else(|| t.id.clone());
        theme.description = t.description;
        theme.questions = t.questions;
        // An unknown parent or a loop is named at the `parent =` line.
        theme.parent_line = t.parent.as_ref().map(|p| line(p.span().start));
        theme.parent = t.parent.map(Spanned::into_inner);
        theme.threshold_line = t.threshold.as_ref().map(|v| line(v.span().start));
        theme.options = ThemeOptions {
            stem: t.stem.unwrap_or(true),
            case_sensitive: t.case_sensitive.unwrap_or(false),
            negation: t.negation.unwrap_or(true),
            negation_window: t.negation_window,
            negation_after: t.negation_after,
            threshold: t.threshold.as_ref().map_or(0.0, |v| *v.get_ref()),
        };
        let id = theme.id.clone();
        let entry = |s: Spanned<toml::Value>, kind: ListKind| -> Result<Entry> {
            let offset = s.span().start;
            // `{ regex = '...' }` is a regular expression in any list.
            let kind =
                if s.get_ref().as_table().is_some_and(|t| t.contains_key("regex")) { ListKind::Regex } else { kind };
            let fail = |m: String| err(offset, format!("theme `{id}`: {m}"));
            let (raw, weight, questions) = entry_fields(s.into_inner()).map_err(&fail)?;
            let rule = match kind {
                ListKind::Regex => {
                    crate::lexicon::compile::check_regex(&raw).map_err(|m| fail(format!("regex {raw:?}: {m}")))?;
                    Rule::Regex(raw)
                }
                ListKind::Exact => {
                    let source: Vec<String> =
                        raw.split_whitespace().map(|w| format!("={}", w.trim_start_matches('='))).collect();
                    Rule::parse(&source.join(" ")).map_err(|m| fail(format!("entry {raw:?}: {m}")))?
                }
                ListKind::Terms => Rule::parse(&raw).map_err(|m| fail(format!("entry {raw:?}: {m}")))?,
            };
            Ok(Entry { rule, line: Some(line(offset)), weight, questions })
        };
        let mut keep = |list: &mut Vec<Entry>, read: Result<Entry>| match read {
            Ok(e) => list.push(e),
            Err(e) => errors.push(e),
        };
        for s in t.terms {
            keep(&mut theme.entries, entry(s, ListKind::Terms));
        }
        for s in t.exact {
            keep(&mut theme.entries, entry(s, ListKind::Exact));
        }
        for s in t.regex {
            keep(&mut theme.entries, entry(s, ListKind::Regex));
        }
        for s in t.exclude {
            keep(&mut theme.exclusions, entry(s, ListKind::Terms));
        }
        let examples = t.examples.matching.iter().chain(&t.examples.no_match);
        let lines = examples.map(|s| line(s.span().start)).collect();
        let text = |list: Vec<Spanned<String>>| list.into_iter().map(Spanned::into_inner).collect();
        theme.examples =
            Examples { matching: text(t.examples.matching), not_matching: text(t.examples.no_match), lines };
        themes.push(theme);
    }

    let name =
        file.name.unwrap_or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
    let _ = (file.description, file.version);
    let lexicon = Lexicon { name, settings, themes, source: path.to_path_buf(), warnings: Vec::new() };
    errors.extend(lexicon.structure_errors());
    Error::all(errors)?;
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
    fn negators_must_be_single_words_and_settings_errors_name_their_line() {
        for settings in [
            "extra_negators = [\"no longer\"]",
            "negators = [\"not\", \" \"]",
            "extra_negators = [\"nae.\"]",
            "extra_negators = [\"*\"]",
        ] {
            let text = format!("[settings]\n{settings}\n[[theme]]\nid = \"a\"\nterms = [\"cost\"]\n");
            let err = parse_str(&text).unwrap_err().to_string();
            assert!(err.starts_with("lex.toml:2: negator ") && err.contains("is not one word"), "{err}");
        }
        let err = parse_str("[settings]\n\noverlap = \"bogus\"\n").unwrap_err().to_string();
        assert!(err.starts_with("lex.toml:3: settings.overlap must be"), "{err}");
        let lex = parse_str(
            "[settings]\nextra_negators = [\"hardly\", \"don't\", \" nae \", \"ne\u{2019}er\"]\n[[theme]]\nid = \"a\"\n",
        );
        assert!(lex.is_ok(), "{lex:?}");
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
    fn language_is_named_or_coded_and_errors_name_their_line() {
        let lex = parse_str("name = \"t\"\n[settings]\nlanguage = \"French\"\n").unwrap();
        assert_eq!(lex.settings.language, Language::French);
        assert!(!lex.settings.spelling_variants, "spelling variants are English");
        let lex = parse_str("name = \"t\"\n[settings]\nlanguage = \"en\"\nspelling_variants = false\n").unwrap();
        assert_eq!(lex.settings.language, Language::English);
        assert!(!lex.settings.spelling_variants);
        assert!(parse_str("name = \"t\"\n").unwrap().settings.spelling_variants);
        let err = parse_str("name = \"t\"\n[settings]\nlanguage = \"klingon\"\n").unwrap_err().to_string();
        assert!(err.starts_with("lex.toml:3:") && err.contains("\"klingon\"") && err.contains("french (fr)"), "{err}");
        let err = parse_str("[settings]\nlanguage = \"de\"\nspelling_variants = true\n").unwrap_err().to_string();
        assert!(err.starts_with("lex.toml:3:") && err.contains("for English"), "{err}");
    }

    /// `particle_negators` is read for a language with a negative particle (French),
    /// an error naming its line otherwise, and holds single words.
    #[test]
    fn particle_negators_are_french_single_words() {
        let lex = parse_str("[settings]\nlanguage = \"fr\"\nparticle_negators = [\"plus\"]\n").unwrap();
        assert_eq!(lex.settings.particle_negators, Some(vec!["plus".to_string()]));
        assert_eq!(parse_str("[settings]\nlanguage = \"fr\"\n").unwrap().settings.particle_negators, None);
        for language in ["de", "en"] {
            let text = format!("[settings]\nlanguage = \"{language}\"\n\nparticle_negators = [\"mehr\"]\n");
            let err = parse_str(&text).unwrap_err().to_string();
            assert!(err.starts_with("lex.toml:4: particle_negators") && err.contains("has none"), "{err}");
        }
        let err = parse_str("[settings]\nlanguage = \"fr\"\nparticle_negators = [\"plus que\"]\n").unwrap_err();
        assert!(err.to_string().starts_with("lex.toml:3: negator \"plus que\" is not one word"), "{err}");
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

    /// `lexicon check` showed only the first of a lexicon's mistakes.
    #[test]
    fn every_mistake_is_named_with_its_line() {
        let text = "[[theme]]\nid = \"a\"\nparent = \"zz\"\nterms = [\"cost NEAR/x court\"]\n[[theme]]\nid = \"b\"\n\
                    terms = [\"fee BEFORE/0 x\", \"ok\"]\n[[theme]]\nid = \"a\"\n";
        let err = parse_str(text).unwrap_err().to_string();
        // In line order (they came 4, 7, 8, then the parent's), the unknown parent at
        // its `parent =` line rather than the theme's.
        let lines: Vec<&str> = err.lines().map(|l| l.split(": ").next().unwrap_or("")).collect();
        assert_eq!(lines, ["lex.toml:3", "lex.toml:4", "lex.toml:7", "lex.toml:8"], "{err}");
        assert!(err.contains("duplicate theme id `a`") && err.contains("unknown parent `zz`"), "{err}");
    }

    /// `café` typed with `é` and with `e` and a combining accent (as a Mac writes it)
    /// made two themes that print alike; and a parent so written was "unknown".
    #[test]
    fn ids_written_with_other_code_points_are_named() {
        let text = "[[theme]]\nid = \"caf\u{e9}\"\n[[theme]]\nid = \"cafe\u{301}\"\n[[theme]]\nid = \"x\"\nparent = \"cafe\u{301}\"\n";
        let err = parse_str(text).unwrap_err().to_string();
        assert!(
            err.contains("lex.toml:3: theme id `cafe\u{301}` is the id of an earlier theme (line 1), written with other code points"),
            "{err}"
        );
        let text = "[[theme]]\nid = \"caf\u{e9}\"\n[[theme]]\nid = \"x\"\nparent = \"cafe\u{301}\"\n";
        let err = parse_str(text).unwrap_err().to_string();
        assert!(
            err.contains("unknown parent `cafe\u{301}`: theme `caf\u{e9}` (line 1) is written with other code points"),
            "{err}"
        );
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

    /// `{ regex = '...' }` in `terms` was read as a word: `\bcost me my\b` became the
    /// phrase `bcost me my b`, and a broken regex passed every check.
    #[test]
    fn a_regex_table_is_a_regex_in_any_list() {
        let lex = parse_str("[[theme]]\nid = \"a\"\nterms = [{ regex = 'po.ice', questions = [\"q1\"] }, \"fee\"]\n")
            .unwrap();
        assert!(matches!(&lex.themes[0].entries[0].rule, Rule::Regex(r) if r == "po.ice"));
        assert_eq!(lex.themes[0].entries[0].questions, ["q1"]);
        let err = parse_str("[[theme]]\nid = \"a\"\nterms = [\n{ regex = 'cost(' }]\n").unwrap_err().to_string();
        assert!(err.starts_with("lex.toml:4:") && err.contains("regex \"cost(\""), "{err}");
        let err =
            parse_str("[[theme]]\nid = \"a\"\nterms = [{ term = 'fee', regex = 'po.ice' }]\n").unwrap_err().to_string();
        assert!(err.contains("a `term` or a `regex`, not both"), "{err}");
        let lex = parse_str("[[theme]]\nid = \"a\"\nterms = [\"cost\"]\nexclude = [{ regex = 'cost me' }]\n").unwrap();
        assert!(matches!(&lex.themes[0].exclusions[0].rule, Rule::Regex(_)));
    }

    /// A negative threshold was accepted silently, and read as 0 (any match).
    #[test]
    fn a_negative_threshold_is_an_error_at_its_line() {
        let err = parse_str("[[theme]]\nid = \"a\"\nterms = [\"kind\"]\nthreshold = -0.5\n").unwrap_err().to_string();
        assert!(err.starts_with("lex.toml:4: theme `a`: threshold -0.5 is negative"), "{err}");
        assert!(parse_str("[[theme]]\nid = \"a\"\nterms = [\"kind\"]\nthreshold = 0\n").is_ok());
    }

    #[test]
    fn unknown_parent_is_an_error() {
        // At the `parent =` line, not the theme's (testers' report).
        let err =
            parse_str("[[theme]]\nid = \"a\"\nterms = [\"kind\"]\n\n\nparent = \"zz\"\n").unwrap_err().to_string();
        assert_eq!(err, "lex.toml:6: theme `a` has unknown parent `zz`");
    }

    /// A parent cycle is one error, at the `parent =` line of its first theme, naming
    /// the themes on it (not one error per theme that leads into it).
    #[test]
    fn a_parent_cycle_is_named_once() {
        let text = "[[theme]]\nid = \"leaf\"\nparent = \"b\"\n[[theme]]\nid = \"a\"\nparent = \"c\"\n\
                    [[theme]]\nid = \"b\"\nparent = \"a\"\n[[theme]]\nid = \"c\"\nparent = \"b\"\n";
        let err = parse_str(text).unwrap_err().to_string();
        assert_eq!(err, "lex.toml:6: theme `a`: parent chain loops: `a` -> `c` -> `b` -> `a`");
        let err = parse_str("[[theme]]\nid = \"a\"\nlabel = \"A\"\nparent = \"a\"\n").unwrap_err().to_string();
        assert_eq!(err, "lex.toml:4: theme `a`: parent chain loops: `a` -> `a`");
    }
}
