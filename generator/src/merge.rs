//! Merging: all spec files into one component namespace and one operation list.
//!
//! Rules: a component of any kind (schema, parameter, request body, response, header, example,
//! security scheme) defined in several files collapses into one when the definitions are
//! identical, and is an error naming both files and the first differing JSON path when they are
//! not (one merge step decides this for every kind). A path or an operationId defined
//! twice is an error. All errors are reported together.

use indexmap::IndexMap;
use openapiv3::{Header, Parameter, ReferenceOr, RequestBody, Response, Schema, SecurityScheme};
use serde::Serialize;
use serde_json::Value;

use crate::diag::{pointer_segment, Code, Diagnostic, Diagnostics};
use crate::load::SpecFile;

/// HTTP methods in the order OpenAPI lists them in a path item.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// A component (a schema by default) and the files that define it.
#[derive(Debug, Clone)]
pub struct Component<T = ReferenceOr<Schema>> {
    /// The definition (identical in every defining file).
    pub def: T,
    /// Indexes into [`Merged::files`] of the files that define it, in load order.
    pub files: Vec<usize>,
}

/// One operation and where it came from.
#[derive(Debug, Clone)]
pub struct SourceOperation {
    /// Index into [`Merged::files`].
    pub file: usize,
    /// The path template, e.g. `/accounts/get`.
    pub path: String,
    /// Lower-case HTTP method.
    pub method: &'static str,
    /// The operation as written.
    pub op: openapiv3::Operation,
    /// The parameters of its path item, which apply to every operation of the path unless the
    /// operation declares one of the same name and location.
    pub path_params: Vec<ReferenceOr<Parameter>>,
}

/// Components of one kind by name, in first-seen order.
pub type Components<T> = IndexMap<String, Component<ReferenceOr<T>>>;

/// The specs merged into one namespace.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The files, in load order.
    pub files: Vec<SpecFile>,
    /// Every schema component by name, in first-seen order.
    pub schemas: IndexMap<String, Component>,
    /// Parameter components (`#/components/parameters/...`).
    pub parameters: Components<Parameter>,
    /// Request body components (`#/components/requestBodies/...`).
    pub request_bodies: Components<RequestBody>,
    /// Response components (`#/components/responses/...`).
    pub responses: Components<Response>,
    /// Header components (`#/components/headers/...`).
    pub headers: Components<Header>,
    /// Example components (`#/components/examples/...`).
    pub examples: Components<openapiv3::Example>,
    /// Security schemes by name.
    pub security_schemes: Components<SecurityScheme>,
    /// Every operation, in file then path order.
    pub operations: Vec<SourceOperation>,
    /// Servers, deduplicated by URL, in first-seen order.
    pub servers: Vec<openapiv3::Server>,
}

/// Merges the files; fails with every conflict found.
pub fn merge(files: Vec<SpecFile>) -> Result<Merged, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut schemas: IndexMap<String, Component> = IndexMap::new();
    let mut parameters = Components::new();
    let mut request_bodies = Components::new();
    let mut responses = Components::new();
    let mut headers = Components::new();
    let mut examples = Components::new();
    let mut security_schemes = Components::new();
    let mut operations = Vec::new();
    let mut path_owner: IndexMap<&str, usize> = IndexMap::new();
    let mut op_ids: IndexMap<String, (usize, String)> = IndexMap::new();
    let mut servers: Vec<openapiv3::Server> = Vec::new();

    for (fi, file) in files.iter().enumerate() {
        for server in &file.doc.servers {
            if !servers.iter().any(|s| s.url == server.url) {
                servers.push(server.clone());
            }
        }
        if let Some(c) = &file.doc.components {
            let each = |kind: &str, section: &str| MergeStep { kind: kind.to_string(), section: section.to_string(), fi, files: &files };
            each("component", "schemas").run(&mut schemas, &c.schemas, &mut diags);
            each("parameter", "parameters").run(&mut parameters, &c.parameters, &mut diags);
            each("request body", "requestBodies").run(&mut request_bodies, &c.request_bodies, &mut diags);
            each("response", "responses").run(&mut responses, &c.responses, &mut diags);
            each("header", "headers").run(&mut headers, &c.headers, &mut diags);
            each("example", "examples").run(&mut examples, &c.examples, &mut diags);
            each("security scheme", "securitySchemes").run(&mut security_schemes, &c.security_schemes, &mut diags);
        }
        for (path, item) in &file.doc.paths.paths {
            let pointer = format!("/paths/{}", pointer_segment(path));
            if let Some(&other) = path_owner.get(path.as_str()) {
                let where_ = if other == fi { "twice in this file".to_string() } else { format!("also in {}", files[other].path.display()) };
                diags.push(
                    Diagnostic::error(Code::DuplicateOperation, format!("path `{path}` is defined {where_}"))
                        .in_file(&file.path)
                        .at_line(crate::locate::line_of(&file.text, &pointer))
                        .at_pointer(pointer),
                );
                continue;
            }
            path_owner.insert(path, fi);
            let ReferenceOr::Item(item) = item else {
                diags.push(
                    Diagnostic::warning(Code::Unsupported, format!("path `{path}` is a $ref to a path item; skipped"))
                        .in_file(&file.path)
                        .at_pointer(pointer),
                );
                continue;
            };
            for (method, op) in item.iter() {
                let method = METHODS.iter().copied().find(|m| *m == method).unwrap_or("get");
                let op_pointer = format!("{pointer}/{method}");
                // Finding a line scans the file: only on the error paths below.
                let line = || crate::locate::line_of(&file.text, &op_pointer);
                match &op.operation_id {
                    None => diags.push(
                        Diagnostic::error(
                            Code::MissingOperationId,
                            format!("{} {path} has no operationId, so its client method has no name; add one", method.to_uppercase()),
                        )
                        .in_file(&file.path)
                        .at_line(line())
                        .at_pointer(op_pointer.clone()),
                    ),
                    Some(id) => {
                        if let Some((other, other_path)) = op_ids.get(id) {
                            diags.push(
                                Diagnostic::error(
                                    Code::DuplicateOperation,
                                    format!(
                                        "operationId `{id}` is used by {path} and by {other_path} in {}",
                                        files[*other].path.display()
                                    ),
                                )
                                .in_file(&file.path)
                                .at_line(line())
                                .at_pointer(op_pointer.clone()),
                            );
                        } else {
                            op_ids.insert(id.clone(), (fi, path.clone()));
                        }
                    }
                }
                operations.push(SourceOperation {
                    file: fi,
                    path: path.clone(),
                    method,
                    op: op.clone(),
                    path_params: item.parameters.clone(),
                });
            }
        }
    }
    diags.into_result()?;
    Ok(Merged {
        files,
        schemas,
        parameters,
        request_bodies,
        responses,
        headers,
        examples,
        security_schemes,
        operations,
        servers,
    })
}

