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

#[test]
fn a_saved_view_runs_by_name_and_splices_into_its_command() {
    let env = desk();
    fs::write(
        env.user_config_path(),
        "[views]\nmine = \"list --mine --sort due\"\n",
    )
    .unwrap();
    let config = env.store().join("baton.toml");
    let mut team = fs::read_to_string(&config).unwrap();
    team.push_str("\n[views]\nmine = \"list --all\"\nben = \"list --owner ben\"\n");
    fs::write(&config, team).unwrap();

    let by_name = env.baton_as("ana", &["mine", "--json"]);
    assert_eq!(
        by_name.json_strings("title"),
        ["Refund not received"],
        "the user's view wins over the team's: {}",
        by_name.stderr
    );
    let spliced = env.baton(&["list", "@ben", "--json"]);
    assert_eq!(spliced.json_strings("title"), ["Login fails"]);
    assert_eq!(
        env.baton(&["ben"]).stdout,
        env.baton(&["list", "--owner", "ben"]).stdout
    );
    env.baton(&["doctor"]).success();

    let typo = env.baton(&["list", "@bne"]);
    insta::assert_snapshot!(typo.render(), @r#"
    ------- stderr -------
    error: there is no view '@bne' (the views: ben, mine)
    hint: did you mean @ben? add one under [views] in the user config or tickets/baton.toml, such as bne = "list --mine --overdue"
    [exit 2]
    "#);
    let text = env.baton_as("ana", &["note", "0b7c", "@ben"]);
    text.success();
    assert_eq!(
        env.events(ID_A).last().unwrap()["text"].as_str(),
        Some("@ben"),
        "text, not a view of another command"
    );
}

#[test]
fn a_broken_view_names_its_file() {
    let env = desk();
    fs::write(env.user_config_path(), "[views]\nmine = 3\n").unwrap();
    let out = env.baton(&["mine"]);
    out.code(1);
    assert!(
        out.stderr
            .contains("user-config.toml: view 'mine' must be a command line in quotes"),
        "{}",
        out.stderr
    );
    // A command line that names no view reads no settings, so it still works.
    env.baton(&["list"]).success();
}
