//! Promises to the customer ("you will hear from us by Friday 17:00"): the
//! times people write them in, the `promised` event that records one, and
//! the fate of each, decided from the history alone.
//!
//! The rule, as docs/metrics.md states it: a promise is **kept** when, after
//! it was made and no later than the promised time, someone replies to the
//! customer or the ticket is resolved. It is **broken** once the promised
//! time has passed without that. A newer promise made no later than the
//! promised time **supersedes** it (neither kept nor broken); one made after
//! finds it already broken. The latest promise nothing has settled yet is the
//! ticket's *open* promise, shown by `show`, `list` and the sweep.
//!
//! Times are parsed ("tomorrow 12:00", "friday 17:00", "in 2h",
//! "2026-11-20 17:00", RFC 3339) in a zone given by the caller (the desk's
//! calendar zone, or the user's).

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::action::{Changed, Ctx};
use super::config::SYSTEM_ACTOR;
use super::duration;
use super::ticket::{Event, EventKind, Status, Ticket, View};
use super::time::compact;
use crate::error::{Error, Kind};

/// A promise as its `promised` event recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promise {
    /// When it was made.
    #[serde(with = "compact")]
    pub made: DateTime<Utc>,
    /// Who made it: the report credits them with its fate.
    pub by: String,
    /// The promised time.
    #[serde(with = "compact")]
    pub due: DateTime<Utc>,
    pub note: Option<String>,
    /// The customer has been told it will be late (a `delayed` event).
    pub delay_sent: bool,
}

impl Promise {
    /// The promised time has passed with nothing to keep it.
    pub fn is_broken(&self, now: DateTime<Utc>) -> bool {
        self.due < now
    }
}

/// What became of a promise, as of a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Its time is still ahead and nothing has settled it.
    Pending,
    /// A reply or a resolution came at `at`, no later than the promised time.
    Kept { at: DateTime<Utc> },
    /// The promised time passed first; counted at the promised time.
    Broken,
    /// A newer promise replaced it before it was due.
    Superseded,
}

/// How a promise was settled by a later event, before `now` is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Settled {
    /// Answered (a reply or a resolution) at this time.
    Answered(DateTime<Utc>),
    /// Replaced by a newer promise made at this time.
    Replaced(DateTime<Utc>),
}

/// Every promise in `events` (in their order) with how it was settled, and
/// the open one (unsettled) last, if any.
fn walk(events: &[Event]) -> (Vec<(Promise, Settled)>, Option<Promise>) {
    let mut settled = Vec::new();
    let mut open: Option<Promise> = None;
    for e in events {
        // Malformed events count for nothing, as everywhere.
        match e.view() {
            Ok(View::Promised { due, note }) => {
                if let Some(p) = open.take() {
                    settled.push((p, Settled::Replaced(e.at)));
                }
                open = Some(Promise {
                    made: e.at,
                    by: e.by.clone(),
                    due,
                    note: note.map(str::to_string),
                    delay_sent: false,
                });
            }
            Ok(View::Reply { .. })
            | Ok(View::Status {
                to: Status::Resolved,
                ..
            }) => {
                if let Some(p) = open.take() {
                    settled.push((p, Settled::Answered(e.at)));
                }
            }
            Ok(View::Delayed { due }) => {
                if let Some(p) = open.as_mut().filter(|p| p.due == due) {
                    p.delay_sent = true;
                }
            }
            _ => {}
        }
    }
    (settled, open)
}

/// The ticket's open promise: the latest one that no reply, resolution or
/// newer promise has settled (pending, or broken and still unanswered).
pub fn open(events: &[Event]) -> Option<Promise> {
    walk(events).1
}

/// Every promise in `events` and its fate at `now`, in the order made.
pub fn fates(events: &[Event], now: DateTime<Utc>) -> Vec<(Promise, Fate)> {
    let (settled, open) = walk(events);
    let mut out: Vec<(Promise, Fate)> = settled
        .into_iter()
        .map(|(p, how)| {
            let fate = match how {
                Settled::Answered(at) if at <= p.due => Fate::Kept { at },
                Settled::Replaced(at) if at <= p.due => Fate::Superseded,
                _ => Fate::Broken,
            };
            (p, fate)
        })
        .collect();
    if let Some(p) = open {
        let fate = if p.is_broken(now) {
            Fate::Broken
        } else {
            Fate::Pending
        };
        out.push((p, fate));
    }
    out
}

