//! The `testing` mock's request checks: a request body against the rules the generator wrote
//! from the specs (`gen::testing::RULES`): required and nullable fields, types, enum values,
//! formats, lengths, patterns, ranges and item counts. Unknown properties are let through,
//! as the client's types never send any.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde::Deserialize;
use serde_json::Value;

use crate::testing::{Violation, ViolationKind};

/// Past this depth a value is not looked into (only a hand-written request nests this deep).
const MAX_DEPTH: usize = 64;

/// The rules, as the generator writes them.
#[derive(Deserialize)]
pub(crate) struct Rules {
    types: HashMap<String, Shape>,
    requests: HashMap<String, Ty>,
    #[serde(default)]
    params: HashMap<String, Vec<ParamRule>>,
    /// The credential headers of operations that do not need the default ones, as
    /// alternatives (none: no credentials at all).
    #[serde(default)]
    security: HashMap<String, Vec<Vec<String>>>,
    /// How each operation's default answer follows the request (`mock::follow` applies it).
    #[serde(default)]
    answers: HashMap<String, Value>,
    /// The media type and documented headers of answers that are not JSON.
    #[serde(default)]
    binary: HashMap<String, BinaryRule>,
    /// Each pattern compiled once, when a request first needs it (`None`: unreadable).
    #[serde(skip)]
    patterns: Mutex<HashMap<String, Option<regex_lite::Regex>>>,
}

impl Rules {
    /// The media type and documented headers of `operation`'s answer, when it is not JSON.
    pub(crate) fn binary(&self, operation: &str) -> Option<&BinaryRule> {
        self.binary.get(operation)
    }

    /// The rules by which `operation`'s default answer follows the request, if it has any.
    pub(crate) fn answers(&self, operation: &str) -> Option<&Value> {
        self.answers.get(operation)
    }

    fn pattern(&self, pattern: &str) -> Option<regex_lite::Regex> {
        let mut compiled = self.patterns.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        compiled.entry(pattern.to_string()).or_insert_with(|| regex_lite::Regex::new(pattern).ok()).clone()
    }
}

/// An answer that is not JSON: its media type, and the headers the spec documents with their
/// examples.
#[derive(Deserialize)]
pub(crate) struct BinaryRule {
    #[serde(rename = "type")]
    pub(crate) media_type: String,
    #[serde(default)]
    pub(crate) headers: Vec<(String, Option<String>)>,
}

/// A required query or header parameter.
#[derive(Deserialize)]
struct ParamRule {
    name: String,
    #[serde(rename = "in")]
    location: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Shape {
    Object(Vec<FieldRule>),
    Enum(Vec<String>),
    Alias {
        ty: Ty,
        #[serde(default)]
        rules: Limits,
    },
}

#[derive(Deserialize)]
struct FieldRule {
    name: String,
    required: bool,
    nullable: bool,
    ty: Ty,
    #[serde(default)]
    rules: Limits,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Ty {
    String,
    Bool,
    Int32,
    Int64,
    Number,
    Date,
    DateTime,
    Any,
    Bytes,
    Named(String),
    List(Box<Ty>),
    Map(Box<Ty>),
    Nullable(Box<Ty>),
}

#[derive(Deserialize, Default, Clone)]
struct Limits {
    format: Option<String>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    pattern: Option<String>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    min_items: Option<usize>,
    max_items: Option<usize>,
}

impl Limits {
    fn is_empty(&self) -> bool {
        self.format.is_none()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.pattern.is_none()
            && self.minimum.is_none()
            && self.maximum.is_none()
            && self.min_items.is_none()
            && self.max_items.is_none()
    }
}

/// The generated rules, read once; `None` (every request let through) if they do not parse,
/// which `rules_parse` in this module's tests and the mock's own tests rule out.
pub(crate) fn rules() -> Option<&'static Rules> {
    static RULES: OnceLock<Option<Rules>> = OnceLock::new();
    RULES.get_or_init(|| serde_json::from_str(crate::gen::testing::RULES).ok()).as_ref()
}

/// The credential header a call lacks, if it lacks one: of `operation`'s alternatives, the
/// first one's first missing header when none is met; by default (an operation without a
/// rule, or a path no operation has) every client id and secret header.
pub(crate) fn missing_credential(operation: Option<&str>, has_header: impl Fn(&str) -> bool) -> Option<String> {
    let rule = operation.and_then(|id| rules()?.security.get(id));
    match rule {
        Some(alternatives) if alternatives.is_empty() || alternatives.iter().any(|headers| headers.iter().all(|h| has_header(h))) => None,
        Some(alternatives) => alternatives.first().and_then(|headers| headers.iter().find(|h| !has_header(h))).cloned(),
        None => crate::AUTH_HEADERS
            .iter()
            .find(|(header, credential)| matches!(credential, crate::Credential::ClientId | crate::Credential::Secret) && !has_header(header))
            .map(|(header, _)| header.to_string()),
    }
}

/// The required query and header parameters of `operation` that the request lacks.
pub(crate) fn check_params(rules: &Rules, operation: &str, query: Option<&str>, has_header: impl Fn(&str) -> bool) -> Vec<Violation> {
    let sent: Vec<&str> = query.unwrap_or("").split('&').map(|pair| pair.split('=').next().unwrap_or("")).collect();
    // A `deepObject` parameter is sent as `name[key]=...`.
    let in_query = |name: &str| sent.iter().any(|s| *s == name || s.strip_prefix(name).is_some_and(|rest| rest.starts_with("%5B") || rest.starts_with('[')));
    let mut out = Vec::new();
    for p in rules.params.get(operation).into_iter().flatten() {
        let present = if p.location == "query" { in_query(&p.name) } else { has_header(&p.name) };
        if !present {
            let message = format!("{} is required (a {} parameter)", p.name, p.location);
            out.push(Violation { field: p.name.clone(), kind: ViolationKind::Missing, message });
        }
    }
    out
}

/// What is wrong with `body` as the request of operation `operation`; empty when nothing is.
pub(crate) fn check(rules: &Rules, operation: &str, body: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    if let Some(ty) = rules.requests.get(operation) {
        Walk { rules, out: &mut out }.value(body, ty, &Limits::default(), "", 0);
    }
    out
}

struct Walk<'r, 'o> {
    rules: &'r Rules,
    out: &'o mut Vec<Violation>,
}

impl Walk<'_, '_> {
    fn report(&mut self, at: &str, kind: ViolationKind, message: String) {
        let field = if at.is_empty() { "(the body)".to_string() } else { at.to_string() };
        self.out.push(Violation { message: format!("{field} {message}"), field, kind });
    }

