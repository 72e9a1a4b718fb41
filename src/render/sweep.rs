//! What `baton escalate` shows: a line per escalation (planned with
//! `--dry-run`, done otherwise), a line per waiting ticket brought back to
//! open, and a line per ticket about to breach, or the
//! JSON document. Nothing at all when nothing is due, so cron sends no mail.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::text::{self, Color, clean_line};
use super::{Output, json};
use crate::core::sweep::{Breach, Planned};
use crate::error::Result;

/// One ticket's escalations, planned or done, with the id prefix shown.
pub struct Escalated<'a> {
    pub short: String,
    pub planned: Planned<'a>,
}

/// A ticket about to breach, with the id prefix shown.
pub struct Warned<'a> {
    pub short: String,
    pub breach: Breach<'a>,
}

/// A ticket the sweep planned to escalate but could not write.
pub struct Failed<'a> {
    pub short: String,
    pub planned: Planned<'a>,
    pub why: crate::error::Error,
}

/// Everything one sweep reports.
pub struct Sweep<'a> {
    pub dry_run: bool,
    pub escalated: Vec<Escalated<'a>>,
    pub warned: Vec<Warned<'a>>,
    /// Ticket files that could not be read, so the plan left them out.
    pub unreadable: &'a [crate::error::Error],
    /// Escalations planned but not written.
    pub failed: Vec<Failed<'a>>,
}

/// Prints the sweep: the JSON document, or its lines (none when nothing is
/// due). `now` is what "due in" counts from.
pub fn show(out: &Output, sweep: &Sweep, now: DateTime<Utc>) -> Result<()> {
    if out.jsonl {
        return out.json_lines(json::sweep_lines(sweep).into_iter());
    }
    if out.json {
        return out.json(&json::sweep(sweep));
    }
    let lines = lines(out, sweep, now);
    if lines.is_empty() {
        return Ok(());
    }
    out.print(&lines)
}

/// The lines of a sweep: `escalated 0b7c from ana to cora, deadline …: title`,
/// the delay notices, surveys and `reopened 0b7c for ana, waiting until …:
/// title`, then `due in 1h30m (…): 0b7c owned by ana: title`.
fn lines(out: &Output, sweep: &Sweep, now: DateTime<Utc>) -> String {
    let verb = if sweep.dry_run {
        "would escalate"
    } else {
        "escalated"
    };
    let mut lines = String::new();
    for d in &sweep.escalated {
        for e in &d.planned.events {
            let from = clean_line(e.from.as_deref().unwrap_or("?"));
            let to = clean_line(e.to.as_deref().unwrap_or("?"));
            let whom = if from == to {
                format!("(stays with {to})")
            } else {
                format!("from {from} to {to}")
            };
            let missed = e
                .deadline
                .map(|d| text::local(d, out.zone))
                .unwrap_or_default();
            let _ = writeln!(
                lines,
                "{} {} {whom}, deadline {}: {}",
                out.paint(verb, Color::Red),
                d.short,
                out.paint(&missed, Color::Red),
                clean_line(&d.planned.summary.title)
            );
        }
    }
    let told = if sweep.dry_run { "would tell" } else { "told" };
    for d in &sweep.escalated {
        if let Some(due) = d.planned.delay.as_ref().and_then(|e| e.deadline) {
            let _ = writeln!(
                lines,
                "{told} the customer of {} the answer promised by {} will be late: {}",
                d.short,
                text::local(due, out.zone),
                clean_line(&d.planned.summary.title)
            );
        }
    }
    let asked = if sweep.dry_run { "would ask" } else { "asked" };
    for d in &sweep.escalated {
        if d.planned.survey.is_some() {
            let _ = writeln!(
                lines,
                "{asked} the customer of {} how it went: {}",
                d.short,
                clean_line(&d.planned.summary.title)
            );
        }
    }
    let reopened = if sweep.dry_run {
        "would reopen"
    } else {
        "reopened"
    };
    for d in &sweep.escalated {
        if let Some(until) = d.planned.wake.as_ref().and_then(|e| e.until()) {
            let _ = writeln!(
                lines,
                "{reopened} {} for {}, waiting until {} has passed: {}",
                d.short,
                clean_line(&d.planned.summary.owner),
                text::local(until, out.zone),
                clean_line(&d.planned.summary.title)
            );
        }
    }
    for w in &sweep.warned {
        let s = w.breach.summary;
        let what = match w.breach.promised_by {
            Some(by) => format!("promise by {} due in", clean_line(by)),
            None => "due in".to_string(),
        };
        let _ = writeln!(
            lines,
            "{} ({}): {} owned by {}: {}",
            out.paint(
                &format!("{what} {}", text::span(w.breach.due - now)),
                Color::Yellow
            ),
            text::local(w.breach.due, out.zone),
            w.short,
            clean_line(&s.owner),
            clean_line(&s.title)
        );
    }
    lines.trim_end().to_string()
}
