//! `baton reply` and `baton note`: messages to the customer and internal notes.

use clap_complete::engine::ArgValueCompleter;

use super::completions;
use crate::core::action;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::{ask, outcome};
use crate::term::editor;

/// Record a reply to the customer (the first one stops the first-response clock)
///
/// Without TEXT, at a terminal, the reply is written in your editor
/// ($VISUAL or $EDITOR).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton reply 0b7c \"The refund was sent today; expect it within 3 days.\"
  baton reply 0b7c                   write it in your editor
  baton reply 3f2a --all \"Fixed; sorry for the trouble.\"   every ticket linked to a problem")]
pub struct ReplyArgs {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: String,
    /// The message sent to the customer
    pub text: Option<String>,
    /// Send it to every ticket linked to this problem instead (one reply on
    /// each, in its customer's own thread)
    #[arg(long)]
    pub all: bool,
}

/// Add an internal note to a ticket (customers never see notes)
///
/// Without TEXT, at a terminal, the note is written in your editor
/// ($VISUAL or $EDITOR).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton note 0b7c \"Card ending 4421 was charged twice on the 3rd\"
  baton note 0b7c                    write it in your editor")]
pub struct NoteArgs {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: String,
    /// The note
    pub text: Option<String>,
}

/// The text given, or written in the editor at a terminal. `None` when the
/// person left the editor empty.
fn text_for(ctx: &Ctx, id: &str, given: Option<String>, what: &str) -> Result<Option<String>> {
    if let Some(text) = given {
        return Ok(Some(text));
    }
    if !ctx.can_prompt() {
        return Err(Error::usage(format!("{what} needs <TEXT>")).hint(format!(
            "baton {what} {id} \"TEXT\" (at a terminal, leaving out <TEXT> opens your editor)"
        )));
    }
    // Name the ticket in the guide, so the person knows where the text goes.
    let store = ctx.store()?;
    let resolved = store.resolve(id)?;
    let ticket = store.read(resolved.id)?;
    let guide = ask::message_guide(what == "reply", &resolved.short, &ticket.title);
    editor::text(ctx.editor(), &guide, "")
}

pub fn reply(ctx: &Ctx, args: ReplyArgs) -> Result<()> {
    let Some(text) = text_for(ctx, &args.id, args.text, "reply")? else {
        ctx.out
            .info("cancelled: the reply was empty; nothing was recorded");
        return Ok(());
    };
    if args.all {
        // The same reply recipe, once per linked ticket, in one transaction.
        let (_, linked) = super::link::with_linked(ctx, std::slice::from_ref(&args.id))?;
        let ids: Vec<String> = linked.iter().map(|(id, _)| id.to_string()).collect();
        let outcomes = super::change_many(ctx, &ids, |t, cx| action::reply(t, cx, &text))?;
        return super::report_many(ctx, &outcomes, |o| outcome::replied(&o.short));
    }
    let o = super::change(ctx, &args.id, |t, cx| action::reply(t, cx, &text))?;
    super::report(ctx, &o, &outcome::replied(&o.short), "")
}

pub fn note(ctx: &Ctx, args: NoteArgs) -> Result<()> {
    let Some(text) = text_for(ctx, &args.id, args.text, "note")? else {
        ctx.out
            .info("cancelled: the note was empty; nothing was recorded");
        return Ok(());
    };
    let o = super::change(ctx, &args.id, |t, cx| action::note(t, cx, &text))?;
    super::report(ctx, &o, &outcome::noted(&o.short), "")
}
