//! The cache in `.local/cache/` may only ever save work. Whatever happens to
//! it (damaged, stale, unwritable) or behind its back (files edited, replaced,
//! added, removed), every command answers exactly as it does with no cache at
//! all. Each case first proves the cache is in use (the `BATON_TRACE` lines),
//! then changes something and compares every answer with one from a copy of
//! the store that has no cache.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{ID_A, ID_B, ID_C, Output, TestEnv, at};

const ID_D: &str = "d0d0d0d0-0000-4000-8000-000000000000";
const ID_E: &str = "e0e0e0e0-0000-4000-8000-000000000000";
/// Shares the prefix `0b7c` with `ID_A`.
const ID_CLASH: &str = "0b7c0000-0000-4000-8000-000000000000";

/// Long enough for a file to settle: the cache keeps nothing read from a
/// file that changed less than 2 s before the run began.
pub(crate) const SETTLE: Duration = Duration::from_millis(2200);

/// Within this time of a change, no run can have cached what it read from
/// the changed file, so the trace of every run is known. (A run later than
/// that may have cached it; its trace is then not checked, its output is.)
const FRESH: Duration = Duration::from_millis(1500);

/// Four tickets, seen at T0+30h: ana's refund and ben's login problem are
/// overdue, cora's printer is waiting, ana's question is resolved.
pub(crate) fn desk() -> TestEnv {
    let env = TestEnv::team();
    env.set_now(&at(0, 0));
    env.new_ticket_pinned(
        "ana",
        "Refund not received",
        &["--customer", "jan@example.com", "--priority", "high"],
        ID_A,
    );
    env.set_now(&at(0, 30));
    env.baton_as("ana", &["reply", "0b7c", "Looking into it"])
        .success();
    env.baton_as("ana", &["log", "0b7c", "45m"]).success();
    env.set_now(&at(1, 0));
    env.new_ticket_pinned(
        "ben",
        "Login fails",
        &["--customer", "eva@example.org"],
        ID_B,
    );
    env.set_now(&at(2, 0));
    env.new_ticket_pinned("cora", "Printer on fire", &["--priority", "low"], ID_C);
    env.set_now(&at(3, 0));
    env.baton_as("cora", &["wait", "5e5e"]).success();
    env.set_now(&at(4, 0));
    env.new_ticket_pinned("ana", "Old question", &[], ID_D);
    env.set_now(&at(5, 0));
    env.baton_as("ana", &["resolve", "d0d0"]).success();
    env.baton_as("ben", &["rate", "d0d0", "4"]).success();
    env.set_now(&at(30, 0));
    env
}

/// The commands answered from the cache, and `show` of a prefix, which is
/// resolved from the cached listing.
pub(crate) fn commands(prefix: &str) -> Vec<Vec<String>> {
    [
        vec!["list", "--all", "--json"],
        vec!["report", "--month", "2026-11", "--json"],
        vec!["escalate", "--dry-run", "--json"],
        vec!["show", prefix],
    ]
    .into_iter()
    .map(|c| c.into_iter().map(String::from).collect())
    .collect()
}

/// One traced run: what it showed (stdout, stderr without the trace lines,
/// exit code) and the trace lines.
pub(crate) struct Traced {
    pub(crate) shown: String,
    pub(crate) trace: Vec<String>,
}

pub(crate) fn traced(env: &TestEnv, args: &[String], cwd: Option<&Path>) -> Traced {
    let mut run = env.cmd(args).env("BATON_TRACE", "1");
    if let Some(dir) = cwd {
        run = run.cwd(dir);
    }
    split(run.run())
}

/// What a run showed, and its trace lines apart.
pub(crate) fn split(out: Output) -> Traced {
    let mut trace = Vec::new();
    let mut stderr = String::new();
    for line in out.stderr.lines() {
        match line.strip_prefix("trace: ") {
            Some(t) => trace.push(t.to_string()),
            None => stderr.push_str(&format!("{line}\n")),
        }
    }
    let shown = Output {
        stdout: out.stdout,
        stderr,
        code: out.code,
    }
    .render();
    Traced { shown, trace }
}

