//! `baton new --from-mail`: one e-mail on stdin, as procmail, a `.forward`
//! pipe, fetchmail's `--mda` or cron hands it over, filed as a new ticket or
//! as a `customer` message on the ticket it answers. Nothing is asked and no
//! mail is ever dropped: what cannot be filed is kept in
//! `tickets/.local/rejected/` and the command exits 1.

use serde_json::{Value, json};

use super::Txn;
use super::new::{Args, with_ack};
use crate::core::action::Draft;
use crate::core::clock;
use crate::core::config::Config;
use crate::core::id;
use crate::core::intake::{self, Thread};
use crate::core::notice::{self, Notice};
use crate::core::query;
use crate::core::ticket::{Status, Ticket};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::io::mail;
use crate::render::text::clean_line;
use crate::render::{commit, json};
use crate::store::Store;

/// What became of a message.
enum Action {
    Created,
    /// Added to an existing ticket; the status it had when it was not open.
    Added {
        reopened: Option<Status>,
    },
    /// The ticket already held this message; nothing was written.
    Duplicate,
}

/// A message filed, and what to report about it.
struct Filed {
    ticket: Ticket,
    short: String,
    config: Config,
    action: Action,
    message_id: Option<String>,
    /// Why no acknowledgement went out for a new ticket.
    ack_refused: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    if ctx.stdin_is_terminal() {
        return Err(
            Error::usage("--from-mail reads one e-mail on standard input")
                .hint("pipe a message in: baton new --from-mail < message.eml"),
        );
    }
    let raw = ctx.read_stdin_bytes()?;
    // Without a store there is nowhere to keep the mail: the error reaches
    // the mail system, which keeps the message and reports the failure.
    let store = ctx.store()?;
    let filed = match file(ctx, &store, &raw, &args) {
        Ok(filed) => filed,
        Err(err) => return Err(reject(ctx, &store, &raw, &err)),
    };
    report(ctx, &args, &filed)
}

/// Keeps a message that could not be filed, and makes the error that says
/// where it is.
fn reject(ctx: &Ctx, store: &Store, raw: &[u8], err: &Error) -> Error {
    let mut reason = err.message.clone();
    if let Some(hint) = &err.hint {
        reason.push_str(&format!(" ({hint})"));
    }
    let name = format!(
        "{}-{}",
        ctx.now.format("%Y%m%dT%H%M%SZ"),
        ctx.new_id().simple()
    );
    let kept = Txn::begin_raw(ctx, store).and_then(|mut txn| {
        let path = txn.reject(&name, raw, &reason);
        txn.finish("");
        path
    });
    match kept {
        Ok(path) => Error::new(format!(
            "the message was not filed: {}; it is kept in {}",
            err.message,
            path.display()
        ))
        .hint(format!(
            "the reason is also in {name}.reason beside it; to try again: baton new --from-mail < {}",
            path.display()
        )),
        Err(keep) => Error::new(format!(
            "the message was not filed ({}) and could not be kept: {}",
            err.message, keep.message
        ))
        .hint("the message is still with your mail system, which reports the failed delivery"),
    }
}

