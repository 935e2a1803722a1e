//! A changelog section a person reads first: the verdict in one sentence, the operations added
//! and removed, the return types that changed, and the types by feature; then the breaking
//! changes grouped by cause (a field made required is one line, with the constructor, the
//! setter and the `*Required` struct it entails folded under it); then the additions by
//! feature; then the changes of behaviour. `api-diff` prints the same summary.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{bump, Change, Manifest};

/// The kinds of manifest items that are types.
const TYPE_KINDS: &[&str] = &["struct", "enum", "alias"];

/// The type (or `Client`) an item belongs to, and its member name: `Foo::bar` is (`Foo`,
/// `Some("bar")`), `Foo` is (`Foo`, `None`).
fn split(path: &str) -> (&str, Option<&str>) {
    match path.split_once("::") {
        Some((owner, member)) => (owner, Some(member)),
        None => (path, None),
    }
}

/// The feature an item belongs to, as the manifest that has it says: a method's `feature`, a
/// type's `module`, a member's owner's module; a feature or module item is its own.
fn feature_of(manifest: &Manifest, path: &str) -> String {
    let text = |path: &str, key: &str| manifest.items.get(path).and_then(|i| i.get(key)).and_then(Value::as_str).map(str::to_string);
    if let Some(feature) = text(path, "feature").or_else(|| text(path, "module")) {
        return feature;
    }
    let (owner, _) = split(path);
    text(owner, "module").unwrap_or_else(|| path.strip_prefix("feature:").unwrap_or(owner).to_string())
}

/// The manifest a change's item is described in: the new one, or the old one for a removal.
fn side<'m>(change: &Change, old: &'m Manifest, new: &'m Manifest) -> &'m Manifest {
    if change.change == "removed" {
        old
    } else {
        new
    }
}

/// The verdict in one sentence.
pub fn verdict(old: &Manifest, changes: &[Change]) -> String {
    let breaking: Vec<&Change> = changes.iter().filter(|c| c.breaking).collect();
    let of = |kind: &str| breaking.iter().filter(|c| c.change == kind).count();
    match bump(changes) {
        "major" => format!(
            "**major**: {} of {} break{} code that compiled against `{}` ({} removed, {} changed, {} added to structs written as literals).",
            breaking.len(),
            counted(changes.len(), "change"),
            if breaking.len() == 1 { "s" } else { "" },
            old.spec_version,
            counted(of("removed"), "item"),
            of("changed"),
            counted(of("added"), "field")
        ),
        "minor" => format!("**minor**: nothing that compiled against `{}` breaks; {} (additions, changes of behaviour).", old.spec_version, counted(changes.len(), "non-breaking change")),
        _ => "**patch**: no change to the public API.".to_string(),
    }
}

