//! What the store keeps of its own in `.local/`, and the checks that keep it
//! there. `.local` and the folders baton writes in it (the cache, rejected
//! mail, backups) must be real folders of the store, and the lock a plain
//! file: a `.local` that is a link, which a clone can bring in, would move
//! the lock, the cache, local settings, rejected mail and the hook lookup to
//! wherever it points. Every write refuses such a place with the fix;
//! readers only leave its cache alone; `baton doctor` reports it, and a
//! `.local` that git tracks. (Reads keep to the store in `folder.rs`; the
//! walk up to a store keeps to the caller's folders in `discover.rs`.)

use std::path::{Path, PathBuf};

use super::folder::{Kind, kind_at};
use super::{Store, cache};
use crate::error::{Error, Result};

/// What a place the store keeps in `.local/` must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Want {
    Folder,
    File,
}

impl Want {
    fn noun(self) -> &'static str {
        match self {
            Want::Folder => "a folder",
            Want::File => "a plain file",
        }
    }

    /// What stands at `path` instead of what is wanted there ("a link to
    /// /elsewhere", "a file"), or `None` when it is what is wanted or nothing
    /// is there yet (a write makes it, or fails with the system's reason).
    pub(super) fn misplaced(self, path: &Path) -> Option<String> {
        let kind = kind_at(path).ok()?;
        match (self, kind) {
            (Want::Folder, Kind::Folder) | (Want::File, Kind::Plain) => None,
            (_, Kind::Link) => {
                let target = std::fs::canonicalize(path)
                    .or_else(|_| std::fs::read_link(path))
                    .unwrap_or_default();
                Some(format!("a link to {}", target.display()))
            }
            (_, other) => Some(other.describe().to_string()),
        }
    }
}

/// A path as a shell word, ready to paste into a hint.
fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

impl Store {
    /// Makes sure `path`, a folder of `.local/` that baton writes into, is a
    /// real folder: made when it is missing, refused when it is a link, a
    /// file or anything else.
    pub(super) fn own_folder(&self, path: &Path) -> Result<()> {
        if let Some(what) = Want::Folder.misplaced(path) {
            return Err(self.refusal(path, &what, Want::Folder));
        }
        std::fs::create_dir_all(path).map_err(|e| Error::io(&self.shown(path), "create", e))
    }

    /// The error every write gives for a place in `.local/` that is not what
    /// it must be.
    pub(super) fn refusal(&self, path: &Path, what: &str, want: Want) -> Error {
        let why = match want {
            Want::Folder => {
                "baton writes its lock, settings, cache, backups and rejected mail only into real folders inside the store"
            }
            Want::File => "baton takes the store's lock on a plain file there",
        };
        Error::new(format!(
            "{} is {what}, not {}; {why}",
            self.shown(path).display(),
            want.noun()
        ))
        .hint(self.move_away(path, " and run the command again"))
    }

    /// How to clear a place baton needs for its own, and what to do `then`.
    fn move_away(&self, path: &Path, then: &str) -> String {
        let word = shell_word(&self.shown(path));
        format!(
            "move it out of the way (mv {word} {word}.old){then}; if a clone brought it, also untrack it (git rm -r --cached {word})"
        )
    }

