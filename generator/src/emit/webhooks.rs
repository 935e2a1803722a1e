//! The `Webhook` enum, its dispatch on `(webhook_type, webhook_code)`, and the key operation
//! the verifier calls, as [`crate::passes::webhooks`] decided them.

use proc_macro2::TokenStream;
use quote::quote;

use super::{cfg_any, docs, ident, item_gate, raw_docs, type_tokens_at, Place};
use crate::ir::{Api, WebhookVariant};

/// The docs table of every variant: its pair, as Plaid's docs name a webhook, and its payload
/// type. (Plain code, not links: a variant whose feature is off is not there to link to.)
fn pair_table(variants: &[WebhookVariant]) -> TokenStream {
    if variants.is_empty() {
        return TokenStream::new();
    }
    let mut text = String::from("\n| `webhook_type` | `webhook_code` | Variant | Payload |\n|---|---|---|---|\n");
    for v in variants {
        let payload = match &v.ty {
            crate::ir::TypeRef::Named { name, .. } => name.as_str(),
            _ => "",
        };
        text.push_str(&format!("| `{}` | `{}` | `{}` | `{payload}` |\n", v.webhook_type.replace('|', "\\|"), v.webhook_code.replace('|', "\\|"), v.name));
    }
    raw_docs(&text)
}

