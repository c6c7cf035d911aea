//! Plain word lists: one entry per line, one theme per file.
//!
//! A `.txt` file is one theme named after the file (`cost.txt` is theme `cost`); a
//! folder of `.txt` files is one theme per file, in file-name order, hidden files
//! (`.name.txt`) left out. Each non-blank line is a word, a `*` wildcard or a phrase,
//! matched exactly (never stemmed). This module owns the syntax only; see
//! `docs/dictionaries.md`.

use std::path::Path;

use super::import::{self, Builder, Globs};
use super::{ImportOptions, Lexicon, MatchRule, Warning};
use crate::error::{Error, Location, Result};

/// Parses a plain list; the theme and the lexicon are named after `path`'s file stem.
pub fn parse(text: &str, path: &Path, options: &ImportOptions) -> Result<Lexicon> {
    let mut b = Builder::new(path, options, Globs::Star);
    let name = import::file_name(path);
    if name.trim().is_empty() {
        return Err(Error::config(Location::file(path), "a word list's file name is its theme: this one has none"));
    }
    let theme = b.category(name.trim(), None, None);
    for (n, line) in import::lines(text) {
        let line = line.trim();
        if !line.is_empty() {
            b.add(theme, line, 1.0, Some(n));
        }
    }
    b.finish(name, MatchRule::Codeframe)
}

