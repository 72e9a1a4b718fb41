//! The durable outbox, `.local/outbox/`: one file per message for a
//! customer, `ID.toml`, holding the whole message and how its delivery
//! goes (attempts, the last error, when it is tried next).
//!
//! A message is written in the same transaction as the event that makes
//! it, and first: as `ID.staged` before the ticket file, renamed to
//! `ID.toml` once the ticket is saved. So an event never stands without its
//! message; a crash in between leaves a staged file that
//! [`Store::reconcile_outbox`] promotes (the event is there) or removes
//! (it is not), under the store lock, where no transaction is half done.
//!
//! Sending takes no store lock: each message is claimed on its own
//! ([`Store::claim_mail`], an exclusive `flock` on its file, released by
//! the system when the process dies), so two flushes never send one message
//! at once, and a slow server never holds up other writers. A message is
//! removed only once the transport accepted it.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::atomic::write_atomic;
use super::{Lock, Store};
use crate::error::{Error, Result};

/// The file name ending of a message waiting to be sent.
const READY: &str = "toml";
/// The file name ending of a message written before its event.
const STAGED: &str = "staged";

/// A message in the outbox and how its delivery goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queued {
    /// The outbox's own id: the ticket's and the event's, so one event
    /// makes one message however often it is queued.
    pub id: String,
    /// `reply`, `ack` or `status`.
    pub kind: String,
    pub ticket: Uuid,
    /// The index of the event that made it, among the ticket's events.
    pub event: usize,
    /// The envelope's sender (`[intake] address`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The envelope's recipient.
    pub to: String,
    pub message_id: String,
    pub subject: String,
    pub queued: DateTime<Utc>,
    #[serde(default)]
    pub attempts: u32,
    /// Not tried before this time (the back-off after a failure).
    pub next_attempt: DateTime<Utc>,
    /// What the transport said the last time it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// The whole message.
    pub mail: String,
}

/// The outbox id of the message event `index` of ticket `ticket` makes.
pub fn mail_id(ticket: Uuid, index: usize) -> String {
    format!("{}-{index}", ticket.simple())
}

/// The record of sent mail in the outbox folder: a Message-ID a line, for
/// `show`'s marks.
const SENT_LOG: &str = "sent.log";

/// A message claimed for sending: no other flush sends it while this lives.
pub struct Claim {
    path: PathBuf,
    shown: PathBuf,
    /// Holds the `flock`; dropping it releases the claim.
    _file: fs::File,
    /// The message as read once it was claimed.
    pub entry: Queued,
}

impl Claim {
    /// The transport accepted the message: it leaves the outbox. (A kill
    /// between the server's acceptance and this unlink is the one window in
    /// which the message can go out twice.)
    pub fn sent(self) -> Result<()> {
        fs::remove_file(&self.path).map_err(|e| Error::io(&self.shown, "remove", e))
    }

    /// The attempt failed: the message stays, with what the transport said
    /// and when to try again.
    pub fn failed(self, entry: &Queued) -> Result<()> {
        let text = toml::to_string(entry)
            .map_err(|e| Error::new(format!("cannot write {}: {e}", self.shown.display())))?;
        // The new file replaces this one while the claim is still held on
        // the old; a flush that claims the new one reads its next attempt.
        write_atomic(&self.path, text.as_bytes(), true)
            .map_err(|e| Error::io(&self.shown, "write", e))
    }

    /// Drops the message unsent (`baton outbox drop`, or baton gave up).
    pub fn discard(self) -> Result<()> {
        self.sent()
    }
}

/// A file of the outbox that does not read as a message.
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub path: PathBuf,
    pub why: String,
}

impl Store {
    /// The outbox folder.
    pub fn outbox_dir(&self) -> PathBuf {
        self.local_dir().join("outbox")
    }

    fn outbox_file(&self, id: &str, ending: &str) -> PathBuf {
        self.outbox_dir().join(format!("{id}.{ending}"))
    }

    /// Writes a message as staged, before the event that makes it is saved.
    /// A message already waiting under its id (the same event queued again)
    /// is left as it was: `false`, nothing staged.
    pub fn stage_mail(&self, _lock: &Lock, entry: &Queued) -> Result<bool> {
        let dir = self.outbox_dir();
        self.own_folder(&dir)?;
        if self.outbox_file(&entry.id, READY).is_file() {
            return Ok(false);
        }
        let path = self.outbox_file(&entry.id, STAGED);
        let text = toml::to_string(entry).map_err(|e| {
            Error::new(format!("cannot write {}: {e}", self.shown(&path).display()))
        })?;
        write_atomic(&path, text.as_bytes(), true)
            .map_err(|e| Error::io(&self.shown(&path), "write", e))?;
        Ok(true)
    }

