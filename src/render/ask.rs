//! The words baton puts to a person at the keyboard: its questions, the
//! choices it offers, and the heading or guide on top of a text opened in
//! their editor. How they are asked (the prompt, the editor) is
//! [`crate::term`]'s.

use super::text::clean_line;
use crate::core::handoff::Candidate;
use crate::core::ticket::Status;

/// The question of `pass` without a name.
pub fn pass_to(short: &str) -> String {
    format!("Pass {short} to")
}

/// The team as `pass` offers it, one line per person: their level, how many
/// open tickets they have, and whether they are the next level up.
pub fn pass_choices(candidates: &[Candidate]) -> Vec<String> {
    let width = candidates
        .iter()
        .map(|c| c.person.name.chars().count())
        .max()
        .unwrap_or(0);
    candidates
        .iter()
        .map(|c| {
            let role = if c.next_level {
                ", the next level up"
            } else {
                ""
            };
            format!(
                "{:<width$}  level {}, {} open{role}",
                c.person.name, c.person.level, c.open
            )
        })
        .collect()
}

/// The question for the note that goes with a pass.
pub fn note_for(to: &str) -> String {
    format!("Note for {to} (Enter for none)")
}

/// The question before closing someone else's ticket.
pub fn close_anyway(short: &str, owner: &str) -> String {
    format!("{short} belongs to {owner}. Close it anyway?")
}

/// The guide under the description of a new ticket in the editor.
pub fn description_guide(title: &str) -> String {
    format!(
        "Describe the problem of \"{}\": what happened, what the customer expects.\n\
         These '#' lines are left out; leave the text empty for no description.",
        clean_line(title)
    )
}

/// The guide under a reply (`reply`) or an internal note in the editor.
pub fn message_guide(reply: bool, short: &str, title: &str) -> String {
    let purpose = if reply {
        "Write the reply to the customer"
    } else {
        "Write an internal note (customers never see it)"
    };
    format!(
        "{purpose} on {short} \"{}\".\n\
         These '#' lines are left out; leave the text empty to cancel.",
        clean_line(title)
    )
}

/// The heading of a ticket's fields opened in the editor by `edit`.
pub fn edit_heading(short: &str, status: Status, owner: &str) -> String {
    format!("Ticket {short} ({status}, owned by {owner}).")
}

/// The heading of the fields `new --edit` opens in the editor.
pub const NEW_HEADING: &str = "A new ticket: fill in the fields.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Person;

    #[test]
    fn pass_choices_line_up_and_mark_the_next_level() {
        let ben = Person {
            name: "ben".into(),
            email: None,
            level: 2,
        };
        let cora = Person {
            name: "cora".into(),
            email: None,
            level: 3,
        };
        let choices = pass_choices(&[
            Candidate {
                person: &ben,
                open: 0,
                next_level: true,
            },
            Candidate {
                person: &cora,
                open: 12,
                next_level: false,
            },
        ]);
        assert_eq!(
            choices,
            [
                "ben   level 2, 0 open, the next level up",
                "cora  level 3, 12 open"
            ]
        );
    }

    #[test]
    fn a_title_in_a_guide_cannot_break_out_of_its_comment() {
        assert_eq!(
            message_guide(true, "0b7c", "Hi\nthere"),
            "Write the reply to the customer on 0b7c \"Hi there\".\n\
             These '#' lines are left out; leave the text empty to cancel."
        );
    }
}
