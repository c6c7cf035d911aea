//! `codes.csv` and `rejects.csv`: the per-row outputs, written chunk by chunk.
//!
//! codes.csv has one row per respondent, question and theme, with the evidence:
//! the entry that fired first, the text it matched and its byte span in the answer,
//! the number of hits, and every span.

use std::io::{self, Write};

use crate::coding::Coding;
use crate::input::Reject;
use crate::lexicon::CompiledLexicon;

/// Header of codes.csv.
pub const CODES_HEADER: [&str; 10] =
    ["respondent_id", "question", "theme", "hits", "entry", "line", "matched", "start", "end", "spans"];

/// Header of counts.csv.
pub const COUNTS_HEADER: [&str; 7] = ["id", "question", "category", "count", "matches", "words", "per_100_words"];

/// Header of rejects.csv.
pub const REJECTS_HEADER: [&str; 5] = ["line", "row", "respondent_id", "column", "reason"];

/// A CSV writer over a byte buffer, for a chunk's rows.
pub fn buffer_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new())
}

/// Writes the header of a per-row CSV to `out`.
pub fn write_header(out: &mut dyn Write, header: &[&str]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header).map_err(io::Error::other)?;
    w.flush()
}

/// The parts of codes.csv lines that depend only on the lexicon, escaped once per
/// run: per theme `id,`, per entry `text,line,`. With 20,000 entries, checking each
/// entry's text for characters to quote on every code was a tenth of a run.
#[derive(Clone, Debug)]
pub struct CodesFormat {
    themes: Fields,
    entries: Fields,
}

impl CodesFormat {
    /// The fields of `lexicon`'s themes and entries, ready to copy.
    pub fn new(lexicon: &CompiledLexicon) -> CodesFormat {
        // A field escaped, then its comma.
        let field = |text: &str| {
            let mut b = Vec::new();
            push_field(&mut b, text.as_bytes());
            b.push(b',');
            b
        };
        let themes = Fields::new(lexicon.themes.iter().map(|t| field(&t.id)));
        let entries = Fields::new(lexicon.entries.iter().map(|e| {
            let mut b = field(&e.text);
            if let Some(l) = e.line {
                b.extend_from_slice(itoa::Buffer::new().format(l).as_bytes());
            }
            b.push(b',');
            b
        }));
        CodesFormat { themes, entries }
    }
}

/// Byte strings to append, each in a slot of [`BLOCK`] bytes: up to `BLOCK - 1` bytes,
/// then their length, so that appending one reads one slot (with 20,000 entries, the
/// wait for an entry's bytes was most of the cost of a codes.csv line) and makes one
/// copy of a fixed size (see [`put`]). A longer string is in `long`; its slot holds
/// [`LONG`] as its length and the index in `long` as its first four bytes.
#[derive(Clone, Debug)]
struct Fields {
    slots: Vec<Slot>,
    long: Vec<Box<[u8]>>,
}

#[derive(Clone, Copy, Debug)]
#[repr(align(32))]
struct Slot([u8; BLOCK]);

/// The length byte of a slot whose string is in [`Fields::long`].
const LONG: u8 = u8::MAX;

impl Fields {
    fn new(strings: impl Iterator<Item = Vec<u8>>) -> Fields {
        let mut fields = Fields { slots: Vec::new(), long: Vec::new() };
        for s in strings {
            let mut slot = [0u8; BLOCK];
            if s.len() < BLOCK {
                slot[..s.len()].copy_from_slice(&s);
                slot[BLOCK - 1] = s.len() as u8;
            } else {
                slot[..4].copy_from_slice(&(fields.long.len() as u32).to_le_bytes());
                slot[BLOCK - 1] = LONG;
                fields.long.push(s.into_boxed_slice());
            }
            fields.slots.push(Slot(slot));
        }
        fields
    }

    /// Asks the CPU to start loading string `i`'s slot.
    #[inline(always)]
    fn prefetch(&self, i: usize) {
        #[cfg(target_arch = "x86_64")]
        if let Some(slot) = self.slots.get(i) {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            // SAFETY: a prefetch is only a hint; the address is a valid slot.
            unsafe { _mm_prefetch::<_MM_HINT_T0>((slot as *const Slot).cast()) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = i;
    }

    /// Appends string `i`.
    #[inline(always)]
    fn put(&self, out: &mut Vec<u8>, i: usize) {
        let slot = &self.slots[i].0;
        match slot[BLOCK - 1] {
            LONG => {
                let long = u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]);
                out.extend_from_slice(&self.long[long as usize]);
            }
            len => put(out, slot, usize::from(len)),
        }
    }
}

