//! `codeframe explain --respondent ID`: one respondent's answers with the matched
//! words marked and the theme of each.

use clap::Args;

use super::SourceArgs;
use codeframe::error::{Error, Location, Result};
use codeframe::pipeline::{self, OpenAnswer};
use codeframe::report::evidence;
use codeframe::survey::{ClosedCell, TypeCell};

/// Flags of `codeframe explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Survey, lexicon and responses.
    #[command(flatten)]
    pub source: SourceArgs,
    /// The respondent to explain.
    #[arg(long)]
    pub respondent: String,
}

/// Runs `codeframe explain`.
pub fn execute(args: &ExplainArgs) -> Result<()> {
    let loaded = args.source.load()?;
    let (rows, _, rejects) = pipeline::code_all(&loaded.survey, &loaded.lexicon, &loaded.input, &loaded.options)?;
    let Some(row) = rows.iter().find(|r| r.id == args.respondent) else {
        let input = loaded.input.name();
        // A rejected row is in the data but not coded: saying "no respondent" sent
        // the analyst looking for a typo.
        return Err(match rejects.iter().find(|r| r.id.as_deref() == Some(args.respondent.as_str())) {
            Some(r) => {
                let at = Location::file(&input).at_line(r.line);
                Error::input(
                    match &r.column {
                        Some(c) => at.at_column(c),
                        None => at,
                    },
                    format!(
                        "the row of respondent {:?} was rejected, so it was not coded: {} (a run lists it in rejects.csv)",
                        args.respondent, r.reason
                    ),
                )
            }
            None => Error::Usage(format!("no respondent {:?} in {}", args.respondent, input.display())),
        });
    };
    outln!("respondent {} (line {})", row.id, row.line)?;
    let survey = &loaded.survey;
    if let (Some(cell), Some(types)) = (row.respondent_type, &survey.respondent_types) {
        let names = survey.type_names();
        let listed = || types.types.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ");
        outln!(
            "type: {}",
            match cell {
                TypeCell::Known(i) => names[i].clone(),
                TypeCell::Defaulted(i) => format!(
                    "{} (the default: the {:?} cell is empty or gives no type, as \"Prefer not to say\" does)",
                    names[i], types.column
                ),
                TypeCell::Unlisted(i) => format!(
                    "{} (the default: {:?}, written in the {:?} column, is not a type the survey lists ({}) nor an \
                     alias of one; add it to a type's aliases to count it there)",
                    names[i],
                    row.unlisted_type.as_deref().unwrap_or_default(),
                    types.column,
                    listed()
                ),
            }
        )?;
    }
    // Closed answers as read: the option, the options chosen, or why none counts.
    for (qi, (q, cell)) in survey.closed.iter().zip(&row.closed).enumerate() {
        let options = &q.options;
        let written = row.unrecognised.iter().find(|(k, _)| *k == qi).map_or("", |(_, w)| w.as_str());
        let none_of =
            format!("none of the options ({}) nor an alias of one: counted as unrecognised", options.join(", "));
        let read = match *cell {
            ClosedCell::Option(i) => options[i].clone(),
            ClosedCell::Nil => "(no answer)".to_string(),
            ClosedCell::Unrecognised => format!("{written:?} is {none_of}"),
            ClosedCell::Chosen { options: bits, unrecognised } => {
                let chosen: Vec<&str> = options
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i < 64 && bits >> i & 1 == 1)
                    .map(|(_, o)| o.as_str())
                    .collect();
                let also = if unrecognised {
                    format!(" ({written:?} also holds a value that is {none_of})")
                } else {
                    String::new()
                };
                format!("{}{also}", chosen.join("; "))
            }
        };
        outln!("{}: {read}", q.id)?;
    }
    for (q, (text, answer)) in row.open.iter().enumerate() {
        let question = &loaded.survey.open[q].id;
        match answer {
            OpenAnswer::Empty => continue,
            OpenAnswer::NonAnswer => outln!("\n{question}: {text:?} (non-answer, not counted as answered)")?,
            OpenAnswer::Coded(coding) => {
                let (marked, legend) = evidence::marked(&loaded.lexicon, text, coding);
                let themes: Vec<&str> =
                    coding.codes.iter().map(|c| loaded.lexicon.themes[c.theme as usize].id.as_str()).collect();
                outln!(
                    "\n{question}: {}",
                    if themes.is_empty() { "(no theme)".to_string() } else { themes.join(", ") }
                )?;
                outln!("{marked}")?;
                for l in legend {
                    outln!("{l}")?;
                }
                for t in 0..loaded.lexicon.themes.len() as u32 {
                    for v in evidence::vetoes(&loaded.lexicon, text, coding, t) {
                        outln!("  not counted for {}: {v}", loaded.lexicon.themes[t as usize].id)?;
                    }
                }
            }
        }
    }
    Ok(())
}
