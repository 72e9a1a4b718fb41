//! The escalation clock: when a ticket is due, as a pure function of its events,
//! the escalation rule and "now"; and which escalations a sweep owes.
//!
//! The clock runs from the start of the current open period (creation, or the
//! last reopening of a resolved or closed ticket). With `pause_when_waiting`,
//! time in `waiting` does not count: the k-th deadline is the moment the ticket
//! has been open for k × `after` since that start.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::calendar::Hours;
use super::config::{Config, Escalation, SYSTEM_ACTOR, Target};
use super::duration;
use super::replay::starts_period;
use super::sla;
use super::ticket::{Event, EventKind, Priority, Status, Ticket, View};
use super::time::compact;
use serde::{Deserialize, Serialize};

/// Where a ticket stands against its escalation deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// When the current period began.
    pub start: DateTime<Utc>,
    /// The deadline shown to people: the next one the sweep acts on, or the
    /// last one missed when no further escalation is possible. While paused,
    /// where it lies if the ticket were resumed now.
    pub at: DateTime<Utc>,
    /// The ticket is waiting and waiting time does not count.
    pub paused: bool,
    /// Time not counted since the start of the period, up to now.
    pub waited: Duration,
    /// Escalations in this period so far.
    pub escalations: u32,
    /// No further escalation can happen in this period.
    pub exhausted: bool,
}

impl Deadline {
    /// Time left until the deadline (negative when overdue).
    pub fn remaining(&self, now: DateTime<Utc>) -> Duration {
        self.at - now
    }

    /// Past the deadline. A ticket set waiting only after its deadline had
    /// passed stays overdue: the pause cannot undo a breach.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.at <= now
    }
}

/// The clock of a ticket's current open period: where it began, the status
/// changes since, and the escalations in it. Deadlines are computed from it
/// alone, so listings can keep it instead of the whole history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    #[serde(with = "compact")]
    start: DateTime<Utc>,
    changes: Vec<Change>,
    status: Status,
    escalations: u32,
    /// When a person last handed the ticket on in this period: a deadline
    /// missed before that does not move the ticket (see `core::replay`).
    handed: Option<Instant>,
}

/// A moment, kept compact in the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct Instant(#[serde(with = "compact")] DateTime<Utc>);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Change {
    #[serde(with = "compact")]
    at: DateTime<Utc>,
    to: Status,
}

impl Clock {
    /// The clock after `events`, or `None` when there are none.
    pub fn of(events: &[Event]) -> Option<Clock> {
        // Undone events never happened, for the clock as for replay.
        let events = super::undo::standing(events);
        let first = events.first()?;
        let mut p = Clock::starting(first.at, Status::Open);
        for e in events.iter() {
            // Malformed events are skipped, as replay skips them.
            match e.view() {
                Ok(View::Created { .. }) => p = Clock::starting(e.at, Status::Open),
                Ok(View::Status { to, .. }) => {
                    if starts_period(p.status, to) {
                        p = Clock::starting(e.at, to);
                    } else {
                        p.changes.push(Change {
                            at: e.at.max(p.start),
                            to,
                        });
                        p.status = to;
                    }
                }
                Ok(View::Escalated { .. }) => p.escalations += 1,
                Ok(View::Handoff { .. }) => p.handed = p.handed.max(Some(Instant(e.at))),
                _ => {}
            }
        }
        Some(p)
    }

    fn starting(start: DateTime<Utc>, status: Status) -> Clock {
        Clock {
            start,
            changes: Vec::new(),
            status,
            escalations: 0,
            handed: None,
        }
    }

    fn counts(&self, status: Status, policy: &Escalation) -> bool {
        status == Status::Open || (status == Status::Waiting && !policy.pause_when_waiting)
    }

    /// The moment counted time reaches `target`. If the clock is paused at the
    /// end, it is assumed to resume at `now`. Only the working time of `hours`
    /// counts, so a period that starts outside it starts at the next opening.
    fn reaches(
        &self,
        target: Duration,
        policy: &Escalation,
        hours: Hours,
        now: DateTime<Utc>,
    ) -> DateTime<Utc> {
        let mut counted = Duration::zero();
        let mut t = self.start;
        let mut status = Status::Open;
        for &Change { at, to: next } in &self.changes {
            let at = at.max(t);
            if self.counts(status, policy) {
                let span = hours.between(t, at);
                if counted + span >= target {
                    return hours.add(t, target - counted);
                }
                counted += span;
            }
            t = at;
            status = next;
        }
        let resume = if self.counts(status, policy) {
            t
        } else {
            t.max(now)
        };
        hours.add(resume, target - counted)
    }

