use crate::common::{ID_A, ID_B, ID_C, TestEnv, at, keys};

const ID_D: &str = "d0d0d0d0-0000-4000-8000-000000000000";

/// Four tickets, seen at T0+6h: ana's refund (high, due T0+20h), ben's login
/// problem (urgent, due T0+21h), cora's printer (waiting since T0+3h) and ana's
/// resolved question.
fn desk() -> TestEnv {
    let env = TestEnv::team();
    env.set_now(&at(0, 0));
    env.new_ticket_pinned(
        "ana",
        "Refund not received",
        &[
            "--customer",
            "jan@example.com",
            "--priority",
            "high",
            "--tag",
            "billing",
        ],
        ID_A,
    );
    env.set_now(&at(1, 0));
    env.new_ticket_pinned(
        "ben",
        "Login fails",
        &[
            "--customer",
            "eva@example.org",
            "--priority",
            "urgent",
            "--tag",
            "auth",
            "--tag",
            "billing",
        ],
        ID_B,
    );
    env.set_now(&at(2, 0));
    env.new_ticket_pinned("cora", "Printer on fire", &["--priority", "low"], ID_C);
    env.set_now(&at(3, 0));
    env.baton_as("cora", &["wait", ID_C]).success();
    env.set_now(&at(4, 0));
    env.new_ticket_pinned("ana", "Old question", &[], ID_D);
    env.set_now(&at(5, 0));
    env.baton_as("ana", &["resolve", ID_D]).success();
    env.set_now(&at(6, 0));
    env
}

/// The titles `baton list ARGS --json` shows, in order.
fn titles(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--as", "ana", "list", "--json"];
    all.extend_from_slice(args);
    let out = env.baton(&all);
    out.success();
    out.json_strings("title")
}

