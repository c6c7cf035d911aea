//! Dictionary formats: counts from an imported LIWC dictionary checked against figures
//! computed by hand, the fixtures of every format, and the real dictionaries in
//! `../shared/realdata` (when present, or where `CODEFRAME_REALDATA` points): every
//! one loads, and the two Moral Foundations 2.0 files load to the same lexicon.

use std::path::{Path, PathBuf};

use codeframe::coding;
use codeframe::lexicon::{CompiledLexicon, DuplicateTerms, ImportOptions, Lexicon, MatchRule};
use codeframe::matching::Scanner;

use crate::harness::{Workdir, ad_hoc, repo};

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/dictionaries").join(name)
}

/// (category, words counted, matches) for each category `text` counts in, and the
/// answer's word count.
fn liwc_counts(lexicon: &CompiledLexicon, text: &str) -> (Vec<(String, u64, usize)>, u32) {
    let mut scanner = Scanner::new();
    scanner.scan(lexicon, text);
    let coding = coding::code(lexicon, &scanner, &lexicon.applies(None));
    let rows = coding
        .codes
        .iter()
        .map(|c| (lexicon.themes[c.theme as usize].id.clone(), coding.matched_words(c), c.hits.len()))
        .collect();
    (rows, coding.words)
}

fn row(category: &str, words: u64, matches: usize) -> (String, u64, usize) {
    (category.to_string(), words, matches)
}

/// `small.dic`: affect (posemo, negemo under it), social, function;
/// happ* 1 2 | happiness 2 | good 1 2 + good 5 (two lines) | bad 1 3 | hurt* 1 3 |
/// hurts me 3 4 | kind of 5 | friend* 4 | family 4 | the 5 | of 5 | care 2 | car* 4.
/// Each expected figure below is worked out by hand in the comment above it.
#[test]
fn counts_from_an_imported_dic_match_hand_computed_figures() {
    let lex = Lexicon::from_path(&fixture("small.dic")).unwrap();
    let lex = CompiledLexicon::new(&lex).unwrap();

    // the(function 1) family(social 1) was happy(happ*: affect 1, posemo 1) but it
    // hurts me ("hurts me" beats hurt*: negemo 2, social 2) kind of(function 2)
    // good(affect, posemo, function 1 each). 11 words. affect gets no roll-up from
    // "hurts me" (LIWC lists a word under the parent itself).
    let (rows, words) = liwc_counts(&lex, "The family was happy, but it hurts me. Kind of good!");
    assert_eq!(words, 11);
    assert_eq!(
        rows,
        [row("affect", 2, 2), row("posemo", 2, 2), row("negemo", 2, 1), row("social", 3, 2), row("function", 4, 3)]
    );

    // happiness: the literal entry beats happ*, so posemo only (no affect);
    // care: literal care (posemo) beats car*; the: function; car: car* (social);
    // friends: friend* (social). 6 words.
    let (rows, words) = liwc_counts(&lex, "Happiness? Care for the car, friends.");
    assert_eq!(words, 6);
    assert_eq!(rows, [row("posemo", 2, 2), row("social", 2, 2), row("function", 1, 1)]);

    // kind, of: a phrase across punctuation (function 2); well-being and hurt-free are
    // one word each (hurt-free: hurt*, affect 1, negemo 1); hurts... me: negemo 2,
    // social 2. 9 words.
    let (rows, words) = liwc_counts(&lex, "It was kind, of course. Well-being hurt-free; hurts... me");
    assert_eq!(words, 9);
    assert_eq!(rows, [row("affect", 1, 1), row("negemo", 3, 2), row("social", 2, 1), row("function", 2, 1)]);

    // case does not matter and every occurrence counts: bad x3 (affect, negemo);
    // good (affect, posemo, function). 4 words.
    let (rows, words) = liwc_counts(&lex, "Bad bad BAD good");
    assert_eq!(words, 4);
    assert_eq!(rows, [row("affect", 4, 4), row("posemo", 1, 1), row("negemo", 3, 3), row("function", 1, 1)]);
}