    /// Counted time between the start and `at`: the working time of `hours`
    /// while the clock ran.
    fn counted(&self, policy: &Escalation, hours: Hours, at: DateTime<Utc>) -> Duration {
        let mut counted = Duration::zero();
        let mut t = self.start;
        let mut status = Status::Open;
        for &Change {
            at: change,
            to: next,
        } in &self.changes
        {
            let change = change.max(t).min(at.max(t));
            if self.counts(status, policy) {
                counted += hours.between(t, change);
            }
            t = change;
            status = next;
        }
        if self.counts(status, policy) {
            counted += hours.between(t, at);
        }
        counted
    }

    /// Time not counted between the start and `now`.
    fn waited(&self, policy: &Escalation, now: DateTime<Utc>) -> Duration {
        let mut waited = Duration::zero();
        let mut t = self.start;
        let mut status = Status::Open;
        for &Change { at, to: next } in &self.changes {
            let at = at.max(t).min(now.max(t));
            if !self.counts(status, policy) {
                waited += at - t;
            }
            t = at;
            status = next;
        }
        if !self.counts(status, policy) && now > t {
            waited += now - t;
        }
        waited
    }
}

/// The k-th deadline of the current period (k ≥ 1).
fn nth(
    clock: &Clock,
    policy: &Escalation,
    hours: Hours,
    k: u32,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let target = duration::chrono(policy.after) * k as i32;
    clock.reaches(target, policy, hours, now)
}

/// Whether the rule allows no further escalation in this period.
fn exhausted(policy: &Escalation, escalations: u32, owner_level: u32, top_level: u32) -> bool {
    match policy.to {
        Target::Top | Target::Person(_) => escalations >= 1,
        Target::Next => escalations >= 1 && owner_level >= top_level,
    }
}

/// The escalation rule a ticket runs on: `[escalation]` with the deadline and
/// clock of its SLA policy (see [`sla::policy`]).
pub fn rule(config: &Config, priority: Priority, customer: &str) -> Escalation {
    sla::policy(config, priority, customer).escalation(config)
}

/// The deadline of a ticket, or `None` for a resolved or closed one.
pub fn deadline(ticket: &Ticket, config: &Config, now: DateTime<Utc>) -> Option<Deadline> {
    let rule = rule(config, ticket.priority, &ticket.customer);
    Clock::of(&ticket.events)?.deadline(&ticket.owner, &rule, config, now)
}

impl Clock {
    /// Whether the clock runs: its period is open or waiting. A clock that
    /// does not has no deadline and owes no escalation.
    pub fn runs(&self) -> bool {
        self.status.is_active()
    }

    /// The deadline of a ticket with this clock and owner on `policy` (its
    /// [`rule`]), or `None` when it is resolved or closed.
    pub fn deadline(
        &self,
        owner: &str,
        policy: &Escalation,
        config: &Config,
        now: DateTime<Utc>,
    ) -> Option<Deadline> {
        if !self.runs() {
            return None;
        }
        let hours = config.hours(policy.clock);
        let done = exhausted(
            policy,
            self.escalations,
            config.level_of(owner),
            config.top_level(),
        );
        let k = if done {
            self.escalations.max(1)
        } else {
            self.escalations + 1
        };
        Some(Deadline {
            start: self.start,
            at: nth(self, policy, hours, k, now),
            paused: self.status == Status::Waiting && policy.pause_when_waiting,
            waited: self.waited(policy, now),
            escalations: self.escalations,
            exhausted: done,
        })
    }

