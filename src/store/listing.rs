//! Listing the store: ticket files by name, prefixes resolved against them,
//! and every ticket's summary. Both the listing and the summaries are kept
//! in the cache (`cache.rs`) and taken from it while the files they were
//! read from are unchanged; with the cache off, damaged or stale, every
//! answer is the same.

use std::fs;
use std::path::{Path, PathBuf};

use uuid::Uuid;

use super::boundary::Want;
use super::folder::{Folder, Name};
use super::summary_file;
use super::{CONFIG_FILE, HOLIDAYS_FILE, Store, TEMP_PREFIX, TEMP_SUFFIX, cache, par};
use crate::core::id;
use crate::core::summary::{Scope, Summary};
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

/// How many ticket files are stamped, read or written at a time, so that
/// what a run holds stays bounded however large the store is.
pub(super) const CHUNK: usize = 1 << 14;

/// Where a ticket file's summary comes from, as its stamp decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// The cache file's row for it, whose stamp matches.
    Row,
    /// The journal's newest record of it, whose stamp matches.
    Journal,
    /// The file itself: no cached summary matches it.
    Miss,
}

/// What stamping one file found.
enum Probe {
    Journal,
    Row,
    Miss(Option<cache::Stamp>),
}

/// The stamps of `ids`: each one `known` (`Some`, which may itself be no
/// stamp: a file that was not there), the rest taken by `take` in one call;
/// with the ids and stamps it took.
#[allow(clippy::type_complexity)]
fn fill_in(
    ids: &[Uuid],
    known: Vec<Option<Option<cache::Stamp>>>,
    take: impl FnOnce(&[Uuid]) -> Vec<Option<cache::Stamp>>,
) -> (Vec<Option<cache::Stamp>>, Vec<(Uuid, Option<cache::Stamp>)>) {
    let unknown: Vec<Uuid> = ids
        .iter()
        .zip(&known)
        .filter(|(_, k)| k.is_none())
        .map(|(id, _)| *id)
        .collect();
    let taken: Vec<(Uuid, Option<cache::Stamp>)> =
        unknown.iter().copied().zip(take(&unknown)).collect();
    let mut new = taken.iter();
    let out = known
        .into_iter()
        .map(|k| k.unwrap_or_else(|| new.next().and_then(|(_, s)| *s)))
        .collect();
    (out, taken)
}

/// A summaries file being rewritten from the old one, the journal and the
/// files read now.
struct NewFile {
    writer: summary_file::Writer,
    /// The old file, opened again to stream its rows from the start.
    rows_again: Option<summary_file::Reader>,
    start: std::time::SystemTime,
}

impl NewFile {
    /// Writes every entry in listing order, a slice of the listing at a
    /// time: the old file's current summaries copied as bytes (never
    /// decoded), the journal's, and the missed files', read by `read`, each
    /// result handed to `each` (only a settled file's summary is written).
    /// Every missed file is read and handed on even when writing fails.
    #[allow(clippy::too_many_arguments)]
    fn fill(
        mut self,
        old: Option<&summary_file::Reader>,
        ids: &[Uuid],
        slots: &[Slot],
        from_journal: &[(usize, cache::Entry)],
        misses: &[(usize, Option<cache::Stamp>)],
        read: impl Fn(&[(usize, Option<cache::Stamp>)]) -> Vec<(Result<Summary>, Option<cache::Stamp>)>,
        mut each: impl FnMut(usize, Result<Summary>),
    ) -> std::io::Result<summary_file::Writer> {
        let mut failed: Option<std::io::Error> = None;
        let mut again = self.rows_again.take();
        let mut old_rows = again.as_mut().map(|r| r.rows().peekable());
        let mut journal = from_journal.iter().peekable();
        let mut m = 0;
        let w = &mut self.writer;
        for first in (0..ids.len()).step_by(CHUNK) {
            let last = (first + CHUNK).min(ids.len());
            let mut out: Vec<(usize, summary_file::Row)> = Vec::new();
            if let (Some(rows), Some(old), None) = (old_rows.as_mut(), old, &failed) {
                let mut current = Vec::new();
                for (i, id) in ids.iter().enumerate().take(last).skip(first) {
                    while rows.next_if(|r| r.id < *id).is_some() {}
                    if let Some(r) = rows.next_if(|r| r.id == *id)
                        && slots[i] == Slot::Row
                    {
                        current.push((i, r));
                    }
                }
                let rows: Vec<summary_file::Row> = current.iter().map(|(_, r)| *r).collect();
                match w.copy(old, &rows) {
                    Ok(copied) => out.extend(
                        current
                            .iter()
                            .zip(copied)
                            .filter_map(|((i, _), r)| Some((*i, r?))),
                    ),
                    Err(e) => failed = Some(e),
                }
            }
            while let Some((i, e)) = journal.next_if(|(i, _)| *i < last) {
                if failed.is_none() {
                    match w.summary(&e.summary) {
                        Ok(body) => {
                            out.push((*i, summary_file::Row::of(&e.summary, e.stamp, body)))
                        }
                        Err(e) => failed = Some(e),
                    }
                }
            }
            let end = m + misses[m..].partition_point(|(i, _)| *i < last);
            let part = &misses[m..end];
            m = end;
            for (&(i, _), (r, stamp)) in part.iter().zip(read(part)) {
                if let (Ok(s), Some(stamp), None) =
                    (&r, stamp.filter(|s| s.settled(self.start)), &failed)
                {
                    match w.summary(s) {
                        Ok(body) => out.push((i, summary_file::Row::of(s, stamp, body))),
                        Err(e) => failed = Some(e),
                    }
                }
                each(i, r);
            }
            out.sort_by_key(|(i, _)| *i);
            for (_, row) in &out {
                if failed.is_none()
                    && let Err(e) = w.row(row)
                {
                    failed = Some(e);
                }
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(self.writer),
        }
    }
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
        if let Some(c) = path.as_deref().and_then(|p| self.cached_listing(p, folder)) {
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
            self.keep_listing(&path, &c);
        }
        Ok(listing)
    }

