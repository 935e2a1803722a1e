//! Webhooks: how a body finds its `Webhook` variant, and where the verifier gets its keys.
//!
//! The rule for a `(webhook_type, webhook_code)` pair that several payload schemas share
//! (Plaid's processor twins, which carry `account_id` where the others carry `item_id`, and
//! plain duplicates):
//!
//! 1. Schemas of the pair with the same properties and the same required ones are one payload:
//!    one variant stands for all of them, named after the schema with the shortest name (then
//!    the first in alphabetical order); its docs name the others.
//! 2. The remaining variants of the pair each get *markers*: their required properties that no
//!    other variant of the pair declares. A body is the first variant, in alphabetical order,
//!    whose markers are all present. Variants with no marker come last; the first of them (or,
//!    when every variant has markers, the last one) takes every body the others leave: it
//!    decodes or fails naming the path, and never becomes `Unknown`.
//! 3. Two variants of a pair without markers cannot be told apart: a located warning says which
//!    one bodies decode as.
//!
//! A pair no schema lists is `Webhook::Unknown`, never an error. Each payload example's test
//! expects the variant this rule gives it.
//!
//! A variant is named after its pair, as Plaid documents webhooks: `webhook_type` then
//! `webhook_code`, in PascalCase (`TRANSACTIONS`/`SYNC_UPDATES_AVAILABLE` is
//! `TransactionsSyncUpdatesAvailable`). Of several variants of one pair, the one whose schema
//! has the shortest name keeps the plain name; each other one puts first the words its schema
//! name has beyond that one's (`ProcessorSyncUpdatesAvailableWebhook` is
//! `ProcessorTransactionsSyncUpdatesAvailable`). A name still taken gets a number.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::Code;
use crate::finding::{At, Finding};
use crate::graph::TypeIndex;
use crate::ir::*;
use crate::naming::{self, Scope};

/// Folds duplicates, gives each variant its name, markers and gate, orders them, and finds the
/// key operation. Returns the warnings: payloads of one pair nothing tells apart, payload
/// examples left out of the generated tests, and a key operation the verifier cannot use.
pub fn settle(api: &mut Api) -> Vec<Finding> {
    let mut warnings = Vec::new();
    let unsettled = std::mem::take(&mut api.webhooks.variants);
    let index = TypeIndex::new(api);
    let (source, key_operation) = key_source(api, &index);
    let mut by_pair: BTreeMap<(String, String), Vec<WebhookVariant>> = BTreeMap::new();
    for v in unsettled {
        by_pair.entry((v.webhook_type.clone(), v.webhook_code.clone())).or_default().push(v);
    }
    let mut settled = Vec::new();
    for ((webhook_type, webhook_code), members) in by_pair {
        let mut shapes: BTreeMap<Vec<(String, bool)>, Vec<WebhookVariant>> = BTreeMap::new();
        for v in members {
            shapes.entry(shape_of(&index, &v.ty)).or_default().push(v);
        }
        let mut pair: Vec<(WebhookVariant, BTreeSet<String>, BTreeSet<String>)> = shapes
            .into_iter()
            .map(|(shape, mut same)| {
                same.sort_by(|a, b| (a.schemas[0].len(), &a.schemas[0]).cmp(&(b.schemas[0].len(), &b.schemas[0])));
                let mut first = same.remove(0);
                first.schemas.extend(same.into_iter().flat_map(|v| v.schemas));
                let declared = shape.iter().map(|(wire, _)| wire.clone()).collect();
                let required = shape.into_iter().filter(|(_, r)| *r).map(|(wire, _)| wire).collect();
                (first, declared, required)
            })
            .collect();
        let markers: Vec<Vec<String>> = (0..pair.len())
            .map(|i| {
                let others: BTreeSet<&String> = pair.iter().enumerate().filter(|(j, _)| *j != i).flat_map(|(_, (_, declared, _))| declared).collect();
                if others.is_empty() {
                    return Vec::new();
                }
                pair[i].2.iter().filter(|k| !others.contains(k)).cloned().collect()
            })
            .collect();
        for ((v, _, _), m) in pair.iter_mut().zip(markers) {
            v.markers = m;
        }
        pair.sort_by(|(a, _, _), (b, _, _)| (a.markers.is_empty(), &a.schemas[0]).cmp(&(b.markers.is_empty(), &b.schemas[0])));
        let unmarked: Vec<&str> = pair.iter().filter(|(v, _, _)| v.markers.is_empty()).map(|(v, _, _)| v.schemas[0].as_str()).collect();
        if let [taker, rest @ ..] = unmarked.as_slice() {
            for other in rest {
                let message = format!("schemas `{taker}` and `{other}` share the pair ({webhook_type}, {webhook_code}) and no required property tells them apart; bodies of that pair decode as `{taker}`");
                warnings.push(Finding::warning(Code::Webhook, At::Component(other.to_string()), message));
            }
        }
        // The first variant without markers takes the rest of the pair, or else the last one.
        let taker = pair.iter().position(|(v, _, _)| v.markers.is_empty()).unwrap_or(pair.len().saturating_sub(1));
        for (i, (v, _, _)) in pair.iter_mut().enumerate() {
            v.guard = match i.cmp(&taker) {
                std::cmp::Ordering::Less => Some(v.markers.clone()),
                std::cmp::Ordering::Equal => Some(Vec::new()),
                std::cmp::Ordering::Greater => None,
            };
        }
        let mut pair: Vec<WebhookVariant> = pair.into_iter().map(|(v, _, _)| v).collect();
        name_pair(&webhook_type, &webhook_code, &mut pair);
        settled.extend(pair);
    }
    name_and_gate(api, &index, &mut settled);
    let derives = derives(&index, &settled);
    let (examples, left_out) = dispatch_examples(&index, &settled, &api.webhooks.examples);
    api.webhooks.derives = derives;
    api.webhooks.variants = settled;
    api.webhooks.key_source = source;
    api.webhooks.examples = examples;
    warnings.extend(left_out);
    warnings.extend(key_operation);
    warnings
}

