//! Ask once, completely: the facts a ticket needs before anyone can work on
//! it, from `[checklist.TAG]` and `[checklist.default]` in `baton.toml`, which
//! of them the customer's own text already gives, and the sentence that asks
//! for exactly the rest. Pure: the caller reads the config and the ticket.
//!
//! ```toml
//! [checklist.default]
//! order = { ask = "your order number", pattern = '\b\d{5,}\b' }
//! [checklist.mobile]
//! device = { ask = "the phone model and app version", pattern = '(?i)\b(iphone|android|pixel|galaxy)\b' }
//! ```
//!
//! Patterns are regular expressions (the `regex` crate: linear time whatever
//! the pattern and text, so a pattern in the config cannot hang intake on a
//! stranger's mail). A fact without a pattern is found only by hand.

use std::collections::BTreeMap;

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::config::Config;
use super::ticket::{Event, EventKind, ParseError, Ticket, View, line_col};
use crate::error::Error;

/// One fact a ticket needs.
#[derive(Debug, Clone)]
pub struct Fact {
    /// The key in the checklist, such as `order`.
    pub name: String,
    /// What to ask the customer for, as it fits after "please send us".
    pub ask: String,
    /// What the fact looks like in the customer's text.
    pub pattern: Option<Regex>,
}

/// Facts are the same when they say the same: patterns by their text.
impl PartialEq for Fact {
    fn eq(&self, other: &Fact) -> bool {
        (
            &self.name,
            &self.ask,
            self.pattern.as_ref().map(Regex::as_str),
        ) == (
            &other.name,
            &other.ask,
            other.pattern.as_ref().map(Regex::as_str),
        )
    }
}

/// Patterns compare by their text, which is a full equivalence.
impl Eq for Fact {}

/// Every checklist of the config, by tag (`default` applies to all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checklists {
    lists: BTreeMap<String, Vec<Fact>>,
}

#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    checklist: BTreeMap<String, BTreeMap<String, Spanned<RawFact>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFact {
    ask: String,
    pattern: Option<Spanned<String>>,
}

/// The tag whose checklist every ticket gets.
pub const DEFAULT: &str = "default";

fn at(text: &str, offset: usize, message: String) -> ParseError {
    let (line, column) = line_col(text, offset);
    ParseError {
        message,
        line: Some(line),
        column: Some(column),
    }
}

impl Checklists {
    /// Reads the `[checklist.*]` tables of `baton.toml`'s text; other
    /// sections are left to the config's own reader.
    pub fn parse(text: &str) -> Result<Checklists, ParseError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            at(
                text,
                offset,
                format!(
                    "[checklist] {}; expected name = {{ ask = \"...\", pattern = '...' }}",
                    e.message()
                ),
            )
        })?;
        let mut lists = BTreeMap::new();
        for (tag, facts) in raw.checklist {
            let mut list = Vec::new();
            for (name, fact) in facts {
                let start = fact.span().start;
                let fact = fact.into_inner();
                if fact.ask.trim().is_empty() {
                    return Err(at(
                        text,
                        start,
                        format!(
                            "checklist.{tag}.{name}: 'ask' is empty; say what to ask for, such as \"your order number\""
                        ),
                    ));
                }
                let pattern = match fact.pattern {
                    None => None,
                    Some(p) => Some(Regex::new(p.get_ref()).map_err(|e| {
                        at(
                            text,
                            p.span().start,
                            format!("checklist.{tag}.{name}: the pattern is not a regular expression: {e}"),
                        )
                    })?),
                };
                list.push(Fact {
                    name,
                    ask: fact.ask.trim().to_string(),
                    pattern,
                });
            }
            lists.insert(tag, list);
        }
        Ok(Checklists { lists })
    }

    /// The facts a ticket with these tags needs: the default list, then each
    /// tag's in the ticket's order, a fact of one name once.
    pub fn for_tags(&self, tags: &[String]) -> Vec<&Fact> {
        let mut out: Vec<&Fact> = Vec::new();
        let lists = std::iter::once(DEFAULT)
            .chain(tags.iter().map(String::as_str).filter(|t| *t != DEFAULT))
            .filter_map(|t| self.lists.get(t));
        for fact in lists.flatten() {
            if !out.iter().any(|f| f.name == fact.name) {
                out.push(fact);
            }
        }
        out
    }
}

/// Where a ticket stands against its checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked<'a> {
    /// Facts found, with the text that gave each (empty when found by hand).
    pub found: Vec<(&'a str, String)>,
    /// Facts still to ask for, in checklist order.
    pub missing: Vec<&'a str>,
}

/// Checks `facts` against the customer's `text` and the facts marked found
/// by hand.
pub fn check<'a>(facts: &[&'a Fact], text: &str, by_hand: &[&str]) -> Checked<'a> {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for f in facts {
        if by_hand.contains(&f.name.as_str()) {
            found.push((f.name.as_str(), String::new()));
        } else if let Some(m) = f.pattern.as_ref().and_then(|p| p.find(text)) {
            found.push((f.name.as_str(), m.as_str().to_string()));
        } else {
            missing.push(f.name.as_str());
        }
    }
    Checked { found, missing }
}

