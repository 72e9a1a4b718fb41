//! Mail intake's decisions, apart from reading the mail: which ticket a message
//! belongs to, who owns a new one, whether the sender may be acknowledged, and
//! the events a message adds. `crate::mail` turns the raw bytes into an
//! [`Incoming`]; everything here is pure.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::action::{self, Changed, Draft};
use super::config::{Config, SYSTEM_ACTOR};
use super::id;
use super::search::Needles;
use super::ticket::{Event, EventKind, Status, Ticket};
use crate::error::Error;

/// How many acknowledgements one address may receive in an hour.
pub const ACKS_PER_HOUR: usize = 3;

/// The longest title taken from a subject, in characters.
const TITLE_CHARS: usize = 200;

/// One e-mail as intake needs it, already decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Incoming {
    /// The sender's address (From).
    pub from: String,
    /// The decoded subject, or empty.
    pub subject: String,
    /// The text body (an HTML-only message turned into text).
    pub body: String,
    /// The Message-ID, without angle brackets.
    pub message_id: Option<String>,
    /// The ids this message answers: In-Reply-To first, then References from
    /// the newest back.
    pub replies_to: Vec<String>,
    /// The `Auto-Submitted` header, if any.
    pub auto_submitted: Option<String>,
    /// The `Precedence` header, if any.
    pub precedence: Option<String>,
    /// The message came through a mailing list (it has a `List-Id`).
    pub list_id: bool,
    /// `Return-Path: <>`: a bounce or other delivery notice.
    pub null_return_path: bool,
    /// The bare address of `Reply-To`, where answers go, when it is usable.
    pub reply_to: Option<String>,
    /// The sender's display name (`Jörg Müller` of `Jörg Müller <j@x>`).
    pub name: Option<String>,
    /// The bare addresses the message was copied to (Cc).
    pub cc: Vec<String>,
    /// The headers that mark automatic mail, by name, as found
    /// (`X-Autoreply`, `X-Loop`, `X-Failed-Recipients`, ...).
    pub signs: Vec<(String, String)>,
    /// The `report-type` of a `multipart/report` (or the type of its report
    /// part): `delivery-status`, `feedback-report`, `disposition-notification`.
    pub report_type: Option<String>,
    /// Of a report: the Message-ID, In-Reply-To and References of the message
    /// it is about, as its returned headers name them.
    pub reported: Vec<String>,
    /// Of a report: the tag in the subject of the message it is about.
    pub reported_tag: Option<String>,
    /// Of a delivery report: what the receiving system said
    /// (`Diagnostic-Code`, else `Status`).
    pub diagnostic: Option<String>,
    /// A digest of the content (the body and the sender, recipients, date and
    /// subject), the same for every delivery of one message.
    pub digest: String,
    /// The attachments, with their content, as the reader found them
    /// (forwarded messages are text in `body` instead).
    pub parts: Vec<super::attachment::Part>,
    /// What the event records of each part: kept (by its SHA-256) or not.
    /// Decided with the config's limit ([`super::attachment::decide`])
    /// before the message is filed; empty until then.
    pub attachments: Vec<super::attachment::Attachment>,
}

/// Where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// It starts a new ticket.
    New,
    /// It is the customer's word on this ticket.
    Customer(Uuid),
    /// It is about this ticket, from someone who is not its customer nor
    /// copied on its messages: a `stranger` event that reopens nothing.
    Stranger(Uuid),
    /// It reports that a message sent for this ticket did not arrive.
    DeliveryFailed(Uuid),
    /// It is automatic: kept aside, not filed (about this ticket, if any).
    Kept(Option<Uuid>),
    /// This ticket already holds this very message (the mail was delivered
    /// twice); nothing is added.
    Duplicate(Uuid),
}

impl Route {
    /// The same route to the ticket a merged duplicate went into: `next`
    /// gives the ticket a ticket was merged into (see
    /// [`super::duplicate::follow`], which guards against loops). A message
    /// for a merged duplicate lands on the ticket that holds the work; one
    /// it already holds, or kept aside, stays where it is.
    pub fn follow_merges(self, next: impl FnMut(Uuid) -> Option<Uuid>) -> Route {
        let to = |id| super::duplicate::follow(id, next);
        match self {
            Route::Customer(id) => Route::Customer(to(id)),
            Route::Stranger(id) => Route::Stranger(to(id)),
            Route::DeliveryFailed(id) => Route::DeliveryFailed(to(id)),
            other => other,
        }
    }
}

