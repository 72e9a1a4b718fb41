//! What baton tells a customer: the acknowledgement of a new ticket and the
//! notice of a status change, rendered from the team's templates into a mail
//! that hooks can hand to `sendmail -t` as it is.

use chrono::{DateTime, Utc};

use super::config::{Config, SYSTEM_ACTOR};
use super::intake::{self, address_of};
use super::outgoing::{address_headers, body, one_line, thread_headers};
use super::template;
use super::ticket::{Event, EventKind, Ticket, View};

/// Which template a notice comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `[templates] ack`: a new ticket.
    Ack,
    /// `[templates] status`: a status change.
    Status,
    /// `[templates] delay`: a promise to the customer will be missed.
    Delay,
    /// `[templates] survey`: how did the resolved ticket go?
    Survey,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ack => "ack",
            Kind::Status => "status",
            Kind::Delay => "delay",
            Kind::Survey => "survey",
        }
    }
}

/// A message for the customer, rendered and ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: Kind,
    /// The customer's address.
    pub to: String,
    /// `[intake] address`, when set.
    pub from: Option<String>,
    pub subject: String,
    pub text: String,
    /// The customer's latest message this answers, without angle brackets.
    pub in_reply_to: Option<String>,
    /// Every message of the ticket, oldest first.
    pub references: Vec<String>,
}

/// A time as customers read it: `Tuesday 3 November 2026, 04:00 UTC`.
pub fn customer_time(t: DateTime<Utc>) -> String {
    t.format("%A %-d %B %Y, %H:%M UTC").to_string()
}

/// What a template's placeholder `name` stands for on ticket `t`, for the
/// message event `e` makes (see [`template::PLACEHOLDERS`]); empty for a
/// name it does not know.
pub fn placeholder(
    t: &Ticket,
    e: &Event,
    short: &str,
    config: &Config,
    due: Option<DateTime<Utc>>,
    name: &str,
) -> String {
    match name {
        "id" => intake::mail_tag(short, t.id),
        "full_id" => t.id.to_string(),
        "title" => one_line(&t.title),
        "owner" => t.owner.clone(),
        "status" => t.status.as_str().to_string(),
        "deadline" => due.map(customer_time).unwrap_or_default(),
        "missing" => super::checklist::missing_in(t, config),
        "first_response" => customer_time(
            t.created
                + chrono::Duration::from_std(config.sla.first_response)
                    .unwrap_or_else(|_| chrono::Duration::zero()),
        ),
        "customer" => one_line(&t.customer),
        "name" => intake::customer_name(t).map(one_line).unwrap_or_default(),
        "priority" => t.priority.as_str().to_string(),
        "note" => e.note.clone().unwrap_or_default(),
        // The delay notice names the promise it is about; elsewhere, the
        // promise still open.
        "promise" => match e.view() {
            Ok(View::Delayed { due }) => Some(due),
            _ => super::promise::open(&t.events).map(|p| p.due),
        }
        .map(customer_time)
        .unwrap_or_default(),
        _ => String::new(),
    }
}

/// The notice a new event owes the customer, if any: an acknowledgement for
/// a `created` event (from mail intake only when intake allowed one: the
/// event's `ack`), a status notice for a status change a person made. None
/// when the customer has no address mail can go to.
pub fn for_event(
    t: &Ticket,
    e: &Event,
    short: &str,
    config: &Config,
    due: Option<DateTime<Utc>>,
) -> Option<Notice> {
    let (kind, to) = match e.view().ok()? {
        View::Created { .. } if e.by == SYSTEM_ACTOR => (Kind::Ack, address_of(e.ack.as_deref()?)?),
        View::Created { .. } => (Kind::Ack, address_of(&t.customer)?),
        // A status change baton made itself (a customer's message reopening
        // the ticket) answers mail, so it is never announced: no loops.
        View::Status { .. } if e.by != SYSTEM_ACTOR => (Kind::Status, address_of(&t.customer)?),
        // The sweep's record that a promise will be late is the notice's
        // only source, so it goes once per promise.
        View::Delayed { .. } if config.templates.delay.is_some() => {
            (Kind::Delay, address_of(&t.customer)?)
        }
        // The sweep's record of the survey names the address it chose.
        View::Surveyed { to } if config.templates.survey.is_some() => {
            (Kind::Survey, address_of(to)?)
        }
        _ => return None,
    };
    let value = |name: &str| placeholder(t, e, short, config, due, name);
    let (subject, text) = match kind {
        Kind::Ack => (&config.templates.ack_subject, &config.templates.ack),
        Kind::Status => (&config.templates.status_subject, &config.templates.status),
        Kind::Delay => (
            &config.templates.delay_subject,
            config.templates.delay.as_ref()?,
        ),
        Kind::Survey => (
            &config.templates.survey_subject,
            config.templates.survey.as_ref()?,
        ),
    };
    // Only the customer's own messages are answered: never a stranger's
    // mail or a bounce that a ticket also holds.
    let references: Vec<String> = t
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Created | EventKind::Customer))
        .filter_map(|e| e.message_id.clone())
        .collect();
    Some(Notice {
        kind,
        to,
        from: config
            .intake
            .address
            .as_deref()
            .map(one_line)
            .filter(|a| !a.is_empty()),
        subject: one_line(&template::render(subject, value)),
        text: template::render(text, value),
        in_reply_to: references.last().cloned(),
        references,
    })
}

