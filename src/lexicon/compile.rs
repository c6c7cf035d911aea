//! Compiling a [`Lexicon`] into the structure the matcher runs: a [`CompiledLexicon`].
//!
//! Every position of every entry becomes a *pattern* (a stem, an exact form, a
//! case-sensitive form or a glob), deduplicated across the lexicon. Patterns are found
//! per distinct word (hash lookups, plus a prefix table for globs), so the cost per
//! token does not grow with the lexicon. Sequences of patterns (words and phrases)
//! live in one trie keyed by pattern ids; each trie terminal is a *term*, and each
//! term lists the entries that use it and how.

use rustc_hash::FxHashMap;

use super::{Entry, Lexicon, MatchRule, OverlapScope, Rule, Term, TermToken, ThemeOptions};
use crate::error::{Error, Location, Result};
use crate::text::{Analyzer, AnalyzerOptions, normalise};

/// Index of a theme in [`CompiledLexicon::themes`].
pub type ThemeIdx = u32;
/// Index of an entry in [`CompiledLexicon::entries`].
pub type EntryIdx = u32;
/// Index of a pattern (one matchable word form).
pub type PatternId = u32;
/// Index of a term (a sequence of patterns) in the trie.
pub type TermIdx = u32;

/// Size limit for one compiled regular expression (bytes of program).
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// How a pattern compares with a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PatternKind {
    /// The word's stem equals the text.
    Stem,
    /// The word's normalised form equals the text.
    Exact,
    /// The word's stem, or its normalised form, equals the text: a stem a dictionary
    /// gives ([`TermToken::Stem`]), which matches the word it spells too (`u.s`, though
    /// the word "U.S" stems to `u.`), so a term read as a stem matches all it matches
    /// read as a word.
    StemOrExact,
    /// The word as written equals the text.
    Cased,
    /// The normalised form (or another spelling of it) matches the glob.
    Glob,
    /// The word as written matches the glob.
    CasedGlob,
}

/// One matchable word form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pattern {
    /// How it compares.
    pub kind: PatternKind,
    /// The stem, form or glob.
    pub text: Box<str>,
}

/// What an entry does when its terms match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A word, glob or phrase.
    Term,
    /// Two operands within `window` words (`ordered`: left first).
    Near {
        /// Words apart.
        window: u32,
        /// Left operand first.
        ordered: bool,
    },
    /// The left operand, unless the right one is within `window` words.
    NotNear {
        /// Words apart.
        window: u32,
    },
    /// Both operands in one sentence.
    Sentence,
    /// A regular expression.
    Regex,
}

/// How an entry ranks when [`MatchRule::Liwc`] picks one entry per word, after the
/// number of words it covers: a literal term before a wildcard, then the wildcard
/// with the longer pattern, and wildcards that start with `*` last (contentcoder's
/// order). Smaller is better.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Precedence {
    /// The term holds a wildcard.
    pub wildcard: bool,
    /// Its first word starts with `*`.
    pub leading_star: bool,
    /// Characters of the term as written, negated so that longer ranks first.
    pub longer_first: std::cmp::Reverse<u32>,
}

impl Precedence {
    /// The precedence of `rule` (rules other than terms rank as literal terms).
    pub fn of(rule: &Rule) -> Precedence {
        let Rule::Term(term) = rule else { return Precedence::default() };
        let words: Vec<&str> = term.tokens.iter().map(TermToken::text).collect();
        let chars = words.iter().map(|w| w.chars().count()).sum::<usize>() + words.len().saturating_sub(1);
        Precedence {
            wildcard: term.tokens.iter().any(|t| matches!(t, TermToken::Glob(_))),
            leading_star: matches!(term.tokens.first(), Some(TermToken::Glob(g)) if g.starts_with('*')),
            longer_first: std::cmp::Reverse(u32::try_from(chars).unwrap_or(u32::MAX)),
        }
    }
}

/// An entry ready for matching.
#[derive(Clone, Debug)]
pub struct CompiledEntry {
    /// Its theme.
    pub theme: ThemeIdx,
    /// What it matches.
    pub kind: EntryKind,
    /// An exclusion: its matches veto the theme's matches they overlap.
    pub exclusion: bool,
    /// Questions it applies to (empty = wherever its theme applies).
    pub questions: Vec<String>,
    /// As written in the lexicon (for evidence).
    pub text: String,
    /// Source line, when known.
    pub line: Option<u64>,
    /// Weight (1 unless the source set one).
    pub weight: f64,
    /// Rank among entries matching the same words ([`MatchRule::Liwc`]).
    pub precedence: Precedence,
}

/// A theme ready for coding.
#[derive(Clone, Debug)]
pub struct CompiledTheme {
    /// Stable id.
    pub id: String,
    /// Label for reports.
    pub label: String,
    /// Description.
    pub description: String,
    /// Questions it applies to (empty = all).
    pub questions: Vec<String>,
    /// Parent, if any.
    pub parent: Option<ThemeIdx>,
    /// All ancestors, nearest first.
    pub ancestors: Vec<ThemeIdx>,
    /// Matching options.
    pub options: ThemeOptions,
    /// Negation window before an entry (resolved from the lexicon default).
    pub negation_window: u32,
    /// Negation window after an entry (resolved; 0 = off).
    pub negation_after: u32,
    /// The file it was read from when that is not the lexicon's ([`Theme::source`](crate::lexicon::Theme::source)).
    pub source: Option<std::path::PathBuf>,
}

