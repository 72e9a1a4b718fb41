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
use super::ticket::{Event, EventKind, Priority, Status, Ticket};
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
    /// Whether a message to the customer bounced and nothing reached them
    /// since ([`delivery_failed`]).
    pub delivery_failed: bool,
    /// When the waiting ticket comes back to open (`wait --until`; see
    /// [`super::reminder::pending`]).
    #[serde(with = "compact_opt")]
    pub waiting_until: Option<DateTime<Utc>>,
}

/// An optional time as [`compact`] keeps one.
mod compact_opt {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error};

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        t.map(|t| (t.timestamp(), t.timestamp_subsec_nanos()))
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match <Option<(i64, u32)>>::deserialize(d)? {
            None => Ok(None),
            Some((secs, nanos)) => DateTime::from_timestamp(secs, nanos)
                .map(Some)
                .ok_or_else(|| D::Error::custom("time out of range")),
        }
    }
}

/// Whether the customer did not get the word: a `delivery-failed` event
/// (a bounce of the ticket's mail) that no later `customer` message (they
/// wrote, so mail reaches them) or `reply` (the team wrote again, which
/// bounces anew if the address is still wrong) came after, in time order.
pub fn delivery_failed(events: &[Event]) -> bool {
    let mut order: Vec<&Event> = events.iter().collect();
    order.sort_by_key(|e| e.at);
    order
        .iter()
        .rev()
        .find_map(|e| match e.kind {
            EventKind::DeliveryFailed => Some(true),
            EventKind::Customer | EventKind::Reply => Some(false),
            _ => None,
        })
        .unwrap_or(false)
}

/// Which summaries a command needs: the store decodes only these, and
/// every command that names a narrower scope than [`Scope::All`] must
/// decide from them exactly what it would decide from all (each scope is
/// defined beside the rule it serves: [`super::query::Filter::scope`],
/// [`super::survey::scope`], [`super::metrics::scope`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    /// Only [`Summary::live`] tickets.
    Live,
    /// Live tickets and every ticket with an event at or after the time.
    LiveOrSince(DateTime<Utc>),
}

impl Scope {
    /// Whether a ticket is in the scope, from what the cache keeps of it
    /// beside its summary: whether it is live, and its latest event.
    pub fn wants(self, live: bool, last_event: DateTime<Utc>) -> bool {
        match self {
            Scope::All => true,
            Scope::Live => live,
            Scope::LiveOrSince(since) => live || last_event >= since,
        }
    }

    /// Whether a summary is in the scope.
    pub fn holds(self, s: &Summary) -> bool {
        self.wants(s.live(), s.last_event)
    }
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
            delivery_failed: delivery_failed(&t.events),
            waiting_until: super::reminder::until_of(t),
        }
    }

    /// Whether anything about the ticket still runs: its status is open or
    /// waiting, its history replays to open or waiting, its escalation
    /// clock runs, or it holds an open promise or a wait with a time. The
    /// queue, the owners' loads and the sweep act only on such tickets, so
    /// they need no other summary ([`Scope::Live`]).
    pub fn live(&self) -> bool {
        self.status.is_active()
            || self.ends_active
            || self.clock.as_ref().is_some_and(Clock::runs)
            || self.promise.is_some()
            || self.waiting_until.is_some()
    }

    /// The ticket's deadline; the same as [`super::clock::deadline`] on the ticket.
    pub fn deadline(&self, config: &Config, now: DateTime<Utc>) -> Option<Deadline> {
        let rule = super::clock::rule(config, self.priority, &self.customer);
        self.clock
            .as_ref()?
            .deadline(&self.owner, &rule, config, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn a_bounce_stands_until_the_customer_or_the_team_writes_again() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap();
        let at = |kind: EventKind, minutes: i64| {
            Event::new(t0 + Duration::minutes(minutes), "baton", kind)
        };
        use EventKind::*;
        let cases: [(&[(EventKind, i64)], bool); 7] = [
            (&[(Created, 0)], false),
            (&[(Created, 0), (Reply, 1), (DeliveryFailed, 2)], true),
            (&[(Created, 0), (DeliveryFailed, 2), (Note, 3)], true),
            (&[(Created, 0), (DeliveryFailed, 2), (Customer, 3)], false),
            (&[(Created, 0), (DeliveryFailed, 2), (Reply, 3)], false),
            (
                &[
                    (Created, 0),
                    (DeliveryFailed, 2),
                    (Reply, 3),
                    (DeliveryFailed, 4),
                ],
                true,
            ),
            // Time decides, not the place in the file (a merge may append
            // an older event).
            (&[(Created, 0), (DeliveryFailed, 5), (Customer, 3)], true),
        ];
        for (events, want) in cases {
            let events: Vec<Event> = events.iter().map(|(k, m)| at(k.clone(), *m)).collect();
            let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
            assert_eq!(delivery_failed(&events), want, "{kinds:?}");
        }
    }
}
