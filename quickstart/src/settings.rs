//! The environment the backend reads, as Plaid's other quickstart backends read it: a `.env`
//! file in the working folder, with the process environment winning over it.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;

/// The port Plaid's React frontend proxies `/api` to.
pub const DEFAULT_PORT: u16 = 8000;

/// The products Plaid's quickstart enables when `PLAID_PRODUCTS` is not set.
pub const DEFAULT_PRODUCTS: &str = "auth,transactions,signal";

/// Longest `.env` file read: a settings file, never data.
const MAX_DOTENV_BYTES: u64 = 64 * 1024;

/// Where the backend's Plaid calls go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// No `PLAID_CLIENT_ID` and no `PLAID_BASE_URL`: the SDK's mock, started in-process.
    Offline,
    /// `PLAID_BASE_URL`: any Plaid-compatible server (a mock run elsewhere), keys sent as given.
    BaseUrl(String),
    /// `PLAID_ENV` with keys: Plaid itself (`sandbox` or `production`).
    Plaid(String),
}

/// What the backend was told to do. `Debug` leaves the secret out.
#[derive(Clone)]
pub struct Settings {
    /// The address the backend listens on: loopback, port `APP_PORT` (default 8000).
    pub listen: SocketAddr,
    /// Where Plaid calls go.
    pub target: Target,
    /// `PLAID_CLIENT_ID` (empty when not set).
    pub client_id: String,
    /// `PLAID_SECRET` (empty when not set).
    pub secret: String,
    /// `PLAID_PRODUCTS`, split on commas.
    pub products: Vec<String>,
    /// `PLAID_COUNTRY_CODES`, split on commas (default `US`).
    pub country_codes: Vec<String>,
    /// `PLAID_REDIRECT_URI`, for Link's OAuth flow.
    pub redirect_uri: Option<String>,
    /// `SIGNAL_RULESET_KEY`, sent with `/signal/evaluate`.
    pub signal_ruleset_key: Option<String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("target", &self.target)
            .field("client_id", &self.client_id)
            .field("secret", &if self.secret.is_empty() { "" } else { "[redacted]" })
            .field("products", &self.products)
            .field("country_codes", &self.country_codes)
            .field("redirect_uri", &self.redirect_uri)
            .field("signal_ruleset_key", &self.signal_ruleset_key.as_ref().map(|_| "[set]"))
            .finish()
    }
}

impl Settings {
    /// The settings from the process environment over `.env` in the working folder.
    pub fn from_environment() -> Result<Settings, String> {
        let mut vars = read_dotenv(Path::new(".env"))?;
        vars.extend(std::env::vars());
        Settings::from_vars(&vars)
    }

    /// The settings from a map of variables; an unusable value is an error naming it.
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Settings, String> {
        let get = |name: &str| vars.get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let port = match get("APP_PORT") {
            None => DEFAULT_PORT,
            Some(text) => text.parse::<u16>().map_err(|_| format!("APP_PORT must be a port number (0 to 65535), not {text:?}"))?,
        };
        let client_id = get("PLAID_CLIENT_ID").unwrap_or_default();
        let target = match (get("PLAID_BASE_URL"), client_id.is_empty()) {
            (Some(url), _) => Target::BaseUrl(url),
            (None, true) => Target::Offline,
            (None, false) => {
                let env = get("PLAID_ENV").unwrap_or_else(|| "sandbox".into());
                if !matches!(env.as_str(), "sandbox" | "production") {
                    return Err(format!("PLAID_ENV must be `sandbox` or `production`, not {env:?}"));
                }
                Target::Plaid(env)
            }
        };
        let list = |name: &str, default: &str| -> Vec<String> {
            get(name).unwrap_or_else(|| default.into()).split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
        };
        let products = list("PLAID_PRODUCTS", DEFAULT_PRODUCTS);
        if products.is_empty() {
            return Err("PLAID_PRODUCTS names no product".into());
        }
        Ok(Settings {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            target,
            client_id,
            secret: get("PLAID_SECRET").unwrap_or_default(),
            products,
            country_codes: list("PLAID_COUNTRY_CODES", "US"),
            redirect_uri: get("PLAID_REDIRECT_URI"),
            signal_ruleset_key: get("SIGNAL_RULESET_KEY"),
        })
    }

