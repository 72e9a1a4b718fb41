//! Undo: a `reverted` event cancels an earlier event of the same ticket,
//! never by rewriting history, so an undo works after `git push` and merges
//! like every other event. Which events a `reverted` cancels, which events
//! may be undone and by whom, and what an undo appends are decided here.
//!
//! A `reverted` names its event by content, not by place: the time, author
//! and kind of the event (`reverts_at`, `reverts_by`, `reverts_kind`) and a
//! checksum of its canonical text (`reverts_sum`), the same text by which the
//! merge driver knows an event on both sides. `event`, its position when it
//! was undone (counting from 1, as `show` lists the history), only breaks a
//! tie between identical events. A merge that puts the other clone's events
//! in between moves positions, never content, so a `reverted` cancels the same
//! event on every clone, whichever merged first.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::action;
use super::ticket::{Event, EventKind, Malformed, Priority, Ticket, View};
use crate::error::{Error, Kind};

/// The key of a `reverted` event holding the position (from 1) of the event
/// it cancels, when it was undone.
pub const POSITION_KEY: &str = "event";
/// The key holding the time of the event a `reverted` cancels.
pub const AT_KEY: &str = "reverts_at";
/// The key holding who wrote the event a `reverted` cancels.
pub const BY_KEY: &str = "reverts_by";
/// The key holding the kind of the event a `reverted` cancels.
pub const KIND_KEY: &str = "reverts_kind";
/// The key holding the checksum of the canonical text of the event a
/// `reverted` cancels.
pub const SUM_KEY: &str = "reverts_sum";

/// The event a `reverted` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// Its position in the history when it was undone, from 1.
    pub position: usize,
    pub at: DateTime<Utc>,
    pub by: &'a str,
    pub kind: &'a str,
    pub sum: &'a str,
}

impl<'a> Target<'a> {
    /// Reads the keys of a `reverted` event.
    pub fn of(e: &'a Event) -> Result<Target<'a>, Malformed> {
        let text = |key: &'static str, expected: &'static str| {
            let value = e.extra.get(key);
            value
                .and_then(toml::Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| Malformed {
                    key,
                    expected,
                    found: value.map(toml::Value::to_string),
                })
        };
        let position = e.extra.get(POSITION_KEY);
        let position = position
            .and_then(toml::Value::as_integer)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n >= 1)
            .ok_or_else(|| Malformed {
                key: POSITION_KEY,
                expected: "the position of the event undone, from 1",
                found: position.map(toml::Value::to_string),
            })?;
        let at = e.extra.get(AT_KEY);
        let at = at
            .and_then(toml::Value::as_datetime)
            .and_then(|d| d.to_string().parse::<DateTime<Utc>>().ok())
            .ok_or_else(|| Malformed {
                key: AT_KEY,
                expected: "the time of the event undone",
                found: at.map(toml::Value::to_string),
            })?;
        Ok(Target {
            position,
            at,
            by: text(BY_KEY, "who wrote the event undone")?,
            kind: text(KIND_KEY, "the kind of the event undone")?,
            sum: text(SUM_KEY, "the checksum of the event undone")?,
        })
    }

    /// Whether `e` is the event this names (whatever its position).
    pub fn matches(&self, e: &Event) -> bool {
        e.at == self.at && e.by == self.by && e.kind.as_str() == self.kind && sum(e) == self.sum
    }
}

/// The checksum of an event's canonical text, as a `reverted` keeps it.
pub fn sum(e: &Event) -> String {
    format!(
        "{:08x}",
        crc32fast::hash(super::merge::canonical(e).as_bytes())
    )
}

