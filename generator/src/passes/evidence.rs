//! The spec's examples are evidence of what a server sends. This pass reads every example
//! (`example`, `examples`, a property's `example`, a webhook payload's `x-examples`) against the
//! type it must decode into, as the runtime's decoder would, and settles each contradiction by
//! one rule per kind:
//!
//! | the example | in a type the client reads (answers, errors, webhooks) | in a type it only writes |
//! |---|---|---|
//! | leaves out a required field | the field is optional | the spec's `required` stands |
//! | has `null` in a required, non-nullable field | the field is nullable | the spec stands |
//! | has a property `additionalProperties: false` forbids | unknown properties are kept | the spec stands |
//! | has a number or boolean where the spec says text | read as its JSON text (every text field, [`Read`]) | the same |
//! | has a value no rule settles (an object for a number, a malformed date) | nothing changes | nothing changes |
//!
//! Each settled contradiction is a warning; then every example is read again against the settled
//! types, and one that still does not decode is left out of the generated tests with a warning,
//! so that regen never writes a test its own crate fails. A type both read and written is read:
//! decoding what the server sends wins over a constructor argument (the field can still be set).
//!
//! The rule that tells text fields (which accept numbers and booleans) is [`read_of`], here
//! because this pass is what checks examples against it; the runtime's `codec::read` does the
//! same on the wire.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diag::Code;
use crate::finding::{At, Finding};
use crate::graph::TypeIndex;
use crate::ir::*;

/// A finding of this pass: located at the example itself when its place is known (`at`: file
/// index and pointer), else at the schema it is about (`origin`, as a type's origin reads).
fn finding(origin: String, at: Option<(usize, String)>, message: String) -> Finding {
    let at = match at {
        Some((file, pointer)) => At::Pointer { file, pointer },
        None => At::Component(origin),
    };
    Finding::warning(Code::Evidence, at, message)
}

/// A contradiction between an example and a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A required, non-nullable field the example leaves out.
    Missing,
    /// `null` in a required, non-nullable field.
    Null,
    /// A property a struct that drops unknown properties would lose.
    Unknown,
    /// A number or boolean read as text.
    Scalar,
    /// A value the decoder rejects, and what it expected.
    Wrong(String),
}

/// Where a contradiction is: the struct (module, Rust name) and field (JSON name), when it is
/// in one, and the JSON path inside the example.
#[derive(Debug, Clone)]
struct Mismatch {
    kind: Kind,
    owner: Option<(String, String)>,
    field: Option<String>,
    path: String,
}

/// The rule of what JSON a field's decoder accepts: text (a `String` under aliases and
/// `Option`s) and lists of text also take numbers and booleans; every other type takes exactly
/// what it says.
pub fn read_of(index: &TypeIndex<'_>, ty: &TypeRef) -> Read {
    // Aliases are followed, `Option`s are not: the runtime's text readers take `String` and
    // `Vec<String>`, not `Option`s inside them.
    match index.through_aliases(ty) {
        TypeRef::String => Read::Text,
        TypeRef::List(inner) if *index.through_aliases(inner) == TypeRef::String => Read::Texts,
        _ => Read::Value,
    }
}

