//! Checking a lexicon before it changes a count: lints, the lexicon's own example
//! tests, and how its entries behave on a corpus.
//!
//! Lints find mistakes that parse fine: duplicate or shadowed entries, entries of
//! different themes that collapse to the same stem, wildcards so short they match
//! most words, regexes that match the empty string, spell a word only the American
//! way (they run over British spellings) or hold an accented Latin letter (they run
//! over words with accents folded). With a corpus, entries that never
//! match, entries that match a suspiciously large share of answers, and a corpus
//! written in another language than the lexicon's. The example
//! tests check each theme's `examples.match` and `examples.no_match` sentences.

use std::collections::BTreeMap;

use crate::coding;
use crate::error::Error;
use crate::lexicon::compile::{CompiledLexicon, Pattern, PatternKind, glob_match};
use crate::lexicon::{Lexicon, Rule, TermToken, Theme, ThemeOptions};
use crate::matching::Scanner;
use crate::text::Language;
use crate::text::normalise::fold_accents;
use rustc_hash::FxHashSet;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth a look.
    Warning,
    /// Must be fixed.
    Error,
}

/// One finding, with the line it concerns.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// The file it is in, when not the lexicon's own (a word list of a folder).
    pub file: Option<std::path::PathBuf>,
    /// Line in the lexicon file (or `file`), when known.
    pub line: Option<u64>,
    /// Severity.
    pub severity: Severity,
    /// What and why, in a sentence.
    pub message: String,
}

/// Globs whose literal prefix is shorter than this match too much of the vocabulary.
pub const MIN_GLOB_PREFIX: usize = 3;

/// A term's words as compiled, each as its pattern compares it: (kind, text).
type Words = Vec<(PatternKind, Box<str>)>;

/// What an entry matches once analysed: entries written otherwise but matching the
/// same words have one key (`long wait` and `long waits`, `follow-up` and `follow up`,
/// `a NEAR/3 b` and `b NEAR/3 a`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    /// A word, glob or phrase.
    Term(Words),
    /// A rule: its operator as written (`NEAR/3`), and its operands' alternatives,
    /// sorted; those of a rule of either order (`NEAR`, `SENTENCE`) in sorted order.
    Rule {
        /// `NEAR/3`, `BEFORE/3`, `NOTNEAR/3` or `SENTENCE`.
        op: String,
        /// The first operand's alternatives.
        left: Vec<Words>,
        /// The second operand's alternatives.
        right: Vec<Words>,
    },
}

impl Key {
    /// The one word of a single-word key: (kind, text).
    fn single(&self) -> Option<(PatternKind, &str)> {
        match self {
            Key::Term(words) if words.len() == 1 => Some((words[0].0, &words[0].1)),
            _ => None,
        }
    }

    /// What entries of this key both match, for a message: `stem `harass``, `stems
    /// `long wait``, `` `=bee` ``, `` `wait* NEAR/3 long` ``.
    fn describe(&self) -> String {
        let stem = |k: PatternKind| matches!(k, PatternKind::Stem | PatternKind::StemOrExact);
        let all: Vec<&(PatternKind, Box<str>)> = match self {
            Key::Term(words) => words.iter().collect(),
            Key::Rule { left, right, .. } => left.iter().chain(right).flatten().collect(),
        };
        // Exact words are marked `=` only beside stemmed ones.
        let mark = all.iter().any(|w| stem(w.0)) && !all.iter().all(|w| stem(w.0));
        let render = |words: &Words| {
            let shown = words
                .iter()
                .map(|(k, t)| if mark && *k == PatternKind::Exact { format!("={t}") } else { t.to_string() });
            shown.collect::<Vec<_>>().join(" ")
        };
        let alternatives = |alts: &[Words]| alts.iter().map(render).collect::<Vec<_>>().join("|");
        match self {
            Key::Term(words) if words.len() == 1 && stem(words[0].0) => format!("stem `{}`", words[0].1),
            Key::Term(words) if words.iter().all(|w| stem(w.0)) => format!("stems `{}`", render(words)),
            Key::Term(words) => format!("`{}`", render(words)),
            Key::Rule { op, left, right } => format!("`{} {op} {}`", alternatives(left), alternatives(right)),
        }
    }
}

/// The key of an entry of a theme with `options`, as compiled ([`CompiledLexicon::patterns_of`]);
/// `None` for a regex (or a term that does not compile).
fn entry_key(lexicon: &CompiledLexicon, rule: &Rule, options: &ThemeOptions) -> Option<Key> {
    let words = |t: &crate::lexicon::Term| -> Option<Words> {
        Some(lexicon.patterns_of(t, options).ok()?.into_iter().map(|p| (p.kind, p.text)).collect())
    };
    let alternatives = |terms: &[crate::lexicon::Term]| -> Option<Vec<Words>> {
        let mut alts = terms.iter().map(words).collect::<Option<Vec<_>>>()?;
        alts.sort();
        alts.dedup();
        Some(alts)
    };
    let either_order = |op: String, left: Vec<Words>, right: Vec<Words>| {
        let (left, right) = if right < left { (right, left) } else { (left, right) };
        Key::Rule { op, left, right }
    };
    Some(match rule {
        Rule::Term(t) => Key::Term(words(t)?),
        Rule::Near { left, right, window, ordered: true } => {
            Key::Rule { op: format!("BEFORE/{window}"), left: alternatives(left)?, right: alternatives(right)? }
        }
        Rule::Near { left, right, window, ordered: false } => {
            either_order(format!("NEAR/{window}"), alternatives(left)?, alternatives(right)?)
        }
        Rule::NotNear { term, other, window } => {
            Key::Rule { op: format!("NOTNEAR/{window}"), left: alternatives(term)?, right: alternatives(other)? }
        }
        Rule::Sentence { left, right } => either_order("SENTENCE".into(), alternatives(left)?, alternatives(right)?),
        Rule::Regex(_) => return None,
    })
}

/// A warning about `theme` at `line`. A theme read from a file of its own (a folder's
/// word lists) has lines of that file, not of the lexicon's source: the finding names it.
fn warning(theme: &Theme, line: Option<u64>, message: String) -> Finding {
    warning_in(theme.source.as_deref(), line, message)
}

/// [`warning`], for a theme read from `file` when that is not the lexicon's source.
fn warning_in(file: Option<&std::path::Path>, line: Option<u64>, message: String) -> Finding {
    Finding { file: file.map(std::path::Path::to_path_buf), line, severity: Severity::Warning, message }
}

/// ` (line 4)`, pointing at another line of `theme` from a message (` (a.txt:4)` for
/// a theme read from a file of its own); empty without a line.
fn line_note(theme: Option<&Theme>, line: Option<u64>) -> String {
    match (line, theme.and_then(|t| t.source.as_ref())) {
        (None, _) => String::new(),
        (Some(l), None) => format!(" (line {l})"),
        (Some(l), Some(file)) => format!(" ({})", crate::error::Location::file(file).at_line(l)),
    }
}

/// A finding when `word` (a word of an entry, as written) holds a character that no
/// word of an answer holds, and that is not a hyphen, full stop or apostrophe:
/// `fee|fees` is the phrase `fee fees`, `C++` the word `c`, `£500` the number `500`.
fn dropped_characters(lexicon: &CompiledLexicon, theme: &Theme, line: Option<u64>, word: &str) -> Option<Finding> {
    let words = lexicon.analyzer().analyze(word);
    let harmless = |c: char| matches!(c, '-' | '\u{2010}' | '\u{2011}' | '.' | '\'' | '\u{2019}' | '`');
    let dropped = word
        .char_indices()
        .find(|&(i, c)| !harmless(c) && !words.iter().any(|w| w.span.start <= i && i < w.span.end))?
        .1;
    let matches = words.iter().map(|w| w.raw.as_str()).collect::<Vec<_>>().join(" ");
    let hint = if dropped == '|' {
        ": write alternatives as separate entries (`|` separates them only beside NEAR/, BEFORE/, NOTNEAR/ and SENTENCE)"
    } else {
        ""
    };
    Some(warning(
        theme,
        line,
        format!(
            "theme `{}`: `{word}`: `{dropped}` is not part of any word of an answer, so it matches `{matches}`{hint}",
            theme.id
        ),
    ))
}

/// A finding's message (after the theme) when no word of an answer can match `glob`
/// (as written): it holds a character no word holds (`a+b*`), or one that words hold
/// only elsewhere (`stalking.the*`: a full stop between two runs of two letters or
/// more splits the word; `u.s*` and `e.g*` match "U.S.A" and "e.g").
///
/// Asks the tokeniser rather than restating its rules: the glob, each `*` read as
/// nothing, a letter or a digit and each `?` as a letter or a digit, must be one whole
/// word for one of those readings.
fn unmatchable_glob(analyzer: &crate::text::Analyzer, glob: &str) -> Option<String> {
    const MAX_WILDCARDS: usize = 6;
    let plain = |c: char| c.is_alphanumeric() || matches!(c, '*' | '?' | '_');
    if glob.chars().all(plain) || glob.chars().filter(|&c| c == '*' || c == '?').count() > MAX_WILDCARDS {
        return None;
    }
    let mut readings = vec![String::new()];
    for c in glob.chars() {
        let fills: &[&str] = match c {
            '*' => &["", "a", "1"],
            '?' => &["a", "1"],
            _ => {
                readings.iter_mut().for_each(|r| r.push(c));
                continue;
            }
        };
        readings = readings.iter().flat_map(|r| fills.iter().map(move |f| format!("{r}{f}"))).collect();
    }
    let one_word =
        |r: &String| matches!(analyzer.analyze(r).as_slice(), [w] if w.span.start == 0 && w.span.end == r.len());
    if readings.iter().any(one_word) {
        return None;
    }
    // Characters a word holds between letters or digits (apostrophes, full stops,
    // colons, commas; hyphens where hyphenated words are whole).
    let hyphens_join = analyzer.options().hyphenated_words;
    let sometimes = |c: char| {
        matches!(c, '.' | ':' | ',' | ';' | '\'' | '\u{2019}' | '`' | '\u{2032}' | '\u{201B}')
            || (hyphens_join && matches!(c, '-' | '\u{2010}' | '\u{2011}'))
    };
    let odd: Vec<char> = glob.chars().filter(|&c| !plain(c)).collect();
    Some(match odd.iter().find(|&&c| !sometimes(c)).or(odd.first()) {
        Some(&c) if !sometimes(c) => {
            format!("wildcard `{glob}` contains `{c}`, which never occurs inside a word: it can never match")
        }
        Some(&c) => format!("wildcard `{glob}` can never match: answers are split into words at its `{c}`"),
        None => format!("wildcard `{glob}` can never match a word"),
    })
}

