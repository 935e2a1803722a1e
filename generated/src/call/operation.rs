//! The operation table: what the generated methods call, described as data.

/// One API operation, as described by the specs.
///
/// The generated modules hold a table of these ([`crate::operations`] iterates over all of
/// them); each client method passes its row to the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The spec's operationId, e.g. `accountsGet`.
    pub id: &'static str,
    /// The method that calls it on [`Client`](crate::Client), e.g. `accounts_get`: what error
    /// messages name, since it is what the application's code says.
    pub name: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// The path template, e.g. `/accounts/get` or `/fdx/consents/{consentId}`.
    pub path: &'static str,
    /// The module (API group) the operation belongs to.
    pub group: &'static str,
    /// The spec's one-line summary.
    pub summary: &'static str,
    /// The Rust name of the parameter struct, if the operation has path, query or header
    /// parameters.
    pub params_type: Option<&'static str>,
    /// The Rust name of the request body type, if the operation has a body.
    pub request_type: Option<&'static str>,
    /// The Rust name of the success response type.
    pub response_type: Option<&'static str>,
    /// The Rust name of the error body type.
    pub error_type: Option<&'static str>,
    /// Whether the spec marks the operation deprecated.
    pub deprecated: bool,
    /// The body fields that carry credentials. Those the body schema requires are `written`:
    /// the request type leaves them out and the client writes the configured values in. An
    /// extra body field or query parameter named like any of them is refused with
    /// [`Error::Config`](crate::Error::Config) before anything is sent.
    pub body_credentials: &'static [BodyCredential],
    /// What resending it after a failure may cost, which decides what is retried (see
    /// [`RetryClass`](crate::RetryClass)).
    pub retry: crate::RetryClass,
    /// The request body's idempotency key, for a keyed operation.
    pub idempotency_key: Option<IdempotencyKeyField>,
}

/// The idempotency key property of a keyed operation's request body, and the length its
/// schema allows: a key the client fills in fits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdempotencyKeyField {
    /// The JSON name (`idempotency_key`).
    pub name: &'static str,
    /// The schema's `minLength` (0 when it has none).
    pub min_length: usize,
    /// The schema's `maxLength`.
    pub max_length: Option<usize>,
}

/// A request body field that carries a credential (`client_id`, `secret`), as the spec's
/// security schemes imply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyCredential {
    /// The JSON name.
    pub name: &'static str,
    /// What it carries.
    pub credential: crate::Credential,
    /// Whether the operation's body schema requires it, so the client writes the configured
    /// value in; otherwise it is only a name no extra may have.
    pub written: bool,
}
