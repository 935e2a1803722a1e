//! `cargo bench -p tests --bench hostile`: what a hostile server can cost the client.
//!
//! - Redaction of whole hostile bodies (deeply nested objects; a sensitive key every few
//!   bytes) at 1, 2, 4 and 8 MB: the time per MB must stay flat (one linear pass). The client
//!   itself only ever redacts a bounded prefix of a body; this measures the scan's worst case.
//! - A 64 MB success body decoded through the client on a single-threaded runtime, with a
//!   ticker task beside it: the longest the ticker waited, i.e. how long the runtime stalled.

use std::hint::black_box;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use plaid_sdk::{redact, AccountsGetRequest, Client, Config, RetryPolicy};
use serde_json::{json, Value};

#[path = "../tests/common/loopback.rs"]
mod loopback;

use loopback::{Loopback, Reply};

const MB: usize = 1 << 20;

/// A hostile body of about the given size.
type Shape = fn(usize) -> String;

fn redaction() {
    println!("redact_json_text on hostile bodies, best of 5:");
    let shapes: [(&str, Shape); 2] = [
        ("nested {\"a\":{\"a\":...", |bytes| "{\"a\":".repeat(bytes / 5)),
        ("sensitive key every 32 bytes", |bytes| "{\"accessToken\":{\"a\":[\"leak-1\",".repeat(bytes / 32)),
    ];
    for (name, make) in shapes {
        for mb in [1, 2, 4, 8] {
            let text = make(mb * MB);
            let took = tests::best_of(5, || {
                black_box(redact::redact_json_text(black_box(&text)));
            });
            let ms = took.as_secs_f64() * 1e3;
            println!("  {name:<32} {mb:>2} MB: {ms:>8.2} ms  {:>6.2} ms/MB", ms / mb as f64);
        }
    }
}

fn decode_stall() {
    let account = json!({
        "account_id": "BxBXxLj1m4HMXBm9WZZmCWVbPjX16EHwv99vp",
        "balances": {"available": 100.0, "current": 110.25, "limit": null, "iso_currency_code": "USD", "unofficial_currency_code": null},
        "mask": "0000", "name": "Plaid Checking", "official_name": "Plaid Gold Standard 0% Interest Checking",
        "type": "depository", "subtype": "checking"
    });
    let item = json!({"item_id": "eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6", "webhook": null, "error": null,
                      "available_products": [], "billed_products": [], "consent_expiration_time": null, "update_type": "background"});
    let count = 64 * MB / account.to_string().len();
    let accounts: Vec<Value> = (0..count).map(|_| account.clone()).collect();
    let body: Arc<[u8]> = json!({"accounts": accounts, "item": item, "request_id": "r"}).to_string().into_bytes().into();
    let size = body.len();
    let server = Loopback::start(Duration::from_secs(120), move |_, _| Reply::shared(200, "application/json", body.clone()));
    let config = Config::with_base_url(&server.url, "client-id-0123", "secret-0123456789").expect("loopback");
    let client = Client::new(config.with_max_response_bytes(128 * MB).with_retry(RetryPolicy::none()));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let (took, gap, decoded) = runtime.block_on(async {
        let last = Arc::new(Mutex::new((Instant::now(), Duration::ZERO)));
        let l = last.clone();
        let ticker = tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(1)).await;
                let mut l = l.lock().expect("not poisoned");
                l.1 = l.1.max(l.0.elapsed());
                l.0 = Instant::now();
            }
        });
        let start = Instant::now();
        let decoded = client.accounts_get(AccountsGetRequest::new("access-token-1")).await.map(|r| r.accounts.len());
        let took = start.elapsed();
        ticker.abort();
        let l = last.lock().expect("not poisoned");
        (took, l.1.max(l.0.elapsed()), decoded)
    });
    assert_eq!(decoded.expect("decodes"), count);
    println!("a {:.1} MB /accounts/get answer through the client on a current-thread runtime:", size as f64 / MB as f64);
    println!("  call (transfer and decode): {:>8.1} ms", took.as_secs_f64() * 1e3);
    println!("  longest runtime stall:      {:>8.1} ms (a 1 ms ticker's longest wait)", gap.as_secs_f64() * 1e3);
}

fn main() {
    redaction();
    decode_stall();
}
