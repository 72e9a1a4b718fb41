//! Durations as people write them in the config and on the command line
//! (`20h`, `90m`, `2d`, `1h30m`).

use std::time::Duration;

/// The longest duration baton accepts anywhere (ten years). Every deadline
/// is a time in a ticket plus such durations, so bounding them where they
/// are read keeps all deadline arithmetic far inside what a time can hold.
pub const MAX: Duration = Duration::from_secs(3650 * 24 * 3600);

/// Parses a human duration of at most [`MAX`]; the error says what was
/// expected.
pub fn parse(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    let d = humantime::parse_duration(trimmed).map_err(|_| {
        // humantime's own words ("expected number at 0") point into its
        // parser, not at what to type.
        let shown = text.escape_debug();
        if !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit()) {
            format!(
                "'{shown}' has no unit; expected a number and a unit, such as {trimmed}m, {trimmed}h or {trimmed}d"
            )
        } else {
            format!(
                "'{shown}' is not a duration; expected a number and a unit (s, m, h, d, w), such as 20h, 90m, 2d or 1h30m"
            )
        }
    })?;
    if d > MAX {
        return Err(format!(
            "'{text}' is longer than baton accepts; expected at most 3650d (ten years), such as 20h, 90m or 2d"
        ));
    }
    Ok(d)
}

/// Parses a duration that must be longer than zero.
pub fn parse_positive(text: &str) -> Result<Duration, String> {
    let d = parse(text)?;
    if d.is_zero() {
        return Err(format!(
            "'{text}' is zero; expected a duration longer than zero"
        ));
    }
    Ok(d)
}

/// Converts to chrono's duration for arithmetic on instants, saturating.
pub fn chrono(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_forms_parse() {
        for (text, secs) in [
            ("20h", 72_000),
            ("90m", 5_400),
            ("2d", 172_800),
            ("1h30m", 5_400),
            (" 45m ", 2_700),
        ] {
            assert_eq!(parse(text).unwrap().as_secs(), secs, "{text}");
        }
    }

    #[test]
    fn durations_longer_than_ten_years_are_refused() {
        assert_eq!(parse("3650d").unwrap(), MAX);
        for text in ["3651d", "100000000000h", "18446744073709551615s"] {
            let e = parse(text).unwrap_err();
            assert!(e.contains("at most 3650d"), "{text}: {e}");
        }
    }

    #[test]
    fn the_longest_duration_leaves_room_for_every_deadline() {
        // The latest time a file may hold, plus the longest duration many
        // times over (one per escalation), still is a time.
        let last: chrono::DateTime<chrono::Utc> = "9999-12-31T23:59:59Z".parse().unwrap();
        assert!(last.checked_add_signed(chrono(MAX) * 1000).is_some());
    }

    #[test]
    fn a_number_without_a_unit_and_words_say_what_to_type() {
        assert_eq!(
            parse("90").unwrap_err(),
            "'90' has no unit; expected a number and a unit, such as 90m, 90h or 90d"
        );
        let words = parse("an hour").unwrap_err();
        assert!(
            words.starts_with("'an hour' is not a duration; expected a number and a unit"),
            "{words}"
        );
        assert!(!words.contains("expected number at"), "{words}");
    }

    #[test]
    fn garbage_and_zero_are_refused_with_an_example() {
        assert!(parse("soon").unwrap_err().contains("20h"));
        assert!(
            parse_positive("0s")
                .unwrap_err()
                .contains("longer than zero")
        );
    }
}
