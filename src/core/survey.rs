//! Surveys that ask the customer: when the sweep owes a resolved ticket's
//! customer the survey mail (`[templates] survey`, `[survey] after` and
//! `every`), and how the customer's answer is read back as a score and a
//! comment. The sweep records a `surveyed` event, which makes the outbox
//! send the mail once; a reply whose text starts with a score becomes a
//! `rated` event that reopens nothing. Pure.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::automatic;
use super::config::{Config, SYSTEM_ACTOR};
use super::duration;
use super::intake::address_of;
use super::summary::{Scope, Summary};
use super::ticket::{Event, EventKind, Status, Ticket, View};

/// How long past `[survey] after` a survey may still go. A sweep missed
/// for a day still asks; turning surveys on does not ask every customer
/// about last year's tickets.
pub const STALE: Duration = Duration::from_secs(7 * 24 * 3600);

/// The highest score that counts as unhappy (`list --unhappy`).
pub const UNHAPPY: u8 = 2;

/// The words that give a score, lowercased, in the languages the templates
/// use (English, German, French, Spanish, Hungarian, Polish). Phrases of
/// several words come before the single words they start with, so that
/// "very bad" is not read as "very".
const WORDS: &[(&str, u8)] = &[
    // English
    ("very good", 5),
    ("very bad", 1),
    ("excellent", 5),
    ("great", 5),
    ("perfect", 5),
    ("awesome", 5),
    ("good", 4),
    ("fine", 4),
    ("okay", 3),
    ("ok", 3),
    ("average", 3),
    ("so-so", 3),
    ("bad", 2),
    ("poor", 2),
    ("terrible", 1),
    ("awful", 1),
    ("horrible", 1),
    // German
    ("sehr gut", 5),
    ("sehr schlecht", 1),
    ("ausgezeichnet", 5),
    ("hervorragend", 5),
    ("perfekt", 5),
    ("super", 5),
    ("gut", 4),
    ("geht so", 3),
    ("mittel", 3),
    ("befriedigend", 3),
    ("schlecht", 2),
    ("schrecklich", 1),
    ("furchtbar", 1),
    // French
    ("très bien", 5),
    ("très bon", 5),
    ("très mauvais", 1),
    ("excellente", 5),
    ("parfait", 5),
    ("bien", 4),
    ("bon", 4),
    ("moyen", 3),
    ("correct", 3),
    ("bof", 3),
    ("mauvais", 2),
    ("nul", 1),
    // Spanish
    ("muy bien", 5),
    ("muy bueno", 5),
    ("muy mal", 1),
    ("muy malo", 1),
    ("excelente", 5),
    ("perfecto", 5),
    ("bueno", 4),
    ("regular", 3),
    ("normal", 3),
    ("malo", 2),
    ("mal", 2),
    ("pésimo", 1),
    // Hungarian
    ("nagyon jó", 5),
    ("nagyon rossz", 1),
    ("kiváló", 5),
    ("kitűnő", 5),
    ("tökéletes", 5),
    ("jó", 4),
    ("közepes", 3),
    ("elmegy", 3),
    ("rossz", 2),
    ("szörnyű", 1),
    ("borzasztó", 1),
    // Polish
    ("bardzo dobrze", 5),
    ("bardzo dobry", 5),
    ("bardzo źle", 1),
    ("doskonale", 5),
    ("doskonały", 5),
    ("świetnie", 5),
    ("znakomicie", 5),
    ("dobrze", 4),
    ("dobry", 4),
    ("średnio", 3),
    ("przeciętnie", 3),
    ("słabo", 2),
    ("źle", 2),
    ("fatalnie", 1),
    ("okropnie", 1),
    ("tragicznie", 1),
];

/// A customer's answer to a survey: the score and what they wrote after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// From 1 (terrible) to 5 (excellent).
    pub score: u8,
    /// The rest of the text, trimmed; `None` when there is none.
    pub comment: Option<String>,
}

/// Whether `rest` ends a score: the end of the text, or (after spaces) a
/// line break or punctuation. "Good morning, it broke again" is no score:
/// a word followed by more words is the start of a sentence.
fn ends_score(rest: &str) -> bool {
    let rest = rest.trim_start_matches([' ', '\t']);
    match rest.chars().next() {
        None => true,
        Some(c) => matches!(
            c,
            '\n' | '\r' | ',' | ';' | ':' | '!' | ')' | '-' | '–' | '—' | '.'
        ),
    }
}

