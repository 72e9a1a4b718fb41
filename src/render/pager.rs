//! Output longer than the screen goes through a pager, as git does: only when
//! stdout is a terminal, with `$BATON_PAGER`, else `$PAGER`, else `less -FRX`
//! (quit if it fits, keep colours, leave the text on the screen), and never
//! with `--no-pager` or under `--json`. An empty pager or `cat` means none.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::term::interrupt;

/// The default pager, with the flags git gives `less` when `LESS` is unset.
pub const DEFAULT: &str = "less -FRX";

/// The pager a command's output goes through, and the screen it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    /// A shell command line, run with `sh -c`, reading the text on stdin.
    pub command: String,
    /// The terminal's height; shorter text is written as it is. `None` when
    /// the terminal does not say: the pager decides (`less -F` quits at once).
    pub rows: Option<u16>,
}

impl Pager {
    /// The pager to use, from `$BATON_PAGER` and `$PAGER` as read by the
    /// caller; `None` when output should be written as it is.
    pub fn choose(
        stdout_tty: bool,
        no_pager: bool,
        baton_pager: Option<String>,
        pager: Option<String>,
        rows: Option<u16>,
    ) -> Option<Pager> {
        if !stdout_tty || no_pager {
            return None;
        }
        let command = baton_pager.or(pager).unwrap_or_else(|| DEFAULT.to_string());
        let command = command.trim();
        if command.is_empty() || command == "cat" {
            return None;
        }
        Some(Pager {
            command: command.to_string(),
            rows,
        })
    }

    /// Whether `text` is longer than the screen.
    pub fn wanted_for(&self, text: &str) -> bool {
        match self.rows {
            Some(rows) => text.lines().count() >= usize::from(rows),
            None => true,
        }
    }

    /// Shows `text` in the pager and waits for the reader to quit it.
    /// `Err` when the pager cannot be started (nor its command found by the
    /// shell: exit 126 or 127), so the caller writes the text itself; the
    /// reader quitting early is no error.
    pub fn show(&self, text: &str) -> std::io::Result<()> {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(&self.command)
            .stdin(Stdio::piped())
            .spawn()?;
        // Ctrl-C in the pager belongs to the pager (as in git): baton waits
        // for it instead of ending underneath it.
        interrupt::leave_to_child(|| {
            if let Some(mut stdin) = child.stdin.take() {
                // A reader who quits before the end closes the pipe.
                let _ = stdin.write_all(text.as_bytes());
            }
            let status = child.wait()?;
            match status.code() {
                Some(126 | 127) => Err(std::io::Error::other(format!(
                    "the pager '{}' could not run",
                    self.command
                ))),
                _ => Ok(()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pager_is_batons_then_the_users_then_less() {
        let pick = |b: Option<&str>, p: Option<&str>| {
            Pager::choose(
                true,
                false,
                b.map(String::from),
                p.map(String::from),
                Some(24),
            )
            .map(|p| p.command)
        };
        assert_eq!(pick(Some("most"), Some("more")).as_deref(), Some("most"));
        assert_eq!(pick(None, Some("more")).as_deref(), Some("more"));
        assert_eq!(pick(None, None).as_deref(), Some(DEFAULT));
        assert_eq!(
            pick(Some(""), Some("more")),
            None,
            "an empty one means none"
        );
        assert_eq!(pick(None, Some("cat")), None);
    }

    #[test]
    fn no_pager_when_piped_or_asked_not_to() {
        assert_eq!(Pager::choose(false, false, None, None, Some(24)), None);
        assert_eq!(Pager::choose(true, true, None, None, Some(24)), None);
    }

    #[test]
    fn only_text_longer_than_the_screen_is_paged() {
        let p = Pager::choose(true, false, None, None, Some(3)).unwrap();
        assert!(!p.wanted_for("a\nb\n"));
        assert!(p.wanted_for("a\nb\nc\n"), "the prompt needs the last row");
        let unknown = Pager::choose(true, false, None, None, None).unwrap();
        assert!(unknown.wanted_for("a\n"));
    }
}
