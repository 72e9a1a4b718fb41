//! `baton promise`: record what the customer was told ("you will hear from
//! us by Friday 17:00"), and the promise `reply --promise` adds to a reply.
//! The rules (kept, broken, superseded) live in `core::promise`.

use chrono::{DateTime, Utc};
use clap_complete::engine::ArgValueCompleter;

use super::completions;
use crate::core::action;
use crate::core::config::Config;
use crate::core::promise;
use crate::core::ticket::Ticket;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::outcome;

/// Record a promise to the customer: an answer by TIME
///
/// The promise is kept when someone replies or the ticket is resolved by
/// then, broken once TIME passes without that; a later promise replaces it.
/// TIME is read in the desk's [calendar] timezone when set, else in yours.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton promise 0b7c \"friday 17:00\" --note \"after the bank confirms\"
  baton promise 0b7c \"in 2h\"
  baton reply 0b7c \"We are on it.\" --promise \"tomorrow 12:00\"   reply and promise at once")]
pub struct Args {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: String,
    /// When the customer will hear from you: "tomorrow 12:00", "friday 17:00", "in 2h", "2026-11-20 17:00"
    pub time: String,
    /// What was promised, in a few words (kept with the promise)
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

/// A promise asked for on the command line, its time read and checked
/// before the ticket is touched.
pub struct Asked {
    due: DateTime<Utc>,
    note: Option<String>,
}

impl Asked {
    /// Records the promise on the ticket the change is acting on.
    pub fn record(&self, t: &mut Ticket, cx: &action::Ctx) -> Result<bool> {
        promise::make(t, cx, self.due, self.note.clone())
    }
}

/// Reads `time` as a promise time: in the desk's calendar zone when it has
/// one (the hours the team promises in), else in the reader's.
fn due(ctx: &Ctx, config: &Config, time: &str, flag: &str) -> Result<DateTime<Utc>> {
    let read = match &config.calendar {
        Some(c) => promise::parse_when(time, ctx.now, &c.zone),
        None => promise::parse_when(time, ctx.now, &ctx.out.zone),
    };
    read.map_err(|why| {
        Error::usage(format!("{flag}{why}"))
            .hint("for example \"tomorrow 12:00\", \"friday 17:00\" or \"in 2h\"")
    })
}

/// The promise `reply --promise TIME` asked for, if any.
pub fn asked(ctx: &Ctx, time: Option<&str>) -> Result<Option<Asked>> {
    let Some(time) = time else {
        return Ok(None);
    };
    let config = ctx.store()?.config()?;
    Ok(Some(Asked {
        due: due(ctx, &config, time, "--promise: ")?,
        note: None,
    }))
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let config = ctx.store()?.config()?;
    let asked = Asked {
        due: due(ctx, &config, &args.time, "")?,
        note: args.note.filter(|n| !n.trim().is_empty()),
    };
    let o = super::change(ctx, &args.id, |t, cx| asked.record(t, cx))?;
    let done = outcome::promised(&o.short, asked.due, ctx.out.zone, ctx.now);
    super::report(ctx, &o, &done, "")
}
