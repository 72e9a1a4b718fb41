//! Business hours end to end: a desk on a working calendar in its own time
//! zone escalates only in working time, skips its holidays (inline or in
//! `holidays.toml`), and a bad calendar is refused with its line.

use std::fs;

use crate::common::{ID_A, ID_B, TestEnv};

/// Friday 2026-11-06 17:30 in Budapest (UTC+1).
const FRIDAY_EVENING: &str = "2026-11-06T16:30:00Z";

/// The team, escalating after `after` of working time on a Mon–Fri 09–18
/// Budapest calendar, with `extra` appended to `[calendar]`.
fn desk(after: &str, extra: &str) -> TestEnv {
    let env = TestEnv::team();
    let path = env.store().join("baton.toml");
    let text = fs::read_to_string(&path).unwrap().replace(
        "after = \"20h\"",
        &format!("after = \"{after}\"\nclock = \"business\""),
    );
    fs::write(
        &path,
        format!(
            "{text}\n[calendar]\ntimezone = \"Europe/Budapest\"\nmon-fri = \"09:00-18:00\"\n{extra}"
        ),
    )
    .unwrap();
    env
}

fn due(env: &TestEnv, now: &str) -> String {
    let out = env.cmd(&["--json", "show", ID_A]).now(now).run();
    out.success();
    out.json()["due"].as_str().unwrap().to_string()
}

#[test]
fn a_business_desk_never_escalates_over_the_weekend() {
    let env = desk("2h", "");
    env.set_now(FRIDAY_EVENING);
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    // Half an hour on Friday, an hour and a half on Monday: 10:30 local.
    assert_eq!(due(&env, FRIDAY_EVENING), "2026-11-09T09:30:00Z");
    for now in [
        "2026-11-07T12:00:00Z",
        "2026-11-08T23:00:00Z",
        "2026-11-09T09:29:59Z",
    ] {
        let out = env.cmd(&["escalate"]).now(now).run();
        assert_eq!(out.render(), "[exit 0]", "nothing due at {now}");
        assert_eq!(env.field(ID_A, "owner"), "ana", "at {now}");
    }
    let out = env.cmd(&["escalate"]).now("2026-11-09T09:30:00Z").run();
    out.success();
    assert!(out.stdout.contains("to cora"), "{}", out.render());
    assert_eq!(env.field(ID_A, "owner"), "cora");
    let deadlines: Vec<String> = env
        .events(ID_A)
        .iter()
        .filter_map(|e| e.get("deadline").map(|d| d.to_string()))
        .collect();
    assert_eq!(deadlines, ["2026-11-09T09:30:00Z"]);
}

#[test]
fn list_and_warn_read_the_same_business_clock() {
    let env = desk("2h", "");
    env.set_now(FRIDAY_EVENING);
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    let listed = env
        .cmd(&["--json", "list"])
        .now("2026-11-08T12:00:00Z")
        .run();
    assert_eq!(listed.json()[0]["due"], "2026-11-09T09:30:00Z");
    // On Sunday the deadline is 21.5 hours away: a 2h warning says nothing.
    let out = env
        .cmd(&["escalate", "--warn", "2h"])
        .now("2026-11-08T12:00:00Z")
        .run();
    out.success();
    assert!(!out.stdout.contains("0b7c"), "{}", out.render());
    let out = env
        .cmd(&["escalate", "--warn", "2h"])
        .now("2026-11-09T08:00:00Z")
        .run();
    out.success();
    assert!(out.stdout.contains("0b7c"), "{}", out.render());
}

#[test]
fn holidays_inline_and_in_their_own_file_are_skipped() {
    let env = desk("2h", "holidays = [\"2026-11-09\"]\n");
    env.set_now(FRIDAY_EVENING);
    env.new_ticket_pinned("ana", "Printer on fire", &[], ID_A);
    assert_eq!(
        due(&env, FRIDAY_EVENING),
        "2026-11-10T09:30:00Z",
        "Monday is off"
    );
    fs::write(
        env.store().join("holidays.toml"),
        "holidays = [\"2026-11-10..2026-11-11\"]\n",
    )
    .unwrap();
    assert_eq!(
        due(&env, FRIDAY_EVENING),
        "2026-11-12T09:30:00Z",
        "and so are Tuesday and Wednesday"
    );
    let out = env.cmd(&["list"]).now(FRIDAY_EVENING).run();
    out.success();
    assert!(
        !out.stderr.contains("holidays.toml"),
        "not a stray ticket: {}",
        out.render()
    );
}

