//! What `search` does with the tickets that mention every word: which of them
//! it keeps (`--owner`, `--status`) and the order it shows them in. Finding
//! the words is [`super::search`]'s; this belongs beside it, and sits apart
//! only while that file is being changed elsewhere.

use super::query::Person;
use super::search::Found;
use super::ticket::{Status, Ticket};

/// The tickets a search is narrowed to; empty fields keep every ticket.
#[derive(Debug, Clone, Default)]
pub struct Narrowed {
    pub owner: Option<Person>,
    pub statuses: Vec<Status>,
}

impl Narrowed {
    /// Whether the search keeps this ticket. Unlike `list`, a search looks
    /// in every status unless told otherwise.
    pub fn keeps(&self, t: &Ticket) -> bool {
        self.owner.as_ref().is_none_or(|o| o.owns(&t.owner))
            && (self.statuses.is_empty() || self.statuses.contains(&t.status))
    }
}

/// Sorts results newest change first; tickets changed at the same moment go
/// by id, so the order never depends on which file was read first.
pub fn sort(found: &mut [Found]) {
    found.sort_by(|a, b| (b.ticket.updated, a.ticket.id).cmp(&(a.ticket.updated, b.ticket.id)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::search::Hit;
    use chrono::{DateTime, TimeZone, Utc};
    use uuid::Uuid;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, hour, 0, 0).unwrap()
    }

    fn ticket(id: u128, owner: &str, status: Status, updated: u32) -> Ticket {
        Ticket {
            id: Uuid::from_u128(id),
            title: "x".into(),
            status,
            owner: owner.into(),
            customer: String::new(),
            priority: Default::default(),
            tags: vec![],
            created: at(0),
            updated: at(updated),
            escalated: 0,
            description: String::new(),
            extra: Default::default(),
            events: vec![],
        }
    }

    fn found(t: Ticket) -> Found {
        Found {
            short: String::new(),
            ticket: t,
            due: None,
            hit: Hit {
                field: "title".into(),
                snippet: "x".into(),
            },
        }
    }

    #[test]
    fn owner_and_statuses_narrow_and_nothing_named_keeps_every_status() {
        let ben_closed = ticket(1, "ben", Status::Closed, 1);
        let ana_open = ticket(2, "ana", Status::Open, 1);
        let cases = [
            (Narrowed::default(), [true, true]),
            (
                Narrowed {
                    owner: Some("ben".into()),
                    ..Narrowed::default()
                },
                [true, false],
            ),
            (
                Narrowed {
                    statuses: vec![Status::Open, Status::Waiting],
                    ..Narrowed::default()
                },
                [false, true],
            ),
            (
                Narrowed {
                    owner: Some("ben".into()),
                    statuses: vec![Status::Open],
                },
                [false, false],
            ),
        ];
        for (narrowed, kept) in cases {
            assert_eq!(
                [narrowed.keeps(&ben_closed), narrowed.keeps(&ana_open)],
                kept,
                "{narrowed:?}"
            );
        }
    }

    #[test]
    fn results_go_newest_change_first_then_by_id() {
        let mut results: Vec<Found> = [(3, 1), (1, 5), (2, 5), (4, 3)]
            .into_iter()
            .map(|(id, updated)| found(ticket(id, "ana", Status::Open, updated)))
            .collect();
        sort(&mut results);
        let order: Vec<u128> = results.iter().map(|f| f.ticket.id.as_u128()).collect();
        assert_eq!(order, [1, 2, 4, 3]);
    }
}
