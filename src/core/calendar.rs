//! Business hours: a team's working week in its own time zone, less its
//! holidays, and the arithmetic of working time on it ("Friday 17:30 plus two
//! working hours is Monday 10:30").
//!
//! A [`Calendar`] is read from `[calendar]` in the team config. The clock
//! ([`super::clock`]) counts time through [`Hours`]: round the clock (`24x7`,
//! the default, where working time is wall time) or on the calendar. Shifts
//! are local times, so a change to or from daylight saving time moves them in
//! UTC and makes the night it happens in an hour shorter or longer, as a person
//! in that zone expects.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// Minutes in a day; a shift may end at `24:00`.
const DAY: u16 = 24 * 60;

/// The weekday names a config uses, Monday first.
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// One working stretch of a day, in minutes since local midnight, `open` before `close`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    open: u16,
    close: u16,
}

/// A team's working week in its time zone, and the days it does not work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// The IANA time zone the shifts are in.
    pub zone: Tz,
    /// The shifts of each weekday, Monday first, in order and not overlapping.
    week: [Vec<Shift>; 7],
    /// Whole local days off.
    holidays: BTreeSet<NaiveDate>,
}

impl Default for Calendar {
    /// Monday to Friday, 09:00 to 18:00 UTC, no holidays.
    fn default() -> Self {
        let day = vec![Shift {
            open: 9 * 60,
            close: 18 * 60,
        }];
        Calendar {
            zone: Tz::UTC,
            week: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                Vec::new(),
                Vec::new(),
            ],
            holidays: BTreeSet::new(),
        }
    }
}

/// How the clock counts time: round the clock, or only in working hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hours<'a> {
    /// `24x7`: every second counts.
    Round,
    /// `business`: only the calendar's working time counts.
    Working(&'a Calendar),
}

impl Hours<'_> {
    /// The moment `amount` of counted time has passed since `from`. In
    /// working hours, a clock started outside them begins at the next opening.
    pub fn add(&self, from: DateTime<Utc>, amount: Duration) -> DateTime<Utc> {
        match self {
            Hours::Round => from + amount,
            Hours::Working(calendar) => calendar.add(from, amount),
        }
    }

    /// Counted time between two moments (zero when `to` is not after `from`).
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        match self {
            Hours::Round => (to - from).max(Duration::zero()),
            Hours::Working(calendar) => calendar.between(from, to),
        }
    }

    /// The name the config and the report use: `24x7` or `business`.
    pub fn name(&self) -> &'static str {
        match self {
            Hours::Round => "24x7",
            Hours::Working(_) => "business",
        }
    }
}

impl Calendar {
    /// A calendar with no working hours yet, in `zone`; [`Calendar::set_hours`]
    /// fills the week.
    pub fn empty(zone: Tz) -> Calendar {
        Calendar {
            zone,
            week: Default::default(),
            holidays: BTreeSet::new(),
        }
    }

    /// Sets the hours of the weekdays a key such as `mon-fri` or `sat` names,
    /// from text such as `09:00-12:00,13:00-18:00` (or `closed`).
    pub fn set_hours(&mut self, days: &str, hours: &str) -> Result<(), String> {
        let days = parse_days(days)?;
        let shifts = parse_shifts(hours)?;
        for d in days {
            self.week[d] = shifts.clone();
        }
        Ok(())
    }

    /// Adds the holidays `text` names: a date (`2026-12-24`) or an inclusive
    /// range (`2026-12-25..2026-12-26`).
    pub fn add_holidays(&mut self, text: &str) -> Result<(), String> {
        let (first, last) = parse_holiday(text)?;
        let mut day = first;
        while day <= last {
            self.holidays.insert(day);
            day = day
                .succ_opt()
                .ok_or_else(|| format!("'{text}' runs past the calendar"))?;
        }
        Ok(())
    }

    /// Whether any weekday has working hours; a calendar without them would
    /// never reach a deadline.
    pub fn works(&self) -> bool {
        self.week.iter().any(|d| !d.is_empty())
    }

