//! The team config (`tickets/baton.toml`): the people and their levels in the
//! support pyramid, the escalation rule, the working calendar and the service
//! targets.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::calendar::{self, Calendar, Hours};
use super::duration;
use super::sla::{CustomerRule, Policies, Targets};
use super::template;
use super::ticket::Priority;
use super::ticket::{ParseError, line_col, parse_error};
use crate::error::{Error, Kind};

/// The actor name baton itself writes events under (sweeps, mail intake).
pub const SYSTEM_ACTOR: &str = "baton";

/// The team config's table of old names (`[renamed] anna = "ana"`).
pub const RENAMED_KEY: &str = "renamed";

/// A member of the support team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: Option<String>,
    /// 1 is the front line; the highest level in the team is the top.
    pub level: u32,
}

/// Where an overdue ticket goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// To a person at the highest level.
    Top,
    /// One level above the current owner, once per elapsed period.
    Next,
    /// To a named person.
    Person(String),
}

/// Which clock a deadline counts on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClockKind {
    /// `24x7`: every hour counts (the default, so stores without a calendar
    /// keep their deadlines).
    #[default]
    Round,
    /// `business`: only the working hours of `[calendar]` count.
    Business,
}

impl ClockKind {
    /// Reads `24x7` or `business`.
    fn parse(text: &str) -> Result<ClockKind, String> {
        match text {
            "24x7" => Ok(ClockKind::Round),
            "business" => Ok(ClockKind::Business),
            other => Err(format!(
                "clock '{}' is neither \"24x7\" nor \"business\"",
                other.escape_debug()
            )),
        }
    }
}

/// The `[escalation]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    pub after: Duration,
    pub to: Target,
    pub pause_when_waiting: bool,
    /// The clock `after` counts on.
    pub clock: ClockKind,
}

impl Default for Escalation {
    fn default() -> Self {
        Escalation {
            after: Duration::from_secs(20 * 3600),
            to: Target::Top,
            pause_when_waiting: true,
            clock: ClockKind::Round,
        }
    }
}

/// The `[sla]` section's own keys (its `[sla.NAME]` tables are
/// [`Config::policies`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sla {
    pub first_response: Duration,
    /// A pause set this soon after a customer's message, with no reply in
    /// between, counts in the report's pause audit.
    pub pause_grace: Duration,
}

impl Default for Sla {
    fn default() -> Self {
        Sla {
            first_response: Duration::from_secs(3600),
            pause_grace: Duration::from_secs(600),
        }
    }
}

/// The `[git]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Git {
    /// Each command commits the files it changed.
    pub commit: bool,
}

/// The `[intake]` section: where mail intake puts new tickets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Intake {
    /// Who owns every ticket that arrives by mail; when unset, the front-line
    /// person with the fewest open tickets.
    pub owner: Option<String>,
    /// The support address: the `From` of mail baton renders, and an address
    /// never acknowledged (mail from it is baton's own coming back).
    pub address: Option<String>,
    /// `max_attachment`: the largest attachment kept, in bytes; `None` for
    /// the default ([`Intake::max_attachment`]).
    pub max_attachment: Option<u64>,
}

impl Intake {
    /// The largest attachment mail intake keeps, in bytes.
    pub fn max_attachment(&self) -> u64 {
        self.max_attachment
            .unwrap_or(super::attachment::DEFAULT_MAX)
    }
}

/// The `[templates]` section: what customers are told. Defaults in
/// `core::template`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates {
    pub ack_subject: String,
    pub ack: String,
    pub status_subject: String,
    pub status: String,
    /// The delay notice's subject (`delay_subject`).
    pub delay_subject: String,
    /// `[templates] delay`: the notice a customer gets before a promise is
    /// missed; none are sent when it is not set.
    pub delay: Option<String>,
    /// The survey's subject (`survey_subject`).
    pub survey_subject: String,
    /// `[templates] survey`: the mail asking the customer how a resolved
    /// ticket went; no surveys are sent when it is not set.
    pub survey: Option<String>,
}

impl Default for Templates {
    fn default() -> Self {
        Templates {
            ack_subject: template::ACK_SUBJECT.into(),
            ack: template::ACK.into(),
            status_subject: template::STATUS_SUBJECT.into(),
            delay_subject: template::DELAY_SUBJECT.into(),
            delay: None,
            status: template::STATUS.into(),
            survey_subject: template::SURVEY_SUBJECT.into(),
            survey: None,
        }
    }
}

/// The `[survey]` section: when a resolved ticket's customer is asked how
/// it went (see `core::survey`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    /// How long after the resolve the survey goes (`after`, 24h), so that a
    /// quick reopen cancels it.
    pub after: Duration,
    /// At most one survey per customer address in this time (`every`, 30d),
    /// across tickets.
    pub every: Duration,
}

impl Default for Survey {
    fn default() -> Self {
        Survey {
            after: Duration::from_secs(24 * 3600),
            every: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// The `[hooks]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hooks {
    /// How long a hook may run before it is killed.
    pub timeout: Duration,
}

impl Default for Hooks {
    fn default() -> Self {
        Hooks {
            timeout: Duration::from_secs(10),
        }
    }
}

/// The `[store]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreSettings {
    /// How long a writer waits for another baton's store lock before it
    /// gives up (exit 75, try again).
    pub lock_timeout: Duration,
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings {
            lock_timeout: Duration::from_secs(30),
        }
    }
}

/// How `[mail] send` hands a message on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Send {
    /// A program that takes the message on stdin (`sendmail -t -oi`), as
    /// words (no shell).
    Command(Vec<String>),
    /// An SMTP server spoken to directly.
    Smtp(SmtpServer),
}

/// When an `smtp://` connection upgrades to TLS with STARTTLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartTls {
    /// Never send in the clear: a server that offers no STARTTLS is a failure.
    Required,
    /// Upgrade when the server offers it (the default).
    Opportunistic,
    /// Never upgrade (a loopback relay, a test server).
    Never,
}

/// An SMTP server from `send = "smtp://user@host:587"` or `smtps://…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpServer {
    pub host: String,
    pub port: u16,
    /// `smtps://`: TLS from the first byte (port 465).
    pub implicit_tls: bool,
    pub starttls: StartTls,
    /// Who logs in (AUTH), when the URL names someone.
    pub user: Option<String>,
}

