//! One ticket for people: its fields, its clock and its history as a timeline.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthStr;

use super::text::{self, Color, clean_block, clean_line};
use super::{Output, table};
use crate::core::attachment;
use crate::core::clock::Deadline;
use crate::core::config::ClockKind;
use crate::core::outgoing::Delivery;
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

/// A ticket id a merge event names, cut as `show` prints ids in history
/// lines (the first 8 characters; `baton show` takes any unique prefix).
fn short_of(id: &str) -> String {
    clean_line(id).chars().take(8).collect()
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
            "logged {}{}",
            text::span(chrono::Duration::minutes(e.minutes.unwrap_or(0).into())),
            if e.worked_at() == e.at {
                String::new()
            } else {
                format!(", worked {}", text::local(e.worked_at(), zone))
            }
        )),
        EventKind::Promised => with_note(format!(
            "promised the customer an answer by {}",
            e.deadline
                .map_or_else(|| "?".into(), |d| text::local(d, zone))
        )),
        EventKind::Delayed => format!(
            "told the customer the answer promised by {} will be late",
            e.deadline
                .map_or_else(|| "?".into(), |d| text::local(d, zone))
        ),
        EventKind::Reverted => match crate::core::undo::Target::of(e) {
            Ok(t) => format!(
                "undid event {} ({} by {} at {})",
                t.position,
                clean_line(t.kind),
                clean_line(t.by),
                text::local(t.at, zone)
            ),
            Err(_) => "undid an event it does not name clearly".to_string(),
        },
        EventKind::Merged => match (&e.from, &e.to) {
            (_, Some(into)) => format!("merged it into {} as a duplicate", short_of(into)),
            (Some(dup), None) => format!("merged the duplicate {} into it", short_of(dup)),
            (None, None) => "merged".to_string(),
        },
        EventKind::Linked | EventKind::Unlinked => {
            let verb = if e.kind == EventKind::Linked {
                "linked"
            } else {
                "unlinked"
            };
            match (&e.from, &e.to) {
                (_, Some(problem)) => format!("{verb} it to the problem {}", short_of(problem)),
                (Some(t), None) => format!("{verb} the ticket {}", short_of(t)),
                (None, None) => verb.to_string(),
            }
        }
        EventKind::Surveyed => format!("asked the customer ({}) how it went", opt(&e.to)),
        EventKind::Found => match &e.text {
            Some(v) => format!("found {}: {}", opt(&e.field), clean_line(v)),
            None => format!("found {}", opt(&e.field)),
        },
        EventKind::Renamed => format!("renamed {} to {}", opt(&e.from), opt(&e.to)),
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
    let standing = crate::core::undo::standing(&t.events);
    for e in standing.iter().filter(|e| e.kind == EventKind::Time) {
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

/// How a reply's mail fared, after "replied to the customer".
fn delivery_mark(out: &Output, d: Delivery) -> String {
    match d {
        Delivery::Sent => " (mail sent)".to_string(),
        Delivery::Queued => " (mail queued in the outbox)".to_string(),
        Delivery::Failed => format!(" ({})", out.paint("MAIL FAILED", Color::Red)),
    }
}

/// `link` and `unlink`: where a ticket stands now.
pub fn link_line(short: &str, problem: Option<uuid::Uuid>, changed: bool) -> String {
    match (problem, changed) {
        (Some(p), true) => format!("linked {short} to the problem {}", short_of(&p.to_string())),
        (Some(p), false) => format!(
            "{short} is linked to the problem {} already",
            short_of(&p.to_string())
        ),
        (None, _) => format!("unlinked {short}: its own clock counts again"),
    }
}

/// `link --suggest`: one ticket that may be part of the problem.
pub fn suggestion(short: &str, t: &Ticket, hits: usize, words: usize) -> String {
    let customer = if t.customer.is_empty() {
        "-"
    } else {
        t.customer.as_str()
    };
    format!(
        "{short}  {}  ({}; {hits} of {words} words)",
        clean_line(&t.title),
        clean_line(customer)
    )
}

/// Intake's offer of an open problem a new ticket may be part of.
pub fn problem_offer(short: &str, problem: &str, title: &str) -> String {
    format!(
        "this may be part of problem {problem} '{}': baton link {short} --to {problem}",
        clean_line(title)
    )
}

/// `merge`: the duplicate went into the other ticket.
pub fn merged(dup: &str, into: &str) -> String {
    format!("merged {dup} into {into}: {dup} is closed, and mail to it goes to {into}")
}

/// `undo`: what was undone, and on which other ticket a merge was undone
/// with it.
pub fn undone(
    short: &str,
    done: &crate::core::undo::Undone,
    partner: Option<&str>,
    zone: LocalZone,
) -> String {
    let e = &done.event;
    let mut s = format!(
        "undid event {} of {short} ({} by {} at {}): {}",
        done.index + 1,
        e.kind.as_str(),
        clean_line(&e.by),
        text::local(e.at, zone),
        describe(e, zone)
    );
    if let Some(p) = partner {
        let what = match e.kind {
            crate::core::ticket::EventKind::Merged => "the merge",
            _ => "the link",
        };
        let _ = write!(s, "\nundid {what} on {p} too");
    }
    s
}

/// The warning an undone reply calls for: the customer may have it already.
pub fn unsent(short: &str, done: &crate::core::undo::Undone) -> Option<crate::error::Error> {
    use crate::core::undo::Mailed;
    let e = match done.mailed.as_ref()? {
        Mailed::Sent(id) => crate::error::Error::new(format!(
            "the reply on {short} was mailed already (Message-ID <{}>) and cannot be unsent; \
             it is marked undone and left out of the figures",
            clean_line(id)
        )),
        Mailed::Dropped => {
            return Some(crate::error::Error::new(format!(
                "the reply on {short} still waited in the outbox: it is taken out and will not be sent"
            )));
        }
        Mailed::Maybe => crate::error::Error::new(format!(
            "the reply on {short} may have been mailed already (by the reply hook) and cannot be unsent; \
             it is marked undone and left out of the figures"
        )),
    };
    Some(e.hint(format!(
        "tell the customer if need be: 'baton reply {short} \"…\"'"
    )))
}

/// An undone event's words: struck through and dim with who undid it and
/// when, or, without colour, marked `[reverted by X]`.
fn struck(out: &Output, said: &str, undo: &Event) -> String {
    let who = clean_line(&undo.by);
    if out.color {
        format!(
            "\x1b[2;9m{said}\x1b[0m {}",
            out.paint(
                &format!("reverted by {who} at {}", text::local(undo.at, out.zone)),
                Color::Dim
            )
        )
    } else {
        format!("{said} [reverted by {who}]")
    }
}

/// What `show` adds from beyond the ticket's own file: per event how its
/// mail fared (replies only), the checklist facts still missing, and the
/// resolved tickets most like it (each with its short id).
#[derive(Debug, Default)]
pub struct Beside<'a> {
    pub deliveries: Vec<Option<Delivery>>,
    pub missing: Vec<&'a crate::core::checklist::Fact>,
    pub similar: Vec<(String, crate::core::similar::Match)>,
}

