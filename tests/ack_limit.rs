//! The limit of three acknowledgements an hour counts the address they go
//! to: a message's `Reply-To` when it names one, so a flood of mail from
//! ever new senders naming one `Reply-To` cannot bury that address.

use crate::common::{TestEnv, at};

/// A message from `from` asking that answers go to `reply_to`.
fn with_reply_to(from: &str, reply_to: &str, n: usize) -> Vec<u8> {
    format!(
        "From: {from}\r\nReply-To: {reply_to}\r\nTo: help@example.com\r\nSubject: Question {n}\r\n\
         Message-ID: <r{n}@example.net>\r\nDate: Mon, 2 Nov 2026 07:00:00 +0000\r\n\r\nHello {n}\r\n"
    )
    .into_bytes()
}

#[test]
fn a_reply_to_gets_at_most_three_acknowledgements_an_hour_whoever_sends() {
    let env = TestEnv::team();
    let mut sent_to = Vec::new();
    let mut last = serde_json::Value::Null;
    for (n, now) in [
        (1, at(0, 0)),
        (2, at(0, 10)),
        (3, at(0, 20)),
        (4, at(0, 50)),
    ] {
        let out = env
            .cmd(&["new", "--from-mail", "--json"])
            .now(&now)
            .input(with_reply_to(
                &format!("sender{n}@example.net"),
                "Victim <victim@example.org>",
                n,
            ))
            .run();
        out.success();
        last = out.json();
        sent_to.push(last["ack"]["to"].as_str().map(str::to_string));
    }
    let victim = Some("victim@example.org".to_string());
    assert_eq!(sent_to, [victim.clone(), victim.clone(), victim, None]);
    assert_eq!(
        last["intake"]["ack_refused"],
        "victim@example.org already got 3 acknowledgements in the past hour"
    );
    // An hour after the first, the address may hear from us again.
    let out = env
        .cmd(&["new", "--from-mail", "--json"])
        .now(&at(1, 5))
        .input(with_reply_to(
            "sender5@example.net",
            "victim@example.org",
            5,
        ))
        .run();
    out.success();
    assert_eq!(out.json()["ack"]["to"], "victim@example.org");
}

#[test]
fn a_reply_to_naming_the_support_address_is_never_acknowledged() {
    let env = TestEnv::team();
    env.edit_config(
        "[sla]",
        "[intake]\naddress = \"Help <help@example.com>\"\n\n[sla]",
    );
    let out = env
        .cmd(&["new", "--from-mail", "--json"])
        .input(with_reply_to("jan@example.net", "help@example.com", 1))
        .run();
    out.success();
    let doc = out.json();
    assert!(doc["ack"].is_null(), "{doc}");
    assert_eq!(
        doc["intake"]["ack_refused"],
        "its Reply-To is the support address help@example.com, so an answer would come back here"
    );
}