/// The sentence that asks for the missing facts, for the acknowledgement's
/// `{missing}`: empty when nothing is missing.
pub fn ask_for(facts: &[&Fact], missing: &[&str]) -> String {
    let asks: Vec<&str> = missing
        .iter()
        .filter_map(|m| facts.iter().find(|f| f.name == *m))
        .map(|f| f.ask.as_str())
        .collect();
    let list = match asks.as_slice() {
        [] => return String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    format!("So that we can help at the first answer, please send us {list}.")
}

/// What the customer said of `t` in their own words: title, description and
/// their messages, where the checklist's patterns look.
fn customer_text(t: &Ticket) -> String {
    let mut text = format!("{}\n{}", t.title, t.description);
    for e in &t.events {
        if let Ok(View::Customer { text: said }) = e.view() {
            text.push('\n');
            text.push_str(said);
        }
    }
    text
}

/// The facts of `t` marked found by hand (`found` events nobody undid).
pub fn by_hand(t: &Ticket) -> Vec<String> {
    super::undo::standing(&t.events)
        .iter()
        .filter_map(|e| match e.view() {
            Ok(View::Found { fact, .. }) => Some(fact.to_string()),
            _ => None,
        })
        .collect()
}

/// The facts of `t`'s checklist that neither its text nor a hand gives
/// yet, in checklist order: what `show` lists as missing.
pub fn missing<'c>(t: &Ticket, config: &'c Config) -> Vec<&'c Fact> {
    let facts = config.checklists.for_tags(&t.tags);
    if facts.is_empty() {
        return facts;
    }
    let hand = by_hand(t);
    let hand: Vec<&str> = hand.iter().map(String::as_str).collect();
    let missing = check(&facts, &customer_text(t), &hand).missing;
    facts
        .into_iter()
        .filter(|f| missing.contains(&f.name.as_str()))
        .collect()
}

/// The sentence asking for what `t`'s own text (title, description, the
/// customer's messages) lacks of its checklist: the ack's `{missing}`.
pub fn missing_in(t: &Ticket, config: &Config) -> String {
    let missing = missing(t, config);
    let names: Vec<&str> = missing.iter().map(|f| f.name.as_str()).collect();
    ask_for(&missing, &names)
}

