//! Hostile input: broken files, strange bytes, escape sequences and paths.
//! Each gets a clear error or a safe display, never a panic.

use std::fs;

use crate::common::{ID_A, Output, TestEnv};

/// No panic, no crash: a clean exit with the expected code.
#[track_caller]
fn no_panic(out: &Output, code: i32, what: &str) {
    assert!(!out.stderr.contains("panicked"), "{what}: {}", out.stderr);
    assert_eq!(out.code, code, "{what}: {}", out.render());
}

/// A ticket file that starts valid, with one line replaced.
fn ticket_with(env: &TestEnv, from: &str, to: &str) {
    env.new_ticket_pinned("ana", "Refund", &[], ID_A);
    env.edit_ticket_file(ID_A, from, to);
}

#[test]
fn broken_ticket_files_are_named_never_rewritten() {
    // (what, from, to, words in the error)
    let cases = [
        (
            "malformed",
            "title = \"Refund\"",
            "title = \"Refund",
            "tickets/0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84.toml:2:",
        ),
        (
            "wrong type",
            "title = \"Refund\"",
            "title = 5",
            "invalid type",
        ),
        (
            "missing key",
            "owner = \"ana\"\n",
            "",
            "missing field `owner`",
        ),
        (
            "unknown status",
            "status = \"open\"",
            "status = \"pending\"",
            "unknown variant `pending`",
        ),
        (
            "duplicate key",
            "title = \"Refund\"",
            "title = \"Refund\"\ntitle = \"Again\"",
            "duplicate key",
        ),
        (
            "NUL byte",
            "title = \"Refund\"",
            "title = \"Ref\0und\"",
            ":2:",
        ),
        (
            "bad time",
            "created = 2026",
            "created = \"yesterday\" #",
            "expected a TOML datetime",
        ),
    ];
    for (what, from, to, words) in cases {
        let env = TestEnv::team();
        ticket_with(&env, from, to);
        let before = env.store_bytes();
        for args in [
            &["list"][..],
            &["show", "0b7c"],
            &["--as", "ana", "note", "0b7c", "x"],
            &["report"],
            &["escalate"],
        ] {
            let out = env.baton(args);
            no_panic(&out, 1, what);
            assert!(
                out.stderr.contains(words),
                "{what} {args:?}: {}",
                out.stderr
            );
        }
        assert_eq!(env.store_bytes(), before, "{what}: nothing was rewritten");
    }
}

#[test]
fn invalid_utf8_and_empty_files_are_errors_with_a_place() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund", &[], ID_A);
    let mut bytes = env.ticket_text(ID_A).into_bytes();
    bytes.splice(30..30, [b'\n', 0xff, 0xfe]);
    fs::write(env.ticket_path(ID_A), &bytes).unwrap();
    let out = env.baton(&["show", "0b7c"]);
    no_panic(&out, 1, "invalid UTF-8");
    assert!(
        out.stderr.contains(":2:1: the file is not valid UTF-8"),
        "{}",
        out.stderr
    );
    fs::write(env.ticket_path(ID_A), "").unwrap();
    let out = env.baton(&["show", "0b7c"]);
    no_panic(&out, 1, "empty file");
    assert!(out.stderr.contains("missing field"), "{}", out.stderr);
}

#[test]
fn a_twenty_megabyte_description_still_works() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Huge", &[], ID_A);
    let body = "All work and no play. ".repeat(1_000_000);
    env.edit_ticket_file(
        ID_A,
        "created = ",
        &format!("description = \"{body}\"\ncreated = "),
    );
    let out = env.baton(&["--json", "show", "0b7c"]);
    no_panic(&out, 0, "20 MB");
    assert_eq!(
        out.json()["description"].as_str().map(str::len),
        Some(body.len())
    );
    no_panic(
        &env.baton(&["--as", "ana", "note", "0b7c", "still fine"]),
        0,
        "20 MB write",
    );
}

