//! Finding and opening the store: the one named by `--store` (or
//! `BATON_STORE`), or the one found by walking up from the current folder.
//!
//! The walk takes only a store that is the caller's: it stops at the first
//! folder owned by another user, as git does for a repository it does not
//! own. Otherwise anyone who can write to a shared parent (`/tmp`) could put
//! a `tickets/` there that a user below it would read, write and run the
//! hooks of without ever having asked for it. A store named explicitly opens
//! whoever owns it; [`Store::owned_by_caller`] says whose it is.

use std::path::{Path, PathBuf};

use super::{CONFIG_FILE, STORE_DIR, Store};
use crate::error::{Error, Kind, Result};

impl Store {
    /// Opens the store at `dir`, which must hold a `baton.toml`, whoever
    /// owns it.
    pub fn open(dir: &Path, cwd: &Path) -> Result<Store> {
        let store = Store::at(dir, cwd);
        if !store.config_path().is_file() {
            return Err(Error::new(format!(
                "no baton store at {} (no {CONFIG_FILE} there)",
                store.shown.display()
            ))
            .hint("run 'baton init' to create one, or point --store at the tickets folder")
            .kind(Kind::NoStore));
        }
        Ok(store)
    }

    /// Finds the store by walking up from `cwd`: a `tickets/` folder with a
    /// config, or the current folder itself when it is such a `tickets/`.
    /// The walk stops at a folder that belongs to another user, and does not
    /// take a store that does.
    pub fn discover(cwd: &Path) -> Result<Store> {
        for folder in cwd.ancestors() {
            if !owned_by_caller(folder) {
                let beyond = cwd
                    .ancestors()
                    .skip_while(|f| *f != folder)
                    .find_map(store_in);
                return Err(not_found(cwd, beyond.map(|s| (s, folder.to_path_buf()))));
            }
            if let Some(dir) = store_in(folder) {
                if !owned_by_caller(&dir) {
                    return Err(not_found(cwd, Some((dir.clone(), dir))));
                }
                return Ok(Store::at(&dir, cwd));
            }
        }
        Err(not_found(cwd, None))
    }

    /// Whether the caller (the effective user) owns the store's folder. A
    /// store found by walking up always is the caller's; one named with
    /// `--store` or `BATON_STORE` may not be, and then its hooks must not
    /// run: they are another user's programs, which would run as the caller.
    pub fn owned_by_caller(&self) -> bool {
        owned_by_caller(&self.dir)
    }
}

/// The store a folder holds or is, if any.
fn store_in(folder: &Path) -> Option<PathBuf> {
    if folder.file_name().is_some_and(|n| n == STORE_DIR) && folder.join(CONFIG_FILE).is_file() {
        return Some(folder.to_path_buf());
    }
    let candidate = folder.join(STORE_DIR);
    candidate.join(CONFIG_FILE).is_file().then_some(candidate)
}

/// The error for a walk that found no store of the caller's. `refused` is
/// a store of another user's it came across, and the folder where the walk
/// stopped because of it.
fn not_found(cwd: &Path, refused: Option<(PathBuf, PathBuf)>) -> Error {
    let Some((store, stop)) = refused else {
        return Error::new(format!(
            "no baton store in {} or any folder above it",
            cwd.display()
        ))
        .hint("run 'baton init' to create one here, or pass --store DIR")
        .kind(Kind::NoStore);
    };
    let whose = if store == stop {
        format!("the one at {} belongs to another user", store.display())
    } else {
        format!(
            "the one at {} is in {}, which belongs to another user",
            store.display(),
            stop.display()
        )
    };
    Error::new(format!(
        "no baton store of yours in {} or any folder above it: {whose}",
        cwd.display()
    ))
    .hint(format!(
        "to use it all the same, pass --store {} (or set BATON_STORE); to make your own, run 'baton init'",
        store.display()
    ))
    .kind(Kind::NoStore)
}

/// Whether the effective user owns `path` (a path that cannot be looked at
/// counts as someone else's). Root is a user like any other here: a folder
/// of another user's is not root's either.
#[cfg(unix)]
fn owned_by_caller(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid(2) cannot fail and touches no memory.
    let me = unsafe { libc::geteuid() };
    std::fs::metadata(path).is_ok_and(|m| m.uid() == me)
}

/// Without Unix owners, every folder counts as the caller's.
#[cfg(not(unix))]
fn owned_by_caller(path: &Path) -> bool {
    path.exists()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_store_is_the_callers_until_it_is_given_to_another_user() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path(), dir.path());
        assert!(store.owned_by_caller());
        assert!(!Store::at(&dir.path().join("missing"), dir.path()).owned_by_caller());
        // SAFETY: as above.
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("skipped the rest: only root can give a folder to another user");
            return;
        }
        std::os::unix::fs::chown(dir.path(), Some(65534), Some(65534)).unwrap();
        assert!(
            !store.owned_by_caller(),
            "root does not own nobody's folder"
        );
    }
}
