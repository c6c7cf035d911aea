//! What a change did: codes gained and lost between a previous run and this one, with
//! the entry responsible, and how each theme's count and percentage moved.

use std::collections::{BTreeMap, BTreeSet};

use crate::report::Figure;

/// A code as a run wrote it: respondent, question, theme.
pub type CodeKey = (String, String, String);

/// Evidence for a code: the entry that fired and the text it matched.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The entry, as written in its lexicon.
    pub entry: String,
    /// The matched text.
    pub matched: String,
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
    /// The entry responsible: for a gain the one that fires now, for a loss the one that fired before.
    pub evidence: Evidence,
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
            out.push(Changed { key: k.clone(), change: Change::Gained, evidence: e.clone() });
        }
    }
    for (k, e) in before {
        if !after.contains_key(k) {
            out.push(Changed { key: k.clone(), change: Change::Lost, evidence: e.clone() });
        }
    }
    out.sort_by(|a, b| (&a.key.1, &a.key.2, a.change, &a.key.0).cmp(&(&b.key.1, &b.key.2, b.change, &b.key.0)));
    out
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
        Evidence { entry: e.to_string(), matched: e.to_string() }
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
