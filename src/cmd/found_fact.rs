//! `baton found`: a checklist fact marked found by hand, so that `show`
//! stops listing it as missing (the customer gave it on the phone, or in
//! words no pattern recognises).

use clap_complete::engine::ArgValueCompleter;

use super::completions;
use crate::core::checklist;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::render::ticket;

/// Mark a checklist fact of a ticket found, so it is no longer missing
#[derive(Debug, clap::Args)]
#[command(
    after_help = "The facts are the ticket's checklist ([checklist.default] and \
                        [checklist.TAG] in baton.toml); 'baton show' lists those still missing.\n\n\
                        Examples:\n  baton found 0b7c device \"Pixel 8, app 4.2.1\"\n  \
                        baton found 0b7c screenshot"
)]
pub struct Args {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: String,
    /// The fact's name in the checklist, such as `order`
    pub fact: String,
    /// What was found, such as the order number
    pub value: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let fact = args.fact.clone();
    let o = super::change(ctx, &args.id, |t, cx| {
        checklist::mark_found(t, cx, &args.fact, args.value)
    })?;
    super::report(
        ctx,
        &o,
        &ticket::found(&o.short, &fact, true),
        &ticket::found(&o.short, &fact, false),
    )
}
