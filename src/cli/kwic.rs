//! `codeframe kwic TERM | --theme ID`: keyword in context over a dataset.

use std::path::PathBuf;

use clap::Args;

use super::SourceArgs;
use codeframe::error::{Error, Result};
use codeframe::kwic::{Kwic, Line};
use codeframe::lexicon::{CompiledLexicon, Entry, Lexicon, Rule, Theme, ThemeOptions};
use codeframe::pipeline::{self, OpenAnswer};
use codeframe::report::AtomicFile;

/// Flags of `codeframe kwic`.
#[derive(Debug, Args)]
pub struct KwicArgs {
    /// A term in the lexicon language (`harass*`, `legal aid`, `cost NEAR/3 court` all
    /// work), matched as the lexicon's themes match: a word matches its stem's variants,
    /// but not with an imported dictionary, whose words are not stemmed. Omit with --theme.
    pub term: Option<String>,
    /// Show every match of this theme's entries instead, with whether it counted.
    #[arg(long)]
    pub theme: Option<String>,
    /// Words of context on each side.
    #[arg(long, default_value_t = 6)]
    pub window: usize,
    /// Only this question.
    #[arg(long)]
    pub question: Option<String>,
    /// Write the lines as CSV to this file instead of printing them.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Survey, lexicon and responses.
    #[command(flatten)]
    pub source: SourceArgs,
}

/// Runs `codeframe kwic`.
pub fn execute(args: &KwicArgs) -> Result<()> {
    let loaded = args.source.load()?;
    if let Some(q) = &args.question
        && !loaded.survey.open.iter().any(|o| &o.id == q)
    {
        return Err(Error::Usage(format!(
            "--question {q}: not an open question of the survey (open questions: {})",
            loaded.survey.open_ids().join(", ")
        )));
    }
    if let Some(path) = &args.csv {
        let reads = pipeline::files_read(&loaded.input, &loaded.config_files);
        pipeline::refuse_overwriting_input("--csv", path, std::slice::from_ref(path), &reads)?;
    }
    // A term is searched with its own one-entry lexicon, analysed like the run's.
    let term_lexicon = match (&args.term, &args.theme) {
        (Some(term), None) => {
            let rule = Rule::parse(term).map_err(|m| Error::Usage(format!("term {term:?}: {m}")))?;
            let mut lex = Lexicon::new("kwic");
            lex.settings = loaded.lexicon_source.settings.clone();
            let mut t = Theme::new("term");
            // Matched as the lexicon's themes match: an imported dictionary's words
            // are not stemmed nor negated, so neither is the term.
            t.options = term_options(&loaded.lexicon_source.themes);
            t.entries.push(Entry::new(rule));
            lex.themes.push(t);
            // The one-entry lexicon is the command line's: its errors are the term's.
            let compiled = CompiledLexicon::new(&lex).map_err(|e| match e {
                Error::Config { message, .. } => {
                    let own = format!("theme `term`: entry `{term}`: ");
                    Error::Usage(format!("term {term:?}: {}", message.strip_prefix(&own).unwrap_or(&message)))
                }
                e => e,
            })?;
            Some(compiled)
        }
        (None, Some(_)) => None,
        _ => return Err(Error::Usage("give a TERM or --theme ID (not both)".into())),
    };
    let (lexicon, theme) = match &term_lexicon {
        Some(l) => (l, None),
        None => {
            let id = args.theme.as_deref().unwrap_or_default();
            let t = loaded
                .lexicon
                .theme_index(id)
                .ok_or_else(|| Error::Usage(format!("no theme `{id}` in the lexicon")))?;
            // A theme the question asked for does not code would list nothing, as if
            // no answer used its words: say so instead.
            let codes_in = |q: &str| {
                let themes = loaded.lexicon.themes_for(q);
                (0..themes.len() as u32).any(|s| themes[s as usize] && loaded.lexicon.is_within(s, t))
            };
            if let Some(q) = args.question.as_deref().filter(|q| !codes_in(q)) {
                let asked: Vec<&str> =
                    loaded.survey.open.iter().map(|o| o.id.as_str()).filter(|q| codes_in(q)).collect();
                return Err(Error::Usage(format!(
                    "theme `{id}` is not coded in question {q} (its `questions` name {})",
                    if asked.is_empty() { "no open question of the survey".to_string() } else { asked.join(", ") }
                )));
            }
            (&loaded.lexicon, Some(t))
        }
    };
    let (rows, _, _) = pipeline::code_all(&loaded.survey, &loaded.lexicon, &loaded.input, &loaded.options)?;
    let mut kwic = Kwic::new(lexicon, theme, args.window);
    let mut lines: Vec<Line> = Vec::new();
    for row in &rows {
        for (qi, (text, answer)) in row.open.iter().enumerate() {
            let q = &loaded.survey.open[qi].id;
            if args.question.as_ref().is_some_and(|x| x != q) || matches!(answer, OpenAnswer::Empty) {
                continue;
            }
            let applies = if term_lexicon.is_some() { lexicon.applies(None) } else { lexicon.applies(Some(q)) };
            kwic.answer(&row.id, q, &applies, text, &mut lines);
        }
    }
    match &args.csv {
        Some(path) => {
            let mut f = AtomicFile::create(path)?;
            {
                let mut w = csv::Writer::from_writer(f.writer());
                let io = |e: csv::Error| Error::io(path, std::io::Error::other(e));
                w.write_record(["respondent_id", "question", "left", "match", "right", "entry", "status"])
                    .map_err(io)?;
                for l in &lines {
                    w.write_record([&l.respondent, &l.question, &l.left, &l.matched, &l.right, &l.entry, l.status])
                        .map_err(io)?;
                }
                w.flush().map_err(|e| Error::io(path, e))?;
            }
            f.commit()?;
            errln!("{} lines written to {}", lines.len(), path.display());
        }
        None => {
            let width = lines.iter().map(|l| l.left.chars().count()).max().unwrap_or(0).min(60);
            for l in &lines {
                let left: String = if l.left.chars().count() > width {
                    l.left.chars().skip(l.left.chars().count() - width).collect()
                } else {
                    l.left.clone()
                };
                let status = if l.status == "counted" { String::new() } else { format!("  ({})", l.status) };
                outln!("{:<18} {:<8} {:>width$} [{}] {}{status}", l.respondent, l.question, left, l.matched, l.right)?;
            }
            errln!("{} lines", lines.len());
        }
    }
    Ok(())
}

/// How a term given on the command line matches: as every theme of the lexicon does,
/// when they agree on stemming, case and negation (an imported dictionary's themes
/// do); otherwise as a new theme would (stemmed, negated). Never with a threshold.
fn term_options(themes: &[Theme]) -> ThemeOptions {
    let key = |t: &Theme| (t.options.stem, t.options.case_sensitive, t.options.negation);
    match themes.split_first() {
        Some((first, rest)) if rest.iter().all(|t| key(t) == key(first)) => {
            ThemeOptions { threshold: 0.0, ..first.options.clone() }
        }
        _ => ThemeOptions::default(),
    }
}
