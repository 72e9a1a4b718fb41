//! What listings, the sweep and the report's selection need to know of a
//! ticket, without the text of its history: small enough to cache for a whole
//! store and to hold in memory for 100,000 tickets.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::clock::{Clock, Deadline};
use super::config::Config;
use super::promise::Promise;
use super::replay::replay;
use super::ticket::{Priority, Status, Ticket};
use super::time::compact;

/// A ticket's fields as listings show them, its escalation clock, and the
/// span of its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub id: Uuid,
    pub title: String,
    pub status: Status,
    pub owner: String,
    pub customer: String,
    pub priority: Priority,
    pub tags: Vec<String>,
    #[serde(with = "compact")]
    pub created: DateTime<Utc>,
    #[serde(with = "compact")]
    pub updated: DateTime<Utc>,
    /// The clock of the current open period, from the events.
    pub clock: Option<Clock>,
    /// The earliest and the latest event time.
    #[serde(with = "compact")]
    pub first_event: DateTime<Utc>,
    #[serde(with = "compact")]
    pub last_event: DateTime<Utc>,
    /// Whether replaying the events in time order ends open or waiting.
    pub ends_active: bool,
    /// The open promise to the customer (see [`super::promise::open`]).
    #[serde(default)]
    pub promise: Option<Promise>,
}

impl Summary {
    /// Summarises a ticket.
    pub fn of(t: &Ticket) -> Summary {
        let first_event = t.events.iter().map(|e| e.at).min().unwrap_or(t.created);
        let last_event = t.events.iter().map(|e| e.at).max().unwrap_or(t.updated);
        let ends_active = if t.events.is_sorted_by_key(|e| e.at) {
            replay(&t.events)
        } else {
            let mut sorted = t.events.clone();
            sorted.sort_by_key(|e| e.at);
            replay(&sorted)
        }
        .is_some_and(|s| s.status.is_active());
        Summary {
            id: t.id,
            title: t.title.clone(),
            status: t.status,
            owner: t.owner.clone(),
            customer: t.customer.clone(),
            priority: t.priority,
            tags: t.tags.clone(),
            created: t.created,
            updated: t.updated,
            clock: Clock::of(&t.events),
            first_event,
            last_event,
            ends_active,
            promise: super::promise::open(&t.events),
        }
    }

    /// The ticket's deadline; the same as [`super::clock::deadline`] on the ticket.
    pub fn deadline(&self, config: &Config, now: DateTime<Utc>) -> Option<Deadline> {
        let rule = super::clock::rule(config, self.priority, &self.customer);
        self.clock
            .as_ref()?
            .deadline(&self.owner, &rule, config, now)
    }
}
