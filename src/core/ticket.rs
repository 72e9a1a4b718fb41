//! Tickets and events as they live in `tickets/<uuid>.toml`, and the one canonical
//! way to read and write that text.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::time::{toml_time, toml_time_opt};

/// Keys this version does not know, kept so that a rewrite never drops them.
pub type Extra = BTreeMap<String, toml::Value>;

/// The key of a `time` event saying when the work was done, when that was
/// not when it was logged (`baton log --at`).
pub const WORKED_KEY: &str = "worked";

/// The key of a mail event listing the addresses its message was copied to
/// (kept among the extra keys, so older versions keep it untouched).
pub const CC_KEY: &str = "cc";

/// The key of a mail event holding a digest of its message's content, by
/// which a second delivery is known even without a Message-ID.
pub const DIGEST_KEY: &str = "digest";

/// The key of a mail intake `created` event holding the sender's display
/// name (`Jörg Müller` of `Jörg Müller <j@example.com>`).
pub const CUSTOMER_NAME_KEY: &str = "customer_name";

/// The key of a mail event holding what its message quoted (the earlier
/// conversation and the signature), split off its `text`.
pub const QUOTED_KEY: &str = "quoted";

/// The key of a `status` event holding a time (`wait --until`): on a change
/// to `waiting`, when the ticket comes back; on the sweep's change back to
/// `open`, which time it answers (see [`super::reminder`]).
pub const UNTIL_KEY: &str = "until";

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Waiting,
    Resolved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::Waiting,
        Status::Resolved,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Waiting => "waiting",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    /// Open and waiting tickets still need someone; resolved and closed ones do not.
    pub fn is_active(self) -> bool {
        matches!(self, Status::Open | Status::Waiting)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                format!("unknown status '{s}' (expected open, waiting, resolved or closed)")
            })
    }
}

/// How urgent a ticket is; ordered from low to urgent.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Priority {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| format!("unknown priority '{s}' (expected low, normal, high or urgent)"))
    }
}

/// What an event records. Kinds written by a newer version are kept as `Other`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    Created,
    Handoff,
    Escalated,
    Status,
    Reply,
    Note,
    Customer,
    Edited,
    Rated,
    Time,
    /// A delivery report (bounce) about a message sent for the ticket: the
    /// customer did not get the word.
    DeliveryFailed,
    /// Mail about the ticket from someone who is neither its customer nor
    /// copied on its earlier messages: kept for the owner, it reopens nothing.
    Stranger,
    /// What the customer was told: an answer by `deadline` (see `core::promise`).
    Promised,
    /// The sweep told the customer that the promise due at `deadline` will
    /// be late (`[templates] delay`): recorded once per promise.
    Delayed,
    /// Cancels an earlier event of the same ticket (`baton undo`); see
    /// [`super::undo`] for how it names the event.
    Reverted,
    /// One ticket merged into another as its duplicate: on the duplicate
    /// `to` names the ticket it went into, on that ticket `from` names the
    /// duplicate.
    Merged,
    /// A ticket linked to a problem (an incident): on the ticket `to` names
    /// the problem, on the problem `from` names the ticket.
    Linked,
    /// A link to a problem ended; the same keys as `linked`.
    Unlinked,
    /// The sweep asked the customer, at the address `to`, how the ticket
    /// went (`[templates] survey`): recorded once per resolve; see
    /// [`super::survey`].
    Surveyed,
    /// A checklist fact marked found by hand (`baton found`): `field` names
    /// the fact, `text` holds what was found when it was given.
    Found,
    /// A person renamed (`baton people rename`): `from` is the old name,
    /// `to` the new one. Written on each ticket the old name owned, so that
    /// the owner moves with the name while the history keeps the old one.
    Renamed,
    Other(String),
}

