//! `baton pass`: hand a ticket you own to someone else.

use crate::core::action;
use crate::core::query;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::prompt;

/// Pass a ticket you own to another team member
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  baton pass 0b7c ben --note \"needs a refund approval\"")]
pub struct Args {
    /// The ticket (a unique id prefix, at least 4 characters)
    pub id: String,
    /// Who takes it over
    pub to: Option<String>,
    /// What the next owner should know
    #[arg(long, short)]
    pub note: Option<String>,
}

/// Offers the team to pass to: the next level up first, then the rest by
/// level, each with how many open tickets they already have.
fn ask_whom(ctx: &Ctx) -> Result<String> {
    let (store, config, actor) = super::open(ctx)?;
    let loaded = store.load_all()?;
    let load = query::open_load(&loaded.tickets);
    let next = config.next_level_above(config.level_of(&actor));
    let mut people: Vec<_> = config.people.iter().filter(|p| p.name != actor).collect();
    people.sort_by_key(|p| (Some(p.level) != next, p.level));
    if people.is_empty() {
        return Err(Error::new("there is nobody else on the team to pass to")
            .hint("add someone with 'baton people add NAME --level N'"));
    }
    let items: Vec<String> = people
        .iter()
        .map(|p| {
            format!(
                "{:<12} level {}, {} open",
                p.name,
                p.level,
                load.get(&p.name).copied().unwrap_or(0)
            )
        })
        .collect();
    let i = prompt::choose("Pass to", &items)?;
    Ok(people[i].name.clone())
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let to = match args.to {
        Some(to) => to,
        None if ctx.can_prompt() => ask_whom(ctx)?,
        None => {
            return Err(
                Error::usage("pass needs the person who takes the ticket over").hint(format!(
                    "baton pass {} NAME; 'baton people' lists the team",
                    args.id
                )),
            );
        }
    };
    let o = super::change(ctx, &args.id, |t, cx| action::pass(t, cx, &to, args.note))?;
    super::report(ctx, &o, &format!("passed {} to {to}", o.short), "")
}