fn listing_cached(n: usize) -> String {
    format!("listing: {n} ids from the cache")
}

fn listing_read(n: usize) -> String {
    format!("listing: read the folder, {n} ids")
}

fn summaries(hits: usize, read: usize) -> String {
    format!("summaries: {hits} from the cache, {read} read from files")
}

/// Asserts what a run took from the cache: every command lists the folder,
/// all but `show` read the summaries. Failed cache writes, and a cache left
/// alone because it is not in a real folder, are not counted.
#[track_caller]
fn expect_trace(run: &Traced, args: &[String], listing: &str, summaries: &str) {
    let lines: Vec<&str> = run
        .trace
        .iter()
        .map(String::as_str)
        .filter(|l| {
            !l.starts_with("cache not written")
                && !l.starts_with("cache not used")
                && !l.starts_with("summaries cache: ")
        })
        .collect();
    let want = if args[0] == "show" {
        vec![listing]
    } else {
        vec![listing, summaries]
    };
    assert_eq!(
        lines,
        want,
        "trace of baton {}\n{}",
        args.join(" "),
        run.shown
    );
}

fn unwritten(run: &Traced) -> bool {
    run.trace.iter().any(|l| l.starts_with("cache not written"))
}

/// Whether the run left the cache alone, neither reading nor writing it.
fn unused(run: &Traced, why: &str) -> bool {
    run.trace
        .iter()
        .any(|l| l.strip_prefix("cache not used: ") == Some(why))
}

/// Copies a folder tree, leaving out what `skip` names.
pub(crate) fn copy_tree(from: &Path, to: &Path, skip: &dyn Fn(&Path) -> bool) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if skip(&path) {
            continue;
        }
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&path, &dest, skip);
        } else {
            fs::copy(&path, &dest).unwrap();
        }
    }
}

/// What every command shows in a copy of the store without `.local/`, so
/// without any cache. The copy sits at `cold/tickets`, so paths in messages
/// read as they do in the store itself.
fn cold(env: &TestEnv, prefix: &str) -> Vec<String> {
    let root = env.root().join("cold");
    if root.exists() {
        fs::remove_dir_all(&root).unwrap();
    }
    let local = env.store().join(".local");
    copy_tree(&env.store(), &root.join("tickets"), &|p| p == local);
    // The outbox is no cache: `show` marks replies from it.
    if local.join("outbox").is_dir() {
        copy_tree(
            &local.join("outbox"),
            &root.join("tickets/.local/outbox"),
            &|_| false,
        );
    }
    commands(prefix)
        .iter()
        .map(|args| {
            let run = traced(env, args, Some(&root));
            let n = env.ticket_ids().len();
            expect_trace(&run, args, &listing_read(n), &summaries(0, n));
            run.shown
        })
        .collect()
}

/// Makes sure the cache holds the whole store: one run writes what is
/// missing (every file has settled by now).
fn prime(env: &TestEnv) {
    env.baton(&["list", "--all", "--json"]);
}

/// Runs every command and asserts each took everything from the cache.
/// Returns what they showed.
#[track_caller]
fn assert_warm(env: &TestEnv, prefix: &str) -> Vec<String> {
    prime(env);
    let n = env.ticket_ids().len();
    commands(prefix)
        .iter()
        .map(|args| {
            let run = traced(env, args, None);
            expect_trace(&run, args, &listing_cached(n), &summaries(n, 0));
            run.shown
        })
        .collect()
}

