//! What `baton doctor` shows: what `--fix` repaired and where the backup is,
//! then each problem with its file, line and what to do, or that all is well;
//! or the JSON document.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::text::clean_line;
use super::{Output, json};
use crate::error::Result;

/// A problem doctor found, in a file named as messages show it.
pub struct Finding<'a> {
    pub path: PathBuf,
    /// 1-based, when the problem has a line.
    pub line: Option<usize>,
    pub message: &'a str,
    /// What a person should do.
    pub fix: &'a str,
    /// `--fix` can repair it.
    pub fixable: bool,
}

/// What `--fix` did to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repair {
    /// A ticket's state fields, recomputed from its events.
    Recomputed,
    /// A temp file, moved out of the store.
    MovedTemp,
}

impl Repair {
    /// The words for it, in the text and in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Repair::Recomputed => "state recomputed from the events",
            Repair::MovedTemp => "temp file moved to the backup",
        }
    }
}

/// Everything one run of doctor reports.
pub struct Checkup<'a> {
    /// Ticket files checked.
    pub tickets: usize,
    /// What is wrong now (after `--fix`, what is left).
    pub problems: Vec<Finding<'a>>,
    /// The files `--fix` repaired, as shown.
    pub fixed: Vec<(PathBuf, Repair)>,
    /// Where `--fix` kept the files as they were.
    pub backup: Option<PathBuf>,
}

/// Prints the checkup: its lines, or the JSON document.
pub fn show(out: &Output, c: &Checkup) -> Result<()> {
    if out.json {
        return out.json(&json::checkup(c));
    }
    out.print(&text(c))
}

/// A file and line as `file:line`.
fn place(path: &Path, line: Option<usize>) -> String {
    let shown = path.display().to_string();
    match line {
        Some(l) => format!("{shown}:{l}"),
        None => shown,
    }
}

fn text(c: &Checkup) -> String {
    let mut text = String::new();
    for (path, repair) in &c.fixed {
        let _ = writeln!(
            text,
            "fixed {}: {}",
            clean_line(&place(path, None)),
            repair.as_str()
        );
    }
    if let Some(b) = &c.backup {
        let _ = writeln!(text, "the files as they were are in {}", b.display());
    }
    for p in &c.problems {
        let _ = writeln!(
            text,
            "{}: {}\n  fix: {}",
            clean_line(&place(&p.path, p.line)),
            clean_line(p.message),
            clean_line(p.fix)
        );
    }
    if c.problems.is_empty() {
        let _ = write!(
            text,
            "checked the config and {} ticket file(s): all well",
            c.tickets
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_names_its_file_and_line_and_escapes_what_it_quotes() {
        let c = Checkup {
            tickets: 2,
            problems: vec![Finding {
                path: "tickets/x\u{1b}.toml".into(),
                line: Some(3),
                message: "bad\nvalue",
                fix: "fix it",
                fixable: false,
            }],
            fixed: vec![],
            backup: None,
        };
        assert_eq!(text(&c), "tickets/x\\e.toml:3: bad value\n  fix: fix it\n");
    }

    #[test]
    fn a_healthy_store_says_so() {
        let c = Checkup {
            tickets: 7,
            problems: vec![],
            fixed: vec![],
            backup: None,
        };
        assert_eq!(
            text(&c),
            "checked the config and 7 ticket file(s): all well"
        );
    }
}
