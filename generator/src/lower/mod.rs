//! Lowering: the merged, resolved specs become the [`ir`](crate::ir). Every decision about what a
//! spec construct means in Rust is made here, and documented here. One unit per job:
//!
//! - `placement`: which group (module) each operation and component belongs to, and each
//!   component's Rust name;
//! - `schema`: schemas become types (structs, enums, aliases, maps, lists);
//! - `operation`: operations become client methods (method, path, bodies, responses);
//! - `parameter`: parameters become a per-operation parameter struct and wire rules;
//! - `api`: the lowered parts are assembled into the [`Api`] (servers, auth, modules);
//! - `webhook`: webhook payload schemas and their `(webhook_type, webhook_code)` pairs;
//! - `stated`: the decisions a maintainer states with `x-rust-name`, `x-feature` and
//!   `x-rust-retry` (usually set by an overlay), which replace structural ones;
//! - `shape` reads schemas for the others.
//!
//! The rules:
//!
//! - **Groups and placement.** Operations are grouped by spec file; when one file holds every
//!   operation (Plaid's complete spec), by the first segment of their path (`/accounts/...`,
//!   `/transfer/...`). Each group is a module. A component reached from the operations of
//!   exactly one group lives in that group's module; one reached from several (or from none)
//!   lives in `shared`. Inline schemas live with the type or operation that contains them.
//! - **Names.** Component names become UpperCamelCase type names, unique across the crate (they
//!   are all re-exported at the root); inline schemas are named after their parent and property
//!   (`AccountBase.verification_status` -> `AccountBaseVerificationStatus`). Clashes get numeric
//!   suffixes, handed out in sorted order so the result is deterministic.
//! - **Objects** become structs. Properties the schema does not list are kept in a map field and
//!   written back, unless `additionalProperties: false`; `additionalProperties: <schema>` types
//!   the map's values. An object with no properties is a map.
//! - **`allOf`** merges the parts' properties into one struct (`required` is the union). An
//!   `allOf` of one `$ref` plus empty objects (Plaid's `FooNullable` wrappers) is an alias.
//! - **`required` and `nullable`.** A required, non-nullable field is a plain value. A required
//!   nullable field is an `Option` that is always written (`null` for `None`). An optional field
//!   is an `Option` omitted when `None`; an optional *nullable* field is `Option<Option<T>>`:
//!   absent is `None`, `null` is `Some(None)`, and both are written back as they came. A `$ref`
//!   to a nullable schema makes the field nullable; so does `null` among a schema's `enum`
//!   values, without `nullable: true` (servers send the values listed). (See [`Wrapping`].)
//! - **String enums** become enums with a fallback variant that keeps any unlisted value. A
//!   value YAML typed as a boolean or number (`enum: [true, false]` under `type: string`) is
//!   written as listed and read from either form.
//! - **Keywords.** An explicit `type` wins: object keywords on a `type: string` schema do not
//!   make a struct; its `properties` document its values, so it is an open string enum of the
//!   property names, each documented from its property. Every keyword is accounted for in
//!   `keywords`: what a type cannot honour is a located warning.
//! - **Recursion.** Fields on a by-value cycle are boxed; a cycle of required links has no
//!   finite value and is an error ([`crate::passes::cycles`]).
//! - **Sensitive fields** (secrets, personal data) are marked by [`crate::passes::sensitivity`]'s
//!   name rule; their `Debug` output hides the value.
//! - **`default`** is documented on the field and never filled in on decoding: an absent field
//!   stays `None`, so re-encoding writes back exactly the keys that came.
//! - **`deprecated: true`** becomes `#[deprecated]` on types, fields, setters and methods, with
//!   the spec's reason (the rest of a description that opens with "Deprecated", else the
//!   replacement it names). A property whose `$ref` lands on a deprecated schema is deprecated
//!   too, and a deprecated property is never an idempotency key ([`crate::passes::retry`]).
//! - **Dates.** `format: date` is a `chrono::NaiveDate` (`YYYY-MM-DD`); `format: date-time` is the
//!   runtime's `DateTime` (RFC 3339, offset kept, `Z` written back as `Z`).
//! - **Parameters** (path, query, header; inline or `$ref`, on the path item or the operation,
//!   the operation's overriding the path item's of the same name and location) become one
//!   struct per operation, `<OperationId>Params`: required parameters are taken by its `new`,
//!   optional ones by setters. The method takes it before the body. Styles and `explode`
//!   follow OpenAPI's defaults (`simple` for path and header, `form` exploded for query).
//!   Cookie parameters are not sent, with a warning; `Accept`, `Content-Type` and
//!   `Authorization` header parameters are ignored, as OpenAPI says.
//! - **Responses.** The success type is the body of the 2xx answers. When some 2xx answers
//!   have no body (`204`) and others one, the method returns `Option<T>`. 2xx bodies of
//!   different types are any JSON value, with a warning. The error type comes from `default`,
//!   or else the first 4xx/5xx answer.
//! - **Primitives.** `integer` is `i64` (`i32` with `format: int32`), `number` is `f64`, `{}` is
//!   any JSON value. `oneOf`, `anyOf` and `not` are not modelled yet: they become any JSON value,
//!   with a warning.


