//! Mail kept aside in the untracked `.local/` folder: what intake could not
//! use (`rejected/`) and automatic mail that belongs on no ticket
//! (`automatic/`: bounces of nothing we sent, out-of-office replies, list
//! mail, reports). Each message is its bytes as they arrived, `NAME.eml`,
//! with the reason beside it, `NAME.reason`.

use std::path::{Path, PathBuf};

use super::atomic::write_atomic;
use super::{Lock, Store};
use crate::error::{Error, Result};

impl Store {
    /// The folder of automatic mail that belongs on no ticket.
    pub fn automatic_dir(&self) -> PathBuf {
        self.local_dir().join("automatic")
    }

    /// Keeps automatic mail in `.local/automatic/` (see [`Store::keep_in`]).
    /// `name` comes from the message's digest, so a message delivered again
    /// is already there and is left as it was: kept exactly once.
    pub fn keep_automatic(
        &self,
        lock: &Lock,
        name: &str,
        raw: &[u8],
        reason: &str,
    ) -> Result<PathBuf> {
        let dir = self.automatic_dir();
        let eml = dir.join(format!("{name}.eml"));
        if eml.is_file() && dir.join(format!("{name}.reason")).is_file() {
            return Ok(self.shown(&eml));
        }
        self.keep_in(lock, &dir, name, raw, reason)
    }

    /// Keeps a message in `dir`: the raw bytes as `NAME.eml` and the reason
    /// as `NAME.reason`, each written atomically (the message first, so a
    /// reason never stands without its message). A `NAME.eml` with these
    /// very bytes is kept already (a run killed before the reason was
    /// written): only the reason is written. Returns the message's path as
    /// messages show it.
    pub(super) fn keep_in(
        &self,
        _lock: &Lock,
        dir: &Path,
        name: &str,
        raw: &[u8],
        reason: &str,
    ) -> Result<PathBuf> {
        self.own_folder(dir)?;
        let eml = dir.join(format!("{name}.eml"));
        if std::fs::read(&eml).ok().as_deref() != Some(raw) {
            write_atomic(&eml, raw, false).map_err(|e| Error::io(&self.shown(&eml), "write", e))?;
        }
        let why = dir.join(format!("{name}.reason"));
        write_atomic(&why, format!("{reason}\n").as_bytes(), true)
            .map_err(|e| Error::io(&self.shown(&why), "write", e))?;
        Ok(self.shown(&eml))
    }
}
