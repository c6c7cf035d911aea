//! `codeframe merge PART...`: combine partial runs (shards) into the outputs of one run.

use std::path::PathBuf;

use clap::Args;

use super::SourceArgs;
use codeframe::error::{Error, Result};
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
    /// The survey spec and lexicon the parts were coded with (checked against their
    /// hashes). Without them, the files the first part records are read.
    #[command(flatten)]
    pub source: SourceArgs,
}

/// Runs `codeframe merge`.
pub fn execute(args: &MergeArgs) -> Result<()> {
    let loaded = source(args)?.load_config()?;
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

/// The flags that name the spec and lexicon: as given, or, when none names them, the
/// files the first part records (each part's hashes are checked against them).
fn source(args: &MergeArgs) -> Result<SourceArgs> {
    let mut source = args.source.clone();
    let named = source.survey.is_some()
        || source.lexicon.is_some()
        || source.input.is_some()
        || !source.text_columns.is_empty();
    let Some(first) = args.parts.first().filter(|_| !named) else {
        return Ok(source);
    };
    let recorded = pipeline::read_partial(first)?.inputs;
    // The file a part records for `role`: none for the bundled demo's (built in).
    let file = |role: &str, flag: &str| -> Result<Option<PathBuf>> {
        let Some(path) = recorded.iter().find(|i| i.role == role).map(|i| &i.path) else {
            return Ok(None);
        };
        if path.starts_with("<demo>") {
            return Ok(None);
        }
        if !path.exists() {
            return Err(Error::Usage(format!(
                "{} was coded with the {role} {}, which is not there from here: give it with {flag}",
                first.display(),
                path.display()
            )));
        }
        Ok(Some(path.clone()))
    };
    if !recorded.iter().any(|i| i.role == "survey") {
        return Err(Error::Usage(format!(
            "{} was coded without a survey spec: give merge the --text-column (and --id-column) flags the parts were run with",
            first.display()
        )));
    }
    source.survey = file("survey", "--survey")?;
    source.lexicon = file("lexicon", "--lexicon")?;
    Ok(source)
}
