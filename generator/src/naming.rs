//! Rust names for spec names: case conversion with `heck`, then whatever it takes to make a valid,
//! unambiguous identifier. Every rule here is deterministic: the same spec names give the same
//! Rust names on every run.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict and reserved, 2021 edition and later). A field or method named like one
/// gets a trailing underscore (`type` -> `type_`).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names the generated code itself uses unqualified, or that would shadow the prelude and
/// confuse readers; a schema with such a name gets a `Schema` suffix (`Option` -> `OptionSchema`).
const RESERVED_TYPES: &[&str] = &[
    "Self", "Option", "Result", "Box", "Vec", "String", "Some", "None", "Ok", "Err", "Default", "Clone", "Copy",
    "Debug", "PartialEq", "Send", "Sync", "Sized", "Drop", "Fn", "Iterator", "ToString", "Into", "From",
    "Serialize", "Deserialize", "Value", "Map", "Client", "Error", "Operation", "Config",
    "Nullable", "ErrorBody", "ErrorType",
];

/// Every method of the runtime's `impl Client` blocks, public or not: an operation's method of
/// the same name would be a second definition (E0592) or would shadow what the runtime calls.
/// A generator test reads the runtime's source and checks this list against it.
pub const CLIENT_METHODS: &[&str] = &[
    "attempts", "call", "config", "execute", "execute_bytes", "execute_empty", "execute_optional", "from_parts",
    "http_builder", "keep_exchange", "new", "post_as", "post_bytes", "post_json", "raw", "request_as", "send", "try_new",
    "with_body_credentials", "with_body_field", "with_extras", "with_header", "with_hook", "with_http_client",
    "with_query", "with_retry", "with_retry_class", "with_timeout",
];

/// Methods of std traits that `Client` implements or every type gets by a blanket impl: an
/// inherent method of the same name would be called instead of the trait's (`client.clone()`
/// taking a request).
pub const STD_TRAIT_METHODS: &[&str] = &[
    "as_mut", "as_ref", "borrow", "borrow_mut", "clone", "clone_from", "clone_into", "cmp", "default", "deref",
    "deref_mut", "drop", "eq", "fmt", "from", "hash", "into", "ne", "partial_cmp", "to_owned", "to_string", "try_from",
    "try_into", "type_id",
];

/// What a client method named `name` would collide with, if anything.
pub fn method_clash(name: &str) -> Option<String> {
    if CLIENT_METHODS.contains(&name) {
        Some(format!("the runtime's own `Client::{name}`"))
    } else if STD_TRAIT_METHODS.contains(&name) {
        Some(format!("the std trait method `{name}` that `Client` has"))
    } else {
        None
    }
}

/// Whether `name` is a Rust keyword (a stated name must not be one: it would be changed).
pub fn is_rust_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Replaces characters that cannot be in an identifier, so `heck` sees word breaks instead.
fn clean(raw: &str) -> String {
    raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// `AccountBase`, `accounts balance` -> `AccountsBalance`; reserved names get a suffix.
pub fn type_name(raw: &str) -> String {
    let mut name = clean(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Unnamed".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("T{name}");
    }
    if RESERVED_TYPES.contains(&name.as_str()) {
        name.push_str("Schema");
    }
    name
}

/// The field of a struct that keeps the properties its schema does not list, when no property
/// of the struct claims the name first.
pub const UNKNOWN_PROPERTIES_FIELD: &str = "additional_properties";

/// `error_code`, `errorCode` -> `error_code`; `type` -> `type_`; `401k` -> `n401k`.
pub fn field_name(raw: &str) -> String {
    snake(raw, "field")
}

/// `accountsGet` -> `accounts_get`.
pub fn method_name(raw: &str) -> String {
    snake(raw, "operation")
}

/// `accounts.yml` stem -> `accounts`.
pub fn module_name(raw: &str) -> String {
    snake(raw, "module")
}

fn snake(raw: &str, empty: &str) -> String {
    let mut name = clean(raw).to_snake_case();
    if name.is_empty() {
        name = empty.into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("n{name}");
    }
    if is_keyword(&name) {
        name.push('_');
    }
    name
}

/// `credit card` -> `CreditCard`; `401k` -> `V401k`; `` -> `Empty`.
pub fn variant_name(raw: &str) -> String {
    let mut name = clean(raw).to_upper_camel_case();
    if name.is_empty() {
        name = if raw.is_empty() { "Empty".into() } else { "Symbol".into() };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("V{name}");
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

/// Hands out names within one scope, resolving clashes with a numeric suffix (`Item`, `Item2`).
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// Takes `candidate`, or the first free `candidate2`, `candidate3`, ...
    pub fn claim(&mut self, candidate: String) -> String {
        if self.taken.insert(candidate.clone()) {
            return candidate;
        }
        let sep = if candidate.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
        (2..)
            .map(|n| format!("{candidate}{sep}{n}"))
            .find(|c| self.taken.insert(c.clone()))
            .unwrap_or(candidate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runtime's `.rs` files, in every folder but the generated `gen/`.
    fn runtime_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("the runtime's folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "gen") {
                    runtime_files(&path, out);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The functions of every `impl Client` block of the runtime, read from its source.
    fn runtime_client_methods() -> BTreeSet<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/src");
        let mut files = Vec::new();
        runtime_files(&dir, &mut files);
        assert!(files.len() > 20, "the runtime's files: {files:?}");
        let mut found = BTreeSet::new();
        for path in files {
            let file = syn::parse_file(&std::fs::read_to_string(&path).expect("readable")).expect("the runtime parses");
            for item in file.items {
                let syn::Item::Impl(block) = item else { continue };
                let syn::Type::Path(ty) = &*block.self_ty else { continue };
                if block.trait_.is_some() || !ty.path.is_ident("Client") {
                    continue;
                }
                for item in block.items {
                    if let syn::ImplItem::Fn(f) = item {
                        found.insert(f.sig.ident.to_string());
                    }
                }
            }
        }
        found
    }

    #[test]
    fn the_client_methods_list_is_the_runtimes() {
        let listed: BTreeSet<String> = CLIENT_METHODS.iter().map(|s| s.to_string()).collect();
        assert_eq!(listed, runtime_client_methods(), "update CLIENT_METHODS to the runtime's `impl Client` functions");
        assert_eq!(method_clash("raw").as_deref(), Some("the runtime's own `Client::raw`"));
        assert!(method_clash("clone").is_some_and(|c| c.contains("std trait")));
        assert_eq!(method_clash("accounts_get"), None);
    }

    #[test]
    fn names_are_valid_identifiers() {
        assert_eq!(type_name("RequestID"), "RequestId");
        assert_eq!(type_name("Option"), "OptionSchema");
        assert_eq!(type_name("2fa"), "T2fa");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("errorCode"), "error_code");
        assert_eq!(field_name("401k"), "n401k");
        assert_eq!(field_name("$ref"), "ref_");
        assert_eq!(variant_name("credit card"), "CreditCard");
        assert_eq!(variant_name("401k"), "V401k");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(method_name("accountsGet"), "accounts_get");
    }

    #[test]
    fn clashes_get_numeric_suffixes() {
        let mut s = Scope::default();
        assert_eq!(s.claim("Item".into()), "Item");
        assert_eq!(s.claim("Item".into()), "Item2");
        assert_eq!(s.claim("Item".into()), "Item3");
        assert_eq!(s.claim("V2".into()), "V2");
        assert_eq!(s.claim("V2".into()), "V2_2");
    }
}
