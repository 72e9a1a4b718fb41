//! Which tickets `list` shows and in what order.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::clock::Deadline;
use super::config::Config;
use super::summary::{Scope, Summary};
use super::ticket::{Priority, Status};

/// The order of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Sort {
    /// Soonest deadline first; paused, then resolved and closed tickets last.
    #[default]
    Due,
    /// Most recently changed first.
    Updated,
    /// Most urgent first, then by deadline.
    Priority,
}

/// A span of time, open at either end: from the first instant (included)
/// to the second (left out).
pub type Bounds = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// A person asked for by name, with the names they had before a rename: a
/// ticket that a clone gave the old name before it knew of the rename (its
/// file still says the old name) is theirs too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub formerly: Vec<String>,
}

impl Person {
    /// `name` (a name in use) and its old names in `config`.
    pub fn of(config: &Config, name: &str) -> Person {
        Person {
            name: name.to_string(),
            formerly: config
                .former_names(name)
                .into_iter()
                .map(str::to_string)
                .collect(),
        }
    }

    /// Whether a ticket whose file names `owner` is this person's.
    pub fn owns(&self, owner: &str) -> bool {
        owner == self.name || self.formerly.iter().any(|f| f == owner)
    }
}

impl From<&str> for Person {
    /// Someone never renamed.
    fn from(name: &str) -> Person {
        Person {
            name: name.to_string(),
            formerly: Vec::new(),
        }
    }
}

/// A filter over tickets; empty fields match everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Opened at or after the first instant, and before the second.
    pub opened: Bounds,
    pub owner: Option<Person>,
    pub statuses: Vec<Status>,
    pub customer: Option<String>,
    pub tags: Vec<String>,
    /// Only these priorities (any when empty).
    pub priorities: Vec<Priority>,
    pub overdue: bool,
    /// Include resolved and closed tickets when no status is named.
    pub all: bool,
}

impl Filter {
    /// The summaries [`Filter::matches`] can accept: without `all`, or with
    /// only open and waiting statuses named, no ticket that is not live.
    pub fn scope(&self) -> Scope {
        let only_active = if self.statuses.is_empty() {
            !self.all
        } else {
            self.statuses.iter().all(|s| s.is_active())
        };
        if only_active { Scope::Live } else { Scope::All }
    }

    pub fn matches(&self, t: &Summary, due: Option<&Deadline>, now: DateTime<Utc>) -> bool {
        let status_ok = if self.statuses.is_empty() {
            self.all || t.status.is_active()
        } else {
            self.statuses.contains(&t.status)
        };
        status_ok
            && self.owner.as_ref().is_none_or(|o| o.owns(&t.owner))
            && self
                .customer
                .as_ref()
                .is_none_or(|c| t.customer.to_lowercase().contains(&c.to_lowercase()))
            && self.tags.iter().all(|tag| t.tags.contains(tag))
            && (self.priorities.is_empty() || self.priorities.contains(&t.priority))
            && (!self.overdue || due.is_some_and(|d| d.is_overdue(now)))
            && self.opened.0.is_none_or(|from| t.created >= from)
            && self.opened.1.is_none_or(|to| t.created < to)
    }
}

/// How many open or waiting tickets each person owns: the load that decides
/// who receives an escalation and what `people` and the `pass` prompt show.
pub fn open_load(tickets: &[Summary]) -> BTreeMap<String, usize> {
    let mut load = BTreeMap::new();
    for t in tickets.iter().filter(|t| t.status.is_active()) {
        *load.entry(t.owner.clone()).or_insert(0) += 1;
    }
    load
}

/// A ticket with its deadline and shortest unique id, as listings carry them.
pub struct Row<'a> {
    pub ticket: &'a Summary,
    pub due: Option<Deadline>,
    pub short: String,
}

fn by_due(a: &Row, b: &Row, now: DateTime<Utc>) -> Ordering {
    // Running or breached clocks first (soonest first), then paused ones, then no clock.
    let key = |r: &Row| match &r.due {
        Some(d) if !d.paused || d.is_overdue(now) => (0, Some(d.at)),
        Some(d) => (1, Some(d.at)),
        None => (2, None),
    };
    key(a).cmp(&key(b))
}

/// How close to its deadline a running clock counts as about to breach,
/// for the team part of the queue bare `baton` shows.
pub const SOON: chrono::Duration = chrono::Duration::hours(4);

/// Whether a ticket's running clock is past its deadline or within
/// [`SOON`] of it (a paused clock is not about to breach).
pub fn about_to_breach(due: Option<&Deadline>, now: DateTime<Utc>) -> bool {
    due.is_some_and(|d| d.is_overdue(now) || (!d.paused && d.remaining(now) <= SOON))
}

/// Sorts rows; ties fall back to creation time, then id, so output is stable.
pub fn sort(rows: &mut [Row], order: Sort, now: DateTime<Utc>) {
    rows.sort_by(|a, b| {
        let primary = match order {
            // Equal deadlines: the more urgent first.
            Sort::Due => by_due(a, b, now).then_with(|| b.ticket.priority.cmp(&a.ticket.priority)),
            Sort::Updated => b.ticket.updated.cmp(&a.ticket.updated),
            Sort::Priority => b
                .ticket
                .priority
                .cmp(&a.ticket.priority)
                .then_with(|| by_due(a, b, now)),
        };
        primary
            .then_with(|| a.ticket.created.cmp(&b.ticket.created))
            .then_with(|| a.ticket.id.cmp(&b.ticket.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ticket::Ticket;

    /// Every ticket a filter matches is in the filter's scope, for every
    /// status and every choice of statuses named, so listing from the
    /// scope's summaries lists the same tickets.
    #[test]
    fn a_filter_matches_only_tickets_in_its_scope() {
        let base = Summary::of(
            &Ticket::parse(
                "id = \"0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84\"\ntitle = \"Refund\"\nstatus = \"open\"\n\
                 owner = \"ben\"\ncustomer = \"jan@example.com\"\npriority = \"normal\"\ntags = []\n\
                 created = 2026-11-20T09:14:00Z\nupdated = 2026-11-20T09:14:00Z\n\n\
                 [[events]]\nat = 2026-11-20T09:14:00Z\nby = \"ana\"\nkind = \"created\"\nto = \"ben\"\n",
            )
            .unwrap(),
        );
        let statuses = [
            Status::Open,
            Status::Waiting,
            Status::Resolved,
            Status::Closed,
        ];
        let now = base.created;
        for status in statuses {
            let t = Summary {
                status,
                ends_active: false,
                clock: None,
                promise: None,
                waiting_until: None,
                ..base.clone()
            };
            for all in [false, true] {
                for named in 0..16u8 {
                    let filter = Filter {
                        statuses: (0..4)
                            .filter(|i| named & (1 << i) != 0)
                            .map(|i| statuses[i])
                            .collect(),
                        all,
                        ..Filter::default()
                    };
                    if filter.matches(&t, None, now) {
                        assert!(filter.scope().holds(&t), "{status:?} {filter:?}");
                    }
                }
            }
        }
        let plain = Filter::default();
        assert_eq!(
            plain.scope(),
            Scope::Live,
            "the default listing is of live tickets"
        );
    }
}
