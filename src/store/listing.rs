//! Listing the store: ticket files by name, prefixes resolved against them,
//! and every ticket's summary. Both the listing and the summaries are kept
//! in the cache (`cache.rs`) and taken from it while the files they were
//! read from are unchanged; with the cache off, damaged or stale, every
//! answer is the same.

use std::fs;
use std::path::{Path, PathBuf};

use uuid::Uuid;

use super::boundary::Want;
use super::folder::Name;
use super::read::Raw;
use super::{CONFIG_FILE, HOLIDAYS_FILE, Store, TEMP_PREFIX, TEMP_SUFFIX, cache, par};
use crate::core::id;
use crate::core::summary::Summary;
use crate::error::{Error, Kind, Result};

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

/// A prefix resolved to a ticket id, with the shortest prefix that names it.
pub struct Resolved {
    pub id: Uuid,
    pub short: String,
}

impl Store {
    /// Lists ticket files by name. Temp files and other files are ignored;
    /// `*.toml` files not named by an id are reported as strays. A folder
    /// unchanged since the listing was cached is not read again.
    pub fn list(&self) -> Result<Listing> {
        let start = self.started;
        // Making .local changes the folder's stamp, so the first cache write
        // would outdate its own listing: make it before taking the stamp.
        if self.cache && !self.local_dir().is_dir() {
            let _ = self.ensure_local();
        }
        let folder = fs::metadata(&self.dir)
            .map(|m| cache::Stamp::of(&m))
            .map_err(|e| Error::io(&self.shown, "read the folder", e))?;
        let path = self.cache_dir().map(|d| d.join(cache::LISTING));
        if let Some(c) = path
            .as_deref()
            .and_then(cache::read::<cache::Listing>)
            .filter(|c| c.folder == folder)
        {
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
        if let Some(path) = path
            && folder.settled(start)
        {
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

    /// The cached listing, when it holds exactly what the folder holds now;
    /// taken by a write just before it changes the folder
    /// ([`Store::relist`]).
    pub(super) fn current_listing(&self) -> Option<(PathBuf, cache::Listing)> {
        let path = self.cache_dir()?.join(cache::LISTING);
        let folder = fs::metadata(&self.dir).ok().map(|m| cache::Stamp::of(&m))?;
        let c = cache::read::<cache::Listing>(&path).filter(|c| c.folder == folder)?;
        Some((path, c))
    }

    /// Keeps the cached listing current across a write under the lock:
    /// `before` was the whole folder just before the write, the write added
    /// `id` (or replaced its file), and no other baton can have changed the
    /// folder meanwhile, so the listing plus `id` is the folder now, stamped
    /// with the folder's new stamp. Without this, every write's rename would
    /// outdate the listing and the next command would read the whole
    /// folder again.
    pub(super) fn relist(&self, before: Option<(PathBuf, cache::Listing)>, id: Uuid) {
        let Some((path, mut c)) = before else { return };
        let Ok(meta) = fs::metadata(&self.dir) else {
            return;
        };
        if let Err(at) = c.ids.binary_search(&id) {
            c.ids.insert(at, id);
        }
        c.folder = cache::Stamp::of(&meta);
        self.trace(format_args!(
            "listing: kept current across the write, {} ids",
            c.ids.len()
        ));
        self.keep(&path, &c);
    }

    /// The cache's folder, or `None` when the cache is off, or when `.local`
    /// or the cache folder in it is anything but a real folder of the store:
    /// a link there could lead anywhere, so such a cache is neither read nor
    /// written.
    pub(super) fn cache_dir(&self) -> Option<PathBuf> {
        if !self.cache {
            return None;
        }
        let local = self.local_dir();
        let dir = cache::dir(&local);
        for path in [&local, &dir] {
            if let Some(what) = Want::Folder.misplaced(path) {
                self.trace(format_args!(
                    "cache not used: {} is {what}",
                    self.shown(path).display()
                ));
                return None;
            }
        }
        Some(dir)
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
            if name == CONFIG_FILE || name == HOLIDAYS_FILE || name.starts_with('.') {
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

    /// Every ticket's summary; unreadable files become problems, not
    /// failures. Summaries of files unchanged since they were cached are not
    /// read again; the rest are read and parsed on every core.
    pub fn summaries(&self) -> Result<Summaries> {
        let start = self.started;
        let listing = self.list()?;
        let path = self.cache_dir().map(|d| d.join(cache::SUMMARIES));
        let mut cached = path
            .as_deref()
            .and_then(cache::read::<Vec<cache::Entry>>)
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
        if let Some(path) = path
            && (fresh > 0 || hits != cached_count)
        {
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

    /// Resolves what a person typed to one ticket, by file names alone.
    pub fn resolve(&self, input: &str) -> Result<Resolved> {
        let prefix = id::normalise(input)?;
        let listing = self.list()?;
        let candidates = id::candidates(&prefix, &listing.ids);
        let id = id::resolve(&prefix, candidates).map_err(|e| match e.kind {
            // Titles tell the candidates apart; the few files are read for them.
            Kind::Ambiguous => {
                let matches: Vec<Uuid> = candidates
                    .iter()
                    .filter(|c| c.hyphenated().to_string().starts_with(&prefix))
                    .copied()
                    .collect();
                id::ambiguous(&prefix, &matches, |id| {
                    // A title is one line of the message, whatever it holds.
                    let title = self.read(id).ok()?.title;
                    Some(title.replace(char::is_control, " "))
                })
            }
            _ => e,
        })?;
        let short = id::short_in(&listing.ids, id);
        Ok(Resolved { id, short })
    }

    /// The problem every listing reports for a stray file.
    pub fn stray(&self, path: &Path) -> Error {
        Error::new(format!(
            "{}: not named by a ticket id, so it was skipped",
            self.shown(path).display()
        ))
        .hint("ticket files are named <id>.toml; move other files out of the store")
        .kind(Kind::BadFile)
        .at(&self.shown(path), None)
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
}
