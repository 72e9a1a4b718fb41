//! `baton search`: the tickets that mention every word, newest first, with
//! the line that mentions it.

use clap_complete::engine::ArgValueCandidates;

use super::{Unreadable, completions};
use crate::core::clock;
use crate::core::found::{self, Narrowed};
use crate::core::id;
use crate::core::query::Person;
use crate::core::search::{Found, Query};
use crate::core::ticket::Status;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::{json, table};
use crate::store::Store;
use uuid::Uuid;

/// Find tickets that mention words, in any status
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Every word must appear, ignoring case, in the title, customer, tags, \
                  description or any message or note; words are plain text, not patterns.\n\n\
                  Examples:\n  baton search safari export\n  \
                  baton search refund --status open,waiting\n  \
                  baton search --owner ben invoice --json | jq -r '.[].id'"
)]
pub struct Args {
    /// The words to look for
    #[arg(required = true, value_name = "WORD")]
    pub words: Vec<String>,
    /// Only tickets this person owns
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(completions::people))]
    pub owner: Option<String>,
    /// Only tickets in these statuses (repeat, or separate with commas)
    #[arg(long, value_delimiter = ',', value_parser = crate::core::typed::status,
          add = ArgValueCandidates::new(completions::statuses))]
    pub status: Vec<Status>,
    /// What to print: the table, or only the full ids, one a line
    #[arg(long, value_enum, default_value_t = super::Format::Table)]
    pub format: super::Format,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let config = store.config()?;
    let owner = args
        .owner
        .map(|o| super::people::name_in_use(ctx, &config, &o))
        .transpose()?
        .map(|name| Person::of(&config, &name));
    let query = Query::new(&args.words)
        .map_err(|e| Error::usage(e).hint("give at least one word: baton search WORD..."))?;
    let narrowed = Narrowed {
        owner,
        statuses: args.status,
    };
    let listing = store.list()?;
    let candidates = candidates(&store, &query, &listing.ids)?;
    let mut found = Vec::new();
    let mut unreadable = Unreadable::read(ctx);
    for result in store.scan(&candidates, |raw| {
        if !query.may_match(&raw.bytes) {
            return Ok(None);
        }
        let mut ticket = raw.ticket()?;
        let Some(hit) = narrowed
            .keeps(&ticket)
            .then(|| query.find(&ticket))
            .flatten()
        else {
            return Ok(None);
        };
        let due = clock::deadline(&ticket, &config, ctx.now);
        // Neither the table nor the JSON shows the history; freeing it here
        // spreads the work over every core.
        ticket.events = Vec::new();
        Ok(Some((ticket, due, hit)))
    }) {
        match result {
            Ok((ticket, due, hit)) => found.push(Found {
                short: id::short_in(&listing.ids, ticket.id),
                ticket,
                due,
                hit,
            }),
            Err(e) => unreadable.warn(&e),
        }
    }
    for stray in &listing.strays {
        unreadable.warn(&store.stray(stray));
    }
    found::sort(&mut found);

    if ctx.out.json {
        ctx.out.json_array(found.iter().map(json::found))?;
    } else if args.format == super::Format::Id {
        ctx.out.ids(found.iter().map(|f| f.ticket.id))?;
    } else if found.is_empty() {
        ctx.out.info("no tickets mention every word");
    } else {
        ctx.out.print(&table::found(&ctx.out, &found))?;
    }
    unreadable.finish("the results cover the rest")
}

/// The ticket files worth reading for `query`: those the word index keeps
/// (`Store::candidates`), or every file when it keeps none or cannot narrow
/// this query. The exact match on the parsed text decides either way.
fn candidates(store: &Store, query: &Query, all: &[Uuid]) -> Result<Vec<Uuid>> {
    Ok(store
        .candidates(query.pieces())?
        .unwrap_or_else(|| all.to_vec()))
}