impl EventKind {
    const KNOWN: [EventKind; 21] = [
        EventKind::Created,
        EventKind::Handoff,
        EventKind::Escalated,
        EventKind::Status,
        EventKind::Reply,
        EventKind::Note,
        EventKind::Customer,
        EventKind::Edited,
        EventKind::Rated,
        EventKind::Time,
        EventKind::DeliveryFailed,
        EventKind::Stranger,
        EventKind::Promised,
        EventKind::Delayed,
        EventKind::Reverted,
        EventKind::Merged,
        EventKind::Linked,
        EventKind::Unlinked,
        EventKind::Surveyed,
        EventKind::Found,
        EventKind::Renamed,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            EventKind::Created => "created",
            EventKind::Handoff => "handoff",
            EventKind::Escalated => "escalated",
            EventKind::Status => "status",
            EventKind::Reply => "reply",
            EventKind::Note => "note",
            EventKind::Customer => "customer",
            EventKind::Edited => "edited",
            EventKind::Rated => "rated",
            EventKind::Time => "time",
            EventKind::DeliveryFailed => "delivery-failed",
            EventKind::Stranger => "stranger",
            EventKind::Promised => "promised",
            EventKind::Delayed => "delayed",
            EventKind::Reverted => "reverted",
            EventKind::Merged => "merged",
            EventKind::Linked => "linked",
            EventKind::Unlinked => "unlinked",
            EventKind::Surveyed => "surveyed",
            EventKind::Found => "found",
            EventKind::Renamed => "renamed",
            EventKind::Other(s) => s,
        }
    }
}

impl From<&str> for EventKind {
    fn from(s: &str) -> Self {
        EventKind::KNOWN
            .into_iter()
            .find(|k| k.as_str() == s)
            .unwrap_or_else(|| EventKind::Other(s.to_string()))
    }
}

impl Serialize for EventKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(EventKind::from(s.as_str()))
    }
}

