//! `baton whoami`: who baton takes you for in this store, and why.

use crate::ctx::Ctx;
use crate::error::Result;
use crate::render::{json, outcome};

/// Show who you are acting as, and where baton read it
#[derive(Debug, clap::Args)]
#[command(after_help = "baton looks, in order, at --as, BATON_USER, this clone's
tickets/.local/config.toml, your user config's name, the team member whose e-mail
is git's user.email, and the only person on a team of one.

Examples:
  baton whoami
  baton init --name ben                   from now on, you are ben in this clone")]
pub struct Args {}

pub fn run(ctx: &Ctx, _args: Args) -> Result<()> {
    let store = ctx.store()?;
    let config = store.config()?;
    let (name, source, given) = ctx.identity_as_given(&store, &config)?;
    let person = config.member(&name)?;
    let top = person.level == config.top_level() && config.people.len() > 1;
    let given = given.as_deref();
    ctx.out
        .result(&outcome::whoami(person, top, &source, given), || {
            json::whoami(person, top, &source, given)
        })
}
