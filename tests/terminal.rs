//! baton at a terminal, driven through a pseudo-terminal as a person would:
//! the questions of `new`, `pass` and `close`, the editor loop (with a scripted
//! editor), and colour. Without a terminal, nothing is ever asked.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use crate::common::{ID_A, TestEnv, at, event_kinds, finish};

/// The key a terminal sends for the down arrow.
const DOWN: &str = "\x1b[B";

/// Types keys (unbuffered, as a person presses them).
fn keys(p: &mut rexpect::session::PtySession, keys: &str) {
    p.send(keys).unwrap();
    p.flush().unwrap();
}

/// Writes an executable shell script into the test folder.
fn script(env: &TestEnv, name: &str, body: &str) -> PathBuf {
    let path = env.root().join(name);
    fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn new_at_a_terminal_asks_for_each_field_and_the_description_in_the_editor() {
    let env = TestEnv::team();
    let editor = script(
        &env,
        "describe",
        r#"{ printf 'It smokes.\n# step 2 of the manual\n'; cat "$1"; } > "$1.new" && mv "$1.new" "$1""#,
    );
    let mut p = env
        .cmd(&["--as", "ana", "new", "--tag", "hardware"])
        .env("EDITOR", &editor)
        .pty();
    p.exp_string("Title (one line): ").unwrap();
    p.send_line("Printer on fire").unwrap();
    p.exp_string("Customer (usually an e-mail; Enter for none): ")
        .unwrap();
    p.send_line("jan@example.com").unwrap();
    p.exp_string("Priority:").unwrap();
    // The choice starts at normal; one down is high.
    p.exp_string("> normal").unwrap();
    keys(&mut p, DOWN);
    keys(&mut p, "\r");
    p.exp_string("Priority: high").unwrap();
    p.exp_string("Write a description in your editor? [Y/n]")
        .unwrap();
    keys(&mut p, "y");
    p.exp_string("created ").unwrap();
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "{rest}");
    let ids = env.ticket_ids();
    assert_eq!(ids.len(), 1);
    let t = env.ticket_toml(&ids[0]);
    assert_eq!(t["title"].as_str(), Some("Printer on fire"));
    assert_eq!(t["customer"].as_str(), Some("jan@example.com"));
    assert_eq!(t["priority"].as_str(), Some("high"));
    assert_eq!(t["tags"].as_array().unwrap().len(), 1, "flags still count");
    assert_eq!(
        t["description"].as_str(),
        Some("It smokes.\n# step 2 of the manual"),
        "the guide's comment lines go; the person's own '#' line stays"
    );
    assert!(rest.contains(&ids[0]), "the id is printed: {rest}");
    assert!(rest.contains("next: 'baton pass"), "{rest}");
}

#[test]
fn new_at_a_terminal_asks_only_for_what_the_flags_left_out() {
    let env = TestEnv::team();
    let mut p = env
        .cmd(&[
            "--as",
            "ana",
            "new",
            "--customer",
            "jan@example.com",
            "--priority",
            "low",
            "--body",
            "Given.",
        ])
        .pty();
    p.exp_string("Title (one line): ").unwrap();
    p.send_line("Only the title is asked").unwrap();
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "{rest}");
    assert!(
        !rest.contains("Customer") && !rest.contains("Priority"),
        "{rest}"
    );
    let t = env.ticket_toml(&env.ticket_ids()[0]);
    assert_eq!(t["priority"].as_str(), Some("low"));
    assert_eq!(t["description"].as_str(), Some("Given."));
}

#[test]
fn new_with_a_title_at_a_terminal_asks_nothing() {
    let env = TestEnv::team();
    let p = env.cmd(&["--as", "ana", "new", "Quick one"]).pty();
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "{rest}");
    assert!(rest.starts_with("created "), "{rest}");
    assert_eq!(env.ticket_ids().len(), 1);
}

#[test]
fn pass_at_a_terminal_offers_the_team_next_level_up_first() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    env.new_ticket("cora", "Something of cora's");
    let mut p = env.cmd(&["--as", "ana", "pass", "0b7c"]).pty();
    p.exp_string("Pass 0b7c to:").unwrap();
    let menu = p.exp_string("cora  level 3, 1 open").unwrap();
    assert!(
        menu.contains("> ben   level 2, 0 open, the next level up"),
        "ben, one level up, comes first and is chosen: {menu:?}"
    );
    keys(&mut p, DOWN);
    keys(&mut p, "\r");
    p.exp_string("Note for cora (Enter for none): ").unwrap();
    p.send_line("needs the top").unwrap();
    p.exp_string("passed 0b7c to cora").unwrap();
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "{rest}");
    assert_eq!(env.field(ID_A, "owner"), "cora");
    let last = env.events(ID_A).pop().unwrap();
    assert_eq!(last["note"].as_str(), Some("needs the top"));
}

