//! `baton new --from-mail`: the real-world messages in `tests/fixtures/mail/`
//! filed as tickets, replies threaded onto theirs, unusable mail kept in
//! `rejected/`, loop protection, and the acknowledgement (`--ack`, `--json`).

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;

use crate::common::{ID_A, Output, TestEnv, at, event_kinds};

/// A fixture's bytes, exactly as a mail system would deliver them.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mail")
        .join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Pipes a message into `baton new --from-mail FLAGS`.
fn deliver(env: &TestEnv, raw: &[u8], flags: &[&str]) -> Output {
    let mut args = vec!["new", "--from-mail"];
    args.extend_from_slice(flags);
    env.cmd(&args).input(raw.to_vec()).run()
}

/// Files a message with `--json` and returns the document.
#[track_caller]
fn filed(env: &TestEnv, raw: &[u8]) -> Value {
    let out = deliver(env, raw, &["--json"]);
    out.success();
    out.json()
}

/// The files in `tickets/.local/rejected/`, sorted.
fn rejected(env: &TestEnv) -> Vec<PathBuf> {
    kept_in(env, "rejected")
}

/// The files in `tickets/.local/automatic/`, sorted.
fn automatic(env: &TestEnv) -> Vec<PathBuf> {
    kept_in(env, "automatic")
}

/// The files in a folder of `tickets/.local/`, sorted.
fn kept_in(env: &TestEnv, folder: &str) -> Vec<PathBuf> {
    let Ok(dir) = fs::read_dir(env.store().join(".local").join(folder)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = dir.map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

/// A message from `from` with its own id and subject (for counting acks).
fn message(from: &str, n: usize) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: help@example.com\r\nSubject: Question {n}\r\n\
         Message-ID: <q{n}@example.net>\r\nDate: Mon, 2 Nov 2026 07:00:00 +0000\r\n\r\nHello {n}\r\n"
    )
    .into_bytes()
}

#[test]
fn every_kind_of_real_mail_becomes_a_well_formed_ticket() {
    let env = TestEnv::team();
    // (fixture, title, customer, parts of the description, message id)
    let cases: &[(&str, &str, &str, &[&str], &str)] = &[
        (
            "plain.eml",
            "Refund for double charge not received",
            "jan.kowalski@example.com",
            &[
                "Hello,\n\nI was charged twice for the November invoice (order 18823, card ending 4421).\nThe refund you promised on the phone has not arrived yet.\n\nRegards,\nJan",
            ],
            "CAF=3kT9x1Zq@mail.gmail.com",
        ),
        (
            "multipart-alternative.eml",
            "CSV export stops at 10000 rows",
            "eva@novak.example",
            &["Hi,\n\nthe export to CSV stops at 10,000 rows.\nIs there a limit?\n\nEva"],
            "20261102065213.1234@novak.example",
        ),
        (
            "quoted-printable.eml",
            "Falscher Betrag auf Rechnung 2026-1142",
            "j.weiss@firma.example",
            &[
                "Grüße aus München!",
                "es sollten 1.250,00 € sein, nicht 1.520,00 €. Bitte korrigieren",
                "Mit freundlichen Grüßen\nJürgen Weiß",
            ],
            "5f2a9c@firma.example",
        ),
        (
            "base64.eml",
            "L'application plante",
            "elodie.martin@exemple.example",
            &[
                "l'application plante dès que j'ouvre l'onglet « Factures ».",
                "Élodie",
            ],
            "a1b2c3d4@exemple.example",
        ),
        (
            "iso-8859-2.eml",
            "Przesyłka nie dotarła",
            "lukasz@poczta.example",
            &[
                "Dzień dobry,",
                "zamówienie nr 55012 nie dotarło. Proszę o sprawdzenie przesyłki.",
                "Łukasz Żółć",
            ],
            "009801d9$1a2b3c40$4e5f6a70@poczta.example",
        ),
        (
            "windows-1251.eml",
            "Не могу войти",
            "olga@pochta.example",
            &[
                "Не могу войти в личный кабинет: пишет «неверный пароль».",
                "Ольга",
            ],
            "1234567890.20261102@pochta.example",
        ),
        (
            "encoded-subject.eml",
            "Printer on fire 🔥 à l'étage",
            "maria@garcia.example",
            &["The printer on the second floor is smoking."],
            "e7f8a9b0@garcia.example",
        ),
        (
            "html-only.eml",
            "Wrong VAT number on invoice 7781",
            "piotr@firma.example",
            &[
                "Hello team,\n\nOur invoice #7781 shows the wrong VAT number.\n* Expected: PL1234567890\n* Shown: PL0987654321\n\nThanks,\nPiotr",
            ],
            "html.7781@firma.example",
        ),
        (
            "attachment.eml",
            "Invoice total wrong",
            "tom@berg.example",
            &["Please find the invoice attached; the total is wrong."],
            "att.4711@berg.example",
        ),
    ];
    for (name, title, customer, parts, message_id) in cases {
        let doc = filed(&env, &fixture(name));
        assert_eq!(doc["intake"]["action"], "created", "{name}");
        assert_eq!(doc["title"], *title, "{name}");
        assert_eq!(doc["customer"], *customer, "{name}");
        let description = doc["description"].as_str().unwrap();
        for part in *parts {
            assert!(
                description.contains(part),
                "{name}: {part:?} not in\n{description}"
            );
        }
        assert!(
            !description.contains('<')
                && !description.contains("=C3")
                && !description.contains('\r'),
            "{name}: markup or encoding left in\n{description}"
        );
        let id = doc["id"].as_str().unwrap();
        let events = env.events(id);
        assert_eq!(events.len(), 1, "{name}");
        assert_eq!(events[0]["by"].as_str(), Some("baton"), "{name}");
        assert_eq!(events[0]["kind"].as_str(), Some("created"), "{name}");
        assert_eq!(
            events[0]["message_id"].as_str(),
            Some(*message_id),
            "{name}: the message id is kept in the file"
        );
        assert_eq!(doc["ack"]["to"], *customer, "{name}");
    }
    assert_eq!(env.ticket_ids().len(), cases.len());
    assert!(rejected(&env).is_empty());
    env.baton(&["doctor"]).success();
}

