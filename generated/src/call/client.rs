//! The client that the generated operation methods hang off: it sends a request with the
//! credentials, retries what is worth retrying, and turns the answer into a typed value or an
//! [`Error`].

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::Instrument;

use crate::answer::{self, Answer};
use crate::extras::Extras;
use crate::hooks::{CallOutcome, Hook, HookRequest};
use crate::raw::{Capture, Exchange};
use crate::error::TransportError;
use crate::params::{Parts, Target};
use crate::retry::{classify_answer, Failure, RetryClass, RetryPolicy};
use crate::scrub::Secrets;
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
/// let accounts = client.accounts_get(AccountsGetRequest::new("access-token")).await?;
/// for account in &accounts.accounts {
///     println!("{}: {:?}", account.name, account.balances.current);
/// }
///
/// // Balance checks can take a while: give this one call more time.
/// let balances = client
///     .with_timeout(Duration::from_secs(120))
///     .accounts_balance_get(AccountsBalanceGetRequest::new("access-token"))
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
    retry_class: Option<RetryClass>,
    /// Headers, query parameters and body fields added to every call of this clone.
    extras: Arc<Extras>,
    pub(crate) hooks: Arc<[Arc<dyn Hook>]>,
    /// Set on the clone [`Client::raw`] hands its closure.
    pub(crate) capture: Option<Capture>,
}

struct Shared {
    config: Config,
    /// Setting up can fail (TLS unavailable, a credential that is not a valid header value);
    /// `Client::new` stays infallible and every call reports the failure instead.
    http: Result<Http, String>,
    /// The configured secret, scrubbed from whatever a server sends back.
    secrets: Secrets,
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
            .field("retry_class", &self.retry_class)
            .field("extras", &self.extras)
            .field("hooks", &self.hooks.len())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the given configuration. It never fails: if TLS cannot be set up on this
    /// machine, each call returns [`Error::Config`] (use [`Client::try_new`] to find out now).
    pub fn new(config: Config) -> Self {
        match build_http(&config) {
            Ok(http) => Self::with_http_client(config, http),
            Err(message) => Self::from_parts(config, Err(message)),
        }
    }

    /// A client that sends through the application's own `reqwest::Client`: a proxy, custom
    /// TLS roots, shared connection pools. The configuration's per-request timeout still
    /// applies; its connect timeout and idle-connection cap are the given client's to set.
    ///
    /// Start from [`Client::http_builder`]: it sets up TLS as this crate does (rustls on
    /// aws-lc-rs; a plain `reqwest::Client::builder()` needs a crypto provider the application
    /// chooses) and turns redirects off. The client refuses to follow redirects itself because
    /// following one would send `PLAID-SECRET` to wherever it points, and a `reqwest::Client`
    /// that follows them would do exactly that.
    ///
    /// ```
    /// use plaid_sdk::{Client, Config};
    ///
    /// let http = Client::http_builder()
    ///     .expect("TLS is available")
    ///     .pool_max_idle_per_host(4)
    ///     .build()
    ///     .expect("an HTTP client");
    /// let client = Client::with_http_client(Config::sandbox("client-id", "secret"), http);
    /// # let _ = client;
    /// ```
    pub fn with_http_client(config: Config, http: reqwest::Client) -> Self {
        let http = auth_headers(&config).map(|headers| Http { client: http, headers });
        Self::from_parts(config, http)
    }

    /// A `reqwest` builder with this crate's TLS (rustls with aws-lc-rs's cryptography,
    /// post-quantum key exchange first, and Mozilla's root certificates) and redirects turned off, for [`Client::with_http_client`]:
    /// add a proxy, roots or pool settings, then build it.
    pub fn http_builder() -> Result<reqwest::ClientBuilder, Error> {
        let tls = tls_config().map_err(|message| Error::Config { message })?;
        Ok(reqwest::Client::builder().tls_backend_preconfigured(tls).redirect(reqwest::redirect::Policy::none()))
    }