    /// Whether a local date is a holiday.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains(&date)
    }

    /// The holidays, in order.
    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    /// The working week as the config writes it, one `day = hours` per weekday.
    pub fn describe_week(&self) -> Vec<(&'static str, String)> {
        WEEKDAYS
            .iter()
            .zip(&self.week)
            .map(|(day, shifts)| (*day, describe_shifts(shifts)))
            .collect()
    }

    /// The working stretches of a local date, as UTC instants.
    fn shifts_on(&self, date: NaiveDate) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> {
        let shifts: &[Shift] = if self.is_holiday(date) {
            &[]
        } else {
            &self.week[date.weekday().num_days_from_monday() as usize]
        };
        let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
        shifts.iter().map(move |s| {
            (
                self.instant(midnight + Duration::minutes(s.open.into())),
                self.instant(midnight + Duration::minutes(s.close.into())),
            )
        })
    }

    /// The instant a local wall-clock time names. A time repeated when the
    /// clocks go back is its first occurrence; a time skipped when they go
    /// forward is as long after the change as it is after the skipped hour's
    /// start (02:30 on a spring-forward night is 03:30).
    fn instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        if let Some(t) = self.zone.from_local_datetime(&local).earliest() {
            return t.with_timezone(&Utc);
        }
        // In a gap: the offset before it (no zone skips more than a day).
        let before = self
            .zone
            .from_local_datetime(&(local - Duration::days(1)))
            .earliest()
            .map_or(0, |t| t.offset().fix().local_minus_utc());
        Utc.from_utc_datetime(&(local - Duration::seconds(before.into())))
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.zone).date_naive()
    }

    /// The moment `amount` of working time has passed since `from`; see
    /// [`Hours::add`]. Far in the future if the week has no working hours.
    pub fn add(&self, from: DateTime<Utc>, amount: Duration) -> DateTime<Utc> {
        if amount <= Duration::zero() {
            return from;
        }
        let mut left = amount;
        let first = self.local_date(from);
        let mut date = first;
        // Days with no working time, holidays aside: after a week of them,
        // the week has none at all.
        let mut idle = 0;
        while idle <= 7 {
            let mut worked = false;
            for (open, close) in self.shifts_on(date) {
                let open = open.max(from);
                if close <= open {
                    continue;
                }
                worked = true;
                let span = close - open;
                if span >= left {
                    return open + left;
                }
                left -= span;
            }
            if !worked && !self.is_holiday(date) && date > first {
                idle += 1;
            } else if worked {
                idle = 0;
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        DateTime::<Utc>::MAX_UTC
    }

    /// Working time between two moments; see [`Hours::between`].
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        if to <= from {
            return total;
        }
        let last = self.local_date(to);
        let mut date = self.local_date(from);
        while date <= last {
            for (open, close) in self.shifts_on(date) {
                let (open, close) = (open.max(from), close.min(to));
                if close > open {
                    total += close - open;
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        total
    }
}

/// Reads a time zone name such as `Europe/Budapest`.
pub fn parse_zone(text: &str) -> Result<Tz, String> {
    text.parse::<Tz>().map_err(|_| {
        format!(
            "'{}' is not a time zone; expected an IANA name such as Europe/Budapest, America/New_York or UTC",
            text.escape_debug()
        )
    })
}

/// Whether a `[calendar]` key names weekdays (`mon`, `mon-fri`).
pub fn is_days(key: &str) -> bool {
    parse_days(key).is_ok()
}

/// The weekdays (0 = Monday) a key such as `mon`, `mon-fri` or `sat-sun` names.
fn parse_days(key: &str) -> Result<Vec<usize>, String> {
    let index = |name: &str| WEEKDAYS.iter().position(|d| *d == name.trim());
    let expected =
        "expected a weekday (mon, tue, wed, thu, fri, sat, sun) or a range such as mon-fri";
    match key.split_once('-') {
        None => index(key)
            .map(|d| vec![d])
            .ok_or_else(|| format!("'{key}' is not a weekday; {expected}")),
        Some((a, b)) => match (index(a), index(b)) {
            (Some(a), Some(b)) if a <= b => Ok((a..=b).collect()),
            (Some(_), Some(_)) => Err(format!(
                "'{key}' runs backwards; expected the earlier day first, such as mon-fri"
            )),
            _ => Err(format!("'{key}' is not a range of weekdays; {expected}")),
        },
    }
}

/// Reads a day's hours: `09:00-18:00`, split shifts joined by commas, or
/// `closed` (or nothing) for a day without work.
fn parse_shifts(text: &str) -> Result<Vec<Shift>, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("closed") {
        return Ok(Vec::new());
    }
    let expected = "expected hours such as \"09:00-18:00\", split shifts such as \"09:00-12:00,13:00-18:00\", or \"closed\"";
    let mut shifts: Vec<Shift> = Vec::new();
    for part in trimmed.split(',') {
        let (open, close) = part
            .split_once('-')
            .ok_or_else(|| format!("'{}' is not a shift; {expected}", part.trim()))?;
        let (open, close) = (parse_clock(open)?, parse_clock(close)?);
        if open >= close {
            return Err(format!(
                "the shift '{}' does not end after it starts; {expected} (a shift cannot run past midnight: end it at 24:00)",
                part.trim()
            ));
        }
        if let Some(prev) = shifts.last()
            && open < prev.close
        {
            return Err(format!(
                "the shift '{}' starts before the one ahead of it ends; list shifts in order without overlap",
                part.trim()
            ));
        }
        shifts.push(Shift { open, close });
    }
    Ok(shifts)
}

/// Reads `HH:MM` (00:00 to 24:00) as minutes since midnight.
fn parse_clock(text: &str) -> Result<u16, String> {
    let t = text.trim();
    let bad = || format!("'{t}' is not a time of day; expected HH:MM from 00:00 to 24:00");
    let (h, m) = t.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let minutes = h * 60 + m;
    if m >= 60 || minutes > DAY {
        return Err(bad());
    }
    Ok(minutes)
}

/// Reads a holiday: `YYYY-MM-DD` or an inclusive `YYYY-MM-DD..YYYY-MM-DD`.
fn parse_holiday(text: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let date = |s: &str| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
            format!(
                "'{}' is not a holiday; expected a date such as 2026-12-24 or a range such as 2026-12-25..2026-12-26",
                text.escape_debug()
            )
        })
    };
    let (first, last) = match text.split_once("..") {
        Some((a, b)) => (date(a)?, date(b)?),
        None => (date(text)?, date(text)?),
    };
    if last < first {
        return Err(format!(
            "the holidays '{text}' run backwards; expected the earlier date first"
        ));
    }
    if (last - first).num_days() > 366 {
        return Err(format!(
            "the holidays '{text}' span more than a year; expected a shorter range"
        ));
    }
    Ok((first, last))
}

