use std::collections::BTreeSet;

use crate::common::{ID_A, ID_B, ID_C, T0, TestEnv, event_kinds, keys};

#[test]
fn new_prints_the_id_and_writes_a_canonical_file() {
    let env = TestEnv::team();
    let out = env.baton_as("ana", &["new", "Printer on fire"]);
    out.success();
    let id = out.stdout.trim_end();
    assert_eq!(out.stdout, format!("{id}\n"), "stdout is the id alone");
    assert_eq!(out.stderr, format!("created {}, owned by ana\n", &id[..4]));
    assert_eq!(env.ticket_ids(), [id]);
    assert_eq!(
        env.ticket_text(id),
        format!(
            "id = \"{id}\"\n\
             title = \"Printer on fire\"\n\
             status = \"open\"\n\
             owner = \"ana\"\n\
             priority = \"normal\"\n\
             tags = []\n\
             created = {T0}\n\
             updated = {T0}\n\
             \n\
             [[events]]\n\
             at = {T0}\n\
             by = \"ana\"\n\
             kind = \"created\"\n\
             to = \"ana\"\n"
        )
    );
}

#[test]
fn new_takes_every_field_from_flags() {
    let env = TestEnv::team();
    let id = env.new_ticket_with(
        "ana",
        "  Refund not received  ",
        &[
            "--customer",
            "jan@example.com",
            "--body",
            "Charged twice.\nOrder 18823.",
            "--owner",
            "ben",
            "--priority",
            "urgent",
            "--tag",
            "billing",
            "--tag",
            "refund",
            "--tag",
            "billing",
        ],
    );
    let t = env.ticket_toml(&id);
    assert_eq!(t["title"].as_str(), Some("Refund not received"));
    assert_eq!(t["customer"].as_str(), Some("jan@example.com"));
    assert_eq!(
        t["description"].as_str(),
        Some("Charged twice.\nOrder 18823.")
    );
    assert_eq!(t["owner"].as_str(), Some("ben"));
    assert_eq!(t["priority"].as_str(), Some("urgent"));
    assert_eq!(
        t["tags"],
        toml::Value::Array(vec!["billing".into(), "refund".into()])
    );
    let events = env.events(&id);
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0]["by"].as_str(),
        Some("ana"),
        "the creator is recorded"
    );
    assert_eq!(
        events[0]["to"].as_str(),
        Some("ben"),
        "the first owner is recorded"
    );
}

#[test]
fn new_reads_the_description_from_a_file() {
    let env = TestEnv::team();
    std::fs::write(env.root().join("report.txt"), "Line one\nLine two\n").unwrap();
    let id = env.new_ticket_with("ana", "Login fails", &["--body-file", "report.txt"]);
    assert_eq!(env.field(&id, "description"), "Line one\nLine two\n");
}

#[test]
fn new_json_is_the_ticket_with_its_events() {
    let env = TestEnv::team();
    let out = env.baton_as(
        "ana",
        &[
            "new",
            "Printer on fire",
            "--customer",
            "jan@example.com",
            "--json",
        ],
    );
    out.success();
    assert_eq!(out.stderr, "", "no human text under --json");
    let doc = out.json();
    let id = doc["id"].as_str().unwrap().to_string();
    assert_eq!(env.ticket_ids(), [id.as_str()]);
    assert_eq!(doc["short_id"].as_str(), Some(&id[..4]));
    assert_eq!(doc["title"], "Printer on fire");
    assert_eq!(doc["status"], "open");
    assert_eq!(doc["owner"], "ana");
    assert_eq!(doc["customer"], "jan@example.com");
    assert_eq!(doc["priority"], "normal");
    assert_eq!(doc["created"], T0);
    assert_eq!(doc["updated"], T0);
    assert_eq!(
        doc["due"], "2026-11-03T04:00:00Z",
        "20 hours after creation"
    );
    assert_eq!(event_kinds(&doc), ["created"]);
    assert_eq!(
        doc["events"][0],
        serde_json::json!({"at": T0, "by": "ana", "kind": "created", "to": "ana"})
    );
    // Every key of the file is in the JSON under the same name.
    let file_keys: BTreeSet<String> = env.ticket_toml(&id).keys().cloned().collect();
    let json_keys: BTreeSet<String> = keys(&doc).into_iter().collect();
    assert!(
        file_keys.is_subset(&json_keys),
        "{file_keys:?} vs {json_keys:?}"
    );
    assert!(json_keys.contains("short_id") && json_keys.contains("due"));
}