    fn from_parts(config: Config, http: Result<Http, String>) -> Self {
        // A base URL that fails the https rule fails every call, before anything is sent.
        let http = match config.refused() {
            Some(reason) => Err(reason.to_string()),
            None => http,
        };
        let mut secrets = Secrets::default();
        secrets.add(config.secret());
        Client {
            shared: Arc::new(Shared { config, http, secrets }),
            timeout: None,
            retry: None,
            retry_class: None,
            extras: Arc::default(),
            hooks: Arc::new([]),
            capture: None,
        }
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

    /// A clone of this client whose calls are retried as operations of `class`, whatever the
    /// spec makes them: [`RetryClass::Read`] for a call the application knows to be safe to
    /// repeat, [`RetryClass::Acting`] to never resend one after an ambiguous failure. An
    /// operation without an idempotency key treated as [`RetryClass::Keyed`] is retried like
    /// a read, since there is no key to send.
    ///
    /// ```no_run
    /// use plaid_sdk::{Client, Config, ItemRemoveRequest, RetryClass};
    ///
    /// # async fn run(client: Client) -> Result<(), plaid_sdk::Error> {
    /// // Removing an Item twice is harmless here: retry it as a read.
    /// client.with_retry_class(RetryClass::Read).item_remove(ItemRemoveRequest::new("access-token")).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_retry_class(&self, class: RetryClass) -> Self {
        Client { retry_class: Some(class), ..self.clone() }
    }

