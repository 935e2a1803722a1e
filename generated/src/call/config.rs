//! Client configuration: where requests go, with which credentials, and how patiently.

use std::fmt;
use std::time::Duration;

use crate::retry::RetryPolicy;
use crate::Error;

/// A Plaid environment listed in the specs' `servers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Environment {
    /// Test data, free of charge: `https://sandbox.plaid.com`.
    Sandbox,
    /// Real data with a limited number of Items: `https://development.plaid.com`.
    Development,
    /// Live data: `https://production.plaid.com`.
    Production,
}

impl Environment {
    /// The name the specs give the server (`Sandbox`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Environment::Sandbox => "Sandbox",
            Environment::Development => "Development",
            Environment::Production => "Production",
        }
    }

    /// The environment's base URL, as the specs list it.
    pub fn base_url(self) -> &'static str {
        // The generated table is the source of truth; the fallback only matters for a crate
        // generated from specs that list no servers.
        crate::SERVERS.iter().find(|(name, _)| *name == self.name()).map(|(_, url)| *url).unwrap_or(match self {
            Environment::Sandbox => "https://sandbox.plaid.com",
            Environment::Development => "https://development.plaid.com",
            Environment::Production => "https://production.plaid.com",
        })
    }
}

/// A value the client sends with every call, in the header the specs' security schemes name
/// ([`AUTH_HEADERS`](crate::AUTH_HEADERS)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credential {
    /// The configured client id.
    ClientId,
    /// The configured secret.
    Secret,
    /// The API version the code was generated for ([`API_VERSION`](crate::API_VERSION)).
    ApiVersion,
}

impl Config {
    /// The value of a credential, and whether it is secret.
    pub(crate) fn credential(&self, credential: Credential) -> (&str, bool) {
        match credential {
            Credential::ClientId => (self.client_id(), false),
            Credential::Secret => (self.secret(), true),
            Credential::ApiVersion => (crate::API_VERSION, false),
        }
    }
}

/// The timeout of one request unless the client or the call says otherwise. Generous because
/// some calls (`/accounts/balance/get`) legitimately take 30 seconds or more.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(90);

/// The largest response body read by default; a larger one is a decode error, so a broken or
/// hostile server cannot make the client buffer without bound.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// How many idle connections per host the client keeps open by default; more are closed as
/// soon as they fall idle.
pub const DEFAULT_MAX_IDLE_CONNECTIONS_PER_HOST: usize = 16;

/// Where the client sends requests, the credentials it sends, and its timeouts and retries.
///
/// `Debug` never shows the secret and shows at most the first four characters of the client
/// ID, so a configuration can be logged safely.
///
/// ```
/// use std::time::Duration;
/// use plaid_sdk::{Config, RetryPolicy};
///
/// let config = Config::sandbox("client-id", "very-secret")
///     .with_timeout(Duration::from_secs(30))
///     .with_retry(RetryPolicy::default().with_max_retries(4));
/// assert!(!format!("{config:?}").contains("very-secret"));
///
/// // Plain http is only for loopback (tests, a local proxy).
/// assert!(Config::with_base_url("http://127.0.0.1:8080", "id", "secret").is_ok());
/// assert!(Config::with_base_url("http://example.com", "id", "secret").is_err());
/// ```
#[derive(Clone)]
pub struct Config {
    base_url: String,
    client_id: String,
    secret: String,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
    max_idle_connections_per_host: usize,
    /// Why [`Config::base_url`] may not be used (see [`Config::new`]).
    refused: Option<String>,
}

impl Config {
    /// A configuration for one of Plaid's environments. Its URL meets the rule of
    /// [`Config::with_base_url`] like any other (regen refuses a spec's server that does not,
    /// so this holds even for a crate generated from a tampered spec); if it did not, every
    /// call of a client made with it would fail with [`Error::Config`] before sending.
    pub fn new(environment: Environment, client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self::listed(environment.base_url(), client_id.into(), secret.into())
    }

    /// The Sandbox environment.
    pub fn sandbox(client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self::new(Environment::Sandbox, client_id, secret)
    }

    /// The Development environment.
    pub fn development(client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self::new(Environment::Development, client_id, secret)
    }

    /// The Production environment.
    pub fn production(client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self::new(Environment::Production, client_id, secret)
    }