#[test]
fn escape_sequences_in_ticket_text_are_shown_not_obeyed() {
    let env = TestEnv::team();
    let title = "Hi\x1b]0;pwned\x07 \x1b[31mred\r\u{202e}txt\u{9b}2J \u{0}nul";
    env.new_ticket_pinned(
        "ana",
        "placeholder",
        &["--customer", "evil\x1b[2J@example.com"],
        ID_A,
    );
    let escaped = toml::Value::String(title.into()).to_string();
    env.edit_ticket_file(
        ID_A,
        "title = \"placeholder\"",
        &format!("title = {escaped}"),
    );
    env.baton_as("ana", &["note", "0b7c", "line\x1b[1A\rover"])
        .success();
    for args in [
        &["list"][..],
        &["show", "0b7c"],
        &["report"],
        &["--as", "ana", "pass", "0b7c", "ben"],
    ] {
        let out = env.baton(args);
        no_panic(&out, 0, &format!("{args:?}"));
        for text in [&out.stdout, &out.stderr] {
            for bad in ['\x1b', '\r', '\u{202e}', '\u{9b}', '\0', '\x07'] {
                assert!(!text.contains(bad), "{args:?} printed {bad:?}: {text:?}");
            }
        }
    }
    let show = env.baton(&["show", "0b7c"]);
    assert!(
        show.stdout
            .contains("Hi\\e]0;pwned\\u{7} \\e[31mred\\r\\u{202e}txt"),
        "{}",
        show.stdout
    );
}

#[cfg(unix)]
#[test]
fn json_on_a_terminal_escapes_controls_and_json_to_a_pipe_stays_exact() {
    let env = TestEnv::team();
    let title = "a\u{9b}2J \u{202e}evil \u{061c}mark \u{2066}iso";
    env.new_ticket_pinned("ana", "placeholder", &[], ID_A);
    let escaped = toml::Value::String(title.into()).to_string();
    env.edit_ticket_file(
        ID_A,
        "title = \"placeholder\"",
        &format!("title = {escaped}"),
    );
    for args in [&["show", "0b7c", "--json"][..], &["list", "--json"]] {
        let (screen, code) = crate::common::finish(env.cmd(args).pty_without_stdin());
        assert_eq!(code, 0, "{screen}");
        for bad in ['\u{9b}', '\u{202e}', '\u{061c}', '\u{2066}'] {
            assert!(
                !screen.contains(bad),
                "{args:?} showed {bad:?} raw: {screen:?}"
            );
        }
        assert!(screen.contains("\\u202e"), "{screen}");
        let piped = env.baton(args);
        piped.success();
        assert!(
            piped.stdout.contains(title),
            "a pipe gets the text as it is"
        );
    }
}

#[test]
fn ids_that_look_like_paths_never_leave_the_store() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund", &[], ID_A);
    let before = env.store_bytes();
    for id in [
        "../../etc/passwd",
        "/tmp/x",
        "0b7c/../x",
        "..",
        "0b7c%2f..",
        "",
    ] {
        for args in [
            vec!["show", id],
            vec!["--as", "ana", "note", id, "x"],
            vec!["--as", "ana", "resolve", id],
        ] {
            let out = env.baton(&args);
            assert!(out.code == 1 || out.code == 2, "{args:?}: {}", out.render());
            assert!(!out.stderr.contains("panicked"), "{args:?}");
        }
    }
    assert_eq!(env.store_bytes(), before);
    assert!(!std::path::Path::new("/tmp/x.toml").exists());
}

#[test]
fn a_name_with_a_newline_is_refused_and_shown_escaped() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund", &[], ID_A);
    let out = env.baton(&["--as", "ana\nerror: fake", "note", "0b7c", "x"]);
    no_panic(&out, 1, "--as with a newline");
    assert_eq!(
        out.stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .count(),
        1,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("ana error: fake") || out.stderr.contains("ana\\nerror"),
        "{}",
        out.stderr
    );
    let out = env.baton(&["people", "add", "eve\nmallory", "--level", "1"]);
    assert_eq!(out.code, 2, "{}", out.render());
}

#[test]
fn broken_team_configs_are_refused_with_their_line() {
    let cases = [
        (
            "empty team",
            "[[people]]\nname = \"ana\"\nlevel = 1\n",
            "people = []\n",
            "no people",
        ),
        (
            "repeated name",
            "name = \"ana\"\nlevel = 1\n",
            "name = \"ana\"\nlevel = 1\n\n[[people]]\nname = \"ana\"\nlevel = 2\n",
            "listed twice",
        ),
        (
            "bad duration",
            "after = \"20h\"",
            "after = \"soon\"",
            "'soon' is not a duration",
        ),
        (
            "escalation after a lifetime",
            "after = \"20h\"",
            "after = \"100000000000h\"",
            "at most 3650d",
        ),
        (
            "first response after a lifetime",
            "first_response = \"1h\"",
            "first_response = \"100000000000h\"",
            "at most 3650d",
        ),
    ];
    for (what, from, to, words) in cases {
        let env = TestEnv::solo();
        env.edit_config(from, to);
        let commands = [
            &["list"][..],
            &["doctor"],
            &["--as", "ana", "new", "x"],
            &["escalate"],
            &["report"],
        ];
        for args in commands {
            let out = env.baton(args);
            no_panic(&out, 1, what);
            assert!(
                out.stderr.contains("baton.toml:") || out.stdout.contains("baton.toml:"),
                "{what} {args:?}: {}",
                out.render()
            );
            assert!(
                out.stderr.contains(words) || out.stdout.contains(words),
                "{what} {args:?}: {}",
                out.render()
            );
        }
    }
}

