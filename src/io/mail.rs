//! E-mail intake's reader: one RFC 5322 message as a mail delivery agent hands
//! it over, decoded by the `mail-parser` crate (MIME parts, quoted-printable,
//! base64, encoded-word headers, legacy charsets, HTML turned into text) into
//! the [`Incoming`] that `core::intake` decides on.

use mail_parser::decoders::html::html_to_text;
use mail_parser::{HeaderValue, MessageParser, MimeHeaders, PartType};

use crate::core::intake::{Incoming, address_of};

/// The largest message intake takes: beyond it, a message is kept in
/// `rejected/` rather than turned into a ticket file no one can read.
pub const MAX_BYTES: usize = 25 * 1024 * 1024;

/// The ids a header lists (In-Reply-To, References), in their order.
fn ids(value: &HeaderValue) -> Vec<String> {
    value
        .as_text_list()
        .unwrap_or_default()
        .iter()
        .map(|s| s.trim().trim_matches(['<', '>']).to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A size as people read it: `820 bytes`, `14 KB`, `2.1 MB`.
fn size(bytes: usize) -> String {
    match bytes {
        0..1000 => format!("{bytes} bytes"),
        1000..1_000_000 => format!("{} KB", bytes / 1000),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

/// Text as a ticket keeps it: `\n` line ends, no trailing blanks, no blank
/// lines before the first.
fn tidy(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim_matches('\n').to_string()
}

/// Readable text from an HTML body. The crate's converter keeps words and
/// drops markup, styles and scripts, but runs paragraphs, list items and
/// table rows together; line breaks are added after those first.
fn html_text(html: &str) -> String {
    let mut prepared = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        prepared.push_str(&rest[..start]);
        let end = rest[start..]
            .find('>')
            .map_or(rest.len(), |e| start + e + 1);
        let tag = &rest[start..end];
        let closing = tag.starts_with("</");
        let name = tag
            .trim_start_matches(['<', '/'])
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        prepared.push_str(tag);
        match (name.as_str(), closing) {
            ("li", false) => prepared.push_str("- "),
            (
                "p" | "div" | "li" | "tr" | "blockquote" | "ul" | "ol" | "table" | "h1" | "h2"
                | "h3" | "h4" | "h5" | "h6",
                true,
            ) => prepared.push_str("<br>"),
            _ => {}
        }
        rest = &rest[end..];
    }
    prepared.push_str(rest);
    let text = html_to_text(&prepared).replace('\u{a0}', " ");
    let mut out = String::new();
    let mut blank = 0;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    tidy(&out)
}

/// Whether the input begins as mail does: with a header field (`Name: value`,
/// the name printable ASCII without a colon), after the `From ` envelope
/// line an mbox-style delivery (procmail) puts first. The parser itself
/// takes any bytes as headers, so without this check random bytes would be
/// reported as a message with no From rather than as no message at all.
fn starts_with_header(raw: &[u8]) -> bool {
    let mut rest = raw;
    if rest.starts_with(b"From ") {
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            return false;
        };
        rest = &rest[end + 1..];
    }
    let line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
    match line.iter().position(|&b| b == b':') {
        Some(colon) if colon > 0 => line[..colon].iter().all(|b| (33..=126).contains(b)),
        _ => false,
    }
}

/// Reads one message, or says why it cannot become a ticket.
pub fn parse(raw: &[u8]) -> Result<Incoming, String> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err("the input is empty: no message arrived on standard input".into());
    }
    if raw.len() > MAX_BYTES {
        return Err(format!(
            "the message is {}, more than intake takes ({})",
            size(raw.len()),
            size(MAX_BYTES)
        ));
    }
    if !starts_with_header(raw) {
        return Err(
            "the input is not an e-mail message (it does not begin with header lines)".into(),
        );
    }
    let message = MessageParser::default()
        .parse(raw)
        .filter(|m| !m.headers().is_empty());
    let Some(message) = message else {
        return Err("the input is not an e-mail message (no header lines)".into());
    };
    let from = match message.from().and_then(|a| a.first()) {
        None => {
            return Err("the message has no From header, so there is no customer to answer".into());
        }
        Some(addr) => addr.address().unwrap_or_default().trim().to_string(),
    };
    if address_of(&from).is_none() {
        return Err(format!(
            "the From header holds no usable address ('{}')",
            from.escape_debug()
        ));
    }
    let mut body: Vec<String> = message
        .text_bodies()
        .filter_map(|part| match &part.body {
            PartType::Text(text) => Some(tidy(text)),
            PartType::Html(html) => Some(html_text(html)),
            _ => None,
        })
        .filter(|t| !t.is_empty())
        .collect();
    let attachments: Vec<String> = message
        .attachments()
        .map(|part| {
            let name = part.attachment_name().unwrap_or("unnamed");
            format!(
                "[attachment not kept: {} ({})]",
                name.trim(),
                size(part.contents().len())
            )
        })
        .collect();
    if !attachments.is_empty() {
        body.push(attachments.join("\n"));
    }
    let raw_header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let mut replies_to = ids(message.in_reply_to());
    let mut references = ids(message.references());
    references.reverse();
    for r in references {
        if !replies_to.contains(&r) {
            replies_to.push(r);
        }
    }
    Ok(Incoming {
        from,
        subject: message.subject().unwrap_or_default().trim().to_string(),
        body: body.join("\n\n"),
        message_id: message
            .message_id()
            .map(|id| id.trim().to_string())
            .filter(|id| !id.is_empty()),
        replies_to,
        auto_submitted: raw_header("Auto-Submitted"),
        precedence: raw_header("Precedence"),
        list_id: raw_header("List-Id").is_some(),
        null_return_path: raw_header("Return-Path")
            .is_some_and(|v| v.trim_matches(['<', '>', ' ']).is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::intake;
    use proptest::prelude::*;

    const PLAIN: &str = "From: Jan <jan@example.com>\r\nSubject: =?ISO-8859-2?Q?Zwrot_nie_dotar=B3?=\r\n\
                         Message-ID: <m1@example.com>\r\nIn-Reply-To: <a@x>\r\nReferences: <r1@x> <a@x> <r2@x>\r\n\
                         Auto-Submitted: no\r\n\r\nHello,\r\n\r\nit broke.   \r\n\r\n";

    #[test]
    fn a_plain_message_is_read_with_its_threading_headers() {
        let m = parse(PLAIN.as_bytes()).unwrap();
        assert_eq!(m.from, "jan@example.com");
        assert_eq!(m.subject, "Zwrot nie dotarł");
        assert_eq!(m.body, "Hello,\n\nit broke.");
        assert_eq!(m.message_id.as_deref(), Some("m1@example.com"));
        assert_eq!(m.replies_to, ["a@x", "r2@x", "r1@x"]);
        assert_eq!(m.auto_submitted.as_deref(), Some("no"));
        assert!(!m.list_id && !m.null_return_path);
    }

    #[test]
    fn html_becomes_text_with_its_paragraphs_and_list_items() {
        let html = "<html><head><style>p{x:1}</style></head><body><p>Hello team,</p>\
                    <p>Invoice&nbsp;#7781 is <b>wrong</b>.</p><ul><li>one</li><li>two</li></ul>\
                    <div>Thanks,<br>Piotr</div><script>track()</script></body></html>";
        assert_eq!(
            html_text(html),
            "Hello team,\n\nInvoice #7781 is wrong.\n\n- one\n- two\n\nThanks,\nPiotr"
        );
    }

    #[test]
    fn an_mbox_envelope_line_is_skipped() {
        let raw = format!("From jan@example.com Mon Nov  2 07:52:13 2026\n{PLAIN}");
        let m = parse(raw.as_bytes()).unwrap();
        assert_eq!(
            (m.from.as_str(), m.subject.as_str()),
            ("jan@example.com", "Zwrot nie dotarł")
        );
    }

    #[test]
    fn unusable_input_says_why() {
        let cases: [(&[u8], &str); 7] = [
            (b"\x89PNG\r\n\x1a\n\0\0", "not an e-mail message"),
            (
                b"Hello there\nFrom: jan@example.com\n\nhi",
                "not an e-mail message",
            ),
            (b"From jan@example.com", "not an e-mail message"),
            (b"", "empty"),
            (b" \r\n", "empty"),
            (b"Subject: hi\r\n\r\nbody", "no From"),
            (b"From: undisclosed-recipients:;\r\n\r\nbody", "no From"),
        ];
        for (raw, needle) in cases {
            let why = parse(raw).unwrap_err();
            assert!(why.contains(needle), "{raw:?}: {why}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Whatever arrives either becomes a usable message (a sender to
        /// answer, a title) or a reason; the reader never panics.
        #[test]
        fn any_bytes_become_a_message_or_a_reason(
            bytes in proptest::collection::vec(any::<u8>(), 0..600),
            header in proptest::option::of("[ -~]{0,40}"),
        ) {
            let mut raw = Vec::new();
            if let Some(h) = header {
                raw.extend_from_slice(format!("From: {h}\r\nSubject: {h}\r\n").as_bytes());
            }
            raw.extend_from_slice(&bytes);
            match parse(&raw) {
                Ok(m) => {
                    prop_assert!(address_of(&m.from).is_some());
                    prop_assert!(!intake::title(&m).is_empty());
                }
                Err(why) => prop_assert!(!why.is_empty()),
            }
        }
    }
}
