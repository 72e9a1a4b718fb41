//! Hooks: executables a team or a person installs to act on events (mail the
//! customer, post to a chat). One executable per event name, found only where
//! a clone cannot bring one in: the store's untracked `.local/hooks/` and the
//! user's own config folder. A hook gets the event as JSON on stdin and runs
//! after the change is saved; whatever it does, the change stands.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A hook found for an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// An executable to run.
    Run(PathBuf),
    /// A file that is there but will not run, and why.
    Refused(PathBuf, String),
}

/// Whether an event name can name a hook file: lowercase letters and `_`
/// only, so an unknown kind from a newer baton can never point at a path.
fn usable_name(event: &str) -> bool {
    !event.is_empty() && event.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    true
}

/// The hooks for `event` in these folders, in order. `untracked` proves a
/// file did not come with a clone (`Err` says why it cannot be proved);
/// only such files run.
pub fn find(
    dirs: &[PathBuf],
    event: &str,
    untracked: impl Fn(&Path) -> Result<(), String>,
) -> Vec<Found> {
    if !usable_name(event) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for dir in dirs {
        let path = dir.join(event);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() {
            out.push(Found::Refused(path, "is not a file".into()));
        } else if !is_executable(&meta) {
            out.push(Found::Refused(
                path,
                "is not executable (make it so with chmod +x)".into(),
            ));
        } else if let Err(why) = untracked(&path) {
            out.push(Found::Refused(path, why));
        } else {
            out.push(Found::Run(path));
        }
    }
    out
}

/// Stops a hook and everything it started.
fn kill(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        // The hook leads its own process group, so a shell script's children
        // (a `sleep`, a `sendmail`) go with it.
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: kill(2) with a negative pid signals a process group; it
            // touches no memory of ours.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
    let _ = child.kill();
}

fn describe(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("was killed by signal {signal}");
        }
    }
    match status.code() {
        Some(code) => format!("exited with status {code}"),
        None => "failed".to_string(),
    }
}

/// Runs one hook: `payload` on its stdin, its stdout sent to stderr (stdout
/// belongs to baton's own result), `env` added to the environment. A hook
/// still running after `timeout` is killed. `Err` says what went wrong.
pub fn run(
    path: &Path,
    payload: &[u8],
    env: &[(&str, String)],
    timeout: Duration,
) -> Result<(), String> {
    let mut cmd = Command::new(path);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::from(std::io::stderr()))
        .stderr(Stdio::inherit());
    // A hook that runs baton must not pass its own message on to the hooks
    // of that run: the message is set for the events that have one only.
    cmd.env_remove("BATON_MESSAGE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("could not be started: {e}"))?;
    // Written from a thread: a hook that reads nothing must not block baton
    // once the pipe is full. A hook that ignores its input is fine.
    let writer = child.stdin.take().map(|mut stdin| {
        let payload = payload.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&payload);
        })
    });
    let started = Instant::now();
    let mut pause = Duration::from_millis(2);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= timeout => {
                kill(&mut child);
                let _ = child.wait();
                if let Some(w) = writer {
                    let _ = w.join();
                }
                return Err(format!(
                    "did not finish within {} and was stopped",
                    humantime::format_duration(timeout)
                ));
            }
            Ok(None) => {
                std::thread::sleep(pause.min(timeout.saturating_sub(started.elapsed())));
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(e) => {
                kill(&mut child);
                return Err(format!("could not be waited for: {e}"));
            }
        }
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    if status.success() {
        Ok(())
    } else {
        Err(describe(status))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn script(dir: &Path, name: &str, body: &str, mode: u32) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    #[test]
    fn hooks_are_found_in_order_and_refused_with_a_reason() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let run_a = script(a.path(), "created", "true", 0o755);
        let plain = script(b.path(), "created", "true", 0o644);
        let dirs = [a.path().to_path_buf(), b.path().to_path_buf()];
        let found = find(&dirs, "created", |_| Ok(()));
        assert_eq!(found[0], Found::Run(run_a.clone()));
        assert!(
            matches!(&found[1], Found::Refused(p, why) if *p == plain && why.contains("chmod"))
        );
        let unproved = |p: &Path| {
            if p == run_a {
                Err("is tracked by git".to_string())
            } else {
                Ok(())
            }
        };
        let tracked = find(&dirs, "created", unproved);
        assert!(matches!(&tracked[0], Found::Refused(_, why) if why.contains("tracked")));
        assert!(find(&dirs, "../created", |_| Ok(())).is_empty());
        assert!(find(&dirs, "status", |_| Ok(())).is_empty());
    }

    #[test]
    fn a_hook_gets_its_input_and_its_failure_is_described() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("got");
        let ok = script(
            d.path(),
            "ok",
            &format!(
                "cat > '{}'; echo \"$BATON_EVENT\" >> '{}'",
                out.display(),
                out.display()
            ),
            0o755,
        );
        run(
            &ok,
            b"{\"x\":1}\n",
            &[("BATON_EVENT", "created".into())],
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "{\"x\":1}\ncreated\n"
        );
        let bad = script(d.path(), "bad", "exit 3", 0o755);
        assert_eq!(
            run(&bad, b"", &[], Duration::from_secs(5)).unwrap_err(),
            "exited with status 3"
        );
    }

    #[test]
    fn a_hook_past_its_timeout_is_stopped_with_its_children() {
        let d = tempfile::tempdir().unwrap();
        let slow = script(d.path(), "slow", "sleep 30 & sleep 30", 0o755);
        let started = Instant::now();
        let why = run(&slow, &[b'x'; 1 << 20], &[], Duration::from_millis(300)).unwrap_err();
        assert!(why.contains("did not finish within 300ms"), "{why}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
