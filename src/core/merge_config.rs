//! The three-way merge of the team config (`tickets/baton.toml`), as git's
//! merge driver does it: `[[people]]` merged person by person (by name), every
//! other table key by key against the common ancestor, comments and layout
//! kept from our side. A person one side renamed (a new `[renamed]` key, see
//! `people rename`) is the same person on the other side under the old name:
//! that side's entry is read under the new name first, so an edit made there
//! lands on the renamed entry instead of bringing the old name back.
//!
//! A real conflict (both sides changed one key to different values) does not
//! stop the team: the greater value (by its TOML text, so either side gives
//! the same choice) goes in the key, and both values are written to a
//! `[[conflict]]` entry at the end of the file, which `baton doctor` names
//! until a person settles it and deletes the entry.

use std::collections::BTreeSet;

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

/// The key of the entries that record a conflict in the team config.
pub const CONFLICT_KEY: &str = "conflict";

/// One key both sides changed differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// Where: a dotted path such as `escalation.after` or `people.ben.level`.
    pub key: String,
    /// The value the merge kept (TOML text; empty when the key is gone).
    pub kept: String,
    /// The value of the other side.
    pub other: String,
}

/// The merged config text and the conflicts it records.
#[derive(Debug)]
pub struct Merged {
    pub text: String,
    pub conflicts: Vec<Conflict>,
}

/// Merges two versions of the team config that share `base` (`None` or an
/// unreadable base: no common version). `Err` when a side is not TOML.
pub fn merge(base: Option<&str>, ours: &str, theirs: &str) -> Result<Merged, String> {
    let parse = |text: &str, side: &str| {
        text.parse::<DocumentMut>()
            .map_err(|e| format!("{side} version is not TOML: {}", e.message()))
    };
    let mut doc = parse(ours, "our")?;
    let mut theirs = parse(theirs, "their")?;
    let mut base = base
        .and_then(|b| b.parse::<DocumentMut>().ok())
        .unwrap_or_default();
    let (ours_renamed, theirs_renamed) = (renames(&base, &doc), renames(&base, &theirs));
    for (old, new) in &ours_renamed {
        follow_rename(&mut theirs, old, new);
        follow_rename(&mut base, old, new);
    }
    for (old, new) in &theirs_renamed {
        follow_rename(&mut doc, old, new);
        follow_rename(&mut base, old, new);
    }
    let mut conflicts = Vec::new();
    merge_table(
        base.as_table(),
        doc.as_table_mut(),
        theirs.as_table(),
        "",
        &mut conflicts,
    );
    if !conflicts.is_empty() {
        let list = match doc.get_mut(CONFLICT_KEY) {
            Some(Item::ArrayOfTables(list)) => list,
            _ => {
                doc.insert(CONFLICT_KEY, Item::ArrayOfTables(ArrayOfTables::new()));
                doc[CONFLICT_KEY]
                    .as_array_of_tables_mut()
                    .expect("just set")
            }
        };
        for c in &conflicts {
            let mut entry = Table::new();
            entry.insert("key", toml_edit::value(&c.key));
            entry.insert("kept", toml_edit::value(&c.kept));
            entry.insert("other", toml_edit::value(&c.other));
            if !list.iter().any(|e| same(e, &entry)) {
                list.push(entry);
            }
        }
        if let Some(first) = list.iter_mut().next() {
            first.decor_mut().set_prefix(
                "\n# baton merge-driver: both sides changed these keys. Choose the value\n\
                 # you want for each, then delete its [[conflict]] entry.\n",
            );
        }
    }
    Ok(Merged {
        text: doc.to_string(),
        conflicts,
    })
}

