//! The outbox and the transports, end to end with a real SMTP server on
//! loopback (aiosmtpd, see `common/smtp.rs`): replies, acknowledgements and
//! status notices arrive with their headers and threading; a refusing,
//! stalled or absent server leaves the message queued and a later flush
//! sends it exactly once; a flush killed at random points never loses a
//! message nor sends one twice beyond the documented window; the customer's
//! answer to a reply threads back; `mail test`; the sendmail transport;
//! saved replies.

use std::collections::BTreeMap;
use std::fs;
use std::time::Duration;

use serde_json::Value;

#[path = "common/smtp.rs"]
mod smtp;

use crate::common::{ID_A, TestEnv, at};
use smtp::{Mode, Smtp, header};

/// A real SMTP server on loopback. Without aiosmtpd the test fails, as a
/// test that cannot run must (CI installs it).
fn server() -> Option<Smtp> {
    assert!(
        smtp::available(),
        "the SMTP tests need aiosmtpd: python3 -m pip install aiosmtpd"
    );
    Some(Smtp::start())
}

fn add_to_config(env: &TestEnv, toml: &str) {
    let path = env.store().join("baton.toml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text + toml).unwrap();
}

const DESK: &str = "\n[intake]\naddress = \"Acme Support <help@example.com>\"\n";

/// A team store with the support address and `extra` in its config.
fn desk(extra: &str) -> TestEnv {
    let env = TestEnv::team();
    add_to_config(&env, &format!("{DESK}{extra}"));
    env
}

/// Asserts that `text` contains `part`, showing the text when not.
#[track_caller]
fn assert_contains(text: &str, part: &str) {
    assert!(text.contains(part), "{part:?} not in:\n{text}");
}

/// A mail from Jan, with Reply-To, filed as ticket ID_A (0b7c).
fn jan_writes(env: &TestEnv) {
    let raw = "From: Jan Kowalski <jan@example.com>\r\nReply-To: jan.desk@example.com\r\n\
               To: help@example.com\r\nSubject: Refund missing\r\n\
               Message-ID: <first@example.com>\r\nDate: Mon, 2 Nov 2026 07:00:00 +0000\r\n\r\n\
               Where is my refund?\r\n";
    let out = env
        .cmd(&["new", "--from-mail", "--json"])
        .env("BATON_ID_SEED", ID_A)
        .input(raw)
        .run();
    out.success();
}

/// Ana opens ticket ID_A (0b7c) for jan@example.com: an acknowledgement.
fn login_ticket(env: &TestEnv) {
    env.new_ticket_pinned(
        "ana",
        "Login fails",
        &["--customer", "jan@example.com"],
        ID_A,
    );
}

/// The outbox as `baton outbox --json` lists it.
fn outbox(env: &TestEnv) -> Vec<Value> {
    let out = env.baton(&["outbox", "--json"]);
    out.success();
    out.json().as_array().unwrap().clone()
}

/// Asserts that a received message has these headers with these values.
#[track_caller]
fn has_headers(mail: &str, wanted: &[(&str, &str)]) {
    for (name, value) in wanted {
        assert_eq!(
            header(mail, name).as_deref(),
            Some(*value),
            "{name} in:\n{mail}"
        );
    }
}

fn show(env: &TestEnv) -> Value {
    let out = env.baton(&["show", ID_A, "--json"]);
    out.success();
    out.json()
}

#[test]
fn a_reply_arrives_as_mail_threaded_under_the_customer_s_message() {
    let Some(smtp) = server() else { return };
    let env = desk(&smtp.config());
    jan_writes(&env);
    let ack = smtp.received();
    assert_eq!(ack.len(), 1, "the acknowledgement went at once");
    has_headers(
        &ack[0],
        &[
            ("Auto-Submitted", "auto-replied"),
            ("To", "jan.desk@example.com"),
            ("In-Reply-To", "<first@example.com>"),
        ],
    );

    env.cmd(&["--as", "ana", "reply", "0b7c", "The refund left today."])
        .now(&at(1, 0))
        .run()
        .success();
    let got = smtp.received();
    assert_eq!(got.len(), 2, "{got:#?}");
    let reply = &got[1];
    has_headers(
        reply,
        &[
            ("From", "Acme Support <help@example.com>"),
            ("To", "jan.desk@example.com"),
            ("Subject", "Re: [#0b7c6f1e] Refund missing"),
            ("Date", "Mon, 2 Nov 2026 09:00:00 +0000"),
            ("In-Reply-To", "<first@example.com>"),
            ("References", "<first@example.com>"),
        ],
    );
    assert_eq!(
        header(reply, "Auto-Submitted"),
        None,
        "a person's reply is not automatic"
    );
    assert!(
        reply.contains("\r\n\r\nThe refund left today.\r\n"),
        "{reply}"
    );
    let doc = show(&env);
    let event = doc["events"].as_array().unwrap().last().unwrap().clone();
    let id = event["message_id"].as_str().unwrap();
    assert_eq!(
        id, "20261102T090000Z.1.ana.0b7c6f1e5d1a4f7e9a533c2d1e0f9a84@example.com",
        "pinned by BATON_NOW and the ticket id"
    );
    assert_eq!(header(reply, "Message-ID"), Some(format!("<{id}>")));
    assert_eq!(event["delivery"], "sent");
    assert_eq!(
        smtp.envelopes()[1],
        "help@example.com\njan.desk@example.com\n",
        "the envelope names the desk and the customer"
    );
    assert!(outbox(&env).is_empty(), "nothing waits once sent");
    // A copy of the store without this outbox (another clone) knows
    // nothing of the message, and says nothing rather than something wrong.
    let kept = env.root().join("outbox-kept");
    fs::rename(env.store().join(".local/outbox"), &kept).unwrap();
    let elsewhere = show(&env);
    assert_eq!(elsewhere["events"][1].get("delivery"), None);
    fs::rename(&kept, env.store().join(".local/outbox")).unwrap();

    // The customer answers the reply, the subject's tag gone: the
    // Message-ID threads it back.
    let answer = format!(
        "From: jan@example.com\r\nTo: help@example.com\r\nSubject: Re: Refund\r\n\
         Message-ID: <answer@example.com>\r\nIn-Reply-To: <{id}>\r\n\
         Date: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\nThanks, it came.\r\n"
    );
    let out = env
        .cmd(&["new", "--from-mail", "--json"])
        .now(&at(2, 0))
        .input(answer)
        .run();
    out.success();
    assert_eq!(out.json()["id"], ID_A, "{}", out.stdout);
    let kinds: Vec<String> = show(&env)["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| *k == "customer").count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(kinds.last().map(String::as_str), Some("customer"));
}

#[test]
fn acknowledgement_and_status_notice_go_through_the_outbox() {
    let Some(smtp) = server() else { return };
    let env = desk(&smtp.config());
    login_ticket(&env);
    env.cmd(&["--as", "ana", "resolve", "0b7c", "--note", "password reset"])
        .now(&at(1, 0))
        .run()
        .success();
    let got = smtp.received();
    assert_eq!(got.len(), 2, "{got:#?}");
    has_headers(
        &got[0],
        &[
            ("Auto-Submitted", "auto-replied"),
            ("Subject", "[#0b7c6f1e] Login fails"),
        ],
    );
    has_headers(
        &got[1],
        &[
            ("Auto-Submitted", "auto-generated"),
            ("Subject", "[#0b7c6f1e] Login fails (resolved)"),
        ],
    );
    assert_contains(&got[1], "password reset");
    for m in &got {
        assert!(
            header(m, "Message-ID").is_some_and(|id| id.ends_with("@example.com>")),
            "{m}"
        );
    }
}

#[test]
fn a_refusing_server_leaves_the_reply_queued_and_a_later_flush_sends_it_once() {
    let Some(smtp) = server() else { return };
    let env = desk(&smtp.config());
    login_ticket(&env);
    smtp.set(Mode::Refuse451);
    let out = env
        .cmd(&["--as", "ana", "reply", "0b7c", "Try again now."])
        .now(&at(1, 0))
        .run();
    out.success();
    assert_contains(&out.stderr, "451 4.3.0 try again later");
    assert_contains(&out.stderr, "it waits in the outbox");
    let waiting = outbox(&env);
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["kind"], "reply");
    assert_eq!(waiting[0]["attempts"], 1);
    assert!(waiting[0]["last_error"].as_str().unwrap().contains("451"));
    assert_eq!(
        waiting[0]["next_attempt"], "2026-11-02T09:01:00Z",
        "a minute's back-off"
    );
    assert_eq!(show(&env)["events"][1]["delivery"], "queued");
    let table = env.baton(&["outbox"]);
    assert!(
        table
            .stdout
            .contains("451 4.3.0 try again later (next try 2026-11-02 09:01 UTC)"),
        "{}",
        table.stdout
    );

    smtp.set(Mode::Accept);
    let early = env.cmd(&["outbox", "flush"]).now(&at(1, 0)).run();
    early.success();
    assert_contains(&early.stdout, "nothing was due");
    assert_eq!(smtp.received().len(), 1, "only the acknowledgement so far");
    let flushed = env.cmd(&["outbox", "flush"]).now(&at(1, 5)).run();
    flushed.success();
    assert_contains(&flushed.stdout, "sent reply");
    assert_contains(&flushed.stdout, "250 2.0.0 Ok: queued as 0002");
    env.cmd(&["outbox", "flush", "--all"])
        .now(&at(1, 6))
        .run()
        .success();
    let got = smtp.received();
    assert_eq!(got.len(), 2, "sent exactly once");
    assert!(got[1].contains("Try again now."));
    assert!(outbox(&env).is_empty());
    assert_eq!(show(&env)["events"][1]["delivery"], "sent");
}

#[test]
fn an_absent_or_stalled_server_delays_mail_but_loses_none() {
    let Some(smtp) = server() else { return };
    let env = TestEnv::team();
    // Nothing listens where a server was.
    let gone = Smtp::start();
    add_to_config(&env, &format!("{DESK}{}", gone.config()));
    drop(gone);
    login_ticket(&env);
    let waiting = outbox(&env);
    assert_eq!(waiting.len(), 1, "the acknowledgement waits");
    assert!(!waiting[0]["last_error"].as_str().unwrap().is_empty());
    // Point at the live server, stalled: the attempt times out (3 s).
    let path = env.store().join("baton.toml");
    let text = fs::read_to_string(&path).unwrap();
    let port_line = text
        .lines()
        .find(|l| l.starts_with("send = "))
        .unwrap()
        .to_string();
    fs::write(
        &path,
        text.replace(
            &port_line,
            &format!("send = \"smtp://127.0.0.1:{}\"", smtp.port),
        ),
    )
    .unwrap();
    smtp.set(Mode::Stall);
    let started = std::time::Instant::now();
    env.cmd(&["outbox", "flush", "--all"])
        .now(&at(1, 0))
        .run()
        .success();
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the timeout bounds a stalled server"
    );
    assert_eq!(outbox(&env)[0]["attempts"], 2);
    smtp.set(Mode::Accept);
    env.cmd(&["outbox", "flush"]).now(&at(2, 0)).run().success();
    assert_eq!(smtp.received().len(), 1);
    assert!(outbox(&env).is_empty());
}

