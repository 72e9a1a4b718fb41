//! The keys the team config (`tickets/baton.toml`) knows, so that a typo
//! (`clok = "business"` under `[escalation]`) is a warning naming its line
//! and the key meant, not a setting silently ignored. Sections whose keys
//! are the team's own names (`[calendar]` weekdays, `[sla.TIER]`, `[views]`,
//! `[checklist.TAG]`) are not checked key by key.

/// A key the config does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    /// Dotted: `escalation.clok`, or `clok` at the top.
    pub key: String,
    /// Its line (1-based), when it can be found in the text.
    pub line: Option<usize>,
    /// The known key it is closest to, when it looks like a typo of one.
    pub near: Option<&'static str>,
}

/// Each section and its keys; `None`: any key (the team's own names).
const KNOWN: &[(&str, Option<&[&str]>)] = &[
    ("people", Some(&["name", "email", "level"])),
    ("former", None),
    ("renamed", None),
    (
        "escalation",
        Some(&["after", "to", "pause_when_waiting", "clock"]),
    ),
    ("calendar", None),
    ("sla", None),
    ("customers", Some(&["match", "tier"])),
    ("git", Some(&["commit"])),
    ("intake", Some(&["owner", "address", "max_attachment"])),
    (
        "templates",
        Some(&[
            "ack_subject",
            "ack",
            "status_subject",
            "status",
            "delay_subject",
            "delay",
            "survey_subject",
            "survey",
        ]),
    ),
    ("hooks", Some(&["timeout"])),
    ("store", Some(&["lock_timeout"])),
    (
        "mail",
        Some(&[
            "send",
            "starttls",
            "password",
            "password_env",
            "password_command",
            "quote",
            "give_up_after",
            "timeout",
        ]),
    ),
    ("survey", Some(&["after", "every"])),
    ("views", None),
    ("checklist", None),
    // Written by the merge driver for a person to settle.
    ("conflict", None),
];

/// The keys of `text` the config does not know, in the order of the file.
/// Text that is no TOML has none here: reading it fails with its own error.
pub fn unknown(text: &str) -> Vec<UnknownKey> {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return Vec::new();
    };
    let sections: Vec<&str> = KNOWN.iter().map(|(s, _)| *s).collect();
    let mut found = Vec::new();
    for (name, value) in &table {
        let Some((_, keys)) = KNOWN.iter().find(|(s, _)| s == name) else {
            found.push(UnknownKey {
                key: name.clone(),
                line: line_of(text, None, name),
                near: closest(name, &sections),
            });
            continue;
        };
        let Some(keys) = keys else { continue };
        let tables: Vec<&toml::Table> = match value {
            toml::Value::Table(t) => vec![t],
            toml::Value::Array(items) => items.iter().filter_map(toml::Value::as_table).collect(),
            _ => Vec::new(),
        };
        for t in tables {
            for key in t.keys().filter(|k| !keys.contains(&k.as_str())) {
                found.push(UnknownKey {
                    key: format!("{name}.{key}"),
                    line: line_of(text, Some(name), key),
                    near: closest(key, keys),
                });
            }
        }
    }
    found.sort_by_key(|u| u.line.unwrap_or(usize::MAX));
    found
}

/// The known name `typed` is one or two slips away from.
fn closest(typed: &str, names: &[&'static str]) -> Option<&'static str> {
    let allowed = if typed.chars().count() <= 4 { 1 } else { 2 };
    names
        .iter()
        .map(|n| (strsim::osa_distance(typed, n), *n))
        .filter(|(d, _)| *d <= allowed)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// The line where `key` is set: under the header of `section` (`[name]` or
/// `[[name]]`), or before any header for a top-level key; a table that is
/// itself unknown is found by its header.
fn line_of(text: &str, section: Option<&str>, key: &str) -> Option<usize> {
    let mut current: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(header) = t.strip_prefix('[') {
            let name = header
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("");
            let name = name.trim().to_string();
            if section.is_none() && name.split('.').next() == Some(key) {
                return Some(i + 1);
            }
            current = Some(name);
            continue;
        }
        let here = match (&current, section) {
            (None, None) => true,
            (Some(c), Some(s)) => c == s,
            _ => false,
        };
        let sets = t
            .split_once('=')
            .is_some_and(|(k, _)| k.trim().trim_matches('"') == key);
        if here && sets {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: &str = "[[people]]\nname = \"ana\"\nlevel = 1\n\n[escalation]\nafter = \"20h\"\nclok = \"business\"\n\n[intake]\nowner = \"ana\"\n\n[calendar]\nmon-fri = \"09:00-18:00\"\n\n[views]\nmorning = \"list --mine\"\n";

    #[test]
    fn a_typo_is_named_with_its_line_and_the_key_meant() {
        assert_eq!(
            unknown(TEAM),
            [UnknownKey {
                key: "escalation.clok".into(),
                line: Some(7),
                near: Some("clock"),
            }]
        );
    }

    #[test]
    fn unknown_sections_and_keys_of_people_are_found_too() {
        let text = "[[people]]\nname = \"ana\"\nlevel = 1\nemial = \"a@x\"\n\n[escalaton]\nafter = \"2h\"\n";
        let found = unknown(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            (found[0].key.as_str(), found[0].line, found[0].near),
            ("people.emial", Some(4), Some("email"))
        );
        assert_eq!(
            (found[1].key.as_str(), found[1].line, found[1].near),
            ("escalaton", Some(6), Some("escalation"))
        );
    }

    #[test]
    fn the_teams_own_names_and_a_clean_config_pass() {
        let clean = TEAM.replace("clok = \"business\"\n", "");
        assert_eq!(unknown(&clean), []);
        assert_eq!(unknown("not = [toml"), []);
        let far = unknown("[[people]]\nname = \"a\"\nlevel = 1\n[git]\nsomething_else = true\n");
        assert_eq!(far[0].near, None);
    }
}