    /// The `escalated` events a sweep at `now` owes a ticket with this clock
    /// and owner; see [`owed`].
    pub fn owed(
        &self,
        owner: &str,
        policy: &Escalation,
        config: &Config,
        load: &mut BTreeMap<String, usize>,
        now: DateTime<Utc>,
    ) -> Vec<Event> {
        if !self.runs() {
            return Vec::new();
        }
        let hours = config.hours(policy.clock);
        let mut owner = owner.to_string();
        let mut k = self.escalations;
        let mut out = Vec::new();
        while !exhausted(policy, k, config.level_of(&owner), config.top_level()) {
            let due = nth(self, policy, hours, k + 1, now);
            if due > now {
                break;
            }
            // A person handed it on after this deadline: their choice stands.
            let to = if self.handed > Some(Instant(due)) {
                owner.clone()
            } else {
                target(config, &owner, load)
            };
            if to != owner {
                if let Some(n) = load.get_mut(&owner) {
                    *n = n.saturating_sub(1);
                }
                *load.entry(to.clone()).or_insert(0) += 1;
            }
            let mut event = Event::new(now, SYSTEM_ACTOR, EventKind::Escalated)
                .from(&owner)
                .to(&to);
            event.deadline = Some(due);
            out.push(event);
            owner = to;
            k += 1;
        }
        out
    }
}

/// How long the current period of `events` has counted towards its deadline at
/// `at`: open time since the period began, less paused waiting, in the working
/// hours of the rule's clock. The report measures resolution times with it, so
/// "resolved in time" means exactly "resolved before the first deadline".
pub fn counted(
    events: &[Event],
    policy: &Escalation,
    config: &Config,
    at: DateTime<Utc>,
) -> Option<Duration> {
    let clock = Clock::of(events)?;
    Some(clock.counted(policy, config.hours(policy.clock), at))
}

/// Picks who receives an escalated ticket: the target person, or the least
/// loaded person at the target level (ties go to the first in the config).
fn target(config: &Config, owner: &str, load: &BTreeMap<String, usize>) -> String {
    let owner_level = config.level_of(owner);
    let level = match &config.escalation.to {
        Target::Person(name) => return name.clone(),
        Target::Top => config.top_level(),
        Target::Next => match config.next_level_above(owner_level) {
            Some(level) => level,
            None => return owner.to_string(),
        },
    };
    if owner_level == level && config.person(owner).is_some() {
        return owner.to_string();
    }
    config
        .at_level(level)
        .min_by_key(|p| load.get(&p.name).copied().unwrap_or(0))
        .map_or_else(|| owner.to_string(), |p| p.name.clone())
}

