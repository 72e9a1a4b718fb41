//! JSON documents: tickets with the same field names as their TOML files (plus
//! `short_id` and `due`), times in UTC as RFC 3339. `docs/json.md` lists every shape.

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::core::clock::Deadline;
use crate::core::metrics::Report;
use crate::core::notice::Notice;
use crate::core::outgoing::Delivery;
use crate::core::search::Found;
use crate::core::ticket::{Event, Extra, Ticket};
use crate::core::time::{from_toml, rfc3339};
use crate::render::doctor::Checkup;
use crate::render::filed::Filed;
use crate::render::sweep::Sweep;
use crate::render::table::Member;

/// A path as a JSON string (with U+FFFD for bytes that are not UTF-8, which
/// JSON cannot hold).
fn path(p: &Path) -> Value {
    json!(p.to_string_lossy())
}

/// A TOML value as JSON; date-times become RFC 3339 strings.
pub fn toml_value(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => json!(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Datetime(dt) => {
            from_toml(dt).map_or_else(|_| json!(dt.to_string()), |t| json!(rfc3339(t)))
        }
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_value).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), toml_value(v))).collect())
        }
    }
}

fn add_extra(map: &mut Map<String, Value>, extra: &Extra) {
    for (k, v) in extra {
        map.entry(k.clone()).or_insert_with(|| toml_value(v));
    }
}

/// One event, with only the fields it has.
pub fn event(e: &Event) -> Value {
    let mut m = Map::new();
    m.insert("at".into(), json!(rfc3339(e.at)));
    m.insert("by".into(), json!(e.by));
    m.insert("kind".into(), json!(e.kind.as_str()));
    let optional = [
        ("field", e.field.as_ref().map(|v| json!(v))),
        ("from", e.from.as_ref().map(|v| json!(v))),
        ("to", e.to.as_ref().map(|v| json!(v))),
        ("deadline", e.deadline.map(|v| json!(rfc3339(v)))),
        ("score", e.score.map(|v| json!(v))),
        ("minutes", e.minutes.map(|v| json!(v))),
        ("text", e.text.as_ref().map(|v| json!(v))),
        ("note", e.note.as_ref().map(|v| json!(v))),
        ("comment", e.comment.as_ref().map(|v| json!(v))),
        ("message_id", e.message_id.as_ref().map(|v| json!(v))),
        ("ack", e.ack.as_ref().map(|v| json!(v))),
    ];
    for (k, v) in optional {
        if let Some(v) = v {
            m.insert(k.into(), v);
        }
    }
    add_extra(&mut m, &e.extra);
    Value::Object(m)
}

/// A ticket as `list` shows it: the ticket document and what the listing
/// knows of it besides (`delivery_failed`).
pub fn listed(mut doc: Value, summary: &crate::core::summary::Summary) -> Value {
    if let Some(m) = doc.as_object_mut() {
        m.insert("delivery_failed".into(), json!(summary.delivery_failed));
    }
    doc
}

/// A ticket; `events` only when asked for (listings leave them out).
pub fn ticket(t: &Ticket, short: &str, due: Option<&Deadline>, with_events: bool) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(t.id.to_string()));
    m.insert("short_id".into(), json!(short));
    m.insert("title".into(), json!(t.title));
    m.insert("status".into(), json!(t.status.as_str()));
    m.insert("owner".into(), json!(t.owner));
    m.insert("customer".into(), json!(t.customer));
    m.insert("priority".into(), json!(t.priority.as_str()));
    m.insert("tags".into(), json!(t.tags));
    m.insert("created".into(), json!(rfc3339(t.created)));
    m.insert("updated".into(), json!(rfc3339(t.updated)));
    m.insert("escalated".into(), json!(t.escalated));
    m.insert("description".into(), json!(t.description));
    m.insert(
        "due".into(),
        due.map_or(Value::Null, |d| json!(rfc3339(d.at))),
    );
    m.insert("paused".into(), json!(due.is_some_and(|d| d.paused)));
    m.insert(
        "promise".into(),
        promise(crate::core::promise::open(&t.events).as_ref()),
    );
    // Only a ticket waiting until a time has this key.
    if let Some(until) = crate::core::reminder::until_of(t) {
        m.insert("waiting_until".into(), json!(rfc3339(until)));
    }
    add_extra(&mut m, &t.extra);
    if with_events {
        // An undone event says who undid it and when (`reverted`).
        let undone = crate::core::undo::cancelled(&t.events);
        let events = t.events.iter().zip(undone).map(|(e, by)| {
            let mut doc = event(e);
            if let (Some(undo), Some(m)) = (by.map(|j| &t.events[j]), doc.as_object_mut()) {
                m.insert(
                    "reverted".into(),
                    json!({ "by": undo.by, "at": rfc3339(undo.at) }),
                );
            }
            doc
        });
        m.insert("events".into(), Value::Array(events.collect()));
        // Only a merged ticket has these keys.
        if let Some(into) = crate::core::duplicate::merged_into(t) {
            m.insert("merged_into".into(), json!(into.to_string()));
        }
        let customers = crate::core::duplicate::customers(t);
        if customers.len() > 1 {
            m.insert("customers".into(), json!(customers));
        }
    }
    Value::Object(m)
}

