//! Text encodings of CSV and JSON Lines inputs: which encoding a file is in, and a
//! reader that transcodes it to UTF-8 as it streams, so memory stays flat.
//!
//! The encoding is, in order: the one a byte-order mark names; the one given
//! (`--encoding`, any WHATWG label); UTF-16 LE or BE when the first bytes have the NUL
//! pattern of mostly-ASCII UTF-16; UTF-8 when the bytes are valid UTF-8; otherwise
//! Windows-1252, as Excel exports "CSV". UTF-8 input is passed through untouched, so
//! a cell that is not valid UTF-8 rejects its row instead of being silently changed.
//!
//! This module does not know CSV or JSON: it hands bytes on, and hashes the original
//! bytes (before transcoding) for the manifest.

use std::io::Read;
use std::sync::{Arc, Mutex};

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use sha2::{Digest, Sha256};

use super::InputSource;
use crate::error::{Error, Location, Result};

/// How many bytes at the start of an input are read to sniff it.
pub const SNIFF_BYTES: usize = 64 << 10;

/// After the first non-ASCII byte, how far a file is scanned for more evidence of
/// UTF-8 versus Windows-1252 before deciding (further, to the end if need be, while
/// all it has found are invalid sequences: see [`Utf8Evidence::is_enough`]).
const EVIDENCE_WINDOW: u64 = 1 << 20;

/// The SHA-256 of the original bytes of an input, shared with the reader that feeds it.
#[derive(Clone, Default)]
pub struct InputDigest(Arc<Mutex<Sha256>>);

impl InputDigest {
    /// Lowercase hex of the digest of the bytes read so far.
    pub fn hex(&self) -> String {
        let sha = self.0.lock().expect("digest lock is never poisoned").clone();
        super::csv::hex(&sha.finalize())
    }

    fn update(&self, bytes: &[u8]) {
        self.0.lock().expect("digest lock is never poisoned").update(bytes);
    }
}

impl std::fmt::Debug for InputDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InputDigest")
    }
}

/// A reader that hashes the bytes passing through it.
struct Hashing<R> {
    inner: R,
    digest: InputDigest,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.digest.update(&buf[..n]);
        Ok(n)
    }
}

/// An input opened as text: UTF-8 bytes to read, and what was learnt opening it.
pub struct TextInput {
    /// The content as UTF-8 (passed through unchecked when the input is UTF-8; a
    /// UTF-8 byte-order mark is left in place, transcoded inputs have none).
    pub reader: Box<dyn Read + Send>,
    /// The encoding the input is read in.
    pub encoding: &'static Encoding,
    /// The first bytes of the content, decoded (lossily) without a byte-order mark:
    /// for sniffing the format and the delimiter.
    pub head: String,
    /// SHA-256 of the original bytes, complete once `reader` is exhausted.
    pub digest: InputDigest,
}

/// The first bytes of an input: for sniffing its format.
pub fn peek(source: &InputSource) -> Result<Vec<u8>> {
    let name = source.name();
    match source {
        // A pipe cannot be read twice either.
        InputSource::File(_) if source.is_stream() => Ok(Vec::new()),
        InputSource::File(p) => {
            let file = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
            read_prefix(file, SNIFF_BYTES).map_err(|e| Error::io(&name, e))
        }
        InputSource::Bytes { bytes, .. } => Ok(bytes[..bytes.len().min(SNIFF_BYTES)].to_vec()),
        // Standard input cannot be read twice: it is only ever read as text.
        InputSource::Stdin => Ok(Vec::new()),
    }
}

/// Whether an input holds nothing but white space after any byte-order mark. Standard
/// input, which cannot be read twice, is never called blank here.
pub fn is_blank(source: &InputSource) -> Result<bool> {
    if source.is_stream() {
        return Ok(false);
    }
    let head = peek(source)?;
    if head.len() >= SNIFF_BYTES {
        return Ok(false);
    }
    let (encoding, bom_len) = Encoding::for_bom(&head).unwrap_or((UTF_8, 0));
    let (text, _) = encoding.decode_without_bom_handling(&head[bom_len..]);
    Ok(text.trim().is_empty())
}

