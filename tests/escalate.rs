use crate::common::{ID_A, ID_B, TestEnv, at};

/// ana's ticket, opened at T0 in a team whose top is cora.
fn one_ticket() -> TestEnv {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    env
}

/// The `escalated` events of a ticket file as (by, from, to, deadline, at).
fn escalations(env: &TestEnv, id: &str) -> Vec<[String; 5]> {
    env.events(id)
        .iter()
        .filter(|e| e["kind"].as_str() == Some("escalated"))
        .map(|e| ["by", "from", "to", "deadline", "at"].map(|k| e[k].to_string().replace('"', "")))
        .collect()
}

fn escalation(from: &str, to: &str, deadline: &str, swept: &str) -> [String; 5] {
    ["baton", from, to, deadline, swept].map(str::to_string)
}

#[test]
fn a_ticket_is_left_alone_until_its_deadline() {
    let env = one_ticket();
    let before = env.store_bytes();
    let out = env.cmd(&["escalate"]).now(&at(19, 59)).run();
    assert_eq!(out.render(), "[exit 0]", "cron gets no mail");
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn a_ticket_at_its_deadline_goes_to_the_top_once() {
    let env = one_ticket();
    let out = env.cmd(&["escalate"]).now(&at(20, 0)).run();
    insta::assert_snapshot!(out.render(), @r"
        escalated 0b7c from ana to cora, deadline 2026-11-03 04:00: Printer on fire
        [exit 0]
    ");
    assert_eq!(env.field(ID_A, "owner"), "cora");
    assert_eq!(env.field(ID_A, "escalated"), "1");
    assert_eq!(env.field(ID_A, "updated"), at(20, 0));
    assert_eq!(
        escalations(&env, ID_A),
        [escalation("ana", "cora", &at(20, 0), &at(20, 0))]
    );
    assert_eq!(
        env.last_event_text(ID_A),
        format!(
            "at = {t}\nby = \"baton\"\nkind = \"escalated\"\nfrom = \"ana\"\nto = \"cora\"\ndeadline = {t}\n",
            t = at(20, 0)
        )
    );
}

#[test]
fn a_second_sweep_changes_nothing() {
    let env = one_ticket();
    env.cmd(&["escalate"]).now(&at(20, 0)).run().success();
    let after_first = env.store_bytes();
    for now in [at(20, 0), at(20, 10), at(45, 0), at(24 * 7, 0)] {
        let out = env.cmd(&["escalate"]).now(&now).run();
        assert_eq!(out.render(), "[exit 0]", "at {now}");
        assert_eq!(env.store_bytes(), after_first, "at {now}");
    }
}

#[test]
fn a_missed_sweep_with_to_next_catches_up_level_by_level() {
    let env = one_ticket();
    env.edit_config("to = \"top\"", "to = \"next\"");
    let out = env.cmd(&["escalate"]).now(&at(72, 0)).run();
    insta::assert_snapshot!(out.render(), @r"
        escalated 0b7c from ana to ben, deadline 2026-11-03 04:00: Printer on fire
        escalated 0b7c from ben to cora, deadline 2026-11-04 00:00: Printer on fire
        [exit 0]
    ");
    assert_eq!(env.field(ID_A, "owner"), "cora");
    assert_eq!(env.field(ID_A, "escalated"), "2");
    assert_eq!(
        escalations(&env, ID_A),
        [
            escalation("ana", "ben", &at(20, 0), &at(72, 0)),
            escalation("ben", "cora", &at(40, 0), &at(72, 0)),
        ]
    );
    let after = env.store_bytes();
    let again = env.cmd(&["escalate"]).now(&at(100, 0)).run();
    assert_eq!(again.render(), "[exit 0]");
    assert_eq!(env.store_bytes(), after);
}

#[test]
fn timely_sweeps_with_to_next_climb_one_level_per_period() {
    let env = one_ticket();
    env.edit_config("to = \"top\"", "to = \"next\"");
    // (sweep time, owner after it, escalations so far)
    let steps = [
        (at(19, 0), "ana", 0),
        (at(20, 0), "ben", 1),
        (at(39, 59), "ben", 1),
        (at(40, 0), "cora", 2),
        (at(60, 0), "cora", 2),
        (at(90, 0), "cora", 2),
    ];
    for (now, owner, count) in steps {
        env.cmd(&["escalate"]).now(&now).run().success();
        assert_eq!(env.field(ID_A, "owner"), owner, "at {now}");
        assert_eq!(escalations(&env, ID_A).len(), count, "at {now}");
    }
    let deadlines: Vec<_> = escalations(&env, ID_A)
        .into_iter()
        .map(|e| e[3].clone())
        .collect();
    assert_eq!(deadlines, [at(20, 0), at(40, 0)]);
}

#[test]
fn a_ticket_already_with_the_top_is_still_marked_escalated() {
    let env = TestEnv::team();
    env.new_ticket_pinned("cora", "Server down", &[], ID_A);
    let out = env.cmd(&["escalate"]).now(&at(20, 0)).run();
    out.success();
    assert_eq!(
        out.stdout,
        "escalated 0b7c (stays with cora), deadline 2026-11-03 04:00: Server down\n"
    );
    assert_eq!(
        escalations(&env, ID_A),
        [escalation("cora", "cora", &at(20, 0), &at(20, 0))]
    );
}

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let env = one_ticket();
    env.set_now(&at(1, 0));
    env.new_ticket_pinned("ben", "Login fails", &[], ID_B);
    let before = env.store_bytes();
    let out = env.cmd(&["escalate", "--dry-run"]).now(&at(22, 0)).run();
    insta::assert_snapshot!(out.render(), @r"
        would escalate 0b7c from ana to cora, deadline 2026-11-03 04:00: Printer on fire
        would escalate 9a1f from ben to cora, deadline 2026-11-03 05:00: Login fails
        [exit 0]
    ");
    assert_eq!(env.store_bytes(), before);

    let json = env.cmd(&["escalate", "-n", "--json"]).now(&at(22, 0)).run();
    json.success();
    assert_eq!(env.store_bytes(), before);
    let doc = json.json();
    assert_eq!(doc["dry_run"], true);
    let planned: Vec<_> = doc["escalated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap(),
                e["events"][0]["to"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(planned, [(ID_A, "cora"), (ID_B, "cora")]);
}

#[test]
fn escalate_json_lists_escalations_and_warnings() {
    let env = one_ticket();
    env.set_now(&at(3, 0));
    env.new_ticket_pinned(
        "ben",
        "Login fails",
        &["--customer", "eva@example.org"],
        ID_B,
    );
    let out = env
        .cmd(&["escalate", "--json", "--warn", "4h"])
        .now(&at(20, 0))
        .run();
    out.success();
    assert_eq!(out.stderr, "");
    assert_eq!(
        out.json(),
        serde_json::json!({
            "dry_run": false,
            "escalated": [{
                "id": ID_A,
                "short_id": "0b7c",
                "title": "Printer on fire",
                "events": [{
                    "at": at(20, 0),
                    "by": "baton",
                    "kind": "escalated",
                    "from": "ana",
                    "to": "cora",
                    "deadline": at(20, 0),
                }],
            }],
            "warnings": [{
                "id": ID_B,
                "short_id": "9a1f",
                "title": "Login fails",
                "owner": "ben",
                "due": at(23, 0),
            }],
            "delay_notices": [],
            "reopened": [],
            "unreadable": [],
            "failed": [],
        })
    );
}

#[test]
fn warn_lists_tickets_that_breach_soon() {
    let env = one_ticket();
    env.set_now(&at(3, 0));
    env.new_ticket_pinned("ben", "Login fails", &[], ID_B);
    let before = env.store_bytes();
    let out = env
        .cmd(&["escalate", "--warn", "2h"])
        .now(&at(18, 30))
        .run();
    insta::assert_snapshot!(out.render(), @r"
        due in 1h30m (2026-11-03 04:00): 0b7c owned by ana: Printer on fire
        [exit 0]
    ");
    assert_eq!(env.store_bytes(), before);
    let wide = env
        .cmd(&["escalate", "--warn", "5h"])
        .now(&at(18, 30))
        .run();
    wide.success();
    assert_eq!(wide.stdout.lines().count(), 2, "{}", wide.stdout);
    let bad = env.cmd(&["escalate", "--warn", "soon"]).run();
    bad.code(2);
    assert!(
        bad.stderr.contains("'soon' is not a duration"),
        "{}",
        bad.stderr
    );
}

#[test]
fn waiting_time_does_not_count_towards_the_deadline() {
    let env = one_ticket();
    env.cmd(&["--as", "ana", "wait", ID_A])
        .now(&at(1, 0))
        .run()
        .success();
    env.cmd(&["--as", "ana", "reopen", ID_A])
        .now(&at(6, 0))
        .run()
        .success();
    let show = env.cmd(&["show", ID_A, "--json"]).now(&at(7, 0)).run();
    assert_eq!(
        show.json()["due"],
        at(25, 0),
        "5h waiting push the deadline 5h"
    );
    let before = env.store_bytes();
    env.cmd(&["escalate"]).now(&at(24, 59)).run().success();
    assert_eq!(env.store_bytes(), before);
    env.cmd(&["escalate"]).now(&at(25, 0)).run().success();
    assert_eq!(
        escalations(&env, ID_A),
        [escalation("ana", "cora", &at(25, 0), &at(25, 0))]
    );
}

#[test]
fn a_waiting_ticket_is_not_escalated() {
    let env = one_ticket();
    env.cmd(&["--as", "ana", "wait", ID_A])
        .now(&at(1, 0))
        .run()
        .success();
    let before = env.store_bytes();
    let out = env.cmd(&["escalate"]).now(&at(24 * 5, 0)).run();
    assert_eq!(out.render(), "[exit 0]");
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn without_pause_waiting_time_counts() {
    let env = one_ticket();
    env.edit_config("pause_when_waiting = true", "pause_when_waiting = false");
    env.cmd(&["--as", "ana", "wait", ID_A])
        .now(&at(1, 0))
        .run()
        .success();
    env.cmd(&["escalate"]).now(&at(20, 0)).run().success();
    assert_eq!(
        escalations(&env, ID_A),
        [escalation("ana", "cora", &at(20, 0), &at(20, 0))]
    );
    assert_eq!(env.field(ID_A, "status"), "waiting");
}

#[test]
fn resolved_and_closed_tickets_are_never_escalated() {
    let env = one_ticket();
    env.new_ticket_pinned("ana", "Done", &[], ID_B);
    env.baton_as("ana", &["resolve", ID_A]).success();
    env.baton_as("ana", &["close", ID_B]).success();
    let before = env.store_bytes();
    let out = env.cmd(&["escalate"]).now(&at(100, 0)).run();
    assert_eq!(out.render(), "[exit 0]");
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn reopening_a_resolved_ticket_starts_a_fresh_clock() {
    let env = one_ticket();
    env.cmd(&["escalate"]).now(&at(20, 0)).run().success();
    env.cmd(&["--as", "cora", "resolve", ID_A])
        .now(&at(21, 0))
        .run()
        .success();
    env.cmd(&["--as", "ana", "reopen", ID_A])
        .now(&at(30, 0))
        .run()
        .success();
    assert_eq!(
        env.ticket_toml(ID_A).get("escalated"),
        None,
        "a new open period: the count is back to zero, which files leave out"
    );
    let show = env.cmd(&["show", ID_A, "--json"]).now(&at(31, 0)).run();
    assert_eq!(show.json()["due"], at(50, 0));
    let before = env.store_bytes();
    env.cmd(&["escalate"]).now(&at(49, 59)).run().success();
    assert_eq!(env.store_bytes(), before);
    env.cmd(&["escalate"]).now(&at(50, 0)).run().success();
    assert_eq!(
        escalations(&env, ID_A),
        [
            escalation("ana", "cora", &at(20, 0), &at(20, 0)),
            escalation("cora", "cora", &at(50, 0), &at(50, 0)),
        ]
    );
}

#[test]
fn escalation_can_target_a_named_person() {
    let env = one_ticket();
    env.edit_config("to = \"top\"", "to = \"ben\"");
    env.cmd(&["escalate"]).now(&at(20, 0)).run().success();
    assert_eq!(env.field(ID_A, "owner"), "ben");
}

#[test]
fn the_least_loaded_person_at_the_top_receives_the_ticket() {
    let env = TestEnv::team();
    env.baton(&["people", "add", "dan", "--level", "3"])
        .success();
    env.new_ticket("cora", "Cora's own work");
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    env.cmd(&["escalate"]).now(&at(20, 0)).run().success();
    assert_eq!(env.field(ID_A, "owner"), "dan");
}

#[test]
fn escalate_without_a_store_fails() {
    let env = TestEnv::empty();
    let out = env.baton(&["escalate"]);
    out.code(1);
    assert!(out.stderr.contains("run 'baton init'"), "{}", out.stderr);
}

#[test]
fn a_ticket_set_waiting_after_its_deadline_stays_overdue_and_is_escalated() {
    let env = one_ticket();
    env.cmd(&["--as", "ana", "wait", ID_A])
        .now(&at(21, 0))
        .run()
        .success();
    let list = env.cmd(&["list", "--overdue"]).now(&at(22, 0)).run();
    list.success();
    assert!(list.stdout.contains("overdue 2h"), "{}", list.stdout);
    env.cmd(&["escalate"]).now(&at(22, 0)).run().success();
    assert_eq!(
        escalations(&env, ID_A),
        [escalation("ana", "cora", &at(20, 0), &at(22, 0))]
    );
    assert_eq!(env.field(ID_A, "status"), "waiting");
}

#[test]
fn after_the_last_escalation_the_missed_deadline_is_shown() {
    let env = one_ticket();
    env.cmd(&["escalate"]).now(&at(20, 0)).run().success();
    let show = env.cmd(&["show", ID_A, "--json"]).now(&at(25, 0)).run();
    let doc = show.json();
    assert_eq!(doc["due"], at(20, 0));
    assert_eq!(doc["escalated"], 1);
    let list = env.cmd(&["list", "--json"]).now(&at(25, 0)).run();
    assert_eq!(list.json()[0]["due"], at(20, 0));
    let human = env.cmd(&["show", ID_A]).now(&at(25, 0)).run();
    assert!(
        human
            .stdout
            .contains("due       2026-11-03 04:00 (overdue 5h, at the top), escalated once\n"),
        "{}",
        human.stdout
    );
}

#[test]
fn an_unreadable_ticket_file_is_warned_about_and_the_sweep_does_the_rest() {
    let env = one_ticket();
    std::fs::write(
        env.store()
            .join("0000aaaa-0000-4000-8000-000000000000.toml"),
        "title = [",
    )
    .unwrap();
    let out = env.cmd(&["escalate"]).now(&at(20, 0)).run();
    insta::assert_snapshot!(out.render(), @r"
    escalated 0b7c from ana to cora, deadline 2026-11-03 04:00: Printer on fire
    ------- stderr -------
    warning: tickets/0000aaaa-0000-4000-8000-000000000000.toml:1:10: unclosed array, expected `]`
    hint: fix the file by hand (baton never rewrites a file it cannot read); 'baton doctor' checks the store
    error: 1 ticket file(s) could not be read or written; the sweep did the rest
    [exit 1]
    ");
    assert_eq!(env.field(ID_A, "owner"), "cora");
}

#[test]
fn escalate_streams_one_object_a_line_with_jsonl() {
    let env = one_ticket();
    env.set_now(&at(3, 0));
    env.new_ticket_pinned("ben", "Login fails", &[], ID_B);
    let out = env
        .cmd(&["escalate", "--jsonl", "--warn", "4h"])
        .now(&at(20, 0))
        .run();
    out.success();
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert_eq!(lines[0]["escalated"]["short_id"], "0b7c");
    assert_eq!(lines[0]["escalated"]["dry_run"], false);
    assert_eq!(lines[1]["warning"]["short_id"], "9a1f");
}