/// Settles every field's [`Read`], then the contradictions between examples and types (see the
/// module docs); leaves out examples that still do not decode. Returns the warnings.
pub fn settle(api: &mut Api) -> Vec<Finding> {
    settle_reads(api);
    // Each example is parsed once: read against the types, then again against the settled ones.
    let parse = |json: &str| serde_json::from_str::<Value>(json).ok();
    let plain: Vec<Option<Value>> = api.examples.iter().map(|e| parse(&e.json)).collect();
    let hooks: Vec<Option<Value>> = api.webhooks.examples.iter().map(|e| parse(&e.json)).collect();
    let mut findings = Vec::new();
    let changes = {
        let index = TypeIndex::new(api);
        let read = read_types(api);
        let payloads = payload_types(api);
        let plain_evidence = api.examples.iter().zip(&plain).map(|(e, v)| (e.origin.as_str(), e.at.as_ref(), Some(&e.ty), v));
        let hook_evidence = api.webhooks.examples.iter().zip(&hooks).map(|(e, v)| (e.origin.as_str(), None, payloads.get(e.schema.as_str()).copied(), v));
        let mut changes: BTreeMap<(String, String), BTreeSet<(Kind, String)>> = BTreeMap::new();
        let mut tolerated: BTreeSet<(String, String)> = BTreeSet::new();
        for (origin, at, ty, value) in plain_evidence.chain(hook_evidence) {
            let (Some(ty), Some(value)) = (ty, value) else { continue };
            let mut found = Vec::new();
            check(&index, ty, value, "", Read::Value, &mut found);
            for m in found {
                let Some((owner, field)) = m.owner.clone().zip(m.field.clone()) else { continue };
                let located = |message| finding(type_origin(&index, &owner), at.cloned(), message);
                match m.kind {
                    Kind::Missing | Kind::Null | Kind::Unknown if read.contains(&owner) && changes.entry(owner.clone()).or_default().insert((m.kind.clone(), field.clone())) => {
                        findings.push(located(settled_message(&m, &owner, &field, origin)));
                    }
                    Kind::Scalar if tolerated.insert((owner.1.clone(), field.clone())) => {
                        let message = format!(
                            "{origin} gives `{}` as a number or boolean where `{}` says text; it is read as its JSON text",
                            path_or(&m.path, &field),
                            owner.1
                        );
                        findings.push(located(message));
                    }
                    _ => {}
                }
            }
        }
        changes
    };
    apply(api, &changes);
    // Read every example again against the settled types: what still fails is left out.
    let verdict = |index: &TypeIndex<'_>, ty: Option<&TypeRef>, value: &Option<Value>| match (ty, value) {
        (_, None) => Some("it is not JSON".to_string()),
        (Some(ty), Some(value)) => fails(index, ty, value),
        (None, Some(_)) => None,
    };
    let (keep_plain, keep_hooks): (Vec<bool>, Vec<bool>) = {
        let index = TypeIndex::new(api);
        let payloads = payload_types(api);
        let keep_plain = api
            .examples
            .iter()
            .zip(&plain)
            .map(|(e, value)| {
                let why = verdict(&index, Some(&e.ty), value);
                if let Some(why) = &why {
                    // A property's example (no site of its own) is located at its schema, which
                    // its origin (`Type.field`) names.
                    let origin = if e.at.is_some() { origin_of_type(&index, &e.ty) } else { e.origin.clone() };
                    findings.push(finding(origin, e.at.clone(), left_out(&e.origin, why)));
                }
                why.is_none()
            })
            .collect();
        let keep_hooks = api
            .webhooks
            .examples
            .iter()
            .zip(&hooks)
            .map(|(e, value)| {
                let why = verdict(&index, payloads.get(e.schema.as_str()).copied(), value);
                if let Some(why) = &why {
                    findings.push(finding(e.schema.clone(), None, left_out(&e.origin, why)));
                }
                why.is_none()
            })
            .collect();
        (keep_plain, keep_hooks)
    };
    let mut keep = keep_plain.into_iter();
    api.examples.retain(|_| keep.next().unwrap_or(true));
    let mut keep = keep_hooks.into_iter();
    api.webhooks.examples.retain(|_| keep.next().unwrap_or(true));
    findings
}

/// Each webhook payload schema's type, by schema name (before [`crate::passes::webhooks`]
/// folds them, every variant stands for its own schema).
fn payload_types(api: &Api) -> BTreeMap<&str, &TypeRef> {
    api.webhooks.variants.iter().map(|v| (v.schemas[0].as_str(), &v.ty)).collect()
}

