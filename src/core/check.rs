//! What `baton doctor` finds wrong in a ticket that parses: problems a hand
//! edit or a bad merge can leave behind, each with the line it is on and what
//! to do about it.

use std::collections::HashMap;

use super::config::{Config, SYSTEM_ACTOR};
use super::ticket::{Event, EventKind, Malformed, Ticket, View};

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

/// The line of each `[[events]]` header, in order: found in one pass, so
/// that checking a ticket stays linear in its length however many events
/// it has.
fn event_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[events]]")
        .map(|(i, _)| i + 1)
        .collect()
}

/// Why `doctor --fix` must leave a ticket alone, if it must: the state it
/// would write rests on something only a person can settle. It never writes
/// an owner who is not on the team, nor a state that silently leaves out an
/// event a hand edit broke.
fn not_repairable(t: &Ticket, config: Option<&Config>) -> Option<String> {
    let Some(config) = config else {
        return Some("the team config cannot be read".into());
    };
    let broken = t.events.iter().enumerate().find(|(_, e)| {
        let sets_state = matches!(
            e.kind,
            EventKind::Created | EventKind::Handoff | EventKind::Escalated | EventKind::Status
        );
        sets_state && e.view().is_err()
    });
    if let Some((i, e)) = broken {
        return Some(format!(
            "event {} ({}) is malformed",
            i + 1,
            e.kind.as_str()
        ));
    }
    let owner = t.replayed()?.owner;
    // Someone who left may still own what was done before they left; an
    // open ticket needs an owner on the team.
    let known = if t.status.is_active() {
        config.person(&owner).is_some()
    } else {
        config.ever_member(&owner)
    };
    (!known).then(|| {
        format!(
            "the events give the owner '{}', who is not on the team",
            owner.escape_debug()
        )
    })
}

/// The ticket `baton doctor --fix` writes for a repairable one: the state
/// fields and `created` recomputed from the events, nothing else touched
/// (content fields and the history are a person's, never derived). `None`
/// when the ticket is not repairable automatically (see [`ticket`]'s
/// findings for what to do by hand), so the file is left as it is.
pub fn repaired(mut ticket: Ticket, config: Option<&Config>) -> Option<Ticket> {
    if not_repairable(&ticket, config).is_some() {
        return None;
    }
    ticket.sync_state();
    if let Some(first) = ticket.events.first()
        && first.kind == EventKind::Created
    {
        ticket.created = first.at;
    }
    Some(ticket)
}

/// A name in the history that is not on the team: where it first appears
/// and how many more events name it.
struct Stranger<'a> {
    name: &'a str,
    key: &'static str,
    event: usize,
    more: usize,
}

/// The names the events use that the team does not hold, in the order
/// they first appear. `by` may also be baton itself; an owner must be a
/// person.
fn strangers<'a>(
    t: &'a Ticket,
    views: &[Result<View<'a>, Malformed>],
    config: &Config,
) -> Vec<Stranger<'a>> {
    let mut found: Vec<Stranger> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, (e, view)) in t.events.iter().zip(views).enumerate() {
        let Ok(view) = view else { continue };
        let by = (e.by != SYSTEM_ACTOR).then_some(("by", e.by.as_str()));
        for (key, name) in by.into_iter().chain(view.owners()) {
            if config.ever_member(name) {
                continue;
            }
            match index.get(name) {
                Some(&n) => found[n].more += 1,
                None => {
                    index.insert(name, found.len());
                    found.push(Stranger {
                        name,
                        key,
                        event: i,
                        more: 0,
                    });
                }
            }
        }
    }
    found
}

