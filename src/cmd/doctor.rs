//! `baton doctor`: checks the config and every ticket file, and with `--fix`
//! repairs what is safe to repair after keeping a backup.

use std::path::{Path, PathBuf};

use super::Txn;
use crate::core::attachment;
use crate::core::check;
use crate::core::config::Config;
use crate::core::id;
use crate::core::merge_config;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::io::git;
use crate::render::doctor::{Checkup, Finding, Repair};
use crate::render::{self, commit};
use crate::store::{self, BadFile, Store};

/// Check the config and every ticket file; --fix repairs what is safe to repair
#[derive(Debug, clap::Args)]
#[command(
    after_help = "doctor reports each problem with its file, line and what to do, and \
                        exits 1 when it finds any. --fix recomputes state fields from the \
                        events and clears away temp files left by interrupted writes, after \
                        copying everything it touches to tickets/.local/backup/; it never \
                        touches a file it cannot parse.\n\n\
                        Examples:\n  baton doctor\n  baton doctor --fix\n  \
                        baton doctor --json | jq -r '.problems[] | .path'"
)]
pub struct Args {
    /// Repair what is safe to repair (a backup is kept first)
    #[arg(long)]
    pub fix: bool,
}

/// One problem, where it is, and what to do.
struct Problem {
    path: PathBuf,
    line: Option<usize>,
    message: String,
    fix: String,
    repairable: bool,
}

impl Problem {
    fn new(path: &Path, message: impl Into<String>, fix: impl Into<String>) -> Problem {
        Problem {
            path: path.to_path_buf(),
            line: None,
            message: message.into(),
            fix: fix.into(),
            repairable: false,
        }
    }
}

/// Everything doctor found in one pass over the store.
struct Examination {
    problems: Vec<Problem>,
    tickets: usize,
}

/// Doctor's own advice for a file that cannot be read: the hint other
/// commands give points at doctor itself.
const BY_HAND: &str =
    "correct it by hand, or restore it from git; baton never rewrites a file it cannot read";

/// A file that cannot be read at all, or whose content cannot be used.
fn unusable(path: &Path, outcome: std::result::Result<BadFile, Error>) -> Problem {
    match outcome {
        Ok(bad) => {
            // The store's hint for a file it cannot read points at doctor;
            // here the hint is what to do with the file itself.
            let own = bad
                .hint
                .trim_end_matches("; 'baton doctor' checks the store");
            let fix = if own.starts_with("fix the file by hand") {
                BY_HAND
            } else {
                own
            };
            Problem {
                line: bad.problem.line,
                ..Problem::new(path, bad.problem.message, fix)
            }
        }
        Err(e) => Problem::new(path, e.message, e.hint.unwrap_or_else(|| BY_HAND.into())),
    }
}

