//! The `codeframe` binary: parses arguments, calls the library, maps the result to an
//! exit code (0 ok, 1 rejects under --strict or failed checks, 2 usage or
//! configuration error, 3 I/O error). Nothing else.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // No subcommand: the same as `codeframe run` with its defaults (the bundled demo).
    let command = cli.command.unwrap_or_else(|| match Cli::parse_from(["codeframe", "run"]).command {
        Some(c) => c,
        None => unreachable!("`codeframe run` parses to the run command"),
    });
    let result = match &command {
        Command::Run(args) => cli::run::execute(args),
        Command::Validate(args) => cli::validate::execute(args),
        Command::Explain(args) => cli::explain::execute(args),
        Command::Lexicon(args) => cli::lexicon::execute(args),
        Command::Kwic(args) => cli::kwic::execute(args),
        Command::Suggest(args) => cli::suggest::execute(args),
        Command::Diff(args) => cli::diff::execute(args),
        Command::Merge(args) => cli::merge::execute(args),
        Command::Init(args) => cli::init::execute(args),
        Command::Generate(args) => cli::generate::execute(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(codeframe::error::Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("codeframe: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
