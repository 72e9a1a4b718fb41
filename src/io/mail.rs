//! E-mail intake's reader: one RFC 5322 message as a mail delivery agent hands
//! it over, decoded by the `mail-parser` crate (MIME parts, quoted-printable,
//! base64, encoded-word headers, legacy charsets, HTML turned into text) into
//! the [`Incoming`] that `core::intake` decides on.

use mail_parser::decoders::html::html_to_text;
use mail_parser::{HeaderValue, MessageParser, MimeHeaders, PartType};

use std::collections::HashSet;

use crate::core::attachment::{Part, shown_size};
use crate::core::automatic;
use crate::core::intake::{self, Incoming, address_of};

/// The largest message intake takes: beyond it, a message is kept in
/// `rejected/` rather than turned into a ticket file no one can read.
pub const MAX_BYTES: usize = 25 * 1024 * 1024;

/// The most message ids read from In-Reply-To and References together: the
/// newest are the ones that find a ticket, and a message with 200,000
/// references must cost no more than one with a hundred.
pub const MAX_REFERENCES: usize = 100;

/// How much of a report is searched for the returned message's headers.
const MAX_REPORT_SCAN: usize = 256 * 1024;

/// The headers that mark automatic mail, kept in [`Incoming::signs`].
const SIGNS: &[&str] = &[
    "X-Autoreply",
    "X-Autorespond",
    "X-Auto-Response-Suppress",
    "X-Loop",
    "X-Failed-Recipients",
];

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

/// Text as a ticket keeps it: `\n` line ends, no trailing blanks, no blank
/// lines before the first.
fn tidy(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim_matches('\n').to_string()
}

/// Readable text from an HTML body, by the `html2text` crate: a real HTML
/// parser (html5ever), so unclosed `<p>`s, `<style>` and `<script>` inside
/// `<body>` and nested lists come out as a browser would show them, with
/// paragraphs, list items and link targets (as numbered footnotes). The
/// text is not wrapped: a ticket keeps lines as they were written.
fn html_text(html: &str) -> String {
    const NO_WRAP: usize = 100_000;
    let text = html2text::config::plain_no_decorate()
        .no_table_borders()
        .link_footnotes(true)
        .no_link_wrapping()
        .string_from_read(html.as_bytes(), NO_WRAP)
        // An HTML document html5ever cannot read at all is kept as words.
        .unwrap_or_else(|_| html_to_text(html));
    let text = text.replace('\u{a0}', " ");
    let mut out = String::new();
    let mut blank = 0;
    for line in text.lines().map(str::trim_end) {
        if line.trim().is_empty() {
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

/// Runs the mail parser, which panics on some broken MIME structures
/// (found by fuzzing: "Invalid part ID, could not find multipart"). A panic
/// there is a message that cannot be read, kept like any other, never a
/// crash of intake: `None`. The panic's own report is silenced meanwhile
/// (intake parses on the main thread, before any other thread runs).
fn parse_guarded(raw: &[u8]) -> Option<Option<mail_parser::Message<'_>>> {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let parsed = std::panic::catch_unwind(|| MessageParser::default().parse(raw));
    std::panic::set_hook(quiet);
    parsed.ok()
}

/// Reads one message, or says why it cannot become a ticket.
pub fn parse(raw: &[u8]) -> Result<Incoming, String> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err("the input is empty: no message arrived on standard input".into());
    }
    if raw.len() > MAX_BYTES {
        return Err(format!(
            "the message is {}, more than intake takes ({})",
            shown_size(raw.len() as u64),
            shown_size(MAX_BYTES as u64)
        ));
    }
    if !starts_with_header(raw) {
        return Err(
            "the input is not an e-mail message (it does not begin with header lines)".into(),
        );
    }
    let Some(parsed) = parse_guarded(raw) else {
        return Err(
            "the message's MIME structure could not be read (the mail parser gave up on it)".into(),
        );
    };
    let message = parsed.filter(|m| !m.headers().is_empty());
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
    let mut parts = Vec::new();
    let body = contents(&message, 0, &mut parts);
    let raw_header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let mut references = ids(message.references());
    references.reverse();
    let replies_to = capped_unique(ids(message.in_reply_to()).into_iter().chain(references));
    let signs: Vec<(String, String)> = message
        .headers()
        .iter()
        .filter(|h| {
            SIGNS
                .iter()
                .any(|n| h.name.as_str().eq_ignore_ascii_case(n))
        })
        .map(|h| {
            let value = raw
                .get(h.offset_start as usize..h.offset_end as usize)
                .map(|v| String::from_utf8_lossy(v).trim().to_string())
                .unwrap_or_default();
            (h.name.as_str().to_string(), value)
        })
        .collect();
    let report_type = report_type(&message);
    let message_id = message
        .message_id()
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty());
    let null_return_path =
        raw_header("Return-Path").is_some_and(|v| v.trim_matches(['<', '>', ' ']).is_empty());
    let is_report = report_type.is_some()
        || null_return_path
        || automatic::is_mailer(&from)
        || signs
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("X-Failed-Recipients"));
    let returned = if is_report {
        returned(raw, &message, message_id.as_deref())
    } else {
        Returned::default()
    };
    let sender = message.from().and_then(|a| a.first());
    let reply_to = message
        .reply_to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .and_then(address_of);
    Ok(Incoming {
        reply_to,
        name: sender
            .and_then(|a| a.name())
            .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(&from)),
        cc: message
            .cc()
            .map(|cc| {
                cc.iter()
                    .filter_map(|a| a.address().and_then(address_of))
                    .collect()
            })
            .unwrap_or_default(),
        signs,
        report_type,
        reported: returned.ids,
        reported_tag: returned.tag,
        diagnostic: returned.diagnostic,
        digest: digest(raw, &message),
        parts,
        attachments: Vec::new(),
        from,
        subject: message.subject().unwrap_or_default().trim().to_string(),
        body: body.join("\n\n"),
        message_id,
        replies_to,
        auto_submitted: raw_header("Auto-Submitted"),
        precedence: raw_header("Precedence"),
        list_id: raw_header("List-Id").is_some(),
        null_return_path,
    })
}