    fn value(&mut self, v: &Value, ty: &Ty, limits: &Limits, at: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match ty {
            Ty::Nullable(_) if v.is_null() => {}
            Ty::Nullable(inner) => self.value(v, inner, limits, at, depth),
            Ty::Any | Ty::Bytes => {}
            Ty::String => match v.as_str() {
                Some(s) => self.text(s, limits, at),
                None => self.report(at, ViolationKind::Type, "must be a string".into()),
            },
            Ty::Date | Ty::DateTime => match v.as_str() {
                Some(s) => {
                    let format = if matches!(ty, Ty::Date) { "date" } else { "date-time" };
                    if !format_holds(format, s) {
                        self.report(at, ViolationKind::Format, format!("must be a {format} (RFC 3339)"));
                    }
                }
                None => self.report(at, ViolationKind::Type, "must be a string".into()),
            },
            Ty::Bool => {
                if !v.is_boolean() {
                    self.report(at, ViolationKind::Type, "must be a boolean".into());
                }
            }
            Ty::Int32 | Ty::Int64 => {
                let whole = v.as_i64().map(|n| n as f64).or_else(|| v.as_u64().map(|n| n as f64));
                match whole {
                    Some(n) if matches!(ty, Ty::Int32) && (n < f64::from(i32::MIN) || n > f64::from(i32::MAX)) => {
                        self.report(at, ViolationKind::Range, "must fit in 32 bits".into())
                    }
                    Some(n) => self.range(n, limits, at),
                    None => self.report(at, ViolationKind::Type, "must be an integer".into()),
                }
            }
            Ty::Number => match v.as_f64() {
                Some(n) => self.range(n, limits, at),
                None => self.report(at, ViolationKind::Type, "must be a number".into()),
            },
            Ty::List(inner) => match v.as_array() {
                Some(items) => {
                    if let Some(min) = limits.min_items.filter(|m| items.len() < *m) {
                        self.report(at, ViolationKind::Items, format!("must have at least {min} items"));
                    }
                    if let Some(max) = limits.max_items.filter(|m| items.len() > *m) {
                        self.report(at, ViolationKind::Items, format!("must have at most {max} items"));
                    }
                    for (i, item) in items.iter().enumerate() {
                        self.value(item, inner, &Limits::default(), &format!("{at}[{i}]"), depth + 1);
                    }
                }
                None => self.report(at, ViolationKind::Type, "must be an array".into()),
            },
            Ty::Map(inner) => match v.as_object() {
                Some(map) => {
                    for (key, item) in map {
                        self.value(item, inner, &Limits::default(), &join(at, key), depth + 1);
                    }
                }
                None => self.report(at, ViolationKind::Type, "must be an object".into()),
            },
            Ty::Named(name) => self.named(v, name, limits, at, depth),
        }
    }

