//! `codeframe lexicon check | test | explain`: see what a lexicon does before it
//! changes a count.

use std::path::PathBuf;

use std::io::Write;

use clap::{Args, Subcommand};

use super::ImportArgs;

use codeframe::coding;
use codeframe::demo;
use codeframe::error::{Error, Result};
use codeframe::lexicon::{CompiledLexicon, Lexicon, export};
use codeframe::lint::{self, CorpusStats, Severity};
use codeframe::matching::Scanner;
use codeframe::pipeline;
use codeframe::report::AtomicFile;
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
    /// Write a lexicon (any supported format) out as a LIWC `.dic` or a quanteda YAML
    /// dictionary; what the target format cannot say is listed on stderr.
    Export(ExportArgs),
}

/// Flags of `lexicon export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Lexicon file to convert; default: the bundled demo lexicon.
    pub file: Option<PathBuf>,
    /// Where to write (`-`: standard output). Its extension picks the format unless
    /// --format is given.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Output format (default: from the extension of --out).
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// How the input is read, if it is another tool's dictionary.
    #[command(flatten)]
    pub import: ImportArgs,
}

/// `lexicon export --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// LIWC `.dic`.
    Dic,
    /// quanteda-style YAML.
    Yaml,
}

/// A lexicon file (the bundled demo lexicon if omitted).
#[derive(Debug, Args)]
pub struct FileArg {
    /// Lexicon file (any supported format); default: the bundled demo lexicon.
    pub file: Option<PathBuf>,
    /// How an imported dictionary is read.
    #[command(flatten)]
    pub import: ImportArgs,
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
    /// Read the corpus as stored, HTML markup and character references included (default: `<p>`, `<br>`, `&#39;`, `&amp;` read as the text they show; the spec's `keep_html` when the corpus is its `responses`).
    #[arg(long)]
    pub keep_html: bool,
    /// Warn about entries matching more than this share of answers (from 0 to 1).
    #[arg(long, default_value_t = 0.25, value_parser = super::share)]
    pub max_share: f64,
    /// How an imported dictionary is read.
    #[command(flatten)]
    pub import: ImportArgs,
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
    /// How an imported dictionary is read.
    #[command(flatten)]
    pub import: ImportArgs,
    /// Read the text as typed, HTML markup and character references included
    /// (default: as a run reads an answer, `didn&#39;t` as `didn't`).
    #[arg(long)]
    pub keep_html: bool,
}

fn load(file: &Option<PathBuf>, import: &ImportArgs) -> Result<(Lexicon, CompiledLexicon)> {
    let lexicon = import.read(file.as_deref())?;
    let compiled = CompiledLexicon::new(&lexicon)?;
    Ok((lexicon, compiled))
}

/// Runs `codeframe lexicon ...`.
pub fn execute(args: &LexiconArgs) -> Result<()> {
    match &args.command {
        LexiconCommand::Check(a) => check(a),
        LexiconCommand::Test(a) => test(a),
        LexiconCommand::Explain(a) => explain(a),
        LexiconCommand::Export(a) => export(a),
    }
}

