//! What a retry may cost, decided once per operation ([`RetryClass`]), from the spec's structure:
//!
//! - **keyed**: the request body has an idempotency key, a top-level text property whose name
//!   says so (its words include `idempotency`, or `idempotent`) or whose description calls it
//!   an idempotency key. Plaid acts once per key, so every failure that may be transient is
//!   retried with the same key. The client fills a fresh key when the caller leaves it empty:
//!   `new` starts with one, and a request sent without one gets one at send time;
//! - **read**: no side effect: an HTTP `GET`, `HEAD` or `OPTIONS`, or a `POST` whose path ends in
//!   a segment that reads (its first word is `get`, `list`, `search`, `lookup` or `sync`:
//!   `/accounts/get`, `/institutions/get_by_id`, `/transactions/sync`);
//! - **acting**: everything else (`/transfer/create`, `/item/public_token/exchange`,
//!   `/sandbox/item/reset_login`): it may act, and a failure after the request went out (a 5xx,
//!   a timeout, a connection lost) leaves unknown whether it did, so it is never resent then.
//!
//! An operation's `x-rust-retry` (usually set by an overlay) states its class where the
//! structure cannot show it, and wins; `keyed` on an operation whose request has no key field
//! cannot be carried out: the structural class stands, with a warning (W0006).
//!
//! The key's field is marked on the request type ([`Field::idempotency_key`]), so that `new`
//! fills it instead of taking it.

use crate::diag::Code;
use crate::finding::{At, Finding};
use crate::graph::TypeIndex;
use crate::ir::{Api, Field, HttpMethod, IdempotencyKey, RetryClass, StatedRetry, TypeKind, TypeRef};

/// Operations by retry class, for the regen summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// With an idempotency key (and of those, how many the schema requires).
    pub keyed: usize,
    /// Keyed operations whose key the schema requires.
    pub keyed_required: usize,
    /// Without side effects.
    pub read: usize,
    /// The rest.
    pub acting: usize,
}

impl Counts {
    /// The counts of an API's operations.
    pub fn of(api: &Api) -> Counts {
        let mut counts = Counts::default();
        for op in api.modules.iter().flat_map(|m| &m.operations) {
            match &op.retry {
                RetryClass::Keyed(key) => {
                    counts.keyed += 1;
                    counts.keyed_required += usize::from(key.required);
                }
                RetryClass::Read => counts.read += 1,
                RetryClass::Acting => counts.acting += 1,
            }
        }
        counts
    }
}

/// The first words of a last path segment that reads.
const READ_VERBS: &[&str] = &["get", "list", "search", "lookup", "sync"];

/// Sets [`crate::ir::Operation::retry`] on every operation and marks the key fields. Returns
/// a warning per stated class the structure cannot carry out.
pub fn settle(api: &mut Api) -> Vec<Finding> {
    let index = TypeIndex::new(api);
    let mut keys: Vec<((String, String), IdempotencyKey)> = Vec::new();
    let mut classes = Vec::new();
    let mut findings = Vec::new();
    for op in api.modules.iter().flat_map(|m| &m.operations) {
        let key = op.request.as_ref().and_then(|ty| key_of(&index, ty));
        let structural = if reads(op.http_method, &op.path) { RetryClass::Read } else { RetryClass::Acting };
        let class = match (op.stated.retry, key) {
            (Some(StatedRetry::Read), _) => RetryClass::Read,
            (Some(StatedRetry::Acting), _) => RetryClass::Acting,
            (Some(StatedRetry::Keyed) | None, Some((owner, key))) => {
                keys.push((owner, key.clone()));
                RetryClass::Keyed(key)
            }
            (Some(StatedRetry::Keyed), None) => {
                let message = format!(
                    "`{}` states `x-rust-retry: keyed`, but its request has no idempotency key field; it stays {}",
                    op.id,
                    if structural == RetryClass::Read { "read" } else { "acting" }
                );
                findings.push(Finding::warning(Code::ExtensionUnmet, At::Operation(op.path.clone()), message));
                structural
            }
            (None, None) => structural,
        };
        classes.push(class);
    }
    drop(index);
    let mut classes = classes.into_iter();
    for op in api.modules.iter_mut().flat_map(|m| m.operations.iter_mut()) {
        if let Some(class) = classes.next() {
            op.retry = class;
        }
    }
    for m in &mut api.modules {
        for t in &mut m.types {
            let TypeKind::Struct(s) = &mut t.kind else { continue };
            for ((module, name), key) in &keys {
                if *module == m.name && *name == t.name {
                    if let Some(f) = s.fields.iter_mut().find(|f| f.wire == key.wire) {
                        f.idempotency_key = Some(key.clone());
                    }
                }
            }
        }
    }
    findings
}

/// Whether an operation without a key has no side effect, by the rule in the module docs.
pub fn reads(method: HttpMethod, path: &str) -> bool {
    if matches!(method, HttpMethod::Get | HttpMethod::Head | HttpMethod::Options) {
        return true;
    }
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
    let first = last.split(['_', '-']).next().unwrap_or_default().to_ascii_lowercase();
    method == HttpMethod::Post && READ_VERBS.contains(&first.as_str())
}

/// The request type's idempotency key field, with the type that holds it.
fn key_of(index: &TypeIndex<'_>, ty: &TypeRef) -> Option<((String, String), IdempotencyKey)> {
    let TypeRef::Named { module, name } = index.through_aliases(ty) else { return None };
    let def = index.get(module, name)?;
    let TypeKind::Struct(s) = &def.kind else { return None };
    let f = s.fields.iter().find(|f| is_key(index, f))?;
    let key = IdempotencyKey {
        wire: f.wire.clone(),
        field: f.name.clone(),
        required: !f.is_optional(),
        min_length: f.constraints.min_length,
        max_length: f.constraints.max_length,
    };
    Some(((module.clone(), name.clone()), key))
}

/// A text field named or described as an idempotency key, and not deprecated: a deprecated key
/// is one the API no longer honours (Plaid's `TransferCreateIdempotencyKey`: "`authorization_id`
/// is now used as idempotency instead"), so resending with it would not be safe, and `new` must
/// not fill a field the spec tells users to leave alone.
fn is_key(index: &TypeIndex<'_>, f: &Field) -> bool {
    if f.deprecated.is_some() || *index.underlying(&f.ty) != TypeRef::String {
        return false;
    }
    let named = crate::name_words::words(&f.wire).iter().any(|w| {
        let w = w.to_ascii_lowercase();
        w == "idempotency" || w == "idempotent"
    });
    let described = f.docs.as_deref().is_some_and(|d| d.to_ascii_lowercase().contains("idempotency key"));
    named || described
}
