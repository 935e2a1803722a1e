//! The client against real HTTP on loopback (wiremock): routes, credentials and bodies of all
//! 24 operations, the error cases, retries, timeouts, redaction and concurrency.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use generator::sample::Sampler;
use plaid_sdk::*;
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

include!("common/operations.rs");

const CLIENT_ID: &str = "client-id-0123456789";
const SECRET: &str = "SECRET-never-shown-9f2";
const ACCESS_TOKEN: &str = "access-sandbox-TOKEN-7";

macro_rules! http_calls {
    ($($id:literal => $method:ident($req:ty) -> $resp:ty;)*) => {
        /// Calls operation `id` with `request` and checks that the answer decodes to what
        /// `response` decodes to.
        async fn call_and_compare(client: &Client, id: &str, request: Value, response: Value) {
            match id {
                $($id => {
                    let request: $req = serde_json::from_value(request)
                        .unwrap_or_else(|e| panic!("{id}: the sample request does not decode: {e}"));
                    let expected: $resp = serde_json::from_value(response)
                        .unwrap_or_else(|e| panic!("{id}: the example response does not decode: {e}"));
                    let got = client.$method(request).await.unwrap_or_else(|e| panic!("{id}: {e}"));
                    assert_eq!(got, expected, "{id}");
                })*
                other => panic!("operation `{other}` is not in the table of this test"),
            }
        }
    };
}

with_operations!(http_calls);

fn fast_retries(retries: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_retries(retries)
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
}

fn client(server: &MockServer, retry: RetryPolicy) -> Client {
    let config = Config::with_base_url(server.uri(), CLIENT_ID, SECRET).expect("loopback http is allowed");
    Client::new(config.with_retry(retry))
}

fn accounts_request() -> AccountsGetRequest {
    AccountsGetRequest::new(ACCESS_TOKEN.to_string())
}

/// The first example of each operation's 200 response, by operationId.
fn response_examples() -> HashMap<String, Value> {
    tests::spec_operations()
        .into_iter()
        .filter_map(|(id, op)| Some((id, tests::first_example(&op["responses"]["200"]["content"]["application/json"])?.clone())))
        .collect()
}

fn plaid_error(error_type: &str, code: &str) -> Value {
    json!({
        "error_type": error_type,
        "error_code": code,
        "error_message": "the provided access token is in an invalid format",
        "display_message": null,
        "request_id": "req-4711",
        "causes": [],
        "status": 400,
        "documentation_url": "https://plaid.com/docs/errors/",
        "suggested_action": null
    })
}

/// The `accounts_get` call against a server answering `answer` once per attempt.
async fn accounts_get_answered(answer: ResponseTemplate, retry: RetryPolicy) -> (MockServer, Result<AccountsGetResponse, Error>) {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/accounts/get")).respond_with(answer).mount(&server).await;
    let result = client(&server, retry).accounts_get(accounts_request()).await;
    (server, result)
}

/// A server whose first `/accounts/get` answer is `first` and every later one a success, after
/// an `accounts_get` call with two fast retries has succeeded against it.
async fn first_fails_then_succeeds(first: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/accounts/get")).respond_with(first).up_to_n_times(1).mount(&server).await;
    Mock::given(path("/accounts/get"))
        .respond_with(ResponseTemplate::new(200).set_body_json(response_examples()["accountsGet"].clone()))
        .mount(&server)
        .await;
    client(&server, fast_retries(2)).accounts_get(accounts_request()).await.expect("the retry succeeds");
    server
}

/// No error output may show a credential or the request's access token, and `Display` is
/// one line.
fn assert_safe(error: &Error) {
    for shown in [format!("{error}"), format!("{error:?}")] {
        for secret in [SECRET, ACCESS_TOKEN, CLIENT_ID] {
            assert!(!shown.contains(secret), "`{secret}` leaked: {shown}");
        }
    }
    let text = format!("{error}");
    assert!(!text.contains('\n'), "{error}");
    // Each thing is said once: the content type too.
    assert!(text.matches("content type").count() + text.matches("content-type").count() <= 1, "{text}");
    // Errors are `Clone`, and a clone says the same.
    assert_eq!(format!("{}", error.clone()), text);
}

fn status_error(result: Result<AccountsGetResponse, Error>) -> Box<StatusError> {
    let error = result.expect_err("the answer is not Plaid's");
    assert_safe(&error);
    match error {
        Error::Status(e) => e,
        other => panic!("expected a status error, got {other:?}"),
    }
}

