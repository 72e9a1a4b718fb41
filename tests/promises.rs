//! Promises to the customer end to end: `promise` and `reply --promise`
//! record them, `show`, `list` and the JSON carry the open one, the sweep
//! warns before one is broken and tells the customer once, and the report
//! counts them per person.

use crate::common::{ID_A, ID_B, T0, TestEnv, at};

/// A team with one ticket of ana's (customer jan) at `T0`, Monday 08:00 UTC.
fn desk() -> TestEnv {
    let env = TestEnv::team();
    env.new_ticket_pinned(
        "ana",
        "Refund missing",
        &["--customer", "jan@example.com"],
        ID_A,
    );
    env
}

fn promise_json(env: &TestEnv, now: &str) -> serde_json::Value {
    let out = env.cmd(&["--json", "show", ID_A]).now(now).run();
    out.success();
    out.json()["promise"].clone()
}

#[test]
fn a_promise_is_recorded_by_who_made_it_with_its_time_in_utc_and_note() {
    let env = desk();
    let out = env.baton_as(
        "ben",
        &["promise", "0b7c", "today 17:00", "--note", "after the bank"],
    );
    out.success();
    assert_eq!(
        out.stdout.trim(),
        "promised an answer on 0b7c by 2026-11-02 17:00 (in 9h)"
    );
    let e = env.events(ID_A).pop().unwrap();
    assert_eq!(e["kind"].as_str(), Some("promised"));
    assert_eq!(e["by"].as_str(), Some("ben"));
    assert_eq!(e["deadline"].to_string(), "2026-11-02T17:00:00Z");
    assert_eq!(e["note"].as_str(), Some("after the bank"));
    assert_eq!(
        promise_json(&env, T0),
        serde_json::json!({"by": "ben", "made": T0, "due": "2026-11-02T17:00:00Z",
                           "note": "after the bank", "delay_sent": false})
    );
}

#[test]
fn a_promise_time_is_read_in_the_desk_calendar_zone() {
    let env = desk();
    env.edit_config(
        "[escalation]",
        "[calendar]\ntimezone = \"Europe/Budapest\"\nmon-fri = \"09:00-18:00\"\n\n[escalation]",
    );
    env.baton_as("ana", &["promise", "0b7c", "today 17:00"])
        .success();
    assert_eq!(
        promise_json(&env, T0)["due"],
        "2026-11-02T16:00:00Z",
        "17:00 in Budapest"
    );
}

#[test]
fn a_promise_in_the_past_or_unreadable_is_refused_and_nothing_is_written() {
    let env = desk();
    let before = env.store_bytes();
    for time in ["today 07:00", "whenever"] {
        let out = env.baton_as("ana", &["promise", "0b7c", time]);
        out.code(2);
        assert!(out.stderr.contains("error: '"), "{}", out.render());
        assert!(out.stderr.contains("hint: for example"), "{}", out.render());
    }
    let out = env.baton_as(
        "ana",
        &["reply", "0b7c", "soon", "--promise", "yesterday 10:00"],
    );
    out.code(2);
    assert!(
        out.stderr.contains("error: --promise: "),
        "{}",
        out.render()
    );
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn a_resolved_ticket_takes_no_promise() {
    let env = desk();
    env.baton_as("ana", &["resolve", "0b7c"]).success();
    let out = env.baton_as("ana", &["promise", "0b7c", "in 2h"]);
    assert_ne!(out.code, 0);
    assert!(
        out.stderr
            .contains("cannot promise on 0b7c: it is resolved"),
        "{}",
        out.render()
    );
}

#[test]
fn reply_with_a_promise_records_both_in_one_change_and_keeps_the_older_promise() {
    let env = desk();
    env.baton_as("ana", &["promise", "0b7c", "in 2h"]).success();
    env.cmd(&[
        "--as",
        "ana",
        "reply",
        "0b7c",
        "Looking into it",
        "--promise",
        "tomorrow 12:00",
    ])
    .now(&at(1, 0))
    .run()
    .success();
    let kinds: Vec<String> = env
        .events(ID_A)
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["created", "promised", "reply", "promised"]);
    assert_eq!(promise_json(&env, &at(1, 0))["due"], "2026-11-03T12:00:00Z");
}

