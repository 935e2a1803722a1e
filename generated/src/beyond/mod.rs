//! Beyond the typed calls: per-call headers, query parameters and body fields (`extras`), raw
//! answers (`raw`), calls by path (`untyped`) and hooks (`hooks`).

pub(crate) mod extras;
pub(crate) mod hooks;
pub(crate) mod raw;
pub(crate) mod untyped;