fn decode_error(result: Result<AccountsGetResponse, Error>) -> Box<DecodeError> {
    let error = result.expect_err("the answer is broken");
    assert_safe(&error);
    match error {
        Error::Decode(e) => e,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn every_operation_sends_its_route_credentials_and_body() {
    let (api, _) = generator::api(&[tests::root().join("specs")]).expect("the specs lower");
    let sampler = Sampler::new(&api).with_optional();
    let examples = response_examples();
    let server = MockServer::start().await;
    let mut cases = Vec::new();
    for op in api.modules.iter().flat_map(|m| &m.operations) {
        // Every field set, so the body must carry every field of the request type.
        let request = sampler.value(op.request.as_ref().expect("every operation has a body"));
        // And the credentials its schema requires, written in from the configuration.
        let mut sent = request.clone();
        for c in op.body_credentials.iter().filter(|c| c.written) {
            let (wire, credential) = (&c.wire, &c.credential);
            let value = match credential {
                generator::ir::Credential::ClientId => CLIENT_ID,
                generator::ir::Credential::Secret => SECRET,
                generator::ir::Credential::ApiVersion => "2020-09-14",
            };
            sent[wire.as_str()] = json!(value);
        }
        // The spec's example where it gives one, a sample with every field otherwise.
        let response = match examples.get(&op.id) {
            Some(example) => example.clone(),
            None => sampler.value(op.response.as_ref().expect("every operation has a JSON response")),
        };
        Mock::given(method(op.http_method.as_str()))
            .and(path(op.path.as_str()))
            .and(header("PLAID-CLIENT-ID", CLIENT_ID))
            .and(header("PLAID-SECRET", SECRET))
            .and(header("Plaid-Version", "2020-09-14"))
            .and(header("content-type", "application/json"))
            .and(body_json(&sent))
            .respond_with(ResponseTemplate::new(200).set_body_json(&response))
            .expect(1)
            .named(op.id.as_str())
            .mount(&server)
            .await;
        cases.push((op.id.clone(), request, response));
    }
    assert_eq!(cases.len(), 24);
    let with_credentials: Vec<&str> =
        api.modules.iter().flat_map(|m| &m.operations).filter(|op| op.body_credentials.iter().any(|c| c.written)).map(|op| op.id.as_str()).collect();
    assert_eq!(with_credentials, ["profileGet"], "operations whose body schema requires credentials");
    assert_eq!(examples.len(), 22, "operations whose 200 response has an example");
    let client = client(&server, RetryPolicy::none());
    for (id, request, response) in cases {
        call_and_compare(&client, &id, request, response).await;
    }
    server.verify().await;
}

#[tokio::test]
async fn a_request_built_from_required_fields_sends_only_them() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accounts/get"))
        .and(body_json(json!({ "access_token": ACCESS_TOKEN })))
        .respond_with(ResponseTemplate::new(200).set_body_json(response_examples()["accountsGet"].clone()))
        .expect(1)
        .mount(&server)
        .await;
    let accounts = client(&server, RetryPolicy::none()).accounts_get(accounts_request()).await.expect("succeeds");
    assert!(!accounts.accounts.is_empty());

    // Optional fields by setter, in one expression.
    let request = AccountsGetRequest::new(ACCESS_TOKEN.to_string())
        .with_options(AccountsGetRequestOptions::new().with_account_ids(["acc-1".to_string()]));
    assert_eq!(
        serde_json::to_value(&request).expect("encodes"),
        json!({ "access_token": ACCESS_TOKEN, "options": { "account_ids": ["acc-1"] } })
    );
}

#[tokio::test]
async fn a_plaid_error_becomes_an_api_error_with_every_field() {
    let body = plaid_error("INVALID_INPUT", "INVALID_ACCESS_TOKEN");
    let (server, result) = accounts_get_answered(ResponseTemplate::new(400).set_body_json(&body), fast_retries(3)).await;
    let error = result.expect_err("400");
    assert_safe(&error);
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.request_id(), Some("req-4711"));
    let api = error.api().expect("an API error");
    assert_eq!(api.error_type(), PlaidErrorType::InvalidInput);
    assert_eq!(api.error_type().as_str(), "INVALID_INPUT");
    assert_eq!(api.error.error_type, PlaidErrorType::InvalidInput);
    assert_eq!(api.error_code(), "INVALID_ACCESS_TOKEN");
    assert_eq!(api.error_message(), "the provided access token is in an invalid format");
    assert_eq!(api.display_message(), None);
    assert_eq!(api.attempts, 1, "a 400 is never retried");
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1);
    assert_eq!(
        error.to_string(),
        "accounts_get: HTTP 400 INVALID_INPUT INVALID_ACCESS_TOKEN: the provided access token is in an invalid format (request_id req-4711)"
    );
}

