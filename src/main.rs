//! The `baton` binary: parse, run, and turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;

use baton::cli::Cli;
use baton::render::text::clean_line;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with 2.
    let cli = Cli::parse();
    match baton::cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`baton list | head`) is not a failure: the reader has
        // what it wanted. Its error carries code 0 and no message.
        Err(e) if e.code == 0 => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", clean_line(&e.message));
            if let Some(hint) = &e.hint {
                eprintln!("hint: {}", clean_line(hint));
            }
            ExitCode::from(e.code)
        }
    }
}