/// Why `value` does not decode into `ty`, or `None` when it does (numbers and booleans in text
/// fields are fine: the decoder reads them). For the webhook pass too, which checks an example
/// against the variant it dispatches to.
pub fn fails(index: &TypeIndex<'_>, ty: &TypeRef, value: &Value) -> Option<String> {
    let mut found = Vec::new();
    check(index, ty, value, "", Read::Value, &mut found);
    found.into_iter().find(|m| m.kind != Kind::Scalar).map(|m| {
        let at = path_or(&m.path, m.field.as_deref().unwrap_or_default()).to_string();
        match &m.kind {
            Kind::Missing => format!("it leaves out the required `{at}`"),
            Kind::Null => format!("it has `null` in the required, non-nullable `{at}`"),
            Kind::Unknown => format!("`{at}` is a property its type drops (`additionalProperties: false`)"),
            Kind::Wrong(expected) if m.path.is_empty() => format!("it is not {expected}"),
            Kind::Wrong(expected) => format!("`{}` is not {expected}", m.path),
            Kind::Scalar => String::new(),
        }
    })
}

fn left_out(origin: &str, why: &str) -> String {
    format!("{origin} does not decode into its type ({why}); it is left out of the generated tests")
}

fn path_or<'p>(path: &'p str, field: &'p str) -> &'p str {
    if path.is_empty() {
        field
    } else {
        path
    }
}

fn settled_message(m: &Mismatch, owner: &(String, String), field: &str, origin: &str) -> String {
    let ty = &owner.1;
    match m.kind {
        Kind::Missing => format!("`{ty}` requires `{field}`, but {origin} leaves it out; the field is optional, so answers without it decode"),
        Kind::Null => format!("`{ty}.{field}` is not nullable, but {origin} has `null` there; the field is nullable, so such answers decode"),
        Kind::Unknown => format!("`{ty}` forbids properties it does not list, but {origin} has `{field}`; unknown properties are kept, so nothing is lost"),
        _ => String::new(),
    }
}

/// Every field's [`Read`], by [`read_of`].
fn settle_reads(api: &mut Api) {
    let reads: Vec<Vec<Read>> = {
        let index = TypeIndex::new(api);
        api.modules
            .iter()
            .flat_map(|m| &m.types)
            .map(|t| match &t.kind {
                TypeKind::Struct(s) => s.fields.iter().map(|f| read_of(&index, &f.ty)).collect(),
                _ => Vec::new(),
            })
            .collect()
    };
    for (t, reads) in api.modules.iter_mut().flat_map(|m| &mut m.types).zip(reads) {
        if let TypeKind::Struct(s) = &mut t.kind {
            for (f, read) in s.fields.iter_mut().zip(reads) {
                f.read = read;
            }
        }
    }
}

/// The types the client decodes: those reachable from answers, error bodies and webhook
/// payloads.
fn read_types(api: &Api) -> BTreeSet<(String, String)> {
    let index = TypeIndex::new(api);
    let ops = api.modules.iter().flat_map(|m| &m.operations);
    let roots: Vec<&TypeRef> = ops
        .flat_map(|op| op.response.iter().chain(&op.error))
        .chain(api.error_body.as_ref().map(|e| &e.ty))
        .chain(api.webhooks.variants.iter().map(|v| &v.ty))
        .collect();
    index.reach(roots)
}

/// The origin of a struct, for locating a finding at its schema.
fn type_origin(index: &TypeIndex<'_>, owner: &(String, String)) -> String {
    index.get(&owner.0, &owner.1).map(|t| t.origin.clone()).unwrap_or_else(|| owner.1.clone())
}

fn origin_of_type(index: &TypeIndex<'_>, ty: &TypeRef) -> String {
    index.definition(ty).map(|t| t.origin.clone()).unwrap_or_default()
}

