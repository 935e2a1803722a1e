//! Default answers as the spec states them. Where the [evidence](crate::passes::evidence) pass
//! relaxed a type because an example contradicted the spec (a required field left out, `null`
//! where the spec forbids it), the client's types accept the example, but a client that trusts
//! the spec would not. So the mock serves the example repaired: a spec-required field the
//! answer leaves out, or a forbidden `null`, gets a sample of the field's type; a number or
//! boolean where the spec says text becomes its JSON text. And it lists, per operation, the
//! places whose spec word was relaxed, which the generated `tests/mock_answers.rs` checks every
//! default answer against.

use std::collections::HashSet;

use serde_json::Value;

use crate::diag::pointer_segment;
use crate::graph::TypeIndex;
use crate::ir::{SpecField, TypeKind, TypeRef};
use crate::sample::Sampler;

/// How deep an answer is walked (a recursive type stops here).
const MAX_DEPTH: usize = 16;

/// Repairs `value`, an answer of `ty`, to what the spec states.
pub fn repair(index: &TypeIndex<'_>, sampler: &Sampler<'_>, ty: &TypeRef, value: &mut Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match (index.underlying(ty), value) {
        (TypeRef::List(item), Value::Array(items)) => items.iter_mut().for_each(|v| repair(index, sampler, item, v, depth + 1)),
        (TypeRef::Map(item), Value::Object(map)) => map.values_mut().for_each(|v| repair(index, sampler, item, v, depth + 1)),
        (TypeRef::String, v @ (Value::Number(_) | Value::Bool(_))) => *v = Value::String(v.to_string()),
        (under, Value::Object(map)) => {
            let Some(TypeKind::Struct(s)) = index.definition(under).map(|d| &d.kind) else { return };
            for f in &s.fields {
                match map.get_mut(&f.wire) {
                    None if f.relaxed.required => {
                        map.insert(f.wire.clone(), sampler.value(&f.ty));
                    }
                    Some(v) if v.is_null() && f.relaxed.nullable => *v = sampler.value(&f.ty),
                    Some(v) => repair(index, sampler, &f.ty, v, depth + 1),
                    None => {}
                }
            }
        }
        _ => {}
    }
}

/// The places in an answer of `ty` whose spec word the evidence pass relaxed, as pointer
/// patterns (`*`: every item of a list; a map's values are not followed).
pub fn relaxed_fields(index: &TypeIndex<'_>, ty: &TypeRef) -> Vec<SpecField> {
    let mut out = Vec::new();
    walk(index, ty, String::new(), &mut HashSet::new(), &mut out);
    out
}

fn walk<'a>(index: &TypeIndex<'a>, ty: &'a TypeRef, at: String, on_path: &mut HashSet<(&'a str, &'a str)>, out: &mut Vec<SpecField>) {
    match index.underlying(ty) {
        TypeRef::List(item) => walk(index, item, format!("{at}/*"), on_path, out),
        TypeRef::Named { module, name } => {
            let Some(def) = index.get(module, name) else { return };
            let TypeKind::Struct(s) = &def.kind else { return };
            // A type met again on the same path is a recursion: its places are listed already.
            if !on_path.insert((module.as_str(), name.as_str())) {
                return;
            }
            for f in &s.fields {
                let pointer = format!("{at}/{}", pointer_segment(&f.wire));
                if f.relaxed.required || f.relaxed.nullable {
                    out.push(SpecField { pointer: pointer.clone(), present: f.relaxed.required || f.required, not_null: !f.nullable || f.relaxed.nullable });
                }
                walk(index, &f.ty, pointer, on_path, out);
            }
            on_path.remove(&(module.as_str(), name.as_str()));
        }
        _ => {}
    }
}
