//! Recursive types. A struct that contains itself by value (directly or through other structs
//! and aliases, not through a `Vec` or a map, which already allocate) has no size in Rust; the
//! fields on such a cycle are boxed (`Option<Box<Node>>`). A cycle whose every link is required
//! and not nullable (or a ring of aliases) has no finite JSON value at all: that is an error.

use std::collections::HashMap;

use crate::diag::Code;
use crate::finding::{At, Finding};
use crate::graph::strongly_connected;
use crate::ir::{Api, TypeKind, TypeRef, Wrapping};

/// A type, by module and name.
type Key = (String, String);

/// One by-value link: from a type to the type it contains.
struct Link {
    to: Key,
    /// The field that makes the link (`None` for an alias).
    field: Option<usize>,
    /// Required and not nullable, or an alias: the link cannot be absent.
    unavoidable: bool,
}

/// Boxes the fields on by-value cycles. Returns, for each cycle with no finite value, the
/// origin of one of its types and a message naming the whole cycle.
pub fn settle(api: &mut Api) -> Vec<Finding> {
    let mut links: HashMap<Key, Vec<Link>> = HashMap::new();
    let mut origins: HashMap<Key, String> = HashMap::new();
    for m in &api.modules {
        for t in &m.types {
            let key = (m.name.clone(), t.name.clone());
            origins.insert(key.clone(), t.origin.clone());
            let out = links.entry(key).or_default();
            match &t.kind {
                TypeKind::Struct(s) => {
                    for (i, f) in s.fields.iter().enumerate() {
                        if let Some(to) = by_value(&f.ty) {
                            out.push(Link { to, field: Some(i), unavoidable: f.wrapping() == Wrapping::Plain });
                        }
                    }
                }
                TypeKind::Alias(target) => {
                    if let Some(to) = by_value(target) {
                        out.push(Link { to, field: None, unavoidable: true });
                    }
                }
                TypeKind::Enum(_) => {}
            }
        }
    }
    let mut keys: Vec<&Key> = links.keys().collect();
    keys.sort();
    let out = |k: &Key| links.get(k).map(Vec::as_slice).unwrap_or_default();
    let component = strongly_connected(&keys, |k| out(k).iter().map(|l| &l.to).collect());
    let unavoidable = strongly_connected(&keys, |k| out(k).iter().filter(|l| l.unavoidable).map(|l| &l.to).collect());

    let mut rings: HashMap<usize, Vec<&Key>> = HashMap::new();
    for key in &keys {
        rings.entry(unavoidable[*key]).or_default().push(key);
    }
    let mut errors = Vec::new();
    let mut reported = std::collections::HashSet::new();
    for key in &keys {
        let ring = &rings[&unavoidable[*key]];
        let self_loop = out(key).iter().any(|l| l.unavoidable && &l.to == *key);
        if (ring.len() > 1 || self_loop) && reported.insert(unavoidable[*key]) {
            let names: Vec<String> = ring.iter().map(|k| format!("`{}`", origins[*k])).collect();
            let what = if names.len() == 1 { format!("{} contains itself", names[0]) } else { format!("{} contain each other", names.join(", ")) };
            let message = format!("{what} through required, non-nullable fields or aliases only; no finite value exists");
            errors.push(Finding::error(Code::Cycle, At::Component(origins[*key].clone()), message));
        }
    }

    let boxed: Vec<(Key, usize)> = keys
        .iter()
        .flat_map(|k| {
            out(k)
                .iter()
                .filter(|l| component.get(&l.to) == component.get(*k))
                .filter_map(|l| l.field.map(|i| ((*k).clone(), i)))
        })
        .collect();
    for ((module, name), field) in boxed {
        let t = api.modules.iter_mut().find(|m| m.name == module).and_then(|m| m.types.iter_mut().find(|t| t.name == name));
        if let Some(TypeKind::Struct(s)) = t.map(|t| &mut t.kind) {
            s.fields[field].boxed = true;
        }
    }
    errors
}

/// The named type a value of `ty` holds inline, if any: through `Option`, not through `Vec` or
/// maps.
fn by_value(ty: &TypeRef) -> Option<Key> {
    match ty {
        TypeRef::Named { module, name } => Some((module.clone(), name.clone())),
        TypeRef::Nullable(inner) => by_value(inner),
        _ => None,
    }
}
