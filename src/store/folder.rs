//! The tickets folder held open while a command stamps or reads many files
//! in it: looking a name up in an open folder skips walking the folder's
//! path again for each of a hundred thousand files.

use std::io;
use std::path::Path;

use uuid::Uuid;

use super::cache::Stamp;

/// An open folder.
#[cfg(unix)]
pub struct Folder(std::os::fd::OwnedFd);
#[cfg(not(unix))]
pub struct Folder(std::path::PathBuf);

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

impl Folder {
    #[cfg(unix)]
    pub fn open(path: &Path) -> io::Result<Folder> {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        Ok(Folder(rustix::fs::open(path, flags, Mode::empty())?))
    }

    #[cfg(not(unix))]
    pub fn open(path: &Path) -> io::Result<Folder> {
        Ok(Folder(path.to_path_buf()))
    }

    /// The stamp of the file `name` in this folder, if it is there. A link
    /// is followed, as reading it does: an edit to the file it points to
    /// leaves the link itself unchanged.
    #[cfg(unix)]
    pub fn stamp(&self, name: &str) -> Option<Stamp> {
        let st = rustix::fs::statat(&self.0, name, rustix::fs::AtFlags::empty()).ok()?;
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
        std::fs::metadata(self.0.join(name))
            .ok()
            .map(|m| Stamp::of(&m))
    }

    /// The bytes of the file `name` in this folder.
    #[cfg(unix)]
    pub fn read(&self, name: &str) -> io::Result<Vec<u8>> {
        use rustix::fs::{Mode, OFlags};
        use std::io::Read;
        let fd = rustix::fs::openat(
            &self.0,
            name,
            OFlags::RDONLY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let mut file = std::fs::File::from(fd);
        // Plain reads until the end: std's read_to_end first asks the file's
        // size and position, two more system calls for every small file.
        let mut bytes = vec![0; 4096];
        let mut len = 0;
        loop {
            if len == bytes.len() {
                bytes.resize(len * 2, 0);
            }
            match file.read(&mut bytes[len..]) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        bytes.truncate(len);
        Ok(bytes)
    }

    #[cfg(not(unix))]
    pub fn read(&self, name: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.0.join(name))
    }
}
