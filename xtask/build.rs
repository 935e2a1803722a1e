//! Empty: it exists so that Cargo resolves xtask's `[build-dependencies]`, which only align the
//! proc macros' host features with the workspace's test build (see `Cargo.toml`).
fn main() {}
