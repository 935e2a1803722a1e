//! `cargo xtask semver-check [--spec S]`: api-diff checked against the Rust ecosystem's semver
//! linter. The crate of spec S (the complete Plaid spec by default) is compared with crates of
//! mutated copies of S: one with a change of each breaking kind (an operation removed, an
//! optional field made required, an enum value dropped, a schema renamed), one with additions
//! only. For each pair, cargo-semver-checks (pinned, installed with cargo when missing) must
//! name nothing that `api-diff` does not list as breaking, `api-diff` must say `major` whenever
//! it reports a breaking change, and the additive copy must be `minor` with no report. With
//! `--against NEW`, the same checks on the real pair S, NEW.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use generator::api_diff;
use serde_yaml::Value;

/// The cargo-semver-checks release the checks run with.
const SEMVER_CHECKS_VERSION: &str = "0.51.0";

/// Runs the checks on `spec`'s mutated copies, or on the pair of specs given.
pub fn run(root: &Path, spec: &Path, against: Option<&Path>) -> ExitCode {
    let result = match against {
        None => check(root, spec),
        Some(new) => install(root).and_then(|tool| {
            let work = root.join("target/semver");
            pair(root, &tool, spec, new, &work, "pair", None)
        }),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn check(root: &Path, spec: &Path) -> Result<bool, String> {
    let tool = install(root)?;
    let work = root.join("target/semver");
    std::fs::create_dir_all(work.join("specs")).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let base: Value = serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?;
    let (breaking, made) = mutate_breaking(base.clone());
    println!("breaking copy: {}", made.join("; "));
    let additive = mutate_additive(base.clone());
    let write = |name: &str, value: &Value| -> Result<PathBuf, String> {
        let path = work.join("specs").join(format!("{name}.yml"));
        std::fs::write(&path, serde_yaml::to_string(value).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        Ok(path)
    };
    let old = write("old", &base)?;
    let mut ok = true;
    for (name, value, want_breaking) in [("breaking", &breaking, true), ("additive", &additive, false)] {
        let new = write(name, value)?;
        ok &= pair(root, &tool, &old, &new, &work, name, Some(want_breaking))?;
    }
    Ok(ok)
}

/// One pair: both crates generated, api-diff and cargo-semver-checks run, their verdicts
/// compared; `want_breaking` says what a mutated copy must give, `None` for a real pair.
fn pair(root: &Path, tool: &Path, old: &Path, new: &Path, work: &Path, name: &str, want_breaking: Option<bool>) -> Result<bool, String> {
    let (old_crate, new_crate) = (work.join(format!("{name}-old-crate")), work.join(format!("{name}-crate")));
    for (spec, out) in [(old, &old_crate), (new, &new_crate)] {
        regen(root, spec, out)?;
    }
    let read = |dir: &Path| -> Result<api_diff::Manifest, String> {
        let text = std::fs::read_to_string(dir.join(generator::emit::MANIFEST)).map_err(|e| e.to_string())?;
        api_diff::parse(&text)
    };
    let changes = api_diff::diff(&read(&old_crate)?, &read(&new_crate)?);
    let bump = api_diff::bump(&changes);
    let started = Instant::now();
    let output = Command::new(tool)
        .args(["semver-checks", "check-release", "--manifest-path"])
        .arg(new_crate.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(&old_crate)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("cannot run cargo-semver-checks: {e}"))?;
    // The findings are on stdout; stderr has the progress lines.
    let findings = String::from_utf8_lossy(&output.stdout).into_owned();
    let report = format!("{findings}{}", String::from_utf8_lossy(&output.stderr));
    let named = named_items(&findings);
    let lints = findings.lines().filter(|l| l.trim_start().starts_with("--- failure")).count();
    println!("{name}: api-diff says {bump} ({} breaking); cargo-semver-checks {SEMVER_CHECKS_VERSION} names {} items in {lints} failed lints ({:.0} s)", changes.iter().filter(|c| c.breaking).count(), named.len(), started.elapsed().as_secs_f64());
    let breaking: Vec<&api_diff::Change> = changes.iter().filter(|c| c.breaking).collect();
    let mut ok = true;
    for item in &named {
        if !breaking.iter().any(|c| covers(&c.path, item)) {
            eprintln!("  cargo-semver-checks names `{item}`, which api-diff does not list as breaking");
            ok = false;
        }
    }
    if !named.is_empty() && bump != "major" {
        eprintln!("  cargo-semver-checks reports breaking changes, api-diff says {bump}");
        ok = false;
    }
    if want_breaking == Some(true) && (named.is_empty() || bump != "major") {
        eprintln!("  the breaking copy should be major for both (api-diff {bump}, cargo-semver-checks {} items)", named.len());
        eprintln!("{report}");
        ok = false;
    }
    if want_breaking == Some(false) && (bump != "minor" || !named.is_empty()) {
        eprintln!("  the additive copy should be minor with no report (api-diff {bump}, cargo-semver-checks {} items)", named.len());
        ok = false;
    }
    if !output.status.success() && named.is_empty() {
        eprintln!("  cargo-semver-checks failed without naming items:\n{report}");
        ok = false;
    }
    Ok(ok)
}

/// The items a cargo-semver-checks report names: the lines under each `Failed in:`.
fn named_items(report: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut listing = false;
    for line in report.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("Failed in:") {
            listing = true;
            continue;
        }
        if listing {
            if trimmed.is_empty() || trimmed.starts_with("---") {
                listing = false;
                continue;
            }
            items.push(trimmed.to_string());
        }
    }
    items
}

/// Whether one of our breaking paths is the item a report line names: every segment of our
/// path is a word of the line (`TransferRequest::with_count` in "method with_count of struct
/// TransferRequest"), or the feature a `feature:` path names.
fn covers(path: &str, line: &str) -> bool {
    let place = line.split(", previously in file").next().unwrap_or(line);
    let place = place.split(" in file ").next().unwrap_or(place);
    let words: Vec<&str> = place.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
    match path.strip_prefix("feature:") {
        Some(feature) => words.contains(&feature),
        None => path.split("::").all(|segment| words.contains(&segment)),
    }
}

fn regen(root: &Path, spec: &Path, out: &Path) -> Result<(), String> {
    let status = Command::new(std::env::current_exe().map_err(|e| e.to_string())?)
        .args(["regen", "--spec"])
        .arg(spec)
        .arg("--out")
        .arg(out)
        .current_dir(root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("regen of {} failed", spec.display()))
    }
}

/// The pinned cargo-semver-checks.
fn install(_root: &Path) -> Result<PathBuf, String> {
    crate::pinned_tool("cargo-semver-checks", &["semver-checks", "--version"], SEMVER_CHECKS_VERSION, "about 13 minutes on 2 cores")
}

/// A copy with one change of each breaking kind, and what was changed.
fn mutate_breaking(mut spec: Value) -> (Value, Vec<String>) {
    let mut made = Vec::new();
    // An operation removed: the first path.
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_mapping_mut) {
        if let Some(first) = paths.keys().next().cloned() {
            paths.remove(&first);
            made.push(format!("removed {}", first.as_str().unwrap_or("?")));
        }
    }
    let Some(schemas) = spec.get_mut("components").and_then(|c| c.get_mut("schemas")).and_then(Value::as_mapping_mut) else { return (spec, made) };
    // An optional text field made required: in the first object schema that has one.
    'required: for (name, schema) in schemas.iter_mut() {
        let Some(props) = schema.get("properties").and_then(Value::as_mapping) else { continue };
        let required: Vec<Value> = schema.get("required").and_then(Value::as_sequence).cloned().unwrap_or_default();
        for (prop, body) in props {
            let text = body.get("type").and_then(Value::as_str) == Some("string") && body.get("nullable").is_none();
            if text && !required.contains(prop) {
                let prop = prop.clone();
                let mut required = required;
                required.push(prop.clone());
                if let Some(map) = schema.as_mapping_mut() {
                    map.insert(Value::from("required"), Value::Sequence(required));
                }
                made.push(format!("{}.{} required", name.as_str().unwrap_or("?"), prop.as_str().unwrap_or("?")));
                break 'required;
            }
        }
    }
    // An enum value dropped: the last of the first schema listing three or more.
    for (name, schema) in schemas.iter_mut() {
        let Some(values) = schema.get_mut("enum").and_then(Value::as_sequence_mut) else { continue };
        if values.len() >= 3 {
            let dropped = values.pop();
            made.push(format!("{} lost {:?}", name.as_str().unwrap_or("?"), dropped.and_then(|v| v.as_str().map(str::to_string))));
            break;
        }
    }
    // A schema renamed, with every reference to it: the first one.
    let renamed = schemas.keys().next().and_then(Value::as_str).map(str::to_string);
    if let Some(old) = renamed {
        let text = serde_yaml::to_string(&spec).unwrap_or_default();
        let new = format!("{old}Renamed");
        let text = text.replace(&format!("#/components/schemas/{old}'"), &format!("#/components/schemas/{new}'")).replace(&format!("#/components/schemas/{old}\n"), &format!("#/components/schemas/{new}\n"));
        if let Ok(mut value) = serde_yaml::from_str::<Value>(&text) {
            if let Some(schemas) = value.get_mut("components").and_then(|c| c.get_mut("schemas")).and_then(Value::as_mapping_mut) {
                if let Some(body) = schemas.remove(old.as_str()) {
                    schemas.insert(Value::from(new.clone()), body);
                }
            }
            spec = value;
            made.push(format!("{old} renamed {new}"));
        }
    }
    (spec, made)
}

/// A copy with additions only: a new schema.
fn mutate_additive(mut spec: Value) -> Value {
    if let Some(schemas) = spec.get_mut("components").and_then(|c| c.get_mut("schemas")).and_then(Value::as_mapping_mut) {
        let body: Value = serde_yaml::from_str("type: object\ndescription: Added by the semver check.\nproperties:\n  note: {type: string}\n").unwrap_or(Value::Null);
        schemas.insert(Value::from("SemverCheckAddition"), body);
    }
    spec
}
