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
/// It is written back the way Plaid writes it: a UTC time received as `Z` is sent as `Z`, any
/// other offset as `±hh:mm`, and fractional seconds with as many digits as they need (0, 3, 6 or
/// 9). Two values are equal when they are the same instant.
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
    /// Written with `Z` rather than `+00:00`.
    zulu: bool,
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
        DateTime { value: value.fixed_offset(), zulu: true }
    }
}

impl From<chrono::DateTime<FixedOffset>> for DateTime {
    fn from(value: chrono::DateTime<FixedOffset>) -> Self {
        DateTime { value, zulu: false }
    }
}

impl FromStr for DateTime {
    type Err = chrono::ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let value = chrono::DateTime::parse_from_rfc3339(text)?;
        Ok(DateTime { value, zulu: text.ends_with(['Z', 'z']) })
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value.to_rfc3339_opts(SecondsFormat::AutoSi, self.zulu))
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
        assert!(serde_json::from_value::<DateTime>(serde_json::json!("2019-05-17")).is_err());
        let date: Date = serde_json::from_value(serde_json::json!("2024-02-29")).expect("a date");
        assert_eq!(serde_json::to_value(date).expect("encodes"), serde_json::json!("2024-02-29"));
    }
}
