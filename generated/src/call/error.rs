//! The error type of every client method.
//!
//! No error value carries the request headers or the request body, and everything an error
//! keeps from the answer (messages, excerpts, the content type) has been scrubbed of the
//! call's secret values and redacted by the [name rule](crate::redact) first, so an error can
//! be logged without leaking credentials.

use std::fmt;

/// Why a call failed: Plaid answered with an error ([`Error::Api`]), something that is not
/// Plaid's API answered with a non-2xx status ([`Error::Status`]: a proxy, a gateway, a
/// redirect), the request never got an answer ([`Error::Transport`]), or a 2xx answer does not
/// match the API spec ([`Error::Decode`]).
///
/// ```no_run
/// use plaid_sdk::{AccountsGetRequest, Client, Config, Error};
///
/// # async fn run(client: Client) {
/// match client.accounts_get(AccountsGetRequest::new("access-token")).await {
///     Ok(accounts) => println!("{} accounts", accounts.accounts.len()),
///     Err(Error::Api(e)) if e.error_code() == "ITEM_LOGIN_REQUIRED" => println!("send the user to Link"),
///     Err(Error::Api(e)) => println!("Plaid said no: {e} (request {})", e.request_id().unwrap_or("?")),
///     Err(Error::Status(e)) => println!("not an answer from Plaid's API: {e}"),
///     Err(e) => println!("call failed: {e}"),
/// }
/// # }
/// ```
///
/// `Error` is `Clone` (a failure can be handed to several waiters or kept for a retry report):
/// the transport's underlying `reqwest::Error`, which is not, is shared behind an `Arc`.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Plaid answered with an error body (`PlaidError`).
    #[error(transparent)]
    Api(Box<ApiError>),
    /// A non-2xx answer whose body is not a Plaid error: a proxy's or gateway's error page, an
    /// empty `503`, a redirect (never followed). Retried like a transient failure when it is a
    /// `429` or a `5xx`.
    #[error(transparent)]
    Status(Box<StatusError>),
    /// No usable HTTP answer: connection, TLS or timeout failure.
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// A 2xx answer came but its body is not what the spec says it is.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The request could not be encoded as JSON.
    #[error("{operation}: cannot encode the request: {message}")]
    Encode {
        /// The method that was called (`accounts_get`).
        operation: &'static str,
        /// The encoder's message.
        message: String,
    },
    /// A parameter cannot be sent as given: a path parameter without a value, or a header value
    /// that is not a valid HTTP header value. Nothing was sent. The message never includes the
    /// value, which may be a credential.
    #[error("{operation}: {location} parameter `{name}` {message}")]
    Parameter {
        /// The method that was called (`accounts_get`).
        operation: &'static str,
        /// The parameter's name in the spec.
        name: &'static str,
        /// Where it goes: `path`, `query` or `header`.
        location: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A paged walk cannot go on: the server returned the cursor it was sent (the pages would
    /// repeat forever), or said there is more without saying where.
    #[error("{operation}: paging stopped: {message}")]
    Pagination {
        /// The method that was paged (`transactions_sync_all`'s `transactions_sync`).
        operation: &'static str,
        /// What went wrong.
        message: String,
    },
    /// The configuration cannot be used (a base URL that is not https, a TLS setup failure).
    #[error("invalid client configuration: {message}")]
    Config {
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Status(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// Plaid's `request_id` of the failed call, when the answer carried one. Quote it to
    /// Plaid support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id(),
            Error::Status(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// How many attempts were made, retries included (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api(e) => e.attempts,
            Error::Status(e) => e.attempts,
            Error::Decode(e) => e.attempts,
            Error::Transport(e) => e.attempts,
            _ => 0,
        }
    }

    /// Whether the request may have been acted on although the call failed: its last attempt
    /// failed after the request went out (a `5xx`, a timeout, a connection lost after sending)
    /// and the operation's [`RetryClass`](crate::RetryClass) did not allow sending it again.
    /// Check before repeating the call (Plaid's get, list or event endpoints), or repeat it
    /// with the same [`idempotency_key`](Self::idempotency_key).
    pub fn may_have_been_processed(&self) -> bool {
        self.effect().is_some_and(|e| e.may_have_been_processed)
    }

    /// The idempotency key the request carried, for a keyed operation: the caller's, or the
    /// fresh one the client filled in and sent on every attempt.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.effect().and_then(|e| e.idempotency_key.as_deref())
    }

    /// What the failed call may have done on the server, when something was sent.
    pub fn effect(&self) -> Option<&Effect> {
        match self {
            Error::Api(e) => Some(&e.effect),
            Error::Status(e) => Some(&e.effect),
            Error::Decode(e) => Some(&e.effect),
            Error::Transport(e) => Some(&e.effect),
            _ => None,
        }
    }

    pub(crate) fn effect_mut(&mut self) -> Option<&mut Effect> {
        match self {
            Error::Api(e) => Some(&mut e.effect),
            Error::Status(e) => Some(&mut e.effect),
            Error::Decode(e) => Some(&mut e.effect),
            Error::Transport(e) => Some(&mut e.effect),
            _ => None,
        }
    }

    /// The error without any excerpt of the body, for logs: what the client's own tracing
    /// events show.
    pub fn brief(&self) -> Brief<'_> {
        Brief(self)
    }

    /// The decoded Plaid error, for an API error.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// Plaid answered with an error: the decoded body and the HTTP status.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The method that was called (`accounts_get`), as [`Operation::name`](crate::Operation::name) names it.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// How many attempts were made, retries included.
    pub attempts: u32,
    /// The error body, of the type the specs' error responses declare (`PlaidError`).
    pub error: crate::ErrorBody,
    /// Whether the request may have been acted on, and the idempotency key it carried.
    pub effect: Effect,
}