#[test]
fn show_and_list_give_the_open_promise_and_a_broken_one_loudly() {
    let env = desk();
    env.new_ticket_pinned("ana", "Other", &[], ID_B);
    env.baton_as("ana", &["promise", "0b7c", "in 3h"]).success();
    let show = env.cmd(&["show", ID_A]).now(&at(1, 0)).run();
    assert!(
        show.stdout
            .contains("promise   promised Mon 2026-11-02 11:00 (in 2h) by ana\n"),
        "{}",
        show.render()
    );
    let list = env.cmd(&["list"]).now(&at(1, 0)).run();
    let row = |short: &str| {
        list.stdout
            .lines()
            .find(|l| l.starts_with(short))
            .unwrap()
            .to_string()
    };
    let line = row("0b7c");
    assert!(line.contains("promised in 2h"), "{line}");
    let other = row("9a1f");
    assert!(
        other.contains("in 19h"),
        "a ticket without a promise keeps its deadline: {other}"
    );

    let show = env.cmd(&["show", ID_A]).now(&at(5, 0)).run();
    assert!(
        show.stdout
            .contains("promise   BROKEN since Mon 2026-11-02 11:00 (2h ago), promised by ana\n"),
        "{}",
        show.render()
    );
    let list = env.cmd(&["list"]).now(&at(5, 0)).run();
    assert!(
        list.stdout.contains("promise broken 2h"),
        "{}",
        list.render()
    );

    // A reply settles it: nothing open any more.
    env.cmd(&["--as", "ana", "reply", "0b7c", "Sorry, here it is"])
        .now(&at(5, 0))
        .run()
        .success();
    assert_eq!(promise_json(&env, &at(5, 0)), serde_json::Value::Null);
    let list = env.cmd(&["--json", "list"]).now(&at(5, 0)).run();
    assert!(
        list.json()
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["promise"].is_null())
    );
}

/// [`desk`] with `[templates] delay` set and a `delayed` hook that
/// appends each message it is handed to `delays` in the test folder.
fn telling_desk() -> TestEnv {
    use std::os::unix::fs::PermissionsExt;
    let env = desk();
    let path = env.store().join("baton.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}\n[templates]\ndelay = \"We need a little more time; you will hear from us by {{promise}}.\"\n"),
    )
    .unwrap();
    let hook = env.store().join(".local/hooks/delayed");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    let log = env.root().join("delays");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nprintf '%s\\n--\\n' \"$BATON_MESSAGE\" >> '{}'\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    env
}

fn delays_sent(env: &TestEnv) -> usize {
    env.events(ID_A)
        .iter()
        .filter(|e| e["kind"].as_str() == Some("delayed"))
        .count()
}

#[test]
fn escalate_warn_warns_the_owner_before_a_promise_is_broken() {
    let env = desk();
    env.baton_as("ben", &["promise", "0b7c", "in 3h"]).success();
    let out = env.cmd(&["escalate", "--warn", "2h"]).now(&at(0, 30)).run();
    assert_eq!(out.render(), "[exit 0]", "11:00 is beyond the horizon");
    let out = env.cmd(&["escalate", "--warn", "2h"]).now(&at(1, 30)).run();
    out.success();
    assert_eq!(
        out.stdout.trim(),
        "promise by ben due in 1h30m (2026-11-02 11:00): 0b7c owned by ana: Refund missing"
    );
    let doc = env
        .cmd(&["--json", "escalate", "--warn", "2h"])
        .now(&at(1, 30))
        .run();
    let warnings = doc.json()["warnings"].clone();
    assert_eq!(warnings[0]["promised_by"], "ben");
    assert_eq!(warnings[0]["due"], "2026-11-02T11:00:00Z");
    assert_eq!(warnings[0]["owner"], "ana");
    // Broken already: nothing left to warn about.
    let out = env.cmd(&["escalate", "--warn", "2h"]).now(&at(3, 30)).run();
    assert_eq!(out.render(), "[exit 0]");
    assert_eq!(delays_sent(&env), 0, "no delay template, no notice");
}

