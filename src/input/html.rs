//! Answers from web forms: HTML markup (`<p>`, `<br>`, `<b>`) and character
//! references (`&#39;`, `&amp;`, `&rsquo;`) read as the text a browser shows.
//!
//! Consultation platforms and web-form exports often store an answer as the HTML its
//! rich-text box produced, or escape it for a web page. Read as typed, `don&#39;t`
//! is the words `don`, `39` and `t` (no negation), and `<li>` items run into one
//! clause. [`plain_text`] turns such a cell into the text it shows; a cell without
//! `<` or `&` is returned as it is, without a copy.
//!
//! Only markup that is unmistakably HTML is read: a tag whose name is an HTML element
//! (`<p>`, `</li>`, `<br/>`, `<span style="...">`) or of Word's Office namespaces
//! (`<o:p>`, `<st1:City>`), a comment, a declaration (`<!DOCTYPE html>`, `<?xml ...>`,
//! `<![if ...]>`, `<![CDATA[`, whose text stays), and a character
//! reference that ends in `;` and names a character (`&amp;`, `&#8217;`, `&#x2019;`).
//! Anything else stays as typed: `I <3 it`, `x < y > z`, `<name redacted>`, `R&D`,
//! `AT&T;`.

use std::borrow::Cow;

/// The text `cell` shows when read as HTML: tags and comments removed (a block
/// element's edges as a blank line, `<br>` as a line break, so that list items and
/// paragraphs stay sentences of their own), then character references decoded.
///
/// # Example
///
/// ```
/// use codeframe::input::html::plain_text;
///
/// assert_eq!(plain_text("<p>I don&#39;t feel safe</p><p>Police&nbsp;ignored me</p>"),
///            "I don't feel safe\n\nPolice\u{a0}ignored me");
/// assert_eq!(plain_text("I <3 R&D"), "I <3 R&D");
/// ```
pub fn plain_text(cell: &str) -> Cow<'_, str> {
    if memchr::memchr2(b'<', b'&', cell.as_bytes()).is_none() {
        return Cow::Borrowed(cell);
    }
    let text = without_tags(cell);
    let decoded = match html_escape::decode_html_entities(text.as_ref()) {
        Cow::Owned(decoded) => Some(decoded),
        Cow::Borrowed(_) => None,
    };
    decoded.map_or(text, Cow::Owned)
}

/// A cell as a run reads it: [`plain_text`] if `decode` (the default), else as stored
/// (`--keep-html`).
pub fn as_read(cell: &str, decode: bool) -> Cow<'_, str> {
    if decode { plain_text(cell) } else { Cow::Borrowed(cell) }
}

/// What an element's tag leaves in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edge {
    /// Nothing: the tag is inside a line (`<b>`, `<span>`, `<a href>`).
    Inline,
    /// A line break (`<br>`, table cells).
    Line,
    /// A blank line: a paragraph, list item or heading ends a sentence.
    Paragraph,
    /// The element's content goes too (`<script>`, `<style>`).
    Hidden,
}

