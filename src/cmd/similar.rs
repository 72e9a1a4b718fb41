//! `baton similar`: the resolved tickets most like one ticket, with how they
//! were solved.

use super::Unreadable;
use crate::core::id;
use serde_json::{Value, json};

use crate::core::similar::{self, Match};
use crate::core::ticket::Ticket;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::similar as shown;
use crate::store::Store;

/// Show resolved tickets like this one, with their resolution notes
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Ranks resolved and closed tickets by BM25 over their title, description, \
                  messages and resolution notes, with English stemming.\n\n\
                  Examples:\n  baton similar 0b7c\n  baton similar 0b7c --limit 10\n  \
                  baton similar 0b7c --json | jq -r '.[].resolution'"
)]
pub struct Args {
    /// The ticket (an id or a unique prefix of one)
    pub id: String,
    /// How many tickets to show
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub limit: usize,
}

/// The `n` resolved tickets most like `asked`, with their short ids. The
/// ranking comes from the word index (`store::words`), which reads only the
/// files changed since it was kept; then only the hits' files are read, for
/// their titles and resolution notes. A file that cannot be read only
/// leaves the ranking, through `unreadable`.
pub fn ranked(
    store: &Store,
    asked: &Ticket,
    n: usize,
    mut unreadable: impl FnMut(&Error),
) -> Result<(Vec<Match>, Vec<String>)> {
    let words = store.words()?;
    for e in &words.problems {
        unreadable(e);
    }
    let hits = words.similar(asked, n);
    let ids: Vec<_> = hits.iter().map(|(id, _)| *id).collect();
    let mut found = Vec::with_capacity(hits.len());
    for ((_, score), read) in hits.iter().zip(store.read_many(&ids)) {
        match read {
            Ok(t) => found.push(similar::found(&t, *score)),
            Err(e) => unreadable(&e),
        }
    }
    let shorts = found
        .iter()
        .map(|m| id::short_in(&words.ids, m.id))
        .collect();
    Ok((found, shorts))
}

/// What the `created` hook payload adds (docs/hooks.md): `similar`, the 3
/// resolved tickets most like the new one, and `problems`, the open
/// problems it may be part of, offered and not linked.
pub fn created_payload(store: &Store, t: &Ticket) -> Result<Vec<(&'static str, Value)>> {
    let (found, shorts) = ranked(store, t, 3, |_| {})?;
    let similar = found
        .iter()
        .zip(&shorts)
        .map(|(m, short)| shown::match_json(m, short))
        .collect();
    let problems = super::link::problems_for(store, t)?
        .iter()
        .map(|(short, p)| json!({ "id": p.id.to_string(), "short_id": short, "title": p.title }))
        .collect();
    Ok(vec![
        ("similar", Value::Array(similar)),
        ("problems", Value::Array(problems)),
    ])
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    if args.limit == 0 {
        return Err(Error::usage("--limit 0 would show nothing").hint("give --limit 1 or more"));
    }
    let store = ctx.store()?;
    let resolved = store.resolve(&args.id)?;
    let asked = store.read(resolved.id)?;
    let mut unreadable = Unreadable::read(ctx);
    let (found, shorts) = ranked(&store, &asked, args.limit, |e| unreadable.warn(e))?;
    shown::show(&ctx.out, &resolved.short, &found, &shorts)?;
    unreadable.finish("the ranking uses only the rest")
}
