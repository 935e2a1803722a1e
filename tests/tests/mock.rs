//! The `testing` feature's mock of Plaid, against the crate generated from `specs/`: default
//! answers, request checks, typed stubs and sequences, sandbox state, signed webhooks that
//! `WebhookVerifier` accepts, and a server that stops when dropped.

use std::time::Duration;

use plaid_sdk::testing::{default_answer, Answer, MockPlaid, ViolationKind, MOCK_CLIENT_ID, MOCK_SECRET};
use plaid_sdk::webhooks::{Webhook, WebhookVerifier};
use plaid_sdk::{
    AccountsBalanceGetRequest, AccountsBalanceGetRequestPaymentDetails, AccountsGetRequest, AccountsGetRequestOptions, AccountsGetResponse, Error,
    ItemAccessTokenInvalidateRequest, ItemActivityListRequest, ItemRemoveRequest, ItemWebhookUpdateRequest,
    ItemGetRequest, ItemPublicTokenExchangeRequest, SandboxItemFireWebhookRequest, SandboxItemResetLoginRequest,
    WebhookVerificationKeyGetRequest,
};
use serde_json::{json, Value};

async fn mock() -> MockPlaid {
    MockPlaid::start().await.expect("a loopback port")
}

/// The Plaid error code of a failed call.
fn code(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Api(e)) => e.error_code().to_string(),
        other => panic!("expected a Plaid error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_issued_token_gets_the_spec_example_with_its_item() {
    let mock = mock().await;
    let item = mock.create_item();
    let answer = mock.client().accounts_get(AccountsGetRequest::new(&item.access_token)).await.expect("the default answer");
    let example: AccountsGetResponse = serde_json::from_str(default_answer("accountsGet").expect("an answer")).expect("decodes");
    // The example's accounts, with ids of the Item's own.
    assert_eq!(answer.accounts.len(), example.accounts.len());
    for (got, want) in answer.accounts.iter().zip(&example.accounts) {
        assert_eq!((&got.name, &got.mask, &got.balances, &got.type_), (&want.name, &want.mask, &want.balances, &want.type_));
        assert_ne!(got.account_id, want.account_id);
    }
    assert_eq!(answer.item.item_id, item.item_id, "the answer names the Item the token is for");
    assert_eq!(mock.calls::<AccountsGetRequest>(), 1);
    assert_eq!(mock.requests::<AccountsGetRequest>()[0].access_token, item.access_token);
}

#[tokio::test]
async fn the_answers_about_one_item_tell_one_story() {
    let mock = mock().await;
    let client = mock.client();
    let (first, second) = (mock.create_item(), mock.create_item());
    let ids = |accounts: &[plaid_sdk::AccountBase]| accounts.iter().map(|a| a.account_id.clone()).collect::<Vec<_>>();
    let accounts = client.accounts_get(AccountsGetRequest::new(&first.access_token)).await.expect("accounts");
    let balances = client.accounts_balance_get(plaid_sdk::AccountsBalanceGetRequest::new(&first.access_token)).await.expect("balances");
    let again = client.accounts_get(AccountsGetRequest::new(&first.access_token)).await.expect("accounts again");
    assert_eq!(ids(&accounts.accounts), ids(&balances.accounts), "the same accounts in every answer about the Item");
    assert_eq!(ids(&accounts.accounts), ids(&again.accounts));
    let names = |accounts: &[plaid_sdk::AccountBase]| accounts.iter().map(|a| (a.name.clone(), a.mask.clone())).collect::<Vec<_>>();
    assert_eq!(names(&accounts.accounts), names(&balances.accounts));
    let other = client.accounts_get(AccountsGetRequest::new(&second.access_token)).await.expect("another Item");
    assert!(ids(&other.accounts).iter().all(|id| !ids(&accounts.accounts).contains(id)), "another Item has accounts of its own");
    // Every answer has its own request id.
    assert_ne!(accounts.request_id, again.request_id);
    assert_ne!(accounts.request_id, balances.request_id);
}

