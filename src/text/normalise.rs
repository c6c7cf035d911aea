//! Normalising one word: NFKC, apostrophes and quotes unified, case folded, accents
//! on Latin letters folded (optionally), and (optionally) American spellings mapped to
//! British ones.
//!
//! Works on one token at a time, so byte offsets in the original answer stay valid:
//! the tokeniser finds words in the raw text, and each word is normalised on its own.

use rustc_hash::FxHashMap;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Characters that are all spelled `'` after normalisation.
pub(crate) const APOSTROPHES: [char; 8] =
    ['\u{2019}', '\u{2018}', '\u{201B}', '\u{02BC}', '\u{FF07}', '\u{2032}', '`', ACUTE_ACCENT];

/// The acute accent, typed for an apostrophe on some keyboards (`didn´t`). NFKC would
/// make it a space and a combining accent, so it is spelled `'` before NFKC.
const ACUTE_ACCENT: char = '\u{B4}';

/// `c`, or `'` for the acute accent: applied before NFKC (see [`ACUTE_ACCENT`]).
fn acute_as_apostrophe(c: char) -> char {
    if c == ACUTE_ACCENT { '\'' } else { c }
}

/// Invisible characters dropped from words: zero-width space and joiners, word
/// joiner, soft hyphen, BOM; bidirectional marks, embeddings and isolates (text
/// pasted from right-to-left contexts carries them: `police\u{200F}` is `police`);
/// variation selectors and tag characters (emoji presentation).
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{2060}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Writes the normalised form of `word` into `out` (cleared first).
///
/// ASCII words take a fast path (lowercasing, a backtick spelled `'`); anything else
/// goes through NFKC, apostrophe unification and Unicode case folding, has its accents
/// on Latin letters folded if `fold_accents` (see [`fold_accents`]), and stays one word
/// (see `keep_one_word`). Both paths give the same result on ASCII input.
pub fn normalise_word(word: &str, fold_accents: bool, out: &mut String) {
    unfolded_chars(word, out);
    if !word.is_ascii() {
        keep_one_word(out);
        // After `keep_one_word`, which can compose a letter and a mark it joined again
        // (`e.\u{301}` is `é`).
        if fold_accents {
            fold_accents_of(out);
        }
    }
}

/// A word as a case-sensitive entry compares it: as written, but for what normalising
/// does besides folding case (NFKC, invisible characters dropped, apostrophes
/// unified), so `NHS’s`, ``NHS`s`` and `NHS's` are one word, as they are to every
/// other entry. Accents are kept whatever `fold_accents` says: "as written" is what a
/// case-sensitive theme is for, and a name it tells apart by its spelling (`Café
/// Rouge`, `Zoë`) is told apart by its accents too.
pub fn cased_form(word: &str) -> std::borrow::Cow<'_, str> {
    if word.is_ascii() {
        return if word.contains('`') { word.replace('`', "'").into() } else { word.into() };
    }
    word.chars()
        .filter(|&c| !is_invisible(c))
        .map(acute_as_apostrophe)
        .nfkc()
        .map(|c| if APOSTROPHES.contains(&c) { '\'' } else { c })
        .collect::<String>()
        .into()
}

/// [`normalise_word`] character by character, for text that is not one word (globs,
/// labels): NFKC, invisible characters dropped, apostrophes unified, case folded, and
/// accents on Latin letters folded if `fold_accents`.
pub fn normalise_chars(word: &str, fold_accents: bool, out: &mut String) {
    unfolded_chars(word, out);
    if fold_accents && !word.is_ascii() {
        fold_accents_of(out);
    }
}

/// [`normalise_chars`] but for folding accents.
fn unfolded_chars(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
        // The tokeniser joins a backtick where an apostrophe would (`don`t`).
        if out.contains('`') {
            *out = out.replace('`', "'");
        }
        return;
    }
    // Invisible characters go first, so NFKC composes what they separated (i, RLM, U+0301).
    for c in word.chars().filter(|&c| !is_invisible(c)).map(acute_as_apostrophe).nfkc() {
        if APOSTROPHES.contains(&c) {
            out.push('\'');
        } else if c == '\u{130}' {
            // `İ` lower-cases to `i` and a combining dot, which no typed `i` has:
            // `İstanbul` and `Istanbul` are one word.
            out.push('i');
        } else {
            // Case folded, not only lower-cased: `ß` and capital `ẞ` (which lower-cases
            // to `ß`) are `ss`, and a final `ς` is `σ`, so `STRAẞE`, `Straße` and
            // `strasse` meet, as do `ΛΌΓΟΣ` and `λόγος`.
            for l in c.to_lowercase() {
                match l {
                    'ß' => out.push_str("ss"),
                    'ς' => out.push('σ'),
                    l => out.push(l),
                }
            }
        }
    }
}

