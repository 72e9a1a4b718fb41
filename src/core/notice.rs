//! What baton tells a customer: the acknowledgement of a new ticket and the
//! notice of a status change, rendered from the team's templates into a mail
//! that hooks can hand to `sendmail -t` as it is.

use chrono::{DateTime, Utc};

use super::config::{Config, SYSTEM_ACTOR};
use super::intake::{self, address_of};
use super::template;
use super::ticket::{Event, EventKind, Ticket, View};

/// Which template a notice comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `[templates] ack`: a new ticket.
    Ack,
    /// `[templates] status`: a status change.
    Status,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ack => "ack",
            Kind::Status => "status",
        }
    }
}

/// A message for the customer, rendered and ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: Kind,
    /// The customer's address.
    pub to: String,
    /// `[intake] address`, when set.
    pub from: Option<String>,
    pub subject: String,
    pub text: String,
    /// The customer's latest message this answers, without angle brackets.
    pub in_reply_to: Option<String>,
    /// Every message of the ticket, oldest first.
    pub references: Vec<String>,
}

/// A time as customers read it: `Tuesday 3 November 2026, 04:00 UTC`.
pub fn customer_time(t: DateTime<Utc>) -> String {
    t.format("%A %-d %B %Y, %H:%M UTC").to_string()
}

/// The notice a new event owes the customer, if any: an acknowledgement for
/// a `created` event (from mail intake only when intake allowed one: the
/// event's `ack`), a status notice for a status change a person made. None
/// when the customer has no address mail can go to.
pub fn for_event(
    t: &Ticket,
    e: &Event,
    short: &str,
    config: &Config,
    due: Option<DateTime<Utc>>,
) -> Option<Notice> {
    let (kind, to) = match e.view().ok()? {
        View::Created { .. } if e.by == SYSTEM_ACTOR => (Kind::Ack, address_of(e.ack.as_deref()?)?),
        View::Created { .. } => (Kind::Ack, address_of(&t.customer)?),
        // A status change baton made itself (a customer's message reopening
        // the ticket) answers mail, so it is never announced: no loops.
        View::Status { .. } if e.by != SYSTEM_ACTOR => (Kind::Status, address_of(&t.customer)?),
        _ => return None,
    };
    let value = |name: &str| -> String {
        match name {
            "id" => intake::mail_tag(short, t.id),
            "full_id" => t.id.to_string(),
            "title" => one_line(&t.title),
            "owner" => t.owner.clone(),
            "status" => t.status.as_str().to_string(),
            "deadline" => due.map(customer_time).unwrap_or_default(),
            "missing" => super::checklist::missing_in(t, config),
            "first_response" => customer_time(
                t.created
                    + chrono::Duration::from_std(config.sla.first_response)
                        .unwrap_or_else(|_| chrono::Duration::zero()),
            ),
            "customer" => one_line(&t.customer),
            "name" => intake::customer_name(t).map(one_line).unwrap_or_default(),
            "priority" => t.priority.as_str().to_string(),
            "note" => e.note.clone().unwrap_or_default(),
            _ => String::new(),
        }
    };
    let (subject, body) = match kind {
        Kind::Ack => (&config.templates.ack_subject, &config.templates.ack),
        Kind::Status => (&config.templates.status_subject, &config.templates.status),
    };
    // Only the customer's own messages are answered: never a stranger's
    // mail or a bounce that a ticket also holds.
    let references: Vec<String> = t
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Created | EventKind::Customer))
        .filter_map(|e| e.message_id.clone())
        .collect();
    Some(Notice {
        kind,
        to,
        from: config
            .intake
            .address
            .as_deref()
            .map(one_line)
            .filter(|a| !a.is_empty()),
        subject: one_line(&template::render(subject, value)),
        text: template::render(body, value),
        in_reply_to: references.last().cloned(),
        references,
    })
}

