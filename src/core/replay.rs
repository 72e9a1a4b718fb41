//! Replay: the one function that turns a ticket's events into its state fields.
//! Commands, the escalation sweep and the merge driver all go through it, so the
//! state in a file is always what its history says.
//!
//! Two rules make the state the same however many clones ran the sweep: an
//! `escalated` event for a deadline the period already escalated is a repeat
//! and changes nothing, and an escalation does not take the ticket from
//! whoever a person handed it to after that deadline (it still counts as a
//! missed deadline).
//!
//! Events a `reverted` cancels are left out before anything is applied, so
//! an undone hand-off gives the owner back and an undone resolve leaves the
//! ticket as open as it was, its period not restarted.
//!
//! A `renamed` event moves the ticket from the old name to the new one, and
//! any later event that still names the old name (written by a clone that had
//! not heard of the rename) means the new one: the history keeps what was
//! written, the owner is the person.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::ticket::{Event, Status, Ticket, View};

/// The state fields of a ticket: what replaying its events gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub status: Status,
    pub owner: String,
    pub updated: DateTime<Utc>,
    /// Missed deadlines since the current open period began.
    pub escalated: u32,
    /// The deadlines escalated in the current open period.
    missed: Vec<DateTime<Utc>>,
    /// When a person last handed the ticket on in the current open period.
    handed: Option<DateTime<Utc>>,
    /// The renames this history recorded: old name → the name it became.
    renamed: BTreeMap<String, String>,
}

/// What an `escalated` event does to a ticket in a given state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escalation {
    /// A deadline this period already escalated (another clone's sweep): it
    /// changes nothing.
    Repeat,
    /// A missed deadline. `moves` is false when a person handed the ticket
    /// on after the deadline: their choice stands.
    Missed { moves: bool },
}

impl State {
    /// Applies one event. Events that do not change state (replies, notes,
    /// unknown kinds) and malformed ones (a hand-off without `to`, a status
    /// change to no status) only move `updated`.
    pub fn apply(&mut self, event: &Event) {
        let view = event.view();
        // A rename is the team's bookkeeping, not work on the ticket: when
        // it was last touched stays as it was.
        if !matches!(view, Ok(View::Renamed { .. })) {
            self.updated = self.updated.max(event.at);
        }
        let Ok(view) = view else {
            return;
        };
        match view {
            View::Created { owner } => {
                self.status = Status::Open;
                self.new_period();
                self.owner = self.named(owner);
            }
            View::Handoff { to, .. } => {
                self.owner = self.named(to);
                self.handed = self.handed.max(Some(event.at));
            }
            View::Escalated { to, deadline, .. } => match self.escalation(deadline) {
                Escalation::Repeat => {}
                Escalation::Missed { moves } => {
                    self.escalated += 1;
                    self.missed.push(deadline);
                    if moves {
                        self.owner = self.named(to);
                    }
                }
            },
            View::Status { to, .. } => {
                if starts_period(self.status, to) {
                    self.new_period();
                }
                self.status = to;
            }
            // A duplicate is closed by its merge (undoing the merge reopens it).
            View::Merged { into: Some(_), .. } => self.status = Status::Closed,
            View::Renamed { from, to } => {
                super::config::record_rename(&mut self.renamed, from, to);
                if self.owner == from {
                    self.owner = to.to_string();
                }
            }
            _ => {}
        }
    }

    /// The name a person named in an event has now, by the renames this
    /// history recorded before it.
    fn named(&self, name: &str) -> String {
        self.renamed
            .get(name)
            .map_or(name, String::as_str)
            .to_string()
    }

    /// What an escalation for `deadline` does in this state.
    pub fn escalation(&self, deadline: DateTime<Utc>) -> Escalation {
        if self.missed.contains(&deadline) {
            Escalation::Repeat
        } else {
            Escalation::Missed {
                moves: self.handed.is_none_or(|at| at <= deadline),
            }
        }
    }

