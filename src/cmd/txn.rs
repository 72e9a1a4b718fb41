//! The one write transaction. Every command that changes the store goes
//! through [`Txn`]: begin under the store lock (the config and the clock are
//! read then, so nothing read before the lock can be stale), stage each write,
//! and [`Txn::finish`] once: commit what was written (with `[git] commit =
//! true`), release the lock, run the hooks for every event appended, then
//! flush the outbox. Mail an event owes the customer is staged in the outbox
//! before the ticket file is written and made ready after it (see
//! `store::outbox`), so no event stands without its message.
//! No other code writes ticket files, the config or `.local/` (the outbox's
//! flush aside: it claims each message on its own, see `cmd::outbox`).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::core::clock;
use crate::core::config::Config;
use crate::core::notice;
use crate::core::outgoing::{self, Outgoing};
use crate::core::ticket::{Event, Ticket};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::io::git;
use crate::io::hooks::{self, Found};
use crate::render::json;
use crate::store::{Lock, Store};

/// A ticket a transaction saved, and the events it appended (for hooks).
struct Saved {
    ticket: Ticket,
    short: String,
    appended: Vec<Event>,
}

/// How long to wait for the lock: `[store] lock_timeout` as the config says
/// before the lock (it is read again, under the lock, for everything else),
/// or the default when the config cannot be read.
fn lock_timeout(store: &Store) -> std::time::Duration {
    store
        .config()
        .map(|c| c.store.lock_timeout)
        .unwrap_or_else(|_| crate::core::config::StoreSettings::default().lock_timeout)
}

/// Writes to the store under its lock, finished once.
pub struct Txn<'a> {
    ctx: &'a Ctx,
    store: &'a Store,
    lock: Lock,
    /// The team config read under the lock, or why it could not be read
    /// (only [`Txn::begin_raw`] goes on without one).
    config: Result<Config>,
    now: DateTime<Utc>,
    /// Tracked files written, for the commit.
    written: Vec<PathBuf>,
    saved: Vec<Saved>,
    /// Outbox ids staged and not yet made ready.
    staged: Vec<String>,
    /// Messages queued by this transaction.
    queued: usize,
    /// Flush the outbox once finished (off for the flush's own writes).
    flush: bool,
}

