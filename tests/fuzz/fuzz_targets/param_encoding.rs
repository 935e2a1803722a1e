//! Parameters and per-call values on the wire: path parameters, query and header extras, and
//! calls by path, against a base URL with a path of its own (`/base`).
//!
//! Input: a selector byte, then NUL-separated `a`, `b`. Oracle: nothing panics; a path value
//! never changes the endpoint (the request is `/base/stores/<one segment>/items/<one
//! segment>`, no segment `.` or `..`), a call by path never leaves `/base/`, and no query
//! parameter or header named like a credential reaches the server beside the configured ones.

#![no_main]

use std::time::Duration;

use fixture::stores::ItemGetParams;
use fixture::{Client, Config, RetryPolicy};
use libfuzzer_sys::fuzz_target;
use sdk_fuzz::{answer, parts, runtime, server, SECRET};

/// A name as a server may normalize it: no case, no `-` or `_`.
fn squashed(name: &str) -> String {
    name.chars().filter(|c| *c != '-' && *c != '_').collect::<String>().to_ascii_lowercase()
}

/// A query parameter named like a credential field or header.
fn is_credential(name: &str) -> bool {
    matches!(squashed(name).as_str(), "clientid" | "secret" | "plaidclientid" | "plaidsecret")
}

fn is_dot(segment: &str) -> bool {
    matches!(segment.to_ascii_lowercase().replace("%2e", ".").as_str(), "." | "..")
}

fuzz_target!(|data: &[u8]| {
    let p = parts(data, 3);
    let selector = p[0].first().copied().unwrap_or(0);
    let (a, b) = (String::from_utf8_lossy(p[1]).into_owned(), String::from_utf8_lossy(p[2]).into_owned());
    answer(200, "application/json", br#"{"id":"i-1"}"#);
    let base = format!("{}/base", server());
    let config = Config::with_base_url(base, "client-id", SECRET).expect("a loopback URL").with_timeout(Duration::from_secs(5));
    let client = Client::new(config).with_retry(RetryPolicy::none());
    let call = ItemGetParams::new(a.clone(), b.clone(), "state-1");
    let result: Result<(), fixture::Error> = runtime().block_on(async {
        match selector % 4 {
            0 => client.item_get(call).await.map(drop),
            1 => client.with_query(&a, &b).item_get(ItemGetParams::new("s", "i", "state-1")).await.map(drop),
            2 => client.with_header(&a, &b).item_get(ItemGetParams::new("s", "i", "state-1")).await.map(drop),
            _ => client.request_as::<serde_json::Value, serde_json::Value>(fixture::reqwest::Method::GET, &a, None).await.map(drop),
        }
    });
    let received = sdk_fuzz::received();
    if let Err(e) = &result {
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains(SECRET), "{shown}");
    }
    for head in &received {
        let line = head.lines().next().unwrap_or("");
        let target = line.split(' ').nth(1).unwrap_or("");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        assert!(path.starts_with("/base/"), "left the base path: {line}");
        assert!(!path.split('/').any(is_dot), "a dot segment was sent: {line}");
        if selector % 4 == 0 {
            let segments: Vec<&str> = path.split('/').collect();
            assert_eq!(segments.len(), 6, "a path value changed the endpoint: {line}");
            assert_eq!((segments[1], segments[2], segments[4]), ("base", "stores", "items"), "{line}");
        }
        for pair in query.split('&') {
            let name = pair.split('=').next().unwrap_or("");
            assert!(!is_credential(name), "a credential-named query parameter was sent: {line}");
        }
        // Each credential header the client sends, once: an extra never adds a second one,
        // however it spells the name.
        for (credential, _) in fixture::AUTH_HEADERS {
            let sent = head.lines().skip(1).filter(|l| squashed(l.split(':').next().unwrap_or("")) == squashed(credential)).count();
            assert_eq!(sent, 1, "`{credential}` was sent {sent} times: {head}");
        }
    }
});
