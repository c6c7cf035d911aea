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
    /// Words too common to suggest (`suggest`), as written.
    stop_words: &'static [&'static str],
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

    /// Every language, in alphabetical order.
    pub fn all() -> impl Iterator<Item = Language> {
        LANGUAGES.iter().map(|&(l, _, _)| l)
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

    /// Words too common for `suggest` to propose alone or at the edge of a phrase
    /// (`the`, `le`, `der`), as written: a caller normalises them as it does words.
    /// Empty for the languages without a list (Danish, Norwegian, Swedish, Finnish,
    /// Romanian, Russian, Greek, Hungarian, Turkish, Arabic, Tamil).
    pub fn stop_words(self) -> &'static [&'static str] {
        self.words().stop_words
    }

    /// Words that negate only with a negative particle (French `ne`, or `n'` elided
    /// from a word) a few words before them, or right after them as after a subject:
    /// `plus` in "je ne fais plus confiance", "il n'y a plus de médecin", where alone it
    /// is "more" ("plus de sécurité"); `personne` in "je n'ai vu personne", "il n'y a
    /// personne à l'accueil", "personne ne m'a aidé" ("nobody"), where alone it is
    /// "person". Part of the built-in negators: a lexicon's `negators` replaces them
    /// too, and its `particle_negators` names them again.
    pub fn particle_negators(self) -> &'static [&'static str] {
        if self.has_negative_particle() { &["plus", "personne"] } else { &[] }
    }

    /// Whether the language has a negative particle (French `ne`), after which
    /// [`Language::particle_negators`] negate.
    pub fn has_negative_particle(self) -> bool {
        self == Language::French
    }

    /// Words right before a particle negator that make it a noun or a superlative, no
    /// negator: determiners (`une personne`, `n'importe quelle personne`, `qu'une
    /// personne`, `le plus`) and the adjectives that stand between one and its noun
    /// (`qu'une seule personne`). `de` is none: `je n'ai besoin de personne` is
    /// "I need nobody".
    pub fn determiners(self) -> &'static [&'static str] {
        if self.has_negative_particle() { FRENCH_DETERMINERS } else { &[] }
    }

    /// Whether a normalised word (before its elided article is dropped) is a negative
    /// particle: French `ne`, or a word with an elided `n'` (`n'est`, `n'y`).
    pub fn is_negative_particle(self, norm: &str) -> bool {
        self.has_negative_particle() && (norm == "ne" || norm.starts_with("n'"))
    }

    /// Negators that follow what they negate and negate nothing after them: Turkish
    /// `güvenlik yok` ("no security"), `pahalı değil` ("not expensive"), `güvenlik
    /// olmadan` ("without security"); in `sorun yok, güvenlik iyi` ("no problem,
    /// security is fine") `yok` says nothing of `güvenlik`. They negate the word right
    /// before them even with `negation_after` at 0, and up to `negation_after` words.
    pub fn postpositive_negators(self) -> &'static [&'static str] {
        if self == Language::Turkish { &["yok", "değil", "olmadan"] } else { &[] }
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
    /// `dell'acqua` -> `acqua`, in any case (`L'Église` -> `Église`). A word that is
    /// only an elision (`l'`), or whose front is no article (`aujourd'hui`), stays as
    /// it is.
    pub fn elide(self, norm: &mut String) {
        let elided = self.words().elided;
        if elided.is_empty() {
            return;
        }
        if let Some((article, rest)) = norm.split_once('\'')
            && !rest.is_empty()
            && elided.iter().any(|a| a.eq_ignore_ascii_case(article))
        {
            norm.drain(..article.len() + 1);
        }
    }

    /// Rewrites a normalised word (case folded, accents not folded yet) in the one
    /// spelling its language's answers and entries share where typists commonly
    /// replace a letter: German `ae`, `oe`, `ue` for `ä`, `ö`, `ü` (`fuer`, `Aerzte`,
    /// `schoen` are `für`, `ärzte`, `schön`), as Snowball's german2 variant reads
    /// them, but for a `u` after `q` or a vowel (`Quelle`, `Feuer`, `neue`, `Bauer`);
    /// Russian `е` for `ё` (`ещё`, `всё` are `еще`, `все`). A word of another language
    /// stays as it is. (`ß` is `ss` in every language already: case folding.)
    ///
    /// # Example
    /// ```
    /// use codeframe::text::Language;
    ///
    /// let respelled = |l: Language, w: &str| {
    ///     let mut w = w.to_string();
    ///     l.respell(&mut w);
    ///     w
    /// };
    /// assert_eq!(respelled(Language::German, "gebuehren"), "gebühren");
    /// assert_eq!(respelled(Language::German, "feuer"), "feuer");
    /// assert_eq!(respelled(Language::Russian, "ещё"), "еще");
    /// assert_eq!(respelled(Language::English, "blue"), "blue");
    /// ```
    #[inline]
    pub fn respell(self, norm: &mut String) {
        match self {
            Language::German => respell_umlauts(norm),
            Language::Russian if norm.contains('ё') => *norm = norm.replace('ё', "е"),
            _ => {}
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

/// German `ae`, `oe`, `ue` as `ä`, `ö`, `ü` (see [`Language::respell`]). Snowball's
/// german2 first marks a `u` between vowels as a consonant, then replaces the pairs
/// from the left, skipping `qu`: so here a `u` after `q` or a vowel stays.
fn respell_umlauts(norm: &mut String) {
    let pair = |w: &[u8]| w[1] == b'e' && matches!(w[0], b'a' | b'o' | b'u');
    if !norm.as_bytes().windows(2).any(pair) {
        return;
    }
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ä' | 'ö' | 'ü');
    let mut out = String::with_capacity(norm.len());
    let mut before = None;
    let mut chars = norm.chars().peekable();
    while let Some(c) = chars.next() {
        let umlaut = match c {
            _ if chars.peek() != Some(&'e') => None,
            'a' => Some('ä'),
            'o' => Some('ö'),
            'u' if !before.is_some_and(|b| b == 'q' || vowel(b)) => Some('ü'),
            _ => None,
        };
        match umlaut {
            Some(u) => {
                out.push(u);
                before = chars.next();
            }
            None => {
                out.push(c);
                before = Some(c);
            }
        }
    }
    *norm = out;
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
    stop_words: STOP_ENGLISH,
    elided: &[],
};

const STOP_ENGLISH: &[&str] = &[
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "because", "been", "before", "being", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "done",
    "each", "even", "for", "from", "get", "got", "had", "has", "have", "having", "he", "her", "here", "hers", "him",
    "his", "how", "i", "i'm", "if", "in", "into", "is", "it", "it's", "its", "just", "me", "more", "most", "much",
    "my", "of", "off", "on", "once", "only", "or", "other", "our", "out", "over", "own", "same", "she", "should", "so",
    "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
    "through", "to", "too", "up", "us", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who",
    "whom", "why", "will", "with", "would", "you", "your", "yes", "no", "not", "one", "may", "might", "must", "also",
    "etc", "e.g", "i.e", "s", "t",
];

// `ne` is no negator: it also stands alone (`ne ... que`, "only"), and `pas`, `jamais`
// or `rien` comes with it. `n'` goes with the article before it (`n'est` -> `est`).
// `plus` and `personne` negate only after `ne` or `n'`, or right before it as a subject
// (see `Language::particle_negators`): alone, "more" and "person" are their commoner senses.
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
    stop_words: &[
        "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "et", "ou", "où", "à", "au", "aux", "en", "dans",
        "par", "pour", "sur", "sous", "avec", "ce", "cet", "cette", "ces", "c", "ça", "cela", "ceci", "qui", "que",
        "qu", "quoi", "dont", "il", "ils", "elle", "elles", "on", "nous", "vous", "je", "j", "tu", "me", "m", "te",
        "t", "se", "s", "y", "lui", "leur", "leurs", "son", "sa", "ses", "mon", "ma", "mes", "ton", "ta", "tes",
        "notre", "nos", "votre", "vos", "est", "sont", "été", "être", "était", "étaient", "sera", "serait", "a", "ai",
        "as", "avons", "avez", "ont", "avait", "avoir", "fait", "faire", "plus", "très", "aussi", "mais", "si", "ne",
        "n", "pas", "non", "oui", "tout", "tous", "toute", "toutes", "comme", "bien", "donc", "car", "ni", "même",
        "entre", "vers", "chez", "peu", "trop", "déjà", "encore", "alors", "là", "ici",
    ],
    elided: &["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
};

// Before `personne` or `plus`, they make it the noun ("person") or the superlative
// (`le plus`): the pronoun `personne` ("nobody") and the `plus` of `ne ... plus` follow a
// verb, a preposition or a negator. `de` is left out (`besoin de personne`, "need of
// nobody"), and so is `même` (`je ne fais même plus confiance`, "not even any more");
// `qu'une` is `une` once its article goes.
const FRENCH_DETERMINERS: &[&str] = &[
    "le", "la", "les", "un", "une", "ce", "cet", "cette", "ces", "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa",
    "ses", "notre", "nos", "votre", "vos", "leur", "leurs", "chaque", "quel", "quelle", "quels", "quelles", "toute",
    "seule", "autre",
];

// `keinerlei` ("no ... whatsoever", `keinerlei Sicherheit`) and `nirgendwo` are as
// common in answers as `kein` and `nirgends`.
const GERMAN: Words = Words {
    negators: &[
        "nicht",
        "kein",
        "keine",
        "keinen",
        "keinem",
        "keiner",
        "keines",
        "keinerlei",
        "nie",
        "niemals",
        "ohne",
        "weder",
        "nichts",
        "niemand",
        "nirgends",
        "nirgendwo",
        "kaum",
    ],
    clause_words: &["aber", "jedoch", "sondern", "obwohl", "obgleich", "trotzdem", "allerdings", "außer"],
    pseudo_negation: &["nur", "bloß", "lediglich", "zweifel"],
    stop_words: &[
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines", "und", "oder",
        "aber", "in", "im", "ins", "an", "am", "auf", "aus", "bei", "mit", "nach", "von", "vom", "zu", "zum", "zur",
        "für", "über", "unter", "um", "durch", "gegen", "ohne", "ich", "du", "er", "sie", "es", "wir", "ihr", "mich",
        "mir", "dich", "dir", "sich", "uns", "euch", "ihn", "ihm", "ihnen", "mein", "meine", "dein", "sein", "seine",
        "unser", "euer", "ist", "sind", "war", "waren", "hat", "haben", "hatte", "hatten", "wird", "werden", "wurde",
        "kann", "können", "muss", "müssen", "soll", "sollte", "nicht", "kein", "keine", "auch", "noch", "nur", "schon",
        "sehr", "so", "wie", "als", "wenn", "dass", "ob", "weil", "da", "hier", "dort", "was", "wer", "wo", "dies",
        "diese", "dieser", "dieses", "jede", "jeder", "man", "mehr", "ja", "nein",
    ],
    elided: &[],
};

const SPANISH: Words = Words {
    negators: &[
        "no", "nunca", "jamás", "sin", "ni", "nada", "nadie", "ningún", "ninguno", "ninguna", "ningunos", "ningunas",
        "tampoco",
    ],
    clause_words: &["pero", "sino", "aunque", "excepto", "salvo"],
    pseudo_negation: &["solo", "sólo", "solamente", "únicamente", "embargo", "duda"],
    stop_words: &[
        "el", "la", "los", "las", "lo", "un", "una", "unos", "unas", "de", "del", "al", "a", "en", "y", "o", "u",
        "que", "qué", "se", "por", "para", "con", "sin", "sobre", "entre", "hasta", "desde", "es", "son", "ser", "fue",
        "era", "está", "están", "estar", "ha", "han", "he", "hay", "haber", "muy", "más", "menos", "pero", "sino",
        "también", "ya", "no", "sí", "si", "como", "cuando", "donde", "porque", "mi", "mis", "tu", "tus", "su", "sus",
        "nuestro", "nuestra", "me", "te", "le", "les", "nos", "yo", "tú", "él", "ella", "ellos", "ellas", "nosotros",
        "usted", "ustedes", "este", "esta", "estos", "estas", "ese", "esa", "esos", "esas", "eso", "esto", "todo",
        "todos", "toda", "todas",
    ],
    elided: &[],
};

const ITALIAN: Words = Words {
    negators: &[
        "non", "mai", "senza", "né", "niente", "nulla", "nessuno", "nessuna", "nessun", "neanche", "nemmeno", "neppure",
    ],
    clause_words: &["ma", "però", "tuttavia", "sebbene", "benché", "eccetto", "tranne", "bensì"],
    pseudo_negation: &["solo", "soltanto", "solamente", "dubbio"],
    stop_words: &[
        "il", "lo", "la", "i", "gli", "le", "l", "un", "uno", "una", "di", "del", "dello", "della", "dei", "degli",
        "delle", "a", "al", "allo", "alla", "ai", "agli", "alle", "da", "dal", "dalla", "dai", "in", "nel", "nella",
        "nei", "con", "su", "sul", "sulla", "per", "tra", "fra", "e", "ed", "o", "che", "chi", "cui", "non", "si",
        "se", "ma", "anche", "come", "più", "molto", "è", "sono", "era", "essere", "ha", "hanno", "ho", "avere",
        "stato", "questo", "questa", "questi", "queste", "quello", "quella", "mi", "ti", "ci", "vi", "io", "tu", "lui",
        "lei", "noi", "voi", "loro", "mio", "mia", "suo", "sua", "nostro", "tutto", "tutti", "sì", "no",
    ],
    elided: &[
        "c", "l", "all", "dall", "dell", "nell", "sull", "coll", "pell", "gl", "agl", "dagl", "degl", "negl", "sugl",
        "un", "m", "t", "s", "v", "d",
    ],
};

const PORTUGUESE: Words = Words {
    negators: &["não", "nunca", "jamais", "sem", "nem", "nada", "ninguém", "nenhum", "nenhuma", "nenhuns", "nenhumas"],
    clause_words: &["mas", "porém", "contudo", "todavia", "embora", "exceto", "senão"],
    pseudo_negation: &["só", "apenas", "somente", "dúvida"],
    stop_words: &[
        "o", "a", "os", "as", "um", "uma", "uns", "umas", "de", "do", "da", "dos", "das", "em", "no", "na", "nos",
        "nas", "por", "pelo", "pela", "para", "com", "sem", "sobre", "entre", "e", "ou", "que", "se", "não", "sim",
        "mas", "também", "como", "mais", "muito", "é", "são", "era", "ser", "foi", "está", "estão", "estar", "tem",
        "têm", "ter", "há", "eu", "tu", "ele", "ela", "nós", "eles", "elas", "me", "te", "lhe", "meu", "minha", "seu",
        "sua", "nosso", "este", "esta", "isso", "isto", "esse", "essa", "aquele", "todo", "todos",
    ],
    elided: &[],
};

const DUTCH: Words = Words {
    negators: &["niet", "geen", "nooit", "zonder", "noch", "niets", "niks", "niemand", "nergens", "nauwelijks"],
    clause_words: &["maar", "echter", "hoewel", "behalve", "doch"],
    pseudo_negation: &["alleen", "slechts", "enkel", "twijfel"],
    stop_words: &[
        "de", "het", "een", "en", "of", "in", "op", "aan", "bij", "met", "van", "voor", "naar", "door", "over", "uit",
        "tot", "om", "te", "dat", "die", "dit", "deze", "wat", "wie", "waar", "als", "dan", "ook", "nog", "niet",
        "geen", "wel", "is", "zijn", "was", "waren", "wordt", "worden", "heeft", "hebben", "had", "kan", "kunnen",
        "moet", "zal", "zou", "ik", "jij", "je", "hij", "zij", "ze", "wij", "we", "jullie", "u", "mij", "me", "hem",
        "haar", "ons", "hun", "mijn", "er", "maar", "zo", "heel", "meer", "ja", "nee",
    ],
    elided: &[],
};

const DANISH: Words = Words {
    negators: &["ikke", "ingen", "intet", "ingenting", "aldrig", "uden", "hverken", "næppe"],
    clause_words: &["men", "dog", "selvom", "undtagen"],
    pseudo_negation: &["kun", "blot", "tvivl"],
    stop_words: &[],
    elided: &[],
};

const NORWEGIAN: Words = Words {
    negators: &["ikke", "ingen", "intet", "ingenting", "aldri", "uten", "verken", "neppe"],
    clause_words: &["men", "likevel", "skjønt", "unntatt"],
    pseudo_negation: &["bare", "kun", "tvil"],
    stop_words: &[],
    elided: &[],
};

// `utan` is left out: "without", but also "but rather" (`inte X utan Y`).
const SWEDISH: Words = Words {
    negators: &["inte", "icke", "ej", "ingen", "inget", "inga", "ingenting", "aldrig", "varken", "knappast"],
    clause_words: &["men", "dock", "fastän", "utom"],
    pseudo_negation: &["bara", "endast", "blott"],
    stop_words: &[],
    elided: &[],
};

// The negative verb in its persons, and `ilman` ("without").
const FINNISH: Words = Words {
    negators: &["ei", "en", "et", "emme", "ette", "eivät", "älä", "ilman"],
    clause_words: &["mutta", "kuitenkin", "vaikka", "paitsi"],
    pseudo_negation: &["vain", "ainoastaan"],
    stop_words: &[],
    elided: &[],
};

const ROMANIAN: Words = Words {
    negators: &["nu", "niciodată", "fără", "nici", "nimic", "nimeni", "niciun", "nicio", "deloc"],
    clause_words: &["dar", "însă", "totuși", "deși", "ci"],
    pseudo_negation: &["doar", "numai", "îndoială"],
    stop_words: &[],
    elided: &[],
};

// `никакой` in its common cases: `никаких` ("no ... at all", genitive plural) is the
// commonest of them in answers (`никаких улучшений`, "no improvements"); `нельзя` ("one
// cannot") negates the verb after it as "cannot" does.
const RUSSIAN: Words = Words {
    negators: &[
        "не",
        "нет",
        "ни",
        "никогда",
        "без",
        "ничего",
        "ничто",
        "никто",
        "никого",
        "нигде",
        "никакой",
        "никакая",
        "никакое",
        "никакие",
        "никакого",
        "никаких",
        "никакую",
        "никаким",
        "нельзя",
    ],
    clause_words: &["но", "однако", "хотя", "зато", "кроме"],
    pseudo_negation: &["только", "сомнения"],
    stop_words: &[],
    elided: &[],
};

const GREEK: Words = Words {
    negators: &["δεν", "δε", "μην", "μη", "όχι", "ποτέ", "χωρίς", "ούτε", "τίποτα"],
    clause_words: &["αλλά", "όμως", "ωστόσο", "εκτός"],
    pseudo_negation: &["μόνο", "αμφιβολία"],
    stop_words: &[],
    elided: &[],
};

const HUNGARIAN: Words = Words {
    negators: &["nem", "sem", "soha", "sosem", "nélkül", "semmi", "senki", "sehol"],
    clause_words: &["de", "azonban", "viszont", "bár", "habár", "kivéve"],
    pseudo_negation: &["csak", "kétség"],
    stop_words: &[],
    elided: &[],
};

// Turkish negates most verbs with a suffix (`gelmedi`), which no list of words finds:
// write entries for the negated forms where it matters.
const TURKISH: Words = Words {
    negators: &["değil", "yok", "hiç", "asla", "hiçbir", "olmadan"],
    clause_words: &["ama", "fakat", "ancak", "lakin", "halbuki"],
    pseudo_negation: &["sadece", "yalnızca"],
    stop_words: &[],
    elided: &[],
};

// With the conjunction `و` ("and") written onto them (`ولا`, "and no"), as it always
// is: `ولا يوجد` ("and there is no") negated nothing.
const ARABIC: Words = Words {
    negators: &["لا", "لم", "لن", "ليس", "ليست", "بدون", "غير", "دون", "ولا", "ولم", "ولن", "وليس", "وليست", "وبدون"],
    clause_words: &["لكن", "ولكن", "بل"],
    pseudo_negation: &["فقط"],
    stop_words: &[],
    elided: &[],
};

const TAMIL: Words = Words {
    negators: &["இல்லை", "அல்ல", "இன்றி"],
    clause_words: &["ஆனால்"],
    pseudo_negation: &[],
    stop_words: &[],
    elided: &[],
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
        assert_eq!(elide(Language::French, "L'Église"), "Église");
        assert_eq!(elide(Language::French, "QU'IL"), "IL");
        // Only one article goes, and English has none.
        assert_eq!(elide(Language::French, "l'l'eau"), "l'eau");
        assert_eq!(elide(Language::English, "o'clock"), "o'clock");
        assert_eq!(elide(Language::English, "d'you"), "d'you");
    }

    #[test]
    fn respelling_is_german_and_russian_only() {
        let respelled = |l: Language, w: &str| {
            let mut s = w.to_string();
            l.respell(&mut s);
            s
        };
        for (word, want) in [
            ("fuer", "für"),
            ("aerzte", "ärzte"),
            ("schoen", "schön"),
            ("oeffnung", "öffnung"),
            ("uebung", "übung"),
            ("zurueck", "zurück"),
            // `qu`, and a `u` after a vowel, are no umlaut.
            ("quelle", "quelle"),
            ("bequem", "bequem"),
            ("feuer", "feuer"),
            ("neue", "neue"),
            ("bauer", "bauer"),
            ("vertrauen", "vertrauen"),
            // After a pair, the next letter follows an `e`.
            ("aeue", "äue"),
            ("ueue", "üue"),
            ("poesie", "pösie"),
            ("israel", "isräl"),
            ("ae", "ä"),
            ("e", "e"),
            ("", ""),
            ("für", "für"),
        ] {
            assert_eq!(respelled(Language::German, word), want, "{word}");
        }
        assert_eq!(respelled(Language::Russian, "всё ещё ёлка"), "все еще елка");
        for l in Language::all().filter(|&l| l != Language::German && l != Language::Russian) {
            assert_eq!(respelled(l, "fuer всё"), "fuer всё", "{l}");
        }
    }

    #[test]
    fn every_language_has_a_stemmer_and_its_lists_are_single_lowercase_words() {
        for (l, _, _) in LANGUAGES {
            let stemmer = rust_stemmers::Stemmer::create(l.algorithm());
            let _ = stemmer.stem("word");
            let w = l.words();
            let lists = [
                w.negators,
                w.clause_words,
                w.pseudo_negation,
                w.stop_words,
                w.elided,
                l.particle_negators(),
                l.postpositive_negators(),
                l.determiners(),
            ];
            for word in lists.into_iter().flatten() {
                assert!(!word.is_empty() && !word.contains(char::is_whitespace), "{l}: {word:?}");
                assert_eq!(word.to_lowercase(), *word, "{l}: {word:?}");
            }
            // The analyser flags them as written: they are their own norms.
            assert!(l.determiners().iter().all(|w| w.bytes().all(|b| b.is_ascii_lowercase())), "{l}");
            assert!(!w.negators.is_empty(), "{l} has negators");
        }
    }
}
