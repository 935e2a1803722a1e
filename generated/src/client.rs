//! The client that the generated operation methods hang off: it sends a request with the
//! credentials, retries what is worth retrying, and turns the answer into a typed value or an
//! [`Error`].

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::Instrument;

use crate::error::{ApiError, DecodeError, TransportError};
use crate::params::Parts;
use crate::retry::{parse_retry_after, retryable_status, RetryPolicy};
use crate::{Config, Error, Operation};

/// The Plaid API client. Each API operation is a method named after its operationId, generated
/// from the specs.
///
/// The client is `Clone + Send + Sync`; clones share one connection pool and are cheap (a
/// reference count), so make one client and clone it wherever it is needed.
///
/// ```no_run
/// use std::time::Duration;
/// use plaid_sdk::{AccountsBalanceGetRequest, AccountsGetRequest, Client, Config};
///
/// # async fn run() -> Result<(), plaid_sdk::Error> {
/// let client = Client::new(Config::sandbox("client-id", "secret"));
/// let accounts = client.accounts_get(AccountsGetRequest::new("access-token".to_string())).await?;
/// for account in &accounts.accounts {
///     println!("{}: {:?}", account.name, account.balances.current);
/// }
///
/// // Balance checks can take a while: give this one call more time.
/// let balances = client
///     .with_timeout(Duration::from_secs(120))
///     .accounts_balance_get(AccountsBalanceGetRequest::new("access-token".to_string()))
///     .await?;
/// # let _ = balances;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
}

struct Shared {
    config: Config,
    /// Setting up can fail (TLS unavailable, a credential that is not a valid header value);
    /// `Client::new` stays infallible and every call reports the failure instead.
    http: Result<Http, String>,
}