impl ApiError {
    /// The broad category (`INVALID_REQUEST`, `ITEM_ERROR`, ...), of the type the error body
    /// gives it ([`ErrorType`](crate::ErrorType): Plaid's `PlaidErrorType`, whose fallback
    /// variant keeps a category this version does not list). Its wire text is
    /// `error_type().as_str()`.
    pub fn error_type(&self) -> crate::ErrorType {
        self.error.error_type()
    }

    /// The wire text of the category, for the runtime's own checks.
    pub(crate) fn error_type_str(&self) -> &str {
        self.error.error_type_str()
    }

    /// The specific code (`ITEM_LOGIN_REQUIRED`, ...).
    pub fn error_code(&self) -> &str {
        self.error.error_code()
    }

    /// The developer-facing message.
    pub fn error_message(&self) -> &str {
        self.error.error_message()
    }

    /// The message Plaid suggests showing to end users, if any.
    pub fn display_message(&self) -> Option<&str> {
        self.error.display_message()
    }

    /// Plaid's request id, if the body carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.error.request_id()
    }
}

/// The fields of an error body the client reads, whichever type the specs declare for it:
/// implemented by the generated [`ErrorBody`](crate::ErrorBody).
pub trait ErrorFields {
    /// The broad category (`error_type`), typed as the error body types it; empty text when
    /// the body has none.
    fn error_type(&self) -> crate::ErrorType;
    /// The wire text of [`error_type`](Self::error_type), without a copy; empty when the body
    /// has none.
    fn error_type_str(&self) -> &str;
    /// The specific code (`error_code`); empty when the body has none.
    fn error_code(&self) -> &str;
    /// The developer-facing message (`error_message`); empty when the body has none.
    fn error_message(&self) -> &str;
    /// The message for end users (`display_message`), if any.
    fn display_message(&self) -> Option<&str>;
    /// Plaid's request id (`request_id`), if any.
    fn request_id(&self) -> Option<&str>;
}

/// An error body read as plain JSON, for specs that declare no error type: the fields are read
/// by name. Only a JSON object with a text `error_code` decodes into one, so that any other
/// JSON answer is not taken for an API error. `Debug` applies the redaction rule to every key.
#[derive(Clone, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct UntypedError(pub serde_json::Value);

impl<'de> serde::Deserialize<'de> for UntypedError {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if value.get("error_code").is_some_and(serde_json::Value::is_string) {
            Ok(UntypedError(value))
        } else {
            Err(serde::de::Error::custom("the body has no text `error_code`"))
        }
    }
}

impl UntypedError {
    fn text(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(serde_json::Value::as_str)
    }
}

impl ErrorFields for UntypedError {
    fn error_type(&self) -> crate::ErrorType {
        crate::ErrorType::from(self.error_type_str())
    }
    fn error_type_str(&self) -> &str {
        self.text("error_type").unwrap_or_default()
    }
    fn error_code(&self) -> &str {
        self.text("error_code").unwrap_or_default()
    }
    fn error_message(&self) -> &str {
        self.text("error_message").unwrap_or_default()
    }
    fn display_message(&self) -> Option<&str> {
        self.text("display_message")
    }
    fn request_id(&self) -> Option<&str> {
        self.text("request_id")
    }
}

