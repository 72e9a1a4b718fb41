//! One module per command: its arguments (whose doc comments are the help) and
//! a `run` that reads like a recipe: resolve, decide in `core`, persist through
//! [`Txn`], and hand what happened to `render`, which alone shapes output.

pub mod attachment;
pub mod completions;
pub mod doctor;
pub mod edit;
pub mod escalate;
pub mod found_fact;
pub mod init;
pub mod intake;
pub mod link;
pub mod list;
pub mod log;
pub mod mail;
pub mod man;
pub mod merge_driver;
pub mod merge_dup;
pub mod message;
pub mod new;
pub mod outbox;
pub mod pass;
pub mod people;
pub mod promise;
pub mod rate;
pub mod report;
pub mod search;
pub mod show;
pub mod similar;
pub mod status;
pub mod sync;
pub mod take;
pub mod txn;
pub mod undo;
pub mod whoami;

pub use txn::Txn;

use crate::core::action;
use crate::core::clock;
use crate::core::config::Config;
use crate::core::ticket::Ticket;
use crate::ctx::{Ctx, Flags};
use crate::error::{Error, Kind, Result};
use crate::render::{self, json};
use crate::store::Store;

/// Every command, in the order `--help` lists them.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    Init(init::Args),
    People(people::Args),
    Whoami(whoami::Args),
    New(new::Args),
    Intake(intake::Args),
    List(list::Args),
    Show(show::Args),
    Attachment(attachment::Args),
    Search(search::Args),
    Similar(similar::Args),
    Take(take::Args),
    Pass(pass::Args),
    Reply(message::ReplyArgs),
    Promise(promise::Args),
    Note(message::NoteArgs),
    Replies(message::RepliesArgs),
    Wait(status::WaitArgs),
    Resolve(status::ResolveArgs),
    Reopen(status::ReopenArgs),
    Close(status::CloseArgs),
    Merge(merge_dup::Args),
    Link(link::LinkArgs),
    Unlink(link::UnlinkArgs),
    Incident(link::IncidentArgs),
    Edit(edit::Args),
    Rate(rate::Args),
    Found(found_fact::Args),
    Log(log::Args),
    Undo(undo::Args),
    Escalate(escalate::Args),
    Outbox(outbox::Args),
    Mail(mail::Args),
    Report(report::Args),
    Doctor(doctor::Args),
    Sync(sync::Args),
    MergeDriver(merge_driver::Args),
    Completions(completions::Args),
    Man(man::Args),
}

/// Runs the command the user asked for. `tree` builds the whole command
/// line's definition, for the commands that describe it (`man`).
pub fn run(flags: Flags, command: Option<Command>, tree: fn() -> clap::Command) -> Result<()> {
    let ctx = Ctx::from_env(&flags)?;
    let command = match command {
        Some(command) => command,
        None => match ctx.default_command()? {
            Some(words) => configured(&words, tree)?,
            None => return list::queue(&ctx),
        },
    };
    match command {
        Command::Init(args) => init::run(&ctx, args),
        Command::People(args) => people::run(&ctx, args),
        Command::Whoami(args) => whoami::run(&ctx, args),
        Command::New(args) => new::run(&ctx, args),
        Command::Intake(args) => intake::maildir(&ctx, args),
        Command::List(args) => list::run(&ctx, args),
        Command::Show(args) => show::run(&ctx, args),
        Command::Attachment(args) => attachment::run(&ctx, args),
        Command::Search(args) => search::run(&ctx, args),
        Command::Similar(args) => similar::run(&ctx, args),
        Command::Take(args) => take::run(&ctx, args),
        Command::Pass(args) => pass::run(&ctx, args),
        Command::Reply(args) => message::reply(&ctx, args),
        Command::Promise(args) => promise::run(&ctx, args),
        Command::Note(args) => message::note(&ctx, args),
        Command::Replies(args) => message::replies(&ctx, args),
        Command::Wait(args) => status::wait(&ctx, args),
        Command::Resolve(args) => status::resolve(&ctx, args),
        Command::Reopen(args) => status::reopen(&ctx, args),
        Command::Close(args) => status::close(&ctx, args),
        Command::Merge(args) => merge_dup::run(&ctx, args),
        Command::Link(args) => link::link(&ctx, args),
        Command::Unlink(args) => link::unlink(&ctx, args),
        Command::Incident(args) => link::incident(&ctx, args),
        Command::Edit(args) => edit::run(&ctx, args),
        Command::Rate(args) => rate::run(&ctx, args),
        Command::Found(args) => found_fact::run(&ctx, args),
        Command::Log(args) => log::run(&ctx, args),
        Command::Undo(args) => undo::run(&ctx, args),
        Command::Escalate(args) => escalate::run(&ctx, args),
        Command::Outbox(args) => outbox::run(&ctx, args),
        Command::Mail(args) => mail::run(&ctx, args),
        Command::Report(args) => report::run(&ctx, args),
        Command::Doctor(args) => doctor::run(&ctx, args),
        Command::Sync(args) => sync::run(&ctx, args),
        Command::MergeDriver(args) => merge_driver::run(&ctx, args),
        Command::Completions(args) => completions::run(&ctx, args),
        Command::Man(args) => man::run(&ctx, args, tree()),
    }
}

