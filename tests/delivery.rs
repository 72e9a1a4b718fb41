//! `list` flags tickets whose mail to the customer bounced: a mark in the
//! table, `delivery_failed` in `--json`, `--failed` to list them, until the
//! customer writes again or the team replies.

use crate::common::{ID_A, ID_B, TestEnv};
use crate::mail::fixture;
use crate::schema::Schema;

/// The team with Jan's mail filed as ticket 0b7c.
fn jans_mail() -> TestEnv {
    let env = TestEnv::team();
    let out = env
        .cmd(&["new", "--from-mail", "--json"])
        .input(fixture("plain.eml"))
        .run();
    out.success();
    env.rename_ticket(out.json()["id"].as_str().unwrap(), ID_A);
    env
}

/// Jan's ticket (0b7c), resolved, whose status notice bounced; and a
/// ticket of ben's (9a1f) whose mail nobody returned.
fn a_bounce_on_a_resolved_ticket() -> TestEnv {
    let env = jans_mail();
    env.baton_as("ana", &["resolve", "0b7c", "--note", "refund sent"])
        .success();
    env.new_ticket_pinned(
        "ben",
        "Login fails",
        &["--customer", "eva@example.com"],
        ID_B,
    );
    env.cmd(&["new", "--from-mail"])
        .input(fixture("dsn-postfix.eml"))
        .run()
        .success();
    env
}

/// The listed short ids and their `delivery_failed`.
fn flags(env: &TestEnv, args: &[&str]) -> Vec<(String, bool)> {
    let mut all = args.to_vec();
    all.push("--json");
    let out = env.baton(&all);
    out.success();
    let doc = out.json();
    Schema::load().check("list", "list --json", &doc);
    doc.as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["short_id"].as_str().unwrap().to_string(),
                t["delivery_failed"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_ticket_whose_mail_bounced_is_marked_in_the_table_and_the_json() {
    let env = a_bounce_on_a_resolved_ticket();
    let out = env.baton(&["list", "--all"]);
    out.success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    let row = |short: &str| *lines.iter().find(|l| l.starts_with(short)).unwrap();
    assert!(row("0b7c").contains("  resolved !  "), "{}", out.stdout);
    assert!(!row("9a1f").contains('!'), "{}", out.stdout);
    assert_eq!(
        lines.last().copied(),
        Some("! mail to the customer bounced (baton list --failed; baton show ID says which)")
    );
    assert_eq!(
        flags(&env, &["list", "--all"]),
        [("9a1f".to_string(), false), ("0b7c".to_string(), true)]
    );
    // Nothing bounced among the open tickets: no mark, no legend.
    let open = env.baton(&["list"]);
    assert!(!open.stdout.contains('!'), "{}", open.stdout);
}

#[test]
fn failed_lists_the_bounced_tickets_in_any_status_until_the_customer_writes_again() {
    let env = a_bounce_on_a_resolved_ticket();
    for _from_the_cache_too in 0..2 {
        assert_eq!(
            flags(&env, &["list", "--failed"]),
            [("0b7c".to_string(), true)]
        );
    }
    assert!(
        flags(&env, &["list", "--failed", "--status", "open"]).is_empty(),
        "--status still narrows it"
    );
    // Jan answers: mail reaches him again.
    env.cmd(&["new", "--from-mail"])
        .input(fixture("reply-gmail.eml"))
        .run()
        .success();
    assert!(flags(&env, &["list", "--failed"]).is_empty());
    let out = env.baton(&["list", "--failed"]);
    assert_eq!(
        out.stderr,
        "no tickets match (resolved and closed ones show with --all)\n"
    );
    assert_eq!(
        flags(&env, &["list", "--all"]),
        [("0b7c".to_string(), false), ("9a1f".to_string(), false)]
    );
}

#[test]
fn a_reply_after_the_bounce_clears_the_mark_and_a_new_bounce_sets_it_again() {
    let env = a_bounce_on_a_resolved_ticket();
    env.baton_as("ana", &["reopen", "0b7c"]).success();
    env.baton_as("ana", &["reply", "0b7c", "Is jan@example.com still yours?"])
        .success();
    assert_eq!(flags(&env, &["list", "--failed"]), []);
    env.cmd(&["new", "--from-mail"])
        .input(fixture("dsn-gmail.eml"))
        .run()
        .success();
    assert_eq!(
        flags(&env, &["list", "--failed"]),
        [("0b7c".to_string(), true)]
    );
}

#[test]
fn a_bounce_of_a_reply_marks_that_reply_failed_in_show() {
    let env = jans_mail();
    env.baton_as("ana", &["reply", "0b7c", "The refund left today."])
        .success();
    let reply_of = |env: &TestEnv| {
        let out = env.baton(&["show", "0b7c", "--json"]);
        out.success();
        let doc = out.json();
        doc["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "reply")
            .cloned()
            .unwrap()
    };
    let before = reply_of(&env);
    assert_eq!(before["delivery"], "queued", "{before}");
    let id = before["message_id"].as_str().unwrap().to_string();

    // The mail system returns that very reply.
    let dsn = String::from_utf8(fixture("dsn-postfix.eml"))
        .unwrap()
        .replace("20261102070101.notice@example.com", &id);
    env.cmd(&["new", "--from-mail"])
        .input(dsn.into_bytes())
        .run()
        .success();
    assert_eq!(reply_of(&env)["delivery"], "failed");
    let out = env.baton(&["show", "0b7c"]);
    out.success();
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains("replied to the customer"))
        .unwrap();
    assert!(line.contains("MAIL FAILED"), "{}", out.stdout);
}