impl fmt::Debug for UntypedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UntypedError").field(&crate::redact::Json(&self.0)).finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: HTTP {} {} {}: {}",
            self.operation,
            self.status,
            self.error_type_str(),
            self.error_code(),
            one_line(self.error_message())
        )?;
        if let Some(id) = self.request_id() {
            write!(f, " (request_id {id})")?;
        }
        self.effect.describe(f)
    }
}

impl std::error::Error for ApiError {}

/// An [`Error`] shown without body excerpts (see [`Error::brief`]).
pub struct Brief<'a>(&'a Error);

impl fmt::Display for Brief<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Error::Status(e) => {
                e.describe(f)?;
                e.effect.describe(f)
            }
            Error::Decode(e) => e.describe(f),
            other => write!(f, "{other}"),
        }
    }
}

/// Something other than Plaid's API answered: a non-2xx status whose body is not a Plaid error.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StatusError {
    /// The method that was called (`accounts_get`).
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// How many attempts were made, retries included.
    pub attempts: u32,
    /// The answer's `Content-Type`.
    pub content_type: Option<String>,
    /// The `Location` of a redirect (`3xx`), which the client does not follow.
    pub location: Option<String>,
    /// Plaid's `request_id`, when the body carried one anyway.
    pub request_id: Option<String>,
    /// Why the body is not a Plaid error (`the body is empty`, `expected a JSON body, got
    /// content type text/html`, a decoder's message).
    pub reason: String,
    /// The first characters of the body (at most [`DecodeError::EXCERPT_CHARS`]), scrubbed and
    /// redacted; `…` marks a cut.
    pub body_excerpt: String,
    /// Whether the request may have been acted on, and the idempotency key it carried.
    pub effect: Effect,
}

impl StatusError {
    /// Whether the answer is a redirect, which the client never follows.
    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }

    /// Everything but the excerpt.
    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        if self.is_redirect() {
            f.write_str(" redirect")?;
            if let Some(location) = &self.location {
                write!(f, " to `{}`", one_line(location))?;
            }
            f.write_str(" not followed: Plaid's API never redirects, and following would send the credentials elsewhere; check the base URL and any proxy")?;
        } else {
            write!(f, " answer that is not a Plaid error ({})", one_line(&self.reason))?;
        }
        content_type_once(f, self.content_type.as_deref(), &self.reason)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request_id {})", one_line(id))?;
        }
        Ok(())
    }
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.describe(f)?;
        if !self.body_excerpt.is_empty() {
            write!(f, "; body starts {:?}", self.body_excerpt)?;
        }
        self.effect.describe(f)
    }
}

/// What a failed call may have done on the server: whether the request may have been acted on
/// although it failed, and the idempotency key it carried (the same on every attempt).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Effect {
    /// The last attempt failed after the request went out (a `5xx`, a timeout, a connection
    /// lost after sending) and the call was not sent again, so Plaid may have acted on it:
    /// check (with the operation's get or list endpoint, or Plaid's events) before sending it
    /// again, or resend it with the same idempotency key.
    pub may_have_been_processed: bool,
    /// The idempotency key the request carried, for a keyed operation: the caller's, or the
    /// one the client filled in.
    pub idempotency_key: Option<String>,
}

impl Effect {
    /// The sentence `Display` adds to an error whose request may have been processed.
    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.may_have_been_processed {
            return Ok(());
        }
        f.write_str("; the request may have been processed: check before sending it again")?;
        if let Some(key) = &self.idempotency_key {
            write!(f, ", or resend it with the same idempotency key ({})", one_line(key))?;
        }
        Ok(())
    }
}

impl std::error::Error for StatusError {}

/// What kind of transport failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made: DNS, TCP or the TLS handshake.
    Connect,
    /// The request did not finish within its timeout.
    Timeout,
    /// The connection failed while sending the request or reading the answer.
    Io,
}

/// The request never got a usable HTTP answer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TransportError {
    /// The method that was called (`accounts_get`).
    pub operation: &'static str,
    /// What went wrong.
    pub kind: TransportErrorKind,
    /// How many attempts were made, retries included.
    pub attempts: u32,
    /// Whether the request may have been acted on, and the idempotency key it carried.
    pub effect: Effect,
    source: std::sync::Arc<reqwest::Error>,
}

