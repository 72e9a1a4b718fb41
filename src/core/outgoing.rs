//! Mail baton sends a customer, as whole RFC 5322 messages: the human reply
//! (`baton reply`), the acknowledgement of a new ticket and the notice of a
//! status change. Each gets its own `Message-ID`, made from its event so
//! that queueing one event twice makes one message, and threads under the
//! customer's latest message. Also the outbox's timing: when a failed
//! message is tried again, and when baton gives up. Pure.

use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::config::{Config, SYSTEM_ACTOR};
use super::intake::{self, address_of};
use super::notice::{self, Notice};
use super::ticket::{Event, EventKind, Ticket, View};

/// What a message is, which decides its `Auto-Submitted` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A person's reply: no `Auto-Submitted`, the customer may answer it.
    Reply,
    /// The acknowledgement of a new ticket (`auto-replied`).
    Ack,
    /// A status notice (`auto-generated`).
    Status,
    /// The notice that a promise will be late (`auto-generated`).
    Delay,
    /// The survey after a resolve (`auto-generated`).
    Survey,
}

impl Kind {
    /// The name in the outbox, `--json` and the hooks' payload.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Reply => "reply",
            Kind::Ack => "ack",
            Kind::Status => "status",
            Kind::Delay => "delay",
            Kind::Survey => "survey",
        }
    }

    /// Reads [`Kind::as_str`] back.
    pub fn parse(text: &str) -> Option<Kind> {
        [
            Kind::Reply,
            Kind::Ack,
            Kind::Status,
            Kind::Delay,
            Kind::Survey,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }

    /// The `Auto-Submitted` value (RFC 3834), none for a person's reply.
    fn auto_submitted(self) -> Option<&'static str> {
        match self {
            Kind::Reply => None,
            Kind::Ack => Some("auto-replied"),
            Kind::Status | Kind::Delay | Kind::Survey => Some("auto-generated"),
        }
    }
}

/// A message for a customer, whole, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub kind: Kind,
    /// The ticket it is about, and the index of the event that made it.
    pub ticket: Uuid,
    pub event: usize,
    /// `[intake] address`, when set.
    pub from: Option<String>,
    /// The bare address it goes to.
    pub to: String,
    pub subject: String,
    pub text: String,
    /// Its own Message-ID, without angle brackets.
    pub message_id: String,
    pub date: DateTime<Utc>,
    /// The customer's latest message, without angle brackets.
    pub in_reply_to: Option<String>,
    /// Every message of the customer's on the ticket, oldest first.
    pub references: Vec<String>,
}

/// The domain of baton's Message-IDs: that of `[intake] address`, else one
/// that can never be anyone's (RFC 6761).
fn domain(config: &Config) -> String {
    config
        .intake
        .address
        .as_deref()
        .and_then(address_of)
        .and_then(|a| a.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()))
        .filter(|d| {
            !d.is_empty()
                && d.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        })
        .unwrap_or_else(|| "baton.invalid".into())
}

/// The Message-ID of the message event `index` of ticket `id` makes: the
/// same every time for the same event (under `BATON_NOW` and
/// `BATON_ID_SEED` tests can pin it), different for any other event,
/// whichever clone made it (the actor and the time are in it too).
pub fn message_id(id: Uuid, index: usize, e: &Event, config: &Config) -> String {
    let actor: String =
        e.by.chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
    format!(
        "{}.{}.{}.{}@{}",
        e.at.format("%Y%m%dT%H%M%SZ"),
        index,
        if actor.is_empty() { "x" } else { &actor },
        id.simple(),
        domain(config)
    )
}

/// The Message-IDs of the customer's own messages on a ticket, oldest first:
/// what baton's mail answers (never a stranger's mail or a bounce).
fn customer_messages(t: &Ticket) -> Vec<String> {
    t.events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Created | EventKind::Customer))
        .filter_map(|e| e.message_id.clone())
        .collect()
}

/// Where a person's reply goes: where the customer asked answers to go
/// (the `Reply-To` mail intake kept for the acknowledgement), else the
/// customer's address; none when the customer has no address.
pub fn reply_address(t: &Ticket) -> Option<String> {
    let created = t.events.first()?;
    if created.by == SYSTEM_ACTOR
        && let Some(a) = created.ack.as_deref().and_then(address_of)
    {
        return Some(a);
    }
    address_of(&t.customer)
}

