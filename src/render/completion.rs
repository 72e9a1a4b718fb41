//! The descriptions a shell shows beside a completion candidate: a ticket's
//! status, owner and title; a person's level.

use super::text::clean_line;
use crate::core::ticket::Ticket;

/// Beside a ticket id: `open ana: Printer on fire`.
pub fn ticket(t: &Ticket) -> String {
    format!(
        "{} {}: {}",
        t.status,
        clean_line(&t.owner),
        clean_line(&t.title)
    )
}

/// Beside a name: `level 2`, or `level 3 (top)` for the top of the team.
pub fn person(level: u32, top: bool) -> String {
    let role = if top { " (top)" } else { "" };
    format!("level {level}{role}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_top_is_marked() {
        assert_eq!(super::person(3, true), "level 3 (top)");
        assert_eq!(super::person(1, false), "level 1");
    }
}
