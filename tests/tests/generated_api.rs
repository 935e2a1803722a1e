//! The generated crate exposes every operation of the four specs with typed bodies, and the
//! specs' own examples decode into those types and encode back without losing a key.

use plaid_sdk::*;
use serde_json::Value;

include!("common/operations.rs");

/// `(operationId, request type, response type)` for all 24 operations. Naming each method here
/// also proves at compile time that it exists with this request type.
macro_rules! operations {
    ($($id:literal => $method:ident($req:ty) -> $resp:ty;)*) => {
        /// Decodes the spec examples of the operation `id` (request and response) with the
        /// generated types; returns how many examples it checked.
        fn check_examples(id: &str, request: Option<&Value>, response: Option<&Value>) -> usize {
            match id {
                $($id => {
                    let _method = Client::$method;
                    round_trip::<$req>(id, request) + round_trip::<$resp>(id, response)
                })*
                other => panic!("operation `{other}` is not in the table of this test"),
            }
        }
        const IDS: &[&str] = &[$($id),*];
    };
}

with_operations!(operations);

/// Decodes `example` as `T`, encodes it again, and checks that the result decodes to the same
/// value and keeps every key of the original.
fn round_trip<T>(id: &str, example: Option<&Value>) -> usize
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let Some(example) = example else { return 0 };
    let decoded: T = serde_json::from_value(example.clone())
        .unwrap_or_else(|e| panic!("{id}: example does not decode as {}: {e}", std::any::type_name::<T>()));
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    let again: T = serde_json::from_value(encoded.clone()).expect("re-decodes");
    assert_eq!(decoded, again, "{id}: round trip changed the value");
    assert_keys_kept(id, example, &encoded);
    1
}

fn assert_keys_kept(at: &str, original: &Value, encoded: &Value) {
    match (original, encoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let w = b.get(k).unwrap_or_else(|| panic!("{at}: key `{k}` was lost on re-encoding"));
                assert_keys_kept(&format!("{at}.{k}"), v, w);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{at}: array length changed");
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                assert_keys_kept(&format!("{at}[{i}]"), v, w);
            }
        }
        _ => {}
    }
}

#[test]
fn the_operation_table_lists_all_23_operations() {
    let ops: Vec<&Operation> = plaid_sdk::operations().collect();
    assert_eq!(ops.len(), 24);
    let mut ids: Vec<&str> = ops.iter().map(|o| o.id).collect();
    ids.sort();
    let mut expected = IDS.to_vec();
    expected.sort();
    assert_eq!(ids, expected);
    for op in ops {
        assert_eq!(op.method, "POST", "{}", op.id);
        assert!(op.path.starts_with('/'), "{}", op.id);
        assert!(op.request_type.is_some_and(|t| t.ends_with("Request")), "{}: {:?}", op.id, op.request_type);
        assert!(op.response_type.is_some_and(|t| t.ends_with("Response")), "{}: {:?}", op.id, op.response_type);
        assert!(matches!(op.error_type, None | Some("PlaidError")), "{}", op.id);
    }
}

#[test]
fn every_spec_example_decodes_and_round_trips() {
    let mut checked = 0;
    let mut seen = Vec::new();
    for (id, op) in tests::spec_operations() {
        let request = tests::first_example(&op["requestBody"]["content"]["application/json"]);
        let response = tests::first_example(&op["responses"]["200"]["content"]["application/json"]);
        checked += check_examples(&id, request, response);
        // The error type is the `default` response's, where the spec gives one.
        let table = plaid_sdk::operations().find(|o| o.id == id).expect("in the table");
        let has_default = op["responses"].get("default").is_some();
        assert_eq!(table.error_type.is_some(), has_default, "{id}");
        seen.push(id);
    }
    assert_eq!(seen.len(), 24);
    // The four specs carry 29 request and response examples between them.
    assert_eq!(checked, 29);
}

