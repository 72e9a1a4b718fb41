//! A sealed test environment: every test gets its own temporary folder as home
//! and working folder, an environment emptied of everything but a fixed set of
//! variables, a fixed clock (`BATON_NOW`) and no stdin, and runs the real
//! `baton` binary in it.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use tempfile::TempDir;

/// The clock every command sees unless a test says otherwise: a Monday morning.
pub const T0: &str = "2026-11-02T08:00:00Z";

/// Fixed ticket ids for tests whose output shows ids.
pub const ID_A: &str = "0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84";
pub const ID_B: &str = "9a1f2c3d-1111-4222-8333-444455556666";
pub const ID_C: &str = "5e5e0000-aaaa-4bbb-8ccc-dddddddddddd";

/// `T0` moved by hours and minutes, as `BATON_NOW` takes it.
pub fn at(hours: i64, minutes: i64) -> String {
    let t0: DateTime<Utc> = T0.parse().unwrap();
    (t0 + Duration::hours(hours) + Duration::minutes(minutes))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The host's `PATH`, which the sealed environment keeps so that `git` and
/// `sh` are found: the one variable tests take from the host.
pub fn host_path() -> OsString {
    #[allow(clippy::disallowed_methods)] // tests run programs the host provides
    std::env::var_os("PATH").unwrap_or_default()
}

/// What one run of `baton` produced.
#[derive(Debug)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    /// The exit code; -1 when the process was killed by a signal.
    pub code: i32,
}

impl Output {
    /// Asserts a zero exit code, showing everything on failure.
    #[track_caller]
    pub fn success(&self) -> &Self {
        assert_eq!(self.code, 0, "expected success:\n{}", self.render());
        self
    }

    /// Asserts the exit code, showing everything on failure.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit code:\n{}", self.render());
        self
    }

    /// Stdout parsed as one JSON document.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.render()))
    }

    /// The string field `key` of each object in the JSON array on stdout.
    #[track_caller]
    pub fn json_strings(&self, key: &str) -> Vec<String> {
        self.json()
            .as_array()
            .unwrap_or_else(|| panic!("not a JSON array: {}", self.stdout))
            .iter()
            .map(|t| t[key].as_str().unwrap().to_string())
            .collect()
    }

    /// Stdout, stderr and the exit code in one text, for snapshots.
    pub fn render(&self) -> String {
        let mut s = self.stdout.clone();
        if !s.is_empty() && !s.ends_with('\n') {
            s.push_str("[no newline]\n");
        }
        if !self.stderr.is_empty() {
            s.push_str("------- stderr -------\n");
            s.push_str(&self.stderr);
            if !self.stderr.ends_with('\n') {
                s.push_str("[no newline]\n");
            }
        }
        s.push_str(&format!("[exit {}]", self.code));
        s
    }
}

/// One invocation being prepared: extra variables, another folder, another clock.
pub struct Run<'a> {
    env: &'a TestEnv,
    args: Vec<OsString>,
    vars: Vec<(String, OsString)>,
    removed: Vec<String>,
    cwd: Option<PathBuf>,
    input: Option<Vec<u8>>,
    umask: Option<u32>,
}

