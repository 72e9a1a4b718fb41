//! Questions to a person at the keyboard. Commands ask only when
//! `Ctx::can_prompt` says a person is there, and every question has a flag that
//! answers it instead, so scripts and tests never see a prompt.

use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
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

/// Asks questions on stderr, coloured or plain as `--color` and `NO_COLOR` say.
pub struct Prompt {
    theme: Box<dyn Theme>,
}

impl Prompt {
    pub fn new(color: bool) -> Prompt {
        super::interrupt::restore_cursor_on_interrupt();
        let theme: Box<dyn Theme> = if color {
            Box::new(ColorfulTheme::default())
        } else {
            Box::new(SimpleTheme)
        };
        Prompt { theme }
    }

    /// Asks for a line of text that must not be empty.
    pub fn text(&self, question: &str) -> Result<String> {
        Input::<String>::with_theme(self.theme.as_ref())
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

    /// Asks for a line of text that may be left empty.
    pub fn optional_text(&self, question: &str) -> Result<String> {
        Input::<String>::with_theme(self.theme.as_ref())
            .with_prompt(question)
            .allow_empty(true)
            .interact_text()
            .map(|s| s.trim().to_string())
            .map_err(failed)
    }

    /// Asks to pick one of `items`, starting at `default`; returns its index.
    pub fn choose(&self, question: &str, items: &[String], default: usize) -> Result<usize> {
        Select::with_theme(self.theme.as_ref())
            .with_prompt(question)
            .items(items)
            .default(default)
            .interact()
            .map_err(failed)
    }

    /// Asks a yes-or-no question with the given default.
    pub fn confirm(&self, question: &str, default: bool) -> Result<bool> {
        Confirm::with_theme(self.theme.as_ref())
            .with_prompt(question)
            .default(default)
            .interact()
            .map_err(failed)
    }
}