    fn named(&mut self, v: &Value, name: &str, limits: &Limits, at: &str, depth: usize) {
        let rules = self.rules;
        match rules.types.get(name) {
            None => {}
            Some(Shape::Alias { ty, rules: own }) => {
                // A field's own limits win over its type's, as the generator's samples have it.
                let limits = if limits.is_empty() { own } else { limits };
                self.value(v, ty, limits, at, depth + 1);
            }
            Some(Shape::Enum(values)) => {
                let text = match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
                    _ => None,
                };
                match text {
                    Some(t) if values.contains(&t) => {}
                    Some(_) => self.report(at, ViolationKind::Enum, format!("must be one of: {}", values.join(", "))),
                    None => self.report(at, ViolationKind::Type, "must be a string".into()),
                }
            }
            Some(Shape::Object(fields)) => {
                let Some(object) = v.as_object() else {
                    return self.report(at, ViolationKind::Type, "must be an object".into());
                };
                for f in fields {
                    let here = join(at, &f.name);
                    match object.get(&f.name) {
                        None if f.required => self.report(&here, ViolationKind::Missing, "is required".into()),
                        None => {}
                        Some(Value::Null) if f.nullable || matches!(f.ty, Ty::Nullable(_)) => {}
                        Some(Value::Null) if f.required => self.report(&here, ViolationKind::Null, "must not be null".into()),
                        // An optional field sent as `null` is read as absent.
                        Some(Value::Null) => {}
                        Some(value) => self.value(value, &f.ty, &f.rules, &here, depth + 1),
                    }
                }
            }
        }
    }

    fn text(&mut self, s: &str, limits: &Limits, at: &str) {
        let length = s.chars().count();
        if let Some(min) = limits.min_length.filter(|m| length < *m) {
            self.report(at, ViolationKind::Length, format!("must be at least {min} characters long"));
        }
        if let Some(max) = limits.max_length.filter(|m| length > *m) {
            self.report(at, ViolationKind::Length, format!("must be at most {max} characters long"));
        }
        if let Some(pattern) = &limits.pattern {
            // A pattern this engine cannot read is not checked, rather than failing every call.
            if self.rules.pattern(pattern).is_some_and(|re| !re.is_match(s)) {
                self.report(at, ViolationKind::Pattern, format!("must match the pattern `{pattern}`"));
            }
        }
        if let Some(format) = &limits.format {
            if !format_holds(format, s) {
                self.report(at, ViolationKind::Format, format!("must be a valid `{format}`"));
            }
        }
    }

    fn range(&mut self, n: f64, limits: &Limits, at: &str) {
        if let Some(min) = limits.minimum.filter(|m| n < *m) {
            self.report(at, ViolationKind::Range, format!("must be at least {min}"));
        }
        if let Some(max) = limits.maximum.filter(|m| n > *m) {
            self.report(at, ViolationKind::Range, format!("must be at most {max}"));
        }
    }
}

/// `a.b`, or `b` at the top.
fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

/// Whether `s` is a valid value of a string format. Only formats with a published grammar are
/// checked, and only as far as a server that follows it must refuse: `date`, `date-time` and
/// `uuid` strictly, `email` and `uri` leniently (an `@` with a dotted host; a scheme and
/// something after it). Informal formats hold whatever the value: Plaid's `url` fields take
/// `examplewebhook.com`, so the mock must too.
fn format_holds(format: &str, s: &str) -> bool {
    match format {
        "date" => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
        "date-time" => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
        "email" => s.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !s.contains(char::is_whitespace)),
        "uuid" => {
            let groups: Vec<&str> = s.split('-').collect();
            groups.len() == 5
                && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
        }
        "uri" => s.split_once("://").is_some_and(|(scheme, rest)| !scheme.is_empty() && !rest.is_empty()),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse() {
        assert!(rules().is_some(), "the generated rules must parse");
    }

    #[test]
    fn required_parameters_are_looked_for_in_the_query_and_the_headers() {
        let rules: Rules = serde_json::from_value(serde_json::json!({
            "types": {}, "requests": {},
            "params": {"op": [{"name": "since", "in": "query"}, {"name": "filter", "in": "query"}, {"name": "X-Tenant", "in": "header"}]},
        }))
        .expect("rules");
        let missing = |query: Option<&str>, header: bool| -> Vec<String> {
            check_params(&rules, "op", query, |_| header).into_iter().map(|v| v.field).collect()
        };
        assert_eq!(missing(None, false), ["since", "filter", "X-Tenant"]);
        assert_eq!(missing(Some("since=2024-01-01&filter%5Bkind%5D=a"), true), Vec::<String>::new());
        assert_eq!(missing(Some("sincere=1&filter[kind]=a"), true), ["since"]);
        assert!(check_params(&rules, "other", None, |_| false).is_empty());
    }

    #[test]
    fn formats() {
        assert!(format_holds("date", "2024-02-29"));
        assert!(!format_holds("date", "2023-02-29"));
        assert!(format_holds("date-time", "2024-05-17T10:11:12Z"));
        assert!(!format_holds("date-time", "yesterday"));
        assert!(format_holds("email", "user@example.com"));
        assert!(!format_holds("email", "user"));
        assert!(format_holds("uuid", "123e4567-e89b-12d3-a456-426614174000"));
        assert!(!format_holds("uuid", "123e4567"));
        assert!(format_holds("uri", "https://example.com/hook"));
        assert!(!format_holds("uri", "examplewebhook.com"));
        // An informal format, as Plaid's spec uses it: nothing is refused.
        assert!(format_holds("url", "examplewebhook.com"));
        assert!(format_holds("unknown-format", "anything"));
    }
}
