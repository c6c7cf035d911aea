//! The command line: clap definitions, one file per subcommand. Each turns flags into
//! a validated configuration and calls the library; no logic lives here.

pub mod run;

use clap::{Parser, Subcommand};

/// Codes free-text survey answers into themes with a lexicon, and counts them.
///
/// With no subcommand, runs the bundled demo consultation (same as `codeframe run`).
#[derive(Debug, Parser)]
#[command(name = "codeframe", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Code responses and write reports (the bundled demo when no input is given).
    Run(run::RunArgs),
}
