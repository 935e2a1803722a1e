//! The `testing` mock on the operation-model fixture: operations with path, query and header
//! parameters (matched by path template, required ones checked), answers that may be empty,
//! and stubs by operation id for operations no request type names. Hand-written; `cargo
//! xtask regen` never touches this file. Run with `--features testing`.
#![cfg(feature = "testing")]

use plaid_sdk::testing::{Answer, MockPlaid, ViolationKind, MOCK_CLIENT_ID, MOCK_SECRET};
use plaid_sdk::*;
use serde_json::{json, Value};

/// A raw request to the mock, as an application's own HTTP code might send it.
async fn raw(mock: &MockPlaid, method: &str, path_and_query: &str, headers: &[(&str, &str)]) -> Value {
    let credentials = [("PLAID-CLIENT-ID", MOCK_CLIENT_ID), ("PLAID-SECRET", MOCK_SECRET)];
    let all: Vec<(&str, &str)> = credentials.iter().chain(headers).copied().collect();
    raw_with(mock, method, path_and_query, &all).await
}

/// A raw request with exactly these headers (no credentials unless listed).
async fn raw_with(mock: &MockPlaid, method: &str, path_and_query: &str, headers: &[(&str, &str)]) -> Value {
    let http = Client::http_builder().expect("TLS").build().expect("a client");
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = http.request(method, format!("{}{path_and_query}", mock.url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = request.header("Content-Type", "application/json").body("{}").send().await.expect("answers").bytes().await.expect("a body");
    serde_json::from_slice(&body).unwrap_or(Value::Null)
}

#[tokio::test]
async fn path_templates_match_and_required_parameters_are_checked() {
    let mock = MockPlaid::start().await.expect("a loopback port");
    let client = mock.client();
    // The typed client always sends what is required.
    let item = client.item_get(ItemGetParams::new("store 1", "a/b c", "state-1")).await;
    assert!(item.is_ok(), "{item:?}");
    assert_eq!(mock.calls_to("itemGet"), 1);
    // A hand-written request without the required header, or the required query pair.
    let answer = raw(&mock, "GET", "/stores/s1/items/i1", &[]).await;
    assert_eq!(answer["error_code"], "MISSING_FIELDS");
    assert_eq!(answer["error_message"], "OAUTH-STATE-ID is required (a header parameter)");
    let answer = raw(&mock, "PATCH", "/stores/s1/items/i1?moder=merge", &[]).await;
    assert_eq!(answer["error_message"], "mode is required (a query parameter)");
    let kinds: Vec<ViolationKind> = mock.violations().into_iter().map(|v| v.kind).collect();
    assert_eq!(kinds, [ViolationKind::Missing, ViolationKind::Missing]);
    let patched = client.item_patch(ItemPatchParams::new("s1", "i1", "merge"), ItemChange::new()).await;
    assert!(patched.is_ok(), "{patched:?}");
    // An unknown path is Plaid's error, not a hang or a panic.
    assert_eq!(raw(&mock, "POST", "/no/such/operation", &[]).await["error_code"], "NOT_FOUND");
}

#[tokio::test]
async fn credentials_are_checked_as_each_operation_states_them() {
    let mock = MockPlaid::start().await.expect("a loopback port");
    // `security: []`: no credentials at all.
    let answer = raw_with(&mock, "POST", "/stores/categories", &[]).await;
    assert!(answer["categories"].is_array(), "{answer}");
    // The spec's global requirement: the client id and the secret, each.
    let answer = raw_with(&mock, "POST", "/stores/ping", &[]).await;
    assert_eq!((answer["error_code"].as_str(), answer["error_message"].as_str().map(|m| m.starts_with("PLAID-CLIENT-ID is required"))), (Some("MISSING_FIELDS"), Some(true)));
    let answer = raw_with(&mock, "POST", "/stores/ping", &[("PLAID-CLIENT-ID", MOCK_CLIENT_ID)]).await;
    assert!(answer["error_message"].as_str().is_some_and(|m| m.starts_with("PLAID-SECRET is required")), "{answer}");
    assert!(mock.client().store_categories().await.is_ok());
}

#[tokio::test]
async fn an_operation_without_a_request_type_is_stubbed_by_its_id() {
    let mock = MockPlaid::start().await.expect("a loopback port");
    mock.on_operation("itemGet", Answer::json(404, &json!({
        "error_type": "INVALID_REQUEST", "error_code": "NOT_FOUND", "error_message": "no such item", "display_message": null,
    })));
    match mock.client().item_get(ItemGetParams::new("s1", "i1", "state-1")).await {
        Err(Error::Api(e)) => assert_eq!(e.error_code(), "NOT_FOUND"),
        other => panic!("expected the stubbed error, got {other:?}"),
    }
}

#[tokio::test]
async fn default_answers_echo_what_the_request_says_and_page_as_asked() {
    let mock = MockPlaid::start().await.expect("a loopback port");
    let client = mock.client();
    // Echo: the answer's fields of the request's names and types carry the request's values.
    let replaced = client.item_replace(ItemReplaceParams::new("s1", "i-7"), Item::new("i-7").with_name("Lamp")).await.expect("an answer");
    assert_eq!((replaced.id.as_str(), replaced.name.as_deref()), ("i-7", Some("Lamp")));
    let store = client.store_create(StoreCreateParams::new("key-1"), Store::new("store-9").with_region(Region::South).with_website("examplewebhook.com")).await.expect("an answer");
    assert_eq!((store.id.as_str(), store.region), ("store-9", Some(Region::South)));
    // A list of the request's name and item type is echoed too.
    let served = client.store_create(StoreCreateParams::new("key-4"), Store::new("store-8").with_regions_served(vec![Region::South, Region::North])).await.expect("an answer");
    assert_eq!(served.regions_served, Some(vec![Region::South, Region::North]));
    // Count and offset: exactly `count` items from `offset`, the total the pool's size.
    let page = |count: i32, offset: i32| ThingsGetRequest::new("any").with_options(ThingsGetRequestOptions::new().with_count(count).with_offset(offset));
    let got = client.things_get(page(3, 2)).await.expect("a page");
    assert_eq!((got.things.len(), got.total_things), (3, 25));
    let last = client.things_get(page(10, 20)).await.expect("the last page");
    assert_eq!(last.things.len(), 5);
    let past = client.things_get(page(10, 30)).await.expect("past the end");
    assert!(past.things.is_empty());
    let history = client.things_history(ThingsHistoryRequest::new().with_count(2).with_offset(24)).await.expect("a page");
    assert_eq!(history.events.len(), 1);
    // A stub answers as written: the rules shape default answers only.
    mock.on::<ThingsHistoryRequest>().respond(Answer::ok(ThingsHistoryResponse::new(vec!["only".to_string()])));
    let stubbed = client.things_history(ThingsHistoryRequest::new().with_count(5)).await.expect("the stub");
    assert_eq!(stubbed.events, ["only"]);
}

#[tokio::test]
async fn a_binary_answer_is_a_valid_file_with_its_type_and_documented_headers() {
    let mock = MockPlaid::start().await.expect("a loopback port");
    let pdf = mock.client().store_statement(StoreStatementRequest::new("store-1")).await.expect("a statement");
    assert!(pdf.starts_with(b"%PDF-") && pdf.ends_with(b"%%EOF\n"));
    // The cross-reference table points at each object: a reader opens it without repair.
    let text = String::from_utf8_lossy(&pdf).into_owned();
    let xref: Vec<usize> = text.lines().filter(|l| l.ends_with(" 00000 n ")).filter_map(|l| l.split(' ').next()?.parse().ok()).collect();
    assert_eq!(xref.len(), 3);
    for (n, offset) in xref.iter().enumerate() {
        assert!(text[*offset..].starts_with(&format!("{} 0 obj", n + 1)), "object {} at {offset}", n + 1);
    }
    let start: usize = text.lines().skip_while(|l| *l != "startxref").nth(1).and_then(|l| l.parse().ok()).expect("startxref");
    assert!(text[start..].starts_with("xref"));
    // The headers as an application's own HTTP code sees them.
    let http = Client::http_builder().expect("TLS").build().expect("a client");
    let answer = http
        .post(format!("{}/stores/statement", mock.url()))
        .header("PLAID-CLIENT-ID", MOCK_CLIENT_ID)
        .header("PLAID-SECRET", MOCK_SECRET)
        .header("Content-Type", "application/json")
        .body(json!({ "store_id": "store-1" }).to_string())
        .send()
        .await
        .expect("an answer");
    let header = |name: &str| answer.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_eq!(header("content-type").as_deref(), Some("application/pdf"));
    assert_eq!(header("x-statement-version").as_deref(), Some("v2"));
    let hash = header("plaid-content-hash").expect("the hash header");
    let body = answer.bytes().await.expect("the body");
    use sha2::Digest;
    let expected: String = sha2::Sha256::digest(&body).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hash, expected);
}

#[tokio::test]
async fn what_a_create_makes_is_what_get_and_list_answer() {
    let mock = MockPlaid::start().await.expect("a loopback port");
    let client = mock.client();
    // Before anything is made, list answers the example.
    let before = client.things_widget_list(ThingsWidgetListRequest::new()).await.expect("the example");
    let made = client.things_widget_create(ThingsWidgetCreateRequest::new("lamp")).await.expect("made").widget;
    let other = client.things_widget_create(ThingsWidgetCreateRequest::new("desk")).await.expect("made").widget;
    // Fresh ids, in the UUID form, never the example's.
    assert_ne!(made.id, other.id);
    assert!(before.widgets.iter().all(|w| w.id != made.id));
    assert_eq!(made.id.split('-').map(str::len).collect::<Vec<_>>(), [8, 4, 4, 4, 12]);
    assert_eq!(made.label, "lamp");
    let got = client.things_widget_get(ThingsWidgetGetRequest::new(&made.id)).await.expect("got").widget;
    assert_eq!(got, made);
    let listed = client.things_widget_list(ThingsWidgetListRequest::new()).await.expect("listed").widgets;
    assert_eq!(listed, [made, other]);
}

#[tokio::test]
async fn a_simulated_event_is_visible_and_forbids_what_plaid_forbids() {
    let mock = MockPlaid::start().await.expect("a loopback port");
    let client = mock.client();
    let first = client.things_widget_create(ThingsWidgetCreateRequest::new("lamp")).await.expect("made").widget;
    let second = client.things_widget_create(ThingsWidgetCreateRequest::new("desk")).await.expect("made").widget;
    assert_eq!(first.status, Some(WidgetStatus::Pending));
    // A pending widget can be cancelled, and get says so.
    client.things_widget_cancel(ThingsWidgetCancelRequest::new(&first.id)).await.expect("cancelled");
    let cancelled = client.things_widget_get(ThingsWidgetGetRequest::new(&first.id)).await.expect("got").widget;
    assert_eq!((cancelled.status, cancelled.cancellable), (Some(WidgetStatus::Cancelled), Some(false)));
    // Once the sandbox posts it, it no longer can: Plaid's error, named after the family.
    client.sandbox_things_widget_simulate(SandboxThingsWidgetSimulateRequest::new(&second.id, "posted")).await.expect("simulated");
    let posted = client.things_widget_get(ThingsWidgetGetRequest::new(&second.id)).await.expect("got").widget;
    assert_eq!((posted.status, posted.cancellable), (Some(WidgetStatus::Posted), Some(false)));
    match client.things_widget_cancel(ThingsWidgetCancelRequest::new(&second.id)).await {
        Err(Error::Api(e)) => assert_eq!((e.error_type().to_string(), e.error_code()), ("WIDGET_ERROR".to_string(), "WIDGET_NOT_CANCELLABLE")),
        other => panic!("expected WIDGET_NOT_CANCELLABLE, got {other:?}"),
    }
}

#[tokio::test]
async fn an_include_option_fills_the_optional_fields() {
    let mock = MockPlaid::start().await.expect("a loopback port");
    let client = mock.client();
    let plain = client.things_widget_get(ThingsWidgetGetRequest::new("widget-example")).await.expect("the example").widget;
    assert_eq!((plain.status, plain.cancellable), (None, None));
    let full = client.things_widget_get(ThingsWidgetGetRequest::new("widget-example").with_include_details(true)).await.expect("filled").widget;
    assert!(full.status.is_some() && full.cancellable.is_some(), "{full:?}");
    assert_eq!(full.id, "widget-example", "what the example says is kept");
}

#[tokio::test]
async fn an_include_option_that_is_off_leaves_its_data_out() {
    let mock = MockPlaid::start().await.expect("a loopback port");
    let client = mock.client();
    // The example has a color; the option whose description names it is off.
    let plain = client.things_widget_get(ThingsWidgetGetRequest::new("widget-example")).await.expect("the example").widget;
    assert_eq!(plain.color, None);
    let full = client.things_widget_get(ThingsWidgetGetRequest::new("widget-example").with_include_details(true)).await.expect("filled").widget;
    assert_eq!(full.color.as_deref(), Some("red"));
}

#[tokio::test]
async fn a_created_object_is_the_request_made_whole_and_update_get_and_list_agree() {
    let mock = MockPlaid::start().await.expect("a loopback port");
    let client = mock.client();
    let terms = |name: &str, program: &str| GadgetTermsAsked::new().with_name(name).with_program(program);
    let ada = client.gadget_create(GadgetCreateRequest::new(terms("Ada", "prog-1"), "u-1").with_parts(vec!["wheel".to_string(), "axle".to_string()])).await.expect("made");
    // The request's fields, nested ones and a list of the same item type included; a fresh
    // id in the example's form; the status a new gadget has, not the example's.
    assert_eq!((ada.terms.name.as_str(), ada.terms.program.as_str(), ada.owner.as_str()), ("Ada", "prog-1", "u-1"));
    assert_eq!(ada.initial_parts.as_deref(), Some(&["wheel".to_string(), "axle".to_string()][..]));
    assert_eq!(ada.status, GadgetStatus::PendingReview);
    assert!(ada.id.starts_with("gadget-sandbox-") && ada.id != "gadget-sandbox-0000", "{}", ada.id);
    let bob = client.gadget_create(GadgetCreateRequest::new(terms("Bob", "prog-1"), "u-2")).await.expect("made");
    let cy = client.gadget_create(GadgetCreateRequest::new(terms("Cy", "prog-2"), "u-1")).await.expect("made");
    // Update changes the kept gadget; get answers it so.
    let updated = client.gadget_update(GadgetUpdateRequest::new(&ada.id).with_terms(GadgetTermsAsked::new().with_name("Ada L.")).with_status(GadgetStatus::Cleared)).await.expect("updated");
    assert_eq!((updated.terms.name.as_str(), updated.terms.program.as_str(), &updated.status), ("Ada L.", "prog-1", &GadgetStatus::Cleared));
    let got = client.gadget_get(GadgetGetRequest::new(&ada.id)).await.expect("got");
    assert_eq!((got.terms.name.as_str(), got.status, got.id), ("Ada L.", GadgetStatus::Cleared, ada.id.clone()));
    assert_ne!(got.request_id, updated.request_id, "each answer has its own request id");
    // List: the kept gadgets that match the request's fields, paged, with the matches' total.
    let ids = |list: &GadgetListResponse| list.gadgets.iter().map(|g| g.id.clone()).collect::<Vec<_>>();
    let program = client.gadget_list(GadgetListRequest::new("prog-1")).await.expect("listed");
    assert_eq!((ids(&program), program.total), (vec![ada.id.clone(), bob.id.clone()], 2));
    let owned = client.gadget_list(GadgetListRequest::new("prog-2").with_owner("u-1")).await.expect("listed");
    assert_eq!(ids(&owned), std::slice::from_ref(&cy.id));
    let paged = client.gadget_list(GadgetListRequest::new("prog-1").with_count(1).with_offset(1)).await.expect("listed");
    assert_eq!((ids(&paged), paged.total), (vec![bob.id.clone()], 2));
    assert_eq!(paged.gadgets[0].terms.name, "Bob");
    let none = client.gadget_list(GadgetListRequest::new("prog-9")).await.expect("listed");
    assert!(none.gadgets.is_empty());
    // Made now, not when the example was: a range from yesterday has them, one from tomorrow not.
    let made = ada.created.expect("a creation time");
    let day = chrono::TimeDelta::days(1);
    let since = |at: chrono::DateTime<chrono::Utc>| client.gadget_list(GadgetListRequest::new("prog-1").with_start_date(DateTime::from(at)));
    let (yesterday, tomorrow) = (since(made.to_utc() - day).await.expect("listed"), since(made.to_utc() + day).await.expect("listed"));
    assert_eq!((yesterday.gadgets.len(), tomorrow.gadgets.len()), (2, 0));
}

#[tokio::test]
async fn a_familys_events_record_what_was_done_and_follow_after_id_and_count() {
    let mock = MockPlaid::start().await.expect("a loopback port");
    let client = mock.client();
    let lamp = client.things_widget_create(ThingsWidgetCreateRequest::new("lamp")).await.expect("made").widget;
    let desk = client.things_widget_create(ThingsWidgetCreateRequest::new("desk")).await.expect("made").widget;
    client.sandbox_things_widget_simulate(SandboxThingsWidgetSimulateRequest::new(&desk.id, "posted")).await.expect("simulated");
    client.things_widget_cancel(ThingsWidgetCancelRequest::new(&lamp.id)).await.expect("cancelled");
    let all = client.things_widget_event_sync(ThingsWidgetEventSyncRequest::new(0)).await.expect("events").widget_events;
    let seen: Vec<(String, String, Option<String>)> = all.iter().map(|e| (e.widget_id.clone(), e.event_type.to_string(), e.widget_label.clone())).collect();
    assert_eq!(
        seen,
        [
            (lamp.id.clone(), "pending".to_string(), Some("lamp".to_string())),
            (desk.id.clone(), "pending".to_string(), Some("desk".to_string())),
            (desk.id.clone(), "posted".to_string(), Some("desk".to_string())),
            (lamp.id.clone(), "cancelled".to_string(), Some("lamp".to_string())),
        ]
    );
    assert!(all.windows(2).all(|w| w[0].event_id < w[1].event_id), "event ids grow");
    let after = client.things_widget_event_sync(ThingsWidgetEventSyncRequest::new(all[1].event_id).with_count(1)).await.expect("events");
    assert_eq!((after.widget_events.len(), after.widget_events[0].event_id, after.has_more), (1, all[2].event_id, true));
    let desks = client.things_widget_event_sync(ThingsWidgetEventSyncRequest::new(0).with_widget_id(&desk.id)).await.expect("events");
    assert_eq!((desks.widget_events.len(), desks.has_more), (2, false));
    let cancelled = client.things_widget_event_sync(ThingsWidgetEventSyncRequest::new(0).with_event_types(vec![WidgetEventType::Cancelled])).await.expect("events");
    assert_eq!(cancelled.widget_events.iter().map(|e| e.widget_id.clone()).collect::<Vec<_>>(), std::slice::from_ref(&lamp.id));
}

#[tokio::test]
async fn an_answer_has_one_item_per_request_item() {
    let mock = MockPlaid::start().await.expect("a loopback port");
    let client = mock.client();
    let items: Vec<ThingsEnrichRequestItemsItem> = (1..=4).map(|n| ThingsEnrichRequestItemsItem::new(format!("t-{n}"), format!("text {n}"))).collect();
    let enriched = client.things_enrich(ThingsEnrichRequest::new(items)).await.expect("enriched").enriched;
    let seen: Vec<(String, String, i64)> = enriched.iter().map(|e| (e.id.clone(), e.text.clone(), e.score)).collect();
    assert_eq!(seen, [("t-1".into(), "text 1".into(), 1), ("t-2".into(), "text 2".into(), 2), ("t-3".into(), "text 3".into(), 1), ("t-4".into(), "text 4".into(), 2)]);
}

#[tokio::test]
async fn checks_are_never_stricter_than_the_spec() {
    let mock = MockPlaid::start().await.expect("a loopback port");
    let client = mock.client();
    // `format: url` is informal: Plaid takes a bare host, so the mock does.
    let lenient = client.store_create(StoreCreateParams::new("key-2"), Store::new("s-1").with_website("examplewebhook.com")).await;
    assert!(lenient.is_ok(), "{lenient:?}");
    // `format: email` has a grammar: a value without `@` is refused, naming the field.
    match client.store_create(StoreCreateParams::new("key-3"), Store::new("s-2").with_contact("not an address")).await {
        Err(Error::Api(e)) => assert!(e.error_message().starts_with("contact "), "{}", e.error_message()),
        other => panic!("expected INVALID_FIELD, got {other:?}"),
    }
    assert_eq!(mock.violations().len(), 1);
}