impl Run<'_> {
    /// Pipes these bytes into stdin, as a mail delivery agent does.
    pub fn input(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.input = Some(bytes.into());
        self
    }

    /// Sets (or overrides) an environment variable for this run.
    pub fn env(mut self, key: &str, value: impl Into<OsString>) -> Self {
        self.vars.push((key.to_string(), value.into()));
        self
    }

    /// Leaves a variable of the sealed set out of this run.
    pub fn env_remove(mut self, key: &str) -> Self {
        self.removed.push(key.to_string());
        self
    }

    /// Runs with this umask, as a login shell set it.
    pub fn umask(mut self, mask: u32) -> Self {
        self.umask = Some(mask);
        self
    }

    /// Runs with this `BATON_NOW`.
    pub fn now(self, now: &str) -> Self {
        self.env("BATON_NOW", now)
    }

    /// Runs in this folder instead of the temp folder.
    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// The process, ready to run or spawn.
    pub fn command(self) -> Command {
        let root = self.env.root();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_baton"));
        cmd.env_clear()
            .env("PATH", host_path())
            .env("HOME", root)
            .env("TZ", "UTC")
            .env("COLUMNS", "100")
            .env("NO_COLOR", "1")
            // On a pseudo-terminal, long output would wait in a pager for a
            // key; tests of the pager name their own.
            .env("PAGER", "cat")
            .env("BATON_NOW", self.env.now.borrow().as_str())
            .env("BATON_CONFIG", self.env.user_config_path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            // A watchman the machine runs is not the test's; tests of the
            // watcher start their own and turn this back on.
            .env("BATON_WATCHMAN", "off")
            .current_dir(self.cwd.as_deref().unwrap_or(root))
            .stdin(Stdio::null())
            .args(&self.args);
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
        for k in &self.removed {
            cmd.env_remove(k);
        }
        #[cfg(unix)]
        if let Some(mask) = self.umask {
            use std::os::unix::process::CommandExt;
            // SAFETY: umask(2) between fork and exec touches no memory.
            unsafe {
                cmd.pre_exec(move || {
                    libc::umask(mask as libc::mode_t);
                    Ok(())
                });
            }
        }
        cmd
    }

    /// Runs on a pseudo-terminal, as a person at the keyboard would: stdin,
    /// stdout and stderr are the terminal (`TERM=xterm`). Every expectation
    /// times out after 15 seconds, so a prompt nobody answers fails the test.
    #[cfg(unix)]
    pub fn pty(self) -> rexpect::session::PtySession {
        let mut cmd = self.env("TERM", "xterm").command();
        cmd.stdin(Stdio::inherit());
        spawn_pty(cmd)
    }

    /// Runs with stdout and stderr on a pseudo-terminal but stdin from
    /// nowhere, as in a pipeline or under cron with a terminal for output.
    #[cfg(unix)]
    pub fn pty_without_stdin(self) -> rexpect::session::PtySession {
        spawn_pty(self.env("TERM", "xterm").command())
    }

    pub fn run(self) -> Output {
        let input = self.input.clone();
        let mut cmd = self.command();
        let out = match input {
            None => cmd.output().expect("the baton binary runs"),
            Some(bytes) => {
                cmd.stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped());
                let mut child = cmd.spawn().expect("the baton binary runs");
                let mut stdin = child.stdin.take().unwrap();
                // From a thread: baton may stop reading (and exit) early.
                let writer = std::thread::spawn(move || {
                    let _ = std::io::Write::write_all(&mut stdin, &bytes);
                });
                let out = child.wait_with_output().expect("the baton binary runs");
                writer.join().unwrap();
                out
            }
        };
        Output {
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
            code: out.status.code().unwrap_or(-1),
        }
    }
}

#[cfg(unix)]
fn spawn_pty(cmd: Command) -> rexpect::session::PtySession {
    let options = rexpect::reader::Options::new().timeout_ms(Some(15_000));
    rexpect::session::spawn_with_options(cmd, options).expect("baton starts on a terminal")
}

/// Runs on a pseudo-terminal of this size (set with `stty` before baton
/// starts, as a terminal window would have it); what it printed until it
/// ended, and its exit code. A size of 0 is one the terminal does not report.
#[cfg(unix)]
pub fn on_sized_terminal(run: Run, columns: u16, rows: u16) -> (String, i32) {
    let inner = run.env("TERM", "xterm").command();
    let mut cmd = Command::new("sh");
    cmd.env_clear();
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    if let Some(dir) = inner.get_current_dir() {
        cmd.current_dir(dir);
    }
    cmd.arg("-c")
        .arg(format!(
            "stty cols {columns} rows {rows} && exec \"$0\" \"$@\""
        ))
        .arg(inner.get_program())
        .args(inner.get_args());
    finish(spawn_pty(cmd))
}