mod api;
mod keywords;
mod operation;
mod parameter;
mod placement;
mod schema;
mod shape;
mod stated;
mod webhook;

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diag::{pointer_segment, Code, Diagnostic, Diagnostics};
use crate::ir::*;
use crate::merge::{Components, Merged};
use crate::naming::Scope;

pub use placement::SHARED_OPERATIONS;

/// Builds the IR; returns it with the warnings (and errors) met on the way. The passes that
/// work on the whole IR afterwards (boxing cycles, feature gates) are the pipeline's, in
/// [`crate::build_ir`].
pub fn lower(merged: &Merged) -> (Api, Diagnostics) {
    let mut l = Lowerer::new(merged);
    l.place_components();
    l.name_components();
    let mut names: Vec<&String> = merged.schemas.keys().collect();
    names.sort();
    for name in names {
        l.lower_component(name);
    }
    let lowered: Vec<(&crate::merge::SourceOperation, Operation)> = merged.operations.iter().filter_map(|op| Some((op, l.lower_operation(op)?))).collect();
    l.check_method_names(&lowered);
    let mut ops: BTreeMap<String, Vec<Operation>> = BTreeMap::new();
    for (src, op) in lowered {
        ops.entry(l.group_of(src)).or_default().push(op);
    }
    let mut api = l.assemble(ops);
    api.webhooks = l.webhooks();
    (api, l.diags)
}

/// A field type as lowered: the type, whether it may be null, and the format it came with.
struct Lowered {
    ty: TypeRef,
    nullable: bool,
    format: Option<String>,
}

/// The state the lowering units share: the spec, the decisions made so far, the types made so
/// far and the diagnostics.
struct Lowerer<'a> {
    merged: &'a Merged,
    /// Module name per file index.
    file_module: Vec<String>,
    /// Whether operations are grouped by the first segment of their path (one spec file holds
    /// them all) rather than by spec file.
    by_path_segment: bool,
    /// For path-segment groups: the path prefix each group stands for (`/accounts/...`).
    group_paths: HashMap<String, String>,
    /// Components some operation reaches (directly or through other components).
    reached: HashSet<&'a str>,
    /// Module per component name.
    component_module: HashMap<&'a str, String>,
    /// Rust name per component name.
    component_name: HashMap<&'a str, String>,
    /// Components named by `x-rust-name`.
    renamed: HashMap<&'a str, Renamed>,
    /// The crate-wide type namespace.
    scope: Scope,
    /// Lowered types per module, by Rust name.
    types: BTreeMap<String, BTreeMap<String, TypeDef>>,
    /// Components whose fields are being collected, to stop `allOf` cycles.
    in_progress: HashSet<String>,
    /// Components already lowered (or being lowered).
    lowered: HashSet<&'a str>,
    /// Example values met so far, in spec order.
    examples: Vec<Example>,
    /// Struct shape per component, for `allOf` parts that refer to it.
    structs: HashMap<String, Struct>,
    /// Schemas whose keywords were accounted for, by (file, pointer): each is reported once.
    accounted: HashSet<(usize, String)>,
    diags: Diagnostics,
}

