#![doc = include_str!("../README.md")]
//!
//! ## The runtime
//!
//! The runtime behind the methods:
//!
//! - [`Config`]: the environment ([`Environment`]) or a custom base URL, the credentials sent in
//!   the `PLAID-CLIENT-ID`, `PLAID-SECRET` and `Plaid-Version` headers, timeouts and the
//!   [`RetryPolicy`];
//! - [`Client`]: HTTP over rustls, retries with backoff and `Retry-After`, per-call timeouts,
//!   and a `tracing` span per call (`plaid.call`, with the operation, status, attempts and
//!   Plaid's request id);
//! - [`Error`]: an API error ([`ApiError`], the decoded `PlaidError`), a non-2xx answer that
//!   is not a Plaid error ([`StatusError`]: a proxy page, a redirect), a transport error
//!   ([`TransportError`]) or a 2xx answer that does not decode ([`DecodeError`], with the JSON
//!   path that failed);
//! - [`redact`]: how `Debug` output, errors and logs hide secrets and personal data, by field
//!   name and by the values the call knows are secret.
//!
//! Each API group (module with operations: [`accounts`], [`item`], ...) is a Cargo feature, all
//! on by default ([`GROUPS`] lists them); so are `webhooks` (the webhook payload types: the
//! variants of [`webhooks::Webhook`]) and `unreferenced` (component schemas no operation
//! uses). With `default-features = false` only the enabled features' types and the shared types
//! they reach are compiled; the README's "Features" section says which an application needs.
//! What the runtime itself uses at run time needs no feature: [`webhooks::WebhookVerifier`]
//! fetches keys in every build.
//!
//! [`webhooks`] verifies Plaid's webhooks and decodes them into a typed [`webhooks::Webhook`].
//!
//! With the `testing` feature (off by default, for `[dev-dependencies]`), `testing` is a mock
//! of Plaid on loopback for application tests: default answers from the spec's examples,
//! request checks, typed stubs, sandbox state and signed webhooks.
//!
//! The modules under `gen` are written by `cargo xtask regen` from `specs/`; the runtime beside
//! them is hand-written.

#![warn(missing_docs)]
// docs.rs builds with `--cfg docsrs` on nightly: every gated item then says which feature it
// needs. Stable builds never set `docsrs`, so they never see the unstable attribute.
#![cfg_attr(docsrs, feature(doc_cfg))]

// The runtime, one folder per concern (ARCHITECTURE.md has the map). Its modules are
// re-exported here under their own names, so that every file (and the generated code) reaches
// them as `crate::<module>` wherever they live.
mod beyond;
mod call;
mod gen;
#[cfg(feature = "testing")]
mod mock;
mod secrets;
mod types;
pub mod webhooks;

pub(crate) use beyond::{extras, hooks, raw};
pub(crate) use call::{answer, client, config, error, operation, pages, params, retry};
pub use secrets::redact;
pub(crate) use secrets::{name_words, scrub};
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub use mock::testing;
pub(crate) use types::{codec, datetime, nullable};

pub use answer::MAX_ERROR_BODY_BYTES;
pub use client::Client;
pub use config::{Config, Credential, Environment, DEFAULT_MAX_IDLE_CONNECTIONS_PER_HOST, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT};
pub use datetime::{Date, DateTime};
pub use error::{ApiError, Brief, DecodeError, Effect, Error, ErrorFields, StatusError, TransportError, TransportErrorKind, UntypedError};
pub use gen::*;
pub use hooks::{CallOutcome, Hook, HookRequest};
pub use nullable::Nullable;
pub use operation::{BodyCredential, IdempotencyKeyField, Operation};
pub use pages::{MAX_RESTARTS, MUTATION_DURING_PAGINATION};
pub use raw::Raw;
pub use retry::{RetryClass, RetryPolicy};

/// The date library behind [`Date`] and [`DateTime`], re-exported so applications use the same
/// version.
pub use chrono;

/// The HTTP client library, re-exported so that an application building its own client for
/// [`Client::with_http_client`] uses the same version.
pub use reqwest;