/// Runs every command after a change to the ticket files made at `changed`:
/// each shows what it shows without a cache, and while the change is fresh,
/// took from the cache what `listing` and `summaries` say.
#[track_caller]
fn assert_seen(
    env: &TestEnv,
    case: &str,
    prefix: &str,
    changed: Instant,
    listing: &str,
    summaries: &str,
) -> Vec<String> {
    let want = cold(env, prefix);
    commands(prefix)
        .iter()
        .zip(&want)
        .enumerate()
        .map(|(i, (args, want))| {
            let fresh = changed.elapsed() < FRESH;
            let run = traced(env, args, None);
            // The first run after the change always finds the cache as it
            // was; later ones only while nothing can have settled.
            if i == 0 || fresh {
                expect_trace(&run, args, listing, summaries);
            }
            assert_eq!(
                &run.shown,
                want,
                "{case}: baton {} with the cache and without",
                args.join(" ")
            );
            run.shown
        })
        .collect()
}

fn cache_dir(env: &TestEnv) -> std::path::PathBuf {
    env.store().join(".local/cache")
}

/// The two cache files, and which of them a damage hits.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    Listing,
    Summaries,
    Both,
}

impl Target {
    fn files(self) -> &'static [&'static str] {
        match self {
            Target::Listing => &["listing"],
            Target::Summaries => &["summaries"],
            Target::Both => &["listing", "summaries"],
        }
    }
}

/// Damages a cache file in place.
type Damage = fn(&Path);

pub(crate) fn flip_middle(p: &Path) {
    let mut bytes = fs::read(p).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    fs::write(p, bytes).unwrap();
}

/// Flips a byte of the summaries file's header (its row count).
fn flip_header(p: &Path) {
    let mut bytes = fs::read(p).unwrap();
    bytes[16] ^= 0x01;
    fs::write(p, bytes).unwrap();
}

/// How many summaries a run read from the files, by its trace.
fn read_again(run: &Traced) -> usize {
    run.trace
        .iter()
        .find_map(|l| {
            let rest = l.strip_prefix("summaries: ")?;
            let (_, read) = rest.split_once(" from the cache, ")?;
            read.strip_suffix(" read from files")?.parse().ok()
        })
        .unwrap_or(0)
}

pub(crate) fn truncate(p: &Path) {
    let bytes = fs::read(p).unwrap();
    fs::write(p, &bytes[..bytes.len() / 2]).unwrap();
}

pub(crate) fn empty(p: &Path) {
    fs::write(p, b"").unwrap();
}

pub(crate) fn delete(p: &Path) {
    fs::remove_file(p).unwrap();
}

pub(crate) fn directory(p: &Path) {
    fs::remove_file(p).unwrap();
    fs::create_dir(p).unwrap();
    fs::write(p.join("x"), b"x").unwrap();
}

/// Sets a file's modification time back to what it was, as a careful hand
/// edit (or a tool that keeps times) would.
pub(crate) fn set_mtime(path: &Path, to: std::time::SystemTime) {
    fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(to)
        .unwrap();
}

#[cfg(unix)]
fn inode(meta: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_: &fs::Metadata) -> u64 {
    0
}

/// Rewrites a ticket file in place with one same-length replacement and its
/// old modification time: only the change time (and the content) differ.
#[track_caller]
pub(crate) fn edit_in_place(env: &TestEnv, id: &str, from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    let path = env.ticket_path(id);
    let before = fs::metadata(&path).unwrap();
    env.edit_ticket_file(id, from, to);
    set_mtime(&path, before.modified().unwrap());
    let after = fs::metadata(&path).unwrap();
    assert_eq!(
        (after.len(), inode(&after), after.modified().unwrap()),
        (before.len(), inode(&before), before.modified().unwrap()),
        "size, inode and modification time are unchanged"
    );
}