#[tokio::test]
async fn an_html_gateway_error_is_a_status_error_naming_what_came() {
    let html = "<html>\n<body>502 Bad Gateway</body>\n</html>";
    let (_, result) =
        accounts_get_answered(ResponseTemplate::new(502).set_body_raw(html, "text/html"), RetryPolicy::none()).await;
    let e = status_error(result);
    assert_eq!((e.status, e.content_type.as_deref()), (502, Some("text/html")));
    assert!(e.body_excerpt.starts_with("<html>"), "{}", e.body_excerpt);
    assert!(e.to_string().contains("HTTP 502") && e.to_string().contains("text/html"), "{e}");
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let full = response_examples()["accountsGet"].to_string();
    let cut = &full[..full.len() / 2];
    let (_, result) =
        accounts_get_answered(ResponseTemplate::new(200).set_body_raw(cut, "application/json"), RetryPolicy::none()).await;
    let e = decode_error(result);
    assert_eq!((e.status, e.expected), (200, "AccountsGetResponse"));
    assert!(e.message.contains("EOF"), "{}", e.message);
    assert!(e.path.is_some(), "the path where the body ended");
}

#[tokio::test]
async fn an_empty_body_is_a_decode_error() {
    let (_, result) =
        accounts_get_answered(ResponseTemplate::new(200).set_body_raw("", "application/json"), RetryPolicy::none()).await;
    let e = decode_error(result);
    assert_eq!(e.message, "the body is empty");
    assert!(e.to_string().ends_with("the body is empty"), "{e}");
}