/// The `reverted` event by `by` at `at` that cancels `events[i]`.
pub fn reverting(at: DateTime<Utc>, by: &str, events: &[Event], i: usize) -> Event {
    let target = &events[i];
    let mut e = Event::new(at, by, EventKind::Reverted);
    // The canonical RFC 3339 text is always a TOML date-time.
    let time = super::time::rfc3339(target.at)
        .parse::<toml::value::Datetime>()
        .map_or_else(
            |_| toml::Value::String(super::time::rfc3339(target.at)),
            toml::Value::Datetime,
        );
    let keys = [
        (POSITION_KEY, toml::Value::Integer(i as i64 + 1)),
        (AT_KEY, time),
        (BY_KEY, toml::Value::String(target.by.clone())),
        (KIND_KEY, toml::Value::String(target.kind.as_str().into())),
        (SUM_KEY, toml::Value::String(sum(target))),
    ];
    for (k, v) in keys {
        e.extra.insert(k.into(), v);
    }
    e
}

/// For each event, the position (from 0) of the `reverted` that cancels it.
///
/// Each well-formed `reverted` cancels one earlier event it names that is
/// not itself a `reverted` and not cancelled yet: the one at its recorded
/// position if that one matches, else the first that matches (identical
/// events are interchangeable). One that names nothing cancels nothing.
pub fn cancelled(events: &[Event]) -> Vec<Option<usize>> {
    let mut by = vec![None; events.len()];
    if !events.iter().any(|e| e.kind == EventKind::Reverted) {
        return by;
    }
    for (j, e) in events.iter().enumerate() {
        let Ok(View::Reverted { target }) = e.view() else {
            continue;
        };
        let open = |i: usize| {
            by[i].is_none() && events[i].kind != EventKind::Reverted && target.matches(&events[i])
        };
        let hinted = target.position - 1;
        let pick = if hinted < j && open(hinted) {
            Some(hinted)
        } else {
            (0..j).find(|&i| open(i))
        };
        if let Some(i) = pick {
            by[i] = Some(j);
        }
    }
    by
}

/// The events that stand: all but those a `reverted` cancels (the
/// `reverted` events stay, and change nothing but `updated`). Borrowed when
/// nothing was undone, which is almost always.
pub fn standing(events: &[Event]) -> Cow<'_, [Event]> {
    if !events.iter().any(|e| e.kind == EventKind::Reverted) {
        return Cow::Borrowed(events);
    }
    let by = cancelled(events);
    Cow::Owned(
        events
            .iter()
            .zip(by)
            .filter(|(_, by)| by.is_none())
            .map(|(e, _)| e.clone())
            .collect(),
    )
}

/// Whether an undo would consider this event: it stands and is not an undo.
fn candidate(events: &[Event], by: &[Option<usize>], i: usize) -> bool {
    by[i].is_none() && events[i].kind != EventKind::Reverted
}

/// The position (from 0) of the newest change on the ticket not undone yet,
/// whoever made it; `None` when there is none but undos.
pub fn latest(t: &Ticket) -> Option<usize> {
    let by = cancelled(&t.events);
    (0..t.events.len())
        .rev()
        .find(|&i| candidate(&t.events, &by, i))
}

/// The newest change `actor` made on the ticket that is not undone yet.
pub fn newest_by(t: &Ticket, actor: &str) -> Option<usize> {
    let by = cancelled(&t.events);
    (0..t.events.len())
        .rev()
        .find(|&i| candidate(&t.events, &by, i) && t.events[i].by == actor)
}

/// What a reply being undone may already have done outside the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mailed {
    /// The reply was mailed as this Message-ID.
    Sent(String),
    /// The ticket has a customer address, so the reply hook may have mailed it.
    Maybe,
    /// The reply's mail still waited in this copy's outbox, and was taken
    /// out of it: the customer never gets it.
    Dropped,
}

/// What an undo did to one ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Undone {
    /// The position (from 0) of the event undone.
    pub index: usize,
    /// The event undone, as it was.
    pub event: Event,
    /// For a reply: whether it may have reached the customer.
    pub mailed: Option<Mailed>,
    /// For a `merged`, `linked` or `unlinked`: the other ticket, whose
    /// matching event is undone with it.
    pub partner: Option<Uuid>,
}