/// Checks a parsed ticket against its own history and the team: every event
/// for the keys its kind needs and the names it uses. `text` is the file as
/// read, for line numbers. Nothing is marked repairable when [`repaired`]
/// would refuse the ticket; the fix says what to mend by hand first.
pub fn ticket(t: &Ticket, text: &str, config: Option<&Config>) -> Vec<Finding> {
    let mut out = Vec::new();
    let label = t.id.to_string();
    let short = &label[..8];
    let lines = event_lines(text);
    let event_line = |i: usize| lines.get(i).copied();

    if let Some(first) = t.events.first()
        && first.kind != EventKind::Created
    {
        out.push(finding(
            event_line(0),
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
                event_line(i + 1),
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
    // Two clones' sweeps escalated one deadline (written before the merge
    // kept one per deadline): replay counts the first only.
    let mut escalated = std::collections::HashMap::new();
    for (i, e) in t.events.iter().enumerate() {
        if let Ok(View::Escalated { deadline, .. }) = e.view()
            && let Some(first) = escalated.insert(deadline, i)
        {
            escalated.insert(deadline, first);
            out.push(finding(
                event_line(i),
                format!(
                    "event {} escalates the deadline {} again (event {} did): sweeps on two clones",
                    i + 1,
                    super::time::rfc3339(deadline),
                    first + 1
                ),
                "it counts for nothing; delete the later [[events]] entry by hand to tidy the history",
            ));
        }
    }
    let views: Vec<_> = t.events.iter().map(Event::view).collect();
    for (i, (e, view)) in t.events.iter().zip(&views).enumerate() {
        match view {
            Ok(View::Unknown(kind)) => out.push(finding(
                event_line(i),
                format!("event {} has an unknown kind '{kind}'", i + 1),
                "if a newer baton wrote it, upgrade; otherwise correct the kind by hand",
            )),
            // A wait's time a hand edit broke: the wait stands, without it.
            Ok(View::Status { .. })
                if e.extra.contains_key(super::ticket::UNTIL_KEY) && e.until().is_none() =>
            {
                out.push(finding(
                    event_line(i),
                    format!("event {} (status) has an 'until' that is not a time", i + 1),
                    "set 'until' by hand to a time in UTC such as 2026-11-21T09:00:00Z, or \
                     delete the line; until then the ticket waits without a time to come back",
                ))
            }
            Ok(_) => {}
            Err(m) => out.push(finding(
                event_line(i),
                format!("event {} ({}) {m}", i + 1, e.kind.as_str()),
                format!(
                    "set '{}' by hand to {}; until then the event counts for nothing \
                     (git log -p on the file shows what it was)",
                    m.key, m.expected
                ),
            )),
        }
    }
    if let Some(config) = config {
        for s in strangers(t, &views, config) {
            let name = s.name.escape_debug();
            let more = match s.more {
                0 => String::new(),
                n => format!(", as do {n} more event(s)"),
            };
            let fix = if s.name == SYSTEM_ACTOR {
                format!(
                    "only a person owns a ticket; set '{}' by hand to a team member",
                    s.key
                )
            } else {
                let near = config
                    .closest(s.name)
                    .map(|n| format!("did you mean '{n}'? "))
                    .unwrap_or_default();
                format!(
                    "{near}correct the name by hand, or add them with 'baton people add {name}'"
                )
            };
            out.push(finding(
                event_line(s.event),
                format!(
                    "event {} ({}) names '{name}' as '{}', who is not on the team{more}",
                    s.event + 1,
                    t.events[s.event].kind.as_str(),
                    s.key
                ),
                fix,
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
                format!("the owner '{}' is not on the team", owner.escape_debug()),
                format!(
                    "add them with 'baton people add {owner}', or have someone 'baton take {short}'"
                ),
            ));
        }
    }

    if out.iter().any(|f| f.repairable)
        && let Some(reason) = not_repairable(t, config)
    {
        for f in out.iter_mut().filter(|f| f.repairable) {
            f.repairable = false;
            f.fix = format!(
                "'baton doctor --fix' leaves this file alone while {reason}; mend that first, then {}",
                f.fix
            );
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
        let lines: Vec<_> = found.iter().map(|f| f.line).collect();
        assert_eq!(lines, [Some(10), Some(4)], "{found:?}");
        assert_eq!(
            found[0].message,
            "event 1 (created) names 'zed' as 'to', who is not on the team"
        );
        assert!(found[1].fix.contains("baton people add zed"));
    }

    /// FILE passed on to ben: a hand-off at line 22.
    fn passed() -> String {
        FILE.replace("owner = \"ana\"", "owner = \"ben\"")
            + "\n[[events]]\nat = 2026-11-02T09:00:00Z\nby = \"ana\"\nkind = \"handoff\"\n\
               from = \"ana\"\nto = \"ben\"\n"
    }

    #[test]
    fn a_deadline_escalated_twice_is_named_on_the_repeat() {
        let sweep = |at: &str| {
            format!(
                "\n[[events]]\nat = {at}\nby = \"baton\"\nkind = \"escalated\"\nfrom = \"ana\"\n\
                 to = \"ben\"\ndeadline = 2026-11-03T04:00:00Z\n"
            )
        };
        let text = FILE.replace("owner = \"ana\"", "owner = \"ben\"").replace(
            "updated = 2026-11-02T09:00:00Z",
            "updated = 2026-11-03T05:00:00Z\nescalated = 1",
        ) + &sweep("2026-11-03T04:05:00Z")
            + &sweep("2026-11-03T05:00:00Z");
        let found = check(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, Some(31), "the [[events]] line of the repeat");
        assert!(
            found[0].message.contains(
                "event 4 escalates the deadline 2026-11-03T04:00:00Z again (event 3 did)"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn a_passed_ticket_is_healthy() {
        assert_eq!(check(&passed()), []);
    }

    #[test]
    fn every_event_is_checked_for_its_keys_and_names() {
        // (edit of passed(), line, the message, words in the fix)
        let cases = [
            (
                ("to = \"ben\"", "to = \"\""),
                22,
                "event 3 (handoff) has to = \"\" (expected the new owner's name)",
                "set 'to' by hand to the new owner's name",
            ),
            (
                ("to = \"ben\"\n", ""),
                22,
                "event 3 (handoff) has no 'to' (the new owner's name)",
                "set 'to' by hand",
            ),
            (
                (
                    "by = \"ana\"\nkind = \"handoff\"",
                    "by = \"\"\nkind = \"handoff\"",
                ),
                22,
                "event 3 (handoff) has by = \"\" (expected the name of who wrote it)",
                "set 'by' by hand",
            ),
            (
                (
                    "kind = \"handoff\"\nfrom = \"ana\"\nto = \"ben\"",
                    "kind = \"status\"\nfrom = \"open\"\nto = \"exploded\"",
                ),
                22,
                "event 3 (status) has to = \"exploded\" (expected open, waiting, resolved or closed)",
                "set 'to' by hand to open, waiting, resolved or closed",
            ),
            (
                ("kind = \"note\"", "kind = \"rated\""),
                16,
                "event 2 (rated) has no 'score' (a score from 1 to 5)",
                "set 'score' by hand",
            ),
            (
                ("kind = \"note\"", "kind = \"time\""),
                16,
                "event 2 (time) has no 'minutes' (the whole minutes spent, at least 1)",
                "set 'minutes' by hand",
            ),
            (
                ("kind = \"created\"", "kind = \"escalated\"\nfrom = \"ana\""),
                10,
                "event 1 (escalated) has no 'deadline' (the time of the missed deadline)",
                "set 'deadline' by hand",
            ),
            (
                ("to = \"ben\"", "to = \"bne\""),
                22,
                "event 3 (handoff) names 'bne' as 'to', who is not on the team",
                "did you mean 'ben'? correct the name by hand, or add them with 'baton people add bne'",
            ),
            (
                (
                    "by = \"ana\"\nkind = \"note\"",
                    "by = \"eve\"\nkind = \"note\"",
                ),
                16,
                "event 2 (note) names 'eve' as 'by', who is not on the team",
                "add them with 'baton people add eve'",
            ),
            (
                ("to = \"ben\"", "to = \"baton\""),
                22,
                "event 3 (handoff) names 'baton' as 'to', who is not on the team",
                "only a person owns a ticket; set 'to' by hand to a team member",
            ),
        ];
        for ((from, to), line, message, fix) in cases {
            let text = passed().replacen(from, to, 1);
            let found = check(&text);
            let hit = found.iter().find(|f| f.message == message);
            let hit = hit.unwrap_or_else(|| panic!("{to}: {found:#?}"));
            assert_eq!(hit.line, Some(line), "{to}");
            assert!(hit.fix.contains(fix), "{to}: {}", hit.fix);
        }
    }

    #[test]
    fn a_name_in_many_events_is_one_finding_at_its_first() {
        let text = passed().replace("\"ana\"", "\"eve\"");
        let found = check(&text);
        let eve: Vec<_> = found
            .iter()
            .filter(|f| f.message.contains("'eve'"))
            .collect();
        assert_eq!(eve.len(), 1, "{found:#?}");
        assert_eq!(eve[0].line, Some(10));
        assert_eq!(
            eve[0].message,
            "event 1 (created) names 'eve' as 'by', who is not on the team, as do 4 more event(s)"
        );
    }

    #[test]
    fn the_system_actor_may_write_events_but_never_own_a_ticket() {
        let by_baton = passed().replacen(
            "by = \"ana\"\nkind = \"note\"",
            "by = \"baton\"\nkind = \"note\"",
            1,
        );
        assert_eq!(check(&by_baton), []);
        let to_baton = passed()
            .replace("owner = \"ben\"", "owner = \"baton\"")
            .replace("to = \"ben\"", "to = \"baton\"");
        let found = check(&to_baton);
        assert!(
            found
                .iter()
                .any(|f| f.message == "the owner 'baton' is not on the team"),
            "{found:#?}"
        );
    }

    #[test]
    fn fix_never_writes_an_owner_off_the_team_nor_over_a_broken_event() {
        let config = config();
        // (edit of passed(), why the file is left alone)
        let cases = [
            (
                ("to = \"ben\"", "to = \"zed\""),
                "the events give the owner 'zed', who is not on the team",
            ),
            (
                ("to = \"ben\"", "to = \"\""),
                "event 3 (handoff) is malformed",
            ),
            (("to = \"ben\"\n", ""), "event 3 (handoff) is malformed"),
            (
                ("kind = \"created\"\nto = \"ana\"", "kind = \"created\""),
                "event 1 (created) is malformed",
            ),
        ];
        for ((from, to), reason) in cases {
            // `updated` is stale too, so there is a state to repair.
            let text = passed().replacen(from, to, 1).replace(
                "updated = 2026-11-02T09:00:00Z",
                "updated = 2026-11-02T10:00:00Z",
            );
            let t = Ticket::parse(&text).unwrap();
            assert_eq!(repaired(t.clone(), Some(&config)), None, "{to}");
            let found = ticket(&t, &text, Some(&config));
            assert!(found.iter().all(|f| !f.repairable), "{to}: {found:#?}");
            let state = found
                .iter()
                .find(|f| f.message.starts_with("the state disagrees"));
            let state = state.unwrap_or_else(|| panic!("{to}: {found:#?}"));
            assert_eq!(
                state.fix,
                format!(
                    "'baton doctor --fix' leaves this file alone while {reason}; mend that \
                     first, then 'baton doctor --fix' recomputes the state from the events"
                ),
                "{to}"
            );
        }
    }

    #[test]
    fn fix_repairs_a_stale_state_from_a_well_formed_history() {
        let text = passed().replace("owner = \"ben\"", "owner = \"ana\"");
        let t = Ticket::parse(&text).unwrap();
        let found = check(&text);
        assert!(
            found.iter().all(|f| f.repairable) && !found.is_empty(),
            "{found:#?}"
        );
        let fixed = repaired(t.clone(), Some(&config())).unwrap();
        assert_eq!(fixed.owner, "ben");
        assert!(check(&fixed.to_toml()).is_empty());
        // Without a team to check the owner against, nothing is rewritten.
        assert_eq!(repaired(t.clone(), None), None);
        let found = ticket(&t, &text, None);
        assert!(
            found
                .iter()
                .all(|f| !f.repairable && f.fix.contains("while the team config cannot be read")),
            "{found:#?}"
        );
    }

    #[test]
    fn a_history_of_fifty_thousand_events_is_checked_in_one_pass() {
        // Regression: each event's line was found by scanning the text from
        // the top, so doctor took minutes on a ticket this long.
        let n = 50_000;
        let mut text = FILE[..FILE.find("\n[[events]]").unwrap()].replace(
            "updated = 2026-11-02T09:00:00Z",
            "updated = 2026-11-02T21:53:18Z",
        );
        let mut expected = Vec::new();
        // Each event adds a blank line, its header and four keys.
        let head = text.lines().count();
        for i in 0..n {
            let line = head + 6 * i + 2;
            let at = match i {
                0 => "2026-11-02T08:00:00Z".to_string(),
                _ if i == n - 1 => {
                    expected.push((line, "is dated 2026-11-02T08:00:00Z, before"));
                    "2026-11-02T08:00:00Z".to_string()
                }
                _ => format!(
                    "2026-11-02T{:02}:{:02}:{:02}Z",
                    8 + i / 3600,
                    i / 60 % 60,
                    i % 60
                ),
            };
            let body = match i {
                0 => "kind = \"created\"\nto = \"ana\"".to_string(),
                25_000 => {
                    expected.push((line, "(handoff) has no 'to'"));
                    "kind = \"handoff\"\nfrom = \"ana\"".to_string()
                }
                _ => format!("kind = \"note\"\ntext = \"note {i}\""),
            };
            text.push_str(&format!("\n[[events]]\nat = {at}\nby = \"ana\"\n{body}\n"));
        }
        let found = check(&text);
        let mut got: Vec<_> = found
            .iter()
            .map(|f| (f.line.unwrap(), f.message.as_str()))
            .collect();
        got.sort();
        assert_eq!(got.len(), expected.len(), "{got:#?}");
        for ((line, message), (want_line, words)) in got.iter().zip(&expected) {
            assert_eq!(line, want_line, "{message}");
            assert!(message.contains(words), "{message}");
        }
    }
}