#[tokio::test]
async fn default_answers_keep_the_accounts_asked_for_and_echo_the_webhook_set() {
    let mock = mock().await;
    let item = mock.create_item();
    let client = mock.client();
    let all = client.accounts_get(AccountsGetRequest::new(&item.access_token)).await.expect("every account");
    assert!(all.accounts.len() > 1, "the example has several accounts");
    let wanted = all.accounts[1].account_id.clone();
    let options = AccountsGetRequestOptions::new().with_account_ids(vec![wanted.clone()]);
    let one = client.accounts_get(AccountsGetRequest::new(&item.access_token).with_options(options)).await.expect("one account");
    let ids: Vec<&str> = one.accounts.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(ids, [wanted.as_str()]);
    let updated = client.item_webhook_update(ItemWebhookUpdateRequest::new(&item.access_token).with_webhook("https://example.com/hooks/new")).await.expect("updated");
    assert_eq!(updated.item.webhook.as_deref(), Some("https://example.com/hooks/new"));
}

#[tokio::test]
async fn an_invalidated_token_is_replaced_and_a_removed_item_is_not_found() {
    let mock = mock().await;
    let item = mock.create_item();
    let client = mock.client();
    let rotated = client.item_access_token_invalidate(ItemAccessTokenInvalidateRequest::new(&item.access_token)).await.expect("a new token");
    assert_ne!(rotated.new_access_token, item.access_token);
    // The new token is the same Item's; the old one is refused.
    let accounts = client.accounts_get(AccountsGetRequest::new(&rotated.new_access_token)).await.expect("the new token works");
    assert_eq!(accounts.item.item_id, item.item_id);
    assert_eq!(code(client.accounts_get(AccountsGetRequest::new(&item.access_token)).await), "INVALID_ACCESS_TOKEN");
    // A removed Item answers as Plaid's sandbox does.
    client.item_remove(ItemRemoveRequest::new(&rotated.new_access_token)).await.expect("removed");
    assert_eq!(code(client.accounts_get(AccountsGetRequest::new(&rotated.new_access_token)).await), "ITEM_NOT_FOUND");
}

#[tokio::test]
async fn a_webhook_can_carry_the_fields_a_test_chooses_checked_against_its_type() {
    let mock = mock().await;
    let item = mock.create_item();
    let fields = json!({ "error": { "error_code": "ITEM_LOGIN_REQUIRED", "error_type": "ITEM_ERROR" }, "item_id": "ignored" });
    let delivery = mock.fire_webhook_with(&item.access_token, "ITEM", "ERROR", &fields).await.expect("sent");
    match Webhook::parse(&delivery.body).expect("decodes") {
        Webhook::ItemError(hook) => {
            let error = hook.error.expect("the error chosen");
            assert_eq!((error.error_code.as_str(), hook.item_id.as_str()), ("ITEM_LOGIN_REQUIRED", item.item_id.as_str()));
        }
        other => panic!("expected ITEM / ERROR, got {other:?}"),
    }
    // Fields the payload's type cannot hold: refused, and nothing is sent.
    let before = mock.webhooks().len();
    let refused = mock.fire_webhook_with(&item.access_token, "ITEM", "ERROR", &json!({ "error": 5 })).await;
    assert!(matches!(refused, Err(plaid_sdk::testing::MockError::InvalidFields(_))), "{refused:?}");
    assert_eq!(mock.webhooks().len(), before);
}

#[tokio::test]
async fn tokens_the_mock_did_not_issue_are_refused() {
    let mock = mock().await;
    let client = mock.client();
    assert_eq!(code(client.accounts_get(AccountsGetRequest::new("access-sandbox-forged")).await), "INVALID_ACCESS_TOKEN");
    assert_eq!(code(client.item_public_token_exchange(ItemPublicTokenExchangeRequest::new("public-forged")).await), "INVALID_PUBLIC_TOKEN");
}

#[tokio::test]
async fn an_exchanged_public_token_gives_a_working_access_token_once() {
    let mock = mock().await;
    let client = mock.client();
    let public_token = mock.create_public_token();
    let exchanged = client.item_public_token_exchange(ItemPublicTokenExchangeRequest::new(&public_token)).await.expect("exchanged");
    let item = client.item_get(ItemGetRequest::new(&exchanged.access_token)).await.expect("the token works");
    assert_eq!(item.item.item_id, exchanged.item_id);
    assert_eq!(code(client.item_public_token_exchange(ItemPublicTokenExchangeRequest::new(&public_token)).await), "INVALID_PUBLIC_TOKEN");
}