#[test]
fn new_refuses_bad_input_and_writes_nothing() {
    // (arguments after `new`, exit code, text the error contains)
    let cases: [(&[&str], i32, &str); 7] = [
        (&[], 2, "a new ticket needs a title"),
        (&[""], 2, "a ticket needs a title; the one given is empty"),
        (
            &["   "],
            2,
            "a ticket needs a title; the one given is empty",
        ),
        (
            &["X", "--owner", "zed"],
            1,
            "'zed' is not on the team (the team: ana, ben, cora)",
        ),
        (&["X", "--priority", "asap"], 2, "unknown priority 'asap'"),
        (
            &["X", "--tag", "two words"],
            2,
            "'two words' is not a usable tag",
        ),
        (&["X", "--body-file", "missing.txt"], 1, "missing.txt"),
    ];
    let env = TestEnv::team();
    for (args, code, needle) in cases {
        let mut all = vec!["--as", "ana", "new"];
        all.extend_from_slice(args);
        let out = env.baton(&all);
        out.code(code);
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{args:?}");
    }
    assert!(env.ticket_ids().is_empty());
}

#[test]
fn new_without_a_title_names_the_flag_to_pass() {
    let env = TestEnv::team();
    let out = env.baton_as("ana", &["new"]);
    insta::assert_snapshot!(out.render(), @r#"
        ------- stderr -------
        error: a new ticket needs a title
        hint: baton new "Refund not received" [--customer C]; at a terminal, 'baton new' asks for it
        [exit 2]
    "#);
}

#[test]
fn new_ack_lines_are_as_pinned() {
    let env = TestEnv::team();
    let new = |id: &str, flags: &[&str]| {
        let mut args = vec!["--as", "ana", "new"];
        args.extend_from_slice(flags);
        env.cmd(&args).env("BATON_ID_SEED", id).run()
    };
    let out = new(ID_A, &["Phone call", "--customer", "acme", "--ack"]);
    // No message to print: stdout still names the ticket made.
    insta::assert_snapshot!(out.render(), @r"
    0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84
    ------- stderr -------
    created 0b7c, owned by ana
    no acknowledgement: 0b7c has no customer with an e-mail address
    [exit 0]
    ");
    let out = new(ID_B, &["Refund", "--customer", "jan@example.com", "--ack"]);
    insta::assert_snapshot!(out.render(), @r"
    To: jan@example.com
    Subject: [#9a1f2c3d] Refund
    Auto-Submitted: auto-replied
    MIME-Version: 1.0
    Content-Type: text/plain; charset=utf-8
    Content-Transfer-Encoding: 7bit

    Hello,

    thank you for writing to us. We have filed your message

        Refund

    as ticket #9a1f2c3d. ana is looking after it, and you can expect
    an answer by Tuesday 3 November 2026, 04:00 UTC.

    When you write to us about it again, please keep [#9a1f2c3d] in the subject.
    ------- stderr -------
    created 9a1f, owned by ana
    [exit 0]
    ");
    let out = new(ID_C, &["Refund", "--customer", "jan@example.com", "--json"]);
    insta::assert_snapshot!(serde_json::to_string_pretty(&out.json()["ack"]).unwrap(), @r#"
    {
      "from": null,
      "in_reply_to": null,
      "kind": "ack",
      "mail": "To: jan@example.com\nSubject: [#5e5e0000] Refund\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\nHello,\n\nthank you for writing to us. We have filed your message\n\n    Refund\n\nas ticket #5e5e0000. ana is looking after it, and you can expect\nan answer by Tuesday 3 November 2026, 04:00 UTC.\n\nWhen you write to us about it again, please keep [#5e5e0000] in the subject.\n",
      "references": [],
      "subject": "[#5e5e0000] Refund",
      "text": "Hello,\n\nthank you for writing to us. We have filed your message\n\n    Refund\n\nas ticket #5e5e0000. ana is looking after it, and you can expect\nan answer by Tuesday 3 November 2026, 04:00 UTC.\n\nWhen you write to us about it again, please keep [#5e5e0000] in the subject.\n",
      "to": "jan@example.com"
    }
    "#);
}