#[test]
fn durations_too_long_on_the_command_line_are_usage_errors() {
    let env = TestEnv::solo();
    env.new_ticket_pinned("ana", "Refund", &[], ID_A);
    for args in [
        &["escalate", "--warn", "100000000000h"][..],
        &["escalate", "--dry-run", "--warn", "3651d"],
        &["log", "0b7c", "18446744073709551615s"],
    ] {
        let out = env.baton(args);
        no_panic(&out, 2, &format!("{args:?}"));
        assert!(out.stderr.contains("at most 3650d"), "{}", out.render());
    }
    // The longest accepted duration still works end to end.
    env.baton(&["escalate", "--dry-run", "--warn", "3650d"])
        .success();
}

// The store's boundaries: what it reads, where it writes, whose it is.

/// Runs baton as `Run::run` does, but stops it after 20 seconds and caps its
/// address space at 1 GiB, so that a file which never ends (a pipe, a link
/// to `/dev/zero`) fails the test instead of taking the machine with it.
#[cfg(unix)]
fn bounded(run: crate::common::Run) -> Output {
    use std::os::unix::process::CommandExt;
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut cmd = run.command();
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    // SAFETY: setrlimit(2) is async-signal-safe and touches only the child.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 1 << 30,
                rlim_max: 1 << 30,
            };
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("the baton binary runs");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

#[cfg(unix)]
fn symlink(target: impl AsRef<std::path::Path>, link: &std::path::Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

/// The second ticket, which each case turns into something hostile.
const ID_B: &str = crate::common::ID_B;

#[cfg(unix)]
#[test]
fn ticket_files_that_are_not_plain_files_are_reported_and_never_block() {
    type Make = fn(&std::path::Path);
    // (what, how it is made, what the problem says)
    let cases: [(&str, Make, &str); 5] = [
        (
            "a link to /dev/zero",
            |p| symlink("/dev/zero", p),
            "it is a link to /dev/zero, outside the store",
        ),
        (
            "a named pipe",
            mkfifo,
            "it is a named pipe, not a plain file",
        ),
        (
            "a folder",
            |p| fs::create_dir(p).unwrap(),
            "it is a folder, not a plain file",
        ),
        (
            "a link to a named pipe in the store",
            |p| {
                let pipe = p.with_file_name("pipe");
                mkfifo(&pipe);
                symlink(&pipe, p);
            },
            "it is a named pipe, not a plain file",
        ),
        (
            "larger than 64 MiB",
            |p| {
                let f = fs::File::create(p).unwrap();
                f.set_len((64 << 20) + 1).unwrap();
            },
            "it is larger than the 64 MiB a file in the store may hold",
        ),
    ];
    for (what, make, words) in cases {
        let env = TestEnv::team();
        env.new_ticket_pinned("ana", "Refund", &[], ID_A);
        make(&env.ticket_path(ID_B));
        let problem = format!("tickets/{ID_B}.toml: {words}");
        for args in [
            &["list"][..],
            &["list", "--json"],
            &["report", "--month", "2026-11"],
            &["escalate", "--dry-run"],
            &["search", "refund"],
            &["show", "9a1f"],
        ] {
            let out = bounded(env.cmd(args));
            no_panic(&out, 1, &format!("{what}: {args:?}"));
            assert!(
                out.stderr.contains(&problem),
                "{what} {args:?}: {}",
                out.stderr
            );
        }
        let list = bounded(env.cmd(&["list"]));
        assert!(list.stdout.contains("Refund"), "{what}: {}", list.stdout);
        reported(&bounded(env.cmd(&["doctor"])), &problem);
    }
}

#[cfg(unix)]
#[test]
fn a_ticket_linked_from_outside_the_store_is_not_read_but_one_inside_is() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund", &[], ID_A);
    env.new_ticket_pinned("ana", "Kept elsewhere", &[], ID_B);
    let outside = env.root().join("elsewhere.toml");
    fs::rename(env.ticket_path(ID_B), &outside).unwrap();
    symlink(&outside, &env.ticket_path(ID_B));
    let problem = format!(
        "tickets/{ID_B}.toml: it is a link to {}, outside the store",
        fs::canonicalize(&outside).unwrap().display()
    );
    let out = env.baton(&["list", "--json"]);
    out.code(1);
    assert_eq!(out.json_strings("title"), ["Refund"]);
    assert!(out.stderr.contains(&problem), "{}", out.stderr);
    reported(&env.baton(&["doctor"]), &problem);
    let before = env.store_bytes();
    env.baton_as("ana", &["note", "9a1f", "x"]).code(1);
    assert_eq!(
        env.store_bytes(),
        before,
        "a write through the link is refused"
    );

    // The same file kept in a folder inside the store is read through the link.
    let shelf = env.store().join("shelf");
    fs::create_dir(&shelf).unwrap();
    fs::rename(&outside, shelf.join("kept.toml")).unwrap();
    fs::remove_file(env.ticket_path(ID_B)).unwrap();
    symlink("shelf/kept.toml", &env.ticket_path(ID_B));
    let out = env.baton(&["list", "--json"]);
    out.success();
    assert_eq!(out.json_strings("title"), ["Refund", "Kept elsewhere"]);
    env.baton(&["doctor"]).success();
}