/// A ticket's open promise (`null` when none): who made it, when, the
/// promised time, its note, and whether the customer was told it will be late.
pub fn promise(p: Option<&crate::core::promise::Promise>) -> Value {
    p.map_or(Value::Null, |p| {
        json!({
            "by": p.by,
            "made": rfc3339(p.made),
            "due": rfc3339(p.due),
            "note": p.note,
            "delay_sent": p.delay_sent,
        })
    })
}

/// `show`'s ticket with `delivery` (`sent`, `queued`, `failed`) on each
/// reply whose mail baton sends.
pub fn with_deliveries(mut doc: Value, deliveries: &[Option<Delivery>]) -> Value {
    if let Some(Value::Array(events)) = doc.get_mut("events") {
        for (e, d) in events.iter_mut().zip(deliveries) {
            if let (Some(m), Some(d)) = (e.as_object_mut(), d) {
                m.insert("delivery".into(), json!(d.as_str()));
            }
        }
    }
    doc
}

/// `show`'s document gets `missing`: the checklist facts still to ask for,
/// each `{"fact", "ask"}`, in checklist order (`[]` when none are).
pub fn with_missing(mut doc: Value, missing: &[&crate::core::checklist::Fact]) -> Value {
    if let Some(m) = doc.as_object_mut() {
        let list: Vec<Value> = missing
            .iter()
            .map(|f| json!({ "fact": f.name, "ask": f.ask }))
            .collect();
        m.insert("missing".into(), Value::Array(list));
    }
    doc
}

/// An `undo`'s document: the ticket, and `undone` saying which event was
/// undone, whether a reply may have been mailed (`mailed`: `"sent"`,
/// `"maybe"` or `null`) and the other ticket of an undone merge.
pub fn undone(
    mut doc: Value,
    done: &crate::core::undo::Undone,
    partner: Option<(uuid::Uuid, &str)>,
) -> Value {
    use crate::core::undo::Mailed;
    let mailed = match &done.mailed {
        Some(Mailed::Sent(_)) => json!("sent"),
        Some(Mailed::Maybe) => json!("maybe"),
        Some(Mailed::Dropped) => json!("dropped"),
        None => Value::Null,
    };
    let partner = partner.map_or(
        Value::Null,
        |(id, short)| json!({ "id": id.to_string(), "short_id": short }),
    );
    if let Some(m) = doc.as_object_mut() {
        m.insert(
            "undone".into(),
            json!({
                "event": done.index + 1,
                "kind": done.event.kind.as_str(),
                "by": done.event.by,
                "at": rfc3339(done.event.at),
                "mailed": mailed,
                "merge_partner": partner,
            }),
        );
    }
    doc
}

/// A document about a change with `changed`: `false` when the ticket
/// already was as asked and nothing was written (a no-op), so a script can
/// tell one from a real change.
pub fn changed(mut doc: Value, changed: bool) -> Value {
    if let Some(m) = doc.as_object_mut() {
        m.insert("changed".into(), json!(changed));
    }
    doc
}

