//! What the readers of other tools' dictionaries share: splitting a file into lines
//! whatever its line endings, turning a dictionary term into a [`Rule`], and building
//! the [`Lexicon`] from a tree of categories with unique theme ids.
//!
//! The format readers ([`super::dic`], [`super::dicx`], [`super::cat`], [`super::yaml`],
//! [`super::plain`]) own their syntax; this module owns what an imported dictionary
//! means: words are not stemmed, `*` is a glob, negation is off, case does not matter.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{
    DictionaryTerms, DuplicateTerms, Entry, ImportOptions, Lexicon, MatchRule, OverlapScope, Rule, Settings, Term,
    TermToken, Theme, ThemeOptions, Warning,
};
use crate::error::{Error, Location, Result};
use crate::text::Analyzer;

/// Lines of `text` with their 1-based numbers, split at `\r\n`, `\n` or a lone `\r`
/// (old Mac files such as `mfd2.0.dic` end lines with CR only).
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    let mut rest = Some(text);
    let mut number = 0u64;
    std::iter::from_fn(move || {
        let s = rest?;
        number += 1;
        match s.find(['\r', '\n']) {
            Some(i) => {
                let skip = if s[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&s[i + skip..]);
                Some((number, &s[..i]))
            }
            None => {
                rest = None;
                if s.is_empty() && number > 1 { None } else { Some((number, s)) }
            }
        }
    })
}

/// Byte offsets where lines start, to turn an offset into a 1-based line number with
/// the same line endings as [`lines`] (the `csv` crate miscounts CR-only and CRLF).
pub(crate) struct LineIndex(Vec<usize>);

impl LineIndex {
    /// Indexes `text`.
    pub(crate) fn new(text: &str) -> LineIndex {
        let b = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\r' if b.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 2;
                }
                b'\r' | b'\n' => {
                    starts.push(i + 1);
                    i += 1;
                }
                _ => i += 1,
            }
        }
        LineIndex(starts)
    }

    /// The 1-based line holding byte `offset`.
    pub(crate) fn line(&self, offset: u64) -> u64 {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        self.0.partition_point(|&s| s <= offset).max(1) as u64
    }
}

/// The settings every imported dictionary gets: no spelling variants and accents not
/// folded (the tools do neither: `café` is not `cafe` to them), hyphenated words kept
/// whole (as LIWC and quanteda tokenise), and `rule`; in `language`.
pub(crate) fn settings(rule: MatchRule, language: crate::text::Language) -> Settings {
    Settings {
        language,
        overlap: if rule == MatchRule::Liwc { OverlapScope::Lexicon } else { OverlapScope::Theme },
        spelling_variants: false,
        fold_accents: false,
        match_rule: rule,
        hyphenated_words: true,
        ..Settings::default()
    }
}

/// The options every imported theme gets: words matched exactly, never stemmed, no
/// negation, case-insensitive.
pub(crate) fn theme_options() -> ThemeOptions {
    ThemeOptions { stem: false, case_sensitive: false, negation: false, ..ThemeOptions::default() }
}

/// Which characters make a term's word a glob.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Globs {
    /// `*` only (LIWC, WordStat: `?` is a plain character there, which no word of an
    /// answer holds, so a term with one is refused).
    Star,
    /// `*` and `?` (quanteda's glob patterns).
    StarAndQuestion,
}

/// Parses a dictionary term (a word, a wildcard or a phrase) into a rule: lowercased,
/// whitespace collapsed, each word a glob if it holds a wildcard, else an exact word
/// (or a stem, with [`DictionaryTerms::Stems`]).
///
/// With [`Globs::Star`], a term holding `?` is refused: `?` is a plain character there,
/// as LIWC and contentcoder read it, and no word of an answer holds one, so the term
/// could never match. Read as the words around it, `re?d` became the phrase `re d`.
pub(crate) fn term_rule(raw: &str, terms: DictionaryTerms, globs: Globs) -> std::result::Result<Rule, String> {
    if globs == Globs::Star && raw.contains('?') {
        return Err(
            "`?` is a plain character in this format (not a wildcard, as in LIWC), and no word of an answer holds one: it could never match"
                .to_string(),
        );
    }
    let mut tokens = Vec::new();
    for piece in raw.split_whitespace() {
        let piece = piece.to_lowercase();
        let is_glob = piece.contains('*') || (globs == Globs::StarAndQuestion && piece.contains('?'));
        if is_glob {
            tokens.push(TermToken::Glob(piece));
            continue;
        }
        if Analyzer::new().analyze(&piece).is_empty() {
            return Err(format!("`{piece}` holds no word"));
        }
        tokens.push(match terms {
            DictionaryTerms::Words => TermToken::Exact(piece),
            DictionaryTerms::Stems => TermToken::Stem(piece),
        });
    }
    if tokens.is_empty() {
        return Err("empty term".to_string());
    }
    Ok(Rule::Term(Term { tokens }))
}

