//! Service-level policies: targets per priority (`[sla.urgent]`) and per
//! customer tier (`[[customers]] match/tier`, `[sla.gold]`), and the one
//! [`Policy`] a ticket runs on, resolved from its current priority and
//! customer. Every reader of the clock asks [`policy`], so a priority change
//! recomputes the deadline from the same history.
//!
//! Where a priority and a tier both set a target, the stricter wins: the
//! shorter duration, and at equal durations the round-the-clock one (it is
//! never later than the same time in working hours). Where neither sets one,
//! `[escalation] after` / `clock` and `[sla] first_response` stay the rule.

use std::collections::BTreeMap;
use std::time::Duration;

use super::config::{ClockKind, Config, Escalation};
use super::ticket::Priority;

/// The targets one `[sla.NAME]` table sets; each may be left to the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets {
    /// Time to the first reply.
    pub first_response: Option<Duration>,
    /// Time to the escalation deadline.
    pub after: Option<Duration>,
    /// The clock both count on.
    pub clock: Option<ClockKind>,
}

/// A `[[customers]]` entry: customers whose address matches `pattern` (a glob
/// with `*`, case-insensitive) are of `tier`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRule {
    pub pattern: String,
    pub tier: String,
}

/// All policies of the config.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policies {
    pub priorities: BTreeMap<Priority, Targets>,
    pub tiers: BTreeMap<String, Targets>,
    /// In config order: the first match names the tier.
    pub customers: Vec<CustomerRule>,
}

/// One target as it applies to a ticket: how long, on which clock, and where
/// it came from (`urgent`, `gold`, or `default`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub within: Duration,
    pub clock: ClockKind,
    pub from: String,
}

/// The targets a ticket runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The escalation deadline.
    pub after: Target,
    /// The first reply.
    pub first_response: Target,
    /// The customer's tier, when a `[[customers]]` entry matched.
    pub tier: Option<String>,
}

impl Policy {
    /// The escalation rule of the config with this policy's deadline and clock.
    pub fn escalation(&self, config: &Config) -> Escalation {
        Escalation {
            after: self.after.within,
            clock: self.after.clock,
            ..config.escalation.clone()
        }
    }
}

impl Policies {
    /// The tier of a customer, from the first `[[customers]]` entry matching.
    pub fn tier_of(&self, customer: &str) -> Option<&str> {
        let customer = customer.trim();
        if customer.is_empty() {
            return None;
        }
        self.customers
            .iter()
            .find(|r| glob(&r.pattern.to_lowercase(), &customer.to_lowercase()))
            .map(|r| r.tier.as_str())
    }

    /// Whether no policy is set: every ticket runs on the defaults.
    pub fn is_empty(&self) -> bool {
        self.priorities.is_empty() && self.tiers.is_empty()
    }
}

/// The policy of a ticket with this priority and customer.
pub fn policy(config: &Config, priority: Priority, customer: &str) -> Policy {
    let policies = &config.policies;
    let tier = policies.tier_of(customer).map(str::to_string);
    let mut sources: Vec<(&str, &Targets)> = Vec::new();
    if let Some(t) = policies.priorities.get(&priority) {
        sources.push((priority.as_str(), t));
    }
    if let Some((name, t)) = tier
        .as_deref()
        .and_then(|n| policies.tiers.get_key_value(n))
    {
        sources.push((name.as_str(), t));
    }
    let pick = |get: fn(&Targets) -> Option<Duration>, default: Target| {
        sources
            .iter()
            .filter_map(|(name, t)| {
                get(t).map(|within| Target {
                    within,
                    clock: t.clock.unwrap_or(default.clock),
                    from: name.to_string(),
                })
            })
            .min_by_key(|t| (t.within, t.clock != ClockKind::Round))
            .unwrap_or(default)
    };
    Policy {
        after: pick(
            |t| t.after,
            Target {
                within: config.escalation.after,
                clock: config.escalation.clock,
                from: "default".into(),
            },
        ),
        first_response: pick(
            |t| t.first_response,
            Target {
                within: config.sla.first_response,
                clock: config.escalation.clock,
                from: "default".into(),
            },
        ),
        tier,
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of
/// characters (both already lowercased).
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: &str = "[[people]]\nname = \"ana\"\nlevel = 1\n\
        [escalation]\nafter = \"20h\"\nclock = \"business\"\n\
        [calendar]\ntimezone = \"UTC\"\nmon-fri = \"09:00-18:00\"\n";

    fn config(sla: &str) -> Config {
        Config::parse(&format!("{TEAM}{sla}")).unwrap()
    }

    #[test]
    fn globs_match_as_a_shell_would() {
        let cases = [
            ("*@bigco.example", "it@bigco.example", true),
            ("*@bigco.example", "it@bigco.example.evil", false),
            ("*@*.bigco.example", "a@eu.bigco.example", true),
            ("boss@bigco.example", "boss@bigco.example", true),
            ("boss@bigco.example", "bos@bigco.example", false),
            ("a*a", "a", false),
            ("*", "", true),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(glob(pattern, text), expected, "{pattern} {text}");
        }
    }

    #[test]
    fn the_stricter_of_priority_and_tier_wins_and_defaults_fill_the_rest() {
        let c = config(
            "[sla]\nfirst_response = \"1h\"\n\
             [sla.urgent]\nfirst_response = \"30m\"\nafter = \"4h\"\nclock = \"24x7\"\n\
             [sla.low]\nafter = \"3d\"\n\
             [sla.gold]\nafter = \"2h\"\n\
             [[customers]]\nmatch = \"*@BigCo.example\"\ntier = \"gold\"\n",
        );
        let h = |n: u64| Duration::from_secs(n * 3600);
        let cases = [
            // (priority, customer, after, its clock, from, first response from)
            (
                Priority::Urgent,
                "x@example.com",
                h(4),
                ClockKind::Round,
                "urgent",
                "urgent",
            ),
            (
                Priority::Low,
                "x@example.com",
                h(72),
                ClockKind::Business,
                "low",
                "default",
            ),
            (
                Priority::Normal,
                "x@example.com",
                h(20),
                ClockKind::Business,
                "default",
                "default",
            ),
            (
                Priority::Urgent,
                "it@bigco.example",
                h(2),
                ClockKind::Business,
                "gold",
                "urgent",
            ),
            (
                Priority::Low,
                "IT@bigco.example",
                h(2),
                ClockKind::Business,
                "gold",
                "default",
            ),
        ];
        for (priority, customer, after, clock, from, first) in cases {
            let p = policy(&c, priority, customer);
            assert_eq!(
                (p.after.within, p.after.clock, p.after.from.as_str()),
                (after, clock, from),
                "{priority:?} {customer}"
            );
            assert_eq!(p.first_response.from, first, "{priority:?} {customer}");
        }
        let urgent = policy(&c, Priority::Urgent, "");
        assert_eq!(urgent.first_response.within, Duration::from_secs(1800));
        assert_eq!(urgent.escalation(&c).after, h(4));
        assert_eq!(
            policy(&c, Priority::Low, "it@bigco.example")
                .tier
                .as_deref(),
            Some("gold")
        );
    }

    #[test]
    fn at_equal_times_round_the_clock_is_the_stricter() {
        let c = config(
            "[sla.high]\nafter = \"4h\"\n[sla.gold]\nafter = \"4h\"\nclock = \"24x7\"\n\
             [[customers]]\nmatch = \"*\"\ntier = \"gold\"\n",
        );
        let p = policy(&c, Priority::High, "a@b.example");
        assert_eq!(
            (p.after.clock, p.after.from.as_str()),
            (ClockKind::Round, "gold")
        );
    }
}