#[test]
fn the_delay_notice_goes_once_per_promise_before_it_is_missed() {
    let env = telling_desk();
    env.baton_as("ana", &["promise", "0b7c", "in 3h"]).success();
    // Outside the horizon, then a dry run: nothing is sent.
    let out = env.cmd(&["escalate", "--warn", "2h"]).now(&at(0, 30)).run();
    assert_eq!(out.render(), "[exit 0]");
    let out = env
        .cmd(&["escalate", "--warn", "2h", "--dry-run"])
        .now(&at(1, 0))
        .run();
    assert!(
        out.stdout.starts_with("would tell the customer of 0b7c"),
        "{}",
        out.render()
    );
    assert_eq!(delays_sent(&env), 0);

    let out = env.cmd(&["escalate", "--warn", "2h"]).now(&at(1, 0)).run();
    out.success();
    assert!(
        out.stdout.starts_with(
            "told the customer of 0b7c the answer promised by 2026-11-02 11:00 will be late: Refund missing\n"
        ),
        "{}",
        out.render()
    );
    assert_eq!(out.stderr, "", "the hook ran");
    for now in [at(1, 0), at(1, 10), at(2, 59), at(3, 30)] {
        env.cmd(&["escalate", "--warn", "2h"])
            .now(&now)
            .run()
            .success();
    }
    assert_eq!(delays_sent(&env), 1, "{:?}", env.events(ID_A));
    let mails = std::fs::read_to_string(env.root().join("delays")).unwrap();
    assert_eq!(mails.matches("To: jan@example.com").count(), 1, "{mails}");
    assert!(
        mails.contains(
            "We need a little more time; you will hear from us by Monday 2 November 2026, 11:00 UTC."
        ),
        "{mails}"
    );
    let promise = promise_json(&env, &at(1, 10));
    assert_eq!(promise["delay_sent"], true);
    let doctor = env.cmd(&["doctor"]).now(&at(1, 10)).run();
    doctor.success();
    assert!(
        !doctor.stdout.contains("unknown kind"),
        "{}",
        doctor.render()
    );

    // A new promise is a new notice, and a promise found already missed gets none.
    env.cmd(&["--as", "ana", "promise", "0b7c", "in 1h"])
        .now(&at(3, 30))
        .run()
        .success();
    env.cmd(&["escalate", "--warn", "2h"])
        .now(&at(3, 40))
        .run()
        .success();
    assert_eq!(delays_sent(&env), 2);
    env.cmd(&["--as", "ana", "promise", "0b7c", "in 1h"])
        .now(&at(5, 0))
        .run()
        .success();
    env.cmd(&["escalate", "--warn", "30m"])
        .now(&at(6, 1))
        .run()
        .success();
    assert_eq!(delays_sent(&env), 2, "too late to say it will be late");
}

#[test]
fn concurrent_sweeps_send_one_delay_notice() {
    let env = telling_desk();
    env.baton_as("ana", &["promise", "0b7c", "in 3h"]).success();
    env.set_now(&at(1, 0));
    let sweeps: Vec<_> = (0..6)
        .map(|_| {
            let mut c = env.cmd(&["escalate", "--warn", "2h"]).command();
            std::thread::spawn(move || c.output().unwrap().status.success())
        })
        .collect();
    for s in sweeps {
        assert!(s.join().unwrap(), "every sweep succeeds");
    }
    assert_eq!(delays_sent(&env), 1, "{:?}", env.events(ID_A));
}

#[test]
fn the_report_counts_promises_kept_and_broken_per_person_who_made_them() {
    let env = desk();
    env.new_ticket_pinned("ana", "Login loops", &[], ID_B);
    // ben's promise on ana's ticket is kept by ana's reply in time; ana's
    // on the other is broken (she replied an hour late).
    env.baton_as("ben", &["promise", "0b7c", "in 2h"]).success();
    env.cmd(&["--as", "ana", "reply", "0b7c", "Here it is"])
        .now(&at(1, 0))
        .run()
        .success();
    env.baton_as("ana", &["promise", "9a1f", "in 1h"]).success();
    env.cmd(&["--as", "ana", "reply", "9a1f", "Sorry"])
        .now(&at(2, 0))
        .run()
        .success();
    let now = at(3, 0);
    let out = env.cmd(&["--json", "report"]).now(&now).run();
    out.success();
    assert_eq!(
        out.json()["promises"],
        serde_json::json!([{"name": "ana", "kept": 0, "broken": 1}, {"name": "ben", "kept": 1, "broken": 0}])
    );
    let csv = env.cmd(&["report", "--csv", "promises"]).now(&now).run();
    assert_eq!(csv.stdout, "name,kept,broken\nana,0,1\nben,1,0\n");
    let text = env.cmd(&["report"]).now(&now).run();
    let table = &text.stdout[text.stdout.find("PROMISED BY").expect("a promises table")..];
    assert_eq!(
        table.lines().map(str::trim_end).collect::<Vec<_>>(),
        [
            "PROMISED BY  KEPT  BROKEN",
            "ana             0       1",
            "ben             1       0"
        ]
    );
}

#[test]
fn the_report_credits_waiting_to_the_owner_and_prints_the_pause_audit_as_csv() {
    let env = desk();
    env.baton_as("ana", &["wait", "0b7c"]).success();
    env.cmd(&["--as", "ana", "pass", "0b7c", "ben"])
        .now(&at(2, 0))
        .run()
        .success();
    let csv = env.cmd(&["report", "--csv", "pauses"]).now(&at(5, 0)).run();
    assert_eq!(
        csv.stdout,
        "name,paused_hours,pauses,quick_pauses\nana,2.0,1,0\nben,3.0,0,0\n"
    );
}
