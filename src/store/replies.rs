//! Saved replies: `tickets/replies/NAME.md`, tracked, so the whole team
//! answers the common questions the same way. Each is a template with the
//! placeholders of `core::template` (`{name}`, `{id}`, `{owner}`,
//! `{deadline}`, ...), filled in by `baton reply --template NAME`.

use std::path::PathBuf;

use super::Store;
use crate::error::{Error, Kind, Result};

/// The folder of saved replies inside the store.
pub const REPLIES_DIR: &str = "replies";

impl Store {
    /// The folder of saved replies.
    pub fn replies_dir(&self) -> PathBuf {
        self.dir().join(REPLIES_DIR)
    }

    /// The names of the saved replies, sorted (`refund` for `refund.md`).
    pub fn saved_replies(&self) -> Result<Vec<String>> {
        let dir = self.replies_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&self.shown(&dir), "read", e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let stem = name.strip_suffix(".md")?;
                usable(stem).then(|| stem.to_string())
            })
            .collect();
        names.sort();
        Ok(names)
    }

    /// The text of the saved reply `name`.
    pub fn saved_reply(&self, name: &str) -> Result<String> {
        let path = self.replies_dir().join(format!("{name}.md"));
        if !usable(name) || !path.is_file() {
            let known = self.saved_replies().unwrap_or_default();
            let hint = if known.is_empty() {
                format!(
                    "save one as {}/{name}.md (placeholders such as {{name}}, {{id}}, {{owner}}, {{deadline}} are filled in)",
                    self.shown(&self.replies_dir()).display()
                )
            } else {
                format!("the saved replies are: {}", known.join(", "))
            };
            return Err(
                Error::new(format!("there is no saved reply '{}'", name.escape_debug()))
                    .kind(Kind::NotFound)
                    .hint(hint),
            );
        }
        std::fs::read_to_string(&path).map_err(|e| Error::io(&self.shown(&path), "read", e))
    }
}

/// Whether a name can name a saved reply: letters, digits, `-`, `_` and
/// `.`, not starting with a dot (so it never leaves the folder).
fn usable(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}