/// Each example with the variant `Webhook::parse` gives it: the first variant of its pair, in
/// dispatch order, whose guard keys it has all. That is its own schema's variant unless
/// another payload of the pair takes it first (two schemas nothing tells apart), and its test
/// expects what dispatch does. An example that dispatch gives to no variant, or that does not
/// decode into the one it gets, is left out with a message.
fn dispatch_examples(index: &TypeIndex<'_>, variants: &[WebhookVariant], examples: &[WebhookExample]) -> (Vec<WebhookExample>, Vec<Finding>) {
    let mut kept = Vec::new();
    let mut left_out = Vec::new();
    for e in examples {
        let Some(own) = variants.iter().find(|v| v.schemas.contains(&e.schema)) else { continue };
        let body: Option<serde_json::Value> = serde_json::from_str(&e.json).ok();
        let value = |k: &str| body.as_ref().and_then(|b| b.get(k));
        let pair_sent = value("webhook_type").and_then(|v| v.as_str()) == Some(own.webhook_type.as_str())
            && value("webhook_code").and_then(|v| v.as_str()) == Some(own.webhook_code.as_str());
        let verdict = match (&body, pair_sent) {
            (None, _) => Err("is not JSON".to_string()),
            (Some(_), false) => Err(format!("does not carry its pair ({}, {})", own.webhook_type, own.webhook_code)),
            (Some(body), true) => {
                let chosen = variants
                    .iter()
                    .filter(|v| v.webhook_type == own.webhook_type && v.webhook_code == own.webhook_code)
                    .find(|v| v.guard.as_ref().is_some_and(|keys| keys.iter().all(|k| value(k).is_some())));
                match chosen {
                    None => Err("no variant of its pair takes it (it lacks the keys that choose one)".to_string()),
                    Some(v) => match crate::passes::evidence::fails(index, &v.ty, body) {
                        Some(why) => Err(format!("it goes to `Webhook::{}` and does not decode there ({why})", v.name)),
                        None => Ok(v.name.clone()),
                    },
                }
            }
        };
        match verdict {
            Ok(variant) => kept.push(WebhookExample { variant: Some(variant), ..e.clone() }),
            Err(why) => left_out.push(Finding::warning(Code::Evidence, At::Component(e.schema.clone()), format!("the {} {why}; it is left out of the generated webhook tests", e.origin))),
        }
    }
    (kept, left_out)
}

/// A payload's shape: its JSON properties with whether each is required, sorted.
fn shape_of(index: &TypeIndex<'_>, ty: &TypeRef) -> Vec<(String, bool)> {
    let mut shape: Vec<(String, bool)> = match index.definition(ty).map(|t| &t.kind) {
        Some(TypeKind::Struct(s)) => s.fields.iter().map(|f| (f.wire.clone(), f.required)).collect(),
        _ => Vec::new(),
    };
    shape.sort();
    shape
}

