//! The generated files committed in `generated/` must be exactly what `specs/` produce. This is the same
//! code path as `cargo xtask regen --check`.

use generator::output::{self, Change};
use tests::root;

#[test]
fn committed_output_is_what_the_specs_produce() {
    let generated = tests::own_crate();
    let report = output::check(&root().join("generated"), &generated.files).expect("generated/ is readable");
    assert!(report.changed.is_empty(), "stale generated files (run `cargo xtask regen`): {:?}", report.changed);
    assert_eq!(report.unchanged, generated.files.len());
}

#[test]
fn check_names_a_file_edited_by_one_character() {
    let generated = tests::own_crate();
    let dir = std::env::temp_dir().join(format!("plaid-sdk-freshness-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    output::write(&dir, &generated.files).expect("scratch output is writable");
    assert!(output::check(&dir, &generated.files).expect("readable").changed.is_empty());

    let edited = dir.join("src/gen/accounts.rs");
    let text = std::fs::read_to_string(&edited).expect("written");
    std::fs::write(&edited, text.replacen("pub struct", "pub  struct", 1)).expect("writable");
    let report = output::check(&dir, &generated.files).expect("readable");
    assert_eq!(report.changed, vec![(edited, Change::Differs)]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_hand_written_file_is_never_overwritten() {
    let generated = tests::own_crate();
    let dir = std::env::temp_dir().join(format!("plaid-sdk-hand-written-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("tests")).expect("scratch dir");
    let mine = dir.join("tests/redaction.rs");
    std::fs::write(&mine, "// my own test\n").expect("writable");
    let err = output::write(&dir, &generated.files).expect_err("a hand-written file is in the way");
    assert!(err.to_string().contains("hand-written"), "{err}");
    assert_eq!(std::fs::read_to_string(&mine).expect("still there"), "// my own test\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_one_character_spec_edit_changes_the_output() {
    // Edit a spec in a way that changes no generated code (its title): the digest table in
    // `mod.rs` still makes `--check` notice.
    let dir = std::env::temp_dir().join(format!("plaid-sdk-spec-edit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    for entry in std::fs::read_dir(root().join("specs")).expect("specs/") {
        let path = entry.expect("entry").path();
        // `specs/overlays/` is not a spec.
        if path.is_dir() {
            continue;
        }
        std::fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy");
    }
    let spec = dir.join("accounts.yml");
    let text = std::fs::read_to_string(&spec).expect("spec");
    assert!(text.contains("title: 'Plaid accounts/'"));
    std::fs::write(&spec, text.replace("title: 'Plaid accounts/'", "title: 'Plaid accounts!'")).expect("write");

    let edited = generator::generate(std::slice::from_ref(&dir)).expect("still generates");
    let report = output::check(&root().join("generated"), &edited.files).expect("readable");
    let stale: Vec<String> = report.changed.iter().map(|(p, _)| p.file_name().unwrap_or_default().to_string_lossy().into_owned()).collect();
    assert_eq!(stale, ["mod.rs"]);
    let _ = std::fs::remove_dir_all(&dir);
}
