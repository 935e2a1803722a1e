//! The client against a hostile or broken server on loopback: bodies built to be slow to
//! redact, header values built to overflow, answers that echo the credentials back, proxy pages
//! and redirects, oversized answers, bursts of connections, and calls from several runtimes.
//! Every server here stops by itself; every call that could hang runs under a watchdog.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use plaid_sdk::*;
use serde_json::{json, Value};

#[path = "common/loopback.rs"]
mod loopback;

use loopback::{Loopback, Reply};

const CLIENT_ID: &str = "client-id-0123456789";
const SECRET: &str = "SECRET-never-shown-9f2";
const ACCESS_TOKEN: &str = "access-sandbox-TOKEN-7";

fn config(server: &Loopback) -> Config {
    Config::with_base_url(&server.url, CLIENT_ID, SECRET).expect("loopback http is allowed").with_timeout(Duration::from_secs(10))
}

fn client(server: &Loopback, retry: RetryPolicy) -> Client {
    Client::new(config(server).with_retry(retry))
}

fn fast_retries(retries: u32) -> RetryPolicy {
    RetryPolicy::default().with_max_retries(retries).with_initial_backoff(Duration::from_millis(5)).with_max_backoff(Duration::from_millis(20))
}

fn request() -> AccountsGetRequest {
    AccountsGetRequest::new(ACCESS_TOKEN.to_string())
}

/// Runs `call` on a fresh runtime on its own thread and gives up after `limit`: a call that
/// hangs or spins fails the test instead of stalling the suite.
fn within<T: Send + 'static>(limit: Duration, call: impl std::future::Future<Output = T> + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        let _ = tx.send(runtime.block_on(call));
    });
    rx.recv_timeout(limit).unwrap_or_else(|_| panic!("the call did not finish within {limit:?}"))
}

/// Neither the secret nor the access token appears in `text`.
fn assert_clean(what: &str, text: &str) {
    for secret in [SECRET, ACCESS_TOKEN] {
        assert!(!text.contains(secret), "{what}: `{secret}` leaked: {text}");
    }
}

fn assert_error_clean(error: &Error) {
    assert_clean("Display", &error.to_string());
    assert_clean("Debug", &format!("{error:?}"));
    assert_clean("brief", &error.brief().to_string());
}

/// A nested, unterminated JSON body of about `bytes` bytes: `{"a":{"a":...`.
fn nested(bytes: usize) -> String {
    "{\"a\":".repeat(bytes / 5)
}

#[test]
fn a_megabyte_of_undecodable_nested_json_fails_fast_with_a_short_excerpt() {
    // Finding 1: redaction was quadratic (90 s of CPU for 1 MB). The watchdog allows far less.
    let body = format!("{{\"access_token\":\"{ACCESS_TOKEN}\",\"x\":{}", nested(1 << 20));
    let server = Loopback::start(Duration::from_secs(30), move |_, _| Reply::new(200, "application/json", body.clone()));
    let client = client(&server, RetryPolicy::none());
    let error = within(Duration::from_secs(20), async move { client.accounts_get(request()).await }).expect_err("undecodable");
    assert_error_clean(&error);
    let Error::Decode(e) = &error else { panic!("expected a decode error, got {error:?}") };
    assert!(e.body_excerpt.chars().count() <= DecodeError::EXCERPT_CHARS + 1, "{}", e.body_excerpt.len());
    assert!(e.body_excerpt.starts_with("{\"access_token\":\"<redacted>\""), "{}", e.body_excerpt);
}