#[tokio::test]
async fn a_request_past_its_schema_is_rejected_naming_the_field() {
    let mock = mock().await;
    let item = mock.create_item();
    let client = mock.client();
    let result = client.item_activity_list(ItemActivityListRequest::new().with_access_token(&item.access_token).with_count(51)).await;
    match result {
        Err(Error::Api(e)) => {
            assert_eq!(e.error_type().as_str(), "INVALID_REQUEST");
            assert_eq!(e.error_code(), "INVALID_FIELD");
            assert!(e.error_message().starts_with("count "), "{}", e.error_message());
        }
        other => panic!("expected INVALID_REQUEST, got {other:?}"),
    }
    let details = AccountsBalanceGetRequestPaymentDetails::new().with_client_transaction_id("").with_balance_threshold_percentage(0);
    let request = AccountsBalanceGetRequest::new(&item.access_token).with_payment_details(details);
    assert_eq!(code(client.accounts_balance_get(request).await), "INVALID_FIELD");
    let found: Vec<(String, ViolationKind)> = mock.violations().into_iter().map(|v| (v.field, v.kind)).collect();
    assert_eq!(
        found,
        [
            ("count".to_string(), ViolationKind::Range),
            ("payment_details.client_transaction_id".to_string(), ViolationKind::Length),
            ("payment_details.balance_threshold_percentage".to_string(), ViolationKind::Range),
        ]
    );
    assert!(mock.requests::<ItemActivityListRequest>().is_empty(), "a rejected request is not one received");
    assert_eq!(mock.calls::<ItemActivityListRequest>(), 1);
}

#[tokio::test]
async fn a_hand_written_request_is_checked_too() {
    let mock = mock().await;
    let http = plaid_sdk::Client::http_builder().expect("TLS").build().expect("a client");
    let send = |body: &'static str, with_keys: bool| {
        let mut request = http.post(format!("{}/accounts/get", mock.url())).header("Content-Type", "application/json").body(body);
        if with_keys {
            request = request.header("PLAID-CLIENT-ID", MOCK_CLIENT_ID).header("PLAID-SECRET", MOCK_SECRET);
        }
        request.send()
    };
    let answer: Value = send(r#"{"options": {"account_ids": [7]}}"#, true).await.expect("answers").bytes().await.map(|b| serde_json::from_slice(&b).expect("JSON")).expect("a body");
    assert_eq!(answer["error_code"], "MISSING_FIELDS");
    assert_eq!(answer["error_message"], "access_token is required (and 1 more)");
    let fields: Vec<String> = mock.violations().into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["access_token", "options.account_ids[0]"]);
    let answer: Value = send("{not json", true).await.expect("answers").bytes().await.map(|b| serde_json::from_slice(&b).expect("JSON")).expect("a body");
    assert_eq!(answer["error_code"], "INVALID_FIELD");
    assert_eq!(mock.violations().last().map(|v| v.kind), Some(ViolationKind::Body));
    let answer: Value = send("{}", false).await.expect("answers").bytes().await.map(|b| serde_json::from_slice(&b).expect("JSON")).expect("a body");
    assert_eq!(answer["error_code"], "MISSING_FIELDS");
    assert!(answer["error_message"].as_str().is_some_and(|m| m.contains("PLAID-CLIENT-ID")));
}

#[tokio::test]
async fn typed_stubs_answer_in_turn_and_through_real_retries() {
    let mock = mock().await;
    let (first, second) = (mock.create_item(), mock.create_item());
    let mut stubbed: AccountsGetResponse = serde_json::from_str(default_answer("accountsGet").expect("an answer")).expect("decodes");
    stubbed.accounts.truncate(1);
    let token = first.access_token.clone();
    mock.on::<AccountsGetRequest>().when(move |r| r.access_token == token).respond_in_turn([
        Answer::page(502, "<html>bad gateway</html>"),
        Answer::rate_limited(Duration::ZERO),
        Answer::ok(stubbed.clone()),
    ]);
    let client = mock.client();
    let answer = client.accounts_get(AccountsGetRequest::new(&first.access_token)).await.expect("retried to the stub's answer");
    assert_eq!(answer.accounts, stubbed.accounts);
    assert_eq!(mock.calls::<AccountsGetRequest>(), 3, "a 502 page and a 429, each retried");
    // The predicate keeps the other Item on the default answer.
    let other = client.accounts_get(AccountsGetRequest::new(&second.access_token)).await.expect("the default answer");
    assert_eq!(other.accounts.len(), 3);
    // A newer stub wins; an error answer is a typed Plaid error.
    mock.on::<AccountsGetRequest>().respond(Answer::error("ITEM_ERROR", "PRODUCT_NOT_READY").with_status(400));
    assert_eq!(code(client.accounts_get(AccountsGetRequest::new(&second.access_token)).await), "PRODUCT_NOT_READY");
    let seen: Vec<String> = mock.requests::<AccountsGetRequest>().into_iter().map(|r| r.access_token).collect();
    let (a, b) = (first.access_token.clone(), second.access_token.clone());
    assert_eq!(seen, [a.clone(), a.clone(), a, b.clone(), b]);
}

