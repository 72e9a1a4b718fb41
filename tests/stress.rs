//! Many writers at once, and writers killed mid-write: no event lost, no
//! file half-written. Bounded: a few seconds each.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use crate::common::{ID_A, TestEnv};

fn run_all(commands: Vec<Command>) -> Vec<String> {
    let mut failures = Vec::new();
    for mut c in commands {
        let out = c.stdin(Stdio::null()).output().unwrap();
        if !out.status.success() {
            failures.push(String::from_utf8_lossy(&out.stderr).into_owned());
        }
    }
    failures
}

/// Runs each list of commands on a thread of its own, all at once; the
/// stderr of every command that failed.
fn run_concurrently(workers: Vec<Vec<Command>>) -> Vec<String> {
    let handles: Vec<_> = workers
        .into_iter()
        .map(|cmds| thread::spawn(move || run_all(cmds)))
        .collect();
    handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect()
}

#[test]
fn eight_writers_lose_no_event_while_others_create_and_sweep() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Shared ticket", &[], ID_A);
    // Two days on: the shared ticket is overdue for the sweeps below.
    env.set_now("2026-11-04T08:00:00Z");
    let mut workers: Vec<Vec<Command>> = (0..8)
        .map(|w| {
            (0..50)
                .map(|n| {
                    let text = format!("writer {w} change {n}");
                    env.cmd(&["--as", "ben", "note", "0b7c", &text]).command()
                })
                .collect()
        })
        .collect();
    for w in 0..2 {
        workers.push(
            (0..15)
                .map(|n| {
                    env.cmd(&["--as", "cora", "new", &format!("created by {w} #{n}")])
                        .command()
                })
                .collect(),
        );
    }
    workers.push((0..15).map(|_| env.cmd(&["escalate"]).command()).collect());
    let failures = run_concurrently(workers);
    assert!(failures.is_empty(), "{failures:?}");

    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for e in env.events(ID_A) {
        if let Some(text) = e.get("text").and_then(|t| t.as_str()) {
            *seen.entry(text.to_string()).or_default() += 1;
        }
    }
    assert_eq!(seen.len(), 400, "every change is there");
    assert!(seen.values().all(|&n| n == 1), "and only once");
    assert_eq!(
        env.ticket_ids().len(),
        31,
        "the shared ticket and 30 new ones"
    );
    let escalations = env
        .events(ID_A)
        .iter()
        .filter(|e| e["kind"].as_str() == Some("escalated"))
        .count();
    assert_eq!(
        escalations, 1,
        "fifteen sweeps escalated the overdue ticket once"
    );
    env.baton(&["doctor"]).success();
}

#[test]
fn writers_waiting_for_the_lock_on_the_real_clock_keep_the_history_in_order() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Shared ticket", &[], ID_A);
    // The real clock: a writer that read it and then waited for the lock
    // must not date its note before the one written meanwhile.
    let workers: Vec<Vec<Command>> = (0..8)
        .map(|w| {
            (0..30)
                .map(|n| {
                    env.cmd(&[
                        "--as",
                        "ben",
                        "note",
                        "0b7c",
                        &format!("writer {w} note {n}"),
                    ])
                    .env_remove("BATON_NOW")
                    .command()
                })
                .collect()
        })
        .collect();
    let failures = run_concurrently(workers);
    assert!(failures.is_empty(), "{failures:?}");
    let events = env.events(ID_A);
    assert_eq!(events.len(), 1 + 240, "every note is there");
    let times: Vec<String> = events.iter().map(|e| e["at"].to_string()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "no event is dated before the one above it");
    env.cmd(&["doctor"]).env_remove("BATON_NOW").run().success();
}

#[test]
fn a_writer_dates_its_event_when_it_holds_the_lock_never_before_the_event_above() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Shared ticket", &[], ID_A);
    // Hold the store lock as another baton would, and start a writer on
    // the real clock: it reads the clock, then waits.
    let lock = held_lock(&env);
    let writer = on_the_real_clock(
        &env,
        &["--as", "ben", "note", "0b7c", "waited for the lock"],
    );
    thread::sleep(Duration::from_millis(2100));
    // Meanwhile a clone whose clock runs ahead wrote the last event.
    let path = env.ticket_path(ID_A);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n[[events]]\nat = 2099-01-01T00:00:00Z\nby = \"ana\"\nkind = \"note\"\ntext = \"from a clock ahead\"\n");
    std::fs::write(&path, text).unwrap();
    drop(lock);
    let out = writer.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = env.events(ID_A);
    let last = events.last().unwrap();
    assert_eq!(last["text"].as_str(), Some("waited for the lock"));
    assert_eq!(
        last["at"].to_string(),
        "2099-01-01T00:00:00Z",
        "dated no earlier than the event above it"
    );

    // On a new ticket, with nothing above, the time is read once the lock
    // is held, not when the writer started.
    let lock = held_lock(&env);
    #[allow(clippy::disallowed_methods)] // the test compares with the real clock
    let started = chrono::Utc::now();
    let writer = on_the_real_clock(&env, &["--as", "ana", "new", "Waited for the lock"]);
    thread::sleep(Duration::from_millis(2100));
    drop(lock);
    let out = writer.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let created: chrono::DateTime<chrono::Utc> =
        env.events(&id)[0]["at"].to_string().parse().unwrap();
    use chrono::SubsecRound;
    assert!(
        created - started.trunc_subsecs(0) >= chrono::Duration::seconds(2),
        "created at {created}, the writer started at {started}"
    );
}

