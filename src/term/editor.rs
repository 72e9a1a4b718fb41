//! Long text in the person's own editor: a temporary file opened with
//! `$VISUAL`/`$EDITOR` (see `Ctx::editor`), read back when the editor closes,
//! and opened again with the error on top until what was saved is valid. A
//! buffer saved unchanged or emptied cancels, as with `git commit`.
//!
//! Commands open an editor only when `Ctx::can_prompt` says a person is there,
//! and never while holding the store lock.

use std::path::Path;
use std::process::Command;

use crate::core::ticket::ParseError;
use crate::error::{Error, Result};
use crate::render::text::clean_line;

const EDITOR_HINT: &str =
    "set VISUAL or EDITOR to your editor, such as EDITOR=nano or EDITOR=\"code --wait\"";

/// Runs the editor command on a file. The command is split into words as a
/// shell would (`code --wait` and quoted paths work); its output goes to
/// stderr, which is a terminal whenever baton asks anything.
fn run(command: &str, path: &Path) -> Result<()> {
    let words = shell_words::split(command).map_err(|e| {
        Error::new(format!(
            "cannot read the editor command '{}': {e}",
            clean_line(command)
        ))
        .hint(EDITOR_HINT)
    })?;
    let Some((program, args)) = words.split_first() else {
        return Err(Error::new("the editor command is empty").hint(EDITOR_HINT));
    };
    let mut child = Command::new(program)
        .args(args)
        .arg(path)
        .stdout(std::io::stderr())
        .spawn()
        .map_err(|e| {
            Error::new(format!(
                "cannot start the editor '{}': {e}",
                clean_line(command)
            ))
            .hint(EDITOR_HINT)
        })?;
    let status = super::interrupt::leave_to_child(|| child.wait())
        .map_err(|e| Error::new(format!("cannot wait for the editor: {e}")))?;
    if !status.success() {
        return Err(Error::new(format!(
            "the editor '{}' failed ({status}); nothing was written",
            clean_line(command)
        )));
    }
    Ok(())
}

/// Lines in the comment put on top of a document that failed to read, past
/// the message and the quoted line.
const BLOCK_TAIL: &str = "# Correct it below and save again, or delete everything to cancel.\n#\n";

/// The comment put on top of `text` when it failed to read: the message, and
/// the line it points at, counted in the text as it will be shown (under the
/// comment).
fn error_block(err: &ParseError, text: &str) -> String {
    let quoted = err
        .line
        .and_then(|l| text.lines().nth(l - 1))
        .map(|l| format!("#   | {}\n", clean_line(l)));
    let mut block = String::from("# ERROR: ");
    let head_lines = 1 + usize::from(quoted.is_some()) + BLOCK_TAIL.lines().count();
    let moved = ParseError {
        line: err.line.map(|l| l + head_lines),
        ..err.clone()
    };
    block.push_str(&clean_line(&moved.to_string()));
    block.push('\n');
    block.push_str(&quoted.unwrap_or_default());
    block.push_str(BLOCK_TAIL);
    block
}

/// What a person does with a document in the editor.
pub struct Session<'a> {
    /// The editor command (`Ctx::editor`).
    pub command: &'a str,
    /// The file name's ending, so the editor highlights it (`.toml`, `.md`).
    pub suffix: &'a str,
    /// Whether a saved text says nothing (only comments and blanks).
    pub is_blank: &'a dyn Fn(&str) -> bool,
}

impl Session<'_> {
    /// Opens `initial` until `read` accepts what was saved, and returns what it
    /// read; `None` when the person cancelled by saving the text unchanged or
    /// emptied. An error from `read` is shown on top of the text, which opens
    /// again as the person left it.
    pub fn edit<T>(
        &self,
        initial: &str,
        mut read: impl FnMut(&str) -> Result<T, ParseError>,
    ) -> Result<Option<T>> {
        let file = tempfile::Builder::new()
            .prefix("baton-")
            .suffix(self.suffix)
            .tempfile()
            .map_err(|e| Error::new(format!("cannot create a temporary file to edit: {e}")))?;
        let path = file.path().to_path_buf();
        let mut shown = initial.to_string();
        let mut block = String::new();
        loop {
            std::fs::write(&path, &shown).map_err(|e| Error::io(&path, "write", e))?;
            run(self.command, &path)?;
            let saved = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, "read", e))?;
            if saved == shown || (self.is_blank)(&saved) {
                return Ok(None);
            }
            // The last error's comment goes; line numbers count without it.
            let text = saved.strip_prefix(block.as_str()).unwrap_or(&saved);
            match read(text) {
                Ok(value) => return Ok(Some(value)),
                Err(err) => {
                    block = error_block(&err, text);
                    shown = format!("{block}{text}");
                }
            }
        }
    }
}

/// Free text (a description, a reply) in the editor: `initial`, then a blank
/// line and `guide` as comment lines. The guide's lines are left out of what
/// is read back; any other line, even one starting with '#', is the person's
/// text. `None` when nothing was written.
pub fn text(command: &str, guide: &str, initial: &str) -> Result<Option<String>> {
    let guide: Vec<String> = guide
        .lines()
        .map(|l| format!("# {l}").trim_end().to_string())
        .collect();
    let buffer = format!("{initial}\n\n{}\n", guide.join("\n"));
    let strip = |saved: &str| -> String {
        saved
            .lines()
            .filter(|l| !guide.iter().any(|g| g == l.trim_end()))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    };
    let is_blank = |saved: &str| strip(saved).is_empty();
    let session = Session {
        command,
        suffix: ".md",
        is_blank: &is_blank,
    };
    session.edit(&buffer, |saved| Ok(strip(saved)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_block_quotes_the_line_and_counts_it_where_it_will_be() {
        let text = "title = \"x\"\npriority = \"x\u{1b}\"\n";
        let err = ParseError {
            message: "unknown priority".into(),
            line: Some(2),
            column: Some(12),
        };
        let block = error_block(&err, text);
        assert_eq!(
            block,
            "# ERROR: line 6, column 12: unknown priority\n#   | priority = \"x\\e\"\n\
             # Correct it below and save again, or delete everything to cancel.\n#\n"
        );
        assert!(crate::core::form::is_blank(&block));
        let shown = format!("{block}{text}");
        assert!(shown.lines().nth(5).unwrap().starts_with("priority"));
    }
}