    /// Everything at the store's bounds that `baton doctor` reports, as the
    /// path, what is wrong, and the fix: `.local`, or a folder baton writes
    /// in it, that is not a real folder; a lock that is not a plain file; a
    /// `.local` that git tracks (`tracked` asks git, as the hook lookup does).
    /// Links and special files among the tickets are reported by reading
    /// them ([`Store::examine`]).
    pub fn boundary_problems(
        &self,
        tracked: impl Fn(&Path) -> bool,
    ) -> Vec<(PathBuf, String, String)> {
        let local = self.local_dir();
        let refused = "every write is refused until it is moved";
        let places = [
            (local.clone(), Want::Folder, refused),
            (
                cache::dir(&local),
                Want::Folder,
                "the cache is not used until it is moved",
            ),
            (self.rejected_dir(), Want::Folder, refused),
            (self.backups_dir(), Want::Folder, refused),
            (self.lock_path(), Want::File, refused),
        ];
        let mut problems = Vec::new();
        for (path, want, effect) in places {
            if let Some(what) = want.misplaced(&path) {
                let message = format!("{what}, not {}: {effect}", want.noun());
                problems.push((path.clone(), message, self.move_away(&path, "")));
                if path == local {
                    // What lies beyond it is not the store's to judge.
                    break;
                }
            }
        }
        if kind_at(&local).is_ok() && tracked(&local) {
            problems.push((
                local.clone(),
                "tracked by git, but it belongs to this copy of the store alone: its settings, lock, cache and hooks must not come with a clone".into(),
                format!(
                    "untrack it (git rm -r --cached {}) and commit; the files stay on disk",
                    shell_word(&self.shown(&local))
                ),
            ));
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_hints_paste_into_a_shell() {
        assert_eq!(shell_word(Path::new("tickets/.local")), "tickets/.local");
        assert_eq!(
            shell_word(Path::new("my desk/it's/.local")),
            r"'my desk/it'\''s/.local'"
        );
    }

    #[test]
    fn local_places_must_be_what_baton_made_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(&dir.path().join("tickets"), dir.path());
        std::fs::create_dir(store.dir()).unwrap();
        let never_tracked = |_: &Path| false;
        assert!(
            store.boundary_problems(never_tracked).is_empty(),
            "nothing there yet"
        );
        store.ensure_local().unwrap();
        drop(store.lock(std::time::Duration::from_secs(30)).unwrap());
        assert!(
            store.boundary_problems(never_tracked).is_empty(),
            "as baton made it"
        );
        assert_eq!(
            store.boundary_problems(|p| p == store.local_dir()).len(),
            1,
            "tracked"
        );

        std::fs::create_dir(dir.path().join("elsewhere")).unwrap();
        std::fs::remove_dir_all(store.rejected_dir()).ok();
        #[cfg(unix)]
        std::os::unix::fs::symlink("../../elsewhere", store.rejected_dir()).unwrap();
        #[cfg(unix)]
        {
            let problems = store.boundary_problems(never_tracked);
            assert_eq!(problems.len(), 1, "{problems:?}");
            let (path, message, fix) = &problems[0];
            assert_eq!(path, &store.rejected_dir());
            let target = std::fs::canonicalize(dir.path().join("elsewhere")).unwrap();
            assert_eq!(
                message,
                &format!(
                    "a link to {}, not a folder: every write is refused until it is moved",
                    target.display()
                )
            );
            assert!(fix.contains("mv tickets/.local/rejected tickets/.local/rejected.old"));
            let lock = store.lock(std::time::Duration::from_secs(30)).unwrap();
            let refused = store.reject(&lock, "m", b"mail", "why").unwrap_err();
            assert!(
                refused
                    .message
                    .starts_with("tickets/.local/rejected is a link to")
            );
            assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0);
        }

        std::fs::remove_dir_all(store.local_dir()).unwrap();
        std::fs::write(store.local_dir(), "x").unwrap();
        let problems = store.boundary_problems(never_tracked);
        assert_eq!(problems.len(), 1, "only .local itself: {problems:?}");
        assert!(problems[0].1.starts_with("a file, not a folder"));
        let refused = store
            .lock(std::time::Duration::from_secs(30))
            .err()
            .unwrap();
        assert_eq!(
            refused.message,
            "tickets/.local is a file, not a folder; baton writes its lock, settings, cache, \
             backups and rejected mail only into real folders inside the store"
        );
        assert_eq!(
            refused.hint.as_deref(),
            Some(
                "move it out of the way (mv tickets/.local tickets/.local.old) and run the command \
                 again; if a clone brought it, also untrack it (git rm -r --cached tickets/.local)"
            )
        );
    }
}