/// The HTTP client and the headers every call carries.
struct Http {
    client: reqwest::Client,
    headers: HeaderMap,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.shared.config)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the given configuration. It never fails: if TLS cannot be set up on this
    /// machine, each call returns [`Error::Config`] (use [`Client::try_new`] to find out now).
    pub fn new(config: Config) -> Self {
        let http = build_http(&config).and_then(|client| Ok(Http { client, headers: auth_headers(&config)? }));
        Client { shared: Arc::new(Shared { config, http }), timeout: None, retry: None }
    }

    /// A client for the given configuration, or the reason the HTTP stack cannot be set up.
    pub fn try_new(config: Config) -> Result<Self, Error> {
        let client = Self::new(config);
        match &client.shared.http {
            Ok(_) => Ok(client),
            Err(message) => Err(Error::Config { message: message.clone() }),
        }
    }

    /// The configuration this client was made with.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// A clone of this client whose calls use `timeout` per request instead of the configured
    /// one.
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        Client { timeout: Some(timeout), ..self.clone() }
    }

    /// A clone of this client whose calls use `retry` instead of the configured policy.
    pub fn with_retry(&self, retry: RetryPolicy) -> Self {
        Client { retry: Some(retry), ..self.clone() }
    }

    /// Runs an operation whose success body is JSON of type `R`. (Unused only when no group's
    /// feature is on.)
    #[allow(dead_code)]
    pub(crate) async fn execute<B: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        op: &'static Operation,
        parts: Parts,
        body: Option<&B>,
    ) -> Result<R, Error> {
        let answer = self.call(op, parts, body, "application/json").await?;
        answer.json(op)
    }

    /// Runs an operation some of whose success answers have a JSON body of type `R` and others
    /// none (`204 No Content`): `None` for an answer without a body.
    #[allow(dead_code)]
    pub(crate) async fn execute_optional<B: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        op: &'static Operation,
        parts: Parts,
        body: Option<&B>,
    ) -> Result<Option<R>, Error> {
        let answer = self.call(op, parts, body, "application/json").await?;
        if answer.status == 204 || answer.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        answer.json(op).map(Some)
    }

    /// Runs an operation whose success body is not JSON (a PDF, a ZIP).
    #[allow(dead_code)]
    pub(crate) async fn execute_bytes<B: Serialize + ?Sized>(&self, op: &'static Operation, parts: Parts, body: Option<&B>) -> Result<Vec<u8>, Error> {
        Ok(self.call(op, parts, body, "*/*").await?.body)
    }

    /// Runs an operation whose success response has no body.
    #[allow(dead_code)]
    pub(crate) async fn execute_empty<B: Serialize + ?Sized>(&self, op: &'static Operation, parts: Parts, body: Option<&B>) -> Result<(), Error> {
        self.call(op, parts, body, "*/*").await.map(drop)
    }

    /// Sends the request until it succeeds or the retry policy gives up; a non-2xx answer
    /// becomes an error here.
    async fn call<B: Serialize + ?Sized>(&self, op: &'static Operation, parts: Parts, body: Option<&B>, accept: &'static str) -> Result<Answer, Error> {
        // A parameter that cannot be sent fails the call before anything goes out.
        let (path_and_query, param_headers) = parts.finish()?;
        let body = match body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|e| Error::Encode { operation: op.id, message: e.to_string() })?),
            None => None,
        };
        let span = tracing::info_span!(
            "plaid.call",
            operation = op.id,
            method = op.method,
            path = op.path,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let target = Target { path_and_query, headers: param_headers };
        let result = self.attempts(op, &target, body, accept).instrument(span.clone()).await;
        let (status, attempts, request_id) = match &result {
            Ok(a) => (Some(a.status), a.attempts, (!span.is_disabled()).then(|| body_request_id(&a.body)).flatten()),
            Err(Error::Api(e)) => (Some(e.status), e.attempts, e.request_id().map(str::to_string)),
            Err(Error::Decode(e)) => (Some(e.status), e.attempts, e.request_id.clone()),
            Err(Error::Transport(e)) => (None, e.attempts, None),
            Err(_) => (None, 0, None),
        };
        if let Some(status) = status {
            span.record("status", status);
        }
        span.record("attempts", attempts);
        if let Some(id) = &request_id {
            span.record("request_id", id.as_str());
        }
        span.in_scope(|| match &result {
            Ok(_) => tracing::debug!("call succeeded"),
            Err(e) => tracing::debug!(error = %e, "call failed"),
        });
        result
    }

    async fn attempts(&self, op: &'static Operation, target: &Target, body: Option<Vec<u8>>, accept: &'static str) -> Result<Answer, Error> {
        let shared = &*self.shared;
        let http = shared.http.as_ref().map_err(|message| Error::Config { message: message.clone() })?;
        let retry = self.retry.as_ref().unwrap_or(shared.config.retry());
        let timeout = self.timeout.unwrap_or(shared.config.timeout());
        let url = format!("{}{}", shared.config.base_url(), target.path_and_query);
        let method = reqwest::Method::from_bytes(op.method.as_bytes())
            .map_err(|_| Error::Config { message: format!("{}: unsupported HTTP method `{}`", op.id, op.method) })?;
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let mut headers = http.headers.clone();
            // A parameter header replaces a default one of the same name instead of doubling it.
            for (name, value) in &target.headers {
                headers.insert(name.clone(), value.clone());
            }
            let mut request = http.client.request(method.clone(), &url).headers(headers).header(ACCEPT, accept).timeout(timeout);
            if let Some(body) = &body {
                request = request.header(CONTENT_TYPE, "application/json").body(body.clone());
            }
            let outcome = match request.send().await {
                Ok(response) => self.read(op, response, attempt).await,
                Err(e) => Err(TransportError::new(op.id, attempt, e)),
            };
            let (error, retry_after) = match outcome {
                Ok(answer) if (200..300).contains(&answer.status) => return Ok(answer),
                Ok(answer) => {
                    let retry_after = answer.retry_after;
                    let error = answer.into_error(op);
                    let error_type = match &error {
                        Error::Api(e) => Some(e.error_type().to_string()),
                        _ => None,
                    };
                    let status = error.status().unwrap_or_default();
                    if !retryable_status(status, error_type.as_deref()) {
                        return Err(error);
                    }
                    (error, retry_after)
                }
                Err(transport) => {
                    let retryable = match transport.kind {
                        crate::TransportErrorKind::Connect => true,
                        crate::TransportErrorKind::Timeout => retry.retry_timeouts(),
                        crate::TransportErrorKind::Io => false,
                    };
                    let error = Error::Transport(Box::new(transport));
                    if !retryable {
                        return Err(error);
                    }
                    (error, None)
                }
            };
            match retry.next_wait(attempt - 1, started.elapsed(), retry_after) {
                Some(wait) => {
                    tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, error = %error, "retrying");
                    tokio::time::sleep(wait).await;
                }
                None => return Err(error),
            }
        }
    }

    /// Reads the whole answer, up to the configured size limit.
    async fn read(&self, op: &'static Operation, mut response: reqwest::Response, attempts: u32) -> Result<Answer, TransportError> {
        let status = response.status().as_u16();
        let header = |name: HeaderName| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let content_type = header(CONTENT_TYPE);
        let retry_after = header(RETRY_AFTER).and_then(|v| parse_retry_after(&v, SystemTime::now()));
        let limit = self.shared.config.max_response_bytes();
        let mut body = Vec::new();
        let mut cut_at = None;
        while let Some(chunk) = response.chunk().await.map_err(|e| TransportError::new(op.id, attempts, e))? {
            if body.len() + chunk.len() > limit {
                cut_at = Some(limit);
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer { status, attempts, content_type, retry_after, body, cut_at })
    }
}

