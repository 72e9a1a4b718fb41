//! Whom a ticket can be passed to, in the order `pass` offers them at a
//! terminal: the next level up first (where a ticket usually goes), then
//! everyone else by level. It reads the team config and belongs beside it;
//! it sits apart only while that file is being changed elsewhere.

use std::collections::BTreeMap;

use super::config::{Config, Person};

/// A person a ticket can be passed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<'a> {
    pub person: &'a Person,
    /// Open or waiting tickets they already own.
    pub open: usize,
    /// They are on the next level above the person passing.
    pub next_level: bool,
}

/// Everyone on the team but `actor`, the next level above the actor's first,
/// then by level; people on the same level keep the config's order.
pub fn candidates<'a>(
    config: &'a Config,
    actor: &str,
    load: &BTreeMap<String, usize>,
) -> Vec<Candidate<'a>> {
    let next = config.next_level_above(config.level_of(actor));
    let mut people: Vec<Candidate> = config
        .people
        .iter()
        .filter(|p| p.name != actor)
        .map(|p| Candidate {
            person: p,
            open: load.get(&p.name).copied().unwrap_or(0),
            next_level: Some(p.level) == next,
        })
        .collect();
    people.sort_by_key(|c| (!c.next_level, c.person.level));
    people
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team() -> Config {
        Config::parse(
            "[[people]]\nname = \"cora\"\nlevel = 3\n[[people]]\nname = \"ana\"\nlevel = 1\n\
             [[people]]\nname = \"eve\"\nlevel = 1\n[[people]]\nname = \"ben\"\nlevel = 2\n\
             [[people]]\nname = \"dan\"\nlevel = 2\n",
        )
        .unwrap()
    }

    fn order<'a>(config: &'a Config, actor: &str) -> Vec<(&'a str, usize, bool)> {
        let load = BTreeMap::from([("ben".to_string(), 4), ("cora".to_string(), 1)]);
        candidates(config, actor, &load)
            .into_iter()
            .map(|c| (c.person.name.as_str(), c.open, c.next_level))
            .collect()
    }

    #[test]
    fn the_next_level_up_comes_first_then_the_rest_by_level_in_config_order() {
        let c = team();
        assert_eq!(
            order(&c, "ana"),
            [
                ("ben", 4, true),
                ("dan", 0, true),
                ("eve", 0, false),
                ("cora", 1, false),
            ]
        );
    }

    #[test]
    fn from_the_top_there_is_no_next_level_and_everyone_goes_by_level() {
        let c = team();
        assert_eq!(
            order(&c, "cora"),
            [
                ("ana", 0, false),
                ("eve", 0, false),
                ("ben", 4, false),
                ("dan", 0, false),
            ]
        );
    }

    #[test]
    fn someone_not_on_the_team_is_offered_the_front_line_first() {
        let c = team();
        let names: Vec<_> = order(&c, "zed").into_iter().map(|(n, ..)| n).collect();
        assert_eq!(names, ["ana", "eve", "ben", "dan", "cora"]);
    }

    #[test]
    fn alone_on_the_team_nobody_is_offered() {
        let c = Config::parse("[[people]]\nname = \"ana\"\nlevel = 1\n").unwrap();
        assert!(candidates(&c, "ana", &BTreeMap::new()).is_empty());
    }
}
