//! Beyond the typed calls, on loopback (wiremock): raw answers, per-call extras, calls by path,
//! the body of an answer that did not decode, and hooks; none of them shows a secret.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use plaid_sdk::*;
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const CLIENT_ID: &str = "client-id-0123456789";
const SECRET: &str = "SECRET-never-shown-9f2";
const ACCESS_TOKEN: &str = "access-sandbox-TOKEN-7";
/// A value of the application's own that it sends as an extra header.
const APP_TOKEN: &str = "app-bearer-TOKEN-31";

fn client(server: &MockServer) -> Client {
    let retry = RetryPolicy::default().with_max_retries(2).with_initial_backoff(Duration::from_millis(5)).with_max_backoff(Duration::from_millis(20));
    let config = Config::with_base_url(server.uri(), CLIENT_ID, SECRET).expect("loopback http is allowed");
    Client::new(config.with_retry(retry))
}

fn accounts_example() -> Value {
    let ops = tests::spec_operations();
    let op = ops.iter().find(|(id, _)| id == "accountsGet").map(|(_, op)| op).expect("accountsGet is in the specs");
    tests::first_example(&op["responses"]["200"]["content"]["application/json"]).expect("an example").clone()
}

fn plaid_error(status: u16, error_type: &str, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "error_type": error_type,
        "error_code": code,
        "error_message": "something went wrong",
        "display_message": null,
        "request_id": "req-4711",
        "causes": [],
        "status": status,
        "documentation_url": "https://plaid.com/docs/errors/",
        "suggested_action": null
    }))
}

fn request() -> AccountsGetRequest {
    AccountsGetRequest::new(ACCESS_TOKEN)
}

