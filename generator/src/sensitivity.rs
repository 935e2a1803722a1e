//! Which fields hold secrets or personal data, decided by field name. Generated `Debug` impls
//! redact these fields, and the rule itself is emitted into the generated crate
//! (`REDACTION_RULE`) so that the runtime applies it to keys it only meets at run time: unknown
//! properties, free-form JSON values and the body excerpts of decode errors.
//!
//! The rule, on the JSON name split into lower-case words at every non-alphanumeric character:
//!
//! - the last word is one of [`SECRET_LAST_WORDS`] (`secret`, `access_token`,
//!   `public_token`, `new_access_token`, `processor_token`, `secrets`, `password`): a secret;
//! - any word is one of [`SECRET_WORDS`] (`ssn`, `ssn_last_4`): personal data, redacted the
//!   same way;
//! - the whole name is one of [`PARTIAL_NAMES`] (`client_id`): shown partially, its first
//!   four characters, when its type is a string (redacted fully otherwise).
//!
//! Matching on the last word keeps `token_expiration` or `secret_rotation_date` visible while
//! catching every `*_token` Plaid has added over the years without a list to maintain.

use std::collections::HashSet;

use crate::ir::{Api, Sensitivity, TypeKind, TypeRef};

/// A name whose last word is one of these is a secret.
pub const SECRET_LAST_WORDS: &[&str] = &["password", "secret", "secrets", "token", "tokens"];

/// A name with one of these words anywhere is personal data.
pub const SECRET_WORDS: &[&str] = &["ssn"];

/// Names shown partially.
pub const PARTIAL_NAMES: &[&str] = &["client_id"];

/// How a field with this JSON name is shown; `None` when it is not sensitive.
pub fn classify(wire: &str) -> Option<Sensitivity> {
    let lower = wire.to_ascii_lowercase();
    if PARTIAL_NAMES.contains(&lower.as_str()) {
        return Some(Sensitivity::Partial);
    }
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let secret = words.iter().any(|w| SECRET_WORDS.contains(w)) || words.last().is_some_and(|w| SECRET_LAST_WORDS.contains(w));
    secret.then_some(Sensitivity::Secret)
}

/// A partially shown field must be a string to be cut; any other type is redacted fully.
pub fn settle_partial_fields(api: &mut Api) {
    let string_aliases: HashSet<(String, String)> = api
        .modules
        .iter()
        .flat_map(|m| m.types.iter().map(move |t| (m, t)))
        .filter(|(_, t)| t.kind == TypeKind::Alias(TypeRef::String))
        .map(|(m, t)| (m.name.clone(), t.name.clone()))
        .collect();
    let is_string = |ty: &TypeRef| match ty {
        TypeRef::String => true,
        TypeRef::Named { module, name } => string_aliases.contains(&(module.clone(), name.clone())),
        _ => false,
    };
    for t in api.modules.iter_mut().flat_map(|m| m.types.iter_mut()) {
        if let TypeKind::Struct(s) = &mut t.kind {
            for f in &mut s.fields {
                if f.sensitivity == Some(Sensitivity::Partial) && !is_string(&f.ty) {
                    f.sensitivity = Some(Sensitivity::Secret);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_classified_by_their_words() {
        for name in ["secret", "access_token", "public_token", "new_access_token", "secrets", "ssn_last_4", "user-password"] {
            assert_eq!(classify(name), Some(Sensitivity::Secret), "{name}");
        }
        for name in ["account_id", "token_expiration", "secret_rotation_date", "tokenized", "classn", ""] {
            assert_eq!(classify(name), None, "{name}");
        }
        assert_eq!(classify("client_id"), Some(Sensitivity::Partial));
    }
}
