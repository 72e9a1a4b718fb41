use crate::common::{ID_A, T0, TestEnv, at, event_kinds, keys};

/// A ticket with some history: created by ana at T0, passed to ben, replied to,
/// noted, re-prioritised and set waiting.
fn worked_ticket(env: &TestEnv) {
    env.set_now(&at(0, 0));
    env.new_ticket_pinned(
        "ana",
        "Refund not received",
        &[
            "--customer",
            "jan@example.com",
            "--body",
            "Charged twice for November.\nOrder 18823.",
            "--tag",
            "billing",
        ],
        ID_A,
    );
    env.set_now(&at(0, 20));
    env.baton_as(
        "ana",
        &["pass", "0b7c", "ben", "--note", "needs a refund approval"],
    )
    .success();
    env.set_now(&at(1, 5));
    env.baton_as(
        "ben",
        &[
            "reply",
            "0b7c",
            "Sorry about that.\nThe refund is on its way.",
        ],
    )
    .success();
    env.baton_as("ana", &["note", "0b7c", "Card ending 4421"])
        .success();
    env.set_now(&at(2, 0));
    env.baton_as("ben", &["edit", "0b7c", "--priority", "high"])
        .success();
    env.baton_as(
        "ben",
        &["wait", "0b7c", "--note", "asked for the bank statement"],
    )
    .success();
}

#[test]
fn show_prints_fields_deadline_and_history() {
    let env = TestEnv::team();
    worked_ticket(&env);
    env.set_now(&at(5, 0));
    let out = env.baton(&["show", "0b7c"]);
    insta::assert_snapshot!(out.render(), @r#"
        0b7c  Refund not received
        0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84

        status    waiting
        owner     ben
        customer  jan@example.com
        priority  high
        tags      billing
        created   2026-11-02 08:00
        updated   2026-11-02 10:00
        due       2026-11-03 07:00 (18h left, paused), 3h of waiting not counted

          Charged twice for November.
          Order 18823.

        History
          2026-11-02 08:00  ana  created it for ana
          2026-11-02 08:20  ana  passed it to ben: needs a refund approval
          2026-11-02 09:05  ben  replied to the customer (mail queued in the outbox)
              │ Sorry about that.
              │ The refund is on its way.
          2026-11-02 09:05  ana  noted
              │ Card ending 4421
          2026-11-02 10:00  ben  changed priority from "normal" to "high"
          2026-11-02 10:00  ben  open → waiting: asked for the bank statement
        [exit 0]
    "#);
}

#[test]
fn show_of_a_resolved_ticket_has_no_deadline() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Quick one", &[], ID_A);
    env.set_now(&at(1, 0));
    env.baton_as("ana", &["resolve", ID_A, "--note", "answered"])
        .success();
    let out = env.baton(&["show", ID_A]);
    insta::assert_snapshot!(out.render(), @r"
        0b7c  Quick one
        0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84

        status    resolved
        owner     ana
        customer  -
        priority  normal
        tags      -
        created   2026-11-02 08:00
        updated   2026-11-02 09:00
        due       none (not open)

        History
          2026-11-02 08:00  ana  created it for ana
          2026-11-02 09:00  ana  open → resolved: answered
        [exit 0]
    ");
}

#[test]
fn show_json_is_the_ticket_with_its_events() {
    let env = TestEnv::team();
    worked_ticket(&env);
    env.set_now(&at(5, 0));
    let out = env.baton(&["show", "0b7c", "--json"]);
    out.success();
    assert_eq!(out.stderr, "");
    let doc = out.json();
    assert_eq!(doc["id"], ID_A);
    assert_eq!(doc["short_id"], "0b7c");
    assert_eq!(doc["status"], "waiting");
    assert_eq!(doc["owner"], "ben");
    assert_eq!(doc["priority"], "high");
    assert_eq!(doc["created"], T0);
    assert_eq!(doc["updated"], at(2, 0));
    assert_eq!(
        doc["description"],
        "Charged twice for November.\nOrder 18823."
    );
    assert_eq!(doc["paused"], true);
    // 2h open so far; resumed now (T0+5h) it would be due 18h later.
    assert_eq!(doc["due"], at(23, 0));
    assert_eq!(
        event_kinds(&doc),
        ["created", "handoff", "reply", "note", "edited", "status"]
    );
    assert_eq!(
        doc["events"][1],
        serde_json::json!({
            "at": at(0, 20), "by": "ana", "kind": "handoff",
            "from": "ana", "to": "ben", "note": "needs a refund approval",
        })
    );
    // Each event carries exactly the keys its TOML table has, and a reply
    // how its mail fared (no [mail] send here: it waits in the outbox).
    assert_eq!(doc["events"][2]["delivery"], "queued");
    let file_events = env.events(ID_A);
    assert_eq!(file_events.len(), doc["events"].as_array().unwrap().len());
    for (file, json) in file_events.iter().zip(doc["events"].as_array().unwrap()) {
        let file_keys: Vec<String> = {
            let mut k: Vec<String> = file.keys().cloned().collect();
            k.sort();
            k
        };
        let json_keys: Vec<String> = keys(json).into_iter().filter(|k| k != "delivery").collect();
        assert_eq!(json_keys, file_keys);
    }
    assert_eq!(
        doc["events"][2]["text"],
        "Sorry about that.\nThe refund is on its way."
    );
    assert_eq!(
        doc["events"][4],
        serde_json::json!({
            "at": at(2, 0), "by": "ben", "kind": "edited",
            "field": "priority", "from": "normal", "to": "high",
        })
    );
}

#[test]
fn show_accepts_any_unique_prefix_form() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    env.new_ticket_pinned("ana", "Other", &[], "0b7d0000-0000-4000-8000-000000000000");
    for prefix in ["0b7c", "0B7C", " 0b7c6f ", "0b7c6f1e-5d", ID_A] {
        let out = env.baton(&["show", prefix, "--json"]);
        out.success();
        assert_eq!(out.json()["id"], ID_A, "{prefix:?}");
    }
}

