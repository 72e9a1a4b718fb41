//! The word index in `.local/cache/words`: for every ticket file, the stamp
//! of the version it was read from, whether the ticket is resolved, and its
//! words twice over: the stemmed terms `similar` ranks by (BM25, with their
//! counts and the document's length, `core::similar`) and the folded words
//! `search` narrows by (`core::search::words`). Both are keys of one
//! vocabulary kept in the same file.
//!
//! It is kept as the summaries are (`cache.rs`): an entry is used only while
//! its file's stamp is unchanged, only files that changed are read again,
//! what changed less than the settling time ago is not kept, and anything
//! that is not exactly a file this version wrote (another magic or format,
//! a checksum that fails, a link, a pipe) is ignored and rebuilt from the
//! files. It only ever saves work: failing to write it is never an error,
//! and every answer is the one the files give.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::cache::Stamp;
use super::read::Raw;
use super::{Store, cache, par};
use crate::core::ticket::Ticket;
use crate::core::{search, similar};
use crate::error::{Error, Result};

/// The index's file name in the cache folder.
pub const FILE: &str = "words";
/// Bumped whenever what the index holds changes shape or meaning: how text
/// is cut into terms or words, or the layout below.
const FORMAT: u32 = 1;
const MAGIC: &[u8; 8] = b"baton\0w\n";

/// What the file holds.
#[derive(Default, Serialize, Deserialize)]
struct Body {
    /// Every stemmed term and search word of the entries, a key each.
    vocabulary: Vec<String>,
    /// By id.
    entries: Vec<Entry>,
}

/// One ticket file's words, with the stamp of the version they are of.
#[derive(Clone, Serialize, Deserialize)]
struct Entry {
    id: Uuid,
    stamp: Stamp,
    /// Resolved or closed: only those are ranked by `similar`.
    resolved: bool,
    /// How many terms the ticket says (BM25's document length).
    len: u32,
    /// Stemmed terms as keys, with their counts, sorted by key.
    terms: Vec<(u32, u32)>,
    /// Search words as keys, sorted.
    words: Vec<u32>,
}

/// How many files are read and tokenized before their words become keys.
const READ_AT_ONCE: usize = 4096;

/// The file's frame inside the cache's own (`cache::write`: its magic,
/// format, build and checksum): this index's magic and format, so a file of
/// the cache's other kinds, or of an older layout, is never read as one.
#[derive(Serialize, Deserialize)]
struct Framed<B> {
    magic: [u8; 8],
    format: u32,
    body: B,
}

/// The word index of a store as its files are now: an entry for every
/// readable ticket file, and the problem of each file that could not be read.
pub struct Words {
    vocabulary: Vec<String>,
    entries: Vec<Entry>,
    /// Ticket files without an entry, because they could not be read; in id
    /// order.
    pub unindexed: Vec<Uuid>,
    /// Why each of them could not be read.
    pub problems: Vec<Error>,
    /// Every ticket file's id, sorted (for short ids).
    pub ids: Vec<Uuid>,
}

impl Words {
    /// The `n` resolved tickets most like `asked`, best first, with their
    /// BM25 scores (`core::similar::rank`, so exactly what ranking the
    /// tickets in memory gives).
    pub fn similar(&self, asked: &Ticket, n: usize) -> Vec<(Uuid, f64)> {
        let query = similar::query_of(&similar::stemmer(), asked);
        let wanted: HashSet<&str> = query.iter().map(String::as_str).collect();
        let keys: HashMap<&str, u32> = self
            .vocabulary
            .iter()
            .enumerate()
            .filter(|(_, w)| wanted.contains(w.as_str()))
            .map(|(k, w)| (w.as_str(), k as u32))
            .collect();
        // In the query's own (sorted) order, as the ranking in memory sums.
        let query: Vec<u32> = query
            .iter()
            .filter_map(|w| keys.get(w.as_str()).copied())
            .collect();
        let docs: Vec<similar::Doc> = self
            .entries
            .iter()
            .filter(|e| e.resolved)
            .map(|e| similar::Doc {
                id: e.id,
                len: e.len,
                tf: &e.terms,
            })
            .collect();
        similar::rank(&docs, &query, asked.id, n)
    }

