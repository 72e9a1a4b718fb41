//! The rules of ownership: what each person may do to a ticket, and the events
//! each action appends. Commands call these and never decide on their own.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::config::Config;
use super::ticket::{Event, EventKind, Priority, Status, Ticket, WORKED_KEY};
use crate::error::{Error, Kind};

/// Who does something, when, and how the ticket is named in messages (its
/// shortest unique prefix, so a hint can be pasted back as a command).
pub struct Ctx<'a> {
    pub actor: &'a str,
    pub now: DateTime<Utc>,
    pub config: &'a Config,
    pub label: &'a str,
}

/// What an action did: `false` when the ticket was already in the asked state.
pub type Changed = bool;

/// The content of a new ticket.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub title: String,
    pub customer: String,
    pub description: String,
    pub priority: Priority,
    pub tags: Vec<String>,
    /// The first owner; the creator when not given.
    pub owner: Option<String>,
}

fn check_title(title: &str) -> Result<String, Error> {
    let title = title.trim();
    if title.is_empty() {
        return Err(
            Error::usage("a ticket needs a title; the one given is empty")
                .hint("baton new \"Refund not received\""),
        );
    }
    Ok(title.to_string())
}

fn check_tag(tag: &str) -> Result<String, Error> {
    let tag = tag.trim();
    if tag.is_empty()
        || tag
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == ',')
    {
        return Err(Error::usage(format!(
            "'{}' is not a usable tag; expected a word without spaces or commas",
            tag.escape_debug()
        )));
    }
    Ok(tag.to_string())
}

fn check_text(what: &str, text: &str) -> Result<String, Error> {
    if text.trim().is_empty() {
        return Err(Error::usage(format!(
            "the {what} is empty; there is nothing to record"
        )));
    }
    Ok(text.to_string())
}

