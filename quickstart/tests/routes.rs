//! Every route against the SDK's mock, in-process on loopback: the flow a user clicks through
//! answers with data, and bad input (no Item yet, a wrong form, an unknown route, a Plaid error,
//! a server that is not there) answers with the quickstart's error envelope, never a panic.

use std::collections::HashMap;
use std::time::Duration;

use plaid_quickstart::settings::Settings;
use plaid_quickstart::state::Shared;
use plaid_sdk::reqwest;
use plaid_quickstart::routes::reports::CONTENT_HASH;
use plaid_sdk::testing::{default_response, Answer, Endpoint};
use plaid_sdk::{AssetReportGetRequest, TransactionsSyncRequest};
use serde_json::{json, Value};

/// Every Item product with a panel.
const PRODUCTS: &str = "auth,transactions,signal,identity,investments,liabilities,assets,statements,transfer,income_verification";

/// Plaid Check's products, which run on a user rather than an Item.
const CRA_PRODUCTS: &str = "cra_base_report,cra_income_insights,cra_partner_insights";

/// A backend on loopback with these variables; its state and base URL.
async fn backend(vars: &[(&str, &str)]) -> (Shared, String) {
    let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let settings = Settings::from_vars(&vars).expect("settings");
    let state = plaid_quickstart::start(settings).await.expect("start");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let app = plaid_quickstart::routes::router(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (state, url)
}

/// A backend with an Item linked by the sandbox button; its state, base URL and HTTP client.
async fn linked_backend(vars: &[(&str, &str)]) -> (Shared, String, reqwest::Client) {
    let (state, url) = backend(vars).await;
    let http = http();
    let (status, body) = send(http.post(format!("{url}/api/sandbox/connect"))).await;
    assert_eq!(status, 200, "{body}");
    (state, url, http)
}

fn http() -> reqwest::Client {
    plaid_sdk::Client::http_builder().expect("builder").timeout(Duration::from_secs(60)).build().expect("client")
}

/// A JSON body (this reqwest is built without its `json` feature).
fn with_json(request: reqwest::RequestBuilder, body: &Value) -> reqwest::RequestBuilder {
    request.header("content-type", "application/json").body(body.to_string())
}

/// A form body, every byte but unreserved ones percent-encoded.
fn with_form(request: reqwest::RequestBuilder, pairs: &[(&str, &str)]) -> reqwest::RequestBuilder {
    let encode = |s: &str| s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect::<String>();
    let body = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
    request.header("content-type", "application/x-www-form-urlencoded").body(body)
}

/// Status and JSON body.
async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("the backend answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, body)
}

/// Sends `request` and asserts that it is refused with the envelope, this status and code.
async fn refused(request: reqwest::RequestBuilder, want_status: u16, want_code: &str) -> Value {
    let (status, body) = send(request).await;
    assert_envelope(status, &body, want_status, want_code);
    body
}

/// Asserts the quickstart's error envelope with this status and code.
fn assert_envelope(status: u16, body: &Value, want_status: u16, want_code: &str) {
    assert_eq!(status, want_status, "{body}");
    let error = body.get("error").unwrap_or_else(|| panic!("no envelope: {body}"));
    assert_eq!(error["status_code"], json!(want_status), "{body}");
    assert_eq!(error["error_code"], json!(want_code), "{body}");
    for field in ["error_type", "error_message"] {
        assert!(error[field].as_str().is_some_and(|s| !s.is_empty()), "{field} in {body}");
    }
}

#[tokio::test]
async fn every_panel_answers_with_data_after_connecting() {
    let (_, url) = backend(&[("PLAID_PRODUCTS", PRODUCTS)]).await;
    let http = http();
    let (status, info) = send(http.post(format!("{url}/api/info"))).await;
    assert_eq!(status, 200);
    assert_eq!(info["mode"], "offline");
    assert_eq!(info["access_token"], Value::Null);
    assert_eq!(info["products"].as_array().map(Vec::len), Some(10));
    let (status, token) = send(http.post(format!("{url}/api/create_link_token"))).await;
    assert_eq!(status, 200, "{token}");
    assert!(token["link_token"].as_str().is_some_and(|t| !t.is_empty()), "{token}");
    // Each link token is a new one, and lives 4 hours from now (the mock's story).
    let (_, second) = send(http.post(format!("{url}/api/create_link_token"))).await;
    assert_ne!(token["link_token"], second["link_token"]);
    assert_ne!(token["request_id"], second["request_id"]);
    let expiration = token["expiration"].as_str().and_then(|t| t.parse::<plaid_sdk::DateTime>().ok()).expect("an expiration");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) as i64;
    let left = expiration.to_utc().timestamp() - now;
    assert!((3 * 3600..=4 * 3600 + 60).contains(&left), "expires in {left} s");
    let (status, linked) = send(http.post(format!("{url}/api/sandbox/connect"))).await;
    assert_eq!(status, 200, "{linked}");
    assert_eq!(linked["error"], Value::Null);
    let (_, info) = send(http.post(format!("{url}/api/info"))).await;
    assert_eq!(info["item_id"], linked["item_id"]);

    let panels: &[(&str, &str)] = &[
        ("auth", "/numbers"),
        ("transactions", "/latest_transactions/0"),
        ("identity", "/identity/0/owners"),
        ("balance", "/accounts/0"),
        ("item", "/institution/name"),
        ("accounts", "/accounts/0"),
        ("holdings", "/holdings/holdings/0"),
        ("investments_transactions", "/investments_transactions/investment_transactions/0"),
        ("liabilities", "/liabilities/liabilities"),
        ("assets", "/json/items/0"),
        ("statements", "/json/accounts/0/statements/0"),
        ("transfer_authorize", "/authorization/id"),
        ("transfer_create", "/transfer/id"),
        ("signal_evaluate", "/scores"),
        ("income/verification/paystubs", "/paystubs/paystubs/0"),
    ];
    for (route, pointer) in panels {
        let (status, body) = send(http.get(format!("{url}/api/{route}"))).await;
        assert_eq!(status, 200, "{route}: {body}");
        assert!(body.get("error").is_none_or(Value::is_null), "{route}: {body}");
        assert!(body.pointer(pointer).is_some_and(|v| !v.is_null()), "{route} has no {pointer}: {body}");
    }
    // The PDFs are PDFs.
    use base64::Engine as _;
    for route in ["assets", "statements"] {
        let (_, body) = send(http.get(format!("{url}/api/{route}"))).await;
        let pdf = base64::engine::general_purpose::STANDARD.decode(body["pdf"].as_str().expect("pdf")).expect("base64");
        assert!(pdf.starts_with(b"%PDF-"), "{route}");
    }
    // The transfer is the one authorized: a 1.00 ACH debit.
    let (_, authorized) = send(http.get(format!("{url}/api/transfer_authorize"))).await;
    let (_, created) = send(http.get(format!("{url}/api/transfer_create"))).await;
    let transfer = &created["transfer"];
    assert_eq!((transfer["amount"].as_str(), transfer["type"].as_str(), transfer["network"].as_str()), (Some("1.00"), Some("debit"), Some("ach")), "{created}");
    assert_eq!(transfer["authorization_id"], authorized["authorization"]["id"]);
    // Dates follow the request: the investment transactions of the last 30 days are dated so.
    let (_, body) = send(http.get(format!("{url}/api/investments_transactions"))).await;
    let today = plaid_quickstart::routes::link::today();
    let earliest = plaid_quickstart::routes::link::days_before(today, 30);
    let latest_day = plaid_quickstart::routes::link::date(today);
    for t in body.pointer("/investments_transactions/investment_transactions").and_then(Value::as_array).into_iter().flatten() {
        let date = t["date"].as_str().unwrap_or_default();
        assert!((earliest.as_str()..=latest_day.as_str()).contains(&date), "{date} is not within the 30 days asked for");
    }
    // The newest eight, oldest first.
    let (_, body) = send(http.get(format!("{url}/api/transactions"))).await;
    let dates: Vec<&str> = body["latest_transactions"].as_array().expect("list").iter().filter_map(|t| t["date"].as_str()).collect();
    assert!(!dates.is_empty() && dates.len() <= 8 && dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
}

/// The ids of the objects in the list at `pointer`, under `key`.
fn ids(body: &Value, pointer: &str, key: &str) -> Vec<String> {
    body.pointer(pointer).and_then(Value::as_array).into_iter().flatten().filter_map(|o| o.get(key).and_then(Value::as_str).map(String::from)).collect()
}

/// Each list item at `from` refers (by `key`) to an item of the list at `to`, as Plaid's React
/// frontend looks them up: a dangling reference would throw in its panel.
fn assert_refers(route: &str, body: &Value, from: &str, to: &str, key: &str) {
    let targets = ids(body, to, key);
    let refs = ids(body, from, key);
    assert!(!refs.is_empty(), "{route}: no {from}[].{key}: {body}");
    for r in refs {
        assert!(targets.contains(&r), "{route}: {from}[].{key} {r} is not in {to}: {body}");
    }
}

#[tokio::test]
async fn answers_have_the_shapes_plaids_react_frontend_reads() {
    let (_, url, http) = linked_backend(&[("PLAID_PRODUCTS", PRODUCTS)]).await;
    let get = |route: &'static str| {
        let http = http.clone();
        let url = url.clone();
        async move {
            let (status, body) = send(http.get(format!("{url}/api/{route}"))).await;
            assert_eq!(status, 200, "{route}: {body}");
            body
        }
    };
    // What each panel's transform reads, as pointers into the answer.
    let reads: &[(&'static str, &[&str])] = &[
        ("auth", &["/numbers/ach/0/account", "/numbers/ach/0/routing", "/accounts/0/name", "/accounts/0/balances"]),
        ("transactions", &["/latest_transactions/0/name", "/latest_transactions/0/amount", "/latest_transactions/0/date"]),
        ("identity", &["/identity/0/owners/0/names", "/identity/0/owners/0/emails", "/identity/0/owners/0/phone_numbers", "/identity/0/owners/0/addresses/0/data/street"]),
        ("balance", &["/accounts/0/name", "/accounts/0/balances", "/accounts/0/subtype"]),
        ("item", &["/institution/name", "/item/billed_products", "/item/available_products"]),
        ("accounts", &["/accounts/0/name", "/accounts/0/balances"]),
        ("holdings", &["/holdings/holdings/0/quantity", "/holdings/securities/0/close_price", "/holdings/accounts/0/mask"]),
        ("investments_transactions", &["/investments_transactions/investment_transactions/0/amount", "/investments_transactions/securities/0/name"]),
        ("liabilities", &["/liabilities/liabilities/credit/0/account_id", "/liabilities/accounts/0/name"]),
        ("assets", &["/json/items/0/accounts/0/name", "/json/items/0/accounts/0/balances", "/json/items/0/accounts/0/transactions", "/json/items/0/accounts/0/days_available"]),
        ("statements", &["/json/accounts/0/account_name", "/json/accounts/0/statements/0/year", "/json/accounts/0/statements/0/month"]),
        ("transfer_authorize", &["/authorization/id", "/authorization/decision"]),
        ("transfer_create", &["/transfer/id", "/transfer/amount", "/transfer/type", "/transfer/network", "/transfer/status"]),
        ("signal_evaluate", &["/scores/customer_initiated_return_risk/score", "/scores/bank_initiated_return_risk/risk_tier"]),
        ("income/verification/paystubs", &["/paystubs/paystubs/0/employer/name", "/paystubs/paystubs/0/earnings/breakdown/0/current_amount"]),
    ];
    for (route, pointers) in reads {
        let body = get(route).await;
        for pointer in *pointers {
            assert!(body.pointer(pointer).is_some(), "{route}: the frontend reads {pointer}: {body}");
        }
        match *route {
            "auth" => assert_refers(route, &body, "/numbers/ach", "/accounts", "account_id"),
            "holdings" => {
                assert_refers(route, &body, "/holdings/holdings", "/holdings/accounts", "account_id");
                assert_refers(route, &body, "/holdings/holdings", "/holdings/securities", "security_id");
            }
            "liabilities" => assert_refers(route, &body, "/liabilities/liabilities/credit", "/liabilities/accounts", "account_id"),
            _ => {}
        }
    }
}

/// `PRODUCT_NOT_READY`, as Plaid answers while it builds a report.
fn not_ready<T>() -> Answer<T> {
    Answer::error("ASSET_REPORT_ERROR", "PRODUCT_NOT_READY")
}

/// An operation's default answer changed as JSON (whatever the spec version's type is).
fn changed<E: Endpoint>(edit: impl FnOnce(&mut Value)) -> E::Response {
    let mut value = serde_json::to_value(default_response::<E>().expect("a default answer")).expect("json");
    edit(&mut value);
    serde_json::from_value(value).expect("still the answer's type")
}

#[tokio::test]
async fn reports_and_a_new_items_transactions_are_polled_until_ready() {
    let (state, url, http) = linked_backend(&[("PLAID_PRODUCTS", "assets,transactions")]).await;
    let mock = state.mock.as_ref().expect("offline");
    mock.on::<AssetReportGetRequest>().respond_in_turn([not_ready(), not_ready(), Answer::ok(changed::<AssetReportGetRequest>(|_| {}))]);
    let (status, body) = send(http.get(format!("{url}/api/assets"))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(mock.calls::<AssetReportGetRequest>(), 3, "two waits, then the report");
    // A new Item: the first sync has nothing yet and an empty cursor.
    let empty = changed::<TransactionsSyncRequest>(|v| {
        v["next_cursor"] = json!("");
        v["added"] = json!([]);
        v["has_more"] = json!(false);
    });
    mock.on::<TransactionsSyncRequest>().respond_in_turn([Answer::ok(empty), Answer::ok(changed::<TransactionsSyncRequest>(|_| {}))]);
    let (status, body) = send(http.get(format!("{url}/api/transactions"))).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["latest_transactions"].as_array().is_some_and(|l| !l.is_empty()), "{body}");
    assert_eq!(mock.calls::<TransactionsSyncRequest>(), 2);
}

#[tokio::test]
async fn a_report_that_never_becomes_ready_ends_after_the_documented_polls() {
    let (state, url, http) = linked_backend(&[("PLAID_PRODUCTS", "assets")]).await;
    let mock = state.mock.as_ref().expect("offline");
    mock.on::<AssetReportGetRequest>().respond(not_ready());
    let started = std::time::Instant::now();
    refused(http.get(format!("{url}/api/assets")), 400, "PRODUCT_NOT_READY").await;
    assert_eq!(mock.calls::<AssetReportGetRequest>() as u32, plaid_quickstart::poll::REPORTS.attempts);
    assert!(started.elapsed() >= plaid_quickstart::poll::REPORTS.interval * (plaid_quickstart::poll::REPORTS.attempts - 1));
}

#[tokio::test]
async fn a_statement_that_does_not_match_its_content_hash_is_refused() {
    let (state, url, http) = linked_backend(&[("PLAID_PRODUCTS", "statements")]).await;
    // The mock sends the header (stated by the default overlay) with the file's SHA-256.
    let (status, body) = send(http.get(format!("{url}/api/statements"))).await;
    assert_eq!(status, 200, "{body}");
    let mock = state.mock.as_ref().expect("offline");
    let token = state.access_token().expect("linked");
    let raw = mock.client().raw(async |c| c.post_bytes("/statements/download", &json!({ "access_token": token, "statement_id": "s-1" })).await).await.expect("a download");
    assert!(raw.header(CONTENT_HASH).is_some_and(|h| h.len() == 64), "the mock sends the hash header");
    // A file altered on the way.
    let tampered = Answer::page(200, "%PDF-1.4 not the statement").with_header("Content-Type", "application/pdf").with_header(CONTENT_HASH, &"0".repeat(64));
    mock.on_path("POST", "/statements/download", tampered);
    refused(http.get(format!("{url}/api/statements")), 502, "CONTENT_HASH_MISMATCH").await;
}

#[tokio::test]
async fn the_consumer_report_panels_run_on_a_user() {
    let (_, url) = backend(&[("PLAID_PRODUCTS", CRA_PRODUCTS)]).await;
    let http = http();
    refused(http.get(format!("{url}/api/cra/get_base_report")), 400, "NO_USER_TOKEN").await;
    let (status, user) = send(http.post(format!("{url}/api/create_user_token"))).await;
    assert_eq!(status, 200, "{user}");
    let (status, linked) = send(http.post(format!("{url}/api/sandbox/connect"))).await;
    assert_eq!(status, 200, "{linked}");
    for (route, pointer) in [("cra/get_base_report", "/report"), ("cra/get_income_insights", "/report"), ("cra/get_partner_insights", "/request_id")] {
        let (status, body) = send(http.get(format!("{url}/api/{route}"))).await;
        assert_eq!(status, 200, "{route}: {body}");
        assert!(body.pointer(pointer).is_some_and(|v| !v.is_null()), "{route} has no {pointer}: {body}");
    }
}

#[tokio::test]
async fn the_payment_flow_creates_a_payment_the_panel_reads() {
    let (_, url) = backend(&[("PLAID_PRODUCTS", "payment_initiation"), ("PLAID_COUNTRY_CODES", "GB")]).await;
    let http = http();
    refused(http.get(format!("{url}/api/payment")), 400, "NO_PAYMENT").await;
    let (status, token) = send(http.post(format!("{url}/api/create_link_token_for_payment"))).await;
    assert_eq!(status, 200, "{token}");
    let (status, body) = send(http.get(format!("{url}/api/payment"))).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.pointer("/payment/payment_id").is_some_and(Value::is_string), "{body}");
}

