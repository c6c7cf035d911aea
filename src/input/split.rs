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
//!
//! A record is held whole while it is read, so memory follows the longest record.
//! With a cap on fields ([`Splitter::max_field_bytes`]), a record longer than the
//! buffer and the cap is read through instead, keeping the first `cap` bytes of each
//! longer field ([`Place::cut`]): a quote never closed, or a 400 MB cell, then costs
//! about twice the buffer and the cap, not the record.

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
    /// The first field longer than the cap, in a record too long to hold whole: that
    /// field, and any longer one after it, holds only its first `cap` bytes.
    pub cut: Option<Cut>,
    /// The first quoted field that ran over a line break and has bytes after its
    /// closing quote (`"Best staff⏎2,cost⏎3,He said "hi"`): a stray quote that read
    /// the lines after it into this record, which no valid CSV does.
    pub stray_quote: Option<StrayQuote>,
}

/// A quoted field that spans lines and does not end at its closing quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StrayQuote {
    /// Its 0-based position in the record.
    pub field: usize,
    /// The line of its closing quote.
    pub close_line: u64,
}

/// A field longer than [`Splitter::max_field_bytes`], of which only the start was kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cut {
    /// Its 0-based position in the record.
    pub field: usize,
    /// Its full length, unescaped (a doubled quote is one byte), as the whole field's.
    pub bytes: u64,
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
    /// Bytes kept of a field in a record too long to hold whole.
    max_field: usize,
    /// The buffer's first size (tests make it small).
    first_buffer: usize,
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
            max_field: usize::MAX,
            first_buffer: FIRST_BUFFER,
            #[cfg(test)]
            tries: 0,
        }
    }

    /// Caps fields at `limit` bytes in a record too long to hold whole (longer than
    /// both the buffer's first size, 256 KiB, and `limit`): such a record is read
    /// through, and of each field longer than `limit` only its first `limit` bytes are
    /// kept ([`Place::cut`]). Memory then holds the buffer (at most about twice the
    /// larger of 256 KiB and `limit`) and the fields kept, however long the record.
    /// Every field within the cap is read whole, as without one. The default is no cap.
    pub fn max_field_bytes(&mut self, limit: usize) -> &mut Self {
        self.max_field = limit;
        self
    }

    /// Reads the next record into `record` (cleared first); `None` at the end of the
    /// input. Memory holds about twice the record being read (the buffer shrinks back
    /// after a long one), whatever the input's size; with a cap on fields, twice the
    /// cap at most, and the fields kept (see [`Splitter::max_field_bytes`]).
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
                    Err(NeedMore) => {
                        debug_assert!(!self.eof, "a record needs more after the end");
                        if self.len - self.pos >= self.first_buffer.max(self.max_field) {
                            return self.split_long(record).map(Some);
                        }
                    }
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
            self.buf.resize((2 * self.buf.len()).max(self.first_buffer), 0);
        } else if self.buf.len() > self.first_buffer && self.len < self.first_buffer / 2 {
            // A long record grew the buffer: back to its first size once it is read,
            // so one 16 MB cell does not hold 32 MB for the rest of the run.
            self.buf.truncate(self.first_buffer);
            self.buf.shrink_to_fit();
        }
        if self.field.capacity() > self.first_buffer {
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
        let (mut unclosed_to, mut stray_quote) = (None, None);
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
                let opened = breaks;
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
                if end > tail && breaks > opened && stray_quote.is_none() {
                    stray_quote = Some(StrayQuote { field: record.len(), close_line: breaks + 1 });
                }
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
        Ok(Some(Place { line, end: self.consumed(), unclosed_to, cut: None, stray_quote }))
    }

    /// Splits a record too long to hold whole, from `buf[pos]` (its first byte), as
    /// [`Splitter::split`] would split it whole, but a run at a time: the bytes scanned
    /// are consumed, so the buffer does not grow, and each field is kept up to the cap.
    fn split_long(&mut self, record: &mut csv::ByteRecord) -> std::io::Result<Place> {
        /// Where the scan is in the record.
        #[derive(PartialEq)]
        enum At {
            /// At the start of a field.
            Start,
            /// In an unquoted run: a field's, or the bytes after a closing quote.
            Unquoted,
            /// Inside a quoted field.
            Quoted,
            /// Just past a quote inside a quoted field: it closes the field, or is doubled.
            Quote,
        }
        record.clear();
        let (d, line) = (self.delimiter, self.breaks + 1);
        let mut breaks = self.breaks;
        let mut field = LongField { kept: Vec::new(), bytes: 0, cap: self.max_field };
        let (mut at, mut cut, mut unclosed_to, mut stray_quote) = (At::Start, None, None, None);
        // The line breaks before the quoted field being read opened.
        let mut opened = breaks;
        loop {
            if self.pos == self.len {
                if !self.eof {
                    self.fill()?;
                    continue;
                }
                // The input ended: after a delimiter (an empty last field), in a field,
                // or inside a quoted one, which is then never closed.
                if at == At::Quoted {
                    let last = if self.len > 0 { self.buf[self.len - 1] } else { self.before };
                    unclosed_to = Some(breaks + u64::from(!matches!(last, b'\r' | b'\n')));
                }
                break;
            }
            let (buf, pos) = (&self.buf[..self.len], self.pos);
            match at {
                At::Start if buf[pos] == b'"' => {
                    self.pos += 1;
                    opened = breaks;
                    at = At::Quoted;
                }
                At::Start => at = At::Unquoted,
                At::Unquoted => {
                    let Some(k) = memchr3(d, b'\r', b'\n', &buf[pos..]) else {
                        field.keep(&buf[pos..]);
                        self.pos = self.len;
                        continue;
                    };
                    let end = pos + k;
                    field.keep(&buf[pos..end]);
                    self.pos = end + 1;
                    if buf[end] != d {
                        // A line break ends the record.
                        breaks += u64::from(is_break(buf, self.before, end));
                        break;
                    }
                    cut = cut.or(field.push(record));
                    at = At::Start;
                }
                At::Quoted => {
                    let Some(k) = memchr3(b'"', b'\r', b'\n', &buf[pos..]) else {
                        field.keep(&buf[pos..]);
                        self.pos = self.len;
                        continue;
                    };
                    let end = pos + k;
                    if buf[end] == b'"' {
                        field.keep(&buf[pos..end]);
                        at = At::Quote;
                    } else {
                        field.keep(&buf[pos..=end]);
                        breaks += u64::from(is_break(buf, self.before, end));
                    }
                    self.pos = end + 1;
                }
                At::Quote if buf[pos] == b'"' => {
                    field.keep(b"\"");
                    self.pos += 1;
                    at = At::Quoted;
                }
                At::Quote => {
                    if can_delimit(buf[pos]) && buf[pos] != d && breaks > opened && stray_quote.is_none() {
                        stray_quote = Some(StrayQuote { field: record.len(), close_line: breaks + 1 });
                    }
                    at = At::Unquoted;
                }
            }
        }
        cut = cut.or(field.push(record));
        self.breaks = breaks;
        Ok(Place { line, end: self.consumed(), unclosed_to, cut, stray_quote })
    }
}

