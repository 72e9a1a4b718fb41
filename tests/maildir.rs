//! `baton intake --maildir`: a real Maildir filled with the fixture messages
//! is filed exactly once, each message moved to `cur/` only after it was
//! filed or kept, across runs killed at random moments; nothing new prints
//! nothing; a locked store leaves the mail in `new/` with exit 75.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use crate::common::{Output, TestEnv};
use crate::mail::fixture;
use crate::stress::Lcg;

/// Every fixture message's name, sorted.
fn fixture_names() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mail");
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".eml"))
        .collect();
    names.sort();
    names
}

/// A Maildir in the test folder, its `new/` holding `messages` under
/// Maildir-style unique names in their order.
fn maildir(env: &TestEnv, messages: &[Vec<u8>]) -> PathBuf {
    let dir = env.root().join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        fs::create_dir_all(dir.join(sub)).unwrap();
    }
    for (n, raw) in messages.iter().enumerate() {
        let name = format!("17330{n:05}.M{n}P1.mx.example,S={}", raw.len());
        fs::write(dir.join("new").join(name), raw).unwrap();
    }
    dir
}

/// The fixture messages, in the order of their names.
fn fixtures() -> Vec<Vec<u8>> {
    fixture_names().iter().map(|n| fixture(n)).collect()
}

/// The names in one of the Maildir's folders, sorted.
fn names_in(dir: &Path, sub: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.join(sub))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

fn intake(env: &TestEnv, dir: &Path, flags: &[&str]) -> Output {
    let mut args: Vec<&str> = flags.to_vec();
    args.extend(["intake", "--maildir", dir.to_str().unwrap()]);
    env.baton(&args)
}

/// What the store holds, without ids, times or the cache: each ticket's
/// title, customer and event kinds, and the files kept in `.local/`. Two
/// stores that filed the same mail once each hold the same.
fn filed(env: &TestEnv) -> (Vec<String>, Vec<String>) {
    let mut tickets: Vec<String> = env
        .ticket_ids()
        .iter()
        .map(|id| {
            let kinds: Vec<String> = env
                .events(id)
                .iter()
                .map(|e| e["kind"].as_str().unwrap().to_string())
                .collect();
            format!(
                "{} | {} | {}",
                env.field(id, "title"),
                env.field(id, "customer"),
                kinds.join(",")
            )
        })
        .collect();
    tickets.sort();
    // Automatic mail is kept under its digest; rejected mail under a name
    // of its own, so only how many were rejected compares. A temp file a
    // killed write left is no message (every reader ignores it).
    let names = |folder: &str| -> Vec<String> {
        fs::read_dir(env.store().join(".local").join(folder))
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.starts_with(".baton-"))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut kept = names("automatic");
    kept.sort();
    let rejected = names("rejected").len();
    kept.push(format!("{rejected} files in rejected/"));
    (tickets, kept)
}

/// The store's files and bytes, without the cache (rewriting it is no change).
fn store_files(env: &TestEnv) -> BTreeMap<PathBuf, Vec<u8>> {
    let cache = env.store().join(".local/cache");
    env.store_bytes()
        .into_iter()
        .filter(|(p, _)| !p.starts_with(&cache))
        .collect()
}

#[test]
fn a_maildir_of_real_mail_is_filed_as_new_from_mail_files_each_message() {
    let env = TestEnv::team();
    let messages = fixtures();
    let dir = maildir(&env, &messages);
    let out = intake(&env, &dir, &["--json"]);
    out.success();
    let docs = out.json();
    let docs = docs.as_array().unwrap();
    assert_eq!(docs.len(), messages.len(), "one document a message");

    // The same messages, one by one through `new --from-mail`.
    let one_by_one = TestEnv::team();
    for (raw, doc) in messages.iter().zip(docs) {
        let alone = one_by_one
            .cmd(&["new", "--from-mail", "--json"])
            .input(raw.clone())
            .run();
        alone.success();
        let alone = alone.json();
        assert_eq!(
            doc["intake"]["action"], alone["intake"]["action"],
            "{}",
            doc["intake"]["file"]
        );
        assert_eq!(doc["title"], alone["title"]);
    }
    assert_eq!(filed(&env), filed(&one_by_one));

    assert!(names_in(&dir, "new").is_empty(), "new/ is empty");
    let cur = names_in(&dir, "cur");
    assert_eq!(cur.len(), messages.len());
    assert!(cur.iter().all(|n| n.ends_with(":2,S")), "{cur:?}");
    let files: Vec<&str> = docs
        .iter()
        .map(|d| d["intake"]["file"].as_str().unwrap())
        .collect();
    assert!(cur.contains(&format!("{}:2,S", files[0])));
}