#[test]
fn without_a_transport_the_reply_waits_and_says_so_until_one_is_configured() {
    let Some(smtp) = server() else { return };
    let env = desk("");
    login_ticket(&env);
    let out = env
        .cmd(&["--as", "ana", "reply", "0b7c", "On it."])
        .now(&at(1, 0))
        .run();
    out.success();
    assert_eq!(
        out.stderr
            .matches("waits in tickets/.local/outbox/")
            .count(),
        1,
        "said once: {}",
        out.stderr
    );
    assert_eq!(
        outbox(&env).len(),
        2,
        "the acknowledgement and the reply wait"
    );
    assert_eq!(show(&env)["events"][1]["delivery"], "queued");
    let shown = env.baton(&["show", ID_A]);
    assert!(
        shown
            .stdout
            .contains("replied to the customer (mail queued in the outbox)"),
        "{}",
        shown.stdout
    );
    let refused = env.baton(&["outbox", "flush"]);
    refused.code(2);
    assert_contains(&refused.stderr, "no [mail] send is configured");
    add_to_config(&env, &smtp.config());
    env.cmd(&["outbox", "flush"]).now(&at(1, 1)).run().success();
    let got = smtp.received();
    assert_eq!(got.len(), 2, "both sent once a transport is set");
    assert!(outbox(&env).is_empty());
    let shown = env.baton(&["show", ID_A]);
    assert_contains(&shown.stdout, "replied to the customer (mail sent)");
}

