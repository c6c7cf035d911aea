//! The command line: clap definitions, one file per subcommand. Each turns flags into
//! a validated configuration and calls the library; no logic lives here.

/// Writes a line to standard output, turning a write error (a closed pipe) into an
/// `Error` the binary maps to an exit code, instead of a panic.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
            .map_err(|e| codeframe::error::Error::io("<stdout>", e))
    }};
}

/// Writes a line to standard error, ignoring a failed write: `eprintln!` panics when
/// standard error is a closed pipe or a full disk, and nothing useful can be done then;
/// the exit code still says what happened. Every message of the binary goes through it
/// (`clippy::print_stderr` is denied in main.rs and lib.rs).
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

pub mod diff;
pub mod explain;
pub mod generate;
pub mod init;
pub mod kwic;
pub mod lexicon;
pub mod merge;
pub mod run;
pub mod suggest;
pub mod validate;

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use codeframe::demo;
use codeframe::error::{Error, Result};
use codeframe::input::InputSource;
use codeframe::input::ReadOptions;
use codeframe::lexicon::{CompiledLexicon, DictionaryTerms, DuplicateTerms, Format, ImportOptions, Lexicon};
use codeframe::pipeline::{ManifestInput, RunOptions};
use codeframe::survey::Survey;
use codeframe::text::Language;

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
    /// Compare the pipeline's codes with human codes (the demo's gold.csv by default).
    Validate(validate::ValidateArgs),
    /// Show one respondent's answers with the matched words marked and their themes.
    Explain(explain::ExplainArgs),
    /// Check, test and explain a lexicon.
    Lexicon(lexicon::LexiconArgs),
    /// Keyword in context: every match of a term or of a theme's entries, with context.
    Kwic(kwic::KwicArgs),
    /// Words and phrases to add to the lexicon, ranked by keyness (G2).
    Suggest(suggest::SuggestArgs),
    /// What an edited lexicon or edited data changed against a previous run.
    Diff(diff::DiffArgs),
    /// Combine partial runs (shards) into the outputs of one run over the whole input.
    Merge(merge::MergeArgs),
    /// Draft a survey spec from a data file: id and respondent-type columns, closed
    /// and open questions guessed, with a starter lexicon.
    Init(init::InitArgs),
    /// Generate reproducible benchmark data: a corpus, a lexicon or a survey spec.
    Generate(generate::GenerateArgs),
}

/// How another tool's dictionary (`.dic`, `.dicx`, `.cat`, `.yml`, `.txt`) is read;
/// codeframe's TOML says it all itself and ignores these.
#[derive(Debug, Args, Clone, Default)]
pub struct ImportArgs {
    /// What a plain term of an imported dictionary is: `words` (matched as written,
    /// never stemmed: what LIWC, WordStat and quanteda mean; the default) or `stems` (a
    /// Snowball stem, matching the words that stem to it: for dictionaries of stems).
    #[arg(long, value_enum)]
    pub dictionary_terms: Option<TermsArg>,
    /// A LIWC term listed on several lines (or `.dicx` rows) belongs to the categories
    /// of all of them (`union`, the default) or of its last line only (`last-line`, as
    /// LIWC's own software reads it).
    #[arg(long, value_enum)]
    pub dictionary_duplicates: Option<DuplicatesArg>,
    /// The language of an imported dictionary's words and of the answers (`english`,
    /// the default, `french`, `de`, ...): how `--dictionary-terms stems` stems them,
    /// which articles elide (`l'église` is `église`). A TOML lexicon sets its own
    /// (`[settings] language`).
    #[arg(long, value_parser = parse_language)]
    pub dictionary_language: Option<Language>,
}

/// `--dictionary-language`: a language's name or ISO 639-1 code.
fn parse_language(name: &str) -> std::result::Result<Language, String> {
    Language::parse(name).ok_or_else(|| format!("not a language codeframe can stem; one of {}", Language::known()))
}

/// `--dictionary-terms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum TermsArg {
    /// Words.
    #[default]
    Words,
    /// Snowball stems.
    Stems,
}

/// `--dictionary-duplicates`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum DuplicatesArg {
    /// All lines' categories.
    #[default]
    Union,
    /// The last line's categories.
    LastLine,
}

