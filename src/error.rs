//! The one error type: a message for the person, an optional hint saying what to
//! do next, and the exit code it maps to.

use std::fmt;
use std::path::Path;

/// Exit code for errors: not found, refused, bad file.
pub const EXIT_ERROR: u8 = 1;
/// Exit code for usage errors: a flag or argument is missing or malformed.
pub const EXIT_USAGE: u8 = 2;

/// An error that reaches the user as `error: <message>` and `hint: <hint>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    pub hint: Option<String>,
    pub code: u8,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A refusal or failure (exit code 1).
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            hint: None,
            code: EXIT_ERROR,
        }
    }

    /// A usage error (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Error {
            code: EXIT_USAGE,
            ..Error::new(message)
        }
    }

    /// Adds the line that says what to do next.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// An IO failure on a named file.
    pub fn io(path: &Path, action: &str, err: std::io::Error) -> Self {
        Error::new(format!("cannot {action} {}: {err}", path.display()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
