//! `codeframe run`: code a survey's responses and write every report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;

use super::SourceArgs;
use codeframe::error::Result;
use codeframe::input::InputSource;
use codeframe::pipeline::{self, Job, Measure, Outcome};
use codeframe::report::prose::{self, ClosedRowKind, Markup};
use codeframe::report::{QuestionSummary, Rounding, Summary};

/// Flags of `codeframe run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Survey, lexicon and responses.
    #[command(flatten)]
    pub source: SourceArgs,
    /// Output folder.
    #[arg(long, default_value = "out", conflicts_with = "codes_only")]
    pub out: PathBuf,
    /// Fail (exit 1) if any row is rejected.
    #[arg(long)]
    pub strict: bool,
    /// Show percentages with one decimal.
    #[arg(long, conflicts_with = "codes_only")]
    pub one_decimal: bool,
    /// Round each closed question's options by the largest remainder method, so they
    /// sum to exactly 100%.
    #[arg(long, conflicts_with = "codes_only")]
    pub largest_remainder: bool,
    /// What to measure: `presence` (code themes) or `counts` (also write counts.csv:
    /// occurrences per category and per 100 words, as LIWC and quanteda report).
    #[arg(long, value_enum, default_value_t = MeasureArg::Presence, conflicts_with = "codes_only")]
    pub measure: MeasureArg,
    /// Report campaigns of at least this many near-identical answers (2 or more).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(2..), conflicts_with = "codes_only")]
    pub campaign_min: u64,
    /// Do not look for campaign responses.
    #[arg(long, conflicts_with = "codes_only")]
    pub no_campaigns: bool,
    /// Code only shard K of N (rows whose number r has (r - 1) mod N = K - 1) and write
    /// partial results for `codeframe merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Write partial results (partial.json, codes with row numbers) for `codeframe merge`.
    #[arg(long)]
    pub partial: bool,
    /// Write only codes (codes.csv rows) to standard output, as they are coded, and
    /// nothing else; rejected rows are listed on standard error. With `--input -`, a
    /// filter for engines that pipe rows through a program. Flags that shape the files
    /// it does not write (`--out`, `--measure`, rounding, campaigns, the workbook,
    /// `--parquet`) are refused with it.
    #[arg(long)]
    pub codes_only: bool,
    /// Most codes on the workbook's Codes sheet (codes.csv always has them all; Excel's
    /// limit is 1048575).
    #[arg(long, default_value_t = codeframe::report::xlsx::DEFAULT_CODES_SHOWN, conflicts_with = "codes_only")]
    pub workbook_codes: u32,
    /// Also write codes.parquet, counts.parquet (with `--measure counts`),
    /// theme_frequencies.parquet and closed_answers.parquet: typed copies of the CSVs,
    /// for pandas, polars, DuckDB and Spark.
    #[arg(long, conflicts_with = "codes_only")]
    pub parquet: bool,
    /// No progress bar and no summary on the terminal (nor the one-line count of a
    /// partial run or of `--codes-only`); errors, warnings and `--codes-only`'s
    /// rejected rows still print.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Values of `--measure`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum MeasureArg {
    /// Theme asserted or not per answer.
    Presence,
    /// Occurrences per category per answer.
    Counts,
}