#[derive(Debug)]
struct Category {
    name: String,
    label: Option<String>,
    parent: Option<usize>,
    line: Option<u64>,
    entries: Vec<Entry>,
}

/// One line (or row) of a flat dictionary: a term and the categories it lists.
#[derive(Debug)]
pub(crate) struct Row {
    /// Where.
    pub line: u64,
    /// The term as written.
    pub term: String,
    /// (category index, weight).
    pub categories: Vec<(usize, f64)>,
}

/// Adds `rows` to `b`, resolving terms listed on several rows by `duplicates`, with a
/// warning for each such term.
pub(crate) fn add_rows(b: &mut Builder, rows: Vec<Row>, duplicates: DuplicateTerms) {
    let key = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let mut lines_of: HashMap<String, Vec<u64>> = HashMap::new();
    for r in &rows {
        lines_of.entry(key(&r.term)).or_default().push(r.line);
    }
    let mut warned: HashSet<String> = HashSet::new();
    for r in rows {
        let k = key(&r.term);
        let lines = lines_of.get(&k).map_or(&[][..], |v| v.as_slice());
        if lines.len() > 1 {
            let last = lines.last().copied().unwrap_or(r.line);
            if warned.insert(k.clone()) {
                let listed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                let meaning = match duplicates {
                    DuplicateTerms::Union => "it counts in the categories of all of them",
                    DuplicateTerms::LastLine => "only the last one counts",
                };
                b.warn(Some(r.line), format!("term {:?} is listed on lines {}: {meaning}", k, listed.join(", ")));
            }
            if duplicates == DuplicateTerms::LastLine && r.line != last {
                continue;
            }
        }
        for (c, w) in r.categories {
            b.add_warned(c, &r.term, w, Some(r.line));
        }
    }
}

/// Collects categories (a tree, in file order) and their entries, then builds the
/// [`Lexicon`]. Entries repeated in one category are kept once, with a warning.
#[derive(Debug)]
pub(crate) struct Builder {
    path: PathBuf,
    terms: DictionaryTerms,
    language: crate::text::Language,
    globs: Globs,
    categories: Vec<Category>,
    /// (category, entry as a rule) -> the line it was first added from.
    seen: HashMap<(usize, String), Option<u64>>,
    warnings: Vec<Warning>,
}

impl Builder {
    /// A builder for the dictionary at `path`.
    pub(crate) fn new(path: &Path, options: &ImportOptions, globs: Globs) -> Builder {
        Builder {
            path: path.to_path_buf(),
            terms: options.terms,
            language: options.language,
            globs,
            categories: Vec::new(),
            seen: HashMap::new(),
            warnings: Vec::new(),
        }
    }

    /// Where `line` is, for messages.
    pub(crate) fn at(&self, line: Option<u64>) -> Location {
        let loc = Location::file(&self.path);
        match line {
            Some(l) => loc.at_line(l),
            None => loc,
        }
    }

    /// An error at `line`.
    pub(crate) fn error(&self, line: u64, message: impl Into<String>) -> Error {
        Error::config(self.at(Some(line)), message)
    }

    /// Records a warning at `line`.
    pub(crate) fn warn(&mut self, line: Option<u64>, message: impl Into<String>) {
        let location = self.at(line);
        self.warnings.push(Warning { location, message: message.into() });
    }

    /// Adds a category; returns its index.
    pub(crate) fn category(&mut self, name: &str, parent: Option<usize>, line: Option<u64>) -> usize {
        self.categories.push(Category { name: name.to_string(), label: None, parent, line, entries: Vec::new() });
        self.categories.len() - 1
    }

    /// Sets a category's label (what reports show).
    pub(crate) fn set_label(&mut self, category: usize, label: &str) {
        if let Some(c) = self.categories.get_mut(category) {
            c.label = Some(label.to_string());
        }
    }

    /// Adds `term` to `category`; a term that is not one warns and is skipped, and one
    /// the category has already is kept once, with a warning naming its first line.
    pub(crate) fn add(&mut self, category: usize, term: &str, weight: f64, line: Option<u64>) {
        self.insert(category, term, weight, line, true);
    }

    /// [`Builder::add`] for a term whose repetition the reader has warned of already
    /// (a LIWC term listed on several lines): repeated, it is kept once silently.
    pub(crate) fn add_warned(&mut self, category: usize, term: &str, weight: f64, line: Option<u64>) {
        self.insert(category, term, weight, line, false);
    }