#[test]
fn a_bad_holiday_file_names_its_line() {
    let env = desk("2h", "");
    fs::write(
        env.store().join("holidays.toml"),
        "holidays = [\n  \"2026-12-24\",\n  \"Christmas\",\n]\n",
    )
    .unwrap();
    let out = env.cmd(&["list"]).run();
    assert_ne!(out.code, 0, "{}", out.render());
    assert!(out.stderr.contains("holidays.toml:3:"), "{}", out.render());
    assert!(
        out.stderr.contains("'Christmas' is not a holiday"),
        "{}",
        out.render()
    );
}

#[test]
fn a_business_clock_without_a_calendar_is_refused_with_its_line() {
    let env = TestEnv::team();
    let path = env.store().join("baton.toml");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("after = \"20h\"", "after = \"20h\"\nclock = \"business\"");
    fs::write(&path, text).unwrap();
    let out = env.cmd(&["list"]).run();
    assert_ne!(out.code, 0, "{}", out.render());
    assert!(out.stderr.contains("baton.toml:"), "{}", out.render());
    assert!(out.stderr.contains("no [calendar]"), "{}", out.render());
}

/// The team on a Budapest business calendar with an urgent, a low and a gold
/// policy for `*@bigco.example`.
fn policies() -> TestEnv {
    let env = desk(
        "20h",
        "\n[sla.urgent]\nfirst_response = \"30m\"\nafter = \"4h\"\nclock = \"24x7\"\n\
         [sla.low]\nafter = \"3d\"\n\
         [sla.gold]\nafter = \"2h\"\n\
         [[customers]]\nmatch = \"*@bigco.example\"\ntier = \"gold\"\n",
    );
    env.set_now(FRIDAY_EVENING);
    env
}

#[test]
fn an_urgent_ticket_gets_its_four_hours_and_a_low_one_its_three_days() {
    let env = policies();
    env.new_ticket_pinned("ana", "Site down", &["--priority", "urgent"], ID_A);
    env.new_ticket_pinned("ana", "Typo", &["--priority", "low"], ID_B);
    // Urgent runs round the clock: Friday 17:30 + 4h.
    assert_eq!(due(&env, FRIDAY_EVENING), "2026-11-06T20:30:00Z");
    // Low: 3 days of working hours (72h at 9h a day = 8 working days).
    let out = env.cmd(&["--json", "show", ID_B]).run();
    assert_eq!(out.json()["due"], "2026-11-18T16:30:00Z");
    let out = env.cmd(&["escalate"]).now("2026-11-06T20:30:00Z").run();
    out.success();
    assert!(
        out.stdout.contains("0b7c") && !out.stdout.contains("9a1f"),
        "{}",
        out.render()
    );
}

#[test]
fn the_stricter_of_priority_and_tier_wins_and_show_says_so() {
    let env = policies();
    env.new_ticket_pinned(
        "ana",
        "Invoices wrong",
        &["--priority", "low", "--customer", "it@bigco.example"],
        ID_A,
    );
    // Gold's 2 working hours beat low's 3 days: Monday 10:30 local.
    assert_eq!(due(&env, FRIDAY_EVENING), "2026-11-09T09:30:00Z");
    let out = env.cmd(&["show", ID_A]).run();
    out.success();
    assert!(
        out.stdout.contains(
            "policy    escalates after 2h (business hours, gold), first reply within 1h (business hours, default); customer tier gold"
        ),
        "{}",
        out.render()
    );
}

