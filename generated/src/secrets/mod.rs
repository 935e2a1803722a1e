//! Secrets stay out of errors, logs and `Debug`: the name rule (`redact`, on the words of
//! `name_words`, which the generator shares) and redaction by value (`scrub`).

pub(crate) mod name_words;
pub mod redact;
pub(crate) mod scrub;
