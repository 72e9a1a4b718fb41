//! Saved views: command lines kept under a name in `[views]` (the team's in
//! `tickets/baton.toml`, the user's own in the user config, which wins),
//! such as `morning = "list --mine --overdue"`, run as `baton morning` or
//! spliced into a command as `baton list @morning --limit 5`.
//!
//! The expansion is textual and happens before the command line is parsed,
//! so a view takes every flag its command takes, and flags typed after it
//! add to or override (as clap reads a later flag) what it says.

use std::collections::BTreeMap;
use std::ffi::OsString;

use crate::error::Error;

/// A view: its words, and where it was read (for errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub words: Vec<String>,
    pub from: String,
}

/// Views by name.
pub type Views = BTreeMap<String, View>;

/// The commands that take no free text, where an `@name` can only be a view
/// (a typo, or another command's view, is refused). Elsewhere (`note 0b7c
/// @ben`) an `@name` that names no view of that command is text.
const NO_TEXT: [&str; 3] = ["list", "report", "escalate"];

/// The global flags that take a value (`--store DIR`), which is then no
/// command name.
const VALUED_GLOBALS: [&str; 3] = ["--store", "--as", "--color"];

/// Reads the `[views]` table of a settings file's text (`from` names the
/// file), into `views`; a name already there (the user's own) is kept.
pub fn read_into(views: &mut Views, text: &str, from: &str) -> Result<(), Error> {
    let bad = |what: String| {
        Error::new(format!("{from}: {what}"))
            .kind(crate::error::Kind::BadFile)
            .hint("write a view as NAME = \"list --mine --overdue\" under [views]")
    };
    let table: toml::Table = match toml::from_str(text) {
        Ok(table) => table,
        // A file that does not read is named by whatever reads it next; it
        // just has no views.
        Err(_) => return Ok(()),
    };
    let Some(section) = table.get("views") else {
        return Ok(());
    };
    let section = section
        .as_table()
        .ok_or_else(|| bad("views must be a table ([views])".into()))?;
    for (name, line) in section {
        let line = line
            .as_str()
            .ok_or_else(|| bad(format!("view '{name}' must be a command line in quotes")))?;
        let words = shell_words::split(line).map_err(|e| {
            bad(format!(
                "view '{name}' = \"{line}\" does not split into words: {e}"
            ))
        })?;
        if words.is_empty() {
            return Err(bad(format!("view '{name}' is empty")));
        }
        views.entry(name.clone()).or_insert(View {
            words,
            from: from.to_string(),
        });
    }
    Ok(())
}

/// Whether `args` (the whole command line) may use a view: its command is
/// not one of `commands`, or an argument starts with `@`. Otherwise no
/// settings need to be read.
pub fn may_use(args: &[OsString], commands: &[String]) -> bool {
    match command_at(args) {
        None => false,
        Some(i) => {
            let word = args[i].to_string_lossy();
            !commands.iter().any(|c| *c == word) || args[i + 1..].iter().any(is_ref)
        }
    }
}

/// `args` with the views they name spliced in: `baton NAME REST` becomes
/// `baton VIEW… REST` when NAME is no command, and `baton CMD … @NAME …`
/// has `@NAME` replaced by the view's words after its command, which must
/// be CMD. Words after a `--` are never touched.
pub fn expand(
    args: &[OsString],
    views: &Views,
    commands: &[String],
) -> Result<Vec<OsString>, Error> {
    let Some(at) = command_at(args) else {
        return Ok(args.to_vec());
    };
    let mut out: Vec<OsString> = args[..at].to_vec();
    let first = args[at].to_string_lossy().into_owned();
    let (command, rest) = if commands.contains(&first) {
        out.push(args[at].clone());
        (first, &args[at + 1..])
    } else if let Some(view) = views.get(&first) {
        out.extend(view.words.iter().map(OsString::from));
        (view.words[0].clone(), &args[at + 1..])
    } else {
        // Not a view either: clap says what is wrong with it.
        return Ok(args.to_vec());
    };
    let mut raw = false;
    for arg in rest {
        raw |= arg == "--";
        match arg.to_str().and_then(|a| a.strip_prefix('@')) {
            Some(name)
                if !raw
                    && is_ref(arg)
                    && (views.get(name).is_some_and(|v| v.words[0] == command)
                        || NO_TEXT.contains(&command.as_str())) =>
            {
                let view = views.get(name).ok_or_else(|| unknown(name, views))?;
                if view.words[0] != command {
                    return Err(Error::usage(format!(
                        "@{name} is a '{}' view ({}), not one for '{command}'",
                        view.words[0], view.from
                    ))
                    .hint(format!("run it as: baton {name}")));
                }
                out.extend(view.words[1..].iter().map(OsString::from));
            }
            _ => out.push(arg.clone()),
        }
    }
    Ok(out)
}

