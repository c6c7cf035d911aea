//! Lexicons: themes and the entries that assert them.
//!
//! A [`Lexicon`] is what a file says, format-independent: themes with their
//! entries as parsed [`Rule`]s, each remembering its line. Readers for each file
//! format build one ([`toml`] for codeframe's own format; [`dic`], [`dicx`], [`cat`],
//! [`yaml`] and [`plain`] for the dictionary formats of other tools, see
//! `docs/dictionaries.md`); [`export`] writes one back out as a `.dic` or YAML;
//! [`compile`] turns it into a [`CompiledLexicon`] that the matcher runs. This module
//! owns no matching logic.

pub mod cat;
pub mod compile;
pub mod dic;
pub mod dicx;
pub mod export;
mod import;
pub mod plain;
pub mod rule;
pub mod toml;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use compile::CompiledLexicon;
pub use rule::{Rule, Term, TermToken};

use rustc_hash::FxHashMap;

use crate::error::{Error, Location, Result};

/// How overlapping matches are resolved: the longest wins within this scope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OverlapScope {
    /// Among matches of the same theme (quanteda's `nested_scope = "key"`).
    #[default]
    Theme,
    /// Among all matches of the lexicon (`nested_scope = "dictionary"`).
    Lexicon,
}

/// How matches compete for words, and so what a count counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MatchRule {
    /// codeframe's rule: each theme keeps its own matches; overlaps are resolved by
    /// [`OverlapScope`] (longest wins); phrases stay inside a clause.
    #[default]
    Codeframe,
    /// LIWC-22's rule (set by the `.dic` and `.dicx` readers): words are read left to
    /// right; at each word the single best entry of the whole lexicon wins (most words,
    /// then a literal entry before a wildcard, then the longer wildcard, then file order),
    /// counts once in every category that lists it, and its words are consumed. Phrases
    /// match across punctuation. See `docs/dictionaries.md`.
    Liwc,
}

/// Lexicon-wide settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The language of entries and answers: its stemmer, default negators and clause
    /// words, elided articles (see [`Language`](crate::text::Language)).
    pub language: crate::text::Language,
    /// Negators looked for before an entry, in words (per theme overridable).
    pub negation_window: u32,
    /// Negators looked for after an entry, in words (0 = off).
    pub negation_after: u32,
    /// Words that negate (normalised); `None` = the language's built-in list.
    pub negators: Option<Vec<String>>,
    /// Extra negators on top of the list.
    pub extra_negators: Vec<String>,
    /// Words that negate only a few words after a negative particle (French `plus`
    /// and `personne` after `ne`); `None` = the language's built-in ones, unless
    /// `negators` replaces the built-in list, which holds them (then none).
    pub particle_negators: Option<Vec<String>>,
    /// Overlap resolution scope.
    pub overlap: OverlapScope,
    /// American spellings match British ones (English only).
    pub spelling_variants: bool,
    /// Accents on Latin letters are folded (`café` matches `cafe`, `encyclopædia`
    /// matches `encyclopaedia`), in entries and answers alike; case-sensitive entries
    /// match as written, accents too.
    pub fold_accents: bool,
    /// How matches compete for words.
    pub match_rule: MatchRule,
    /// Words joined by a hyphen are one word (`ex-partner`), as LIWC and quanteda
    /// tokenise; otherwise they are two (Unicode word boundaries).
    pub hyphenated_words: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            language: crate::text::Language::English,
            negation_window: 3,
            negation_after: 0,
            negators: None,
            extra_negators: Vec::new(),
            particle_negators: None,
            overlap: OverlapScope::Theme,
            spelling_variants: true,
            fold_accents: true,
            match_rule: MatchRule::Codeframe,
            hyphenated_words: false,
        }
    }
}

/// Per-theme matching options.
#[derive(Clone, Debug, PartialEq)]
pub struct ThemeOptions {
    /// Words are matched on their stem (`true`) or their normalised form.
    pub stem: bool,
    /// Words must match as written: case and accents exactly (no stemming then).
    pub case_sensitive: bool,
    /// A negator before an entry vetoes it.
    pub negation: bool,
    /// Override of the lexicon's negation window.
    pub negation_window: Option<u32>,
    /// Override of the lexicon's window for negators after an entry.
    pub negation_after: Option<u32>,
    /// The theme is asserted when the weights of its counted matches add up to at
    /// least this; 0 = any match.
    pub threshold: f64,
}

