//! OpenAPI Overlays (the OpenAPI Initiative's Overlay Specification 1.0.0): a maintainer's fixes
//! to Plaid's spec, kept as small files that survive every spec bump, applied after loading and
//! before merging.
//!
//! An overlay is `overlay: 1.0.0`, `info`, an optional `extends` (informational here) and
//! `actions`, applied in order. Each action has a `target`, an RFC 9535 JSONPath (evaluated by
//! `serde_json_path`), and either `remove: true` or an `update`:
//!
//! - on an object node, the update (an object) is merged in: objects recursively, arrays
//!   appended to, anything else replaced;
//! - on an array node, the update is appended as one more item;
//! - on any other node an update is an error, as the standard allows none there.
//!
//! Every spec file is a document the actions are applied to; an action's target is evaluated
//! on each in turn. A target that matches nothing in any file is a warning (unless the action
//! says `x-optional: true`: a fix for a node only some spec versions have), an invalid one or
//! a file that is not an overlay an error, and any error stops the run before anything is
//! written. Each node an action changed is remembered ([`Touch`]), so that a diagnostic about
//! it names the overlay's file, line and action as well as the spec's place.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::finding::{At, Finding};
use crate::load::SpecFile;

/// The overlay versions this generator applies.
const VERSION: &str = "1.0.0";

/// One overlay file, read and checked.
#[derive(Debug, Clone)]
pub struct Overlay {
    path: PathBuf,
    text: String,
    actions: Vec<Action>,
}

/// One action of an overlay.
#[derive(Debug, Clone)]
struct Action {
    /// Its index in `actions`.
    index: usize,
    target: JsonPath,
    /// The target as written, for messages.
    written: String,
    change: Change,
    /// `x-optional: true`: a fix for a node that some specs lack (an endpoint older or newer
    /// versions do not have), so matching nothing is expected and not a warning.
    optional: bool,
}

#[derive(Debug, Clone)]
enum Change {
    Update(Value),
    Remove,
}

pub use crate::locate::Touch;

/// What applying the overlays did, for the regen summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Overlay files applied.
    pub files: usize,
    /// Actions applied (a target that matched nothing counts as applied, and warns).
    pub actions: usize,
    /// Nodes the actions matched, over all spec files.
    pub matches: usize,
}

/// Reads and checks every overlay file; reports every broken one at once.
pub fn load(paths: &[PathBuf]) -> Result<Vec<Overlay>, Diagnostics> {
    let mut overlays = Vec::new();
    let mut diags = Diagnostics::default();
    for path in paths {
        match crate::load::read_bounded(path, "overlay") {
            Ok(text) => match parse(path, text) {
                Ok(overlay) => overlays.push(overlay),
                Err(errors) => diags.0.extend(errors.0),
            },
            Err(d) => diags.push(d),
        }
    }
    diags.into_result()?;
    Ok(overlays)
}

/// The overlay files of a folder (`specs/overlays/`), by name; none when it does not exist.
pub fn in_folder(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else { return Vec::new() };
    let mut found: Vec<PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml"))).collect();
    found.sort();
    found
}

/// Checks an overlay's text: YAML, `overlay: 1.0.0`, an `info`, and `actions` whose targets are
/// JSONPath and which each update or remove.
pub fn parse(path: &Path, text: String) -> Result<Overlay, Diagnostics> {
    let located = |code: Code, message: String, pointer: &str| {
        let d = Diagnostic::error(code, message).in_file(path).at_line(crate::locate::line_of(&text, pointer).or(Some(1)));
        if pointer.is_empty() { d } else { d.at_pointer(pointer) }
    };
    let error = |message: String, pointer: &str| located(Code::Overlay, message, pointer);
    crate::load::check_yaml_depth(path, &text).map_err(|d| Diagnostics(vec![d]))?;
    let value: Value = serde_yaml::from_str(&text).map_err(|e| {
        let line = e.location().map(|l| l.line());
        Diagnostics(vec![Diagnostic::error(Code::Overlay, format!("invalid YAML: {e}")).in_file(path).at_line(line)])
    })?;
    let Some(root) = value.as_object() else {
        return Err(Diagnostics(vec![error("not an overlay: the file is not a YAML mapping".into(), "")]));
    };
    let mut diags = Diagnostics::default();
    match root.get("overlay").map(plain) {
        Some(version) if version == VERSION => {}
        Some(version) => diags.push(error(format!("overlay version {version} is not supported; the generator applies Overlay {VERSION}"), "/overlay")),
        None => diags.push(error(format!("not an overlay: the `overlay` key (`{VERSION}`) is missing"), "")),
    }
    if !root.get("info").is_some_and(Value::is_object) {
        diags.push(error("not an overlay: `info` (with `title` and `version`) is missing".into(), ""));
    }
    let mut actions = Vec::new();
    match root.get("actions") {
        Some(Value::Array(list)) if !list.is_empty() => {
            for (index, action) in list.iter().enumerate() {
                let pointer = format!("/actions/{index}");
                match read_action(index, action) {
                    Ok(action) => actions.push(action),
                    Err((code, message, at)) => diags.push(located(code, message, &format!("{pointer}{at}"))),
                }
            }
        }
        _ => diags.push(error("not an overlay: `actions` must be a non-empty list".into(), "")),
    }
    diags.into_result()?;
    Ok(Overlay { path: path.to_path_buf(), text, actions })
}