/// Where the command word is: the first word after the global flags.
fn command_at(args: &[OsString]) -> Option<usize> {
    let mut i = 1;
    while i < args.len() {
        let word = args[i].to_string_lossy();
        if word == "--" {
            return None;
        }
        if VALUED_GLOBALS.contains(&word.as_ref()) {
            i += 2;
            continue;
        }
        if !word.starts_with('-') {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// `@name`, where a name is letters, digits, `-` and `_`: what a view
/// reference looks like (an e-mail address or `@` alone is no reference).
fn is_ref(arg: &OsString) -> bool {
    arg.to_str()
        .and_then(|a| a.strip_prefix('@'))
        .is_some_and(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        })
}

fn unknown(name: &str, views: &Views) -> Error {
    let known = if views.is_empty() {
        "there are no views".to_string()
    } else {
        format!(
            "the views: {}",
            views.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    };
    let near = views
        .keys()
        .find(|k| strsim::osa_distance(k, name) <= 2)
        .map(|k| format!("did you mean @{k}? "))
        .unwrap_or_default();
    Error::usage(format!("there is no view '@{name}' ({known})")).hint(format!(
        "{near}add one under [views] in the user config or tickets/baton.toml, such as {name} = \"list --mine --overdue\""
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        std::iter::once("baton")
            .chain(words.iter().copied())
            .map(OsString::from)
            .collect()
    }

    fn commands() -> Vec<String> {
        ["list", "report", "show", "reply", "escalate"]
            .map(String::from)
            .to_vec()
    }

    fn views() -> Views {
        let mut v = Views::new();
        read_into(
            &mut v,
            "name = \"ana\"\n[views]\nmorning = \"list --mine --overdue\"\nmonth = \"report --month last\"\n",
            "user config",
        )
        .unwrap();
        read_into(
            &mut v,
            "[views]\nmorning = \"list --all\"\nurgent = \"list --priority urgent\"\n",
            "tickets/baton.toml",
        )
        .unwrap();
        v
    }

    fn expanded(words: &[&str]) -> Result<Vec<String>, Error> {
        expand(&args(words), &views(), &commands()).map(|a| {
            a.iter()
                .skip(1)
                .map(|w| w.to_string_lossy().into_owned())
                .collect()
        })
    }

    #[test]
    fn the_users_view_wins_over_the_teams() {
        let v = views();
        assert_eq!(v["morning"].words, ["list", "--mine", "--overdue"]);
        assert_eq!(v["morning"].from, "user config");
        assert_eq!(v["urgent"].from, "tickets/baton.toml");
    }

    #[test]
    fn a_view_runs_by_name_with_the_flags_after_it() {
        assert_eq!(
            expanded(&["--as", "ben", "morning", "--limit", "5"]).unwrap(),
            ["--as", "ben", "list", "--mine", "--overdue", "--limit", "5"]
        );
        assert_eq!(
            expanded(&["month", "--json"]).unwrap(),
            ["report", "--month", "last", "--json"]
        );
    }

    #[test]
    fn at_name_splices_a_view_into_its_own_command() {
        assert_eq!(
            expanded(&["list", "@urgent", "--reverse"]).unwrap(),
            ["list", "--priority", "urgent", "--reverse"]
        );
        let other = expanded(&["list", "@month"]).unwrap_err();
        assert!(other.message.contains("'report' view"), "{other:?}");
        assert_eq!(other.hint.as_deref(), Some("run it as: baton month"));
        let typo = expanded(&["list", "@mornin"]).unwrap_err();
        assert!(typo.message.contains("no view '@mornin'"), "{typo:?}");
        assert!(typo.hint.unwrap().starts_with("did you mean @morning?"));
    }

    #[test]
    fn text_that_only_looks_like_a_view_is_left_alone() {
        for words in [
            &["reply", "0b7c", "@ben", "thanks"][..],
            &["reply", "0b7c", "--", "@urgent"],
            &["list", "--customer", "@"],
            &["show", "ana@example.com"],
            &["reply", "0b7c", "@urgent"],
        ] {
            assert_eq!(expanded(words).unwrap(), words, "{words:?}");
        }
        assert_eq!(
            expanded(&["nosuch", "x"]).unwrap(),
            ["nosuch", "x"],
            "clap names an unknown command"
        );
        assert_eq!(
            expanded(&["--store", "morning", "list"]).unwrap(),
            ["--store", "morning", "list"],
            "a flag's value is no command"
        );
    }

    #[test]
    fn only_a_command_line_that_may_name_a_view_reads_settings() {
        let c = commands();
        assert!(!may_use(&args(&["list", "--mine"]), &c));
        assert!(!may_use(&args(&[]), &c));
        assert!(may_use(&args(&["morning"]), &c));
        assert!(may_use(&args(&["list", "@urgent"]), &c));
    }

    #[test]
    fn a_view_that_is_no_command_line_is_an_error_naming_the_file() {
        let mut v = Views::new();
        let err = read_into(&mut v, "[views]\nx = 3\n", "tickets/baton.toml").unwrap_err();
        assert!(
            err.message.starts_with("tickets/baton.toml: view 'x'"),
            "{err:?}"
        );
        let err = read_into(&mut v, "[views]\nx = \"\"\n", "u").unwrap_err();
        assert!(err.message.contains("empty"), "{err:?}");
        let err = read_into(&mut v, "[views]\nx = \"list 'open\"\n", "u").unwrap_err();
        assert!(err.message.contains("does not split"), "{err:?}");
    }
}
