//! Normalising one word: NFKC, apostrophes and quotes unified, case folded, and
//! (optionally) American spellings mapped to British ones.
//!
//! Works on one token at a time, so byte offsets in the original answer stay valid:
//! the tokeniser finds words in the raw text, and each word is normalised on its own.

use rustc_hash::FxHashMap;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// Characters that are all spelled `'` after normalisation.
const APOSTROPHES: [char; 7] = ['\u{2019}', '\u{2018}', '\u{201B}', '\u{02BC}', '\u{FF07}', '\u{2032}', '`'];

/// Invisible characters dropped from words (zero-width space/joiners, soft hyphen, BOM).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}')
}

/// Writes the normalised form of `word` into `out` (cleared first).
///
/// ASCII words take a fast path (lowercasing only); anything else goes through
/// NFKC, apostrophe unification and Unicode lowercasing. Both paths give the same
/// result on ASCII input.
pub fn normalise_word(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
        return;
    }
    for c in word.nfkc() {
        if is_invisible(c) {
            continue;
        }
        if APOSTROPHES.contains(&c) {
            out.push('\'');
        } else if c == 'ß' {
            out.push_str("ss");
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// British spelling for an American one (`behavior` -> `behaviour`), if listed.
///
/// The list is quanteda.dictionaries' `data_dict_usbr` (MIT licence), 1,737 pairs.
pub fn british_spelling(word: &str) -> Option<&'static str> {
    static MAP: OnceLock<FxHashMap<&'static str, &'static str>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        include_str!("uk-us-spelling.csv")
            .lines()
            .skip(1)
            .filter_map(|line| {
                let (uk, us) = line.split_once(',')?;
                let (uk, us) = (uk.trim(), us.trim());
                (!uk.is_empty() && !us.is_empty() && uk != us).then_some((us, uk))
            })
            .collect()
    });
    map.get(word).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        let mut out = String::new();
        normalise_word(s, &mut out);
        out
    }

    #[test]
    fn folds_case_and_apostrophes() {
        assert_eq!(norm("Don\u{2019}t"), "don't");
        assert_eq!(norm("DON'T"), "don't");
        assert_eq!(norm("Stra\u{DF}e"), "strasse");
        assert_eq!(norm("ÉCOLE"), "école");
    }

    #[test]
    fn nfkc_unifies_compatibility_forms() {
        // full-width letters, the fi ligature, decomposed e + combining acute
        assert_eq!(norm("\u{FF33}\u{FF34}\u{FF21}\u{FF2C}\u{FF2B}"), "stalk");
        assert_eq!(norm("\u{FB01}ne"), "fine");
        assert_eq!(norm("cafe\u{301}"), "café");
    }

    #[test]
    fn drops_invisible_characters() {
        assert_eq!(norm("sta\u{200B}lk\u{AD}ing"), "stalking");
    }

    #[test]
    fn maps_american_to_british() {
        assert_eq!(british_spelling("behavior"), Some("behaviour"));
        assert_eq!(british_spelling("counseling"), Some("counselling"));
        assert_eq!(british_spelling("behaviour"), None);
        assert_eq!(british_spelling("stalking"), None);
    }
}