impl TermsArg {
    /// As given on the command line.
    fn name(self) -> &'static str {
        match self {
            TermsArg::Words => "words",
            TermsArg::Stems => "stems",
        }
    }
}

impl DuplicatesArg {
    /// As given on the command line.
    fn name(self) -> &'static str {
        match self {
            DuplicatesArg::Union => "union",
            DuplicatesArg::LastLine => "last-line",
        }
    }
}

impl ImportArgs {
    /// The library's options (the defaults for flags not given).
    pub fn options(&self) -> ImportOptions {
        ImportOptions {
            terms: match self.dictionary_terms.unwrap_or_default() {
                TermsArg::Words => DictionaryTerms::Words,
                TermsArg::Stems => DictionaryTerms::Stems,
            },
            duplicates: match self.dictionary_duplicates.unwrap_or_default() {
                DuplicatesArg::Union => DuplicateTerms::Union,
                DuplicatesArg::LastLine => DuplicateTerms::LastLine,
            },
            language: self.dictionary_language.unwrap_or_default(),
        }
    }

    /// Takes each option not given from `recorded` (how a partial run read its
    /// dictionary), so `merge` reads the lexicon as its parts did. A default is left
    /// unset (it reads the same), so it is not taken for a flag given.
    pub fn or_recorded(&mut self, recorded: &ImportOptions) {
        if recorded.terms == DictionaryTerms::Stems {
            self.dictionary_terms.get_or_insert(TermsArg::Stems);
        }
        if recorded.duplicates == DuplicateTerms::LastLine {
            self.dictionary_duplicates.get_or_insert(DuplicatesArg::LastLine);
        }
        if recorded.language != Language::English {
            self.dictionary_language.get_or_insert(recorded.language);
        }
    }

    /// Reads a lexicon file (any format) with these options; the bundled demo
    /// lexicon without one. A flag the lexicon's format does not read is warned
    /// about on stderr (it was accepted silently, yet recorded in the manifest).
    pub fn read(&self, file: Option<&Path>) -> Result<Lexicon> {
        let format = file.map_or(Some(Format::Toml), Format::of);
        let name = file.map_or_else(|| "the bundled demo lexicon".to_string(), |p| p.display().to_string());
        if let Some(format) = format {
            if let Some(terms) = self.dictionary_terms
                && format == Format::Toml
            {
                errln!(
                    "codeframe: warning: --dictionary-terms {} does nothing here: {name} is a {} lexicon, which says how its terms match itself (the flag is for .dic, .dicx, .cat, .yml and .txt dictionaries)",
                    terms.name(),
                    format.name()
                );
            }
            if let Some(language) = self.dictionary_language
                && format == Format::Toml
            {
                errln!(
                    "codeframe: warning: --dictionary-language {language} does nothing here: {name} is a {} lexicon, which says its language itself (`[settings] language = \"{language}\"`; the flag is for .dic, .dicx, .cat, .yml and .txt dictionaries)",
                    format.name()
                );
            }
            if let Some(duplicates) = self.dictionary_duplicates
                && !matches!(format, Format::Dic | Format::Dicx)
            {
                errln!(
                    "codeframe: warning: --dictionary-duplicates {} does nothing here: {name} is a {} lexicon (the flag is for the terms listed on several lines of LIWC .dic and .dicx dictionaries)",
                    duplicates.name(),
                    format.name()
                );
            }
        }
        match file {
            Some(p) => Lexicon::from_path_with(p, &self.options()),
            None => demo::lexicon(),
        }
    }
}

