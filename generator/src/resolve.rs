//! Resolving: every `$ref` in every file must name a component of the merged namespace.
//!
//! Refs stay local in the files (`#/components/schemas/RequestID`) even when the component lives
//! in another file: the merged namespace is what they resolve against. All dangling refs are
//! reported at once.

use serde_json::Value;

use crate::diag::{pointer_segment, Code, Diagnostic, Diagnostics};
use crate::merge::Merged;

/// The name a local schema ref points at: `#/components/schemas/Item` -> `Item`.
pub fn schema_ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/").filter(|n| !n.is_empty() && !n.contains('/'))
}

/// Checks every `$ref` of every file; fails with all problems found.
pub fn check_refs(merged: &Merged) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::default();
    for file in &merged.files {
        let mut refs = Vec::new();
        collect_refs(&file.json, false, &mut String::new(), &mut refs);
        for (pointer, target) in refs {
            let problem = check_one(merged, &target);
            if let Some((code, message)) = problem {
                diags.push(
                    Diagnostic::error(code, message)
                        .in_file(&file.path)
                        .at_line(crate::locate::line_of(&file.text, &pointer))
                        .at_pointer(pointer),
                );
            }
        }
    }
    diags.into_result().map(|_| ())
}

fn check_one(merged: &Merged, target: &str) -> Option<(Code, String)> {
    if !target.starts_with('#') {
        return Some((Code::BadRef, format!("`$ref: {target}` points outside the document; only local refs (`#/components/...`) are supported")));
    }
    if let Some(rest) = target.strip_prefix("#/components/schemas/") {
        return match schema_ref_name(target) {
            None => Some((Code::BadRef, format!("`$ref: {target}` is malformed: expected `#/components/schemas/<Name>`{}", if rest.is_empty() { " (the name is missing)" } else { "" }))),
            Some(name) if merged.schemas.contains_key(name) => None,
            Some(name) => Some((Code::DanglingRef, format!("`$ref: {target}`: no spec file defines schema `{name}`"))),
        };
    }
    if let Some(name) = target.strip_prefix("#/components/securitySchemes/") {
        return (!merged.security_schemes.contains_key(name)).then(|| (Code::DanglingRef, format!("`$ref: {target}`: no spec file defines security scheme `{name}`")));
    }
    Some((Code::BadRef, format!("`$ref: {target}` is not supported; the generator resolves refs to `#/components/schemas/<Name>`")))
}

/// Collects `(pointer, target)` for every `$ref` outside example values, which are data.
/// `names` is true for a map whose keys are names (schema properties), not keywords.
fn collect_refs(v: &Value, names: bool, pointer: &mut String, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            if let (false, Some(Value::String(target))) = (names, map.get("$ref")) {
                out.push((format!("{pointer}/$ref"), target.clone()));
            }
            for (k, child) in map {
                if !names && (k == "example" || k == "examples" || k == "$ref") {
                    continue;
                }
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&pointer_segment(k));
                collect_refs(child, !names && k == "properties", pointer, out);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                collect_refs(child, false, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}