/// The renames a side made since the base: its `[renamed]` keys (old name →
/// new) that are new or point elsewhere.
fn renames(base: &DocumentMut, side: &DocumentMut) -> Vec<(String, String)> {
    let table = |doc: &DocumentMut| -> Vec<(String, String)> {
        doc.get(crate::core::config::RENAMED_KEY)
            .and_then(Item::as_table_like)
            .map(|t| {
                t.iter()
                    .filter_map(|(k, v)| Some((k.to_string(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let before = table(base);
    table(side)
        .into_iter()
        .filter(|r| !before.contains(r))
        .collect()
}

/// Reads a side's `[[people]]` entry named `old` as `new`, when it has one
/// under the old name and none under the new.
fn follow_rename(doc: &mut DocumentMut, old: &str, new: &str) {
    let Some(people) = doc.get_mut("people").and_then(Item::as_array_of_tables_mut) else {
        return;
    };
    if people.iter().any(|t| name(t) == Some(new)) {
        return;
    }
    if let Some(entry) = people.iter_mut().find(|t| name(t) == Some(old))
        && let Some(value) = entry.get_mut("name").and_then(Item::as_value_mut)
    {
        let decor = value.decor().clone();
        *value = new.into();
        *value.decor_mut() = decor;
    }
}

/// The conflicts a config's text records (for `doctor`).
pub fn recorded(text: &str) -> Vec<Conflict> {
    let Ok(doc) = text.parse::<DocumentMut>() else {
        return Vec::new();
    };
    let Some(list) = doc.get(CONFLICT_KEY).and_then(Item::as_array_of_tables) else {
        return Vec::new();
    };
    let field = |t: &Table, k: &str| t.get(k).and_then(Item::as_str).unwrap_or("").to_string();
    list.iter()
        .map(|t| Conflict {
            key: field(t, "key"),
            kept: field(t, "kept"),
            other: field(t, "other"),
        })
        .collect()
}

/// An item's value as canonical TOML text, without comments or layout: what
/// decides whether two sides hold the same thing.
fn canonical(item: Option<&Item>) -> Option<String> {
    let item = item?;
    let mut doc = DocumentMut::new();
    doc.insert("v", item.clone());
    let value: toml::Table = toml::from_str(&doc.to_string()).ok()?;
    Some(toml::to_string(&value).unwrap_or_default())
}

fn same(a: &Table, b: &Table) -> bool {
    canonical(Some(&Item::Table(a.clone()))) == canonical(Some(&Item::Table(b.clone())))
}

/// A value as it reads in a conflict entry.
fn shown(item: Option<&Item>) -> String {
    match item.and_then(Item::as_value) {
        Some(v) => {
            let mut v = v.clone();
            v.decor_mut().clear();
            v.to_string()
        }
        None => canonical(item).unwrap_or_default().trim().to_string(),
    }
}

fn path(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Merges `theirs` into `ours` key by key against `base`.
fn merge_table(base: &Table, ours: &mut Table, theirs: &Table, at: &str, out: &mut Vec<Conflict>) {
    let mut keys: Vec<String> = ours.iter().map(|(k, _)| k.to_string()).collect();
    for (k, _) in theirs.iter().chain(base.iter()) {
        if !keys.iter().any(|x| x == k) {
            keys.push(k.to_string());
        }
    }
    for key in keys {
        if at.is_empty() && key == CONFLICT_KEY {
            // Entries settle like any list, but never conflict themselves.
            merge_conflict_lists(ours, theirs);
            continue;
        }
        let (b, o, t) = (base.get(&key), ours.get(&key).cloned(), theirs.get(&key));
        let (cb, co, ct) = (canonical(b), canonical(o.as_ref()), canonical(t));
        if co == ct || cb == ct {
            continue;
        }
        if cb == co {
            match t {
                Some(t) => {
                    ours.insert(&key, t.clone());
                }
                None => {
                    ours.remove(&key);
                }
            }
            continue;
        }
        let here = path(at, &key);
        if at.is_empty()
            && key == "people"
            && let (Some(Item::ArrayOfTables(o)), Some(Item::ArrayOfTables(t))) =
                (ours.get_mut(&key), t)
        {
            let empty = ArrayOfTables::new();
            let b = b.and_then(Item::as_array_of_tables).unwrap_or(&empty);
            merge_people(b, o, t, out);
            continue;
        }
        if let (Some(Item::Table(o)), Some(Item::Table(t))) = (ours.get_mut(&key), t) {
            let empty = Table::new();
            let b = b.and_then(Item::as_table).unwrap_or(&empty);
            merge_table(b, o, t, &here, out);
            continue;
        }
        // Both changed the key differently: the greater text wins, from
        // either side, and both values are recorded.
        let theirs_win = ct > co;
        let (kept, other) = if theirs_win {
            (t, o.as_ref())
        } else {
            (o.as_ref(), t)
        };
        out.push(Conflict {
            key: here,
            kept: shown(kept),
            other: shown(other),
        });
        if theirs_win {
            match t {
                Some(t) => {
                    ours.insert(&key, t.clone());
                }
                None => {
                    ours.remove(&key);
                }
            }
        }
    }
}

/// `[[conflict]]` entries of both sides, each once.
fn merge_conflict_lists(ours: &mut Table, theirs: &Table) {
    let Some(Item::ArrayOfTables(t)) = theirs.get(CONFLICT_KEY) else {
        return;
    };
    let t = t.clone();
    match ours.get_mut(CONFLICT_KEY) {
        Some(Item::ArrayOfTables(o)) => {
            for entry in t.iter() {
                if !o.iter().any(|e| same(e, entry)) {
                    o.push(entry.clone());
                }
            }
        }
        _ => {
            ours.insert(CONFLICT_KEY, Item::ArrayOfTables(t));
        }
    }
}

/// A person's name in a `[[people]]` entry.
fn name(t: &Table) -> Option<&str> {
    t.get("name").and_then(Item::as_str)
}

/// `[[people]]` merged by name: ours in our order, then theirs' new people in
/// their order; each person merged key by key. A person one side removed and
/// the other left alone is gone; one the other side changed stays, as a
/// conflict.
fn merge_people(
    base: &ArrayOfTables,
    ours: &mut ArrayOfTables,
    theirs: &ArrayOfTables,
    out: &mut Vec<Conflict>,
) {
    let find = |list: &ArrayOfTables, n: &str| list.iter().find(|t| name(t) == Some(n)).cloned();
    let names: BTreeSet<String> = ours
        .iter()
        .chain(theirs.iter())
        .filter_map(name)
        .map(str::to_string)
        .collect();
    let mut merged = ArrayOfTables::new();
    let mut order: Vec<String> = Vec::new();
    for t in ours.iter().chain(theirs.iter()) {
        if let Some(n) = name(t)
            && !order.iter().any(|x| x == n)
        {
            order.push(n.to_string());
        }
    }
    debug_assert_eq!(order.len(), names.len());
    // Entries without a name are not people the merge can match: ours stay.
    let nameless: Vec<Table> = ours.iter().filter(|t| name(t).is_none()).cloned().collect();
    for n in order {
        let (b, o, t) = (find(base, &n), find(ours, &n), find(theirs, &n));
        let here = format!("people.{n}");
        let as_item = |t: &Option<Table>| t.clone().map(Item::Table);
        let (cb, co, ct) = (
            canonical(as_item(&b).as_ref()),
            canonical(as_item(&o).as_ref()),
            canonical(as_item(&t).as_ref()),
        );
        let person = match (o, t) {
            (Some(mut o), Some(t)) => {
                let b = b.unwrap_or_default();
                merge_table(&b, &mut o, &t, &here, out);
                Some(o)
            }
            (Some(_), None) if cb.is_some() && cb == co => None,
            (None, Some(_)) if cb.is_some() && cb == ct => None,
            (Some(kept), None) | (None, Some(kept)) => {
                if cb.is_some() {
                    out.push(Conflict {
                        key: here,
                        kept: "kept".into(),
                        other: "removed".into(),
                    });
                }
                Some(kept)
            }
            (None, None) => None,
        };
        merged.extend(person);
    }
    for t in nameless {
        merged.push(t);
    }
    *ours = merged;
}

/// git's conflict markers, which a merge without the driver leaves.
pub mod markers {
    /// The line (1-based) of the first conflict marker in `text`.
    pub fn first(text: &str) -> Option<usize> {
        text.lines()
            .position(|l| l.starts_with("<<<<<<< ") || l == "<<<<<<<")
            .map(|i| i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "# the team\n[[people]]\nname = \"ana\"\nlevel = 1\n\n\
                        [escalation]\nafter = \"20h\"  # unsolved this long\nto = \"top\"\n";

    fn both_ways(base: &str, a: &str, b: &str) -> Merged {
        let one = merge(Some(base), a, b).unwrap();
        let two = merge(Some(base), b, a).unwrap();
        let values = |t: &str| toml::from_str::<toml::Table>(t).unwrap();
        assert_eq!(
            values(&one.text),
            values(&two.text),
            "the same from either side"
        );
        one
    }

    #[test]
    fn people_added_on_both_sides_are_all_kept() {
        let a = format!("{BASE}\n[[people]]\nname = \"ben\"\nlevel = 2\n");
        let b = BASE.replace(
            "level = 1\n",
            "level = 1\n\n[[people]]\nname = \"cora\"\nlevel = 3\n",
        );
        let m = both_ways(BASE, &a, &b);
        assert!(m.conflicts.is_empty());
        let c = crate::core::config::Config::parse(&m.text).unwrap();
        let names: Vec<_> = c.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names.len(), 3, "{}", m.text);
        assert!(names.contains(&"ben") && names.contains(&"cora"));
        assert!(m.text.contains("# unsolved this long"), "comments kept");
    }

    #[test]
    fn different_keys_of_one_table_are_both_taken() {
        let a = BASE.replace("after = \"20h\"", "after = \"10h\"");
        let b = BASE.replace("to = \"top\"", "to = \"next\"");
        let m = both_ways(BASE, &a, &b);
        let c = crate::core::config::Config::parse(&m.text).unwrap();
        assert!(m.conflicts.is_empty());
        assert!(m.text.contains("after = \"10h\"") && m.text.contains("to = \"next\""));
        assert_eq!(c.people.len(), 1);
    }

    #[test]
    fn a_real_conflict_keeps_both_values_visibly_and_still_reads() {
        let a = BASE.replace("after = \"20h\"", "after = \"10h\"");
        let b = BASE.replace("after = \"20h\"", "after = \"30h\"");
        let m = both_ways(BASE, &a, &b);
        let expected = Conflict {
            key: "escalation.after".into(),
            kept: "\"30h\"".into(),
            other: "\"10h\"".into(),
        };
        assert_eq!(m.conflicts, std::slice::from_ref(&expected));
        assert_eq!(recorded(&m.text), [expected]);
        assert!(
            crate::core::config::Config::parse(&m.text).is_ok(),
            "{}",
            m.text
        );
        // Merging the result with itself changes nothing.
        let again = merge(Some(&m.text), &m.text, &m.text).unwrap();
        assert_eq!(again.text, m.text);
    }

    #[test]
    fn one_person_changed_on_both_sides_merges_key_by_key() {
        let a = BASE.replace("level = 1\n", "level = 2\n");
        let b = BASE.replace("level = 1\n", "level = 1\nemail = \"ana@example.com\"\n");
        let m = both_ways(BASE, &a, &b);
        assert!(m.conflicts.is_empty());
        assert!(m.text.contains("level = 2") && m.text.contains("ana@example.com"));
    }

    #[test]
    fn a_person_removed_on_one_side_is_gone_unless_the_other_changed_them() {
        let two = format!("{BASE}\n[[people]]\nname = \"ben\"\nlevel = 2\n");
        let removed = two.replace("\n[[people]]\nname = \"ben\"\nlevel = 2\n", "");
        let m = both_ways(&two, &removed, &two);
        assert!(!m.text.contains("ben"));
        let changed = two.replace("level = 2", "level = 3");
        let m = both_ways(&two, &removed, &changed);
        assert!(m.text.contains("name = \"ben\"") && m.conflicts.len() == 1);
    }

    #[test]
    fn an_edit_of_a_person_the_other_side_renamed_lands_under_the_new_name() {
        let renamed =
            BASE.replace("name = \"ana\"", "name = \"anna\"") + "\n[renamed]\nana = \"anna\"\n";
        let edited = BASE.replace("level = 1\n", "level = 2\n");
        let m = both_ways(BASE, &renamed, &edited);
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        let c = crate::core::config::Config::parse(&m.text).unwrap();
        let names: Vec<_> = c
            .people
            .iter()
            .map(|p| (p.name.as_str(), p.level))
            .collect();
        assert_eq!(names, [("anna", 2)], "{}", m.text);
        assert_eq!(c.current_name("ana"), "anna");

        // Two renames of two people merge as any two keys do.
        let two = format!("{BASE}\n[[people]]\nname = \"ben\"\nlevel = 2\n");
        let a = two.replace("name = \"ana\"", "name = \"anna\"") + "\n[renamed]\nana = \"anna\"\n";
        let b =
            two.replace("name = \"ben\"", "name = \"benji\"") + "\n[renamed]\nben = \"benji\"\n";
        let m = both_ways(&two, &a, &b);
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        let c = crate::core::config::Config::parse(&m.text).unwrap();
        assert_eq!(c.names(), "anna, benji");
        assert_eq!(
            (c.current_name("ana"), c.current_name("ben")),
            ("anna", "benji")
        );
    }

    #[test]
    fn a_side_that_is_not_toml_is_refused() {
        assert!(merge(Some(BASE), "<<<<<<< ours\n", BASE).is_err());
    }
}
