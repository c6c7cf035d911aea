//! The `codeframe` binary: parses arguments, calls the library, maps the result to an
//! exit code (0 ok, 1 rejects under --strict or failed checks, 2 usage or
//! configuration error, 3 I/O error). Nothing else.

// `eprintln!` and `println!` panic when their stream is a closed pipe or a full disk
// (exit 101): messages go through `errln!` and output through `outln!` (src/cli/mod.rs).
#![deny(clippy::print_stderr, clippy::print_stdout)]

#[macro_use]
mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

/// mimalloc: coding allocates per row and per answer (records, codings, evidence), and
/// glibc's malloc spent a tenth of a run in bookkeeping (`malloc_consolidate`,
/// `_int_free`); see BENCHMARKS.md. Built without transparent huge pages (`no_thp`),
/// which had held freed memory in 2 MiB pages.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` in the C library libmimalloc-sys 0.1.49 builds
/// (mimalloc v3). The version is pinned in Cargo.toml: this is a position in a C enum
/// the Rust bindings do not name.
const MI_OPTION_PURGE_DELAY: i32 = 15;

/// Returns freed memory to the OS after 10 ms instead of mimalloc v3's 1 s: on a
/// million rows peak RSS 108 -> 87 MB (1 thread), 123 -> 106 MB (2), no speed lost.
/// `MIMALLOC_PURGE_DELAY` in the environment is overridden.
fn tune_allocator() {
    // SAFETY: `mi_option_set` stores an integer option (any value is valid for this
    // one); it is called first thing in main, before other threads exist.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10);
    }
}

fn main() -> ExitCode {
    tune_allocator();
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
            // Several errors (every mistake of a lexicon) come a line each: each is one.
            for line in e.to_string().lines() {
                errln!("codeframe: error: {line}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}