impl<'a> Lowerer<'a> {
    fn new(merged: &'a Merged) -> Self {
        let (file_module, by_path_segment, group_paths) = placement::groups(merged);
        Lowerer {
            merged,
            file_module,
            by_path_segment,
            group_paths,
            reached: HashSet::new(),
            component_module: HashMap::new(),
            component_name: HashMap::new(),
            renamed: HashMap::new(),
            scope: Scope::default(),
            types: BTreeMap::new(),
            in_progress: HashSet::new(),
            lowered: HashSet::new(),
            examples: Vec::new(),
            structs: HashMap::new(),
            accounted: HashSet::new(),
            diags: Diagnostics::default(),
        }
    }

    fn warn(&mut self, file: usize, pointer: String, message: String) {
        self.push_located(file, pointer, Diagnostic::warning(Code::Unsupported, message));
    }

    /// Adds a diagnostic located at `pointer` in spec file number `file`.
    fn push_located(&mut self, file: usize, pointer: String, d: Diagnostic) {
        let Some(f) = self.merged.files.get(file) else {
            self.diags.push(d.at_pointer(pointer));
            return;
        };
        let line = crate::locate::line_of(&f.text, &pointer);
        self.diags.push(d.in_file(&f.path).at_line(line).at_pointer(pointer));
    }

    /// The first file that defines a component, for diagnostics.
    fn defining_file(&self, component: &str) -> usize {
        self.merged.schemas.get(component).and_then(|c| c.files.first().copied()).unwrap_or(0)
    }

    /// Follows a component ref of `section` for the operation at `file`/`pointer`; a ref that
    /// does not lead to a definition is a located error.
    pub(super) fn resolve_at<T>(&mut self, components: &'a Components<T>, section: &str, item: &'a openapiv3::ReferenceOr<T>, file: usize, pointer: &str) -> Option<(&'a T, Site)> {
        let site = match item {
            openapiv3::ReferenceOr::Reference { reference } => {
                let name = crate::resolve::ref_name(reference, section).unwrap_or_default();
                let at = components.get(name).and_then(|c| c.files.first().copied()).unwrap_or(file);
                Site { file: at, pointer: format!("/components/{section}/{}", pointer_segment(name)) }
            }
            openapiv3::ReferenceOr::Item(_) => Site { file, pointer: pointer.to_string() },
        };
        match crate::resolve::follow(components, section, item) {
            Ok(def) => Some((def, site)),
            Err(message) => {
                self.push_located(file, pointer.to_string(), Diagnostic::error(Code::BadRef, message));
                None
            }
        }
    }

    /// Warns, once per schema, about each keyword the schema's type cannot honour
    /// (`keywords`).
    fn account_keywords(&mut self, schema: &openapiv3::Schema, rust: &str, file: usize, pointer: &str) {
        if !self.accounted.insert((file, pointer.to_string())) {
            return;
        }
        for (keyword, message) in keywords::unhonoured(schema, rust) {
            self.warn(file, format!("{pointer}/{keyword}"), message);
        }
    }

    fn add_type(&mut self, module: &str, def: TypeDef) {
        self.types.entry(module.to_string()).or_default().insert(def.name.clone(), def);
    }
}

/// Where a resolved component sits: the file index and pointer of the definition, for inline
/// types made from it and for diagnostics.
struct Site {
    pub(super) file: usize,
    pub(super) pointer: String,
}

/// `Option<T>` for a value that may be `null`.
fn wrap_nullable(l: Lowered) -> TypeRef {
    if l.nullable {
        TypeRef::Nullable(Box::new(l.ty))
    } else {
        l.ty
    }
}
