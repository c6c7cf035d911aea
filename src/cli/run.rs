//! `codeframe run`: code a survey's responses and write every report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;

use codeframe::demo;
use codeframe::error::{Error, Result};
use codeframe::input::InputSource;
use codeframe::input::csv::CsvSource;
use codeframe::lexicon::{CompiledLexicon, Lexicon};
use codeframe::pipeline::{self, Job, ManifestInput, Outcome, RunOptions};
use codeframe::report::{QuestionSummary, Rounding, Summary};
use codeframe::survey::Survey;

/// Flags of `codeframe run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Survey spec (TOML). Without it and without --input, the bundled demo runs.
    #[arg(long)]
    pub survey: Option<PathBuf>,
    /// Responses (CSV; `-` for standard input). Default: the spec's `responses`.
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Lexicon file. Default: the spec's `lexicon`.
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    /// Output folder.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Without a spec: the column holding respondent ids.
    #[arg(long)]
    pub id_column: Option<String>,
    /// Without a spec: a column of free text to code (repeatable).
    #[arg(long = "text-column")]
    pub text_columns: Vec<String>,
    /// Fail (exit 1) if any row is rejected.
    #[arg(long)]
    pub strict: bool,
    /// Show percentages with one decimal.
    #[arg(long)]
    pub one_decimal: bool,
    /// CSV field delimiter (one character; `\t` for tab).
    #[arg(long, default_value = ",")]
    pub delimiter: String,
    /// Reject rows with a cell larger than this many bytes.
    #[arg(long, default_value_t = codeframe::input::csv::DEFAULT_MAX_CELL_BYTES)]
    pub max_cell_bytes: usize,
    /// Keep rows whose respondent id was seen before (default: reject them).
    #[arg(long)]
    pub allow_duplicate_ids: bool,
    /// No progress bar and no summary on the terminal.
    #[arg(long, short)]
    pub quiet: bool,
}

/// A validated run configuration.
struct Config {
    survey: Survey,
    lexicon: CompiledLexicon,
    input: InputSource,
    config_files: Vec<ManifestInput>,
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

fn config(args: &RunArgs) -> Result<Config> {
    let mut files = Vec::new();
    let demo = args.survey.is_none() && args.input.is_none();
    let survey = if let Some(p) = &args.survey {
        files.push(ManifestInput::new("survey", p, &read_bytes(p)?));
        Survey::from_path(p)?
    } else if demo {
        files.push(ManifestInput::new("survey", &demo::path("survey.toml"), demo::SURVEY.as_bytes()));
        demo::survey()?
    } else {
        if args.text_columns.is_empty() {
            return Err(Error::Usage(
                "--input without --survey needs at least one --text-column (and usually --id-column)".into(),
            ));
        }
        Survey::ad_hoc(args.id_column.clone(), &args.text_columns)
    };
    let lexicon = match (&args.lexicon, &survey.lexicon) {
        (Some(p), _) | (None, Some(p)) if !demo || args.lexicon.is_some() => {
            files.push(ManifestInput::new("lexicon", p, &read_bytes(p)?));
            Lexicon::from_path(p)?
        }
        _ if demo => {
            files.push(ManifestInput::new(
                "lexicon",
                &demo::path("stalking-consultation.toml"),
                demo::LEXICON.as_bytes(),
            ));
            demo::lexicon()?
        }
        _ => return Err(Error::Usage("no lexicon: give --lexicon or name one in the survey spec".into())),
    };
    lexicon.check_questions(&survey.open_ids())?;
    let input = match (&args.input, &survey.responses) {
        (Some(p), _) if p.as_os_str() == "-" => InputSource::Stdin,
        (Some(p), _) | (None, Some(p)) if !demo || args.input.is_some() => InputSource::File(p.clone()),
        _ if demo => demo::responses(),
        _ => return Err(Error::Usage("no responses: give --input or name `responses` in the survey spec".into())),
    };
    Ok(Config { survey, lexicon: CompiledLexicon::new(&lexicon)?, input, config_files: files })
}

fn delimiter(s: &str) -> Result<u8> {
    match s {
        "\\t" | "tab" => Ok(b'\t'),
        s if s.len() == 1 => Ok(s.as_bytes()[0]),
        _ => Err(Error::Usage(format!("--delimiter must be one ASCII character, not {s:?}"))),
    }
}

/// Runs `codeframe run`.
pub fn execute(args: &RunArgs) -> Result<()> {
    let config = config(args)?;
    let options = RunOptions {
        threads: args.threads,
        csv: CsvSource {
            delimiter: delimiter(&args.delimiter)?,
            max_cell_bytes: args.max_cell_bytes,
            reject_duplicate_ids: !args.allow_duplicate_ids,
        },
        strict: args.strict,
        rounding: if args.one_decimal { Rounding::OneDecimal } else { Rounding::Whole },
        ..RunOptions::default()
    };
    let total = match &config.input {
        InputSource::File(p) => std::fs::metadata(p).map(|m| m.len()).ok(),
        InputSource::Bytes { bytes, .. } => Some(bytes.len() as u64),
        InputSource::Stdin => None,
    };
    let bar = progress_bar(args.quiet, total);
    let job = Job {
        survey: &config.survey,
        lexicon: &config.lexicon,
        input: config.input,
        out_dir: args.out.clone(),
        options,
        config_files: config.config_files,
    };
    let started = std::time::Instant::now();
    let result = pipeline::run(&job, &|p| {
        if let Some(b) = &bar {
            b.set_position(p.bytes);
            b.set_message(format!("{} rows", p.rows));
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let outcome = result?;
    if !args.quiet {
        print_summary(&outcome, &args.out, started.elapsed());
    }
    Ok(())
}

fn progress_bar(quiet: bool, total: Option<u64>) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = match total {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    Some(bar)
}

fn print_summary(outcome: &Outcome, out: &Path, elapsed: std::time::Duration) {
    let s: &Summary = &outcome.summary;
    let r = Rounding::Whole;
    println!("{}", s.title);
    println!(
        "{} respondents coded ({} rows read, {} rejected) with lexicon `{}`",
        s.respondents, s.rows.read, s.rows.rejected, s.lexicon
    );
    for q in &s.questions {
        match q {
            QuestionSummary::Closed(c) => {
                let parts: Vec<String> = c
                    .options
                    .iter()
                    .map(|o| match &c.nil_merged {
                        Some((label, f)) if *label == o.label => format!("{} (incl. nil) {}", o.label, r.pct(*f)),
                        _ => format!("{} {}", o.label, r.pct(o.figure)),
                    })
                    .collect();
                println!("  {:<8} {}", c.id, parts.join(", "));
            }
            QuestionSummary::Open(o) => {
                let top: Vec<String> = o
                    .themes
                    .iter()
                    .filter(|t| t.of_respondents.count > 0)
                    .take(3)
                    .map(|t| format!("{} {}", t.id, r.pct(t.of_respondents)))
                    .collect();
                let themes = if top.is_empty() { String::new() } else { format!("; {}", top.join(", ")) };
                println!("  {:<8} answered {}{}", o.id, r.pct(o.answered), themes);
            }
        }
    }
    eprintln!("wrote {} files to {} in {:.2}s", outcome.files.len(), out.display(), elapsed.as_secs_f64());
}
