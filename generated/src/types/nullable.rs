//! [`Nullable`]: the type of a field that the spec makes both optional and nullable, where
//! "left out" and `null` are different things on the wire.

/// A field that may be left out, sent as `null`, or hold a value; each of the three
/// round-trips as it came.
///
/// Reading one is one call whatever the field: [`value`](Self::value) (or
/// [`as_deref`](Self::as_deref) for text) gives the value if there is one, treating left out
/// and `null` alike:
///
/// ```
/// use plaid_sdk::Nullable;
///
/// let merchant: Nullable<String> = Nullable::Value("Blue Bottle".into());
/// assert_eq!(merchant.as_deref(), Some("Blue Bottle"));
/// assert_eq!(Nullable::<String>::Null.as_deref(), None);
/// ```
///
/// Setting one goes through the struct's setters: `with_<field>(value)` takes anything that
/// converts into the value, and `with_<field>_null()` sends an explicit `null`. A field starts
/// as [`Absent`](Self::Absent) and is then left out of the JSON.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// Left out of the JSON.
    #[default]
    Absent,
    /// Present as `null`.
    Null,
    /// Present with a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, if there is one (`None` when left out or `null`).
    #[inline]
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value, mutably, if there is one.
    #[inline]
    pub fn value_mut(&mut self) -> Option<&mut T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value, taken out, if there is one.
    #[inline]
    pub fn into_value(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value through `Deref` (`&str` for a `String`, `&[T]` for a `Vec<T>`), if there is one.
    #[inline]
    pub fn as_deref(&self) -> Option<&T::Target>
    where
        T: std::ops::Deref,
    {
        self.value().map(|value| &**value)
    }

    /// The value as a reference, keeping which of the three it is.
    #[inline]
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(value),
        }
    }

    /// Applies `f` to the value, keeping which of the three it is.
    #[inline]
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(f(value)),
        }
    }

    /// True when the field was left out.
    #[inline]
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// True when the field is an explicit `null`.
    #[inline]
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// True when the field holds a value.
    #[inline]
    pub fn is_value(&self) -> bool {
        matches!(self, Self::Value(_))
    }
}

/// `None` is left out, `Some(None)` is `null`, as serde's usual double option.
impl<T> From<Option<Option<T>>> for Nullable<T> {
    #[inline]
    fn from(value: Option<Option<T>>) -> Self {
        match value {
            None => Self::Absent,
            Some(None) => Self::Null,
            Some(Some(value)) => Self::Value(value),
        }
    }
}

/// Left out is `None`, `null` is `Some(None)`.
impl<T> From<Nullable<T>> for Option<Option<T>> {
    #[inline]
    fn from(value: Nullable<T>) -> Self {
        match value {
            Nullable::Absent => None,
            Nullable::Null => Some(None),
            Nullable::Value(value) => Some(Some(value)),
        }
    }
}

/// On its own (outside a generated struct, which leaves an absent field out), left out and
/// `null` are both written as `null`.
impl<T: serde::Serialize> serde::Serialize for Nullable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => value.serialize(serializer),
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

/// `null` reads as [`Null`](Nullable::Null), anything else as a value; a generated struct
/// reads a missing property as [`Absent`](Nullable::Absent).
impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Nullable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(|value| match value {
            Some(value) => Self::Value(value),
            None => Self::Null,
        })
    }
}
