//! Webhooks: verifying that a body comes from Plaid, and decoding it into a typed [`Webhook`].
//!
//! Plaid signs every webhook with a JWT in the `Plaid-Verification` header. [`WebhookVerifier`]
//! checks it the way Plaid documents:
//!
//! 1. the token's header says `alg: ES256` (anything else, `none` and `HS256` included, is
//!    rejected before any key is looked at);
//! 2. the key named by its `kid` comes from `/webhook_verification_key/get`, cached by `kid`;
//!    an unknown `kid` fetches once (concurrent verifications share the fetch), a key with
//!    `expired_at` set is rejected, and cached keys are fetched again after an hour
//!    ([`WebhookVerifier::with_key_refresh`]) so that an expiry is noticed;
//! 3. the ECDSA P-256 signature over the token verifies;
//! 4. `iat` is at most 5 minutes old ([`WebhookVerifier::with_max_age`]), allowing 30 seconds of
//!    clock difference ([`WebhookVerifier::with_clock_skew`]);
//! 5. the SHA-256 of the raw body equals `request_body_sha256`, compared in constant time.
//!
//! Only then is the body decoded ([`Webhook::parse`]). A [`WebhookError`] says which check
//! failed; it never holds the body or the token.
//!
//! ```no_run
//! use plaid_sdk::webhooks::{Webhook, WebhookVerifier};
//! use plaid_sdk::{Client, Config};
//!
//! # async fn handle(headers: &std::collections::HashMap<String, String>, body: &[u8]) {
//! let verifier = WebhookVerifier::new(Client::new(Config::sandbox("client-id", "secret")));
//! let token = headers.get("plaid-verification").map(String::as_str).unwrap_or_default();
//! match verifier.verify(token, body).await {
//!     Ok(webhook) if webhook.is_unknown() => println!("new webhook {}", webhook.webhook_code()),
//!     Ok(webhook) => println!("{} {}", webhook.webhook_type(), webhook.webhook_code()),
//!     Err(e) => eprintln!("rejected: {e}"),
//! }
//! # }
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::{Client, Error, Operation};

pub use crate::gen::webhooks::Webhook;

/// How old a token may be by default: Plaid's documented five minutes.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(5 * 60);
/// How far the two clocks may differ by default.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(30);
/// How long a cached key is used before it is fetched again by default.
pub const DEFAULT_KEY_REFRESH: Duration = Duration::from_secs(60 * 60);
/// A `Plaid-Verification` value longer than this is not one Plaid sent.
const MAX_TOKEN_BYTES: usize = 8 * 1024;
/// A `kid` Plaid returned no key for is not asked about again for this long, so forged
/// tokens cannot make the verifier call Plaid at their rate.
const UNKNOWN_KEY_PAUSE: Duration = Duration::from_secs(60);
/// The most keys (and unknown ids) remembered; past it the unknown ids are forgotten first.
const MAX_CACHED_KEYS: usize = 256;

