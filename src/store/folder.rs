//! The tickets folder held open while a command stamps or reads many files
//! in it: looking a name up in an open folder skips walking the folder's
//! path again for each of a hundred thousand files.
//!
//! Every read of a file in the store comes through here and keeps to the
//! store's bounds: only plain files are read (a named pipe is never waited
//! on, a device never read), none larger than [`MAX_FILE_SIZE`], and a link
//! only when it leads to a file inside the folder.

use std::io;
use std::path::{Path, PathBuf};

use uuid::Uuid;

use super::MAX_FILE_SIZE;
use super::cache::Stamp;

/// An open folder.
pub struct Folder {
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
    path: PathBuf,
}

/// Why a file in the store was not read.
#[derive(Debug)]
pub enum Unreadable {
    /// The system refused: missing, not permitted, a link to nothing.
    Io(io::Error),
    /// Not a plain file; what it is instead ("a named pipe").
    NotAFile(&'static str),
    /// A link that leads out of the store, and where it leads.
    Outside(PathBuf),
    /// Larger than the cap; its size in bytes.
    TooLarge(u64),
}

impl From<io::Error> for Unreadable {
    fn from(e: io::Error) -> Unreadable {
        Unreadable::Io(e)
    }
}

/// A ticket's file name, `<id>.toml`, without allocating.
pub struct Name([u8; 41]);

impl Name {
    pub fn of(id: Uuid) -> Name {
        let mut name = [0u8; 41];
        id.hyphenated().encode_lower(&mut name[..36]);
        name[36..].copy_from_slice(b".toml");
        Name(name)
    }

    pub fn as_str(&self) -> &str {
        // only ASCII hex digits, dashes and ".toml" were written
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// What stands at a path, links not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Folder,
    Link,
    /// Anything else, as messages say it ("a named pipe").
    Special(&'static str),
}

impl Kind {
    /// The kind as messages say it: "a folder".
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Plain => "a file",
            Kind::Folder => "a folder",
            Kind::Link => "a link",
            Kind::Special(what) => what,
        }
    }
}

/// What stands at `path`; a link there is not followed.
pub fn kind_at(path: &Path) -> io::Result<Kind> {
    Ok(kind_of(std::fs::symlink_metadata(path)?.file_type()))
}

fn kind_of(kind: std::fs::FileType) -> Kind {
    if kind.is_file() {
        Kind::Plain
    } else if kind.is_dir() {
        Kind::Folder
    } else if kind.is_symlink() {
        Kind::Link
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            Kind::Special(if kind.is_fifo() {
                "a named pipe"
            } else if kind.is_socket() {
                "a socket"
            } else if kind.is_char_device() {
                "a character device"
            } else if kind.is_block_device() {
                "a block device"
            } else {
                "an unknown kind of file"
            })
        }
        #[cfg(not(unix))]
        Kind::Special("an unknown kind of file")
    }
}

/// How every file is opened for reading: never following a link at the end
/// of the path (links are looked at first), and never waiting for a writer
/// on a named pipe (the check after opening refuses it).
#[cfg(unix)]
const READ: rustix::fs::OFlags = rustix::fs::OFlags::RDONLY
    .union(rustix::fs::OFlags::CLOEXEC)
    .union(rustix::fs::OFlags::NOFOLLOW)
    .union(rustix::fs::OFlags::NONBLOCK);

/// Whether opening with `NOFOLLOW` failed because the name is a link.
#[cfg(unix)]
fn is_link_refusal(e: rustix::io::Errno) -> bool {
    // Linux and macOS say ELOOP; FreeBSD says EMLINK.
    e == rustix::io::Errno::LOOP || e == rustix::io::Errno::MLINK
}

/// Reads an open file, which must be a plain file of at most `cap` bytes.
#[cfg(unix)]
fn read_plain(fd: std::os::fd::OwnedFd, cap: u64) -> Result<Vec<u8>, Unreadable> {
    read_plain_stamped(fd, cap).map(|(bytes, _)| bytes)
}