    /// The cached listing brought up to the folder's stamp `folder` by the
    /// changes in its journal, when their chain reaches it: each change
    /// starts at the stamp the one before ended at, so a change to the
    /// folder that baton did not record breaks the chain, and the folder is
    /// read. A journal grown past its bound is folded into the listing.
    fn cached_listing(&self, path: &Path, folder: cache::Stamp) -> Option<cache::Listing> {
        let mut c = cache::read_listing(path)?;
        if c.folder == folder {
            return Some(c);
        }
        let (records, size) = cache::read_journal::<cache::Relisted>(&cache::journal(path));
        let mut added = Vec::new();
        for r in records {
            if r.before == c.folder {
                c.folder = r.after;
                added.extend(r.added);
            }
        }
        if c.folder != folder {
            return None;
        }
        added.sort_unstable();
        added.dedup();
        added.retain(|id| c.ids.binary_search(id).is_err());
        if !added.is_empty() {
            let mut ids = Vec::with_capacity(c.ids.len() + added.len());
            let mut new = added.into_iter().peekable();
            for id in c.ids {
                while let Some(n) = new.next_if(|n| *n < id) {
                    ids.push(n);
                }
                ids.push(id);
            }
            ids.extend(new);
            c.ids = ids;
        }
        let base = fs::metadata(path).map_or(0, |m| m.len());
        if cache::outgrown(size, base) {
            self.trace(format_args!("listing: the journal folded in"));
            self.keep_listing(path, &c);
        }
        Some(c)
    }

    /// Writes the listing whole, and drops its journal, which it holds.
    fn keep_listing(&self, path: &Path, c: &cache::Listing) {
        if self.keep(path, |p| cache::write_listing(p, c)) {
            let _ = fs::remove_file(cache::journal(path));
        }
    }

    /// The folder's stamp just before a write under the lock changes it, when
    /// there is a cached listing to keep current ([`Store::relist`]).
    pub(super) fn folder_before_write(&self) -> Option<cache::Stamp> {
        let path = self.cache_dir()?.join(cache::LISTING);
        if !path.is_file() {
            return None;
        }
        fs::metadata(&self.dir).ok().map(|m| cache::Stamp::of(&m))
    }