#[test]
fn redacting_a_megabyte_of_hostile_text_takes_one_pass() {
    // The key-rule scan itself, on whole hostile bodies (the client only ever gives it a few
    // kilobytes): nested objects, and a sensitive key every few bytes. A quadratic scan would
    // take hours here in a debug build; the watchdog allows seconds.
    let nested_body = format!("{{\"x\":{}\"access_token\":\"{ACCESS_TOKEN}\"", nested(1 << 20));
    let keyed_body = "{\"accessToken\":{\"a\":[\"leak-1\",".repeat((1 << 20) / 32);
    let (nested_out, keyed_out) = within(Duration::from_secs(20), async move {
        (redact::redact_json_text(&nested_body), redact::redact_json_text(&keyed_body))
    });
    assert!(nested_out.ends_with("\"access_token\":\"<redacted>\""), "{}", &nested_out[nested_out.len() - 60..]);
    assert!(!keyed_out.contains("leak-1"));
}

#[test]
fn a_huge_retry_after_on_a_slow_answer_gives_up_instead_of_panicking() {
    // Finding 2: `Retry-After: u64::MAX` on an answer that took over a second overflowed the
    // retry arithmetic and panicked.
    for value in ["18446744073709551615", "99999999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT", "-5", "1e3"] {
        let value = value.to_string();
        let server = Loopback::start(Duration::from_secs(20), move |_, n| {
            let delay = if n == 0 { Duration::from_millis(1100) } else { Duration::ZERO };
            Reply::new(503, "text/plain", "busy").header("Retry-After", &value).delayed(delay)
        });
        let client = client(&server, fast_retries(1));
        let error = within(Duration::from_secs(15), async move { client.accounts_get(request()).await }).expect_err("503");
        assert_eq!(error.status(), Some(503), "{error}");
        assert!(server.requests() <= 2, "{}", server.requests());
    }
}

#[test]
fn an_echoing_proxy_page_shows_neither_the_secret_nor_the_access_token() {
    // Finding 3: a 502 page that echoes the request (headers and body) put both into errors.
    let server = Loopback::start(Duration::from_secs(20), |request, _| {
        let page = format!("<html><pre>{}{}</pre></html>", request.head, String::from_utf8_lossy(&request.body));
        Reply::new(502, "text/html", page)
    });
    let error = within(Duration::from_secs(15), {
        let client = client(&server, fast_retries(1));
        async move { client.accounts_get(request()).await }
    })
    .expect_err("502");
    assert_error_clean(&error);
    let Error::Status(e) = &error else { panic!("expected a status error, got {error:?}") };
    assert_eq!((e.status, e.attempts, e.content_type.as_deref()), (502, 2, Some("text/html")));
    assert!(e.body_excerpt.contains("plaid-secret: <redacted>") || e.body_excerpt.contains("PLAID-SECRET: <redacted>"), "{}", e.body_excerpt);
}

#[test]
fn a_page_echoing_per_call_values_shows_none_of_them() {
    // Issue 40: values the application adds to one call (a query or body extra, a token in a
    // call-by-path path) join the call's scrub list like the configured secret.
    const QUERY_VALUE: &str = "query-token-7f3a91";
    const BODY_VALUE: &str = "body-token-5c2e80";
    const PATH_TOKEN: &str = "access-sandbox-path-4411";
    let server = Loopback::start(Duration::from_secs(20), |request, _| {
        let page = format!("<html><pre>{}{}</pre></html>", request.head, String::from_utf8_lossy(&request.body));
        Reply::new(404, "text/html", page)
    });
    let shown = |error: &Error| format!("{error} {error:?} {}", error.brief());
    let extras = within(Duration::from_secs(15), {
        let client = client(&server, RetryPolicy::none()).with_query("lookup", QUERY_VALUE).with_body_field("note", BODY_VALUE);
        async move { client.accounts_get(request()).await }
    })
    .expect_err("404");
    assert_error_clean(&extras);
    let text = shown(&extras);
    assert!(text.contains("lookup=") && !text.contains(QUERY_VALUE) && !text.contains(BODY_VALUE), "{text}");
    let by_path = within(Duration::from_secs(15), {
        let client = client(&server, RetryPolicy::none());
        async move { client.post_json(&format!("/items/{PATH_TOKEN}/get?cursor={QUERY_VALUE}"), &json!({})).await }
    })
    .expect_err("404");
    let text = shown(&by_path);
    assert!(text.contains("/items/") && !text.contains(PATH_TOKEN) && !text.contains(QUERY_VALUE), "{text}");
    // A refused path is named without its query.
    let refused = within(Duration::from_secs(15), {
        let client = client(&server, RetryPolicy::none());
        async move { client.post_json(&format!("/../admin?token={QUERY_VALUE}"), &json!({})).await }
    })
    .expect_err("refused");
    assert!(matches!(refused, Error::Config { .. }) && !shown(&refused).contains(QUERY_VALUE), "{refused:?}");
}