    /// A clone of this client whose calls also send the header `name: value`: a header Plaid
    /// documents after the spec was cut, or one of the application's (a trace id). Added to
    /// each attempt, after the operation's own header parameters, replacing one of the same
    /// name.
    ///
    /// A credential header (`PLAID-SECRET`, ...) or one the client sets for every request
    /// (`Content-Type`, `Host`, ...) cannot be replaced this way, nor can an invalid name or
    /// value be sent: each call of the clone then fails with [`Error::Config`], naming the
    /// header and never the value, before anything is sent. The value is marked sensitive and
    /// never shown by `Debug`.
    ///
    /// ```no_run
    /// use plaid_sdk::{AccountsGetRequest, Client};
    ///
    /// # async fn run(client: Client) -> Result<(), plaid_sdk::Error> {
    /// let traced = client.with_header("X-Request-Trace", "checkout-42");
    /// traced.accounts_get(AccountsGetRequest::new("access-token")).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_header(&self, name: &str, value: &str) -> Self {
        self.with_extras(|extras| extras.add_header(name, value))
    }

    /// A clone of this client whose calls also send the query parameter `name=value`
    /// (percent-encoded), after the operation's own.
    pub fn with_query(&self, name: &str, value: &str) -> Self {
        self.with_extras(|extras| extras.add_query(name, value))
    }

    /// A clone of this client whose calls' JSON bodies also carry the top-level field `name`
    /// with `value`: a field Plaid added after the spec was cut, sent before the maintainer
    /// regenerates. It replaces a field of the same name that the typed request has; a call
    /// without a body gets a JSON object with the extra fields. A body field that carries a
    /// credential (`client_id`, `secret`) cannot be replaced this way: the call fails with
    /// [`Error::Config`]. Sensitive names (`access_token`, ...) are kept out of errors and logs
    /// as in the typed body.
    ///
    /// (The generated request types keep unknown properties too, so a value read from one
    /// answer and sent back keeps the fields this crate does not know.)
    pub fn with_body_field(&self, name: &str, value: impl Serialize) -> Self {
        let value = serde_json::to_value(value);
        self.with_extras(|extras| extras.add_body_field(name, value))
    }

    fn with_extras(&self, add: impl FnOnce(&mut Extras)) -> Self {
        let mut extras = self.extras.clone();
        add(Arc::make_mut(&mut extras));
        Client { extras, ..self.clone() }
    }

    /// Runs an operation whose success body is JSON of type `R`. (Unused only when no group's
    /// feature is on.)
    #[allow(dead_code)]
    pub(crate) async fn execute<B: Serialize + ?Sized, R: DeserializeOwned + Send + 'static>(
        &self,
        op: &'static Operation,
        parts: Parts,
        body: Option<&B>,
    ) -> Result<R, Error> {
        self.call(op, parts, body, "application/json", Answer::json).await
    }

    /// Runs an operation some of whose success answers have a JSON body of type `R` and others
    /// none (`204 No Content`): `None` for an answer without a body.
    #[allow(dead_code)]
    pub(crate) async fn execute_optional<B: Serialize + ?Sized, R: DeserializeOwned + Send + 'static>(
        &self,
        op: &'static Operation,
        parts: Parts,
        body: Option<&B>,
    ) -> Result<Option<R>, Error> {
        self.call(op, parts, body, "application/json", |answer| if answer.is_empty() { Ok(None) } else { answer.json().map(Some) }).await
    }

    /// Runs an operation whose success body is not JSON (a PDF, a ZIP).
    #[allow(dead_code)]
    pub(crate) async fn execute_bytes<B: Serialize + ?Sized>(&self, op: &'static Operation, parts: Parts, body: Option<&B>) -> Result<Vec<u8>, Error> {
        self.call(op, parts, body, "*/*", Answer::bytes).await
    }

    /// Runs an operation whose success response has no body.
    #[allow(dead_code)]
    pub(crate) async fn execute_empty<B: Serialize + ?Sized>(&self, op: &'static Operation, parts: Parts, body: Option<&B>) -> Result<(), Error> {
        self.call(op, parts, body, "*/*", |_| Ok(())).await
    }

    /// Sends the request until it succeeds or the retry policy gives up (a non-2xx answer
    /// becomes an error here), then turns the success answer into the result with `decode`,
    /// all within the call's tracing span.
    async fn call<B, T, D>(&self, op: &'static Operation, parts: Parts, body: Option<&B>, accept: &'static str, decode: D) -> Result<T, Error>
    where
        B: Serialize + ?Sized,
        T: Send + 'static,
        D: FnOnce(Answer) -> Result<T, Error> + Send + 'static,
    {
        // Only encoding and decoding depend on the operation's types; everything between is
        // one non-generic path, compiled once for all operations.
        let started = Instant::now();
        let body = body.map(|b| serde_json::to_vec(b).map_err(|e| Error::Encode { operation: op.name, message: e.to_string() }));
        let route = if op.path.is_empty() { std::borrow::Cow::Owned(parts.route().to_string()) } else { std::borrow::Cow::Borrowed(op.path) };
        let (answer, span) = self.send(op, parts, &route, body.transpose(), accept).await;
        let want_id = !span.is_disabled() || !self.hooks.is_empty();
        let result = match answer {
            Ok(answer) => {
                self.keep_exchange(&answer, started);
                let decoded = answer::off_runtime(answer, move |answer| {
                    let seen = Seen { status: Some(answer.status), attempts: answer.attempts, request_id: want_id.then(|| answer.request_id()).flatten() };
                    decode(answer).map(|value| (value, seen))
                });
                decoded.instrument(span.clone()).await
            }
            Err(e) => Err(e),
        };
        let (seen, error) = match &result {
            Ok((_, seen)) => (seen.clone(), None),
            Err(e) => (Seen { status: e.status(), attempts: e.attempts(), request_id: e.request_id().map(str::to_string) }, Some(e)),
        };
        let outcome = CallOutcome { operation: op, path: &route, status: seen.status, attempts: seen.attempts, elapsed: started.elapsed(), request_id: seen.request_id.as_deref(), error };
        self.hooks.iter().for_each(|hook| hook.after_call(&outcome));
        finish_span(&span, seen, error);
        result.map(|(value, _)| value)
    }

    /// Keeps the answer's exchange for [`Client::raw`], when this client was made by it.
    fn keep_exchange(&self, answer: &Answer, started: Instant) {
        let Some(capture) = &self.capture else { return };
        let exchange = Exchange { status: answer.status, headers: answer.headers.clone(), attempts: answer.attempts, elapsed: started.elapsed(), body: answer.body.clone() };
        *capture.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(exchange);
    }

    /// Everything between encoding the body and decoding the answer: the parameters, the
    /// secrets of the call, its tracing span, and the attempts.
    async fn send(&self, op: &'static Operation, parts: Parts, route: &str, body: Result<Option<Vec<u8>>, Error>, accept: &'static str) -> (Result<Answer, Error>, tracing::Span) {
        let span = tracing::info_span!(
            "plaid.call",
            operation = op.id,
            method = op.method,
            path = route,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        // A parameter or a body that cannot be sent fails the call before anything goes out.
        let extras = &*self.extras;
        let prepared = extras.check(op).and_then(|()| parts.finish()).and_then(|mut target| {
            let body = extras.with_body(op, body?)?;
            target.path_and_query = extras.with_query(std::mem::take(&mut target.path_and_query));
            Ok((target, body.map(|b| self.with_body_credentials(op, b))))
        });
        let (mut target, body) = match prepared {
            Ok(prepared) => prepared,
            Err(e) => return (Err(e), span),
        };
        let (body, key) = match (body, op.idempotency_key) {
            (Some(body), Some(field)) => {
                let (body, key) = with_idempotency_key(body, field);
                (Some(body), key)
            }
            (body, _) => (body, None),
        };
        // What this call must never show: the configured secret, and the values of the
        // request's sensitive parameters and body fields.
        let mut secrets = self.shared.secrets.clone();
        secrets.extend(&target.secrets);
        if let Some(body) = &body {
            secrets.add_from_body(body);
        }
        extras.secrets_into(&mut secrets);
        // The application's headers (extras, then what hooks set) after the operation's
        // parameters, so they replace one of the same name. Their values are the
        // application's, maybe credentials of its own: scrubbed like the call's secrets.
        let mut app_headers = extras.headers.clone();
        if !self.hooks.is_empty() {
            let mut request = HookRequest::new(op, route, &mut app_headers, body.as_deref(), &secrets);
            self.hooks.iter().for_each(|hook| hook.before_send(&mut request));
        }
        for (_, value) in &app_headers {
            if let Ok(text) = value.to_str() {
                secrets.add(text);
            }
        }
        target.headers.extend(app_headers);
        let class = self.retry_class.unwrap_or(op.retry);
        let answer = self.attempts(op, class, &target, body, accept, &secrets).instrument(span.clone()).await;
        let answer = answer.map_err(|(mut error, failure)| {
            if let Some(effect) = error.effect_mut() {
                // A read has no effect to reconcile; whatever else failed after the request
                // went out may have acted.
                effect.may_have_been_processed = failure.is_some_and(Failure::is_ambiguous) && class != RetryClass::Read;
                effect.idempotency_key = key;
            }
            error
        });
        (answer, span)
    }

    /// The body with the credentials its schema requires written in (the request types leave
    /// them out: the headers carry them too).
    fn with_body_credentials(&self, op: &'static Operation, body: Vec<u8>) -> Vec<u8> {
        if !op.body_credentials.iter().any(|c| c.written) || !body.starts_with(b"{") {
            return body;
        }
        let mut fields = String::new();
        for c in op.body_credentials.iter().filter(|c| c.written) {
            let (name, (value, _)) = (c.name, self.shared.config.credential(c.credential));
            let pair = serde_json::to_string(name).and_then(|k| serde_json::to_string(value).map(|v| format!("{k}:{v}")));
            if let Ok(pair) = pair {
                fields.push_str(&pair);
                fields.push(',');
            }
        }
        let rest = &body[1..];
        // `{}` takes the fields without the trailing comma.
        if rest.iter().all(|b| b.is_ascii_whitespace() || *b == b'}') {
            fields.pop();
        }
        let mut out = Vec::with_capacity(body.len() + fields.len());
        out.push(b'{');
        out.extend_from_slice(fields.as_bytes());
        out.extend_from_slice(rest);
        out
    }

    /// The attempts of one call, as its retry class allows; a failure comes with what it said
    /// about the server having acted (`None` when nothing was sent).
    async fn attempts(
        &self,
        op: &'static Operation,
        class: RetryClass,
        target: &Target,
        body: Option<Vec<u8>>,
        accept: &'static str,
        secrets: &Secrets,
    ) -> Result<Answer, (Error, Option<Failure>)> {
        let shared = &*self.shared;
        let http = shared.http.as_ref().map_err(|message| (Error::Config { message: message.clone() }, None))?;
        let retry = self.retry.as_ref().unwrap_or(shared.config.retry());
        let timeout = self.timeout.unwrap_or(shared.config.timeout());
        let max_bytes = shared.config.max_response_bytes();
        let url = format!("{}{}", shared.config.base_url(), target.path_and_query);
        let method = reqwest::Method::from_bytes(op.method.as_bytes())
            .map_err(|_| (Error::Config { message: format!("{}: unsupported HTTP method `{}`", op.name, op.method) }, None))?;
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt = attempt.saturating_add(1);
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
                Ok(response) => Answer::read(op, response, attempt, max_bytes, secrets).await,
                Err(e) => Err(TransportError::new(op.name, attempt, e)),
            };
            let (error, failure, retry_after) = match outcome {
                Ok(answer) if (200..300).contains(&answer.status) => return Ok(answer),
                Ok(answer) => {
                    let (retry_after, oversized) = (answer.retry_after, answer.cut_at.is_some());
                    let error = answer.into_error();
                    let status = error.status().unwrap_or_default();
                    let failure = match &error {
                        // An answer over the size limit is not worth fetching again.
                        _ if oversized => Failure::Final,
                        Error::Api(e) => classify_answer(status, Some((e.error_type_str(), e.error_code()))),
                        _ => classify_answer(status, None),
                    };
                    (error, failure, retry_after)
                }
                Err(transport) => {
                    let failure = match transport.kind {
                        // Nothing reached the server.
                        crate::TransportErrorKind::Connect => Failure::NotProcessed,
                        crate::TransportErrorKind::Timeout => Failure::TimedOut,
                        crate::TransportErrorKind::Io => Failure::Ambiguous,
                    };
                    (Error::Transport(Box::new(transport)), failure, None)
                }
            };
            if !failure.retried(class, retry) {
                return Err((error, Some(failure)));
            }
            match retry.next_wait(attempt - 1, started.elapsed(), retry_after) {
                Some(wait) => {
                    let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
                    tracing::debug!(attempt, wait_ms, class = class.as_str(), error = %error.brief(), "retrying");
                    tokio::time::sleep(wait).await;
                }
                None => return Err((error, Some(failure))),
            }
        }
    }
}

