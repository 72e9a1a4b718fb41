//! `baton wait`, `resolve`, `reopen` and `close`: status changes.

use clap_complete::engine::ArgValueCompleter;

use super::completions;
use crate::core::action;
use crate::core::ticket::Status;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::render::{ask, outcome};

/// Set a ticket you own waiting for the customer (its clock pauses)
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton wait 0b7c --note \"asked for the order number\"
  baton reopen 0b7c                  when the customer answers (the clock resumes)")]
pub struct WaitArgs {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: String,
    /// What you are waiting for
    #[arg(long, short)]
    pub note: Option<String>,
}

/// Resolve a ticket you own: the problem is solved
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton resolve 0b7c --note \"refund sent\"
  baton list --all --status resolved          what was solved")]
pub struct ResolveArgs {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: String,
    /// How it was solved
    #[arg(long, short)]
    pub note: Option<String>,
}

/// Reopen a waiting, resolved or closed ticket (a resolved one starts a fresh clock)
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton reopen 0b7c --note \"customer says it happened again\"
  baton reopen 0b7c                  resume a waiting ticket")]
pub struct ReopenArgs {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: String,
    /// Why it is open again
    #[arg(long, short)]
    pub note: Option<String>,
}

/// Close a ticket for good (someone else's ticket: asks first, or needs --yes)
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton close 0b7c --note \"duplicate of 9a1f\"
  baton close 0b7c --yes             close it though someone else owns it")]
pub struct CloseArgs {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: String,
    /// Why it is closed
    #[arg(long, short)]
    pub note: Option<String>,
}

fn set(ctx: &Ctx, id: &str, to: Status, note: Option<String>, confirmed: bool) -> Result<()> {
    let o = super::change(ctx, id, |t, cx| {
        action::set_status(t, cx, to, note, confirmed)
    })?;
    let done = outcome::status_now(&o.short, to);
    super::report(ctx, &o, &done, &outcome::status_already(&o.short, to))
}

pub fn wait(ctx: &Ctx, args: WaitArgs) -> Result<()> {
    set(ctx, &args.id, Status::Waiting, args.note, false)
}

pub fn resolve(ctx: &Ctx, args: ResolveArgs) -> Result<()> {
    set(ctx, &args.id, Status::Resolved, args.note, false)
}

pub fn reopen(ctx: &Ctx, args: ReopenArgs) -> Result<()> {
    set(ctx, &args.id, Status::Open, args.note, false)
}

pub fn close(ctx: &Ctx, args: CloseArgs) -> Result<()> {
    let mut confirmed = ctx.assume_yes();
    if !confirmed && ctx.can_prompt() {
        // Ask before taking the lock, so nobody waits while a person thinks.
        let (store, _, actor) = super::open(ctx)?;
        let resolved = store.resolve(&args.id)?;
        let owner = store.read(resolved.id)?.owner;
        if owner != actor {
            confirmed = ctx
                .prompt()
                .confirm(&ask::close_anyway(&resolved.short, &owner), false)?;
            if !confirmed {
                ctx.out.info(&outcome::not_closed(&resolved.short));
                return Ok(());
            }
        }
    }
    set(ctx, &args.id, Status::Closed, args.note, confirmed)
}