/// Why a webhook was rejected. It names the check that failed and never holds the body or the
/// token (a `kid` or `alg` from the token is shown shortened to printable characters).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The `Plaid-Verification` value is not a JWT of the expected form.
    #[error("the Plaid-Verification header is not a valid token: {0}")]
    Malformed(&'static str),
    /// The token's algorithm is not ES256.
    #[error("the token's algorithm is `{0}`; only ES256 is accepted")]
    Algorithm(String),
    /// Plaid has no key with the token's `kid`.
    #[error("Plaid has no verification key `{kid}`")]
    UnknownKey {
        /// The token's key id.
        kid: String,
    },
    /// The key has expired (`expired_at` is set).
    #[error("the verification key `{kid}` has expired")]
    KeyExpired {
        /// The token's key id.
        kid: String,
    },
    /// The key Plaid returned cannot verify ES256 tokens.
    #[error("the verification key `{kid}` is unusable: {what}")]
    BadKey {
        /// The token's key id.
        kid: String,
        /// What is wrong with it.
        what: &'static str,
    },
    /// The key could not be fetched: a transport error, an answer that is not Plaid's, or an
    /// API error other than an unknown key id (bad credentials, a rate limit).
    #[error("the verification key could not be fetched: {0}")]
    KeyFetch(#[source] Box<Error>),
    /// This crate was generated from specs without an operation that fetches webhook
    /// verification keys (Plaid's `/webhook_verification_key/get`). The operation needs no
    /// feature: where the specs have it, every build can verify.
    #[error("this client has no /webhook_verification_key/get operation to fetch keys with")]
    NoKeyOperation,
    /// The signature does not verify with the key.
    #[error("the token's signature does not verify")]
    Signature,
    /// The token was issued too long ago.
    #[error("the token was issued {age_secs} s ago; at most {max_secs} s is accepted")]
    Stale {
        /// Its age in whole seconds.
        age_secs: u64,
        /// The age accepted (maximum age plus clock skew).
        max_secs: u64,
    },
    /// The token says it was issued in the future, beyond the clock skew.
    #[error("the token is issued {ahead_secs} s in the future")]
    IssuedInFuture {
        /// How far ahead, in whole seconds.
        ahead_secs: u64,
    },
    /// The body is not the one the token was issued for.
    #[error("the body's SHA-256 does not match the token's request_body_sha256")]
    BodyMismatch,
    /// The body does not decode as the payload its pair names (or is not a JSON object with
    /// `webhook_type` and `webhook_code`).
    #[error("the webhook body does not decode at `{path}`: {message}")]
    Parse {
        /// The JSON path that failed (`.` for the whole body).
        path: String,
        /// What was wrong, with the body's values left out.
        message: String,
    },
}

/// A webhook whose pair this version does not list: its `webhook_type`, `webhook_code` and the
/// whole body, so nothing is lost.
#[derive(Clone, PartialEq)]
pub struct UnknownWebhook {
    webhook_type: String,
    webhook_code: String,
    body: serde_json::Value,
}

impl UnknownWebhook {
    /// The `webhook_type` as sent.
    pub fn webhook_type(&self) -> &str {
        &self.webhook_type
    }

    /// The `webhook_code` as sent.
    pub fn webhook_code(&self) -> &str {
        &self.webhook_code
    }

    /// The whole body as JSON.
    pub fn body(&self) -> &serde_json::Value {
        &self.body
    }

    /// The whole body, taken.
    pub fn into_body(self) -> serde_json::Value {
        self.body
    }
}

/// Shows the body with the redaction rule applied to every key.
impl fmt::Debug for UnknownWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnknownWebhook")
            .field("webhook_type", &self.webhook_type)
            .field("webhook_code", &self.webhook_code)
            .field("body", &crate::redact::Json(&self.body))
            .finish()
    }
}

/// Writes the body as it came.
impl Serialize for UnknownWebhook {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.body.serialize(serializer)
    }
}

/// What the generated dispatch reads first: the pair and which top-level keys the body has.
pub(crate) struct Head {
    webhook_type: String,
    webhook_code: String,
    keys: Vec<String>,
}

impl Head {
    /// Reads the pair and the keys of a body, without decoding the rest.
    pub(crate) fn read(body: &[u8]) -> Result<Head, WebhookError> {
        let head: Head = decode(body)?;
        if head.webhook_type.is_empty() || head.webhook_code.is_empty() {
            let missing = if head.webhook_type.is_empty() { "webhook_type" } else { "webhook_code" };
            return Err(WebhookError::Parse { path: ".".into(), message: format!("`{missing}` is missing or empty") });
        }
        Ok(head)
    }

    pub(crate) fn webhook_type(&self) -> &str {
        &self.webhook_type
    }

    pub(crate) fn webhook_code(&self) -> &str {
        &self.webhook_code
    }

    /// Whether the body has every one of these top-level keys.
    #[allow(dead_code)]
    pub(crate) fn has(&self, keys: &[&str]) -> bool {
        keys.iter().all(|k| self.keys.iter().any(|have| have == k))
    }

    /// Decodes the body as the payload type of its pair.
    #[allow(dead_code)]
    pub(crate) fn decode<T: DeserializeOwned>(&self, body: &[u8]) -> Result<T, WebhookError> {
        decode(body)
    }

    /// The body kept whole, for a pair the specs do not list.
    pub(crate) fn unknown(self, body: &[u8]) -> Result<UnknownWebhook, WebhookError> {
        Ok(UnknownWebhook { webhook_type: self.webhook_type, webhook_code: self.webhook_code, body: decode(body)? })
    }
}

