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

/// The manifest of a spec file as regen makes it.
fn manifest_of_file(path: &std::path::Path) -> Manifest {
    let generated = generator::generate(&[path.to_path_buf()]).unwrap_or_else(|d| panic!("{}", tests::render(&d)));
    let file = generated.files.iter().find(|f| f.path == MANIFEST).expect("a manifest");
    api_diff::parse(&file.contents).expect("the manifest parses")
}

/// The changelog of the shared corpus bump (1.517.0 to 1.534.3) opens with the summary a person
/// needs, and its breaking changes are grouped by cause, each change listed once.
#[test]
fn the_corpus_bump_changelog_opens_with_its_summary() {
    let corpus = tests::root().join("../shared/corpus");
    let old = manifest_of_file(&corpus.join("plaid-2020-09-14_1.517.0.yml"));
    let new = manifest_of_file(&corpus.join("plaid-2020-09-14_1.534.3.yml"));
    let changes = api_diff::diff(&old, &new);
    let body = api_diff::summary::changelog_body(&old, &new, &changes);
    let lines: Vec<&str> = body.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "### Summary");
    assert_eq!(
        lines[1],
        "**major**: 114 of 659 changes break code that compiled against `2020-09-14_1.517.0` (58 items removed, 50 changed, 6 fields added to structs written as literals)."
    );
    assert_eq!(lines[2], "- Operations removed: none");
    assert!(lines[3].starts_with("- Operations added: 11: `beacon_user_account_insights_get` (POST /beacon/user/account_insights/get, `beacon`), `cra_check_report_base_report_get`"), "{}", lines[3]);
    assert_eq!(lines[4], "- Return types changed: none");
    assert!(body.contains("  | `cra` | 21 | 12 | 0 |\n"), "{body}");
    assert!(body.contains("  | `shared` | 10 | 12 | 2 |\n"), "{body}");
    // Parts in order: summary, breaking by cause, additions by feature.
    let at = |heading: &str| body.find(heading).unwrap_or_else(|| panic!("no {heading}"));
    assert!(at("### Summary") < at("### Breaking changes") && at("### Breaking changes") < at("### Added") && at("### Added") < at("#### `cra`"));
    // Every breaking change is a cause or folded under one, once.
    let causes = api_diff::summary::causes(&changes);
    let listed: usize = causes.iter().map(|c| 1 + c.entailed.len()).sum();
    assert_eq!(listed, changes.iter().filter(|c| c.breaking).count());
    assert!(causes.len() < listed, "grouping folds entailed changes: {} causes of {listed}", causes.len());
    let setter = causes.iter().find(|c| c.head.path == "AccountsBalanceGetRequestPaymentDetails::account_id").expect("a field made required");
    let folded: Vec<&str> = setter.entailed.iter().map(|c| c.path.as_str()).collect();
    assert!(folded.contains(&"AccountsBalanceGetRequestPaymentDetails::with_account_id"), "{folded:?}");
    // api-diff prints the same summary.
    let text = api_diff::to_text(&old, &new, &changes);
    assert!(text.contains(lines[1]) && text.contains("- Operations added: 11:"), "{text}");
}