/// Records a promise on a ticket still being worked on: the customer will
/// hear by `due` (already checked to lie ahead). Anyone may make one, as
/// anyone may reply.
pub fn make(
    t: &mut Ticket,
    cx: &Ctx,
    due: DateTime<Utc>,
    note: Option<String>,
) -> Result<Changed, Error> {
    if !t.status.is_active() {
        return Err(Error::new(format!(
            "cannot promise on {}: it is {}; promises are for tickets still being worked on",
            cx.label, t.status
        ))
        .kind(Kind::WrongStatus)
        .hint(format!("reopen it first: baton reopen {}", cx.label)));
    }
    let note = note.map(|n| n.trim().to_string());
    let mut e = Event::new(cx.now, cx.actor, EventKind::Promised).note(note);
    e.deadline = Some(due);
    t.record(e);
    Ok(true)
}

/// Whether the sweep at `now`, warning `within` ahead, owes the customer
/// the delay notice of `p`: once per promise, and only before it is missed.
pub fn delay_owed(p: &Promise, now: DateTime<Utc>, within: std::time::Duration) -> bool {
    !p.delay_sent && p.due > now && p.due <= now + duration::chrono(within)
}

/// The `delayed` event recording that the customer was told `p` will be
/// late.
pub fn delay_sent(p: &Promise, at: DateTime<Utc>) -> Event {
    let mut e = Event::new(at, SYSTEM_ACTOR, EventKind::Delayed);
    e.deadline = Some(p.due);
    e
}

