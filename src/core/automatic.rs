//! Which mail a machine sent: delivery reports (bounces, RFC 3464), automatic
//! replies (RFC 3834 and the vendors' own headers), feedback reports (ARF,
//! RFC 5965), read receipts (MDN, RFC 8098), list and bulk mail, and the
//! senders that never read what they are sent. Intake answers none of them,
//! lets none of them reopen a ticket and opens no ticket for them; only a
//! delivery report about a ticket's mail is filed, on that ticket. Pure.

use super::intake::{Incoming, address_of};

/// What kind of machine sent a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A bounce: a message we sent did not arrive.
    DeliveryReport,
    /// An out-of-office or other automatic answer.
    AutoReply,
    /// An abuse or spam report (ARF).
    FeedbackReport,
    /// A read receipt (MDN).
    ReadReceipt,
    /// List, bulk or newsletter mail, or a sender that takes no replies.
    Bulk,
}

impl Kind {
    /// The name in `--json` and in the kept message's reason.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::DeliveryReport => "delivery-report",
            Kind::AutoReply => "auto-reply",
            Kind::FeedbackReport => "feedback-report",
            Kind::ReadReceipt => "read-receipt",
            Kind::Bulk => "bulk",
        }
    }
}

/// A message recognised as automatic, and the sign that gave it away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Automatic {
    pub kind: Kind,
    /// Why, in words: `the message is marked Auto-Submitted: auto-replied`.
    pub why: String,
}

fn automatic(kind: Kind, why: String) -> Option<Automatic> {
    Some(Automatic { kind, why })
}

/// Local parts (lowercased, without `-`, `_` and `.`) that mark a sender that
/// never reads replies; matched anywhere in the local part, so
/// `gmail-noreply`, `post_master` and `Mail.Delivery.System` are caught.
const NO_REPLY: &[&str] = &["noreply", "donotreply", "notreply"];

/// Local parts of the mail systems' own senders, which send bounces.
const MAILER: &[&str] = &["mailerdaemon", "postmaster", "maildeliverysystem"];

/// The sender's local part as [`NO_REPLY`] and [`MAILER`] compare it.
fn squashed_local(address: &str) -> String {
    let local = address.rsplit_once('@').map_or(address, |(l, _)| l);
    let local = local.split('+').next().unwrap_or_default();
    local
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a sender is a mail system's own (MAILER-DAEMON and the like).
pub fn is_mailer(address: &str) -> bool {
    let local = squashed_local(address);
    MAILER.iter().any(|m| local.contains(m))
}

/// Whether a sender never reads replies (no-reply and the mail systems).
pub fn takes_no_replies(address: &str) -> bool {
    let local = squashed_local(address);
    NO_REPLY.iter().chain(MAILER).any(|m| local.contains(m))
}

/// The value of a header among the message's signs, by name.
fn sign<'a>(mail: &'a Incoming, name: &str) -> Option<&'a str> {
    mail.signs
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

