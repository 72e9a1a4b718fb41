//! `baton completions`: tab completion for shells, and the candidates it
//! offers for ticket ids and people's names.
//!
//! The script a shell sources calls `baton` back on every TAB
//! (`COMPLETE=bash baton -- baton show 0b`; `main` answers before parsing),
//! so commands, flags, ticket ids and names are always those of the installed
//! version and of the store at hand.

use std::ffi::OsStr;

use clap::ValueEnum;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

use crate::core::id;
use crate::core::ticket::{Priority, Status};
use crate::ctx::{Ctx, completion_store};
use crate::error::{Error, Result};
use crate::render::completion;

/// Print the script that gives a shell tab completion for baton
///
/// The script completes commands, flags, ticket ids and people's names; ids and
/// names come from the store found from the current folder (or BATON_STORE).
/// Load it from your shell's startup file so it always matches the installed
/// baton.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  echo 'source <(baton completions bash)' >> ~/.bashrc
  echo 'source <(baton completions zsh)' >> ~/.zshrc
  echo 'baton completions fish | source' > ~/.config/fish/completions/baton.fish
  baton completions powershell | Out-String | Invoke-Expression   (in $PROFILE)")]
pub struct Args {
    /// The shell
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The shells baton completes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

/// The environment variable that turns a run of `baton` into a completion
/// request (clap's convention, shared with other clap programs).
pub const VAR: &str = "COMPLETE";

pub fn run(ctx: &Ctx, args: Args) -> Result<()> {
    let shell: &dyn EnvCompleter = match args.shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Powershell => &Powershell,
        Shell::Elvish => &Elvish,
    };
    let completer = completer_path(ctx);
    let mut script = Vec::new();
    shell
        .write_registration(VAR, "baton", "baton", &completer, &mut script)
        .map_err(|e| Error::new(format!("cannot write the completion script: {e}")))?;
    ctx.out.raw(&script)
}

/// How the script calls baton back: by name when it was run from `PATH`, else
/// by its absolute path (so `./target/debug/baton completions bash` works from
/// any folder).
fn completer_path(ctx: &Ctx) -> String {
    let invoked = ctx.invoked_as();
    let path = std::path::PathBuf::from(&invoked);
    if path.components().count() > 1 {
        ctx.cwd.join(path).to_string_lossy().into_owned()
    } else {
        invoked.to_string_lossy().into_owned()
    }
}

/// Saved reply names for a TAB (`baton reply --template`).
pub fn saved_replies(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(store) = completion_store() else {
        return Vec::new();
    };
    let typed = current.to_string_lossy();
    store
        .saved_replies()
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n.starts_with(typed.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

/// Outbox message ids for a TAB (`baton outbox drop`).
pub fn outbox_ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(store) = completion_store() else {
        return Vec::new();
    };
    let typed = current.to_string_lossy().to_ascii_lowercase();
    store
        .mail_ids(&typed)
        .unwrap_or_default()
        .into_iter()
        .map(CompletionCandidate::new)
        .collect()
}

/// Ticket ids for a TAB: the shortest unique prefix of each ticket whose id
/// starts with what was typed (the full id once more was typed than that), with
/// its status, owner and title as the description when few match.
pub fn ticket_ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(store) = completion_store() else {
        return Vec::new();
    };
    let Ok(listing) = store.list() else {
        return Vec::new();
    };
    let typed = current.to_string_lossy().to_ascii_lowercase();
    let shorts = id::short_ids(&listing.ids);
    let matching: Vec<_> = listing
        .ids
        .iter()
        .zip(shorts)
        .filter(|(id, _)| id.hyphenated().to_string().starts_with(&typed))
        .collect();
    // Descriptions need each file read; only worth it for a short menu.
    let describe = matching.len() <= 50;
    matching
        .into_iter()
        .map(|(id, short)| {
            let value = if typed.len() <= short.len() {
                short
            } else {
                id.hyphenated().to_string()
            };
            let help = describe
                .then(|| store.read(*id).ok())
                .flatten()
                .map(|t| completion::ticket(&t).into());
            CompletionCandidate::new(value).help(help)
        })
        .collect()
}

/// People's names for a TAB, with their level as the description.
pub fn people() -> Vec<CompletionCandidate> {
    let Some(config) = completion_store().and_then(|s| s.config().ok()) else {
        return Vec::new();
    };
    let top = config.top_level();
    config
        .people
        .iter()
        .map(|p| {
            CompletionCandidate::new(p.name.clone())
                .help(Some(completion::person(p.level, p.level == top).into()))
        })
        .collect()
}

/// The priorities, for a TAB.
pub fn priorities() -> Vec<CompletionCandidate> {
    Priority::ALL
        .iter()
        .map(|p| CompletionCandidate::new(p.as_str()))
        .collect()
}

/// The statuses, for a TAB.
pub fn statuses() -> Vec<CompletionCandidate> {
    Status::ALL
        .iter()
        .map(|s| CompletionCandidate::new(s.as_str()))
        .collect()
}
