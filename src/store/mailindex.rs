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

use std::fs;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::cache::{self, STAMP, Stamp};
use super::mapped::Mapped;
use super::{Lock, Store, par};
use crate::core::intake;
use crate::core::ticket::Ticket;
use crate::error::Result;

/// The index file's name in the cache folder.
const MAIL: &str = "mail";
const MAGIC: &[u8; 8] = b"baton\0m\n";
/// The cache's head (`cache::head`), then how many files and how many keys.
const HEAD: usize = cache::HEAD + 8 + 8;
/// A file's row: its id, its stamp, and where its run of keys starts and
/// how long it is (`u32::MAX`: the file does not parse).
const FILE: usize = 16 + STAMP + 4 + 4;
/// A key's posting: the key, then the row of a file that has it; sorted,
/// so a message's keys are looked up without walking every file's keys.
const POSTING: usize = 8 + 4;
const UNPARSED: u32 = u32::MAX;

/// The index file, read in place (see `mapped.rs`): the header, the files'
/// rows sorted by id, every file's keys one run after another, and the
/// postings. A lookup walks the rows beside the stamps and searches the
/// postings; nothing is decoded whole.
struct Index {
    bytes: Mapped,
    files: usize,
    keys: usize,
}

impl Index {
    /// The index at `path`, when it is whole, of this version and sorted.
    fn open(path: &std::path::Path) -> Option<Index> {
        let bytes = Mapped::open(path, cache::MAX_SIZE).ok()?;
        if !cache::sealed(&bytes, MAGIC) {
            return None;
        }
        let head = bytes.get(..HEAD)?;
        let files = usize::try_from(u64::from_le_bytes(head[32..40].try_into().ok()?)).ok()?;
        let keys = usize::try_from(u64::from_le_bytes(head[40..48].try_into().ok()?)).ok()?;
        let size = files
            .checked_mul(FILE)?
            .checked_add(keys.checked_mul(8 + POSTING)?)?
            .checked_add(HEAD)?;
        let index = Index { bytes, files, keys };
        let whole = index.bytes.len() == size
            && (1..files).all(|at| index.id(at - 1) < index.id(at))
            && (0..files).all(|at| index.run(at).is_none_or(|(start, len)| start + len <= keys));
        // Checked whole; from here on only what a lookup reads is mapped.
        index.bytes.release(0, index.bytes.len());
        whole.then_some(index)
    }

    fn row(&self, at: usize) -> &[u8] {
        &self.bytes[HEAD + at * FILE..HEAD + (at + 1) * FILE]
    }

    /// Row `at`'s id, as bytes (which sort as ids do).
    fn id(&self, at: usize) -> &[u8] {
        &self.row(at)[..16]
    }

    fn stamp(&self, at: usize) -> Stamp {
        Stamp::decode(
            self.row(at)[16..16 + STAMP]
                .try_into()
                .unwrap_or(&[0; STAMP]),
        )
    }

    /// Where row `at`'s keys lie among the keys; `None`: it does not parse.
    fn run(&self, at: usize) -> Option<(usize, usize)> {
        let row = &self.row(at)[16 + STAMP..];
        let start = u32::from_le_bytes(row[..4].try_into().unwrap_or_default());
        let len = u32::from_le_bytes(row[4..8].try_into().unwrap_or_default());
        (len != UNPARSED).then_some((start as usize, len as usize))
    }

    /// Row `at`'s keys; `None`: it does not parse.
    fn keys_of(&self, at: usize) -> Option<Vec<u64>> {
        let (start, len) = self.run(at)?;
        let from = HEAD + self.files * FILE + start * 8;
        Some(
            self.bytes[from..from + len * 8]
                .chunks_exact(8)
                .map(|k| u64::from_le_bytes(k.try_into().unwrap_or_default()))
                .collect(),
        )
    }

    fn posting(&self, at: usize) -> (u64, u32) {
        let from = HEAD + self.files * FILE + self.keys * 8 + at * POSTING;
        let p = &self.bytes[from..from + POSTING];
        (
            u64::from_le_bytes(p[..8].try_into().unwrap_or_default()),
            u32::from_le_bytes(p[8..].try_into().unwrap_or_default()),
        )
    }

