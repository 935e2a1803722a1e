//! One small spec per type rule (`tests/fixtures/rules/`), and a snapshot of the Rust it
//! becomes: the rules of `generator::lower` as reviewable code.

use tests::fixture;

/// The warnings and emitted modules of one fixture, without `mod.rs` and the generated tests
/// (and without the `Webhook` enum and the mock's tables, but for the webhook and mock rules).
fn emitted(name: &str) -> String {
    let path = fixture("rules").join(format!("{name}.yml"));
    let generated = generator::generate(&[path]).unwrap_or_else(|d| panic!("{name}: {}", tests::render(&d)));
    let mut text = format!("// ---- diagnostics: {}\n", tests::render(&generated.warnings).replace('\n', "\n// "));
    for f in generated.files.iter().filter(|f| f.path.starts_with("src/gen/") && f.path != "src/gen/mod.rs" && (f.path != "src/gen/webhooks.rs" || name == "webhooks") && (f.path != "src/gen/testing.rs" || name == "mock")) {
        text.push_str(&format!("// ---- {}\n{}", f.path, f.contents));
    }
    text
}

macro_rules! rule {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), emitted(stringify!($name)));
        }
    )*};
}

rule!(enums, additional_properties, nullable, all_of, defaults_deprecated, formats, arrays_nested, binary_bodies, names, sensitivity, webhooks, keywords, evidence, surface, mock);