/// Where the survey, lexicon and responses come from (shared by every subcommand).
#[derive(Debug, Args, Clone)]
pub struct SourceArgs {
    /// Survey spec (TOML). Without it and without --input, the bundled demo is used.
    #[arg(long)]
    pub survey: Option<PathBuf>,
    /// Responses: CSV (any delimiter and encoding), XLSX/XLSM/XLSB/XLS/ODS, or JSON Lines
    /// (`.jsonl`, `.ndjson`); `-` reads standard input (CSV, or JSON Lines if its first
    /// line is an object). Default: the spec's `responses`.
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Lexicon file. Default: the spec's `lexicon`.
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    /// How an imported dictionary is read.
    #[command(flatten)]
    pub import: ImportArgs,
    /// Without a spec: the column holding respondent ids.
    #[arg(long)]
    pub id_column: Option<String>,
    /// Without a spec: a column of free text to code (repeatable).
    #[arg(long = "text-column")]
    pub text_columns: Vec<String>,
    /// CSV field delimiter (one character; `tab` or `\t` for tab). Default: sniffed
    /// from the header line (`,` `;` tab `|`).
    #[arg(long)]
    pub delimiter: Option<String>,
    /// Text encoding of a CSV or JSON Lines input (any WHATWG label: utf-8, utf-16le,
    /// windows-1252, latin1, ...). Default: sniffed (a byte-order mark, UTF-16, UTF-8,
    /// else Windows-1252). With `utf-8`, rows with invalid bytes are rejected.
    #[arg(long)]
    pub encoding: Option<String>,
    /// Spreadsheet sheet to read, by name or 1-based number. Default: the first visible one.
    #[arg(long)]
    pub sheet: Option<String>,
    /// Rows the header spans, 1 to 10 (CSV and spreadsheets); the rows under the first
    /// are not respondents. Default: 1, or the 3 of a Qualtrics CSV export and the 2 of
    /// a SurveyMonkey one, which are recognised.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=codeframe::input::header::MAX_HEADER_ROWS as u64))]
    pub header_rows: Option<u64>,
    /// Reject rows with a cell larger than this many bytes, at least 1 (default
    /// 16777216: 16 MiB).
    #[arg(long, value_parser = cell_bytes)]
    pub max_cell_bytes: Option<usize>,
    /// Keep rows whose respondent id was seen before (default: reject them).
    #[arg(long)]
    pub allow_duplicate_ids: bool,
    /// Read answers as stored, HTML markup and character references included
    /// (default: `<p>`, `<br>`, `&#39;`, `&amp;` read as the text they show).
    #[arg(long)]
    pub keep_html: bool,
    /// Worker threads, at most 1024 (0, the default: one per core). Results do not
    /// depend on it.
    #[arg(long, default_value_t = 0, value_parser = threads)]
    pub threads: usize,
}

/// A loaded, validated configuration.
pub struct Loaded {
    /// The survey.
    pub survey: Survey,
    /// The compiled lexicon.
    pub lexicon: CompiledLexicon,
    /// The lexicon as read (for its example tests).
    pub lexicon_source: Lexicon,
    /// The responses.
    pub input: InputSource,
    /// Spec and lexicon, for the manifest.
    pub config_files: Vec<ManifestInput>,
    /// Whether this is the bundled demo.
    pub demo: bool,
    /// Run options from the flags.
    pub options: RunOptions,
}

/// Warns of respondents whose type the survey does not list (a misspelling such as
/// `Organization` for `Organisation`, or a type the spec lacks), naming the most
/// frequent values: they are counted as the default type, which the analyst should
/// know before reading the breakdowns by type.
fn warn_unlisted_types(summary: &codeframe::report::Summary) {
    let (Some(default), n) = (&summary.default_type, summary.types_unlisted.count) else { return };
    if n == 0 {
        return;
    }
    let list =
        codeframe::report::unlisted_types_list(summary, codeframe::report::UNLISTED_TYPES_SHOWN, |v| format!("{v:?}"));
    errln!(
        "codeframe: warning: {} gave a respondent type the survey does not list, counted as {default:?}: {list}; \
         add each to a type's aliases in the spec to count it there",
        codeframe::report::respondents(n)
    );
}

/// Warns, even under `--quiet`, when every row read was rejected: the run (or merge)
/// exits 0 with nothing coded, and a batch job has only this line to tell it.
fn warn_all_rejected(tally: &codeframe::tally::Tally, out: &Path) {
    if tally.rows_rejected > 0 && tally.rows_coded() == 0 {
        errln!(
            "codeframe: warning: all {} rows read were rejected, so nothing was coded: their lines and reasons are in {}",
            tally.rows_rejected,
            out.join("rejects.csv").display()
        );
    }
}

