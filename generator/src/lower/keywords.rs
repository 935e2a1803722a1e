//! Every schema keyword, accounted for. Each keyword `openapiv3` reads is matched here by name
//! (destructuring without `..`, so a keyword a new `openapiv3` adds is a compile error here, not
//! silence), and falls in one of three classes:
//!
//! - **honoured**: it shapes the Rust type, its docs or its samples (`type`, `properties`,
//!   `required`, `additionalProperties`, `items`, `enum`, `allOf`, `nullable`, `format`,
//!   `description`, `title`, `deprecated`, `default`, `example`, `writeOnly`, the length,
//!   pattern, bound and item-count constraints that samples meet);
//! - **no effect on the client**: validation the server does and a decoder must not
//!   second-guess (`multipleOf`, `uniqueItems`, `minProperties`, `maxProperties`, the `enum` of
//!   a number, integer or boolean), or annotations (`readOnly`, `externalDocs`,
//!   `discriminator` without `oneOf`, extensions);
//! - **not honoured**: a keyword that contradicts the schema's `type` (`properties` on an
//!   array, `items` on a string, `pattern` on an object) or a construct not modelled yet
//!   (`oneOf`, `anyOf`, `not`): a located warning says what the type became.
//!
//! One contradiction is settled rather than ignored: a `type: string` schema with `properties`
//! uses them to document its values (Plaid's account subtypes, currency codes), so the values
//! are the property names; `enum` values that YAML typed as booleans or numbers under
//! `type: string` are kept and matched in either form.

use openapiv3::{AnySchema, ArrayType, BooleanType, IntegerType, NumberType, ObjectType, Schema, SchemaData, SchemaKind, StringType, Type};

/// The OpenAPI 3.0 types.
const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// What a schema says that the generator does not honour as written, as `(keyword, message)`:
/// each becomes a warning at `<schema pointer>/<keyword>`. `rust` names the type the schema
/// becomes, for the message.
pub(super) fn unhonoured(schema: &Schema, rust: &str) -> Vec<(&'static str, String)> {
    let SchemaData {
        nullable: _,
        read_only: _,
        write_only: _,
        deprecated: _,
        external_docs: _,
        example: _,
        title: _,
        description: _,
        discriminator: _,
        default: _,
        extensions: _,
    } = &schema.schema_data;
    let mut out = Vec::new();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(StringType { format: _, pattern: _, enumeration: _, min_length: _, max_length: _ }))
        | SchemaKind::Type(Type::Number(NumberType { format: _, multiple_of: _, exclusive_minimum: _, exclusive_maximum: _, minimum: _, maximum: _, enumeration: _ }))
        | SchemaKind::Type(Type::Integer(IntegerType { format: _, multiple_of: _, exclusive_minimum: _, exclusive_maximum: _, minimum: _, maximum: _, enumeration: _ }))
        | SchemaKind::Type(Type::Object(ObjectType { properties: _, required: _, additional_properties: _, min_properties: _, max_properties: _ }))
        | SchemaKind::Type(Type::Array(ArrayType { items: _, min_items: _, max_items: _, unique_items: _ }))
        | SchemaKind::Type(Type::Boolean(BooleanType { enumeration: _ }))
        | SchemaKind::AllOf { all_of: _ } => {}
        // Reported where the schema is lowered, with what it became.
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::Not { .. } => {}
        SchemaKind::Any(any) => mixed(any, rust, &mut out),
    }
    out
}

/// A schema `openapiv3` could not file under one type: keywords of several types together, or
/// values of another type than the schema's. Which keywords apply depends on `type`.
fn mixed(any: &AnySchema, rust: &str, out: &mut Vec<(&'static str, String)>) {
    let AnySchema {
        typ,
        pattern,
        multiple_of: _,
        exclusive_minimum: _,
        exclusive_maximum: _,
        minimum,
        maximum,
        properties,
        // On a string, the names `properties` lists again: nothing more to honour.
        required: _,
        additional_properties,
        min_properties: _,
        max_properties: _,
        items,
        min_items,
        max_items,
        unique_items: _,
        enumeration,
        format: _,
        min_length,
        max_length,
        one_of: _,
        all_of: _,
        any_of: _,
        not: _,
    } = any;
    let typ = typ.as_deref();
    if let Some(t) = typ.filter(|t| !TYPES.contains(t)) {
        out.push(("type", format!("`type: {t}` is not an OpenAPI 3.0 type; `{rust}` is any JSON value")));
        return;
    }
    if typ == Some("string") && !properties.is_empty() {
        let values = if enumeration.is_empty() { "its values are the property names" } else { "its values are the `enum`'s; the properties document them" };
        out.push(("properties", format!("a `type: string` schema has `properties`: `{rust}` is an open string enum ({values}), as a server sends a plain string")));
    }
    if typ == Some("string") {
        let typed: Vec<String> = enumeration.iter().filter(|v| v.is_boolean() || v.is_number()).map(|v| v.to_string()).collect();
        if !typed.is_empty() {
            out.push((
                "enum",
                format!("`type: string` lists {} as JSON numbers or booleans (unquoted YAML); `{rust}` reads them as either and writes them as listed", typed.join(", ")),
            ));
        }
    }
    // Without a type, properties make an object; with none either, nothing is out of place.
    let Some(typ) = typ.or((!properties.is_empty()).then_some("object")) else { return };
    // Each group of keywords, named by its first, with the types it applies to.
    let groups: [(&'static str, bool, &[&str]); 6] = [
        ("properties", !properties.is_empty(), &["object", "string"]),
        ("additionalProperties", additional_properties.is_some(), &["object"]),
        ("items", items.is_some(), &["array"]),
        ("minItems", min_items.is_some() || max_items.is_some(), &["array"]),
        ("pattern", pattern.is_some() || min_length.is_some() || max_length.is_some(), &["string"]),
        ("minimum", minimum.is_some() || maximum.is_some(), &["number", "integer"]),
    ];
    for (keyword, present, applies_to) in groups {
        if present && !applies_to.contains(&typ) {
            out.push((keyword, format!("`{keyword}` does not apply to `type: {typ}`; ignored (`{rust}` follows `type`)")));
        }
    }
}