/// One entry of a ticket's append-only history. Which optional fields are set
/// depends on the kind (see `docs/design.md`); [`Event::view`] reads them as
/// the kind needs them. The fields stay public for writing and rendering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    #[serde(with = "toml_time")]
    pub at: DateTime<Utc>,
    pub by: String,
    pub kind: EventKind,
    /// The content field an `edited` event changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The deadline an `escalated` event missed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "toml_time_opt"
    )]
    pub deadline: Option<DateTime<Utc>>,
    /// A `rated` event's satisfaction score, 1 to 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
    /// A `time` event's minutes spent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    /// The message of a `reply`, `note` or `customer` event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A short remark on a hand-off, status change or logged time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A `rated` event's comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The Message-ID of the e-mail a `created` or `customer` event came
    /// from, kept so that replies find their ticket in every clone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// On a `created` event of mail intake: the address an acknowledgement
    /// was rendered for (the record that limits acknowledgements per hour).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Event {
    /// When the work a `time` event logs was done: its `worked` key (`baton
    /// log --at`), else when it was logged. Other events: when they happened.
    pub fn worked_at(&self) -> DateTime<Utc> {
        self.extra
            .get(WORKED_KEY)
            .and_then(|v| match v {
                toml::Value::Datetime(d) => d.to_string().parse().ok(),
                toml::Value::String(s) => s.parse().ok(),
                _ => None,
            })
            .filter(|_| self.kind == EventKind::Time)
            .unwrap_or(self.at)
    }

    /// An event with only the fields every kind has.
    pub fn new(at: DateTime<Utc>, by: &str, kind: EventKind) -> Self {
        Event {
            at,
            by: by.to_string(),
            kind,
            field: None,
            from: None,
            to: None,
            deadline: None,
            score: None,
            minutes: None,
            text: None,
            note: None,
            comment: None,
            message_id: None,
            ack: None,
            extra: Extra::new(),
        }
    }

    /// The event read as its kind; [`Malformed`] when `by` or a key its kind
    /// needs is missing or wrong (see `docs/design.md` for each kind's keys).
    pub fn view(&self) -> Result<View<'_>, Malformed> {
        name(Some(&self.by), "by", "the name of who wrote it")?;
        let (from, to) = (self.from.as_deref(), self.to.as_deref());
        Ok(match &self.kind {
            EventKind::Created => View::Created {
                owner: name(to, "to", "the first owner's name")?,
            },
            EventKind::Handoff => View::Handoff {
                from: name(from, "from", "the previous owner's name")?,
                to: name(to, "to", "the new owner's name")?,
            },
            EventKind::Escalated => View::Escalated {
                from: name(from, "from", "the owner who missed the deadline")?,
                to: name(to, "to", "the new owner's name")?,
                deadline: present(self.deadline, "deadline", "the time of the missed deadline")?,
            },
            EventKind::Status => View::Status {
                from: status(from, "from")?,
                to: status(to, "to")?,
            },
            EventKind::Reply => View::Reply {
                text: present(self.text.as_deref(), "text", "the message sent")?,
            },
            EventKind::Note => View::Note {
                text: present(self.text.as_deref(), "text", "the note's text")?,
            },
            EventKind::Customer => View::Customer {
                text: present(self.text.as_deref(), "text", "the customer's message")?,
            },
            EventKind::Edited => View::Edited {
                field: name(
                    self.field.as_deref(),
                    "field",
                    "the name of the field changed",
                )?,
                from,
                to,
            },
            EventKind::Rated => View::Rated {
                score: number(self.score, 1..=5, "score", "a score from 1 to 5")?,
                comment: self.comment.as_deref(),
            },
            EventKind::Time => View::Time {
                minutes: number(
                    self.minutes,
                    1..=u32::MAX,
                    "minutes",
                    "the whole minutes spent, at least 1",
                )?,
            },
            EventKind::DeliveryFailed => View::DeliveryFailed {
                text: present(self.text.as_deref(), "text", "the delivery report")?,
            },
            EventKind::Stranger => View::Stranger {
                from: name(from, "from", "the sender's address")?,
                text: present(self.text.as_deref(), "text", "the sender's message")?,
            },
            EventKind::Promised => View::Promised {
                due: present(self.deadline, "deadline", "the promised time")?,
                note: self.note.as_deref(),
            },
            EventKind::Delayed => View::Delayed {
                due: present(
                    self.deadline,
                    "deadline",
                    "the time of the promise that will be late",
                )?,
            },
            EventKind::Reverted => View::Reverted {
                target: super::undo::Target::of(self)?,
            },
            EventKind::Merged => {
                let (into, dup) = pointer(
                    from,
                    to,
                    "either 'to' (the ticket this one went into) or 'from' (the duplicate merged into this one)",
                )?;
                View::Merged { into, dup }
            }
            EventKind::Linked | EventKind::Unlinked => {
                let (problem, ticket) = pointer(
                    from,
                    to,
                    "either 'to' (the problem this ticket is linked to) or 'from' (the ticket linked to this problem)",
                )?;
                if self.kind == EventKind::Linked {
                    View::Linked { problem, ticket }
                } else {
                    View::Unlinked { problem, ticket }
                }
            }
            EventKind::Surveyed => View::Surveyed {
                to: name(to, "to", "the address the survey went to")?,
            },
            EventKind::Found => View::Found {
                fact: name(self.field.as_deref(), "field", "the checklist fact's name")?,
                value: self.text.as_deref(),
            },
            EventKind::Renamed => View::Renamed {
                from: name(from, "from", "the old name")?,
                to: name(to, "to", "the new name")?,
            },
            EventKind::Other(kind) => View::Unknown(kind),
        })
    }

    /// The status change of a well-formed `status` event: `(from, to)`.
    pub fn status_change(&self) -> Option<(Status, Status)> {
        match self.view() {
            Ok(View::Status { from, to }) => Some((from, to)),
            _ => None,
        }
    }

    /// The owner a well-formed `created`, `handoff` or `escalated` event gives.
    pub fn new_owner(&self) -> Option<&str> {
        self.view().ok().and_then(View::new_owner)
    }

    /// The addresses a mail event's message was copied to (the `cc` key,
    /// written by mail intake): those may write about the ticket too.
    pub fn copied(&self) -> impl Iterator<Item = &str> {
        self.extra
            .get(CC_KEY)
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(toml::Value::as_str)
    }

    /// Records the addresses a mail event's message was copied to.
    pub fn with_copied(mut self, cc: &[String]) -> Self {
        if !cc.is_empty() {
            let list = cc.iter().cloned().map(toml::Value::String).collect();
            self.extra.insert(CC_KEY.into(), toml::Value::Array(list));
        }
        self
    }

    /// The sender's display name a mail event recorded (`customer_name`).
    pub fn customer_name(&self) -> Option<&str> {
        self.extra
            .get(CUSTOMER_NAME_KEY)
            .and_then(toml::Value::as_str)
    }

    /// Records the sender's display name.
    pub fn with_customer_name(mut self, name: Option<&str>) -> Self {
        if let Some(n) = name.filter(|n| !n.trim().is_empty()) {
            self.extra
                .insert(CUSTOMER_NAME_KEY.into(), toml::Value::String(n.to_string()));
        }
        self
    }

    /// What a mail event's message quoted, split off its text (the `quoted`
    /// key).
    pub fn quoted(&self) -> Option<&str> {
        self.extra.get(QUOTED_KEY).and_then(toml::Value::as_str)
    }

    /// Records what a mail event's message quoted.
    pub fn with_quoted(mut self, quoted: Option<String>) -> Self {
        if let Some(q) = quoted.filter(|q| !q.is_empty()) {
            self.extra.insert(QUOTED_KEY.into(), toml::Value::String(q));
        }
        self
    }

    /// The time a `status` event's `until` key holds (see [`UNTIL_KEY`]).
    pub fn until(&self) -> Option<DateTime<Utc>> {
        let value = self.extra.get(UNTIL_KEY)?;
        let text = match value {
            toml::Value::Datetime(d) => d.to_string(),
            toml::Value::String(s) => s.clone(),
            _ => return None,
        };
        DateTime::parse_from_rfc3339(&text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
            .filter(|_| self.kind == EventKind::Status)
    }

    /// Records `until` (RFC 3339 in UTC, to the second, as files keep times).
    pub fn with_until(mut self, until: DateTime<Utc>) -> Self {
        let stamp = until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        if let Ok(d) = stamp.parse::<toml::value::Datetime>() {
            self.extra
                .insert(UNTIL_KEY.into(), toml::Value::Datetime(d));
        }
        self
    }

    /// The digest of the message a mail event came from (the `digest` key).
    pub fn digest(&self) -> Option<&str> {
        self.extra.get(DIGEST_KEY).and_then(toml::Value::as_str)
    }

    /// Records the digest of the message a mail event came from.
    pub fn with_digest(mut self, digest: &str) -> Self {
        if !digest.is_empty() {
            self.extra
                .insert(DIGEST_KEY.into(), toml::Value::String(digest.into()));
        }
        self
    }

    pub fn from(mut self, from: impl Into<String>) -> Self {
        self.from = Some(from.into());
        self
    }

    pub fn to(mut self, to: impl Into<String>) -> Self {
        self.to = Some(to.into());
        self
    }

    pub fn note(mut self, note: Option<String>) -> Self {
        self.note = note.filter(|n| !n.is_empty());
        self
    }

    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }
}

