//! `baton similar`: the ranked resolved tickets, each with its resolution
//! note, for people or as a JSON array.

use std::fmt::Write;

use serde_json::json;

use super::Output;
use super::text::clean_line;
use crate::core::similar::Match;
use crate::error::Result;

/// Prints the matches (`shorts` are their short ids, in the same order).
pub fn show(out: &Output, asked: &str, found: &[Match], shorts: &[String]) -> Result<()> {
    let mut s = String::new();
    if found.is_empty() {
        let _ = write!(s, "No resolved ticket is like {asked}.");
    }
    for (m, short) in found.iter().zip(shorts) {
        if !s.is_empty() {
            s.push('\n');
        }
        let _ = write!(s, "{short}  {:.2}  {}", m.score, clean_line(&m.title));
        match &m.resolution {
            Some(note) => {
                let _ = write!(s, "\n      solved: {}", clean_line(note.trim()));
            }
            None => s.push_str("\n      (no resolution note)"),
        }
    }
    out.result(&s, || {
        json!(
            found
                .iter()
                .zip(shorts)
                .map(|(m, short)| json!({
                    "id": m.id.to_string(),
                    "short_id": short,
                    "title": m.title,
                    "score": (m.score * 1000.0).round() / 1000.0,
                    "resolution": m.resolution,
                }))
                .collect::<Vec<_>>()
        )
    })
}