    /// Makes a staged message ready to send, once its event is saved.
    pub fn promote_mail(&self, _lock: &Lock, id: &str) -> Result<()> {
        let from = self.outbox_file(id, STAGED);
        let to = self.outbox_file(id, READY);
        fs::rename(&from, &to).map_err(|e| Error::io(&self.shown(&from), "rename", e))?;
        if let Ok(d) = fs::File::open(self.outbox_dir()) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Removes a staged message whose event was not saved.
    pub fn unstage_mail(&self, _lock: &Lock, id: &str) -> Result<()> {
        let path = self.outbox_file(id, STAGED);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::io(&self.shown(&path), "remove", e))
            }
            _ => Ok(()),
        }
    }

    /// The files of the outbox with this ending, by name.
    fn outbox_files(&self, ending: &str) -> Result<Vec<PathBuf>> {
        let dir = self.outbox_dir();
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&self.shown(&dir), "read", e)),
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == ending)
                    && p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| !n.starts_with('.'))
            })
            .collect();
        files.sort();
        Ok(files)
    }

    fn read_entry(&self, path: &Path) -> std::result::Result<Queued, Unreadable> {
        let unreadable = |why: String| Unreadable {
            path: self.shown(path),
            why,
        };
        let text = fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
        toml::from_str(&text).map_err(|e| unreadable(e.message().to_string()))
    }

    /// Every message waiting to be sent, oldest first, and the files that
    /// do not read as one.
    pub fn outbox(&self) -> Result<(Vec<Queued>, Vec<Unreadable>)> {
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        for path in self.outbox_files(READY)? {
            match self.read_entry(&path) {
                Ok(q) => ok.push(q),
                // Gone since the listing: sent by another flush.
                Err(_) if !path.exists() => {}
                Err(u) => bad.push(u),
            }
        }
        ok.sort_by(|a, b| (a.queued, &a.id).cmp(&(b.queued, &b.id)));
        Ok((ok, bad))
    }

    /// Whether any message was left staged by a transaction that died.
    pub fn has_staged_mail(&self) -> bool {
        self.outbox_files(STAGED).is_ok_and(|f| !f.is_empty())
    }

    /// Settles what a transaction that died left staged: a message whose
    /// event `saved` says is on its ticket is made ready, any other removed.
    /// Under the lock, so no living transaction is half done. Returns how
    /// many were made ready and how many removed.
    pub fn reconcile_outbox(
        &self,
        lock: &Lock,
        saved: impl Fn(&Queued) -> bool,
    ) -> Result<(usize, usize)> {
        let (mut ready, mut removed) = (0, 0);
        for path in self.outbox_files(STAGED)? {
            let id = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            match self.read_entry(&path) {
                Ok(q) if saved(&q) => {
                    self.promote_mail(lock, &id)?;
                    ready += 1;
                }
                _ => {
                    self.unstage_mail(lock, &id)?;
                    removed += 1;
                }
            }
        }
        Ok((ready, removed))
    }

    /// Claims the message `id` for sending, or `None` when another flush
    /// holds it or it is gone (sent meanwhile).
    pub fn claim_mail(&self, id: &str) -> Result<Option<Claim>> {
        let path = self.outbox_file(id, READY);
        let shown = self.shown(&path);
        let file = match fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&shown, "open", e)),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => return Ok(None),
            Err(fs::TryLockError::Error(e)) => return Err(Error::io(&shown, "lock", e)),
        }
        // The file may have been sent and removed, or replaced after a
        // failure, between the open and the lock: the claim holds only if
        // the name still points at the file locked.
        if !same_file(&file, &path) {
            return Ok(None);
        }
        let entry = self.read_entry(&path).map_err(|u| {
            Error::new(format!(
                "{} does not read as a message: {}",
                u.path.display(),
                u.why
            ))
        })?;
        Ok(Some(Claim {
            path,
            shown,
            _file: file,
            entry,
        }))
    }

    /// Notes that the message with this Message-ID was sent (appended to
    /// `sent.log`; a line is short enough to be written whole).
    pub fn record_sent(&self, message_id: &str) -> Result<()> {
        use std::io::Write;
        let path = self.outbox_dir().join(SENT_LOG);
        let line = format!("{}\n", message_id.replace(['\n', '\r'], " "));
        fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(line.as_bytes()))
            .map_err(|e| Error::io(&self.shown(&path), "write", e))
    }

    /// The Message-IDs this copy sent.
    pub fn sent_ids(&self) -> std::collections::HashSet<String> {
        fs::read_to_string(self.outbox_dir().join(SENT_LOG))
            .map(|t| t.lines().map(str::to_string).collect())
            .unwrap_or_default()
    }

    /// The outbox ids that start with `prefix`.
    pub fn mail_ids(&self, prefix: &str) -> Result<Vec<String>> {
        Ok(self
            .outbox_files(READY)?
            .iter()
            .filter_map(|p| p.file_stem().and_then(|s| s.to_str()))
            .filter(|s| s.starts_with(prefix))
            .map(str::to_string)
            .collect())
    }
}