/// How an element's tags read, by name (lower case); `None`: not an HTML element.
fn edge(name: &str) -> Option<Edge> {
    Some(match name {
        "br" | "td" | "th" | "dt" | "dd" | "caption" | "figcaption" => Edge::Line,
        "p" | "div" | "li" | "ul" | "ol" | "dl" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "pre"
        | "hr" | "table" | "thead" | "tbody" | "tfoot" | "tr" | "section" | "article" | "aside" | "header"
        | "footer" | "main" | "nav" | "address" | "figure" | "body" | "html" | "head" | "title" => Edge::Paragraph,
        "a" | "abbr" | "b" | "bdi" | "bdo" | "big" | "cite" | "code" | "del" | "dfn" | "em" | "font" | "i" | "img"
        | "ins" | "kbd" | "mark" | "q" | "s" | "samp" | "small" | "span" | "strike" | "strong" | "sub" | "sup"
        | "time" | "tt" | "u" | "var" | "wbr" | "label" | "meta" | "link" | "center" | "nobr" | "acronym" | "input"
        | "button" | "select" | "textarea" | "output" | "data" | "ruby" | "rt" | "rp" | "picture" | "source"
        | "video" | "audio" | "track" | "embed" | "object" | "param" | "iframe" | "map" | "area" | "col"
        | "colgroup" | "noscript" => Edge::Inline,
        "form" | "fieldset" | "legend" | "details" | "summary" | "menu" | "dir" | "option" | "optgroup" => {
            Edge::Paragraph
        }
        // Word's data island (`<xml><w:WordDocument>...`) is settings, not text.
        "script" | "style" | "xml" | "template" => Edge::Hidden,
        _ if is_office_tag(name) => Edge::Inline,
        _ => return None,
    })
}

