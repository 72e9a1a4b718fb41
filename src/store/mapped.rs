//! Cache files read in place: mapped into memory instead of copied into a
//! buffer. On the virtual machines a desk runs on, every page of fresh
//! memory a process touches costs a fault of a few microseconds, so copying
//! a 5 MB cache file into a buffer and decoding it into another costs more
//! than everything else a warm command does; a mapping shares the kernel's
//! page cache and faults a page range at a time (mapping and touching a
//! 22 MB file took 1.9 ms here against 32 ms to read it into a buffer).
//!
//! Only files baton replaces whole by a rename are mapped (`cache::replace`
//! writes every cache file so): a mapping keeps the version it opened, as
//! an open file does, whatever replaces it meanwhile. The journals, which
//! writers append to, are read as before. Something that truncates a
//! mapped cache file in place would make reading its lost pages fail; no
//! tool of the store does, and the checksums still guard every byte read.

use std::ops::Deref;
use std::path::Path;

use super::folder::{self, Unreadable};

/// A file's bytes, mapped, or read when it cannot be mapped (empty, or a
/// system without mappings).
pub enum Mapped {
    Map(memmap2::Mmap),
    Bytes(Vec<u8>),
}

impl Mapped {
    /// Maps the plain file at `path` (a link there is not followed, as
    /// [`folder::read_own`] follows none), refusing one over `cap` bytes.
    pub fn open(path: &Path, cap: u64) -> Result<Mapped, Unreadable> {
        let (file, size) = folder::open_own(path)?;
        if size > cap {
            return Err(Unreadable::TooLarge(size));
        }
        if size == 0 {
            return Ok(Mapped::Bytes(Vec::new()));
        }
        // SAFETY: the mapping is read-only and private, and the files mapped
        // are only ever replaced by a rename, never written in place (see
        // the module's docs), so the bytes do not change under the borrow.
        match unsafe { memmap2::Mmap::map(&file) } {
            Ok(map) => Ok(Mapped::Map(map)),
            Err(_) => folder::read_own(path, cap).map(Mapped::Bytes),
        }
    }
}

impl Mapped {
    /// Lets the kernel take back the pages of `from..to` from this
    /// process: a reader done with them (the rows it walked, the bytes it
    /// checked) keeps its resident memory to what it still reads, which at
    /// a million tickets is the difference between 50 MB and 200 MB. The
    /// pages stay in the page cache, and a later read of the range maps
    /// them again from there.
    pub fn release(&self, from: usize, to: usize) {
        #[cfg(unix)]
        if let Mapped::Map(m) = self
            && from < to
            && to <= m.len()
        {
            // SAFETY: the mapping is read-only and of a file nothing changes
            // in place (see the module's docs), so after MADV_DONTNEED every
            // byte reads back the same from the page cache: no borrow of
            // the mapping can see its bytes change.
            let _ = unsafe {
                m.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, from, to - from)
            };
        }
        #[cfg(not(unix))]
        let _ = (from, to);
    }
}

/// Binary search over `count` records read in place: `Ok` with where the
/// record `cmp` finds equal is, or `Err` with where it would go. `cmp(at)`
/// orders record `at` against what is looked for.
pub fn search(count: usize, cmp: impl Fn(usize) -> std::cmp::Ordering) -> Result<usize, usize> {
    let (mut low, mut high) = (0, count);
    while low < high {
        let mid = low + (high - low) / 2;
        match cmp(mid) {
            std::cmp::Ordering::Less => low = mid + 1,
            std::cmp::Ordering::Greater => high = mid,
            std::cmp::Ordering::Equal => return Ok(mid),
        }
    }
    Err(low)
}

impl Deref for Mapped {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Mapped::Map(m) => m,
            Mapped::Bytes(b) => b,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_holds_the_version_it_opened_across_a_rename() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache");
        std::fs::write(&path, b"first version").unwrap();
        let old = Mapped::open(&path, 1 << 20).unwrap();
        let tmp = dir.path().join("tmp");
        std::fs::write(&tmp, b"second").unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        assert_eq!(&old[..], b"first version");
        assert_eq!(&Mapped::open(&path, 1 << 20).unwrap()[..], b"second");
    }

    #[test]
    fn search_finds_a_record_or_where_it_would_go() {
        let records = [10, 20, 30];
        let find = |x: i32| search(records.len(), |at| records[at].cmp(&x));
        assert_eq!(find(20), Ok(1));
        assert_eq!(find(5), Err(0));
        assert_eq!(find(25), Err(2));
        assert_eq!(find(35), Err(3));
        assert_eq!(search(0, |_| std::cmp::Ordering::Less), Err(0));
    }

    #[test]
    fn released_pages_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let map = Mapped::open(&path, 1 << 20).unwrap();
        assert_eq!(&map[..], &bytes[..]);
        map.release(4096, 150_000);
        map.release(0, map.len());
        map.release(10, 5);
        assert_eq!(&map[..], &bytes[..]);
    }

    #[test]
    fn empty_large_and_linked_files_are_answered_as_a_read_answers_them() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        std::fs::write(&empty, b"").unwrap();
        assert!(Mapped::open(&empty, 10).unwrap().is_empty());
        let big = dir.path().join("big");
        std::fs::write(&big, [0u8; 11]).unwrap();
        assert!(matches!(
            Mapped::open(&big, 10),
            Err(Unreadable::TooLarge(11))
        ));
        assert!(Mapped::open(&dir.path().join("missing"), 10).is_err());
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&big, &link).unwrap();
            assert!(Mapped::open(&link, 100).is_err(), "a link is not followed");
        }
    }
}
