//! `codeframe diff --previous DIR`: what an edited lexicon (or edited data) changed
//! against a previous run.

use std::path::PathBuf;

use clap::Args;

use super::SourceArgs;
use codeframe::diff::Change;
use codeframe::error::Result;
use codeframe::pipeline::{self, Job, RunOptions};
use codeframe::report::Rounding;

/// Flags of `codeframe diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Output folder of the previous run (its codes.csv and summary.json are read).
    #[arg(long)]
    pub previous: PathBuf,
    /// Where to write diff.csv and diff.md.
    #[arg(long, default_value = "diff")]
    pub out: PathBuf,
    /// Show percentages (and the points they moved) with one decimal, as `run
    /// --one-decimal` does; whole numbers by default, as run's reports.
    #[arg(long)]
    pub one_decimal: bool,
    /// Survey, lexicon and responses of the new run.
    #[command(flatten)]
    pub source: SourceArgs,
}

/// Runs `codeframe diff`.
pub fn execute(args: &DiffArgs) -> Result<()> {
    let loaded = args.source.load()?;
    let job = Job {
        survey: &loaded.survey,
        lexicon: &loaded.lexicon,
        input: loaded.input,
        out_dir: args.out.clone(),
        options: RunOptions {
            rounding: Rounding { decimals: args.one_decimal as u8, ..loaded.options.rounding },
            ..loaded.options
        },
        config_files: loaded.config_files,
    };
    let d = pipeline::diff(&job, &args.previous)?;
    if let Some(w) = &d.warning {
        errln!("codeframe: warning: {w}");
    }
    let gained = d.changes.iter().filter(|c| c.change == Change::Gained).count();
    outln!("{} codes gained, {} lost", gained, d.changes.len() - gained)?;
    for m in &d.movements {
        if let (Some(b), Some(a)) = (m.before, m.after) {
            if b.count != a.count {
                outln!(
                    "  {:<8} {:<32} {} -> {} ({:+})",
                    m.question,
                    m.theme,
                    b.count,
                    a.count,
                    a.count as i64 - b.count as i64
                )?;
            }
        } else {
            outln!("  {:<8} {:<32} {}", m.question, m.theme, if m.before.is_none() { "new theme" } else { "removed" })?;
        }
    }
    errln!("wrote {}", d.files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "));
    Ok(())
}