/// Creates a ticket with its `created` event.
pub fn create(cx: &Ctx, id: Uuid, draft: Draft) -> Result<Ticket, Error> {
    let owner = draft.owner.clone().unwrap_or_else(|| cx.actor.to_string());
    // An old name (renamed since) means the person it became.
    let owner = cx.config.member(&owner)?.name.clone();
    let mut tags = Vec::new();
    for tag in &draft.tags {
        let tag = check_tag(tag)?;
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let mut ticket = Ticket {
        id,
        title: check_title(&draft.title)?,
        status: Status::Open,
        owner: owner.clone(),
        customer: draft.customer.trim().to_string(),
        priority: draft.priority,
        tags,
        created: cx.now,
        updated: cx.now,
        escalated: 0,
        description: draft.description,
        extra: Default::default(),
        events: Vec::new(),
    };
    ticket.record(Event::new(cx.now, cx.actor, EventKind::Created).to(owner));
    Ok(ticket)
}

fn require_active(t: &Ticket, cx: &Ctx, verb: &str) -> Result<(), Error> {
    if t.status.is_active() {
        return Ok(());
    }
    Err(
        Error::new(format!("cannot {verb} {}: it is {}", cx.label, t.status))
            .kind(Kind::WrongStatus)
            .hint(format!("reopen it first with 'baton reopen {}'", cx.label)),
    )
}

/// Whether the actor owns the ticket, also under a name they had before a
/// rename (a clone that had not heard of it wrote the old one).
fn owned_by_actor(t: &Ticket, cx: &Ctx) -> bool {
    cx.config.current_name(&t.owner) == cx.actor
}

fn require_owner(t: &Ticket, cx: &Ctx, verb: &str) -> Result<(), Error> {
    if owned_by_actor(t, cx) {
        return Ok(());
    }
    Err(Error::new(format!(
        "only the owner can {verb} {}; it belongs to {}",
        cx.label, t.owner
    ))
    .kind(Kind::NotOwner)
    .hint(format!(
        "run 'baton take {}' first to make it yours",
        cx.label
    )))
}

/// Makes the actor the owner: a hand-off from the current owner to the taker.
pub fn take(t: &mut Ticket, cx: &Ctx, note: Option<String>) -> Result<Changed, Error> {
    cx.config.member(cx.actor)?;
    require_active(t, cx, "take")?;
    if t.owner == cx.actor {
        return Ok(false);
    }
    let from = t.owner.clone();
    t.record(
        Event::new(cx.now, cx.actor, EventKind::Handoff)
            .from(from)
            .to(cx.actor)
            .note(note),
    );
    Ok(true)
}

/// Whether the actor may pass this ticket at all, whoever would take it (so a
/// person is told before choosing to whom).
pub fn check_pass(t: &Ticket, cx: &Ctx) -> Result<(), Error> {
    require_active(t, cx, "pass")?;
    require_owner(t, cx, "pass")
}

/// The owner passes the ticket to another team member.
pub fn pass(t: &mut Ticket, cx: &Ctx, to: &str, note: Option<String>) -> Result<Changed, Error> {
    // An old name (renamed since) means the person it became.
    let to = cx.config.member(to)?.name.as_str();
    check_pass(t, cx)?;
    if to == cx.actor {
        return Err(Error::new(format!(
            "{} is already yours; pass it to someone else",
            cx.label
        ))
        .hint(format!("the team: {}", cx.config.names())));
    }
    t.record(
        Event::new(cx.now, cx.actor, EventKind::Handoff)
            .from(cx.actor)
            .to(to)
            .note(note),
    );
    Ok(true)
}

/// A message to the customer (anyone may reply).
pub fn reply(t: &mut Ticket, cx: &Ctx, text: &str) -> Result<Changed, Error> {
    let text = check_text("reply", text)?;
    t.record(Event::new(cx.now, cx.actor, EventKind::Reply).text(text));
    Ok(true)
}

/// An internal note (anyone may add one).
pub fn note(t: &mut Ticket, cx: &Ctx, text: &str) -> Result<Changed, Error> {
    let text = check_text("note", text)?;
    t.record(Event::new(cx.now, cx.actor, EventKind::Note).text(text));
    Ok(true)
}

/// A customer's satisfaction score on a solved ticket. Every rating stays in
/// the history; the report counts the latest.
pub fn rate(
    t: &mut Ticket,
    cx: &Ctx,
    score: u8,
    comment: Option<String>,
) -> Result<Changed, Error> {
    if !(1..=5).contains(&score) {
        return Err(Error::usage(format!(
            "a score is 1 to 5 (5 is best), not {score}"
        )));
    }
    if t.status.is_active() {
        return Err(Error::new(format!(
            "cannot rate {}: it is {}; customers rate solved tickets",
            cx.label, t.status
        ))
        .kind(Kind::WrongStatus)
        .hint(format!(
            "resolve it first with 'baton resolve {}'",
            cx.label
        )));
    }
    let mut e = Event::new(cx.now, cx.actor, EventKind::Rated);
    e.score = Some(score);
    e.comment = comment.filter(|c| !c.trim().is_empty());
    t.record(e);
    Ok(true)
}

/// Time the actor spent on a ticket, in whole minutes (anyone may log time,
/// on a ticket in any status: work is often written down afterwards), done
/// at `worked` when that was earlier (not ahead of now, nor before the ticket
/// was opened): the report counts it in that period.
pub fn log_time(
    t: &mut Ticket,
    cx: &Ctx,
    spent: std::time::Duration,
    note: Option<String>,
    worked: Option<DateTime<Utc>>,
) -> Result<Changed, Error> {
    let minutes = (spent.as_secs() + 30) / 60;
    if minutes == 0 {
        return Err(
            Error::usage("baton logs whole minutes; the time given is less than one")
                .hint(format!("baton log {} 15m", cx.label)),
        );
    }
    let Ok(minutes) = u32::try_from(minutes) else {
        return Err(Error::usage(format!(
            "{minutes} minutes is more than one entry can hold; log it in parts"
        )));
    };
    let mut e = Event::new(cx.now, cx.actor, EventKind::Time).note(note);
    e.minutes = Some(minutes);
    if let Some(at) = worked.filter(|at| *at != cx.now) {
        if at > cx.now {
            return Err(Error::usage(format!(
                "--at {} is ahead of now; time is logged once it is spent",
                at.to_rfc3339()
            ))
            .hint(format!("baton log {} 45m --at \"today 9:00\"", cx.label)));
        }
        if at < t.created {
            return Err(Error::usage(format!(
                "--at {} is before the ticket was opened ({})",
                at.to_rfc3339(),
                t.created.to_rfc3339()
            )));
        }
        let stamp = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        if let Ok(d) = stamp.parse::<toml::value::Datetime>() {
            e.extra.insert(WORKED_KEY.into(), toml::Value::Datetime(d));
        }
    }
    t.record(e);
    Ok(true)
}

/// Moves a ticket to another status, checking who may and from where.
pub fn set_status(
    t: &mut Ticket,
    cx: &Ctx,
    to: Status,
    note: Option<String>,
    confirmed: bool,
) -> Result<Changed, Error> {
    let from = t.status;
    if from == to {
        return Ok(false);
    }
    match to {
        Status::Waiting => {
            require_active(t, cx, "set waiting")?;
            require_owner(t, cx, "set waiting")?;
        }
        Status::Resolved => {
            if from == Status::Closed {
                return Err(
                    Error::new(format!("cannot resolve {}: it is closed", cx.label))
                        .kind(Kind::WrongStatus)
                        .hint(format!("reopen it first with 'baton reopen {}'", cx.label)),
                );
            }
            require_owner(t, cx, "resolve")?;
        }
        Status::Open => super::duplicate::require_not_merged(t, cx.label, "reopen")?,
        Status::Closed => {
            if !owned_by_actor(t, cx) && !confirmed {
                return Err(Error::new(format!(
                    "{} belongs to {}; closing it needs confirmation",
                    cx.label, t.owner
                ))
                .kind(Kind::NotOwner)
                .hint(format!(
                    "run 'baton close {} --yes' to close it anyway",
                    cx.label
                )));
            }
        }
    }
    t.record(
        Event::new(cx.now, cx.actor, EventKind::Status)
            .from(from.as_str())
            .to(to.as_str())
            .note(note),
    );
    Ok(true)
}

/// Changes to content fields; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct Edit {
    pub title: Option<String>,
    pub customer: Option<String>,
    pub priority: Option<Priority>,
    pub description: Option<String>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
}

