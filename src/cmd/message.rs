//! `baton reply` and `baton note`: messages to the customer and internal notes.

use clap_complete::engine::ArgValueCompleter;

use super::completions;
use crate::core::ticket::{Event, EventKind};
use crate::core::{action, clock, notice, outgoing, template};
use crate::ctx::Ctx;
use crate::error::{Error, Kind, Result};
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
  baton reply 0b7c \"On it.\" --promise \"tomorrow 12:00\"   and promise an answer by then
  baton reply 3f2a --all \"Fixed; sorry for the trouble.\"   every ticket linked to a problem")]
pub struct ReplyArgs {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: String,
    /// The message sent to the customer
    pub text: Option<String>,
    /// Also promise the customer an answer by this time (see 'baton promise')
    #[arg(long, value_name = "TIME")]
    pub promise: Option<String>,
    /// Start from the saved reply tickets/replies/NAME.md, filled in (at a
    /// terminal it opens in your editor; elsewhere it is sent as it is)
    #[arg(long, value_name = "NAME", conflicts_with = "text",
          add = ArgValueCompleter::new(completions::saved_replies))]
    pub template: Option<String>,
    /// Send it to every ticket linked to this problem instead (one reply on
    /// each, in its customer's own thread)
    #[arg(long)]
    pub all: bool,
}

/// List the saved replies (tickets/replies/NAME.md) for 'reply --template'
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton replies                      the saved replies
  baton reply 0b7c --template refund start from tickets/replies/refund.md")]
pub struct RepliesArgs {}

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

/// The saved reply `name` filled in for the ticket: at a terminal, as the
/// start of the text in the editor; elsewhere, the text itself.
fn from_template(ctx: &Ctx, id: &str, name: &str) -> Result<Option<String>> {
    let store = ctx.store()?;
    let config = store.config()?;
    let template = store.saved_reply(name)?;
    let place = store.shown(&store.replies_dir().join(format!("{name}.md")));
    template::check(&template).map_err(|(_, why)| {
        Error::new(format!("{}: {why}", place.display()))
            .kind(Kind::BadFile)
            .hint("placeholders are {name}, {id}, {owner}, {deadline} and the others of docs/mail.md; {{ and }} stand for braces")
    })?;
    let resolved = store.resolve(id)?;
    let ticket = store.read(resolved.id)?;
    let due = clock::deadline(&ticket, &config, ctx.now).map(|d| d.at);
    let reply = Event::new(ctx.now, "", EventKind::Reply);
    let filled = template::render(&template, |p| {
        notice::placeholder(&ticket, &reply, &resolved.short, &config, due, p)
    });
    if !ctx.can_prompt() {
        return Ok(Some(filled));
    }
    let guide = ask::message_guide(true, &resolved.short, &ticket.title);
    editor::text(ctx.editor(), &guide, filled.trim_end())
}

pub fn reply(ctx: &Ctx, args: ReplyArgs) -> Result<()> {
    let promised = super::promise::asked(ctx, args.promise.as_deref())?;
    let text = match &args.template {
        Some(name) => from_template(ctx, &args.id, name)?,
        None => text_for(ctx, &args.id, args.text, "reply")?,
    };
    let Some(text) = text else {
        ctx.out
            .info("cancelled: the reply was empty; nothing was recorded");
        return Ok(());
    };
    // One reply recipe: on the ticket, or on every ticket linked to the
    // problem in one transaction; each reply is mail in its own thread.
    let reply = |t: &mut crate::core::ticket::Ticket, cx: &action::Ctx| {
        let changed = action::reply(t, cx, &text)?;
        // The id the mail will carry, recorded on the event, so that the
        // customer's answer and a bounce of it find this ticket.
        let index = t.events.len() - 1;
        if outgoing::reply_address(t).is_some() {
            let id = outgoing::message_id(t.id, index, &t.events[index], cx.config);
            t.events[index].message_id = Some(id);
        }
        // The promise comes after the reply, which so does not keep it.
        match &promised {
            Some(p) => p.record(t, cx),
            None => Ok(changed),
        }
    };
    let mails = |t: &crate::core::ticket::Ticket| {
        t.events
            .iter()
            .rev()
            .find(|e| e.kind == EventKind::Reply)
            .is_some_and(|e| e.message_id.is_some())
    };
    if args.all {
        let (_, linked) = super::link::with_linked(ctx, std::slice::from_ref(&args.id))?;
        let ids: Vec<String> = linked.iter().map(|(id, _)| id.to_string()).collect();
        let outcomes = super::change_many(ctx, &ids, reply)?;
        if let Some(o) = outcomes.iter().find(|o| mails(&o.ticket))
            && o.config.mail.send.is_none()
        {
            ctx.out.info(&outcome::mail_waits());
        }
        return super::report_many(ctx, &outcomes, |o| outcome::replied(&o.short));
    }
    let o = super::change(ctx, &args.id, reply)?;
    if mails(&o.ticket) && o.config.mail.send.is_none() {
        ctx.out.info(&outcome::mail_waits());
    }
    super::report(ctx, &o, &outcome::replied(&o.short), "")
}

pub fn replies(ctx: &Ctx, _args: RepliesArgs) -> Result<()> {
    let store = ctx.store()?;
    let names = store.saved_replies()?;
    let place = store.shown(&store.replies_dir());
    ctx.out.result(&outcome::saved_replies(&names, &place), || {
        serde_json::json!(names)
    })
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
