//! Shared bench fixtures, generated at bench start: a 2,000-row corpus (about 1.25 MB,
//! 186,000 words), its non-empty open answers, the survey spec, and the 600- and
//! 20,000-entry lexicons (seed 1). Nothing is read from disk.

#![allow(dead_code)]

use std::path::Path;

use codeframe::generate::{self, Generator, LexiconFlavour};
use codeframe::lexicon::{CompiledLexicon, Lexicon};
use codeframe::survey::Survey;

/// Rows of the bench corpus.
pub const ROWS: u64 = 2_000;
/// Seed of the corpus and of the lexicons.
pub const SEED: u64 = 1;
/// Lexicon sizes benched.
pub const LEXICONS: [usize; 2] = [600, 20_000];

/// A generated lexicon: its size, its TOML text and its compiled form.
pub struct Lex {
    pub entries: usize,
    pub toml: String,
    pub compiled: CompiledLexicon,
}

/// Everything the benches run on.
pub struct Fixture {
    pub csv: Vec<u8>,
    pub answers: Vec<String>,
    pub answer_bytes: u64,
    pub survey: Survey,
    pub lexicons: Vec<Lex>,
}

/// Builds the fixture (about a second).
pub fn fixture() -> Fixture {
    let generator = Generator::new();
    let mut csv = Vec::new();
    generator.write_corpus(&mut csv, ROWS, SEED).expect("writing to a Vec cannot fail");
    let answers: Vec<String> =
        (0..ROWS).flat_map(|i| generator.row(SEED, i).answers).filter(|a| !a.trim().is_empty()).collect();
    let answer_bytes = answers.iter().map(|a| a.len() as u64).sum();
    let survey = Survey::from_str_with_path(&generate::survey_toml(), Path::new("survey.toml")).expect("spec parses");
    let lexicons = LEXICONS
        .iter()
        .map(|&entries| {
            let mut buf = Vec::new();
            generate::write_lexicon(&mut buf, generator.vocabulary(), entries, 0, SEED, LexiconFlavour::Full)
                .expect("writing to a Vec cannot fail");
            let toml = String::from_utf8(buf).expect("lexicons are UTF-8");
            let lexicon = Lexicon::from_str_with_path(&toml, Path::new("lexicon.toml")).expect("lexicon parses");
            let compiled = CompiledLexicon::new(&lexicon).expect("lexicon compiles");
            Lex { entries, toml, compiled }
        })
        .collect();
    Fixture { csv, answers, answer_bytes, survey, lexicons }
}

/// Panics unless `actual == expected`, naming what was counted: a fast wrong answer fails.
pub fn check(what: &str, actual: u64, expected: u64) {
    assert_eq!(actual, expected, "{what}: computed {actual}, expected {expected}");
}