#[test]
fn pass_at_a_terminal_refuses_a_non_owner_before_offering_anyone() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    let p = env.cmd(&["--as", "ben", "pass", "0b7c"]).pty();
    let (rest, code) = finish(p);
    assert_eq!(code, 1, "{rest}");
    assert!(
        rest.contains("only the owner can pass 0b7c; it belongs to ana"),
        "{rest}"
    );
    assert!(!rest.contains("Pass 0b7c to"), "{rest}");
}

#[test]
fn close_at_a_terminal_confirms_closing_someone_elses_ticket() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ben", "Refund not received", &[], ID_A);

    let mut p = env.cmd(&["--as", "ana", "close", "0b7c"]).pty();
    p.exp_string("0b7c belongs to ben. Close it anyway? [y/N]")
        .unwrap();
    keys(&mut p, "n");
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "declining is a choice, not a failure: {rest}");
    assert!(rest.contains("cancelled: 0b7c was not closed"), "{rest}");
    assert_eq!(env.field(ID_A, "status"), "open");

    let mut p = env.cmd(&["--as", "ana", "close", "0b7c"]).pty();
    p.exp_string("Close it anyway? [y/N]").unwrap();
    keys(&mut p, "y");
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "{rest}");
    assert_eq!(env.field(ID_A, "status"), "closed");
}

#[test]
fn yes_answers_the_confirmation_before_and_after_the_command() {
    for args in [
        ["--yes", "--as", "ana", "close", "0b7c"],
        ["--as", "ana", "close", "0b7c", "-y"],
    ] {
        let env = TestEnv::team();
        env.new_ticket_pinned("ben", "Refund not received", &[], ID_A);
        let (rest, code) = finish(env.cmd(&args).pty());
        assert_eq!(code, 0, "{args:?}: {rest}");
        assert!(!rest.contains("anyway?"), "{args:?}: {rest}");
        assert_eq!(env.field(ID_A, "status"), "closed");
    }
}

/// The scripted editor of the editor-loop tests: each call is one step. It
/// insists on its first argument (`--wait`, as `code --wait` would get) and
/// keeps a copy of what it was shown.
const STEPPED_EDITOR: &str = r#"
[ "$1" = "--wait" ] || { echo "expected --wait first, got '$1'" >&2; exit 3; }
file=$2
n=$(( $(cat "$DIR/step" 2>/dev/null || echo 0) + 1 ))
echo $n > "$DIR/step"
cp "$file" "$DIR/seen-$n"
case $n in
1) # Someone else edits the ticket while this editor is open.
   "$BATON" --as ben edit 0b7c --customer new@example.com --tag vip || exit 4
   sed 's/^priority = .*/priority = "hihg"/' "$file" > "$file.new" && mv "$file.new" "$file" ;;
2) grep -q "^# ERROR: " "$file" || exit 5
   sed 's/^priority = .*/priority = "urgent"/' "$file" > "$file.new" && mv "$file.new" "$file" ;;
*) exit 6 ;;
esac
"#;

