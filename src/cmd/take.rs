//! `baton take`: make a ticket yours.

use clap_complete::engine::ArgValueCompleter;

use super::completions;
use crate::core::action;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::render::outcome;

/// Take tickets: each becomes yours, recorded as a hand-off from its owner
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton take 0b7c
  baton take 0b7c --note \"I know this customer\"
  baton take 0b7c 9a1f 5e5e          several at once: all of them, or none")]
pub struct Args {
    /// The tickets (unique id prefixes, at least 4 characters each)
    #[arg(required = true, num_args = 1.., value_name = "ID", add = ArgValueCompleter::new(completions::ticket_ids))]
    pub ids: Vec<String>,
    /// Why you take it
    #[arg(long, short)]
    pub note: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut previous = Vec::new();
    let outcomes = super::change_many(ctx, &args.ids, |t, cx| {
        previous.push(t.owner.clone());
        action::take(t, cx, args.note.clone())
    })?;
    let owners: std::collections::HashMap<_, _> =
        outcomes.iter().map(|o| o.ticket.id).zip(previous).collect();
    super::report_many(ctx, &outcomes, |o| {
        if o.changed {
            outcome::took(&o.short, &owners[&o.ticket.id], &o.ticket.title)
        } else {
            outcome::already_yours(&o.short)
        }
    })
}
