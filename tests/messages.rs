use crate::common::{ID_A, TestEnv, at, event_kinds};

#[test]
fn reply_and_note_append_events_by_anyone() {
    // (command, who, stdout, the event's text in the file)
    let cases = [
        ("reply", "ana", "replied on 0b7c\n", "kind = \"reply\""),
        ("reply", "cora", "replied on 0b7c\n", "kind = \"reply\""),
        ("note", "ana", "noted on 0b7c\n", "kind = \"note\""),
        ("note", "ben", "noted on 0b7c\n", "kind = \"note\""),
    ];
    for (command, who, stdout, kind) in cases {
        let env = TestEnv::team();
        env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
        env.set_now(&at(0, 45));
        let out = env.baton_as(who, &[command, "0b7c", "We are on it."]);
        out.success();
        assert_eq!(out.stdout, stdout, "{command} by {who}");
        assert_eq!(
            env.last_event_text(ID_A),
            format!(
                "at = {}\nby = \"{who}\"\n{kind}\ntext = \"We are on it.\"\n",
                at(0, 45)
            ),
            "{command} by {who}"
        );
        assert_eq!(
            env.field(ID_A, "owner"),
            "ana",
            "messages do not move the ticket"
        );
        assert_eq!(env.field(ID_A, "status"), "open");
        assert_eq!(env.field(ID_A, "updated"), at(0, 45));
    }
}

#[test]
fn multi_line_messages_keep_their_lines() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    env.baton_as(
        "ana",
        &["note", "0b7c", "first line\nsecond \"quoted\" line"],
    )
    .success();
    let events = env.events(ID_A);
    assert_eq!(
        events[1]["text"].as_str(),
        Some("first line\nsecond \"quoted\" line")
    );
    let show = env.baton(&["show", "0b7c"]);
    show.success();
    assert!(
        show.stdout
            .contains("      │ first line\n      │ second \"quoted\" line\n"),
        "{}",
        show.stdout
    );
}

#[test]
fn reply_and_note_json_are_the_ticket_with_its_events() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    let reply = env.baton_as("ben", &["reply", "0b7c", "Hello", "--json"]);
    reply.success();
    assert_eq!(reply.stderr, "");
    let doc = reply.json();
    assert_eq!(event_kinds(&doc), ["created", "reply"]);
    assert_eq!(doc["events"][1]["text"], "Hello");
    assert_eq!(doc["events"][1]["by"], "ben");

    let note = env.baton_as("ana", &["note", "0b7c", "Internal", "--json"]);
    note.success();
    let doc = note.json();
    assert_eq!(event_kinds(&doc), ["created", "reply", "note"]);
    assert_eq!(doc["events"][2]["text"], "Internal");
}

#[test]
fn empty_messages_are_usage_errors_that_write_nothing() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    let before = env.store_bytes();
    // (arguments, exit code, stderr contains)
    let cases: [(&[&str], i32, &str); 4] = [
        (
            &["reply", "0b7c", ""],
            2,
            "error: the reply is empty; there is nothing to record",
        ),
        (
            &["note", "0b7c", "  \n "],
            2,
            "error: the note is empty; there is nothing to record",
        ),
        (&["reply", "0b7c"], 2, "<TEXT>"),
        (&["note"], 2, "<ID>"),
    ];
    for (args, code, needle) in cases {
        let mut all = vec!["--as", "ana"];
        all.extend_from_slice(args);
        let out = env.baton(&all);
        out.code(code);
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
    }
    assert_eq!(env.store_bytes(), before);
}