/// Why an event of this kind cannot be undone, if it cannot.
fn refusal(kind: &EventKind) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        EventKind::Created => (
            "creating a ticket cannot be undone",
            "close it instead: 'baton close ID --note \"opened by mistake\"'",
        ),
        EventKind::Customer | EventKind::Stranger => (
            "mail that came in cannot be undone: it was received",
            "add a note saying why it does not count: 'baton note ID \"…\"'",
        ),
        EventKind::DeliveryFailed => (
            "a bounce cannot be undone: the mail did not arrive",
            "reply again to an address that works",
        ),
        EventKind::Escalated => (
            "an escalation cannot be undone: the deadline was missed, and the sweep would escalate it again",
            "pass it back with 'baton pass ID NAME'",
        ),
        EventKind::Reverted => (
            "an undo cannot be undone",
            "do the change again with its command (for an undone 'pass', pass it again)",
        ),
        EventKind::Renamed => (
            "a rename cannot be undone on one ticket: the name changed for the whole team",
            "rename them back with 'baton people rename NEW OLD'",
        ),
        EventKind::Other(_) => (
            "this kind of event was written by a newer baton, which alone knows how to undo it",
            "undo it with the newer baton",
        ),
        _ => return None,
    })
}

/// Undoes `t.events[i]`: checks that it may be undone and by the actor,
/// puts back a content field an `edited` event changed, and appends the
/// `reverted` event. The other ticket of a `merged`, `linked` or `unlinked`
/// event is the caller's to undo too ([`Undone::partner`], [`partner_event`]).
pub fn undo(t: &mut Ticket, cx: &action::Ctx, i: usize) -> Result<Undone, Error> {
    let n = t.events.len();
    let position = i + 1;
    let Some(event) = t.events.get(i).cloned() else {
        return Err(Error::usage(format!(
            "{} has {n} events; there is no event {position}",
            cx.label
        ))
        .hint(format!(
            "'baton show {}' lists them, the first is event 1",
            cx.label
        )));
    };
    let by = cancelled(&t.events);
    if let Some(j) = by[i] {
        let undo = &t.events[j];
        return Err(Error::new(format!(
            "event {position} of {} ({}) was undone already, by {} at {}",
            cx.label,
            event.kind.as_str(),
            undo.by,
            super::time::rfc3339(undo.at)
        ))
        .kind(Kind::WrongStatus));
    }
    if let Some((why, hint)) = refusal(&event.kind) {
        return Err(Error::new(format!(
            "cannot undo event {position} of {} ({}): {why}",
            cx.label,
            event.kind.as_str()
        ))
        .kind(Kind::WrongStatus)
        .hint(hint.replace("ID", cx.label)));
    }
    if event.by != cx.actor && t.owner != cx.actor {
        return Err(Error::new(format!(
            "only {} (who made it) or the owner, {}, can undo event {position} of {} ({})",
            event.by,
            t.owner,
            cx.label,
            event.kind.as_str()
        ))
        .kind(Kind::NotOwner)
        .hint(format!(
            "ask {} to run 'baton undo {} --event {position}'",
            event.by, cx.label
        )));
    }
    let partner = match event.view() {
        Ok(View::Edited { field, from, to }) => {
            restore(t, cx, position, field, from, to)?;
            None
        }
        Ok(View::Merged { into, dup }) => into.or(dup),
        Ok(View::Linked { problem, ticket } | View::Unlinked { problem, ticket }) => {
            problem.or(ticket)
        }
        _ => None,
    };
    let mailed = (event.kind == EventKind::Reply)
        .then(|| match &event.message_id {
            Some(id) => Some(Mailed::Sent(id.clone())),
            None => (!t.customer.is_empty()).then_some(Mailed::Maybe),
        })
        .flatten();
    let revert = reverting(cx.now, cx.actor, &t.events, i);
    t.record(revert);
    Ok(Undone {
        index: i,
        event,
        mailed,
        partner,
    })
}

