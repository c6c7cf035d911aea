//! Writing a [`Lexicon`] out as a LIWC `.dic` or a quanteda-style YAML dictionary.
//!
//! Both formats hold themes (with their hierarchy) and word, wildcard and phrase
//! entries, nothing more: what they cannot hold (proximity rules, regular
//! expressions, exclusions, weights, stemming, negation) is left out or approximated,
//! and each such loss is reported in [`Export::warnings`], so a caller can refuse a
//! lossy export. A lexicon read from a `.dic` (or YAML) file and written back reads
//! as the same lexicon. Pure: the caller writes [`Export::text`] where it wants.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{Lexicon, MatchRule, OverlapScope, Rule, Term, TermToken, Theme};

/// The text of an exported dictionary and what the export could not keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// The file's contents.
    pub text: String,
    /// What was left out or changed, one message each.
    pub warnings: Vec<String>,
}

/// Themes in tree order (each parent before its children, siblings in lexicon order),
/// with their depth.
fn tree_order(lexicon: &Lexicon) -> Vec<(usize, usize)> {
    fn visit(lexicon: &Lexicon, parent: Option<&str>, depth: usize, out: &mut Vec<(usize, usize)>) {
        if depth > lexicon.themes.len() {
            return; // a parent cycle (Lexicon::validate refuses them): stop
        }
        for (i, t) in lexicon.themes.iter().enumerate() {
            if t.parent.as_deref() == parent && !out.iter().any(|&(j, _)| j == i) {
                out.push((i, depth));
                visit(lexicon, Some(&t.id), depth + 1, out);
            }
        }
    }
    let mut out = Vec::with_capacity(lexicon.themes.len());
    visit(lexicon, None, 0, &mut out);
    // Themes whose parent is unknown go at the top level rather than vanish.
    for i in 0..lexicon.themes.len() {
        if !out.iter().any(|&(j, _)| j == i) {
            out.push((i, 0));
        }
    }
    out
}

/// A term's words as a dictionary writes them (no `=` marks).
fn term_text(term: &Term) -> String {
    let words: Vec<&str> = term.tokens.iter().map(TermToken::text).collect();
    words.join(" ")
}

/// The lexicon settings a dictionary cannot hold: one is read back with the settings
/// every imported dictionary gets (see `import::settings`), so a lexicon whose own
/// differ would code differently.
fn settings_lost(lexicon: &Lexicon) -> Vec<String> {
    let mut warnings = Vec::new();
    if lexicon.settings.spelling_variants {
        warnings.push(
            "spelling variants are not kept: codeframe matches American and British spellings alike (behaviour, behavior); read back, the dictionary matches each as written".to_string(),
        );
    }
    if lexicon.settings.fold_accents {
        warnings.push(
            "accents are not folded: codeframe matches words with and without accents alike (café, cafe); read back, the dictionary matches each as written".to_string(),
        );
    }
    let language = lexicon.settings.language;
    if language != crate::text::Language::English {
        warnings.push(format!(
            "the language is not kept: a dictionary does not say it; read it back with `--dictionary-language {language}`"
        ));
    }
    if !lexicon.settings.hyphenated_words {
        warnings.push(
            "hyphenated words are not kept apart: codeframe splits `ex-partner` into two words (so it matches `ex partner`); read back, the dictionary keeps hyphenated words whole".to_string(),
        );
    }
    warnings
}

/// The dictionary terms of `theme`, warning about what a dictionary cannot hold.
fn theme_terms(theme: &Theme, yaml: bool, warnings: &mut Vec<String>) -> Vec<(String, Option<u64>)> {
    let mut out = Vec::new();
    let mut stemmed_words = false;
    for e in &theme.entries {
        let Rule::Term(term) = &e.rule else {
            warnings.push(format!("theme `{}`: entry `{}` is not a word or phrase: left out", theme.id, e.rule));
            continue;
        };
        for t in &term.tokens {
            match t {
                TermToken::Word(_) if theme.options.stem && !theme.options.case_sensitive => stemmed_words = true,
                TermToken::Stem(s) => warnings.push(format!(
                    "theme `{}`: `{s}` is a stem: written as a word (read it back with stems as terms)",
                    theme.id
                )),
                TermToken::Glob(g) if !yaml && g.contains('?') => warnings.push(format!(
                    "theme `{}`: in `{g}`, `?` is a wildcard here but a plain character in a .dic, which no word holds: read back, the entry is left out",
                    theme.id
                )),
                TermToken::Exact(w) | TermToken::Word(w) if yaml && w.contains(['*', '?']) => warnings.push(format!(
                    "theme `{}`: `{w}` holds `?` or `*`, which a YAML dictionary reads as a wildcard",
                    theme.id
                )),
                _ => {}
            }
        }
        if e.weight != 1.0 {
            warnings.push(format!("theme `{}`: the weight {} of `{}` is left out", theme.id, e.weight, e.rule));
        }
        if !e.questions.is_empty() {
            warnings.push(format!(
                "theme `{}`: `{}` applies only to {}: it will apply to every question",
                theme.id,
                e.rule,
                e.questions.join(", ")
            ));
        }
        out.push((term_text(term), e.line));
    }
    if stemmed_words {
        warnings.push(format!(
            "theme `{}`: its words are stemmed in codeframe; the dictionary matches them as written",
            theme.id
        ));
    }
    if !theme.exclusions.is_empty() {
        warnings.push(format!("theme `{}`: {} exclusion(s) left out", theme.id, theme.exclusions.len()));
    }
    if !theme.questions.is_empty() {
        warnings.push(format!("theme `{}`: its questions ({}) are left out", theme.id, theme.questions.join(", ")));
    }
    if theme.options.threshold > 0.0 {
        warnings.push(format!("theme `{}`: its threshold {} is left out", theme.id, theme.options.threshold));
    }
    if theme.options.case_sensitive {
        warnings.push(format!("theme `{}`: case-sensitive in codeframe, not in the dictionary", theme.id));
    }
    if theme.options.negation {
        warnings.push(format!("theme `{}`: negation is not kept", theme.id));
    }
    out
}