/// `found`: the fact is no longer missing.
pub fn found(short: &str, fact: &str, changed: bool) -> String {
    let fact = clean_line(fact);
    if changed {
        format!("{short}: {fact} found, no longer missing")
    } else {
        format!("{short}: {fact} was marked found already")
    }
}

/// The whole of `baton show`. `policy` is shown when the team has SLA
/// policies or a business clock, where the deadline needs explaining;
/// `beside` holds what the store knows beyond the ticket.
pub fn show(
    out: &Output,
    t: &Ticket,
    short: &str,
    due: Option<&Deadline>,
    policy: Option<&Policy>,
    now: DateTime<Utc>,
    beside: &Beside,
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
    // A wait with a time to come back says when, instead of the bare status.
    let status = match crate::core::reminder::until_of(t) {
        Some(until) => out.paint(
            &text::waiting_until(until, out.zone, now),
            text::status_color(t.status),
        ),
        None => out.paint(t.status.as_str(), text::status_color(t.status)),
    };
    let fields = [
        ("status", status),
        ("owner", clean_line(&t.owner).into_owned()),
        ("customer", customer),
        ("priority", priority),
        ("tags", tags),
        ("created", text::local(t.created, out.zone)),
        ("updated", text::local(t.updated, out.zone)),
        ("due", clock(out, due, now)),
    ];
    let policy = policy.map(|p| ("policy", self::policy(p)));
    let promise = crate::core::promise::open(&t.events).map(|p| {
        let text = text::promise(&p, out.zone, now);
        let color = if p.is_broken(now) {
            Color::Red
        } else {
            Color::Yellow
        };
        ("promise", out.paint(&text, color))
    });
    // Only a merged ticket has these lines, so every other `show` reads as before.
    let customers = crate::core::duplicate::customers(t);
    let more = (customers.len() > 1).then(|| {
        (
            "also for",
            clean_line(&customers[1..].join(", ")).into_owned(),
        )
    });
    let merged = crate::core::duplicate::merged_into(t).map(|into| {
        let short = short_of(&into.to_string());
        (
            "merged",
            format!("into {short}, a duplicate of it (see 'baton show {short}')"),
        )
    });
    let dups = crate::core::duplicate::duplicates(t);
    let dups = (!dups.is_empty()).then(|| {
        let list: Vec<String> = dups.iter().map(|d| short_of(&d.to_string())).collect();
        ("merged", format!("{} merged into it", list.join(", ")))
    });
    // Only a ticket with a checklist short of facts has this line.
    let missing = (!beside.missing.is_empty()).then(|| {
        let asks: Vec<&str> = beside.missing.iter().map(|f| f.ask.as_str()).collect();
        (
            "missing",
            out.paint(&clean_line(&asks.join(", ")), Color::Yellow),
        )
    });
    for (k, v) in fields
        .into_iter()
        .chain(more)
        .chain(merged)
        .chain(dups)
        .chain(promise)
        .chain(policy)
        .chain(missing)
    {
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
    let linked = crate::core::incident::linked_customers(t);
    if !linked.is_empty() {
        let customers = crate::core::incident::customer_count(&linked);
        let _ = writeln!(
            s,
            "\n{}",
            out.paint(
                &format!(
                    "Linked tickets: {}, {customers} customer{}",
                    linked.len(),
                    if customers == 1 { "" } else { "s" }
                ),
                Color::Bold
            )
        );
        for (id, customer) in &linked {
            let customer = customer.as_deref().map_or_else(|| "-".into(), clean_line);
            let _ = writeln!(s, "  {}  {customer}", short_of(&id.to_string()));
        }
    }
    if let Some(problem) = crate::core::incident::problem_of(t) {
        let _ = writeln!(
            s,
            "{} {}",
            out.paint(&format!("{:<9}", "linked"), Color::Dim),
            format_args!(
                "to the problem {}, which escalates for it",
                short_of(&problem.to_string())
            )
        );
    }
    if let Some(logged) = logged_per_person(t) {
        let _ = writeln!(
            s,
            "{} {logged}",
            out.paint(&format!("{:<9}", "logged"), Color::Dim)
        );
    }
    s.push_str(&super::similar::in_show(out, &beside.similar));
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
    let undone = crate::core::undo::cancelled(&t.events);
    // Attachments are numbered over the whole ticket, as `baton
    // attachment ID N` counts them.
    let (mut numbered, mut kept) = (0, false);
    for (i, (e, undone)) in t.events.iter().zip(&undone).enumerate() {
        let name = clean_line(&e.by);
        let by = format!("{name}{}", " ".repeat(by_width - name.width()));
        let mut said = describe(e, out.zone);
        if let Some(d) = beside.deliveries.get(i).copied().flatten() {
            said.push_str(&delivery_mark(out, d));
        }
        let said = match said_width {
            Some(w) => table::fit(&said, w),
            None => said,
        };
        let said = match undone.map(|j| &t.events[j]) {
            Some(undo) => struck(out, &said, undo),
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
