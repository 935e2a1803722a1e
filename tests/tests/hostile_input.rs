//! Hostile specs and overlays: each case from the adversarial review (issue 40) fails with a
//! located `E0016 limit` error, refused before the work it would cause, and nothing panics.
//! How long each takes and how much memory it uses is printed by `cargo xtask bench --hostile`;
//! this file pins the behaviour.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use generator::diag::{Code, Diagnostics};

fn corpus() -> PathBuf {
    tests::root().join("../shared/corpus/plaid-2020-09-14_1.517.0.yml")
}

/// A fresh folder under the target directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let dir = tests::root().join("target/hostile-input").join(format!("{name}-{}-{}", std::process::id(), COUNT.fetch_add(1, Ordering::Relaxed)));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

fn overlay(dir: &Path, target: &str, update: &str) -> PathBuf {
    let path = dir.join("hostile.yml");
    let text = format!("overlay: 1.0.0\ninfo: {{title: hostile, version: 1.0.0}}\nactions:\n  - target: {}\n    update: {update}\n", serde_json::to_string(target).expect("text"));
    std::fs::write(&path, text).expect("written");
    path
}

/// The errors of a run that must fail.
fn refused(specs: &[PathBuf], overlays: &[PathBuf]) -> Diagnostics {
    match generator::generate_overlaid(specs, overlays) {
        Ok(_) => panic!("the hostile input was accepted"),
        Err(diags) => diags,
    }
}

fn assert_limit(diags: &Diagnostics, says: &str) {
    let limit = diags.0.iter().find(|d| d.code == Code::Limit).unwrap_or_else(|| panic!("no E0016 limit error:\n{diags}"));
    let text = limit.to_string();
    assert!(text.contains(says), "{text}");
    assert!(limit.file.is_some(), "the error names the file: {text}");
}

#[test]
fn chained_descendant_searches_are_refused_before_evaluation() {
    let dir = scratch("descendants");
    let diags = refused(&[corpus()], &[overlay(&dir, "$..*..*..*..*..*", "{x: 1}")]);
    assert_limit(&diags, "`..` 5 times");
}

#[test]
fn a_target_matching_every_node_is_refused_before_any_update() {
    let dir = scratch("every-node");
    let diags = refused(&[corpus()], &[overlay(&dir, "$..*", "{}")]);
    assert_limit(&diags, "matches");
    // One error, not one per node it would have failed on.
    assert_eq!(diags.0.len(), 1, "{diags}");
}

#[test]
fn a_large_update_on_many_nodes_is_refused() {
    let dir = scratch("growth");
    let update = serde_json::json!({"x-big": "a".repeat(300_000)}).to_string();
    let diags = refused(&[corpus()], &[overlay(&dir, "$..[?@.*]", &update)]);
    assert_limit(&diags, "limit");
    // Under the match limit, the growth limit: 200 KB on each of 400 schemas is 80 MB.
    let update = serde_json::json!({"x-big": "a".repeat(200_000)}).to_string();
    let diags = refused(&[corpus()], &[overlay(&dir, "$.components.schemas[?@.type == 'object']", &update)]);
    assert_limit(&diags, "would add about");
}

#[test]
fn deeply_nested_filters_are_refused_without_recursion() {
    // Located at the target's line in the overlay.
    let dir = scratch("parens");
    let target = format!("$[?{}@.a{}]", "(".repeat(5000), ")".repeat(5000));
    assert_limit(&refused(&[corpus()], &[overlay(&dir, &target, "{}")]), "characters");
    let target = format!("$[?{}@.a{}]", "(".repeat(40), ")".repeat(40));
    assert_limit(&refused(&[corpus()], &[overlay(&dir, &target, "{}")]), "deep");
}

