//! `baton similar`: the ranked resolved tickets, each with its resolution
//! note, for people or as a JSON array.

use std::fmt::Write;

use serde_json::json;

use super::Output;
use super::text::clean_line;
use crate::core::similar::Match;
use crate::error::Result;

/// One match as JSON: `{"id", "short_id", "title", "score", "resolution"}`
/// (the score to 3 decimals), for `similar --json` and the `created` hook.
pub fn match_json(m: &Match, short: &str) -> serde_json::Value {
    json!({
        "id": m.id.to_string(),
        "short_id": short,
        "title": m.title,
        "score": (m.score * 1000.0).round() / 1000.0,
        "resolution": m.resolution,
    })
}

/// The `show` section of the resolved tickets like this one: short id,
/// title and the first line of the resolution note, when there are any.
pub fn in_show(out: &Output, found: &[(String, Match)]) -> String {
    let mut s = String::new();
    if found.is_empty() {
        return s;
    }
    let _ = writeln!(
        s,
        "\n{}",
        out.paint("Similar resolved tickets", super::text::Color::Bold)
    );
    for (short, m) in found {
        let _ = write!(s, "  {short}  {}", clean_line(&m.title));
        if let Some(first) = m
            .resolution
            .as_deref()
            .and_then(|n| n.lines().find(|l| !l.trim().is_empty()))
        {
            let _ = write!(s, ": {}", clean_line(first.trim()));
        }
        s.push('\n');
    }
    s
}

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
                .map(|(m, short)| match_json(m, short))
                .collect::<Vec<_>>()
        )
    })
}
