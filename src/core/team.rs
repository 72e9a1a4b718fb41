//! Changes to the team in the team config (`tickets/baton.toml`): adding,
//! editing, renaming and removing a person, each as a new config text with
//! the rest of the file (its comments and layout) kept as it was, and the
//! rules that refuse a change the team could not work with.

use chrono::{DateTime, Utc};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use super::config::{Config, RENAMED_KEY, Target, check_name, record_rename};
use super::ticket::{Event, EventKind};
use crate::error::Error;

/// Checks a level given on the command line.
pub fn check_level(level: u32) -> Result<(), Error> {
    if (1..=99).contains(&level) {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "level {level} is out of range; expected 1 (front line) to 99"
        )))
    }
}

/// The team config's text with one more person. `config` is what `text`
/// reads as.
pub fn add_person(
    text: &str,
    config: &Config,
    name: &str,
    level: u32,
    email: Option<&str>,
) -> Result<String, Error> {
    if let Some(now) = config.renamed_to(name) {
        return Err(Error::new(format!(
            "'{name}' is {now}'s old name: the history under it counts as {now}'s"
        ))
        .hint("pick another name for the new person"));
    }
    if config.person(name).is_some() {
        return Err(Error::new(format!("'{name}' is already on the team"))
            .hint("'baton people' lists the team"));
    }
    let mut doc = document(text)?;
    // Someone coming back is no longer a former member.
    if let Some(former) = doc.get_mut("former").and_then(Item::as_array_mut) {
        former.retain(|v| v.as_str() != Some(name));
    }
    let mut person = Table::new();
    person.insert("name", value(name));
    if let Some(email) = email {
        person.insert("email", value(email));
    }
    person.insert("level", value(i64::from(level)));
    match doc
        .get_mut("people")
        .and_then(|p| p.as_array_of_tables_mut())
    {
        Some(people) => people.push(person),
        None => {
            let mut people = ArrayOfTables::new();
            people.push(person);
            doc.insert("people", Item::ArrayOfTables(people));
        }
    }
    Ok(doc.to_string())
}

/// What `people edit` changes; `None` leaves a field as it is.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Edit {
    pub level: Option<u32>,
    /// `Some("")` removes the e-mail.
    pub email: Option<String>,
}

/// The team config's text with one person's level or e-mail changed.
pub fn edit_person(text: &str, config: &Config, name: &str, edit: &Edit) -> Result<String, Error> {
    by_name_in_use(config, name)?;
    if edit == &Edit::default() {
        return Err(
            Error::usage(format!("nothing to change for {name}")).hint(format!(
                "baton people edit {name} --level N or --email ADDRESS"
            )),
        );
    }
    let mut doc = document(text)?;
    let entry = entry_mut(&mut doc, name)?;
    if let Some(level) = edit.level {
        entry.insert("level", value(i64::from(level)));
    }
    match edit.email.as_deref() {
        None => {}
        Some("") => {
            entry.remove("email");
        }
        Some(email) => {
            entry.insert("email", value(email));
        }
    }
    Ok(doc.to_string())
}

/// A ticket that keeps a person on the team: its shortest id and title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owned {
    pub short: String,
    pub title: String,
}

