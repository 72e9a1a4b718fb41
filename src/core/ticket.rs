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
    Other(String),
}

impl EventKind {
    const KNOWN: [EventKind; 10] = [
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
/// depends on the kind (see `docs/design.md`).
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
    ParseError {
        message: err.message().trim_end().to_string(),
        line,
        column,
    }
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

    #[test]
    fn line_col_counts_characters_not_bytes() {
        assert_eq!(line_col("ab\nżółw = x", 9), (2, 4));
    }
}
