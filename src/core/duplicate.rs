//! Duplicates merged: `baton merge DUP INTO` closes DUP as a duplicate of
//! INTO, both histories kept and each pointing at the other (a `merged` event
//! on each). Mail answering DUP's thread follows the pointer to INTO (see
//! [`follow`]); DUP's customer becomes one of INTO's customers, recorded in
//! INTO's `merged` event (`customer`), since a ticket's `customer` field holds
//! one address. An undo of either `merged` event undoes both.

use uuid::Uuid;

use super::action;
use super::ticket::{Event, EventKind, Ticket, View};
use crate::error::{Error, Kind};

/// The key of the `merged` event on the ticket that took a duplicate in,
/// holding the duplicate's customer.
pub const CUSTOMER_KEY: &str = "customer";

/// The most pointers [`follow`] walks: a chain of merges longer than this is
/// a loop (two clones that merged each ticket into the other).
pub const MAX_HOPS: usize = 16;

/// The ticket this one was merged into, if a standing `merged` event says so
/// (the newest, should a hand edit have left several).
pub fn merged_into(t: &Ticket) -> Option<Uuid> {
    super::undo::standing(&t.events)
        .iter()
        .rev()
        .find_map(|e| match e.view() {
            Ok(View::Merged { into, .. }) => into,
            _ => None,
        })
}

/// Refuses to `verb` a duplicate while its merge stands: it would be a
/// second open ticket for one problem, and its customer's mail already goes
/// to the ticket it was merged into. The hint names the undo that lifts it.
pub fn require_not_merged(t: &Ticket, label: &str, verb: &str) -> Result<(), Error> {
    let Some(into) = merged_into(t) else {
        return Ok(());
    };
    let cancelled = super::undo::cancelled(&t.events);
    let place = (0..t.events.len())
        .rev()
        .find(|&i| {
            cancelled[i].is_none()
                && matches!(t.events[i].view(), Ok(View::Merged { into: Some(_), .. }))
        })
        .map_or(t.events.len(), |i| i + 1);
    let into = into.simple().to_string();
    Err(Error::new(format!(
        "cannot {verb} {label}: it was merged into {}",
        &into[..8]
    ))
    .kind(Kind::WrongStatus)
    .hint(format!(
        "work on {} instead, or undo the merge first with 'baton undo {label} --event {place}'",
        &into[..8]
    )))
}

/// The duplicates merged into this ticket and standing, oldest first.
pub fn duplicates(t: &Ticket) -> Vec<Uuid> {
    super::undo::standing(&t.events)
        .iter()
        .filter_map(|e| match e.view() {
            Ok(View::Merged { dup, .. }) => dup,
            _ => None,
        })
        .collect()
}

/// Everyone the ticket is for: its customer, then the customers of the
/// duplicates merged into it, each once (addresses compared without case).
pub fn customers(t: &Ticket) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let merged = super::undo::standing(&t.events);
    let extra = merged
        .iter()
        .filter(|e| matches!(e.view(), Ok(View::Merged { dup: Some(_), .. })))
        .filter_map(|e| e.extra.get(CUSTOMER_KEY).and_then(toml::Value::as_str));
    for c in std::iter::once(t.customer.as_str()).chain(extra) {
        let c = c.trim();
        if !c.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(c)) {
            out.push(c.to_string());
        }
    }
    out
}

/// Follows `merged` pointers from `start` to the ticket that holds the work
/// now: `next` gives the ticket a ticket was merged into. A loop, or a chain
/// longer than [`MAX_HOPS`], stops at the last ticket not seen before.
pub fn follow(start: Uuid, mut next: impl FnMut(Uuid) -> Option<Uuid>) -> Uuid {
    let mut seen = vec![start];
    let mut at = start;
    while seen.len() <= MAX_HOPS {
        match next(at) {
            Some(n) if !seen.contains(&n) => {
                seen.push(n);
                at = n;
            }
            _ => break,
        }
    }
    at
}

