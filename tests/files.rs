use std::fs;
use std::process::Command;

use crate::common::{ID_A, ID_B, ID_C, T0, TestEnv, at};

#[test]
fn a_worked_ticket_file_is_canonical_toml() {
    let env = TestEnv::team();
    env.new_ticket_pinned(
        "ana",
        "Refund for double charge not received",
        &[
            "--customer",
            "jan.kowalski@example.com",
            "--body",
            "Charged twice for the November invoice.\nOrder 18823, card ending 4421.",
            "--tag",
            "billing",
        ],
        ID_A,
    );
    env.cmd(&[
        "--as",
        "ana",
        "pass",
        ID_A,
        "ben",
        "--note",
        "needs a refund approval",
    ])
    .now(&at(0, 48))
    .run()
    .success();
    env.cmd(&["--as", "ben", "reply", ID_A, "We are \"on it\" \\ today."])
        .now(&at(1, 0))
        .run()
        .success();
    env.cmd(&["--as", "ben", "edit", ID_A, "--priority", "high"])
        .now(&at(1, 1))
        .run()
        .success();
    env.cmd(&["escalate"]).now(&at(20, 0)).run().success();
    insta::assert_snapshot!(env.ticket_text(ID_A), @r#"
        id = "0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84"
        title = "Refund for double charge not received"
        status = "open"
        owner = "cora"
        customer = "jan.kowalski@example.com"
        priority = "high"
        tags = ["billing"]
        created = 2026-11-02T08:00:00Z
        updated = 2026-11-03T04:00:00Z
        escalated = 1
        description = """
        Charged twice for the November invoice.
        Order 18823, card ending 4421."""

        [[events]]
        at = 2026-11-02T08:00:00Z
        by = "ana"
        kind = "created"
        to = "ana"

        [[events]]
        at = 2026-11-02T08:48:00Z
        by = "ana"
        kind = "handoff"
        from = "ana"
        to = "ben"
        note = "needs a refund approval"

        [[events]]
        at = 2026-11-02T09:00:00Z
        by = "ben"
        kind = "reply"
        text = 'We are "on it" \ today.'
        message_id = "20261102T090000Z.2.ben.0b7c6f1e5d1a4f7e9a533c2d1e0f9a84@baton.invalid"

        [[events]]
        at = 2026-11-02T09:01:00Z
        by = "ben"
        kind = "edited"
        field = "priority"
        from = "normal"
        to = "high"

        [[events]]
        at = 2026-11-03T04:00:00Z
        by = "baton"
        kind = "escalated"
        from = "ben"
        to = "cora"
        deadline = 2026-11-03T04:00:00Z
    "#);
}

#[test]
fn baton_now_sets_every_time_written() {
    // BATON_NOW in any offset, with or without fractions, is stored in UTC to the second.
    for now in [T0, "2026-11-02T10:00:00+02:00", "2026-11-02T08:00:00.750Z"] {
        let env = TestEnv::team();
        env.set_now(now);
        let id = env.new_ticket("ana", "Clockwork");
        env.baton_as("ben", &["take", &id]).success();
        env.baton_as("ben", &["note", &id, "tick"]).success();
        let t = env.ticket_toml(&id);
        assert_eq!(t["created"].to_string(), T0, "{now}");
        assert_eq!(t["updated"].to_string(), T0, "{now}");
        for e in env.events(&id) {
            assert_eq!(e["at"].to_string(), T0, "{now}");
        }
    }
}

#[test]
fn unknown_keys_and_event_kinds_survive_a_write() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "From the future", &[], ID_A);
    env.edit_ticket_file(
        ID_A,
        "tags = []\n",
        "tags = []\nfuture_key = \"kept\"\nsla_tier = { level = 2, name = \"gold\" }\n",
    );
    let mut text = env.ticket_text(ID_A);
    text.push_str(&format!(
        "\n[[events]]\nat = {}\nby = \"ana\"\nkind = \"teleported\"\nwhere = \"mars\"\nhow_far = 3\n",
        at(0, 10)
    ));
    fs::write(env.ticket_path(ID_A), text).unwrap();
    env.cmd(&["--as", "ben", "note", ID_A, "still here?"])
        .now(&at(0, 20))
        .run()
        .success();

    let t = env.ticket_toml(ID_A);
    assert_eq!(t["future_key"].as_str(), Some("kept"));
    assert_eq!(t["sla_tier"]["name"].as_str(), Some("gold"));
    assert_eq!(t["sla_tier"]["level"].as_integer(), Some(2));
    let events = env.events(ID_A);
    let kinds: Vec<_> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "teleported", "note"]);
    assert_eq!(events[1]["where"].as_str(), Some("mars"));
    assert_eq!(events[1]["how_far"].as_integer(), Some(3));
    assert_eq!(t["updated"].to_string(), at(0, 20));
    // The unknown kind does not move the ticket, and show names it.
    assert_eq!(t["owner"].as_str(), Some("ana"));
    let show = env.baton(&["show", ID_A]);
    show.success();
    assert!(
        show.stdout
            .contains("teleported (recorded by a newer baton)"),
        "{}",
        show.stdout
    );
    let json = env.baton(&["show", ID_A, "--json"]).json();
    assert_eq!(json["future_key"], "kept");
    assert_eq!(json["events"][1]["where"], "mars");
}

