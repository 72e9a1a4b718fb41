use crate::common::{ID_A, TestEnv, at, event_kinds};

#[test]
fn pass_hands_the_ticket_to_another_person() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    env.set_now(&at(0, 30));
    let out = env.baton_as("ana", &["pass", "0b7c", "ben", "--note", "needs approval"]);
    out.success();
    assert_eq!(out.stdout, "passed 0b7c to ben\n");
    assert_eq!(env.field(ID_A, "owner"), "ben");
    assert_eq!(env.field(ID_A, "updated"), at(0, 30));
    assert_eq!(
        env.last_event_text(ID_A),
        format!(
            "at = {}\nby = \"ana\"\nkind = \"handoff\"\nfrom = \"ana\"\nto = \"ben\"\nnote = \"needs approval\"\n",
            at(0, 30)
        )
    );
}

#[test]
fn pass_without_a_note_records_none() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    env.baton_as("ana", &["pass", "0b7c", "cora"]).success();
    let last = env.events(ID_A).pop().unwrap();
    assert!(!last.contains_key("note"), "{last}");
}

#[test]
fn pass_json_is_the_ticket_with_its_events() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    let out = env.baton_as("ana", &["pass", "0b7c", "ben", "--json"]);
    out.success();
    assert_eq!(out.stderr, "");
    let doc = out.json();
    assert_eq!(doc["owner"], "ben");
    assert_eq!(event_kinds(&doc), ["created", "handoff"]);
}

#[test]
fn pass_by_non_owner_is_refused() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    let before = env.store_bytes();
    let out = env.baton_as("ben", &["pass", "0b7c", "cora"]);
    insta::assert_snapshot!(out.render(), @r"
        ------- stderr -------
        error: only the owner can pass 0b7c; it belongs to ana
        hint: run 'baton take 0b7c' first to make it yours
        [exit 1]
    ");
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn pass_refuses_bad_receivers() {
    // (arguments after `pass 0b7c`, exit code, the whole stderr)
    let cases: [(&[&str], i32, &str); 3] = [
        (
            &["ana"],
            1,
            "error: 0b7c is already yours; pass it to someone else\nhint: the team: ana, ben, cora\n",
        ),
        (
            &["zed"],
            1,
            "error: 'zed' is not on the team (the team: ana, ben, cora)\nhint: add them with 'baton people add NAME --level N'\n",
        ),
        (
            &[],
            2,
            "error: pass needs the person who takes the ticket over\nhint: baton pass 0b7c NAME; 'baton people' lists the team\n",
        ),
    ];
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    let before = env.store_bytes();
    for (args, code, stderr) in cases {
        let mut all = vec!["--as", "ana", "pass", "0b7c"];
        all.extend_from_slice(args);
        let out = env.baton(&all);
        out.code(code);
        assert_eq!(out.stderr, stderr, "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}");
    }
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn pass_of_a_closed_ticket_needs_a_reopen_first() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    env.baton_as("ana", &["close", "0b7c"]).success();
    let out = env.baton_as("ana", &["pass", "0b7c", "ben"]);
    out.code(1);
    assert_eq!(
        out.stderr,
        "error: cannot pass 0b7c: it is closed\nhint: reopen it first with 'baton reopen 0b7c'\n"
    );
}

#[test]
fn a_waiting_ticket_can_be_passed() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    env.baton_as("ana", &["wait", "0b7c"]).success();
    env.baton_as("ana", &["pass", "0b7c", "ben"]).success();
    assert_eq!(env.field(ID_A, "owner"), "ben");
    assert_eq!(env.field(ID_A, "status"), "waiting");
}