/// The size of the fixed copies [`put`] makes.
const BLOCK: usize = 32;

/// Appends `from[..len]` to `out`. When `from` has [`BLOCK`] bytes and `len` is at
/// most that, it appends all `BLOCK` and takes back the surplus: a copy of a size the
/// compiler knows is a couple of moves, where a copy of a size it does not know is a
/// call to `memcpy` (eight a codes.csv line, of a few bytes each, were about 40%
/// of the cost of writing it).
#[inline(always)]
fn put(out: &mut Vec<u8>, from: &[u8], len: usize) {
    match from.first_chunk::<BLOCK>() {
        Some(block) if len <= BLOCK => {
            let at = out.len();
            out.extend_from_slice(block);
            out.truncate(at + len);
        }
        _ => out.extend_from_slice(&from[..len]),
    }
}

/// Appends `n` in decimal (as `itoa` writes it): below 10,000, the usual size of a
/// span's offsets and of a hit count, its digits are built in a register and
/// appended as one 4-byte copy.
#[inline(always)]
fn put_number(out: &mut Vec<u8>, n: usize) {
    if n < 10_000 {
        let digits = 1 + usize::from(n >= 10) + usize::from(n >= 100) + usize::from(n >= 1000);
        let (high, low) = ((n / 100) as u8, (n % 100) as u8);
        let all = u32::from_le_bytes([b'0' + high / 10, b'0' + high % 10, b'0' + low / 10, b'0' + low % 10]);
        // Little-endian: the leading zeros are the low bytes, shifted out.
        let at = out.len();
        out.extend_from_slice(&(all >> (8 * (4 - digits))).to_le_bytes());
        out.truncate(at + digits);
    } else {
        out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }
}

/// Appends the codes of one answer to a chunk's codes.csv bytes.
///
/// With `row`, each line starts with the input row number: the form partial runs
/// write, so `codeframe merge` can restore input order.
///
/// This runs once per code, millions of times a run, so it writes the bytes itself
/// rather than through `csv::Writer`, with the same quoting (see `push_field`): the
/// lexicon's fields come escaped from `format`, the fields every line of the answer
/// shares are escaped once, and numbers are formatted without allocating.
pub fn write_codes(
    out: &mut Vec<u8>,
    format: &CodesFormat,
    row: Option<u64>,
    respondent: &str,
    question: &str,
    text: &str,
    coding: &Coding,
) {
    if coding.codes.is_empty() {
        return;
    }
    // The fields every line of the answer starts with, escaped once on the first line
    // and copied from `prefix` (padded for `put`) on the others.
    let prefix_start = out.len();
    if let Some(r) = row {
        out.extend_from_slice(itoa::Buffer::new().format(r).as_bytes());
        out.push(b',');
    }
    push_field(out, respondent.as_bytes());
    out.push(b',');
    push_field(out, question.as_bytes());
    out.push(b',');
    let prefix_len = out.len() - prefix_start;
    let mut prefix = [0u8; BLOCK];
    if prefix_len <= BLOCK {
        prefix[..prefix_len].copy_from_slice(&out[prefix_start..]);
    }
    // The entries' slots are out of cache with a large lexicon: their loads overlap.
    for code in &coding.codes {
        format.entries.prefetch(code.hits[0].entry as usize);
    }
    let text = text.as_bytes();
    for (k, code) in coding.codes.iter().enumerate() {
        let first = code.hits[0];
        if k > 0 {
            if prefix_len <= BLOCK {
                put(out, &prefix, prefix_len);
            } else {
                out.extend_from_within(prefix_start..prefix_start + prefix_len);
            }
        }
        format.themes.put(out, code.theme as usize);
        put_number(out, code.hits.len());
        out.push(b',');
        format.entries.put(out, first.entry as usize);
        let (start, end) = (first.span.start, first.span.end);
        if needs_quotes(&text[start..end]) {
            push_field(out, &text[start..end]);
        } else {
            put(out, &text[start..], end - start);
        }
        out.push(b',');
        put_number(out, start);
        out.push(b',');
        put_number(out, end);
        out.push(b',');
        // Digits, `-` and `;`: never quoted.
        for (i, h) in code.hits.iter().enumerate() {
            if i > 0 {
                out.push(b';');
            }
            put_number(out, h.span.start);
            out.push(b'-');
            put_number(out, h.span.end);
        }
        out.push(b'\n');
    }
}