impl<'de> Deserialize<'de> for Head {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct HeadVisitor;
        impl<'de> Visitor<'de> for HeadVisitor {
            type Value = Head;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object with `webhook_type` and `webhook_code`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Head, A::Error> {
                let mut head = Head { webhook_type: String::new(), webhook_code: String::new(), keys: Vec::new() };
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "webhook_type" => head.webhook_type = map.next_value()?,
                        "webhook_code" => head.webhook_code = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                    head.keys.push(key);
                }
                Ok(head)
            }
        }
        deserializer.deserialize_map(HeadVisitor)
    }
}

/// Decodes JSON, naming the path that failed and leaving the body's values out of the message.
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, WebhookError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        WebhookError::Parse { path, message: crate::answer::without_values(&e.inner().to_string()) }
    })?;
    de.end().map_err(|e| WebhookError::Parse { path: ".".into(), message: crate::answer::without_values(&e.to_string()) })?;
    Ok(value)
}

/// The operation the verifier fetches keys with, as the generated code declares it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeySource {
    /// `/webhook_verification_key/get`'s row of the operation table.
    pub(crate) operation: &'static Operation,
    /// The request's JSON field for the key id.
    pub(crate) key_id: &'static str,
    /// The answer's JSON field that holds the key.
    pub(crate) key: &'static str,
}

/// A key as Plaid returns it: a JWK (RFC 7517) with Plaid's `expired_at`.
#[derive(Deserialize)]
struct Jwk {
    kty: String,
    crv: String,
    x: String,
    y: String,
    kid: String,
    alg: Option<String>,
    expired_at: Option<serde_json::Value>,
}

/// A cached answer for one `kid`.
enum Entry {
    Key { key: DecodingKey, fetched: Instant },
    Expired,
    Unknown { since: Instant },
}

/// Verifies webhooks from Plaid and decodes them; see the [module docs](self).
///
/// Make one per application and share it (it is `Send + Sync`): its key cache saves a call to
/// Plaid per webhook.
pub struct WebhookVerifier {
    client: Client,
    max_age: Duration,
    clock_skew: Duration,
    key_refresh: Duration,
    keys: Mutex<HashMap<String, Entry>>,
    /// Held while a key is fetched, so concurrent verifications with a cold cache share one
    /// fetch.
    fetching: tokio::sync::Mutex<()>,
    source: Option<KeySource>,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("client", &self.client)
            .field("max_age", &self.max_age)
            .field("clock_skew", &self.clock_skew)
            .field("key_refresh", &self.key_refresh)
            .finish_non_exhaustive()
    }
}

/// The token's claims.
#[derive(Deserialize)]
struct Claims {
    iat: f64,
    request_body_sha256: String,
}

impl WebhookVerifier {
    /// A verifier that fetches keys with `client` (its configuration's environment and
    /// credentials).
    pub fn new(client: Client) -> Self {
        WebhookVerifier {
            client,
            max_age: DEFAULT_MAX_AGE,
            clock_skew: DEFAULT_CLOCK_SKEW,
            key_refresh: DEFAULT_KEY_REFRESH,
            keys: Mutex::new(HashMap::new()),
            fetching: tokio::sync::Mutex::new(()),
            source: crate::gen::webhooks::KEY_SOURCE,
        }
    }

    /// Accepts tokens issued at most this long ago (default five minutes).
    pub fn with_max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// Allows this much difference between Plaid's clock and this machine's (default 30 s).
    pub fn with_clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    /// Fetches a cached key again after this long, to notice that it expired (default one
    /// hour).
    pub fn with_key_refresh(mut self, refresh: Duration) -> Self {
        self.key_refresh = refresh;
        self
    }