/// An event read as its kind: the keys that kind needs, present and of the
/// right form, as in taskchampion's operations. Code that acts on events
/// matches on this instead of reading `to` or `from` by hand, so an event a
/// hand edit broke is [`Malformed`] and is ignored, as unknown kinds are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View<'a> {
    /// A new ticket and its first owner.
    Created {
        owner: &'a str,
    },
    /// A pass or a take (a take when `to` is the event's `by`).
    Handoff {
        from: &'a str,
        to: &'a str,
    },
    /// The sweep moving an overdue ticket (`from` and `to` are the same when
    /// nobody is above the owner).
    Escalated {
        from: &'a str,
        to: &'a str,
        deadline: DateTime<Utc>,
    },
    Status {
        from: Status,
        to: Status,
    },
    /// A message to the customer.
    Reply {
        text: &'a str,
    },
    /// An internal note.
    Note {
        text: &'a str,
    },
    /// A message from the customer (mail bodies may be empty).
    Customer {
        text: &'a str,
    },
    /// A content field changed; short fields keep the old and new value.
    Edited {
        field: &'a str,
        from: Option<&'a str>,
        to: Option<&'a str>,
    },
    Rated {
        score: u8,
        comment: Option<&'a str>,
    },
    /// Time spent, in whole minutes (at least one).
    Time {
        minutes: u32,
    },
    /// A bounce of a message sent for the ticket; `from` is the mailer that
    /// reported it, `note` its diagnostic.
    DeliveryFailed {
        text: &'a str,
    },
    /// Mail from someone other than the customer (or those copied before).
    Stranger {
        from: &'a str,
        text: &'a str,
    },
    /// A promise to the customer: an answer by `due`.
    Promised {
        due: DateTime<Utc>,
        note: Option<&'a str>,
    },
    /// The delay notice for the promise due at `due` went out.
    Delayed {
        due: DateTime<Utc>,
    },
    /// Cancels the earlier event `target` names (`baton undo`).
    Reverted {
        target: super::undo::Target<'a>,
    },
    /// A duplicate merged: `into` on the duplicate (the ticket it went
    /// into; replay closes it), `dup` on the ticket that took it in.
    Merged {
        into: Option<Uuid>,
        dup: Option<Uuid>,
    },
    /// A link to a problem: `problem` on the linked ticket, `ticket` on
    /// the problem.
    Linked {
        problem: Option<Uuid>,
        ticket: Option<Uuid>,
    },
    /// A link to a problem ended; as [`View::Linked`].
    Unlinked {
        problem: Option<Uuid>,
        ticket: Option<Uuid>,
    },
    /// The survey went to the customer at `to`.
    Surveyed {
        to: &'a str,
    },
    /// A checklist fact found by hand, with what was found when given.
    Found {
        fact: &'a str,
        value: Option<&'a str>,
    },
    /// A person's name changed from `from` to `to`: whoever owned the
    /// ticket under the old name owns it under the new.
    Renamed {
        from: &'a str,
        to: &'a str,
    },
    /// A kind a newer version wrote; it changes nothing here.
    Unknown(&'a str),
}

