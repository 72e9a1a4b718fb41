//! The store's writes. Each one is atomic (`atomic.rs`) and takes the held
//! [`Lock`] as proof that it runs under the store lock; only the write
//! transaction (`cmd::txn`) holds one. Also here: the lock itself, the
//! untracked `.local/` folder it lives in, rejected mail and backups, which
//! are written only into real folders of the store (`boundary.rs`).

use std::fs;
use std::path::{Path, PathBuf};

use super::Store;
use super::atomic::write_atomic;
use super::boundary::Want;
use crate::core::ticket::Ticket;
use crate::error::{Error, Kind, Result};

/// A held store lock; released when dropped. Every write to the store
/// takes one as proof that it runs under the lock; only the write
/// transaction (`cmd::txn`) holds it.
pub struct Lock {
    _file: fs::File,
}

/// Writes a file that git owns, beside the store rather than in it (the
/// work tree's `.gitattributes`, the merge driver's result in git's temp
/// file): atomic like every write, but outside the store lock, which guards
/// the store's own files.
pub fn write_git_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic(path, bytes, true)
}

impl Store {
    /// A new, empty backup folder in `.local/backup/`, named by the time.
    pub fn backup_dir(&self, _lock: &Lock, stamp: &str) -> Result<PathBuf> {
        self.ensure_local()?;
        let root = self.backups_dir();
        self.own_folder(&root)?;
        for n in 1.. {
            let dir = match n {
                1 => root.join(stamp),
                n => root.join(format!("{stamp}-{n}")),
            };
            match fs::create_dir(&dir) {
                Ok(()) => return Ok(dir),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io(&self.shown(&dir), "create", e)),
            }
        }
        unreachable!("some numbered folder name is free")
    }

    /// Copies a store file into a backup folder.
    pub fn back_up(&self, _lock: &Lock, path: &Path, backup: &Path) -> Result<()> {
        let keep = backup.join(path.file_name().unwrap_or_default());
        fs::copy(path, &keep)
            .map(|_| ())
            .map_err(|e| Error::io(&self.shown(path), "back up", e))
    }

    /// Moves a store file into a backup folder.
    pub fn move_to_backup(&self, _lock: &Lock, path: &Path, backup: &Path) -> Result<()> {
        let keep = backup.join(path.file_name().unwrap_or_default());
        fs::rename(path, &keep)
            .or_else(|_| fs::copy(path, &keep).and_then(|_| fs::remove_file(path)))
            .map_err(|e| Error::io(&self.shown(path), "move", e))
    }

    /// Replaces the team config (or creates it, with `replace` false).
    pub fn write_config(&self, _lock: &Lock, text: &str, replace: bool) -> Result<()> {
        let path = self.config_path();
        let verb = if replace { "write" } else { "create" };
        write_atomic(&path, text.as_bytes(), replace)
            .map_err(|e| Error::io(&self.shown(&path), verb, e))
    }

    /// Replaces the settings of this copy of the store.
    pub fn write_local_config(&self, _lock: &Lock, text: &str) -> Result<()> {
        let path = self.local_config_path();
        write_atomic(&path, text.as_bytes(), true)
            .map_err(|e| Error::io(&self.shown(&path), "write", e))
    }

    /// Saves a ticket atomically, replacing its file, and keeps the cached
    /// listing current (the rename changes the folder's stamp), and the
    /// summaries and the mail index too.
    pub fn save(&self, lock: &Lock, ticket: &Ticket) -> Result<()> {
        let path = self.path_of(ticket.id);
        let before = self.folder_before_write();
        write_atomic(&path, ticket.to_toml().as_bytes(), true)
            .map_err(|e| Error::io(&self.shown(&path), "write", e))?;
        self.relist(before, ticket.id);
        self.remember_write(ticket.id);
        self.keep_summary(ticket);
        self.index_mail(lock, ticket);
        Ok(())
    }

    /// Saves a new ticket atomically, refusing to replace an existing file,
    /// and adds it to the cached listing, the summaries and the mail index.
    pub fn create(&self, lock: &Lock, ticket: &Ticket) -> Result<()> {
        let path = self.path_of(ticket.id);
        let before = self.folder_before_write();
        write_atomic(&path, ticket.to_toml().as_bytes(), false)
            .map_err(|e| Error::io(&self.shown(&path), "create", e))?;
        self.relist(before, ticket.id);
        self.remember_write(ticket.id);
        self.keep_summary(ticket);
        self.index_mail(lock, ticket);
        Ok(())
    }

    /// Keeps a message intake could not use: the raw bytes as `NAME.eml` and
    /// the reason as `NAME.reason`, each written atomically (the message
    /// first, so a reason never stands without its message). Returns the
    /// message's path as messages show it.
    pub fn reject(&self, lock: &Lock, name: &str, raw: &[u8], reason: &str) -> Result<PathBuf> {
        self.keep_in(lock, &self.rejected_dir(), name, raw, reason)
    }

    /// Makes sure the untracked `.local/` folder exists, ignored by git. A
    /// `.local` that is a link or a file is refused, with the fix: every
    /// write, the lock included, would go wherever it leads.
    pub fn ensure_local(&self) -> Result<PathBuf> {
        let local = self.local_dir();
        self.own_folder(&local)?;
        let ignore = local.join(".gitignore");
        if !ignore.exists() {
            write_atomic(&ignore, b"*\n", true)
                .map_err(|e| Error::io(&self.shown(&ignore), "write", e))?;
        }
        Ok(local)
    }

    /// Takes the store's write lock, waiting for other baton processes for
    /// at most `timeout`. Every read-modify-write happens under it, so
    /// concurrent changes are never lost. Only the write transaction calls it.
    pub fn lock(&self, timeout: std::time::Duration) -> Result<Lock> {
        self.ensure_local()?;
        let path = self.lock_path();
        if let Some(what) = Want::File.misplaced(&path) {
            return Err(self.refusal(&path, &what, Want::File));
        }
        let mut options = fs::OpenOptions::new();
        options.create(true).truncate(false).write(true);
        // Should the lock become a link or a pipe after the look above, the
        // open neither follows the one nor waits on the other.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(
            &mut options,
            libc::O_NOFOLLOW | libc::O_NONBLOCK,
        );
        let mut file = options
            .open(&path)
            .map_err(|e| Error::io(&self.shown(&path), "open the lock", e))?;
        let started = std::time::Instant::now();
        let mut pause = std::time::Duration::from_millis(5);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) if started.elapsed() < timeout => {
                    std::thread::sleep(pause.min(timeout.saturating_sub(started.elapsed())));
                    pause = (pause * 2).min(std::time::Duration::from_millis(200));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(self.locked(&path, timeout));
                }
                Err(fs::TryLockError::Error(e)) => {
                    return Err(Error::io(&self.shown(&path), "lock", e));
                }
            }
        }
        // Whoever waits next can say who holds it.
        let _ = file.set_len(0).and_then(|()| {
            std::io::Write::write_all(&mut file, format!("{}\n", std::process::id()).as_bytes())
        });
        Ok(Lock { _file: file })
    }

    /// The error for a lock another process held longer than `timeout`.
    fn locked(&self, path: &Path, timeout: std::time::Duration) -> Error {
        let holder = fs::read_to_string(path)
            .ok()
            .and_then(|t| t.trim().parse::<u32>().ok())
            .map(|pid| format!(" (process {pid})"))
            .unwrap_or_default();
        Error::tempfail(
            format!(
                "another baton{holder} held the store lock {} for longer than {}",
                self.shown(path).display(),
                humantime::format_duration(timeout)
            ),
            Kind::Locked,
        )
        .at(&self.shown(path), None)
        .hint("try again in a moment (cron: the next run will); [store] lock_timeout in baton.toml sets the wait")
    }
}
