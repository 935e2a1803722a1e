//! Webhook payloads: component schemas that no operation reaches and that have `webhook_type` and
//! `webhook_code` properties. Plaid writes each payload's pair in several ways, so the pair is
//! read from the first of: a one-value `enum` of the property, its `example`, the schema's
//! `x-examples`, the property's description (`` `ITEM` `` or `` `"PROTECT"` ``). A payload
//! whose pair cannot be read is a located warning and stays a plain type.
//!
//! Which payloads share a pair, and how a body finds its variant then, is decided on the IR by
//! [`crate::passes::webhooks`].

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::shape::{docs_of, view_boxed, Shape, View};
use super::Lowerer;
use crate::diag::{pointer_segment, Code, Diagnostic};
use crate::ir::*;
use crate::resolve::schema_ref_name;

/// The two properties that make a schema a webhook payload.
const PAIR: [&str; 2] = ["webhook_type", "webhook_code"];

impl<'a> Lowerer<'a> {
    /// Every webhook payload of the specs, one variant each (folding and dispatch are decided
    /// later), with its examples.
    pub(super) fn webhooks(&mut self) -> Webhooks {
        let mut names: Vec<&'a String> = self.merged.schemas.keys().filter(|n| !self.reached.contains(n.as_str())).collect();
        names.sort();
        let mut webhooks = Webhooks::default();
        for name in names {
            let Some(component) = self.merged.schemas.get(name.as_str()) else { continue };
            let ReferenceOr::Item(schema) = &component.def else { continue };
            let properties = self.properties_of(schema);
            let [Some(type_prop), Some(code_prop)] = PAIR.map(|p| properties.iter().find(|(k, _)| *k == p).map(|(_, v)| *v)) else {
                continue;
            };
            let examples = x_examples(schema);
            let pointer = format!("/components/schemas/{}", pointer_segment(name));
            let read = |prop: View<'a>, key: &str| self.pair_part(prop, &examples, key);
            let (Some(webhook_type), Some(webhook_code)) = (read(type_prop, PAIR[0]), read(code_prop, PAIR[1])) else {
                let message = format!(
                    "schema `{name}` has `webhook_type` and `webhook_code` but no readable pair (a one-value enum, an example, `x-examples` or a `CODE` in backticks in the description); it is not a `Webhook` variant, and bodies of its pair parse as `Webhook::Unknown`"
                );
                let file = self.defining_file(name);
                self.push_located(file, format!("{pointer}/properties"), Diagnostic::warning(Code::Webhook, message));
                continue;
            };
            let pair = [webhook_type.as_str(), webhook_code.as_str()];
            for (label, mut json) in examples {
                for (key, want) in PAIR.into_iter().zip(pair) {
                    let Some(Value::String(got)) = json.get(key) else { continue };
                    if got != want && unquoted(got) == want {
                        let message = format!("the {label} of schema `{name}` gives `{key}` as {got:?}, quoted; its test uses {want:?}, as Plaid sends it");
                        let file = self.defining_file(name);
                        let d = Diagnostic::warning(Code::Webhook, message).with_hint("write the example's pair as Plaid sends it, without backticks or quotes");
                        self.push_located(file, format!("{pointer}/x-examples"), d);
                        json[key] = Value::String(want.to_string());
                    }
                }
                webhooks.examples.push(WebhookExample { origin: format!("schema {name} {label}"), schema: name.clone(), json: json.to_string(), variant: None });
            }
            webhooks.variants.push(WebhookVariant {
                name: String::new(),
                ty: self.named(name),
                schemas: vec![name.clone()],
                webhook_type,
                webhook_code,
                markers: Vec::new(),
                guard: None,
                docs: docs_of(schema).map(|d| d.split("\n\n").next().unwrap_or_default().trim().to_string()),
                gate: None,
            });
        }
        webhooks
    }

