//! One fixture per kind of spec mistake (`tests/fixtures/diagnostics/`), and a snapshot of what
//! the maintainer reads: code, severity, file, line, pointer, message and hint.

use tests::{fixture, render};

/// The rendered diagnostics of one fixture (errors, or the warnings of a run that succeeded).
fn diagnostics(name: &str) -> String {
    let dir = fixture("diagnostics");
    let path = if dir.join(name).is_dir() { dir.join(name) } else { dir.join(format!("{name}.yml")) };
    match generator::generate(&[path]) {
        Ok(generated) => format!("generated, with {}", render(&generated.warnings)),
        Err(diags) => format!("failed: {}", render(&diags)),
    }
}

macro_rules! case {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), diagnostics(stringify!($name)));
        }
    )*};
}

case!(
    yaml_syntax,
    swagger2,
    openapi31,
    missing_paths,
    wrong_type,
    bad_refs,
    unrepresentable_cycle,
    recursive_schema,
    operation_ids,
    name_clash,
    unsupported,
    conflict,
    ref_chains,
    ref_cycle,
    bad_parameters,
    runtime_contract,
    webhook_pairs,
    evidence,
    reserved_names,
    servers,
);

#[test]
fn every_fixture_has_a_case() {
    let mut names: Vec<String> = std::fs::read_dir(fixture("diagnostics"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path().file_stem().expect("stem").to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 20, "{names:?}");
}

#[test]
fn a_legal_recursive_schema_generates_with_box() {
    let generated = generator::generate(&[fixture("diagnostics/recursive_schema.yml")]).expect("recursion is legal");
    let shared = generated.files.iter().find(|f| f.path == "src/gen/shared.rs").expect("shared module");
    assert!(shared.contents.contains("pub parent: Option<Box<Category>>"), "{}", shared.contents);
    assert!(shared.contents.contains("pub children: Option<Vec<Category>>"), "{}", shared.contents);
}
