//! Lowering: the merged, resolved specs become the [`ir`](crate::ir). Every decision about what a
//! spec construct means in Rust is made here, and documented here:
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
//!   to a nullable schema makes the field nullable. (See [`Wrapping`].)
//! - **String enums** become enums with a fallback variant that keeps any unlisted value.
//! - **Recursion.** Fields on a by-value cycle are boxed; a cycle of required links has no
//!   finite value and is an error ([`crate::cycles`]).
//! - **Sensitive fields** (secrets, personal data) are marked by [`crate::sensitivity`]'s
//!   name rule; their `Debug` output hides the value.
//! - **`default`** is documented on the field and never filled in on decoding: an absent field
//!   stays `None`, so re-encoding writes back exactly the keys that came.
//! - **`deprecated: true`** becomes `#[deprecated]` with the spec's note, on types, fields,
//!   setters and methods.
//! - **Dates.** `format: date` is a `chrono::NaiveDate` (`YYYY-MM-DD`); `format: date-time` is the
//!   runtime's `DateTime` (RFC 3339, offset kept, `Z` written back as `Z`).
//! - **Primitives.** `integer` is `i64` (`i32` with `format: int32`), `number` is `f64`, `{}` is
//!   any JSON value. `oneOf`, `anyOf` and `not` are not modelled yet: they become any JSON value,
//!   with a warning.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, StatusCode, Type};

use crate::diag::{pointer_segment, Code, Diagnostic, Diagnostics};
use crate::ir::*;
use crate::merge::{Merged, SourceOperation};
use crate::naming::{self, Scope};
use crate::resolve::schema_ref_name;

/// The module that holds types reached from several groups.
pub const SHARED: &str = "shared";

/// Builds the IR; returns it with the warnings met on the way.
pub fn lower(merged: &Merged) -> (Api, Diagnostics) {
    let mut l = Lowerer::new(merged);
    l.place_components();
    l.name_components();
    let mut names: Vec<&String> = merged.schemas.keys().collect();
    names.sort();
    for name in names {
        l.lower_component(name);
    }
    let mut ops: BTreeMap<String, Vec<Operation>> = BTreeMap::new();
    for op in &merged.operations {
        if let Some(lowered) = l.lower_operation(op) {
            ops.entry(l.group_of(op)).or_default().push(lowered);
        }
    }
    let api = l.finish(ops);
    (api, l.diags)
}

/// A schema as met in the spec: a `$ref` or an inline schema.
#[derive(Clone, Copy)]
enum View<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

fn view(s: &ReferenceOr<Schema>) -> View<'_> {
    match s {
        ReferenceOr::Reference { reference } => View::Ref(reference),
        ReferenceOr::Item(s) => View::Inline(s),
    }
}

fn view_boxed(s: &ReferenceOr<Box<Schema>>) -> View<'_> {
    match s {
        ReferenceOr::Reference { reference } => View::Ref(reference),
        ReferenceOr::Item(s) => View::Inline(s),
    }
}

/// What a schema says, whichever `SchemaKind` openapiv3 filed it under.
#[derive(Default)]
struct Shape<'a> {
    typ: Option<&'a str>,
    properties: Option<&'a IndexMap<String, ReferenceOr<Box<Schema>>>>,
    required: &'a [String],
    additional: Option<&'a AdditionalProperties>,
    items: Option<&'a ReferenceOr<Box<Schema>>>,
    enum_strings: Vec<String>,
    all_of: &'a [ReferenceOr<Schema>],
    unsupported: Option<&'static str>,
    format: Option<String>,
}

