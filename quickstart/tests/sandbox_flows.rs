//! The SDK's mock, on the complete spec's crate that this package builds on, through the flows
//! a suite written for Plaid's sandbox takes: what a test created is what get, update and list
//! answer; lists honour `count`; a request's list comes back; one answer item per request item;
//! a new object starts as a new one does; a statement carries its hash; and the answers about
//! one Item agree with each other. Requests are JSON read into the SDK's request types (so a
//! later spec's new optional field does not break the build); answers are decoded by the SDK's
//! types, which is what a strict client does, then read as JSON.

use std::collections::BTreeSet;

use plaid_sdk::testing::{MockPlaid, MOCK_CLIENT_ID, MOCK_SECRET};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// The SDK's request type from JSON.
fn req<T: DeserializeOwned>(body: Value) -> T {
    serde_json::from_value(body).unwrap_or_else(|e| panic!("the SDK's {} does not take this request: {e}", std::any::type_name::<T>()))
}

/// A decoded answer as JSON.
fn value<T: Serialize>(answer: &T) -> Value {
    serde_json::to_value(answer).expect("an answer serializes")
}

fn text<'v>(answer: &'v Value, pointer: &str) -> &'v str {
    answer.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("no text at {pointer} in {answer}"))
}

async fn mock() -> MockPlaid {
    MockPlaid::start().await.expect("a loopback port")
}

#[tokio::test]
async fn a_watchlist_screening_is_kept_updated_listed_and_fetched_with_its_own_name() {
    let mock = mock().await;
    let client = mock.client();
    let screen = |name: &str, user: &str| {
        json!({ "search_terms": { "watchlist_program_id": "prg_flows", "legal_name": name, "date_of_birth": "1990-05-29", "country": "GB" }, "client_user_id": user })
    };
    let made = value(&client.watchlist_screening_individual_create(req(screen("Ada Lovelace", "user-ada"))).await.expect("created"));
    client.watchlist_screening_individual_create(req(screen("Charles Babbage", "user-charles"))).await.expect("created");
    let id = text(&made, "/id").to_string();
    assert_eq!(text(&made, "/search_terms/legal_name"), "Ada Lovelace");
    assert_eq!(text(&made, "/status"), "pending_review", "a new screening awaits review");
    let update = json!({ "watchlist_screening_id": id, "search_terms": { "legal_name": "Augusta Ada King" } });
    let updated = value(&client.watchlist_screening_individual_update(req(update)).await.expect("updated"));
    assert_eq!(text(&updated, "/search_terms/legal_name"), "Augusta Ada King");
    let listed = value(&client.watchlist_screening_individual_list(req(json!({ "watchlist_program_id": "prg_flows", "client_user_id": "user-ada" }))).await.expect("listed"));
    let screenings = listed["watchlist_screenings"].as_array().expect("a list");
    assert_eq!(screenings.len(), 1, "{listed}");
    let listed_id = text(&screenings[0], "/id").to_string();
    assert_eq!(listed_id, id);
    let got = value(&client.watchlist_screening_individual_get(req(json!({ "watchlist_screening_id": listed_id }))).await.expect("fetched"));
    assert_eq!((text(&got, "/search_terms/legal_name"), text(&got, "/client_user_id"), text(&got, "/search_terms/date_of_birth")), ("Augusta Ada King", "user-ada", "1990-05-29"));
}

#[tokio::test]
async fn a_payment_recipient_keeps_the_bacs_it_was_created_with() {
    let mock = mock().await;
    let client = mock.client();
    let recipient = json!({
        "name": "Wonder Wallet",
        "bacs": { "account": "26207729", "sort_code": "560029" },
        "address": { "street": ["96 Guild Street", "9th Floor"], "city": "London", "postal_code": "SE14 8JW", "country": "GB" },
    });
    let made = value(&client.payment_initiation_recipient_create(req(recipient)).await.expect("created"));
    let id = text(&made, "/recipient_id").to_string();
    let got = value(&client.payment_initiation_recipient_get(req(json!({ "recipient_id": id }))).await.expect("decoded by the SDK's types"));
    assert_eq!((text(&got, "/recipient_id"), text(&got, "/name")), (id.as_str(), "Wonder Wallet"));
    assert_eq!((text(&got, "/bacs/account"), text(&got, "/bacs/sort_code"), text(&got, "/address/city")), ("26207729", "560029", "London"));
}

