//! `baton report`: the month-end figures for people, for `jq`, or for a
//! spreadsheet.

use std::path::{Path, PathBuf};

use clap_complete::engine::ArgValueCandidates;

use super::{Unreadable, completions};
use crate::core::{metrics, period, when};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::html;
use crate::render::report::{self, Section};

/// Show month-end figures: solved, passed, response times, satisfaction, hours
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Periods are whole days in local time; the default is the current month. \
                        docs/metrics.md defines every figure.\n\n\
                        Examples:\n  baton report\n  baton report --month last\n  baton report --month 2026-10\n  \
                        baton report --since 2026-11-01 --until 2026-11-15 --owner ben\n  \
                        baton report --since monday --owner ben\n  \
                        baton report --json | jq '.people[] | {name, resolved, passed}'\n  \
                        baton report --csv customers > customers.csv\n  \
                        baton report --month 2026-10 --html october.html"
)]
pub struct Args {
    /// The month to report on: YYYY-MM, last, this or a month's name (default: the current month)
    #[arg(long, value_name = "MONTH", conflicts_with_all = ["since", "until"])]
    pub month: Option<String>,
    /// The first day of the period: YYYY-MM-DD, or as people say it (monday, "last week", yesterday)
    #[arg(long, value_name = "DAY")]
    pub since: Option<String>,
    /// The last day of the period, included (default: today); the same forms
    #[arg(long, value_name = "DAY", requires = "since")]
    pub until: Option<String>,
    /// Only this person's row, and only tickets they owned during the period
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(completions::people))]
    pub owner: Option<String>,
    /// Print one section as CSV instead, for a spreadsheet
    #[arg(long, value_enum, value_name = "SECTION")]
    pub csv: Option<Section>,
    /// Write the report as one self-contained HTML page with charts, to print or share
    #[arg(long, value_name = "FILE", conflicts_with = "csv")]
    pub html: Option<PathBuf>,
}

/// The days asked for, read as people say them in the reader's zone.
fn asked_days(ctx: &Ctx, args: &Args) -> Result<period::Days> {
    let zone = &ctx.out.zone;
    fn usage(flag: &'static str) -> impl Fn(String) -> Error {
        move |m| Error::usage(format!("--{flag}: {m}"))
    }
    let month = args
        .month
        .as_deref()
        .map(|m| when::month(m, ctx.now, zone).map_err(usage("month")))
        .transpose()?;
    let day = |text: &str, flag: &'static str| {
        when::day(text, ctx.now, zone, when::Lean::Past).map_err(usage(flag))
    };
    let since = args.since.as_deref().map(|t| day(t, "since")).transpose()?;
    let until = args.until.as_deref().map(|t| day(t, "until")).transpose()?;
    period::asked(zone, month, since, until, ctx.now)
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    if args.csv.is_some() && ctx.out.json {
        return Err(Error::usage("--csv and --json both want stdout; pick one"));
    }
    let store = ctx.store()?;
    let config = store.config()?;
    let owner = args
        .owner
        .as_deref()
        .map(|o| super::people::name_in_use(ctx, &config, o))
        .transpose()?;
    // Whole days of the reader's time zone.
    let days = asked_days(ctx, &args)?;
    let period = days.period;
    let before_days = period::previous(&ctx.out.zone, &days);
    let before = before_days.period;
    // Only tickets that can count in the period or the one before are read in full.
    let either = metrics::Period {
        since: before.since,
        until: period.until,
    };
    let summaries = store.summaries_in(metrics::scope(either))?;
    let wanted: Vec<_> = summaries
        .tickets
        .iter()
        .filter(|s| metrics::may_count(s, either))
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
    let owner = owner.as_deref();
    let mut r = metrics::report(&tickets, &config, period, owner, ctx.now);
    let previous = metrics::report(&tickets, &config, before, owner, ctx.now);
    r.compared = Some(metrics::compare(&r, &previous));
    match (args.csv, &args.html) {
        (Some(section), _) => report::csv(&ctx.out, &r, section)?,
        (None, Some(file)) => {
            let by_day = metrics::per_day(&r, &period::each_day(&ctx.out.zone, &days));
            let page = html::page(
                &r,
                &report::title(&days),
                &report::title(&before_days),
                &by_day,
            );
            write_page(file, &page)?;
            report::written(&ctx.out, file, &days)?;
        }
        (None, None) => report::show(&ctx.out, &r, &days, &before_days, unreadable.problems())?,
    }
    unreadable
        .finish("the report counts only the rest")
        .map_err(|e| e.hint("run 'baton doctor' to see what is wrong with them"))
}

/// Writes the page atomically: a temporary file beside it, renamed over it,
/// so a reader never sees half a page and a failed run leaves the old one.
fn write_page(file: &Path, page: &str) -> Result<()> {
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| {
        Error::io(file, "write", e).hint("give --html a file in a folder you can write to")
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".baton-report-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A page to share: what any program's new file gets (0666 less the
        // umask), not the temporary file's private 0600.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(fail)?;
    std::io::Write::write_all(&mut tmp, page.as_bytes()).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(file).map_err(|e| fail(e.error))?;
    Ok(())
}