/// Neither a credential, the access token nor the application's header value shows in `text`.
fn assert_clean(what: &str, text: &str) {
    for secret in [SECRET, CLIENT_ID, ACCESS_TOKEN, APP_TOKEN] {
        assert!(!text.contains(secret), "{what}: `{secret}` leaked: {text}");
    }
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

#[tokio::test]
async fn a_raw_answer_has_the_status_headers_attempts_and_body_of_the_success() {
    let server = MockServer::start().await;
    let example = accounts_example();
    Mock::given(path("/accounts/get")).respond_with(plaid_error(503, "API_ERROR", "PLANNED_MAINTENANCE")).up_to_n_times(1).mount(&server).await;
    Mock::given(path("/accounts/get"))
        .respond_with(ResponseTemplate::new(200).insert_header("X-RateLimit-Remaining", "7").set_body_json(&example))
        .mount(&server)
        .await;
    let raw = client(&server).raw(async |c| c.accounts_get(request()).await).await.expect("the retry succeeds");
    assert_eq!(raw.status(), 200);
    assert_eq!(raw.header("x-ratelimit-remaining"), Some("7"));
    assert_eq!(raw.attempts(), 2);
    assert!(raw.elapsed() > Duration::ZERO);
    assert_eq!(serde_json::from_slice::<Value>(raw.body()).expect("JSON"), example);
    let typed: AccountsGetResponse = serde_json::from_value(example).expect("the example decodes");
    assert_eq!(raw.value(), &typed);
    let shown = format!("{raw:?}");
    assert!(shown.contains("x-ratelimit-remaining"), "header names are shown: {shown}");
    assert_clean("Raw Debug", &shown);
    assert!(!shown.contains("request_id"), "the body is not shown: {shown}");
}

#[tokio::test]
async fn raw_without_a_call_is_an_error_and_a_failed_call_is_its_own_error() {
    let server = MockServer::start().await;
    Mock::given(path("/accounts/get")).respond_with(plaid_error(400, "INVALID_INPUT", "INVALID_ACCESS_TOKEN")).mount(&server).await;
    let client = client(&server);
    let nothing = client.raw(async |_| Ok::<_, Error>(())).await.expect_err("no call was made");
    assert!(matches!(nothing, Error::Config { .. }), "{nothing:?}");
    // Spawned, as a web handler's future would be: it must be `Send + 'static`.
    let spawned = tokio::spawn({
        let client = client.clone();
        async move { client.raw(async |c| c.accounts_get(request()).await).await }
    });
    let failed = spawned.await.expect("the task ran").expect_err("Plaid said no");
    assert_eq!(failed.api().map(ApiError::error_code), Some("INVALID_ACCESS_TOKEN"));
}

#[tokio::test]
async fn extra_headers_query_parameters_and_body_fields_go_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accounts/get"))
        .and(header("x-app-auth", APP_TOKEN))
        .and(header("plaid-secret", SECRET))
        .and(query_param("debug", "a b&c"))
        .and(body_partial_json(json!({"access_token": ACCESS_TOKEN, "brand_new_field": {"depth": 2}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(accounts_example()))
        .expect(1)
        .mount(&server)
        .await;
    let extended = client(&server).with_header("X-App-Auth", APP_TOKEN).with_query("debug", "a b&c").with_body_field("brand_new_field", json!({"depth": 2}));
    assert_clean("Client Debug", &format!("{extended:?}"));
    extended.accounts_get(request()).await.expect("every extra matched");
    // The extras belong to the clone: the original client sends none.
    let plain = received(&server).await;
    assert_eq!(plain.len(), 1);
}

#[tokio::test]
async fn credential_and_framing_headers_cannot_be_replaced_and_nothing_is_sent() {
    let server = MockServer::start().await;
    for name in ["PLAID-SECRET", "plaid-client-id", "Content-Type", "Host"] {
        let error = client(&server).with_header(name, APP_TOKEN).accounts_get(request()).await.expect_err(name);
        assert!(matches!(error, Error::Config { .. }), "{error:?}");
        assert!(error.to_string().contains(name), "{error}");
        assert_clean("Display", &format!("{error} {error:?}"));
    }
    assert!(received(&server).await.is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn an_untyped_call_is_retried_by_its_class_and_its_plaid_error_is_typed() {
    let server = MockServer::start().await;
    let route = "/beta/partner/thing/get";
    Mock::given(path(route)).respond_with(plaid_error(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT")).up_to_n_times(1).mount(&server).await;
    Mock::given(path(route)).respond_with(plaid_error(500, "API_ERROR", "INTERNAL_SERVER_ERROR")).up_to_n_times(1).mount(&server).await;
    Mock::given(path(route)).respond_with(ResponseTemplate::new(200).set_body_json(json!({"thing": {"id": "t-1"}, "request_id": "r-2"}))).mount(&server).await;
    let client = client(&server);
    let body = json!({"access_token": ACCESS_TOKEN, "thing_id": "t-1"});
    // Acting by default: the 429 (not processed) is retried, the 500 (maybe processed) is not.
    let error = client.post_json(route, &body).await.expect_err("a 500 ends an acting call");
    assert_eq!(error.api().map(ApiError::error_code), Some("INTERNAL_SERVER_ERROR"));
    assert_eq!(error.attempts(), 2);
    assert!(error.may_have_been_processed());
    assert_clean("untyped error", &format!("{error} {error:?}"));
    // The caller knows better: as a read, it would have been retried; now it succeeds.
    #[derive(serde::Deserialize)]
    struct Answer {
        thing: Thing,
    }
    #[derive(serde::Deserialize)]
    struct Thing {
        id: String,
    }
    let answer: Answer = client.with_retry_class(RetryClass::Read).post_as(route, &body).await.expect("succeeds");
    assert_eq!(answer.thing.id, "t-1");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.headers.get("plaid-client-id").and_then(|v| v.to_str().ok()), Some(CLIENT_ID), "credentials as for typed calls");
        assert_eq!(request.method.as_str(), "POST");
    }
    let get: Value = client.request_as(reqwest::Method::GET, "/beta/partner/thing/get?limit=2", None::<&()>).await.expect("a GET by path");
    assert_eq!(get["thing"]["id"], "t-1");
}

#[tokio::test]
async fn a_file_by_path_comes_back_as_received_and_its_errors_are_typed() {
    let server = MockServer::start().await;
    let pdf = b"%PDF-1.4\n\x00\xff binary".to_vec();
    Mock::given(path("/beta/report/pdf/get")).respond_with(ResponseTemplate::new(200).set_body_raw(pdf.clone(), "application/pdf")).mount(&server).await;
    Mock::given(path("/beta/report/missing/get")).respond_with(plaid_error(400, "INVALID_INPUT", "INVALID_REPORT")).mount(&server).await;
    let client = client(&server);
    let body = json!({"access_token": ACCESS_TOKEN});
    assert_eq!(client.post_bytes("/beta/report/pdf/get", &body).await.expect("the file"), pdf);
    let error = client.post_bytes("/beta/report/missing/get", &body).await.expect_err("Plaid's error");
    assert_eq!(error.api().map(ApiError::error_code), Some("INVALID_REPORT"));
    assert_clean("untyped bytes error", &format!("{error} {error:?}"));
    for bad in ["//evil.example/file", "/a/../b", "/file?secret=x"] {
        let error = client.post_bytes(bad, &body).await.expect_err(bad);
        assert!(matches!(error, Error::Config { .. }), "{bad}: {error:?}");
    }
    let sent = received(&server).await;
    assert_eq!(sent.len(), 2, "the refused paths sent nothing");
    assert!(sent.iter().all(|r| r.headers.get("plaid-client-id").is_some()), "credentials as for typed calls");
}

#[tokio::test]
async fn an_untyped_path_cannot_leave_the_configured_host() {
    let server = MockServer::start().await;
    for bad in ["//evil.example/steal", "@evil.example/steal", "beta/get", "/x#y"] {
        let error = client(&server).post_json(bad, &json!({})).await.expect_err(bad);
        assert!(matches!(error, Error::Config { .. }), "{bad}: {error:?}");
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn a_drifted_answer_leaves_its_body_in_the_error() {
    let server = MockServer::start().await;
    let mut drifted = accounts_example();
    drifted["accounts"] = Value::Null;
    drifted["access_token_echo"] = json!(ACCESS_TOKEN);
    Mock::given(path("/accounts/get")).respond_with(ResponseTemplate::new(200).set_body_json(&drifted)).mount(&server).await;
    let error = client(&server).accounts_get(request()).await.expect_err("accounts is required");
    let Error::Decode(decode) = &error else { panic!("expected a decode error, got {error:?}") };
    assert!(decode.body_is_complete());
    let body: Value = serde_json::from_slice(decode.body()).expect("the body as received");
    assert_eq!(body["item"]["item_id"], drifted["item"]["item_id"], "the app reads what it needs");
    // The error keeps the body for the app, and shows none of it.
    assert_clean("decode error", &format!("{error} {error:?} {}", error.brief()));
    assert!(format!("{decode:?}").contains("bytes>"), "{decode:?}");
}

/// What `after_call` saw: operation, status, attempts, whether it failed, request id.
type After = (String, Option<u16>, u32, bool, Option<String>);

/// Records what the hooks saw.
#[derive(Default)]
struct Seen {
    before: Vec<String>,
    after: Vec<After>,
    shown: Vec<String>,
}

struct Recorder(Arc<Mutex<Seen>>);

impl Hook for Recorder {
    fn before_send(&self, request: &mut HookRequest<'_>) {
        let mut seen = self.0.lock().expect("not poisoned");
        seen.before.push(format!("{} {}", request.operation().id, request.path()));
        seen.shown.push(format!("{request:?} {}", request.redacted_body().unwrap_or_default()));
        request.set_header("X-Audit", "audit-1").expect("an ordinary header");
        assert!(request.set_header("PLAID-SECRET", "x").is_err(), "credentials stay the Config's");
    }

    fn after_call(&self, outcome: &CallOutcome<'_>) {
        let mut seen = self.0.lock().expect("not poisoned");
        seen.after.push((outcome.operation.id.to_string(), outcome.status, outcome.attempts, outcome.error.is_some(), outcome.request_id.map(str::to_string)));
        seen.shown.push(format!("{outcome:?}"));
    }
}

#[tokio::test]
async fn hooks_run_once_per_call_with_its_attempts() {
    let server = MockServer::start().await;
    let example = accounts_example();
    Mock::given(path("/accounts/get")).respond_with(plaid_error(503, "API_ERROR", "PLANNED_MAINTENANCE")).up_to_n_times(1).mount(&server).await;
    Mock::given(path("/accounts/get")).and(header("x-audit", "audit-1")).respond_with(ResponseTemplate::new(200).set_body_json(&example)).mount(&server).await;
    Mock::given(path("/item/get")).respond_with(plaid_error(400, "INVALID_INPUT", "INVALID_ACCESS_TOKEN")).mount(&server).await;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let client = client(&server).with_hook(Recorder(seen.clone())).with_header("X-App-Auth", APP_TOKEN);
    client.accounts_get(request()).await.expect("the retry succeeds");
    client.item_get(ItemGetRequest::new(ACCESS_TOKEN)).await.expect_err("Plaid said no");
    let audited = received(&server).await.iter().filter(|r| r.url.path() == "/accounts/get" && r.headers.contains_key("x-audit")).count();
    let seen = seen.lock().expect("not poisoned");
    assert_eq!(seen.before, ["accountsGet /accounts/get", "itemGet /item/get"]);
    let request_id = example["request_id"].as_str().map(str::to_string);
    assert_eq!(
        seen.after,
        [("accountsGet".to_string(), Some(200), 2, false, request_id), ("itemGet".to_string(), Some(400), 1, true, Some("req-4711".to_string()))]
    );
    for shown in &seen.shown {
        assert_clean("hook view", shown);
    }
    assert!(seen.shown[0].contains("x-app-auth"), "the hook sees the extra header's name: {}", seen.shown[0]);
    assert!(seen.shown[0].contains("<redacted>"), "the body's access token is redacted: {}", seen.shown[0]);
    assert_eq!(audited, 2, "the header the hook set went with both attempts");
}

#[tokio::test]
async fn a_hook_sees_a_call_that_fails_before_sending_only_after_it() {
    let server = MockServer::start().await;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let client = client(&server).with_hook(Recorder(seen.clone()));
    client.with_header("Host", "evil.example").accounts_get(request()).await.expect_err("refused");
    let seen = seen.lock().expect("not poisoned");
    assert!(seen.before.is_empty());
    assert_eq!(seen.after, [("accountsGet".to_string(), None, 0, true, None)]);
}
