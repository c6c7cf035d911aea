//! The language of a lexicon and of the answers it codes: which Snowball stemmer
//! reduces words, which words negate, start a clause or make a negator none (`not
//! only`), and which articles a word loses before an apostrophe (`l'église` is
//! `église` in French, `dell'acqua` is `acqua` in Italian).
//!
//! English is the default and the best supported: its lists are the tested ones, its
//! spelling variants (American and British) are unified, and the tokeniser's rules for
//! abbreviations (`Mr.`, `e.g.`) are English ones. The other languages' lists are
//! starting points, short on purpose (a negator wrongly listed vetoes good matches),
//! which a lexicon replaces or extends with `negators` and `extra_negators`.

use std::fmt;

/// A language that codeframe can stem: the Snowball algorithms of `rust-stemmers`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Language {
    Arabic,
    Danish,
    Dutch,
    #[default]
    English,
    Finnish,
    French,
    German,
    Greek,
    Hungarian,
    Italian,
    Norwegian,
    Portuguese,
    Romanian,
    Russian,
    Spanish,
    Swedish,
    Tamil,
    Turkish,
}

/// Every language with its name and its ISO 639-1 code.
const LANGUAGES: [(Language, &str, &str); 18] = [
    (Language::Arabic, "arabic", "ar"),
    (Language::Danish, "danish", "da"),
    (Language::Dutch, "dutch", "nl"),
    (Language::English, "english", "en"),
    (Language::Finnish, "finnish", "fi"),
    (Language::French, "french", "fr"),
    (Language::German, "german", "de"),
    (Language::Greek, "greek", "el"),
    (Language::Hungarian, "hungarian", "hu"),
    (Language::Italian, "italian", "it"),
    (Language::Norwegian, "norwegian", "no"),
    (Language::Portuguese, "portuguese", "pt"),
    (Language::Romanian, "romanian", "ro"),
    (Language::Russian, "russian", "ru"),
    (Language::Spanish, "spanish", "es"),
    (Language::Swedish, "swedish", "sv"),
    (Language::Tamil, "tamil", "ta"),
    (Language::Turkish, "turkish", "tr"),
];

/// Words of a language's lists, in one table so that a language's row reads whole.
struct Words {
    negators: &'static [&'static str],
    clause_words: &'static [&'static str],
    /// Words after a negator that make it none (`not only`, `sans doute`).
    pseudo_negation: &'static [&'static str],
    /// Articles and pronouns elided before an apostrophe (Lucene's lists).
    elided: &'static [&'static str],
}

impl Language {
    /// The language named `name`: its English name or its ISO 639-1 code, in any case
    /// (`french`, `French`, `fr`).
    pub fn parse(name: &str) -> Option<Language> {
        let name = name.trim().to_lowercase();
        LANGUAGES.iter().find(|(_, n, code)| *n == name || *code == name).map(|&(l, _, _)| l)
    }