#[tokio::test]
async fn panels_before_linking_answer_with_the_envelope() {
    let (_, url) = backend(&[("PLAID_PRODUCTS", &format!("{PRODUCTS},{CRA_PRODUCTS}"))]).await;
    let http = http();
    for route in ["auth", "transactions", "identity", "balance", "item", "accounts", "holdings", "assets", "statements", "transfer_authorize", "signal_evaluate"] {
        refused(http.get(format!("{url}/api/{route}")), 400, "NO_ACCESS_TOKEN").await;
    }
    refused(http.get(format!("{url}/api/transfer_create")), 400, "NO_ACCESS_TOKEN").await;
    refused(http.get(format!("{url}/api/cra/get_base_report")), 400, "NO_USER_TOKEN").await;
    // A CRA link token needs the user first.
    refused(http.post(format!("{url}/api/create_link_token")), 400, "NO_USER_TOKEN").await;
}

#[tokio::test]
async fn malformed_requests_answer_with_the_envelope() {
    let (_, url) = backend(&[]).await;
    let http = http();
    // Not a form, an empty form, a form without the field, an empty token.
    refused(with_json(http.post(format!("{url}/api/set_access_token")), &json!({ "public_token": "public-sandbox-x" })), 415, "INVALID_FORM").await;
    for form in ["", "token=abc", "public_token=", "public_token=%20"] {
        let request = http.post(format!("{url}/api/set_access_token")).header("content-type", "application/x-www-form-urlencoded").body(form);
        let (status, body) = send(request).await;
        assert!(status == 400 || status == 422, "{form:?}: {status}");
        assert_envelope(status, &body, status, "INVALID_FORM");
    }
    // A well-formed token the server never issued: Plaid's error and status, passed through.
    let request = with_form(http.post(format!("{url}/api/set_access_token")), &[("public_token", "public-sandbox-forged\u{7}\n")]);
    let body = refused(request, 400, "INVALID_PUBLIC_TOKEN").await;
    assert_eq!(body["error"]["error_type"], "INVALID_INPUT");
    // Too large a body.
    let large = "x".repeat(200_000);
    let request = with_form(http.post(format!("{url}/api/set_access_token")), &[("public_token", &large)]);
    refused(request, 413, "INVALID_FORM").await;
    // Link's exit report must be JSON.
    let request = http.post(format!("{url}/api/link_exit_error")).header("content-type", "application/json").body("{not json");
    refused(request, 400, "INVALID_BODY").await;
    let (status, body) = send(with_json(http.post(format!("{url}/api/link_exit_error")), &json!({ "error": { "error_code": "\u{1b}[31mX" } }))).await;
    assert_eq!((status, body), (200, json!({ "status": "logged" })));
    // An unknown product panel, an unknown route, a wrong method.
    for route in ["unknown_product", "auth/extra", "cra/get_everything"] {
        refused(http.get(format!("{url}/api/{route}")), 404, "UNKNOWN_ROUTE").await;
    }
    refused(http.get(format!("{url}/api/info")), 405, "METHOD_NOT_ALLOWED").await;
    refused(http.post(format!("{url}/api/auth")), 405, "METHOD_NOT_ALLOWED").await;
    // Still serving.
    let (status, _) = send(http.post(format!("{url}/api/info"))).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn plaid_errors_keep_plaids_fields_and_status() {
    let (state, url, http) = linked_backend(&[]).await;
    let mock = state.mock.as_ref().expect("offline");
    mock.on_operation("authGet", Answer::error("ITEM_ERROR", "ITEM_LOGIN_REQUIRED"));
    let body = refused(http.get(format!("{url}/api/auth")), 400, "ITEM_LOGIN_REQUIRED").await;
    assert_eq!(body["error"]["error_type"], "ITEM_ERROR");
    assert!(body["error"]["request_id"].is_string(), "Plaid's own fields pass through: {body}");
    // A server error mid-walk: Plaid's error and status, after the SDK's retries.
    mock.on_operation("transactionsSync", Answer::json(500, &json!({ "error_type": "API_ERROR", "error_code": "INTERNAL_SERVER_ERROR", "error_message": "boom", "display_message": null, "request_id": "r" })));
    refused(http.get(format!("{url}/api/transactions")), 500, "INTERNAL_SERVER_ERROR").await;
}

#[tokio::test]
async fn a_server_that_is_not_there_is_a_500_envelope() {
    // Port 9 (discard) on loopback: nothing listens in a test sandbox, so the connection is refused.
    let (_, url) = backend(&[("PLAID_BASE_URL", "http://127.0.0.1:9"), ("PLAID_CLIENT_ID", "id"), ("PLAID_SECRET", "secret-never-shown")]).await;
    let body = refused(http().post(format!("{url}/api/sandbox/connect")), 500, "TRANSPORT_ERROR").await;
    assert!(!body.to_string().contains("secret-never-shown"), "{body}");
    let (status, body) = send(http().post(format!("{url}/api/info"))).await;
    assert_eq!((status, body["mode"].as_str()), (200, Some("base_url")));
}

#[tokio::test]
async fn refused_settings_never_start() {
    let vars: HashMap<String, String> = [("PLAID_BASE_URL", "http://plaid.example.com")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let settings = Settings::from_vars(&vars).expect("read");
    let error = plaid_quickstart::start(settings).await.err().expect("plain http to another host is refused");
    assert!(error.contains("PLAID_BASE_URL"), "{error}");
}

#[tokio::test]
async fn production_has_no_sandbox_button() {
    let (_, url) = backend(&[("PLAID_CLIENT_ID", "id"), ("PLAID_SECRET", "s"), ("PLAID_ENV", "production")]).await;
    refused(http().post(format!("{url}/api/sandbox/connect")), 400, "SANDBOX_ONLY").await;
}