#[cfg(unix)]
fn same_file(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &fs::File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn entry(id: &str) -> Queued {
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap();
        Queued {
            id: id.into(),
            kind: "reply".into(),
            ticket: Uuid::nil(),
            event: 3,
            from: Some("help@example.com".into()),
            to: "jan@example.com".into(),
            message_id: "m@example.com".into(),
            subject: "Re: x".into(),
            queued: at,
            attempts: 0,
            next_attempt: at,
            last_error: None,
            mail: "To: jan@example.com\n\nhi\n".into(),
        }
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("baton.toml"),
            "[[people]]\nname = \"ana\"\nlevel = 1\n",
        )
        .unwrap();
        let store = Store::open(dir.path(), dir.path()).unwrap();
        (dir, store)
    }

    #[test]
    fn a_staged_message_is_ready_only_once_promoted() {
        let (_dir, store) = store();
        let lock = store.lock(std::time::Duration::from_secs(1)).unwrap();
        assert!(store.stage_mail(&lock, &entry("a-1")).unwrap());
        assert!(store.outbox().unwrap().0.is_empty());
        assert!(store.has_staged_mail());
        store.promote_mail(&lock, "a-1").unwrap();
        assert_eq!(store.outbox().unwrap().0, vec![entry("a-1")]);
        assert!(!store.has_staged_mail());
        assert!(
            !store.stage_mail(&lock, &entry("a-1")).unwrap(),
            "queued again: the waiting one stays"
        );
        assert!(!store.has_staged_mail());
    }

    #[test]
    fn reconcile_keeps_messages_whose_event_was_saved_and_removes_the_rest() {
        let (_dir, store) = store();
        let lock = store.lock(std::time::Duration::from_secs(1)).unwrap();
        store.stage_mail(&lock, &entry("saved-1")).unwrap();
        store.stage_mail(&lock, &entry("lost-1")).unwrap();
        let counts = store
            .reconcile_outbox(&lock, |q| q.id == "saved-1")
            .unwrap();
        assert_eq!(counts, (1, 1));
        let ids: Vec<String> = store
            .outbox()
            .unwrap()
            .0
            .into_iter()
            .map(|q| q.id)
            .collect();
        assert_eq!(ids, ["saved-1"]);
        assert!(!store.has_staged_mail());
    }

    #[test]
    fn a_claimed_message_cannot_be_claimed_again_until_released() {
        let (_dir, store) = store();
        let lock = store.lock(std::time::Duration::from_secs(1)).unwrap();
        store.stage_mail(&lock, &entry("a-1")).unwrap();
        store.promote_mail(&lock, "a-1").unwrap();
        let claim = store.claim_mail("a-1").unwrap().unwrap();
        assert!(
            store.claim_mail("a-1").unwrap().is_none(),
            "held by the first"
        );
        let mut failed = claim.entry.clone();
        failed.attempts = 1;
        failed.last_error = Some("451 later".into());
        claim.failed(&failed).unwrap();
        let again = store.claim_mail("a-1").unwrap().unwrap();
        assert_eq!(again.entry.attempts, 1);
        again.sent().unwrap();
        store.record_sent("m@example.com").unwrap();
        assert!(store.claim_mail("a-1").unwrap().is_none(), "gone once sent");
        assert!(store.sent_ids().contains("m@example.com"));
        assert!(store.outbox().unwrap().0.is_empty());
    }

    #[test]
    fn a_file_that_is_no_message_is_reported_not_sent() {
        let (_dir, store) = store();
        let lock = store.lock(std::time::Duration::from_secs(1)).unwrap();
        store.stage_mail(&lock, &entry("a-1")).unwrap();
        std::fs::write(store.outbox_dir().join("junk.toml"), "id = 3\n").unwrap();
        let (ok, bad) = store.outbox().unwrap();
        assert!(ok.is_empty());
        assert_eq!(bad.len(), 1);
        assert!(bad[0].path.ends_with("junk.toml"), "{:?}", bad[0].path);
    }
}
