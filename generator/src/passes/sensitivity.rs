//! Which fields hold secrets or personal data, decided by field name and by the schema.
//! Generated `Debug` impls redact these fields, and the rule itself is emitted into the
//! generated crate (`REDACTION_RULE`) so that the runtime applies it to keys it only meets at
//! run time (unknown properties, free-form JSON values, body excerpts) and collects the values of
//! a request's sensitive fields to scrub them from everything it shows.
//!
//! The name rule, on the JSON name split into lower-case words (at every non-alphanumeric
//! character and at camelCase and PascalCase boundaries, by `generated/src/secrets/name_words.rs`, the
//! same file the runtime uses):
//!
//! - the last word is one of [`SECRET_LAST_WORDS`] (`secret`, `access_token`,
//!   `public_token`, `new_access_token`, `processor_token`, `secrets`, `password`): a secret;
//! - any word is one of [`SECRET_WORDS`] (`ssn`, `ssn_last_4`): personal data, redacted the
//!   same way;
//! - the whole name is one of [`PARTIAL_NAMES`] (`client_id`): shown partially, its first
//!   four characters, when its type is a string (redacted fully otherwise).
//!
//! A property whose schema says `format: password` or `writeOnly: true` is a secret whatever its
//! name; such names are emitted with the rule ([`settle_rule`]), so the runtime treats the
//! same keys as secret too.
//!
//! Matching on the last word keeps `token_expiration` or `secret_rotation_date` visible while
//! catching every `*_token` Plaid has added over the years without a list to maintain.

use std::collections::BTreeSet;

use crate::graph::TypeIndex;
use crate::name_words;
use crate::ir::{Api, RedactionRule, Sensitivity, TypeKind, TypeRef};


/// A name whose last word is one of these is a secret.
pub const SECRET_LAST_WORDS: &[&str] = &["password", "secret", "secrets", "token", "tokens"];

/// A name with one of these words anywhere is personal data.
pub const SECRET_WORDS: &[&str] = &["ssn"];

/// Names shown partially.
pub const PARTIAL_NAMES: &[&str] = &["client_id"];

/// How a field with this JSON name is shown by the name rule; `None` when it is not sensitive.
pub fn classify(wire: &str) -> Option<Sensitivity> {
    let words = name_words::words(wire);
    if PARTIAL_NAMES.contains(&words.join("_").as_str()) {
        return Some(Sensitivity::Partial);
    }
    let secret = words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
        || words.last().is_some_and(|w| SECRET_LAST_WORDS.contains(&w.as_str()));
    secret.then_some(Sensitivity::Secret)
}

/// How a field is shown: a secret when its schema says so (`format: password`, `writeOnly`),
/// else as its name says. Every field and parameter goes through here.
pub fn of_field(wire: &str, secret_by_schema: bool) -> Option<Sensitivity> {
    if secret_by_schema {
        return Some(Sensitivity::Secret);
    }
    classify(wire)
}

/// Puts the rule into the IR: the name rule's word lists, and the names of the fields that are
/// secret by their schema but not by their name (normalized: lower-case words joined by `_`),
/// which the runtime must treat as secret too.
pub fn settle_rule(api: &mut Api) {
    let list = |words: &[&str]| words.iter().map(|w| w.to_string()).collect();
    api.redaction = RedactionRule {
        secret_last_words: list(SECRET_LAST_WORDS),
        secret_words: list(SECRET_WORDS),
        partial_names: list(PARTIAL_NAMES),
        secret_names: schema_secret_names(api),
    };
}

fn schema_secret_names(api: &Api) -> Vec<String> {
    let mut names = BTreeSet::new();
    let fields = api.modules.iter().flat_map(|m| &m.types).flat_map(|t| match &t.kind {
        TypeKind::Struct(s) => s.fields.as_slice(),
        _ => &[],
    });
    for f in fields {
        if f.sensitivity == Some(Sensitivity::Secret) && classify(&f.wire) != Some(Sensitivity::Secret) {
            names.insert(name_words::words(&f.wire).join("_"));
        }
    }
    names.into_iter().collect()
}

/// A partially shown field must be a string to be cut; any other type is redacted fully.
pub fn settle_partial_fields(api: &mut Api) {
    let index = TypeIndex::new(api);
    let mut not_text = Vec::new();
    for (m, module) in api.modules.iter().enumerate() {
        for (t, def) in module.types.iter().enumerate() {
            let TypeKind::Struct(s) = &def.kind else { continue };
            for (f, field) in s.fields.iter().enumerate() {
                if field.sensitivity == Some(Sensitivity::Partial) && index.underlying(&field.ty) != &TypeRef::String {
                    not_text.push((m, t, f));
                }
            }
        }
    }
    drop(index);
    for (m, t, f) in not_text {
        if let TypeKind::Struct(s) = &mut api.modules[m].types[t].kind {
            s.fields[f].sensitivity = Some(Sensitivity::Secret);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_classified_by_their_words() {
        for name in ["secret", "access_token", "public_token", "new_access_token", "secrets", "ssn_last_4", "user-password", "accessToken", "PlaidSecret", "SSN"] {
            assert_eq!(classify(name), Some(Sensitivity::Secret), "{name}");
        }
        for name in ["account_id", "token_expiration", "secret_rotation_date", "tokenized", "classn", ""] {
            assert_eq!(classify(name), None, "{name}");
        }
        assert_eq!(classify("client_id"), Some(Sensitivity::Partial));
        assert_eq!(classify("clientId"), Some(Sensitivity::Partial));
        assert_eq!(of_field("pin", true), Some(Sensitivity::Secret));
        assert_eq!(of_field("pin", false), None);
    }
}