/// [`read_plain`], with the stamp of the file read, taken before reading.
#[cfg(unix)]
fn read_plain_stamped(fd: std::os::fd::OwnedFd, cap: u64) -> Result<(Vec<u8>, Stamp), Unreadable> {
    use std::io::Read;
    let mut file = std::fs::File::from(fd);
    let meta = file.metadata()?;
    let stamp = Stamp::of(&meta);
    match kind_of(meta.file_type()) {
        Kind::Plain => {}
        other => return Err(Unreadable::NotAFile(other.describe())),
    }
    let size = meta.len();
    if size > cap {
        return Err(Unreadable::TooLarge(size));
    }
    let limit = usize::try_from(cap).unwrap_or(usize::MAX).saturating_add(1);
    // Plain reads into a buffer one byte larger than the file: the first
    // read returns the whole file and leaves the last byte unfilled, which
    // on a plain file means it reached the end, so one read is all it takes.
    // (std's read_to_end would ask the size and the position again, then
    // read once more to see the end.) A file longer than its size said (one
    // growing meanwhile, or a /proc file that says 0) fills the buffer and is
    // read on, and is still cut off at the cap.
    let mut bytes = vec![0; (size as usize).saturating_add(1).min(limit)];
    let mut len = 0;
    loop {
        if len == bytes.len() {
            if len >= limit {
                return Err(Unreadable::TooLarge(len as u64));
            }
            bytes.resize(len.saturating_mul(2).max(4096).min(limit), 0);
        }
        match file.read(&mut bytes[len..]) {
            Ok(0) => break,
            Ok(n) => {
                len += n;
                // A short read of a plain file ends at its end.
                if len < bytes.len() && len as u64 >= size {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    bytes.truncate(len);
    Ok((bytes, stamp))
}

/// Reads the plain file at `path`, of at most `cap` bytes; a link there is
/// not followed (the cache's files are never links).
#[cfg(unix)]
pub fn read_own(path: &Path, cap: u64) -> Result<Vec<u8>, Unreadable> {
    read_plain(open_fd(path)?, cap)
}

#[cfg(unix)]
fn open_fd(path: &Path) -> Result<std::os::fd::OwnedFd, Unreadable> {
    match rustix::fs::open(path, READ, rustix::fs::Mode::empty()) {
        Ok(fd) => Ok(fd),
        Err(e) if is_link_refusal(e) => Err(Unreadable::NotAFile("a link")),
        Err(e) => Err(Unreadable::Io(e.into())),
    }
}

#[cfg(not(unix))]
pub fn read_own(path: &Path, cap: u64) -> Result<Vec<u8>, Unreadable> {
    match kind_at(path)? {
        Kind::Plain => read_capped(path, cap),
        other => Err(Unreadable::NotAFile(other.describe())),
    }
}

/// Opens the plain file at `path` for reading in parts, with its size; a
/// link there is not followed, as [`read_own`] follows none.
#[cfg(unix)]
pub fn open_own(path: &Path) -> Result<(std::fs::File, u64), Unreadable> {
    let file = std::fs::File::from(open_fd(path)?);
    let meta = file.metadata()?;
    match kind_of(meta.file_type()) {
        Kind::Plain => Ok((file, meta.len())),
        other => Err(Unreadable::NotAFile(other.describe())),
    }
}

#[cfg(not(unix))]
pub fn open_own(path: &Path) -> Result<(std::fs::File, u64), Unreadable> {
    match kind_at(path)? {
        Kind::Plain => {
            let file = std::fs::File::open(path)?;
            let size = file.metadata()?.len();
            Ok((file, size))
        }
        other => Err(Unreadable::NotAFile(other.describe())),
    }
}

/// Reads a plain file by path, cut off at `cap`.
#[cfg(not(unix))]
fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, Unreadable> {
    use std::io::Read;
    let size = std::fs::metadata(path)?.len();
    if size > cap {
        return Err(Unreadable::TooLarge(size));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(cap + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(Unreadable::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

impl Folder {
    #[cfg(unix)]
    pub fn open(path: &Path) -> io::Result<Folder> {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        Ok(Folder {
            fd: rustix::fs::open(path, flags, Mode::empty())?,
            path: path.to_path_buf(),
        })
    }

    #[cfg(not(unix))]
    pub fn open(path: &Path) -> io::Result<Folder> {
        Ok(Folder {
            path: path.to_path_buf(),
        })
    }

    /// The stamp of the file `name` in this folder, if it is there. A link
    /// is followed, as reading it does: an edit to the file it points to
    /// leaves the link itself unchanged.
    #[cfg(unix)]
    pub fn stamp(&self, name: &str) -> Option<Stamp> {
        let st = rustix::fs::statat(&self.fd, name, rustix::fs::AtFlags::empty()).ok()?;
        #[allow(clippy::unnecessary_cast)] // the field types differ between platforms
        Some(Stamp {
            size: st.st_size as u64,
            inode: st.st_ino as u64,
            modified: (st.st_mtime as i64, st.st_mtime_nsec as i64),
            changed: (st.st_ctime as i64, st.st_ctime_nsec as i64),
        })
    }

    #[cfg(not(unix))]
    pub fn stamp(&self, name: &str) -> Option<Stamp> {
        std::fs::metadata(self.path.join(name))
            .ok()
            .map(|m| Stamp::of(&m))
    }

    /// The bytes of the plain file `name` in this folder. A link is followed
    /// only when it leads to a file inside the folder.
    pub fn read(&self, name: &str) -> Result<Vec<u8>, Unreadable> {
        self.read_stamped(name).map(|(bytes, _)| bytes)
    }

    /// [`Folder::read`], with the stamp of the file read (through a link,
    /// of the file it leads to), taken from the open file before reading it:
    /// the stamp [`Folder::stamp`] would have given just before.
    #[cfg(unix)]
    pub fn read_stamped(&self, name: &str) -> Result<(Vec<u8>, Stamp), Unreadable> {
        let fd = match rustix::fs::openat(&self.fd, name, READ, rustix::fs::Mode::empty()) {
            Ok(fd) => fd,
            Err(e) if is_link_refusal(e) => {
                let target = self.inside(name)?;
                rustix::fs::open(&target, READ, rustix::fs::Mode::empty())
                    .map_err(io::Error::from)?
            }
            Err(e) => return Err(Unreadable::Io(e.into())),
        };
        read_plain_stamped(fd, MAX_FILE_SIZE)
    }

    #[cfg(not(unix))]
    pub fn read_stamped(&self, name: &str) -> Result<(Vec<u8>, Stamp), Unreadable> {
        let path = self.path.join(name);
        let path = match kind_at(&path)? {
            Kind::Link => self.inside(name)?,
            _ => path,
        };
        let stamp = Stamp::of(&std::fs::metadata(&path)?);
        match kind_at(&path)? {
            Kind::Plain => read_capped(&path, MAX_FILE_SIZE).map(|b| (b, stamp)),
            other => Err(Unreadable::NotAFile(other.describe())),
        }
    }

    /// Where the link `name` finally leads, when that is inside this folder
    /// (the path then holds no link, so opening it follows none).
    fn inside(&self, name: &str) -> Result<PathBuf, Unreadable> {
        let target = std::fs::canonicalize(self.path.join(name))?;
        let root = std::fs::canonicalize(&self.path)?;
        if target.starts_with(&root) {
            Ok(target)
        } else {
            Err(Unreadable::Outside(target))
        }
    }
}

/// Makes a named pipe at `path`, for tests of what the store refuses to read.
#[cfg(all(test, unix))]
pub fn mkfifo(path: &Path) {
    use rustix::fs::{CWD, FileType, Mode, mknodat};
    mknodat(CWD, path, FileType::Fifo, Mode::RUSR | Mode::WUSR, 0).unwrap();
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_files_to_the_cap_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("store");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("plain"), b"hello").unwrap();
        std::fs::write(root.join("empty"), b"").unwrap();
        std::fs::write(dir.path().join("outside"), b"secret").unwrap();
        std::os::unix::fs::symlink("plain", root.join("inside")).unwrap();
        std::os::unix::fs::symlink("../outside", root.join("out")).unwrap();
        std::os::unix::fs::symlink("missing", root.join("dangling")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join("zero")).unwrap();
        std::fs::create_dir(root.join("folder")).unwrap();
        mkfifo(&root.join("pipe"));
        std::os::unix::fs::symlink("pipe", root.join("to-pipe")).unwrap();
        let huge = std::fs::File::create(root.join("huge")).unwrap();
        huge.set_len(MAX_FILE_SIZE + 1).unwrap();
        std::fs::write(root.join("at-cap"), vec![b'x'; 70_000]).unwrap();

        let folder = Folder::open(&root).unwrap();
        let outcome = |name| match folder.read(name) {
            Ok(bytes) => format!("{} bytes", bytes.len()),
            Err(Unreadable::Io(e)) => format!("io: {:?}", e.kind()),
            Err(Unreadable::NotAFile(kind)) => kind.to_string(),
            Err(Unreadable::Outside(t)) => format!("outside: {}", t.display()),
            Err(Unreadable::TooLarge(n)) => format!("too large: {n}"),
        };
        let outside = std::fs::canonicalize(dir.path().join("outside")).unwrap();
        let cases = [
            ("plain", "5 bytes".to_string()),
            ("empty", "0 bytes".into()),
            ("inside", "5 bytes".into()),
            ("at-cap", "70000 bytes".into()),
            ("out", format!("outside: {}", outside.display())),
            ("zero", "outside: /dev/zero".into()),
            ("dangling", "io: NotFound".into()),
            ("missing", "io: NotFound".into()),
            ("folder", "a folder".into()),
            ("pipe", "a named pipe".into()),
            ("to-pipe", "a named pipe".into()),
            ("huge", format!("too large: {}", MAX_FILE_SIZE + 1)),
        ];
        for (name, want) in cases {
            assert_eq!(outcome(name), want, "{name}");
        }
        match read_own(&root.join("at-cap"), 69_999) {
            Err(Unreadable::TooLarge(70_000)) => {}
            other => panic!("the cap holds: {other:?}"),
        }
        for cap in [0, 5, 100] {
            let read = read_own(&root.join("plain"), cap).map_err(|e| format!("{e:?}"));
            let want = if cap < 5 {
                Err("TooLarge(5)".to_string())
            } else {
                Ok(b"hello".to_vec())
            };
            assert_eq!(read, want, "a small cap: {cap}");
        }
        // A file longer than its size says (as /proc's are, all "empty")
        // is still cut off at the cap.
        #[cfg(target_os = "linux")]
        match read_own(Path::new("/proc/self/status"), 100) {
            Err(Unreadable::TooLarge(101)) => {}
            other => panic!("the cap holds while reading: {other:?}"),
        }
        for (name, kind) in [("inside", "a link"), ("pipe", "a named pipe")] {
            match read_own(&root.join(name), MAX_FILE_SIZE) {
                Err(Unreadable::NotAFile(k)) => assert_eq!(k, kind),
                other => panic!("{name}: {other:?}"),
            }
        }
    }
}
