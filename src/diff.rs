//! What a change did: codes gained and lost between a previous run and this one, with
//! the entry responsible, and how each theme's count and percentage moved.

use std::collections::{BTreeMap, BTreeSet};

use crate::coding::Coding;
use crate::lexicon::CompiledLexicon;
use crate::lexicon::compile::ThemeIdx;
use crate::report::{Figure, evidence};

/// A code as a run wrote it: respondent, question, theme.
pub type CodeKey = (String, String, String);

/// Evidence for a code: the entry that fired and the text it matched.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The entry, as written in its lexicon.
    pub entry: String,
    /// Its line in the lexicon, when known.
    pub line: Option<u64>,
    /// The matched text.
    pub matched: String,
}

impl Evidence {
    /// ``entry `app` (line 9) matched "app"``.
    pub fn words(&self) -> String {
        let line = self.line.map(|l| format!(" (line {l})")).unwrap_or_default();
        format!("entry `{}`{line} matched \"{}\"", self.entry, self.matched)
    }
}

/// Whether a code appeared or disappeared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Coded now, not before.
    Gained,
    /// Coded before, not now.
    Lost,
}

/// A code that changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    /// Respondent, question, theme.
    pub key: CodeKey,
    /// Gained or lost.
    pub change: Change,
    /// The entry that fired: for a gain the one that fires now, for a loss the one that fired before.
    pub evidence: Evidence,
    /// The cause, in words: for a gain the entry that matches now, for a loss why the
    /// new lexicon does not code it ([`why_lost`]; [`changes`] leaves it to the caller).
    pub reason: String,
}

/// A theme's figure before and after.
#[derive(Clone, Debug, PartialEq)]
pub struct Movement {
    /// Question id.
    pub question: String,
    /// Theme id.
    pub theme: String,
    /// Before (None if the theme did not exist).
    pub before: Option<Figure>,
    /// After (None if the theme no longer exists).
    pub after: Option<Figure>,
}

/// Compares two runs' codes.
pub fn changes(before: &BTreeMap<CodeKey, Evidence>, after: &BTreeMap<CodeKey, Evidence>) -> Vec<Changed> {
    let mut out = Vec::new();
    for (k, e) in after {
        if !before.contains_key(k) {
            out.push(Changed { key: k.clone(), change: Change::Gained, evidence: e.clone(), reason: e.words() });
        }
    }
    for (k, e) in before {
        if !after.contains_key(k) {
            out.push(Changed { key: k.clone(), change: Change::Lost, evidence: e.clone(), reason: String::new() });
        }
    }
    out.sort_by(|a, b| (&a.key.1, &a.key.2, a.change, &a.key.0).cmp(&(&b.key.1, &b.key.2, b.change, &b.key.0)));
    out
}

/// Why the new lexicon does not code `theme` in an answer a previous run coded it in
/// (by `before`): the vetoes of its matches now, in words (``entry `app` (line 9)
/// matched "app" but was excluded by `timetable app` (line 76)``), those of its
/// child themes too for a parent; else that no entry matches, and whether the one that
/// did is gone. `answer` is the answer's text and its coding (`None`: empty, or a
/// non-answer), or `None` if the data no longer has it.
pub fn why_lost(
    lexicon: &CompiledLexicon,
    theme: &str,
    before: &Evidence,
    answer: Option<(&str, Option<&Coding>)>,
) -> String {
    let was = format!("before, {}", before.words());
    let Some(t) = lexicon.theme_index(theme) else {
        return format!("the theme is no longer in the lexicon ({was})");
    };
    let Some((text, coding)) = answer else {
        return format!("the answer is no longer in the data ({was})");
    };
    let Some(coding) = coding else {
        return format!("the answer is empty or a non-answer now ({was})");
    };
    // A parent is coded through its children: their vetoes say why as well.
    let family: Vec<ThemeIdx> = (0..lexicon.themes.len() as ThemeIdx).filter(|&x| lexicon.is_within(x, t)).collect();
    let mut vetoes: Vec<String> = family.iter().flat_map(|&x| evidence::vetoes(lexicon, text, coding, x)).collect();
    // The entry that coded it before first: its veto is the likeliest cause.
    let was_entry = format!("`{}`", before.entry);
    vetoes.sort_by_key(|v| !v.starts_with(&was_entry));
    let kept = lexicon.entries.iter().any(|e| !e.exclusion && family.contains(&e.theme) && e.text == before.entry);
    // The entry that coded it gone is the cause, whatever became of the others' matches.
    match (kept, vetoes.is_empty()) {
        (true, true) => format!("no entry of the theme matches now ({was})"),
        (true, false) => vetoes.join("; "),
        (false, true) => {
            format!("entry `{}` is no longer in the theme and no other entry of it matches ({was})", before.entry)
        }
        (false, false) => format!(
            "entry `{}` is no longer in the theme ({was}), and its other matches do not count: {}",
            before.entry,
            vetoes.join("; ")
        ),
    }
}

