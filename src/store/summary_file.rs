//! The summaries cache file (`.local/cache/summaries`), laid out to be read
//! in part: a header, then one fixed-width row per ticket file, sorted by
//! id, holding the file's stamp, what a [`Scope`] selects by (whether the
//! ticket is live, its latest event) and where its summary's bytes lie;
//! then the summaries' bytes. A reader streams the rows and reads the bytes
//! of only the summaries its command needs, so a `list` of the open tickets
//! of a million neither decodes nor holds the rest.
//!
//! Each part is checked on its own: the header by a CRC-32, each row by its
//! own, each summary's bytes by the CRC-32 in its row. Damage anywhere
//! costs the files it touches a read from the tickets, never a wrong
//! answer. The file is only ever replaced by a rename, never changed in
//! place, so a reader holding it open reads one version throughout.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::cache::Stamp;
use super::mapped::Mapped;
use super::par;
use crate::core::summary::{Scope, Summary};

const MAGIC: &[u8; 8] = b"baton\0s\n";
/// Magic, header CRC, format, row count, baton's version (16 bytes, padded).
const HEADER: usize = 8 + 4 + 4 + 8 + 16;
/// One row: id 16, size 8, inode 8, modified 12, changed 12, latest event
/// 12, flags 4, body offset 8, body length 4, body CRC 4, row CRC 4, padding.
pub const ROW: usize = 96;

/// Where one summary's bytes lie in the file, and their CRC-32.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Body {
    offset: u64,
    len: u32,
    crc: u32,
}

/// One ticket file's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub id: Uuid,
    pub stamp: Stamp,
    pub live: bool,
    pub last_event: DateTime<Utc>,
    pub body: Body,
}

impl Row {
    /// The row of a summary whose bytes lie at `body`.
    pub fn of(summary: &Summary, stamp: Stamp, body: Body) -> Row {
        Row {
            id: summary.id,
            stamp,
            live: summary.live(),
            last_event: summary.last_event,
            body,
        }
    }

    /// Whether the command's scope needs this summary.
    pub fn wanted(&self, scope: Scope) -> bool {
        scope.wants(self.live, self.last_event)
    }

    fn encode(&self) -> [u8; ROW] {
        let mut b = [0u8; ROW];
        b[0..16].copy_from_slice(self.id.as_bytes());
        b[16..56].copy_from_slice(&self.stamp.encode());
        b[56..64].copy_from_slice(&self.last_event.timestamp().to_le_bytes());
        b[64..68].copy_from_slice(&self.last_event.timestamp_subsec_nanos().to_le_bytes());
        b[68..72].copy_from_slice(&u32::from(self.live).to_le_bytes());
        b[72..80].copy_from_slice(&self.body.offset.to_le_bytes());
        b[80..84].copy_from_slice(&self.body.len.to_le_bytes());
        b[84..88].copy_from_slice(&self.body.crc.to_le_bytes());
        let crc = crc32fast::hash(&b[..88]);
        b[88..92].copy_from_slice(&crc.to_le_bytes());
        b
    }

    /// The row in `b`, unless its CRC fails or a field is out of range.
    fn decode(b: &[u8; ROW]) -> Option<Row> {
        let u64_at = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or_default());
        let u32_at = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap_or_default());
        if u32_at(88) != crc32fast::hash(&b[..88]) {
            return None;
        }
        let flags = u32_at(68);
        if flags > 1 {
            return None;
        }
        Some(Row {
            id: Uuid::from_bytes(b[0..16].try_into().ok()?),
            stamp: Stamp::decode(b[16..56].try_into().ok()?),
            last_event: DateTime::from_timestamp(u64_at(56) as i64, u32_at(64))?,
            live: flags == 1,
            body: Body {
                offset: u64_at(72),
                len: u32_at(80),
                crc: u32_at(84),
            },
        })
    }
}

/// An open summaries file, mapped (`mapped.rs`): its rows, read in order,
/// and its bodies on demand, each read in place.
pub struct Reader {
    map: Arc<Mapped>,
    next: u64,
    count: u64,
    /// The rows up to here are given back (`Mapped::release`).
    released: usize,
}

/// Rows walked before their pages are given back.
const RELEASE_EVERY: u64 = 1 << 14;

impl Reader {
    /// Opens the file at `path` when it is a summaries file of this format
    /// and version with a whole header; `None` for anything else.
    pub fn open(path: &Path, format: u32) -> Option<Reader> {
        let map = Mapped::open(path, u64::MAX).ok()?;
        let head = map.get(..HEADER)?;
        if &head[..8] != MAGIC
            || u32::from_le_bytes(head[8..12].try_into().ok()?) != crc32fast::hash(&head[12..])
            || u32::from_le_bytes(head[12..16].try_into().ok()?) != format
            || head[24..] != super::cache::version_bytes()
        {
            return None;
        }
        let count = u64::from_le_bytes(head[16..24].try_into().ok()?);
        if count.checked_mul(ROW as u64)? > (map.len() - HEADER) as u64 {
            return None;
        }
        Some(Reader {
            map: Arc::new(map),
            next: 0,
            count,
            released: HEADER,
        })
    }

    /// The same file at its first row, to stream the rows once more while
    /// this reader reads bodies: the same mapping, so the same version
    /// whatever replaced the file meanwhile.
    pub fn again(&self) -> Reader {
        Reader {
            map: Arc::clone(&self.map),
            next: 0,
            count: self.count,
            released: HEADER,
        }
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.map.len() as u64
    }