/// What is wrong with an action: the diagnostic's code, the message, and a pointer below the
/// action.
type ActionError = (Code, String, &'static str);

/// An `E0012 overlay` error of an action.
fn malformed(message: impl Into<String>, at: &'static str) -> ActionError {
    (Code::Overlay, message.into(), at)
}

/// One action, or what is wrong with it and where.
fn read_action(index: usize, action: &Value) -> Result<Action, ActionError> {
    let action = action.as_object().ok_or_else(|| malformed("an action must be a mapping with `target` and `update` or `remove`", ""))?;
    let written = action.get("target").and_then(Value::as_str).ok_or_else(|| malformed("the action has no `target` (a JSONPath)", ""))?;
    // Checked on its text first: the parser recurses on nesting, and evaluation multiplies by
    // every descendant segment.
    crate::limits::target(written).map_err(|why| (Code::Limit, format!("target refused before evaluation: {why}"), "/target"))?;
    let target = JsonPath::parse(written).map_err(|e| malformed(format!("`{written}` is not a valid JSONPath (RFC 9535): {e}"), "/target"))?;
    let remove = match action.get("remove") {
        None | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(_) => return Err(malformed("`remove` must be `true` or `false`", "/remove")),
    };
    let change = match (action.get("update"), remove) {
        (Some(_), true) => return Err(malformed("an action either updates or removes, not both", "")),
        (Some(update), false) => Change::Update(update.clone()),
        (None, true) => Change::Remove,
        (None, false) => return Err(malformed("the action neither updates nor removes: add `update` or `remove: true`", "")),
    };
    let optional = match action.get("x-optional") {
        None | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(_) => return Err(malformed("`x-optional` must be `true` or `false`", "/x-optional")),
    };
    Ok(Action { index, target, written: written.to_string(), change, optional })
}

/// A scalar as its text (`1.0.0`, not `"1.0.0"`).
fn plain(v: &Value) -> String {
    v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())
}