/// Reads the message and files it under the store lock.
fn file(ctx: &Ctx, store: &Store, raw: &[u8], args: &Args) -> Result<Filed> {
    let mail = mail::parse(raw).map_err(Error::new)?;
    let mut txn = Txn::begin(ctx, store)?;
    let config = txn.config()?.clone();
    if let Some(owner) = &args.owner {
        config.member(owner)?;
    }
    let now = txn.now();
    // Only the tickets whose files may hold one of the message's ids or the
    // sender's address matter; the rest are not parsed, let alone kept.
    let listing = store.list()?;
    let address = intake::address_of(&mail.from);
    let needles = intake::needles(&mail, address.as_deref());
    let mut tickets = Vec::new();
    for found in store.scan(&listing.ids, |raw| {
        if needles.may_hold(&raw.bytes) {
            raw.ticket().map(Some)
        } else {
            Ok(None)
        }
    }) {
        match found {
            Ok(t) => tickets.push(t),
            Err(e) => ctx.out.warn(&e),
        }
    }
    let mut ack_refused = None;
    let (ticket, before, action) = match intake::thread(&mail, &tickets, &listing.ids) {
        Thread::New => {
            let owner = match &args.owner {
                Some(o) => o.clone(),
                None => intake::owner(&config, &query::open_load(&store.summaries()?.tickets)),
            };
            let recent = address
                .as_deref()
                .map_or(0, |a| intake::recent_acks(&tickets, a, now));
            ack_refused = intake::ack_refusal(&mail, &config, recent);
            let base = Draft {
                owner: Some(owner),
                priority: args.priority.unwrap_or_default(),
                tags: args.tags.clone(),
                ..Draft::default()
            };
            let ack = if ack_refused.is_none() { address } else { None };
            let ticket = intake::new_ticket(&config, now, ctx.new_id(), &mail, base, ack)?;
            (ticket, 0, Action::Created)
        }
        Thread::Existing(id) => {
            let mut ticket = store.read(id)?;
            let before = ticket.events.len();
            let was = ticket.status;
            let at = txn.now_for(&ticket);
            intake::add_message(&mut ticket, at, &mail);
            let reopened = (was != Status::Open).then_some(was);
            (ticket, before, Action::Added { reopened })
        }
        Thread::Duplicate(id) => {
            let ticket = store.read(id)?;
            let before = ticket.events.len();
            (ticket, before, Action::Duplicate)
        }
    };
    let short = id::short_in(&listing.ids, ticket.id);
    let mut message = String::new();
    match action {
        Action::Created => txn.create(&ticket, &short)?,
        Action::Added { .. } => txn.save(&ticket, &short, before)?,
        Action::Duplicate => {}
    }
    if ticket.events.len() > before {
        message = commit::ticket(&short, &ticket, &ticket.events[before..]);
    }
    txn.finish(&message);
    Ok(Filed {
        ticket,
        short,
        config,
        action,
        message_id: mail.message_id.clone(),
        ack_refused,
    })
}

/// One line on stdout (or the acknowledgement with `--ack`, or JSON).
fn report(ctx: &Ctx, args: &Args, f: &Filed) -> Result<()> {
    let due = clock::deadline(&f.ticket, &f.config, ctx.now);
    let ack: Option<Notice> = match f.action {
        Action::Created => notice::for_event(
            &f.ticket,
            &f.ticket.events[0],
            &f.short,
            &f.config,
            due.as_ref().map(|d| d.at),
        ),
        _ => None,
    };
    let line = match &f.action {
        Action::Created => format!(
            "created {} for {}, owned by {}",
            f.short,
            clean_line(&f.ticket.customer),
            f.ticket.owner
        ),
        Action::Added { reopened: None } => format!("added the message to {}", f.short),
        Action::Added {
            reopened: Some(was),
        } => format!(
            "added the message to {} and reopened it (it was {was})",
            f.short
        ),
        Action::Duplicate => format!("{} already holds this message; nothing was added", f.short),
    };
    let human = if args.ack {
        ctx.out.info(&line);
        match (&ack, &f.ack_refused) {
            (Some(ack), _) => ack.mail(),
            (None, Some(why)) => {
                ctx.out.info(&format!("no acknowledgement: {why}"));
                String::new()
            }
            (None, None) => {
                ctx.out
                    .info("no acknowledgement: only a new ticket is acknowledged");
                String::new()
            }
        }
    } else {
        line
    };
    if !ctx.out.json && human.is_empty() {
        return Ok(());
    }
    ctx.out.result(&human, || {
        let mut doc = with_ack(
            json::ticket(&f.ticket, &f.short, due.as_ref(), true),
            ack.as_ref(),
        );
        let (action, reopened) = match f.action {
            Action::Created => ("created", None),
            Action::Added { reopened } => ("added", reopened),
            Action::Duplicate => ("duplicate", None),
        };
        if let Some(m) = doc.as_object_mut() {
            m.insert(
                "intake".into(),
                json!({
                    "action": action,
                    "message_id": f.message_id,
                    "reopened_from": reopened.map_or(Value::Null, |s| json!(s.as_str())),
                    "ack_refused": f.ack_refused,
                }),
            );
        }
        doc
    })
}