/// Text for a header: control characters (newlines among them, which could
/// start a header of their own) become spaces, runs of spaces one.
fn one_line(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
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
fn encode_header(value: &str) -> String {
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

impl Notice {
    /// The notice as an RFC 5322 message for `sendmail -t`: `To`, `Subject`
    /// (encoded when not ASCII), threading headers so the customer's mail
    /// program shows it beside their message, and `Auto-Submitted`, so that
    /// the customer's own auto-responder does not answer it.
    pub fn mail(&self) -> String {
        let mut m = String::new();
        if let Some(from) = &self.from {
            m.push_str(&format!("From: {from}\n"));
        }
        m.push_str(&format!("To: {}\n", self.to));
        m.push_str(&format!("Subject: {}\n", encode_header(&self.subject)));
        if let Some(id) = &self.in_reply_to {
            m.push_str(&format!("In-Reply-To: <{}>\n", one_line(id)));
        }
        if !self.references.is_empty() {
            let refs: Vec<String> = self
                .references
                .iter()
                .map(|r| format!("<{}>", one_line(r)))
                .collect();
            m.push_str(&format!("References: {}\n", refs.join("\n ")));
        }
        let auto = match self.kind {
            Kind::Ack => "auto-replied",
            Kind::Status => "auto-generated",
        };
        m.push_str(&format!("Auto-Submitted: {auto}\n"));
        m.push_str("MIME-Version: 1.0\n");
        m.push_str("Content-Type: text/plain; charset=utf-8\n");
        let text = self.text.replace("\r\n", "\n");
        // Mail lines may not exceed 998 bytes; a longer one goes as base64.
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::action::{self, Draft};
    use crate::core::intake::{self, Incoming};
    use crate::core::ticket::{EventKind, Status};
    use chrono::TimeZone;
    use uuid::Uuid;

    fn config(extra: &str) -> Config {
        Config::parse(&format!(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[[people]]\nname = \"cora\"\nlevel = 3\n{extra}"
        ))
        .unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap()
    }

    fn ticket(c: &Config, customer: &str) -> Ticket {
        let cx = action::Ctx {
            actor: "ana",
            now: now(),
            config: c,
            label: "0b7c",
        };
        let draft = Draft {
            title: "Zwrot\nnie dotarł".into(),
            customer: customer.into(),
            ..Draft::default()
        };
        let id = Uuid::parse_str("0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84").unwrap();
        action::create(&cx, id, draft).unwrap()
    }

    #[test]
    fn a_new_ticket_s_acknowledgement_names_owner_and_deadline() {
        let c = config("[intake]\naddress = \"Support <help@example.com>\"\n");
        let t = ticket(&c, "Jan <jan@example.com>");
        let due = now() + chrono::Duration::hours(20);
        let n = for_event(&t, &t.events[0], "0b7c", &c, Some(due)).unwrap();
        assert_eq!((n.kind, n.to.as_str()), (Kind::Ack, "jan@example.com"));
        assert_eq!(n.subject, "[#0b7c6f1e] Zwrot nie dotarł");
        assert!(n.text.contains("ana is looking after it"), "{}", n.text);
        assert!(
            n.text.contains("Tuesday 3 November 2026, 04:00 UTC"),
            "{}",
            n.text
        );
        let mail = n.mail();
        assert!(
            mail.starts_with(
                "From: Support <help@example.com>\nTo: jan@example.com\n\
             Subject: =?UTF-8?B?WyMwYjdjNmYxZV0gWndyb3QgbmllIGRvdGFyxYI=?=\n"
            ),
            "{mail}"
        );
        assert!(mail.contains("\nAuto-Submitted: auto-replied\n"), "{mail}");
    }

    #[test]
    fn status_notices_go_only_for_changes_people_make() {
        let c = config("");
        let mut t = ticket(&c, "jan@example.com");
        let cx = action::Ctx {
            actor: "ana",
            now: now(),
            config: &c,
            label: "0b7c",
        };
        action::set_status(
            &mut t,
            &cx,
            Status::Resolved,
            Some("refund sent".into()),
            false,
        )
        .unwrap();
        let n = for_event(&t, t.events.last().unwrap(), "0b7c", &c, None).unwrap();
        assert_eq!(n.kind, Kind::Status);
        assert_eq!(n.subject, "[#0b7c6f1e] Zwrot nie dotarł (resolved)");
        assert!(
            n.text.contains("is now resolved.\nrefund sent\n"),
            "{}",
            n.text
        );
        let exploded = Event::new(now(), "ana", EventKind::Status)
            .from("resolved")
            .to("exploded");
        assert_eq!(
            for_event(&t, &exploded, "0b7c", &c, None),
            None,
            "no notice for a malformed status change"
        );
        let mail = Incoming {
            from: "jan@example.com".into(),
            message_id: Some("m2@example.com".into()),
            ..Incoming::default()
        };
        intake::add_message(&mut t, now(), &mail);
        let reopen = t.events.last().unwrap();
        assert_eq!(reopen.kind, EventKind::Status);
        assert_eq!(for_event(&t, reopen, "0b7c", &c, None), None);
        let note = &t.events[t.events.len() - 2];
        assert_eq!(
            for_event(&t, note, "0b7c", &c, None),
            None,
            "no notice for a customer event"
        );
    }

    #[test]
    fn no_notice_without_an_address_or_when_intake_refused_one() {
        let c = config("");
        let t = ticket(&c, "acme corp");
        assert_eq!(for_event(&t, &t.events[0], "0b7c", &c, None), None);
        let mut m = Incoming {
            from: "jan@example.com".into(),
            subject: "Help".into(),
            message_id: Some("m1@x".into()),
            ..Incoming::default()
        };
        let refused = intake::new_ticket(
            &c,
            now(),
            Uuid::nil(),
            &m,
            intake::tests::owned_by("ana"),
            None,
        )
        .unwrap();
        assert_eq!(
            for_event(&refused, &refused.events[0], "0000", &c, None),
            None
        );
        m.message_id = Some("m2@x".into());
        let allowed = intake::new_ticket(
            &c,
            now(),
            Uuid::nil(),
            &m,
            intake::tests::owned_by("ana"),
            Some("jan@example.com".into()),
        )
        .unwrap();
        let n = for_event(&allowed, &allowed.events[0], "0000", &c, None).unwrap();
        assert_eq!(n.in_reply_to.as_deref(), Some("m2@x"));
        assert!(
            n.mail()
                .contains("In-Reply-To: <m2@x>\nReferences: <m2@x>\n")
        );
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