fn check(args: &CheckArgs) -> Result<()> {
    // A lexicon that does not load is the first error: report it and exit 1 (a file
    // that cannot be read is exit 3, as everywhere).
    let (lexicon, compiled) = load(&args.file, &args.import).map_err(|e| match e {
        Error::Io { .. } => e,
        e => Error::Check(e.to_string()),
    })?;
    // What the reader skipped comes first, then what the lint finds.
    let mut findings: Vec<lint::Finding> = lexicon
        .warnings
        .iter()
        .map(|w| lint::Finding {
            file: Some(w.location.path.clone()),
            line: w.location.line,
            severity: Severity::Warning,
            message: w.message.clone(),
        })
        .collect();
    findings.extend(lint::lint(&lexicon, &compiled));
    let mut columns = args.text_columns.clone();
    let mut options = codeframe::input::ReadOptions { decode_html: !args.keep_html, ..Default::default() };
    if let Some(p) = &args.survey {
        let survey = Survey::from_path(p)?;
        // The corpus is read as a run reads it: the spec's reading hints describe its
        // own `responses`, given again as the corpus.
        if let (Some(corpus), Some(responses)) = (&args.corpus, &survey.responses)
            && pipeline::same_file(corpus, responses)
        {
            options = super::with_hints(options, &survey.read)?;
        }
        // Every question the survey lacks, not only the first (the lint has named the
        // entries kept outside their theme's questions).
        let unknown = lexicon.unknown_questions(&survey.open_ids());
        findings.extend(unknown.iter().map(|e| lint::error_finding(e, &lexicon.source)));
        if columns.is_empty() {
            columns = survey.open.iter().map(|q| q.column.clone()).collect();
        }
    }
    if let Some(corpus) = &args.corpus {
        let mut texts = Vec::new();
        codeframe::input::for_each_text(corpus, &columns, &options, |_, _, t| texts.push(t.to_string()))?;
        let stats = CorpusStats::collect(&compiled, texts.iter().map(String::as_str));
        findings.extend(stats.findings(&compiled, args.max_share));
    }
    let name = args.file.as_ref().map_or_else(|| demo::path("stalking-consultation.toml"), |p| p.clone());
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    for f in &findings {
        let level = if f.severity == Severity::Error { "error" } else { "warning" };
        let at = f.line.map(|l| format!(":{l}")).unwrap_or_default();
        outln!("{}{at}: {level}: {}", f.file.as_ref().unwrap_or(&name).display(), f.message)?;
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
    let (lexicon, compiled) = load(&args.file, &args.import)?;
    let (failures, run) = lint::test_examples(&lexicon, &compiled);
    for f in &failures {
        outln!("FAIL {}: {f}", f.location(&lexicon.source))?;
    }
    outln!("{} example(s) run, {} failed", run, failures.len())?;
    if failures.is_empty() { Ok(()) } else { Err(Error::Check(format!("{} example(s) failed", failures.len()))) }
}

fn explain(args: &ExplainArgs) -> Result<()> {
    let (_, compiled) = load(&args.lexicon, &args.import)?;
    if let Some(q) = &args.question {
        let named = |list: &Vec<String>| list.iter().any(|x| x == q);
        if !compiled.themes.iter().any(|t| named(&t.questions)) && !compiled.entries.iter().any(|e| named(&e.questions))
        {
            errln!(
                "codeframe: note: no theme or entry of the lexicon names question `{q}`: only what counts in every \
                 question applies"
            );
        }
    }
    // An answer pasted from an export reads as the run read it.
    let text = codeframe::input::html::as_read(&args.text, !args.keep_html);
    if text != args.text {
        errln!("codeframe: note: read as the text its HTML shows, {text:?} (--keep-html reads it as typed)");
    }
    let applies = compiled.applies(args.question.as_deref());
    let mut scanner = Scanner::new();
    scanner.scan(&compiled, &text);
    let coding = coding::code(&compiled, &scanner, &applies);
    outln!("{}", evidence::explain_text(&compiled, &scanner, &coding, &text).trim_end())?;
    Ok(())
}

fn export(args: &ExportArgs) -> Result<()> {
    let format = match (args.format, args.out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase)) {
        (Some(f), _) => f,
        (None, Some(ext)) if ext == "dic" => ExportFormat::Dic,
        (None, Some(ext)) if ext == "yml" || ext == "yaml" => ExportFormat::Yaml,
        _ => {
            return Err(Error::Usage(format!(
                "cannot tell the format of {}: name it .dic, .yml or .yaml, or give --format dic|yaml",
                args.out.display()
            )));
        }
    };
    if let Some(input) = &args.file
        && args.out.as_os_str() != "-"
    {
        pipeline::refuse_overwriting_input("--out", &args.out, std::slice::from_ref(&args.out), &[("lexicon", input)])?;
    }
    let lexicon = args.import.read(args.file.as_deref())?;
    for w in &lexicon.warnings {
        errln!("codeframe: warning: {w}");
    }
    CompiledLexicon::new(&lexicon)?;
    let out = match format {
        ExportFormat::Dic => export::to_dic(&lexicon),
        ExportFormat::Yaml => export::to_yaml(&lexicon),
    };
    const SHOWN: usize = 20;
    for w in out.warnings.iter().take(SHOWN) {
        errln!("codeframe: export: {w}");
    }
    if out.warnings.len() > SHOWN {
        errln!("codeframe: export: ... and {} more things the format cannot say", out.warnings.len() - SHOWN);
    }
    if args.out.as_os_str() == "-" {
        outln!("{}", out.text.trim_end_matches('\n'))?;
    } else {
        let mut f = AtomicFile::create(&args.out)?;
        f.writer().write_all(out.text.as_bytes()).map_err(|e| Error::io(&args.out, e))?;
        f.commit()?;
        errln!(
            "wrote {} ({} themes, {} thing(s) the format cannot say)",
            args.out.display(),
            lexicon.themes.len(),
            out.warnings.len()
        );
    }
    Ok(())
}
