//! Times as people type them wherever baton reads one (`--since yesterday`,
//! `log --at "monday 14:00"`, `wait --until "tomorrow 9:00"`, `report
//! --month last`): read in the reader's zone, handed on in UTC. Which way a
//! bare day leans (`monday`: the one just gone, or the one coming) is the
//! caller's to say, since a filter looks back and a reminder looks ahead.
//!
//! The forms: `now`, `today`, `yesterday`, `tomorrow`, a weekday (`monday`,
//! `mon`), `last monday`, `next friday`, each with an optional `HH:MM`; a bare
//! `HH:MM` (today); `in 2h`, `3d ago`; `this week`, `last week`, `this month`,
//! `last month` (their first day); ISO dates `2026-11-20`, `2026-11-20 17:00`
//! (local), and RFC 3339 (`2026-11-20T17:00:00Z`).

use chrono::{
    DateTime, Datelike, Days, Duration, Months, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};

use super::duration;

/// Which way a day named without a date leans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lean {
    /// The most recent such day (today counts): for filters and logs.
    Past,
    /// The next such day (today counts while its time is ahead): for
    /// reminders and promises.
    Future,
}

/// What every error ends with: the forms accepted.
pub const EXPECTED: &str = "expected a time such as today, yesterday 17:00, monday, \"last month\", \
                            \"in 2h\", \"3d ago\", 2026-11-20 or \"2026-11-20 17:00\"";

/// The moment `text` names, read at `now` in `zone`.
pub fn instant<Z: TimeZone>(
    text: &str,
    now: DateTime<Utc>,
    zone: &Z,
    lean: Lean,
) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    let bad = || format!("'{}' is not a time; {EXPECTED}", t.escape_debug());
    if let Ok(exact) = DateTime::parse_from_rfc3339(t) {
        return Ok(exact.with_timezone(&Utc));
    }
    let lower = t.to_lowercase();
    if lower == "now" {
        return Ok(now);
    }
    if let Some(rest) = lower.strip_prefix("in ") {
        let d = duration::parse(rest).map_err(|m| format!("{m}; {EXPECTED}"))?;
        return Ok(now + duration::chrono(d));
    }
    if let Some(rest) = lower.strip_suffix(" ago") {
        let d = duration::parse(rest).map_err(|m| format!("{m}; {EXPECTED}"))?;
        return Ok(now - duration::chrono(d));
    }
    let today = now.with_timezone(zone).date_naive();
    if let Some(first) = period_start(&lower, today) {
        return local(zone, first, NaiveTime::MIN).ok_or_else(bad);
    }
    // A date or a day word, then an optional clock.
    let (day, clock) = match lower.rsplit_once(' ') {
        Some((day, clock)) if read_clock(clock).is_some() => (day.trim(), read_clock(clock)),
        _ => match read_clock(&lower) {
            Some(clock) => ("today", Some(clock)),
            None => (lower.as_str(), None),
        },
    };
    let at_clock = clock.unwrap_or(NaiveTime::MIN);
    let date = match day {
        "today" => today,
        "yesterday" => today.pred_opt().ok_or_else(bad)?,
        "tomorrow" => today.succ_opt().ok_or_else(bad)?,
        word => {
            if let Ok(date) = NaiveDate::parse_from_str(word, "%Y-%m-%d") {
                date
            } else if let Some(iso) = read_iso_local(word) {
                return local(zone, iso.0, iso.1).ok_or_else(|| skipped(t));
            } else {
                named_day(word, today, lean, |d| {
                    // Today counts while its time lies on the right side of now.
                    local(zone, d, at_clock).is_some_and(|at| match lean {
                        Lean::Past => at <= now,
                        Lean::Future => at > now || clock.is_none(),
                    })
                })
                .ok_or_else(bad)?
            }
        }
    };
    local(zone, date, at_clock).ok_or_else(|| skipped(t))
}

/// The moment `text` names, leaning ahead, which must lie ahead of `now`
/// (a promise, a time to wait until); `why` ends the refusal of one that
/// does not.
pub fn ahead<Z: TimeZone>(
    text: &str,
    now: DateTime<Utc>,
    zone: &Z,
    why: &str,
) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    let when = instant(t, now, zone, Lean::Future)?;
    if when <= now {
        return Err(format!("'{}' is not ahead of now; {why}", t.escape_debug()));
    }
    Ok(when)
}