/// Folds the accents of the Latin letters in `text`: what typing a word with or
/// without them changes, so that `café`, `naïve`, `rôle`, `coöperate`, `Tiếng Việt`
/// are `cafe`, `naive`, `role`, `cooperate`, `Tieng Viet`. A Latin letter is
/// decomposed (NFD) and loses its combining marks, those of its decomposition and
/// those the text puts after it (`e\u{301}`), then stands alone, as NFC would leave it;
/// the Latin letters that do not decompose are mapped (`ø ł đ ħ ı` to `o l d h i`, the
/// ligatures `æ œ` to `ae oe`; both cases). Letters of other scripts keep their marks,
/// byte for byte: a Devanagari vowel sign, Cyrillic `й`, Greek `ά`, Hebrew points
/// would make other words without them. Idempotent; `text` comes back borrowed when
/// nothing folds.
///
/// # Example
/// ```
/// use codeframe::text::normalise::fold_accents;
///
/// assert_eq!(fold_accents("encyclopædia naïve manœuvre"), "encyclopaedia naive manoeuvre");
/// assert_eq!(fold_accents("йога"), "йога");
/// ```
pub fn fold_accents(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() || folded(text).eq(text.chars()) {
        return text.into();
    }
    folded(text).collect::<String>().into()
}

/// [`fold_accents`] in place: `text` changes only if something folds.
fn fold_accents_of(text: &mut String) {
    if !folded(text).eq(text.chars()) {
        *text = folded(text).collect();
    }
}

/// The characters of `text` with the accents of its Latin letters folded.
fn folded(text: &str) -> impl Iterator<Item = char> + '_ {
    // Whether the last character kept was a Latin letter, whose marks go.
    let mut on_latin = false;
    text.chars()
        .flat_map(move |c| {
            if on_latin && unicode_normalization::char::is_combining_mark(c) {
                return [None, None];
            }
            on_latin = is_latin_letter(c);
            if !on_latin {
                return [Some(c), None];
            }
            // A Latin letter decomposes into its base letter and marks, base first; some
            // bases do not decompose (`ǽ` is `æ` and an acute).
            let mut base = None;
            unicode_normalization::char::decompose_canonical(c, |d| {
                if base.is_none() && !unicode_normalization::char::is_combining_mark(d) {
                    base = Some(d);
                }
            });
            let one = |c| [Some(c), None];
            match base.unwrap_or(c) {
                'æ' => [Some('a'), Some('e')],
                'Æ' => [Some('A'), Some('E')],
                'œ' => [Some('o'), Some('e')],
                'Œ' => [Some('O'), Some('E')],
                'ø' => one('o'),
                'Ø' => one('O'),
                'ł' => one('l'),
                'Ł' => one('L'),
                'đ' => one('d'),
                'Đ' => one('D'),
                'ħ' => one('h'),
                'Ħ' => one('H'),
                'ı' => one('i'),
                base => one(base),
            }
        })
        .flatten()
}

/// A letter of the Latin script, by its block: ASCII, Latin-1 Supplement, Latin
/// Extended-A and -B, IPA Extensions, Latin Extended Additional, -C and -D. (Blocks
/// that mix in Greek or Cyrillic letters, such as Phonetic Extensions, are left out.)
/// `text` without the accents of its Greek letters (tonos, dialytika): Greek written in
/// capitals drops them by convention (`ΟΧΙ` is `όχι`), and answers typed fast often do,
/// so the words a language lists (negators, clause words) are compared without them.
/// Greek's stemmer ignores them already; [`fold_accents`] folds Latin letters only.
pub fn strip_greek_accents(text: &str) -> std::borrow::Cow<'_, str> {
    let greek = |c: char| matches!(c, '\u{370}'..='\u{3FF}' | '\u{1F00}'..='\u{1FFF}');
    if text.is_ascii() || !text.chars().any(greek) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !greek(c) {
            out.push(c);
            continue;
        }
        unicode_normalization::char::decompose_canonical(c, |d| {
            if !unicode_normalization::char::is_combining_mark(d) {
                out.push(d);
            }
        });
    }
    out.into()
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c, '\u{C0}'..='\u{2AF}' | '\u{1E00}'..='\u{1EFF}' | '\u{2C60}'..='\u{2C7F}' | '\u{A720}'..='\u{A7FF}')
            && c.is_alphabetic()
}

