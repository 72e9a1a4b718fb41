//! All file IO on the store: finding it, reading the config and tickets,
//! atomic saves and the lock around read-modify-write.

mod atomic;
mod cache;
mod folder;
mod kept;
mod par;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use uuid::Uuid;

use crate::core::config::Config;
use crate::core::id;
use crate::core::summary::Summary;
use crate::core::ticket::{ParseError, Ticket, line_col};
use crate::error::{Error, Result};
use folder::{Folder, Name};

use atomic::write_atomic;

/// The team config's file name inside the store.
pub const CONFIG_FILE: &str = "baton.toml";
/// The untracked folder for caches, local settings and hooks.
pub const LOCAL_DIR: &str = ".local";
/// The store folder's conventional name.
pub const STORE_DIR: &str = "tickets";
/// How atomic writes name their temp files.
pub const TEMP_PREFIX: &str = ".baton-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// A ticket store: the `tickets/` folder.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    /// How paths are shown in messages: relative to where baton was started
    /// when the store lies below it.
    shown: PathBuf,
    /// Say on stderr what the cache saved (`BATON_TRACE`).
    trace: bool,
    /// The wall clock as the run began ([`Store::started`]).
    started: SystemTime,
}

/// A held store lock; released when dropped. Every write to the store
/// takes one as proof that it runs under the lock; only the write
/// transaction (`cmd::txn`) holds it.
pub struct Lock {
    _file: fs::File,
}

/// Writes a file that git owns, beside the store rather than in it (the
/// work tree's `.gitattributes`, the merge driver's result in git's temp
/// file): atomic like every write, but outside the store lock, which guards
/// the store's own files.
pub fn write_git_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic(path, bytes, true)
}

/// The ticket files of a store, by name, without reading them.
pub struct Listing {
    pub ids: Vec<Uuid>,
    /// `*.toml` files that are not named by a ticket id.
    pub strays: Vec<PathBuf>,
}

/// Every readable ticket's summary, and a clear error for each file that is not.
pub struct Summaries {
    pub tickets: Vec<Summary>,
    pub problems: Vec<Error>,
    /// Every ticket file's id, readable or not, sorted.
    pub ids: Vec<Uuid>,
}

impl Summaries {
    /// A ticket's shortest unique prefix, unique among all ticket files
    /// (unreadable ones too), so every prefix shown also resolves.
    pub fn short(&self, id: Uuid) -> String {
        id::short_in(&self.ids, id)
    }
}

/// Why a file's content cannot be used: what is wrong and where, and the
/// hint every command gives for it.
pub struct BadFile {
    pub problem: ParseError,
    pub hint: &'static str,
}

impl BadFile {
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
    let ticket = Ticket::parse(&text).map_err(BadFile::by_hand)?;
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

/// A prefix resolved to a ticket id, with the shortest prefix that names it.
pub struct Resolved {
    pub id: Uuid,
    pub short: String,
}

impl Store {
    /// Opens the store at `dir`, which must hold a `baton.toml`.
    pub fn open(dir: &Path, cwd: &Path) -> Result<Store> {
        let store = Store::at(dir, cwd);
        if !store.config_path().is_file() {
            return Err(Error::new(format!(
                "no baton store at {} (no {CONFIG_FILE} there)",
                store.shown.display()
            ))
            .hint("run 'baton init' to create one, or point --store at the tickets folder"));
        }
        Ok(store)
    }

