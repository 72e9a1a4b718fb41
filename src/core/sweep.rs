//! The escalation sweep as a plan: which tickets `baton escalate` changes, in
//! which order, with which `escalated` events, and which tickets are about to
//! breach. A dry run shows the plan; a real run applies the same plan under the
//! store lock, so the two can never disagree.
//!
//! The plan is made from summaries (see [`super::summary`]), so only the
//! tickets it changes are read in full. The escalations owed to one ticket are
//! [`super::clock`]'s; this module adds the order and the shared load.
//!
//! With a warning horizon (`escalate --warn`) the sweep also warns about
//! promises to customers about to be broken and, when `[templates] delay` is
//! set, plans the delay notice of each such promise: a `delayed` event,
//! once per promise, only while the promised time is still ahead. The event
//! is the record that makes it once: the next sweep's summary sees it.
//!
//! A ticket waiting until a time (`wait --until`) that has passed is brought
//! back to open with a reminder (see [`super::reminder`]): once per wait,
//! since the reopened ticket's summary has no pending time left.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::clock::{self, Deadline};
use super::config::Config;
use super::duration;
use super::intake::address_of;
use super::promise;
use super::query;
use super::reminder;
use super::summary::Summary;
use super::ticket::{Event, Status, Ticket};

/// One ticket's escalations in a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned<'a> {
    /// The ticket as the plan saw it.
    pub summary: &'a Summary,
    /// The `escalated` events it gets, oldest deadline first.
    pub events: Vec<Event>,
    /// The `delayed` event, when the customer is owed the delay notice
    /// of its open promise.
    pub delay: Option<Event>,
    /// The `surveyed` event, when the customer is owed the survey of the
    /// ticket's resolve (see [`super::survey::owed`]).
    pub survey: Option<Event>,
    /// The `status` event back to `open`, when the time the ticket was
    /// waiting until has passed.
    pub wake: Option<Event>,
}

/// What a sweep at one moment does: the tickets it escalates, oldest ticket
/// first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan<'a> {
    pub tickets: Vec<Planned<'a>>,
}

/// The sweep at `now` over every ticket. Tickets are taken oldest first (by
/// creation, then id), and each escalation moves one open ticket in the load
/// that picks the least busy person at the target level, so the tickets
/// escalated first spread the later ones: the order is part of the result.
pub fn plan<'a>(summaries: &'a [Summary], config: &Config, now: DateTime<Utc>) -> Plan<'a> {
    plan_with(summaries, config, now, None, &HashSet::new())
}

/// [`plan`], with a warning horizon `within` and the tickets in `paused`.
/// With `within`, the delay notices owed too: each ticket still worked on,
/// with a customer mail can reach, whose open promise falls due within the
/// horizon and has had no notice yet, when `[templates] delay` is set. The
/// tickets in `paused` (linked to an open problem, which escalates for them:
/// see [`super::incident::paused`]) are left out of the escalations, not of
/// the load, and their customers still hear of a late promise. Every
/// ticket whose time to wait until has passed is woken (see [`wake`]).
pub fn plan_with<'a>(
    summaries: &'a [Summary],
    config: &Config,
    now: DateTime<Utc>,
    within: Option<std::time::Duration>,
    paused: &HashSet<Uuid>,
) -> Plan<'a> {
    let delay = |summary: &Summary| -> Option<Event> {
        let within = within?;
        config.templates.delay.as_ref()?;
        let p = summary.promise.as_ref()?;
        let owed = summary.status.is_active()
            && address_of(&summary.customer).is_some()
            && promise::delay_owed(p, now, within);
        owed.then(|| promise::delay_sent(p, now))
    };
    let mut order: Vec<&Summary> = summaries.iter().collect();
    order.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
    let mut load = query::open_load(summaries);
    let tickets = order
        .into_iter()
        .filter_map(|summary| {
            let rule = clock::rule(config, summary.priority, &summary.customer);
            let events = match &summary.clock {
                Some(c) if !paused.contains(&summary.id) => {
                    c.owed(&summary.owner, &rule, config, &mut load, now)
                }
                _ => Vec::new(),
            };
            let delay = delay(summary);
            let wake = wake(summary, config, now);
            (!events.is_empty() || delay.is_some() || wake.is_some()).then_some(Planned {
                summary,
                events,
                delay,
                survey: None,
                wake,
            })
        })
        .collect();
    Plan { tickets }
}

