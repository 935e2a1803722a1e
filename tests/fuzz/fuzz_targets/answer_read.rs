//! Reading an answer: any status, content type and body a server may send to a typed call.
//!
//! Input: a status byte, a content-type byte, then the body. Oracle: nothing panics or hangs,
//! and no error (`Display` or `Debug`) shows the configured secret or the request's access
//! token, however the body echoes them. The redaction of body text is exercised on the same
//! bytes.

#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use plaid::accounts::AccountsGetRequest;
use plaid::{Client, Config, RetryPolicy};
use sdk_fuzz::{answer, runtime, server, ACCESS_TOKEN, SECRET};

const STATUSES: [u16; 10] = [200, 201, 204, 400, 401, 404, 429, 500, 502, 503];
const CONTENT_TYPES: [&str; 4] = ["application/json", "application/json; charset=utf-8", "text/html", "application/octet-stream"];

fuzz_target!(|data: &[u8]| {
    let (Some(&s), Some(&c)) = (data.first(), data.get(1)) else { return };
    let body = &data[2..];
    let _ = plaid::redact::redact_json_text(&String::from_utf8_lossy(body));
    answer(STATUSES[s as usize % STATUSES.len()], CONTENT_TYPES[c as usize % CONTENT_TYPES.len()], body);
    let config = Config::with_base_url(server(), "client-id", SECRET).expect("a loopback URL").with_timeout(Duration::from_secs(5));
    let client = Client::new(config).with_retry(RetryPolicy::none());
    if let Err(e) = runtime().block_on(client.accounts_get(AccountsGetRequest::new(ACCESS_TOKEN))) {
        let shown = format!("{e} {e:?} {}", e.brief());
        assert!(!shown.contains(SECRET), "an error shows the secret: {shown}");
        assert!(!shown.contains(ACCESS_TOKEN), "an error shows the access token: {shown}");
    }
});
