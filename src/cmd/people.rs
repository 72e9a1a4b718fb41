//! `baton people`: the team and its levels.

use super::{Txn, Unreadable};
use crate::core::config::{Config, check_name};
use crate::core::summary::Scope;
use crate::core::team::{self, Edit, Owned};
use crate::core::{id, query};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::render::table::{self, Member};
use crate::render::{commit, json, outcome};

/// Show the team, or add, change or remove someone
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton people                            the team, levels and open tickets
  baton people add ben --level 2 --email ben@example.com
  baton people edit ben --level 3         ben is now the top
  baton people rename anna ana            the history keeps anna, counted as ana
  baton people remove dan                 once dan owns no open ticket")]
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
    /// Change a person's level or e-mail
    #[command(after_help = "Examples:
  baton people edit ben --level 3
  baton people edit ben --email ben@new.example
  baton people edit ben --email ''              forget ben's e-mail")]
    Edit(EditArgs),
    /// Give a person a new name (their history keeps the old one, counted as theirs)
    #[command(
        after_help = "Their level, e-mail and place on the team stay. [renamed] in baton.toml
records OLD = \"NEW\": events written under the old name (the history is never
rewritten, and a clone that has not pulled yet may still write some) count as
NEW in the report, in 'people' and wherever names are compared. Each ticket
OLD owns gets a 'renamed' event that moves it to NEW. --as OLD and a clone
that saved OLD with 'init --name' keep working, as NEW, with a note.

Refused when OLD is nobody on the team, when NEW is someone's name (now or
before) or is no usable name. Run it again after merging a clone that wrote
under the old name: the tickets it gave to OLD move too.

Examples:
  baton people rename anna ana
  baton people rename ana anna             back again: anna is ana's own old name"
    )]
    Rename(RenameArgs),
    /// Take a person off the team (their history stays in the tickets)
    #[command(
        after_help = "Refused while they own open tickets (pass those on first), while
[escalation] to names them, or when they are the whole team.

Examples:
  baton people remove dan"
    )]
    Remove(RemoveArgs),
}

#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// Who to change
    pub name: String,
    /// Their new level: 1 is the front line, the highest is the top
    #[arg(long, short)]
    pub level: Option<u32>,
    /// Their new e-mail ('' removes it)
    #[arg(long, short)]
    pub email: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct RenameArgs {
    /// Who to rename: their name now
    pub old: String,
    /// Their new name (letters, digits, '.', '_' or '-')
    pub new: String,
}

#[derive(Debug, clap::Args)]
pub struct RemoveArgs {
    /// Who to take off the team
    pub name: String,
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
        Action::Edit(edit_args) => edit(ctx, edit_args),
        Action::Rename(rename_args) => rename(ctx, rename_args),
        Action::Remove(remove_args) => remove(ctx, remove_args),
    }
}

fn list(ctx: &Ctx) -> Result<()> {
    let store = ctx.store()?;
    let config = store.config()?;
    let loaded = store.summaries_in(Scope::Live)?;
    let open = query::open_load(&loaded.tickets);
    let mut unreadable = Unreadable::read(ctx);
    unreadable.warn_all(&loaded.problems);
    let top = config.top_level();
    // A ticket still under an old name (from a clone that had not pulled
    // the rename) counts for the person it names.
    let mut open_now: std::collections::HashMap<&str, usize> = Default::default();
    for (owner, n) in &open {
        let now = config.current_name(owner);
        *open_now.entry(now).or_default() += n;
        if now != *owner {
            ctx.out.info(&format!(
                "note: {n} open ticket(s) still name {owner}, renamed to {now} (written where the rename was not pulled yet); 'baton people rename {owner} {now}' moves them"
            ));
        }
    }
    let members: Vec<Member> = config
        .people
        .iter()
        .map(|p| Member {
            person: p,
            top: p.level == top,
            open: open_now.get(p.name.as_str()).copied().unwrap_or(0),
        })
        .collect();
    ctx.out
        .result(&table::people(&ctx.out, &members), || json::team(&members))?;
    unreadable.finish("the open counts leave them out")
}

fn add(ctx: &Ctx, args: AddArgs) -> Result<()> {
    check_name(&args.name).map_err(Error::usage)?;
    team::check_level(args.level)?;
    let (new_config, ()) = change_team(
        ctx,
        &commit::person_added(&args.name, args.level),
        |text, config, _| {
            let text =
                team::add_person(text, config, &args.name, args.level, args.email.as_deref())?;
            Ok((text, ()))
        },
    )?;
    let top = args.level == new_config.top_level() && new_config.people.len() > 1;
    ctx.out
        .result(&outcome::person_added(&args.name, args.level, top), || {
            json::person(&args.name, args.level, args.email.as_deref())
        })
}

fn edit(ctx: &Ctx, args: EditArgs) -> Result<()> {
    if let Some(level) = args.level {
        team::check_level(level)?;
    }
    let change = Edit {
        level: args.level,
        email: args.email,
    };
    let (new_config, ()) = change_team(
        ctx,
        &commit::person_edited(&args.name),
        |text, config, _| Ok((team::edit_person(text, config, &args.name, &change)?, ())),
    )?;
    let person = new_config.member(&args.name)?;
    let top = person.level == new_config.top_level() && new_config.people.len() > 1;
    ctx.out.result(
        &outcome::person_edited(
            person.name.as_str(),
            person.level,
            person.email.as_deref(),
            top,
        ),
        || json::person(&person.name, person.level, person.email.as_deref()),
    )
}