/// A field of a record read through ([`Splitter::split_long`]): its first `cap` bytes
/// and its full length.
struct LongField {
    kept: Vec<u8>,
    bytes: u64,
    cap: usize,
}

impl LongField {
    /// Adds the next bytes of the field.
    fn keep(&mut self, part: &[u8]) {
        self.bytes += part.len() as u64;
        let room = self.cap.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&part[..part.len().min(room)]);
    }

    /// Ends the field: pushes what was kept of it onto `record`, and returns it as cut
    /// if it was longer than the cap.
    fn push(&mut self, record: &mut csv::ByteRecord) -> Option<Cut> {
        let cut = (self.bytes > self.kept.len() as u64).then_some(Cut { field: record.len(), bytes: self.bytes });
        record.push_field(&self.kept);
        self.kept.clear();
        self.bytes = 0;
        cut
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

    /// Records as split: their fields, and where each was.
    type Split = Vec<(Vec<Vec<u8>>, Place)>;

    fn split_all(data: &[u8], step: usize) -> Split {
        split_capped(data, step, FIRST_BUFFER, usize::MAX).0
    }

    /// Splits `data` with a buffer of `first_buffer` bytes at first and fields capped at
    /// `cap`: the records, and the largest the buffer grew.
    fn split_capped(data: &[u8], step: usize, first_buffer: usize, cap: usize) -> (Split, usize) {
        let mut s = Splitter::new(Trickle { data, step }, b',');
        s.first_buffer = first_buffer;
        s.max_field_bytes(cap);
        let mut record = csv::ByteRecord::new();
        let (mut out, mut buffer) = (Vec::new(), 0);
        while let Some(place) = s.next_record(&mut record).expect("reads from memory") {
            out.push((record.iter().map(|f| f.to_vec()).collect(), place));
            buffer = buffer.max(s.buf.len());
        }
        assert_eq!(s.consumed(), data.len() as u64, "every byte is consumed");
        (out, buffer)
    }

    /// The fields of `records` cut at `cap` bytes, as a record read through keeps them.
    fn cut_at(records: &[(Vec<Vec<u8>>, Place)], cap: usize) -> Vec<Vec<Vec<u8>>> {
        records.iter().map(|(fields, _)| fields.iter().map(|f| f[..f.len().min(cap)].to_vec()).collect()).collect()
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
    fn a_stray_quote_that_reads_lines_into_its_record_is_noted() {
        // Row 1's quote is never meant to close: the csv crate reads rows 2 and 3 into it,
        // up to the quote before `hi`, and the rest of line 4 after it.
        let data = b"id,q1\n1,\"Best staff\n2,cost\n3,He said \"hi\" to staff\n4,queue\n";
        for (step, first_buffer, cap) in [(7, FIRST_BUFFER, usize::MAX), (3, 4, 2)] {
            let (got, _) = split_capped(data, step, first_buffer, cap);
            assert_eq!(got.len(), 3);
            assert_eq!(got[1].1.line, 2);
            assert_eq!(got[1].1.stray_quote, Some(StrayQuote { field: 1, close_line: 4 }));
            assert_eq!(got[2].1.stray_quote, None);
        }
        // A quoted field on one line with text after it, and a field over lines that
        // ends at its quote, are read as the csv crate reads them, and not noted.
        for data in [&b"1,\"a\"b,c\n"[..], b"1,\"a\nb\",c\n", b"1,\"a\nb\"\n2,x\n"] {
            assert!(split_all(data, 3).iter().all(|(_, p)| p.stray_quote.is_none()), "{data:?}");
        }
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

    /// An unclosed quote, a huge quoted cell or a huge line held the whole record in
    /// memory (1.45 GB for a 400 MB quote never closed, under `--max-cell-bytes 1000`):
    /// with a cap, the record is read through in the first buffer, keeping the cap.
    #[test]
    fn a_record_longer_than_the_cap_is_read_through_keeping_the_cap() {
        let big = "ab\r\n".repeat(200 << 10);
        let breaks = count_breaks(big.as_bytes());
        let cases = [
            // A quote never closed: the rest of the input is the field.
            (format!("id,text\n1,\"{big}"), 2, None, Some(1 + breaks)),
            (format!("id,text\n1,\"{big}\"\"x\"tail\n2,cost\n"), 2, Some(len(&big) + 6), None),
            (format!("id,text\n{}\n2,cost\n", "a".repeat(1 << 20)), 1, Some(1 << 20), None),
        ];
        for (data, fields, rest, unclosed) in cases {
            for step in [1000, 1 << 16] {
                let (got, buffer) = split_capped(data.as_bytes(), step, 4 << 10, 3000);
                assert!(buffer <= 8 << 10, "the buffer grew to {buffer}");
                assert_eq!(got[1].0.len(), fields);
                let cut = got[1].1.cut.expect("the long field is cut");
                assert_eq!((cut.field, got[1].0[cut.field].len()), (fields - 1, 3000));
                assert_eq!(got[1].1.unclosed_to, unclosed);
                let whole = split_all(data.as_bytes(), step);
                assert_eq!(cut_at(&got, 3000), cut_at(&whole, 3000));
                assert_eq!(cut.bytes, whole[1].0[fields - 1].len() as u64);
                if let Some(rest) = rest {
                    assert_eq!(cut.bytes, rest);
                    // The rows after it keep their lines.
                    assert_eq!(got[2].1, Place { line: 3 + breaks * u64::from(fields == 2), ..whole[2].1 });
                    assert_eq!(got[2].0, [b"2".to_vec(), b"cost".to_vec()]);
                }
                let places: Vec<(u64, u64, Option<u64>)> =
                    got.iter().map(|(_, p)| (p.line, p.end, p.unclosed_to)).collect();
                let whole: Vec<(u64, u64, Option<u64>)> =
                    whole.iter().map(|(_, p)| (p.line, p.end, p.unclosed_to)).collect();
                assert_eq!(places, whole);
            }
        }
    }

    fn len(s: &str) -> u64 {
        s.len() as u64
    }

    proptest::proptest! {
        /// With a tiny buffer and cap, any bytes split into the csv crate's records with
        /// fields over the cap cut to it (and the first noted), in the same places; a
        /// record held whole is the csv crate's.
        #[test]
        fn records_read_through_are_the_csv_crates_cut_at_the_cap(
            data in proptest::collection::vec(proptest::sample::select(b"ab,\"\r\n\xEF\xBB\xBF".to_vec()), 0..120),
            step in 1usize..9,
            first_buffer in 1usize..9,
            cap in 0usize..6,
        ) {
            let (got, _) = split_capped(&data, step, first_buffer, cap);
            let whole = split_all(&data, step);
            proptest::prop_assert_eq!(got.len(), whole.len());
            for ((fields, place), (all, at)) in got.iter().zip(&whole) {
                proptest::prop_assert_eq!(
                    (place.line, place.end, place.unclosed_to, place.stray_quote),
                    (at.line, at.end, at.unclosed_to, at.stray_quote)
                );
                let longer = all.iter().position(|f| f.len() > cap);
                match place.cut {
                    None => proptest::prop_assert_eq!(fields, all),
                    Some(cut) => {
                        proptest::prop_assert_eq!(Some(cut.field), longer);
                        proptest::prop_assert_eq!(cut.bytes, all[cut.field].len() as u64);
                        let cut_all: Vec<Vec<u8>> = all.iter().map(|f| f[..f.len().min(cap)].to_vec()).collect();
                        proptest::prop_assert_eq!(fields, &cut_all);
                    }
                }
            }
        }

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
