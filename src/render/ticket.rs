//! One ticket for people: its fields, its clock and its history as a timeline.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthStr;

use super::text::{self, Color, clean_block, clean_line};
use super::{Output, table};
use crate::core::attachment;
use crate::core::clock::Deadline;
use crate::core::config::ClockKind;
use crate::core::sla::{Policy, Target};
use crate::core::ticket::{Event, EventKind, Ticket};
use crate::ctx::LocalZone;

/// How wide a time in the timeline is (`2026-11-20 09:14`).
const TIME_WIDTH: usize = 16;
/// What an event did is never cut narrower than this.
const SAID_MIN: usize = 12;

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
        let _ = write!(s, ", {} of waiting not counted", text::span(d.waited));
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

/// The time logged on a ticket, per person, most first, with the total
/// when more than one logged: `3h (ana 2h, ben 1h)`. `None` when nobody has.
fn logged_per_person(t: &Ticket) -> Option<String> {
    let mut minutes: Vec<(String, i64)> = Vec::new();
    for e in t.events.iter().filter(|e| e.kind == EventKind::Time) {
        let m = i64::from(e.minutes.unwrap_or(0));
        match minutes.iter_mut().find(|(by, _)| *by == e.by) {
            Some((_, total)) => *total += m,
            None => minutes.push((e.by.clone(), m)),
        }
    }
    if minutes.is_empty() {
        return None;
    }
    minutes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let span = |m: i64| text::span(chrono::Duration::minutes(m));
    let each: Vec<String> = minutes
        .iter()
        .map(|(by, m)| format!("{} {}", clean_line(by), span(*m)))
        .collect();
    Some(match each.as_slice() {
        [one] => one.clone(),
        _ => {
            let total = minutes.iter().map(|(_, m)| m).sum();
            format!("{} ({})", span(total), each.join(", "))
        }
    })
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
        // Padded before it is painted: the colour codes take no room on
        // the screen, and padding counted them would misalign the values.
        let _ = writeln!(s, "{} {v}", out.paint(&format!("{k:<9}"), Color::Dim));
    }
    if !t.description.is_empty() {
        let _ = writeln!(s);
        for line in clean_block(&t.description).lines() {
            let _ = writeln!(s, "  {line}");
        }
    }
    if let Some(logged) = logged_per_person(t) {
        let _ = writeln!(
            s,
            "{} {logged}",
            out.paint(&format!("{:<9}", "logged"), Color::Dim)
        );
    }
    let _ = writeln!(s, "\n{}", out.paint("History", Color::Bold));
    let by_width = t
        .events
        .iter()
        .map(|e| clean_line(&e.by).width())
        .max()
        .unwrap_or(0);
    // On a terminal each event is one line: what it did is cut to the
    // width its time and author leave.
    let said_width = out.stdout_tty.then(|| {
        let used = 2 + TIME_WIDTH + 2 + by_width + 2;
        table::terminal_width(out)
            .saturating_sub(used)
            .max(SAID_MIN)
    });
    // Attachments are numbered over the whole ticket, as `baton
    // attachment ID N` counts them.
    let (mut numbered, mut kept) = (0, false);
    for e in &t.events {
        let name = clean_line(&e.by);
        let by = format!("{name}{}", " ".repeat(by_width - name.width()));
        let said = describe(e, out.zone);
        let said = match said_width {
            Some(w) => table::fit(&said, w),
            None => said,
        };
        let _ = writeln!(
            s,
            "  {}  {}  {}",
            out.paint(&text::local(e.at, out.zone), Color::Dim),
            by,
            said
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
        for a in attachment::recorded(&e.extra) {
            numbered += 1;
            kept |= a.sha256.is_some();
            let _ = writeln!(s, "      {}", attachment_line(numbered, &a));
        }
    }
    if kept {
        let _ = writeln!(
            s,
            "\n{}",
            out.paint(
                &format!("'baton attachment {short} N -o FILE' writes attachment N to a file"),
                Color::Dim
            )
        );
    }
    s
}

/// `+ attachment 1: invoice.pdf (application/pdf, 960 bytes)`, and why one
/// was not kept.
fn attachment_line(n: usize, a: &attachment::Attachment) -> String {
    let mut line = format!(
        "+ attachment {n}: {} ({}, {}",
        clean_line(&a.name),
        clean_line(&a.content_type),
        attachment::shown_size(a.size)
    );
    if let Some(why) = &a.not_kept {
        line.push_str(&format!("; not kept: {}", clean_line(why)));
    }
    line.push(')');
    line
}