#[test]
fn new_mail_prints_one_line_and_goes_to_the_least_loaded_front_line() {
    let env = TestEnv::team();
    env.baton(&["people", "add", "dan", "--level", "1"])
        .success();
    env.new_ticket("ana", "Already busy");
    let out = deliver(&env, &fixture("plain.eml"), &[]);
    out.success();
    let short = out.stdout.split_whitespace().nth(1).unwrap().to_string();
    assert_eq!(
        out.stdout,
        format!("created {short} for jan.kowalski@example.com, owned by dan\n")
    );
    assert_eq!(out.stderr, "");

    add_to_config(&env, "\n[intake]\nowner = \"cora\"\n");
    let doc = filed(&env, &fixture("html-only.eml"));
    assert_eq!(doc["owner"], "cora", "[intake] owner wins");

    let doc = filed(
        &env,
        &[
            b"From jan@example.com Mon Nov  2 07:52:13 2026\n".as_slice(),
            &fixture("base64.eml"),
        ]
        .concat(),
    );
    assert_eq!(
        doc["title"], "L'application plante",
        "procmail's mbox From line is skipped"
    );
    let flagged = deliver(
        &env,
        &fixture("quoted-printable.eml"),
        &[
            "--json",
            "--priority",
            "urgent",
            "--tag",
            "billing",
            "--owner",
            "ben",
        ],
    );
    flagged.success();
    let doc = flagged.json();
    assert_eq!(
        (&doc["priority"], &doc["tags"][0], &doc["owner"]),
        (
            &Value::from("urgent"),
            &Value::from("billing"),
            &Value::from("ben")
        )
    );
}

#[test]
fn a_tagged_reply_is_added_to_its_ticket_and_reopens_it() {
    let env = TestEnv::team();
    let doc = filed(&env, &fixture("plain.eml"));
    env.rename_ticket(doc["id"].as_str().unwrap(), ID_A);
    env.baton_as("ana", &["resolve", "0b7c", "--note", "refund sent"])
        .success();

    let out = deliver(&env, &fixture("reply-tag.eml"), &[])
        .code(0)
        .stdout
        .clone();
    assert_eq!(
        out,
        "added the message to 0b7c and reopened it (it was resolved)\n"
    );
    let events = env.events(ID_A);
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "status", "customer", "status"]);
    let customer = &events[2];
    assert_eq!(customer["by"].as_str(), Some("baton"));
    assert_eq!(customer["from"].as_str(), Some("jan.kowalski@example.com"));
    assert_eq!(
        customer["text"].as_str(),
        Some("The order number is 18823, as I wrote."),
        "{customer:?}"
    );
    assert!(
        customer["quoted"]
            .as_str()
            .unwrap()
            .starts_with("On Mon, 2 Nov 2026"),
        "the quoted history is kept apart: {customer:?}"
    );
    assert_eq!(
        customer["message_id"].as_str(),
        Some("CAF=3kT9x2Ab@mail.gmail.com")
    );
    assert_eq!(events[3]["from"].as_str(), Some("resolved"));
    assert_eq!(events[3]["to"].as_str(), Some("open"));
    assert_eq!(env.field(ID_A, "status"), "open");
    assert_eq!(env.ticket_ids(), [ID_A], "no new ticket");

    // An auto-reply quoting the tag is kept aside: it is not the customer's
    // word, and it reopens nothing.
    env.baton_as("ana", &["resolve", "0b7c"]).success();
    let doc = filed(&env, &fixture("auto-reply.eml"));
    assert_eq!(doc["intake"]["action"], "kept");
    assert_eq!(doc["intake"]["about"], "0b7c");
    assert_eq!(doc["ack"], Value::Null);
    assert_eq!(env.field(ID_A, "status"), "resolved");
    env.baton(&["doctor"]).success();
}

