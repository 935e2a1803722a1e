//! The trait impls every generated type shares, written once here so that each type adds little
//! to compile. A generated type's file holds a table; [`struct_impls!`] and [`enum_impls!`] turn
//! it into `Debug` and serde impls (and an enum's `as_str`, `Display` and `FromStr`). Structs
//! decode through [`Object`] and [`Keys`] (known properties by index, unknown ones kept by name,
//! without serde's buffering for `flatten`), enums through [`string_enum`] over their `FromStr`.
//!
//! Decoding is tolerant where servers drift and nowhere else: a text field (or list of text) also
//! takes a JSON number or boolean, kept as its JSON text ([`read`]); an enum also takes a number
//! or boolean, matched by its text, and a value the spec lists unquoted (`enum: [true, false]`)
//! is written back in that form. Everything else decodes exactly as the type says.

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

/// Decodes a string enum through its `FromStr` (which keeps unlisted values); a JSON number or
/// boolean is read as its text, so `true` matches a value the spec lists as `true` or `"true"`.
// Unused in a crate whose spec has no enum.
#[allow(dead_code)]
pub(crate) fn string_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = Infallible>,
{
    deserializer.deserialize_any(TextOf(|text: &str| match T::from_str(text) {
        Ok(v) => v,
        Err(never) => match never {},
    }))
}

/// The one visitor of text that may come as a JSON number or boolean (read as its JSON text):
/// hands the text to the function it holds. String enums and [`read::Lenient`] both read
/// through it.
struct TextOf<F>(F);

