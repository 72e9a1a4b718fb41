//! What `baton attachment` says: the attachment itself goes to stdout as
//! its bytes; written to a file, one line on stderr saying what was
//! written, or under `--json` a document naming it.

use std::path::Path;

use serde_json::json;

use super::Output;
use crate::core::attachment::{self, Attachment};
use crate::error::Result;

/// Reports an attachment written to `path`.
pub fn written(out: &Output, n: usize, a: &Attachment, path: &Path) -> Result<()> {
    if out.json {
        return out.json(&json!({
            "number": n,
            "name": a.name,
            "type": a.content_type,
            "size": a.size,
            "sha256": a.sha256,
            "written_to": path.display().to_string(),
        }));
    }
    out.info(&format!(
        "wrote attachment {n} ({}, {}) to {}",
        super::text::clean_line(&a.name),
        attachment::shown_size(a.size),
        super::text::clean_line(&path.display().to_string())
    ));
    Ok(())
}