/// What counts in one question: themes, and entries when some are scoped to questions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applies {
    /// Per theme index.
    pub themes: Vec<bool>,
    /// Per entry index; `None` when no entry is scoped (all apply).
    pub entries: Option<Vec<bool>>,
}

impl Applies {
    /// Whether `entry` of `theme` counts.
    #[inline]
    pub fn entry(&self, theme: ThemeIdx, entry: EntryIdx) -> bool {
        self.themes[theme as usize] && self.entries.as_ref().is_none_or(|e| e[entry as usize])
    }
}

/// How a term is used by an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The term is the whole of an asserting entry.
    Whole,
    /// The term is the whole of an exclusion entry (it vetoes rather than asserts).
    Exclusion,
    /// The term is (an alternative of) a rule's first operand.
    Left,
    /// The term is (an alternative of) a rule's second operand.
    Right,
}

/// A use of a term by an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Use {
    /// The entry.
    pub entry: EntryIdx,
    /// The entry's theme (so a hit has it without a read of the entry).
    pub theme: ThemeIdx,
    /// How it uses the term.
    pub role: Role,
}

/// A term's patterns, each stem with its word's stem typed without accents where that
/// differs.
type Analysed = Vec<(Pattern, Option<Box<str>>)>;

#[derive(Clone, Debug)]
struct Glob {
    id: PatternId,
    chars: Vec<char>,
}

/// A lexicon compiled for matching. `Send + Sync`: share one across threads.
#[derive(Debug)]
pub struct CompiledLexicon {
    analyzer: Analyzer,
    name: String,
    /// Themes, in lexicon order.
    pub themes: Vec<CompiledTheme>,
    /// Entries, grouped by theme in lexicon order.
    pub entries: Vec<CompiledEntry>,
    patterns: Vec<Pattern>,
    pattern_ids: FxHashMap<Pattern, PatternId>,
    stems: FxHashMap<Box<str>, Vec<PatternId>>,
    exact: FxHashMap<Box<str>, Vec<PatternId>>,
    cased: FxHashMap<Box<str>, Vec<PatternId>>,
    prefix_globs: FxHashMap<Box<str>, Vec<Glob>>,
    cased_prefix_globs: FxHashMap<Box<str>, Vec<Glob>>,
    leading_globs: Vec<Glob>,
    cased_leading_globs: Vec<Glob>,
    max_glob_prefix: usize,
    edges: FxHashMap<(u32, PatternId), u32>,
    terminal: Vec<Option<TermIdx>>,
    /// The root's child for each pattern (`u32::MAX`: none): the first step of every
    /// walk, an array load instead of a hash lookup.
    root_children: Vec<u32>,
    /// Nodes with no child: a walk stops there without looking at the next token.
    leaf: Vec<bool>,
    /// Per pattern: whether it labels a step past the root (a phrase's second word or
    /// later), so a word with none of these can end no walk's step.
    continues: Vec<bool>,
    /// Entries using each term while compiling; then flattened into `uses`.
    term_uses: Vec<Vec<Use>>,
    /// Per term, its range in `uses`: one allocation, so a hit reads one place.
    use_spans: Vec<(u32, u32)>,
    uses: Vec<Use>,
    term_len: Vec<u32>,
    regexes: Vec<(EntryIdx, regex::Regex)>,
    /// All regexes at once: one pass tells which of them can match an answer.
    regex_set: Option<regex::RegexSet>,
    overlap: OverlapScope,
    rule_exclusions: bool,
    /// Whether some theme has a parent (coding rolls codes up only then).
    nested: bool,
    match_rule: MatchRule,
}

/// Checks that a regular expression compiles within the size limits.
pub fn check_regex(pattern: &str) -> std::result::Result<(), String> {
    build_regex(pattern).map(|_| ())
}

/// The regex, composed (NFC): the words it runs over are (normalising them applies
/// NFKC), so one typed decomposed (`de\u{301}pute\u{301}`, as a Mac may write it)
/// matches as typed composed.
fn build_regex(pattern: &str) -> std::result::Result<regex::Regex, String> {
    regex::RegexBuilder::new(&super::nfc(pattern))
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string().lines().last().unwrap_or("invalid regex").trim().to_string())
}