/// The `escalated` events a sweep at `now` owes this ticket, oldest deadline
/// first: none when it is not due, several when sweeps were missed and the rule
/// is `next`. `load` counts open tickets per person and is updated as tickets move.
pub fn owed(
    ticket: &Ticket,
    config: &Config,
    load: &mut BTreeMap<String, usize>,
    now: DateTime<Utc>,
) -> Vec<Event> {
    let rule = rule(config, ticket.priority, &ticket.customer);
    Clock::of(&ticket.events).map_or_else(Vec::new, |c| {
        c.owed(&ticket.owner, &rule, config, load, now)
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::ticket::Ticket;
    use chrono::TimeZone;
    use uuid::Uuid;

    const T0: (u32, u32) = (8, 0);

    /// T0 (2026-11-02 08:00 UTC) moved by hours and minutes; the clock's
    /// and the sweep's tests share it.
    pub(crate) fn t(hours: i64, minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, T0.0, T0.1, 0).unwrap()
            + Duration::hours(hours)
            + Duration::minutes(minutes)
    }

    /// ana (1), ben (2), cora and dan (3), with this escalation rule.
    pub(crate) fn config(to: &str, pause: bool) -> Config {
        Config::parse(&format!(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[[people]]\nname = \"ben\"\nlevel = 2\n\
             [[people]]\nname = \"cora\"\nlevel = 3\n[[people]]\nname = \"dan\"\nlevel = 3\n\
             [escalation]\nafter = \"20h\"\nto = \"{to}\"\npause_when_waiting = {pause}\n"
        ))
        .unwrap()
    }

    /// A business-hours desk in Budapest (Mon–Fri 09:00–18:00, 16 November a
    /// holiday) escalating after `after` of working time.
    fn business(after: &str, to: &str, pause: bool) -> Config {
        Config::parse(&format!(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[[people]]\nname = \"ben\"\nlevel = 2\n\
             [[people]]\nname = \"cora\"\nlevel = 3\n[[people]]\nname = \"dan\"\nlevel = 3\n\
             [escalation]\nafter = \"{after}\"\nto = \"{to}\"\npause_when_waiting = {pause}\n\
             clock = \"business\"\n[calendar]\ntimezone = \"Europe/Budapest\"\n\
             mon-fri = \"09:00-18:00\"\nholidays = [\"2026-11-16\"]\n"
        ))
        .unwrap()
    }

    /// A Budapest wall-clock time in November 2026 (UTC+1): day, hour, minute.
    fn bud(day: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, h, m, 0).unwrap() - Duration::hours(1)
    }

    fn ticket(owner: &str, events: Vec<Event>) -> Ticket {
        ticket_at(t(0, 0), owner, events)
    }

    /// A ticket `owner` opened at `created`, then `events`, its state replayed.
    pub(crate) fn ticket_at(created: DateTime<Utc>, owner: &str, events: Vec<Event>) -> Ticket {
        let mut all = vec![Event::new(created, owner, EventKind::Created).to(owner)];
        all.extend(events);
        let mut ticket = Ticket {
            id: Uuid::nil(),
            title: "x".into(),
            status: Status::Open,
            owner: owner.into(),
            customer: String::new(),
            priority: Priority::Normal,
            tags: vec![],
            created,
            updated: created,
            escalated: 0,
            description: String::new(),
            extra: Default::default(),
            events: all,
        };
        ticket.sync_state();
        ticket
    }

    fn status(h: i64, from: &str, to: &str) -> Event {
        status_at(t(h, 0), from, to)
    }

    /// Runs a sweep at `now` and returns (owners it moved to, deadlines missed).
    fn sweep(
        ticket: &mut Ticket,
        config: &Config,
        now: DateTime<Utc>,
    ) -> Vec<(String, DateTime<Utc>)> {
        let events = owed(ticket, config, &mut BTreeMap::new(), now);
        let moved = events
            .iter()
            .map(|e| (e.to.clone().unwrap(), e.deadline.unwrap()))
            .collect();
        for e in events {
            ticket.record(e);
        }
        moved
    }

    fn status_at(at: DateTime<Utc>, from: &str, to: &str) -> Event {
        Event::new(at, "ana", EventKind::Status).from(from).to(to)
    }

    #[test]
    fn a_business_clock_counts_only_working_hours() {
        // 2026-11-06 is a Friday, 11-09 the Monday after, 11-16 a holiday Monday.
        let cases = [
            (
                "friday 17:30 + 2h is monday 10:30",
                "2h",
                bud(6, 17, 30),
                vec![],
                bud(9, 10, 30),
            ),
            (
                "created at night starts at the opening",
                "2h",
                bud(4, 2, 0),
                vec![],
                bud(4, 11, 0),
            ),
            (
                "a weekend never counts",
                "20h",
                bud(6, 9, 0),
                vec![],
                bud(10, 11, 0),
            ),
            (
                "a holiday monday is skipped",
                "2h",
                bud(13, 17, 30),
                vec![],
                bud(17, 10, 30),
            ),
            (
                "waiting across the weekend pauses, then resumes on monday",
                "4h",
                bud(6, 16, 0),
                vec![
                    status_at(bud(6, 17, 0), "open", "waiting"),
                    status_at(bud(9, 12, 0), "waiting", "open"),
                ],
                bud(9, 15, 0),
            ),
            (
                "reopened on a holiday, the clock starts the next working day",
                "2h",
                bud(12, 10, 0),
                vec![
                    status_at(bud(12, 11, 0), "open", "resolved"),
                    status_at(bud(16, 10, 0), "resolved", "open"),
                ],
                bud(17, 11, 0),
            ),
            (
                "resolved and reopened on a saturday",
                "1h",
                bud(6, 10, 0),
                vec![
                    status_at(bud(6, 10, 30), "open", "resolved"),
                    status_at(bud(7, 12, 0), "resolved", "open"),
                ],
                bud(9, 10, 0),
            ),
        ];
        for (name, after, created, events, due) in cases {
            let c = business(after, "top", true);
            let mut tk = ticket_at(created, "ana", events);
            let now = tk.events.last().unwrap().at;
            assert_eq!(deadline(&tk, &c, now).unwrap().at, due, "{name}");
            assert!(
                sweep(&mut tk, &c, due - Duration::seconds(1)).is_empty(),
                "{name}: not early"
            );
            assert_eq!(sweep(&mut tk, &c, due).len(), 1, "{name}: due then");
        }
    }

    #[test]
    fn round_the_clock_ignores_the_calendar() {
        let mut c = business("2h", "top", true);
        c.escalation.clock = crate::core::config::ClockKind::Round;
        let tk = ticket_at(bud(6, 17, 30), "ana", vec![]);
        assert_eq!(deadline(&tk, &c, bud(6, 18, 0)).unwrap().at, bud(6, 19, 30));
    }

    #[test]
    fn counted_time_is_working_time_on_a_business_clock() {
        let c = business("20h", "top", true);
        let tk = ticket_at(bud(6, 17, 0), "ana", vec![]);
        assert_eq!(
            counted(&tk.events, &c.escalation, &c, bud(9, 10, 0)),
            Some(Duration::hours(2))
        );
    }

    #[test]
    fn the_deadline_falls_exactly_at_twenty_hours() {
        let c = config("top", true);
        let cases = [((19, 59), 0), ((20, 0), 1), ((20, 1), 1)];
        for ((h, m), expected) in cases {
            let mut tk = ticket("ana", vec![]);
            let moved = sweep(&mut tk, &c, t(h, m));
            assert_eq!(moved.len(), expected, "at {h}h{m}m");
            if expected == 1 {
                assert_eq!(moved[0], ("cora".to_string(), t(20, 0)));
                assert_eq!(tk.owner, "cora");
            }
        }
    }

    #[test]
    fn a_hand_off_after_a_missed_deadline_stands_but_the_deadline_counts() {
        let c = config("top", true);
        let pass = Event::new(t(20, 30), "ana", EventKind::Handoff)
            .from("ana")
            .to("ben");
        let mut tk = ticket("ana", vec![pass]);
        assert_eq!(sweep(&mut tk, &c, t(21, 0)), vec![("ben".into(), t(20, 0))]);
        assert_eq!((tk.owner.as_str(), tk.escalated), ("ben", 1));
    }

    #[test]
    fn waiting_in_the_middle_moves_the_deadline() {
        let c = config("top", true);
        let tk = ticket(
            "ana",
            vec![status(2, "open", "waiting"), status(7, "waiting", "open")],
        );
        let d = deadline(&tk, &c, t(10, 0)).unwrap();
        assert_eq!(
            (d.at, d.waited, d.paused),
            (t(25, 0), Duration::hours(5), false)
        );
    }

    #[test]
    fn waiting_counts_when_the_pause_is_off() {
        let c = config("top", false);
        let tk = ticket("ana", vec![status(2, "open", "waiting")]);
        let d = deadline(&tk, &c, t(10, 0)).unwrap();
        assert_eq!(
            (d.at, d.paused, d.waited),
            (t(20, 0), false, Duration::zero())
        );
    }

    #[test]
    fn a_ticket_waiting_at_its_deadline_is_paused_not_escalated() {
        let c = config("top", true);
        let mut tk = ticket("ana", vec![status(19, "open", "waiting")]);
        let d = deadline(&tk, &c, t(30, 0)).unwrap();
        assert!(d.paused);
        assert_eq!(d.at, t(31, 0), "one hour left, counted from now");
        assert!(sweep(&mut tk, &c, t(30, 0)).is_empty());
    }

    #[test]
    fn waiting_after_the_deadline_does_not_undo_the_breach() {
        let c = config("top", true);
        let mut tk = ticket("ana", vec![status(21, "open", "waiting")]);
        let d = deadline(&tk, &c, t(22, 0)).unwrap();
        assert!(d.paused && d.is_overdue(t(22, 0)));
        assert_eq!(
            sweep(&mut tk, &c, t(22, 0)),
            vec![("cora".into(), t(20, 0))]
        );
    }

    #[test]
    fn reopening_after_resolve_restarts_the_clock() {
        let c = config("top", true);
        let mut tk = ticket(
            "ana",
            vec![
                status(5, "open", "resolved"),
                status(30, "resolved", "open"),
            ],
        );
        assert_eq!(deadline(&tk, &c, t(31, 0)).unwrap().at, t(50, 0));
        assert!(sweep(&mut tk, &c, t(49, 0)).is_empty());
        assert_eq!(
            sweep(&mut tk, &c, t(50, 0)),
            vec![("cora".into(), t(50, 0))]
        );
    }

    #[test]
    fn resolved_tickets_have_no_deadline() {
        let c = config("top", true);
        let tk = ticket("ana", vec![status(5, "open", "resolved")]);
        assert_eq!(deadline(&tk, &c, t(40, 0)), None);
    }

    #[test]
    fn next_climbs_one_level_per_period_and_stops_at_the_top() {
        let c = config("next", true);
        let mut tk = ticket("ana", vec![]);
        assert_eq!(sweep(&mut tk, &c, t(20, 0)), vec![("ben".into(), t(20, 0))]);
        assert_eq!(deadline(&tk, &c, t(20, 0)).unwrap().at, t(40, 0));
        assert!(sweep(&mut tk, &c, t(39, 59)).is_empty());
        assert_eq!(
            sweep(&mut tk, &c, t(40, 0)),
            vec![("cora".into(), t(40, 0))]
        );
        assert!(
            sweep(&mut tk, &c, t(60, 0)).is_empty(),
            "already at the top"
        );
        let d = deadline(&tk, &c, t(60, 0)).unwrap();
        assert!(d.exhausted && d.at == t(40, 0));
    }

    #[test]
    fn a_missed_sweep_catches_up_with_each_deadline() {
        let c = config("next", true);
        let mut tk = ticket("ana", vec![]);
        let moved = sweep(&mut tk, &c, t(72, 0));
        assert_eq!(
            moved,
            vec![("ben".into(), t(20, 0)), ("cora".into(), t(40, 0))]
        );
        assert!(tk.events.iter().all(|e| e.at <= t(72, 0)));
        assert!(
            sweep(&mut tk, &c, t(72, 0)).is_empty(),
            "a second sweep changes nothing"
        );
    }

    #[test]
    fn a_target_who_already_owns_the_ticket_is_still_marked() {
        let c = config("top", true);
        let mut tk = ticket("cora", vec![]);
        assert_eq!(
            sweep(&mut tk, &c, t(21, 0)),
            vec![("cora".into(), t(20, 0))]
        );
        assert_eq!((tk.owner.as_str(), tk.escalated), ("cora", 1));
        assert!(sweep(&mut tk, &c, t(90, 0)).is_empty());
    }

    #[test]
    fn a_named_target_receives_the_ticket_once() {
        let c = Config::parse(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[[people]]\nname = \"ben\"\nlevel = 2\n[escalation]\nto = \"ben\"\n",
        )
        .unwrap();
        let mut tk = ticket("ana", vec![]);
        assert_eq!(sweep(&mut tk, &c, t(45, 0)), vec![("ben".into(), t(20, 0))]);
        assert!(sweep(&mut tk, &c, t(99, 0)).is_empty());
    }

    #[test]
    fn the_least_loaded_top_person_gets_the_ticket() {
        let c = config("top", true);
        let tk = ticket("ana", vec![]);
        let mut load = BTreeMap::from([("cora".to_string(), 5), ("dan".to_string(), 1)]);
        let events = owed(&tk, &c, &mut load, t(21, 0));
        assert_eq!(events[0].to.as_deref(), Some("dan"));
        assert_eq!(load["dan"], 2);
    }

    #[test]
    fn a_pass_does_not_restart_the_clock() {
        let c = config("top", true);
        let tk = ticket(
            "ana",
            vec![
                Event::new(t(10, 0), "ana", EventKind::Handoff)
                    .from("ana")
                    .to("ben"),
            ],
        );
        assert_eq!(deadline(&tk, &c, t(11, 0)).unwrap().at, t(20, 0));
    }

    #[test]
    fn malformed_status_changes_neither_pause_nor_restart_the_clock() {
        let c = config("top", true);
        let tk = ticket(
            "ana",
            vec![
                status(2, "open", "waitng"),
                Event::new(t(3, 0), "ana", EventKind::Status).to("resolved"),
                status(4, "resolved", "open"),
            ],
        );
        let d = deadline(&tk, &c, t(5, 0)).unwrap();
        assert_eq!((d.start, d.at, d.paused), (t(0, 0), t(20, 0), false));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// One step of an arbitrary history: minutes after the previous step, and what happens.
        fn step() -> impl Strategy<Value = (i64, u8, u8)> {
            (1i64..1800, 0u8..6, 0u8..4)
        }

        fn people() -> [&'static str; 4] {
            ["ana", "ben", "cora", "dan"]
        }

        /// Builds a history from steps: hand-offs, waiting, resuming, resolving, reopening.
        fn history(steps: &[(i64, u8, u8)]) -> Ticket {
            let mut tk = ticket("ana", vec![]);
            let mut now = t(0, 0);
            for &(gap, what, who) in steps {
                now += Duration::minutes(gap);
                let who = people()[who as usize];
                let owner = tk.owner.clone();
                let status = tk.status.as_str();
                let event = match (what, tk.status) {
                    (0, _) => Event::new(now, who, EventKind::Handoff).from(owner).to(who),
                    (1, Status::Open) => Event::new(now, &owner, EventKind::Status)
                        .from(status)
                        .to("waiting"),
                    (2, Status::Waiting | Status::Resolved) => {
                        Event::new(now, who, EventKind::Status)
                            .from(status)
                            .to("open")
                    }
                    (3, Status::Open | Status::Waiting) => {
                        Event::new(now, &owner, EventKind::Status)
                            .from(status)
                            .to("resolved")
                    }
                    _ => Event::new(now, who, EventKind::Note).text("x"),
                };
                tk.record(event);
            }
            tk
        }

        proptest! {
            /// However often cron ran, a ticket ends with the same owner and the same missed deadlines.
            #[test]
            fn sweeping_often_or_once_gives_the_same_escalations(
                steps in proptest::collection::vec(step(), 0..12),
                sweeps in proptest::collection::vec(1i64..6000, 1..8),
                to in prop_oneof![Just("top"), Just("next")],
                pause in any::<bool>(),
                on_calendar in any::<bool>(),
            ) {
                let c = if on_calendar { business("5h", to, pause) } else { config(to, pause) };
                let base = history(&steps);
                let last_event = base.events.last().unwrap().at;
                let mut often = base.clone();
                let mut at = last_event;
                for gap in &sweeps {
                    at += Duration::minutes(*gap);
                    sweep(&mut often, &c, at);
                }
                let mut once = base.clone();
                sweep(&mut once, &c, at);
                let deadlines = |tk: &Ticket| tk.events.iter().filter_map(|e| e.deadline).collect::<Vec<_>>();
                prop_assert_eq!(&often.owner, &once.owner);
                prop_assert_eq!(deadlines(&often), deadlines(&once));
                prop_assert!(sweep(&mut once, &c, at).is_empty(), "a second sweep at the same time changes nothing");
            }

            /// A deadline is never earlier than the period's start plus the escalation time.
            #[test]
            fn deadlines_never_come_early(steps in proptest::collection::vec(step(), 0..12), pause in any::<bool>()) {
                let c = config("top", pause);
                let tk = history(&steps);
                let now = tk.events.last().unwrap().at;
                if let Some(d) = deadline(&tk, &c, now) {
                    prop_assert!(d.at >= d.start + Duration::hours(20));
                    // Before a breach, the deadline is start + after + time waited so far.
                    if pause && d.at > now {
                        prop_assert_eq!(d.at, d.start + Duration::hours(20) + d.waited);
                    }
                }
            }

            /// More escalation time never gives an earlier deadline, on either clock.
            #[test]
            fn the_deadline_is_monotonic_in_the_time_allowed(
                steps in proptest::collection::vec(step(), 0..12),
                a in 1u64..200,
                b in 1u64..200,
                pause in any::<bool>(),
                on_calendar in any::<bool>(),
            ) {
                let (lo, hi) = (a.min(b), a.max(b));
                let rule = |hours: u64| {
                    let mut c = if on_calendar { business("1h", "top", pause) } else { config("top", pause) };
                    c.escalation.after = std::time::Duration::from_secs(hours * 3600);
                    c
                };
                let tk = history(&steps);
                let now = tk.events.last().unwrap().at;
                if let (Some(x), Some(y)) = (deadline(&tk, &rule(lo), now), deadline(&tk, &rule(hi), now)) {
                    prop_assert!(x.at <= y.at, "{}h: {}, {}h: {}", lo, x.at, hi, y.at);
                }
            }

            /// Counted time stays under the escalation time exactly until the first deadline.
            #[test]
            fn counted_time_reaches_after_at_the_first_deadline(
                steps in proptest::collection::vec(step(), 0..12),
                pause in any::<bool>(),
                later in 0i64..3000,
                on_calendar in any::<bool>(),
            ) {
                let c = if on_calendar { business("20h", "top", pause) } else { config("top", pause) };
                let tk = history(&steps);
                let at = tk.events.last().unwrap().at + Duration::minutes(later);
                if let Some(d) = deadline(&tk, &c, at) {
                    let counted = counted(&tk.events, &c.escalation, &c, at).unwrap();
                    prop_assert!(counted >= Duration::zero());
                    prop_assert_eq!(counted < Duration::hours(20), d.at > at, "counted {} at {}, deadline {}", counted, at, d.at);
                }
            }
        }
    }
}