#[test]
fn every_fixture_has_a_test() {
    let mut names: Vec<String> = std::fs::read_dir(fixture("rules"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path().file_stem().expect("stem").to_string_lossy().into_owned())
        .collect();
    names.sort();
    let expected = [
        "additional_properties",
        "all_of",
        "arrays_nested",
        "binary_bodies",
        "defaults_deprecated",
        "enums",
        "evidence",
        "formats",
        "keywords",
        "mock",
        "names",
        "nullable",
        "sensitivity",
        "surface",
        "webhooks",
    ];
    assert_eq!(names, expected);
}

#[test]
fn output_is_deterministic() {
    for name in ["names", "all_of", "nullable"] {
        assert_eq!(emitted(name), emitted(name), "{name}");
    }
}

#[test]
fn fields_secret_by_schema_are_named_in_the_runtime_rule() {
    // `format: password` and `writeOnly` make a field secret whatever its name; the runtime
    // must treat keys of those names as secret too (unknown properties, echoed bodies).
    let path = fixture("rules").join("sensitivity.yml");
    let generated = generator::generate(&[path]).unwrap_or_else(|d| panic!("{}", tests::render(&d)));
    let module = generated.files.iter().find(|f| f.path == "src/gen/mod.rs").expect("mod.rs");
    assert!(module.contents.contains(r#"secret_names: &["device", "note", "pin"]"#), "{}", module.contents);
}

/// The field of a struct of the fixture's IR, by type and JSON name.
fn field<'a>(api: &'a generator::ir::Api, ty: &str, wire: &str) -> &'a generator::ir::Field {
    let def = api.modules.iter().flat_map(|m| &m.types).find(|t| t.name == ty).unwrap_or_else(|| panic!("no type {ty}"));
    let generator::ir::TypeKind::Struct(s) = &def.kind else { panic!("{ty} is no struct") };
    s.fields.iter().find(|f| f.wire == wire).unwrap_or_else(|| panic!("no field {ty}.{wire}"))
}

#[test]
fn examples_settle_the_types_the_client_reads_and_leave_request_types_as_the_spec_says() {
    let (api, warnings) = generator::api(&[fixture("rules").join("evidence.yml")]).unwrap_or_else(|d| panic!("{}", tests::render(&d)));
    // The answer: what its example leaves out is optional, `null` makes a field nullable,
    // text given as a number is read as text, and a struct that forbids unknown properties keeps
    // them once an example has one.
    assert!(!field(&api, "Report", "created").required);
    assert!(field(&api, "Report", "status").nullable && field(&api, "Report", "status").required);
    assert_eq!(field(&api, "Report", "score").read, generator::ir::Read::Text);
    assert_eq!(field(&api, "Report", "pages").read, generator::ir::Read::Texts);
    let strict = api.modules.iter().flat_map(|m| &m.types).find(|t| t.name == "Strict").expect("Strict");
    assert!(matches!(&strict.kind, generator::ir::TypeKind::Struct(s) if matches!(s.extra, generator::ir::Extra::Keep { .. })));
    // The request keeps what the spec requires; its example without `scope` is not a test, and
    // neither is the property example no type holds.
    assert!(field(&api, "ReportRequest", "scope").required);
    let origins: Vec<&str> = api.examples.iter().map(|e| e.origin.as_str()).collect();
    assert!(origins.contains(&"POST /report/get request `complete`") && !origins.iter().any(|o| o.contains("incomplete")), "{origins:?}");
    assert!(!origins.contains(&"Report.amount"), "{origins:?}");
    // The webhook example goes where dispatch sends it: the other payload of its pair.
    let [example] = api.webhooks.examples.as_slice() else { panic!("{:?}", api.webhooks.examples) };
    assert_eq!((example.schema.as_str(), example.variant.as_deref()), ("SharedCodeWebhook", Some("OtherItemPing")));
    // Each settlement and each left-out example is a located warning.
    let evidence: Vec<&generator::diag::Diagnostic> = warnings.0.iter().filter(|d| d.code == generator::diag::Code::Evidence).collect();
    assert_eq!(evidence.len(), 7, "{}", tests::render(&warnings));
    assert!(evidence.iter().all(|d| d.file.is_some() && d.line.is_some() && d.pointer.is_some()), "{}", tests::render(&warnings));
}

#[test]
fn a_string_schema_with_properties_is_an_enum_of_their_names() {
    let (api, _) = generator::api(&[fixture("rules").join("keywords.yml")]).unwrap_or_else(|d| panic!("{}", tests::render(&d)));
    let def = |name: &str| api.modules.iter().flat_map(|m| &m.types).find(|t| t.name == name).unwrap_or_else(|| panic!("{name}")).kind.clone();
    let generator::ir::TypeKind::Enum(subtype) = def("Subtype") else { panic!("Subtype is no enum") };
    let values: Vec<(&str, Option<&str>)> = subtype.variants.iter().map(|v| (v.wire.as_str(), v.docs.as_deref())).collect();
    assert_eq!(values, [("checking", Some("A checking account.")), ("savings", Some("A savings account."))]);
    let generator::ir::TypeKind::Enum(flag) = def("Flag") else { panic!("Flag is no enum") };
    let values: Vec<(&str, bool)> = flag.variants.iter().map(|v| (v.wire.as_str(), v.literal)).collect();
    assert_eq!(values, [("true", true), ("false", true), ("1", true), ("2.5", true), ("3", false)]);
    // `null` among the values makes a field of the enum nullable, as `nullable: true` would.
    let generator::ir::TypeKind::Struct(mixed) = def("Mixed") else { panic!("Mixed is no struct") };
    let rationale = mixed.fields.iter().find(|f| f.wire == "rationale").expect("rationale");
    assert!(rationale.required && rationale.nullable);
    // A string `allOf` wrapper is its target, not a string that forgets the pattern.
    assert!(matches!(def("IbanNullable"), generator::ir::TypeKind::Alias(generator::ir::TypeRef::Named { name, .. }) if name == "Iban"));
}

#[test]
fn the_surface_names_values_past_three_takes_aliases_as_what_they_are_and_gives_null_its_own_setter() {
    let (api, _) = generator::api(&[fixture("rules").join("surface.yml")]).unwrap_or_else(|d| panic!("{}", tests::render(&d)));
    let strukt = |name: &str| match &api.modules.iter().flat_map(|m| &m.types).find(|t| t.name == name).expect(name).kind {
        generator::ir::TypeKind::Struct(s) => s.clone(),
        other => panic!("{other:?}"),
    };
    // Four required values are named, in a struct whose name is free at the crate root; three
    // stay positional.
    let transfer = strukt("TransferRequest");
    assert_eq!(transfer.constructor, ["access_token", "account_id", "authorization_id", "description"]);
    assert_eq!(transfer.named_args.as_deref(), Some("TransferRequestRequired2"));
    assert_eq!(strukt("SmallRequest").named_args, None);
    // An alias of text is taken as `String`, in a list too; an enum as itself.
    assert_eq!(field(&api, "TransferRequest", "access_token").arg, Some(generator::ir::TypeRef::String));
    assert_eq!(field(&api, "TransferRequest", "tags").arg, Some(generator::ir::TypeRef::List(Box::new(generator::ir::TypeRef::String))));
    assert_eq!(field(&api, "TransferRequest", "kind").arg, None);
    // The null setter yields to a field's own setter.
    assert_eq!(field(&api, "TransferRequest", "note").setter.as_deref(), Some("with_note"));
    assert_eq!(field(&api, "TransferRequest", "note_null").setter.as_deref(), Some("with_note_null"));
    assert_eq!(field(&api, "TransferRequest", "note").null_setter.as_deref(), Some("with_note_null2"));
    assert_eq!(field(&api, "TransferRequest", "account_id").null_setter, None);
}

#[test]
fn field_docs_carry_the_referenced_types_first_sentence_the_limits_and_the_replacement() {
    let (api, _) = generator::api(&[fixture("rules").join("surface.yml")]).unwrap_or_else(|d| panic!("{}", tests::render(&d)));
    let docs = |wire: &str| field(&api, "TransferRequest", wire).shown_docs.clone().unwrap_or_default();
    assert_eq!(docs("access_token"), "The token of an Item, a secret.\n\nA `String` ([`AccessToken`](crate::AccessToken)).");
    // `e.g.` does not end the sentence.
    assert_eq!(docs("kind"), "What the transfer does, e.g. a debit.");
    assert_eq!(docs("description"), "At most 15 characters.");
    assert_eq!(docs("amount"), "Pattern: `^[0-9]+\\.[0-9]{2}$`.");
    assert_eq!(docs("count"), "From 1 to 25.");
    assert!(docs("tags").ends_with("At most 3 items."), "{}", docs("tags"));
    let deprecated = |wire: &str| field(&api, "TransferRequest", wire).deprecated.clone().unwrap_or_default();
    assert_eq!(deprecated("legacy_name"), "Deprecated in the API spec: use `merchant_name` instead.");
    assert_eq!(deprecated("retired"), "Deprecated in the API spec.");
}

#[test]
fn the_mock_answers_with_the_first_example_that_decodes_and_checks_what_the_types_say() {
    let (api, _) = generator::api(&[fixture("rules").join("mock.yml")]).unwrap_or_else(|d| panic!("{}", tests::render(&d)));
    let mock = &api.mock;
    let answer = |id: &str| mock.answers.iter().find(|a| a.operation == id).unwrap_or_else(|| panic!("no answer for {id}"));
    // The example that does not decode is passed over; without one, a sample.
    assert!(answer("thingsGet").from_example);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&answer("thingsGet").json).ok(), Some(serde_json::json!({"things": [{"id": "thing-1"}], "request_id": "req-2"})));
    assert!(!answer("thingsList").from_example);
    assert!(!answer("thingFetch").from_example);
    // Only the request type one operation sends alone, without parameters, names a stub.
    let typed: Vec<String> = mock.endpoints.iter().map(|e| e.request.spelling()).collect();
    assert_eq!(typed, ["ThingsGetRequest"]);
    // The rules carry what the types say, an alias's own limits included.
    let rules: serde_json::Value = serde_json::from_str(&mock.rules).expect("JSON");
    let fields = &rules["types"]["ThingsGetRequest"]["object"];
    let rule = |name: &str| fields.as_array().and_then(|f| f.iter().find(|f| f["name"] == name)).cloned().unwrap_or_default();
    assert_eq!(rule("access_token")["required"], true);
    assert_eq!(rule("count")["rules"], serde_json::json!({"minimum": 1.0, "maximum": 10.0}));
    assert_eq!(rule("email")["rules"], serde_json::json!({"format": "email"}));
    assert_eq!(rule("ids")["rules"], serde_json::json!({"max_items": 2}));
    assert_eq!(rule("note")["nullable"], true);
    assert_eq!(rules["types"]["AccessToken"]["alias"]["rules"], serde_json::json!({"min_length": 3, "pattern": "^access-"}));
    assert_eq!(rules["requests"]["thingsGet"], serde_json::json!({"named": "ThingsGetRequest"}));
    assert!(rules["requests"].get("thingFetch").is_none());
    // Required query and header parameters; a path parameter is there when the path matches.
    assert_eq!(rules["params"]["thingFetch"], serde_json::json!([{"name": "since", "in": "query"}, {"name": "X-Tenant", "in": "header"}]));
    // Of two payloads of one pair, the one about an Item.
    assert_eq!(mock.webhooks.len(), 1);
    let (ty, code, json) = &mock.webhooks[0];
    assert_eq!((ty.as_str(), code.as_str()), ("THINGS", "UPDATE"));
    assert!(json.contains("item_id") && !json.contains("account_id"), "{json}");
    let error = mock.error.as_ref().expect("an error body");
    assert_eq!((error.error_type.as_str(), error.display_message.as_deref()), ("error_type", Some("display_message")));
}

