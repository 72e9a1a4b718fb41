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
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::cache::Stamp;
use super::par;
use crate::core::summary::{Scope, Summary};

const MAGIC: &[u8; 8] = b"baton\0s\n";
/// Magic, header CRC, format, row count, baton's version (16 bytes, padded).
const HEADER: usize = 8 + 4 + 4 + 8 + 16;
/// One row: id 16, size 8, inode 8, modified 12, changed 12, latest event
/// 12, flags 4, body offset 8, body length 4, body CRC 4, row CRC 4, padding.
pub const ROW: usize = 96;
/// Summaries' bytes closer than this are read in one go.
const GAP: u64 = 64 << 10;
/// The most bytes of summaries held at once while reading or copying them.
const BATCH: u64 = 8 << 20;

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

/// An open summaries file: its rows, read in order, and its bodies on demand.
pub struct Reader {
    rows: BufReader<File>,
    left: u64,
    file: File,
    size: u64,
}

impl Reader {
    /// Opens the file at `path` when it is a summaries file of this format
    /// and version with a whole header; `None` for anything else.
    pub fn open(path: &Path, format: u32) -> Option<Reader> {
        let (file, size) = super::folder::open_own(path).ok()?;
        let mut head = [0u8; HEADER];
        (&file).read_exact(&mut head).ok()?;
        if &head[..8] != MAGIC
            || u32::from_le_bytes(head[8..12].try_into().ok()?) != crc32fast::hash(&head[12..])
            || u32::from_le_bytes(head[12..16].try_into().ok()?) != format
            || head[24..] != super::cache::version_bytes()
        {
            return None;
        }
        let left = u64::from_le_bytes(head[16..24].try_into().ok()?);
        if left.checked_mul(ROW as u64)? > size.saturating_sub(HEADER as u64) {
            return None;
        }
        let bodies = file.try_clone().ok()?;
        Some(Reader {
            rows: BufReader::with_capacity(256 << 10, file),
            left,
            file: bodies,
            size,
        })
    }

    /// The same file opened again at its first row, to stream the rows
    /// once more while this reader reads bodies; `None` if `path` is no
    /// longer this file (another run replaced it meanwhile).
    pub fn again(&self, path: &Path, format: u32) -> Option<Reader> {
        let other = Reader::open(path, format)?;
        let same = |f: &File| f.metadata().ok().map(|m| super::cache::Stamp::of(&m));
        (same(&self.file)? == same(&other.file)?).then_some(other)
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The next row: `Some(None)` for a damaged one, `None` after the last
    /// (or when the file cannot be read further).
    pub fn next_row(&mut self) -> Option<Option<Row>> {
        if self.left == 0 {
            return None;
        }
        let mut b = [0u8; ROW];
        if self.rows.read_exact(&mut b).is_err() {
            self.left = 0;
            return None;
        }
        self.left -= 1;
        Some(Row::decode(&b))
    }

    /// The rows from here to the end, damaged ones left out.
    pub fn rows(&mut self) -> impl Iterator<Item = Row> + '_ {
        std::iter::from_fn(|| self.next_row()).flatten()
    }

    /// Calls `each` with the bytes of every body in `bodies` (by its index
    /// there), or `None` for one that cannot be read whole or fails its
    /// CRC; bodies near one another are read together, a batch at a time.
    fn visit(&self, bodies: &[Body], mut each: impl FnMut(&[(usize, Option<&[u8]>)])) {
        let mut order: Vec<usize> = (0..bodies.len()).collect();
        order.sort_by_key(|&i| bodies[i].offset);
        let mut at = 0;
        while at < order.len() {
            let first = bodies[order[at]];
            let start = first.offset;
            let mut end = start.saturating_add(u64::from(first.len));
            let mut stop = at + 1;
            while let Some(&i) = order.get(stop) {
                let b = bodies[i];
                let b_end = b.offset.saturating_add(u64::from(b.len));
                if b.offset > end.saturating_add(GAP) || b_end.saturating_sub(start) > BATCH {
                    break;
                }
                end = end.max(b_end);
                stop += 1;
            }
            let bytes = self.read_range(start, end);
            let found: Vec<(usize, Option<&[u8]>)> = order[at..stop]
                .iter()
                .map(|&i| {
                    let b = bodies[i];
                    let from = (b.offset - start) as usize;
                    let got = bytes
                        .as_deref()
                        .and_then(|all| all.get(from..from + b.len as usize))
                        .filter(|got| crc32fast::hash(got) == b.crc);
                    (i, got)
                })
                .collect();
            each(&found);
            at = stop;
        }
    }

    fn read_range(&self, start: u64, end: u64) -> Option<Vec<u8>> {
        if end > self.size || start < HEADER as u64 {
            return None;
        }
        let mut bytes = vec![0u8; (end - start) as usize];
        // A read at a position: the rows are read through the same file
        // description, whose own position this must not move.
        #[cfg(unix)]
        std::os::unix::fs::FileExt::read_exact_at(&self.file, &mut bytes, start).ok()?;
        #[cfg(not(unix))]
        {
            let mut file = &self.file;
            file.seek(SeekFrom::Start(start)).ok()?;
            file.read_exact(&mut bytes).ok()?;
        }
        Some(bytes)
    }

    /// The summaries at `bodies`, decoded on every core; `None` for any
    /// that is damaged.
    pub fn summaries(&self, bodies: &[Body]) -> Vec<Option<Summary>> {
        let mut out: Vec<Option<Summary>> = vec![None; bodies.len()];
        self.visit(bodies, |found| {
            let decoded = par::map(found, |(_, bytes)| {
                bytes.and_then(|b| postcard::from_bytes::<Summary>(b).ok())
            });
            for ((i, _), s) in found.iter().zip(decoded) {
                out[*i] = s;
            }
        });
        out
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
        let bodies: Vec<Body> = rows.iter().map(|r| r.body).collect();
        let mut out = vec![None; rows.len()];
        let mut failed = None;
        from.visit(&bodies, |found| {
            for (i, bytes) in found {
                if let (None, Some(bytes)) = (&failed, bytes) {
                    match self.put(bytes) {
                        Ok(body) => out[*i] = Some(Row { body, ..rows[*i] }),
                        Err(e) => failed = Some(e),
                    }
                }
            }
        });
        match failed {
            Some(e) => Err(e),
            None => Ok(out),
        }
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