/// The local day `text` names (a time's date), for filters by day.
pub fn day<Z: TimeZone>(
    text: &str,
    now: DateTime<Utc>,
    zone: &Z,
    lean: Lean,
) -> Result<NaiveDate, String> {
    instant(text, now, zone, lean).map(|t| t.with_timezone(zone).date_naive())
}

/// The first day of the month `text` names: `this` or `this month`, `last`
/// or `last month` (also `previous`), `YYYY-MM`, or a month's name (the
/// most recent one, this month counting).
pub fn month<Z: TimeZone>(text: &str, now: DateTime<Utc>, zone: &Z) -> Result<NaiveDate, String> {
    let t = text.trim().to_lowercase();
    let today = now.with_timezone(zone).date_naive();
    let this = today.with_day(1).unwrap_or(today);
    let bad = || {
        format!(
            "'{}' is not a month; expected YYYY-MM (such as 2026-11), last, this, or a month's name",
            text.trim().escape_debug()
        )
    };
    match t.as_str() {
        "this" | "this month" | "current" => return Ok(this),
        "last" | "last month" | "previous" => {
            return this.checked_sub_months(Months::new(1)).ok_or_else(bad);
        }
        _ => {}
    }
    if let Ok(first) = NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d") {
        return Ok(first);
    }
    let names = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let number = names
        .iter()
        .position(|n| *n == t || (t.len() >= 3 && n.starts_with(&t)))
        .ok_or_else(bad)? as u32
        + 1;
    let year = if number <= this.month() {
        this.year()
    } else {
        this.year() - 1
    };
    NaiveDate::from_ymd_opt(year, number, 1).ok_or_else(bad)
}

/// `this week`, `last week`, `this month`, `last month`: the first day.
fn period_start(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let first = today.with_day(1)?;
    match text {
        "this week" => Some(monday),
        "last week" => monday.checked_sub_days(Days::new(7)),
        "this month" => Some(first),
        "last month" => first.checked_sub_months(Months::new(1)),
        _ => None,
    }
}

/// A weekday, alone (leaning as asked; `fits` says whether today counts) or
/// after `last` (before today) or `next` (after today).
fn named_day(
    word: &str,
    today: NaiveDate,
    lean: Lean,
    fits: impl Fn(NaiveDate) -> bool,
) -> Option<NaiveDate> {
    let (lean, strict, name) = match word.split_once(' ') {
        Some(("last", name)) => (Lean::Past, true, name),
        Some(("next", name)) => (Lean::Future, true, name),
        Some(_) => return None,
        None => (lean, false, word),
    };
    let w = weekday(name.trim())?;
    let step = match lean {
        Lean::Past => -1,
        Lean::Future => 1,
    };
    (0..8)
        .map(|n| today + Duration::days(n * step))
        .filter(|d| d.weekday() == w)
        .find(|d| {
            if *d == today {
                !strict && fits(*d)
            } else {
                true
            }
        })
}

/// `17:00` or `9:00`.
fn read_clock(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M").ok()
}

/// `2026-11-20T17:00` (no zone: local).
fn read_iso_local(text: &str) -> Option<(NaiveDate, NaiveTime)> {
    let (date, clock) = text.split_once('t')?;
    Some((
        NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?,
        NaiveTime::parse_from_str(clock, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(clock, "%H:%M:%S"))
            .ok()?,
    ))
}

