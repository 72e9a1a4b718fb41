//! `[git] commit = true`: each command commits exactly the files it changed.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::{ID_A, Output, TestEnv, at};

/// What one git run produced.
struct Git {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs git in `dir` as `who`, in the sealed environment: no global or system
/// config, identity from the environment.
fn git_run(env: &TestEnv, dir: &Path, who: &str, args: &[&str]) -> Git {
    let email = format!("{who}@example.com");
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.root())
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", who)
        .env("GIT_AUTHOR_EMAIL", &email)
        .env("GIT_COMMITTER_NAME", who)
        .env("GIT_COMMITTER_EMAIL", &email)
        .output()
        .expect("git runs");
    Git {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs git and returns its stdout, failing the test when git fails.
#[track_caller]
fn git(env: &TestEnv, dir: &Path, who: &str, args: &[&str]) -> String {
    let out = git_run(env, dir, who, args);
    assert_eq!(
        out.code,
        0,
        "git {args:?} in {}:\n{}{}",
        dir.display(),
        out.stdout,
        out.stderr
    );
    out.stdout
}

/// Runs `baton --as WHO` in `dir` at a time, with git's identity for commits.
fn baton(env: &TestEnv, dir: &Path, who: &str, now: &str, args: &[&str]) -> Output {
    let mut all = vec!["--as", who];
    all.extend_from_slice(args);
    let email = format!("{who}@example.com");
    env.cmd(&all)
        .cwd(dir)
        .now(now)
        .env("GIT_AUTHOR_NAME", who)
        .env("GIT_AUTHOR_EMAIL", &email)
        .env("GIT_COMMITTER_NAME", who)
        .env("GIT_COMMITTER_EMAIL", &email)
        .run()
}

/// A repository whose store has ana, ben and cora and ticket ID_A, committed,
/// then `[git] commit = true`, and a file staged for something else.
fn committing_repo() -> TestEnv {
    let env = TestEnv::team();
    let root = env.root();
    git(&env, root, "ana", &["init", "-q", "-b", "main"]);
    env.new_ticket_pinned("ana", "Refund for double charge not received", &[], ID_A);
    env.edit_config("[sla]", "[git]\ncommit = true\n\n[sla]");
    git(&env, root, "ana", &["add", "-A"]);
    git(&env, root, "ana", &["commit", "-q", "-m", "A support desk"]);
    fs::write(root.join("draft.txt"), "not ready").unwrap();
    git(&env, root, "ana", &["add", "draft.txt"]);
    env
}

/// The files the last commit changed.
fn last_commit_files(env: &TestEnv) -> String {
    git(
        env,
        env.root(),
        "ana",
        &["show", "--name-only", "--format=", "HEAD"],
    )
}

#[test]
fn each_command_commits_exactly_the_files_it_changed() {
    let env = committing_repo();
    let root = env.root();
    let a = format!("tickets/{ID_A}.toml\n");
    let steps: &[(&str, &[&str])] = &[
        ("ben", &["take", "0b7c"]),
        (
            "ben",
            &["pass", "0b7c", "cora", "--note", "needs a refund approval"],
        ),
        ("cora", &["reply", "0b7c", "The refund is on its way."]),
        ("ana", &["note", "0b7c", "Card ending 4421"]),
        ("cora", &["wait", "0b7c"]),
        ("ana", &["reopen", "0b7c"]),
        ("cora", &["resolve", "0b7c", "--note", "refund sent"]),
        ("ana", &["close", "0b7c", "--yes"]),
        ("ana", &["reopen", "0b7c"]),
        (
            "ana",
            &["edit", "0b7c", "--priority", "high", "--tag", "billing"],
        ),
    ];
    for (n, (who, args)) in steps.iter().enumerate() {
        baton(&env, root, who, &at(0, n as i64 + 1), args).success();
        assert_eq!(last_commit_files(&env), a, "{args:?}");
    }
    let new = baton(
        &env,
        root,
        "ana",
        &at(1, 0),
        &["new", "Printer on fire", "--owner", "ben", "--json"],
    );
    new.success();
    let id = new.json()["id"].as_str().unwrap().to_string();
    let short = new.json()["short_id"].as_str().unwrap().to_string();
    assert_eq!(last_commit_files(&env), format!("tickets/{id}.toml\n"));
    baton(&env, root, "ana", &at(30, 0), &["escalate"]).success();
    let both = [ID_A.to_string(), id.clone()].map(|i| format!("tickets/{i}.toml\n"));
    let mut both = both.to_vec();
    both.sort();
    assert_eq!(last_commit_files(&env), both.concat());
    baton(
        &env,
        root,
        "ana",
        &at(30, 1),
        &["people", "add", "dan", "--level", "1"],
    )
    .success();
    assert_eq!(last_commit_files(&env), "tickets/baton.toml\n");
    // Nothing is left uncommitted, and the staged file is still staged, alone.
    assert_eq!(
        git(&env, root, "ana", &["status", "--porcelain"]),
        "A  draft.txt\n"
    );

    let log = git(
        &env,
        root,
        "ana",
        &["log", "--reverse", "--format=%s", "HEAD~13..HEAD"],
    );
    let log = log.replace(&short, "NEW");
    insta::assert_snapshot!(log, @r#"
    baton: take 0b7c "Refund for double charge not received" ana → ben
    baton: pass 0b7c "Refund for double charge not received" ben → cora
    baton: reply 0b7c "Refund for double charge not received" by cora
    baton: note 0b7c "Refund for double charge not received" by ana
    baton: wait 0b7c "Refund for double charge not received" by cora
    baton: reopen 0b7c "Refund for double charge not received" by ana
    baton: resolve 0b7c "Refund for double charge not received" by cora
    baton: close 0b7c "Refund for double charge not received" by ana
    baton: reopen 0b7c "Refund for double charge not received" by ana
    baton: edit 0b7c "Refund for double charge not received" priority, tags by ana
    baton: new NEW "Printer on fire" by ana for ben
    baton: escalate 2 tickets
    baton: people add dan (level 1)
    "#);
    let pass = git(&env, root, "ana", &["log", "--format=%B", "-1", "HEAD~11"]);
    assert_eq!(
        pass,
        "baton: pass 0b7c \"Refund for double charge not received\" ben → cora\n\n\
         needs a refund approval\n\n"
    );
    let sweep = git(&env, root, "ana", &["log", "--format=%b", "-1", "HEAD~1"]);
    assert!(
        sweep.contains("0b7c \"Refund for double charge not received\" stays with cora (missed "),
        "{sweep}"
    );
    assert!(
        sweep.contains(&format!("{short} \"Printer on fire\" ben → cora (missed ")),
        "{sweep}"
    );
}

#[test]
fn a_command_that_changes_nothing_commits_nothing() {
    let env = committing_repo();
    let head = git(&env, env.root(), "ana", &["rev-parse", "HEAD"]);
    baton(&env, env.root(), "ana", &at(0, 1), &["take", "0b7c"]).success();
    assert_eq!(git(&env, env.root(), "ana", &["rev-parse", "HEAD"]), head);
}

#[test]
fn a_failed_commit_warns_and_keeps_the_change() {
    // Not a repository at all.
    let env = TestEnv::team();
    env.edit_config("[sla]", "[git]\ncommit = true\n\n[sla]");
    let out = env.baton(&["--as", "ana", "new", "Printer on fire"]);
    out.success();
    assert!(
        out.stderr.starts_with(
            "warning: the change is saved but not committed: git fatal: not a git repository"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("hint: commit it with git yourself"),
        "{}",
        out.stderr
    );
    assert_eq!(env.ticket_ids().len(), 1);

    // No git on PATH.
    let empty = env.root().join("no-git");
    fs::create_dir(&empty).unwrap();
    let id = &env.ticket_ids()[0];
    let out = env
        .cmd(&["--as", "ana", "note", id, "still here"])
        .env("PATH", &empty)
        .run();
    out.success();
    assert!(
        out.stderr.contains("not committed: cannot run git"),
        "{}",
        out.stderr
    );
    assert_eq!(env.events(id).len(), 2);
}
