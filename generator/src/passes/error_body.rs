//! The type the runtime decodes non-2xx answers into, decided from the spec's own error
//! responses: the type most operations declare as their error (`default`, or else the first
//! 4xx/5xx answer; ties go to the first by name). The runtime reads five of its fields:
//! `error_type`, `error_code` and `error_message` (text or string enums, required by the
//! runtime), and `display_message` and `request_id` when the schema has them. A declared error
//! type without the three is an error located at its schema, never a crate that does not
//! compile; a spec that declares no error type gets untyped JSON errors.

use std::collections::BTreeMap;

use crate::diag::Code;
use crate::finding::{At, Finding};
use crate::graph::TypeIndex;
use crate::ir::{Api, ErrorBody, ErrorField, TypeKind, TypeRef};

/// Sets [`Api::error_body`]. Returns, for an error type that does not fit, its origin and
/// what is wrong.
pub fn settle(api: &mut Api) -> Option<Finding> {
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
        let message = format!("the error type `{name}` is not an object; the client reads `error_type`, `error_code` and `error_message` from error answers");
        return Some(Finding::error(Code::RuntimeContract, At::Component(origin), message));
    };
    let read = |wire: &str| -> Result<Option<ErrorField>, String> {
        let Some(f) = s.fields.iter().find(|f| f.wire == wire) else { return Ok(None) };
        if !is_text(&index, &f.ty) {
            return Err(format!("`{name}.{wire}` is not text; the client reads it as text"));
        }
        Ok(Some(ErrorField { field: f.name.clone(), wrapping: f.wrapping() }))
    };
    let needed = |wire: &str| -> Result<ErrorField, String> {
        read(wire)?.ok_or_else(|| format!("the error type `{name}` has no `{wire}` property; the client reads `error_type`, `error_code` and `error_message` from error answers"))
    };
    let error_type_ty = s
        .fields
        .iter()
        .find(|f| f.wire == "error_type")
        .map(|f| index.through_aliases(&f.ty))
        .filter(|ty| index.definition(ty).is_some_and(|d| matches!(d.kind, TypeKind::Enum(_))))
        .cloned()
        .unwrap_or(TypeRef::String);
    let body = (|| -> Result<ErrorBody, String> {
        Ok(ErrorBody {
            ty: TypeRef::Named { module: module.to_string(), name: name.to_string() },
            error_type: needed("error_type")?,
            error_type_ty,
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
        Err(message) => Some(Finding::error(Code::RuntimeContract, At::Component(origin), message)),
    }
}

/// Whether a type is text: a string or a string enum, or an alias of one.
fn is_text(index: &TypeIndex<'_>, ty: &TypeRef) -> bool {
    match index.underlying(ty) {
        TypeRef::String => true,
        named => index.definition(named).is_some_and(|d| matches!(d.kind, TypeKind::Enum(_))),
    }
}
