//! Reading schemas: what a schema says whichever way `openapiv3` filed it, and which components
//! it refers to. Nothing here decides Rust; the other lowering units ask these questions.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

use crate::ir::{Constraints, Enum, Variant};
use crate::merge::{Merged, SourceOperation};
use crate::naming::{self, Scope};
use crate::resolve::{follow, schema_ref_name};

/// A schema as met in the spec: a `$ref` or an inline schema.
#[derive(Clone, Copy)]
pub(super) enum View<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

pub(super) fn view(s: &ReferenceOr<Schema>) -> View<'_> {
    match s {
        ReferenceOr::Reference { reference } => View::Ref(reference),
        ReferenceOr::Item(s) => View::Inline(s),
    }
}

pub(super) fn view_boxed(s: &ReferenceOr<Box<Schema>>) -> View<'_> {
    match s {
        ReferenceOr::Reference { reference } => View::Ref(reference),
        ReferenceOr::Item(s) => View::Inline(s),
    }
}

/// What a schema says, whichever `SchemaKind` openapiv3 filed it under.
#[derive(Default)]
pub(super) struct Shape<'a> {
    pub(super) typ: Option<&'a str>,
    pub(super) properties: Option<&'a IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub(super) required: &'a [String],
    pub(super) additional: Option<&'a AdditionalProperties>,
    pub(super) items: Option<&'a ReferenceOr<Box<Schema>>>,
    /// The listed values (`enum`), or for a `type: string` schema that lists its values as
    /// `properties` instead, the property names with their descriptions.
    pub(super) enum_values: Vec<EnumValue>,
    pub(super) all_of: &'a [ReferenceOr<Schema>],
    pub(super) unsupported: Option<&'static str>,
    pub(super) format: Option<String>,
}

impl<'a> Shape<'a> {
    pub(super) fn of(s: &'a Schema) -> Self {
        let mut shape = Shape::default();
        match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                shape.typ = Some("string");
                shape.enum_values = t.enumeration.iter().flatten().map(|v| EnumValue::text(v.clone())).collect();
                shape.format = fmt_of(&t.format);
            }
            SchemaKind::Type(Type::Number(t)) => {
                shape.typ = Some("number");
                shape.format = fmt_of(&t.format);
            }
            SchemaKind::Type(Type::Integer(t)) => {
                shape.typ = Some("integer");
                shape.format = fmt_of(&t.format);
            }
            SchemaKind::Type(Type::Boolean(_)) => shape.typ = Some("boolean"),
            SchemaKind::Type(Type::Object(o)) => {
                shape.typ = Some("object");
                shape.properties = Some(&o.properties);
                shape.required = &o.required;
                shape.additional = o.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(a)) => {
                shape.typ = Some("array");
                shape.items = a.items.as_ref();
            }
            SchemaKind::AllOf { all_of } => shape.all_of = all_of,
            SchemaKind::OneOf { .. } => shape.unsupported = Some("oneOf"),
            SchemaKind::AnyOf { .. } => shape.unsupported = Some("anyOf"),
            SchemaKind::Not { .. } => shape.unsupported = Some("not"),
            SchemaKind::Any(a) => {
                shape.typ = a.typ.as_deref();
                shape.all_of = &a.all_of;
                shape.format = a.format.clone();
                shape.enum_values = a.enumeration.iter().filter_map(EnumValue::of_json).collect();
                // An explicit type other than `object` wins over object keywords: a string
                // schema's `properties` document its values (settled as enum values, with a
                // warning from `keywords`), and no other type has properties at all. Only text
                // enums are typed; other types' values are the server's to check.
                match shape.typ {
                    None | Some("object") => {
                        shape.properties = Some(&a.properties);
                        shape.required = &a.required;
                        shape.additional = a.additional_properties.as_ref();
                        shape.items = a.items.as_ref().filter(|_| a.properties.is_empty());
                        if shape.typ.is_some() {
                            shape.enum_values.clear();
                        }
                    }
                    Some("string") if shape.enum_values.is_empty() => {
                        shape.enum_values = a.properties.iter().map(|(name, p)| EnumValue { wire: name.clone(), literal: false, docs: prop_docs(p) }).collect();
                    }
                    Some("string") => {
                        for v in &mut shape.enum_values {
                            v.docs = a.properties.get(&v.wire).and_then(prop_docs);
                        }
                    }
                    Some(other) => {
                        if other == "array" {
                            shape.items = a.items.as_ref();
                        }
                        shape.enum_values.clear();
                    }
                }
                if !a.one_of.is_empty() {
                    shape.unsupported = Some("oneOf");
                } else if !a.any_of.is_empty() {
                    shape.unsupported = Some("anyOf");
                } else if a.not.is_some() {
                    shape.unsupported = Some("not");
                }
            }
        }
        shape
    }

    pub(super) fn has_properties(&self) -> bool {
        self.properties.is_some_and(|p| !p.is_empty())
    }

    /// A schema that adds no structure, only annotations (`type`, `description`, `nullable`):
    /// the filler part of Plaid's `allOf` wrappers around a `$ref`.
    pub(super) fn is_annotation(&self) -> bool {
        !self.has_properties()
            && self.all_of.is_empty()
            && self.items.is_none()
            && self.enum_values.is_empty()
            && self.unsupported.is_none()
            && !matches!(self.additional, Some(AdditionalProperties::Schema(_)))
    }

    /// Whether the schema is an object: it says so, or says no other type and has properties or
    /// `allOf` parts.
    pub(super) fn is_object(&self) -> bool {
        match self.typ {
            Some(t) => t == "object",
            None => self.has_properties() || !self.all_of.is_empty(),
        }
    }
}