/// `1 change`, `2 changes`.
fn counted(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The summary lines (Markdown), without a heading.
pub fn summary(old: &Manifest, new: &Manifest, changes: &[Change]) -> String {
    let mut text = format!("{}\n\n", verdict(old, changes));
    let operation = |c: &Change| {
        let manifest = side(c, old, new);
        let http = manifest.items.get(&c.path).and_then(|i| i.get("http")).and_then(Value::as_str).unwrap_or("");
        format!("`{}` ({http}, `{}`)", c.path.trim_start_matches("Client::"), feature_of(manifest, &c.path))
    };
    let methods = |kind: &str| -> Vec<String> { changes.iter().filter(|c| c.kind == "method" && c.change == kind).map(operation).collect() };
    let list = |items: Vec<String>| if items.is_empty() { "none".to_string() } else { format!("{}: {}", items.len(), items.join(", ")) };
    text.push_str(&format!("- Operations removed: {}\n", list(methods("removed"))));
    text.push_str(&format!("- Operations added: {}\n", list(methods("added"))));
    let returns: Vec<String> = changes
        .iter()
        .filter(|c| c.kind == "method" && c.change == "changed")
        .filter_map(|c| {
            let get = |m: &Manifest| m.items.get(&c.path).and_then(|i| i.get("returns")).cloned();
            let (before, after) = (get(old), get(new));
            (before != after).then(|| {
                let show = |v: Option<Value>| v.and_then(|v| v.as_str().map(str::to_string)).unwrap_or_else(|| "()".into());
                format!("`{}`: `{}` -> `{}`", c.path.trim_start_matches("Client::"), show(before), show(after))
            })
        })
        .collect();
    text.push_str(&format!("- Return types changed: {}\n", list(returns)));
    let table = types_by_feature(old, new, changes);
    if table.is_empty() {
        text.push_str("- Types: no type added, changed or removed\n");
    } else {
        text.push_str("- Types by feature:\n\n  | feature | added | changed | removed |\n  | --- | --- | --- | --- |\n");
        for (feature, [added, changed, removed]) in &table {
            text.push_str(&format!("  | `{feature}` | {added} | {changed} | {removed} |\n"));
        }
    }
    text
}

/// For each feature, the types added, changed (the type or any member) and removed.
fn types_by_feature(old: &Manifest, new: &Manifest, changes: &[Change]) -> BTreeMap<String, [usize; 3]> {
    let is_type = |m: &Manifest, path: &str| m.items.get(path).and_then(|i| i.get("kind")).and_then(Value::as_str).is_some_and(|k| TYPE_KINDS.contains(&k));
    let touched: BTreeSet<&str> = changes.iter().map(|c| split(&c.path).0).collect();
    let mut table: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for owner in touched {
        let (was, is) = (is_type(old, owner), is_type(new, owner));
        let (column, manifest) = match (was, is) {
            (false, true) => (0, new),
            (true, true) => (1, new),
            (true, false) => (2, old),
            (false, false) => continue,
        };
        table.entry(feature_of(manifest, owner)).or_default()[column] += 1;
    }
    table
}

/// One breaking change and the ones it entails.
#[derive(Debug)]
pub struct Cause<'a> {
    /// The change a person acts on: a field, a type, an operation, an enum value.
    pub head: &'a Change,
    /// The items that changed because of it (the constructor, the setter, the `*Required`
    /// struct's field for a field made required; the members of a type that is gone).
    pub entailed: Vec<&'a Change>,
}

/// The breaking changes grouped by cause, in path order.
pub fn causes<'a>(changes: &'a [Change]) -> Vec<Cause<'a>> {
    let breaking: Vec<&'a Change> = changes.iter().filter(|c| c.breaking).collect();
    let owners: BTreeSet<&'a str> = breaking.iter().map(|c| split(&c.path).0).collect();
    // Types that changed or went as a whole: their members' changes are theirs.
    let whole: BTreeSet<&'a str> = breaking.iter().filter(|c| split(&c.path).1.is_none()).map(|c| c.path.as_str()).collect();
    // `FooRequired` (the struct of `Foo::new`'s required fields) belongs to `Foo`.
    let base = |owner: &'a str| -> &'a str { owner.strip_suffix("Required").filter(|b| owners.contains(b)).unwrap_or(owner) };
    let mut heads: Vec<Cause<'a>> = Vec::new();
    let mut rest: Vec<&'a Change> = Vec::new();
    for &c in &breaking {
        let (owner, member) = split(&c.path);
        let head = match member {
            None => base(owner) == owner,
            Some(_) if c.kind == "method" => true,
            Some(_) => matches!(c.kind.as_str(), "field" | "variant") && base(owner) == owner && !whole.contains(owner),
        };
        if head {
            heads.push(Cause { head: c, entailed: Vec::new() });
        } else {
            rest.push(c);
        }
    }
    for c in rest {
        let (owner, member) = split(&c.path);
        let owner = base(owner);
        // A setter names its field: `with_x`, and `with_x_null` for a nullable one.
        let field = member.map(|m| m.strip_prefix("with_").map(|f| f.strip_suffix("_null").unwrap_or(f)).unwrap_or(m));
        let target = heads
            .iter()
            .position(|h| field.is_some_and(|f| h.head.path == format!("{owner}::{f}")))
            .or_else(|| heads.iter().position(|h| h.head.path == owner))
            .or_else(|| heads.iter().position(|h| h.head.kind == "field" && split(&h.head.path).0 == owner));
        match target {
            Some(i) => heads[i].entailed.push(c),
            None => heads.push(Cause { head: c, entailed: Vec::new() }),
        }
    }
    heads.sort_by(|a, b| a.head.path.cmp(&b.head.path));
    heads
}

/// The breaking changes as Markdown list lines, grouped by cause.
pub fn breaking_lines(changes: &[Change]) -> Vec<String> {
    let mut lines = Vec::new();
    for cause in causes(changes) {
        lines.push(format!("- `{}`: {}", cause.head.path, cause.head.detail));
        let gone_type = cause.head.change == "removed" && split(&cause.head.path).1.is_none();
        if gone_type && !cause.entailed.is_empty() && cause.entailed.iter().all(|c| c.change == "removed") {
            lines.push(format!("  - and its {} members", cause.entailed.len()));
            continue;
        }
        for c in cause.entailed {
            lines.push(format!("  - `{}`: {}", c.path, c.detail));
        }
    }
    lines
}