impl Default for ThemeOptions {
    fn default() -> ThemeOptions {
        ThemeOptions {
            stem: true,
            case_sensitive: false,
            negation: true,
            negation_window: None,
            negation_after: None,
            threshold: 0.0,
        }
    }
}

/// One entry of a theme, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// What it matches.
    pub rule: Rule,
    /// 1-based line in the source file, when known.
    pub line: Option<u64>,
    /// A weight (WordStat `(n)`); 1 unless the source says otherwise. Counts toward
    /// the theme's `threshold`.
    pub weight: f64,
    /// Questions it applies to; empty = wherever its theme applies.
    pub questions: Vec<String>,
}

impl Entry {
    /// An entry with weight 1, no line, every question.
    pub fn new(rule: Rule) -> Entry {
        Entry { rule, line: None, weight: 1.0, questions: Vec::new() }
    }
}

/// Sentences a theme must (or must not) match: the lexicon's own tests.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Examples {
    /// Each must assert the theme.
    pub matching: Vec<String>,
    /// None may assert the theme.
    pub not_matching: Vec<String>,
    /// The line of each of `matching`, then of each of `not_matching`, where the
    /// format says (TOML); empty otherwise.
    pub lines: Vec<u64>,
}

/// A theme (code, category) of the codeframe.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    /// Stable id (`cost_to_victims`).
    pub id: String,
    /// Short label for reports.
    pub label: String,
    /// What the theme means, for coders.
    pub description: String,
    /// Questions it applies to; empty = every open question.
    pub questions: Vec<String>,
    /// Parent theme id: a match here also counts for the parent.
    pub parent: Option<String>,
    /// Line of the `parent` key, when the format says (TOML); else the theme's line
    /// stands for it.
    pub parent_line: Option<u64>,
    /// Line of the `threshold` key, as [`Theme::parent_line`].
    pub threshold_line: Option<u64>,
    /// Matching options.
    pub options: ThemeOptions,
    /// Entries that assert the theme.
    pub entries: Vec<Entry>,
    /// Entries that veto the theme where they match.
    pub exclusions: Vec<Entry>,
    /// Examples the lexicon is tested against.
    pub examples: Examples,
    /// Line of the theme's header, when known.
    pub line: Option<u64>,
    /// The file the theme was read from when that is not the lexicon's own
    /// [`Lexicon::source`] (each word list of a folder); `None` otherwise. Its lines,
    /// and its entries' lines, are lines of this file.
    pub source: Option<PathBuf>,
}

impl Theme {
    /// A theme with defaults and no entries.
    pub fn new(id: impl Into<String>) -> Theme {
        let id = id.into();
        Theme {
            label: id.clone(),
            id,
            description: String::new(),
            questions: Vec::new(),
            parent: None,
            parent_line: None,
            threshold_line: None,
            options: ThemeOptions::default(),
            entries: Vec::new(),
            exclusions: Vec::new(),
            examples: Examples::default(),
            line: None,
            source: None,
        }
    }

    /// Whether the theme applies to `question`.
    pub fn applies_to(&self, question: &str) -> bool {
        self.questions.is_empty() || self.questions.iter().any(|q| q == question)
    }
}

/// Something a reader skipped or changed while loading a lexicon; the load went on.
///
/// Displays as `file:line: message`, ready to print after `warning: `.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// Where (file, and line when known).
    pub location: Location,
    /// What was skipped or changed, and why.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// How the plain (non-wildcard) terms of an imported dictionary match.
///
/// Serialised (by its [`name`](DictionaryTerms::name)) only in a partial run's record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DictionaryTerms {
    /// Each term is a word, matched on its normalised form and never stemmed (what
    /// LIWC, WordStat and quanteda mean).
    #[default]
    Words,
    /// Each term is a Snowball stem (`abus`, `accid`), matching the words that stem to
    /// it, and the word it spells (as [`DictionaryTerms::Words`] would), but never as a
    /// prefix. A term is read into words as an answer is (`israel/palestin` is two, each
    /// a stem). For dictionaries of stems such as Grievance.
    Stems,
}