/// Applies the overlays in order to every spec file, and reads each changed file's document
/// again. Returns the counts and the warnings; fails with every error.
pub fn apply(overlays: &[Overlay], specs: &mut [SpecFile]) -> Result<(Counts, Diagnostics), Diagnostics> {
    let mut counts = Counts { files: overlays.len(), ..Counts::default() };
    let mut diags = Diagnostics::default();
    let mut changed = vec![false; specs.len()];
    let mut updates: Vec<(usize, Touch, Vec<String>)> = Vec::new();
    let mut grown = 0usize;
    for overlay in overlays {
        for action in &overlay.actions {
            counts.actions += 1;
            let line = crate::locate::line_of(&overlay.text, &format!("/actions/{}", action.index));
            // Every match first, in every file: the limits are checked before anything changes.
            let mut found: Vec<Vec<String>> = Vec::with_capacity(specs.len());
            let mut matched = 0;
            for spec in specs.iter() {
                let mut pointers: Vec<String> = action.target.query_located(&spec.json).locations().map(|l| l.to_json_pointer()).collect();
                // The last first (array indexes by number), so that removing an item leaves the
                // pointers of the earlier ones valid.
                pointers.sort_by(|a, b| document_order(b, a));
                pointers.dedup();
                matched += pointers.len();
                found.push(pointers);
            }
            let growth = match &action.change {
                Change::Update(update) => serde_json::to_string(update).map(|t| t.len()).unwrap_or(0).saturating_mul(matched),
                Change::Remove => 0,
            };
            let refused = if matched > crate::limits::MAX_MATCHES {
                Some(format!("matches {matched} nodes; the limit is {} for one action", crate::limits::MAX_MATCHES))
            } else if grown.saturating_add(growth) > crate::limits::MAX_GROWTH_BYTES {
                Some(format!("would add about {growth} bytes of JSON ({matched} matches of the update); the limit for all updates is {} bytes", crate::limits::MAX_GROWTH_BYTES))
            } else {
                None
            };
            if let Some(why) = refused {
                let d = Diagnostic::error(Code::Limit, format!("overlay action {} (`{}`) {why}", action.index, action.written))
                    .in_file(&overlay.path)
                    .at_line(line)
                    .at_pointer(format!("/actions/{}", action.index));
                diags.push(d);
                counts.matches += matched;
                continue;
            }
            grown += growth;
            for (spec_index, ((spec, changed), pointers)) in specs.iter_mut().zip(changed.iter_mut()).zip(found).enumerate() {
                for pointer in pointers {
                    let at = |message: String| {
                        let line = crate::locate::line_of(&spec.text, &pointer);
                        Diagnostic::error(Code::Overlay, format!("overlay action {} (`{}`): {message}", action.index, action.written))
                            .in_file(&overlay.path)
                            .at_line(crate::locate::line_of(&overlay.text, &format!("/actions/{}", action.index)))
                            .at_pointer(format!("/actions/{}", action.index))
                            .with_hint(format!("the node is {} at {pointer}{}", spec.path.display(), line.map(|l| format!(" (line {l})")).unwrap_or_default()))
                    };
                    let done = match &action.change {
                        Change::Remove => remove(&mut spec.json, &pointer).map_err(at),
                        Change::Update(update) => match spec.json.pointer_mut(&pointer) {
                            Some(node) => merge(node, update).map_err(at),
                            None => Err(at("the node vanished".into())),
                        },
                    };
                    match done {
                        Ok(()) => {
                            *changed = true;
                            let touch = Touch { pointer: pointer.clone(), overlay: overlay.path.clone(), line, action: action.index };
                            if let Change::Update(Value::Object(update)) = &action.change {
                                updates.push((spec_index, touch.clone(), update.keys().cloned().collect()));
                            }
                            spec.overlaid.push(touch);
                        }
                        Err(d) => diags.push(d),
                    }
                }
            }
            counts.matches += matched;
            if matched == 0 && !action.optional {
                let message = format!("overlay action {} targets `{}`, which matches nothing in the specs", action.index, action.written);
                let touch = Touch { pointer: String::new(), overlay: overlay.path.clone(), line, action: action.index };
                diags.push(crate::finding::locate(Finding::warning(Code::OverlayUnmatched, At::Action(touch), message), None));
            }
        }
    }
    for finding in beside_refs(specs, &updates) {
        diags.push(crate::finding::locate(finding, None));
    }
    for (spec, changed) in specs.iter_mut().zip(changed) {
        if changed {
            if let Err(d) = crate::load::reparse(spec) {
                diags.push(annotated(d, &spec.overlaid));
            }
        }
    }
    diags.into_result().map(|warnings| (counts, warnings))
}

/// Updates that set keys beside a `$ref` (`nullable`, `x-rust-name`) that is still there once
/// every overlay is applied: OpenAPI 3.0 ignores a ref's siblings, so those updates had no
/// effect. (A later action may remove the `$ref`, the way to turn a ref into `allOf` with
/// keys beside it, so only the end result counts.)
fn beside_refs(specs: &[SpecFile], updates: &[(usize, Touch, Vec<String>)]) -> Vec<Finding> {
    let mut found = Vec::new();
    for (spec, touch, keys) in updates {
        let Some(Value::Object(node)) = specs.get(*spec).and_then(|s| s.json.pointer(&touch.pointer)) else { continue };
        let Some(reference) = node.get("$ref") else { continue };
        let keys: Vec<String> = keys.iter().filter(|k| *k != "$ref").map(|k| format!("`{k}`")).collect();
        if keys.is_empty() {
            continue;
        }
        let message = format!(
            "{} set beside `$ref: {reference}` at {}, where OpenAPI 3.0 ignores everything but the ref; the update has no effect",
            keys.join(", "),
            touch.pointer
        );
        let hint = "update the schema the ref names, or turn the ref into `allOf: [{$ref: ...}]` with the keys beside it (update, then remove the node's `$ref`)";
        found.push(Finding::warning(Code::OverlayIgnored, At::Action(touch.clone()), message).with_hint(hint));
    }
    found
}

/// Compares pointers segment by segment, numbers as numbers.
fn document_order(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |p: &str| p.split('/').map(|s| (s.parse::<usize>().ok(), s.to_string())).collect::<Vec<_>>();
    key(a).cmp(&key(b))
}