    fn new_period(&mut self) {
        self.escalated = 0;
        self.missed.clear();
        self.handed = None;
    }
}

/// Whether a change from `from` to `to` starts a new open period (a reopening),
/// which restarts the escalation clock.
pub fn starts_period(from: Status, to: Status) -> bool {
    !from.is_active() && to.is_active()
}

/// Replays events from the first one on, leaving out those a `reverted`
/// cancels (see [`super::undo`]). `None` when there are no events.
pub fn replay(events: &[Event]) -> Option<State> {
    let events = super::undo::standing(events);
    let first = events.first()?;
    let mut state = State {
        status: Status::Open,
        // A history that does not start well-formed still has someone to show.
        owner: first.new_owner().unwrap_or(&first.by).to_string(),
        updated: first.at,
        escalated: 0,
        missed: Vec::new(),
        handed: None,
        renamed: BTreeMap::new(),
    };
    for event in events.iter() {
        state.apply(event);
    }
    Some(state)
}

impl Ticket {
    /// The state its events give.
    pub fn replayed(&self) -> Option<State> {
        replay(&self.events)
    }

    /// Sets the state fields from the events.
    pub fn sync_state(&mut self) {
        if let Some(state) = self.replayed() {
            self.status = state.status;
            self.owner = state.owner;
            self.updated = state.updated;
            self.escalated = state.escalated;
        }
    }

    /// The time a new event gets when the clock reads `now`: never before
    /// the event above it, so a history stays in order even when one
    /// machine's clock is behind another's, or a writer read the clock
    /// before waiting for the lock.
    pub fn next_event_time(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.events
            .iter()
            .map(|e| e.at)
            .max()
            .map_or(now, |last| now.max(last))
    }

    /// Appends an event and brings the state fields up to date.
    pub fn record(&mut self, event: Event) {
        self.events.push(event);
        self.sync_state();
    }

