//! Assembly: the lowered types and operations, the servers, the security schemes and the spec
//! digests become the [`Api`].

use std::collections::{BTreeMap, BTreeSet};

use super::Lowerer;
use crate::passes::credentials;
use crate::ir::*;

impl<'a> Lowerer<'a> {
    /// The headers the security schemes say every call carries, each with the credential it
    /// carries; a scheme the client cannot send is a located error.
    fn auth_headers(&mut self) -> Vec<AuthHeader> {
        let mut headers = Vec::new();
        for (name, scheme) in &self.merged.security_schemes {
            let file = scheme.files.first().copied().unwrap_or(0);
            let pointer = format!("/components/securitySchemes/{}", crate::diag::pointer_segment(name));
            let problem = match &scheme.def {
                openapiv3::ReferenceOr::Item(openapiv3::SecurityScheme::APIKey { location: openapiv3::APIKeyLocation::Header, name: header, .. }) => {
                    match credentials::credential_of(name, header) {
                        Some(credential) => {
                            headers.push(AuthHeader { scheme: name.clone(), header: header.clone(), credential });
                            continue;
                        }
                        None => format!(
                            "security scheme `{name}` sends header `{header}`, but the client has no credential for it (it sends the client id, the secret and the API version)"
                        ),
                    }
                }
                openapiv3::ReferenceOr::Item(openapiv3::SecurityScheme::APIKey { .. }) => {
                    format!("security scheme `{name}` puts its API key outside the headers; the client sends credentials only as headers")
                }
                openapiv3::ReferenceOr::Item(_) => {
                    format!("security scheme `{name}` is not an API key; the client sends only API keys in headers")
                }
                openapiv3::ReferenceOr::Reference { .. } => continue,
            };
            self.push_located(file, pointer, crate::diag::Diagnostic::error(crate::diag::Code::RuntimeContract, problem));
        }
        headers
    }

    /// Every server the crate will list is one the client may send credentials to: an
    /// absolute `https://` URL (plain `http://` on a loopback host only), without userinfo,
    /// or a located error; a server outside the domain most servers share gets a warning.
    fn check_servers(&mut self) {
        let mut hosts = Vec::new();
        for server in &self.merged.servers {
            let (file, index) = self
                .merged
                .files
                .iter()
                .enumerate()
                .find_map(|(f, file)| file.doc.servers.iter().position(|s| s.url == server.url).map(|i| (f, i)))
                .unwrap_or((0, 0));
            let pointer = format!("/servers/{index}/url");
            match server_host(&server.url) {
                Ok(host) => hosts.push((host, file, pointer)),
                Err(why) => {
                    let message = format!("server URL {:?} {why}; the client would send the secret there", server.url);
                    self.push_located(file, pointer, crate::diag::Diagnostic::error(crate::diag::Code::Server, message));
                }
            }
        }
        let domains: Vec<String> = hosts.iter().map(|(host, _, _)| domain_of(host)).collect();
        let most = domains.iter().max_by_key(|d| (domains.iter().filter(|o| o == d).count(), std::cmp::Reverse(domains.iter().position(|o| o == *d)))).cloned();
        for ((host, file, pointer), domain) in hosts.into_iter().zip(&domains) {
            if let Some(most) = most.as_ref().filter(|m| *m != domain) {
                let message = format!("server host `{host}` is outside `{most}`, the domain of the spec's other servers");
                self.push_located(file, pointer, crate::diag::Diagnostic::warning(crate::diag::Code::ServerHost, message));
            }
        }
    }

    pub(super) fn assemble(&mut self, mut ops: BTreeMap<String, Vec<Operation>>) -> Api {
        self.check_servers();
        let first = self.merged.files.first().map(|f| &f.doc);
        let spec_version = first.map(|d| d.info.version.clone()).unwrap_or_default();
        let api_version = spec_version.split('_').next().unwrap_or_default().to_string();
        let servers = self.merged.servers.iter().map(|s| Server { name: s.description.clone().unwrap_or_else(|| s.url.clone()), url: s.url.clone() }).collect();
        let auth_headers = self.auth_headers();
        let mut module_names: BTreeSet<String> = self.types.keys().cloned().collect();
        module_names.extend(ops.keys().cloned());
        let stated_groups: BTreeSet<String> = ops.iter().filter(|(_, list)| list.iter().any(|o| o.stated.group.is_some())).map(|(name, _)| name.clone()).collect();
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
                    None if !sources.is_empty() && !self.by_path_segment => sources.into_iter().collect::<Vec<_>>().join(", "),
                    None if stated_groups.contains(&name) => "the operations an `x-feature` puts here".to_string(),
                    None => "types shared by several groups".to_string(),
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
        Api { spec_version, api_version, servers, auth_headers, body_credentials: Vec::new(), modules, sources, examples, redaction: Default::default(), error_body: None, groups: Vec::new(), features: Vec::new(), webhooks: Webhooks::default(), mock: Default::default() }
    }
}
/// The host of a server URL the client may use, or why it may not: `https://host[:port][/path]`,
/// or `http://` to `localhost`, `127.0.0.0/8` or `[::1]`; no userinfo, no whitespace or control
/// characters.
pub fn server_host(url: &str) -> Result<String, String> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains whitespace or control characters".into());
    }
    let lower = url.to_ascii_lowercase();
    let (secure, rest) = match (lower.strip_prefix("https://"), lower.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        _ => return Err("is not an absolute `https://` URL".into()),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') || authority.contains('\\') {
        return Err("carries userinfo (`@`) before its host".into());
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => format!("[{}]", v6.split(']').next().unwrap_or("")),
        None => authority.split(':').next().unwrap_or("").to_string(),
    };
    if host.is_empty() || host == "[]" {
        return Err("has no host".into());
    }
    let loopback = host == "localhost" || host == "[::1]" || host.strip_prefix("127.").is_some_and(|r| r.split('.').count() == 3 && r.split('.').all(|p| p.parse::<u8>().is_ok()));
    if !secure && !loopback {
        return Err("uses plain `http` to a host that is not loopback".into());
    }
    Ok(host)
}

/// A host's domain as far as the warning needs it: its last two labels (`plaid.com`).
fn domain_of(host: &str) -> String {
    let labels: Vec<&str> = host.trim_end_matches('.').split('.').collect();
    labels[labels.len().saturating_sub(2)..].join(".")
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
                out.push(Example { origin: format!("{}.{}", t.origin, f.wire), ty, json: json.clone(), at: None, answer: None });
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

#[cfg(test)]
mod tests {
    use super::server_host;

    #[test]
    fn only_https_or_loopback_servers_are_usable() {
        assert_eq!(server_host("https://production.plaid.com").as_deref(), Ok("production.plaid.com"));
        assert_eq!(server_host("HTTPS://Sandbox.plaid.com:443/v1").as_deref(), Ok("sandbox.plaid.com"));
        assert_eq!(server_host("http://127.0.0.1:4010").as_deref(), Ok("127.0.0.1"));
        assert_eq!(server_host("http://[::1]:8080").as_deref(), Ok("[::1]"));
        for bad in ["http://evil.example", "ftp://x.y", "/v1", "https://a@evil.example", "https:// x", "https://", "http://127.0.0.1.evil.example", "http://localhost.evil.example"] {
            assert!(server_host(bad).is_err(), "{bad}");
        }
    }
}