impl<'a> View<'a> {
    /// The owner the ticket has after this event, for the kinds that set one.
    pub fn new_owner(self) -> Option<&'a str> {
        match self {
            View::Created { owner } => Some(owner),
            View::Handoff { to, .. } | View::Escalated { to, .. } => Some(to),
            _ => None,
        }
    }

    /// The people this event names as owners, old and new, in the order of
    /// their keys.
    pub fn owners(self) -> impl Iterator<Item = (&'static str, &'a str)> {
        let (from, to) = match self {
            View::Created { owner } => (None, Some(owner)),
            View::Handoff { from, to }
            | View::Escalated { from, to, .. }
            | View::Renamed { from, to } => (Some(from), Some(to)),
            _ => (None, None),
        };
        from.map(|f| ("from", f))
            .into_iter()
            .chain(to.map(|t| ("to", t)))
    }
}

/// Why an event of a known kind cannot be read as that kind: the key that is
/// missing or wrong, and what belongs there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub key: &'static str,
    /// What the kind expects under `key`, in words.
    pub expected: &'static str,
    /// The value found instead; `None` when the key is missing.
    pub found: Option<String>,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.found {
            None => write!(f, "has no '{}' ({})", self.key, self.expected),
            Some(v) => write!(
                f,
                "has {} = \"{}\" (expected {})",
                self.key,
                v.escape_debug(),
                self.expected
            ),
        }
    }
}

/// A name a kind needs: present and not blank.
fn name<'a>(
    value: Option<&'a str>,
    key: &'static str,
    expected: &'static str,
) -> Result<&'a str, Malformed> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(v),
        other => Err(Malformed {
            key,
            expected,
            found: other.map(str::to_string),
        }),
    }
}

/// The other ticket an event between two tickets names: `to` on one side,
/// `from` on the other, exactly one of them.
fn pointer(
    from: Option<&str>,
    to: Option<&str>,
    expected: &'static str,
) -> Result<(Option<Uuid>, Option<Uuid>), Malformed> {
    match (from, to) {
        (None, Some(to)) => Ok((Some(ticket_id(to, "to")?), None)),
        (Some(from), None) => Ok((None, Some(ticket_id(from, "from")?))),
        (_, to) => Err(Malformed {
            key: "to",
            expected,
            found: to.map(str::to_string),
        }),
    }
}