#[tokio::test]
async fn bank_transfers_list_as_counted_and_their_events_say_what_was_done() {
    let mock = mock().await;
    let client = mock.client();
    let item = mock.create_item();
    let mut ids = Vec::new();
    for (n, amount) in ["1.00", "2.00", "3.00"].iter().enumerate() {
        let transfer = json!({
            "idempotency_key": format!("flows-{n}"), "access_token": item.access_token, "account_id": "acc-1", "type": "debit", "network": "ach",
            "amount": amount, "iso_currency_code": "USD", "description": "Flows", "user": { "legal_name": "Ada Lovelace" },
        });
        let made = value(&client.bank_transfer_create(req(transfer)).await.expect("created"));
        assert_eq!((text(&made, "/bank_transfer/amount"), text(&made, "/bank_transfer/status")), (*amount, "pending"));
        ids.push(text(&made, "/bank_transfer/id").to_string());
    }
    let listed = |body: Value| {
        let client = client.clone();
        async move {
            let answer = value(&client.bank_transfer_list(req(body)).await.expect("listed"));
            answer["bank_transfers"].as_array().expect("a list").iter().map(|t| text(t, "/id").to_string()).collect::<Vec<_>>()
        }
    };
    assert_eq!(listed(json!({ "count": 1 })).await, ids[..1]);
    assert_eq!(listed(json!({})).await, ids);
    assert_eq!(listed(json!({ "count": 2, "offset": 2 })).await, ids[2..]);
    client.bank_transfer_cancel(req(json!({ "bank_transfer_id": ids[1] }))).await.expect("cancelled");
    let events = value(&client.bank_transfer_event_sync(req(json!({ "after_id": 0 }))).await.expect("events"));
    let seen: Vec<(&str, &str, &str)> = events["bank_transfer_events"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|e| (text(e, "/bank_transfer_id"), text(e, "/event_type"), text(e, "/bank_transfer_amount")))
        .collect();
    let want: Vec<(&str, &str, &str)> = vec![(&ids[0], "pending", "1.00"), (&ids[1], "pending", "2.00"), (&ids[2], "pending", "3.00"), (&ids[1], "cancelled", "2.00")];
    assert_eq!(seen, want);
    let one = value(&client.bank_transfer_event_list(req(json!({ "bank_transfer_id": ids[1] }))).await.expect("events"));
    assert_eq!(one["bank_transfer_events"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_link_token_is_fresh_expires_from_now_and_remembers_its_products() {
    let mock = mock().await;
    let client = mock.client();
    let create = json!({ "client_name": "Flows", "language": "en", "country_codes": ["US"], "user": { "client_user_id": "user-1" }, "products": ["auth", "transactions"] });
    let first = value(&client.link_token_create(req(create.clone())).await.expect("created"));
    let second = value(&client.link_token_create(req(create)).await.expect("created"));
    assert_ne!(text(&first, "/link_token"), text(&second, "/link_token"));
    assert_ne!(text(&first, "/request_id"), text(&second, "/request_id"));
    let this_year = 1970 + std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() / 31_556_952);
    let year: u64 = text(&first, "/expiration")[..4].parse().expect("a year");
    assert!(year >= this_year, "{}", text(&first, "/expiration"));
    let got = value(&client.link_token_get(req(json!({ "link_token": text(&first, "/link_token") }))).await.expect("fetched"));
    assert_eq!(got["metadata"]["initial_products"], json!(["auth", "transactions"]));
    assert_eq!(got["metadata"]["client_name"], "Flows");
}

#[tokio::test]
async fn an_enrichment_has_one_transaction_per_transaction_sent() {
    let mock = mock().await;
    let client = mock.client();
    let transactions: Vec<Value> = (1..=4)
        .map(|n| json!({ "id": format!("txn-{n}"), "description": format!("PURCHASE {n}"), "amount": n as f64 * 10.0, "direction": "OUTFLOW", "iso_currency_code": "USD" }))
        .collect();
    let answer = value(&client.transactions_enrich(req(json!({ "account_type": "depository", "transactions": transactions }))).await.expect("enriched"));
    let seen: Vec<(&str, &str)> = answer["enriched_transactions"].as_array().expect("a list").iter().map(|t| (text(t, "/id"), text(t, "/description"))).collect();
    assert_eq!(seen, [("txn-1", "PURCHASE 1"), ("txn-2", "PURCHASE 2"), ("txn-3", "PURCHASE 3"), ("txn-4", "PURCHASE 4")]);
}

#[tokio::test]
async fn a_new_identity_verification_is_active() {
    let mock = mock().await;
    let client = mock.client();
    let body = json!({ "client_user_id": "user-1", "is_shareable": true, "template_id": "idvtmp_flows", "gave_consent": true, "user": { "email_address": "ada@example.com" } });
    let made = value(&client.identity_verification_create(req(body)).await.expect("created"));
    assert_eq!(text(&made, "/status"), "active");
    let got = value(&client.identity_verification_get(req(json!({ "identity_verification_id": text(&made, "/id") }))).await.expect("fetched"));
    assert_eq!((text(&got, "/status"), text(&got, "/client_user_id")), ("active", "user-1"));
}

#[tokio::test]
async fn a_statement_carries_the_hash_of_its_body() {
    let mock = mock().await;
    let item = mock.create_item();
    let http = plaid_sdk::Client::http_builder().expect("TLS").build().expect("a client");
    let reply = http
        .post(format!("{}/statements/download", mock.url()))
        .header("PLAID-CLIENT-ID", MOCK_CLIENT_ID)
        .header("PLAID-SECRET", MOCK_SECRET)
        .header("Content-Type", "application/json")
        .body(json!({ "access_token": item.access_token, "statement_id": "stmt-1" }).to_string())
        .send()
        .await
        .expect("answers");
    let hash = reply.headers().get("Plaid-Content-Hash").and_then(|v| v.to_str().ok()).map(str::to_string).expect("the header");
    let body = reply.bytes().await.expect("a body");
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &body);
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hash, hex);
    assert!(body.starts_with(b"%PDF-"));
}