impl<'a> Shape<'a> {
    fn of(s: &'a Schema) -> Self {
        let mut shape = Shape::default();
        match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                shape.typ = Some("string");
                shape.enum_strings = t.enumeration.iter().flatten().cloned().collect();
                shape.format = fmt_of(&t.format);
            }
            SchemaKind::Type(Type::Number(t)) => {
                shape.typ = Some("number");
                shape.format = fmt_of(&t.format);
            }
            SchemaKind::Type(Type::Integer(t)) => {
                shape.typ = Some("integer");
                shape.format = fmt_of(&t.format);
            }
            SchemaKind::Type(Type::Boolean(_)) => shape.typ = Some("boolean"),
            SchemaKind::Type(Type::Object(o)) => {
                shape.typ = Some("object");
                shape.properties = Some(&o.properties);
                shape.required = &o.required;
                shape.additional = o.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(a)) => {
                shape.typ = Some("array");
                shape.items = a.items.as_ref();
            }
            SchemaKind::AllOf { all_of } => shape.all_of = all_of,
            SchemaKind::OneOf { .. } => shape.unsupported = Some("oneOf"),
            SchemaKind::AnyOf { .. } => shape.unsupported = Some("anyOf"),
            SchemaKind::Not { .. } => shape.unsupported = Some("not"),
            SchemaKind::Any(a) => {
                shape.typ = a.typ.as_deref();
                shape.properties = Some(&a.properties);
                shape.required = &a.required;
                shape.additional = a.additional_properties.as_ref();
                shape.items = a.items.as_ref();
                shape.enum_strings = a.enumeration.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
                shape.all_of = &a.all_of;
                shape.format = a.format.clone();
                if !a.one_of.is_empty() {
                    shape.unsupported = Some("oneOf");
                } else if !a.any_of.is_empty() {
                    shape.unsupported = Some("anyOf");
                } else if a.not.is_some() {
                    shape.unsupported = Some("not");
                }
            }
        }
        shape
    }

    fn has_properties(&self) -> bool {
        self.properties.is_some_and(|p| !p.is_empty())
    }

    /// A schema that adds no structure, only annotations (`type`, `description`, `nullable`):
    /// the filler part of Plaid's `allOf` wrappers around a `$ref`.
    fn is_annotation(&self) -> bool {
        !self.has_properties()
            && self.all_of.is_empty()
            && self.items.is_none()
            && self.enum_strings.is_empty()
            && self.unsupported.is_none()
            && !matches!(self.additional, Some(AdditionalProperties::Schema(_)))
    }

    fn is_object(&self) -> bool {
        self.has_properties() || self.typ == Some("object") || !self.all_of.is_empty()
    }
}

fn fmt_of<T: serde::Serialize>(f: &openapiv3::VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match f {
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
        openapiv3::VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        openapiv3::VariantOrUnknownOrEmpty::Item(t) => serde_json::to_value(t).ok().and_then(|v| v.as_str().map(str::to_string)),
    }
}

/// A field type as lowered: the type, whether it may be null, and the format it came with.
struct Lowered {
    ty: TypeRef,
    nullable: bool,
    format: Option<String>,
}

struct Lowerer<'a> {
    merged: &'a Merged,
    /// Module name per file index.
    file_module: Vec<String>,
    /// Whether operations are grouped by the first segment of their path (one spec file holds
    /// them all) rather than by spec file.
    by_path_segment: bool,
    /// For path-segment groups: the path prefix each group stands for (`/accounts/...`).
    group_paths: HashMap<String, String>,
    /// Module per component name.
    component_module: HashMap<&'a str, String>,
    /// Rust name per component name.
    component_name: HashMap<&'a str, String>,
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
    diags: Diagnostics,
}