/// The same figures through the binary: `--lexicon small.dic --measure counts`.
#[test]
fn counts_csv_from_a_dic_lexicon() {
    let dir = Workdir::new();
    dir.write(
        "answers.csv",
        "id,text\nr1,\"The family was happy, but it hurts me. Kind of good!\"\nr2,Bad bad BAD good\n",
    );
    let lexicon = fixture("small.dic");
    dir.ok(&ad_hoc("answers.csv", "text", lexicon.to_str().unwrap(), "o", &["--measure", "counts"]));
    assert_eq!(
        dir.read("o/counts.csv"),
        "id,question,category,count,matches,words,per_100_words\n\
         r1,text,affect,2,2,11,18.1818\n\
         r1,text,posemo,2,2,11,18.1818\n\
         r1,text,negemo,2,1,11,18.1818\n\
         r1,text,social,3,2,11,27.2727\n\
         r1,text,function,4,3,11,36.3636\n\
         r2,text,affect,4,4,4,100.0000\n\
         r2,text,posemo,1,1,4,25.0000\n\
         r2,text,negemo,3,3,4,75.0000\n\
         r2,text,function,1,1,4,25.0000\n"
    );
}

/// The `.dicx` fixture holds the `.dic` fixture's terms (without its hierarchy and
/// its conditional line): it counts the same.
#[test]
fn the_dicx_fixture_counts_like_the_dic_fixture() {
    let dic = CompiledLexicon::new(&Lexicon::from_path(&fixture("small.dic")).unwrap()).unwrap();
    let dicx = CompiledLexicon::new(&Lexicon::from_path(&fixture("small.dicx")).unwrap()).unwrap();
    for text in ["The family was happy, but it hurts me. Kind of good!", "Happiness? Care for the car, friends."] {
        assert_eq!(liwc_counts(&dic, text), liwc_counts(&dicx, text), "{text}");
    }
}

/// Every fixture loads and compiles; the warnings are the ones the fixtures are made
/// to raise (the `.dic`'s conditional line and duplicated term, the `.cat`'s repeated
/// category name).
#[test]
fn every_fixture_loads_and_compiles() {
    for (name, expected) in [("small.dic", 2), ("small.dicx", 0), ("small.cat", 2), ("small.yml", 0), ("small.txt", 0)]
    {
        let lex = Lexicon::from_path(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        CompiledLexicon::new(&lex).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(lex.warnings.len(), expected, "{name}: {:?}", lex.warnings);
    }
    assert!(Lexicon::from_path(Path::new("nowhere.dic")).is_err());
}

/// The real-data folder, if this checkout has one.
fn realdata() -> Option<PathBuf> {
    let dir = match std::env::var_os("CODEFRAME_REALDATA") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata"),
    };
    if dir.join("dictionaries").is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: no real data at {} (set CODEFRAME_REALDATA)", dir.display());
        None
    }
}

