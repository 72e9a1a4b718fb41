//! `baton link`, `baton unlink` and `baton incident new`: tickets linked to
//! a problem, handled as one incident (the rules are `core::incident`'s).

use clap_complete::engine::ArgValueCompleter;

use super::undo::Read;
use super::{Outcome, Txn, completions};
use crate::core::summary::Scope;
use crate::core::ticket::Ticket;
use crate::core::{action, clock, id, incident};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::{commit, json, ticket as render};
use crate::store::{Resolved, Store};

/// Link tickets to a problem: one incident, escalated and answered as one
///
/// While the problem is open or waiting, the linked tickets do not escalate
/// on their own: the problem escalates, once for all of them. `baton reply
/// PROBLEM --all` answers every linked ticket, `baton resolve PROBLEM --all`
/// resolves them. The problem gets the tag `problem` if it lacked it.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton incident new \"Checkout down\"     a problem ticket to link to
  baton link 0b7c 9a1f --to 3f2a          two customers' tickets, one incident
  baton link --suggest 3f2a               recent tickets whose text matches it
  baton unlink 9a1f                       it was something else after all")]
pub struct LinkArgs {
    /// The tickets (unique id prefixes, at least 4 characters each; several: all or none)
    #[arg(value_name = "ID", required_unless_present = "suggest", add = ArgValueCompleter::new(completions::ticket_ids))]
    pub ids: Vec<String>,
    /// The problem they are part of
    #[arg(long, value_name = "PROBLEM", required_unless_present = "suggest", add = ArgValueCompleter::new(completions::ticket_ids))]
    pub to: Option<String>,
    /// Offer open tickets of the last 24 hours whose text matches the
    /// problem's title (nothing is linked)
    #[arg(long, value_name = "PROBLEM", conflicts_with_all = ["ids", "to"], add = ArgValueCompleter::new(completions::ticket_ids))]
    pub suggest: Option<String>,
}

/// End tickets' links to their problem
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton unlink 9a1f                  its own escalation clock counts again
  baton unlink 9a1f 5e5e             several at once: all of them, or none")]
pub struct UnlinkArgs {
    /// The tickets (unique id prefixes, at least 4 characters each; several: all or none)
    #[arg(required = true, num_args = 1.., value_name = "ID", add = ArgValueCompleter::new(completions::ticket_ids))]
    pub ids: Vec<String>,
}

/// Incidents: a problem ticket that many customers' tickets link to
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton incident new \"Checkout down\"
  baton link 0b7c 9a1f --to 3f2a")]
pub struct IncidentArgs {
    #[command(subcommand)]
    pub command: IncidentCommand,
}

/// What `baton incident` does.
#[derive(Debug, clap::Subcommand)]
pub enum IncidentCommand {
    New(IncidentNewArgs),
}

/// Open a problem ticket (tagged `problem`) for an incident
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton incident new \"Checkout down\"
  baton incident new \"Mail delayed\" --owner ben")]
pub struct IncidentNewArgs {
    /// What is broken, as the team calls it
    pub title: String,
    /// Who handles the incident (yourself when not given)
    #[arg(long)]
    pub owner: Option<String>,
}

fn read(store: &Store, r: &Resolved) -> Result<Read> {
    Ok(super::undo::read(store.read(r.id)?, r.short.clone()))
}

/// Each id resolved once, in the order given.
fn resolve_all(store: &Store, ids: &[String]) -> Result<Vec<Resolved>> {
    let mut out: Vec<Resolved> = Vec::new();
    for input in ids {
        let r = store.resolve(input)?;
        if !out.iter().any(|o| o.id == r.id) {
            out.push(r);
        }
    }
    Ok(out)
}

pub fn link(ctx: &Ctx, args: LinkArgs) -> Result<()> {
    if let Some(problem) = &args.suggest {
        return suggest(ctx, problem);
    }
    let Some(to) = args.to else {
        return Err(Error::usage("link needs --to PROBLEM"));
    };
    let store = ctx.store()?;
    let p = store.resolve(&to)?;
    let tickets = resolve_all(&store, &args.ids)?;
    pair_up(ctx, &store, &tickets, Some(p), |t, problem, t_cx, p_cx| {
        incident::link(t, problem, t_cx, p_cx)
    })
}

