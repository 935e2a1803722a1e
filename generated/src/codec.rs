//! The serde code every generated type shares, written once here so that each type adds little
//! to compile: generated structs decode through [`Keys`] (known properties by index, unknown ones
//! kept by name, without serde's buffering for `flatten`), and generated enums through
//! [`string_enum`] over their `FromStr`.

use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};

/// A property name of a JSON object being decoded into a generated struct.
pub(crate) enum Key {
    /// The struct's property at this index of its name list.
    Known(usize),
    /// A property the spec does not list, by name.
    Unknown(String),
}

/// Reads a property name of struct `T` (by [`Object::index`]), without allocating for a known
/// one.
pub(crate) struct Keys<T>(PhantomData<T>);

impl<T> Keys<T> {
    pub(crate) fn new() -> Self {
        Keys(PhantomData)
    }
}

impl<'de, T: Object> DeserializeSeed<'de> for Keys<T> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<T: Object> Visitor<'_> for Keys<T> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(match T::index(name) {
            Some(i) => Key::Known(i),
            None => Key::Unknown(name.to_owned()),
        })
    }

    fn visit_string<E: serde::de::Error>(self, name: String) -> Result<Key, E> {
        Ok(match T::index(&name) {
            Some(i) => Key::Known(i),
            None => Key::Unknown(name),
        })
    }
}

/// A generated struct read from a JSON object: the one piece each struct writes; the visitor
/// around it is [`object`], shared by all.
pub(crate) trait Object: Sized {
    /// What a non-object is reported as not being.
    const EXPECTING: &'static str;
    /// The position of a property among the struct's fields, by its JSON name.
    fn index(name: &str) -> Option<usize>;
    /// Reads the object's properties.
    fn read<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Decodes a generated struct from a JSON object.
pub(crate) fn object<'de, D: Deserializer<'de>, T: Object>(deserializer: D) -> Result<T, D::Error> {
    struct Fields<T>(PhantomData<T>);
    impl<'de, T: Object> Visitor<'de> for Fields<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::read(map)
        }
    }
    deserializer.deserialize_map(Fields(PhantomData))
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