/// The team config's text without one person. Refused while they own open
/// tickets (`owned`), while the escalation sends tickets to them by name,
/// and for the last person: each would leave tickets with nobody to go to.
/// Their history stays in the ticket files, and their name in `former`.
pub fn remove_person(
    text: &str,
    config: &Config,
    name: &str,
    owned: &[Owned],
) -> Result<String, Error> {
    by_name_in_use(config, name)?;
    if !owned.is_empty() {
        let list: Vec<String> = owned
            .iter()
            .map(|t| format!("  {}  {}", t.short, t.title))
            .collect();
        let first = &owned[0].short;
        return Err(Error::new(format!(
            "{name} owns {} open ticket(s); removing them would leave those with nobody:\n{}",
            owned.len(),
            list.join("\n")
        ))
        .hint(format!(
            "pass them on first (baton pass {first} NAME), then remove {name}"
        )));
    }
    if config.escalation.to == Target::Person(name.to_string()) {
        return Err(Error::new(format!(
            "[escalation] to = \"{name}\": overdue tickets go to {name}"
        ))
        .hint("set [escalation] to = \"top\" (or another person) in tickets/baton.toml first"));
    }
    if config.people.len() == 1 {
        return Err(Error::new(format!("{name} is the whole team"))
            .hint("add the person who takes over first: baton people add NAME --level N"));
    }
    let mut doc = document(text)?;
    let people = doc
        .get_mut("people")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| missing(name))?;
    let index = people
        .iter()
        .position(|p| named(p, name))
        .ok_or_else(|| missing(name))?;
    people.remove(index);
    // The history still names them: recorded, so that is no mistake.
    match doc.get_mut("former").and_then(Item::as_array_mut) {
        Some(former) => former.push(name),
        None => {
            let mut former = toml_edit::Array::new();
            former.push(name);
            doc.insert("former", value(former));
        }
    }
    Ok(doc.to_string())
}

/// The team config's text with `old` renamed `new`: their entry keeps its
/// level, e-mail and place, `[renamed]` records `old = "new"` (so the history,
/// which keeps the old name, counts as theirs), and `[escalation] to` and
/// `[intake] owner` follow the name. Refused when `old` is nobody on the
/// team, `new` is no usable name, or `new` is someone else's name, old or
/// current (their history would become one). A rename back to an old name
/// of the same person is allowed: that name is theirs.
pub fn rename_person(text: &str, config: &Config, old: &str, new: &str) -> Result<String, Error> {
    by_name_in_use(config, old)?;
    check_name(new).map_err(Error::usage)?;
    if new == old {
        return Err(Error::usage(format!("{old} is called {new} already")));
    }
    match config.renamed_to(new) {
        Some(now) if now == old => {}
        Some(now) => {
            return Err(Error::new(format!(
                "'{new}' is {now}'s old name: the history under it counts as {now}'s"
            ))
            .hint(format!("pick another name for {old}")));
        }
        None if config.person(new).is_some() => {
            return Err(Error::new(format!("'{new}' is already on the team"))
                .hint(format!("pick another name for {old}")));
        }
        None if config.ever_member(new) => {
            return Err(Error::new(format!(
                "'{new}' was on the team, and the history still names them"
            ))
            .hint(format!("pick another name for {old}")));
        }
        None => {}
    }
    let mut doc = document(text)?;
    if let Some(name) = entry_mut(&mut doc, old)?.get_mut("name") {
        set_keeping_comment(name, new);
    }
    let mut renamed = config.renamed.clone();
    record_rename(&mut renamed, old, new);
    let table = doc
        .entry(RENAMED_KEY)
        .or_insert_with(|| {
            let mut t = Table::new();
            t.decor_mut().set_prefix(
                "\n# Old names (baton people rename): the history keeps them, and\n\
                 # they count as the person's new name.\n",
            );
            Item::Table(t)
        })
        .as_table_mut()
        .ok_or_else(|| {
            Error::new("[renamed] in tickets/baton.toml is not a table")
                .hint("write it as a [renamed] table of old = \"new\" names")
        })?;
    let gone: Vec<String> = table
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| !renamed.contains_key(k))
        .collect();
    for k in gone {
        table.remove(&k);
    }
    for (from, to) in &renamed {
        if table.get(from).and_then(Item::as_str) != Some(to) {
            table.insert(from, value(to.as_str()));
        }
    }
    for (section, key) in [("escalation", "to"), ("intake", "owner")] {
        if let Some(item) = doc.get_mut(section).and_then(|t| t.get_mut(key))
            && item.as_str() == Some(old)
        {
            set_keeping_comment(item, new);
        }
    }
    Ok(doc.to_string())
}

/// Whether `old` is renamed to `new` already, `new` on the team: `people
/// rename` run again then changes no config, and only moves the tickets
/// still under the old name.
pub fn renamed_already(config: &Config, old: &str, new: &str) -> bool {
    config.renamed_to(old) == Some(new) && config.person(new).is_some()
}

