//! A standalone crate: what `regen --out <dir>` writes besides the generated modules when `<dir>`
//! is not the workspace's own `generated/` crate. It gets its own `Cargo.toml` (the
//! `generated/` manifest with the workspace's dependency versions written in) and a copy of the
//! hand-written runtime, so it builds on its own.

use std::path::Path;

use generator::emit::File;
use toml::{Table, Value};

/// How a standalone crate relates to this workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    /// Written outside the workspace: a workspace of its own, named `plaid-sdk`.
    Own,
    /// Written inside the workspace (the fixture crate under `tests/`): a member named after its
    /// folder, whose runtime doc examples (written for Plaid's operations) are not run and whose
    /// docs are not built (its library has the same name as `plaid-sdk`'s).
    Member,
}

/// The manifest and runtime files of a standalone crate, marked as generated so that a later
/// regen may update them and never touches anything else.
pub fn files(root: &Path, groups: &[String], sources: &str, home: Home, folder: &str) -> Result<Vec<File>, String> {
    let mut files = vec![File { path: "Cargo.toml".into(), contents: manifest(root, groups, sources, home, folder)? }];
    let header = generator::emit::header_for(sources);
    // The hand-written runtime: what regen wrote there is regenerated for this crate instead.
    for (name, text) in hand_written_rust(&root.join("generated/src"))? {
        files.push(File { path: format!("src/{name}"), contents: format!("{header}\n{text}") });
    }
    // The crate's front page (also its rustdoc front page, which the runtime includes).
    let readme = root.join("generated/README.md");
    let text = std::fs::read_to_string(&readme).map_err(|e| format!("{}: {e}", readme.display()))?;
    files.push(File { path: "README.md".into(), contents: format!("<!-- {header} -->\n{text}") });
    // The examples call Plaid's operations, which a member fixture crate does not have.
    if home == Home::Own {
        for (name, text) in hand_written_rust(&root.join("generated/examples"))? {
            files.push(File { path: format!("examples/{name}"), contents: format!("{header}\n{text}") });
        }
    }
    Ok(files)
}

/// The `.rs` files under `dir` (its folders included: the runtime is grouped by concern) that
/// regen did not write, as (path relative to `dir`, with `/`, text), by path.
fn hand_written_rust(dir: &Path) -> Result<Vec<(String, String)>, String> {
    std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths = crate::rust_files(dir);
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if !generator::emit::is_generated(&text) {
            let relative = path.strip_prefix(dir).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
            out.push((name, text));
        }
    }
    Ok(out)
}

/// `generated/Cargo.toml` with every `workspace = true` resolved against the workspace manifest,
/// and one feature per group of these specs.
fn manifest(root: &Path, groups: &[String], sources: &str, home: Home, folder: &str) -> Result<String, String> {
    let read = |p: &Path| -> Result<Table, String> {
        let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
        text.parse::<Table>().map_err(|e| format!("{}: {e}", p.display()))
    };
    let workspace = read(&root.join("Cargo.toml"))?;
    let mut crate_manifest = read(&root.join("generated/Cargo.toml"))?;
    let ws = workspace.get("workspace").and_then(Value::as_table).ok_or("Cargo.toml has no [workspace]")?;
    let ws_package = ws.get("package").and_then(Value::as_table).cloned().unwrap_or_default();
    let ws_deps = ws.get("dependencies").and_then(Value::as_table).cloned().unwrap_or_default();

    if let Some(package) = crate_manifest.get_mut("package").and_then(Value::as_table_mut) {
        for (key, value) in package.iter_mut() {
            if is_workspace_ref(value) {
                *value = ws_package.get(key).cloned().ok_or(format!("workspace.package.{key} is missing"))?;
            }
        }
    }
    for section in ["dependencies", "dev-dependencies"] {
        let Some(deps) = crate_manifest.get_mut(section).and_then(Value::as_table_mut) else { continue };
        for (name, dep) in deps.iter_mut() {
            if is_workspace_ref(dep) {
                let base = ws_deps.get(name).ok_or(format!("workspace.dependencies.{name} is missing"))?;
                *dep = inline(base, dep);
            }
        }
    }
    crate_manifest.insert("features".into(), Value::Table(features_table(groups)));
    match home {
        // Its own workspace, so that it builds wherever it is written.
        Home::Own => {
            crate_manifest.insert("workspace".into(), Value::Table(Table::new()));
        }
        Home::Member => {
            if let Some(package) = crate_manifest.get_mut("package").and_then(Value::as_table_mut) {
                package.insert("name".into(), Value::String(folder.to_string()));
            }
            if let Some(lib) = crate_manifest.get_mut("lib").and_then(Value::as_table_mut) {
                lib.insert("doctest".into(), Value::Boolean(false));
                lib.insert("doc".into(), Value::Boolean(false));
            }
        }
    }
    let header = generator::emit::header_for(sources).replacen("//", "#", 1);
    Ok(format!("{header}\n{}", toml::to_string(&crate_manifest).map_err(|e| e.to_string())?))
}