#[test]
fn a_plaid_error_quoting_the_credentials_in_any_case_style_shows_none() {
    let echo = json!({
        "error_type": "INVALID_INPUT",
        "error_code": "INVALID_ACCESS_TOKEN",
        "error_message": format!("access token {ACCESS_TOKEN} is not valid for secret {SECRET}"),
        "display_message": null,
        "request_id": "req-1",
        "plaidSecret": "unrelated-value-1",
        "accessToken": "unrelated-value-2",
        "nested": {"Echo": [ACCESS_TOKEN, {"PublicToken": "unrelated-value-3"}]}
    });
    let server = Loopback::start(Duration::from_secs(20), move |_, _| Reply::json(400, &echo));
    let client = client(&server, RetryPolicy::none());
    let error = within(Duration::from_secs(15), async move { client.accounts_get(request()).await }).expect_err("400");
    assert_error_clean(&error);
    let shown = format!("{error} {error:?}");
    for unrelated in ["unrelated-value-1", "unrelated-value-2", "unrelated-value-3"] {
        assert!(!shown.contains(unrelated), "a camelCase secret key leaked its value: {shown}");
    }
    let api = error.api().expect("an API error");
    assert_eq!(api.error_message(), "access token <redacted> is not valid for secret <redacted>");
    assert_eq!(api.request_id(), Some("req-1"));
}

#[test]
fn a_decoder_message_quoting_the_access_token_is_scrubbed() {
    // serde's messages quote the value that did not fit: here the access token. The message
    // keeps what was expected and drops the value, whatever the scrub list knows.
    let server = Loopback::start(Duration::from_secs(20), |_, _| Reply::json(200, &json!({"accounts": ACCESS_TOKEN, "request_id": SECRET})));
    let client = client(&server, RetryPolicy::none());
    let error = within(Duration::from_secs(15), async move { client.accounts_get(request()).await }).expect_err("wrong type");
    assert_error_clean(&error);
    assert!(matches!(&error, Error::Decode(e) if e.message.contains("string \"…\", expected") && !e.message.contains("access-")), "{error:?}");
}

#[test]
fn unknown_properties_named_in_camel_case_are_redacted_in_debug() {
    let mut body = accounts_example();
    body["accessToken"] = json!("hidden-1");
    body["PlaidSecret"] = json!("hidden-2");
    body["clientId"] = json!("abcdefgh");
    let value: AccountsGetResponse = serde_json::from_value(body).expect("decodes");
    let shown = format!("{value:?}");
    assert!(!shown.contains("hidden-1") && !shown.contains("hidden-2") && !shown.contains("efgh"), "{shown}");
}