    /// The stamps of the ticket files `ids` (sorted), taken on every core,
    /// or remembered from earlier in this command when it keeps them
    /// ([`Store::remembering_stamps`]).
    pub(super) fn stamps(&self, folder: &Folder, ids: &[Uuid]) -> Vec<Option<cache::Stamp>> {
        let take = |ids: &[Uuid]| self.take_stamps(folder, ids);
        // With watchman answering, a second pass costs a walk of the kept
        // stamps and a stamp of the few files it named: remembering every
        // stamp would cost more memory than it saves.
        if self.watching().is_some() {
            return take(ids);
        }
        let Ok(mut memo) = self.memo.lock() else {
            return take(ids);
        };
        let Some(memo) = memo.as_mut() else {
            return take(ids);
        };
        let known = ids
            .iter()
            .map(|id| {
                memo.binary_search_by_key(id, |(k, _)| *k)
                    .ok()
                    .map(|at| memo[at].1)
            })
            .collect();
        let (out, new) = fill_in(ids, known, take);
        // A first pass comes in order: its stamps go at the end.
        if memo
            .last()
            .is_none_or(|(last, _)| new.first().is_none_or(|(n, _)| n > last))
        {
            memo.extend(new);
        } else {
            memo.extend(new);
            memo.sort_by_key(|(id, _)| *id);
        }
        out
    }

    /// The stamps of `ids` now: those watchman says are unchanged since
    /// they were kept, and the rest taken on every core.
    fn take_stamps(&self, folder: &Folder, ids: &[Uuid]) -> Vec<Option<cache::Stamp>> {
        let stat = |ids: &[Uuid]| par::map(ids, |id| folder.stamp(Name::of(*id).as_str()));
        let Some(Ok(mut w)) = self.watching().map(|w| w.lock()) else {
            return stat(ids);
        };
        let known = w
            .watch
            .unchanged_all(ids)
            .into_iter()
            .map(|k| k.map(Some))
            .collect();
        let (out, new) = fill_in(ids, known, stat);
        w.taken.extend(new);
        out
    }

    /// Whether this command keeps the stamps it takes: it asked to, or
    /// watchman is answering for them.
    fn keeps_stamps(&self) -> bool {
        self.memo.lock().is_ok_and(|m| m.is_some()) || self.watching().is_some()
    }

    /// What watchman says this command, asked on first use.
    fn watching(&self) -> Option<&std::sync::Mutex<super::Watching>> {
        self.watch
            .get_or_init(|| {
                // Turned off, it is not asked, and nothing is said.
                if matches!(self.finder, super::watch::Finder::Off) {
                    return None;
                }
                let path = self.cache_dir()?.join(super::watch::FILE);
                match super::watch::Watch::ask(&self.finder, &self.dir, &path) {
                    Ok(watch) => {
                        if watch.whole {
                            self.trace(format_args!(
                                "watchman: no stamps kept, every file stamped"
                            ));
                        } else {
                            self.trace(format_args!(
                                "watchman: {} ticket files changed since the stamps kept",
                                watch.changes()
                            ));
                        }
                        Some(std::sync::Mutex::new(super::Watching {
                            watch,
                            taken: Vec::new(),
                            kept: false,
                        }))
                    }
                    Err(why) => {
                        self.trace(format_args!("watchman not used: {why}"));
                        None
                    }
                }
            })
            .as_ref()
    }

    /// After a pass that stamped every ticket file of `ids` (the listing):
    /// keeps the stamps for the next command when watchman is used and what
    /// was kept is missing or has grown stale.
    pub(super) fn stamped_all(&self, ids: &[Uuid]) {
        let Some(Ok(mut w)) = self.watching().map(|w| w.lock()) else {
            return;
        };
        if w.kept || !w.watch.stale() {
            return;
        }
        w.kept = true;
        w.taken.sort_by_key(|(id, _)| *id);
        w.taken.dedup_by_key(|(id, _)| *id);
        let stamps = w.watch.merged(ids, &w.taken);
        let Some(path) = self.cache_dir().map(|d| d.join(super::watch::FILE)) else {
            return;
        };
        if self.keep(&path, |p| w.watch.keep(p, &stamps)) {
            self.trace(format_args!("watchman: kept {} stamps", stamps.len()));
        }
    }

    /// Remembers the stamp a write under the lock left ticket `id`'s file
    /// with, when this command keeps stamps.
    pub(super) fn remember_write(&self, id: Uuid) {
        // Only when watchman was asked already: a write alone never asks it.
        if let Some(Some(w)) = self.watch.get()
            && let Ok(mut w) = w.lock()
        {
            w.watch.wrote(id);
        }
        if let Ok(mut memo) = self.memo.lock()
            && let Some(memo) = memo.as_mut()
        {
            let stamp = self
                .folder()
                .ok()
                .and_then(|f| f.stamp(Name::of(id).as_str()));
            match memo.binary_search_by_key(&id, |(k, _)| *k) {
                Ok(at) => memo[at].1 = stamp,
                Err(at) => memo.insert(at, (id, stamp)),
            }
        }
    }

