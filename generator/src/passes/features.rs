//! Cargo features: one per group (module with operations), all on by default, and two for
//! types no operation uses: `webhooks` for the webhook payloads (and what only they refer to)
//! and `unreferenced` for the other component schemas no operation reaches. A group's module
//! compiles only with its feature; a type in `shared` compiles when any feature whose types
//! reach it is on. Only what the runtime itself names (the error body, for every error answer),
//! the types of modules without operations, and everything those refer to are never gated, so
//! `default-features = false` with one group compiles that group and little else.

use std::collections::{BTreeSet, HashMap};

use crate::graph::TypeIndex;
use crate::ir::{Api, TypeRef, SHARED};

/// The feature of the webhook payloads that live in `shared`.
pub const WEBHOOKS: &str = "webhooks";
/// The feature of the other `shared` types no operation reaches.
pub const UNREFERENCED: &str = "unreferenced";

/// The `(module, name)` key of a named type, as [`TypeIndex::reach`] gives them.
fn key_of(ty: &TypeRef) -> (String, String) {
    match ty {
        TypeRef::Named { module, name } => (module.clone(), name.clone()),
        _ => (String::new(), String::new()),
    }
}

/// The groups of the API: the modules with operations, sorted.
fn groups(api: &Api) -> Vec<String> {
    api.modules.iter().filter(|m| m.name != SHARED && !m.operations.is_empty()).map(|m| m.name.clone()).collect()
}

/// Sets the API's groups and features, and the gate of every `shared` type: the features whose
/// types reach it.
pub fn gate_shared_types(api: &mut Api) {
    api.groups = groups(api);
    let index = TypeIndex::new(api);
    let named = |module: &str, name: &str| TypeRef::Named { module: module.to_string(), name: name.to_string() };
    let mut users: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
    // A group's module compiles whole under its feature: all its types and what its
    // operations take and return are roots.
    for m in api.modules.iter().filter(|m| api.groups.contains(&m.name)) {
        let operations = m.operations.iter().flat_map(|op| [&op.request, &op.response, &op.error]).flatten().cloned();
        let roots: Vec<TypeRef> = m.types.iter().map(|t| named(&m.name, &t.name)).chain(operations).collect();
        for reached in index.reach(&roots) {
            users.entry(reached).or_default().insert(m.name.clone());
        }
    }
    // Then the types no group reaches: the webhook payloads (and what they reach) under
    // `webhooks`, whatever is left under `unreferenced`.
    let mut features = api.groups.clone();
    let payloads: Vec<TypeRef> = api.webhooks.variants.iter().map(|v| v.ty.clone()).collect();
    for feature in [WEBHOOKS, UNREFERENCED] {
        let roots: Vec<TypeRef> = api
            .modules
            .iter()
            .filter(|m| m.name == SHARED)
            .flat_map(|m| &m.types)
            .map(|t| named(SHARED, &t.name))
            .filter(|t| !users.contains_key(&key_of(t)) && (feature == UNREFERENCED || payloads.contains(t)))
            .collect();
        if roots.is_empty() {
            continue;
        }
        for reached in index.reach(&roots) {
            users.entry(reached).or_default().insert(feature.to_string());
        }
        features.push(feature.to_string());
    }
    // Always compiled: what the runtime names, the types of modules without operations, and
    // everything those refer to.
    let always_roots: Vec<TypeRef> = api
        .modules
        .iter()
        .filter(|m| m.name != SHARED && !api.groups.contains(&m.name))
        .flat_map(|m| m.types.iter().map(|t| named(&m.name, &t.name)))
        .chain(api.error_body.as_ref().map(|e| e.ty.clone()))
        .collect();
    let always = index.reach(&always_roots);
    api.features = features;
    if let Some(body) = &mut api.error_body {
        if let TypeRef::Named { module, .. } = &body.ty {
            body.gate = api.groups.contains(module).then(|| module.clone());
        }
    }
    for m in api.modules.iter_mut().filter(|m| m.name == SHARED) {
        for t in &mut m.types {
            let key = (SHARED.to_string(), t.name.clone());
            t.gate = match users.get(&key) {
                Some(groups) if !always.contains(&key) => Some(groups.iter().cloned().collect()),
                _ => None,
            };
        }
    }
}