fn read_prefix(mut r: impl Read, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(limit.min(SNIFF_BYTES));
    r.by_ref().take(limit as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Opens `source` as text in the encoding given by `label` (a WHATWG label such as
/// `utf-8`, `utf-16`, `latin1`, `windows-1252`), or sniffed when `None`.
pub fn open_text(source: &InputSource, label: Option<&str>) -> Result<TextInput> {
    let name = source.name();
    let explicit = label.map(|l| resolve_label(l).map_err(|m| Error::input(Location::file(&name), m))).transpose()?;
    let io = |e: std::io::Error| Error::io(&name, e);
    let digest = InputDigest::default();
    let (prefix, rest): (Vec<u8>, Box<dyn Read + Send>) = match source {
        InputSource::File(p) => {
            let mut file = std::fs::File::open(p).map_err(|e| Error::io(p, e))?;
            let prefix = read_prefix(&mut file, SNIFF_BYTES).map_err(io)?;
            if source.is_stream() && super::spreadsheet::is_workbook(&prefix) {
                return Err(Error::input(
                    Location::file(&name),
                    "this input is a workbook (XLSX, XLS or ODS) read from a pipe, which cannot be: pass the file itself",
                ));
            }
            (prefix, Box::new(file))
        }
        InputSource::Stdin => {
            let mut stdin = std::io::stdin();
            let prefix = read_prefix(&mut stdin, SNIFF_BYTES).map_err(io)?;
            // A workbook is a random-access archive: it cannot be read from a pipe.
            if super::spreadsheet::is_workbook(&prefix) {
                return Err(Error::input(
                    Location::file(&name),
                    "standard input is a workbook (XLSX, XLS or ODS), which cannot be read from a pipe: pass the file by name with --input FILE",
                ));
            }
            (prefix, Box::new(stdin))
        }
        InputSource::Bytes { bytes, .. } => {
            let n = bytes.len().min(SNIFF_BYTES);
            (bytes[..n].to_vec(), Box::new(&bytes[n..]))
        }
    };
    let complete = prefix.len() < SNIFF_BYTES;
    let encoding = match (Encoding::for_bom(&prefix), explicit) {
        (Some((bom, _)), _) => bom,
        (None, Some(given)) => given,
        (None, None) => match utf16_without_bom(&prefix) {
            Some(e) => e,
            None => {
                let mut evidence = Utf8Evidence::default();
                evidence.feed(&prefix);
                if !complete && !evidence.is_enough() {
                    scan_rest(source, &mut evidence).map_err(io)?;
                }
                evidence.finish();
                evidence.verdict()
            }
        },
    };
    let head = {
        let bom_len = Encoding::for_bom(&prefix).map_or(0, |(_, n)| n);
        let (text, _) = encoding.decode_without_bom_handling(&prefix[bom_len..]);
        text.into_owned()
    };
    let raw = Hashing { inner: std::io::Cursor::new(prefix).chain(rest), digest: digest.clone() };
    let reader: Box<dyn Read + Send> = if encoding == UTF_8 {
        Box::new(raw)
    } else {
        Box::new(encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(Some(encoding)).strip_bom(true).build(raw))
    };
    Ok(TextInput { reader, encoding, head, digest })
}

/// The encoding a WHATWG label names; `Err` says the label is unknown.
pub fn resolve_label(label: &str) -> std::result::Result<&'static Encoding, String> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        format!("unknown encoding {label:?} (try utf-8, utf-16le, utf-16be, windows-1252, iso-8859-15, shift_jis)")
    })
}

/// Reads on past the sniffed prefix of a file (with a second handle) until the
/// evidence is enough. Other sources decide on the prefix alone.
fn scan_rest(source: &InputSource, evidence: &mut Utf8Evidence) -> std::io::Result<()> {
    let mut rest: Box<dyn Read> = match source {
        InputSource::File(_) if source.is_stream() => return Ok(()),
        InputSource::File(p) => {
            let mut f = std::fs::File::open(p)?;
            std::io::copy(&mut f.by_ref().take(SNIFF_BYTES as u64), &mut std::io::sink())?;
            Box::new(f)
        }
        InputSource::Bytes { bytes, .. } => Box::new(&bytes[bytes.len().min(SNIFF_BYTES)..]),
        InputSource::Stdin => return Ok(()),
    };
    let mut buf = vec![0; SNIFF_BYTES];
    while !evidence.is_enough() {
        let n = rest.read(&mut buf)?;
        if n == 0 {
            break;
        }
        evidence.feed(&buf[..n]);
    }
    Ok(())
}