fn skipped(t: &str) -> String {
    format!(
        "'{}' does not exist in this time zone (the clocks skip it); pick another time",
        t.escape_debug()
    )
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

    /// A Budapest wall-clock time in November 2026 (UTC+1), as UTC.
    fn bud(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap() - Duration::hours(1)
    }

    #[test]
    fn times_looking_back_read_as_a_person_means_them() {
        let cases = [
            ("now", now()),
            ("today", bud(4, 0, 0)),
            ("yesterday", bud(3, 0, 0)),
            ("yesterday 17:00", bud(3, 17, 0)),
            ("9:30", bud(4, 9, 30)),
            ("monday", bud(2, 0, 0)),
            ("Wednesday", bud(4, 0, 0)),
            // 11:00 today is still ahead: the Wednesday before.
            (
                "wednesday 11:00",
                Utc.with_ymd_and_hms(2026, 10, 28, 10, 0, 0).unwrap(),
            ),
            (
                "last wednesday",
                Utc.with_ymd_and_hms(2026, 10, 27, 23, 0, 0).unwrap(),
            ),
            ("fri", Utc.with_ymd_and_hms(2026, 10, 29, 23, 0, 0).unwrap()),
            ("2h ago", now() - Duration::hours(2)),
            ("3 days ago", now() - Duration::days(3)),
            ("this week", bud(2, 0, 0)),
            (
                "last week",
                Utc.with_ymd_and_hms(2026, 10, 25, 23, 0, 0).unwrap(),
            ),
            (
                "this month",
                Utc.with_ymd_and_hms(2026, 10, 31, 23, 0, 0).unwrap(),
            ),
            (
                "last month",
                Utc.with_ymd_and_hms(2026, 9, 30, 22, 0, 0).unwrap(),
            ),
            ("2026-11-20", bud(20, 0, 0)),
            ("2026-11-20 17:00", bud(20, 17, 0)),
            ("2026-11-20T17:00", bud(20, 17, 0)),
            (
                "2026-11-20T17:00:00Z",
                Utc.with_ymd_and_hms(2026, 11, 20, 17, 0, 0).unwrap(),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(
                instant(text, now(), &Budapest, Lean::Past),
                Ok(expected),
                "{text}"
            );
        }
    }

    #[test]
    fn times_looking_ahead_take_the_coming_day() {
        let cases = [
            ("tomorrow 9:00", bud(5, 9, 0)),
            ("friday 17:00", bud(6, 17, 0)),
            ("wednesday 11:00", bud(4, 11, 0)),
            ("wednesday 09:00", bud(11, 9, 0)),
            ("next wednesday", bud(11, 0, 0)),
            ("monday", bud(9, 0, 0)),
            ("in 2h", now() + Duration::hours(2)),
        ];
        for (text, expected) in cases {
            assert_eq!(
                instant(text, now(), &Budapest, Lean::Future),
                Ok(expected),
                "{text}"
            );
        }
    }

    #[test]
    fn what_is_no_time_is_refused_with_the_forms() {
        for text in [
            "soon",
            "friday at five",
            "next",
            "last blursday",
            "in a while",
            "",
        ] {
            let err = instant(text, now(), &Budapest, Lean::Past).unwrap_err();
            assert!(err.contains("expected"), "{text}: {err}");
        }
        let spring = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let err = instant("2026-03-29 02:30", spring, &Budapest, Lean::Future).unwrap_err();
        assert!(err.contains("does not exist"), "{err}");
    }

    #[test]
    fn days_are_local_dates() {
        let late = Utc.with_ymd_and_hms(2026, 11, 4, 23, 30, 0).unwrap(); // 00:30 on the 5th in Budapest
        assert_eq!(
            day("today", late, &Budapest, Lean::Past),
            Ok(NaiveDate::from_ymd_opt(2026, 11, 5).unwrap())
        );
    }

    #[test]
    fn months_by_word_number_or_name() {
        let first = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap();
        for (text, expected) in [
            ("last", first(2026, 10)),
            ("last month", first(2026, 10)),
            ("this", first(2026, 11)),
            ("2025-07", first(2025, 7)),
            ("October", first(2026, 10)),
            ("nov", first(2026, 11)),
            ("december", first(2025, 12)),
        ] {
            assert_eq!(month(text, now(), &Budapest), Ok(expected), "{text}");
        }
        let january = Utc.with_ymd_and_hms(2027, 1, 10, 12, 0, 0).unwrap();
        assert_eq!(month("last", january, &Budapest), Ok(first(2026, 12)));
        assert!(
            month("2026-13", now(), &Budapest)
                .unwrap_err()
                .contains("not a month")
        );
        assert!(
            month("someday", now(), &Budapest)
                .unwrap_err()
                .contains("YYYY-MM")
        );
    }
}
