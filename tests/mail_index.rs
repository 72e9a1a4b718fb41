//! The mail index in `.local/cache/mail` may only ever save work: whatever
//! happens to it (stale, damaged, deleted, unwritable) or behind its back
//! (a ticket edited in place, replaced as git checkout does, deleted), a
//! message is filed exactly as it is in a copy of the store with no cache at
//! all. Each case first proves the index is in use (the `BATON_TRACE`
//! lines), then changes something and delivers the same message to both.

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::cache::{copies, copy_tree, set_mtime};
use crate::common::{ID_A, ID_B, Output, Run, TestEnv, at};
use crate::mail::fixture;

/// The ticket `plain.eml` opens; `reply-in-reply-to.eml` answers it.
pub(crate) const ID_MAIL: &str = "a0a0a0a0-0000-4000-8000-000000000000";
/// The id a message that opens a ticket gets, in both stores.
const ID_NEW: &str = "f0f0f0f0-0000-4000-8000-000000000000";
/// The Message-ID the reply answers, as `plain.eml`'s ticket records it,
/// and the same length changed by one letter.
pub(crate) const ANSWERED: &str = "CAF=3kT9x1Zq@mail.gmail.com";
pub(crate) const OTHER: &str = "CAF=3kT9x1Zz@mail.gmail.com";

/// Long enough for a file to settle (see tests/cache.rs).
const SETTLE: Duration = Duration::from_millis(2200);

/// Three tickets: one from mail (jan's refund), two opened by hand, one of
/// them for jan too.
pub(crate) fn desk() -> TestEnv {
    let env = TestEnv::team();
    env.set_now(&at(0, 0));
    let out = env
        .cmd(&["new", "--from-mail"])
        .env("BATON_ID_SEED", ID_MAIL)
        .input(fixture("plain.eml"))
        .run();
    out.success();
    env.set_now(&at(0, 30));
    env.new_ticket_pinned(
        "ana",
        "Card charged twice",
        &["--customer", "jan.kowalski@example.com"],
        ID_A,
    );
    env.new_ticket_pinned(
        "ben",
        "Login fails",
        &["--customer", "eva@example.org"],
        ID_B,
    );
    env.set_now(&at(2, 0));
    env
}

/// Copies of one desk, so that all of them settle during the same wait.
fn desks(n: usize) -> Vec<TestEnv> {
    copies(desk(), n, &at(2, 0))
}

/// One delivery: what it showed (trace lines apart) and its trace.
pub(crate) struct Filed {
    pub(crate) shown: String,
    pub(crate) trace: Vec<String>,
}

fn deliver(env: &TestEnv, raw: &[u8], cwd: Option<&Path>) -> Filed {
    deliver_with(env, raw, cwd, |run| run)
}

/// [`deliver`], with the run set up by `how` too (watchman's socket).
pub(crate) fn deliver_with<'a>(
    env: &'a TestEnv,
    raw: &[u8],
    cwd: Option<&Path>,
    how: impl FnOnce(Run<'a>) -> Run<'a>,
) -> Filed {
    let mut run = env
        .cmd(&["new", "--from-mail", "--json"])
        .env("BATON_TRACE", "1")
        .env("BATON_ID_SEED", ID_NEW)
        .input(raw.to_vec());
    if let Some(dir) = cwd {
        run = run.cwd(dir);
    }
    let out = how(run).run();
    let (trace, stderr): (Vec<&str>, Vec<&str>) =
        out.stderr.lines().partition(|l| l.starts_with("trace: "));
    let shown = Output {
        stdout: out.stdout.clone(),
        stderr: stderr.iter().map(|l| format!("{l}\n")).collect(),
        code: out.code,
    }
    .render();
    Filed {
        shown,
        trace: trace.iter().map(|l| l[7..].to_string()).collect(),
    }
}

