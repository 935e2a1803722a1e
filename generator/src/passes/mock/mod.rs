//! What the generated crate's `testing` feature serves: a mock of the API that answers every
//! operation, checks every request against its schema, and lets a test stub an operation by
//! its request type.
//!
//! Everything here is data for the hand-written runtime (`generated/src/mock/`: `testing.rs`
//! and its siblings), so that the code per operation stays one line of a table and one trait
//! impl; the decisions:
//! - an operation's default answer is the spec's first success example that decodes (the
//!   [`evidence`](super::evidence) pass has left out those that do not), else a sample of its
//!   type that meets every constraint ([`crate::sample`]), repaired to what the spec states
//!   where the evidence pass relaxed a type ([`repair`]);
//! - the request rules are the IR's view of each request type and the types it reaches:
//!   required and nullable fields, types, enum values, formats, lengths, patterns, ranges and
//!   item counts, as the client's types encode them; and each operation's required query and
//!   header parameters;
//! - the credentials a call must carry follow the operation's security requirements: the
//!   client id and secret headers of any one alternative (an operation whose `security` is
//!   `[]`, or lists `{}`, needs none); the API version header is never required, as Plaid's
//!   sandbox defaults it. Only operations whose requirement differs from "every client id and
//!   secret header" get a rule;
//! - default answers follow the request: fields and lists echoed, one answer item per request
//!   item, lists filtered by the ids asked for, `count` and `offset` honoured, the data of an
//!   `include_*` option filled in when it is on and left out when it is off ([`follow`] has
//!   the rules); the objects a family creates are kept, and its get, update, list and event
//!   feeds answer them ([`families`]);
//! - an answer that is not JSON is a small valid body of its media type (a one-page PDF, an
//!   empty ZIP) with the headers the spec documents for it (their examples; a `*hash*` header
//!   the body's SHA-256);
//! - a typed stub names an operation by its request type, so only an operation whose body type
//!   is its own (no other operation sends it) and that has no parameters gets one; the others
//!   are stubbed by path;
//! - a webhook pair's payload is its first example, else a sample of its payload type; of the
//!   payloads that share a pair, the one about an Item.

pub mod families;
pub mod follow;
pub mod repair;
mod shape;

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use crate::graph::TypeIndex;
use crate::ir::{Api, Constraints, Credential, Mock, MockFollow, SpecField, MockAnswer, MockEndpoint, MockError, ParamLocation, TypeKind, TypeRef, WebhookVariant};
use crate::sample::Sampler;

/// Settles [`Api::mock`]; runs after [`webhooks`](super::webhooks), whose variants it reads.
pub fn settle(api: &mut Api) {
    api.mock = decide(api);
}