/// Where an SMTP password comes from: never from a tracked file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Password {
    /// `password_env = "NAME"`: an environment variable.
    Env(String),
    /// `password_command = "pass show support"`: a program's first line.
    Command(Vec<String>),
}

/// The `[mail]` section: how outgoing mail leaves the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// The transport; without one, messages wait in the outbox.
    pub send: Option<Send>,
    pub password: Option<Password>,
    /// A reply quotes the customer's latest message below its text.
    pub quote: bool,
    /// How long a message may keep failing before it becomes a
    /// `delivery-failed` event on its ticket.
    pub give_up_after: Duration,
    /// How long one delivery attempt may take (connect, talk, wait).
    pub timeout: Duration,
}

impl Default for Mail {
    fn default() -> Self {
        Mail {
            send: None,
            password: None,
            quote: false,
            give_up_after: Duration::from_secs(2 * 24 * 3600),
            timeout: Duration::from_secs(10),
        }
    }
}

/// The whole team config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub people: Vec<Person>,
    /// People who left the team (`former = ["dan"]`, written by
    /// `people remove`): their names stay in the tickets' history, which is
    /// then no mistake.
    pub former: Vec<String>,
    /// Names people had before `people rename` (`[renamed] anna = "ana"`):
    /// each old name and the name that person has now, chains followed. The
    /// history keeps the old name; everything that counts or compares names
    /// reads it through [`Config::current_name`].
    pub renamed: BTreeMap<String, String>,
    pub escalation: Escalation,
    /// The working week, when `[calendar]` is set.
    pub calendar: Option<Calendar>,
    pub sla: Sla,
    /// Targets per priority and customer tier (`[sla.NAME]`, `[[customers]]`).
    pub policies: Policies,
    pub git: Git,
    pub intake: Intake,
    pub templates: Templates,
    pub hooks: Hooks,
    pub store: StoreSettings,
    pub mail: Mail,
    /// `[checklist.TAG]`: the facts a ticket needs (see `core::checklist`).
    pub checklists: super::checklist::Checklists,
    /// `[survey]`: when customers are asked how a ticket went.
    pub survey: Survey,
}

