//! Reading human codes ("gold"): CSV with `respondent_id`, `question`, `theme`.

use std::collections::BTreeSet;

use super::InputSource;
use crate::error::{Error, Location, Result};
use crate::validate::Unit;

/// Reads a gold file into a set of (unit, theme).
pub fn read(source: &InputSource) -> Result<BTreeSet<(Unit, String)>> {
    let name = source.name();
    let bytes: Vec<u8> = match source {
        InputSource::File(p) => std::fs::read(p).map_err(|e| Error::io(p, e))?,
        InputSource::Bytes { bytes, .. } => bytes.to_vec(),
        InputSource::Stdin => {
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut v).map_err(|e| Error::io(&name, e))?;
            v
        }
    };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::input(Location::file(&name), e.to_string()))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{FEFF}').to_string())
        .collect();
    let col = |n: &str| {
        header.iter().position(|h| h == n).ok_or_else(|| {
            Error::input(
                Location::file(&name).at_line(1),
                format!("no column {n:?} in the header (a gold file has respondent_id, question, theme)"),
            )
        })
    };
    let (r, q, t) = (col("respondent_id")?, col("question")?, col("theme")?);
    let mut out = BTreeSet::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(i as u64 + 2, |p| p.line());
            Error::input(Location::file(&name).at_line(line), e.to_string())
        })?;
        let line = rec.position().map_or(i as u64 + 2, |p| p.line());
        let get = |c: usize, n: &str| {
            rec.get(c)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| Error::input(Location::file(&name).at_line(line).at_column(n), "empty or missing cell"))
        };
        out.insert((
            (get(r, "respondent_id")?.to_string(), get(q, "question")?.to_string()),
            get(t, "theme")?.to_string(),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_gold_and_names_bad_cells() {
        let ok =
            InputSource::Bytes { name: "g.csv".into(), bytes: b"respondent_id,question,theme\nr1,q1,a\nr1,q1,a\n" };
        assert_eq!(read(&ok).unwrap().len(), 1);
        let bad = InputSource::Bytes { name: "g.csv".into(), bytes: b"respondent_id,question,theme\nr1,,a\n" };
        assert_eq!(read(&bad).unwrap_err().to_string(), "g.csv:2 (column \"question\"): empty or missing cell");
        let no_col = InputSource::Bytes { name: "g.csv".into(), bytes: b"id,question,theme\n" };
        assert!(read(&no_col).unwrap_err().to_string().contains("no column \"respondent_id\""));
    }
}