impl Edit {
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.customer.is_none()
            && self.priority.is_none()
            && self.description.is_none()
            && self.add_tags.is_empty()
            && self.remove_tags.is_empty()
    }
}

fn edited(cx: &Ctx, field: &str, from: Option<String>, to: Option<String>) -> Event {
    let mut e = Event::new(cx.now, cx.actor, EventKind::Edited);
    e.field = Some(field.to_string());
    e.from = from;
    e.to = to;
    e
}

/// Applies content edits, one `edited` event per field that really changed.
/// Returns the names of the changed fields.
pub fn edit(t: &mut Ticket, cx: &Ctx, change: Edit) -> Result<Vec<&'static str>, Error> {
    let mut events = Vec::new();
    let mut fields = Vec::new();
    if let Some(title) = change.title {
        let title = check_title(&title)?;
        if title != t.title {
            events.push(edited(
                cx,
                "title",
                Some(t.title.clone()),
                Some(title.clone()),
            ));
            fields.push("title");
            t.title = title;
        }
    }
    if let Some(customer) = change.customer {
        let customer = customer.trim().to_string();
        if customer != t.customer {
            events.push(edited(
                cx,
                "customer",
                Some(t.customer.clone()),
                Some(customer.clone()),
            ));
            fields.push("customer");
            t.customer = customer;
        }
    }
    if let Some(priority) = change.priority
        && priority != t.priority
    {
        events.push(edited(
            cx,
            "priority",
            Some(t.priority.to_string()),
            Some(priority.to_string()),
        ));
        fields.push("priority");
        t.priority = priority;
    }
    if let Some(description) = change.description
        && description != t.description
    {
        // Long text: the event names the field; the file holds the new value.
        events.push(edited(cx, "description", None, None));
        fields.push("description");
        t.description = description;
    }
    let mut tags = t.tags.clone();
    for tag in &change.add_tags {
        let tag = check_tag(tag)?;
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags.retain(|tag| !change.remove_tags.contains(tag));
    if tags != t.tags {
        events.push(edited(
            cx,
            "tags",
            Some(t.tags.join(", ")),
            Some(tags.join(", ")),
        ));
        fields.push("tags");
        t.tags = tags;
    }
    for e in events {
        t.record(e);
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn config() -> Config {
        Config::parse(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[[people]]\nname = \"ben\"\nlevel = 2\n",
        )
        .unwrap()
    }

    fn cx<'a>(actor: &'a str, config: &'a Config) -> Ctx<'a> {
        Ctx {
            actor,
            now: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(),
            config,
            label: "0b7c",
        }
    }

    fn new_ticket(config: &Config) -> Ticket {
        let draft = Draft {
            title: "Printer on fire".into(),
            ..Draft::default()
        };
        create(&cx("ana", config), Uuid::nil(), draft).unwrap()
    }

    #[test]
    fn the_creator_owns_a_new_ticket_unless_told_otherwise() {
        let c = config();
        let t = new_ticket(&c);
        assert_eq!((t.owner.as_str(), t.events.len()), ("ana", 1));
        let draft = Draft {
            title: "x".into(),
            owner: Some("zed".into()),
            ..Draft::default()
        };
        assert!(
            create(&cx("ana", &c), Uuid::nil(), draft)
                .unwrap_err()
                .message
                .contains("not on the team")
        );
    }

    #[test]
    fn an_empty_title_is_a_usage_error() {
        let c = config();
        let draft = Draft {
            title: "  ".into(),
            ..Draft::default()
        };
        assert_eq!(
            create(&cx("ana", &c), Uuid::nil(), draft).unwrap_err().code,
            2
        );
    }

    #[test]
    fn only_the_owner_passes_resolves_or_sets_waiting() {
        let c = config();
        let mut t = new_ticket(&c);
        let ben = cx("ben", &c);
        for err in [
            pass(&mut t, &ben, "ana", None).unwrap_err(),
            set_status(&mut t, &ben, Status::Resolved, None, false).unwrap_err(),
            set_status(&mut t, &ben, Status::Waiting, None, false).unwrap_err(),
        ] {
            assert!(err.message.contains("only the owner"), "{}", err.message);
            assert_eq!(err.kind, Kind::NotOwner);
            assert_eq!(
                err.hint.as_deref(),
                Some("run 'baton take 0b7c' first to make it yours")
            );
        }
        assert_eq!(t.events.len(), 1, "refusals append nothing");
    }

    #[test]
    fn take_is_a_handoff_to_the_taker() {
        let c = config();
        let mut t = new_ticket(&c);
        assert!(take(&mut t, &cx("ben", &c), None).unwrap());
        let e = t.events.last().unwrap();
        assert_eq!(
            (e.kind.clone(), e.from.as_deref(), e.to.as_deref()),
            (EventKind::Handoff, Some("ana"), Some("ben"))
        );
        assert_eq!(t.owner, "ben");
        assert!(
            !take(&mut t, &cx("ben", &c), None).unwrap(),
            "taking your own ticket changes nothing"
        );
    }

    #[test]
    fn passing_to_oneself_or_a_stranger_is_refused() {
        let c = config();
        let mut t = new_ticket(&c);
        assert!(
            pass(&mut t, &cx("ana", &c), "ana", None)
                .unwrap_err()
                .message
                .contains("already yours")
        );
        let stranger = pass(&mut t, &cx("ana", &c), "zed", None).unwrap_err();
        assert!(stranger.message.contains("not on the team"));
        assert_eq!(stranger.kind, Kind::UnknownPerson);
        assert!(pass(&mut t, &cx("ana", &c), "ben", Some("approval".into())).unwrap());
        assert_eq!(t.owner, "ben");
    }

    #[test]
    fn closed_tickets_must_be_reopened_before_work() {
        let c = config();
        let mut t = new_ticket(&c);
        let ana = cx("ana", &c);
        set_status(&mut t, &ana, Status::Closed, None, false).unwrap();
        let closed = pass(&mut t, &ana, "ben", None).unwrap_err();
        assert!(closed.hint.unwrap().contains("baton reopen"));
        assert_eq!(closed.kind, Kind::WrongStatus);
        assert!(set_status(&mut t, &ana, Status::Resolved, None, false).is_err());
        assert!(set_status(&mut t, &cx("ben", &c), Status::Open, None, false).unwrap());
        assert_eq!(t.status, Status::Open);
    }

    #[test]
    fn a_merged_duplicate_is_not_reopened_while_the_merge_stands() {
        let c = config();
        let mut dup = new_ticket(&c);
        let mut into = new_ticket(&c);
        into.id = Uuid::from_u128(0x0b7c6f1e << 96);
        let ana = cx("ana", &c);
        super::super::duplicate::merge(&mut dup, &mut into, &ana, &ana, None).unwrap();
        let refused = set_status(&mut dup, &ana, Status::Open, None, false).unwrap_err();
        assert_eq!(refused.kind, Kind::WrongStatus);
        assert!(
            refused.message.contains("merged into 0b7c6f1e"),
            "{refused:?}"
        );
        let at = dup.events.len();
        assert!(
            refused
                .hint
                .unwrap()
                .contains(&format!("baton undo {} --event {at}", ana.label)),
        );
        assert_ne!(dup.status, Status::Open);
    }

    #[test]
    fn closing_someone_elses_ticket_needs_confirmation() {
        let c = config();
        let mut t = new_ticket(&c);
        let ben = cx("ben", &c);
        assert!(
            set_status(&mut t, &ben, Status::Closed, None, false)
                .unwrap_err()
                .hint
                .unwrap()
                .contains("--yes")
        );
        assert!(set_status(&mut t, &ben, Status::Closed, None, true).unwrap());
    }

    #[test]
    fn edits_record_one_event_per_changed_field() {
        let c = config();
        let mut t = new_ticket(&c);
        let change = Edit {
            title: Some("Printer on fire".into()),
            priority: Some(Priority::Urgent),
            add_tags: vec!["hw".into(), "hw".into()],
            description: Some("smoke".into()),
            ..Edit::default()
        };
        let fields = edit(&mut t, &cx("ben", &c), change).unwrap();
        assert_eq!(fields, ["priority", "description", "tags"]);
        let e = &t.events[1];
        assert_eq!(
            (e.from.as_deref(), e.to.as_deref()),
            (Some("normal"), Some("urgent"))
        );
        assert_eq!(t.tags, ["hw"]);
    }

    #[test]
    fn ratings_need_a_solved_ticket_and_a_score_from_one_to_five() {
        let c = config();
        let mut t = new_ticket(&c);
        let ana = cx("ana", &c);
        assert!(
            rate(&mut t, &ana, 5, None)
                .unwrap_err()
                .hint
                .unwrap()
                .contains("baton resolve")
        );
        set_status(&mut t, &ana, Status::Resolved, None, false).unwrap();
        assert_eq!(rate(&mut t, &ana, 0, None).unwrap_err().code, 2);
        assert_eq!(rate(&mut t, &ana, 6, None).unwrap_err().code, 2);
        assert!(rate(&mut t, &ana, 3, Some(" ".into())).unwrap());
        let e = t.events.last().unwrap();
        assert_eq!(
            (e.kind.clone(), e.score, e.comment.clone()),
            (EventKind::Rated, Some(3), None)
        );
        assert_eq!(t.status, Status::Resolved, "rating leaves the status alone");
    }

    #[test]
    fn logged_time_is_rounded_to_whole_minutes() {
        let c = config();
        let mut t = new_ticket(&c);
        let ben = cx("ben", &c);
        let secs = std::time::Duration::from_secs;
        for (given, minutes) in [(secs(89), 1), (secs(90), 2), (secs(5400), 90)] {
            log_time(&mut t, &ben, given, None, None).unwrap();
            assert_eq!(t.events.last().unwrap().minutes, Some(minutes), "{given:?}");
        }
        assert_eq!(
            log_time(&mut t, &ben, secs(29), None, None)
                .unwrap_err()
                .code,
            2
        );
        assert_eq!(t.events.last().unwrap().by, "ben");
    }
}
