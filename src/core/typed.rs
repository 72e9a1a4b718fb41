//! Values as people type them on the command line: any case, surrounding
//! blanks ignored, and a near miss answered with the closest choice. Files
//! keep their one spelling; only typing is forgiven.

use super::ticket::{Priority, Status};

/// A priority as typed (`URGENT`, ` high`); `hgih` suggests `high`.
pub fn priority(s: &str) -> Result<Priority, String> {
    one_of(s, &Priority::ALL.map(|p| (p.as_str(), p)), "priority")
}

/// A status as typed (`Open`); `wating` suggests `waiting`.
pub fn status(s: &str) -> Result<Status, String> {
    one_of(s, &Status::ALL.map(|st| (st.as_str(), st)), "status")
}

fn one_of<T: Copy>(s: &str, choices: &[(&str, T)], what: &str) -> Result<T, String> {
    let typed = s.trim().to_lowercase();
    if let Some((_, value)) = choices.iter().find(|(name, _)| *name == typed) {
        return Ok(*value);
    }
    let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
    let expected = match names.split_last() {
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    };
    let near = names
        .iter()
        .map(|name| (strsim::damerau_levenshtein(name, &typed), name))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, name)| format!("; did you mean '{name}'?"))
        .unwrap_or_default();
    Err(format!(
        "unknown {what} '{}' (expected {expected}){near}",
        s.escape_debug()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_case_and_blanks_are_forgiven() {
        assert_eq!(priority("URGENT"), Ok(Priority::Urgent));
        assert_eq!(priority(" High "), Ok(Priority::High));
        assert_eq!(status("Waiting"), Ok(Status::Waiting));
    }

    #[test]
    fn a_near_miss_suggests_the_closest_choice() {
        assert_eq!(
            priority("hgih"),
            Err("unknown priority 'hgih' (expected low, normal, high or urgent); did you mean 'high'?".into())
        );
        assert!(
            status("wating")
                .unwrap_err()
                .ends_with("did you mean 'waiting'?")
        );
        assert!(!priority("whenever").unwrap_err().contains("did you mean"));
    }
}