    /// A schema's properties with those of its `allOf` parts (one level of `$ref`).
    fn properties_of(&self, schema: &'a Schema) -> Vec<(&'a str, View<'a>)> {
        let shape = Shape::of(schema);
        let mut out: Vec<(&'a str, View<'a>)> = shape.properties.into_iter().flatten().map(|(k, v)| (k.as_str(), view_boxed(v))).collect();
        for part in shape.all_of {
            let part = match part {
                ReferenceOr::Item(s) => Some(s),
                ReferenceOr::Reference { reference } => schema_ref_name(reference)
                    .and_then(|n| self.merged.schemas.get(n))
                    .and_then(|c| match &c.def {
                        ReferenceOr::Item(s) => Some(s),
                        ReferenceOr::Reference { .. } => None,
                    }),
            };
            if let Some(part) = part {
                let shape = Shape::of(part);
                out.extend(shape.properties.into_iter().flatten().map(|(k, v)| (k.as_str(), view_boxed(v))));
            }
        }
        out
    }

    /// The value a `webhook_type` or `webhook_code` property stands for, in the order the
    /// module's docs give: a one-value enum, the property's example, what every payload example
    /// agrees on, the description.
    fn pair_part(&self, prop: View<'a>, examples: &[(String, Value)], key: &str) -> Option<String> {
        let schema = self.leaf(prop)?;
        if let [one] = Shape::of(schema).enum_values.as_slice() {
            return Some(one.wire.clone());
        }
        if let Some(Value::String(s)) = &schema.schema_data.example {
            return Some(s.clone());
        }
        agreed(examples, key).or_else(|| schema.schema_data.description.as_deref().and_then(code_in_description))
    }

    /// The schema a property's `$ref`s lead to (a broken chain is reported where refs are
    /// checked; here it just reads nothing).
    fn leaf(&self, prop: View<'a>) -> Option<&'a Schema> {
        match prop {
            View::Inline(s) => Some(s),
            View::Ref(r) => {
                let c = schema_ref_name(r).and_then(|n| self.merged.schemas.get(n))?;
                crate::resolve::follow(&self.merged.schemas, "schemas", &c.def).ok()
            }
        }
    }
}

/// The schema's `x-examples` values (a map of named examples, each a payload or an Example
/// Object with a `value`), in spec order.
fn x_examples(schema: &Schema) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if let Some(Value::Object(named)) = schema.schema_data.extensions.get("x-examples") {
        for (label, value) in named {
            let value = match value.get("value") {
                Some(inner @ Value::Object(_)) if value.get(PAIR[0]).is_none() => inner.clone(),
                _ => value.clone(),
            };
            out.push((format!("x-examples {label}"), value));
        }
    }
    if let Some(example @ Value::Object(_)) = &schema.schema_data.example {
        out.push(("example".to_string(), example.clone()));
    }
    out
}

/// The value every example gives `key`, when they agree on one and it is a code (an example
/// that writes `` "`ITEM`" `` is a typo of the spec, not the pair).
fn agreed(examples: &[(String, Value)], key: &str) -> Option<String> {
    let mut values = examples.iter().filter_map(|(_, v)| v.get(key)?.as_str());
    let first = values.next()?;
    (values.all(|v| v == first) && is_code(first)).then(|| first.to_string())
}

/// A value with the backticks and double quotes of prose around it taken off.
fn unquoted(s: &str) -> &str {
    s.trim().trim_matches('`').trim_matches('"')
}

/// The first code in backticks in a description: `` `ITEM` `` or `` `"PROTECT"` ``, an
/// upper-case word of letters, digits and `_`.
fn code_in_description(text: &str) -> Option<String> {
    text.split('`').skip(1).step_by(2).map(unquoted).find(|code| is_code(code)).map(str::to_string)
}

fn is_code(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::code_in_description;

    #[test]
    fn codes_are_read_in_both_quotings_and_prose_is_skipped() {
        assert_eq!(code_in_description("`ITEM`").as_deref(), Some("ITEM"));
        assert_eq!(code_in_description("`\"PROTECT\"`").as_deref(), Some("PROTECT"));
        assert_eq!(code_in_description("Sent as `webhook_type`: `TRANSFER_2`").as_deref(), Some("TRANSFER_2"));
        assert_eq!(code_in_description("no code here"), None);
        assert_eq!(code_in_description("an open ` quote"), None);
    }
}