/// The readable parts of a message: its text bodies (HTML turned into
/// text) and each forwarded message as text (to [`MAX_FORWARD_DEPTH`]).
/// Every other attachment, of the message or of a message it forwards, is
/// added to `files`, to be kept or listed on the event.
fn contents(m: &mail_parser::Message, depth: usize, files: &mut Vec<Part>) -> Vec<String> {
    let mut parts: Vec<String> = m
        .text_bodies()
        .filter_map(|part| match &part.body {
            PartType::Text(text) => Some(tidy(text)),
            PartType::Html(html) => Some(html_text(html)),
            _ => None,
        })
        .filter(|t| !t.is_empty())
        .collect();
    for part in m.attachments() {
        match &part.body {
            PartType::Message(inner) if depth < MAX_FORWARD_DEPTH => {
                parts.push(forwarded(inner, depth + 1, files));
            }
            _ => files.push(Part {
                name: attachment_name(part),
                content_type: part.content_type().map_or_else(
                    || "application/octet-stream".to_string(),
                    |ct| match ct.subtype() {
                        Some(sub) => format!("{}/{sub}", ct.ctype()).to_ascii_lowercase(),
                        None => ct.ctype().to_ascii_lowercase(),
                    },
                ),
                bytes: part.contents().to_vec(),
            }),
        }
    }
    parts
}

/// An attachment's file name as `show` prints it: the name the sender gave,
/// without any folder, on one line, or `unnamed`.
fn attachment_name(part: &mail_parser::MessagePart) -> String {
    let given = part.attachment_name().unwrap_or_default();
    let base = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        "unnamed".into()
    } else {
        clean.to_string()
    }
}

/// How deep forwards inside forwards are followed.
const MAX_FORWARD_DEPTH: usize = 4;

/// A forwarded message (`message/rfc822`) as text to read: a header block
/// with its From, Date and Subject, then its text (HTML turned into text),
/// with the messages it forwards in turn.
fn forwarded(m: &mail_parser::Message, depth: usize, files: &mut Vec<Part>) -> String {
    let mut out = String::from("---------- Forwarded message ----------\n");
    if let Some(from) = m.from().and_then(|a| a.first()) {
        let address = from.address().unwrap_or_default();
        match from.name() {
            Some(name) => out.push_str(&format!("From: {name} <{address}>\n")),
            None => out.push_str(&format!("From: {address}\n")),
        }
    }
    if let Some(date) = m.date() {
        out.push_str(&format!("Date: {}\n", date.to_rfc822()));
    }
    if let Some(subject) = m.subject() {
        out.push_str(&format!("Subject: {}\n", subject.trim()));
    }
    let parts = contents(m, depth, files);
    out.push('\n');
    out.push_str(&parts.join("\n\n"));
    tidy(&out)
}

