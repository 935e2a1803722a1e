//! The public Rust surface of each type, decided before anything is printed: the traits it
//! derives, what `new` takes, the name of each setter, and how `Debug` shows each field.
//!
//! - Structs derive `Clone`, `PartialEq` and serde's traits, plus `Default` when `new` takes
//!   nothing; they write their own `Debug`, which redacts. Enums also derive `Debug`, `Eq`,
//!   `Hash` and the orderings. Aliases derive nothing.
//! - `new` takes the fields that must have a value (required and not nullable), in field
//!   order; every other field starts empty (`None`, or `Nullable::Absent`) and has a setter.
//!   When there are more than [`MAX_POSITIONAL`] of them, `new` takes one struct of them
//!   instead (`<Type>Required`, with a public field each), so the call site names every value
//!   and two strings cannot trade places unnoticed.
//! - A setter is `with_` and the field's name without the trailing `_` a keyword needed
//!   (`type_` has `with_type`), made unique among the struct's methods. Every setter takes
//!   the value (`impl Into<T>`); an optional nullable field also has `with_<field>_null`,
//!   which sends an explicit `null`.
//! - An idempotency key ([`crate::passes::retry`]) is not taken by `new`, which fills a fresh
//!   key; it has a setter, required or not.
//! - `new` and the setters take an alias of a plain type as what it stands for
//!   (`impl Into<String>` for `TransferAccessToken`), so the signature says what to pass.
//! - `Debug` hides a sensitive field ([`crate::passes::sensitivity`]), and shows free-form JSON and maps
//!   with the redaction rule applied to their keys.

use std::collections::BTreeMap;

use crate::graph::TypeIndex;
use crate::ir::{Api, Derive, Field, Sensitivity, Show, Struct, TypeKind, TypeRef, Wrapping::DoubleOption};
use crate::naming::Scope;

/// The most values `new` takes one after the other; past it, they are named.
pub const MAX_POSITIONAL: usize = 3;

/// Settles the surface of every type of the API.
pub fn settle(api: &mut Api) {
    let index = TypeIndex::new(api);
    // Every type is re-exported at the crate root, so a `<Type>Required` name must be free
    // there.
    let mut type_names = Scope::default();
    let mut plain_forms = BTreeMap::new();
    for (module, t) in api.modules.iter().flat_map(|m| m.types.iter().map(move |t| (&m.name, t))) {
        type_names.claim(t.name.clone());
        let named = TypeRef::Named { module: module.clone(), name: t.name.clone() };
        if let Some(plain) = plain_form(&index, &named) {
            plain_forms.insert(named, plain);
        }
    }
    drop(index);
    for t in api.modules.iter_mut().flat_map(|m| m.types.iter_mut()) {
        t.derives = match &mut t.kind {
            TypeKind::Struct(s) => {
                settle_struct(s, &plain_forms);
                if s.constructor.len() > MAX_POSITIONAL {
                    s.named_args = Some(type_names.claim(format!("{}Required", t.name)));
                }
                let mut derives = vec![Derive::Clone, Derive::PartialEq, Derive::Serialize, Derive::Deserialize];
                if s.constructor.is_empty() {
                    derives.insert(1, Derive::Default);
                }
                derives
            }
            // No `PartialOrd`/`Ord`: their order is the variants' order, so each value Plaid
            // adds (before the fallback variant) would change it and break code; without them
            // a new value is a minor release (cargo-semver-checks agrees).
            TypeKind::Enum(_) => vec![Derive::Clone, Derive::Debug, Derive::PartialEq, Derive::Eq, Derive::Hash, Derive::Serialize, Derive::Deserialize],
            TypeKind::Alias(_) => Vec::new(),
        };
    }
}

fn settle_struct(s: &mut Struct, plain_forms: &BTreeMap<TypeRef, TypeRef>) {
    // An idempotency key is filled by `new`, never taken.
    s.constructor = s.fields.iter().filter(|f| !f.is_optional() && f.idempotency_key.is_none()).map(|f| f.name.clone()).collect();
    // The struct's own methods and fields are taken first: a setter never shadows them; the
    // plain setters before the null ones, so `with_x_null` yields to a field `x_null`.
    let mut methods = Scope::default();
    methods.claim("new".to_string());
    for f in &mut s.fields {
        f.show = show(f);
        f.arg = plain_arg(&f.ty, plain_forms);
        let settable = f.is_optional() || f.idempotency_key.is_some();
        f.setter = settable.then(|| methods.claim(format!("with_{}", f.name.trim_end_matches('_'))));
    }
    for f in s.fields.iter_mut().filter(|f| f.wrapping() == DoubleOption) {
        f.null_setter = Some(methods.claim(format!("with_{}_null", f.name.trim_end_matches('_'))));
    }
}

/// What an alias of a plain type stands for (`String`, `Vec<String>`), through any chain of
/// aliases; `None` for a struct, an enum, or an alias of one.
fn plain_form(index: &TypeIndex<'_>, ty: &TypeRef) -> Option<TypeRef> {
    match index.through_aliases(ty) {
        plain @ (TypeRef::String | TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Date | TypeRef::DateTime) => Some(plain.clone()),
        TypeRef::List(item) => plain_form(index, item).map(|item| TypeRef::List(Box::new(item))),
        _ => None,
    }
}

/// What `new` and a setter take for a field of type `ty`, when it is not `ty` itself.
fn plain_arg(ty: &TypeRef, plain_forms: &BTreeMap<TypeRef, TypeRef>) -> Option<TypeRef> {
    match ty {
        TypeRef::Named { .. } => plain_forms.get(ty).cloned(),
        TypeRef::List(item) => plain_arg(item, plain_forms).map(|item| TypeRef::List(Box::new(item))),
        _ => None,
    }
}

/// How `Debug` shows a field.
fn show(f: &Field) -> Show {
    match f.sensitivity {
        Some(Sensitivity::Secret) => Show::Redacted,
        Some(Sensitivity::Partial) => Show::Partial,
        None if holds_free_json(&f.ty) => Show::Json,
        None => Show::Plain,
    }
}

/// Whether a type contains values whose keys the spec does not name (any JSON, maps).
fn holds_free_json(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Any | TypeRef::Map(_) => true,
        TypeRef::List(inner) | TypeRef::Nullable(inner) => holds_free_json(inner),
        _ => false,
    }
}