    /// Whether `product` is among `PLAID_PRODUCTS`.
    pub fn has(&self, product: &str) -> bool {
        self.products.iter().any(|p| p == product)
    }

    /// Whether a Plaid Check (consumer report) product is enabled: Link then needs a user token.
    pub fn has_cra(&self) -> bool {
        self.products.iter().any(|p| p.starts_with("cra_"))
    }

    /// Whether the backend may create sandbox Items itself: never against Plaid's production.
    pub fn sandbox_allowed(&self) -> bool {
        self.target != Target::Plaid("production".into())
    }
}

/// The `KEY=VALUE` lines of a `.env` file (none when there is no file): `#` comments, an
/// optional `export `, and values in single or double quotes. A file too large to be a
/// settings file is an error.
pub fn read_dotenv(path: &Path) -> Result<HashMap<String, String>, String> {
    let Ok(meta) = std::fs::metadata(path) else { return Ok(HashMap::new()) };
    if meta.len() > MAX_DOTENV_BYTES {
        return Err(format!("{}: {} bytes, more than a settings file's {MAX_DOTENV_BYTES}", path.display(), meta.len()));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(parse_dotenv(&text))
}

/// The variables of a `.env` text; lines that are not `KEY=VALUE` are skipped.
pub fn parse_dotenv(text: &str) -> HashMap<String, String> {
    let mut vars = HashMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else { continue };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let value = value.trim();
        let value = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or("").to_string(),
            // An unquoted value ends at a comment.
            _ => value.split(" #").next().unwrap_or("").trim().to_string(),
        };
        vars.insert(key.to_string(), value);
    }
    vars
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn no_keys_means_offline_and_the_base_url_wins_over_the_environment() {
        let s = Settings::from_vars(&vars(&[])).expect("defaults");
        assert_eq!(s.target, Target::Offline);
        assert_eq!(s.listen.to_string(), "127.0.0.1:8000");
        assert_eq!(s.products, ["auth", "transactions", "signal"]);
        let s = Settings::from_vars(&vars(&[("PLAID_CLIENT_ID", "id"), ("PLAID_ENV", "production"), ("PLAID_BASE_URL", "http://127.0.0.1:4010")])).expect("url");
        assert_eq!(s.target, Target::BaseUrl("http://127.0.0.1:4010".into()));
        let s = Settings::from_vars(&vars(&[("PLAID_CLIENT_ID", "id"), ("PLAID_SECRET", "shh"), ("APP_PORT", "9001")])).expect("sandbox");
        assert_eq!(s.target, Target::Plaid("sandbox".into()));
        assert_eq!(s.listen.port(), 9001);
        assert!(!format!("{s:?}").contains("shh"));
    }

    #[test]
    fn unusable_values_are_named() {
        let e = Settings::from_vars(&vars(&[("APP_PORT", "eighty")])).expect_err("port");
        assert!(e.contains("APP_PORT"), "{e}");
        let e = Settings::from_vars(&vars(&[("PLAID_CLIENT_ID", "id"), ("PLAID_ENV", "staging")])).expect_err("env");
        assert!(e.contains("PLAID_ENV"), "{e}");
        let e = Settings::from_vars(&vars(&[("PLAID_PRODUCTS", " , ")])).expect_err("products");
        assert!(e.contains("PLAID_PRODUCTS"), "{e}");
    }

    #[test]
    fn dotenv_lines() {
        let v = parse_dotenv("# keys\nPLAID_CLIENT_ID=abc\nexport PLAID_SECRET=\"s e\"\nPLAID_ENV=sandbox # comment\nnot a line\nX='q'\n");
        assert_eq!(v["PLAID_CLIENT_ID"], "abc");
        assert_eq!(v["PLAID_SECRET"], "s e");
        assert_eq!(v["PLAID_ENV"], "sandbox");
        assert_eq!(v["X"], "q");
        assert_eq!(v.len(), 4);
    }
}