impl<V, F: FnOnce(&str) -> V> Visitor<'_> for TextOf<F> {
    type Value = V;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<V, E> {
        Ok((self.0)(value))
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<V, E> {
        self.visit_str(if value { "true" } else { "false" })
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<V, E> {
        self.visit_str(&value.to_string())
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<V, E> {
        self.visit_str(&value.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<V, E> {
        self.visit_str(&float_text(value))
    }
}

/// A float as JSON writes it (`2.5`, `1.0`), so that it matches the text the generator gave a
/// value the spec lists as a number.
fn float_text(value: f64) -> String {
    serde_json::Number::from_f64(value).map_or_else(|| value.to_string(), |n| n.to_string())
}

/// Writes an enum value the spec lists as a JSON number or boolean (`true`, `1`, `2.5`) in that
/// form; any other text as a string.
// Unused in a crate whose spec lists no such value.
#[allow(dead_code)]
pub(crate) fn json_scalar<S: serde::Serializer>(serializer: S, text: &str) -> Result<S::Ok, S::Error> {
    match text {
        "true" => serializer.serialize_bool(true),
        "false" => serializer.serialize_bool(false),
        _ => match (text.parse::<i64>(), text.parse::<u64>(), text.parse::<f64>()) {
            (Ok(n), _, _) => serializer.serialize_i64(n),
            (_, Ok(n), _) => serializer.serialize_u64(n),
            (_, _, Ok(x)) if x.is_finite() => serializer.serialize_f64(x),
            _ => serializer.serialize_str(text),
        },
    }
}

/// How a field's value is read from JSON, named by the last column of a [`struct_impls!`] row:
/// [`Value`](read::Value) as its type says, [`Text`](read::Text) for text that may come as a
/// number or boolean, [`Texts`](read::Texts) for a list of such text.
pub(crate) mod read {
    // Which of these a crate uses depends on its spec.
    #![allow(dead_code)]

    use serde::de::{Deserialize, DeserializeOwned, Deserializer};

    /// Reads a `T` through a wire form.
    pub(crate) trait Read<T> {
        /// What is decoded from JSON.
        type Wire: DeserializeOwned;
        /// The field's value from it.
        fn from_wire(wire: Self::Wire) -> T;
    }

    /// As the type says.
    pub(crate) struct Value;

    impl<T: DeserializeOwned> Read<T> for Value {
        type Wire = T;

        #[inline]
        fn from_wire(wire: T) -> T {
            wire
        }
    }

    /// Text that may come as a JSON number or boolean.
    pub(crate) struct Text;

    impl Read<String> for Text {
        type Wire = Lenient;

        #[inline]
        fn from_wire(wire: Lenient) -> String {
            wire.0
        }
    }

    impl Read<Option<String>> for Text {
        type Wire = Option<Lenient>;

        #[inline]
        fn from_wire(wire: Option<Lenient>) -> Option<String> {
            wire.map(|t| t.0)
        }
    }

    /// A list of text, each item of which may come as a number or boolean.
    pub(crate) struct Texts;

    impl Read<Vec<String>> for Texts {
        type Wire = Vec<Lenient>;

        #[inline]
        fn from_wire(wire: Vec<Lenient>) -> Vec<String> {
            wire.into_iter().map(|t| t.0).collect()
        }
    }

    impl Read<Option<Vec<String>>> for Texts {
        type Wire = Option<Vec<Lenient>>;

        #[inline]
        fn from_wire(wire: Option<Vec<Lenient>>) -> Option<Vec<String>> {
            wire.map(|items| items.into_iter().map(|t| t.0).collect())
        }
    }

    /// Text read from a JSON string, number or boolean (the latter two as their JSON text).
    pub(crate) struct Lenient(pub(crate) String);

    impl<'de> Deserialize<'de> for Lenient {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(super::TextOf(|text: &str| Lenient(text.to_owned())))
        }
    }
}

/// A generated struct's `Debug` and serde impls from one table, written once here rather than
/// printed out for each of thousands of structs: the generated file holds a row per field, the
/// compiler expands it. Each row is `index field "wire name" presence show read`:
/// - `presence` names a module of [`field`]: `req`, `req_null`, `opt` or `opt_null`, which says
///   how the field is written, read and checked;
/// - `show` names how `Debug` shows it: `plain`, `json`, `redacted` or `partial`;
/// - `read` names what JSON the value is read from, a type of [`read`]: `Value`, `Text` or
///   `Texts`.
///
/// The head names the struct, the impls to write (`Debug`, `Serialize`, `Deserialize`) and the
/// field that keeps unknown properties (`[]` when they are dropped).
///
/// The non-generic methods (`Debug::fmt`, `index`) are `#[inline]`, as derived `Clone` and
/// `PartialEq` are: they are compiled in the crate that calls them, so an application pays for
/// the types it prints, not for every type of the API.
macro_rules! struct_impls {
    ($name:ident [$($impl:ident)*] $rest:tt $rows:tt) => {
        $($crate::codec::struct_impls!(@$impl $name $rest $rows);)*
    };
    (@Debug $name:ident [$($rest:ident)?] { $($i:literal $field:ident $wire:literal $presence:ident $show:ident $read:ident)* }) => {
        impl ::std::fmt::Debug for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($name))
                    $(.field(stringify!($field), &$crate::codec::field::$presence::$show(&self.$field)))*
                    $(.field(stringify!($rest), &$crate::redact::Json(&self.$rest)))?
                    .finish()
            }
        }
    };
    (@Serialize $name:ident [$($rest:ident)?] { $($i:literal $field:ident $wire:literal $presence:ident $show:ident $read:ident)* }) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                $($crate::codec::field::$presence::put(&mut map, $wire, &self.$field)?;)*
                $(for (key, value) in &self.$rest {
                    map.serialize_entry(key, value)?;
                })?
                map.end()
            }
        }
    };
    (@Deserialize $name:ident [$($rest:ident)?] { $($i:tt $field:ident $wire:literal $presence:ident $show:ident $read:ident)* }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::codec::object(deserializer)
            }
        }

        impl $crate::codec::Object for $name {
            const EXPECTING: &'static str = concat!("a JSON object (`", stringify!($name), "`)");

            #[inline]
            fn index(name: &str) -> Option<usize> {
                match name {
                    $($wire => Some($i),)*
                    _ => None,
                }
            }

            fn read<'de, A: ::serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                // One tuple of slots rather than a local per field: every early return then
                // drops one value, not every field's, which keeps the function's size (and
                // the compiler's work on it) linear in the field count. Slots are emptied with
                // `Option::take`, never moved out, for the same reason; errors return through
                // a plain `match`, which type-checks faster than `?`'s trait calls. The
                // slots' types follow from the struct literal below.
                // A struct without fields has an empty tuple, never touched.
                #[allow(unused_mut, unused_variables)]
                let mut slots = ($($crate::codec::slot($i),)*);
                let mut rest = $crate::codec::struct_impls!(@rest [$($rest)?]);
                while let Some(key) = map.next_key_seed($crate::codec::Keys::<Self>::new())? {
                    match key {
                        $($crate::codec::Key::Known($i) => match $crate::codec::field::$presence::get::<$crate::codec::read::$read, _, _>(&mut map) {
                            Ok(value) => slots.$i = value,
                            Err(e) => return Err(e),
                        },)*
                        $crate::codec::Key::Unknown(key) => $crate::codec::Unknowns::keep(&mut rest, key, &mut map)?,
                        // `index` gives no other number.
                        $crate::codec::Key::Known(_) => $crate::codec::skip(&mut map)?,
                    }
                }
                Ok(Self {
                    $($field: match $crate::codec::field::$presence::take(slots.$i.take(), $wire) {
                        Ok(value) => value,
                        Err(e) => return Err(e),
                    },)*
                    $($rest: rest,)?
                })
            }
        }
    };
    (@rest []) => { $crate::codec::Skip };
    (@rest [$rest:ident]) => { ::std::collections::BTreeMap::new() };
}
// Unused in a crate whose spec has no object schema.
#[allow(unused_imports)]
pub(crate) use struct_impls;