/// The score at the start of `text` and where its token ends: `4`, `4/5`,
/// `4 / 5` (after which any text may follow), or a word of [`WORDS`] in any case.
fn score_at(text: &str) -> Option<(u8, usize)> {
    let mut chars = text.char_indices();
    if let Some((_, c @ '1'..='5')) = chars.next() {
        let score = c as u8 - b'0';
        let after = &text[1..];
        // "4/5": the scale goes with the score; "4/10" or "12" is not ours.
        let slash = after.trim_start_matches([' ', '\t']);
        if let Some(scale) = slash.strip_prefix('/') {
            let scale = scale.trim_start_matches([' ', '\t']);
            let rest = scale.strip_prefix('5')?;
            let end = text.len() - rest.len();
            // The scale makes it unmistakable: any text may follow.
            return (!rest.starts_with(|c: char| c.is_ascii_digit())).then_some((score, end));
        }
        // "4.5" is no score baton keeps.
        if after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        return ends_score(after).then_some((score, 1));
    }
    let lower = text.to_lowercase();
    WORDS.iter().find_map(|&(word, score)| {
        let rest = lower.strip_prefix(word)?;
        // A whole word only: "bonjour" is not "bon", "goodbye" not "good".
        if rest.starts_with(char::is_alphanumeric) || !ends_score(rest) {
            return None;
        }
        // Lowercasing keeps these words' length in bytes, so the offset
        // holds in the original text too.
        let end = word.len();
        text.is_char_boundary(end).then_some((score, end))
    })
}

/// Reads a survey answer: a text that starts with a score (see
/// [`score_at`]), the rest being the comment. `None` when the text does
/// not start with a readable score: then it is an ordinary message.
pub fn parse_answer(text: &str) -> Option<Answer> {
    let text = text.trim_start();
    let (score, end) = score_at(text)?;
    let comment = text[end..]
        .trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, ',' | ';' | ':' | '!' | ')' | '-' | '–' | '—' | '.')
        })
        .trim_end();
    Some(Answer {
        score,
        comment: (!comment.is_empty()).then(|| comment.to_string()),
    })
}

/// The events of `t` in time order (a merge may append an older event).
fn in_time_order(t: &Ticket) -> Vec<&Event> {
    let mut order: Vec<&Event> = t.events.iter().collect();
    order.sort_by_key(|e| e.at);
    order
}

/// Whether a customer's mail on `t` answers a survey: the latest of the
/// events that say where the conversation stands (a survey, a rating, a
/// message either way, a status change) is the `surveyed` event.
pub fn awaits_answer(t: &Ticket) -> bool {
    in_time_order(t)
        .iter()
        .rev()
        .find(|e| {
            matches!(
                e.kind,
                EventKind::Surveyed
                    | EventKind::Rated
                    | EventKind::Customer
                    | EventKind::Reply
                    | EventKind::Status
            )
        })
        .is_some_and(|e| e.kind == EventKind::Surveyed)
}

/// The `rated` event a survey answer from `from` makes: by baton for the
/// customer (`from` their address), with the score and the comment.
pub fn rated(at: DateTime<Utc>, from: &str, answer: &Answer) -> Event {
    let mut e = Event::new(at, SYSTEM_ACTOR, EventKind::Rated).from(from);
    e.score = Some(answer.score);
    e.comment = answer.comment.clone();
    e
}

/// When the resolve that stands happened: the latest status change in time
/// order, when it made the ticket resolved and the ticket still is.
pub fn resolved_at(t: &Ticket) -> Option<DateTime<Utc>> {
    if t.status != Status::Resolved {
        return None;
    }
    in_time_order(t)
        .into_iter()
        .rev()
        .find_map(|e| e.status_change().map(|(_, to)| (e.at, to)))
        .filter(|(_, to)| *to == Status::Resolved)
        .map(|(at, _)| at)
}

/// The latest score the ticket was given, if any (`list --unhappy`).
pub fn latest_score(t: &Ticket) -> Option<u8> {
    in_time_order(t)
        .into_iter()
        .rev()
        .find_map(|e| match e.view() {
            Ok(View::Rated { score, .. }) => Some(score),
            _ => None,
        })
}

