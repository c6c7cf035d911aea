//! The entry language: how one lexicon entry is written, parsed into a [`Rule`].
//!
//! ```text
//! stalk                 a word, matched on its stem (stalks, stalked, stalking)
//! =fees                 an exact word: matched on its normalised form, not stemmed
//! harass*  b?h*viour    globs: `*` any run of characters, `?` one character
//! legal aid             a phrase: consecutive words in one clause, each stemmed
//! cost* of =legal aid   a phrase mixing globs, exact words and stemmed words
//! cost NEAR/3 court     both within 3 words of each other, either order, same sentence
//! police BEFORE/5 ignor*  the first, then the second within 5 words, same sentence
//! delay SENTENCE order  both in the same sentence
//! cost NOTNEAR/3 parking  `cost`, unless `parking` is within 3 words
//! fee|cost* NEAR/4 court|solicitor*   `|` gives alternatives in an operand
//! ```
//! Regular expressions are not written here but in a theme's `regex` list.

use std::fmt;

/// One position of a term: how a single word is matched.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TermToken {
    /// A word as written; the theme decides whether it is stemmed or case-sensitive.
    /// May analyse into several tokens (`ex-partner` -> `ex partner`).
    Word(String),
    /// `=word`: the normalised form, never stemmed.
    Exact(String),
    /// A glob with `*` and/or `?`, on the normalised form.
    Glob(String),
    /// A stem given as is, never re-stemmed (dictionaries of stems such as Grievance).
    Stem(String),
}

impl TermToken {
    /// The word, glob or stem as written (without the `=` of an exact word).
    pub fn text(&self) -> &str {
        match self {
            TermToken::Word(w) | TermToken::Exact(w) | TermToken::Glob(w) | TermToken::Stem(w) => w,
        }
    }
}

/// A word or a phrase: a sequence of [`TermToken`]s.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Term {
    /// The positions, in order.
    pub tokens: Vec<TermToken>,
}

/// What an entry matches.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// A word, glob or phrase.
    Term(Term),
    /// Any of `left` and any of `right` within `window` words in one sentence;
    /// `ordered`: `left` first (`BEFORE`), otherwise either order (`NEAR`).
    Near {
        /// Alternatives for the first operand.
        left: Vec<Term>,
        /// Alternatives for the second operand.
        right: Vec<Term>,
        /// At most this many words apart.
        window: u32,
        /// `BEFORE` (true) or `NEAR` (false).
        ordered: bool,
    },
    /// `term`, but only where none of `other` is within `window` words (same sentence).
    NotNear {
        /// What counts.
        term: Vec<Term>,
        /// What must not be near.
        other: Vec<Term>,
        /// Words apart.
        window: u32,
    },
    /// Any of `left` and any of `right` in the same sentence.
    Sentence {
        /// First operand.
        left: Vec<Term>,
        /// Second operand.
        right: Vec<Term>,
    },
    /// A regular expression over the answer's normalised words joined by single spaces.
    Regex(String),
}

/// Largest `NEAR/n` window accepted.
pub const MAX_WINDOW: u32 = 1000;

impl Term {
    /// A single stemmed word.
    pub fn word(w: &str) -> Term {
        Term { tokens: vec![TermToken::Word(w.to_string())] }
    }

    /// Parses a word, glob or phrase (no operators).
    pub fn parse(text: &str) -> Result<Term, String> {
        let tokens: Vec<TermToken> = text.split_whitespace().map(parse_token).collect::<Result<_, _>>()?;
        if tokens.is_empty() {
            return Err("empty term".to_string());
        }
        Ok(Term { tokens })
    }

    /// Whether this term is a single position.
    pub fn is_single(&self) -> bool {
        self.tokens.len() == 1
    }
}

