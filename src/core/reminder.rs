//! Waiting until a time (`baton wait --until`): the `status` event to
//! `waiting` carries an `until` key, and once that time has passed the sweep
//! brings the ticket back to `open` with a reminder, its event carrying the
//! same `until` to say which wait it answers.
//!
//! The time is only pending while the ticket stays in the waiting it set: a
//! customer's mail or a person reopening it first voids it, and so does any
//! later change of status. One wait is answered once: a second sweep sees
//! the ticket open, and the merge keeps one answer per `until` when two
//! clones swept it (see [`one_per_until`]), as it keeps one escalation per
//! deadline.

use chrono::{DateTime, SubsecRound, TimeZone, Utc};

use super::action::{self, Changed, Ctx};
use super::config::SYSTEM_ACTOR;
use super::ticket::{Event, EventKind, Status, Ticket, View};
use crate::error::{Error, Kind};

/// Reads `text` as the time a waiting ticket comes back (through
/// [`super::when`], leaning ahead), refusing a time not ahead of `now`.
pub fn parse_until<Z: TimeZone>(
    text: &str,
    now: DateTime<Utc>,
    zone: &Z,
) -> Result<DateTime<Utc>, String> {
    // Files keep times to the second; the reminder answers what the file
    // says (a time within this second is refused again by `wait`).
    super::when::ahead(text, now, zone, "a ticket waits until a time still to come")
        .map(|when| when.trunc_subsecs(0))
}

/// Sets `t` waiting until `until`, as [`action::set_status`] sets it waiting,
/// with the time on its event. A ticket already waiting is refused: its
/// wait and the time it comes back are the ones it has.
pub fn wait(
    t: &mut Ticket,
    cx: &Ctx,
    until: DateTime<Utc>,
    note: Option<String>,
) -> Result<Changed, Error> {
    if until <= cx.now {
        return Err(Error::usage(format!(
            "--until {} is not ahead of now",
            super::time::rfc3339(until)
        ))
        .hint(format!("baton wait {} --until \"tomorrow 9:00\"", cx.label)));
    }
    if t.status == Status::Waiting {
        let since = pending(&t.events)
            .map(|at| format!(" until {}", super::time::rfc3339(at)))
            .unwrap_or_default();
        return Err(
            Error::new(format!("{} is already waiting{since}", cx.label))
                .kind(Kind::WrongStatus)
                .hint(format!(
                    "reopen it first ('baton reopen {}'), then wait again with the new time",
                    cx.label
                )),
        );
    }
    let before = t.events.len();
    let changed = action::set_status(t, cx, Status::Waiting, note, false)?;
    if changed && t.events.len() == before + 1 {
        let last = t.events.pop().expect("an event was just recorded");
        t.events.push(last.with_until(until));
    }
    Ok(changed)
}

/// The time the waiting ticket whose history is `events` comes back: the
/// `until` of the change to `waiting` its standing status events end with,
/// in time order. `None` when they end elsewhere (the wait was left, so its
/// time is void) or the wait had no time.
pub fn pending(events: &[Event]) -> Option<DateTime<Utc>> {
    let standing = super::undo::standing(events);
    let mut last: Option<&Event> = None;
    for e in standing.iter() {
        let moves = match e.view() {
            Ok(View::Status { .. }) => true,
            // A merge closes the duplicate: its wait is over too.
            Ok(View::Merged { into: Some(_), .. }) => true,
            _ => false,
        };
        if moves && last.is_none_or(|l| e.at >= l.at) {
            last = Some(e);
        }
    }
    let last = last?;
    match last.status_change() {
        Some((_, Status::Waiting)) => last.until(),
        _ => None,
    }
}

/// The time `t` comes back to open, while it is waiting until one.
pub fn until_of(t: &Ticket) -> Option<DateTime<Utc>> {
    pending(&t.events).filter(|_| t.status == Status::Waiting)
}

/// The `until` a status event of the sweep answers: its change from
/// `waiting` back to `open` made by baton with an `until` key.
pub fn answers(e: &Event) -> Option<DateTime<Utc>> {
    let (from, to) = e.status_change()?;
    (e.by == SYSTEM_ACTOR && from == Status::Waiting && to == Status::Open)
        .then(|| e.until())
        .flatten()
}

/// The sweep's event bringing a ticket waiting until `until` back to open at
/// `now`, once that time has passed (`None` before it). `zone` is the one
/// the note names the time in (the desk's calendar zone, else UTC).
pub fn wake<Z: TimeZone>(until: DateTime<Utc>, now: DateTime<Utc>, zone: &Z) -> Option<Event>
where
    Z::Offset: std::fmt::Display,
{
    (until <= now).then(|| {
        let named = until.with_timezone(zone).format("%Y-%m-%d %H:%M %Z");
        Event::new(now, SYSTEM_ACTOR, EventKind::Status)
            .from(Status::Waiting.as_str())
            .to(Status::Open.as_str())
            .note(Some(format!("reminder: waiting until {named} has passed")))
            .with_until(until)
    })
}