/// A tag of the Office namespaces Word leaves in pasted rich text: `o:p`,
/// `st1:City`, `w:Sdt`, `v:shape`, `u1:p`.
fn is_office_tag(name: &str) -> bool {
    let Some((prefix, local)) = name.split_once(':') else { return false };
    let numbered = |p: &str, letters: &str| {
        p.strip_prefix(letters).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    !local.is_empty()
        && local.bytes().all(|b| b.is_ascii_alphanumeric())
        && (matches!(prefix, "o" | "v" | "w" | "x" | "m" | "w10") || numbered(prefix, "st") || numbered(prefix, "u"))
}

/// Markup that is no element's tag, at the start of `s`: a declaration Word or a
/// page puts around the text (`<!DOCTYPE html>`, `<?xml:namespace ... />`, the
/// `<![if !supportLists]>` and `<![endif]>` of its lists), as its length in bytes;
/// or `<![CDATA[...]]>`, as its length and the text it holds. `closes` says whether a
/// `]]>` follows somewhere in `s` (the caller knows where the cell's last one is), so
/// that a cell of many `<![CDATA[` never closed is not searched to its end each time.
fn declaration(s: &str, closes: bool) -> Option<(usize, Option<&str>)> {
    let starts = |p: &str| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    // The end, before the next `<` (none of these holds one) and within a tag's length.
    let within = |end: &str| {
        let head = &s.as_bytes()[..s.len().min(MOST_TAG_BYTES)];
        let head = memchr::memchr(b'<', &head[1..]).map_or(head, |next| &head[..next + 1]);
        head.windows(end.len()).position(|w| w == end.as_bytes())
    };
    if let Some(body) = s.strip_prefix("<![CDATA[") {
        let end = if closes { body.find("]]>")? } else { return None };
        return Some(("<![CDATA[".len() + end + 3, Some(&body[..end])));
    }
    if starts("<![if ") || starts("<![endif]") {
        return within("]>").map(|end| (end + 2, None));
    }
    if starts("<!doctype ") || starts("<?xml") {
        return within(">").map(|end| (end + 1, None));
    }
    None
}

/// The longest tag read as one: a `<` with no `>` within this many bytes is text.
const MOST_TAG_BYTES: usize = 4096;

/// A tag at the start of `s` (which starts with `<`): its length in bytes, whether it
/// closes an element, and how it reads. `None`: not a tag of an HTML element.
fn tag(s: &str) -> Option<(usize, bool, &str, Edge)> {
    let b = s.as_bytes();
    let closing = b.get(1) == Some(&b'/');
    let name_start = 1 + usize::from(closing);
    let name_len = b[name_start..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b':').count();
    if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name = &s[name_start..name_start + name_len];
    let lower = name.to_ascii_lowercase();
    let edge = edge(&lower)?;
    // After the name: `>`, `/>`, or attributes (quoted values may hold `>`).
    let mut at = name_start + name_len;
    match b.get(at) {
        Some(b'>' | b'/') => {}
        Some(c) if c.is_ascii_whitespace() => {}
        _ => return None,
    }
    let mut quote = None;
    while at < b.len().min(MOST_TAG_BYTES) {
        match (quote, b[at]) {
            (None, b'>') => return Some((at + 1, closing, name, edge)),
            (None, b'<') => return None,
            (None, q @ (b'"' | b'\'')) => quote = Some(q),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
        at += 1;
    }
    None
}

/// `cell` without its tags and comments (see [`plain_text`]).
fn without_tags(cell: &str) -> Cow<'_, str> {
    let mut out = String::new();
    // Bytes of `cell` before `copied` are in `out` (or dropped).
    let mut copied = 0;
    // Whether `out` holds any text but whitespace (a break before it adds nothing).
    let mut started = false;
    let mut at = 0;
    let last_cdata_end = cell.rfind("]]>");
    // Inside `<pre>` or `<textarea>`, whose line breaks a browser shows.
    let mut preformatted = 0usize;
    let bytes = cell.as_bytes();
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let start = at + found;
        let rest = &cell[start..];
        if let Some(body) = rest.strip_prefix("<!--") {
            let Some(end) = body.find("-->") else { break };
            started = started || !cell[copied..start].trim().is_empty();
            push_text(&mut out, &cell[copied..start], preformatted > 0);
            copied = start + 4 + end + 3;
            at = copied;
            continue;
        }
        if let Some((len, text)) = declaration(rest, last_cdata_end.is_some_and(|e| e > start)) {
            let text = text.unwrap_or("");
            started = started || !cell[copied..start].trim().is_empty() || !text.trim().is_empty();
            push_text(&mut out, &cell[copied..start], preformatted > 0);
            push_text(&mut out, text, preformatted > 0);
            copied = start + len;
            at = copied;
            continue;
        }
        let Some((len, closing, name, edge)) = tag(rest) else {
            at = start + 1;
            continue;
        };
        started = started || !cell[copied..start].trim().is_empty();
        push_text(&mut out, &cell[copied..start], preformatted > 0);
        if name.eq_ignore_ascii_case("pre") || name.eq_ignore_ascii_case("textarea") {
            preformatted = if closing { preformatted.saturating_sub(1) } else { preformatted + 1 };
        }
        let mut end = start + len;
        match edge {
            Edge::Inline => {}
            // A leading `<p>` adds nothing (nor whitespace before it).
            Edge::Line | Edge::Paragraph if !started => out.clear(),
            Edge::Line => break_line(&mut out, 1),
            Edge::Paragraph => break_line(&mut out, 2),
            Edge::Hidden if !closing => {
                // The content goes up to the element's closing tag (to the end if none).
                let close = format!("</{}", name.to_ascii_lowercase());
                end = find_ascii_case_insensitive(&cell[end..], &close).map_or(cell.len(), |i| end + i);
            }
            Edge::Hidden => {}
        }
        copied = end;
        at = end;
    }
    if copied == 0 {
        return Cow::Borrowed(cell);
    }
    push_text(&mut out, &cell[copied..], preformatted > 0);
    // The breaks the last tags left (and the source's indentation), not the answer's own text.
    let kept = out.trim_end_matches(['\n', ' ', '\t']).len();
    out.truncate(kept);
    Cow::Owned(out)
}

/// Appends text between tags to `out`. A line break in the markup's source shows as a
/// space (Word and editors wrap long lines: `did not\ncost` is one clause), except
/// in preformatted text. Each break (`\r\n` too) becomes one space, so a line Word
/// wrapped reads as it was typed.
fn push_text(out: &mut String, text: &str, preformatted: bool) {
    if preformatted || !text.contains(['\r', '\n']) {
        out.push_str(text);
    } else {
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            let line = line.strip_suffix('\r').unwrap_or(line);
            out.extend(line.chars().map(|c| if c == '\r' { ' ' } else { c }));
        }
    }
}

