//! What a command did, in the one sentence it prints: `took 0b7c from ana: …`,
//! `0b7c is now resolved`, `added ben at level 2`. Ticket text in a sentence is
//! made safe for the terminal here; ids, statuses and names checked against
//! the team are shown as they are.

use chrono::Duration;

use super::text::{clean_line, span};
use crate::core::ticket::Status;
use crate::store::CONFIG_FILE;

/// `take`: the ticket is yours now.
pub fn took(short: &str, previous: &str, title: &str) -> String {
    format!(
        "took {short} from {}: {}",
        clean_line(previous),
        clean_line(title)
    )
}

/// `take` of a ticket that already was yours.
pub fn already_yours(short: &str) -> String {
    format!("{short} is already yours")
}

/// `pass`: someone else owns it now.
pub fn passed(short: &str, to: &str) -> String {
    format!("passed {short} to {to}")
}

/// `wait`, `resolve`, `reopen`, `close`.
pub fn status_now(short: &str, to: Status) -> String {
    format!("{short} is now {to}")
}

/// `wait --until`: `0b7c is now waiting until 2026-11-03 09:00 (in 25h)`.
pub fn waiting_until(
    short: &str,
    until: chrono::DateTime<chrono::Utc>,
    zone: crate::ctx::LocalZone,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    format!(
        "{short} is now {}",
        super::text::waiting_until(until, zone, now)
    )
}

/// A status change to the status the ticket already had.
pub fn status_already(short: &str, to: Status) -> String {
    format!("{short} is already {to}")
}

/// `close` of someone else's ticket, declined at the question.
pub fn not_closed(short: &str) -> String {
    format!("cancelled: {short} was not closed")
}

/// `edit`: the fields that changed.
pub fn edited(short: &str, fields: &[&str]) -> String {
    format!("changed {} of {short}", fields.join(", "))
}

/// `edit` that asked for what the ticket already is.
pub fn edit_unchanged(short: &str) -> String {
    format!("{short} already is as asked; nothing changed")
}

/// `reply`.
pub fn replied(short: &str) -> String {
    format!("replied on {short}")
}

/// `promise`: when the customer will hear, in the reader's time.
pub fn promised(
    short: &str,
    due: chrono::DateTime<chrono::Utc>,
    zone: crate::ctx::LocalZone,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    format!(
        "promised an answer on {short} by {} (in {})",
        super::text::local(due, zone),
        span(due - now)
    )
}

/// `note`.
pub fn noted(short: &str) -> String {
    format!("noted on {short}")
}

/// `rate`.
pub fn rated(short: &str, score: u8) -> String {
    format!("rated {short} {score}/5")
}

/// `log`: the time recorded, as it was rounded.
pub fn logged(short: &str, minutes: u32) -> String {
    format!(
        "logged {} on {short}",
        span(Duration::minutes(minutes.into()))
    )
}

/// `new`, on stderr: the ticket made and who owns it.
pub fn created(short: &str, owner: &str) -> String {
    format!("created {short}, owned by {owner}")
}

/// `new` after the questions: what usually comes next.
pub fn next_after_new(short: &str) -> String {
    format!("next: 'baton pass {short}' hands it on; 'baton resolve {short}' when it is solved")
}

/// `people add`; `top` when the person is now the top of a team of several.
pub fn person_added(name: &str, level: u32, top: bool) -> String {
    let role = if top { " (the top of the pyramid)" } else { "" };
    format!("added {name} at level {level}{role}")
}

/// `people edit`: the person as they are now.
pub fn person_edited(name: &str, level: u32, email: Option<&str>, top: bool) -> String {
    let role = if top { " (the top of the pyramid)" } else { "" };
    let email = email.map_or_else(|| ", no e-mail".to_string(), |e| format!(", {e}"));
    format!("{name} is now at level {level}{role}{email}")
}

/// `people rename`: the new name, and the tickets that moved with it.
pub fn person_renamed(old: &str, new: &str, again: bool, moved: &[&str]) -> String {
    let head = if again {
        format!("{old} was renamed to {new} already")
    } else {
        format!("renamed {old} to {new} (the history keeps {old}, counted as {new})")
    };
    match moved {
        [] if again => format!("{head}; no ticket is left under {old}"),
        [] => head,
        _ => format!(
            "{head}; {} ticket(s) move to {new}: {}",
            moved.len(),
            moved.join(", ")
        ),
    }
}

/// `people remove`.
pub fn person_removed(name: &str) -> String {
    format!("removed {name} from the team (their history stays in the tickets)")
}

