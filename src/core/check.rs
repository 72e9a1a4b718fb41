//! What `baton doctor` finds wrong in a ticket that parses: problems a hand
//! edit or a bad merge can leave behind, each with the line it is on and what
//! to do about it.

use super::config::Config;
use super::ticket::{EventKind, Ticket};

/// One problem in one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line in the file, when the problem has one.
    pub line: Option<usize>,
    pub message: String,
    /// What a person should do.
    pub fix: String,
    /// `baton doctor --fix` can repair it safely (state fields only).
    pub repairable: bool,
}

fn finding(line: Option<usize>, message: String, fix: impl Into<String>) -> Finding {
    Finding {
        line,
        message,
        fix: fix.into(),
        repairable: false,
    }
}

/// The line of the first `key = ...` before the events.
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .take_while(|l| l.trim() != "[[events]]")
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// The line of the n-th (0-based) `[[events]]` header.
fn event_line(text: &str, n: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[events]]")
        .nth(n)
        .map(|(i, _)| i + 1)
}

/// The ticket `baton doctor --fix` writes for a repairable one: the state
/// fields and `created` recomputed from the events, nothing else touched
/// (content fields and the history are a person's, never derived).
pub fn repaired(mut ticket: Ticket) -> Ticket {
    ticket.sync_state();
    if let Some(first) = ticket.events.first()
        && first.kind == EventKind::Created
    {
        ticket.created = first.at;
    }
    ticket
}