/// Runs `codeframe run`.
pub fn execute(args: &RunArgs) -> Result<()> {
    let loaded = args.source.load()?;
    warn_about_lexicon(&loaded);
    // The lexicon as read is not needed past its examples: a 20,000-entry one holds
    // 6.6 MB that the run can use instead.
    drop(loaded.lexicon_source);
    let mut options = loaded.options.clone();
    options.strict = args.strict;
    options.rounding = Rounding { decimals: args.one_decimal as u8, largest_remainder: args.largest_remainder };
    options.campaign_min = (!args.no_campaigns).then_some(usize::try_from(args.campaign_min).unwrap_or(usize::MAX));
    options.workbook_codes = args.workbook_codes;
    options.shard = args.shard.as_deref().map(codeframe::pipeline::Shard::parse).transpose()?;
    options.partial = args.partial || options.shard.is_some();
    options.parquet = args.parquet;
    options.measure = match args.measure {
        MeasureArg::Presence => Measure::Presence,
        MeasureArg::Counts => Measure::Counts,
    };
    if args.codes_only {
        // Under --strict the exit code must cover every row, so a closed standard
        // output (`| head`) stops the writing, not the reading.
        let mut stdout = Closable { inner: std::io::stdout().lock(), keep_reading: options.strict, closed: false };
        let mut first = true;
        let mut print_rejects = |rows: &[u8]| {
            if std::mem::take(&mut first) {
                errln!("rejected rows (line,row,respondent_id,column,reason):");
            }
            // The rows are CSV lines, each ending in `\n`: errln! adds the last one back.
            errln!("{}", String::from_utf8_lossy(rows.strip_suffix(b"\n").unwrap_or(rows)));
        };
        let end = pipeline::codes_only(
            &loaded.survey,
            &loaded.lexicon,
            &loaded.input,
            &options,
            &mut stdout,
            &mut print_rejects,
        )?;
        let tally = end.tally;
        // Rows read as header are no respondents: said even under --quiet, as warnings are.
        if let Some(note) = end.header.as_ref().and_then(|h| h.describe()) {
            errln!("codeframe: note: {}: {note}", loaded.input.name().display());
        }
        if !args.quiet {
            errln!("{} rows read, {} coded, {} rejected", tally.rows_read, tally.rows_coded(), tally.rows_rejected);
        }
        if options.strict && tally.rows_rejected > 0 {
            return Err(codeframe::error::Error::Rejects { rejected: tally.rows_rejected, report: "stderr".into() });
        }
        return Ok(());
    }
    let total = match &loaded.input {
        InputSource::File(_) if loaded.input.is_stream() => None,
        InputSource::File(p) => std::fs::metadata(p).map(|m| m.len()).ok(),
        InputSource::Bytes { bytes, .. } => Some(bytes.len() as u64),
        InputSource::Stdin => None,
    };
    let bar = progress_bar(args.quiet, total);
    let job = Job {
        survey: &loaded.survey,
        lexicon: &loaded.lexicon,
        input: loaded.input,
        out_dir: args.out.clone(),
        options,
        config_files: loaded.config_files,
    };
    let started = std::time::Instant::now();
    let result = pipeline::run(&job, &|p| {
        if let Some(b) = &bar {
            b.set_position(p.bytes);
            b.set_message(format!("{} rows", p.rows));
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let outcome = result?;
    super::warn_unlisted_types(&outcome.summary);
    let tally = &outcome.tally;
    if !job.options.partial {
        super::warn_all_rejected(tally, &args.out);
    }
    // Under --quiet errors, warnings and the rows read as header still print; the
    // summary lines do not.
    if let Some(note) = &outcome.header_note {
        errln!("codeframe: note: {}: {note}", job.input.name().display());
    }
    if args.quiet {
        return Ok(());
    }
    super::note_removed(&args.out, &outcome.removed);
    if job.options.partial {
        errln!(
            "partial run: {} rows coded, {} rejected; combine the parts with `codeframe merge`",
            outcome.tally.rows_coded(),
            outcome.tally.rows_rejected
        );
    } else {
        print_summary(&outcome, job.options.rounding, &args.out, started.elapsed())?;
    }
    Ok(())
}

/// Every run checks the lexicon's own examples and warns when one fails, so an edit
/// cannot silently break an agreed case; and warns when the lexicon has no themes or
/// holds a regex that can never match (the rest of the lint is `lexicon check`'s).
fn warn_about_lexicon(loaded: &super::Loaded) {
    let source = loaded.lexicon_source.source.display();
    if loaded.lexicon_source.themes.is_empty() {
        errln!("codeframe: warning: lexicon {source}: {}", codeframe::lint::NO_THEMES);
    }
    for f in codeframe::lint::unmatchable_regexes(&loaded.lexicon_source, &loaded.lexicon) {
        let file = f.file.as_deref().map_or(source.to_string(), |p| p.display().to_string());
        let at = f.line.map(|l| format!(":{l}")).unwrap_or_default();
        errln!("codeframe: warning: lexicon {file}{at}: {}", f.message);
    }
    let (failures, _) = codeframe::lint::test_examples(&loaded.lexicon_source, &loaded.lexicon);
    for f in failures.iter().take(10) {
        errln!("codeframe: warning: lexicon {}: {f}", f.location(&loaded.lexicon_source.source));
    }
    if failures.len() > 10 {
        errln!(
            "codeframe: warning: ... and {} more failed lexicon examples (codeframe lexicon test)",
            failures.len() - 10
        );
    }
}

/// The progress bar, on standard error when it is a terminal. indicatif drops a failed
/// draw (indicatif 0.18: `let _ = self.draw(..)` behind `set_position`, `set_message`
/// and `finish_and_clear`), so a terminal that went away cannot panic the run; avoid
/// `set_tab_width`, which unwraps its draw.
fn progress_bar(quiet: bool, total: Option<u64>) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = match total {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    Some(bar)
}

fn print_summary(outcome: &Outcome, r: Rounding, out: &Path, elapsed: std::time::Duration) -> Result<()> {
    let s: &Summary = &outcome.summary;
    outln!("{}", s.title)?;
    outln!(
        "{} coded ({} read, {} rejected) with lexicon `{}`",
        codeframe::report::respondents(s.respondents),
        codeframe::report::rows(s.rows.read),
        s.rows.rejected,
        s.lexicon
    )?;
    if let Some(note) = codeframe::report::html_note(s, |c| c.to_string()) {
        outln!("{note}")?;
    }
    for q in &s.questions {
        match q {
            QuestionSummary::Closed(c) => {
                // The figures summary.md shows (rounded as asked, the merged row with them).
                let plain = Markup { escape: str::to_string, strong: str::to_string };
                let rows = prose::closed(c, r, plain).rows;
                outln!("  {:<8} {}", c.id, closed_line(&rows))?;
            }
            QuestionSummary::Open(o) => {
                let top: Vec<String> = o
                    .themes
                    .iter()
                    .filter(|t| t.of_respondents.count > 0)
                    .take(3)
                    .map(|t| format!("{} {}", t.id, r.pct(t.of_respondents)))
                    .collect();
                let themes = if top.is_empty() { String::new() } else { format!("; {}", top.join(", ")) };
                outln!("  {:<8} answered {}{}", o.id, r.pct(o.answered), themes)?;
            }
        }
    }
    errln!("wrote {} files to {} in {:.2}s", outcome.files.len(), out.display(), elapsed.as_secs_f64());
    Ok(())
}

/// A closed question's figures on one console line: each option, then what makes up
/// the rest of the respondents (no answer, unless merged into an option; unrecognised
/// answers), so that the line adds up as the table does.
fn closed_line(rows: &[prose::ClosedRow]) -> String {
    let merged = rows.iter().find(|row| row.kind == ClosedRowKind::Merged);
    rows.iter()
        .filter_map(|row| match row.kind {
            ClosedRowKind::Option => Some(match merged {
                Some(m) if m.label == row.label => format!("{} (incl. nil) {}", row.label, m.pct),
                _ => format!("{} {}", row.label, row.pct),
            }),
            ClosedRowKind::Nil if merged.is_none() && row.figure.count > 0 => Some(format!("no answer {}", row.pct)),
            ClosedRowKind::Unrecognised => Some(format!("unrecognised {}", row.pct)),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Standard output for `--codes-only`. When the reader closes it (`| head`) and
/// `keep_reading` is set, further writes are dropped, so that the run still reads, and
/// checks, every row; otherwise the closed pipe ends the run.
struct Closable<W> {
    inner: W,
    keep_reading: bool,
    closed: bool,
}

impl<W> Closable<W> {
    /// `result`, or `instead` once the reader closed the pipe and reading goes on.
    fn unless_closed<T>(&mut self, result: std::io::Result<T>, instead: T) -> std::io::Result<T> {
        match result {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe && self.keep_reading => {
                self.closed = true;
                Ok(instead)
            }
            result => result,
        }
    }
}

impl<W: std::io::Write> std::io::Write for Closable<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let written = self.inner.write(buf);
        self.unless_closed(written, buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let flushed = self.inner.flush();
        self.unless_closed(flushed, ())
    }
}