#[test]
fn every_real_dictionary_loads_and_compiles() {
    let Some(dir) = realdata() else { return };
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir.join("dictionaries")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 7);
    for f in files {
        let lex = Lexicon::from_path(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let entries: usize = lex.themes.iter().map(|t| t.entries.len()).sum();
        eprintln!("{}: {} themes, {entries} entries, {} warnings", f.display(), lex.themes.len(), lex.warnings.len());
        for w in &lex.warnings {
            eprintln!("  warning: {w}");
        }
        assert!(entries > 0, "{}", f.display());
        CompiledLexicon::new(&lex).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
}

/// Each theme's id (lowercase, `.` as `_`) and its sorted entries.
fn contents(lex: &Lexicon) -> Vec<(String, Vec<String>)> {
    lex.themes
        .iter()
        .map(|t| {
            let mut entries: Vec<String> = t.entries.iter().map(|e| e.rule.to_string()).collect();
            entries.sort();
            (t.id.to_lowercase().replace('.', "_"), entries)
        })
        .collect()
}

/// `mfd2.0.dic` lists 57 terms on two lines with different categories; the `.dicx`
/// was converted keeping only the last line of each. Read the same way, the two files
/// are the same lexicon; read generously (the default), the `.dic` has exactly those
/// extra memberships.
#[test]
fn mfd2_dic_and_dicx_load_to_the_same_lexicon() {
    let Some(dir) = realdata() else { return };
    let dicx = Lexicon::from_path(&dir.join("dictionaries/moral-foundations-2.0.dicx")).unwrap();
    assert!(dicx.warnings.is_empty());
    let last = ImportOptions { duplicates: DuplicateTerms::LastLine, ..ImportOptions::default() };
    let dic_last = Lexicon::from_path_with(&dir.join("dictionaries/mfd2.0.dic"), &last).unwrap();
    assert_eq!(contents(&dic_last), contents(&dicx));
    assert_eq!(dic_last.settings, dicx.settings);
    assert_eq!(dic_last.warnings.len(), 57);

    let dic = Lexicon::from_path(&dir.join("dictionaries/mfd2.0.dic")).unwrap();
    assert_eq!(dic.warnings.len(), 57);
    let duplicated: Vec<String> =
        dic.warnings.iter().filter_map(|w| w.message.split('"').nth(1).map(|t| format!("={t}"))).collect();
    let (a, b) = (contents(&dic), contents(&dicx));
    let mut extra = 0;
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.0, y.0);
        assert!(y.1.iter().all(|e| x.1.contains(e)), "theme {}: the .dicx has an entry the .dic lacks", x.0);
        for e in x.1.iter().filter(|e| !y.1.contains(e)) {
            assert!(duplicated.contains(e), "theme {}: {e} is only in the .dic", x.0);
            extra += 1;
        }
    }
    assert_eq!(extra, 63, "memberships from the earlier lines of duplicated terms");
}

/// The themes each text is coded with.
fn themes_of(lexicon: &Lexicon, texts: &[String]) -> Vec<Vec<String>> {
    let compiled = CompiledLexicon::new(lexicon).unwrap();
    let mut scanner = Scanner::new();
    texts
        .iter()
        .map(|t| {
            scanner.scan(&compiled, t);
            let coding = coding::code(&compiled, &scanner, &compiled.applies(None));
            coding.codes.iter().map(|c| compiled.themes[c.theme as usize].id.clone()).collect()
        })
        .collect()
}

/// Every real dictionary written back out as a `.dic` and as YAML reads as the same
/// themes and entries (a `.cat`, counted by codeframe's rule, as the same codes).
#[test]
fn real_dictionaries_round_trip_through_dic_and_yaml() {
    use codeframe::lexicon::export;
    let Some(dir) = realdata() else { return };
    for name in ["mfd2.0.dic", "mfd1.0.dic", "grievance.dicx", "laver-garry-2000.cat", "arguing-lexicon.dicx"] {
        let original = Lexicon::from_path(&dir.join("dictionaries").join(name)).unwrap();
        let dic = Lexicon::from_str_with_path(&export::to_dic(&original).text, Path::new("x.dic")).unwrap();
        if original.settings.match_rule == MatchRule::Liwc {
            assert_eq!(contents(&dic), contents(&original), "{name} via .dic");
        } else {
            // A codeframe-rule dictionary (.cat) is written so that LIWC's reading codes
            // as it did: lines list parents and covering wildcards too. Every entry as
            // a text (`galler*` as `gallerx`) gets the same themes either way.
            let texts: Vec<String> = contents(&original)
                .iter()
                .flat_map(|(_, entries)| entries.iter().map(|e| e.replace('=', "").replace('*', "x")))
                .collect();
            assert_eq!(themes_of(&dic, &texts), themes_of(&original, &texts), "{name} via .dic");
        }
        let exported = export::to_yaml(&original);
        let yaml = Lexicon::from_str_with_path(&exported.text, Path::new("x.yml")).unwrap();
        // An entry that changes on the way is one the export warned about (a `?` is a
        // wildcard in YAML; Grievance's `napalm?`, which no word matches, is not read).
        for (a, b) in contents(&yaml).iter().zip(&contents(&original)) {
            assert_eq!(a.0, b.0);
            for e in b.1.iter().filter(|e| !a.1.contains(e)) {
                let word = e.trim_start_matches('=');
                assert!(exported.warnings.iter().any(|w| w.contains(word)), "{name}: {e} lost silently");
            }
        }
        let parents = |l: &Lexicon| l.themes.iter().map(|t| t.parent.clone()).collect::<Vec<_>>();
        assert_eq!(parents(&dic), parents(&original), "{name}");
        assert_eq!(parents(&yaml), parents(&original), "{name}");
    }
}

