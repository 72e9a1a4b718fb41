//! `baton reply` and `baton note`: messages to the customer and internal notes.

use crate::core::action;
use crate::ctx::Ctx;
use crate::error::Result;

/// Record a reply to the customer (the first one stops the first-response clock)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  baton reply 0b7c \"The refund was sent today; expect it within 3 days.\""
)]
pub struct ReplyArgs {
    /// The ticket (a unique id prefix, at least 4 characters)
    pub id: String,
    /// The message sent to the customer
    pub text: String,
}

/// Add an internal note to a ticket (customers never see notes)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  baton note 0b7c \"Card ending 4421 was charged twice on the 3rd\""
)]
pub struct NoteArgs {
    /// The ticket (a unique id prefix, at least 4 characters)
    pub id: String,
    /// The note
    pub text: String,
}

pub fn reply(ctx: &Ctx, args: ReplyArgs) -> Result<()> {
    let o = super::change(ctx, &args.id, |t, cx| action::reply(t, cx, &args.text))?;
    super::report(ctx, &o, &format!("replied on {}", o.short), "")
}

pub fn note(ctx: &Ctx, args: NoteArgs) -> Result<()> {
    let o = super::change(ctx, &args.id, |t, cx| action::note(t, cx, &args.text))?;
    super::report(ctx, &o, &format!("noted on {}", o.short), "")
}
