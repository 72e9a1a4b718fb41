//! `baton show`: one ticket in full.

use clap_complete::engine::ArgValueCompleter;

use super::completions;
use crate::core::checklist;
use crate::core::clock;
use crate::core::config::ClockKind;
use crate::core::outgoing::{self, Delivery, Local};
use crate::core::sla;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::render::{json, ticket};

/// Show a ticket: its fields, its deadline and its whole history
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton show 0b7c
  baton show 0b7c --json | jq '.events[-1]'     the latest event, for scripts")]
pub struct Args {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: String,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let resolved = store.resolve(&args.id)?;
    let t = store.read(resolved.id)?;
    let config = store.config()?;
    let due = clock::deadline(&t, &config, ctx.now);
    let explained = !config.policies.is_empty() || config.escalation.clock != ClockKind::Round;
    let policy = explained.then(|| sla::policy(&config, t.priority, &t.customer));
    // How each reply's mail fared, as this copy's outbox knows it.
    let waiting: Vec<String> = store
        .outbox()
        .map(|(q, _)| q.into_iter().map(|q| q.message_id).collect())
        .unwrap_or_default();
    let sent = store.sent_ids();
    let deliveries: Vec<Option<Delivery>> = t
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let local = match e.message_id.as_deref() {
                Some(id) if waiting.iter().any(|w| w == id) => Local::Queued,
                Some(id) if sent.contains(id) => Local::Sent,
                _ => Local::Unknown,
            };
            outgoing::delivery(&t, i, local)
        })
        .collect();
    let beside = ticket::Beside {
        deliveries,
        missing: checklist::missing(&t, &config),
        similar: similar_at_terminal(ctx, &store, &t),
    };
    ctx.out.result(
        &ticket::show(
            &ctx.out,
            &t,
            &resolved.short,
            due.as_ref(),
            policy.as_ref(),
            ctx.now,
            &beside,
        ),
        || {
            json::with_missing(
                json::with_deliveries(
                    json::ticket(&t, &resolved.short, due.as_ref(), true),
                    &beside.deliveries,
                ),
                &beside.missing,
            )
        },
    )
}

/// The 3 resolved tickets most like `t`, for a person at a terminal only:
/// ranking reads every ticket file, which `show --json` and scripts do not
/// pay for. A ticket that cannot be read only leaves the ranking.
fn similar_at_terminal(
    ctx: &Ctx,
    store: &crate::store::Store,
    t: &crate::core::ticket::Ticket,
) -> Vec<(String, crate::core::similar::Match)> {
    if ctx.out.json || !ctx.out.stdout_tty {
        return Vec::new();
    }
    match super::similar::ranked(store, t, 3, |_| {}) {
        Ok((found, shorts)) => shorts.into_iter().zip(found).collect(),
        Err(e) => {
            ctx.out.warn(&e);
            Vec::new()
        }
    }
}
