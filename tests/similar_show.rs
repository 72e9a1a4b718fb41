//! Answers found again where people look: the resolved tickets like one in
//! `show` at a terminal and in the `created` hook's payload, and the open
//! problems a new ticket from mail may be part of (offered, never linked).

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::common::{TestEnv, on_sized_terminal};

/// A desk with two solved tickets, one about exports.
fn desk() -> TestEnv {
    let env = TestEnv::team();
    for (title, body, note) in [
        (
            "CSV export is empty",
            "The export finishes but the file has no rows.",
            "Reindexed the export job\nthen told the customer",
        ),
        (
            "Password reset mail never arrives",
            "No reset link.",
            "Whitelisted our sender",
        ),
    ] {
        let id = env.new_ticket_with("ana", title, &["--body", body]);
        env.baton(&["--as", "ana", "resolve", &id, "--note", note])
            .success();
    }
    env
}

/// Installs a `created` hook that keeps its payload in `created.json`.
fn recording_hook(env: &TestEnv) -> std::path::PathBuf {
    let dir = env.store().join(".local/hooks");
    fs::create_dir_all(&dir).unwrap();
    let kept = env.root().join("created.json");
    let hook = dir.join("created");
    fs::write(&hook, format!("#!/bin/sh\ncat > '{}'\n", kept.display())).unwrap();
    fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
    kept
}

#[test]
fn show_at_a_terminal_lists_the_similar_resolved_tickets() {
    let env = desk();
    let id = env.new_ticket_with("ana", "Exported CSV has no rows", &[]);
    let (screen, code) = on_sized_terminal(env.cmd(&["show", &id]), 120, 100);
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Similar resolved tickets"), "{screen}");
    assert!(
        screen.contains("CSV export is empty: Reindexed the export job"),
        "{screen}"
    );
    assert!(
        !screen.contains("then told the customer"),
        "the first line only: {screen}"
    );
    // Off a terminal (scripts, --json) nothing is ranked.
    let plain = env.baton(&["show", &id]);
    assert!(
        !plain.stdout.contains("Similar resolved"),
        "{}",
        plain.stdout
    );
}

#[test]
fn the_created_hook_gets_similar_tickets_and_matching_problems() {
    let env = desk();
    let problem = env.baton_as("cora", &["incident", "new", "Export outage"]);
    problem.success();
    let problem = problem.stdout.trim().to_string();
    let kept = recording_hook(&env);
    env.new_ticket_with("ana", "Export gives an empty CSV", &[]);
    let payload: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&kept).unwrap()).unwrap();
    let similar = payload["similar"].as_array().expect("similar is an array");
    assert_eq!(similar[0]["title"], "CSV export is empty", "{payload}");
    assert_eq!(
        similar[0]["resolution"],
        "Reindexed the export job\nthen told the customer"
    );
    assert!(similar[0]["score"].as_f64().unwrap() > 0.0);
    assert!(similar.len() <= 3);
    assert_eq!(payload["problems"][0]["id"], problem.as_str(), "{payload}");
    assert_eq!(payload["problems"][0]["title"], "Export outage");
}

const MAIL: &str = "From: Jan <jan@example.com>\r\n\
To: help@example.com\r\n\
Subject: Checkout fails with an error\r\n\
Message-ID: <outage-1@example.com>\r\n\
Date: Mon, 02 Nov 2026 08:00:00 +0000\r\n\
\r\n\
I cannot pay, checkout says error 502.\r\n";

#[test]
fn intake_offers_the_open_problem_a_new_ticket_matches_and_links_nothing() {
    let env = TestEnv::team();
    let problem = env.baton_as("cora", &["incident", "new", "Checkout down"]);
    problem.success();
    let problem = problem.stdout.trim().to_string();
    let short = &problem[..4];
    let out = env
        .cmd(&["new", "--from-mail"])
        .input(MAIL.as_bytes().to_vec())
        .run();
    out.success();
    assert!(
        out.stderr.contains(&format!(
            "this may be part of problem {short} 'Checkout down': baton link "
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("--to {short}")),
        "{}",
        out.stderr
    );
    let listed = env.baton(&["list", "--json"]).json();
    let ticket = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "Checkout fails with an error")
        .expect("the mail became a ticket");
    let id = ticket["id"].as_str().unwrap();
    let kinds: Vec<String> = env
        .events(id)
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["created"], "offered, not linked");
}
