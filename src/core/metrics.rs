//! The month-end figures: who solved, who passed, how fast, how satisfied, and
//! how many hours each customer used. A pure function of the tickets, the team
//! config, a period and "now"; `docs/metrics.md` defines every figure.
//!
//! Every event counts in the period its time falls in, so a report for a past
//! period gives the same figures whenever it is run. Events after the period's
//! end are never looked at, with one exception that can only make a figure
//! final sooner: whether a ticket's first reply came in time.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::calendar::Hours;
use super::clock;
use super::config::{Config, SYSTEM_ACTOR};
use super::duration;
use super::promise;
use super::replay::{Escalation, State, starts_period};
use super::sla;
use super::stats::{self, average, hours_of_minutes as hours, pct};
use super::summary::{Scope, Summary};
use super::ticket::{Event, Status, Ticket, View};

/// The span a report covers: from `since` (inclusive) to `until` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    #[serde(serialize_with = "rfc3339")]
    pub since: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339")]
    pub until: DateTime<Utc>,
}

fn rfc3339<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&super::time::rfc3339(*t))
}

impl Period {
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.since <= at && at < self.until
    }
}

/// The whole desk's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    pub created: u32,
    pub resolved: u32,
    pub open_at_end: u32,
    pub sla_met_pct: Option<f64>,
    pub first_response_met_pct: Option<f64>,
    pub fcr_pct: Option<f64>,
    /// Resolutions after exactly one reply, with no reopening before.
    pub one_touch: u32,
    /// `one_touch` as a share of `resolved`.
    pub one_touch_pct: Option<f64>,
    pub reopened: u32,
    pub csat_avg: Option<f64>,
    pub csat_pct: Option<f64>,
    pub hours: f64,
}

/// One person's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PersonFigures {
    pub name: String,
    pub received: u32,
    pub taken: u32,
    pub resolved: u32,
    pub passed: u32,
    pub escalated_away: u32,
    pub median_resolve_hours: Option<f64>,
    pub median_first_response_minutes: Option<f64>,
    pub hours: f64,
    /// Of `passed`, hand-offs to someone on a higher level.
    pub passed_up: u32,
    /// Of `passed`, hand-offs to someone on the same level.
    pub passed_sideways: u32,
    /// Of `passed`, hand-offs to someone on a lower level (or off the team).
    pub passed_down: u32,
    /// Their resolutions after exactly one reply, with no reopening before.
    pub one_touch: u32,
    /// The 90th percentile (nearest rank) of the same waits as the median.
    pub p90_first_response_minutes: Option<f64>,
    /// The names they had before (`people rename`), whose events count here.
    /// Left out of the CSV; the JSON has it when there are any.
    #[serde(skip)]
    pub renamed_from: Vec<String>,
}

/// One customer's figures: the base for charging support by use.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CustomerFigures {
    pub customer: String,
    pub tickets: u32,
    pub hours: f64,
    pub csat_avg: Option<f64>,
    /// Of their ratings counted in the period, those of 1 or 2.
    pub low_scores: u32,
}

/// A rating of 1 or 2 counted in the period, with what the customer said:
/// the "why" behind a customer's satisfaction.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LowScore {
    /// The customer the ticket had at the period's end.
    pub customer: String,
    pub ticket: String,
    pub title: String,
    pub score: u8,
    /// The rating's comment; empty when the customer gave none.
    pub comment: String,
    #[serde(serialize_with = "rfc3339")]
    pub at: DateTime<Utc>,
}

/// Which way a figure went since the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
    Same,
}

/// One total in this period beside the previous one.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Change {
    /// The key in `totals`.
    pub figure: &'static str,
    pub now: Option<f64>,
    pub before: Option<f64>,
    /// `None` when either value is missing.
    pub direction: Option<Direction>,
}

/// The period before this one and how each total moved since.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub period: Period,
    pub changes: Vec<Change>,
}

/// The totals of `now` beside those of `before`, in the order of `Totals`.
pub fn compare(now: &Report, before: &Report) -> Comparison {
    let figures = |t: &Totals| -> Vec<(&'static str, Option<f64>)> {
        vec![
            ("created", Some(f64::from(t.created))),
            ("resolved", Some(f64::from(t.resolved))),
            ("open_at_end", Some(f64::from(t.open_at_end))),
            ("sla_met_pct", t.sla_met_pct),
            ("first_response_met_pct", t.first_response_met_pct),
            ("fcr_pct", t.fcr_pct),
            ("one_touch_pct", t.one_touch_pct),
            ("reopened", Some(f64::from(t.reopened))),
            ("csat_avg", t.csat_avg),
            ("csat_pct", t.csat_pct),
            ("hours", Some(t.hours)),
        ]
    };
    let changes = figures(&now.totals)
        .into_iter()
        .zip(figures(&before.totals))
        .map(|((figure, now), (_, before))| Change {
            figure,
            now,
            before,
            direction: now.zip(before).map(|(n, b)| match n.total_cmp(&b) {
                std::cmp::Ordering::Greater => Direction::Up,
                std::cmp::Ordering::Less => Direction::Down,
                std::cmp::Ordering::Equal => Direction::Same,
            }),
        })
        .collect();
    Comparison {
        period: before.period,
        changes,
    }
}

/// The clock and policies a report's SLA figures were computed on; stated
/// only when the team has a calendar or policies, so other reports stay as
/// they were.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Basis {
    /// `[escalation] clock`: `24x7` or `business`.
    pub clock: &'static str,
    /// The calendar's time zone, when there is a calendar.
    pub timezone: Option<String>,
    /// The working week, `mon 09:00-18:00` per weekday.
    pub hours: Vec<String>,
    pub holidays: Vec<String>,
    /// One line per policy: `urgent: first_response 30m, after 4h, clock 24x7`.
    pub policies: Vec<String>,
}

impl Basis {
    /// The basis of `config`, or `None` for a plain 24x7 desk without policies.
    pub fn of(config: &Config) -> Option<Basis> {
        if config.calendar.is_none() && config.policies.is_empty() {
            return None;
        }
        let cal = config.calendar.as_ref();
        let span = |d: std::time::Duration| humantime::format_duration(d).to_string();
        let line = |name: &str, t: &sla::Targets| {
            let mut parts = Vec::new();
            if let Some(d) = t.first_response {
                parts.push(format!("first_response {}", span(d)));
            }
            if let Some(d) = t.after {
                parts.push(format!("after {}", span(d)));
            }
            if let Some(c) = t.clock {
                parts.push(format!("clock {}", config.hours(c).name()));
            }
            format!("{name}: {}", parts.join(", "))
        };
        let policies = &config.policies;
        Some(Basis {
            clock: config.hours(config.escalation.clock).name(),
            timezone: cal.map(|c| c.zone.name().to_string()),
            hours: cal.map_or_else(Vec::new, |c| {
                c.describe_week()
                    .into_iter()
                    .map(|(day, hours)| format!("{day} {hours}"))
                    .collect()
            }),
            holidays: cal.map_or_else(Vec::new, |c| c.holidays().map(|d| d.to_string()).collect()),
            policies: policies
                .priorities
                .iter()
                .map(|(p, t)| line(p.as_str(), t))
                .chain(policies.tiers.iter().map(|(n, t)| line(n, t)))
                .collect(),
        })
    }
}

/// One person's pauses: time tickets they owned spent waiting, and pauses
/// they set soon after a customer's message that nobody had answered (the
/// clock paused instead of replying).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PauseFigures {
    pub name: String,
    /// Hours tickets they owned spent in `waiting` within the period, on the
    /// clock of each ticket's policy.
    pub paused_hours: f64,
    /// Times they set a ticket waiting in the period.
    pub pauses: u32,
    /// Of those, pauses set within `[sla] pause_grace` of a customer message
    /// with no reply in between.
    pub quick_pauses: u32,
}

/// The promises one person made whose fate fell in the period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PromiseFigures {
    pub name: String,
    /// Kept by a reply or a resolution in the period, by the promised time.
    pub kept: u32,
    /// Promised times in the period that passed without either.
    pub broken: u32,
}

/// The cost of the question for one customer or one tag (docs/metrics.md,
/// "Cost of the question"): the round trips spent asking for information
/// whose answer came in the period, and the hours they cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QuestionFigures {
    /// The customer's address (as the ticket had it then), or the tag
    /// (`-` for a ticket without tags).
    pub name: String,
    pub round_trips: u32,
    /// From each asking reply to the customer's answer, wall-clock hours.
    pub hours: f64,
}

/// The cost of the question, per customer and per category (tag).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QuestionCost {
    pub customers: Vec<QuestionFigures>,
    pub tags: Vec<QuestionFigures>,
}

/// The asking round trips of a history (standing events in time order): a
/// reply to the customer, then the ticket set waiting with no customer
/// message between, then the customer's next message, which answers it.
/// Several replies before the waiting: the ask is the last of them. A
/// resolve or close in between ends the ask unanswered. Each pair is (the
/// asking reply's time, the answer's time).
pub fn asking_round_trips(events: &[Event]) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut out = Vec::new();
    let mut asked: Option<DateTime<Utc>> = None;
    let mut waiting = false;
    for e in events {
        match e.view() {
            Ok(View::Reply { .. }) => {
                asked = Some(e.at);
                waiting = false;
            }
            Ok(View::Status { to, .. }) => match to {
                Status::Waiting => waiting = asked.is_some(),
                Status::Resolved | Status::Closed => {
                    asked = None;
                    waiting = false;
                }
                Status::Open => {}
            },
            Ok(View::Customer { .. }) => {
                if let (Some(at), true) = (asked, waiting) {
                    out.push((at, e.at));
                }
                asked = None;
                waiting = false;
            }
            _ => {}
        }
    }
    out
}