#[test]
fn a_reply_is_found_by_in_reply_to_alone_and_a_second_delivery_adds_nothing() {
    let env = TestEnv::team();
    let first = filed(&env, &fixture("plain.eml"));
    let id = first["id"].as_str().unwrap();
    let short = first["short_id"].as_str().unwrap();
    let out = deliver(&env, &fixture("reply-in-reply-to.eml"), &["--json"]);
    out.success();
    let doc = out.json();
    assert_eq!(doc["id"], id);
    assert_eq!(doc["intake"]["action"], "added");
    assert_eq!(doc["intake"]["message_id"], "CAF=3kT9x3Cd@mail.gmail.com");
    assert_eq!(event_kinds(&doc), ["created", "customer"]);
    assert_eq!(
        doc["events"][1]["text"],
        "Any news? It has been three days."
    );
    assert_eq!(env.ticket_ids(), [id]);

    let before = env.store_bytes();
    let again = deliver(&env, &fixture("reply-in-reply-to.eml"), &[]);
    again.success();
    assert_eq!(
        again.stdout,
        format!("{short} already holds this message; nothing was added\n")
    );
    assert_eq!(env.store_bytes(), before, "nothing written");
}

#[test]
fn unusable_mail_is_kept_in_rejected_with_its_reason() {
    let env = TestEnv::team();
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "no-from",
            fixture("no-from.eml"),
            "the message has no From header, so there is no customer to answer",
        ),
        (
            "garbage",
            fixture("garbage.eml"),
            "the input is not an e-mail message (it does not begin with header lines)",
        ),
        (
            "empty",
            Vec::new(),
            "the input is empty: no message arrived on standard input",
        ),
    ];
    for (what, raw, reason) in cases {
        let before = rejected(&env).len();
        let out = deliver(&env, &raw, &[]);
        out.code(0);
        assert_eq!(out.stdout, "", "{what}");
        let files = rejected(&env);
        assert_eq!(
            files.len(),
            before + 2,
            "{what}: the message and its reason"
        );
        let eml = files
            .iter()
            .find(|p| {
                p.extension().is_some_and(|e| e == "eml") && !out.stderr.is_empty() && {
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    out.stderr.contains(&name)
                }
            })
            .unwrap_or_else(|| panic!("{what}: the error names the file:\n{}", out.stderr));
        assert_eq!(fs::read(eml).unwrap(), raw, "{what}: kept byte for byte");
        assert_eq!(
            fs::read_to_string(eml.with_extension("reason")).unwrap(),
            format!("{reason}\n"),
            "{what}"
        );
        assert!(
            out.stderr.starts_with(&format!(
                "not filed: {reason}; the message is kept in tickets/.local/rejected/"
            )),
            "{what}: {}",
            out.stderr
        );
        assert!(out.stderr.contains("\nhint: "), "{}", out.stderr);
    }
    assert!(env.ticket_ids().is_empty());
}

#[test]
fn without_a_store_the_mail_system_is_told_to_try_again_later() {
    let env = TestEnv::empty();
    let out = deliver(&env, &fixture("plain.eml"), &[]);
    out.code(75);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(!env.store().exists());
}