#[test]
fn nothing_new_prints_nothing_and_changes_nothing() {
    let env = TestEnv::team();
    let dir = maildir(&env, &[fixture("plain.eml")]);
    intake(&env, &dir, &[]).success();
    let before = store_files(&env);
    let again = intake(&env, &dir, &[]);
    again.success();
    assert_eq!(again.render(), "[exit 0]", "silent, as cron wants it");
    assert_eq!(store_files(&env), before);
    // A message being written in tmp/ and a dot file in new/ are not mail yet.
    fs::write(dir.join("tmp/1733.M9P9.mx.example"), fixture("base64.eml")).unwrap();
    fs::write(dir.join("new/.mbsyncstate"), "x").unwrap();
    assert_eq!(intake(&env, &dir, &[]).render(), "[exit 0]");
    assert_eq!(intake(&env, &dir, &["--json"]).stdout, "[]\n");
    assert_eq!(store_files(&env), before);
}

#[test]
fn a_message_filed_but_not_yet_moved_is_recognised_and_only_moved() {
    let env = TestEnv::team();
    let names = [
        "plain.eml",
        "ooo-gmail.eml",
        "garbage.eml",
        "no-message-id.eml",
    ];
    let messages: Vec<Vec<u8>> = names.iter().map(|n| fixture(n)).collect();
    let dir = maildir(&env, &messages);
    let first = intake(&env, &dir, &[]);
    first.success();
    let before = store_files(&env);
    // As if each run had been killed between filing and moving, and the
    // rejected message's run between writing its .eml and its .reason.
    let reasons: Vec<PathBuf> = ["automatic", "rejected"]
        .iter()
        .flat_map(|f| fs::read_dir(env.store().join(".local").join(f)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "reason"))
        .collect();
    assert_eq!(reasons.len(), 2);
    for reason in &reasons {
        fs::remove_file(reason).unwrap();
    }
    for seen in names_in(&dir, "cur") {
        let unique = seen.strip_suffix(":2,S").unwrap();
        fs::rename(dir.join("cur").join(&seen), dir.join("new").join(unique)).unwrap();
    }
    let again = intake(&env, &dir, &[]);
    again.success();
    assert_eq!(
        store_files(&env),
        before,
        "nothing is filed twice, and each reason is written"
    );
    let lines: Vec<&str> = again.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", again.render());
    assert!(lines[0].ends_with("already holds this message; nothing was added"));
    assert!(
        lines[1].starts_with("kept auto-reply"),
        "{}",
        again.render()
    );
    assert!(lines[2].ends_with("already holds this message; nothing was added"));
    assert!(
        again
            .stderr
            .starts_with("not filed: the input is not an e-mail message"),
        "{}",
        again.stderr
    );
    assert!(names_in(&dir, "new").is_empty());
    assert_eq!(names_in(&dir, "cur").len(), names.len());
}

#[test]
fn a_locked_store_leaves_the_mail_in_new_with_exit_75() {
    let env = TestEnv::team();
    env.edit_config("[sla]", "[store]\nlock_timeout = \"1s\"\n\n[sla]");
    let dir = maildir(&env, &[fixture("plain.eml"), fixture("base64.eml")]);
    let lock = fs::File::create(env.store().join(".local/lock")).unwrap();
    lock.lock().unwrap();
    let out = intake(&env, &dir, &[]);
    out.code(75);
    assert!(out.stdout.is_empty(), "{}", out.render());
    assert!(
        out.stderr.contains(&format!(
            "2 message(s) stay in {}",
            dir.join("new").display()
        )),
        "{}",
        out.stderr
    );
    assert_eq!(names_in(&dir, "new").len(), 2);
    assert!(names_in(&dir, "cur").is_empty());
    assert!(env.ticket_ids().is_empty());
    drop(lock);
    intake(&env, &dir, &[]).success();
    assert_eq!(env.ticket_ids().len(), 2, "the next run files them");
}