#[tokio::test]
async fn a_wrong_content_type_is_a_decode_error() {
    let body = response_examples()["accountsGet"].to_string();
    let (_, result) =
        accounts_get_answered(ResponseTemplate::new(200).set_body_raw(body, "text/plain"), RetryPolicy::none()).await;
    let e = decode_error(result);
    assert_eq!(e.content_type.as_deref(), Some("text/plain"));
    assert!(e.message.contains("expected a JSON body"), "{}", e.message);
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_named_by_its_path() {
    let mut body = response_examples()["accountsGet"].clone();
    let accounts = body["accounts"].as_array_mut().expect("accounts");
    while accounts.len() < 4 {
        accounts.push(accounts[0].clone());
    }
    accounts[3]["balances"]["current"] = json!("a lot");
    let (_, result) = accounts_get_answered(ResponseTemplate::new(200).set_body_json(&body), RetryPolicy::none()).await;
    let e = decode_error(result);
    assert_eq!(e.path.as_deref(), Some("accounts[3].balances.current"));
    assert_eq!(e.request_id.as_deref(), body["request_id"].as_str());
    assert!(e.to_string().contains("at `accounts[3].balances.current`"), "{e}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let server = MockServer::start().await;
    let body = response_examples()["accountsGet"].to_string();
    Mock::given(path("/accounts/get")).respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json")).mount(&server).await;
    let config = Config::with_base_url(server.uri(), CLIENT_ID, SECRET).expect("loopback").with_max_response_bytes(100);
    let e = decode_error(Client::new(config).accounts_get(accounts_request()).await);
    assert!(e.message.contains("100-byte limit"), "{}", e.message);
}

#[tokio::test]
async fn a_decode_error_never_shows_a_token_from_the_body() {
    let server = MockServer::start().await;
    // An object where text belongs: no tolerance reads it (a number would be read as its text).
    let body = json!({ "access_token": "access-LEAK-1", "item_id": { "id": 42 }, "request_id": "req-9" });
    Mock::given(path("/item/public_token/exchange")).respond_with(ResponseTemplate::new(200).set_body_json(&body)).mount(&server).await;
    let error = client(&server, RetryPolicy::none())
        .item_public_token_exchange(ItemPublicTokenExchangeRequest::new("public-sandbox-1"))
        .await
        .expect_err("item_id has the wrong type");
    for shown in [format!("{error}"), format!("{error:?}")] {
        assert!(!shown.contains("access-LEAK-1"), "{shown}");
    }
    assert_eq!(error.request_id(), Some("req-9"));
}

#[tokio::test]
async fn a_redirect_is_not_followed_so_the_secret_stays_with_the_configured_host() {
    let elsewhere = MockServer::start().await;
    Mock::given(path("/accounts/get")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&elsewhere).await;
    let (_, result) = accounts_get_answered(
        ResponseTemplate::new(307).insert_header("Location", format!("{}/accounts/get", elsewhere.uri())),
        fast_retries(2),
    )
    .await;
    let error = result.expect_err("a redirect is an error");
    assert_eq!(error.status(), Some(307));
    assert_safe(&error);
    elsewhere.verify().await;
}

#[tokio::test]
async fn too_many_requests_is_retried_after_the_servers_retry_after() {
    let started = Instant::now();
    let first = ResponseTemplate::new(429)
        .insert_header("Retry-After", "1")
        .set_body_json(plaid_error("RATE_LIMIT_EXCEEDED", "ACCOUNTS_LIMIT"));
    let server = first_fails_then_succeeds(first).await;
    // The policy's own backoff is at most 20 ms: only Retry-After explains a full second.
    assert!(started.elapsed() >= Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(server.received_requests().await.expect("recorded").len(), 2);
}

#[tokio::test]
async fn a_transient_plaid_error_is_retried_and_an_item_error_is_not() {
    let first = ResponseTemplate::new(500).set_body_json(plaid_error("INTERNAL_SERVER_ERROR", "INTERNAL_SERVER_ERROR"));
    let server = first_fails_then_succeeds(first).await;
    assert_eq!(server.received_requests().await.expect("recorded").len(), 2);

    let (server, result) = accounts_get_answered(
        ResponseTemplate::new(500).set_body_json(plaid_error("ITEM_ERROR", "ITEM_LOGIN_REQUIRED")),
        fast_retries(3),
    )
    .await;
    assert_eq!(result.expect_err("500").api().map(|e| e.attempts), Some(1));
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1);
}

#[tokio::test]
async fn a_persistent_503_stops_at_the_retry_limit() {
    let (server, result) = accounts_get_answered(ResponseTemplate::new(503).set_body_raw("busy", "text/plain"), fast_retries(3)).await;
    let e = status_error(result);
    assert_eq!((e.status, e.attempts), (503, 4));
    assert_eq!(server.received_requests().await.expect("recorded").len(), 4);
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let (server, result) = accounts_get_answered(ResponseTemplate::new(503), RetryPolicy::none()).await;
    assert_eq!(result.expect_err("503").status(), Some(503));
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1);
}

#[tokio::test]
async fn a_timeout_fires_per_call_and_is_not_retried_by_default() {
    let server = MockServer::start().await;
    Mock::given(path("/accounts/get"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)).set_body_json(json!({})))
        .mount(&server)
        .await;
    let started = Instant::now();
    let error = client(&server, fast_retries(3))
        .with_timeout(Duration::from_millis(200))
        .accounts_get(accounts_request())
        .await
        .expect_err("times out");
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
    assert_safe(&error);
    match &error {
        Error::Transport(t) => assert_eq!((t.kind, t.attempts), (TransportErrorKind::Timeout, 1)),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(error.to_string().starts_with("accounts_get: timed out after 1 attempt(s)"), "{error}");

    // The client's own timeout applies too, and timeouts can be retried on request.
    let config = Config::with_base_url(server.uri(), CLIENT_ID, SECRET)
        .expect("loopback")
        .with_timeout(Duration::from_millis(100))
        .with_retry(fast_retries(1).with_retry_timeouts(true));
    match Client::new(config).accounts_get(accounts_request()).await {
        Err(Error::Transport(t)) => assert_eq!((t.kind, t.attempts), (TransportErrorKind::Timeout, 2)),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_after_the_retries() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let config = Config::with_base_url(format!("http://127.0.0.1:{port}"), CLIENT_ID, SECRET).expect("loopback");
    let error = Client::new(config.with_retry(fast_retries(2))).accounts_get(accounts_request()).await.expect_err("nothing listens");
    assert_safe(&error);
    match &error {
        Error::Transport(t) => assert_eq!((t.kind, t.attempts), (TransportErrorKind::Connect, 3)),
        other => panic!("expected a connect error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_through_one_cloned_client_complete() {
    let server = MockServer::start().await;
    Mock::given(path("/accounts/get"))
        .respond_with(ResponseTemplate::new(200).set_body_json(response_examples()["accountsGet"].clone()))
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::none());
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..1000 {
        let client = client.clone();
        calls.spawn(async move { client.accounts_get(accounts_request()).await });
    }
    let mut ok = 0;
    while let Some(done) = calls.join_next().await {
        done.expect("the task ran").expect("the call succeeded");
        ok += 1;
    }
    assert_eq!(ok, 1000);
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1000);
}

#[test]
fn the_client_is_cheap_to_share_across_tasks() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<Client>();
    shareable::<Config>();
    fn error_is_sendable<T: Send + Sync + std::error::Error + 'static>() {}
    error_is_sendable::<Error>();
}

#[test]
fn configuration_refuses_plain_http_off_loopback_and_never_shows_the_secret() {
    for ok in ["http://127.0.0.1:9", "http://localhost:8080/", "http://[::1]:1", "https://proxy.example.com"] {
        assert!(Config::with_base_url(ok, CLIENT_ID, SECRET).is_ok(), "{ok}");
    }
    for bad in ["http://example.com", "http://10.0.0.1", "ftp://127.0.0.1", "not a url"] {
        let error = Config::with_base_url(bad, CLIENT_ID, SECRET).expect_err(bad);
        assert!(matches!(error, Error::Config { .. }), "{bad}: {error:?}");
    }
    let config = Config::sandbox(CLIENT_ID, SECRET);
    assert_eq!(config.base_url(), "https://sandbox.plaid.com");
    assert_eq!(Config::production(CLIENT_ID, SECRET).base_url(), "https://production.plaid.com");
    assert_eq!(Config::new(Environment::Development, CLIENT_ID, SECRET).base_url(), "https://development.plaid.com");
    let client = Client::new(config.clone());
    for shown in [format!("{config:?}"), format!("{client:?}")] {
        assert!(!shown.contains(SECRET) && !shown.contains(CLIENT_ID), "{shown}");
        assert!(shown.contains("\"clie…\""), "{shown}");
    }
}

#[tokio::test]
async fn a_credential_that_cannot_be_a_header_is_a_config_error_without_the_value() {
    let bad_secret = "line\nbreak-SECRET";
    let config = Config::with_base_url("http://127.0.0.1:9", CLIENT_ID, bad_secret).expect("url is fine");
    let error = Client::try_new(config.clone()).expect_err("invalid header value");
    assert!(matches!(error, Error::Config { .. }));
    assert!(!format!("{error} {error:?}").contains("break-SECRET"), "{error:?}");
    let from_call = Client::new(config).accounts_get(accounts_request()).await.expect_err("reported per call");
    assert!(matches!(from_call, Error::Config { .. }));
}

/// Collects everything a `tracing` subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn tracing_reports_the_call_without_secrets() {
    let server = MockServer::start().await;
    let example = response_examples()["accountsGet"].clone();
    Mock::given(path("/accounts/get")).respond_with(ResponseTemplate::new(200).set_body_json(&example)).mount(&server).await;
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::DEBUG).with_writer(move || sink.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Other tests of this binary may have hit the client's callsites first, with no
    // subscriber; without this, tracing may still have them cached as uninteresting.
    tracing::callsite::rebuild_interest_cache();
    client(&server, RetryPolicy::none()).accounts_get(accounts_request()).await.expect("succeeds");
    let log = String::from_utf8(captured.0.lock().expect("not poisoned").clone()).expect("utf-8");
    let request_id = example["request_id"].as_str().expect("the example has a request id");
    for expected in ["operation=\"accountsGet\"", "status=200", "attempts=1", request_id] {
        assert!(log.contains(expected), "`{expected}` missing from: {log}");
    }
    for secret in [SECRET, ACCESS_TOKEN, CLIENT_ID] {
        assert!(!log.contains(secret), "`{secret}` leaked: {log}");
    }
}

