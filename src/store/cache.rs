//! The read cache in `.local/cache/`: the folder listing and every ticket's
//! summary, each kept with the stamp of what it was read from. It only ever
//! saves work: anything that does not match the files exactly (another
//! version, a checksum that fails, a stamp that differs) is ignored and read
//! again from the files, and failing to write it is never an error.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use uuid::Uuid;

use crate::core::summary::Summary;

/// Bumped whenever what the cache holds changes shape or meaning.
pub const FORMAT: u32 = 6;

/// A change this recent may share its stamp with a later one (file times
/// are coarse), so what was read from it is not cached until it has settled.
const SETTLE: Duration = Duration::from_secs(2);

/// The bytes of an encoded [`Stamp`].
pub const STAMP: usize = 40;

/// What identifies one version of a file without reading it: size, inode,
/// and modification and change times to the nanosecond. A file edited in
/// place, replaced by git or copied over changes at least one of them; the
/// change time cannot be set back by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub(super) size: u64,
    pub(super) inode: u64,
    pub(super) modified: (i64, i64),
    pub(super) changed: (i64, i64),
}

impl Stamp {
    #[cfg(unix)]
    pub fn of(meta: &fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            size: meta.size(),
            inode: meta.ino(),
            modified: (meta.mtime(), meta.mtime_nsec()),
            changed: (meta.ctime(), meta.ctime_nsec()),
        }
    }

    #[cfg(not(unix))]
    pub fn of(meta: &fs::Metadata) -> Stamp {
        let since = |t: std::io::Result<SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or((0, 0), |d| {
                    (d.as_secs() as i64, i64::from(d.subsec_nanos()))
                })
        };
        Stamp {
            size: meta.len(),
            inode: 0,
            modified: since(meta.modified()),
            changed: since(meta.created()),
        }
    }

    /// The stamp as cache files hold it: size, inode, modification time
    /// (seconds, nanoseconds), change time (nanoseconds, seconds), little
    /// endian.
    pub fn encode(&self) -> [u8; STAMP] {
        let mut b = [0u8; STAMP];
        b[0..8].copy_from_slice(&self.size.to_le_bytes());
        b[8..16].copy_from_slice(&self.inode.to_le_bytes());
        b[16..24].copy_from_slice(&self.modified.0.to_le_bytes());
        b[24..28].copy_from_slice(&(self.modified.1 as u32).to_le_bytes());
        b[28..32].copy_from_slice(&(self.changed.1 as u32).to_le_bytes());
        b[32..40].copy_from_slice(&self.changed.0.to_le_bytes());
        b
    }

    /// The stamp [`Stamp::encode`] made `b` of.
    pub fn decode(b: &[u8; STAMP]) -> Stamp {
        let u64_at = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or_default());
        let u32_at = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap_or_default());
        Stamp {
            size: u64_at(0),
            inode: u64_at(8),
            modified: (u64_at(16) as i64, i64::from(u32_at(24))),
            changed: (u64_at(32) as i64, i64::from(u32_at(28))),
        }
    }

    /// Whether the file last changed well before `start`, when this run
    /// began reading. Only then can no later change carry the same stamp.
    /// `start` is the system clock, the one file times come from.
    pub fn settled(&self, start: SystemTime) -> bool {
        let Ok(start) = start.duration_since(SystemTime::UNIX_EPOCH) else {
            return false;
        };
        let latest = self.modified.max(self.changed);
        let cutoff = start.saturating_sub(SETTLE);
        latest.0 >= 0
            && (latest.0 as u64, latest.1 as u32) < (cutoff.as_secs(), cutoff.subsec_nanos())
    }
}

/// The folder listing, valid while the folder's own stamp is unchanged
/// (adding, removing or renaming a file changes it).
#[derive(Debug, PartialEq, Eq)]
pub struct Listing {
    pub folder: Stamp,
    pub ids: Vec<Uuid>,
    /// File names of `*.toml` files not named by an id.
    pub strays: Vec<String>,
}

/// A write through baton that changed the folder: its stamp just before
/// and just after, and the ticket file it added, if it was new. Appended to
/// the listing's journal; a chain of these from the listing's own stamp to
/// the folder's stamp now is the listing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relisted {
    pub before: Stamp,
    pub after: Stamp,
    pub added: Option<Uuid>,
}

const LISTING_MAGIC: &[u8; 8] = b"baton\0l\n";
/// Magic, CRC-32 of the rest, format, version, the folder's stamp, count.
const LISTING_HEAD: usize = 8 + 4 + 4 + 16 + STAMP + 8;

/// Baton's version as fixed-width headers hold it (16 bytes, padded).
pub fn version_bytes() -> [u8; 16] {
    let mut v = [0u8; 16];
    let s = env!("CARGO_PKG_VERSION").as_bytes();
    let n = s.len().min(16);
    v[..n].copy_from_slice(&s[..n]);
    v
}