/// A finding's message (after the theme) when the glob `glob` has fewer than
/// [`MIN_GLOB_PREFIX`] letters besides its wildcards, as it is matched: normalised,
/// an elided article dropped and accents folded (French `l'é*` is `e*`, every word
/// starting with `e`; `*straße` is `*strasse`, seven letters). `co*` matches much of the
/// vocabulary, `?` and `???` every word of their length.
fn broad_glob(lexicon: &CompiledLexicon, glob: &str, case_sensitive: bool) -> Option<String> {
    let matched = lexicon.glob_pattern(glob, case_sensitive).text;
    let wildcard = |c: &char| *c == '*' || *c == '?';
    let letters = matched.chars().filter(|c| !wildcard(c)).count();
    if letters >= MIN_GLOB_PREFIX {
        return None;
    }
    let shown = if *matched == *glob { String::new() } else { format!(" (matched as `{matched}`)") };
    Some(if !matched.contains('*') {
        format!(
            "wildcard `{glob}`{shown} has only {letters} letter(s) besides its `?`: it matches every word of its length"
        )
    } else if matched.chars().take_while(|c| !wildcard(c)).count() == letters {
        format!("wildcard `{glob}`{shown} has only {letters} letter(s) before `*`: it matches much of the vocabulary")
    } else {
        format!(
            "wildcard `{glob}`{shown} has only {letters} letter(s) besides its wildcards: it matches much of the vocabulary"
        )
    })
}

/// The beginning every word with the Snowball stem `stem` starts with. The stemmer
/// mostly cuts endings off, but it writes a few last letters too: `e` (`hoping`:
/// `hope`), `i` (`happy`: `happi`), `l` (`affability`: `affabl`), `y` (`skies`: `sky`),
/// and `ie` in `die`, `lie`, `tie` (`dying`).
fn stem_prefix(stem: &str) -> &str {
    let written = if matches!(stem, "die" | "lie" | "tie") {
        2
    } else if stem.ends_with(['e', 'i', 'l', 'y']) {
        1
    } else {
        0
    };
    let keep = stem.chars().count().saturating_sub(written);
    stem.char_indices().nth(keep).map_or(stem, |(i, _)| &stem[..i])
}

/// Whether the wildcard `glob` matches every word that begins with `begins`: it is a
/// run of characters that `begins` starts with, then only `*`s (`stalk*`, `*`).
fn prefix_covers(glob: &[char], begins: &[char]) -> bool {
    let literal = glob.iter().take_while(|&&c| c != '*' && c != '?').count();
    literal < glob.len() && glob[literal..].iter().all(|&c| c == '*') && begins.starts_with(&glob[..literal])
}

/// Whether every word `x` matches is matched by `e`, an exclusion's pattern: the
/// same exact or case-sensitive word, or a glob matching the word, every word of the
/// stem (`wait*` and `waiting`, stem `wait`) or every word the other glob matches.
fn covers(analyzer: &crate::text::Analyzer, e: &Pattern, x: &Pattern) -> bool {
    let glob: Vec<char> = e.text.chars().collect();
    let literal = |p: &Pattern| p.text.chars().take_while(|&c| c != '*' && c != '?').collect::<Vec<char>>();
    match (e.kind, x.kind) {
        (PatternKind::Exact, PatternKind::Exact) | (PatternKind::Cased, PatternKind::Cased) => e.text == x.text,
        (PatternKind::Glob, PatternKind::Exact) => std::iter::once(&*x.text)
            .chain(analyzer.other_spellings(&x.text).iter().copied())
            .any(|w| glob_match(&glob, &w.chars().collect::<Vec<_>>())),
        (PatternKind::CasedGlob, PatternKind::Cased) => glob_match(&glob, &x.text.chars().collect::<Vec<_>>()),
        (PatternKind::Glob, PatternKind::Stem | PatternKind::StemOrExact) => {
            prefix_covers(&glob, &stem_prefix(&x.text).chars().collect::<Vec<_>>())
        }
        (PatternKind::Glob, PatternKind::Glob) | (PatternKind::CasedGlob, PatternKind::CasedGlob) => {
            e.text == x.text || prefix_covers(&glob, &literal(x))
        }
        _ => false,
    }
}

/// Findings for the entries of `theme` that one of its exclusions vetoes wherever they
/// match (an exclusion vetoes the theme's matches it overlaps: `exclude = ["kind"]`
/// with the entry `=kind`), and for stemmed entries it vetoes wherever they match the
/// words as written (`kind` and `kind`: exclusions match exact wordings, so the entry
/// counts only on `kinds`, `kindness`, ...). An exclusion of other words (`kindness`,
/// `waiting` beside `wait*`) carves out what it names: that is what exclusions are for.
fn vetoed_entries(lexicon: &CompiledLexicon, theme: &Theme) -> Vec<Finding> {
    let mut out = Vec::new();
    if theme.exclusions.is_empty() {
        return out;
    }
    let analyzer = lexicon.analyzer();
    // Exclusions are compiled with their words unstemmed.
    let exact = ThemeOptions { stem: false, ..theme.options.clone() };
    let words = |rule: &Rule, options: &ThemeOptions| match rule {
        Rule::Term(t) => lexicon.patterns_of(t, options).ok(),
        _ => None,
    };
    let entries: Vec<Option<Vec<Pattern>>> = theme.entries.iter().map(|e| words(&e.rule, &theme.options)).collect();
    for x in &theme.exclusions {
        let Some(vetoes) = words(&x.rule, &exact) else { continue };
        for (e, matched) in theme.entries.iter().zip(&entries) {
            let Some(matched) = matched else { continue };
            // An exclusion kept to some questions vetoes only there.
            let everywhere = x.questions.is_empty()
                || (!e.questions.is_empty() && e.questions.iter().all(|q| x.questions.contains(q)));
            if !everywhere || vetoes.len() > matched.len() {
                continue;
            }
            let at = line_note(Some(theme), e.line);
            let always =
                matched.windows(vetoes.len()).any(|run| run.iter().zip(&vetoes).all(|(m, v)| covers(analyzer, v, m)));
            let message = if always {
                format!(
                    "theme `{}`: exclusion `{}` vetoes every match of entry `{}`{at}, which can never count (an exclusion vetoes the matches of its theme it overlaps)",
                    theme.id, x.rule, e.rule
                )
            } else if matched.iter().any(|p| p.kind == PatternKind::Stem)
                && words(&e.rule, &exact).is_some_and(|as_written| as_written == vetoes)
            {
                let join = |ps: &[Pattern]| ps.iter().map(|p| &*p.text).collect::<Vec<_>>().join(" ");
                let (stems, written) = (join(matched), join(&vetoes));
                let noun = if matched.len() == 1 { "words of stem" } else { "forms of stems" };
                format!(
                    "theme `{}`: exclusion `{}` vetoes every match of entry `{}`{at} where an answer writes `{written}`: exclusions match exact wordings, not stems, so the entry counts only on other {noun} `{stems}`",
                    theme.id, x.rule, e.rule
                )
            } else {
                continue;
            };
            out.push(warning(theme, x.line, message));
        }
    }
    out
}

/// `near/3` (an operator in lower or mixed case, `Near/3`): the operator it spells
/// (`NEAR/3`), which only capitals make one.
fn lowercase_operator(word: &str) -> Option<String> {
    let upper = word.to_uppercase();
    let window = ["NEAR/", "BEFORE/", "NOTNEAR/"].iter().find_map(|op| upper.strip_prefix(op))?;
    (upper != word && !window.is_empty() && window.bytes().all(|b| b.is_ascii_digit())).then_some(upper)
}

/// A finding's message (after the theme) when a phrase reads like a rule it is not:
/// `kind NEAR staff` (no `/N`), `kind near/3 staff` (not in capitals), `kind AND staff`,
/// `kind OR nice`, `kind NOT staff` are legal phrases of their words, `near`, `and`,
/// `or` and `not` included, and so match almost nothing.
fn operator_as_words(term: &crate::lexicon::Term) -> Option<String> {
    let words: Vec<&str> = term.tokens.iter().map(TermToken::text).collect();
    let inner = 1..words.len().saturating_sub(1);
    let at = inner.clone().find(|&i| {
        matches!(term.tokens[i], TermToken::Word(_))
            && (matches!(words[i], "NEAR" | "BEFORE" | "NOTNEAR" | "AND" | "OR" | "NOT")
                || lowercase_operator(words[i]).is_some())
    })?;
    // `NOT NEAR` is a spelling of `NOTNEAR`.
    let not_near = words[at] == "NOT" && words.get(at + 1) == Some(&"NEAR") && at + 2 < words.len();
    let skip = if not_near { 2 } else { 1 };
    let (left, right) = (words[..at].join(" "), words[at + skip..].join(" "));
    let phrase = format!("`{}` is read as a phrase of {} words", words.join(" "), words.len());
    let op = if not_near { "NOT NEAR" } else { words[at] };
    Some(match op {
        "NEAR" | "BEFORE" | "NOTNEAR" | "NOT NEAR" => format!(
            "{phrase}: `{op}` without `/N` is read as the word{s} {word}: write `{left} {op}/5 {right}` for a proximity rule",
            s = if not_near { "s" } else { "" },
            word = op.to_lowercase()
        ),
        "AND" => format!(
            "{phrase}: `AND` is read as the word and: write `{left} SENTENCE {right}` (both in one sentence) or `{left} NEAR/5 {right}` for a rule"
        ),
        "OR" => {
            let parts: Vec<String> =
                words.split(|w| *w == "OR").filter(|p| !p.is_empty()).map(|p| format!("`{}`", p.join(" "))).collect();
            format!(
                "{phrase}: `OR` is read as the word or: list the words as separate entries for OR ({})",
                parts.join(", ")
            )
        }
        "NOT" => format!(
            "{phrase}: `NOT` is read as the word not: write `{left} NOTNEAR/5 {right}` for `{left}` unless `{right}` is near"
        ),
        other => {
            let op = lowercase_operator(other).unwrap_or_default();
            format!(
                "{phrase}: `{other}` is read as the words `{}`: operators are written in capitals: write `{left} {op} {right}`",
                other.replace('/', " ")
            )
        }
    })
}