#[test]
fn list_shows_active_tickets_soonest_deadline_first() {
    let env = desk();
    let out = env.baton(&["list"]);
    insta::assert_snapshot!(out.render(), @r"
        ID    STATUS   OWNER  PRIORITY  DUE               CUSTOMER         TITLE
        0b7c  open     ana    high      in 14h            jan@example.com  Refund not received
        9a1f  open     ben    urgent    in 15h            eva@example.org  Login fails
        5e5e  waiting  cora   low       19h left, paused                   Printer on fire
        [exit 0]
    ");
}

#[test]
fn list_all_adds_resolved_and_closed_tickets() {
    let env = desk();
    let out = env.baton(&["list", "--all"]);
    insta::assert_snapshot!(out.render(), @r"
        ID    STATUS    OWNER  PRIORITY  DUE               CUSTOMER         TITLE
        0b7c  open      ana    high      in 14h            jan@example.com  Refund not received
        9a1f  open      ben    urgent    in 15h            eva@example.org  Login fails
        5e5e  waiting   cora   low       19h left, paused                   Printer on fire
        d0d0  resolved  ana    normal    -                                  Old question
        [exit 0]
    ");
}

#[test]
fn list_filters_and_sorts_as_asked() {
    let env = desk();
    let refund = "Refund not received";
    let login = "Login fails";
    let printer = "Printer on fire";
    let old = "Old question";
    let cases: [(&[&str], &[&str]); 14] = [
        (&[], &[refund, login, printer]),
        (&["--mine"], &[refund]),
        (&["--owner", "ben"], &[login]),
        (&["--owner", "ana", "--all"], &[refund, old]),
        (&["--status", "waiting"], &[printer]),
        (&["--status", "open,resolved"], &[refund, login, old]),
        (
            &["--status", "open", "--status", "waiting"],
            &[refund, login, printer],
        ),
        (&["--customer", "EXAMPLE.COM"], &[refund]),
        (&["--tag", "billing"], &[refund, login]),
        (&["--tag", "billing", "--tag", "auth"], &[login]),
        (&["--all"], &[refund, login, printer, old]),
        (&["--sort", "updated"], &[printer, login, refund]),
        (&["--sort", "priority"], &[login, refund, printer]),
        (
            &["--all", "--sort", "updated"],
            &[old, printer, login, refund],
        ),
    ];
    for (args, expected) in cases {
        assert_eq!(titles(&env, args), expected, "list {args:?}");
    }
}

#[test]
fn list_overdue_shows_only_tickets_past_their_deadline() {
    let env = desk();
    let cases: [(String, &[&str]); 3] = [
        (at(19, 59), &[]),
        (at(20, 30), &["Refund not received"]),
        (at(22, 0), &["Refund not received", "Login fails"]),
    ];
    for (now, expected) in cases {
        env.set_now(&now);
        assert_eq!(titles(&env, &["--overdue"]), expected, "at {now}");
    }
}

#[test]
fn list_due_column_counts_down_and_pauses_while_waiting() {
    let env = TestEnv::team();
    env.set_now(&at(0, 0));
    env.new_ticket_pinned("ana", "Overdue one", &[], ID_A);
    env.set_now(&at(2, 0));
    env.new_ticket_pinned("ana", "Waiting one", &[], ID_C);
    env.set_now(&at(3, 0));
    env.baton_as("ana", &["wait", ID_C]).success();
    env.set_now(&at(5, 0));
    env.new_ticket_pinned("ana", "Soon one", &[], ID_B);
    env.set_now(&at(22, 0));
    let out = env.baton(&["list"]);
    insta::assert_snapshot!(out.render(), @r"
        ID    STATUS   OWNER  PRIORITY  DUE               CUSTOMER  TITLE
        0b7c  open     ana    normal    overdue 2h                  Overdue one
        9a1f  open     ana    normal    in 3h                       Soon one
        5e5e  waiting  ana    normal    19h left, paused            Waiting one
        [exit 0]
    ");
}

#[test]
fn list_json_is_an_array_of_tickets_without_events() {
    let env = desk();
    let out = env.baton(&["list", "--all", "--json"]);
    out.success();
    assert_eq!(out.stderr, "");
    let docs = out.json();
    let docs = docs.as_array().unwrap();
    assert_eq!(docs.len(), 4);
    for doc in docs {
        assert_eq!(
            keys(doc),
            [
                "created",
                "customer",
                "delivery_failed",
                "description",
                "due",
                "escalated",
                "id",
                "owner",
                "paused",
                "priority",
                "promise",
                "short_id",
                "status",
                "tags",
                "title",
                "updated"
            ],
            "{doc}"
        );
    }
    let refund = &docs[0];
    assert_eq!(refund["id"], ID_A);
    assert_eq!(refund["short_id"], "0b7c");
    assert_eq!(refund["due"], at(20, 0));
    assert_eq!(refund["paused"], false);
    assert_eq!(refund["tags"], serde_json::json!(["billing"]));
    let printer = docs.iter().find(|d| d["id"] == ID_C).unwrap();
    assert_eq!(printer["status"], "waiting");
    assert_eq!(printer["paused"], true);
    let old = docs.iter().find(|d| d["id"] == ID_D).unwrap();
    assert_eq!(old["status"], "resolved");
    assert_eq!(
        old["due"],
        serde_json::Value::Null,
        "resolved tickets have no deadline"
    );
}

#[test]
fn list_short_ids_grow_where_ids_share_a_prefix() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "First", &[], ID_A);
    env.copy_ticket(ID_A, "0b7c6f2e-5d1a-4f7e-9a53-3c2d1e0f9a84");
    env.new_ticket_pinned("ana", "Other", &[], ID_B);
    let out = env.baton(&["list", "--json"]);
    let shorts: Vec<_> = out
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["short_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(shorts, ["0b7c6f1", "0b7c6f2", "9a1f"]);
}

#[test]
fn list_of_an_empty_store_says_so_on_stderr() {
    let env = TestEnv::team();
    let out = env.baton(&["list"]);
    insta::assert_snapshot!(out.render(), @r"
        ------- stderr -------
        no tickets match (resolved and closed ones show with --all)
        [exit 0]
    ");
    let json = env.baton(&["list", "--json"]);
    json.success();
    assert_eq!(json.json(), serde_json::json!([]));
}

#[test]
fn list_refuses_unknown_owners_and_statuses() {
    let env = desk();
    let out = env.baton(&["list", "--owner", "zed"]);
    out.code(1);
    assert!(
        out.stderr
            .contains("error: 'zed' is not on the team (the team: ana, ben, cora)"),
        "{}",
        out.stderr
    );
    let out = env.baton(&["list", "--status", "lost"]);
    out.code(2);
    assert!(
        out.stderr.contains("unknown status 'lost'"),
        "{}",
        out.stderr
    );
    let out = env.baton(&["list", "--mine", "--owner", "ben"]);
    out.code(2);
}

#[test]
fn colour_appears_only_when_asked_for() {
    let env = desk();
    let plain = env.baton(&["list"]);
    let never = env.baton(&["list", "--color", "never"]);
    let always = env.baton(&["list", "--color", "always"]);
    let json = env.baton(&["list", "--color", "always", "--json"]);
    for out in [&plain, &never, &always, &json] {
        out.success();
    }
    assert!(!plain.stdout.contains('\u{1b}'), "{}", plain.stdout);
    assert_eq!(never.stdout, plain.stdout);
    assert!(always.stdout.contains("\u{1b}["), "{}", always.stdout);
    assert!(!json.stdout.contains('\u{1b}'), "JSON is never coloured");
}

#[test]
fn list_short_ids_stay_unique_when_a_ticket_file_is_broken() {
    // The broken file still has a name that `show` must tell apart, so the
    // prefix `list` offers has to be unique among all ticket files.
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Fine", &[], ID_A);
    env.copy_ticket(ID_A, "0b7c7000-5d1a-4f7e-9a53-3c2d1e0f9a84");
    env.edit_ticket_file(
        "0b7c7000-5d1a-4f7e-9a53-3c2d1e0f9a84",
        "tags = []",
        "tags = 5",
    );
    let list = env.baton(&["list", "--json"]);
    list.code(1);
    let sweep = env.cmd(&["escalate", "--json"]).now(&at(20, 0)).run();
    sweep.code(1);
    let offered = [
        ("list", list.json()[0]["short_id"].clone()),
        ("escalate", sweep.json()["escalated"][0]["short_id"].clone()),
    ];
    let mut ambiguous = Vec::new();
    for (command, short) in offered {
        let short = short.as_str().unwrap();
        let show = env.baton(&["show", short, "--json"]);
        if show.code != 0 {
            ambiguous.push(format!("{command} offers {short}: {}", show.stderr));
        } else {
            assert_eq!(show.json()["id"], ID_A);
        }
    }
    assert!(ambiguous.is_empty(), "{}", ambiguous.join("\n"));
}

#[test]
fn ids_and_json_lines_feed_shell_loops_and_stream_consumers() {
    let env = desk();
    env.set_now(&at(6, 0));
    let ids = env.baton(&["list", "--format", "id"]);
    ids.success();
    let listed: Vec<&str> = ids.stdout.lines().collect();
    let table = env.baton(&["list", "--json"]).json_strings("id");
    assert_eq!(
        listed, table,
        "the same tickets in the same order, full ids"
    );
    let found = env.baton(&["search", "printer", "--format", "id"]);
    found.success();
    assert_eq!(found.stdout, format!("{ID_C}\n"));

    let lines = env.baton(&["list", "--jsonl"]);
    lines.success();
    let docs: Vec<serde_json::Value> = lines
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        docs,
        env.baton(&["list", "--json"])
            .json()
            .as_array()
            .unwrap()
            .clone()
    );
    // Nothing to list is no line at all, and one document is one line.
    let none = env.baton(&["list", "--owner", "cora", "--status", "resolved", "--jsonl"]);
    assert_eq!(none.stdout, "");
    let one = env.baton(&["show", "0b7c", "--jsonl"]);
    assert_eq!(one.stdout.lines().count(), 1);
    assert_eq!(one.json(), env.baton(&["show", "0b7c", "--json"]).json());
}

#[test]
fn list_due_says_when_a_breached_ticket_has_nowhere_further_to_go() {
    let env = TestEnv::team();
    env.set_now(&at(0, 0));
    env.new_ticket_pinned("ana", "Refund not received", &[], ID_A);
    env.set_now(&at(25, 0));
    env.baton(&["escalate"]).success();
    let out = env.baton(&["list"]);
    out.success();
    assert!(
        out.stdout.contains("overdue 5h, at the top"),
        "with cora, the top, the ticket can climb no further:\n{}",
        out.stdout
    );
}

#[test]
fn list_filters_by_priority_and_comma_separated_tags() {
    let env = desk();
    let cases: [(&[&str], &[&str]); 5] = [
        (
            &["--priority", "high,urgent"],
            &["Refund not received", "Login fails"],
        ),
        (&["--priority", "URGENT"], &["Login fails"]),
        (
            &["--priority", "low", "--priority", "high"],
            &["Refund not received", "Printer on fire"],
        ),
        (&["--tag", "billing,auth"], &["Login fails"]),
        (
            &["--tag", "billing"],
            &["Refund not received", "Login fails"],
        ),
    ];
    for (args, want) in cases {
        assert_eq!(titles(&env, args), want, "{args:?}");
    }
}

#[test]
fn list_priority_typo_is_a_usage_error_with_a_suggestion() {
    let env = desk();
    let out = env.baton(&["list", "--priority", "hgih"]);
    out.code(2);
    assert!(
        out.stderr.contains("did you mean 'high'?"),
        "{}",
        out.stderr
    );
}

#[test]
fn list_reverse_and_limit_turn_and_cut_the_order_shown() {
    let env = desk();
    assert_eq!(
        titles(&env, &["--reverse"]),
        ["Printer on fire", "Login fails", "Refund not received"]
    );
    assert_eq!(
        titles(&env, &["--limit", "2"]),
        ["Refund not received", "Login fails"]
    );
    assert_eq!(
        titles(&env, &["--reverse", "--limit", "1"]),
        ["Printer on fire"]
    );
    assert_eq!(titles(&env, &["--limit", "0"]), Vec::<String>::new());
}

#[test]
fn equal_deadlines_list_the_more_urgent_first() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Calm", &["--priority", "low"], ID_A);
    env.new_ticket_pinned("ana", "Burning", &["--priority", "urgent"], ID_B);
    assert_eq!(titles(&env, &[]), ["Burning", "Calm"]);
}

#[test]
fn since_and_until_take_days_as_people_say_them() {
    let env = TestEnv::team();
    // T0 is a Friday (2026-11-20 09:00 UTC); the desk reads in UTC.
    env.set_now("2026-11-16T10:00:00Z");
    env.new_ticket_with("ana", "Monday's", &[]);
    env.set_now("2026-11-19T10:00:00Z");
    env.new_ticket_with("ana", "Thursday's", &[]);
    env.set_now("2026-11-20T08:00:00Z");
    env.new_ticket_with("ana", "Friday's", &[]);
    env.set_now("2026-11-20T12:00:00Z");
    let titles = |args: &[&str]| {
        let mut all = vec!["list", "--json"];
        all.extend_from_slice(args);
        let mut t = env.baton(&all).json_strings("title");
        t.sort();
        t
    };
    assert_eq!(titles(&["--since", "today"]), ["Friday's"]);
    assert_eq!(
        titles(&["--since", "yesterday"]),
        ["Friday's", "Thursday's"]
    );
    assert_eq!(
        titles(&["--until", "yesterday"]),
        ["Monday's", "Thursday's"]
    );
    assert_eq!(
        titles(&["--since", "monday", "--until", "monday"]),
        ["Monday's"]
    );
    assert_eq!(
        titles(&["--since", "2026-11-17", "--until", "thursday"]),
        ["Thursday's"]
    );
    assert_eq!(titles(&["--since", "this week"]).len(), 3);

    let bad = env.baton(&["list", "--since", "someday"]);
    bad.code(2);
    assert!(
        bad.stderr
            .contains("--since: 'someday' is not a time; expected"),
        "{}",
        bad.stderr
    );
    let backwards = env.baton(&["list", "--since", "today", "--until", "monday"]);
    backwards.code(2);
    assert!(
        backwards
            .stderr
            .contains("--until 2026-11-16 is before --since 2026-11-20"),
        "{}",
        backwards.stderr
    );
}
