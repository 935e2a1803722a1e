//! Where fields are in a request or answer type, as JSON pointers: the walks and the matching
//! of same-named, same-typed fields that the mock's rules ([`follow`](super::follow),
//! [`families`](super::families)) are decided from.

use serde_json::{json, Value};

use crate::diag::pointer_segment;
use crate::graph::TypeIndex;
use crate::ir::{Field, TypeKind, TypeRef};

/// How deep into nested objects a field is looked for.
const MAX_DEPTH: usize = 3;

/// A field reachable from a type's root without going through a list: its JSON pointer, JSON
/// name and type under aliases and `Option`s.
pub(super) struct Reached<'a> {
    pub(super) pointer: String,
    pub(super) wire: &'a str,
    pub(super) ty: &'a TypeRef,
    pub(super) field: &'a Field,
}

/// The fields of a struct type and of the structs it holds (not through lists), to
/// [`MAX_DEPTH`].
pub(super) fn reach<'a>(index: &TypeIndex<'a>, ty: &'a TypeRef, at: &str, depth: usize, out: &mut Vec<Reached<'a>>) {
    let Some(def) = index.definition(ty) else { return };
    let TypeKind::Struct(s) = &def.kind else { return };
    for f in &s.fields {
        let pointer = format!("{at}/{}", pointer_segment(&f.wire));
        let under = index.underlying(&f.ty);
        out.push(Reached { pointer: pointer.clone(), wire: &f.wire, ty: under, field: f });
        if depth < MAX_DEPTH && matches!(index.definition(under).map(|d| &d.kind), Some(TypeKind::Struct(_))) {
            reach(index, under, &pointer, depth + 1, out);
        }
    }
}

/// Whether a value of the type can be echoed: a scalar or an enum.
pub(super) fn echoable(index: &TypeIndex<'_>, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String | TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Date | TypeRef::DateTime => true,
        TypeRef::Named { .. } => matches!(index.definition(ty).map(|d| &d.kind), Some(TypeKind::Enum(_))),
        _ => false,
    }
}

/// The fields of a struct type (under aliases and `Option`s); none for any other type.
pub(super) fn struct_fields<'a>(index: &TypeIndex<'a>, ty: Option<&TypeRef>) -> &'a [Field] {
    match ty.and_then(|t| index.definition(t)).map(|d| &d.kind) {
        Some(TypeKind::Struct(s)) => &s.fields,
        _ => &[],
    }
}

/// The struct fields of a list's items, when the list holds objects.
pub(super) fn item_fields<'a>(index: &TypeIndex<'a>, list: &TypeRef) -> Option<&'a [Field]> {
    let TypeRef::List(item) = list else { return None };
    Some(struct_fields(index, Some(item))).filter(|f| !f.is_empty())
}

/// A pair of JSON pointers: where a datum is read, where it is written.
pub(super) type Pair = (String, String);

/// Pairs of places that hold the same datum in two types: for each field of `to` (not under a
/// field already paired), the field of `from` with the same JSON name and type, at the same
/// place when there is one there, else the only one of that name. `prefix` lets a `to` field
/// also be `from`'s name behind it (`bank_transfer_` + `amount`), and a list may take the
/// list of the same item type whose name it ends with (`initial_products` from `products`).
pub(super) fn pairs(index: &TypeIndex<'_>, from: &TypeRef, to: &TypeRef, prefix: &str, skip: &[String]) -> Vec<Pair> {
    let (mut sources, mut targets): (Vec<Reached>, Vec<Reached>) = (Vec::new(), Vec::new());
    reach(index, from, "", 0, &mut sources);
    reach(index, to, "", 0, &mut targets);
    sources.retain(|q| !skip.contains(&q.pointer));
    let only = |found: Vec<&Reached<'_>>| match found.as_slice() {
        [one] => Some(one.pointer.clone()),
        _ => None,
    };
    // First the fields at the same place, then, shallowest first, the only unused field of
    // that name elsewhere: a source serves one target, so `/description` is not also a nested
    // `failure_reason.description`.
    let mut out: Vec<Pair> = Vec::new();
    let named = |q: &Reached<'_>, target: &Reached<'_>| q.ty == target.ty && (q.wire == target.wire || (!prefix.is_empty() && target.wire == format!("{prefix}{}", q.wire)));
    let under = |pointer: &str, at: &str| pointer == at || pointer.starts_with(&format!("{at}/"));
    for target in &targets {
        if let Some(q) = sources.iter().find(|q| q.pointer == target.pointer && named(q, target)) {
            if !out.iter().any(|(_, at)| under(&target.pointer, at)) {
                out.push((q.pointer.clone(), target.pointer.clone()));
            }
        }
    }
    let mut by_depth: Vec<&Reached> = targets.iter().collect();
    by_depth.sort_by_key(|t| t.pointer.matches('/').count());
    for target in by_depth {
        if out.iter().any(|(_, at)| under(&target.pointer, at) || under(at, &target.pointer)) {
            continue;
        }
        let unused: Vec<&Reached> = sources.iter().filter(|q| !out.iter().any(|(from, _)| under(&q.pointer, from) || under(from, &q.pointer))).collect();
        let source = only(unused.iter().copied().filter(|q| named(q, target)).collect()).or_else(|| {
            let is_list = matches!(target.ty, TypeRef::List(_));
            is_list.then(|| only(unused.iter().copied().filter(|q| q.ty == target.ty && target.wire.ends_with(&format!("_{}", q.wire))).collect())).flatten()
        });
        if let Some(source) = source {
            out.push((source, target.pointer.clone()));
        }
    }
    out
}

/// The JSON pointer of a top-level field, its name escaped (`~1` for `/`).
pub(super) fn top_pointer(wire: &str) -> String {
    format!("/{}", crate::diag::pointer_segment(wire))
}

pub(super) fn pairs_json(pairs: &[Pair]) -> Value {
    Value::Array(pairs.iter().map(|(from, to)| json!([from, to])).collect())
}

/// The values of an enum type, or `None` for any other type.
pub(super) fn enum_values(index: &TypeIndex<'_>, ty: &TypeRef) -> Option<Vec<String>> {
    match index.definition(ty).map(|d| &d.kind) {
        Some(TypeKind::Enum(e)) => Some(e.variants.iter().map(|v| v.wire.clone()).collect()),
        _ => None,
    }
}
