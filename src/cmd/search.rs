//! `baton search`: the tickets that mention every word, newest first, with
//! the line that mentions it.

use clap_complete::engine::ArgValueCandidates;

use super::completions;
use super::list::parse_status;
use crate::core::clock;
use crate::core::id;
use crate::core::search::{Found, Query};
use crate::core::ticket::{Status, Ticket};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::{json, table};

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
    #[arg(long, value_delimiter = ',', value_parser = parse_status,
          add = ArgValueCandidates::new(completions::statuses))]
    pub status: Vec<Status>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let config = store.config()?;
    if let Some(o) = &args.owner {
        config.member(o)?;
    }
    let query = Query::new(&args.words)
        .map_err(|e| Error::usage(e).hint("give at least one word: baton search WORD..."))?;
    let listing = store.list()?;
    let wanted = |t: &Ticket| {
        args.owner.as_ref().is_none_or(|o| &t.owner == o)
            && (args.status.is_empty() || args.status.contains(&t.status))
    };
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for result in store.scan(&listing.ids, |raw| {
        if !query.may_match(&raw.bytes) {
            return Ok(None);
        }
        let mut ticket = raw.ticket()?;
        let Some(hit) = wanted(&ticket).then(|| query.find(&ticket)).flatten() else {
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
            Err(e) => problems.push(e),
        }
    }
    problems.extend(listing.strays.iter().map(|s| store.stray(s.as_ref())));
    found.sort_by(|a, b| (b.ticket.updated, a.ticket.id).cmp(&(a.ticket.updated, b.ticket.id)));

    for problem in &problems {
        ctx.out.warn(problem);
    }
    if ctx.out.json {
        let docs = found.iter().map(|f| {
            let mut doc = json::ticket(&f.ticket, &f.short, f.due.as_ref(), false);
            if let Some(m) = doc.as_object_mut() {
                m.insert(
                    "match".into(),
                    serde_json::json!({"field": f.hit.field, "text": f.hit.snippet}),
                );
            }
            doc
        });
        ctx.out.json_array(docs)?;
    } else if found.is_empty() {
        ctx.out.info("no tickets mention every word");
    } else {
        ctx.out.print(&table::found(&ctx.out, &found))?;
    }
    match problems.len() {
        0 => Ok(()),
        n => Err(Error::new(format!(
            "{n} ticket file(s) could not be read; the results cover the rest"
        ))),
    }
}