/// The first [`MAX_REFERENCES`] distinct ids, in their order, in linear time.
fn capped_unique(ids: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.filter(|id| seen.insert(id.clone()))
        .take(MAX_REFERENCES)
        .collect()
}

/// The kind of report a message is: the `report-type` of its
/// `multipart/report`, else the type of a report part it carries
/// (`message/delivery-status` and the like).
fn report_type(message: &mail_parser::Message) -> Option<String> {
    if let Some(ct) = message.content_type()
        && ct.ctype().eq_ignore_ascii_case("multipart")
        && ct
            .subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        && let Some(kind) = ct.attribute("report-type")
    {
        return Some(kind.trim().to_ascii_lowercase());
    }
    message.parts.iter().find_map(|part| {
        let ct = part.content_type()?;
        let sub = ct.subtype()?.to_ascii_lowercase();
        (ct.ctype().eq_ignore_ascii_case("message")
            && matches!(
                sub.as_str(),
                "delivery-status" | "feedback-report" | "disposition-notification"
            ))
        .then_some(sub)
    })
}

/// What a report says about the message it returns.
#[derive(Default)]
struct Returned {
    ids: Vec<String>,
    tag: Option<String>,
    diagnostic: Option<String>,
}

/// The returned message's ids and tag, and the diagnostic, from a report's
/// body as every mail system writes it: a `message/rfc822` or
/// `text/rfc822-headers` part (Postfix, Gmail, Exchange), the copy below the
/// text (Exim, qmail), `Original-Message-ID` (MDN, ARF). Every line of the
/// body (raw and decoded) is searched, up to [`MAX_REPORT_SCAN`] bytes.
fn returned(raw: &[u8], message: &mail_parser::Message, own: Option<&str>) -> Returned {
    let mut text = String::new();
    let body_start = header_end(raw);
    let body = &raw[body_start.min(raw.len())..];
    text.push_str(&String::from_utf8_lossy(
        &body[..body.len().min(MAX_REPORT_SCAN)],
    ));
    for part in message.parts.iter().skip(1) {
        if text.len() > 2 * MAX_REPORT_SCAN {
            break;
        }
        text.push('\n');
        match &part.body {
            PartType::Text(t) | PartType::Html(t) => text.push_str(t),
            PartType::Binary(b) | PartType::InlineBinary(b) => {
                text.push_str(&String::from_utf8_lossy(&b[..b.len().min(MAX_REPORT_SCAN)]));
            }
            PartType::Message(m) => {
                let r = m.raw_message();
                text.push_str(&String::from_utf8_lossy(&r[..r.len().min(MAX_REPORT_SCAN)]));
            }
            PartType::Multipart(_) => {}
        }
    }
    let mut found = Returned::default();
    let mut ids = Vec::new();
    let mut in_ids = false;
    for line in text.lines() {
        let lower = line.trim_start().to_ascii_lowercase();
        let continued = in_ids && line.starts_with([' ', '\t']);
        in_ids = false;
        let is_ids = [
            "message-id:",
            "original-message-id:",
            "in-reply-to:",
            "references:",
        ]
        .iter()
        .any(|h| lower.starts_with(h));
        if is_ids || continued {
            in_ids = true;
            ids.extend(angle_ids(line));
        } else if lower.starts_with("subject:") && found.tag.is_none() {
            found.tag = intake::tag(&line.trim_start()["subject:".len()..]);
        } else if lower.starts_with("diagnostic-code:") {
            found.diagnostic = Some(
                line.trim_start()["diagnostic-code:".len()..]
                    .trim()
                    .to_string(),
            );
        } else if lower.starts_with("status:") && found.diagnostic.is_none() {
            found.diagnostic = Some(line.trim_start()["status:".len()..].trim().to_string());
        }
    }
    found.ids = capped_unique(ids.into_iter().filter(|id| Some(id.as_str()) != own));
    found.diagnostic = found.diagnostic.filter(|d| !d.is_empty());
    found
}