/// The moment `text` names (any form [`super::when`] reads, leaning
/// ahead), read at `now` in `zone`; it must lie ahead of `now`.
pub fn parse_when<Z: TimeZone>(
    text: &str,
    now: DateTime<Utc>,
    zone: &Z,
) -> Result<DateTime<Utc>, String> {
    super::when::ahead(text, now, zone, "a promise must be in the future")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use chrono_tz::Europe::Budapest;

    /// Wednesday 2026-11-04 10:00 in Budapest (09:00 UTC).
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 4, 9, 0, 0).unwrap()
    }

    fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
    }

    #[test]
    fn promise_times_read_as_a_person_means_them() {
        let cases = [
            ("tomorrow 12:00", utc(5, 11, 0)),
            ("Friday 17:00", utc(6, 16, 0)),
            ("fri 17:00", utc(6, 16, 0)),
            ("today 16:30", utc(4, 15, 30)),
            ("wednesday 11:00", utc(4, 10, 0)),
            ("wednesday 09:00", utc(11, 8, 0)),
            ("in 2h", utc(4, 11, 0)),
            ("2026-11-20 17:00", utc(20, 16, 0)),
            ("2026-11-20T17:00:00Z", utc(20, 17, 0)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_when(text, now(), &Budapest), Ok(expected), "{text}");
        }
    }

    #[test]
    fn a_time_past_or_unreadable_is_refused_with_the_forms() {
        let cases = [
            ("today 09:00", "not ahead of now"),
            ("2026-11-01T00:00:00Z", "not ahead of now"),
            ("next week", "not a time"),
            ("friday at five", "not a time"),
            ("in soon", "not a duration"),
            ("2026-03-29 02:30", "does not exist"),
        ];
        let early = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        for (text, needle) in cases {
            let at = if text.starts_with("2026-03") {
                early
            } else {
                now()
            };
            let err = parse_when(text, at, &Budapest).unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    fn promised(at: DateTime<Utc>, by: &str, due: DateTime<Utc>) -> Event {
        let mut e = Event::new(at, by, EventKind::Promised);
        e.deadline = Some(due);
        e
    }

    fn reply(at: DateTime<Utc>) -> Event {
        Event::new(at, "ana", EventKind::Reply).text("here it is")
    }

    fn resolved(at: DateTime<Utc>) -> Event {
        Event::new(at, "ana", EventKind::Status)
            .from("open")
            .to("resolved")
    }

    /// The fates of each promise in `events`, at `now`.
    fn fates_at(events: &[Event], now: DateTime<Utc>) -> Vec<Fate> {
        fates(events, now).into_iter().map(|(_, f)| f).collect()
    }

    #[test]
    fn a_promise_is_kept_by_a_reply_or_resolution_no_later_than_its_time() {
        let due = utc(6, 16, 0);
        let cases = [
            (
                "a reply before",
                vec![reply(utc(5, 9, 0))],
                Fate::Kept { at: utc(5, 9, 0) },
            ),
            (
                "a reply at the very minute",
                vec![reply(due)],
                Fate::Kept { at: due },
            ),
            (
                "a resolution before",
                vec![resolved(utc(6, 15, 0))],
                Fate::Kept { at: utc(6, 15, 0) },
            ),
            (
                "a reply a minute late",
                vec![reply(utc(6, 16, 1))],
                Fate::Broken,
            ),
            (
                "a note is no answer",
                vec![Event::new(utc(5, 9, 0), "ana", EventKind::Note).text("x")],
                Fate::Broken,
            ),
        ];
        for (what, after, fate) in cases {
            let mut events = vec![promised(utc(4, 9, 0), "ana", due)];
            events.extend(after);
            assert_eq!(fates_at(&events, utc(7, 0, 0)), vec![fate], "{what}");
        }
    }

    #[test]
    fn an_unanswered_promise_is_pending_up_to_its_time_and_broken_after() {
        let due = utc(6, 16, 0);
        let events = [promised(utc(4, 9, 0), "ana", due)];
        assert_eq!(fates_at(&events, due), vec![Fate::Pending]);
        assert_eq!(
            fates_at(&events, due + Duration::seconds(1)),
            vec![Fate::Broken]
        );
        let open = open(&events).unwrap();
        assert_eq!((open.by.as_str(), open.due), ("ana", due));
        assert!(open.is_broken(utc(7, 0, 0)) && !open.is_broken(due));
    }

    #[test]
    fn a_newer_promise_supersedes_one_not_yet_due_and_finds_an_expired_one_broken() {
        let due = utc(6, 16, 0);
        let later = utc(9, 16, 0);
        // (when the newer promise is made, what becomes of the older one)
        let cases = [
            (utc(6, 10, 0), Fate::Superseded),
            (utc(6, 17, 0), Fate::Broken),
        ];
        let mut after = Vec::new();
        for (made, older) in cases {
            after = vec![
                promised(utc(4, 9, 0), "ana", due),
                promised(made, "ben", later),
            ];
            assert_eq!(
                fates_at(&after, utc(7, 0, 0)),
                vec![older, Fate::Pending],
                "made at {made}"
            );
        }
        assert_eq!(open(&after).unwrap().by, "ben", "the newer one is open");
    }

    #[test]
    fn a_reply_before_the_promise_in_one_change_keeps_only_the_older_one() {
        // `reply --promise`: the reply is recorded first, at the same time.
        let at = utc(4, 9, 0);
        let events = [
            promised(utc(3, 9, 0), "ana", utc(4, 12, 0)),
            reply(at),
            promised(at, "ana", utc(5, 11, 0)),
        ];
        assert_eq!(
            fates_at(&events, at),
            vec![Fate::Kept { at }, Fate::Pending]
        );
        assert_eq!(open(&events).unwrap().due, utc(5, 11, 0));
    }

    #[test]
    fn the_delay_notice_is_owed_once_inside_the_horizon_and_never_after_the_time() {
        let due = utc(6, 16, 0);
        let two_hours = std::time::Duration::from_secs(7200);
        let mut events = vec![promised(utc(4, 9, 0), "ana", due)];
        let p = open(&events).unwrap();
        assert!(!delay_owed(&p, utc(6, 13, 59), two_hours), "too early");
        assert!(delay_owed(&p, utc(6, 14, 0), two_hours), "at the horizon");
        assert!(delay_owed(&p, utc(6, 15, 59), two_hours));
        assert!(!delay_owed(&p, due, two_hours), "not at the promised time");
        assert!(!delay_owed(&p, utc(6, 17, 0), two_hours), "not after it");
        events.push(delay_sent(&p, utc(6, 14, 0)));
        let sent = open(&events).unwrap();
        assert!(
            sent.delay_sent && !delay_owed(&sent, utc(6, 15, 0), two_hours),
            "once"
        );
        // A new promise owes a notice of its own.
        events.push(promised(utc(6, 15, 0), "ana", utc(6, 17, 0)));
        assert!(delay_owed(
            &open(&events).unwrap(),
            utc(6, 15, 30),
            two_hours
        ));
    }
}