/// The bytes of the head a cache file read in place begins with: its kind
/// (8 bytes of magic), a CRC-32 of everything after the CRC, the cache's
/// format and baton's version.
pub const HEAD: usize = 8 + 4 + 4 + 16;

/// The head of a cache file of kind `magic`; its CRC is left to [`seal`].
pub fn head(magic: &[u8; 8]) -> [u8; HEAD] {
    let mut h = [0u8; HEAD];
    h[..8].copy_from_slice(magic);
    h[12..16].copy_from_slice(&FORMAT.to_le_bytes());
    h[16..].copy_from_slice(&version_bytes());
    h
}

/// Writes into the head of a whole file the CRC-32 of what follows it.
pub fn seal(bytes: &mut [u8]) {
    let crc = crc32fast::hash(&bytes[12..]);
    bytes[8..12].copy_from_slice(&crc.to_le_bytes());
}

/// Whether `bytes` is a whole cache file of kind `magic` as [`head`] and
/// [`seal`] made it, of this format and version.
pub fn sealed(bytes: &[u8], magic: &[u8; 8]) -> bool {
    bytes.len() >= HEAD
        && bytes[..8] == magic[..]
        && bytes[8..12] == crc32fast::hash(&bytes[12..]).to_le_bytes()
        && bytes[12..HEAD] == head(magic)[12..]
}

/// The newest of each id's records, sorted by id: journal records come
/// oldest first, and the last one of a file is what is known of it.
pub fn newest_of_each<T>(mut records: Vec<T>, id: impl Fn(&T) -> Uuid) -> Vec<T> {
    records.reverse();
    // Stable: of each id's records the newest stays first, and is kept.
    records.sort_by_key(&id);
    records.dedup_by(|a, b| id(a) == id(b));
    records
}

/// Reads the listing file: its ids are 16 bytes each, sorted, so reading
/// it is a copy and a checksum, not a decode (through a small buffer, so the
/// ids are held once); `None` for a missing, foreign, damaged or outdated
/// one.
pub fn read_listing(path: &Path) -> Option<Listing> {
    use std::io::Read;
    let (file, size) = super::folder::open_own(path).ok()?;
    if size > MAX_SIZE {
        return None;
    }
    let mut file = std::io::BufReader::with_capacity(64 << 10, file);
    let mut head = [0u8; LISTING_HEAD];
    file.read_exact(&mut head).ok()?;
    if &head[..8] != LISTING_MAGIC
        || u32::from_le_bytes(head[12..16].try_into().ok()?) != FORMAT
        || head[16..32] != version_bytes()
    {
        return None;
    }
    let mut crc = crc32fast::Hasher::new();
    crc.update(&head[12..]);
    let folder = Stamp::decode(head[32..32 + STAMP].try_into().ok()?);
    let count = usize::try_from(u64::from_le_bytes(head[32 + STAMP..].try_into().ok()?)).ok()?;
    if (count as u64).checked_mul(16)? > size {
        return None;
    }
    let mut ids = Vec::with_capacity(count);
    let mut chunk = [0u8; 16 * 1024];
    let mut left = count;
    while left > 0 {
        let n = left.min(1024);
        let part = &mut chunk[..n * 16];
        file.read_exact(part).ok()?;
        crc.update(part);
        ids.extend(
            part.chunks_exact(16)
                .map(|c| Uuid::from_bytes(c.try_into().unwrap_or_default())),
        );
        left -= n;
    }
    let mut rest = Vec::new();
    file.read_to_end(&mut rest).ok()?;
    crc.update(&rest);
    if crc.finalize() != u32::from_le_bytes(head[8..12].try_into().ok()?) || !ids.is_sorted() {
        return None;
    }
    let strays: Vec<String> = postcard::from_bytes(&rest).ok()?;
    Some(Listing {
        folder,
        ids,
        strays,
    })
}

/// Writes the listing file as [`read_listing`] reads it, by renaming a
/// finished temp file over it.
pub fn write_listing(path: &Path, listing: &Listing) -> std::io::Result<()> {
    let strays = postcard::to_stdvec(&listing.strays).map_err(std::io::Error::other)?;
    let mut bytes = Vec::with_capacity(LISTING_HEAD + listing.ids.len() * 16 + strays.len());
    bytes.extend_from_slice(LISTING_MAGIC);
    bytes.extend_from_slice(&[0; 4]);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(&version_bytes());
    bytes.extend_from_slice(&listing.folder.encode());
    bytes.extend_from_slice(&(listing.ids.len() as u64).to_le_bytes());
    for id in &listing.ids {
        bytes.extend_from_slice(id.as_bytes());
    }
    bytes.extend_from_slice(&strays);
    let crc = crc32fast::hash(&bytes[12..]);
    bytes[8..12].copy_from_slice(&crc.to_le_bytes());
    replace(path, &bytes)
}