fn decide(api: &Api) -> Mock {
    let sampler = Sampler::new(api);
    let types = TypeIndex::new(api);
    let ops = || api.modules.iter().flat_map(|m| m.operations.iter().enumerate().map(move |(i, op)| (m, i, op)));

    let answers: Vec<MockAnswer> = ops()
        .filter_map(|(_, _, op)| {
            let ty = op.response.as_ref().filter(|t| **t != TypeRef::Bytes)?;
            let example = api.examples.iter().find(|e| e.answer.as_deref() == Some(op.id.as_str()));
            let (mut value, from_example) = match example.map(|e| serde_json::from_str::<Value>(&e.json)) {
                Some(Ok(value)) => (value, true),
                _ => (sampler.value(ty), false),
            };
            // As the spec states it, where the evidence pass relaxed the type.
            repair::repair(&types, &sampler, ty, &mut value, 0);
            Some(MockAnswer { operation: op.id.clone(), json: value.to_string(), from_example })
        })
        .collect();
    let spec_fields: Vec<(String, Vec<SpecField>)> = ops()
        .filter_map(|(_, _, op)| {
            let ty = op.response.as_ref().filter(|t| **t != TypeRef::Bytes)?;
            let fields = repair::relaxed_fields(&types, ty);
            (!fields.is_empty()).then(|| (op.id.clone(), fields))
        })
        .collect();

    let mut senders: HashMap<&TypeRef, usize> = HashMap::new();
    for (_, _, op) in ops() {
        if let Some(ty) = &op.request {
            *senders.entry(ty).or_default() += 1;
        }
    }
    let endpoints = ops()
        .filter_map(|(m, index, op)| {
            let request = op.request.as_ref().filter(|t| matches!(t, TypeRef::Named { .. }) && senders.get(t) == Some(&1))?;
            let response = op.response.as_ref().filter(|t| **t != TypeRef::Bytes && !op.response_optional && op.params.is_none())?;
            Some(MockEndpoint { module: m.name.clone(), index, request: request.clone(), response: response.clone() })
        })
        .collect();

    let roots: Vec<&TypeRef> = ops().filter_map(|(_, _, op)| op.request.as_ref()).collect();
    let mut named = Map::new();
    for (module, name) in types.reach(roots.iter().copied()) {
        if let Some(def) = types.get(&module, &name) {
            let rule = match &def.kind {
                TypeKind::Struct(s) => json!({ "object": s.fields.iter().map(|f| json!({
                    "name": f.wire, "required": f.required, "nullable": f.nullable,
                    "ty": type_rule(&f.ty), "rules": limits(f.format.as_deref(), &f.constraints),
                })).collect::<Vec<_>>() }),
                TypeKind::Enum(e) => json!({ "enum": e.variants.iter().map(|v| v.wire.clone()).collect::<Vec<_>>() }),
                TypeKind::Alias(target) => {
                    let (format, c) = def.value_rules.clone().unwrap_or_default();
                    json!({ "alias": { "ty": type_rule(target), "rules": limits(format.as_deref(), &c) } })
                }
            };
            named.insert(name, rule);
        }
    }
    let requests: Map<String, Value> = ops().filter_map(|(_, _, op)| Some((op.id.clone(), type_rule(op.request.as_ref()?)))).collect();
    // Required query and header parameters (a path parameter is there when the path matches).
    let params: Map<String, Value> = ops()
        .filter_map(|(_, _, op)| {
            let required: Vec<Value> = op
                .params
                .iter()
                .flat_map(|p| &p.items)
                .filter(|p| p.required && p.location != ParamLocation::Path)
                .map(|p| json!({ "name": p.name, "in": if p.location == ParamLocation::Query { "query" } else { "header" } }))
                .collect();
            (!required.is_empty()).then(|| (op.id.clone(), Value::Array(required)))
        })
        .collect();
    let mut follow: Map<String, Value> = ops().filter_map(|(_, _, op)| Some((op.id.clone(), follow::rules(&types, op)?))).collect();
    let all: Vec<&crate::ir::Operation> = ops().map(|(_, _, op)| op).collect();
    for (id, rule) in families::families(&types, &all) {
        match (follow.get_mut(&id), rule) {
            (Some(Value::Object(rules)), Value::Object(more)) => rules.extend(more),
            (_, rule) => {
                follow.insert(id, rule);
            }
        }
    }
    for op in all.iter().copied() {
        let flags = follow::include_flags(&types, op);
        let base = answers.iter().find(|a| a.operation == op.id).and_then(|a| serde_json::from_str::<Value>(&a.json).ok());
        let (Some(ty), Some(base), false) = (op.response.as_ref(), base, flags.is_empty()) else { continue };
        let mut full = base.clone();
        follow::fill(&types, &sampler, ty, &mut full, 0);
        let leave_out: Vec<Value> = follow::leave_out(&types, op).into_iter().map(|(flag, fields)| json!({ "flag": flag, "fields": fields })).collect();
        if full == base && leave_out.is_empty() {
            continue;
        }
        let mut include = json!({ "flags": flags, "leave_out": leave_out });
        if full != base {
            include["answer"] = full;
        }
        match follow.get_mut(&op.id) {
            Some(Value::Object(rules)) => {
                rules.insert("include".into(), include);
            }
            _ => {
                follow.insert(op.id.clone(), json!({ "include": include }));
            }
        }
    }
    let covered = |rule: &str| follow.values().filter(|v| v.get(rule).is_some()).count();
    let follow_counts = MockFollow { echo: covered("echo"), filter: covered("filter"), page: covered("page"), rotate: covered("rotate"), families: covered("create"), include: covered("include"), each: covered("each") };
    let security: Map<String, Value> = ops().filter_map(|(_, _, op)| Some((op.id.clone(), credential_rule(api, op.security.as_ref()?)?))).collect();
    let binary: Map<String, Value> = ops()
        .filter_map(|(_, _, op)| {
            let b = op.binary.as_ref()?;
            Some((op.id.clone(), json!({ "type": b.media_type, "headers": b.headers })))
        })
        .collect();
    let rules = json!({ "types": named, "requests": requests, "params": params, "security": security, "answers": follow, "binary": binary }).to_string();

    // The mock fires webhooks for an Item: of the payloads that share a pair, the one about an
    // Item (it has `item_id`), then the plainest name (`TransactionsSyncUpdatesAvailable`
    // before `ProcessorTransactionsSyncUpdatesAvailable`).
    let about_item = |v: &WebhookVariant| match types.definition(&v.ty).map(|d| &d.kind) {
        Some(TypeKind::Struct(s)) => s.fields.iter().any(|f| f.wire == "item_id"),
        _ => false,
    };
    let mut chosen: BTreeMap<(String, String), &WebhookVariant> = BTreeMap::new();
    for v in &api.webhooks.variants {
        let rank = |v: &WebhookVariant| (!about_item(v), v.name.len(), v.name.clone());
        let slot = chosen.entry((v.webhook_type.clone(), v.webhook_code.clone())).or_insert(v);
        if rank(v) < rank(slot) {
            *slot = v;
        }
    }
    let webhooks = chosen
        .into_iter()
        .map(|((t, c), v)| {
            let example = api.webhooks.examples.iter().find(|e| e.variant.as_deref() == Some(v.name.as_str()));
            (t, c, example.map_or_else(|| sampler.value(&v.ty).to_string(), |e| e.json.clone()))
        })
        .collect();

    Mock { answers, rules, follow: follow_counts, spec_fields, endpoints, webhooks, error: error_body(api, &types, &sampler) }
}