/// Every kind of write, each refused the same way when `.local` is wrong.
const WRITES: [&[&str]; 4] = [
    &["--as", "ana", "note", "0b7c", "x"],
    &["--as", "ana", "new", "Another"],
    &["people", "add", "dan", "--level", "1"],
    &["escalate"],
];

/// Asserts that every kind of write fails with an error starting `start`,
/// and the hint that clears `.local` out of the way.
#[track_caller]
fn every_write_fails(env: &TestEnv, start: &str) {
    for args in WRITES {
        let out = env.baton(args);
        no_panic(&out, 1, &format!("{args:?}"));
        assert!(out.stderr.starts_with(start), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("\nhint: move it out of the way (mv tickets/.local tickets/.local.old)"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

/// Asserts that a `baton doctor` run found problems, `words` among them.
#[track_caller]
fn reported(doctor: &Output, words: &str) {
    no_panic(doctor, 1, "doctor");
    assert!(
        doctor.stdout.contains(words),
        "doctor does not report {words:?}:\n{}",
        doctor.stdout
    );
}

/// Every file under a folder with its bytes (links and pipes by their kind).
fn tree(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        let kind = fs::symlink_metadata(&path).unwrap().file_type();
        if kind.is_dir() {
            out.extend(tree(&path));
        } else if kind.is_file() {
            out.insert(path.clone(), fs::read(&path).unwrap());
        } else {
            out.insert(path.clone(), format!("{kind:?}").into_bytes());
        }
    }
    out
}

#[cfg(unix)]
#[test]
fn a_local_folder_that_is_a_link_is_refused_for_writes_and_its_cache_ignored() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund", &[], ID_A);
    let local = env.store().join(".local");
    let outside = env.root().join("outside");
    fs::rename(&local, &outside).unwrap();
    symlink(&outside, &local);
    // Long enough for the files to settle, so a reader would cache them.
    std::thread::sleep(std::time::Duration::from_millis(2200));
    let before = tree(&outside);
    let tickets = env.store_bytes();
    every_write_fails(
        &env,
        &format!(
            "error: tickets/.local is a link to {}, not a folder;",
            outside.display()
        ),
    );
    for args in [&["list"][..], &["report"], &["escalate", "--dry-run"]] {
        no_panic(&env.baton(args), 0, &format!("{args:?}"));
    }
    assert_eq!(tree(&outside), before, "nothing written through the link");
    reported(
        &env.baton(&["doctor"]),
        &format!(
            "tickets/.local: a link to {}, not a folder",
            outside.display()
        ),
    );
    assert_eq!(env.store_bytes(), tickets);
}

#[test]
fn a_local_that_is_a_file_fails_every_write_with_the_fix_and_doctor_reports_it() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund", &[], ID_A);
    let local = env.store().join(".local");
    fs::remove_dir_all(&local).unwrap();
    fs::write(&local, "not a folder\n").unwrap();
    let before = env.store_bytes();
    // Once a bare "cannot create tickets/.local: File exists (os error 17)".
    every_write_fails(&env, "error: tickets/.local is a file, not a folder;");
    no_panic(&env.baton(&["list"]), 0, "list");
    let doctor = env.baton(&["doctor"]);
    reported(&doctor, "tickets/.local: a file, not a folder");
    assert!(!doctor.stdout.contains("all well"), "{}", doctor.stdout);
    assert_eq!(env.store_bytes(), before);
}

#[cfg(unix)]
#[test]
fn folders_inside_local_that_are_links_are_never_written_through() {
    // (the folder in .local, the write that would use it, its input)
    let cases: [(&str, &[&str], &[u8]); 3] = [
        ("rejected", &["new", "--from-mail"], b"not mail at all"),
        ("backup", &["doctor", "--fix"], b""),
        ("cache", &["list"], b""),
    ];
    for (folder, args, input) in cases {
        let env = TestEnv::team();
        env.new_ticket_pinned("ana", "Refund", &[], ID_A);
        // A temp file for doctor --fix to back up, settled files for the cache.
        fs::write(env.store().join(".baton-left.tmp"), "half").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2200));
        let outside = env.root().join("outside");
        fs::create_dir(&outside).unwrap();
        let link = env.store().join(".local").join(folder);
        let _ = fs::remove_dir_all(&link);
        symlink(&outside, &link);
        let run = env.cmd(args).input(input.to_vec());
        let out = run.run();
        assert!(!out.stderr.contains("panicked"), "{folder}: {}", out.stderr);
        assert_eq!(
            tree(&outside),
            Default::default(),
            "{folder}: {}",
            out.render()
        );
        if folder != "cache" {
            // Mail that cannot be kept now goes back to the mail system,
            // which retries on 75 (EX_TEMPFAIL).
            out.code(if folder == "rejected" { 75 } else { 1 });
            assert!(
                out.stderr.contains(&format!(
                    "tickets/.local/{folder} is a link to {}, not a folder",
                    outside.display()
                )),
                "{folder}: {}",
                out.stderr
            );
        }
        reported(
            &env.baton(&["doctor"]),
            &format!("tickets/.local/{folder}: a link to"),
        );
    }
}