/// One kind of component of one file, merged into the namespace.
struct MergeStep<'f> {
    /// What the kind is called in messages (`parameter`).
    kind: String,
    /// Its section under `components` (`parameters`).
    section: String,
    /// The file's index.
    fi: usize,
    files: &'f [SpecFile],
}

impl MergeStep<'_> {
    /// The one merge rule for every kind: a new name is added, an identical redefinition adds
    /// its file, a different one is a conflict at the first differing path. Only a name defined
    /// twice is serialized, so the common case costs nothing.
    fn run<T: Clone + Serialize>(&self, into: &mut IndexMap<String, Component<T>>, from: &IndexMap<String, T>, diags: &mut Diagnostics) {
        for (name, def) in from {
            match into.get_mut(name) {
                None => {
                    into.insert(name.clone(), Component { def: def.clone(), files: vec![self.fi] });
                }
                Some(existing) => {
                    let first = serde_json::to_value(&existing.def).unwrap_or(Value::Null);
                    let again = serde_json::to_value(def).unwrap_or(Value::Null);
                    let base = format!("/components/{}/{}", self.section, pointer_segment(name));
                    match first_difference(&first, &again, &base) {
                        None => existing.files.push(self.fi),
                        Some(at) => diags.push(conflict(&self.kind, name, &self.files[existing.files[0]], &self.files[self.fi], at)),
                    }
                }
            }
        }
    }
}

/// The error for a component that `file` defines differently from `first`.
fn conflict(kind: &str, name: &str, first: &SpecFile, file: &SpecFile, at: String) -> Diagnostic {
    Diagnostic::error(
        Code::ConflictingComponent,
        format!(
            "{kind} `{name}` is defined differently in {} and {}; first difference at {at}",
            first.path.display(),
            file.path.display()
        ),
    )
    .in_file(&file.path)
    .at_line(crate::locate::line_of(&file.text, &at))
    .at_pointer(at)
}

/// The JSON pointer (under `base`) of the first place where `a` and `b` differ, in sorted-key
/// order so the answer does not depend on how either file ordered its keys.
pub fn first_difference(a: &Value, b: &Value, base: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| {
                let at = format!("{base}/{}", pointer_segment(k));
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => first_difference(p, q, &at),
                    _ => Some(at),
                }
            })
        }
        (Value::Array(x), Value::Array(y)) => {
            let common = x.iter().zip(y).enumerate().find_map(|(i, (p, q))| first_difference(p, q, &format!("{base}/{i}")));
            common.or_else(|| (x.len() != y.len()).then(|| format!("{base}/{}", x.len().min(y.len()))))
        }
        _ => (a != b).then(|| base.to_string()),
    }
}

impl Merged {
    /// The merged specs as one OpenAPI document: every path, every component and security
    /// scheme, the first file's `info` and top-level `security`. Tools that want a single file
    /// (a mock server) read this.
    pub fn to_openapi(&self) -> openapiv3::OpenAPI {
        let first = self.files.first().map(|f| &f.doc);
        let mut doc = openapiv3::OpenAPI {
            openapi: first.map(|d| d.openapi.clone()).unwrap_or_else(|| "3.0.0".into()),
            info: first.map(|d| d.info.clone()).unwrap_or_default(),
            servers: self.servers.clone(),
            security: first.and_then(|d| d.security.clone()),
            ..Default::default()
        };
        for src in &self.operations {
            let entry = doc.paths.paths.entry(src.path.clone()).or_insert_with(|| ReferenceOr::Item(Default::default()));
            if let ReferenceOr::Item(item) = entry {
                let slot = match src.method {
                    "get" => &mut item.get,
                    "put" => &mut item.put,
                    "post" => &mut item.post,
                    "delete" => &mut item.delete,
                    "options" => &mut item.options,
                    "head" => &mut item.head,
                    "patch" => &mut item.patch,
                    _ => &mut item.trace,
                };
                *slot = Some(src.op.clone());
                if item.parameters.is_empty() {
                    item.parameters = src.path_params.clone();
                }
            }
        }
        let components = doc.components.get_or_insert_with(Default::default);
        fn defs<T: Clone>(map: &IndexMap<String, Component<T>>) -> IndexMap<String, T> {
            map.iter().map(|(name, c)| (name.clone(), c.def.clone())).collect()
        }
        components.schemas = defs(&self.schemas);
        components.parameters = defs(&self.parameters);
        components.request_bodies = defs(&self.request_bodies);
        components.responses = defs(&self.responses);
        components.headers = defs(&self.headers);
        components.examples = defs(&self.examples);
        components.security_schemes = defs(&self.security_schemes);
        doc
    }
}