impl<'a> Txn<'a> {
    /// Takes the store lock (waiting for other baton processes), then reads
    /// the team config and the clock.
    pub fn begin(ctx: &'a Ctx, store: &'a Store) -> Result<Txn<'a>> {
        let lock = store.lock(lock_timeout(store))?;
        let config = store.config()?;
        Ok(Txn::with(ctx, store, lock, Ok(config)))
    }

    /// Takes the store lock without reading the config: for the writes that
    /// must work when the config cannot be read (keeping rejected mail,
    /// `doctor --fix`). Commits only if a config read later says so.
    pub fn begin_raw(ctx: &'a Ctx, store: &'a Store) -> Result<Txn<'a>> {
        let lock = store.lock(lock_timeout(store))?;
        let config = store.config();
        Ok(Txn::with(ctx, store, lock, config))
    }

    fn with(ctx: &'a Ctx, store: &'a Store, lock: Lock, config: Result<Config>) -> Txn<'a> {
        Txn {
            ctx,
            store,
            lock,
            config,
            // Read after the lock is held: a process that waited for the lock
            // must not date its events before those of the one it waited for.
            now: ctx.clock(),
            written: Vec::new(),
            saved: Vec::new(),
            staged: Vec::new(),
            queued: 0,
            flush: true,
        }
    }

    /// The team config as read under the lock (always there after
    /// [`Txn::begin`]).
    pub fn config(&self) -> Result<&Config> {
        self.config.as_ref().map_err(Clone::clone)
    }

    pub fn store(&self) -> &'a Store {
        self.store
    }

    /// The time read once the lock was held.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The time a new event on `ticket` gets: now, never before the event
    /// above it.
    pub fn now_for(&self, ticket: &Ticket) -> DateTime<Utc> {
        ticket.next_event_time(self.now)
    }

    /// Saves a ticket that already exists; `before` is how many events it
    /// had when it was read, so the hooks see only the new ones.
    pub fn save(&mut self, ticket: &Ticket, short: &str, before: usize) -> Result<()> {
        self.stage_messages(ticket, short, before)?;
        let saved = self.store.save(&self.lock, ticket);
        self.settle_staged(saved.is_ok())?;
        saved?;
        self.saved_ticket(ticket, short, before);
        Ok(())
    }

    /// Saves a new ticket, refusing to replace a file.
    pub fn create(&mut self, ticket: &Ticket, short: &str) -> Result<()> {
        self.stage_messages(ticket, short, 0)?;
        let created = self.store.create(&self.lock, ticket);
        self.settle_staged(created.is_ok())?;
        created?;
        self.saved_ticket(ticket, short, 0);
        Ok(())
    }

    /// Stages the mail each new event of `ticket` owes the customer (a
    /// reply, an acknowledgement, a status notice), before the ticket file
    /// is written.
    fn stage_messages(&mut self, ticket: &Ticket, short: &str, before: usize) -> Result<()> {
        let Ok(config) = &self.config else {
            return Ok(());
        };
        let due = clock::deadline(ticket, config, self.now).map(|d| d.at);
        let messages: Vec<Outgoing> = (before..ticket.events.len())
            .filter_map(|i| outgoing::for_event(ticket, i, short, config, due))
            .collect();
        for m in &messages {
            self.queue_mail(m)?;
        }
        Ok(())
    }

    /// Stages a message for the outbox; it becomes ready to send when the
    /// ticket holding its event is saved in this transaction, and is
    /// removed if that save fails.
    pub fn queue_mail(&mut self, message: &Outgoing) -> Result<()> {
        let entry = super::outbox::entry(message, self.now);
        if self.store.stage_mail(&self.lock, &entry)? {
            self.staged.push(entry.id);
        }
        Ok(())
    }

    /// Makes the staged messages ready once their ticket is saved, or
    /// removes them when it was not.
    fn settle_staged(&mut self, saved: bool) -> Result<()> {
        for id in std::mem::take(&mut self.staged) {
            if saved {
                self.store.promote_mail(&self.lock, &id)?;
                self.queued += 1;
            } else {
                self.store.unstage_mail(&self.lock, &id)?;
            }
        }
        Ok(())
    }

    /// How many messages this transaction put in the outbox.
    pub fn queued(&self) -> usize {
        self.queued
    }

    /// Leaves the outbox alone when finished: for the flush's own writes.
    pub fn without_flush(mut self) -> Self {
        self.flush = false;
        self
    }

    /// Settles what a transaction that died left staged in the outbox (see
    /// `store::outbox`): ready when its event is on its ticket, else gone.
    pub fn reconcile_outbox(&self) -> Result<(usize, usize)> {
        let store = self.store;
        store.reconcile_outbox(&self.lock, |q| {
            store.read(q.ticket).is_ok_and(|t| {
                t.events.get(q.event).is_some_and(|e| {
                    e.message_id.as_deref() == Some(q.message_id.as_str())
                        || self.config.as_ref().is_ok_and(|c| {
                            outgoing::message_id(t.id, q.event, e, c) == q.message_id
                        })
                })
            })
        })
    }

    fn saved_ticket(&mut self, ticket: &Ticket, short: &str, before: usize) {
        self.written.push(self.store.path_of(ticket.id));
        self.saved.push(Saved {
            ticket: ticket.clone(),
            short: short.to_string(),
            appended: ticket.events[before.min(ticket.events.len())..].to_vec(),
        });
    }

    /// Replaces the team config with `text`, which reads as `config`. The
    /// commit then follows the new config's `[git]` setting.
    pub fn write_config(&mut self, text: &str, config: Config) -> Result<()> {
        self.store.write_config(&self.lock, text, true)?;
        self.written.push(self.store.config_path());
        self.config = Ok(config);
        Ok(())
    }

    /// Writes the config of a new store, refusing to replace one.
    pub fn create_config(&mut self, text: &str) -> Result<()> {
        self.store.write_config(&self.lock, text, false)
    }

    /// Writes the untracked settings of this copy of the store.
    pub fn write_local_config(&mut self, text: &str) -> Result<()> {
        self.store.write_local_config(&self.lock, text)
    }

    /// Keeps an attachment in `files/<sha256>` (tracked: it is committed
    /// with the ticket that names it); one already there is left alone.
    pub fn keep_file(&mut self, sha: &str, bytes: &[u8]) -> Result<()> {
        if let Some(path) = self.store.keep_file(&self.lock, sha, bytes)? {
            self.written.push(path);
        }
        Ok(())
    }

    /// Keeps a message intake could not use in `.local/rejected/`.
    pub fn reject(&mut self, name: &str, raw: &[u8], reason: &str) -> Result<PathBuf> {
        self.store.reject(&self.lock, name, raw, reason)
    }

    /// Keeps automatic mail that belongs on no ticket in `.local/automatic/`.
    pub fn keep_automatic(&mut self, name: &str, raw: &[u8], reason: &str) -> Result<PathBuf> {
        self.store.keep_automatic(&self.lock, name, raw, reason)
    }

    /// A new, empty backup folder named by the transaction's time.
    pub fn backup_dir(&self) -> Result<PathBuf> {
        self.store
            .backup_dir(&self.lock, &self.now.format("%Y%m%dT%H%M%SZ").to_string())
    }

    /// Copies a store file into `backup` before it is repaired.
    pub fn back_up(&self, path: &Path, backup: &Path) -> Result<()> {
        self.store.back_up(&self.lock, path, backup)
    }

    /// Moves a file out of the store into `backup` (a stale temp file).
    pub fn move_to_backup(&self, path: &Path, backup: &Path) -> Result<()> {
        self.store.move_to_backup(&self.lock, path, backup)
    }

    /// Ends the transaction: commits what was written with `message` (when
    /// `[git] commit = true`), releases the lock, then runs the hooks for
    /// each event appended, in order. A commit or a hook that fails only
    /// warns: the change is saved either way.
    pub fn finish(self, message: &str) {
        let Txn {
            ctx,
            store,
            lock,
            config,
            written,
            saved,
            flush,
            ..
        } = self;
        if !written.is_empty() && git::driver_missing(store.dir()) {
            ctx.out.warn(
                &Error::new(
                    "git's merge driver for tickets is not registered in this clone: \
                     the first change someone else makes to the same file will end in conflict markers",
                )
                .hint("run 'baton init' once in this clone to register it"),
            );
        }
        let Ok(config) = config else {
            // Only `begin_raw` goes on without a config (rejected mail,
            // `doctor --fix` of a store whose config is broken): nothing then
            // asks for a commit, and those append no event a hook is due for.
            return;
        };
        if config.git.commit
            && !written.is_empty()
            && let Err(why) = git::commit(store.dir(), &written, message)
        {
            ctx.out.warn(
                &Error::new(format!("the change is saved but not committed: {why}")).hint(
                    "commit it with git yourself, or set commit = false under [git] in baton.toml",
                ),
            );
        }
        // Hooks run once the change is saved and the lock is free (a hook
        // may well run baton itself).
        drop(lock);
        for s in &saved {
            run_hooks(ctx, store, &config, &s.ticket, &s.short, &s.appended);
        }
        // Last, with the lock free: a slow server delays only this command.
        if flush {
            super::outbox::after_write(ctx, store, &config);
        }
    }
}