/// The store's lock, held as another baton would hold it, until dropped.
fn held_lock(env: &TestEnv) -> std::fs::File {
    let lock = std::fs::File::create(env.store().join(".local/lock")).unwrap();
    lock.lock().unwrap();
    lock
}

/// A baton started on the real clock (no `BATON_NOW`), its output piped.
fn on_the_real_clock(env: &TestEnv, args: &[&str]) -> std::process::Child {
    env.cmd(args)
        .env_remove("BATON_NOW")
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// A tiny deterministic generator, so a failure can be replayed.
pub struct Lcg(pub u64);
impl Lcg {
    /// The next number below `below` (which must not be 0).
    pub fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

#[test]
fn writers_killed_at_random_moments_never_leave_a_broken_ticket() {
    let env = TestEnv::team();
    // A large ticket makes every write take long enough to be interrupted.
    let body = env.root().join("body.txt");
    std::fs::write(&body, "x".repeat(3 * 1024 * 1024)).unwrap();
    let body = body.to_str().unwrap();
    env.new_ticket_pinned("ana", "Big ticket", &["--body-file", body], ID_A);
    // Kill within the time a whole write takes here, so some writers die
    // mid-way however fast the machine and the build are.
    let start = std::time::Instant::now();
    env.baton_as("ana", &["note", "0b7c", "timing"]).success();
    let window = (start.elapsed().as_millis() as u64 * 6 / 5).max(2);
    let mut rng = Lcg(7);
    let mut notes_written = 1;
    let mut killed = 0;
    for round in 0..30 {
        let mut child = if round % 3 == 0 {
            env.cmd(&["--as", "ana", "new", "Killed or not"]).command()
        } else {
            env.cmd(&["--as", "ana", "note", "0b7c", &format!("note {round}")])
                .command()
        }
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
        thread::sleep(Duration::from_millis(rng.next(window)));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if status.success() && round % 3 != 0 {
            notes_written += 1;
        }
        killed += usize::from(!status.success());
        // Whatever happened, every ticket reads whole.
        for id in env.ticket_ids() {
            let text = env.ticket_text(&id);
            assert!(!text.is_empty(), "round {round}: {id} is empty");
            baton::core::ticket::Ticket::parse(&text)
                .unwrap_or_else(|e| panic!("round {round}: {id} is broken: {e}"));
        }
    }
    let notes = env
        .events(ID_A)
        .iter()
        .filter(|e| e["kind"].as_str() == Some("note"))
        .count();
    assert!(
        notes >= notes_written,
        "a note that reported success is there"
    );
    assert!(
        killed >= 3,
        "only {killed} of 30 writers were interrupted; the test proves little"
    );
    eprintln!("{killed} of 30 writers killed; {notes_written} notes finished");
    // Leftover temp files are ignored by every command and cleared by doctor.
    env.baton(&["list"]).success();
    env.baton(&["doctor", "--fix"]).success();
    env.baton(&["doctor"]).success();
    let leftovers = std::fs::read_dir(env.store())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn a_writer_gives_up_on_a_stuck_lock_with_exit_75_naming_the_holder() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Shared ticket", &[], ID_A);
    env.edit_config("[sla]", "[store]\nlock_timeout = \"1s\"\n\n[sla]");
    // Another process holds the lock and never lets go.
    let mut lock = held_lock(&env);
    std::io::Write::write_all(&mut lock, b"4242\n").unwrap();
    let started = std::time::Instant::now();
    let out = env.baton_as("ben", &["note", "0b7c", "waiting in vain"]);
    out.code(75);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "it gave up in time"
    );
    assert!(
        out.stderr.contains("another baton (process 4242) held the store lock tickets/.local/lock for longer than 1s"),
        "{}",
        out.render()
    );
    let json = env.baton_as("ben", &["note", "0b7c", "again", "--json"]);
    json.code(75);
    let last: serde_json::Value =
        serde_json::from_str(json.stderr.lines().last().unwrap()).unwrap();
    assert_eq!(last["error"]["kind"], "locked");
    assert_eq!(env.events(ID_A).len(), 1, "nothing was written");
    // Once the holder is gone, the next writer goes ahead.
    drop(lock);
    env.baton_as("ben", &["note", "0b7c", "now"]).success();
}
