//! Placement: which group (module) each operation belongs to, which module each component
//! lives in, and each component's Rust name.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::shape::{op_schema_refs, schema_refs, view};
use super::Lowerer;
use crate::diag::{pointer_segment, Code, Diagnostic};
use crate::ir::SHARED;
use crate::merge::{Merged, SourceOperation};
use crate::naming;
use crate::passes::features;

/// The module of a path-segment group whose segment is `shared`, which names the module of
/// types reached from several groups.
pub const SHARED_OPERATIONS: &str = "shared_operations";

/// The module per spec file, whether operations are grouped by path segment (one file holds
/// them all), and for path-segment groups the path prefix each stands for.
pub(super) fn groups(merged: &Merged) -> (Vec<String>, bool, HashMap<String, String>) {
    let file_module = merged.files.iter().map(|f| not_reserved(naming::module_name(&f.stem))).collect();
    let files_with_operations: BTreeSet<usize> = merged.operations.iter().map(|o| o.file).collect();
    let by_path_segment = files_with_operations.len() == 1;
    let group_paths = if by_path_segment {
        merged.operations.iter().map(|o| (path_group(&o.path), format!("/{}/...", first_segment(&o.path)))).collect()
    } else {
        HashMap::new()
    };
    (file_module, by_path_segment, group_paths)
}

impl<'a> Lowerer<'a> {
    /// The group (module) an operation belongs to: the one its `x-feature` states, else its
    /// spec file, or the first segment of its path when one file holds every operation. (An
    /// unusable `x-feature` is reported once, by `stated`, and ignored here.)
    pub(super) fn group_of(&self, op: &SourceOperation) -> String {
        match super::stated::text(&op.op.extensions, super::stated::FEATURE) {
            Ok(Some(stated)) => group_named(stated),
            _ => self.structural_group(op),
        }
    }

    /// The group an operation's structure gives it.
    pub(super) fn structural_group(&self, op: &SourceOperation) -> String {
        if self.by_path_segment {
            path_group(&op.path)
        } else {
            self.file_module[op.file].clone()
        }
    }

    /// Decides each component's module from which files' operations reach it.
    pub(super) fn place_components(&mut self) {
        let mut users: HashMap<&'a str, BTreeSet<String>> = HashMap::new();
        for op in &self.merged.operations {
            let mut roots = Vec::new();
            op_schema_refs(self.merged, op, &mut roots);
            let module = self.group_of(op);
            let mut stack = roots;
            let mut seen: HashSet<&str> = HashSet::new();
            while let Some(name) = stack.pop() {
                let Some((key, component)) = self.merged.schemas.get_key_value(name) else { continue };
                if !seen.insert(key.as_str()) {
                    continue;
                }
                users.entry(key.as_str()).or_default().insert(module.clone());
                schema_refs(view(&component.def), &mut stack);
            }
        }
        self.reached = users.keys().copied().collect();
        for (name, component) in &self.merged.schemas {
            let module = match users.get(name.as_str()) {
                Some(u) if u.len() == 1 => u.iter().next().map(|m| m.to_string()),
                Some(_) => None,
                // Reached by no operation: it belongs to the file that defines it, if only one
                // file with operations does (and files are the groups).
                None if self.by_path_segment => None,
                None => {
                    let owners: BTreeSet<&str> = component
                        .files
                        .iter()
                        .filter(|&&f| !self.merged.files[f].doc.paths.paths.is_empty())
                        .map(|&f| self.file_module[f].as_str())
                        .collect();
                    (owners.len() == 1).then(|| owners.iter().next().map(|m| m.to_string())).flatten()
                }
            };
            self.component_module.insert(name, module.unwrap_or_else(|| SHARED.to_string()));
        }
        // A type may refer only to its own module or to `shared` (and a shared one only to
        // `shared`), because a group's module is compiled out when its feature is off.
        let mut stack: Vec<&'a str> = self.merged.schemas.keys().map(String::as_str).collect();
        while let Some(name) = stack.pop() {
            let Some(component) = self.merged.schemas.get(name) else { continue };
            let home = self.component_module.get(name).cloned().unwrap_or_else(|| SHARED.to_string());
            let mut refs = Vec::new();
            schema_refs(view(&component.def), &mut refs);
            for target in refs {
                let Some((key, _)) = self.merged.schemas.get_key_value(target) else { continue };
                if let Some(module) = self.component_module.get_mut(key.as_str()) {
                    if *module != SHARED && *module != home {
                        *module = SHARED.to_string();
                        stack.push(key.as_str());
                    }
                }
            }
        }
    }

    /// Names every component before any inline type is named, so inline names never take a
    /// component's name.
    pub(super) fn name_components(&mut self) {
        let mut names: Vec<&'a String> = self.merged.schemas.keys().collect();
        names.sort();
        let mut first_claimant: HashMap<String, &'a String> = HashMap::new();
        for name in names {
            let pointer = format!("/components/schemas/{}", pointer_segment(name));
            let renamed = self.stated_type_name(name, self.defining_file(name), &pointer);
            let wanted = match &renamed {
                Some(r) => naming::type_name(&r.stated),
                None => naming::type_name(name),
            };
            if let Some(r) = renamed {
                self.renamed.insert(name, r);
            }
            let rust = self.scope.claim(wanted.clone());
            if rust != wanted {
                // Two schema names that differ only in case or separators; the suffix keeps
                // both, but a maintainer should know which got which name.
                let other = first_claimant.get(&wanted).map(|n| format!("`{n}`")).unwrap_or_else(|| "another name".into());
                let file = self.defining_file(name);
                let message = format!("schemas {other} and `{name}` both map to the Rust name `{wanted}`; `{name}` becomes `{rust}`");
                let d = Diagnostic::warning(Code::NameClash, message);
                self.push_located(file, pointer, d);
            } else {
                first_claimant.insert(wanted, name);
            }
            self.component_name.insert(name, rust);
        }
    }
}

/// The first segment of a path (`accounts` for `/accounts/balance/get`).
fn first_segment(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

/// The module name of a path-segment group; never `shared`, which holds the types of several.
fn path_group(path: &str) -> String {
    group_named(first_segment(path))
}

/// The module of a group named `raw` (a path segment, or an `x-feature`): never `shared`,
/// which holds the types of several, nor the crate's own `webhooks`.
fn group_named(raw: &str) -> String {
    let name = naming::module_name(raw);
    match name.as_str() {
        "" => "root".to_string(),
        SHARED => SHARED_OPERATIONS.to_string(),
        _ => not_reserved(name),
    }
}

/// A group is a module and a Cargo feature, so it may not take the name of the crate's own
/// module for webhook payloads or of one of its own features: a group named `webhooks`,
/// `testing`, `unreferenced` or `default` (a `webhooks.yml`, a `/testing/...` path, an
/// `x-feature: default`) becomes `<name>_operations`.
fn not_reserved(name: String) -> String {
    if RESERVED.contains(&name.as_str()) { format!("{name}_operations") } else { name }
}

/// The crate's own module and feature names.
const RESERVED: &[&str] = &[features::WEBHOOKS, features::UNREFERENCED, "testing", "default"];
