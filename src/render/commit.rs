//! Commit messages for `[git] commit = true`: what a command did, in a subject
//! line that reads well in `git log --oneline`, and the note or message it
//! recorded as the body.

use std::fmt::Write;

use crate::core::ticket::{Event, EventKind, Ticket};
use crate::core::time::rfc3339;
use crate::render::sweep::Escalated;
use crate::render::text::{clean_block, clean_line};

/// How many characters of a title a subject line shows.
const TITLE_CHARS: usize = 40;

/// A title for a subject line: one line, cut to length, in quotes.
fn quoted(title: &str) -> String {
    let title = clean_line(title);
    let mut chars = title.chars();
    let mut short: String = chars.by_ref().take(TITLE_CHARS).collect();
    if chars.next().is_some() {
        short = short.trim_end().to_string();
        short.push('…');
    }
    format!("\"{short}\"")
}

fn who(name: Option<&str>) -> String {
    clean_line(name.unwrap_or("?")).into_owned()
}

/// The command a status change came from.
fn status_verb(to: Option<&str>) -> &'static str {
    match to {
        Some("waiting") => "wait",
        Some("resolved") => "resolve",
        Some("closed") => "close",
        Some("open") => "reopen",
        _ => "status",
    }
}

/// The subject's verb and what follows the title, for one event.
fn describe(e: &Event) -> (String, String) {
    let by = who(Some(&e.by));
    match &e.kind {
        EventKind::Created => {
            let owner = who(e.to.as_deref());
            let tail = if owner == by {
                format!("by {by}")
            } else {
                format!("by {by} for {owner}")
            };
            ("new".into(), tail)
        }
        EventKind::Handoff => {
            let verb = if e.to.as_deref() == Some(e.by.as_str()) && e.from.as_deref() != Some(&e.by)
            {
                "take"
            } else {
                "pass"
            };
            let tail = format!("{} → {}", who(e.from.as_deref()), who(e.to.as_deref()));
            (verb.into(), tail)
        }
        EventKind::Escalated => {
            let (from, to) = (who(e.from.as_deref()), who(e.to.as_deref()));
            let tail = if from == to {
                format!("stays with {to}")
            } else {
                format!("{from} → {to}")
            };
            ("escalate".into(), tail)
        }
        EventKind::Status => (status_verb(e.to.as_deref()).into(), format!("by {by}")),
        EventKind::Rated => {
            let score = e.score.map_or("?".to_string(), |s| s.to_string());
            ("rate".into(), format!("{score}/5 by {by}"))
        }
        EventKind::Time => {
            let minutes = e.minutes.unwrap_or(0);
            let spent = match (minutes / 60, minutes % 60) {
                (0, m) => format!("{m}m"),
                (h, 0) => format!("{h}h"),
                (h, m) => format!("{h}h{m}m"),
            };
            ("log".into(), format!("{spent} by {by}"))
        }
        other => (clean_line(other.as_str()).into_owned(), format!("by {by}")),
    }
}

/// The message for a change to one ticket, from the events the change
/// appended: `baton: pass 0b7c "Refund for double charge…" ana → ben`, with
/// the note or message as the body.
pub fn ticket(short: &str, ticket: &Ticket, new_events: &[Event]) -> String {
    let title = quoted(&ticket.title);
    let Some(first) = new_events.first() else {
        return format!("baton: change {short} {title}");
    };
    let subject = if new_events.iter().all(|e| e.kind == EventKind::Edited) {
        let fields: Vec<&str> = new_events
            .iter()
            .filter_map(|e| e.field.as_deref())
            .collect();
        format!(
            "baton: edit {short} {title} {} by {}",
            clean_line(&fields.join(", ")),
            who(Some(&first.by))
        )
    } else {
        let (verb, tail) = describe(first);
        format!("baton: {verb} {short} {title} {tail}")
    };
    let body: Vec<String> = new_events
        .iter()
        .filter_map(|e| e.text.as_deref().or(e.note.as_deref()))
        .map(|text| clean_block(text.trim()).into_owned())
        .filter(|text| !text.is_empty())
        .collect();
    if body.is_empty() {
        subject
    } else {
        format!("{subject}\n\n{}\n", body.join("\n\n"))
    }
}

