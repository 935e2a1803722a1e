//! What a field's docs say, decided once for every struct field (parameters included), so a
//! reader learns what matters without opening the spec:
//!
//! 1. the field's own description; or, when it has none and its type is a named one (through
//!    lists and `Option`s), the first sentence of that type's description, since Plaid
//!    documents most fields only on the schema they refer to;
//! 2. for a field typed by an alias of a plain type, what it is (`A String
//!    (TransferAccessToken).`);
//! 3. the limits the spec puts on the value, which the types do not enforce: format, length,
//!    pattern, range, item count; then its default, and an example when nothing else says
//!    what the value looks like.
//!
//! The text is markdown; the emitter makes it safe for rustdoc.

use crate::graph::TypeIndex;
use crate::ir::{Api, Constraints, Field, Show, TypeKind, TypeRef};

/// Sets [`Field::shown_docs`] on every field of the API.
pub fn settle(api: &mut Api) {
    let index = TypeIndex::new(api);
    let shown: Vec<Vec<Vec<Option<String>>>> = api
        .modules
        .iter()
        .map(|m| {
            m.types
                .iter()
                .map(|t| match &t.kind {
                    TypeKind::Struct(s) => s.fields.iter().map(|f| field_docs(&index, f)).collect(),
                    _ => Vec::new(),
                })
                .collect()
        })
        .collect();
    drop(index);
    for (m, types) in api.modules.iter_mut().zip(shown) {
        for (t, fields) in m.types.iter_mut().zip(types) {
            if let TypeKind::Struct(s) = &mut t.kind {
                for (f, docs) in s.fields.iter_mut().zip(fields) {
                    f.shown_docs = docs;
                }
            }
        }
    }
}

fn field_docs(index: &TypeIndex<'_>, f: &Field) -> Option<String> {
    let mut parts = Vec::new();
    let named = named_in(&f.ty);
    let own = f.docs.as_deref().map(str::trim).filter(|d| !d.is_empty());
    match (own, named) {
        (Some(own), _) => parts.push(own.to_string()),
        (None, Some(ty)) => {
            let own_docs = |t: &crate::ir::TypeDef| t.docs.as_deref().and_then(first_sentence);
            let direct = match ty {
                TypeRef::Named { module, name } => index.get(module, name).and_then(own_docs),
                _ => None,
            };
            if let Some(sentence) = direct.or_else(|| index.definition(ty).and_then(own_docs)) {
                parts.push(sentence);
            }
        }
        (None, None) => {}
    }
    if let (Some(TypeRef::Named { name, .. }), Some(plain)) = (named, f.arg.as_ref()) {
        parts.push(format!("A `{}` ([`{name}`](crate::{name})).", plain.spelling()));
    }
    let notes = notes(f.format.as_deref().filter(|format| !said_by_type(format, &f.ty)), &f.constraints);
    if !notes.is_empty() {
        parts.push(notes.join(" "));
    }
    if let Some(default) = &f.default {
        parts.push(format!("Default: `{}`.", code(default)));
    }
    if own.is_none() && f.show == Show::Plain {
        if let Some(example) = f.example.as_ref().filter(|e| e.len() <= 80) {
            parts.push(format!("Example: `{}`.", code(example)));
        }
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// Whether the Rust type already says what a `format` does (`f64` for `double`).
fn said_by_type(format: &str, ty: &TypeRef) -> bool {
    match format {
        "double" | "float" | "int32" | "int64" => true,
        "date" => *ty == TypeRef::Date,
        "date-time" => *ty == TypeRef::DateTime,
        _ => false,
    }
}

/// The named type a field holds, through lists, maps and `Option`s.
fn named_in(ty: &TypeRef) -> Option<&TypeRef> {
    match ty {
        TypeRef::Named { .. } => Some(ty),
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => named_in(inner),
        _ => None,
    }
}

/// The spec's limits on a value, a short sentence each.
fn notes(format: Option<&str>, c: &Constraints) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(format) = format {
        out.push(format!("Format: `{}`.", code(format)));
    }
    match (c.min_length, c.max_length) {
        (Some(min), Some(max)) if min == max => out.push(format!("Exactly {min} characters.")),
        (Some(min), Some(max)) => out.push(format!("{min} to {max} characters.")),
        (Some(min), None) if min > 0 => out.push(format!("At least {min} characters.")),
        (None, Some(max)) => out.push(format!("At most {max} characters.")),
        _ => {}
    }
    if let Some(pattern) = c.pattern.as_deref().filter(|p| p.len() <= 120) {
        out.push(format!("Pattern: `{}`.", code(pattern)));
    }
    let number = |n: f64| if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() };
    match (c.minimum, c.maximum) {
        (Some(min), Some(max)) => out.push(format!("From {} to {}.", number(min), number(max))),
        (Some(min), None) => out.push(format!("At least {}.", number(min))),
        (None, Some(max)) => out.push(format!("At most {}.", number(max))),
        (None, None) => {}
    }
    match (c.min_items, c.max_items) {
        (Some(min), Some(max)) => out.push(format!("{min} to {max} items.")),
        (Some(min), None) if min > 0 => out.push(format!("At least {min} items.")),
        (None, Some(max)) => out.push(format!("At most {max} items.")),
        _ => {}
    }
    out
}

/// Text for inside a code span.
fn code(text: &str) -> String {
    text.replace('`', "'").replace('\n', " ")
}

/// The first sentence of a description's first paragraph: up to the first full stop that ends
/// a sentence (followed by a space or the end, outside code spans and not in `e.g.`/`i.e.`).
pub fn first_sentence(text: &str) -> Option<String> {
    let paragraph = text.trim().split("\n\n").next()?.trim();
    if paragraph.is_empty() {
        return None;
    }
    let bytes = paragraph.as_bytes();
    let mut in_code = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'`' => in_code = !in_code,
            b'.' if !in_code => {
                let ends = bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace());
                let before = &paragraph[..i];
                let abbreviation = ["e.g", "i.e", "etc", "vs"].iter().any(|a| before.ends_with(a));
                if ends && !abbreviation {
                    return Some(paragraph[..=i].split_whitespace().collect::<Vec<_>>().join(" "));
                }
            }
            _ => {}
        }
    }
    Some(paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
}