#[test]
fn edit_opens_the_editor_reopens_it_on_a_mistake_and_applies_on_the_fresh_ticket() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &["--tag", "billing"], ID_A);
    let editor = script(&env, "stepped-editor", STEPPED_EDITOR);
    env.set_now(&at(1, 0));
    let p = env
        .cmd(&["--as", "ana", "edit", "0b7c"])
        .env("VISUAL", format!("{} --wait", editor.display()))
        .env("EDITOR", "false")
        .env("DIR", env.root())
        .env("BATON", env!("CARGO_BIN_EXE_baton"))
        .pty();
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "{rest}");
    assert!(rest.contains("changed priority of 0b7c"), "{rest}");

    let first = fs::read_to_string(env.root().join("seen-1")).unwrap();
    assert!(
        first.starts_with("# Ticket 0b7c (open, owned by ana).\n# Save and close the editor"),
        "{first}"
    );
    assert!(
        first.contains("\npriority = \"normal\"\ntags = [\"billing\"]\n"),
        "{first}"
    );

    let second = fs::read_to_string(env.root().join("seen-2")).unwrap();
    let (head, _) = second.split_once("# Ticket 0b7c").unwrap();
    let line: usize = head
        .strip_prefix("# ERROR: line ")
        .and_then(|h| h.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no error on top:\n{second}"));
    assert_eq!(
        head.lines().collect::<Vec<_>>()[..2],
        [
            format!(
                "# ERROR: line {line}, column 12: unknown priority 'hihg' (expected low, normal, high or urgent); did you mean 'high'?"
            ),
            "#   | priority = \"hihg\"".to_string(),
        ]
    );
    assert_eq!(
        second.lines().nth(line - 1),
        Some("priority = \"hihg\""),
        "the error names the line as the reopened file has it"
    );

    // ben's change while the editor was open stays; ana's applies on top.
    let t = env.ticket_toml(ID_A);
    assert_eq!(t["priority"].as_str(), Some("urgent"));
    assert_eq!(t["customer"].as_str(), Some("new@example.com"));
    assert_eq!(
        t["tags"],
        toml::Value::Array(vec!["billing".into(), "vip".into()])
    );
    let edits: Vec<(String, String)> = env
        .events(ID_A)
        .iter()
        .filter(|e| e["kind"].as_str() == Some("edited"))
        .map(|e| {
            (
                e["by"].as_str().unwrap().to_string(),
                e["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        edits,
        [
            ("ben".into(), "customer".into()),
            ("ben".into(), "tags".into()),
            ("ana".into(), "priority".into()),
        ]
    );
}

#[test]
fn an_editor_buffer_left_unchanged_or_emptied_cancels() {
    let cases = [
        ("unchanged", "true"),
        ("emptied", ": > \"$1\""),
        ("only comments", "echo '# nothing' > \"$1\""),
    ];
    for (what, body) in cases {
        let env = TestEnv::team();
        env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
        let editor = script(&env, "editor", body);
        let before = env.store_bytes();
        for args in [
            &["--as", "ana", "edit", "0b7c"][..],
            &["--as", "ana", "new", "Printer on fire", "--edit"][..],
        ] {
            let p = env.cmd(args).env("EDITOR", &editor).pty();
            let (rest, code) = finish(p);
            assert_eq!(code, 0, "{what} {args:?}: {rest}");
            assert!(rest.starts_with("cancelled: "), "{what} {args:?}: {rest}");
            assert_eq!(
                env.store_bytes(),
                before,
                "{what} {args:?}: nothing written"
            );
        }
    }
}

#[test]
fn new_edit_creates_the_ticket_written_in_the_editor() {
    let env = TestEnv::team();
    let editor = script(
        &env,
        "editor",
        r#"sed -e 's/^customer = .*/customer = "jan@example.com"/' \
    -e 's/^tags = .*/tags = ["billing", "vip"]/' \
    -e 's/^description = .*/description = """Charged twice./' "$1" > "$1.new" && mv "$1.new" "$1""#,
    );
    let p = env
        .cmd(&[
            "--as",
            "ana",
            "new",
            "Refund not received",
            "--edit",
            "--priority",
            "high",
        ])
        .env("EDITOR", &editor)
        .pty();
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "{rest}");
    let t = env.ticket_toml(&env.ticket_ids()[0]);
    assert_eq!(t["title"].as_str(), Some("Refund not received"));
    assert_eq!(t["customer"].as_str(), Some("jan@example.com"));
    assert_eq!(
        t["priority"].as_str(),
        Some("high"),
        "the flags fill the form"
    );
    assert_eq!(t["description"].as_str(), Some("Charged twice."));
    assert_eq!(
        event_kinds(&env.baton(&["show", &env.ticket_ids()[0], "--json"]).json()),
        ["created"]
    );
}

#[test]
fn an_editor_that_cannot_start_is_an_error_saying_what_to_set() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    let before = env.store_bytes();
    let p = env
        .cmd(&["--as", "ana", "edit", "0b7c"])
        .env("EDITOR", "no-such-editor --wait")
        .pty();
    let (rest, code) = finish(p);
    assert_eq!(code, 1, "{rest}");
    assert!(
        rest.contains("error: cannot start the editor 'no-such-editor --wait'"),
        "{rest}"
    );
    assert!(rest.contains("hint: set VISUAL or EDITOR"), "{rest}");
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn reply_without_text_at_a_terminal_is_written_in_the_editor() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    let editor = script(
        &env,
        "editor",
        r#"cp "$1" "$1.seen"; { echo 'The refund is on its way.'; cat "$1"; } > "$1.new" && mv "$1.new" "$1"; cp "$1.seen" "$HOME/seen""#,
    );
    let p = env
        .cmd(&["--as", "ana", "reply", "0b7c"])
        .env("EDITOR", &editor)
        .pty();
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "{rest}");
    let seen = fs::read_to_string(env.root().join("seen")).unwrap();
    assert!(
        seen.contains("# Write the reply to the customer on 0b7c \"Refund not received\"."),
        "{seen}"
    );
    let last = env.events(ID_A).pop().unwrap();
    assert_eq!(last["kind"].as_str(), Some("reply"));
    assert_eq!(last["text"].as_str(), Some("The refund is on its way."));
}

