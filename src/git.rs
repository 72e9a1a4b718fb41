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
