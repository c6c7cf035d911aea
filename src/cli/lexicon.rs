//! `codeframe lexicon check | test | explain`: see what a lexicon does before it
//! changes a count.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use codeframe::coding;
use codeframe::demo;
use codeframe::error::{Error, Result};
use codeframe::lexicon::{CompiledLexicon, Lexicon};
use codeframe::lint::{self, CorpusStats, Severity};
use codeframe::matching::Scanner;
use codeframe::report::evidence;
use codeframe::survey::Survey;

/// Flags of `codeframe lexicon`.
#[derive(Debug, Args)]
pub struct LexiconArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: LexiconCommand,
}

/// `lexicon` subcommands.
#[derive(Debug, Subcommand)]
pub enum LexiconCommand {
    /// Report errors (with line numbers) and warnings: duplicate or shadowed entries,
    /// stems shared across themes, over-short wildcards, empty-matching regexes, and
    /// with --corpus entries that never match or match too many answers. Exit 1 on errors.
    Check(CheckArgs),
    /// Check every theme's example sentences (examples.match / examples.no_match). Exit 1 on failures.
    Test(FileArg),
    /// Show how a text is analysed and coded: tokens, stems, matches, vetoes, themes.
    Explain(ExplainArgs),
}

/// A lexicon file (the bundled demo lexicon if omitted).
#[derive(Debug, Args)]
pub struct FileArg {
    /// Lexicon file (any supported format); default: the bundled demo lexicon.
    pub file: Option<PathBuf>,
}

/// Flags of `lexicon check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Lexicon file; default: the bundled demo lexicon.
    pub file: Option<PathBuf>,
    /// Survey spec: checks that every question a theme names exists.
    #[arg(long)]
    pub survey: Option<PathBuf>,
    /// A CSV of answers to test entries on.
    #[arg(long)]
    pub corpus: Option<PathBuf>,
    /// Columns of the corpus to read (default: the survey's open questions, else all).
    #[arg(long = "text-column")]
    pub text_columns: Vec<String>,
    /// Warn about entries matching more than this share of answers.
    #[arg(long, default_value_t = 0.25)]
    pub max_share: f64,
}

/// Flags of `lexicon explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The text to explain.
    pub text: String,
    /// Lexicon file; default: the bundled demo lexicon.
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    /// Only themes that apply to this question.
    #[arg(long)]
    pub question: Option<String>,
}

fn load(file: &Option<PathBuf>) -> Result<(Lexicon, CompiledLexicon)> {
    let lexicon = match file {
        Some(p) => Lexicon::from_path(p)?,
        None => demo::lexicon()?,
    };
    let compiled = CompiledLexicon::new(&lexicon)?;
    Ok((lexicon, compiled))
}

/// Runs `codeframe lexicon ...`.
pub fn execute(args: &LexiconArgs) -> Result<()> {
    match &args.command {
        LexiconCommand::Check(a) => check(a),
        LexiconCommand::Test(a) => test(a),
        LexiconCommand::Explain(a) => explain(a),
    }
}

fn check(args: &CheckArgs) -> Result<()> {
    // A lexicon that does not load is the first error: report it and exit 1.
    let (lexicon, compiled) = load(&args.file).map_err(|e| Error::Check(e.to_string()))?;
    // What the reader skipped comes first, then what the lint finds.
    let mut findings: Vec<lint::Finding> = lexicon
        .warnings
        .iter()
        .map(|w| lint::Finding { line: w.location.line, severity: Severity::Warning, message: w.message.clone() })
        .collect();
    findings.extend(lint::lint(&lexicon, &compiled));
    let mut columns = args.text_columns.clone();
    if let Some(p) = &args.survey {
        let survey = Survey::from_path(p)?;
        if let Err(e) = lexicon.check_questions(&survey.open_ids()) {
            findings.push(lint::Finding { line: None, severity: Severity::Error, message: e.to_string() });
        }
        if columns.is_empty() {
            columns = survey.open.iter().map(|q| q.column.clone()).collect();
        }
    }
    if let Some(corpus) = &args.corpus {
        let mut texts = Vec::new();
        codeframe::input::csv::for_each_text(corpus, &columns, |_, _, t| texts.push(t.to_string()))?;
        let stats = CorpusStats::collect(&compiled, texts.iter().map(String::as_str));
        findings.extend(stats.findings(&compiled, args.max_share));
    }
    let name = args.file.as_ref().map_or_else(|| demo::path("stalking-consultation.toml"), |p| p.clone());
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    for f in &findings {
        let level = if f.severity == Severity::Error { "error" } else { "warning" };
        let at = f.line.map(|l| format!(":{l}")).unwrap_or_default();
        outln!("{}{at}: {level}: {}", name.display(), f.message)?;
    }
    outln!(
        "{}: {} themes, {} entries, {} error(s), {} warning(s)",
        name.display(),
        lexicon.themes.len(),
        compiled.entries.len(),
        errors,
        findings.len() - errors
    )?;
    if errors > 0 { Err(Error::Check(format!("{errors} error(s) in the lexicon"))) } else { Ok(()) }
}

fn test(args: &FileArg) -> Result<()> {
    let (lexicon, compiled) = load(&args.file)?;
    let (failures, run) = lint::test_examples(&lexicon, &compiled);
    for f in &failures {
        outln!("FAIL {f}")?;
    }
    outln!("{} example(s) run, {} failed", run, failures.len())?;
    if failures.is_empty() { Ok(()) } else { Err(Error::Check(format!("{} example(s) failed", failures.len()))) }
}

fn explain(args: &ExplainArgs) -> Result<()> {
    let (_, compiled) = load(&args.lexicon)?;
    let applies = compiled.applies(args.question.as_deref());
    let mut scanner = Scanner::new();
    scanner.scan(&compiled, &args.text);
    let coding = coding::code(&compiled, &scanner, &applies);
    outln!("{}", evidence::explain_text(&compiled, &scanner, &coding, &args.text).trim_end())?;
    Ok(())
}