/// Merges `dup` into `into`: a `merged` event on each (`note` on both).
/// `dup_cx` and `into_cx` carry each ticket's label and event time. Refused
/// for a ticket into itself, a duplicate already merged, a ticket that
/// itself went into another (merge into that one), and for anyone who owns
/// neither ticket.
pub fn merge(
    dup: &mut Ticket,
    into: &mut Ticket,
    dup_cx: &action::Ctx,
    into_cx: &action::Ctx,
    note: Option<String>,
) -> Result<(), Error> {
    if dup.id == into.id {
        return Err(
            Error::usage(format!("cannot merge {} into itself", dup_cx.label))
                .hint("name the duplicate first, then the ticket it repeats"),
        );
    }
    if let Some(other) = merged_into(dup) {
        return Err(Error::new(format!(
            "{} was merged already, into {}",
            dup_cx.label,
            &other.to_string()[..8]
        ))
        .kind(Kind::WrongStatus)
        .hint(format!(
            "undo that merge first: 'baton undo {}'",
            dup_cx.label
        )));
    }
    if merged_into(into) == Some(dup.id) {
        return Err(Error::new(format!(
            "{} was merged into {} already",
            into_cx.label, dup_cx.label
        ))
        .kind(Kind::WrongStatus)
        .hint(format!(
            "to turn it round, undo that merge first: 'baton undo {}'",
            into_cx.label
        )));
    }
    if let Some(further) = merged_into(into) {
        let further = &further.to_string()[..8];
        return Err(Error::new(format!(
            "{} is itself a duplicate, merged into {further}",
            into_cx.label
        ))
        .kind(Kind::WrongStatus)
        .hint(format!("baton merge {} {further}", dup_cx.label)));
    }
    let actor = dup_cx.actor;
    if dup.owner != actor && into.owner != actor {
        return Err(Error::new(format!(
            "only the owner of {} ({}) or of {} ({}) can merge them",
            dup_cx.label, dup.owner, into_cx.label, into.owner
        ))
        .kind(Kind::NotOwner)
        .hint(format!(
            "run 'baton take {}' first to make it yours",
            dup_cx.label
        )));
    }
    dup.record(
        Event::new(dup_cx.now, actor, EventKind::Merged)
            .to(into.id.to_string())
            .note(note.clone()),
    );
    let mut took = Event::new(into_cx.now, actor, EventKind::Merged)
        .from(dup.id.to_string())
        .note(note);
    let known = customers(into);
    let customer = dup.customer.trim();
    if !customer.is_empty() && !known.iter().any(|k| k.eq_ignore_ascii_case(customer)) {
        took.extra.insert(
            CUSTOMER_KEY.into(),
            toml::Value::String(customer.to_string()),
        );
    }
    into.record(took);
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::config::Config;
    use crate::core::ticket::Status;
    use chrono::{DateTime, TimeZone, Utc};

    /// 2 November 2026 at `h` o'clock.
    pub(crate) fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, h, 0, 0).unwrap()
    }

    /// ana (level 1) and ben (level 2).
    pub(crate) fn config() -> Config {
        Config::parse(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[[people]]\nname = \"ben\"\nlevel = 2\n",
        )
        .unwrap()
    }

    /// A ticket `owner` opened at 1:00 for `customer`, its id `id`.
    pub(crate) fn ticket(id: u128, owner: &str, customer: &str) -> Ticket {
        let config = config();
        let cx = action::Ctx {
            actor: owner,
            now: at(1),
            config: &config,
            label: "x",
        };
        let draft = action::Draft {
            title: "Login fails".into(),
            customer: customer.into(),
            ..Default::default()
        };
        action::create(&cx, Uuid::from_u128(id), draft).unwrap()
    }

    fn merge_as(who: &str, dup: &mut Ticket, into: &mut Ticket) -> Result<(), Error> {
        let config = config();
        let cx = |label| action::Ctx {
            actor: who,
            now: at(2),
            config: &config,
            label,
        };
        merge(dup, into, &cx("dup"), &cx("into"), None)
    }

    #[test]
    fn a_merged_duplicate_is_closed_and_both_point_at_each_other() {
        let (mut dup, mut into) = (ticket(1, "ana", "eva@x.org"), ticket(2, "ben", "jan@x.org"));
        merge_as("ana", &mut dup, &mut into).unwrap();
        assert_eq!(dup.status, Status::Closed);
        assert_eq!(into.status, Status::Open);
        assert_eq!(merged_into(&dup), Some(into.id));
        assert_eq!(duplicates(&into), [dup.id]);
        assert_eq!(customers(&into), ["jan@x.org", "eva@x.org"]);
    }

    #[test]
    fn the_same_customer_is_listed_once() {
        let (mut dup, mut into) = (ticket(1, "ana", "JAN@x.org"), ticket(2, "ben", "jan@x.org"));
        merge_as("ana", &mut dup, &mut into).unwrap();
        assert_eq!(customers(&into), ["jan@x.org"]);
        assert!(!into.events.last().unwrap().extra.contains_key(CUSTOMER_KEY));
    }

    #[test]
    fn merges_that_would_lose_the_way_are_refused() {
        let (mut a, mut b, mut c) = (
            ticket(1, "ana", ""),
            ticket(2, "ana", ""),
            ticket(3, "ana", ""),
        );
        let e = merge_as("ana", &mut a.clone(), &mut a).unwrap_err();
        assert!(e.message.contains("into itself"), "{}", e.message);
        merge_as("ana", &mut a, &mut b).unwrap();
        let e = merge_as("ana", &mut a, &mut c).unwrap_err();
        assert!(e.message.contains("merged already"), "{}", e.message);
        let e = merge_as("ana", &mut c, &mut a).unwrap_err();
        assert!(e.message.contains("is itself a duplicate"), "{}", e.message);
        let e = merge_as("ben", &mut c, &mut b).unwrap_err();
        assert_eq!(e.kind, Kind::NotOwner);
    }

    #[test]
    fn following_stops_at_the_end_of_a_chain_and_in_a_loop() {
        let id = Uuid::from_u128;
        let chain = |n: Uuid| (n.as_u128() < 4).then(|| id(n.as_u128() + 1));
        assert_eq!(follow(id(1), chain), id(4));
        let looped = |n: Uuid| Some(id(3 - n.as_u128()));
        assert_eq!(follow(id(1), looped), id(2));
        assert_eq!(follow(id(9), |_| None), id(9));
    }

    #[test]
    fn undoing_the_merge_reopens_the_duplicate_and_drops_its_customer() {
        let (mut dup, mut into) = (ticket(1, "ana", "eva@x.org"), ticket(2, "ben", "jan@x.org"));
        merge_as("ana", &mut dup, &mut into).unwrap();
        let config = config();
        let cx = |label| action::Ctx {
            actor: "ana",
            now: at(3),
            config: &config,
            label,
        };
        let done = super::super::undo::undo(&mut dup, &cx("dup"), 1).unwrap();
        assert_eq!(done.partner, Some(into.id));
        super::super::undo::undo(&mut into, &cx("into"), 1).unwrap();
        assert_eq!((dup.status, merged_into(&dup)), (Status::Open, None));
        assert_eq!(customers(&into), ["jan@x.org"]);
    }
}