/// The customer's latest message as a quote: `On DATE, WHO wrote:` and its
/// lines after `> `. None when the customer has written nothing.
fn quote(t: &Ticket) -> Option<String> {
    let (at, text) = t.events.iter().rev().find_map(|e| match e.kind {
        EventKind::Customer => Some((e.at, e.text.clone()?)),
        EventKind::Created if e.by == SYSTEM_ACTOR => Some((e.at, t.description.clone())),
        _ => None,
    })?;
    if text.trim().is_empty() {
        return None;
    }
    let mut q = format!(
        "On {}, {} wrote:\n",
        notice::customer_time(at),
        one_line(&t.customer)
    );
    for line in text.trim_end().lines() {
        q.push_str(if line.is_empty() { ">" } else { "> " });
        q.push_str(line);
        q.push('\n');
    }
    Some(q)
}

/// The message event `index` of `t` owes the customer, if any: a reply for
/// a `reply` event, an acknowledgement or a status notice as
/// [`notice::for_event`] decides. `due` is the ticket's deadline.
pub fn for_event(
    t: &Ticket,
    index: usize,
    short: &str,
    config: &Config,
    due: Option<DateTime<Utc>>,
) -> Option<Outgoing> {
    let e = t.events.get(index)?;
    let from = config
        .intake
        .address
        .as_deref()
        .map(one_line)
        .filter(|a| !a.is_empty());
    let id = e
        .message_id
        .clone()
        .filter(|_| e.kind == EventKind::Reply)
        .unwrap_or_else(|| message_id(t.id, index, e, config));
    if let Ok(View::Reply { text }) = e.view() {
        let to = reply_address(t)?;
        let references = customer_messages(t);
        let mut body = text.trim_end().to_string();
        body.push('\n');
        if config.mail.quote
            && let Some(q) = quote(t)
        {
            body.push('\n');
            body.push_str(&q);
        }
        return Some(Outgoing {
            kind: Kind::Reply,
            ticket: t.id,
            event: index,
            from,
            to,
            subject: format!(
                "Re: [#{}] {}",
                intake::mail_tag(short, t.id),
                one_line(&t.title)
            ),
            text: body,
            message_id: id,
            date: e.at,
            in_reply_to: references.last().cloned(),
            references,
        });
    }
    let n: Notice = notice::for_event(t, e, short, config, due)?;
    Some(Outgoing {
        kind: match n.kind {
            notice::Kind::Ack => Kind::Ack,
            notice::Kind::Status => Kind::Status,
            notice::Kind::Delay => Kind::Delay,
            notice::Kind::Survey => Kind::Survey,
        },
        ticket: t.id,
        event: index,
        from: n.from,
        to: n.to,
        subject: n.subject,
        text: n.text,
        message_id: id,
        date: e.at,
        in_reply_to: n.in_reply_to,
        references: n.references,
    })
}

/// The message `baton mail test` sends to `to`: plain, marked automatic,
/// so that no auto-responder answers it.
pub fn test_message(config: &Config, to: &str, now: DateTime<Utc>) -> Outgoing {
    Outgoing {
        kind: Kind::Status,
        ticket: Uuid::nil(),
        event: 0,
        from: config
            .intake
            .address
            .as_deref()
            .map(one_line)
            .filter(|a| !a.is_empty()),
        to: to.to_string(),
        subject: "baton mail test".into(),
        text: "This is a test message from baton: mail to customers can leave this way.\n".into(),
        message_id: format!("test.{}@{}", now.format("%Y%m%dT%H%M%SZ"), domain(config)),
        date: now,
        in_reply_to: None,
        references: Vec::new(),
    }
}

impl Outgoing {
    /// The whole message (lines end in `\n`; SMTP turns them into CRLF).
    pub fn mail(&self) -> String {
        let mut m = address_headers(self.from.as_deref(), &self.to, &self.subject);
        m.push_str(&format!("Date: {}\n", self.date.to_rfc2822()));
        m.push_str(&format!("Message-ID: <{}>\n", one_line(&self.message_id)));
        m.push_str(&thread_headers(
            self.in_reply_to.as_deref(),
            &self.references,
        ));
        if let Some(auto) = self.kind.auto_submitted() {
            m.push_str(&format!("Auto-Submitted: {auto}\n"));
        }
        m.push_str(&body(&self.text));
        m
    }
}

/// `From` (when the desk has an address), `To` and `Subject` (encoded when
/// not ASCII).
pub(super) fn address_headers(from: Option<&str>, to: &str, subject: &str) -> String {
    let mut m = String::new();
    if let Some(from) = from {
        m.push_str(&format!("From: {from}\n"));
    }
    m.push_str(&format!("To: {to}\n"));
    m.push_str(&format!("Subject: {}\n", encode_header(subject)));
    m
}

