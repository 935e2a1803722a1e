//! Snapshots of every emitted module: a change to the generator shows up here as a reviewable
//! diff of the generated code.

use tests::root;

#[test]
fn every_emitted_module_matches_its_snapshot() {
    let generated = generator::generate(&[root().join("specs")]).expect("the committed specs generate");
    let names: Vec<&str> = generated.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["mod.rs", "accounts.rs", "item.rs", "partner.rs", "profile.rs", "shared.rs"]);
    for file in &generated.files {
        insta::assert_snapshot!(file.name.replace('.', "_"), file.contents);
    }
}
