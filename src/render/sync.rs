//! What `baton sync` did, for a person and as JSON.

use serde_json::{Value, json};

/// The steps of one sync.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Synced {
    /// The branch synced with, such as `origin/main`.
    pub upstream: String,
    /// Changed store files committed first.
    pub committed: usize,
    /// Commits merged from the upstream.
    pub pulled: usize,
    /// This clone's commits reached the upstream.
    pub pushed: bool,
    /// Fetch-merge-push rounds (more than one when a push was rejected).
    pub attempts: usize,
}

/// One line per step that did something, or that it was all in sync.
pub fn human(s: &Synced) -> String {
    let mut lines = Vec::new();
    if s.committed > 0 {
        lines.push(format!(
            "committed {} changed file(s) in the store",
            s.committed
        ));
    }
    if s.pulled > 0 {
        lines.push(format!("merged {} commit(s) from {}", s.pulled, s.upstream));
    }
    if s.pushed {
        let again = if s.attempts > 1 {
            format!(" (after {} tries: others pushed meanwhile)", s.attempts)
        } else {
            String::new()
        };
        lines.push(format!("pushed to {}{again}", s.upstream));
    }
    if lines.is_empty() {
        lines.push(format!("already in sync with {}", s.upstream));
    }
    lines.join("\n")
}

/// `{"upstream", "committed", "pulled", "pushed", "attempts"}`.
pub fn json(s: &Synced) -> Value {
    json!({
        "upstream": s.upstream,
        "committed": s.committed,
        "pulled": s.pulled,
        "pushed": s.pushed,
        "attempts": s.attempts,
    })
}
