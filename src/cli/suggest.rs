//! `codeframe suggest`: words and phrases to grow the lexicon with, ranked by keyness.

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::Args;

use super::SourceArgs;
use codeframe::demo;
use codeframe::error::{Error, Result};
use codeframe::input::InputSource;
use codeframe::pipeline::{self, OpenAnswer};
use codeframe::suggest::{Counter, Suggestion};

/// Flags of `codeframe suggest`.
#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// Suggest for this theme: what its human-coded answers say that the lexicon misses.
    #[arg(long)]
    pub theme: Option<String>,
    /// Human codes (respondent_id, question, theme); default with the demo: its gold.csv.
    #[arg(long)]
    pub gold: Option<PathBuf>,
    /// Without a theme: distinctive phrases in answers no theme matched, to seed new themes.
    #[arg(long)]
    pub uncoded: bool,
    /// How many suggestions.
    #[arg(long, default_value_t = 25)]
    pub top: usize,
    /// A suggestion must occur in at least this many answers of the target set.
    #[arg(long, default_value_t = 2)]
    pub min_answers: u64,
    /// Survey, lexicon and responses.
    #[command(flatten)]
    pub source: SourceArgs,
}

fn print(suggestions: &[Suggestion], what: &str, paste: &str) -> Result<()> {
    outln!("{:<32} {:>8} {:>8} {:>8} {:>10}", what, "G2", "target", "answers", "reference")?;
    for s in suggestions {
        outln!("{:<32} {:>8.2} {:>8} {:>8} {:>10}", s.term, s.g2, s.target, s.target_answers, s.reference)?;
    }
    outln!("\n# ready to paste into the lexicon (review each one first):\n{paste}")?;
    Ok(())
}

fn toml_list(suggestions: &[Suggestion]) -> String {
    let items: Vec<String> = suggestions
        .iter()
        .map(|s| format!("  {:?},  # G2 {:.1}, {} answers", s.term, s.g2, s.target_answers))
        .collect();
    format!("terms = [\n{}\n]", items.join("\n"))
}

/// Runs `codeframe suggest`.
pub fn execute(args: &SuggestArgs) -> Result<()> {
    let loaded = args.source.load()?;
    let (rows, _, _) = pipeline::code_all(&loaded.survey, &loaded.lexicon, &loaded.input, &loaded.options)?;
    match (&args.theme, args.uncoded) {
        (Some(id), false) => {
            let theme = loaded
                .lexicon
                .theme_index(id)
                .ok_or_else(|| Error::Usage(format!("no theme `{id}` in the lexicon")))?;
            let gold_source = match &args.gold {
                Some(p) => InputSource::File(p.clone()),
                None if loaded.demo => demo::gold(),
                None => {
                    return Err(Error::Usage("--theme needs --gold (human codes) unless on the bundled demo".into()));
                }
            };
            let mut gold = codeframe::input::gold::read(&gold_source)?;
            let respondents = rows.iter().map(|r| r.id.clone()).collect();
            codeframe::validate::spell_ids_as(&mut gold, &respondents);
            // `Cost` for the lexicon's `cost` would find no human code of the theme.
            pipeline::check_gold_themes(&gold_source.name(), &mut gold, &loaded.lexicon)?;
            // A human code of a subtheme codes its parent too, as the pipeline rolls
            // codes up (and validate compares them).
            let codes_theme = |g: &&codeframe::validate::GoldCode| {
                loaded.lexicon.theme_index(&g.theme).is_some_and(|t| loaded.lexicon.is_within(t, theme))
            };
            if !gold.iter().any(|g| codes_theme(&g)) {
                return Err(Error::Usage(format!(
                    "{}: no row codes the theme `{id}` or a subtheme of it: there are no human codes of it to compare \
                     with",
                    gold_source.name().display()
                )));
            }
            let positives: BTreeSet<(String, String)> =
                gold.iter().filter(codes_theme).map(|g| g.unit.clone()).collect();
            let mut counter = Counter::new(&loaded.lexicon, Some(theme));
            let (mut missed, mut reference) = (0, 0);
            for row in &rows {
                for (qi, (text, answer)) in row.open.iter().enumerate() {
                    let q = &loaded.survey.open[qi].id;
                    let OpenAnswer::Coded(coding) = answer else { continue };
                    if !loaded.lexicon.themes_for(q)[theme as usize] {
                        continue;
                    }
                    if positives.contains(&(row.id.clone(), q.clone())) {
                        if !coding.has(theme) {
                            counter.add(text, true);
                            missed += 1;
                        }
                    } else {
                        counter.add(text, false);
                        reference += 1;
                    }
                }
            }
            errln!(
                "{missed} answers coded `{id}` by people but missed by the lexicon, against {reference} not coded `{id}`"
            );
            if missed == 0 {
                outln!("The lexicon finds every answer people coded `{id}`: nothing to suggest.")?;
                return Ok(());
            }
            let s = counter.suggestions(args.min_answers, args.top);
            print(&s, &format!("missed for {id}"), &toml_list(&s))
        }
        (None, true) => {
            let mut counter = Counter::new(&loaded.lexicon, None);
            let (mut uncoded, mut coded) = (0, 0);
            // Questions no theme applies to (explanations of a closed answer, say) are left out.
            let themed: Vec<bool> =
                loaded.survey.open.iter().map(|q| loaded.lexicon.themes_for(&q.id).contains(&true)).collect();
            for row in &rows {
                for (qi, (text, answer)) in row.open.iter().enumerate() {
                    let OpenAnswer::Coded(coding) = answer else { continue };
                    if !themed[qi] {
                        continue;
                    }
                    let target = coding.codes.is_empty();
                    counter.add(text, target);
                    if target { uncoded += 1 } else { coded += 1 }
                }
            }
            errln!("{uncoded} answers no theme matched, against {coded} coded answers");
            let s = counter.suggestions(args.min_answers, args.top);
            let paste = format!("[[theme]]\nid = \"new_theme\"\nlabel = \"New theme\"\n{}", toml_list(&s));
            print(&s, "distinctive in uncoded answers", &paste)
        }
        _ => Err(Error::Usage("give --theme ID (with --gold) or --uncoded".into())),
    }
}