/// A generated string enum's `as_str`, `Display`, `FromStr`, `From<&str>`, `From<String>` and, as the head asks, serde impls,
/// from a row per variant (`Variant "wire value"`). The head names the enum, its fallback
/// variant (which keeps any value not listed) and the serde impls to write; after the rows,
/// `literal { Variant ... }` lists the values the spec gives as JSON numbers or booleans, which
/// are written in that form. Its methods are `#[inline]` for the reason [`struct_impls!`] gives.
// Unused in a crate whose spec has no enum.
#[allow(unused_macros)]
macro_rules! enum_impls {
    ($name:ident $fallback:ident [$($impl:ident)*] { $($variant:ident $wire:literal)* }) => {
        $crate::codec::enum_impls!($name $fallback [$($impl)*] { $($variant $wire)* } literal {});
    };
    ($name:ident $fallback:ident [$($impl:ident)*] { $($variant:ident $wire:literal)* } literal $literals:tt) => {
        impl $name {
            /// The value as it appears on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::$fallback(other) => other,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Never fails: a value this version does not list becomes the fallback variant.
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            #[inline]
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        /// As [`FromStr`](::std::str::FromStr): a value this version does not list becomes the
        /// fallback variant.
        impl ::std::convert::From<&str> for $name {
            #[inline]
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::$fallback(other.to_string()),
                }
            }
        }

        /// As [`FromStr`](::std::str::FromStr), keeping the `String` for a value this version
        /// does not list.
        impl ::std::convert::From<String> for $name {
            #[inline]
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::$fallback(_) => Self::$fallback(value),
                    known => known,
                }
            }
        }

        $($crate::codec::enum_impls!(@$impl $name $literals);)*
    };
    (@Serialize $name:ident {}) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
    (@Serialize $name:ident { $($literal:ident)+ }) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(Self::$literal)|+ => $crate::codec::json_scalar(serializer, self.as_str()),
                    _ => serializer.serialize_str(self.as_str()),
                }
            }
        }
    };
    (@Deserialize $name:ident $literals:tt) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::codec::string_enum(deserializer)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use enum_impls;

/// An empty slot for the field at `_index` of a struct being read (see [`struct_impls!`]).
#[inline]
pub(crate) fn slot<T>(_index: usize) -> Option<T> {
    None
}

/// Where a generated struct puts the properties its spec does not list.
pub(crate) trait Unknowns {
    /// Takes the value of the property `key`.
    fn keep<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error>;
}

/// A struct that keeps no unknown properties: their values are read past.
// Unused when every struct of the spec keeps its unknown properties.
#[allow(dead_code)]
pub(crate) struct Skip;

impl Unknowns for Skip {
    fn keep<'de, A: MapAccess<'de>>(&mut self, _key: String, map: &mut A) -> Result<(), A::Error> {
        skip(map)
    }
}

/// Reads past a property's value.
pub(crate) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<serde::de::IgnoredAny>().map(drop)
}

impl<V: serde::de::DeserializeOwned> Unknowns for std::collections::BTreeMap<String, V> {
    fn keep<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        let value = map.next_value()?;
        self.insert(key, value);
        Ok(())
    }
}

/// What [`struct_impls!`] does with a field, by its presence: how it is written (`put`), read into
/// its local (`get`) and taken from that local once the object ends (`take`), and how `Debug`
/// shows it (`plain`, `json`, `redacted`, `partial`). Generic and tiny: each field's code is a
/// call the compiler shares between all fields of one type.
pub(crate) mod field {
    // Which of these a crate uses depends on its spec: a spec with no secret has no
    // `redacted` field, say.
    #![allow(unused_imports, dead_code)]

    /// Shown through the type's own `Debug`.
    pub(crate) fn plain<T: ?Sized>(value: &T) -> &T {
        value
    }

