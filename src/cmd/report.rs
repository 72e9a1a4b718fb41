//! `baton report`: the month-end figures for people, for `jq`, or for a
//! spreadsheet.

use chrono::{DateTime, Datelike, Local, Months, NaiveDate, TimeZone, Utc};

use crate::core::metrics::{self, Period};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use clap_complete::engine::ArgValueCandidates;
use serde::Serialize;

use super::{Unreadable, completions};

use crate::render::report;
use crate::render::text::clean_block;

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

/// The sections `--csv` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Section {
    People,
    Customers,
    Totals,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date; expected YYYY-MM-DD, such as 2026-11-01"))
}

fn parse_month(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a month; expected YYYY-MM, such as 2026-11"))
}

/// The instant a local calendar day begins. Where a clock change skips
/// midnight, the day begins at the first instant that exists.
fn day_start(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let local = Local.from_local_datetime(&midnight);
    local
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| {
            let later = midnight + chrono::Duration::hours(1);
            Local.from_local_datetime(&later).earliest().map_or_else(
                || Utc.from_utc_datetime(&midnight),
                |t| t.with_timezone(&Utc),
            )
        })
}

/// The period asked for, and how to name it.
fn period(args: &Args, now: DateTime<Utc>) -> Result<(Period, String)> {
    let today = now.with_timezone(&Local).date_naive();
    let (first, last) = match (args.month, args.since) {
        (_, Some(since)) => (since, args.until.unwrap_or(today)),
        (month, None) => {
            let first = month.unwrap_or_else(|| today.with_day(1).unwrap_or(today));
            let next = first + Months::new(1);
            (first, next.pred_opt().unwrap_or(first))
        }
    };
    if last < first {
        return Err(Error::usage(format!(
            "the period ends ({last}) before it begins ({first})"
        ))
        .hint("give --since the earlier date and --until the later one"));
    }
    let title = if args.since.is_none() {
        first.format("%B %Y").to_string()
    } else {
        format!("{first} to {last}")
    };
    let until = day_start(last.succ_opt().unwrap_or(last));
    Ok((
        Period {
            since: day_start(first),
            until,
        },
        title,
    ))
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
    let (period, title) = period(&args, ctx.now)?;
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
    if let Some(section) = args.csv {
        let text = csv(&r, section)?;
        // Exact data for a file; escaped control characters for a terminal.
        let text = if ctx.out.stdout_tty {
            clean_block(&text).into_owned()
        } else {
            text
        };
        ctx.out.print(&text)?;
    } else if ctx.out.json {
        ctx.out
            .json(&serde_json::to_value(&r).unwrap_or_default())?;
    } else {
        ctx.out.print(&report::report(&ctx.out, &r, &title))?;
    }
    unreadable
        .finish("the report counts only the rest")
        .map_err(|e| e.hint("run 'baton doctor' to see what is wrong with them"))
}

/// One section as CSV, with the JSON keys as the header row.
fn csv(r: &metrics::Report, section: Section) -> Result<String> {
    match section {
        Section::People => to_csv(&r.people),
        Section::Customers => to_csv(&r.customers),
        Section::Totals => to_csv(std::slice::from_ref(&r.totals)),
    }
    .map_err(|e| Error::new(format!("cannot write the CSV: {e}")))
}

/// Rows as CSV. An empty section still gets its header row, so a spreadsheet
/// sees the columns.
fn to_csv<T: Serialize + Default>(rows: &[T]) -> std::result::Result<String, ::csv::Error> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    if rows.is_empty() {
        w.serialize(T::default())?;
    }
    for row in rows {
        w.serialize(row)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Ok(if rows.is_empty() {
        text.lines().next().unwrap_or_default().to_string() + "\n"
    } else {
        text
    })
}