#[test]
fn a_message_that_keeps_failing_becomes_a_delivery_failed_event() {
    let Some(smtp) = server() else { return };
    let env = TestEnv::team();
    add_to_config(
        &env,
        &format!("{DESK}{}give_up_after = \"1h\"\n", smtp.config()),
    );
    login_ticket(&env);
    smtp.set(Mode::Refuse550);
    env.cmd(&["--as", "ana", "reply", "0b7c", "On it."])
        .now(&at(0, 10))
        .run()
        .success();
    assert_eq!(outbox(&env).len(), 1);
    let out = env
        .cmd(&["outbox", "flush", "--json"])
        .now(&at(1, 30))
        .run();
    out.success();
    assert_eq!(
        out.json()["messages"][0]["state"],
        "gave-up",
        "{}",
        out.stdout
    );
    assert!(outbox(&env).is_empty(), "given up, it waits no more");
    let doc = show(&env);
    let events = doc["events"].as_array().unwrap();
    let failed = events.last().unwrap();
    assert_eq!(failed["kind"], "delivery-failed");
    assert!(
        failed["note"]
            .as_str()
            .unwrap()
            .contains("550 5.1.1 mailbox unavailable")
    );
    assert_eq!(events[1]["delivery"], "failed");
    let shown = env.baton(&["show", ID_A]);
    assert_contains(&shown.stdout, "(MAIL FAILED)");
    env.baton(&["doctor"]).success();
    assert_eq!(smtp.received().len(), 1, "only the acknowledgement arrived");
}

