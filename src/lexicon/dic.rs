//! LIWC `.dic` dictionaries (LIWC2001 to LIWC-22): reading one into a [`Lexicon`].
//!
//! ```text
//! %
//! 1<TAB>affect
//! <TAB>2<TAB>posemo        a child of the nearest category above indented less
//! %
//! happ*<TAB>1<TAB>2        a term, a tab, then category numbers (tabs or spaces)
//! kind of<TAB>2            a multi-word entry
//! ```
//! Header lines may separate number and name by spaces instead of a tab, and lines may
//! end in CR, LF or CRLF. A term on two lines counts in the categories of both.
//! LIWC2007's conditional entries (`like<TAB><of>135/125`) and any other line that does not
//! parse are skipped with a [`Warning`](super::Warning), never an error: only a file
//! that is not a `.dic` at all (no `%` header) fails. The lexicon counts with
//! [`MatchRule::Liwc`]. This module owns the syntax only; see `docs/dictionaries.md`.

use std::collections::HashMap;
use std::path::Path;

use super::import::{self, Builder, Globs, Row};
use super::{ImportOptions, Lexicon, MatchRule};
use crate::error::Result;

/// A category number as a key: `01` and `1` are the same category.
fn key(number: &str) -> Option<u64> {
    number.parse::<u64>().ok()
}

/// Whether a category field is a LIWC2007 conditional (`<of>135/125`, `(02 03)131`).
fn is_conditional(field: &str) -> bool {
    field.contains(['<', '>', '(', ')', '/'])
}

/// Parses LIWC `.dic` text; `path` names the source in messages.
pub fn parse(text: &str, path: &Path, options: &ImportOptions) -> Result<Lexicon> {
    let mut b = Builder::new(path, options, Globs::Star);
    let mut numbers: HashMap<u64, usize> = HashMap::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    // The open categories, outermost first, with their depth in tabs and their name: a
    // category's parent is the innermost one indented less than it.
    let mut open: Vec<(usize, usize, &str)> = Vec::new();
    #[derive(PartialEq)]
    enum State {
        Start,
        Header,
        Body,
    }
    let mut state = State::Start;
    let mut header_line = 0;
    let mut rows = Vec::new();
    for (n, line) in import::lines(text) {
        let trimmed = line.trim();
        match state {
            State::Start => {
                if trimmed.is_empty() {
                    continue;
                }
                if trimmed != "%" {
                    return Err(b.error(
                        n,
                        "not a LIWC dictionary: it must start with a `%` line, then `number<TAB>category` lines, then `%`",
                    ));
                }
                state = State::Header;
                header_line = n;
            }
            State::Header => {
                if trimmed.is_empty() {
                    continue;
                }
                if trimmed == "%" {
                    state = State::Body;
                    continue;
                }
                let depth = line.chars().take_while(|&c| c == '\t').count();
                let (number, rest) = trimmed.split_once(char::is_whitespace).unwrap_or((trimmed, ""));
                let rest = rest.trim();
                let Some(number) = key(number) else {
                    b.warn(
                        Some(n),
                        format!("header line {trimmed:?} skipped: expected a category number, a tab and a name"),
                    );
                    continue;
                };
                if rest.is_empty() {
                    b.warn(Some(n), format!("header line {trimmed:?} skipped: category {number} has no name"));
                    continue;
                }
                let (name, label) = split_label(rest);
                if numbers.contains_key(&number) {
                    b.warn(Some(n), format!("category number {number} is defined twice: this line is ignored"));
                    continue;
                }
                while open.last().is_some_and(|&(d, _, _)| d >= depth) {
                    open.pop();
                }
                let parent = open.last().map(|&(_, i, _)| i);
                match open.last() {
                    Some(&(d, _, above)) if depth > d + 1 => b.warn(
                        Some(n),
                        format!(
                            "category `{name}` is indented {depth} tabs, more than one deeper than `{above}` above it: read as its child"
                        ),
                    ),
                    None if depth > 0 => b.warn(
                        Some(n),
                        format!("category `{name}` is indented, but no category is above it: read as top-level"),
                    ),
                    _ => {}
                }
                let index = match names.get(name) {
                    Some(&i) => {
                        b.warn(
                            Some(n),
                            format!("category `{name}` is named twice: number {number} is the same category"),
                        );
                        i
                    }
                    None => {
                        let i = b.category(name, parent, Some(n));
                        if let Some(label) = label {
                            b.set_label(i, label);
                        }
                        names.insert(name.to_string(), i);
                        i
                    }
                };
                numbers.insert(number, index);
                open.push((depth, index, name));
            }
            State::Body => {
                if trimmed.is_empty() {
                    continue;
                }
                if trimmed == "%" {
                    b.warn(Some(n), "a third `%` line: ignored");
                    continue;
                }
                if let Some(row) = body_line(&mut b, &numbers, n, line) {
                    rows.push(row);
                }
            }
        }
    }
    match state {
        State::Start => return Err(b.error(1, "empty dictionary: a `.dic` file starts with a `%` line")),
        State::Header => {
            return Err(b.error(header_line, "the category header that starts here is never closed by a `%` line"));
        }
        State::Body => {}
    }
    import::add_rows(&mut b, rows, options.duplicates);
    b.finish(import::file_name(path), MatchRule::Liwc)
}