fn parse_token(piece: &str) -> Result<TermToken, String> {
    if let Some(rest) = piece.strip_prefix('=') {
        if rest.is_empty() {
            return Err("`=` must be followed by a word".to_string());
        }
        if rest.contains(['*', '?']) {
            return Err(format!("`{piece}`: an exact word cannot hold a glob"));
        }
        return Ok(TermToken::Exact(rest.to_string()));
    }
    if piece.contains(['*', '?']) {
        if piece.chars().all(|c| c == '*' || c == '?') && piece.contains('*') {
            // `*` alone matches every word; allowed, but `lexicon check` warns.
            return Ok(TermToken::Glob(piece.to_string()));
        }
        return Ok(TermToken::Glob(piece.to_string()));
    }
    Ok(TermToken::Word(piece.to_string()))
}

const OPERATORS: [&str; 4] = ["NEAR/", "BEFORE/", "NOTNEAR/", "SENTENCE"];

impl Rule {
    /// Parses an entry written in the entry language (see the module docs).
    pub fn parse(text: &str) -> Result<Rule, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("empty entry".to_string());
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        // `NOT NEAR/n` is accepted as a spelling of `NOTNEAR/n`.
        let mut op_at = None;
        for (i, w) in words.iter().enumerate() {
            let after_not = i > 0 && words[i - 1] == "NOT" && w.starts_with("NEAR/");
            let is_op = (OPERATORS.iter().any(|op| w.starts_with(op)) && !after_not)
                || (*w == "NOT" && words.get(i + 1).is_some_and(|n| n.starts_with("NEAR/")));
            if is_op {
                if op_at.is_some() {
                    return Err("one operator per entry: split it into several entries".to_string());
                }
                op_at = Some(i);
            }
        }
        let Some(i) = op_at else {
            return Ok(Rule::Term(Term::parse(text)?));
        };
        let (op, right_from) =
            if words[i] == "NOT" { (format!("NOT{}", words[i + 1]), i + 2) } else { (words[i].to_string(), i + 1) };
        let left = alternatives(&words[..i].join(" "), &op)?;
        let right = alternatives(&words[right_from..].join(" "), &op)?;
        let window = |prefix: &str| -> Result<u32, String> {
            let digits = &op[prefix.len()..];
            let n = match digits.parse::<u32>() {
                Ok(n) => n,
                // A whole number too large for any answer.
                Err(_) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => u32::MAX,
                Err(_) => {
                    return Err(format!("`{op}`: the window after `/` must be a whole number, as in `{prefix}3`"));
                }
            };
            if n == 0 || n > MAX_WINDOW {
                return Err(format!("`{op}`: the window must be between 1 and {MAX_WINDOW}"));
            }
            Ok(n)
        };
        if op.starts_with("NOTNEAR/") {
            Ok(Rule::NotNear { term: left, other: right, window: window("NOTNEAR/")? })
        } else if op.starts_with("NEAR/") {
            Ok(Rule::Near { left, right, window: window("NEAR/")?, ordered: false })
        } else if op.starts_with("BEFORE/") {
            Ok(Rule::Near { left, right, window: window("BEFORE/")?, ordered: true })
        } else if op == "SENTENCE" {
            Ok(Rule::Sentence { left, right })
        } else {
            Err(format!("unknown operator `{op}` (use NEAR/n, BEFORE/n, NOTNEAR/n or SENTENCE)"))
        }
    }

    /// Every term this rule mentions.
    pub fn terms(&self) -> Vec<&Term> {
        match self {
            Rule::Term(t) => vec![t],
            Rule::Near { left, right, .. } | Rule::Sentence { left, right } => left.iter().chain(right).collect(),
            Rule::NotNear { term, other, .. } => term.iter().chain(other).collect(),
            Rule::Regex(_) => Vec::new(),
        }
    }
}

fn alternatives(text: &str, op: &str) -> Result<Vec<Term>, String> {
    if text.trim().is_empty() {
        return Err(format!("`{op}` needs a term on each side"));
    }
    text.split('|').map(|alt| Term::parse(alt.trim())).collect()
}

