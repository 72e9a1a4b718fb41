//! The outbox as people and scripts read it: `baton outbox` (what waits and
//! why), what a flush did, and `baton mail test`'s word from the server.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::Output;
use super::table::{base, finish};
use super::text::clean_line;
use crate::core::outgoing::Outgoing;
use crate::store::outbox::{Queued, mail_id};

/// A waiting message, as `baton outbox --json` writes it.
pub fn entry_json(q: &Queued, now: DateTime<Utc>) -> Value {
    json!({
        "id": q.id,
        "kind": q.kind,
        "ticket": q.ticket.to_string(),
        "to": q.to,
        "subject": q.subject,
        "message_id": q.message_id,
        "queued": q.queued.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "attempts": q.attempts,
        "next_attempt": q.next_attempt.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "due": q.next_attempt <= now,
        "last_error": q.last_error,
    })
}

/// The message an event put in the outbox, as the hooks' payload carries it
/// (`outgoing`): its outbox id, kind, recipient, Message-ID, the whole mail
/// and its `state`.
pub fn outgoing_json(o: &Outgoing, state: &str) -> Value {
    json!({
        "id": mail_id(o.ticket, o.event),
        "kind": o.kind.as_str(),
        "to": o.to,
        "message_id": o.message_id,
        "mail": o.mail(),
        "state": state,
    })
}

/// Why a message waits, in words: the last error, or that it was never
/// tried (and why, when nothing can send it).
fn why(q: &Queued, now: DateTime<Utc>, transport: bool) -> String {
    match (&q.last_error, transport) {
        (Some(e), _) if q.next_attempt > now => format!(
            "{} (next try {})",
            clean_line(e),
            q.next_attempt.format("%Y-%m-%d %H:%M UTC")
        ),
        (Some(e), _) => clean_line(e).into_owned(),
        (None, false) => "no [mail] send configured".into(),
        (None, true) => "not tried yet".into(),
    }
}

/// The table of `baton outbox`.
pub fn table(out: &Output, entries: &[Queued], now: DateTime<Utc>, transport: bool) -> String {
    if entries.is_empty() {
        return "nothing waits in the outbox".into();
    }
    let mut table = base(out, &["ID", "KIND", "TO", "TRIES", "WHY"]);
    for q in entries {
        table.add_row(vec![
            q.id.clone(),
            q.kind.clone(),
            clean_line(&q.to).into_owned(),
            q.attempts.to_string(),
            why(q, now, transport),
        ]);
    }
    finish(out, &table)
}

/// What happened to one message in a flush.
pub enum Fate {
    /// The transport took it, with these words.
    Sent(String),
    /// It failed and waits for its next try.
    Failed(String),
    /// It kept failing past `[mail] give_up_after`: now an event.
    GaveUp(String),
}

/// A flush's report: a line per message, or that nothing was due.
pub fn flushed(done: &[(Queued, Fate)], waiting: usize) -> String {
    let mut lines: Vec<String> = done
        .iter()
        .map(|(q, fate)| match fate {
            Fate::Sent(said) => {
                format!("sent {} {} to {}: {}", q.kind, q.id, q.to, clean_line(said))
            }
            Fate::Failed(e) => format!("failed {} {} to {}: {}", q.kind, q.id, q.to, clean_line(e)),
            Fate::GaveUp(e) => format!(
                "gave up {} {} to {}: {} (a delivery-failed event is on the ticket)",
                q.kind,
                q.id,
                q.to,
                clean_line(e)
            ),
        })
        .collect();
    if lines.is_empty() {
        lines.push("nothing was due".into());
    }
    if waiting > 0 {
        lines.push(format!(
            "{waiting} message{} still wait{} ('baton outbox' says why)",
            if waiting == 1 { "" } else { "s" },
            if waiting == 1 { "s" } else { "" }
        ));
    }
    lines.join("\n")
}

/// A flush as `--json` writes it.
pub fn flushed_json(done: &[(Queued, Fate)], waiting: usize) -> Value {
    let items: Vec<Value> = done
        .iter()
        .map(|(q, fate)| {
            let (state, said) = match fate {
                Fate::Sent(s) => ("sent", s),
                Fate::Failed(e) => ("failed", e),
                Fate::GaveUp(e) => ("gave-up", e),
            };
            json!({"id": q.id, "kind": q.kind, "to": q.to, "state": state, "said": said})
        })
        .collect();
    json!({"messages": items, "waiting": waiting})
}

/// What `baton mail test` prints: the server's code and words.
pub fn server_said(code: Option<u16>, text: &str, accepted: bool) -> String {
    let verdict = if accepted { "accepted" } else { "refused" };
    match code {
        Some(c) => format!("{verdict}: {c} {text}"),
        None if text.is_empty() => verdict.to_string(),
        None => format!("{verdict}: {text}"),
    }
}
