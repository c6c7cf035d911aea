//! `codeframe merge PART...`: combine partial runs (shards) into the outputs of one run.

use std::path::PathBuf;

use clap::Args;

use super::SourceArgs;
use codeframe::error::Result;
use codeframe::pipeline::{self, Job};

/// Flags of `codeframe merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output folders of the partial runs (`codeframe run --shard K/N --out ...`).
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Where to write the merged outputs.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Also write the Parquet files, as `codeframe run --parquet` does (implied when the
    /// parts were run with `--parquet`).
    #[arg(long)]
    pub parquet: bool,
    /// The survey spec and lexicon the parts were coded with (checked against their hashes).
    #[command(flatten)]
    pub source: SourceArgs,
}

/// Runs `codeframe merge`.
pub fn execute(args: &MergeArgs) -> Result<()> {
    let loaded = args.source.load()?;
    let mut options = loaded.options;
    options.parquet = args.parquet;
    let job = Job {
        survey: &loaded.survey,
        lexicon: &loaded.lexicon,
        input: loaded.input,
        out_dir: args.out.clone(),
        options,
        config_files: loaded.config_files,
    };
    let outcome = pipeline::merge(&job, &args.parts)?;
    outln!(
        "merged {} parts: {} respondents coded ({} rows read, {} rejected)",
        args.parts.len(),
        outcome.summary.respondents,
        outcome.summary.rows.read,
        outcome.summary.rows.rejected
    )?;
    eprintln!("wrote {} files to {}", outcome.files.len(), args.out.display());
    Ok(())
}