    /// Whether the stored state fields agree with the history.
    pub fn state_matches_events(&self) -> bool {
        self.replayed().is_some_and(|s| {
            s.status == self.status
                && s.owner == self.owner
                && s.updated == self.updated
                && s.escalated == self.escalated
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ticket::{Event, EventKind};
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, h, 0, 0).unwrap()
    }

    fn status(h: u32, from: &str, to: &str) -> Event {
        Event::new(at(h), "ana", EventKind::Status)
            .from(from)
            .to(to)
    }

    fn escalated(h: u32, from: &str, to: &str) -> Event {
        let mut e = Event::new(at(h), "baton", EventKind::Escalated)
            .from(from)
            .to(to);
        e.deadline = Some(at(h));
        e
    }

    #[test]
    fn replay_follows_owner_status_and_escalations() {
        let events = vec![
            Event::new(at(1), "ana", EventKind::Created).to("ana"),
            Event::new(at(2), "ana", EventKind::Handoff)
                .from("ana")
                .to("ben"),
            Event::new(at(3), "ben", EventKind::Reply).text("on it"),
            escalated(4, "ben", "cora"),
            status(5, "open", "waiting"),
        ];
        let s = replay(&events).unwrap();
        assert_eq!(s.owner, "cora");
        assert_eq!(s.status, Status::Waiting);
        assert_eq!(s.escalated, 1);
        assert_eq!(s.updated, at(5));
    }

    #[test]
    fn reopening_a_resolved_ticket_starts_a_new_period() {
        let events = vec![
            Event::new(at(1), "ana", EventKind::Created).to("ana"),
            escalated(2, "ana", "cora"),
            status(3, "open", "resolved"),
            status(4, "resolved", "open"),
        ];
        let s = replay(&events).unwrap();
        assert_eq!((s.status, s.escalated), (Status::Open, 0));
    }

    #[test]
    fn leaving_waiting_is_not_a_new_period() {
        let events = vec![
            Event::new(at(1), "ana", EventKind::Created).to("ana"),
            escalated(2, "ana", "cora"),
            status(3, "open", "waiting"),
            status(4, "waiting", "open"),
        ];
        assert_eq!(replay(&events).unwrap().escalated, 1);
    }

    #[test]
    fn unknown_kinds_and_bad_statuses_change_nothing_but_updated() {
        let events = vec![
            Event::new(at(1), "ana", EventKind::Created).to("ana"),
            Event::new(at(2), "ana", EventKind::Other("x".into())).to("zed"),
            status(3, "open", "frozen"),
        ];
        let s = replay(&events).unwrap();
        assert_eq!(
            (s.owner.as_str(), s.status, s.updated),
            ("ana", Status::Open, at(3))
        );
    }

    #[test]
    fn malformed_events_change_nothing_but_updated() {
        let handoff = |h| Event::new(at(h), "ana", EventKind::Handoff).from("ana");
        let mut no_deadline = escalated(9, "ana", "cora");
        no_deadline.deadline = None;
        let mut nobody = Event::new(at(10), "", EventKind::Handoff)
            .from("ana")
            .to("ben");
        nobody.by = String::new();
        let events = vec![
            Event::new(at(1), "ana", EventKind::Created).to("ana"),
            handoff(2),
            handoff(3).to(""),
            handoff(4).to("  "),
            Event::new(at(5), "ana", EventKind::Handoff).to("ben"),
            status(6, "open", "exploded"),
            status(7, "frozen", "resolved"),
            Event::new(at(8), "ana", EventKind::Status).to("resolved"),
            no_deadline,
            nobody,
            Event::new(at(11), "ana", EventKind::Created),
        ];
        let s = replay(&events).unwrap();
        assert_eq!(
            (s.owner.as_str(), s.status, s.escalated, s.updated),
            ("ana", Status::Open, 0, at(11))
        );
    }

    #[test]
    fn a_history_that_does_not_start_well_formed_falls_back_to_its_writer() {
        let events = [Event::new(at(1), "ana", EventKind::Created)];
        assert_eq!(replay(&events).unwrap().owner, "ana");
        let events = [Event::new(at(1), "ana", EventKind::Handoff)
            .from("ana")
            .to("ben")];
        assert_eq!(replay(&events).unwrap().owner, "ben");
    }

    #[test]
    fn a_new_event_is_never_dated_before_the_one_above_it() {
        let mut t = Ticket::parse(
            "id = \"0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84\"\ntitle = \"x\"\nstatus = \"open\"\n\
             owner = \"ana\"\npriority = \"normal\"\ntags = []\n\
             created = 2026-11-02T01:00:00Z\nupdated = 2026-11-02T01:00:00Z\n\
             [[events]]\nat = 2026-11-02T01:00:00Z\nby = \"ana\"\nkind = \"created\"\nto = \"ana\"\n",
        )
        .unwrap();
        t.events = vec![
            Event::new(at(1), "ana", EventKind::Created).to("ana"),
            Event::new(at(5), "ana", EventKind::Note).text("x"),
        ];
        assert_eq!(t.next_event_time(at(3)), at(5));
        assert_eq!(t.next_event_time(at(7)), at(7));
        t.events.clear();
        assert_eq!(t.next_event_time(at(3)), at(3));
    }

    fn take(h: u32, m: u32, from: &str, who: &str) -> Event {
        Event::new(
            at(h) + chrono::Duration::minutes(m.into()),
            who,
            EventKind::Handoff,
        )
        .from(from)
        .to(who)
    }

    /// An escalation written at `h:m` for the deadline at hour `d`.
    fn late_escalation(h: u32, m: u32, d: u32, from: &str, to: &str) -> Event {
        let mut e = escalated(d, from, to);
        e.at = at(h) + chrono::Duration::minutes(m.into());
        e
    }

    #[test]
    fn a_deadline_escalated_by_two_sweeps_counts_once_and_keeps_the_take() {
        // Ben's clone escalates at 4:05 and ben takes it; a clone that had not
        // pulled escalates the same deadline at 5:00.
        let events = vec![
            Event::new(at(1), "ana", EventKind::Created).to("ana"),
            late_escalation(4, 5, 4, "ana", "cora"),
            take(4, 10, "cora", "ben"),
            late_escalation(5, 0, 4, "ana", "cora"),
        ];
        let s = replay(&events).unwrap();
        assert_eq!((s.owner.as_str(), s.escalated), ("ben", 1));
    }

    #[test]
    fn an_escalation_does_not_undo_a_hand_off_made_after_its_deadline() {
        let cases = [
            // (hand-off minute after the 4:00 deadline, owner after the sweep)
            (-30, "cora"),
            (0, "cora"),
            (30, "ben"),
        ];
        for (minute, owner) in cases {
            let handed = at(4) + chrono::Duration::minutes(minute);
            let mut pass = take(0, 0, "ana", "ben");
            pass.at = handed;
            let events = vec![
                Event::new(at(1), "ana", EventKind::Created).to("ana"),
                pass,
                late_escalation(5, 0, 4, "ana", "cora"),
            ];
            let s = replay(&events).unwrap();
            assert_eq!(
                (s.owner.as_str(), s.escalated),
                (owner, 1),
                "hand-off at {minute} min"
            );
        }
    }

    #[test]
    fn a_new_period_forgets_the_deadlines_and_hand_offs_of_the_last() {
        let events = vec![
            Event::new(at(1), "ana", EventKind::Created).to("ana"),
            take(2, 0, "ana", "ben"),
            escalated(4, "ben", "cora"),
            status(5, "open", "resolved"),
            status(6, "resolved", "open"),
            escalated(4, "cora", "cora"),
            late_escalation(9, 0, 8, "cora", "dan"),
        ];
        let s = replay(&events).unwrap();
        assert_eq!((s.owner.as_str(), s.escalated), ("dan", 2));
    }

    fn renamed(h: u32, from: &str, to: &str) -> Event {
        Event::new(at(h), "ben", EventKind::Renamed)
            .from(from)
            .to(to)
    }

    #[test]
    fn a_rename_moves_the_ticket_and_later_events_under_the_old_name_follow() {
        let events = vec![
            Event::new(at(1), "anna", EventKind::Created).to("anna"),
            renamed(2, "anna", "ana"),
        ];
        let s = replay(&events).unwrap();
        // The rename is no work on the ticket: `updated` stays.
        assert_eq!((s.owner.as_str(), s.updated), ("ana", at(1)));

        // A clone that had not heard of it hands the ticket to the old name.
        let mut stale = events.clone();
        stale.push(take(3, 0, "ana", "ben"));
        stale.push(
            Event::new(at(4), "ben", EventKind::Handoff)
                .from("ben")
                .to("anna"),
        );
        assert_eq!(replay(&stale).unwrap().owner, "ana");

        // Someone else's ticket only learns the name.
        let other = vec![
            Event::new(at(1), "ben", EventKind::Created).to("ben"),
            renamed(2, "anna", "ana"),
        ];
        assert_eq!(replay(&other).unwrap().owner, "ben");

        // Renamed back: the old name is in use again, and the one between
        // means the same person.
        let mut back = events;
        back.push(renamed(5, "ana", "anna"));
        assert_eq!(replay(&back).unwrap().owner, "anna");
        back.push(take(6, 0, "anna", "ben"));
        back.push(
            Event::new(at(7), "ben", EventKind::Handoff)
                .from("ben")
                .to("ana"),
        );
        assert_eq!(replay(&back).unwrap().owner, "anna");
    }

    #[test]
    fn no_events_no_state() {
        assert_eq!(replay(&[]), None);
    }
}