/// The `<…>` ids on a line.
fn angle_ids(line: &str) -> impl Iterator<Item = String> + '_ {
    line.split('<').skip(1).filter_map(|chunk| {
        let (id, _) = chunk.split_once('>')?;
        let id = id.trim();
        (!id.is_empty() && !id.contains(char::is_whitespace)).then(|| id.to_string())
    })
}

/// Where the header block of raw mail ends (the body's first byte).
fn header_end(raw: &[u8]) -> usize {
    let crlf = raw.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4);
    let lf = raw.windows(2).position(|w| w == b"\n\n").map(|p| p + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(raw.len()),
    }
}

/// A digest of what makes a message this message, the same however often
/// and by whatever route it is delivered: the body and the headers its
/// author wrote (From, To, Cc, Date, Subject, Message-ID), not the
/// `Received` lines each delivery adds. 128-bit FNV-1a: this tells
/// deliveries apart, it is not a defence against forgery.
fn digest(raw: &[u8], message: &mail_parser::Message) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;
    let mut h = OFFSET;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u128::from(b);
            h = h.wrapping_mul(PRIME);
        }
        h ^= 0xff;
        h = h.wrapping_mul(PRIME);
    };
    for name in ["From", "To", "Cc", "Date", "Subject", "Message-ID"] {
        eat(message
            .header_raw(name)
            .unwrap_or_default()
            .trim()
            .as_bytes());
    }
    eat(&raw[header_end(raw).min(raw.len())..]);
    format!("fnv1a128:{h:032x}")
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
            "Hello team,\n\nInvoice #7781 is wrong.\n* one\n* two\n\nThanks,\nPiotr"
        );
    }

    #[test]
    fn html_keeps_no_style_in_the_body_and_no_paragraph_run_together() {
        let html = "<body><style>.x{color:red}</style><p>First<p>Second \
                    <a href=\"https://example.com/order/18823\">your order</a><script>x()</script></body>";
        let text = html_text(html);
        assert!(!text.contains("color"), "{text}");
        assert!(!text.contains("x()"), "{text}");
        assert!(
            text.starts_with("First\n\nSecond [your order][1]"),
            "{text}"
        );
        assert!(
            text.contains("https://example.com/order/18823"),
            "link target kept: {text}"
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

    #[test]
    fn a_report_names_the_message_it_returns_and_the_diagnostic() {
        let m = parse(include_bytes!("../../tests/fixtures/mail/dsn-postfix.eml")).unwrap();
        assert_eq!(m.report_type.as_deref(), Some("delivery-status"));
        assert!(
            m.reported
                .contains(&"CAF=3kT9x1Zq@mail.gmail.com".to_string())
        );
        assert!(
            !m.reported
                .contains(&"20261102070102.4N8kR01abcz9vLm@mx1.example.com".to_string()),
            "not its own id: {:?}",
            m.reported
        );
        assert_eq!(m.reported_tag.as_deref(), Some("0b7c6f1e"));
        assert!(m.diagnostic.as_deref().unwrap().contains("550 5.1.1"));
        let plain = parse(PLAIN.as_bytes()).unwrap();
        assert!(plain.reported.is_empty(), "only reports are searched");
    }

    #[test]
    fn the_digest_ignores_what_each_delivery_adds() {
        let a = parse(PLAIN.as_bytes()).unwrap();
        let b = parse(format!("Received: by mx2\r\nReturn-Path: <x@y.z>\r\n{PLAIN}").as_bytes())
            .unwrap();
        let c = parse(PLAIN.replace("it broke", "it works").as_bytes()).unwrap();
        assert_eq!(a.digest, b.digest);
        assert_ne!(a.digest, c.digest);
    }

    #[test]
    fn references_are_capped_and_unique() {
        let refs: Vec<String> = (0..500).map(|i| format!("<r{}@x>", i % 250)).collect();
        let raw = format!(
            "From: a@b.example\r\nIn-Reply-To: <r3@x>\r\nReferences: {}\r\n\r\nx",
            refs.join(" ")
        );
        let m = parse(raw.as_bytes()).unwrap();
        assert_eq!(m.replies_to.len(), MAX_REFERENCES);
        assert_eq!(m.replies_to[0], "r3@x");
        assert_eq!(m.replies_to[1], "r249@x", "newest reference next");
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
