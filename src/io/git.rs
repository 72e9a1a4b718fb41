//! git as a subprocess, always with argument lists and never through a shell:
//! reading config, setting up the merge driver for ticket files, committing
//! what a command changed, and git's own line-by-line merge as the fallback.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::store::write_git_file;

/// The name of baton's merge driver in `.gitattributes` and the git config.
pub const DRIVER: &str = "baton";

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

/// The files under `dir` that git holds unmerged (a merge, rebase, cherry-pick
/// or stash pop stopped on them), as paths relative to `dir`; empty when git
/// is missing or `dir` is not in a work tree.
pub fn unmerged(dir: &Path) -> Vec<PathBuf> {
    let Ok(out) = run(
        dir,
        [
            "diff",
            "--name-only",
            "--diff-filter=U",
            "--relative",
            "--",
            ".",
        ],
    ) else {
        return Vec::new();
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(PathBuf::from)
        .collect()
}

/// Whether `dir`'s `.gitattributes` send ticket files to baton's merge driver
/// while this clone has not registered it: git would then merge them line by
/// line, and the first concurrent change would end in conflict markers.
pub fn driver_missing(dir: &Path) -> bool {
    // Registered in the repository's own config, as `baton init` leaves it:
    // nothing can be missing, and no git process is needed to know (two of
    // them cost a write a third of its time).
    if registered_in_own_config(dir) {
        return false;
    }
    let sample = "00000000-0000-4000-8000-000000000000.toml";
    merge_attribute(dir, sample).as_deref() == Some(DRIVER) && !merge_driver_registered(dir)
}

/// Whether the config file of the repository holding `dir` (the nearest
/// `.git` folder above it) has a `driver` under `[merge "baton"]`, read as
/// text. `false` when that cannot be told so (no `.git` folder, a worktree's
/// `.git` file, another spelling): the caller then asks git.
fn registered_in_own_config(dir: &Path) -> bool {
    let Some(git_dir) = dir
        .ancestors()
        .map(|d| d.join(".git"))
        .find(|g| g.exists())
        .filter(|g| g.is_dir())
    else {
        return false;
    };
    let Ok(text) = fs::read_to_string(git_dir.join("config")) else {
        return false;
    };
    driver_in(&text)
}

/// Whether git config text sets `driver` under `[merge "baton"]`.
fn driver_in(config: &str) -> bool {
    let mut inside = false;
    for line in config.lines().map(str::trim) {
        if line.starts_with('[') {
            let header: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            inside = header.eq_ignore_ascii_case(&format!("[merge\"{DRIVER}\"]"))
                && header.contains(&format!("\"{DRIVER}\""));
        } else if inside
            && line
                .split(['=', ' ', '\t'])
                .next()
                .is_some_and(|k| k.eq_ignore_ascii_case("driver"))
        {
            return true;
        }
    }
    false
}

/// The `merge` attribute git applies to `file` (relative to `dir`), if any.
pub fn merge_attribute(dir: &Path, file: &str) -> Option<String> {
    let out = run(dir, ["check-attr", "merge", "--", file]).ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    // "path: merge: baton"
    let value = text.trim().rsplit(": ").next()?.to_string();
    (value != "unspecified" && value != "unset").then_some(value)
}

/// What git says about one file: whether a clone can have brought it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tracking {
    Tracked,
    /// Not tracked, or not inside any repository at all.
    Untracked,
    /// Inside a repository, but git could not answer (git missing, or it
    /// refuses a repository owned by another user): why, in one line.
    Unknown(String),
}

/// Whether git tracks this file. Hooks check it: a tracked file came with a
/// clone and never runs, and neither does one git cannot vouch for.
pub fn tracking(path: &Path) -> Tracking {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Tracking::Unknown("the path has no folder".into());
    };
    // Outside every repository nothing came with a clone. A `.git` file
    // (worktrees, submodules) counts as a repository too.
    if !dir.ancestors().any(|a| a.join(".git").exists()) {
        return Tracking::Untracked;
    }
    let out = git(dir)
        .args([
            OsStr::new("ls-files"),
            OsStr::new("--error-unmatch"),
            OsStr::new("--"),
            name,
        ])
        .output();
    match out {
        Err(e) => Tracking::Unknown(format!("cannot run git: {e}")),
        Ok(out) if out.status.success() => Tracking::Tracked,
        // --error-unmatch exits 1 for a path git does not know; anything
        // else (128: not a repository it will read) is no answer.
        Ok(out) if out.status.code() == Some(1) => Tracking::Untracked,
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let why = stderr
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("no message");
            Tracking::Unknown(format!("git {why}"))
        }
    }
}

/// The top folder of the git work tree that holds `dir`, or `None` when `dir`
/// is not in one (or git is missing).
pub fn work_tree_root(dir: &Path) -> Option<PathBuf> {
    let out = run(dir, ["rev-parse", "--show-toplevel"]).ok()?;
    let root = String::from_utf8(out.stdout).ok()?;
    let root = root.trim_end_matches(['\n', '\r']);
    (!root.is_empty()).then(|| PathBuf::from(root))
}

