//! `baton log`: time spent on a ticket, the base for charging support by use.

use std::time::Duration;

use clap_complete::engine::ArgValueCompleter;

use super::completions;
use crate::core::{action, duration, when};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::outcome;

/// Log time you spent on a ticket (counted per person and per customer in the report)
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  baton log 0b7c 45m\n  \
                        baton log 0b7c 1h30m --note \"reproduced on staging, wrote the fix\"\n  \
                        baton log 0b7c 2h --at \"yesterday 14:00\"      work done earlier")]
pub struct Args {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: String,
    /// How long, such as 45m, 1h30m or 2h (rounded to whole minutes)
    #[arg(value_parser = duration::parse_positive)]
    pub duration: Duration,
    /// What the time went on
    #[arg(long, short)]
    pub note: Option<String>,
    /// When the work was done, if not just now (yesterday 14:00, monday,
    /// "2h ago", 2026-11-20 ...): the report counts it in that period
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let spent = args.duration;
    let worked = args
        .at
        .as_deref()
        .map(|text| {
            when::instant(text, ctx.now, &ctx.out.zone, when::Lean::Past)
                .map_err(|m| Error::usage(format!("--at: {m}")))
        })
        .transpose()?;
    let o = super::change(ctx, &args.id, |t, cx| {
        action::log_time(t, cx, spent, args.note, worked)
    })?;
    let minutes = o
        .ticket
        .events
        .last()
        .and_then(|e| e.minutes)
        .unwrap_or_default();
    super::report(ctx, &o, &outcome::logged(&o.short, minutes), "")
}