fn describe_shifts(shifts: &[Shift]) -> String {
    if shifts.is_empty() {
        return "closed".into();
    }
    let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
    shifts
        .iter()
        .map(|s| format!("{}-{}", hm(s.open), hm(s.close)))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A calendar in `zone`, Monday to Friday 09:00-18:00, with `holidays`.
    fn desk(zone: &str, holidays: &[&str]) -> Calendar {
        let mut c = Calendar::empty(parse_zone(zone).unwrap());
        c.set_hours("mon-fri", "09:00-18:00").unwrap();
        for h in holidays {
            c.add_holidays(h).unwrap();
        }
        c
    }

    /// A local wall-clock time in the calendar's zone, as UTC.
    fn local(c: &Calendar, text: &str) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        c.zone
            .from_local_datetime(&naive)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn mins(m: i64) -> Duration {
        Duration::minutes(m)
    }

    #[test]
    fn working_time_is_added_as_a_person_counts_it() {
        // 2026-11-06 is a Friday; 2026-11-09 the Monday after.
        let plain = desk("Europe/Budapest", &[]);
        let holiday_monday = desk("Europe/Budapest", &["2026-11-09"]);
        let mut split = desk("Europe/Budapest", &[]);
        split
            .set_hours("mon-fri", "09:00-12:00,13:00-18:00")
            .unwrap();
        let mut saturday = desk("Europe/Budapest", &[]);
        saturday.set_hours("sat", "10:00-14:00").unwrap();
        let cases = [
            (
                "friday evening to monday",
                &plain,
                "2026-11-06 17:30",
                120,
                "2026-11-09 10:30",
            ),
            (
                "a holiday monday is skipped",
                &holiday_monday,
                "2026-11-06 17:30",
                120,
                "2026-11-10 10:30",
            ),
            (
                "created at night starts at the opening",
                &plain,
                "2026-11-04 02:00",
                60,
                "2026-11-04 10:00",
            ),
            (
                "created on a saturday starts monday",
                &plain,
                "2026-11-07 11:00",
                30,
                "2026-11-09 09:30",
            ),
            (
                "ending exactly at closing stays that day",
                &plain,
                "2026-11-04 17:00",
                60,
                "2026-11-04 18:00",
            ),
            (
                "the lunch break does not count",
                &split,
                "2026-11-04 11:00",
                120,
                "2026-11-04 14:00",
            ),
            (
                "a saturday shift counts",
                &saturday,
                "2026-11-06 17:00",
                180,
                "2026-11-07 12:00",
            ),
            (
                "three working days",
                &plain,
                "2026-11-04 09:00",
                27 * 60,
                "2026-11-06 18:00",
            ),
            (
                "a holiday range is skipped",
                &desk("Europe/Budapest", &["2026-12-24..2026-12-26"]),
                "2026-12-23 17:00",
                120,
                "2026-12-28 10:00",
            ),
        ];
        for (name, cal, from, minutes, expected) in cases {
            let from = local(cal, from);
            assert_eq!(cal.add(from, mins(minutes)), local(cal, expected), "{name}");
            assert_eq!(
                cal.between(from, local(cal, expected)),
                mins(minutes),
                "{name}: between is the inverse"
            );
        }
    }

    #[test]
    fn daylight_saving_changes_move_the_shifts_not_the_working_time() {
        // Night shifts see the change; the change itself is in the night.
        // Friday 17:00 + 2 working hours is Monday 10:00 local: 65 wall hours
        // on a plain weekend, one less or more across a change.
        let cases = [
            // Budapest springs forward on 2026-03-29 (a Sunday) and falls back on 2026-10-25.
            (
                "Europe/Budapest",
                "2026-03-27 17:00",
                "2026-03-30 10:00",
                64,
            ),
            (
                "Europe/Budapest",
                "2026-10-23 17:00",
                "2026-10-26 10:00",
                66,
            ),
            (
                "Europe/Budapest",
                "2026-11-06 17:00",
                "2026-11-09 10:00",
                65,
            ),
            // New York springs forward on 2026-03-08 and falls back on 2026-11-01.
            (
                "America/New_York",
                "2026-03-06 17:00",
                "2026-03-09 10:00",
                64,
            ),
            (
                "America/New_York",
                "2026-10-30 17:00",
                "2026-11-02 10:00",
                66,
            ),
        ];
        for (zone, from, expected, wall) in cases {
            let c = desk(zone, &[]);
            let (from, expected) = (local(&c, from), local(&c, expected));
            assert_eq!(c.add(from, mins(120)), expected, "{zone} {from}");
            assert_eq!((expected - from).num_hours(), wall, "{zone} {from}");
        }
        // A shift through the night of the change is an hour shorter or longer.
        let mut night = Calendar::empty(parse_zone("Europe/Budapest").unwrap());
        night.set_hours("sun", "00:00-06:00").unwrap();
        let spring = local(&night, "2026-03-29 00:00");
        assert_eq!(
            night.between(spring, spring + Duration::hours(12)),
            Duration::hours(5)
        );
        let autumn = local(&night, "2026-10-25 00:00");
        assert_eq!(
            night.between(autumn, autumn + Duration::hours(12)),
            Duration::hours(7)
        );
        // A shift starting in the skipped hour starts when the hour would have.
        let mut gap = Calendar::empty(parse_zone("Europe/Budapest").unwrap());
        gap.set_hours("sun", "02:30-04:00").unwrap();
        let start = local(&gap, "2026-03-29 00:00");
        assert_eq!(gap.between(start, start + Duration::hours(12)), mins(30));
    }

    #[test]
    fn a_day_without_hours_is_passed_over() {
        let mut c = desk("UTC", &[]);
        c.set_hours("wed", "closed").unwrap();
        let tue = local(&c, "2026-11-03 17:00");
        assert_eq!(c.add(tue, mins(120)), local(&c, "2026-11-05 10:00"));
        assert_eq!(c.between(tue, local(&c, "2026-11-05 09:00")), mins(60));
        let mut none = Calendar::empty(Tz::UTC);
        none.set_hours("mon-sun", "").unwrap();
        assert!(!none.works());
        assert_eq!(
            none.add(tue, mins(1)),
            DateTime::<Utc>::MAX_UTC,
            "never, but no hang"
        );
    }

    #[test]
    fn round_the_clock_is_wall_time() {
        let t = local(&desk("UTC", &[]), "2026-11-07 23:00");
        assert_eq!(Hours::Round.add(t, mins(90)), t + mins(90));
        assert_eq!(Hours::Round.between(t, t + mins(90)), mins(90));
        assert_eq!(Hours::Round.between(t + mins(90), t), Duration::zero());
    }

    #[test]
    fn bad_hours_days_and_holidays_say_what_was_expected() {
        let mut c = Calendar::empty(Tz::UTC);
        let cases = [
            (
                c.set_hours("mon-fry", "09:00-18:00"),
                "not a range of weekdays",
            ),
            (c.set_hours("fri-mon", "09:00-18:00"), "runs backwards"),
            (c.set_hours("mon", "9-18"), "not a time of day"),
            (
                c.set_hours("mon", "18:00-09:00"),
                "does not end after it starts",
            ),
            (
                c.set_hours("mon", "09:00-13:00,12:00-18:00"),
                "before the one ahead",
            ),
            (c.set_hours("mon", "09:00-24:30"), "not a time of day"),
            (c.add_holidays("2026-13-01"), "not a holiday"),
            (c.add_holidays("2026-12-26..2026-12-24"), "run backwards"),
        ];
        for (result, needle) in cases {
            let err = result.unwrap_err();
            assert!(err.contains(needle), "{needle}: {err}");
        }
        assert!(parse_zone("Mars/Olympus").unwrap_err().contains("IANA"));
        assert!(c.set_hours("sat", "09:00-24:00").is_ok());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// More working time never gives an earlier moment, and counting
            /// back what was added gives the amount added.
            #[test]
            fn adding_is_monotonic_and_between_undoes_it(
                start in 0i64..(60 * 24 * 400),
                a in 0i64..(60 * 24 * 30),
                b in 0i64..(60 * 24 * 30),
                zone in prop_oneof![Just("Europe/Budapest"), Just("America/New_York"), Just("UTC")],
            ) {
                let mut c = desk(zone, &["2026-12-24..2026-12-26", "2027-01-01"]);
                c.set_hours("sat", "10:00-14:00").unwrap();
                c.set_hours("sun", "01:00-03:30").unwrap();
                let from = local(&c, "2026-01-01 00:00") + mins(start);
                let (lo, hi) = (a.min(b), a.max(b));
                let (x, y) = (c.add(from, mins(lo)), c.add(from, mins(hi)));
                prop_assert!(x <= y);
                prop_assert_eq!(c.between(from, y), mins(hi));
            }
        }
    }
}