/// Every command that could ask something, and the flag its error names.
const WOULD_ASK: [(&[&str], &str); 6] = [
    (&["new"], "baton new \"Refund not received\""),
    (&["new", "--edit"], "give the fields as flags"),
    (&["pass", "0b7c"], "baton pass 0b7c NAME"),
    (&["edit", "0b7c"], "pass --title, --customer, --priority"),
    (&["reply", "0b7c"], "baton reply 0b7c \"TEXT\""),
    (&["close", "0b7c"], "run 'baton close 0b7c --yes'"),
];

#[test]
fn without_a_terminal_on_stdin_nothing_is_asked_and_the_error_names_the_flag() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ben", "Refund not received", &[], ID_A);
    let before = env.store_bytes();
    for (args, hint) in WOULD_ASK {
        // stdout and stderr are a terminal; stdin is not.
        let mut all = vec!["--as", "ben"];
        if args[0] == "close" {
            all[1] = "ana";
        }
        all.extend_from_slice(args);
        let (rest, code) = finish(env.cmd(&all).pty_without_stdin());
        assert_ne!(code, 0, "{args:?}: {rest}");
        assert!(rest.contains("error: "), "{args:?}: {rest}");
        assert!(rest.contains(hint), "{args:?}: {rest}");
        assert!(!rest.contains('?'), "{args:?} asked something: {rest}");
    }
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn yes_or_json_at_a_terminal_asks_nothing() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ben", "Refund not received", &[], ID_A);
    let before = env.store_bytes();
    for flag in ["--yes", "--json"] {
        for (args, hint) in WOULD_ASK {
            if args[0] == "close" {
                continue; // --yes closes it; --json alone is shown below
            }
            let mut all = vec![flag, "--as", "ben"];
            all.extend_from_slice(args);
            let (rest, code) = finish(env.cmd(&all).pty());
            assert_ne!(code, 0, "{flag} {args:?}: {rest}");
            // Under --json the hint is inside the error's JSON line.
            let shown = match flag {
                "--json" => serde_json::to_string(hint)
                    .unwrap()
                    .trim_matches('"')
                    .to_string(),
                _ => hint.to_string(),
            };
            assert!(rest.contains(&shown), "{flag} {args:?}: {rest}");
            assert!(
                !rest.contains('?'),
                "{flag} {args:?} asked something: {rest}"
            );
        }
    }
    let (rest, code) = finish(env.cmd(&["--json", "--as", "ana", "close", "0b7c"]).pty());
    assert_eq!(code, 1, "{rest}");
    assert!(rest.contains("--yes"), "{rest}");
    assert_eq!(env.store_bytes(), before);
}

/// The human output of `list`, `show` and `escalate --dry-run` on a terminal.
fn on_a_terminal(env: &TestEnv, flags: &[&str], no_color: bool) -> Vec<String> {
    [
        &["list"][..],
        &["show", "0b7c"][..],
        &["escalate", "--dry-run", "--warn", "24h"][..],
    ]
    .iter()
    .map(|args| {
        let mut all = flags.to_vec();
        all.extend_from_slice(args);
        let mut run = env.cmd(&all);
        if !no_color {
            run = run.env_remove("NO_COLOR");
        }
        let (out, code) = finish(run.pty());
        assert_eq!(code, 0, "{all:?}: {out}");
        out
    })
    .collect()
}

