//! The credentials the client sends with every call, read from the spec's own
//! `securitySchemes`, and the request body fields that duplicate them.
//!
//! - A security scheme that is an API key in a header carries the client id when the words of
//!   its name or header include `client` and `id`, the secret when they include `secret`, and
//!   the API version when they include `version` (Plaid's `clientId`/`PLAID-CLIENT-ID`,
//!   `secret`/`PLAID-SECRET`, `plaidVersion`/`Plaid-Version`). Any other scheme cannot be sent
//!   and is a located error (lowering reports it).
//! - Request body fields named `client_id` or `secret` (in any case style) duplicate a
//!   credential the headers already carry: they are left out of the request type, so a secret
//!   cannot travel in a body by accident. When the schema requires one, the operation records
//!   it and the runtime writes the configured value into the body.
//!   A type that is also reached from a response, an error, a parameter or another type keeps
//!   its fields: it is not only a request.
//! - Every operation lists every body credential field ([`Api::body_credentials`]: the
//!   conventional names of the credentials the schemes carry, plus any other spelling a
//!   request schema used), written in or not: the runtime refuses an extra body field or query
//!   parameter named like one on any call, typed or by path, so a credential never travels
//!   beside the one the headers carry.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::{named_in, refs_of, TypeIndex};
use crate::name_words;
use crate::ir::{Api, BodyCredential, Credential, TypeKind, TypeRef};


/// The credential a header security scheme carries, by the words of its name and header.
pub fn credential_of(scheme: &str, header: &str) -> Option<Credential> {
    let words: BTreeSet<String> = name_words::words(scheme).into_iter().chain(name_words::words(header)).collect();
    let has = |w: &str| words.contains(w);
    if has("secret") {
        Some(Credential::Secret)
    } else if (has("client") && has("id")) || has("clientid") {
        Some(Credential::ClientId)
    } else if has("version") {
        Some(Credential::ApiVersion)
    } else {
        None
    }
}

/// The JSON name a body field carrying `credential` has by Plaid's convention.
fn conventional_name(credential: Credential) -> Option<&'static str> {
    match credential {
        Credential::ClientId => Some("client_id"),
        Credential::Secret => Some("secret"),
        Credential::ApiVersion => None,
    }
}

/// The credential a body field duplicates, by its JSON name.
fn body_credential(wire: &str) -> Option<Credential> {
    match name_words::words(wire).join("_").as_str() {
        "client_id" => Some(Credential::ClientId),
        "secret" => Some(Credential::Secret),
        _ => None,
    }
}

/// Leaves the duplicated credentials out of request types, and records on each operation the
/// ones its body must still carry.
pub fn settle_body_fields(api: &mut Api) {
    let carried: BTreeSet<Credential> = api.auth_headers.iter().map(|h| h.credential).collect();
    let index = TypeIndex::new(api);
    // Every type something other than a request body slot refers to: a field of another
    // type, or anything a response or an error reaches.
    let mut elsewhere: BTreeSet<(String, String)> = api
        .modules
        .iter()
        .flat_map(|m| &m.types)
        .flat_map(|t| refs_of(&t.kind))
        .flat_map(named_in)
        .map(|(m, n)| (m.to_string(), n.to_string()))
        .collect();
    let answers = api.modules.iter().flat_map(|m| &m.operations).flat_map(|op| [&op.response, &op.error]).flatten();
    elsewhere.extend(index.reach(answers));
    let mut requests: BTreeSet<(String, String)> = BTreeSet::new();
    for op in api.modules.iter().flat_map(|m| &m.operations) {
        if let Some(TypeRef::Named { module, name }) = &op.request {
            if !elsewhere.contains(&(module.clone(), name.clone())) {
                requests.insert((module.clone(), name.clone()));
            }
        }
    }
    drop(index);
    let mut required: BTreeMap<(String, String), Vec<(String, Credential)>> = BTreeMap::new();
    let mut names: Vec<(String, Credential)> =
        carried.iter().filter_map(|c| conventional_name(*c).map(|name| (name.to_string(), *c))).collect();
    for m in &mut api.modules {
        for t in &mut m.types {
            let key = (m.name.clone(), t.name.clone());
            let TypeKind::Struct(s) = &mut t.kind else { continue };
            if !requests.contains(&key) {
                continue;
            }
            let mut needs = Vec::new();
            s.fields.retain(|f| match body_credential(&f.wire).filter(|c| carried.contains(c)) {
                Some(credential) => {
                    if !names.iter().any(|(name, _)| *name == f.wire) {
                        names.push((f.wire.clone(), credential));
                    }
                    if !f.is_optional() {
                        needs.push((f.wire.clone(), credential));
                    }
                    false
                }
                None => true,
            });
            if !needs.is_empty() {
                required.insert(key, needs);
            }
        }
    }
    for op in api.modules.iter_mut().flat_map(|m| &mut m.operations) {
        let needs = match &op.request {
            Some(TypeRef::Named { module, name }) => required.get(&(module.clone(), name.clone())),
            _ => None,
        };
        op.body_credentials = names
            .iter()
            .map(|(wire, credential)| BodyCredential {
                wire: wire.clone(),
                credential: *credential,
                written: needs.is_some_and(|needs| needs.iter().any(|(w, _)| w == wire)),
            })
            .collect();
    }
    api.body_credentials = names;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_read_by_their_words() {
        assert_eq!(credential_of("clientId", "PLAID-CLIENT-ID"), Some(Credential::ClientId));
        assert_eq!(credential_of("secret", "PLAID-SECRET"), Some(Credential::Secret));
        assert_eq!(credential_of("plaidVersion", "Plaid-Version"), Some(Credential::ApiVersion));
        assert_eq!(credential_of("apiKey", "X-PLAID-CLIENTID"), Some(Credential::ClientId));
        assert_eq!(credential_of("bearer", "Authorization"), None);
        assert_eq!(body_credential("client_id"), Some(Credential::ClientId));
        assert_eq!(body_credential("clientId"), Some(Credential::ClientId));
        assert_eq!(body_credential("secret"), Some(Credential::Secret));
        assert_eq!(body_credential("secrets"), None);
    }
}