/// Whether a message is automatic, and which kind; `own` is the support
/// address (`[intake] address`), which an `X-Loop` naming it points back to.
/// Reports are recognised before replies, so that a bounce marked
/// `Auto-Submitted: auto-replied` is still a bounce.
pub fn classify(mail: &Incoming, own: Option<&str>) -> Option<Automatic> {
    let report = mail.report_type.as_deref().map(str::to_ascii_lowercase);
    let from = address_of(&mail.from).unwrap_or_else(|| mail.from.clone());
    match report.as_deref() {
        Some("delivery-status") => {
            return automatic(
                Kind::DeliveryReport,
                "the message is a delivery report (multipart/report)".into(),
            );
        }
        Some("feedback-report") => {
            return automatic(
                Kind::FeedbackReport,
                "the message is a feedback report (ARF)".into(),
            );
        }
        Some("disposition-notification") => {
            return automatic(
                Kind::ReadReceipt,
                "the message is a read receipt (MDN)".into(),
            );
        }
        _ => {}
    }
    if let Some(v) = sign(mail, "X-Failed-Recipients") {
        return automatic(
            Kind::DeliveryReport,
            format!("the message reports failed recipients ({v})"),
        );
    }
    if is_mailer(&from) {
        return automatic(
            Kind::DeliveryReport,
            format!("the sender {from} is a mail system (a delivery report)"),
        );
    }
    if let Some(v) = &mail.auto_submitted
        && !v.trim().eq_ignore_ascii_case("no")
    {
        return automatic(
            Kind::AutoReply,
            format!("the message is marked Auto-Submitted: {}", v.trim()),
        );
    }
    for name in ["X-Autoreply", "X-Autorespond"] {
        if let Some(v) = sign(mail, name) {
            return automatic(
                Kind::AutoReply,
                format!("the message is marked {name}: {v}"),
            );
        }
    }
    if let Some(v) = sign(mail, "X-Auto-Response-Suppress") {
        let v_lower = v.to_ascii_lowercase();
        if ["all", "oof", "autoreply", "dr", "rn"]
            .iter()
            .any(|w| v_lower.split([',', ' ']).any(|t| t.trim() == *w))
        {
            return automatic(
                Kind::AutoReply,
                format!("the message is marked X-Auto-Response-Suppress: {v}"),
            );
        }
    }
    if let Some(own) = own.and_then(address_of) {
        let looped = mail
            .signs
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("X-Loop"))
            .any(|(_, v)| v.to_ascii_lowercase().contains(&own.to_ascii_lowercase()));
        if looped {
            return automatic(
                Kind::AutoReply,
                format!("the message is marked X-Loop: {own} (it went round once)"),
            );
        }
    }
    if let Some(v) = &mail.precedence {
        let v = v.trim().to_ascii_lowercase();
        if matches!(v.as_str(), "bulk" | "list" | "junk") {
            return automatic(Kind::Bulk, format!("the message is marked Precedence: {v}"));
        }
    }
    if mail.list_id {
        return automatic(
            Kind::Bulk,
            "the message came through a mailing list (List-Id)".into(),
        );
    }
    if mail.null_return_path {
        return automatic(
            Kind::AutoReply,
            "the message is a delivery notice (Return-Path: <>)".into(),
        );
    }
    if takes_no_replies(&from) {
        return automatic(
            Kind::Bulk,
            format!("the sender {from} does not take replies"),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(from: &str) -> Incoming {
        Incoming {
            from: from.into(),
            subject: "Hello".into(),
            ..Incoming::default()
        }
    }

    fn with(from: &str, f: &dyn Fn(&mut Incoming)) -> Incoming {
        let mut m = mail(from);
        f(&mut m);
        m
    }

    fn signed(name: &str, value: &str) -> Incoming {
        with("jan@example.com", &|m| {
            m.signs.push((name.into(), value.into()));
        })
    }

    #[test]
    fn every_sign_of_a_machine_is_recognised() {
        let own = Some("Help <help@example.com>");
        let cases: Vec<(Incoming, Kind, &str)> = vec![
            (
                with("jan@example.com", &|m| {
                    m.report_type = Some("delivery-status".into());
                }),
                Kind::DeliveryReport,
                "delivery report",
            ),
            (
                with("abuse@isp.example", &|m| {
                    m.report_type = Some("Feedback-Report".into());
                }),
                Kind::FeedbackReport,
                "ARF",
            ),
            (
                with("jan@example.com", &|m| {
                    m.report_type = Some("disposition-notification".into());
                }),
                Kind::ReadReceipt,
                "MDN",
            ),
            (
                signed("X-Failed-Recipients", "jan@example.com"),
                Kind::DeliveryReport,
                "failed recipients",
            ),
            (
                mail("Mail.Delivery.System@exchange.example"),
                Kind::DeliveryReport,
                "mail system",
            ),
            (
                mail("post_master@mx.example"),
                Kind::DeliveryReport,
                "mail system",
            ),
            (
                mail("MAILER-DAEMON@mx.example"),
                Kind::DeliveryReport,
                "mail system",
            ),
            (
                with("jan@example.com", &|m| {
                    m.auto_submitted = Some("auto-replied".into());
                }),
                Kind::AutoReply,
                "Auto-Submitted: auto-replied",
            ),
            (signed("X-Autoreply", "yes"), Kind::AutoReply, "X-Autoreply"),
            (
                signed("X-Autorespond", "1"),
                Kind::AutoReply,
                "X-Autorespond",
            ),
            (
                signed("X-Auto-Response-Suppress", "All"),
                Kind::AutoReply,
                "X-Auto-Response-Suppress",
            ),
            (
                signed("X-Loop", "help@EXAMPLE.com"),
                Kind::AutoReply,
                "X-Loop",
            ),
            (
                with("jan@example.com", &|m| m.precedence = Some("Junk".into())),
                Kind::Bulk,
                "Precedence: junk",
            ),
            (
                with("jan@example.com", &|m| m.list_id = true),
                Kind::Bulk,
                "List-Id",
            ),
            (
                with("jan@example.com", &|m| m.null_return_path = true),
                Kind::AutoReply,
                "Return-Path",
            ),
            (
                mail("dmarc-noreply@google.example"),
                Kind::Bulk,
                "does not take replies",
            ),
            (
                mail("gmail-noreply@google.example"),
                Kind::Bulk,
                "does not take replies",
            ),
            (
                mail("Do_Not_Reply+x@shop.example"),
                Kind::Bulk,
                "does not take replies",
            ),
        ];
        for (m, kind, needle) in cases {
            let found = classify(&m, own).unwrap_or_else(|| panic!("{m:?}"));
            assert_eq!(found.kind, kind, "{m:?}");
            assert!(found.why.contains(needle), "{needle}: {}", found.why);
        }
    }

    #[test]
    fn people_are_not_machines() {
        let own = Some("help@example.com");
        let cases = [
            mail("jan@example.com"),
            mail("noreen@example.com"),
            mail("postmistress.jones@example.com"),
            with("jan@example.com", &|m| m.auto_submitted = Some("No".into())),
            signed("X-Loop", "other@list.example"),
            signed("X-Auto-Response-Suppress", "None"),
        ];
        for m in cases {
            assert_eq!(classify(&m, own), None, "{m:?}");
        }
    }

    #[test]
    fn a_bounce_marked_as_an_auto_reply_is_still_a_bounce() {
        let m = with("MAILER-DAEMON@mx.example", &|m| {
            m.auto_submitted = Some("auto-replied".into());
            m.null_return_path = true;
        });
        assert_eq!(classify(&m, None).unwrap().kind, Kind::DeliveryReport);
    }
}
