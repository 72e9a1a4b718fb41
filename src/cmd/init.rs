//! `baton init`: create a store with a team of one, and set up git's merge
//! driver for it when it lies in a git work tree.

use std::fs;

use super::Txn;
use crate::core::config::{Config, check_name};
use crate::core::team;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::io::git;
use crate::render::json;
use crate::render::outcome::{self, GitSetup};
use crate::store::Store;

/// Create a tickets/ folder here with a team config for you
///
/// In a git repository it also sends the ticket files to baton's merge driver
/// (a line in .gitattributes) and registers the driver in the repository's git
/// config. On a fresh clone of a repository that already has a store, it only
/// does the latter: run it once in every clone.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  baton init\n  baton init --name ana\n  baton init --store ~/support/tickets"
)]
pub struct Args {
    /// Your name on the team (default: --as, your user config, git's user.name or $USER)
    #[arg(long)]
    pub name: Option<String>,
    /// Your e-mail (default: git's user.email)
    #[arg(long)]
    pub email: Option<String>,
}

/// The config a new store starts with: one person, the default rules spelled out.
fn starter_config(name: &str, email: Option<&str>) -> String {
    let email = email
        .map(|e| format!("email = {}\n", toml::Value::String(e.to_string())))
        .unwrap_or_default();
    format!(
        "# baton team config. Grow the team with: baton people add NAME --level N\n\
         # Level 1 is the front line; the highest level is the top of the pyramid.\n\
         \n\
         [[people]]\n\
         name = \"{name}\"\n\
         {email}\
         level = 1\n\
         \n\
         [escalation]\n\
         after = \"20h\"              # unsolved this long: escalate\n\
         to = \"top\"                 # \"top\", \"next\" (one level up) or a person's name\n\
         pause_when_waiting = true  # time waiting for the customer does not count\n\
         \n\
         [sla]\n\
         first_response = \"1h\"      # target for the first reply to the customer\n"
    )
}

/// Sets up the merge driver for a store inside a git work tree: the
/// `.gitattributes` line at the top of the work tree, and the driver in the
/// repository's config. `None` when the store is not in a work tree. Failures
/// only warn: the store works without git.
fn setup_git(ctx: &Ctx, store: &Store) -> Option<GitSetup> {
    let root = git::work_tree_root(store.dir())?;
    let mut setup = GitSetup::default();
    let (dir, top) = (
        fs::canonicalize(store.dir()).ok()?,
        fs::canonicalize(&root).ok()?,
    );
    if let Ok(rel) = dir.strip_prefix(&top) {
        let line = git::attributes_line(rel);
        match git::ensure_attributes(&top, &line) {
            Ok(added) => setup.attributes = added.then_some(line),
            Err(e) => ctx
                .out
                .warn(&Error::io(&root.join(".gitattributes"), "write", e)),
        }
    }
    let on_path = ctx.path_var().and_then(git::baton_on_path);
    let command = git::driver_command(ctx.current_exe(), on_path.as_deref());
    match git::register_merge_driver(store.dir(), &command) {
        Ok(registered) => {
            setup.registered = registered;
            setup.driver = true;
        }
        Err(why) => ctx.out.warn(
            &Error::new(format!("cannot register the git merge driver: {why}")).hint(format!(
                "git config merge.baton.driver \"{command}\" (without it, git merges tickets line by line)"
            )),
        ),
    }
    Some(setup)
}

/// Refuses to make a store inside (or beside, below the same root as)
/// another one that commands here would find first: a second store nested
/// in the first splits the team's tickets and registers itself in the
/// first one's `.gitattributes`. A store named with `--store` is made
/// where it was asked for.
fn refuse_nested(ctx: &Ctx, store: &Store) -> Result<()> {
    if ctx.store_named() {
        return Ok(());
    }
    let Ok(enclosing) = Store::discover(&ctx.cwd) else {
        return Ok(());
    };
    let shown = enclosing.shown(enclosing.dir()).display().to_string();
    Err(Error::usage(format!(
        "{shown} is already a baton store, and baton here would use it; not creating {}",
        store.shown(store.dir()).display()
    ))
    .hint(format!(
        "work in {shown}, or pass --store DIR to create a separate store on purpose"
    )))
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = Store::at(&ctx.init_dir(), &ctx.cwd);
    let shown = store.shown(store.dir()).display().to_string();
    if store.config_path().is_file() {
        store.ensure_local()?;
        if let Some(name) = args.name {
            return set_clone_name(ctx, &store, &name);
        }
        // A fresh clone of a shared store: only this clone's git setup is missing.
        let git = setup_git(ctx, &store);
        let human = outcome::store_exists(&shown, git.as_ref());
        let driver = git.is_some_and(|g| g.driver);
        return ctx
            .out
            .result(&human, || json::store(store.dir(), None, driver));
    }
    refuse_nested(ctx, &store)?;
    let Some(name) = args.name.or_else(|| ctx.suggested_name()) else {
        return Err(Error::usage("cannot tell your name for the team config")
            .hint("baton init --name YOUR_NAME"));
    };
    check_name(&name).map_err(|m| Error::usage(m).hint("baton init --name YOUR_NAME"))?;
    let email = args.email.or_else(|| ctx.git_email());
    let text = starter_config(&name, email.as_deref());
    // The starter config must itself pass the checks every command makes.
    Config::parse(&text).map_err(|e| Error::new(format!("the starter config is invalid: {e}")))?;
    fs::create_dir_all(store.dir()).map_err(|e| Error::io(store.dir(), "create", e))?;
    let mut txn = Txn::begin_raw(ctx, &store)?;
    txn.create_config(&text)?;
    // Whoever made the store keeps acting as themselves once the team grows.
    txn.write_local_config(&format!(
        "# This copy of the store only; never committed.\nname = \"{name}\"\n"
    ))?;
    txn.finish("");
    let git = setup_git(ctx, &store);
    let human = outcome::store_created(&shown, &name, git.as_ref());
    let driver = git.is_some_and(|g| g.driver);
    ctx.out
        .result(&human, || json::store(store.dir(), Some(&name), driver))
}

/// `init --name` in a store that exists (a fresh clone, say): whoever works
/// in this clone is `name` from now on, who must be on the team.
fn set_clone_name(ctx: &Ctx, store: &Store, name: &str) -> Result<()> {
    let mut txn = Txn::begin(ctx, store)?;
    // An old name (renamed since) saves the name in use.
    let in_use = txn.config()?.member(name).map_err(|e| {
        let hint = e.hint.clone().unwrap_or_default();
        e.hint(format!(
            "{hint}{}ask a teammate to run 'baton people add {name} --level N' (and pull it), then run this again",
            if hint.is_empty() { "" } else { "; or " }
        ))
    })?;
    let name = &in_use.name.clone();
    let path = store.local_config_path();
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(&store.shown(&path), "read", e)),
    };
    txn.write_local_config(&team::with_local_name(&text, name)?)?;
    txn.finish("");
    let git = setup_git(ctx, store);
    let driver = git.is_some_and(|g| g.driver);
    let shown = store.shown(&path).display().to_string();
    ctx.out.result(&outcome::clone_name_set(name, &shown), || {
        json::clone_named(store.dir(), name, driver)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_config_is_valid_and_names_its_person() {
        let c = Config::parse(&starter_config("ana", Some("ana@example.com"))).unwrap();
        assert_eq!(c.people[0].name, "ana");
        assert_eq!(c.people[0].email.as_deref(), Some("ana@example.com"));
        assert_eq!(c.escalation.after.as_secs(), 72_000);
    }
}
