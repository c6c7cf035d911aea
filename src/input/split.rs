//! Splitting CSV text into records.
//!
//! The grammar is csv-core's for the options codeframe reads with: a field that starts
//! with `"` is quoted, and `""` in it is one quote; bytes after a quoted field's
//! closing quote are kept in the field (`"a"b` is `ab`), and a quote anywhere else is
//! an ordinary byte; any of CR, LF and CRLF ends a record, and blank lines are
//! skipped; a UTF-8 byte-order mark at the very start is dropped; a record may have
//! any number of fields. csv-core steps a state machine over every byte. This jumps
//! with memchr to the bytes that end a field or a quoted run, and most of an export's
//! bytes are inside long quoted answers, so it reads them at memory speed. A proptest
//! holds it to the csv crate on arbitrary bytes.
//!
//! It also counts lines (a CR, or an LF not after a CR), so each record knows the line
//! it starts on, and it notes a record that the end of the input cut inside a quoted
//! field (a quote never closed swallows the rest of the file, silently in csv-core).

use std::io::Read;

use memchr::memchr3;

/// Where a record was in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    /// 1-based line of its first byte.
    pub line: u64,
    /// Input offset just past it (its terminator included).
    pub end: u64,
    /// Set when the input ended inside one of its quoted fields: the input's last line.
    pub unclosed_to: Option<u64>,
}

/// Reads records from CSV text, one at a time.
pub struct Splitter<R> {
    inner: R,
    delimiter: u8,
    buf: Vec<u8>,
    /// `buf[..pos]` is consumed; `buf[pos..len]` is read and not yet split.
    pos: usize,
    len: usize,
    eof: bool,
    /// Input offset of `buf[0]`.
    base: u64,
    /// Line breaks before `buf[pos]`.
    breaks: u64,
    /// The byte before `buf[0]` (0 at the start), for an LF that follows a CR.
    before: u8,
    /// Whether the start of the input was checked for a byte-order mark.
    started: bool,
    /// A quoted field that is not one run of the buffer (it holds a doubled quote, or
    /// bytes after its closing quote), unescaped (see [`scan_quoted`]).
    field: Vec<u8>,
    /// Times a record was split or tried.
    #[cfg(test)]
    tries: usize,
}

/// The first read buffer; it doubles while a record does not fit.
const FIRST_BUFFER: usize = 256 << 10;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A record is not complete in the bytes read so far.
struct NeedMore;

impl<R: Read> Splitter<R> {
    /// Splits `inner`'s bytes at `delimiter`, which must not be `"`, CR or LF.
    pub fn new(inner: R, delimiter: u8) -> Splitter<R> {
        debug_assert!(can_delimit(delimiter), "not a delimiter: {delimiter}");
        Splitter {
            inner,
            delimiter,
            buf: Vec::new(),
            pos: 0,
            len: 0,
            eof: false,
            base: 0,
            breaks: 0,
            before: 0,
            started: false,
            field: Vec::new(),
            #[cfg(test)]
            tries: 0,
        }
    }

    /// Reads the next record into `record` (cleared first); `None` at the end of the
    /// input. Memory holds about twice the record being read (the buffer shrinks back
    /// after a long one), whatever the input's size.
    pub fn next_record(&mut self, record: &mut csv::ByteRecord) -> std::io::Result<Option<Place>> {
        loop {
            if !self.started && (self.len >= UTF8_BOM.len() || self.eof) {
                self.started = true;
                if self.buf[..self.len].starts_with(UTF8_BOM) {
                    self.pos = UTF8_BOM.len();
                }
            }
            if self.started {
                match self.split(record) {
                    Ok(Some(place)) => return Ok(Some(place)),
                    Ok(None) if self.eof => return Ok(None),
                    Ok(None) => {}
                    // At the end of the input a record is always complete.
                    Err(NeedMore) => debug_assert!(!self.eof, "a record needs more after the end"),
                }
            }
            self.fill()?;
        }
    }

