//! The month-end report on a small desk built command by command. The figures
//! expected for November 2026 are worked out by hand beside each test.

use crate::common::TestEnv;

/// Runs one command at a moment of the fixture ("MM-DDTHH:MM", 2026, UTC).
fn at(env: &TestEnv, when: &str, who: &str, args: &[&str]) -> String {
    env.set_now(&format!("2026-{when}:00Z"));
    let out = env.baton_as(who, args);
    out.success();
    out.stdout.trim().to_string()
}

/// The desk (ana 1, ben 2, cora 3; escalation after 20 h to the top; first
/// reply within 1 h):
///
/// - A, acme: created by ana 31 Oct 20:00 (October); swept to cora 1 Nov
///   16:00, the 20 h deadline; cora resolves 2 Nov 10:00, 38 h after
///   creation: late, not first contact. Rated 4 on 3 Nov.
/// - B, acme: created by ana 2 Nov 09:00; replied 09:30 (30 min); ana logs
///   45 min; resolved 12:00 (3 h: in time, first contact). Rated 5 on 2 Nov.
/// - C, initech: created 30 Nov 23:30; replied 1 Dec 00:10 (40 min, in time,
///   though in December); still open at the end of November.
/// - D, no customer: created by ana 10 Nov 08:00, passed to ben 08:05; ben
///   logs 1h30m and sets it waiting; never replied.
pub(crate) fn desk() -> TestEnv {
    let env = TestEnv::team();
    let a = at(
        &env,
        "10-31T20:00",
        "ana",
        &["new", "A", "--customer", "acme"],
    );
    at(&env, "11-01T16:00", "ana", &["escalate"]);
    at(&env, "11-02T10:00", "cora", &["resolve", &a]);
    at(&env, "11-03T09:00", "ana", &["rate", &a, "4"]);
    let b = at(
        &env,
        "11-02T09:00",
        "ana",
        &["new", "B", "--customer", "acme"],
    );
    at(&env, "11-02T09:30", "ana", &["reply", &b, "On it"]);
    at(&env, "11-02T11:00", "ana", &["log", &b, "45m"]);
    at(&env, "11-02T12:00", "ana", &["resolve", &b]);
    at(&env, "11-02T13:00", "ana", &["rate", &b, "5"]);
    let c = at(
        &env,
        "11-30T23:30",
        "ana",
        &["new", "C", "--customer", "initech"],
    );
    at(&env, "12-01T00:10", "ana", &["reply", &c, "Looking"]);
    let d = at(&env, "11-10T08:00", "ana", &["new", "D"]);
    at(&env, "11-10T08:05", "ana", &["pass", &d, "ben"]);
    at(&env, "11-10T09:00", "ben", &["log", &d, "1h30m"]);
    at(&env, "11-10T09:05", "ben", &["wait", &d]);
    env.set_now("2026-12-05T12:00:00Z");
    env
}

