//! The generated crate as a user's build resolves it: the crates' newest versions rather than
//! the workspace's lock. A deprecation or a raised `rust-version` upstream then fails
//! `cargo xtask corpus` in CI, not a user's build. Also the other half: builds of the
//! standalone crates that should be reproducible get the workspace's tested lock.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

/// Gives the standalone crate in `dir` the workspace's `Cargo.lock`, so that it builds with
/// the versions the workspace tested. Cargo keeps every pinned version the crate uses and drops
/// the entries of the workspace's other members.
pub fn pin_lock(root: &Path, dir: &Path) -> Result<(), String> {
    let from = root.join("Cargo.lock");
    std::fs::copy(&from, dir.join("Cargo.lock")).map(|_| ()).map_err(|e| format!("cannot copy {}: {e}", from.display()))
}

/// Removes the crate's lock and resolves its dependencies afresh.
pub fn resolve_afresh(dir: &Path) -> Result<(), String> {
    let lock = dir.join("Cargo.lock");
    if lock.exists() {
        std::fs::remove_file(&lock).map_err(|e| format!("{}: {e}", lock.display()))?;
    }
    let status = std::process::Command::new(crate::cargo())
        .args(["generate-lockfile", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo generate-lockfile failed ({status})"))
    }
}

/// A version as numbers, for comparing `rust-version`s (`1.85` < `1.88.1`); a missing part is
/// 0, so `1.88` and `1.88.0` are the same version.
fn numbers(text: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = text.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    parts.resize(3.max(parts.len()), 0);
    parts
}

/// Checks that the crate's `rust-version` is at least the highest one that any crate its
/// users build declares: the normal and build dependencies reachable from it with every
/// feature on (dev-dependencies are the crate's own tests'). Returns the two versions.
pub fn check_rust_version(dir: &Path) -> Result<(String, String), String> {
    let output = std::process::Command::new(crate::cargo())
        .args(["metadata", "--format-version", "1", "--all-features", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    highest_rust_version(&metadata)
}

/// The crate's own `rust-version` and the highest of its users' dependencies, from `cargo
/// metadata`'s JSON; an error names the dependency when the crate's is lower.
fn highest_rust_version(metadata: &Value) -> Result<(String, String), String> {
    let packages: BTreeMap<&str, &Value> = metadata["packages"].as_array().into_iter().flatten().filter_map(|p| Some((p["id"].as_str()?, p))).collect();
    let root = metadata["resolve"]["root"].as_str().ok_or("cargo metadata has no root package")?;
    let nodes: BTreeMap<&str, &Value> = metadata["resolve"]["nodes"].as_array().into_iter().flatten().filter_map(|n| Some((n["id"].as_str()?, n))).collect();
    let mut seen = BTreeSet::new();
    let mut queue = vec![root];
    while let Some(id) = queue.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes.get(id).and_then(|n| n["deps"].as_array()).into_iter().flatten() {
            let users_build = dep["dep_kinds"].as_array().into_iter().flatten().any(|k| k["kind"].as_str() != Some("dev"));
            if users_build {
                if let Some(pkg) = dep["pkg"].as_str() {
                    queue.push(pkg);
                }
            }
        }
    }
    let own = packages.get(root).and_then(|p| p["rust_version"].as_str()).ok_or("the crate declares no rust-version")?.to_string();
    let highest = seen
        .iter()
        .filter(|id| **id != root)
        .filter_map(|id| {
            let p = packages.get(id)?;
            Some((numbers(p["rust_version"].as_str()?), p["rust_version"].as_str()?, format!("{} {}", p["name"].as_str()?, p["version"].as_str()?)))
        })
        .max_by(|a, b| a.0.cmp(&b.0));
    match highest {
        Some((n, text, who)) if n > numbers(&own) => {
            Err(format!("rust-version {own} is lower than the {text} that {who} declares: raise workspace.package.rust-version in Cargo.toml"))
        }
        Some((_, text, who)) => Ok((own, format!("{text} ({who})"))),
        None => Ok((own.clone(), "none declared".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn metadata(own: &str, dep: &str, dev: &str) -> Value {
        json!({
            "packages": [
                {"id": "a", "name": "a", "version": "1.0.0", "rust_version": own},
                {"id": "b", "name": "b", "version": "2.0.0", "rust_version": dep},
                {"id": "c", "name": "c", "version": "3.0.0", "rust_version": dev},
            ],
            "resolve": {"root": "a", "nodes": [
                {"id": "a", "deps": [
                    {"pkg": "b", "dep_kinds": [{"kind": null}]},
                    {"pkg": "c", "dep_kinds": [{"kind": "dev"}]},
                ]},
                {"id": "b", "deps": []},
                {"id": "c", "deps": []},
            ]}
        })
    }

    #[test]
    fn a_dependency_with_a_higher_rust_version_is_named() {
        let e = highest_rust_version(&metadata("1.85", "1.88", "1.70")).expect_err("1.85 < 1.88");
        assert!(e.contains("b 2.0.0") && e.contains("1.88"), "{e}");
        assert!(highest_rust_version(&metadata("1.88", "1.88", "1.70")).is_ok());
        assert!(highest_rust_version(&metadata("1.88.1", "1.88", "1.70")).is_ok());
        // jsonwebtoken 12 declares `1.88.0`: the same version as the workspace's `1.88`.
        assert!(highest_rust_version(&metadata("1.88", "1.88.0", "1.70")).is_ok());
    }

    #[test]
    fn dev_dependencies_do_not_count() {
        assert!(highest_rust_version(&metadata("1.85", "1.80", "1.95")).is_ok());
    }
}
