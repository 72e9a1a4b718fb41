//! `baton escalate`: the sweep cron runs, giving overdue tickets to the
//! escalation target.

use super::{Txn, Unreadable};
use crate::core::sweep::{self, Planned};
use crate::core::{duration, incident, survey};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::sweep::{Escalated, Failed, Sweep, Warned};
use crate::render::{self, commit};
use crate::store::Store;

/// Escalate every ticket past its deadline (run it from cron)
///
/// Each open ticket not solved within [escalation] after (20h by default) goes to
/// the escalation target, with one `escalated` event per missed deadline. Running
/// it again changes nothing; a sweep missed for days catches up. It prints nothing
/// when nothing is due, so cron sends no mail.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  baton escalate --dry-run --warn 2h\n  \
                        */10 * * * *  cd /srv/support && baton escalate   (a crontab line)")]
pub struct Args {
    /// Show what would happen and write nothing
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Also list tickets that will breach, or whose promise to the customer
    /// falls due, within this time (such as 2h); with [templates] delay set,
    /// tell those customers once that the answer will be late
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub warn: Option<std::time::Duration>,
}

fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    duration::parse(s)
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    // The transaction is held for the whole sweep so that nobody's change in
    // between is lost.
    let mut txn = if args.dry_run {
        None
    } else {
        Some(Txn::begin(ctx, &store)?)
    };
    let (config, now) = match &txn {
        Some(txn) => (txn.config()?.clone(), txn.now()),
        None => (store.config()?, ctx.now),
    };
    // Summaries decide who is due; only those tickets are read in full.
    let loaded = store.summaries_in(survey::scope(&config, now))?;
    // Tickets linked to an open problem wait for it; only problems are read.
    let problems: Vec<_> = incident::active_problems(&loaded.tickets)
        .filter_map(|s| store.read(s.id).ok())
        .collect();
    let paused = incident::paused(&problems);
    let plan = sweep::plan_with(&loaded.tickets, &config, now, args.warn, &paused);
    // Surveys are decided from the few tickets that can owe or throttle one.
    let recent: Vec<_> = survey::to_read(&loaded.tickets, &config, now)
        .into_iter()
        .filter_map(|id| store.read(id).ok())
        .collect();
    let plan = sweep::with_surveys(plan, &loaded.tickets, survey::owed(&recent, &config, now));
    let mut failed = Vec::new();
    let mut escalated = Vec::new();
    for planned in plan.tickets {
        let short = loaded.short(planned.summary.id);
        if let Some(txn) = txn.as_mut()
            && let Err(why) = escalate(&store, txn, &planned, &short)
        {
            failed.push(Failed {
                short,
                planned,
                why,
            });
            continue;
        }
        escalated.push(Escalated { short, planned });
    }
    if let Some(txn) = txn {
        txn.finish(&commit::sweep(&escalated));
    }
    let mut warned = args
        .warn
        .map(|within| {
            let mut soon = sweep::about_to_breach(&loaded.tickets, &config, ctx.now, within);
            soon.extend(sweep::promises_about_to_break(
                &loaded.tickets,
                ctx.now,
                within,
            ));
            soon
        })
        .unwrap_or_default();
    warned.sort_by_key(|b| b.due);
    let warned = warned
        .into_iter()
        .filter(|breach| !paused.contains(&breach.summary.id))
        .map(|breach| Warned {
            short: loaded.short(breach.summary.id),
            breach,
        })
        .collect();

    let mut unreadable = Unreadable::read_or_written(ctx);
    unreadable.warn_all(loaded.problems.iter().chain(failed.iter().map(|f| &f.why)));
    let report = Sweep {
        dry_run: args.dry_run,
        escalated,
        warned,
        unreadable: &loaded.problems,
        failed,
    };
    render::sweep::show(&ctx.out, &report, ctx.now)?;
    unreadable.finish("the sweep did the rest")
}

/// Applies one ticket's planned escalations under the sweep's lock.
fn escalate(store: &Store, txn: &mut Txn, planned: &Planned, short: &str) -> Result<()> {
    let mut ticket = store.read(planned.summary.id)?;
    let before = ticket.events.len();
    if !sweep::apply(&mut ticket, planned) {
        return Err(Error::new(format!(
            "{short} changed while the sweep ran, so it was left alone"
        ))
        .hint("run 'baton escalate' again"));
    }
    txn.save(&ticket, short, before)
}