/// Decides where a message goes. `auto` is what [`super::automatic::classify`]
/// found; `tickets` need only be those that [`needles`] keeps; `ids` are
/// every ticket's, for the tag.
pub fn route(
    mail: &Incoming,
    auto: Option<&super::automatic::Automatic>,
    tickets: &[Ticket],
    ids: &[Uuid],
) -> Route {
    use super::automatic::Kind;
    if let Some(t) = tickets.iter().find(|t| holds_this(t, mail)) {
        return Route::Duplicate(t.id);
    }
    match auto.map(|a| a.kind) {
        Some(Kind::DeliveryReport) => match thread_report(mail, tickets, ids) {
            Some(id) => Route::DeliveryFailed(id),
            None => Route::Kept(None),
        },
        Some(_) => Route::Kept(thread(mail, tickets, ids)),
        None => match thread(mail, tickets, ids) {
            None => Route::New,
            Some(id) => {
                let speaks = address_of(&mail.from).is_some_and(|a| {
                    tickets
                        .iter()
                        .find(|t| t.id == id)
                        .is_some_and(|t| may_speak(t, &a))
                });
                if speaks {
                    Route::Customer(id)
                } else {
                    Route::Stranger(id)
                }
            }
        },
    }
}

/// Whether `address` speaks for a ticket's customer: it is the customer's,
/// or it was copied on (or wrote) one of the customer's earlier messages.
pub fn may_speak(t: &Ticket, address: &str) -> bool {
    let same = |a: &str| address_of(a).is_some_and(|a| a.eq_ignore_ascii_case(address));
    // A duplicate's customer, merged in, speaks for this ticket too.
    super::duplicate::customers(t).iter().any(|c| same(c))
        || t.events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Created | EventKind::Customer))
            .any(|e| e.from.as_deref().is_some_and(same) || e.copied().any(same))
}

/// The fewest hex digits of the tag in the mail baton sends: enough that two
/// tickets of even a very large store never share one (at 4 digits, 14% of
/// 10,000 tickets did).
pub const MAIL_TAG_DIGITS: usize = 8;

/// The tag mail baton sends carries (`{id}` in templates, `[#0b7c6f1e]`): the
/// ticket's short id, at least [`MAIL_TAG_DIGITS`] long. Older short tags
/// still resolve while they are unique.
pub fn mail_tag(short: &str, id: Uuid) -> String {
    if short.len() >= MAIL_TAG_DIGITS {
        return short.to_string();
    }
    id.simple().to_string()[..MAIL_TAG_DIGITS].to_string()
}

/// The tag a subject carries, such as `0b7c` in `Re: [#0b7c] Refund`: the first
/// `[#…]` holding an id prefix of at least four hex digits.
pub fn tag(subject: &str) -> Option<String> {
    let mut rest = subject;
    while let Some(start) = rest.find("[#") {
        let after = &rest[start + 2..];
        if let Some(end) = after.find(']')
            && let Ok(prefix) = id::normalise(&after[..end])
        {
            return Some(prefix);
        }
        rest = after;
    }
    None
}

/// Finds the ticket a message belongs to: the ticket its subject's tag names
/// (when the tag names exactly one), else the ticket holding a message it
/// answers (In-Reply-To first, then References from the newest back).
pub fn thread(mail: &Incoming, tickets: &[Ticket], ids: &[Uuid]) -> Option<Uuid> {
    if let Some(prefix) = tag(&mail.subject)
        && let Ok(found) = id::resolve(&prefix, ids.iter())
    {
        return Some(found);
    }
    answered(&mail.replies_to, tickets)
}

/// The ticket a delivery report is about: by the tag or the ids of the
/// returned message, else as any reply is threaded.
fn thread_report(mail: &Incoming, tickets: &[Ticket], ids: &[Uuid]) -> Option<Uuid> {
    if let Some(prefix) = &mail.reported_tag
        && let Ok(found) = id::resolve(prefix, ids.iter())
    {
        return Some(found);
    }
    answered(&mail.reported, tickets).or_else(|| thread(mail, tickets, ids))
}

/// The first ticket holding one of these message ids.
fn answered(references: &[String], tickets: &[Ticket]) -> Option<Uuid> {
    references
        .iter()
        .find_map(|r| tickets.iter().find(|t| holds(t, r)))
        .map(|t| t.id)
}

/// Whether a ticket already holds this very message: an event with its
/// digest, or with its Message-ID and no digest to tell them apart (an event
/// written before digests were kept). A different message that reuses a
/// Message-ID is not this one, and is filed.
fn holds_this(t: &Ticket, mail: &Incoming) -> bool {
    t.events.iter().any(|e| match e.digest() {
        Some(d) => !mail.digest.is_empty() && d == mail.digest,
        None => mail.message_id.is_some() && e.message_id == mail.message_id,
    })
}

/// What a ticket file must hold to matter to this message: one of the
/// message ids [`thread`] looks for, or the sender's address or `Reply-To`
/// (what [`recent_acks`] counts). Only those files need to be read in full.
pub fn needles(mail: &Incoming, address: Option<&str>) -> Needles {
    // The acknowledgements counted are those sent where this one would go.
    let addresses: Vec<&str> = address
        .into_iter()
        .chain(mail.reply_to.as_deref())
        .collect();
    let ids: Vec<&str> = mail
        .message_id
        .iter()
        .chain(&mail.replies_to)
        .chain(&mail.reported)
        .map(String::as_str)
        .chain((!mail.digest.is_empty()).then_some(mail.digest.as_str()))
        .collect();
    Needles::new(&ids, &addresses)
}