/// Runs the hooks for each event a change appended, in order, after the
/// change is saved and the store lock released. A hook that is refused,
/// fails or runs too long is a warning: the change stands either way.
fn run_hooks(
    ctx: &Ctx,
    store: &Store,
    config: &Config,
    ticket: &Ticket,
    short: &str,
    events: &[Event],
) {
    let dirs = ctx.hook_dirs(store);
    // Only the store's folder can be inside a repository a clone came from;
    // there a hook runs only when git proves it untracked.
    let owned = store.owned_by_caller();
    let untracked = |p: &Path| {
        if !p.starts_with(store.dir()) {
            return Ok(());
        }
        // Another user's programs would run as the caller.
        if !owned {
            return Err(
                "is in a store another user owns, and hooks run only from your own stores (or ~/.config/baton/hooks/)"
                    .to_string(),
            );
        }
        match git::tracking(p) {
            git::Tracking::Untracked => Ok(()),
            git::Tracking::Tracked => {
                Err("is tracked by git, and hooks never run from tracked files".to_string())
            }
            git::Tracking::Unknown(why) => Err(format!(
                "cannot be proved untracked ({why}), and hooks run only from files git does not track"
            )),
        }
    };
    let first = ticket.events.len().saturating_sub(events.len());
    for (k, event) in events.iter().enumerate() {
        let found = hooks::find(&dirs, event.kind.as_str(), untracked);
        if found.is_empty() {
            continue;
        }
        let due = clock::deadline(ticket, config, ctx.now);
        let message = notice::for_event(ticket, event, short, config, due.as_ref().map(|d| d.at));
        let mut payload = json::hook_payload(
            ticket,
            short,
            due.as_ref(),
            event,
            message.as_ref(),
            store.dir(),
        );
        // The whole message the outbox holds for this event (a reply too),
        // and where it stands: hooks run before the flush, so it is queued.
        let sent =
            outgoing::for_event(ticket, first + k, short, config, due.as_ref().map(|d| d.at));
        if let Some(m) = payload.as_object_mut() {
            m.insert(
                "outgoing".into(),
                sent.map_or(serde_json::Value::Null, |o| {
                    crate::render::outbox::outgoing_json(&o, "queued")
                }),
            );
            // A new ticket's hook gets answers found before and problems it may be part of.
            if event.kind == crate::core::ticket::EventKind::Created {
                match super::similar::created_payload(store, ticket) {
                    Ok(extra) => m.extend(extra.into_iter().map(|(k, v)| (k.to_string(), v))),
                    Err(e) => ctx.out.warn(&e),
                }
            }
        }
        let mut bytes = serde_json::to_vec_pretty(&payload).unwrap_or_default();
        bytes.push(b'\n');
        let mut env = vec![
            ("BATON_EVENT", event.kind.as_str().to_string()),
            ("BATON_TICKET", ticket.id.to_string()),
            ("BATON_STORE", store.dir().display().to_string()),
        ];
        // The message ready for `sendmail -t`, so that a hook in plain sh
        // needs no JSON tool. Large ones stay in the payload only: the
        // environment has a size limit per variable.
        if let Some(mail) = message.as_ref().map(notice::Notice::mail)
            && mail.len() <= 64 * 1024
        {
            env.push(("BATON_MESSAGE", mail));
        }
        for f in found {
            match f {
                Found::Refused(path, why) => ctx.out.warn(
                    &Error::new(format!("hook {} {why}; it was not run", store.shown(&path).display()))
                        .hint("hooks run from tickets/.local/hooks/ or ~/.config/baton/hooks/ (see docs/hooks.md)"),
                ),
                Found::Run(path) => {
                    if let Err(why) = hooks::run(&path, &bytes, &env, config.hooks.timeout) {
                        ctx.out.warn(
                            &Error::new(format!(
                                "hook {} {why}; the change to {short} is saved all the same",
                                store.shown(&path).display()
                            ))
                            .hint("run the hook by hand with the payload to see why (see docs/hooks.md)"),
                        );
                    }
                }
            }
        }
    }
}