#[test]
fn tracing_events_carry_no_secret_and_no_body() {
    let server = Loopback::start(Duration::from_secs(60), |request, _| {
        let page = format!("<html>{}</html>", request.head);
        Reply::new(502, "text/html", page)
    });
    // A thread-local subscriber can miss events while other tests of this binary run at the
    // same time (tracing's callsite and level caches are global), so the call is repeated until
    // one log holds every event; every log captured is checked for secrets and bodies.
    let mut complete = None;
    for _ in 0..5 {
        let captured = Captured::default();
        let sink = captured.clone();
        let client = client(&server, fast_retries(2));
        let error = within(Duration::from_secs(15), async move {
            let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::DEBUG).with_writer(move || sink.clone()).finish();
            let _guard = tracing::subscriber::set_default(subscriber);
            tracing::callsite::rebuild_interest_cache();
            client.accounts_get(request()).await
        })
        .expect_err("502");
        assert_eq!(error.attempts(), 3);
        let log = String::from_utf8(captured.0.lock().expect("not poisoned").clone()).expect("utf-8");
        assert_clean("log", &log);
        assert!(!log.contains("<html>"), "a body excerpt reached the log: {log}");
        if log.contains("retrying") && log.contains("call failed") && log.contains("HTTP 502") {
            complete = Some(log);
            break;
        }
    }
    assert!(complete.is_some(), "no run logged its retries and its failure");
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn an_oversized_error_answer_is_not_retried() {
    // Finding 4: an oversized 5xx body was downloaded again on every retry.
    let big = "x".repeat(4 * MAX_ERROR_BODY_BYTES);
    let server = Loopback::start(Duration::from_secs(20), move |_, _| Reply::new(503, "text/plain", big.clone()));
    let client = client(&server, fast_retries(2));
    let error = within(Duration::from_secs(15), async move { client.accounts_get(request()).await }).expect_err("503");
    let Error::Status(e) = &error else { panic!("expected a status error, got {error:?}") };
    assert!(e.reason.contains("limit"), "{}", e.reason);
    assert!(e.body_excerpt.ends_with('…'), "{}", e.body_excerpt);
    assert_eq!(server.requests(), 1);
}

#[test]
fn proxy_pages_empty_answers_and_redirects_are_status_errors_that_say_what_came() {
    // Finding 5: all of these came back as "not a valid PlaidError".
    let server = Loopback::start(Duration::from_secs(20), |request, _| {
        if request.head.starts_with("POST /accounts/get") {
            Reply::new(502, "text/html", "<html><body>502 Bad Gateway</body></html>")
        } else if request.head.starts_with("POST /item/get") {
            Reply::new(503, "application/json", "")
        } else {
            Reply::new(307, "text/plain", "").header("Location", "https://elsewhere.example/accounts/balance/get")
        }
    });
    let c = client(&server, RetryPolicy::none());
    let (gateway, empty, redirect) = within(Duration::from_secs(15), async move {
        (
            c.accounts_get(request()).await.expect_err("502"),
            c.item_get(ItemGetRequest::new(ACCESS_TOKEN)).await.expect_err("503"),
            c.accounts_balance_get(AccountsBalanceGetRequest::new(ACCESS_TOKEN)).await.expect_err("307"),
        )
    });
    let status = |e: &Error| match e {
        Error::Status(s) => (s.status, s.reason.clone(), s.is_redirect()),
        other => panic!("expected a status error, got {other:?}"),
    };
    let (code, reason, _) = status(&gateway);
    assert_eq!(code, 502);
    assert!(reason.contains("text/html"), "{reason}");
    assert!(gateway.to_string().contains("not a Plaid error") && gateway.to_string().contains("502 Bad Gateway"), "{gateway}");
    let (code, reason, _) = status(&empty);
    assert_eq!((code, reason.as_str()), (503, "the body is empty"));
    let (code, _, is_redirect) = status(&redirect);
    assert!(code == 307 && is_redirect);
    let shown = redirect.to_string();
    assert!(shown.contains("not followed") && shown.contains("https://elsewhere.example/accounts/balance/get"), "{shown}");
    for e in [&gateway, &empty, &redirect] {
        assert_error_clean(e);
        assert!(!matches!(e, Error::Decode(_)));
    }
}