/// The credential headers a call of an operation must carry, as alternatives of header sets,
/// when that differs from the default (every client id and secret header of the security
/// schemes). Schemes the client cannot send were refused at lowering; the version header is
/// never required.
fn credential_rule(api: &Api, alternatives: &[Vec<String>]) -> Option<Value> {
    let checked = |scheme: &str| {
        api.auth_headers.iter().find(|h| h.scheme == scheme && matches!(h.credential, Credential::ClientId | Credential::Secret)).map(|h| h.header.clone())
    };
    let default: Vec<String> = api.auth_headers.iter().filter(|h| matches!(h.credential, Credential::ClientId | Credential::Secret)).map(|h| h.header.clone()).collect();
    let rule: Vec<Vec<String>> = alternatives.iter().map(|schemes| schemes.iter().filter_map(|s| checked(s)).collect()).collect();
    let is_default = rule.iter().all(|headers| default.iter().all(|d| headers.contains(d)));
    (!is_default || rule.is_empty()).then(|| json!(rule))
}

/// The error body's sample and the JSON names of the fields the mock fills in.
fn error_body(api: &Api, types: &TypeIndex<'_>, sampler: &Sampler<'_>) -> Option<MockError> {
    let body = api.error_body.as_ref()?;
    let TypeKind::Struct(s) = &types.definition(&body.ty)?.kind else { return None };
    let wire = |rust: &str| s.fields.iter().find(|f| f.name == rust).map(|f| f.wire.clone());
    Some(MockError {
        template: sampler.value(&body.ty).to_string(),
        error_type: wire(&body.error_type.field)?,
        error_code: wire(&body.error_code.field)?,
        error_message: wire(&body.error_message.field)?,
        display_message: body.display_message.as_ref().and_then(|f| wire(&f.field)),
        request_id: body.request_id.as_ref().and_then(|f| wire(&f.field)),
    })
}

/// A type as the runtime's rules name it: a primitive's name, or `{"named": ...}`, `{"list":
/// ...}`, `{"map": ...}`, `{"nullable": ...}` around another.
fn type_rule(ty: &TypeRef) -> Value {
    match ty {
        TypeRef::String => json!("string"),
        TypeRef::Bool => json!("bool"),
        TypeRef::I32 => json!("int32"),
        TypeRef::I64 => json!("int64"),
        TypeRef::F64 => json!("number"),
        TypeRef::Date => json!("date"),
        TypeRef::DateTime => json!("date-time"),
        TypeRef::Any => json!("any"),
        TypeRef::Bytes => json!("bytes"),
        TypeRef::Named { name, .. } => json!({ "named": name }),
        TypeRef::List(inner) => json!({ "list": type_rule(inner) }),
        TypeRef::Map(inner) => json!({ "map": type_rule(inner) }),
        TypeRef::Nullable(inner) => json!({ "nullable": type_rule(inner) }),
    }
}

/// A value's format and constraints, only those it has.
fn limits(format: Option<&str>, c: &Constraints) -> Value {
    let mut out = Map::new();
    let Constraints { min_length, max_length, pattern, minimum, maximum, min_items, max_items } = c;
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            out.insert(key.to_string(), v);
        }
    };
    put("format", format.map(|f| json!(f)));
    put("min_length", min_length.map(|v| json!(v)));
    put("max_length", max_length.map(|v| json!(v)));
    put("pattern", pattern.as_ref().map(|v| json!(v)));
    put("minimum", minimum.map(|v| json!(v)));
    put("maximum", maximum.map(|v| json!(v)));
    put("min_items", min_items.map(|v| json!(v)));
    put("max_items", max_items.map(|v| json!(v)));
    Value::Object(out)
}

/// Operations per kind of default answer, for the regen summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Default answers taken from the spec's examples.
    pub examples: usize,
    /// Default answers sampled from the type.
    pub samples: usize,
    /// Operations a typed stub can name.
    pub typed: usize,
    /// Operations whose default answers echo, filter and page.
    pub follow: MockFollow,
}

impl Counts {
    /// The figures of one IR.
    pub fn of(mock: &Mock) -> Self {
        let examples = mock.answers.iter().filter(|a| a.from_example).count();
        Counts { examples, samples: mock.answers.len() - examples, typed: mock.endpoints.len(), follow: mock.follow }
    }
}
