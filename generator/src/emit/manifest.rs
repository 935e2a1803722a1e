//! `api.json`: the generated crate's public API as data, one item a line, so that a regen diff
//! shows what users will feel and `cargo xtask api-diff` can compare two versions without
//! reading Rust. Every item is named by its path as a user writes it, without the crate name
//! (`Client::accounts_get`, `AccountBase::mask`, `AccountSubtype::Rewards`,
//! `LinkTokenCreateRequest::new`, `feature:accounts`), and says what code depends on: its kind
//! and, for fields, arguments and results, its Rust type. `exhaustive` marks the structs whose
//! literal a user writes (the named values of a constructor): a field added there breaks code.

use serde_json::{json, Value};

use crate::ir::{Api, Field, Operation, RetryClass, TypeDef, TypeKind, TypeRef, Wrapping};

/// The manifest's text: the header line, then an item a line, in a stable order.
pub fn manifest(api: &Api, header: &str) -> String {
    let mut items: Vec<Value> = Vec::new();
    for feature in &api.features {
        items.push(json!({"path": format!("feature:{feature}"), "kind": "feature"}));
    }
    for m in &api.modules {
        items.push(json!({"path": format!("{}", m.name), "kind": "module"}));
        for t in &m.types {
            type_items(t, &m.name, &mut items);
        }
        for op in &m.operations {
            method_items(op, &m.name, &mut items);
        }
    }
    for v in &api.webhooks.variants {
        items.push(json!({"path": format!("webhooks::Webhook::{}", v.name), "kind": "variant", "type": rust(&v.ty), "pair": format!("{} {}", v.webhook_type, v.webhook_code)}));
    }
    let mut text = String::new();
    text.push_str(&format!("{{\"generated\": {},\n", Value::String(header.trim_start_matches("// ").to_string())));
    text.push_str(&format!("\"spec_version\": {},\n\"items\": [\n", Value::String(api.spec_version.clone())));
    let lines: Vec<String> = items.iter().map(Value::to_string).collect();
    text.push_str(&lines.join(",\n"));
    text.push_str("\n]}\n");
    text
}

/// A type's items; the type's own carries its module, since `accounts::AccountBase` is a path
/// users may write too.
fn type_items(t: &TypeDef, module: &str, items: &mut Vec<Value>) {
    let name = &t.name;
    match &t.kind {
        TypeKind::Alias(target) => items.push(json!({"path": name, "kind": "alias", "module": module, "type": rust(target)})),
        TypeKind::Enum(e) => {
            items.push(json!({"path": name, "kind": "enum", "module": module}));
            for v in &e.variants {
                items.push(json!({"path": format!("{name}::{}", v.name), "kind": "variant", "wire": v.wire}));
            }
            items.push(json!({"path": format!("{name}::{}", e.fallback), "kind": "variant", "type": "String"}));
        }
        TypeKind::Struct(s) => {
            items.push(json!({"path": name, "kind": "struct", "module": module}));
            for f in &s.fields {
                items.push(json!({"path": format!("{name}::{}", f.name), "kind": "field", "type": field_type(f)}));
            }
            if let crate::ir::Extra::Keep { field, value } = &s.extra {
                items.push(json!({"path": format!("{name}::{field}"), "kind": "field", "type": format!("BTreeMap<String, {}>", rust(value))}));
            }
            let taken: Vec<&Field> = s.constructor.iter().filter_map(|n| s.fields.iter().find(|f| &f.name == n)).collect();
            let args: Vec<String> = match &s.named_args {
                Some(args) => vec![args.clone()],
                None => taken.iter().map(|f| format!("{}: impl Into<{}>", f.name, arg_type(f))).collect(),
            };
            items.push(json!({"path": format!("{name}::new"), "kind": "fn", "args": args}));
            for f in &s.fields {
                if let Some(setter) = &f.setter {
                    items.push(json!({"path": format!("{name}::{setter}"), "kind": "fn", "args": [format!("impl Into<{}>", arg_type(f))]}));
                }
                if let Some(null) = &f.null_setter {
                    items.push(json!({"path": format!("{name}::{null}"), "kind": "fn", "args": []}));
                }
            }
            if let Some(args) = &s.named_args {
                items.push(json!({"path": args, "kind": "struct", "module": module, "exhaustive": true}));
                for f in &taken {
                    items.push(json!({"path": format!("{args}::{}", f.name), "kind": "field", "type": arg_type(f)}));
                }
            }
        }
    }
}

fn method_items(op: &Operation, module: &str, items: &mut Vec<Value>) {
    let mut args = Vec::new();
    if let Some(p) = &op.params {
        args.push(p.type_name.clone());
    }
    if let Some(r) = &op.request {
        args.push(rust(r));
    }
    let returns = match (&op.response, op.response_optional) {
        (Some(r), true) => format!("Option<{}>", rust(r)),
        (Some(r), false) => rust(r),
        (None, _) => "()".to_string(),
    };
    let retry = match &op.retry {
        RetryClass::Keyed(_) => "keyed",
        RetryClass::Read => "read",
        RetryClass::Acting => "acting",
    };
    let http = format!("{} {}", op.http_method.as_str(), op.path);
    items.push(json!({"path": format!("Client::{}", op.method_name), "kind": "method", "args": args, "returns": returns, "http": http, "retry": retry, "feature": module}));
    if let Some(p) = &op.pagination {
        items.push(json!({"path": format!("Client::{}", p.pages_method), "kind": "method", "args": args, "returns": format!("Stream<Result<{returns}>>")}));
        if let Some(all) = &p.all_method {
            items.push(json!({"path": format!("Client::{all}"), "kind": "method", "args": args, "returns": returns}));
        }
    }
}

/// A field's Rust type as the struct declares it.
fn field_type(f: &Field) -> String {
    let base = if f.boxed { format!("Box<{}>", rust(&f.ty)) } else { rust(&f.ty) };
    match f.wrapping() {
        Wrapping::Plain => base,
        Wrapping::Option => format!("Option<{base}>"),
        Wrapping::DoubleOption => format!("Nullable<{base}>"),
    }
}

/// What `new` and a setter take for a field.
fn arg_type(f: &Field) -> String {
    let base = rust(f.arg.as_ref().unwrap_or(&f.ty));
    if f.boxed {
        format!("Box<{base}>")
    } else {
        base
    }
}

/// A type as a user writes it.
fn rust(ty: &TypeRef) -> String {
    ty.spelling()
}
