//! A Maildir, as fetchmail, getmail, mbsync and offlineimap deliver to it:
//! a folder holding `new/` (messages nobody has seen), `cur/` (seen ones)
//! and `tmp/` (messages still being written, which a reader leaves alone).
//! This adapter lists what waits in `new/`, reads a message, and marks it
//! seen by renaming it into `cur/` with the `:2,S` info suffix. Which ticket a
//! message belongs to is decided elsewhere; a message is marked seen only once
//! it is filed or kept, so a crash in between leaves it waiting.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A Maildir whose `new/`, `cur/` and `tmp/` folders are there.
pub struct Maildir {
    dir: PathBuf,
}

/// A message waiting in `new/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// Its file name in `new/` (the Maildir's unique name, perhaps with an
    /// info part).
    pub name: String,
}

impl Maildir {
    /// Opens the Maildir at `dir`, refusing a folder that is not one (so a
    /// typo in a cron line is an error, not a silent "nothing new").
    pub fn open(dir: &Path) -> Result<Maildir> {
        for sub in ["new", "cur", "tmp"] {
            let path = dir.join(sub);
            if !path.is_dir() {
                let what = if dir.is_dir() {
                    format!("it has no {sub}/ folder")
                } else if dir.exists() {
                    "it is not a folder".to_string()
                } else {
                    "there is no such folder".to_string()
                };
                return Err(
                    Error::new(format!("{} is not a Maildir: {what}", dir.display()))
                        .kind(crate::error::Kind::NotFound)
                        .hint(
                            "give the folder that holds new/, cur/ and tmp/ (the one fetchmail, \
                     mbsync or getmail deliver to), e.g. baton intake --maildir ~/Maildir",
                        ),
                );
            }
        }
        Ok(Maildir {
            dir: dir.to_path_buf(),
        })
    }

    /// The messages waiting in `new/`, in the order of their names (which
    /// start with the delivery time). Names starting with a dot are not
    /// messages, as the Maildir convention says; `tmp/` is never looked at.
    pub fn waiting(&self) -> Result<Vec<Waiting>> {
        let new = self.new_dir();
        let entries = fs::read_dir(&new).map_err(|e| Error::io(&new, "read", e))?;
        let mut waiting = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&new, "read", e))?;
            let Ok(name) = entry.file_name().into_string() else {
                // Delivery agents write ASCII names; one that is not cannot
                // be renamed faithfully into cur/ either, so it is left.
                continue;
            };
            if name.starts_with('.') || !entry.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            waiting.push(Waiting { name });
        }
        waiting.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(waiting)
    }

    /// The `new/` folder, where messages wait.
    pub fn new_dir(&self) -> PathBuf {
        self.dir.join("new")
    }

    /// Where a waiting message is.
    pub fn path_of(&self, w: &Waiting) -> PathBuf {
        self.new_dir().join(&w.name)
    }

    /// A waiting message's bytes, or `None` when it is gone (another run
    /// took it meanwhile).
    pub fn read(&self, w: &Waiting) -> Result<Option<Vec<u8>>> {
        let path = self.path_of(w);
        match fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path, "read", e)),
        }
    }

    /// Marks a message seen: renames it from `new/` into `cur/` with the
    /// seen flag, in one atomic step. A message already gone from `new/`
    /// (another run moved it) is no error.
    pub fn mark_seen(&self, w: &Waiting) -> Result<()> {
        let from = self.path_of(w);
        let to = self.dir.join("cur").join(seen_name(&w.name));
        match fs::rename(&from, &to) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound && !from.exists() => return Ok(()),
            Err(e) => {
                return Err(Error::io(&from, "move into cur/", e).hint(format!(
                    "the message is filed; move it by hand (mv {} {}), or the next run \
                     recognises it and moves it",
                    from.display(),
                    to.display()
                )));
            }
        }
        // The rename is durable only once the folders are on disk; were it
        // lost, the next run would recognise the message as filed.
        for sub in ["cur", "new"] {
            if let Ok(d) = fs::File::open(self.dir.join(sub)) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

/// The name a message gets in `cur/`: its unique name with the `:2,` info
/// and the seen flag `S` added to any flags it had, in ASCII order as the
/// Maildir convention asks.
pub fn seen_name(name: &str) -> String {
    let (unique, flags) = match name.split_once(":2,") {
        Some((unique, flags)) => (unique, flags),
        None => (name, ""),
    };
    let mut flags: Vec<char> = flags.chars().chain(['S']).collect();
    flags.sort_unstable();
    flags.dedup();
    format!("{unique}:2,{}", flags.into_iter().collect::<String>())
}

/// A name for keeping a message in the store that is the same on every run
/// over the same Maildir file: its unique name, with anything but letters,
/// digits, `.`, `_` and `-` as `-`. A trailing `.eml` (some tools name
/// Maildir files so) is left out: the store adds its own, and `NAME.eml.eml`
/// reads as a mistake.
pub fn keep_name(w: &Waiting) -> String {
    let unique = w.name.split_once(":2,").map_or(w.name.as_str(), |(u, _)| u);
    let unique = unique
        .strip_suffix(".eml")
        .filter(|u| !u.is_empty())
        .unwrap_or(unique);
    let cleaned: String = unique
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("maildir-{}", cleaned.trim_start_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seen_message_gets_the_seen_flag_among_its_others() {
        let cases = [
            ("1733.M1P2.host", "1733.M1P2.host:2,S"),
            ("1733.M1P2.host:2,", "1733.M1P2.host:2,S"),
            ("1733.M1P2.host:2,RF", "1733.M1P2.host:2,FRS"),
            ("1733.M1P2.host:2,S", "1733.M1P2.host:2,S"),
        ];
        for (name, want) in cases {
            assert_eq!(seen_name(name), want, "{name}");
        }
    }

    #[test]
    fn kept_names_are_safe_file_names_and_the_same_each_run() {
        let w = |name: &str| Waiting { name: name.into() };
        assert_eq!(
            keep_name(&w("1733.M1P2.host,S=123:2,")),
            "maildir-1733.M1P2.host-S-123"
        );
        assert_eq!(keep_name(&w("a b\\c")), "maildir-a-b-c");
        assert_eq!(keep_name(&w("broken.eml:2,")), "maildir-broken");
        assert_eq!(keep_name(&w(".eml")), "maildir-eml");
    }

    #[test]
    fn only_messages_in_new_are_waiting() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            Maildir::open(dir.path())
                .err()
                .unwrap()
                .message
                .contains("has no new/ folder")
        );
        for sub in ["new", "cur", "tmp"] {
            fs::create_dir(dir.path().join(sub)).unwrap();
        }
        fs::write(dir.path().join("new/2.b"), "x").unwrap();
        fs::write(dir.path().join("new/1.a"), "x").unwrap();
        fs::write(dir.path().join("new/.hidden"), "x").unwrap();
        fs::write(dir.path().join("tmp/0.writing"), "x").unwrap();
        fs::create_dir(dir.path().join("new/folder")).unwrap();
        let md = Maildir::open(dir.path()).unwrap();
        let names: Vec<String> = md.waiting().unwrap().into_iter().map(|w| w.name).collect();
        assert_eq!(names, ["1.a", "2.b"]);
        let first = Waiting { name: "1.a".into() };
        md.mark_seen(&first).unwrap();
        assert!(dir.path().join("cur/1.a:2,S").is_file());
        assert_eq!(md.read(&first).unwrap(), None, "gone from new/");
        md.mark_seen(&first).unwrap();
    }
}
