//! Schemas become types: structs, enums, aliases, maps and lists, named and placed as
//! `placement` decided.

use std::collections::BTreeSet;

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use super::shape::{constraints_of, deprecation, docs_of, enum_of, says_nullable, single_ref_wrapper, view, view_boxed, Shape, View};
use super::{wrap_nullable, Lowered, Lowerer};
use crate::diag::pointer_segment;
use crate::ir::*;
use crate::naming::{self, Scope};
use crate::resolve::schema_ref_name;

impl<'a> Lowerer<'a> {
    pub(super) fn named(&self, component: &str) -> TypeRef {
        TypeRef::Named {
            module: self.component_module.get(component).cloned().unwrap_or_else(|| SHARED.into()),
            name: self.component_name.get(component).cloned().unwrap_or_else(|| naming::type_name(component)),
        }
    }

    /// Whether a component (following `$ref` and one-ref `allOf` wrappers) is nullable.
    pub(super) fn component_nullable(&self, component: &str, depth: usize) -> bool {
        let Some(c) = self.merged.schemas.get(component) else { return false };
        match &c.def {
            ReferenceOr::Reference { reference } => {
                depth < 32 && schema_ref_name(reference).is_some_and(|n| self.component_nullable(n, depth + 1))
            }
            ReferenceOr::Item(s) => {
                says_nullable(s)
                    || single_ref_wrapper(&Shape::of(s)).is_some_and(|(target, part_nullable)| {
                        part_nullable || (depth < 32 && self.component_nullable(target, depth + 1))
                    })
            }
        }
    }

    /// The deprecation note of the component a `$ref` lands on (through a chain of refs).
    fn referenced_deprecation(&self, reference: &str) -> Option<String> {
        let target = self.merged.schemas.get(schema_ref_name(reference)?)?;
        crate::resolve::follow(&self.merged.schemas, "schemas", &target.def).ok().and_then(deprecation)
    }

    /// Whether a schema marks its value secret (`format: password` or `writeOnly: true`),
    /// following `$ref`s to the component that says so.
    pub(super) fn secret_by_schema(&self, v: View<'_>, depth: usize) -> bool {
        match v {
            View::Ref(r) => {
                let Some(c) = schema_ref_name(r).and_then(|n| self.merged.schemas.get(n)) else { return false };
                depth < 32 && self.secret_by_schema(view(&c.def), depth + 1)
            }
            View::Inline(s) => s.schema_data.write_only || Shape::of(s).format.as_deref() == Some("password"),
        }
    }

