//! Surveys end to end: the sweep asks the customer of a resolved ticket how
//! it went once the delay has passed (through the outbox, once), a reopen
//! before that cancels it, one survey per customer across tickets, never to
//! a no-reply sender; the customer's answer becomes a `rated` event on the
//! right ticket and reopens nothing; a low score runs the `rated` hook and
//! shows in `list --unhappy`.

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;

use crate::common::{ID_A, ID_B, TestEnv, at};

const SURVEY: &str = "\n[templates]\nsurvey = \"How did we do with {title}? Reply with a score from 1 (bad) to 5 (excellent).\"\n";

/// A team desk that sends surveys, with a `hook` that appends what it is
/// handed (`$BATON_MESSAGE`, else the payload) to `hook` in the test folder.
fn desk(extra: &str, hooks: &[&str]) -> TestEnv {
    let env = TestEnv::team();
    let path = env.store().join("baton.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}{SURVEY}{extra}")).unwrap();
    for name in hooks {
        let hook = env.store().join(".local/hooks").join(name);
        std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
        let log = env.root().join(name);
        std::fs::write(
            &hook,
            format!(
                "#!/bin/sh\nif [ -n \"$BATON_MESSAGE\" ]; then printf '%s\\n' \"$BATON_MESSAGE\"; else cat; fi >> '{}'\nprintf '\\n--\\n' >> '{}'\n",
                log.display(),
                log.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    env
}

/// Ana opens ticket `id` for `customer` at T0 and resolves it at 01:00.
fn resolved(env: &TestEnv, id: &str, title: &str, customer: &str) {
    env.new_ticket_pinned("ana", title, &["--customer", customer], id);
    env.cmd(&["--as", "ana", "resolve", &id[..4]])
        .now(&at(1, 0))
        .run()
        .success();
}

fn sweep(env: &TestEnv, hours: i64) -> String {
    let out = env.cmd(&["escalate"]).now(&at(hours, 0)).run();
    out.success();
    out.stdout
}

/// The surveys waiting in the outbox: (ticket, to).
fn surveys(env: &TestEnv) -> Vec<(String, String)> {
    let out = env.baton(&["outbox", "--json"]);
    out.success();
    out.json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "survey")
        .map(|m| {
            (
                m["ticket"].as_str().unwrap().to_string(),
                m["to"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn kinds(env: &TestEnv, id: &str) -> Vec<String> {
    env.events(id)
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

/// Jan answers the survey of ticket `id` at `hours` with `text`.
fn answer(env: &TestEnv, id: &str, title: &str, text: &str, hours: i64) -> Value {
    let raw = format!(
        "From: Jan <jan@example.com>\r\nTo: help@example.com\r\n\
         Subject: Re: [#{}] {title}\r\nMessage-ID: <answer{hours}@example.com>\r\n\
         Date: Tue, 3 Nov 2026 12:00:00 +0000\r\n\r\n{text}\r\n\r\n> How did we do?\r\n",
        &id[..8]
    );
    let out = env
        .cmd(&["new", "--from-mail", "--json"])
        .now(&at(hours, 0))
        .input(raw)
        .run();
    out.success();
    out.json()
}

fn show(env: &TestEnv, id: &str) -> Value {
    let out = env.baton(&["show", id, "--json"]);
    out.success();
    out.json()
}

#[test]
fn a_resolved_ticket_s_customer_is_asked_once_after_the_delay_and_the_answer_rates_it() {
    let env = desk("", &["surveyed"]);
    resolved(&env, ID_A, "Login fails", "Jan <jan@example.com>");
    sweep(&env, 24);
    assert!(surveys(&env).is_empty(), "resolved 23 hours ago: too soon");
    let dry = env.cmd(&["escalate", "--dry-run"]).now(&at(25, 0)).run();
    dry.success();
    assert_eq!(
        dry.stdout.trim(),
        "would ask the customer of 0b7c how it went: Login fails"
    );
    assert!(surveys(&env).is_empty(), "a dry run sends nothing");
    assert!(!kinds(&env, ID_A).contains(&"surveyed".to_string()));
    assert_eq!(
        sweep(&env, 25).trim(),
        "asked the customer of 0b7c how it went: Login fails"
    );
    assert_eq!(
        surveys(&env),
        [(ID_A.to_string(), "jan@example.com".to_string())]
    );
    sweep(&env, 26);
    sweep(&env, 26);
    assert_eq!(surveys(&env).len(), 1, "repeated sweeps ask once");
    let surveyed: Vec<_> = env
        .events(ID_A)
        .into_iter()
        .filter(|e| e["kind"].as_str() == Some("surveyed"))
        .collect();
    assert_eq!(surveyed.len(), 1);
    assert_eq!(surveyed[0]["to"].as_str(), Some("jan@example.com"));
    let mail = std::fs::read_to_string(env.root().join("surveyed")).unwrap();
    assert!(mail.contains("To: jan@example.com\n"), "{mail}");
    assert!(
        mail.contains("\nAuto-Submitted: auto-generated\n"),
        "{mail}"
    );
    assert!(mail.contains("How did we do with Login fails?"), "{mail}");
    // The new kinds are well-formed to doctor.
    env.cmd(&["doctor"]).now(&at(26, 0)).run().success();

    // Another ticket of jan's, still open, must not take the answer.
    env.new_ticket_pinned(
        "ana",
        "Invoice wrong",
        &["--customer", "jan@example.com"],
        ID_B,
    );
    answer(&env, ID_A, "Login fails", "4, thanks a lot", 30);
    let t = show(&env, ID_A);
    assert_eq!(t["status"], "resolved", "an answer reopens nothing");
    let e = t["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(e["kind"], "rated");
    assert_eq!(e["score"], 4);
    assert_eq!(e["comment"], "thanks a lot");
    assert_eq!(e["from"], "jan@example.com");
    assert!(!kinds(&env, ID_B).contains(&"rated".to_string()));

    // Once answered, the next mail is an ordinary message and reopens.
    answer(&env, ID_A, "Login fails", "5", 31);
    let t = show(&env, ID_A);
    assert_eq!(t["status"], "open");
    assert_eq!(
        kinds(&env, ID_A).iter().filter(|k| *k == "rated").count(),
        1
    );
}

#[test]
fn an_answer_without_a_score_is_a_customer_message_that_reopens() {
    let env = desk("", &[]);
    resolved(&env, ID_A, "Login fails", "jan@example.com");
    sweep(&env, 25);
    answer(
        &env,
        ID_A,
        "Login fails",
        "Good morning, it broke again",
        30,
    );
    let t = show(&env, ID_A);
    assert_eq!(t["status"], "open");
    let k = kinds(&env, ID_A);
    assert!(!k.contains(&"rated".to_string()), "{k:?}");
    assert!(
        k.ends_with(&["customer".to_string(), "status".to_string()]),
        "{k:?}"
    );
}

#[test]
fn a_reopen_before_the_delay_cancels_the_survey() {
    let env = desk("", &[]);
    resolved(&env, ID_A, "Login fails", "jan@example.com");
    env.cmd(&["--as", "ana", "reopen", "0b7c"])
        .now(&at(5, 0))
        .run()
        .success();
    sweep(&env, 25);
    sweep(&env, 60);
    assert!(surveys(&env).is_empty());
    assert!(!kinds(&env, ID_A).contains(&"surveyed".to_string()));
}

#[test]
fn one_survey_per_customer_within_every_and_none_to_a_no_reply_sender() {
    let env = desk("\n[survey]\nafter = \"2h\"\nevery = \"30d\"\n", &[]);
    resolved(&env, ID_A, "Login fails", "jan@example.com");
    resolved(&env, ID_B, "Invoice wrong", "Jan <JAN@example.com>");
    resolved(
        &env,
        crate::common::ID_C,
        "Order 5512",
        "no-reply@shop.example",
    );
    sweep(&env, 3);
    sweep(&env, 4);
    let sent = surveys(&env);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].1, "jan@example.com");
    assert!(!kinds(&env, crate::common::ID_C).contains(&"surveyed".to_string()));
}

#[test]
fn a_low_score_runs_the_rated_hook_and_shows_in_list_unhappy() {
    let env = desk("", &["rated"]);
    resolved(&env, ID_A, "Login fails", "jan@example.com");
    resolved(&env, ID_B, "Invoice wrong", "eva@example.com");
    sweep(&env, 25);
    answer(
        &env,
        ID_A,
        "Login fails",
        "Schlecht: niemand hat zurückgerufen",
        30,
    );
    let payload = std::fs::read_to_string(env.root().join("rated")).unwrap();
    let doc: Value = serde_json::from_str(payload.split("\n--\n").next().unwrap()).unwrap();
    assert_eq!(doc["event"]["kind"], "rated");
    assert_eq!(doc["event"]["score"], 2);
    assert_eq!(doc["event"]["comment"], "niemand hat zurückgerufen");
    assert_eq!(doc["ticket"]["owner"], "ana");
    let out = env.baton(&["list", "--unhappy", "--format", "id"]);
    out.success();
    assert_eq!(out.stdout.trim(), ID_A);
    env.baton_as("ana", &["rate", "0b7c", "5"]).success();
    let out = env.baton(&["list", "--unhappy", "--format", "id"]);
    out.success();
    assert_eq!(out.stdout.trim(), "", "the latest rating decides");
}