/// Grievance-style dictionaries of bare stems: read as words (the default), `abus`
/// matches only the word "abus"; read with `terms = Stems`, it matches the words that
/// stem to it, never as a prefix.
#[test]
fn a_dictionary_of_stems_matches_stemmed_words_only() {
    use codeframe::lexicon::DictionaryTerms;
    let text = "DicTerm,Violence,Help\nabus,X,\naccid,,X\nabid by,,X\n";
    let path = Path::new("grievance.dicx");
    let as_words = CompiledLexicon::new(&Lexicon::from_str_with_path(text, path).unwrap()).unwrap();
    let stems = ImportOptions { terms: DictionaryTerms::Stems, ..ImportOptions::default() };
    let as_stems = CompiledLexicon::new(&Lexicon::from_str_with_options(text, path, &stems).unwrap()).unwrap();
    let sentence = "He abused them, abusive after the accident; accidentally abides by it";
    assert_eq!(liwc_counts(&as_words, sentence).0, []);
    // abused, abusive -> abus; accident -> accid (accidentally -> accident: no);
    // abides by -> abid by (2 words)
    assert_eq!(liwc_counts(&as_stems, sentence).0, [row("Violence", 2, 2), row("Help", 3, 2)]);
}

/// Counting the NHS comments with `mfd2.0.dic` (its duplicated terms read as the
/// `.dicx` was converted) and with `moral-foundations-2.0.dicx` gives the same count
/// in every comment and category.
#[test]
fn mfd2_dic_and_dicx_count_the_nhs_comments_alike() {
    let Some(dir) = realdata() else { return };
    let last = ImportOptions { duplicates: DuplicateTerms::LastLine, ..ImportOptions::default() };
    let dic =
        CompiledLexicon::new(&Lexicon::from_path_with(&dir.join("dictionaries/mfd2.0.dic"), &last).unwrap()).unwrap();
    let dicx = CompiledLexicon::new(&Lexicon::from_path(&dir.join("dictionaries/moral-foundations-2.0.dicx")).unwrap())
        .unwrap();
    let mut reader = csv::Reader::from_path(dir.join("nhs-patient-feedback/v6framework_230831.csv")).unwrap();
    let column = reader.headers().unwrap().iter().position(|h| h == "FFT answer").unwrap();
    let (mut answers, mut counted) = (0, 0);
    for record in reader.records() {
        let text = record.unwrap()[column].to_string();
        let (a, wa) = liwc_counts(&dic, &text);
        let (b, wb) = liwc_counts(&dicx, &text);
        let rename = |rows: Vec<(String, u64, usize)>| -> Vec<(String, u64, usize)> {
            rows.into_iter().map(|(c, w, m)| (c.to_lowercase().replace('.', "_"), w, m)).collect()
        };
        assert_eq!((rename(a.clone()), wa), (rename(b), wb), "{text}");
        answers += 1;
        counted += usize::from(!a.is_empty());
    }
    assert_eq!(answers, 7908);
    assert!(counted > 2000, "{counted} comments with a moral-foundations word");
}

