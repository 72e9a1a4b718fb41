//! The word index in `.local/cache/words`: for every ticket file, the stamp
//! of the version it was read from, whether the ticket is resolved, and its
//! words twice over: the stemmed terms `similar` ranks by (BM25, with their
//! counts and the document's length, `core::similar`) and the folded words
//! `search` narrows by (`core::search::words`). Both are keys of one sorted
//! vocabulary kept in the same file.
//!
//! The file is read in place, mapped (`mapped.rs`): a header, the
//! vocabulary (offsets, then the words' bytes), a fixed-width row per file,
//! then every file's terms and words one run after another. A search walks
//! the vocabulary and the rows' words where they lie, and `similar` decodes
//! the terms of only the tickets sharing one with the question, so neither
//! decodes the index whole.
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

use super::cache::{STAMP, Stamp};
use super::mapped::Mapped;
use super::read::Raw;
use super::{Store, cache, par};
use crate::core::ticket::Ticket;
use crate::core::{search, similar};
use crate::error::{Error, Result};

/// The index's file name in the cache folder.
pub const FILE: &str = "words";
/// Bumped whenever what the index holds changes shape or meaning: how text
/// is cut into terms or words, or the layout below.
const FORMAT: u32 = 2;
const MAGIC: &[u8; 8] = b"baton\0t\n";
/// The cache's head (`cache::head`), this index's format, then the counts:
/// words of the vocabulary, their bytes, rows, terms, search words.
const HEAD: usize = cache::HEAD + 4 + 5 * 8;
/// A row: id 16, stamp, resolved 4, length 4, then where its terms and its
/// words lie (start and count, 4 each).
const ROW: usize = 16 + STAMP + 4 + 4 + 16;

/// One ticket file's words read now, with the stamp of the version they
/// are of; keys as [`Words`] numbers them.
#[derive(Clone)]
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

/// The kept index file, read in place.
struct Index {
    bytes: Mapped,
    /// Words in the vocabulary, and where its offsets and bytes begin.
    vocabulary: usize,
    offsets: usize,
    text: usize,
    text_len: usize,
    /// Rows, and where they, the terms and the words begin.
    rows: usize,
    rows_at: usize,
    terms_at: usize,
    terms: usize,
    words_at: usize,
    words: usize,
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |b| u32::from_le_bytes(b.try_into().unwrap_or_default()))
}

/// A kept row, as read.
struct Row<'a> {
    id: &'a [u8],
    stamp: Stamp,
    resolved: bool,
    len: u32,
    terms: &'a [u8],
    words: &'a [u8],
}

impl Index {
    /// The index at `path`, when it is whole, of this format and version,
    /// its rows in id order and its vocabulary sorted; `None` otherwise.
    fn open(path: &Path) -> Option<Index> {
        let bytes = Mapped::open(path, cache::MAX_SIZE).ok()?;
        if !cache::sealed(&bytes, MAGIC) {
            return None;
        }
        let head = bytes.get(..HEAD)?;
        if u32_at(head, cache::HEAD) != FORMAT {
            return None;
        }
        let count = |at: usize| -> Option<usize> {
            usize::try_from(u64::from_le_bytes(head[at..at + 8].try_into().ok()?)).ok()
        };
        let (vocabulary, text_len, rows, terms, words) =
            (count(36)?, count(44)?, count(52)?, count(60)?, count(68)?);
        let offsets = HEAD;
        let text = offsets.checked_add(vocabulary.checked_add(1)?.checked_mul(4)?)?;
        let rows_at = text.checked_add(text_len)?;
        let terms_at = rows_at.checked_add(rows.checked_mul(ROW)?)?;
        let words_at = terms_at.checked_add(terms.checked_mul(8)?)?;
        let end = words_at.checked_add(words.checked_mul(4)?)?;
        let index = Index {
            bytes,
            vocabulary,
            offsets,
            text,
            text_len,
            rows,
            rows_at,
            terms_at,
            terms,
            words_at,
            words,
        };
        let whole = index.bytes.len() == end
            && (1..rows).all(|at| index.id(at - 1) < index.id(at))
            && (1..vocabulary).all(|k| index.word(k as u32 - 1) < index.word(k as u32));
        // Checked whole; from here on only what a reader reads is mapped.
        index.bytes.release(0, index.bytes.len());
        whole.then_some(index)
    }