    /// The ticket files that may hold every piece (`search::Query::pieces`)
    /// inside one of their words, with every file that has no entry; in id
    /// order. `None` when there are no pieces: then nothing can be ruled out.
    pub fn candidates<'a>(&self, pieces: impl IntoIterator<Item = &'a str>) -> Option<Vec<Uuid>> {
        let masks: Vec<Vec<bool>> = pieces
            .into_iter()
            .map(|p| self.vocabulary.iter().map(|w| w.contains(p)).collect())
            .collect();
        if masks.is_empty() {
            return None;
        }
        let mut out: Vec<Uuid> = self
            .entries
            .iter()
            .filter(|e| masks.iter().all(|m| e.words.iter().any(|k| m[*k as usize])))
            .map(|e| e.id)
            .chain(self.unindexed.iter().copied())
            .collect();
        out.sort_unstable();
        Some(out)
    }

    /// How many ticket files have an entry.
    pub fn indexed(&self) -> usize {
        self.entries.len()
    }
}

/// What one ticket gives the index, before its words become keys.
struct Read {
    terms: similar::Terms,
    words: Vec<String>,
}

impl Read {
    fn of(stemmer: &rust_stemmers::Stemmer, t: &Ticket) -> Read {
        Read {
            terms: similar::terms_of(stemmer, t),
            words: search::words(t),
        }
    }
}

impl Store {
    /// The word index, current with every ticket file: entries of unchanged
    /// files come from `.local/cache/words`, every other file is read (on
    /// every core) and the index kept for next time.
    pub fn words(&self) -> Result<Words> {
        let kept = self.kept_words().unwrap_or_default();
        self.words_from(kept)
    }

    /// The word index when one is kept, brought up to date like
    /// [`Store::words`]; `None` when there is none to start from (after a
    /// clone, with the cache off, or one that cannot be used), so that a
    /// command which only narrows by it need not read every file to build it.
    pub fn words_if_kept(&self) -> Result<Option<Words>> {
        match self.kept_words() {
            Some(kept) => self.words_from(kept).map(Some),
            None => {
                self.trace(format_args!("words: no index kept"));
                Ok(None)
            }
        }
    }

