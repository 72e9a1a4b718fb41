//! The optional file watcher: with a real watchman server watching the
//! store, baton stamps only the files watchman names as changed, and every
//! answer stays the answer of a run that stamps every file. A watchman that
//! stops, restarts or was never there changes nothing but the time taken.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::cache::{SETTLE, Traced, commands, desk, edit_in_place, split, symlink, traced};
use crate::common::{ID_A, ID_B, TestEnv};

/// A watchman server of the test's own: its socket, state and log in a
/// temp folder, stopped when dropped.
struct Watchman {
    dir: tempfile::TempDir,
}

impl Watchman {
    fn start() -> Watchman {
        let dir = tempfile::tempdir().unwrap();
        let w = Watchman { dir };
        // Any command starts the server on this socket if none runs there.
        let out = w.command(&["get-pid"]).output().expect(
            "watchman is needed for these tests: apt-get install watchman (.ci/run installs it)",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        w
    }

    fn sock(&self) -> PathBuf {
        self.dir.path().join("sock")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("watchman");
        cmd.arg("--sockname")
            .arg(self.sock())
            .arg("--statefile")
            .arg(self.dir.path().join("state"))
            .arg("--logfile")
            .arg(self.dir.path().join("log"))
            .arg("--pidfile")
            .arg(self.dir.path().join("pid"))
            .arg("--no-pretty")
            .args(args)
            .stdin(Stdio::null());
        cmd
    }

    /// Starts watching the store, as a person would.
    fn watch(&self, store: &Path) {
        let out = self
            .command(&["watch-project", store.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn stop(&self) {
        let _ = self.command(&["shutdown-server"]).output();
    }
}

impl Drop for Watchman {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A traced run asking the test's watchman.
fn watched(env: &TestEnv, w: &Watchman, args: &[String]) -> Traced {
    let run = env
        .cmd(args)
        .env_remove("BATON_WATCHMAN")
        .env("WATCHMAN_SOCK", w.sock())
        .env("BATON_TRACE", "1")
        .run();
    split(run)
}

/// A traced run that stamps every file (watchman off, as tests run).
fn unwatched(env: &TestEnv, args: &[String]) -> Traced {
    traced(env, args, None)
}

/// The watchman lines of a trace.
fn said(run: &Traced) -> Vec<&str> {
    run.trace
        .iter()
        .map(String::as_str)
        .filter(|l| l.starts_with("watchman"))
        .collect()
}

/// Every command, watched, shows what it shows stamping every file.
#[track_caller]
fn same_answers(env: &TestEnv, w: &Watchman, when: &str) -> Vec<Traced> {
    commands("0b7c")
        .iter()
        .map(|args| {
            let got = watched(env, w, args);
            let want = unwatched(env, args);
            assert_eq!(got.shown, want.shown, "{when}: baton {}", args.join(" "));
            got
        })
        .collect()
}

#[test]
fn with_watchman_only_changed_files_are_stamped_and_every_answer_stays() {
    let env = desk();
    std::thread::sleep(SETTLE);
    env.baton(&["list", "--all", "--json"]).success();
    let w = Watchman::start();
    w.watch(&env.store());
    let list = &commands("0b7c")[0];

    // The first look stamps every file and keeps the stamps.
    let first = watched(&env, &w, list);
    assert_eq!(
        said(&first),
        [
            "watchman: no stamps kept, every file stamped",
            "watchman: kept 4 stamps"
        ]
    );
    let runs = same_answers(&env, &w, "nothing changed");
    assert!(
        said(&runs[0]).contains(&"watchman: 0 ticket files changed since the stamps kept"),
        "{:?}",
        runs[0].trace
    );

    // An edit in place behind baton's back (size and modification time
    // kept): watchman names the file, baton reads it again.
    edit_in_place(&env, ID_A, "Refund not received", "Refund NOT received");
    let runs = same_answers(&env, &w, "an edit in place");
    assert!(
        runs[0].shown.contains("Refund NOT received"),
        "{}",
        runs[0].shown
    );
    assert!(
        said(&runs[0]).contains(&"watchman: 1 ticket files changed since the stamps kept"),
        "{:?}",
        runs[0].trace
    );

    // A write through baton, and a ticket file put there by hand.
    env.baton_as("ana", &["note", "0b7c", "Called the bank"])
        .success();
    let by_hand = fs::read_to_string(env.ticket_path(ID_B))
        .unwrap()
        .replace(ID_B, BY_HAND)
        .replace("Login fails", "Put here by hand");
    fs::write(env.ticket_path(BY_HAND), by_hand).unwrap();
    let runs = same_answers(&env, &w, "a write and a new file");
    assert!(
        runs[0].shown.contains("Put here by hand"),
        "{}",
        runs[0].shown
    );

    // A ticket file that is a link into a folder of the store: an edit to
    // the file it leads to is named by that file's path, so every file is
    // stamped again.
    let shelf = env.store().join("shelf");
    fs::create_dir(&shelf).unwrap();
    fs::rename(env.ticket_path(BY_HAND), shelf.join("kept.toml")).unwrap();
    symlink(Path::new("shelf/kept.toml"), &env.ticket_path(BY_HAND));
    same_answers(&env, &w, "a link into a folder");
    let text = fs::read_to_string(shelf.join("kept.toml")).unwrap();
    fs::write(
        shelf.join("kept.toml"),
        text.replace("Put here by hand", "Kept on the shelf"),
    )
    .unwrap();
    let runs = same_answers(&env, &w, "the file behind a link edited");
    assert!(
        runs[0].shown.contains("Kept on the shelf"),
        "{}",
        runs[0].shown
    );

    // Watchman stopped: every file is stamped, the answers stay.
    w.stop();
    edit_in_place(&env, ID_A, "Refund NOT received", "Refund not Received");
    let runs = same_answers(&env, &w, "watchman stopped");
    assert!(
        runs[0].shown.contains("Refund not Received"),
        "{}",
        runs[0].shown
    );
    assert!(
        said(&runs[0])
            .iter()
            .any(|l| l.starts_with("watchman not used: watchman is not running")),
        "{:?}",
        runs[0].trace
    );

    // Started again, a new instance whose clock the kept stamps do not
    // know: every file is stamped once more, then kept again.
    edit_in_place(&env, ID_A, "Refund not Received", "Refund Not Received");
    w.watch(&env.store());
    let runs = same_answers(&env, &w, "watchman started again");
    assert!(
        runs[0].shown.contains("Refund Not Received"),
        "{}",
        runs[0].shown
    );
    assert_eq!(
        said(&runs[0])[0],
        "watchman: no stamps kept, every file stamped",
        "{:?}",
        runs[0].trace
    );
    let again = same_answers(&env, &w, "after the restart");
    assert!(
        said(&again[0]).contains(&"watchman: 0 ticket files changed since the stamps kept"),
        "{:?}",
        again[0].trace
    );
}

/// Without watchman anywhere, nothing is asked and nothing changes.
#[test]
fn a_missing_watchman_is_said_in_the_trace_and_changes_nothing() {
    let env = desk();
    let args = &commands("0b7c")[0];
    let none = env
        .cmd(args)
        .env_remove("BATON_WATCHMAN")
        .env("WATCHMAN_SOCK", env.root().join("no-such-socket"))
        .env("BATON_TRACE", "1")
        .run();
    let none = split(none);
    assert_eq!(none.shown, unwatched(&env, args).shown);
    assert!(
        said(&none)
            .iter()
            .any(|l| l.starts_with("watchman not used: watchman is not running")),
        "{:?}",
        none.trace
    );
    let off = unwatched(&env, args);
    assert!(
        said(&off).is_empty(),
        "BATON_WATCHMAN=off asks nothing: {:?}",
        off.trace
    );
}

/// A ticket file no command made.
const BY_HAND: &str = "f00df00d-0000-4000-8000-000000000000";

/// Mail filed with watchman answering is filed as in a copy of the store
/// with no cache at all: a reply found through the mail index, the same
/// reply after its ticket was edited in place behind baton's back (which
/// only watchman can name, the stamps kept being stale), and a new
/// customer's message, which opens a ticket after reading everyone's open
/// tickets a second time in the same run.
#[test]
fn mail_is_filed_with_watchman_as_without() {
    use crate::mail::fixture;
    use crate::mail_index::{ANSWERED, ID_MAIL, OTHER, desk, edit_in_place, same_filing_with};
    let env = desk();
    std::thread::sleep(SETTLE);
    let w = Watchman::start();
    w.watch(&env.store());
    let sock = w.sock();
    fn asking<'a>(sock: &Path) -> impl Fn(crate::common::Run<'a>) -> crate::common::Run<'a> + '_ {
        move |run| run.env_remove("BATON_WATCHMAN").env("WATCHMAN_SOCK", sock)
    }
    let on = asking(&sock);
    let first = same_filing_with(&env, "the first look", &fixture("plain.eml"), &on);
    assert!(first.shown.contains("\"duplicate\""), "{}", first.shown);
    assert!(
        first
            .trace
            .contains(&"watchman: no stamps kept, every file stamped".to_string()),
        "{:?}",
        first.trace
    );

    let reply = fixture("reply-in-reply-to.eml");
    let run = same_filing_with(&env, "a reply", &reply, &on);
    assert!(run.shown.contains("added"), "{}", run.shown);
    assert!(
        run.trace
            .contains(&"watchman: 0 ticket files changed since the stamps kept".to_string())
            && run
                .trace
                .contains(&"mail index: 1 candidates, 0 changed files read".to_string()),
        "{:?}",
        run.trace
    );

    edit_in_place(&env, ID_MAIL, ANSWERED, OTHER);
    let run = same_filing_with(&env, "the answered ticket edited in place", &reply, &on);
    assert!(
        run.trace
            .contains(&"watchman: 1 ticket files changed since the stamps kept".to_string()),
        "{:?}",
        run.trace
    );

    let run = same_filing_with(
        &env,
        "a new customer",
        &fixture("quoted-printable.eml"),
        &on,
    );
    assert!(run.shown.contains("\"created\""), "{}", run.shown);
}
