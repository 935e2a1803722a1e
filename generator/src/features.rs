//! Cargo features: one per group (module with operations), all on by default. A group's module
//! compiles only with its feature; a type in `shared` compiles when any group that reaches it is
//! on. What the runtime itself names (`PlaidError`, for every error answer), what no group
//! reaches, and everything those refer to are never gated.

use std::collections::{BTreeSet, HashMap};

use crate::ir::{Api, Extra, TypeKind, TypeRef, SHARED};

/// Types of `shared` that the hand-written runtime names, so they must always exist.
pub const RUNTIME_TYPES: &[&str] = &["PlaidError"];

/// The groups of the API: the modules with operations, sorted.
pub fn groups(api: &Api) -> Vec<String> {
    api.modules.iter().filter(|m| m.name != SHARED && !m.operations.is_empty()).map(|m| m.name.clone()).collect()
}

/// Sets the gate of every `shared` type: the groups whose operations reach it.
pub fn gate_shared_types(api: &mut Api) {
    let index: HashMap<(&str, &str), &TypeKind> =
        api.modules.iter().flat_map(|m| m.types.iter().map(move |t| ((m.name.as_str(), t.name.as_str()), &t.kind))).collect();
    let reach = |roots: Vec<&TypeRef>| -> BTreeSet<String> {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut stack: Vec<&TypeRef> = roots;
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => stack.push(inner),
                TypeRef::Named { module, name } => {
                    if !seen.insert(format!("{module}::{name}")) {
                        continue;
                    }
                    match index.get(&(module.as_str(), name.as_str())) {
                        Some(TypeKind::Struct(s)) => {
                            stack.extend(s.fields.iter().map(|f| &f.ty));
                            if let Extra::Keep { value, .. } = &s.extra {
                                stack.push(value);
                            }
                        }
                        Some(TypeKind::Alias(target)) => stack.push(target),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        seen
    };
    let mut users: HashMap<String, BTreeSet<String>> = HashMap::new();
    for m in api.modules.iter().filter(|m| !m.operations.is_empty()) {
        let params: Vec<TypeRef> = m
            .operations
            .iter()
            .filter_map(|op| op.params.as_ref())
            .map(|p| TypeRef::Named { module: m.name.clone(), name: p.type_name.clone() })
            .collect();
        let roots = m.operations.iter().flat_map(|op| [&op.request, &op.response, &op.error]).flatten().chain(&params).collect();
        for reached in reach(roots) {
            users.entry(reached).or_default().insert(m.name.clone());
        }
    }
    // Always compiled: what the runtime names, what no group reaches, and everything those
    // refer to.
    let shared_names: Vec<String> =
        api.modules.iter().filter(|m| m.name == SHARED).flat_map(|m| m.types.iter().map(|t| t.name.clone())).collect();
    let always_roots: Vec<TypeRef> = shared_names
        .iter()
        .filter(|n| RUNTIME_TYPES.contains(&n.as_str()) || !users.contains_key(&format!("{SHARED}::{n}")))
        .map(|n| TypeRef::Named { module: SHARED.to_string(), name: n.clone() })
        .collect();
    let always = reach(always_roots.iter().collect());
    drop(index);
    for m in api.modules.iter_mut().filter(|m| m.name == SHARED) {
        for t in &mut m.types {
            let key = format!("{SHARED}::{}", t.name);
            t.gate = match users.get(&key) {
                Some(groups) if !always.contains(&key) => Some(groups.iter().cloned().collect()),
                _ => None,
            };
        }
    }
}