fn remove(ctx: &Ctx, args: RemoveArgs) -> Result<()> {
    let name = args.name;
    let (_, person) = change_team(
        ctx,
        &commit::person_removed(&name),
        |text, config, store| {
            let owned = open_tickets_of(store, &name)?;
            let person = config.member(&name)?.clone();
            Ok((team::remove_person(text, config, &name, &owned)?, person))
        },
    )?;
    ctx.out.result(&outcome::person_removed(&person.name), || {
        json::person(&person.name, person.level, person.email.as_deref())
    })
}

fn rename(ctx: &Ctx, args: RenameArgs) -> Result<()> {
    let (old, new) = (args.old, args.new);
    let store = ctx.store()?;
    let mut txn = Txn::begin(ctx, &store)?;
    let config = txn.config()?.clone();
    // Run again once renamed (after merging a clone that wrote under the
    // old name): the config stays, the tickets left under it move.
    let again = team::renamed_already(&config, &old, &new);
    let (new_config, text) = if again {
        (config, None)
    } else {
        let text = team::rename_person(&store.config_text()?, &config, &old, &new)?;
        let new_config = Config::parse(&text)
            .map_err(|e| Error::new(format!("the change would break the config: {e}")))?;
        (new_config, Some(text))
    };
    // What can fail is read before anything is written.
    let actor = ctx.actor(&store, &new_config)?;
    let loaded = store.summaries()?;
    if let Some(text) = text {
        txn.write_config(&text, new_config.clone())?;
    }
    let local = store.local_config_path();
    let local_text = match std::fs::read_to_string(&local) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(&store.shown(&local), "read", e)),
    };
    let saved: Option<toml::Table> = toml::from_str(&local_text).ok();
    if saved
        .as_ref()
        .and_then(|t| t.get("name")?.as_str().map(str::to_string))
        .is_some_and(|n| team::moves_with_rename(&new_config, &n, &new))
    {
        // Whoever works in this clone was saved under the old name.
        txn.write_local_config(&team::with_local_name(&local_text, &new)?)?;
    }
    let mut unreadable = Unreadable::read_or_written(ctx);
    unreadable.warn_all(&loaded.problems);
    let ids: Vec<_> = loaded.tickets.iter().map(|t| t.id).collect();
    let shorts = id::short_ids(&ids);
    let mut moved = Vec::new();
    for (summary, short) in loaded.tickets.iter().zip(shorts) {
        if !team::moves_with_rename(&new_config, &summary.owner, &new) {
            continue;
        }
        let mut ticket = match store.read(summary.id) {
            Ok(t) => t,
            Err(e) => {
                unreadable.warn(&e);
                continue;
            }
        };
        let before = ticket.events.len();
        let renamed = team::renamed_event(txn.now_for(&ticket), &actor, &ticket.owner, &new);
        ticket.record(renamed);
        txn.save(&ticket, &short, before)?;
        moved.push((ticket.id, short));
    }
    txn.finish(&commit::person_renamed(&old, &new, moved.len()));
    let person = new_config.member(&new)?;
    let shorts: Vec<&str> = moved.iter().map(|(_, s)| s.as_str()).collect();
    ctx.out
        .result(&outcome::person_renamed(&old, &new, again, &shorts), || {
            let ids: Vec<_> = moved.iter().map(|(id, _)| *id).collect();
            json::person_renamed(person, &old, &ids)
        })?;
    unreadable.finish("those still name the old name; run this again once they are repaired")
}

/// The name in use for a person named on the command line (`--owner`): an
/// old name that was renamed since means the person it became, with a note.
pub fn name_in_use(ctx: &Ctx, config: &Config, name: &str) -> Result<String> {
    let person = config.member(name)?;
    if person.name != name {
        ctx.out.info(&format!(
            "note: {name} was renamed to {}: showing {}",
            person.name, person.name
        ));
    }
    Ok(person.name.clone())
}

/// The open tickets `name` owns, with their shortest ids, oldest first. A
/// ticket file that cannot be read could be one of them, so it stops the
/// removal until it is repaired.
fn open_tickets_of(store: &crate::store::Store, name: &str) -> Result<Vec<Owned>> {
    let loaded = store.summaries()?;
    if let Some(problem) = loaded.problems.first() {
        return Err(Error::new(format!(
            "{} ticket file(s) cannot be read, so it is unknown whether {name} owns them (first: {})",
            loaded.problems.len(),
            problem
        ))
        .hint("repair them first ('baton doctor' names each), then remove them"));
    }
    let ids: Vec<_> = loaded.tickets.iter().map(|t| t.id).collect();
    let shorts = id::short_ids(&ids);
    let mut owned: Vec<(_, Owned)> = loaded
        .tickets
        .iter()
        .zip(shorts)
        .filter(|(t, _)| t.status.is_active() && t.owner == name)
        .map(|(t, short)| {
            (
                t.created,
                Owned {
                    short,
                    title: t.title.clone(),
                },
            )
        })
        .collect();
    owned.sort_by_key(|(created, _)| *created);
    Ok(owned.into_iter().map(|(_, o)| o).collect())
}

/// Changes the team config in one transaction: `change` gets the config's
/// text and what it reads as, both read under the lock (one that is already
/// broken is refused before anything is touched), and returns the new text,
/// which must itself read as a config, and what the caller wants back.
/// Returns the new config with that.
fn change_team<T>(
    ctx: &Ctx,
    message: &str,
    change: impl FnOnce(&str, &Config, &crate::store::Store) -> Result<(String, T)>,
) -> Result<(Config, T)> {
    let store = ctx.store()?;
    let mut txn = Txn::begin(ctx, &store)?;
    let text = store.config_text()?;
    let (new_text, back) = change(&text, txn.config()?, &store)?;
    let new_config = Config::parse(&new_text)
        .map_err(|e| Error::new(format!("the change would break the config: {e}")))?;
    txn.write_config(&new_text, new_config.clone())?;
    txn.finish(message);
    Ok((new_config, back))
}