/// A month-end report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub period: Period,
    /// What the SLA figures were counted on, for desks with a calendar or policies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    pub totals: Totals,
    pub people: Vec<PersonFigures>,
    pub customers: Vec<CustomerFigures>,
    /// The pause audit: everyone who owned a waiting ticket or set one
    /// waiting, by name.
    pub pauses: Vec<PauseFigures>,
    /// Promises kept and broken, per person who made them, by name.
    pub promises: Vec<PromiseFigures>,
    /// Each incident once, with its linked tickets and customers counted
    /// apart (left out when there was none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub incidents: Vec<super::incident::IncidentFigures>,
    /// Ratings of 1 or 2 counted in the period, by customer, then time.
    pub low_scores: Vec<LowScore>,
    /// Round trips spent asking for information, and their hours.
    pub question_cost: QuestionCost,
    /// The previous period's totals beside these; set by the caller, which
    /// knows what "previous" means for the period asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared: Option<Comparison>,
    /// Every resolution in the period, for charts by day; not a figure.
    #[serde(skip)]
    pub resolutions: Vec<Resolution>,
}

/// One resolution: when, and whether it came before the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolution {
    pub at: DateTime<Utc>,
    pub in_time: bool,
}

/// One day's resolutions, in time and late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySla {
    pub day: chrono::NaiveDate,
    pub in_time: u32,
    pub late: u32,
}

/// The report's resolutions counted per day; `days` are the days with the
/// instants they span (see `period::each_day`).
pub fn per_day(r: &Report, days: &[(chrono::NaiveDate, Period)]) -> Vec<DaySla> {
    days.iter()
        .map(|&(day, span)| {
            let on: Vec<&Resolution> = r
                .resolutions
                .iter()
                .filter(|x| span.contains(x.at))
                .collect();
            let in_time = on.iter().filter(|x| x.in_time).count() as u32;
            DaySla {
                day,
                in_time,
                late: on.len() as u32 - in_time,
            }
        })
        .collect()
}

/// Raw tallies for one person, before medians and rounding.
#[derive(Default)]
struct PersonTally {
    received: u32,
    taken: u32,
    resolved: u32,
    passed: u32,
    escalated_away: u32,
    /// Resolution times, in whole seconds.
    resolve_seconds: Vec<i64>,
    /// Waits for the first reply, in whole seconds.
    first_response_seconds: Vec<i64>,
    minutes: u64,
    passed_up: u32,
    passed_sideways: u32,
    passed_down: u32,
    one_touch: u32,
}

#[derive(Default)]
struct CustomerTally {
    tickets: u32,
    minutes: u64,
    scores: Vec<u8>,
}

/// The score at or under which a rating is low.
pub const LOW_SCORE: u8 = 2;

#[derive(Default)]
struct Tally {
    people: BTreeMap<String, PersonTally>,
    customers: BTreeMap<String, CustomerTally>,
    created: u32,
    resolved: u32,
    resolved_in_time: u32,
    first_contact: u32,
    resolutions: Vec<Resolution>,
    one_touch: u32,
    low_scores: Vec<LowScore>,
    open_at_end: u32,
    reopened: u32,
    first_response: (u32, u32),
    scores: Vec<u8>,
    minutes: u64,
    /// Per person: (seconds paused, pauses, quick pauses).
    pauses: BTreeMap<String, (i64, u32, u32)>,
    /// Per person who made them: (promises kept, promises broken).
    promises: BTreeMap<String, (u32, u32)>,
    /// Per customer, then per tag: (asking round trips, their seconds).
    questions: [BTreeMap<String, (u32, i64)>; 2],
    /// The config's old names (`[renamed]`): an event under one counts for
    /// the name it became, so a month of both is one row.
    renamed: BTreeMap<String, String>,
}

impl Tally {
    fn person(&mut self, name: &str) -> &mut PersonTally {
        let name = self.name(name);
        self.people.entry(name).or_default()
    }

    /// The name a person named in the history has now.
    fn name(&self, name: &str) -> String {
        self.renamed
            .get(name)
            .map_or(name, String::as_str)
            .to_string()
    }
}

/// Builds the report. With `owner`, the people section holds only that person,
/// and totals and customers count only tickets that person owned at some time
/// in the period.
pub fn report(
    tickets: &[Ticket],
    config: &Config,
    period: Period,
    owner: Option<&str>,
    now: DateTime<Utc>,
) -> Report {
    let mut tally = Tally {
        renamed: config.renamed.clone(),
        ..Tally::default()
    };
    for ticket in tickets {
        if owner.is_none_or(|o| owned_during(ticket, o, config, period)) {
            count_ticket(&mut tally, ticket, config, period, now);
        }
    }
    let mut report = finish(tally, config, period, owner);
    report.incidents = super::incident::figures(tickets, period);
    report
}

/// Whether a ticket can count in the period at all: it has an event in it,
/// or it was still open or waiting when the period ended. The report reads
/// only these tickets in full; the rest would add nothing.
pub fn may_count(s: &Summary, period: Period) -> bool {
    s.first_event < period.until && (s.last_event >= period.since || s.ends_active)
}

/// The summaries [`may_count`] can accept for `period`: a ticket ending
/// active is live.
pub fn scope(period: Period) -> Scope {
    Scope::LiveOrSince(period.since)
}

/// Whether `name` owned the ticket at any moment of the period (under an
/// old name too).
fn owned_during(ticket: &Ticket, name: &str, config: &Config, period: Period) -> bool {
    let mut state: Option<State> = None;
    let owns = |s: &Option<State>| {
        s.as_ref()
            .is_some_and(|s| config.current_name(&s.owner) == name)
    };
    let events = super::undo::standing(&ticket.events);
    for e in events.iter().filter(|e| e.at < period.until) {
        // Checked before and after each event in the period: the owner when
        // the period began counts as much as one who received it during it.
        if e.at >= period.since && owns(&state) {
            return true;
        }
        apply(&mut state, e);
        if e.at >= period.since && owns(&state) {
            return true;
        }
    }
    owns(&state)
}

/// Replays one event onto an optional state (none before the first event).
fn apply(state: &mut Option<State>, e: &Event) {
    match state {
        Some(s) => s.apply(e),
        None => *state = super::replay::replay(std::slice::from_ref(e)),
    }
}

/// The pause audit of one ticket: each stretch in `waiting` is credited to
/// whoever owned the ticket through it (split at hand-offs), on `hours` (the
/// policy's clock), clipped to the period and to `now`. Each pause counts
/// for who set it; it is quick when it came no more than `pause_grace` after
/// a customer message with no reply in between (exactly the grace counts).
fn count_pauses(
    tally: &mut Tally,
    events: &[Event],
    config: &Config,
    hours: Hours,
    period: Period,
    now: DateTime<Utc>,
) {
    let grace = duration::chrono(config.sla.pause_grace);
    let end = period.until.min(now);
    let mut unanswered: Option<DateTime<Utc>> = None;
    let mut owner: Option<&str> = None;
    // When the current stretch of waiting (or its current owner's part of it) began.
    let mut paused: Option<DateTime<Utc>> = None;
    let credit =
        |tally: &mut Tally, owner: Option<&str>, from: DateTime<Utc>, to: DateTime<Utc>| {
            let (from, to) = (from.max(period.since), to.min(end));
            if let Some(o) = owner
                && from < to
            {
                let span = hours.between(from, to);
                let o = tally.name(o);
                tally.pauses.entry(o).or_default().0 += span.num_seconds();
            }
        };
    for e in events {
        let Ok(view) = e.view() else {
            continue;
        };
        if let Some(next) = view.new_owner() {
            if let Some(from) = paused {
                credit(tally, owner, from, e.at);
                paused = Some(e.at);
            }
            owner = Some(next);
        }
        match view {
            View::Customer { .. } => unanswered = Some(e.at),
            View::Reply { .. } => unanswered = None,
            View::Status {
                to: Status::Waiting,
                from,
            } if from != Status::Waiting => {
                if period.contains(e.at) {
                    let by = tally.name(&e.by);
                    let entry = tally.pauses.entry(by).or_default();
                    entry.1 += 1;
                    if unanswered.is_some_and(|c| e.at - c <= grace) {
                        entry.2 += 1;
                    }
                }
                paused = Some(e.at);
            }
            View::Status { .. } => {
                if let Some(from) = paused.take() {
                    credit(tally, owner, from, e.at);
                }
            }
            _ => {}
        }
    }
    if let Some(from) = paused {
        credit(tally, owner, from, end);
    }
}

/// Promises kept and broken on one ticket, for who made them: kept when the
/// reply or resolution that kept it falls in the period, broken when the
/// promised time it missed does (and has passed by `now`). `events` end
/// with the period, so a later answer changes nothing.
fn count_promises(tally: &mut Tally, events: &[Event], period: Period, now: DateTime<Utc>) {
    for (p, fate) in promise::fates(events, now.min(period.until)) {
        let (kept, broken) = match fate {
            promise::Fate::Kept { at } if period.contains(at) => (1, 0),
            promise::Fate::Broken if period.contains(p.due) => (0, 1),
            _ => continue,
        };
        let by = tally.name(&p.by);
        let entry = tally.promises.entry(by).or_default();
        entry.0 += kept;
        entry.1 += broken;
    }
}

