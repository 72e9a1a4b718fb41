//! One module per command: its arguments (whose doc comments are the help) and
//! a `run` that reads like a recipe: resolve, decide in `core`, persist in
//! `store`, show through `render`.

pub mod completions;
pub mod doctor;
pub mod edit;
pub mod escalate;
pub mod init;
pub mod intake;
pub mod list;
pub mod log;
pub mod man;
pub mod merge_driver;
pub mod message;
pub mod new;
pub mod pass;
pub mod people;
pub mod rate;
pub mod report;
pub mod search;
pub mod show;
pub mod status;
pub mod take;

use std::path::PathBuf;

use crate::cli::{Cli, Command};
use crate::core::action;
use crate::core::clock;
use crate::core::config::Config;
use crate::core::notice;
use crate::core::ticket::{Event, Ticket};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::git;
use crate::hooks::{self, Found};
use crate::render::{self, json};
use crate::store::Store;

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx::from_env(&cli.global)?;
    match cli.command {
        Command::Init(args) => init::run(&ctx, args),
        Command::People(args) => people::run(&ctx, args),
        Command::New(args) => new::run(&ctx, args),
        Command::List(args) => list::run(&ctx, args),
        Command::Show(args) => show::run(&ctx, args),
        Command::Search(args) => search::run(&ctx, args),
        Command::Take(args) => take::run(&ctx, args),
        Command::Pass(args) => pass::run(&ctx, args),
        Command::Reply(args) => message::reply(&ctx, args),
        Command::Note(args) => message::note(&ctx, args),
        Command::Wait(args) => status::wait(&ctx, args),
        Command::Resolve(args) => status::resolve(&ctx, args),
        Command::Reopen(args) => status::reopen(&ctx, args),
        Command::Close(args) => status::close(&ctx, args),
        Command::Edit(args) => edit::run(&ctx, args),
        Command::Rate(args) => rate::run(&ctx, args),
        Command::Log(args) => log::run(&ctx, args),
        Command::Escalate(args) => escalate::run(&ctx, args),
        Command::Report(args) => report::run(&ctx, args),
        Command::Doctor(args) => doctor::run(&ctx, args),
        Command::MergeDriver(args) => merge_driver::run(&ctx, args),
        Command::Completions(args) => completions::run(&ctx, args),
        Command::Man(args) => man::run(&ctx, args),
    }
}

/// A ticket after a command acted on it.
pub struct Outcome {
    pub ticket: Ticket,
    pub short: String,
    /// `false` when the ticket already was as asked and nothing was written.
    pub changed: bool,
    pub config: Config,
}

/// Opens the store, its config and the acting person.
pub fn open(ctx: &Ctx) -> Result<(Store, Config, String)> {
    let store = ctx.store()?;
    let config = store.config()?;
    let actor = ctx.actor(&store, &config)?;
    Ok((store, config, actor))
}

/// Applies one action to the ticket the user named, under the store lock: read,
/// decide, and save only if something changed.
pub fn change(
    ctx: &Ctx,
    input: &str,
    act: impl FnOnce(&mut Ticket, &action::Ctx) -> Result<bool>,
) -> Result<Outcome> {
    let (store, config, actor) = open(ctx)?;
    let resolved = store.resolve(input)?;
    let lock = store.lock()?;
    let mut ticket = store.read(resolved.id)?;
    let before = ticket.events.len();
    let acx = action::Ctx {
        actor: &actor,
        now: ctx.now,
        config: &config,
        label: &resolved.short,
    };
    let changed = act(&mut ticket, &acx)?;
    if changed {
        store.save(&ticket)?;
        let message = render::commit::ticket(&resolved.short, &ticket, &ticket.events[before..]);
        commit(ctx, &store, &config, &[store.path_of(ticket.id)], &message);
    }
    // Hooks run once the change is saved and the lock is free (a hook may
    // well run baton itself).
    drop(lock);
    if changed {
        run_hooks(
            ctx,
            &store,
            &config,
            &ticket,
            &resolved.short,
            &ticket.events[before..],
        );
    }
    Ok(Outcome {
        ticket,
        short: resolved.short,
        changed,
        config,
    })
}

/// Commits the files a command wrote, when the team config says `[git]
/// commit = true`. Called under the store lock, so baton's own commits never
/// race. A failed commit only warns: the change itself is saved.
pub fn commit(ctx: &Ctx, store: &Store, config: &Config, paths: &[PathBuf], message: &str) {
    if !config.git.commit || paths.is_empty() {
        return;
    }
    if let Err(why) = git::commit(store.dir(), paths, message) {
        ctx.out.warn(
            &Error::new(format!("the change is saved but not committed: {why}")).hint(
                "commit it with git yourself, or set commit = false under [git] in baton.toml",
            ),
        );
    }
}

/// Runs the hooks for each event a change appended, in order, after the
/// change is saved and the store lock released. A hook that is refused,
/// fails or runs too long is a warning: the change stands either way.
pub fn run_hooks(
    ctx: &Ctx,
    store: &Store,
    config: &Config,
    ticket: &Ticket,
    short: &str,
    events: &[Event],
) {
    let dirs = ctx.hook_dirs(store);
    // Only the store's folder can be inside a repository a clone came from.
    let tracked = |p: &std::path::Path| p.starts_with(store.dir()) && git::is_tracked(p);
    for event in events {
        let found = hooks::find(&dirs, event.kind.as_str(), tracked);
        if found.is_empty() {
            continue;
        }
        let due = clock::deadline(ticket, config, ctx.now);
        let message = notice::for_event(ticket, event, short, config, due.as_ref().map(|d| d.at));
        let payload = json::hook_payload(
            ticket,
            short,
            due.as_ref(),
            event,
            message.as_ref(),
            store.dir(),
        );
        let mut bytes = serde_json::to_vec_pretty(&payload).unwrap_or_default();
        bytes.push(b'\n');
        let mut env = vec![
            ("BATON_EVENT", event.kind.as_str().to_string()),
            ("BATON_TICKET", ticket.id.to_string()),
            ("BATON_STORE", store.dir().display().to_string()),
        ];
        // The message ready for `sendmail -t`, so that a hook in plain sh
        // needs no JSON tool. Large ones stay in the payload only: the
        // environment has a size limit per variable.
        if let Some(mail) = message.as_ref().map(notice::Notice::mail)
            && mail.len() <= 64 * 1024
        {
            env.push(("BATON_MESSAGE", mail));
        }
        for f in found {
            match f {
                Found::Refused(path, why) => ctx.out.warn(
                    &Error::new(format!("hook {} {why}; it was not run", store.shown(&path).display()))
                        .hint("hooks run from tickets/.local/hooks/ or ~/.config/baton/hooks/ (see docs/hooks.md)"),
                ),
                Found::Run(path) => {
                    if let Err(why) = hooks::run(&path, &bytes, &env, config.hooks.timeout) {
                        ctx.out.warn(
                            &Error::new(format!(
                                "hook {} {why}; the change to {short} is saved all the same",
                                store.shown(&path).display()
                            ))
                            .hint("run the hook by hand with the payload to see why (see docs/hooks.md)"),
                        );
                    }
                }
            }
        }
    }
}

/// Reports a change: the human sentence, or the ticket as JSON.
pub fn report(ctx: &Ctx, o: &Outcome, done: &str, already: &str) -> Result<()> {
    let human = if o.changed { done } else { already };
    ctx.out.result(human, || {
        let due = clock::deadline(&o.ticket, &o.config, ctx.now);
        json::ticket(&o.ticket, &o.short, due.as_ref(), true)
    })
}