/// Whether the git config that `dir` sees names a command for baton's merge
/// driver; without one git merges ticket files line by line.
pub fn merge_driver_registered(dir: &Path) -> bool {
    config_value(dir, &format!("merge.{DRIVER}.driver")).is_some()
}

/// Quotes a word for the POSIX shell git runs merge drivers through.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%=,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The driver command for the git config. Plain `baton` when the running
/// binary is the `baton` found on `PATH` (so it keeps working after an
/// upgrade moves the binary), else this binary's absolute path (a build run
/// from its folder, or a test).
pub fn driver_command(exe: Option<&Path>, on_path: Option<&Path>) -> String {
    let same = |a: &Path, b: &Path| match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let program = match (exe, on_path) {
        (Some(exe), Some(found)) if same(exe, found) => DRIVER.to_string(),
        (Some(exe), _) => shell_word(&exe.to_string_lossy()),
        (None, _) => DRIVER.to_string(),
    };
    format!("{program} merge-driver %O %A %B %P")
}

/// The first `baton` executable in `path`, a value of `PATH`.
pub fn baton_on_path(path: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(DRIVER))
        .find(|candidate| candidate.is_file())
}

/// Registers the merge driver in the repository's own config (`.git/config`),
/// which a clone never brings along: each clone runs `baton init` once. A
/// driver already set (here, or in the user's global config) is left as it
/// is. Returns whether anything changed.
pub fn register_merge_driver(dir: &Path, command: &str) -> Result<bool, String> {
    if merge_driver_registered(dir) {
        return Ok(false);
    }
    let name_key = format!("merge.{DRIVER}.name");
    let driver_key = format!("merge.{DRIVER}.driver");
    run(
        dir,
        [
            "config",
            "--local",
            &name_key,
            "baton: union of ticket events",
        ],
    )?;
    run(dir, ["config", "--local", &driver_key, command])?;
    Ok(true)
}