/// The names the variants of one pair would have (see the module docs); [`name_and_gate`]
/// makes them unique.
fn name_pair(webhook_type: &str, webhook_code: &str, pair: &mut [WebhookVariant]) {
    let plain = naming::variant_name(&format!("{webhook_type} {webhook_code}"));
    let Some(main) = pair.iter().map(|v| v.schemas[0].clone()).min_by(|a, b| (a.len(), a).cmp(&(b.len(), b))) else { return };
    let main_words = crate::name_words::words(&main);
    for v in pair.iter_mut() {
        let mut extra: Vec<String> = crate::name_words::words(&v.schemas[0]);
        for word in &main_words {
            if let Some(at) = extra.iter().position(|w| w.eq_ignore_ascii_case(word)) {
                extra.remove(at);
            }
        }
        extra.retain(|w| !w.eq_ignore_ascii_case("webhook"));
        v.name = naming::variant_name(&format!("{} {plain}", extra.join(" ")));
    }
}

/// Variant names made unique (never `Unknown`), and gates (the payload type's group, or its
/// gate in `shared`).
fn name_and_gate(api: &Api, index: &TypeIndex<'_>, variants: &mut [WebhookVariant]) {
    let mut scope = Scope::default();
    scope.claim("Unknown".to_string());
    for v in variants.iter_mut() {
        let TypeRef::Named { module, .. } = &v.ty else { continue };
        v.name = scope.claim(std::mem::take(&mut v.name));
        v.gate = if api.groups.contains(module) {
            Some(vec![module.clone()])
        } else {
            index.definition(&v.ty).and_then(|t| t.gate.clone())
        };
    }
}

/// `Debug` always (every type has one); `Clone` and `PartialEq` when every payload type derives
/// them (`UnknownWebhook` has both).
fn derives(index: &TypeIndex<'_>, variants: &[WebhookVariant]) -> Vec<Derive> {
    let all = |d: Derive| variants.iter().all(|v| index.definition(&v.ty).is_some_and(|t| t.derives.contains(&d)));
    let mut out = vec![Derive::Debug];
    out.extend([Derive::Clone, Derive::PartialEq].into_iter().filter(|d| all(*d)));
    out.sort();
    out
}

/// The operation the verifier fetches keys with: `/webhook_verification_key/get` (or
/// `webhookVerificationKeyGet`), whose request has a required text field for the key id
/// (`key_id` if there are several) and whose response holds the key, an object with `x` and
/// `y`. Without the operation there is nothing to say; with one of another shape, a warning.
fn key_source(api: &Api, index: &TypeIndex<'_>) -> (Option<WebhookKeySource>, Option<Finding>) {
    let found = api.modules.iter().find_map(|m| {
        m.operations
            .iter()
            .position(|op| op.path.ends_with("/webhook_verification_key/get") || op.id == "webhookVerificationKeyGet")
            .map(|i| (m, i))
    });
    let Some((module, i)) = found else { return (None, None) };
    let op = &module.operations[i];
    let fields = |ty: &Option<TypeRef>| match ty.as_ref().and_then(|t| index.definition(t)).map(|t| &t.kind) {
        Some(TypeKind::Struct(s)) => s.fields.clone(),
        _ => Vec::new(),
    };
    let request = fields(&op.request);
    let texts: Vec<&Field> = request.iter().filter(|f| f.required && *index.underlying(&f.ty) == TypeRef::String).collect();
    let key_id = texts.iter().find(|f| f.wire == "key_id").or(texts.first()).map(|f| f.wire.clone());
    let key = fields(&op.response).into_iter().find(|f| match index.definition(&f.ty).map(|t| &t.kind) {
        Some(TypeKind::Struct(s)) => ["x", "y"].iter().all(|w| s.fields.iter().any(|k| k.wire == *w)),
        _ => false,
    });
    match (key_id, key) {
        (Some(key_id), Some(key)) => (Some(WebhookKeySource { module: module.name.clone(), index: i, key_id, key: key.wire }), None),
        _ => {
            let message = format!(
                "operation `{}` ({}) does not have a required text field for the key id in its request and a key with `x` and `y` in its response; webhooks cannot be verified",
                op.id, op.path
            );
            let hint = "the request needs a required string for the key id, the answer a JWK object with `x` and `y`";
            (None, Some(Finding::warning(Code::Webhook, At::Operation(op.path.clone()), message).with_hint(hint)))
        }
    }
}
