//! `baton list`: the tickets that need someone, soonest deadline first.

use clap_complete::engine::ArgValueCandidates;

use super::{Unreadable, completions};
use crate::core::query::{self, Filter, Person, Row, Sort};
use crate::core::summary::Scope;
use crate::core::ticket::{Priority, Status};
use crate::core::{period, survey, typed, when};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::{json, table};

/// List tickets (open and waiting ones unless told otherwise)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  baton list --mine\n  baton list --owner ben --status waiting\n  \
                        baton list --all --sort updated\n  baton list --priority high,urgent --tag billing,vip\n  \
                        baton list --all --sort updated --reverse --limit 5\n  \
                        baton list --all --since \"last week\" --until yesterday\n  baton list --overdue --json | jq -r '.[].id'\n  \
                        baton list --mine --format id | xargs -n1 baton show\n  \
                        baton list --jsonl | jq -c 'select(.priority == \"urgent\")'"
)]
pub struct Args {
    /// Only tickets you own
    #[arg(long, conflicts_with = "owner")]
    pub mine: bool,
    /// Only tickets this person owns
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(completions::people))]
    pub owner: Option<String>,
    /// Only tickets in these statuses (repeat, or separate with commas)
    #[arg(long, value_delimiter = ',', value_parser = typed::status,
          add = ArgValueCandidates::new(completions::statuses))]
    pub status: Vec<Status>,
    /// Only tickets whose customer contains this text
    #[arg(long)]
    pub customer: Option<String>,
    /// Only tickets with these tags (repeat, or separate with commas; all are required)
    #[arg(long = "tag", value_name = "TAG", value_delimiter = ',')]
    pub tags: Vec<String>,
    /// Only tickets of these priorities (repeat, or separate with commas; any case)
    #[arg(long, value_name = "PRIORITY", value_delimiter = ',', value_parser = typed::priority)]
    pub priority: Vec<Priority>,
    /// Only tickets past their escalation deadline
    #[arg(long)]
    pub overdue: bool,
    /// Only tickets opened on this day or later (today, yesterday, monday,
    /// "last week", 2026-11-01 ...; local days)
    #[arg(long, value_name = "DAY")]
    pub since: Option<String>,
    /// Only tickets opened on this day or earlier (same forms)
    #[arg(long, value_name = "DAY")]
    pub until: Option<String>,
    /// Only tickets whose mail to the customer bounced, with nothing
    /// reaching them since (any status, unless --status says)
    #[arg(long)]
    pub failed: bool,
    /// Only tickets whose latest rating is 2 or less (any status, unless
    /// --status says)
    #[arg(long)]
    pub unhappy: bool,
    /// Include resolved and closed tickets
    #[arg(long, short)]
    pub all: bool,
    /// The order
    #[arg(long, value_enum, default_value_t = Sort::Due)]
    pub sort: Sort,
    /// What to print: the table, or only the full ids, one a line (for
    /// shell loops: for id in $(baton list --format id); do ...)
    #[arg(long, value_enum, default_value_t = super::Format::Table)]
    pub format: super::Format,
    /// The order turned round
    #[arg(long)]
    pub reverse: bool,
    /// Show at most this many tickets (the first ones in the order shown)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

/// The instants `--since DAY` and `--until DAY` bound (whole local days,
/// both included, as in `report`).
fn opened_between(ctx: &Ctx, since: Option<&str>, until: Option<&str>) -> Result<query::Bounds> {
    let zone = &ctx.out.zone;
    let day = |flag: &str, text: &str| {
        when::day(text, ctx.now, zone, when::Lean::Past)
            .map_err(|m| Error::usage(format!("--{flag}: {m}")))
    };
    let first = since.map(|t| day("since", t)).transpose()?;
    let last = until.map(|t| day("until", t)).transpose()?;
    if let (Some(first), Some(last)) = (first, last)
        && last < first
    {
        return Err(
            Error::usage(format!("--until {last} is before --since {first}"))
                .hint("give --since the earlier day and --until the later one"),
        );
    }
    Ok((
        first.map(|d| period::day_start(zone, d)),
        last.map(|d| period::day_start(zone, d.succ_opt().unwrap_or(d))),
    ))
}

/// The tickets among `ids` whose latest rating is unhappy
/// ([`survey::unhappy`]). Ratings are not in the summaries, so the files
/// are read; only those that hold a `rated` event are parsed.
fn unhappy_among(
    store: &crate::store::Store,
    ids: &[uuid::Uuid],
    unreadable: &mut Unreadable,
) -> std::collections::HashSet<uuid::Uuid> {
    const RATED: &[u8] = b"\"rated\"";
    let mut out = std::collections::HashSet::new();
    for found in store.scan(ids, |raw| {
        if raw.bytes.windows(RATED.len()).any(|w| w == RATED) {
            raw.ticket().map(Some)
        } else {
            Ok(None)
        }
    }) {
        match found {
            Ok(t) if survey::unhappy(&t) => {
                out.insert(t.id);
            }
            Ok(_) => {}
            Err(e) => unreadable.warn(&e),
        }
    }
    out
}

