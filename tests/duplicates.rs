//! `baton merge DUP INTO`: duplicates closed into the ticket they repeat,
//! mail on the old thread landing on the new, and the merge undone.

use serde_json::Value;

use crate::common::{ID_A, ID_B, ID_C, TestEnv, at, event_kinds};

/// A message from `from`, with this subject, Message-ID and In-Reply-To.
fn mail(from: &str, subject: &str, id: &str, answers: Option<&str>) -> Vec<u8> {
    let answers = answers.map_or(String::new(), |a| format!("In-Reply-To: <{a}>\r\n"));
    format!(
        "From: {from}\r\nTo: help@example.com\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n\
         {answers}Date: Mon, 2 Nov 2026 07:00:00 +0000\r\n\r\nIt still fails.\r\n"
    )
    .into_bytes()
}

/// Files a message and returns the `--json` document.
#[track_caller]
fn deliver(env: &TestEnv, raw: Vec<u8>) -> Value {
    let out = env.cmd(&["new", "--from-mail", "--json"]).input(raw).run();
    out.success();
    out.json()
}

/// Eva answers the thread of her first message, by its Message-ID alone.
#[track_caller]
fn eva_answers_her_old_thread(env: &TestEnv) -> Value {
    deliver(
        env,
        mail(
            "eva@example.org",
            "Re: Cannot log in",
            "m3@example.org",
            Some("m2@example.org"),
        ),
    )
}

/// Two customers wrote about one bug: A from jan (by mail), B from eva.
fn two_reports() -> TestEnv {
    let env = TestEnv::team();
    let out = env
        .cmd(&["new", "--from-mail"])
        .input(mail(
            "jan@example.com",
            "Login fails",
            "m1@example.com",
            None,
        ))
        .env("BATON_ID_SEED", ID_A)
        .run();
    out.success();
    env.set_now(&at(1, 0));
    let out = env
        .cmd(&["new", "--from-mail"])
        .input(mail(
            "eva@example.org",
            "Cannot log in",
            "m2@example.org",
            None,
        ))
        .env("BATON_ID_SEED", ID_B)
        .run();
    out.success();
    env.set_now(&at(2, 0));
    env
}

#[test]
fn a_duplicate_is_closed_into_the_ticket_it_repeats() {
    let env = two_reports();
    let owner = env.field(ID_B, "owner");
    let out = env.baton_as(&owner, &["merge", "9a1f", "0b7c", "--note", "same bug"]);
    out.success();
    let pair = env.baton_as(&owner, &["show", "9a1f", "--json"]).json();
    crate::schema::Schema::load().check("ticket_with_events", "show --json of a duplicate", &pair);
    assert_eq!(pair["merged_into"].as_str(), Some(ID_A));
    assert_eq!(
        out.stdout,
        "merged 9a1f into 0b7c: 9a1f is closed, and mail to it goes to 0b7c\n"
    );
    assert_eq!(env.field(ID_B, "status"), "closed");
    let dup = env.events(ID_B).pop().unwrap();
    assert_eq!(dup["kind"].as_str(), Some("merged"));
    assert_eq!(dup["to"].as_str(), Some(ID_A));
    let into = env.events(ID_A).pop().unwrap();
    assert_eq!(into["from"].as_str(), Some(ID_B));
    assert_eq!(into["customer"].as_str(), Some("eva@example.org"));

    let show = env.baton(&["show", "9a1f"]).stdout;
    assert!(
        show.contains("merged    into 0b7c6f1e, a duplicate of it (see 'baton show 0b7c6f1e')\n"),
        "{show}"
    );
    let show = env.baton(&["show", "0b7c"]).stdout;
    assert!(show.contains("also for  eva@example.org\n"), "{show}");
    assert!(
        show.contains("merged    9a1f2c3d merged into it\n"),
        "{show}"
    );
    let doc = env.baton(&["show", "0b7c", "--json"]).json();
    assert_eq!(
        doc["customers"],
        serde_json::json!(["jan@example.com", "eva@example.org"])
    );
    // The default list hides the duplicate: it is closed.
    assert_eq!(
        env.baton(&["list", "--format", "id"]).stdout,
        format!("{ID_A}\n")
    );
    assert_eq!(env.baton(&["doctor"]).code, 0);
}

