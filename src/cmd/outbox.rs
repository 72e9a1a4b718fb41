//! `baton outbox`: what waits to be sent and why, `outbox flush` to send
//! what is due, `outbox drop` to discard one. The flush also runs at the end
//! of every writing command (bounded in time, and only with a transport).
//!
//! A flush claims each message on its own (see `store::outbox`), hands it
//! to the transport, and removes it only once the transport accepted it. A
//! failure stays queued with the transport's words and a later try (back-off
//! in `core::outgoing`); past `[mail] give_up_after` it becomes a
//! `delivery-failed` event on its ticket. The one window in which a message
//! can go out twice lies between the server's acceptance of DATA and the
//! unlink of its file (SMTP has no way to ask whether a message arrived):
//! a kill there resends it once.

use std::time::{Duration, Instant};

use clap_complete::engine::ArgValueCompleter;

use super::{Txn, completions};
use crate::core::config::{Config, Password};
use crate::core::intake::address_of;
use crate::core::outgoing::{self, Outgoing};
use crate::ctx::Ctx;
use crate::error::{Error, Kind, Result};
use crate::io::transport::{self, Message};
use crate::render::outbox::{self as shown, Fate};
use crate::store::Store;
use crate::store::outbox::{Queued, mail_id};

/// List the mail waiting to be sent to customers, and why it waits
///
/// Every reply, acknowledgement and status notice is queued in
/// tickets/.local/outbox/ with its event, then sent through [mail] send.
/// A failed send is retried with back-off; after [mail] give_up_after it
/// becomes a delivery-failed event on the ticket.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton outbox                       what waits, and why
  baton outbox flush                 send what is due (from cron: */5 * * * *)
  baton outbox drop 0b7c6f1e-3       discard one unsent")]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
}

/// What to do with the outbox.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Send the messages that are due
    #[command(after_help = "Examples:
  baton outbox flush                 send what is due now
  baton outbox flush --all           also what waits out its back-off
  */5 * * * * cd ~/support && baton outbox flush     a cron line")]
    Flush {
        /// Also those still waiting out their back-off
        #[arg(long)]
        all: bool,
    },
    /// Discard a message unsent
    #[command(after_help = "Examples:
  baton outbox drop 0b7c6f1e-3       the id as 'baton outbox' lists it")]
    Drop {
        /// The message's id (as 'baton outbox' lists it; a unique prefix will do)
        #[arg(add = ArgValueCompleter::new(completions::outbox_ids))]
        id: String,
    },
}

/// How long the flush at the end of a writing command may take.
const AFTER_WRITE_BUDGET: Duration = Duration::from_secs(15);

/// The outbox entry for a message queued at `now`: due at once.
pub fn entry(m: &Outgoing, now: chrono::DateTime<chrono::Utc>) -> Queued {
    Queued {
        id: mail_id(m.ticket, m.event),
        kind: m.kind.as_str().to_string(),
        ticket: m.ticket,
        event: m.event,
        from: m.from.as_deref().and_then(address_of),
        to: m.to.clone(),
        message_id: m.message_id.clone(),
        subject: m.subject.clone(),
        queued: now,
        attempts: 0,
        next_attempt: now,
        last_error: None,
        mail: m.mail(),
    }
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let config = store.config()?;
    match args.action {
        None => list(ctx, &store, &config),
        Some(Action::Flush { all }) => {
            if config.mail.send.is_none() {
                return Err(no_transport());
            }
            let (done, waiting) = flush(ctx, &store, &config, None, all)?;
            ctx.out.result(&shown::flushed(&done, waiting), || {
                shown::flushed_json(&done, waiting)
            })
        }
        Some(Action::Drop { id }) => drop_one(ctx, &store, &id),
    }
}

fn no_transport() -> Error {
    Error::usage("no [mail] send is configured, so nothing can be sent; the messages wait in the outbox")
        .hint("set send = \"sendmail -t -oi\" or send = \"smtp://user@host:587\" under [mail] in baton.toml (see docs/mail.md)")
}

fn list(ctx: &Ctx, store: &Store, config: &Config) -> Result<()> {
    let (entries, bad) = store.outbox()?;
    for u in &bad {
        ctx.out.warn(
            &Error::new(format!(
                "{} does not read as a message: {}",
                u.path.display(),
                u.why
            ))
            .hint("look at it, then remove it or 'baton outbox drop' it"),
        );
    }
    let now = ctx.clock();
    let transport = config.mail.send.is_some();
    ctx.out
        .result(&shown::table(&ctx.out, &entries, now, transport), || {
            serde_json::Value::Array(entries.iter().map(|q| shown::entry_json(q, now)).collect())
        })
}

fn drop_one(ctx: &Ctx, store: &Store, id: &str) -> Result<()> {
    let ids = store.mail_ids(id.trim())?;
    let id = match ids.as_slice() {
        [one] => one.clone(),
        [] => {
            return Err(Error::new(format!("no message {id} in the outbox"))
                .kind(Kind::NotFound)
                .hint("'baton outbox' lists the messages waiting"));
        }
        _ => {
            return Err(Error::new(format!(
                "{id} names {} messages in the outbox: {}",
                ids.len(),
                ids.join(", ")
            ))
            .kind(Kind::Ambiguous)
            .hint("give more of the id"));
        }
    };
    let Some(claim) = store.claim_mail(&id)? else {
        return Err(Error::new(format!("message {id} is being sent right now"))
            .kind(Kind::Locked)
            .hint("look again with 'baton outbox' in a moment"));
    };
    let q = claim.entry.clone();
    claim.discard()?;
    ctx.out.result(
        &format!("dropped {} {} to {}", q.kind, q.id, q.to),
        || serde_json::json!({"dropped": q.id, "kind": q.kind, "to": q.to}),
    )
}