/// Keeps one sweep answer per `until`: the earliest (ties going to the
/// smaller canonical text, so either side gives the same), and drops the
/// others. Two clones that swept the same wait before pulling each other's
/// work both reopened it; kept, the later reopening would undo whatever a
/// person did in between (such as setting it waiting again).
pub fn one_per_until(events: Vec<Event>) -> Vec<Event> {
    super::merge::earliest_per(events, answers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clock::tests::config;
    use crate::core::config::Config;
    use uuid::Uuid;

    /// 2026-11-02 08:00 UTC (a Monday) and `h` hours on.
    fn t(h: i64) -> DateTime<Utc> {
        crate::core::clock::tests::t(h, 0)
    }

    fn opened() -> Ticket {
        let config = config("top", true);
        let cx = Ctx {
            actor: "ana",
            now: t(0),
            config: &config,
            label: "0b7c",
        };
        let draft = action::Draft {
            title: "Refund".into(),
            customer: "jan@example.com".into(),
            ..action::Draft::default()
        };
        action::create(&cx, Uuid::from_u128(1), draft).unwrap()
    }

    fn at<'a>(config: &'a Config, who: &'a str, h: i64) -> Ctx<'a> {
        Ctx {
            actor: who,
            now: t(h),
            config,
            label: "0b7c",
        }
    }

    #[test]
    fn a_wait_until_records_the_time_and_it_is_pending_while_waiting() {
        let config = config("top", true);
        let mut tk = opened();
        assert!(wait(&mut tk, &at(&config, "ana", 1), t(20), None).unwrap());
        assert_eq!(tk.status, Status::Waiting);
        assert_eq!(tk.events.last().unwrap().until(), Some(t(20)));
        assert_eq!(pending(&tk.events), Some(t(20)));
    }

    #[test]
    fn leaving_the_wait_voids_its_time() {
        let config = config("top", true);
        for to in [Status::Open, Status::Resolved, Status::Closed] {
            let mut tk = opened();
            wait(&mut tk, &at(&config, "ana", 1), t(20), None).unwrap();
            action::set_status(&mut tk, &at(&config, "ana", 2), to, None, true).unwrap();
            assert_eq!(pending(&tk.events), None, "{to:?}");
        }
        // A plain wait afterwards has no time of its own.
        let mut tk = opened();
        wait(&mut tk, &at(&config, "ana", 1), t(20), None).unwrap();
        action::set_status(&mut tk, &at(&config, "ana", 2), Status::Open, None, false).unwrap();
        action::set_status(
            &mut tk,
            &at(&config, "ana", 3),
            Status::Waiting,
            None,
            false,
        )
        .unwrap();
        assert_eq!(pending(&tk.events), None);
    }

    #[test]
    fn a_time_not_ahead_or_a_ticket_already_waiting_is_refused() {
        let config = config("top", true);
        let mut tk = opened();
        let err = wait(&mut tk, &at(&config, "ana", 5), t(5), None).unwrap_err();
        assert!(err.to_string().contains("not ahead of now"), "{err}");
        wait(&mut tk, &at(&config, "ana", 5), t(9), None).unwrap();
        let err = wait(&mut tk, &at(&config, "ana", 6), t(30), None).unwrap_err();
        assert!(err.to_string().contains("already waiting until"), "{err}");
        assert_eq!(pending(&tk.events), Some(t(9)));
    }

    #[test]
    fn someone_else_cannot_set_the_ticket_waiting() {
        let config = config("top", true);
        let mut tk = opened();
        assert!(wait(&mut tk, &at(&config, "ben", 1), t(20), None).is_err());
        assert_eq!(pending(&tk.events), None);
    }

    #[test]
    fn the_time_is_read_ahead_and_must_be_to_come() {
        let now = t(0); // Monday 08:00 UTC
        assert_eq!(parse_until("in 2h", now, &Utc), Ok(t(2)));
        assert_eq!(parse_until("tomorrow 9:00", now, &Utc), Ok(t(25)));
        assert_eq!(parse_until("friday", now, &Utc), Ok(t(4 * 24 - 8)));
        for past in ["today 07:00", "1h ago", "2026-11-01"] {
            let err = parse_until(past, now, &Utc).unwrap_err();
            assert!(err.contains("not ahead of now"), "{past}: {err}");
        }
        assert!(
            parse_until("soonish", now, &Utc)
                .unwrap_err()
                .contains("not a time")
        );
    }

    #[test]
    fn the_sweep_wakes_the_ticket_once_its_time_has_passed() {
        assert_eq!(wake(t(20), t(19), &Utc), None);
        let e = wake(t(20), t(21), &Utc).unwrap();
        assert_eq!((e.at, e.by.as_str()), (t(21), SYSTEM_ACTOR));
        assert_eq!(e.status_change(), Some((Status::Waiting, Status::Open)));
        assert_eq!(
            e.note.as_deref(),
            Some("reminder: waiting until 2026-11-03 04:00 UTC has passed")
        );
        assert_eq!(answers(&e), Some(t(20)));
        let by_hand = Event::new(t(21), "ana", EventKind::Status)
            .from("waiting")
            .to("open");
        assert_eq!(answers(&by_hand.with_until(t(20))), None);
    }

    #[test]
    fn one_answer_per_until_is_kept_the_earliest() {
        let waited = Event::new(t(1), "ana", EventKind::Status)
            .from("open")
            .to("waiting")
            .with_until(t(20));
        let ours = wake(t(20), t(21), &Utc).unwrap();
        let again = Event::new(t(22), "ana", EventKind::Status)
            .from("open")
            .to("waiting")
            .with_until(t(40));
        let theirs = wake(t(20), t(23), &Utc).unwrap();
        let merged = one_per_until(vec![waited.clone(), ours.clone(), again.clone(), theirs]);
        assert_eq!(merged, vec![waited, ours, again]);
        assert_eq!(pending(&merged), Some(t(40)));
    }
}