/// Three tickets; the middle one gets `tags = 5`.
fn store_with_a_broken_ticket() -> TestEnv {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "First fine ticket", &[], ID_A);
    env.new_ticket_pinned("ana", "Broken ticket", &[], ID_B);
    env.new_ticket_pinned("ana", "Second fine ticket", &[], ID_C);
    env.edit_ticket_file(ID_B, "tags = []", "tags = 5");
    env
}

#[test]
fn list_shows_the_other_tickets_and_names_the_broken_file() {
    let env = store_with_a_broken_ticket();
    let out = env.baton(&["list"]);
    insta::assert_snapshot!(out.render(), @r"
        ID    STATUS  OWNER  PRIORITY  DUE     CUSTOMER  TITLE
        0b7c  open    ana    normal    in 20h            First fine ticket
        5e5e  open    ana    normal    in 20h            Second fine ticket
        ------- stderr -------
        warning: tickets/9a1f2c3d-1111-4222-8333-444455556666.toml:6:8: invalid type: integer `5`, expected a sequence
        hint: fix the file by hand (baton never rewrites a file it cannot read); 'baton doctor' checks the store
        error: 1 ticket file(s) could not be read; the list shows the rest
        [exit 1]
    ");
    let json = env.baton(&["list", "--json"]);
    json.code(1);
    assert_eq!(json.json().as_array().unwrap().len(), 2);
    assert!(
        json.stderr.contains(&format!("tickets/{ID_B}.toml:6:8:")),
        "{}",
        json.stderr
    );
}

#[test]
fn a_partial_result_says_in_json_what_it_left_out() {
    let env = store_with_a_broken_ticket();
    let broken = format!("tickets/{ID_B}.toml");
    // An array document holds what could be read; the error, the last line
    // of stderr, is of kind partial and lists the rest.
    for args in [
        &["list", "--json"][..],
        &["search", "ticket", "--json"],
        &["people", "--json"],
    ] {
        let out = env.baton(args);
        out.code(1);
        let last: serde_json::Value =
            serde_json::from_str(out.stderr.lines().last().unwrap()).unwrap();
        assert_eq!(last["error"]["kind"], "partial", "{args:?}: {last}");
        let left = last["error"]["unreadable"].as_array().unwrap();
        assert_eq!(left.len(), 1, "{args:?}: {last}");
        assert_eq!(left[0]["path"], broken.as_str(), "{args:?}: {last}");
        assert_eq!(left[0]["line"], 6, "{args:?}: {last}");
        assert!(
            left[0]["problem"]
                .as_str()
                .unwrap()
                .contains("expected a sequence")
        );
    }
    // Object documents carry the list themselves.
    for args in [
        &["report", "--json"][..],
        &["escalate", "--dry-run", "--json"],
    ] {
        let out = env.baton(args);
        out.code(1);
        let doc = out.json();
        assert_eq!(
            doc["unreadable"][0]["path"],
            broken.as_str(),
            "{args:?}: {doc}"
        );
    }
    let sweep = env.baton(&["escalate", "--json"]).json();
    assert_eq!(sweep["failed"], serde_json::json!([]));
}

#[test]
fn invalid_toml_is_reported_with_line_and_column() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Fine", &[], ID_A);
    env.new_ticket_pinned("ana", "Broken", &[], ID_B);
    env.edit_ticket_file(ID_B, "title = \"Broken\"", "title = \"Broken");
    let out = env.baton(&["list"]);
    out.code(1);
    assert!(out.stdout.contains("Fine"), "{}", out.stdout);
    assert!(
        out.stderr
            .starts_with(&format!("warning: tickets/{ID_B}.toml:2:")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("hint: fix the file by hand (baton never rewrites a file it cannot read)"),
        "{}",
        out.stderr
    );
}

#[test]
fn write_commands_never_touch_a_broken_ticket() {
    // (the change that breaks the file, where the error points)
    let cases = [
        ("tags = []", "tags = 5", "6:8"),
        ("title = \"Broken ticket\"", "title = \"Broken ticket", "2:"),
    ];
    for (good, broken, place) in cases {
        let env = TestEnv::team();
        env.new_ticket_pinned("ana", "Broken ticket", &[], ID_B);
        env.edit_ticket_file(ID_B, good, broken);
        let before = env.store_bytes();
        let commands: [&[&str]; 10] = [
            &["take", ID_B],
            &["pass", ID_B, "ben"],
            &["reply", ID_B, "hello"],
            &["note", ID_B, "hello"],
            &["wait", ID_B],
            &["resolve", ID_B],
            &["reopen", ID_B],
            &["close", ID_B, "--yes"],
            &["edit", ID_B, "--title", "Fixed?"],
            &["show", ID_B],
        ];
        for args in commands {
            let out = env.cmd(args).env("BATON_USER", "ana").run();
            out.code(1);
            assert!(
                out.stderr
                    .starts_with(&format!("error: tickets/{ID_B}.toml:{place}")),
                "{broken} {args:?}: {}",
                out.stderr
            );
            assert_eq!(env.store_bytes(), before, "{broken} {args:?}");
        }
        let sweep = env.cmd(&["escalate"]).now(&at(40, 0)).run();
        sweep.code(1);
        assert_eq!(env.store_bytes(), before, "{broken}: escalate");
    }
}

#[test]
fn the_sweep_escalates_the_readable_tickets_and_reports_the_broken_one() {
    let env = store_with_a_broken_ticket();
    let broken = fs::read(env.ticket_path(ID_B)).unwrap();
    let out = env.cmd(&["escalate"]).now(&at(20, 0)).run();
    out.code(1);
    assert_eq!(env.field(ID_A, "owner"), "cora");
    assert_eq!(env.field(ID_C, "owner"), "cora");
    assert_eq!(fs::read(env.ticket_path(ID_B)).unwrap(), broken);
    assert!(
        out.stderr.contains(&format!("tickets/{ID_B}.toml:6:8")),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
}

#[test]
fn a_file_whose_id_does_not_match_its_name_is_reported() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Fine", &[], ID_A);
    env.new_ticket_pinned("ana", "Misnamed", &[], ID_B);
    fs::rename(env.ticket_path(ID_B), env.ticket_path(ID_C)).unwrap();
    let out = env.baton(&["list"]);
    out.code(1);
    assert!(
        out.stderr.contains(&format!(
            "tickets/{ID_C}.toml: the id inside ({ID_B}) does not match the file name"
        )),
        "{}",
        out.stderr
    );
    let before = env.store_bytes();
    env.baton_as("ana", &["note", ID_C, "x"]).code(1);
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn stray_files_in_the_store_are_skipped_with_a_warning() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Fine", &[], ID_A);
    fs::write(env.store().join("notes.toml"), "x = 1\n").unwrap();
    fs::write(env.store().join("README.md"), "not a ticket\n").unwrap();
    fs::write(env.store().join(".baton-leftover.tmp"), "half a write").unwrap();
    let out = env.baton(&["list", "--json"]);
    assert_eq!(out.json().as_array().unwrap().len(), 1);
    assert_eq!(
        out.stderr,
        "warning: tickets/notes.toml: not named by a ticket id, so it was skipped\n\
         hint: ticket files are named <id>.toml; move other files out of the store\n\
         {\"error\":{\"exit\":1,\"hint\":null,\"kind\":\"partial\",\"message\":\"1 ticket file(s) could not be read; the list shows the rest\",\"unreadable\":[{\"line\":null,\"path\":\"tickets/notes.toml\",\"problem\":\"tickets/notes.toml: not named by a ticket id, so it was skipped\"}]}}\n"
    );
}

#[test]
fn writes_leave_no_temporary_files_behind() {
    let env = TestEnv::team();
    let id = env.new_ticket("ana", "One");
    env.baton_as("ana", &["pass", &id, "ben"]).success();
    env.baton_as("ben", &["note", &id, "x"]).success();
    env.baton_as("ben", &["edit", &id, "--priority", "low"])
        .success();
    env.cmd(&["escalate"]).now(&at(30, 0)).run().success();
    env.baton(&["people", "add", "dan", "--level", "1"])
        .success();
    let mut names: Vec<String> = fs::read_dir(env.store())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut expected = vec![
        ".local".to_string(),
        format!("{id}.toml"),
        "baton.toml".to_string(),
    ];
    expected.sort();
    assert_eq!(names, expected);
}

#[test]
fn concurrent_writers_never_lose_each_others_events() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Busy ticket", &[], ID_A);
    let children: Vec<_> = (0..8)
        .map(|i| {
            let who = ["ana", "ben", "cora"][i % 3];
            env.cmd(&["--as", who, "note", ID_A, &format!("note {i}")])
                .command()
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let mut notes: Vec<String> = env
        .events(ID_A)
        .iter()
        .filter_map(|e| e.get("text").and_then(|t| t.as_str()).map(str::to_string))
        .collect();
    notes.sort();
    let expected: Vec<String> = (0..8).map(|i| format!("note {i}")).collect();
    assert_eq!(notes, expected);
}

#[test]
fn control_characters_in_ticket_text_never_reach_the_terminal() {
    let env = TestEnv::team();
    let title = "Hi\u{1b}]0;pwned\u{7} \u{1b}[31mred\r\u{202e}txt\u{9b}x";
    env.new_ticket_pinned(
        "ana",
        title,
        &[
            "--customer",
            "eve\u{1b}[2J@example.com",
            "--body",
            "line\u{1b}[1A\nnext\u{202e}",
        ],
        ID_A,
    );
    env.baton_as("ana", &["note", ID_A, "note\u{1b}[31m\r"])
        .success();
    env.baton_as("ana", &["pass", ID_A, "ben", "--note", "x\u{202e}y"])
        .success();
    assert_eq!(
        env.field(ID_A, "title"),
        title,
        "the file keeps the text as given"
    );

    let list = env.baton(&["list"]);
    let show = env.baton(&["show", ID_A]);
    let take = env.baton_as("cora", &["take", ID_A]);
    for (what, out) in [("list", &list), ("show", &show), ("take", &take)] {
        out.success();
        for bad in ['\u{1b}', '\r', '\u{7}', '\u{202e}', '\u{9b}'] {
            assert!(
                !out.stdout.contains(bad),
                "{what} shows {bad:?}:\n{}",
                out.stdout
            );
            assert!(
                !out.stderr.contains(bad),
                "{what} shows {bad:?}:\n{}",
                out.stderr
            );
        }
    }
    insta::assert_snapshot!(list.render(), @r"
        ID    STATUS  OWNER  PRIORITY  DUE     CUSTOMER              TITLE
        0b7c  open    ben    normal    in 20h  eve\e[2J@example.com  Hi\e]0;pwned\u{7} \e[31mred\r\u{202e}txt\u{9b}x
        [exit 0]
    ");
    insta::assert_snapshot!(show.render(), @r"
        0b7c  Hi\e]0;pwned\u{7} \e[31mred\r\u{202e}txt\u{9b}x
        0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84

        status    open
        owner     ben
        customer  eve\e[2J@example.com
        priority  normal
        tags      -
        created   2026-11-02 08:00
        updated   2026-11-02 08:00
        due       2026-11-03 04:00 (in 20h)

          line\e[1A
          next\u{202e}

        History
          2026-11-02 08:00  ana  created it for ana
          2026-11-02 08:00  ana  noted
              │ note\e[31m\r
          2026-11-02 08:00  ana  passed it to ben: x\u{202e}y
        [exit 0]
    ");
    // JSON keeps the text exact: escaping is the JSON reader's business.
    let json = env.baton(&["show", ID_A, "--json"]).json();
    assert_eq!(json["title"], title);
}

#[test]
fn control_characters_in_error_messages_are_escaped_too() {
    let env = TestEnv::team();
    let out = env.baton_as("zed\u{1b}[31m", &["new", "x"]);
    out.code(1);
    assert!(!out.stderr.contains('\u{1b}'), "{}", out.stderr);
    let out = env.baton_as("ana", &["show", "0b7c\u{1b}[2J"]);
    out.code(1);
    assert!(!out.stderr.contains('\u{1b}'), "{}", out.stderr);
}

#[test]
fn python_tomllib_reads_the_files_baton_writes() {
    let env = TestEnv::team();
    let id = env.new_ticket_with(
        "ana",
        "Quotes \" backslash \\ tab\t unicode żółw \u{1b} bell\u{7}",
        &[
            "--body",
            "multi\nline\n'''\n\"\"\"\n",
            "--customer",
            "a@b.c",
        ],
    );
    env.baton_as("ana", &["note", &id, "end\r\n"]).success();
    env.cmd(&["escalate"]).now(&at(21, 0)).run().success();
    let files = [env.ticket_path(&id), env.store().join("baton.toml")];
    let script = "import tomllib,sys,json\n\
                  print(json.dumps([tomllib.load(open(f,'rb')) for f in sys.argv[1:]], default=str))";
    let out = match Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(&files)
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("note: python3 is not available ({e}); skipping");
            return;
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("No module named 'tomllib'") {
        eprintln!("note: this python3 has no tomllib; skipping");
        return;
    }
    assert!(out.status.success(), "{stderr}");
    let docs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        docs[0]["title"],
        "Quotes \" backslash \\ tab\t unicode żółw \u{1b} bell\u{7}"
    );
    assert_eq!(docs[0]["description"], "multi\nline\n'''\n\"\"\"\n");
    assert_eq!(docs[0]["events"][1]["text"], "end\r\n");
    assert_eq!(docs[1]["people"][2]["name"], "cora");
}

#[test]
fn control_characters_in_names_from_a_file_never_reach_the_terminal() {
    // A hand-edited (or maliciously merged) file may name an owner with escape
    // sequences; every human message that repeats it must escape it.
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Taken", &[], ID_A);
    env.new_ticket_pinned("ana", "Escalated", &[], ID_B);
    for id in [ID_A, ID_B] {
        let text = env.ticket_text(id).replace("\"ana\"", "\"ana\\u001b[2J\"");
        fs::write(env.ticket_path(id), text).unwrap();
    }
    let runs = [
        ("take", env.cmd(&["--as", "cora", "take", ID_A]).run()),
        ("show", env.baton(&["show", ID_B])),
        ("list", env.baton(&["list"])),
        (
            "escalate --warn",
            env.cmd(&["escalate", "--warn", "2h"]).now(&at(19, 0)).run(),
        ),
        ("escalate", env.cmd(&["escalate"]).now(&at(20, 0)).run()),
    ];
    let mut leaks = Vec::new();
    for (what, out) in runs {
        out.success();
        if out.stdout.contains('\u{1b}') || out.stderr.contains('\u{1b}') {
            leaks.push(format!("{what}: {}", out.stdout.escape_debug()));
        } else {
            assert!(out.stdout.contains("ana\\e[2J"), "{what}:\n{}", out.stdout);
        }
    }
    assert!(
        leaks.is_empty(),
        "raw ESC printed by:\n{}",
        leaks.join("\n")
    );
}

#[test]
fn a_file_that_is_not_utf8_is_reported_with_its_line() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Fine", &[], ID_A);
    env.new_ticket_pinned("ana", "Garbled", &[], ID_B);
    let mut bytes = fs::read(env.ticket_path(ID_B)).unwrap();
    let at_title = bytes.windows(7).position(|w| w == b"Garbled").unwrap();
    bytes[at_title + 3] = 0xff;
    fs::write(env.ticket_path(ID_B), &bytes).unwrap();
    let out = env.baton(&["list", "--json"]);
    out.code(1);
    assert_eq!(out.json().as_array().unwrap().len(), 1);
    assert!(
        out.stderr.starts_with(&format!(
            "warning: tickets/{ID_B}.toml:2:13: the file is not valid UTF-8"
        )),
        "{}",
        out.stderr
    );
    let before = env.store_bytes();
    env.baton_as("ana", &["note", ID_B, "x"]).code(1);
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn events_are_only_ever_appended() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "History", &["--tag", "a"], ID_A);
    let steps: [&[&str]; 10] = [
        &["--as", "ana", "pass", ID_A, "ben"],
        &["--as", "cora", "take", ID_A],
        &["--as", "ana", "note", ID_A, "n"],
        &["--as", "cora", "reply", ID_A, "r"],
        &[
            "--as", "cora", "edit", ID_A, "--title", "Renamed", "--untag", "a",
        ],
        &["--as", "cora", "wait", ID_A],
        &["--as", "ben", "reopen", ID_A],
        &["escalate"],
        &["--as", "cora", "resolve", ID_A],
        &["--as", "ana", "close", ID_A, "--yes"],
    ];
    let events_of = |text: &str| text[text.find("[[events]]").unwrap()..].to_string();
    for (i, args) in steps.iter().enumerate() {
        let before = events_of(&env.ticket_text(ID_A));
        env.cmd(args).now(&at(i as i64 * 5, 0)).run().success();
        let after = events_of(&env.ticket_text(ID_A));
        assert!(
            after.starts_with(&before) && after.len() > before.len(),
            "{args:?} rewrote the history:\n{before}\n---\n{after}"
        );
    }
    // created, then one per step, and the edit wrote two (title and tags).
    assert_eq!(env.events(ID_A).len(), 12);
}

#[cfg(unix)]
#[test]
fn writes_keep_file_modes_so_a_group_can_share_the_store() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for (umask, new_file) in [(0o002, 0o664), (0o022, 0o644)] {
        let env = TestEnv::empty();
        env.cmd(&["init", "--name", "ana"])
            .umask(umask)
            .run()
            .success();
        let config = env.store().join("baton.toml");
        assert_eq!(
            mode(&config),
            new_file,
            "a new config under umask {umask:o}"
        );
        let out = env
            .cmd(&["--as", "ana", "new", "Shared"])
            .umask(umask)
            .run();
        out.success();
        let id = out.stdout.trim().to_string();
        let ticket = env.ticket_path(&id);
        assert_eq!(
            mode(&ticket),
            new_file,
            "a new ticket under umask {umask:o}"
        );
        // A mode someone chose stays through every write, whatever the umask.
        fs::set_permissions(&ticket, fs::Permissions::from_mode(0o660)).unwrap();
        fs::set_permissions(&config, fs::Permissions::from_mode(0o660)).unwrap();
        for args in [
            &["--as", "ana", "note", &id[..8], "still shared"][..],
            &["people", "add", "ben", "--level", "2"],
        ] {
            env.cmd(args).umask(0o077).run().success();
        }
        assert_eq!(mode(&ticket), 0o660, "the ticket after a note");
        assert_eq!(mode(&config), 0o660, "the config after people add");
    }
}