    fn id(&self, at: usize) -> &[u8] {
        &self.bytes[self.rows_at + at * ROW..self.rows_at + at * ROW + 16]
    }

    /// Word `k` of the vocabulary ("" for a key out of range).
    fn word(&self, k: u32) -> &str {
        let k = k as usize;
        if k >= self.vocabulary {
            return "";
        }
        let from = u32_at(&self.bytes, self.offsets + k * 4) as usize;
        let to = u32_at(&self.bytes, self.offsets + k * 4 + 4) as usize;
        let text = &self.bytes[self.text..self.text + self.text_len];
        text.get(from..to)
            .and_then(|w| std::str::from_utf8(w).ok())
            .unwrap_or("")
    }

    /// The key of `word` in the vocabulary.
    fn key(&self, word: &str) -> Option<u32> {
        super::mapped::search(self.vocabulary, |k| self.word(k as u32).cmp(word))
            .ok()
            .map(|k| k as u32)
    }

    fn row(&self, at: usize) -> Row<'_> {
        let r = &self.bytes[self.rows_at + at * ROW..self.rows_at + (at + 1) * ROW];
        let run = |at: usize, of: usize, start: usize, size: usize| -> &[u8] {
            let (from, n) = (u32_at(r, at) as usize, u32_at(r, at + 4) as usize);
            if from.saturating_add(n) > of {
                return &[];
            }
            &self.bytes[start + from * size..start + (from + n) * size]
        };
        Row {
            id: &r[..16],
            stamp: Stamp::decode(r[16..16 + STAMP].try_into().unwrap_or(&[0; STAMP])),
            resolved: u32_at(r, 16 + STAMP) == 1,
            len: u32_at(r, 20 + STAMP),
            terms: run(24 + STAMP, self.terms, self.terms_at, 8),
            words: run(32 + STAMP, self.words, self.words_at, 4),
        }
    }
}

/// Keys in `bytes`, four little-endian bytes each.
fn keys(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|k| u32::from_le_bytes(k.try_into().unwrap_or_default()))
}

/// Terms with counts in `bytes`, as the index keeps them.
fn pairs(bytes: &[u8]) -> impl Iterator<Item = (u32, u32)> + '_ {
    bytes.chunks_exact(8).map(|p| {
        (
            u32::from_le_bytes(p[..4].try_into().unwrap_or_default()),
            u32::from_le_bytes(p[4..].try_into().unwrap_or_default()),
        )
    })
}

/// Where an entry of [`Words`] lies.
#[derive(Clone, Copy)]
enum Slot {
    /// A row of the kept index.
    Kept(usize),
    /// An entry read now.
    Read(usize),
}

/// The word index of a store as its files are now: an entry for every
/// readable ticket file, and the problem of each file that could not be read.
/// Keys below the kept vocabulary's size are its words; the rest are the
/// words only files read now have, in `extra`.
pub struct Words {
    kept: Option<Index>,
    slots: Vec<Slot>,
    read: Vec<Entry>,
    extra: Vec<String>,
    extra_keys: HashMap<String, u32>,
    /// Ticket files without an entry, because they could not be read; in id
    /// order.
    pub unindexed: Vec<Uuid>,
    /// Why each of them could not be read.
    pub problems: Vec<Error>,
    /// Every ticket file's id, sorted (for short ids).
    pub ids: Vec<Uuid>,
}

