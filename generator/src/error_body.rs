//! The type the runtime decodes non-2xx answers into, decided from the spec's own error
//! responses: the type most operations declare as their error (`default`, or else the first
//! 4xx/5xx answer; ties go to the first by name). The runtime reads five of its fields:
//! `error_type`, `error_code` and `error_message` (text or string enums, required by the
//! runtime), and `display_message` and `request_id` when the schema has them. A declared error
//! type without the three is an error located at its schema, never a crate that does not
//! compile; a spec that declares no error type gets untyped JSON errors.

use std::collections::BTreeMap;

use crate::graph::TypeIndex;
use crate::ir::{Api, ErrorBody, ErrorField, Field, TypeKind, TypeRef};

/// Sets [`Api::error_body`]. Returns, for an error type that does not fit, its origin and
/// what is wrong.
pub fn settle(api: &mut Api) -> Option<(String, String)> {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for op in api.modules.iter().flat_map(|m| &m.operations) {
        if let Some(TypeRef::Named { module, name }) = &op.error {
            *counts.entry((module.as_str(), name.as_str())).or_default() += 1;
        }
    }
    let best = counts.values().copied().max()?;
    let (module, name) = counts.iter().find(|(_, n)| **n == best).map(|(k, _)| *k)?;
    let index = TypeIndex::new(api);
    let def = index.get(module, name)?;
    let origin = def.origin.clone();
    let TypeKind::Struct(s) = &def.kind else {
        return Some((origin, format!("the error type `{name}` is not an object; the client reads `error_type`, `error_code` and `error_message` from error answers")));
    };
    let read = |wire: &str| -> Result<Option<ErrorField>, String> {
        let Some(f) = s.fields.iter().find(|f| f.wire == wire) else { return Ok(None) };
        let is_enum = text_kind(&index, &f.ty).ok_or_else(|| format!("`{name}.{wire}` is not text; the client reads it as text"))?;
        Ok(Some(error_field(f, is_enum)))
    };
    let needed = |wire: &str| -> Result<ErrorField, String> {
        read(wire)?.ok_or_else(|| format!("the error type `{name}` has no `{wire}` property; the client reads `error_type`, `error_code` and `error_message` from error answers"))
    };
    let body = (|| -> Result<ErrorBody, String> {
        Ok(ErrorBody {
            ty: TypeRef::Named { module: module.to_string(), name: name.to_string() },
            error_type: needed("error_type")?,
            error_code: needed("error_code")?,
            error_message: needed("error_message")?,
            display_message: read("display_message")?,
            request_id: read("request_id")?,
            gate: None,
        })
    })();
    drop(index);
    match body {
        Ok(body) => {
            api.error_body = Some(body);
            None
        }
        Err(message) => Some((origin, message)),
    }
}

fn error_field(f: &Field, is_enum: bool) -> ErrorField {
    ErrorField { field: f.name.clone(), optional: f.is_optional(), is_enum }
}

/// `Some(is_enum)` for a text type (a string, a string enum, or an alias of a string; an alias
/// ring, an error of its own, is not text).
fn text_kind(index: &TypeIndex<'_>, ty: &TypeRef) -> Option<bool> {
    let mut ty = ty;
    for depth in 0..32 {
        match ty {
            TypeRef::String => return Some(false),
            TypeRef::Named { module, name } => match &index.get(module, name)?.kind {
                TypeKind::Enum(_) if depth == 0 => return Some(true),
                TypeKind::Alias(target) => ty = target,
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}