/// One body line of a `.dic` being written: where its term was first seen (source line,
/// then order met) and the category numbers that list it.
struct Line {
    line: u64,
    seen: usize,
    categories: Vec<usize>,
    /// The categories codeframe counts the term for (its themes and their parents),
    /// before the line is widened.
    own: Vec<usize>,
}

/// The prefix of a wildcard term a `.dic` can say (`fee*`: `fee`), if it is one.
fn wildcard_prefix(term: &str) -> Option<&str> {
    term.strip_suffix('*').filter(|p| !p.is_empty() && !p.contains([' ', '*', '?']))
}

/// A category name fit for a `.dic` header line (no tabs or line breaks).
fn dic_name(name: &str) -> String {
    name.split(['\t', '\r', '\n']).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Writes `lexicon` as a LIWC `.dic`: the `%` header numbers the themes in tree
/// order, children indented by a tab; each term is one line with every category that
/// lists it (in the order of the lines it came from, where known).
///
/// # Example
/// ```
/// use std::path::Path;
/// use codeframe::lexicon::{Lexicon, export};
///
/// let lex = Lexicon::from_str_with_path("%\n1\tcare\n2\tharm\n%\nkind*\t1\nhurt\t1\t2\n", Path::new("m.dic")).unwrap();
/// let out = export::to_dic(&lex);
/// assert_eq!(out.text, "%\n1\tcare\n2\tharm\n%\nkind*\t1\nhurt\t1\t2\n");
/// assert!(out.warnings.is_empty());
/// ```
pub fn to_dic(lexicon: &Lexicon) -> Export {
    let mut warnings = settings_lost(lexicon);
    let mut text = String::from("%\n");
    let order = tree_order(lexicon);
    let mut number = vec![0usize; lexicon.themes.len()];
    for (n, &(i, depth)) in order.iter().enumerate() {
        let t = &lexicon.themes[i];
        number[i] = n + 1;
        let id = dic_name(&t.id);
        if id != t.id {
            warnings.push(format!("theme `{}`: tabs and line breaks in its name became spaces", t.id));
        }
        let _ = write!(text, "{}{}\t{id}", "\t".repeat(depth), n + 1);
        let label = dic_name(&t.label);
        // `harm (virtue)` alone would read back as the name `harm`, labelled `virtue`:
        // after a tab, the whole of it is the name.
        let looks_labelled = id.contains(" (") && id.ends_with(')');
        if !label.is_empty() && label != id || looks_labelled {
            let _ = write!(text, "\t({})", if label.is_empty() { &id } else { &label });
        }
        text.push('\n');
    }
    text.push_str("%\n");
    // Read back, a .dic counts a word once, for the one line that matches it (the
    // word itself before a wildcard), and a category only for lines that list it.
    // codeframe counts a match for every theme whose entry matches, and for their
    // parents: so a codeframe lexicon's line lists its themes' ancestors too, a
    // word's line the categories of the wildcards that also match it, and a phrase's
    // line those of the lines its words would match alone.
    let codeframe_rule = lexicon.settings.match_rule != MatchRule::Liwc;
    let mut terms: HashMap<String, Line> = HashMap::new();
    for &(i, _) in &order {
        let mut categories = vec![number[i]];
        if codeframe_rule {
            let mut parent = lexicon.themes[i].parent.as_deref();
            while let Some(p) = parent.and_then(|p| lexicon.themes.iter().position(|t| t.id == p)) {
                if categories.contains(&number[p]) {
                    break; // a cycle (refused on reading)
                }
                categories.push(number[p]);
                parent = lexicon.themes[p].parent.as_deref();
            }
        }
        for (term, line) in theme_terms(&lexicon.themes[i], false, &mut warnings) {
            let seen = terms.len();
            let e = terms.entry(term).or_insert(Line { line: u64::MAX, seen, categories: Vec::new(), own: Vec::new() });
            e.line = e.line.min(line.unwrap_or(u64::MAX));
            for &c in &categories {
                if !e.categories.contains(&c) {
                    e.categories.push(c);
                }
            }
        }
    }
    for l in terms.values_mut() {
        l.own = l.categories.clone();
    }
    if codeframe_rule {
        // What each line would count on its own, before any is widened: words (and
        // phrases) by their text, wildcards by their prefix.
        let lines: Vec<(String, Vec<usize>)> = terms.iter().map(|(t, l)| (t.clone(), l.categories.clone())).collect();
        let exact: HashMap<&str, &Vec<usize>> = lines.iter().map(|(t, c)| (t.as_str(), c)).collect();
        let wild: HashMap<&str, &Vec<usize>> =
            lines.iter().filter_map(|(t, c)| wildcard_prefix(t).map(|p| (p, c))).collect();
        // The wildcards matching `word` whose prefix is at most `longest` bytes.
        let covering = |word: &str, longest: usize| -> Vec<&Vec<usize>> {
            word.char_indices()
                .map(|(i, ch)| i + ch.len_utf8())
                .filter(|&end| end <= longest)
                .filter_map(|end| wild.get(&word[..end]).copied())
                .collect()
        };
        for (term, l) in &mut terms {
            // The lines that also match what this one matches: for a wildcard, shorter
            // wildcards it extends (`fee*` for `fees*`); for a word, the wildcards
            // covering it; for a phrase (LIWC reads it first, taking its words from
            // every other line), the lines each of its words would match alone.
            let widening: Vec<&Vec<usize>> = match wildcard_prefix(term) {
                Some(own) => covering(own, own.len() - 1),
                None if term.contains(['*', '?']) => Vec::new(),
                None => {
                    let words: Vec<&str> = term.split(' ').collect();
                    let alone = |w: &&str| exact.get(w).copied().filter(|_| words.len() > 1);
                    words.iter().flat_map(|w| covering(w, w.len()).into_iter().chain(alone(w))).collect()
                }
            };
            for c in widening.into_iter().flatten() {
                if !l.categories.contains(c) {
                    l.categories.push(*c);
                }
            }
        }
    }
    let mut lines: Vec<(String, Line)> = terms.into_iter().collect();
    lines.sort_by_key(|(_, l)| (l.line, l.seen));
    if codeframe_rule {
        let mut names = vec![String::new(); order.len()];
        for &(i, _) in &order {
            names[number[i] - 1] = lexicon.themes[i].id.clone();
        }
        let per_theme = lexicon.settings.overlap == OverlapScope::Theme;
        warnings.extend(shared_words(&lines, &names, per_theme));
    }
    for (term, mut l) in lines {
        l.categories.sort_unstable();
        let cats: Vec<String> = l.categories.iter().map(|c| c.to_string()).collect();
        let _ = writeln!(text, "{term}\t{}", cats.join("\t"));
    }
    Export { text, warnings }
}

/// Whether some word matches both `a` and `b`, words or `*` patterns of a `.dic`
/// (`happ*` and `*ness` both match "happiness").
fn words_meet(a: &str, b: &str) -> bool {
    if !a.contains('*') && !b.contains('*') {
        return a == b;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // meet[i][j]: the rests a[i..] and b[j..] match a common string. A `*` may match
    // nothing, or take the other side's next character.
    let mut meet = vec![vec![false; b.len() + 1]; a.len() + 1];
    for i in (0..=a.len()).rev() {
        for j in (0..=b.len()).rev() {
            meet[i][j] = match (a.get(i), b.get(j)) {
                (None, None) => true,
                (Some('*'), _) if meet[i + 1][j] => true,
                (_, Some('*')) if meet[i][j + 1] => true,
                (Some('*'), Some(_)) => meet[i][j + 1],
                (Some(_), Some('*')) => meet[i + 1][j],
                (Some(x), Some(y)) => x == y && meet[i + 1][j + 1],
                _ => false,
            };
        }
    }
    meet[0][0]
}

/// The pairs of lines of a `.dic` written from a codeframe lexicon whose counts LIWC's
/// reading cannot keep: where two terms can match overlapping words, LIWC counts
/// those words once, for the line it reads first (the one starting first, then the
/// longer, then a word before a wildcard...), and only in that line's categories and
/// with its number of words. codeframe counts each theme's own match, the longest
/// where one theme's overlap (or, with `overlap = "lexicon"`, the longest of all).
/// Lines widened with a covering wildcard's categories are exact (`fees` under
/// `fee*`'s theme); a phrase widened with its words' categories counts the phrase's
/// words for them, not the one word codeframe counts. One warning per pair, naming
/// both entries, their themes and the themes that count differently.
fn shared_words(lines: &[(String, Line)], names: &[String], per_theme: bool) -> Vec<String> {
    struct Term<'a> {
        words: Vec<&'a str>,
        literal: bool,
        leading_star: bool,
        chars: usize,
    }
    let terms: Vec<Term> = lines
        .iter()
        .map(|(t, _)| Term {
            words: t.split(' ').collect(),
            literal: !t.contains('*'),
            leading_star: t.starts_with('*'),
            chars: t.chars().count(),
        })
        .collect();
    // Every word of every term, sorted, to find the terms a word may meet.
    let mut index: Vec<(&str, usize, usize)> = Vec::new();
    for (k, t) in terms.iter().enumerate() {
        for (i, w) in t.words.iter().enumerate() {
            index.push((w, k, i));
        }
    }
    index.sort_unstable();
    let patterns: Vec<(&str, usize, usize)> =
        index.iter().copied().filter(|(w, _, _)| w.contains('*') && wildcard_prefix(w).is_none()).collect();
    // The words starting with `from`: one run of the sorted index.
    let starting = |from: &str| -> &[(&str, usize, usize)] {
        let at = index.partition_point(|(w, _, _)| *w < from);
        let len = index[at..].partition_point(|(w, _, _)| w.starts_with(from));
        &index[at..at + len]
    };
    let label = |cats: &[usize]| cats.iter().map(|&c| names[c - 1].as_str()).collect::<Vec<_>>().join(", ");
    let mut seen: std::collections::HashSet<(usize, usize, isize)> = std::collections::HashSet::new();
    let mut warned: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
    let mut warnings = Vec::new();
    for (a, ta) in terms.iter().enumerate() {
        for (i, &word) in ta.words.iter().enumerate() {
            // The words of other terms that may match the same word as this one.
            let mut others: Vec<(usize, usize)> = Vec::new();
            let prefix = wildcard_prefix(word);
            let stem = prefix.unwrap_or(word);
            if prefix.is_some() || !word.contains('*') {
                // Shorter (or equal) prefix wildcards: `fe*` for `fee*` or `fees`.
                for (end, _) in stem.char_indices().skip(1).chain([(stem.len(), ' ')]) {
                    let wild = format!("{}*", &stem[..end]);
                    others.extend(starting(&wild).iter().filter(|(w, _, _)| *w == wild).map(|&(_, k, j)| (k, j)));
                }
                match prefix {
                    Some(p) => others.extend(starting(p).iter().map(|&(_, k, j)| (k, j))),
                    None => {
                        others.extend(starting(word).iter().filter(|(w, _, _)| *w == word).map(|&(_, k, j)| (k, j)))
                    }
                }
                others.extend(patterns.iter().filter(|(w, _, _)| words_meet(w, word)).map(|&(_, k, j)| (k, j)));
            } else {
                others.extend(index.iter().filter(|(w, _, _)| words_meet(w, word)).map(|&(_, k, j)| (k, j)));
            }
            for (b, j) in others {
                if a == b {
                    continue;
                }
                // b starts `shift` words after a (before it, if negative).
                let shift = i as isize - j as isize;
                let key = if a < b { (a, b, shift) } else { (b, a, -shift) };
                if warned.contains(&(key.0, key.1)) || !seen.insert(key) {
                    continue;
                }
                let tb = &terms[b];
                let (la, lb) = (ta.words.len() as isize, tb.words.len() as isize);
                let overlap = shift.max(0)..la.min(shift + lb);
                if !overlap.clone().all(|k| words_meet(ta.words[k as usize], tb.words[(k - shift) as usize])) {
                    continue;
                }
                // The line LIWC reads first, and the other.
                let rank = |t: &Term, k: usize| {
                    (!t.literal, t.leading_star, std::cmp::Reverse(t.chars), lines[k].1.line, lines[k].1.seen)
                };
                let a_first = match shift.cmp(&0) {
                    std::cmp::Ordering::Greater => true,
                    std::cmp::Ordering::Less => false,
                    std::cmp::Ordering::Equal => {
                        (std::cmp::Reverse(la), rank(ta, a)) < (std::cmp::Reverse(lb), rank(tb, b))
                    }
                };
                let (w, l) = if a_first { (a, b) } else { (b, a) };
                let (won, lost) = (&lines[w].1, &lines[l].1);
                let (wn, ln) = (terms[w].words.len(), terms[l].words.len());
                let mut differ: Vec<usize> = lost
                    .own
                    .iter()
                    .copied()
                    .filter(|c| {
                        if won.own.contains(c) {
                            ln > wn // codeframe counts the longer of one theme's matches
                        } else {
                            !per_theme || !won.categories.contains(c) || ln != wn
                        }
                    })
                    .collect();
                if !per_theme {
                    // The longest of all overlapping matches stands, in one theme only.
                    differ.extend(won.own.iter().filter(|c| !lost.own.contains(c)));
                }
                if differ.is_empty() {
                    continue;
                }
                warned.insert((key.0, key.1));
                let (from, to) = (shift.min(0), la.max(shift + lb));
                let example: Vec<&str> = (from..to)
                    .map(|k| {
                        let x = (0..la).contains(&k).then(|| ta.words[k as usize]);
                        let y = (0..lb).contains(&(k - shift)).then(|| tb.words[(k - shift) as usize]);
                        match (x, y) {
                            (Some(x), Some(y)) if x.contains('*') && (!y.contains('*') || y.len() > x.len()) => y,
                            (Some(x), _) | (None, Some(x)) => x,
                            (None, None) => "",
                        }
                    })
                    .collect();
                differ.sort_unstable();
                differ.dedup();
                let words = |n: usize| if n == 1 { "1 word".to_string() } else { format!("{n} words") };
                warnings.push(format!(
                    "`{}` ({}) and `{}` ({}) can match the same words, as in \"{}\": LIWC's reading counts them once, for `{}` ({}), so {} count{} differently there than codeframe, which counts `{}` ({}) for {}",
                    lines[w].0,
                    label(&won.own),
                    lines[l].0,
                    label(&lost.own),
                    example.join(" "),
                    lines[w].0,
                    words(wn),
                    label(&differ),
                    if differ.len() == 1 { "s" } else { "" },
                    lines[l].0,
                    words(ln),
                    if per_theme { label(&lost.own) } else { "the theme whose match is longest".to_string() },
                ));
            }
        }
    }
    warnings
}

/// The parents a YAML dictionary would make count more than a LIWC dictionary does:
/// read back, a parent counts its children's entries (quanteda's nesting), where a
/// `.dic` category counts only the entries that list it. One warning per parent,
/// naming the entries it would gain.
fn parents_widened(lexicon: &Lexicon, order: &[(usize, usize)]) -> Vec<String> {
    const NAMED: usize = 5;
    let mut warnings = Vec::new();
    let terms = |i: usize| -> Vec<String> {
        lexicon.themes[i]
            .entries
            .iter()
            .filter_map(|e| if let Rule::Term(t) = &e.rule { Some(term_text(t)) } else { None })
            .collect()
    };
    for (k, &(i, depth)) in order.iter().enumerate() {
        let own = terms(i);
        let mut gained: Vec<String> = Vec::new();
        for &(j, _) in order[k + 1..].iter().take_while(|&&(_, d)| d > depth) {
            for t in terms(j) {
                if !own.contains(&t) && !gained.contains(&t) {
                    gained.push(t);
                }
            }
        }
        if gained.is_empty() {
            continue;
        }
        let mut named: Vec<String> = gained.iter().take(NAMED).map(|t| format!("`{t}`")).collect();
        if gained.len() > NAMED {
            named.push(format!("and {} more", gained.len() - NAMED));
        }
        warnings.push(format!(
            "category `{}`: a YAML dictionary makes a parent count its children's entries, so read back it also counts {} ({} entr{} its .dic lists only under its subcategories)",
            lexicon.themes[i].id,
            named.join(", "),
            gained.len(),
            if gained.len() == 1 { "y" } else { "ies" }
        ));
    }
    warnings
}

/// A YAML double-quoted string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{FEFF}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes `lexicon` as a quanteda-style YAML dictionary: a key per theme, children
/// nested under their parent, entries as a list; a theme that has both children and
/// entries lists its own under `_entries` (see [`super::yaml`]).
///
/// # Example
/// ```
/// use std::path::Path;
/// use codeframe::lexicon::{Lexicon, export};
///
/// let lex = Lexicon::from_str_with_path("economy:\n  growth: [grow*, boom]\n", Path::new("d.yml")).unwrap();
/// let out = export::to_yaml(&lex);
/// assert_eq!(out.text, "\"economy\":\n  \"growth\":\n    - \"grow*\"\n    - \"boom\"\n");
/// ```
pub fn to_yaml(lexicon: &Lexicon) -> Export {
    let mut warnings = settings_lost(lexicon);
    if lexicon.settings.match_rule == MatchRule::Liwc {
        warnings.push(
            "a YAML dictionary is read with quanteda's conventions: LIWC's one-entry-per-word counting is not kept"
                .to_string(),
        );
        let phrase = lexicon.themes.iter().flat_map(|t| &t.entries).find_map(|e| match &e.rule {
            Rule::Term(term) if term.tokens.len() > 1 => Some(term_text(term)),
            _ => None,
        });
        if let Some(phrase) = phrase {
            warnings.push(format!(
                "phrases such as `{phrase}` no longer match across punctuation: LIWC's reading matches `we can` in \
                 \"we) can\" and \"we. Can\", a YAML dictionary's only where no punctuation parts the words"
            ));
        }
    }
    let order = tree_order(lexicon);
    if lexicon.settings.match_rule == MatchRule::Liwc {
        warnings.extend(parents_widened(lexicon, &order));
    }
    let mut text = String::new();
    for (k, &(i, depth)) in order.iter().enumerate() {
        let t = &lexicon.themes[i];
        let indent = "  ".repeat(depth);
        let has_children = order.get(k + 1).is_some_and(|&(_, d)| d > depth);
        let terms = theme_terms(t, true, &mut warnings);
        let items = "  ".repeat(depth + if has_children { 2 } else { 1 });
        if has_children {
            let _ = writeln!(text, "{indent}{}:", quote(&t.id));
            if !terms.is_empty() {
                let _ = writeln!(text, "{indent}  {}:", super::yaml::ENTRIES_KEY);
            }
        } else if terms.is_empty() {
            let _ = writeln!(text, "{indent}{}: []", quote(&t.id));
        } else {
            let _ = writeln!(text, "{indent}{}:", quote(&t.id));
        }
        for (term, _) in &terms {
            let _ = writeln!(text, "{items}- {}", quote(term));
        }
    }
    if text.is_empty() {
        text.push_str("{}\n"); // no themes: an empty mapping, not an empty document
    }
    Export { text, warnings }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::lexicon::{Entry, ImportOptions, Theme};

    /// A lexicon as a comparable value: lines, source, name and warnings dropped,
    /// each theme's entries sorted.
    fn canonical(lex: &Lexicon) -> Lexicon {
        let mut lex = lex.clone();
        lex.source = Default::default();
        lex.name = String::new();
        lex.warnings.clear();
        for t in &mut lex.themes {
            t.line = None;
            for e in &mut t.entries {
                e.line = None;
            }
            t.entries.sort_by_key(|e| e.rule.to_string());
        }
        lex
    }

    fn read(text: &str, file: &str) -> Lexicon {
        Lexicon::from_str_with_options(text, Path::new(file), &ImportOptions::default()).unwrap()
    }

    #[test]
    fn a_dic_round_trips() {
        let original = read(include_str!("../../tests/fixtures/dictionaries/small.dic"), "small.dic");
        let out = to_dic(&original);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let again = read(&out.text, "small.dic");
        assert_eq!(canonical(&again), canonical(&original));
        assert!(again.warnings.is_empty(), "duplicated terms are merged into one line: {:?}", again.warnings);
        // and once more gives the very same text
        assert_eq!(to_dic(&again).text, out.text);
        assert!(
            out.text.starts_with("%\n1\taffect\n\t2\tposemo\n\t3\tnegemo\n4\tsocial\n5\tfunction\n%\nhapp*\t1\t2\n")
        );
        assert!(out.text.contains("\ngood\t1\t2\t5\n"));
    }

    #[test]
    fn a_yaml_dictionary_round_trips() {
        let original = read(include_str!("../../tests/fixtures/dictionaries/small.yml"), "small.yml");
        let out = to_yaml(&original);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let again = read(&out.text, "small.yml");
        assert_eq!(canonical(&again), canonical(&original));
        assert_eq!(to_yaml(&again).text, out.text);
        assert!(out.text.contains("\"culture\":\n  _entries:\n    - \"art\"\n"), "{}", out.text);
    }

    /// A `.dic` parent counts only the entries listing it; a YAML parent counts its
    /// children's too. The export names what each parent would gain (it changed
    /// counts silently).
    #[test]
    fn a_dic_parent_that_would_count_more_in_yaml_is_named() {
        let original = read(
            "%\n1\taffect\n\t2\tposemo\n\t3\tnegemo\n4\tsocial\n%\ngood\t1\t2\nwell-being\t2\nhurt*\t3\nfriend\t4\n",
            "t.dic",
        );
        let out = to_yaml(&original);
        let widened: Vec<&String> = out.warnings.iter().filter(|w| w.contains("children's entries")).collect();
        assert_eq!(widened.len(), 1, "{:?}", out.warnings);
        assert!(widened[0].starts_with("category `affect`:"), "{}", widened[0]);
        assert!(widened[0].contains("`well-being`, `hurt*` (2 entries"), "{}", widened[0]);
        // A parent that lists its children's entries (as LIWC's own do) loses nothing.
        let full = read("%\n1\taffect\n\t2\tposemo\n%\ngood\t1\t2\n", "t.dic");
        assert!(to_yaml(&full).warnings.iter().all(|w| !w.contains("children's entries")));
    }

    /// A LIWC phrase matches across punctuation; read back from YAML it does not, and
    /// the export said nothing of it (testers: `we) can` lost its code).
    #[test]
    fn a_dic_phrase_exported_to_yaml_is_named_as_no_longer_crossing_punctuation() {
        let with_phrase = read("%\n1\tpossibility\n%\nwe can\t1\nmaybe\t1\n", "t.dic");
        let text = "Ask us (we) can help";
        assert_eq!(themes_of(&with_phrase, &[text]), [vec!["possibility".to_string()]]);
        let out = to_yaml(&with_phrase);
        assert_eq!(themes_of(&read(&out.text, "t.yml"), &[text]), [Vec::<String>::new()]);
        assert!(
            out.warnings.iter().any(|w| w.starts_with("phrases such as `we can` no longer match across punctuation")),
            "{:?}",
            out.warnings
        );
        let words_only = read("%\n1\tpossibility\n%\nmaybe\t1\n", "t.dic");
        assert!(to_yaml(&words_only).warnings.iter().all(|w| !w.contains("across punctuation")));
    }

    #[test]
    fn a_cat_survives_both_formats() {
        let original = read(include_str!("../../tests/fixtures/dictionaries/small.cat"), "small.cat");
        let yaml = to_yaml(&original);
        assert_eq!(yaml.warnings.len(), 1, "only the weight 2 of public service is lost: {:?}", yaml.warnings);
        let from_yaml = read(&yaml.text, "x.yml");
        let ids = |l: &Lexicon| l.themes.iter().map(|t| (t.id.clone(), t.parent.clone())).collect::<Vec<_>>();
        assert_eq!(ids(&from_yaml), ids(&original));
        let from_dic = read(&to_dic(&original).text, "x.dic");
        assert_eq!(ids(&from_dic), ids(&original));
    }

    /// The themes each text is coded with.
    fn themes_of(lex: &Lexicon, texts: &[&str]) -> Vec<Vec<String>> {
        let compiled = crate::lexicon::compile::CompiledLexicon::new(lex).unwrap();
        let mut scanner = crate::matching::Scanner::new();
        texts
            .iter()
            .map(|t| {
                scanner.scan(&compiled, t);
                let coding = crate::coding::code(&compiled, &scanner, &compiled.applies(None));
                coding.codes.iter().map(|c| compiled.themes[c.theme as usize].id.clone()).collect()
            })
            .collect()
    }

    /// A codeframe lexicon exported to .dic codes as it did: its parents count their
    /// children's words, and a word a wildcard of another theme also matches counts
    /// for both (LIWC reads one line per word: `fees` took only `court`'s category).
    #[test]
    fn a_dic_export_codes_as_the_lexicon_did() {
        let original = read("money:\n  fees: [fee*]\n  court: [fees, court]\n", "d.yml");
        let out = to_dic(&original);
        assert!(out.text.ends_with("%\nfee*\t1\t2\nfees\t1\t2\t3\ncourt\t1\t3\n"), "{}", out.text);
        let texts = ["the court fees were high", "a fee", "feel it", "fees"];
        assert_eq!(themes_of(&read(&out.text, "d.dic"), &texts), themes_of(&original, &texts));
        // A phrase's line lists what its words count for alone.
        let original = read("legal: [court fees]\nmoney:\n  fees: [fee*]\n  court: [court]\n", "d.yml");
        let back = read(&to_dic(&original).text, "d.dic");
        let texts = ["court fees", "court", "feeds"];
        assert_eq!(themes_of(&back, &texts), themes_of(&original, &texts));
        assert_eq!(themes_of(&back, &texts)[0], ["legal", "money", "fees", "court"]);
        // A LIWC dictionary's lines are its own: written back as they were.
        let liwc = read(&out.text, "d.dic");
        assert_eq!(to_dic(&liwc).text, out.text);
    }

    /// The `.dic` warnings about entries LIWC's reading counts differently.
    fn shared(text: &str, file: &str) -> Vec<String> {
        to_dic(&read(text, file)).warnings.into_iter().filter(|w| w.contains("can match the same words")).collect()
    }

    /// Entries of different themes that can share words count differently under LIWC's
    /// one-line-per-word reading, and the export says so (it reported nothing): a phrase
    /// overlapping another (`time` went to `waiting time` only), a phrase holding a
    /// word another theme's wildcard matches (`nurse practitioner` counted 2 words for
    /// `nurse*`'s theme, which counts 1), wildcards that meet (`happ*`, `*ness`).
    #[test]
    fn entries_that_share_words_across_themes_are_named() {
        let warned = shared("Y\n\tWAITING_TIME (1)\nZ\n\tTIME_KEEPING (1)\nW\n\tKEEPING (1)\n", "t5.cat");
        assert_eq!(warned.len(), 2, "{warned:?}");
        assert!(
            warned[0].starts_with("`waiting time` (Y) and `time keeping` (Z) can match the same words, as in \"waiting time keeping\": LIWC's reading counts them once, for `waiting time` (2 words), so Z counts differently"),
            "{}",
            warned[0]
        );
        assert!(warned[1].starts_with("`time keeping` (Z) and `keeping` (W)"), "{}", warned[1]);
        let warned = shared(
            "STAFF\n\tNURSE* (1)\nROLES\n\tNURSE_PRACTITIONER (1)\n\tPRACTITIONER_OF (1)\nCARE\n\tCARE (1)\n\tCAR* (1)\n",
            "t4.cat",
        );
        assert_eq!(warned.len(), 1, "one theme's own overlaps count alike: {warned:?}");
        assert!(warned[0].contains("for `nurse practitioner` (2 words), so STAFF counts differently there than codeframe, which counts `nurse*` (1 word) for STAFF"), "{}", warned[0]);
        let warned = shared("a: [happ*]\nb: [\"*ness\"]\n", "d.yml");
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert!(warned[0].contains("`happ*` (a) and `*ness` (b)"), "{}", warned[0]);
        // What a .dic can say stays silent: a word under a covering wildcard's theme,
        // a phrase whose words no other theme matches, a parent and its child.
        assert!(shared("money:\n  fees: [fee*]\n  court: [fees, court]\nlegal: [legal aid]\n", "d.yml").is_empty());
        // Within one theme LIWC takes the leftmost match and codeframe the longest.
        let warned = shared("x: [a b, b c d]\n", "d.yml");
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert!(warned[0].contains("for `a b` (2 words), so x counts differently"), "{}", warned[0]);
    }

    #[test]
    fn words_meet_when_a_word_matches_both() {
        for (a, b, yes) in [
            ("fees", "fee*", true),
            ("fee*", "fe*", true),
            ("happ*", "*ness", true),
            ("*x", "y*", true),
            ("a*b", "*c", false),
            ("care", "car", false),
            ("c*re", "ca*", true),
            ("ab*", "b*", false),
        ] {
            assert_eq!(words_meet(a, b), yes, "{a} {b}");
            assert_eq!(words_meet(b, a), yes, "{b} {a}");
        }
    }

    /// Theme names ending in a bracket (`harm (virtue)`) stay whole: they read back as
    /// a name and a label, and two such themes became one.
    #[test]
    fn bracketed_theme_names_survive_a_dic() {
        let original = read("\"harm (virtue)\": [care]\n\"harm (vice)\": [hurt]\n", "d.yml");
        let back = read(&to_dic(&original).text, "d.dic");
        let ids: Vec<&str> = back.themes.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["harm (virtue)", "harm (vice)"]);
    }

    /// A label ending in `)` reads back whole (it lost the bracket: `ends with`).
    #[test]
    fn labels_ending_in_a_bracket_survive_a_dic() {
        let mut lex = read("%\n1\ta\n2\tb\n%\nx\t1\ny\t2\n", "t.dic");
        lex.themes[0].label = "ends with )".into();
        lex.themes[1].label = "(both)".into();
        let out = to_dic(&lex);
        assert!(out.text.starts_with("%\n1\ta\t(ends with ))\n2\tb\t((both))\n"), "{}", out.text);
        let back = read(&out.text, "t.dic");
        assert_eq!(back.themes[0].label, "ends with )");
        assert_eq!(back.themes[1].label, "(both)");
    }

    #[test]
    fn the_dic_header_is_in_tree_order_and_keeps_labels() {
        let mut lex = Lexicon::new("t");
        let mut child = Theme::new("child");
        child.parent = Some("root".into());
        child.options.negation = false;
        child.options.stem = false;
        child.entries.push(Entry::new(Rule::parse("=b").unwrap()));
        let mut root = Theme::new("root");
        root.label = "The root".into();
        root.options.negation = false;
        root.options.stem = false;
        root.entries.push(Entry::new(Rule::parse("=a").unwrap()));
        lex.themes = vec![child, root];
        // Settings a dictionary keeps (as an imported one has them).
        lex.settings = crate::lexicon::import::settings(lex.settings.match_rule, lex.settings.language);
        let out = to_dic(&lex);
        // `b` counts for its parent too, as codeframe counts it.
        assert_eq!(out.text, "%\n1\troot\t(The root)\n\t2\tchild\n%\na\t1\nb\t1\t2\n");
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let back = read(&out.text, "t.dic");
        assert_eq!(back.themes[0].label, "The root");
        assert_eq!(back.themes[1].parent.as_deref(), Some("root"));
    }

    #[test]
    fn what_a_dictionary_cannot_hold_is_reported() {
        let lex = crate::lexicon::toml::parse(
            r#"
[[theme]]
id = "cost"
questions = ["q1"]
threshold = 2
terms = ["fee", "cost NEAR/3 court", "legal aid"]
regex = ["\\d+ pounds"]
exclude = ["cost up"]
"#,
            Path::new("l.toml"),
        )
        .unwrap();
        let out = to_dic(&lex);
        assert_eq!(out.text, "%\n1\tcost\n%\nfee\t1\nlegal aid\t1\n");
        let all = out.warnings.join("\n");
        for expected in [
            "`cost NEAR/3 court` is not a word",
            "is not a word or phrase",
            "stemmed",
            "exclusion",
            "negation",
            "spelling variants are not kept",
            "accents are not folded",
            "hyphenated words are not kept apart",
        ] {
            assert!(all.contains(expected), "{expected}: {all}");
        }
    }

    #[test]
    fn yaml_strings_are_quoted_and_escaped() {
        assert_eq!(quote(r#"say "hi" \ now"#), r#""say \"hi\" \\ now""#);
        assert_eq!(quote("a\tb\u{1}"), "\"a\\tb\\u0001\"");
        let mut lex = Lexicon::new("t");
        let mut t = Theme::new("odd: key # not a comment");
        t.options = crate::lexicon::import::theme_options();
        t.entries.push(Entry::new(Rule::parse("=\"quoted\"").unwrap()));
        lex.themes.push(t);
        let back = read(&to_yaml(&lex).text, "t.yml");
        assert_eq!(back.themes[0].id, "odd: key # not a comment");
        assert_eq!(back.themes[0].entries[0].rule.to_string(), "=\"quoted\"");
    }
}