/// The ticket files of a store (`.local/` left out), by name.
fn tickets(store: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = fs::read_dir(store)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// Delivers `raw` to a copy of the store without `.local/` (so without any
/// cache) and to the store itself; asserts both showed and filed the same.
/// Returns the store's delivery.
#[track_caller]
fn same_filing(env: &TestEnv, case: &str, raw: &[u8]) -> Filed {
    same_filing_with(env, case, raw, |run| run)
}

/// [`same_filing`], the store's own delivery set up by `how` too.
#[track_caller]
pub(crate) fn same_filing_with<'a>(
    env: &'a TestEnv,
    case: &str,
    raw: &[u8],
    how: impl FnOnce(Run<'a>) -> Run<'a>,
) -> Filed {
    let root = env.root().join("cold");
    if root.exists() {
        fs::remove_dir_all(&root).unwrap();
    }
    let local = env.store().join(".local");
    copy_tree(&env.store(), &root.join("tickets"), &|p| p == local);
    let cold = deliver(env, raw, Some(&root));
    assert!(
        cold.trace
            .iter()
            .any(|l| l.contains("mail index: 0 candidates")),
        "{case}: the copy has no index: {:?}",
        cold.trace
    );
    let warm = deliver_with(env, raw, None, how);
    assert_eq!(
        warm.shown, cold.shown,
        "{case}: filed with the index and without"
    );
    assert_eq!(
        tickets(&env.store()),
        tickets(&root.join("tickets")),
        "{case}: the tickets after filing, with the index and without"
    );
    warm
}

/// Makes the index whole: a message every ticket already holds is filed
/// as a duplicate, changing nothing but the cache.
fn prime(env: &TestEnv) {
    let run = deliver(env, &fixture("plain.eml"), None);
    assert!(run.shown.contains("\"duplicate\""), "{}", run.shown);
}

fn index(env: &TestEnv) -> std::path::PathBuf {
    env.store().join(".local/cache/mail")
}

fn journal(env: &TestEnv) -> std::path::PathBuf {
    env.store().join(".local/cache/mail.journal")
}

/// Sets a file's modification time back, as a careful hand edit would.
pub(crate) fn edit_in_place(env: &TestEnv, id: &str, from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    let path = env.ticket_path(id);
    let before = fs::metadata(&path).unwrap();
    env.edit_ticket_file(id, from, to);
    set_mtime(&path, before.modified().unwrap());
    assert_eq!(fs::metadata(&path).unwrap().len(), before.len());
}

#[test]
fn a_reply_is_found_through_the_index_reading_only_its_ticket() {
    let envs = desks(1);
    let env = &envs[0];
    std::thread::sleep(SETTLE);
    prime(env);
    let run = same_filing(env, "warm", &fixture("reply-in-reply-to.eml"));
    assert!(run.shown.contains("added"), "{}", run.shown);
    assert!(
        run.trace
            .contains(&"mail index: 1 candidates, 0 changed files read".to_string()),
        "only the answered ticket is read: {:?}",
        run.trace
    );
    // The filing wrote its ticket and recorded it in the journal, so the
    // next message reads no changed file although the file is seconds old.
    assert!(
        run.trace
            .contains(&"mail index: the write appended its file".to_string()),
        "{:?}",
        run.trace
    );
    let again = deliver(env, &fixture("reply-in-reply-to.eml"), None);
    assert!(again.shown.contains("\"duplicate\""), "{}", again.shown);
    assert!(
        again
            .trace
            .contains(&"mail index: 1 candidates, 0 changed files read".to_string()),
        "{:?}",
        again.trace
    );
    // A note is a write like any other: the index learns of it the same way.
    env.baton_as("ana", &["note", "0b7c", "Called the bank"])
        .success();
    let third = deliver(env, &fixture("plain.eml"), None);
    assert!(
        third
            .trace
            .iter()
            .any(|l| l.ends_with(", 0 changed files read")),
        "{:?}",
        third.trace
    );
}

#[test]
fn changes_behind_the_index_and_damage_to_it_file_mail_as_without_it() {
    let envs = desks(8);
    std::thread::sleep(SETTLE);
    for env in &envs {
        prime(env);
    }
    let reply = fixture("reply-in-reply-to.eml");

    // Edited in place (same size, time set back): the answered id moves
    // from the mail's ticket to the other ticket of the same customer.
    let env = &envs[0];
    let text = env.ticket_text(ID_MAIL);
    assert!(text.contains(ANSWERED), "{text}");
    edit_in_place(env, ID_MAIL, ANSWERED, OTHER);
    let run = same_filing(env, "the answered ticket edited in place", &reply);
    assert!(
        run.shown.contains(&format!("\"{ID_NEW}\"")),
        "a new ticket: {}",
        run.shown
    );
    assert!(
        run.trace
            .iter()
            .any(|l| l.ends_with(", 1 changed files read")),
        "{:?}",
        run.trace
    );

    // Replaced as git checkout does: another ticket now holds the id.
    let env = &envs[1];
    let moved = env.ticket_text(ID_A).replace(
        "kind = \"created\"",
        &format!("kind = \"created\"\nmessage_id = \"{ANSWERED}\""),
    );
    edit_in_place(env, ID_MAIL, ANSWERED, OTHER);
    let tmp = env.root().join("checkout.toml");
    fs::write(&tmp, moved).unwrap();
    fs::rename(&tmp, env.ticket_path(ID_A)).unwrap();
    let run = same_filing(env, "replaced by git", &reply);
    assert!(run.shown.contains(ID_A), "{}", run.shown);

    // The answered ticket deleted.
    let env = &envs[2];
    fs::remove_file(env.ticket_path(ID_MAIL)).unwrap();
    same_filing(env, "the answered ticket deleted", &reply);

    // A stale index: one from before the answered ticket existed.
    let env = &envs[3];
    let stale = TestEnv::team();
    stale.new_ticket_pinned("ben", "Login fails", &[], ID_B);
    std::thread::sleep(SETTLE);
    prime_empty(&stale);
    fs::copy(index(&stale), index(env)).unwrap();
    let _ = fs::remove_file(journal(env));
    let run = same_filing(env, "stale", &reply);
    assert!(run.shown.contains(ID_MAIL), "{}", run.shown);

    // Damaged: flipped, truncated, a journal of garbage, a folder.
    let damages: [(&str, Damage); 4] = [
        ("flipped bytes", |env| {
            let mut bytes = fs::read(index(env)).unwrap();
            let mid = bytes.len() / 2;
            bytes[mid] ^= 0xff;
            fs::write(index(env), bytes).unwrap();
        }),
        ("truncated", |env| {
            let bytes = fs::read(index(env)).unwrap();
            fs::write(index(env), &bytes[..bytes.len() / 2]).unwrap();
        }),
        ("a journal of garbage", |env| {
            fs::write(journal(env), b"\x10\0\0\0garbage and more garbage").unwrap();
        }),
        ("a folder", |env| {
            fs::remove_file(index(env)).unwrap();
            fs::create_dir(index(env)).unwrap();
        }),
    ];
    for (env, (case, damage)) in envs[4..].iter().zip(damages) {
        edit_in_place(env, ID_MAIL, ANSWERED, OTHER);
        damage(env);
        same_filing(env, case, &reply);
    }
}

/// Damages the index of a store in some way.
type Damage = fn(&TestEnv);

/// Makes a store's index from a message that matches nothing.
fn prime_empty(env: &TestEnv) {
    let run = deliver(env, &fixture("plain.eml"), None);
    run.trace
        .iter()
        .find(|l| l.contains("written whole"))
        .expect("written");
}

#[cfg(unix)]
#[test]
fn a_read_only_cache_files_mail_as_without_it() {
    use std::os::unix::fs::PermissionsExt;
    let envs = desks(1);
    let env = &envs[0];
    std::thread::sleep(SETTLE);
    prime(env);
    let dir = env.store().join(".local/cache");
    edit_in_place(env, ID_MAIL, ANSWERED, OTHER);
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
    same_filing(env, "read-only", &fixture("reply-in-reply-to.eml"));
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
}
