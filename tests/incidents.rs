//! Incidents: tickets linked to a problem escalate, are answered and are
//! resolved as one.

use std::fs;
use std::path::PathBuf;

use crate::common::{ID_A, ID_B, TestEnv, at, event_kinds};

/// A problem owned by cora and `n` customers' tickets (owned by ana) linked
/// to it; returns the problem's id and the tickets' ids.
fn incident(env: &TestEnv, n: usize) -> (String, Vec<String>) {
    let problem = env.baton_as("cora", &["incident", "new", "Checkout down"]);
    problem.success();
    let problem = problem.stdout.trim().to_string();
    let tickets: Vec<String> = (0..n)
        .map(|i| {
            let customer = format!("c{i}@example.com");
            env.new_ticket_with("ana", "Cannot pay", &["--customer", &customer])
        })
        .collect();
    let mut args = vec!["--as", "cora", "link"];
    args.extend(tickets.iter().map(String::as_str));
    args.extend(["--to", &problem]);
    env.baton(&args).success();
    (problem, tickets)
}

/// Installs a hook for `kind` that appends the ticket id of each run to
/// `$root/log/kind`.
#[cfg(unix)]
fn record_hook(env: &TestEnv, kind: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let log = env.root().join("log");
    fs::create_dir_all(&log).unwrap();
    let dir = env.store().join(".local/hooks");
    fs::create_dir_all(&dir).unwrap();
    let hook = dir.join(kind);
    let file = log.join(kind);
    fs::write(
        &hook,
        format!(
            "#!/bin/sh\necho \"$BATON_TICKET\" >> '{}'\n",
            file.display()
        ),
    )
    .unwrap();
    fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
    file
}

#[cfg(unix)]
#[test]
fn an_incident_of_fifty_escalates_once_is_answered_once_and_resolved_once() {
    let env = TestEnv::team();
    let (problem, tickets) = incident(&env, 50);
    // 21 hours on: every ticket is past its 20 hours, but only the problem escalates.
    env.set_now(&at(21, 0));
    let sweep = env.baton(&["escalate", "--json"]);
    sweep.success();
    let escalated = sweep.json()["escalated"].as_array().unwrap().clone();
    assert_eq!(escalated.len(), 1, "{escalated:?}");
    assert_eq!(escalated[0]["id"].as_str(), Some(problem.as_str()));
    assert!(
        env.events(&tickets[7])
            .iter()
            .all(|e| e["kind"].as_str() != Some("escalated"))
    );

    let replies = record_hook(&env, "reply");
    let out = env.baton_as(
        "cora",
        &[
            "reply",
            &problem[..8],
            "--all",
            "We are fixing the checkout.",
        ],
    );
    out.success();
    assert_eq!(out.stdout.lines().count(), 50);
    let hooked: Vec<String> = fs::read_to_string(&replies)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let mut expected = tickets.clone();
    expected.sort();
    let mut got = hooked.clone();
    got.sort();
    assert_eq!(
        got, expected,
        "one reply on each linked ticket, each through the hooks"
    );
    for t in &tickets {
        let last = env.events(t).pop().unwrap();
        assert_eq!(last["kind"].as_str(), Some("reply"));
        assert_eq!(last["by"].as_str(), Some("cora"));
    }

    let notices = record_hook(&env, "status");
    let out = env.baton_as(
        "cora",
        &["resolve", &problem[..8], "--all", "--note", "fixed"],
    );
    out.success();
    assert_eq!(
        out.stdout.lines().count(),
        51,
        "the problem and its fifty tickets"
    );
    assert_eq!(fs::read_to_string(&notices).unwrap().lines().count(), 51);
    for t in &tickets {
        assert_eq!(env.field(t, "status"), "resolved");
        assert_eq!(env.events(t).pop().unwrap()["note"].as_str(), Some("fixed"));
    }

    // The report counts the incident once, its tickets and customers apart.
    let report = env
        .baton(&["report", "--month", "2026-11", "--json"])
        .json();
    crate::schema::Schema::load().check("report", "report --json", &report);
    assert_eq!(
        report["incidents"],
        serde_json::json!([{
            "id": problem, "title": "Checkout down", "status": "resolved",
            "tickets": 50, "customers": 50
        }])
    );
    let text = env.baton(&["report", "--month", "2026-11"]).stdout;
    assert!(
        text.contains(&format!(
            "INCIDENTS\n{}  Checkout down (resolved): 50 linked tickets, 50 customers",
            &problem[..8]
        )),
        "{text}"
    );
}

#[test]
fn linked_tickets_escalate_on_their_own_once_the_problem_is_solved() {
    let env = TestEnv::team();
    let (problem, _) = incident(&env, 2);
    env.set_now(&at(1, 0));
    env.baton_as("cora", &["resolve", &problem[..8]]).success();
    env.set_now(&at(21, 0));
    let sweep = env.baton(&["escalate", "--json"]).json();
    assert_eq!(sweep["escalated"].as_array().unwrap().len(), 2, "{sweep}");
}