#[test]
fn unknown_enum_values_and_fields_survive() {
    let json = serde_json::json!({
        "account_id": "a1",
        "balances": {"available": null, "current": 1.5, "limit": null, "iso_currency_code": "USD",
                     "unofficial_currency_code": null, "brand_new": true},
        "mask": null, "name": "n", "official_name": null,
        "type": "depository", "subtype": "space account",
        "added_later": {"x": 1}
    });
    let account: AccountBase = serde_json::from_value(json.clone()).expect("decodes");
    assert_eq!(account.type_, AccountType::Depository);
    assert_eq!(account.subtype, Some(AccountSubtype::UnknownValue("space account".to_string())));
    assert_eq!(account.additional_properties["added_later"], serde_json::json!({"x": 1}));
    assert_eq!(serde_json::to_value(&account).expect("encodes"), json);
}

#[test]
fn required_nullable_fields_are_written_as_null_and_optional_ones_omitted() {
    let balance = AccountBalance::new();
    let json = serde_json::to_value(&balance).expect("encodes");
    assert_eq!(
        json,
        serde_json::json!({"available": null, "current": null, "limit": null,
                           "iso_currency_code": null, "unofficial_currency_code": null})
    );
}

/// The spec's `/accounts/get` example, with the changes Plaid makes over time: a new property
/// in an account and at the top level, a new account subtype, and an error of a new type.
#[test]
fn a_response_from_a_newer_api_decodes_and_keeps_what_it_does_not_know() {
    let (_, op) = tests::spec_operations().into_iter().find(|(id, _)| id == "accountsGet").expect("accountsGet");
    let mut body = tests::first_example(&op["responses"]["200"]["content"]["application/json"]).expect("example").clone();
    body["accounts"][0]["holder_category"] = serde_json::json!("personal");
    body["accounts"][0]["subtype"] = serde_json::json!("orbital savings");
    body["accounts"][0]["balances"]["last_statement"] = serde_json::json!({"amount": 12.5, "date": "2026-10-31"});
    body["brand_new_top_level"] = serde_json::json!([1, {"nested": null}]);
    body["item"]["error"] = serde_json::json!({
        "error_type": "QUANTUM_ERROR", "error_code": "ENTANGLED", "error_message": "m",
        "display_message": null, "request_id": "r", "causes": [], "status": 500,
        "documentation_url": "https://plaid.com/docs", "suggested_action": null, "new_hint": "h"
    });

    let decoded: AccountsGetResponse = serde_json::from_value(body.clone()).expect("a newer response decodes");
    let account = &decoded.accounts[0];
    assert_eq!(account.subtype, Some(AccountSubtype::UnknownValue("orbital savings".to_string())));
    assert_eq!(account.subtype.as_ref().map(AccountSubtype::as_str), Some("orbital savings"));
    assert_eq!(account.additional_properties["holder_category"], "personal");
    assert_eq!(account.balances.additional_properties["last_statement"]["amount"], 12.5);
    assert_eq!(decoded.additional_properties["brand_new_top_level"], serde_json::json!([1, {"nested": null}]));
    let error = decoded.item.error.as_ref().expect("the item carries the error");
    assert_eq!(error.error_type, PlaidErrorType::UnknownValue("QUANTUM_ERROR".to_string()));
    assert_eq!(error.error_type.to_string(), "QUANTUM_ERROR");

    // Written back, the unknown parts are all there, exactly as they came.
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    assert_eq!(tests::numbers_as_f64(encoded), tests::numbers_as_f64(body));
}

