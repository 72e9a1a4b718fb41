//! The period a report covers: whole calendar days in the reader's time zone,
//! the current month unless told otherwise. The zone is an argument, like
//! "now", so that months, days and clock changes are tested here without
//! touching the system's zone.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, TimeZone, Utc};

use super::metrics::Period;
use crate::error::Error;

/// The days a report covers, as asked and as instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days {
    /// The first day.
    pub first: NaiveDate,
    /// The last day, included.
    pub last: NaiveDate,
    /// Asked for as a month (with `--month`, or by default), and so named by it.
    pub whole_month: bool,
    /// From the first instant of `first` to the first instant after `last`.
    pub period: Period,
}

/// The period asked for: `since` to `until` (default: today), or the
/// calendar month `month` (default: this month). Days are those of `tz`;
/// "today" is `now` there.
pub fn asked<Tz: TimeZone>(
    tz: &Tz,
    month: Option<NaiveDate>,
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<Days, Error> {
    let today = now.with_timezone(tz).date_naive();
    let (first, last) = match since {
        Some(since) => (since, until.unwrap_or(today)),
        None => {
            let first = month.unwrap_or_else(|| today.with_day(1).unwrap_or(today));
            let next = first + Months::new(1);
            (first, next.pred_opt().unwrap_or(first))
        }
    };
    if last < first {
        return Err(Error::usage(format!(
            "the period ends ({last}) before it begins ({first})"
        ))
        .hint("give --since the earlier date and --until the later one"));
    }
    Ok(Days {
        first,
        last,
        whole_month: since.is_none(),
        period: Period {
            since: day_start(tz, first),
            until: day_start(tz, last.succ_opt().unwrap_or(last)),
        },
    })
}

/// The period before `days`, to compare with: the previous calendar month
/// for a month, else as many days ending the day before `first`.
pub fn previous<Tz: TimeZone>(tz: &Tz, days: &Days) -> Days {
    let (first, last) = if days.whole_month {
        let first = days.first - Months::new(1);
        (first, days.first.pred_opt().unwrap_or(first))
    } else {
        let len = days.last - days.first;
        let last = days.first.pred_opt().unwrap_or(days.first);
        (last - len, last)
    };
    Days {
        first,
        last,
        whole_month: days.whole_month,
        period: Period {
            since: day_start(tz, first),
            until: day_start(tz, last.succ_opt().unwrap_or(last)),
        },
    }
}

/// Each day of `days` with the instants it spans, for figures by day.
pub fn each_day<Tz: TimeZone>(tz: &Tz, days: &Days) -> Vec<(NaiveDate, Period)> {
    days.first
        .iter_days()
        .take_while(|d| *d <= days.last)
        .map(|d| {
            let next = d.succ_opt().unwrap_or(d);
            (
                d,
                Period {
                    since: day_start(tz, d),
                    until: day_start(tz, next),
                },
            )
        })
        .collect()
}

/// The instant a calendar day of `tz` begins. Where a clock change skips
/// midnight, the day begins at the first instant that exists; where midnight
/// happens twice, at the first of them.
pub fn day_start<Tz: TimeZone>(tz: &Tz, day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| {
            let later = midnight + Duration::hours(1);
            tz.from_local_datetime(&later).earliest().map_or_else(
                || Utc.from_utc_datetime(&midnight),
                |t| t.with_timezone(&Utc),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, LocalResult, NaiveDateTime};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    /// A zone whose clocks change around local midnight, as Chile's do: UTC-4
    /// until 6 September 2026, when 00:00 becomes 01:00 (UTC-3), so that day
    /// has no midnight; back to UTC-4 on 4 April 2027, when 01:00 becomes
    /// 00:00 again, so that midnight comes twice.
    #[derive(Debug, Clone, Copy)]
    struct Santiago;

    const SPRING: (i32, u32, u32) = (2026, 9, 6);
    const AUTUMN: (i32, u32, u32) = (2027, 4, 4);

    fn winter() -> FixedOffset {
        FixedOffset::west_opt(4 * 3600).unwrap()
    }

    fn summer() -> FixedOffset {
        FixedOffset::west_opt(3 * 3600).unwrap()
    }

    /// The instants (UTC) the clocks change.
    fn changes() -> (NaiveDateTime, NaiveDateTime) {
        let at = |(y, m, d): (i32, u32, u32), h| day(y, m, d).and_hms_opt(h, 0, 0).unwrap();
        // 00:00 at UTC-4 and 01:00 at UTC-3 are both 04:00 UTC.
        (at(SPRING, 4), at(AUTUMN, 4))
    }

    impl Santiago {
        fn offset_at(utc: &NaiveDateTime) -> FixedOffset {
            let (spring, autumn) = changes();
            if *utc >= spring && *utc < autumn {
                summer()
            } else {
                winter()
            }
        }
    }

    impl TimeZone for Santiago {
        type Offset = FixedOffset;

        fn from_offset(_: &FixedOffset) -> Self {
            Santiago
        }

        fn offset_from_local_date(&self, local: &NaiveDate) -> LocalResult<FixedOffset> {
            self.offset_from_local_datetime(&local.and_hms_opt(12, 0, 0).unwrap())
        }

        fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> LocalResult<FixedOffset> {
            // Each offset that, applied to this wall-clock time, gives an
            // instant at which the zone has that offset.
            let fits: Vec<FixedOffset> = [winter(), summer()]
                .into_iter()
                .filter(|o| Santiago::offset_at(&(*local - *o)) == *o)
                .collect();
            match fits[..] {
                [] => LocalResult::None,
                [o] => LocalResult::Single(o),
                [a, b, ..] => {
                    // The earlier instant first: the larger offset west.
                    let (early, late) = if *local - a < *local - b {
                        (a, b)
                    } else {
                        (b, a)
                    };
                    LocalResult::Ambiguous(early, late)
                }
            }
        }

        fn offset_from_utc_date(&self, utc: &NaiveDate) -> FixedOffset {
            Santiago::offset_at(&utc.and_hms_opt(0, 0, 0).unwrap())
        }

        fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> FixedOffset {
            Santiago::offset_at(utc)
        }
    }

    #[test]
    fn the_default_is_the_current_month_in_the_readers_zone() {
        let now = utc(2026, 11, 20, 12, 0);
        let d = asked(&Utc, None, None, None, now).unwrap();
        assert_eq!(
            (d.first, d.last, d.whole_month),
            (day(2026, 11, 1), day(2026, 11, 30), true)
        );
        assert_eq!(d.period.since, utc(2026, 11, 1, 0, 0));
        assert_eq!(d.period.until, utc(2026, 12, 1, 0, 0));
        // An hour before midnight in UTC it is already December in Vienna.
        let vienna = FixedOffset::east_opt(3600).unwrap();
        let d = asked(&vienna, None, None, None, utc(2026, 11, 30, 23, 30)).unwrap();
        assert_eq!(d.first, day(2026, 12, 1));
        assert_eq!(d.period.since, utc(2026, 11, 30, 23, 0));
    }

    #[test]
    fn the_previous_period_is_the_month_before_or_as_many_days_before() {
        let now = utc(2026, 11, 20, 12, 0);
        let march = asked(&Utc, Some(day(2026, 3, 1)), None, None, now).unwrap();
        let feb = previous(&Utc, &march);
        assert_eq!(
            (feb.first, feb.last, feb.whole_month),
            (day(2026, 2, 1), day(2026, 2, 28), true)
        );
        assert_eq!(feb.period.until, march.period.since);
        let jan = asked(&Utc, Some(day(2026, 1, 1)), None, None, now).unwrap();
        assert_eq!(previous(&Utc, &jan).first, day(2025, 12, 1));
        let span = asked(
            &Utc,
            None,
            Some(day(2026, 11, 10)),
            Some(day(2026, 11, 16)),
            now,
        )
        .unwrap();
        let before = previous(&Utc, &span);
        assert_eq!(
            (before.first, before.last),
            (day(2026, 11, 3), day(2026, 11, 9))
        );
        assert_eq!(before.period.until, span.period.since);
        let one = asked(
            &Utc,
            None,
            Some(day(2026, 11, 10)),
            Some(day(2026, 11, 10)),
            now,
        )
        .unwrap();
        assert_eq!(previous(&Utc, &one).first, day(2026, 11, 9));
    }

    #[test]
    fn each_day_spans_its_local_day() {
        let now = utc(2026, 9, 20, 12, 0);
        let d = asked(&Santiago, Some(day(2026, 9, 1)), None, None, now).unwrap();
        let days = each_day(&Santiago, &d);
        assert_eq!(days.len(), 30);
        assert_eq!(days[0].1.since, d.period.since);
        assert_eq!(days[29].1.until, d.period.until);
        // 6 September is an hour short.
        assert_eq!(days[5].1.until - days[5].1.since, Duration::hours(23));
        assert!(days.windows(2).all(|w| w[0].1.until == w[1].1.since));
    }

    #[test]
    fn a_month_runs_to_its_last_day_whatever_its_length() {
        let now = utc(2026, 11, 20, 12, 0);
        for (month, last) in [
            (day(2026, 2, 1), day(2026, 2, 28)),
            (day(2028, 2, 1), day(2028, 2, 29)),
            (day(2026, 12, 1), day(2026, 12, 31)),
        ] {
            let d = asked(&Utc, Some(month), None, None, now).unwrap();
            assert_eq!(d.last, last);
            assert_eq!(d.period.until, day_start(&Utc, last.succ_opt().unwrap()));
        }
    }

    #[test]
    fn since_and_until_are_whole_days_until_defaulting_to_today() {
        let now = utc(2026, 11, 20, 12, 0);
        let d = asked(
            &Utc,
            None,
            Some(day(2026, 11, 2)),
            Some(day(2026, 11, 2)),
            now,
        )
        .unwrap();
        assert!(!d.whole_month);
        assert_eq!(d.period.since, utc(2026, 11, 2, 0, 0));
        assert_eq!(d.period.until, utc(2026, 11, 3, 0, 0));
        let d = asked(&Utc, None, Some(day(2026, 11, 2)), None, now).unwrap();
        assert_eq!(d.last, day(2026, 11, 20));
    }

    #[test]
    fn a_period_that_ends_before_it_begins_is_a_usage_error() {
        let now = utc(2026, 11, 20, 12, 0);
        let err = asked(
            &Utc,
            None,
            Some(day(2026, 11, 10)),
            Some(day(2026, 11, 1)),
            now,
        )
        .unwrap_err();
        assert_eq!(err.code, crate::error::EXIT_USAGE);
        assert_eq!(
            err.message,
            "the period ends (2026-11-01) before it begins (2026-11-10)"
        );
        let from_tomorrow = asked(&Utc, None, Some(day(2026, 11, 21)), None, now);
        assert!(from_tomorrow.is_err(), "until defaults to today");
    }

    #[test]
    fn a_day_whose_midnight_is_skipped_begins_at_the_first_instant_there_is() {
        // 6 September: 00:00 does not exist; the day begins at 01:00 (UTC-3).
        assert_eq!(day_start(&Santiago, day(2026, 9, 6)), utc(2026, 9, 6, 4, 0));
        // The day before began at 00:00 UTC-4 and was whole; this one is an
        // hour short.
        let before = day_start(&Santiago, day(2026, 9, 5));
        assert_eq!(before, utc(2026, 9, 5, 4, 0));
        assert_eq!(
            day_start(&Santiago, day(2026, 9, 6)) - before,
            Duration::hours(24)
        );
        assert_eq!(
            day_start(&Santiago, day(2026, 9, 7)) - day_start(&Santiago, day(2026, 9, 6)),
            Duration::hours(23)
        );
    }

    #[test]
    fn a_day_whose_midnight_comes_twice_begins_at_the_first() {
        // 4 April 2027: 00:00 at UTC-3 (03:00 UTC), then again at UTC-4.
        assert_eq!(day_start(&Santiago, day(2027, 4, 4)), utc(2027, 4, 4, 3, 0));
        assert_eq!(
            day_start(&Santiago, day(2027, 4, 5)) - day_start(&Santiago, day(2027, 4, 4)),
            Duration::hours(25)
        );
    }

    #[test]
    fn a_month_with_a_clock_change_spans_its_local_days() {
        let now = utc(2026, 9, 20, 12, 0);
        let d = asked(&Santiago, Some(day(2026, 9, 1)), None, None, now).unwrap();
        assert_eq!(d.period.since, utc(2026, 9, 1, 4, 0));
        assert_eq!(d.period.until, utc(2026, 10, 1, 3, 0));
        assert_eq!(
            d.period.until - d.period.since,
            Duration::days(30) - Duration::hours(1)
        );
    }
}
