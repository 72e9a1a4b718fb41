//! One ticket for people: its fields, its clock and its history as a timeline.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::Output;
use super::text::{self, Color, clean_block, clean_line};
use crate::core::clock::Deadline;
use crate::core::config::ClockKind;
use crate::core::sla::{Policy, Target};
use crate::core::ticket::{Event, EventKind, Ticket};
use crate::ctx::LocalZone;

fn opt(v: &Option<String>) -> String {
    clean_line(v.as_deref().unwrap_or("?")).into_owned()
}

/// What an event did, in a few words.
pub fn describe(e: &Event, zone: LocalZone) -> String {
    let with_note = |s: String| match &e.note {
        Some(n) => format!("{s}: {}", clean_line(n)),
        None => s,
    };
    match &e.kind {
        EventKind::Created => format!("created it for {}", opt(&e.to)),
        EventKind::Handoff if e.to.as_deref() == Some(e.by.as_str()) => {
            with_note(format!("took it from {}", opt(&e.from)))
        }
        EventKind::Handoff => with_note(format!("passed it to {}", opt(&e.to))),
        EventKind::Escalated => {
            let missed = e
                .deadline
                .map(|d| format!(" (missed the deadline {})", text::local(d, zone)))
                .unwrap_or_default();
            if e.from == e.to {
                format!("escalated it, already with {}{missed}", opt(&e.to))
            } else {
                format!(
                    "escalated it from {} to {}{missed}",
                    opt(&e.from),
                    opt(&e.to)
                )
            }
        }
        EventKind::Status => with_note(format!("{} → {}", opt(&e.from), opt(&e.to))),
        EventKind::Reply => "replied to the customer".to_string(),
        EventKind::Note => "noted".to_string(),
        EventKind::Customer => format!("customer wrote (from {})", opt(&e.from)),
        EventKind::Stranger => format!(
            "{} wrote, who is not the customer (it reopened nothing)",
            opt(&e.from)
        ),
        EventKind::DeliveryFailed => with_note(format!(
            "DELIVERY FAILED: mail to the customer did not arrive (reported by {})",
            opt(&e.from)
        )),
        EventKind::Edited => match (&e.from, &e.to) {
            (Some(from), Some(to)) => format!(
                "changed {} from \"{}\" to \"{}\"",
                opt(&e.field),
                clean_line(from),
                clean_line(to)
            ),
            _ => format!("changed {}", opt(&e.field)),
        },
        EventKind::Rated => {
            let comment = e
                .comment
                .as_deref()
                .map(|c| format!(": {}", clean_line(c)))
                .unwrap_or_default();
            format!("rated it {}/5{comment}", e.score.unwrap_or(0))
        }
        EventKind::Time => with_note(format!(
            "logged {}",
            text::span(chrono::Duration::minutes(e.minutes.unwrap_or(0).into()))
        )),
        EventKind::Other(kind) => format!("{} (recorded by a newer baton)", clean_line(kind)),
    }
}

/// The clock line of `show`.
pub fn clock(out: &Output, due: Option<&Deadline>, now: DateTime<Utc>) -> String {
    let Some(d) = due else {
        return "none (not open)".to_string();
    };
    let mut s = format!(
        "{} ({})",
        text::local(d.at, out.zone),
        text::due(Some(d), now)
    );
    if d.is_overdue(now) {
        s = out.paint(&s, Color::Red);
    }
    if d.waited > chrono::Duration::zero() {
        let _ = write!(s, ", {} paused", text::span(d.waited));
    }
    match d.escalations {
        0 => {}
        1 => s.push_str(", escalated once"),
        n => {
            let _ = write!(s, ", escalated {n} times");
        }
    }
    s
}

/// The policy line of `show`: where the deadline and the first-reply target
/// come from, and on which clock (`urgent: escalates after 4h (24x7), …`).
pub fn policy(p: &Policy) -> String {
    let target = |t: &Target| {
        let clock = match t.clock {
            ClockKind::Round => "24x7",
            ClockKind::Business => "business hours",
        };
        let within = text::span(crate::core::duration::chrono(t.within));
        format!("{within} ({clock}, {})", t.from)
    };
    let mut s = format!(
        "escalates after {}, first reply within {}",
        target(&p.after),
        target(&p.first_response)
    );
    if let Some(tier) = &p.tier {
        let _ = write!(s, "; customer tier {}", clean_line(tier));
    }
    s
}

/// The whole of `baton show`. `policy` is shown when the team has SLA
/// policies or a business clock, where the deadline needs explaining.
pub fn show(
    out: &Output,
    t: &Ticket,
    short: &str,
    due: Option<&Deadline>,
    policy: Option<&Policy>,
    now: DateTime<Utc>,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}  {}",
        out.paint(short, Color::Bold),
        out.paint(&clean_line(&t.title), Color::Bold)
    );
    let _ = writeln!(s, "{}", out.paint(&t.id.to_string(), Color::Dim));
    let _ = writeln!(s);
    let tags = if t.tags.is_empty() {
        "-".to_string()
    } else {
        clean_line(&t.tags.join(", ")).into_owned()
    };
    let customer = match (t.customer.is_empty(), crate::core::intake::customer_name(t)) {
        (true, _) => "-".to_string(),
        (false, Some(name)) => format!("{} <{}>", clean_line(name), clean_line(&t.customer)),
        (false, None) => clean_line(&t.customer).into_owned(),
    };
    let priority = match text::priority_color(t.priority) {
        Some(c) => out.paint(t.priority.as_str(), c),
        None => t.priority.as_str().to_string(),
    };
    let fields = [
        (
            "status",
            out.paint(t.status.as_str(), text::status_color(t.status)),
        ),
        ("owner", clean_line(&t.owner).into_owned()),
        ("customer", customer),
        ("priority", priority),
        ("tags", tags),
        ("created", text::local(t.created, out.zone)),
        ("updated", text::local(t.updated, out.zone)),
        ("due", clock(out, due, now)),
    ];
    let policy = policy.map(|p| ("policy", self::policy(p)));
    for (k, v) in fields.into_iter().chain(policy) {
        let _ = writeln!(s, "{:<9} {v}", out.paint(k, Color::Dim));
    }
    if !t.description.is_empty() {
        let _ = writeln!(s);
        for line in clean_block(&t.description).lines() {
            let _ = writeln!(s, "  {line}");
        }
    }
    let _ = writeln!(s, "\n{}", out.paint("History", Color::Bold));
    let by_width = t
        .events
        .iter()
        .map(|e| e.by.chars().count())
        .max()
        .unwrap_or(0);
    for e in &t.events {
        let by = format!("{:<by_width$}", clean_line(&e.by));
        let _ = writeln!(
            s,
            "  {}  {}  {}",
            out.paint(&text::local(e.at, out.zone), Color::Dim),
            by,
            describe(e, out.zone)
        );
        if let Some(body) = &e.text {
            for line in clean_block(body).lines() {
                let _ = writeln!(s, "      │ {line}");
            }
        }
        // The quoted history a reply repeats is folded: one line says it is
        // there, and `--json` has it whole.
        if let Some(quoted) = e.quoted() {
            let n = quoted.lines().count();
            let lines = if n == 1 { "line" } else { "lines" };
            let _ = writeln!(
                s,
                "      {}",
                out.paint(
                    &format!(
                        "┆ [quoted: {n} {lines} of earlier mail and signature, folded; see --json]"
                    ),
                    Color::Dim
                )
            );
        }
    }
    s
}