#[test]
fn colour_on_a_terminal_unless_no_color_or_color_never() {
    let env = TestEnv::team();
    env.new_ticket_pinned(
        "ana",
        "Refund not received",
        &["--priority", "urgent"],
        ID_A,
    );
    env.new_ticket("ana", "Due soon");
    env.set_now(&at(2, 0));
    env.baton_as("ana", &["new", "Later"]).success();
    env.set_now(&at(21, 0));

    for out in on_a_terminal(&env, &[], false) {
        assert!(
            out.contains("\x1b["),
            "colour by default on a terminal: {out:?}"
        );
    }
    let colored = on_a_terminal(&env, &[], false);
    let red = |text: &str| [format!("\x1b[31m{text}"), format!("\x1b[38;5;9m{text}")];
    for text in ["urgent", "overdue 1h"] {
        assert!(
            red(text).iter().any(|r| colored[0].contains(r)),
            "{text} is red: {:?}",
            colored[0]
        );
    }
    assert!(
        colored[1].contains("\x1b[32mopen"),
        "open is green: {:?}",
        colored[1]
    );
    for out in on_a_terminal(&env, &[], true) {
        assert!(!out.contains('\x1b'), "NO_COLOR: {out:?}");
    }
    for out in on_a_terminal(&env, &["--color", "never"], false) {
        assert!(!out.contains('\x1b'), "--color never: {out:?}");
    }
}

#[test]
fn ctrl_c_at_a_question_ends_with_the_cursor_shown_and_nothing_written() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    let before = env.store_bytes();
    let mut p = env.cmd(&["--as", "ana", "pass", "0b7c"]).pty();
    p.exp_string("Pass 0b7c to:").unwrap();
    p.exp_string("cora").unwrap();
    keys(&mut p, "\x03");
    let (rest, code) = finish(p);
    assert_eq!(code, 130, "{rest:?}");
    assert!(
        rest.contains("\x1b[?25h"),
        "the cursor is shown again: {rest:?}"
    );
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn from_mail_at_a_terminal_says_to_pipe_a_message_in_instead_of_waiting() {
    let env = TestEnv::team();
    let (rest, code) = finish(env.cmd(&["new", "--from-mail"]).pty());
    assert_eq!(code, 2, "{rest}");
    assert!(
        rest.contains("--from-mail reads one e-mail on standard input"),
        "{rest}"
    );
    assert!(
        rest.contains("baton new --from-mail < message.eml"),
        "{rest}"
    );
    assert!(env.ticket_ids().is_empty());
}

/// The Esc key, alone.
const ESC: &str = "\x1b";

#[test]
fn esc_or_q_at_every_question_cancels_with_nothing_written() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    env.new_ticket_pinned("ben", "Printer", &[], crate::common::ID_B);
    let before = env.store_bytes();
    let cancelled = |p: rexpect::session::PtySession, what: &str| {
        let (rest, code) = finish(p);
        assert_eq!(code, 1, "{what}: {rest:?}");
        assert!(
            rest.contains("cancelled; nothing changed"),
            "{what}: {rest:?}"
        );
        assert_eq!(env.store_bytes(), before, "{what} wrote something");
    };
    // The pass menu, with either key.
    for key in [ESC, "q"] {
        let mut p = env.cmd(&["--as", "ana", "pass", "0b7c"]).pty();
        p.exp_string("cora").unwrap();
        keys(&mut p, key);
        cancelled(p, &format!("{key:?} at the pass menu"));
    }
    // The note asked after the menu.
    let mut p = env.cmd(&["--as", "ana", "pass", "0b7c"]).pty();
    p.exp_string("cora").unwrap();
    keys(&mut p, "\r");
    p.exp_string("(Enter for none): ").unwrap();
    keys(&mut p, "half a no");
    keys(&mut p, ESC);
    cancelled(p, "Esc at the note");
    // A line of text: the title of a new ticket.
    let mut p = env.cmd(&["--as", "ana", "new"]).pty();
    p.exp_string("Title (one line): ").unwrap();
    keys(&mut p, "Printer on");
    keys(&mut p, ESC);
    cancelled(p, "Esc at the title");
    // A confirmation.
    for key in [ESC, "q"] {
        let mut p = env.cmd(&["--as", "ana", "close", "9a1f"]).pty();
        p.exp_string("Close it anyway? [y/N]").unwrap();
        keys(&mut p, key);
        cancelled(p, &format!("{key:?} at a confirmation"));
    }
}

#[test]
fn keys_typed_ahead_of_a_menu_closing_never_become_the_next_answer() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    let mut p = env.cmd(&["--as", "ana", "pass", "0b7c"]).pty();
    p.exp_string("cora").unwrap();
    // Enter picks ben; the rest arrives with it, before the note is asked.
    keys(&mut p, "\rmistyped line\r");
    p.exp_string("Note for ben (Enter for none): ").unwrap();
    keys(&mut p, "on purpose\r");
    p.exp_string("passed 0b7c to ben").unwrap();
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "{rest}");
    let last = env.events(ID_A).pop().unwrap();
    assert_eq!(last["note"].as_str(), Some("on purpose"));
}