#[test]
fn show_uses_the_local_time_zone_and_json_keeps_utc() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    // (TZ, how T0 is shown)
    for (tz, shown) in [
        ("UTC", "2026-11-02 08:00"),
        ("XYZ-2", "2026-11-02 10:00"),
        ("XYZ+5", "2026-11-02 03:00"),
    ] {
        let out = env.cmd(&["show", ID_A]).env("TZ", tz).run();
        out.success();
        assert!(
            out.stdout.contains(&format!("created   {shown}\n")),
            "{tz}: {}",
            out.stdout
        );
        let json = env.cmd(&["show", ID_A, "--json"]).env("TZ", tz).run();
        assert_eq!(json.json()["created"], T0, "{tz}");
    }
}

#[test]
fn the_id_forms_baton_mails_use_are_accepted_as_ids() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    // Customers are told "ticket #0b7c" and subjects carry "[#0b7c]": a
    // person pasting either gets the ticket.
    for typed in ["#0b7c", "[#0b7c]", "[#0B7C]"] {
        let out = env.baton(&["show", typed, "--json"]);
        out.success();
        assert_eq!(out.json()["id"], ID_A, "{typed}");
    }
    env.baton_as("ana", &["resolve", "[#0b7c]", "--note", "done"])
        .success();
    assert_eq!(env.field(ID_A, "status"), "resolved");
    let bad = env.baton(&["show", "##0b7c"]);
    bad.code(1);
    assert!(
        bad.stderr.contains("is not a ticket id"),
        "{}",
        bad.render()
    );
}

#[test]
fn show_sums_the_time_logged_per_person() {
    let env = crate::common::TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], crate::common::ID_A);
    let plain = env.baton(&["show", "0b7c"]);
    assert!(!plain.stdout.contains("logged "), "{}", plain.stdout);
    env.baton_as("ana", &["log", "0b7c", "30m"]).success();
    let one = env.baton(&["show", "0b7c"]);
    assert!(
        one.stdout.contains("\nlogged    ana 30m\n"),
        "{}",
        one.stdout
    );
    env.baton_as("ben", &["log", "0b7c", "2h"]).success();
    env.baton_as("ana", &["log", "0b7c", "1h"]).success();
    let out = env.baton(&["show", "0b7c"]);
    assert!(
        out.stdout
            .contains("\nlogged    3h30m (ben 2h, ana 1h30m)\n"),
        "{}",
        out.stdout
    );
}