    /// Its name, as a lexicon writes it (`french`).
    pub fn name(self) -> &'static str {
        LANGUAGES.iter().find(|(l, _, _)| *l == self).map(|&(_, n, _)| n).unwrap_or("english")
    }

    /// The names [`Language::parse`] takes, for messages: `arabic (ar), danish (da), ...`.
    pub fn known() -> String {
        LANGUAGES.iter().map(|(_, n, code)| format!("{n} ({code})")).collect::<Vec<_>>().join(", ")
    }

    pub(crate) fn algorithm(self) -> rust_stemmers::Algorithm {
        use rust_stemmers::Algorithm as A;
        match self {
            Language::Arabic => A::Arabic,
            Language::Danish => A::Danish,
            Language::Dutch => A::Dutch,
            Language::English => A::English,
            Language::Finnish => A::Finnish,
            Language::French => A::French,
            Language::German => A::German,
            Language::Greek => A::Greek,
            Language::Hungarian => A::Hungarian,
            Language::Italian => A::Italian,
            Language::Norwegian => A::Norwegian,
            Language::Portuguese => A::Portuguese,
            Language::Romanian => A::Romanian,
            Language::Russian => A::Russian,
            Language::Spanish => A::Spanish,
            Language::Swedish => A::Swedish,
            Language::Tamil => A::Tamil,
            Language::Turkish => A::Turkish,
        }
    }

    /// The words that negate what follows them, by default (a lexicon's `negators`
    /// replaces them). English also negates with any word ending in `n't`.
    pub fn negators(self) -> &'static [&'static str] {
        self.words().negators
    }

    /// The words that start a new clause for negation (`not X but Y`).
    pub fn clause_words(self) -> &'static [&'static str] {
        self.words().clause_words
    }

    /// Words that, right after a negator, make it none: `not only`, `no doubt`,
    /// `non seulement`, `sin embargo` ("however" in Spanish).
    pub fn pseudo_negation_followers(self) -> &'static [&'static str] {
        self.words().pseudo_negation
    }

    /// Whether American spellings are mapped to British ones (English only).
    pub fn has_spelling_variants(self) -> bool {
        self == Language::English
    }

    /// Whether accents are folded before stemming. English's stemmer knows only the
    /// letters a to z, so `naïvety` is stemmed as `naivety`; the other languages'
    /// stemmers read their accented letters (French `-ité`, Spanish `-ción`), so their
    /// words are stemmed as written and the stems folded after.
    pub fn folds_accents_before_stemming(self) -> bool {
        self == Language::English
    }

    /// Drops an elided article or pronoun from the front of a normalised word
    /// (apostrophes already unified): `l'église` -> `église`, `qu'il` -> `il`,
    /// `dell'acqua` -> `acqua`. A word that is only an elision (`l'`), or whose front
    /// is no article (`aujourd'hui`), stays as it is.
    pub fn elide(self, norm: &mut String) {
        let elided = self.words().elided;
        if elided.is_empty() {
            return;
        }
        if let Some((article, rest)) = norm.split_once('\'')
            && !rest.is_empty()
            && elided.contains(&article)
        {
            norm.drain(..article.len() + 1);
        }
    }

    fn words(self) -> &'static Words {
        match self {
            Language::English => &ENGLISH,
            Language::French => &FRENCH,
            Language::German => &GERMAN,
            Language::Spanish => &SPANISH,
            Language::Italian => &ITALIAN,
            Language::Portuguese => &PORTUGUESE,
            Language::Dutch => &DUTCH,
            Language::Danish => &DANISH,
            Language::Norwegian => &NORWEGIAN,
            Language::Swedish => &SWEDISH,
            Language::Finnish => &FINNISH,
            Language::Romanian => &ROMANIAN,
            Language::Russian => &RUSSIAN,
            Language::Greek => &GREEK,
            Language::Hungarian => &HUNGARIAN,
            Language::Turkish => &TURKISH,
            Language::Arabic => &ARABIC,
            Language::Tamil => &TAMIL,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

const ENGLISH: Words = Words {
    negators: &[
        "not", "no", "never", "without", "nor", "neither", "none", "nobody", "nothing", "nowhere", "hardly", "barely",
        "scarcely", "cannot", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "wont", "wouldnt", "cant",
        "couldnt", "shouldnt", "havent", "hasnt", "hadnt", "aint", "nt",
    ],
    clause_words: &["but", "however", "although", "though", "whereas", "except", "instead", "yet"],
    pseudo_negation: &["only", "just", "merely", "simply", "least", "doubt", "matter"],
    elided: &[],
};

// `ne` is no negator: it also stands alone (`ne ... que`, "only"), and `pas`, `jamais`
// or `rien` comes with it. `n'` goes with the article before it (`n'est` -> `est`).
// `plus` and `personne` are left out: "more" and "person" are their commoner senses.
const FRENCH: Words = Words {
    negators: &[
        "pas",
        "jamais",
        "aucun",
        "aucune",
        "aucuns",
        "aucunes",
        "sans",
        "ni",
        "rien",
        "nullement",
        "guère",
        "non",
    ],
    clause_words: &["mais", "cependant", "toutefois", "pourtant", "néanmoins", "sauf", "quoique", "tandis"],
    pseudo_negation: &["seulement", "uniquement", "simplement", "doute"],
    elided: &["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
};

const GERMAN: Words = Words {
    negators: &[
        "nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals", "ohne", "weder", "nichts",
        "niemand", "nirgends", "kaum",
    ],
    clause_words: &["aber", "jedoch", "sondern", "obwohl", "obgleich", "trotzdem", "allerdings", "außer"],
    pseudo_negation: &["nur", "bloß", "lediglich", "zweifel"],
    elided: &[],
};

const SPANISH: Words = Words {
    negators: &[
        "no", "nunca", "jamás", "sin", "ni", "nada", "nadie", "ningún", "ninguno", "ninguna", "ningunos", "ningunas",
        "tampoco",
    ],
    clause_words: &["pero", "sino", "aunque", "excepto", "salvo"],
    pseudo_negation: &["solo", "sólo", "solamente", "únicamente", "embargo", "duda"],
    elided: &[],
};

const ITALIAN: Words = Words {
    negators: &[
        "non", "mai", "senza", "né", "niente", "nulla", "nessuno", "nessuna", "nessun", "neanche", "nemmeno", "neppure",
    ],
    clause_words: &["ma", "però", "tuttavia", "sebbene", "benché", "eccetto", "tranne", "bensì"],
    pseudo_negation: &["solo", "soltanto", "solamente", "dubbio"],
    elided: &[
        "c", "l", "all", "dall", "dell", "nell", "sull", "coll", "pell", "gl", "agl", "dagl", "degl", "negl", "sugl",
        "un", "m", "t", "s", "v", "d",
    ],
};

const PORTUGUESE: Words = Words {
    negators: &["não", "nunca", "jamais", "sem", "nem", "nada", "ninguém", "nenhum", "nenhuma", "nenhuns", "nenhumas"],
    clause_words: &["mas", "porém", "contudo", "todavia", "embora", "exceto", "senão"],
    pseudo_negation: &["só", "apenas", "somente", "dúvida"],
    elided: &[],
};

const DUTCH: Words = Words {
    negators: &["niet", "geen", "nooit", "zonder", "noch", "niets", "niks", "niemand", "nergens", "nauwelijks"],
    clause_words: &["maar", "echter", "hoewel", "behalve", "doch"],
    pseudo_negation: &["alleen", "slechts", "enkel", "twijfel"],
    elided: &[],
};

const DANISH: Words = Words {
    negators: &["ikke", "ingen", "intet", "ingenting", "aldrig", "uden", "hverken", "næppe"],
    clause_words: &["men", "dog", "selvom", "undtagen"],
    pseudo_negation: &["kun", "blot", "tvivl"],
    elided: &[],
};

const NORWEGIAN: Words = Words {
    negators: &["ikke", "ingen", "intet", "ingenting", "aldri", "uten", "verken", "neppe"],
    clause_words: &["men", "likevel", "skjønt", "unntatt"],
    pseudo_negation: &["bare", "kun", "tvil"],
    elided: &[],
};

// `utan` is left out: "without", but also "but rather" (`inte X utan Y`).
const SWEDISH: Words = Words {
    negators: &["inte", "icke", "ej", "ingen", "inget", "inga", "ingenting", "aldrig", "varken", "knappast"],
    clause_words: &["men", "dock", "fastän", "utom"],
    pseudo_negation: &["bara", "endast", "blott"],
    elided: &[],
};

// The negative verb in its persons, and `ilman` ("without").
const FINNISH: Words = Words {
    negators: &["ei", "en", "et", "emme", "ette", "eivät", "älä", "ilman"],
    clause_words: &["mutta", "kuitenkin", "vaikka", "paitsi"],
    pseudo_negation: &["vain", "ainoastaan"],
    elided: &[],
};

const ROMANIAN: Words = Words {
    negators: &["nu", "niciodată", "fără", "nici", "nimic", "nimeni", "niciun", "nicio", "deloc"],
    clause_words: &["dar", "însă", "totuși", "deși", "ci"],
    pseudo_negation: &["doar", "numai", "îndoială"],
    elided: &[],
};

const RUSSIAN: Words = Words {
    negators: &[
        "не",
        "нет",
        "ни",
        "никогда",
        "без",
        "ничего",
        "никто",
        "нигде",
        "никакой",
        "никакая",
        "никакие",
        "никакого",
    ],
    clause_words: &["но", "однако", "хотя", "зато", "кроме"],
    pseudo_negation: &["только", "сомнения"],
    elided: &[],
};

const GREEK: Words = Words {
    negators: &["δεν", "δε", "μην", "μη", "όχι", "ποτέ", "χωρίς", "ούτε", "τίποτα"],
    clause_words: &["αλλά", "όμως", "ωστόσο", "εκτός"],
    pseudo_negation: &["μόνο", "αμφιβολία"],
    elided: &[],
};

const HUNGARIAN: Words = Words {
    negators: &["nem", "sem", "soha", "sosem", "nélkül", "semmi", "senki", "sehol"],
    clause_words: &["de", "azonban", "viszont", "bár", "habár", "kivéve"],
    pseudo_negation: &["csak", "kétség"],
    elided: &[],
};

// Turkish negates most verbs with a suffix (`gelmedi`), which no list of words finds:
// write entries for the negated forms where it matters.
const TURKISH: Words = Words {
    negators: &["değil", "yok", "hiç", "asla", "hiçbir", "olmadan"],
    clause_words: &["ama", "fakat", "ancak", "lakin", "halbuki"],
    pseudo_negation: &["sadece", "yalnızca"],
    elided: &[],
};

const ARABIC: Words = Words {
    negators: &["لا", "لم", "لن", "ليس", "ليست", "بدون", "غير", "دون"],
    clause_words: &["لكن", "ولكن", "بل"],
    pseudo_negation: &["فقط"],
    elided: &[],
};

const TAMIL: Words =
    Words {
        negators: &["இல்லை", "அல்ல", "இன்றி"], clause_words: &["ஆனால்"], pseudo_negation: &[], elided: &[]
    };

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse_by_name_or_code_in_any_case() {
        assert_eq!(Language::parse("french"), Some(Language::French));
        assert_eq!(Language::parse(" French "), Some(Language::French));
        assert_eq!(Language::parse("FR"), Some(Language::French));
        assert_eq!(Language::parse("nl"), Some(Language::Dutch));
        assert_eq!(Language::parse("klingon"), None);
        assert_eq!(Language::parse(""), None);
        for (l, name, code) in LANGUAGES {
            assert_eq!(Language::parse(name), Some(l));
            assert_eq!(Language::parse(code), Some(l));
            assert_eq!(l.name(), name);
            assert!(Language::known().contains(&format!("{name} ({code})")));
        }
    }

    #[test]
    fn elision_drops_the_article_only() {
        let elide = |l: Language, w: &str| {
            let mut s = w.to_string();
            l.elide(&mut s);
            s
        };
        assert_eq!(elide(Language::French, "l'église"), "église");
        assert_eq!(elide(Language::French, "qu'il"), "il");
        assert_eq!(elide(Language::French, "jusqu'à"), "à");
        assert_eq!(elide(Language::French, "n'est"), "est");
        assert_eq!(elide(Language::French, "aujourd'hui"), "aujourd'hui");
        assert_eq!(elide(Language::French, "l'"), "l'");
        assert_eq!(elide(Language::Italian, "dell'acqua"), "acqua");
        assert_eq!(elide(Language::Italian, "un'altra"), "altra");
        // Only one article goes, and English has none.
        assert_eq!(elide(Language::French, "l'l'eau"), "l'eau");
        assert_eq!(elide(Language::English, "o'clock"), "o'clock");
        assert_eq!(elide(Language::English, "d'you"), "d'you");
    }

    #[test]
    fn every_language_has_a_stemmer_and_its_lists_are_single_lowercase_words() {
        for (l, _, _) in LANGUAGES {
            let stemmer = rust_stemmers::Stemmer::create(l.algorithm());
            let _ = stemmer.stem("word");
            let w = l.words();
            for word in w.negators.iter().chain(w.clause_words).chain(w.pseudo_negation).chain(w.elided) {
                assert!(!word.is_empty() && !word.contains(char::is_whitespace), "{l}: {word:?}");
                assert_eq!(word.to_lowercase(), *word, "{l}: {word:?}");
            }
            assert!(!w.negators.is_empty(), "{l} has negators");
        }
    }
}
