//! Webhook verification on hostile tokens and hostile key answers.
//!
//! Input: NUL-separated `flags`, `header`, `claims`, `key answer`, `body`. With flag bit 0 the
//! harness signs `header.claims` with its own P-256 key (so the fuzzer reaches what comes after
//! the signature); without it the header part is the whole token, as text. Bit 1 serves the
//! harness's real key as Plaid's key answer (kid `fuzz-kid`); otherwise the key answer is the
//! input's bytes. Bit 2 replaces the claims with a fresh `iat` and the body's true hash.
//!
//! Oracle: nothing panics, no error shows the configured secret unless the token itself holds
//! it (a key answer that echoes it is scrubbed), and a token verifies only
//! when the harness signed it and the key answer carried the harness's key.

#![no_main]

use std::sync::OnceLock;
use std::time::Duration;

use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use libfuzzer_sys::fuzz_target;
use plaid::webhooks::WebhookVerifier;
use plaid::{Client, Config, RetryPolicy};
use sdk_fuzz::{answer, parts, runtime, server, SECRET};

struct Key {
    pair: EcdsaKeyPair,
    /// The x coordinate, base64url: a key answer that verifies must carry it.
    x: String,
    /// The key as Plaid's key operation answers it.
    answer: Vec<u8>,
}

fn key() -> &'static Key {
    static KEY: OnceLock<Key> = OnceLock::new();
    KEY.get_or_init(|| {
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).expect("a P-256 key");
        let point = pair.public_key().as_ref().to_vec();
        let (x, y) = (URL_SAFE_NO_PAD.encode(&point[1..33]), URL_SAFE_NO_PAD.encode(&point[33..65]));
        let answer = serde_json::json!({
            "key": {"alg": "ES256", "crv": "P-256", "kid": "fuzz-kid", "kty": "EC", "use": "sig", "x": x, "y": y, "created_at": 1, "expired_at": null},
            "request_id": "fuzz"
        });
        Key { pair, x, answer: answer.to_string().into_bytes() }
    })
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fuzz_target!(|data: &[u8]| {
    let p = parts(data, 5);
    let flags = p[0].first().copied().unwrap_or(0);
    let (header, claims, key_answer, body) = (p[1], p[2], p[3], p[4]);
    let key = key();
    let claims = if flags & 4 != 0 {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body);
        format!(r#"{{"iat":{},"request_body_sha256":"{}"}}"#, now(), hex(digest.as_ref())).into_bytes()
    } else {
        claims.to_vec()
    };
    let signed = flags & 1 != 0;
    let token = if signed {
        let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(&claims));
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let signature = key.pair.sign(&rng, input.as_bytes()).expect("signed");
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref()))
    } else {
        String::from_utf8_lossy(header).into_owned()
    };
    let served: &[u8] = if flags & 2 != 0 { &key.answer } else { key_answer };
    let status = if flags & 8 != 0 { 400 } else { 200 };
    answer(status, "application/json", served);
    let config = Config::with_base_url(server(), "client-id", SECRET).expect("a loopback URL").with_timeout(Duration::from_secs(5));
    let client = Client::new(config).with_retry(RetryPolicy::none());
    // A fresh verifier each time: no key cached from another input.
    let verifier = WebhookVerifier::new(client);
    let result = runtime().block_on(verifier.verify(&token, body));
    match result {
        Ok(_) => {
            let carried_key = String::from_utf8_lossy(served).contains(&key.x);
            assert!(signed && carried_key, "a token verified that the harness did not sign with the served key");
        }
        Err(e) => {
            // The token is the caller's own text: an error may quote it. The secret must not
            // come from anywhere else (a key answer that echoes the key fetch's headers).
            let token_text = [header, &claims, body].iter().any(|part| String::from_utf8_lossy(part).contains(SECRET));
            let shown = format!("{e} {e:?}");
            assert!(token_text || !shown.contains(SECRET), "an error shows the secret: {shown}");
        }
    }
});