impl Notice {
    /// The notice as an RFC 5322 message for `sendmail -t`: `To`, `Subject`
    /// (encoded when not ASCII), threading headers so the customer's mail
    /// program shows it beside their message, and `Auto-Submitted`, so that
    /// the customer's own auto-responder does not answer it.
    pub fn mail(&self) -> String {
        let mut m = address_headers(self.from.as_deref(), &self.to, &self.subject);
        m.push_str(&thread_headers(
            self.in_reply_to.as_deref(),
            &self.references,
        ));
        let auto = match self.kind {
            Kind::Ack => "auto-replied",
            Kind::Status | Kind::Delay | Kind::Survey => "auto-generated",
        };
        m.push_str(&format!("Auto-Submitted: {auto}\n"));
        m.push_str(&body(&self.text));
        m
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::action::{self, Draft};
    use crate::core::intake::{self, Incoming};
    use crate::core::ticket::{EventKind, Status};
    use chrono::TimeZone;
    use uuid::Uuid;

    fn config(extra: &str) -> Config {
        Config::parse(&format!(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[[people]]\nname = \"cora\"\nlevel = 3\n{extra}"
        ))
        .unwrap()
    }

    /// The tests' clock: Monday 2 November 2026, 08:00 UTC.
    pub(crate) fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap()
    }

    fn ticket(c: &Config, customer: &str) -> Ticket {
        let cx = action::Ctx {
            actor: "ana",
            now: now(),
            config: c,
            label: "0b7c",
        };
        let draft = Draft {
            title: "Zwrot\nnie dotarł".into(),
            customer: customer.into(),
            ..Draft::default()
        };
        let id = Uuid::parse_str("0b7c6f1e-5d1a-4f7e-9a53-3c2d1e0f9a84").unwrap();
        action::create(&cx, id, draft).unwrap()
    }

    #[test]
    fn a_new_ticket_s_acknowledgement_names_owner_and_deadline() {
        let c = config("[intake]\naddress = \"Support <help@example.com>\"\n");
        let t = ticket(&c, "Jan <jan@example.com>");
        let due = now() + chrono::Duration::hours(20);
        let n = for_event(&t, &t.events[0], "0b7c", &c, Some(due)).unwrap();
        assert_eq!((n.kind, n.to.as_str()), (Kind::Ack, "jan@example.com"));
        assert_eq!(n.subject, "[#0b7c6f1e] Zwrot nie dotarł");
        assert!(n.text.contains("ana is looking after it"), "{}", n.text);
        assert!(
            n.text.contains("Tuesday 3 November 2026, 04:00 UTC"),
            "{}",
            n.text
        );
        let mail = n.mail();
        assert!(
            mail.starts_with(
                "From: Support <help@example.com>\nTo: jan@example.com\n\
             Subject: =?UTF-8?B?WyMwYjdjNmYxZV0gWndyb3QgbmllIGRvdGFyxYI=?=\n"
            ),
            "{mail}"
        );
        assert!(mail.contains("\nAuto-Submitted: auto-replied\n"), "{mail}");
    }