/// NFKC can turn a word into text that segments otherwise (`ŉ` becomes `'n`, whose
/// apostrophe is no part of a word): such a norm keeps only its letters, digits and
/// marks (none first), so analysing normalised text again gives the same words. Hyphens (of hyphenated
/// words) are kept between parts.
fn keep_one_word(out: &mut String) {
    let one_word = |part: &str| {
        let mut words = part.unicode_word_indices();
        !part.contains(char::is_whitespace)
            && matches!((words.next(), words.next()), (Some((0, w)), None) if w.len() == part.len())
    };
    let hyphen = |c: char| matches!(c, '-' | '\u{2010}' | '\u{2011}');
    if out.split(hyphen).all(one_word) {
        return;
    }
    // Its words run together without the stops, colons and apostrophes between
    // letters, which could otherwise split it again; if that is still not one word
    // (ideographs are a word each), its first word.
    let fix = |part: &str| -> String {
        if one_word(part) {
            return part.to_string();
        }
        let joined: String = part
            .unicode_words()
            .flat_map(|w| w.chars().filter(|&c| !matches!(c, '.' | ':' | '\'' | ',' | ';') && !c.is_whitespace()))
            .nfkc()
            .skip_while(|&c| unicode_normalization::char::is_combining_mark(c))
            .collect();
        if joined.is_empty() || one_word(&joined) {
            return joined;
        }
        joined.unicode_words().next().unwrap_or_default().to_string()
    };
    let fixed: Vec<String> = out.split(hyphen).map(fix).filter(|part| !part.is_empty()).collect();
    *out = fixed.join("-");
}

/// The one spelling a word's variants share, if it has listed variants: the British
/// one for an American one (`behavior` -> `behaviour`). Where the list gives an
/// American word two British forms (`anesthetize`: `anaesthetise`, `anaesthetize`;
/// `yogurt`: `yoghourt`, `yoghurt`), the first is the shared one and the others map
/// to it too, so any two spellings of the word meet, in a lexicon and in answers alike.
///
/// The list is quanteda.dictionaries' `data_dict_usbr` (MIT licence), 1,737 pairs,
/// less the pairs whose American form is also a British word with another meaning
/// or part of speech (`check`: `cheque`, `practice`: `practise`; the test
/// `different_british_words_are_not_merged` names them all) and wrong ones
/// (`tranquilly` for `tranquility`, a cell `flier / flyer`; `edoema` for `oedema`);
/// 1,699 are left.
pub fn british_spelling(word: &str) -> Option<&'static str> {
    spellings().british.get(word).copied()
}

/// The spellings [`british_spelling`] maps to `word` (`colour`: `color`;
/// `anaesthetise`: `anaesthetize`, `anesthetize`), sorted; none unless `word` is a
/// shared spelling. What a glob written in one spelling (`organiz*`) is matched
/// against besides the shared one.
pub fn other_spellings(word: &str) -> &'static [&'static str] {
    spellings().others.get(word).map_or(&[], Vec::as_slice)
}

/// The spelling list, both ways.
struct Spellings {
    /// Each listed spelling to the shared one.
    british: FxHashMap<&'static str, &'static str>,
    /// Each shared spelling to the others.
    others: FxHashMap<&'static str, Vec<&'static str>>,
}

