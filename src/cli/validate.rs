//! `codeframe validate`: agreement of the pipeline's codes with human codes.

use std::path::PathBuf;

use clap::Args;

use super::SourceArgs;
use codeframe::demo;
use codeframe::error::{Error, Result};
use codeframe::input::InputSource;
use codeframe::pipeline::{self, Job};
use codeframe::validate::{Agreement, GoldUnits};

/// Flags of `codeframe validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Survey, lexicon and responses.
    #[command(flatten)]
    pub source: SourceArgs,
    /// Human codes: respondent_id, question, theme, read as responses are (CSV in any
    /// encoding or delimiter, a workbook, JSON Lines); default with the demo: its gold.csv.
    #[arg(long)]
    pub gold: Option<PathBuf>,
    /// Output folder for validation.csv, validation.md and disagreements.csv.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Which answers are scored: `all` answers with text (one the gold file does not
    /// name was given no theme by a human), or only those the gold file `named` (a coded
    /// sample; a row with an empty theme names an answer given no theme).
    #[arg(long, value_enum, default_value_t = GoldUnitsArg::All)]
    pub gold_units: GoldUnitsArg,
    /// Exit 1 unless macro-averaged F1 is at least this (from 0 to 1).
    #[arg(long, value_parser = super::share)]
    pub min_macro_f1: Option<f64>,
    /// Exit 1 unless every question-theme F1 is at least this (from 0 to 1).
    #[arg(long, value_parser = super::share)]
    pub min_f1: Option<f64>,
}

/// Values of `--gold-units`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GoldUnitsArg {
    /// Every answer with text.
    All,
    /// The answers the gold file names.
    Named,
}

impl From<GoldUnitsArg> for GoldUnits {
    fn from(arg: GoldUnitsArg) -> GoldUnits {
        match arg {
            GoldUnitsArg::All => GoldUnits::All,
            GoldUnitsArg::Named => GoldUnits::Named,
        }
    }
}

/// Runs `codeframe validate`.
pub fn execute(args: &ValidateArgs) -> Result<()> {
    let loaded = args.source.load()?;
    let gold = match &args.gold {
        Some(p) => InputSource::File(p.clone()),
        None if loaded.demo => demo::gold(),
        None => return Err(Error::Usage("--gold is required unless validating the bundled demo".into())),
    };
    let job = Job {
        survey: &loaded.survey,
        lexicon: &loaded.lexicon,
        input: loaded.input,
        out_dir: args.out.clone(),
        options: loaded.options,
        config_files: loaded.config_files,
    };
    let v = pipeline::validate(&job, &gold, args.gold_units.into())?;
    for w in &v.warnings {
        errln!("warning: {w}");
    }
    for n in &v.notes {
        errln!("note: {n}");
    }
    let a = &v.agreement;
    // Written before the checks are judged, and failed checks take precedence over a
    // failed write: `validate --min-f1 0.8 | head -1` must not exit 0 on a closed pipe.
    let printed = print_agreement(a);
    errln!("wrote {}", v.files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "));
    let mut failures = Vec::new();
    if let (Some(min), Some(m)) = (args.min_macro_f1, a.macro_f1())
        && m < min
    {
        failures.push(format!("macro F1 {} is below {min}", codeframe::report::validation::num(Some(m))));
    }
    if let Some(min) = args.min_f1 {
        for ((q, t), c) in &a.rows {
            if let Some(x) = c.f1().filter(|x| *x < min) {
                failures.push(format!("{q}/{t} F1 {} is below {min}", codeframe::report::validation::num(Some(x))));
            }
        }
    }
    if failures.is_empty() { printed } else { Err(Error::Check(failures.join("; "))) }
}

/// Prints the averages, then a line per question and theme, to standard output.
fn print_agreement(a: &Agreement) -> Result<()> {
    let micro = a.micro();
    let f = codeframe::report::validation::shown;
    outln!(
        "{} question-theme rows, {} decisions: micro P {} R {} F1 {} kappa {}; macro F1 {}",
        a.rows.len(),
        micro.n(),
        f(micro.precision()),
        f(micro.recall()),
        f(micro.f1()),
        f(micro.kappa()),
        f(a.macro_f1())
    )?;
    for ((q, t), c) in &a.rows {
        outln!(
            "  {q:<8} {t:<32} P {} R {} F1 {}  (TP {} FP {} FN {})",
            f(c.precision()),
            f(c.recall()),
            f(c.f1()),
            c.tp,
            c.fp,
            c.fn_
        )?;
    }
    Ok(())
}