/// The `.gitattributes` line that sends a store's ticket files to the driver;
/// `store` is the store's folder relative to the work tree's top.
pub fn attributes_line(store: &Path) -> String {
    let mut pattern = String::new();
    for part in store.components() {
        let part = part.as_os_str().to_string_lossy();
        for c in part.chars() {
            if "*?[\\".contains(c) {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('/');
    }
    if pattern.is_empty() {
        pattern.push('/');
    }
    pattern.push_str("*.toml");
    if pattern.contains([' ', '\t', '"']) {
        pattern = format!("\"{}\"", pattern.replace('\\', "\\\\").replace('"', "\\\""));
    }
    format!("{pattern} merge={DRIVER}")
}

/// Adds `line` to `.gitattributes` in `root` unless an equal line is there;
/// the rest of the file is kept. Returns whether the file changed.
pub fn ensure_attributes(root: &Path, line: &str) -> io::Result<bool> {
    let path = root.join(".gitattributes");
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    let wanted: Vec<&str> = line.split_whitespace().collect();
    if text
        .lines()
        .any(|l| l.split_whitespace().collect::<Vec<_>>() == wanted)
    {
        return Ok(false);
    }
    let mut new = text;
    if !new.is_empty() && !new.ends_with('\n') {
        new.push('\n');
    }
    new.push_str(line);
    new.push('\n');
    write_git_file(&path, new.as_bytes())?;
    Ok(true)
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

/// git's own three-way line merge of `ours` (rewritten with the result and
/// conflict markers where the sides overlap), `base` and `theirs`. Returns
/// the number of conflicts.
pub fn merge_file(
    dir: &Path,
    ours: &Path,
    base: &Path,
    theirs: &Path,
    labels: [&str; 3],
) -> Result<u32, String> {
    let out = git(dir)
        .arg("merge-file")
        .args(["-L", labels[0], "-L", labels[1], "-L", labels[2]])
        .arg(ours)
        .arg(base)
        .arg(theirs)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    match out.status.code() {
        Some(n) if (0..=127).contains(&n) => Ok(n as u32),
        _ => Err(format!(
            "git merge-file failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )),
    }
}

/// The upstream branch the current branch pulls from and pushes to
/// (`origin/main`), or why there is none.
pub fn upstream(root: &Path) -> Result<String, String> {
    let out = run(
        root,
        ["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}"],
    )?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Files below `under` that differ from the last commit or that git does
/// not know yet (ignored files, such as `.local/`, are left out).
pub fn pending(root: &Path, under: &Path) -> Result<Vec<PathBuf>, String> {
    let out = run(
        root,
        [
            OsStr::new("status"),
            OsStr::new("--porcelain=v1"),
            OsStr::new("-z"),
            OsStr::new("--untracked-files=all"),
            OsStr::new("--"),
            under.as_os_str(),
        ],
    )?;
    let mut paths = Vec::new();
    let mut entries = out.stdout.split(|&b| b == 0).filter(|e| !e.is_empty());
    while let Some(entry) = entries.next() {
        let Some(path) = entry.get(3..) else { continue };
        // A rename is followed by its old name, which is not a file now.
        if entry[0] == b'R' || entry[0] == b'C' {
            entries.next();
        }
        paths.push(root.join(String::from_utf8_lossy(path).as_ref()));
    }
    Ok(paths)
}

/// Fetches the upstream; an error is a remote that could not be reached.
pub fn fetch(root: &Path) -> Result<(), String> {
    run(root, ["fetch", "--quiet"]).map(|_| ())
}

/// How many commits `range` holds (`HEAD..@{u}`: not yet merged here).
pub fn count(root: &Path, range: &str) -> Result<usize, String> {
    let out = run(root, ["rev-list", "--count", range])?;
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|e| format!("git rev-list gave no count: {e}"))
}

/// Merges the upstream into the current branch (ticket files through the
/// merge driver). On a conflict the merge is undone, so the work tree stays
/// usable, and the error names the files that conflicted.
pub fn merge_upstream(root: &Path) -> Result<(), String> {
    let Err(why) = run(root, ["merge", "--no-edit", "--quiet", "@{u}"]) else {
        return Ok(());
    };
    let conflicted = run(root, ["diff", "--name-only", "--diff-filter=U"])
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let _ = run(root, ["merge", "--abort"]);
    if conflicted.is_empty() {
        Err(why)
    } else {
        Err(format!("the merge conflicted in {conflicted} ({why})"))
    }
}

/// Pushes the current branch to its upstream; the error is git's first
/// line about why not.
pub fn push(root: &Path) -> Result<(), String> {
    run(root, ["push", "--quiet"]).map(|_| ())
}

/// The commit a ref names (`@{u}`), to see whether the remote moved on.
pub fn rev(root: &Path, name: &str) -> Result<String, String> {
    let out = run(root, ["rev-parse", "--verify", "--quiet", name])?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_outside_every_repository_is_untracked_without_asking_git() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("created");
        std::fs::write(&path, "x").unwrap();
        assert_eq!(tracking(&path), Tracking::Untracked);
    }

    /// The driver is found in config text as git writes it, and only under
    /// its own section; anything else leaves the question to git.
    #[test]
    fn the_driver_is_read_from_config_text_only_in_its_section() {
        let registered = "[core]\n\tbare = false\n[merge \"baton\"]\n\tname = baton\n\tdriver = baton merge-driver %O %A %B %P\n";
        assert!(driver_in(registered));
        assert!(
            driver_in("[Merge \"baton\"]\ndriver=x\n"),
            "section names ignore case"
        );
        for other in [
            "[merge \"Baton\"]\n\tdriver = x\n",
            "[merge \"baton\"]\n\tname = baton\n[core]\n\tdriver = x\n",
            "[merge \"other\"]\n\tdriver = x\n",
            "[merge \"baton\"]\n\tdrivers = x\n",
            "",
        ] {
            assert!(!driver_in(other), "{other:?}");
        }
    }

    #[test]
    fn attribute_lines_name_the_store_folder() {
        let cases = [
            ("tickets", "tickets/*.toml merge=baton"),
            ("support/desk", "support/desk/*.toml merge=baton"),
            ("", "/*.toml merge=baton"),
            ("my tickets", "\"my tickets/*.toml\" merge=baton"),
            ("t[1]", "t\\[1]/*.toml merge=baton"),
        ];
        for (store, line) in cases {
            assert_eq!(attributes_line(Path::new(store)), line, "{store}");
        }
    }

    #[test]
    fn driver_paths_are_quoted_for_the_shell() {
        assert_eq!(
            driver_command(Some(Path::new("/opt/baton/bin/baton")), None),
            "/opt/baton/bin/baton merge-driver %O %A %B %P"
        );
        assert_eq!(
            driver_command(Some(Path::new("/home/o'neil/my bin/baton")), None),
            r"'/home/o'\''neil/my bin/baton' merge-driver %O %A %B %P"
        );
    }

    #[test]
    fn the_first_baton_file_on_the_path_is_found() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let c = tempfile::tempdir().unwrap();
        // A folder named baton is no program.
        fs::create_dir(a.path().join(DRIVER)).unwrap();
        fs::write(b.path().join(DRIVER), "").unwrap();
        fs::write(c.path().join(DRIVER), "").unwrap();
        let path = std::env::join_paths([a.path(), b.path(), c.path()]).unwrap();
        assert_eq!(baton_on_path(&path), Some(b.path().join(DRIVER)));
        let path = std::env::join_paths([a.path()]).unwrap();
        assert_eq!(baton_on_path(&path), None);
    }

    #[test]
    fn attributes_are_appended_once_and_the_rest_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".gitattributes");
        fs::write(&path, "*.png binary").unwrap();
        let line = "tickets/*.toml merge=baton";
        assert!(ensure_attributes(dir.path(), line).unwrap());
        assert!(!ensure_attributes(dir.path(), line).unwrap());
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "*.png binary\ntickets/*.toml merge=baton\n"
        );
    }
}