impl CompiledLexicon {
    /// Compiles `lexicon`. Fails on entries that analyse to no words.
    pub fn new(lexicon: &Lexicon) -> Result<CompiledLexicon> {
        lexicon.validate()?;
        let s = &lexicon.settings;
        let defaults = AnalyzerOptions::for_language(s.language);
        let mut negators: Vec<String> = s.negators.clone().unwrap_or_else(|| defaults.negators.clone());
        negators.extend(s.extra_negators.iter().cloned());
        // `n't` in a list given instead of the built-in one stands for every word
        // ending in it, as in the built-in English list.
        let contraction = |n: &String| matches!(n.trim(), "n't" | "n\u{2019}t");
        let contractions_negate =
            (s.negators.is_none() && defaults.contractions_negate) || negators.iter().any(contraction);
        // The particle negators are part of the built-in negators: a list given instead
        // of it drops them, unless `particle_negators` names them again.
        let particle_negators = match (&s.particle_negators, &s.negators) {
            (Some(list), _) => list.clone(),
            (None, Some(_)) => Vec::new(),
            (None, None) => defaults.particle_negators.clone(),
        };
        let options = AnalyzerOptions {
            particle_negators,
            spelling_variants: s.spelling_variants && s.language.has_spelling_variants(),
            fold_accents: s.fold_accents,
            hyphenated_words: s.hyphenated_words,
            contractions_negate,
            ..defaults
        };
        // The lists are compared with a word's norm, so they are normalised as the
        // words are (`jamás` stays apart from `jamas` without folding; `néanmoins`
        // meets `neanmoins` with it).
        let words = Analyzer::with_options(AnalyzerOptions {
            negators: Vec::new(),
            clause_words: Vec::new(),
            pseudo_negation: Vec::new(),
            particle_negators: Vec::new(),
            postpositive_negators: Vec::new(),
            ..options.clone()
        });
        let norms = |list: &[String]| list.iter().map(|n| words.norm(n.trim())).collect::<Vec<_>>();
        let negators = negators.iter().filter(|n| !contraction(n)).map(|n| words.norm(n.trim())).collect();
        let options = AnalyzerOptions {
            clause_words: norms(&options.clause_words),
            pseudo_negation: norms(&options.pseudo_negation),
            particle_negators: norms(&options.particle_negators),
            postpositive_negators: norms(&options.postpositive_negators),
            ..options
        };
        let analyzer = Analyzer::with_options(AnalyzerOptions { negators, ..options });
        let mut c = CompiledLexicon {
            analyzer,
            name: lexicon.name.clone(),
            themes: Vec::new(),
            entries: Vec::new(),
            patterns: Vec::new(),
            pattern_ids: FxHashMap::default(),
            stems: FxHashMap::default(),
            exact: FxHashMap::default(),
            cased: FxHashMap::default(),
            prefix_globs: FxHashMap::default(),
            cased_prefix_globs: FxHashMap::default(),
            leading_globs: Vec::new(),
            cased_leading_globs: Vec::new(),
            max_glob_prefix: 0,
            edges: FxHashMap::default(),
            terminal: vec![None],
            root_children: Vec::new(),
            leaf: Vec::new(),
            continues: Vec::new(),
            term_uses: Vec::new(),
            use_spans: Vec::new(),
            uses: Vec::new(),
            term_len: Vec::new(),
            regexes: Vec::new(),
            regex_set: None,
            overlap: s.overlap,
            rule_exclusions: false,
            nested: lexicon.themes.iter().any(|t| t.parent.is_some()),
            match_rule: s.match_rule,
        };
        for t in &lexicon.themes {
            c.themes.push(CompiledTheme {
                id: t.id.clone(),
                label: t.label.clone(),
                description: t.description.clone(),
                questions: t.questions.clone(),
                parent: None,
                ancestors: Vec::new(),
                options: t.options.clone(),
                negation_window: t.options.negation_window.unwrap_or(s.negation_window),
                negation_after: t.options.negation_after.unwrap_or(s.negation_after),
                source: t.source.clone(),
            });
        }
        let index: FxHashMap<&str, ThemeIdx> =
            lexicon.themes.iter().enumerate().map(|(i, t)| (t.id.as_str(), i as ThemeIdx)).collect();
        for (i, t) in lexicon.themes.iter().enumerate() {
            c.themes[i].parent = t.parent.as_deref().map(|p| index[p]);
        }
        for i in 0..c.themes.len() {
            let mut p = c.themes[i].parent;
            while let Some(pi) = p {
                c.themes[i].ancestors.push(pi);
                p = c.themes[pi as usize].parent;
            }
        }
        // Every entry's mistake, not only the first: one `lexicon check` names them all.
        let mut errors = Vec::new();
        for (ti, t) in lexicon.themes.iter().enumerate() {
            for e in &t.entries {
                errors.extend(c.add_entry(lexicon, ti as ThemeIdx, e, false).err());
            }
            for e in &t.exclusions {
                errors.extend(c.add_entry(lexicon, ti as ThemeIdx, e, true).err());
            }
        }
        Error::all(errors)?;
        c.rule_exclusions = c.entries.iter().any(|e| e.exclusion && e.kind != EntryKind::Term);
        for u in std::mem::take(&mut c.term_uses) {
            c.use_spans.push((c.uses.len() as u32, u.len() as u32));
            c.uses.extend(u);
        }
        c.root_children = vec![u32::MAX; c.patterns.len()];
        c.leaf = vec![true; c.terminal.len()];
        c.continues = vec![false; c.patterns.len()];
        for (&(from, pattern), &to) in &c.edges {
            c.leaf[from as usize] = false;
            if from == 0 {
                c.root_children[pattern as usize] = to;
            } else {
                c.continues[pattern as usize] = true;
            }
        }
        if !c.regexes.is_empty() {
            // Each regex compiled alone within the limits; the set is only a prefilter,
            // so if it is too big to build, every regex simply runs.
            c.regex_set = regex::RegexSetBuilder::new(c.regexes.iter().map(|(_, r)| r.as_str()))
                .size_limit(REGEX_SIZE_LIMIT * 8)
                .dfa_size_limit(REGEX_SIZE_LIMIT * 8)
                .build()
                .ok();
        }
        Ok(c)
    }

