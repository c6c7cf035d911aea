//! `codeframe merge PART...`: combine partial runs (shards) into the outputs of one run.

use std::path::PathBuf;

use clap::Args;

use super::SourceArgs;
use codeframe::error::{Error, Result};
use codeframe::lexicon::ImportOptions;
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
    /// The survey spec (or id and text columns) and lexicon the parts were coded with,
    /// and how the input and lexicon were read, checked against what they record. What
    /// is not given is taken from the first part's record. Merge reads no responses:
    /// `--input`, if given, is checked against the SHA-256 the parts record for theirs.
    #[command(flatten)]
    pub source: SourceArgs,
    /// No summary on the terminal (`merged N parts: ...`, `wrote N files`); errors
    /// and warnings still print.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs `codeframe merge`.
pub fn execute(args: &MergeArgs) -> Result<()> {
    if let (Some(input), Some(first)) = (&args.source.input, args.parts.first()) {
        pipeline::check_merge_input(first, input)?;
    }
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
    super::warn_unlisted_types(&outcome.summary);
    super::warn_all_rejected(&outcome.tally, &args.out);
    if args.quiet {
        return Ok(());
    }
    super::note_removed(&args.out, &outcome.removed);
    let parts = args.parts.len();
    outln!(
        "merged {parts} part{}: {} coded ({} read, {} rejected)",
        if parts == 1 { "" } else { "s" },
        codeframe::report::respondents(outcome.summary.respondents),
        codeframe::report::rows(outcome.summary.rows.read),
        outcome.summary.rows.rejected
    )?;
    errln!("wrote {} files to {}", outcome.files.len(), args.out.display());
    Ok(())
}

/// The flags that name the spec and lexicon and say how they and the input were read:
/// as given, and for each not given, what the first part records (a spec file or,
/// without one, the id and text columns; a lexicon file; the reading options). Each
/// part's hashes and options are then checked against what is loaded.
fn source(args: &MergeArgs) -> Result<SourceArgs> {
    let mut source = args.source.clone();
    let Some(first) = args.parts.first() else {
        return Ok(source);
    };
    let part = pipeline::read_partial(first)?;
    // The file a part records for `role`: none for the bundled demo's (built in).
    let file = |role: &str, flag: &str| -> Result<Option<PathBuf>> {
        let Some(path) = part.inputs.iter().find(|i| i.role == role).map(|i| &i.path) else {
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
    let survey_given = source.survey.is_some() || !source.text_columns.is_empty();
    if !survey_given {
        match &part.columns {
            Some(columns) => {
                source.text_columns = columns.text_columns.clone();
                source.id_column = source.id_column.take().or_else(|| columns.id_column.clone());
            }
            None => source.survey = file("survey", "--survey")?,
        }
    }
    // A spec given to merge names its lexicon relative to itself, as it did for the run;
    // the parts' recorded path is relative to where the run ran. Either way the
    // lexicon's SHA-256 is held to the parts'.
    let spec_names_lexicon = match &args.source.survey {
        Some(spec) if source.lexicon.is_none() => codeframe::survey::Survey::from_path(spec)?.lexicon.is_some(),
        _ => false,
    };
    if source.lexicon.is_none() && !spec_names_lexicon {
        source.lexicon = file("lexicon", "--lexicon")?;
    }
    let recorded = &part.options;
    source.import.or_recorded(&ImportOptions {
        terms: recorded.dictionary_terms,
        duplicates: recorded.dictionary_duplicates,
        language: recorded.dictionary_language,
    });
    source.delimiter = source.delimiter.take().or_else(|| recorded.delimiter.map(|d| char::from(d).to_string()));
    source.encoding = source.encoding.take().or_else(|| recorded.encoding.clone());
    source.sheet = source.sheet.take().or_else(|| recorded.sheet.clone());
    source.max_cell_bytes.get_or_insert(recorded.max_cell_bytes);
    source.allow_duplicate_ids |= !recorded.reject_duplicate_ids;
    source.keep_html |= !recorded.decode_html;
    source.header_rows = source.header_rows.take().or_else(|| recorded.header_rows.map(|n| n as u64));
    Ok(source)
}