/// A message for the customer: its parts, and `mail`, the whole message
/// ready for `sendmail -t`.
pub fn notice(n: &Notice) -> Value {
    json!({
        "kind": n.kind.as_str(),
        "to": n.to,
        "from": n.from,
        "subject": n.subject,
        "text": n.text,
        "in_reply_to": n.in_reply_to,
        "references": n.references,
        "mail": n.mail(),
    })
}

/// What a hook reads on stdin: the event, the ticket after the change (with
/// its events), the message for the customer the event calls for (or
/// `null`), and the store's folder.
pub fn hook_payload(
    t: &Ticket,
    short: &str,
    due: Option<&Deadline>,
    e: &Event,
    message: Option<&Notice>,
    store: &Path,
) -> Value {
    json!({
        "event": event(e),
        "ticket": ticket(t, short, due, true),
        "message": message.map_or(Value::Null, notice),
        "store": store.display().to_string(),
    })
}

/// An error as scripts read it under `--json`: the last line of stderr,
/// `{"error": {"kind", "message", "hint", "exit", "path"?, "line"?}}`.
/// `kind` is one of the stable names of [`crate::error::Kind`].
pub fn error(e: &crate::error::Error) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), json!(e.kind.as_str()));
    m.insert("message".into(), json!(e.message));
    m.insert("hint".into(), json!(e.hint));
    m.insert("exit".into(), json!(e.code));
    if let Some(path) = &e.path {
        m.insert("path".into(), json!(path.display().to_string()));
    }
    if let Some(line) = e.line {
        m.insert("line".into(), json!(line));
    }
    if e.kind == crate::error::Kind::Partial {
        m.insert("unreadable".into(), left_out(&e.left_out));
    }
    json!({ "error": Value::Object(m) })
}

/// The files a partial result left out: `[{"path", "line", "problem"}]`
/// (`path` and `line` `null` when the problem has none).
pub fn left_out(problems: &[crate::error::Error]) -> Value {
    Value::Array(
        problems
            .iter()
            .map(|p| {
                json!({
                    "path": p.path.as_deref().map(path),
                    "line": p.line,
                    "problem": p.message,
                })
            })
            .collect(),
    )
}

/// `baton --version --json`: `{"name": "baton", "version"}`.
pub fn version(version: &str) -> Value {
    json!({"name": "baton", "version": version})
}

/// A ticket `search` found: the ticket without its events, and `match`, the
/// field where the first word was found and the line of text around it.
pub fn found(f: &Found) -> Value {
    let mut doc = ticket(&f.ticket, &f.short, f.due.as_ref(), false);
    if let Some(m) = doc.as_object_mut() {
        m.insert(
            "match".into(),
            json!({"field": f.hit.field, "text": f.hit.snippet}),
        );
    }
    doc
}

/// The team as `people` lists it: each person with how many open or waiting
/// tickets they own.
pub fn team(members: &[Member]) -> Value {
    Value::Array(
        members
            .iter()
            .map(|m| {
                json!({
                    "name": m.person.name,
                    "level": m.person.level,
                    "email": m.person.email,
                    "open": m.open,
                })
            })
            .collect(),
    )
}

/// A person `people add` put on the team.
pub fn person(name: &str, level: u32, email: Option<&str>) -> Value {
    json!({"name": name, "level": level, "email": email})
}

/// `people rename`: the person under their new name, the name they had,
/// and the tickets moved to the new name.
pub fn person_renamed(
    person: &crate::core::config::Person,
    old: &str,
    moved: &[uuid::Uuid],
) -> Value {
    json!({
        "name": person.name,
        "level": person.level,
        "email": person.email,
        "renamed_from": old,
        "tickets": moved.iter().map(|id| id.to_string()).collect::<Vec<_>>(),
    })
}