#[derive(Deserialize)]
struct RawConfig {
    #[serde(default)]
    people: Vec<Spanned<RawPerson>>,
    #[serde(default)]
    former: Vec<String>,
    #[serde(default)]
    renamed: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    escalation: RawEscalation,
    /// Keys are weekdays or `timezone` and `holidays`, so the section is read
    /// key by key (with the place of each, for errors).
    calendar: Option<Spanned<BTreeMap<Spanned<String>, Spanned<toml::Value>>>>,
    /// Its own keys and a table per priority or tier, read key by key.
    #[serde(default)]
    sla: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    customers: Vec<Spanned<RawCustomer>>,
    #[serde(default)]
    git: RawGit,
    #[serde(default)]
    intake: RawIntake,
    #[serde(default)]
    templates: RawTemplates,
    #[serde(default)]
    hooks: RawHooks,
    #[serde(default)]
    store: RawStore,
    mail: Option<Spanned<RawMail>>,
    #[serde(default)]
    survey: RawSurvey,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSurvey {
    after: Option<Spanned<String>>,
    every: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMail {
    send: Option<Spanned<String>>,
    starttls: Option<Spanned<String>>,
    password: Option<Spanned<toml::Value>>,
    password_env: Option<Spanned<String>>,
    password_command: Option<Spanned<String>>,
    quote: Option<bool>,
    give_up_after: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
struct RawStore {
    lock_timeout: Option<Spanned<String>>,
}

#[derive(Deserialize)]
struct RawPerson {
    name: Spanned<String>,
    email: Option<String>,
    level: Spanned<i64>,
}

#[derive(Deserialize, Default)]
struct RawEscalation {
    after: Option<Spanned<String>>,
    to: Option<Spanned<String>>,
    pause_when_waiting: Option<bool>,
    clock: Option<Spanned<String>>,
}

#[derive(Deserialize)]
struct RawCustomer {
    #[serde(rename = "match")]
    pattern: Spanned<String>,
    tier: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTargets {
    first_response: Option<String>,
    after: Option<String>,
    clock: Option<String>,
}

#[derive(Deserialize, Default)]
struct RawGit {
    commit: Option<bool>,
}

#[derive(Deserialize, Default)]
struct RawIntake {
    owner: Option<Spanned<String>>,
    address: Option<String>,
    max_attachment: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
struct RawTemplates {
    ack_subject: Option<Spanned<String>>,
    ack: Option<Spanned<String>>,
    status_subject: Option<Spanned<String>>,
    status: Option<Spanned<String>>,
    delay_subject: Option<Spanned<String>>,
    delay: Option<Spanned<String>>,
    survey_subject: Option<Spanned<String>>,
    survey: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
struct RawHooks {
    timeout: Option<Spanned<String>>,
}

/// A template from the config, checked, or the default.
fn parse_template(
    text: &str,
    raw: Option<Spanned<String>>,
    default: &str,
) -> Result<String, ParseError> {
    match raw {
        None => Ok(default.to_string()),
        Some(s) => match template::check(s.get_ref()) {
            Ok(()) => Ok(s.into_inner()),
            Err((_, message)) => Err(at(text, &s, message)),
        },
    }
}

/// Checks a person's handle: short, printable, usable in a shell and a file.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if name.is_empty() || name.chars().count() > 32 || !ok_chars || name.starts_with('-') {
        return Err(format!(
            "'{}' is not a usable name; expected 1 to 32 letters, digits, '.', '_' or '-'",
            name.escape_debug()
        ));
    }
    if name == SYSTEM_ACTOR {
        return Err(format!(
            "'{SYSTEM_ACTOR}' is reserved for baton's own events"
        ));
    }
    Ok(())
}

fn at<T>(text: &str, spanned: &Spanned<T>, message: String) -> ParseError {
    let (line, column) = line_col(text, spanned.span().start);
    ParseError {
        message,
        line: Some(line),
        column: Some(column),
    }
}

/// Reads the `[calendar]` section.
fn parse_calendar(
    text: &str,
    raw: Spanned<BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
) -> Result<Calendar, ParseError> {
    let string = |key: &Spanned<String>, value: &Spanned<toml::Value>| match value.get_ref() {
        toml::Value::String(s) => Ok(s.clone()),
        other => Err(at(
            text,
            value,
            format!(
                "[calendar] {} should be a string, not {}",
                key.get_ref(),
                other.type_str()
            ),
        )),
    };
    let entries = raw.get_ref();
    let zone = match entries.iter().find(|(k, _)| k.get_ref() == "timezone") {
        Some((key, value)) => {
            calendar::parse_zone(&string(key, value)?).map_err(|m| at(text, value, m))?
        }
        None => {
            return Err(at(
                text,
                &raw,
                "[calendar] has no timezone; expected timezone = \"Europe/Budapest\" or another IANA name".into(),
            ));
        }
    };
    let mut cal = Calendar::empty(zone);
    for (key, value) in entries {
        match key.get_ref().as_str() {
            "timezone" => {}
            "holidays" => {
                let toml::Value::Array(days) = value.get_ref() else {
                    return Err(at(
                        text,
                        value,
                        "[calendar] holidays should be a list such as [\"2026-12-24\", \"2026-12-25..2026-12-26\"]".into(),
                    ));
                };
                for day in days {
                    let added = match day {
                        toml::Value::String(s) => cal.add_holidays(s),
                        toml::Value::Datetime(d) => cal.add_holidays(&d.to_string()),
                        other => Err(format!(
                            "a holiday should be a date string, not {}",
                            other.type_str()
                        )),
                    };
                    // The items of an array have no place of their own: the list's.
                    added.map_err(|m| at(text, value, m))?;
                }
            }
            days if calendar::is_days(days) => {
                cal.set_hours(days, &string(key, value)?)
                    .map_err(|m| at(text, value, m))?;
            }
            other => {
                return Err(at(
                    text,
                    key,
                    format!(
                        "[calendar] has no key '{}'; expected timezone, holidays, or weekdays such as mon-fri = \"09:00-18:00\"",
                        other.escape_debug()
                    ),
                ));
            }
        }
    }
    if !cal.works() {
        return Err(at(
            text,
            &raw,
            "[calendar] has no working hours on any day; expected a line such as mon-fri = \"09:00-18:00\"".into(),
        ));
    }
    Ok(cal)
}

/// Reads `[[customers]]`: each a pattern and a tier with an `[sla.TIER]` table.
fn parse_customers(
    text: &str,
    raw: Vec<Spanned<RawCustomer>>,
) -> Result<Vec<CustomerRule>, ParseError> {
    let mut rules = Vec::new();
    for c in raw {
        let c = c.into_inner();
        if c.pattern.get_ref().trim().is_empty() {
            return Err(at(
                text,
                &c.pattern,
                "[[customers]] match is empty; expected an address or a pattern such as \"*@bigco.example\"".into(),
            ));
        }
        let tier = c.tier.get_ref();
        if tier.parse::<Priority>().is_ok()
            || matches!(tier.as_str(), "first_response" | "pause_grace")
            || tier.trim().is_empty()
        {
            return Err(at(
                text,
                &c.tier,
                format!(
                    "'{}' cannot name a tier; expected a name such as \"gold\" that is not a priority",
                    tier.escape_debug()
                ),
            ));
        }
        rules.push(CustomerRule {
            pattern: c.pattern.into_inner(),
            tier: c.tier.into_inner(),
        });
    }
    Ok(rules)
}

/// Reads `[sla]`: its own keys, and a `[sla.NAME]` table per priority or per
/// tier that `[[customers]]` names.
fn parse_sla(
    text: &str,
    raw: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    customers: Vec<CustomerRule>,
    calendar: Option<&Calendar>,
) -> Result<(Sla, Policies), ParseError> {
    let mut sla = Sla::default();
    let mut policies = Policies {
        customers,
        ..Policies::default()
    };
    for (key, value) in raw {
        let name = key.get_ref().as_str();
        let duration_of = || -> Result<Duration, ParseError> {
            match value.get_ref() {
                toml::Value::String(s) => {
                    duration::parse_positive(s).map_err(|m| at(text, &value, m))
                }
                other => Err(at(
                    text,
                    &value,
                    format!(
                        "[sla] {name} should be a duration such as \"1h\", not {}",
                        other.type_str()
                    ),
                )),
            }
        };
        match name {
            "first_response" => sla.first_response = duration_of()?,
            "pause_grace" => sla.pause_grace = duration_of()?,
            _ => {
                let toml::Value::Table(table) = value.get_ref() else {
                    return Err(at(
                        text,
                        &key,
                        format!(
                            "[sla] has no key '{}'; expected first_response, pause_grace, or a table [sla.PRIORITY] or [sla.TIER]",
                            name.escape_debug()
                        ),
                    ));
                };
                let targets = parse_targets(text, &value, table, calendar)?;
                if let Ok(priority) = name.parse::<Priority>() {
                    policies.priorities.insert(priority, targets);
                } else if policies.customers.iter().any(|c| c.tier == name) {
                    policies.tiers.insert(name.to_string(), targets);
                } else {
                    return Err(at(
                        text,
                        &key,
                        format!(
                            "[sla.{}] is neither a priority (low, normal, high, urgent) nor a tier in [[customers]]",
                            name.escape_debug()
                        ),
                    ));
                }
            }
        }
    }
    Ok((sla, policies))
}

/// Reads one `[sla.NAME]` table; errors point at the table.
fn parse_targets(
    text: &str,
    place: &Spanned<toml::Value>,
    table: &toml::Table,
    calendar: Option<&Calendar>,
) -> Result<Targets, ParseError> {
    let raw: RawTargets =
        toml::Value::Table(table.clone())
            .try_into()
            .map_err(|e: toml::de::Error| {
                at(
                    text,
                    place,
                    format!(
                        "{}; expected first_response, after and clock",
                        e.message().trim()
                    ),
                )
            })?;
    let duration = |s: Option<String>| {
        s.map(|s| duration::parse_positive(&s).map_err(|m| at(text, place, m)))
            .transpose()
    };
    let clock = match raw.clock {
        None => None,
        Some(c) => {
            let kind = ClockKind::parse(&c).map_err(|m| at(text, place, m))?;
            if kind == ClockKind::Business && calendar.is_none() {
                return Err(at(
                    text,
                    place,
                    "clock = \"business\" needs working hours, and there is no [calendar]; add [calendar] with timezone and hours such as mon-fri = \"09:00-18:00\"".into(),
                ));
            }
            Some(kind)
        }
    };
    Ok(Targets {
        first_response: duration(raw.first_response)?,
        after: duration(raw.after)?,
        clock,
    })
}

/// Reads a `clock = "24x7" | "business"` key; business needs a calendar.
fn parse_clock(
    text: &str,
    raw: Option<Spanned<String>>,
    calendar: Option<&Calendar>,
) -> Result<ClockKind, ParseError> {
    let Some(s) = raw else {
        return Ok(ClockKind::Round);
    };
    let kind = ClockKind::parse(s.get_ref()).map_err(|m| at(text, &s, m))?;
    if kind == ClockKind::Business && calendar.is_none() {
        return Err(at(
            text,
            &s,
            "clock = \"business\" needs working hours, and there is no [calendar]; add [calendar] with timezone and hours such as mon-fri = \"09:00-18:00\"".into(),
        ));
    }
    Ok(kind)
}

/// Reads the `[mail]` section: the transport, where its password comes
/// from (a `password` itself is refused: this file is tracked), and the
/// outbox's timings.
fn parse_mail(text: &str, raw: Option<Spanned<RawMail>>) -> Result<Mail, ParseError> {
    let defaults = Mail::default();
    let Some(raw) = raw else {
        return Ok(defaults);
    };
    let raw = raw.into_inner();
    if let Some(p) = &raw.password {
        return Err(at(
            text,
            p,
            "a password in baton.toml would be committed and shared with every clone, so baton refuses it; remove 'password' and set password_env = \"NAME\" (an environment variable) or password_command = \"pass show support\" under [mail]".into(),
        ));
    }
    let starttls = match &raw.starttls {
        None => StartTls::Opportunistic,
        Some(s) => match s.get_ref().as_str() {
            "required" => StartTls::Required,
            "opportunistic" => StartTls::Opportunistic,
            "never" => StartTls::Never,
            other => {
                return Err(at(
                    text,
                    s,
                    format!(
                        "starttls '{}' is none of \"required\", \"opportunistic\" and \"never\"",
                        other.escape_debug()
                    ),
                ));
            }
        },
    };
    let send = match &raw.send {
        None => None,
        Some(s) => Some(parse_send(s.get_ref(), starttls).map_err(|m| at(text, s, m))?),
    };
    let words = |s: &Spanned<String>| -> Result<Vec<String>, ParseError> {
        match shell_words::split(s.get_ref()) {
            Ok(w) if !w.is_empty() => Ok(w),
            Ok(_) => Err(at(text, s, "the command is empty".into())),
            Err(e) => Err(at(
                text,
                s,
                format!("the command does not split into words: {e}"),
            )),
        }
    };
    let password = match (&raw.password_env, &raw.password_command) {
        (Some(a), Some(_)) => {
            return Err(at(
                text,
                a,
                "password_env and password_command are both set; keep one".into(),
            ));
        }
        (Some(name), None) => Some(Password::Env(name.get_ref().clone())),
        (None, Some(cmd)) => Some(Password::Command(words(cmd)?)),
        (None, None) => None,
    };
    Ok(Mail {
        send,
        password,
        quote: raw.quote.unwrap_or(false),
        give_up_after: parse_duration(text, raw.give_up_after, defaults.give_up_after)?,
        timeout: parse_duration(text, raw.timeout, defaults.timeout)?,
    })
}

/// A URL's user part with `%XX` escapes decoded (`help%40example.com` is
/// `help@example.com`); a malformed escape stays as it is.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads `send`: `smtp://[user@]host[:port]`, `smtps://…`, or a command.
pub fn parse_send(value: &str, starttls: StartTls) -> Result<Send, String> {
    let expected = "expected \"smtp://user@host:587\", \"smtps://user@host\" or a command such as \"sendmail -t -oi\"";
    let (implicit_tls, rest) = if let Some(rest) = value.strip_prefix("smtps://") {
        (true, rest)
    } else if let Some(rest) = value.strip_prefix("smtp://") {
        (false, rest)
    } else if value.contains("://") {
        return Err(format!(
            "send '{}' names no transport baton knows; {expected}",
            value.escape_debug()
        ));
    } else {
        return match shell_words::split(value) {
            Ok(w) if !w.is_empty() => Ok(Send::Command(w)),
            Ok(_) => Err(format!("send is empty; {expected}")),
            Err(e) => Err(format!("send does not split into words ({e}); {expected}")),
        };
    };
    let rest = rest.trim_end_matches('/');
    let (user, hostport) = match rest.rsplit_once('@') {
        Some((u, h)) if !u.is_empty() => (Some(percent_decoded(u)), h),
        Some((_, h)) => (None, h),
        None => (None, rest),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !h.contains(']') || h.ends_with(']') => {
            let port = p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| {
                format!("'{}' in send is not a port; {expected}", p.escape_debug())
            })?;
            (h, port)
        }
        _ => (hostport, if implicit_tls { 465 } else { 587 }),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || host.contains(['/', '?', '#', ' ']) {
        return Err(format!(
            "send '{}' names no host; {expected}",
            value.escape_debug()
        ));
    }
    Ok(Send::Smtp(SmtpServer {
        host: host.to_string(),
        port,
        implicit_tls,
        starttls,
        user,
    }))
}

/// Records in `renamed` (old name → the name it became) that `old` is now
/// called `new`: the names that had become `old` become `new` too, and `new`,
/// should it be an old name coming back, is nobody's old name any more. So
/// every entry maps straight to a name in use, and no chain or circle forms.
pub fn record_rename(renamed: &mut BTreeMap<String, String>, old: &str, new: &str) {
    renamed.remove(new);
    for now in renamed.values_mut() {
        if now == old {
            *now = new.to_string();
        }
    }
    renamed.insert(old.to_string(), new.to_string());
}

/// `[renamed]`: old name = the name it became. Each side must be a usable
/// name; a chain (`a = "b"`, `b = "c"`) is followed to its end, so every old
/// name maps straight to a name in use; a circle is refused. An old name that
/// is a person again (someone added under it by hand) is theirs: the entry
/// is left out, as `former` leaves out a person who came back.
fn parse_renamed(
    text: &str,
    raw: BTreeMap<Spanned<String>, Spanned<String>>,
    people: &[Person],
) -> Result<BTreeMap<String, String>, ParseError> {
    let mut step: BTreeMap<String, String> = BTreeMap::new();
    let mut spans: BTreeMap<String, Spanned<String>> = BTreeMap::new();
    for (old, new) in raw {
        for name in [&old, &new] {
            check_name(name.get_ref()).map_err(|m| at(text, name, format!("[renamed]: {m}")))?;
        }
        if people.iter().any(|p| p.name == *old.get_ref()) {
            continue;
        }
        step.insert(old.get_ref().clone(), new.get_ref().clone());
        spans.insert(old.get_ref().clone(), old);
    }
    let mut resolved = BTreeMap::new();
    for (old, first) in &step {
        let mut now = first;
        let mut seen = vec![old.as_str()];
        while let Some(next) = step.get(now) {
            if seen.contains(&now.as_str()) {
                break;
            }
            seen.push(now);
            now = next;
        }
        if seen.contains(&now.as_str()) {
            seen.push(now);
            return Err(at(
                text,
                &spans[old],
                format!(
                    "[renamed] goes round in a circle ({}): nobody is left to have the name",
                    seen.join(" → ")
                ),
            ));
        }
        resolved.insert(old.clone(), now.clone());
    }
    Ok(resolved)
}

fn parse_duration(
    text: &str,
    raw: Option<Spanned<String>>,
    default: Duration,
) -> Result<Duration, ParseError> {
    match raw {
        None => Ok(default),
        Some(s) => duration::parse_positive(s.get_ref()).map_err(|m| at(text, &s, m)),
    }
}

impl Config {
    /// Reads and validates the config text.
    pub fn parse(text: &str) -> Result<Config, ParseError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| parse_error(text, &e))?;
        if raw.people.is_empty() {
            return Err(ParseError {
                message: "no people in [[people]]; a team needs at least one person".into(),
                line: None,
                column: None,
            });
        }
        let mut people: Vec<Person> = Vec::new();
        for p in raw.people {
            let p = p.into_inner();
            check_name(p.name.get_ref()).map_err(|m| at(text, &p.name, m))?;
            if people.iter().any(|q| q.name == *p.name.get_ref()) {
                return Err(at(
                    text,
                    &p.name,
                    format!("'{}' is listed twice in [[people]]", p.name.get_ref()),
                ));
            }
            let level = *p.level.get_ref();
            if !(1..=99).contains(&level) {
                return Err(at(
                    text,
                    &p.level,
                    format!("level {level} is out of range; expected 1 (front line) to 99"),
                ));
            }
            people.push(Person {
                name: p.name.into_inner(),
                email: p.email.filter(|e| !e.is_empty()),
                level: level as u32,
            });
        }
        let renamed = parse_renamed(text, raw.renamed, &people)?;
        // A name in the config may be an old one (the config was merged with
        // a rename, or edited by hand): it means the person it became.
        let current = |name: &str| renamed.get(name).map_or(name, String::as_str).to_string();
        let calendar = raw.calendar.map(|c| parse_calendar(text, c)).transpose()?;
        let defaults = Escalation::default();
        let to = match raw.escalation.to {
            None => defaults.to,
            Some(s) => match s.get_ref().as_str() {
                "top" => Target::Top,
                "next" => Target::Next,
                name if people.iter().any(|p| p.name == current(name)) => {
                    Target::Person(current(name))
                }
                name => {
                    return Err(at(
                        text,
                        &s,
                        format!(
                            "escalation target '{name}' is neither \"top\", \"next\" nor a person in [[people]]"
                        ),
                    ));
                }
            },
        };
        let escalation = Escalation {
            after: parse_duration(text, raw.escalation.after, defaults.after)?,
            to,
            pause_when_waiting: raw
                .escalation
                .pause_when_waiting
                .unwrap_or(defaults.pause_when_waiting),
            clock: parse_clock(text, raw.escalation.clock, calendar.as_ref())?,
        };
        let customers = parse_customers(text, raw.customers)?;
        let (sla, policies) = parse_sla(text, raw.sla, customers, calendar.as_ref())?;
        let owner = match raw.intake.owner {
            None => None,
            Some(s) if people.iter().any(|p| p.name == current(s.get_ref())) => {
                Some(current(s.get_ref()))
            }
            Some(s) => {
                return Err(at(
                    text,
                    &s,
                    format!(
                        "intake owner '{}' is not a person in [[people]]",
                        s.get_ref().escape_debug()
                    ),
                ));
            }
        };
        let defaults = Templates::default();
        let templates = Templates {
            ack_subject: parse_template(text, raw.templates.ack_subject, &defaults.ack_subject)?,
            ack: parse_template(text, raw.templates.ack, &defaults.ack)?,
            status_subject: parse_template(
                text,
                raw.templates.status_subject,
                &defaults.status_subject,
            )?,
            status: parse_template(text, raw.templates.status, &defaults.status)?,
            delay_subject: parse_template(
                text,
                raw.templates.delay_subject,
                &defaults.delay_subject,
            )?,
            delay: match raw.templates.delay {
                Some(d) => Some(parse_template(text, Some(d), "")?),
                None => None,
            },
            survey_subject: parse_template(
                text,
                raw.templates.survey_subject,
                &defaults.survey_subject,
            )?,
            survey: match raw.templates.survey {
                Some(d) => Some(parse_template(text, Some(d), "")?),
                None => None,
            },
        };
        let survey = Survey {
            after: parse_duration(text, raw.survey.after, Survey::default().after)?,
            every: parse_duration(text, raw.survey.every, Survey::default().every)?,
        };
        Ok(Config {
            former: raw
                .former
                .into_iter()
                .filter(|f| !people.iter().any(|p| &p.name == f))
                .collect(),
            renamed,
            checklists: super::checklist::Checklists::parse(text)?,
            people,
            escalation,
            calendar,
            sla,
            policies,
            git: Git {
                commit: raw.git.commit.unwrap_or(false),
            },
            intake: Intake {
                owner,
                address: raw.intake.address.filter(|a| !a.trim().is_empty()),
                max_attachment: raw
                    .intake
                    .max_attachment
                    .map(|s| {
                        super::attachment::parse_size(s.get_ref()).map_err(|m| at(text, &s, m))
                    })
                    .transpose()?,
            },
            templates,
            hooks: Hooks {
                timeout: parse_duration(text, raw.hooks.timeout, Hooks::default().timeout)?,
            },
            store: StoreSettings {
                lock_timeout: parse_duration(
                    text,
                    raw.store.lock_timeout,
                    StoreSettings::default().lock_timeout,
                )?,
            },
            mail: parse_mail(text, raw.mail)?,
            survey,
        })
    }

    /// How a clock of this kind counts time. A business clock always has a
    /// calendar (parsing refuses one without); should one be built by hand
    /// without, it counts round the clock.
    pub fn hours(&self, kind: ClockKind) -> Hours<'_> {
        match (kind, &self.calendar) {
            (ClockKind::Business, Some(c)) => Hours::Working(c),
            _ => Hours::Round,
        }
    }

    /// Adds the holidays of `tickets/holidays.toml` (`holidays = [...]`) to
    /// the calendar; an error when there is no `[calendar]` to add them to.
    pub fn with_holidays(mut self, text: &str) -> Result<Config, ParseError> {
        #[derive(Deserialize)]
        struct RawHolidays {
            holidays: Spanned<Vec<Spanned<String>>>,
        }
        let raw: RawHolidays = toml::from_str(text).map_err(|e| parse_error(text, &e))?;
        let Some(cal) = self.calendar.as_mut() else {
            return Err(at(
                text,
                &raw.holidays,
                "there are holidays but no [calendar] in baton.toml; add [calendar] with a timezone and working hours, or remove this file".into(),
            ));
        };
        for day in raw.holidays.get_ref() {
            cal.add_holidays(day.get_ref())
                .map_err(|m| at(text, day, m))?;
        }
        Ok(self)
    }

    /// The person with this name, or the person an old name of theirs
    /// (`[renamed]`) now means.
    pub fn person(&self, name: &str) -> Option<&Person> {
        let name = self.current_name(name);
        self.people.iter().find(|p| p.name == name)
    }

    /// The name someone has now: `name` itself unless `[renamed]` says it
    /// became another. The one mapping every count and comparison of names
    /// in the history goes through.
    pub fn current_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.renamed.get(name).map_or(name, String::as_str)
    }

