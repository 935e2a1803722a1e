//! What a spec bump does to users: two manifests of the generated crate (`api.json`, see
//! [`crate::emit::manifest`]) compared item by item, each change judged by whether code that
//! compiled against the old crate still compiles, and the semver bump that follows.
//!
//! - An item that is gone breaks code (a method, type, field, setter, enum value, feature or
//!   module users may name).
//! - An item that changed what code depends on (its kind, its module, its type, a function's
//!   arguments or result) breaks code: a new required constructor argument, a field that became required
//!   (`Option<T>` to `T`), a type renamed under a field.
//! - A new item breaks nothing (structs and enums are `#[non_exhaustive]`), except a field of
//!   a struct users write as a literal (`exhaustive`: the named values of a constructor).
//! - A change of behaviour only (an operation's path, retry class, an enum value's wire text)
//!   breaks no code; it is listed, and makes at least a minor release.
//!
//! The bump is `major` with any breaking change, `minor` with any other, `patch` with none.

pub mod summary;

use std::collections::BTreeMap;

use serde_json::Value;

/// One manifest, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The specs' `info.version`.
    pub spec_version: String,
    /// Every item by its path.
    pub items: BTreeMap<String, Value>,
}

/// One change between two manifests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The item's Rust path, without the crate name.
    pub path: String,
    /// `removed`, `added` or `changed`.
    pub change: &'static str,
    /// Whether code that compiled against the old crate may not compile against the new one.
    pub breaking: bool,
    /// What changed, in words.
    pub detail: String,
    /// The item's kind (`method`, `struct`, `field`, `fn`, ...), as the manifest that has it says.
    pub kind: String,
}

/// The keys of an item that code depends on.
const SHAPE_KEYS: &[&str] = &["kind", "module", "type", "args", "returns", "exhaustive"];

/// Reads a manifest's text.
pub fn parse(text: &str) -> Result<Manifest, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not a manifest: {e}"))?;
    let spec_version = value.get("spec_version").and_then(Value::as_str).unwrap_or_default().to_string();
    let list = value.get("items").and_then(Value::as_array).ok_or("not a manifest: no `items` list")?;
    let mut items = BTreeMap::new();
    for item in list {
        let path = item.get("path").and_then(Value::as_str).ok_or("not a manifest: an item without a `path`")?;
        items.insert(path.to_string(), item.clone());
    }
    Ok(Manifest { spec_version, items })
}

/// Every change from `old` to `new`, breaking ones first, then by path.
pub fn diff(old: &Manifest, new: &Manifest) -> Vec<Change> {
    let mut changes = Vec::new();
    for (path, before) in &old.items {
        match new.items.get(path) {
            None => changes.push(Change { path: path.clone(), change: "removed", breaking: true, detail: format!("the {} is gone", kind(before)), kind: kind(before).into() }),
            Some(after) if after != before => {
                let shape_changed: Vec<String> = SHAPE_KEYS.iter().filter(|k| before.get(**k) != after.get(**k)).map(|k| describe(k, before, after)).collect();
                let breaking = !shape_changed.is_empty();
                // Only what code depends on when that changed; else every key that changed.
                let detail = if breaking {
                    shape_changed.join("; ")
                } else {
                    let keys: std::collections::BTreeSet<&str> =
                        [before, after].iter().filter_map(|v| v.as_object()).flat_map(|o| o.keys().map(String::as_str)).filter(|k| before.get(*k) != after.get(*k)).collect();
                    keys.into_iter().map(|k| describe(k, before, after)).collect::<Vec<_>>().join("; ")
                };
                changes.push(Change { path: path.clone(), change: "changed", breaking, detail, kind: kind(after).into() });
            }
            Some(_) => {}
        }
    }
    for (path, after) in &new.items {
        if old.items.contains_key(path) {
            continue;
        }
        // A field added to a struct users write as a literal breaks the literal.
        let owner = path.rsplit_once("::").map(|(owner, _)| owner);
        let in_literal = owner.and_then(|o| new.items.get(o)).is_some_and(|o| o.get("exhaustive") == Some(&Value::Bool(true))) && old.items.contains_key(owner.unwrap_or_default());
        let detail = if in_literal { format!("a new {} of a struct written as a literal", kind(after)) } else { format!("a new {}", kind(after)) };
        changes.push(Change { path: path.clone(), change: "added", breaking: in_literal, detail, kind: kind(after).into() });
    }
    changes.sort_by(|a, b| (!a.breaking, &a.path).cmp(&(!b.breaking, &b.path)));
    changes
}

/// `major`, `minor` or `patch`.
pub fn bump(changes: &[Change]) -> &'static str {
    if changes.iter().any(|c| c.breaking) {
        "major"
    } else if changes.is_empty() {
        "patch"
    } else {
        "minor"
    }
}

fn kind(item: &Value) -> &str {
    item.get("kind").and_then(Value::as_str).unwrap_or("item")
}

fn describe(key: &str, before: &Value, after: &Value) -> String {
    let show = |v: Option<&Value>| v.map(Value::to_string).unwrap_or_else(|| "nothing".into());
    format!("{key}: {} -> {}", show(before.get(key)), show(after.get(key)))
}

/// The changes as JSON: `{"from", "to", "bump", "changes": [{"path", "change", "breaking", "detail"}]}`.
pub fn to_json(old: &Manifest, new: &Manifest, changes: &[Change]) -> String {
    let list: Vec<Value> = changes
        .iter()
        .map(|c| serde_json::json!({"path": c.path, "change": c.change, "breaking": c.breaking, "detail": c.detail}))
        .collect();
    let value = serde_json::json!({"from": old.spec_version, "to": new.spec_version, "bump": bump(changes), "changes": list});
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// What a maintainer reads first: the bump with counts by kind of change, the summary a
/// changelog opens with ([`summary::summary`]), and the first breaking changes, grouped by cause.
pub fn to_text(old: &Manifest, new: &Manifest, changes: &[Change]) -> String {
    let mut text = format!("{} -> {}: {}", old.spec_version, new.spec_version, bump(changes));
    if changes.is_empty() {
        text.push_str(" (no change to the public API)\n");
        return text;
    }
    let count = |change: &str, breaking: bool| changes.iter().filter(|c| c.change == change && c.breaking == breaking).count();
    let breaking = changes.iter().filter(|c| c.breaking).count();
    text.push_str(&format!(
        " ({breaking} breaking: {} removed, {} changed, {} added to literals; {} added, {} changed without breaking)\n\n",
        count("removed", true),
        count("changed", true),
        count("added", true),
        count("added", false),
        count("changed", false)
    ));
    text.push_str(&summary::summary(old, new, changes));
    let lines = summary::breaking_lines(changes);
    if !lines.is_empty() {
        const SHOWN: usize = 40;
        text.push_str("\nBreaking changes, by cause:\n");
        for line in lines.iter().take(SHOWN) {
            text.push_str(&format!("  {line}\n"));
        }
        if lines.len() > SHOWN {
            text.push_str(&format!("  ... and {} more lines (--format markdown lists them all)\n", lines.len() - SHOWN));
        }
    }
    text
}

/// A CHANGELOG section.
pub fn to_markdown(old: &Manifest, new: &Manifest, changes: &[Change]) -> String {
    let mut text = format!("## Plaid spec {} (from {}): {} release\n", new.spec_version, old.spec_version, bump(changes));
    text.push_str(&summary::changelog_body(old, new, changes));
    text
}