    /// Keeps the cached listing current across a write under the lock: the
    /// folder's stamp was `before` just before the write and is its stamp
    /// now just after, the write added or replaced `id`'s file (adding an
    /// id the listing holds changes nothing), and no other baton
    /// can have changed the folder meanwhile, so the change is appended to
    /// the listing's journal, a few dozen bytes, instead of the listing of
    /// every ticket being written again. Without this, every write's
    /// rename would outdate the listing and the next command would read the
    /// whole folder again.
    pub(super) fn relist(&self, before: Option<cache::Stamp>, id: Uuid) {
        let Some(before) = before else { return };
        let Some(path) = self.cache_dir().map(|d| d.join(cache::LISTING)) else {
            return;
        };
        let Ok(meta) = fs::metadata(&self.dir) else {
            return;
        };
        let change = cache::Relisted {
            before,
            after: cache::Stamp::of(&meta),
            added: Some(id),
        };
        match cache::append(&cache::journal(&path), &[change]) {
            Ok(()) => self.trace(format_args!("listing: the write appended its change")),
            Err(e) => self.trace(format_args!("cache not written: {e}")),
        }
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
    pub(super) fn keep(
        &self,
        path: &Path,
        write: impl FnOnce(&Path) -> std::io::Result<()>,
    ) -> bool {
        match self
            .ensure_local()
            .map_err(|e| e.message)
            .and_then(|_| write(path).map_err(|e| e.to_string()))
        {
            Ok(()) => true,
            Err(e) => {
                self.trace(format_args!("cache not written: {e}"));
                false
            }
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
    /// failures (see [`Store::summaries_in`]).
    pub fn summaries(&self) -> Result<Summaries> {
        self.summaries_in(Scope::All)
    }

    /// The summaries of the tickets in `scope`, in id order; unreadable
    /// files become problems, not failures, whatever their scope. Files
    /// unchanged since they were cached are not read again, and of those
    /// only the summaries in the scope are decoded ([`summary_file`]); the
    /// rest are read and parsed on every core, a slice at a time. What was
    /// read is appended to the cache's journal, and the cache is written
    /// whole only when it is missing or the journal (or what it no longer
    /// needs) has grown past a bound, so a run after a write stays
    /// O(what changed).
    pub fn summaries_in(&self, scope: Scope) -> Result<Summaries> {
        let start = self.started;
        let listing = self.list()?;
        let n = listing.ids.len();
        let path = self.cache_dir().map(|d| d.join(cache::SUMMARIES));
        let mut table = path
            .as_deref()
            .and_then(|p| summary_file::Reader::open(p, cache::FORMAT));
        let whole = table.is_some();
        let base_size = table.as_ref().map_or(0, |t| t.size());
        // A journal extends its cache file; without a whole one it is not
        // read, and the rewrite below removes it.
        let (records, journal_size) = match &path {
            Some(p) if whole => cache::read_journal::<cache::Entry>(&cache::journal(p)),
            _ => (Vec::new(), 0),
        };
        // The newest record of each file wins over older ones and the file.
        // Sorted by id, so that the pass walks them beside the store's files.
        let mut journal: Vec<(Uuid, Option<cache::Entry>)> =
            cache::newest_of_each(records, |e| e.id)
                .into_iter()
                .map(|e| (e.id, Some(e)))
                .collect();
        // Stat before reading: a change after the stat then shows as a
        // different stamp next time, never as a stale summary.
        let folder = self.folder()?;
        let mut slots = vec![Slot::Miss; n];
        let mut misses: Vec<(usize, Option<cache::Stamp>)> = Vec::new();
        let mut from_journal: Vec<(usize, cache::Entry)> = Vec::new();
        let mut wanted: Vec<(usize, summary_file::Row)> = Vec::new();
        // Rows of files no longer there, or of an older version of one.
        let mut unneeded = 0;
        let mut rows = table.as_mut().map(|t| t.rows().peekable());
        // Without a cache file every file is read, and stamped as it is;
        // a command that keeps its stamps, or asks watchman, stamps first.
        let stat_first = whole || self.keeps_stamps();
        // Where the journal's entries are walked to, beside the ids.
        let mut cursor = 0;
        for first in (0..n).step_by(CHUNK) {
            let ids = &listing.ids[first..(first + CHUNK).min(n)];
            // Each id with its row and its journal entry's place.
            let cached: Vec<(Uuid, Option<summary_file::Row>, Option<usize>)> = ids
                .iter()
                .map(|id| {
                    let row = rows.as_mut().and_then(|rows| {
                        while rows.next_if(|r| r.id < *id).is_some() {
                            unneeded += 1;
                        }
                        rows.next_if(|r| r.id == *id)
                    });
                    while journal.get(cursor).is_some_and(|(k, _)| k < id) {
                        cursor += 1;
                    }
                    let newer = journal
                        .get(cursor)
                        .is_some_and(|(k, _)| k == id)
                        .then_some(cursor);
                    (*id, row, newer)
                })
                .collect();
            // Nothing cached to check: each file is stamped as it is read.
            let stamps = if stat_first {
                self.stamps(&folder, ids)
            } else {
                vec![None; ids.len()]
            };
            let probes = cached.iter().zip(stamps).map(|((_, row, newer), stamp)| {
                let newer = newer.and_then(|k| journal[k].1.as_ref()).map(|e| e.stamp);
                if stamp.is_some() && stamp == newer {
                    Probe::Journal
                } else if stamp.is_some() && stamp == row.map(|r| r.stamp) {
                    Probe::Row
                } else {
                    Probe::Miss(stamp)
                }
            });
            let probes: Vec<Probe> = probes.collect();
            for (k, ((_, row, newer), probe)) in cached.into_iter().zip(probes).enumerate() {
                let i = first + k;
                let newer = newer.and_then(|k| journal[k].1.take());
                match (probe, row, newer) {
                    (Probe::Journal, _, Some(e)) => {
                        slots[i] = Slot::Journal;
                        from_journal.push((i, e));
                    }
                    (Probe::Row, Some(row), _) => {
                        slots[i] = Slot::Row;
                        if row.wanted(scope) {
                            wanted.push((i, row));
                        }
                    }
                    (Probe::Miss(stamp), row, _) => {
                        unneeded += usize::from(row.is_some());
                        misses.push((i, stamp));
                    }
                    _ => misses.push((i, None)),
                }
            }
        }
        self.stamped_all(&listing.ids);
        if let Some(rows) = rows.as_mut() {
            unneeded += rows.count();
        }
        drop(rows);
        unneeded += journal.iter().filter(|(_, e)| e.is_some()).count();
        drop(journal);
        // Only the summaries in the scope are decoded; a damaged one is
        // read from its file instead.
        let mut kept: Vec<(usize, Summary)> = Vec::new();
        if let Some(table) = &table {
            let bodies: Vec<summary_file::Body> = wanted.iter().map(|(_, r)| r.body).collect();
            for ((i, row), s) in wanted.iter().zip(table.summaries(&bodies)) {
                match s {
                    Some(s) => kept.push((*i, s)),
                    None => {
                        slots[*i] = Slot::Miss;
                        misses.push((*i, Some(row.stamp)));
                    }
                }
            }
        }
        drop(wanted);
        misses.sort_by_key(|(i, _)| *i);
        kept.extend(
            from_journal
                .iter()
                .filter(|(_, e)| scope.holds(&e.summary))
                .map(|(i, e)| (*i, e.summary.clone())),
        );
        let hits = n - misses.len();
        let settled = |stamp: &Option<cache::Stamp>| stamp.is_some_and(|s| s.settled(start));
        let rewrite =
            !whole || cache::outgrown(journal_size, base_size) || unneeded > (n / 8).max(256);
        let writer = match &path {
            Some(p)
                if rewrite
                    && (!stat_first
                        || misses.iter().any(|(_, s)| settled(s))
                        || hits > 0
                        || whole) =>
            {
                self.start_summaries(p, n)
            }
            _ => None,
        };
        let mut problems = Vec::new();
        let mut keep = |i: usize, s: Summary| {
            if scope.holds(&s) {
                kept.push((i, s));
            }
        };
        // Each file's stamp is taken again from the open file just before it
        // is read: the stamp of exactly what was read.
        let read = |part: &[(usize, Option<cache::Stamp>)]| {
            par::map(part, |&(i, _)| {
                match self.raw_stamped_in(&folder, listing.ids[i]) {
                    Ok((raw, stamp)) => (raw.ticket().map(|t| Summary::of(&t)), Some(stamp)),
                    Err(e) => (Err(e), None),
                }
            })
        };
        match (&path, writer) {
            (Some(path), Some(writer)) => {
                let new = NewFile {
                    writer,
                    rows_again: table.as_ref().map(|t| t.again()),
                    start,
                };
                let written = new.fill(
                    table.as_ref(),
                    &listing.ids,
                    &slots,
                    &from_journal,
                    &misses,
                    read,
                    |i, r| match r {
                        Ok(s) => keep(i, s),
                        Err(e) => problems.push(e),
                    },
                );
                match written.and_then(|w| w.finish(cache::FORMAT, path)) {
                    Ok(count) => {
                        self.trace(format_args!(
                            "summaries cache: written whole, {count} entries"
                        ));
                        let _ = fs::remove_file(cache::journal(path));
                    }
                    Err(e) => self.trace(format_args!("cache not written: {e}")),
                }
            }
            (path, _) => {
                let mut appended = Vec::new();
                for part in misses.chunks(CHUNK) {
                    for (&(i, _), (r, stamp)) in part.iter().zip(read(part)) {
                        match r {
                            Ok(s) => {
                                if let Some(stamp) = stamp.filter(|s| s.settled(start))
                                    && path.is_some()
                                {
                                    appended.push(cache::Entry {
                                        id: s.id,
                                        stamp,
                                        summary: s.clone(),
                                    });
                                }
                                keep(i, s);
                            }
                            Err(e) => problems.push(e),
                        }
                    }
                }
                if let Some(path) = path
                    && !appended.is_empty()
                {
                    self.trace(format_args!(
                        "summaries cache: {} entries appended to the journal",
                        appended.len()
                    ));
                    if let Err(e) = cache::append(&cache::journal(path), &appended) {
                        self.trace(format_args!("cache not written: {e}"));
                    }
                }
            }
        }
        self.trace(format_args!(
            "summaries: {hits} from the cache, {} read from files",
            misses.len()
        ));
        for stray in &listing.strays {
            problems.push(self.stray(stray));
        }
        kept.sort_by_key(|(i, _)| *i);
        Ok(Summaries {
            tickets: kept.into_iter().map(|(_, s)| s).collect(),
            problems,
            ids: listing.ids,
        })
    }

    /// Starts rewriting the summaries file at `path`, if the cache can be
    /// written.
    fn start_summaries(&self, path: &Path, rows: usize) -> Option<summary_file::Writer> {
        let started = self.ensure_local().map_err(|e| e.message).and_then(|_| {
            let dir = path.parent().unwrap_or(Path::new("."));
            fs::create_dir_all(dir)
                .and_then(|_| summary_file::Writer::create(dir, rows))
                .map_err(|e| e.to_string())
        });
        match started {
            Ok(w) => Some(w),
            Err(e) => {
                self.trace(format_args!("cache not written: {e}"));
                None
            }
        }
    }

    /// Records in the summaries cache what a write under the lock just
    /// saved, as a journal record: the writer knows the file's content at
    /// its new stamp, so the next reader need neither read the file nor
    /// rewrite the cache. Nothing is recorded without a cache to add to.
    pub(super) fn keep_summary(&self, ticket: &crate::core::ticket::Ticket) {
        let summary = Summary::of(ticket);
        self.journal_write(cache::SUMMARIES, ticket.id, "summaries cache", |stamp| {
            cache::EntryRef {
                id: ticket.id,
                stamp,
                summary: &summary,
            }
        });
    }

    /// Appends to the journal of the cache file `name` the record `record`
    /// makes of ticket `id`'s file as a write just left it (its stamp now),
    /// when that cache file exists; `what` names the cache in the trace.
    pub(super) fn journal_write<T: serde::Serialize>(
        &self,
        name: &str,
        id: Uuid,
        what: &str,
        record: impl FnOnce(cache::Stamp) -> T,
    ) {
        let Some(path) = self.cache_dir().map(|d| d.join(name)) else {
            return;
        };
        if !path.is_file() {
            return;
        }
        let Some(stamp) = self
            .folder()
            .ok()
            .and_then(|f| f.stamp(Name::of(id).as_str()))
        else {
            return;
        };
        match cache::append(&cache::journal(&path), &[record(stamp)]) {
            Ok(()) => self.trace(format_args!("{what}: the write appended its file")),
            Err(e) => self.trace(format_args!("cache not written: {e}")),
        }
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
