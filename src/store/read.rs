//! Reading the store's files and decoding them: the team config and ticket
//! files, one at a time or many on every core. A file that cannot be used
//! becomes an error naming it, with the line and column where that is
//! known, and the hint every command gives for it.

use std::path::Path;

use uuid::Uuid;

use super::cache::Stamp;
use super::folder::{Folder, Name, Unreadable};
use super::{CONFIG_FILE, HOLIDAYS_FILE, MAX_FILE_SIZE, Store, par};
use crate::core::config::Config;
use crate::core::ticket::{ParseError, Ticket, line_col};
use crate::error::{Error, Kind, Result};

/// Why a file's content cannot be used: what is wrong and where, and the
/// hint every command gives for it.
pub struct BadFile {
    pub problem: ParseError,
    pub hint: &'static str,
}

impl BadFile {
    /// A file that does not parse; when git left conflict markers in it, says
    /// so and how to recover instead of only where the parser stopped.
    fn unparsed(text: &str, problem: ParseError) -> BadFile {
        match crate::core::merge_config::markers::first(text) {
            Some(line) => BadFile {
                problem: ParseError {
                    message: format!(
                        "git's conflict markers are in the file (line {line}): git merged it without baton's merge driver ({})",
                        problem.message
                    ),
                    line: Some(line),
                    column: Some(1),
                },
                hint: "keep the lines of both sides between the markers and delete the marker lines, then 'git add' the file; run 'baton init' in this clone so git merges with baton's driver next time",
            },
            None => BadFile::by_hand(problem),
        }
    }

    fn by_hand(problem: ParseError) -> BadFile {
        BadFile {
            problem,
            hint: "fix the file by hand (baton never rewrites a file it cannot read); 'baton doctor' checks the store",
        }
    }
}

/// A ticket file's bytes, read but not yet parsed.
pub struct Raw<'a> {
    store: &'a Store,
    pub id: Uuid,
    pub bytes: Vec<u8>,
}

impl Raw<'_> {
    /// Parses the bytes, with the error [`Store::read`] would give.
    pub fn ticket(self) -> Result<Ticket> {
        utf8(self.bytes)
            .and_then(|text| decode(self.id, text))
            .map(|(ticket, _)| ticket)
            .map_err(|bad| self.store.bad_file(&self.store.path_of(self.id), bad))
    }
}

/// A file's bytes as text, or the line and column of the first byte that
/// is not UTF-8.
fn utf8(bytes: Vec<u8>) -> Result<String, BadFile> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..valid]);
        let (line, column) = line_col(&text, valid);
        BadFile::by_hand(ParseError {
            message: "the file is not valid UTF-8".into(),
            line: Some(line),
            column: Some(column),
        })
    })
}

/// Parses the text of the file named after `id`.
fn decode(id: Uuid, text: String) -> Result<(Ticket, String), BadFile> {
    let ticket = Ticket::parse(&text).map_err(|e| BadFile::unparsed(&text, e))?;
    if ticket.id != id {
        return Err(BadFile {
            problem: ParseError {
                message: format!("the id inside ({}) does not match the file name", ticket.id),
                line: None,
                column: None,
            },
            hint: "rename the file after its id, or correct the id; 'baton doctor' checks the store",
        });
    }
    Ok((ticket, text))
}

