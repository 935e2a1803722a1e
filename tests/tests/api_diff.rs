//! `api.json` and `api-diff`: each kind of spec change is judged as Rust users feel it, on
//! mutated copies of a fixture spec.

use generator::api_diff::{self, Change, Manifest};
use generator::emit::MANIFEST;
use tests::fixture;

fn manifest_of(yaml: &str) -> Manifest {
    let dir = tempdir();
    let path = dir.join("spec.yml");
    std::fs::write(&path, yaml).expect("writes the spec");
    let generated = generator::generate(&[path]).unwrap_or_else(|d| panic!("{}", tests::render(&d)));
    let file = generated.files.iter().find(|f| f.path == MANIFEST).expect("a manifest");
    assert!(generator::emit::is_generated(&file.contents), "the manifest carries the header");
    api_diff::parse(&file.contents).expect("the manifest parses")
}

fn tempdir() -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("api-diff-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

fn base() -> String {
    std::fs::read_to_string(fixture("rules").join("surface.yml")).expect("the fixture")
}

fn diff_against_base(mutated: &str) -> (Vec<Change>, &'static str) {
    let (old, new) = (manifest_of(&base()), manifest_of(mutated));
    let changes = api_diff::diff(&old, &new);
    let bump = api_diff::bump(&changes);
    (changes, bump)
}

fn find<'a>(changes: &'a [Change], path: &str) -> &'a Change {
    changes.iter().find(|c| c.path == path).unwrap_or_else(|| panic!("no change at {path}: {changes:#?}"))
}

#[test]
fn the_same_spec_is_a_patch_with_no_changes() {
    let (changes, bump) = diff_against_base(&base());
    assert_eq!((changes.len(), bump), (0, "patch"));
}

#[test]
fn a_removed_field_is_breaking() {
    let mutated = base().replace("        count: {type: integer, minimum: 1, maximum: 25}\n", "");
    let (changes, bump) = diff_against_base(&mutated);
    assert_eq!(bump, "major");
    assert!(find(&changes, "TransferRequest::count").breaking);
    assert!(find(&changes, "TransferRequest::with_count").breaking);
}

#[test]
fn a_field_that_becomes_required_changes_the_constructor_and_breaks() {
    let mutated = base().replace("required: [access_token, account_id, kind]", "required: [access_token, account_id, kind, extra]").replace(
        "        kind: {$ref: '#/components/schemas/Kind'}\n    AccessToken:",
        "        kind: {$ref: '#/components/schemas/Kind'}\n        extra: {type: string}\n    AccessToken:",
    );
    let (changes, bump) = diff_against_base(&mutated);
    assert_eq!(bump, "major");
    let new = find(&changes, "SmallRequest::new");
    assert!(new.breaking && new.change == "changed", "{new:?}");
}

#[test]
fn a_dropped_enum_value_is_breaking_and_a_new_one_is_not() {
    let (changes, bump) = diff_against_base(&base().replace("enum: [debit, credit]", "enum: [debit]"));
    assert_eq!(bump, "major");
    assert!(find(&changes, "Kind::Credit").breaking);
    let (changes, bump) = diff_against_base(&base().replace("enum: [debit, credit]", "enum: [debit, credit, refund]"));
    assert_eq!(bump, "minor");
    assert!(!find(&changes, "Kind::Refund").breaking);
}

#[test]
fn a_renamed_schema_removes_the_old_type() {
    let (changes, bump) = diff_against_base(&base().replace("SmallRequest", "LittleRequest"));
    assert_eq!(bump, "major");
    assert_eq!(find(&changes, "SmallRequest").change, "removed");
    assert!(!find(&changes, "LittleRequest").breaking);
}

#[test]
fn additions_only_are_a_minor_release() {
    let mutated = base().replace(
        "    AccessToken:\n",
        "    BrandNew:\n      type: object\n      properties:\n        id: {type: string}\n    AccessToken:\n",
    );
    let (changes, bump) = diff_against_base(&mutated);
    assert_eq!(bump, "minor", "{changes:#?}");
    assert!(changes.iter().all(|c| !c.breaking && c.change == "added"), "{changes:#?}");
    let text = api_diff::to_text(&manifest_of(&base()), &manifest_of(&mutated), &changes);
    assert!(text.contains("minor"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&api_diff::to_json(&manifest_of(&base()), &manifest_of(&mutated), &changes)).expect("JSON");
    assert_eq!(json["bump"], "minor");
    assert!(json["changes"].as_array().is_some_and(|c| c.iter().any(|c| c["path"] == "BrandNew")));
}