    /// Verifies that `body` (the raw bytes Plaid posted) comes from Plaid, as the
    /// `Plaid-Verification` header's token says, and decodes it.
    pub async fn verify(&self, plaid_verification: &str, body: &[u8]) -> Result<Webhook, WebhookError> {
        let token = plaid_verification.trim();
        if token.len() > MAX_TOKEN_BYTES {
            return Err(WebhookError::Malformed("longer than any token Plaid sends"));
        }
        // The token's form and its signature are jsonwebtoken's to check, on aws-lc-rs (the
        // provider rustls already brings); what is Plaid's is here: the algorithm Plaid signs
        // with, the key fetch and its cache, the token's age and the body's hash.
        ensure_jwt_provider();
        let header = jsonwebtoken::decode_header(token).map_err(header_error)?;
        if header.alg != Algorithm::ES256 {
            return Err(WebhookError::Algorithm(format!("{:?}", header.alg)));
        }
        let kid = header.kid.filter(|k| !k.is_empty() && k.len() <= 256).ok_or(WebhookError::Malformed("no usable `kid` in the header"))?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(Algorithm::ES256);
        // Plaid's tokens carry `iat`, not `exp`: their age is checked below, by Plaid's rule.
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|e| match e.kind() {
            ErrorKind::InvalidSignature | ErrorKind::InvalidEcdsaKey | ErrorKind::InvalidAlgorithm => WebhookError::Signature,
            ErrorKind::Json(_) | ErrorKind::InvalidClaimFormat(_) | ErrorKind::MissingRequiredClaim(_) => {
                WebhookError::Malformed("the claims are not JSON with `iat` and `request_body_sha256`")
            }
            _ => WebhookError::Malformed("not a JWS in compact form"),
        })?.claims;
        self.check_age(claims.iat)?;
        let digest = hex(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body).as_ref());
        let claimed = claims.request_body_sha256.to_ascii_lowercase();
        if aws_lc_rs::constant_time::verify_slices_are_equal(digest.as_bytes(), claimed.as_bytes()).is_err() {
            return Err(WebhookError::BodyMismatch);
        }
        Webhook::parse(body)
    }

    fn check_age(&self, iat: f64) -> Result<(), WebhookError> {
        if !iat.is_finite() {
            return Err(WebhookError::Malformed("`iat` is not a number of seconds"));
        }
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs_f64();
        let skew = self.clock_skew.as_secs_f64();
        if iat - now > skew {
            return Err(WebhookError::IssuedInFuture { ahead_secs: (iat - now) as u64 });
        }
        let limit = self.max_age.saturating_add(self.clock_skew);
        if now - iat > limit.as_secs_f64() {
            return Err(WebhookError::Stale { age_secs: (now - iat) as u64, max_secs: limit.as_secs() });
        }
        Ok(())
    }

    /// The key for `kid`: from the cache, or fetched once for every caller waiting on it.
    async fn key(&self, kid: &str) -> Result<DecodingKey, WebhookError> {
        if let Some(known) = self.cached(kid) {
            return known;
        }
        let _one_fetch = self.fetching.lock().await;
        if let Some(known) = self.cached(kid) {
            return known;
        }
        let stale = match self.lock_keys().get(kid) {
            Some(Entry::Key { key, .. }) => Some(key.clone()),
            _ => None,
        };
        let (entry, result) = match self.fetch(kid).await {
            Ok(Some(key)) => (Some(Entry::Key { key: key.clone(), fetched: Instant::now() }), Ok(key)),
            Ok(None) => (Some(Entry::Expired), Err(WebhookError::KeyExpired { kid: shown(kid) })),
            Err(WebhookError::UnknownKey { kid }) => (Some(Entry::Unknown { since: Instant::now() }), Err(WebhookError::UnknownKey { kid })),
            // Plaid could not be asked; a key that was good an hour ago still is.
            Err(e @ WebhookError::KeyFetch(_)) => match stale {
                Some(key) => {
                    tracing::warn!(error = %e, "plaid webhook key refresh failed; using the cached key");
                    (None, Ok(key))
                }
                None => (None, Err(e)),
            },
            Err(e) => (None, Err(e)),
        };
        if let Some(entry) = entry {
            let mut keys = self.lock_keys();
            if keys.len() >= MAX_CACHED_KEYS {
                keys.retain(|_, e| !matches!(e, Entry::Unknown { .. }));
                if keys.len() >= MAX_CACHED_KEYS {
                    keys.clear();
                }
            }
            keys.insert(kid.to_string(), entry);
        }
        result
    }

    fn lock_keys(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.keys.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// What the cache says of `kid`, if it says anything still current.
    fn cached(&self, kid: &str) -> Option<Result<DecodingKey, WebhookError>> {
        match self.lock_keys().get(kid)? {
            Entry::Key { key, fetched } if fetched.elapsed() < self.key_refresh => Some(Ok(key.clone())),
            Entry::Key { .. } => None,
            Entry::Expired => Some(Err(WebhookError::KeyExpired { kid: shown(kid) })),
            Entry::Unknown { since } if since.elapsed() < UNKNOWN_KEY_PAUSE => Some(Err(WebhookError::UnknownKey { kid: shown(kid) })),
            Entry::Unknown { .. } => None,
        }
    }

    /// Asks Plaid for the key: `Some` key, or `None` when it has expired.
    async fn fetch(&self, kid: &str) -> Result<Option<DecodingKey>, WebhookError> {
        let source = self.source.ok_or(WebhookError::NoKeyOperation)?;
        let mut request = serde_json::Map::new();
        request.insert(source.key_id.to_string(), kid.into());
        let parts = crate::params::Parts::new(source.operation);
        let answer: serde_json::Value = match self.client.execute(source.operation, parts, Some(&request)).await {
            Ok(answer) => answer,
            // Plaid's answer for a key id it does not know; any other API error (bad
            // credentials, rate limits) is reported as it is, and not cached.
            Err(Error::Api(e)) if e.error_type_str() == "INVALID_INPUT" => return Err(WebhookError::UnknownKey { kid: shown(kid) }),
            Err(e) => return Err(WebhookError::KeyFetch(Box::new(e))),
        };
        let bad = |what| WebhookError::BadKey { kid: shown(kid), what };
        let jwk: Jwk = answer.get(source.key).cloned().and_then(|k| serde_json::from_value(k).ok()).ok_or(bad("the answer holds no JWK"))?;
        if jwk.kid != kid {
            return Err(bad("the answer is for another key id"));
        }
        if jwk.expired_at.is_some_and(|at| !at.is_null()) {
            return Ok(None);
        }
        if jwk.kty != "EC" || jwk.crv != "P-256" || jwk.alg.as_deref().is_some_and(|a| a != "ES256") {
            return Err(bad("not an ES256 key on P-256"));
        }
        let coordinate = |c: &str| -> Result<[u8; 32], WebhookError> {
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(c).map_err(|_| bad("a coordinate is not base64url"))?;
            bytes.try_into().map_err(|_| bad("a coordinate is not 32 bytes"))
        };
        let (x, y) = (coordinate(&jwk.x)?, coordinate(&jwk.y)?);
        // The uncompressed SEC1 form of the point: `04 || x || y`.
        let mut point = Vec::with_capacity(65);
        point.push(0x04);
        point.extend_from_slice(&x);
        point.extend_from_slice(&y);
        aws_lc_rs::signature::ParsedPublicKey::new(&aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED, &point).map_err(|_| bad("the point is not on the curve"))?;
        // jsonwebtoken takes an EC public key as this same SEC1 point.
        Ok(Some(DecodingKey::from_ec_der(&point)))
    }
}