#[test]
fn mail_on_the_duplicate_s_thread_lands_on_the_ticket_it_went_into() {
    let env = two_reports();
    let owner = env.field(ID_B, "owner");
    env.baton_as(&owner, &["merge", "9a1f", "0b7c"]).success();
    // (subject, Message-ID, the message it answers): eva's old thread by
    // Message-ID, then by its tag, then the ticket's own thread, where she
    // speaks as its customer now.
    let cases = [
        (
            "Re: Cannot log in",
            "m3@example.org",
            Some("m2@example.org"),
        ),
        ("Re: [#9a1f2c3d] Cannot log in", "m4@example.org", None),
        ("Re: [#0b7c6f1e] Login fails", "m5@example.org", None),
    ];
    for (subject, id, answers) in cases {
        let doc = deliver(&env, mail("eva@example.org", subject, id, answers));
        assert_eq!(
            (doc["id"].as_str(), doc["intake"]["action"].as_str()),
            (Some(ID_A), Some("added")),
            "{subject}"
        );
    }
    assert_eq!(
        event_kinds(&env.baton(&["show", ID_B, "--json"]).json())
            .last()
            .unwrap(),
        "merged"
    );
}

#[test]
fn merge_json_is_both_tickets() {
    let env = two_reports();
    let owner = env.field(ID_B, "owner");
    let doc = env
        .baton_as(&owner, &["merge", "9a1f", "0b7c", "--json"])
        .json();
    crate::schema::Schema::load().check("merged_pair", "merge --json", &doc);
    assert_eq!(
        (
            doc["dup"]["status"].as_str(),
            doc["into"]["status"].as_str()
        ),
        (Some("closed"), Some("open"))
    );
}

#[test]
fn mail_follows_a_chain_of_merges() {
    let env = two_reports();
    env.new_ticket_pinned(
        "ana",
        "Login broken",
        &["--customer", "kim@example.com"],
        ID_C,
    );
    let owner_b = env.field(ID_B, "owner");
    env.baton_as(&owner_b, &["merge", "9a1f", "5e5e"]).success();
    env.baton_as("ana", &["merge", "5e5e", "0b7c"]).success();
    let doc = eva_answers_her_old_thread(&env);
    assert_eq!(doc["id"].as_str(), Some(ID_A));
}

#[test]
fn undoing_a_merge_undoes_it_on_both_tickets() {
    let env = two_reports();
    let owner = env.field(ID_B, "owner");
    env.baton_as(&owner, &["merge", "9a1f", "0b7c"]).success();
    let out = env.baton_as(&owner, &["undo", "9a1f"]);
    out.success();
    assert!(
        out.stdout.ends_with("\nundid the merge on 0b7c too\n"),
        "{}",
        out.stdout
    );
    assert_eq!(env.field(ID_B, "status"), "open");
    let doc = env.baton(&["show", "0b7c", "--json"]).json();
    assert_eq!(event_kinds(&doc), ["created", "merged", "reverted"]);
    assert!(doc.get("customers").is_none(), "{doc}");
    // Mail on the old thread goes to the duplicate again.
    let doc = eva_answers_her_old_thread(&env);
    assert_eq!(doc["id"].as_str(), Some(ID_B));
}

#[test]
fn a_merge_that_would_lose_the_way_is_refused() {
    let env = two_reports();
    let owner = env.field(ID_B, "owner");
    let before = env.store_bytes();
    let out = env.baton_as(&owner, &["merge", "9a1f", "9a1f"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "error: cannot merge 9a1f into itself\nhint: name the duplicate first, then the ticket it repeats\n"
        )
    );
    assert_eq!(env.store_bytes(), before);
    env.baton_as(&owner, &["merge", "9a1f", "0b7c"]).success();
    let owner_a = env.field(ID_A, "owner");
    let out = env.baton_as(&owner_a, &["merge", "0b7c", "9a1f"]);
    assert_eq!(
        out.stderr,
        "error: 9a1f was merged into 0b7c already\nhint: to turn it round, undo that merge first: 'baton undo 9a1f'\n"
    );
}

#[test]
fn a_merged_duplicate_is_not_reopened_while_the_merge_stands() {
    let env = two_reports();
    let owner = env.field(ID_B, "owner");
    env.baton_as(&owner, &["merge", "9a1f", "0b7c"]).success();
    env.baton_as(&owner, &["note", "9a1f", "same cause"])
        .success();
    let before = env.store_bytes();
    let out = env.baton_as(&owner, &["reopen", "9a1f"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "error: cannot reopen 9a1f: it was merged into 0b7c6f1e\n\
             hint: work on 0b7c6f1e instead, or undo the merge first with \
             'baton undo 9a1f --event 2'\n"
        )
    );
    assert_eq!(env.store_bytes(), before, "nothing written");
    env.baton_as(&owner, &["undo", "9a1f", "--event", "2"])
        .success();
    assert_eq!(env.field(ID_B, "status"), "open", "the undo reopened it");
}
