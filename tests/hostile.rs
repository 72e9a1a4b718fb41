//! Hostile input: broken files, strange bytes, escape sequences and paths.
//! Each gets a clear error or a safe display, never a panic.

use std::fs;

use crate::common::{ID_A, Output, TestEnv};

/// No panic, no crash: a clean exit with the expected code.
#[track_caller]
fn no_panic(out: &Output, code: i32, what: &str) {
    assert!(!out.stderr.contains("panicked"), "{what}: {}", out.stderr);
    assert_eq!(out.code, code, "{what}: {}", out.render());
}

/// A ticket file that starts valid, with one line replaced.
fn ticket_with(env: &TestEnv, from: &str, to: &str) {
    env.new_ticket_pinned("ana", "Refund", &[], ID_A);
    env.edit_ticket_file(ID_A, from, to);
}

#[test]
fn broken_ticket_files_are_named_never_rewritten() {
    // (what, from, to, words in the error)
    let cases = [
        (
            "malformed",
            "title = \"Refund\"",
            "title = \"Refund",
            "tickets/0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84.toml:2:",
        ),
        (
            "wrong type",
            "title = \"Refund\"",
            "title = 5",
            "invalid type",
        ),
        (
            "missing key",
            "owner = \"ana\"\n",
            "",
            "missing field `owner`",
        ),
        (
            "unknown status",
            "status = \"open\"",
            "status = \"pending\"",
            "unknown variant `pending`",
        ),
        (
            "duplicate key",
            "title = \"Refund\"",
            "title = \"Refund\"\ntitle = \"Again\"",
            "duplicate key",
        ),
        (
            "NUL byte",
            "title = \"Refund\"",
            "title = \"Ref\0und\"",
            ":2:",
        ),
        (
            "bad time",
            "created = 2026",
            "created = \"yesterday\" #",
            "expected a TOML datetime",
        ),
    ];
    for (what, from, to, words) in cases {
        let env = TestEnv::team();
        ticket_with(&env, from, to);
        let before = env.store_bytes();
        for args in [
            &["list"][..],
            &["show", "0b7c"],
            &["--as", "ana", "note", "0b7c", "x"],
            &["report"],
            &["escalate"],
        ] {
            let out = env.baton(args);
            no_panic(&out, 1, what);
            assert!(
                out.stderr.contains(words),
                "{what} {args:?}: {}",
                out.stderr
            );
        }
        assert_eq!(env.store_bytes(), before, "{what}: nothing was rewritten");
    }
}

#[test]
fn invalid_utf8_and_empty_files_are_errors_with_a_place() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund", &[], ID_A);
    let mut bytes = env.ticket_text(ID_A).into_bytes();
    bytes.splice(30..30, [b'\n', 0xff, 0xfe]);
    fs::write(env.ticket_path(ID_A), &bytes).unwrap();
    let out = env.baton(&["show", "0b7c"]);
    no_panic(&out, 1, "invalid UTF-8");
    assert!(
        out.stderr.contains(":2:1: the file is not valid UTF-8"),
        "{}",
        out.stderr
    );
    fs::write(env.ticket_path(ID_A), "").unwrap();
    let out = env.baton(&["show", "0b7c"]);
    no_panic(&out, 1, "empty file");
    assert!(out.stderr.contains("missing field"), "{}", out.stderr);
}

#[test]
fn a_twenty_megabyte_description_still_works() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Huge", &[], ID_A);
    let body = "All work and no play. ".repeat(1_000_000);
    env.edit_ticket_file(
        ID_A,
        "created = ",
        &format!("description = \"{body}\"\ncreated = "),
    );
    let out = env.baton(&["--json", "show", "0b7c"]);
    no_panic(&out, 0, "20 MB");
    assert_eq!(
        out.json()["description"].as_str().map(str::len),
        Some(body.len())
    );
    no_panic(
        &env.baton(&["--as", "ana", "note", "0b7c", "still fine"]),
        0,
        "20 MB write",
    );
}

#[test]
fn escape_sequences_in_ticket_text_are_shown_not_obeyed() {
    let env = TestEnv::team();
    let title = "Hi\x1b]0;pwned\x07 \x1b[31mred\r\u{202e}txt\u{9b}2J \u{0}nul";
    env.new_ticket_pinned(
        "ana",
        "placeholder",
        &["--customer", "evil\x1b[2J@example.com"],
        ID_A,
    );
    let escaped = toml::Value::String(title.into()).to_string();
    env.edit_ticket_file(
        ID_A,
        "title = \"placeholder\"",
        &format!("title = {escaped}"),
    );
    env.baton_as("ana", &["note", "0b7c", "line\x1b[1A\rover"])
        .success();
    for args in [
        &["list"][..],
        &["show", "0b7c"],
        &["report"],
        &["--as", "ana", "pass", "0b7c", "ben"],
    ] {
        let out = env.baton(args);
        no_panic(&out, 0, &format!("{args:?}"));
        for text in [&out.stdout, &out.stderr] {
            for bad in ['\x1b', '\r', '\u{202e}', '\u{9b}', '\0', '\x07'] {
                assert!(!text.contains(bad), "{args:?} printed {bad:?}: {text:?}");
            }
        }
    }
    let show = env.baton(&["show", "0b7c"]);
    assert!(
        show.stdout
            .contains("Hi\\e]0;pwned\\u{7} \\e[31mred\\r\\u{202e}txt"),
        "{}",
        show.stdout
    );
}