/// Says which files of an earlier run in the output folder `out` were removed.
fn note_removed(out: &Path, removed: &[String]) {
    if !removed.is_empty() {
        errln!(
            "codeframe: note: removed {} of an earlier run in {} that this one does not write",
            removed.join(", "),
            out.display()
        );
    }
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// What the manifest hashes for a lexicon: its file, or for a folder of word lists
/// each list's name and contents in name order.
fn lexicon_bytes(path: &Path) -> Result<Vec<u8>> {
    if !path.is_dir() {
        return read_bytes(path);
    }
    let mut all = Vec::new();
    for file in codeframe::lexicon::plain::list_files(path)? {
        let bytes = read_bytes(&file)?;
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        all.extend_from_slice(format!("{name}\0{}\0", bytes.len()).as_bytes());
        all.extend_from_slice(&bytes);
    }
    Ok(all)
}

/// The most `--threads` accepted: far above any machine's cores, and low enough that
/// a typo (`--threads 100000`) is refused at once instead of spawning threads until
/// memory runs out.
pub const MAX_THREADS: usize = 1024;

/// Parses a `--threads` value: 0 (one per core) up to [`MAX_THREADS`].
fn threads(s: &str) -> std::result::Result<usize, String> {
    let n: usize = s.trim().parse().map_err(|_| format!("not a whole number from 0 to {MAX_THREADS}"))?;
    if n > MAX_THREADS {
        return Err(format!("over the limit of {MAX_THREADS} threads (0 means one per core)"));
    }
    Ok(n)
}

/// Parses `--max-cell-bytes`: 0 would reject every row with a filled cell, or read
/// nothing of one (`max_line_bytes` of JSON Lines is four times it).
fn cell_bytes(s: &str) -> std::result::Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("0 would reject every row with an answer: give at least 1 (the default is 16777216)".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("not a whole number of bytes from 1 to {}", usize::MAX)),
    }
}

/// Parses a share or a score from 0 to 1 (`--min-f1`, `--max-share`). `NaN` parses
/// as an `f64` and compares false with everything: a bar of `NaN` passed every check.
fn share(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err("not a number from 0 to 1".to_string()),
    }
}

/// Parses a `--delimiter` value: one ASCII character, or `tab`/`\t`.
pub fn delimiter(s: &str) -> Result<u8> {
    match s {
        "\\t" | "tab" => Ok(b'\t'),
        s if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(Error::Usage(format!("--delimiter must be one ASCII character, not {s:?}"))),
    }
}

/// The first name given twice (spaces around it ignored, as when columns are matched).
fn repeated(names: &[String]) -> Option<&str> {
    let mut seen = std::collections::HashSet::new();
    names.iter().map(|n| n.trim()).find(|n| !seen.insert(*n))
}

/// What a dictionary reader skipped (garbage lines, conditional entries): shown, so
/// nothing in a lexicon is dropped unseen; the first few, then a count.
fn print_reader_warnings(lexicon: &Lexicon) {
    const SHOWN: usize = 20;
    for w in lexicon.warnings.iter().take(SHOWN) {
        errln!("codeframe: warning: {w}");
    }
    if lexicon.warnings.len() > SHOWN {
        errln!(
            "codeframe: warning: ... and {} more lexicon warnings (codeframe lexicon check lists them all)",
            lexicon.warnings.len() - SHOWN
        );
    }
}

impl SourceArgs {
    /// Whether no survey, no input and no text column were given (the bundled demo).
    pub fn is_demo(&self) -> bool {
        self.survey.is_none() && self.input.is_none() && self.text_columns.is_empty()
    }

    /// Reads and checks the survey, lexicon and input named by the flags.
    pub fn load(&self) -> Result<Loaded> {
        self.load_with(true)
    }

    /// [`SourceArgs::load`] for a command that reads no responses (`merge`): when
    /// none are named, `input` is standard input, which it never reads, and the spec's
    /// reading hints are not applied (the read options are the flags given).
    pub fn load_config(&self) -> Result<Loaded> {
        self.load_with(false)
    }

