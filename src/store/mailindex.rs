//! The mail index in `.local/cache/mail`: for every ticket file, the stamp
//! it was read at and the keys mail intake matches a message by (message
//! ids, digests, addresses: `core::intake::index_keys`), hashed. Intake
//! looks a message's keys up in it and reads only the files that share one,
//! instead of reading every ticket file for the few that matter.
//!
//! It keeps the cache's promise: every file is stamped on every lookup, and
//! a file whose stamp is not the one indexed (edited, replaced by git, new)
//! is read and examined exactly as without the index, so an index that is
//! stale, damaged, missing or unwritable gives the same filing, only
//! slower. A hash shared by chance only adds a file to read. Files that
//! changed are indexed again alone: their keys are appended to the index's
//! journal (`cache::append`), as the write that saved a ticket appends its
//! own, and a reader folds the journal into the index once it has grown.

use std::collections::HashMap;
use std::fs;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::cache::{self, Stamp};
use super::{Lock, Store, par};
use crate::core::intake;
use crate::core::ticket::Ticket;
use crate::error::Result;

/// The index file's name in the cache folder.
const MAIL: &str = "mail";

/// The index: one entry a file, sorted by id, each naming its run of
/// `keys`. Flat, so decoding it allocates twice whatever the store's size.
#[derive(Serialize, Deserialize, Default)]
struct Index {
    files: Vec<File>,
    keys: Vec<u64>,
}

/// One file's entry: its keys are `keys[start..start + len]`.
#[derive(Serialize, Deserialize, Clone, Copy)]
struct File {
    id: Uuid,
    stamp: Stamp,
    start: u32,
    len: u32,
}

/// A journal record: what one file at one stamp holds. `None`: the file
/// does not parse, so every lookup reads it (and warns) as intake always did.
#[derive(Serialize, Deserialize)]
struct Record {
    id: Uuid,
    stamp: Stamp,
    keys: Option<Vec<u64>>,
}

/// A key as the index keeps it: 64 bits of FNV-1a, the same on every
/// machine and in every version (a collision only costs a file read).
fn hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn hashes(t: &Ticket) -> Vec<u64> {
    let mut keys: Vec<u64> = intake::index_keys(t).iter().map(|k| hash(k)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// What is known of a file: its stamp and its keys (`None`: read it).
type Known<'a> = (Stamp, Option<&'a [u64]>);

impl Index {
    fn get(&self, id: Uuid) -> Option<Known<'_>> {
        let at = self.files.binary_search_by_key(&id, |f| f.id).ok()?;
        let f = self.files[at];
        let keys = (f.len != u32::MAX)
            .then(|| self.keys.get(f.start as usize..(f.start + f.len) as usize))
            .flatten();
        Some((f.stamp, keys))
    }

    fn push(&mut self, id: Uuid, stamp: Stamp, keys: Option<&[u64]>) {
        let start = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
        let len = match keys {
            Some(k) => {
                self.keys.extend_from_slice(k);
                u32::try_from(k.len()).unwrap_or(u32::MAX)
            }
            None => u32::MAX,
        };
        self.files.push(File {
            id,
            stamp,
            start,
            len,
        });
    }
}

/// A file a lookup reads, and why.
#[derive(Clone, Copy)]
enum Read {
    /// Indexed at this stamp with a key the message has.
    Candidate,
    /// Not indexed at this stamp (or not parseable): read as without the index.
    Changed,
}