/// On the other ticket of an undone two-ticket event (`merged`, `linked`,
/// `unlinked`), the newest standing event of the same kind that names the
/// ticket `of`: the one to undo with it.
pub fn partner_event(other: &Ticket, kind: &EventKind, of: Uuid) -> Option<usize> {
    let by = cancelled(&other.events);
    let names = |e: &Event| match e.view() {
        Ok(View::Merged { into, dup }) => into == Some(of) || dup == Some(of),
        Ok(View::Linked { problem, ticket } | View::Unlinked { problem, ticket }) => {
            problem == Some(of) || ticket == Some(of)
        }
        _ => false,
    };
    (0..other.events.len())
        .rev()
        .find(|&i| by[i].is_none() && other.events[i].kind == *kind && names(&other.events[i]))
}

/// Puts back the value an `edited` event replaced, if the field still holds
/// the value it set (else a later edit stands, and a person must choose).
fn restore(
    t: &mut Ticket,
    cx: &action::Ctx,
    position: usize,
    field: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(), Error> {
    let refuse = |why: String| {
        Err(Error::new(format!(
            "cannot undo event {position} of {} (edited {field}): {why}",
            cx.label
        ))
        .kind(Kind::WrongStatus)
        .hint(format!("change it with 'baton edit {}'", cx.label)))
    };
    let (Some(from), Some(to)) = (from, to) else {
        return refuse(format!(
            "the event does not keep the old {field} (the file's history in git has it)"
        ));
    };
    let now = match field {
        "title" => t.title.clone(),
        "customer" => t.customer.clone(),
        "priority" => t.priority.to_string(),
        "tags" => t.tags.join(", "),
        _ => return refuse(format!("baton does not know the field '{field}'")),
    };
    if now != to {
        return refuse(format!("the {field} was changed again since, to \"{now}\""));
    }
    match field {
        "title" => t.title = from.to_string(),
        "customer" => t.customer = from.to_string(),
        "priority" => {
            let Ok(p) = from.parse::<Priority>() else {
                return refuse(format!("the old priority \"{from}\" is not a priority"));
            };
            t.priority = p;
        }
        _ => {
            t.tags = from
                .split(", ")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Config;
    use crate::core::duplicate::tests::at;
    use crate::core::ticket::Status;

    fn config() -> Config {
        Config::parse(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[[people]]\nname = \"ben\"\nlevel = 1\n\
             [[people]]\nname = \"cora\"\nlevel = 2\n",
        )
        .unwrap()
    }

    /// A ticket ana opened at 1:00, then `events`.
    fn ticket(events: Vec<Event>) -> Ticket {
        crate::core::clock::tests::ticket_at(at(1), "ana", events)
    }

    fn handoff(h: u32, from: &str, to: &str) -> Event {
        Event::new(at(h), from, EventKind::Handoff)
            .from(from)
            .to(to)
    }

    fn status(h: u32, by: &str, from: &str, to: &str) -> Event {
        Event::new(at(h), by, EventKind::Status).from(from).to(to)
    }

    fn undo_as(t: &mut Ticket, who: &str, h: u32, i: usize) -> Result<Undone, Error> {
        let config = config();
        let cx = action::Ctx {
            actor: who,
            now: at(h),
            config: &config,
            label: "0b7c",
        };
        undo(t, &cx, i)
    }

    #[test]
    fn a_reverted_hand_off_restores_the_owner() {
        let mut t = ticket(vec![handoff(2, "ana", "ben")]);
        assert_eq!(t.owner, "ben");
        undo_as(&mut t, "ana", 3, 1).unwrap();
        assert_eq!((t.owner.as_str(), t.updated), ("ana", at(3)));
        assert!(t.state_matches_events());
    }

    #[test]
    fn a_reverted_resolve_reopens_and_restarts_nothing() {
        let mut escalated = Event::new(at(3), "baton", EventKind::Escalated)
            .from("ana")
            .to("cora");
        escalated.deadline = Some(at(3));
        let mut t = ticket(vec![escalated, status(4, "cora", "open", "resolved")]);
        assert_eq!((t.status, t.escalated), (Status::Resolved, 1));
        undo_as(&mut t, "cora", 5, 2).unwrap();
        // The escalation of the period the resolve ended counts again: no
        // reopening happened, so no new period began.
        assert_eq!((t.status, t.escalated), (Status::Open, 1));
    }

    #[test]
    fn a_reverted_edit_puts_the_old_value_back_unless_it_changed_since() {
        let mut edit = Event::new(at(2), "ana", EventKind::Edited)
            .from("x")
            .to("Printer");
        edit.field = Some("title".into());
        let mut t = ticket(vec![edit.clone()]);
        t.title = "Printer".into();
        undo_as(&mut t, "ana", 3, 1).unwrap();
        assert_eq!(t.title, "x");

        let mut t = ticket(vec![edit]);
        t.title = "Printer on fire".into();
        let e = undo_as(&mut t, "ana", 3, 1).unwrap_err();
        assert!(e.message.contains("changed again since"), "{}", e.message);
        assert_eq!(t.events.len(), 2, "a refusal appends nothing");
    }

    #[test]
    fn what_cannot_be_undone_is_refused_with_the_reason() {
        let mut escalated = Event::new(at(3), "baton", EventKind::Escalated)
            .from("ana")
            .to("ana");
        escalated.deadline = Some(at(3));
        let cases = [
            (
                Event::new(at(2), "ana", EventKind::Note).text("x"),
                0,
                "creating a ticket",
            ),
            (
                Event::new(at(2), "jan@example.com", EventKind::Customer).text("hi"),
                1,
                "was received",
            ),
            (escalated, 1, "sweep would escalate it again"),
            (
                Event::new(at(2), "ana", EventKind::Note).text("x"),
                7,
                "no event 8",
            ),
        ];
        for (e, i, why) in cases {
            let mut t = ticket(vec![e]);
            let err = undo_as(&mut t, "ana", 4, i).unwrap_err();
            assert!(err.message.contains(why), "{}", err.message);
        }
        let mut t = ticket(vec![Event::new(at(2), "ana", EventKind::Note).text("x")]);
        undo_as(&mut t, "ana", 3, 1).unwrap();
        let err = undo_as(&mut t, "ana", 4, 2).unwrap_err();
        assert!(
            err.message.contains("an undo cannot be undone"),
            "{}",
            err.message
        );
        let err = undo_as(&mut t, "ana", 4, 1).unwrap_err();
        assert!(
            err.message.contains("undone already, by ana"),
            "{}",
            err.message
        );
    }

    #[test]
    fn only_the_author_or_the_owner_may_undo() {
        let note = Event::new(at(2), "ben", EventKind::Note).text("x");
        let mut t = ticket(vec![note]);
        let err = undo_as(&mut t, "cora", 3, 1).unwrap_err();
        assert_eq!(err.kind, Kind::NotOwner);
        // ana owns it; ben wrote it: both may.
        undo_as(&mut t.clone(), "ana", 3, 1).unwrap();
        undo_as(&mut t, "ben", 3, 1).unwrap();
    }

    #[test]
    fn a_reply_undone_says_whether_it_may_have_been_mailed() {
        let mut sent = Event::new(at(2), "ana", EventKind::Reply).text("hi");
        sent.message_id = Some("r1@x".into());
        let mut t = ticket(vec![
            sent,
            Event::new(at(2), "ana", EventKind::Reply).text("hi"),
        ]);
        assert_eq!(
            undo_as(&mut t, "ana", 3, 1).unwrap().mailed,
            Some(Mailed::Sent("r1@x".into()))
        );
        assert_eq!(undo_as(&mut t, "ana", 3, 2).unwrap().mailed, None);
    }

    #[test]
    fn identical_events_are_undone_one_at_a_time() {
        let log = || {
            let mut e = Event::new(at(2), "ana", EventKind::Time);
            e.minutes = Some(30);
            e
        };
        let mut t = ticket(vec![log(), log()]);
        undo_as(&mut t, "ana", 3, 2).unwrap();
        assert_eq!(cancelled(&t.events), [None, None, Some(3), None]);
        assert_eq!(newest_by(&t, "ana"), Some(1));
        undo_as(&mut t, "ana", 3, 1).unwrap();
        assert_eq!(standing(&t.events).len(), 3);
        assert_eq!(latest(&t), Some(0));
    }

    #[test]
    fn a_revert_follows_its_event_when_a_merge_moves_it() {
        use crate::core::merge::merge;
        // Both clones have the hand-off; one undoes it, the other adds a note
        // dated before the hand-off (a clock behind), which moves it down.
        let base = ticket(vec![handoff(3, "ana", "ben")]);
        let mut undone = base.clone();
        undo_as(&mut undone, "ana", 5, 1).unwrap();
        let mut noted = base.clone();
        noted
            .events
            .insert(1, Event::new(at(2), "ben", EventKind::Note).text("early"));
        noted.sync_state();
        for m in [
            merge(Some(&base), &undone, &noted).unwrap(),
            merge(Some(&base), &noted, &undone).unwrap(),
        ] {
            let kinds: Vec<_> = m.events.iter().map(|e| e.kind.as_str()).collect();
            assert_eq!(kinds, ["created", "note", "handoff", "reverted"]);
            assert_eq!(cancelled(&m.events)[2], Some(3));
            assert_eq!(m.owner, "ana");
        }
    }

    mod properties {
        use super::*;
        use crate::core::merge::merge;
        use proptest::prelude::*;

        /// A clone's own work after the shared base: notes, hand-offs,
        /// status changes and merges at the given hours.
        fn work() -> impl Strategy<Value = Vec<(u32, u8)>> {
            prop::collection::vec((2u32..20, 0u8..4), 0..5)
        }

        fn apply(t: &mut Ticket, by: &str, steps: &[(u32, u8)]) {
            let mut steps = steps.to_vec();
            steps.sort();
            for (h, what) in steps {
                let e = match what {
                    0 => Event::new(at(h), by, EventKind::Note).text(format!("n{h}")),
                    1 => handoff(h, &t.owner.clone(), by),
                    2 => status(h, by, t.status.as_str(), "waiting"),
                    // A merge into another ticket: undoing it reopens this one.
                    _ => Event::new(at(h), by, EventKind::Merged)
                        .to(Uuid::from_u128(u128::from(h)).to_string()),
                };
                t.record(e);
            }
        }

        proptest! {
            #[test]
            fn undo_then_merge_equals_merge_then_undo(
                base_work in work(),
                ours in work(),
                theirs in work(),
                pick in 0usize..100,
            ) {
                let mut base = ticket(vec![]);
                apply(&mut base, "ana", &base_work);
                let mut a = base.clone();
                apply(&mut a, "ben", &ours);
                let mut b = base.clone();
                apply(&mut b, "cora", &theirs);
                // Undo one event of the base on clone a, at a time after all work.
                let i = 1 + pick % base.events.len().max(1);
                prop_assume!(i < base.events.len());
                // ana wrote every event of the base, so she may undo any.
                let mut a_undone = a.clone();
                undo_as(&mut a_undone, "ana", 21, i).unwrap();
                let undo_then_merge = merge(Some(&base), &a_undone, &b).unwrap();
                let mut merged = merge(Some(&base), &a, &b).unwrap();
                let position = merged.events.iter().position(|e| *e == base.events[i]).unwrap();
                undo_as(&mut merged, "ana", 21, position).unwrap();
                // The same events stand either way, and the same state follows.
                let kept = |t: &Ticket| -> Vec<Event> {
                    standing(&t.events).iter().filter(|e| e.kind != EventKind::Reverted).cloned().collect()
                };
                prop_assert_eq!(kept(&undo_then_merge), kept(&merged));
                prop_assert_eq!(
                    (&undo_then_merge.owner, undo_then_merge.status, undo_then_merge.escalated),
                    (&merged.owner, merged.status, merged.escalated)
                );
            }
        }
    }
}
