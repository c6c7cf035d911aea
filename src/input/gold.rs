//! Reading human codes ("gold"): CSV with `respondent_id`, `question`, `theme`.

use super::InputSource;
use crate::error::{Error, Location, Result};
use crate::validate::GoldCode;

/// Reads a gold file: one [`GoldCode`] per row, in file order, with its line.
///
/// Whether a row names a respondent, question and answer of the data is for
/// [`crate::validate::screen`] to judge; here only the file's shape is checked. A file
/// with no bytes (or only a byte-order mark and white space) is an error, not a gold
/// file with no codes.
pub fn read(source: &InputSource) -> Result<Vec<GoldCode>> {
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
    if bytes.strip_prefix("\u{FEFF}".as_bytes()).unwrap_or(&bytes).iter().all(u8::is_ascii_whitespace) {
        return Err(Error::input(
            Location::file(&name),
            "the gold file is empty (it needs a header, respondent_id,question,theme, and one row per code)",
        ));
    }
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
    let mut out = Vec::new();
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
        out.push(GoldCode {
            line,
            unit: (get(r, "respondent_id")?.to_string(), get(q, "question")?.to_string()),
            theme: get(t, "theme")?.to_string(),
        });
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
        let codes = read(&ok).unwrap();
        assert_eq!(codes.iter().map(|g| g.line).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(codes[0].unit, ("r1".to_string(), "q1".to_string()));
        let bad = InputSource::Bytes { name: "g.csv".into(), bytes: b"respondent_id,question,theme\nr1,,a\n" };
        assert_eq!(read(&bad).unwrap_err().to_string(), "g.csv:2 (column \"question\"): empty or missing cell");
        let no_col = InputSource::Bytes { name: "g.csv".into(), bytes: b"id,question,theme\n" };
        assert!(read(&no_col).unwrap_err().to_string().contains("no column \"respondent_id\""));
        let header_only = InputSource::Bytes { name: "g.csv".into(), bytes: b"respondent_id,question,theme\n" };
        assert!(read(&header_only).unwrap().is_empty());
    }

    /// A 0-byte gold file said `no column "respondent_id" in the header`.
    #[test]
    fn an_empty_file_is_called_empty() {
        for bytes in [&b""[..], b"\n", "\u{FEFF}".as_bytes(), b" \r\n"] {
            let empty = InputSource::Bytes { name: "g.csv".into(), bytes };
            let err = read(&empty).unwrap_err().to_string();
            assert!(err.starts_with("g.csv: the gold file is empty"), "{err}");
        }
    }
}