#[test]
fn a_damaged_or_stale_cache_is_ignored_and_rebuilt() {
    let env = desk();
    std::thread::sleep(SETTLE);
    assert_warm(&env, "0b7c");

    // An older state of the cache, from before a ticket changed and another
    // was added (each file with its journal as it was).
    let dir = cache_dir(&env);
    let old: Vec<(&str, Option<Vec<u8>>)> = [
        "listing",
        "listing.journal",
        "summaries",
        "summaries.journal",
    ]
    .into_iter()
    .map(|f| (f, fs::read(dir.join(f)).ok()))
    .collect();
    env.baton_as("ana", &["resolve", "0b7c"]).success();
    env.new_ticket_pinned("ben", "Invoice address", &[], ID_E);
    std::thread::sleep(SETTLE);
    let want = cold(&env, "0b7c");
    assert_warm(&env, "0b7c");

    // 4 of the 5 summaries were cached in the old state; ID_A's has changed.
    for target in [Target::Listing, Target::Summaries, Target::Both] {
        for (args, want) in commands("0b7c").iter().zip(&want) {
            prime(&env);
            let warm = traced(&env, args, None);
            expect_trace(&warm, args, &listing_cached(5), &summaries(5, 0));
            // The old state of a file is the summaries with their journal.
            for (file, bytes) in &old {
                if target.files().iter().any(|t| file.starts_with(t)) {
                    match bytes {
                        Some(bytes) => fs::write(dir.join(file), bytes).unwrap(),
                        None => {
                            let _ = fs::remove_file(dir.join(file));
                        }
                    }
                }
            }
            let run = traced(&env, args, None);
            let (listing, sums) = match target {
                Target::Listing => (listing_read(5), summaries(5, 0)),
                Target::Summaries => (listing_cached(5), summaries(3, 2)),
                Target::Both => (listing_read(5), summaries(3, 2)),
            };
            expect_trace(&run, args, &listing, &sums);
            assert_eq!(
                &run.shown,
                want,
                "stale {target:?}: baton {} with the cache and without",
                args.join(" ")
            );
        }
    }

    let damages: [(&str, Damage, Target); 12] = [
        ("flipped bytes", flip_middle, Target::Listing),
        ("flipped bytes", flip_middle, Target::Summaries),
        ("a flipped header", flip_header, Target::Summaries),
        ("truncated", truncate, Target::Listing),
        ("truncated", truncate, Target::Summaries),
        ("empty", empty, Target::Listing),
        ("empty", empty, Target::Summaries),
        ("deleted", delete, Target::Listing),
        ("deleted", delete, Target::Summaries),
        ("a directory", directory, Target::Listing),
        ("a directory", directory, Target::Summaries),
        (
            "the folder deleted",
            |p| fs::remove_dir_all(p.parent().unwrap()).unwrap(),
            Target::Both,
        ),
    ];
    for (case, damage, target) in damages {
        for (args, want) in commands("0b7c").iter().zip(&want) {
            prime(&env);
            let warm = traced(&env, args, None);
            expect_trace(&warm, args, &listing_cached(5), &summaries(5, 0));
            damage(&dir.join(target.files()[0]));
            let run = traced(&env, args, None);
            let (listing, sums) = match target {
                Target::Listing => (listing_read(5), summaries(5, 0)),
                Target::Summaries => (listing_cached(5), summaries(0, 5)),
                Target::Both => (listing_read(5), summaries(0, 5)),
            };
            // The summaries file checks each row and each summary on its
            // own: damage inside it costs only the summaries it touches,
            // and only when the command needs them.
            let sums = match (case, target) {
                ("flipped bytes" | "truncated", Target::Summaries) => {
                    let read = read_again(&run);
                    let most = if case == "truncated" { 5 } else { 1 };
                    assert!(read <= most, "{case}: {read} read again\n{:?}", run.trace);
                    summaries(5 - read, read)
                }
                _ => sums,
            };
            expect_trace(&run, args, &listing, &sums);
            assert_eq!(
                &run.shown,
                want,
                "{case} {target:?}: baton {} with the cache and without",
                args.join(" ")
            );
            // A directory in its place cannot be written over; clear it so
            // the next round starts from a whole cache again.
            for file in target.files() {
                let p = dir.join(file);
                if p.is_dir() {
                    assert!(unwritten(&run) || args[0] == "show", "{}", run.shown);
                    fs::remove_dir_all(p).unwrap();
                }
            }
        }
    }
}