/// What a program on a pseudo-terminal printed until it ended, and its exit code.
#[cfg(unix)]
#[track_caller]
pub fn finish(mut session: rexpect::session::PtySession) -> (String, i32) {
    let rest = session.exp_eof().expect("the program ends");
    let code = match session.process().wait().expect("the program is waited for") {
        rexpect::process::WaitStatus::Exited(_, code) => code,
        other => panic!("the program did not exit normally: {other:?}\n{rest}"),
    };
    (rest, code)
}

/// A temporary home and working folder, with or without a store in it.
pub struct TestEnv {
    dir: TempDir,
    now: RefCell<String>,
}

impl TestEnv {
    /// An empty folder: no store yet.
    pub fn empty() -> TestEnv {
        TestEnv {
            dir: tempfile::Builder::new()
                .prefix("baton-test-")
                .tempdir()
                .unwrap(),
            now: RefCell::new(T0.to_string()),
        }
    }

    /// A store for a team of one: ana.
    pub fn solo() -> TestEnv {
        let env = TestEnv::empty();
        env.baton(&["init", "--name", "ana"]).success();
        env
    }

    /// A store with a three-level pyramid: ana (1), ben (2) and cora (3, the
    /// top), as a clone of a shared store sees it: without the creator's
    /// untracked local settings, so nobody is implied as the actor.
    pub fn team() -> TestEnv {
        let env = TestEnv::solo();
        env.baton(&["people", "add", "ben", "--level", "2"])
            .success();
        env.baton(&["people", "add", "cora", "--level", "3"])
            .success();
        fs::remove_file(env.store().join(".local/config.toml")).unwrap();
        env
    }

    /// The temporary folder: home and working folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The store folder `baton init` creates.
    pub fn store(&self) -> PathBuf {
        self.root().join("tickets")
    }

    /// Where `BATON_CONFIG` points; no file is there unless a test writes one.
    pub fn user_config_path(&self) -> PathBuf {
        self.root().join("user-config.toml")
    }

    /// Sets the clock for every later run.
    pub fn set_now(&self, now: &str) {
        *self.now.borrow_mut() = now.to_string();
    }