#[test]
fn a_burst_of_calls_leaves_at_most_the_configured_idle_connections_open() {
    // Finding 6: a burst of concurrent calls left one idle socket per call.
    let example = accounts_example();
    let server = Arc::new(Loopback::start(Duration::from_secs(30), move |_, _| {
        Reply::json(200, &example).delayed(Duration::from_millis(50))
    }));
    let client = Client::new(config(&server).with_max_idle_connections_per_host(4).with_retry(RetryPolicy::none()));
    let watched = server.clone();
    let (succeeded, peak, settled) = within(Duration::from_secs(25), async move {
        let handles: Vec<_> = (0..64)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.accounts_get(request()).await.is_ok() })
            })
            .collect();
        let mut succeeded = 0;
        for h in handles {
            succeeded += usize::from(h.await.unwrap_or(false));
        }
        let peak = watched.peak_connections();
        // The client is still alive: give the closing sockets a moment to be seen.
        let mut settled = watched.open_connections();
        for _ in 0..100 {
            if settled <= 4 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            settled = watched.open_connections();
        }
        drop(client);
        (succeeded, peak, settled)
    });
    assert_eq!(succeeded, 64);
    assert!(peak > 4, "the burst should have needed more than 4 connections at once ({peak})");
    assert!(settled <= 4, "{settled} connections left open");
}

#[test]
fn one_client_serves_calls_from_several_runtimes_even_after_one_is_gone() {
    let example = accounts_example();
    let server = Loopback::start(Duration::from_secs(30), move |_, _| Reply::json(200, &example));
    let client = client(&server, RetryPolicy::none());
    // Two runtimes at once, then a third after both are gone: pooled connections made on a
    // runtime that no longer exists must not break later calls.
    let (a, b) = (client.clone(), client.clone());
    let first = std::thread::spawn(move || within(Duration::from_secs(10), async move { a.accounts_get(request()).await.map(|_| ()) }));
    let second = std::thread::spawn(move || within(Duration::from_secs(10), async move { b.accounts_get(request()).await.map(|_| ()) }));
    first.join().expect("first runtime").expect("first call");
    second.join().expect("second runtime").expect("second call");
    for _ in 0..3 {
        let c = client.clone();
        within(Duration::from_secs(10), async move { c.accounts_get(request()).await.map(|_| ()) }).expect("a later runtime's call");
    }
}

#[test]
fn decoding_a_large_body_does_not_stall_the_runtime() {
    // A 32 MB success body takes long to decode (far longer in a debug build); a ticker on the
    // same single-threaded runtime must keep ticking meanwhile.
    let mut body = accounts_example();
    let account = body["accounts"][0].clone();
    let accounts: Vec<Value> = (0..60_000).map(|_| account.clone()).collect();
    body["accounts"] = Value::Array(accounts);
    let text = body.to_string();
    let size = text.len();
    let server = Loopback::start(Duration::from_secs(60), move |_, _| Reply::new(200, "application/json", text.clone()));
    let client = client(&server, RetryPolicy::none());
    let (decoded, longest_gap, ticks) = within(Duration::from_secs(50), async move {
        let ticks = Arc::new(Mutex::new((Instant::now(), Duration::ZERO, 0u32)));
        let t = ticks.clone();
        let ticker = tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(5)).await;
                let mut t = t.lock().expect("not poisoned");
                let gap = t.0.elapsed();
                t.1 = t.1.max(gap);
                t.0 = Instant::now();
                t.2 += 1;
            }
        });
        let decoded = client.accounts_get(request()).await.map(|r| r.accounts.len());
        ticker.abort();
        let t = ticks.lock().expect("not poisoned");
        // A stall that lasted until the call returned was never seen by the ticker itself.
        (decoded, t.1.max(t.0.elapsed()), t.2)
    });
    assert_eq!(decoded.expect("decodes"), 60_000, "{size} bytes");
    assert!(ticks > 0);
    assert!(longest_gap < Duration::from_millis(300), "the runtime stalled for {longest_gap:?} ({size}-byte body)");
}

fn accounts_example() -> Value {
    let spec = tests::spec_operations();
    let (_, op) = spec.into_iter().find(|(id, _)| id == "accountsGet").expect("accountsGet is in the specs");
    tests::first_example(&op["responses"]["200"]["content"]["application/json"]).expect("an example").clone()
}