/// `name` and an optional label: `posemo<TAB>Positive emotion` or `posemo (Positive emotion)`.
/// One pair of brackets around a label is taken off, no more: `(ends with ))` is the
/// label `ends with )`, as the writer puts it.
fn split_label(rest: &str) -> (&str, Option<&str>) {
    if let Some((name, label)) = rest.split_once('\t') {
        let label = label.trim();
        let label = label.strip_prefix('(').and_then(|l| l.strip_suffix(')')).unwrap_or(label).trim();
        return (name.trim(), (!label.is_empty()).then_some(label));
    }
    if let Some(open) = rest.find(" (")
        && rest.ends_with(')')
    {
        let label = rest[open + 2..rest.len() - 1].trim();
        return (rest[..open].trim(), (!label.is_empty()).then_some(label));
    }
    (rest, None)
}

/// Reads one entry line, warning about what it cannot use.
fn body_line(b: &mut Builder, numbers: &HashMap<u64, usize>, n: u64, line: &str) -> Option<Row> {
    let trimmed = line.trim();
    let (term, fields): (String, Vec<&str>) = match trimmed.split_once('\t') {
        Some((term, rest)) => {
            (term.split_whitespace().collect::<Vec<_>>().join(" "), rest.split_whitespace().collect())
        }
        None => {
            // No tab: the trailing words that are category numbers are the categories.
            let words: Vec<&str> = trimmed.split_whitespace().collect();
            let known = words.iter().rev().take_while(|w| key(w).is_some_and(|k| numbers.contains_key(&k))).count();
            let (term, cats) = words.split_at(words.len() - known);
            (term.join(" "), cats.to_vec())
        }
    };
    if fields.iter().any(|f| is_conditional(f)) {
        b.warn(
            Some(n),
            format!("LIWC2007 conditional entry {trimmed:?} skipped: codeframe does not read `<word>` conditions"),
        );
        return None;
    }
    if term.is_empty() {
        b.warn(Some(n), format!("line {trimmed:?} skipped: it has no term"));
        return None;
    }
    let mut categories = Vec::new();
    for f in fields {
        match key(f).and_then(|k| numbers.get(&k)) {
            Some(&c) => categories.push((c, 1.0)),
            None => b.warn(Some(n), format!("entry {term:?}: `{f}` is not a category of the header: ignored")),
        }
    }
    if categories.is_empty() {
        b.warn(Some(n), format!("entry {term:?} skipped: it names no category"));
        return None;
    }
    Some(Row { line: n, term, categories })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{MatchRule, Rule};

    fn parse_str(text: &str) -> Result<Lexicon> {
        parse(text, Path::new("test.dic"), &ImportOptions::default())
    }

    /// (theme id, its entries as text), in order.
    fn themes(lex: &Lexicon) -> Vec<(String, Vec<String>)> {
        lex.themes.iter().map(|t| (t.id.clone(), t.entries.iter().map(|e| e.rule.to_string()).collect())).collect()
    }

    fn has_warning(lex: &Lexicon, line: u64, text: &str) -> bool {
        lex.warnings.iter().any(|w| w.location.line == Some(line) && w.message.contains(text))
    }

    #[test]
    fn reads_header_entries_wildcards_phrases_and_several_categories() {
        let lex = parse_str("%\n1\tcare\n2\tharm\n%\nkind*\t1\nkind of\t1\t2\nhurt\t2\n").unwrap();
        assert_eq!(
            themes(&lex),
            [
                ("care".into(), vec!["kind*".into(), "=kind =of".into()]),
                ("harm".into(), vec!["=kind =of".into(), "=hurt".into()])
            ]
        );
        assert_eq!(lex.themes[0].entries[0].line, Some(5));
        assert_eq!(lex.name, "test");
        assert_eq!(lex.settings.match_rule, MatchRule::Liwc);
        assert!(!lex.themes[0].options.stem && !lex.themes[0].options.negation);
        assert!(lex.warnings.is_empty());
    }

    #[test]
    fn a_term_on_two_lines_takes_the_union_of_categories() {
        let text = "%\n1\ta\n2\tb\n%\nloyal\t1\nLoyal\t2\nloyal\t1\nx\t1\n";
        let lex = parse_str(text).unwrap();
        assert_eq!(
            themes(&lex),
            [("a".into(), vec!["=loyal".into(), "=x".into()]), ("b".into(), vec!["=loyal".into()])]
        );
        assert_eq!(lex.warnings.len(), 1);
        assert!(has_warning(&lex, 5, "listed on lines 5, 6, 7: it counts in the categories of all of them"));
        let opts = ImportOptions { duplicates: crate::lexicon::DuplicateTerms::LastLine, ..ImportOptions::default() };
        let last = parse(text, Path::new("test.dic"), &opts).unwrap();
        assert_eq!(themes(&last), [("a".into(), vec!["=loyal".into(), "=x".into()]), ("b".into(), vec![])]);
        assert_eq!(last.themes[0].entries[0].line, Some(7));
    }

    #[test]
    fn cr_only_crlf_and_space_separated_headers() {
        let cr = parse_str("%\r1\tcare.virtue\r2\tcare.vice\r%\rcompassion\t1\rharm\t2\r").unwrap();
        assert_eq!(themes(&cr)[1], ("care.vice".into(), vec!["=harm".into()]));
        assert_eq!(cr.themes[1].entries[0].line, Some(6));
        let spaces = parse_str("%\r\n01                    HarmVirtue\r\n02   HarmVice\r\n%\r\nsafe*\t\t\t01\r\nbenefit*        \t01\r\npreserve\t\t01 02\r\n")
            .unwrap();
        assert_eq!(
            themes(&spaces),
            [
                ("HarmVirtue".into(), vec!["safe*".into(), "benefit*".into(), "=preserve".into()]),
                ("HarmVice".into(), vec!["=preserve".into()])
            ]
        );
    }

    #[test]
    fn tab_indented_categories_are_children() {
        let lex =
            parse_str("%\n1\taffect\n\t2\tposemo\n\t\t3\tjoy\n\t4\tnegemo\n5\tsocial\n%\nhappy\t1 2 3\n").unwrap();
        let parents: Vec<Option<&str>> = lex.themes.iter().map(|t| t.parent.as_deref()).collect();
        assert_eq!(parents, [None, Some("affect"), Some("posemo"), Some("affect"), None]);
    }

    /// A category indented more than one tab below the one above is its child, with a
    /// warning, and the next category one tab in is a child of `affect` again (the
    /// over-indented `posemo` was read as top-level, and `negemo` became its child).
    #[test]
    fn over_indented_categories_nest_under_the_category_above() {
        let lex = parse_str("%\n1\taffect\n\t\t2\tposemo\n\t3\tnegemo\n4\tsocial\n\t\t\t5\tfriend\n\t\t6\tfamily\n%\n")
            .unwrap();
        let parents: Vec<(&str, Option<&str>)> =
            lex.themes.iter().map(|t| (t.id.as_str(), t.parent.as_deref())).collect();
        assert_eq!(
            parents,
            [
                ("affect", None),
                ("posemo", Some("affect")),
                ("negemo", Some("affect")),
                ("social", None),
                ("friend", Some("social")),
                ("family", Some("social")),
            ]
        );
        let warnings: Vec<(Option<u64>, &str)> =
            lex.warnings.iter().map(|w| (w.location.line, w.message.as_str())).collect();
        assert_eq!(
            warnings,
            [
                (
                    Some(3),
                    "category `posemo` is indented 2 tabs, more than one deeper than `affect` above it: read as its child"
                ),
                (
                    Some(6),
                    "category `friend` is indented 3 tabs, more than one deeper than `social` above it: read as its child"
                ),
                (
                    Some(7),
                    "category `family` is indented 2 tabs, more than one deeper than `social` above it: read as its child"
                ),
            ]
        );
        // An indented first category has no category above it.
        let lex = parse_str("%\n\t1\ta\n2\tb\n%\n").unwrap();
        assert!(lex.themes.iter().all(|t| t.parent.is_none()));
        assert!(has_warning(&lex, 2, "category `a` is indented, but no category is above it: read as top-level"));
    }

    #[test]
    fn labels_after_the_name() {
        let lex = parse_str("%\n1\tposemo\t(Positive emotion)\n2\tnegemo (Negative emotion)\n%\n").unwrap();
        assert_eq!(lex.themes[0].id, "posemo");
        assert_eq!(lex.themes[0].label, "Positive emotion");
        assert_eq!(lex.themes[1].label, "Negative emotion");
    }

    /// A label ending in a bracket keeps it: one pair of brackets is taken off (it read
    /// back as `ends with`, and `(sic)` as `sic`).
    #[test]
    fn labels_keep_their_own_brackets() {
        let lex = parse_str("%\n1\ta\t(ends with ))\n2\tb\t((sic))\n3\tc\tplain (x)\n4\td (e (f))\n%\n").unwrap();
        let labels: Vec<&str> = lex.themes.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["ends with )", "(sic)", "plain (x)", "e (f)"]);
    }

    #[test]
    fn conditional_and_unparseable_lines_warn_and_are_skipped() {
        let text = "%\n1\tfunct\n2\tverb\nx\tnot a number\n7\n%\nkind\t<of>1/2\t1\nlike\t(02 03)1\n11\nwords\t9\nok\t1 9\n\n%\n";
        let lex = parse_str(text).unwrap();
        assert_eq!(themes(&lex), [("funct".into(), vec!["=ok".into()]), ("verb".into(), vec![])]);
        assert!(has_warning(&lex, 4, "expected a category number"));
        assert!(has_warning(&lex, 5, "has no name"));
        assert!(has_warning(&lex, 7, "conditional"));
        assert!(has_warning(&lex, 8, "conditional"));
        assert!(has_warning(&lex, 9, "names no category"));
        assert!(has_warning(&lex, 10, "`9` is not a category"));
        assert!(has_warning(&lex, 11, "`9` is not a category"));
        assert!(has_warning(&lex, 13, "third `%`"));
        assert_eq!(lex.warnings.len(), 9);
        assert_eq!(
            lex.warnings[0].to_string(),
            "test.dic:4: header line \"x\\tnot a number\" skipped: expected a category number, a tab and a name"
        );
    }

    #[test]
    fn a_line_with_only_numbers_has_no_term() {
        let lex = parse_str("%\n11\tgeneral\n%\n11\n").unwrap();
        assert!(has_warning(&lex, 4, "has no term"));
    }

    #[test]
    fn lines_without_tabs_split_off_trailing_category_numbers() {
        let lex = parse_str("%\n1\ta\n2\tb\n%\npeace keeping 1 2\n911 1\n").unwrap();
        assert_eq!(themes(&lex)[0].1, ["=peace =keeping", "=911"]);
    }

    #[test]
    fn duplicate_numbers_and_names() {
        let lex = parse_str("%\n1\ta\n1\tb\n2\ta\n%\nx\t2\n").unwrap();
        assert_eq!(themes(&lex), [("a".into(), vec!["=x".into()])]);
        assert!(has_warning(&lex, 3, "defined twice"));
        assert!(has_warning(&lex, 4, "named twice"));
    }

    #[test]
    fn files_that_are_not_dic_are_errors_with_a_line() {
        for (text, line, why) in
            [("", 1, "empty"), ("\n\nword\t1\n", 3, "must start with a `%`"), ("%\n1\ta\nword\t1\n", 1, "never closed")]
        {
            let err = parse_str(text).unwrap_err().to_string();
            assert!(err.starts_with(&format!("test.dic:{line}:")) && err.contains(why), "{text:?}: {err}");
        }
    }

    #[test]
    fn entries_that_hold_no_word_are_skipped() {
        let lex = parse_str("%\n1\ta\n%\n--\t1\n:)\t1\n").unwrap();
        assert!(lex.themes[0].entries.is_empty());
        assert_eq!(lex.warnings.len(), 2);
    }

    /// `?` is a plain character in a `.dic`, as in LIWC: no word holds one, so a term
    /// with one is skipped with a warning, read as words or as stems.
    #[test]
    fn a_term_with_a_question_mark_never_matches_and_is_skipped() {
        let text = "%\n1\ta\n%\nre?d\t1\nnapalm?\t1\nre?d*\t1\nread\t1\n";
        let stems = ImportOptions { terms: crate::lexicon::DictionaryTerms::Stems, ..ImportOptions::default() };
        for options in [ImportOptions::default(), stems] {
            let lex = parse(text, Path::new("test.dic"), &options).unwrap();
            assert_eq!(lex.themes[0].entries.iter().map(|e| e.line).collect::<Vec<_>>(), [Some(7)]);
            for line in [4, 5, 6] {
                assert!(has_warning(&lex, line, "`?` is a plain character"), "{line}: {:?}", lex.warnings);
            }
            assert_eq!(lex.warnings.len(), 3);
        }
    }

    #[test]
    fn stems_option_reads_terms_as_stems() {
        let opts = ImportOptions { terms: crate::lexicon::DictionaryTerms::Stems, ..ImportOptions::default() };
        let lex = parse("%\n1\ta\n%\nabus\t1\nharass*\t1\n", Path::new("g.dic"), &opts).unwrap();
        let rules: Vec<&Rule> = lex.themes[0].entries.iter().map(|e| &e.rule).collect();
        assert_eq!(
            rules[0],
            &Rule::Term(crate::lexicon::Term { tokens: vec![crate::lexicon::TermToken::Stem("abus".into())] })
        );
        assert_eq!(rules[1].to_string(), "harass*");
    }

    #[test]
    fn the_fixture_loads() {
        let text = include_str!("../../tests/fixtures/dictionaries/small.dic");
        let lex = parse_str(text).unwrap();
        let ids: Vec<&str> = lex.themes.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["affect", "posemo", "negemo", "social", "function"]);
        assert_eq!(lex.themes[1].parent.as_deref(), Some("affect"));
        assert_eq!(lex.warnings.len(), 2, "{:?}", lex.warnings);
        assert!(lex.warnings[0].message.contains("conditional"));
        assert!(lex.warnings[1].message.contains("\"good\" is listed on lines 10, 22"));
    }
}