/// Whether a ticket owned under `owner` moves to `new` in a rename, by the
/// config after it: its owner is an old name of `new`'s (the one renamed
/// now, or one before it that a clone still wrote).
pub fn moves_with_rename(config: &Config, owner: &str, new: &str) -> bool {
    owner != new && config.current_name(owner) == new
}

/// The event that moves a ticket owned under the name `from` to `to`.
pub fn renamed_event(at: DateTime<Utc>, by: &str, from: &str, to: &str) -> Event {
    Event::new(at, by, EventKind::Renamed).from(from).to(to)
}

/// Sets a string value, keeping the comment beside it.
fn set_keeping_comment(item: &mut Item, new: &str) {
    let decor = item.as_value().map(|v| v.decor().clone());
    *item = value(new);
    if let (Some(decor), Some(v)) = (decor, item.as_value_mut()) {
        *v.decor_mut() = decor;
    }
}

/// The person called `name` now, by that very name: an old name is refused
/// with the name to use, so a change never lands on an entry it cannot find.
fn by_name_in_use<'c>(config: &'c Config, name: &str) -> Result<&'c super::config::Person, Error> {
    if let Some(now) = config.renamed_to(name) {
        return Err(Error::new(format!("'{name}' was renamed to '{now}'"))
            .kind(crate::error::Kind::UnknownPerson)
            .hint(format!("use the name in use: {now}")));
    }
    config.member(name)
}

/// This clone's local settings (`tickets/.local/config.toml`, `text`, empty
/// when there are none) saying that whoever works here is `name`; the other
/// settings and comments are kept.
pub fn with_local_name(text: &str, name: &str) -> Result<String, Error> {
    let mut doc: DocumentMut = text.parse().map_err(|e| {
        Error::new(format!(
            "tickets/.local/config.toml does not read as TOML: {e}"
        ))
        .hint("fix or delete tickets/.local/config.toml, then run this again")
    })?;
    if text.trim().is_empty() {
        doc.decor_mut()
            .set_prefix("# This copy of the store only; never committed.\n");
    }
    // Indexing keeps the key, and with it the comments above it.
    doc["name"] = value(name);
    Ok(doc.to_string())
}

fn document(text: &str) -> Result<DocumentMut, Error> {
    text.parse()
        .map_err(|e| Error::new(format!("the team config does not read as TOML: {e}")))
}

fn named(entry: &Table, name: &str) -> bool {
    entry.get("name").and_then(Item::as_str) == Some(name)
}

fn missing(name: &str) -> Error {
    // The config read as having the person, so only an entry written in a
    // form toml_edit does not edit (an inline array) gets here.
    Error::new(format!(
        "cannot find {name}'s [[people]] entry to change in tickets/baton.toml"
    ))
    .hint("edit tickets/baton.toml by hand, or write the team as [[people]] tables")
}

