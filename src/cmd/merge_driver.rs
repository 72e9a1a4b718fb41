//! `baton merge-driver`: git's merge driver for ticket files and the team
//! config, so that two people working on the same ticket or changing the team
//! at once never see a conflict (see docs/git.md).

use std::fs;
use std::path::{Path, PathBuf};

use crate::core::ticket::{ParseError, Ticket};
use crate::core::{merge, merge_config};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::io::git;
use crate::store::{CONFIG_FILE, write_git_file};

/// Merge two versions of a ticket file (git runs this during a merge)
///
/// Keeps every event of both sides, replays them for status and owner, and
/// merges the title, priority and other fields against the common version: a
/// field one side changed takes that change; when both changed it, the later
/// edit wins. The result goes to OURS and is the same whichever side is ours.
/// When a side is not a readable ticket, git's line-by-line merge is left in
/// OURS, conflict markers and all, and the exit code is 1.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Set up by 'baton init' in a git repository, which adds to .gitattributes\n  \
                        tickets/*.toml merge=baton\n\
                        and to .git/config\n  \
                        [merge \"baton\"]\n      driver = baton merge-driver %O %A %B %P\n\n\
                        Examples:\n  baton merge-driver base.toml ours.toml theirs.toml   # the merge replaces ours.toml"
)]
pub struct Args {
    /// The common ancestor's version (git's %O; empty when both sides added the file)
    pub base: PathBuf,
    /// Our version (%A); the merged ticket is written here
    pub ours: PathBuf,
    /// Their version (%B)
    pub theirs: PathBuf,
    /// The file's path in the repository (%P), for messages
    pub path: Option<PathBuf>,
}

/// A file's text, or why it is not a ticket.
fn read_ticket(path: &Path, side: &str) -> Result<Ticket, String> {
    let bytes = fs::read(path).map_err(|e| format!("cannot read {side} version: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{side} version is not UTF-8"))?;
    Ticket::parse(&text).map_err(|e: ParseError| format!("{side} version, {e}"))
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let base = ctx.cwd.join(&args.base);
    let ours = ctx.cwd.join(&args.ours);
    let theirs = ctx.cwd.join(&args.theirs);
    let shown = args.path.clone().unwrap_or_else(|| args.ours.clone());

    // The team config merges person by person and key by key; a side that is
    // not TOML merges line by line, as without a driver.
    if shown.file_name().is_some_and(|n| n == CONFIG_FILE) {
        let read = |p: &Path| fs::read_to_string(p).ok();
        let (b, o, t) = (read(&base), read(&ours), read(&theirs));
        if let (Some(o), Some(t)) = (&o, &t)
            && let Ok(merged) = merge_config::merge(b.as_deref(), o, t)
        {
            write_git_file(&ours, merged.text.as_bytes())
                .map_err(|e| Error::io(&ours, "write the merged team config to", e))?;
            if let Some(first) = merged.conflicts.first() {
                ctx.out.warn(
                    &Error::new(format!(
                        "{}: both sides changed {} ({} conflicting key(s)); kept {}, the other value is in a [[conflict]] entry",
                        shown.display(),
                        first.key,
                        merged.conflicts.len(),
                        first.kept,
                    ))
                    .hint("choose the value you want, delete the [[conflict]] entry, and commit; 'baton doctor' lists what is left"),
                );
            }
            return Ok(());
        }
        return match line_merge(ctx, &base, &ours, &theirs, &shown)? {
            0 => Ok(()),
            n => Err(Error::new(format!(
                "{}: {n} conflicting change(s) to the team config; git's conflict markers are in the file",
                shown.display()
            ))),
        };
    }

    let (o, t) = (read_ticket(&ours, "our"), read_ticket(&theirs, "their"));
    if o.is_err() && t.is_err() {
        // Neither side is a ticket (a stray file in the store): merge it as
        // git would without a driver.
        return match line_merge(ctx, &base, &ours, &theirs, &shown)? {
            0 => Ok(()),
            n => Err(Error::new(format!(
                "{}: {n} conflicting change(s) in a file that is not a ticket",
                shown.display()
            ))),
        };
    }
    let merged = o.and_then(|o| Ok((o, t?))).and_then(|(o, t)| {
        // An empty ancestor means both sides added the file. An unreadable one
        // only costs the merge its reference point: fields both sides hold
        // differently then go to the later edit.
        let b = fs::read_to_string(&base)
            .ok()
            .filter(|text| !text.trim().is_empty())
            .and_then(|text| Ticket::parse(&text).ok());
        merge::merge(b.as_ref(), &o, &t)
    });
    match merged {
        Ok(ticket) => write_git_file(&ours, ticket.to_toml().as_bytes())
            .map_err(|e| Error::io(&ours, "write the merged ticket to", e)),
        Err(why) => {
            let kept = match line_merge(ctx, &base, &ours, &theirs, &shown) {
                Ok(_) => {
                    "git's line-by-line merge is in the file, with conflict markers where the sides overlap"
                }
                Err(_) => {
                    "our version is left in the file; theirs is in git's index (git checkout --theirs)"
                }
            };
            Err(Error::new(format!(
                "{}: cannot merge as tickets: {why}; {kept}",
                shown.display()
            ))
            .hint("fix the file by hand so it holds every event of both sides, then 'git add' it"))
        }
    }
}

/// git's ordinary line merge into OURS; the number of conflicts.
fn line_merge(ctx: &Ctx, base: &Path, ours: &Path, theirs: &Path, shown: &Path) -> Result<u32> {
    // By hand the base may not exist; git always passes one, empty or not.
    let empty;
    let base = if base.is_file() {
        base
    } else {
        empty = tempfile::NamedTempFile::new()
            .map_err(|e| Error::new(format!("cannot create a temporary file: {e}")))?;
        empty.path()
    };
    let shown = shown.display().to_string();
    let labels = [
        format!("ours:{shown}"),
        "base".to_string(),
        format!("theirs:{shown}"),
    ];
    git::merge_file(
        &ctx.cwd,
        ours,
        base,
        theirs,
        [&labels[0], &labels[1], &labels[2]],
    )
    .map_err(Error::new)
}