/// What a LIWC term listed on several lines (or `.dicx` rows) belongs to.
///
/// Serialised (by its [`name`](DuplicateTerms::name)) only in a partial run's record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DuplicateTerms {
    /// The categories of all its lines (what the file says, read generously).
    #[default]
    Union,
    /// The categories of its last line only (what contentcoder and the `liwc` Python
    /// package do, and how `moral-foundations-2.0.dicx` was converted from `mfd2.0.dic`).
    LastLine,
}

impl DictionaryTerms {
    /// The name on the command line and in manifests.
    pub fn name(self) -> &'static str {
        match self {
            DictionaryTerms::Words => "words",
            DictionaryTerms::Stems => "stems",
        }
    }
}

impl DuplicateTerms {
    /// The name on the command line and in manifests.
    pub fn name(self) -> &'static str {
        match self {
            DuplicateTerms::Union => "union",
            DuplicateTerms::LastLine => "last-line",
        }
    }
}

/// Options for reading another tool's dictionary (ignored for codeframe's TOML).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// How plain terms match.
    pub terms: DictionaryTerms,
    /// How a term listed twice is read (`.dic` and `.dicx`).
    pub duplicates: DuplicateTerms,
    /// The language of the dictionary's words: how they and the answers are stemmed
    /// (with [`DictionaryTerms::Stems`]), which articles elide (`l'église`).
    pub language: crate::text::Language,
}

/// A lexicon as read from a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Lexicon {
    /// Name, for reports.
    pub name: String,
    /// Settings.
    pub settings: Settings,
    /// Themes in file order.
    pub themes: Vec<Theme>,
    /// The file it came from (for messages).
    pub source: PathBuf,
    /// What the reader skipped or changed (unparseable lines, LIWC2007 conditional
    /// entries, renamed duplicate categories). Callers should print them.
    pub warnings: Vec<Warning>,
}

/// The format a lexicon is read as: chosen by the file's extension, or word lists
/// for a folder. The same bytes read as another format are another lexicon, so
/// partial runs record it beside the lexicon's SHA-256.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// codeframe's TOML (`.toml` or no extension).
    Toml,
    /// LIWC `.dic`.
    Dic,
    /// LIWC-22 `.dicx`.
    Dicx,
    /// WordStat `.cat`.
    Cat,
    /// quanteda YAML (`.yml`, `.yaml`).
    Yaml,
    /// A plain word list (`.txt`).
    Txt,
    /// A folder of plain word lists, one theme per `.txt` file.
    Folder,
}

impl Format {
    /// The format the lexicon at `path` is read as (a folder is word lists); `None`
    /// for an extension no reader takes.
    pub fn of(path: &Path) -> Option<Format> {
        if path.is_dir() { Some(Format::Folder) } else { file_format(path) }
    }

    /// The format in words, for records and messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Toml => "codeframe TOML",
            Format::Dic => "LIWC .dic",
            Format::Dicx => "LIWC-22 .dicx",
            Format::Cat => "WordStat .cat",
            Format::Yaml => "quanteda YAML",
            Format::Txt => "plain word list .txt",
            Format::Folder => "a folder of word lists",
        }
    }
}

/// The format of a lexicon file by its extension alone.
fn file_format(path: &Path) -> Option<Format> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "toml" | "" => Some(Format::Toml),
        "dic" => Some(Format::Dic),
        "dicx" => Some(Format::Dicx),
        "cat" => Some(Format::Cat),
        "yml" | "yaml" => Some(Format::Yaml),
        "txt" => Some(Format::Txt),
        _ => None,
    }
}

/// The text of the lexicon file at `path`; a file that is not UTF-8 is an error naming
/// the line of its first bad byte (a byte-order mark is left for the caller).
pub(crate) fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, _) = crate::error::line_col(&String::from_utf8_lossy(e.as_bytes()), e.utf8_error().valid_up_to());
        Error::config(Location::file(path).at_line(line), "the file is not UTF-8: save it as UTF-8 and retry")
    })
}