    /// The rows of the files that have any of `wanted`, sorted.
    fn sharing(&self, wanted: &[u64]) -> Vec<usize> {
        let mut rows = Vec::new();
        for &key in wanted {
            let (mut low, mut high) = (0, self.keys);
            while low < high {
                let mid = low + (high - low) / 2;
                if self.posting(mid).0 < key {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            while low < self.keys && self.posting(low).0 == key {
                rows.push(self.posting(low).1 as usize);
                low += 1;
            }
        }
        rows.sort_unstable();
        rows.dedup();
        rows
    }
}

/// An index being made whole, file by file in order of id.
#[derive(Default)]
struct Builder {
    rows: Vec<u8>,
    keys: Vec<u64>,
    files: usize,
}

impl Builder {
    fn push(&mut self, id: Uuid, stamp: Stamp, keys: Option<&[u64]>) {
        let (start, len) = match keys {
            Some(k) => {
                let start = self.keys.len();
                self.keys.extend_from_slice(k);
                (start as u32, k.len() as u32)
            }
            None => (0, UNPARSED),
        };
        self.rows.extend_from_slice(id.as_bytes());
        self.rows.extend_from_slice(&stamp.encode());
        self.rows.extend_from_slice(&start.to_le_bytes());
        self.rows.extend_from_slice(&len.to_le_bytes());
        self.files += 1;
    }

    /// The file's bytes, as [`Index::open`] reads them.
    fn bytes(&self) -> Vec<u8> {
        let mut postings: Vec<(u64, u32)> = Vec::with_capacity(self.keys.len());
        for at in 0..self.files {
            let row = &self.rows[at * FILE + 16 + STAMP..(at + 1) * FILE];
            let start = u32::from_le_bytes(row[..4].try_into().unwrap_or_default()) as usize;
            let len = u32::from_le_bytes(row[4..].try_into().unwrap_or_default());
            if len != UNPARSED {
                let run = &self.keys[start..start + len as usize];
                postings.extend(run.iter().map(|k| (*k, at as u32)));
            }
        }
        postings.sort_unstable();
        let mut out = Vec::with_capacity(
            HEAD + self.rows.len() + self.keys.len() * 8 + postings.len() * POSTING,
        );
        out.extend_from_slice(&cache::head(MAGIC));
        out.extend_from_slice(&(self.files as u64).to_le_bytes());
        out.extend_from_slice(&(self.keys.len() as u64).to_le_bytes());
        out.extend_from_slice(&self.rows);
        for k in &self.keys {
            out.extend_from_slice(&k.to_le_bytes());
        }
        for (k, row) in &postings {
            out.extend_from_slice(&k.to_le_bytes());
            out.extend_from_slice(&row.to_le_bytes());
        }
        cache::seal(&mut out);
        out
    }
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

/// Where what is known of a file comes from.
#[derive(Clone, Copy)]
enum Known {
    /// The journal's last record of it (an index into the records).
    Record(usize),
    /// The index's row.
    Row(usize),
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
        let base = Index::open(&path);
        let base_size = base.as_ref().map_or(0, |b| b.bytes.len() as u64);
        // A journal extends its index; without a whole one it is not read,
        // and the index written below removes it.
        let (records, journal_size) = match base {
            Some(_) => cache::read_journal::<Record>(&cache::journal(&path)),
            None => (Vec::new(), 0),
        };
        let records = cache::newest_of_each(records, |r| r.id);
        let mut wanted: Vec<u64> = keys.iter().map(|k| hash(k)).collect();
        wanted.sort_unstable();
        let sharing = base
            .as_ref()
            .map(|b| b.sharing(&wanted))
            .unwrap_or_default();
        let folded = base.is_none() || cache::outgrown(journal_size, base_size);
        // What is known of each file, when the index is made whole below.
        let mut plan: Vec<(Option<Stamp>, Option<Known>)> = Vec::new();
        let mut todo: Vec<(usize, Read, Option<Stamp>)> = Vec::new();
        let mut row = 0;
        for first in (0..ids.len()).step_by(super::listing::CHUNK) {
            let chunk = &ids[first..(first + super::listing::CHUNK).min(ids.len())];
            // Stat before reading: a change after the stat shows as another
            // stamp next time, never as a stale entry.
            let stamps = self.stamps(&folder, chunk);
            for (j, (id, stamp)) in chunk.iter().zip(stamps).enumerate() {
                let known = match records.binary_search_by_key(id, |r| r.id) {
                    Ok(at) => Some(Known::Record(at)),
                    Err(_) => base.as_ref().and_then(|b| {
                        while row < b.files && b.id(row) < id.as_bytes().as_slice() {
                            row += 1;
                        }
                        (row < b.files && b.id(row) == id.as_bytes()).then_some(Known::Row(row))
                    }),
                };
                let current = known.filter(|k| {
                    let (s, parsed) = match *k {
                        Known::Record(at) => (records[at].stamp, records[at].keys.is_some()),
                        Known::Row(at) => {
                            let b = base.as_ref().expect("a row is of the index");
                            (b.stamp(at), b.run(at).is_some())
                        }
                    };
                    parsed && Some(s) == stamp
                });
                match current {
                    Some(k) => {
                        let shares = match k {
                            Known::Record(at) => records[at]
                                .keys
                                .iter()
                                .flatten()
                                .any(|k| wanted.binary_search(k).is_ok()),
                            Known::Row(at) => sharing.binary_search(&at).is_ok(),
                        };
                        if shares || named.contains(id) {
                            todo.push((first + j, Read::Candidate, stamp));
                        }
                    }
                    None => todo.push((first + j, Read::Changed, stamp)),
                }
                if folded {
                    plan.push((stamp, current));
                }
            }
            // The rows walked are not read again (a fold copies keys only).
            if let Some(b) = &base {
                b.bytes.release(HEAD, HEAD + row * FILE);
            }
        }
        self.stamped_all(ids);
        let read = par::map(&todo, |&(i, why, _)| {
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
        for (&(i, _, stamp), (ticket, indexed)) in todo.iter().zip(read) {
            out.extend(ticket);
            if let (Some(keys), Some(stamp)) = (indexed, stamp)
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
            .filter(|(_, why, _)| matches!(why, Read::Changed))
            .count();
        self.trace(format_args!(
            "mail index: {} candidates, {changed} changed files read",
            todo.len() - changed
        ));
        if folded {
            // The whole index again: every file as it is now.
            let mut index = Builder::default();
            let mut fresh = fresh.iter().peekable();
            for (id, (stamp, known)) in ids.iter().zip(plan) {
                let Some(stamp) = stamp else { continue };
                if let Some(r) = fresh.next_if(|r| r.id == *id) {
                    index.push(*id, stamp, r.keys.as_deref());
                    continue;
                }
                match known {
                    Some(Known::Record(at)) => index.push(*id, stamp, records[at].keys.as_deref()),
                    Some(Known::Row(at)) => {
                        let keys = base.as_ref().and_then(|b| b.keys_of(at));
                        index.push(*id, stamp, keys.as_deref());
                    }
                    None => {}
                }
            }
            self.trace(format_args!(
                "mail index: written whole, {} files",
                index.files
            ));
            if self.keep(&path, |p| cache::replace(p, &index.bytes())) {
                let _ = fs::remove_file(cache::journal(&path));
            }
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
    fn an_index_reads_back_in_place_and_damage_is_refused() {
        let stamp = |n| Stamp {
            size: n,
            inode: 2,
            modified: (3, 4),
            changed: (5, 6),
        };
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let mut builder = Builder::default();
        builder.push(a, stamp(1), Some(&[7, 9]));
        builder.push(b, stamp(2), None);
        builder.push(c, stamp(3), Some(&[9]));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MAIL);
        std::fs::write(&path, builder.bytes()).unwrap();
        let index = Index::open(&path).unwrap();
        assert_eq!(index.files, 3);
        assert_eq!(index.id(1), b.as_bytes());
        assert_eq!(index.stamp(2), stamp(3));
        assert_eq!(index.keys_of(0), Some(vec![7, 9]));
        assert_eq!(index.keys_of(1), None, "a file that does not parse");
        assert_eq!(index.sharing(&[9]), vec![0, 2]);
        assert_eq!(index.sharing(&[7, 8]), vec![0]);
        assert!(index.sharing(&[1, 8, 10]).is_empty());
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert!(Index::open(&path).is_none(), "a flipped byte");
        std::fs::write(&path, &bytes[..HEAD + 10]).unwrap();
        assert!(Index::open(&path).is_none(), "cut short");
        let mut unsorted = Builder::default();
        unsorted.push(b, stamp(2), Some(&[1]));
        unsorted.push(a, stamp(1), Some(&[1]));
        std::fs::write(&path, unsorted.bytes()).unwrap();
        assert!(Index::open(&path).is_none(), "rows out of order");
    }
}
