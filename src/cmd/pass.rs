//! `baton pass`: hand a ticket you own to someone else.

use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};

use super::completions;
use crate::core::action;
use crate::core::handoff;
use crate::core::query;
use crate::core::summary::Scope;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::{ask, outcome};

/// Pass a ticket you own to another team member
///
/// At a terminal, leaving out who takes it over offers the team to choose
/// from: the next level up first, each person with their level and how many
/// open tickets they already have.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton pass 0b7c ben --note \"needs a refund approval\"
  baton pass 0b7c                 choose from the team (at a terminal)")]
pub struct Args {
    /// The ticket (a unique id prefix, at least 4 characters)
    #[arg(add = ArgValueCompleter::new(completions::ticket_ids))]
    pub id: String,
    /// Who takes it over
    #[arg(value_name = "NAME", add = ArgValueCandidates::new(completions::people))]
    pub to: Option<String>,
    /// What the next owner should know
    #[arg(long, short)]
    pub note: Option<String>,
}

/// Offers the team to pass to, in the order [`handoff::candidates`] puts
/// them, each with how many open tickets they already have.
fn ask_whom(ctx: &Ctx, id: &str) -> Result<String> {
    let (store, config, actor) = super::open(ctx)?;
    // Only the owner may pass: say so before anyone picks a name.
    let resolved = store.resolve(id)?;
    let cx = action::Ctx {
        actor: &actor,
        now: ctx.now,
        config: &config,
        label: &resolved.short,
    };
    action::check_pass(&store.read(resolved.id)?, &cx)?;
    let load = query::open_load(&store.summaries_in(Scope::Live)?.tickets);
    let people = handoff::candidates(&config, &actor, &load);
    if people.is_empty() {
        return Err(Error::new("there is nobody else on the team to pass to")
            .hint("add someone with 'baton people add NAME --level N'"));
    }
    let i = ctx.prompt().choose(
        &ask::pass_to(&resolved.short),
        &ask::pass_choices(&people),
        0,
    )?;
    Ok(people[i].person.name.clone())
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let mut note = args.note;
    let to = match args.to {
        Some(to) => to,
        None if ctx.can_prompt() => {
            let to = ask_whom(ctx, &args.id)?;
            if note.is_none() {
                let answer = ctx.prompt().optional_text(&ask::note_for(&to))?;
                note = Some(answer).filter(|n| !n.is_empty());
            }
            to
        }
        None => {
            return Err(
                Error::usage("pass needs the person who takes the ticket over").hint(format!(
                    "baton pass {} NAME; 'baton people' lists the team",
                    args.id
                )),
            );
        }
    };
    let o = super::change(ctx, &args.id, |t, cx| action::pass(t, cx, &to, note))?;
    super::report(ctx, &o, &outcome::passed(&o.short, &to), "")
}
