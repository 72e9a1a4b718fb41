//! `baton people`: the team and its levels.

use super::{Txn, Unreadable};
use crate::core::config::{self, Config, check_name};
use crate::core::query;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::table::{self, Member};
use crate::render::{commit, json, outcome};

/// Show the team, or add someone to it
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton people                            the team, levels and open tickets
  baton people add ben --level 2 --email ben@example.com")]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// List the team with levels and open tickets (the default)
    #[command(after_help = "Examples:
  baton people list
  baton people --json | jq -r '.[] | select(.open == 0) | .name'     who is free")]
    List,
    /// Add a person to the team
    #[command(after_help = "Examples:
  baton people add ben --level 2
  baton people add cora --level 3 --email cora@example.com     the top, if nobody is higher")]
    Add(AddArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The handle used everywhere (letters, digits, '.', '_' or '-')
    pub name: String,
    /// Their level in the pyramid: 1 is the front line, the highest is the top
    #[arg(long, short)]
    pub level: u32,
    /// Their e-mail (matched against git's user.email to know who is acting)
    #[arg(long, short)]
    pub email: Option<String>,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    match args.action.unwrap_or(Action::List) {
        Action::List => list(ctx),
        Action::Add(add_args) => add(ctx, add_args),
    }
}

fn list(ctx: &Ctx) -> Result<()> {
    let store = ctx.store()?;
    let config = store.config()?;
    let loaded = store.summaries()?;
    let open = query::open_load(&loaded.tickets);
    let mut unreadable = Unreadable::read(ctx);
    unreadable.warn_all(&loaded.problems);
    let top = config.top_level();
    let members: Vec<Member> = config
        .people
        .iter()
        .map(|p| Member {
            person: p,
            top: p.level == top,
            open: open.get(p.name.as_str()).copied().unwrap_or(0),
        })
        .collect();
    ctx.out
        .result(&table::people(&ctx.out, &members), || json::team(&members))?;
    unreadable.finish("the open counts leave them out")
}

fn add(ctx: &Ctx, args: AddArgs) -> Result<()> {
    check_name(&args.name).map_err(Error::usage)?;
    if !(1..=99).contains(&args.level) {
        return Err(Error::usage(format!(
            "level {} is out of range; expected 1 (front line) to 99",
            args.level
        )));
    }
    let store = ctx.store()?;
    // The config is read under the lock, and one that is already broken is
    // refused before anything is touched.
    let mut txn = Txn::begin(ctx, &store)?;
    let text = store.config_text()?;
    let new_text = config::add_person(
        &text,
        txn.config()?,
        &args.name,
        args.level,
        args.email.as_deref(),
    )?;
    let new_config = Config::parse(&new_text)
        .map_err(|e| Error::new(format!("the change would break the config: {e}")))?;
    txn.write_config(&new_text, new_config.clone())?;
    txn.finish(&commit::person_added(&args.name, args.level));
    let top = args.level == new_config.top_level() && new_config.people.len() > 1;
    ctx.out
        .result(&outcome::person_added(&args.name, args.level, top), || {
            json::person(&args.name, args.level, args.email.as_deref())
        })
}