pub fn unlink(ctx: &Ctx, args: UnlinkArgs) -> Result<()> {
    let store = ctx.store()?;
    let tickets = resolve_all(&store, &args.ids)?;
    pair_up(ctx, &store, &tickets, None, |t, problem, t_cx, p_cx| {
        incident::unlink(t, problem, t_cx, p_cx).map(|()| true)
    })
}

/// Links or unlinks each ticket and its problem (`problem`, or for unlink
/// each ticket's own), all or none, in one transaction.
fn pair_up(
    ctx: &Ctx,
    store: &Store,
    tickets: &[Resolved],
    problem: Option<Resolved>,
    act: impl Fn(&mut Ticket, &mut Ticket, &action::Ctx, &action::Ctx) -> Result<bool>,
) -> Result<()> {
    let mut txn = Txn::begin(ctx, store)?;
    let config = txn.config()?.clone();
    let actor = ctx.actor(store, &config)?;
    // Only the ids, for short ids: the listing, no summary.
    let ids = store.list()?.ids;
    let mut problems: Vec<Read> = Vec::new();
    if let Some(p) = &problem {
        problems.push(read(store, p)?);
    }
    let mut done: Vec<(Read, bool)> = Vec::new();
    for r in tickets {
        let mut t = read(store, r)?;
        let p_id = match &problem {
            Some(p) => p.id,
            None => incident::problem_of(&t.ticket)
                .ok_or_else(|| Error::new(format!("{} is not linked to a problem", r.short)))?,
        };
        if !problems.iter().any(|p| p.ticket.id == p_id) {
            let short = id::short_in(&ids, p_id);
            problems.push(read(store, &Resolved { id: p_id, short })?);
        }
        let p = problems
            .iter_mut()
            .find(|p| p.ticket.id == p_id)
            .expect("the problem was read above");
        let cx = |ticket: &Ticket, label| action::Ctx {
            actor: &actor,
            now: txn.now_for(ticket),
            config: &config,
            label,
        };
        let (t_cx, p_cx) = (cx(&t.ticket, &t.short), cx(&p.ticket, &p.short));
        let changed = act(&mut t.ticket, &mut p.ticket, &t_cx, &p_cx)?;
        done.push((t, changed));
    }
    // Unchanged tickets gained no events, so only the changes are saved.
    let message = super::undo::save_all(&mut txn, done.iter().map(|(t, _)| t).chain(&problems))?;
    txn.finish(&message);
    let outcomes: Vec<Outcome> = done
        .into_iter()
        .map(|(r, changed)| Outcome {
            ticket: r.ticket,
            short: r.short,
            changed,
            config: config.clone(),
        })
        .collect();
    super::report_many(ctx, &outcomes, |o| {
        render::link_line(&o.short, incident::problem_of(&o.ticket), o.changed)
    })
}

/// Offers open tickets of the last 24 hours whose text matches the
/// problem's title, best match first, without linking any.
fn suggest(ctx: &Ctx, problem: &str) -> Result<()> {
    let store = ctx.store()?;
    let p = store.resolve(problem)?;
    let problem = store.read(p.id)?;
    // Only open and waiting tickets are offered.
    let summaries = store.summaries_in(Scope::Live)?;
    let since = ctx.now - chrono::Duration::hours(24);
    let matcher = incident::TitleMatch::new(&problem);
    let words = &matcher.words;
    let config = store.config()?;
    let mut found: Vec<(usize, Ticket)> = Vec::new();
    for s in &summaries.tickets {
        if s.id == p.id || !s.status.is_active() || s.created < since {
            continue;
        }
        let t = store.read(s.id)?;
        if incident::problem_of(&t).is_some() || incident::is_problem(&t) {
            continue;
        }
        // A ticket matches on each word of the title it holds, as search finds it.
        let hits = matcher.hits(&t);
        if hits > 0 {
            found.push((hits, t));
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.created.cmp(&a.1.created)));
    let lines: Vec<String> = found
        .iter()
        .map(|(hits, t)| {
            render::suggestion(&id::short_in(&summaries.ids, t.id), t, *hits, words.len())
        })
        .collect();
    let human = if lines.is_empty() {
        format!("no open ticket of the last 24 hours matches {}", p.short)
    } else {
        let ids: Vec<String> = found
            .iter()
            .map(|(_, t)| id::short_in(&summaries.ids, t.id))
            .collect();
        format!(
            "{}\nlink them with: baton link {} --to {}",
            lines.join("\n"),
            ids.join(" "),
            p.short
        )
    };
    ctx.out.result(&human, || {
        serde_json::Value::Array(
            found
                .iter()
                .map(|(_, t)| {
                    let due = clock::deadline(t, &config, ctx.now);
                    json::ticket(t, &id::short_in(&summaries.ids, t.id), due.as_ref(), false)
                })
                .collect(),
        )
    })
}

