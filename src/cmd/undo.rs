//! `baton undo`: cancel a change by appending a `reverted` event (the rules
//! are `core::undo`'s); an undone merge is undone on both tickets.

use clap_complete::engine::ArgValueCompleter;
use uuid::Uuid;

use super::{Txn, completions};
use crate::core::action;
use crate::core::ticket::{EventKind, Ticket};
use crate::core::undo;
use crate::ctx::Ctx;
use crate::error::{Error, Kind, Result};
use crate::render::{commit, json, ticket as render};
use crate::store::{Store, outbox};

/// Undo a change: yours, or one on a ticket you own
///
/// Nothing is erased: a `reverted` event cancels the change, so an undo
/// works after `git push` and merges like any other change. Replay, the
/// escalation clock, the report and search leave undone events out; `show`
/// strikes them through. Without ID, your newest change on any ticket is
/// undone; with ID, that ticket's newest change (see `--event` for an older
/// one). Creating a ticket, mail that came in, escalations and undos cannot
/// be undone.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton undo                       your last change, on whichever ticket
  baton undo 0b7c                  the newest change on 0b7c
  baton undo 0b7c --event 3        its third event, as 'baton show 0b7c' lists them")]
pub struct Args {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: Option<String>,
    /// Which event: its place in the history, the first (created) being 1
    #[arg(long, value_name = "N", requires = "id")]
    pub event: Option<usize>,
}

/// A ticket read under the lock for a change to two or more tickets (an
/// undo, a merge, a link): its label and how many events it had.
pub struct Read {
    pub ticket: Ticket,
    pub short: String,
    pub before: usize,
}

/// Saves each ticket that gained events, in order, and gives the commit
/// message naming them all.
pub fn save_all<'r>(txn: &mut Txn, read: impl IntoIterator<Item = &'r Read>) -> Result<String> {
    let mut messages = Vec::new();
    for r in read {
        if r.ticket.events.len() > r.before {
            txn.save(&r.ticket, &r.short, r.before)?;
            messages.push(commit::ticket(
                &r.short,
                &r.ticket,
                &r.ticket.events[r.before..],
            ));
        }
    }
    Ok(messages.join("\n\n"))
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let named = args.id.as_deref().map(|id| store.resolve(id)).transpose()?;
    let mut txn = Txn::begin(ctx, &store)?;
    let config = txn.config()?.clone();
    let actor = ctx.actor(&store, &config)?;
    let (mut first, index) = match named {
        Some(r) => {
            let ticket = store.read(r.id)?;
            let index = match args.event {
                Some(0) => {
                    return Err(Error::usage("events count from 1 (the created event)")
                        .hint(format!("baton undo {} --event 2", r.short)));
                }
                Some(n) => n - 1,
                None => undo::latest(&ticket)
                    .ok_or_else(|| Error::new(format!("{} has no change left to undo", r.short)))?,
            };
            (read(ticket, r.short), index)
        }
        None => yours(&store, &actor)?,
    };
    let cx = action::Ctx {
        actor: &actor,
        now: txn.now_for(&first.ticket),
        config: &config,
        label: &first.short,
    };
    let done = undo::undo(&mut first.ticket, &cx, index)?;
    let partner = match done.partner {
        Some(id) => Some(undo_partner(
            &store,
            &txn,
            id,
            &first.ticket,
            &done.event.kind,
            &cx,
        )?),
        None => None,
    };
    let mut done = done;
    // A reply whose mail still waits in the outbox can be unsent after all:
    // it is taken out under the lock, before this command's own flush.
    if matches!(done.mailed, Some(undo::Mailed::Sent(_)))
        && let Some(claim) = store.claim_mail(&outbox::mail_id(first.ticket.id, done.index))?
    {
        claim.discard()?;
        done.mailed = Some(undo::Mailed::Dropped);
    }
    let message = save_all(&mut txn, std::iter::once(&first).chain(partner.as_ref()))?;
    txn.finish(&message);
    if let Some(warning) = render::unsent(&first.short, &done) {
        ctx.out.warn(&warning);
    }
    let partner_short = partner.as_ref().map(|p| p.short.as_str());
    let human = render::undone(&first.short, &done, partner_short, ctx.out.zone);
    ctx.out.result(&human, || {
        let due = crate::core::clock::deadline(&first.ticket, &config, ctx.now);
        json::undone(
            json::changed(
                json::ticket(&first.ticket, &first.short, due.as_ref(), true),
                true,
            ),
            &done,
            partner.as_ref().map(|p| (p.ticket.id, p.short.as_str())),
        )
    })
}

/// A ticket just read, with its label.
pub fn read(ticket: Ticket, short: String) -> Read {
    let before = ticket.events.len();
    Read {
        ticket,
        short,
        before,
    }
}

/// The ticket holding the actor's newest change not undone yet, and that
/// change's place. Tickets are read newest first, and the search stops at
/// the first whose latest event is older than the change found: nothing in
/// it can be newer. So an undo right after a change reads one ticket or a
/// few.
fn yours(store: &Store, actor: &str) -> Result<(Read, usize)> {
    let summaries = store.summaries()?;
    let mut order: Vec<_> = summaries.tickets.iter().collect();
    order.sort_by(|a, b| b.last_event.cmp(&a.last_event).then(a.id.cmp(&b.id)));
    let mut best: Option<(Ticket, usize)> = None;
    for s in order {
        if let Some((t, i)) = &best
            && s.last_event < t.events[*i].at
        {
            break;
        }
        let ticket = store.read(s.id)?;
        if let Some(i) = undo::newest_by(&ticket, actor)
            && best
                .as_ref()
                .is_none_or(|(t, j)| ticket.events[i].at > t.events[*j].at)
        {
            best = Some((ticket, i));
        }
    }
    let (ticket, i) = best.ok_or_else(|| {
        Error::new(format!("{actor} has made no change that could be undone"))
            .kind(Kind::NotFound)
            .hint("'baton undo ID' undoes the newest change on a ticket you own")
    })?;
    let short = summaries.short(ticket.id);
    Ok((read(ticket, short), i))
}

/// Undoes, on the other ticket of a merge or a link, the event that pairs
/// with the one undone on `ticket`.
fn undo_partner(
    store: &Store,
    txn: &Txn,
    id: Uuid,
    ticket: &Ticket,
    kind: &EventKind,
    cx: &action::Ctx,
) -> Result<Read> {
    let other = store.read(id)?;
    // Only the ids, for the short id: the listing, no summary.
    let short = crate::core::id::short_in(&store.list()?.ids, id);
    let index = undo::partner_event(&other, kind, ticket.id);
    let mut r = read(other, short);
    if let Some(i) = index {
        let cx = action::Ctx {
            now: txn.now_for(&r.ticket),
            label: &r.short,
            ..*cx
        };
        undo::undo(&mut r.ticket, &cx, i)?;
    }
    Ok(r)
}
