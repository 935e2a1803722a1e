//! The serde code every generated type shares, written once here so that each type adds little
//! to compile: generated structs decode through [`Keys`] (known properties by index, unknown ones
//! kept by name, without serde's buffering for `flatten`), and generated enums through
//! [`string_enum`] over their `FromStr`.

use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{DeserializeSeed, Deserializer, Visitor};

/// A property name of a JSON object being decoded into a generated struct.
pub(crate) enum Key {
    /// The struct's property at this index of its name list.
    Known(usize),
    /// A property the spec does not list, by name.
    Unknown(String),
}

/// Reads a property name against a struct's list of names (its JSON names, in field order),
/// without allocating for a known one.
#[derive(Clone, Copy)]
pub(crate) struct Keys(pub(crate) &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Keys {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Keys {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(match self.0.iter().position(|known| *known == name) {
            Some(i) => Key::Known(i),
            None => Key::Unknown(name.to_owned()),
        })
    }

    fn visit_string<E: serde::de::Error>(self, name: String) -> Result<Key, E> {
        Ok(match self.0.iter().position(|known| *known == name) {
            Some(i) => Key::Known(i),
            None => Key::Unknown(name),
        })
    }
}

/// A required property that never came.
pub(crate) fn missing<E: serde::de::Error>(name: &'static str) -> E {
    E::missing_field(name)
}

/// Decodes a string enum through its `FromStr` (which keeps unlisted values).
pub(crate) fn string_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = Infallible>,
{
    struct Text<T>(PhantomData<T>);
    impl<T: FromStr<Err = Infallible>> Visitor<'_> for Text<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            match T::from_str(value) {
                Ok(v) => Ok(v),
                Err(never) => match never {},
            }
        }
    }
    deserializer.deserialize_str(Text(PhantomData))
}
