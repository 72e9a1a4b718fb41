//! `baton sync`: the whole git routine in one command. Commit what changed in
//! the store, fetch, merge the upstream (ticket files through baton's merge
//! driver), push, and when the push is rejected because someone pushed in
//! between, do it again.

use super::Txn;
use crate::ctx::Ctx;
use crate::error::{Error, Kind, Result};
use crate::io::git;
use crate::render::commit;
use crate::render::sync::{self, Synced};

/// How many times a push rejected because the remote moved on is retried.
const ATTEMPTS: usize = 3;

/// Commit the store's changes, pull and push (the whole git routine)
///
/// Commits every changed file in the store (with `[git] commit = true`
/// there are usually none), fetches, merges the upstream branch (ticket
/// files merge through baton's driver, so two people's changes to one
/// ticket never conflict), and pushes. A push rejected because someone
/// pushed meanwhile is merged and pushed again, up to three times.
///
/// Exit codes: 0 synced (or nothing to do); 1 a merge conflict, a push the
/// remote refuses, or a set-up problem (the message says what to do; a
/// conflicted merge is undone, nothing is lost); 75 the remote could not be
/// reached or kept moving: try again later (cron simply runs it again).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  baton sync                       commit, pull, push
  baton sync --quiet               the same, silent unless something fails (cron)
  */10 * * * *  cd /srv/support && baton escalate && baton sync --quiet   (a crontab line)")]
pub struct Args {
    /// Print nothing unless something fails
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let root = git::work_tree_root(store.dir()).ok_or_else(|| {
        Error::new(format!(
            "{} is not in a git work tree, so there is nothing to sync",
            store.shown(store.dir()).display()
        ))
        .hint("keep the store in a git repository with a shared remote (docs/git.md)")
    })?;
    let upstream = git::upstream(&root).map_err(|why| {
        Error::new(format!(
            "the current branch has no upstream to sync with ({why})"
        ))
        .hint("push it once with 'git push -u origin HEAD', then 'baton sync'")
    })?;
    require_driver(&store)?;
    let mut synced = Synced {
        upstream,
        ..Synced::default()
    };
    loop {
        synced.attempts += 1;
        fetch(&root, &synced.upstream)?;
        // Under the store lock: no baton command writes a ticket while git
        // commits and merges the files.
        let txn = Txn::begin(ctx, &store)?;
        let pending = git::pending(&root, store.dir()).map_err(Error::new)?;
        if !pending.is_empty() {
            git::commit(&root, &pending, &commit::synced(pending.len()))
                .map_err(|why| Error::new(format!("cannot commit the store's changes: {why}")))?;
            synced.committed += pending.len();
        }
        let behind = git::count(&root, "HEAD..@{u}").map_err(Error::new)?;
        if behind > 0 {
            git::merge_upstream(&root).map_err(|why| {
                Error::new(format!("cannot merge {}: {why}", synced.upstream))
                    .kind(Kind::Conflict)
                    .hint("the merge was undone and nothing is lost; merge by hand with 'git pull', fix the files it names, then 'baton sync'")
            })?;
            synced.pulled += behind;
        }
        txn.finish("");
        if git::count(&root, "@{u}..HEAD").map_err(Error::new)? == 0 {
            return show(ctx, &args, &synced);
        }
        let Err(why) = git::push(&root) else {
            synced.pushed = true;
            return show(ctx, &args, &synced);
        };
        // Refused: retry only when someone pushed in between (the
        // upstream moved on); otherwise the remote refuses this push as such.
        let seen = git::rev(&root, "@{u}").map_err(Error::new)?;
        fetch(&root, &synced.upstream)?;
        let moved = git::rev(&root, "@{u}").map_err(Error::new)? != seen;
        if !moved {
            return Err(Error::new(format!("cannot push to {}: {why}", synced.upstream))
                .kind(Kind::Remote)
                .hint("everything is committed here; see what the remote says above, then 'baton sync' again"));
        }
        if synced.attempts == ATTEMPTS {
            return Err(Error::tempfail(
                format!(
                    "{} kept moving: the push was refused {ATTEMPTS} times ({why})",
                    synced.upstream
                ),
                Kind::Remote,
            )
            .hint("everything is committed here; run 'baton sync' again"));
        }
    }
}

/// Fetches the upstream; an unreachable remote is a failure to try again
/// later.
fn fetch(root: &std::path::Path, upstream: &str) -> Result<()> {
    git::fetch(root).map_err(|why| {
        Error::tempfail(
            format!("cannot reach the remote of {upstream}: {why}"),
            Kind::Remote,
        )
        .hint("nothing was lost; run 'baton sync' again once the remote answers")
    })
}

/// Says what was done: a line per step, nothing with `--quiet`, or the
/// JSON document.
fn show(ctx: &Ctx, args: &Args, synced: &Synced) -> Result<()> {
    if args.quiet && !ctx.out.json {
        return Ok(());
    }
    ctx.out.result(&sync::human(synced), || sync::json(synced))
}

/// Refuses to merge when git would merge ticket files line by line: the
/// `.gitattributes` route them to baton's driver, but this clone never
/// registered it.
fn require_driver(store: &crate::store::Store) -> Result<()> {
    let sample = "00000000-0000-4000-8000-000000000000.toml";
    let routed = git::merge_attribute(store.dir(), sample).as_deref() == Some(git::DRIVER);
    if routed && !git::merge_driver_registered(store.dir()) {
        return Err(Error::new(
            "baton's merge driver is not registered in this clone, so git would merge tickets line by line",
        )
        .hint("run 'baton init' once in this clone, then 'baton sync'"));
    }
    Ok(())
}
