use crate::common::{ID_A, TestEnv, at, event_kinds};

#[test]
fn take_makes_the_ticket_yours_as_a_handoff() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    env.set_now(&at(1, 0));
    let out = env.baton_as("cora", &["take", "0b7c", "--note", "I know this printer"]);
    insta::assert_snapshot!(out.render(), @r"
        took 0b7c from ana: Printer on fire
        [exit 0]
    ");
    assert_eq!(env.field(ID_A, "owner"), "cora");
    assert_eq!(env.field(ID_A, "updated"), at(1, 0));
    let events = env.events(ID_A);
    assert_eq!(events.len(), 2);
    assert_eq!(
        env.last_event_text(ID_A),
        format!(
            "at = {}\nby = \"cora\"\nkind = \"handoff\"\nfrom = \"ana\"\nto = \"cora\"\nnote = \"I know this printer\"\n",
            at(1, 0)
        )
    );
}

#[test]
fn taking_your_own_ticket_changes_nothing() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    let before = env.store_bytes();
    env.set_now(&at(1, 0));
    let out = env.baton_as("ana", &["take", "0b7c"]);
    out.success();
    assert_eq!(out.stdout, "0b7c is already yours\n");
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn take_json_is_the_ticket_with_its_events() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    let out = env.baton_as("ben", &["take", "0b7c", "--json"]);
    out.success();
    let doc = out.json();
    assert_eq!(doc["owner"], "ben");
    assert_eq!(doc["short_id"], "0b7c");
    assert_eq!(event_kinds(&doc), ["created", "handoff"]);
    assert_eq!(doc["events"][1]["from"], "ana");
    assert_eq!(doc["events"][1]["to"], "ben");
    assert_eq!(doc["events"][1]["by"], "ben");
}

#[test]
fn take_of_a_resolved_or_closed_ticket_is_refused() {
    for status in ["resolve", "close"] {
        let env = TestEnv::team();
        env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
        env.baton_as("ana", &[status, ID_A]).success();
        let before = env.store_bytes();
        let out = env.baton_as("ben", &["take", "0b7c"]);
        out.code(1);
        let word = if status == "resolve" {
            "resolved"
        } else {
            "closed"
        };
        assert_eq!(
            out.stderr,
            format!(
                "error: cannot take 0b7c: it is {word}\nhint: reopen it first with 'baton reopen 0b7c'\n"
            )
        );
        assert_eq!(env.store_bytes(), before);
    }
}

#[test]
fn take_by_someone_off_the_team_is_refused() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    let before = env.store_bytes();
    let out = env.baton_as("zed", &["take", "0b7c"]);
    out.code(1);
    assert!(
        out.stderr
            .contains("'zed' is not on the team (the team: ana, ben, cora)")
    );
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn take_several_takes_all_in_one_write_or_none() {
    let env = crate::common::TestEnv::team();
    env.new_ticket_pinned("ben", "Refund not received", &[], crate::common::ID_A);
    env.new_ticket_pinned("cora", "Login fails", &[], crate::common::ID_B);
    let out = env.baton_as("ana", &["take", "0b7c", "9a1f"]);
    out.success();
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    assert_eq!(env.field(crate::common::ID_A, "owner"), "ana");
    assert_eq!(env.field(crate::common::ID_B, "owner"), "ana");
    let json = env.baton_as("ben", &["take", "0b7c", "9a1f", "--json"]);
    json.success();
    assert_eq!(json.json().as_array().map(Vec::len), Some(2));
}

#[test]
fn take_several_with_one_unknown_id_writes_nothing() {
    let env = crate::common::TestEnv::team();
    env.new_ticket_pinned("ben", "Refund not received", &[], crate::common::ID_A);
    let before = env.store_bytes();
    let out = env.baton_as("ana", &["take", "0b7c", "ffff"]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("ffff"), "{}", out.stderr);
    assert_eq!(env.store_bytes(), before);
}
