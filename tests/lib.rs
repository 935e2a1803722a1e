//! Helpers shared by the integration tests in `tests/tests/`.

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