    /// A store handle for `dir`, whether or not it exists yet.
    pub fn at(dir: &Path, cwd: &Path) -> Store {
        let dir = if dir.is_absolute() {
            dir.to_path_buf()
        } else {
            cwd.join(dir)
        };
        let shown = dir
            .strip_prefix(cwd)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| dir.clone());
        let shown = if shown.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            shown
        };
        Store {
            dir,
            shown,
            trace: false,
            started: SystemTime::UNIX_EPOCH,
        }
    }

    /// Finds the store by walking up from `cwd`: a `tickets/` folder with a
    /// config, or the current folder itself when it is such a `tickets/`.
    pub fn discover(cwd: &Path) -> Result<Store> {
        for folder in cwd.ancestors() {
            if folder.file_name().is_some_and(|n| n == STORE_DIR)
                && folder.join(CONFIG_FILE).is_file()
            {
                return Ok(Store::at(folder, cwd));
            }
            let candidate = folder.join(STORE_DIR);
            if candidate.join(CONFIG_FILE).is_file() {
                return Ok(Store::at(&candidate, cwd));
            }
        }
        Err(Error::new(format!(
            "no baton store in {} or any folder above it",
            cwd.display()
        ))
        .hint("run 'baton init' to create one here, or pass --store DIR"))
    }

    /// Reports on stderr what the cache saved and what was read.
    pub fn traced(mut self, on: bool) -> Store {
        self.trace = on;
        self
    }

    /// Sets the wall clock the run began at (`Ctx::wall_clock`). The cache
    /// keeps only what last changed well before it; until it is set nothing
    /// counts as settled, and the cache is read but never written.
    pub fn started(mut self, at: SystemTime) -> Store {
        self.started = at;
        self
    }

    fn trace(&self, what: std::fmt::Arguments) {
        if self.trace {
            eprintln!("trace: {what}");
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A path inside the store as messages show it.
    pub fn shown(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(&self.dir) {
            Ok(rel) if rel.as_os_str().is_empty() => self.shown.clone(),
            Ok(rel) => self.shown.join(rel),
            Err(_) => path.to_path_buf(),
        }
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.join(CONFIG_FILE)
    }

    pub fn local_dir(&self) -> PathBuf {
        self.dir.join(LOCAL_DIR)
    }

    /// Settings for this copy of the store only (never committed): who works here.
    pub fn local_config_path(&self) -> PathBuf {
        self.local_dir().join("config.toml")
    }

    pub fn path_of(&self, id: Uuid) -> PathBuf {
        self.dir.join(format!("{id}.toml"))
    }

    /// The error every command shows for a file it cannot use.
    fn bad_file(&self, path: &Path, bad: BadFile) -> Error {
        let err = bad.problem;
        let place = match (err.line, err.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.shown(path).display()),
            _ => self.shown(path).display().to_string(),
        };
        Error::new(format!("{place}: {}", err.message)).hint(bad.hint)
    }

    /// Reads a file as UTF-8 text, naming the line of the first invalid byte.
    /// The outer error is a failure to read at all.
    fn text_of(&self, path: &Path) -> Result<Result<String, BadFile>> {
        let bytes = fs::read(path).map_err(|e| Error::io(&self.shown(path), "read", e))?;
        Ok(utf8(bytes))
    }

    /// Reads and validates the team config.
    pub fn config(&self) -> Result<Config> {
        let path = self.config_path();
        self.examine_config()?
            .map_err(|bad| self.bad_file(&path, bad))
    }

    /// The team config, or what is wrong with its content and where (for
    /// `baton doctor`). The outer error is a failure to read the file.
    pub fn examine_config(&self) -> Result<Result<Config, BadFile>> {
        let text = self.text_of(&self.config_path())?;
        Ok(text.and_then(|text| Config::parse(&text).map_err(BadFile::by_hand)))
    }

    /// The raw text of the config, for edits that keep its comments.
    pub fn config_text(&self) -> Result<String> {
        let path = self.config_path();
        self.text_of(&path)?
            .map_err(|bad| self.bad_file(&path, bad))
    }

    /// Lists ticket files by name. Temp files and other files are ignored;
    /// `*.toml` files not named by an id are reported as strays. A folder
    /// unchanged since the listing was cached is not read again.
    pub fn list(&self) -> Result<Listing> {
        let start = self.started;
        // Making .local changes the folder's stamp, so the first cache write
        // would outdate its own listing: make it before taking the stamp.
        if !self.local_dir().is_dir() {
            let _ = self.ensure_local();
        }
        let folder = fs::metadata(&self.dir)
            .map(|m| cache::Stamp::of(&m))
            .map_err(|e| Error::io(&self.shown, "read the folder", e))?;
        let path = cache::dir(&self.local_dir()).join(cache::LISTING);
        if let Some(c) = cache::read::<cache::Listing>(&path).filter(|c| c.folder == folder) {
            self.trace(format_args!("listing: {} ids from the cache", c.ids.len()));
            return Ok(Listing {
                ids: c.ids,
                strays: c.strays.iter().map(|n| self.dir.join(n)).collect(),
            });
        }
        let listing = self.read_folder()?;
        self.trace(format_args!(
            "listing: read the folder, {} ids",
            listing.ids.len()
        ));
        if folder.settled(start) {
            let c = cache::Listing {
                folder,
                ids: listing.ids.clone(),
                strays: listing
                    .strays
                    .iter()
                    .filter_map(|p| p.file_name()?.to_str().map(String::from))
                    .collect(),
            };
            self.keep(&path, &c);
        }
        Ok(listing)
    }

    /// Saves a cache file if it can; a read-only store or a full disk only
    /// costs the next run some time.
    fn keep<T: serde::Serialize>(&self, path: &Path, body: &T) {
        if let Err(e) = self
            .ensure_local()
            .map_err(|e| e.message)
            .and_then(|_| cache::write(path, body).map_err(|e| e.to_string()))
        {
            self.trace(format_args!("cache not written: {e}"));
        }
    }

    fn read_folder(&self) -> Result<Listing> {
        let entries =
            fs::read_dir(&self.dir).map_err(|e| Error::io(&self.shown, "read the folder", e))?;
        let mut listing = Listing {
            ids: Vec::new(),
            strays: Vec::new(),
        };
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&self.shown, "read the folder", e))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let Some(stem) = name.strip_suffix(".toml") else {
                continue;
            };
            if name == CONFIG_FILE || name.starts_with('.') {
                continue;
            }
            match Uuid::try_parse(stem) {
                Ok(id) if id.hyphenated().to_string() == stem => listing.ids.push(id),
                _ => listing.strays.push(entry.path()),
            }
        }
        listing.ids.sort();
        listing.strays.sort();
        Ok(listing)
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
    /// (for `baton doctor`). The outer error is a failure to read the file.
    pub fn examine(&self, id: Uuid) -> Result<Result<(Ticket, String), BadFile>> {
        let text = self.text_of(&self.path_of(id))?;
        Ok(text.and_then(|text| decode(id, text)))
    }

    /// Every ticket's summary; unreadable files become problems, not
    /// failures. Summaries of files unchanged since they were cached are not
    /// read again; the rest are read and parsed on every core.
    pub fn summaries(&self) -> Result<Summaries> {
        let start = self.started;
        let listing = self.list()?;
        let path = cache::dir(&self.local_dir()).join(cache::SUMMARIES);
        let mut cached = cache::read::<Vec<cache::Entry>>(&path)
            .unwrap_or_default()
            .into_iter()
            .peekable();
        let cached_count = cached.len();
        // Stat before reading: a change after the stat then shows as a
        // different stamp next time, never as a stale summary.
        let folder = self.folder()?;
        let stamps = par::map(&listing.ids, |id| folder.stamp(Name::of(*id).as_str()));
        let mut slots: Vec<Option<Summary>> = Vec::with_capacity(listing.ids.len());
        let mut todo = Vec::new();
        for (i, (id, stamp)) in listing.ids.iter().zip(&stamps).enumerate() {
            while cached.next_if(|e| e.id < *id).is_some() {}
            match cached.next_if(|e| e.id == *id) {
                Some(e) if Some(e.stamp) == *stamp => slots.push(Some(e.summary)),
                _ => {
                    slots.push(None);
                    todo.push(i);
                }
            }
        }
        drop(cached);
        let hits = listing.ids.len() - todo.len();
        let read = par::map(&todo, |&i| {
            let id = listing.ids[i];
            self.raw_in(&folder, id)
                .and_then(Raw::ticket)
                .map(|t| Summary::of(&t))
        });
        let mut problems = Vec::new();
        let mut fresh = 0;
        for (&i, r) in todo.iter().zip(read) {
            match r {
                Ok(s) => {
                    fresh += usize::from(stamps[i].is_some_and(|s| s.settled(start)));
                    slots[i] = Some(s);
                }
                Err(e) => problems.push(e),
            }
        }
        self.trace(format_args!(
            "summaries: {hits} from the cache, {} read from files",
            todo.len()
        ));
        if fresh > 0 || hits != cached_count {
            let entries: Vec<cache::EntryRef> = listing
                .ids
                .iter()
                .zip(&stamps)
                .zip(&slots)
                .enumerate()
                .filter_map(|(i, ((id, stamp), slot))| {
                    let stamp = (*stamp)?;
                    let summary = slot.as_ref()?;
                    let keep = todo.binary_search(&i).is_err() || stamp.settled(start);
                    keep.then_some(cache::EntryRef {
                        id: *id,
                        stamp,
                        summary,
                    })
                })
                .collect();
            self.keep(&path, &entries);
        }
        for stray in &listing.strays {
            problems.push(self.stray(stray));
        }
        Ok(Summaries {
            tickets: slots.into_iter().flatten().collect(),
            problems,
            ids: listing.ids,
        })
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

    /// The tickets folder, held open for reading many files in it.
    fn folder(&self) -> Result<Folder> {
        Folder::open(&self.dir).map_err(|e| Error::io(&self.shown, "read the folder", e))
    }

    /// A ticket file's bytes, read through the open folder.
    fn raw_in(&self, folder: &Folder, id: Uuid) -> Result<Raw<'_>> {
        let bytes = folder
            .read(Name::of(id).as_str())
            .map_err(|e| Error::io(&self.shown(&self.path_of(id)), "read", e))?;
        Ok(Raw {
            store: self,
            id,
            bytes,
        })
    }

    /// The problem every listing reports for a stray file.
    pub fn stray(&self, path: &Path) -> Error {
        Error::new(format!(
            "{}: not named by a ticket id, so it was skipped",
            self.shown(path).display()
        ))
        .hint("ticket files are named <id>.toml; move other files out of the store")
    }

    /// Temp files that interrupted writes left behind (`.baton-*.tmp`).
    /// Readers never look at them; `baton doctor --fix` clears them away.
    pub fn temp_files(&self) -> Result<Vec<PathBuf>> {
        let entries =
            fs::read_dir(&self.dir).map_err(|e| Error::io(&self.shown, "read the folder", e))?;
        let mut out: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_str()
                    .is_some_and(|n| n.starts_with(TEMP_PREFIX) && n.ends_with(TEMP_SUFFIX))
            })
            .map(|e| e.path())
            .collect();
        out.sort();
        Ok(out)
    }

    /// A new, empty backup folder in `.local/backup/`, named by the time.
    pub fn backup_dir(&self, _lock: &Lock, stamp: &str) -> Result<PathBuf> {
        let root = self.ensure_local()?.join("backup");
        for n in 1.. {
            let dir = match n {
                1 => root.join(stamp),
                n => root.join(format!("{stamp}-{n}")),
            };
            match fs::create_dir_all(&root).and_then(|()| fs::create_dir(&dir)) {
                Ok(()) => return Ok(dir),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io(&self.shown(&dir), "create", e)),
            }
        }
        unreachable!("some numbered folder name is free")
    }

    /// Resolves what a person typed to one ticket, by file names alone.
    pub fn resolve(&self, input: &str) -> Result<Resolved> {
        let prefix = id::normalise(input)?;
        let listing = self.list()?;
        let id = id::resolve(&prefix, id::candidates(&prefix, &listing.ids))?;
        let short = id::short_in(&listing.ids, id);
        Ok(Resolved { id, short })
    }

    /// Copies a store file into a backup folder.
    pub fn back_up(&self, _lock: &Lock, path: &Path, backup: &Path) -> Result<()> {
        let keep = backup.join(path.file_name().unwrap_or_default());
        fs::copy(path, &keep)
            .map(|_| ())
            .map_err(|e| Error::io(&self.shown(path), "back up", e))
    }

    /// Moves a store file into a backup folder.
    pub fn move_to_backup(&self, _lock: &Lock, path: &Path, backup: &Path) -> Result<()> {
        let keep = backup.join(path.file_name().unwrap_or_default());
        fs::rename(path, &keep)
            .or_else(|_| fs::copy(path, &keep).and_then(|_| fs::remove_file(path)))
            .map_err(|e| Error::io(&self.shown(path), "move", e))
    }

    /// Replaces the team config (or creates it, with `replace` false).
    pub fn write_config(&self, _lock: &Lock, text: &str, replace: bool) -> Result<()> {
        let path = self.config_path();
        let verb = if replace { "write" } else { "create" };
        write_atomic(&path, text.as_bytes(), replace)
            .map_err(|e| Error::io(&self.shown(&path), verb, e))
    }

    /// Replaces the settings of this copy of the store.
    pub fn write_local_config(&self, _lock: &Lock, text: &str) -> Result<()> {
        let path = self.local_config_path();
        write_atomic(&path, text.as_bytes(), true)
            .map_err(|e| Error::io(&self.shown(&path), "write", e))
    }

    /// Saves a ticket atomically, replacing its file.
    pub fn save(&self, _lock: &Lock, ticket: &Ticket) -> Result<()> {
        let path = self.path_of(ticket.id);
        write_atomic(&path, ticket.to_toml().as_bytes(), true)
            .map_err(|e| Error::io(&self.shown(&path), "write", e))
    }

    /// Saves a new ticket atomically, refusing to replace an existing file.
    pub fn create(&self, _lock: &Lock, ticket: &Ticket) -> Result<()> {
        let path = self.path_of(ticket.id);
        write_atomic(&path, ticket.to_toml().as_bytes(), false)
            .map_err(|e| Error::io(&self.shown(&path), "create", e))
    }

    /// Makes sure the untracked `.local/` folder exists, ignored by git.
    pub fn ensure_local(&self) -> Result<PathBuf> {
        let local = self.local_dir();
        fs::create_dir_all(&local).map_err(|e| Error::io(&self.shown(&local), "create", e))?;
        let ignore = local.join(".gitignore");
        if !ignore.exists() {
            write_atomic(&ignore, b"*\n", true)
                .map_err(|e| Error::io(&self.shown(&ignore), "write", e))?;
        }
        Ok(local)
    }

    /// Takes the store's write lock, waiting for other baton processes. Every
    /// read-modify-write happens under it, so concurrent changes are never
    /// lost. Only the write transaction calls it.
    pub fn lock(&self) -> Result<Lock> {
        let path = self.ensure_local()?.join("lock");
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&self.shown(&path), "open the lock", e))?;
        file.lock()
            .map_err(|e| Error::io(&self.shown(&path), "lock", e))?;
        Ok(Lock { _file: file })
    }
}

/// Where mail intake keeps what it could not use, and where hooks live: both
/// inside the untracked `.local/`, so a clone never brings either in.
impl Store {
    /// The folder of mail that could not become a ticket or an event.
    pub fn rejected_dir(&self) -> PathBuf {
        self.local_dir().join("rejected")
    }

    /// The store's hook folder: one executable per event name.
    pub fn hooks_dir(&self) -> PathBuf {
        self.local_dir().join("hooks")
    }

    /// Keeps a message intake could not use in `.local/rejected/` (see
    /// `Store::keep_in`).
    pub fn reject(&self, lock: &Lock, name: &str, raw: &[u8], reason: &str) -> Result<PathBuf> {
        self.keep_in(lock, &self.rejected_dir(), name, raw, reason)
    }
}
