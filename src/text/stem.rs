//! Snowball stemming (Porter2 for English), via `rust-stemmers`.
//!
//! Expects words already normalised (lowercase, apostrophes unified): the Snowball
//! algorithms are defined on lowercase input.

use std::borrow::Cow;

use super::Language;

/// Reduces a normalised word to its Snowball stem (`harassed` -> `harass`).
pub struct Stemmer {
    inner: rust_stemmers::Stemmer,
    language: Language,
}

impl Stemmer {
    /// The English (Porter2) stemmer.
    pub fn english() -> Stemmer {
        Stemmer::new(Language::English)
    }

    /// The Snowball stemmer of `language`.
    pub fn new(language: Language) -> Stemmer {
        Stemmer { inner: rust_stemmers::Stemmer::create(language.algorithm()), language }
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
        write!(f, "Stemmer({})", self.language)
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

    #[test]
    fn other_languages_stem_with_their_own_algorithm() {
        let french = Stemmer::new(Language::French);
        assert_eq!(french.stem("églises"), french.stem("église"));
        assert_eq!(french.stem("harcèlement"), french.stem("harceler"));
        let german = Stemmer::new(Language::German);
        assert_eq!(german.stem("kosten"), german.stem("koste"));
        let spanish = Stemmer::new(Language::Spanish);
        assert_eq!(spanish.stem("policías"), spanish.stem("policía"));
        assert_eq!(format!("{french:?}"), "Stemmer(french)");
    }
}