    fn insert(&mut self, category: usize, term: &str, weight: f64, line: Option<u64>, warn_repeat: bool) {
        let rule = match term_rule(term, self.terms, self.globs) {
            Ok(r) => r,
            Err(why) => {
                self.warn(line, format!("entry {:?} skipped: {why}", term.trim()));
                return;
            }
        };
        if category >= self.categories.len() {
            return;
        }
        if let Some(&first) = self.seen.get(&(category, rule.to_string())) {
            if warn_repeat {
                let at = first.map(|l| format!(" (first on line {l})")).unwrap_or_default();
                self.warn(line, format!("entry {:?} is listed again{at}: kept once", term.trim()));
            }
            return;
        }
        self.seen.insert((category, rule.to_string()), line);
        self.categories[category].entries.push(Entry { rule, line, weight, questions: Vec::new() });
    }

    /// Builds the lexicon named `name` with `rule`. Category names that occur more than
    /// once become unique by their path (`VALUES/CONSERVATIVE`), with a warning.
    pub(crate) fn finish(mut self, name: String, rule: MatchRule) -> Result<Lexicon> {
        let ids = self.unique_ids();
        let mut themes = Vec::with_capacity(self.categories.len());
        for (i, c) in self.categories.iter_mut().enumerate() {
            let mut theme = Theme::new(ids[i].clone());
            theme.label = c.label.clone().unwrap_or_else(|| c.name.clone());
            theme.parent = c.parent.and_then(|p| ids.get(p).cloned());
            theme.options = theme_options();
            theme.entries = std::mem::take(&mut c.entries);
            theme.line = c.line;
            themes.push(theme);
        }
        let lexicon = Lexicon {
            name,
            settings: settings(rule, self.language),
            themes,
            source: self.path.clone(),
            warnings: std::mem::take(&mut self.warnings),
        };
        lexicon.validate()?;
        Ok(lexicon)
    }

    fn path_of(&self, i: usize) -> String {
        let mut parts = vec![self.categories[i].name.as_str()];
        let mut p = self.categories[i].parent;
        // A parent always comes before its child, so this walk ends.
        while let Some(pi) = p.filter(|&pi| pi < i && parts.len() <= self.categories.len()) {
            parts.push(self.categories[pi].name.as_str());
            p = self.categories[pi].parent;
        }
        parts.reverse();
        parts.join("/")
    }

    fn unique_ids(&mut self) -> Vec<String> {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for c in &self.categories {
            *count.entry(c.name.as_str()).or_default() += 1;
        }
        let repeated: Vec<bool> = self.categories.iter().map(|c| count[c.name.as_str()] > 1).collect();
        let mut ids: Vec<String> = Vec::with_capacity(self.categories.len());
        let mut taken: HashSet<String> = HashSet::new();
        let mut renamed = Vec::new();
        for (i, &repeated) in repeated.iter().enumerate() {
            let mut id = if repeated { self.path_of(i) } else { self.categories[i].name.clone() };
            if taken.contains(&id) {
                let base = id.clone();
                let mut n = 2;
                while taken.contains(&id) {
                    id = format!("{base} ({n})");
                    n += 1;
                }
            }
            if id != self.categories[i].name {
                renamed.push((self.categories[i].line, self.categories[i].name.clone(), id.clone()));
            }
            taken.insert(id.clone());
            ids.push(id);
        }
        for (line, name, id) in renamed {
            self.warn(line, format!("category `{name}` occurs more than once: this one is named `{id}`"));
        }
        ids
    }
}

