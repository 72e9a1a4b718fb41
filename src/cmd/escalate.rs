//! `baton escalate`: the sweep cron runs, giving overdue tickets to the
//! escalation target.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::Txn;
use crate::core::config::Config;
use crate::core::duration;
use crate::core::query;
use crate::core::summary::Summary;
use crate::core::ticket::{Event, Ticket};
use crate::core::time::rfc3339;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::commit::{self, Swept};
use crate::render::text::{self, Color, clean_line};
use crate::store::{Store, Summaries};

/// Escalate every ticket past its deadline (run it from cron)
///
/// Each open ticket not solved within [escalation] after (20h by default) goes to
/// the escalation target, with one `escalated` event per missed deadline. Running
/// it again changes nothing; a sweep missed for days catches up. It prints nothing
/// when nothing is due, so cron sends no mail.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  baton escalate --dry-run --warn 2h\n  \
                        */10 * * * *  cd /srv/support && baton escalate   (a crontab line)")]
pub struct Args {
    /// Show what would happen and write nothing
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Also list tickets that will breach within this time (such as 2h)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub warn: Option<std::time::Duration>,
}

fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    duration::parse(s)
}

/// One ticket's escalations, planned or done.
struct Escalated {
    short: String,
    title: String,
    id: String,
    events: Vec<Event>,
}

/// A ticket about to breach.
struct Warning {
    short: String,
    title: String,
    id: String,
    owner: String,
    due: DateTime<Utc>,
}

fn warnings(
    tickets: &[Summary],
    ids: &Summaries,
    config: &Config,
    now: DateTime<Utc>,
    within: std::time::Duration,
) -> Vec<Warning> {
    let horizon = now + duration::chrono(within);
    let mut out: Vec<Warning> = tickets
        .iter()
        .filter_map(|t| {
            let d = t.deadline(config, now)?;
            (!d.paused && !d.exhausted && d.at > now && d.at <= horizon).then(|| Warning {
                short: ids.short(t.id),
                title: t.title.clone(),
                id: t.id.to_string(),
                owner: t.owner.clone(),
                due: d.at,
            })
        })
        .collect();
    out.sort_by_key(|w| w.due);
    out
}

/// Records the escalations in the ticket the summary was made from. The
/// sweep holds the lock, so only a hand edit in between could change it; then
/// the ticket is left for the next sweep.
fn escalate(store: &Store, summary: &Summary, short: &str, events: &[Event]) -> Result<Ticket> {
    let mut ticket = store.read(summary.id)?;
    if Summary::of(&ticket) != *summary {
        return Err(Error::new(format!(
            "{short} changed while the sweep ran, so it was left alone"
        ))
        .hint("run 'baton escalate' again"));
    }
    for e in events.iter().cloned() {
        ticket.record(e);
    }
    Ok(ticket)
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    // The transaction is held for the whole sweep so that nobody's change in
    // between is lost.
    let mut txn = if args.dry_run {
        None
    } else {
        Some(Txn::begin(ctx, &store)?)
    };
    let (config, now) = match &txn {
        Some(txn) => (txn.config()?.clone(), txn.now()),
        None => (store.config()?, ctx.now),
    };
    // Summaries decide who is due; only those tickets are read in full.
    let mut loaded = store.summaries()?;
    let summaries = std::mem::take(&mut loaded.tickets);
    let mut tickets: Vec<&Summary> = summaries.iter().collect();
    tickets.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
    let mut load = query::open_load(&summaries);
    let mut done = Vec::new();
    let mut failures = std::mem::take(&mut loaded.problems);
    for &summary in &tickets {
        let Some(clock) = &summary.clock else {
            continue;
        };
        let events = clock.owed(&summary.owner, &config, &mut load, now);
        if events.is_empty() {
            continue;
        }
        let short = loaded.short(summary.id);
        if let Some(txn) = txn.as_mut() {
            let saved = escalate(&store, summary, &short, &events)
                .and_then(|t| txn.save(&t, &short, t.events.len() - events.len()));
            if let Err(e) = saved {
                failures.push(e);
                continue;
            }
        }
        done.push(Escalated {
            short,
            title: summary.title.clone(),
            id: summary.id.to_string(),
            events,
        });
    }
    if let Some(txn) = txn {
        let swept: Vec<Swept> = done
            .iter()
            .map(|d| Swept {
                short: &d.short,
                title: &d.title,
                events: &d.events,
            })
            .collect();
        txn.finish(&commit::sweep(&swept));
    }
    let warned = args
        .warn
        .map(|w| warnings(&summaries, &loaded, &config, ctx.now, w))
        .unwrap_or_default();

    for f in &failures {
        ctx.out.warn(f);
    }
    if ctx.out.json {
        ctx.out.json(&json!({
            "dry_run": args.dry_run,
            "escalated": done.iter().map(|d| json!({
                "id": d.id,
                "short_id": d.short,
                "title": d.title,
                "events": d.events.iter().map(crate::render::json::event).collect::<Vec<Value>>(),
            })).collect::<Vec<_>>(),
            "warnings": warned.iter().map(|w| json!({
                "id": w.id,
                "short_id": w.short,
                "title": w.title,
                "owner": w.owner,
                "due": rfc3339(w.due),
            })).collect::<Vec<_>>(),
        }))?;
    } else {
        let verb = if args.dry_run {
            "would escalate"
        } else {
            "escalated"
        };
        let mut lines = String::new();
        for d in &done {
            for e in &d.events {
                let from = clean_line(e.from.as_deref().unwrap_or("?"));
                let to = clean_line(e.to.as_deref().unwrap_or("?"));
                let whom = if from == to {
                    format!("(stays with {to})")
                } else {
                    format!("from {from} to {to}")
                };
                let missed = e
                    .deadline
                    .map(|d| text::local(d, ctx.out.zone))
                    .unwrap_or_default();
                let _ = writeln!(
                    lines,
                    "{} {} {whom}, deadline {}: {}",
                    ctx.out.paint(verb, Color::Red),
                    d.short,
                    ctx.out.paint(&missed, Color::Red),
                    clean_line(&d.title)
                );
            }
        }
        for w in &warned {
            let _ = writeln!(
                lines,
                "{} ({}): {} owned by {}: {}",
                ctx.out.paint(
                    &format!("due in {}", text::span(w.due - ctx.now)),
                    Color::Yellow
                ),
                text::local(w.due, ctx.out.zone),
                w.short,
                clean_line(&w.owner),
                clean_line(&w.title)
            );
        }
        if !lines.is_empty() {
            ctx.out.print(lines.trim_end())?;
        }
    }
    match failures.len() {
        0 => Ok(()),
        n => Err(Error::new(format!(
            "{n} ticket file(s) could not be read or written; the sweep did the rest"
        ))),
    }
}