/// Whether the ticket's latest rating is unhappy (at most [`UNHAPPY`]).
pub fn unhappy(t: &Ticket) -> bool {
    latest_score(t).is_some_and(|s| s <= UNHAPPY)
}

/// The address a survey of `t` goes to: the customer's, unless it is a
/// sender that never reads replies (a no-reply or a mail system).
fn survey_address(customer: &str) -> Option<String> {
    address_of(customer)
        .filter(|a| !automatic::takes_no_replies(a))
        .map(|a| a.to_lowercase())
}

/// How far back [`to_read`] looks at `now`: the oldest resolve still owed a
/// survey, and the oldest event that can throttle one (or that resolve, if
/// it is older). `None` without `[templates] survey`.
fn horizons(config: &Config, now: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    config.templates.survey.as_ref()?;
    let oldest = now - duration::chrono(config.survey.after + STALE);
    let since = now - duration::chrono(config.survey.every);
    Some((oldest, since.min(oldest)))
}

/// The summaries the sweep needs at `now`: the live tickets it acts on,
/// and the recent ones [`to_read`] picks from when surveys are sent.
pub fn scope(config: &Config, now: DateTime<Utc>) -> Scope {
    match horizons(config, now) {
        Some((_, since)) => Scope::LiveOrSince(since),
        None => Scope::Live,
    }
}

/// The tickets the sweep must read in full to decide the surveys owed at
/// `now`: those resolved recently enough to be owed one, and the recent
/// tickets of the same customers, whose surveys throttle them. Every
/// ticket [`owed`] could use is here, so deciding from these alone is
/// deciding from all.
pub fn to_read(summaries: &[Summary], config: &Config, now: DateTime<Utc>) -> Vec<Uuid> {
    let Some((oldest, since)) = horizons(config, now) else {
        return Vec::new();
    };
    // A ticket resolved at `r` has its last event at `r` or later.
    let candidates: BTreeMap<String, ()> = summaries
        .iter()
        .filter(|s| s.status == Status::Resolved && s.last_event >= oldest)
        .filter_map(|s| survey_address(&s.customer))
        .map(|a| (a, ()))
        .collect();
    summaries
        .iter()
        .filter(|s| s.last_event >= since)
        .filter(|s| survey_address(&s.customer).is_some_and(|a| candidates.contains_key(&a)))
        .map(|s| s.id)
        .collect()
}