/// The asking round trips whose answer fell in the period, for the
/// customer the ticket had at the answer and for each of its tags.
fn count_questions(tally: &mut Tally, ticket: &Ticket, events: &[Event], period: Period) {
    for (asked, answered) in asking_round_trips(events) {
        if !period.contains(answered) {
            continue;
        }
        let seconds = (answered - asked).num_seconds();
        let customer = customer_at(ticket, answered);
        let customer = if customer.is_empty() { "-" } else { customer };
        let tags: Vec<&str> = if ticket.tags.is_empty() {
            vec!["-"]
        } else {
            ticket.tags.iter().map(String::as_str).collect()
        };
        let names = std::iter::once((0, customer)).chain(tags.into_iter().map(|t| (1, t)));
        for (which, name) in names {
            let entry = tally.questions[which].entry(name.to_string()).or_default();
            entry.0 += 1;
            entry.1 += seconds;
        }
    }
}

fn count_ticket(
    tally: &mut Tally,
    ticket: &Ticket,
    config: &Config,
    period: Period,
    now: DateTime<Utc>,
) {
    let events = history_until(ticket, period.until);
    let Some(first) = events.first() else {
        return;
    };
    let created_at = first.at;
    // The ticket's SLA policy, from its priority and customer now: the same
    // targets and clocks `list` and `escalate` use.
    let policy = sla::policy(config, ticket.priority, &ticket.customer);
    let rule = policy.escalation(config);
    count_pauses(
        tally,
        &events,
        config,
        config.hours(rule.clock),
        period,
        now,
    );
    count_promises(tally, &events, period, now);
    count_questions(tally, ticket, &events, period);
    let reply_hours = config.hours(policy.first_response.clock);

    // First contact: no hand-off, no escalation, no reopening up to the end.
    let mut clean = true;
    let mut state: Option<State> = None;
    let mut first_reply_seen = false;
    // Replies so far and whether the ticket was ever reopened, for one-touch.
    let mut replies = 0u32;
    let mut reopened_before = false;
    let mut resolutions_in_period = 0;
    let mut touched = false;
    let mut minutes_spent = 0u64;
    // Who owned the ticket from when, to credit a missed deadline to its owner
    // at the deadline, whoever the sweep that noticed it saw.
    let mut owners: Vec<(DateTime<Utc>, String)> = Vec::new();

    for (i, e) in events.iter().enumerate() {
        let before = state.as_ref().map(|s| s.status);
        let owner_before = state.as_ref().map(|s| s.owner.clone());
        let escalation = match (e.view(), &state) {
            (Ok(View::Escalated { deadline, .. }), Some(s)) => {
                let missed_by = owners
                    .iter()
                    .rev()
                    .find(|(at, _)| *at <= deadline)
                    .map(|(_, o)| o.clone());
                Some((s.escalation(deadline), missed_by))
            }
            _ => None,
        };
        apply(&mut state, e);
        if let Some(s) = &state
            && owners.last().is_none_or(|(_, o)| *o != s.owner)
        {
            owners.push((e.at, s.owner.clone()));
        }
        // Time logged with `--at` counts when the work was done.
        let in_period = period.contains(e.worked_at());
        touched |= in_period;
        // A malformed event counts for nothing, as replay ignores it: a
        // hand-off without `to` credits nobody, not a person named "".
        let Ok(view) = e.view() else {
            continue;
        };
        let reopening = matches!(
            (before, view),
            (Some(from), View::Status { to, .. }) if starts_period(from, to)
        );
        match view {
            View::Handoff { .. } | View::Escalated { .. } => clean = false,
            _ if reopening => clean = false,
            _ => {}
        }
        let is_reply = matches!(view, View::Reply { .. });
        let is_first_reply = is_reply && !first_reply_seen;
        first_reply_seen |= is_reply;
        replies += u32::from(is_reply);
        let one_touch = replies == 1 && !reopened_before;
        reopened_before |= reopening;
        if !in_period {
            continue;
        }
        match view {
            View::Created { owner } => {
                tally.created += 1;
                tally.person(owner).received += 1;
            }
            View::Handoff { to, .. } => {
                if e.by == to {
                    tally.person(to).taken += 1;
                } else {
                    let (own, theirs) = (config.level_of(&e.by), config.level_of(to));
                    let p = tally.person(&e.by);
                    p.passed += 1;
                    match theirs.cmp(&own) {
                        std::cmp::Ordering::Greater => p.passed_up += 1,
                        std::cmp::Ordering::Equal => p.passed_sideways += 1,
                        std::cmp::Ordering::Less => p.passed_down += 1,
                    }
                    tally.person(to).received += 1;
                }
            }
            View::Escalated { from, to, .. } => {
                // A repeat of a deadline another sweep escalated counts for
                // nothing; a missed deadline counts once, for its owner then.
                let Some((Escalation::Missed { moves }, missed_by)) = escalation else {
                    continue;
                };
                tally
                    .person(missed_by.as_deref().unwrap_or(from))
                    .escalated_away += 1;
                if moves && owner_before.as_deref() != Some(to) {
                    tally.person(to).received += 1;
                }
            }
            View::Status {
                to: Status::Resolved,
                ..
            } => {
                tally.resolved += 1;
                resolutions_in_period += 1;
                // The clock of the period being resolved: events up to, not including, this one.
                let open = clock::counted(&events[..i], &rule, config, e.at)
                    .unwrap_or_else(Duration::zero);
                let in_time = open < duration::chrono(rule.after);
                tally.resolved_in_time += u32::from(in_time);
                tally.resolutions.push(Resolution { at: e.at, in_time });
                tally.one_touch += u32::from(one_touch);
                let p = tally.person(&e.by);
                p.resolved += 1;
                p.one_touch += u32::from(one_touch);
                p.resolve_seconds.push(open.num_seconds());
            }
            View::Status { .. } if reopening => tally.reopened += 1,
            View::Reply { .. } if is_first_reply => {
                let waited = reply_hours.between(created_at, e.at).num_seconds();
                tally.person(&e.by).first_response_seconds.push(waited);
            }
            View::Time { minutes } => {
                let m = u64::from(minutes);
                minutes_spent += m;
                tally.minutes += m;
                tally.person(&e.by).minutes += m;
            }
            _ => {}
        }
    }
    if clean {
        tally.first_contact += resolutions_in_period;
    }
    if state.is_some_and(|s| s.status.is_active()) {
        tally.open_at_end += 1;
    }

    if period.contains(created_at) {
        // Judged on the whole history: a reply after the period's end that came
        // in time still met the target.
        let target = reply_hours.add(created_at, duration::chrono(policy.first_response.within));
        let first_reply = super::undo::standing(&ticket.events)
            .iter()
            .filter(|e| matches!(e.view(), Ok(View::Reply { .. })))
            .map(|e| e.at)
            .min();
        match first_reply {
            Some(at) if at <= target => tally.first_response = add(tally.first_response, 1, 1),
            Some(_) => tally.first_response = add(tally.first_response, 0, 1),
            None if target <= now => tally.first_response = add(tally.first_response, 0, 1),
            None => {}
        }
    }

    // The latest rating before the end counts, if it was given in the period.
    let rating = events.iter().rev().find_map(|e| match e.view() {
        Ok(View::Rated { score, comment }) => Some((e.at, score, comment)),
        _ => None,
    });
    let rating = rating.filter(|&(at, _, _)| period.contains(at));
    let score = rating.map(|(_, score, _)| score);
    if let Some(score) = score {
        tally.scores.push(score);
    }
    let customer = customer_at(ticket, period.until);
    if let Some((at, score, comment)) = rating.filter(|&(_, s, _)| s <= LOW_SCORE) {
        tally.low_scores.push(LowScore {
            customer: customer.to_string(),
            ticket: ticket.id.to_string(),
            title: ticket.title.clone(),
            score,
            comment: comment.unwrap_or_default().to_string(),
            at,
        });
    }

    if touched {
        let c = tally.customers.entry(customer.to_string()).or_default();
        c.tickets += 1;
        c.minutes += minutes_spent;
        c.scores.extend(score);
    }
}

/// The customer a ticket had at `until`: the old value of the first change
/// of `customer` at or after it, else the customer it has now. So a later
/// `edit --customer` leaves a past month's customers table as it was.
fn customer_at(ticket: &Ticket, until: DateTime<Utc>) -> &str {
    ticket
        .events
        .iter()
        .filter(|e| e.at >= until)
        .filter_map(|e| match e.view() {
            Ok(View::Edited {
                field: "customer",
                from,
                ..
            }) => Some((e.at, from.unwrap_or(""))),
            _ => None,
        })
        // The earliest change; of changes in one second, the first listed.
        .min_by_key(|&(at, _)| at)
        .map_or(ticket.customer.as_str(), |(_, from)| from)
}