/// Appends one CSV field as `csv::Writer` writes it by default: quoted only when it
/// holds a comma, a double quote, `\r` or `\n`, with double quotes doubled.
fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    if !needs_quotes(field) {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for piece in field.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(piece);
        if piece.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// Whether `csv::Writer` quotes `field`.
fn needs_quotes(field: &[u8]) -> bool {
    field.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// Appends the category counts of one answer: one row per category that occurs.
///
/// `count` is the words the category's matches match (a two-word phrase counts 2, the
/// LIWC-22 convention), `matches` the number of matches, `per_100_words` = count /
/// words x 100.
pub fn write_counts(
    w: &mut csv::Writer<Vec<u8>>,
    lexicon: &CompiledLexicon,
    row: Option<u64>,
    respondent: &str,
    question: &str,
    coding: &Coding,
) -> csv::Result<()> {
    for code in &coding.codes {
        if let Some(r) = row {
            w.write_field(r.to_string())?;
        }
        let count = coding.matched_words(code);
        let per_100 = if coding.words == 0 { 0.0 } else { 100.0 * count as f64 / coding.words as f64 };
        w.write_record([
            respondent,
            question,
            lexicon.themes[code.theme as usize].id.as_str(),
            &count.to_string(),
            &code.hits.len().to_string(),
            &coding.words.to_string(),
            &format!("{:.4}", super::round_half_up(per_100, 4)),
        ])?;
    }
    Ok(())
}

/// Appends one rejected row.
pub fn write_reject(w: &mut csv::Writer<Vec<u8>>, r: &Reject) -> csv::Result<()> {
    w.write_record([
        r.line.to_string().as_str(),
        &r.row.to_string(),
        r.id.as_deref().unwrap_or(""),
        r.column.as_deref().unwrap_or(""),
        &r.reason.to_string(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The record as `csv::Writer` writes it.
    fn by_csv_crate(fields: &[String]) -> Vec<u8> {
        let mut w = buffer_writer();
        w.write_record(fields).expect("writes to memory");
        w.into_inner().expect("flushes to memory")
    }

    /// The record as [`push_field`] writes it.
    fn by_hand(fields: &[String]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_field(&mut out, f.as_bytes());
        }
        out.push(b'\n');
        out
    }

    #[test]
    fn code_lines_read_back_as_their_fields() {
        use crate::lexicon::Lexicon;
        use crate::matching::Scanner;
        let toml = r#"[[theme]]
id = "say \"no\", loudly"
terms = ["legal aid", "lawyer*"]"#;
        let lexicon = Lexicon::from_str_with_path(toml, std::path::Path::new("t.toml")).expect("parses");
        let lexicon = CompiledLexicon::new(&lexicon).expect("compiles");
        let text = "The legal aid, and lawyers, lawyers.";
        let mut scanner = Scanner::new();
        scanner.scan(&lexicon, text);
        let coding = crate::coding::code(&lexicon, &scanner, &lexicon.applies(None));
        let mut out = Vec::new();
        write_codes(&mut out, &CodesFormat::new(&lexicon), Some(7), "R,1", "q\"1", text, &coding);
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(out.as_slice());
        let rows: Vec<Vec<String>> =
            reader.records().map(|r| r.expect("reads").iter().map(String::from).collect()).collect();
        assert_eq!(
            rows,
            [[
                "7",
                "R,1",
                "q\"1",
                "say \"no\", loudly",
                "3",
                "legal aid",
                "3",
                "legal aid",
                "4",
                "13",
                "4-13;19-26;28-35"
            ]]
        );
    }

    /// Lines written by hand are the lines `csv::Writer` writes from the same fields,
    /// whatever the fields' lengths (short ones take the fixed-size copies, longer ones
    /// do not), with quoting, past an answer's last 32 bytes and past 10,000 bytes.
    #[test]
    fn code_lines_are_the_csv_crates_at_any_length() {
        use crate::lexicon::Lexicon;
        use crate::matching::Scanner;
        // Entry fields (`text,line,`) of 31, 32 and 45 bytes and more, a theme id of 40.
        let long_theme = "t".repeat(40);
        let toml = format!(
            "[[theme]]\nid = \"{long_theme}\"\nterms = [\"{}\", \"zz\"]\n[[theme]]\nid = \"b,\\\"q\\\"\"\nterms = [\"{}\", \"{}\"]",
            "a".repeat(27),
            "c".repeat(28),
            "d".repeat(41),
        );
        let lexicon = Lexicon::from_str_with_path(&toml, std::path::Path::new("t.toml")).expect("parses");
        let lexicon = CompiledLexicon::new(&lexicon).expect("compiles");
        let format = CodesFormat::new(&lexicon);
        // The first theme's first hit (`zz`) is within the answer's last 32 bytes.
        let padding = "x ".repeat(6000);
        let text = format!("{} {padding}{} zz {}", "c".repeat(28), "d".repeat(41), "a".repeat(27));
        let mut scanner = Scanner::new();
        scanner.scan(&lexicon, &text);
        let coding = crate::coding::code(&lexicon, &scanner, &lexicon.applies(None));
        assert_eq!(coding.codes.iter().map(|c| (c.theme, c.hits.len())).collect::<Vec<_>>(), [(0, 2), (1, 2)]);
        for (respondent, question, row) in
            [("R1", "q1", None), ("R,\"2\"", "q", Some(12)), (&*"r".repeat(50), "question one", Some(u64::MAX))]
        {
            let mut out = b"previous\n".to_vec();
            write_codes(&mut out, &format, row, respondent, question, &text, &coding);
            let mut expected = b"previous\n".to_vec();
            for code in &coding.codes {
                let first = code.hits[0];
                let entry = &lexicon.entries[first.entry as usize];
                let spans: Vec<String> = code.hits.iter().map(|h| format!("{}-{}", h.span.start, h.span.end)).collect();
                let mut fields: Vec<String> = row.map(|r| r.to_string()).into_iter().collect();
                fields.extend([
                    respondent.to_string(),
                    question.to_string(),
                    lexicon.themes[code.theme as usize].id.clone(),
                    code.hits.len().to_string(),
                    entry.text.clone(),
                    entry.line.map(|l| l.to_string()).unwrap_or_default(),
                    text[first.span.start..first.span.end].to_string(),
                    first.span.start.to_string(),
                    first.span.end.to_string(),
                    spans.join(";"),
                ]);
                expected.extend(by_csv_crate(&fields));
            }
            assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(expected).unwrap());
        }
    }

    #[test]
    fn numbers_are_written_as_itoa_writes_them() {
        let mut out = b"x".to_vec();
        let mut expected = out.clone();
        for n in (0..12_000).chain([99_999, 100_000, 4_294_967_296, usize::MAX]) {
            put_number(&mut out, n);
            expected.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
            expected.push(b';');
            out.push(b';');
        }
        assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(expected).unwrap());
    }

    #[test]
    fn padded_copies_append_exactly_the_bytes_asked_for() {
        let source: Vec<u8> = (0..100u8).collect();
        for len in 0..=70 {
            for from in [0, 30, 100 - len] {
                let mut out = vec![7u8; 3];
                put(&mut out, &source[from..], len);
                assert_eq!(out[3..], source[from..from + len], "len {len} from {from}");
                assert_eq!(out[..3], [7, 7, 7]);
            }
        }
        let strings: Vec<Vec<u8>> = (0..70).map(|len| source[..len].to_vec()).collect();
        let fields = Fields::new(strings.iter().cloned());
        for (i, s) in strings.iter().enumerate() {
            let mut out = vec![7u8];
            fields.put(&mut out, i);
            assert_eq!(out[1..], s[..], "string {i}");
        }
    }

    #[test]
    fn fields_are_quoted_as_the_csv_crate_quotes_them() {
        let fields = ["plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", "", "\"", "caf\u{e9}"].map(String::from);
        assert_eq!(by_hand(&fields), by_csv_crate(&fields));
    }

    proptest! {
        #[test]
        fn any_fields_are_written_as_the_csv_crate_writes_them(
            fields in proptest::collection::vec("[a-z ,\"\r\n\u{e9}'#]{0,12}", 2..6)
        ) {
            prop_assert_eq!(by_hand(&fields), by_csv_crate(&fields));
        }
    }
}