/// The body with its idempotency key: the caller's when the body has a non-empty one, or a
/// fresh key written in; and the key.
fn with_idempotency_key(body: Vec<u8>, field: crate::IdempotencyKeyField) -> (Vec<u8>, Option<String>) {
    let Ok(serde_json::Value::Object(mut map)) = serde_json::from_slice::<serde_json::Value>(&body) else { return (body, None) };
    if let Some(serde_json::Value::String(key)) = map.get(field.name).filter(|v| v.as_str().is_some_and(|k| !k.is_empty())) {
        let key = key.clone();
        return (body, Some(key));
    }
    let key = crate::retry::fresh_key(field.min_length, field.max_length);
    map.insert(field.name.to_string(), serde_json::Value::String(key.clone()));
    match serde_json::to_vec(&map) {
        Ok(body) => (body, Some(key)),
        Err(_) => (body, None),
    }
}

/// What a call's span records when it ends.
#[derive(Clone)]
struct Seen {
    status: Option<u16>,
    attempts: u32,
    request_id: Option<String>,
}

/// Records the outcome on the call's span and logs it (the error in its brief form: no body).
fn finish_span(span: &tracing::Span, seen: Seen, error: Option<&Error>) {
    if let Some(status) = seen.status {
        span.record("status", status);
    }
    span.record("attempts", seen.attempts);
    if let Some(id) = &seen.request_id {
        span.record("request_id", id.as_str());
    }
    span.in_scope(|| match error {
        None => tracing::debug!("call succeeded"),
        Some(e) => tracing::debug!(error = %e.brief(), "call failed"),
    });
}