    /// The ticket files a search for `pieces` (`search::Query::pieces`)
    /// must read, when a word index is kept: the files whose words may hold
    /// every piece, and every file it could not index (read, and their
    /// problems shown, as without it). `None` when no index is kept, and
    /// for a query it cannot narrow (no pieces): then every file is read.
    pub fn candidates<'a>(
        &self,
        pieces: impl IntoIterator<Item = &'a str>,
    ) -> Result<Option<Vec<Uuid>>> {
        let pieces: Vec<&str> = pieces.into_iter().collect();
        if pieces.is_empty() {
            self.trace(format_args!("words: the query cannot be narrowed"));
            return Ok(None);
        }
        let Some(words) = self.words_if_kept()? else {
            return Ok(None);
        };
        let found = words.candidates(pieces);
        if let Some(c) = &found {
            self.trace(format_args!(
                "words: {} of {} files may match",
                c.len(),
                words.ids.len()
            ));
        }
        Ok(found)
    }

    fn kept_words(&self) -> Option<Body> {
        let path = self.cache_dir()?.join(FILE);
        read_file(&path)
    }

    fn words_from(&self, kept: Body) -> Result<Words> {
        let start = self.started;
        let listing = self.list()?;
        let folder = self.folder()?;
        // Stat before reading: a change after the stat then shows as a
        // different stamp next time, never as stale words.
        let stamps = self.stamps(&folder, &listing.ids);
        self.stamped_all(&listing.ids);
        let Body {
            mut vocabulary,
            entries: old,
        } = kept;
        let old_count = old.len();
        let mut old = old.into_iter().peekable();
        let mut slots: Vec<Option<Entry>> = Vec::with_capacity(listing.ids.len());
        let mut todo = Vec::new();
        for (i, (id, stamp)) in listing.ids.iter().zip(&stamps).enumerate() {
            while old.next_if(|e| e.id < *id).is_some() {}
            match old.next_if(|e| e.id == *id) {
                Some(e) if Some(e.stamp) == *stamp => slots.push(Some(e)),
                _ => {
                    slots.push(None);
                    todo.push(i);
                }
            }
        }
        drop(old);
        let hits = listing.ids.len() - todo.len();
        let stemmer = similar::stemmer();
        let mut keys: HashMap<String, u32> = HashMap::new();
        if !todo.is_empty() {
            keys = vocabulary
                .iter()
                .enumerate()
                .map(|(k, w)| (w.clone(), k as u32))
                .collect();
        }
        let mut key = |w: String| -> u32 {
            let next = vocabulary.len() as u32;
            *keys.entry(w).or_insert_with_key(|w| {
                vocabulary.push(w.clone());
                next
            })
        };
        let mut problems = Vec::new();
        let mut unindexed = Vec::new();
        // Which entries may be kept: those from the index, and those read
        // from files that have settled.
        let mut keep: Vec<bool> = slots.iter().map(Option::is_some).collect();
        let mut fresh = 0;
        // Read a slice at a time, so that only one slice's words are held
        // as strings before they become keys.
        let reads = todo.chunks(READ_AT_ONCE).flat_map(|part| {
            let read = par::map(part, |&i| {
                self.raw_in(&folder, listing.ids[i])
                    .and_then(Raw::ticket)
                    .map(|t| Read::of(&stemmer, &t))
            });
            part.iter().copied().zip(read)
        });
        for (i, r) in reads {
            let r = match r {
                Ok(r) => r,
                Err(e) => {
                    problems.push(e);
                    unindexed.push(listing.ids[i]);
                    continue;
                }
            };
            // A file read but no longer there to stat is used, never kept.
            let stamp = stamps[i].filter(|s| s.settled(start));
            keep[i] = stamp.is_some();
            fresh += usize::from(keep[i]);
            let mut terms: Vec<(u32, u32)> = r
                .terms
                .counts
                .into_iter()
                .map(|(w, c)| (key(w), c))
                .collect();
            terms.sort_unstable();
            let mut words: Vec<u32> = r.words.into_iter().map(&mut key).collect();
            words.sort_unstable();
            slots[i] = Some(Entry {
                id: listing.ids[i],
                stamp: stamps[i].unwrap_or(NO_STAMP),
                resolved: r.terms.resolved,
                len: r.terms.len,
                terms,
                words,
            });
        }
        self.trace(format_args!(
            "words: {hits} from the index, {} read from files",
            todo.len()
        ));
        if let Some(path) = self.cache_dir().map(|d| d.join(FILE))
            && (fresh > 0 || hits != old_count)
        {
            let kept = slots
                .iter()
                .zip(&keep)
                .filter_map(|(e, keep)| e.as_ref().filter(|_| *keep));
            self.keep_words(&path, &vocabulary, kept);
        }
        Ok(Words {
            vocabulary,
            entries: slots.into_iter().flatten().collect(),
            unindexed,
            problems,
            ids: listing.ids,
        })
    }

    /// Writes the index of `entries` if it can, with a vocabulary of only
    /// the keys they use (files deleted or changed leave keys nobody uses);
    /// a read-only store or a full disk only costs the next run some time.
    fn keep_words<'a>(
        &self,
        path: &Path,
        vocabulary: &[String],
        entries: impl Iterator<Item = &'a Entry>,
    ) {
        let entries: Vec<&Entry> = entries.collect();
        let mut new_key = vec![u32::MAX; vocabulary.len()];
        let mut body = Body::default();
        let mut remap = |k: u32| -> u32 {
            let slot = &mut new_key[k as usize];
            if *slot == u32::MAX {
                *slot = body.vocabulary.len() as u32;
                body.vocabulary.push(vocabulary[k as usize].clone());
            }
            *slot
        };
        let mut out = Vec::with_capacity(entries.len());
        for e in entries {
            let mut terms: Vec<(u32, u32)> = e.terms.iter().map(|(k, c)| (remap(*k), *c)).collect();
            terms.sort_unstable();
            let mut words: Vec<u32> = e.words.iter().map(|k| remap(*k)).collect();
            words.sort_unstable();
            out.push(Entry {
                terms,
                words,
                ..e.clone()
            });
        }
        body.entries = out;
        self.keep(path, |p| write_file(p, &body));
    }
}

/// The stamp of an entry used in this run only, never kept.
const NO_STAMP: Stamp = Stamp {
    size: 0,
    inode: 0,
    modified: (0, 0),
    changed: (0, 0),
};

/// Reads the index file; `None` for a missing, foreign, damaged or outdated
/// one, and for anything but a plain file (`cache::read`).
fn read_file(path: &Path) -> Option<Body> {
    let framed: Framed<Body> = cache::read(path)?;
    (framed.magic == *MAGIC && framed.format == FORMAT && framed.body.consistent())
        .then_some(framed.body)
}

