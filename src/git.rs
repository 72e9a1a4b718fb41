//! git as a subprocess, always with argument lists and never through a shell:
//! reading config, and committing what a command changed.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(dir);
    cmd
}

/// Runs git and returns its output, or what went wrong as one line.
fn run<I, S>(dir: &Path, args: I) -> Result<Output, String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = git(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out)
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let why = stderr
            .lines()
            .chain(stdout.lines())
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("no message")
            .to_string();
        Err(format!("git {why}"))
    }
}

/// A `git config` value as git resolves it from `dir`, or `None` when git is
/// missing, the key is unset or git fails.
pub fn config_value(dir: &Path, key: &str) -> Option<String> {
    let out = run(dir, ["config", "--get", key]).ok()?;
    let value = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!value.is_empty()).then_some(value)
}

/// Commits exactly `paths` (inside `dir`) with `message`. Whatever else is
/// staged stays staged and out of the commit (`git commit --only`).
pub fn commit(dir: &Path, paths: &[PathBuf], message: &str) -> Result<(), String> {
    let rel: Vec<&Path> = paths
        .iter()
        .map(|p| p.strip_prefix(dir).unwrap_or(p))
        .collect();
    // New files must be known to git before `--only` can commit them.
    let mut add: Vec<&OsStr> = vec![OsStr::new("add"), OsStr::new("--")];
    add.extend(rel.iter().map(|p| p.as_os_str()));
    run(dir, &add)?;
    let head = ["commit", "--quiet", "--only", "-m", message, "--"];
    let mut commit: Vec<&OsStr> = head.iter().map(OsStr::new).collect();
    commit.extend(rel.iter().map(|p| p.as_os_str()));
    run(dir, &commit)?;
    Ok(())
}