/// Marks the fact `name` of `t`'s checklist found by hand (`baton found`),
/// with what was found when `value` gives it. `false` when it was marked
/// found by hand already; a name the ticket's checklist lacks is refused
/// with the names it has.
pub fn mark_found(
    t: &mut Ticket,
    cx: &super::action::Ctx,
    name: &str,
    value: Option<String>,
) -> Result<bool, Error> {
    let facts = cx.config.checklists.for_tags(&t.tags);
    if facts.is_empty() {
        return Err(Error::usage(format!(
            "{} has no checklist: no [checklist.default] and none for its tags",
            cx.label
        ))
        .hint("add the facts tickets need to baton.toml, such as [checklist.default] order = { ask = \"your order number\" }"));
    }
    let Some(fact) = facts.iter().find(|f| f.name == name) else {
        let names: Vec<&str> = facts.iter().map(|f| f.name.as_str()).collect();
        let typed = name.to_lowercase();
        let near = names
            .iter()
            .map(|n| (strsim::osa_distance(&typed, &n.to_lowercase()), *n))
            .filter(|(d, _)| *d <= 2)
            .min_by_key(|(d, _)| *d);
        let err = Error::usage(format!(
            "'{}' is not on the checklist of {} (its facts: {})",
            name.escape_debug(),
            cx.label,
            names.join(", ")
        ));
        return Err(match near {
            Some((_, n)) => err.hint(format!(
                "did you mean '{n}'? 'baton found {} {n}'",
                cx.label
            )),
            None => err.hint(format!(
                "name one of them: 'baton found {} {}'",
                cx.label, names[0]
            )),
        });
    };
    if by_hand(t).contains(&fact.name) {
        return Ok(false);
    }
    let mut e = Event::new(cx.now, cx.actor, EventKind::Found);
    e.field = Some(fact.name.clone());
    e.text = value.filter(|v| !v.trim().is_empty());
    t.record(e);
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"
[[people]]
name = "ana"
level = 1

[checklist.default]
order = { ask = "your order number", pattern = '\b\d{5,}\b' }

[checklist.mobile]
device = { ask = "the phone model and app version", pattern = '(?i)\b(iphone|android|pixel|galaxy)\b' }
screenshot = { ask = "a screenshot of the error" }
order = { ask = "the order number again" }
"#;

    fn names(facts: &[&Fact]) -> Vec<String> {
        facts.iter().map(|f| f.name.clone()).collect()
    }

    #[test]
    fn a_ticket_gets_the_default_list_then_its_tags() {
        let c = Checklists::parse(CONFIG).unwrap();
        assert_eq!(names(&c.for_tags(&[])), ["order"]);
        let mobile = c.for_tags(&["mobile".into(), "billing".into()]);
        assert_eq!(names(&mobile), ["order", "device", "screenshot"]);
        assert_eq!(
            mobile[0].ask, "your order number",
            "the default's order, once"
        );
        assert!(
            Checklists::parse("[[people]]\nname = \"ana\"\n")
                .unwrap()
                .for_tags(&[])
                .is_empty()
        );
        assert_eq!(
            crate::core::config::Config::parse(CONFIG)
                .err()
                .map(|e| e.message),
            None,
            "the team's reader leaves [checklist] alone"
        );
    }

    #[test]
    fn facts_are_found_in_realistic_texts() {
        let c = Checklists::parse(CONFIG).unwrap();
        let facts = c.for_tags(&["mobile".into()]);
        for (text, found, missing) in [
            (
                "Hi, my order 4471203 never arrived and the app on my iPhone 13 shows error 500.",
                vec![("order", "4471203"), ("device", "iPhone")],
                vec!["screenshot"],
            ),
            (
                "The app keeps crashing since yesterday, please help!!",
                vec![],
                vec!["order", "device", "screenshot"],
            ),
            (
                // Four digits are a year or a price, not an order.
                "Paid 1299 in 2026 on my Galaxy S23, app 4.2.1",
                vec![("device", "Galaxy")],
                vec!["order", "screenshot"],
            ),
        ] {
            let got = check(&facts, text, &[]);
            let got_found: Vec<(&str, &str)> =
                got.found.iter().map(|(n, v)| (*n, v.as_str())).collect();
            assert_eq!(got_found, found, "{text}");
            assert_eq!(got.missing, missing, "{text}");
        }
    }

    #[test]
    fn a_fact_marked_by_hand_is_no_longer_missing() {
        let c = Checklists::parse(CONFIG).unwrap();
        let facts = c.for_tags(&["mobile".into()]);
        let got = check(&facts, "crash on Android", &["screenshot"]);
        assert_eq!(got.missing, ["order"]);
        assert!(got.found.contains(&("screenshot", String::new())));
    }

    #[test]
    fn the_acknowledgement_asks_for_exactly_what_is_missing() {
        let c = Checklists::parse(CONFIG).unwrap();
        let facts = c.for_tags(&["mobile".into()]);
        assert_eq!(ask_for(&facts, &[]), "");
        assert_eq!(
            ask_for(&facts, &["order"]),
            "So that we can help at the first answer, please send us your order number."
        );
        assert_eq!(
            ask_for(&facts, &["order", "device", "screenshot"]),
            "So that we can help at the first answer, please send us your order number, \
             the phone model and app version and a screenshot of the error."
        );
    }

    #[test]
    fn the_acknowledgement_of_a_new_ticket_asks_for_its_missing_facts() {
        use crate::core::notice;
        use crate::core::ticket::{Event, EventKind, Priority, Status, Ticket};
        use chrono::{TimeZone, Utc};
        let config = crate::core::config::Config::parse(CONFIG).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        let mut t = Ticket {
            id: uuid::Uuid::from_u128(7),
            title: "App crashes on my Pixel".into(),
            status: Status::Open,
            owner: "ana".into(),
            customer: "jan@example.com".into(),
            priority: Priority::Normal,
            tags: vec!["mobile".into()],
            created: at,
            updated: at,
            escalated: 0,
            description: "Since the update it closes at once.".into(),
            extra: Default::default(),
            events: vec![Event::new(at, "ana", EventKind::Created).to("ana")],
        };
        t.sync_state();
        let ack = notice::for_event(&t, &t.events[0].clone(), "0007", &config, None).unwrap();
        assert!(
            ack.text
                .contains("please send us your order number and a screenshot of the error."),
            "{}",
            ack.text
        );
        // Nothing missing, nothing asked: the line goes.
        t.tags.clear();
        t.description = "Order 123456".into();
        let ack = notice::for_event(&t, &t.events[0].clone(), "0007", &config, None).unwrap();
        assert!(!ack.text.contains("please send us"), "{}", ack.text);
        assert!(ack.text.contains("an answer by"), "{}", ack.text);
    }

    #[test]
    fn bad_checklists_say_where_and_what_was_expected() {
        for (text, line, says) in [
            (
                "[checklist.default]\norder = { ask = \"x\", pattern = '(' }\n",
                2,
                "checklist.default.order: the pattern is not a regular expression",
            ),
            (
                "[checklist.default]\norder = { ask = \"  \" }\n",
                2,
                "checklist.default.order: 'ask' is empty",
            ),
            (
                "[checklist.default]\norder = { ask = \"x\", patern = 'y' }\n",
                2,
                "unknown field `patern`",
            ),
            (
                "[checklist.default]\norder = \"x\"\n",
                2,
                "expected name = { ask",
            ),
        ] {
            let e = Checklists::parse(text).unwrap_err();
            assert!(e.message.contains(says), "{text}: {}", e.message);
            assert_eq!(e.line, Some(line), "{text}: {}", e.message);
        }
    }
}
