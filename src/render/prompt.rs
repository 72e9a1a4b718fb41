//! Questions to a person at the keyboard. Commands ask only when
//! `Ctx::can_prompt` says a person is there, and every question has a flag that
//! answers it instead, so scripts and tests never see a prompt.

use dialoguer::{Confirm, Input, Select};

use crate::error::{Error, Result};

fn failed(err: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(io) = err;
    if io.kind() == std::io::ErrorKind::Interrupted {
        Error::new("cancelled; nothing changed")
    } else {
        Error::new(format!("cannot ask on this terminal: {io}"))
            .hint("pass the value as a flag instead")
    }
}

/// Asks for a line of text that must not be empty.
pub fn text(question: &str) -> Result<String> {
    Input::<String>::new()
        .with_prompt(question)
        .validate_with(|s: &String| {
            if s.trim().is_empty() {
                Err("it cannot be empty")
            } else {
                Ok(())
            }
        })
        .interact_text()
        .map_err(failed)
}

/// Asks to pick one of `items`; returns its index.
pub fn choose(question: &str, items: &[String]) -> Result<usize> {
    Select::new()
        .with_prompt(question)
        .items(items)
        .default(0)
        .interact()
        .map_err(failed)
}

/// Asks a yes-or-no question; no is the default.
pub fn confirm(question: &str) -> Result<bool> {
    Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()
        .map_err(failed)
}