impl TransportError {
    pub(crate) fn new(operation: &'static str, attempts: u32, source: reqwest::Error) -> Self {
        let kind = if source.is_timeout() {
            TransportErrorKind::Timeout
        } else if source.is_connect() {
            TransportErrorKind::Connect
        } else {
            TransportErrorKind::Io
        };
        // The URL holds no credentials, but it is noise in an error about a known operation.
        TransportError { operation, kind, attempts, effect: Effect::default(), source: std::sync::Arc::new(source.without_url()) }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "cannot connect",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Io => "connection failed",
        };
        write!(f, "{}: {what} after {} attempt(s): {}", self.operation, self.attempts, chain(&*self.source))?;
        self.effect.describe(f)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// A 2xx answer came, but its body is not what the spec says it is: truncated JSON, an empty
/// body, a wrong content type, a body over the size limit, or a field of the wrong type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// The method that was called (`accounts_get`).
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// How many attempts were made, retries included.
    pub attempts: u32,
    /// The Rust type the body should have decoded into (`AccountsGetResponse`, `PlaidError`).
    pub expected: &'static str,
    /// The answer's `Content-Type`.
    pub content_type: Option<String>,
    /// Plaid's `request_id`, when it could be read from the body.
    pub request_id: Option<String>,
    /// Where in the body decoding failed, e.g. `accounts[3].balances.current`; `None` when
    /// the body was refused before decoding (wrong content type, too large).
    pub path: Option<String>,
    /// What went wrong.
    pub message: String,
    /// The first characters of the body (at most [`DecodeError::EXCERPT_CHARS`]), scrubbed of
    /// the call's secrets and redacted by name; `…` marks a cut.
    pub body_excerpt: String,
    /// The idempotency key the request carried, for a keyed operation (a decode error means the
    /// request was processed).
    pub effect: Effect,
    /// The whole body, for [`DecodeError::body`].
    pub(crate) body: Received,
}

impl DecodeError {
    /// How much of the body an error keeps.
    pub const EXCERPT_CHARS: usize = 300;

    /// The body as received, so that the application can still read what it needs when the
    /// answer drifted from the spec (a required field `null`, say): parse it as
    /// `serde_json::Value`, or into a type of its own. It is bounded by the configured
    /// [`max_response_bytes`](crate::Config::max_response_bytes): past that only the first
    /// 16 KiB are kept, and [`DecodeError::body_is_complete`] says so.
    ///
    /// Unlike the excerpt, the body is not redacted (it is the data the call asked for, which
    /// may include access tokens): treat it as the decoded value would be treated. `Debug`
    /// and `Display` show only its length.
    pub fn body(&self) -> &[u8] {
        &self.body.0
    }

    /// Whether [`DecodeError::body`] is the whole body: `false` when it was over the size limit.
    pub fn body_is_complete(&self) -> bool {
        self.body.1
    }
}

/// A body kept in an error: shared, since errors are cloned, and shown by its length alone.
#[derive(Clone, Default)]
pub(crate) struct Received(std::sync::Arc<[u8]>, bool);

impl Received {
    pub(crate) fn new(body: &[u8], complete: bool) -> Self {
        Received(body.into(), complete)
    }
}

impl fmt::Debug for Received {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes{}>", self.0.len(), if self.1 { "" } else { ", cut at the limit" })
    }
}

/// ` (content-type X)`, unless the reason already names the content type (a body refused for
/// it): a message says each thing once.
fn content_type_once(f: &mut fmt::Formatter<'_>, content_type: Option<&str>, reason: &str) -> fmt::Result {
    match content_type {
        Some(ct) if !reason.contains("content type") => write!(f, " (content-type {})", one_line(ct)),
        _ => Ok(()),
    }
}

impl DecodeError {
    /// Everything but the excerpt.
    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {} answer is not a valid {}", self.operation, self.status, self.expected)?;
        if let Some(path) = &self.path {
            write!(f, " at `{path}`")?;
        }
        write!(f, ": {}", one_line(&self.message))?;
        content_type_once(f, self.content_type.as_deref(), &self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request_id {})", one_line(id))?;
        }
        Ok(())
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.describe(f)?;
        if self.body_excerpt.is_empty() {
            f.write_str("; the body is empty")
        } else {
            write!(f, "; body starts {:?}", self.body_excerpt)
        }
    }
}

impl std::error::Error for DecodeError {}

/// Text fit for a one-line message: line breaks and other control characters become spaces.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// An error and its sources, `: `-separated, because reqwest's own message is often just
/// "error sending request" with the useful part in a source.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    one_line(&text)
}
