//! Cargo features: one per group (module with operations), all on by default. A group's module
//! compiles only with its feature; a type in `shared` compiles when any group that reaches it is
//! on. What the runtime itself names (the error body, for every error answer), what no group
//! reaches, and everything those refer to are never gated.

use std::collections::{BTreeSet, HashMap};

use crate::graph::TypeIndex;
use crate::ir::{Api, TypeRef, SHARED};

/// The groups of the API: the modules with operations, sorted.
fn groups(api: &Api) -> Vec<String> {
    api.modules.iter().filter(|m| m.name != SHARED && !m.operations.is_empty()).map(|m| m.name.clone()).collect()
}

/// Sets the API's groups, and the gate of every `shared` type: the groups whose operations
/// reach it.
pub fn gate_shared_types(api: &mut Api) {
    api.groups = groups(api);
    let index = TypeIndex::new(api);
    let mut users: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
    for m in api.modules.iter().filter(|m| !m.operations.is_empty()) {
        let params: Vec<TypeRef> = m
            .operations
            .iter()
            .filter_map(|op| op.params.as_ref())
            .map(|p| TypeRef::Named { module: m.name.clone(), name: p.type_name.clone() })
            .collect();
        let roots = m.operations.iter().flat_map(|op| [&op.request, &op.response, &op.error]).flatten().chain(&params);
        for reached in index.reach(roots) {
            users.entry(reached).or_default().insert(m.name.clone());
        }
    }
    // Always compiled: what the runtime names, what no group reaches, and everything those
    // refer to.
    let always_roots: Vec<TypeRef> = api
        .modules
        .iter()
        .filter(|m| m.name == SHARED)
        .flat_map(|m| &m.types)
        .filter(|t| !users.contains_key(&(SHARED.to_string(), t.name.clone())))
        .map(|t| TypeRef::Named { module: SHARED.to_string(), name: t.name.clone() })
        .chain(api.error_body.as_ref().map(|e| e.ty.clone()))
        .collect();
    let always = index.reach(&always_roots);
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
