use crate::common::{ID_A, TestEnv, at};

fn resolved_ticket() -> TestEnv {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    env.set_now(&at(1, 0));
    env.baton_as("ana", &["resolve", "0b7c"]).success();
    env.set_now(&at(2, 0));
    env
}

#[test]
fn rate_records_every_score_on_a_solved_ticket() {
    let env = resolved_ticket();
    let out = env.baton_as("ben", &["rate", "0b7c", "2", "--comment", "slow"]);
    out.success();
    assert_eq!(out.stdout, "rated 0b7c 2/5\n");
    assert_eq!(
        env.last_event_text(ID_A),
        format!(
            "at = {}\nby = \"ben\"\nkind = \"rated\"\nscore = 2\ncomment = \"slow\"\n",
            at(2, 0)
        )
    );
    env.set_now(&at(3, 0));
    env.baton_as("ben", &["rate", "0b7c", "5"]).success();
    let scores: Vec<i64> = env
        .events(ID_A)
        .iter()
        .filter_map(|e| e.get("score").and_then(|s| s.as_integer()))
        .collect();
    assert_eq!(scores, [2, 5], "a new rating never replaces the old one");
    assert_eq!(
        env.field(ID_A, "status"),
        "resolved",
        "rating does not reopen"
    );
}

#[test]
fn rate_refuses_open_tickets_and_scores_outside_one_to_five() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    let before = env.store_bytes();
    let out = env.baton_as("ana", &["rate", "0b7c", "4"]);
    out.code(1);
    insta::assert_snapshot!(out.render(), @"
    ------- stderr -------
    error: cannot rate 0b7c: it is open; customers rate solved tickets
    hint: resolve it first with 'baton resolve 0b7c'
    [exit 1]
    ");
    for score in ["0", "6", "four"] {
        let out = env.baton_as("ana", &["rate", "0b7c", score]);
        out.code(2);
        assert!(out.stderr.contains("SCORE"), "{}", out.stderr);
    }
    assert_eq!(env.store_bytes(), before, "refusals write nothing");
}

#[test]
fn log_records_minutes_for_whoever_logs_them() {
    let env = resolved_ticket();
    // (duration, minutes written)
    for (given, minutes) in [("45m", 45), ("1h30m", 90), ("2h", 120), ("90s", 2)] {
        let out = env.baton_as("cora", &["log", "0b7c", given, "--note", "checked logs"]);
        out.success();
        let event = env.events(ID_A).pop().unwrap();
        assert_eq!(event["kind"].as_str(), Some("time"));
        assert_eq!(event["by"].as_str(), Some("cora"));
        assert_eq!(event["minutes"].as_integer(), Some(minutes), "{given}");
        assert_eq!(event["note"].as_str(), Some("checked logs"));
    }
    let out = env.baton_as("cora", &["log", "0b7c", "1h30m"]);
    assert_eq!(out.stdout, "logged 1h30m on 0b7c\n");
    let json = env
        .baton_as("cora", &["--json", "log", "0b7c", "5m"])
        .json();
    assert_eq!(
        json["events"].as_array().unwrap().last().unwrap()["minutes"],
        5
    );
}

#[test]
fn log_refuses_what_is_not_a_duration() {
    let env = resolved_ticket();
    let before = env.store_bytes();
    let out = env.baton_as("ana", &["log", "0b7c", "soon"]);
    out.code(2);
    assert!(
        out.stderr
            .contains("expected a number and a unit (s, m, h, d, w), such as 20h, 90m"),
        "{}",
        out.stderr
    );
    let out = env.baton_as("ana", &["log", "0b7c", "20s"]);
    out.code(2);
    insta::assert_snapshot!(out.render(), @"
    ------- stderr -------
    error: baton logs whole minutes; the time given is less than one
    hint: baton log 0b7c 15m
    [exit 2]
    ");
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn log_at_counts_the_work_when_it_was_done() {
    let env = TestEnv::team();
    env.set_now("2026-10-30T09:00:00Z");
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    env.set_now("2026-11-02T10:00:00Z");
    env.baton_as("ana", &["log", "0b7c", "2h", "--at", "2026-10-31 14:00"])
        .success();
    env.baton_as("ana", &["log", "0b7c", "30m"]).success();
    let events = env.events(ID_A);
    assert_eq!(
        events[1].get("worked").map(ToString::to_string).as_deref(),
        Some("2026-10-31T14:00:00Z"),
        "{events:?}"
    );
    assert!(events[2].get("worked").is_none(), "just now needs no key");
    let hours = |month: &str| {
        env.baton(&["report", "--month", month, "--json"]).json()["totals"]["hours"].clone()
    };
    assert_eq!(hours("2026-10"), serde_json::json!(2.0));
    assert_eq!(hours("2026-11"), serde_json::json!(0.5));
    let show = env.baton(&["show", "0b7c"]);
    assert!(
        show.stdout.contains("logged 2h, worked 2026-10-31 14:00"),
        "{}",
        show.stdout
    );

    for (at, message) in [
        ("tomorrow", "is ahead of now"),
        ("2026-10-01", "before the ticket was opened"),
        ("whenever", "--at: 'whenever' is not a time"),
    ] {
        let out = env.baton_as("ana", &["log", "0b7c", "1h", "--at", at]);
        out.code(2);
        assert!(out.stderr.contains(message), "{at}: {}", out.stderr);
    }
    env.baton(&["doctor"]).success();
}