/// UTF-16 without a byte-order mark, recognised by its NULs: mostly-ASCII UTF-16 LE
/// has a NUL in every odd byte, BE in every even byte; other text has almost none.
pub fn utf16_without_bom(prefix: &[u8]) -> Option<&'static Encoding> {
    let pairs: Vec<&[u8]> = prefix[..prefix.len().min(4096)].chunks_exact(2).collect();
    if pairs.len() < 2 {
        return None;
    }
    let le = pairs.iter().filter(|p| p[0] != 0 && p[1] == 0).count();
    let be = pairs.iter().filter(|p| p[0] == 0 && p[1] != 0).count();
    let n = pairs.len();
    if le * 2 >= n && be * 10 <= n {
        Some(UTF_16LE)
    } else if be * 2 >= n && le * 10 <= n {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Counts, over a stream of bytes, the valid multi-byte UTF-8 characters and the
/// invalid sequences, to tell UTF-8 from Windows-1252.
///
/// Text in Windows-1252 almost never happens to form valid multi-byte UTF-8, so a
/// file with invalid sequences and no valid ones is Windows-1252; one that has more
/// valid than invalid is UTF-8 with some broken cells (they reject their rows).
#[derive(Debug, Default)]
pub struct Utf8Evidence {
    multibyte: u64,
    invalid: u64,
    carry: Vec<u8>,
    scanned: u64,
    first_non_ascii: Option<u64>,
}

impl Utf8Evidence {
    /// Takes in the next bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        let joined;
        let data = if self.carry.is_empty() {
            bytes
        } else {
            joined = [std::mem::take(&mut self.carry).as_slice(), bytes].concat();
            joined.as_slice()
        };
        if self.first_non_ascii.is_none()
            && let Some(i) = data.iter().position(|b| !b.is_ascii())
        {
            self.first_non_ascii = Some(self.scanned + i as u64);
        }
        self.scanned += bytes.len() as u64;
        let mut rest = data;
        loop {
            match std::str::from_utf8(rest) {
                Ok(valid) => {
                    self.multibyte += count_leads(valid.as_bytes());
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    self.multibyte += count_leads(valid);
                    match e.error_len() {
                        Some(n) => {
                            self.invalid += 1;
                            rest = &after[n..];
                        }
                        None => {
                            self.carry = after.to_vec();
                            break;
                        }
                    }
                }
            }
        }
    }

    /// Ends the input: a sequence cut off at the end counts as invalid.
    pub fn finish(&mut self) {
        if !std::mem::take(&mut self.carry).is_empty() {
            self.invalid += 1;
        }
    }

    /// Whether enough was seen to decide: 64 non-ASCII characters, or a window past
    /// the first one that holds a valid multi-byte character or no invalid sequence.
    /// Invalid sequences alone are weak evidence (one stray Windows-1252 byte in a
    /// UTF-8 export would make every later character mojibake), so the scan goes on
    /// while they are all it has found.
    pub fn is_enough(&self) -> bool {
        let window_seen =
            self.first_non_ascii.is_some_and(|first| self.scanned.saturating_sub(first) >= EVIDENCE_WINDOW);
        self.multibyte + self.invalid >= 64 || (window_seen && (self.multibyte > 0 || self.invalid == 0))
    }

    /// UTF-8 unless the invalid sequences outnumber the valid multi-byte characters.
    pub fn verdict(&self) -> &'static Encoding {
        if self.invalid == 0 || self.multibyte >= self.invalid { UTF_8 } else { WINDOWS_1252 }
    }
}

/// Whether `cell`, decoded from Windows-1252, was UTF-8: its Windows-1252 bytes are
/// valid UTF-8 holding a multi-byte character (`coÃ»t` is the bytes of `coût`). In
/// Windows-1252 text such pairs (`Ã` then `»`) hardly occur; in a file mostly in
/// Windows-1252, they are a row pasted or appended in UTF-8.
pub fn is_utf8_read_as_1252(cell: &str) -> bool {
    if cell.is_ascii() {
        return false;
    }
    let (bytes, _, unmappable) = WINDOWS_1252.encode(cell);
    !unmappable && std::str::from_utf8(&bytes).is_ok()
}

