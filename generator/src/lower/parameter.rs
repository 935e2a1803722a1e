//! Parameters become one struct per operation and the rules by which each of its fields goes on
//! the wire (OpenAPI's `in`, `style` and `explode`).
//!
//! Which parameters an operation has: its path item's, then its own; one of its own replaces the
//! path item's of the same name and location (OpenAPI's override rule). A parameter defined
//! twice at one level keeps the first, with a warning.

use openapiv3::{Parameter as Declaration, ParameterData, ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr};

use super::shape::{constraints_of, deprecation, view};
use super::{Lowerer, Site};
use crate::diag::{pointer_segment, Code, Diagnostic};
use crate::ir::*;
use crate::merge::SourceOperation;
use crate::naming::{self, Scope};
use crate::passes::sensitivity;

/// Header parameters that OpenAPI says to ignore: the client sets them itself.
const IGNORED_HEADERS: [&str; 3] = ["accept", "content-type", "authorization"];

/// A parameter as declared, with where its definition is.
struct Declared<'a> {
    param: &'a Declaration,
    site: Site,
}

impl<'a> Lowerer<'a> {
    /// The operation's parameter struct (added to `module`'s types) and wire rules, or `None`
    /// when it has no parameter that is sent.
    pub(super) fn lower_parameters(&mut self, src: &'a SourceOperation, id: &str, method: &str, base: &str, module: &str, pointer: &str) -> Option<Params> {
        let declared = self.declared_parameters(src, pointer);
        let placeholders = path_placeholders(&src.path);
        let type_name = self.scope.claim(naming::type_name(&format!("{base} Params")));
        let mut fields: Vec<Field> = Vec::new();
        let mut items: Vec<Parameter> = Vec::new();
        let (mut field_names, mut wire_keys) = (Scope::default(), Scope::default());
        for d in &declared {
            let data = d.param.parameter_data_ref();
            let Some((location, style)) = self.location_and_style(d, id, &placeholders) else { continue };
            let (lowered, json) = match &data.format {
                ParameterSchemaOrContent::Schema(s) => {
                    let at = format!("{}/schema", d.site.pointer);
                    (self.lower_field_type(view(s), &type_name, &data.name, module, d.site.file, &at), false)
                }
                ParameterSchemaOrContent::Content(content) => {
                    let Some((media_type, media)) = content.iter().next() else { continue };
                    let at = format!("{}/content/{}/schema", d.site.pointer, pointer_segment(media_type));
                    let lowered = match &media.schema {
                        Some(s) => self.lower_field_type(view(s), &type_name, &data.name, module, d.site.file, &at),
                        None => super::Lowered { ty: TypeRef::Any, nullable: false, format: None },
                    };
                    (lowered, true)
                }
            };
            // A path parameter is always required: the URL cannot be built without it.
            let required = data.required || location == ParamLocation::Path;
            let field = field_names.claim(naming::field_name(&data.name));
            // The struct's serde key: the parameter's name, unless another location uses it too.
            let wire = wire_keys.claim(data.name.clone());
            let secret_by_schema = match &data.format {
                ParameterSchemaOrContent::Schema(s) => self.secret_by_schema(view(s), 0),
                ParameterSchemaOrContent::Content(content) => {
                    content.values().filter_map(|m| m.schema.as_ref()).any(|s| self.secret_by_schema(view(s), 0))
                }
            };
            let schema_data = match &data.format {
                ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => Some(s),
                _ => None,
            };
            fields.push(Field {
                name: field.clone(),
                wire,
                ty: lowered.ty,
                required,
                nullable: lowered.nullable,
                docs: data.description.clone().filter(|d| !d.trim().is_empty()),
                format: lowered.format,
                default: schema_data.and_then(|s| s.schema_data.default.as_ref().map(|v| v.to_string())),
                deprecated: super::shape::deprecation_note(data.deprecated.unwrap_or(false), data.description.as_deref()).or_else(|| schema_data.and_then(deprecation)),
                sensitivity: sensitivity::of_field(&data.name, secret_by_schema),
                example: data.example.as_ref().map(|v| v.to_string()),
                boxed: false,
                constraints: schema_data.map(constraints_of).unwrap_or_default(),
                setter: None,
                null_setter: None,
                arg: None,
                shown_docs: None,
                idempotency_key: None,
                show: Show::Plain,
                read: Read::Value,
                stated: Stated::default(),
                relaxed: Relaxed::default(),
            });
            let sensitive = fields.last().is_some_and(|f| f.sensitivity.is_some());
            items.push(Parameter { field, name: data.name.clone(), location, style, explode: explode(data, style), required, json, sensitive });
        }
        for missing in placeholders.iter().filter(|p| !items.iter().any(|i| i.location == ParamLocation::Path && &i.name == *p)) {
            let message = format!("the path of `{id}` names `{{{missing}}}`, but no path parameter `{missing}` is defined; the URL cannot be built");
            let d = Diagnostic::error(Code::BadParameter, message);
            self.push_located(src.file, pointer.to_string(), d);
        }
        if items.is_empty() {
            return None;
        }
        let def = TypeDef {
            name: type_name.clone(),
            origin: format!("{id} parameters"),
            docs: Some(format!(
                "The parameters of `{}` (`{} {}`): required ones are taken by `new`, optional ones by setters.",
                method,
                src.method.to_uppercase(),
                src.path
            )),
            deprecated: None,
            kind: TypeKind::Struct(Struct { fields, extra: Extra::Drop, constructor: Vec::new(), named_args: None }),
            gate: None,
            value_rules: None,
            stated: Stated::default(),
            derives: Vec::new(),
        };
        self.add_type(module, def);
        Some(Params { type_name, items })
    }