/// The `surveyed` events owed at `now`, by ticket, oldest resolve first:
/// to each ticket resolved at least `[survey] after` ago (and not more
/// than [`STALE`] later), not surveyed since that resolve, whose customer
/// has an address that reads replies and was not surveyed within
/// `[survey] every` on any ticket (the first resolved of a customer's
/// tickets due in one sweep gets it). None without `[templates] survey`.
pub fn owed(tickets: &[Ticket], config: &Config, now: DateTime<Utc>) -> Vec<(Uuid, Event)> {
    if config.templates.survey.is_none() {
        return Vec::new();
    }
    let after = duration::chrono(config.survey.after);
    let stale = after + duration::chrono(STALE);
    let every = duration::chrono(config.survey.every);
    // The latest survey each address had, on any ticket.
    let mut last: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
    for e in tickets.iter().flat_map(|t| &t.events) {
        if let Ok(View::Surveyed { to }) = e.view() {
            let at = last.entry(to.to_lowercase()).or_insert(e.at);
            *at = (*at).max(e.at);
        }
    }
    let mut due: Vec<(DateTime<Utc>, &Ticket, String)> = tickets
        .iter()
        .filter_map(|t| {
            let resolved = resolved_at(t)?;
            let waited = now - resolved;
            if waited < after || waited >= stale {
                return None;
            }
            let asked = t
                .events
                .iter()
                .any(|e| e.kind == EventKind::Surveyed && e.at >= resolved);
            if asked {
                return None;
            }
            Some((resolved, t, survey_address(&t.customer)?))
        })
        .collect();
    due.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    let mut out = Vec::new();
    for (_, t, address) in due {
        if last.get(&address).is_some_and(|at| now - *at < every) {
            continue;
        }
        last.insert(address.clone(), now);
        out.push((
            t.id,
            Event::new(now, SYSTEM_ACTOR, EventKind::Surveyed).to(address),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::action::{self, Draft};
    use chrono::{Duration as Span, TimeZone};

    fn answer(text: &str) -> Option<(u8, Option<String>)> {
        parse_answer(text).map(|a| (a.score, a.comment))
    }

    #[test]
    fn a_number_at_the_start_is_the_score_and_the_rest_the_comment() {
        assert_eq!(
            answer("4, thanks a lot"),
            Some((4, Some("thanks a lot".into())))
        );
        assert_eq!(answer("  5"), Some((5, None)));
        assert_eq!(
            answer("4/5 quick and kind"),
            Some((4, Some("quick and kind".into())))
        );
        assert_eq!(answer("4/50"), None);
        assert_eq!(
            answer("4/5. quick and kind"),
            Some((4, Some("quick and kind".into())))
        );
        assert_eq!(answer("3 / 5"), Some((3, None)));
        assert_eq!(
            answer("1!\nNobody read my mail."),
            Some((1, Some("Nobody read my mail.".into())))
        );
        assert_eq!(answer("2 - slow"), Some((2, Some("slow".into()))));
    }

    #[test]
    fn numbers_that_are_no_score_are_an_ordinary_message() {
        for text in [
            "6",
            "0",
            "12 items are missing",
            "4/10",
            "4.5",
            "5 minutes later it broke",
            "",
            "  ",
        ] {
            assert_eq!(answer(text), None, "{text:?}");
        }
    }

    #[test]
    fn words_give_scores_in_every_language_of_the_templates() {
        let cases = [
            ("Excellent!", 5),
            ("very good, thanks", 5),
            ("Good.", 4),
            ("ok", 3),
            ("Bad", 2),
            ("terrible: nobody called back", 1),
            ("Sehr gut, danke", 5),
            ("gut", 4),
            ("schlecht", 2),
            ("Très bien !", 5),
            ("mauvais", 2),
            ("Muy bien, gracias", 5),
            ("malo", 2),
            ("pésimo", 1),
            ("Nagyon jó!", 5),
            ("jó", 4),
            ("rossz", 2),
            ("Bardzo dobrze, dziękuję", 5),
            ("dobrze", 4),
            ("źle", 2),
            ("Fatalnie.", 1),
        ];
        for (text, score) in cases {
            assert_eq!(answer(text).map(|a| a.0), Some(score), "{text:?}");
        }
        assert_eq!(answer("Sehr gut, danke"), Some((5, Some("danke".into()))));
        assert_eq!(
            answer("Very bad").map(|a| a.0),
            Some(1),
            "the phrase, not 'very'"
        );
    }

    #[test]
    fn a_word_that_starts_a_sentence_is_no_score() {
        for text in [
            "Good morning, the app crashes again",
            "goodbye",
            "Bonjour, ça ne marche plus",
            "not good",
            "Okay so the problem is back",
            "Bad news: it is broken again",
        ] {
            assert_eq!(answer(text), None, "{text:?}");
        }
    }

    fn config(extra: &str) -> Config {
        Config::parse(&format!(
            "[[people]]\nname = \"ana\"\nlevel = 1\n[templates]\nsurvey = \"How did we do?\"\n{extra}"
        ))
        .unwrap()
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap()
    }

    /// A ticket of `customer` resolved at `t0 + resolved_h` hours.
    fn resolved(n: u128, c: &Config, customer: &str, resolved_h: i64) -> Ticket {
        let cx = |now| action::Ctx {
            actor: "ana",
            now,
            config: c,
            label: "t",
        };
        let draft = Draft {
            title: format!("ticket {n}"),
            customer: customer.into(),
            ..Draft::default()
        };
        let mut t = action::create(&cx(t0()), Uuid::from_u128(n), draft).unwrap();
        let at = t0() + Span::hours(resolved_h);
        action::set_status(&mut t, &cx(at), Status::Resolved, None, false).unwrap();
        t
    }

    fn owed_to(tickets: &[Ticket], c: &Config, now: DateTime<Utc>) -> Vec<(u128, String)> {
        owed(tickets, c, now)
            .into_iter()
            .map(|(id, e)| (id.as_u128(), e.to.unwrap()))
            .collect()
    }

    #[test]
    fn a_survey_is_owed_after_the_delay_once_per_resolve() {
        let c = config("");
        let mut t = resolved(1, &c, "Jan <Jan@Example.com>", 1);
        assert!(owed_to(std::slice::from_ref(&t), &c, t0() + Span::hours(24)).is_empty());
        let now = t0() + Span::hours(25);
        let due = owed(std::slice::from_ref(&t), &c, now);
        assert_eq!(
            owed_to(std::slice::from_ref(&t), &c, now),
            [(1, "jan@example.com".into())]
        );
        t.record(due[0].1.clone());
        assert!(
            owed_to(std::slice::from_ref(&t), &c, now).is_empty(),
            "once"
        );
        let late = t0() + Span::hours(1) + Span::days(9);
        let old = resolved(2, &c, "eva@example.com", 1);
        assert!(owed_to(&[old], &c, late).is_empty(), "too late to ask");
    }

    #[test]
    fn no_survey_without_a_template_an_address_or_to_a_no_reply_sender() {
        let now = t0() + Span::hours(30);
        let plain = Config::parse("[[people]]\nname = \"ana\"\nlevel = 1\n").unwrap();
        assert!(owed_to(&[resolved(1, &plain, "jan@example.com", 1)], &plain, now).is_empty());
        let c = config("");
        assert!(owed_to(&[resolved(1, &c, "acme corp", 1)], &c, now).is_empty());
        assert!(owed_to(&[resolved(1, &c, "no-reply@shop.example", 1)], &c, now).is_empty());
    }

    #[test]
    fn a_reopen_before_the_delay_cancels_the_survey() {
        let c = config("");
        let mut t = resolved(1, &c, "jan@example.com", 1);
        let cx = action::Ctx {
            actor: "ana",
            now: t0() + Span::hours(5),
            config: &c,
            label: "t",
        };
        action::set_status(&mut t, &cx, Status::Open, None, false).unwrap();
        assert!(owed_to(std::slice::from_ref(&t), &c, t0() + Span::hours(30)).is_empty());
    }

    #[test]
    fn one_survey_per_customer_within_every_across_tickets() {
        let c = config("[survey]\nafter = \"1h\"\nevery = \"10d\"\n");
        let mut a = resolved(1, &c, "jan@example.com", 3);
        let b = resolved(2, &c, "JAN@example.com", 2);
        let other = resolved(3, &c, "eva@example.com", 2);
        let now = t0() + Span::hours(5);
        let first = owed_to(&[a.clone(), b.clone(), other.clone()], &c, now);
        assert_eq!(
            first,
            [(2, "jan@example.com".into()), (3, "eva@example.com".into())]
        );
        let mut b2 = b.clone();
        b2.record(owed(std::slice::from_ref(&b), &c, now)[0].1.clone());
        assert!(
            owed_to(&[a.clone(), b2.clone()], &c, now + Span::days(2)).is_empty(),
            "jan was asked two days ago"
        );
        // Ten days on, jan's other ticket is too old to ask about; a new
        // one is asked.
        let cx = action::Ctx {
            actor: "ana",
            now: now + Span::days(10),
            config: &c,
            label: "t",
        };
        action::set_status(&mut a, &cx, Status::Open, None, false).unwrap();
        let cx = action::Ctx {
            now: now + Span::days(10) + Span::hours(1),
            ..cx
        };
        action::set_status(&mut a, &cx, Status::Resolved, None, false).unwrap();
        assert_eq!(
            owed_to(&[a, b2], &c, now + Span::days(10) + Span::hours(3)),
            [(1, "jan@example.com".into())]
        );
    }

    #[test]
    fn an_answer_is_awaited_only_while_the_survey_is_the_latest_word() {
        let c = config("");
        let mut t = resolved(1, &c, "jan@example.com", 1);
        assert!(!awaits_answer(&t));
        let now = t0() + Span::hours(30);
        t.record(owed(std::slice::from_ref(&t), &c, now)[0].1.clone());
        assert!(awaits_answer(&t));
        let a = parse_answer("2, slow").unwrap();
        t.record(rated(now + Span::hours(1), "jan@example.com", &a));
        assert!(!awaits_answer(&t), "answered");
        assert!(unhappy(&t));
        assert_eq!(latest_score(&t), Some(2));
    }
}