/// The event bringing a ticket back to open, when it is waiting until a
/// time that has passed by `now`; the reminder names the time in the
/// desk's calendar zone when it has one, else in UTC.
pub fn wake(summary: &Summary, config: &Config, now: DateTime<Utc>) -> Option<Event> {
    let until = summary
        .waiting_until
        .filter(|_| summary.status == Status::Waiting)?;
    match &config.calendar {
        Some(c) => reminder::wake(until, now, &c.zone),
        None => reminder::wake(until, now, &Utc),
    }
}

/// Records a ticket's planned escalations, if the ticket is still the one the
/// plan was made from. The sweep holds the lock, so only a hand edit in
/// between can change it; `false` then, and the ticket is left for the next
/// sweep.
pub fn apply(ticket: &mut Ticket, planned: &Planned) -> bool {
    if Summary::of(ticket) != *planned.summary {
        return false;
    }
    for e in planned
        .events
        .iter()
        .chain(&planned.delay)
        .chain(&planned.survey)
        .chain(&planned.wake)
        .cloned()
    {
        ticket.record(e);
    }
    true
}

/// Adds the surveys owed (from [`super::survey::owed`]) to the plan: each
/// to its ticket's entry, or as an entry of its own, in the order given.
pub fn with_surveys<'a>(
    mut plan: Plan<'a>,
    summaries: &'a [Summary],
    owed: Vec<(Uuid, Event)>,
) -> Plan<'a> {
    for (id, e) in owed {
        if let Some(p) = plan.tickets.iter_mut().find(|p| p.summary.id == id) {
            p.survey = Some(e);
        } else if let Some(summary) = summaries.iter().find(|s| s.id == id) {
            plan.tickets.push(Planned {
                summary,
                events: Vec::new(),
                delay: None,
                survey: Some(e),
                wake: None,
            });
        }
    }
    plan
}

/// A ticket whose deadline, or whose promise to the customer, falls within
/// the warning horizon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach<'a> {
    pub summary: &'a Summary,
    pub due: DateTime<Utc>,
    /// Who made the promise about to be broken; `None` for a deadline.
    pub promised_by: Option<&'a str>,
}

/// The tickets that will breach after `now` and no later than `within` from
/// it, soonest first (`escalate --warn`). A paused clock cannot breach, and a
/// ticket that can escalate no further has nothing left to warn about.
pub fn about_to_breach<'a>(
    summaries: &'a [Summary],
    config: &Config,
    now: DateTime<Utc>,
    within: std::time::Duration,
) -> Vec<Breach<'a>> {
    let horizon = now + duration::chrono(within);
    let soon = |d: &Deadline| !d.paused && !d.exhausted && d.at > now && d.at <= horizon;
    let mut out: Vec<Breach> = summaries
        .iter()
        .filter_map(|summary| {
            let d = summary.deadline(config, now)?;
            soon(&d).then_some(Breach {
                summary,
                due: d.at,
                promised_by: None,
            })
        })
        .collect();
    out.sort_by_key(|b| b.due);
    out
}

