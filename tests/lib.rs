//! Helpers shared by the integration tests in `tests/tests/`.

/// The workspace README's Rust blocks, compiled as doctests (`cargo test --workspace` runs
/// them): the README is the API as it compiles.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct RootReadme;

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// A fixture folder under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// Diagnostics rendered with paths relative to the workspace, so snapshots do not depend on
/// where the checkout lives.
pub fn render(diags: &generator::diag::Diagnostics) -> String {
    let root = root();
    diags.to_string().replace(&format!("{}/", root.display()), "")
}

/// Every operation of the four committed API specs, as `(operationId, operation object)`, in
/// file order.
pub fn spec_operations() -> Vec<(String, serde_json::Value)> {
    let mut ops = Vec::new();
    for name in ["accounts", "item", "partner", "profile"] {
        let path = root().join("specs").join(format!("{name}.yml"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let spec: serde_json::Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let paths = spec["paths"].as_object().cloned().unwrap_or_default();
        for item in paths.into_values() {
            let op = item["post"].clone();
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{name}.yml: an operation without id")).to_string();
            ops.push((id, op));
        }
    }
    ops
}

/// The value of the first entry of a media type's `examples`.
pub fn first_example(media: &serde_json::Value) -> Option<&serde_json::Value> {
    media.get("examples")?.as_object()?.values().next()?.get("value")
}

/// The value with every number as an `f64`, so that `100` and `100.0` (an integer in the spec's
/// example, written back from an `f64` field) compare equal.
pub fn numbers_as_f64(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => n.as_f64().and_then(serde_json::Number::from_f64).map(Value::Number).unwrap_or(Value::Number(n)),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_f64).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect()),
        other => other,
    }
}

/// The best of `rounds` timings of `f`, for benchmarks: the minimum keeps noise from other
/// processes out.
pub fn best_of(rounds: usize, mut f: impl FnMut()) -> std::time::Duration {
    (0..rounds)
        .map(|_| {
            let start = std::time::Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// The workspace's own crate as `cargo xtask regen` makes it: the committed specs with the
/// overlays of `specs/overlays/` applied.
pub fn own_crate() -> generator::Generated {
    let overlays = generator::overlay::in_folder(&root().join("specs/overlays"));
    generator::generate_overlaid(&[root().join("specs")], &overlays).unwrap_or_else(|d| panic!("the committed specs generate: {}", render(&d)))
}