#[test]
fn list_marks_a_linked_ticket_and_show_lists_a_problem_s_tickets_and_customers() {
    let env = TestEnv::team();
    env.new_ticket_pinned("cora", "Checkout down", &[], ID_A);
    env.new_ticket_pinned(
        "ana",
        "Cannot pay",
        &["--customer", "jan@example.com"],
        ID_B,
    );
    env.baton_as("cora", &["link", "9a1f", "--to", "0b7c"])
        .success();
    let show = env.baton(&["show", "0b7c"]).stdout;
    assert!(
        show.contains("tags      problem\n"),
        "linking made it a problem:\n{show}"
    );
    assert!(
        show.contains("Linked tickets: 1, 1 customer\n  9a1f2c3d  jan@example.com\n"),
        "{show}"
    );
    let show = env.baton(&["show", "9a1f"]).stdout;
    assert!(
        show.contains("linked    to the problem 0b7c6f1e, which escalates for it\n"),
        "{show}"
    );
    assert_eq!(env.baton(&["doctor"]).code, 0);
}

#[test]
fn unlink_and_undo_take_a_link_back_on_both_tickets() {
    let env = TestEnv::team();
    env.new_ticket_pinned("cora", "Checkout down", &["--tag", "problem"], ID_A);
    env.new_ticket_pinned("ana", "Cannot pay", &[], ID_B);
    env.baton_as("cora", &["link", "9a1f", "--to", "0b7c"])
        .success();
    let out = env.baton_as("ana", &["unlink", "9a1f"]);
    out.success();
    assert_eq!(out.stdout, "unlinked 9a1f: its own clock counts again\n");
    env.baton_as("cora", &["link", "9a1f", "--to", "0b7c"])
        .success();
    let out = env.baton_as("cora", &["undo", "0b7c"]);
    out.success();
    assert!(
        out.stdout.ends_with("\nundid the link on 9a1f too\n"),
        "{}",
        out.stdout
    );
    let doc = env.baton(&["show", "9a1f", "--json"]).json();
    assert_eq!(
        event_kinds(&doc),
        ["created", "linked", "unlinked", "linked", "reverted"]
    );
    assert!(
        !env.baton(&["show", "0b7c"])
            .stdout
            .contains("Linked tickets")
    );
}

#[test]
fn links_are_refused_with_the_reason() {
    let env = TestEnv::team();
    env.new_ticket_pinned("cora", "Checkout down", &[], ID_A);
    env.new_ticket_pinned("ana", "Cannot pay", &[], ID_B);
    let before = env.store_bytes();
    // (who, arguments, the whole stderr)
    let cases: [(&str, &[&str], &str); 3] = [
        (
            "ben",
            &["link", "9a1f", "--to", "0b7c"],
            "error: only the owner of 9a1f (ana) or of the problem 0b7c (cora) can link or unlink them\n\
             hint: run 'baton take 0b7c' first to make it yours\n",
        ),
        (
            "cora",
            &["link", "0b7c", "--to", "0b7c"],
            "error: cannot link 0b7c to itself\nhint: name the ticket first, then --to the problem\n",
        ),
        (
            "ana",
            &["unlink", "9a1f"],
            "error: 9a1f is not linked to a problem\n",
        ),
    ];
    for (who, args, stderr) in cases {
        let out = env.baton_as(who, args);
        assert_eq!(out.stderr, stderr, "{args:?}");
    }
    let out = env.baton_as("cora", &["reply", "0b7c", "--all", "hi"]);
    assert_eq!(
        out.stderr,
        "error: --all needs a problem with linked tickets; nothing is linked to 0b7c\n\
         hint: link tickets first: 'baton link ID... --to 0b7c'\n"
    );
    assert_eq!(env.store_bytes(), before);
}

#[test]
fn suggest_offers_recent_tickets_whose_text_matches_the_problem() {
    let env = TestEnv::team();
    env.new_ticket_pinned(
        "cora",
        "Checkout payment fails",
        &["--tag", "problem"],
        ID_A,
    );
    env.new_ticket_pinned(
        "ana",
        "Payment fails at checkout",
        &["--customer", "jan@example.com"],
        ID_B,
    );
    env.new_ticket_with("ana", "Printer on fire", &[]);
    let out = env.baton_as("cora", &["link", "--suggest", "0b7c"]);
    out.success();
    assert_eq!(
        out.stdout,
        "9a1f  Payment fails at checkout  (jan@example.com; 3 of 3 words)\n\
         link them with: baton link 9a1f --to 0b7c\n"
    );
    assert!(
        env.events(ID_B)
            .iter()
            .all(|e| e["kind"].as_str() != Some("linked")),
        "nothing linked"
    );
}
