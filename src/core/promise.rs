//! Promise times as people write them ("tomorrow 12:00", "friday 17:00",
//! "in 2h", "2026-11-20 17:00", RFC 3339): the pure parser `baton promise`
//! and `reply --promise` share, in a zone given by the caller (the desk's
//! calendar zone, or the user's). Kept in core so the terminal side can reuse
//! it when general relative-time parsing arrives.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

use super::duration;

/// What every error ends with: the forms accepted.
const EXPECTED: &str = "expected a time such as \"tomorrow 12:00\", \"friday 17:00\", \"in 2h\", \"2026-11-20 17:00\" or 2026-11-20T17:00:00Z";

/// The moment `text` names, read at `now` in `zone`; it must lie ahead of `now`.
pub fn parse_when<Z: TimeZone>(
    text: &str,
    now: DateTime<Utc>,
    zone: &Z,
) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    let when = read(t, now, zone)?;
    if when <= now {
        return Err(format!(
            "'{}' is not ahead of now; a promise must be in the future",
            t.escape_debug()
        ));
    }
    Ok(when)
}

fn read<Z: TimeZone>(t: &str, now: DateTime<Utc>, zone: &Z) -> Result<DateTime<Utc>, String> {
    let bad = || format!("'{}' is not a time; {EXPECTED}", t.escape_debug());
    if let Ok(exact) = DateTime::parse_from_rfc3339(t) {
        return Ok(exact.with_timezone(&Utc));
    }
    let lower = t.to_lowercase();
    if let Some(rest) = lower.strip_prefix("in ") {
        let d = duration::parse_positive(rest).map_err(|m| format!("{m}; {EXPECTED}"))?;
        return Ok(now + duration::chrono(d));
    }
    let (day, clock) = lower.rsplit_once(' ').ok_or_else(bad)?;
    let clock = NaiveTime::parse_from_str(clock, "%H:%M").map_err(|_| bad())?;
    let today = now.with_timezone(zone).date_naive();
    let date = match day.trim() {
        "today" => today,
        "tomorrow" => today.succ_opt().ok_or_else(bad)?,
        word => match weekday(word) {
            Some(w) => {
                // The next such day whose time is still ahead: today counts.
                let ahead = (0..8)
                    .map(|n| today + Duration::days(n))
                    .filter(|d| d.weekday() == w)
                    .find(|d| local(zone, *d, clock).is_some_and(|at| at > now));
                ahead.ok_or_else(bad)?
            }
            None => NaiveDate::parse_from_str(word, "%Y-%m-%d").map_err(|_| bad())?,
        },
    };
    local(zone, date, clock).ok_or_else(|| {
        format!(
            "'{}' does not exist in this time zone (the clocks skip it); pick another time",
            t.escape_debug()
        )
    })
}

/// A local date and time in `zone` as UTC; the earlier of a repeated time.
fn local<Z: TimeZone>(zone: &Z, date: NaiveDate, clock: NaiveTime) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&date.and_time(clock))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn weekday(word: &str) -> Option<Weekday> {
    let days = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    days.iter()
        .find(|(name, _)| *name == word || (word.len() >= 3 && name.starts_with(word)))
        .map(|(_, w)| *w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Budapest;

    /// Wednesday 2026-11-04 10:00 in Budapest (09:00 UTC).
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 4, 9, 0, 0).unwrap()
    }

    fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
    }

    #[test]
    fn promise_times_read_as_a_person_means_them() {
        let cases = [
            ("tomorrow 12:00", utc(5, 11, 0)),
            ("Friday 17:00", utc(6, 16, 0)),
            ("fri 17:00", utc(6, 16, 0)),
            ("today 16:30", utc(4, 15, 30)),
            ("wednesday 11:00", utc(4, 10, 0)),
            ("wednesday 09:00", utc(11, 8, 0)),
            ("in 2h", utc(4, 11, 0)),
            ("2026-11-20 17:00", utc(20, 16, 0)),
            ("2026-11-20T17:00:00Z", utc(20, 17, 0)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_when(text, now(), &Budapest), Ok(expected), "{text}");
        }
    }

    #[test]
    fn a_time_past_or_unreadable_is_refused_with_the_forms() {
        let cases = [
            ("today 09:00", "not ahead of now"),
            ("2026-11-01T00:00:00Z", "not ahead of now"),
            ("next week", "not a time"),
            ("friday at five", "not a time"),
            ("in soon", "not a duration"),
            ("2026-03-29 02:30", "does not exist"),
        ];
        let early = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        for (text, needle) in cases {
            let at = if text.starts_with("2026-03") {
                early
            } else {
                now()
            };
            let err = parse_when(text, at, &Budapest).unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}