    /// A configuration for the server the specs call `name` (`Sandbox`, `Development`,
    /// `Production`, in any case), or `None` if the specs list no such server.
    pub fn for_server(name: &str, client_id: impl Into<String>, secret: impl Into<String>) -> Option<Self> {
        let url = crate::SERVERS.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, url)| *url)?;
        Some(Self::listed(url, client_id.into(), secret.into()))
    }

    /// A configuration for a server the crate lists, checked by the rule every base URL meets.
    fn listed(url: &str, client_id: String, secret: String) -> Self {
        let mut config = Self::unchecked(url.to_string(), client_id, secret);
        config.refused = check_base_url(url).err().map(|e| match e {
            Error::Config { message } => message,
            other => other.to_string(),
        });
        config
    }

    /// Any base URL, for proxies and tests. It must be `https://`, or `http://` on a loopback
    /// host (`localhost`, `127.0.0.0/8`, `::1`), so credentials never cross a network in clear.
    pub fn with_base_url(
        base_url: impl Into<String>,
        client_id: impl Into<String>,
        secret: impl Into<String>,
    ) -> Result<Self, Error> {
        let base_url = base_url.into();
        check_base_url(&base_url)?;
        Ok(Self::unchecked(base_url.trim_end_matches('/').to_string(), client_id.into(), secret.into()))
    }

    pub(crate) fn unchecked(base_url: String, client_id: String, secret: String) -> Self {
        Config {
            base_url,
            client_id,
            secret,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_idle_connections_per_host: DEFAULT_MAX_IDLE_CONNECTIONS_PER_HOST,
            refused: None,
        }
    }

    /// Why the base URL may not be used, when it may not: a client made with this
    /// configuration fails every call with this reason.
    pub(crate) fn refused(&self) -> Option<&str> {
        self.refused.as_deref()
    }

    /// Sets the timeout of each request (one attempt, from connecting to the last body byte).
    /// A call can override it with [`Client::with_timeout`](crate::Client::with_timeout).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the timeout for establishing a connection (TCP and TLS).
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the retry policy; [`RetryPolicy::none`] turns retries off.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the largest response body the client reads. A larger one is not read past the
    /// limit: the call fails with a decode error (2xx) or a status error, never retried.
    /// Non-2xx bodies are read up to [`MAX_ERROR_BODY_BYTES`](crate::MAX_ERROR_BODY_BYTES) at
    /// most.
    pub fn with_max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sets how many idle connections per host are kept for reuse (default
    /// [`DEFAULT_MAX_IDLE_CONNECTIONS_PER_HOST`]); 0 closes each connection after its call.
    pub fn with_max_idle_connections_per_host(mut self, max: usize) -> Self {
        self.max_idle_connections_per_host = max;
        self
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The client ID sent in `PLAID-CLIENT-ID`.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The secret sent in `PLAID-SECRET`. Keep it out of logs.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The per-request timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The connect timeout.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The largest response body the client reads.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }

    /// How many idle connections per host are kept.
    pub fn max_idle_connections_per_host(&self) -> usize {
        self.max_idle_connections_per_host
    }
}

/// Refuses URLs that are not http(s), and plain http anywhere but loopback.
fn check_base_url(url: &str) -> Result<(), Error> {
    let invalid = |why: String| Error::Config { message: format!("base URL `{url}`: {why}") };
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(e.to_string()))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&parsed) => Ok(()),
        "http" => Err(invalid("plain http is only allowed to a loopback host; use https".into())),
        other => Err(invalid(format!("unsupported scheme `{other}`; use https"))),
    }
}

/// Whether the URL's host is this machine (`localhost`, `127.0.0.0/8`, `::1`).
pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or("");
    let ip = host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>();
    host.eq_ignore_ascii_case("localhost") || ip.is_ok_and(|ip| ip.is_loopback())
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("client_id", &crate::redact::Partial(&self.client_id))
            .field("secret", &crate::redact::Redacted)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_idle_connections_per_host", &self.max_idle_connections_per_host)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_server_meets_the_base_url_rule_too() {
        // Regen refuses such a server; the runtime does not rely on it.
        let config = Config::listed("http://evil.example", "id".into(), "secret-value".into());
        assert!(config.refused().is_some_and(|why| why.contains("plain http")), "{config:?}");
        let e = crate::Client::try_new(config.clone()).expect_err("refused");
        assert!(matches!(e, Error::Config { .. }) && !e.to_string().contains("secret-value"), "{e}");
        assert!(Config::listed("https://sandbox.plaid.com", "id".into(), "s".into()).refused().is_none());
        assert!(Config::listed("http://127.0.0.1:4010", "id".into(), "s".into()).refused().is_none());
        for name in ["Sandbox", "Production"] {
            if let Some(config) = Config::for_server(name, "id", "s") {
                assert!(config.refused().is_none(), "{name}");
            }
        }
    }
}