/// Copies of one store, one per case below, so that all of them settle
/// during the same wait.
fn desks(n: usize) -> Vec<TestEnv> {
    copies(desk(), n, &at(30, 0))
}

/// `first` and `n - 1` copies of it, each with the clock at `now`.
pub fn copies(first: TestEnv, n: usize, now: &str) -> Vec<TestEnv> {
    let mut all: Vec<TestEnv> = (1..n)
        .map(|_| {
            let env = TestEnv::empty();
            copy_tree(first.root(), env.root(), &|_| false);
            env.set_now(now);
            env
        })
        .collect();
    all.insert(0, first);
    all
}

#[test]
fn changes_behind_the_cache_are_seen_and_a_cache_that_cannot_be_written_is_harmless() {
    let envs = desks(7);
    // A ticket file that is a link to a file kept elsewhere in the store
    // (a link out of the store is never read).
    fs::create_dir(envs[6].store().join("shelf")).unwrap();
    let linked = envs[6].store().join("shelf/elsewhere.toml");
    fs::rename(envs[6].ticket_path(ID_B), &linked).unwrap();
    symlink(&linked, &envs[6].ticket_path(ID_B));
    std::thread::sleep(SETTLE);

    // A hand edit in place: same size, same inode, modification time set
    // back. Only the change time tells, and it is enough.
    let env = &envs[0];
    let before = assert_warm(env, "0b7c");
    let changed = Instant::now();
    edit_in_place(env, ID_A, "owner = \"ana\"", "owner = \"ben\"");
    let after = assert_seen(
        env,
        "edited in place",
        "0b7c",
        changed,
        &listing_cached(4),
        &summaries(3, 1),
    );
    assert_ne!(before[0], after[0], "the edit shows in the list");
    assert!(after[0].contains("\"owner\": \"ben\""), "{}", after[0]);
    // Read seconds after its change, the edited file is not cached yet: a
    // second edit within the same timestamp tick would otherwise go unseen.
    if changed.elapsed() < FRESH {
        let args = &commands("0b7c")[0];
        expect_trace(
            &traced(env, args, None),
            args,
            &listing_cached(4),
            &summaries(3, 1),
        );
    }
    // And one at once, without waiting, is seen.
    let changed = Instant::now();
    edit_in_place(env, ID_A, "Refund not received", "Refund not recEived");
    let again = assert_seen(
        env,
        "edited again at once",
        "0b7c",
        changed,
        &listing_cached(4),
        &summaries(3, 1),
    );
    assert!(again[0].contains("Refund not recEived"), "{}", again[0]);

    // A file replaced by another, renamed over it as git checkout does,
    // with the same size and modification time.
    let env = &envs[1];
    let before = assert_warm(env, "9a1f");
    let path = env.ticket_path(ID_B);
    let old = fs::metadata(&path).unwrap();
    let replacement = env.root().join("replacement.toml");
    fs::write(
        &replacement,
        env.ticket_text(ID_B).replace("Login fails", "Login fail!"),
    )
    .unwrap();
    set_mtime(&replacement, old.modified().unwrap());
    let changed = Instant::now();
    fs::rename(&replacement, &path).unwrap();
    let new = fs::metadata(&path).unwrap();
    assert_eq!(new.len(), old.len());
    assert_eq!(new.modified().unwrap(), old.modified().unwrap());
    let after = assert_seen(
        env,
        "renamed over",
        "9a1f",
        changed,
        &listing_read(4),
        &summaries(3, 1),
    );
    assert_ne!(before[3], after[3], "show reads the new file");
    assert!(after[0].contains("Login fail!"), "{}", after[0]);

    // A file added, one removed and a stray dropped in, all behind baton's
    // back; `show` of the removed ticket's prefix now finds nothing.
    let env = &envs[2];
    assert_warm(env, "5e5e");
    let changed = Instant::now();
    env.copy_ticket(ID_D, ID_E);
    fs::remove_file(env.ticket_path(ID_C)).unwrap();
    fs::write(env.store().join("notes.toml"), "x = 1\n").unwrap();
    let after = assert_seen(
        env,
        "added and removed",
        "5e5e",
        changed,
        &listing_read(4),
        &summaries(3, 1),
    );
    assert!(after[0].contains(ID_E) && !after[0].contains(ID_C));
    assert!(
        after[3].contains("no ticket matches '5e5e'"),
        "{}",
        after[3]
    );
    assert!(after[0].contains("notes.toml"), "{}", after[0]);

    // A new file whose id starts like an existing one: the prefix that
    // named one ticket is now ambiguous.
    let env = &envs[3];
    let before = assert_warm(env, "0b7c");
    assert!(before[3].ends_with("[exit 0]"), "{}", before[3]);
    let changed = Instant::now();
    env.copy_ticket(ID_A, ID_CLASH);
    let after = assert_seen(
        env,
        "prefix clash",
        "0b7c",
        changed,
        &listing_read(5),
        &summaries(4, 1),
    );
    assert!(
        after[3].contains("'0b7c' matches 2 tickets:"),
        "{}",
        after[3]
    );
    assert!(!after[3].ends_with("[exit 0]"), "{}", after[3]);

    // A read-only cache folder with damaged files in it. Root writes there
    // regardless; then only the answers are checked, not the failed write.
    let env = &envs[4];
    assert_warm(env, "0b7c");
    let dir = cache_dir(env);
    set_read_only(&dir, true);
    let writable = fs::write(dir.join("probe"), b"").is_ok();
    let _ = fs::remove_file(dir.join("probe"));
    let want = cold(env, "0b7c");
    for (args, want) in commands("0b7c").iter().zip(&want) {
        truncate(&dir.join("listing"));
        truncate(&dir.join("summaries"));
        let run = traced(env, args, None);
        expect_trace(&run, args, &listing_read(4), &summaries(0, 4));
        assert!(writable || unwritten(&run), "{}", run.trace.join("\n"));
        assert_eq!(&run.shown, want, "read-only: baton {}", args.join(" "));
    }
    set_read_only(&dir, false);

    // `.local` a file, not a folder: nothing can be cached, all still works.
    let env = &envs[5];
    assert_warm(env, "0b7c");
    let local = env.store().join(".local");
    fs::remove_dir_all(&local).unwrap();
    fs::write(&local, "not a folder\n").unwrap();
    let want = cold(env, "0b7c");
    for (args, want) in commands("0b7c").iter().zip(&want) {
        let run = traced(env, args, None);
        expect_trace(&run, args, &listing_read(4), &summaries(0, 4));
        assert!(
            unused(&run, "tickets/.local is a file"),
            "{}",
            run.trace.join("\n")
        );
        assert_eq!(&run.shown, want, ".local a file: baton {}", args.join(" "));
    }

    // A ticket file that links to a file on a shelf of the store, edited there: the link
    // itself does not change, what it points to does.
    let env = &envs[6];
    assert_warm(env, "9a1f");
    let changed = Instant::now();
    let text = fs::read_to_string(&linked).unwrap();
    fs::write(&linked, text.replace("Login fails", "Login fail!")).unwrap();
    let after = assert_seen(
        env,
        "linked file edited",
        "9a1f",
        changed,
        &listing_cached(4),
        &summaries(3, 1),
    );
    assert!(after[0].contains("Login fail!"), "{}", after[0]);
}

