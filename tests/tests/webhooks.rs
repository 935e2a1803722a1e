//! `WebhookVerifier` against a loopback key server, with P-256 keys made here and tokens signed
//! here: every check Plaid documents, key rotation and expiry, one fetch for a cold burst, and
//! errors that never carry the body or the token.

#[path = "common/loopback.rs"]
mod loopback;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64ct::{Base64UrlUnpadded, Encoding};
use loopback::{Loopback, Reply};
use hmac::{Hmac, KeyInit, Mac};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use plaid_sdk::webhooks::{Webhook, WebhookError, WebhookVerifier};
use plaid_sdk::{Client, Config};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const BODY: &[u8] = br#"{"webhook_type":"ITEM","webhook_code":"LOGIN_REPAIRED","item_id":"item-7","environment":"sandbox"}"#;

/// A key made from a fixed seed (any 32 bytes below the curve order are a valid key).
fn key(seed: u8) -> SigningKey {
    SigningKey::from_slice(&[seed; 32]).expect("a valid scalar")
}

fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// The key as `/webhook_verification_key/get` answers it.
fn jwk(key: &SigningKey, kid: &str, expired_at: Option<i64>) -> Value {
    // The uncompressed SEC1 point: `04 || x || y`.
    let point = key.verifying_key().to_sec1_point(false);
    let bytes = point.as_bytes();
    let (x, y) = (&bytes[1..33], &bytes[33..65]);
    json!({
        "alg": "ES256", "crv": "P-256", "kid": kid, "kty": "EC", "use": "sig",
        "x": b64(x), "y": b64(y), "created_at": 1_700_000_000, "expired_at": expired_at,
    })
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}

fn sha256_hex(body: &[u8]) -> String {
    Sha256::digest(body).iter().map(|b| format!("{b:02x}")).collect()
}

/// `header.claims` for a token over `body`.
fn signing_input(header: &Value, iat: i64, body: &[u8]) -> String {
    let claims = json!({ "iat": iat, "request_body_sha256": sha256_hex(body) });
    format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()))
}

/// A token as Plaid makes it: ES256 over the body's SHA-256 and `iat`.
fn token(key: &SigningKey, kid: &str, iat: i64, body: &[u8]) -> String {
    let input = signing_input(&json!({ "alg": "ES256", "kid": kid, "typ": "JWT" }), iat, body);
    let signature: Signature = key.sign(input.as_bytes());
    format!("{input}.{}", b64(&signature.to_bytes()))
}

/// The keys the server knows, by kid.
type Keys = Arc<Mutex<HashMap<String, Value>>>;

/// A key server that answers `/webhook_verification_key/get` from `keys` (a Plaid error for an
/// unknown kid), slowly enough that concurrent callers overlap.
fn key_server(keys: &Keys) -> Loopback {
    let keys = keys.clone();
    Loopback::start(Duration::from_secs(20), move |request, _| {
        let asked: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let kid = asked["key_id"].as_str().unwrap_or_default().to_string();
        assert!(request.head.starts_with("POST /webhook_verification_key/get "), "{}", request.head);
        let known = keys.lock().map(|k| k.get(&kid).cloned()).unwrap_or_default();
        match known {
            Some(key) => Reply::json(200, &json!({ "key": key, "request_id": "req-1" })),
            None => Reply::json(
                400,
                &json!({ "error_type": "INVALID_INPUT", "error_code": "INVALID_WEBHOOK_VERIFICATION_KEY_ID", "error_message": "no such key", "display_message": null, "request_id": "req-2" }),
            ),
        }
        .delayed(Duration::from_millis(50))
    })
}

fn verifier(server: &Loopback) -> WebhookVerifier {
    let config = Config::with_base_url(&server.url, "client-id", "secret-value-123").expect("loopback http").with_timeout(Duration::from_secs(5));
    WebhookVerifier::new(Client::new(config))
}

fn keys_with(entries: &[(&str, Value)]) -> Keys {
    Arc::new(Mutex::new(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()))
}

/// The error's text and `Debug` hold neither the body nor the token.
fn assert_quiet(error: &WebhookError, token: &str, body: &[u8]) {
    let text = format!("{error} {error:?}");
    let signature = token.rsplit('.').next().unwrap_or_default();
    assert!(!text.contains(signature), "the token leaked: {text}");
    assert!(!text.contains("item-7") && !text.contains(&String::from_utf8_lossy(body).to_string()), "the body leaked: {text}");
}

