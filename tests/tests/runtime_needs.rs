//! What the hand-written runtime needs from a spec is decided from the spec's own declarations:
//! the error type and how each field the runtime reads is read, the credential each security
//! scheme carries. A spec that cannot satisfy it fails at regen (see the `runtime_contract`
//! diagnostics fixture); one that satisfies it differently still yields code that fits.

use tests::fixture;

fn module_rs(path: std::path::PathBuf) -> String {
    let generated = generator::generate(&[path]).unwrap_or_else(|d| panic!("{}", tests::render(&d)));
    generated.files.into_iter().find(|f| f.path == "src/gen/mod.rs").expect("mod.rs").contents
}

#[test]
fn an_error_type_of_another_name_and_shape_is_read_as_declared() {
    let text = module_rs(fixture("runtime/error_required_id.yml"));
    assert!(text.contains("pub type ErrorBody = self::things::ApiFailure;") || text.contains("pub type ErrorBody = self::shared::ApiFailure;"), "{text}");
    // `error_type` is plain text here, not an enum; `request_id` is required, not an `Option`;
    // `display_message` is optional and nullable, a `Nullable<_>`. `ApiError::error_type` is
    // then text.
    assert!(text.contains("self.error_type.as_str()"), "{text}");
    assert!(text.contains("pub type ErrorType = String;"), "{text}");
    assert!(text.contains("Some(&self.request_id).map(|v| v.as_str())"), "{text}");
    assert!(text.contains("self.display_message.value().map(|v| v.as_str())"), "{text}");
}

#[test]
fn a_spec_without_error_types_reads_errors_as_untyped_json() {
    let text = module_rs(fixture("rules/formats.yml"));
    assert!(text.contains("pub type ErrorBody = crate::UntypedError;"), "{text}");
}

#[test]
fn plaids_error_type_is_read_with_its_enum_and_optional_fields() {
    let text = module_rs(tests::root().join("specs"));
    assert!(text.contains("pub type ErrorBody = self::shared::PlaidError;"), "{text}");
    assert!(text.contains("self.error_type.as_str()"), "{text}");
    // One typed view of the category: the body's own enum.
    assert!(text.contains("pub type ErrorType = self::shared::PlaidErrorType;"), "{text}");
    assert!(text.contains("self.request_id.as_ref().map(|v| v.as_str())"), "{text}");
    assert!(text.contains(r#"("PLAID-SECRET", crate::Credential::Secret)"#), "{text}");
}
