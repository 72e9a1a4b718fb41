use crate::common::{ID_A, Output, TestEnv, at, event_kinds};

/// A ticket owned by ana, brought to `status` by ana.
fn ticket_in(status: &str) -> TestEnv {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    let command = match status {
        "open" => None,
        "waiting" => Some("wait"),
        "resolved" => Some("resolve"),
        "closed" => Some("close"),
        other => panic!("no such status {other}"),
    };
    if let Some(command) = command {
        env.baton_as("ana", &[command, ID_A]).success();
    }
    env.set_now(&at(1, 0));
    env
}

const TAKE_HINT: &str = "hint: run 'baton take 0b7c' first to make it yours\n";

/// Runs `baton --as WHO COMMAND 0b7c [FLAGS]`.
fn run_on(env: &TestEnv, who: &str, command: &[&str]) -> Output {
    let mut args = vec!["--as", who, command[0], "0b7c"];
    args.extend_from_slice(&command[1..]);
    env.baton(&args)
}

#[test]
fn allowed_status_changes_append_one_status_event() {
    // (status before, who, command, status after)
    let cases: [(&str, &str, &[&str], &str); 10] = [
        ("open", "ana", &["wait"], "waiting"),
        ("open", "ana", &["resolve"], "resolved"),
        ("waiting", "ana", &["resolve"], "resolved"),
        ("waiting", "ben", &["reopen"], "open"),
        ("resolved", "ben", &["reopen"], "open"),
        ("closed", "cora", &["reopen"], "open"),
        ("open", "ana", &["close"], "closed"),
        ("waiting", "ana", &["close"], "closed"),
        ("resolved", "ana", &["close"], "closed"),
        ("open", "ben", &["close", "--yes"], "closed"),
    ];
    for (before, who, command, after) in cases {
        let env = ticket_in(before);
        let out = run_on(&env, who, command);
        let case = format!("{before} → {command:?} by {who}");
        out.success();
        assert_eq!(out.stdout, format!("0b7c is now {after}\n"), "{case}");
        assert_eq!(out.stderr, "", "{case}");
        assert_eq!(env.field(ID_A, "status"), after, "{case}");
        assert_eq!(
            env.last_event_text(ID_A),
            format!(
                "at = {}\nby = \"{who}\"\nkind = \"status\"\nfrom = \"{before}\"\nto = \"{after}\"\n",
                at(1, 0)
            ),
            "{case}"
        );
    }
}

#[test]
fn refused_status_changes_say_why_and_write_nothing() {
    let owned_by_ana = |verb: &str| {
        format!("error: only the owner can {verb} 0b7c; it belongs to ana\n{TAKE_HINT}")
    };
    let reopen_first = |what: &str| {
        format!("error: cannot {what}\nhint: reopen it first with 'baton reopen 0b7c'\n")
    };
    // (status before, who, command, stderr)
    let cases: [(&str, &str, &[&str], String); 7] = [
        ("open", "ben", &["wait"], owned_by_ana("set waiting")),
        ("open", "ben", &["resolve"], owned_by_ana("resolve")),
        ("waiting", "ben", &["resolve"], owned_by_ana("resolve")),
        (
            "open",
            "ben",
            &["close"],
            "error: 0b7c belongs to ana; closing it needs confirmation\n\
             hint: run 'baton close 0b7c --yes' to close it anyway\n"
                .to_string(),
        ),
        (
            "closed",
            "ana",
            &["resolve"],
            reopen_first("resolve 0b7c: it is closed"),
        ),
        (
            "resolved",
            "ana",
            &["wait"],
            reopen_first("set waiting 0b7c: it is resolved"),
        ),
        (
            "closed",
            "ana",
            &["wait"],
            reopen_first("set waiting 0b7c: it is closed"),
        ),
    ];
    for (before, who, command, stderr) in cases {
        let env = ticket_in(before);
        let files = env.store_bytes();
        let out = run_on(&env, who, command);
        let case = format!("{before} → {command:?} by {who}");
        out.code(1);
        assert_eq!(out.stdout, "", "{case}");
        assert_eq!(out.stderr, stderr, "{case}");
        assert_eq!(env.store_bytes(), files, "{case}");
    }
}