#[test]
fn a_team_config_that_cannot_be_read_leaves_the_mail_in_new_with_exit_75() {
    let env = TestEnv::team();
    let dir = maildir(&env, &[fixture("plain.eml")]);
    env.edit_config("[sla]", "[sla\n");
    let out = intake(&env, &dir, &[]);
    out.code(75);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert_eq!(names_in(&dir, "new").len(), 1, "nothing went to rejected/");
    assert!(!env.store().join(".local/rejected").exists());
}

#[test]
fn a_folder_that_is_not_a_maildir_is_refused_by_its_path() {
    let env = TestEnv::team();
    let half = env.root().join("half");
    fs::create_dir_all(half.join("new")).unwrap();
    fs::create_dir_all(half.join("cur")).unwrap();
    let file = env.root().join("file");
    fs::write(&file, "x").unwrap();
    let cases = [
        (env.root().join("missing"), "there is no such folder"),
        (file, "it is not a folder"),
        (half, "it has no tmp/ folder"),
    ];
    for (path, why) in cases {
        let out = intake(&env, &path, &[]);
        out.code(1);
        assert!(
            out.stderr.starts_with(&format!(
                "error: {} is not a Maildir: {why}\nhint: give the folder that holds new/, cur/ and tmp/",
                path.display()
            )),
            "{}",
            out.stderr
        );
    }
}

/// The fixtures and many plain customer messages after them, so that one run
/// takes long enough to be killed in the middle.
fn a_busy_morning() -> Vec<Vec<u8>> {
    let mut messages = fixtures();
    for n in 0..20 {
        messages.push(
            format!(
                "From: Customer {n} <c{n}@example.net>\r\nTo: help@example.com\r\n\
                 Subject: Question {n}\r\nMessage-ID: <q{n}@example.net>\r\n\
                 Date: Mon, 2 Nov 2026 07:{:02}:00 +0000\r\n\r\nHello, question {n}.\r\n",
                n % 60
            )
            .into_bytes(),
        );
    }
    messages
}

#[test]
fn runs_killed_at_random_moments_file_each_message_exactly_once() {
    let messages = a_busy_morning();
    // How long one whole run takes here, and what it files.
    let calm = TestEnv::team();
    let calm_dir = maildir(&calm, &messages);
    let start = Instant::now();
    intake(&calm, &calm_dir, &[]).success();
    let mut window = start.elapsed().as_millis() as u64;

    let env = TestEnv::team();
    let dir = maildir(&env, &messages);
    let mut rng = Lcg(19);
    let mut killed = 0;
    for _round in 0..60 {
        let left = names_in(&dir, "new").len() as u64;
        if left == 0 {
            break;
        }
        let mut child = env
            .cmd(&["intake", "--maildir", dir.to_str().unwrap()])
            .command()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Within a third of the time what is left takes, so that most die
        // mid-way however fast or loaded the machine is.
        let per_message = window / messages.len() as u64;
        thread::sleep(Duration::from_millis(rng.next((per_message * left).max(1))));
        let _ = child.kill(); // SIGKILL
        if child.wait().unwrap().success() {
            // The machine got faster than the timed run: kill sooner.
            window /= 2;
        } else if (names_in(&dir, "new").len() as u64) < left {
            // Killed after filing some of the mail, before the rest.
            killed += 1;
        } else {
            // Killed before it filed anything (a loaded machine starts
            // processes slowly): wait longer next time.
            window = window * 3 / 2 + 1;
        }
    }
    assert!(
        killed >= 2,
        "only {killed} runs were killed mid-way; the test proves little"
    );
    let last = intake(&env, &dir, &[]);
    last.success();
    eprintln!("{killed} runs killed mid-way; a whole run took {window} ms");

    assert!(names_in(&dir, "new").is_empty(), "nothing is left in new/");
    let cur = names_in(&dir, "cur");
    assert_eq!(cur.len(), messages.len(), "nothing is lost: {cur:?}");
    assert_eq!(
        filed(&env),
        filed(&calm),
        "each message is filed exactly once, as one uninterrupted run files it"
    );
    env.baton(&["doctor", "--fix"]).success();
    env.baton(&["doctor"]).success();
}