/// The open problems whose title matches `t`, best match first, each with
/// its short id: what intake offers for a new ticket (never linked by
/// itself). Reads the problem files only, which are few.
pub fn problems_for(store: &Store, t: &Ticket) -> Result<Vec<(String, Ticket)>> {
    // Active problems are live.
    let summaries = store.summaries_in(Scope::Live)?;
    let mut found: Vec<(usize, String, Ticket)> = Vec::new();
    if incident::is_problem(t) || incident::problem_of(t).is_some() {
        return Ok(Vec::new());
    }
    for s in incident::active_problems(&summaries.tickets) {
        if s.id == t.id {
            continue;
        }
        let problem = store.read(s.id)?;
        let hits = incident::TitleMatch::new(&problem).hits(t);
        if hits > 0 {
            found.push((hits, id::short_in(&summaries.ids, problem.id), problem));
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(b.2.created.cmp(&a.2.created)));
    Ok(found.into_iter().map(|(_, short, p)| (short, p)).collect())
}

/// Offers a new ticket's matching open problems on stderr at intake
/// (`new --from-mail`, `intake`), so the person filing sees the link to
/// make; the hook payload carries them as `problems`.
pub fn offer_problems(ctx: &Ctx, store: &Store, t: &Ticket, short: &str) {
    if ctx.out.json {
        return;
    }
    match problems_for(store, t) {
        Ok(found) => {
            for (p_short, p) in &found {
                ctx.out
                    .info(&render::problem_offer(short, p_short, &p.title));
            }
        }
        Err(e) => ctx.out.warn(&e),
    }
}

/// Problems and the tickets linked to them, each with its problem.
pub type Incidents = (Vec<Ticket>, Vec<(uuid::Uuid, Ticket)>);

/// The problems these ids name, and every ticket linked to them (with its
/// problem), for `resolve --all` and `reply --all`. An id that names no
/// problem, or a problem nothing is linked to, is an error.
pub fn with_linked(ctx: &Ctx, ids: &[String]) -> Result<Incidents> {
    let store = ctx.store()?;
    let mut problems = Vec::new();
    let mut linked = Vec::new();
    for r in resolve_all(&store, ids)? {
        let problem = store.read(r.id)?;
        let children = incident::linked(&problem);
        if children.is_empty() {
            return Err(Error::usage(format!(
                "--all needs a problem with linked tickets; nothing is linked to {}",
                r.short
            ))
            .hint(format!(
                "link tickets first: 'baton link ID... --to {}'",
                r.short
            )));
        }
        linked.extend(children.into_iter().map(|c| (c, problem.clone())));
        problems.push(problem);
    }
    Ok((problems, linked))
}

pub fn incident(ctx: &Ctx, args: IncidentArgs) -> Result<()> {
    match args.command {
        IncidentCommand::New(args) => incident_new(ctx, args),
    }
}

fn incident_new(ctx: &Ctx, args: IncidentNewArgs) -> Result<()> {
    let store = ctx.store()?;
    let mut txn = Txn::begin(ctx, &store)?;
    let config = txn.config()?.clone();
    let actor = ctx.actor(&store, &config)?;
    let draft = action::Draft {
        title: args.title,
        tags: vec![incident::PROBLEM_TAG.to_string()],
        owner: args.owner,
        ..Default::default()
    };
    let cx = action::Ctx {
        actor: &actor,
        now: txn.now(),
        config: &config,
        label: "",
    };
    let ticket = action::create(&cx, ctx.new_id(), draft)?;
    let short = id::short_in(&store.list()?.ids, ticket.id);
    txn.create(&ticket, &short)?;
    txn.finish(&commit::ticket(&short, &ticket, &ticket.events));
    ctx.out.result(&ticket.id.to_string(), || {
        let due = clock::deadline(&ticket, &config, ctx.now);
        json::ticket(&ticket, &short, due.as_ref(), true)
    })
}