/// Checks a parsed ticket against its own history and the team. `text` is
/// the file as read, for line numbers.
pub fn ticket(t: &Ticket, text: &str, config: Option<&Config>) -> Vec<Finding> {
    let mut out = Vec::new();
    let label = t.id.to_string();
    let short = &label[..8];

    if let Some(first) = t.events.first()
        && first.kind != EventKind::Created
    {
        out.push(finding(
            event_line(text, 0),
            format!("the first event is '{}', not 'created'", first.kind.as_str()),
            "a ticket's history starts with its 'created' event; restore it from git (git log -p on the file)",
        ));
    }
    if let Some(first) = t.events.first()
        && first.kind == EventKind::Created
        && first.at != t.created
    {
        out.push(Finding {
            line: key_line(text, "created"),
            message: format!(
                "the created field says {}, the 'created' event {}",
                super::time::rfc3339(t.created),
                super::time::rfc3339(first.at)
            ),
            fix: "'baton doctor --fix' takes the time from the event".into(),
            repairable: true,
        });
    }
    for (i, pair) in t.events.windows(2).enumerate() {
        if pair[1].at < pair[0].at {
            out.push(finding(
                event_line(text, i + 1),
                format!(
                    "event {} ({}) is dated {}, before the event above it ({})",
                    i + 2,
                    pair[1].kind.as_str(),
                    super::time::rfc3339(pair[1].at),
                    super::time::rfc3339(pair[0].at)
                ),
                "events are appended in time order; correct the 'at' by hand",
            ));
        }
    }
    for (i, e) in t.events.iter().enumerate() {
        let line = event_line(text, i);
        if let EventKind::Other(kind) = &e.kind {
            out.push(finding(
                line,
                format!("event {} has an unknown kind '{kind}'", i + 1),
                "if a newer baton wrote it, upgrade; otherwise correct the kind by hand",
            ));
        }
        if e.kind == EventKind::Rated && !e.score.is_some_and(|s| (1..=5).contains(&s)) {
            out.push(finding(
                line,
                format!("event {} is a rating without a score from 1 to 5", i + 1),
                "set 'score' to 1-5 by hand",
            ));
        }
        if e.kind == EventKind::Time && e.minutes.unwrap_or(0) == 0 {
            out.push(finding(
                line,
                format!("event {} logs time without 'minutes'", i + 1),
                "set 'minutes' by hand",
            ));
        }
    }

    let replayed = t.replayed();
    if let Some(state) = &replayed {
        let mut differs = Vec::new();
        if state.status != t.status {
            differs.push(format!(
                "status '{}' (events: '{}')",
                t.status, state.status
            ));
        }
        if state.owner != t.owner {
            differs.push(format!("owner '{}' (events: '{}')", t.owner, state.owner));
        }
        if state.updated != t.updated {
            differs.push(format!(
                "updated {} (events: {})",
                super::time::rfc3339(t.updated),
                super::time::rfc3339(state.updated)
            ));
        }
        if state.escalated != t.escalated {
            differs.push(format!(
                "escalated {} (events: {})",
                t.escalated, state.escalated
            ));
        }
        if !differs.is_empty() {
            let line = if state.status != t.status {
                key_line(text, "status")
            } else if state.owner != t.owner {
                key_line(text, "owner")
            } else if state.updated != t.updated {
                key_line(text, "updated")
            } else {
                key_line(text, "escalated")
            };
            out.push(Finding {
                line,
                message: format!(
                    "the state disagrees with the history: {}",
                    differs.join(", ")
                ),
                fix: "'baton doctor --fix' recomputes the state from the events".into(),
                repairable: true,
            });
        }
    }

    if let Some(config) = config {
        let owner = replayed.as_ref().map_or(&t.owner, |s| &s.owner);
        if config.person(owner).is_none() {
            out.push(finding(
                key_line(text, "owner"),
                format!("the owner '{owner}' is not on the team"),
                format!(
                    "add them with 'baton people add {owner}', or have someone 'baton take {short}'"
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ticket::Ticket;

    const FILE: &str = r#"id = "0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84"
title = "Refund"
status = "open"
owner = "ana"
priority = "normal"
tags = []
created = 2026-11-02T08:00:00Z
updated = 2026-11-02T09:00:00Z

[[events]]
at = 2026-11-02T08:00:00Z
by = "ana"
kind = "created"
to = "ana"

[[events]]
at = 2026-11-02T09:00:00Z
by = "ana"
kind = "note"
text = "x"
"#;

    fn config() -> Config {
        Config::parse(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[[people]]\nname = \"ben\"\nlevel = 2\n",
        )
        .unwrap()
    }

    fn check(text: &str) -> Vec<Finding> {
        ticket(&Ticket::parse(text).unwrap(), text, Some(&config()))
    }

    #[test]
    fn a_healthy_ticket_has_no_findings() {
        assert_eq!(check(FILE), []);
    }

    #[test]
    fn each_hand_edit_is_found_on_its_line() {
        // (edit, line, words in the message, repairable)
        let cases = [
            (
                ("status = \"open\"", "status = \"resolved\""),
                3,
                "status 'resolved' (events: 'open')",
                true,
            ),
            (
                ("owner = \"ana\"", "owner = \"ben\""),
                4,
                "owner 'ben' (events: 'ana')",
                true,
            ),
            (
                (
                    "updated = 2026-11-02T09:00:00Z",
                    "updated = 2026-11-03T09:00:00Z",
                ),
                8,
                "updated",
                true,
            ),
            (
                ("at = 2026-11-02T09:00:00Z", "at = 2026-11-01T09:00:00Z"),
                16,
                "before the event above it",
                false,
            ),
            (
                ("kind = \"note\"", "kind = \"nte\""),
                16,
                "unknown kind 'nte'",
                false,
            ),
            (
                ("kind = \"created\"", "kind = \"reply\""),
                10,
                "not 'created'",
                false,
            ),
        ];
        for ((from, to), line, words, repairable) in cases {
            let text = FILE.replacen(from, to, 1);
            let found = check(&text);
            let hit = found.iter().find(|f| f.message.contains(words));
            let hit = hit.unwrap_or_else(|| panic!("{to}: {found:?}"));
            assert_eq!((hit.line, hit.repairable), (Some(line), repairable), "{to}");
        }
    }

    #[test]
    fn an_owner_off_the_team_is_named_with_what_to_do() {
        let text = FILE
            .replace("owner = \"ana\"", "owner = \"zed\"")
            .replace("to = \"ana\"", "to = \"zed\"");
        let found = check(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, Some(4));
        assert!(found[0].fix.contains("baton people add zed"));
    }
}