#[tokio::test]
async fn reset_login_makes_later_calls_need_a_login() {
    let mock = mock().await;
    let item = mock.create_item();
    let client = mock.client();
    client.sandbox_item_reset_login(SandboxItemResetLoginRequest::new(&item.access_token)).await.expect("reset");
    assert_eq!(code(client.accounts_get(AccountsGetRequest::new(&item.access_token)).await), "ITEM_LOGIN_REQUIRED");
    client.item_get(ItemGetRequest::new(&item.access_token)).await.expect("the Item itself still answers");
    let other = mock.create_item();
    client.accounts_get(AccountsGetRequest::new(&other.access_token)).await.expect("other Items are untouched");
}

#[tokio::test]
async fn a_fired_webhook_is_signed_with_the_key_the_mock_serves() {
    let mock = mock().await;
    let item = mock.create_item();
    let receiver = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST")).respond_with(wiremock::ResponseTemplate::new(200)).mount(&receiver).await;
    mock.set_webhook_url(&item.access_token, &format!("{}/plaid", receiver.uri())).expect("a known token");
    let handled = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = handled.clone();
    mock.on_webhook(move |d| seen.lock().expect("unpoisoned").push(d.body.clone()));
    let client = mock.client();
    let fire = SandboxItemFireWebhookRequest::new(&item.access_token, "NEW_ACCOUNTS_AVAILABLE");
    client.sandbox_item_fire_webhook(fire).await.expect("fired");
    let delivery = mock.webhooks().pop().expect("one delivery");
    assert_eq!(delivery.status, Some(200), "posted to the Item's loopback URL");
    let posted = receiver.received_requests().await.unwrap_or_default();
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].body, delivery.body);
    assert_eq!(handled.lock().expect("unpoisoned").as_slice(), std::slice::from_ref(&delivery.body), "the handler got it too");
    let header = posted[0].headers.get("plaid-verification").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let verifier = WebhookVerifier::new(client.clone());
    match verifier.verify(header, &posted[0].body).await {
        Ok(Webhook::ItemNewAccountsAvailable(hook)) => assert_eq!(hook.item_id.as_deref(), Some(item.item_id.as_str())),
        other => panic!("expected the verified webhook, got {other:?}"),
    }
    // The same body under another's signature, or another body under this one, is refused.
    let forged = serde_json::to_vec(&json!({"webhook_type": "ITEM", "webhook_code": "ERROR"})).expect("JSON");
    assert!(verifier.verify(&delivery.plaid_verification, &forged).await.is_err());
    // The direct call does the same without a request.
    let direct = mock.fire_webhook(&item.access_token, "ITEM", "LOGIN_REPAIRED").await.expect("a pair of the specs");
    assert!(matches!(verifier.verify(&direct.plaid_verification, &direct.body).await, Ok(Webhook::ItemLoginRepaired(_))));
    assert!(mock.fire_webhook(&item.access_token, "ITEM", "NO_SUCH_CODE").await.is_err());
    // An unknown key id is Plaid's INVALID_INPUT.
    assert_eq!(code(client.webhook_verification_key_get(WebhookVerificationKeyGetRequest::new("other-key")).await), "INVALID_WEBHOOK_VERIFICATION_KEY_ID");
}

#[tokio::test]
async fn a_webhook_url_off_this_machine_is_never_called() {
    let mock = mock().await;
    let delivery = mock.send_webhook(&json!({"webhook_type": "ITEM", "webhook_code": "ERROR"}), Some("https://example.com/hook")).await.expect("signed");
    assert_eq!(delivery.status, None);
    assert_eq!(mock.webhooks().len(), 1);
}

