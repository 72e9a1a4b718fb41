//! The `baton` binary: parse, run, and turn the outcome into an exit code.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use baton::cli::{self, Cli};
use baton::ctx::color_enabled;
use baton::render::text::problem;

fn main() -> ExitCode {
    // SAFETY: no other thread exists yet.
    unsafe { baton::ctx::unset_empty_variables() };
    // A shell asking for completions (COMPLETE=bash baton -- …) is answered
    // here and never reaches a command.
    clap_complete::CompleteEnv::with_factory(Cli::command).complete();
    // clap prints usage errors and help itself (exit 2 and 0), coloured as
    // `--color` says.
    let args = baton::ctx::command_line();
    let command = Cli::command().color(cli::clap_color(&args));
    let cli = Cli::from_arg_matches(&command.get_matches_from(&args)).unwrap_or_else(|e| e.exit());
    let color = color_enabled(cli.global.color, std::io::stderr().is_terminal());
    match baton::cmd::run(cli.global.flags(), cli.command, Cli::command) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`baton list | head`) is not a failure: the reader has
        // what it wanted. Its error carries code 0 and no message.
        Err(e) if e.code == 0 => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", problem(&e, "error", color));
            ExitCode::from(e.code)
        }
    }
}
