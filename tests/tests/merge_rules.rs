//! The merge and resolve rules, on small fixture specs under `tests/fixtures/merge/`.

use generator::diag::Code;
use generator::ir::TypeKind;
use tests::{fixture, render};

#[test]
fn identical_duplicates_collapse_into_one_shared_type() {
    let generated = generator::generate(&[fixture("merge/identical")]).expect("identical duplicates merge");
    assert_eq!(generated.summary.components, 1);
    assert_eq!(generated.summary.types, 1);
    let paths: Vec<&str> = generated.files.iter().map(|f| f.path.as_str()).collect();
    // Reached from both files' operations: emitted once, in `shared`.
    assert_eq!(paths, ["src/gen/mod.rs", "src/gen/a.rs", "src/gen/b.rs", "src/gen/shared.rs", "tests/examples.rs", "tests/redaction.rs", "tests/contract.rs", "src/gen/webhooks.rs", "tests/webhooks.rs", "src/gen/testing.rs", "tests/mock_answers.rs", "api.json"]);
    let shared = &generated.files[3].contents;
    assert_eq!(shared.matches("pub struct Shared ").count(), 1);
    assert!(generated.files.iter().filter(|f| f.path != "src/gen/shared.rs").all(|f| !f.contents.contains("pub struct Shared ")));
}

#[test]
fn identical_duplicates_collapse_in_the_ir() {
    let specs = generator::load::load(&generator::load::expand_inputs(&[fixture("merge/identical")]).unwrap()).unwrap();
    let merged = generator::merge::merge(specs).unwrap();
    assert_eq!(merged.schemas["Shared"].files, vec![0, 1]);
    let (api, warnings) = generator::lower::lower(&merged);
    assert!(warnings.0.is_empty());
    let shared = api.modules.iter().find(|m| m.name == "shared").expect("shared module");
    assert!(matches!(shared.types[0].kind, TypeKind::Struct(_)));
}

#[test]
fn a_conflicting_duplicate_names_both_files_and_the_first_difference() {
    let err = generator::generate(&[fixture("merge/conflicting")]).expect_err("conflict is an error");
    assert_eq!(err.0.len(), 1);
    assert_eq!(err.0[0].code, Code::ConflictingComponent);
    assert_eq!(err.0[0].pointer.as_deref(), Some("/components/schemas/Shared/properties/id/type"));
    insta::assert_snapshot!(render(&err));
}

#[test]
fn dangling_refs_are_all_reported_at_once() {
    let err = generator::generate(&[fixture("merge/dangling")]).expect_err("dangling refs are errors");
    assert!(err.0.iter().all(|d| d.code == Code::DanglingRef));
    insta::assert_snapshot!(render(&err));
}

#[test]
fn paths_and_operation_ids_defined_twice_are_errors() {
    let err = generator::generate(&[fixture("merge/duplicate_operation")]).expect_err("duplicates are errors");
    insta::assert_snapshot!(render(&err));
}

#[test]
fn the_committed_specs_merge_into_121_components_and_24_operations() {
    let generated = generator::generate(&[tests::root().join("specs")]).expect("the committed specs generate");
    assert_eq!(generated.summary.specs, 5);
    assert_eq!(generated.summary.components, 121);
    assert_eq!(generated.summary.operations, 24);
    assert!(generated.warnings.0.is_empty(), "{}", render(&generated.warnings));
}

#[test]
fn the_merged_document_is_one_spec_that_generates_the_same_api() {
    let document = generator::merged_document(&[tests::root().join("specs")]).expect("the specs merge");
    assert_eq!(document.paths.paths.len(), 24);
    let components = document.components.as_ref().expect("components");
    assert_eq!((components.schemas.len(), components.security_schemes.len()), (121, 3));

    let dir = std::env::temp_dir().join(format!("plaid-sdk-merged-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let file = dir.join("merged.yml");
    std::fs::write(&file, serde_yaml::to_string(&document).expect("serializes")).expect("writable");
    let again = generator::generate(std::slice::from_ref(&file)).expect("the merged document generates");
    let original = generator::generate(&[tests::root().join("specs")]).expect("the specs generate");
    assert_eq!(again.summary.operations, original.summary.operations);
    assert_eq!(again.summary.components, original.summary.components);
    assert_eq!(again.summary.examples, original.summary.examples);
    let _ = std::fs::remove_dir_all(&dir);
}