/// The message for one sweep: the counts in the subject (the tickets
/// escalated, and those reopened when their wait ended), a line per
/// escalation, notice, survey and reopening in the body.
pub fn sweep(swept: &[Escalated]) -> String {
    let n = swept
        .iter()
        .filter(|s| !s.planned.events.is_empty())
        .count();
    let tickets = |n: usize| if n == 1 { "ticket" } else { "tickets" };
    let woken = swept.iter().filter(|s| s.planned.wake.is_some()).count();
    // A sweep that only reopened waits says so, not "escalate 0 tickets".
    let mut subject = Vec::new();
    if n > 0 || woken == 0 {
        subject.push(format!("escalate {n} {}", tickets(n)));
    }
    if woken > 0 {
        subject.push(format!("reopen {woken} {}", tickets(woken)));
    }
    let mut message = format!("baton: {}\n\n", subject.join(", "));
    for s in swept {
        let title = quoted(&s.planned.summary.title);
        for e in &s.planned.events {
            let (_, tail) = describe(e);
            let missed = e
                .deadline
                .map(|d| format!(" (missed {})", rfc3339(d)))
                .unwrap_or_default();
            let _ = writeln!(message, "{} {title} {tail}{missed}", s.short);
        }
        if let Some(due) = s.planned.delay.as_ref().and_then(|e| e.deadline) {
            let _ = writeln!(
                message,
                "{} {title} delay notice for the promise of {}",
                s.short,
                rfc3339(due)
            );
        }
        if s.planned.survey.is_some() {
            let _ = writeln!(message, "{} {title} survey", s.short);
        }
        if let Some(until) = s.planned.wake.as_ref().and_then(|e| e.until()) {
            let _ = writeln!(
                message,
                "{} {title} reopened: waiting until {} has passed",
                s.short,
                rfc3339(until)
            );
        }
    }
    message
}

/// The message for a person joining the team.
pub fn person_added(name: &str, level: u32) -> String {
    format!("baton: people add {} (level {level})", clean_line(name))
}

/// The commit of `people edit`.
pub fn person_edited(name: &str) -> String {
    format!("baton: people edit {}", clean_line(name))
}

/// The commit of `people rename`.
pub fn person_renamed(old: &str, new: &str, tickets: usize) -> String {
    format!(
        "baton: people rename {} {} ({tickets} ticket(s) move with the name)",
        clean_line(old),
        clean_line(new)
    )
}

/// The commit of `people remove`.
pub fn person_removed(name: &str) -> String {
    format!("baton: people remove {}", clean_line(name))
}

/// The commit of the changes `baton sync` found in the store.
pub fn synced(files: usize) -> String {
    format!("baton: sync {files} changed file(s)")
}

