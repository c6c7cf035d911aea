//! `manifest.json`: what a run read, how, and what it wrote, for reproducibility.
//!
//! Holds no timestamps, no thread count and no absolute temporary paths, so two runs
//! over the same inputs write the same manifest byte for byte.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{AtomicFile, Summary};
use crate::error::{Error, Result};
use crate::input::csv::hex;
use crate::pipeline::{ManifestInput, RunOptions};

#[derive(Serialize)]
struct Manifest<'a> {
    codeframe_version: &'a str,
    inputs: Vec<InputJson>,
    options: OptionsJson,
    rows: RowsJson,
    outputs: Vec<OutputJson>,
}

#[derive(Serialize)]
struct InputJson {
    role: String,
    path: String,
    sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    header_rows: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    export: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<String>,
}

#[derive(Serialize)]
struct OptionsJson {
    measure: String,
    strict: bool,
    rounding: RoundingJson,
    delimiter: String,
    encoding: String,
    sheet: Option<String>,
    header_rows: String,
    max_cell_bytes: usize,
    reject_duplicate_ids: bool,
    decode_html: bool,
    workbook_codes: u32,
    dictionary_terms: &'static str,
    dictionary_duplicates: &'static str,
    dictionary_language: &'static str,
}

/// How percentages are rounded (`--one-decimal`, `--largest-remainder`).
#[derive(Serialize)]
struct RoundingJson {
    decimals: u8,
    largest_remainder: bool,
}

#[derive(Serialize)]
struct RowsJson {
    read: u64,
    coded: u64,
    rejected: u64,
    /// Answers read as the text their HTML shows: left out when none were.
    #[serde(skip_serializing_if = "is_zero")]
    html_answers: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct OutputJson {
    file: String,
    sha256: String,
}

/// The SHA-256 of a file in hex, read in blocks: codes.csv can be larger than memory
/// should be (reading it whole made peak RSS the size of codes.csv).
pub(crate) fn sha256_file(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Writes `manifest.json` into `dir`, hashing each file in `outputs` unless `known`
/// has its digest (hashed as it was written).
pub fn write(
    dir: &Path,
    inputs: &[ManifestInput],
    options: &RunOptions,
    summary: &Summary,
    outputs: &[PathBuf],
    known: &std::collections::BTreeMap<PathBuf, String>,
) -> Result<()> {
    let mut out = Vec::new();
    for p in outputs {
        let sha256 = match known.get(p) {
            Some(d) => d.clone(),
            None => sha256_file(p).map_err(|e| Error::io(p, e))?,
        };
        let file = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        out.push(OutputJson { file, sha256 });
    }
    let m = Manifest {
        codeframe_version: env!("CARGO_PKG_VERSION"),
        inputs: inputs
            .iter()
            .map(|i| InputJson {
                role: i.role.clone(),
                path: i.path.display().to_string(),
                sha256: i.sha256.clone(),
                header_rows: i.header_rows,
                export: i.export.clone(),
                encoding: i.encoding.clone(),
            })
            .collect(),
        options: OptionsJson {
            measure: format!("{:?}", options.measure).to_lowercase(),
            strict: options.strict,
            rounding: RoundingJson {
                decimals: options.rounding.decimals,
                largest_remainder: options.rounding.largest_remainder,
            },
            delimiter: options.read.delimiter.map(|d| (d as char).to_string()).unwrap_or_else(|| "auto".into()),
            encoding: options.read.encoding.clone().unwrap_or_else(|| "auto".into()),
            sheet: options.read.sheet.clone(),
            header_rows: options.read.header_rows.map_or_else(|| "auto".into(), |n| n.to_string()),
            max_cell_bytes: options.read.max_cell_bytes,
            reject_duplicate_ids: options.read.reject_duplicate_ids,
            decode_html: options.read.decode_html,
            workbook_codes: options.workbook_codes,
            dictionary_terms: options.dictionary.terms.name(),
            dictionary_duplicates: options.dictionary.duplicates.name(),
            dictionary_language: options.dictionary.language.name(),
        },
        rows: RowsJson {
            read: summary.rows.read,
            coded: summary.rows.coded,
            rejected: summary.rows.rejected,
            html_answers: summary.rows.html_answers,
        },
        outputs: out,
    };
    let path = dir.join("manifest.json");
    let mut f = AtomicFile::create(&path)?;
    serde_json::to_writer_pretty(f.writer(), &m).map_err(|e| Error::io(&path, e.into()))?;
    use std::io::Write;
    f.writer().write_all(b"\n").map_err(|e| Error::io(&path, e))?;
    f.commit()
}
