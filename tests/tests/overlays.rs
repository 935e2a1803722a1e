//! OpenAPI Overlays at regen (`tests/fixtures/overlays/`): one overlay per case on one small
//! spec, and a snapshot of what the maintainer gets: the overlay figures, the warnings, what
//! api-diff reports against the spec without the overlay, and the change to the emitted code
//! (or the diagnostics of a run that fails).

use std::path::PathBuf;

use generator::api_diff;
use tests::{fixture, render};

fn spec() -> PathBuf {
    fixture("overlays").join("spec")
}

fn overlay(name: &str) -> PathBuf {
    fixture("overlays").join(format!("{name}.yml"))
}

/// The public API manifest of a run (`api.json`).
fn manifest(generated: &generator::Generated) -> api_diff::Manifest {
    let file = generated.files.iter().find(|f| f.path == "api.json").expect("api.json");
    api_diff::parse(&file.contents).expect("the manifest parses")
}

/// Each emitted file the overlay changed, as a unified diff against the run without it.
fn code_changes(base: &generator::Generated, overlaid: &generator::Generated) -> String {
    let mut out = String::new();
    for file in overlaid.files.iter().filter(|f| f.path != "api.json") {
        let before = base.files.iter().find(|b| b.path == file.path).map(|b| b.contents.as_str()).unwrap_or("");
        if before != file.contents {
            let diff = similar::TextDiff::from_lines(before, &file.contents);
            out.push_str(&diff.unified_diff().context_radius(1).header(&file.path, &file.path).to_string());
        }
    }
    for gone in base.files.iter().filter(|b| !overlaid.files.iter().any(|f| f.path == b.path)) {
        out.push_str(&format!("removed: {}\n", gone.path));
    }
    out
}

/// What a maintainer reads after regen with one overlay.
fn outcome(name: &str) -> String {
    let base = generator::generate(&[spec()]).unwrap_or_else(|d| panic!("the fixture spec generates: {}", render(&d)));
    match generator::generate_overlaid(&[spec()], &[overlay(name)]) {
        Ok(run) => {
            let old = manifest(&base);
            let new = manifest(&run);
            let changes = api_diff::diff(&old, &new);
            let o = run.summary.overlays;
            format!(
                "overlays: {} file, {} actions, {} matches\nwarnings: {}\napi-diff:\n{}\ncode:\n{}",
                o.files,
                o.actions,
                o.matches,
                render(&run.warnings),
                api_diff::to_text(&old, &new, &changes),
                code_changes(&base, &run)
            )
        }
        Err(diags) => format!("failed:\n{}", render(&diags)),
    }
}

macro_rules! case {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(concat!("overlay_", stringify!($name)), outcome(stringify!($name)));
            }
        )*
        /// Every overlay in the folder has a case, and every case its overlay.
        #[test]
        fn every_overlay_has_a_case() {
            let mut found: Vec<String> = std::fs::read_dir(fixture("overlays"))
                .expect("the fixtures")
                .map(|e| e.expect("an entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "yml"))
                .map(|p| p.file_stem().expect("a name").to_string_lossy().into_owned())
                .collect();
            found.sort();
            let mut cases = vec![$(stringify!($name).to_string()),*];
            cases.sort();
            assert_eq!(found, cases);
        }
    };
}

case!(
    // Worked overlays (the README's "Fixing the spec without forking it").
    nullable,
    rename_type,
    rename_field,
    rename_method,
    move_feature,
    reserved_feature,
    retry,
    remove_operation,
    append,
    filter,
    optional,
    // Diagnostics.
    unmatched,
    bad_jsonpath,
    bad_updates,
    not_overlay,
    bad_extensions,
    method_clash,
    retry_unmet,
    beside_ref,
    dangling_after,
    reserved_names,
    insecure_server,
);

/// The IR records which decisions an extension made, with the structural ones they replaced.
#[test]
fn the_ir_records_what_extensions_decided() {
    let overlays = [overlay("rename_type"), overlay("rename_field"), overlay("rename_method"), overlay("move_feature"), overlay("retry")];
    let (api, _) = generator::api_overlaid(&[spec()], &overlays).unwrap_or_else(|d| panic!("{}", render(&d)));
    let types: Vec<_> = api.modules.iter().flat_map(|m| &m.types).collect();
    let widget = types.iter().find(|t| t.origin == "WIDGET_v2").expect("the renamed type");
    let renamed = widget.stated.name.as_ref().expect("recorded");
    assert_eq!((widget.name.as_str(), renamed.stated.as_str(), renamed.structural.as_str()), ("Widget", "Widget", "WidgetV2"));
    let generator::ir::TypeKind::Struct(s) = &widget.kind else { panic!("a struct") };
    let nm = s.fields.iter().find(|f| f.wire == "nm").expect("nm");
    assert_eq!((nm.name.as_str(), nm.stated.name.as_ref().map(|r| r.structural.as_str())), ("display_name", Some("nm")));
    let ops: Vec<_> = api.modules.iter().flat_map(|m| m.operations.iter().map(move |o| (m.name.as_str(), o))).collect();
    let (_, get) = ops.iter().find(|(_, o)| o.id == "widgetGet").expect("widgetGet");
    assert_eq!((get.method_name.as_str(), get.stated.name.as_ref().map(|r| r.structural.as_str())), ("get_widget", Some("widget_get")));
    let (module, list) = ops.iter().find(|(_, o)| o.id == "gadgetList").expect("gadgetList");
    assert_eq!((*module, list.stated.group.as_deref()), ("widget", Some("gadget")));
    let (_, archive) = ops.iter().find(|(_, o)| o.id == "widgetArchive").expect("widgetArchive");
    assert_eq!((&archive.retry, archive.stated.retry), (&generator::ir::RetryClass::Read, Some(generator::ir::StatedRetry::Read)));
    // Nothing an overlay did not touch records a decision.
    assert!(types.iter().filter(|t| t.origin != "WIDGET_v2").all(|t| t.stated == Default::default()));
}

/// Overlays apply in the order given: a later action sees what an earlier one did.
#[test]
fn overlays_apply_in_order() {
    let (api, _) = generator::api_overlaid(&[spec()], &[overlay("rename_type"), overlay("nullable")]).unwrap_or_else(|d| panic!("{}", render(&d)));
    let widget = api.modules.iter().flat_map(|m| &m.types).find(|t| t.name == "Widget").expect("renamed");
    let generator::ir::TypeKind::Struct(s) = &widget.kind else { panic!("a struct") };
    assert!(s.fields.iter().any(|f| f.wire == "network" && f.nullable));
    // Removing then updating the same node: the update matches nothing, and says so.
    let broken = generator::generate_overlaid(&[spec()], &[overlay("remove_operation"), overlay("retry")]).expect("a warning, not an error");
    assert!(render(&broken.warnings).contains("W0005 overlay-unmatched"), "{}", render(&broken.warnings));
}

/// A broken overlay writes nothing: regen fails before any file is produced.
#[test]
fn a_broken_overlay_fails_the_whole_run() {
    for name in ["bad_jsonpath", "bad_updates", "not_overlay", "bad_extensions", "method_clash", "dangling_after"] {
        let run = generator::generate_overlaid(&[spec()], &[overlay(name)]);
        assert!(run.as_ref().is_err_and(|d| d.has_errors()), "{name}: {:?}", run.map(|g| g.warnings));
    }
}