/// Whether a value may be `null`: the schema says `nullable: true`, or lists `null` among its
/// `enum` values (which OpenAPI 3.0 reads as nullable, and servers that follow the values send).
pub(super) fn says_nullable(s: &Schema) -> bool {
    s.schema_data.nullable
        || match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => t.enumeration.iter().any(Option::is_none),
            SchemaKind::Type(Type::Number(t)) => t.enumeration.iter().any(Option::is_none),
            SchemaKind::Type(Type::Integer(t)) => t.enumeration.iter().any(Option::is_none),
            SchemaKind::Type(Type::Boolean(t)) => t.enumeration.iter().any(Option::is_none),
            SchemaKind::Any(a) => a.enumeration.iter().any(serde_json::Value::is_null),
            _ => false,
        }
}

/// One listed value of a text enum.
#[derive(Debug, Clone)]
pub(super) struct EnumValue {
    /// The value as text.
    pub(super) wire: String,
    /// The spec gives it as a JSON number or boolean.
    pub(super) literal: bool,
    /// What it means, when the spec says.
    pub(super) docs: Option<String>,
}

impl EnumValue {
    fn text(wire: String) -> Self {
        EnumValue { wire, literal: false, docs: None }
    }

    /// A listed value of any JSON type: `null` is the schema being nullable, not a value; a
    /// number or boolean (YAML reads `true` and `1` unquoted as such) is kept as its text.
    fn of_json(v: &serde_json::Value) -> Option<Self> {
        match v {
            serde_json::Value::String(s) => Some(EnumValue::text(s.clone())),
            serde_json::Value::Bool(_) | serde_json::Value::Number(_) => Some(EnumValue { wire: v.to_string(), literal: true, docs: None }),
            _ => None,
        }
    }
}

/// A property's description, used as the meaning of the enum value it documents.
fn prop_docs(p: &ReferenceOr<Box<Schema>>) -> Option<String> {
    match p {
        ReferenceOr::Item(s) => docs_of(s),
        ReferenceOr::Reference { .. } => None,
    }
}

pub(super) fn fmt_of<T: serde::Serialize>(f: &openapiv3::VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match f {
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
        openapiv3::VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        openapiv3::VariantOrUnknownOrEmpty::Item(t) => serde_json::to_value(t).ok().and_then(|v| v.as_str().map(str::to_string)),
    }
}