/// A ticket's full id a kind needs.
fn ticket_id(value: &str, key: &'static str) -> Result<Uuid, Malformed> {
    value.parse().map_err(|_| Malformed {
        key,
        expected: "a ticket's full id",
        found: Some(value.to_string()),
    })
}

/// A status a kind needs: one of the four.
fn status(value: Option<&str>, key: &'static str) -> Result<Status, Malformed> {
    value.and_then(|v| v.parse().ok()).ok_or_else(|| Malformed {
        key,
        expected: "open, waiting, resolved or closed",
        found: value.map(str::to_string),
    })
}

/// A key a kind needs, with any value.
fn present<T>(value: Option<T>, key: &'static str, expected: &'static str) -> Result<T, Malformed> {
    value.ok_or(Malformed {
        key,
        expected,
        found: None,
    })
}

/// A number a kind needs, within `range`.
fn number<T: Copy + PartialOrd + fmt::Display>(
    value: Option<T>,
    range: std::ops::RangeInclusive<T>,
    key: &'static str,
    expected: &'static str,
) -> Result<T, Malformed> {
    match value {
        Some(v) if range.contains(&v) => Ok(v),
        other => Err(Malformed {
            key,
            expected,
            found: other.map(|v| v.to_string()),
        }),
    }
}

/// A support ticket: content fields, state fields derived from the events, and
/// the events themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: Uuid,
    pub title: String,
    pub status: Status,
    pub owner: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub customer: String,
    #[serde(default)]
    pub priority: Priority,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(with = "toml_time")]
    pub created: DateTime<Utc>,
    #[serde(with = "toml_time")]
    pub updated: DateTime<Utc>,
    /// How many times the ticket escalated in its current open period.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub escalated: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(flatten)]
    pub extra: Extra,
    #[serde(default)]
    pub events: Vec<Event>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Why a ticket's text could not be read: a message and where it points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    /// 1-based line and column, when the problem has a place.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl From<crate::error::Error> for ParseError {
    /// A rule broken by what was read, without a place in the text.
    fn from(err: crate::error::Error) -> Self {
        ParseError {
            message: err.message,
            line: None,
            column: None,
        }
    }
}