/// A transaction killed after its ticket was saved but before its message
/// was made ready, and one killed before the ticket was saved: the next
/// flush sends the first and removes the second.
#[test]
fn a_flush_settles_what_a_killed_transaction_left_staged() {
    let Some(smtp) = server() else { return };
    let env = desk("");
    login_ticket(&env);
    let dir = env.store().join(".local/outbox");
    let ready = dir.join("0b7c6f1e5d1a4f7e9a533c2d1e0f9a84-0.toml");
    let text = fs::read_to_string(&ready).unwrap();
    fs::rename(
        &ready,
        dir.join("0b7c6f1e5d1a4f7e9a533c2d1e0f9a84-0.staged"),
    )
    .unwrap();
    // The event of this one was never saved: the ticket has one event.
    fs::write(
        dir.join("0b7c6f1e5d1a4f7e9a533c2d1e0f9a84-5.staged"),
        text.replace("event = 0", "event = 5")
            .replace("-0\"", "-5\""),
    )
    .unwrap();
    assert!(outbox(&env).is_empty(), "staged messages are not ready");
    add_to_config(&env, &smtp.config());
    env.cmd(&["outbox", "flush"]).now(&at(1, 0)).run().success();
    assert_eq!(
        smtp.received().len(),
        1,
        "the saved event's message went, once"
    );
    let left: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "sent.log")
        .collect();
    assert!(left.is_empty(), "nothing is left staged: {left:?}");
}

#[cfg(unix)]
#[test]
fn the_reply_hook_gets_the_outgoing_message_and_its_state() {
    use std::os::unix::fs::PermissionsExt;
    let env = desk("");
    login_ticket(&env);
    let hook = env.store().join(".local/hooks/reply");
    fs::create_dir_all(hook.parent().unwrap()).unwrap();
    fs::write(&hook, "#!/bin/sh\ncat > \"$LOG/payload.json\"\n").unwrap();
    fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
    env.cmd(&["--as", "ana", "reply", "0b7c", "On it."])
        .now(&at(1, 0))
        .env("LOG", env.root())
        .run()
        .success();
    let payload: Value =
        serde_json::from_str(&fs::read_to_string(env.root().join("payload.json")).unwrap())
            .unwrap();
    assert_eq!(
        payload["message"],
        Value::Null,
        "the hook message stays as it was"
    );
    let o = &payload["outgoing"];
    assert_eq!(o["kind"], "reply");
    assert_eq!(o["state"], "queued");
    assert_eq!(o["id"], "0b7c6f1e5d1a4f7e9a533c2d1e0f9a84-1");
    assert_eq!(o["message_id"], payload["event"]["message_id"]);
    assert!(o["mail"].as_str().unwrap().contains("\n\nOn it.\n"), "{o}");
}