/// The value constraints a schema states, whichever kind it is.
pub(super) fn constraints_of(s: &Schema) -> Constraints {
    let mut c = Constraints::default();
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => {
            c.min_length = t.min_length;
            c.max_length = t.max_length;
            c.pattern = t.pattern.clone();
        }
        SchemaKind::Type(Type::Integer(t)) => {
            c.minimum = t.minimum.map(|m| m as f64 + if t.exclusive_minimum { 1.0 } else { 0.0 });
            c.maximum = t.maximum.map(|m| m as f64 - if t.exclusive_maximum { 1.0 } else { 0.0 });
        }
        SchemaKind::Type(Type::Number(t)) => {
            c.minimum = t.minimum.map(|m| if t.exclusive_minimum { m + 0.5 } else { m });
            c.maximum = t.maximum.map(|m| if t.exclusive_maximum { m - 0.5 } else { m });
        }
        SchemaKind::Type(Type::Array(t)) => {
            c.min_items = t.min_items;
            c.max_items = t.max_items;
        }
        SchemaKind::Any(a) => {
            c.min_length = a.min_length;
            c.max_length = a.max_length;
            c.pattern = a.pattern.clone();
            c.minimum = a.minimum;
            c.maximum = a.maximum;
            c.min_items = a.min_items;
            c.max_items = a.max_items;
        }
        _ => {}
    }
    c
}

/// `allOf: [$ref: X, {type: object}]` with nothing else: the schema is X. Returns X and whether
/// an annotation part makes it nullable.
pub(super) fn single_ref_wrapper<'s>(shape: &Shape<'s>) -> Option<(&'s str, bool)> {
    if shape.has_properties() || shape.all_of.is_empty() {
        return None;
    }
    let mut target = None;
    let mut nullable = false;
    for part in shape.all_of {
        match view(part) {
            View::Ref(r) if target.is_none() => target = Some(schema_ref_name(r)?),
            View::Inline(s) if Shape::of(s).is_annotation() => nullable |= says_nullable(s),
            _ => return None,
        }
    }
    target.map(|t| (t, nullable))
}

pub(super) fn enum_of(values: &[EnumValue]) -> Enum {
    let mut scope = Scope::default();
    let mut seen = BTreeSet::new();
    let variants = values
        .iter()
        .filter(|v| seen.insert(v.wire.as_str()))
        .map(|v| Variant { name: scope.claim(naming::variant_name(&v.wire)), wire: v.wire.clone(), literal: v.literal, docs: v.docs.clone() })
        .collect();
    let fallback = scope.claim("UnknownValue".into());
    Enum { variants, fallback }
}

pub(super) fn docs_of(s: &Schema) -> Option<String> {
    s.schema_data.description.clone().or_else(|| s.schema_data.title.clone()).filter(|d| !d.trim().is_empty())
}

pub(super) fn deprecation(s: &Schema) -> Option<String> {
    deprecation_note(s.schema_data.deprecated, s.schema_data.description.as_deref())
}

/// The note of a deprecated item: that the spec deprecates it and, where its description
/// names the replacement (``use `merchant_name` instead``, ``in favor of `breakdown` ``), what to
/// use instead.
pub(super) fn deprecation_note(deprecated: bool, description: Option<&str>) -> Option<String> {
    if !deprecated {
        return None;
    }
    Some(match (description.and_then(stated_reason), description.and_then(replacement)) {
        (Some(reason), _) => format!("Deprecated in the API spec: {reason}"),
        (None, Some(with)) => format!("Deprecated in the API spec: use `{with}` instead."),
        (None, None) => "Deprecated in the API spec.".to_string(),
    })
}

