//! `codeframe init`: draft a survey spec (and a starter lexicon) from a data file.

use std::path::PathBuf;

use clap::Args;

use codeframe::error::Result;
use codeframe::init::{self, DraftPaths, InitOptions, Role};
use codeframe::input::ReadOptions;
use codeframe::pipeline;

/// Flags of `codeframe init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The responses: CSV (any delimiter and encoding), XLSX/XLS/ODS, or JSON Lines.
    pub data: PathBuf,
    /// Where to write the draft spec. A starter lexicon (`lexicon.toml`) is written
    /// beside it unless one is there already.
    #[arg(long, default_value = "survey.toml")]
    pub out: PathBuf,
    /// Spreadsheet sheet to read, by name or 1-based number (recorded in the spec).
    #[arg(long)]
    pub sheet: Option<String>,
    /// CSV field delimiter (recorded in the spec). Default: sniffed.
    #[arg(long)]
    pub delimiter: Option<String>,
    /// Text encoding (recorded in the spec). Default: sniffed.
    #[arg(long)]
    pub encoding: Option<String>,
    /// Rows the header spans, 1 to 10 (recorded in the spec). Default: 1, or as a
    /// Qualtrics or SurveyMonkey export is recognised.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=codeframe::input::header::MAX_HEADER_ROWS as u64))]
    pub header_rows: Option<u64>,
    /// Read cells as stored, HTML markup and character references included (recorded
    /// in the spec). Default: read as the text they show.
    #[arg(long)]
    pub keep_html: bool,
    /// Rows to read for the guesses.
    #[arg(long, default_value_t = init::DEFAULT_SAMPLE_ROWS)]
    pub sample_rows: usize,
    /// Replace the spec if it exists (an existing lexicon is never replaced).
    #[arg(long)]
    pub force: bool,
}

/// Runs `codeframe init`.
pub fn execute(args: &InitArgs) -> Result<()> {
    let options = InitOptions {
        read: ReadOptions {
            delimiter: args.delimiter.as_deref().map(super::delimiter).transpose()?,
            encoding: args.encoding.clone(),
            sheet: args.sheet.clone(),
            header_rows: args.header_rows.map(|n| n as usize),
            decode_html: !args.keep_html,
            ..ReadOptions::default()
        },
        sample_rows: args.sample_rows.max(1),
    };
    // `--force` replaces the spec: never with the data it is drafted from.
    pipeline::refuse_overwriting_input("--out", &args.out, std::slice::from_ref(&args.out), &[("data", &args.data)])?;
    let lexicon = args.out.with_file_name("lexicon.toml");
    let paths = DraftPaths { data: &args.data, spec: &args.out, lexicon: &lexicon };
    let draft = init::draft(&paths, &options)?;
    let written = init::write(&draft, &paths, args.force)?;
    let count = |f: fn(&Role) -> bool| draft.guesses.iter().filter(|g| f(&g.role)).count();
    let name = |f: fn(&Role) -> bool| draft.guesses.iter().find(|g| f(&g.role)).map(|g| g.profile.name.clone());
    outln!("wrote {} from {} rows of {}", written.spec.display(), draft.rows, args.data.display())?;
    outln!("  id column:       {}", name(|r| *r == Role::Id).unwrap_or_else(|| "none (rows are numbered)".into()))?;
    outln!("  respondent type: {}", name(|r| matches!(r, Role::RespondentType(_))).unwrap_or_else(|| "none".into()))?;
    outln!(
        "  questions:       {} closed, {} open; {} columns skipped",
        count(|r| matches!(r, Role::Closed(_) | Role::Multiple(..))),
        count(|r| *r == Role::Open),
        count(|r| matches!(r, Role::Skip(_)))
    )?;
    let unsure: Vec<String> =
        draft.guesses.iter().filter(|g| g.unsure.is_some()).map(|g| format!("{:?}", g.profile.name)).collect();
    if !unsure.is_empty() {
        outln!("  unsure about:    {} (see the `# unsure:` comments)", unsure.join(", "))?;
    }
    if written.lexicon_written {
        outln!("wrote {} (a starter lexicon with no themes: add yours)", written.lexicon.display())?;
    } else {
        outln!("kept {} (it exists)", written.lexicon.display())?;
    }
    outln!("next: edit the spec, add themes, then `codeframe run --survey {}`", written.spec.display())?;
    Ok(())
}
