//! The public Rust surface of each type, decided before anything is printed: the traits it
//! derives, what `new` takes, the name of each setter, and how `Debug` shows each field.
//!
//! - Structs derive `Clone`, `PartialEq` and serde's traits, plus `Default` when `new` takes
//!   nothing; they write their own `Debug`, which redacts. Enums also derive `Debug`, `Eq`,
//!   `Hash` and the orderings. Aliases derive nothing.
//! - `new` takes the fields that must have a value (required and not nullable), in field
//!   order; every other field starts as `None` and has a setter.
//! - A setter is `with_` and the field's name without the trailing `_` a keyword needed
//!   (`type_` has `with_type`), made unique among the struct's methods.
//! - `Debug` hides a sensitive field ([`crate::passes::sensitivity`]), and shows free-form JSON and maps
//!   with the redaction rule applied to their keys.

use crate::ir::{Api, Derive, Field, Sensitivity, Show, Struct, TypeKind, TypeRef};
use crate::naming::Scope;

/// Settles the surface of every type of the API.
pub fn settle(api: &mut Api) {
    for t in api.modules.iter_mut().flat_map(|m| m.types.iter_mut()) {
        t.derives = match &mut t.kind {
            TypeKind::Struct(s) => {
                settle_struct(s);
                let mut derives = vec![Derive::Clone, Derive::PartialEq, Derive::Serialize, Derive::Deserialize];
                if s.constructor.is_empty() {
                    derives.insert(1, Derive::Default);
                }
                derives
            }
            TypeKind::Enum(_) => vec![
                Derive::Clone,
                Derive::Debug,
                Derive::PartialEq,
                Derive::Eq,
                Derive::Hash,
                Derive::PartialOrd,
                Derive::Ord,
                Derive::Serialize,
                Derive::Deserialize,
            ],
            TypeKind::Alias(_) => Vec::new(),
        };
    }
}

fn settle_struct(s: &mut Struct) {
    s.constructor = s.fields.iter().filter(|f| !f.is_optional()).map(|f| f.name.clone()).collect();
    // The struct's own methods and fields are taken first: a setter never shadows them.
    let mut methods = Scope::default();
    methods.claim("new".to_string());
    for f in &mut s.fields {
        f.show = show(f);
        f.setter = f.is_optional().then(|| methods.claim(format!("with_{}", f.name.trim_end_matches('_'))));
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
