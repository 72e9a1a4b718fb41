//! Property tests that feed the readers arbitrary input: nothing panics, and
//! whatever a reader accepts is written back to text it reads the same.

use proptest::prelude::*;

use super::config::Config;
use super::merge::merge;
use super::ticket::{Event, EventKind, Extra, Priority, Status, Ticket};

const VALID: &str = r#"id = "0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84"
title = "Refund"
status = "open"
owner = "ana"
customer = "jan@example.com"
priority = "high"
tags = ["billing"]
created = 2026-11-02T08:00:00Z
updated = 2026-11-02T09:00:00Z

[[events]]
at = 2026-11-02T08:00:00Z
by = "ana"
kind = "created"
to = "ana"

[[events]]
at = 2026-11-02T09:00:00Z
by = "ana"
kind = "rated"
score = 4
"#;

const CONFIG: &str = "[[people]]\nname = \"ana\"\nlevel = 1\nemail = \"a@x\"\n\n\
                      [escalation]\nafter = \"20h\"\nto = \"top\"\n\n[sla]\nfirst_response = \"1h\"\n";

/// The text with one of a few byte-level mutations applied at `at`.
fn mutate(text: &str, at: usize, what: u8, byte: u8) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    let at = at % (bytes.len() + 1);
    match what % 4 {
        0 if at < bytes.len() => bytes[at] = byte,
        1 => bytes.insert(at, byte),
        2 if at < bytes.len() => {
            bytes.remove(at);
        }
        _ => bytes.truncate(at),
    }
    bytes
}

/// A ticket the reader accepted must survive a write and a read unchanged.
fn round_trips(t: &Ticket) -> Result<(), TestCaseError> {
    let text = t.to_toml();
    let again = Ticket::parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    // NaN never equals itself; compare the text instead.
    prop_assert_eq!(again.to_toml(), text);
    Ok(())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".*",
        "[a-z ]{0,12}",
        Just("\u{1b}]0;x\u{7}\r\n\u{202e}\0".to_string()),
    ]
}

fn any_event() -> impl Strategy<Value = Event> {
    (
        0i64..100_000_000,
        "[a-z]{1,8}",
        prop_oneof![
            Just(EventKind::Created),
            Just(EventKind::Handoff),
            Just(EventKind::Status),
            Just(EventKind::Note),
            Just(EventKind::Rated),
            Just(EventKind::Time),
            "[a-z_]{1,10}".prop_map(|k| EventKind::from(k.as_str())),
        ],
        proptest::option::of(any_text()),
        proptest::option::of(any::<u8>()),
        proptest::option::of(any::<u32>()),
        proptest::option::of("[a-z]{1,6}"),
        proptest::option::of(any_text()),
        proptest::option::of("[a-z.@]{1,12}"),
    )
        .prop_map(
            |(secs, by, kind, text, score, minutes, to, message_id, ack)| {
                let at = chrono::DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap();
                let mut e = Event::new(at, &by, kind);
                e.text = text;
                e.score = score;
                e.minutes = minutes;
                e.to = to;
                e.message_id = message_id;
                e.ack = ack;
                e
            },
        )
}

fn any_ticket() -> impl Strategy<Value = Ticket> {
    (
        any::<u128>(),
        any_text(),
        any_text(),
        any_text(),
        proptest::collection::vec("[a-z-]{1,8}", 0..3),
        proptest::collection::vec(any_event(), 1..6),
        proptest::option::of(("[a-z_]{1,8}", any::<i64>())),
    )
        .prop_map(|(id, title, customer, description, tags, events, extra)| {
            let mut t = Ticket {
                id: uuid::Uuid::from_u128(id),
                title,
                status: Status::Open,
                owner: String::new(),
                customer,
                priority: Priority::Urgent,
                tags,
                created: events[0].at,
                updated: events[0].at,
                escalated: 0,
                description,
                extra: Extra::new(),
                events,
            };
            if let Some((k, v)) = extra {
                t.extra.insert(format!("x_{k}"), toml::Value::Integer(v));
            }
            t.sync_state();
            t
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_ticket_reader_survives_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(t) = Ticket::parse(&String::from_utf8_lossy(&bytes)) {
            round_trips(&t)?;
        }
    }

    #[test]
    fn the_ticket_reader_survives_mutated_tickets(at in any::<usize>(), what in any::<u8>(), byte in any::<u8>()) {
        let bytes = mutate(VALID, at, what, byte);
        if let Ok(text) = String::from_utf8(bytes)
            && let Ok(t) = Ticket::parse(&text)
        {
            round_trips(&t)?;
        }
    }

    #[test]
    fn every_structured_ticket_reads_back_the_same(t in any_ticket()) {
        let text = t.to_toml();
        let again = Ticket::parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(again, t);
    }

    #[test]
    fn the_config_reader_survives_arbitrary_and_mutated_text(
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
        at in any::<usize>(), what in any::<u8>(), byte in any::<u8>(),
    ) {
        let _ = Config::parse(&String::from_utf8_lossy(&bytes));
        if let Ok(text) = String::from_utf8(mutate(CONFIG, at, what, byte)) {
            let _ = Config::parse(&text);
        }
    }

    #[test]
    fn the_merge_driver_survives_what_the_reader_accepts(
        base in any_ticket(), ours in any_ticket(), theirs in any_ticket(),
        at in any::<usize>(), what in any::<u8>(), byte in any::<u8>(),
    ) {
        // Arbitrary tickets, even with different ids or histories, and a
        // mutated file on one side: an answer or an error, never a panic, and
        // an answer reads back the same.
        if let Ok(m) = merge(Some(&base), &ours, &theirs) {
            round_trips(&m)?;
        }
        if let Ok(text) = String::from_utf8(mutate(VALID, at, what, byte))
            && let Ok(mutated) = Ticket::parse(&text)
        {
            let valid = Ticket::parse(VALID).unwrap();
            if let Ok(m) = merge(Some(&valid), &mutated, &valid) {
                round_trips(&m)?;
            }
        }
    }
}