    /// The path item's parameters, then the operation's, refs followed, overrides applied.
    fn declared_parameters(&mut self, src: &'a SourceOperation, pointer: &str) -> Vec<Declared<'a>> {
        let path_pointer = format!("/paths/{}", pointer_segment(&src.path));
        let merged = self.merged;
        let mut out: Vec<Declared<'a>> = Vec::new();
        for (list, base) in [(&src.path_params, &path_pointer), (&src.op.parameters, &pointer.to_string())] {
            let level_start = out.len();
            for (i, item) in list.iter().enumerate() {
                let at = format!("{base}/parameters/{i}");
                let Some((param, site)) = self.resolve_at(&merged.parameters, "parameters", item, src.file, &at) else { continue };
                let key = |p: &Declaration| (p.parameter_data_ref().name.clone(), location_name(p));
                let same = out.iter().position(|d| key(d.param) == key(param));
                match same {
                    // Twice at one level; an earlier level's is overridden.
                    Some(j) if j >= level_start => {
                        let (name, location) = key(param);
                        self.warn(src.file, at, format!("{location} parameter `{name}` is defined twice here; the first definition is used"));
                    }
                    Some(j) => out[j] = Declared { param, site },
                    None => out.push(Declared { param, site }),
                }
            }
        }
        out
    }

    /// Where a parameter goes and its style, or `None` (with a diagnostic) when it is not sent.
    fn location_and_style(&mut self, d: &Declared<'a>, id: &str, placeholders: &[String]) -> Option<(ParamLocation, ParamStyle)> {
        let name = &d.param.parameter_data_ref().name;
        match d.param {
            Declaration::Path { style, .. } => {
                if !placeholders.contains(name) {
                    self.warn(d.site.file, d.site.pointer.clone(), format!("path parameter `{name}` of `{id}` is not in the path template; it is not sent"));
                    return None;
                }
                let style = match style {
                    PathStyle::Simple => ParamStyle::Simple,
                    PathStyle::Label => ParamStyle::Label,
                    PathStyle::Matrix => ParamStyle::Matrix,
                };
                Some((ParamLocation::Path, style))
            }
            Declaration::Query { style, .. } => {
                let style = match style {
                    QueryStyle::Form => ParamStyle::Form,
                    QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    QueryStyle::DeepObject => ParamStyle::DeepObject,
                };
                Some((ParamLocation::Query, style))
            }
            Declaration::Header { .. } => {
                if IGNORED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                    self.warn(d.site.file, d.site.pointer.clone(), format!("header parameter `{name}` of `{id}` is ignored, as OpenAPI says: the client sets this header itself"));
                    return None;
                }
                if !is_header_name(name) {
                    let message = format!("header parameter `{name}` of `{id}` is not a valid HTTP header name");
                    self.push_located(d.site.file, d.site.pointer.clone(), Diagnostic::error(Code::BadParameter, message));
                    return None;
                }
                Some((ParamLocation::Header, ParamStyle::Simple))
            }
            Declaration::Cookie { .. } => {
                let message = format!("cookie parameter `{name}` of `{id}` is not supported; the client does not send it");
                self.warn(d.site.file, d.site.pointer.clone(), message);
                None
            }
        }
    }
}

/// OpenAPI's default for `explode`: true for `form`, false for every other style.
fn explode(data: &ParameterData, style: ParamStyle) -> bool {
    data.explode.unwrap_or(style == ParamStyle::Form)
}

fn location_name(p: &Declaration) -> &'static str {
    match p {
        Declaration::Query { .. } => "query",
        Declaration::Header { .. } => "header",
        Declaration::Path { .. } => "path",
        Declaration::Cookie { .. } => "cookie",
    }
}

/// The `{name}` placeholders of a path template, in order.
fn path_placeholders(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(after[..close].to_string());
        rest = &after[close + 1..];
    }
    out
}

/// An HTTP header name: a non-empty RFC 9110 token.
fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_read_in_order() {
        assert_eq!(path_placeholders("/a/{x}/b/{y_z}"), ["x", "y_z"]);
        assert!(path_placeholders("/a/b").is_empty());
        assert_eq!(path_placeholders("/a/{open"), Vec::<String>::new());
    }

    #[test]
    fn header_names_are_tokens() {
        assert!(is_header_name("OAUTH-STATE-ID") && is_header_name("Plaid-New-User-API-Enabled"));
        assert!(!is_header_name("") && !is_header_name("a b") && !is_header_name("a:b") && !is_header_name("é"));
    }
}