/// How `list` and `search` print what they found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people
    Table,
    /// Full ids, one a line
    Id,
}

/// The command the user config's `default` names, parsed as if typed after
/// `baton` (the global flags stay those of the real command line).
fn configured(words: &[String], tree: fn() -> clap::Command) -> Result<Command> {
    use clap::FromArgMatches;
    let line = std::iter::once("baton".to_string()).chain(words.iter().cloned());
    let parsed = tree()
        .try_get_matches_from(line)
        .and_then(|m| Command::from_arg_matches(&m));
    parsed.map_err(|e| {
        let text = e.render().to_string();
        let first = text.lines().next().unwrap_or_default();
        Error::usage(format!(
            "the user config's default = \"{}\" is not a baton command: {}",
            shell_words::join(words),
            first.trim_start_matches("error: ")
        ))
        .hint("fix 'default' in the user config (for example default = \"list --mine\"), or remove it")
    })
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

/// Applies one action to the ticket the user named, in one write
/// transaction: read under the lock, decide, and save only if something
/// changed.
pub fn change(
    ctx: &Ctx,
    input: &str,
    act: impl FnOnce(&mut Ticket, &action::Ctx) -> Result<bool>,
) -> Result<Outcome> {
    let mut act = Some(act);
    let mut outcomes = change_many(ctx, &[input.to_string()], |t, cx| match act.take() {
        Some(act) => act(t, cx),
        None => Ok(false),
    })?;
    Ok(outcomes.remove(0))
}

/// Applies one action to each ticket the user named, all or none: every
/// id is resolved and every ticket decided on under the lock before
/// anything is written; then the changed ones are saved in one
/// transaction (one commit). The first refusal stops it with nothing
/// written, naming its ticket when there are several.
pub fn change_many(
    ctx: &Ctx,
    inputs: &[String],
    mut act: impl FnMut(&mut Ticket, &action::Ctx) -> Result<bool>,
) -> Result<Vec<Outcome>> {
    let store = ctx.store()?;
    let mut resolved = Vec::with_capacity(inputs.len());
    for input in inputs {
        let r = store.resolve(input)?;
        if !resolved
            .iter()
            .any(|p: &crate::store::Resolved| p.id == r.id)
        {
            resolved.push(r);
        }
    }
    let mut txn = Txn::begin(ctx, &store)?;
    let config = txn.config()?.clone();
    let actor = ctx.actor(&store, &config)?;
    let several = resolved.len() > 1;
    let mut decided = Vec::with_capacity(resolved.len());
    for r in &resolved {
        let mut ticket = store.read(r.id)?;
        let before = ticket.events.len();
        let acx = action::Ctx {
            actor: &actor,
            now: txn.now_for(&ticket),
            config: &config,
            label: &r.short,
        };
        let changed = act(&mut ticket, &acx).map_err(|e| {
            if several {
                let hint = "nothing was changed; leave it out, or deal with it first".to_string();
                let hint = match &e.hint {
                    Some(h) => format!("{h}; {hint}"),
                    None => hint,
                };
                Error {
                    hint: Some(hint),
                    ..e
                }
            } else {
                e
            }
        })?;
        decided.push((ticket, before, changed));
    }
    let mut messages = Vec::new();
    for ((ticket, before, changed), r) in decided.iter().zip(&resolved) {
        if *changed {
            txn.save(ticket, &r.short, *before)?;
            messages.push(render::commit::ticket(
                &r.short,
                ticket,
                &ticket.events[*before..],
            ));
        }
    }
    txn.finish(&messages.join("\n\n"));
    Ok(decided
        .into_iter()
        .zip(resolved)
        .map(|((ticket, _, changed), r)| Outcome {
            ticket,
            short: r.short,
            changed,
            config: config.clone(),
        })
        .collect())
}

/// The ticket files a command could not read: each one is warned about, and
/// once the command has shown the rest it fails, saying how many, so that a
/// script notices what a person reads in the warnings.
pub struct Unreadable<'a> {
    ctx: &'a Ctx,
    problems: Vec<Error>,
    /// What could not be done to the files: `read`, or `read or written`.
    done: &'static str,
}