#[test]
fn optional_nullable_fields_keep_absent_and_null_apart() {
    let absent: ItemWebhookUpdateRequest = serde_json::from_str(r#"{"access_token": "t"}"#).expect("decodes");
    let null: ItemWebhookUpdateRequest = serde_json::from_str(r#"{"access_token": "t", "webhook": null}"#).expect("decodes");
    let set: ItemWebhookUpdateRequest = serde_json::from_str(r#"{"access_token": "t", "webhook": "https://x"}"#).expect("decodes");
    assert_eq!(absent.webhook, Nullable::Absent);
    assert_eq!(null.webhook, Nullable::Null);
    assert_eq!(set.webhook, Nullable::Value("https://x".to_string()));
    // Reading is one call whichever of the three it is.
    assert_eq!((absent.webhook.as_deref(), null.webhook.as_deref(), set.webhook.as_deref()), (None, None, Some("https://x")));
    assert_eq!(serde_json::to_string(&absent).expect("encodes"), r#"{"access_token":"t"}"#);
    assert_eq!(serde_json::to_string(&null).expect("encodes"), r#"{"access_token":"t","webhook":null}"#);
    // Setting is one call too: a value converts, and `null` has its own setter.
    assert_eq!(ItemWebhookUpdateRequest::new("t").with_webhook_null(), null);
    assert_eq!(ItemWebhookUpdateRequest::new("t").with_webhook("https://x"), set);
    assert_eq!(ItemWebhookUpdateRequest::new("t"), absent);
}

/// Found by `cargo xtask corpus`: Plaid's own example for this `date-time` field is a bare date.
#[test]
fn a_bare_date_in_a_date_time_field_decodes_and_is_written_back_as_it_came() {
    let mut app = serde_json::to_value(ConnectedApplication::new(
        "app-1",
        "Acme",
        "2020-01-01T00:00:00Z".parse::<DateTime>().expect("a date-time"),
    ))
    .expect("encodes");
    for text in ["2020-01-01", "2020-01-01T10:11:12.125Z", "2020-01-01T10:11:12+02:00"] {
        app["created_at"] = serde_json::json!(text);
        let decoded: ConnectedApplication = serde_json::from_value(app.clone()).expect(text);
        assert_eq!(serde_json::to_value(&decoded).expect("encodes")["created_at"], text);
    }
    app["created_at"] = serde_json::json!("01/01/2020");
    let error = serde_json::from_value::<ConnectedApplication>(app).expect_err("not a date");
    assert!(error.to_string().contains("not an RFC 3339 date-time"), "{error}");
}

#[test]
fn enums_convert_from_text_and_keep_a_value_this_version_does_not_list() {
    assert_eq!(AccountType::from("depository"), AccountType::Depository);
    let listed: AccountType = "credit".into();
    assert_eq!(listed, AccountType::Credit);
    let unknown: AccountType = String::from("space-account").into();
    assert_eq!(unknown, AccountType::UnknownValue("space-account".into()));
    assert_eq!(unknown.as_str(), "space-account");
    // `FromStr` and `From` agree, and an enum field's setter takes text.
    assert_eq!("credit".parse::<AccountType>(), Ok(AccountType::Credit));
}

#[test]
fn more_than_three_required_values_are_named_at_the_call_site() {
    let request = PartnerCustomerCreateRequest::new(PartnerCustomerCreateRequestRequired {
        company_name: "Acme".into(),
        is_diligence_attested: true,
        legal_entity_name: "Acme Inc.".into(),
        website: "https://acme.example".into(),
        application_name: "Acme Pay".into(),
        address: PartnerEndCustomerAddress::new().with_city("Springfield"),
        is_bank_addendum_completed: false,
    });
    let json = serde_json::to_value(&request).expect("encodes");
    assert_eq!((json["company_name"].as_str(), json["legal_entity_name"].as_str()), (Some("Acme"), Some("Acme Inc.")));
    assert_eq!(json["address"]["city"], "Springfield");
    // Three or fewer stay positional.
    let app = ConnectedApplication::new("app-1", "Acme", "2020-01-01T00:00:00Z".parse::<DateTime>().expect("a date-time"));
    assert_eq!(app.application_id, "app-1");
}

#[test]
fn a_field_typed_by_an_alias_of_text_is_set_with_text() {
    // `access_token` is an `AccessToken`, which is a `String`: any text converts.
    let token: String = "access-sandbox-1".into();
    let request = ItemWebhookUpdateRequest::new(&token);
    let same: AccessToken = request.access_token.clone();
    assert_eq!(same, token);
}