/// The commit of `baton doctor --fix`.
pub fn repaired(files: usize) -> String {
    format!("baton: doctor --fix repaired {files} file(s)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use uuid::Uuid;

    fn ticket_titled(title: &str) -> Ticket {
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap();
        let mut t = Ticket {
            id: Uuid::nil(),
            title: title.into(),
            status: crate::core::ticket::Status::Open,
            owner: "ana".into(),
            customer: String::new(),
            priority: Default::default(),
            tags: vec![],
            created: at,
            updated: at,
            escalated: 0,
            description: String::new(),
            extra: Default::default(),
            events: vec![],
        };
        t.record(Event::new(at, "ana", EventKind::Created).to("ana"));
        t
    }

    fn ev(kind: EventKind, by: &str) -> Event {
        Event::new(
            Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(),
            by,
            kind,
        )
    }

    #[test]
    fn each_kind_of_change_has_its_own_subject() {
        let t = ticket_titled("Refund for double charge not received in November");
        let mut edited = ev(EventKind::Edited, "ben");
        edited.field = Some("title".into());
        let mut edited2 = edited.clone();
        edited2.field = Some("priority".into());
        let status = |to: &str| ev(EventKind::Status, "ben").from("open").to(to);
        let cases: Vec<(Vec<Event>, &str)> = vec![
            (
                vec![t.events[0].clone()],
                "new 0b7c \"Refund for double charge not received in…\" by ana",
            ),
            (
                vec![ev(EventKind::Created, "ana").to("ben")],
                "new 0b7c \"Refund for double charge not received in…\" by ana for ben",
            ),
            (
                vec![ev(EventKind::Handoff, "ana").from("ana").to("ben")],
                "pass 0b7c \"Refund for double charge not received in…\" ana → ben",
            ),
            (
                vec![ev(EventKind::Handoff, "ben").from("ana").to("ben")],
                "take 0b7c \"Refund for double charge not received in…\" ana → ben",
            ),
            (
                vec![ev(EventKind::Reply, "ben").text("hi")],
                "reply 0b7c \"Refund for double charge not received in…\" by ben",
            ),
            (
                vec![ev(EventKind::Note, "ben").text("hi")],
                "note 0b7c \"Refund for double charge not received in…\" by ben",
            ),
            (
                vec![status("waiting")],
                "wait 0b7c \"Refund for double charge not received in…\" by ben",
            ),
            (
                vec![status("resolved")],
                "resolve 0b7c \"Refund for double charge not received in…\" by ben",
            ),
            (
                vec![status("open")],
                "reopen 0b7c \"Refund for double charge not received in…\" by ben",
            ),
            (
                vec![status("closed")],
                "close 0b7c \"Refund for double charge not received in…\" by ben",
            ),
            (
                vec![edited, edited2],
                "edit 0b7c \"Refund for double charge not received in…\" title, priority by ben",
            ),
        ];
        for (events, subject) in cases {
            let message = ticket("0b7c", &t, &events);
            assert_eq!(message.lines().next().unwrap(), format!("baton: {subject}"));
        }
    }

    #[test]
    fn the_note_or_message_is_the_body_and_control_characters_are_escaped() {
        let t = ticket_titled("Bad\u{1b}[31m title\nsecond line");
        let e = ev(EventKind::Handoff, "ana")
            .from("ana")
            .to("ben")
            .note(Some("needs approval\nfrom finance".into()));
        assert_eq!(
            ticket("0b7c", &t, &[e]),
            "baton: pass 0b7c \"Bad\\e[31m title second line\" ana → ben\n\n\
             needs approval\nfrom finance\n"
        );
    }

    #[test]
    fn a_sweep_lists_each_escalation() {
        let mut e = ev(EventKind::Escalated, "baton").from("ben").to("cora");
        e.deadline = Some(Utc.with_ymd_and_hms(2026, 11, 3, 4, 0, 0).unwrap());
        let summary = crate::core::summary::Summary::of(&ticket_titled("Refund"));
        let swept = [Escalated {
            short: "0b7c".into(),
            planned: crate::core::sweep::Planned {
                summary: &summary,
                events: vec![e],
                delay: None,
                survey: None,
                wake: None,
            },
        }];
        let message = sweep(&swept);
        assert!(
            message.starts_with("baton: escalate 1 ticket\n\n0b7c \"Refund\" ben → cora (missed "),
            "{message}"
        );
    }

    #[test]
    fn a_sweep_lists_each_ticket_it_woke() {
        let until = Utc.with_ymd_and_hms(2026, 11, 3, 9, 0, 0).unwrap();
        let wake = crate::core::reminder::wake(until, until, &Utc);
        let summary = crate::core::summary::Summary::of(&ticket_titled("Refund"));
        let swept = [Escalated {
            short: "0b7c".into(),
            planned: crate::core::sweep::Planned {
                summary: &summary,
                events: vec![],
                delay: None,
                survey: None,
                wake,
            },
        }];
        assert_eq!(
            sweep(&swept),
            "baton: reopen 1 ticket\n\n\
             0b7c \"Refund\" reopened: waiting until 2026-11-03T09:00:00Z has passed\n"
        );
    }
}