    fn load_with(&self, responses_needed: bool) -> Result<Loaded> {
        let mut files = Vec::new();
        let demo = self.is_demo();
        // The spec (or the demo's) names its own columns: these flags would be ignored.
        if self.survey.is_some() || demo {
            let given = [("--id-column", self.id_column.is_some()), ("--text-column", !self.text_columns.is_empty())];
            if let Some((flag, _)) = given.iter().find(|(_, g)| *g) {
                return Err(Error::Usage(format!(
                    "{flag} names a column of an --input read without a survey spec; {}",
                    if demo {
                        "give --input and --text-column too"
                    } else {
                        "with --survey, the spec names its columns (id_column, and a column per question)"
                    }
                )));
            }
        }
        let survey = if let Some(p) = &self.survey {
            files.push(ManifestInput::new("survey", p, &read_bytes(p)?));
            Survey::from_path(p)?
        } else if demo {
            files.push(ManifestInput::new("survey", &demo::path("survey.toml"), demo::SURVEY.as_bytes()));
            demo::survey()?
        } else {
            if self.text_columns.is_empty() {
                return Err(Error::Usage(
                    "--input without --survey needs at least one --text-column (and usually --id-column)".into(),
                ));
            }
            if let Some(c) = repeated(&self.text_columns) {
                return Err(Error::Usage(format!(
                    "--text-column {c:?} is given twice: each column is coded once, name it once"
                )));
            }
            Survey::ad_hoc(self.id_column.clone(), &self.text_columns)
        };
        let lexicon_path = self.lexicon.clone().or_else(|| if demo { None } else { survey.lexicon.clone() });
        let lexicon = match lexicon_path {
            Some(p) => {
                files.push(ManifestInput::new("lexicon", &p, &lexicon_bytes(&p)?));
                self.import.read(Some(&p))?
            }
            None if demo => {
                let p = demo::path("stalking-consultation.toml");
                files.push(ManifestInput::new("lexicon", &p, demo::LEXICON.as_bytes()));
                self.import.read(None)?
            }
            None => return Err(Error::Usage("no lexicon: give --lexicon or name one in the survey spec".into())),
        };
        lexicon.check_questions(&survey.open_ids())?;
        print_reader_warnings(&lexicon);
        let input = match (&self.input, &survey.responses) {
            (Some(p), _) if p.as_os_str() == "-" => InputSource::Stdin,
            (Some(p), _) => InputSource::File(p.clone()),
            (None, _) if demo => demo::responses(),
            (None, Some(p)) => InputSource::File(p.clone()),
            (None, None) if !responses_needed => InputSource::Stdin,
            (None, None) => {
                return Err(Error::Usage("no responses: give --input or name `responses` in the survey spec".into()));
            }
        };
        // The spec's reading hints describe its own `responses` (named by the spec or
        // given again as --input), not another --input, and nothing when no responses
        // are read.
        let own = match (&self.input, &survey.responses) {
            (None, _) => true,
            (Some(given), Some(spec)) => codeframe::pipeline::same_file(given, spec),
            (Some(_), None) => false,
        };
        let hints = if own && responses_needed { survey.read.clone() } else { Default::default() };
        let options = RunOptions {
            threads: self.threads,
            read: with_hints(
                ReadOptions {
                    delimiter: self.delimiter.as_deref().map(delimiter).transpose()?,
                    encoding: self.encoding.clone(),
                    sheet: self.sheet.clone(),
                    max_cell_bytes: self.max_cell_bytes.unwrap_or(codeframe::input::DEFAULT_MAX_CELL_BYTES),
                    reject_duplicate_ids: !self.allow_duplicate_ids,
                    header_rows: self.header_rows.map(|n| n as usize),
                    decode_html: !self.keep_html,
                },
                &hints,
            )?,
            dictionary: self.import.options(),
            ..RunOptions::default()
        };
        Ok(Loaded {
            lexicon: CompiledLexicon::new(&lexicon)?,
            lexicon_source: lexicon,
            survey,
            input,
            config_files: files,
            demo,
            options,
        })
    }
}

/// `options` (what the flags say) with a spec's reading hints for its own responses
/// where the flags say nothing: its sheet, encoding, delimiter, header rows, and
/// `keep_html`.
pub fn with_hints(mut options: ReadOptions, hints: &codeframe::survey::ReadHints) -> Result<ReadOptions> {
    if options.delimiter.is_none() {
        options.delimiter = hints.delimiter.as_deref().map(delimiter).transpose()?;
    }
    options.encoding = options.encoding.or_else(|| hints.encoding.clone());
    options.sheet = options.sheet.or_else(|| hints.sheet.clone());
    options.header_rows = options.header_rows.or(hints.header_rows);
    options.decode_html &= hints.keep_html != Some(true);
    Ok(options)
}