/// `In-Reply-To` and `References`, so the customer's mail program shows the
/// message beside theirs.
pub(super) fn thread_headers(in_reply_to: Option<&str>, references: &[String]) -> String {
    let mut m = String::new();
    if let Some(id) = in_reply_to {
        m.push_str(&format!("In-Reply-To: <{}>\n", one_line(id)));
    }
    if !references.is_empty() {
        let refs: Vec<String> = references
            .iter()
            .map(|r| format!("<{}>", one_line(r)))
            .collect();
        m.push_str(&format!("References: {}\n", refs.join("\n ")));
    }
    m
}

/// The MIME headers, the blank line and the text: 7bit or 8bit as it is,
/// base64 when a line would pass the 998 bytes mail allows.
pub(super) fn body(text: &str) -> String {
    let mut m = String::new();
    m.push_str("MIME-Version: 1.0\n");
    m.push_str("Content-Type: text/plain; charset=utf-8\n");
    let text = text.replace("\r\n", "\n");
    if text.lines().any(|l| l.len() > 900) {
        m.push_str("Content-Transfer-Encoding: base64\n\n");
        let encoded = base64(text.as_bytes());
        for line in encoded.as_bytes().chunks(76) {
            m.push_str(std::str::from_utf8(line).unwrap_or_default());
            m.push('\n');
        }
    } else {
        let cte = if text.is_ascii() { "7bit" } else { "8bit" };
        m.push_str(&format!("Content-Transfer-Encoding: {cte}\n\n"));
        m.push_str(&text);
        if !text.ends_with('\n') {
            m.push('\n');
        }
    }
    m
}

/// Text for a header: control characters (newlines among them, which could
/// start a header of their own) become spaces, runs of spaces one.
pub fn one_line(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(super) fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A header value as RFC 2047 encoded words when it is not plain ASCII,
/// folded so that no line grows past 78 characters.
pub(super) fn encode_header(value: &str) -> String {
    if value.is_ascii() {
        return value.to_string();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in value.chars() {
        // 45 bytes make 60 base64 characters: with "=?UTF-8?B??=" a word of 72.
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
    }
    words.join("\n ")
}

/// The first retry comes this long after a failure; each later one twice as
/// long after the one before, up to [`LONGEST_WAIT`].
const FIRST_WAIT: Duration = Duration::from_secs(60);

/// The longest wait between two attempts: a server back after a night's
/// outage gets its mail within the hour.
const LONGEST_WAIT: Duration = Duration::from_secs(3600);

/// How long to wait before the next attempt after `attempts` failed ones
/// (exponential back-off: 1 minute, 2, 4, … up to an hour).
pub fn retry_after(attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(16);
    FIRST_WAIT.saturating_mul(1 << doublings).min(LONGEST_WAIT)
}

/// When a message that failed its `attempts`-th attempt at `now` is tried
/// again.
pub fn next_attempt(now: DateTime<Utc>, attempts: u32) -> DateTime<Utc> {
    now + chrono::Duration::from_std(retry_after(attempts))
        .unwrap_or_else(|_| chrono::Duration::hours(1))
}

/// Whether a message queued at `queued` that still fails at `now` is given
/// up: `[mail] give_up_after` has passed.
pub fn gives_up(queued: DateTime<Utc>, now: DateTime<Utc>, give_up_after: Duration) -> bool {
    chrono::Duration::from_std(give_up_after).is_ok_and(|limit| now - queued >= limit)
}

/// The event that tells the owner a message never reached the customer:
/// a `delivery-failed` event (as a bounce makes), naming the message and the
/// transport's last word.
pub fn delivery_failed(
    at: DateTime<Utc>,
    kind: Kind,
    to: &str,
    message_id: &str,
    attempts: u32,
    last_error: &str,
) -> Event {
    let mut e = Event::new(at, SYSTEM_ACTOR, EventKind::DeliveryFailed)
        .from(SYSTEM_ACTOR)
        .text(format!(
            "The {} to {to} could not be sent after {attempts} attempt{}; baton gave up.",
            match kind {
                Kind::Reply => "reply",
                Kind::Ack => "acknowledgement",
                Kind::Status => "status notice",
                Kind::Delay => "delay notice",
                Kind::Survey => "survey",
            },
            if attempts == 1 { "" } else { "s" }
        ))
        .note(Some(last_error.to_string()));
    e.extra.insert(
        FAILED_MESSAGE_KEY.into(),
        toml::Value::String(message_id.to_string()),
    );
    e
}

/// The key of a `delivery-failed` event baton wrote when it gave up: the
/// Message-ID of the message that never left.
pub const FAILED_MESSAGE_KEY: &str = "failed_message";

/// How a reply's message fared, as `show` marks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The transport accepted it.
    Sent,
    /// It waits in the outbox (no transport yet, or retrying).
    Queued,
    /// baton gave up on it, or a bounce came back for it.
    Failed,
}

impl Delivery {
    /// The name in `show` and its `--json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Sent => "sent",
            Delivery::Queued => "queued",
            Delivery::Failed => "failed",
        }
    }
}

