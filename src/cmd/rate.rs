//! `baton rate`: the customer's satisfaction with a solved ticket.

use clap_complete::engine::ArgValueCompleter;

use super::completions;
use crate::core::action;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::render::outcome;

/// Record the customer's satisfaction (1-5) with a resolved or closed ticket
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Rate again when the customer changes their mind: every rating stays in \
                        the history and the report counts the latest.\n\n\
                        Examples:\n  baton rate 0b7c 5\n  \
                        baton rate 0b7c 2 --comment \"fixed, but it took three days\""
)]
pub struct Args {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: String,
    /// The score, from 1 (very unhappy) to 5 (very happy)
    #[arg(value_parser = clap::value_parser!(u8).range(1..=5))]
    pub score: u8,
    /// What the customer said
    #[arg(long, short)]
    pub comment: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let o = super::change(ctx, &args.id, |t, cx| {
        action::rate(t, cx, args.score, args.comment)
    })?;
    super::report(ctx, &o, &outcome::rated(&o.short, args.score), "")
}