/// The reason a description gives when it opens with "Deprecated" ("Deprecated.
/// `authorization_id` is now used as idempotency instead."): the rest of its first paragraph,
/// on one line and at most 300 characters, so that the compiler's warning tells users why.
fn stated_reason(text: &str) -> Option<String> {
    const MAX: usize = 300;
    let first = text.trim_start().split("\n\n").next()?;
    let rest = first.get(..10).filter(|p| p.eq_ignore_ascii_case("deprecated")).and_then(|_| first.get(10..))?;
    let rest = rest.trim_start_matches(|c: char| c == '.' || c == ':' || c == ',' || c == ';' || c == '-' || c == '—' || c.is_whitespace());
    let mut reason = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    if reason.is_empty() {
        return None;
    }
    if reason.len() > MAX {
        let cut = (0..=MAX).rev().find(|i| reason.is_char_boundary(*i)).unwrap_or(0);
        reason.truncate(cut);
        reason.push('…');
    }
    Some(reason)
}

/// The item a description says to use instead: the first backticked name after a phrase that
/// points to a replacement.
fn replacement(text: &str) -> Option<String> {
    const LEADS: &[&str] = &["use the `", "use `", "in favor of the `", "in favor of `", "replaced by the `", "replaced by `", "superseded by the `", "superseded by `"];
    let lower = text.to_ascii_lowercase();
    let (at, lead) = LEADS.iter().filter_map(|lead| lower.find(lead).map(|at| (at, lead.len()))).min()?;
    let rest = text.get(at + lead..)?;
    let name = &rest[..rest.find('`')?];
    let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "_./{}".contains(c));
    plain.then(|| name.to_string())
}

/// Component schemas that an operation refers to directly: through its parameters (its own
/// and its path item's), its request body and its responses, following component refs of
/// those kinds. A ref that does not resolve is skipped here; the operation's lowering reports it.
pub(super) fn op_schema_refs<'s>(merged: &'s Merged, src: &'s SourceOperation, out: &mut Vec<&'s str>) {
    let media_refs = |content: &'s IndexMap<String, openapiv3::MediaType>, out: &mut Vec<&'s str>| {
        for media in content.values() {
            if let Some(s) = &media.schema {
                schema_refs(view(s), out);
            }
        }
    };
    for p in src.path_params.iter().chain(&src.op.parameters) {
        let Ok(p) = follow(&merged.parameters, "parameters", p) else { continue };
        match &p.parameter_data_ref().format {
            openapiv3::ParameterSchemaOrContent::Schema(s) => schema_refs(view(s), out),
            openapiv3::ParameterSchemaOrContent::Content(content) => media_refs(content, out),
        }
    }
    if let Some(body) = &src.op.request_body {
        if let Ok(body) = follow(&merged.request_bodies, "requestBodies", body) {
            media_refs(&body.content, out);
        }
    }
    for resp in src.op.responses.responses.values().chain(src.op.responses.default.as_ref()) {
        if let Ok(resp) = follow(&merged.responses, "responses", resp) {
            media_refs(&resp.content, out);
        }
    }
}

/// Component names a schema refers to directly (not transitively).
pub(super) fn schema_refs<'s>(v: View<'s>, out: &mut Vec<&'s str>) {
    let s = match v {
        View::Ref(r) => {
            out.extend(schema_ref_name(r));
            return;
        }
        View::Inline(s) => s,
    };
    match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            o.properties.values().for_each(|p| schema_refs(view_boxed(p), out));
            if let Some(AdditionalProperties::Schema(a)) = &o.additional_properties {
                schema_refs(view(a), out);
            }
        }
        SchemaKind::Type(Type::Array(a)) => a.items.iter().for_each(|i| schema_refs(view_boxed(i), out)),
        SchemaKind::Type(_) => {}
        SchemaKind::AllOf { all_of: parts } | SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => {
            parts.iter().for_each(|p| schema_refs(view(p), out))
        }
        SchemaKind::Not { not } => schema_refs(view(not), out),
        SchemaKind::Any(a) => {
            a.properties.values().for_each(|p| schema_refs(view_boxed(p), out));
            if let Some(AdditionalProperties::Schema(s)) = &a.additional_properties {
                schema_refs(view(s), out);
            }
            a.items.iter().for_each(|i| schema_refs(view_boxed(i), out));
            a.one_of.iter().chain(&a.all_of).chain(&a.any_of).for_each(|p| schema_refs(view(p), out));
            if let Some(n) = &a.not {
                schema_refs(view(n), out);
            }
        }
    }
}