    /// The analyser answers must go through to match this lexicon.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// Whether any entry matches words by stem (else a word's stem is never looked up).
    pub fn matches_stems(&self) -> bool {
        !self.stems.is_empty()
    }

    /// The lexicon's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Overlap resolution scope.
    pub fn overlap(&self) -> OverlapScope {
        self.overlap
    }

    /// How matches compete for words.
    pub fn match_rule(&self) -> MatchRule {
        self.match_rule
    }

    /// Index of the theme with `id`.
    pub fn theme_index(&self, id: &str) -> Option<ThemeIdx> {
        self.themes.iter().position(|t| t.id == id).map(|i| i as ThemeIdx)
    }

    /// Number of distinct patterns (word forms) the lexicon matches.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Number of distinct terms (words and phrases).
    pub fn term_count(&self) -> usize {
        self.use_spans.len()
    }

    /// A pattern by id.
    pub fn pattern(&self, id: PatternId) -> &Pattern {
        &self.patterns[id as usize]
    }

    /// Whether some theme has a parent.
    #[inline]
    pub fn is_nested(&self) -> bool {
        self.nested
    }

    /// Whether some exclusion is a rule or a regex (not a plain word or phrase).
    #[inline]
    pub fn has_rule_exclusions(&self) -> bool {
        self.rule_exclusions
    }

    /// The regular-expression entries.
    pub fn regexes(&self) -> &[(EntryIdx, regex::Regex)] {
        &self.regexes
    }

    /// Indices (into [`CompiledLexicon::regexes`]) of the regexes that match `text`.
    pub fn regexes_matching(&self, text: &str) -> Vec<usize> {
        match &self.regex_set {
            Some(set) => set.matches(text).into_iter().collect(),
            None => (0..self.regexes.len()).collect(),
        }
    }

    /// Which themes (and entries) count in `question`; `None` = every theme and entry.
    pub fn applies(&self, question: Option<&str>) -> Applies {
        let Some(question) = question else {
            return Applies { themes: vec![true; self.themes.len()], entries: None };
        };
        let themes =
            self.themes.iter().map(|t| t.questions.is_empty() || t.questions.iter().any(|q| q == question)).collect();
        let entries = self.entries.iter().any(|e| !e.questions.is_empty()).then(|| {
            self.entries.iter().map(|e| e.questions.is_empty() || e.questions.iter().any(|q| q == question)).collect()
        });
        Applies { themes, entries }
    }

    /// Whether theme `x` is `theme` or one of its subthemes (its codes roll up to it).
    pub fn is_within(&self, x: ThemeIdx, theme: ThemeIdx) -> bool {
        x == theme || self.themes[x as usize].ancestors.contains(&theme)
    }

    /// Which themes apply to `question` (indexed by [`ThemeIdx`]).
    pub fn themes_for(&self, question: &str) -> Vec<bool> {
        self.applies(Some(question)).themes
    }

    fn add_entry(&mut self, lexicon: &Lexicon, theme: ThemeIdx, e: &Entry, exclusion: bool) -> Result<()> {
        let opts = lexicon.themes[theme as usize].options.clone();
        let id = self.entries.len() as EntryIdx;
        let fail = |msg: String| {
            let mut loc = Location::file(&lexicon.source);
            if let Some(l) = e.line {
                loc = loc.at_line(l);
            }
            Error::config(loc, format!("theme `{}`: entry `{}`: {msg}", lexicon.themes[theme as usize].id, e.rule))
        };
        let kind = match &e.rule {
            Rule::Term(_) => EntryKind::Term,
            Rule::Near { window, ordered, .. } => EntryKind::Near { window: *window, ordered: *ordered },
            Rule::NotNear { window, .. } => EntryKind::NotNear { window: *window },
            Rule::Sentence { .. } => EntryKind::Sentence,
            Rule::Regex(_) => EntryKind::Regex,
        };
        self.entries.push(CompiledEntry {
            theme,
            kind,
            exclusion,
            questions: e.questions.clone(),
            text: e.rule.to_string(),
            line: e.line,
            weight: e.weight,
            precedence: Precedence::of(&e.rule),
        });
        // Exclusions name exact wordings: their words are not stemmed (a `*` still globs).
        let mut opts = opts;
        if exclusion {
            opts.stem = false;
        }
        let register = |c: &mut CompiledLexicon, term: &Term, role: Role| -> Result<()> {
            let seq = c.term_patterns(term, &opts).map_err(&fail)?;
            let t = c.insert_term(&seq);
            c.term_uses[t as usize].push(Use { entry: id, theme, role });
            Ok(())
        };
        match &e.rule {
            Rule::Term(t) => register(self, t, if exclusion { Role::Exclusion } else { Role::Whole })?,
            Rule::Near { left, right, .. } | Rule::Sentence { left, right } => {
                for t in left {
                    register(self, t, Role::Left)?;
                }
                for t in right {
                    register(self, t, Role::Right)?;
                }
            }
            Rule::NotNear { term, other, .. } => {
                for t in term {
                    register(self, t, Role::Left)?;
                }
                for t in other {
                    register(self, t, Role::Right)?;
                }
            }
            Rule::Regex(r) => {
                let re = build_regex(r).map_err(fail)?;
                self.regexes.push((id, re));
            }
        }
        Ok(())
    }