#[cfg(unix)]
#[test]
fn json_on_a_terminal_escapes_controls_and_json_to_a_pipe_stays_exact() {
    let env = TestEnv::team();
    let title = "a\u{9b}2J \u{202e}evil \u{061c}mark \u{2066}iso";
    env.new_ticket_pinned("ana", "placeholder", &[], ID_A);
    let escaped = toml::Value::String(title.into()).to_string();
    env.edit_ticket_file(
        ID_A,
        "title = \"placeholder\"",
        &format!("title = {escaped}"),
    );
    for args in [&["show", "0b7c", "--json"][..], &["list", "--json"]] {
        let (screen, code) = crate::common::finish(env.cmd(args).pty_without_stdin());
        assert_eq!(code, 0, "{screen}");
        for bad in ['\u{9b}', '\u{202e}', '\u{061c}', '\u{2066}'] {
            assert!(
                !screen.contains(bad),
                "{args:?} showed {bad:?} raw: {screen:?}"
            );
        }
        assert!(screen.contains("\\u202e"), "{screen}");
        let piped = env.baton(args);
        piped.success();
        assert!(
            piped.stdout.contains(title),
            "a pipe gets the text as it is"
        );
    }
}

#[test]
fn ids_that_look_like_paths_never_leave_the_store() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund", &[], ID_A);
    let before = env.store_bytes();
    for id in [
        "../../etc/passwd",
        "/tmp/x",
        "0b7c/../x",
        "..",
        "0b7c%2f..",
        "",
    ] {
        for args in [
            vec!["show", id],
            vec!["--as", "ana", "note", id, "x"],
            vec!["--as", "ana", "resolve", id],
        ] {
            let out = env.baton(&args);
            assert!(out.code == 1 || out.code == 2, "{args:?}: {}", out.render());
            assert!(!out.stderr.contains("panicked"), "{args:?}");
        }
    }
    assert_eq!(env.store_bytes(), before);
    assert!(!std::path::Path::new("/tmp/x.toml").exists());
}

#[test]
fn a_name_with_a_newline_is_refused_and_shown_escaped() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund", &[], ID_A);
    let out = env.baton(&["--as", "ana\nerror: fake", "note", "0b7c", "x"]);
    no_panic(&out, 1, "--as with a newline");
    assert_eq!(
        out.stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .count(),
        1,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("ana error: fake") || out.stderr.contains("ana\\nerror"),
        "{}",
        out.stderr
    );
    let out = env.baton(&["people", "add", "eve\nmallory", "--level", "1"]);
    assert_eq!(out.code, 2, "{}", out.render());
}

#[test]
fn broken_team_configs_are_refused_with_their_line() {
    let cases = [
        (
            "empty team",
            "[[people]]\nname = \"ana\"\nlevel = 1\n",
            "people = []\n",
            "no people",
        ),
        (
            "repeated name",
            "name = \"ana\"\nlevel = 1\n",
            "name = \"ana\"\nlevel = 1\n\n[[people]]\nname = \"ana\"\nlevel = 2\n",
            "listed twice",
        ),
        (
            "bad duration",
            "after = \"20h\"",
            "after = \"soon\"",
            "'soon' is not a duration",
        ),
        (
            "escalation after a lifetime",
            "after = \"20h\"",
            "after = \"100000000000h\"",
            "at most 3650d",
        ),
        (
            "first response after a lifetime",
            "first_response = \"1h\"",
            "first_response = \"100000000000h\"",
            "at most 3650d",
        ),
    ];
    for (what, from, to, words) in cases {
        let env = TestEnv::solo();
        env.edit_config(from, to);
        let commands = [
            &["list"][..],
            &["doctor"],
            &["--as", "ana", "new", "x"],
            &["escalate"],
            &["report"],
        ];
        for args in commands {
            let out = env.baton(args);
            no_panic(&out, 1, what);
            assert!(
                out.stderr.contains("baton.toml:") || out.stdout.contains("baton.toml:"),
                "{what} {args:?}: {}",
                out.render()
            );
            assert!(
                out.stderr.contains(words) || out.stdout.contains(words),
                "{what} {args:?}: {}",
                out.render()
            );
        }
    }
}

#[test]
fn durations_too_long_on_the_command_line_are_usage_errors() {
    let env = TestEnv::solo();
    env.new_ticket_pinned("ana", "Refund", &[], ID_A);
    for args in [
        &["escalate", "--warn", "100000000000h"][..],
        &["escalate", "--dry-run", "--warn", "3651d"],
        &["log", "0b7c", "18446744073709551615s"],
    ] {
        let out = env.baton(args);
        no_panic(&out, 2, &format!("{args:?}"));
        assert!(out.stderr.contains("at most 3650d"), "{}", out.render());
    }
    // The longest accepted duration still works end to end.
    env.baton(&["escalate", "--dry-run", "--warn", "3650d"])
        .success();
}