fn is_workspace_ref(value: &Value) -> bool {
    value.as_table().and_then(|t| t.get("workspace")).and_then(Value::as_bool) == Some(true)
}

/// The workspace's spec of a dependency with the crate's own additions (features).
fn inline(base: &Value, local: &Value) -> Value {
    let mut spec = match base {
        Value::String(version) => {
            let mut t = Table::new();
            t.insert("version".into(), Value::String(version.clone()));
            t
        }
        Value::Table(t) => t.clone(),
        other => return other.clone(),
    };
    for (key, value) in local.as_table().into_iter().flatten() {
        match (key.as_str(), spec.get_mut(key)) {
            ("workspace", _) => {}
            ("features", Some(Value::Array(existing))) => {
                for feature in value.as_array().into_iter().flatten() {
                    if !existing.contains(feature) {
                        existing.push(feature.clone());
                    }
                }
            }
            _ => {
                spec.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Table(spec)
}

/// What the `testing` feature (the mock of the API, off by default) turns on: an HTTP server
/// on loopback, and patterns for the request checks.
const TESTING: &[&str] = &["dep:hyper", "dep:hyper-util", "dep:http-body-util", "dep:regex-lite", "tokio/net"];

/// `[features]`: one empty feature per group, all of them on by default, and `testing`.
pub fn features_table(groups: &[String]) -> Table {
    let mut features = Table::new();
    features.insert("default".into(), Value::Array(groups.iter().map(|g| Value::String(g.clone())).collect()));
    for g in groups {
        features.insert(g.clone(), Value::Array(Vec::new()));
    }
    features.insert("testing".into(), Value::Array(TESTING.iter().map(|d| Value::String(d.to_string())).collect()));
    features
}

/// Whether the workspace's own `generated/Cargo.toml` declares exactly these groups as
/// features, all on by default; the section to write when it does not.
pub fn check_own_features(root: &Path, groups: &[String]) -> Result<(), String> {
    let path = root.join("generated/Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let manifest = text.parse::<Table>().map_err(|e| format!("{}: {e}", path.display()))?;
    let expected = features_table(groups);
    match manifest.get("features").and_then(Value::as_table) {
        Some(found) if *found == expected => Ok(()),
        _ => {
            let mut section = Table::new();
            section.insert("features".into(), Value::Table(expected));
            Err(format!(
                "{} must declare one feature per API group (and `webhooks`, `unreferenced` for types no group uses), all on by default, and `testing`; write:\n\n{}",
                path.display(),
                toml::to_string(&section).unwrap_or_default()
            ))
        }
    }
}

/// What a release publishes besides `Cargo.toml`, which Cargo always packages: the library,
/// its front page, the changelog and the API manifest the next release is compared with.
/// Tests and examples stay out: they are the generator's checks, not the user's.
const RELEASE_INCLUDE: &[&str] = &["/src/**/*.rs", "/README.md", "/CHANGELOG.md", "/api.json"];

/// A standalone crate's manifest made a release's: its version, `publish` allowed, what the
/// package holds (not the generated tests and examples: `cargo xtask corpus` runs those), and the Plaid spec version it was generated from
/// (`[package.metadata.plaid] spec-version`).
pub fn release_manifest(text: &str, version: &str, spec_version: &str) -> Result<String, String> {
    let (header, body) = text.split_once('\n').ok_or("the manifest is empty")?;
    let mut manifest = body.parse::<Table>().map_err(|e| format!("Cargo.toml: {e}"))?;
    let package = manifest.get_mut("package").and_then(Value::as_table_mut).ok_or("Cargo.toml has no [package]")?;
    package.insert("version".into(), Value::String(version.to_string()));
    package.remove("publish");
    package.insert("include".into(), Value::Array(RELEASE_INCLUDE.iter().map(|p| Value::String(p.to_string())).collect()));
    // The generated tests and examples are not packaged: without these, Cargo would warn once
    // for each target it finds and cannot package.
    package.insert("autotests".into(), Value::Boolean(false));
    package.insert("autoexamples".into(), Value::Boolean(false));
    let metadata = package.entry("metadata").or_insert_with(|| Value::Table(Table::new()));
    let metadata = metadata.as_table_mut().ok_or("package.metadata is not a table")?;
    let mut plaid = Table::new();
    plaid.insert("spec-version".into(), Value::String(spec_version.to_string()));
    metadata.insert("plaid".into(), Value::Table(plaid));
    Ok(format!("{header}\n{}", toml::to_string(&manifest).map_err(|e| e.to_string())?))
}