/// What this copy of the store knows of a message: its outbox holds it, its
/// record of sent mail names it, or neither (another clone queued it, or it
/// was recorded before the outbox).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Local {
    Queued,
    Sent,
    Unknown,
}

/// How the message of event `index` fared: failed when a `delivery-failed`
/// event names it, else as this copy's outbox knows it (`local`). None for
/// an event that made no message (no Message-ID recorded), or one this copy
/// knows nothing of: no mark is better than a wrong one.
pub fn delivery(t: &Ticket, index: usize, local: Local) -> Option<Delivery> {
    let e = t.events.get(index)?;
    let id = e
        .message_id
        .as_deref()
        .filter(|_| e.kind == EventKind::Reply)?;
    let failed = t.events[index..].iter().any(|d| {
        d.kind == EventKind::DeliveryFailed
            && d.extra
                .get(FAILED_MESSAGE_KEY)
                .and_then(toml::Value::as_str)
                == Some(id)
    });
    match (failed, local) {
        (true, _) => Some(Delivery::Failed),
        (false, Local::Queued) => Some(Delivery::Queued),
        (false, Local::Sent) => Some(Delivery::Sent),
        (false, Local::Unknown) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::action;
    use crate::core::intake::Incoming;
    use crate::core::notice::tests::now;

    fn config(extra: &str) -> Config {
        Config::parse(&format!(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[intake]\naddress = \"Support <help@example.com>\"\n{extra}"
        ))
        .unwrap()
    }

    /// A ticket from mail `m1@x` of Jan's, with Reply-To `desk@jan.example`,
    /// a second message `m2@x`, and a reply of ana's.
    fn replied(c: &Config) -> Ticket {
        let mail = Incoming {
            from: "Jan <jan@example.com>".into(),
            subject: "Refund".into(),
            body: "Where is my refund?\n".into(),
            message_id: Some("m1@x".into()),
            ..Incoming::default()
        };
        let id = Uuid::parse_str("0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84").unwrap();
        let mut t = intake::new_ticket(
            c,
            now(),
            id,
            &mail,
            intake::tests::owned_by("ana"),
            Some("desk@jan.example".into()),
        )
        .unwrap();
        let again = Incoming {
            body: "Any news?\n\nOn Monday you wrote:\n> old\n".into(),
            message_id: Some("m2@x".into()),
            ..mail
        };
        intake::add_message(&mut t, now() + chrono::Duration::hours(1), &again);
        let cx = action::Ctx {
            actor: "ana",
            now: now() + chrono::Duration::hours(2),
            config: c,
            label: "0b7c",
        };
        action::reply(&mut t, &cx, "The refund left today.").unwrap();
        t
    }

    #[test]
    fn a_reply_is_a_whole_message_threaded_under_the_customer_s_latest() {
        let c = config("");
        let t = replied(&c);
        let last = t.events.len() - 1;
        let o = for_event(&t, last, "0b7c", &c, None).unwrap();
        assert_eq!(o.kind, Kind::Reply);
        assert_eq!(o.to, "desk@jan.example", "the Reply-To intake kept");
        assert_eq!(
            o.message_id,
            format!("20261102T100000Z.{last}.ana.0b7c6f1e5d1a4f7e9a533c2d1e0f9a84@example.com")
        );
        let mail = o.mail();
        assert_eq!(
            mail,
            format!(
                "From: Support <help@example.com>\nTo: desk@jan.example\n\
                 Subject: Re: [#0b7c6f1e] Refund\nDate: Mon, 2 Nov 2026 10:00:00 +0000\n\
                 Message-ID: <{}>\nIn-Reply-To: <m2@x>\nReferences: <m1@x>\n <m2@x>\n\
                 MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\
                 Content-Transfer-Encoding: 7bit\n\nThe refund left today.\n",
                o.message_id
            )
        );
        assert!(
            !mail.contains("Auto-Submitted"),
            "a person's reply is not automatic"
        );
    }

    #[test]
    fn a_recorded_message_id_is_the_one_sent() {
        let c = config("");
        let mut t = replied(&c);
        let last = t.events.len() - 1;
        t.events[last].message_id = Some("pinned@example.com".into());
        let o = for_event(&t, last, "0b7c", &c, None).unwrap();
        assert_eq!(o.message_id, "pinned@example.com");
    }

    #[test]
    fn quote_adds_the_customer_s_latest_words_only_when_asked() {
        let plain = config("");
        let quoting = config("[mail]\nquote = true\n");
        let t = replied(&plain);
        let last = t.events.len() - 1;
        let without = for_event(&t, last, "0b7c", &plain, None).unwrap();
        assert_eq!(without.text, "The refund left today.\n");
        let with = for_event(&t, last, "0b7c", &quoting, None).unwrap();
        assert_eq!(
            with.text,
            "The refund left today.\n\nOn Monday 2 November 2026, 09:00 UTC, jan@example.com wrote:\n> Any news?\n"
        );
    }

    #[test]
    fn acknowledgements_and_notices_keep_auto_submitted_and_get_their_own_id() {
        let c = config("");
        let t = replied(&c);
        let ack = for_event(&t, 0, "0b7c", &c, None).unwrap();
        assert_eq!(ack.kind, Kind::Ack);
        let mail = ack.mail();
        assert!(mail.contains("\nAuto-Submitted: auto-replied\n"), "{mail}");
        assert!(
            mail.contains("\nMessage-ID: <20261102T080000Z.0.baton.0b7c6f1e5d1a4f7e9a533c2d1e0f9a84@example.com>\n"),
            "{mail}"
        );
        assert_ne!(ack.message_id, "m1@x", "never the customer's own id");
        assert_eq!(
            for_event(&t, 1, "0b7c", &c, None),
            None,
            "a customer's message owes nothing"
        );
    }

    #[test]
    fn no_message_for_a_customer_without_an_address() {
        let c = config("");
        let mut t = replied(&c);
        t.customer = "acme corp".into();
        t.events[0].ack = None;
        assert_eq!(for_event(&t, t.events.len() - 1, "0b7c", &c, None), None);
    }

    #[test]
    fn retries_back_off_from_a_minute_to_an_hour() {
        let waits: Vec<u64> = (1..=9).map(|n| retry_after(n).as_secs()).collect();
        assert_eq!(waits, [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(retry_after(u32::MAX).as_secs(), 3600);
        assert_eq!(next_attempt(now(), 2), now() + chrono::Duration::minutes(2));
    }

    #[test]
    fn baton_gives_up_once_give_up_after_has_passed() {
        let two_days = Duration::from_secs(2 * 24 * 3600);
        let queued = now();
        assert!(!gives_up(
            queued,
            now() + chrono::Duration::hours(47),
            two_days
        ));
        assert!(gives_up(
            queued,
            now() + chrono::Duration::hours(48),
            two_days
        ));
    }

    #[test]
    fn a_reply_s_delivery_follows_the_outbox_and_the_give_up_event() {
        let c = config("");
        let mut t = replied(&c);
        let last = t.events.len() - 1;
        assert_eq!(
            delivery(&t, last, Local::Sent),
            None,
            "no message id recorded: no mark"
        );
        t.events[last].message_id = Some("r1@example.com".into());
        assert_eq!(delivery(&t, last, Local::Queued), Some(Delivery::Queued));
        assert_eq!(delivery(&t, last, Local::Sent), Some(Delivery::Sent));
        assert_eq!(delivery(&t, last, Local::Unknown), None, "another clone's");
        t.record(delivery_failed(
            now(),
            Kind::Reply,
            "jan@example.com",
            "r1@example.com",
            5,
            "550 no",
        ));
        assert_eq!(delivery(&t, last, Local::Unknown), Some(Delivery::Failed));
        assert!(
            t.events.last().unwrap().view().is_ok(),
            "a well-formed event"
        );
    }

    #[test]
    fn message_ids_use_the_support_domain_or_an_invalid_one() {
        let e = Event::new(now(), "ana", EventKind::Reply);
        let bare = Config::parse("[[people]]\nname = \"ana\"\nlevel = 1\n").unwrap();
        assert!(message_id(Uuid::nil(), 3, &e, &bare).ends_with("@baton.invalid"));
        assert!(message_id(Uuid::nil(), 3, &e, &config("")).ends_with("@example.com"));
    }

    #[test]
    fn base64_matches_the_standard() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }
}
