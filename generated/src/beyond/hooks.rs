//! Hooks: one place where an application observes and adjusts every call of a client, for
//! metrics, audit logs and headers of its own ([`Client::with_hook`]).
//!
//! A small trait of this crate's rather than a `tower` or `reqwest-middleware` layer: a layer
//! sits below the client's retry loop, so it would see each attempt rather than each call, could
//! resend requests behind the retry policy's back, and would see the request with its credential
//! headers and body. A hook runs once per call, above the retries, and sees only what is safe to
//! log. The README's "Beyond the typed calls" section has the build-time figures.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};

use crate::scrub::Secrets;
use crate::{Client, Error, Operation};

/// Observes and adjusts the calls of a [`Client`]: installed with [`Client::with_hook`], called
/// once per call, whatever the retries.
///
/// Both methods run on the calling task, in the order the hooks were installed; keep them
/// quick (hand slow work to a channel). A hook that panics panics the call.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use plaid_sdk::{CallOutcome, Hook, HookRequest};
///
/// /// Counts failed calls and tags every request with the service's name.
/// #[derive(Default)]
/// struct Metrics {
///     failures: AtomicU64,
/// }
///
/// impl Hook for Metrics {
///     fn before_send(&self, request: &mut HookRequest<'_>) {
///         let _ = request.set_header("X-Service", "billing");
///     }
///     fn after_call(&self, outcome: &CallOutcome<'_>) {
///         if outcome.error.is_some() {
///             self.failures.fetch_add(1, Ordering::Relaxed);
///         }
///         println!("{} {:?} after {} attempt(s)", outcome.operation.id, outcome.status, outcome.attempts);
///     }
/// }
/// ```
pub trait Hook: Send + Sync + 'static {
    /// Called once per call, after its request is ready and before the first attempt: the
    /// headers set here go with every attempt. Not called for a call that fails before
    /// anything could be sent (a parameter without a value, say); `after_call` still is.
    fn before_send(&self, request: &mut HookRequest<'_>) {
        let _ = request;
    }

    /// Called once per call when it has ended: after the last attempt's answer was decoded,
    /// or with the error that ended it.
    fn after_call(&self, outcome: &CallOutcome<'_>) {
        let _ = outcome;
    }
}

/// A call about to be sent, as a hook sees it: what it calls, and the headers it may add.
///
/// Nothing here is secret: the credential headers are not shown, the path is the operation's
/// template (parameter values, which may be credentials, are not in it), and
/// [`HookRequest::redacted_body`] hides the call's secrets. The headers a hook adds are marked
/// sensitive and never logged by this crate.
pub struct HookRequest<'a> {
    operation: &'static Operation,
    route: &'a str,
    headers: &'a mut Vec<(HeaderName, HeaderValue)>,
    body: Option<&'a [u8]>,
    secrets: &'a Secrets,
}

impl fmt::Debug for HookRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookRequest")
            .field("operation", &self.operation.id)
            .field("path", &self.route)
            .field("headers", &self.headers.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl<'a> HookRequest<'a> {
    pub(crate) fn new(
        operation: &'static Operation,
        route: &'a str,
        headers: &'a mut Vec<(HeaderName, HeaderValue)>,
        body: Option<&'a [u8]>,
        secrets: &'a Secrets,
    ) -> Self {
        HookRequest { operation, route, headers, body, secrets }
    }

    /// The operation called. For a call by path ([`Client::post_json`]) its `id` is
    /// `untyped` and its method the one given.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The operation's path template (`/accounts/get`, `/fdx/consents/{consentId}`), or the
    /// path of a call by path as the application gave it.
    pub fn path(&self) -> &str {
        self.route
    }

    /// The names of the headers the application added to this call (per-call extras and
    /// earlier hooks); the credential headers are not among them.
    pub fn header_names(&self) -> impl Iterator<Item = &str> {
        self.headers.iter().map(|(n, _)| n.as_str())
    }

    /// Adds a header to every attempt of the call, replacing one of the same name that the
    /// application added. A credential header or one the client manages (`Content-Type`,
    /// `Host`, ...) is refused, naming the header and never the value.
    pub fn set_header(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let (name, value) = crate::extras::checked_header(name, value).map_err(|message| Error::Config { message })?;
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value));
        Ok(())
    }

    /// The JSON body fit for an audit log: the values of sensitive fields (`secret`,
    /// `access_token`, ...) redacted by name, and every secret value the call knows of
    /// scrubbed wherever it appears. `None` for a call without a body.
    pub fn redacted_body(&self) -> Option<String> {
        let text = String::from_utf8_lossy(self.body?);
        Some(crate::redact::redact_json_text(&self.secrets.scrub(&text)))
    }
}

/// How a call ended, as a hook sees it. Nothing here is secret: the error shows what its
/// `Display` shows, which is scrubbed and redacted.
#[derive(Debug)]
#[non_exhaustive]
pub struct CallOutcome<'a> {
    /// The operation called (see [`HookRequest::operation`]).
    pub operation: &'static Operation,
    /// The operation's path template, or the path of a call by path.
    pub path: &'a str,
    /// The HTTP status of the last answer, when there was one.
    pub status: Option<u16>,
    /// How many attempts were made, retries included (0 when nothing could be sent).
    pub attempts: u32,
    /// From the start of the call to its end, retries, their waits and decoding included.
    pub elapsed: Duration,
    /// Plaid's `request_id` of the last answer, when it had one.
    pub request_id: Option<&'a str>,
    /// The error the call returns, or `None` for a success.
    pub error: Option<&'a Error>,
}

impl Client {
    /// A clone of this client whose calls all go through `hook` as well as the hooks this
    /// client already has (called in the order they were added). Clones made from it keep it.
    pub fn with_hook(&self, hook: impl Hook) -> Self {
        let mut hooks: Vec<std::sync::Arc<dyn Hook>> = self.hooks.to_vec();
        hooks.push(std::sync::Arc::new(hook));
        let mut client = self.clone();
        client.hooks = hooks.into();
        client
    }
}