fn examine(store: &Store) -> Result<(Examination, Option<Config>)> {
    let mut problems = Vec::new();
    let config_path = store.config_path();
    let config = match store.examine_config() {
        Ok(Ok(c)) => Some(c),
        Ok(Err(bad)) => {
            problems.push(unusable(&config_path, Ok(bad)));
            None
        }
        Err(e) => {
            problems.push(unusable(&config_path, Err(e)));
            None
        }
    };
    let listing = store.list()?;
    // Each kept attachment a ticket names, with the first ticket naming it.
    let mut attachments: std::collections::BTreeMap<String, (PathBuf, String)> =
        std::collections::BTreeMap::new();
    // Each file is read and checked on every core (most of doctor's time);
    // what they found is gathered in the order of the ids, as before.
    let examined = store.examine_many(&listing.ids, |id, outcome| {
        let path = store.path_of(id);
        let mut found = Vec::new();
        let mut kept = Vec::new();
        match outcome {
            Err(e) => found.push(unusable(&path, Err(e))),
            Ok(Err(bad)) => found.push(unusable(&path, Ok(bad))),
            Ok(Ok((ticket, text))) => {
                for (n, a) in attachment::numbered(&ticket.events).into_iter().enumerate() {
                    match a.sha256 {
                        Some(sha) => kept.push((sha, format!("attachment {} ({})", n + 1, a.name))),
                        None if a.not_kept.as_deref().is_some_and(|w| w.contains("sha256")) => {
                            found.push(Problem::new(
                                &path,
                                format!("attachment {} ({}): {}", n + 1, a.name, a.not_kept.unwrap_or_default()),
                                "restore the ticket file from git (git checkout -- FILE); a hand edit broke the name of the kept file",
                            ));
                        }
                        None => {}
                    }
                }
                for f in check::ticket(&ticket, &text, config.as_ref()) {
                    found.push(Problem {
                        path: path.clone(),
                        line: f.line,
                        message: f.message,
                        fix: f.fix,
                        repairable: f.repairable,
                    });
                }
            }
        }
        (path, found, kept)
    });
    for (path, found, kept) in examined {
        problems.extend(found);
        for (sha, which) in kept {
            attachments
                .entry(sha)
                .or_insert_with(|| (path.clone(), which));
        }
    }
    problems.extend(attachment_problems(store, &attachments));
    for stray in &listing.strays {
        problems.push(Problem::new(
            stray,
            "a .toml file not named by a ticket id; every command skips it",
            "ticket files are named <id>.toml; rename it or move it out of the store",
        ));
    }
    for tmp in store.temp_files()? {
        problems.push(Problem {
            repairable: true,
            ..Problem::new(
                &tmp,
                "a temp file left by an interrupted write (every command ignores it)",
                "'baton doctor --fix' moves it to tickets/.local/backup/",
            )
        });
    }
    for (path, message, fix) in
        store.boundary_problems(|p| git::tracking(p) == git::Tracking::Tracked)
    {
        problems.push(Problem::new(&path, message, fix));
    }
    if let Some(p) = merge_driver_problem(store) {
        problems.push(p);
    }
    problems.extend(git_problems(store));
    Ok((
        Examination {
            problems,
            tickets: listing.ids.len(),
        },
        config,
    ))
}

/// Every kept attachment a ticket names must be in `files/` and match its
/// SHA-256. `--fix` cannot make one again: the fix says how to restore it
/// from git.
fn attachment_problems(
    store: &Store,
    named: &std::collections::BTreeMap<String, (PathBuf, String)>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (sha, (ticket, which)) in named {
        let path = store.file_path(sha);
        let problem = match std::fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                "the kept attachment is missing".into()
            }
            Err(e) => format!("the kept attachment cannot be read: {e}"),
            Ok(bytes) => match attachment::verify(sha, &bytes) {
                Ok(()) => continue,
                Err(why) => format!("the kept attachment is damaged: {why}"),
            },
        };
        problems.push(Problem::new(
            &path,
            format!(
                "{problem}; {} names it as its {which}",
                store.shown(ticket).display()
            ),
            store::restore_hint(&store.shown(&path)),
        ));
    }
    problems
}

/// In a git work tree, ticket files must go through baton's merge driver, or
/// two people's changes to one ticket end in conflict markers.
fn merge_driver_problem(store: &Store) -> Option<Problem> {
    let dir = store.dir();
    git::work_tree_root(dir)?;
    let sample = "00000000-0000-4000-8000-000000000000.toml";
    let message = if git::merge_attribute(dir, sample).as_deref() != Some(git::DRIVER) {
        "git does not send ticket files to baton's merge driver (.gitattributes)"
    } else if !git::merge_driver_registered(dir) {
        "the git merge driver is not registered in this clone"
    } else {
        return None;
    };
    Some(Problem::new(
        dir,
        message,
        "run 'baton init' in this clone: it sets up .gitattributes and registers the driver",
    ))
}