/// `whoami`: the person, and where baton read who is acting.
pub fn whoami(
    person: &crate::core::config::Person,
    top: bool,
    source: &crate::ctx::Source,
    given: Option<&str>,
) -> Value {
    use crate::ctx::Source;
    let (kind, from) = match source {
        Source::Flag => ("flag", None),
        Source::Env => ("env", None),
        Source::File(path) => ("file", Some(path.display().to_string())),
        Source::GitEmail(email) => ("git_email", Some(email.clone())),
        Source::OnlyPerson => ("only_person", None),
    };
    let mut v = json!({
        "name": person.name,
        "level": person.level,
        "email": person.email,
        "top": top,
        "source": kind,
        "from": from,
    });
    // Only when the name read was an old one: the shape stays otherwise.
    if let (Some(old), Some(m)) = (given, v.as_object_mut()) {
        m.insert("renamed_from".into(), json!(old));
    }
    v
}

/// `escalate`: the escalations (the plan, with `dry_run`) and the tickets
/// about to breach.
pub fn sweep(s: &Sweep) -> Value {
    let [escalated, warnings, unreadable, failed, delays, reopened] = sweep_parts(s);
    json!({
        "dry_run": s.dry_run,
        "escalated": escalated,
        "warnings": warnings,
        "delay_notices": delays,
        "reopened": reopened,
        "unreadable": unreadable,
        "failed": failed,
    })
}

/// `escalate --jsonl`: one object a line, each keyed by what it is:
/// `{"escalated": …}` (with `dry_run`), `{"warning": …}`, `{"unreadable": …}`,
/// `{"failed": …}`, each the same entry as in the whole document.
pub fn sweep_lines(s: &Sweep) -> Vec<Value> {
    let [escalated, warnings, unreadable, failed, delays, reopened] = sweep_parts(s);
    let tagged = |key: &str, items: Vec<Value>| -> Vec<Value> {
        items.into_iter().map(|v| json!({ key: v })).collect()
    };
    let escalated = escalated
        .into_iter()
        .map(|mut v| {
            if let Some(m) = v.as_object_mut() {
                m.insert("dry_run".into(), json!(s.dry_run));
            }
            json!({ "escalated": v })
        })
        .collect::<Vec<_>>();
    let mut out = escalated;
    out.extend(tagged("warning", warnings));
    out.extend(tagged("delay_notice", delays));
    out.extend(tagged("reopened", reopened));
    out.extend(tagged("unreadable", unreadable));
    out.extend(tagged("failed", failed));
    out
}

/// The six lists of a sweep's document.
fn sweep_parts(s: &Sweep) -> [Vec<Value>; 6] {
    let escalated: Vec<Value> = s
        .escalated
        .iter()
        .filter(|d| !d.planned.events.is_empty())
        .map(|d| {
            json!({
                "id": d.planned.summary.id.to_string(),
                "short_id": d.short,
                "title": d.planned.summary.title,
                "events": d.planned.events.iter().map(event).collect::<Vec<Value>>(),
            })
        })
        .collect();
    let warnings: Vec<Value> = s
        .warned
        .iter()
        .map(|w| {
            let t = w.breach.summary;
            let mut v = json!({
                "id": t.id.to_string(),
                "short_id": w.short,
                "title": t.title,
                "owner": t.owner,
                "due": rfc3339(w.breach.due),
            });
            if let (Some(by), Some(m)) = (w.breach.promised_by, v.as_object_mut()) {
                m.insert("promised_by".into(), json!(by));
            }
            v
        })
        .collect();
    let delays: Vec<Value> = s
        .escalated
        .iter()
        .filter_map(|d| {
            let e = d.planned.delay.as_ref()?;
            Some(json!({
                "id": d.planned.summary.id.to_string(),
                "short_id": d.short,
                "title": d.planned.summary.title,
                "due": e.deadline.map(rfc3339),
            }))
        })
        .collect();
    // Waiting tickets brought back to open: which wait each answers.
    let reopened: Vec<Value> = s
        .escalated
        .iter()
        .filter_map(|d| {
            let e = d.planned.wake.as_ref()?;
            Some(json!({
                "id": d.planned.summary.id.to_string(),
                "short_id": d.short,
                "title": d.planned.summary.title,
                "owner": d.planned.summary.owner,
                "until": e.until().map(rfc3339),
                "event": event(e),
            }))
        })
        .collect();
    let failed: Vec<Value> = s
        .failed
        .iter()
        .map(|f| {
            json!({
                "id": f.planned.summary.id.to_string(),
                "short_id": f.short,
                "title": f.planned.summary.title,
                "problem": f.why.message,
            })
        })
        .collect();
    let unreadable = match left_out(s.unreadable) {
        Value::Array(items) => items,
        _ => Vec::new(),
    };
    [escalated, warnings, unreadable, failed, delays, reopened]
}

