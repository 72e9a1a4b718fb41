//! Questions to a person at the keyboard. Commands ask only when
//! `Ctx::can_prompt` says a person is there, and every question has a flag that
//! answers it instead, so scripts and tests never see a prompt.
//!
//! Every question can be left: Esc (and `q` where a key, not a line, is the
//! answer) cancels with nothing written, as Ctrl-C does. Keys typed while a
//! question waited and not taken by it are thrown away when it closes, so
//! that they never become the answer to the next one.

use dialoguer::console::{Key, Term};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Select};

use crate::error::{Error, Result};

/// The person left the question: nothing was written.
fn cancelled() -> Error {
    Error::new("cancelled; nothing changed")
}

fn failed(err: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(io) = err;
    io_failed(io)
}

fn io_failed(io: std::io::Error) -> Error {
    if io.kind() == std::io::ErrorKind::Interrupted {
        cancelled()
    } else {
        Error::new(format!("cannot ask on this terminal: {io}"))
            .hint("pass the value as a flag instead")
    }
}

/// Throws away what was typed on the terminal and not yet read: keys
/// pressed while a menu was open must not fall through into the next
/// question (a stray line once became a permanent note).
fn discard_typeahead() {
    #[cfg(unix)]
    {
        let _ = rustix::termios::tcflush(std::io::stdin(), rustix::termios::QueueSelector::IFlush);
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
        loop {
            let answer = self.line(question)?;
            if !answer.trim().is_empty() {
                return Ok(answer);
            }
            self.say_error("it cannot be empty")?;
        }
    }

    /// Asks for a line of text that may be left empty.
    pub fn optional_text(&self, question: &str) -> Result<String> {
        self.line(question).map(|s| s.trim().to_string())
    }

    /// Reads one line at the terminal, shown as the theme shows input, with
    /// Backspace to correct it; Esc cancels. (dialoguer's own line input
    /// cannot be left with Esc.)
    fn line(&self, question: &str) -> Result<String> {
        let term = Term::stderr();
        let mut shown = String::new();
        let _ = self.theme.format_input_prompt(&mut shown, question, None);
        term.write_str(&shown).map_err(io_failed)?;
        term.flush().map_err(io_failed)?;
        let mut chars: Vec<char> = Vec::new();
        loop {
            match term.read_key().map_err(io_failed)? {
                Key::Enter => break,
                Key::Escape | Key::CtrlC => {
                    term.write_line("").map_err(io_failed)?;
                    return Err(cancelled());
                }
                Key::Backspace if !chars.is_empty() => {
                    chars.pop();
                    term.clear_chars(1).map_err(io_failed)?;
                }
                Key::Char(c) if !c.is_control() => {
                    chars.push(c);
                    term.write_str(c.encode_utf8(&mut [0; 4]))
                        .map_err(io_failed)?;
                }
                _ => {}
            }
        }
        let answer: String = chars.into_iter().collect();
        let mut done = String::new();
        let _ = self
            .theme
            .format_input_prompt_selection(&mut done, question, &answer);
        term.clear_line().map_err(io_failed)?;
        term.write_line(&done).map_err(io_failed)?;
        Ok(answer)
    }

    /// Says on the question's line what was wrong with the answer.
    fn say_error(&self, problem: &str) -> Result<()> {
        let mut shown = String::new();
        let _ = self.theme.format_error(&mut shown, problem);
        Term::stderr().write_line(&shown).map_err(io_failed)
    }

    /// Asks to pick one of `items`, starting at `default`; returns its
    /// index. Esc or `q` cancels.
    pub fn choose(&self, question: &str, items: &[String], default: usize) -> Result<usize> {
        let picked = Select::with_theme(self.theme.as_ref())
            .with_prompt(question)
            .items(items)
            .default(default)
            .interact_opt();
        discard_typeahead();
        picked.map_err(failed)?.ok_or_else(cancelled)
    }

    /// Asks a yes-or-no question with the given default. Esc or `q`
    /// cancels.
    pub fn confirm(&self, question: &str, default: bool) -> Result<bool> {
        let answer = Confirm::with_theme(self.theme.as_ref())
            .with_prompt(question)
            .default(default)
            .interact_opt();
        discard_typeahead();
        answer.map_err(failed)?.ok_or_else(cancelled)
    }
}
