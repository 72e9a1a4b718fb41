//! Bare `baton`: your queue, then what is about to breach on the team; the
//! user config's `default` replaces it.

use std::fs;

use crate::common::{ID_A, ID_B, ID_C, TestEnv, at};

/// ana owns a ticket due at T0+20h; ben's is due at T0+21h, cora's (made at
/// T0+5h) at T0+25h; seen at T0+18h.
fn desk() -> TestEnv {
    let env = TestEnv::team();
    env.set_now(&at(0, 0));
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    env.set_now(&at(1, 0));
    env.new_ticket_pinned("ben", "Login fails", &[], ID_B);
    env.set_now(&at(5, 0));
    env.new_ticket_pinned("cora", "Printer on fire", &[], ID_C);
    env.set_now(&at(18, 0));
    env
}

#[test]
fn bare_baton_shows_your_queue_then_what_is_about_to_breach() {
    let env = desk();
    let out = env.baton_as("ana", &[]);
    insta::assert_snapshot!(out.render(), @r"
    Your queue (ana)
    ID    STATUS  OWNER  PRIORITY  DUE    CUSTOMER  TITLE
    0b7c  open    ana    normal    in 2h            Refund not received

    About to breach on the team (within 4h)
    ID    STATUS  OWNER  PRIORITY  DUE    CUSTOMER  TITLE
    9a1f  open    ben    normal    in 3h            Login fails
    (all open tickets: baton list)
    [exit 0]
    ");
    let json = env.baton_as("ana", &["--json"]);
    json.success();
    assert_eq!(
        json.json_strings("title"),
        ["Refund not received", "Login fails"]
    );
}

#[test]
fn bare_baton_says_when_nothing_is_yours() {
    let env = desk();
    env.baton(&["people", "add", "dan", "--level", "1"])
        .success();
    let out = env.baton_as("dan", &[]);
    out.success();
    assert!(
        out.stdout.contains("nothing of yours is open"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("0b7c") && out.stdout.contains("9a1f"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("5e5e"),
        "cora's has 7h to go: {}",
        out.stdout
    );
}

#[test]
fn the_user_configs_default_replaces_the_queue() {
    let env = desk();
    fs::write(env.user_config_path(), "default = \"list --owner cora\"\n").unwrap();
    let out = env.baton_as("ana", &[]);
    out.success();
    assert!(
        out.stdout.contains("5e5e") && !out.stdout.contains("0b7c"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("Your queue"), "{}", out.stdout);
}

#[test]
fn a_default_that_is_no_command_says_how_to_fix_it() {
    let env = desk();
    for (line, why) in [
        ("default = \"lsit --mine\"", "is not a baton command"),
        ("default = 3", "it is not a string"),
        ("default = \"list 'unclosed\"", "missing closing quote"),
    ] {
        fs::write(env.user_config_path(), format!("{line}\n")).unwrap();
        let out = env.baton_as("ana", &[]);
        out.code(if why.contains("command") { 2 } else { 1 });
        assert!(out.stderr.contains(why), "{line}: {}", out.stderr);
        assert!(out.stderr.contains("hint: "), "{line}: {}", out.stderr);
    }
}