#[test]
fn a_deprecated_key_is_no_idempotency_key_and_deprecated_fields_setters_and_operations_say_so() {
    let (api, _) = generator::api(&[fixture("rules").join("defaults_deprecated.yml")]).unwrap_or_else(|d| panic!("{}", tests::render(&d)));
    let op = |id: &str| api.modules.iter().flat_map(|m| &m.operations).find(|o| o.id == id).unwrap_or_else(|| panic!("no {id}"));
    // The key the spec deprecates ("`authorization_id` is now used as idempotency instead") is
    // not the call's idempotency key: the operation acts, and `new` neither takes nor fills it.
    assert_eq!(op("thingsCreate").retry, generator::ir::RetryClass::Acting);
    assert!(op("thingsOld").deprecated.is_some());
    let request = api.modules.iter().flat_map(|m| &m.types).find(|t| t.name == "ThingsCreateRequest").expect("the request type");
    let generator::ir::TypeKind::Struct(s) = &request.kind else { panic!("a struct") };
    let key = s.fields.iter().find(|f| f.wire == "idempotency_key").expect("the field");
    assert!(key.idempotency_key.is_none() && !s.constructor.contains(&key.name));
    // A field whose type is a deprecated component is deprecated itself, with the reason.
    let reason = "Deprecated in the API spec: `authorization_id` is now used as idempotency instead.";
    assert_eq!(key.deprecated.as_deref(), Some(reason));
    // The setter warns with the reason too (prettyplease may wrap the attribute).
    let code = emitted("defaults_deprecated").replace(['\n', ' '], "");
    let setter = format!("#[deprecated(note=\"{}\")]pubfnwith_idempotency_key", reason.replace(' ', ""));
    assert!(code.contains(&setter), "the setter carries the reason");
}