    /// The pattern sequence for a term under a theme's options, interned.
    fn term_patterns(&mut self, term: &Term, opts: &ThemeOptions) -> std::result::Result<Vec<PatternId>, String> {
        let analysed = self.analysed_patterns(term, opts)?;
        let mut seq = Vec::with_capacity(analysed.len());
        for (p, bare) in analysed {
            let id = self.intern(p);
            // Typed without its accents, the word stems otherwise (`securite`): it
            // matches that stem too.
            if let Some(bare) = bare {
                let ids = self.stems.entry(bare).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            seq.push(id);
        }
        Ok(seq)
    }

    /// The patterns `term` is matched by under a theme's `options`, one per word, as
    /// compiling makes them (an exclusion's words are not stemmed: give its theme's
    /// options with `stem` off), without adding them to the lexicon. For lints that
    /// compare entries by what they match rather than by how they are written.
    pub fn patterns_of(&self, term: &Term, options: &ThemeOptions) -> std::result::Result<Vec<Pattern>, String> {
        Ok(self.analysed_patterns(term, options)?.into_iter().map(|(p, _)| p).collect())
    }

    /// [`CompiledLexicon::patterns_of`], each stem with the stem its word has when typed
    /// without accents, where that differs ([`Analyzer::unaccented_stem`]).
    fn analysed_patterns(&self, term: &Term, opts: &ThemeOptions) -> std::result::Result<Analysed, String> {
        let mut seq = Vec::new();
        for tok in &term.tokens {
            match tok {
                TermToken::Word(w) => {
                    let words = self.analyzer.analyze(w);
                    if words.is_empty() {
                        return Err(format!("`{w}` holds no word"));
                    }
                    for aw in words {
                        if opts.case_sensitive {
                            let p =
                                Pattern { kind: PatternKind::Cased, text: self.analyzer.cased_form(&aw.raw).into() };
                            seq.push((p, None));
                        } else if opts.stem {
                            let bare = self.analyzer.unaccented_stem(&aw.term.norm, &aw.term.stem);
                            seq.push((Pattern { kind: PatternKind::Stem, text: aw.term.stem }, bare));
                        } else {
                            seq.push((Pattern { kind: PatternKind::Exact, text: aw.term.norm }, None));
                        }
                    }
                }
                TermToken::Exact(w) => {
                    let words = self.analyzer.analyze(w);
                    if words.is_empty() {
                        return Err(format!("`={w}` holds no word"));
                    }
                    // Exact means not stemmed; a case-sensitive theme also keeps the case.
                    for aw in words {
                        let p = if opts.case_sensitive {
                            Pattern { kind: PatternKind::Cased, text: self.analyzer.cased_form(&aw.raw).into() }
                        } else {
                            Pattern { kind: PatternKind::Exact, text: aw.term.norm }
                        };
                        seq.push((p, None));
                    }
                }
                TermToken::Stem(s) => {
                    // Read into words as an exact word is (`u.s.` is `u.s`, `israel/palestin`
                    // two words), and each matches as a stem or as the word: a dictionary
                    // read as stems matches all it matches read as words.
                    let words = self.analyzer.analyze(s);
                    if words.is_empty() {
                        return Err(format!("stem `{s}` holds no word"));
                    }
                    for aw in words {
                        seq.push((Pattern { kind: PatternKind::StemOrExact, text: aw.term.norm }, None));
                    }
                }
                TermToken::Glob(g) => seq.push((self.glob_pattern(g, opts.case_sensitive), None)),
            }
        }
        Ok(seq)
    }

    /// The pattern the glob `glob` compiles to: as written in a case-sensitive theme
    /// (apostrophes unified, an elided article dropped), otherwise normalised as words
    /// are (`L'Égl*` is `egl*` in French, `*STRAẞE` is `*strasse`).
    pub fn glob_pattern(&self, glob: &str, case_sensitive: bool) -> Pattern {
        if case_sensitive {
            return Pattern { kind: PatternKind::CasedGlob, text: self.analyzer.cased_form(glob).into() };
        }
        // Folded as the words are, so `naïv*` and `naiv*` match `naïvety`.
        let mut out = String::new();
        normalise::normalise_chars(glob, false, &mut out);
        // A word's elided article is dropped (`l'égl*` is `égl*`), and the word
        // respelled (`gebuehr*` is `gebühr*`), as answers' words are.
        let language = self.analyzer.options().language;
        language.elide(&mut out);
        language.respell(&mut out);
        if self.analyzer.options().fold_accents {
            out = normalise::fold_accents(&out).into_owned();
        }
        Pattern { kind: PatternKind::Glob, text: out.into() }
    }

    fn intern(&mut self, p: Pattern) -> PatternId {
        if let Some(&id) = self.pattern_ids.get(&p) {
            return id;
        }
        let id = self.patterns.len() as PatternId;
        match p.kind {
            PatternKind::Stem => self.stems.entry(p.text.clone()).or_default().push(id),
            PatternKind::Exact => self.exact.entry(p.text.clone()).or_default().push(id),
            PatternKind::StemOrExact => {
                self.stems.entry(p.text.clone()).or_default().push(id);
                self.exact.entry(p.text.clone()).or_default().push(id);
            }
            PatternKind::Cased => self.cased.entry(p.text.clone()).or_default().push(id),
            PatternKind::Glob | PatternKind::CasedGlob => {
                let chars: Vec<char> = p.text.chars().collect();
                let prefix: String = chars.iter().take_while(|c| **c != '*' && **c != '?').collect();
                let glob = Glob { id, chars };
                let cased = p.kind == PatternKind::CasedGlob;
                if prefix.is_empty() {
                    if cased { &mut self.cased_leading_globs } else { &mut self.leading_globs }.push(glob);
                } else {
                    self.max_glob_prefix = self.max_glob_prefix.max(prefix.len());
                    if cased { &mut self.cased_prefix_globs } else { &mut self.prefix_globs }
                        .entry(prefix.into())
                        .or_default()
                        .push(glob);
                }
            }
        }
        self.pattern_ids.insert(p.clone(), id);
        self.patterns.push(p);
        id
    }

    fn insert_term(&mut self, seq: &[PatternId]) -> TermIdx {
        let mut node = 0u32;
        for &p in seq {
            node = match self.edges.get(&(node, p)) {
                Some(&n) => n,
                None => {
                    let n = self.terminal.len() as u32;
                    self.terminal.push(None);
                    self.edges.insert((node, p), n);
                    n
                }
            };
        }
        match self.terminal[node as usize] {
            Some(t) => t,
            None => {
                let t = self.term_uses.len() as TermIdx;
                self.term_uses.push(Vec::new());
                self.term_len.push(seq.len() as u32);
                self.terminal[node as usize] = Some(t);
                t
            }
        }
    }

    /// Appends to `out` the sorted, deduplicated patterns a word satisfies, given its
    /// form as written, its normalised form and its stem. A glob matches the
    /// normalised form or one of its other spellings (`organiz*`: `organisation`).
    pub fn patterns_for(&self, raw: &str, norm: &str, stem: &str, out: &mut Vec<PatternId>) {
        let start = out.len();
        if let Some(ids) = self.stems.get(stem) {
            out.extend_from_slice(ids);
        }
        if let Some(ids) = self.exact.get(norm) {
            out.extend_from_slice(ids);
        }
        glob_matches(norm, &self.prefix_globs, &self.leading_globs, self.max_glob_prefix, out);
        if !self.prefix_globs.is_empty() || !self.leading_globs.is_empty() {
            // Answers are matched in British spelling (`organization` is `organisation`
            // by now), but a glob is no word to map: `organiz*` matches the word's other
            // spellings too. Once per distinct word, as the scanner caches this.
            for other in self.analyzer.other_spellings(norm) {
                glob_matches(other, &self.prefix_globs, &self.leading_globs, self.max_glob_prefix, out);
            }
        }
        if !self.cased.is_empty() || !self.cased_prefix_globs.is_empty() || !self.cased_leading_globs.is_empty() {
            let cased = self.analyzer.cased_form(raw);
            if let Some(ids) = self.cased.get(&*cased) {
                out.extend_from_slice(ids);
            }
            glob_matches(&cased, &self.cased_prefix_globs, &self.cased_leading_globs, self.max_glob_prefix, out);
        }
        out[start..].sort_unstable();
        let mut w = start;
        for r in start..out.len() {
            if r == start || out[r] != out[w - 1] {
                out[w] = out[r];
                w += 1;
            }
        }
        out.truncate(w);
    }

    /// Trie step from the root: the node `pattern` leads to, if any.
    #[inline]
    pub fn root_step(&self, pattern: PatternId) -> Option<u32> {
        let n = self.root_children[pattern as usize];
        (n != u32::MAX).then_some(n)
    }

    /// Whether no path continues from trie `node`.
    #[inline]
    pub fn is_leaf(&self, node: u32) -> bool {
        self.leaf[node as usize]
    }

    /// Whether `pattern` labels any step past the root (see [`CompiledLexicon::step`]).
    #[inline]
    pub fn continues(&self, pattern: PatternId) -> bool {
        self.continues[pattern as usize]
    }

    /// Trie step: the node reached from `node` by `pattern` (root is 0).
    #[inline]
    pub fn step(&self, node: u32, pattern: PatternId) -> Option<u32> {
        self.edges.get(&(node, pattern)).copied()
    }

    /// The term ending at trie `node`, if any.
    #[inline]
    pub fn terminal(&self, node: u32) -> Option<TermIdx> {
        self.terminal[node as usize]
    }

    /// The entries using a term.
    pub fn uses(&self, term: TermIdx) -> &[Use] {
        let (start, len) = self.use_spans[term as usize];
        &self.uses[start as usize..(start + len) as usize]
    }

    /// Number of words in a term.
    pub fn term_len(&self, term: TermIdx) -> u32 {
        self.term_len[term as usize]
    }
}

fn glob_matches(
    word: &str,
    by_prefix: &FxHashMap<Box<str>, Vec<Glob>>,
    leading: &[Glob],
    max_prefix: usize,
    out: &mut Vec<PatternId>,
) {
    // The word's characters, collected only once some glob could match it (most
    // words share no prefix with any glob).
    let mut chars: Option<Vec<char>> = None;
    let mut try_globs = |globs: &[Glob], out: &mut Vec<PatternId>| {
        let word_chars = chars.get_or_insert_with(|| word.chars().collect());
        out.extend(globs.iter().filter(|g| glob_match(&g.chars, word_chars)).map(|g| g.id));
    };
    if !by_prefix.is_empty() {
        for (end, _) in word.char_indices().skip(1).chain(std::iter::once((word.len(), ' '))) {
            if end > max_prefix {
                break;
            }
            if let Some(globs) = by_prefix.get(&word[..end]) {
                try_globs(globs, out);
            }
        }
    }
    if !leading.is_empty() {
        try_globs(leading, out);
    }
}

/// Whether `glob` (`*` = any run, `?` = one character) matches all of `word`.
pub fn glob_match(glob: &[char], word: &[char]) -> bool {
    let (mut g, mut w) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while w < word.len() {
        if g < glob.len() && (glob[g] == '?' || glob[g] == word[w]) {
            g += 1;
            w += 1;
        } else if g < glob.len() && glob[g] == '*' {
            star = Some((g, w));
            g += 1;
        } else if let Some((sg, sw)) = star {
            g = sg + 1;
            w = sw + 1;
            star = Some((sg, sw + 1));
        } else {
            return false;
        }
    }
    glob[g..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Theme;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn globs() {
        for (g, w, yes) in [
            ("harass*", "harassment", true),
            ("harass*", "harass", true),
            ("harass*", "harrass", false),
            ("b?h*viour", "behaviour", true),
            ("*ing", "stalking", true),
            ("*", "x", true),
            ("a?c", "abbc", false),
            ("*a*b", "xaxb", true),
        ] {
            assert_eq!(glob_match(&chars(g), &chars(w)), yes, "{g} vs {w}");
        }
    }

    fn lexicon(entries: &[&str]) -> Lexicon {
        let mut lex = Lexicon::new("t");
        let mut t = Theme::new("a");
        t.entries = entries.iter().map(|e| Entry::new(Rule::parse(e).unwrap())).collect();
        lex.themes.push(t);
        lex
    }

    fn pats(c: &CompiledLexicon, word: &str) -> Vec<String> {
        let term = c.analyzer().term(word);
        let mut out = Vec::new();
        c.patterns_for(word, &term.norm, &term.stem, &mut out);
        out.iter().map(|&p| c.pattern(p).text.to_string()).collect()
    }

    #[test]
    fn words_stems_and_globs_index_once() {
        let c = CompiledLexicon::new(&lexicon(&["harassing", "harass*", "=fees", "legal aid", "harassed"])).unwrap();
        assert_eq!(pats(&c, "Harassment"), ["harass", "harass*"]);
        assert_eq!(pats(&c, "fees"), ["fees"]);
        assert!(pats(&c, "fee").is_empty());
        assert_eq!(c.pattern_count(), 5); // harass, harass*, fees, legal, aid
        assert_eq!(c.term_count(), 4); // harassing and harassed share a term
    }

    /// Answers are matched in British spelling, and a glob is no word to map: a glob
    /// in either spelling matches a word in either (`organiz*` matched nothing).
    #[test]
    fn globs_match_every_spelling_of_a_word() {
        let c = CompiledLexicon::new(&lexicon(&["organiz*", "colo?r", "organis*"])).unwrap();
        assert_eq!(pats(&c, "organization"), ["organiz*", "organis*"]);
        assert_eq!(pats(&c, "Organisations"), ["organiz*", "organis*"]);
        assert_eq!(pats(&c, "colour"), ["colo?r"]);
        assert_eq!(pats(&c, "anesthetize"), Vec::<String>::new());
        // Without spelling variants, each spelling is a word of its own.
        let mut lex = lexicon(&["organiz*", "organis*"]);
        lex.settings.spelling_variants = false;
        let c = CompiledLexicon::new(&lex).unwrap();
        assert_eq!(pats(&c, "organization"), ["organiz*"]);
        assert_eq!(pats(&c, "organisation"), ["organis*"]);
    }

    /// A case-sensitive entry keeps case but reads apostrophes (and NFKC forms) as
    /// every other entry does: `NHS's` matched `NHS's` only, not `NHS’s`.
    #[test]
    fn case_sensitive_entries_unify_apostrophes() {
        let mut lex = lexicon(&["NHS's", "O’Neil*", "=Dr`s"]);
        lex.themes[0].options.case_sensitive = true;
        let c = CompiledLexicon::new(&lex).unwrap();
        for word in ["NHS's", "NHS\u{2019}s", "NHS`s", "NHS\u{02BC}s"] {
            assert_eq!(pats(&c, word), ["NHS's"], "{word}");
        }
        assert_eq!(pats(&c, "nhs's"), Vec::<String>::new());
        assert_eq!(pats(&c, "O'Neills"), ["O'Neil*"]);
        assert_eq!(pats(&c, "Dr\u{2018}s"), ["Dr's"]);
    }

    /// Words, exact words and globs meet answers with accents folded, either way
    /// round; a case-sensitive entry matches as written, accents too; with
    /// `fold_accents = false` accented letters are other letters.
    #[test]
    fn accents_fold_in_words_and_globs_but_not_as_written() {
        let c = CompiledLexicon::new(&lexicon(&["naive", "=café", "naïv*", "encyclop*dia"])).unwrap();
        assert_eq!(pats(&c, "Naïve"), ["naiv", "naiv*"]);
        assert_eq!(pats(&c, "cafe"), ["cafe"]);
        assert_eq!(pats(&c, "CAFÉ"), ["cafe"]);
        assert_eq!(pats(&c, "naivety"), ["naiv*"]);
        assert_eq!(pats(&c, "naïvety"), ["naiv*"]);
        assert_eq!(pats(&c, "encyclopædia"), ["encyclop*dia"]);
        let mut lex = lexicon(&["Café", "Zoë*"]);
        lex.themes[0].options.case_sensitive = true;
        let c = CompiledLexicon::new(&lex).unwrap();
        assert_eq!(pats(&c, "Café"), ["Café"]);
        assert!(pats(&c, "Cafe").is_empty() && pats(&c, "café").is_empty());
        assert_eq!(pats(&c, "Zoë's"), ["Zoë*"]);
        assert!(pats(&c, "Zoe").is_empty());
        let mut lex = lexicon(&["naive", "=café", "naïv*"]);
        lex.settings.fold_accents = false;
        let c = CompiledLexicon::new(&lex).unwrap();
        assert_eq!(pats(&c, "Naïve"), ["naïv*"]);
        assert_eq!(pats(&c, "naive"), ["naiv"]);
        assert!(pats(&c, "cafe").is_empty());
        assert_eq!(pats(&c, "CAFÉ"), ["café"]);
    }

    /// Negators are normalised as the lexicon's words are: folded or not.
    #[test]
    fn negators_fold_as_words_do() {
        let mut lex = lexicon(&["happy"]);
        lex.settings.negators = Some(vec!["jamás".into()]);
        let c = CompiledLexicon::new(&lex).unwrap();
        assert_eq!(c.analyzer().options().negators, ["jamas"]);
        assert!(c.analyzer().term("Jamás").flags.contains(crate::text::TermFlags::NEGATOR));
        lex.settings.fold_accents = false;
        let c = CompiledLexicon::new(&lex).unwrap();
        assert_eq!(c.analyzer().options().negators, ["jamás"]);
        assert!(c.analyzer().term("jamás").flags.contains(crate::text::TermFlags::NEGATOR));
        assert!(!c.analyzer().term("jamas").flags.contains(crate::text::TermFlags::NEGATOR));
    }

    /// An imported dictionary counts as its tool does, which keeps accents.
    #[test]
    fn imported_dictionaries_keep_accents() {
        let lex = Lexicon::from_str_with_path("%\n1\tfood\n%\ncafe\t1\n", std::path::Path::new("m.dic")).unwrap();
        assert!(!lex.settings.fold_accents);
        let c = CompiledLexicon::new(&lex).unwrap();
        assert_eq!(pats(&c, "cafe"), ["cafe"]);
        assert!(pats(&c, "café").is_empty());
    }

    #[test]
    fn entry_without_words_is_an_error_naming_theme_and_entry() {
        let err = CompiledLexicon::new(&lexicon(&["--"])).unwrap_err().to_string();
        assert!(err.contains("theme `a`: entry `--`"), "{err}");
    }

    /// A parent chain 5,000 deep took minutes to load: each theme's chain was walked
    /// to the top with a scan of the themes per step (34 s for 2,000 deep, release).
    /// A match of the deepest theme still counts for every ancestor, the root too.
    /// Entries that analyse to no words were named one at a time: fix one, see the next.
    #[test]
    fn every_entry_holding_no_word_is_named() {
        let text = "[[theme]]\nid = \"a\"\nterms = [\n\"-\",\n\"ok\"]\n[[theme]]\nid = \"b\"\nterms = [\"=--\"]\n";
        let lexicon = Lexicon::from_str_with_path(text, std::path::Path::new("l.toml")).unwrap();
        let Err(err) = CompiledLexicon::new(&lexicon) else { panic!("entries of no words compiled") };
        let err = err.to_string();
        assert!(err.contains("l.toml:4: theme `a`: entry `-`: `-` holds no word"), "{err}");
        assert!(err.contains("theme `b`: entry `=--`: `=--` holds no word"), "{err}");
    }

    #[test]
    fn a_deep_parent_chain_loads_fast_and_rolls_up_to_the_root() {
        const DEPTH: usize = 5000;
        let mut text = String::from("[[theme]]\nid = \"t0\"\n");
        for i in 1..DEPTH {
            text.push_str(&format!("[[theme]]\nid = \"t{i}\"\nparent = \"t{}\"\n", i - 1));
        }
        text.push_str("terms = [\"deepword\"]\n");
        let started = std::time::Instant::now();
        let lex = crate::lexicon::toml::parse(&text, std::path::Path::new("chain.toml")).unwrap();
        let c = CompiledLexicon::new(&lex).unwrap();
        // Generous for a loaded machine and a debug build: it takes well under a second.
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
        assert_eq!(c.themes[DEPTH - 1].ancestors.len(), DEPTH - 1);
        let mut scanner = crate::matching::Scanner::new();
        scanner.scan(&c, "a deepword here");
        let coding = crate::coding::code(&c, &scanner, &c.applies(None));
        assert!(coding.has(0) && coding.has(DEPTH as ThemeIdx / 2) && coding.has(DEPTH as ThemeIdx - 1));
    }

    #[test]
    fn compiled_lexicon_is_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<CompiledLexicon>();
    }
}