fn apply(api: &mut Api, changes: &BTreeMap<(String, String), BTreeSet<(Kind, String)>>) {
    for m in &mut api.modules {
        for t in &mut m.types {
            let Some(change) = changes.get(&(m.name.clone(), t.name.clone())) else { continue };
            let TypeKind::Struct(s) = &mut t.kind else { continue };
            for (kind, wire) in change {
                match kind {
                    Kind::Unknown => s.extra = Extra::Keep { field: keep_field(s), value: TypeRef::Any },
                    _ => {
                        for f in s.fields.iter_mut().filter(|f| f.wire == *wire) {
                            match kind {
                                Kind::Missing => {
                                    f.relaxed.required |= f.required;
                                    f.required = false;
                                }
                                Kind::Null => {
                                    f.relaxed.nullable |= !f.nullable;
                                    f.nullable = true;
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The name of the field that keeps unknown properties, clear of the struct's own fields.
fn keep_field(s: &Struct) -> String {
    let mut scope = crate::naming::Scope::default();
    for f in &s.fields {
        scope.claim(f.name.clone());
    }
    scope.claim(crate::naming::UNKNOWN_PROPERTIES_FIELD.into())
}

/// Reads `v` as the decoder reads a value of `ty`, recording every contradiction.
fn check(index: &TypeIndex<'_>, ty: &TypeRef, v: &Value, path: &str, read: Read, out: &mut Vec<Mismatch>) {
    let wrong = |expected: &str, out: &mut Vec<Mismatch>| out.push(Mismatch { kind: Kind::Wrong(expected.into()), owner: None, field: None, path: path.to_string() });
    let scalar = |out: &mut Vec<Mismatch>| out.push(Mismatch { kind: Kind::Scalar, owner: None, field: None, path: path.to_string() });
    match ty {
        TypeRef::Any | TypeRef::Bytes => {}
        TypeRef::Nullable(inner) => {
            if !v.is_null() {
                check(index, inner, v, path, read, out);
            }
        }
        TypeRef::String => match v {
            Value::String(_) => {}
            Value::Bool(_) | Value::Number(_) if read != Read::Value => scalar(out),
            _ => wrong("text", out),
        },
        TypeRef::Bool => {
            if !v.is_boolean() {
                wrong("a boolean", out)
            }
        }
        TypeRef::I32 => {
            if v.as_i64().is_none_or(|n| i32::try_from(n).is_err()) {
                wrong("a 32-bit integer", out)
            }
        }
        TypeRef::I64 => {
            if v.as_i64().is_none() {
                wrong("a 64-bit integer", out)
            }
        }
        TypeRef::F64 => {
            if !v.is_number() {
                wrong("a number", out)
            }
        }
        TypeRef::Date => {
            if !v.as_str().is_some_and(is_date) {
                wrong("a date (`YYYY-MM-DD`)", out)
            }
        }
        TypeRef::DateTime => {
            if !v.as_str().is_some_and(|s| is_date_time(s) || is_date(s)) {
                wrong("an RFC 3339 date-time", out)
            }
        }
        TypeRef::List(inner) => match v {
            Value::Array(items) => {
                let item_read = if read == Read::Texts { Read::Text } else { Read::Value };
                for (i, item) in items.iter().enumerate() {
                    check(index, inner, item, &format!("{path}[{i}]"), item_read, out);
                }
            }
            _ => wrong("a list", out),
        },
        TypeRef::Map(inner) => match v {
            Value::Object(o) => {
                for (k, item) in o {
                    check(index, inner, item, &format!("{path}.{k}"), Read::Value, out);
                }
            }
            _ => wrong("an object", out),
        },
        TypeRef::Named { module, name } => match index.get(module, name).map(|t| &t.kind) {
            None => {}
            Some(TypeKind::Alias(target)) => check(index, target, v, path, read, out),
            Some(TypeKind::Enum(_)) => match v {
                Value::String(_) => {}
                Value::Bool(_) | Value::Number(_) => scalar(out),
                _ => wrong("text", out),
            },
            Some(TypeKind::Struct(s)) => {
                let Value::Object(o) = v else { return wrong("an object", out) };
                let owner = Some((module.clone(), name.clone()));
                for f in &s.fields {
                    let at = format!("{path}.{}", f.wire);
                    let at = at.trim_start_matches('.').to_string();
                    let here = |kind| Mismatch { kind, owner: owner.clone(), field: Some(f.wire.clone()), path: at.clone() };
                    match o.get(&f.wire) {
                        None if f.presence() == Presence::Required => out.push(here(Kind::Missing)),
                        None => {}
                        Some(Value::Null) if f.presence() == Presence::Required => out.push(here(Kind::Null)),
                        Some(Value::Null) => {}
                        Some(value) => {
                            let start = out.len();
                            check(index, &f.ty, value, &at, f.read, out);
                            // A scalar read as text is the field's own finding.
                            for m in &mut out[start..] {
                                if m.kind == Kind::Scalar && m.owner.is_none() {
                                    m.owner = owner.clone();
                                    m.field = Some(f.wire.clone());
                                }
                            }
                        }
                    }
                }
                for (k, value) in o.iter().filter(|(k, _)| !s.fields.iter().any(|f| f.wire == **k)) {
                    let at = format!("{path}.{k}").trim_start_matches('.').to_string();
                    match &s.extra {
                        Extra::Drop => out.push(Mismatch { kind: Kind::Unknown, owner: owner.clone(), field: Some(k.clone()), path: at }),
                        Extra::Keep { value: kept, .. } => check(index, kept, value, &at, Read::Value, out),
                    }
                }
            }
        },
    }
}

/// `YYYY-MM-DD`, a real day of the proleptic Gregorian calendar (what the runtime's date
/// parser accepts).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).filter(|t| t.bytes().all(|c| c.is_ascii_digit())).and_then(|t| t.parse::<u32>().ok());
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else { return false };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// RFC 3339: a date, `T` (or `t` or a space), `HH:MM:SS`, optional fraction, then `Z` or an
/// offset `±HH:MM` (what the runtime's date-time parser accepts).
fn is_date_time(s: &str) -> bool {
    let Some((date, rest)) = s.get(..10).zip(s.get(11..)) else { return false };
    if !is_date(date) || !matches!(s.as_bytes()[10], b'T' | b't' | b' ') {
        return false;
    }
    let b = rest.as_bytes();
    let two = |i: usize, max: u32| rest.get(i..i + 2).filter(|t| t.bytes().all(|c| c.is_ascii_digit())).and_then(|t| t.parse::<u32>().ok()).is_some_and(|n| n <= max);
    if b.len() < 9 || !two(0, 23) || b[2] != b':' || !two(3, 59) || b[5] != b':' || !two(6, 60) {
        return false;
    }
    let mut i = 8;
    if b.get(i) == Some(&b'.') {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        i += 1 + digits;
    }
    match &rest[i..] {
        "Z" | "z" => true,
        offset => {
            let o = offset.as_bytes();
            o.len() == 6 && matches!(o[0], b'+' | b'-') && o[3] == b':' && two(i + 1, 23) && two(i + 4, 59)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_date_times_are_read_as_the_runtime_reads_them() {
        assert!(is_date("2024-02-29") && !is_date("2023-02-29") && !is_date("2024-13-01") && !is_date("2024-1-01"));
        for ok in ["2024-05-17T10:11:12Z", "2024-05-17T10:11:12.5+02:00", "2024-05-17 10:11:12-05:30", "2024-05-17t10:11:12z"] {
            assert!(is_date_time(ok), "{ok}");
        }
        for bad in ["2024-05-17T10:11:12", "2024-05-17T10:11Z", "2024-05-17T24:00:00Z", "2024-05-17T10:11:12.Z", "2024-05-17T10:11:12+0200"] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }
}