impl fmt::Display for TermToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TermToken::Word(w) | TermToken::Glob(w) | TermToken::Stem(w) => f.write_str(w),
            TermToken::Exact(w) => write!(f, "={w}"),
        }
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, t) in self.tokens.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{t}")?;
        }
        Ok(())
    }
}

fn write_alts(f: &mut fmt::Formatter<'_>, alts: &[Term]) -> fmt::Result {
    for (i, t) in alts.iter().enumerate() {
        if i > 0 {
            f.write_str("|")?;
        }
        write!(f, "{t}")?;
    }
    Ok(())
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Term(t) => write!(f, "{t}"),
            Rule::Near { left, right, window, ordered } => {
                write_alts(f, left)?;
                write!(f, " {}/{window} ", if *ordered { "BEFORE" } else { "NEAR" })?;
                write_alts(f, right)
            }
            Rule::NotNear { term, other, window } => {
                write_alts(f, term)?;
                write!(f, " NOTNEAR/{window} ")?;
                write_alts(f, other)
            }
            Rule::Sentence { left, right } => {
                write_alts(f, left)?;
                f.write_str(" SENTENCE ")?;
                write_alts(f, right)
            }
            Rule::Regex(r) => write!(f, "/{r}/"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(s: &str) -> Term {
        Term::parse(s).unwrap()
    }

    #[test]
    fn parses_each_kind_of_term() {
        assert_eq!(term("stalk").tokens, [TermToken::Word("stalk".into())]);
        assert_eq!(term("=fees").tokens, [TermToken::Exact("fees".into())]);
        assert_eq!(term("harass*").tokens, [TermToken::Glob("harass*".into())]);
        assert_eq!(
            term("cost* of  =legal aid").tokens,
            [
                TermToken::Glob("cost*".into()),
                TermToken::Word("of".into()),
                TermToken::Exact("legal".into()),
                TermToken::Word("aid".into())
            ]
        );
    }

    #[test]
    fn parses_operators() {
        assert_eq!(
            Rule::parse("cost|fee* NEAR/3 court").unwrap(),
            Rule::Near {
                left: vec![term("cost"), term("fee*")],
                right: vec![term("court")],
                window: 3,
                ordered: false
            }
        );
        assert!(matches!(Rule::parse("a BEFORE/5 b c").unwrap(), Rule::Near { ordered: true, window: 5, .. }));
        assert!(matches!(Rule::parse("a NOT NEAR/2 b").unwrap(), Rule::NotNear { window: 2, .. }));
        assert!(matches!(Rule::parse("a NOTNEAR/2 b").unwrap(), Rule::NotNear { window: 2, .. }));
        assert!(matches!(Rule::parse("a SENTENCE b").unwrap(), Rule::Sentence { .. }));
        // lowercase `near` is a word, not an operator
        assert!(matches!(Rule::parse("near the house").unwrap(), Rule::Term(_)));
    }

    #[test]
    fn rejects_malformed_entries_with_a_reason() {
        for (bad, why) in [
            ("", "empty"),
            ("a NEAR/x b", "whole number"),
            ("a NEAR/0 b", "between"),
            ("NEAR/3 b", "each side"),
            ("a NEAR/3 b NEAR/2 c", "one operator"),
            ("=", "followed by a word"),
            ("=ab*", "cannot hold a glob"),
            ("a | NEAR/3 b", "empty term"),
        ] {
            let err = Rule::parse(bad).unwrap_err();
            assert!(err.contains(why), "{bad:?} gave {err:?}");
        }
    }

    #[test]
    fn display_round_trips() {
        for s in ["stalk", "=fees ab* c", "a|b c NEAR/3 d", "x BEFORE/2 y", "x NOTNEAR/4 y|z", "p SENTENCE q"] {
            assert_eq!(Rule::parse(s).unwrap().to_string(), s);
        }
    }
}
