//! The command line: the global flags and the command tree. Each command's
//! arguments and help live beside its code in `cmd/`, and the list of
//! commands with them (`cmd::Command`); this module depends on `cmd`, never
//! the other way round.

use std::path::PathBuf;

use std::ffi::OsString;

use clap::{Args, Parser};
use clap_complete::engine::ArgValueCandidates;

use crate::cmd::{self, Command};
use crate::ctx::{ColorChoice, Flags};

/// A terminal ticket tracker for support work: one TOML file per ticket, one
/// owner at a time, a full history, and escalation when nobody solves it in time.
#[derive(Debug, Parser)]
#[command(
    name = "baton",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(after_help = "Examples:
  baton                            your queue: your tickets, then what is about to breach
  baton init                       a store here, with you as the team
  baton new                        asks for the title, customer, priority and description
  baton list                       open tickets, soonest deadline first
  baton pass 0b7c                  offers the team to pass a ticket to
  baton list --json | jq .         every command takes --json for scripts

'baton help COMMAND' explains one command; 'baton completions bash' and 'baton man'
install tab completion and manual pages.")]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// Without one, bare `baton` shows your queue (or runs the user
    /// config's `default`).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags every command takes.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    // clap reads BATON_STORE and BATON_USER itself; an empty one counts as
    // unset because `main` drops empty BATON_* variables before clap runs
    // (`ctx::unset_empty_variables`).
    /// The tickets folder to use instead of finding one above the current folder
    #[arg(long, global = true, env = "BATON_STORE", value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Act as this team member
    #[arg(long = "as", global = true, env = "BATON_USER", value_name = "NAME",
          add = ArgValueCandidates::new(cmd::completions::people))]
    pub actor: Option<String>,
    /// Print one JSON document on stdout (messages go to stderr); never asks
    // May be repeated, so that a wrapper that always adds it never breaks.
    #[arg(long, global = true, overrides_with = "json")]
    pub json: bool,
    /// Print JSON one object per line (list and search: a ticket a line;
    /// escalate: an escalation or warning a line); implies --json
    #[arg(long, global = true, overrides_with = "jsonl")]
    pub jsonl: bool,
    /// Never ask: a missing value is an error naming its flag, a confirmation counts as yes
    #[arg(long, short, global = true)]
    pub yes: bool,
    /// Never page long output (at a terminal: $BATON_PAGER, $PAGER, else less -FRX)
    #[arg(long, global = true)]
    pub no_pager: bool,
    /// When to colour the output: auto (on a terminal, unless NO_COLOR is set), always or never
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

impl Global {
    /// The flags as the context reads them.
    pub fn flags(&self) -> Flags {
        Flags {
            store: self.store.clone(),
            actor: self.actor.clone(),
            json: self.json || self.jsonl,
            jsonl: self.jsonl,
            yes: self.yes,
            color: self.color,
            no_pager: self.no_pager,
        }
    }
}

/// Whether `--json` is among `args` (read before parsing, so that clap's own
/// usage errors and `--version` can answer in JSON too).
pub fn wants_json(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json" || a == "--jsonl")
}

/// How clap colours its own help and usage errors: as the `--color` among
/// `args` says (read before parsing, since clap prints those while parsing).
pub fn clap_color(args: &[OsString]) -> clap::ColorChoice {
    let mut choice = clap::ColorChoice::Auto;
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        let value = match word.as_ref() {
            "--" => break,
            "--color" => words.next().map(|v| v.into_owned()),
            w => w.strip_prefix("--color=").map(str::to_string),
        };
        choice = match value.as_deref() {
            Some("always") => clap::ColorChoice::Always,
            Some("never") => clap::ColorChoice::Never,
            Some(_) => clap::ColorChoice::Auto,
            None => choice,
        };
    }
    choice
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn clap_colours_as_the_color_flag_says() {
        let cases: [(&[&str], clap::ColorChoice); 5] = [
            (&["baton", "list"], clap::ColorChoice::Auto),
            (
                &["baton", "--color", "never", "list"],
                clap::ColorChoice::Never,
            ),
            (
                &["baton", "list", "--color=always"],
                clap::ColorChoice::Always,
            ),
            (
                &["baton", "--color=never", "list"],
                clap::ColorChoice::Never,
            ),
            (
                &["baton", "note", "0b7c", "--", "--color=never"],
                clap::ColorChoice::Auto,
            ),
        ];
        for (args, want) in cases {
            let args: Vec<OsString> = args.iter().map(OsString::from).collect();
            assert_eq!(clap_color(&args), want, "{args:?}");
        }
    }
}
