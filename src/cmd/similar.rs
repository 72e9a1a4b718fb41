//! `baton similar`: the resolved tickets most like one ticket, with how they
//! were solved.

use super::Unreadable;
use crate::core::id;
use crate::core::similar::Index;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::similar;

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

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    if args.limit == 0 {
        return Err(Error::usage("--limit 0 would show nothing").hint("give --limit 1 or more"));
    }
    let store = ctx.store()?;
    let resolved = store.resolve(&args.id)?;
    let asked = store.read(resolved.id)?;
    let listing = store.list()?;
    let mut unreadable = Unreadable::read(ctx);
    let mut tickets = Vec::with_capacity(listing.ids.len());
    for r in store.read_many(&listing.ids) {
        match r {
            Ok(t) => tickets.push(t),
            Err(e) => unreadable.warn(&e),
        }
    }
    let found = Index::new(&tickets).similar(&asked, args.limit);
    let shorts: Vec<String> = found
        .iter()
        .map(|m| id::short_in(&listing.ids, m.id))
        .collect();
    similar::show(&ctx.out, &resolved.short, &found, &shorts)?;
    unreadable.finish("the ranking uses only the rest")
}
