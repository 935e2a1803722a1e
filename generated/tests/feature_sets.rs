//! `WebhookVerifier` works in every feature set it compiles in: it fetches Plaid's key with an
//! operation of its own, not with a group's method. CI runs this file with
//! `--no-default-features --features webhooks` and with one group plus `webhooks`, so that no
//! other feature (from the workspace or a dev-dependency) can hide a missing one. It uses only
//! the crate's own dependencies: the key server is a thread on loopback that stops by itself.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64ct::{Base64UrlUnpadded, Encoding};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use plaid_sdk::webhooks::WebhookVerifier;
use plaid_sdk::{Client, Config};
use serde_json::json;
use sha2::{Digest, Sha256};

const BODY: &[u8] = br#"{"webhook_type":"ITEM","webhook_code":"LOGIN_REPAIRED","item_id":"item-7","environment":"sandbox"}"#;

fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// Serves `answer` to every connection for at most `lifetime`, then stops; returns the base URL.
fn key_server(answer: String, lifetime: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    listener.set_nonblocking(true).expect("non-blocking");
    std::thread::spawn(move || {
        let deadline = Instant::now() + lifetime;
        while Instant::now() < deadline {
            let Ok((mut stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            let _ = stream.set_nonblocking(false);
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            // The head, then the body its Content-Length announces.
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse::<usize>().ok()).unwrap_or(0);
                    if request.len() >= end + 4 + length {
                        break;
                    }
                }
            }
            let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", answer.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    url
}

#[tokio::test]
async fn a_genuine_signed_webhook_verifies_with_the_features_of_this_build() {
    let signer = SigningKey::from_slice(&[7; 32]).expect("a valid scalar");
    let point = signer.verifying_key().to_sec1_point(false);
    let bytes = point.as_bytes();
    let jwk = json!({
        "alg": "ES256", "crv": "P-256", "kid": "k1", "kty": "EC", "use": "sig",
        "x": b64(&bytes[1..33]), "y": b64(&bytes[33..65]), "created_at": 1_700_000_000, "expired_at": null,
    });
    let url = key_server(json!({ "key": jwk, "request_id": "req-1" }).to_string(), Duration::from_secs(20));

    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let digest: String = Sha256::digest(BODY).iter().map(|b| format!("{b:02x}")).collect();
    let header = json!({ "alg": "ES256", "kid": "k1", "typ": "JWT" });
    let claims = json!({ "iat": now, "request_body_sha256": digest });
    let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
    let signature: Signature = signer.sign(input.as_bytes());
    let token = format!("{input}.{}", b64(&signature.to_bytes()));

    let config = Config::with_base_url(&url, "client-id", "secret-value-123").expect("loopback http").with_timeout(Duration::from_secs(5));
    let verifier = WebhookVerifier::new(Client::new(config));
    let webhook = verifier.verify(&token, BODY).await.expect("a genuine webhook verifies in every build");
    // The payload's own variant where the build has its type, else `Unknown` with the body.
    assert_eq!(webhook.webhook_type(), "ITEM", "{webhook:?}");
    // A forged body still fails, whatever the features.
    assert!(verifier.verify(&token, br#"{"webhook_type":"ITEM","webhook_code":"ERROR"}"#).await.is_err());
}