/// What git left in the store: files it holds unmerged, conflict markers in
/// files, and conflicts the merge driver recorded in the team config.
fn git_problems(store: &Store) -> Vec<Problem> {
    let dir = store.dir();
    let mut problems = Vec::new();
    for path in git::unmerged(dir) {
        problems.push(Problem::new(
            &dir.join(path),
            "git holds this file unmerged: a merge, rebase, cherry-pick or stash stopped on it",
            "settle it (baton sync's merge leaves none; by hand: remove the conflict markers so every event of both sides stays), then 'git add' it and finish with 'git commit' or 'git rebase --continue'",
        ));
    }
    // Conflict markers break TOML, so a file holding them is reported where
    // it is read, with its line and how to recover (`store`'s reader says
    // so), not read a second time here.
    let config = store.config_path();
    if let Ok(text) = store.config_text() {
        for c in merge_config::recorded(&text) {
            problems.push(Problem::new(
                &config,
                format!(
                    "both sides of a merge changed {}: kept {}, the other side had {}",
                    c.key, c.kept, c.other
                ),
                "choose the value you want, then delete its [[conflict]] entry at the end of the file",
            ));
        }
    }
    problems
}

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let store = ctx.store()?;
    let (mut exam, _) = examine(&store)?;
    let mut fixed = Vec::new();
    let mut backup = None;
    if args.fix && exam.problems.iter().any(|p| p.repairable) {
        let mut txn = Txn::begin_raw(ctx, &store)?;
        let dir = txn.backup_dir()?;
        fixed = repair(&mut txn, &exam, &dir)?;
        txn.finish(&commit::repaired(fixed.len()));
        backup = Some(dir);
        // What is left, read afresh.
        exam = examine(&store)?.0;
    }
    let shown = checkup(&store, &exam, &fixed, backup.as_deref());
    render::doctor::show(&ctx.out, &shown)?;
    let n = exam.problems.len();
    let repairable = exam.problems.iter().filter(|p| p.repairable).count();
    match (n, repairable) {
        (0, _) => Ok(()),
        (n, 0) => Err(Error::new(format!(
            "{n} problem(s) in the store; each one above says what to do"
        ))),
        (n, r) => Err(
            Error::new(format!("{n} problem(s) in the store")).hint(format!(
                "'baton doctor --fix' repairs {r} of them, after a backup"
            )),
        ),
    }
}

/// Repairs the repairable problems, copying each file to `backup` first.
/// Returns what was done to each file.
fn repair(txn: &mut Txn, exam: &Examination, backup: &Path) -> Result<Vec<(PathBuf, Repair)>> {
    let store = txn.store();
    let mut done = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for p in exam.problems.iter().filter(|p| p.repairable) {
        if !seen.insert(p.path.clone()) {
            continue;
        }
        let name = p.path.file_name().unwrap_or_default();
        if name.to_string_lossy().ends_with(crate::store::TEMP_SUFFIX) {
            txn.move_to_backup(&p.path, backup)?;
            done.push((p.path.clone(), Repair::MovedTemp));
            continue;
        }
        // Only a ticket that still parses under the lock is rewritten.
        let Some(id) = name
            .to_str()
            .and_then(|n| n.strip_suffix(".toml"))
            .and_then(|s| uuid::Uuid::try_parse(s).ok())
        else {
            continue;
        };
        let Ok(ticket) = store.read(id) else {
            continue;
        };
        // Judged again on the file and team read under the lock.
        let Some(repaired) = check::repaired(ticket, txn.config().ok()) else {
            continue;
        };
        txn.back_up(&p.path, backup)?;
        let short = id::short_in(&store.list()?.ids, id);
        let before = repaired.events.len();
        txn.save(&repaired, &short, before)?;
        done.push((p.path.clone(), Repair::Recomputed));
    }
    Ok(done)
}

/// The checkup as it is shown: paths as messages show them.
fn checkup<'a>(
    store: &Store,
    exam: &'a Examination,
    fixed: &[(PathBuf, Repair)],
    backup: Option<&Path>,
) -> Checkup<'a> {
    Checkup {
        tickets: exam.tickets,
        problems: exam
            .problems
            .iter()
            .map(|p| Finding {
                path: store.shown(&p.path),
                line: p.line,
                message: &p.message,
                fix: &p.fix,
                fixable: p.repairable,
            })
            .collect(),
        fixed: fixed
            .iter()
            .map(|(path, repair)| (store.shown(path), *repair))
            .collect(),
        backup: backup.map(|b| store.shown(b)),
    }
}
