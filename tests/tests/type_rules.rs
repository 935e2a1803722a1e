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

rule!(enums, additional_properties, nullable, all_of, defaults_deprecated, formats, arrays_nested, binary_bodies, names, sensitivity, webhooks);

#[test]
fn every_fixture_has_a_test() {
    let mut names: Vec<String> = std::fs::read_dir(fixture("rules"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path().file_stem().expect("stem").to_string_lossy().into_owned())
        .collect();
    names.sort();
    let expected = ["additional_properties", "all_of", "arrays_nested", "binary_bodies", "defaults_deprecated", "enums", "formats", "names", "nullable", "sensitivity", "webhooks"];
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