/// Pairs up theme figures of two runs, in the order of `after` then themes only `before` had.
pub fn movements(before: &[(String, String, Figure)], after: &[(String, String, Figure)]) -> Vec<Movement> {
    let old: BTreeMap<(&str, &str), Figure> = before.iter().map(|(q, t, f)| ((q.as_str(), t.as_str()), *f)).collect();
    let new: BTreeSet<(&str, &str)> = after.iter().map(|(q, t, _)| (q.as_str(), t.as_str())).collect();
    let mut out: Vec<Movement> = after
        .iter()
        .map(|(q, t, f)| Movement {
            question: q.clone(),
            theme: t.clone(),
            before: old.get(&(q.as_str(), t.as_str())).copied(),
            after: Some(*f),
        })
        .collect();
    for (q, t, f) in before {
        if !new.contains(&(q.as_str(), t.as_str())) {
            out.push(Movement { question: q.clone(), theme: t.clone(), before: Some(*f), after: None });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(r: &str, t: &str) -> CodeKey {
        (r.to_string(), "q1".to_string(), t.to_string())
    }

    fn ev(e: &str) -> Evidence {
        Evidence { entry: e.to_string(), line: None, matched: e.to_string() }
    }

    #[test]
    fn gains_and_losses_with_their_entries() {
        let before: BTreeMap<CodeKey, Evidence> =
            [(key("r1", "cost"), ev("cost")), (key("r2", "cost"), ev("fee"))].into();
        let after: BTreeMap<CodeKey, Evidence> =
            [(key("r1", "cost"), ev("cost")), (key("r3", "cost"), ev("legal aid"))].into();
        let c = changes(&before, &after);
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].change, c[0].key.0.as_str(), c[0].evidence.entry.as_str()),
            (Change::Gained, "r3", "legal aid")
        );
        assert_eq!((c[1].change, c[1].key.0.as_str(), c[1].evidence.entry.as_str()), (Change::Lost, "r2", "fee"));
        assert_eq!(c[0].reason, "entry `legal aid` matched \"legal aid\"");
    }

    /// A loss whose entry was taken out of the theme says so, even where another
    /// entry of the theme matches and is vetoed (it gave only the veto, hiding the
    /// cause).
    #[test]
    fn a_removed_entry_is_named_as_the_cause() {
        use crate::lexicon::{Entry, Lexicon, Rule, Theme};
        let mut lex = Lexicon::new("t");
        let mut t = Theme::new("cost");
        t.entries.push(Entry::new(Rule::parse("cost").unwrap()));
        lex.themes.push(t);
        let lex = CompiledLexicon::new(&lex).unwrap();
        let text = "the fees were high, not the cost";
        let mut scanner = crate::matching::Scanner::new();
        scanner.scan(&lex, text);
        let coding = crate::coding::code(&lex, &scanner, &lex.applies(None));
        let why = why_lost(&lex, "cost", &ev("fee*"), Some((text, Some(&coding))));
        assert!(why.starts_with("entry `fee*` is no longer in the theme (before, entry `fee*` matched"), "{why}");
        assert!(why.contains("its other matches do not count: `cost` matched \"cost\" but was negated"), "{why}");
        let why = why_lost(&lex, "cost", &ev("cost"), Some((text, Some(&coding))));
        assert!(why.starts_with("`cost` matched") && why.contains("negated") && !why.contains("no longer"), "{why}");
    }

    #[test]
    fn movements_pair_figures() {
        let f = |c| Figure::new(c, 10);
        let before = vec![("q1".into(), "a".into(), f(2)), ("q1".into(), "gone".into(), f(1))];
        let after = vec![("q1".into(), "a".into(), f(3)), ("q1".into(), "new".into(), f(4))];
        let m = movements(&before, &after);
        assert_eq!(m.len(), 3);
        assert_eq!((m[0].before, m[0].after), (Some(f(2)), Some(f(3))));
        assert_eq!((m[1].before, m[1].after), (None, Some(f(4))));
        assert_eq!((m[2].theme.as_str(), m[2].after), ("gone", None));
    }
}
