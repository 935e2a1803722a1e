//! The operation model on the fixture spec `tests/fixtures/operations/operation_model.yml`:
//! the IR it lowers to (parameters with their locations and styles, methods, success and error
//! types), a snapshot of the Rust it becomes, and the committed fixture crate being current.
//! The crate's own `tests/wire.rs` checks the bytes each call sends on loopback.

use generator::ir::{HttpMethod, Operation, ParamLocation, ParamStyle, TypeRef};
use tests::{fixture, render, root};

fn spec() -> std::path::PathBuf {
    fixture("operations/operation_model.yml")
}

fn operations() -> Vec<Operation> {
    let (api, _) = generator::api(&[spec()]).expect("the fixture lowers");
    api.modules.into_iter().flat_map(|m| m.operations).collect()
}

fn op(id: &str) -> Operation {
    operations().into_iter().find(|o| o.id == id).unwrap_or_else(|| panic!("no operation {id}"))
}

#[test]
fn every_method_of_the_spec_is_an_operation() {
    let methods: Vec<(String, HttpMethod)> = operations().into_iter().map(|o| (o.id, o.http_method)).collect();
    for (id, method) in [
        ("itemGet", HttpMethod::Get),
        ("itemReplace", HttpMethod::Put),
        ("itemPatch", HttpMethod::Patch),
        ("itemDelete", HttpMethod::Delete),
        ("itemExists", HttpMethod::Head),
        ("storeList", HttpMethod::Get),
        ("storeOptions", HttpMethod::Options),
        ("storeCreate", HttpMethod::Post),
    ] {
        assert!(methods.contains(&(id.to_string(), method)), "{id} {method:?} in {methods:?}");
    }
}

#[test]
fn parameters_merge_path_item_and_operation_and_follow_ref_chains() {
    let get = op("itemGet");
    let params = get.params.expect("itemGet has parameters");
    assert_eq!(params.type_name, "ItemGetParams");
    let shown: Vec<(&str, ParamLocation, ParamStyle, bool, bool)> =
        params.items.iter().map(|p| (p.name.as_str(), p.location, p.style, p.explode, p.required)).collect();
    assert_eq!(
        shown,
        [
            // From the path item (the first through a `$ref`).
            ("storeId", ParamLocation::Path, ParamStyle::Simple, false, true),
            ("itemId", ParamLocation::Path, ParamStyle::Simple, false, true),
            // The operation's `verbose` replaces the path item's, in its place.
            ("verbose", ParamLocation::Query, ParamStyle::Form, true, false),
            ("fields", ParamLocation::Query, ParamStyle::Form, true, false),
            ("ids", ParamLocation::Query, ParamStyle::Form, false, false),
            // Through two refs.
            ("X-Trace-Token", ParamLocation::Header, ParamStyle::Simple, false, false),
            ("OAUTH-STATE-ID", ParamLocation::Header, ParamStyle::Simple, false, true),
            // The cookie parameter is left out, with a warning.
        ]
    );
    assert_eq!(op("storeOptions").params, None);
}

#[test]
fn success_and_error_types_come_from_2xx_answers_and_error_answers() {
    let named = |name: &str| Some(TypeRef::Named { module: "stores".into(), name: name.into() });
    // The error type serves the `things` group too, so it is shared.
    let error = Some(TypeRef::Named { module: "shared".into(), name: "PlaidError".into() });
    let cases = [
        ("itemGet", named("Item"), false, error.clone()),
        ("itemReplace", named("Item"), false, error.clone()),
        ("itemPatch", named("Item"), true, error.clone()),
        ("itemDelete", None, false, error.clone()),
        ("itemExists", None, false, None),
        ("storeOptions", None, false, None),
        ("storeCreate", named("Store"), false, error.clone()),
    ];
    for (id, response, optional, error) in cases {
        let o = op(id);
        assert_eq!((o.response, o.response_optional, o.error), (response, optional, error), "{id}");
    }
    // Request bodies: inline, and through `#/components/requestBodies`.
    assert_eq!(op("itemReplace").request, named("Item"));
    assert_eq!(op("itemPatch").request, named("ItemChange"));
    assert_eq!(op("itemGet").request, None);
}

#[test]
fn examples_behind_refs_become_round_trip_cases() {
    let (api, _) = generator::api(&[spec()]).expect("the fixture lowers");
    let origins: Vec<&str> = api.examples.iter().map(|e| e.origin.as_str()).collect();
    assert_eq!(
        origins,
        [
            "PUT /stores/{storeId}/items/{itemId} request `plain`",
            "POST /things/status response 200 example",
            "POST /things/widget/create response 200 example",
            "POST /things/widget/get response 200 example",
            "POST /things/widget/event/sync response 200 example",
            "POST /gadget/create response 200 example",
            "POST /gadget/get response 200 example",
            "POST /things/enrich response 200 example",
            "GET /stores response 200 `two`"
        ]
    );
}

