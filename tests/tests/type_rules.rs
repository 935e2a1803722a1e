//! One small spec per type rule (`tests/fixtures/rules/`), and a snapshot of the Rust it
//! becomes: the rules of `generator::lower` as reviewable code.

use tests::fixture;

/// The warnings and emitted modules of one fixture, without `mod.rs` and the generated tests
/// (and without the `Webhook` enum, but for the webhook rules).
fn emitted(name: &str) -> String {
    let path = fixture("rules").join(format!("{name}.yml"));
    let generated = generator::generate(&[path]).unwrap_or_else(|d| panic!("{name}: {}", tests::render(&d)));
    let mut text = format!("// ---- diagnostics: {}\n", tests::render(&generated.warnings).replace('\n', "\n// "));
    for f in generated.files.iter().filter(|f| f.path.starts_with("src/gen/") && f.path != "src/gen/mod.rs" && (f.path != "src/gen/webhooks.rs" || name == "webhooks")) {
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

rule!(enums, additional_properties, nullable, all_of, defaults_deprecated, formats, arrays_nested, binary_bodies, names, sensitivity, webhooks, keywords, evidence);

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
        "names",
        "nullable",
        "sensitivity",
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
    assert_eq!((example.schema.as_str(), example.variant.as_deref()), ("SharedCodeWebhook", Some("SharedCodeOther")));
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