impl Store {
    /// The error every command shows for a file it cannot use.
    pub(super) fn bad_file(&self, path: &Path, bad: BadFile) -> Error {
        let err = bad.problem;
        let place = match (err.line, err.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.shown(path).display()),
            _ => self.shown(path).display().to_string(),
        };
        Error::new(format!("{place}: {}", err.message))
            .hint(bad.hint)
            .kind(Kind::BadFile)
            .at(&self.shown(path), err.line)
    }

    /// Why a file in the store was not read: a failure to read it at all,
    /// or a file the store does not read (not a plain file, a link out of
    /// the store, too large), which is reported like a file it cannot parse.
    fn not_read(&self, path: &Path, why: Unreadable) -> Result<BadFile> {
        let (message, hint) = match why {
            Unreadable::Io(e) => return Err(Error::io(&self.shown(path), "read", e)),
            Unreadable::NotAFile(kind) => (
                format!("it is {kind}, not a plain file"),
                "the store reads plain files only: move this one out of the store, or put the file it stands for in its place",
            ),
            Unreadable::Outside(target) => (
                format!("it is a link to {}, outside the store", target.display()),
                "the store follows links only to files inside it: put the file itself in place of the link, or move it into the store and link to it there",
            ),
            Unreadable::TooLarge(size) => (
                format!(
                    "it is larger than the {} MiB a file in the store may hold ({size} bytes)",
                    MAX_FILE_SIZE >> 20
                ),
                "no file baton writes is this large: look at it by hand, then trim it or move it out of the store",
            ),
        };
        Ok(BadFile {
            problem: ParseError {
                message,
                line: None,
                column: None,
            },
            hint,
        })
    }

    /// The tickets folder, held open for reading many files in it.
    pub(super) fn folder(&self) -> Result<Folder> {
        Folder::open(&self.dir).map_err(|e| Error::io(&self.shown, "read the folder", e))
    }

    /// Reads the file `name` in the store as UTF-8 text, naming the line of
    /// the first invalid byte. The outer error is a failure to read at all.
    fn text_of(&self, name: &str) -> Result<Result<String, BadFile>> {
        match self.folder()?.read(name) {
            Ok(bytes) => Ok(utf8(bytes)),
            Err(why) => self.not_read(&self.dir.join(name), why).map(Err),
        }
    }

    /// Reads and validates the team config, with the holidays of
    /// `holidays.toml` when the store has one.
    pub fn config(&self) -> Result<Config> {
        let path = self.config_path();
        let config = self
            .examine_config()?
            .map_err(|bad| self.bad_file(&path, bad))?;
        let holidays = self.dir.join(HOLIDAYS_FILE);
        if !holidays.is_file() {
            return Ok(config);
        }
        self.text_of(HOLIDAYS_FILE)?
            .and_then(|text| config.with_holidays(&text).map_err(BadFile::by_hand))
            .map_err(|bad| self.bad_file(&holidays, bad))
    }

    /// The team config, or what is wrong with its content and where (for
    /// `baton doctor`). The outer error is a failure to read the file.
    pub fn examine_config(&self) -> Result<Result<Config, BadFile>> {
        let text = self.text_of(CONFIG_FILE)?;
        Ok(text.and_then(|text| Config::parse(&text).map_err(|e| BadFile::unparsed(&text, e))))
    }

    /// The raw text of the config, for edits that keep its comments.
    pub fn config_text(&self) -> Result<String> {
        self.text_of(CONFIG_FILE)?
            .map_err(|bad| self.bad_file(&self.config_path(), bad))
    }

    /// Reads one ticket; the error names the file, line and column.
    pub fn read(&self, id: Uuid) -> Result<Ticket> {
        self.read_with_text(id).map(|(ticket, _)| ticket)
    }

    /// Reads one ticket and keeps the text it was read from (for line numbers).
    pub fn read_with_text(&self, id: Uuid) -> Result<(Ticket, String)> {
        self.examine(id)?
            .map_err(|bad| self.bad_file(&self.path_of(id), bad))
    }

    /// One ticket and its text, or what is wrong with its content and where
    /// (for `baton doctor`): a file the store does not read (not a plain
    /// file, a link out of the store, too large) counts as unusable content.
    /// The outer error is a failure to read the file.
    pub fn examine(&self, id: Uuid) -> Result<Result<(Ticket, String), BadFile>> {
        let text = self.text_of(Name::of(id).as_str())?;
        Ok(text.and_then(|text| decode(id, text)))
    }

    /// Examines the named tickets on every core ([`Store::examine`]), handing
    /// each outcome to `f`; the results keep the order of `ids`.
    pub fn examine_many<R: Send>(
        &self,
        ids: &[Uuid],
        f: impl Fn(Uuid, Result<Result<(Ticket, String), BadFile>>) -> R + Sync,
    ) -> Vec<R> {
        par::map(ids, |id| f(*id, self.examine(*id)))
    }

    /// Reads the named tickets on every core, in the order given.
    pub fn read_many(&self, ids: &[Uuid]) -> Vec<Result<Ticket>> {
        match self.folder() {
            Ok(folder) => par::map(ids, |id| self.raw_in(&folder, *id)?.ticket()),
            Err(e) => ids.iter().map(|_| Err(e.clone())).collect(),
        }
    }

    /// Reads the named ticket files on every core and keeps what `f` makes
    /// of each: `f` sees the raw bytes first and may skip the file, or parse
    /// it with the [`Raw::ticket`] it is given. Files that cannot be read or
    /// parsed become errors.
    pub fn scan<R: Send>(
        &self,
        ids: &[Uuid],
        f: impl Fn(Raw) -> Result<Option<R>> + Sync,
    ) -> Vec<Result<R>> {
        let folder = match self.folder() {
            Ok(f) => f,
            Err(e) => return vec![Err(e)],
        };
        par::map(ids, |id| f(self.raw_in(&folder, *id)?))
            .into_iter()
            .filter_map(Result::transpose)
            .collect()
    }

    /// A ticket file's bytes, read through the open folder.
    pub(super) fn raw_in(&self, folder: &Folder, id: Uuid) -> Result<Raw<'_>> {
        self.raw_stamped_in(folder, id).map(|(raw, _)| raw)
    }

    /// [`Store::raw_in`], with the file's stamp as it was read
    /// ([`Folder::read_stamped`]).
    pub(super) fn raw_stamped_in(&self, folder: &Folder, id: Uuid) -> Result<(Raw<'_>, Stamp)> {
        let (bytes, stamp) = folder.read_stamped(Name::of(id).as_str()).map_err(|why| {
            let path = self.path_of(id);
            self.not_read(&path, why)
                .map_or_else(|e| e, |bad| self.bad_file(&path, bad))
        })?;
        Ok((
            Raw {
                store: self,
                id,
                bytes,
            },
            stamp,
        ))
    }
}
