//! Dictionary formats against the real dictionaries in `../shared/realdata` (when
//! present, or where `CODEFRAME_REALDATA` points): every one loads, and the two
//! Moral Foundations 2.0 files load to the same lexicon.

use std::path::PathBuf;

use codeframe::lexicon::{CompiledLexicon, DuplicateTerms, ImportOptions, Lexicon};

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