/// Lead bytes of multi-byte characters in valid UTF-8.
fn count_leads(valid: &[u8]) -> u64 {
    valid.iter().filter(|&&b| b >= 0xC0).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(bytes: &'static [u8]) -> &'static str {
        let src = InputSource::Bytes { name: "t.csv".into(), bytes };
        open_text(&src, None).unwrap().encoding.name()
    }

    fn decoded(bytes: &'static [u8], label: Option<&str>) -> (String, String) {
        let src = InputSource::Bytes { name: "t.csv".into(), bytes };
        let mut t = open_text(&src, label).unwrap();
        let mut out = Vec::new();
        t.reader.read_to_end(&mut out).unwrap();
        (String::from_utf8_lossy(&out).into_owned(), t.digest.hex())
    }

    #[test]
    fn sniffs_boms_nul_patterns_and_windows_1252() {
        for (bytes, want) in [
            (&b"id,text\n1,plain\n"[..], "UTF-8"),
            (b"\xEF\xBB\xBFid,text\n1,caf\xC3\xA9\n", "UTF-8"),
            (b"id,text\n1,caf\xC3\xA9\n", "UTF-8"),
            (b"\xFF\xFEi\0d\0,\0t\0\n\0", "UTF-16LE"),
            (b"\xFE\xFF\0i\0d\0,\0t\0\n", "UTF-16BE"),
            (b"i\0d\0,\0t\0\n\x001\0,\0x\0", "UTF-16LE"),
            (b"\0i\0d\0,\0t\0\n\x001\0,\0x", "UTF-16BE"),
            (b"id,text\n1,caf\xE9 \x93quoted\x94 \xA35\n", "windows-1252"),
            // Mostly valid UTF-8 with one broken cell: UTF-8, the cell rejects its row.
            (b"id,text\n1,caf\xC3\xA9\n2,na\xC3\xAFve\n3,caf\xE9\n", "UTF-8"),
        ] {
            assert_eq!(sniff(bytes), want, "{:?}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn transcodes_and_hashes_the_original_bytes() {
        let bytes = b"id,text\n1,\x93caf\xE9\x94 \xA35\n";
        let (text, sha) = decoded(bytes, None);
        assert_eq!(text, "id,text\n1,\u{201C}caf\u{e9}\u{201D} \u{a3}5\n");
        assert_eq!(sha, super::super::csv::sha256_hex(bytes));
        let (text, _) = decoded(b"\xFF\xFEi\0d\0\n\0", None);
        assert_eq!(text, "id\n");
    }

    #[test]
    fn explicit_utf8_passes_invalid_bytes_through() {
        let (text, _) = decoded(b"id\ncaf\xE9\n", Some("utf-8"));
        assert_eq!(text, "id\ncaf\u{FFFD}\n"); // lossy here only because the test prints it
        let src = InputSource::Bytes { name: "t.csv".into(), bytes: b"id\ncaf\xE9\n" };
        let mut t = open_text(&src, Some("UTF8")).unwrap();
        let mut out = Vec::new();
        t.reader.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"id\ncaf\xE9\n");
    }

    #[test]
    fn unknown_label_is_an_error() {
        let src = InputSource::Bytes { name: "t.csv".into(), bytes: b"id\n" };
        let err = open_text(&src, Some("klingon")).err().unwrap().to_string();
        assert!(err.starts_with("t.csv: unknown encoding \"klingon\""), "{err}");
    }

    /// One stray Windows-1252 byte near the start of a UTF-8 file, and its first UTF-8
    /// character more than the evidence window later: still UTF-8 (it was read as
    /// Windows-1252, making mojibake of every later curly quote); a file with only
    /// stray bytes is Windows-1252, however far apart they are.
    #[test]
    fn a_stray_byte_does_not_decide_alone() {
        let padding = b"2,plain answer text padding padding\n".repeat(40_000);
        let file = |late: &[u8]| -> &'static [u8] {
            let bytes = [&b"id,text\n1,caf\xE9\n"[..], &padding, b"3,I don", late, b"t think\n"].concat();
            Box::leak(bytes.into_boxed_slice())
        };
        assert_eq!(sniff(file("\u{2019}".as_bytes())), "UTF-8");
        assert_eq!(sniff(file(b"\x92")), "windows-1252");
    }

    #[test]
    fn evidence_spans_feeds_and_late_non_ascii() {
        let mut e = Utf8Evidence::default();
        e.feed(b"abc\xC3");
        e.feed(b"\xA9def");
        e.finish();
        assert_eq!(e.verdict(), UTF_8);
        let mut e = Utf8Evidence::default();
        e.feed(b"abc\xC3");
        e.finish();
        assert_eq!(e.verdict(), WINDOWS_1252);
    }
}
