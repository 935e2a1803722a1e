//! Decisions a maintainer states with extensions, usually set by an overlay
//! ([`crate::overlay`]) so that a rename or a regrouping is a small file and not a fork of
//! Plaid's spec. Each extension replaces one structural decision and nothing else:
//!
//! - `x-rust-name` on a component schema (`components/schemas/X`) names its type; on a
//!   property (an inline property schema; a `$ref` property has no room for it) names its
//!   field; on an operation names its method. The value is a name in any case: it goes through
//!   the same [`crate::naming`] rule as a spec name (`list accounts` -> `list_accounts`), so it
//!   is always a valid identifier, and clashes are handled as for spec names (a type gets a
//!   numbered suffix, with W0002; two methods of one name are an error).
//! - `x-feature` on an operation names its group: the module and Cargo feature it lives in,
//!   through the module-name rule.
//! - `x-rust-retry` on an operation states its retry class where the structure cannot show it:
//!   `read`, `acting` or `keyed` ([`crate::passes::retry`] honours it; `keyed` without an
//!   idempotency key field falls back to the structural class, with a warning).
//!
//! A value the generator cannot use (not a string, empty, an unknown class) is an error
//! (E0013): a maintainer's statement is never silently dropped. The IR records every decision
//! an extension made ([`Stated`]), with the structural one it replaced.

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::Lowerer;
use crate::diag::{pointer_segment, Code, Diagnostic};
use crate::ir::{Operation, Renamed, Stated, StatedRetry};
use crate::merge::SourceOperation;
use crate::naming;

/// The extension that names a type, field or method.
pub const RUST_NAME: &str = "x-rust-name";
/// The extension that chooses an operation's group.
pub const FEATURE: &str = "x-feature";
/// The extension that states an operation's retry class.
pub const RUST_RETRY: &str = "x-rust-retry";

/// The extensions a node carries.
pub type Extensions = IndexMap<String, Value>;

/// A stated name or group: the text, when the extension is there and usable; the reason it is
/// not, when it is there and not usable.
pub fn text<'e>(ext: &'e Extensions, key: &str) -> Result<Option<&'e str>, String> {
    match ext.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if s.chars().any(|c| c.is_ascii_alphanumeric()) => Ok(Some(s)),
        Some(Value::String(s)) => Err(format!("`{key}: {s:?}` has no letter or digit to make a Rust name of")),
        Some(other) => Err(format!("`{key}` must be text, not `{other}`")),
    }
}

/// A stated retry class.
pub fn retry(ext: &Extensions) -> Result<Option<StatedRetry>, String> {
    match ext.get(RUST_RETRY) {
        None => Ok(None),
        Some(Value::String(s)) => match s.as_str() {
            "read" => Ok(Some(StatedRetry::Read)),
            "acting" => Ok(Some(StatedRetry::Acting)),
            "keyed" => Ok(Some(StatedRetry::Keyed)),
            other => Err(format!("`{RUST_RETRY}: {other}` is not a retry class; write `read`, `acting` or `keyed`")),
        },
        Some(other) => Err(format!("`{RUST_RETRY}` must be `read`, `acting` or `keyed`, not `{other}`")),
    }
}