impl<'a> Unreadable<'a> {
    /// None yet, of files a command reads.
    pub fn read(ctx: &'a Ctx) -> Unreadable<'a> {
        Unreadable {
            ctx,
            problems: Vec::new(),
            done: "read",
        }
    }

    /// None yet, of files a command reads and writes.
    pub fn read_or_written(ctx: &'a Ctx) -> Unreadable<'a> {
        Unreadable {
            done: "read or written",
            ..Unreadable::read(ctx)
        }
    }

    /// Warns about one file.
    pub fn warn(&mut self, problem: &Error) {
        self.ctx.out.warn(problem);
        self.problems.push(problem.clone());
    }

    /// The files left out so far, for documents that say so in-band.
    pub fn problems(&self) -> &[Error] {
        &self.problems
    }

    /// Warns about each of these files, in order.
    pub fn warn_all<'e>(&mut self, problems: impl IntoIterator<Item = &'e Error>) {
        for p in problems {
            self.warn(p);
        }
    }

    /// The command's end: fine when every file could be read, else the
    /// error naming how many could not and what `rest` of the output means.
    pub fn finish(self, rest: &str) -> Result<()> {
        match self.problems.len() {
            0 => Ok(()),
            n => {
                let mut e = Error::new(format!(
                    "{n} ticket file(s) could not be {}; {rest}",
                    self.done
                ))
                .kind(Kind::Partial);
                e.left_out = self.problems;
                Err(e)
            }
        }
    }
}

/// Reports changes to several tickets: one sentence each, or under
/// `--json` the tickets as an array (one ticket alone stays its document).
pub fn report_many(
    ctx: &Ctx,
    outcomes: &[Outcome],
    sentence: impl Fn(&Outcome) -> String,
) -> Result<()> {
    if let [one] = outcomes {
        return report(ctx, one, &sentence(one), &sentence(one));
    }
    let human: Vec<String> = outcomes.iter().map(&sentence).collect();
    ctx.out.result(&human.join("\n"), || {
        let docs = outcomes
            .iter()
            .map(|o| {
                let due = clock::deadline(&o.ticket, &o.config, ctx.now);
                json::ticket(&o.ticket, &o.short, due.as_ref(), true)
            })
            .collect();
        serde_json::Value::Array(docs)
    })
}

/// Reports a change: the human sentence, or the ticket as JSON.
pub fn report(ctx: &Ctx, o: &Outcome, done: &str, already: &str) -> Result<()> {
    let human = if o.changed { done } else { already };
    ctx.out.result(human, || {
        let due = clock::deadline(&o.ticket, &o.config, ctx.now);
        json::changed(
            json::ticket(&o.ticket, &o.short, due.as_ref(), true),
            o.changed,
        )
    })
}