/// Whether `text` (white space around it aside) is one word as answers are read into
/// words: `don't` is, `no longer`, `nae.` and `*` are not.
/// `id` (or a regex) composed (NFC), borrowed when it is already.
pub(crate) fn nfc(id: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    if id.is_ascii() || unicode_normalization::is_nfc(id) { id.into() } else { id.nfc().collect::<String>().into() }
}

fn is_one_word(text: &str) -> bool {
    let text = text.trim();
    let mut words = Vec::new();
    crate::text::tokenise::tokenise(text, &mut words);
    matches!(words.as_slice(), [w] if w.span.start == 0 && w.span.end == text.len())
}

impl Lexicon {
    /// An empty lexicon.
    pub fn new(name: impl Into<String>) -> Lexicon {
        Lexicon {
            name: name.into(),
            settings: Settings::default(),
            themes: Vec::new(),
            source: PathBuf::new(),
            warnings: Vec::new(),
        }
    }

    /// Reads a lexicon from a file, choosing the reader by extension (a folder is
    /// read as plain word lists, one theme per `.txt` file).
    pub fn from_path(path: &Path) -> Result<Lexicon> {
        Lexicon::from_path_with(path, &ImportOptions::default())
    }

    /// [`Lexicon::from_path`] with options for imported dictionaries.
    pub fn from_path_with(path: &Path, options: &ImportOptions) -> Result<Lexicon> {
        if path.is_dir() {
            return plain::read_dir(path, options);
        }
        Lexicon::from_str_with_options(&read_text(path)?, path, options)
    }

    /// Parses lexicon text; `path` names the source in messages and picks the format.
    pub fn from_str_with_path(text: &str, path: &Path) -> Result<Lexicon> {
        Lexicon::from_str_with_options(text, path, &ImportOptions::default())
    }