#[tokio::test]
async fn the_answers_about_one_item_agree() {
    let mock = mock().await;
    let client = mock.client();
    let public = value(&client.sandbox_public_token_create(req(json!({ "institution_id": "ins_109508", "initial_products": ["auth", "transactions"] }))).await.expect("a public token"));
    let exchanged = value(&client.item_public_token_exchange(req(json!({ "public_token": text(&public, "/public_token") }))).await.expect("exchanged"));
    let token = text(&exchanged, "/access_token").to_string();
    let account_ids = |answer: &Value| answer["accounts"].as_array().expect("accounts").iter().map(|a| text(a, "/account_id").to_string()).collect::<BTreeSet<_>>();
    let auth = value(&client.auth_get(req(json!({ "access_token": token }))).await.expect("auth"));
    let accounts = value(&client.accounts_get(req(json!({ "access_token": token }))).await.expect("accounts"));
    let balance = value(&client.accounts_balance_get(req(json!({ "access_token": token }))).await.expect("balance"));
    assert_eq!(account_ids(&auth), account_ids(&accounts));
    assert_eq!(account_ids(&balance), account_ids(&accounts));
    for number in auth["numbers"]["ach"].as_array().into_iter().flatten() {
        assert!(account_ids(&accounts).contains(text(number, "/account_id")), "{number}");
    }
    // The institution: the name the Item gives it is the name the institution has.
    let item = value(&client.item_get(req(json!({ "access_token": token }))).await.expect("item"));
    let institution_id = text(&item, "/item/institution_id").to_string();
    let institution = value(&client.institutions_get_by_id(req(json!({ "institution_id": institution_id, "country_codes": ["US"] }))).await.expect("institution"));
    if let Some(name) = item.pointer("/item/institution_name").and_then(Value::as_str) {
        assert_eq!(text(&institution, "/institution/name"), name);
    }
    // Optional data only when asked for.
    assert!(institution.pointer("/institution/primary_color").is_none_or(Value::is_null), "{institution}");
    let asked = json!({ "institution_id": institution_id, "country_codes": ["US"], "options": { "include_optional_metadata": true } });
    let full = value(&client.institutions_get_by_id(req(asked)).await.expect("institution"));
    assert!(full.pointer("/institution/primary_color").is_some_and(Value::is_string), "{full}");
    // Every answer has its own request id.
    let request_ids: BTreeSet<&str> = [&auth, &accounts, &balance, &item, &institution, &full].iter().map(|a| text(a, "/request_id")).collect();
    assert_eq!(request_ids.len(), 6);
    // A transfer authorized for a 1.00 debit is created as one.
    let account = account_ids(&accounts).into_iter().next().expect("an account");
    let authorize = json!({ "access_token": token, "account_id": account, "type": "debit", "network": "ach", "amount": "1.00", "ach_class": "ppd", "user": { "legal_name": "Ada Lovelace" } });
    let authorization = value(&client.transfer_authorization_create(req(authorize)).await.expect("authorized"));
    let create = json!({ "access_token": token, "account_id": account, "authorization_id": text(&authorization, "/authorization/id"), "description": "Flows" });
    let transfer = value(&client.transfer_create(req(create)).await.expect("created"));
    assert_eq!((text(&transfer, "/transfer/amount"), text(&transfer, "/transfer/type"), text(&transfer, "/transfer/network")), ("1.00", "debit", "ach"));
    assert_eq!(text(&transfer, "/transfer/status"), "pending");
}