/// One ticket's summary and the stamp of the file it was read from.
#[derive(Serialize, Deserialize)]
pub struct Entry {
    pub id: Uuid,
    pub stamp: Stamp,
    pub summary: Summary,
}

/// The same, borrowed, for writing without copying every summary.
#[derive(Serialize)]
pub struct EntryRef<'a> {
    pub id: Uuid,
    pub stamp: Stamp,
    pub summary: &'a Summary,
}

/// The cache's folder inside `.local/`.
pub fn dir(local: &Path) -> PathBuf {
    local.join("cache")
}

pub const LISTING: &str = "listing";
pub const SUMMARIES: &str = "summaries";

/// A journal record's payload, when it is whole and of this version.
#[derive(Serialize, Deserialize)]
struct Framed<T> {
    format: u32,
    version: String,
    body: T,
}

/// Far more than the summaries of a million tickets; a plain file larger
/// than this is not one baton wrote.
pub(super) const MAX_SIZE: u64 = 1 << 30;

/// Puts `bytes` at `path` by renaming a finished temp file over it.
pub fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(super::TEMP_PREFIX)
        .suffix(super::TEMP_SUFFIX)
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A journal beside a cache file (`NAME.journal`): records appended one
/// after another, each whole or ignored, so that a write changes a bounded
/// number of bytes instead of rewriting a cache of every ticket. Every
/// record carries the stamp of the file it describes, as every cache entry
/// does, so a journal that outlived its cache file, or a record lost to a
/// race, costs only a file read again, never a stale answer.
pub fn journal(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".journal");
    path.with_file_name(name)
}

/// Appends records to a journal in one write: `[length][crc32][payload]`,
/// each payload framed with the format and version as a cache file is. No
/// fsync, and no lock: a torn tail fails its checksum and is ignored.
pub fn append<T: Serialize>(path: &Path, records: &[T]) -> std::io::Result<()> {
    let mut buf = Vec::new();
    for body in records {
        let framed = Framed {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").to_string(),
            body,
        };
        let payload = postcard::to_stdvec(&framed).map_err(std::io::Error::other)?;
        let len = u32::try_from(payload.len()).map_err(std::io::Error::other)?;
        buf.extend_from_slice(&len.to_le_bytes());
        buf.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        buf.extend_from_slice(&payload);
    }
    let mut options = fs::OpenOptions::new();
    options.append(true).create(true);
    // The cache's files are never links: one put there is not followed.
    // Readable by the owner only, as the temp files `write` renames are.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .mode(0o600);
    }
    let mut file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("the journal is not a plain file"));
    }
    file.write_all(&buf)
}

/// The records of a journal, oldest first, and its size in bytes. Reading
/// stops at the first record that is torn or damaged; records of another
/// format or version are skipped. A missing journal has none. A journal
/// with bytes past the records read (torn by a crash, or damaged) gives
/// `u64::MAX` as its size, so that it counts as [`outgrown`] and the next
/// reader folds it into its file: records appended after the damage would
/// never be read.
pub fn read_journal<T: DeserializeOwned>(path: &Path) -> (Vec<T>, u64) {
    let Ok(bytes) = super::folder::read_own(path, MAX_SIZE) else {
        return (Vec::new(), 0);
    };
    let mut out = Vec::new();
    let mut rest = bytes.as_slice();
    while let Some((len, after)) = rest.split_first_chunk::<4>()
        && let Some((sum, after)) = after.split_first_chunk::<4>()
        && let Some(payload) = after.get(..u32::from_le_bytes(*len) as usize)
        && u32::from_le_bytes(*sum) == crc32fast::hash(payload)
    {
        rest = &after[payload.len()..];
        if let Ok(framed) = postcard::from_bytes::<Framed<T>>(payload)
            && framed.format == FORMAT
            && framed.version == env!("CARGO_PKG_VERSION")
        {
            out.push(framed.body);
        }
    }
    let size = if rest.is_empty() {
        bytes.len() as u64
    } else {
        u64::MAX
    };
    (out, size)
}