/// The tickets still worked on whose open promise falls due after `now`
/// and no later than `within` from it, soonest first: the owner is warned
/// before the promise is broken, as before a deadline.
pub fn promises_about_to_break<'a>(
    summaries: &'a [Summary],
    now: DateTime<Utc>,
    within: std::time::Duration,
) -> Vec<Breach<'a>> {
    let horizon = now + duration::chrono(within);
    let mut out: Vec<Breach> = summaries
        .iter()
        .filter(|s| s.status.is_active())
        .filter_map(|summary| {
            let p = summary.promise.as_ref()?;
            (p.due > now && p.due <= horizon).then_some(Breach {
                summary,
                due: p.due,
                promised_by: Some(p.by.as_str()),
            })
        })
        .collect();
    out.sort_by_key(|b| b.due);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ticket::{EventKind, Status};
    use chrono::Duration;
    use uuid::Uuid;

    use crate::core::clock::tests::{config, t, ticket_at};

    /// [`config`] on a business clock: New York, split weekday shifts, a
    /// Saturday morning and a holiday, escalating after 6 working hours.
    fn business(to: &str, pause: bool) -> Config {
        let mut c = config(to, pause);
        let calendar = Config::parse(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[escalation]\nclock = \"business\"\n\
             [calendar]\ntimezone = \"America/New_York\"\nmon-fri = \"08:00-12:00,13:00-17:00\"\n\
             sat = \"09:00-12:00\"\nholidays = [\"2026-11-26\"]\n",
        )
        .unwrap();
        c.calendar = calendar.calendar;
        c.escalation.clock = calendar.escalation.clock;
        c.escalation.after = std::time::Duration::from_secs(6 * 3600);
        c
    }

    /// A ticket `owner` opened at `created`, then `events`, named by `n`.
    fn ticket(n: u128, owner: &str, created: DateTime<Utc>, events: Vec<Event>) -> Ticket {
        let mut tk = ticket_at(created, owner, events);
        tk.id = Uuid::from_u128(n);
        tk.title = format!("ticket {n}");
        tk
    }

    fn summaries(tickets: &[Ticket]) -> Vec<Summary> {
        tickets.iter().map(Summary::of).collect()
    }

    /// (ticket number, new owner) of each planned escalation, in order.
    fn moves(plan: &Plan) -> Vec<(u128, String)> {
        plan.tickets
            .iter()
            .flat_map(|p| {
                p.events
                    .iter()
                    .map(|e| (p.summary.id.as_u128(), e.to.clone().unwrap_or_default()))
            })
            .collect()
    }

    #[test]
    fn only_tickets_past_their_deadline_are_planned_oldest_first() {
        let c = config("top", true);
        // Listed by id, but 3 is the oldest: it goes first.
        let tickets = [
            ticket(1, "ana", t(2, 0), vec![]),
            ticket(2, "ana", t(5, 0), vec![]),
            ticket(3, "ana", t(0, 0), vec![]),
        ];
        let s = summaries(&tickets);
        let plan = plan(&s, &c, t(22, 30));
        let ids: Vec<u128> = plan
            .tickets
            .iter()
            .map(|p| p.summary.id.as_u128())
            .collect();
        assert_eq!(ids, [3, 1], "2 is due only at 25:00");
        assert_eq!(plan.tickets[0].events[0].deadline, Some(t(20, 0)));
        assert_eq!(plan.tickets[0].events[0].at, t(22, 30));
    }

    #[test]
    fn each_escalation_counts_in_the_load_that_picks_the_next_receiver() {
        let c = config("top", true);
        // cora and dan share the top; cora already has one ticket.
        let tickets = [
            ticket(1, "cora", t(10, 0), vec![]),
            ticket(2, "ana", t(0, 0), vec![]),
            ticket(3, "ana", t(0, 1), vec![]),
            ticket(4, "ana", t(0, 2), vec![]),
        ];
        let s = summaries(&tickets);
        let plan = plan(&s, &c, t(21, 0));
        assert_eq!(
            moves(&plan),
            [(2, "dan".into()), (3, "cora".into()), (4, "dan".into())]
        );
    }

    #[test]
    fn a_resolved_or_waiting_ticket_is_not_planned() {
        let c = config("top", true);
        let resolved = ticket(
            1,
            "ana",
            t(0, 0),
            vec![
                Event::new(t(1, 0), "ana", EventKind::Status)
                    .from("open")
                    .to("resolved"),
            ],
        );
        let waiting = ticket(
            2,
            "ana",
            t(0, 0),
            vec![
                Event::new(t(1, 0), "ana", EventKind::Status)
                    .from("open")
                    .to("waiting"),
            ],
        );
        let s = summaries(&[resolved, waiting]);
        assert_eq!(plan(&s, &c, t(90, 0)), Plan::default());
    }

    #[test]
    fn a_ticket_changed_since_the_plan_is_left_alone() {
        let c = config("top", true);
        let tk = ticket(1, "ana", t(0, 0), vec![]);
        let s = summaries(std::slice::from_ref(&tk));
        let plan = plan(&s, &c, t(21, 0));
        let mut edited = tk.clone();
        edited.record(Event::new(t(20, 30), "ana", EventKind::Note).text("x"));
        let before = edited.clone();
        assert!(!apply(&mut edited, &plan.tickets[0]));
        assert_eq!(edited, before);
        let mut same = tk.clone();
        assert!(apply(&mut same, &plan.tickets[0]));
        assert_eq!(same.owner, "cora");
    }

    #[test]
    fn about_to_breach_lists_running_clocks_within_the_horizon_soonest_first() {
        let c = config("top", true);
        let tickets = [
            ticket(1, "ana", t(3, 0), vec![]), // due at 23:00
            ticket(2, "ana", t(1, 0), vec![]), // due at 21:00
            ticket(3, "ana", t(0, 0), vec![]), // due at 20:00: already breached
            ticket(4, "ana", t(6, 0), vec![]), // due at 26:00: beyond the horizon
            ticket(
                5,
                "ana",
                t(1, 0),
                vec![
                    Event::new(t(2, 0), "ana", EventKind::Status)
                        .from("open")
                        .to("waiting"),
                ],
            ),
        ];
        let s = summaries(&tickets);
        let warned = about_to_breach(&s, &c, t(20, 0), std::time::Duration::from_secs(3 * 3600));
        let seen: Vec<(u128, DateTime<Utc>)> = warned
            .iter()
            .map(|b| (b.summary.id.as_u128(), b.due))
            .collect();
        assert_eq!(seen, [(2, t(21, 0)), (1, t(23, 0))]);
    }

    #[test]
    fn a_ticket_that_can_escalate_no_further_is_not_warned_about() {
        let c = config("top", true);
        let mut tk = ticket(1, "ana", t(0, 0), vec![]);
        let s = summaries(std::slice::from_ref(&tk));
        assert!(apply(&mut tk, &plan(&s, &c, t(20, 0)).tickets[0]));
        let s = summaries(&[tk]);
        let warned = about_to_breach(&s, &c, t(21, 0), std::time::Duration::from_secs(99 * 3600));
        assert!(warned.is_empty(), "{warned:?}");
    }

    /// A ticket ana set waiting at 1:00 until `until`, then `more`.
    fn waiting_until(n: u128, until: DateTime<Utc>, more: Vec<Event>) -> Ticket {
        let mut events = vec![
            Event::new(t(1, 0), "ana", EventKind::Status)
                .from("open")
                .to("waiting")
                .with_until(until),
        ];
        events.extend(more);
        ticket(n, "ana", t(0, 0), events)
    }

    /// The tickets a plan wakes, by number.
    fn woken(plan: &Plan) -> Vec<u128> {
        plan.tickets
            .iter()
            .filter(|p| p.wake.is_some())
            .map(|p| p.summary.id.as_u128())
            .collect()
    }

    #[test]
    fn a_wait_whose_time_has_passed_is_reopened_with_a_reminder() {
        let c = config("top", true);
        let tk = waiting_until(1, t(9, 0), vec![]);
        let s = summaries(std::slice::from_ref(&tk));
        let plan = plan(&s, &c, t(9, 10));
        assert_eq!(woken(&plan), [1]);
        assert!(
            plan.tickets[0].events.is_empty(),
            "a paused clock owes nothing"
        );
        let mut swept = tk.clone();
        assert!(apply(&mut swept, &plan.tickets[0]));
        assert_eq!((swept.status, swept.owner.as_str()), (Status::Open, "ana"));
        let e = swept.events.last().unwrap();
        assert_eq!((e.at, e.by.as_str()), (t(9, 10), "baton"));
        assert_eq!(
            e.note.as_deref(),
            Some("reminder: waiting until 2026-11-02 17:00 UTC has passed")
        );
        assert_eq!(reminder::answers(e), Some(t(9, 0)));
    }

    #[test]
    fn a_wait_whose_time_is_still_ahead_is_left_waiting() {
        let c = config("top", true);
        let s = summaries(&[waiting_until(1, t(9, 0), vec![])]);
        assert_eq!(plan(&s, &c, t(8, 59)), Plan::default());
    }

    #[test]
    fn a_ticket_that_left_the_wait_before_its_time_is_not_reopened() {
        let c = config("top", true);
        let status = |h, by: &str, from: &str, to: &str| {
            Event::new(t(h, 0), by, EventKind::Status).from(from).to(to)
        };
        let tickets = [
            // The customer's mail reopened it.
            waiting_until(1, t(9, 0), vec![status(3, "baton", "waiting", "open")]),
            // Resolved by hand.
            waiting_until(2, t(9, 0), vec![status(3, "ana", "waiting", "resolved")]),
            // Reopened, then set waiting again without a time.
            waiting_until(
                3,
                t(9, 0),
                vec![
                    status(3, "ana", "waiting", "open"),
                    status(4, "ana", "open", "waiting"),
                ],
            ),
            // Reopened and set waiting until later.
            waiting_until(
                4,
                t(9, 0),
                vec![
                    status(3, "ana", "waiting", "open"),
                    status(4, "ana", "open", "waiting").with_until(t(30, 0)),
                ],
            ),
        ];
        let s = summaries(&tickets);
        assert_eq!(woken(&plan(&s, &c, t(10, 0))), Vec::<u128>::new());
        assert_eq!(woken(&plan(&s, &c, t(30, 0))), [4]);
    }

    #[test]
    fn a_second_sweep_does_not_reopen_the_ticket_again() {
        let c = config("top", true);
        let mut tk = waiting_until(1, t(9, 0), vec![]);
        for at in [t(9, 0), t(9, 10), t(12, 0)] {
            let s = summaries(std::slice::from_ref(&tk));
            for p in &plan(&s, &c, at).tickets {
                assert!(apply(&mut tk, p));
            }
        }
        let reopened = tk.events.iter().filter_map(reminder::answers).count();
        assert_eq!(reopened, 1, "{:?}", tk.events);
        assert_eq!(tk.status, Status::Open);
    }

    #[test]
    fn the_reminder_names_the_time_in_the_desks_zone() {
        let c = business("top", true);
        let s = summaries(&[waiting_until(1, t(9, 0), vec![])]);
        let plan = plan(&s, &c, t(9, 0));
        let note = plan.tickets[0].wake.as_ref().unwrap().note.clone();
        assert_eq!(
            note.as_deref(),
            Some("reminder: waiting until 2026-11-02 12:00 EST has passed")
        );
    }

    mod properties {
        use super::*;
        use crate::core::action;
        use proptest::prelude::*;

        const PEOPLE: [&str; 4] = ["ana", "ben", "cora", "dan"];

        /// What someone does to a ticket in a generated history.
        #[derive(Debug, Clone, Copy)]
        enum Move {
            Take,
            Pass,
            Wait,
            Reopen,
            Resolve,
            Note,
            /// A promise an hour and a half ahead.
            Promise,
            Reply,
            /// Waiting until two hours ahead.
            WaitUntil,
        }

        /// A ticket's history: its first owner, when it was opened, and then
        /// moves (minutes after the one before, what, by or to whom).
        type History = (usize, i64, Vec<(i64, Move, usize)>);

        fn history() -> impl Strategy<Value = History> {
            let step = (
                1i64..1800,
                prop_oneof![
                    Just(Move::Take),
                    Just(Move::Pass),
                    Just(Move::Wait),
                    Just(Move::Reopen),
                    Just(Move::Resolve),
                    Just(Move::Note),
                    Just(Move::Promise),
                    Just(Move::Reply),
                    Just(Move::WaitUntil),
                ],
                0..PEOPLE.len(),
            );
            (
                0..PEOPLE.len(),
                0i64..3000,
                proptest::collection::vec(step, 0..6),
            )
        }

        /// The ticket a history makes, through the same actions the commands
        /// take: a move the ticket's state refuses is left out, as the
        /// command would refuse it.
        fn build(n: u128, c: &Config, (owner, start, moves): &History) -> Ticket {
            let cx = |actor: &'static str, now| action::Ctx {
                actor,
                now,
                config: c,
                label: "t",
            };
            let mut now = t(0, *start);
            let draft = action::Draft {
                title: format!("ticket {n}"),
                owner: Some(PEOPLE[*owner].to_string()),
                customer: "jan@example.com".into(),
                ..action::Draft::default()
            };
            let mut tk =
                action::create(&cx(PEOPLE[*owner], now), Uuid::from_u128(n), draft).unwrap();
            for &(gap, m, who) in moves {
                now += Duration::minutes(gap);
                let who = PEOPLE[who];
                let owner = PEOPLE.into_iter().find(|p| *p == tk.owner).unwrap();
                let _refused_or_done = match m {
                    Move::Take => action::take(&mut tk, &cx(who, now), None),
                    Move::Pass => action::pass(&mut tk, &cx(owner, now), who, None),
                    Move::Wait => {
                        action::set_status(&mut tk, &cx(owner, now), Status::Waiting, None, false)
                    }
                    Move::Reopen => {
                        action::set_status(&mut tk, &cx(who, now), Status::Open, None, false)
                    }
                    Move::Resolve => {
                        action::set_status(&mut tk, &cx(owner, now), Status::Resolved, None, false)
                    }
                    Move::Note => action::note(&mut tk, &cx(who, now), "x"),
                    Move::Promise => {
                        promise::make(&mut tk, &cx(who, now), now + Duration::minutes(90), None)
                    }
                    Move::Reply => action::reply(&mut tk, &cx(who, now), "x"),
                    Move::WaitUntil => {
                        reminder::wait(&mut tk, &cx(owner, now), now + Duration::hours(2), None)
                    }
                };
            }
            tk
        }

        /// The tickets `histories` make, numbered from 1, and the time of
        /// their latest event, where the sweeps start.
        fn built(histories: &[History], c: &Config) -> (Vec<Ticket>, DateTime<Utc>) {
            let tickets: Vec<Ticket> = histories
                .iter()
                .enumerate()
                .map(|(i, h)| build(i as u128 + 1, c, h))
                .collect();
            let last = tickets
                .iter()
                .flat_map(|tk| tk.events.iter().map(|e| e.at))
                .max()
                .unwrap();
            (tickets, last)
        }

        /// Applies each entry of `plan` to its ticket, as the real run does;
        /// whether every one applied.
        fn apply_all(tickets: &mut [Ticket], plan: &Plan) -> bool {
            plan.tickets.iter().all(|p| {
                let tk = tickets.iter_mut().find(|tk| tk.id == p.summary.id).unwrap();
                apply(tk, p)
            })
        }

        proptest! {
            /// The sweep decides from the summaries of its scope exactly what
            /// it decides from every summary, with and without surveys, delay
            /// notices and warnings, so the store need decode no others.
            #[test]
            fn the_sweep_decides_from_its_scope_as_from_all(
                histories in proptest::collection::vec(history(), 1..6),
                later in 0i64..6000,
                surveys in any::<bool>(),
                every_minutes in 1u64..3000,
                on_calendar in any::<bool>(),
            ) {
                let mut c = if on_calendar { business("top", true) } else { config("top", true) };
                c.templates.delay = Some("Sorry for the wait".into());
                if surveys {
                    c.templates.survey = Some("How did we do?".into());
                    c.survey.every = std::time::Duration::from_secs(every_minutes * 60);
                }
                let (tickets, last) = built(&histories, &c);
                let now = last + Duration::minutes(later);
                let within = Some(std::time::Duration::from_secs(3600));
                let all = summaries(&tickets);
                let scope = crate::core::survey::scope(&c, now);
                let kept: Vec<Summary> = all.iter().filter(|s| scope.holds(s)).cloned().collect();
                let to_read = crate::core::survey::to_read;
                prop_assert_eq!(to_read(&kept, &c, now), to_read(&all, &c, now));
                let owed = crate::core::survey::owed(&tickets, &c, now);
                let none = HashSet::new();
                prop_assert_eq!(
                    with_surveys(plan_with(&kept, &c, now, within, &none), &kept, owed.clone()),
                    with_surveys(plan_with(&all, &c, now, within, &none), &all, owed)
                );
                let hour = std::time::Duration::from_secs(3600);
                prop_assert_eq!(about_to_breach(&kept, &c, now, hour), about_to_breach(&all, &c, now, hour));
                prop_assert_eq!(
                    promises_about_to_break(&kept, now, hour),
                    promises_about_to_break(&all, now, hour)
                );
                prop_assert_eq!(query::open_load(&kept), query::open_load(&all));
            }

            /// The plan a dry run shows is what the real run writes: applying
            /// it gives the tickets that sweeping each full ticket with the
            /// clock gives, and a second plan at the same moment is empty.
            #[test]
            fn a_dry_run_and_a_real_run_share_one_plan(
                histories in proptest::collection::vec(history(), 1..6),
                sweep_after in 0i64..6000,
                to in prop_oneof![Just("top"), Just("next")],
                pause in any::<bool>(),
                on_calendar in any::<bool>(),
            ) {
                let c = if on_calendar { business(to, pause) } else { config(to, pause) };
                let tickets: Vec<Ticket> = histories
                    .iter()
                    .enumerate()
                    .map(|(i, h)| build(i as u128 + 1, &c, h))
                    .collect();
                let last = tickets.iter().flat_map(|tk| tk.events.iter().map(|e| e.at)).max().unwrap();
                let now = last + Duration::minutes(sweep_after);

                // The dry run: the plan, from summaries only.
                let s = summaries(&tickets);
                let dry = plan(&s, &c, now);

                // The real run: the same plan, applied to each full ticket.
                let mut swept = tickets.clone();
                for planned in &dry.tickets {
                    let tk = swept.iter_mut().find(|tk| tk.id == planned.summary.id).unwrap();
                    prop_assert!(apply(tk, planned));
                }

                // What sweeping the full tickets oldest first gives.
                let mut expected = tickets.clone();
                expected.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
                let mut load = query::open_load(&s);
                for tk in &mut expected {
                    for e in clock::owed(tk, &c, &mut load, now) {
                        tk.record(e);
                    }
                    if let Some(e) = wake(&Summary::of(tk), &c, now) {
                        tk.record(e);
                    }
                }
                expected.sort_by_key(|tk| tk.id);
                prop_assert_eq!(&swept, &expected);

                let after = summaries(&swept);
                prop_assert_eq!(plan(&after, &c, now), Plan::default(), "a second sweep changes nothing");
            }

            /// Surveys go once per resolve, only once the delay has passed
            /// and while the ticket is still resolved, at most once per
            /// customer within `every`, however often the sweep runs; the
            /// tickets [`super::survey::to_read`] picks decide as all do.
            #[test]
            fn a_survey_goes_once_per_resolve_after_the_delay(
                histories in proptest::collection::vec(history(), 1..5),
                gaps in proptest::collection::vec(1i64..600, 1..12),
                after_minutes in 1u64..600,
                every_minutes in 1u64..3000,
                repeat in any::<bool>(),
            ) {
                let mut c = config("top", true);
                c.templates.survey = Some("How did we do?".into());
                c.survey.after = std::time::Duration::from_secs(after_minutes * 60);
                c.survey.every = std::time::Duration::from_secs(every_minutes * 60);
                let (mut tickets, mut now) = built(&histories, &c);
                for gap in gaps {
                    now += Duration::minutes(gap);
                    for _ in 0..(1 + usize::from(repeat)) {
                        let s = summaries(&tickets);
                        let picked: Vec<Ticket> = crate::core::survey::to_read(&s, &c, now)
                            .into_iter()
                            .filter_map(|id| tickets.iter().find(|tk| tk.id == id).cloned())
                            .collect();
                        let owed = crate::core::survey::owed(&picked, &c, now);
                        prop_assert_eq!(&owed, &crate::core::survey::owed(&tickets, &c, now));
                        let planned =
                            with_surveys(plan_with(&s, &c, now, None, &HashSet::new()), &s, owed);
                        prop_assert!(apply_all(&mut tickets, &planned));
                    }
                }
                let after = duration::chrono(c.survey.after);
                let mut asked = Vec::new();
                for tk in &tickets {
                    let resolve = tk.events.iter().filter_map(|e| {
                        (e.status_change()?.1 == Status::Resolved).then_some(e.at)
                    }).max();
                    let surveys: Vec<&Event> =
                        tk.events.iter().filter(|e| e.kind == EventKind::Surveyed).collect();
                    prop_assert!(surveys.len() <= 1, "one per resolve: {:?}", tk.events);
                    for e in surveys {
                        prop_assert_eq!(tk.status, Status::Resolved);
                        prop_assert!(e.at - resolve.unwrap() >= after, "after the delay");
                        asked.push(e.at);
                    }
                }
                asked.sort();
                for pair in asked.windows(2) {
                    prop_assert!(
                        pair[1] - pair[0] >= duration::chrono(c.survey.every),
                        "one customer, one survey within every: {:?}", asked
                    );
                }
            }

            /// A wait with a time is answered once, once its time has
            /// passed, however often the sweep runs; after a sweep no
            /// ticket is left waiting for a time gone by.
            #[test]
            fn a_wait_until_is_answered_once_after_its_time(
                histories in proptest::collection::vec(history(), 1..5),
                gaps in proptest::collection::vec(1i64..240, 1..12),
                repeat in any::<bool>(),
            ) {
                let c = config("top", true);
                let (mut tickets, mut now) = built(&histories, &c);
                for gap in gaps {
                    now += Duration::minutes(gap);
                    for _ in 0..(1 + usize::from(repeat)) {
                        let s = summaries(&tickets);
                        prop_assert!(apply_all(&mut tickets, &plan(&s, &c, now)));
                    }
                    for s in summaries(&tickets) {
                        prop_assert!(s.waiting_until.is_none_or(|u| u > now), "left waiting: {:?}", s);
                    }
                }
                for tk in &tickets {
                    let mut answered = std::collections::BTreeSet::new();
                    for e in &tk.events {
                        let Some(until) = reminder::answers(e) else { continue };
                        prop_assert!(answered.insert(until), "one answer per wait: {:?}", tk.events);
                        prop_assert!(e.at >= until, "answered after its time");
                        let waited = tk.events.iter().any(|w| {
                            w.until() == Some(until) && w.status_change().is_some_and(|(_, to)| to == Status::Waiting)
                        });
                        prop_assert!(waited, "answers a wait the ticket had");
                    }
                }
            }

            /// Delay notices go once per promise, and only before its time,
            /// however often the sweep runs: each sweep's plan is applied
            /// and the next is made from the tickets it left.
            #[test]
            fn a_delay_notice_goes_once_per_promise_and_before_it_is_missed(
                histories in proptest::collection::vec(history(), 1..5),
                gaps in proptest::collection::vec(1i64..120, 1..12),
                within_minutes in 1u64..300,
                repeat in any::<bool>(),
            ) {
                let mut c = config("top", true);
                c.templates.delay = Some("later, by {promise}".into());
                let within = std::time::Duration::from_secs(within_minutes * 60);
                let (mut tickets, mut now) = built(&histories, &c);
                for gap in gaps {
                    now += Duration::minutes(gap);
                    // A sweep run twice at one moment (two crons racing for
                    // the lock) acts once: the second sees the first's events.
                    for _ in 0..(1 + usize::from(repeat)) {
                        let s = summaries(&tickets);
                        let planned = plan_with(&s, &c, now, Some(within), &HashSet::new());
                        prop_assert!(apply_all(&mut tickets, &planned));
                    }
                }
                for tk in &tickets {
                    let mut told = std::collections::BTreeSet::new();
                    for e in tk.events.iter().filter(|e| e.kind == EventKind::Delayed) {
                        let due = e.deadline.unwrap();
                        prop_assert!(told.insert(due), "one notice per promise: {:?}", tk.events);
                        prop_assert!(e.at < due, "told before the promise is missed");
                        prop_assert!(due - e.at <= duration::chrono(within), "at the horizon, not sooner");
                    }
                }
            }
        }
    }
}