/// Sends what is due after a writing command, when a transport is set:
/// within [`AFTER_WRITE_BUDGET`], failures as warnings (the change stands).
pub fn after_write(ctx: &Ctx, store: &Store, config: &Config) {
    if config.mail.send.is_none() {
        return;
    }
    let budget = Instant::now() + AFTER_WRITE_BUDGET;
    match flush(ctx, store, config, Some(budget), false) {
        Ok((done, _)) => {
            for (q, fate) in &done {
                if let Fate::Failed(e) | Fate::GaveUp(e) = fate {
                    ctx.out.warn(
                        &Error::new(format!(
                            "the {} to {} was not sent: {e}; it waits in the outbox",
                            q.kind, q.to
                        ))
                        .hint("'baton outbox' says what waits; 'baton outbox flush' tries again"),
                    );
                }
            }
        }
        Err(e) => ctx.out.warn(&e),
    }
}

/// The SMTP password, from where `[mail]` says, when the transport needs one.
pub fn password_for(ctx: &Ctx, config: &Config) -> std::result::Result<Option<String>, String> {
    let timeout = config.mail.timeout;
    match &config.mail.password {
        None => Ok(None),
        Some(Password::Env(name)) => ctx
            .named_var(name)
            .map(Some)
            .ok_or_else(|| format!("password_env names {name}, and it is not set")),
        Some(Password::Command(words)) => transport::run(words, b"", timeout)
            .map(|out| out.lines().next().map(str::to_string))
            .map_err(|e| format!("password_command: {e}")),
    }
}

/// Settles staged messages a dead transaction left, then sends every due
/// message (all with `all`) until `budget` runs out. Returns what happened
/// to each message tried, and how many still wait.
pub fn flush(
    ctx: &Ctx,
    store: &Store,
    config: &Config,
    budget: Option<Instant>,
    all: bool,
) -> Result<(Vec<(Queued, Fate)>, usize)> {
    let Some(send) = &config.mail.send else {
        return Err(no_transport());
    };
    if store.has_staged_mail() {
        let txn = Txn::begin(ctx, store)?.without_flush();
        txn.reconcile_outbox()?;
        txn.finish("settle the outbox");
    }
    let (entries, _) = store.outbox()?;
    let timeout = config.mail.timeout;
    let mut secret: Option<std::result::Result<Option<String>, String>> = None;
    let mut done = Vec::new();
    for q in entries {
        if budget.is_some_and(|b| Instant::now() >= b) {
            break;
        }
        let now = ctx.clock();
        if !all && q.next_attempt > now {
            continue;
        }
        let Some(claim) = store.claim_mail(&q.id)? else {
            continue;
        };
        let mut entry = claim.entry.clone();
        if !all && entry.next_attempt > now {
            continue;
        }
        let password = secret.get_or_insert_with(|| password_for(ctx, config));
        let result = match password {
            Err(e) => Err(transport::Refused {
                code: None,
                text: e.clone(),
            }),
            Ok(p) => transport::send(
                send,
                p.as_deref(),
                &Message {
                    from: entry.from.as_deref(),
                    to: &entry.to,
                    mail: &entry.mail,
                },
                timeout,
            ),
        };
        match result {
            Ok(accepted) => {
                // First of all: the shorter the time between the server's
                // acceptance and this removal, the smaller the one window in
                // which a kill sends the message again.
                claim.sent()?;
                // For show's marks only: a record that failed to write costs
                // the mark, never the message.
                let _ = store.record_sent(&entry.message_id);
                let said = shown::server_said(accepted.code, &accepted.text, true);
                done.push((entry, Fate::Sent(said)));
            }
            Err(refused) => {
                let why = refused.to_string();
                entry.attempts += 1;
                entry.last_error = Some(why.clone());
                let now = ctx.clock();
                if outgoing::gives_up(entry.queued, now, config.mail.give_up_after) {
                    give_up(ctx, store, &entry, &why)?;
                    claim.discard()?;
                    done.push((entry, Fate::GaveUp(why)));
                } else {
                    entry.next_attempt = outgoing::next_attempt(now, entry.attempts);
                    claim.failed(&entry)?;
                    done.push((entry, Fate::Failed(why)));
                }
            }
        }
    }
    let waiting = store.outbox()?.0.len();
    Ok((done, waiting))
}

/// Records on the message's ticket that it never left: a `delivery-failed`
/// event, once (a flush killed before the message's removal finds it there).
fn give_up(ctx: &Ctx, store: &Store, q: &Queued, why: &str) -> Result<()> {
    let mut txn = Txn::begin(ctx, store)?.without_flush();
    let Ok(mut ticket) = store.read(q.ticket) else {
        // The ticket is gone (removed by hand): nothing to tell.
        txn.finish("give up a message");
        return Ok(());
    };
    let already = ticket.events.iter().any(|e| {
        e.extra
            .get(outgoing::FAILED_MESSAGE_KEY)
            .and_then(toml::Value::as_str)
            == Some(q.message_id.as_str())
    });
    if !already {
        let before = ticket.events.len();
        let kind = outgoing::Kind::parse(&q.kind).unwrap_or(outgoing::Kind::Reply);
        let at = txn.now_for(&ticket);
        ticket.record(outgoing::delivery_failed(
            at,
            kind,
            &q.to,
            &q.message_id,
            q.attempts,
            why,
        ));
        let short = store.resolve(&ticket.id.to_string())?.short;
        txn.save(&ticket, &short, before)?;
    }
    txn.finish(&format!("baton gave up sending {} to {}", q.kind, q.to));
    Ok(())
}