impl<'a> Lowerer<'a> {
    fn new(merged: &'a Merged) -> Self {
        let file_module = merged.files.iter().map(|f| naming::module_name(&f.stem)).collect();
        let files_with_operations: BTreeSet<usize> = merged.operations.iter().map(|o| o.file).collect();
        let by_path_segment = files_with_operations.len() == 1;
        let group_paths = if by_path_segment {
            merged.operations.iter().map(|o| (path_group(&o.path), format!("/{}/...", first_segment(&o.path)))).collect()
        } else {
            HashMap::new()
        };
        Lowerer {
            merged,
            file_module,
            by_path_segment,
            group_paths,
            component_module: HashMap::new(),
            component_name: HashMap::new(),
            scope: Scope::default(),
            types: BTreeMap::new(),
            in_progress: HashSet::new(),
            lowered: HashSet::new(),
            examples: Vec::new(),
            structs: HashMap::new(),
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

    /// The group (module) an operation belongs to: its spec file, or the first segment of its
    /// path when one file holds every operation.
    fn group_of(&self, op: &SourceOperation) -> String {
        if self.by_path_segment {
            path_group(&op.path)
        } else {
            self.file_module[op.file].clone()
        }
    }

    /// The first file that defines a component, for diagnostics.
    fn defining_file(&self, component: &str) -> usize {
        self.merged.schemas.get(component).and_then(|c| c.files.first().copied()).unwrap_or(0)
    }

    /// Decides each component's module from which files' operations reach it.
    fn place_components(&mut self) {
        let mut users: HashMap<&'a str, BTreeSet<String>> = HashMap::new();
        for op in &self.merged.operations {
            let mut roots = Vec::new();
            op_schema_refs(&op.op, &mut roots);
            let module = self.group_of(op);
            let mut stack = roots;
            let mut seen: HashSet<&str> = HashSet::new();
            while let Some(name) = stack.pop() {
                let Some((key, component)) = self.merged.schemas.get_key_value(name) else { continue };
                if !seen.insert(key.as_str()) {
                    continue;
                }
                users.entry(key.as_str()).or_default().insert(module.clone());
                schema_refs(view(&component.schema), &mut stack);
            }
        }
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
            schema_refs(view(&component.schema), &mut refs);
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
    fn name_components(&mut self) {
        let mut names: Vec<&'a String> = self.merged.schemas.keys().collect();
        names.sort();
        let mut first_claimant: HashMap<String, &'a String> = HashMap::new();
        for name in names {
            let wanted = naming::type_name(name);
            let rust = self.scope.claim(wanted.clone());
            if rust != wanted {
                // Two schema names that differ only in case or separators; the suffix keeps
                // both, but a maintainer should know which got which name.
                let other = first_claimant.get(&wanted).map(|n| format!("`{n}`")).unwrap_or_else(|| "another name".into());
                let file = self.defining_file(name);
                let message = format!("schemas {other} and `{name}` both map to the Rust name `{wanted}`; `{name}` becomes `{rust}`");
                let d = Diagnostic::warning(Code::NameClash, message);
                self.push_located(file, format!("/components/schemas/{}", pointer_segment(name)), d);
            } else {
                first_claimant.insert(wanted, name);
            }
            self.component_name.insert(name, rust);
        }
    }

    fn named(&self, component: &str) -> TypeRef {
        TypeRef::Named {
            module: self.component_module.get(component).cloned().unwrap_or_else(|| SHARED.into()),
            name: self.component_name.get(component).cloned().unwrap_or_else(|| naming::type_name(component)),
        }
    }

    /// Whether a component (following `$ref` and one-ref `allOf` wrappers) is nullable.
    fn component_nullable(&self, component: &str, depth: usize) -> bool {
        let Some(c) = self.merged.schemas.get(component) else { return false };
        match &c.schema {
            ReferenceOr::Reference { reference } => {
                depth < 32 && schema_ref_name(reference).is_some_and(|n| self.component_nullable(n, depth + 1))
            }
            ReferenceOr::Item(s) => {
                s.schema_data.nullable
                    || single_ref_wrapper(&Shape::of(s)).is_some_and(|(target, part_nullable)| {
                        part_nullable || (depth < 32 && self.component_nullable(target, depth + 1))
                    })
            }
        }
    }

    fn add_type(&mut self, module: &str, def: TypeDef) {
        self.types.entry(module.to_string()).or_default().insert(def.name.clone(), def);
    }

    fn lower_component(&mut self, name: &'a str) {
        // An `allOf` may have lowered it already, out of sorted order.
        if !self.lowered.insert(name) {
            return;
        }
        let Some(component) = self.merged.schemas.get(name) else { return };
        let module = self.component_module[name].clone();
        let rust = self.component_name[name].clone();
        let pointer = format!("/components/schemas/{}", pointer_segment(name));
        let file = self.defining_file(name);
        let def = match &component.schema {
            ReferenceOr::Reference { reference } => TypeDef {
                name: rust,
                origin: name.to_string(),
                docs: None,
                deprecated: None,
                kind: TypeKind::Alias(schema_ref_name(reference).map(|n| self.named(n)).unwrap_or(TypeRef::Any)),
                gate: None,
            },
            ReferenceOr::Item(schema) => {
                if let Some(example) = &schema.schema_data.example {
                    let ty = TypeRef::Named { module: module.clone(), name: rust.clone() };
                    self.examples.push(Example { origin: format!("schema {name}"), ty, json: example.to_string() });
                }
                let kind = self.lower_kind(schema, &rust, &module, file, &pointer, Some(name));
                TypeDef { name: rust, origin: name.to_string(), docs: docs_of(schema), deprecated: deprecation(schema), kind, gate: None }
            }
        };
        self.add_type(&module, def);
    }

    /// What a named type (component or inline) becomes.
    fn lower_kind(&mut self, schema: &'a Schema, rust: &str, module: &str, file: usize, pointer: &str, component: Option<&str>) -> TypeKind {
        let shape = Shape::of(schema);
        if let Some(what) = shape.unsupported {
            self.warn(file, pointer.to_string(), format!("`{what}` is not supported yet; `{rust}` is any JSON value"));
            return TypeKind::Alias(TypeRef::Any);
        }
        if !shape.enum_strings.is_empty() {
            return TypeKind::Enum(enum_of(&shape.enum_strings));
        }
        if shape.is_object() {
            if let Some((target, _)) = single_ref_wrapper(&shape) {
                return TypeKind::Alias(self.named(target));
            }
            if !shape.has_properties() && shape.all_of.is_empty() {
                let value = match shape.additional {
                    Some(AdditionalProperties::Schema(s)) => {
                        self.lower_field_type(view(s), rust, "Value", module, file, &format!("{pointer}/additionalProperties")).ty
                    }
                    _ => TypeRef::Any,
                };
                return TypeKind::Alias(TypeRef::Map(Box::new(value)));
            }
            if let Some(c) = component {
                self.in_progress.insert(c.to_string());
            }
            let s = self.lower_struct(&shape, rust, module, file, pointer);
            if let Some(c) = component {
                self.in_progress.remove(c);
                self.structs.insert(c.to_string(), s.clone());
            }
            return TypeKind::Struct(s);
        }
        TypeKind::Alias(self.lower_field_type(View::Inline(schema), rust, "Item", module, file, pointer).ty)
    }

    /// Collects the fields of an object schema and its `allOf` parts into one struct.
    fn lower_struct(&mut self, shape: &Shape<'a>, rust: &str, module: &str, file: usize, pointer: &str) -> Struct {
        let mut fields: Vec<Field> = Vec::new();
        let mut required: BTreeSet<String> = BTreeSet::new();
        let mut extra_value = Some(TypeRef::Any);
        self.collect_fields(shape, rust, module, file, pointer, &mut fields, &mut required, &mut extra_value);
        let mut scope = Scope::default();
        for f in &mut fields {
            f.required |= required.contains(&f.wire);
            f.name = scope.claim(naming::field_name(&f.wire));
        }
        let extra = match extra_value {
            Some(value) => Extra::Keep { field: scope.claim("additional_properties".into()), value },
            None => Extra::Drop,
        };
        Struct { fields, extra }
    }

    #[allow(clippy::too_many_arguments)]
    fn collect_fields(
        &mut self,
        shape: &Shape<'a>,
        rust: &str,
        module: &str,
        file: usize,
        pointer: &str,
        fields: &mut Vec<Field>,
        required: &mut BTreeSet<String>,
        extra: &mut Option<TypeRef>,
    ) {
        for (i, part) in shape.all_of.iter().enumerate() {
            let part_pointer = format!("{pointer}/allOf/{i}");
            match view(part) {
                View::Ref(r) => {
                    let Some(target) = schema_ref_name(r) else { continue };
                    if self.in_progress.contains(target) {
                        self.warn(file, part_pointer, format!("`allOf` cycle through `{target}`; its fields are left out of `{rust}`"));
                        continue;
                    }
                    if !self.structs.contains_key(target) {
                        if let Some(key) = self.merged.schemas.get_key_value(target).map(|(k, _)| k.as_str()) {
                            self.lower_component(key);
                        }
                    }
                    match self.structs.get(target) {
                        Some(s) => {
                            for f in &s.fields {
                                if f.required {
                                    required.insert(f.wire.clone());
                                }
                                if !fields.iter().any(|g| g.wire == f.wire) {
                                    fields.push(f.clone());
                                }
                            }
                            if s.extra == Extra::Drop {
                                *extra = None;
                            }
                        }
                        None => self.warn(file, part_pointer, format!("`allOf` part `{target}` is not an object; left out of `{rust}`")),
                    }
                }
                View::Inline(s) => {
                    let inner = Shape::of(s);
                    self.collect_fields(&inner, rust, module, file, &part_pointer, fields, required, extra);
                }
            }
        }
        required.extend(shape.required.iter().cloned());
        match shape.additional {
            Some(AdditionalProperties::Any(false)) => *extra = None,
            Some(AdditionalProperties::Schema(s)) => {
                let ty = self.lower_field_type(view(s), rust, "Value", module, file, &format!("{pointer}/additionalProperties")).ty;
                *extra = Some(ty);
            }
            _ => {}
        }
        let Some(props) = shape.properties else { return };
        for (wire, prop) in props {
            let prop_pointer = format!("{pointer}/properties/{}", pointer_segment(wire));
            let lowered = self.lower_field_type(view_boxed(prop), rust, wire, module, file, &prop_pointer);
            let (docs, default, deprecated, example) = match prop {
                ReferenceOr::Item(s) => (
                    docs_of(s),
                    s.schema_data.default.as_ref().map(|d| d.to_string()),
                    deprecation(s),
                    s.schema_data.example.as_ref().map(|e| e.to_string()),
                ),
                ReferenceOr::Reference { .. } => (None, None, None, None),
            };
            let field = Field {
                name: String::new(),
                wire: wire.clone(),
                ty: lowered.ty,
                required: false,
                nullable: lowered.nullable,
                docs,
                format: lowered.format,
                default,
                deprecated,
                sensitivity: crate::sensitivity::classify(wire),
                example,
                boxed: false,
            };
            match fields.iter_mut().find(|f| f.wire == *wire) {
                Some(existing) => *existing = field,
                None => fields.push(field),
            }
        }
    }

    /// The type of a property, array item or body: a `$ref`, a primitive, or a new inline type
    /// named `{parent}{hint}`.
    fn lower_field_type(&mut self, v: View<'a>, parent: &str, hint: &str, module: &str, file: usize, pointer: &str) -> Lowered {
        let schema = match v {
            View::Ref(r) => {
                let Some(target) = schema_ref_name(r) else {
                    return Lowered { ty: TypeRef::Any, nullable: false, format: None };
                };
                return Lowered { ty: self.named(target), nullable: self.component_nullable(target, 0), format: None };
            }
            View::Inline(s) => s,
        };
        let nullable = schema.schema_data.nullable;
        let shape = Shape::of(schema);
        let plain = |ty| Lowered { ty, nullable, format: shape.format.clone() };
        if let Some(what) = shape.unsupported {
            self.warn(file, pointer.to_string(), format!("`{what}` is not supported yet; `{parent}.{hint}` is any JSON value"));
            return plain(TypeRef::Any);
        }
        if shape.is_object() {
            if let Some((target, part_nullable)) = single_ref_wrapper(&shape) {
                let nullable = nullable || part_nullable || self.component_nullable(target, 0);
                return Lowered { ty: self.named(target), nullable, format: None };
            }
            if !shape.has_properties() && shape.all_of.is_empty() {
                let value = match shape.additional {
                    Some(AdditionalProperties::Schema(s)) => {
                        let inner = self.lower_field_type(view(s), parent, &format!("{hint} value"), module, file, &format!("{pointer}/additionalProperties"));
                        wrap_nullable(inner)
                    }
                    _ => TypeRef::Any,
                };
                return plain(TypeRef::Map(Box::new(value)));
            }
        }
        if shape.is_object() || !shape.enum_strings.is_empty() {
            let name = self.scope.claim(naming::type_name(&format!("{parent} {hint}")));
            let kind = self.lower_kind(schema, &name, module, file, pointer, None);
            let def = TypeDef { name: name.clone(), origin: format!("{parent}.{hint}"), docs: docs_of(schema), deprecated: None, kind, gate: None };
            self.add_type(module, def);
            return Lowered { ty: TypeRef::Named { module: module.to_string(), name }, nullable, format: None };
        }
        let ty = match shape.typ {
            Some("string") if shape.format.as_deref() == Some("date") => TypeRef::Date,
            Some("string") if shape.format.as_deref() == Some("date-time") => TypeRef::DateTime,
            Some("string") => TypeRef::String,
            Some("boolean") => TypeRef::Bool,
            Some("number") => TypeRef::F64,
            Some("integer") if shape.format.as_deref() == Some("int32") => TypeRef::I32,
            Some("integer") => TypeRef::I64,
            Some("array") => match shape.items {
                Some(items) => {
                    let item_hint = format!("{hint} item");
                    let inner = self.lower_field_type(view_boxed(items), parent, &item_hint, module, file, &format!("{pointer}/items"));
                    TypeRef::List(Box::new(wrap_nullable(inner)))
                }
                None => TypeRef::List(Box::new(TypeRef::Any)),
            },
            _ => TypeRef::Any,
        };
        plain(ty)
    }

    fn lower_operation(&mut self, src: &'a SourceOperation) -> Option<Operation> {
        let op = &src.op;
        let id = op.operation_id.clone()?;
        let module = self.group_of(src);
        let pointer = format!("/paths/{}/{}", pointer_segment(&src.path), src.method);
        let base = naming::type_name(&id);
        for (i, p) in op.parameters.iter().enumerate() {
            let what = match p {
                ReferenceOr::Item(p) => format!("{} parameter `{}`", location_of(p), &p.parameter_data_ref().name),
                ReferenceOr::Reference { reference } => format!("parameter `{reference}`"),
            };
            self.warn(src.file, format!("{pointer}/parameters/{i}"), format!("{what} of `{id}` is not supported yet; it is not sent"));
        }
        if let Some(ReferenceOr::Item(body)) = &op.request_body {
            if body.content.contains_key("application/json") && body.content.len() > 1 {
                let others: Vec<&String> = body.content.keys().filter(|k| *k != "application/json").collect();
                let message = format!("request body of `{id}` also lists {others:?} beside application/json; the client sends JSON only");
                self.warn(src.file, format!("{pointer}/requestBody/content"), message);
            }
        }
        let request = match &op.request_body {
            None => None,
            Some(ReferenceOr::Reference { reference }) => {
                self.warn(src.file, format!("{pointer}/requestBody"), format!("request body `{reference}` of `{id}` is a shared component, which is not supported yet; the method sends no body"));
                None
            }
            Some(ReferenceOr::Item(body)) => match body.content.get("application/json") {
                Some(media) => media.schema.as_ref().map(|s| {
                    let body_pointer = format!("{pointer}/requestBody/content/application~1json/schema");
                    let ty = wrap_nullable(self.lower_field_type(view(s), &base, "Request", &module, src.file, &body_pointer));
                    self.media_examples(media, &ty, &format!("{} {} request", src.method.to_uppercase(), src.path));
                    ty
                }),
                None => {
                    let types: Vec<&String> = body.content.keys().collect();
                    self.warn(src.file, format!("{pointer}/requestBody"), format!("request body of `{id}` is not JSON ({types:?}); the method sends no body"));
                    None
                }
            },
        };
        let success = op
            .responses
            .responses
            .iter()
            .find(|(code, _)| matches!(code, StatusCode::Code(200..=299) | StatusCode::Range(2)));
        let response = match success {
            None => None,
            Some((code, ReferenceOr::Reference { reference })) => {
                self.warn(src.file, format!("{pointer}/responses/{code}"), format!("response `{reference}` of `{id}` is a shared component, which is not supported yet; its body is any JSON value"));
                Some(TypeRef::Any)
            }
            Some((code, ReferenceOr::Item(resp))) => {
                let at = format!("{pointer}/responses/{code}/content/application~1json/schema");
                let ty = self.body_type(&resp.content, &base, "Response", &module, src.file, &at).map(wrap_nullable);
                if let (Some(ty), Some(media)) = (&ty, resp.content.get("application/json")) {
                    self.media_examples(media, ty, &format!("{} {} response {code}", src.method.to_uppercase(), src.path));
                }
                ty
            }
        };
        let error = match &op.responses.default {
            Some(ReferenceOr::Item(resp)) => {
                let at = format!("{pointer}/responses/default/content/application~1json/schema");
                // An error body is decoded only when there is one, so its nullability is moot.
                let ty = self.body_type(&resp.content, &base, "Error", &module, src.file, &at).map(|l| l.ty);
                if let (Some(ty), Some(media)) = (&ty, resp.content.get("application/json")) {
                    self.media_examples(media, ty, &format!("{} {} response default", src.method.to_uppercase(), src.path));
                }
                ty
            }
            _ => None,
        };
        Some(Operation {
            method_name: naming::method_name(&id),
            id,
            http_method: src.method.to_uppercase(),
            path: src.path.clone(),
            summary: op.summary.clone(),
            docs: op.description.clone(),
            deprecated: op.deprecated.then(|| "This operation is deprecated in the API spec.".to_string()),
            request,
            response,
            error,
        })
    }

    /// Records a media type's `example` and inline `examples` (a `$ref` to a shared example or
    /// an `externalValue` has no value here to test).
    fn media_examples(&mut self, media: &openapiv3::MediaType, ty: &TypeRef, origin: &str) {
        if let Some(example) = &media.example {
            self.examples.push(Example { origin: format!("{origin} example"), ty: ty.clone(), json: example.to_string() });
        }
        for (name, example) in &media.examples {
            if let ReferenceOr::Item(openapiv3::Example { value: Some(value), .. }) = example {
                self.examples.push(Example { origin: format!("{origin} `{name}`"), ty: ty.clone(), json: value.to_string() });
            }
        }
    }

    fn body_type(&mut self, content: &'a IndexMap<String, openapiv3::MediaType>, base: &str, hint: &str, module: &str, file: usize, pointer: &str) -> Option<Lowered> {
        if let Some(media) = content.get("application/json") {
            return media.schema.as_ref().map(|s| self.lower_field_type(view(s), base, hint, module, file, pointer));
        }
        // Any other media type (PDF, ZIP, ...) is handed over as bytes.
        (!content.is_empty()).then_some(Lowered { ty: TypeRef::Bytes, nullable: false, format: None })
    }

    fn finish(&mut self, mut ops: BTreeMap<String, Vec<Operation>>) -> Api {
        let first = self.merged.files.first().map(|f| &f.doc);
        let spec_version = first.map(|d| d.info.version.clone()).unwrap_or_default();
        let api_version = spec_version.split('_').next().unwrap_or_default().to_string();
        let servers = self.merged.servers.iter().map(|s| Server { name: s.description.clone().unwrap_or_else(|| s.url.clone()), url: s.url.clone() }).collect();
        let auth_headers = self
            .merged
            .security_schemes
            .iter()
            .filter_map(|(name, scheme)| match scheme {
                openapiv3::SecurityScheme::APIKey { location: openapiv3::APIKeyLocation::Header, name: header, .. } => {
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
        let mut api = Api { spec_version, api_version, servers, auth_headers, modules, sources, examples };
        settle_partial_fields(&mut api);
        crate::features::gate_shared_types(&mut api);
        for (origin, message) in crate::cycles::settle(&mut api) {
            let component = origin.split('.').next().unwrap_or(&origin).to_string();
            let file = self.defining_file(&component);
            let d = Diagnostic::error(Code::Cycle, message);
            self.push_located(file, format!("/components/schemas/{}", pointer_segment(&component)), d);
        }
        api
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

/// A partially shown field must be a string to be cut; any other type is redacted fully.
fn settle_partial_fields(api: &mut Api) {
    let string_aliases: HashSet<(String, String)> = api
        .modules
        .iter()
        .flat_map(|m| m.types.iter().map(move |t| (m, t)))
        .filter(|(_, t)| t.kind == TypeKind::Alias(TypeRef::String))
        .map(|(m, t)| (m.name.clone(), t.name.clone()))
        .collect();
    let is_string = |ty: &TypeRef| match ty {
        TypeRef::String => true,
        TypeRef::Named { module, name } => string_aliases.contains(&(module.clone(), name.clone())),
        _ => false,
    };
    for t in api.modules.iter_mut().flat_map(|m| m.types.iter_mut()) {
        if let TypeKind::Struct(s) = &mut t.kind {
            for f in &mut s.fields {
                if f.sensitivity == Some(Sensitivity::Partial) && !is_string(&f.ty) {
                    f.sensitivity = Some(Sensitivity::Secret);
                }
            }
        }
    }
}

/// The first segment of a path (`accounts` for `/accounts/balance/get`).
fn first_segment(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

/// The module name of a path-segment group; never `shared`, which holds the types of several.
fn path_group(path: &str) -> String {
    let name = naming::module_name(first_segment(path));
    match name.as_str() {
        "" => "root".to_string(),
        SHARED => format!("{SHARED}_operations"),
        _ => name,
    }
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

fn location_of(p: &openapiv3::Parameter) -> &'static str {
    match p {
        openapiv3::Parameter::Query { .. } => "query",
        openapiv3::Parameter::Header { .. } => "header",
        openapiv3::Parameter::Path { .. } => "path",
        openapiv3::Parameter::Cookie { .. } => "cookie",
    }
}

fn wrap_nullable(l: Lowered) -> TypeRef {
    if l.nullable {
        TypeRef::Nullable(Box::new(l.ty))
    } else {
        l.ty
    }
}

/// `allOf: [$ref: X, {type: object}]` with nothing else: the schema is X. Returns X and whether
/// an annotation part makes it nullable.
fn single_ref_wrapper<'s>(shape: &Shape<'s>) -> Option<(&'s str, bool)> {
    if shape.has_properties() || shape.all_of.is_empty() {
        return None;
    }
    let mut target = None;
    let mut nullable = false;
    for part in shape.all_of {
        match view(part) {
            View::Ref(r) if target.is_none() => target = Some(schema_ref_name(r)?),
            View::Inline(s) if Shape::of(s).is_annotation() => nullable |= s.schema_data.nullable,
            _ => return None,
        }
    }
    target.map(|t| (t, nullable))
}

fn enum_of(values: &[String]) -> Enum {
    let mut scope = Scope::default();
    let mut seen = BTreeSet::new();
    let variants = values
        .iter()
        .filter(|v| seen.insert(v.as_str()))
        .map(|v| Variant { name: scope.claim(naming::variant_name(v)), wire: v.clone() })
        .collect();
    let fallback = scope.claim("UnknownValue".into());
    Enum { variants, fallback }
}

fn docs_of(s: &Schema) -> Option<String> {
    s.schema_data.description.clone().or_else(|| s.schema_data.title.clone()).filter(|d| !d.trim().is_empty())
}

fn deprecation(s: &Schema) -> Option<String> {
    s.schema_data.deprecated.then(|| "Deprecated in the API spec.".to_string())
}

/// Component names that an operation's bodies refer to.
fn op_schema_refs<'s>(op: &'s openapiv3::Operation, out: &mut Vec<&'s str>) {
    if let Some(ReferenceOr::Item(body)) = &op.request_body {
        for media in body.content.values() {
            if let Some(s) = &media.schema {
                schema_refs(view(s), out);
            }
        }
    }
    for resp in op.responses.responses.values().chain(op.responses.default.as_ref()) {
        if let ReferenceOr::Item(resp) = resp {
            for media in resp.content.values() {
                if let Some(s) = &media.schema {
                    schema_refs(view(s), out);
                }
            }
        }
    }
}

/// Component names a schema refers to directly (not transitively).
fn schema_refs<'s>(v: View<'s>, out: &mut Vec<&'s str>) {
    let s = match v {
        View::Ref(r) => {
            out.extend(schema_ref_name(r));
            return;
        }
        View::Inline(s) => s,
    };
    match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            o.properties.values().for_each(|p| schema_refs(view_boxed(p), out));
            if let Some(AdditionalProperties::Schema(a)) = &o.additional_properties {
                schema_refs(view(a), out);
            }
        }
        SchemaKind::Type(Type::Array(a)) => a.items.iter().for_each(|i| schema_refs(view_boxed(i), out)),
        SchemaKind::Type(_) => {}
        SchemaKind::AllOf { all_of: parts } | SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => {
            parts.iter().for_each(|p| schema_refs(view(p), out))
        }
        SchemaKind::Not { not } => schema_refs(view(not), out),
        SchemaKind::Any(a) => {
            a.properties.values().for_each(|p| schema_refs(view_boxed(p), out));
            if let Some(AdditionalProperties::Schema(s)) = &a.additional_properties {
                schema_refs(view(s), out);
            }
            a.items.iter().for_each(|i| schema_refs(view_boxed(i), out));
            a.one_of.iter().chain(&a.all_of).chain(&a.any_of).for_each(|p| schema_refs(view(p), out));
            if let Some(n) = &a.not {
                schema_refs(view(n), out);
            }
        }
    }
}