#[tokio::test]
async fn a_valid_webhook_verifies_and_decodes_to_its_variant() {
    let signer = key(1);
    let keys = keys_with(&[("k1", jwk(&signer, "k1", None))]);
    let server = key_server(&keys);
    let verifier = verifier(&server);
    let webhook = verifier.verify(&token(&signer, "k1", now(), BODY), BODY).await.expect("a valid webhook");
    assert!(matches!(webhook, Webhook::ItemLoginRepaired(ref w) if w.item_id == "item-7"), "{webhook:?}");
    assert_eq!((webhook.webhook_type(), webhook.webhook_code()), ("ITEM", "LOGIN_REPAIRED"));
    // The key is cached: a second webhook costs no fetch.
    verifier.verify(&token(&signer, "k1", now(), BODY), BODY).await.expect("a valid webhook");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_body_changed_by_one_byte_is_rejected() {
    let signer = key(1);
    let server = key_server(&keys_with(&[("k1", jwk(&signer, "k1", None))]));
    let token = token(&signer, "k1", now(), BODY);
    let mut body = BODY.to_vec();
    let at = body.iter().position(|&b| b == b'7').expect("a digit");
    body[at] = b'8';
    let error = verifier(&server).verify(&token, &body).await.expect_err("a changed body");
    assert!(matches!(error, WebhookError::BodyMismatch), "{error:?}");
    assert_quiet(&error, &token, &body);
}

#[tokio::test]
async fn a_token_issued_six_minutes_ago_is_stale_and_one_from_the_future_too() {
    let signer = key(1);
    let server = key_server(&keys_with(&[("k1", jwk(&signer, "k1", None))]));
    let verifier = verifier(&server);
    let old = token(&signer, "k1", now() - 6 * 60, BODY);
    let error = verifier.verify(&old, BODY).await.expect_err("a stale token");
    assert!(matches!(error, WebhookError::Stale { age_secs, .. } if age_secs >= 359), "{error:?}");
    assert_quiet(&error, &old, BODY);
    let ahead = token(&signer, "k1", now() + 5 * 60, BODY);
    assert!(matches!(verifier.verify(&ahead, BODY).await, Err(WebhookError::IssuedInFuture { .. })));
    // Four and a half minutes is within the default five.
    verifier.verify(&token(&signer, "k1", now() - 270, BODY), BODY).await.expect("a recent token");
    // A shorter window is a setting.
    let strict = WebhookVerifier::new(Client::new(Config::with_base_url(&server.url, "id", "secret-value-123").expect("url"))).with_max_age(Duration::from_secs(60));
    assert!(matches!(strict.verify(&token(&signer, "k1", now() - 120, BODY), BODY).await, Err(WebhookError::Stale { .. })));
}

#[tokio::test]
async fn alg_none_is_rejected_before_any_key_is_fetched() {
    let signer = key(1);
    let server = key_server(&keys_with(&[("k1", jwk(&signer, "k1", None))]));
    let input = signing_input(&json!({ "alg": "none", "kid": "k1" }), now(), BODY);
    for token in [format!("{input}."), format!("{input}.{}", b64(b"x"))] {
        let error = verifier(&server).verify(&token, BODY).await.expect_err("alg none");
        assert!(matches!(error, WebhookError::Algorithm(ref alg) if alg == "none"), "{error:?}");
    }
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn hs256_signed_with_the_public_key_is_rejected() {
    let signer = key(1);
    let public = jwk(&signer, "k1", None);
    let server = key_server(&keys_with(&[("k1", public.clone())]));
    let input = signing_input(&json!({ "alg": "HS256", "kid": "k1" }), now(), BODY);
    // The classic confusion attack: the public key, as text, used as the HMAC secret.
    let mut mac = Hmac::<Sha256>::new_from_slice(public.to_string().as_bytes()).expect("any key length");
    mac.update(input.as_bytes());
    let token = format!("{input}.{}", b64(&mac.finalize().into_bytes()));
    let error = verifier(&server).verify(&token, BODY).await.expect_err("HS256");
    assert!(matches!(error, WebhookError::Algorithm(ref alg) if alg == "HS256"), "{error:?}");
    // Claiming ES256 over an HMAC does not verify either.
    let input = signing_input(&json!({ "alg": "ES256", "kid": "k1" }), now(), BODY);
    let mut mac = Hmac::<Sha256>::new_from_slice(public.to_string().as_bytes()).expect("any key length");
    mac.update(input.as_bytes());
    let forged = format!("{input}.{}", b64(&mac.finalize().into_bytes()));
    assert!(matches!(verifier(&server).verify(&forged, BODY).await, Err(WebhookError::Signature | WebhookError::Malformed(_))));
}

#[tokio::test]
async fn a_signature_by_another_key_is_rejected() {
    let server = key_server(&keys_with(&[("k1", jwk(&key(1), "k1", None))]));
    let error = verifier(&server).verify(&token(&key(2), "k1", now(), BODY), BODY).await.expect_err("wrong key");
    assert!(matches!(error, WebhookError::Signature), "{error:?}");
}

#[tokio::test]
async fn an_unknown_kid_fetches_once_and_rotation_to_a_new_key_works() {
    let (old, new) = (key(1), key(3));
    let keys = keys_with(&[("k1", jwk(&old, "k1", None))]);
    let server = key_server(&keys);
    let verifier = verifier(&server);
    verifier.verify(&token(&old, "k1", now(), BODY), BODY).await.expect("the first key");
    // An unknown kid: one fetch, and a forged burst of it costs no more.
    for _ in 0..3 {
        let error = verifier.verify(&token(&new, "k2", now(), BODY), BODY).await.expect_err("unknown kid");
        assert!(matches!(error, WebhookError::UnknownKey { ref kid } if kid == "k2"), "{error:?}");
    }
    assert_eq!(server.requests(), 2);
    // Plaid rotates: a new kid is fetched and verifies, and the old key still works.
    keys.lock().expect("keys").insert("k3".into(), jwk(&new, "k3", None));
    verifier.verify(&token(&new, "k3", now(), BODY), BODY).await.expect("the rotated key");
    verifier.verify(&token(&old, "k1", now(), BODY), BODY).await.expect("the old key, cached");
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn an_expired_key_is_rejected_and_noticed_on_refresh() {
    let signer = key(1);
    let server = key_server(&keys_with(&[("old", jwk(&signer, "old", Some(1_700_000_500)))]));
    let error = verifier(&server).verify(&token(&signer, "old", now(), BODY), BODY).await.expect_err("expired");
    assert!(matches!(error, WebhookError::KeyExpired { ref kid } if kid == "old"), "{error:?}");

    // A cached key that Plaid later expires stops verifying once the cache refreshes it.
    let keys = keys_with(&[("k1", jwk(&signer, "k1", None))]);
    let server = key_server(&keys);
    let verifier = verifier(&server).with_key_refresh(Duration::ZERO);
    verifier.verify(&token(&signer, "k1", now(), BODY), BODY).await.expect("valid");
    keys.lock().expect("keys").insert("k1".into(), jwk(&signer, "k1", Some(now())));
    assert!(matches!(verifier.verify(&token(&signer, "k1", now(), BODY), BODY).await, Err(WebhookError::KeyExpired { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_verifications_with_a_cold_cache_fetch_the_key_once() {
    let signer = key(1);
    let server = key_server(&keys_with(&[("k1", jwk(&signer, "k1", None))]));
    let verifier = Arc::new(verifier(&server));
    let token = Arc::new(token(&signer, "k1", now(), BODY));
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let (verifier, token) = (verifier.clone(), token.clone());
            tokio::spawn(async move { verifier.verify(&token, BODY).await.map(|w| w.is_unknown()) })
        })
        .collect();
    for task in tasks {
        assert!(!task.await.expect("the task").expect("verified"), "decoded as Unknown");
    }
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_key_fetch_plaid_refuses_for_another_reason_is_not_an_unknown_key() {
    let server = Loopback::start(Duration::from_secs(10), |_, _| {
        Reply::json(400, &json!({ "error_type": "INVALID_API_KEYS", "error_code": "INVALID_API_KEYS", "error_message": "bad keys", "display_message": null }))
    });
    let verifier = verifier(&server);
    for _ in 0..2 {
        let error = verifier.verify(&token(&key(1), "k1", now(), BODY), BODY).await.expect_err("refused");
        assert!(matches!(error, WebhookError::KeyFetch(ref e) if e.api().is_some_and(|a| a.error_code() == "INVALID_API_KEYS")), "{error:?}");
        assert!(!format!("{error:?}").contains("secret-value-123"), "{error:?}");
    }
    // Not cached as an unknown key: each verification asks again.
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn malformed_tokens_are_typed_errors() {
    let server = key_server(&keys_with(&[]));
    let verifier = verifier(&server);
    let long = "a".repeat(20_000);
    for bad in ["", "a.b", "a.b.c.d", "!!!.e30.sig", long.as_str()] {
        let error = verifier.verify(bad, BODY).await.expect_err("malformed");
        assert!(matches!(error, WebhookError::Malformed(_)), "{bad:.20}: {error:?}");
    }
    // A header without a kid.
    let input = signing_input(&json!({ "alg": "ES256" }), now(), BODY);
    assert!(matches!(verifier.verify(&format!("{input}.{}", b64(&[0; 64])), BODY).await, Err(WebhookError::Malformed(_))));
    assert_eq!(server.requests(), 0);
}

#[test]
fn parse_keeps_unknown_pairs_and_names_the_path_of_a_bad_body() {
    let new = br#"{"webhook_type":"ITEM","webhook_code":"SOMETHING_NEW","item_id":"i","extra":{"a":1}}"#;
    let webhook = Webhook::parse(new).expect("an unknown pair is not an error");
    assert!(webhook.is_unknown());
    assert_eq!((webhook.webhook_type(), webhook.webhook_code()), ("ITEM", "SOMETHING_NEW"));
    assert_eq!(serde_json::to_value(&webhook).expect("encodes"), serde_json::from_slice::<Value>(new).expect("json"));

    let bad = br#"{"webhook_type":"ITEM","webhook_code":"PENDING_EXPIRATION","item_id":"i","consent_expiration_time":"tok-secret-1","environment":"sandbox"}"#;
    let error = Webhook::parse(bad).expect_err("a bad date");
    let WebhookError::Parse { ref path, ref message } = error else { panic!("{error:?}") };
    assert_eq!(path, "consent_expiration_time");
    assert!(!message.contains("tok-secret-1"), "{message}");

    for not_a_webhook in [&b"[]"[..], b"{\"webhook_type\":\"ITEM\"}", b"{\"webhook_type\":1}", b"not json"] {
        assert!(matches!(Webhook::parse(not_a_webhook), Err(WebhookError::Parse { .. })));
    }
}
