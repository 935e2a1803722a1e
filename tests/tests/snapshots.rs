//! Snapshots of every emitted module: a change to the generator shows up here as a reviewable
//! diff of the generated code.

#[test]
fn every_emitted_module_matches_its_snapshot() {
    let generated = tests::own_crate();
    let paths: Vec<&str> = generated.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "src/gen/mod.rs",
            "src/gen/accounts.rs",
            "src/gen/item.rs",
            "src/gen/partner.rs",
            "src/gen/profile.rs",
            "src/gen/shared.rs",
            "tests/examples.rs",
            "tests/redaction.rs",
            "tests/contract.rs",
            "src/gen/webhooks.rs",
            "tests/webhooks.rs",
            "src/gen/testing.rs",
            "tests/mock_answers.rs",
            "api.json"
        ]
    );
    for file in &generated.files {
        insta::assert_snapshot!(file.path.replace(['.', '/'], "_"), file.contents);
    }
}