impl Words {
    /// No entries yet, over the kept index `kept`.
    fn over(kept: Option<Index>) -> Words {
        Words {
            kept,
            slots: Vec::new(),
            read: Vec::new(),
            extra: Vec::new(),
            extra_keys: HashMap::new(),
            unindexed: Vec::new(),
            problems: Vec::new(),
            ids: Vec::new(),
        }
    }

    fn base(&self) -> u32 {
        self.kept.as_ref().map_or(0, |k| k.vocabulary as u32)
    }

    /// Word `k`, of either vocabulary.
    fn word(&self, k: u32) -> &str {
        match k.checked_sub(self.base()) {
            Some(extra) => self.extra.get(extra as usize).map_or("", String::as_str),
            None => self.kept.as_ref().map_or("", |i| i.word(k)),
        }
    }

    /// The key of `word`, if any file has it.
    fn key(&self, word: &str) -> Option<u32> {
        self.kept
            .as_ref()
            .and_then(|i| i.key(word))
            .or_else(|| self.extra_keys.get(word).copied())
    }

    /// The key of `word`, made when no file has it yet.
    fn key_or_add(&mut self, word: &str) -> u32 {
        if let Some(k) = self.key(word) {
            return k;
        }
        let k = self.base() + self.extra.len() as u32;
        self.extra.push(word.to_string());
        self.extra_keys.insert(word.to_string(), k);
        k
    }

    /// The entry of what `r` records, its words made keys.
    fn entry_of(&mut self, r: &Record) -> Entry {
        let mut terms: Vec<(u32, u32)> = r
            .terms
            .iter()
            .map(|(w, c)| (self.key_or_add(w), *c))
            .collect();
        terms.sort_unstable();
        let mut words: Vec<u32> = r.words.iter().map(|w| self.key_or_add(w)).collect();
        words.sort_unstable();
        Entry {
            id: r.id,
            stamp: r.stamp,
            resolved: r.resolved,
            len: r.len,
            terms,
            words,
        }
    }

    /// The `n` resolved tickets most like `asked`, best first, with their
    /// BM25 scores (`core::similar::rank`, so exactly what ranking the
    /// tickets in memory gives). Only the terms of tickets sharing one with
    /// the question are decoded.
    pub fn similar(&self, asked: &Ticket, n: usize) -> Vec<(Uuid, f64)> {
        let query = similar::query_of(&similar::stemmer(), asked);
        // In the query's own (sorted) order, as the ranking in memory sums.
        let query: Vec<u32> = query.iter().filter_map(|w| self.key(w)).collect();
        let wanted: HashSet<u32> = query.iter().copied().collect();
        let mut corpus = similar::Corpus::default();
        // The tickets sharing a term: id, length, terms.
        type Sharing = (Uuid, u32, Vec<(u32, u32)>);
        let mut sharing: Vec<Sharing> = Vec::new();
        let mut tf: Vec<(u32, u32)> = Vec::new();
        self.each(&|_| true, |id, _, (resolved, len), terms, _| {
            if !resolved {
                return;
            }
            corpus.docs += 1;
            corpus.len += u64::from(len);
            tf.clear();
            tf.extend(terms);
            if tf.iter().any(|(k, _)| wanted.contains(k)) {
                sharing.push((id, len, tf.clone()));
            }
        });
        let docs: Vec<similar::Doc> = sharing
            .iter()
            .map(|(id, len, tf)| similar::Doc {
                id: *id,
                len: *len,
                tf,
            })
            .collect();
        similar::rank(&docs, corpus, &query, asked.id, n)
    }

