//! `baton merge DUP INTO`: close a duplicate into the ticket it repeats (the
//! rules are `core::duplicate`'s). Named apart from `merge_driver`, git's
//! merge of ticket files.

use clap_complete::engine::ArgValueCompleter;

use super::{Txn, completions};
use crate::core::{action, clock, duplicate};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::render::{json, ticket as render};

/// Merge a duplicate ticket into the one it repeats (DUP is closed, INTO goes on)
///
/// Both histories are kept, each pointing at the other. Mail answering the
/// duplicate's thread (its tag or its messages) lands on INTO from then on,
/// and the duplicate's customer becomes one of INTO's. `baton undo DUP`
/// undoes the merge on both tickets.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton merge 9a1f 0b7c            9a1f repeats 0b7c: close it into 0b7c
  baton merge 9a1f 0b7c --note \"same outage, second mail\"
  baton undo 9a1f                  undo the merge")]
pub struct Args {
    /// The duplicate (a unique id prefix, at least 4 characters)
    #[arg(value_name = "DUP", add = ArgValueCompleter::new(completions::ticket_ids))]
    pub dup: String,
    /// The ticket it repeats, which goes on
    #[arg(value_name = "INTO", add = ArgValueCompleter::new(completions::ticket_ids))]
    pub into: String,
    /// Why they are one
    #[arg(long, short)]
    pub note: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let (d, i) = (store.resolve(&args.dup)?, store.resolve(&args.into)?);
    let mut txn = Txn::begin(ctx, &store)?;
    let config = txn.config()?.clone();
    let actor = ctx.actor(&store, &config)?;
    let mut dup = super::undo::read(store.read(d.id)?, d.short.clone());
    let mut into = super::undo::read(store.read(i.id)?, i.short.clone());
    let cx = |t, label| action::Ctx {
        actor: &actor,
        now: txn.now_for(t),
        config: &config,
        label,
    };
    let (dup_cx, into_cx) = (cx(&dup.ticket, &d.short), cx(&into.ticket, &i.short));
    duplicate::merge(
        &mut dup.ticket,
        &mut into.ticket,
        &dup_cx,
        &into_cx,
        args.note,
    )?;
    let message = super::undo::save_all(&mut txn, [&dup, &into])?;
    txn.finish(&message);
    let (dup, into) = (dup.ticket, into.ticket);
    ctx.out.result(&render::merged(&d.short, &i.short), || {
        let doc = |t, short| {
            let due = clock::deadline(t, &config, ctx.now);
            json::ticket(t, short, due.as_ref(), true)
        };
        serde_json::json!({ "dup": doc(&dup, &d.short), "into": doc(&into, &i.short) })
    })
}
