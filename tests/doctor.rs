//! `baton doctor` on a copy of the demo store with every kind of hand edit.

use std::fs;
use std::path::Path;

use crate::common::{ID_A, TestEnv};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tickets");

/// A copy of the demo store in a fresh temporary folder.
fn demo_copy() -> TestEnv {
    let env = TestEnv::empty();
    fs::create_dir(env.store()).unwrap();
    for entry in fs::read_dir(DEMO).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            fs::copy(&path, env.store().join(path.file_name().unwrap())).unwrap();
        }
    }
    env
}

/// The demo's ticket ids, sorted.
fn ids(env: &TestEnv) -> Vec<String> {
    env.ticket_ids()
}

/// The 1-based line of a ticket file that starts with `start`.
fn line_of(env: &TestEnv, id: &str, start: &str) -> usize {
    env.ticket_text(id)
        .lines()
        .position(|l| l.starts_with(start))
        .unwrap()
        + 1
}

#[test]
fn the_demo_store_is_healthy() {
    let env = demo_copy();
    let out = env.baton(&["doctor"]);
    out.success();
    assert!(
        out.stdout.ends_with("ticket file(s): all well\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn every_hand_edit_is_found_with_its_file_line_and_fix() {
    let env = demo_copy();
    let ids = ids(&env);
    // (ticket, edit from, edit to, expected "file:line: message" fragment)
    let status_line = line_of(&env, &ids[0], "status =");
    let edits = [
        (
            &ids[0],
            "status = \"",
            "status = \"waiting\" # \"",
            format!("{}.toml:{status_line}: the state disagrees", ids[0]),
        ),
        (
            &ids[1],
            "title = ",
            "title = = ",
            format!("{}.toml:2:", ids[1]),
        ),
        (
            &ids[2],
            "kind = \"created\"",
            "kind = \"creatd\"",
            "unknown kind 'creatd'".to_string(),
        ),
        (
            &ids[3],
            "\nat = 2026-11-",
            "\nat = 2025-11-",
            format!(
                "{}.toml:{}: the created field says",
                ids[3],
                line_of(&env, &ids[3], "created =")
            ),
        ),
        (
            &ids[4],
            &format!("id = \"{}\"", ids[4]),
            "id = \"0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84\"",
            "does not match the file name".to_string(),
        ),
    ];
    for (id, from, to, _) in &edits {
        env.edit_ticket_file(id, from, to);
    }
    // The last event of ids[3] dated a year early: out of time order.
    let text = env.ticket_text(&ids[5]);
    let last_at = text.rfind("\nat = 2026-").unwrap();
    let mut changed = text.clone();
    changed.replace_range(last_at + 6..last_at + 10, "2020");
    fs::write(env.ticket_path(&ids[5]), changed).unwrap();
    // The owner is someone who left the team: the history says so too.
    let text = env.ticket_text(&ids[6]);
    let owner = text
        .lines()
        .find_map(|l| l.strip_prefix("owner = "))
        .unwrap()
        .to_string();
    fs::write(env.ticket_path(&ids[6]), text.replace(&owner, "\"zed\"")).unwrap();
    fs::write(env.store().join(".baton-x1y2.tmp"), "id = \"half a wri").unwrap();
    fs::write(env.store().join("notes.toml"), "x = 1\n").unwrap();

    let out = env.baton(&["doctor"]);
    out.code(1);
    for (_, _, _, expected) in &edits {
        assert!(
            out.stdout.contains(expected.as_str()),
            "{expected}\n{}",
            out.stdout
        );
    }
    for expected in [
        "before the event above it",
        "the owner 'zed' is not on the team",
        "names 'zed' as 'by', who is not on the team, as do 4 more event(s)",
        "baton people add zed",
        "tickets/.baton-x1y2.tmp: a temp file left by an interrupted write",
        "tickets/notes.toml: a .toml file not named by a ticket id",
    ] {
        assert!(out.stdout.contains(expected), "{expected}\n{}", out.stdout);
    }
    assert!(
        out.stdout
            .lines()
            .filter(|l| l.starts_with("  fix: "))
            .count()
            >= 10,
        "every problem says what to do:\n{}",
        out.stdout
    );
    assert_eq!(
        out.stderr,
        "error: 12 problem(s) in the store\nhint: 'baton doctor --fix' repairs 4 of them, after a backup\n"
    );
}

/// A team store (ana, ben, cora) with one ticket: created by ana, passed to
/// ben, set waiting by ben, answered by ben. Returns its id.
fn passed_ticket(env: &TestEnv) -> String {
    let id = env.new_ticket_pinned("ana", "Refund", &[], ID_A);
    env.baton_as("ana", &["pass", &id, "ben"]).success();
    env.baton_as("ben", &["wait", &id]).success();
    env.baton_as("ben", &["reply", &id, "on it"]).success();
    env.baton(&["doctor"]).success();
    id
}

/// The 1-based line of the n-th (1-based) `[[events]]` header of a ticket.
fn event_line(env: &TestEnv, id: &str, n: usize) -> usize {
    env.ticket_text(id)
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "[[events]]")
        .nth(n - 1)
        .unwrap()
        .0
        + 1
}

#[test]
fn every_hand_edited_event_is_found_with_its_file_line_and_fix() {
    // (what, edit from, edit to, event, message, fix)
    let cases = [
        (
            "hand-off to nobody",
            "to = \"ben\"",
            "to = \"\"",
            2,
            "event 2 (handoff) has to = \"\" (expected the new owner's name)",
            "set 'to' by hand to the new owner's name",
        ),
        (
            "hand-off without to",
            "from = \"ana\"\nto = \"ben\"\n",
            "from = \"ana\"\n",
            2,
            "event 2 (handoff) has no 'to' (the new owner's name)",
            "set 'to' by hand to the new owner's name",
        ),
        (
            "status that is none",
            "to = \"waiting\"",
            "to = \"exploded\"",
            3,
            "event 3 (status) has to = \"exploded\" (expected open, waiting, resolved or closed)",
            "set 'to' by hand to open, waiting, resolved or closed",
        ),
        (
            "event by nobody",
            "by = \"ben\"\nkind = \"reply\"",
            "by = \"\"\nkind = \"reply\"",
            4,
            "event 4 (reply) has by = \"\" (expected the name of who wrote it)",
            "set 'by' by hand to the name of who wrote it",
        ),
        (
            "hand-off to someone off the team",
            "to = \"ben\"",
            "to = \"zed\"",
            2,
            "event 2 (handoff) names 'zed' as 'to', who is not on the team",
            "correct the name by hand, or add them with 'baton people add zed'",
        ),
        (
            "a typo",
            "by = \"ben\"\nkind = \"reply\"",
            "by = \"bne\"\nkind = \"reply\"",
            4,
            "event 4 (reply) names 'bne' as 'by', who is not on the team",
            "did you mean 'ben'? correct the name by hand",
        ),
    ];
    for (what, from, to, event, message, fix) in cases {
        let env = TestEnv::team();
        let id = passed_ticket(&env);
        env.edit_ticket_file(&id, from, to);
        let out = env.baton(&["doctor"]);
        out.code(1);
        let line = event_line(&env, &id, event);
        let expected = format!("tickets/{id}.toml:{line}: {message}\n  fix: {fix}");
        assert!(
            out.stdout.contains(&expected),
            "{what}: {expected}\n{}",
            out.stdout
        );
    }
}

#[test]
fn fix_never_writes_an_owner_off_the_team_or_over_a_broken_hand_off() {
    // (what, edit from, edit to, why the file is left alone)
    let cases = [
        (
            "hand-off to nobody",
            "to = \"ben\"",
            "to = \"\"",
            "event 2 (handoff) is malformed",
        ),
        (
            "hand-off without to",
            "from = \"ana\"\nto = \"ben\"\n",
            "from = \"ana\"\n",
            "event 2 (handoff) is malformed",
        ),
        (
            "hand-off to someone off the team",
            "to = \"ben\"",
            "to = \"zed\"",
            "the events give the owner 'zed', who is not on the team",
        ),
    ];
    for (what, from, to, reason) in cases {
        let env = TestEnv::team();
        let id = passed_ticket(&env);
        env.edit_ticket_file(&id, from, to);
        let edited = env.ticket_text(&id);
        let out = env.baton(&["doctor", "--fix"]);
        out.code(1);
        assert_eq!(
            env.ticket_text(&id),
            edited,
            "{what}: the file is left alone"
        );
        assert_eq!(env.field(&id, "owner"), "ben", "{what}");
        assert!(!out.stdout.contains("fixed "), "{what}: {}", out.stdout);
        assert!(
            !env.store().join(".local/backup").exists(),
            "{what}: nothing to back up"
        );
        let expected = format!(
            "the state disagrees with the history: owner 'ben' (events: '{}')\n  \
             fix: 'baton doctor --fix' leaves this file alone while {reason}; mend that first",
            if to.contains("zed") { "zed" } else { "ana" }
        );
        assert!(
            out.stdout.contains(&expected),
            "{what}: {expected}\n{}",
            out.stdout
        );
        assert!(
            out.stderr.ends_with("each one above says what to do\n"),
            "{what}: nothing is offered as repairable\n{}",
            out.stderr
        );
    }
}

#[test]
fn once_the_event_is_mended_fix_repairs_the_state() {
    let env = TestEnv::team();
    let id = passed_ticket(&env);
    // A hand edit left the hand-off to nobody and the owner blank.
    env.edit_ticket_file(&id, "to = \"ben\"", "to = \"\"");
    env.edit_ticket_file(&id, "owner = \"ben\"", "owner = \"\"");
    env.baton(&["doctor", "--fix"]).code(1);
    assert_eq!(env.field(&id, "owner"), "", "left for a person to mend");
    env.edit_ticket_file(&id, "to = \"\"", "to = \"cora\"");
    let out = env.baton(&["doctor", "--fix"]);
    out.success();
    assert!(
        out.stdout.contains("state recomputed from the events"),
        "{}",
        out.stdout
    );
    assert_eq!(env.field(&id, "owner"), "cora");
    env.baton(&["doctor"]).success();
}

#[test]
fn fix_repairs_state_and_temp_files_after_a_backup_and_nothing_else() {
    let env = demo_copy();
    let ids = ids(&env);
    let original = env.ticket_text(&ids[0]);
    env.edit_ticket_file(
        &ids[0],
        "\nupdated = ",
        "\nupdated = 2020-01-01T00:00:00Z\nold_updated = ",
    );
    let edited = env.ticket_text(&ids[0]);
    env.edit_ticket_file(&ids[1], "title = ", "title = = ");
    let broken = env.ticket_text(&ids[1]);
    fs::write(env.store().join(".baton-x1y2.tmp"), "half").unwrap();
    env.set_now("2026-11-23T10:00:00Z");

    let out = env.baton(&["doctor", "--fix"]);
    out.code(1); // the broken file is still there
    assert!(
        out.stdout.contains("state recomputed from the events"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("temp file moved to the backup"),
        "{}",
        out.stdout
    );
    assert_eq!(
        env.ticket_text(&ids[1]),
        broken,
        "an unreadable file is never touched"
    );
    let original_updated = original
        .lines()
        .find_map(|l| l.strip_prefix("updated = "))
        .unwrap();
    assert_eq!(
        env.field(&ids[0], "updated"),
        original_updated,
        "recomputed from the events"
    );
    assert_eq!(
        env.field(&ids[0], "old_updated"),
        original_updated,
        "an unknown key is kept"
    );
    let backup = env.store().join(".local/backup/20261123T100000Z");
    assert_eq!(
        fs::read_to_string(backup.join(format!("{}.toml", ids[0]))).unwrap(),
        edited
    );
    assert_eq!(
        fs::read_to_string(backup.join(".baton-x1y2.tmp")).unwrap(),
        "half"
    );
    assert!(!env.store().join(".baton-x1y2.tmp").exists());
    assert!(!backup.join(format!("{}.toml", ids[1])).exists());

    // Once the broken file is mended, the store is healthy again.
    fs::write(
        env.ticket_path(&ids[1]),
        broken.replacen("title = = ", "title = ", 1),
    )
    .unwrap();
    env.baton(&["doctor"]).success();
}

#[test]
fn json_lists_each_problem() {
    let env = demo_copy();
    let ids = ids(&env);
    env.edit_ticket_file(&ids[0], "title = ", "title = = ");
    let out = env.baton(&["doctor", "--json"]);
    out.code(1);
    let json = out.json();
    assert_eq!(json["ok"], false);
    assert_eq!(
        json["problems"][0]["path"],
        format!("tickets/{}.toml", ids[0])
    );
    assert_eq!(json["problems"][0]["line"], 2);
    assert_eq!(json["problems"][0]["fixable"], false);
}

#[test]
fn in_git_an_unregistered_merge_driver_is_a_problem() {
    let env = demo_copy();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(env.root())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    let out = env.baton(&["doctor"]);
    out.code(1);
    assert!(
        out.stdout.contains("baton's merge driver (.gitattributes)"),
        "{}",
        out.stdout
    );
    fs::write(
        env.root().join(".gitattributes"),
        "tickets/*.toml merge=baton\n",
    )
    .unwrap();
    let out = env.baton(&["doctor"]);
    assert!(
        out.stdout.contains("not registered in this clone"),
        "{}",
        out.stdout
    );
    git(&[
        "config",
        "merge.baton.driver",
        "baton merge-driver %O %A %B %P",
    ]);
    env.baton(&["doctor"]).success();
    assert!(Path::new(&env.root().join(".git")).is_dir());
}

/// A small store with one ticket whose state disagrees with its events, one
/// that cannot be read, and a temp file: something of every kind of line.
fn store_with_problems() -> TestEnv {
    use crate::common::{ID_A, ID_B};
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Fine but edited", &[], ID_A);
    env.new_ticket_pinned("ana", "Broken", &[], ID_B);
    env.edit_ticket_file(ID_A, "status = \"open\"", "status = \"waiting\"");
    env.edit_ticket_file(ID_B, "title = ", "title = = ");
    fs::write(env.store().join(".baton-x1y2.tmp"), "half").unwrap();
    env
}

#[test]
fn doctor_text_before_and_after_fix_is_as_pinned() {
    let env = store_with_problems();
    let out = env.baton(&["doctor"]);
    insta::assert_snapshot!(out.render(), @r"
    tickets/0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84.toml:3: the state disagrees with the history: status 'waiting' (events: 'open')
      fix: 'baton doctor --fix' recomputes the state from the events
    tickets/9a1f2c3d-1111-4222-8333-444455556666.toml:2: extra `=`, expected nothing
      fix: correct it by hand, or restore it from git; baton never rewrites a file it cannot read
    tickets/.baton-x1y2.tmp: a temp file left by an interrupted write (every command ignores it)
      fix: 'baton doctor --fix' moves it to tickets/.local/backup/
    ------- stderr -------
    error: 3 problem(s) in the store
    hint: 'baton doctor --fix' repairs 2 of them, after a backup
    [exit 1]
    ");
    let out = env.baton(&["doctor", "--fix"]);
    insta::assert_snapshot!(out.render(), @r"
    fixed tickets/0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84.toml: state recomputed from the events
    fixed tickets/.baton-x1y2.tmp: temp file moved to the backup
    the files as they were are in tickets/.local/backup/20261102T080000Z
    tickets/9a1f2c3d-1111-4222-8333-444455556666.toml:2: extra `=`, expected nothing
      fix: correct it by hand, or restore it from git; baton never rewrites a file it cannot read
    ------- stderr -------
    error: 1 problem(s) in the store; each one above says what to do
    [exit 1]
    ");
}

#[test]
fn doctor_json_before_and_after_fix_is_as_pinned() {
    let env = store_with_problems();
    let out = env.baton(&["doctor", "--json"]);
    insta::assert_snapshot!(out.render(), @r#"
    {
      "backup": null,
      "fixed": [],
      "ok": false,
      "problems": [
        {
          "fix": "'baton doctor --fix' recomputes the state from the events",
          "fixable": true,
          "line": 3,
          "path": "tickets/0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84.toml",
          "problem": "the state disagrees with the history: status 'waiting' (events: 'open')"
        },
        {
          "fix": "correct it by hand, or restore it from git; baton never rewrites a file it cannot read",
          "fixable": false,
          "line": 2,
          "path": "tickets/9a1f2c3d-1111-4222-8333-444455556666.toml",
          "problem": "extra `=`, expected nothing"
        },
        {
          "fix": "'baton doctor --fix' moves it to tickets/.local/backup/",
          "fixable": true,
          "line": null,
          "path": "tickets/.baton-x1y2.tmp",
          "problem": "a temp file left by an interrupted write (every command ignores it)"
        }
      ],
      "tickets": 2
    }
    ------- stderr -------
    {"error":{"exit":1,"hint":"'baton doctor --fix' repairs 2 of them, after a backup","kind":"error","message":"3 problem(s) in the store"}}
    [exit 1]
    "#);
    let out = env.baton(&["doctor", "--fix", "--json"]);
    insta::assert_snapshot!(out.render(), @r#"
    {
      "backup": "tickets/.local/backup/20261102T080000Z",
      "fixed": [
        {
          "done": "state recomputed from the events",
          "path": "tickets/0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84.toml"
        },
        {
          "done": "temp file moved to the backup",
          "path": "tickets/.baton-x1y2.tmp"
        }
      ],
      "ok": false,
      "problems": [
        {
          "fix": "correct it by hand, or restore it from git; baton never rewrites a file it cannot read",
          "fixable": false,
          "line": 2,
          "path": "tickets/9a1f2c3d-1111-4222-8333-444455556666.toml",
          "problem": "extra `=`, expected nothing"
        }
      ],
      "tickets": 2
    }
    ------- stderr -------
    {"error":{"exit":1,"hint":null,"kind":"error","message":"1 problem(s) in the store; each one above says what to do"}}
    [exit 1]
    "#);
}