/// `src/gen/webhooks.rs`.
pub(super) fn module(api: &Api) -> TokenStream {
    let w = &api.webhooks;
    let gate = |v: &WebhookVariant| v.gate.as_deref().map(cfg_any);
    let variants = w.variants.iter().map(|v| {
        let name = ident(&v.name);
        let ty = type_tokens_at(&v.ty, Place::Module("webhooks"));
        let cfg = v.gate.as_deref().map(item_gate);
        let mut text = format!("`{}` `{}`", v.webhook_type, v.webhook_code);
        if let Some(d) = &v.docs {
            text.push_str(": ");
            text.push_str(d);
        }
        let doc = docs(&text);
        let mut about = format!("\nFrom the schema `{}`.", v.schemas[0]);
        if v.schemas.len() > 1 {
            let others: Vec<String> = v.schemas[1..].iter().map(|s| format!("`{s}`")).collect();
            about.push_str(&format!(" Also the payload of {}, which has the same pair and properties.", others.join(", ")));
        }
        let keys: Vec<String> = v.markers.iter().map(|k| format!("`{k}`")).collect();
        match v.guard.as_deref() {
            Some([]) if !keys.is_empty() => about.push_str(&format!(
                " Chosen among the payloads of its pair when the body has {}, and for any body of the pair no other variant takes.",
                keys.join(" and ")
            )),
            Some(_) if !keys.is_empty() => about.push_str(&format!(" Chosen among the payloads of its pair when the body has {}.", keys.join(" and "))),
            None => about.push_str(" Never chosen by `Webhook::parse`: another payload of its pair takes every body (see the regen warning)."),
            _ => {}
        }
        let about = raw_docs(&about);
        quote! {
            #doc
            #about
            #cfg
            #name(#ty),
        }
    });
    let arms = w.variants.iter().filter_map(|v| {
        let keys = v.guard.as_ref()?;
        let name = ident(&v.name);
        let (t, c) = (&v.webhook_type, &v.webhook_code);
        let cfg = gate(v);
        let guard = (!keys.is_empty()).then(|| quote!(if head.has(&[#(#keys),*])));
        Some(quote!(#cfg (#t, #c) #guard => Self::#name(head.decode(body)?),))
    });
    let pair_arms = w.variants.iter().map(|v| {
        let name = ident(&v.name);
        let (t, c) = (&v.webhook_type, &v.webhook_code);
        let cfg = gate(v);
        quote!(#cfg Self::#name(_) => (#t, #c),)
    });
    let serialize_arms = w.variants.iter().map(|v| {
        let name = ident(&v.name);
        let cfg = gate(v);
        quote!(#cfg Self::#name(w) => serde::Serialize::serialize(w, serializer),)
    });
    let derives = super::types::derives(&w.derives);
    let table = pair_table(&w.variants);
    let key_operation = w.key_source.as_ref().and_then(|k| api.modules.iter().find(|m| m.name == k.module)?.operations.get(k.index).map(|op| (k, op)));
    let key_source = match key_operation {
        Some((k, op)) => {
            // A row of its own, compiled whatever the features: `WebhookVerifier` is always
            // there, so the operation it fetches keys with must be too. A gated reference to
            // the group's table would leave a build without that group's feature rejecting
            // every webhook at run time.
            let row = super::operations::operation_row(op, &k.module);
            let (key_id, key) = (&k.key_id, &k.key);
            quote! {
                /// The operation the verifier fetches keys with (whatever features are on).
                static KEY_OPERATION: crate::Operation = #row;
                /// The operation the verifier fetches keys with, and its request's and answer's
                /// fields for the key id and the key.
                pub(crate) const KEY_SOURCE: Option<crate::webhooks::KeySource> = Some(crate::webhooks::KeySource {
                    operation: &KEY_OPERATION,
                    key_id: #key_id,
                    key: #key,
                });
            }
        }
        None => quote! {
            /// The specs have no key operation: the verifier says so instead of verifying.
            pub(crate) const KEY_SOURCE: Option<crate::webhooks::KeySource> = None;
        },
    };
    quote! {
        //! The webhook payloads of the specs as one enum, decoded by their `webhook_type` and
        //! `webhook_code`.
        #![allow(deprecated)]

        /// A webhook body Plaid sends, decoded by its `webhook_type` and `webhook_code` into the
        /// payload type the specs give that pair.
        ///
        /// A pair the specs do not list (or whose group's feature is off) is
        /// [`Webhook::Unknown`], with the whole body kept: a new webhook from Plaid is never an
        /// error. When several payloads share a pair, the variant whose required keys (its
        /// "markers", named in its docs) are all in the body is chosen; see the crate's README.
        #table
        #derives
        #[non_exhaustive]
        pub enum Webhook {
            #(#variants)*
            /// A pair this version does not list, kept whole.
            Unknown(crate::webhooks::UnknownWebhook),
        }

        impl Webhook {
            /// Decodes a webhook body (the raw bytes Plaid posted). A listed pair whose body
            /// does not decode is an error naming the JSON path; an unlisted pair is
            /// [`Webhook::Unknown`]. Call it on a body [`crate::webhooks::WebhookVerifier`]
            /// has not verified only when the body's origin is known some other way.
            // A spec without payloads leaves only the `Unknown` arm.
            #[allow(clippy::match_single_binding)]
            // Compiled where it is called, like a generic function: a crate that never parses
            // webhooks does not pay for the decoders of every payload type.
            #[inline]
            pub fn parse(body: &[u8]) -> Result<Self, crate::webhooks::WebhookError> {
                let head = crate::webhooks::Head::read(body)?;
                Ok(match (head.webhook_type(), head.webhook_code()) {
                    #(#arms)*
                    _ => Self::Unknown(head.unknown(body)?),
                })
            }

            /// The `webhook_type` (`ITEM`, `TRANSACTIONS`, ...).
            pub fn webhook_type(&self) -> &str {
                self.pair().0
            }

            /// The `webhook_code` (`ERROR`, `SYNC_UPDATES_AVAILABLE`, ...).
            pub fn webhook_code(&self) -> &str {
                self.pair().1
            }

            /// Whether the pair is one this version does not list.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }

            fn pair(&self) -> (&str, &str) {
                match self {
                    #(#pair_arms)*
                    Self::Unknown(u) => (u.webhook_type(), u.webhook_code()),
                }
            }
        }

        /// Writes the payload as it came (an unknown one byte for byte in value).
        impl serde::Serialize for Webhook {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    Self::Unknown(u) => serde::Serialize::serialize(u, serializer),
                }
            }
        }

        #key_source
    }
}

/// `tests/webhooks.rs`: every payload example parses to the variant that stands for its schema
/// and is written back as the same JSON value.
pub(super) fn examples(api: &Api, crate_name: &str) -> TokenStream {
    let krate = ident(crate_name);
    let cases = api.webhooks.examples.iter().filter_map(|e| {
        let name = ident(e.variant.as_deref()?);
        let (origin, json) = (&e.origin, &e.json);
        Some(quote!((#origin, |w: &Webhook| matches!(w, Webhook::#name(_)), #json)))
    });
    let cases: Vec<TokenStream> = cases.collect();
    let count = cases.len();
    let all = super::tests::all_groups(api);
    quote! {
        //! Generated from the specs: every example of a webhook payload parses to the variant
        //! of its schema (never `Unknown`) and is written back as the same JSON value.
        #all

        use #krate::webhooks::Webhook;

        type Expect = fn(&Webhook) -> bool;

        /// Where the example is, the variant it must be, the example JSON.
        const CASES: &[(&str, Expect, &str)] = &[#(#cases),*];

        /// The written JSON says what the example says: numbers compared by value (`3` and
        /// `3.0` are one number), a number or boolean read as text is written as that text (and
        /// an enum value listed unquoted in the spec is written unquoted), and a key the example
        /// leaves out may only be written as `null` (a required nullable field the example omits).
        fn same(a: &::serde_json::Value, b: &::serde_json::Value) -> bool {
            use ::serde_json::Value;
            match (a, b) {
                (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
                (Value::String(text), scalar @ (Value::Number(_) | Value::Bool(_)))
                | (scalar @ (Value::Number(_) | Value::Bool(_)), Value::String(text)) => {
                    let as_text = scalar.to_string();
                    *text == as_text
                }
                (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
                (Value::Object(x), Value::Object(y)) => {
                    x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))) && y.iter().all(|(k, v)| x.contains_key(k) || v.is_null())
                }
                _ => a == b,
            }
        }

        #[test]
        fn every_webhook_example_parses_to_its_variant() {
            let mut failures = Vec::new();
            for (origin, expect, json) in CASES {
                match Webhook::parse(json.as_bytes()) {
                    Ok(w) if expect(&w) => {
                        let original: ::serde_json::Value = ::serde_json::from_str(json).unwrap_or_default();
                        match ::serde_json::to_value(&w) {
                            Ok(written) if same(&original, &written) => {}
                            Ok(written) => failures.push(format!("{origin}: written back as {written}")),
                            Err(e) => failures.push(format!("{origin}: does not encode: {e}")),
                        }
                    }
                    Ok(w) => failures.push(format!("{origin}: parsed as the wrong variant: {w:?}")),
                    Err(e) => failures.push(format!("{origin}: {e}")),
                }
            }
            assert!(failures.is_empty(), "{} of {} cases fail:\n{}", failures.len(), CASES.len(), failures.join("\n"));
            assert_eq!(CASES.len(), #count);
        }
    }
}
