//! All file IO on the store, one concern a file: finding and opening it
//! (`discover`), reading and decoding its files (`read`), listing tickets
//! and their summaries with the cache's help (`listing`), the writes made
//! under the lock (`write`), and what the store will not cross: links out of
//! it, files that are not plain files, a `.local` that is not its own folder
//! (`boundary`, `folder`), kept attachments (`files`). This file holds the [`Store`] handle and the
//! names of the store's files.

mod atomic;
mod boundary;
mod cache;
#[cfg(test)]
mod conformance;
mod discover;
mod files;
mod folder;
mod kept;
mod listing;
mod mailindex;
mod mapped;
pub mod outbox;
mod par;
mod read;
mod replies;
mod summary_file;
pub mod watch;
mod words;
mod write;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use uuid::Uuid;

pub use files::{restore_hint, write_out};
pub use listing::{Listing, Resolved, Summaries};
pub use read::{BadFile, Raw};
pub use words::Words;
pub use write::{Lock, write_git_file};

/// The team config's file name inside the store.
pub const CONFIG_FILE: &str = "baton.toml";
/// The optional list of holidays beside the team config.
pub const HOLIDAYS_FILE: &str = "holidays.toml";
/// The untracked folder for caches, local settings and hooks.
pub const LOCAL_DIR: &str = ".local";
/// The store folder's conventional name.
pub const STORE_DIR: &str = "tickets";
/// How atomic writes name their temp files.
pub const TEMP_PREFIX: &str = ".baton-";
pub const TEMP_SUFFIX: &str = ".tmp";
/// The largest file the store reads (a ticket or the config). No file baton
/// writes comes near it; the cap keeps a hostile one from eating memory.
pub const MAX_FILE_SIZE: u64 = 64 << 20;

/// A ticket store: the `tickets/` folder.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    /// How paths are shown in messages: relative to where baton was started
    /// when the store lies below it.
    shown: PathBuf,
    /// Say on stderr what the cache saved (`BATON_TRACE`).
    trace: bool,
    /// Read and write the cache in `.local/cache/` (on unless turned off).
    cache: bool,
    /// The wall clock as the run began ([`Store::started`]).
    started: SystemTime,
    /// The stamps this command took, when it asked to keep them
    /// ([`Store::remembering_stamps`]).
    memo: Memo,
    /// How to reach watchman ([`Store::watched`]).
    finder: watch::Finder,
    /// What watchman said this command, asked once on the first stamp pass.
    watch: std::sync::Arc<std::sync::OnceLock<Option<std::sync::Mutex<Watching>>>>,
}

/// Watchman's answer and the stamps this command took besides.
#[derive(Debug)]
struct Watching {
    watch: watch::Watch,
    taken: Vec<(Uuid, Option<cache::Stamp>)>,
    kept: bool,
}

/// The stamps a command took, by ticket id, sorted; `None` when it keeps none.
type Memo = std::sync::Arc<std::sync::Mutex<Option<Vec<(Uuid, Option<cache::Stamp>)>>>>;

impl Store {
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
            cache: true,
            started: SystemTime::UNIX_EPOCH,
            memo: Default::default(),
            finder: watch::Finder::Off,
            watch: Default::default(),
        }
    }

    /// Asks watchman, reached as `finder` says, which files changed instead
    /// of stamping every one (see `watch.rs`); without it every file is
    /// stamped, with the same answers.
    pub fn watched(mut self, finder: watch::Finder) -> Store {
        self.finder = finder;
        self
    }

    /// Keeps the stamp of each ticket file the first time this command
    /// takes it, and answers later passes over the store in the same
    /// command from it (its own writes update it): a command that looks at
    /// every file's stamp several times, as mail intake does (the mail
    /// index, the owners' loads, the open problems), then pays for one
    /// pass. Each later pass sees the store as the first did, as if the
    /// command had run a moment earlier; without this, each pass stats
    /// every file again.
    pub fn remembering_stamps(mut self) -> Store {
        // Its own memory, not one shared with the handle it was cloned from.
        self.memo = std::sync::Arc::new(std::sync::Mutex::new(Some(Vec::new())));
        self
    }

    /// Sets the wall clock the run began at (`Ctx::wall_clock`). The cache
    /// keeps only what last changed well before it; until it is set nothing
    /// counts as settled, and the cache is read but never written.
    pub fn started(mut self, at: SystemTime) -> Store {
        self.started = at;
        self
    }

    /// Reports on stderr what the cache saved and what was read.
    pub fn traced(mut self, on: bool) -> Store {
        self.trace = on;
        self
    }

    /// The same store, read without the cache: nothing is taken from
    /// `.local/cache/` or written there. Every answer stays the same, only
    /// slower; the conformance suite holds it to that.
    pub fn without_cache(mut self) -> Store {
        self.cache = false;
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

    /// Where `baton doctor --fix` keeps the files it repairs, a folder a run.
    fn backups_dir(&self) -> PathBuf {
        self.local_dir().join("backup")
    }

    /// The file the store lock is taken on.
    fn lock_path(&self) -> PathBuf {
        self.local_dir().join("lock")
    }
}
