//! Durations as people write them in the config and on the command line
//! (`20h`, `90m`, `2d`, `1h30m`).

use std::time::Duration;

/// Parses a human duration; the error says what was expected.
pub fn parse(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    humantime::parse_duration(trimmed).map_err(|e| {
        format!("'{text}' is not a duration ({e}); expected something like 20h, 90m, 2d or 1h30m")
    })
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
    fn garbage_and_zero_are_refused_with_an_example() {
        assert!(parse("soon").unwrap_err().contains("20h"));
        assert!(
            parse_positive("0s")
                .unwrap_err()
                .contains("longer than zero")
        );
    }
}