    #[test]
    fn status_notices_go_only_for_changes_people_make() {
        let c = config("");
        let mut t = ticket(&c, "jan@example.com");
        let cx = action::Ctx {
            actor: "ana",
            now: now(),
            config: &c,
            label: "0b7c",
        };
        action::set_status(
            &mut t,
            &cx,
            Status::Resolved,
            Some("refund sent".into()),
            false,
        )
        .unwrap();
        let n = for_event(&t, t.events.last().unwrap(), "0b7c", &c, None).unwrap();
        assert_eq!(n.kind, Kind::Status);
        assert_eq!(n.subject, "[#0b7c6f1e] Zwrot nie dotarł (resolved)");
        assert!(
            n.text.contains("is now resolved.\nrefund sent\n"),
            "{}",
            n.text
        );
        let exploded = Event::new(now(), "ana", EventKind::Status)
            .from("resolved")
            .to("exploded");
        assert_eq!(
            for_event(&t, &exploded, "0b7c", &c, None),
            None,
            "no notice for a malformed status change"
        );
        let mail = Incoming {
            from: "jan@example.com".into(),
            message_id: Some("m2@example.com".into()),
            ..Incoming::default()
        };
        intake::add_message(&mut t, now(), &mail);
        let reopen = t.events.last().unwrap();
        assert_eq!(reopen.kind, EventKind::Status);
        assert_eq!(for_event(&t, reopen, "0b7c", &c, None), None);
        let note = &t.events[t.events.len() - 2];
        assert_eq!(
            for_event(&t, note, "0b7c", &c, None),
            None,
            "no notice for a customer event"
        );
    }

    #[test]
    fn no_notice_without_an_address_or_when_intake_refused_one() {
        let c = config("");
        let t = ticket(&c, "acme corp");
        assert_eq!(for_event(&t, &t.events[0], "0b7c", &c, None), None);
        let mut m = Incoming {
            from: "jan@example.com".into(),
            subject: "Help".into(),
            message_id: Some("m1@x".into()),
            ..Incoming::default()
        };
        let refused = intake::new_ticket(
            &c,
            now(),
            Uuid::nil(),
            &m,
            intake::tests::owned_by("ana"),
            None,
        )
        .unwrap();
        assert_eq!(
            for_event(&refused, &refused.events[0], "0000", &c, None),
            None
        );
        m.message_id = Some("m2@x".into());
        let allowed = intake::new_ticket(
            &c,
            now(),
            Uuid::nil(),
            &m,
            intake::tests::owned_by("ana"),
            Some("jan@example.com".into()),
        )
        .unwrap();
        let n = for_event(&allowed, &allowed.events[0], "0000", &c, None).unwrap();
        assert_eq!(n.in_reply_to.as_deref(), Some("m2@x"));
        assert!(
            n.mail()
                .contains("In-Reply-To: <m2@x>\nReferences: <m2@x>\n")
        );
    }

    #[test]
    fn the_delay_notice_comes_from_the_sweep_s_record_only_when_a_template_is_set() {
        let mut c = config("[templates]\ndelay = \"You will hear from us by {promise}.\"\n");
        let mut t = ticket(&c, "jan@example.com");
        let due = now() + chrono::Duration::hours(3);
        let cx = action::Ctx {
            actor: "ana",
            now: now(),
            config: &c,
            label: "0b7c",
        };
        crate::core::promise::make(&mut t, &cx, due, None).unwrap();
        let p = crate::core::promise::open(&t.events).unwrap();
        assert_eq!(
            for_event(&t, t.events.last().unwrap(), "0b7c", &c, None),
            None,
            "making a promise tells the customer nothing by itself"
        );
        let sent = crate::core::promise::delay_sent(&p, now());
        let n = for_event(&t, &sent, "0b7c", &c, None).unwrap();
        assert_eq!((n.kind, n.to.as_str()), (Kind::Delay, "jan@example.com"));
        assert_eq!(
            n.text,
            "You will hear from us by Monday 2 November 2026, 11:00 UTC."
        );
        assert_eq!(n.subject, "[#0b7c6f1e] Zwrot nie dotarł");
        assert!(n.mail().contains("\nAuto-Submitted: auto-generated\n"));
        c.templates.delay = None;
        assert_eq!(
            for_event(&t, &sent, "0b7c", &c, None),
            None,
            "no template, no notice"
        );
    }

    #[test]
    fn the_survey_goes_to_the_address_the_sweep_chose_only_with_a_template() {
        let mut c = config("[templates]\nsurvey = \"How did we do with {title}?\"\n");
        let t = ticket(&c, "Jan <jan@example.com>");
        let asked = Event::new(now(), SYSTEM_ACTOR, EventKind::Surveyed).to("jan@example.com");
        let n = for_event(&t, &asked, "0b7c", &c, None).unwrap();
        assert_eq!((n.kind, n.to.as_str()), (Kind::Survey, "jan@example.com"));
        assert_eq!(n.text, "How did we do with Zwrot nie dotarł?");
        assert_eq!(n.subject, "[#0b7c6f1e] Zwrot nie dotarł");
        assert!(n.mail().contains("\nAuto-Submitted: auto-generated\n"));
        c.templates.survey = None;
        assert_eq!(
            for_event(&t, &asked, "0b7c", &c, None),
            None,
            "no template, no survey"
        );
    }
}