/// Where a key is used: (theme id, line, entry text).
type KeyUse = (String, Option<u64>, String);

/// What `lexicon check` and every run say of a lexicon without themes (`init`'s
/// starter lexicon, or an empty or misnamed file).
pub const NO_THEMES: &str = "the lexicon has no themes: a run codes no open answer (it counts only who answered)";

/// `error` as an error finding, its file and line apart from its message (so that a
/// listing names the file once, not `lex.toml: lex.toml:4: ...`); `source` is the
/// lexicon's own file.
pub fn error_finding(error: &Error, source: &std::path::Path) -> Finding {
    match error {
        Error::Config { location, message } | Error::Input { location, message } => Finding {
            file: Some(location.path.clone()).filter(|p| p != source),
            line: location.line,
            severity: Severity::Error,
            message: message.clone(),
        },
        e => Finding { file: None, line: None, severity: Severity::Error, message: e.to_string() },
    }
}

/// Lints a lexicon (no corpus needed).
pub fn lint(source: &Lexicon, lexicon: &CompiledLexicon) -> Vec<Finding> {
    let mut out = unmatchable_regexes(source, lexicon);
    // An entry kept to a question its theme does not apply to never counts (a run
    // with a survey refuses it): an error, with a survey or without.
    out.extend(source.entries_out_of_scope().iter().map(|e| error_finding(e, &source.source)));
    if source.themes.is_empty() {
        out.push(Finding { file: None, line: None, severity: Severity::Warning, message: NO_THEMES.to_string() });
    }
    // key -> uses, to find duplicates and cross-theme collisions
    let mut keys: BTreeMap<Key, Vec<KeyUse>> = BTreeMap::new();
    for theme in &source.themes {
        if theme.entries.is_empty() && !source.themes.iter().any(|t| t.parent.as_deref() == Some(theme.id.as_str())) {
            out.push(warning(
                theme,
                theme.line,
                format!("theme `{}` has no entries and no child themes: it can never be coded", theme.id),
            ));
        }
        let cased = theme.options.case_sensitive;
        let mut globs: Vec<(Vec<char>, Option<u64>, String)> = Vec::new();
        // Exclusions are exact wordings that veto, not entries: they duplicate, collide
        // with and shadow nothing (see `vetoed_entries` for what they do to entries).
        let entry_keys: Vec<Option<Key>> =
            theme.entries.iter().map(|e| entry_key(lexicon, &e.rule, &theme.options)).collect();
        for (e, key) in theme.entries.iter().zip(&entry_keys) {
            let Some(key) = key else { continue };
            if let Some((PatternKind::Glob | PatternKind::CasedGlob, glob)) = key.single() {
                globs.push((glob.chars().collect(), e.line, e.rule.to_string()));
            }
            keys.entry(key.clone()).or_default().push((theme.id.clone(), e.line, e.rule.to_string()));
        }
        out.extend(vetoed_entries(lexicon, theme));
        // Weights add up to a threshold; without one, any match codes the theme, and a
        // negative weight (meant to count against it) codes it as any other.
        if theme.options.threshold <= 0.0 {
            for e in theme.entries.iter().filter(|e| e.weight < 0.0) {
                out.push(warning(
                    theme,
                    e.line,
                    format!(
                        "theme `{}`: entry `{}` has weight {}, but the theme has no threshold: a match of it codes the theme as any match does (a negative weight only takes away from the weights that must reach a `threshold`)",
                        theme.id, e.rule, e.weight
                    ),
                ));
            }
        }
        for e in theme.entries.iter().chain(&theme.exclusions) {
            if let Rule::Term(term) = &e.rule
                && let Some(message) = operator_as_words(term)
            {
                out.push(warning(theme, e.line, format!("theme `{}`: {message}", theme.id)));
            }
            for term in e.rule.terms() {
                for tok in &term.tokens {
                    if let TermToken::Word(w) | TermToken::Exact(w) | TermToken::Stem(w) = tok
                        && lowercase_operator(w).is_none()
                        && let Some(finding) = dropped_characters(lexicon, theme, e.line, w)
                    {
                        out.push(finding);
                    }
                    if let TermToken::Glob(g) = tok {
                        if let Some(message) = unmatchable_glob(lexicon.analyzer(), g) {
                            out.push(warning(theme, e.line, format!("theme `{}`: {message}", theme.id)));
                        }
                        if let Some(message) = broad_glob(lexicon, g, cased) {
                            out.push(warning(theme, e.line, format!("theme `{}`: {message}", theme.id)));
                        }
                    }
                }
            }
            if let Rule::Regex(r) = &e.rule
                && r.contains("\\\\")
            {
                out.push(warning(
                    theme,
                    e.line,
                    format!(
                        "theme `{}`: regex `{r}` has a doubled backslash, which matches a literal `\\` (normalised text has none): write `\\b` in a TOML basic string or '\\b' in a literal one",
                        theme.id
                    ),
                ));
            }
            if let Rule::Regex(r) = &e.rule
                && lexicon.analyzer().options().spelling_variants
            {
                for (word, british) in american_words(r) {
                    out.push(warning(
                        theme,
                        e.line,
                        format!(
                            "theme `{}`: regex `{r}` spells `{word}` the American way, but it runs over words in British spelling (spelling_variants): write `{british}`",
                            theme.id
                        ),
                    ));
                }
            }
            if let Rule::Regex(r) = &e.rule
                && lexicon.analyzer().options().fold_accents
                && let Some(accented) = accented_latin_letter(r)
            {
                out.push(warning(
                    theme,
                    e.line,
                    format!(
                        "theme `{}`: regex `{r}` holds `{accented}`, but regexes run over words with accents folded (fold_accents): write `{}`",
                        theme.id,
                        fold_accents(r)
                    ),
                ));
            }
            if let Rule::Regex(r) = &e.rule
                && regex::Regex::new(r).is_ok_and(|re| re.is_match(""))
            {
                out.push(warning(theme, e.line, format!("theme `{}`: regex `{r}` matches the empty string", theme.id)));
            }
        }
        // Words shadowed by a glob of the same theme: the word adds nothing. A glob
        // matches a word's other spellings too (`color*` matches `colour`).
        for (e, key) in theme.entries.iter().zip(&entry_keys) {
            let Some((kind, text)) = key.as_ref().and_then(Key::single) else { continue };
            let text = text.to_string();
            let shadowed = |gline: &Option<u64>, gtext: &String| {
                let at = line_note(Some(theme), *gline);
                warning(
                    theme,
                    e.line,
                    format!(
                        "theme `{}`: entry `{}` is shadowed by wildcard `{gtext}`{at}, which already matches it",
                        theme.id, e.rule
                    ),
                )
            };
            let word = match kind {
                PatternKind::Glob | PatternKind::CasedGlob => continue,
                // A stem matches every word with that stem (`happy`: "happiness"): only a
                // wildcard matching all of them shadows it.
                PatternKind::Stem | PatternKind::StemOrExact => {
                    let begins: Vec<char> = stem_prefix(&text).chars().collect();
                    if let Some((_, gline, gtext)) = globs.iter().find(|(g, _, _)| prefix_covers(g, &begins)) {
                        out.push(shadowed(gline, gtext));
                    }
                    continue;
                }
                // A case-sensitive theme's words and globs meet as written, in one
                // spelling; an exact word is its normalised form.
                PatternKind::Cased | PatternKind::Exact => text,
            };
            let others = if cased { &[][..] } else { lexicon.analyzer().other_spellings(&word) };
            let spellings: Vec<Vec<char>> =
                std::iter::once(word.as_str()).chain(others.iter().copied()).map(|w| w.chars().collect()).collect();
            if let Some((_, gline, gtext)) = globs.iter().find(|(g, _, _)| spellings.iter().any(|w| glob_match(g, w))) {
                out.push(shadowed(gline, gtext));
            }
        }
    }
    for (key, uses) in &keys {
        for (i, (theme, line, entry)) in uses.iter().enumerate() {
            // Against an earlier use in the same theme first: that is a duplicate, the
            // other theme's a collision already reported for the earlier one.
            let earlier = uses[..i].iter().find(|u| u.0 == *theme).or_else(|| uses[..i].first());
            let Some((first_theme, first_line, first_entry)) = earlier else { continue };
            let how = key.describe();
            // A dictionary line listing a term in several categories, or a term listed
            // under a category and its parent (as LIWC does), says so on purpose; a
            // term listed again on another line the reader has warned of already.
            // Lines are of the theme's file: a folder's word lists each have a line 1.
            let file_of = |id: &str| source.theme(id).and_then(|t| t.source.as_deref()).unwrap_or(&source.source);
            let reader_warned = line.is_some()
                && entry == first_entry
                && source.warnings.iter().any(|w| {
                    w.location.line.is_some()
                        && w.location.line == *first_line
                        && w.location.path == file_of(first_theme)
                });
            let same_line = line.is_some() && line == first_line && file_of(theme) == file_of(first_theme);
            if theme != first_theme && (same_line || related(lexicon, theme, first_theme) || reader_warned) {
                continue;
            }
            let at = line_note(source.theme(first_theme), *first_line);
            let message = if theme == first_theme {
                format!("theme `{theme}`: entry `{entry}` duplicates `{first_entry}`{at}: both match {how}")
            } else {
                format!(
                    "entry `{entry}` of theme `{theme}` and `{first_entry}` of theme `{first_theme}`{at} collapse to the same {how}"
                )
            };
            out.push(match source.theme(theme) {
                Some(t) => warning(t, *line, message),
                None => Finding { file: None, line: *line, severity: Severity::Warning, message },
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The words a regex spells out letter by letter (three letters or more, between
/// anything else: `\bcolou?r` has none) that spelling variants map to British
/// spellings, each with its British one, unless the regex spells that one out too
/// (`colour|color`). The regex runs over the words as mapped, so these never match.
fn american_words(pattern: &str) -> Vec<(String, &'static str)> {
    use regex_syntax::ast::Ast;
    fn words(ast: &Ast, out: &mut Vec<String>) {
        match ast {
            Ast::Concat(c) => {
                let mut run = String::new();
                for a in &c.asts {
                    match a {
                        Ast::Literal(l) if l.c.is_alphabetic() => run.push(l.c),
                        _ => {
                            out.push(std::mem::take(&mut run));
                            words(a, out);
                        }
                    }
                }
                out.push(run);
            }
            Ast::Alternation(a) => a.asts.iter().for_each(|a| words(a, out)),
            Ast::Group(g) => words(&g.ast, out),
            Ast::Repetition(r) => words(&r.ast, out),
            _ => {}
        }
    }
    let Ok(ast) = regex_syntax::ast::parse::Parser::new().parse(pattern) else { return Vec::new() };
    let mut runs = Vec::new();
    words(&ast, &mut runs);
    let mut found: Vec<(String, &'static str)> = runs
        .iter()
        .filter(|w| w.chars().count() >= 3)
        .filter_map(|w| crate::text::normalise::british_spelling(w).map(|b| (w.clone(), b)))
        .filter(|(_, british)| !runs.iter().any(|w| w == british))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// The regexes of `source` that can never match (the text they require holds what the
/// normalised words they run over never do, e.g. a capital or `-`): part of
/// [`lint`], and cheap enough for every run to warn about, since such a regex fails
/// silently.
pub fn unmatchable_regexes(source: &Lexicon, lexicon: &CompiledLexicon) -> Vec<Finding> {
    let mut out = Vec::new();
    for theme in &source.themes {
        for e in &theme.entries {
            if let Rule::Regex(r) = &e.rule
                && let Some(why) = unmatchable_text(r, lexicon.analyzer().options())
            {
                out.push(warning(
                    theme,
                    e.line,
                    format!("theme `{}`: regex `{r}` can never match: it {why}", theme.id),
                ));
            }
        }
    }
    out
}

/// Why a regex can never match the words it runs over (normalised words, lower case,
/// joined by single spaces): the first piece of text it must match (outside any
/// alternation or optional part) that they never hold, and how to write it. `None`
/// when every such piece could occur, or the pattern does not parse.
///
/// Pieces the language reads otherwise are named too: German `ue` is read as `ü` and
/// Russian `ё` as `е` (`israel` never matches, the word is `isräl`, folded `isral`),
/// and French and Italian words lose an elided article (`l'église` is `église`).
fn unmatchable_text(pattern: &str, options: &crate::text::AnalyzerOptions) -> Option<String> {
    use regex_syntax::hir::{Hir, HirKind};
    /// The literal text `hir` must match, in order (a gap between separate pieces).
    fn mandatory(hir: &Hir, out: &mut Vec<String>) {
        match hir.kind() {
            HirKind::Literal(l) => match out.last_mut() {
                Some(last) => last.push_str(&String::from_utf8_lossy(&l.0)),
                None => out.push(String::from_utf8_lossy(&l.0).into_owned()),
            },
            HirKind::Capture(c) => mandatory(&c.sub, out),
            HirKind::Repetition(r) if r.min >= 1 && r.max == Some(1) => mandatory(&r.sub, out),
            HirKind::Concat(parts) => parts.iter().for_each(|p| mandatory(p, out)),
            // An alternation, a class, an optional or repeated part: not one text.
            _ => out.push(String::new()),
        }
    }
    // Composed, as compiling composes it (`build_regex`).
    let hir = regex_syntax::Parser::new().parse(&crate::lexicon::nfc(pattern)).ok()?;
    let mut pieces = Vec::new();
    mandatory(&hir, &mut pieces);
    for piece in pieces {
        // Each word as the language reads it: an elided article dropped, then respelled.
        let respelled = piece
            .split(' ')
            .map(|w| {
                let mut w = w.to_string();
                options.language.elide(&mut w);
                options.language.respell(&mut w);
                w
            })
            .collect::<Vec<_>>()
            .join(" ");
        if respelled != piece {
            let write = if options.fold_accents { fold_accents(&respelled).into_owned() } else { respelled.clone() };
            return Some(format!(
                "holds `{piece}`, which {} words read as `{respelled}`: write `{write}`",
                options.language
            ));
        }
        // Apostrophes are unified (`don’t` is `don't`), as normalisation unifies them.
        if let Some(c) = piece.chars().find(|c| crate::text::normalise::APOSTROPHES.contains(c)) {
            return Some(format!(
                "holds `{c}`, but words hold their apostrophes as `'`: write `{}`",
                piece.replace(c, "'")
            ));
        }
        // The piece as a word holds it: normalised as answers' words are (NFKC, case
        // folded, `ß` as `ss`, a final `ς` as `σ`), accents left to `accented_latin_letter`.
        let mut normalised = String::new();
        crate::text::normalise::normalise_chars(&piece, false, &mut normalised);
        if let Some(c) = piece.chars().find(|c| c.to_lowercase().ne(std::iter::once(*c))) {
            return Some(format!(
                "holds `{c}`, but words are in lower case: write `{normalised}`, or `(?i)` before it"
            ));
        }
        if let Some(c) = piece.chars().find(|&c| c != ' ' && c.is_whitespace()) {
            return Some(format!("holds {c:?}, but words are joined by single spaces"));
        }
        if piece.contains("  ") {
            return Some("holds two spaces in a row, but words are joined by single spaces".to_string());
        }
        // What a word never holds: symbols and punctuation (`£`, `/`, `&`, an emoji),
        // and `-` unless `hyphenated_words` (`e-mail` is `e mail`). Words hold letters,
        // digits and marks, and between them `.` `,` `:` `;` `'` and the few others
        // Unicode joins words across (`l·l`, `_`).
        let in_words = |c: char| {
            c == ' '
                || c.is_alphanumeric()
                || unicode_normalization::char::is_combining_mark(c)
                || "._,:;'\u{B7}\u{387}\u{5F3}\u{5F4}\u{2027}\u{203F}\u{2040}\u{2054}".contains(c)
                || (options.hyphenated_words && matches!(c, '-' | '\u{2010}' | '\u{2011}'))
        };
        if let Some(c) = piece.chars().find(|&c| !in_words(c)) {
            let rest = piece.replace(c, " ").split_whitespace().collect::<Vec<_>>().join(" ");
            let fix = if rest.is_empty() { "leave it out".to_string() } else { format!("write `{rest}`") };
            return Some(format!(
                "holds `{c}`, which words never hold (punctuation between words is dropped and words are joined by single spaces): {fix}"
            ));
        }
        if let Some(p) = [". ", ", ", ": ", "; ", "' "].iter().find(|p| piece.contains(**p)) {
            return Some(format!(
                "holds `{}` before a space, which words never end with (punctuation between words is dropped): write `{}`",
                p.trim_end(),
                piece.replace(p.trim_end(), "")
            ));
        }
        // What normalising changes besides case: `straße` is `strasse`, Greek `κόστος`
        // `κόστοσ`, the ligatures `ﬁ` and `ĳ` are `fi` and `ij`.
        if normalised != piece {
            return Some(format!(
                "holds `{piece}`, which words hold as `{normalised}` (normalised as answers are: compatibility \
                 forms, case folded): write `{normalised}`"
            ));
        }
    }
    None
}

/// The first Latin letter of a regex that folding accents changes, with the marks
/// written after it (`é`, `e\u{301}`, `æ`): the regex runs over folded words, which
/// hold none.
fn accented_latin_letter(pattern: &str) -> Option<&str> {
    let mut chars = pattern.char_indices().peekable();
    while let Some((start, _)) = chars.next() {
        let mut end = pattern.len();
        while let Some(&(i, c)) = chars.peek() {
            if !unicode_normalization::char::is_combining_mark(c) {
                end = i;
                break;
            }
            chars.next();
        }
        let letter = &pattern[start..end];
        if !letter.is_ascii() && fold_accents(letter) != letter {
            return Some(letter);
        }
    }
    None
}

/// Whether one theme is an ancestor of the other.
fn related(lexicon: &CompiledLexicon, a: &str, b: &str) -> bool {
    let (Some(a), Some(b)) = (lexicon.theme_index(a), lexicon.theme_index(b)) else { return false };
    lexicon.themes[a as usize].ancestors.contains(&b) || lexicon.themes[b as usize].ancestors.contains(&a)
}

/// A failed example of a theme. Displays as what failed, without where: print it
/// after [`ExampleFailure::location`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleFailure {
    /// Theme id.
    pub theme: String,
    /// The file the theme was read from, when not the lexicon's own (a folder's word
    /// lists).
    pub file: Option<std::path::PathBuf>,
    /// Line of the example (or, where the format does not say, of the theme).
    pub line: Option<u64>,
    /// The sentence.
    pub sentence: String,
    /// Whether it should have matched.
    pub should_match: bool,
}

impl ExampleFailure {
    /// Where the example is: its file (`source`, the lexicon's, unless the theme has
    /// its own) and line, as other findings name it (`lex.toml:8`).
    pub fn location(&self, source: &std::path::Path) -> crate::error::Location {
        let at = crate::error::Location::file(self.file.as_deref().unwrap_or(source));
        match self.line {
            Some(l) => at.at_line(l),
            None => at,
        }
    }
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verb = if self.should_match { "should assert it but does not" } else { "should not assert it but does" };
        write!(f, "theme `{}`: example {:?} {verb}", self.theme, self.sentence)
    }
}

/// Runs every theme's examples; returns the failures and the number of examples run.
pub fn test_examples(source: &Lexicon, lexicon: &CompiledLexicon) -> (Vec<ExampleFailure>, usize) {
    let mut scanner = Scanner::new();
    let all = lexicon.applies(None);
    let mut failures = Vec::new();
    let mut run = 0;
    for (i, theme) in source.themes.iter().enumerate() {
        let cases = theme
            .examples
            .matching
            .iter()
            .map(|s| (s, true))
            .chain(theme.examples.not_matching.iter().map(|s| (s, false)));
        for (k, (sentence, should_match)) in cases.enumerate() {
            run += 1;
            scanner.scan(lexicon, sentence);
            let coded = coding::code(lexicon, &scanner, &all).has(i as u32);
            if coded != should_match {
                failures.push(ExampleFailure {
                    theme: theme.id.clone(),
                    file: theme.source.clone(),
                    line: theme.examples.lines.get(k).copied().or(theme.line),
                    sentence: sentence.clone(),
                    should_match,
                });
            }
        }
    }
    (failures, run)
}

/// How each entry behaved on a corpus of answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorpusStats {
    /// Answers scanned.
    pub answers: u64,
    /// Per entry index: answers in which it matched (before negation and exclusion).
    pub answers_hit: Vec<u64>,
    /// Words scanned.
    pub words: u64,
    /// Per language with stop words ([`Language::stop_words`]): the words of the corpus
    /// that are among them, to tell a corpus written in another language than the
    /// lexicon's.
    pub function_words: Vec<(Language, u64)>,
}

/// A corpus "reads as" a language whose function words are at least this share of its
/// words (typical prose: 30% to 50%; another language's list: under 10%).
const LANGUAGE_SHARE: f64 = 0.2;

impl CorpusStats {
    /// Scans `texts` with `lexicon`.
    pub fn collect<'a>(lexicon: &CompiledLexicon, texts: impl IntoIterator<Item = &'a str>) -> CorpusStats {
        let languages: Vec<Language> = Language::all().filter(|l| !l.stop_words().is_empty()).collect();
        let mut stats = CorpusStats {
            answers: 0,
            answers_hit: vec![0; lexicon.entries.len()],
            words: 0,
            function_words: languages.iter().map(|&l| (l, 0)).collect(),
        };
        // Each language's function words as the words are compared: lower case,
        // accents folded (the lexicon may not fold them, and an English one reads
        // French words too).
        let function_words: Vec<FxHashSet<String>> =
            languages.iter().map(|l| l.stop_words().iter().map(|w| fold_accents(w).into_owned()).collect()).collect();
        let mut scanner = Scanner::new();
        let mut seen = vec![u64::MAX; lexicon.entries.len()];
        for text in texts {
            if text.trim().is_empty() {
                continue;
            }
            let n = stats.answers;
            stats.answers += 1;
            scanner.scan(lexicon, text);
            for token in scanner.tokens() {
                let word = fold_accents(scanner.term(token).norm);
                stats.words += 1;
                for (words, (_, n)) in function_words.iter().zip(&mut stats.function_words) {
                    *n += u64::from(words.contains(&*word));
                }
            }
            for h in scanner.hits().iter().chain(scanner.exclusions()) {
                let e = h.entry as usize;
                if seen[e] != n {
                    seen[e] = n;
                    stats.answers_hit[e] += 1;
                }
            }
        }
        stats
    }

    /// Findings: entries that never match, and entries matching more than `max_share`
    /// of answers.
    pub fn findings(&self, lexicon: &CompiledLexicon, max_share: f64) -> Vec<Finding> {
        let mut out = Vec::new();
        if self.answers == 0 {
            return out;
        }
        out.extend(self.language_finding(lexicon));
        for (i, e) in lexicon.entries.iter().enumerate() {
            let theme = &lexicon.themes[e.theme as usize].id;
            let n = self.answers_hit[i];
            let share = n as f64 / self.answers as f64;
            let message = if n == 0 {
                format!("theme `{theme}`: entry `{}` never matches in the corpus ({} answers)", e.text, self.answers)
            } else if share > max_share {
                format!(
                    "theme `{theme}`: entry `{}` matches {n} of {} answers ({:.0}%): too broad?",
                    e.text,
                    self.answers,
                    100.0 * share
                )
            } else {
                continue;
            };
            out.push(warning_in(lexicon.themes[e.theme as usize].source.as_deref(), e.line, message));
        }
        out
    }

    /// A finding if the corpus reads as another language than the lexicon's: one
    /// whose function words are at least [`LANGUAGE_SHARE`] of the corpus's words and
    /// three times the share of the lexicon language's own (a French corpus coded with
    /// English stems and negators codes silently worse).
    fn language_finding(&self, lexicon: &CompiledLexicon) -> Option<Finding> {
        let ours = lexicon.analyzer().options().language;
        let share = |n: u64| n as f64 / self.words.max(1) as f64;
        let (theirs, n) = *self.function_words.iter().max_by_key(|(_, n)| *n)?;
        let own = self.function_words.iter().find(|(l, _)| *l == ours).map(|&(_, n)| share(n));
        if theirs == ours || share(n) < LANGUAGE_SHARE || own.is_some_and(|own| share(n) < 3.0 * own) {
            return None;
        }
        let own = own.map_or_else(String::new, |own| format!(", {:.0}% {ours} ones", 100.0 * own));
        Some(warning_in(
            None,
            None,
            format!(
                "the corpus reads as {theirs}, not {ours} (the lexicon's language): {:.0}% of its {} words are \
                 {theirs} function words{own}; set `[settings] language = \"{theirs}\"` (or \
                 `--dictionary-language {theirs}` for a dictionary), so that words stem and negate as {theirs} does",
                100.0 * share(n),
                self.words
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn lex(text: &str) -> (Lexicon, CompiledLexicon) {
        let l = Lexicon::from_str_with_path(text, Path::new("l.toml")).unwrap();
        let c = CompiledLexicon::new(&l).unwrap();
        (l, c)
    }

    #[test]
    fn a_dictionary_listing_a_term_in_several_categories_is_not_noise() {
        // `kind` on one line in two categories, `care` under a category and its
        // parent, `fair-*` a hyphenated wildcard (hyphenated words are whole in a .dic):
        // all intended. `good` in two unrelated categories on two lines is a finding,
        // the reader's (said once: the lint does not say it again).
        let text = "%\n1\taffect\n\t2\tposemo\n3\tsocial\n%\nkind\t2\t3\ncare\t1\t2\nfair-*\t3\ngood\t2\ngood\t3\n";
        let l = Lexicon::from_str_with_path(text, Path::new("d.dic")).unwrap();
        let c = CompiledLexicon::new(&l).unwrap();
        let m: Vec<String> =
            lint(&l, &c).into_iter().map(|f| format!("{}: {}", f.line.unwrap_or(0), f.message)).collect();
        assert_eq!(m, Vec::<String>::new());
        let read: Vec<&str> = l.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(read, ["term \"good\" is listed on lines 9, 10: it counts in the categories of all of them"]);
        // The same two lines in codeframe's format: the lint says it.
        let m = messages("[[theme]]\nid = \"a\"\nterms = [\"=good\"]\n[[theme]]\nid = \"b\"\nterms = [\"=good\"]\n");
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].contains("`=good` of theme `b` and `=good` of theme `a`"), "{m:?}");
    }

    /// An entry kept to a question its theme does not apply to can never count:
    /// `lexicon check` said nothing of it without `--survey`.
    #[test]
    fn an_entry_kept_outside_its_theme_s_questions_is_an_error() {
        let (l, c) = lex("[[theme]]\nid = \"a\"\nquestions = [\"q3\"]\nterms = [\n  \"fee\",\n  \
                          { term = \"money\", questions = [\"q3\", \"q4\"] },\n]\n");
        let errors: Vec<String> = lint(&l, &c)
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| format!("{:?} {}: {}", f.file, f.line.unwrap_or(0), f.message))
            .collect();
        assert_eq!(
            errors,
            [
                "None 6: entry `money` of theme `a` applies to question `q4`, but the theme applies only to `q3`: the entry could never count"
            ]
        );
        // A theme of every question takes any.
        let (l, c) = lex("[[theme]]\nid = \"a\"\nterms = [{ term = \"money\", questions = [\"q4\"] }]\n");
        assert!(lint(&l, &c).iter().all(|f| f.severity != Severity::Error));
    }

    fn messages(text: &str) -> Vec<String> {
        let (l, c) = lex(text);
        lint(&l, &c).into_iter().map(|f| format!("{}: {}", f.line.unwrap_or(0), f.message)).collect()
    }

    #[test]
    fn characters_no_word_holds_are_findings() {
        let m = messages(
            "[[theme]]\nid = \"a\"\nterms = [\"fee|fees\", \"C++\", \"£500\", \"ex-partner\", \"e.g.\", \"don't\", \"1,000\", \"NHS’s\"]\n",
        );
        assert_eq!(
            m,
            [
                "3: theme `a`: `C++`: `+` is not part of any word of an answer, so it matches `C`",
                "3: theme `a`: `fee|fees`: `|` is not part of any word of an answer, so it matches `fee fees`: write alternatives as separate entries (`|` separates them only beside NEAR/, BEFORE/, NOTNEAR/ and SENTENCE)",
                "3: theme `a`: `£500`: `£` is not part of any word of an answer, so it matches `500`",
            ]
        );
    }

    /// A folder's themes are files of their own: a finding names the file and its
    /// line, not the folder (`lexicon check fold` said `fold:3`).
    #[test]
    fn findings_about_a_folder_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "cost\nfee*\nfees\nbee\n").unwrap();
        std::fs::write(dir.path().join("b.txt"), "bee\n").unwrap();
        // Line 1 of two files is not one dictionary line listing a term twice.
        std::fs::write(dir.path().join("c.txt"), "cost\n").unwrap();
        let l = Lexicon::from_path(dir.path()).unwrap();
        let c = CompiledLexicon::new(&l).unwrap();
        let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
        let found: Vec<(Option<std::path::PathBuf>, Option<u64>, String)> =
            lint(&l, &c).into_iter().map(|f| (f.file, f.line, f.message)).collect();
        assert_eq!(
            found,
            [
                (
                    Some(a.clone()),
                    Some(3),
                    format!(
                        "theme `a`: entry `=fees` is shadowed by wildcard `fee*` ({}:2), which already matches it",
                        a.display()
                    )
                ),
                (
                    Some(b.clone()),
                    Some(1),
                    format!(
                        "entry `=bee` of theme `b` and `=bee` of theme `a` ({}:4) collapse to the same `bee`",
                        a.display()
                    )
                ),
                (
                    Some(dir.path().join("c.txt")),
                    Some(1),
                    format!(
                        "entry `=cost` of theme `c` and `=cost` of theme `a` ({}:1) collapse to the same `cost`",
                        a.display()
                    )
                ),
            ]
        );
        let stats = CorpusStats::collect(&c, ["a cost"]);
        let unmatched: Vec<(Option<std::path::PathBuf>, Option<u64>, String)> =
            stats.findings(&c, 1.0).into_iter().map(|f| (f.file, f.line, f.message)).collect();
        let want = (Some(b), Some(1), "theme `b`: entry `=bee` never matches in the corpus (1 answers)".to_string());
        assert!(unmatched.contains(&want), "{unmatched:?}");
    }

    /// Read as stems, a dictionary's terms get the findings they get as words: check
    /// said nothing of Grievance's `israel/palestin` read as stems.
    #[test]
    fn stems_get_the_findings_of_words() {
        use crate::lexicon::{DictionaryTerms, ImportOptions};
        let text = "DicTerm,War\nisrael/palestin,X\nu.s.,X\n";
        let found = |terms| {
            let options = ImportOptions { terms, ..ImportOptions::default() };
            let l = Lexicon::from_str_with_options(text, Path::new("g.dicx"), &options).unwrap();
            let c = CompiledLexicon::new(&l).unwrap();
            lint(&l, &c).into_iter().map(|f| format!("{}: {}", f.line.unwrap_or(0), f.message)).collect::<Vec<_>>()
        };
        let words = found(DictionaryTerms::Words);
        assert_eq!(
            words,
            [
                "2: theme `War`: `israel/palestin`: `/` is not part of any word of an answer, so it matches `israel palestin`"
            ]
        );
        assert_eq!(found(DictionaryTerms::Stems), words);
    }

    /// A stemmed word is shadowed only by a wildcard matching every word it matches:
    /// `happy` matches "happiness" (stem `happi`) and `try` "tried" (stem `tri`), which
    /// `happy*` and `try*` do not. Every word stemming to `stalk` starts with `stalk`,
    /// and every word stemming to `hope` with `hop` ("hoping").
    #[test]
    fn a_wildcard_shadows_a_stemmed_word_only_when_it_matches_every_form() {
        let m = messages(
            "[[theme]]\nid = \"a\"\nterms = [\"happy\", \"happy*\", \"try\", \"try*\", \"stalking\", \"stalk*\", \"hoping\", \"hop*\", \"dying\", \"dyi*\"]\n",
        );
        assert_eq!(
            m,
            [
                "3: theme `a`: entry `hoping` is shadowed by wildcard `hop*` (line 3), which already matches it",
                "3: theme `a`: entry `stalking` is shadowed by wildcard `stalk*` (line 3), which already matches it",
            ]
        );
        // Each form of each word, as answers are matched: the words the lint calls
        // shadowed are matched by the wildcard, the others are not.
        let (_, c) = lex("[[theme]]\nid = \"a\"\nterms = [\"happy*\", \"try*\", \"stalk*\", \"hop*\", \"dyi*\"]\n");
        let mut scanner = Scanner::new();
        let mut matched = |text: &str| {
            scanner.scan(&c, text);
            !scanner.hits().is_empty()
        };
        for word in ["stalks", "stalked", "stalking", "hope", "hoped", "hopes", "hoping"] {
            assert!(matched(word), "{word}");
        }
        for word in ["happiness", "happier", "tried", "tries", "die", "died"] {
            assert!(!matched(word), "{word}");
        }
    }

    /// Every word a stem comes from begins with what [`stem_prefix`] keeps of it.
    #[test]
    fn words_begin_with_the_prefix_of_their_stem() {
        let analyzer = crate::text::Analyzer::new();
        for word in [
            "hoping",
            "happiness",
            "happy",
            "tried",
            "skies",
            "dying",
            "lying",
            "affability",
            "possibility",
            "relational",
            "generously",
            "stalking",
            "luxuriating",
            "accompany",
            "ugly",
            "only",
            "singly",
            "abilities",
        ] {
            let stem = analyzer.term(word).stem;
            assert!(word.starts_with(stem_prefix(&stem)), "{word}: stem {stem}, prefix {}", stem_prefix(&stem));
        }
        assert_eq!(
            [stem_prefix("stalk"), stem_prefix("hope"), stem_prefix("die"), stem_prefix("y")],
            ["stalk", "hop", "d", ""]
        );
    }

    /// A full stop or colon between letters, an apostrophe, a comma between digits:
    /// words hold them (`U.S.A`, `e.g`, `can't`, `1,000`), so wildcards holding them
    /// match; one where words split (`stalking.the`) or a character no word holds
    /// (`+`) never does.
    #[test]
    fn wildcards_holding_what_words_hold_are_no_finding() {
        let text = "[[theme]]\nid = \"a\"\nterms = [\"u.s*\", \"e.g*\", \"can't*\", \"1,00*\", \"pm:30*\", \"stalking.the*\", \"a+b*\"]\n";
        assert_eq!(
            messages(text),
            [
                "3: theme `a`: wildcard `a+b*` contains `+`, which never occurs inside a word: it can never match",
                "3: theme `a`: wildcard `pm:30*` can never match: answers are split into words at its `:`",
                "3: theme `a`: wildcard `stalking.the*` can never match: answers are split into words at its `.`",
            ]
        );
        let (_, c) = lex(text);
        let mut scanner = Scanner::new();
        scanner.scan(&c, "The U.S.A, e.g, can't, 1,000");
        let hit: Vec<&str> = scanner.hits().iter().map(|h| c.entries[h.entry as usize].text.as_str()).collect();
        assert_eq!(hit, ["u.s*", "e.g*", "can't*", "1,00*"]);
    }

    /// In a case-sensitive theme a glob shadows only the words it matches as written:
    /// `PIN` and `pin` were said to be shadowed by `Pin*`, which matches neither.
    #[test]
    fn case_sensitive_shadows_keep_case() {
        let m = messages(
            "[[theme]]\nid = \"a\"\ncase_sensitive = true\nterms = [\"PIN\", \"pin\", \"Pin*\", \"Pinned\"]\n",
        );
        assert_eq!(
            m,
            ["4: theme `a`: entry `Pinned` is shadowed by wildcard `Pin*` (line 4), which already matches it"]
        );
    }

    #[test]
    fn a_theme_without_entries_or_children_is_a_finding() {
        let m = messages(
            "name = \"x\"\n[[theme]]\nid = \"empty\"\n[[theme]]\nid = \"parent\"\n[[theme]]\nid = \"child\"\nparent = \"parent\"\nterms = [\"cost\"]\n",
        );
        assert_eq!(m, ["2: theme `empty` has no entries and no child themes: it can never be coded"]);
    }

    #[test]
    fn a_lexicon_without_themes_is_a_finding() {
        for (text, file) in [("", "l.toml"), ("name = \"x\"\n", "l.toml"), ("", "l.cat")] {
            let l = Lexicon::from_str_with_path(text, Path::new(file)).unwrap();
            let c = CompiledLexicon::new(&l).unwrap();
            let m: Vec<String> = lint(&l, &c).into_iter().map(|f| f.message).collect();
            assert_eq!(m, [NO_THEMES], "{file}");
        }
    }

    #[test]
    fn finds_duplicates_shadows_collisions_short_globs_and_empty_regexes() {
        let m = messages(
            r#"
[[theme]]
id = "a"
terms = ["harassing", "harassed", "co*", "stalking", "stalk*", "ex-partner*"]
regex = ["x*", '\\bcost']
[[theme]]
id = "b"
terms = ["harassment"]
"#,
        );
        let joined = m.join("\n");
        assert!(
            joined.contains("4: theme `a`: entry `harassed` duplicates `harassing` (line 4): both match stem `harass`"),
            "{joined}"
        );
        assert!(joined.contains("wildcard `co*` has only 2 letter(s)"), "{joined}");
        assert!(joined.contains("entry `stalking` is shadowed by wildcard `stalk*`"), "{joined}");
        assert!(joined.contains("regex `x*` matches the empty string"), "{joined}");
        assert!(joined.contains("wildcard `ex-partner*` contains `-`"), "{joined}");
        assert!(joined.contains("has a doubled backslash"), "{joined}");
        assert!(joined.contains("entry `harassment` of theme `b` and `harassing` of theme `a` (line 4) collapse to the same stem `harass`"), "{joined}");
    }

    /// A regex whose required text holds what normalised words never do (a capital,
    /// `-`, punctuation before a space, two spaces) is named with what to write; one
    /// that could match (in an alternation, under `(?i)`, a comma between digits, a
    /// full stop inside a word) is not.
    /// `?` and `???` (every word of one and of three letters) were taken without a word.
    #[test]
    fn wildcards_of_few_letters_besides_question_marks_are_warned_about() {
        let m = messages("[[theme]]\nid = \"a\"\nterms = [\"?\", \"???\", \"c?st\", \"?at\", \"ab*\"]\n");
        let joined = m.join("\n");
        for want in [
            "wildcard `?` has only 0 letter(s) besides its `?`: it matches every word of its length",
            "wildcard `???` has only 0 letter(s) besides its `?`",
            "wildcard `?at` has only 2 letter(s) besides its `?`",
            "wildcard `ab*` has only 2 letter(s) before `*`",
        ] {
            assert!(joined.contains(want), "{want}\n{joined}");
        }
        assert!(!joined.contains("`c?st`"), "{joined}");
    }

    #[test]
    fn finds_regexes_that_can_never_match() {
        let m = messages(
            r#"
[[theme]]
id = "a"
regex = ['\bLegal aid', 'e-mail', 'legal, aid', 'cost  me', "x\ty"]
[[theme]]
id = "b"
regex = ['(?i)\bLegal', '(?:Legal|legal) aid', '1,000 pounds', 'e\.g', "don't", '\bcost\b', 'fee-?s']
"#,
        );
        let joined = m.join("\n");
        for want in [
            "regex `\\bLegal aid` can never match: it holds `L`, but words are in lower case: write `legal aid`, or `(?i)` before it",
            "regex `e-mail` can never match: it holds `-`, which words never hold (punctuation between words is dropped and words are joined by single spaces): write `e mail`",
            "regex `legal, aid` can never match: it holds `,` before a space, which words never end with (punctuation between words is dropped): write `legal aid`",
            "regex `cost  me` can never match: it holds two spaces in a row",
            "can never match: it holds '\\t', but words are joined by single spaces",
        ] {
            assert!(joined.contains(want), "{want}\n{joined}");
        }
        assert_eq!(joined.matches("can never match").count(), 5, "{joined}");
        // Apostrophes are `'` in the words.
        assert!(
            unmatchable_text("don\u{2019}t", &Default::default())
                .is_some_and(|m| m == "holds `\u{2019}`, but words hold their apostrophes as `'`: write `don't`")
        );
        assert_eq!(unmatchable_text("don't", &Default::default()), None);
        // With hyphenated words whole (imported dictionaries read them so), `e-mail` is
        // one word, hyphen and all.
        let whole = crate::text::AnalyzerOptions { hyphenated_words: true, ..Default::default() };
        assert_eq!(unmatchable_text("e-mail", &whole), None);
        assert!(unmatchable_text("e/mail", &whole).is_some_and(|m| m.starts_with("holds `/`")));
        assert!(unmatchable_text("e-mail", &Default::default()).is_some_and(|m| m.starts_with("holds `-`")));
        // Symbols of any script are no part of a word (`£30` is the word `30`), and a
        // piece of nothing else is left out, not rewritten as nothing.
        let never = |piece: &str| unmatchable_text(piece, &Default::default()).unwrap_or_default();
        assert!(never("\u{a3}\\d+").starts_with("holds `\u{a3}`, which words never hold"), "{}", never("\u{a3}\\d+"));
        assert!(never("\u{a3}\\d+").ends_with("leave it out"), "{}", never("\u{a3}\\d+"));
        assert!(never("\u{20ac}40").ends_with("write `40`"), "{}", never("\u{20ac}40"));
        assert!(never("\u{1F600}").starts_with("holds `\u{1F600}`"));
        assert!(never("\\$\\d+").ends_with("leave it out"), "{}", never("\\$\\d+"));
        for fine in [
            "caf\u{e9}",
            "l\u{b7}l",
            "snake_case",
            "e\\.g",
            "\u{65e5}\u{672c}",
            "\u{5e9}\u{5dc}\u{5d5}\u{5dd}",
            "x\u{301}",
        ] {
            assert_eq!(unmatchable_text(fine, &Default::default()), None, "{fine}");
        }
        // Words the language respells: German `ue`, Russian `ё`.
        let m = messages(
            r#"
[settings]
language = "german"
[[theme]]
id = "a"
regex = ['\bgebuehren\b', 'israel', 'quelle|feuer', 'neue steuer']
"#,
        );
        let joined = m.join("\n");
        assert!(joined.contains("regex `\\bgebuehren\\b` can never match: it holds `gebuehren`, which german words read as `gebühren`: write `gebuhren`"), "{joined}");
        assert!(
            joined.contains(
                "regex `israel` can never match: it holds `israel`, which german words read as `isräl`: write `isral`"
            ),
            "{joined}"
        );
        assert_eq!(joined.matches("can never match").count(), 2, "{joined}");
        let m =
            messages("[settings]\nlanguage = \"ru\"\nfold_accents = false\n[[theme]]\nid = \"a\"\nregex = ['ещё']\n");
        assert!(m.join("\n").contains("it holds `ещё`, which russian words read as `еще`: write `еще`"), "{m:?}");
        let m = messages(
            "[settings]\nlanguage = \"fr\"\n[[theme]]\nid = \"a\"\nregex = [\"\\\\bl'eglise\", \"aujourd'hui\"]\n",
        );
        let joined = m.join("\n");
        assert!(
            joined.contains("it holds `l'eglise`, which french words read as `eglise`: write `eglise`"),
            "{joined}"
        );
        assert_eq!(joined.matches("can never match").count(), 1, "{joined}");
    }

    /// Exclusions are exact wordings that veto, not entries: `exclude = ["kind"]` beside
    /// the entry `kind` was called a duplicate of it, and an exclusion `kindness` of
    /// another theme a collision. What is said instead is what the exclusion does to
    /// the entries it vetoes (testers' report on `lexicon check`).
    #[test]
    fn exclusions_are_no_entries_but_are_named_where_they_veto_an_entry() {
        let m = messages(
            "[[theme]]\nid = \"a\"\nterms = [\"kind\", \"wait*\", \"=nice\", \"long wait\", \"cost\"]\n\
             exclude = [\"kind\", \"waiting\", \"nice\", \"wait*\", \"costs\"]\n\
             [[theme]]\nid = \"b\"\nterms = [\"nice\"]\nexclude = [\"kindness\"]\n",
        );
        assert_eq!(
            m,
            [
                "4: theme `a`: exclusion `kind` vetoes every match of entry `kind` (line 3) where an answer writes `kind`: exclusions match exact wordings, not stems, so the entry counts only on other words of stem `kind`",
                "4: theme `a`: exclusion `nice` vetoes every match of entry `=nice` (line 3), which can never count (an exclusion vetoes the matches of its theme it overlaps)",
                "4: theme `a`: exclusion `wait*` vetoes every match of entry `long wait` (line 3), which can never count (an exclusion vetoes the matches of its theme it overlaps)",
                "4: theme `a`: exclusion `wait*` vetoes every match of entry `wait*` (line 3), which can never count (an exclusion vetoes the matches of its theme it overlaps)",
            ],
            "{m:#?}"
        );
        // As matched: the entry `kind` counts on "kindness" only; `=nice` never.
        let (_, c) = lex("[[theme]]\nid = \"a\"\nterms = [\"kind\", \"=nice\"]\nexclude = [\"kind\", \"nice\"]\n");
        let mut scanner = Scanner::new();
        let all = c.applies(None);
        let mut coded = |text: &str| {
            scanner.scan(&c, text);
            coding::code(&c, &scanner, &all).has(0)
        };
        assert!(!coded("kind and nice") && coded("kindness"));
    }

    /// Phrases and rules the same once analysed are duplicates as words are, and collide
    /// across themes as words do: `long wait` twice, `long waits`, `follow-up` beside
    /// `follow up` and a NEAR rule with its operands swapped gave no warning (testers'
    /// report); BEFORE rules in the two orders are two rules.
    #[test]
    fn duplicate_phrases_and_rules_are_found() {
        let m = messages(
            "[[theme]]\nid = \"a\"\nterms = [\"long wait\", \"long wait\", \"long waits\", \"follow-up\", \"follow up\", \
             \"wait* NEAR/3 long\", \"long NEAR/3 wait*\", \"wait* BEFORE/3 long\", \"long BEFORE/3 wait*\", \
             \"=fee|=fees SENTENCE court\", \"court SENTENCE =fees|=fee|=fees\"]\n\
             [[theme]]\nid = \"b\"\nterms = [\"long waiting\", \"wait* NEAR/3 long\", \"follow up NEAR/3 long\"]\n",
        );
        assert_eq!(
            m,
            [
                "3: theme `a`: entry `court SENTENCE =fees|=fee|=fees` duplicates `=fee|=fees SENTENCE court` (line 3): both match `court SENTENCE =fee|=fees`",
                "3: theme `a`: entry `follow up` duplicates `follow-up` (line 3): both match stems `follow up`",
                "3: theme `a`: entry `long NEAR/3 wait*` duplicates `wait* NEAR/3 long` (line 3): both match `long NEAR/3 wait*`",
                "3: theme `a`: entry `long wait` duplicates `long wait` (line 3): both match stems `long wait`",
                "3: theme `a`: entry `long waits` duplicates `long wait` (line 3): both match stems `long wait`",
                "6: entry `long waiting` of theme `b` and `long wait` of theme `a` (line 3) collapse to the same stems `long wait`",
                "6: entry `wait* NEAR/3 long` of theme `b` and `wait* NEAR/3 long` of theme `a` (line 3) collapse to the same `long NEAR/3 wait*`",
            ],
            "{m:#?}"
        );
    }

    /// Phrases that read like rules are legal phrases of their words (`near`, `and`),
    /// which matched almost nothing without a word (testers' report).
    #[test]
    fn phrases_written_like_rules_are_named() {
        let m = messages(
            "[[theme]]\nid = \"a\"\nterms = [\"kind NEAR staff\", \"kind AND staff\", \"kind OR nice OR good\", \
             \"kind near/3 staff\", \"kind NOT staff\", \"kind NOT NEAR staff\", \"near the station\", \"AND\", \"kind NEAR/3 staff\"]\n",
        );
        assert_eq!(
            m,
            [
                "3: theme `a`: `kind AND staff` is read as a phrase of 3 words: `AND` is read as the word and: write `kind SENTENCE staff` (both in one sentence) or `kind NEAR/5 staff` for a rule",
                "3: theme `a`: `kind NEAR staff` is read as a phrase of 3 words: `NEAR` without `/N` is read as the word near: write `kind NEAR/5 staff` for a proximity rule",
                "3: theme `a`: `kind NOT NEAR staff` is read as a phrase of 4 words: `NOT NEAR` without `/N` is read as the words not near: write `kind NOT NEAR/5 staff` for a proximity rule",
                "3: theme `a`: `kind NOT staff` is read as a phrase of 3 words: `NOT` is read as the word not: write `kind NOTNEAR/5 staff` for `kind` unless `staff` is near",
                "3: theme `a`: `kind OR nice OR good` is read as a phrase of 5 words: `OR` is read as the word or: list the words as separate entries for OR (`kind`, `nice`, `good`)",
                "3: theme `a`: `kind near/3 staff` is read as a phrase of 3 words: `near/3` is read as the words `near 3`: operators are written in capitals: write `kind NEAR/3 staff`",
            ],
            "{m:#?}"
        );
    }

    /// A negative weight counts against a threshold; without one it codes the theme as
    /// any match does, which was said nowhere (testers' report).
    #[test]
    fn a_negative_weight_without_a_threshold_is_named() {
        let entries = "terms = [\"kind\", { term = \"rude\", weight = -1 }]\n";
        let m = messages(&format!("[[theme]]\nid = \"a\"\n{entries}"));
        assert_eq!(
            m,
            [
                "3: theme `a`: entry `rude` has weight -1, but the theme has no threshold: a match of it codes the theme as any match does (a negative weight only takes away from the weights that must reach a `threshold`)"
            ]
        );
        assert!(messages(&format!("[[theme]]\nid = \"a\"\nthreshold = 1\n{entries}")).is_empty());
    }

    /// A regex is compared with the words as normalising makes them, not as lower-casing
    /// does: a final `ς` is `σ`, `ß` is `ss`, a ligature its letters, and none of these
    /// regexes matched or was warned of; one typed decomposed matched nothing either, and
    /// now matches, composed as the words are (testers' report).
    #[test]
    fn regexes_are_compared_with_normalised_words() {
        let lexicon = |language: &str, fold: bool, regex: &str| {
            format!(
                "[settings]\nlanguage = \"{language}\"\nfold_accents = {fold}\n[[theme]]\nid = \"a\"\nregex = ['{regex}']\n"
            )
        };
        let mut scanner = Scanner::new();
        for (language, written, holds, answer) in [
            (
                "el",
                "\u{3ba}\u{3cc}\u{3c3}\u{3c4}\u{3bf}\u{3c2}",
                "\u{3ba}\u{3cc}\u{3c3}\u{3c4}\u{3bf}\u{3c3}",
                "\u{3a4}\u{3bf} \u{3ba}\u{3cc}\u{3c3}\u{3c4}\u{3bf}\u{3c2}",
            ),
            ("de", "stra\u{df}e", "strasse", "Die Stra\u{df}e"),
            ("en", "\u{fb01}nance", "finance", "the \u{fb01}nance office"),
            ("nl", "\u{133}s", "ijs", "het \u{133}s"),
        ] {
            let m = messages(&lexicon(language, true, &format!("\\b{written}\\b")));
            let want = format!("it holds `{written}`, which words hold as `{holds}`");
            assert!(m.iter().any(|f| f.contains(&want)), "{want}\n{m:#?}");
            // What it says to write matches the answer that spells the word as written.
            let (_, c) = lex(&lexicon(language, true, &format!("\\b{holds}\\b")));
            scanner.scan(&c, answer);
            assert_eq!(scanner.hits().len(), 1, "{language}: {holds} in {answer}");
        }
        let decomposed = lexicon("fr", false, "\\bde\u{301}pute\u{301}\\b");
        assert!(messages(&decomposed).is_empty());
        let (_, c) = lex(&decomposed);
        scanner.scan(&c, "le d\u{e9}put\u{e9}");
        assert_eq!(scanner.hits().len(), 1);
    }

    /// A wildcard's letters are counted as it is matched, besides all its wildcards:
    /// French `l'é*` (`e*`, every word in e) had no warning, `*straße` and `*einsatz`
    /// were said to have 0 letters before `*`, `fu?ball*` 2, and a decomposed `é*` two
    /// (testers' report).
    #[test]
    fn wildcards_are_judged_as_matched() {
        let m = messages(
            "[settings]\nlanguage = \"fr\"\n[[theme]]\nid = \"a\"\nterms = [\"l'\u{e9}*\", \"*s\", \"c*t\", \"cou?t*\"]\n",
        );
        assert_eq!(
            m,
            [
                "5: theme `a`: wildcard `*s` has only 1 letter(s) besides its wildcards: it matches much of the vocabulary",
                "5: theme `a`: wildcard `c*t` has only 2 letter(s) besides its wildcards: it matches much of the vocabulary",
                "5: theme `a`: wildcard `l'\u{e9}*` (matched as `e*`) has only 1 letter(s) before `*`: it matches much of the vocabulary",
            ],
            "{m:#?}"
        );
        // A combining accent is no letter of its own: `é*`, accents kept.
        let m = messages("[settings]\nfold_accents = false\n[[theme]]\nid = \"a\"\nterms = [\"e\u{301}*\"]\n");
        assert_eq!(
            m,
            [
                "5: theme `a`: wildcard `e\u{301}*` (matched as `\u{e9}*`) has only 1 letter(s) before `*`: it matches much of the vocabulary"
            ]
        );
        let m = messages(
            "[settings]\nlanguage = \"de\"\n[[theme]]\nid = \"a\"\nterms = [\"*stra\u{df}e\", \"*einsatz\", \"fu?ball*\"]\n",
        );
        assert!(m.is_empty(), "{m:#?}");
    }

    /// A term listed twice in one theme is a duplicate there even when another theme
    /// listed it first (the second listing was only reported as the collision again).
    #[test]
    fn a_duplicate_is_found_after_another_themes_use() {
        let m = messages(
            "[[theme]]\nid = \"cost\"\nterms = [\"fee\"]\n[[theme]]\nid = \"other\"\nterms = [\"fee\", \"fees\"]\n",
        );
        let joined = m.join("\n");
        assert!(
            joined.contains("theme `other`: entry `fees` duplicates `fee` (line 6): both match stem `fee`"),
            "{joined}"
        );
        assert!(
            joined.contains("entry `fee` of theme `other` and `fee` of theme `cost` (line 3) collapse"),
            "{joined}"
        );
        assert_eq!(m.len(), 2, "{m:#?}");
    }

    /// Answers are matched in British spelling: a regex spelling a word the American
    /// way never matches it (`\bcolor\b`), and a glob in one spelling shadows a word
    /// in the other.
    #[test]
    fn american_spellings_in_regexes_and_globs() {
        let m = messages(
            r#"
[[theme]]
id = "a"
terms = ["color*", "=colour", "colour", "organisation"]
regex = ['\b(the|a) color\b', '\bcolou?r\b', '\b(organizations?|hue)\b', '\bcolour\b', '\b(colours?|colors?)\b']
"#,
        );
        assert_eq!(m.len(), 3, "{m:#?}");
        let has = |parts: &[&str]| m.iter().any(|f| parts.iter().all(|p| f.contains(p)));
        // The word `=colour` (and "color"), not the stemmed `colour`: a stem is said to
        // be shadowed only by a wildcard in its own spelling, as every form of it need
        // not have an American spelling in the table.
        assert!(has(&["entry `=colour` is shadowed by wildcard `color*`"]), "{m:#?}");
        assert!(has(&[r"regex `\b(the|a) color\b` spells `color` the American way", "write `colour`"]), "{m:#?}");
        assert!(has(&["spells `organization` the American way", "write `organisation`"]), "{m:#?}");
        // Without spelling variants, American spellings match as written.
        let m = messages("[settings]\nspelling_variants = false\n[[theme]]\nid = \"a\"\nregex = ['\\bcolor\\b']\n");
        assert!(m.is_empty(), "{m:?}");
    }

    /// Regexes run over words with accents folded: an accented Latin letter in one
    /// never matches (`café`, `cafe\u{301}`, `æ`); other scripts' letters do.
    #[test]
    fn accented_letters_in_regexes() {
        let m = messages(
            "[[theme]]\nid = \"x\"\nregex = ['\\bcafé\\b', 'cafe\u{301}', 'encyclopædia', '\\bйод\\b', '\\bcafe\\b']\n",
        );
        assert_eq!(
            m,
            [
                r"3: theme `x`: regex `\bcafé\b` holds `é`, but regexes run over words with accents folded (fold_accents): write `\bcafe\b`",
                "3: theme `x`: regex `cafe\u{301}` holds `e\u{301}`, but regexes run over words with accents folded (fold_accents): write `cafe`",
                "3: theme `x`: regex `encyclopædia` holds `æ`, but regexes run over words with accents folded (fold_accents): write `encyclopaedia`",
            ],
            "{m:#?}"
        );
        assert_eq!(accented_latin_letter("naïve ø"), Some("ï"));
        assert_eq!(accented_latin_letter("plain йод λόγος \u{301}"), None);
        // With accents kept, they match as written.
        let m = messages("[settings]\nfold_accents = false\n[[theme]]\nid = \"x\"\nregex = ['\\bcafé\\b']\n");
        assert!(m.is_empty(), "{m:?}");
    }

    #[test]
    fn clean_lexicon_has_no_findings() {
        assert!(messages("[[theme]]\nid = \"a\"\nterms = [\"cost\", \"legal aid\"]\n").is_empty());
    }

    #[test]
    fn examples_are_tested() {
        // Each failure names its example's line (it named the theme's).
        let (l, c) =
            lex("[[theme]]\nid = \"a\"\nterms = [\"cost\"]\n[theme.examples]\nmatch = [\"the cost\",\n\"fees\"]\n\
             no_match = [\"no cost\", \"a cost\"]\n");
        let (failures, run) = test_examples(&l, &c);
        assert_eq!(run, 4);
        // Named as other findings are, `file:line:` (it said `line 6:`, no file).
        let shown: Vec<String> = failures.iter().map(|f| format!("{}: {f}", f.location(Path::new("l.toml")))).collect();
        assert_eq!(
            shown,
            [
                "l.toml:6: theme `a`: example \"fees\" should assert it but does not",
                "l.toml:7: theme `a`: example \"a cost\" should not assert it but does"
            ]
        );
    }

    #[test]
    fn corpus_stats_find_dead_and_broad_entries() {
        let (_, c) = lex("[[theme]]\nid = \"a\"\nterms = [\"the\", \"zebra\", \"cost\"]\n");
        let stats = CorpusStats::collect(&c, ["the cost", "the end", "", "the cost of the cost"]);
        assert_eq!(stats.answers, 3);
        assert_eq!(stats.answers_hit, [3, 0, 2]);
        let f: Vec<String> = stats.findings(&c, 0.9).into_iter().map(|f| f.message).collect();
        assert_eq!(
            f,
            [
                "theme `a`: entry `the` matches 3 of 3 answers (100%): too broad?",
                "theme `a`: entry `zebra` never matches in the corpus (3 answers)"
            ]
        );
    }

    /// A French corpus checked with an English lexicon is named as French; an English
    /// one, or the French corpus with a French lexicon, is not flagged.
    #[test]
    fn a_corpus_in_another_language_than_the_lexicons_is_a_finding() {
        let french = [
            "Les frais de justice sont trop élevés pour les victimes et la police ne répond pas.",
            "Il faut que le tribunal prenne en compte la situation de la personne.",
            "C'est une bonne idée mais elle arrive trop tard pour nous.",
        ];
        let english = [
            "The court fees are too high for victims and the police do not answer.",
            "It is a good idea but it comes too late for us.",
        ];
        let language_findings = |lexicon: &str, corpus: &[&str]| {
            let (_, c) = lex(lexicon);
            let stats = CorpusStats::collect(&c, corpus.iter().copied());
            stats.findings(&c, 1.0).into_iter().filter(|f| f.message.contains("reads as")).collect::<Vec<_>>()
        };
        let entries = "[[theme]]\nid = \"a\"\nterms = [\"frais\"]\n";
        let found = language_findings(entries, &french);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.starts_with("the corpus reads as french, not english (the lexicon's language):")
                && found[0].message.contains("language = \"french\""),
            "{}",
            found[0].message
        );
        assert!(language_findings(entries, &english).is_empty());
        assert!(language_findings(&format!("[settings]\nlanguage = \"fr\"\n{entries}"), &french).is_empty());
        // A few words are no corpus to judge: none of a list's words, no finding.
        assert!(language_findings(entries, &["Paris", "Lyon"]).is_empty());
    }
}