impl Store {
    /// The tickets among `ids` that may matter to a message with these
    /// `keys` ([`intake::lookup_keys`]) or that it names (`named`,
    /// [`intake::tagged`]), and whose bytes pass `keep` (the message's
    /// needles), in the order of `ids`; a file that cannot be read, or that
    /// passes `keep` and does not parse, is an error, as [`Store::scan`]
    /// gives it. Only those files and files changed since the index was
    /// made are read.
    pub fn mail_tickets(
        &self,
        ids: &[Uuid],
        keys: &[String],
        named: &[Uuid],
        keep: impl Fn(&[u8]) -> bool + Sync,
    ) -> Vec<Result<Ticket>> {
        let start = self.started;
        let folder = match self.folder() {
            Ok(f) => f,
            Err(e) => return vec![Err(e)],
        };
        let Some(dir) = self.cache_dir() else {
            return self.scan(ids, |raw| {
                if keep(&raw.bytes) {
                    raw.ticket().map(Some)
                } else {
                    Ok(None)
                }
            });
        };
        let path = dir.join(MAIL);
        let base = cache::read::<Index>(&path);
        let base_size = fs::metadata(&path).map_or(0, |m| m.len());
        // A journal extends its index; without a whole one it is not read,
        // and the index written below removes it.
        let (records, journal_size) = match base {
            Some(_) => cache::read_journal::<Record>(&cache::journal(&path)),
            None => (Vec::new(), 0),
        };
        let latest: HashMap<Uuid, &Record> = records.iter().map(|r| (r.id, r)).collect();
        let known = |id: Uuid| -> Option<Known<'_>> {
            match latest.get(&id) {
                Some(r) => Some((r.stamp, r.keys.as_deref())),
                None => base.as_ref()?.get(id),
            }
        };
        let mut wanted: Vec<u64> = keys.iter().map(|k| hash(k)).collect();
        wanted.sort_unstable();
        // Stat before reading: a change after the stat shows as another
        // stamp next time, never as a stale entry.
        let stamps = self.stamps(&folder, ids);
        self.stamped_all(ids);
        let mut todo: Vec<(usize, Read)> = Vec::new();
        for (i, (id, stamp)) in ids.iter().zip(&stamps).enumerate() {
            match known(*id) {
                Some((s, Some(k))) if Some(s) == *stamp => {
                    if named.contains(id) || k.iter().any(|k| wanted.binary_search(k).is_ok()) {
                        todo.push((i, Read::Candidate));
                    }
                }
                _ => todo.push((i, Read::Changed)),
            }
        }
        let read = par::map(&todo, |&(i, why)| {
            let raw = match self.raw_in(&folder, ids[i]) {
                Ok(raw) => raw,
                Err(e) => return (Some(Err(e)), None),
            };
            let kept = keep(&raw.bytes);
            match why {
                Read::Candidate if !kept => (None, None),
                Read::Candidate => (Some(raw.ticket()), None),
                Read::Changed => {
                    let parsed = raw.ticket();
                    let keys = parsed.as_ref().ok().map(hashes);
                    (kept.then_some(parsed), Some(keys))
                }
            }
        });
        let mut fresh = Vec::new();
        let mut out = Vec::new();
        for (&(i, _), (ticket, indexed)) in todo.iter().zip(read) {
            out.extend(ticket);
            if let (Some(keys), Some(stamp)) = (indexed, stamps[i])
                && stamp.settled(start)
            {
                fresh.push(Record {
                    id: ids[i],
                    stamp,
                    keys,
                });
            }
        }
        let changed = todo
            .iter()
            .filter(|(_, why)| matches!(why, Read::Changed))
            .count();
        self.trace(format_args!(
            "mail index: {} candidates, {changed} changed files read",
            todo.len() - changed
        ));
        let folded = base.is_none() || cache::outgrown(journal_size, base_size);
        if folded {
            // The whole index again: every file as it is now.
            let mut index = Index::default();
            let fresh: HashMap<Uuid, &Record> = fresh.iter().map(|r| (r.id, r)).collect();
            for (id, stamp) in ids.iter().zip(&stamps) {
                let Some(stamp) = *stamp else { continue };
                match (fresh.get(id), known(*id)) {
                    (Some(r), _) => index.push(*id, stamp, r.keys.as_deref()),
                    (None, Some((s, keys))) if s == stamp => index.push(*id, stamp, keys),
                    _ => {}
                }
            }
            self.trace(format_args!(
                "mail index: written whole, {} files",
                index.files.len()
            ));
            self.keep(&path, &index);
            let _ = fs::remove_file(cache::journal(&path));
        } else if !fresh.is_empty() {
            self.trace(format_args!("mail index: {} files appended", fresh.len()));
            if let Err(e) = cache::append(&cache::journal(&path), &fresh) {
                self.trace(format_args!("cache not written: {e}"));
            }
        }
        out
    }

    /// Records in the mail index what a write under the lock just saved:
    /// the writer knows the file's content at its new stamp, so the next
    /// intake need not read it again. Nothing is recorded without an index
    /// to add to (the first lookup makes it whole).
    pub(super) fn index_mail(&self, _lock: &Lock, ticket: &Ticket) {
        self.journal_write(MAIL, ticket.id, "mail index", |stamp| Record {
            id: ticket.id,
            stamp,
            keys: Some(hashes(ticket)),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hash is part of the index's format: the same key must give the
    /// same number in every build, or an index made by one run would not
    /// find what the next looks up.
    #[test]
    fn keys_hash_the_same_in_every_build() {
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a:jan@example.com"), 0x3c3d_75f7_801e_95ae);
        assert_ne!(hash("m:<a@b>"), hash("m:<a@c>"));
    }

    #[test]
    fn an_entry_names_its_own_keys_or_none_for_a_file_read_every_time() {
        let stamp = Stamp {
            size: 1,
            inode: 2,
            modified: (3, 4),
            changed: (5, 6),
        };
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut index = Index::default();
        index.push(a, stamp, Some(&[7, 9]));
        index.push(b, stamp, None);
        assert_eq!(index.get(a).map(|k| k.1), Some(Some(&[7u64, 9][..])));
        assert_eq!(index.get(b).map(|k| k.1), Some(None));
        assert!(index.get(Uuid::from_u128(3)).is_none());
    }
}