/// Merges `update` into the node as Overlay 1.0.0 says.
fn merge(node: &mut Value, update: &Value) -> Result<(), String> {
    match (node, update) {
        (Value::Object(target), Value::Object(fields)) => {
            merge_object(target, fields);
            Ok(())
        }
        (Value::Object(_), other) => Err(format!("an update of an object must be an object, not {}", kind(other))),
        (Value::Array(items), other) => {
            items.push(other.clone());
            Ok(())
        }
        (other, _) => Err(format!("the target is {}; an update applies to an object or an array only", kind(other))),
    }
}

fn merge_object(target: &mut Map<String, Value>, fields: &Map<String, Value>) {
    for (key, value) in fields {
        match (target.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(more)) => merge_object(inner, more),
            (Some(Value::Array(items)), Value::Array(more)) => items.extend(more.iter().cloned()),
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Removes the node at `pointer` from its parent.
fn remove(root: &mut Value, pointer: &str) -> Result<(), String> {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return Err("the document itself cannot be removed".into());
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match root.pointer_mut(parent) {
        Some(Value::Object(map)) => map.shift_remove(&key).map(drop).ok_or_else(|| "the node vanished".to_string()),
        Some(Value::Array(items)) => match key.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                Ok(())
            }
            _ => Err("the node vanished".into()),
        },
        _ => Err("the node's parent vanished".into()),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The diagnostic with the overlay action that changed its node, if one did: a node is
/// changed by an action that touched it, one of its ancestors or one of its descendants.
pub fn annotated(mut d: Diagnostic, touches: &[Touch]) -> Diagnostic {
    if d.overlay.is_some() {
        return d;
    }
    let Some(pointer) = d.pointer.as_deref() else { return d };
    let related = |a: &str, b: &str| a == b || b.starts_with(&format!("{a}/")) || a.starts_with(&format!("{b}/"));
    if let Some(touch) = touches.iter().rev().find(|t| related(&t.pointer, pointer)) {
        d.overlay = Some(touch.describe());
    }
    d
}

/// The nodes each spec file's overlays changed, by file: what [`annotate_all`] reads once the
/// files have gone into the merge.
pub type Touched = Vec<(PathBuf, Vec<Touch>)>;

/// What the overlays changed in these files (empty without overlays).
pub fn touched(specs: &[SpecFile]) -> Touched {
    specs.iter().filter(|s| !s.overlaid.is_empty()).map(|s| (s.path.clone(), s.overlaid.clone())).collect()
}

/// Names the overlay action in every diagnostic about a node an overlay changed.
pub fn annotate_all(diags: &mut Diagnostics, touched: &Touched) {
    if touched.is_empty() {
        return;
    }
    for d in &mut diags.0 {
        let Some((_, touches)) = d.file.as_ref().and_then(|f| touched.iter().find(|(p, _)| p == f)) else { continue };
        *d = annotated(d.clone(), touches);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_merge_as_the_standard_says() {
        let mut node = serde_json::json!({"a": {"b": 1, "list": [1]}, "s": "x"});
        merge(&mut node, &serde_json::json!({"a": {"c": 2, "list": [2]}, "s": "y"})).expect("object into object");
        assert_eq!(node, serde_json::json!({"a": {"b": 1, "list": [1, 2], "c": 2}, "s": "y"}));
        let mut list = serde_json::json!([1]);
        merge(&mut list, &serde_json::json!({"k": 1})).expect("appended");
        assert_eq!(list, serde_json::json!([1, {"k": 1}]));
        assert!(merge(&mut serde_json::json!("text"), &serde_json::json!({})).is_err());
        assert!(merge(&mut serde_json::json!({}), &serde_json::json!(3)).is_err());
    }

    #[test]
    fn removal_keeps_the_order_of_the_rest() {
        let mut doc = serde_json::json!({"a": 1, "b": [10, 11, 12], "c": 3});
        remove(&mut doc, "/b/1").expect("an item");
        remove(&mut doc, "/a").expect("a key");
        assert_eq!(serde_json::to_string(&doc).expect("json"), r#"{"b":[10,12],"c":3}"#);
        assert!(remove(&mut doc, "").is_err());
        let mut pointers = vec!["/b/9".to_string(), "/b/10".to_string(), "/a".to_string()];
        pointers.sort_by(|a, b| document_order(b, a));
        assert_eq!(pointers, ["/b/10", "/b/9", "/a"]);
    }
}
