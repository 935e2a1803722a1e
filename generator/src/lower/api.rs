//! Assembly: the lowered types and operations, the servers, the security schemes and the spec
//! digests become the [`Api`].

use std::collections::{BTreeMap, BTreeSet};

use super::Lowerer;
use crate::ir::*;

impl<'a> Lowerer<'a> {
    pub(super) fn assemble(&mut self, mut ops: BTreeMap<String, Vec<Operation>>) -> Api {
        let first = self.merged.files.first().map(|f| &f.doc);
        let spec_version = first.map(|d| d.info.version.clone()).unwrap_or_default();
        let api_version = spec_version.split('_').next().unwrap_or_default().to_string();
        let servers = self.merged.servers.iter().map(|s| Server { name: s.description.clone().unwrap_or_else(|| s.url.clone()), url: s.url.clone() }).collect();
        let auth_headers = self
            .merged
            .security_schemes
            .iter()
            .filter_map(|(name, scheme)| match &scheme.def {
                openapiv3::ReferenceOr::Item(openapiv3::SecurityScheme::APIKey { location: openapiv3::APIKeyLocation::Header, name: header, .. }) => {
                    Some(AuthHeader { scheme: name.clone(), header: header.clone() })
                }
                _ => None,
            })
            .collect();
        let mut module_names: BTreeSet<String> = self.types.keys().cloned().collect();
        module_names.extend(ops.keys().cloned());
        let modules: Vec<Module> = module_names
            .into_iter()
            .map(|name| {
                let sources: BTreeSet<String> = self
                    .merged
                    .files
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| self.file_module[*i] == name)
                    .map(|(_, f)| f.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
                    .collect();
                let source = match self.group_paths.get(&name) {
                    Some(prefix) => format!("the `{prefix}` operations"),
                    None if sources.is_empty() || self.by_path_segment => "types shared by several groups".to_string(),
                    None => sources.into_iter().collect::<Vec<_>>().join(", "),
                };
                Module {
                    types: self.types.remove(&name).map(|m| m.into_values().collect()).unwrap_or_default(),
                    operations: ops.remove(&name).unwrap_or_default(),
                    name,
                    source,
                }
            })
            .collect();
        let sources = self
            .merged
            .files
            .iter()
            .map(|f| (f.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), digest(&f.text)))
            .collect();
        let mut examples = std::mem::take(&mut self.examples);
        examples.extend(property_examples(&modules));
        Api { spec_version, api_version, servers, auth_headers, modules, sources, examples, redaction: Default::default() }
    }
}
/// The `example` of every property, typed as the field is (`null` allowed where the field is an
/// `Option`).
fn property_examples(modules: &[Module]) -> Vec<Example> {
    let mut out = Vec::new();
    for t in modules.iter().flat_map(|m| &m.types) {
        let TypeKind::Struct(s) = &t.kind else { continue };
        for f in &s.fields {
            if let Some(json) = &f.example {
                let ty = if f.is_optional() { TypeRef::Nullable(Box::new(f.ty.clone())) } else { f.ty.clone() };
                out.push(Example { origin: format!("{}.{}", t.origin, f.wire), ty, json: json.clone() });
            }
        }
    }
    out
}

/// FNV-1a (64 bit) of the text with line endings normalised, so a checkout with CRLF endings
/// produces the same bytes.
fn digest(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes().filter(|&b| b != b'\r') {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}