/// The events before `until` in time order, without those undone (an undo
/// corrects the figures of every period, also past ones), and the time
/// logged later for work done before `until` (`log --at`), which changes no
/// state. Files keep their events in order, so this borrows; a hand-edited
/// file with shuffled events is sorted first.
fn history_until(ticket: &Ticket, until: DateTime<Utc>) -> Cow<'_, [Event]> {
    let keep = |e: &Event| {
        e.at < until || (e.kind == super::ticket::EventKind::Time && e.worked_at() < until)
    };
    let events = match super::undo::standing(&ticket.events) {
        Cow::Borrowed(events) => events,
        Cow::Owned(mut kept) => {
            kept.retain(keep);
            kept.sort_by_key(|e| e.at);
            return Cow::Owned(kept);
        }
    };
    if events.is_sorted_by_key(|e| e.at) {
        let n = events.partition_point(|e| e.at < until);
        if !events[n..].iter().any(keep) {
            return Cow::Borrowed(&events[..n]);
        }
    }
    let mut sorted: Vec<Event> = events.iter().filter(|e| keep(e)).cloned().collect();
    sorted.sort_by_key(|e| e.at);
    Cow::Owned(sorted)
}

fn add((met, all): (u32, u32), m: u32, a: u32) -> (u32, u32) {
    (met + m, all + a)
}