fn spellings() -> &'static Spellings {
    static SPELLINGS: OnceLock<Spellings> = OnceLock::new();
    SPELLINGS.get_or_init(|| {
        let mut british = FxHashMap::default();
        for line in include_str!("uk-us-spelling.csv").lines().skip(1) {
            let Some((uk, us)) = line.split_once(',') else { continue };
            let (uk, us) = (uk.trim(), us.trim());
            if uk.is_empty() || us.is_empty() || uk == us {
                continue;
            }
            match british.get(us) {
                Some(&shared) if shared != uk => {
                    british.insert(uk, shared);
                }
                Some(_) => {}
                None => {
                    british.insert(us, uk);
                }
            }
        }
        let mut others: FxHashMap<&'static str, Vec<&'static str>> = FxHashMap::default();
        for (&word, &shared) in &british {
            others.entry(shared).or_default().push(word);
        }
        others.values_mut().for_each(|words| words.sort_unstable());
        Spellings { british, others }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The norm of `s` as the default analyser makes it (accents folded).
    fn norm(s: &str) -> String {
        let mut out = String::new();
        normalise_word(s, true, &mut out);
        out
    }

    /// The norm of `s` with accents kept (`fold_accents = false`).
    fn kept(s: &str) -> String {
        let mut out = String::new();
        normalise_word(s, false, &mut out);
        out
    }

    #[test]
    fn folds_case_and_apostrophes() {
        assert_eq!(norm("Don\u{2019}t"), "don't");
        assert_eq!(norm("DON'T"), "don't");
        // Lookalikes the tokeniser joins as apostrophes, on both paths.
        assert_eq!(norm("Don`t"), "don't");
        assert_eq!(norm("can\u{2032}t"), "can't");
        assert_eq!(norm("won\u{201B}t"), "won't");
        assert_eq!(norm("didn\u{B4}t"), "didn't");
        assert_eq!(cased_form("NHS\u{B4}s"), "NHS's");
        assert_eq!(kept("caf\u{E9}`s"), "caf\u{E9}'s");
        assert_eq!(norm("Stra\u{DF}e"), "strasse");
        // Capital sharp s and final sigma fold as their small forms do.
        assert_eq!(norm("STRA\u{1E9E}E"), "strasse");
        assert_eq!(norm("ΛΌΓΟΣ"), norm("λόγος"));
        assert_eq!(norm("λόγος"), "λόγοσ");
        assert_eq!(kept("ÉCOLE"), "école");
        // Turkish dotted capital I: no combining dot left over.
        assert_eq!(norm("\u{130}stanbul"), "istanbul");
        assert_eq!(norm("\u{130}STANBUL"), norm("Istanbul"));
    }

    #[test]
    fn nfkc_unifies_compatibility_forms() {
        // full-width letters, the fi ligature, decomposed e + combining acute
        assert_eq!(norm("\u{FF33}\u{FF34}\u{FF21}\u{FF2C}\u{FF2B}"), "stalk");
        assert_eq!(norm("\u{FB01}ne"), "fine");
        assert_eq!(kept("cafe\u{301}"), "café");
    }

    #[test]
    fn a_norm_stays_one_word() {
        // NFKC gives U+02BC n, and U+02BC becomes an apostrophe, no part of a word
        assert_eq!(norm("\u{149}"), "n");
        assert_eq!(norm("\u{2BC}okina"), "okina");
        assert_eq!(norm("don\u{2019}t"), "don't");
        assert_eq!(kept("caf\u{E9}-bar"), "caf\u{E9}-bar");
        assert_eq!(norm("caf\u{E9}-bar"), "cafe-bar");
    }

    #[test]
    fn drops_invisible_characters() {
        assert_eq!(norm("sta\u{200B}lk\u{AD}ing"), "stalking");
        // bidi marks and isolates around words copied from right-to-left text
        assert_eq!(norm("police\u{200F}"), "police");
        assert_eq!(norm("\u{202B}cost\u{202C}"), "cost");
        assert_eq!(norm("harass\u{2066}ment\u{2069}"), "harassment");
        assert_eq!(norm("\u{200E}\u{5E9}\u{5DC}\u{5D5}\u{5DD}\u{200F}"), "\u{5E9}\u{5DC}\u{5D5}\u{5DD}");
        assert_eq!(norm("ok\u{FE0F}"), "ok");
    }

    /// Latin letters lose their accents, whether precomposed, decomposed, stacked or
    /// from a compatibility form; the letters that do not decompose are mapped.
    #[test]
    fn folds_accents_on_latin_letters() {
        for (word, want) in [
            ("café", "cafe"),
            ("cafe\u{301}", "cafe"),
            ("NAÏVE", "naive"),
            ("rôle", "role"),
            ("coöperate", "cooperate"),
            ("encyclopædia", "encyclopaedia"),
            ("ENCYCLOPÆDIA", "encyclopaedia"),
            ("manœuvre", "manoeuvre"),
            ("Œuvre", "oeuvre"),
            ("smørrebrød", "smorrebrod"),
            ("Łódź", "lodz"),
            ("ǽ", "ae"),
            ("Ǿ", "o"),
            ("Đorđe", "dorde"),
            ("Ħamrun", "hamrun"),
            ("ılık", "ilik"),
            // Vietnamese stacks two marks on a letter; Latin Extended Additional.
            ("Việt", "viet"),
            ("\u{1E0C}", "d"),
            // Latin Extended-B, a mark the text puts after a letter, a fullwidth letter.
            ("\u{1CE}", "a"),
            ("q\u{301}\u{308}", "q"),
            ("\u{FF45}\u{301}", "e"),
            ("\u{130}stanbul", "istanbul"),
            ("Straße", "strasse"),
            ("don\u{2019}t", "don't"),
            // Letters that are not accented forms of others stay.
            ("þorn", "þorn"),
            ("ðe", "ðe"),
        ] {
            assert_eq!(norm(word), want, "{word}");
            assert_eq!(norm(&norm(word)), want, "{word}: folding is idempotent");
        }
        assert_eq!(kept("Việt"), "việt");
        assert_eq!(kept("encyclopædia"), "encyclopædia");
    }

    /// Other scripts keep their marks, byte for byte: without them they are other
    /// words (a Devanagari vowel sign, Cyrillic `й`, Hangul, Greek tonos, Arabic
    /// harakat, Hebrew points), and in a word mixing scripts only the Latin letters fold.
    #[test]
    fn keeps_the_marks_of_other_scripts() {
        for word in [
            "हिन्दी",
            "किताब",
            "йод",
            "и\u{306}од",
            "한국어",
            "\u{1100}\u{1161}",
            "λόγοσ",
            "άλφα",
            "كَتَبَ",
            "שָׁלוֹם",
            "日本語",
            "ё",
        ] {
            assert_eq!(norm(word), kept(word), "{word}");
            assert_eq!(fold_accents(word), word, "{word}");
        }
        assert_eq!(norm("й"), "й");
        // Cyrillic `и` and a breve written apart compose (NFKC) and stay `й`.
        assert_eq!(norm("и\u{306}"), "й");
        assert_eq!(norm("caféйод"), "cafeйод");
        assert_eq!(fold_accents("éλό"), "eλό");
        assert!(matches!(fold_accents("plain"), std::borrow::Cow::Borrowed(_)));
        assert!(matches!(fold_accents("йод"), std::borrow::Cow::Borrowed(_)));
    }

    /// Globs and labels fold as words do; `*` and `?` stay.
    #[test]
    fn normalise_chars_folds_when_asked() {
        let chars = |s: &str, fold: bool| {
            let mut out = String::new();
            normalise_chars(s, fold, &mut out);
            out
        };
        assert_eq!(chars("Naïv*", true), "naiv*");
        assert_eq!(chars("Naïv*", false), "naïv*");
        assert_eq!(chars("c?fé*", true), "c?fe*");
    }

    /// Every spelling of a word with two British forms meets the others (the later
    /// British form won before, and `anaesthetise` never met `anesthetize`).
    #[test]
    fn all_spellings_of_a_word_meet() {
        let shared = |w: &str| british_spelling(w).unwrap_or(w).to_string();
        for group in [
            &["anesthetize", "anaesthetise", "anaesthetize"][..],
            &["yogurt", "yoghourt", "yoghurt"],
            &["tranquility", "tranquillity"],
        ] {
            let forms: Vec<String> = group.iter().map(|w| shared(w)).collect();
            assert!(forms.iter().all(|f| f == &forms[0]), "{group:?}: {forms:?}");
        }
        assert_eq!(british_spelling("tranquilly"), None);
        // No shared spelling is itself mapped on: one step reaches it.
        for line in include_str!("uk-us-spelling.csv").lines().skip(1) {
            for w in line.split(',').map(str::trim) {
                if let Some(s) = british_spelling(w) {
                    assert_eq!(british_spelling(s), None, "{w} -> {s} -> ...");
                }
            }
        }
    }

    /// Pairs that are not spellings of one word, left out of the list so that they
    /// cannot come back: the American form is also a British word with another meaning
    /// or part of speech (a `cheque` theme matched "Please check my details", `storey`
    /// matched "stories", `tyre` "I tire"); the last few were never in the list.
    const DIFFERENT_BRITISH_WORDS: &[(&str, &str)] = &[
        ("check", "cheque"),
        ("checks", "cheques"),
        ("story", "storey"),
        ("stories", "storeys"),
        ("tire", "tyre"),
        ("tires", "tyres"),
        ("meter", "metre"),
        ("meters", "metres"),
        ("micrometer", "micrometre"),
        ("micrometers", "micrometres"),
        ("draft", "draught"),
        ("drafts", "draughts"),
        ("draftsman", "draughtsman"),
        ("draftsmen", "draughtsmen"),
        ("draftsmanship", "draughtsmanship"),
        ("draftswoman", "draughtswoman"),
        ("draftswomen", "draughtswomen"),
        ("program", "programme"),
        ("programs", "programmes"),
        ("practice", "practise"),
        ("practices", "practises"),
        ("license", "licence"),
        ("licenses", "licences"),
        ("licensed", "licenced"),
        ("licensing", "licencing"),
        ("filter", "philtre"),
        ("filters", "philtres"),
        ("ton", "tonne"),
        ("tons", "tonnes"),
        ("disk", "disc"),
        ("disks", "discs"),
        ("groin", "groyne"),
        ("groins", "groynes"),
        ("bevy", "bevvy"),
        ("bevies", "bevvies"),
        ("gasses", "gases"),
        // Never listed; named so that they are not added.
        ("curb", "kerb"),
        ("curbs", "kerbs"),
        ("annex", "annexe"),
        ("inquire", "enquire"),
        ("inquiry", "enquiry"),
        ("dependent", "dependant"),
        ("learned", "learnt"),
        ("spelled", "spelt"),
    ];

    #[test]
    fn different_british_words_are_not_merged() {
        for &(us, uk) in DIFFERENT_BRITISH_WORDS {
            assert_eq!(british_spelling(us), None, "`{us}` is a British word too, not `{uk}`");
        }
        for line in include_str!("uk-us-spelling.csv").lines().skip(1) {
            let (uk, us) = line.split_once(',').expect("two columns");
            let pair = (us.trim(), uk.trim());
            assert!(!DIFFERENT_BRITISH_WORDS.contains(&pair), "{pair:?} is listed again");
        }
        // As the docs of `british_spelling` and the README say.
        assert_eq!(include_str!("uk-us-spelling.csv").lines().skip(1).count(), 1699);
    }

    /// Pairs that were wrong in the list as published: a verb for its past tense
    /// (`pummel` for `pummelled`), a plural for a singular, two words in one cell.
    #[test]
    fn wrong_pairs_are_corrected() {
        assert_eq!(british_spelling("pummel"), None);
        assert_eq!(british_spelling("pummeled"), Some("pummelled"));
        assert_eq!(british_spelling("pummeling"), Some("pummelling"));
        assert_eq!(british_spelling("snowploughs"), None);
        assert_eq!(british_spelling("snowplows"), Some("snowploughs"));
        // The list as published spells the British word `edoema`.
        assert_eq!(british_spelling("edema"), Some("oedema"));
        assert!(include_str!("uk-us-spelling.csv").lines().all(|l| !l.contains('/')));
    }

    #[test]
    fn other_spellings_are_the_words_mapped_to_a_shared_one() {
        assert_eq!(other_spellings("colour"), ["color"]);
        assert_eq!(other_spellings("anaesthetise"), ["anaesthetize", "anesthetize"]);
        assert!(other_spellings("color").is_empty() && other_spellings("stalking").is_empty());
        for line in include_str!("uk-us-spelling.csv").lines().skip(1) {
            for w in line.split(',').map(str::trim) {
                if let Some(shared) = british_spelling(w) {
                    assert!(other_spellings(shared).contains(&w), "{w} -> {shared}");
                }
            }
        }
    }

    #[test]
    fn maps_american_to_british() {
        assert_eq!(british_spelling("behavior"), Some("behaviour"));
        assert_eq!(british_spelling("counseling"), Some("counselling"));
        assert_eq!(british_spelling("behaviour"), None);
        assert_eq!(british_spelling("stalking"), None);
    }
}