#[test]
fn an_applications_own_http_client_carries_the_calls() {
    // The application's client adds a header of its own; the call still carries the
    // credentials from the configuration.
    let example = accounts_example();
    let server = Loopback::start(Duration::from_secs(20), move |request, _| {
        let head = request.head.to_ascii_lowercase();
        if head.contains("x-app: mine") && head.contains("plaid-secret: secret-never-shown-9f2") {
            Reply::json(200, &example)
        } else {
            Reply::new(400, "text/plain", "missing headers")
        }
    });
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-app", reqwest::header::HeaderValue::from_static("mine"));
    let http = Client::http_builder()
        .expect("TLS is available")
        .default_headers(headers)
        .build()
        .expect("an HTTP client");
    let client = Client::with_http_client(config(&server), http);
    within(Duration::from_secs(15), async move { client.accounts_get(request()).await }).expect("the call goes through the given client");
}

#[test]
fn the_largest_timeouts_and_budgets_do_not_overflow() {
    let example = accounts_example();
    let server = Loopback::start(Duration::from_secs(20), move |_, n| {
        if n == 0 {
            Reply::new(503, "text/plain", "busy").header("Retry-After", "0")
        } else {
            Reply::json(200, &example)
        }
    });
    let policy = RetryPolicy::default()
        .with_max_retries(u32::MAX)
        .with_max_elapsed(Duration::MAX)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(5));
    let config = config(&server).with_timeout(Duration::MAX).with_connect_timeout(Duration::MAX).with_retry(policy);
    let client = Client::new(config);
    within(Duration::from_secs(15), async move { client.accounts_get(request()).await }).expect("retried once, then answered");
    assert_eq!(server.requests(), 2);
}

#[test]
fn an_echoed_extra_header_and_the_new_views_show_no_secret() {
    // A server that echoes the whole request: the application's extra header value, like the
    // credentials, must not come back through an error, a hook's view, a raw answer or the log.
    const APP_TOKEN: &str = "app-bearer-TOKEN-31";
    let server = Loopback::start(Duration::from_secs(60), |request, _| Reply::new(502, "text/html", format!("<html>{}</html>", request.head)));
    struct Views(Arc<Mutex<Vec<String>>>);
    impl Hook for Views {
        fn before_send(&self, request: &mut HookRequest<'_>) {
            self.0.lock().expect("not poisoned").push(format!("{request:?} {}", request.redacted_body().unwrap_or_default()));
        }
        fn after_call(&self, outcome: &CallOutcome<'_>) {
            self.0.lock().expect("not poisoned").push(format!("{outcome:?}"));
        }
    }
    let views = Arc::new(Mutex::new(Vec::new()));
    let captured = Captured::default();
    let sink = captured.clone();
    let client = client(&server, fast_retries(1)).with_header("X-App-Auth", APP_TOKEN).with_hook(Views(views.clone()));
    let shown = format!("{client:?}");
    assert_clean("Client Debug", &shown);
    assert!(!shown.contains(APP_TOKEN) && shown.contains("x-app-auth"), "{shown}");
    let error = within(Duration::from_secs(15), async move {
        let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::DEBUG).with_writer(move || sink.clone()).finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        tracing::callsite::rebuild_interest_cache();
        client.raw(async |c| c.accounts_get(request()).await).await
    })
    .expect_err("502");
    assert_eq!(error.attempts(), 2);
    let Error::Status(status) = &error else { panic!("expected a status error, got {error:?}") };
    assert!(status.body_excerpt.contains("<html>"), "the echo is there, scrubbed: {}", status.body_excerpt);
    let log = String::from_utf8(captured.0.lock().expect("not poisoned").clone()).expect("utf-8");
    let views = views.lock().expect("not poisoned").join("\n");
    assert_eq!(views.lines().count(), 2, "{views}");
    for (what, text) in [("Display", error.to_string()), ("Debug", format!("{error:?}")), ("log", log), ("hooks", views)] {
        assert_clean(what, &text);
        assert!(!text.contains(APP_TOKEN), "{what}: the extra header's value leaked: {text}");
    }
}