    /// The ticket files that may hold every piece (`search::Query::pieces`)
    /// inside one of their words, with every file that has no entry; in id
    /// order. `None` when there are no pieces: then nothing can be ruled out.
    pub fn candidates<'a>(&self, pieces: impl IntoIterator<Item = &'a str>) -> Option<Vec<Uuid>> {
        let all = self.base() + self.extra.len() as u32;
        let masks: Vec<Vec<bool>> = pieces
            .into_iter()
            .map(|p| (0..all).map(|k| self.word(k).contains(p)).collect())
            .collect();
        if masks.is_empty() {
            return None;
        }
        let mut out: Vec<Uuid> = Vec::new();
        let mut words: Vec<u32> = Vec::new();
        self.each(&|_| true, |id, _, _, _, these| {
            words.clear();
            words.extend(these);
            if masks
                .iter()
                .all(|m| words.iter().any(|k| m.get(*k as usize) == Some(&true)))
            {
                out.push(id);
            }
        });
        out.extend(self.unindexed.iter().copied());
        out.sort_unstable();
        Some(out)
    }

    /// How many ticket files have an entry.
    pub fn indexed(&self) -> usize {
        self.slots.len()
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

/// A journal record: what one file at one stamp gives the index, as words
/// (the kept vocabulary's keys would not survive the next rewrite). Only
/// files that parse are recorded: one that does not is read every time, for
/// its problem to be shown.
#[derive(Serialize, Deserialize)]
struct Record {
    id: Uuid,
    stamp: Stamp,
    resolved: bool,
    len: u32,
    terms: Vec<(String, u32)>,
    words: Vec<String>,
}

impl Record {
    fn of(id: Uuid, stamp: Stamp, read: Read) -> Record {
        Record {
            id,
            stamp,
            resolved: read.terms.resolved,
            len: read.terms.len,
            terms: read.terms.counts,
            words: read.words,
        }
    }
}

impl Store {
    /// The word index, current with every ticket file: entries of unchanged
    /// files come from `.local/cache/words`, every other file is read (on
    /// every core) and the index kept for next time.
    pub fn words(&self) -> Result<Words> {
        let kept = self.kept_words();
        self.words_from(kept)
    }

    /// The word index when one is kept, brought up to date like
    /// [`Store::words`]; `None` when there is none to start from (after a
    /// clone, with the cache off, or one that cannot be used), so that a
    /// command which only narrows by it need not read every file to build it.
    pub fn words_if_kept(&self) -> Result<Option<Words>> {
        match self.kept_words() {
            Some(kept) => self.words_from(Some(kept)).map(Some),
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

    fn kept_words(&self) -> Option<Index> {
        let path = self.cache_dir()?.join(FILE);
        Index::open(&path)
    }

    fn words_from(&self, kept: Option<Index>) -> Result<Words> {
        let start = self.started;
        let listing = self.list()?;
        let folder = self.folder()?;
        let path = self.cache_dir().map(|d| d.join(FILE));
        // A journal extends its index; without a whole one it is not read,
        // and the index written below removes it.
        let (records, journal_size) = match (&kept, &path) {
            (Some(_), Some(p)) => cache::read_journal::<Record>(&cache::journal(p)),
            _ => (Vec::new(), 0),
        };
        let records = cache::newest_of_each(records, |r| r.id);
        let (old_count, kept_size) = kept
            .as_ref()
            .map_or((0, 0), |k| (k.rows, k.bytes.len() as u64));
        let mut words = Words::over(kept);
        // Where each file's entry will be: a kept row, a record of the
        // journal, or read now (todo).
        let mut todo: Vec<(usize, Option<Stamp>)> = Vec::new();
        let mut planned: Vec<Option<Slot>> = Vec::with_capacity(listing.ids.len());
        let (mut row, mut kept_rows, mut journaled) = (0, 0, 0);
        for first in (0..listing.ids.len()).step_by(super::listing::CHUNK) {
            let ids = &listing.ids[first..(first + super::listing::CHUNK).min(listing.ids.len())];
            // Stat before reading: a change after the stat then shows as a
            // different stamp next time, never as stale words.
            let stamps = self.stamps(&folder, ids);
            for (j, (id, stamp)) in ids.iter().zip(stamps).enumerate() {
                let record = records
                    .binary_search_by_key(id, |r| r.id)
                    .ok()
                    .filter(|at| Some(records[*at].stamp) == stamp);
                if let Some(at) = record {
                    journaled += 1;
                    planned.push(Some(Slot::Read(words.read.len())));
                    let entry = words.entry_of(&records[at]);
                    words.read.push(entry);
                    continue;
                }
                let found = words.kept.as_ref().and_then(|k| {
                    while row < k.rows && k.id(row) < id.as_bytes().as_slice() {
                        row += 1;
                    }
                    (row < k.rows && k.id(row) == id.as_bytes() && Some(k.row(row).stamp) == stamp)
                        .then_some(row)
                });
                match found {
                    Some(at) => {
                        kept_rows += 1;
                        planned.push(Some(Slot::Kept(at)));
                    }
                    None => {
                        planned.push(None);
                        todo.push((first + j, stamp));
                    }
                }
            }
        }
        self.stamped_all(&listing.ids);
        // Rows of files gone or changed are dead weight: past a quarter of
        // the index, or with the journal grown, the index is written whole;
        // otherwise what is read now is appended to the journal.
        let folded = words.kept.is_none()
            || cache::outgrown(journal_size, kept_size)
            || old_count.saturating_sub(kept_rows) > (old_count / 4).max(64);
        let stemmer = similar::stemmer();
        // Whether each entry may be kept: true for the index's rows and the
        // journal's records, and for files read now that have settled.
        let mut keep = vec![true; words.read.len()];
        let mut fresh = Vec::new();
        // Read a slice at a time, so that only one slice's words are held
        // as strings before they become keys.
        for part in todo.chunks(READ_AT_ONCE) {
            let read = par::map(part, |&(i, _)| {
                self.raw_in(&folder, listing.ids[i])
                    .and_then(Raw::ticket)
                    .map(|t| Read::of(&stemmer, &t))
            });
            for (&(i, stamp), r) in part.iter().zip(read) {
                let r = match r {
                    Ok(r) => r,
                    Err(e) => {
                        words.problems.push(e);
                        words.unindexed.push(listing.ids[i]);
                        continue;
                    }
                };
                let record = Record::of(listing.ids[i], stamp.unwrap_or(NO_STAMP), r);
                // A file read but no longer there to stat is used, never kept.
                let settled = stamp.is_some_and(|s| s.settled(start));
                keep.push(settled);
                planned[i] = Some(Slot::Read(words.read.len()));
                let entry = words.entry_of(&record);
                words.read.push(entry);
                // Written whole, the index holds the entry; only a journal
                // needs the record.
                if settled && !folded {
                    fresh.push(record);
                }
            }
        }
        words.slots = planned.into_iter().flatten().collect();
        words.ids = listing.ids;
        // The journal is part of the index.
        self.trace(format_args!(
            "words: {} from the index, {} read from files",
            kept_rows + journaled,
            todo.len()
        ));
        let Some(path) = path else { return Ok(words) };
        let settled_read = keep[journaled..].contains(&true);
        if folded && (settled_read || journaled > 0 || kept_rows != old_count) {
            if self.keep(&path, |p| cache::replace(p, &words.file(&keep))) {
                let _ = std::fs::remove_file(cache::journal(&path));
            }
        } else if !folded
            && !fresh.is_empty()
            && let Err(e) = cache::append(&cache::journal(&path), &fresh)
        {
            self.trace(format_args!("cache not written: {e}"));
        }
        Ok(words)
    }
}

impl Words {
    /// The index file of every entry but those read now that may not be
    /// kept (`keep` is false for them), with a vocabulary of only the
    /// words they use, sorted (files deleted or changed leave words nobody
    /// uses).
    fn file(&self, keep: &[bool]) -> Vec<u8> {
        let kept_slot = |slot: &Slot| match *slot {
            Slot::Kept(_) => true,
            Slot::Read(at) => keep.get(at) == Some(&true),
        };
        // The words used, sorted, and each old key's new one.
        let all = (self.base() + self.extra.len() as u32) as usize;
        let mut used = vec![false; all];
        self.each(&kept_slot, |_, _, _, terms, words| {
            for k in terms.map(|(k, _)| k).chain(words) {
                if let Some(u) = used.get_mut(k as usize) {
                    *u = true;
                }
            }
        });
        let mut order: Vec<u32> = (0..all as u32).filter(|k| used[*k as usize]).collect();
        order.sort_by(|a, b| self.word(*a).cmp(self.word(*b)));
        let mut new_key = vec![u32::MAX; all];
        for (new, old) in order.iter().enumerate() {
            new_key[*old as usize] = new as u32;
        }
        let mut offsets: Vec<u8> = Vec::with_capacity((order.len() + 1) * 4);
        let mut text: Vec<u8> = Vec::new();
        for k in &order {
            offsets.extend_from_slice(&(text.len() as u32).to_le_bytes());
            text.extend_from_slice(self.word(*k).as_bytes());
        }
        offsets.extend_from_slice(&(text.len() as u32).to_le_bytes());
        // Sized first, then filled where each part lies: the file is built
        // in one buffer (at 100,000 tickets it is 35 MB).
        let (mut n_rows, mut n_terms, mut n_words) = (0usize, 0usize, 0usize);
        self.each(&kept_slot, |_, _, _, terms, words| {
            n_rows += 1;
            n_terms += terms.count();
            n_words += words.count();
        });
        let rows_at = HEAD + offsets.len() + text.len();
        let mut terms_at = rows_at + n_rows * ROW;
        let mut words_at = terms_at + n_terms * 8;
        let mut out = vec![0u8; words_at + n_words * 4];
        out[..cache::HEAD].copy_from_slice(&cache::head(MAGIC));
        out[cache::HEAD..cache::HEAD + 4].copy_from_slice(&FORMAT.to_le_bytes());
        for (i, n) in [order.len(), text.len(), n_rows, n_terms, n_words]
            .into_iter()
            .enumerate()
        {
            out[36 + i * 8..44 + i * 8].copy_from_slice(&(n as u64).to_le_bytes());
        }
        out[HEAD..HEAD + offsets.len()].copy_from_slice(&offsets);
        out[HEAD + offsets.len()..rows_at].copy_from_slice(&text);
        let (mut row_at, mut term, mut word) = (rows_at, 0u32, 0u32);
        let put = |out: &mut Vec<u8>, at: &mut usize, bytes: &[u8]| {
            out[*at..*at + bytes.len()].copy_from_slice(bytes);
            *at += bytes.len();
        };
        self.each(&kept_slot, |id, stamp, (resolved, len), terms, words| {
            let mut terms: Vec<(u32, u32)> = terms.map(|(k, c)| (new_key[k as usize], c)).collect();
            terms.sort_unstable();
            let mut words: Vec<u32> = words.map(|k| new_key[k as usize]).collect();
            words.sort_unstable();
            put(&mut out, &mut row_at, id.as_bytes());
            put(&mut out, &mut row_at, &stamp.encode());
            put(&mut out, &mut row_at, &u32::from(resolved).to_le_bytes());
            put(&mut out, &mut row_at, &len.to_le_bytes());
            put(&mut out, &mut row_at, &term.to_le_bytes());
            put(&mut out, &mut row_at, &(terms.len() as u32).to_le_bytes());
            put(&mut out, &mut row_at, &word.to_le_bytes());
            put(&mut out, &mut row_at, &(words.len() as u32).to_le_bytes());
            for (k, c) in &terms {
                put(&mut out, &mut terms_at, &k.to_le_bytes());
                put(&mut out, &mut terms_at, &c.to_le_bytes());
            }
            for k in &words {
                put(&mut out, &mut words_at, &k.to_le_bytes());
            }
            term += terms.len() as u32;
            word += words.len() as u32;
        });
        cache::seal(&mut out);
        out
    }

    /// Calls `f` with every entry `keep` accepts, in id order: its id,
    /// stamp, whether resolved and length, its terms and its words.
    #[allow(clippy::type_complexity)]
    fn each(
        &self,
        keep: &dyn Fn(&Slot) -> bool,
        mut f: impl FnMut(
            Uuid,
            Stamp,
            (bool, u32),
            &mut dyn Iterator<Item = (u32, u32)>,
            &mut dyn Iterator<Item = u32>,
        ),
    ) {
        for slot in self.slots.iter().filter(|s| keep(s)) {
            match *slot {
                Slot::Kept(at) => {
                    let Some(kept) = &self.kept else { continue };
                    let row = kept.row(at);
                    let id = Uuid::from_slice(row.id).unwrap_or_default();
                    f(
                        id,
                        row.stamp,
                        (row.resolved, row.len),
                        &mut pairs(row.terms),
                        &mut keys(row.words),
                    );
                }
                Slot::Read(at) => {
                    let e = &self.read[at];
                    f(
                        e.id,
                        e.stamp,
                        (e.resolved, e.len),
                        &mut e.terms.iter().copied(),
                        &mut e.words.iter().copied(),
                    );
                }
            }
        }
    }
}

/// The stamp of an entry used in this run only, never kept.
const NO_STAMP: Stamp = Stamp {
    size: 0,
    inode: 0,
    modified: (0, 0),
    changed: (0, 0),
};

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
        let index = super::Index::open(&index_file(&store)).expect("the index was kept");
        assert_eq!(index.rows, 40);
        // Every key is used and names a word: the vocabulary is exactly the
        // desk's words.
        let used: HashSet<u32> = (0..index.rows)
            .flat_map(|at| {
                let row = index.row(at);
                pairs(row.terms)
                    .map(|(k, _)| k)
                    .chain(keys(row.words))
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(used.len(), index.vocabulary);
        assert!(used.iter().all(|k| !index.word(*k).is_empty()));
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
        // Its row stays in the file, never used again (its stamp is gone),
        // until the index is next written whole: one dead row is not worth
        // writing every other again.
        let again = opened(store.dir()).words().unwrap();
        assert_eq!(again.unindexed, [tickets[5].id]);
        assert_eq!(again.indexed(), 39);
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

    /// The bytes an index is kept as, after its header (which holds
    /// baton's version). When this changes, so does what an older file
    /// means: bump `FORMAT` (so old files are ignored, not misread), then
    /// accept the new bytes.
    #[test]
    fn the_kept_shape_changes_only_with_the_format() {
        let mut words = Words::over(None);
        words.slots.push(Slot::Read(0));
        let record = Record {
            id: Uuid::from_u128(7),
            stamp: Stamp {
                size: 1,
                inode: 2,
                modified: (3, 4),
                changed: (5, 6),
            },
            resolved: true,
            len: 3,
            terms: vec![("fail".into(), 1), ("export".into(), 2)],
            words: vec!["export".into()],
        };
        let entry = words.entry_of(&record);
        words.read.push(entry);
        let bytes = words.file(&[true]);
        let hex: String = bytes[HEAD..].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(FORMAT, 2, "update the bytes below with the format");
        insta::assert_snapshot!(hex, @"00000000060000000a0000006578706f72746661696c00000000000000000000000000000007010000000000000002000000000000000300000000000000040000000600000005000000000000000100000003000000000000000200000000000000010000000000000002000000010000000100000000000000");
        // And it reads back: the vocabulary sorted, the row in place.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        fs::write(&path, &bytes).unwrap();
        let index = super::Index::open(&path).unwrap();
        assert_eq!((index.word(0), index.word(1)), ("export", "fail"));
        let row = index.row(0);
        assert_eq!(pairs(row.terms).collect::<Vec<_>>(), [(0, 2), (1, 1)]);
        assert_eq!(keys(row.words).collect::<Vec<_>>(), [0]);
        assert_eq!((row.resolved, row.len), (true, 3));
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        fs::write(&path, &flipped).unwrap();
        assert!(super::Index::open(&path).is_none(), "a flipped byte");
    }
}