/// Where a call goes: the path with its parameters and the query string, and the parameter
/// headers.
struct Target {
    path_and_query: String,
    headers: Vec<(HeaderName, HeaderValue)>,
}

/// One HTTP answer, read in full.
struct Answer {
    status: u16,
    attempts: u32,
    content_type: Option<String>,
    retry_after: Option<Duration>,
    body: Vec<u8>,
    /// The size limit, when the body was cut at it.
    cut_at: Option<usize>,
}

impl Answer {
    /// Decodes a success body as `R`.
    fn json<R: DeserializeOwned>(self, op: &'static Operation) -> Result<R, Error> {
        let expected = op.response_type.unwrap_or("response");
        self.decode(op, expected).map_err(Error::Decode)
    }

    /// Turns a non-2xx answer into an error: an API error when the body is a Plaid error,
    /// a decode error naming what came instead otherwise.
    fn into_error(self, op: &'static Operation) -> Error {
        match self.decode::<crate::PlaidError>(op, "PlaidError") {
            Ok(error) => Error::Api(Box::new(ApiError { operation: op.id, status: self.status, attempts: self.attempts, error })),
            Err(e) => Error::Decode(e),
        }
    }

    fn decode<R: DeserializeOwned>(&self, op: &'static Operation, expected: &'static str) -> Result<R, Box<DecodeError>> {
        let refuse = |path: Option<String>, message: String| Box::new(DecodeError {
            operation: op.id,
            status: self.status,
            attempts: self.attempts,
            expected,
            content_type: self.content_type.clone(),
            request_id: body_request_id(&self.body),
            path,
            message,
            body_excerpt: excerpt(&self.body),
        });
        if let Some(limit) = self.cut_at {
            return Err(refuse(None, format!("the body exceeds the {limit}-byte limit")));
        }
        if !self.content_type.as_deref().is_some_and(is_json) {
            let got = self.content_type.as_deref().unwrap_or("none");
            return Err(refuse(None, format!("expected a JSON body, got content type `{got}`")));
        }
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(refuse(None, "the body is empty".into()));
        }
        let mut de = serde_json::Deserializer::from_slice(&self.body);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let path = (path != ".").then_some(path);
            refuse(path, e.into_inner().to_string())
        })?;
        de.end().map_err(|e| refuse(None, e.to_string()))?;
        Ok(value)
    }
}

/// `application/json`, or any `+json` media type, with or without parameters.
fn is_json(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

/// The start of a body for an error message, with sensitive values redacted.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    // Redact the whole body before cutting, so a cut cannot hide a key from the rule.
    let redacted = crate::redact::redact_json_text(&text);
    let mut shown: String = redacted.chars().take(DecodeError::EXCERPT_CHARS).collect();
    if shown.len() < redacted.len() {
        shown.push('…');
    }
    shown
}

/// Plaid's `request_id` from a JSON body, if it has one at the top level.
fn body_request_id(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct WithId {
        request_id: Option<String>,
    }
    serde_json::from_slice::<WithId>(body).ok()?.request_id
}

fn build_http(config: &Config) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .connect_timeout(config.connect_timeout())
        // Plaid never redirects API calls, and following one would resend `PLAID-SECRET` to
        // wherever it points (reqwest strips only the standard credential headers): a 3xx
        // answer is returned as an error instead.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("plaid-sdk-rust/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {e}"))
}

/// The headers every call carries: the security schemes of the specs.
fn auth_headers(config: &Config) -> Result<HeaderMap, String> {
    let mut headers = HeaderMap::new();
    for (scheme, name) in crate::AUTH_HEADERS {
        let (value, sensitive) = match *scheme {
            "clientId" => (config.client_id(), false),
            "secret" => (config.secret(), true),
            "plaidVersion" => (crate::API_VERSION, false),
            _ => continue,
        };
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("`{name}` is not a valid header name"))?;
        // The message names the header, never the value: it may be the secret.
        let mut value = HeaderValue::from_str(value).map_err(|_| format!("the value for `{name}` is not a valid header value"))?;
        // Marks the value so that HTTP/2 header compression and debug printing skip it.
        value.set_sensitive(sensitive);
        headers.insert(name, value);
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("Application/Problem+JSON"));
        assert!(!is_json("text/html"));
        assert!(!is_json("text/json+html"));
    }

    #[test]
    fn excerpts_are_short_and_redacted() {
        let body = format!(r#"{{"access_token": "AT-secret", "pad": "{}"}}"#, "x".repeat(1000));
        let shown = excerpt(body.as_bytes());
        assert!(!shown.contains("AT-secret"));
        assert_eq!(shown.chars().count(), DecodeError::EXCERPT_CHARS + 1);
    }
}