    /// The name `name` was renamed to, when it is an old name.
    pub fn renamed_to(&self, name: &str) -> Option<&str> {
        self.renamed.get(name).map(String::as_str)
    }

    /// The old names of the person called `name` now, in name order.
    pub fn former_names(&self, name: &str) -> Vec<&str> {
        self.renamed
            .iter()
            .filter(|(_, now)| *now == name)
            .map(|(old, _)| old.as_str())
            .collect()
    }

    /// Whether `name` is or was on the team: history may name them.
    pub fn ever_member(&self, name: &str) -> bool {
        self.person(name).is_some()
            || self.former.iter().any(|f| f == name)
            || self.renamed.contains_key(name)
    }

    /// The team member with this name, or an error listing the team that
    /// suggests the closest name when the given one looks like a typo.
    pub fn member(&self, name: &str) -> Result<&Person, Error> {
        self.person(name).ok_or_else(|| {
            let err = Error::new(format!(
                "'{}' is not on the team (the team: {})",
                name.escape_debug(),
                self.names()
            ))
            .kind(Kind::UnknownPerson);
            match self.closest(name) {
                Some(near) => err.hint(format!("did you mean '{near}'?")),
                None => err.hint("add them with 'baton people add NAME --level N'"),
            }
        })
    }

    /// The name on the team closest to a mistyped one: a different case, or
    /// one or two letters off (a swap counts as one), ties to the first in the
    /// config. `None` when nothing is close enough to be a typo.
    pub fn closest(&self, typed: &str) -> Option<&str> {
        let typed = typed.to_lowercase();
        // Short names tolerate one slip; longer ones two.
        let allowed = if typed.chars().count() <= 4 { 1 } else { 2 };
        self.people
            .iter()
            .map(|p| (strsim::osa_distance(&typed, &p.name.to_lowercase()), p))
            .filter(|(d, _)| *d <= allowed)
            .min_by_key(|(d, _)| *d)
            .map(|(_, p)| p.name.as_str())
    }

