//! Checklists in `show` and `baton found`: what is still missing of the
//! facts a ticket needs, and a fact marked found by hand.

use crate::common::TestEnv;

const CHECKLIST: &str = r#"
[checklist.default]
order = { ask = "your order number", pattern = '\b\d{5,}\b' }

[checklist.mobile]
device = { ask = "the phone model and app version", pattern = '(?i)\b(iphone|android|pixel)\b' }
screenshot = { ask = "a screenshot of the error" }
"#;

fn desk() -> TestEnv {
    let env = TestEnv::team();
    let config = env.store().join("baton.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(CHECKLIST);
    std::fs::write(&config, text).unwrap();
    env
}

#[test]
fn show_lists_the_missing_facts_until_they_are_found() {
    let env = desk();
    let id = env.new_ticket_with(
        "ana",
        "App crashes on my Pixel",
        &["--tag", "mobile", "--body", "Since the update."],
    );
    let out = env.baton(&["show", &id]);
    out.success();
    assert!(
        out.stdout
            .contains("missing   your order number, a screenshot of the error\n"),
        "{}",
        out.stdout
    );
    let doc = env.baton(&["show", &id, "--json"]).json();
    assert_eq!(
        doc["missing"],
        serde_json::json!([
            { "fact": "order", "ask": "your order number" },
            { "fact": "screenshot", "ask": "a screenshot of the error" },
        ])
    );

    let found = env.baton(&["--as", "ana", "found", &id, "order", "4471203"]);
    found.success();
    assert!(found.stdout.contains("order found"), "{}", found.stdout);
    let events = env.events(&id);
    let last = events.last().unwrap();
    assert_eq!(last["kind"].as_str(), Some("found"));
    assert_eq!(last["field"].as_str(), Some("order"));
    assert_eq!(last["text"].as_str(), Some("4471203"));
    let out = env.baton(&["show", &id]);
    assert!(
        out.stdout.contains("missing   a screenshot of the error\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("found order: 4471203"),
        "{}",
        out.stdout
    );

    // Twice is no change; the last fact found, the line goes.
    let again = env.baton(&["--as", "ana", "found", &id, "order"]);
    again.success();
    assert!(again.stdout.contains("already"), "{}", again.stdout);
    env.baton(&["--as", "ana", "found", &id, "screenshot"])
        .success();
    let out = env.baton(&["show", &id]);
    assert!(!out.stdout.contains("missing  "), "{}", out.stdout);
    assert_eq!(
        env.baton(&["show", &id, "--json"]).json()["missing"],
        serde_json::json!([])
    );
    // doctor takes the new kind as known.
    let doctor = env.baton(&["doctor"]);
    assert!(!doctor.stdout.contains("unknown kind"), "{}", doctor.stdout);
    assert!(!doctor.stderr.contains("unknown kind"), "{}", doctor.stderr);
}

#[test]
fn an_unknown_fact_names_the_checklist_and_the_closest() {
    let env = desk();
    let id = env.new_ticket_with("ana", "App crashes", &["--tag", "mobile"]);
    let out = env.baton(&["--as", "ana", "found", &id, "screnshot"]);
    out.code(2);
    assert!(
        out.stderr
            .contains("(its facts: order, device, screenshot)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean 'screenshot'?"),
        "{}",
        out.stderr
    );
    assert_eq!(env.events(&id).len(), 1, "nothing written");

    let plain = TestEnv::team();
    let id = plain.new_ticket("ana", "No checklist here");
    let out = plain.baton(&["--as", "ana", "found", &id, "order"]);
    out.code(2);
    assert!(out.stderr.contains("has no checklist"), "{}", out.stderr);
    let shown = plain.baton(&["show", &id]);
    assert!(!shown.stdout.contains("missing"), "{}", shown.stdout);
}