/// The `.txt` word lists of a folder, sorted by name: the files a folder lexicon is.
/// Hidden files (a name starting with `.`, such as the `._x.txt` macOS leaves on other
/// disks) are not word lists.
pub fn list_files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let hidden = |p: &Path| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| !hidden(p) && p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads every `.txt` file of the folder `dir` (not its subfolders, not hidden files)
/// as one theme, which remembers its file in [`Theme::source`](super::Theme::source).
/// A file that is not UTF-8 is an error, as it is alone.
pub fn read_dir(dir: &Path, options: &ImportOptions) -> Result<Lexicon> {
    let files = list_files(dir)?;
    if files.is_empty() {
        return Err(Error::config(Location::file(dir), "the folder holds no `.txt` word list"));
    }
    let mut lexicon = Lexicon::new(import::file_name(dir));
    lexicon.source = dir.to_path_buf();
    lexicon.settings = import::settings(MatchRule::Codeframe, options.language);
    for file in files {
        let text = super::read_text(&file)?;
        let one = parse(text.strip_prefix('\u{FEFF}').unwrap_or(&text), &file, options)?;
        lexicon.warnings.extend(one.warnings);
        for mut theme in one.themes {
            // Its lines are the file's: messages about it must name the file.
            theme.source = Some(file.clone());
            if lexicon.theme(&theme.id).is_some() {
                lexicon.warnings.push(Warning {
                    location: Location::file(&file),
                    message: format!("theme `{}` comes from two files: this one is skipped", theme.id),
                });
                continue;
            }
            lexicon.themes.push(theme);
        }
    }
    lexicon.validate()?;
    Ok(lexicon)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn one_theme_named_after_the_file() {
        let lex = parse(
            "cost\r\n\r\nfee*\r\nlegal aid\r\n  \r\n--\n",
            Path::new("lists/cost.txt"),
            &ImportOptions::default(),
        )
        .unwrap();
        assert_eq!(lex.name, "cost");
        assert_eq!(lex.themes.len(), 1);
        assert_eq!(lex.themes[0].id, "cost");
        let entries: Vec<String> = lex.themes[0].entries.iter().map(|e| e.rule.to_string()).collect();
        assert_eq!(entries, ["=cost", "fee*", "=legal =aid"]);
        assert_eq!(lex.themes[0].entries[2].line, Some(4));
        assert_eq!(lex.warnings.len(), 1);
        assert_eq!(lex.warnings[0].location.line, Some(6));
    }

    /// A line listed again is kept once, with a warning naming both lines (the TOML
    /// and `.dic` readers say so; this one merged them silently).
    #[test]
    fn a_repeated_line_warns() {
        let lex = parse("cost\nfee*\nCost\n  cost \nfee*\n", Path::new("cost.txt"), &ImportOptions::default()).unwrap();
        let entries: Vec<String> = lex.themes[0].entries.iter().map(|e| e.rule.to_string()).collect();
        assert_eq!(entries, ["=cost", "fee*"]);
        let warnings: Vec<String> = lex.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings,
            [
                "cost.txt:3: entry \"Cost\" is listed again (first on line 1): kept once",
                "cost.txt:4: entry \"cost\" is listed again (first on line 1): kept once",
                "cost.txt:5: entry \"fee*\" is listed again (first on line 2): kept once",
            ]
        );
    }

    #[test]
    fn a_folder_is_one_theme_per_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.txt"), "bee\n").unwrap();
        std::fs::write(dir.path().join("a.txt"), "\u{FEFF}ant*\n").unwrap();
        std::fs::write(dir.path().join("notes.md"), "ignored\n").unwrap();
        let lex = Lexicon::from_path(dir.path()).unwrap();
        let ids: Vec<&str> = lex.themes.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(lex.themes[0].entries[0].rule.to_string(), "ant*");
        let empty = tempfile::tempdir().unwrap();
        assert!(Lexicon::from_path(empty.path()).unwrap_err().to_string().contains("no `.txt`"));
    }

    /// A Latin-1 list in a folder is the error it is alone, naming the file and line
    /// (it was read with replacement characters: `caf\xe9` became the entry `caf`).
    #[test]
    fn a_folder_file_that_is_not_utf8_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "ok\n").unwrap();
        std::fs::write(dir.path().join("b.txt"), b"tea\ncaf\xe9\n").unwrap();
        let alone = Lexicon::from_path(&dir.path().join("b.txt")).unwrap_err().to_string();
        let folder = Lexicon::from_path(dir.path()).unwrap_err().to_string();
        assert_eq!(folder, alone);
        assert!(folder.contains("b.txt:2:") && folder.contains("not UTF-8"), "{folder}");
    }

    /// Hidden files (`.hidden.txt`, macOS's `._x.txt` resource forks) are no themes.
    #[test]
    fn a_folder_skips_dot_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "ant\n").unwrap();
        std::fs::write(dir.path().join(".hidden.txt"), "secret\n").unwrap();
        std::fs::write(dir.path().join("._a.txt"), b"\x00\x05\x16\x07").unwrap();
        let lex = Lexicon::from_path(dir.path()).unwrap();
        let ids: Vec<&str> = lex.themes.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["a"]);
        assert_eq!(list_files(dir.path()).unwrap(), [dir.path().join("a.txt")]);
        let only_hidden = tempfile::tempdir().unwrap();
        std::fs::write(only_hidden.path().join(".a.txt"), "ant\n").unwrap();
        assert!(Lexicon::from_path(only_hidden.path()).unwrap_err().to_string().contains("no `.txt`"));
    }

    /// Each theme of a folder knows its file, and its warnings name it.
    #[test]
    fn a_folder_theme_knows_its_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "ant\n").unwrap();
        std::fs::write(dir.path().join("b.txt"), "bee\n\n--\n").unwrap();
        let lex = Lexicon::from_path(dir.path()).unwrap();
        let files: Vec<Option<PathBuf>> = lex.themes.iter().map(|t| t.source.clone()).collect();
        assert_eq!(files, [Some(dir.path().join("a.txt")), Some(dir.path().join("b.txt"))]);
        assert_eq!(lex.warnings.len(), 1);
        assert_eq!(lex.warnings[0].location, Location::file(dir.path().join("b.txt")).at_line(3));
        // A file read alone is the lexicon's source: its theme needs no other.
        let one = Lexicon::from_path(&dir.path().join("a.txt")).unwrap();
        assert_eq!(one.themes[0].source, None);
    }

    #[test]
    fn the_fixture_loads() {
        let lex = parse(
            include_str!("../../tests/fixtures/dictionaries/small.txt"),
            Path::new("small.txt"),
            &ImportOptions::default(),
        )
        .unwrap();
        assert_eq!(lex.themes[0].entries.len(), 4);
        assert!(lex.warnings.is_empty());
    }
}