fn entry_mut<'d>(doc: &'d mut DocumentMut, name: &str) -> Result<&'d mut Table, Error> {
    doc.get_mut("people")
        .and_then(Item::as_array_of_tables_mut)
        .and_then(|people| people.iter_mut().find(|p| named(p, name)))
        .ok_or_else(|| missing(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: &str = r#"# the team
[[people]]
name = "ana"
level = 1

[[people]]
name = "ben"   # the lead
email = "ben@example.com"
level = 2

[[people]]
name = "cora"
level = 3

[escalation]
after = "20h"
to = "top"
"#;

    fn config(text: &str) -> Config {
        Config::parse(text).unwrap()
    }

    #[test]
    fn adding_a_person_keeps_the_text_and_refuses_a_name_taken() {
        let c = config(TEAM);
        let added = add_person(TEAM, &c, "dana", 2, Some("dana@example.com")).unwrap();
        assert!(added.starts_with(&TEAM[..TEAM.find("[escalation]").unwrap()]));
        let grown = config(&added);
        let dana = grown.person("dana").unwrap();
        assert_eq!(
            (dana.level, dana.email.as_deref()),
            (2, Some("dana@example.com"))
        );
        assert_eq!(grown.escalation, c.escalation);
        let taken = add_person(TEAM, &c, "ben", 1, None).unwrap_err();
        assert!(taken.message.contains("already on the team"), "{taken:?}");
    }

    #[test]
    fn editing_changes_only_the_fields_asked_and_keeps_comments() {
        let c = config(TEAM);
        let raised = edit_person(
            TEAM,
            &c,
            "ben",
            &Edit {
                level: Some(3),
                email: None,
            },
        )
        .unwrap();
        assert!(raised.contains("# the lead"), "{raised}");
        let ben = config(&raised).person("ben").unwrap().clone();
        assert_eq!(
            (ben.level, ben.email.as_deref()),
            (3, Some("ben@example.com"))
        );

        let cleared = edit_person(
            TEAM,
            &c,
            "ben",
            &Edit {
                level: None,
                email: Some(String::new()),
            },
        )
        .unwrap();
        assert_eq!(config(&cleared).person("ben").unwrap().email, None);
        assert_eq!(config(&cleared).person("ben").unwrap().level, 2);
    }

    #[test]
    fn editing_nobody_or_nothing_is_refused() {
        let c = config(TEAM);
        let typo = edit_person(
            TEAM,
            &c,
            "bne",
            &Edit {
                level: Some(1),
                email: None,
            },
        );
        assert_eq!(
            typo.unwrap_err().hint.as_deref(),
            Some("did you mean 'ben'?")
        );
        let nothing = edit_person(TEAM, &c, "ben", &Edit::default()).unwrap_err();
        assert!(nothing.message.contains("nothing to change"), "{nothing:?}");
    }

    #[test]
    fn removing_keeps_the_others_and_refuses_what_would_strand_tickets() {
        let c = config(TEAM);
        let removed = remove_person(TEAM, &c, "ana", &[]).unwrap();
        let smaller = config(&removed);
        assert_eq!(smaller.names(), "ben, cora");
        assert_eq!(smaller.former, ["ana"]);
        assert!(smaller.ever_member("ana") && smaller.person("ana").is_none());
        let back = add_person(&removed, &smaller, "ana", 1, None).unwrap();
        assert!(config(&back).former.is_empty(), "{back}");
        assert!(removed.contains("# the lead"));

        let owned = [Owned {
            short: "0b7c".into(),
            title: "Printer jams".into(),
        }];
        let busy = remove_person(TEAM, &c, "ana", &owned).unwrap_err();
        assert!(busy.message.contains("0b7c  Printer jams"), "{busy:?}");
        assert!(busy.hint.unwrap().contains("baton pass 0b7c NAME"));

        let named = TEAM.replace("to = \"top\"", "to = \"cora\"");
        let target = remove_person(&named, &config(&named), "cora", &[]).unwrap_err();
        assert!(target.message.contains("[escalation] to"), "{target:?}");

        let alone = "[[people]]\nname = \"ana\"\nlevel = 1\n";
        let last = remove_person(alone, &config(alone), "ana", &[]).unwrap_err();
        assert!(last.message.contains("whole team"), "{last:?}");
    }

    #[test]
    fn the_local_name_is_set_and_the_other_settings_kept() {
        let fresh = with_local_name("", "ben").unwrap();
        assert!(fresh.starts_with("# This copy"), "{fresh}");
        let t: toml::Table = toml::from_str(&fresh).unwrap();
        assert_eq!(t["name"].as_str(), Some("ben"));

        let kept = with_local_name("# mine\nname = \"ana\"\npager = \"less\"\n", "ben").unwrap();
        let t: toml::Table = toml::from_str(&kept).unwrap();
        assert_eq!(
            (t["name"].as_str(), t["pager"].as_str()),
            (Some("ben"), Some("less"))
        );
        assert!(kept.starts_with("# mine"), "{kept}");
        assert!(with_local_name("name = ", "ben").is_err());
    }

    #[test]
    fn renaming_keeps_the_entry_and_maps_the_old_name() {
        let named = TEAM.replace("to = \"top\"", "to = \"ben\"");
        let c = config(&named);
        let text = rename_person(&named, &c, "ben", "benji").unwrap();
        assert!(text.contains("name = \"benji\"   # the lead"), "{text}");
        let after = config(&text);
        let benji = after.person("benji").unwrap();
        assert_eq!(
            (benji.level, benji.email.as_deref()),
            (2, Some("ben@example.com"))
        );
        assert_eq!(after.names(), "ana, benji, cora", "the same place");
        assert_eq!(after.current_name("ben"), "benji");
        assert_eq!(after.escalation.to, Target::Person("benji".into()));
        assert_eq!(after.former_names("benji"), ["ben"]);

        // Again: the first old name follows; and back: the name is theirs.
        let twice = rename_person(&text, &after, "benji", "b").unwrap();
        let twice_c = config(&twice);
        assert_eq!(
            (twice_c.current_name("ben"), twice_c.current_name("benji")),
            ("b", "b")
        );
        let back = rename_person(&twice, &twice_c, "b", "ben").unwrap();
        let back_c = config(&back);
        assert_eq!(back_c.current_name("benji"), "ben");
        assert_eq!(back_c.renamed_to("ben"), None);
        assert_eq!(back_c.former_names("ben"), ["b", "benji"]);
    }

    #[test]
    fn the_tickets_under_any_old_name_of_the_new_one_move() {
        let c = config(TEAM);
        let once = rename_person(TEAM, &c, "ben", "benji").unwrap();
        let twice = rename_person(&once, &config(&once), "benji", "b").unwrap();
        let after = config(&twice);
        let moves: Vec<bool> = ["ben", "benji", "b", "ana", "zed"]
            .iter()
            .map(|o| moves_with_rename(&after, o, "b"))
            .collect();
        assert_eq!(moves, [true, true, false, false, false]);
        assert!(renamed_already(&after, "benji", "b") && renamed_already(&after, "ben", "b"));
        assert!(!renamed_already(&after, "ben", "benji") && !renamed_already(&c, "ben", "b"));
    }

    #[test]
    fn a_rename_that_would_mix_two_people_or_names_nobody_is_refused() {
        let c = config(TEAM);
        let cases = [
            ("bne", "x", "did you mean 'ben'?"),
            ("ben", "cora", "already on the team"),
            ("ben", "b n", "not a usable name"),
            ("ben", "baton", "reserved"),
            ("ben", "ben", "called ben already"),
        ];
        for (old, new, says) in cases {
            let e = rename_person(TEAM, &c, old, new).unwrap_err();
            let all = format!("{} {}", e.message, e.hint.unwrap_or_default());
            assert!(all.contains(says), "{old} → {new}: {all}");
        }
        let renamed = rename_person(TEAM, &c, "ana", "anna").unwrap();
        let rc = config(&renamed);
        let e = rename_person(&renamed, &rc, "ana", "x").unwrap_err();
        assert!(e.message.contains("was renamed to 'anna'"), "{e:?}");
        let e = rename_person(&renamed, &rc, "ben", "ana").unwrap_err();
        assert!(e.message.contains("anna's old name"), "{e:?}");
        let e = add_person(&renamed, &rc, "ana", 1, None).unwrap_err();
        assert!(e.message.contains("anna's old name"), "{e:?}");
        let e = edit_person(&renamed, &rc, "ana", &Edit::default()).unwrap_err();
        assert!(e.hint.unwrap().contains("anna"));
        let gone = remove_person(TEAM, &c, "ana", &[]).unwrap();
        let e = rename_person(&gone, &config(&gone), "ben", "ana").unwrap_err();
        assert!(e.message.contains("was on the team"), "{e:?}");
    }

    #[test]
    fn levels_outside_1_to_99_are_refused() {
        assert!(check_level(1).is_ok() && check_level(99).is_ok());
        assert!(check_level(0).is_err() && check_level(100).is_err());
    }
}