#[test]
fn the_emitted_module_matches_its_snapshot() {
    let generated = generator::generate(&[spec()]).unwrap_or_else(|d| panic!("{}", render(&d)));
    let mut text = format!("// ---- diagnostics: {}\n", render(&generated.warnings).replace('\n', "\n// "));
    for f in generated.files.iter().filter(|f| f.path == "src/gen/stores.rs") {
        text.push_str(&f.contents);
    }
    insta::assert_snapshot!("operation_model", text);
}

#[test]
fn the_committed_fixture_crate_is_what_the_fixture_produces() {
    let generated = generator::generate(&[spec()]).expect("the fixture generates");
    let dir = root().join("tests/fixture-sdk");
    let report = generator::output::check(&dir, &generated.files).expect("readable");
    // The runtime copy and manifest are xtask's (`cargo xtask regen --check` compares them);
    // here, what the generator itself produces.
    let runtime_copy = |path: &std::path::Path| path.starts_with(dir.join("src")) && !path.starts_with(dir.join("src/gen"));
    let stale: Vec<_> = report.changed.iter().filter(|(path, change)| !(*change == generator::output::Change::Extra && runtime_copy(path))).collect();
    assert!(stale.is_empty(), "stale fixture crate (run `cargo xtask regen`): {stale:?}");
}

#[test]
fn paging_is_read_from_the_structure_of_requests_and_responses() {
    let style = |id: &str| op(id).pagination.map(|p| (p.pages_method, p.all_method, std::mem::discriminant(&p.style)));
    let (api, _) = generator::api(&[spec()]).expect("the fixture lowers");
    let styles: Vec<(String, &'static str)> = api
        .modules
        .iter()
        .flat_map(|m| &m.operations)
        .filter_map(|o| {
            let kind = match o.pagination.as_ref()?.style {
                generator::ir::Pagination::CursorHasMore { .. } => "cursor + has_more",
                generator::ir::Pagination::Cursor { .. } => "cursor",
                generator::ir::Pagination::Offset { .. } => "offset",
            };
            Some((o.id.clone(), kind))
        })
        .collect();
    assert_eq!(
        styles,
        [
            ("gadgetList".to_string(), "offset"),
            ("thingsSync".to_string(), "cursor + has_more"),
            ("thingsList".to_string(), "cursor"),
            ("thingsGet".to_string(), "offset"),
            ("thingsHistory".to_string(), "offset"),
        ]
    );
    let sync = style("thingsSync").expect("paged");
    assert_eq!((sync.0.as_str(), sync.1.as_deref()), ("things_sync_pages", Some("things_sync_all")));
    assert!(style("itemGet").is_none() && style("storeCreate").is_none());
}

#[test]
fn each_operation_has_the_retry_class_its_structure_gives() {
    use generator::ir::RetryClass;
    // The key is found by its name, or by its description (`ref`, required, at most 20
    // characters), never by the operation's name.
    match op("thingsTransferAuthorize").retry {
        RetryClass::Keyed(key) => assert_eq!((key.wire.as_str(), key.required, key.max_length), ("idempotency_key", false, Some(50))),
        other => panic!("{other:?}"),
    }
    match op("thingsTransferCreate").retry {
        RetryClass::Keyed(key) => assert_eq!((key.wire.as_str(), key.field.as_str(), key.required, key.max_length), ("ref", "ref_", true, Some(20))),
        other => panic!("{other:?}"),
    }
    // Without a key: a GET or a POST whose last segment reads is a read; anything else acts.
    assert_eq!(op("thingsPaymentCreate").retry, RetryClass::Acting);
    assert_eq!(op("thingsGet").retry, RetryClass::Read);
    assert_eq!(op("thingsList").retry, RetryClass::Read);
    assert_eq!(op("thingsSync").retry, RetryClass::Read);
    assert_eq!(op("itemGet").retry, RetryClass::Read);
    assert_eq!(op("thingsHistory").retry, RetryClass::Acting);
    assert!(generator::passes::retry::reads(HttpMethod::Post, "/institutions/get_by_id"));
    assert!(!generator::passes::retry::reads(HttpMethod::Post, "/item/public_token/exchange"));
    assert!(!generator::passes::retry::reads(HttpMethod::Delete, "/stores/{id}"));
}

#[test]
fn a_required_idempotency_key_is_filled_by_new_not_taken() {
    let (api, _) = generator::api(&[spec()]).expect("the fixture lowers");
    let t = api.modules.iter().flat_map(|m| &m.types).find(|t| t.name == "ThingsTransferCreateRequest").expect("the request");
    let generator::ir::TypeKind::Struct(s) = &t.kind else { panic!("{t:?}") };
    assert_eq!(s.constructor, ["amount", "authorization_id"]);
    let key = s.fields.iter().find(|f| f.wire == "ref").expect("ref");
    assert!(key.idempotency_key.is_some() && key.setter.as_deref() == Some("with_ref"), "{key:?}");
}
