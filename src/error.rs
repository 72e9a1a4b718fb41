//! The one error type: a message for the person, an optional hint saying what to
//! do next, the kind a script can tell it by, and the exit code it maps to.

use std::fmt;
use std::path::{Path, PathBuf};

/// Exit code for errors: not found, refused, bad file.
pub const EXIT_ERROR: u8 = 1;
/// Exit code for usage errors: a flag or argument is missing or malformed.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for "try again later" (sysexits' `EX_TEMPFAIL`): the store was
/// locked too long. Mail systems retry on it, and so can a script.
pub const EXIT_TEMPFAIL: u8 = 75;

/// What kind of failure an error is: stable names a script can match in
/// `--json` errors (docs/json.md lists them), independent of the wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Any failure without a more precise kind.
    Error,
    /// A flag or argument is missing or malformed (exit 2).
    Usage,
    /// No ticket (or person, or file) by that name.
    NotFound,
    /// A prefix names more than one ticket.
    Ambiguous,
    /// Only the ticket's owner may do that.
    NotOwner,
    /// The ticket's status does not allow it (reopen it first, say).
    WrongStatus,
    /// The name is not on the team.
    UnknownPerson,
    /// What was typed cannot be a ticket id.
    BadId,
    /// A file (a ticket or the config) cannot be read or used.
    BadFile,
    /// There is no store here.
    NoStore,
    /// The store's lock was held too long by someone else (exit 75).
    Locked,
    /// The system refused a read or a write.
    Io,
    /// The git remote could not be reached, or kept moving (exit 75).
    Remote,
    /// A git merge conflicted and needs a person.
    Conflict,
    /// The result is partial: some files could not be read or written; the
    /// error lists them (`unreadable`), and the output holds the rest.
    Partial,
}

impl Kind {
    /// The name in `--json` errors.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Error => "error",
            Kind::Usage => "usage",
            Kind::NotFound => "not_found",
            Kind::Ambiguous => "ambiguous",
            Kind::NotOwner => "not_owner",
            Kind::WrongStatus => "wrong_status",
            Kind::UnknownPerson => "unknown_person",
            Kind::BadId => "bad_id",
            Kind::BadFile => "bad_file",
            Kind::NoStore => "no_store",
            Kind::Locked => "locked",
            Kind::Io => "io",
            Kind::Remote => "remote",
            Kind::Conflict => "conflict",
            Kind::Partial => "partial",
        }
    }

    /// Every kind, for the docs' test.
    pub const ALL: [Kind; 15] = [
        Kind::Error,
        Kind::Usage,
        Kind::NotFound,
        Kind::Ambiguous,
        Kind::NotOwner,
        Kind::WrongStatus,
        Kind::UnknownPerson,
        Kind::BadId,
        Kind::BadFile,
        Kind::NoStore,
        Kind::Locked,
        Kind::Io,
        Kind::Remote,
        Kind::Conflict,
        Kind::Partial,
    ];
}

/// An error that reaches the user as `error: <message>` and `hint: <hint>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    pub hint: Option<String>,
    pub code: u8,
    pub kind: Kind,
    /// The file the error is about, as messages show it.
    pub path: Option<PathBuf>,
    /// Its line, when known (1-based).
    pub line: Option<usize>,
    /// With [`Kind::Partial`]: each file left out of the result, and why.
    pub left_out: Vec<Error>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A refusal or failure (exit code 1).
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            hint: None,
            code: EXIT_ERROR,
            kind: Kind::Error,
            path: None,
            line: None,
            left_out: Vec::new(),
        }
    }

    /// A usage error (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Error {
            code: EXIT_USAGE,
            kind: Kind::Usage,
            ..Error::new(message)
        }
    }

    /// A failure that may pass by itself: try again later (exit 75).
    pub fn tempfail(message: impl Into<String>, kind: Kind) -> Self {
        Error {
            code: EXIT_TEMPFAIL,
            kind,
            ..Error::new(message)
        }
    }

    /// Sets the kind a script tells this error by.
    pub fn kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    /// Names the file (and line) the error is about.
    pub fn at(mut self, path: &Path, line: Option<usize>) -> Self {
        self.path = Some(path.to_path_buf());
        self.line = line;
        self
    }

    /// Adds the line that says what to do next.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// An IO failure on a named file.
    pub fn io(path: &Path, action: &str, err: std::io::Error) -> Self {
        Error::new(format!("cannot {action} {}: {err}", path.display()))
            .kind(Kind::Io)
            .at(path, None)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
