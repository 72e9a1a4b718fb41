//! Times as ticket files store them: TOML offset date-times in UTC, to the second.

use chrono::{DateTime, SubsecRound, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};
use toml::value::{Date, Datetime, Offset, Time};

/// Converts a UTC instant to the TOML value written in files.
pub fn to_toml(t: DateTime<Utc>) -> Datetime {
    use chrono::{Datelike, Timelike};
    let t = t.trunc_subsecs(0);
    Datetime {
        date: Some(Date {
            year: t.year() as u16,
            month: t.month() as u8,
            day: t.day() as u8,
        }),
        time: Some(Time {
            hour: t.hour() as u8,
            minute: t.minute() as u8,
            second: Some(t.second() as u8),
            nanosecond: None,
        }),
        offset: Some(Offset::Z),
    }
}

/// Reads a TOML date-time that carries an offset; any offset is turned into UTC.
pub fn from_toml(dt: &Datetime) -> Result<DateTime<Utc>, String> {
    let expected = "an offset date-time such as 2026-11-20T09:14:00Z";
    let (Some(date), Some(time), Some(offset)) = (dt.date, dt.time, dt.offset) else {
        return Err(format!("expected {expected}, found {dt}"));
    };
    let offset_minutes = match offset {
        Offset::Z => 0,
        Offset::Custom { minutes } => i32::from(minutes),
    };
    let fixed = chrono::FixedOffset::east_opt(offset_minutes * 60)
        .ok_or_else(|| format!("expected {expected}, found {dt}"))?;
    let local =
        chrono::NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
            .and_then(|d| {
                d.and_hms_nano_opt(
                    time.hour.into(),
                    time.minute.into(),
                    time.second.unwrap_or(0).into(),
                    time.nanosecond.unwrap_or(0),
                )
            })
            .ok_or_else(|| format!("expected {expected}, found {dt}"))?;
    let t = fixed
        .from_local_datetime(&local)
        .single()
        .ok_or_else(|| format!("expected {expected}, found {dt}"))?;
    Ok(t.with_timezone(&Utc).trunc_subsecs(0))
}

/// `#[serde(with = "time::toml_time")]` for a required time field.
pub mod toml_time {
    use super::*;

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        to_toml(*t).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let dt = Datetime::deserialize(d)?;
        from_toml(&dt).map_err(D::Error::custom)
    }
}

/// `#[serde(with = "time::toml_time_opt")]` for an optional time field.
pub mod toml_time_opt {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => to_toml(*t).serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        let dt = Datetime::deserialize(d)?;
        from_toml(&dt).map(Some).map_err(D::Error::custom)
    }
}

/// `#[serde(with = "time::compact")]`: an instant as seconds and nanoseconds,
/// for binary caches where parsing text for every time would cost too much.
pub mod compact {
    use super::*;

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        (t.timestamp(), t.timestamp_subsec_nanos()).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let (secs, nanos) = <(i64, u32)>::deserialize(d)?;
        DateTime::from_timestamp(secs, nanos).ok_or_else(|| D::Error::custom("time out of range"))
    }
}

/// Formats an instant as RFC 3339 in UTC, to the second (the JSON form).
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_normalised_to_utc() {
        let dt: Datetime = "2026-11-20T10:14:00+01:00".parse().unwrap();
        assert_eq!(rfc3339(from_toml(&dt).unwrap()), "2026-11-20T09:14:00Z");
    }

    #[test]
    fn local_date_times_are_rejected() {
        let dt: Datetime = "2026-11-20T10:14:00".parse().unwrap();
        assert!(from_toml(&dt).unwrap_err().contains("offset date-time"));
    }

    #[test]
    fn round_trip_drops_subseconds() {
        let t = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap()
            + chrono::Duration::milliseconds(700);
        assert_eq!(
            rfc3339(from_toml(&to_toml(t)).unwrap()),
            "2026-01-02T03:04:05Z"
        );
    }
}