/// Turns a byte offset into a 1-based line and column.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Converts a `toml` error into one that names a line and column.
pub fn parse_error(text: &str, err: &toml::de::Error) -> ParseError {
    let (line, column) = match err.span() {
        Some(span) => {
            let (l, c) = line_col(text, span.start);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    let said = line
        .and_then(|l| text.lines().nth(l - 1))
        .and_then(unquoted_text);
    ParseError {
        message: said.unwrap_or_else(|| err.message().trim_end().to_string()),
        line,
        column,
    }
}

/// What to say of a line such as `priority = normal`, where text lacks its
/// quotes: TOML's own words ("invalid float, expected `nan`") point at its
/// grammar, not at the fix.
fn unquoted_text(line: &str) -> Option<String> {
    let (key, value) = line.split_once('=')?;
    let (key, word) = (key.trim(), value.trim());
    let plain = |s: &str, extra: &[char]| {
        !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || extra.contains(&c))
    };
    let is_word = plain(word, &['-', '_', '.', '@'])
        && word.starts_with(|c: char| c.is_alphabetic())
        && !matches!(word, "true" | "false" | "inf" | "nan");
    if !plain(key, &['-', '_']) || !is_word {
        return None;
    }
    let choices = match key {
        "priority" => Some(Priority::ALL.map(Priority::as_str).join(", ")),
        "status" => Some(Status::ALL.map(Status::as_str).join(", ")),
        _ => None,
    };
    Some(match choices {
        Some(choices) => format!(
            "{key} must be one of {choices}, in quotes: {key} = \"{}\"",
            word.to_lowercase()
        ),
        None => format!("text needs quotes in TOML: {key} = \"{word}\""),
    })
}

impl Ticket {
    /// Reads a ticket file's text. Extra checks beyond the types (the owner is on
    /// the team, the state matches the events) belong to `baton doctor`.
    pub fn parse(text: &str) -> Result<Ticket, ParseError> {
        let ticket = match super::canonical::parse(text) {
            Some(t) => t,
            None => toml::from_str(text).map_err(|e| parse_error(text, &e))?,
        };
        if ticket.events.is_empty() {
            return Err(ParseError {
                message: "a ticket needs at least its `created` event in [[events]]".into(),
                line: None,
                column: None,
            });
        }
        Ok(ticket)
    }

    /// Writes the canonical text: keys in a fixed order, events last, so that a
    /// change shows in `git diff` as a few header lines and appended events.
    pub fn to_toml(&self) -> String {
        // Serialising plain data to a string has no failure mode but a bug here.
        toml::to_string(self).expect("a ticket always serialises to TOML")
    }

    /// The ticket's file name inside the store.
    pub fn file_name(&self) -> String {
        format!("{}.toml", self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"id = "0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84"
title = "Refund for double charge not received"
status = "open"
owner = "ben"
customer = "jan.kowalski@example.com"
priority = "normal"
tags = ["billing"]
created = 2026-11-20T09:14:00Z
updated = 2026-11-20T10:02:11Z
description = "Charged twice."
future_key = "kept"

[[events]]
at = 2026-11-20T09:14:00Z
by = "ana"
kind = "created"
to = "ana"

[[events]]
at = 2026-11-20T10:02:11Z
by = "ana"
kind = "handoff"
from = "ana"
to = "ben"
note = "needs a refund approval"

[[events]]
at = 2026-11-20T10:03:00Z
by = "ana"
kind = "teleported"
where = "mars"
"#;

    #[test]
    fn text_without_quotes_says_which_values_and_how_to_quote() {
        let cases = [
            (
                "priority = normal",
                Some(
                    "priority must be one of low, normal, high, urgent, in quotes: priority = \"normal\"",
                ),
            ),
            (
                "status = Open",
                Some(
                    "status must be one of open, waiting, resolved, closed, in quotes: status = \"open\"",
                ),
            ),
            (
                "owner = ana",
                Some("text needs quotes in TOML: owner = \"ana\""),
            ),
            ("escalated = 2", None),
            ("title = \"x\"", None),
            ("done = true", None),
        ];
        for (line, want) in cases {
            assert_eq!(unquoted_text(line).as_deref(), want, "{line}");
        }
        let text = "id = \"0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84\"\npriority = normal\n";
        let err = toml::from_str::<toml::Table>(text).unwrap_err();
        let e = parse_error(text, &err);
        assert_eq!(e.line, Some(2));
        assert!(e.message.starts_with("priority must be one of"), "{e:?}");
    }

    #[test]
    fn canonical_text_round_trips_byte_for_byte() {
        let t = Ticket::parse(SAMPLE).unwrap();
        assert_eq!(t.to_toml(), SAMPLE);
    }

    #[test]
    fn unknown_keys_and_kinds_survive_a_rewrite() {
        let t = Ticket::parse(SAMPLE).unwrap();
        assert_eq!(t.extra["future_key"].as_str(), Some("kept"));
        assert_eq!(t.events[2].kind, EventKind::Other("teleported".into()));
        assert_eq!(t.events[2].extra["where"].as_str(), Some("mars"));
    }

    #[test]
    fn type_errors_name_line_and_column() {
        let bad = SAMPLE.replace("tags = [\"billing\"]", "tags = 5");
        let err = Ticket::parse(&bad).unwrap_err();
        assert_eq!((err.line, err.column), (Some(7), Some(8)));
        assert!(
            err.message.contains("expected a sequence"),
            "{}",
            err.message
        );
    }

    #[test]
    fn unknown_status_is_an_error_naming_the_choices() {
        let bad = SAMPLE.replace("status = \"open\"", "status = \"lost\"");
        let err = Ticket::parse(&bad).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("open"), "{}", err.message);
    }

    #[test]
    fn a_ticket_without_events_is_rejected() {
        let cut = &SAMPLE[..SAMPLE.find("[[events]]").unwrap()];
        assert!(Ticket::parse(cut).unwrap_err().message.contains("created"));
    }

    fn at() -> DateTime<Utc> {
        "2026-11-02T08:00:00Z".parse().unwrap()
    }

    fn event(kind: &str) -> Event {
        Event::new(at(), "ana", EventKind::from(kind))
    }

    #[test]
    fn each_kind_reads_as_its_view() {
        let mut escalated = event("escalated").from("ana").to("cora");
        escalated.deadline = Some(at());
        let mut edited = event("edited").to("Refund");
        edited.field = Some("title".into());
        let mut rated = event("rated");
        (rated.score, rated.comment) = (Some(4), Some("quick".into()));
        let mut time = event("time");
        time.minutes = Some(15);
        let cases = [
            (event("created").to("ben"), View::Created { owner: "ben" }),
            (
                event("handoff").from("ana").to("ben"),
                View::Handoff {
                    from: "ana",
                    to: "ben",
                },
            ),
            (
                escalated,
                View::Escalated {
                    from: "ana",
                    to: "cora",
                    deadline: at(),
                },
            ),
            (
                event("status").from("open").to("waiting"),
                View::Status {
                    from: Status::Open,
                    to: Status::Waiting,
                },
            ),
            (event("reply").text("hi"), View::Reply { text: "hi" }),
            (event("note").text("hm"), View::Note { text: "hm" }),
            (event("customer").text(""), View::Customer { text: "" }),
            (
                edited,
                View::Edited {
                    field: "title",
                    from: None,
                    to: Some("Refund"),
                },
            ),
            (
                rated,
                View::Rated {
                    score: 4,
                    comment: Some("quick"),
                },
            ),
            (time, View::Time { minutes: 15 }),
            (event("teleported").to("mars"), View::Unknown("teleported")),
        ];
        for (e, view) in cases {
            assert_eq!(e.view(), Ok(view), "{e:?}");
        }
    }

    #[test]
    fn a_known_kind_without_its_keys_is_malformed() {
        let mut nobody = event("note").text("x");
        nobody.by = " ".into();
        let mut score = event("rated");
        score.score = Some(6);
        let mut minutes = event("time");
        minutes.minutes = Some(0);
        // (event, the key named, the value found)
        let cases = [
            (event("created"), "to", None),
            (event("handoff").from("ana"), "to", None),
            (event("handoff").from("ana").to(""), "to", Some("")),
            (event("handoff").to("ben"), "from", None),
            (event("escalated").from("ana").to("cora"), "deadline", None),
            (
                event("status").from("open").to("exploded"),
                "to",
                Some("exploded"),
            ),
            (event("status").to("open"), "from", None),
            (event("reply"), "text", None),
            (event("edited").to("x"), "field", None),
            (score, "score", Some("6")),
            (event("rated"), "score", None),
            (minutes, "minutes", Some("0")),
            (nobody, "by", Some(" ")),
        ];
        for (e, key, found) in cases {
            let m = e.view().unwrap_err();
            assert_eq!((m.key, m.found.as_deref()), (key, found), "{e:?}");
        }
    }

    #[test]
    fn malformed_says_what_it_has_and_what_belongs_there() {
        let e = event("status").from("open").to("exploded");
        assert_eq!(
            e.view().unwrap_err().to_string(),
            "has to = \"exploded\" (expected open, waiting, resolved or closed)"
        );
        assert_eq!(
            event("handoff").from("ana").view().unwrap_err().to_string(),
            "has no 'to' (the new owner's name)"
        );
    }

    #[test]
    fn the_shortcuts_read_only_well_formed_events() {
        let status = event("status").from("waiting").to("open");
        assert_eq!(
            status.status_change(),
            Some((Status::Waiting, Status::Open))
        );
        assert_eq!(
            event("status").from("open").to("gone").status_change(),
            None
        );
        assert_eq!(
            event("handoff").from("ana").to("ben").new_owner(),
            Some("ben")
        );
        assert_eq!(event("handoff").to("ben").new_owner(), None);
        assert_eq!(event("created").to("ben").new_owner(), Some("ben"));
        assert_eq!(event("reply").text("x").new_owner(), None);
        let handoff = event("handoff").from("ana").to("ben");
        let owners: Vec<_> = handoff.view().unwrap().owners().collect();
        assert_eq!(owners, [("from", "ana"), ("to", "ben")]);
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        assert_eq!(line_col("ab\nżółw = x", 9), (2, 4));
    }
}