    pub(super) fn lower_component(&mut self, name: &'a str) {
        // An `allOf` may have lowered it already, out of sorted order.
        if !self.lowered.insert(name) {
            return;
        }
        let Some(component) = self.merged.schemas.get(name) else { return };
        let module = self.component_module[name].clone();
        let rust = self.component_name[name].clone();
        let pointer = format!("/components/schemas/{}", pointer_segment(name));
        let file = self.defining_file(name);
        let stated = Stated { name: self.renamed.get(name).cloned(), ..Stated::default() };
        let def = match &component.def {
            ReferenceOr::Reference { reference } => TypeDef {
                name: rust,
                origin: name.to_string(),
                docs: None,
                deprecated: None,
                kind: TypeKind::Alias(schema_ref_name(reference).map(|n| self.named(n)).unwrap_or(TypeRef::Any)),
                gate: None,
                value_rules: None,
                derives: Vec::new(),
                stated,
            },
            ReferenceOr::Item(schema) => {
                if let Some(example) = &schema.schema_data.example {
                    let ty = TypeRef::Named { module: module.clone(), name: rust.clone() };
                    self.examples.push(Example { origin: format!("schema {name}"), ty, json: example.to_string(), at: Some((file, format!("{pointer}/example"))), answer: None });
                }
                self.account_keywords(schema, &rust, file, &pointer);
                let kind = self.lower_kind(schema, &rust, &module, file, &pointer, Some(name));
                let value_rules = matches!(kind, TypeKind::Alias(_)).then(|| (Shape::of(schema).format, constraints_of(schema)));
                TypeDef { name: rust, origin: name.to_string(), docs: docs_of(schema), deprecated: deprecation(schema), kind, gate: None, value_rules, derives: Vec::new(), stated }
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
        if !shape.enum_values.is_empty() {
            return TypeKind::Enum(enum_of(&shape.enum_values));
        }
        // `allOf` of one `$ref` and annotations is that schema, whatever `type` says beside it.
        if let Some((target, _)) = single_ref_wrapper(&shape) {
            return TypeKind::Alias(self.named(target));
        }
        if shape.is_object() {
            if !shape.has_properties() && shape.all_of.is_empty() {
                let value = self.map_value(shape.additional, rust, "Value", module, file, pointer).unwrap_or(TypeRef::Any);
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
            let wanted = match &f.stated.name {
                Some(renamed) => naming::field_name(&renamed.stated),
                None => naming::field_name(&f.wire),
            };
            f.name = scope.claim(wanted);
        }
        let extra = match extra_value {
            Some(value) => Extra::Keep { field: scope.claim(naming::UNKNOWN_PROPERTIES_FIELD.into()), value },
            None => Extra::Drop,
        };
        Struct { fields, extra, constructor: Vec::new(), named_args: None }
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
        // A part that says nothing about extra properties leaves what another part said.
        if shape.additional.is_some() {
            *extra = self.map_value(shape.additional, rust, "Value", module, file, pointer);
        }
        let Some(props) = shape.properties else { return };
        for (wire, prop) in props {
            let prop_pointer = format!("{pointer}/properties/{}", pointer_segment(wire));
            let lowered = self.lower_field_type(view_boxed(prop), rust, wire, module, file, &prop_pointer);
            let stated = self.stated_field_name(prop, wire, file, &prop_pointer);
            let (docs, default, deprecated, example, constraints) = match prop {
                ReferenceOr::Item(s) => (
                    docs_of(s),
                    s.schema_data.default.as_ref().map(|d| d.to_string()),
                    deprecation(s),
                    s.schema_data.example.as_ref().map(|e| e.to_string()),
                    constraints_of(s),
                ),
                // A property whose type the spec deprecates is deprecated too: the alias type's
                // `#[deprecated]` alone warns nobody who calls the setter with a `String`.
                ReferenceOr::Reference { reference } => (None, None, self.referenced_deprecation(reference), None, Constraints::default()),
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
                sensitivity: crate::passes::sensitivity::of_field(wire, self.secret_by_schema(view_boxed(prop), 0)),
                example,
                boxed: false,
                constraints,
                setter: None,
                null_setter: None,
                arg: None,
                shown_docs: None,
                idempotency_key: None,
                show: Show::Plain,
                read: Read::Value,
                stated,
                relaxed: Relaxed::default(),
            };
            match fields.iter_mut().find(|f| f.wire == *wire) {
                Some(existing) => *existing = field,
                None => fields.push(field),
            }
        }
    }

    /// The value type of a map, from an object schema's `additionalProperties`, wherever the map
    /// appears (a component, a property, a struct's unknown properties): any JSON value when
    /// absent or `true`, `None` when `false`, else the schema's type, nullable values as
    /// `Option`s so that one `null` does not fail the whole map.
    fn map_value(&mut self, additional: Option<&'a AdditionalProperties>, parent: &str, hint: &str, module: &str, file: usize, pointer: &str) -> Option<TypeRef> {
        match additional {
            None | Some(AdditionalProperties::Any(true)) => Some(TypeRef::Any),
            Some(AdditionalProperties::Any(false)) => None,
            Some(AdditionalProperties::Schema(s)) => {
                let lowered = self.lower_field_type(view(s), parent, hint, module, file, &format!("{pointer}/additionalProperties"));
                Some(wrap_nullable(lowered))
            }
        }
    }

    /// The type of a property, array item or body: a `$ref`, a primitive, or a new inline type
    /// named `{parent}{hint}`.
    pub(super) fn lower_field_type(&mut self, v: View<'a>, parent: &str, hint: &str, module: &str, file: usize, pointer: &str) -> Lowered {
        let schema = match v {
            View::Ref(r) => {
                let Some(target) = schema_ref_name(r) else {
                    return Lowered { ty: TypeRef::Any, nullable: false, format: None };
                };
                return Lowered { ty: self.named(target), nullable: self.component_nullable(target, 0), format: None };
            }
            View::Inline(s) => s,
        };
        self.account_keywords(schema, &format!("{parent}.{hint}"), file, pointer);
        let nullable = says_nullable(schema);
        let shape = Shape::of(schema);
        let plain = |ty| Lowered { ty, nullable, format: shape.format.clone() };
        if let Some(what) = shape.unsupported {
            self.warn(file, pointer.to_string(), format!("`{what}` is not supported yet; `{parent}.{hint}` is any JSON value"));
            return plain(TypeRef::Any);
        }
        if let Some((target, part_nullable)) = single_ref_wrapper(&shape) {
            let nullable = nullable || part_nullable || self.component_nullable(target, 0);
            return Lowered { ty: self.named(target), nullable, format: None };
        }
        if shape.is_object() && !shape.has_properties() && shape.all_of.is_empty() {
            let value = self.map_value(shape.additional, parent, &format!("{hint} value"), module, file, pointer).unwrap_or(TypeRef::Any);
            return plain(TypeRef::Map(Box::new(value)));
        }
        if shape.is_object() || !shape.enum_values.is_empty() {
            let name = self.scope.claim(naming::type_name(&format!("{parent} {hint}")));
            let kind = self.lower_kind(schema, &name, module, file, pointer, None);
            let def = TypeDef { name: name.clone(), origin: format!("{parent}.{hint}"), docs: docs_of(schema), deprecated: None, kind, gate: None, value_rules: None, derives: Vec::new(), stated: Stated::default() };
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
}
