//! The command line: global flags and the list of commands. Each command's
//! arguments and help live beside its code in `cmd/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::cmd;

/// A terminal ticket tracker for support work: one TOML file per ticket, one
/// owner at a time, a full history, and escalation when nobody solves it in time.
#[derive(Debug, Parser)]
#[command(
    name = "baton",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(
    after_help = "Start with 'baton init', then 'baton new \"Title\"' and 'baton list'.\n\
                        Every command takes --json for scripts; 'baton help COMMAND' explains one."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The tickets folder to use instead of finding one above the current folder
    #[arg(long, global = true, env = "BATON_STORE", value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Act as this team member
    #[arg(long = "as", global = true, env = "BATON_USER", value_name = "NAME")]
    pub actor: Option<String>,
    /// Print one JSON document on stdout (messages go to stderr)
    #[arg(long, global = true)]
    pub json: bool,
    /// When to colour the output: auto (on a terminal, unless NO_COLOR is set), always or never
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// `--color` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Every command, in the order `--help` lists them.
#[derive(Debug, Subcommand)]
pub enum Command {
    Init(cmd::init::Args),
    People(cmd::people::Args),
    New(cmd::new::Args),
    List(cmd::list::Args),
    Show(cmd::show::Args),
    Take(cmd::take::Args),
    Pass(cmd::pass::Args),
    Reply(cmd::message::ReplyArgs),
    Note(cmd::message::NoteArgs),
    Wait(cmd::status::WaitArgs),
    Resolve(cmd::status::ResolveArgs),
    Reopen(cmd::status::ReopenArgs),
    Close(cmd::status::CloseArgs),
    Edit(cmd::edit::Args),
    Rate(cmd::rate::Args),
    Log(cmd::log::Args),
    Escalate(cmd::escalate::Args),
    Report(cmd::report::Args),
    Doctor(cmd::doctor::Args),
    MergeDriver(cmd::merge_driver::Args),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
