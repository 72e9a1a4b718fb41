//! Incidents: a problem ticket (tagged `problem`) with the tickets of many
//! customers linked to it. A link is a `linked` event on both tickets (on
//! the ticket `to` names the problem, on the problem `from` names the
//! ticket), ended by `unlinked` with the same keys; an undo of either undoes
//! both. While the problem is open or waiting, its linked tickets do not
//! escalate on their own: the problem escalates, once for all of them
//! ([`paused`]). The problem's owner resolves and answers them all at once.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::action::{self, Changed};
use super::summary::Summary;
use super::ticket::{Event, EventKind, Status, Ticket, View};
use crate::error::{Error, Kind};

/// The tag that makes a ticket a problem, which others link to.
pub const PROBLEM_TAG: &str = "problem";

/// Whether the ticket is a problem.
pub fn is_problem(t: &Ticket) -> bool {
    t.tags.iter().any(|tag| tag == PROBLEM_TAG)
}

/// The problem this ticket is linked to, as its standing events say.
pub fn problem_of(t: &Ticket) -> Option<Uuid> {
    let mut problem = None;
    for e in super::undo::standing(&t.events).iter() {
        match e.view() {
            Ok(View::Linked {
                problem: Some(p), ..
            }) => problem = Some(p),
            Ok(View::Unlinked {
                problem: Some(p), ..
            }) if problem == Some(p) => problem = None,
            _ => {}
        }
    }
    problem
}

