//! Snowball (Porter2) English stemming, via `rust-stemmers`.
//!
//! Expects words already normalised (lowercase, apostrophes unified): the Snowball
//! algorithm is defined on lowercase input.

use std::borrow::Cow;

/// Reduces a normalised word to its Snowball English stem (`harassed` -> `harass`).
pub struct Stemmer {
    inner: rust_stemmers::Stemmer,
}

impl Stemmer {
    /// The English (Porter2) stemmer.
    pub fn english() -> Stemmer {
        Stemmer { inner: rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English) }
    }

    /// The stem of `word`. Words with digits are returned unchanged (`2016`, `24hrs`):
    /// the algorithm is for words, and mangles numbers.
    pub fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        if word.bytes().any(|b| b.is_ascii_digit()) {
            return Cow::Borrowed(word);
        }
        self.inner.stem(word)
    }
}

impl std::fmt::Debug for Stemmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stemmer(english)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_inflections_together() {
        let s = Stemmer::english();
        for (word, stem) in [
            ("harassed", "harass"),
            ("harassment", "harass"),
            ("stalking", "stalk"),
            ("stalkers", "stalker"),
            ("victim's", "victim"),
            ("counselling", "counsel"),
            ("2016", "2016"),
        ] {
            assert_eq!(s.stem(word), stem, "{word}");
        }
    }
}
