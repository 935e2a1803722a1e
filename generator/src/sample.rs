//! Sample JSON values for the IR's types: valid inputs for generated tests (a value with every
//! sensitive field set to a marker) and for client tests (a request with every field set).
//!
//! Samples follow the IR, not the spec, so they exercise exactly what the generated types
//! accept: required fields always, optional fields on request, enums by their first listed
//! value, formats by a typical value (`date`, `date-time`, `email`, `uri`).

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::ir::{Api, Extra, Field, TypeDef, TypeKind, TypeRef};

/// Optional fields are filled only this deep, so that recursive schemas end.
const OPTIONAL_DEPTH: usize = 6;
/// Past this depth a value is `null`: only a schema that requires itself gets here.
const MAX_DEPTH: usize = 32;

/// Makes sample values for the types of one [`Api`].
#[derive(Debug, Clone)]
pub struct Sampler<'a> {
    types: HashMap<(&'a str, &'a str), &'a TypeDef>,
    fill_optional: bool,
    marker: Option<&'a str>,
}

impl<'a> Sampler<'a> {
    /// A sampler that sets required fields only.
    pub fn new(api: &'a Api) -> Self {
        let types = api
            .modules
            .iter()
            .flat_map(|m| m.types.iter().map(move |t| ((m.name.as_str(), t.name.as_str()), t)))
            .collect();
        Sampler { types, fill_optional: false, marker: None }
    }

    /// Sets optional fields too.
    pub fn with_optional(mut self) -> Self {
        self.fill_optional = true;
        self
    }

    /// Puts `marker` in every string inside a sensitive field.
    pub fn with_marker(mut self, marker: &'a str) -> Self {
        self.marker = Some(marker);
        self
    }

    /// The type definition a named reference points to.
    pub fn type_def(&self, module: &str, name: &str) -> Option<&'a TypeDef> {
        self.types.get(&(module, name)).copied()
    }

    /// A sample value of `ty`.
    pub fn value(&self, ty: &TypeRef) -> Value {
        self.sample(ty, None, false, 0)
    }

    fn sample(&self, ty: &TypeRef, format: Option<&str>, sensitive: bool, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        match ty {
            TypeRef::String => Value::String(self.string(format, sensitive)),
            TypeRef::Bool => Value::Bool(true),
            TypeRef::I32 | TypeRef::I64 => json!(1),
            TypeRef::F64 => json!(1.5),
            TypeRef::Date => Value::String(self.string(Some("date"), false)),
            TypeRef::DateTime => Value::String(self.string(Some("date-time"), false)),
            TypeRef::Any => json!({ "sample": true }),
            TypeRef::Bytes => Value::String(String::new()),
            TypeRef::List(inner) => Value::Array(vec![self.sample(inner, format, sensitive, depth + 1)]),
            TypeRef::Map(inner) => json!({ "key": self.sample(inner, format, sensitive, depth + 1) }),
            TypeRef::Nullable(inner) => self.sample(inner, format, sensitive, depth),
            TypeRef::Named { module, name } => match self.type_def(module, name).map(|t| &t.kind) {
                Some(TypeKind::Alias(target)) => self.sample(target, format, sensitive, depth + 1),
                Some(TypeKind::Enum(e)) => Value::String(e.variants.first().map(|v| v.wire.clone()).unwrap_or_else(|| "unlisted".into())),
                Some(TypeKind::Struct(s)) => {
                    let mut object = Map::new();
                    for field in s.fields.iter().filter(|f| self.includes(f, depth)) {
                        let sensitive = sensitive || field.sensitivity.is_some();
                        object.insert(field.wire.clone(), self.sample(&field.ty, field.format.as_deref(), sensitive, depth + 1));
                    }
                    if let (Extra::Keep { value: TypeRef::Any, .. }, Some(marker)) = (&s.extra, self.marker) {
                        // An unknown property with a sensitive name: the runtime's rule must catch it.
                        object.entry("secret").or_insert_with(|| Value::String(marker.into()));
                    }
                    Value::Object(object)
                }
                None => Value::Null,
            },
        }
    }

    fn includes(&self, field: &Field, depth: usize) -> bool {
        !field.is_optional() || (field.required && field.nullable) || (self.fill_optional && depth < OPTIONAL_DEPTH)
    }

    fn string(&self, format: Option<&str>, sensitive: bool) -> String {
        if let (true, Some(marker)) = (sensitive, self.marker) {
            return marker.to_string();
        }
        match format {
            Some("date") => "2024-05-17",
            Some("date-time") => "2024-05-17T10:11:12Z",
            Some("email") => "user@example.com",
            Some("uri") | Some("url") => "https://example.com/",
            _ => "sample",
        }
        .to_string()
    }
}