/// Bare `baton`: your open and waiting tickets, soonest deadline first,
/// then the team's tickets about to breach (or past their deadline).
pub fn queue(ctx: &Ctx) -> Result<()> {
    let (store, config, actor) = super::open(ctx)?;
    // The queue holds only open and waiting tickets.
    let loaded = store.summaries_in(Scope::Live)?;
    let rows = |keep: &dyn Fn(
        &crate::core::summary::Summary,
        Option<&crate::core::clock::Deadline>,
    ) -> bool| {
        let mut rows: Vec<Row> = loaded
            .tickets
            .iter()
            .filter(|t| t.status.is_active())
            .filter_map(|t| {
                let due = t.deadline(&config, ctx.now);
                keep(t, due.as_ref()).then(|| Row {
                    ticket: t,
                    due,
                    short: loaded.short(t.id),
                })
            })
            .collect();
        query::sort(&mut rows, Sort::Due, ctx.now);
        rows
    };
    let me = Person::of(&config, &actor);
    let mine = rows(&|t, _| me.owns(&t.owner));
    let team = rows(&|t, due| !me.owns(&t.owner) && query::about_to_breach(due, ctx.now));
    let mut unreadable = Unreadable::read(ctx);
    unreadable.warn_all(&loaded.problems);
    if ctx.out.json {
        let ids: Vec<_> = mine.iter().chain(&team).map(|r| r.ticket.id).collect();
        let docs = mine.iter().chain(&team).zip(store.read_many(&ids));
        let mut out = Vec::with_capacity(ids.len());
        for (row, full) in docs {
            match full {
                Ok(t) => out.push(json::ticket(&t, &row.short, row.due.as_ref(), false)),
                Err(e) => unreadable.warn(&e),
            }
        }
        ctx.out.json_array(out.into_iter())?;
    } else {
        ctx.out
            .print(&table::queue(&ctx.out, &actor, &mine, &team, ctx.now))?;
    }
    unreadable.finish("the queue shows the rest")
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let config = store.config()?;
    let owner = if args.mine {
        Some(ctx.actor(&store, &config)?)
    } else {
        args.owner
            .map(|o| super::people::name_in_use(ctx, &config, &o))
            .transpose()?
    }
    .map(|name| Person::of(&config, &name));
    let opened = opened_between(ctx, args.since.as_deref(), args.until.as_deref())?;
    let filter = Filter {
        opened,
        owner,
        statuses: args.status,
        customer: args.customer,
        tags: args.tags,
        priorities: args.priority,
        overdue: args.overdue,
        // A bounced status notice matters most on a resolved ticket.
        all: args.all || args.failed || args.unhappy,
    };
    let loaded = store.summaries_in(filter.scope())?;
    let mut rows: Vec<Row> = loaded
        .tickets
        .iter()
        .filter(|t| !args.failed || t.delivery_failed)
        .filter_map(|t| {
            let due = t.deadline(&config, ctx.now);
            filter.matches(t, due.as_ref(), ctx.now).then(|| Row {
                ticket: t,
                due,
                short: loaded.short(t.id),
            })
        })
        .collect();
    let mut unreadable = Unreadable::read(ctx);
    if args.unhappy {
        let ids: Vec<_> = rows.iter().map(|r| r.ticket.id).collect();
        let unhappy = unhappy_among(&store, &ids, &mut unreadable);
        rows.retain(|r| unhappy.contains(&r.ticket.id));
    }
    query::sort(&mut rows, args.sort, ctx.now);
    if args.reverse {
        rows.reverse();
    }
    if let Some(n) = args.limit {
        rows.truncate(n);
    }

    unreadable.warn_all(&loaded.problems);
    if ctx.out.json {
        // The JSON carries every field, so the listed tickets are read in
        // full, a slice at a time.
        let docs = rows.chunks(1024).flat_map(|chunk| {
            let ids: Vec<_> = chunk.iter().map(|r| r.ticket.id).collect();
            let full = store.read_many(&ids);
            let mut docs = Vec::with_capacity(chunk.len());
            for (row, full) in chunk.iter().zip(full) {
                match full {
                    Ok(t) => docs.push(json::listed(
                        json::ticket(&t, &row.short, row.due.as_ref(), false),
                        row.ticket,
                    )),
                    Err(e) => unreadable.warn(&e),
                }
            }
            docs
        });
        ctx.out.json_array(docs)?;
    } else if args.format == super::Format::Id {
        ctx.out.ids(rows.iter().map(|r| r.ticket.id))?;
    } else if rows.is_empty() {
        ctx.out
            .info("no tickets match (resolved and closed ones show with --all)");
    } else {
        // Which open problem holds each linked ticket: only problems are read.
        let links = crate::core::incident::marks(
            crate::core::incident::active_problems(&loaded.tickets)
                .filter_map(|p| store.read(p.id).ok()),
            |id| loaded.short(id),
        );
        ctx.out
            .print(&table::tickets_linked(&ctx.out, &rows, ctx.now, &links))?;
    }
    unreadable.finish("the list shows the rest")
}
