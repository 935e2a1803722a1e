//! Resolving: every `$ref` in every file must name a component of the merged namespace, of any
//! kind a `$ref` can name (`schemas`, `parameters`, `requestBodies`, `responses`, `headers`,
//! `examples`, `securitySchemes`).
//!
//! Refs stay local in the files (`#/components/schemas/RequestID`) even when the component lives
//! in another file: the merged namespace is what they resolve against. All dangling refs are
//! reported at once. A non-schema component may itself be a `$ref` to another of its kind;
//! [`follow`] walks such chains for the lowering, and a chain that comes back on itself is a
//! located error here. (Schema refs are types, not chains: a schema cycle is recursion, which
//! `cycles` handles.)

use std::collections::HashSet;

use openapiv3::ReferenceOr;
use serde_json::Value;

use crate::diag::{pointer_segment, Code, Diagnostic, Diagnostics};
use crate::merge::{Components, Merged};

/// The component kinds a local `$ref` can name, as their section under `components`.
pub const KINDS: [&str; 7] = ["schemas", "parameters", "requestBodies", "responses", "headers", "examples", "securitySchemes"];

/// The name a local schema ref points at: `#/components/schemas/Item` -> `Item`.
pub fn schema_ref_name(reference: &str) -> Option<&str> {
    ref_name(reference, "schemas")
}

/// The name a local ref to a component of `section` points at
/// (`#/components/parameters/Limit` -> `Limit` for `parameters`).
pub fn ref_name<'r>(reference: &'r str, section: &str) -> Option<&'r str> {
    reference
        .strip_prefix("#/components/")?
        .strip_prefix(section)?
        .strip_prefix('/')
        .filter(|n| !n.is_empty() && !n.contains('/'))
}

/// Follows a `$ref` (and a chain of refs) to the component of `section` it names. The error says
/// what is wrong: a ref to another kind, a missing name, or a chain that loops.
pub fn follow<'m, T>(components: &'m Components<T>, section: &str, item: &'m ReferenceOr<T>) -> Result<&'m T, String> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut current = item;
    loop {
        match current {
            ReferenceOr::Item(def) => return Ok(def),
            ReferenceOr::Reference { reference } => {
                let Some(name) = ref_name(reference, section) else {
                    return Err(format!("`$ref: {reference}` is not a ref to `#/components/{section}/<Name>`, as this place needs"));
                };
                if !seen.insert(name) {
                    return Err(format!("`$ref: {reference}` comes back to itself through a chain of refs"));
                }
                let Some(next) = components.get(name) else {
                    return Err(format!("`$ref: {reference}`: no spec file defines {section} component `{name}`"));
                };
                current = &next.def;
            }
        }
    }
}

/// Checks every `$ref` of every file, and every chain of non-schema refs; fails with all
/// problems found.
pub fn check_refs(merged: &Merged) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::default();
    for file in &merged.files {
        let mut refs = Vec::new();
        collect_refs(&file.json, false, &mut String::new(), &mut refs);
        for (pointer, target) in refs {
            if let Some((code, message)) = check_one(merged, &target) {
                diags.push(
                    Diagnostic::error(code, message)
                        .in_file(&file.path)
                        .at_line(crate::locate::line_of(&file.text, &pointer))
                        .at_pointer(pointer),
                );
            }
        }
    }
    if diags.error_count() == 0 {
        check_chains(merged, "parameters", &merged.parameters, &mut diags);
        check_chains(merged, "requestBodies", &merged.request_bodies, &mut diags);
        check_chains(merged, "responses", &merged.responses, &mut diags);
        check_chains(merged, "headers", &merged.headers, &mut diags);
        check_chains(merged, "examples", &merged.examples, &mut diags);
        check_chains(merged, "securitySchemes", &merged.security_schemes, &mut diags);
    }
    diags.into_result().map(|_| ())
}

/// A component that is a `$ref` must reach a definition; a loop is reported once per component
/// on it, at that component.
fn check_chains<T>(merged: &Merged, section: &str, components: &Components<T>, diags: &mut Diagnostics) {
    for (name, component) in components {
        if let ReferenceOr::Reference { .. } = &component.def {
            if let Err(message) = follow(components, section, &component.def) {
                let pointer = format!("/components/{section}/{}", pointer_segment(name));
                let mut d = Diagnostic::error(Code::BadRef, format!("{} component `{name}`: {message}", singular(section)));
                if let Some(file) = component.files.first().and_then(|&f| merged.files.get(f)) {
                    d = d.in_file(&file.path).at_line(crate::locate::line_of(&file.text, &pointer));
                }
                diags.push(d.at_pointer(pointer));
            }
        }
    }
}

fn check_one(merged: &Merged, target: &str) -> Option<(Code, String)> {
    if !target.starts_with('#') {
        return Some((Code::BadRef, format!("`$ref: {target}` points outside the document; only local refs (`#/components/...`) are supported")));
    }
    let Some(section) = KINDS.iter().find(|k| target.strip_prefix("#/components/").is_some_and(|rest| rest.starts_with(&format!("{k}/")))) else {
        return Some((Code::BadRef, format!("`$ref: {target}` is not supported; the generator resolves refs to `#/components/<kind>/<Name>` ({})", KINDS.join(", "))));
    };
    let Some(name) = ref_name(target, section) else {
        let missing = target.ends_with('/');
        return Some((Code::BadRef, format!("`$ref: {target}` is malformed: expected `#/components/{section}/<Name>`{}", if missing { " (the name is missing)" } else { "" })));
    };
    let defined = match *section {
        "schemas" => merged.schemas.contains_key(name),
        "parameters" => merged.parameters.contains_key(name),
        "requestBodies" => merged.request_bodies.contains_key(name),
        "responses" => merged.responses.contains_key(name),
        "headers" => merged.headers.contains_key(name),
        "examples" => merged.examples.contains_key(name),
        _ => merged.security_schemes.contains_key(name),
    };
    (!defined).then(|| (Code::DanglingRef, format!("`$ref: {target}`: no spec file defines {} `{name}`", singular(section))))
}

/// What one component of a section is called in messages.
fn singular(section: &str) -> &'static str {
    match section {
        "schemas" => "schema",
        "parameters" => "parameter",
        "requestBodies" => "request body",
        "responses" => "response",
        "headers" => "header",
        "examples" => "example",
        _ => "security scheme",
    }
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
                // Example values, defaults, enums and extensions are data, not spec structure.
                let data = matches!(k.as_str(), "example" | "value" | "default" | "enum") || k.starts_with("x-");
                if !names && (data || k == "$ref") {
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