#[test]
fn asking_for_the_current_status_changes_nothing() {
    let cases = [
        ("open", "reopen", "0b7c is already open\n"),
        ("waiting", "wait", "0b7c is already waiting\n"),
        ("resolved", "resolve", "0b7c is already resolved\n"),
        ("closed", "close", "0b7c is already closed\n"),
    ];
    for (status, command, stdout) in cases {
        let env = ticket_in(status);
        let before = env.store_bytes();
        let out = env.baton_as("ana", &[command, "0b7c"]);
        out.success();
        assert_eq!(out.stdout, stdout, "{command}");
        assert_eq!(env.store_bytes(), before, "{command}");
    }
}

#[test]
fn status_notes_are_recorded_on_the_event() {
    let env = ticket_in("open");
    env.baton_as(
        "ana",
        &["wait", "0b7c", "--note", "asked for the order number"],
    )
    .success();
    env.baton_as("ana", &["reopen", "0b7c", "-n", "customer answered"])
        .success();
    env.baton_as("ana", &["resolve", "0b7c", "--note", "refund sent"])
        .success();
    env.baton_as("ana", &["close", "0b7c", "--note", "confirmed"])
        .success();
    let notes: Vec<_> = env
        .events(ID_A)
        .iter()
        .skip(1)
        .map(|e| {
            (
                e["from"].as_str().unwrap().to_string(),
                e["to"].as_str().unwrap().to_string(),
                e["note"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("open", "waiting", "asked for the order number"),
        ("waiting", "open", "customer answered"),
        ("open", "resolved", "refund sent"),
        ("resolved", "closed", "confirmed"),
    ]
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
    assert_eq!(notes, expected);
}

#[test]
fn status_commands_print_the_ticket_as_json() {
    let env = ticket_in("open");
    for (command, status) in [
        ("wait", "waiting"),
        ("reopen", "open"),
        ("resolve", "resolved"),
        ("reopen", "open"),
        ("close", "closed"),
    ] {
        let out = env.baton_as("ana", &[command, "0b7c", "--json"]);
        out.success();
        assert_eq!(out.stderr, "", "{command}");
        let doc = out.json();
        assert_eq!(doc["status"], status, "{command}");
        assert_eq!(doc["id"], ID_A);
        assert_eq!(event_kinds(&doc).last().map(String::as_str), Some("status"));
    }
    // Resolved and closed tickets have no deadline.
    let doc = env.baton(&["show", "0b7c", "--json"]).json();
    assert_eq!(doc["due"], serde_json::Value::Null);
}

#[test]
fn json_says_whether_a_command_changed_anything() {
    let env = ticket_in("open");
    let first = env.baton_as("ana", &["resolve", "0b7c", "--json"]);
    first.success();
    assert_eq!(first.json()["changed"], true);
    let again = env.baton_as("ana", &["resolve", "0b7c", "--json"]);
    again.success();
    assert_eq!(
        again.json()["changed"],
        false,
        "resolving a resolved ticket is a no-op"
    );
    assert_eq!(again.json()["status"], "resolved");
    let mine = env.baton_as("ana", &["take", "0b7c", "--json"]);
    mine.code(1);
}

#[test]
fn resolve_several_is_all_or_none_and_names_the_one_refused() {
    let env = crate::common::TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], crate::common::ID_A);
    env.new_ticket_pinned("ben", "Login fails", &[], crate::common::ID_B);
    env.new_ticket_pinned("ana", "Printer", &[], crate::common::ID_C);
    let before = env.store_bytes();
    // ben's ticket is not ana's to resolve: nothing is written.
    let out = env.baton_as("ana", &["resolve", "0b7c", "9a1f", "5e5e"]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("9a1f"), "{}", out.stderr);
    assert!(out.stderr.contains("nothing was changed"), "{}", out.stderr);
    assert_eq!(env.store_bytes(), before);
    let out = env.baton_as("ana", &["resolve", "0b7c", "5e5e", "--note", "fixed"]);
    out.success();
    assert_eq!(env.field(crate::common::ID_A, "status"), "resolved");
    assert_eq!(env.field(crate::common::ID_C, "status"), "resolved");
    for verb in ["reopen", "wait"] {
        env.baton_as("ana", &[verb, "0b7c", "5e5e"]).success();
    }
    assert_eq!(env.field(crate::common::ID_C, "status"), "waiting");
    env.baton_as("ana", &["close", "0b7c", "5e5e"]).success();
    assert_eq!(env.field(crate::common::ID_A, "status"), "closed");
}
