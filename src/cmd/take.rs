//! `baton take`: make a ticket yours.

use clap_complete::engine::ArgValueCompleter;

use super::completions;
use crate::core::action;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::render::outcome;

/// Take a ticket: it becomes yours, recorded as a hand-off from its owner
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton take 0b7c
  baton take 0b7c --note \"I know this customer\"")]
pub struct Args {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: String,
    /// Why you take it
    #[arg(long, short)]
    pub note: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut previous = String::new();
    let o = super::change(ctx, &args.id, |t, cx| {
        previous = t.owner.clone();
        action::take(t, cx, args.note)
    })?;
    let done = outcome::took(&o.short, &previous, &o.ticket.title);
    super::report(ctx, &o, &done, &outcome::already_yours(&o.short))
}
