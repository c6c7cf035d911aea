//! `codeframe generate`: reproducible benchmark data (a corpus, a lexicon, a survey spec).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use codeframe::error::{Error, Result};
use codeframe::generate::{self, Generator, LexiconFlavour, Vocabulary};

/// Flags of `codeframe generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What to generate.
    #[command(subcommand)]
    pub what: GenerateWhat,
}

/// What `codeframe generate` writes.
#[derive(Debug, Subcommand)]
pub enum GenerateWhat {
    /// A CSV of survey answers (id, respondent type, a closed question, four open ones).
    ///
    /// Deterministic for a seed; the first N rows are the same whatever --rows is.
    /// About 650 bytes a row.
    Corpus {
        /// Data rows.
        #[arg(long)]
        rows: u64,
        /// Seed of the sample.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output file; `-` writes to standard output.
        #[arg(long)]
        out: PathBuf,
    },
    /// A lexicon (TOML) drawn from the corpus vocabulary.
    Lexicon {
        /// Entries (spread over about sqrt(entries) themes).
        #[arg(long)]
        entries: usize,
        /// Also this many entries that match nothing (`qzx...vq` words, prefixes and
        /// phrases), in themes of their own: the lexicon codes as it would without
        /// them, so timing both shows what lexicon size alone costs.
        #[arg(long, default_value_t = 0)]
        inert: usize,
        /// Seed of the draw.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Exact words and prefixes only, no stemming, negation or spelling variants:
        /// the semantics a plain keyword matcher (the Python baseline) reproduces.
        #[arg(long)]
        plain: bool,
        /// Output file; `-` writes to standard output.
        #[arg(long)]
        out: PathBuf,
    },
    /// The survey spec (TOML) that reads a generated corpus.
    Survey {
        /// Output file; `-` writes to standard output.
        #[arg(long)]
        out: PathBuf,
    },
}

/// The file at `path`, or standard output for `-` (as `--input -` reads standard input).
fn create(path: &Path) -> Result<BufWriter<Box<dyn Write>>> {
    let out: Box<dyn Write> = if path == Path::new("-") {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(std::fs::File::create(path).map_err(|e| Error::io(path, e))?)
    };
    Ok(BufWriter::with_capacity(1 << 20, out))
}

/// Runs `codeframe generate`.
pub fn execute(args: &GenerateArgs) -> Result<()> {
    match &args.what {
        GenerateWhat::Corpus { rows, seed, out } => {
            let mut w = create(out)?;
            let stats = Generator::new().write_corpus(&mut w, *rows, *seed).map_err(|e| Error::io(out, e))?;
            w.flush().map_err(|e| Error::io(out, e))?;
            errln!(
                "wrote {} rows, {} bytes, {} words ({:.1} a row) in {} word types; {} empty cells, {} non-answers, \
                 {} cells with non-ASCII text to {}",
                stats.rows,
                stats.bytes,
                stats.words,
                stats.words as f64 / stats.rows.max(1) as f64,
                stats.types,
                stats.empty_cells,
                stats.non_answers,
                stats.non_ascii_cells,
                out.display()
            );
        }
        GenerateWhat::Lexicon { entries, inert, seed, plain, out } => {
            let mut w = create(out)?;
            let flavour = if *plain { LexiconFlavour::Plain } else { LexiconFlavour::Full };
            let n = generate::write_lexicon(&mut w, &Vocabulary::english(), *entries, *inert, *seed, flavour)
                .map_err(|e| Error::io(out, e))?;
            w.flush().map_err(|e| Error::io(out, e))?;
            errln!("wrote a lexicon of {n} entries to {}", out.display());
        }
        GenerateWhat::Survey { out } => {
            let mut w = create(out)?;
            w.write_all(generate::survey_toml().as_bytes()).and_then(|()| w.flush()).map_err(|e| Error::io(out, e))?;
            errln!("wrote the survey spec to {}", out.display());
        }
    }
    Ok(())
}
