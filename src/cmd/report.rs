//! `baton report`: the month-end figures for people, for `jq`, or for a
//! spreadsheet.

use chrono::NaiveDate;
use clap_complete::engine::ArgValueCandidates;

use super::{Unreadable, completions};
use crate::core::{metrics, period};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::report::{self, Section};

/// Show month-end figures: solved, passed, response times, satisfaction, hours
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Periods are whole days in local time; the default is the current month. \
                        docs/metrics.md defines every figure.\n\n\
                        Examples:\n  baton report\n  baton report --month 2026-10\n  \
                        baton report --since 2026-11-01 --until 2026-11-15 --owner ben\n  \
                        baton report --json | jq '.people[] | {name, resolved, passed}'\n  \
                        baton report --csv customers > customers.csv"
)]
pub struct Args {
    /// The month to report on, as YYYY-MM (default: the current month)
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month, conflicts_with_all = ["since", "until"])]
    pub month: Option<NaiveDate>,
    /// The first day of the period, as YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<NaiveDate>,
    /// The last day of the period, included (default: today)
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "since")]
    pub until: Option<NaiveDate>,
    /// Only this person's row, and only tickets they owned during the period
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(completions::people))]
    pub owner: Option<String>,
    /// Print one section as CSV instead, for a spreadsheet
    #[arg(long, value_enum, value_name = "SECTION")]
    pub csv: Option<Section>,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date; expected YYYY-MM-DD, such as 2026-11-01"))
}

fn parse_month(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a month; expected YYYY-MM, such as 2026-11"))
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    if args.csv.is_some() && ctx.out.json {
        return Err(Error::usage("--csv and --json both want stdout; pick one"));
    }
    let store = ctx.store()?;
    let config = store.config()?;
    if let Some(owner) = &args.owner {
        config.member(owner)?;
    }
    // Whole days of the reader's time zone.
    let days = period::asked(&ctx.out.zone, args.month, args.since, args.until, ctx.now)?;
    let period = days.period;
    // Only tickets that can count in the period are read in full.
    let summaries = store.summaries()?;
    let wanted: Vec<_> = summaries
        .tickets
        .iter()
        .filter(|s| metrics::may_count(s, period))
        .map(|s| s.id)
        .collect();
    let mut unreadable = Unreadable::read(ctx);
    unreadable.warn_all(&summaries.problems);
    let mut tickets = Vec::with_capacity(wanted.len());
    for r in store.read_many(&wanted) {
        match r {
            Ok(t) => tickets.push(t),
            Err(e) => unreadable.warn(&e),
        }
    }
    let r = metrics::report(&tickets, &config, period, args.owner.as_deref(), ctx.now);
    match args.csv {
        Some(section) => report::csv(&ctx.out, &r, section)?,
        None => report::show(&ctx.out, &r, &days, unreadable.problems())?,
    }
    unreadable
        .finish("the report counts only the rest")
        .map_err(|e| e.hint("run 'baton doctor' to see what is wrong with them"))
}