#[cfg(unix)]
#[test]
fn cache_files_and_a_lock_that_are_not_plain_files_never_block() {
    let env = TestEnv::team();
    env.new_ticket_pinned("ana", "Refund", &[], ID_A);
    std::thread::sleep(std::time::Duration::from_millis(2200));
    env.baton(&["list"]).success();
    let cache = env.store().join(".local/cache");
    for name in ["listing", "summaries"] {
        assert!(cache.join(name).is_file(), "the cache was written");
    }
    fs::remove_file(cache.join("listing")).unwrap();
    mkfifo(&cache.join("listing"));
    fs::remove_file(cache.join("summaries")).unwrap();
    symlink("/dev/zero", &cache.join("summaries"));
    let out = bounded(env.cmd(&["list", "--json"]));
    no_panic(&out, 0, "a cache of a pipe and a link");
    assert_eq!(out.json_strings("title"), ["Refund"]);

    let lock = env.store().join(".local/lock");
    let _ = fs::remove_file(&lock);
    mkfifo(&lock);
    let out = bounded(env.cmd(&["--as", "ana", "note", "0b7c", "x"]));
    no_panic(&out, 1, "a lock that is a pipe");
    assert!(
        out.stderr
            .starts_with("error: tickets/.local/lock is a named pipe, not a plain file;"),
        "{}",
        out.stderr
    );
    reported(
        &bounded(env.cmd(&["doctor"])),
        "tickets/.local/lock: a named pipe, not a plain file",
    );
}

#[test]
fn a_local_folder_tracked_by_git_is_reported() {
    let env = TestEnv::empty();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=ana", "-c", "user.email=ana@example.com"])
            .args(args)
            .current_dir(env.root())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    git(&["init", "-q"]);
    env.baton(&["init", "--name", "ana"]).success();
    env.baton(&["doctor"]).success();
    git(&["add", "-f", "tickets/.local/config.toml"]);
    git(&["commit", "-q", "-m", "with the local settings"]);
    reported(
        &env.baton(&["doctor"]),
        "tickets/.local: tracked by git, but it belongs to this copy of the store",
    );
}
