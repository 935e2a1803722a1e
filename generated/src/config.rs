//! Client configuration: where to send requests and with which credentials.

use std::fmt;

/// Where the client sends requests and the credentials it sends.
///
/// `Debug` never shows the secret and shows at most the first four characters of the client ID,
/// so a configuration can be logged safely.
///
/// ```
/// let config = plaid_sdk::Config::sandbox("client-id", "secret");
/// assert!(!format!("{config:?}").contains("secret\""));
/// ```
#[derive(Clone)]
pub struct Config {
    base_url: String,
    client_id: String,
    secret: String,
}

impl Config {
    /// A configuration for the server the specs call `name` (`Sandbox`, `Development`,
    /// `Production`), or `None` if the specs list no such server.
    pub fn for_server(name: &str, client_id: impl Into<String>, secret: impl Into<String>) -> Option<Self> {
        let url = crate::SERVERS.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, url)| *url)?;
        Some(Self::with_base_url(url, client_id, secret))
    }

    /// The Sandbox environment.
    pub fn sandbox(client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self::with_base_url("https://sandbox.plaid.com", client_id, secret)
    }

    /// The Production environment.
    pub fn production(client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self::with_base_url("https://production.plaid.com", client_id, secret)
    }

    /// Any base URL, for proxies and tests.
    pub fn with_base_url(base_url: impl Into<String>, client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Config { base_url: base_url.into(), client_id: client_id.into(), secret: secret.into() }
    }

    /// The base URL requests go to.
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
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: String = self.client_id.chars().take(4).collect();
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("client_id", &format_args!("{shown}…"))
            .field("secret", &format_args!("<redacted>"))
            .finish()
    }
}
