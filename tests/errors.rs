use crate::common::{ID_A, TestEnv};

/// One invocation of every command that needs a store, with a valid-looking id.
const EVERY_COMMAND: [&[&str]; 16] = [
    &["people"],
    &["people", "add", "ben", "--level", "2"],
    &["new", "Title"],
    &["list"],
    &["show", "0b7c"],
    &["take", "0b7c"],
    &["pass", "0b7c", "ben"],
    &["reply", "0b7c", "hello"],
    &["note", "0b7c", "hello"],
    &["wait", "0b7c"],
    &["resolve", "0b7c"],
    &["reopen", "0b7c"],
    &["close", "0b7c"],
    &["edit", "0b7c", "--title", "x"],
    &["escalate"],
    &["escalate", "--dry-run"],
];

#[test]
fn every_command_without_a_store_says_to_run_init() {
    let env = TestEnv::empty();
    for args in EVERY_COMMAND {
        let out = env.baton(args);
        out.code(1);
        let expected = format!(
            "error: no baton store in {} or any folder above it\n\
             hint: run 'baton init' to create one here, or pass --store DIR\n",
            env.root().display()
        );
        assert_eq!(out.stderr, expected, "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}");
    }
    assert!(!env.store().exists(), "nothing was created");
}

#[test]
fn a_missing_store_is_reported_with_the_folder_searched() {
    let env = TestEnv::empty();
    let out = env.baton(&["list"]);
    let shown = out
        .render()
        .replace(&env.root().display().to_string(), "$TMP");
    insta::assert_snapshot!(shown, @r"
        ------- stderr -------
        error: no baton store in $TMP or any folder above it
        hint: run 'baton init' to create one here, or pass --store DIR
        [exit 1]
    ");
}

#[test]
fn an_unknown_actor_is_an_error_that_lists_the_team() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    let before = env.store_bytes();
    let out = env.baton_as("zed", &["note", "0b7c", "hello"]);
    insta::assert_snapshot!(out.render(), @r"
        ------- stderr -------
        error: 'zed' is not on the team (the team: ana, ben, cora) (you are acting as 'zed', from --as)
        hint: pass --as NAME or set BATON_USER to a name on the team
        [exit 1]
    ");
    assert_eq!(env.store_bytes(), before);
    for args in [&["new", "x"][..], &["take", "0b7c"], &["list", "--mine"]] {
        let out = env.baton_as("zed", args);
        out.code(1);
        assert!(
            out.stderr
                .starts_with("error: 'zed' is not on the team (the team: ana, ben, cora)"),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn only_the_owner_may_resolve_pass_or_wait() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    let before = env.store_bytes();
    let cases: [(&[&str], &str); 3] = [
        (&["resolve", "0b7c"], "resolve"),
        (&["pass", "0b7c", "cora"], "pass"),
        (&["wait", "0b7c"], "set waiting"),
    ];
    for (args, verb) in cases {
        let out = env.baton_as("ben", args);
        out.code(1);
        assert_eq!(
            out.stderr,
            format!(
                "error: only the owner can {verb} 0b7c; it belongs to ana\n\
                 hint: run 'baton take 0b7c' first to make it yours\n"
            ),
            "{args:?}"
        );
    }
    // However the id was typed, the hint names the ticket by a prefix that pastes back.
    let out = env.baton_as("ben", &["resolve", ID_A]);
    assert!(
        out.stderr.contains("hint: run 'baton take 0b7c' first"),
        "{}",
        out.stderr
    );
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn an_ambiguous_prefix_lists_the_candidates() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    env.new_ticket_pinned(
        "ana",
        "Login fails",
        &[],
        "0b7c7000-5d1a-4f7e-9a53-3c2d1e0f9a84",
    );
    let before = env.store_bytes();
    let out = env.baton_as("ana", &["note", "0b7c", "which one?"]);
    insta::assert_snapshot!(out.render(), @r"
        ------- stderr -------
        error: '0b7c' matches 2 tickets:
          0b7c6  Printer on fire
          0b7c7  Login fails
        hint: type more characters of the id, such as 0b7c6
        [exit 1]
    ");
    assert_eq!(env.store_bytes(), before);
    let longer = env.baton_as("ana", &["show", "0b7c6", "--json"]);
    longer.success();
    assert_eq!(longer.json()["id"], ID_A);
}

#[test]
fn bad_ids_are_refused_with_a_hint() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    let before = env.store_bytes();
    let not_an_id = |id: &str| {
        format!(
            "error: '{id}' is not a ticket id\n\
             hint: a ticket id is hexadecimal, such as 0b7c; 'baton list' shows them\n"
        )
    };
    let cases = [
        (
            "ffff",
            "error: no ticket matches 'ffff'\nhint: 'baton list --all' shows every ticket\n"
                .to_string(),
        ),
        (
            "0b7",
            "error: '0b7' is too short to name a ticket; use at least 4 characters\n\
             hint: 'baton list' shows each ticket's shortest unique id\n"
                .to_string(),
        ),
        ("../../etc/passwd", not_an_id("../../etc/passwd")),
        ("/etc/passwd", not_an_id("/etc/passwd")),
        ("0b7c/../x", not_an_id("0b7c/../x")),
        ("tickets/baton", not_an_id("tickets/baton")),
    ];
    for (id, stderr) in &cases {
        for command in [&["show", id][..], &["note", id, "x"], &["resolve", id]] {
            let out = env.baton_as("ana", command);
            out.code(1);
            assert_eq!(&out.stderr, stderr, "{command:?}");
            assert_eq!(out.stdout, "", "{command:?}");
        }
    }
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn usage_errors_exit_with_two() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    let before = env.store_bytes();
    // Bare `baton` is no usage error: it shows the queue (tests/queue.rs).
    let cases: [&[&str]; 8] = [
        &["frobnicate"],
        &["list", "--frobnicate"],
        &["new", ""],
        &["new", "  "],
        &["show"],
        &["list", "--sort", "sideways"],
        &["people", "add", "dan", "--level", "many"],
        &["--color", "sometimes", "list"],
    ];
    for args in cases {
        let out = env.baton_as("ana", args);
        out.code(2);
        assert_eq!(out.stdout, "", "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn an_empty_title_is_a_usage_error() {
    let env = TestEnv::team();
    let out = env.baton_as("ana", &["new", "  "]);
    insta::assert_snapshot!(out.render(), @r#"
        ------- stderr -------
        error: a ticket needs a title; the one given is empty
        hint: baton new "Refund not received"
        [exit 2]
    "#);
    assert!(env.ticket_ids().is_empty());
}

#[test]
fn an_invalid_baton_now_is_a_usage_error() {
    let env = TestEnv::team();
    for now in ["tomorrow", "2026-11-02", "2026-11-02 08:00", "1700000000"] {
        let out = env.cmd(&["list"]).now(now).run();
        out.code(2);
        assert!(
            out.stderr
                .starts_with(&format!("error: BATON_NOW='{now}' is not an RFC 3339 time")),
            "{now:?}: {}",
            out.stderr
        );
        assert!(
            out.stderr
                .contains("hint: use a form such as BATON_NOW=2026-11-20T09:14:00Z, or unset it"),
            "{now:?}: {}",
            out.stderr
        );
    }
    let out = env.cmd(&["--as", "ana", "new", "x"]).now("tomorrow").run();
    out.code(2);
    assert!(
        env.ticket_ids().is_empty(),
        "nothing written under a bad clock"
    );
}

#[test]
fn a_broken_team_config_names_its_line() {
    let env = TestEnv::team();
    env.edit_config("after = \"20h\"", "after = \"soon\"");
    for args in [&["list"][..], &["--as", "ana", "new", "x"], &["escalate"]] {
        let out = env.baton(args);
        out.code(1);
        assert!(
            out.stderr
                .starts_with("error: tickets/baton.toml:17:9: 'soon' is not a duration"),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert!(env.ticket_ids().is_empty());
}

#[test]
fn errors_under_json_are_one_json_line_with_a_stable_kind() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    env.new_ticket_pinned(
        "ana",
        "Printer smokes",
        &[],
        "0b7c0000-1111-4222-8333-444455556666",
    );
    let cases: [(&[&str], i32, &str); 8] = [
        (&["show", "ffff", "--json"], 1, "not_found"),
        (&["show", "0b7c", "--json"], 1, "ambiguous"),
        (&["show", "zz", "--json"], 1, "bad_id"),
        (
            &["--as", "ben", "resolve", "0b7c6", "--json"],
            1,
            "not_owner",
        ),
        (&["--as", "ana", "new", "", "--json"], 2, "usage"),
        (
            &["--as", "zed", "note", "0b7c6", "x", "--json"],
            1,
            "unknown_person",
        ),
        (&["list", "--no-such-flag", "--json"], 2, "usage"),
        (&["--json", "log", "0b7c6", "soon"], 2, "usage"),
    ];
    for (args, code, kind) in cases {
        let out = env.baton(args);
        out.code(code);
        assert_eq!(out.stdout, "", "{args:?}");
        let last = out.stderr.lines().last().unwrap_or_default();
        let doc: serde_json::Value = serde_json::from_str(last).unwrap_or_else(|e| {
            panic!(
                "{args:?}: the last line of stderr is not JSON ({e}): {}",
                out.stderr
            )
        });
        let error = &doc["error"];
        assert_eq!(error["kind"], kind, "{args:?}: {doc}");
        assert_eq!(error["exit"], code, "{args:?}");
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{doc}"
        );
        assert!(
            error.get("hint").is_some(),
            "hint is there, null or not: {doc}"
        );
    }
    // Without --json the same failure reads as it always did.
    let plain = env.baton(&["show", "ffff"]);
    assert!(
        plain
            .stderr
            .starts_with("error: no ticket matches 'ffff'\nhint: "),
        "{}",
        plain.stderr
    );
}

#[test]
fn json_may_be_repeated_and_version_answers_in_json() {
    let env = TestEnv::solo();
    env.baton(&["--json", "list", "--json"]).success();
    let out = env.baton(&["--version", "--json"]);
    out.success();
    assert_eq!(
        out.json(),
        serde_json::json!({"name": "baton", "version": env!("CARGO_PKG_VERSION")})
    );
    let plain = env.baton(&["--version"]);
    assert_eq!(
        plain.stdout,
        format!("baton {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn docs_json_lists_every_error_kind() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/json.md")).unwrap();
    for kind in baton::error::Kind::ALL {
        let row = format!("| `{}` |", kind.as_str());
        assert!(
            doc.contains(&row),
            "docs/json.md has no row for the error kind {row}"
        );
    }
}

#[test]
fn hand_edit_and_typing_mistakes_name_the_fix() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    env.edit_ticket_file(ID_A, "priority = \"normal\"", "priority = normal");
    let out = env.baton(&["show", "0b7c"]);
    out.code(1);
    assert!(
        out.stderr.contains(":5:12: priority must be one of low, normal, high, urgent, in quotes: priority = \"normal\""),
        "{}",
        out.stderr
    );

    let typo = env.baton_as("ana", &["new", "Login", "-p", "hgih"]);
    typo.code(2);
    assert!(
        typo.stderr.contains("did you mean 'high'?"),
        "{}",
        typo.stderr
    );
    let shouted = env.baton_as("ana", &["new", "Login", "-p", "URGENT", "--json"]);
    assert_eq!(shouted.json()["priority"], "urgent", "{}", shouted.stderr);
    let listed = env.baton(&["list", "--status", "Open", "--json"]);
    assert_eq!(listed.json_strings("title"), ["Login"]);

    let bare = env.baton_as("ana", &["log", "0b7c", "90"]);
    bare.code(2);
    assert!(
        bare.stderr
            .contains("'90' has no unit; expected a number and a unit, such as 90m, 90h or 90d"),
        "{}",
        bare.stderr
    );
}

#[test]
fn an_unknown_config_key_is_a_warning_with_its_line_and_the_key_meant() {
    let env = TestEnv::team();
    env.edit_config("to = \"top\"", "to = \"top\"\nclok = \"business\"");
    let line = std::fs::read_to_string(env.store().join("baton.toml"))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("clok"))
        .unwrap()
        + 1;
    let out = env.baton(&["list"]);
    out.success();
    assert_eq!(
        out.stderr,
        format!(
            "warning: tickets/baton.toml:{line}: unknown key 'escalation.clok' in the team config; baton ignores it\n\
             hint: did you mean 'clock'? fix or remove it (docs/design.md lists the keys)\n\
             no tickets match (resolved and closed ones show with --all)\n"
        )
    );
    let json = env.baton(&["list", "--json"]);
    assert_eq!(
        json.json(),
        serde_json::json!([]),
        "stdout stays a document"
    );
}
