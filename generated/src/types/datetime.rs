//! The types of `format: date` and `format: date-time` values.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use chrono::{FixedOffset, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A `format: date` value: a calendar date, written `YYYY-MM-DD`.
pub type Date = chrono::NaiveDate;

/// A `format: date-time` value: an instant with the UTC offset it was written with (RFC 3339,
/// e.g. `2024-05-17T10:11:12Z` or `2024-05-17T12:11:12+02:00`).
///
/// It is written back the way it came: a UTC time received as `Z` is sent as `Z`, any other
/// offset as `±hh:mm`, and fractional seconds with as many digits as they need (0, 3, 6 or 9).
/// A bare date (`2020-01-01`, which Plaid's own spec uses as the example of some date-time
/// fields) reads as midnight UTC and is written back as the bare date. Two values are equal
/// when they are the same instant.
///
/// ```
/// use plaid_sdk::DateTime;
///
/// let t: DateTime = "2024-05-17T10:11:12Z".parse()?;
/// assert_eq!(t.to_string(), "2024-05-17T10:11:12Z");
/// assert_eq!(t, "2024-05-17T12:11:12+02:00".parse::<DateTime>()?);
/// assert_eq!(t.to_utc().timestamp(), 1_715_940_672);
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Copy)]
pub struct DateTime {
    value: chrono::DateTime<FixedOffset>,
    form: Form,
}

/// How a value is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// RFC 3339 with `Z` for UTC.
    Zulu,
    /// RFC 3339 with a numeric offset.
    Offset,
    /// `YYYY-MM-DD` only.
    Date,
}

impl DateTime {
    /// The value as a chrono date-time with its offset.
    pub fn as_chrono(&self) -> &chrono::DateTime<FixedOffset> {
        &self.value
    }

    /// The same instant in UTC.
    pub fn to_utc(&self) -> chrono::DateTime<Utc> {
        self.value.with_timezone(&Utc)
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(value: chrono::DateTime<Utc>) -> Self {
        DateTime { value: value.fixed_offset(), form: Form::Zulu }
    }
}

impl From<chrono::DateTime<FixedOffset>> for DateTime {
    fn from(value: chrono::DateTime<FixedOffset>) -> Self {
        DateTime { value, form: Form::Offset }
    }
}

impl FromStr for DateTime {
    type Err = chrono::ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(value) => Ok(DateTime { value, form: if text.ends_with(['Z', 'z']) { Form::Zulu } else { Form::Offset } }),
            Err(e) => {
                // Only a well-formed bare date is accepted in place of a date-time; any other
                // text reports the date-time error, which says more.
                let date = Date::parse_from_str(text, "%Y-%m-%d").map_err(|_| e)?;
                let value = date.and_time(chrono::NaiveTime::MIN).and_utc().fixed_offset();
                Ok(DateTime { value, form: Form::Date })
            }
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.form {
            Form::Date => write!(f, "{}", self.value.date_naive().format("%Y-%m-%d")),
            form => f.write_str(&self.value.to_rfc3339_opts(SecondsFormat::AutoSi, form == Form::Zulu)),
        }
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({self})")
    }
}

impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for DateTime {}

impl Hash for DateTime {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(|e| serde::de::Error::custom(format_args!("`{text}` is not an RFC 3339 date-time: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaids_formats_round_trip_as_written() {
        for text in ["2019-05-17T03:18:02Z", "2020-03-27T18:20:09.125Z", "2021-01-01T00:00:00+00:00", "2021-06-30T23:59:59.123456-07:00"] {
            let value: DateTime = serde_json::from_value(serde_json::json!(text)).expect(text);
            assert_eq!(serde_json::to_value(value).expect("encodes"), serde_json::json!(text));
        }
        let bare: DateTime = serde_json::from_value(serde_json::json!("2020-01-01")).expect("a bare date");
        assert_eq!(bare.to_utc().timestamp(), 1_577_836_800);
        assert_eq!(serde_json::to_value(bare).expect("encodes"), serde_json::json!("2020-01-01"));
        for bad in ["2019-05-17 10:00", "yesterday", "2019-13-01", ""] {
            assert!(serde_json::from_value::<DateTime>(serde_json::json!(bad)).is_err(), "{bad}");
        }
        let date: Date = serde_json::from_value(serde_json::json!("2024-02-29")).expect("a date");
        assert_eq!(serde_json::to_value(date).expect("encodes"), serde_json::json!("2024-02-29"));
    }
}