    /// The next row: `Some(None)` for a damaged one, `None` after the last.
    pub fn next_row(&mut self) -> Option<Option<Row>> {
        if self.next == self.count {
            return None;
        }
        let at = HEADER + self.next as usize * ROW;
        if self.next.is_multiple_of(RELEASE_EVERY) {
            // The rows walked are not read again by this reader.
            self.map.release(self.released, at);
            self.released = at;
        }
        self.next += 1;
        let b: &[u8; ROW] = self.map.get(at..at + ROW)?.try_into().ok()?;
        Some(Row::decode(b))
    }

    /// The rows from here to the end, damaged ones left out.
    pub fn rows(&mut self) -> impl Iterator<Item = Row> + '_ {
        std::iter::from_fn(|| self.next_row()).flatten()
    }

    /// The bytes of the body at `b`, unless they lie outside the bodies or
    /// fail their CRC.
    fn body(&self, b: &Body) -> Option<&[u8]> {
        let start = usize::try_from(b.offset).ok()?;
        if start < HEADER {
            return None;
        }
        let bytes = self.map.get(start..start.checked_add(b.len as usize)?)?;
        (crc32fast::hash(bytes) == b.crc).then_some(bytes)
    }

    /// The summaries at `bodies`, decoded on every core; `None` for any
    /// that is damaged.
    pub fn summaries(&self, bodies: &[Body]) -> Vec<Option<Summary>> {
        par::map(bodies, |b| {
            self.body(b)
                .and_then(|bytes| postcard::from_bytes::<Summary>(bytes).ok())
        })
    }
}

/// A summaries file being written: bodies in any order, rows in id order,
/// each to its own part of the file, then the header; renamed into place
/// only when whole.
pub struct Writer {
    tmp: tempfile::NamedTempFile,
    bodies: BufWriter<File>,
    rows: BufWriter<File>,
    at: u64,
    room: u64,
    count: u64,
}

impl Writer {
    /// Starts a file in `dir` with room for `rows` rows.
    pub fn create(dir: &Path, rows: usize) -> io::Result<Writer> {
        let tmp = tempfile::Builder::new()
            .prefix(super::TEMP_PREFIX)
            .suffix(super::TEMP_SUFFIX)
            .tempfile_in(dir)?;
        let at = HEADER as u64 + rows as u64 * ROW as u64;
        let mut bodies = BufWriter::with_capacity(1 << 20, tmp.as_file().try_clone()?);
        bodies.seek(SeekFrom::Start(at))?;
        // Opened again, not cloned: a clone would share the bodies' file
        // position.
        let again = std::fs::OpenOptions::new().write(true).open(tmp.path())?;
        let mut row_part = BufWriter::with_capacity(256 << 10, again);
        row_part.seek(SeekFrom::Start(HEADER as u64))?;
        Ok(Writer {
            tmp,
            bodies,
            rows: row_part,
            at,
            room: rows as u64,
            count: 0,
        })
    }

    /// Adds a summary's bytes as they are (copied from another file).
    fn put(&mut self, bytes: &[u8]) -> io::Result<Body> {
        let len = u32::try_from(bytes.len()).map_err(io::Error::other)?;
        self.bodies.write_all(bytes)?;
        let body = Body {
            offset: self.at,
            len,
            crc: crc32fast::hash(bytes),
        };
        self.at += u64::from(len);
        Ok(body)
    }

    /// Adds a summary's bytes.
    pub fn summary(&mut self, summary: &Summary) -> io::Result<Body> {
        let bytes = postcard::to_stdvec(summary).map_err(io::Error::other)?;
        self.put(&bytes)
    }

    /// Copies from `from` the bodies of `rows`, returning each row with
    /// where its body now lies, or `None` for one damaged there.
    pub fn copy(&mut self, from: &Reader, rows: &[Row]) -> io::Result<Vec<Option<Row>>> {
        rows.iter()
            .map(|row| match from.body(&row.body) {
                Some(bytes) => Ok(Some(Row {
                    body: self.put(bytes)?,
                    ..*row
                })),
                None => Ok(None),
            })
            .collect()
    }

    /// Adds the next row; rows must come in id order.
    pub fn row(&mut self, row: &Row) -> io::Result<()> {
        if self.count == self.room {
            return Err(io::Error::other("more rows than room for them"));
        }
        self.count += 1;
        self.rows.write_all(&row.encode())
    }

    /// Writes the header and renames the file to `path`; the number of rows.
    pub fn finish(mut self, format: u32, path: &Path) -> io::Result<u64> {
        self.bodies.flush()?;
        self.rows.flush()?;
        let mut head = [0u8; HEADER];
        head[..8].copy_from_slice(MAGIC);
        head[12..16].copy_from_slice(&format.to_le_bytes());
        head[16..24].copy_from_slice(&self.count.to_le_bytes());
        head[24..].copy_from_slice(&super::cache::version_bytes());
        let crc = crc32fast::hash(&head[12..]);
        head[8..12].copy_from_slice(&crc.to_le_bytes());
        let mut file = self.tmp.as_file();
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&head)?;
        self.tmp.persist(path).map_err(|e| e.error)?;
        Ok(self.count)
    }
}