#[test]
fn a_priority_change_recomputes_the_deadline_from_the_same_history() {
    let env = policies();
    env.new_ticket_pinned("ana", "Slow page", &[], ID_A);
    // Normal: the 20 working hours of [escalation]: Wednesday 10:30 local.
    assert_eq!(due(&env, FRIDAY_EVENING), "2026-11-11T09:30:00Z");
    env.cmd(&["--as", "ana", "edit", ID_A, "--priority", "urgent"])
        .now("2026-11-06T17:00:00Z")
        .run()
        .success();
    // Counted from creation, not from the edit.
    assert_eq!(due(&env, "2026-11-06T17:00:00Z"), "2026-11-06T20:30:00Z");
    let out = env.cmd(&["show", ID_A]).now("2026-11-06T17:00:00Z").run();
    assert!(
        out.stdout.contains("escalates after 4h (24x7, urgent)"),
        "{}",
        out.render()
    );
}

#[test]
fn a_policy_for_an_unknown_name_is_refused_with_its_line() {
    let env = desk("20h", "\n[sla.platinum]\nafter = \"1h\"\n");
    let out = env.cmd(&["list"]).run();
    assert_ne!(out.code, 0, "{}", out.render());
    assert!(out.stderr.contains("baton.toml:"), "{}", out.render());
    assert!(
        out.stderr.contains("[sla.platinum] is neither a priority"),
        "{}",
        out.render()
    );
}

/// A ticket across a weekend on an 8-working-hour desk: created Friday 17:45
/// Budapest, replied Monday 09:30, resolved Monday 14:00. Round the clock that
/// is a 63h45m first reply and a 68h15m resolution; in working hours 45
/// minutes and 5h15m, both in time.
#[test]
fn the_report_counts_in_the_policy_s_clock_and_says_which() {
    let env = desk("8h", "holidays = [\"2026-12-24\"]\n");
    env.set_now("2026-11-06T16:45:00Z");
    env.new_ticket_pinned(
        "ana",
        "Export broken",
        &["--customer", "x@example.com"],
        ID_A,
    );
    env.cmd(&["--as", "ana", "reply", ID_A, "Looking into it"])
        .now("2026-11-09T08:30:00Z")
        .run()
        .success();
    env.cmd(&["--as", "ana", "resolve", ID_A])
        .now("2026-11-09T13:00:00Z")
        .run()
        .success();
    let out = env
        .cmd(&["report", "--month", "2026-11", "--json"])
        .now("2026-12-01T00:00:00Z")
        .run();
    out.success();
    let r = out.json();
    assert_eq!(r["totals"]["sla_met_pct"], 100.0);
    assert_eq!(r["totals"]["first_response_met_pct"], 100.0);
    let ana = &r["people"][0];
    assert_eq!(
        (
            ana["median_first_response_minutes"].as_f64(),
            ana["median_resolve_hours"].as_f64()
        ),
        (Some(45.0), Some(5.25))
    );
    assert_eq!(r["basis"]["clock"], "business");
    assert_eq!(r["basis"]["timezone"], "Europe/Budapest");
    assert_eq!(r["basis"]["hours"][0], "mon 09:00-18:00");
    assert_eq!(r["basis"]["holidays"][0], "2026-12-24");
    let text = env
        .cmd(&["report", "--month", "2026-11"])
        .now("2026-12-01T00:00:00Z")
        .run();
    assert!(
        text.stdout.contains("Clock: business (Europe/Budapest); hours mon 09:00-18:00, tue 09:00-18:00, wed 09:00-18:00, thu 09:00-18:00, fri 09:00-18:00; 1 holidays"),
        "{}",
        text.render()
    );
}

#[test]
fn a_report_names_its_policies() {
    let env = policies();
    let out = env
        .cmd(&["report", "--month", "2026-11", "--json"])
        .now("2026-12-01T00:00:00Z")
        .run();
    out.success();
    assert_eq!(
        out.json()["basis"]["policies"],
        serde_json::json!([
            "low: after 3days",
            "urgent: first_response 30m, after 4h, clock 24x7",
            "gold: after 2h"
        ])
    );
}
