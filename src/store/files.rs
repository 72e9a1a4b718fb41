//! Attachments kept in the store: `tickets/files/<sha256>`, tracked by git
//! so the team shares them, named by the SHA-256 of their content so that
//! the same file sent twice is kept once. Written atomically under the lock;
//! read back only after checking the content still matches its name.

use std::fs;
use std::io::ErrorKind;
use std::path::PathBuf;

use super::atomic::write_atomic;
use super::{Lock, Store};
use crate::core::attachment;
use crate::error::{Error, Kind, Result};

/// The folder of kept attachments inside the store.
pub const FILES_DIR: &str = "files";

impl Store {
    /// The folder of kept attachments.
    pub fn files_dir(&self) -> PathBuf {
        self.dir().join(FILES_DIR)
    }

    /// Where the attachment with this SHA-256 is kept. `sha` must be one
    /// ([`attachment::is_sha256`]), so the path never leaves the folder.
    pub fn file_path(&self, sha: &str) -> PathBuf {
        debug_assert!(attachment::is_sha256(sha));
        self.files_dir().join(sha)
    }

    /// Keeps an attachment's content under its SHA-256. A file already
    /// there with that content is left as it is (`None`); a missing or
    /// damaged one is written atomically, and its path returned for the
    /// commit.
    pub fn keep_file(&self, _lock: &Lock, sha: &str, bytes: &[u8]) -> Result<Option<PathBuf>> {
        if !attachment::is_sha256(sha) {
            return Err(Error::new(format!("'{sha}' is not a SHA-256")));
        }
        let dir = self.files_dir();
        self.own_folder(&dir)?;
        let path = self.file_path(sha);
        if let Ok(old) = fs::read(&path)
            && attachment::verify(sha, &old).is_ok()
        {
            return Ok(None);
        }
        write_atomic(&path, bytes, true).map_err(|e| Error::io(&self.shown(&path), "write", e))?;
        Ok(Some(path))
    }

    /// An attachment's content, checked against its SHA-256: an error names
    /// the file and says how to restore it when it is missing or changed.
    pub fn read_file(&self, sha: &str) -> Result<Vec<u8>> {
        if !attachment::is_sha256(sha) {
            return Err(Error::new(format!("'{sha}' is not a SHA-256")).kind(Kind::BadFile));
        }
        let path = self.file_path(sha);
        let shown = self.shown(&path);
        let restore = restore_hint(&shown);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(Error::new(format!("{} is missing", shown.display()))
                    .kind(Kind::NotFound)
                    .at(&shown, None)
                    .hint(restore));
            }
            Err(e) => return Err(Error::io(&shown, "read", e)),
        };
        attachment::verify(sha, &bytes).map_err(|why| {
            Error::new(format!("{}: {why}", shown.display()))
                .kind(Kind::BadFile)
                .at(&shown, None)
                .hint(restore_hint(&shown))
        })?;
        Ok(bytes)
    }
}

/// How to get a kept attachment back: git has every version that was
/// committed; baton cannot make it again.
pub fn restore_hint(shown: &std::path::Path) -> String {
    format!(
        "restore it from git: git checkout -- {0} (or find a commit that has it: git log --all -- {0}); \
         baton cannot recreate an attachment",
        shown.display()
    )
}

/// Writes an attachment out where the user asked (`baton attachment -o`):
/// atomically, so the file is either the whole attachment or not there.
/// It is outside the store, so no lock guards it.
pub fn write_out(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, bytes, true).map_err(|e| Error::io(path, "write", e))
}