fn build_http(config: &Config) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config()?)
        .connect_timeout(config.connect_timeout())
        // Plaid never redirects API calls, and following one would resend `PLAID-SECRET` to
        // wherever it points (reqwest strips only the standard credential headers): a 3xx
        // answer is returned as an error instead.
        .redirect(reqwest::redirect::Policy::none())
        // Idle connections beyond this many per host are closed: a burst of concurrent calls
        // must not leave as many sockets open.
        .pool_max_idle_per_host(config.max_idle_connections_per_host())
        .user_agent(concat!("plaid-sdk-rust/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {e}"))
}

/// TLS through rustls with aws-lc-rs's cryptography (its default provider: the hybrid
/// post-quantum X25519MLKEM768 key exchange offered first, classical groups after it) and
/// Mozilla's root certificates (the `webpki-roots` crate): no OpenSSL, and the same roots on
/// every machine. The provider is passed in rather than installed process-wide, so an
/// application's own choice of default provider is left alone.
fn tls_config() -> Result<rustls::ClientConfig, String> {
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

/// The headers every call carries: the security schemes of the specs.
fn auth_headers(config: &Config) -> Result<HeaderMap, String> {
    let mut headers = HeaderMap::new();
    for (name, credential) in crate::AUTH_HEADERS {
        let (value, sensitive) = config.credential(*credential);
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
    /// The key exchange offered first is the post-quantum hybrid, the reason for the provider.
    #[test]
    fn tls_offers_post_quantum_key_exchange_first() {
        let config = super::tls_config().expect("the TLS config builds");
        let groups: Vec<_> = config.crypto_provider().kx_groups.iter().map(|g| g.name()).collect();
        assert_eq!(groups.first(), Some(&rustls::NamedGroup::X25519MLKEM768), "{groups:?}");
        assert!(groups.contains(&rustls::NamedGroup::X25519), "classical groups stay for servers without ML-KEM: {groups:?}");
    }
}
