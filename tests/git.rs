//! A team on git: `baton init` in a repository, two clones of a shared remote
//! that work on the same tickets and merge through the merge driver, and
//! `[git] commit = true`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use baton::core::ticket::Ticket;

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
        .env("PATH", crate::common::host_path())
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
pub fn git(env: &TestEnv, dir: &Path, who: &str, args: &[&str]) -> String {
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
pub(crate) fn baton(env: &TestEnv, dir: &Path, who: &str, now: &str, args: &[&str]) -> Output {
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

/// Runs baton and returns its trimmed stdout, failing the test when it fails.
#[track_caller]
fn ok(env: &TestEnv, dir: &Path, who: &str, now: &str, args: &[&str]) -> String {
    let out = baton(env, dir, who, now, args);
    out.success();
    out.stdout.trim().to_string()
}

/// The driver command for the binary under test.
fn driver() -> String {
    format!("'{}' merge-driver %O %A %B %P", env!("CARGO_BIN_EXE_baton"))
}

/// A shared bare remote, and clones of it in the test folder.
pub(crate) struct Desk {
    pub(crate) env: TestEnv,
    origin: PathBuf,
}

impl Desk {
    /// A remote holding a store with ana (1), ben (2) and cora (3) and
    /// `[git] commit = true`, set up from ana's clone and pushed.
    pub(crate) fn new() -> Desk {
        let env = TestEnv::empty();
        let origin = env.root().join("origin.git");
        git(
            &env,
            env.root(),
            "ana",
            &["init", "-q", "--bare", "-b", "main", "origin.git"],
        );
        let desk = Desk { env, origin };
        let ana = desk.path("ana");
        git(
            &desk.env,
            desk.env.root(),
            "ana",
            &["clone", "-q", "origin.git", "ana"],
        );
        ok(
            &desk.env,
            &ana,
            "ana",
            &at(0, 0),
            &["init", "--name", "ana"],
        );
        desk.use_test_binary(&ana);
        let config = ana.join("tickets/baton.toml");
        let mut text = fs::read_to_string(&config).unwrap();
        text.push_str("\n[git]\ncommit = true\n");
        fs::write(&config, text).unwrap();
        git(&desk.env, &ana, "ana", &["add", "-A"]);
        git(
            &desk.env,
            &ana,
            "ana",
            &["commit", "-q", "-m", "A support desk"],
        );
        ok(
            &desk.env,
            &ana,
            "ana",
            &at(0, 0),
            &["people", "add", "ben", "--level", "2"],
        );
        ok(
            &desk.env,
            &ana,
            "ana",
            &at(0, 0),
            &["people", "add", "cora", "--level", "3"],
        );
        git(&desk.env, &ana, "ana", &["push", "-q", "origin", "main"]);
        desk
    }

    pub(crate) fn path(&self, who: &str) -> PathBuf {
        self.env.root().join(who)
    }

    /// Sends this clone's merges to the binary under test.
    fn use_test_binary(&self, dir: &Path) {
        git(
            &self.env,
            dir,
            "ana",
            &["config", "merge.baton.driver", &driver()],
        );
    }

    /// Clones the remote for `who` and runs `baton init` there, as a new
    /// team member would.
    pub(crate) fn clone(&self, who: &str) -> PathBuf {
        let origin = self.origin.to_str().unwrap();
        git(
            &self.env,
            self.env.root(),
            who,
            &["clone", "-q", origin, who],
        );
        let dir = self.path(who);
        let said = ok(&self.env, &dir, who, &at(0, 0), &["init"]);
        assert_eq!(
            said,
            "tickets is already a baton store; registered the git merge driver"
        );
        self.use_test_binary(&dir);
        dir
    }

    pub(crate) fn git(&self, dir: &Path, who: &str, args: &[&str]) -> String {
        git(&self.env, dir, who, args)
    }

    pub(crate) fn baton(&self, dir: &Path, who: &str, now: &str, args: &[&str]) -> String {
        ok(&self.env, dir, who, now, args)
    }
}

/// Every ticket file of a clone, parsed, by file name.
fn tickets(dir: &Path) -> BTreeMap<String, Ticket> {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(dir.join("tickets")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if !name.ends_with(".toml") || name == "baton.toml" {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        let ticket = Ticket::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        out.insert(name, ticket);
    }
    out
}

/// Checks what a clean merge must give: every file re-reads byte for byte,
/// its state is what its events replay to, its owner is on the team, and
/// every event either side had before is there.
#[track_caller]
fn assert_merged(dir: &Path, before: &[&BTreeMap<String, Ticket>]) {
    let after = tickets(dir);
    for (name, t) in &after {
        let text = fs::read_to_string(dir.join("tickets").join(name)).unwrap();
        assert_eq!(t.to_toml(), text, "{name} is canonical");
        assert!(
            t.state_matches_events(),
            "{name}: state is what the events replay to"
        );
        assert!(
            ["ana", "ben", "cora"].contains(&t.owner.as_str()),
            "{name}: owner {}",
            t.owner
        );
    }
    for side in before {
        for (name, t) in *side {
            let merged = after.get(name).unwrap_or_else(|| panic!("{name} is gone"));
            for e in &t.events {
                assert!(merged.events.contains(e), "{name} lost {e:?}");
            }
            let kept: Vec<_> = merged
                .events
                .iter()
                .filter(|e| t.events.contains(e))
                .collect();
            assert_eq!(kept.len(), t.events.len(), "{name}: an event is duplicated");
        }
    }
}

/// Asserts that a clone has no conflicts and nothing uncommitted.
#[track_caller]
pub(crate) fn assert_clean(desk: &Desk, dir: &Path) {
    assert_eq!(
        desk.git(dir, "ana", &["ls-files", "-u"]),
        "",
        "no unmerged files"
    );
    assert_eq!(
        desk.git(dir, "ana", &["status", "--porcelain"]),
        "",
        "nothing left over"
    );
    // doctor checks every file, the history order and the driver's set-up.
    desk.baton(dir, "ana", "2026-11-30T12:00:00Z", &["doctor"]);
}

/// The id a `baton new` printed, and the file it lives in.
fn file(id: &str) -> String {
    format!("{id}.toml")
}

#[test]
fn two_clones_working_on_the_same_tickets_merge_without_conflicts() {
    let desk = Desk::new();
    let ana = desk.path("ana");
    let t0 = at(0, 10);
    let refund = desk.baton(&ana, "ana", &t0, &["new", "Refund not received"]);
    let login = desk.baton(&ana, "ana", &t0, &["new", "Login loop"]);
    let invoice = desk.baton(
        &ana,
        "ana",
        &t0,
        &["new", "Invoice address wrong", "--owner", "ben"],
    );
    let crash = desk.baton(&ana, "ana", &t0, &["new", "App crashes"]);
    desk.git(&ana, "ana", &["push", "-q", "origin", "main"]);
    let ben = desk.clone("ben");

    // The same day on two machines, each unaware of the other.
    desk.baton(
        &ana,
        "ana",
        &at(1, 0),
        &["pass", &refund, "ben", "--note", "needs approval"],
    );
    desk.baton(&ben, "ben", &at(1, 5), &["reply", &refund, "We are on it."]);
    desk.baton(
        &ana,
        "ana",
        &at(1, 10),
        &["edit", &login, "--title", "Login loops on Safari"],
    );
    desk.baton(
        &ben,
        "ben",
        &at(1, 15),
        &["edit", &login, "--priority", "high"],
    );
    desk.baton(
        &ben,
        "ben",
        &at(1, 20),
        &["resolve", &invoice, "--note", "address fixed"],
    );
    desk.baton(
        &ana,
        "ana",
        &at(1, 25),
        &["note", &invoice, "customer called again"],
    );
    desk.baton(
        &ben,
        "ben",
        &at(1, 30),
        &["edit", &crash, "--title", "Crash when opening an order"],
    );
    desk.baton(
        &ana,
        "ana",
        &at(1, 0),
        &["edit", &crash, "--title", "App crashes on start"],
    );
    let anas = desk.baton(&ana, "ana", &at(1, 40), &["new", "Ana's new ticket"]);
    let bens = desk.baton(&ben, "ben", &at(1, 45), &["new", "Ben's new ticket"]);
    let (ana_before, ben_before) = (tickets(&ana), tickets(&ben));

    // ana pushes first; ben merges and pushes; ana fast-forwards.
    desk.git(&ana, "ana", &["push", "-q", "origin", "main"]);
    let pull = git_run(
        &desk.env,
        &ben,
        "ben",
        &["pull", "--no-rebase", "--no-edit", "origin", "main"],
    );
    assert_eq!(pull.code, 0, "{}{}", pull.stdout, pull.stderr);
    assert!(!pull.stdout.contains("CONFLICT"), "{}", pull.stdout);
    desk.git(&ben, "ben", &["push", "-q", "origin", "main"]);
    desk.git(
        &ana,
        "ana",
        &["pull", "-q", "--no-rebase", "origin", "main"],
    );
    for dir in [&ana, &ben] {
        assert_clean(&desk, dir);
        assert_merged(dir, &[&ana_before, &ben_before]);
    }
    assert_eq!(
        desk.git(&ana, "ana", &["rev-parse", "HEAD"]),
        desk.git(&ben, "ben", &["rev-parse", "HEAD"])
    );
    let merged = tickets(&ben);
    let t = |id: &str| &merged[&file(id)];
    assert_eq!(t(&refund).owner, "ben");
    let kinds: Vec<_> = t(&refund).events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["created", "handoff", "reply"]);
    assert_eq!(t(&login).title, "Login loops on Safari");
    assert_eq!(t(&login).priority.as_str(), "high");
    assert_eq!(t(&invoice).status.as_str(), "resolved");
    assert_eq!(t(&invoice).events.len(), 3, "the resolve and the note");
    assert_eq!(
        t(&crash).title,
        "Crash when opening an order",
        "the later edit wins"
    );
    assert!(merged.contains_key(&file(&anas)) && merged.contains_key(&file(&bens)));

    // The other way round, rebasing: ben pushes first and ana replays her
    // work on top. Both hand the refund on in the same second.
    desk.baton(&ben, "ben", &at(3, 0), &["pass", &refund, "cora"]);
    desk.baton(&ana, "ana", &at(3, 0), &["take", &refund]);
    desk.baton(&ana, "ana", &at(3, 1), &["note", &anas, "first note"]);
    desk.baton(&ben, "ben", &at(3, 2), &["note", &anas, "second note"]);
    desk.baton(&ana, "ana", &at(3, 3), &["reopen", &invoice]);
    let (ana_before, ben_before) = (tickets(&ana), tickets(&ben));
    desk.git(&ben, "ben", &["push", "-q", "origin", "main"]);
    let pull = git_run(
        &desk.env,
        &ana,
        "ana",
        &["pull", "--rebase", "origin", "main"],
    );
    assert_eq!(pull.code, 0, "{}{}", pull.stdout, pull.stderr);
    desk.git(&ana, "ana", &["push", "-q", "origin", "main"]);
    desk.git(
        &ben,
        "ben",
        &["pull", "-q", "--no-rebase", "origin", "main"],
    );
    for dir in [&ana, &ben] {
        assert_clean(&desk, dir);
        assert_merged(dir, &[&ana_before, &ben_before]);
    }
    let (on_ana, on_ben) = (tickets(&ana), tickets(&ben));
    for (name, t) in &on_ana {
        assert_eq!(
            t.to_toml(),
            on_ben[name].to_toml(),
            "both clones hold the same {name}"
        );
    }
    // In the same second, ana's take sorts before ben's pass: cora has it.
    assert_eq!(on_ana[&file(&refund)].owner, "cora");
    assert_eq!(on_ana[&file(&invoice)].status.as_str(), "open");
    let notes: Vec<_> = on_ana[&file(&anas)]
        .events
        .iter()
        .filter_map(|e| e.text.as_deref())
        .collect();
    assert_eq!(notes, ["first note", "second note"]);
}

#[test]
fn a_hand_broken_ticket_gives_git_s_ordinary_conflict_and_loses_nothing() {
    let desk = Desk::new();
    let ana = desk.path("ana");
    let id = desk.baton(&ana, "ana", &at(0, 10), &["new", "Printer on fire"]);
    let other = desk.baton(&ana, "ana", &at(0, 10), &["new", "Paper jam"]);
    desk.git(&ana, "ana", &["push", "-q", "origin", "main"]);
    let ben = desk.clone("ben");

    // ana breaks the file by hand; ben adds a note, which moves `updated` too.
    let path = format!("tickets/{id}.toml");
    let text = fs::read_to_string(ana.join(&path)).unwrap();
    let broken = text.replace(&format!("updated = {}", at(0, 10)), "updated = soon");
    assert_ne!(broken, text);
    fs::write(ana.join(&path), &broken).unwrap();
    desk.git(&ana, "ana", &["commit", "-q", "-am", "by hand"]);
    desk.baton(&ana, "ana", &at(1, 0), &["note", &other, "ana's note"]);
    desk.baton(&ben, "ben", &at(1, 0), &["note", &id, "ben's note"]);
    desk.baton(
        &ben,
        "ben",
        &at(1, 0),
        &["note", &other, "ben's other note"],
    );
    desk.git(&ben, "ben", &["push", "-q", "origin", "main"]);

    let pull = git_run(
        &desk.env,
        &ana,
        "ana",
        &["pull", "--no-rebase", "--no-edit", "origin", "main"],
    );
    assert_ne!(pull.code, 0, "{}{}", pull.stdout, pull.stderr);
    assert!(
        pull.stdout
            .contains(&format!("CONFLICT (content): Merge conflict in {path}")),
        "{}",
        pull.stdout
    );
    assert!(
        pull.stderr
            .contains("cannot merge as tickets: our version, line 8, column 11"),
        "{}",
        pull.stderr
    );
    let unmerged = desk.git(&ana, "ana", &["diff", "--name-only", "--diff-filter=U"]);
    assert_eq!(unmerged.trim(), path, "only the broken file conflicts");
    let result = fs::read_to_string(ana.join(&path)).unwrap();
    for needle in [
        "<<<<<<< ours:",
        "updated = soon",
        &format!("updated = {}", at(1, 0)),
        "ben's note",
        ">>>>>>> theirs:",
    ] {
        assert!(result.contains(needle), "{needle:?} in\n{result}");
    }
    // git keeps both versions in its index, as in any conflict.
    assert_eq!(
        desk.git(&ana, "ana", &["show", &format!(":2:{path}")]),
        broken
    );
    assert_eq!(
        desk.git(&ana, "ana", &["show", &format!(":3:{path}")]),
        fs::read_to_string(ben.join(&path)).unwrap()
    );
    // The other ticket merged as usual.
    let notes: Vec<_> =
        Ticket::parse(&fs::read_to_string(ana.join("tickets").join(file(&other))).unwrap())
            .unwrap()
            .events
            .iter()
            .filter_map(|e| e.text.clone())
            .collect();
    assert_eq!(notes, ["ana's note", "ben's other note"]);
}

#[test]
fn init_in_a_repository_sets_up_the_merge_driver() {
    let env = TestEnv::empty();
    let root = env.root();
    git(&env, root, "ana", &["init", "-q", "-b", "main"]);
    fs::write(root.join(".gitattributes"), "*.png binary").unwrap();
    let out = env.baton(&["init", "--name", "ana"]);
    insta::assert_snapshot!(out.render(), @r#"
    created tickets/ with baton.toml for a team of one: ana
    added 'tickets/*.toml merge=baton' to .gitattributes and registered the git merge driver
    next: baton new "First ticket"   (and 'baton people add NAME --level N' to grow the team)
    [exit 0]
    "#);
    assert_eq!(
        fs::read_to_string(root.join(".gitattributes")).unwrap(),
        "*.png binary\ntickets/*.toml merge=baton\n"
    );
    let config = |key: &str| git(&env, root, "ana", &["config", "--local", key]);
    assert_eq!(
        config("merge.baton.driver").trim(),
        format!("{} merge-driver %O %A %B %P", env!("CARGO_BIN_EXE_baton")),
        "a binary not on PATH is named by its absolute path"
    );
    assert!(!config("merge.baton.name").trim().is_empty());
    assert!(baton::io::git::merge_driver_registered(root));
    assert_eq!(
        git(
            &env,
            root,
            "ana",
            &["check-attr", "merge", "--", "tickets/x.toml"]
        ),
        "tickets/x.toml: merge: baton\n"
    );

    let before = fs::read(root.join(".gitattributes")).unwrap();
    let again = env.baton(&["init", "--json"]);
    again.success();
    assert_eq!(again.json()["merge_driver"], true);
    assert_eq!(
        env.baton(&["init"]).stdout,
        "tickets is already a baton store, set up for git; nothing changed\n"
    );
    assert_eq!(
        fs::read(root.join(".gitattributes")).unwrap(),
        before,
        "idempotent"
    );
}

#[test]
fn init_names_a_store_below_the_top_of_the_work_tree() {
    let env = TestEnv::empty();
    let root = env.root();
    git(&env, root, "ana", &["init", "-q", "-b", "main"]);
    fs::create_dir_all(root.join("ops/support")).unwrap();
    env.cmd(&["init", "--name", "ana", "--store", "desk"])
        .cwd(root.join("ops/support"))
        .run()
        .success();
    assert_eq!(
        fs::read_to_string(root.join(".gitattributes")).unwrap(),
        "ops/support/desk/*.toml merge=baton\n"
    );
}

#[test]
fn init_outside_git_sets_up_nothing() {
    let env = TestEnv::empty();
    let out = env.baton(&["init", "--name", "ana", "--json"]);
    assert_eq!(out.json()["merge_driver"], false);
    assert!(!env.root().join(".gitattributes").exists());
    assert!(!baton::io::git::merge_driver_registered(env.root()));
}

#[test]
fn a_fresh_clone_is_set_up_by_init_without_touching_the_store() {
    let desk = Desk::new();
    // `Desk::clone` checks what init says; here, that nothing tracked changed.
    let ben = desk.clone("ben");
    assert_clean(&desk, &ben);
    assert!(baton::io::git::merge_driver_registered(&ben));
}

/// A repository whose store has ana, ben and cora and ticket ID_A, committed,
/// then `[git] commit = true`, and a file staged for something else.
pub fn committing_repo() -> TestEnv {
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
pub fn last_commit_files(env: &TestEnv) -> String {
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

#[test]
fn sync_commits_what_changed_merges_the_others_and_pushes() {
    let desk = Desk::new();
    let ana = desk.path("ana");
    let refund = desk.baton(&ana, "ana", &at(0, 10), &["new", "Refund not received"]);
    desk.git(&ana, "ana", &["push", "-q", "origin", "main"]);
    let ben = desk.clone("ben");

    // ana works (every command commits); ben's clone also has a change no
    // command committed: a ticket file he fixed by hand.
    desk.baton(
        &ana,
        "ana",
        &at(1, 0),
        &["pass", &refund, "ben", "--note", "approval"],
    );
    desk.baton(&ana, "ana", &at(1, 5), &["new", "Login loop"]);
    let said = desk.baton(&ana, "ana", &at(1, 6), &["sync"]);
    assert_eq!(said, "pushed to origin/main");
    desk.baton(
        &ben,
        "ben",
        &at(1, 10),
        &["reply", &refund, "We are on it."],
    );
    let path = ben.join("tickets").join(file(&refund));
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replace(
            "title = \"Refund not received\"",
            "title = \"Refund not received (card)\"",
        ),
    )
    .unwrap();
    let before = [&tickets(&ana), &tickets(&ben)];

    let said = desk.baton(&ben, "ben", &at(1, 20), &["sync", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&said).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({"upstream": "origin/main", "committed": 1, "pulled": 2, "pushed": true, "attempts": 1})
    );
    assert_merged(&ben, &before);
    assert_clean(&desk, &ben);
    // Back on ana's clone, quietly, as cron runs it.
    let quiet = baton(&desk.env, &ana, "ana", &at(1, 30), &["sync", "--quiet"]);
    quiet.success();
    assert_eq!((quiet.stdout.as_str(), quiet.stderr.as_str()), ("", ""));
    assert_eq!(
        tickets(&ana),
        tickets(&ben),
        "both clones hold the same tickets"
    );
    assert_eq!(
        tickets(&ana)[&file(&refund)].title,
        "Refund not received (card)"
    );
    let again = desk.baton(&ana, "ana", &at(1, 40), &["sync"]);
    assert_eq!(again, "already in sync with origin/main");
}

#[test]
fn sync_merges_and_pushes_again_when_someone_pushed_in_between() {
    let desk = Desk::new();
    let ana = desk.path("ana");
    desk.baton(&ana, "ana", &at(0, 10), &["new", "Refund not received"]);
    desk.git(&ana, "ana", &["push", "-q", "origin", "main"]);
    let ben = desk.clone("ben");
    let cora = desk.clone("cora");
    // Between ana's fetch and her push, cora pushes (a git pre-push hook
    // makes the race certain): the first push is rejected.
    let cora_ticket = desk.baton(&cora, "cora", &at(1, 0), &["new", "Printer on fire"]);
    let hook = ana.join(".git/hooks/pre-push");
    let raced = desk.env.root().join("raced");
    fs::write(
        &hook,
        format!(
            "#!/bin/sh\n[ -e '{raced}' ] && exit 0\ntouch '{raced}'\nunset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\ncd '{}' && git push -q origin main\n",
            cora.display(),
            raced = raced.display(),
        ),
    )
    .unwrap();
    fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let ana_ticket = desk.baton(&ana, "ana", &at(1, 5), &["new", "Login loop"]);
    let said = desk.baton(&ana, "ana", &at(1, 6), &["sync"]);
    assert_eq!(
        said,
        "merged 1 commit(s) from origin/main\npushed to origin/main (after 2 tries: others pushed meanwhile)"
    );
    assert!(raced.exists(), "the hook raced the push");
    desk.baton(&ben, "ben", &at(1, 10), &["sync"]);
    let held = tickets(&ben);
    assert!(held.contains_key(&file(&cora_ticket)) && held.contains_key(&file(&ana_ticket)));
    assert_clean(&desk, &ben);
}

#[test]
fn sync_says_what_is_missing_and_exits_75_when_the_remote_is_away() {
    let desk = Desk::new();
    let ana = desk.path("ana");
    // A clone that never ran 'baton init' would merge tickets line by line.
    desk.git(
        desk.env.root(),
        "ben",
        &["clone", "-q", desk.origin.to_str().unwrap(), "ben"],
    );
    let ben = desk.path("ben");
    let out = baton(&desk.env, &ben, "ben", &at(1, 0), &["sync"]);
    out.code(1);
    assert!(
        out.stderr.contains("merge driver is not registered"),
        "{}",
        out.render()
    );
    assert!(
        out.stderr.contains("hint: run 'baton init'"),
        "{}",
        out.render()
    );

    // The remote is gone: try again later, nothing lost.
    fs::rename(&desk.origin, desk.env.root().join("moved.git")).unwrap();
    desk.baton(&ana, "ana", &at(1, 0), &["new", "Refund"]);
    let away = baton(&desk.env, &ana, "ana", &at(1, 5), &["sync", "--quiet"]);
    away.code(75);
    assert!(
        away.stderr
            .contains("cannot reach the remote of origin/main"),
        "{}",
        away.render()
    );

    // A branch with no upstream.
    desk.git(&ana, "ana", &["checkout", "-q", "-b", "local-only"]);
    let none = baton(&desk.env, &ana, "ana", &at(1, 10), &["sync"]);
    none.code(1);
    assert!(none.stderr.contains("has no upstream"), "{}", none.render());

    // Outside git.
    let solo = TestEnv::solo();
    let out = solo.baton(&["sync"]);
    out.code(1);
    assert!(
        out.stderr.contains("not in a git work tree"),
        "{}",
        out.render()
    );
}

/// One person's `(received, taken, escalated_away)` in a clone's November.
fn figures(desk: &Desk, dir: &Path, name: &str) -> (u64, u64, u64) {
    let out = desk.baton(
        dir,
        "ana",
        &at(60, 0),
        &["report", "--month", "2026-11", "--json"],
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let p = doc["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {out}"));
    let n = |k: &str| p[k].as_u64().unwrap();
    (n("received"), n("taken"), n("escalated_away"))
}

/// The escalations of a ticket in a clone, as `(deadline, from, to)`.
fn escalations(dir: &Path, id: &str) -> Vec<(String, String, String)> {
    tickets(dir)[&file(id)]
        .events
        .iter()
        .filter(|e| e.kind.as_str() == "escalated")
        .map(|e| {
            let deadline = e.deadline.unwrap().to_rfc3339();
            (deadline, e.from.clone().unwrap(), e.to.clone().unwrap())
        })
        .collect()
}

/// A desk whose escalation rule is `to`, a ticket of ana's from 0:10 pushed,
/// ben's clone and a cron clone (run as cora) that sweeps without pulling.
fn sweeping_desk(to: &str) -> (Desk, String, PathBuf, PathBuf) {
    let desk = Desk::new();
    let ana = desk.path("ana");
    let config = ana.join("tickets/baton.toml");
    let text = fs::read_to_string(&config).unwrap();
    let text = text.replacen("to = \"top\"", &format!("to = \"{to}\""), 1);
    fs::write(&config, text).unwrap();
    if to != "top" {
        desk.git(&ana, "ana", &["commit", "-qam", "Escalate"]);
    }
    let id = desk.baton(&ana, "ana", &at(0, 10), &["new", "Refund not received"]);
    desk.git(&ana, "ana", &["push", "-q", "origin", "main"]);
    let ben = desk.clone("ben");
    let cron = desk.clone("cora");
    (desk, id, ben, cron)
}

#[test]
fn two_clones_sweeping_one_deadline_escalate_it_once_and_keep_the_take() {
    let (desk, id, ben, cron) = sweeping_desk("top");
    // Ben's clone escalates the ticket to cora at 20:15 and ben takes it.
    desk.baton(&ben, "ben", &at(20, 15), &["escalate"]);
    desk.baton(&ben, "ben", &at(20, 20), &["take", &id]);
    desk.baton(&ben, "ben", &at(20, 21), &["sync"]);
    // The cron clone had not pulled: it escalates the same deadline again.
    desk.baton(&cron, "cora", &at(21, 0), &["escalate"]);
    desk.baton(&cron, "cora", &at(21, 1), &["sync"]);
    desk.baton(&ben, "ben", &at(21, 2), &["sync"]);
    for dir in [&ben, &cron] {
        let t = &tickets(dir)[&file(&id)];
        assert_eq!(
            (t.owner.as_str(), t.escalated),
            ("ben", 1),
            "the take stands"
        );
        assert_eq!(
            escalations(dir, &id).len(),
            1,
            "one escalation per deadline"
        );
        assert_eq!(figures(&desk, dir, "ana"), (1, 0, 1));
        assert_eq!(figures(&desk, dir, "ben"), (0, 1, 0));
        assert_eq!(figures(&desk, dir, "cora"), (1, 0, 0));
        assert_clean(&desk, dir);
    }
    assert_eq!(tickets(&ben), tickets(&cron), "both clones agree");
}

#[test]
fn with_next_a_double_sweep_does_not_delay_the_next_escalation() {
    let (desk, id, ben, cron) = sweeping_desk("next");
    desk.baton(&ben, "ben", &at(20, 15), &["escalate"]);
    desk.baton(&ben, "ben", &at(20, 16), &["sync"]);
    desk.baton(&cron, "cora", &at(21, 0), &["escalate"]);
    desk.baton(&cron, "cora", &at(21, 1), &["sync"]);
    let t = &tickets(&cron)[&file(&id)];
    assert_eq!((t.owner.as_str(), t.escalated), ("ben", 1));
    // The second deadline is 40 h after creation, not 60 h.
    let early = desk.baton(&cron, "cora", &at(40, 5), &["escalate", "--json"]);
    assert!(early.contains("\"escalated\": []"), "{early}");
    let said = desk.baton(&cron, "cora", &at(40, 15), &["escalate", "--json"]);
    assert!(said.contains("cora"), "{said}");
    assert_eq!(
        escalations(&cron, &id),
        [
            (
                "2026-11-03T04:10:00+00:00".into(),
                "ana".into(),
                "ben".into()
            ),
            (
                "2026-11-04T00:10:00+00:00".into(),
                "ben".into(),
                "cora".into()
            ),
        ]
    );
    desk.baton(&cron, "cora", &at(40, 6), &["sync"]);
    desk.baton(&ben, "ben", &at(40, 7), &["sync"]);
    assert_eq!(tickets(&ben), tickets(&cron));
    assert_eq!(figures(&desk, &ben, "ana").2, 1);
    assert_eq!(figures(&desk, &ben, "ben"), (1, 0, 1));
    assert_eq!(figures(&desk, &ben, "cora"), (1, 0, 0));
    assert_clean(&desk, &ben);
}

/// ben adds dan at level 1 on his clone while cora adds `name` at level 2 on
/// hers; ben syncs, then cora (who merges).
fn team_changed_on_two_clones(name: &str) -> (Desk, PathBuf, PathBuf) {
    let desk = Desk::new();
    let ben = desk.clone("ben");
    let cora = desk.clone("cora");
    let add = |dir: &Path, who: &str, minute: i64, name: &str, level: &str| {
        desk.baton(
            dir,
            who,
            &at(1, minute),
            &["people", "add", name, "--level", level],
        );
    };
    add(&ben, "ben", 0, "dan", "1");
    add(&cora, "cora", 1, name, "2");
    desk.baton(&ben, "ben", &at(1, 2), &["sync"]);
    desk.baton(&cora, "cora", &at(1, 3), &["sync"]);
    (desk, ben, cora)
}

#[test]
fn two_people_adding_to_the_team_at_once_end_up_with_both() {
    let (desk, ben, cora) = team_changed_on_two_clones("eli");
    desk.baton(&ben, "ben", &at(1, 4), &["sync"]);
    for dir in [&ben, &cora] {
        let team = desk.baton(dir, "ana", &at(1, 5), &["people", "--json"]);
        assert!(
            team.contains("\"dan\"") && team.contains("\"eli\""),
            "{team}"
        );
        assert_clean(&desk, dir);
    }
    let read = |dir: &Path| fs::read_to_string(dir.join("tickets/baton.toml")).unwrap();
    assert_eq!(read(&ben), read(&cora));
}

#[test]
fn a_clone_without_the_driver_is_warned_and_its_conflict_explained() {
    let desk = Desk::new();
    let ana = desk.path("ana");
    let id = desk.baton(&ana, "ana", &at(0, 10), &["new", "Refund not received"]);
    desk.git(&ana, "ana", &["push", "-q", "origin", "main"]);
    // ben clones but never runs `baton init`.
    let origin = desk.origin.to_str().unwrap();
    desk.git(desk.env.root(), "ben", &["clone", "-q", origin, "ben"]);
    let ben = desk.path("ben");
    let out = baton(&desk.env, &ben, "ben", &at(1, 0), &["note", &id, "mine"]);
    out.success();
    assert_eq!(
        out.stderr
            .matches("merge driver for tickets is not registered")
            .count(),
        1,
        "warned once: {}",
        out.stderr
    );
    assert!(out.stderr.contains("run 'baton init' once in this clone"));
    // ana changes the same ticket; git merges it line by line in ben's clone.
    desk.baton(&ana, "ana", &at(1, 5), &["note", &id, "hers"]);
    desk.git(&ana, "ana", &["push", "-q", "origin", "main"]);
    desk.git(&ben, "ben", &["fetch", "-q"]);
    let merge = git_run(&desk.env, &ben, "ben", &["merge", "-q", "origin/main"]);
    assert_ne!(merge.code, 0, "a conflict without the driver");
    let show = baton(&desk.env, &ben, "ben", &at(1, 10), &["show", &id]);
    assert_eq!(show.code, 1);
    assert!(
        show.stderr
            .contains("git's conflict markers are in the file (line"),
        "{}",
        show.stderr
    );
    assert!(
        show.stderr.contains("run 'baton init' in this clone"),
        "{}",
        show.stderr
    );
    let doctor = baton(&desk.env, &ben, "ben", &at(1, 10), &["doctor"]);
    assert_eq!(doctor.code, 1);
    for needle in [
        "git holds this file unmerged",
        "git's conflict markers are in the file (line 8)",
        "keep the lines of both sides between the markers",
        "the git merge driver is not registered in this clone",
    ] {
        assert!(
            doctor.stdout.contains(needle),
            "{needle} in\n{}",
            doctor.stdout
        );
    }
}

#[test]
fn doctor_names_a_team_config_conflict() {
    let (desk, _ben, cora) = team_changed_on_two_clones("dan");
    // Every command still works; doctor names what to settle.
    desk.baton(&cora, "cora", &at(1, 4), &["list"]);
    let doctor = baton(&desk.env, &cora, "cora", &at(1, 5), &["doctor"]);
    assert_eq!(doctor.code, 1);
    assert!(
        doctor.stdout.contains(
            "both sides of a merge changed people.dan.level: kept 2, the other side had 1"
        ),
        "{}",
        doctor.stdout
    );
}

#[test]
fn both_editing_the_description_keep_both_texts() {
    let desk = Desk::new();
    let ana = desk.path("ana");
    let id = desk.baton(&ana, "ana", &at(0, 10), &["new", "Refund not received"]);
    let base = "Order 1.\nPaid by card.\nCustomer in Lyon.\n";
    desk.baton(&ana, "ana", &at(0, 11), &["edit", &id, "--body", base]);
    desk.git(&ana, "ana", &["push", "-q", "origin", "main"]);
    let ben = desk.clone("ben");
    let cora = desk.clone("cora");
    let ben_text = base.replace("Order 1.", "Order 1 and 2.");
    desk.baton(&ben, "ben", &at(1, 0), &["edit", &id, "--body", &ben_text]);
    let cora_text = base.replace("Lyon", "Paris");
    desk.baton(
        &cora,
        "cora",
        &at(1, 1),
        &["edit", &id, "--body", &cora_text],
    );
    desk.baton(&ben, "ben", &at(1, 2), &["sync"]);
    desk.baton(&cora, "cora", &at(1, 3), &["sync"]);
    let t = &tickets(&cora)[&file(&id)];
    assert_eq!(
        t.description,
        "Order 1 and 2.\nPaid by card.\nCustomer in Paris.\n"
    );
    // The same line on both sides: the later edit stays, the other is a note.
    desk.baton(&ben, "ben", &at(2, 0), &["sync"]);
    desk.baton(
        &ben,
        "ben",
        &at(2, 1),
        &["edit", &id, "--body", "Ben's words.\n"],
    );
    desk.baton(
        &cora,
        "cora",
        &at(2, 2),
        &["edit", &id, "--body", "Cora's words.\n"],
    );
    desk.baton(&ben, "ben", &at(2, 3), &["sync"]);
    desk.baton(&cora, "cora", &at(2, 4), &["sync"]);
    let t = &tickets(&cora)[&file(&id)];
    assert_eq!(t.description, "Cora's words.\n");
    let shown = desk.baton(&cora, "cora", &at(2, 5), &["show", &id]);
    assert!(shown.contains("Ben's words."), "{shown}");
    assert_clean(&desk, &cora);
}

#[test]
fn a_randomized_workday_with_sweeps_on_every_clone_escalates_each_deadline_once() {
    let desk = Desk::new();
    let ana = desk.path("ana");
    let ids: Vec<String> = ["Refund", "Login loop", "Invoice"]
        .iter()
        .map(|title| desk.baton(&ana, "ana", &at(0, 10), &["new", title]))
        .collect();
    desk.git(&ana, "ana", &["push", "-q", "origin", "main"]);
    let clones = [
        ("ana", ana.clone()),
        ("ben", desk.clone("ben")),
        ("cora", desk.clone("cora")),
    ];
    // A fixed linear congruential sequence: the same day on every run.
    let mut seed: u64 = 0x5eed_2026;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for round in 0..10 {
        let now = at(2 + round * 3, 0);
        for (who, dir) in &clones {
            let id = &ids[next(3) as usize];
            match next(5) {
                0 => desk.baton(dir, who, &now, &["note", id, &format!("round {round}")]),
                1 => desk.baton(dir, who, &now, &["take", id]),
                2 | 3 => desk.baton(dir, who, &now, &["escalate"]),
                _ => desk.baton(dir, who, &now, &["sync", "--quiet"]),
            };
        }
    }
    let end = at(50, 0);
    for _ in 0..2 {
        for (who, dir) in &clones {
            desk.baton(dir, who, &end, &["sync", "--quiet"]);
        }
    }
    let held = tickets(&clones[0].1);
    let report = |dir: &Path| {
        desk.baton(
            dir,
            "ana",
            &end,
            &["report", "--month", "2026-11", "--json"],
        )
    };
    for (_, dir) in &clones {
        assert_eq!(tickets(dir), held, "every clone holds the same tickets");
        assert_eq!(report(dir), report(&clones[0].1), "and the same figures");
        assert_clean(&desk, dir);
    }
    let mut escalations = 0;
    for (name, t) in &held {
        let mut deadlines: Vec<_> = t.events.iter().filter_map(|e| e.deadline).collect();
        escalations += deadlines.len();
        let all = deadlines.len();
        deadlines.dedup();
        assert_eq!(deadlines.len(), all, "{name}: one escalation per deadline");
        assert_eq!(
            t.escalated as usize, all,
            "{name}: escalated counts deadlines"
        );
    }
    assert!(escalations > 0, "the day had sweeps that escalated");
}
