//! Optional nullable fields (`Option<Option<T>>`): a property that is absent stays `None`, one
//! that is `null` becomes `Some(None)`, so both round-trip as they came.

use serde::{Deserialize, Deserializer};

/// Used with `#[serde(default, deserialize_with = ...)]`: serde only calls it when the property
/// is present, so whatever it reads is wrapped in `Some`. (Unused when the enabled groups have
/// no optional nullable field.)
#[allow(dead_code)]
pub(crate) fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