/// Ends `out` with at least `lines` line breaks, dropping the spaces before them
/// (the source's indentation, not text). It looks back no further than the breaks it
/// needs, so many tags after a long run of line breaks cost no more than a few.
fn break_line(out: &mut String, lines: usize) {
    let text = out.trim_end_matches([' ', '\t']).len();
    out.truncate(text);
    let have = out.bytes().rev().take(lines).take_while(|&b| b == b'\n').count();
    for _ in have..lines {
        out.push('\n');
    }
}

/// Where `needle` (ASCII) first occurs in `haystack`, ignoring ASCII case.
fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    haystack.as_bytes().windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_cells_are_not_copied() {
        assert!(matches!(plain_text("no markup here"), Cow::Borrowed(_)));
        assert!(matches!(plain_text("I <3 it, x < y > z, <name redacted>, R&D, AT&T;"), Cow::Borrowed(_)));
    }

    #[test]
    fn references_are_decoded() {
        assert_eq!(plain_text("don&#39;t"), "don't");
        assert_eq!(plain_text("don&rsquo;t &amp; won&#x2019;t"), "don\u{2019}t & won\u{2019}t");
        assert_eq!(plain_text("caf&eacute; &pound;5"), "caf\u{e9} \u{a3}5");
        // No `;`, or no such character: as typed.
        assert_eq!(plain_text("&amp &nosuch; &#xZZ;"), "&amp &nosuch; &#xZZ;");
        // Decoded once: `&amp;lt;` shows `&lt;`.
        assert_eq!(plain_text("&amp;lt;"), "&lt;");
        // A decoded `<` is text, not a tag.
        assert_eq!(plain_text("&lt;p&gt;"), "<p>");
    }

    #[test]
    fn tags_go_and_blocks_stay_apart() {
        assert_eq!(plain_text("<p>first</p><p>second</p>"), "first\n\nsecond");
        assert_eq!(plain_text("<ul><li>no police</li><li>courts</li></ul>"), "no police\n\ncourts");
        assert_eq!(plain_text("one<br>two<BR/>three<br />four"), "one\ntwo\nthree\nfour");
        assert_eq!(plain_text("<b>not</b> <span style=\"a>b\">good</span>"), "not good");
        assert_eq!(plain_text("<P CLASS='x'>Shouting</P>"), "Shouting");
        assert_eq!(plain_text("a<!-- hidden -->b"), "ab");
        assert_eq!(plain_text("a<script>alert(1)</SCRIPT>b"), "ab");
        assert_eq!(plain_text("<style>p {}</style>  <p>b"), "b");
        assert_eq!(plain_text("<p><o:p></o:p>Word paste</p>"), "Word paste");
    }

    /// Rich text pasted from Word: its `<?xml ...?>` namespace declarations, the
    /// `<![if !supportLists]>` ... `<![endif]>` around a list's own numbers, and its
    /// Office tags (`<st1:City>`, `<w:Sdt>`, `<v:shape>`) were left in the text.
    #[test]
    fn word_paste_markup_goes() {
        assert_eq!(
            plain_text("<?xml:namespace prefix = o ns = \"urn:schemas-microsoft-com:office:office\" /><p>Too slow</p>"),
            "Too slow"
        );
        assert_eq!(
            plain_text("<p><![if !supportLists]><span>1.<span>&nbsp; </span></span><![endif]>Too slow</p>"),
            "1.\u{a0} Too slow"
        );
        assert_eq!(
            plain_text(
                "in <st1:City w:st=\"on\"><st1:place w:st=\"on\">London</st1:place></st1:City>, <u1:p>ok</u1:p>"
            ),
            "in London, ok"
        );
        assert_eq!(plain_text("<w:Sdt>a</w:Sdt><v:shape id=x>b</v:shape>"), "ab");
        assert_eq!(plain_text("<!DOCTYPE html><html><body>hi</body></html>"), "hi");
        // CDATA holds text: its markers go, its content stays.
        assert_eq!(plain_text("<![CDATA[the nurses were kind]]>"), "the nurses were kind");
        // Form controls and other elements a rich-text box may leave.
        assert_eq!(plain_text("<nobr>a</nobr> <input type=checkbox> b <button>c</button>"), "a  b c");
        // Text that only looks like such markup stays.
        assert_eq!(plain_text("<?> <! > <a:> <:p> <1:p> <![ no end"), "<?> <! > <a:> <:p> <1:p> <![ no end");
    }

    /// A line break in HTML source is a space to a browser: Word wraps its HTML's
    /// long lines, and `did not` at the end of one still negates `cost` on the next.
    #[test]
    fn source_line_breaks_are_spaces() {
        assert_eq!(plain_text("<p class=MsoNormal>it did not\r\ncost much</p>"), "it did not cost much");
        assert_eq!(plain_text("<div>\n  <p>one\ntwo</p>\n</div>"), "one two");
        assert_eq!(plain_text("<pre>a\nb</pre>c\nd"), "a\nb\n\nc d");
        // A cell with no tags is plain text, its line breaks typed.
        assert_eq!(plain_text("didn&#39;t\ncost"), "didn't\ncost");
    }

    #[test]
    fn unfinished_markup_stays() {
        assert_eq!(plain_text("a <b unfinished"), "a <b unfinished");
        assert_eq!(plain_text("a <!-- open"), "a <!-- open");
        assert_eq!(plain_text("<p"), "<p");
        assert_eq!(plain_text("<3 <p>x"), "<3\n\nx");
        // A tag may not hold `<`: `<b <i>` keeps the first as text.
        assert_eq!(plain_text("<b <i>x"), "<b x");
    }

    proptest::proptest! {
        /// Any text reads without a panic; text without `<` or `&` as it is; and a
        /// cell grows by at most a fifth (`&nGt;`, 5 bytes, is 6 bytes of text; every
        /// other reference and tag shrinks), so the cell cap still bounds it.
        #[test]
        fn any_text_reads(s in "(<(/)?(p|br|b|li|pre|script|x|st1:p)( a='>')?(/)?>|&(#39|amp|#x2019|nbsp|nGt|bogus);?|<!--|-->|<!\\[CDATA\\[|\\]\\]>|<!\\[(if |endif\\])|\\]>|<\\?xml|<!doctype |[a-z <>&;é\n])*") {
            let shown = plain_text(&s);
            proptest::prop_assert!(shown.len() <= s.len() + s.len() / 5);
            if !s.contains(['<', '&']) {
                proptest::prop_assert!(matches!(shown, Cow::Borrowed(t) if t == s));
            }
        }
    }

    /// Declarations never closed: each searched the rest of the cell.
    #[test]
    fn many_unclosed_declarations_take_linear_time() {
        for open in ["<![CDATA[", "<![if x", "<!doctype x", "<?xml x"] {
            let cell = format!("{}x", open.repeat(200_000));
            assert!(plain_text(&cell).ends_with('x'));
        }
        assert_eq!(plain_text("<![CDATA[a]]> <![CDATA[b"), "a <![CDATA[b");
    }

    /// Tags after a long run of whitespace: each looked back over the whole run.
    #[test]
    fn many_tags_after_long_whitespace_take_linear_time() {
        for pad in [" ", "\n"] {
            let cell = format!("{}x{}{}", pad.repeat(1 << 20), pad.repeat(1 << 20), "<p>".repeat(100_000));
            assert_eq!(plain_text(&cell).trim(), "x");
        }
    }

    #[test]
    fn multibyte_text_around_tags() {
        assert_eq!(plain_text("café<br>naïve &euro;"), "café\nnaïve \u{20ac}");
        assert_eq!(plain_text("<p>\u{1F600}</p>"), "\u{1F600}");
    }
}