#[tokio::test]
async fn unmatched_calls_can_fail_instead() {
    let mock = mock().await;
    let item = mock.create_item();
    mock.fail_unmatched();
    let client = mock.client();
    assert_eq!(code(client.item_get(ItemGetRequest::new(&item.access_token)).await), "MOCK_UNMATCHED");
    assert_eq!(mock.unmatched(), ["itemGet"]);
    // The sandbox's own flows still answer: they are the mock's behaviour, not a default.
    client.sandbox_item_reset_login(SandboxItemResetLoginRequest::new(&item.access_token)).await.expect("reset");
    mock.on::<ItemGetRequest>().respond(Answer::error("ITEM_ERROR", "ITEM_LOGIN_REQUIRED"));
    assert_eq!(code(client.item_get(ItemGetRequest::new(&item.access_token)).await), "ITEM_LOGIN_REQUIRED");
    assert_eq!(mock.unmatched(), ["itemGet"]);
}

#[tokio::test]
async fn dropping_the_mock_stops_it() {
    let mock = mock().await;
    let client = mock.client().with_timeout(Duration::from_secs(5));
    drop(mock);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let result = client.item_get(ItemGetRequest::new("access-sandbox-x")).await;
    assert!(matches!(result, Err(Error::Transport(_))), "{result:?}");
}

#[tokio::test]
async fn a_path_stub_answers_in_turn_then_repeats_its_last_answer() {
    let mock = mock().await;
    let route = "/beta/thing/get";
    let busy = Answer::json(503, &json!({"error_type": "API_ERROR", "error_code": "PLANNED_MAINTENANCE", "error_message": "back soon", "display_message": null, "request_id": "r-1"}));
    let fine = |n: u32| Answer::json(200, &json!({"n": n, "request_id": format!("r-{n}")}));
    mock.on_path_in_turn("POST", route, [busy, fine(2), fine(3)]);
    // Acting by default: the 503 (Plaid did not process it) is retried, then the second answer.
    let client = mock.client();
    assert_eq!(client.post_json(route, &json!({})).await.expect("after a retry")["n"], 2);
    assert_eq!(client.post_json(route, &json!({})).await.expect("the third")["n"], 3);
    assert_eq!(client.post_json(route, &json!({})).await.expect("the last again")["n"], 3);
    assert_eq!(mock.calls_to("POST /beta/thing/get"), 4);
}

#[tokio::test]
async fn extra_headers_and_calls_by_path_are_recorded_and_an_unlisted_path_can_be_stubbed() {
    let mock = mock().await;
    let item = mock.create_item();
    let client = mock.client().with_header("X-Trace-Id", "trace-77").with_body_field("brand_new_option", true);
    client.accounts_get(AccountsGetRequest::new(&item.access_token)).await.expect("the default answer");

    // A path the specs do not list: 404 until a test stubs it, then its answer.
    let route = "/beta/transfer/thing/create";
    let missing = client.post_json(route, &json!({"access_token": item.access_token})).await;
    assert_eq!(code(missing), "NOT_FOUND");
    mock.on_path("POST", route, Answer::json(200, &json!({"thing_id": "thing-1", "request_id": "r-1"})));
    let answer = client.post_json(route, &json!({"access_token": item.access_token, "amount": "1.00"})).await.expect("the stub");
    assert_eq!(answer["thing_id"], "thing-1");
    mock.on_path("POST", route, Answer::error("INVALID_INPUT", "THING_LIMIT"));
    assert_eq!(code(client.post_json(route, &json!({})).await), "THING_LIMIT", "the newest stub answers");
    assert_eq!(mock.calls_to("POST /beta/transfer/thing/create"), 3);

    let recorded = mock.recorded();
    assert_eq!(recorded.len(), 4);
    let typed = &recorded[0];
    assert_eq!((typed.operation, typed.header("x-trace-id")), (Some("accountsGet"), Some("trace-77")));
    assert_eq!(typed.body["brand_new_option"], true);
    assert_eq!(typed.header("plaid-secret"), Some("<redacted>"), "credential values are not kept");
    let by_path = &recorded[2];
    assert_eq!((by_path.method.as_str(), by_path.path.as_str(), by_path.operation), ("POST", route, None));
    assert_eq!(by_path.body["amount"], "1.00");
    let shown = format!("{by_path:?}");
    assert!(!shown.contains(&item.access_token) && !shown.contains(MOCK_SECRET), "{shown}");
}