#[cfg(unix)]
pub(crate) fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[cfg(windows)]
pub(crate) fn symlink(target: &Path, link: &Path) {
    std::os::windows::fs::symlink_file(target, link).unwrap();
}

#[cfg(unix)]
pub(crate) fn set_read_only(dir: &Path, on: bool) {
    use std::os::unix::fs::PermissionsExt;
    let mode = if on { 0o555 } else { 0o755 };
    fs::set_permissions(dir, fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
pub(crate) fn set_read_only(dir: &Path, on: bool) {
    let mut perms = fs::metadata(dir).unwrap().permissions();
    perms.set_readonly(on);
    fs::set_permissions(dir, perms).unwrap();
}

/// A write through baton keeps the cached listing current (it holds the
/// lock and knows what it changed), so the next command takes the listing
/// from the cache instead of reading the folder, and answers as a run with
/// no cache does. A change another program made to the folder before the
/// write is not hidden by it: the listing is read again.
#[test]
fn a_write_keeps_the_listing_current_and_hides_no_other_change() {
    let envs = desks(2);
    std::thread::sleep(SETTLE);
    for env in &envs {
        prime(env);
    }
    let ours = &envs[0];
    ours.baton_as("ana", &["note", "0b7c", "Called the bank"])
        .success();
    ours.new_ticket_pinned("ben", "Printer again", &[], ID_E);
    let want = cold(ours, "0b7c");
    for (args, want) in commands("0b7c").iter().zip(&want) {
        let run = traced(ours, args, None);
        assert_eq!(run.trace[0], listing_cached(5), "baton {}", args.join(" "));
        assert_eq!(
            &run.shown,
            want,
            "baton {} with the cache and without",
            args.join(" ")
        );
    }

    let foreign = &envs[1];
    fs::write(foreign.store().join("notes.toml"), "kept by hand\n").unwrap();
    foreign
        .baton_as("ana", &["note", "0b7c", "Called the bank"])
        .success();
    let want = cold(foreign, "0b7c");
    for (i, (args, want)) in commands("0b7c").iter().zip(&want).enumerate() {
        let run = traced(foreign, args, None);
        if i == 0 {
            assert_eq!(run.trace[0], listing_read(4), "baton {}", args.join(" "));
        }
        assert_eq!(
            &run.shown,
            want,
            "baton {} with the cache and without",
            args.join(" ")
        );
    }
}

/// A write records its ticket's new summary beside the cache (it holds the
/// lock and knows what it wrote), so the next command reads no file and
/// does not rewrite the cache of every ticket: it reads the journal. Once
/// the journal has grown, a reader folds it into the cache. Every answer
/// stays the answer of a run with no cache.
#[test]
fn a_write_keeps_the_summaries_without_the_next_reader_rewriting_them() {
    let env = &primed();
    let dir = cache_dir(env);
    let whole = fs::read(dir.join("summaries")).unwrap();
    let note = noted(env);
    assert!(
        note.stderr
            .contains("trace: summaries cache: the write appended its file"),
        "{}",
        note.stderr
    );
    let want = cold(env, "0b7c");
    for (args, want) in commands("0b7c").iter().zip(&want) {
        let run = traced(env, args, None);
        expect_trace(&run, args, &listing_cached(4), &summaries(4, 0));
        assert!(
            !run.trace
                .iter()
                .any(|l| l.starts_with("summaries cache: written whole")),
            "baton {} rewrote the cache: {:?}",
            args.join(" "),
            run.trace
        );
        assert_eq!(
            &run.shown,
            want,
            "baton {} with the cache and without",
            args.join(" ")
        );
    }
    kept_by_journal(&dir, "summaries", &whole);

    // A journal grown past its bound is folded into the cache by a reader.
    let journal = fs::read(dir.join("summaries.journal")).unwrap();
    let mut grown = Vec::new();
    while grown.len() <= 300 << 10 {
        grown.extend_from_slice(&journal);
    }
    fs::write(dir.join("summaries.journal"), grown).unwrap();
    let args = &commands("0b7c")[0];
    let run = traced(env, args, None);
    expect_trace(&run, args, &listing_cached(4), &summaries(4, 0));
    assert!(
        run.trace
            .iter()
            .any(|l| l.starts_with("summaries cache: written whole")),
        "{:?}",
        run.trace
    );
    assert!(!dir.join("summaries.journal").exists());
    assert_eq!(run.shown, want[0]);
    let again = traced(env, args, None);
    expect_trace(&again, args, &listing_cached(4), &summaries(4, 0));
    assert_eq!(again.shown, want[0]);
}

/// A desk whose files have settled, its cache written whole.
fn primed() -> TestEnv {
    let env = desks(1).pop().unwrap();
    std::thread::sleep(SETTLE);
    prime(&env);
    env
}

/// Asserts the cache file `name` is byte for byte `whole`, as it was
/// before the writes, which went to its journal beside it.
#[track_caller]
fn kept_by_journal(dir: &Path, name: &str, whole: &[u8]) {
    assert_eq!(
        fs::read(dir.join(name)).unwrap(),
        whole,
        "{name} is as it was"
    );
    assert!(
        dir.join(format!("{name}.journal")).is_file(),
        "{name} has a journal"
    );
}

/// A note on `0b7c` by ana, traced.
fn noted(env: &TestEnv) -> Output {
    let note = env
        .cmd(&["--as", "ana", "note", "0b7c", "Called the bank"])
        .env("BATON_TRACE", "1")
        .run();
    note.success();
    note
}

/// A ticket file no command made.
const BY_HAND: &str = "f00df00d-0000-4000-8000-000000000000";

/// A write records its change to the folder in the listing's journal
/// instead of writing the listing of every ticket again; readers follow the
/// chain of such changes from the listing's stamp to the folder's. A file
/// added behind baton's back breaks the chain, and the folder is read.
#[test]
fn a_write_keeps_the_listing_by_its_journal_and_a_change_behind_it_breaks_the_chain() {
    let env = &primed();
    let dir = cache_dir(env);
    let whole = fs::read(dir.join("listing")).unwrap();
    let note = noted(env);
    assert!(
        note.stderr
            .contains("trace: listing: the write appended its change"),
        "{}",
        note.stderr
    );
    env.new_ticket_pinned("ben", "Invoice address", &[], ID_E);
    let want = cold(env, "0b7c");
    for (args, want) in commands("0b7c").iter().zip(&want) {
        let run = traced(env, args, None);
        assert_eq!(run.trace[0], listing_cached(5), "baton {}", args.join(" "));
        assert_eq!(
            &run.shown,
            want,
            "baton {} with the cache and without",
            args.join(" ")
        );
    }
    kept_by_journal(&dir, "listing", &whole);

    // A ticket file put there by hand, then a write through baton: the
    // write's change starts where the hand's ended, not where the journal
    // did, so the chain is broken and the folder is read. (Made a moment
    // later: a change within the same tick of the file clock as baton's
    // last write would leave the folder's stamp as it was, the window
    // docs/performance.md describes.)
    std::thread::sleep(std::time::Duration::from_millis(50));
    let by_hand = fs::read_to_string(env.ticket_path(ID_E))
        .unwrap()
        .replace(ID_E, BY_HAND)
        .replace("Invoice address", "Put here by hand");
    fs::write(env.ticket_path(BY_HAND), by_hand).unwrap();
    env.baton_as("ana", &["note", "0b7c", "Again"]).success();
    let want = cold(env, "0b7c");
    let args = &commands("0b7c")[0];
    let run = traced(env, args, None);
    assert_eq!(run.trace[0], listing_read(6), "{:?}", run.trace);
    assert_eq!(run.shown, want[0]);
    assert!(
        run.shown.contains("Put here by hand"),
        "the hand's ticket is listed: {}",
        run.shown
    );
}