fn finish(mut tally: Tally, config: &Config, period: Period, owner: Option<&str>) -> Report {
    let totals = Totals {
        created: tally.created,
        resolved: tally.resolved,
        open_at_end: tally.open_at_end,
        sla_met_pct: pct(tally.resolved_in_time, tally.resolved),
        first_response_met_pct: pct(tally.first_response.0, tally.first_response.1),
        fcr_pct: pct(tally.first_contact, tally.resolved),
        one_touch: tally.one_touch,
        one_touch_pct: pct(tally.one_touch, tally.resolved),
        reopened: tally.reopened,
        csat_avg: average(&tally.scores),
        csat_pct: pct(
            tally.scores.iter().filter(|&&s| s >= 4).count() as u32,
            tally.scores.len() as u32,
        ),
        hours: hours(tally.minutes),
    };

    // The team in config order, then anyone else who did something (a former
    // member), by name. The sweep is not a person.
    tally.people.remove(SYSTEM_ACTOR);
    let mut names: Vec<String> = config.people.iter().map(|p| p.name.clone()).collect();
    let known: HashSet<String> = names.iter().cloned().collect();
    names.extend(tally.people.keys().filter(|n| !known.contains(*n)).cloned());
    if let Some(o) = owner {
        names.retain(|n| n == o);
    }
    let people = names
        .into_iter()
        .map(|name| {
            let t = tally.people.remove(&name).unwrap_or_default();
            PersonFigures {
                received: t.received,
                taken: t.taken,
                resolved: t.resolved,
                passed: t.passed,
                escalated_away: t.escalated_away,
                median_resolve_hours: stats::median(t.resolve_seconds).map(|m| m.per(3600, 2)),
                median_first_response_minutes: stats::median(t.first_response_seconds.clone())
                    .map(|m| m.per(60, 1)),
                p90_first_response_minutes: stats::nearest_rank(t.first_response_seconds, 90)
                    .map(|s| stats::round_half_up(i128::from(s), 60, 1)),
                passed_up: t.passed_up,
                passed_sideways: t.passed_sideways,
                passed_down: t.passed_down,
                one_touch: t.one_touch,
                hours: hours(t.minutes),
                renamed_from: config
                    .former_names(&name)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                name,
            }
        })
        .collect();

    let mut customers: Vec<CustomerFigures> = tally
        .customers
        .into_iter()
        .map(|(customer, c)| CustomerFigures {
            customer,
            tickets: c.tickets,
            hours: hours(c.minutes),
            csat_avg: average(&c.scores),
            low_scores: c.scores.iter().filter(|&&s| s <= LOW_SCORE).count() as u32,
        })
        .collect();
    // Most hours first (the bill), then most tickets; no customer last.
    customers.sort_by(|a, b| {
        (a.customer.is_empty(), b.hours, b.tickets, &a.customer)
            .partial_cmp(&(b.customer.is_empty(), a.hours, a.tickets, &b.customer))
            .unwrap_or(std::cmp::Ordering::Equal)
    });

    let pauses = std::mem::take(&mut tally.pauses)
        .into_iter()
        .filter(|(name, _)| owner.is_none_or(|o| o == name))
        .map(|(name, (seconds, pauses, quick_pauses))| PauseFigures {
            name,
            paused_hours: stats::hours_of_seconds(seconds),
            pauses,
            quick_pauses,
        })
        .collect();
    let promises = std::mem::take(&mut tally.promises)
        .into_iter()
        .filter(|(name, _)| owner.is_none_or(|o| o == name))
        .map(|(name, (kept, broken))| PromiseFigures { name, kept, broken })
        .collect();
    let mut low_scores = std::mem::take(&mut tally.low_scores);
    low_scores.sort_by(|a, b| (&a.customer, a.at, &a.ticket).cmp(&(&b.customer, b.at, &b.ticket)));
    let [customers_asked, tags_asked] = std::mem::take(&mut tally.questions);
    let figures = |map: BTreeMap<String, (u32, i64)>| -> Vec<QuestionFigures> {
        map.into_iter()
            .map(|(name, (round_trips, seconds))| QuestionFigures {
                name,
                round_trips,
                hours: stats::hours_of_seconds(seconds),
            })
            .collect()
    };
    let question_cost = QuestionCost {
        customers: figures(customers_asked),
        tags: figures(tags_asked),
    };
    Report {
        period,
        basis: Basis::of(config),
        low_scores,
        question_cost,
        compared: None,
        resolutions: std::mem::take(&mut tally.resolutions),
        pauses,
        promises,
        totals,
        people,
        customers,
        incidents: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ticket::{EventKind, Priority};
    use chrono::TimeZone;
    use uuid::Uuid;

    fn at(month: u32, day: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, month, day, h, m, 0).unwrap()
    }

    fn nov(day: u32, h: u32, m: u32) -> DateTime<Utc> {
        at(11, day, h, m)
    }

    fn november() -> Period {
        Period {
            since: nov(1, 0, 0),
            until: at(12, 1, 0, 0),
        }
    }

    fn config() -> Config {
        Config::parse(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[[people]]\nname = \"ben\"\nlevel = 2\n\
             [[people]]\nname = \"dan\"\nlevel = 2\n[[people]]\nname = \"cora\"\nlevel = 3\n\
             [escalation]\nafter = \"20h\"\nto = \"top\"\npause_when_waiting = true\n\
             [sla]\nfirst_response = \"1h\"\n",
        )
        .unwrap()
    }

    fn created(t: DateTime<Utc>, owner: &str) -> Event {
        Event::new(t, owner, EventKind::Created).to(owner)
    }
    fn handoff(t: DateTime<Utc>, by: &str, from: &str, to: &str) -> Event {
        Event::new(t, by, EventKind::Handoff).from(from).to(to)
    }
    fn escalated(t: DateTime<Utc>, from: &str, to: &str) -> Event {
        let mut e = Event::new(t, SYSTEM_ACTOR, EventKind::Escalated)
            .from(from)
            .to(to);
        e.deadline = Some(t);
        e
    }
    fn status(t: DateTime<Utc>, by: &str, from: &str, to: &str) -> Event {
        Event::new(t, by, EventKind::Status).from(from).to(to)
    }
    fn reply(t: DateTime<Utc>, by: &str) -> Event {
        Event::new(t, by, EventKind::Reply).text("hello")
    }
    fn rated(t: DateTime<Utc>, score: u8) -> Event {
        let mut e = Event::new(t, "ana", EventKind::Rated);
        e.score = Some(score);
        e
    }
    fn time(t: DateTime<Utc>, by: &str, minutes: u32) -> Event {
        let mut e = Event::new(t, by, EventKind::Time);
        e.minutes = Some(minutes);
        e
    }

    fn ticket(n: u128, customer: &str, events: Vec<Event>) -> Ticket {
        let mut t = Ticket {
            id: Uuid::from_u128(n),
            title: format!("ticket {n}"),
            status: Status::Open,
            owner: String::new(),
            customer: customer.into(),
            priority: Priority::Normal,
            tags: vec![],
            created: events[0].at,
            updated: events[0].at,
            escalated: 0,
            description: String::new(),
            extra: Default::default(),
            events,
        };
        t.sync_state();
        t
    }

    /// The fixture of docs/metrics.md's worked example: November 2026, the
    /// report run on 5 December at noon; escalation after 20 h, first reply
    /// within 1 h.
    fn desk() -> Vec<Ticket> {
        vec![
            // T1 acme: answered in 30 min, solved by ana in 3 h alone, rated 5.
            ticket(
                1,
                "acme",
                vec![
                    created(nov(2, 9, 0), "ana"),
                    reply(nov(2, 9, 30), "ana"),
                    time(nov(2, 11, 0), "ana", 45),
                    status(nov(2, 12, 0), "ana", "open", "resolved"),
                    rated(nov(3, 9, 0), 5),
                ],
            ),
            // T2 acme: passed to ben, first reply after 2 h, 24 h waiting
            // (paused), solved after 11 h of counted time; rated 2, then 4.
            ticket(
                2,
                "acme",
                vec![
                    created(nov(3, 9, 0), "ana"),
                    handoff(nov(3, 9, 10), "ana", "ana", "ben"),
                    reply(nov(3, 11, 0), "ben"),
                    status(nov(3, 11, 0), "ben", "open", "waiting"),
                    status(nov(4, 11, 0), "ben", "waiting", "open"),
                    time(nov(4, 19, 0), "ben", 90),
                    status(nov(4, 20, 0), "ben", "open", "resolved"),
                    rated(nov(5, 9, 0), 2),
                    rated(nov(6, 9, 0), 4),
                ],
            ),
            // T3 globex: created in October, never answered, escalated to
            // cora on 1 November, solved by her 38 h after creation; rated 1.
            ticket(
                3,
                "globex",
                vec![
                    created(at(10, 31, 20, 0), "ana"),
                    escalated(nov(1, 16, 0), "ana", "cora"),
                    status(nov(2, 10, 0), "cora", "open", "resolved"),
                    rated(nov(3, 10, 0), 1),
                ],
            ),
            // T4 globex: answered in 20 min, solved in 1 h, reopened, solved
            // again 2 h after the reopening.
            ticket(
                4,
                "globex",
                vec![
                    created(nov(10, 8, 0), "ana"),
                    reply(nov(10, 8, 20), "ana"),
                    status(nov(10, 9, 0), "ana", "open", "resolved"),
                    status(nov(11, 8, 0), "ana", "resolved", "open"),
                    status(nov(11, 10, 0), "ana", "open", "resolved"),
                ],
            ),
            // T5, no customer: never answered, taken by cora, open at the end.
            ticket(
                5,
                "",
                vec![
                    created(nov(29, 22, 0), "ana"),
                    handoff(nov(30, 23, 0), "cora", "ana", "cora"),
                ],
            ),
            // T6 initech: created 30 minutes before the end, answered 40 min
            // later (in December): in time; open at the end.
            ticket(
                6,
                "initech",
                vec![
                    created(nov(30, 23, 30), "ana"),
                    reply(at(12, 1, 0, 10), "ana"),
                    status(at(12, 1, 1, 0), "ana", "open", "resolved"),
                ],
            ),
            // T7: after the period; not counted at all.
            ticket(
                7,
                "acme",
                vec![
                    created(at(12, 2, 9, 0), "ana"),
                    time(at(12, 2, 10, 0), "ana", 600),
                ],
            ),
        ]
    }

    fn now() -> DateTime<Utc> {
        at(12, 5, 12, 0)
    }

    #[test]
    fn events_under_an_old_name_count_in_the_one_row_of_the_new_name() {
        let before = report(&desk(), &config(), november(), None, now());
        let text = "[[people]]\nname = \"anya\"\nlevel = 1\n[[people]]\nname = \"ben\"\nlevel = 2\n\
                    [[people]]\nname = \"dan\"\nlevel = 2\n[[people]]\nname = \"cora\"\nlevel = 3\n\
                    [escalation]\nafter = \"20h\"\nto = \"top\"\npause_when_waiting = true\n\
                    [sla]\nfirst_response = \"1h\"\n[renamed]\nana = \"anya\"\n";
        let renamed = Config::parse(text).unwrap();
        let after = report(&desk(), &renamed, november(), None, now());
        let row = |r: &Report, name: &str| r.people.iter().find(|p| p.name == name).cloned();
        assert_eq!(row(&after, "ana"), None, "no row for the old name");
        let anya = row(&after, "anya").unwrap();
        assert_eq!(anya.renamed_from, ["ana"]);
        assert_eq!(
            anya,
            PersonFigures {
                name: "anya".into(),
                renamed_from: vec!["ana".into()],
                ..row(&before, "ana").unwrap()
            }
        );
        assert_eq!(after.totals, before.totals);
        let by_owner = report(&desk(), &renamed, november(), Some("anya"), now());
        let by_old_owner = report(&desk(), &config(), november(), Some("ana"), now());
        assert_eq!(
            by_owner.totals, by_old_owner.totals,
            "owned under the old name"
        );
    }

    #[test]
    fn pauses_are_credited_to_who_set_them_and_quick_ones_counted() {
        let customer = |t| Event::new(t, "jan", EventKind::Customer).text("any news?");
        let tickets = vec![
            // ana pauses 5 min after an unanswered message: quick; 3h paused.
            ticket(
                1,
                "acme",
                vec![
                    created(nov(2, 9, 0), "ana"),
                    customer(nov(2, 10, 0)),
                    status(nov(2, 10, 5), "ana", "open", "waiting"),
                    status(nov(2, 13, 5), "jan", "waiting", "open"),
                    // A reply in between: this pause is not quick.
                    customer(nov(3, 9, 0)),
                    reply(nov(3, 9, 2), "ana"),
                    status(nov(3, 9, 4), "ana", "open", "waiting"),
                    status(nov(3, 10, 4), "ana", "waiting", "open"),
                ],
            ),
            // ben's pause, 20 min after the message, is past the grace, and
            // runs to the end of the period (from 30 Nov 23:00: 1h).
            ticket(
                2,
                "",
                vec![
                    created(nov(30, 9, 0), "ben"),
                    customer(nov(30, 22, 40)),
                    status(nov(30, 23, 0), "ben", "open", "waiting"),
                ],
            ),
        ];
        let r = report(&tickets, &config(), november(), None, now());
        let row = |name: &str| r.pauses.iter().find(|p| p.name == name).cloned().unwrap();
        assert_eq!(
            row("ana"),
            PauseFigures {
                name: "ana".into(),
                paused_hours: 4.0,
                pauses: 2,
                quick_pauses: 1
            }
        );
        assert_eq!(
            row("ben"),
            PauseFigures {
                name: "ben".into(),
                paused_hours: 1.0,
                pauses: 1,
                quick_pauses: 0
            }
        );
        assert_eq!(r.pauses.len(), 2, "nobody else paused");
    }

    #[test]
    fn paused_hours_go_to_the_owner_through_the_wait_split_at_hand_offs() {
        // ana sets it waiting at 10:00, exactly the grace after the
        // customer wrote, passes it to ben at 12:00 while it waits; it
        // resumes at 15:00: ana 2h, ben 3h; the (quick) pause is ana's.
        let tickets = vec![ticket(
            1,
            "acme",
            vec![
                created(nov(2, 9, 0), "ana"),
                Event::new(nov(2, 9, 50), "jan", EventKind::Customer).text("hello?"),
                status(nov(2, 10, 0), "ana", "open", "waiting"),
                handoff(nov(2, 12, 0), "ana", "ana", "ben"),
                status(nov(2, 15, 0), "baton", "waiting", "open"),
            ],
        )];
        // The worked example of docs/metrics.md.
        let r = report(&tickets, &config(), november(), None, now());
        let rows: Vec<(&str, f64, u32, u32)> = r
            .pauses
            .iter()
            .map(|p| (p.name.as_str(), p.paused_hours, p.pauses, p.quick_pauses))
            .collect();
        assert_eq!(rows, [("ana", 2.0, 1, 1), ("ben", 3.0, 0, 0)]);
    }

    #[test]
    fn paused_hours_count_on_the_policy_s_clock() {
        // Waiting from Friday 17:00 to Monday 10:00 in Budapest (UTC+1) on
        // Mon–Fri 09–18: 1h Friday + 1h Monday, not 65h.
        let c = Config::parse(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[escalation]\nclock = \"business\"\n\
             [calendar]\ntimezone = \"Europe/Budapest\"\nmon-fri = \"09:00-18:00\"\n",
        )
        .unwrap();
        let tickets = vec![ticket(
            1,
            "",
            vec![
                created(nov(6, 8, 0), "ana"),
                status(nov(6, 16, 0), "ana", "open", "waiting"),
                status(nov(9, 9, 0), "ana", "waiting", "open"),
            ],
        )];
        let r = report(&tickets, &c, november(), None, now());
        assert_eq!(r.pauses[0].paused_hours, 2.0);
    }

    #[test]
    fn a_pause_is_quick_up_to_exactly_the_grace_after_the_latest_unanswered_message() {
        let customer = |t| Event::new(t, "jan", EventKind::Customer).text("any news?");
        let quick = |events: Vec<Event>| {
            let mut all = vec![created(nov(2, 9, 0), "ana")];
            all.extend(events);
            let r = report(&[ticket(1, "", all)], &config(), november(), None, now());
            r.pauses[0].quick_pauses
        };
        let wait = |t| status(t, "ana", "open", "waiting");
        let cases = [
            (
                "exactly 10 minutes is within the grace",
                vec![customer(nov(2, 10, 0)), wait(nov(2, 10, 10))],
                1,
            ),
            (
                "a second past it is not",
                vec![
                    customer(nov(2, 10, 0)),
                    wait(nov(2, 10, 10) + Duration::seconds(1)),
                ],
                0,
            ),
            (
                "the latest message counts, not the first unanswered one",
                vec![
                    customer(nov(2, 9, 0)),
                    customer(nov(2, 10, 0)),
                    wait(nov(2, 10, 5)),
                ],
                1,
            ),
            (
                "a reply in between answers it",
                vec![
                    customer(nov(2, 10, 0)),
                    reply(nov(2, 10, 2), "ana"),
                    wait(nov(2, 10, 4)),
                ],
                0,
            ),
            (
                "no customer message, no quick pause",
                vec![wait(nov(2, 10, 0))],
                0,
            ),
        ];
        for (what, events, expected) in cases {
            assert_eq!(quick(events), expected, "{what}");
        }
    }

    #[test]
    fn promises_count_kept_and_broken_for_who_made_them_in_the_period_of_their_fate() {
        let promised = |t, by: &str, due| {
            let mut e = Event::new(t, by, EventKind::Promised);
            e.deadline = Some(due);
            e
        };
        let tickets = vec![
            // ana's promise kept by ben's reply; ben's later one broken.
            ticket(
                1,
                "acme",
                vec![
                    created(nov(2, 9, 0), "ana"),
                    promised(nov(2, 9, 10), "ana", nov(2, 17, 0)),
                    reply(nov(2, 16, 0), "ben"),
                    promised(nov(3, 9, 0), "ben", nov(3, 12, 0)),
                    reply(nov(3, 13, 0), "ben"),
                ],
            ),
            // Superseded before its time: neither; the new one is kept by the
            // resolution. A promise due in December is not November's.
            ticket(
                2,
                "",
                vec![
                    created(nov(10, 9, 0), "ana"),
                    promised(nov(10, 9, 5), "ana", nov(10, 12, 0)),
                    promised(nov(10, 11, 0), "ana", nov(11, 12, 0)),
                    status(nov(11, 10, 0), "ana", "open", "resolved"),
                    status(nov(30, 9, 0), "ana", "resolved", "open"),
                    promised(nov(30, 9, 5), "cora", at(12, 1, 9, 0)),
                ],
            ),
        ];
        let r = report(&tickets, &config(), november(), None, now());
        let rows: Vec<(&str, u32, u32)> = r
            .promises
            .iter()
            .map(|p| (p.name.as_str(), p.kept, p.broken))
            .collect();
        assert_eq!(rows, [("ana", 2, 0), ("ben", 0, 1)]);
        let only_ana = report(&tickets, &config(), november(), Some("ana"), now());
        assert_eq!(
            only_ana.promises,
            [r.promises[0].clone()],
            "--owner keeps one row"
        );
        // Run before ben's promise was due, it is not yet broken.
        let mut then = tickets[..1].to_vec();
        then[0].events.retain(|e| e.at <= nov(3, 11, 0));
        let early = report(&then, &config(), november(), None, nov(3, 11, 0));
        assert!(
            early.promises.iter().all(|p| p.broken == 0),
            "{:?}",
            early.promises
        );
    }

    #[test]
    fn totals_match_the_worked_example() {
        let r = report(&desk(), &config(), november(), None, now());
        assert_eq!(
            r.totals,
            Totals {
                created: 5,                         // T1 T2 T4 T5 T6
                resolved: 5,                        // T1 T2 T3 T4 T4
                open_at_end: 2,                     // T5 T6
                sla_met_pct: Some(80.0),            // 3h 11h 1h 2h in time; T3's 38h not
                first_response_met_pct: Some(60.0), // T1 T4 T6 of T1 T2 T4 T5 T6
                fcr_pct: Some(20.0),                // only T1 of 5 resolutions
                one_touch: 3,                       // T1, T2, T4's first
                one_touch_pct: Some(60.0),          // 3 of 5
                reopened: 1,                        // T4
                csat_avg: Some(3.33),               // 5, 4 (latest of T2), 1
                csat_pct: Some(66.7),               // 2 of 3
                hours: 2.25,                        // 45 + 90 minutes
            }
        );
    }

    #[test]
    fn people_match_the_worked_example() {
        let r = report(&desk(), &config(), november(), None, now());
        let row = |name: &str| r.people.iter().find(|p| p.name == name).unwrap().clone();
        assert_eq!(
            row("ana"),
            PersonFigures {
                name: "ana".into(),
                received: 5, // created for her: T1 T2 T4 T5 T6
                taken: 0,
                resolved: 3,                               // T1, T4 twice
                passed: 1,                                 // T2 to ben
                escalated_away: 1,                         // T3
                median_resolve_hours: Some(2.0),           // 3h, 1h, 2h
                median_first_response_minutes: Some(25.0), // 30, 20 (T6's is in December)
                hours: 0.75,
                passed_up: 1, // to ben, level 2
                passed_sideways: 0,
                passed_down: 0,
                one_touch: 2,                           // T1, T4's first
                p90_first_response_minutes: Some(30.0), // rank ⌈0.9 × 2⌉ = 2 of 20, 30
                renamed_from: Vec::new(),
            }
        );
        assert_eq!(
            row("ben"),
            PersonFigures {
                name: "ben".into(),
                received: 1,
                taken: 0,
                resolved: 1,
                passed: 0,
                escalated_away: 0,
                median_resolve_hours: Some(11.0),
                median_first_response_minutes: Some(120.0),
                hours: 1.5,
                one_touch: 1, // T2: one reply, though passed
                p90_first_response_minutes: Some(120.0),
                ..PersonFigures::default()
            }
        );
        assert_eq!(
            row("cora"),
            PersonFigures {
                name: "cora".into(),
                received: 1, // T3 by escalation
                taken: 1,    // T5
                resolved: 1,
                passed: 0,
                escalated_away: 0,
                median_resolve_hours: Some(38.0),
                median_first_response_minutes: None,
                hours: 0.0,
                ..PersonFigures::default() // T3 solved without a reply: not one-touch
            }
        );
        assert_eq!(
            row("dan"),
            PersonFigures {
                name: "dan".into(),
                ..PersonFigures::default()
            },
            "a person with no tickets still has a row"
        );
        let order: Vec<&str> = r.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(order, ["ana", "ben", "dan", "cora"], "config order");
    }

    #[test]
    fn passes_are_counted_by_the_direction_they_go() {
        // ben (level 2) passes up to cora, sideways to dan, down to ana and
        // to eve, who has left the team (below the front line).
        let t = ticket(
            1,
            "acme",
            vec![
                created(nov(2, 9, 0), "ben"),
                handoff(nov(2, 9, 1), "ben", "ben", "cora"),
                handoff(nov(2, 9, 2), "cora", "cora", "ben"),
                handoff(nov(2, 9, 3), "ben", "ben", "dan"),
                handoff(nov(2, 9, 4), "dan", "dan", "ben"),
                handoff(nov(2, 9, 5), "ben", "ben", "ana"),
                handoff(nov(2, 9, 6), "ana", "ana", "ben"),
                handoff(nov(2, 9, 7), "ben", "ben", "eve"),
            ],
        );
        let r = report(&[t], &config(), november(), None, now());
        let ways = |name: &str| {
            let p = r.people.iter().find(|p| p.name == name).unwrap();
            (p.passed, p.passed_up, p.passed_sideways, p.passed_down)
        };
        assert_eq!(ways("ben"), (4, 1, 1, 2));
        assert_eq!(ways("cora"), (1, 0, 0, 1), "from the top, down");
        assert_eq!(ways("dan"), (1, 0, 1, 0));
        assert_eq!(ways("ana"), (1, 1, 0, 0));
    }

    #[test]
    fn low_scores_are_listed_with_what_the_customer_said() {
        let mut desk = desk();
        let mut said = rated(nov(7, 9, 0), 2);
        said.comment = Some("had to explain it three times".into());
        desk[3].events.push(said);
        let r = report(&desk, &config(), november(), None, now());
        let listed: Vec<(&str, &str, u8, &str)> = r
            .low_scores
            .iter()
            .map(|l| {
                (
                    l.customer.as_str(),
                    l.title.as_str(),
                    l.score,
                    l.comment.as_str(),
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                ("globex", "ticket 3", 1, ""),
                ("globex", "ticket 4", 2, "had to explain it three times"),
            ]
        );
        let globex = r.customers.iter().find(|c| c.customer == "globex").unwrap();
        assert_eq!((globex.low_scores, globex.csat_avg), (2, Some(1.5)));
        assert!(
            r.low_scores
                .iter()
                .all(|l| l.ticket != desk[1].id.to_string()),
            "T2's 2 was replaced by a 4"
        );
    }

    #[test]
    fn the_month_is_compared_with_the_one_before() {
        let october = Period {
            since: at(10, 1, 0, 0),
            until: nov(1, 0, 0),
        };
        let nov_r = report(&desk(), &config(), november(), None, now());
        let oct_r = report(&desk(), &config(), october, None, now());
        let c = compare(&nov_r, &oct_r);
        assert_eq!(c.period, october);
        let row = |f: &str| c.changes.iter().find(|c| c.figure == f).unwrap().clone();
        // October: T3 created, nothing resolved, open at the end.
        assert_eq!(
            row("created"),
            Change {
                figure: "created",
                now: Some(5.0),
                before: Some(1.0),
                direction: Some(Direction::Up)
            }
        );
        assert_eq!(row("open_at_end").direction, Some(Direction::Up));
        assert_eq!(row("open_at_end").before, Some(1.0));
        assert_eq!(row("sla_met_pct").before, None);
        assert_eq!(
            row("first_response_met_pct").before,
            Some(0.0),
            "T3 never answered"
        );
        assert_eq!(
            row("sla_met_pct").direction,
            None,
            "nothing to compare with"
        );
        assert_eq!(row("hours").direction, Some(Direction::Up));
        let same = compare(&nov_r, &nov_r);
        assert!(
            same.changes
                .iter()
                .all(|c| c.direction.is_none_or(|d| d == Direction::Same))
        );
    }

    #[test]
    fn resolutions_are_counted_per_day_in_time_and_late() {
        let r = report(&desk(), &config(), november(), None, now());
        let day = |d: u32| {
            let date = chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
            let since = nov(d, 0, 0);
            (
                date,
                Period {
                    since,
                    until: since + Duration::days(1),
                },
            )
        };
        let days = per_day(&r, &[day(2), day(4), day(10), day(11), day(12)]);
        let counts: Vec<(u32, u32)> = days.iter().map(|d| (d.in_time, d.late)).collect();
        // 2 Nov: T1 in time, T3 late; 4 Nov: T2; 10 and 11 Nov: T4.
        assert_eq!(counts, [(1, 1), (1, 0), (1, 0), (1, 0), (0, 0)]);
    }

    #[test]
    fn customers_are_billed_by_hours() {
        let r = report(&desk(), &config(), november(), None, now());
        let rows: Vec<(&str, u32, f64, Option<f64>)> = r
            .customers
            .iter()
            .map(|c| (c.customer.as_str(), c.tickets, c.hours, c.csat_avg))
            .collect();
        assert_eq!(
            rows,
            [
                ("acme", 2, 2.25, Some(4.5)),
                ("globex", 2, 0.0, Some(1.0)),
                ("initech", 1, 0.0, None),
                ("", 1, 0.0, None),
            ]
        );
    }

    #[test]
    fn one_owner_sees_the_tickets_they_held() {
        let r = report(&desk(), &config(), november(), Some("ben"), now());
        assert_eq!(r.people.len(), 1);
        assert_eq!(r.people[0].resolved, 1);
        assert_eq!(
            (r.totals.created, r.totals.resolved, r.totals.hours),
            (1, 1, 1.5),
            "only T2, with ben's 90 minutes"
        );
        assert_eq!(r.totals.first_response_met_pct, Some(0.0));
        assert_eq!(r.customers.len(), 1);
        // cora owned T5 from the 30th and T3 from the 1st.
        let r = report(&desk(), &config(), november(), Some("cora"), now());
        assert_eq!((r.totals.created, r.totals.open_at_end), (1, 1));
    }

    #[test]
    fn an_owner_at_the_start_of_a_quiet_period_still_owns_it() {
        let t = ticket(9, "x", vec![created(at(10, 1, 9, 0), "ben")]);
        let r = report(&[t], &config(), november(), Some("ben"), now());
        assert_eq!(r.totals.open_at_end, 1);
    }

    #[test]
    fn a_missed_deadline_counts_once_for_its_owner_at_the_deadline() {
        // Deadline at 4 Nov 8:00. Two clones swept before pulling each
        // other's work; ana passed to ben after the deadline, so the second
        // sweep names ben, but ana missed it.
        let late = |t: DateTime<Utc>, from: &str| {
            let mut e = escalated(t, from, "cora");
            e.deadline = Some(nov(4, 8, 0));
            e
        };
        let t = ticket(
            9,
            "x",
            vec![
                created(nov(3, 12, 0), "ana"),
                late(nov(4, 8, 5), "ana"),
                handoff(nov(4, 8, 10), "cora", "cora", "ana"),
                handoff(nov(4, 8, 30), "ana", "ana", "ben"),
                late(nov(4, 9, 0), "ben"),
            ],
        );
        assert_eq!((t.owner.as_str(), t.escalated), ("ben", 1));
        let r = report(&[t], &config(), november(), None, now());
        let figures = |name: &str| {
            let p = r.people.iter().find(|p| p.name == name).unwrap();
            (p.received, p.escalated_away)
        };
        assert_eq!(
            figures("ana"),
            (2, 1),
            "created and handed back; missed once"
        );
        assert_eq!(figures("ben"), (1, 0), "the pass, not the repeat");
        assert_eq!(figures("cora"), (1, 0), "received once");
    }

    #[test]
    fn an_empty_period_has_zeros_and_no_rates() {
        let period = Period {
            since: at(1, 1, 0, 0),
            until: at(2, 1, 0, 0),
        };
        let r = report(&desk(), &config(), period, None, now());
        assert_eq!(r.totals, Totals::default());
        assert!(r.customers.is_empty());
        assert_eq!(r.people.len(), 4);
        assert!(r.people.iter().all(|p| p.resolved == 0 && p.hours == 0.0));
    }

    #[test]
    fn a_past_period_reads_the_same_whenever_it_is_run() {
        let early = report(&desk(), &config(), november(), None, now());
        let mut later_desk = desk();
        // December brings a new rating for T1 and more work on T2.
        later_desk[0].events.push(rated(at(12, 3, 9, 0), 1));
        later_desk[1].events.push(time(at(12, 3, 9, 0), "ben", 60));
        let later = report(&later_desk, &config(), november(), None, at(12, 30, 0, 0));
        assert_eq!(early, later);
    }

    fn customer_edit(t: DateTime<Utc>, from: &str, to: &str) -> Event {
        let mut e = Event::new(t, "ana", EventKind::Edited).from(from).to(to);
        e.field = Some("customer".into());
        e
    }

    #[test]
    fn a_past_month_bills_the_customer_the_ticket_had_then() {
        let early = report(&desk(), &config(), november(), None, now());
        // In December T1 moves from acme to umbrella, then to wayne: the
        // ticket now says wayne, but in November it was acme's.
        let mut later_desk = desk();
        later_desk[0]
            .events
            .push(customer_edit(at(12, 3, 9, 0), "acme", "umbrella"));
        later_desk[0]
            .events
            .push(customer_edit(at(12, 4, 9, 0), "umbrella", "wayne"));
        later_desk[0].customer = "wayne".into();
        let later = report(&later_desk, &config(), november(), None, now());
        assert_eq!(early.customers, later.customers);
        // A change within the month counts from the month's end on.
        let mut moved = desk();
        moved[0]
            .events
            .insert(4, customer_edit(nov(20, 9, 0), "acme", "umbrella"));
        moved[0].customer = "umbrella".into();
        let r = report(&moved, &config(), november(), None, now());
        let umbrella = r
            .customers
            .iter()
            .find(|c| c.customer == "umbrella")
            .unwrap();
        assert_eq!((umbrella.tickets, umbrella.hours), (1, 0.75));
    }

    #[test]
    fn medians_are_exact_on_whole_seconds() {
        // Resolved after 2 s and after 61 378 s: the median is 8.525 h, which
        // the mean of two float hours rounded to 8.52.
        let t = |n: u128, secs: i64| {
            let start = nov(2, 9, 0);
            let mut done = status(start, "ana", "open", "resolved");
            done.at = start + Duration::seconds(secs);
            ticket(n, "acme", vec![created(start, "ana"), done])
        };
        let r = report(&[t(1, 2), t(2, 61_378)], &config(), november(), None, now());
        assert_eq!(r.people[0].median_resolve_hours, Some(8.53));
    }

    #[test]
    fn within_is_inclusive_and_under_is_strict() {
        // A first reply exactly 1 h after creation is within the target; a
        // resolution exactly 20 h after is not under the deadline.
        let t = ticket(
            1,
            "acme",
            vec![
                created(nov(2, 9, 0), "ana"),
                reply(nov(2, 10, 0), "ana"),
                status(nov(3, 5, 0), "ana", "open", "resolved"),
            ],
        );
        let r = report(&[t], &config(), november(), None, now());
        assert_eq!(r.totals.first_response_met_pct, Some(100.0));
        assert_eq!(r.totals.sla_met_pct, Some(0.0));
    }

    #[test]
    fn the_first_reply_clock_does_not_pause_while_waiting() {
        // Set waiting 10 minutes in, answered 2 h after creation: the customer
        // waited 2 h for a word, so the reply is late and counts 120 minutes.
        let t = ticket(
            1,
            "acme",
            vec![
                created(nov(2, 9, 0), "ana"),
                status(nov(2, 9, 10), "ana", "open", "waiting"),
                reply(nov(2, 11, 0), "ana"),
            ],
        );
        let r = report(&[t], &config(), november(), None, now());
        assert_eq!(r.people[0].median_first_response_minutes, Some(120.0));
        assert_eq!(r.totals.first_response_met_pct, Some(0.0));
    }

    #[test]
    fn waiting_after_a_missed_deadline_moves_nothing() {
        // Missed at 20 h; set waiting at 21 h for 10 h; resolved at 32 h: 22 h
        // counted, late. The pause after the deadline does not make it in time.
        let start = nov(2, 0, 0);
        let h = |n: i64| start + Duration::hours(n);
        let t = ticket(
            1,
            "acme",
            vec![
                created(start, "ana"),
                status(h(21), "ana", "open", "waiting"),
                status(h(31), "ana", "waiting", "open"),
                status(h(32), "ana", "open", "resolved"),
            ],
        );
        let r = report(&[t], &config(), november(), None, now());
        assert_eq!(r.people[0].median_resolve_hours, Some(22.0));
        assert_eq!(r.totals.sla_met_pct, Some(0.0));
    }

    #[test]
    fn events_of_one_second_count_in_the_order_the_file_lists_them() {
        // Resolved and reopened in the same second: open at the end. The file
        // is out of order elsewhere, so it is sorted, and the sort keeps the
        // two in file order.
        let t = ticket(
            1,
            "acme",
            vec![
                created(nov(2, 9, 0), "ana"),
                time(nov(2, 11, 0), "ana", 5),
                reply(nov(2, 9, 30), "ana"),
                status(nov(2, 12, 0), "ana", "open", "resolved"),
                status(nov(2, 12, 0), "ana", "resolved", "open"),
            ],
        );
        let r = report(&[t], &config(), november(), None, now());
        assert_eq!(
            (r.totals.resolved, r.totals.reopened, r.totals.open_at_end),
            (1, 1, 1)
        );
    }

    #[test]
    fn under_owner_totals_count_every_resolution_of_their_tickets() {
        // ana passes T2 to ben, who resolves it: ana's row has no
        // resolution, the totals of her tickets have one.
        let r = report(&desk(), &config(), november(), Some("ana"), now());
        assert_eq!(r.people[0].resolved, 3);
        assert_eq!(
            r.totals.resolved, 5,
            "T1, T2 (by ben), T3 (by cora), T4 twice"
        );
    }

    #[test]
    fn a_pending_first_reply_is_not_yet_judged() {
        // Created 20 minutes before "now", no reply yet: neither met nor missed.
        let t = ticket(8, "x", vec![created(nov(20, 11, 40), "ana")]);
        let r = report(&[t], &config(), november(), None, nov(20, 12, 0));
        assert_eq!(r.totals.first_response_met_pct, None);
        assert_eq!(r.totals.created, 1);
    }

    #[test]
    fn shuffled_events_count_as_if_in_order() {
        let mut shuffled = desk();
        shuffled[1].events.reverse();
        let r = report(&shuffled, &config(), november(), None, now());
        assert_eq!(
            r.totals,
            report(&desk(), &config(), november(), None, now()).totals
        );
    }

    #[test]
    fn malformed_events_count_for_nobody() {
        let mut no_score = rated(nov(3, 9, 0), 5);
        no_score.score = Some(9);
        let mut no_minutes = time(nov(3, 10, 0), "ana", 30);
        no_minutes.minutes = None;
        let mut anonymous = reply(nov(2, 9, 30), "ana");
        anonymous.by = String::new();
        let t = ticket(
            1,
            "acme",
            vec![
                created(nov(2, 9, 0), "ana"),
                anonymous,
                Event::new(nov(2, 10, 0), "ana", EventKind::Handoff).from("ana"),
                handoff(nov(2, 10, 5), "ana", "ana", ""),
                status(nov(2, 11, 0), "ana", "open", "exploded"),
                status(nov(2, 12, 0), "ana", "open", "resolved"),
                no_score,
                no_minutes,
            ],
        );
        let r = report(&[t], &config(), november(), None, now());
        let names: Vec<&str> = r.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["ana", "ben", "dan", "cora"], "nobody named \"\"");
        let ana = &r.people[0];
        assert_eq!(
            (ana.received, ana.passed, ana.resolved, ana.hours),
            (1, 0, 1, 0.0)
        );
        assert_eq!(ana.median_first_response_minutes, None);
        assert_eq!(
            (
                r.totals.fcr_pct,
                r.totals.csat_avg,
                r.totals.first_response_met_pct
            ),
            (Some(100.0), None, Some(0.0)),
            "a malformed hand-off is no hand-off, a bad score no rating, a reply by nobody no reply"
        );
    }

    mod random {
        use super::*;
        use proptest::prelude::*;

        /// The team, and eve, who has left it but still acts in old histories.
        const PEOPLE: [&str; 5] = ["ana", "ben", "dan", "cora", "eve"];
        const STATUSES: [&str; 4] = ["open", "waiting", "resolved", "closed"];
        const CUSTOMERS: [&str; 3] = ["acme", "globex", ""];

        /// The start of the span every history and period falls in.
        fn origin() -> DateTime<Utc> {
            at(9, 1, 0, 0)
        }

        /// One event after the one before: minutes later, which kind, two
        /// people and a status (or score) to use.
        type Step = (i64, u8, usize, usize, usize);

        /// When a ticket was created, for whom and which customer, the
        /// events that followed, and whether they are out of order.
        type History = (i64, usize, usize, Vec<Step>, bool);

        fn step() -> impl Strategy<Value = Step> {
            (
                0i64..3000,
                0u8..7,
                0..PEOPLE.len(),
                0..PEOPLE.len(),
                0..STATUSES.len(),
            )
        }

        /// A history of any shape, created at any time from September to
        /// December; now and then with its events shuffled, as a hand edit
        /// might leave them.
        fn history() -> impl Strategy<Value = History> {
            (
                0i64..150_000,
                0..PEOPLE.len(),
                0..CUSTOMERS.len(),
                proptest::collection::vec(step(), 0..10),
                proptest::bool::weighted(0.1),
            )
        }

        fn build(n: usize, (start, owner, customer, steps, shuffled): &History) -> Ticket {
            let mut t = origin() + Duration::minutes(*start);
            let mut events = vec![created(t, PEOPLE[*owner])];
            for &(gap, kind, a, b, s) in steps {
                t += Duration::minutes(gap);
                let (a, b) = (PEOPLE[a], PEOPLE[b]);
                events.push(match kind {
                    0 => handoff(t, a, a, b),
                    1 => escalated(t, a, b),
                    2 => status(t, a, STATUSES[(s + 1) % STATUSES.len()], STATUSES[s]),
                    3 => reply(t, a),
                    4 => rated(t, s as u8 + 1),
                    5 => time(t, a, gap as u32 % 240),
                    _ => Event::new(t, a, EventKind::Note).text("x"),
                });
            }
            if *shuffled {
                events.reverse();
            }
            ticket(n as u128, CUSTOMERS[*customer], events)
        }

        proptest! {
            /// The report reads only tickets that `may_count` lets through;
            /// the ones it leaves out would not have changed a figure, and
            /// every one it lets through is in its [`scope`]. The
            /// period starts or ends on a day, or exactly at an event, where
            /// an off-by-one would show.
            #[test]
            fn tickets_that_may_not_count_change_nothing(
                histories in proptest::collection::vec(history(), 0..8),
                since_day in 0i64..120,
                since_event in proptest::option::of(any::<proptest::sample::Index>()),
                days in 1i64..45,
                until_event in proptest::option::of(any::<proptest::sample::Index>()),
                now in 0i64..200_000,
                owner in proptest::option::of(0..PEOPLE.len()),
            ) {
                let tickets: Vec<Ticket> = histories.iter().enumerate().map(|(n, h)| build(n, h)).collect();
                let times: Vec<DateTime<Utc>> =
                    tickets.iter().flat_map(|t| t.events.iter().map(|e| e.at)).collect();
                let event = |i: Option<proptest::sample::Index>| {
                    i.filter(|_| !times.is_empty()).map(|i| *i.get(&times))
                };
                let since = event(since_event).unwrap_or(origin() + Duration::days(since_day));
                let until = event(until_event)
                    .filter(|&t| t > since)
                    .unwrap_or(since + Duration::days(days));
                let period = Period { since, until };
                let now = origin() + Duration::minutes(now);
                let owner = owner.map(|o| PEOPLE[o]);
                let counted: Vec<Ticket> = tickets
                    .iter()
                    .filter(|t| may_count(&Summary::of(t), period))
                    .cloned()
                    .collect();
                // What may count is in the scope the store decodes for it.
                for t in &tickets {
                    let s = Summary::of(t);
                    prop_assert!(!may_count(&s, period) || scope(period).holds(&s));
                }
                prop_assert_eq!(
                    report(&tickets, &config(), period, owner, now),
                    report(&counted, &config(), period, owner, now)
                );
            }
        }
    }

    #[test]
    fn the_cost_of_the_question_counts_asks_answered() {
        // The worked example of docs/metrics.md, "Cost of the question".
        let customer = |t: DateTime<Utc>| Event::new(t, "baton", EventKind::Customer).text("here");
        let mut q1 = ticket(
            101,
            "acme",
            vec![
                created(nov(2, 9, 0), "ana"),
                reply(nov(2, 9, 30), "ana"),
                status(nov(2, 9, 31), "ana", "open", "waiting"),
                customer(nov(2, 12, 0)),
                reply(nov(2, 13, 0), "ana"),
                status(nov(2, 13, 1), "ana", "open", "waiting"),
                customer(nov(3, 9, 0)),
                status(nov(3, 10, 0), "ana", "open", "resolved"),
            ],
        );
        q1.tags = vec!["mobile".into()];
        let mut q2 = ticket(
            102,
            "acme",
            vec![
                created(nov(5, 9, 0), "ana"),
                reply(nov(5, 10, 0), "ana"),
                reply(nov(5, 10, 15), "ana"),
                status(nov(5, 10, 16), "ana", "open", "waiting"),
                customer(nov(5, 11, 15)),
            ],
        );
        q2.tags = vec!["billing".into(), "mobile".into()];
        let q3 = ticket(
            103,
            "globex",
            vec![
                created(nov(6, 9, 0), "ana"),
                reply(nov(6, 9, 10), "ana"),
                customer(nov(6, 9, 40)),
                reply(nov(30, 20, 0), "ana"),
                status(nov(30, 20, 1), "ana", "open", "waiting"),
                customer(at(12, 1, 8, 0)),
            ],
        );
        let row = |name: &str, round_trips, hours| QuestionFigures {
            name: name.into(),
            round_trips,
            hours,
        };
        let r = report(
            &[q1, q2, q3.clone()],
            &config(),
            november(),
            None,
            at(12, 5, 12, 0),
        );
        assert_eq!(r.question_cost.customers, [row("acme", 3, 23.5)]);
        assert_eq!(
            r.question_cost.tags,
            [row("billing", 1, 1.0), row("mobile", 3, 23.5)]
        );
        // Q3's second ask is December's.
        let december = Period {
            since: at(12, 1, 0, 0),
            until: Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
        };
        let r = report(&[q3], &config(), december, None, at(12, 5, 12, 0));
        assert_eq!(r.question_cost.customers, [row("globex", 1, 12.0)]);
        assert_eq!(r.question_cost.tags, [row("-", 1, 12.0)]);
    }
}