#[test]
fn outbox_drop_discards_a_message_unsent() {
    let env = desk("");
    login_ticket(&env);
    let id = outbox(&env)[0]["id"].as_str().unwrap().to_string();
    assert_eq!(id, "0b7c6f1e5d1a4f7e9a533c2d1e0f9a84-0");
    let out = env.baton(&["outbox", "drop", "0b7c6f1e"]);
    out.success();
    assert_eq!(out.stdout, format!("dropped ack {id} to jan@example.com\n"));
    assert!(outbox(&env).is_empty());
    let again = env.baton(&["outbox", "drop", "0b7c6f1e"]);
    again.code(1);
    assert_contains(&again.stderr, "hint: 'baton outbox' lists");
}

#[test]
fn mail_test_prints_what_the_server_said() {
    let Some(smtp) = server() else { return };
    let env = desk(&smtp.config());
    let out = env.baton(&["mail", "test", "me@example.org"]);
    out.success();
    assert_eq!(out.stdout, "accepted: 250 2.0.0 Ok: queued as 0001\n");
    has_headers(&smtp.received()[0], &[("Subject", "baton mail test")]);
    smtp.set(Mode::Refuse550);
    let out = env.baton(&["mail", "test", "me@example.org"]);
    out.code(1);
    assert_contains(&out.stderr, "refused: 550");
    assert_contains(&out.stderr, "mailbox unavailable");
}

#[test]
fn starttls_required_refuses_a_server_that_offers_none_and_sends_nothing() {
    let Some(smtp) = server() else { return };
    let env = TestEnv::team();
    add_to_config(
        &env,
        &format!("{DESK}{}", smtp.config())
            .replace("starttls = \"never\"", "starttls = \"required\""),
    );
    let out = env.baton(&["mail", "test", "me@example.org"]);
    out.code(1);
    assert_contains(&out.stderr, "refused:");
    assert!(smtp.received().is_empty(), "nothing goes in the clear");
}

#[test]
fn a_password_in_the_tracked_config_is_refused() {
    let env = TestEnv::team();
    add_to_config(
        &env,
        "\n[mail]\nsend = \"smtp://desk@mail.example.com\"\npassword = \"hunter2\"\n",
    );
    let out = env.baton(&["outbox"]);
    out.code(1);
    assert_contains(&out.stderr, "baton.toml");
    assert_contains(&out.stderr, "password_env");
}

#[test]
fn a_sendmail_command_gets_the_whole_message_on_stdin() {
    let env = TestEnv::team();
    let script = env.root().join("fake-sendmail");
    let sink = env.root().join("sent");
    fs::create_dir(&sink).unwrap();
    fs::write(
        &script,
        format!(
            "#!/bin/sh\nf=$(mktemp {}/m.XXXXXX)\ncat > \"$f\"\necho \"$@\" > \"$f.args\"\n",
            sink.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    }
    add_to_config(
        &env,
        &format!("{DESK}\n[mail]\nsend = \"{} -t -oi\"\n", script.display()),
    );
    login_ticket(&env);
    let files: BTreeMap<_, _> = fs::read_dir(&sink)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.clone(), fs::read_to_string(p).unwrap())
        })
        .collect();
    let (args, mail): (Vec<_>, Vec<_>) = files
        .iter()
        .partition(|(p, _)| p.to_string_lossy().ends_with(".args"));
    assert_eq!(args.len(), 1);
    assert_eq!(args[0].1, "-t -oi\n");
    assert!(
        mail[0]
            .1
            .starts_with("From: Acme Support <help@example.com>\nTo: jan@example.com\n"),
        "{}",
        mail[0].1
    );
    assert!(outbox(&env).is_empty());
    // A command that fails keeps the message with its words.
    fs::write(&script, "#!/bin/sh\necho 'relay denied' >&2\nexit 75\n").unwrap();
    env.cmd(&["--as", "ana", "reply", "0b7c", "On it."])
        .now(&at(1, 0))
        .run()
        .success();
    let waiting = outbox(&env);
    assert!(
        waiting[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("relay denied"),
        "{waiting:?}"
    );
}