/// The tickets linked to this problem now, in the order they were linked.
pub fn linked(problem: &Ticket) -> Vec<Uuid> {
    linked_customers(problem)
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

/// The tickets linked to this problem now, each with the customer it had
/// when it was linked (`None`: no customer).
pub fn linked_customers(problem: &Ticket) -> Vec<(Uuid, Option<String>)> {
    let mut out: Vec<(Uuid, Option<String>)> = Vec::new();
    for e in super::undo::standing(&problem.events).iter() {
        match e.view() {
            Ok(View::Linked {
                ticket: Some(t), ..
            }) if !out.iter().any(|(o, _)| *o == t) => {
                let customer = e
                    .extra
                    .get(super::duplicate::CUSTOMER_KEY)
                    .and_then(toml::Value::as_str);
                out.push((t, customer.map(str::to_string)));
            }
            Ok(View::Unlinked {
                ticket: Some(t), ..
            }) => out.retain(|(o, _)| *o != t),
            _ => {}
        }
    }
    out
}

/// How many different customers the linked tickets are for.
pub fn customer_count(linked: &[(Uuid, Option<String>)]) -> usize {
    let mut seen: Vec<String> = Vec::new();
    for c in linked.iter().filter_map(|(_, c)| c.as_deref()) {
        let c = c.to_lowercase();
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    seen.len()
}

/// One incident in the report: the problem once, its linked tickets and
/// their customers counted apart.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IncidentFigures {
    pub id: String,
    pub title: String,
    pub status: Status,
    pub tickets: usize,
    pub customers: usize,
}

/// The incidents of a period: each problem with linked tickets that was
/// opened before its end and still open at it or changed within it.
pub fn figures(tickets: &[Ticket], period: super::metrics::Period) -> Vec<IncidentFigures> {
    let mut out: Vec<IncidentFigures> = tickets
        .iter()
        .filter(|p| is_problem(p) && p.created < period.until)
        .filter(|p| p.status.is_active() || p.updated >= period.since)
        .filter_map(|p| {
            let linked = linked_customers(p);
            (!linked.is_empty()).then(|| IncidentFigures {
                id: p.id.to_string(),
                title: p.title.clone(),
                status: p.status,
                tickets: linked.len(),
                customers: customer_count(&linked),
            })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// The summaries of the problems that hold their tickets' escalation now:
/// problems still open or waiting. Their linked tickets are read from the
/// problem files, which are few.
pub fn active_problems(summaries: &[Summary]) -> impl Iterator<Item = &Summary> {
    summaries
        .iter()
        .filter(|s| s.status.is_active() && s.tags.iter().any(|t| t == PROBLEM_TAG))
}

/// What a problem's title matches tickets on, for `link --suggest` and for
/// the offer at intake: each word of 4 characters or more, lowercased, found
/// in a ticket as `search` finds it.
pub struct TitleMatch {
    /// The title's words that count.
    pub words: Vec<String>,
    queries: Vec<super::search::Query>,
}

impl TitleMatch {
    /// The words of `problem`'s title that a ticket is matched on.
    pub fn new(problem: &Ticket) -> TitleMatch {
        let words: Vec<String> = problem
            .title
            .split_whitespace()
            .filter(|w| w.chars().count() >= 4)
            .map(str::to_lowercase)
            .collect();
        let queries = words
            .iter()
            .filter_map(|w| super::search::Query::new(std::slice::from_ref(w)).ok())
            .collect();
        TitleMatch { words, queries }
    }

    /// How many of the title's words `t` holds (0: it does not match).
    pub fn hits(&self, t: &Ticket) -> usize {
        self.queries.iter().filter(|q| q.find(t).is_some()).count()
    }
}

/// The tickets whose own escalation is paused: those linked to an active
/// problem (the problem escalates instead).
pub fn paused<'a>(problems: impl IntoIterator<Item = &'a Ticket>) -> HashSet<Uuid> {
    problems
        .into_iter()
        .filter(|p| p.status.is_active() && is_problem(p))
        .flat_map(linked)
        .collect()
}

/// For each ticket linked to one of these problems, the mark `list` shows
/// beside it: `↳` and the problem's short id (given by `short`).
pub fn marks(
    problems: impl IntoIterator<Item = Ticket>,
    short: impl Fn(Uuid) -> String,
) -> HashMap<Uuid, String> {
    let mut out = HashMap::new();
    for p in problems {
        let mark = format!("↳ {}", short(p.id));
        for t in linked(&p) {
            out.insert(t, mark.clone());
        }
    }
    out
}

/// Whether the actor may tie `t` and `problem` together or apart: the owner
/// of either may.
fn check_owner(
    t: &Ticket,
    problem: &Ticket,
    t_cx: &action::Ctx,
    p_cx: &action::Ctx,
) -> Result<(), Error> {
    let actor = t_cx.actor;
    if problem.owner == actor || t.owner == actor {
        return Ok(());
    }
    Err(Error::new(format!(
        "only the owner of {} ({}) or of the problem {} ({}) can link or unlink them",
        t_cx.label, t.owner, p_cx.label, problem.owner
    ))
    .kind(Kind::NotOwner)
    .hint(format!(
        "run 'baton take {}' first to make it yours",
        p_cx.label
    )))
}

/// Links `t` to `problem`: a `linked` event on each. `problem` becomes a
/// problem (tagged) if it was not one. Refused for anyone who owns neither
/// ticket, for a ticket linked to itself,
/// to a problem that is not active, for a problem linked to another, and for
/// a ticket already linked elsewhere (unlink it first). `false` when it is
/// linked to this problem already.
pub fn link(
    t: &mut Ticket,
    problem: &mut Ticket,
    t_cx: &action::Ctx,
    p_cx: &action::Ctx,
) -> Result<Changed, Error> {
    if t.id == problem.id {
        return Err(
            Error::usage(format!("cannot link {} to itself", t_cx.label))
                .hint("name the ticket first, then --to the problem"),
        );
    }
    check_owner(t, problem, t_cx, p_cx)?;
    if !problem.status.is_active() {
        return Err(Error::new(format!(
            "cannot link to {}: it is {}",
            p_cx.label, problem.status
        ))
        .kind(Kind::WrongStatus)
        .hint(format!(
            "reopen it first with 'baton reopen {}'",
            p_cx.label
        )));
    }
    if is_problem(t) && !linked(t).is_empty() {
        return Err(Error::new(format!(
            "{} is a problem with tickets of its own; problems are not linked to each other",
            t_cx.label
        ))
        .kind(Kind::WrongStatus)
        .hint(format!(
            "merge the two if they are one: 'baton merge {} {}'",
            t_cx.label, p_cx.label
        )));
    }
    match problem_of(t) {
        Some(p) if p == problem.id => return Ok(false),
        Some(p) => {
            return Err(Error::new(format!(
                "{} is linked to the problem {} already",
                t_cx.label,
                &p.to_string()[..8]
            ))
            .kind(Kind::WrongStatus)
            .hint(format!("unlink it first: 'baton unlink {}'", t_cx.label)));
        }
        None => {}
    }
    if let Some(p) = problem_of(problem) {
        return Err(Error::new(format!(
            "{} is itself linked to the problem {}",
            p_cx.label,
            &p.to_string()[..8]
        ))
        .kind(Kind::WrongStatus)
        .hint(format!(
            "link to that one: 'baton link {} --to {}'",
            t_cx.label,
            &p.to_string()[..8]
        )));
    }
    if !is_problem(problem) {
        action::edit(
            problem,
            p_cx,
            action::Edit {
                add_tags: vec![PROBLEM_TAG.to_string()],
                ..Default::default()
            },
        )?;
    }
    t.record(Event::new(t_cx.now, t_cx.actor, EventKind::Linked).to(problem.id.to_string()));
    let mut on_problem = Event::new(p_cx.now, p_cx.actor, EventKind::Linked).from(t.id.to_string());
    // The problem keeps each linked ticket's customer, so it can say whom
    // the incident touches without reading every ticket.
    if !t.customer.trim().is_empty() {
        on_problem.extra.insert(
            super::duplicate::CUSTOMER_KEY.into(),
            toml::Value::String(t.customer.trim().to_string()),
        );
    }
    problem.record(on_problem);
    Ok(true)
}

/// Ends the link of `t` to `problem`: an `unlinked` event on each.
pub fn unlink(
    t: &mut Ticket,
    problem: &mut Ticket,
    t_cx: &action::Ctx,
    p_cx: &action::Ctx,
) -> Result<(), Error> {
    check_owner(t, problem, t_cx, p_cx)?;
    if problem_of(t) != Some(problem.id) {
        return Err(
            Error::new(format!("{} is not linked to {}", t_cx.label, p_cx.label))
                .kind(Kind::WrongStatus),
        );
    }
    t.record(Event::new(t_cx.now, t_cx.actor, EventKind::Unlinked).to(problem.id.to_string()));
    problem.record(Event::new(p_cx.now, p_cx.actor, EventKind::Unlinked).from(t.id.to_string()));
    Ok(())
}

/// Resolves a ticket linked to a problem, for the problem's owner
/// (`resolve PROBLEM --all`): the one who handles the incident solves every
/// linked ticket, whoever owns it. A ticket already resolved or closed is
/// left as it is (`false`).
pub fn resolve_linked(
    t: &mut Ticket,
    cx: &action::Ctx,
    problem: &Ticket,
    note: Option<String>,
) -> Result<Changed, Error> {
    if problem.owner != cx.actor {
        return Err(Error::new(format!(
            "only the problem's owner, {}, can resolve the tickets linked to it",
            problem.owner
        ))
        .kind(Kind::NotOwner));
    }
    if !t.status.is_active() {
        return Ok(false);
    }
    let from = t.status;
    t.record(
        Event::new(cx.now, cx.actor, EventKind::Status)
            .from(from.as_str())
            .to(Status::Resolved.as_str())
            .note(note),
    );
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::duplicate::tests::{at, config};

    fn ticket(id: u128, owner: &str) -> Ticket {
        crate::core::duplicate::tests::ticket(id, owner, "")
    }

    fn with<T>(who: &str, f: impl FnOnce(&action::Ctx) -> T) -> T {
        let config = config();
        let cx = action::Ctx {
            actor: who,
            now: at(2),
            config: &config,
            label: "x",
        };
        f(&cx)
    }

    #[test]
    fn a_link_is_on_both_tickets_and_makes_the_other_a_problem() {
        let (mut t, mut p) = (ticket(1, "ana"), ticket(2, "ben"));
        assert!(with("ben", |cx| link(&mut t, &mut p, cx, cx)).unwrap());
        assert!(is_problem(&p));
        assert_eq!((problem_of(&t), linked(&p)), (Some(p.id), vec![t.id]));
        assert_eq!(paused([&p]), HashSet::from([t.id]));
        assert!(
            !with("ben", |cx| link(&mut t, &mut p, cx, cx)).unwrap(),
            "twice is once"
        );
        with("ben", |cx| unlink(&mut t, &mut p, cx, cx)).unwrap();
        assert_eq!((problem_of(&t), linked(&p)), (None, vec![]));
    }

    #[test]
    fn a_solved_problem_pauses_nothing() {
        let (mut t, mut p) = (ticket(1, "ana"), ticket(2, "ben"));
        with("ben", |cx| link(&mut t, &mut p, cx, cx)).unwrap();
        p.status = Status::Resolved;
        assert!(paused([&p]).is_empty());
    }

    #[test]
    fn links_that_would_tangle_are_refused() {
        let (mut a, mut b, mut c) = (ticket(1, "ana"), ticket(2, "ben"), ticket(3, "ben"));
        let e = with("ben", |cx| link(&mut a.clone(), &mut a, cx, cx)).unwrap_err();
        assert!(e.message.contains("to itself"), "{}", e.message);
        with("ben", |cx| link(&mut a, &mut b, cx, cx)).unwrap();
        let e = with("ben", |cx| link(&mut a, &mut c, cx, cx)).unwrap_err();
        assert!(e.message.contains("linked to the problem"), "{}", e.message);
        let e = with("ben", |cx| link(&mut c, &mut a, cx, cx)).unwrap_err();
        assert!(e.message.contains("itself linked"), "{}", e.message);
        let e = with("ben", |cx| link(&mut b, &mut c, cx, cx)).unwrap_err();
        assert!(
            e.message.contains("not linked to each other"),
            "{}",
            e.message
        );
    }

    #[test]
    fn the_problem_s_owner_resolves_linked_tickets_others_own() {
        let (mut t, mut p) = (ticket(1, "ana"), ticket(2, "ben"));
        with("ben", |cx| link(&mut t, &mut p, cx, cx)).unwrap();
        assert!(with("ben", |cx| resolve_linked(&mut t, cx, &p, None)).unwrap());
        assert_eq!(t.status, Status::Resolved);
        assert!(!with("ben", |cx| resolve_linked(&mut t, cx, &p, None)).unwrap());
        let e = with("ana", |cx| resolve_linked(&mut t, cx, &p, None)).unwrap_err();
        assert_eq!(e.kind, Kind::NotOwner);
    }
}