impl<'a> Lowerer<'a> {
    /// The usable text of an extension at `pointer`; an unusable one is a located error.
    fn stated_text(&mut self, ext: &'a Extensions, key: &str, file: usize, pointer: &str) -> Option<&'a str> {
        match text(ext, key) {
            Ok(found) => found,
            Err(message) => {
                self.push_located(file, format!("{pointer}/{key}"), Diagnostic::error(Code::Extension, message));
                None
            }
        }
    }

    /// A component's stated type name (`x-rust-name` on its schema).
    pub(super) fn stated_type_name(&mut self, component: &'a str, file: usize, pointer: &str) -> Option<Renamed> {
        let Some(ReferenceOr::Item(schema)) = self.merged.schemas.get(component).map(|c| &c.def) else { return None };
        let stated = self.stated_text(&schema.schema_data.extensions, RUST_NAME, file, pointer)?;
        Some(Renamed { stated: stated.to_string(), structural: naming::type_name(component) })
    }

    /// A property's stated field name (`x-rust-name` on its inline schema).
    pub(super) fn stated_field_name(&mut self, prop: &'a ReferenceOr<Box<Schema>>, wire: &str, file: usize, pointer: &str) -> Stated {
        let ReferenceOr::Item(schema) = prop else { return Stated::default() };
        let stated = self.stated_text(&schema.schema_data.extensions, RUST_NAME, file, pointer);
        if let Some(keyword) = stated.map(str::trim).filter(|s| naming::is_rust_keyword(s)) {
            let message = format!("`{RUST_NAME}: {keyword}` states a Rust keyword as a field name; it would become `{}`", naming::field_name(keyword));
            self.push_located(file, format!("{pointer}/{RUST_NAME}"), Diagnostic::error(Code::ReservedName, message));
        }
        let name = stated.map(|stated| Renamed { stated: stated.to_string(), structural: naming::field_name(wire) });
        Stated { name, ..Stated::default() }
    }

    /// What an operation's extensions state: its method name, its group and its retry class.
    /// Unusable values are located errors, reported here once per operation.
    pub(super) fn stated_for_operation(&mut self, src: &'a SourceOperation, id: &str, pointer: &str) -> Stated {
        let ext = &src.op.extensions;
        let name = self.stated_text(ext, RUST_NAME, src.file, pointer).map(|stated| Renamed { stated: stated.to_string(), structural: naming::method_name(id) });
        let group = self.stated_text(ext, FEATURE, src.file, pointer).map(|_| self.structural_group(src));
        let retry = match retry(ext) {
            Ok(found) => found,
            Err(message) => {
                self.push_located(src.file, format!("{pointer}/{RUST_RETRY}"), Diagnostic::error(Code::Extension, message));
                None
            }
        };
        Stated { name, group, retry }
    }

    /// Every client method shares one `impl Client` with the runtime's methods: a method name
    /// another operation's method has, one of the runtime's own (`raw`), or a std trait
    /// method's (`clone`) would not compile or would break the runtime, so each is a located
    /// error naming the clash, whether the name was stated or derived from the operationId.
    /// A stated name that is a Rust keyword is refused too: the naming rule would change it.
    pub(super) fn check_method_names(&mut self, ops: &[(&'a SourceOperation, Operation)]) {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for (_, op) in ops {
            *count.entry(op.method_name.as_str()).or_default() += 1;
        }
        for (src, op) in ops {
            let stated = op.stated.name.as_ref();
            let base = format!("/paths/{}/{}", pointer_segment(&src.path), src.method);
            let (pointer, origin) = match stated {
                Some(_) => (format!("{base}/{RUST_NAME}"), format!("`{}` states the method name", op.id)),
                None => (format!("{base}/operationId"), format!("the operationId `{}` makes the method name", op.id)),
            };
            if stated.is_some() && count.get(op.method_name.as_str()).is_some_and(|n| *n > 1) {
                let message = format!("`{}` states the method name `{}`, which another operation's method has", op.id, op.method_name);
                let d = Diagnostic::error(Code::Extension, message).with_hint("state a name no other operation's method has");
                self.push_located(src.file, pointer.clone(), d);
            }
            if let Some(clash) = naming::method_clash(&op.method_name) {
                let message = format!("{origin} `{}`, which would clash with {clash}", op.method_name);
                self.push_located(src.file, pointer.clone(), Diagnostic::error(Code::ReservedName, message));
            }
            if let Some(keyword) = stated.map(|r| r.stated.trim()).filter(|s| naming::is_rust_keyword(s)) {
                let message = format!("{origin} `{keyword}`, a Rust keyword; it would become `{}`", op.method_name);
                self.push_located(src.file, pointer, Diagnostic::error(Code::ReservedName, message));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(key: &str, value: Value) -> Extensions {
        [(key.to_string(), value)].into_iter().collect()
    }

    #[test]
    fn usable_values_are_read_and_others_say_why() {
        assert_eq!(text(&ext(RUST_NAME, "Account".into()), RUST_NAME), Ok(Some("Account")));
        assert_eq!(text(&Extensions::new(), RUST_NAME), Ok(None));
        assert!(text(&ext(RUST_NAME, " - ".into()), RUST_NAME).is_err_and(|e| e.contains("no letter")));
        assert!(text(&ext(FEATURE, Value::Bool(true)), FEATURE).is_err_and(|e| e.contains("must be text")));
        assert_eq!(retry(&ext(RUST_RETRY, "keyed".into())), Ok(Some(StatedRetry::Keyed)));
        assert!(retry(&ext(RUST_RETRY, "sometimes".into())).is_err_and(|e| e.contains("not a retry class")));
    }
}
