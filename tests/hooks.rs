//! Hooks: run after every kind of change with the event and ticket as JSON,
//! only from untracked places, never undoing a change when they fail or hang;
//! and the sendmail hook of docs/hooks.md, run against a fake `sendmail`.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{TestEnv, at};
use crate::mail::fixture;

/// Writes an executable shell script.
fn script(path: &Path, body: &str) -> PathBuf {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
    path.to_path_buf()
}

/// The store's hook folder.
fn hooks(env: &TestEnv) -> PathBuf {
    env.store().join(".local/hooks")
}

/// A folder for hooks to write into, passed to them as `$LOG`.
fn log_dir(env: &TestEnv) -> PathBuf {
    let dir = env.root().join("log");
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Appends a line to the team config.
fn configure(env: &TestEnv, text: &str) {
    let path = env.store().join("baton.toml");
    let old = fs::read_to_string(&path).unwrap();
    fs::write(path, format!("{old}\n{text}")).unwrap();
}

/// Records each run: `$LOG/events` gets the event and ticket, and the last
/// payload and `BATON_MESSAGE` of each event are kept.
const RECORDER: &str = r#"echo "$BATON_EVENT $BATON_TICKET" >> "$LOG/events"
cat > "$LOG/$BATON_EVENT.json"
printf '%s' "${BATON_MESSAGE-unset}" > "$LOG/$BATON_EVENT.message""#;

const KINDS: &[&str] = &[
    "created",
    "handoff",
    "escalated",
    "status",
    "reply",
    "note",
    "customer",
    "edited",
    "rated",
    "time",
];

#[test]
fn every_change_runs_its_event_s_hook_with_the_event_and_ticket() {
    let env = TestEnv::team();
    let log = log_dir(&env);
    for kind in KINDS {
        script(&hooks(&env).join(kind), RECORDER);
    }
    let run = |who: &str, args: &[&str]| {
        let mut all = vec!["--as", who];
        all.extend_from_slice(args);
        let out = env.cmd(&all).env("LOG", &log).run();
        out.success();
        out
    };
    let new = run(
        "ana",
        &["new", "Refund", "--customer", "Jan <jan@example.com>"],
    );
    let id = new.stdout.trim().to_string();
    assert_eq!(new.stdout, format!("{id}\n"), "stdout stays baton's own");
    let created: Value =
        serde_json::from_str(&fs::read_to_string(log.join("created.json")).unwrap()).unwrap();
    assert_eq!(created["event"]["kind"], "created");
    assert_eq!(created["event"]["by"], "ana");
    assert_eq!(created["ticket"]["id"], id.as_str());
    assert_eq!(created["ticket"]["customer"], "Jan <jan@example.com>");
    assert_eq!(created["ticket"]["due"], "2026-11-03T04:00:00Z");
    assert_eq!(created["ticket"]["events"].as_array().unwrap().len(), 1);
    assert_eq!(created["message"]["kind"], "ack");
    assert_eq!(created["message"]["to"], "jan@example.com");
    assert!(
        created["message"]["text"]
            .as_str()
            .unwrap()
            .contains("an answer by Tuesday 3 November 2026, 04:00 UTC")
    );
    assert_eq!(
        created["store"],
        fs::canonicalize(env.store())
            .unwrap()
            .display()
            .to_string()
            .as_str()
    );
    assert_eq!(
        fs::read_to_string(log.join("created.message")).unwrap(),
        created["message"]["mail"].as_str().unwrap(),
        "BATON_MESSAGE is the rendered mail"
    );

    run("ana", &["pass", &id, "ben", "--note", "billing"]);
    run("ben", &["reply", &id, "Looking into it"]);
    run("ben", &["note", &id, "bank says Friday"]);
    run("ben", &["edit", &id, "--priority", "high"]);
    run("ben", &["log", &id, "20m"]);
    run("ben", &["wait", &id]);
    run("ben", &["resolve", &id, "--note", "refund sent"]);
    run("ben", &["rate", &id, "5"]);
    let status: Value =
        serde_json::from_str(&fs::read_to_string(log.join("status.json")).unwrap()).unwrap();
    assert_eq!(status["event"]["to"], "resolved");
    assert_eq!(status["message"]["kind"], "status");
    assert_eq!(
        status["message"]["subject"],
        format!("[#{}] Refund (resolved)", &id[..8])
    );
    assert!(
        status["message"]["text"]
            .as_str()
            .unwrap()
            .contains("is now resolved.\nrefund sent\n")
    );
    let handoff: Value =
        serde_json::from_str(&fs::read_to_string(log.join("handoff.json")).unwrap()).unwrap();
    assert_eq!(handoff["message"], Value::Null);
    assert_eq!(
        fs::read_to_string(log.join("handoff.message")).unwrap(),
        "unset",
        "no BATON_MESSAGE without a message"
    );
    run("ben", &["reopen", &id]);
    let sweep = env
        .cmd(&["escalate"])
        .env("LOG", &log)
        .now(&at(21, 0))
        .run();
    sweep.success();
    let escalated: Value =
        serde_json::from_str(&fs::read_to_string(log.join("escalated.json")).unwrap()).unwrap();
    assert_eq!(escalated["event"]["by"], "baton");
    assert_eq!(escalated["ticket"]["owner"], "cora");

    // Taking a ticket one already owns changes nothing and runs nothing.
    run("cora", &["take", &id]);

    let events: Vec<String> = fs::read_to_string(log.join("events"))
        .unwrap()
        .lines()
        .map(|l| {
            assert!(l.ends_with(&id), "{l}");
            l.split(' ').next().unwrap().to_string()
        })
        .collect();
    assert_eq!(
        events,
        [
            "created",
            "handoff",
            "reply",
            "note",
            "edited",
            "time",
            "status",
            "status",
            "rated",
            "status",
            "escalated"
        ]
    );
}

#[test]
fn mail_intake_runs_the_hooks_of_each_event_it_appends() {
    let env = TestEnv::team();
    let log = log_dir(&env);
    for kind in KINDS {
        script(&hooks(&env).join(kind), RECORDER);
    }
    let deliver = |name: &str| {
        let out = env
            .cmd(&["new", "--from-mail"])
            .env("LOG", &log)
            .input(fixture(name))
            .run();
        out.success();
        out
    };
    deliver("plain.eml");
    let created: Value =
        serde_json::from_str(&fs::read_to_string(log.join("created.json")).unwrap()).unwrap();
    assert_eq!(
        created["event"]["message_id"],
        "CAF=3kT9x1Zq@mail.gmail.com"
    );
    assert_eq!(created["event"]["ack"], "jan.kowalski@example.com");
    assert_eq!(
        created["message"]["in_reply_to"],
        "CAF=3kT9x1Zq@mail.gmail.com"
    );
    let id = created["ticket"]["id"].as_str().unwrap().to_string();
    env.baton_as("ana", &["wait", &id]).success();
    deliver("reply-in-reply-to.eml");
    let customer: Value =
        serde_json::from_str(&fs::read_to_string(log.join("customer.json")).unwrap()).unwrap();
    assert_eq!(
        customer["event"]["text"],
        "Any news? It has been three days."
    );
    assert_eq!(customer["message"], Value::Null);
    let status: Value =
        serde_json::from_str(&fs::read_to_string(log.join("status.json")).unwrap()).unwrap();
    assert_eq!(
        (&status["event"]["from"], &status["event"]["to"]),
        (&Value::from("waiting"), &Value::from("open"))
    );
    assert_eq!(
        status["message"],
        Value::Null,
        "a reopening by mail is not announced to the one who wrote"
    );
    let events = fs::read_to_string(log.join("events")).unwrap();
    assert_eq!(
        events,
        format!("created {id}\ncustomer {id}\nstatus {id}\n"),
        "the `wait` above ran without LOG, so its hook wrote nowhere"
    );
}

#[test]
fn user_hooks_run_after_the_store_s_and_xdg_config_home_wins_over_home() {
    let env = TestEnv::team();
    let log = log_dir(&env);
    let line = |who: &str| format!("echo {who} >> \"$LOG/ran\"");
    script(&hooks(&env).join("created"), &line("store"));
    script(
        &env.root().join(".config/baton/hooks/created"),
        &line("home"),
    );
    script(&env.root().join("xdg/baton/hooks/created"), &line("xdg"));
    env.cmd(&["--as", "ana", "new", "One"])
        .env("LOG", &log)
        .run()
        .success();
    env.cmd(&["--as", "ana", "new", "Two"])
        .env("LOG", &log)
        .env("XDG_CONFIG_HOME", env.root().join("xdg"))
        .run()
        .success();
    assert_eq!(
        fs::read_to_string(log.join("ran")).unwrap(),
        "store\nhome\nstore\nxdg\n"
    );
}

#[test]
fn a_hook_that_runs_baton_itself_finds_the_store_unlocked() {
    let env = TestEnv::team();
    script(
        &hooks(&env).join("created"),
        r#""$BATON_BIN" --as ana note "$BATON_TICKET" "seen by the hook""#,
    );
    let out = env
        .cmd(&["--as", "ana", "new", "Refund"])
        .env("BATON_BIN", env!("CARGO_BIN_EXE_baton"))
        .run();
    out.success();
    let id = out.stdout.trim();
    let events = env.events(id);
    assert_eq!(events.len(), 2, "{:?}", out.stderr);
    assert_eq!(events[1]["text"].as_str(), Some("seen by the hook"));
}

#[test]
fn a_failing_hook_is_a_warning_and_the_change_stands() {
    let env = TestEnv::team();
    script(
        &hooks(&env).join("created"),
        "echo 'cannot reach the chat server'; exit 3",
    );
    let out = env.baton_as("ana", &["new", "Refund"]);
    out.success();
    let id = out.stdout.trim();
    assert_eq!(out.stdout, format!("{id}\n"));
    assert_eq!(env.ticket_ids(), [id]);
    let short = &id[..4];
    assert_eq!(
        out.stderr,
        format!(
            "cannot reach the chat server\n\
             warning: hook tickets/.local/hooks/created exited with status 3; the change to {short} is saved all the same\n\
             hint: run the hook by hand with the payload to see why (see docs/hooks.md)\n\
             created {short}, owned by ana\n"
        ),
        "the hook's own output goes to stderr, then the warning"
    );
}

#[test]
fn a_hook_past_its_timeout_is_stopped_and_the_change_stands() {
    let env = TestEnv::team();
    configure(&env, "[hooks]\ntimeout = \"1s\"\n");
    let log = log_dir(&env);
    script(
        &hooks(&env).join("created"),
        "sleep 30 & sleep 30\necho finished > \"$LOG/finished\"",
    );
    let started = Instant::now();
    let out = env
        .cmd(&["--as", "ana", "new", "Refund"])
        .env("LOG", &log)
        .run();
    let took = started.elapsed();
    out.success();
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(env.ticket_ids().len(), 1);
    assert!(
        out.stderr.contains(
            "warning: hook tickets/.local/hooks/created did not finish within 1s and was stopped; the change to"
        ),
        "{}",
        out.stderr
    );
    assert!(!log.join("finished").exists());
}

/// Runs git in `root` with a sealed environment.
fn git_in(root: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(root)
        .env_clear()
        .env("PATH", crate::common::host_path())
        .env("HOME", root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "ana")
        .env("GIT_AUTHOR_EMAIL", "ana@example.com")
        .env("GIT_COMMITTER_NAME", "ana")
        .env("GIT_COMMITTER_EMAIL", "ana@example.com")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// The command succeeded, its hook did not run, and stderr says why.
#[track_caller]
fn refused(out: &crate::common::Output, log: &Path, warning: &str) {
    out.success();
    assert!(!log.join("ran").exists(), "the hook ran: {}", out.stderr);
    assert!(out.stderr.contains(warning), "{}", out.stderr);
}

#[test]
fn a_hook_git_cannot_vouch_for_is_refused_not_run() {
    let env = TestEnv::empty();
    let root = env.root();
    git_in(root, &["init", "-q", "-b", "main"]);
    env.baton(&["init", "--name", "ana"]).success();
    let log = log_dir(&env);
    // A hook forced into the repository, as a hostile clone brings it.
    script(&hooks(&env).join("created"), "echo ran >> \"$LOG/ran\"");
    git_in(root, &["add", "-A"]);
    git_in(root, &["add", "-f", "tickets/.local/hooks/created"]);
    git_in(root, &["commit", "-q", "-m", "hooks"]);

    // git is not on PATH: nothing can say the hook is untracked.
    let empty = root.join("no-git-here");
    fs::create_dir_all(&empty).unwrap();
    let out = env
        .cmd(&["new", "Refund"])
        .env("LOG", &log)
        .env("PATH", &empty)
        .run();
    refused(
        &out,
        &log,
        "warning: hook tickets/.local/hooks/created cannot be proved untracked (cannot run git",
    );

    // git refuses the repository (another user owns it: "dubious
    // ownership"). Only root can hand a folder to another user.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped the dubious-ownership half: it needs root to chown");
        return;
    }
    let chown = std::process::Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(root.join(".git"))
        .status()
        .unwrap();
    assert!(chown.success());
    let out = env
        .cmd(&["--store", "tickets", "new", "Refund"])
        .env("LOG", &log)
        .run();
    refused(&out, &log, "warning: hook tickets/.local/hooks/created ");
}

#[test]
fn hooks_never_run_from_tracked_files_or_without_the_executable_bit() {
    let env = TestEnv::empty();
    let root = env.root();
    let git = |args: &[&str]| git_in(root, args);
    git(&["init", "-q", "-b", "main"]);
    env.baton(&["init", "--name", "ana"]).success();
    let log = log_dir(&env);
    let marker = |name: &str| format!("echo {name} >> \"$LOG/ran\"");
    // A hook folder committed to the repository, as a clone would bring it.
    script(&env.store().join("hooks/created"), &marker("committed"));
    // A hook in the right place, but forced into git.
    script(&hooks(&env).join("created"), &marker("forced"));
    git(&["add", "-A"]);
    git(&["add", "-f", "tickets/.local/hooks/created"]);
    git(&["commit", "-q", "-m", "hooks"]);
    let out = env.cmd(&["new", "Refund"]).env("LOG", &log).run();
    out.success();
    assert!(!log.join("ran").exists(), "no hook ran: {}", out.stderr);
    assert!(
        out.stderr.contains(
            "warning: hook tickets/.local/hooks/created is tracked by git, and hooks never run from tracked files; it was not run\n"
        ),
        "{}",
        out.stderr
    );

    git(&["rm", "-q", "--cached", "tickets/.local/hooks/created"]);
    let ok = env.cmd(&["new", "Refund"]).env("LOG", &log).run();
    ok.success();
    assert_eq!(
        fs::read_to_string(log.join("ran")).unwrap(),
        "forced\n",
        "untracked again, it runs; the committed folder never does"
    );

    fs::set_permissions(
        hooks(&env).join("created"),
        fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let plain = env.cmd(&["new", "Refund"]).env("LOG", &log).run();
    plain.success();
    assert!(
        plain
            .stderr
            .contains("is not executable (make it so with chmod +x); it was not run"),
        "{}",
        plain.stderr
    );
    assert_eq!(fs::read_to_string(log.join("ran")).unwrap(), "forced\n");
}

/// The sendmail hook exactly as docs/hooks.md gives it.
fn documented_sendmail_hook() -> String {
    let doc =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/hooks.md")).unwrap();
    let start = doc
        .find("```sh\n#!/bin/sh\n# Mail the customer")
        .expect("docs/hooks.md has the sendmail hook");
    let body = &doc[start + "```sh\n".len()..];
    body[..body.find("```").unwrap()].to_string()
}

#[test]
fn the_documented_sendmail_hook_mails_the_customer_the_ack_and_status_changes() {
    let env = TestEnv::team();
    configure(
        &env,
        "[intake]\naddress = \"Acme Support <help@example.com>\"\n",
    );
    let hook = documented_sendmail_hook();
    for event in ["created", "status"] {
        let path = hooks(&env).join(event);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &hook).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }
    // A sendmail that keeps what it is given: its arguments, then the message.
    let outbox = env.root().join("outbox");
    fs::create_dir_all(&outbox).unwrap();
    script(
        &env.root().join("bin/sendmail"),
        r#"n=$(ls "$OUTBOX" | wc -l | tr -d ' ')
{ echo "ARGS: $*"; cat; } > "$OUTBOX/$n""#,
    );
    let path = format!(
        "{}:{}",
        env.root().join("bin").display(),
        crate::common::host_path().to_string_lossy()
    );
    let run = |args: &[&str], input: Option<Vec<u8>>| {
        let mut cmd = env.cmd(args).env("PATH", &path).env("OUTBOX", &outbox);
        if let Some(bytes) = input {
            cmd = cmd.input(bytes);
        }
        let out = cmd.run();
        out.success();
        assert!(!out.stderr.contains("warning"), "{}", out.stderr);
        out
    };
    let sent = |n: usize| fs::read_to_string(outbox.join(n.to_string())).unwrap();

    let out = run(&["new", "--from-mail"], Some(fixture("plain.eml")));
    let short = out.stdout.split_whitespace().nth(1).unwrap().to_string();
    let tag = &env.ticket_ids()[0][..8];
    let ack = sent(0);
    assert!(
        ack.starts_with(&format!(
            "ARGS: -t -oi\n\
             From: Acme Support <help@example.com>\n\
             To: jan.kowalski@example.com\n\
             Subject: [#{tag}] Refund for double charge not received\n\
             In-Reply-To: <CAF=3kT9x1Zq@mail.gmail.com>\n"
        )),
        "{ack}"
    );
    assert!(ack.contains("\nAuto-Submitted: auto-replied\n"), "{ack}");
    assert!(
        ack.contains("ana is looking after it, and you can expect\nan answer by Tuesday 3 November 2026, 04:00 UTC.\n"),
        "{ack}"
    );

    run(
        &[
            "--as",
            "ana",
            "resolve",
            &short,
            "--note",
            "The refund was sent today.",
        ],
        None,
    );
    let notice = sent(1);
    assert!(
        notice.contains(&format!(
            "\nTo: jan.kowalski@example.com\nSubject: [#{tag}] Refund for double charge not received (resolved)\n"
        )),
        "{notice}"
    );
    assert!(
        notice.contains("is now resolved.\nThe refund was sent today.\n"),
        "{notice}"
    );

    // The customer's answer reopens the ticket: filed, but nobody is mailed.
    run(
        &["new", "--from-mail"],
        Some(fixture("reply-in-reply-to.eml")),
    );
    // Automatic mail is kept aside, not filed, and not acknowledged.
    run(&["new", "--from-mail"], Some(fixture("newsletter.eml")));
    // A ticket without an address runs the hook, which sends nothing.
    run(
        &["--as", "ana", "new", "Phone call", "--customer", "acme"],
        None,
    );
    assert_eq!(fs::read_dir(&outbox).unwrap().count(), 2);
}