/// `whoami`: the person and where baton read who is acting; `given` is the
/// name read there when it is an old one, renamed since.
pub fn whoami(
    person: &crate::core::config::Person,
    top: bool,
    source: &crate::ctx::Source,
    given: Option<&str>,
) -> String {
    let role = if top { ", the top of the pyramid" } else { "" };
    let email = person
        .email
        .as_deref()
        .map(|e| format!(", {e}"))
        .unwrap_or_default();
    match given {
        Some(old) => format!(
            "{old} (renamed to {}; level {}{role}{email})\nfrom {source}",
            person.name, person.level
        ),
        None => format!(
            "{} (level {}{role}{email})\nfrom {source}",
            person.name, person.level
        ),
    }
}

/// `init --name` in a store that exists: who this clone now acts as.
pub fn clone_name_set(name: &str, path: &str) -> String {
    format!("you are {name} in this clone from now on (name in {path})")
}

/// `man DIR`: how many pages, where, and how to read them.
pub fn pages_written(count: usize, dir: &std::path::Path) -> String {
    format!(
        "wrote {count} manual pages to {}\nread them with: man {}/baton.1   (or add the folder's parent to MANPATH)",
        dir.display(),
        dir.display()
    )
}

/// What `init` did about git.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitSetup {
    /// The `.gitattributes` line added, if it was not there.
    pub attributes: Option<String>,
    /// The merge driver was registered just now.
    pub registered: bool,
    /// The merge driver is registered, now or before.
    pub driver: bool,
}

impl GitSetup {
    /// What changed, for a person; `None` when everything was already set up.
    fn describe(&self) -> Option<String> {
        match (&self.attributes, self.registered) {
            (Some(line), true) => Some(format!(
                "added '{line}' to .gitattributes and registered the git merge driver"
            )),
            (Some(line), false) => Some(format!("added '{line}' to .gitattributes")),
            (None, true) => Some("registered the git merge driver".to_string()),
            (None, false) => None,
        }
    }
}

/// `init` where a store already is: what it set up for git in this clone,
/// if anything; `git` is `None` outside a git work tree.
pub fn store_exists(shown: &str, git: Option<&GitSetup>) -> String {
    match git.map(GitSetup::describe) {
        None => format!("{shown} is already a baton store; nothing changed"),
        Some(Some(done)) => format!("{shown} is already a baton store; {done}"),
        Some(None) => format!("{shown} is already a baton store, set up for git; nothing changed"),
    }
}

/// `init` of a new store for `name`, and what comes next.
pub fn store_created(shown: &str, name: &str, git: Option<&GitSetup>) -> String {
    let git_line = git
        .and_then(GitSetup::describe)
        .map(|done| format!("{done}\n"))
        .unwrap_or_default();
    format!(
        "created {shown}/ with {CONFIG_FILE} for a team of one: {name}\n\
         {git_line}\
         next: baton new \"First ticket\"   (and 'baton people add NAME --level N' to grow the team)"
    )
}

/// Said once by `reply` when no transport is set: the mail is not lost.
pub fn mail_waits() -> String {
    "the reply waits in tickets/.local/outbox/: no [mail] send is configured, so nothing was sent (see docs/mail.md)".into()
}

/// The list of `baton replies`: a name a line, or where to save one.
pub fn saved_replies(names: &[String], dir: &std::path::Path) -> String {
    if names.is_empty() {
        return format!(
            "no saved replies yet; save one as {}/NAME.md and use it with 'baton reply ID --template NAME'",
            dir.display()
        );
    }
    names.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_text_in_a_sentence_is_escaped() {
        assert_eq!(
            took("0b7c", "an\u{1b}a", "Bad\ntitle"),
            "took 0b7c from an\\ea: Bad title"
        );
    }

    #[test]
    fn time_logged_reads_as_a_span() {
        assert_eq!(logged("0b7c", 90), "logged 1h30m on 0b7c");
    }

    #[test]
    fn init_says_what_it_set_up_for_git() {
        let both = GitSetup {
            attributes: Some("tickets/*.toml merge=baton".into()),
            registered: true,
            driver: true,
        };
        let done = GitSetup {
            driver: true,
            ..GitSetup::default()
        };
        assert_eq!(
            store_exists("tickets", Some(&both)),
            "tickets is already a baton store; added 'tickets/*.toml merge=baton' to \
             .gitattributes and registered the git merge driver"
        );
        assert_eq!(
            store_exists("tickets", Some(&done)),
            "tickets is already a baton store, set up for git; nothing changed"
        );
        assert_eq!(
            store_created("tickets", "ana", Some(&done)).lines().count(),
            2,
            "no git line when git needed nothing"
        );
    }

    #[test]
    fn only_the_top_of_a_team_is_called_the_top() {
        assert_eq!(
            person_added("ben", 2, true),
            "added ben at level 2 (the top of the pyramid)"
        );
        assert_eq!(person_added("dan", 1, false), "added dan at level 1");
    }
}