/// Kills `baton outbox flush` at random points over many rounds: every
/// message arrives, and a message arrives twice only when a kill fell in
/// the window between the server's acceptance and the message's removal
/// (at most once per kill).
#[test]
fn a_flush_killed_at_random_points_loses_nothing_and_doubles_only_in_the_window() {
    let Some(smtp) = server() else { return };
    let env = desk("");
    login_ticket(&env);
    for n in 0..12 {
        env.cmd(&[
            "--as",
            "ana",
            "reply",
            "0b7c",
            &format!("Reply number {n}."),
        ])
        .now(&at(1, n))
        .run()
        .success();
    }
    let queued: Vec<String> = outbox(&env)
        .iter()
        .map(|q| q["message_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(queued.len(), 13);
    add_to_config(&env, &smtp.config());
    let mut kills = 0;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..150 {
        if outbox(&env).is_empty() {
            break;
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut child = env
            .cmd(&["outbox", "flush"])
            .now(&at(3, 0))
            .command()
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(20 + seed % 200));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        assert!(round < 149, "the outbox never emptied");
    }
    env.cmd(&["outbox", "flush", "--all"])
        .now(&at(4, 0))
        .run()
        .success();
    assert!(outbox(&env).is_empty());
    let mut got: BTreeMap<String, usize> = BTreeMap::new();
    for m in smtp.received() {
        let id = header(&m, "Message-ID").unwrap();
        *got.entry(id.trim_matches(['<', '>']).to_string())
            .or_default() += 1;
    }
    for id in &queued {
        assert!(got.contains_key(id), "lost {id}");
    }
    assert_eq!(got.len(), queued.len(), "nothing unknown arrived");
    let doubled: usize = got.values().map(|n| n - 1).sum();
    assert!(kills > 0, "no flush was killed: the test tested nothing");
    eprintln!("{kills} kills, {doubled} messages sent twice");
    assert!(
        doubled <= kills,
        "{doubled} resent with {kills} kills: {got:?}"
    );
}

#[test]
fn saved_replies_are_listed_and_filled_in() {
    let Some(smtp) = server() else { return };
    let env = desk(&smtp.config());
    jan_writes(&env);
    let none = env.baton(&["replies"]);
    none.success();
    assert!(
        none.stdout.starts_with("no saved replies yet"),
        "{}",
        none.stdout
    );
    fs::create_dir(env.store().join("replies")).unwrap();
    fs::write(
        env.store().join("replies/refund.md"),
        "Hello {name},\n\nyour ticket #{id} is with {owner}; expect word by {deadline}.\n",
    )
    .unwrap();
    fs::write(env.store().join("replies/thanks.md"), "Thank you!\n").unwrap();
    let listed = env.baton(&["replies"]);
    assert_eq!(listed.stdout, "refund\nthanks\n");
    env.cmd(&["--as", "ana", "reply", "0b7c", "--template", "refund"])
        .now(&at(1, 0))
        .run()
        .success();
    let reply = smtp.received().pop().unwrap();
    assert!(
        reply.contains("Hello Jan Kowalski,\r\n\r\nyour ticket #0b7c6f1e is with "),
        "{reply}"
    );
    assert!(
        reply.contains("expect word by Tuesday 3 November 2026"),
        "{reply}"
    );
    // At a terminal the filled-in reply opens in the editor first.
    let editor = env.root().join("editor");
    fs::write(
        &editor,
        "#!/bin/sh\ncp \"$1\" \"$DIR/seen\"\nprintf 'Thank you!\\nAnd welcome.\\n' > \"$1\"\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&editor, fs::Permissions::from_mode(0o755)).unwrap();
        let p = env
            .cmd(&["--as", "ana", "reply", "0b7c", "--template", "thanks"])
            .now(&at(1, 5))
            .env("VISUAL", editor.display().to_string())
            .env("DIR", env.root())
            .pty();
        let (rest, code) = crate::common::finish(p);
        assert_eq!(code, 0, "{rest}");
        let seen = fs::read_to_string(env.root().join("seen")).unwrap();
        assert!(seen.starts_with("Thank you!\n"), "{seen}");
        let sent = smtp.received().pop().unwrap();
        assert!(
            sent.contains("\r\n\r\nThank you!\r\nAnd welcome.\r\n"),
            "{sent}"
        );
    }
    let missing = env.baton(&["--as", "ana", "reply", "0b7c", "--template", "nope"]);
    missing.code(1);
    assert!(
        missing
            .stderr
            .contains("hint: the saved replies are: refund, thanks"),
        "{}",
        missing.stderr
    );
}