#[test]
fn deeply_nested_flow_yaml_is_refused_before_parsing() {
    let dir = scratch("flow");
    let spec = dir.join("flow.yml");
    std::fs::write(&spec, format!("openapi: 3.0.0\npaths: {}{}\n", "[".repeat(100_000), "]".repeat(100_000))).expect("written");
    let diags = refused(std::slice::from_ref(&spec), &[]);
    assert_limit(&diags, "nest more than");
    // A quote a text scanner would take for a string's start hides nothing: the nesting is
    // read by the YAML parser itself (this took 10.7 s before).
    let evading = dir.join("evading.yml");
    std::fs::write(&evading, format!("openapi: 3.0.0\na: text\n  \"\npaths: {}{}\n", "[".repeat(60_000), "]".repeat(60_000))).expect("written");
    assert_limit(&refused(std::slice::from_ref(&evading), &[]), "nest more than");
    // The same in an overlay.
    let hostile = dir.join("overlay.yml");
    std::fs::write(&hostile, format!("overlay: 1.0.0\ninfo: {}{}\n", "{a: ".repeat(50_000), "}".repeat(50_000))).expect("written");
    assert_limit(&refused(&[tests::fixture("overlays/spec")], &[hostile]), "nest more than");
}

#[test]
fn an_oversized_file_is_refused_before_it_is_read() {
    let dir = scratch("size");
    let spec = dir.join("huge.yml");
    let file = std::fs::File::create(&spec).expect("created");
    // Sparse: the size is what is checked, before a byte is read.
    file.set_len(generator::limits::MAX_FILE_BYTES + 1).expect("sized");
    assert_limit(&refused(&[spec], &[]), "limit is");
}

#[test]
fn printed_diagnostics_are_capped() {
    let one = generator::diag::Diagnostic::warning(Code::Unsupported, "noise");
    let many = Diagnostics(vec![one; 500]);
    let text = many.to_string();
    assert_eq!(text.matches("noise").count(), generator::limits::MAX_PRINTED_DIAGNOSTICS);
    assert!(text.contains("and 450 more not shown") && text.ends_with("0 error(s), 500 warning(s)"), "{}", &text[text.len() - 200..]);
}

#[test]
fn text_that_reaches_generated_files_cannot_add_lines() {
    // A spec file name with a newline: every generated file's header stays one comment line.
    let dir = scratch("names");
    let name = "evil\n[patch.crates-io]\nserde = { path = \"..\" }\n.yml";
    let spec = dir.join(name);
    std::fs::copy(tests::fixture("overlays/spec/widgets.yml"), &spec).expect("copied");
    let generated = generator::generate(&[spec]).unwrap_or_else(|d| panic!("{d}"));
    for file in &generated.files {
        let first = file.contents.lines().next().unwrap_or("");
        assert!(first.contains("evil\\") && first.contains("[patch.crates-io]"), "{}: {first}", file.path);
        assert!(!file.contents.lines().any(|l| l.starts_with("[patch.crates-io]")), "{}", file.path);
    }
    // A server description and a title that try to end a string literal or a comment stay
    // text: the table of servers is a string literal, escaped.
    let spec = dir.join("strings.yml");
    let text = std::fs::read_to_string(tests::fixture("overlays/spec/widgets.yml")).expect("fixture");
    let text = text
        .replacen("description: Production", "description: \"Prod\\\"), (\\\"x\\\", \\\"y\\\")]; compile_error!(\\\"ran\\\"); //\\n*/\"", 1)
        .replacen("title: Overlay fixture", "title: \"t\\n//! injected */\"", 1);
    std::fs::write(&spec, text).expect("written");
    let generated = generator::generate(&[spec]).unwrap_or_else(|d| panic!("{d}"));
    let module = generated.files.iter().find(|f| f.path == "src/gen/mod.rs").expect("gen/mod.rs");
    let servers = module.contents.lines().skip_while(|l| !l.contains("pub const SERVERS")).take(4).collect::<Vec<_>>().join("\n");
    assert!(servers.contains(r#"compile_error!(\"ran\")"#), "the description is one escaped literal: {servers}");
    assert!(!module.contents.lines().any(|l| l.trim_start().starts_with("compile_error!") || l.starts_with("//! injected")), "{servers}");
    // `info.version` with a line break is refused, located.
    let spec = dir.join("version.yml");
    let text = std::fs::read_to_string(tests::fixture("overlays/spec/widgets.yml")).expect("fixture");
    let text = text.replacen("version: ", "version: \"1.0\\n[patch.crates-io]\" #", 1);
    std::fs::write(&spec, text).expect("written");
    let diags = refused(&[spec], &[]);
    assert!(diags.to_string().contains("`info.version` must be one line"), "{diags}");
}