    /// Input bytes consumed so far.
    pub fn consumed(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Reads more of the input, after dropping what was consumed: until the buffer is
    /// full (doubled first if the unconsumed part filled it: a long record) or the
    /// input ends. A record is split again only after a full read, so one longer than
    /// many reads is scanned a few times in all, not once per read.
    fn fill(&mut self) -> std::io::Result<()> {
        if self.pos > 0 {
            self.before = self.buf[self.pos - 1];
            self.buf.copy_within(self.pos..self.len, 0);
            self.base += self.pos as u64;
            self.len -= self.pos;
            self.pos = 0;
        }
        if self.len == self.buf.len() {
            self.buf.resize((2 * self.buf.len()).max(FIRST_BUFFER), 0);
        } else if self.buf.len() > FIRST_BUFFER && self.len < FIRST_BUFFER / 2 {
            // A long record grew the buffer: back to its first size once it is read,
            // so one 16 MB cell does not hold 32 MB for the rest of the run.
            self.buf.truncate(FIRST_BUFFER);
            self.buf.shrink_to_fit();
        }
        if self.field.capacity() > FIRST_BUFFER {
            self.field = Vec::new();
        }
        while self.len < self.buf.len() {
            match self.inner.read(&mut self.buf[self.len..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Splits the next record off the unconsumed bytes. `Ok(None)`: only blank lines
    /// were left (consumed). At the end of the input it never needs more.
    fn split(&mut self, record: &mut csv::ByteRecord) -> Result<Option<Place>, NeedMore> {
        #[cfg(test)]
        {
            self.tries += 1;
        }
        let (d, eof, len, before) = (self.delimiter, self.eof, self.len, self.before);
        let buf = &self.buf[..len];
        let field = &mut self.field;
        // Blank lines (and the LF of a CRLF) before the record.
        while self.pos < len && matches!(buf[self.pos], b'\r' | b'\n') {
            self.breaks += u64::from(is_break(buf, before, self.pos));
            self.pos += 1;
        }
        if self.pos == len {
            return Ok(None);
        }
        record.clear();
        let mut breaks = self.breaks;
        // The end of an unquoted run: a delimiter, a line break or the input's end.
        let run_end = |from: usize| match memchr3(d, b'\r', b'\n', &buf[from..]) {
            Some(k) => Ok(from + k),
            None if eof => Ok(len),
            None => Err(NeedMore),
        };
        let mut i = self.pos;
        let mut unclosed_to = None;
        loop {
            // At the start of a field.
            if i == len {
                // The input ended after a delimiter: an empty last field.
                if !eof {
                    return Err(NeedMore);
                }
                record.push_field(b"");
                break;
            }
            if buf[i] != b'"' {
                let end = run_end(i)?;
                record.push_field(&buf[i..end]);
                i = end;
            } else {
                field.clear();
                let q = scan_quoted(buf, i, eof, before, &mut breaks, field)?;
                if !q.closed {
                    // The quote is never closed: the field is the rest of the input.
                    let ends_with_break = matches!(buf[len - 1], b'\r' | b'\n');
                    unclosed_to = Some(breaks + u64::from(!ends_with_break));
                }
                // After the closing quote, anything up to the field's end is kept (an
                // unclosed quote ran to the end of the input).
                let tail = (q.content_end + 1).min(len);
                let end = if q.closed { run_end(tail)? } else { len };
                if !q.escaped && end == tail {
                    record.push_field(&buf[q.run..q.content_end]);
                } else {
                    field.extend_from_slice(&buf[q.run..q.content_end]);
                    field.extend_from_slice(&buf[tail..end]);
                    record.push_field(field);
                }
                i = end;
            }
            if i == len {
                break;
            }
            if buf[i] == d {
                i += 1;
                continue;
            }
            // A line break ends the record.
            breaks += u64::from(is_break(buf, before, i));
            i += 1;
            break;
        }
        let line = self.breaks + 1;
        self.pos = i;
        self.breaks = breaks;
        Ok(Some(Place { line, end: self.consumed(), unclosed_to }))
    }
}

/// A quoted field as [`scan_quoted`] found it.
struct Quoted {
    /// Where the last run of its content starts (after the opening quote, or after its
    /// last doubled quote).
    run: usize,
    /// Where its content ends: at the closing quote, or at the end of the input.
    content_end: usize,
    /// Whether it held a doubled quote: the content before `run` is in the scratch field.
    escaped: bool,
    /// Whether a closing quote was found.
    closed: bool,
}

/// Scans the quoted field that opens at `buf[open]`: counts its line breaks into
/// `breaks` and, for each doubled quote, appends the content so far (with one quote)
/// to `field`. Most fields hold none and are then copied in one piece from the buffer.
fn scan_quoted(
    buf: &[u8],
    open: usize,
    eof: bool,
    before: u8,
    breaks: &mut u64,
    field: &mut Vec<u8>,
) -> Result<Quoted, NeedMore> {
    let mut q = Quoted { run: open + 1, content_end: buf.len(), escaped: false, closed: false };
    let mut j = q.run;
    loop {
        let Some(k) = memchr3(b'"', b'\r', b'\n', &buf[j..]) else {
            return if eof { Ok(q) } else { Err(NeedMore) };
        };
        let at = j + k;
        if buf[at] != b'"' {
            *breaks += u64::from(is_break(buf, before, at));
            j = at + 1;
        } else if at + 1 == buf.len() && !eof {
            return Err(NeedMore); // a doubled quote, or the closing one?
        } else if buf.get(at + 1) == Some(&b'"') {
            field.extend_from_slice(&buf[q.run..=at]);
            q.escaped = true;
            j = at + 2;
            q.run = j;
        } else {
            q.content_end = at;
            q.closed = true;
            return Ok(q);
        }
    }
}

/// Whether the line break at `buf[i]` starts a line (an LF after a CR does not);
/// `before` is the byte before `buf[0]`.
fn is_break(buf: &[u8], before: u8, i: usize) -> bool {
    let prev = if i > 0 { buf[i - 1] } else { before };
    buf[i] == b'\r' || prev != b'\r'
}

/// Whether `b` can delimit fields (a quote or a line break cannot).
pub fn can_delimit(b: u8) -> bool {
    !matches!(b, b'"' | b'\r' | b'\n')
}

/// Counts the line breaks in `bytes` as [`Splitter`] does, for tests.
#[cfg(test)]
fn count_breaks(bytes: &[u8]) -> u64 {
    let mut n = 0;
    let mut prev = 0;
    for &b in bytes {
        n += u64::from(b == b'\r' || (b == b'\n' && prev != b'\r'));
        prev = b;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `data` in pieces of at most `step` bytes.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn split_all(data: &[u8], step: usize) -> Vec<(Vec<Vec<u8>>, Place)> {
        let mut s = Splitter::new(Trickle { data, step }, b',');
        let mut record = csv::ByteRecord::new();
        let mut out = Vec::new();
        while let Some(place) = s.next_record(&mut record).expect("reads from memory") {
            out.push((record.iter().map(|f| f.to_vec()).collect(), place));
        }
        assert_eq!(s.consumed(), data.len() as u64, "every byte is consumed");
        out
    }

    fn by_csv_crate(data: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut r = csv::ReaderBuilder::new().flexible(true).has_headers(false).from_reader(data);
        r.byte_records().map(|rec| rec.expect("reads from memory").iter().map(|f| f.to_vec()).collect()).collect()
    }

    #[test]
    fn records_lines_and_unclosed_quotes() {
        let data = b"\xEF\xBB\xBFid,text\r\n1,\"a, \"\"b\"\"\nc\"\r\n\r\n\n2,x\"y\"\n3,\"open\nto the end";
        let got = split_all(data, 7);
        let fields: Vec<Vec<Vec<u8>>> = got.iter().map(|(f, _)| f.clone()).collect();
        assert_eq!(fields, by_csv_crate(data));
        let lines: Vec<u64> = got.iter().map(|(_, p)| p.line).collect();
        assert_eq!(lines, [1, 2, 6, 7]);
        assert_eq!(got[3].1.unclosed_to, Some(8));
        assert!(got[..3].iter().all(|(_, p)| p.unclosed_to.is_none()));
        assert_eq!(got[0].0[0], b"id", "the byte-order mark is dropped");
    }

    #[test]
    fn a_record_arriving_in_small_reads_is_scanned_a_few_times() {
        // 8 MB in reads of 100 bytes: splitting again after every read would scan
        // the record 80,000 times (a quadratic 300 GB of work); after every doubling
        // of the buffer, 7 times.
        let data = format!("a,\"{}\"\n", "x".repeat(8 << 20));
        let mut s = Splitter::new(Trickle { data: data.as_bytes(), step: 100 }, b',');
        let mut record = csv::ByteRecord::new();
        assert!(s.next_record(&mut record).expect("reads from memory").is_some());
        assert_eq!(record[1].len(), 8 << 20);
        assert!(s.tries <= 8, "{} tries", s.tries);
    }

    #[test]
    fn the_buffer_shrinks_back_after_a_long_record() {
        let data = format!("a,\"{}\"\"\"\n{}", "x".repeat(4 * FIRST_BUFFER), "b,c\n".repeat(FIRST_BUFFER));
        let mut s = Splitter::new(Trickle { data: data.as_bytes(), step: 1 << 20 }, b',');
        let mut record = csv::ByteRecord::new();
        assert!(s.next_record(&mut record).expect("reads from memory").is_some());
        assert!(s.buf.len() > 4 * FIRST_BUFFER && s.field.capacity() > 4 * FIRST_BUFFER);
        let mut rows = 0;
        while s.next_record(&mut record).expect("reads from memory").is_some() {
            rows += 1;
        }
        assert_eq!(rows, FIRST_BUFFER);
        assert_eq!((s.buf.len(), s.field.capacity()), (FIRST_BUFFER, 0));
    }

    #[test]
    fn a_record_longer_than_the_buffer_is_read_whole() {
        let long = "é\"\"x,\n".repeat(3 * FIRST_BUFFER / 7);
        let data = format!("a,\"{long}\"\nb,c\n");
        let got = split_all(data.as_bytes(), 1 << 20);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0[1], long.replace("\"\"", "\"").into_bytes());
        assert_eq!(got[1].1.line, 2 + count_breaks(long.as_bytes()));
    }

    proptest::proptest! {
        /// Any bytes, however they arrive, split into the csv crate's records; each
        /// record's line is the line of its first byte.
        #[test]
        fn splits_as_the_csv_crate_does(
            data in proptest::collection::vec(proptest::sample::select(b"ab,\"\r\n\xEF\xBB\xBF".to_vec()), 0..120),
            step in 1usize..9,
        ) {
            let got = split_all(&data, step);
            let fields: Vec<Vec<Vec<u8>>> = got.iter().map(|(f, _)| f.clone()).collect();
            proptest::prop_assert_eq!(fields, by_csv_crate(&data));
            for (_, place) in &got {
                let before = (place.end as usize).min(data.len());
                proptest::prop_assert!(place.line <= 1 + count_breaks(&data[..before]));
            }
        }
    }
}