/// Whether a journal of `journal` bytes beside a cache file of `base` bytes
/// has grown enough that the next reader should fold it into the file: a
/// quarter of the file, and never less than 256 KiB, so a write stays O(1)
/// and reading the journal stays a fraction of reading the file.
pub fn outgrown(journal: u64, base: u64) -> bool {
    journal > (base / 4).max(256 << 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ticket::Ticket;

    #[test]
    fn a_sealed_head_is_checked_whole_and_the_newest_record_of_each_id_wins() {
        let mut bytes = head(b"baton\0x\n").to_vec();
        bytes.extend_from_slice(b"payload");
        seal(&mut bytes);
        assert!(sealed(&bytes, b"baton\0x\n"));
        assert!(!sealed(&bytes, b"baton\0y\n"), "another kind");
        let mut flipped = bytes.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(!sealed(&flipped, b"baton\0x\n"), "a flipped byte");
        assert!(!sealed(&bytes[..HEAD - 1], b"baton\0x\n"), "cut short");
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let newest = newest_of_each(vec![(b, 1), (a, 2), (b, 3), (a, 4)], |r| r.0);
        assert_eq!(newest, [(a, 4), (b, 3)]);
    }

    /// A journal is read up to its first torn or damaged record, so an
    /// append cut short (a crash, a full disk) costs only what it held.
    #[test]
    fn a_journal_is_read_to_its_first_damaged_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = journal(&dir.path().join("mail"));
        assert_eq!(path.file_name().unwrap(), "mail.journal");
        assert_eq!(read_journal::<u32>(&path), (vec![], 0));
        append(&path, &[1u32, 2]).unwrap();
        append(&path, &[3u32]).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only its owner reads the journal");
        }
        let whole = fs::read(&path).unwrap();
        assert_eq!(
            read_journal::<u32>(&path),
            (vec![1, 2, 3], whole.len() as u64)
        );
        // Cut inside the last record, then a byte of the second flipped.
        fs::write(&path, &whole[..whole.len() - 1]).unwrap();
        assert_eq!(read_journal::<u32>(&path).0, vec![1, 2]);
        assert!(
            outgrown(read_journal::<u32>(&path).1, 1 << 30),
            "a torn journal is folded by its next reader"
        );
        let mut flipped = whole.clone();
        let second = whole.len() / 3 + 9;
        flipped[second] ^= 0xff;
        fs::write(&path, &flipped).unwrap();
        assert_eq!(read_journal::<u32>(&path).0, vec![1]);
        // A journal grows past its bound only with its cache file.
        assert!(!outgrown(200 << 10, 0) && outgrown(300 << 10, 0));
        assert!(!outgrown(1 << 20, 8 << 20) && outgrown(3 << 20, 8 << 20));
    }

    /// The bytes a summary is cached as. When this changes, so does what an
    /// older cache file means: bump `FORMAT` (so old files are ignored, not
    /// misread), then accept the new bytes.
    #[test]
    fn the_cached_shape_changes_only_with_the_format() {
        let ticket = Ticket::parse(
            "id = \"0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84\"\ntitle = \"Refund\"\nstatus = \"waiting\"\n\
             owner = \"ben\"\ncustomer = \"jan@example.com\"\npriority = \"high\"\ntags = [\"billing\"]\n\
             created = 2026-11-20T09:14:00Z\nupdated = 2026-11-20T11:00:00Z\n\n\
             [[events]]\nat = 2026-11-20T09:14:00Z\nby = \"ana\"\nkind = \"created\"\nto = \"ana\"\n\n\
             [[events]]\nat = 2026-11-20T10:00:00Z\nby = \"ana\"\nkind = \"handoff\"\nfrom = \"ana\"\nto = \"ben\"\n\n\
             [[events]]\nat = 2026-11-20T11:00:00Z\nby = \"ben\"\nkind = \"status\"\nfrom = \"open\"\nto = \"waiting\"\n\
             until = 2026-11-21T09:00:00Z\n",
        )
        .unwrap();
        let summary = Summary::of(&ticket);
        assert!(
            summary.waiting_until.is_some(),
            "every field is in the bytes"
        );
        let stamp = Stamp {
            size: 1,
            inode: 2,
            modified: (3, 4),
            changed: (5, 6),
        };
        let entry = EntryRef {
            id: ticket.id,
            stamp,
            summary: &summary,
        };
        let bytes = postcard::to_stdvec(&vec![entry]).unwrap();
        let back: Vec<Entry> = postcard::from_bytes(&bytes).unwrap();
        assert_eq!((back[0].id, back[0].stamp), (ticket.id, stamp));
        assert_eq!(back[0].summary, summary);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(FORMAT, 6, "update the bytes below with the format");
        insta::assert_snapshot!(hex, @"01100b7c6f1e5d1a4f7e9a533c2d1e0f9a84010206080a0c100b7c6f1e5d1a4f7e9a533c2d1e0f9a8406526566756e64010362656e0f6a616e406578616d706c652e636f6d02010762696c6c696e67b0bd80b00d00e0a081b00d0001b0bd80b00d0001e0a081b00d0001010001c0e880b00d00b0bd80b00d00e0a081b00d0001000001a0f68ab00d00");
    }
}
