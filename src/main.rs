//! The `baton` binary: parse, run, and turn the outcome into an exit code.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use baton::cli::{self, Cli};
use baton::core::view;
use baton::ctx::color_enabled;
use baton::error::Error;
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
    let json = cli::wants_json(&args);
    let args = match with_views(args) {
        Ok(args) => args,
        Err(e) => {
            let color = color_enabled(
                baton::ctx::ColorChoice::Auto,
                std::io::stderr().is_terminal(),
            );
            eprintln!("{}", shown(&e, json, color));
            return ExitCode::from(e.code);
        }
    };
    let command = Cli::command().color(cli::clap_color(&args));
    let cli = match command
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) if json => return clap_error_as_json(e),
        Err(e) => e.exit(),
    };
    let color = color_enabled(cli.global.color, std::io::stderr().is_terminal());
    match baton::cmd::run(cli.global.flags(), cli.command, Cli::command) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`baton list | head`) is not a failure: the reader has
        // what it wanted. Its error carries code 0 and no message.
        Err(e) if e.code == 0 => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", shown(&e, json, color));
            ExitCode::from(e.code)
        }
    }
}

/// The command line with the saved views it names spliced in (`baton
/// morning`, `baton list @morning`); the settings are read only when the
/// line may name one.
fn with_views(args: Vec<std::ffi::OsString>) -> Result<Vec<std::ffi::OsString>, Error> {
    let commands: Vec<String> = Cli::command()
        .get_subcommands()
        .flat_map(|c| {
            std::iter::once(c.get_name().to_string()).chain(c.get_all_aliases().map(str::to_string))
        })
        .chain(["help".to_string()])
        .collect();
    if !view::may_use(&args, &commands) {
        return Ok(args);
    }
    let views = baton::ctx::saved_views(&args)?;
    view::expand(&args, &views, &commands)
}

/// The final error as a person reads it, or under `--json` as one line of
/// JSON (the last line of stderr).
fn shown(e: &Error, json: bool, color: bool) -> String {
    if json {
        baton::render::json::error(e).to_string()
    } else {
        problem(e, "error", color)
    }
}

/// Under `--json`, what clap would print: `--version` as a document on
/// stdout, help as it is, a usage error as the JSON error (kind `usage`).
fn clap_error_as_json(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayVersion => {
            let doc = baton::render::json::version(env!("CARGO_PKG_VERSION"));
            println!("{doc:#}");
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        _ => {
            let text = e.render().to_string();
            let message = text
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ")
                .to_string();
            let tip = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("tip: "))
                .map(str::to_string);
            let mut err = Error::usage(message);
            if let Some(tip) = tip {
                err = err.hint(tip);
            }
            eprintln!("{}", shown(&err, true, false));
            ExitCode::from(err.code)
        }
    }
}