    /// [`Lexicon::from_str_with_path`] with options for imported dictionaries.
    ///
    /// By extension: `.toml` (or none) codeframe's format, `.dic` LIWC, `.dicx` LIWC-22,
    /// `.cat` WordStat, `.yml`/`.yaml` quanteda, `.txt` a plain word list.
    pub fn from_str_with_options(text: &str, path: &Path, options: &ImportOptions) -> Result<Lexicon> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        match file_format(path) {
            // A file with no extension is read as TOML: its errors say so, since it may
            // be a dictionary in another format saved without one.
            Some(Format::Toml) if ext.is_empty() => toml::parse(text, path).map_err(|e| match e {
                Error::Config { location, message } => Error::Config {
                    location,
                    message: format!(
                        "{message} (read as codeframe TOML, since the file has no extension: a dictionary in \
                         another format needs its own, .dic, .dicx, .cat, .yml or .txt)"
                    ),
                },
                e => e,
            }),
            Some(Format::Toml) => toml::parse(text, path),
            Some(Format::Dic) => dic::parse(text, path, options),
            Some(Format::Dicx) => dicx::parse(text, path, options),
            Some(Format::Cat) => cat::parse(text, path, options),
            Some(Format::Yaml) => yaml::parse(text, path, options),
            Some(Format::Txt) => plain::parse(text, path, options),
            Some(Format::Folder) | None => Err(Error::config(
                Location::file(path),
                format!(
                    "unknown lexicon format `.{ext}` (expected .toml, .dic, .dicx, .cat, .yml, .yaml, .txt or a folder)"
                ),
            )),
        }
    }

    /// The theme with `id`.
    pub fn theme(&self, id: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.id == id)
    }

    /// Checks the structure: unique ids, known parents, no cycles. Every mistake found
    /// is in the error, not only the first.
    pub fn validate(&self) -> Result<()> {
        Error::all(self.structure_errors())
    }

    /// [`Lexicon::validate`]'s mistakes, one error each, for a reader to list with its own.
    pub(crate) fn structure_errors(&self) -> Vec<Error> {
        let loc = |line: Option<u64>| self.location(line);
        // A negator is compared with one word of an answer: `no longer`, `nae.` or `*`
        // would never match, and were ignored without a word.
        let s = &self.settings;
        let mut negators =
            s.negators.iter().flatten().chain(&s.extra_negators).chain(s.particle_negators.iter().flatten());
        if let Some(n) = negators.find(|n| !is_one_word(n)) {
            return vec![Error::config(
                loc(None),
                format!(
                    "negator {n:?} is not one word: negators are single words (`no`, `never`, `don't`), compared with each word before a match"
                ),
            )];
        }
        // Each id to its first theme, as `theme` finds it; and composed (NFC), for ids
        // that look alike but are written with other code points (`café` with `é` or
        // with `e` and a combining accent, as a Mac writes it).
        let mut index: FxHashMap<&str, usize> = FxHashMap::default();
        let mut composed: FxHashMap<std::borrow::Cow<str>, usize> = FxHashMap::default();
        for (i, t) in self.themes.iter().enumerate() {
            index.entry(t.id.as_str()).or_insert(i);
            composed.entry(nfc(&t.id)).or_insert(i);
        }
        const OTHER_CODE_POINTS: &str = "written with other code points (an accented letter as one character in one, \
             as a letter and a combining accent in the other): write them alike";
        let mut errors = Vec::new();
        for (i, t) in self.themes.iter().enumerate() {
            if t.id.trim().is_empty() {
                errors.push(Error::config(loc(t.line), "a theme has an empty id"));
                continue;
            }
            if t.id.chars().any(char::is_control) {
                errors.push(Error::config(
                    loc(t.line),
                    format!(
                        "theme id {:?} holds a line break or another control character: ids are written in CSV, Markdown and JSON",
                        t.id
                    ),
                ));
                continue;
            }
            if !t.options.threshold.is_finite() {
                errors.push(Error::config(
                    loc(t.threshold_line.or(t.line)),
                    format!("theme `{}`: threshold {} is not a finite number", t.id, t.options.threshold),
                ));
                continue;
            }
            // A threshold at or below 0 means any match (coding), so a negative one says
            // nothing a 0 does not: most likely a slip for a positive one.
            if t.options.threshold < 0.0 {
                errors.push(Error::config(
                    loc(t.threshold_line.or(t.line)),
                    format!(
                        "theme `{}`: threshold {} is negative: it is the weight a theme's matches must add up to, \
                         and 0 (the default) already means any match: give a positive one, or leave it out",
                        t.id, t.options.threshold
                    ),
                ));
                continue;
            }
            if let Some(e) = t.entries.iter().chain(&t.exclusions).find(|e| !e.weight.is_finite()) {
                errors.push(Error::config(
                    loc(e.line.or(t.line)),
                    format!("theme `{}`: an entry's weight {} is not a finite number", t.id, e.weight),
                ));
                continue;
            }
            if let Some(&first) = index.get(t.id.as_str()).filter(|&&first| first != i) {
                let at = self.themes[first].line.map(|l| format!(" (first at line {l})")).unwrap_or_default();
                errors.push(Error::config(loc(t.line), format!("duplicate theme id `{}`{at}", t.id)));
            } else if let Some(&first) = composed.get(&nfc(&t.id)).filter(|&&first| first < i) {
                let at = self.themes[first].line.map(|l| format!(" (line {l})")).unwrap_or_default();
                errors.push(Error::config(
                    loc(t.line),
                    format!("theme id `{}` is the id of an earlier theme{at}, {OTHER_CODE_POINTS}", t.id),
                ));
            }
        }
        // Each theme's parent chain is walked once, up to the first theme walked before:
        // walking every chain to its top, with a scan of the themes per step, was cubic
        // in the depth (34 s for a chain 2,000 deep).
        #[derive(Clone, Copy, PartialEq)]
        enum Walk {
            Not,
            Now,
            Done,
        }
        let mut walk = vec![Walk::Not; self.themes.len()];
        let mut path = Vec::new();
        for start in 0..self.themes.len() {
            let mut i = start;
            let loops_at = loop {
                match walk[i] {
                    Walk::Done => break None,
                    Walk::Now => break path.iter().position(|&j| j == i),
                    Walk::Not => {}
                }
                walk[i] = Walk::Now;
                path.push(i);
                let Some(p) = self.themes[i].parent.as_deref() else { break None };
                let Some(&pi) = index.get(p) else {
                    let t = &self.themes[i];
                    let alike = composed.get(&nfc(p)).map(|&j| {
                        let at = self.themes[j].line.map(|l| format!(" (line {l})")).unwrap_or_default();
                        format!(": theme `{}`{at} is {OTHER_CODE_POINTS}", self.themes[j].id)
                    });
                    errors.push(Error::config(
                        loc(t.parent_line.or(t.line)),
                        format!("theme `{}` has unknown parent `{p}`{}", t.id, alike.unwrap_or_default()),
                    ));
                    break None;
                };
                i = pi;
            };
            if let Some(at) = loops_at {
                errors.push(self.cycle_error(&path[at..]));
            }
            for j in path.drain(..) {
                walk[j] = Walk::Done;
            }
        }
        errors
    }

    /// The error for the themes of a parent cycle (`cycle[k]`'s parent is
    /// `cycle[k + 1]`, the last's the first), at the `parent` line of the one written
    /// first.
    fn cycle_error(&self, cycle: &[usize]) -> Error {
        let first = (0..cycle.len()).min_by_key(|&k| cycle[k]).unwrap_or(0);
        let ids: Vec<String> =
            cycle[first..].iter().chain(&cycle[..first]).map(|&j| format!("`{}`", self.themes[j].id)).collect();
        let t = &self.themes[cycle[first]];
        // A long cycle is named by its ends: the lines say the rest.
        let shown = if ids.len() > 6 {
            format!("{} -> ... ({} more) -> {}", ids[..3].join(" -> "), ids.len() - 4, ids[ids.len() - 1])
        } else {
            ids.join(" -> ")
        };
        Error::config(
            self.location(t.parent_line.or(t.line)),
            format!("theme `{}`: parent chain loops: {shown} -> `{}`", t.id, t.id),
        )
    }

    /// Checks that every question a theme or an entry names is one of `questions`,
    /// and that an entry names only questions its theme applies to (elsewhere it could
    /// never match). Every mistake is in the error, not only the first.
    pub fn check_questions(&self, questions: &[&str]) -> Result<()> {
        let mut errors = self.unknown_questions(questions);
        errors.extend(self.entries_out_of_scope());
        Error::all(errors)
    }

    /// An error for every question a theme or an entry names that is not one of
    /// `questions` (the survey's open questions).
    pub fn unknown_questions(&self, questions: &[&str]) -> Vec<Error> {
        let mut errors = Vec::new();
        let known = questions.join(", ");
        for t in &self.themes {
            for q in t.questions.iter().filter(|q| !questions.contains(&q.as_str())) {
                errors.push(Error::config(
                    self.location(t.line),
                    format!("theme `{}` applies to question `{q}`, which the survey does not have (open questions: {known})", t.id),
                ));
            }
            for e in t.entries.iter().chain(&t.exclusions) {
                for q in e.questions.iter().filter(|q| !questions.contains(&q.as_str())) {
                    errors.push(Error::config(
                        self.location(e.line.or(t.line)),
                        format!(
                            "entry `{}` of theme `{}` applies to question `{q}`, which the survey does not have (open questions: {known})",
                            e.rule, t.id
                        ),
                    ));
                }
            }
        }
        errors
    }

    /// An error for every question an entry names that its theme does not apply to:
    /// the entry could never count there. Needs no survey.
    pub fn entries_out_of_scope(&self) -> Vec<Error> {
        let mut errors = Vec::new();
        for t in &self.themes {
            for e in t.entries.iter().chain(&t.exclusions) {
                for q in e.questions.iter().filter(|q| !t.applies_to(q)) {
                    errors.push(Error::config(
                        self.location(e.line.or(t.line)),
                        format!(
                            "entry `{}` of theme `{}` applies to question `{q}`, but the theme applies only to {}: the entry could never count",
                            e.rule,
                            t.id,
                            t.questions.iter().map(|q| format!("`{q}`")).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
            }
        }
        errors
    }

    /// The lexicon's file, at `line` when known.
    fn location(&self, line: Option<u64>) -> Location {
        let l = Location::file(&self.source);
        match line {
            Some(n) => l.at_line(n),
            None => l,
        }
    }
}