#[test]
fn the_json_report_pins_every_figure() {
    let env = desk();
    let out = env.baton(&["report", "--month", "2026-11", "--json"]);
    out.success();
    // totals: created B C D; resolved A B, one in time (50%); open at the end
    // C and D; first reply in time for B and C of B C D (66.7%); first contact
    // B of A B (50%); ratings 4 and 5; 45 + 90 minutes.
    // ana: received B C D, passed D, escalated away A, resolved B in 3 h,
    // first reply on B after 30 min (C's came in December).
    insta::assert_json_snapshot!(out.json(), @r#"
    {
      "compared": {
        "changes": [
          {
            "before": 1.0,
            "direction": "up",
            "figure": "created",
            "now": 3.0
          },
          {
            "before": 0.0,
            "direction": "up",
            "figure": "resolved",
            "now": 2.0
          },
          {
            "before": 1.0,
            "direction": "up",
            "figure": "open_at_end",
            "now": 2.0
          },
          {
            "before": null,
            "direction": null,
            "figure": "sla_met_pct",
            "now": 50.0
          },
          {
            "before": 0.0,
            "direction": "up",
            "figure": "first_response_met_pct",
            "now": 66.7
          },
          {
            "before": null,
            "direction": null,
            "figure": "fcr_pct",
            "now": 50.0
          },
          {
            "before": null,
            "direction": null,
            "figure": "one_touch_pct",
            "now": 50.0
          },
          {
            "before": 0.0,
            "direction": "same",
            "figure": "reopened",
            "now": 0.0
          },
          {
            "before": null,
            "direction": null,
            "figure": "csat_avg",
            "now": 4.5
          },
          {
            "before": null,
            "direction": null,
            "figure": "csat_pct",
            "now": 100.0
          },
          {
            "before": 0.0,
            "direction": "up",
            "figure": "hours",
            "now": 2.25
          }
        ],
        "period": {
          "since": "2026-10-01T00:00:00Z",
          "until": "2026-11-01T00:00:00Z"
        }
      },
      "customers": [
        {
          "csat_avg": 4.5,
          "customer": "acme",
          "hours": 0.75,
          "low_scores": 0,
          "tickets": 2
        },
        {
          "csat_avg": null,
          "customer": "initech",
          "hours": 0.0,
          "low_scores": 0,
          "tickets": 1
        },
        {
          "csat_avg": null,
          "customer": "",
          "hours": 1.5,
          "low_scores": 0,
          "tickets": 1
        }
      ],
      "low_scores": [],
      "pauses": [
        {
          "name": "ben",
          "paused_hours": 494.92,
          "pauses": 1,
          "quick_pauses": 0
        }
      ],
      "people": [
        {
          "escalated_away": 1,
          "hours": 0.75,
          "median_first_response_minutes": 30.0,
          "median_resolve_hours": 3.0,
          "name": "ana",
          "one_touch": 1,
          "p90_first_response_minutes": 30.0,
          "passed": 1,
          "passed_down": 0,
          "passed_sideways": 0,
          "passed_up": 1,
          "received": 3,
          "resolved": 1,
          "taken": 0
        },
        {
          "escalated_away": 0,
          "hours": 1.5,
          "median_first_response_minutes": null,
          "median_resolve_hours": null,
          "name": "ben",
          "one_touch": 0,
          "p90_first_response_minutes": null,
          "passed": 0,
          "passed_down": 0,
          "passed_sideways": 0,
          "passed_up": 0,
          "received": 1,
          "resolved": 0,
          "taken": 0
        },
        {
          "escalated_away": 0,
          "hours": 0.0,
          "median_first_response_minutes": null,
          "median_resolve_hours": 38.0,
          "name": "cora",
          "one_touch": 0,
          "p90_first_response_minutes": null,
          "passed": 0,
          "passed_down": 0,
          "passed_sideways": 0,
          "passed_up": 0,
          "received": 1,
          "resolved": 1,
          "taken": 0
        }
      ],
      "period": {
        "since": "2026-11-01T00:00:00Z",
        "until": "2026-12-01T00:00:00Z"
      },
      "promises": [],
      "question_cost": {
        "customers": [],
        "tags": []
      },
      "totals": {
        "created": 3,
        "csat_avg": 4.5,
        "csat_pct": 100.0,
        "fcr_pct": 50.0,
        "first_response_met_pct": 66.7,
        "hours": 2.25,
        "one_touch": 1,
        "one_touch_pct": 50.0,
        "open_at_end": 2,
        "reopened": 0,
        "resolved": 2,
        "sla_met_pct": 50.0
      },
      "unreadable": []
    }
    "#);
}

#[test]
fn the_terminal_report_has_tables_and_a_chart() {
    let env = desk();
    let out = env.baton(&["report", "--month", "2026-11"]);
    out.success();
    insta::assert_snapshot!(out.stdout, @"
    Report for November 2026

    TOTALS
    tickets created               3
    resolved                      2
    open or waiting at the end    2
    resolved before the deadline  50%
    first reply in time           66.7%
    solved at first contact       50%
    solved with one reply         50%
    reopened                      0
    customer satisfaction         4.5 of 5, 100% rated 4 or 5
    hours logged                  2.25

    NAME  RECEIVED  TAKEN  RESOLVED  PASSED  ESCALATED  RESOLVE  1ST REPLY  HOURS
    ana          3      0         1       1          1       3h        30m   0.75
    ben          1      0         0       0          0        –          –    1.5
    cora         1      0         1       0          0    1d14h          –      0
    RESOLVE and 1ST REPLY are medians.
    ESCALATED counts deadlines missed while the person owned the ticket.

    █ resolved  ░ passed
    ana   ████░░░░  1 resolved, 1 passed
    cora  ████      1 resolved, 0 passed

    HOW
    ana  passed 1 (up 1, sideways 0, down 0); one-touch 1 of 1 resolved; first reply median 30m, 90th percentile 30m
    cora  passed 0 (up 0, sideways 0, down 0); one-touch 0 of 1 resolved; first reply median –, 90th percentile –

    CUSTOMER       TICKETS  HOURS  SATISFACTION
    acme                 2   0.75           4.5
    initech              1      0             –
    (no customer)        1    1.5             –

    COMPARED WITH                 October 2026       NOW
    tickets created                          1  ↑      3
    resolved                                 0  ↑      2
    open or waiting at the end               1  ↑      2
    resolved before the deadline             –       50%
    first reply in time                     0%  ↑  66.7%
    solved at first contact                  –       50%
    solved with one reply                    –       50%
    reopened                                 0  →      0
    satisfaction, of 5                       –       4.5
    rated 4 or 5                             –      100%
    hours logged                             0  ↑   2.25

    PAUSES
    ben  494.92h waiting, set waiting 1 times, 0 within the pause grace of a customer message
    ");
}

#[test]
fn csv_sections_load_with_the_json_keys_as_columns() {
    let env = desk();
    let people = env.baton(&["report", "--month", "2026-11", "--csv", "people"]);
    people.success();
    insta::assert_snapshot!(people.stdout, @"
    name,received,taken,resolved,passed,escalated_away,median_resolve_hours,median_first_response_minutes,hours,passed_up,passed_sideways,passed_down,one_touch,p90_first_response_minutes
    ana,3,0,1,1,1,3.0,30.0,0.75,1,0,0,1,30.0
    ben,1,0,0,0,0,,,1.5,0,0,0,0,
    cora,1,0,1,0,0,38.0,,0.0,0,0,0,0,
    ");
    let totals = env.baton(&["report", "--month", "2026-11", "--csv", "totals"]);
    insta::assert_snapshot!(totals.stdout, @"
    created,resolved,open_at_end,sla_met_pct,first_response_met_pct,fcr_pct,one_touch,one_touch_pct,reopened,csat_avg,csat_pct,hours
    3,2,2,50.0,66.7,50.0,1,50.0,0,4.5,100.0,2.25
    ");
    let customers = env.baton(&["report", "--month", "2026-11", "--csv", "customers"]);
    insta::assert_snapshot!(customers.stdout, @"
    customer,tickets,hours,csat_avg,low_scores
    acme,2,0.75,4.5,0
    initech,1,0.0,,0
    ,1,1.5,,0
    ");
}

#[test]
fn a_customer_with_a_comma_is_quoted_in_csv() {
    let env = TestEnv::team();
    env.baton_as("ana", &["new", "x", "--customer", "Smith, \"Jo\""])
        .success();
    let out = env.baton(&["report", "--csv", "customers"]);
    assert_eq!(
        out.stdout,
        "customer,tickets,hours,csat_avg,low_scores\n\"Smith, \"\"Jo\"\"\",1,0.0,,0\n"
    );
}

#[test]
fn csv_cells_a_spreadsheet_would_run_are_defused() {
    let env = TestEnv::team();
    for customer in [
        "=2+5@example.com",
        "=HYPERLINK(\"http://evil.example\")",
        "@SUM(1)",
    ] {
        env.baton_as("ana", &["new", "x", "--customer", customer])
            .success();
    }
    let out = env.baton(&["report", "--csv", "customers"]);
    out.success();
    let mut rows: Vec<String> = csv::Reader::from_reader(out.stdout.as_bytes())
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            "'=2+5@example.com",
            "'=HYPERLINK(\"http://evil.example\")",
            "'@SUM(1)"
        ],
        "{}",
        out.stdout
    );
}

#[test]
fn an_empty_period_prints_zeros_and_dashes() {
    let env = desk();
    let json = env
        .baton(&["report", "--month", "2026-01", "--json"])
        .json();
    assert_eq!(json["totals"]["created"], 0);
    assert_eq!(json["totals"]["sla_met_pct"], serde_json::Value::Null);
    assert_eq!(json["customers"], serde_json::json!([]));
    assert_eq!(json["people"].as_array().unwrap().len(), 3);
    let out = env.baton(&["report", "--month", "2026-01"]);
    out.success();
    insta::assert_snapshot!(out.stdout, @"
    Report for January 2026
    No ticket changed in this period.

    TOTALS
    tickets created               0
    resolved                      0
    open or waiting at the end    0
    resolved before the deadline  –
    first reply in time           –
    solved at first contact       –
    solved with one reply         –
    reopened                      0
    customer satisfaction         –
    hours logged                  0

    NAME  RECEIVED  TAKEN  RESOLVED  PASSED  ESCALATED  RESOLVE  1ST REPLY  HOURS
    ana          0      0         0       0          0        –          –      0
    ben          0      0         0       0          0        –          –      0
    cora         0      0         0       0          0        –          –      0
    RESOLVE and 1ST REPLY are medians.
    ESCALATED counts deadlines missed while the person owned the ticket.

    COMPARED WITH                 December 2025     NOW
    tickets created                           0  →    0
    resolved                                  0  →    0
    open or waiting at the end                0  →    0
    resolved before the deadline              –       –
    first reply in time                       –       –
    solved at first contact                   –       –
    solved with one reply                     –       –
    reopened                                  0  →    0
    satisfaction, of 5                        –       –
    rated 4 or 5                              –       –
    hours logged                              0  →    0
    ");
    let csv = env.baton(&["report", "--month", "2026-01", "--csv", "customers"]);
    assert_eq!(csv.stdout, "customer,tickets,hours,csat_avg,low_scores\n");
}

#[test]
fn the_default_period_is_the_current_month() {
    let env = desk();
    env.set_now("2026-11-20T12:00:00Z");
    let json = env.baton(&["report", "--json"]).json();
    assert_eq!(json["period"]["since"], "2026-11-01T00:00:00Z");
    assert_eq!(json["period"]["until"], "2026-12-01T00:00:00Z");
}

#[test]
fn since_and_until_are_whole_days_and_owner_narrows_the_tickets() {
    let env = desk();
    // 2 Nov only: B created and resolved, A resolved.
    let json = env
        .baton(&[
            "report",
            "--since",
            "2026-11-02",
            "--until",
            "2026-11-02",
            "--json",
        ])
        .json();
    assert_eq!(json["period"]["until"], "2026-11-03T00:00:00Z");
    assert_eq!(
        (
            json["totals"]["created"].clone(),
            json["totals"]["resolved"].clone()
        ),
        (1.into(), 2.into())
    );
    // ben only held D.
    let json = env
        .baton(&["report", "--month", "2026-11", "--owner", "ben", "--json"])
        .json();
    assert_eq!(json["people"].as_array().unwrap().len(), 1);
    assert_eq!(json["totals"]["created"], 1);
    assert_eq!(json["totals"]["open_at_end"], 1);
    assert_eq!(json["customers"][0]["customer"], "");
}

#[test]
fn months_are_local_days() {
    let env = desk();
    // In Vienna, November runs from 23:00 UTC on 31 October to 23:00 UTC on
    // 30 November: A (31 Oct 20:00 UTC) is still October, and C (30 Nov 23:30
    // UTC) is already December there.
    let json = env
        .cmd(&["report", "--month", "2026-11", "--json"])
        .env("TZ", "Europe/Vienna")
        .run()
        .json();
    assert_eq!(json["period"]["since"], "2026-10-31T23:00:00Z");
    assert_eq!(json["period"]["until"], "2026-11-30T23:00:00Z");
    assert_eq!(json["totals"]["created"], 2, "B and D");
}

#[test]
fn bad_periods_and_people_are_refused() {
    let env = desk();
    let cases: [(&[&str], i32, &str); 5] = [
        (
            &["--month", "2026-13"],
            2,
            "--month: '2026-13' is not a month; expected YYYY-MM",
        ),
        (
            &["--since", "someday"],
            2,
            "--since: 'someday' is not a time; expected",
        ),
        (
            &["--since", "2026-11-10", "--until", "2026-11-01"],
            2,
            "the period ends (2026-11-01) before it begins (2026-11-10)",
        ),
        (&["--owner", "zed"], 1, "not on the team"),
        (&["--csv", "people", "--json"], 2, "pick one"),
    ];
    for (args, code, message) in cases {
        let mut all = vec!["report"];
        all.extend_from_slice(args);
        let out = env.baton(&all);
        out.code(code);
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn an_unreadable_ticket_is_named_and_the_rest_still_counts() {
    let env = desk();
    std::fs::write(
        env.store()
            .join("0000aaaa-0000-4000-8000-000000000000.toml"),
        "title = [",
    )
    .unwrap();
    let out = env.baton(&["report", "--month", "2026-11", "--json"]);
    out.code(1);
    assert_eq!(out.json()["totals"]["created"], 3);
    assert!(
        out.stderr
            .contains("0000aaaa-0000-4000-8000-000000000000.toml"),
        "{}",
        out.stderr
    );
    // The figures for the rest come first, then the warning and the error.
    let out = env.baton(&["report", "--month", "2026-11", "--csv", "totals"]);
    insta::assert_snapshot!(out.render(), @"
    created,resolved,open_at_end,sla_met_pct,first_response_met_pct,fcr_pct,one_touch,one_touch_pct,reopened,csat_avg,csat_pct,hours
    3,2,2,50.0,66.7,50.0,1,50.0,0,4.5,100.0,2.25
    ------- stderr -------
    warning: tickets/0000aaaa-0000-4000-8000-000000000000.toml:1:10: unclosed array, expected `]`
    hint: fix the file by hand (baton never rewrites a file it cannot read); 'baton doctor' checks the store
    error: 1 ticket file(s) could not be read; the report counts only the rest
    hint: run 'baton doctor' to see what is wrong with them
    [exit 1]
    ");
}

#[test]
fn a_low_score_is_listed_with_the_customers_own_words() {
    let env = desk();
    let a = env
        .baton(&["list", "--all", "--json"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "A")
        .map(|t| t["short_id"].as_str().unwrap().to_string())
        .unwrap();
    at(
        &env,
        "11-04T09:00",
        "ana",
        &[
            "rate",
            &a,
            "2",
            "--comment",
            "fixed, but it took three days",
        ],
    );
    env.set_now("2026-12-05T12:00:00Z");
    let text = env.baton(&["report", "--month", "2026-11"]);
    text.success();
    assert!(
        text.stdout
            .contains("acme  2 of 5  A  \"fixed, but it took three days\""),
        "{}",
        text.stdout
    );
    let json = env
        .baton(&["report", "--month", "2026-11", "--json"])
        .json();
    let low = &json["low_scores"];
    assert_eq!(low.as_array().unwrap().len(), 1);
    assert_eq!(low[0]["score"], 2);
    assert_eq!(low[0]["comment"], "fixed, but it took three days");
    assert_eq!(json["customers"][0]["low_scores"], 1);
    let csv = env.baton(&["report", "--month", "2026-11", "--csv", "low-scores"]);
    csv.success();
    let mut lines = csv.stdout.lines();
    assert_eq!(lines.next(), Some("customer,ticket,title,score,comment,at"));
    assert!(
        lines
            .next()
            .unwrap()
            .contains(",A,2,\"fixed, but it took three days\",")
    );
}

#[test]
fn the_month_is_compared_with_the_one_before_with_arrows() {
    let env = desk();
    let json = env
        .baton(&["report", "--month", "2026-11", "--json"])
        .json();
    let c = &json["compared"];
    assert_eq!(c["period"]["since"], "2026-10-01T00:00:00Z");
    assert_eq!(c["period"]["until"], "2026-11-01T00:00:00Z");
    let created = &c["changes"][0];
    assert_eq!(
        (
            created["figure"].as_str(),
            created["before"].as_f64(),
            created["now"].as_f64()
        ),
        (Some("created"), Some(1.0), Some(3.0)),
        "A in October; B, C, D in November"
    );
    assert_eq!(created["direction"], "up");
    let text = env.baton(&["report", "--month", "2026-11"]).stdout;
    assert!(text.contains("COMPARED WITH"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("tickets created") && l.contains('↑')),
        "{text}"
    );
    let csv = env.baton(&["report", "--month", "2026-11", "--csv", "compared"]);
    assert_eq!(
        csv.stdout.lines().next(),
        Some("figure,now,before,direction")
    );
    assert!(
        csv.stdout.contains("\ncreated,3.0,1.0,up\n"),
        "{}",
        csv.stdout
    );
}

#[test]
fn months_and_days_read_as_people_say_them() {
    let env = desk();
    let period = |args: &[&str]| {
        let mut all = vec!["report", "--json"];
        all.extend_from_slice(args);
        let out = env.baton(&all);
        out.success();
        let p = &out.json()["period"];
        (p["since"].to_string(), p["until"].to_string())
    };
    let this = period(&[]);
    assert_eq!(period(&["--month", "this"]), this);
    let last = period(&["--month", "last"]);
    assert_eq!(last.1, this.0, "last month ends where this one begins");
    assert_eq!(period(&["--month", &last.0[1..8]]), last, "as YYYY-MM");
    let days = period(&["--since", "yesterday", "--until", "today"]);
    assert!(days.0 < days.1, "{days:?}");
}