/// What the mail index (`store::mailindex`) keeps of a ticket: every field
/// [`route`] and [`recent_acks`] look a ticket up by, as keys: the message
/// id and digest of every event (`m:`, `d:`) and, in lower case, every
/// address acknowledged (`k:`). The customer's addresses are not keys: only
/// the ticket a message threads to is asked whether its sender speaks for
/// it ([`may_speak`]), and that ticket is found by a key or by the tag
/// ([`tagged`]). Changing what is kept here changes what the index means,
/// so the cache's format is bumped with it.
pub fn index_keys(t: &Ticket) -> Vec<String> {
    let mut keys = Vec::new();
    for e in &t.events {
        if let Some(id) = &e.message_id {
            keys.push(format!("m:{id}"));
        }
        if let Some(d) = e.digest() {
            keys.push(format!("d:{d}"));
        }
        if let Some(ack) = &e.ack {
            keys.push(format!("k:{}", ack.to_ascii_lowercase()));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The keys a ticket must share with this message to matter to it, as
/// [`index_keys`] spells them: its message ids and digest, and the sender's
/// address and its `Reply-To` (where acknowledgements are counted).
pub fn lookup_keys(mail: &Incoming, address: Option<&str>) -> Vec<String> {
    let ids = mail
        .message_id
        .iter()
        .chain(&mail.replies_to)
        .chain(&mail.reported)
        .map(|id| format!("m:{id}"));
    let digest = (!mail.digest.is_empty()).then(|| format!("d:{}", mail.digest));
    let addresses = address
        .into_iter()
        .chain(mail.reply_to.as_deref())
        .map(|a| format!("k:{}", a.to_ascii_lowercase()));
    ids.chain(digest).chain(addresses).collect()
}

/// The tickets a message names by tag (its subject's, or the returned
/// message's in a delivery report): [`route`] may thread it to them
/// without any key in common, so they are read whatever the index says.
pub fn tagged(mail: &Incoming, ids: &[Uuid]) -> Vec<Uuid> {
    tag(&mail.subject)
        .iter()
        .chain(&mail.reported_tag)
        .filter_map(|prefix| id::resolve(prefix, ids.iter()).ok())
        .collect()
}

/// Whether a ticket's history holds a message with this id.
fn holds(t: &Ticket, message_id: &str) -> bool {
    t.events
        .iter()
        .any(|e| e.message_id.as_deref() == Some(message_id))
}

/// Who owns a ticket that arrives by mail: `[intake] owner`, else the person
/// on the front line with the fewest open tickets (ties to the first in the
/// config). `load` counts open tickets per person.
pub fn owner(config: &Config, load: &BTreeMap<String, usize>) -> String {
    if let Some(owner) = &config.intake.owner {
        return owner.clone();
    }
    config
        .at_level(config.front_level())
        .min_by_key(|p| load.get(&p.name).copied().unwrap_or(0))
        .map_or_else(|| config.people[0].name.clone(), |p| p.name.clone())
}

/// The bare address in a customer field: `jan@example.com` or
/// `Jan <jan@example.com>`; `None` when it is not one address that mail
/// can safely be sent to.
pub fn address_of(customer: &str) -> Option<String> {
    let text = customer.trim();
    let inner = match (text.rfind('<'), text.ends_with('>')) {
        (Some(open), true) => &text[open + 1..text.len() - 1],
        _ => text,
    };
    let inner = inner.trim();
    let (local, domain) = inner.split_once('@')?;
    let usable = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && inner.chars().all(|c| {
            !c.is_whitespace() && !c.is_control() && !matches!(c, '<' | '>' | ',' | ';' | '"')
        });
    usable.then(|| inner.to_string())
}

/// Where an acknowledgement of this message goes: its `Reply-To` when it
/// has a usable one, else the sender. The per-hour limit counts this
/// address, so a flood of mail from ever new senders naming one `Reply-To`
/// cannot bury that address in acknowledgements.
pub fn ack_target(mail: &Incoming) -> Option<String> {
    mail.reply_to.clone().or_else(|| address_of(&mail.from))
}

/// How many acknowledgements `address` received through mail intake in the
/// hour before `now`, as the tickets' own histories record them.
pub fn recent_acks(tickets: &[Ticket], address: &str, now: DateTime<Utc>) -> usize {
    let since = now - Duration::hours(1);
    tickets
        .iter()
        .flat_map(|t| &t.events)
        .filter(|e| e.at > since && e.at <= now)
        .filter(|e| {
            e.ack
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(address))
        })
        .count()
}

/// Why a message must not be acknowledged, or `None` when it may be. A mail
/// loop needs an automatic answer to an automatic message; automatic mail
/// (see [`super::automatic`]) is never answered, and a cap per address
/// catches what slips through. `recent` counts the acknowledgements the
/// [`ack_target`] got in the past hour.
pub fn ack_refusal(mail: &Incoming, config: &Config, recent: usize) -> Option<String> {
    if let Some(auto) = super::automatic::classify(mail, config.intake.address.as_deref()) {
        return Some(auto.why);
    }
    let Some(address) = address_of(&mail.from) else {
        return Some(format!(
            "the sender '{}' is not an address mail can go to",
            mail.from.escape_debug()
        ));
    };
    if let Some(own) = config.intake.address.as_deref().and_then(address_of)
        && own.eq_ignore_ascii_case(&address)
    {
        return Some(format!("the message came from the support address {own}"));
    }
    let target = ack_target(mail).unwrap_or(address);
    if let Some(own) = config.intake.address.as_deref().and_then(address_of)
        && own.eq_ignore_ascii_case(&target)
    {
        return Some(format!(
            "its Reply-To is the support address {own}, so an answer would come back here"
        ));
    }
    if recent >= ACKS_PER_HOUR {
        return Some(format!(
            "{target} already got {recent} acknowledgements in the past hour"
        ));
    }
    None
}

/// Reply and forward markers a title leaves out ("Re: Fwd: Refund" → "Refund").
const PREFIXES: &[&str] = &["re", "fwd", "fw", "aw", "wg", "sv", "vs", "odp", "tr"];

fn strip_prefixes(subject: &str) -> &str {
    let mut s = subject.trim();
    loop {
        let Some((head, rest)) = s.split_once(':') else {
            return s;
        };
        if PREFIXES.iter().any(|p| head.trim().eq_ignore_ascii_case(p)) {
            s = rest.trim_start();
        } else {
            return s;
        }
    }
}

/// A subject without the ticket tags it carries (`Re: [#50c5] Refund` →
/// `Re: Refund`): a tag belongs to the ticket it names, never to a new one's
/// title.
fn without_tags(subject: &str) -> String {
    let mut out = String::with_capacity(subject.len());
    let mut rest = subject;
    while let Some(start) = rest.find("[#") {
        let after = &rest[start + 2..];
        match after.find(']') {
            Some(end) if id::normalise(&after[..end]).is_ok() => {
                out.push_str(&rest[..start]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str(&rest[..start + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A title from a subject: one line, reply markers left out, cut to length;
/// a message without a subject is titled by its first line.
pub fn title(mail: &Incoming) -> String {
    let one_line = |s: &str| -> String {
        let cleaned: String = s
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let mut title = one_line(strip_prefixes(&without_tags(&mail.subject)));
    if title.is_empty() {
        title = mail
            .body
            .lines()
            .map(one_line)
            .find(|l| !l.is_empty())
            .unwrap_or_default();
    }
    if title.is_empty() {
        title = "(no subject)".into();
    }
    if title.chars().count() > TITLE_CHARS {
        title = title.chars().take(TITLE_CHARS - 1).collect::<String>();
        title = title.trim_end().to_string() + "…";
    }
    title
}

/// A ticket from a message: created by `baton`, the sender as the customer,
/// the subject as the title, the body as the description; owner, priority and
/// tags come from `base`. `ack` is the address an acknowledgement goes to,
/// when one may.
pub fn new_ticket(
    config: &Config,
    now: DateTime<Utc>,
    id: Uuid,
    mail: &Incoming,
    base: Draft,
    ack: Option<String>,
) -> Result<Ticket, Error> {
    let cx = action::Ctx {
        actor: SYSTEM_ACTOR,
        now,
        config,
        label: "the new ticket",
    };
    let draft = Draft {
        title: title(mail),
        customer: sender(mail),
        description: mail.body.clone(),
        ..base
    };
    let mut ticket = action::create(&cx, id, draft)?;
    ticket.events[0] = super::attachment::record(ticket.events[0].clone(), &mail.attachments)
        .with_copied(&mail.cc)
        .with_digest(&mail.digest)
        .with_customer_name(mail.name.as_deref());
    let created = &mut ticket.events[0];
    created.message_id = mail.message_id.clone();
    created.ack = ack;
    Ok(ticket)
}

/// The customer's display name, as the mail that opened the ticket gave it.
pub fn customer_name(t: &Ticket) -> Option<&str> {
    t.events.first().and_then(Event::customer_name)
}

/// The sender as an event records it: the bare address when there is one.
fn sender(mail: &Incoming) -> String {
    address_of(&mail.from).unwrap_or_else(|| mail.from.trim().to_string())
}

/// A mail event of `kind` from this message: its sender, text, ids and the
/// addresses it was copied to.
fn mail_event(now: DateTime<Utc>, kind: EventKind, mail: &Incoming) -> Event {
    // A reply's quoted history is kept, but apart: the text is what the
    // sender wrote this time.
    let split = match kind {
        EventKind::Customer | EventKind::Stranger => super::quote::split(&mail.body),
        _ => super::quote::Split {
            fresh: mail.body.clone(),
            quoted: None,
        },
    };
    // A bounce's parts are the report and the returned copy, not the
    // customer's files.
    let attachments: &[_] = match kind {
        EventKind::Customer | EventKind::Stranger => &mail.attachments,
        _ => &[],
    };
    let mut e = super::attachment::record(Event::new(now, SYSTEM_ACTOR, kind), attachments)
        .from(sender(mail))
        .text(split.fresh)
        .with_quoted(split.quoted)
        .with_copied(&mail.cc)
        .with_digest(&mail.digest);
    e.message_id = mail.message_id.clone();
    e
}

/// Adds mail from someone who does not speak for the customer as a
/// `stranger` event: visible to the owner, with the real sender, and it
/// reopens nothing.
pub fn add_stranger(t: &mut Ticket, now: DateTime<Utc>, mail: &Incoming) {
    t.record(mail_event(now, EventKind::Stranger, mail));
}

/// Adds a delivery report about the ticket's mail as a `delivery-failed`
/// event (`from` the mail system, `note` its diagnostic); it reopens nothing,
/// and tells the owner that the customer did not get the word. When the
/// report returns one of the ticket's replies, the event names it (as when
/// baton gives up on a message), so `show` marks that reply failed. Only a
/// reply's id counts: the returned copy's `In-Reply-To` and `References`
/// name the customer's own messages, which the ticket holds too.
pub fn add_delivery_failure(t: &mut Ticket, now: DateTime<Utc>, mail: &Incoming) {
    let mut e = mail_event(now, EventKind::DeliveryFailed, mail).note(mail.diagnostic.clone());
    let replied = |id: &String| {
        t.events
            .iter()
            .any(|e| e.kind == EventKind::Reply && e.message_id.as_ref() == Some(id))
    };
    if let Some(id) = mail.reported.iter().find(|r| replied(r)) {
        e.extra.insert(
            super::outgoing::FAILED_MESSAGE_KEY.into(),
            toml::Value::String(id.clone()),
        );
    }
    t.record(e);
}

/// Adds a customer's answer to the ticket's survey as a `rated` event (the
/// score and the rest as the comment, with the message's ids, so that a
/// second delivery is known), when the survey is the ticket's latest word
/// and the text starts with a score (see [`super::survey`]). An answer
/// reopens nothing: the ticket stays resolved. `false` when the mail is
/// no answer, and is an ordinary message.
pub fn add_answer(t: &mut Ticket, now: DateTime<Utc>, mail: &Incoming) -> bool {
    if !super::survey::awaits_answer(t) {
        return false;
    }
    let fresh = super::quote::split(&mail.body).fresh;
    let Some(answer) = super::survey::parse_answer(&fresh) else {
        return false;
    };
    let mut e = super::survey::rated(now, &sender(mail), &answer).with_digest(&mail.digest);
    e.message_id = mail.message_id.clone();
    t.record(e);
    true
}

/// Adds a message to its ticket as a `customer` event, and reopens the ticket
/// when it was waiting, resolved or closed: the customer has written again.
pub fn add_message(t: &mut Ticket, now: DateTime<Utc>, mail: &Incoming) -> Changed {
    t.record(mail_event(now, EventKind::Customer, mail));
    if t.status != Status::Open {
        let from = t.status;
        t.record(
            Event::new(now, SYSTEM_ACTOR, EventKind::Status)
                .from(from.as_str())
                .to(Status::Open.as_str())
                .note(Some("the customer wrote again".into())),
        );
    }
    true
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    fn config(extra: &str) -> Config {
        Config::parse(&format!(
            "[[people]]\nname = \"cora\"\nlevel = 3\n[[people]]\nname = \"ana\"\nlevel = 1\n\
             [[people]]\nname = \"ed\"\nlevel = 1\n{extra}"
        ))
        .unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap()
    }

    fn mail(from: &str, subject: &str) -> Incoming {
        Incoming {
            from: from.into(),
            subject: subject.into(),
            body: "It broke.".into(),
            message_id: Some("m1@example.com".into()),
            ..Incoming::default()
        }
    }

    pub(crate) fn owned_by(owner: &str) -> Draft {
        Draft {
            owner: Some(owner.into()),
            ..Draft::default()
        }
    }

    fn ticket(n: u128, message_id: &str) -> Ticket {
        let c = config("");
        let mut m = mail("jan@example.com", "Refund");
        m.message_id = Some(message_id.into());
        new_ticket(&c, now(), Uuid::from_u128(n), &m, owned_by("ana"), None).unwrap()
    }

    /// The index keys a ticket by what threads a message to it and what
    /// counts its acknowledgements, spelled as a message's lookup keys are.
    #[test]
    fn a_ticket_shares_an_index_key_with_the_mail_that_matters_to_it() {
        let mut t = ticket(1, "<a@x>");
        t.events[0].ack = Some("Jan@Example.com".into());
        let keys = index_keys(&t);
        assert_eq!(keys, ["k:jan@example.com", "m:<a@x>"]);
        let shares = |m: &Incoming, address: Option<&str>| {
            lookup_keys(m, address).iter().any(|k| keys.contains(k))
        };
        let mut answer = reply("Re: Refund", &["<a@x>"]);
        assert!(shares(&answer, None), "by the id it answers");
        answer.replies_to = vec!["<b@x>".into()];
        assert!(!shares(&answer, None));
        assert!(
            shares(&answer, Some("JAN@example.com")),
            "by the address acknowledged"
        );
        answer.reply_to = Some("jan@example.com".into());
        assert!(shares(&answer, Some("eva@example.org")), "by its Reply-To");
        let ids = [t.id, Uuid::from_u128(0xffff << 112)];
        let tagged_mail = reply(
            &format!("Re: [#{}] Refund", &t.id.simple().to_string()[..8]),
            &[],
        );
        assert_eq!(tagged(&tagged_mail, &ids), [t.id]);
        assert!(tagged(&answer, &ids).is_empty());
    }

    #[test]
    fn tags_are_found_in_subjects() {
        let cases = [
            ("Re: [#0b7c] Refund", Some("0b7c")),
            ("[#0B7C6F1E] x", Some("0b7c6f1e")),
            ("[#0b7] too short", None),
            ("[#zzzz] [#abcd] second", Some("abcd")),
            ("[#abcd", None),
            ("no tag", None),
        ];
        for (subject, want) in cases {
            assert_eq!(tag(subject).as_deref(), want, "{subject}");
        }
    }

    fn reply(subject: &str, refs: &[&str]) -> Incoming {
        Incoming {
            from: "Jan <jan@example.com>".into(),
            subject: subject.into(),
            replies_to: refs.iter().map(|r| r.to_string()).collect(),
            message_id: Some("new@x".into()),
            digest: "d-new".into(),
            ..Incoming::default()
        }
    }

    #[test]
    fn replies_thread_by_tag_then_by_references() {
        let a = ticket(0xaaaa << 112, "a@x");
        let b = ticket(0xbbbb << 112, "b@x");
        let tickets = vec![a.clone(), b.clone()];
        let ids = vec![a.id, b.id];
        let cases = [
            (reply("Re: [#aaaa] Refund", &["b@x"]), Route::Customer(a.id)),
            (reply("Re: Refund", &["zz@x", "b@x"]), Route::Customer(b.id)),
            (reply("Re: [#cccc] gone", &["a@x"]), Route::Customer(a.id)),
            (reply("Hello", &["zz@x"]), Route::New),
        ];
        for (m, want) in cases {
            assert_eq!(route(&m, None, &tickets, &ids), want, "{m:?}");
        }
        let mut again = reply("Refund", &[]);
        again.message_id = Some("b@x".into());
        assert_eq!(
            route(&again, None, &tickets, &ids),
            Route::Duplicate(b.id),
            "an event without a digest is told by its Message-ID"
        );
    }

    #[test]
    fn mail_tags_have_at_least_eight_digits() {
        let id = Uuid::from_u128(0x0b7c_6f1e_5d1a_4f7e_9a53_3c2d_1e0f_9a84);
        assert_eq!(mail_tag("0b7c", id), "0b7c6f1e");
        assert_eq!(mail_tag("0b7c6f1e5d", id), "0b7c6f1e5d");
    }

    #[test]
    fn an_ambiguous_short_tag_leaves_threading_to_the_headers() {
        let a = ticket(0xabcd_0001 << 96, "a@x");
        let b = ticket(0xabcd_0002 << 96, "b@x");
        let tickets = vec![a.clone(), b.clone()];
        let ids = vec![a.id, b.id];
        let m = reply("Re: [#abcd] Refund", &["b@x"]);
        assert_eq!(route(&m, None, &tickets, &ids), Route::Customer(b.id));
        let m = reply("Re: [#abcd0001] Refund", &["b@x"]);
        assert_eq!(route(&m, None, &tickets, &ids), Route::Customer(a.id));
        let m = reply("Re: [#abcd] Refund", &[]);
        assert_eq!(route(&m, None, &tickets, &ids), Route::New);
        assert_eq!(title(&m), "Refund", "the tag is not copied into a title");
    }

    #[test]
    fn only_the_customer_and_those_copied_speak_as_the_customer() {
        let mut t = ticket(0xaaaa << 112, "a@x");
        let mut copied = mail("jan@example.com", "Re: x");
        copied.cc = vec!["eva@example.com".into()];
        copied.digest = "d-copied".into();
        add_message(&mut t, now(), &copied);
        let tickets = vec![t.clone()];
        let ids = vec![t.id];
        let from = |who: &str| {
            let mut m = reply("Re: [#aaaa] Refund", &[]);
            m.from = who.into();
            m
        };
        let cases = [
            ("JAN@example.com", Route::Customer(t.id)),
            ("Eva <eva@example.com>", Route::Customer(t.id)),
            ("attacker@evil.example", Route::Stranger(t.id)),
        ];
        for (who, want) in cases {
            assert_eq!(route(&from(who), None, &tickets, &ids), want, "{who}");
        }
        let mut stranger = t.clone();
        add_stranger(&mut stranger, now(), &from("attacker@evil.example"));
        let last = stranger.events.last().unwrap();
        assert_eq!(last.kind, EventKind::Stranger);
        assert_eq!(last.from.as_deref(), Some("attacker@evil.example"));
        assert_eq!(stranger.status, t.status, "a stranger reopens nothing");
    }

    #[test]
    fn a_delivery_is_known_by_its_digest_and_a_reused_id_is_not_a_delivery() {
        let c = config("");
        let mut m = mail("jan@example.com", "Refund");
        m.message_id = None;
        m.digest = "d1".into();
        let t = new_ticket(&c, now(), Uuid::from_u128(1), &m, owned_by("ana"), None).unwrap();
        let tickets = vec![t.clone()];
        let ids = vec![t.id];
        assert_eq!(route(&m, None, &tickets, &ids), Route::Duplicate(t.id));
        let mut reused = mail("jan@example.com", "Other");
        reused.message_id = Some("m1@example.com".into());
        reused.digest = "d2".into();
        let mut first = mail("jan@example.com", "Refund");
        first.digest = "d3".into();
        let t = new_ticket(&c, now(), Uuid::from_u128(2), &first, owned_by("ana"), None).unwrap();
        assert_eq!(
            route(&reused, None, std::slice::from_ref(&t), &[t.id]),
            Route::New,
            "same Message-ID, different content: filed"
        );
    }

    #[test]
    fn automatic_mail_is_kept_unless_it_is_a_bounce_of_a_ticket_s_mail() {
        use super::super::automatic::{Automatic, Kind};
        let t = ticket(0xaaaa << 112, "a@x");
        let tickets = vec![t.clone()];
        let ids = vec![t.id];
        let auto = |kind| Automatic {
            kind,
            why: "x".into(),
        };
        let ooo = reply("Out of office: [#aaaa] Refund", &["a@x"]);
        assert_eq!(
            route(&ooo, Some(&auto(Kind::AutoReply)), &tickets, &ids),
            Route::Kept(Some(t.id))
        );
        let mut bounce = reply("Undelivered Mail Returned to Sender", &[]);
        bounce.reported = vec!["zz@x".into(), "a@x".into()];
        let dsn = auto(Kind::DeliveryReport);
        assert_eq!(
            route(&bounce, Some(&dsn), &tickets, &ids),
            Route::DeliveryFailed(t.id)
        );
        bounce.reported.clear();
        bounce.reported_tag = Some("aaaa".into());
        assert_eq!(
            route(&bounce, Some(&dsn), &tickets, &ids),
            Route::DeliveryFailed(t.id)
        );
        bounce.reported_tag = None;
        assert_eq!(
            route(&bounce, Some(&dsn), &tickets, &ids),
            Route::Kept(None)
        );
    }

    #[test]
    fn a_bounce_names_the_message_of_the_ticket_it_returns() {
        use super::super::outgoing::{Delivery, FAILED_MESSAGE_KEY, Local, delivery};
        let mut t = ticket(0xaaaa << 112, "a@x");
        let mut answer = Event::new(now(), "ana", EventKind::Reply).text("Try again");
        answer.message_id = Some("r1@x".into());
        t.record(answer);
        let replied = t.events.len() - 1;
        assert_eq!(delivery(&t, replied, Local::Sent), Some(Delivery::Sent));

        let mut bounce = reply("Undelivered Mail Returned to Sender", &[]);
        bounce.reported = vec!["a@x".into(), "elsewhere@x".into(), "r1@x".into()];
        add_delivery_failure(&mut t, now(), &bounce);
        let failed = t.events.last().unwrap();
        assert_eq!(
            failed
                .extra
                .get(FAILED_MESSAGE_KEY)
                .and_then(|v| v.as_str()),
            Some("r1@x"),
            "the returned reply, not the customer's message it answered"
        );
        assert_eq!(delivery(&t, replied, Local::Sent), Some(Delivery::Failed));

        let mut unknown = reply("Undelivered Mail Returned to Sender", &[]);
        unknown.reported = vec!["elsewhere@x".into()];
        add_delivery_failure(&mut t, now(), &unknown);
        assert!(
            !t.events
                .last()
                .unwrap()
                .extra
                .contains_key(FAILED_MESSAGE_KEY),
            "an id the ticket does not hold is not claimed"
        );
    }

    #[test]
    fn new_mail_goes_to_the_intake_owner_else_the_least_loaded_front_line() {
        let load: BTreeMap<String, usize> = [("ana".to_string(), 2), ("ed".to_string(), 1)].into();
        assert_eq!(owner(&config(""), &load), "ed");
        assert_eq!(
            owner(&config(""), &BTreeMap::new()),
            "ana",
            "ties to the first"
        );
        assert_eq!(
            owner(&config("[intake]\nowner = \"cora\"\n"), &load),
            "cora"
        );
    }

    #[test]
    fn addresses_are_taken_from_customer_fields() {
        let cases = [
            ("jan@example.com", Some("jan@example.com")),
            ("Jan Kowalski <jan@example.com>", Some("jan@example.com")),
            ("acme", None),
            ("jan@localhost", None),
            ("jan@example.com\nBcc: all@example.com", None),
            ("a@b.c, d@e.f", None),
        ];
        for (field, want) in cases {
            assert_eq!(address_of(field).as_deref(), want, "{field:?}");
        }
    }

    #[test]
    fn automatic_and_repeated_mail_is_not_acknowledged() {
        let c = config("[intake]\naddress = \"Help <help@example.com>\"\n");
        let ok = mail("jan@example.com", "x");
        assert_eq!(ack_refusal(&ok, &c, 2), None);
        let with = |f: &dyn Fn(&mut Incoming)| {
            let mut m = ok.clone();
            f(&mut m);
            m
        };
        let cases = [
            (
                with(&|m| m.auto_submitted = Some("auto-replied".into())),
                0,
                "Auto-Submitted",
            ),
            (
                with(&|m| m.precedence = Some("Bulk".into())),
                0,
                "Precedence: bulk",
            ),
            (with(&|m| m.list_id = true), 0, "mailing list"),
            (with(&|m| m.null_return_path = true), 0, "delivery notice"),
            (
                with(&|m| m.from = "No-Reply@shop.example".into()),
                0,
                "does not take replies",
            ),
            (
                with(&|m| m.from = "MAILER-DAEMON@mx.example".into()),
                0,
                "is a mail system",
            ),
            (
                with(&|m| m.from = "help@example.com".into()),
                0,
                "support address",
            ),
            (ok.clone(), 3, "3 acknowledgements"),
            (
                with(&|m| m.reply_to = Some("eva@example.com".into())),
                3,
                "eva@example.com already got 3 acknowledgements",
            ),
            (
                with(&|m| m.reply_to = Some("HELP@example.com".into())),
                0,
                "its Reply-To is the support address",
            ),
        ];
        for (m, recent, needle) in cases {
            let why = ack_refusal(&m, &c, recent).unwrap_or_default();
            assert!(why.contains(needle), "{needle}: {why:?}");
        }
        let no = with(&|m| m.auto_submitted = Some("no".into()));
        assert_eq!(
            ack_refusal(&no, &c, 0),
            None,
            "Auto-Submitted: no is a person"
        );
    }

    #[test]
    fn acknowledgements_are_counted_per_address_over_the_past_hour() {
        let mut t = ticket(1, "a@x");
        for (minutes_ago, to) in [
            (70, "jan@example.com"),
            (50, "JAN@example.com"),
            (5, "eva@example.com"),
        ] {
            let mut e = Event::new(
                now() - Duration::minutes(minutes_ago),
                SYSTEM_ACTOR,
                EventKind::Created,
            );
            e.ack = Some(to.into());
            t.events.push(e);
        }
        assert_eq!(recent_acks(&[t.clone()], "jan@example.com", now()), 1);
        assert_eq!(recent_acks(&[t], "eva@example.com", now()), 1);
    }

    #[test]
    fn the_limit_counts_where_the_acknowledgement_goes() {
        let mut m = mail("mallory1@example.net", "x");
        assert_eq!(ack_target(&m).as_deref(), Some("mallory1@example.net"));
        m.reply_to = Some("victim@example.org".into());
        assert_eq!(ack_target(&m).as_deref(), Some("victim@example.org"));
        let t = ticket(1, "a@x");
        let mut acked = t.clone();
        acked.events[0].ack = Some("victim@example.org".into());
        let text = acked.to_toml();
        assert!(
            needles(&m, Some("mallory2@example.net")).may_hold(text.as_bytes()),
            "a ticket acknowledged to the Reply-To is read"
        );
        assert!(!needles(&m, Some("mallory2@example.net")).may_hold(t.to_toml().as_bytes()));
    }

    #[test]
    fn titles_come_from_the_subject_or_the_first_line() {
        let mut m = mail("jan@example.com", "Re: FWD: AW:  Refund \t not\r\nreceived");
        assert_eq!(title(&m), "Refund not received");
        m.subject = "   ".into();
        m.body = "\n\n  First line here\nsecond".into();
        assert_eq!(title(&m), "First line here");
        m.body = String::new();
        assert_eq!(title(&m), "(no subject)");
        m.subject = "x".repeat(300);
        assert_eq!(title(&m).chars().count(), TITLE_CHARS);
    }

    #[test]
    fn a_customer_message_reopens_a_ticket_that_is_not_open() {
        let c = config("");
        let cx = action::Ctx {
            actor: "ana",
            now: now(),
            config: &c,
            label: "0b7c",
        };
        let mut t = ticket(1, "a@x");
        add_message(&mut t, now(), &mail("jan@example.com", "Re: x"));
        assert_eq!(t.events.len(), 2, "an open ticket only gains the message");
        action::set_status(&mut t, &cx, Status::Resolved, None, false).unwrap();
        add_message(&mut t, now(), &mail("Jan <jan@example.com>", "Re: x"));
        let kinds: Vec<&str> = t.events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["created", "customer", "status", "customer", "status"]
        );
        assert_eq!(t.status, Status::Open);
        assert_eq!(t.events[3].from.as_deref(), Some("jan@example.com"));
        assert_eq!(t.events[3].message_id.as_deref(), Some("m1@example.com"));
    }
}