/// `doctor`: each problem with its file, line and fix, what `--fix` did, and
/// where it kept the backup.
pub fn checkup(c: &Checkup) -> Value {
    let problems: Vec<Value> = c
        .problems
        .iter()
        .map(|p| {
            json!({
                "path": path(&p.path),
                "line": p.line,
                "problem": p.message,
                "fix": p.fix,
                "fixable": p.fixable,
            })
        })
        .collect();
    let fixed: Vec<Value> = c
        .fixed
        .iter()
        .map(|(p, repair)| json!({"path": path(p), "done": repair.as_str()}))
        .collect();
    json!({
        "ok": c.problems.is_empty(),
        "tickets": c.tickets,
        "problems": problems,
        "fixed": fixed,
        "backup": c.backup.as_deref().map(path),
    })
}

/// A new ticket (`new`): the ticket with its events, and `ack`, the
/// acknowledgement for the customer (`null` when there is none).
pub fn created(t: &Ticket, short: &str, due: Option<&Deadline>, ack: Option<&Notice>) -> Value {
    let mut doc = ticket(t, short, due, true);
    if let Some(m) = doc.as_object_mut() {
        m.insert("ack".into(), ack.map_or(Value::Null, notice));
    }
    doc
}

/// A message `new --from-mail` filed: the ticket it is on, as [`created`]
/// gives it, and `intake`, what became of the message.
pub fn filed(f: &Filed) -> Value {
    let mut doc = created(f.ticket, f.short, f.due, f.ack);
    let reopened = match f.filing {
        crate::render::filed::Filing::Added { reopened } => reopened,
        _ => None,
    };
    if let Some(m) = doc.as_object_mut() {
        m.insert(
            "intake".into(),
            json!({
                "action": f.filing.as_str(),
                "message_id": f.message_id,
                "reopened_from": reopened.map(|s| s.as_str()),
                "ack_refused": f.ack_refused,
            }),
        );
    }
    doc
}

/// `init`: the store's folder, whether this run created it (`people`, its
/// team of one, only then), and whether git's merge driver is registered.
pub fn store(dir: &Path, created_for: Option<&str>, merge_driver: bool) -> Value {
    let mut doc = json!({
        "store": path(dir),
        "created": created_for.is_some(),
        "merge_driver": merge_driver,
    });
    if let (Some(name), Some(m)) = (created_for, doc.as_object_mut()) {
        m.insert("people".into(), json!([name]));
    }
    doc
}

/// `init --name` in a store that exists: the store, and who this clone
/// acts as from now on.
pub fn clone_named(dir: &Path, name: &str, merge_driver: bool) -> Value {
    let mut doc = store(dir, None, merge_driver);
    if let Some(m) = doc.as_object_mut() {
        m.insert("name".into(), json!(name));
    }
    doc
}

/// `man DIR`: the folder and the pages written into it.
pub fn pages(dir: &Path, names: &[String]) -> Value {
    json!({"dir": path(dir), "pages": names})
}

/// `report`: the period and every figure, with the keys docs/metrics.md
/// defines (the report's own field names).
pub fn report(r: &Report) -> Value {
    let mut doc = serde_json::to_value(r).unwrap_or_default();
    // The old names of a renamed person, only where there are some (the
    // CSV, one flat row per person, leaves them out).
    if let Some(rows) = doc.get_mut("people").and_then(Value::as_array_mut) {
        for (row, p) in rows.iter_mut().zip(&r.people) {
            if let (false, Some(m)) = (p.renamed_from.is_empty(), row.as_object_mut()) {
                m.insert("renamed_from".into(), json!(p.renamed_from));
            }
        }
    }
    doc
}
