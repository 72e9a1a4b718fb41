//! `baton wait`, `resolve`, `reopen` and `close`: status changes.

use clap_complete::engine::ArgValueCompleter;

use super::completions;
use crate::core::ticket::Status;
use crate::core::{action, incident, reminder};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::{ask, outcome};

/// Set a ticket you own waiting for the customer (its clock pauses)
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton wait 0b7c --note \"asked for the order number\"
  baton wait 0b7c --until \"tomorrow 9:00\"   back to open then, with a reminder (baton escalate)
  baton wait 0b7c 9a1f               several at once: all of them, or none
  baton reopen 0b7c                  when the customer answers (the clock resumes)")]
pub struct WaitArgs {
    /// The tickets (unique id prefixes, at least 4 characters each; several: all or none)
    #[arg(required = true, num_args = 1.., value_name = "ID", add = ArgValueCompleter::new(completions::ticket_ids))]
    pub ids: Vec<String>,
    /// What you are waiting for
    #[arg(long, short)]
    pub note: Option<String>,
    /// Bring it back to open at this time, with a reminder, unless it is
    /// reopened first: "tomorrow 9:00", "friday 17:00", "in 3d", "2026-11-20 17:00"
    /// (in the desk's [calendar] timezone when set, else yours)
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
}

/// Resolve a ticket you own: the problem is solved
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton resolve 0b7c --note \"refund sent\"
  baton resolve 0b7c 9a1f                     several at once: all of them, or none
  baton resolve 3f2a --all --note \"fixed\"     a problem and every ticket linked to it
  baton list --all --status resolved          what was solved")]
pub struct ResolveArgs {
    /// The tickets (unique id prefixes, at least 4 characters each; several: all or none)
    #[arg(required = true, num_args = 1.., value_name = "ID", add = ArgValueCompleter::new(completions::ticket_ids))]
    pub ids: Vec<String>,
    /// How it was solved
    #[arg(long, short)]
    pub note: Option<String>,
    /// Also resolve every ticket linked to these problems (one note and one
    /// notice each; you must own the problem)
    #[arg(long)]
    pub all: bool,
}

/// Reopen a waiting, resolved or closed ticket (a resolved one starts a fresh clock)
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton reopen 0b7c --note \"customer says it happened again\"
  baton reopen 0b7c                  resume a waiting ticket
  baton reopen 0b7c 9a1f             several at once: all of them, or none")]
pub struct ReopenArgs {
    /// The tickets (unique id prefixes, at least 4 characters each; several: all or none)
    #[arg(required = true, num_args = 1.., value_name = "ID", add = ArgValueCompleter::new(completions::ticket_ids))]
    pub ids: Vec<String>,
    /// Why it is open again
    #[arg(long, short)]
    pub note: Option<String>,
}

/// Close a ticket for good (someone else's ticket: asks first, or needs --yes)
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton close 0b7c --note \"duplicate of 9a1f\"
  baton close 0b7c --yes             close it though someone else owns it
  baton close 0b7c 9a1f              several at once: all of them, or none")]
pub struct CloseArgs {
    /// The tickets (unique id prefixes, at least 4 characters each; several: all or none)
    #[arg(required = true, num_args = 1.., value_name = "ID", add = ArgValueCompleter::new(completions::ticket_ids))]
    pub ids: Vec<String>,
    /// Why it is closed
    #[arg(long, short)]
    pub note: Option<String>,
}

fn set(ctx: &Ctx, ids: &[String], to: Status, note: Option<String>, confirmed: bool) -> Result<()> {
    let outcomes = super::change_many(ctx, ids, |t, cx| {
        action::set_status(t, cx, to, note.clone(), confirmed)
    })?;
    super::report_many(ctx, &outcomes, |o| {
        if o.changed {
            outcome::status_now(&o.short, to)
        } else {
            outcome::status_already(&o.short, to)
        }
    })
}

pub fn wait(ctx: &Ctx, args: WaitArgs) -> Result<()> {
    let Some(time) = args.until else {
        return set(ctx, &args.ids, Status::Waiting, args.note, false);
    };
    // The time is read and checked before any ticket is touched.
    let config = ctx.store()?.config()?;
    let read = match &config.calendar {
        Some(c) => reminder::parse_until(&time, ctx.now, &c.zone),
        None => reminder::parse_until(&time, ctx.now, &ctx.out.zone),
    };
    let until = read.map_err(|why| {
        Error::usage(format!("--until: {why}")).hint(
            "for example --until \"tomorrow 9:00\", --until \"friday 17:00\" or --until \"in 3d\"",
        )
    })?;
    let note = args.note;
    let outcomes = super::change_many(ctx, &args.ids, |t, cx| {
        reminder::wait(t, cx, until, note.clone())
    })?;
    super::report_many(ctx, &outcomes, |o| {
        outcome::waiting_until(&o.short, until, ctx.out.zone, ctx.now)
    })
}

pub fn resolve(ctx: &Ctx, args: ResolveArgs) -> Result<()> {
    if !args.all {
        return set(ctx, &args.ids, Status::Resolved, args.note, false);
    }
    // The problems and their linked tickets, in one transaction: each gets
    // its own status event, so each customer its own notice.
    let (problems, linked) = super::link::with_linked(ctx, &args.ids)?;
    let mut ids: Vec<String> = problems.iter().map(|p| p.id.to_string()).collect();
    ids.extend(linked.iter().map(|(id, _)| id.to_string()));
    let note = args.note;
    let outcomes = super::change_many(ctx, &ids, |t, cx| {
        match linked.iter().find(|(id, _)| *id == t.id) {
            Some((_, problem)) => incident::resolve_linked(t, cx, problem, note.clone()),
            None => action::set_status(t, cx, Status::Resolved, note.clone(), false),
        }
    })?;
    super::report_many(ctx, &outcomes, |o| {
        if o.changed {
            outcome::status_now(&o.short, Status::Resolved)
        } else {
            outcome::status_already(&o.short, Status::Resolved)
        }
    })
}

pub fn reopen(ctx: &Ctx, args: ReopenArgs) -> Result<()> {
    set(ctx, &args.ids, Status::Open, args.note, false)
}

pub fn close(ctx: &Ctx, args: CloseArgs) -> Result<()> {
    let mut confirmed = ctx.assume_yes();
    if !confirmed && ctx.can_prompt() {
        // Ask before taking the lock, so nobody waits while a person thinks.
        let (store, _, actor) = super::open(ctx)?;
        let mut others = Vec::new();
        for id in &args.ids {
            let resolved = store.resolve(id)?;
            let owner = store.read(resolved.id)?.owner;
            if owner != actor {
                others.push((resolved.short, owner));
            }
        }
        if let Some((short, owner)) = others.first() {
            let label = if others.len() == 1 {
                short.clone()
            } else {
                others
                    .iter()
                    .map(|(s, _)| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            confirmed = ctx
                .prompt()
                .confirm(&ask::close_anyway(&label, owner), false)?;
            if !confirmed {
                ctx.out.info(&outcome::not_closed(&label));
                return Ok(());
            }
        }
    }
    set(ctx, &args.ids, Status::Closed, args.note, confirmed)
}