/// jsonwebtoken needs a process-wide crypto provider. It picks aws-lc-rs by itself unless a
/// build unifies both of its backends (another dependency asking for `rust_crypto`); then this
/// installs aws-lc-rs's, so that verification never meets the library's panic for a missing
/// provider. An application's own choice, installed first, stands.
fn ensure_jwt_provider() {
    use jsonwebtoken::crypto::CryptoProvider;
    if CryptoProvider::try_get_default().is_none() {
        let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    }
}

/// What a header jsonwebtoken cannot read says: an algorithm it does not know (`none`, named
/// as the token names it), or a token that is not a JWS.
fn header_error(e: jsonwebtoken::errors::Error) -> WebhookError {
    match e.kind() {
        ErrorKind::Json(json) => {
            // serde's message for an unknown `alg` names the variant: `unknown variant `none``.
            let message = json.to_string();
            match message.strip_prefix("unknown variant `").and_then(|rest| rest.split('`').next()) {
                Some(alg) => WebhookError::Algorithm(shown(alg)),
                None => WebhookError::Malformed("the header is not JSON with `alg`"),
            }
        }
        ErrorKind::Base64(_) | ErrorKind::Utf8(_) => WebhookError::Malformed("the header is not base64url"),
        _ => WebhookError::Malformed("not three dot-separated parts"),
    }
}

/// A value from the token, shortened to 64 printable characters for an error message.
fn shown(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).take(64).collect()
}

/// Lower-case hex, as `request_body_sha256` carries a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// Shared across tasks by applications; a change that breaks this must be deliberate.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<WebhookVerifier>();
    shared::<Arc<WebhookVerifier>>();
};