/// The file's stem, as the default lexicon name.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Each theme as (id, parent, entries as written): what the readers' tests compare.
#[cfg(test)]
pub(crate) fn theme_rows(lex: &Lexicon) -> Vec<(String, Option<String>, Vec<String>)> {
    lex.themes
        .iter()
        .map(|t| (t.id.clone(), t.parent.clone(), t.entries.iter().map(|e| e.rule.to_string()).collect()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<(u64, &str)> {
        lines(text).collect()
    }

    #[test]
    fn lines_split_at_any_line_ending() {
        assert_eq!(split("a\rb\r\nc\nd"), [(1, "a"), (2, "b"), (3, "c"), (4, "d")]);
        assert_eq!(split("a\n"), [(1, "a")]);
        assert_eq!(split("a\n\nb"), [(1, "a"), (2, ""), (3, "b")]);
        assert_eq!(split(""), [(1, "")]);
        assert_eq!(split("\r\r"), [(1, ""), (2, "")]);
    }

    #[test]
    fn line_index_agrees_with_lines() {
        let text = "a\rb\r\nc\nd";
        let index = LineIndex::new(text);
        let got: Vec<u64> = [0, 2, 5, 7, 99].iter().map(|&o| index.line(o)).collect();
        assert_eq!(got, [1, 2, 3, 4, 4]);
    }

    #[test]
    fn terms_become_exact_words_globs_or_stems() {
        let rule = term_rule("Kind*  OF", DictionaryTerms::Words, Globs::Star).unwrap();
        assert_eq!(rule.to_string(), "kind* =of");
        let rule = term_rule("abus", DictionaryTerms::Stems, Globs::Star).unwrap();
        assert_eq!(rule, Rule::Term(Term { tokens: vec![TermToken::Stem("abus".into())] }));
        // `?` is a glob in quanteda; in LIWC a plain character, which no word holds: a
        // term with one never matches (`re?d` was the phrase `re d`, `napalm?` the
        // word `napalm`, and `re?d*` a glob with a wildcard `?`).
        assert_eq!(term_rule("wh?t", DictionaryTerms::Words, Globs::StarAndQuestion).unwrap().to_string(), "wh?t");
        for term in ["what?", "re?d", "re?d*", "napalm? attack"] {
            for terms in [DictionaryTerms::Words, DictionaryTerms::Stems] {
                let why = term_rule(term, terms, Globs::Star).unwrap_err();
                assert!(why.contains("`?` is a plain character"), "{term}: {why}");
            }
        }
        assert!(term_rule("  ", DictionaryTerms::Words, Globs::Star).is_err());
        assert!(term_rule("--", DictionaryTerms::Words, Globs::Star).unwrap_err().contains("holds no word"));
    }

    #[test]
    fn repeated_category_names_are_made_unique_by_path() {
        let mut b = Builder::new(Path::new("x.cat"), &ImportOptions::default(), Globs::Star);
        let inst = b.category("INSTITUTIONS", None, Some(1));
        b.category("CONSERVATIVE", Some(inst), Some(2));
        let values = b.category("VALUES", None, Some(3));
        b.category("CONSERVATIVE", Some(values), Some(4));
        let lex = b.finish("x".into(), MatchRule::Codeframe).unwrap();
        let ids: Vec<&str> = lex.themes.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["INSTITUTIONS", "INSTITUTIONS/CONSERVATIVE", "VALUES", "VALUES/CONSERVATIVE"]);
        assert_eq!(lex.themes[3].parent.as_deref(), Some("VALUES"));
        assert_eq!(lex.warnings.len(), 2);
    }
}

#[cfg(test)]
mod robustness {
    use proptest::prelude::*;

    use crate::lexicon::{CompiledLexicon, Lexicon, export};

    /// Text made of the characters the dictionary formats give meaning to.
    fn dictionary_text() -> impl Strategy<Value = String> {
        "[%\t\n\r 0-9a-zA-Z*?<>()/,\"X:#_.'=\\-\\[\\]{}&|~!\u{FEFF}\u{2019}é]{0,300}"
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// No reader panics on any input; whatever loads also compiles without a panic
        /// and survives an export and a re-import.
        #[test]
        fn readers_never_panic(text in dictionary_text()) {
            for file in ["x.dic", "x.dicx", "x.cat", "x.yml", "x.txt"] {
                if let Ok(lex) = Lexicon::from_str_with_path(&text, std::path::Path::new(file)) {
                    let _ = CompiledLexicon::new(&lex);
                    let dic = export::to_dic(&lex);
                    prop_assert!(Lexicon::from_str_with_path(&dic.text, std::path::Path::new("y.dic")).is_ok(), "{}", dic.text);
                    let yaml = export::to_yaml(&lex);
                    prop_assert!(Lexicon::from_str_with_path(&yaml.text, std::path::Path::new("y.yml")).is_ok(), "{}", yaml.text);
                }
            }
        }

        /// Line-structured input in the shape of a `.dic`, to get past the header.
        #[test]
        fn dic_shaped_input_never_panics(
            header in proptest::collection::vec("\t{0,3}[0-9]{1,3}[ \t]{1,3}[a-z.]{0,6}", 0..6),
            body in proptest::collection::vec("[a-z* '<>()/-]{0,12}[\t ]{0,3}[0-9 \t<>()/]{0,10}", 0..12),
            ending in prop::sample::select(vec!["\n", "\r", "\r\n"]),
        ) {
            let text = format!("%{ending}{}{ending}%{ending}{}", header.join(ending), body.join(ending));
            if let Ok(lex) = Lexicon::from_str_with_path(&text, std::path::Path::new("x.dic")) {
                let _ = CompiledLexicon::new(&lex);
                let again = Lexicon::from_str_with_path(&export::to_dic(&lex).text, std::path::Path::new("y.dic"));
                prop_assert!(again.is_ok());
            }
        }
    }
}