/// The additions that break nothing, by feature: operations and types by name, then members
/// added to types that were there before.
pub fn additions_by_feature(old: &Manifest, new: &Manifest, changes: &[Change]) -> BTreeMap<String, Vec<String>> {
    /// Operations, types, and members of existing types, each as written in the list.
    type Added = (Vec<String>, Vec<String>, Vec<String>);
    let mut by: BTreeMap<String, Added> = BTreeMap::new();
    for c in changes.iter().filter(|c| !c.breaking && c.change == "added") {
        let (owner, member) = split(&c.path);
        let entry = by.entry(feature_of(new, &c.path)).or_default();
        if c.kind == "method" {
            entry.0.push(format!("`{}`", c.path.trim_start_matches("Client::")));
        } else if member.is_none() {
            entry.1.push(format!("`{}`", c.path));
        } else if old.items.contains_key(owner) {
            entry.2.push(format!("`{}`", c.path));
        }
        // A member of a new type is the type's.
    }
    by.into_iter()
        .map(|(feature, (ops, types, members))| {
            let mut lines = Vec::new();
            for (what, items) in [("operations", ops), ("types", types), ("members of existing types", members)] {
                if !items.is_empty() {
                    lines.push(format!("- {} {what}: {}", items.len(), items.join(", ")));
                }
            }
            (feature, lines)
        })
        .filter(|(_, lines)| !lines.is_empty())
        .collect()
}

/// The body of a changelog section: the summary, the breaking changes by cause, the additions
/// by feature and the changes of behaviour, each a `###` part.
pub fn changelog_body(old: &Manifest, new: &Manifest, changes: &[Change]) -> String {
    let mut text = format!("\n### Summary\n\n{}", summary(old, new, changes));
    let breaking = breaking_lines(changes);
    if !breaking.is_empty() {
        text.push_str(&format!("\n### Breaking changes\n\n{}\n", breaking.join("\n")));
    }
    let added = additions_by_feature(old, new, changes);
    if !added.is_empty() {
        text.push_str("\n### Added\n");
        for (feature, lines) in added {
            text.push_str(&format!("\n#### `{feature}`\n\n{}\n", lines.join("\n")));
        }
    }
    let changed: Vec<String> = changes.iter().filter(|c| !c.breaking && c.change == "changed").map(|c| format!("- `{}`: {}", c.path, c.detail)).collect();
    if !changed.is_empty() {
        text.push_str(&format!("\n### Changed\n\n{}\n", changed.join("\n")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(path: &str, change: &'static str, breaking: bool, kind: &str, detail: &str) -> Change {
        Change { path: path.into(), change, breaking, detail: detail.into(), kind: kind.into() }
    }

    #[test]
    fn a_field_made_required_is_one_cause_with_what_it_entails() {
        let changes = vec![
            change("Foo::bar", "changed", true, "field", "type: \"Option<String>\" -> \"String\""),
            change("Foo::new", "changed", true, "fn", "args: [] -> [\"FooRequired\"]"),
            change("Foo::with_bar", "removed", true, "fn", "the fn is gone"),
            change("Foo::with_bar_null", "removed", true, "fn", "the fn is gone"),
            change("FooRequired", "added", true, "struct", "a new struct"),
            change("FooRequired::bar", "added", true, "field", "a new field"),
            change("Gone", "removed", true, "struct", "the struct is gone"),
            change("Gone::a", "removed", true, "field", "the field is gone"),
            change("Gone::new", "removed", true, "fn", "the fn is gone"),
            change("Client::old_get", "removed", true, "method", "the method is gone"),
        ];
        let causes = causes(&changes);
        let heads: Vec<&str> = causes.iter().map(|c| c.head.path.as_str()).collect();
        assert_eq!(heads, ["Client::old_get", "Foo::bar", "Gone"]);
        let foo: Vec<&str> = causes[1].entailed.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(foo, ["Foo::new", "Foo::with_bar", "Foo::with_bar_null", "FooRequired", "FooRequired::bar"]);
        let lines = breaking_lines(&changes);
        assert!(lines.contains(&"  - and its 2 members".to_string()), "{lines:#?}");
    }
}