impl Body {
    /// Whether every key names a word and the entries are in id order: a
    /// file that passed its checksum but was not written by this code (or
    /// was written by a bug) is ignored rather than trusted.
    fn consistent(&self) -> bool {
        let v = self.vocabulary.len() as u64;
        self.entries.windows(2).all(|w| w[0].id < w[1].id)
            && self.entries.iter().all(|e| {
                e.terms.iter().all(|(k, _)| u64::from(*k) < v)
                    && e.words.iter().all(|k| u64::from(*k) < v)
            })
    }
}

/// Writes the index as the cache writes its files: a finished temp file
/// renamed over the old one, no fsync (a torn file fails its checksum).
fn write_file(path: &Path, body: &Body) -> std::io::Result<()> {
    cache::write(
        path,
        &Framed {
            magic: *MAGIC,
            format: FORMAT,
            body,
        },
    )
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use std::fs;

    use super::*;
    use crate::core::search::Query;
    use crate::core::similar::Index;

    const WORDS: &[&str] = &[
        "invoice",
        "export",
        "exporting",
        "login",
        "password",
        "reset",
        "browser",
        "cookie",
        "session",
        "timeout",
        "refund",
        "refunded",
        "printer",
        "upload",
        "sync",
        "mobile",
        "app",
        "crash",
        "crashes",
        "screen",
        "email",
        "order",
        "delivery",
        "label",
        "payment",
        "card",
        "receipt",
        "contract",
        "Kelvin",
        "\u{212A}elvin",
        "ſafari",
        "crème",
        "brûlée",
        "VAT",
    ];

    /// A small linear congruential generator: the same desk every run.
    struct Dice(u64);

    impl Dice {
        fn roll(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % n as u64) as usize
        }

        fn text(&mut self, words: usize) -> String {
            let n = 1 + self.roll(words);
            (0..n)
                .map(|_| WORDS[self.roll(WORDS.len())])
                .collect::<Vec<_>>()
                .join(" ")
        }
    }

    /// Ticket `i` of a generated desk: most resolved with a note, some with
    /// replies and customer messages, some open.
    fn generated(dice: &mut Dice, i: u128) -> Ticket {
        let mut toml = format!(
            "id = \"{}\"\ntitle = \"{}\"\nstatus = \"open\"\nowner = \"ana\"\n\
             created = 2026-11-20T09:14:00Z\nupdated = 2026-11-20T09:14:00Z\n\
             description = \"{}\"\n\n\
             [[events]]\nat = 2026-11-20T09:14:00Z\nby = \"ana\"\nkind = \"created\"\nto = \"ana\"\n",
            Uuid::from_u128(0x1000 + i * 0x1_0000_0000),
            dice.text(5),
            dice.text(12),
        );
        for _ in 0..dice.roll(3) {
            let kind = ["reply", "customer"][dice.roll(2)];
            toml.push_str(&format!(
                "\n[[events]]\nat = 2026-11-20T10:00:00Z\nby = \"ana\"\nkind = \"{kind}\"\ntext = \"{}\"\n",
                dice.text(10)
            ));
        }
        if dice.roll(4) > 0 {
            toml.push_str(&format!(
                "\n[[events]]\nat = 2026-11-20T11:00:00Z\nby = \"ana\"\nkind = \"status\"\n\
                 from = \"open\"\nto = \"resolved\"\nnote = \"{}\"\n",
                dice.text(6)
            ));
        }
        let mut t = Ticket::parse(&toml).unwrap();
        t.sync_state();
        t
    }

    /// A generated desk of `n` tickets in a new temp folder, and the store as
    /// a run that began well after every file settled opens it.
    fn desk(n: u128, seed: u64) -> (tempfile::TempDir, Store, Vec<Ticket>) {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("tickets");
        fs::create_dir_all(dir.join(".local")).unwrap();
        fs::write(
            dir.join("baton.toml"),
            "[[people]]\nname = \"ana\"\nlevel = 1\n",
        )
        .unwrap();
        let mut dice = Dice(seed);
        let tickets: Vec<Ticket> = (0..n).map(|i| generated(&mut dice, i)).collect();
        for t in &tickets {
            fs::write(dir.join(format!("{}.toml", t.id)), t.to_toml()).unwrap();
        }
        let store = opened(&dir);
        (root, store, tickets)
    }

    /// The store as a run opens it, its clock set well after every file's
    /// change, so that what it reads is kept.
    fn opened(dir: &Path) -> Store {
        #[allow(clippy::disallowed_methods)] // the test stands in for ctx
        let later = SystemTime::now() + Duration::from_secs(10);
        Store::at(dir, dir).started(later)
    }

    fn index_file(store: &Store) -> std::path::PathBuf {
        store.cache_dir().unwrap().join(FILE)
    }

    /// What ranking the tickets in memory gives, as ids and exact scores.
    fn in_memory(tickets: &[Ticket], asked: &Ticket) -> Vec<(Uuid, u64)> {
        Index::new(tickets)
            .similar(asked, 5)
            .into_iter()
            .map(|m| (m.id, m.score.to_bits()))
            .collect()
    }

    fn from_index(store: &Store, asked: &Ticket) -> Vec<(Uuid, u64)> {
        let words = store.words().unwrap();
        assert!(words.problems.is_empty());
        words
            .similar(asked, 5)
            .into_iter()
            .map(|(id, score)| (id, score.to_bits()))
            .collect()
    }

    #[track_caller]
    fn assert_ranks_as_memory(store: &Store, tickets: &[Ticket], case: &str) {
        for asked in tickets.iter().step_by(7) {
            let want = in_memory(tickets, asked);
            assert!(!want.is_empty(), "the desk has similar tickets");
            assert_eq!(from_index(store, asked), want, "{case}: {}", asked.id);
        }
    }

    /// Damages the index file in place.
    type Damage = fn(&Path);

    #[cfg(unix)]
    #[test]
    fn the_index_ranks_exactly_as_the_tickets_in_memory_in_every_state() {
        let (_root, store, mut tickets) = desk(120, 7);
        assert_ranks_as_memory(&store.clone().without_cache(), &tickets, "cache off");
        assert!(!index_file(&store).exists(), "the cache stays off");
        assert_ranks_as_memory(&store, &tickets, "cold");
        let kept = fs::read(index_file(&store)).unwrap();
        assert_ranks_as_memory(&store, &tickets, "warm");
        assert_eq!(
            fs::read(index_file(&store)).unwrap(),
            kept,
            "nothing to rewrite"
        );

        // Damaged in every way a file can be: the answers stay, the index is
        // rebuilt whole.
        let damages: [(&str, Damage); 6] = [
            ("flipped", |p| {
                let mut b = fs::read(p).unwrap();
                let mid = b.len() / 2;
                b[mid] ^= 0xff;
                fs::write(p, b).unwrap();
            }),
            ("truncated", |p| {
                let b = fs::read(p).unwrap();
                fs::write(p, &b[..b.len() / 2]).unwrap();
            }),
            ("empty", |p| fs::write(p, b"").unwrap()),
            ("deleted", |p| fs::remove_file(p).unwrap()),
            ("another format", |p| {
                let mut b = fs::read(p).unwrap();
                // the cache's format is the first byte of the payload,
                // after its magic and checksum; the checksum made to fit
                b[12] = b[12].wrapping_add(1);
                let sum = crc32fast::hash(&b[12..]).to_le_bytes();
                b[8..12].copy_from_slice(&sum);
                fs::write(p, b).unwrap();
            }),
            ("a named pipe", |p| {
                fs::remove_file(p).unwrap();
                super::super::folder::mkfifo(p);
            }),
        ];
        for (case, damage) in damages {
            damage(&index_file(&store));
            assert_ranks_as_memory(&store, &tickets, case);
            if index_file(&store).is_file() {
                assert_eq!(
                    fs::read(index_file(&store)).unwrap(),
                    kept,
                    "{case}: rebuilt"
                );
            } else {
                fs::remove_file(index_file(&store)).unwrap();
            }
        }

        // Changed behind its back: one file rewritten, one removed, one added.
        let dir = store.dir().to_path_buf();
        tickets[3].title = "printer crash invoice".into();
        tickets[3].description = "the printer crashes at every invoice".into();
        fs::write(
            dir.join(format!("{}.toml", tickets[3].id)),
            tickets[3].to_toml(),
        )
        .unwrap();
        let gone = tickets.remove(10);
        fs::remove_file(dir.join(format!("{}.toml", gone.id))).unwrap();
        let mut dice = Dice(99);
        let added = generated(&mut dice, 500);
        fs::write(dir.join(format!("{}.toml", added.id)), added.to_toml()).unwrap();
        tickets.push(added);
        tickets.sort_by_key(|t| t.id);
        assert_ranks_as_memory(&store, &tickets, "changed");
        assert_ranks_as_memory(&store, &tickets, "changed, warm");

        // Stale: a whole, valid index of another desk with the same ids.
        let (_other, twin, _) = desk(120, 8);
        twin.words().unwrap();
        fs::copy(index_file(&twin), index_file(&store)).unwrap();
        assert_ranks_as_memory(&store, &tickets, "another desk's index");
    }

    #[test]
    fn a_kept_index_is_read_whole_and_unchanged_files_are_not_read() {
        let (_root, store, tickets) = desk(40, 3);
        store.words().unwrap();
        let body = read_file(&index_file(&store)).expect("the index was kept");
        assert_eq!(body.entries.len(), 40);
        assert!(body.consistent());
        // Every key is used: the vocabulary is exactly the desk's words.
        let used: HashSet<u32> = body
            .entries
            .iter()
            .flat_map(|e| {
                e.terms
                    .iter()
                    .map(|(k, _)| *k)
                    .chain(e.words.iter().copied())
            })
            .collect();
        assert_eq!(used.len(), body.vocabulary.len());
        // A file replaced by one that is not a ticket: its entry goes, its
        // problem is named, the rest still comes from the index.
        let bad = store.path_of(tickets[5].id);
        fs::write(&bad, "title = \"unterminated\n").unwrap();
        let words = store.words().unwrap();
        assert_eq!(words.unindexed, [tickets[5].id]);
        assert_eq!(words.problems.len(), 1);
        assert!(
            words.problems[0]
                .message
                .contains(&tickets[5].id.to_string())
        );
        assert_eq!(words.indexed(), 39);
        let body = read_file(&index_file(&store)).unwrap();
        assert_eq!(body.entries.len(), 39, "the unreadable file left the index");
    }

    #[test]
    fn what_changed_too_recently_is_used_but_not_kept() {
        let (_root, store, _) = desk(10, 5);
        #[allow(clippy::disallowed_methods)] // the test stands in for ctx
        let now = SystemTime::now();
        let fresh = Store::at(store.dir(), store.dir()).started(now);
        assert_eq!(fresh.words().unwrap().indexed(), 10);
        assert!(
            !index_file(&store).exists(),
            "files changed within the settling time are not kept"
        );
    }

    #[test]
    fn search_candidates_hold_every_ticket_that_matches() {
        let (_root, store, tickets) = desk(120, 11);
        store.words().unwrap();
        let queries: &[&[&str]] = &[
            &["export"],
            &["PORT"],
            &["xport", "crash"],
            &["kelvin"],
            &["ELVIN"],
            &["safari"],
            &["crème"],
            &["rème"],
            &["brûlée", "vat"],
            &["e-mail"],
            &["voice@x"],
            &["nothingatall"],
        ];
        for words in queries {
            let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            let query = Query::new(&words).unwrap();
            let matching: Vec<Uuid> = tickets
                .iter()
                .filter(|t| query.find(t).is_some())
                .map(|t| t.id)
                .collect();
            let candidates = store
                .candidates(query.pieces())
                .unwrap()
                .expect("every query here has ASCII letters");
            for id in &matching {
                assert!(candidates.contains(id), "{words:?}: {id} matches");
            }
            assert!(candidates.len() < tickets.len() || matching.len() == tickets.len());
        }
        let none = Query::new(&["é".to_string()]).unwrap();
        assert_eq!(
            store.candidates(none.pieces()).unwrap(),
            None,
            "nothing to narrow by"
        );
        let off = store.clone().without_cache();
        let query = Query::new(&["export".to_string()]).unwrap();
        assert_eq!(
            off.candidates(query.pieces()).unwrap(),
            None,
            "no index with the cache off"
        );
    }

    /// The bytes an index is kept as. When this changes, so does what an
    /// older file means: bump `FORMAT` (so old files are ignored, not
    /// misread), then accept the new bytes.
    #[test]
    fn the_kept_shape_changes_only_with_the_format() {
        let body = Body {
            vocabulary: vec!["export".into(), "fail".into()],
            entries: vec![Entry {
                id: Uuid::from_u128(7),
                stamp: Stamp {
                    size: 1,
                    inode: 2,
                    modified: (3, 4),
                    changed: (5, 6),
                },
                resolved: true,
                len: 3,
                terms: vec![(0, 2), (1, 1)],
                words: vec![0],
            }],
        };
        let bytes = postcard::to_stdvec(&body).unwrap();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(FORMAT, 1, "update the bytes below with the format");
        insta::assert_snapshot!(hex, @"02066578706f7274046661696c011000000000000000000000000000000007010206080a0c010302000201010100");
    }
}
