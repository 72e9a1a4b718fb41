//! `baton wait --until TIME`: the ticket waits with a time to come back,
//! `show` and `list` say when, and the sweep reopens it once with a reminder.

use std::fs;

use crate::common::{ID_A, ID_B, TestEnv, at};
use crate::schema::Schema;

/// ana's ticket, opened at T0 (Monday 2026-11-02 08:00 UTC).
fn one_ticket() -> TestEnv {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    env
}

/// ana's ticket, set waiting at T0 until tomorrow 9:00 (2026-11-03 09:00).
fn waiting_until_tomorrow() -> TestEnv {
    let env = one_ticket();
    env.baton_as("ana", &["wait", "0b7c", "--until", "tomorrow 9:00"])
        .success();
    env
}

/// The `note` of each `status` event of a ticket file.
fn status_notes(env: &TestEnv, id: &str) -> Vec<String> {
    env.events(id)
        .iter()
        .filter(|e| e["kind"].as_str() == Some("status"))
        .map(|e| e.get("note").map(|n| n.to_string()).unwrap_or_default())
        .collect()
}

#[test]
fn waiting_until_tomorrow_records_the_time_in_utc() {
    let env = one_ticket();
    let out = env.baton_as("ana", &["wait", "0b7c", "--until", "tomorrow 9:00"]);
    insta::assert_snapshot!(out.render(), @r"
        0b7c is now waiting until 2026-11-03 09:00 (in 1d1h)
        [exit 0]
    ");
    assert_eq!(env.field(ID_A, "status"), "waiting");
    assert_eq!(
        env.last_event_text(ID_A),
        format!(
            "at = {}\nby = \"ana\"\nkind = \"status\"\nfrom = \"open\"\nto = \"waiting\"\n\
             until = 2026-11-03T09:00:00Z\n",
            at(0, 0)
        )
    );
}

#[test]
fn the_sweep_reopens_the_ticket_once_its_time_has_passed_and_only_once() {
    let env = waiting_until_tomorrow();
    let before = env.store_bytes();

    // Before the time: nothing, so cron sends no mail.
    let out = env.cmd(&["escalate"]).now(&at(24, 59)).run();
    assert_eq!(out.render(), "[exit 0]");
    assert_eq!(env.store_bytes(), before);

    // A dry run says what it would do and writes nothing.
    let out = env.cmd(&["escalate", "--dry-run"]).now(&at(25, 0)).run();
    insta::assert_snapshot!(out.render(), @r"
        would reopen 0b7c for ana, waiting until 2026-11-03 09:00 has passed: Printer on fire
        [exit 0]
    ");
    assert_eq!(env.store_bytes(), before);

    // After it: open again, still ana's, with the reminder.
    let out = env.cmd(&["escalate"]).now(&at(25, 10)).run();
    insta::assert_snapshot!(out.render(), @r"
        reopened 0b7c for ana, waiting until 2026-11-03 09:00 has passed: Printer on fire
        [exit 0]
    ");
    assert_eq!(env.field(ID_A, "status"), "open");
    assert_eq!(env.field(ID_A, "owner"), "ana");
    assert_eq!(
        env.last_event_text(ID_A),
        format!(
            "at = {}\nby = \"baton\"\nkind = \"status\"\nfrom = \"waiting\"\nto = \"open\"\n\
             note = \"reminder: waiting until 2026-11-03 09:00 UTC has passed\"\n\
             until = 2026-11-03T09:00:00Z\n",
            at(25, 10)
        )
    );
    let show = env.cmd(&["show", "0b7c"]).now(&at(25, 10)).run();
    assert!(
        show.stdout.contains(
            "baton  waiting → open: reminder: waiting until 2026-11-03 09:00 UTC has passed"
        ),
        "{}",
        show.render()
    );
    assert!(
        show.stdout.contains("status    open\n"),
        "{}",
        show.render()
    );

    // Every later sweep: nothing new.
    let after = env.store_bytes();
    for now in [at(25, 10), at(25, 20), at(30, 0)] {
        let out = env.cmd(&["escalate"]).now(&now).run();
        assert_eq!(out.render(), "[exit 0]", "at {now}");
        assert_eq!(env.store_bytes(), after, "at {now}");
    }
}

#[test]
fn show_and_list_say_when_the_ticket_comes_back() {
    let env = waiting_until_tomorrow();
    env.new_ticket_pinned("ben", "Login fails", &[], ID_B);
    env.set_now(&at(22, 0));

    let show = env.baton(&["show", "0b7c"]);
    assert!(
        show.stdout
            .contains("status    waiting until 2026-11-03 09:00 (in 3h)\n"),
        "{}",
        show.render()
    );
    let list = env.baton(&["list"]);
    insta::assert_snapshot!(list.render(), @r"
        ID    STATUS   OWNER  PRIORITY  DUE            CUSTOMER  TITLE
        9a1f  open     ben    normal    overdue 2h               Login fails
        0b7c  waiting  ana    normal    reopens in 3h            Printer on fire
        [exit 0]
    ");

    // --json: `waiting_until` on the waiting ticket only.
    let listed = env.baton(&["--json", "list"]).json();
    let until: Vec<_> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.get("waiting_until").cloned())
        .collect();
    assert_eq!(
        until,
        [None, Some(serde_json::json!("2026-11-03T09:00:00Z"))]
    );
    let shown = env.baton(&["--json", "show", "0b7c"]).json();
    assert_eq!(shown["waiting_until"], "2026-11-03T09:00:00Z");
    let mut schema = Schema::load();
    schema.check("list", "list --json", &listed);
    schema.check("ticket_with_events", "show --json", &shown);

    // Past its time, before the sweep came round: it says so.
    let show = env.cmd(&["show", "0b7c"]).now(&at(26, 0)).run();
    assert!(
        show.stdout
            .contains("status    waiting until 2026-11-03 09:00 (passed 1h ago)\n"),
        "{}",
        show.render()
    );
    let list = env.cmd(&["list"]).now(&at(26, 0)).run();
    assert!(
        list.stdout
            .contains("  waiting  ana    normal    reopen overdue 1h  "),
        "{}",
        list.render()
    );

    // Reopened by hand before the sweep: simply open, the time void.
    env.baton_as("ana", &["reopen", "0b7c"]).success();
    let shown = env.baton(&["--json", "show", "0b7c"]).json();
    assert_eq!(shown.get("waiting_until"), None, "{shown}");
}

#[test]
fn a_wait_left_before_its_time_is_not_reopened_by_the_sweep() {
    let env = waiting_until_tomorrow();
    // Reopened, then waiting again without a time.
    env.cmd(&["--as", "ana", "reopen", "0b7c"])
        .now(&at(1, 0))
        .run()
        .success();
    env.cmd(&["--as", "ana", "wait", "0b7c"])
        .now(&at(2, 0))
        .run()
        .success();
    let before = env.store_bytes();
    let out = env.cmd(&["escalate"]).now(&at(30, 0)).run();
    assert_eq!(out.render(), "[exit 0]");
    assert_eq!(env.store_bytes(), before);
    assert_eq!(env.field(ID_A, "status"), "waiting");
}

#[test]
fn a_time_in_the_past_or_unreadable_is_refused_and_nothing_changes() {
    let env = one_ticket();
    env.set_now(&at(2, 0));
    let before = env.store_bytes();
    let out = env.baton_as("ana", &["wait", "0b7c", "--until", "today 9:00"]);
    insta::assert_snapshot!(out.render(), @r#"
        ------- stderr -------
        error: --until: 'today 9:00' is not ahead of now; a ticket waits until a time still to come
        hint: for example --until "tomorrow 9:00", --until "friday 17:00" or --until "in 3d"
        [exit 2]
    "#);
    let out = env.baton_as("ana", &["wait", "0b7c", "--until", "soonish"]);
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(
        out.stderr.contains("'soonish' is not a time"),
        "{}",
        out.render()
    );
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn times_are_read_as_everywhere_else() {
    // (TIME, what wait says) at Monday 2026-11-02 10:00 UTC.
    let cases = [
        ("in 2h", "2026-11-02 12:00 (in 2h)"),
        ("17:30", "2026-11-02 17:30 (in 7h30m)"),
        ("friday 17:00", "2026-11-06 17:00 (in 4d7h)"),
        ("next monday", "2026-11-09 00:00 (in 6d14h)"),
        ("2026-11-20 17:00", "2026-11-20 17:00 (in 18d7h)"),
        ("2026-11-04T12:00:00+01:00", "2026-11-04 11:00 (in 2d1h)"),
    ];
    let env = one_ticket();
    env.set_now(&at(2, 0));
    for (time, said) in cases {
        let out = env.baton_as("ana", &["wait", "0b7c", "--until", time]);
        assert_eq!(
            out.stdout,
            format!("0b7c is now waiting until {said}\n"),
            "{time}: {}",
            out.render()
        );
        env.baton_as("ana", &["reopen", "0b7c"]).success();
    }
}

#[test]
fn the_time_is_read_in_the_desks_calendar_zone() {
    let env = one_ticket();
    let config = env.store().join("baton.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(
        &config,
        format!("{text}\n[calendar]\ntimezone = \"Europe/Budapest\"\nmon-fri = \"09:00-18:00\"\n"),
    )
    .unwrap();
    env.baton_as("ana", &["wait", "0b7c", "--until", "tomorrow 9:00"])
        .success();
    let shown = env.baton(&["--json", "show", "0b7c"]).json();
    assert_eq!(shown["waiting_until"], "2026-11-03T08:00:00Z");
    env.cmd(&["escalate"]).now(&at(24, 0)).run().success();
    assert_eq!(
        status_notes(&env, ID_A).last().unwrap(),
        "\"reminder: waiting until 2026-11-03 09:00 CET has passed\""
    );
}

#[test]
fn several_tickets_wait_until_one_time_all_or_none() {
    let env = one_ticket();
    env.new_ticket_pinned("ana", "Login fails", &[], ID_B);
    let out = env.baton_as("ana", &["wait", "0b7c", "9a1f", "--until", "in 3h"]);
    insta::assert_snapshot!(out.render(), @r"
        0b7c is now waiting until 2026-11-02 11:00 (in 3h)
        9a1f is now waiting until 2026-11-02 11:00 (in 3h)
        [exit 0]
    ");
    let out = env.cmd(&["escalate"]).now(&at(3, 0)).run();
    insta::assert_snapshot!(out.render(), @r"
        reopened 0b7c for ana, waiting until 2026-11-02 11:00 has passed: Printer on fire
        reopened 9a1f for ana, waiting until 2026-11-02 11:00 has passed: Login fails
        [exit 0]
    ");

    // One already waiting: refused, and nothing written.
    env.set_now(&at(4, 0));
    env.baton_as("ana", &["wait", "9a1f"]).success();
    let before = env.store_bytes();
    let out = env.baton_as("ana", &["wait", "0b7c", "9a1f", "--until", "in 3h"]);
    assert_eq!(out.code, 1, "{}", out.render());
    assert!(
        out.stderr.contains("9a1f is already waiting"),
        "{}",
        out.render()
    );
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn escalate_json_lists_the_tickets_reopened() {
    let env = waiting_until_tomorrow();
    let out = env
        .cmd(&["--json", "escalate", "--dry-run"])
        .now(&at(25, 0))
        .run();
    let doc = out.json();
    Schema::load().check("escalate", "escalate --dry-run --json", &doc);
    assert_eq!(
        doc["reopened"],
        serde_json::json!([{
            "id": ID_A,
            "short_id": "0b7c",
            "title": "Printer on fire",
            "owner": "ana",
            "until": "2026-11-03T09:00:00Z",
            "event": {
                "at": at(25, 0),
                "by": "baton",
                "kind": "status",
                "from": "waiting",
                "to": "open",
                "note": "reminder: waiting until 2026-11-03 09:00 UTC has passed",
                "until": "2026-11-03T09:00:00Z",
            },
        }])
    );
}

/// Two clones swept the same wait before pulling each other's work, and
/// one then set the ticket waiting again: the merge keeps one reopening
/// (the earliest), so the later wait stands.
#[test]
fn two_clones_sweeping_one_wait_reopen_it_once() {
    let env = waiting_until_tomorrow();
    let base = env.ticket_text(ID_A);
    env.cmd(&["escalate"]).now(&at(25, 0)).run().success();
    env.cmd(&["--as", "ana", "wait", "0b7c", "--until", "in 1d"])
        .now(&at(26, 0))
        .run()
        .success();
    let ours = env.ticket_text(ID_A);
    fs::write(env.ticket_path(ID_A), &base).unwrap();
    env.cmd(&["escalate"]).now(&at(27, 0)).run().success();
    let theirs = env.ticket_text(ID_A);

    let (out, merged) = crate::merge_driver::drive(&env, &base, &ours, &theirs);
    out.success();
    assert_eq!(
        merged.matches("reminder: waiting until").count(),
        1,
        "{merged}"
    );
    assert!(merged.contains("status = \"waiting\""), "{merged}");
}

/// The `status` hook runs for the sweep's reopening as for any other.
#[cfg(unix)]
#[test]
fn the_status_hook_runs_for_the_reopening() {
    use std::os::unix::fs::PermissionsExt;
    let env = waiting_until_tomorrow();
    let hook = env.store().join(".local/hooks/status");
    fs::create_dir_all(hook.parent().unwrap()).unwrap();
    let log = env.root().join("status.json");
    fs::write(&hook, format!("#!/bin/sh\ncat > '{}'\n", log.display())).unwrap();
    fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
    env.cmd(&["escalate"]).now(&at(25, 0)).run().success();
    let payload: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&log).unwrap()).unwrap();
    assert_eq!(payload["event"]["by"], "baton");
    assert_eq!(payload["event"]["to"], "open");
    assert_eq!(payload["event"]["until"], "2026-11-03T09:00:00Z");
    assert_eq!(payload["ticket"]["status"], "open");
}

/// With `[git] commit = true` the sweep's commit names each ticket reopened.
#[test]
fn the_sweeps_commit_names_the_tickets_reopened() {
    let env = crate::git::committing_repo();
    let run = |now: &str, args: &[&str]| {
        env.cmd(args)
            .now(now)
            .env("GIT_AUTHOR_NAME", "ana")
            .env("GIT_AUTHOR_EMAIL", "ana@example.com")
            .env("GIT_COMMITTER_NAME", "ana")
            .env("GIT_COMMITTER_EMAIL", "ana@example.com")
            .run()
            .success();
    };
    run(
        &at(0, 0),
        &["--as", "ana", "wait", "0b7c", "--until", "in 3h"],
    );
    run(&at(4, 0), &["escalate"]);
    let message = crate::git::git(&env, env.root(), "ana", &["log", "-1", "--format=%B"]);
    assert_eq!(
        message.trim_end(),
        "baton: reopen 1 ticket\n\n\
         0b7c \"Refund for double charge not received\" reopened: waiting until \
         2026-11-02T11:00:00Z has passed"
    );
}

/// A wait's time broken by hand: doctor names the event and the fix.
#[test]
fn doctor_names_a_wait_time_broken_by_hand() {
    let env = waiting_until_tomorrow();
    env.edit_ticket_file(
        ID_A,
        "until = 2026-11-03T09:00:00Z",
        "until = \"tomorrow morning\"",
    );
    let out = env.baton(&["--json", "doctor"]);
    assert_eq!(out.code, 1, "{}", out.render());
    let problems = &out.json()["problems"];
    assert_eq!(
        problems[0]["problem"], "event 2 (status) has an 'until' that is not a time",
        "{problems}"
    );
    assert!(
        problems[0]["fix"]
            .as_str()
            .unwrap()
            .starts_with("set 'until' by hand to a time in UTC"),
        "{problems}"
    );
    assert!(problems[0]["line"].is_number(), "{problems}");
    // The ticket still reads, and waits without a time.
    let shown = env.baton(&["--json", "show", "0b7c"]).json();
    assert_eq!(shown["status"], "waiting");
    assert_eq!(shown.get("waiting_until"), None);
}