#[test]
fn a_message_that_cannot_be_kept_now_is_a_temporary_failure() {
    let env = TestEnv::team();
    // A file where the folder must go: writing there fails, as on a full disk.
    fs::create_dir_all(env.store().join(".local")).unwrap();
    fs::write(env.store().join(".local/rejected"), "in the way").unwrap();
    let out = deliver(&env, &fixture("no-from.eml"), &[]);
    out.code(75);
    assert!(
        out.stderr
            .starts_with("error: the message was not filed (the message has no From header"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("hint: the mail system keeps the message and delivers it again later"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_rejected_message_is_a_json_document_too() {
    let env = TestEnv::team();
    let out = deliver(&env, &fixture("no-from.eml"), &["--json"]);
    out.code(0);
    let doc = out.json();
    assert_eq!(doc["intake"]["action"], "rejected");
    assert!(
        doc["intake"]["kept_in"]
            .as_str()
            .unwrap()
            .starts_with("tickets/.local/rejected/"),
        "{doc}"
    );
    assert_eq!(
        doc["intake"]["reason"],
        "the message has no From header, so there is no customer to answer"
    );
}

#[test]
fn from_mail_takes_no_title_or_body() {
    let env = TestEnv::team();
    let out = env
        .cmd(&["new", "--from-mail", "A title"])
        .input(fixture("plain.eml"))
        .run();
    out.code(2);
    assert!(out.stderr.contains("cannot be used with"), "{}", out.stderr);
}

#[test]
fn automatic_mail_is_never_acknowledged() {
    let env = TestEnv::team();
    for (name, why) in [
        (
            "auto-reply.eml",
            "the message is marked Auto-Submitted: auto-replied",
        ),
        ("newsletter.eml", "the message is marked Precedence: bulk"),
    ] {
        let doc = filed(&env, &fixture(name));
        assert_eq!(doc["intake"]["action"], "kept", "{name}: kept, no ticket");
        assert_eq!(doc["ack"], Value::Null, "{name}");
        assert_eq!(doc["intake"]["ack_refused"], why, "{name}");
        let out = deliver(&env, &fixture(name), &["--ack"]);
        out.success();
        assert_eq!(out.stdout, "", "{name}: no acknowledgement");
        assert!(
            out.stderr
                .ends_with(&format!("no acknowledgement: {why}\n")),
            "{name}: {}",
            out.stderr
        );
    }
    assert!(env.ticket_ids().is_empty());
    let raw = message("MAILER-DAEMON@mx.example.net", 1);
    let out = deliver(&env, &raw, &["--ack"]);
    out.success();
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.ends_with(
            "no acknowledgement: the sender MAILER-DAEMON@mx.example.net is a mail system (a delivery report)\n"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn an_address_gets_at_most_three_acknowledgements_an_hour_across_runs() {
    let env = TestEnv::team();
    let from = "Eva <eva@novak.example>";
    let mut acked = Vec::new();
    for (n, now) in [
        (1, at(0, 0)),
        (2, at(0, 10)),
        (3, at(0, 20)),
        (4, at(0, 50)),
    ] {
        let out = env
            .cmd(&["new", "--from-mail", "--json"])
            .now(&now)
            .input(message(from, n))
            .run();
        out.success();
        let doc = out.json();
        acked.push(!doc["ack"].is_null());
        if n == 4 {
            assert_eq!(
                doc["intake"]["ack_refused"],
                "eva@novak.example already got 3 acknowledgements in the past hour"
            );
        }
    }
    assert_eq!(acked, [true, true, true, false]);
    // An hour after the first, one of the three has left the window.
    let doc = env
        .cmd(&["new", "--from-mail", "--json"])
        .now(&at(1, 1))
        .input(message(from, 5))
        .run()
        .json();
    assert_eq!(doc["ack"]["to"], "eva@novak.example");
    let other = filed(&env, &message("jan@example.com", 6));
    assert!(!other["ack"].is_null(), "the limit is per address");
}

#[test]
fn ack_prints_the_acknowledgement_as_a_mail_with_the_deadline() {
    let env = TestEnv::team();
    add_to_config(
        &env,
        "\n[intake]\naddress = \"Acme Support <help@example.com>\"\n",
    );
    let out = deliver(&env, &fixture("plain.eml"), &["--ack"]);
    out.success();
    let short = out.stderr.split_whitespace().nth(1).unwrap().to_string();
    assert_eq!(
        out.stderr,
        format!("created {short} for jan.kowalski@example.com, owned by ana\n")
    );
    // The tag in mail is 8 digits long, whatever the short id.
    let tag = out
        .stdout
        .split("[#")
        .nth(1)
        .unwrap()
        .split(']')
        .next()
        .unwrap();
    assert!(tag.len() == 8 && tag.starts_with(&short), "{tag}");
    assert_eq!(
        out.stdout.replace(tag, "SHORT"),
        "From: Acme Support <help@example.com>\n\
         To: jan.kowalski@example.com\n\
         Subject: [#SHORT] Refund for double charge not received\n\
         In-Reply-To: <CAF=3kT9x1Zq@mail.gmail.com>\n\
         References: <CAF=3kT9x1Zq@mail.gmail.com>\n\
         Auto-Submitted: auto-replied\n\
         MIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\n\
         Content-Transfer-Encoding: 7bit\n\
         \n\
         Hello,\n\
         \n\
         thank you for writing to us. We have filed your message\n\
         \n\
         \x20   Refund for double charge not received\n\
         \n\
         as ticket #SHORT. ana is looking after it, and you can expect\n\
         an answer by Tuesday 3 November 2026, 04:00 UTC.\n\
         \n\
         When you write to us about it again, please keep [#SHORT] in the subject.\n"
    );
}

#[test]
fn new_with_ack_renders_the_team_s_template() {
    let env = TestEnv::team();
    add_to_config(
        &env,
        "\n[templates]\nack_subject = \"Ticket {id}: {title}\"\n\
               ack = \"{owner} has it ({priority}); answer by {deadline}. {{not a placeholder}}\"\n",
    );
    let out = env.baton_as(
        "ana",
        &[
            "new",
            "Refund",
            "--customer",
            "Jan <jan@example.com>",
            "--priority",
            "high",
            "--ack",
        ],
    );
    out.success();
    let short = out
        .stderr
        .split_whitespace()
        .nth(1)
        .unwrap()
        .trim_end_matches(',')
        .to_string();
    let tag = &env.ticket_ids()[0][..8];
    assert!(tag.starts_with(&short), "{tag} {short}");
    assert!(
        out.stdout.starts_with(&format!(
            "To: jan@example.com\nSubject: Ticket {tag}: Refund\n"
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.ends_with(
            "\n\nana has it (high); answer by Tuesday 3 November 2026, 04:00 UTC. {not a placeholder}\n"
        ),
        "{}",
        out.stdout
    );

    let json = env.baton_as(
        "ana",
        &["new", "Refund", "--customer", "jan@example.com", "--json"],
    );
    json.success();
    let doc = json.json();
    assert_eq!(doc["ack"]["kind"], "ack");
    assert_eq!(
        doc["ack"]["subject"],
        format!("Ticket {}: Refund", &doc["id"].as_str().unwrap()[..8])
    );
    assert!(
        doc["ack"]["mail"]
            .as_str()
            .unwrap()
            .starts_with("To: jan@example.com\n")
    );

    let none = env.baton_as("ana", &["new", "Phone call", "--customer", "acme", "--ack"]);
    none.success();
    // Nothing to send: stdout names the ticket, so a script still gets it.
    assert!(
        uuid::Uuid::try_parse(none.stdout.trim()).is_ok(),
        "{}",
        none.stdout
    );
    assert!(
        none.stderr.contains("no acknowledgement: "),
        "{}",
        none.stderr
    );
    let plain = env.baton_as(
        "ana",
        &["new", "Phone call", "--customer", "acme", "--json"],
    );
    assert_eq!(plain.json()["ack"], Value::Null);
}

#[test]
fn a_bad_template_is_an_error_naming_its_line() {
    let env = TestEnv::team();
    add_to_config(&env, "\n[templates]\nack = \"answer by {dedline}\"\n");
    // The message is safe in rejected/ (exit 0), and the error names the line.
    let out = deliver(&env, &fixture("plain.eml"), &[]);
    out.code(0);
    assert_eq!(rejected(&env).len(), 2);
    assert!(
        out.stderr.contains("unknown placeholder '{dedline}'"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("baton.toml"), "{}", out.stderr);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever bytes arrive, baton never panics: they end as a ticket, in
    /// automatic/ or in rejected/ (exit 0), never lost.
    #[test]
    fn random_bytes_end_as_a_ticket_or_in_rejected(
        header in proptest::option::of("[ -~]{0,30}@[a-z]{1,8}\\.[a-z]{2,3}"),
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let env = TestEnv::team();
        let mut raw = Vec::new();
        if let Some(from) = &header {
            raw.extend_from_slice(format!("From: {from}\r\nSubject: x\r\n").as_bytes());
        }
        raw.extend_from_slice(&bytes);
        let out = deliver(&env, &raw, &[]);
        prop_assert_eq!(out.code, 0, "{}", out.render());
        let (tickets, kept, rejected) = (env.ticket_ids(), automatic(&env), rejected(&env));
        match (tickets.len(), kept.len(), rejected.len()) {
            (1, 0, 0) => {}
            (0, 2, 0) => prop_assert_eq!(fs::read(&kept[0]).unwrap(), raw),
            (0, 0, 2) => prop_assert_eq!(fs::read(&rejected[0]).unwrap(), raw),
            other => prop_assert!(false, "{other:?}: {}", out.render()),
        }
    }
}

#[test]
fn intake_lines_and_documents_are_as_pinned() {
    let env = TestEnv::team();
    let first = env
        .cmd(&["new", "--from-mail", "--json"])
        .env("BATON_ID_SEED", ID_A)
        .input(message("Jan <jan@example.com>", 1))
        .run();
    first.success();
    let doc = first.json();
    insta::assert_snapshot!(
        serde_json::to_string_pretty(&serde_json::json!({"intake": doc["intake"], "ack": doc["ack"]})).unwrap(),
        @r#"
        {
          "ack": {
            "from": null,
            "in_reply_to": "q1@example.net",
            "kind": "ack",
            "mail": "To: jan@example.com\nSubject: [#0b7c6f1e] Question 1\nIn-Reply-To: <q1@example.net>\nReferences: <q1@example.net>\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 7bit\n\nHello,\n\nthank you for writing to us. We have filed your message\n\n    Question 1\n\nas ticket #0b7c6f1e. ana is looking after it, and you can expect\nan answer by Tuesday 3 November 2026, 04:00 UTC.\n\nWhen you write to us about it again, please keep [#0b7c6f1e] in the subject.\n",
            "references": [
              "q1@example.net"
            ],
            "subject": "[#0b7c6f1e] Question 1",
            "text": "Hello,\n\nthank you for writing to us. We have filed your message\n\n    Question 1\n\nas ticket #0b7c6f1e. ana is looking after it, and you can expect\nan answer by Tuesday 3 November 2026, 04:00 UTC.\n\nWhen you write to us about it again, please keep [#0b7c6f1e] in the subject.\n",
            "to": "jan@example.com"
          },
          "intake": {
            "ack_refused": null,
            "action": "created",
            "message_id": "q1@example.net",
            "reopened_from": null
          }
        }
        "#
    );
    let reply = b"From: jan@example.com\r\nTo: help@example.com\r\nSubject: Re: Question 1\r\n\
        Message-ID: <r1@example.net>\r\nIn-Reply-To: <q1@example.net>\r\n\
        Date: Mon, 2 Nov 2026 07:30:00 +0000\r\n\r\nMore\r\n";
    env.baton_as("ana", &["resolve", ID_A]).success();
    let added = deliver(&env, reply, &["--ack"]);
    insta::assert_snapshot!(added.render(), @r"
    ------- stderr -------
    added the message to 0b7c and reopened it (it was resolved)
    no acknowledgement: only a new ticket is acknowledged
    [exit 0]
    ");
    let again = deliver(&env, reply, &["--json"]);
    again.success();
    assert_eq!(
        again.json()["intake"],
        serde_json::json!({
            "action": "duplicate",
            "message_id": "r1@example.net",
            "reopened_from": null,
            "ack_refused": null,
        })
    );
    let plain = deliver(&env, reply, &[]);
    insta::assert_snapshot!(plain.render(), @r"
    0b7c already holds this message; nothing was added
    [exit 0]
    ");
}

/// Appends TOML to the team config.
fn add_to_config(env: &TestEnv, toml: &str) {
    let path = env.store().join("baton.toml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text + toml).unwrap();
}

/// A store holding `plain.eml` as ticket `ID_A` (0b7c), resolved.
fn resolved_ticket() -> TestEnv {
    let env = TestEnv::team();
    let doc = filed(&env, &fixture("plain.eml"));
    env.rename_ticket(doc["id"].as_str().unwrap(), ID_A);
    env.baton_as("ana", &["resolve", "0b7c", "--note", "refund sent"])
        .success();
    env
}

#[test]
fn bounces_of_a_ticket_s_mail_land_on_it_as_delivery_failed_whatever_wrote_them() {
    // (fixture, what the diagnostic note holds): each names the returned
    // message its own way (message/rfc822, text/rfc822-headers, an inline
    // copy, the subject's tag, In-Reply-To of the copy).
    let cases = [
        ("dsn-postfix.eml", Some("550 5.1.1")),
        ("dsn-gmail.eml", Some("550-5.1.1")),
        ("dsn-exim.eml", None),
        ("dsn-qmail.eml", None),
        ("dsn-exchange.eml", Some("RecipientNotFound")),
    ];
    for (name, note) in cases {
        let env = resolved_ticket();
        let out = deliver(&env, &fixture(name), &["--ack"]);
        out.success();
        assert_eq!(out.stdout, "", "{name}: nothing to send");
        assert!(
            out.stderr
                .starts_with("0b7c: a message to the customer was not delivered"),
            "{name}: {}",
            out.stderr
        );
        let events = env.events(ID_A);
        let last = events.last().unwrap();
        assert_eq!(last["kind"].as_str(), Some("delivery-failed"), "{name}");
        match note {
            Some(n) => assert!(
                last["note"].as_str().unwrap_or_default().contains(n),
                "{name}: {last:?}"
            ),
            None => assert!(
                !last.contains_key("note") || last["note"].is_str(),
                "{name}"
            ),
        }
        assert_eq!(
            env.field(ID_A, "status"),
            "resolved",
            "{name}: nothing reopens"
        );
        assert_eq!(env.ticket_ids(), [ID_A], "{name}: no new ticket");
        let show = env.baton(&["show", "0b7c"]);
        show.success();
        assert!(
            show.stdout.contains("DELIVERY FAILED"),
            "{name}: {}",
            show.stdout
        );
        env.baton(&["doctor"]).success();
        // A second delivery of the same bounce adds nothing.
        let again = deliver(&env, &fixture(name), &[]);
        again.success();
        assert_eq!(env.events(ID_A).len(), events.len(), "{name}: exactly once");
    }
}

#[test]
fn automatic_mail_opens_no_ticket_reopens_nothing_and_is_kept() {
    // (fixture, kind, a part of the reason)
    let cases = [
        (
            "auto-reply.eml",
            "auto-reply",
            "Auto-Submitted: auto-replied",
        ),
        (
            "ooo-outlook.eml",
            "auto-reply",
            "X-Auto-Response-Suppress: All",
        ),
        (
            "ooo-gmail.eml",
            "auto-reply",
            "Auto-Submitted: auto-replied",
        ),
        ("arf.eml", "feedback-report", "ARF"),
        ("mdn.eml", "read-receipt", "MDN"),
        ("newsletter.eml", "bulk", "Precedence: bulk"),
        ("dsn-unknown.eml", "delivery-report", "mail system"),
    ];
    for (name, kind, why) in cases {
        let env = resolved_ticket();
        let before = env.events(ID_A).len();
        let doc = filed(&env, &fixture(name));
        assert_eq!(doc["intake"]["action"], "kept", "{name}");
        assert_eq!(doc["intake"]["automatic"], kind, "{name}");
        assert!(
            doc["intake"]["reason"].as_str().unwrap().contains(why),
            "{name}: {doc}"
        );
        assert_eq!(doc["ack"], Value::Null, "{name}");
        assert_eq!(env.ticket_ids(), [ID_A], "{name}: no ticket opened");
        assert_eq!(env.events(ID_A).len(), before, "{name}: nothing added");
        assert_eq!(env.field(ID_A, "status"), "resolved", "{name}");
        let files = automatic(&env);
        assert_eq!(files.len(), 2, "{name}: the message and its reason");
        assert_eq!(
            fs::read(&files[0]).unwrap(),
            fixture(name),
            "{name}: byte for byte"
        );
        let reason = fs::read_to_string(&files[1]).unwrap();
        assert!(reason.contains(why), "{name}: {reason}");
        assert!(rejected(&env).is_empty(), "{name}: not rejected");
        // Delivered again, it is the same kept file.
        deliver(&env, &fixture(name), &[]).success();
        assert_eq!(automatic(&env).len(), 2, "{name}: kept once");
    }
}

#[test]
fn a_kept_message_says_so_in_one_line() {
    let env = resolved_ticket();
    let out = deliver(&env, &fixture("ooo-outlook.eml"), &[]);
    out.success();
    assert!(
        out.stdout
            .starts_with("kept auto-reply about 0b7c in tickets/.local/automatic/fnv1a128-"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.ends_with(
            ".eml, filed nowhere: the message is marked X-Auto-Response-Suppress: All\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn a_stranger_writing_with_a_ticket_s_tag_does_not_speak_as_its_customer() {
    let env = resolved_ticket();
    let out = deliver(&env, &fixture("stranger-tag.eml"), &["--json"]);
    out.success();
    let doc = out.json();
    assert_eq!(doc["intake"]["action"], "stranger");
    assert_eq!(doc["intake"]["reopened_from"], Value::Null);
    let events = env.events(ID_A);
    let last = events.last().unwrap();
    assert_eq!(last["kind"].as_str(), Some("stranger"));
    assert_eq!(last["from"].as_str(), Some("attacker@evil.example"));
    assert_eq!(env.field(ID_A, "status"), "resolved", "nothing reopens");
    let show = env.baton(&["show", "0b7c"]);
    assert!(
        show.stdout
            .contains("attacker@evil.example wrote, who is not the customer"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout
            .contains("customer wrote (from jan.kowalski@example.com)")
            || !show.stdout.contains("customer wrote"),
        "{}",
        show.stdout
    );
    env.baton(&["doctor"]).success();
}

#[test]
fn a_message_without_message_id_delivered_twice_makes_one_ticket() {
    let env = TestEnv::team();
    let first = filed(&env, &fixture("no-message-id.eml"));
    assert_eq!(first["intake"]["action"], "created");
    // The mail system adds a line of its own on the second delivery.
    let mut again = b"Received: by mx2.example.com; Mon, 2 Nov 2026 09:00:00 +0000\r\n".to_vec();
    again.extend_from_slice(&fixture("no-message-id.eml"));
    let second = filed(&env, &again);
    assert_eq!(second["intake"]["action"], "duplicate");
    assert_eq!(env.ticket_ids().len(), 1);
}

#[test]
fn a_different_message_reusing_a_message_id_is_filed_not_dropped() {
    let env = TestEnv::team();
    let first = filed(&env, &fixture("plain.eml"));
    let other = String::from_utf8(fixture("plain.eml"))
        .unwrap()
        .replace("Refund for double charge not received", "Another question")
        .replace("I was charged twice", "I was charged thrice");
    let second = filed(&env, other.as_bytes());
    assert_eq!(second["intake"]["action"], "created", "{second}");
    assert_ne!(second["id"], first["id"]);
    assert_eq!(second["title"], "Another question");
}

#[test]
fn a_tag_that_names_no_single_ticket_is_not_copied_into_a_title() {
    let env = TestEnv::team();
    let raw = message("eva@novak.example", 1);
    let raw = String::from_utf8(raw)
        .unwrap()
        .replace("Subject: Question 1", "Subject: Re: [#50c5] Question 1");
    let doc = filed(&env, raw.as_bytes());
    assert_eq!(doc["intake"]["action"], "created");
    assert_eq!(doc["title"], "Question 1");
}

#[test]
fn thousands_of_references_cost_no_more_than_a_hundred() {
    let env = TestEnv::team();
    let refs: Vec<String> = (0..200_000).map(|i| format!("<r{i}@x.example>")).collect();
    let raw = format!(
        "From: eva@novak.example\r\nSubject: Many\r\nMessage-ID: <many@x>\r\nReferences: {}\r\n\r\nHi\r\n",
        refs.join(" ")
    );
    let started = std::time::Instant::now();
    let doc = filed(&env, raw.as_bytes());
    assert_eq!(doc["intake"]["action"], "created");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn replies_keep_what_the_customer_wrote_and_fold_the_quoted_history() {
    for name in [
        "reply-gmail.eml",
        "reply-outlook.eml",
        "reply-apple-mail.eml",
        "reply-thunderbird.eml",
    ] {
        let env = resolved_ticket();
        deliver(&env, &fixture(name), &[]).success();
        let events = env.events(ID_A);
        let customer = events
            .iter()
            .find(|e| e["kind"].as_str() == Some("customer"))
            .unwrap_or_else(|| panic!("{name}: {events:?}"));
        assert_eq!(
            customer["text"].as_str(),
            Some("The refund is still not there."),
            "{name}"
        );
        let quoted = customer["quoted"].as_str().unwrap();
        assert!(quoted.contains("is now resolved."), "{name}: {quoted}");
        let show = env.baton(&["show", "0b7c"]);
        show.success();
        assert!(
            show.stdout
                .contains("│ The refund is still not there.\n      ┆ [quoted: "),
            "{name}: {}",
            show.stdout
        );
        assert!(!show.stdout.contains("is now resolved."), "{name}: folded");
        env.baton(&["doctor"]).success();
    }
}

#[test]
fn forwards_are_kept_as_readable_text_and_the_ack_goes_to_reply_to() {
    let env = TestEnv::team();
    let out = deliver(&env, &fixture("forward-attached.eml"), &["--json"]);
    out.success();
    let doc = out.json();
    let description = doc["description"].as_str().unwrap();
    for part in [
        "See the invoice below: the amount is wrong.",
        "---------- Forwarded message ----------\nFrom: Acme Billing <billing@acme.example>",
        "Subject: Your invoice 2026-1142",
        "Dear customer,\n\nthe total is 1.520,00 EUR.",
    ] {
        assert!(description.contains(part), "{part:?} in {description}");
    }
    assert!(!description.contains("margin"), "no CSS: {description}");
    assert!(
        !description.contains("attachment not kept"),
        "{description}"
    );
    assert_eq!(doc["ack"]["to"], "eva.novak@work.example", "Reply-To");
    assert_eq!(doc["title"], "Your invoice 2026-1142");

    let doc = filed(&env, &fixture("forward-inline.eml"));
    let description = doc["description"].as_str().unwrap();
    assert!(
        description.contains("From: Acme Billing <billing@acme.example>")
            && description.contains("Dear customer, the total is 1.520,00 EUR."),
        "{description}"
    );
}

#[test]
fn the_sender_s_name_is_kept_searchable_and_in_templates() {
    let env = TestEnv::team();
    add_to_config(
        &env,
        "\n[templates]\nack = \"Hello {name},\\nwe have it.\\n\"\n",
    );
    let raw = "From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.de>\r\nTo: help@example.com\r\n\
               Subject: Lieferung\r\nMessage-ID: <jm1@example.de>\r\n\r\nWo bleibt sie?\r\n";
    let doc = filed(&env, raw.as_bytes());
    assert_eq!(doc["customer"], "joerg@example.de");
    assert_eq!(doc["events"][0]["customer_name"], "Jörg Müller");
    assert_eq!(doc["ack"]["text"], "Hello Jörg Müller,\nwe have it.\n");
    let found = env.baton(&["search", "müller"]);
    found.success();
    assert!(found.stdout.contains("Lieferung"), "{}", found.stdout);
    let short = doc["short_id"].as_str().unwrap();
    let show = env.baton(&["show", short]);
    assert!(
        show.stdout.contains("Jörg Müller <joerg@example.de>"),
        "{}",
        show.stdout
    );
}