#[test]
fn the_runtime_applies_the_generators_redaction_rule() {
    // The rule is decided in the generator and emitted; the runtime's reading of it must agree
    // on every property name of the complete Plaid spec.
    let corpus = tests::root().join("../shared/corpus/plaid-2020-09-14_1.517.0.yml");
    let text = std::fs::read_to_string(&corpus).expect("../shared/corpus is beside the checkout");
    let spec: Value = serde_yaml::from_str(&text).expect("yaml");
    let mut names = Vec::new();
    collect_property_names(&spec, &mut names);
    assert!(names.len() > 1000, "{}", names.len());
    let mut sensitive = 0;
    for name in &names {
        let generator_says = generator::passes::sensitivity::classify(name).map(|s| format!("{s:?}"));
        let runtime_says = plaid_sdk::redact::sensitivity(name).map(|s| format!("{s:?}"));
        assert_eq!(generator_says, runtime_says, "{name}");
        sensitive += usize::from(runtime_says.is_some());
    }
    assert!(sensitive > 10, "{sensitive}");
}

fn collect_property_names(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(props) = map.get("properties").and_then(Value::as_object) {
                out.extend(props.keys().cloned());
            }
            map.values().for_each(|v| collect_property_names(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_property_names(v, out)),
        _ => {}
    }
}