    /// Prepares a run with these arguments.
    pub fn cmd<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Run<'_> {
        Run {
            env: self,
            args: args.iter().map(|a| a.as_ref().to_os_string()).collect(),
            vars: Vec::new(),
            removed: Vec::new(),
            cwd: None,
            input: None,
            umask: None,
        }
    }

    /// Runs `baton` with these arguments.
    pub fn baton<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Output {
        self.cmd(args).run()
    }

    /// Runs `baton --as WHO` with these arguments.
    pub fn baton_as(&self, who: &str, args: &[&str]) -> Output {
        let mut all = vec!["--as", who];
        all.extend_from_slice(args);
        self.baton(&all)
    }

    /// Opens a ticket as `who` and returns its full id.
    #[track_caller]
    pub fn new_ticket(&self, who: &str, title: &str) -> String {
        self.new_ticket_with(who, title, &[])
    }

    /// Opens a ticket as `who` with more `baton new` flags and returns its full id.
    #[track_caller]
    pub fn new_ticket_with(&self, who: &str, title: &str, flags: &[&str]) -> String {
        let mut args = vec!["--as", who, "new", title];
        args.extend_from_slice(flags);
        let out = self.baton(&args);
        out.success();
        let id = out.stdout.trim().to_string();
        assert!(
            uuid::Uuid::try_parse(&id).is_ok(),
            "new printed {id:?}, not an id"
        );
        id
    }

    /// Opens a ticket with a fixed id (`BATON_ID_SEED`), so that output
    /// showing ids is stable.
    #[track_caller]
    pub fn new_ticket_pinned(&self, who: &str, title: &str, flags: &[&str], id: &str) -> String {
        let mut args = vec!["--as", who, "new", title];
        args.extend_from_slice(flags);
        let out = self.cmd(&args).env("BATON_ID_SEED", id).run();
        out.success();
        assert_eq!(out.stdout.trim(), id, "the seed names the new ticket");
        id.to_string()
    }

    /// Moves a ticket file to a new id, rewriting its `id` line.
    #[track_caller]
    pub fn rename_ticket(&self, from: &str, to: &str) {
        self.copy_ticket(from, to);
        fs::remove_file(self.ticket_path(from)).unwrap();
    }

    /// Writes a copy of a ticket under another id.
    #[track_caller]
    pub fn copy_ticket(&self, from: &str, to: &str) {
        let text = self.ticket_text(from);
        let old_line = format!("id = \"{from}\"\n");
        assert!(text.starts_with(&old_line), "{text}");
        let text = text.replacen(&old_line, &format!("id = \"{to}\"\n"), 1);
        fs::write(self.ticket_path(to), text).unwrap();
    }

    pub fn ticket_path(&self, id: &str) -> PathBuf {
        self.store().join(format!("{id}.toml"))
    }

    /// A ticket file's text.
    #[track_caller]
    pub fn ticket_text(&self, id: &str) -> String {
        fs::read_to_string(self.ticket_path(id)).unwrap()
    }

    /// A ticket file read as a TOML table.
    #[track_caller]
    pub fn ticket_toml(&self, id: &str) -> toml::Table {
        let text = self.ticket_text(id);
        toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    /// A ticket file's events, as TOML tables.
    #[track_caller]
    pub fn events(&self, id: &str) -> Vec<toml::Table> {
        self.ticket_toml(id)["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_table().unwrap().clone())
            .collect()
    }

    /// The text of a ticket file's last `[[events]]` table, without the header.
    #[track_caller]
    pub fn last_event_text(&self, id: &str) -> String {
        let text = self.ticket_text(id);
        let start = text.rfind("[[events]]\n").expect("the file has events");
        text[start + "[[events]]\n".len()..].to_string()
    }

    /// A string field of a ticket file.
    #[track_caller]
    pub fn field(&self, id: &str, key: &str) -> String {
        match &self.ticket_toml(id)[key] {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    /// Replaces text in a ticket file, failing when the text is not there.
    #[track_caller]
    pub fn edit_ticket_file(&self, id: &str, from: &str, to: &str) {
        let text = self.ticket_text(id);
        assert!(text.contains(from), "{from:?} is not in\n{text}");
        fs::write(self.ticket_path(id), text.replacen(from, to, 1)).unwrap();
    }

    /// Replaces text in the team config, failing when the text is not there.
    #[track_caller]
    pub fn edit_config(&self, from: &str, to: &str) {
        let path = self.store().join("baton.toml");
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from:?} is not in\n{text}");
        fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    /// Every file under the store with its bytes, for "nothing changed" checks.
    /// The lock file and the read cache in `.local/` are left out: taking the
    /// lock or caching a read is not a change.
    pub fn store_bytes(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                // The read cache may be written by any command, reads too
                // (once a file has settled, which a slow run reaches): it is
                // no part of what a command must leave unchanged, and
                // tests/cache.rs checks it on its own.
                if path.ends_with(".local/cache") {
                    continue;
                }
                if path.is_dir() {
                    walk(&path, out);
                } else if path.file_name().is_some_and(|n| n != "lock") {
                    out.insert(path.clone(), fs::read(&path).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.store(), &mut out);
        out
    }

    /// The ids of every ticket file in the store, sorted.
    pub fn ticket_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = fs::read_dir(self.store())
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().into_string().unwrap();
                let stem = name.strip_suffix(".toml")?;
                uuid::Uuid::try_parse(stem).ok().map(|_| stem.to_string())
            })
            .collect();
        ids.sort();
        ids
    }
}

/// The keys of a JSON object, sorted.
#[track_caller]
pub fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

/// The `kind` of each event in a ticket JSON document.
#[track_caller]
pub fn event_kinds(ticket: &Value) -> Vec<String> {
    ticket["events"]
        .as_array()
        .unwrap_or_else(|| panic!("no events in {ticket}"))
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}