#[test]
fn files_must_be_utf8_and_may_start_with_a_bom() {
    let dir = Workdir::new();
    let latin1 = dir.write("latin1.dic", b"%\n1\tcaf\xe9s\n%\nbon\t1\n");
    let err = Lexicon::from_path(&latin1).unwrap_err().to_string();
    assert!(err.contains("latin1.dic:2") && err.contains("not UTF-8"), "{err}");
    let bom = dir.write("bom.dic", "\u{FEFF}%\n1\tcare\n%\nkind\t1\n");
    assert_eq!(Lexicon::from_path(&bom).unwrap().themes[0].entries.len(), 1);
    let unknown = dir.write("x.json", "{}");
    assert!(Lexicon::from_path(&unknown).unwrap_err().to_string().contains("unknown lexicon format `.json`"));
    // A dictionary saved without an extension is read as TOML, and its error says so.
    let bare = dir.write("mydict", "%\n1\tposemo\n%\nhappy\t1\n");
    let err = Lexicon::from_path(&bare).unwrap_err().to_string();
    assert!(err.contains("mydict:1:"), "{err}");
    assert!(err.contains("read as codeframe TOML, since the file has no extension"), "{err}");
}

/// The dictionary-reading flags warn where the lexicon's format does not read them
/// (they were accepted silently, and recorded in the manifest).
#[test]
fn dictionary_flags_a_format_does_not_read_are_warned_about() {
    let dir = Workdir::new();
    dir.write("l.toml", "[[theme]]\nid = \"parking\"\nterms = [\"parking\"]\n");
    let out = dir.run(&["lexicon", "explain", "--lexicon", "l.toml", "--dictionary-terms", "stems", "parking"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: --dictionary-terms stems does nothing here: l.toml is a codeframe TOML lexicon"),
        "{err}"
    );
    let cat = fixture("small.cat");
    let cat = cat.to_str().unwrap();
    let out = dir.run(&["lexicon", "explain", "--lexicon", cat, "--dictionary-duplicates", "last-line", "happy"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: --dictionary-duplicates last-line does nothing here:"), "{err}");
    assert!(err.contains("is a WordStat .cat lexicon"), "{err}");
    // run, export and the demo lexicon too; a .dic reads both flags without a word.
    dir.write("answers.csv", "id,text\n1,parking\n");
    let out = dir.run(&[
        "run",
        "--input",
        "answers.csv",
        "--id-column",
        "id",
        "--text-column",
        "text",
        "--lexicon",
        "l.toml",
        "--out",
        "o",
        "--dictionary-duplicates",
        "union",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--dictionary-duplicates union does nothing here"));
    let out = dir.run(&["lexicon", "export", "--out", "x.yml", "--dictionary-terms", "stems"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("the bundled demo lexicon is a codeframe TOML lexicon"));
    let dic = fixture("small.dic");
    let out = dir.run(&[
        "lexicon",
        "explain",
        "--lexicon",
        dic.to_str().unwrap(),
        "--dictionary-terms",
        "stems",
        "--dictionary-duplicates",
        "last-line",
        "happy",
    ]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("does nothing"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `--dictionary-language` reads a French dictionary's words as French: elided
/// articles dropped (`l'église` counts for `église`), French stems with
/// `--dictionary-terms stems`; it is recorded in the manifest, refused when unknown,
/// and warned about for a TOML lexicon, which says its language itself.
#[test]
fn a_dictionary_is_read_in_the_language_it_is_given() {
    let dir = Workdir::new();
    dir.write("fr.dic", "%\n1\tlieux\n2\tcout\n%\néglise\t1\ncoût\t2\n");
    dir.write("answers.csv", "id,text\n1,Près de l'Église\n2,les coûts\n3,une église\n");
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec![
            "run",
            "--input",
            "answers.csv",
            "--id-column",
            "id",
            "--text-column",
            "text",
            "--lexicon",
            "fr.dic",
            "--out",
            out,
            "--quiet",
        ];
        args.extend_from_slice(extra);
        let o = dir.run(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        dir.read(&format!("{out}/codes.csv"))
    };
    let english = run("en", &[]);
    assert!(!english.contains("\n1,"), "l'Église is one word in English: {english}");
    let french = run("fr", &["--dictionary-language", "fr"]);
    assert!(french.contains("\n1,text,lieux,1,=église,5,l'Église,"), "{french}");
    assert!(!french.contains("\n2,"), "words are not stemmed: {french}");
    let stems = run("st", &["--dictionary-language", "french", "--dictionary-terms", "stems"]);
    assert!(stems.contains("\n2,text,cout,1,coût,6,coûts,"), "coûts stems as coût: {stems}");
    assert!(dir.read("fr/manifest.json").contains("\"dictionary_language\": \"french\""));
    let out = dir.run(&["lexicon", "explain", "--lexicon", "fr.dic", "--dictionary-language", "klingon", "x"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("french (fr)"), "{err}");
    dir.write("l.toml", "[settings]\nlanguage = \"fr\"\n[[theme]]\nid = \"c\"\nterms = [\"coût\"]\n");
    let out = dir.run(&["lexicon", "explain", "--lexicon", "l.toml", "--dictionary-language", "de", "coûts"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--dictionary-language german does nothing here"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("c: `coût`"), "{}", String::from_utf8_lossy(&out.stdout));
    // explain says what each word does to negation, in the lexicon's language.
    let out = dir.run(&["lexicon", "explain", "--lexicon", "l.toml", "Ce n'est plus seulement le coût"]);
    let shown = String::from_utf8_lossy(&out.stdout);
    // `plus` negates only after `ne` or `n'`, as here (and `seulement` makes it none).
    for (word, label) in
        [("n'est", "negative-particle"), ("plus", "particle-negator(after-particle)"), ("seulement", "pseudo-negation")]
    {
        let line = shown.lines().find(|l| l.split_whitespace().nth(1) == Some(word)).unwrap_or_default();
        assert_eq!(line.split_whitespace().last(), Some(label), "{word}: {line:?}\n{shown}");
    }
    // Alone `plus` and `personne` negate nothing; under a list of negators given instead
    // of the built-in one they are no particle negators at all, unless named again.
    let label = |lexicon: &str, text: &str, word: &str| {
        let out = dir.run(&["lexicon", "explain", "--lexicon", lexicon, text]);
        let shown = String::from_utf8_lossy(&out.stdout).to_string();
        let line = shown.lines().find(|l| l.split_whitespace().nth(1) == Some(word)).unwrap_or_default();
        line.split_whitespace().last().unwrap_or_default().to_string()
    };
    assert_eq!(label("l.toml", "plus de coût", "plus"), "particle-negator");
    assert_eq!(label("l.toml", "il n'y a personne", "personne"), "particle-negator(after-particle)");
    assert_eq!(label("l.toml", "il n'y a qu'une personne", "personne"), "particle-negator");
    assert_eq!(label("l.toml", "Personne ne m'a aidé", "Personne"), "particle-negator(before-particle)");
    assert_eq!(label("l.toml", "La personne ne m'a pas aidé", "personne"), "particle-negator");
    dir.write(
        "own.toml",
        "[settings]\nlanguage = \"fr\"\nnegators = [\"pas\"]\n[[theme]]\nid = \"c\"\nterms = [\"coût\"]\n",
    );
    assert_eq!(label("own.toml", "il n'y a plus de coût", "plus"), "0.0");
    assert_eq!(label("own.toml", "il n'y a personne", "personne"), "0.0");
    dir.write(
        "back.toml",
        "[settings]\nlanguage = \"fr\"\nnegators = [\"pas\"]\nparticle_negators = [\"plus\"]\n[[theme]]\nid = \"c\"\nterms = [\"coût\"]\n",
    );
    assert_eq!(label("back.toml", "il n'y a plus de coût", "plus"), "particle-negator(after-particle)");
    assert_eq!(label("back.toml", "il n'y a personne", "personne"), "0.0");
}
