//! git as a subprocess, always with argument lists and never through a shell.

use std::path::Path;
use std::process::Command;

/// A `git config` value as git resolves it from `dir`, or `None` when git is
/// missing, the key is unset or git fails.
pub fn config_value(dir: &Path, key: &str) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["config", "--get", key])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let value = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!value.is_empty()).then_some(value)
}

/// Whether `dir` lies inside a git work tree.
pub fn in_work_tree(dir: &Path) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--is-inside-work-tree"])
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"true"))
}

/// The `merge` attribute git applies to `file` (relative to `dir`), if any.
pub fn merge_attribute(dir: &Path, file: &str) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["check-attr", "merge", "--", file])
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    // "path: merge: baton"
    let value = text.trim().rsplit(": ").next()?.to_string();
    (out.status.success() && value != "unspecified" && value != "unset").then_some(value)
}