    /// The team's names, comma-separated, for messages.
    pub fn names(&self) -> String {
        self.people
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The highest level in the team: the top of the pyramid.
    pub fn top_level(&self) -> u32 {
        self.people.iter().map(|p| p.level).max().unwrap_or(1)
    }

    /// A person's level; someone no longer on the team counts as below the front line.
    pub fn level_of(&self, name: &str) -> u32 {
        self.person(name).map_or(0, |p| p.level)
    }

    /// The lowest level above `level` that has anyone on it.
    pub fn next_level_above(&self, level: u32) -> Option<u32> {
        self.people
            .iter()
            .map(|p| p.level)
            .filter(|&l| l > level)
            .min()
    }

    /// The lowest level anyone is on: the front line.
    pub fn front_level(&self) -> u32 {
        self.people.iter().map(|p| p.level).min().unwrap_or(1)
    }

    /// The people at a level, in config order.
    pub fn at_level(&self, level: u32) -> impl Iterator<Item = &Person> {
        self.people.iter().filter(move |p| p.level == level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: &str = r#"
[[people]]
name = "ana"
email = "ana@example.com"
level = 1

[[people]]
name = "ben"
level = 2

[[people]]
name = "cora"
level = 3

[escalation]
after = "20h"
to = "top"
"#;

    #[test]
    fn a_three_level_team_reads_with_defaults() {
        let c = Config::parse(TEAM).unwrap();
        assert_eq!(c.people.len(), 3);
        assert_eq!(c.top_level(), 3);
        assert_eq!(c.next_level_above(1), Some(2));
        assert_eq!(c.next_level_above(3), None);
        assert!(c.escalation.pause_when_waiting);
        assert_eq!(c.sla.first_response.as_secs(), 3600);
        assert!(!c.git.commit, "committing is opt-in");
    }

    #[test]
    fn git_commit_is_read_and_type_checked() {
        let on = Config::parse(&format!("{TEAM}\n[git]\ncommit = true\n")).unwrap();
        assert!(on.git.commit);
        let err = Config::parse(&format!("{TEAM}\n[git]\ncommit = \"yes\"\n")).unwrap_err();
        assert_eq!(err.line, Some(20), "{err}");
    }

    #[test]
    fn bad_configs_point_at_the_line() {
        let cases = [
            (TEAM.replace("\"20h\"", "\"soon\""), 16, "not a duration"),
            (TEAM.replace("\"top\"", "\"zed\""), 17, "neither"),
            (
                TEAM.replace("name = \"ben\"", "name = \"ana\""),
                8,
                "listed twice",
            ),
            (TEAM.replace("level = 3", "level = 0"), 13, "out of range"),
            (
                TEAM.replace("name = \"cora\"", "name = \"co ra\""),
                12,
                "not a usable name",
            ),
            (
                TEAM.replace("name = \"cora\"", "name = \"baton\""),
                12,
                "reserved",
            ),
        ];
        for (text, line, needle) in cases {
            let err = Config::parse(&text).unwrap_err();
            assert_eq!(err.line, Some(line), "{needle}: {err}");
            assert!(err.message.contains(needle), "{needle}: {err}");
        }
    }

    #[test]
    fn intake_templates_and_hooks_are_read_and_checked() {
        let c = Config::parse(&format!(
            "{TEAM}\n[intake]\nowner = \"ben\"\naddress = \"help@example.com\"\n\
             [templates]\nack = \"Got it: {{title}}\"\n[hooks]\ntimeout = \"2s\"\n"
        ))
        .unwrap();
        assert_eq!(c.intake.owner.as_deref(), Some("ben"));
        assert_eq!(c.intake.address.as_deref(), Some("help@example.com"));
        assert_eq!(c.templates.ack, "Got it: {title}");
        assert_eq!(
            c.templates.status,
            template::STATUS,
            "the rest keep defaults"
        );
        assert_eq!(c.hooks.timeout, Duration::from_secs(2));
        let d = Config::parse(TEAM).unwrap();
        assert_eq!(d.intake.max_attachment(), 10_000_000);
        assert_eq!((d.intake.owner, d.hooks.timeout.as_secs()), (None, 10));
        let small = Config::parse(&format!("{TEAM}\n[intake]\nmax_attachment = \"2 MB\"\n"));
        assert_eq!(small.unwrap().intake.max_attachment(), 2_000_000);
        let cases = [
            ("[intake]\nowner = \"zed\"\n", "not a person"),
            (
                "[templates]\nstatus = \"{state}\"\n",
                "unknown placeholder '{state}'",
            ),
            ("[hooks]\ntimeout = \"never\"\n", "not a duration"),
            ("[intake]\nmax_attachment = \"lots\"\n", "not a size"),
        ];
        for (section, needle) in cases {
            let err = Config::parse(&format!("{TEAM}\n{section}")).unwrap_err();
            assert_eq!(err.line, Some(20), "{needle}: {err}");
            assert!(err.message.contains(needle), "{needle}: {err}");
        }
    }

    #[test]
    fn a_calendar_reads_with_split_shifts_and_holidays() {
        let c = Config::parse(&format!(
            "{TEAM}clock = \"business\"\n[calendar]\ntimezone = \"Europe/Budapest\"\n\
             mon-fri = \"09:00-12:00,13:00-18:00\"\nsat = \"10:00-14:00\"\n\
             holidays = [\"2026-12-24\", \"2026-12-25..2026-12-26\"]\n"
        ))
        .unwrap();
        assert_eq!(c.escalation.clock, ClockKind::Business);
        let cal = c.calendar.as_ref().unwrap();
        assert_eq!(cal.zone, chrono_tz::Europe::Budapest);
        assert_eq!(cal.holidays().count(), 3);
        let week = cal.describe_week();
        assert_eq!(week[0], ("mon", "09:00-12:00,13:00-18:00".to_string()));
        assert_eq!(week[5], ("sat", "10:00-14:00".to_string()));
        assert_eq!(week[6], ("sun", "closed".to_string()));
        assert!(matches!(c.hours(c.escalation.clock), Hours::Working(_)));
        let plain = Config::parse(TEAM).unwrap();
        assert_eq!(
            (plain.escalation.clock, plain.calendar.is_none()),
            (ClockKind::Round, true),
            "24x7 without a calendar stays the default"
        );
        let more = c.with_holidays("holidays = [\"2027-01-01\"]\n").unwrap();
        assert_eq!(more.calendar.unwrap().holidays().count(), 4);
    }

    #[test]
    fn bad_calendars_point_at_the_line() {
        let cal = "[calendar]\ntimezone = \"Europe/Budapest\"\nmon-fri = \"09:00-18:00\"\n";
        let cases = [
            (
                format!("{TEAM}clock = \"weekdays\"\n"),
                18,
                "neither \"24x7\"",
            ),
            (format!("{TEAM}clock = \"business\"\n"), 18, "no [calendar]"),
            (
                format!("{TEAM}\n{cal}").replace("Europe/Budapest", "Europe/Buda"),
                20,
                "not a time zone",
            ),
            (
                format!("{TEAM}\n{cal}").replace("09:00-18:00", "9 to 6"),
                21,
                "not a shift",
            ),
            (
                format!("{TEAM}\n{cal}tues = \"09:00-18:00\"\n"),
                22,
                "no key 'tues'",
            ),
            (
                format!("{TEAM}\n{cal}holidays = [\"24 Dec\"]\n"),
                22,
                "not a holiday",
            ),
            (format!("{TEAM}\n{cal}sat = 10\n"), 22, "should be a string"),
            (
                format!("{TEAM}\n[calendar]\nmon = \"09:00-18:00\"\n"),
                19,
                "no timezone",
            ),
            (
                format!("{TEAM}\n[calendar]\ntimezone = \"UTC\"\n"),
                19,
                "no working hours",
            ),
        ];
        for (text, line, needle) in cases {
            let err = Config::parse(&text).unwrap_err();
            assert!(err.message.contains(needle), "{needle}: {err}");
            assert_eq!(err.line, Some(line), "{needle}: {err}");
        }
        let c = Config::parse(&format!("{TEAM}\n{cal}")).unwrap();
        let err = c
            .clone()
            .with_holidays("holidays = [\n  \"2026-12-24\",\n  \"xmas\",\n]\n")
            .unwrap_err();
        assert_eq!(err.line, Some(3), "{err}");
        let err = Config::parse(TEAM)
            .unwrap()
            .with_holidays("holidays = [\"2026-12-24\"]\n")
            .unwrap_err();
        assert!(err.message.contains("no [calendar]"), "{err}");
    }

    #[test]
    fn an_empty_team_is_refused() {
        assert!(
            Config::parse("[escalation]\nafter = \"1h\"\n")
                .unwrap_err()
                .message
                .contains("no people")
        );
    }

    #[test]
    fn a_mistyped_name_suggests_the_closest_member() {
        let c = Config::parse(TEAM).unwrap();
        let cases = [
            ("bne", Some("ben")),
            ("Ben", Some("ben")),
            ("cara", Some("cora")),
            ("coraa", Some("cora")),
            ("an", Some("ana")),
            ("zed", None),
            ("benjamin", None),
        ];
        for (typed, near) in cases {
            assert_eq!(c.closest(typed), near, "{typed}");
        }
        let err = c.member("bne").unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("did you mean 'ben'?"));
    }

    #[test]
    fn an_unknown_member_error_lists_the_team() {
        let c = Config::parse(TEAM).unwrap();
        let err = c.member("zed").unwrap_err();
        assert!(err.message.contains("ana, ben, cora"), "{}", err.message);
    }

    #[test]
    fn mail_send_reads_smtp_urls_and_commands() {
        let on = StartTls::Opportunistic;
        assert_eq!(
            parse_send("smtp://desk@mail.example.com:2525", on),
            Ok(Send::Smtp(SmtpServer {
                host: "mail.example.com".into(),
                port: 2525,
                implicit_tls: false,
                starttls: on,
                user: Some("desk".into()),
            }))
        );
        assert_eq!(
            parse_send("smtps://mail.example.com", StartTls::Never),
            Ok(Send::Smtp(SmtpServer {
                host: "mail.example.com".into(),
                port: 465,
                implicit_tls: true,
                starttls: StartTls::Never,
                user: None,
            }))
        );
        assert_eq!(
            parse_send("sendmail -t -oi", on),
            Ok(Send::Command(vec![
                "sendmail".into(),
                "-t".into(),
                "-oi".into()
            ]))
        );
        assert!(matches!(
            parse_send("smtp://help%40example.com@smtp.example.com", on),
            Ok(Send::Smtp(SmtpServer { user: Some(u), port: 587, .. })) if u == "help@example.com"
        ));
        for bad in ["imap://x", "smtp://host:port", "smtp://", "  "] {
            assert!(parse_send(bad, on).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_password_in_the_tracked_config_is_refused_with_the_way_out() {
        let base = "[[people]]\nname = \"ana\"\nlevel = 1\n[mail]\nsend = \"smtp://a@h\"\n";
        let e = Config::parse(&format!("{base}password = \"hunter2\"\n")).unwrap_err();
        assert_eq!(e.line, Some(6));
        assert!(e.message.contains("password_env"), "{}", e.message);
        let c = Config::parse(&format!(
            "{base}password_command = \"pass show support\"\nquote = true\ngive_up_after = \"1h\"\n"
        ))
        .unwrap();
        assert_eq!(
            c.mail.password,
            Some(Password::Command(vec![
                "pass".into(),
                "show".into(),
                "support".into()
            ]))
        );
        assert!(c.mail.quote);
        assert_eq!(c.mail.give_up_after, Duration::from_secs(3600));
        let e = Config::parse(&format!("{base}starttls = \"sometimes\"\n")).unwrap_err();
        assert!(e.message.contains("\"required\""), "{}", e.message);
        let e = Config::parse(&format!("{base}sendd = \"x\"\n")).unwrap_err();
        assert_eq!(e.line, Some(6), "an unknown key is named: {}", e.message);
    }

    #[test]
    fn an_old_name_means_the_person_it_became() {
        let c = Config::parse(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[[people]]\nname = \"ben\"\nlevel = 2\n\
             [renamed]\nanna = \"ana\"\nannie = \"anna\"\n[escalation]\nto = \"annie\"\n\
             [intake]\nowner = \"anna\"\n",
        )
        .unwrap();
        // A chain is followed to the name in use.
        assert_eq!(c.current_name("annie"), "ana");
        assert_eq!(c.current_name("anna"), "ana");
        assert_eq!(c.current_name("ben"), "ben");
        assert_eq!(c.current_name("zed"), "zed");
        assert_eq!(c.person("anna").map(|p| p.name.as_str()), Some("ana"));
        assert_eq!(c.level_of("annie"), 1);
        assert!(c.ever_member("anna") && !c.ever_member("zed"));
        assert_eq!(c.former_names("ana"), ["anna", "annie"]);
        assert_eq!(c.renamed_to("anna"), Some("ana"));
        assert_eq!(c.renamed_to("ana"), None);
        assert_eq!(c.escalation.to, Target::Person("ana".into()));
        assert_eq!(c.intake.owner.as_deref(), Some("ana"));
    }

    #[test]
    fn a_renamed_table_that_cannot_mean_anyone_is_refused_with_its_line() {
        let base = "[[people]]\nname = \"ana\"\nlevel = 1\n[renamed]\n";
        let circle = Config::parse(&format!("{base}a = \"b\"\nb = \"a\"\n")).unwrap_err();
        assert_eq!(circle.line, Some(5));
        assert!(circle.message.contains("a → b → a"), "{}", circle.message);
        let bad = Config::parse(&format!("{base}anna = \"a na\"\n")).unwrap_err();
        assert_eq!(bad.line, Some(5));
        assert!(bad.message.contains("not a usable name"), "{}", bad.message);
        assert!(Config::parse(&format!("{base}anna = 3\n")).is_err());
        // An old name someone has again is theirs.
        let back = Config::parse(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[[people]]\nname = \"anna\"\nlevel = 1\n\
             [renamed]\nanna = \"ana\"\n",
        )
        .unwrap();
        assert_eq!(back.current_name("anna"), "anna");
        assert!(back.renamed.is_empty());
    }
}