    /// Shown as JSON with the redaction rule applied to every key.
    pub(crate) fn json<T: ?Sized>(value: &T) -> crate::redact::Json<'_, T> {
        crate::redact::Json(value)
    }

    /// Required, not nullable: `T`, always written; a missing one is serde's `missing field`.
    pub(crate) mod req {
        use serde::de::{Error, MapAccess};

        use crate::codec::read::Read;
        use serde::ser::{Serialize, SerializeMap};

        pub(crate) use super::{json, plain};

        pub(crate) fn put<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, value: &T) -> Result<(), M::Error> {
            map.serialize_entry(key, value)
        }

        pub(crate) fn get<'de, R: Read<T>, A: MapAccess<'de>, T>(map: &mut A) -> Result<Option<T>, A::Error> {
            map.next_value::<R::Wire>().map(|wire| Some(R::from_wire(wire)))
        }

        pub(crate) fn take<E: Error, T>(value: Option<T>, key: &'static str) -> Result<T, E> {
            value.ok_or_else(|| E::missing_field(key))
        }

        pub(crate) fn redacted<T>(_: &T) -> crate::redact::Redacted {
            crate::redact::Redacted
        }

        pub(crate) fn partial(value: &str) -> crate::redact::Partial<'_> {
            crate::redact::Partial(value)
        }
    }

    /// Optional, not nullable: `Option<T>`, left out when `None`; `null` reads as `None`.
    pub(crate) mod opt {
        use serde::de::MapAccess;

        use crate::codec::read::Read;
        use serde::ser::{Serialize, SerializeMap};

        pub(crate) use super::{json, plain};

        pub(crate) fn put<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, value: &Option<T>) -> Result<(), M::Error> {
            match value {
                Some(value) => map.serialize_entry(key, value),
                None => Ok(()),
            }
        }

        pub(crate) fn get<'de, R: Read<T>, A: MapAccess<'de>, T>(map: &mut A) -> Result<Option<T>, A::Error> {
            map.next_value::<Option<R::Wire>>().map(|wire| wire.map(R::from_wire))
        }

        pub(crate) fn take<E, T>(value: T, _key: &'static str) -> Result<T, E> {
            Ok(value)
        }

        pub(crate) fn redacted<T>(value: &Option<T>) -> Option<crate::redact::Redacted> {
            value.as_ref().map(super::req::redacted)
        }

        pub(crate) fn partial(value: &Option<String>) -> Option<crate::redact::Partial<'_>> {
            value.as_deref().map(crate::redact::Partial)
        }
    }

    /// Required and nullable: `Option<T>`, always written, `null` for `None`.
    pub(crate) mod req_null {
        pub(crate) use super::opt::{get, partial, redacted, take};
        pub(crate) use super::req::put;
        pub(crate) use super::{json, plain};
    }

    /// Optional and nullable: [`Nullable<T>`](crate::Nullable), left out when `Absent`,
    /// `null` for `Null`.
    pub(crate) mod opt_null {
        use serde::de::MapAccess;
        use serde::ser::{Serialize, SerializeMap};

        use crate::codec::read::Read;
        use crate::Nullable;

        pub(crate) use super::{json, plain};

        pub(crate) fn put<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, value: &Nullable<T>) -> Result<(), M::Error> {
            match value {
                Nullable::Absent => Ok(()),
                Nullable::Null => map.serialize_entry(key, &()),
                Nullable::Value(value) => map.serialize_entry(key, value),
            }
        }

        pub(crate) fn get<'de, R: Read<T>, A: MapAccess<'de>, T>(map: &mut A) -> Result<Option<Nullable<T>>, A::Error> {
            map.next_value::<Option<R::Wire>>().map(|wire| {
                Some(match wire {
                    Some(wire) => Nullable::Value(R::from_wire(wire)),
                    None => Nullable::Null,
                })
            })
        }

        pub(crate) fn take<E, T>(value: Option<Nullable<T>>, _key: &'static str) -> Result<Nullable<T>, E> {
            Ok(value.unwrap_or_default())
        }

        pub(crate) fn redacted<T>(value: &Nullable<T>) -> Nullable<crate::redact::Redacted> {
            value.as_ref().map(super::req::redacted)
        }

        pub(crate) fn partial(value: &Nullable<String>) -> Nullable<crate::redact::Partial<'_>> {
            value.as_ref().map(|value| crate::redact::Partial(value))
        }
    }
}
