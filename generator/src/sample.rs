//! Sample JSON values for the IR's types: valid inputs for generated tests (a value with every
//! sensitive field set to a marker) and for client tests (a request with every field set).
//!
//! Samples follow the IR, not the spec, so they exercise exactly what the generated types
//! accept: required fields always, optional fields on request, enums by their first listed
//! value, formats by a typical value (`date`, `date-time`, `email`, `uri`, `uuid`, `ipv4`, ...).
//! They meet the fields' value constraints (length, pattern, bounds, item counts), so that a
//! server that validates requests accepts them: a pattern no typical value matches gets a
//! string built from the pattern itself.

use serde_json::{json, Map, Value};

use crate::graph::TypeIndex;
use crate::ir::{Api, Constraints, Extra, Field, TypeDef, TypeKind, TypeRef};

/// Optional fields are filled only this deep, so that recursive schemas end.
const OPTIONAL_DEPTH: usize = 6;
/// Past this depth a value is `null`: only a schema that requires itself gets here.
const MAX_DEPTH: usize = 32;

/// Makes sample values for the types of one [`Api`].
#[derive(Debug, Clone)]
pub struct Sampler<'a> {
    types: TypeIndex<'a>,
    fill_optional: bool,
    marker: Option<&'a str>,
}

impl<'a> Sampler<'a> {
    /// A sampler that sets required fields only.
    pub fn new(api: &'a Api) -> Self {
        Sampler { types: TypeIndex::new(api), fill_optional: false, marker: None }
    }

    /// Sets optional fields too.
    pub fn with_optional(mut self) -> Self {
        self.fill_optional = true;
        self
    }

    /// Puts `marker` in every string inside a sensitive field.
    pub fn with_marker(mut self, marker: &'a str) -> Self {
        self.marker = Some(marker);
        self
    }

    /// The type definition a named reference points to.
    pub fn type_def(&self, module: &str, name: &str) -> Option<&'a TypeDef> {
        self.types.get(module, name)
    }

    /// A sample value of `ty`.
    pub fn value(&self, ty: &TypeRef) -> Value {
        self.sample(ty, None, false, 0, &Constraints::default())
    }

    fn sample(&self, ty: &TypeRef, format: Option<&str>, sensitive: bool, depth: usize, c: &Constraints) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        match ty {
            TypeRef::String => Value::String(self.string(format, sensitive, c)),
            TypeRef::Bool => Value::Bool(true),
            TypeRef::I32 | TypeRef::I64 => json!(bounded(1.0, c).round() as i64),
            TypeRef::F64 => json!(bounded(1.5, c)),
            TypeRef::Date => Value::String(self.string(Some("date"), false, &Constraints::default())),
            TypeRef::DateTime => Value::String(self.string(Some("date-time"), false, &Constraints::default())),
            TypeRef::Any => json!({ "sample": true }),
            TypeRef::Bytes => Value::String(String::new()),
            TypeRef::List(inner) => {
                let count = c.min_items.unwrap_or(1).max(1).min(c.max_items.unwrap_or(usize::MAX)).min(16);
                let none = Constraints::default();
                Value::Array((0..count).map(|_| self.sample(inner, format, sensitive, depth + 1, &none)).collect())
            }
            TypeRef::Map(inner) => json!({ "key": self.sample(inner, format, sensitive, depth + 1, &Constraints::default()) }),
            TypeRef::Nullable(inner) => self.sample(inner, format, sensitive, depth, c),
            TypeRef::Named { module, name } => match self.type_def(module, name).map(|t| (&t.kind, &t.value_rules)) {
                // The alias's own format and constraints apply where the field states none.
                Some((TypeKind::Alias(target), Some((own_format, own))))
                    if format.is_none() && *c == Constraints::default() =>
                {
                    self.sample(target, own_format.as_deref(), sensitive, depth + 1, own)
                }
                Some((TypeKind::Alias(target), _)) => self.sample(target, format, sensitive, depth + 1, c),
                Some((TypeKind::Enum(e), _)) => Value::String(e.variants.first().map(|v| v.wire.clone()).unwrap_or_else(|| "unlisted".into())),
                Some((TypeKind::Struct(s), _)) => {
                    let mut object = Map::new();
                    for field in s.fields.iter().filter(|f| self.includes(f, depth)) {
                        let sensitive = sensitive || field.sensitivity.is_some();
                        let value = self.sample(&field.ty, field.format.as_deref(), sensitive, depth + 1, &field.constraints);
                        object.insert(field.wire.clone(), value);
                    }
                    if let (Extra::Keep { value: TypeRef::Any, .. }, Some(marker)) = (&s.extra, self.marker) {
                        // An unknown property with a sensitive name: the runtime's rule must catch it.
                        object.entry("secret").or_insert_with(|| Value::String(marker.into()));
                    }
                    Value::Object(object)
                }
                None => Value::Null,
            },
        }
    }

    fn includes(&self, field: &Field, depth: usize) -> bool {
        !field.is_optional() || (field.required && field.nullable) || (self.fill_optional && depth < OPTIONAL_DEPTH)
    }

    fn string(&self, format: Option<&str>, sensitive: bool, c: &Constraints) -> String {
        if let (true, Some(marker)) = (sensitive, self.marker) {
            return marker.to_string();
        }
        constrained_string(typical(format), c)
    }
}

/// A typical value of a string `format` (those JSON Schema and OpenAPI name, which validators
/// such as Prism check); any other format is free text.
fn typical(format: Option<&str>) -> &'static str {
    match format {
        Some("date") => "2024-05-17",
        Some("date-time") => "2024-05-17T10:11:12Z",
        Some("time") => "10:11:12Z",
        Some("duration") => "P1D",
        Some("email" | "idn-email") => "user@example.com",
        Some("uri" | "url" | "iri") => "https://example.com/",
        Some("uri-reference" | "iri-reference") => "/example",
        Some("uri-template") => "https://example.com/{id}",
        Some("hostname" | "idn-hostname") => "example.com",
        Some("ipv4") => "192.0.2.1",
        Some("ipv6") => "2001:db8::1",
        Some("uuid") => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        Some("byte") => "c2FtcGxl",
        Some("int32" | "int64") => "1",
        Some("float" | "double" | "decimal") => "1.5",
        _ => "sample",
    }
}

/// `value` moved into the bounds, if any.
fn bounded(value: f64, c: &Constraints) -> f64 {
    let low = c.minimum.unwrap_or(f64::MIN);
    let high = c.maximum.unwrap_or(f64::MAX).max(low);
    value.clamp(low, high)
}

/// A string that meets the length bounds and the pattern: the typical value padded or cut to
/// length, or else the first of a few common shapes that the pattern accepts.
fn constrained_string(typical: &str, c: &Constraints) -> String {
    let fit = |s: &str| -> String {
        let min = c.min_length.unwrap_or(0);
        let max = c.max_length.unwrap_or(usize::MAX).max(min);
        let mut out: String = s.chars().take(max).collect();
        while out.chars().count() < min {
            out.push('a');
        }
        out
    };
    let Some(pattern) = &c.pattern else { return fit(typical) };
    // A pattern the regex engine cannot read is left to the typical value.
    let Ok(re) = regex::Regex::new(pattern) else { return fit(typical) };
    let lengths_ok = |s: &str| {
        let n = s.chars().count();
        n >= c.min_length.unwrap_or(0) && n <= c.max_length.unwrap_or(usize::MAX)
    };
    let common = [typical.to_string(), fit(typical), "AB12".into(), "abc".into(), "ABC".into(), "123".into(), "1".into(), "a".into(), String::new()];
    let built = [false, true].into_iter().filter_map(|more| from_pattern(pattern, more));
    common.into_iter().chain(built).find(|s| lengths_ok(s) && re.is_match(s)).unwrap_or_else(|| fit(typical))
}

/// A string the pattern matches, built from its syntax tree: the first alternative, a letter or
/// digit of each class where it has one, each repetition its minimum (`more`: at least once).
/// `None` for a pattern the parser cannot read or a class with nothing in it.
fn from_pattern(pattern: &str, more: bool) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut out = String::new();
    build(&hir, more, &mut out, 0)?;
    Some(out)
}

fn build(hir: &regex_syntax::hir::Hir, more: bool, out: &mut String, depth: usize) -> Option<()> {
    use regex_syntax::hir::{Class, HirKind};
    // Patterns nest a few levels; one that nests deeper is not sampled.
    if depth > 64 || out.len() > 4096 {
        return None;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => out.push_str(std::str::from_utf8(&lit.0).ok()?),
        HirKind::Class(Class::Unicode(class)) => {
            let chars = class.ranges().iter().flat_map(|r| (r.start()..=r.end()).take(128));
            let mut chars = chars.peekable();
            let first = *chars.peek()?;
            out.push(chars.find(|c| c.is_ascii_alphanumeric()).unwrap_or(first));
        }
        HirKind::Class(Class::Bytes(class)) => {
            let range = class.ranges().iter().find(|r| r.start().is_ascii())?;
            out.push(char::from(range.start()));
        }
        HirKind::Repetition(rep) => {
            let times = if more { rep.min.max(1).min(rep.max.unwrap_or(u32::MAX)) } else { rep.min };
            for _ in 0..times.min(256) {
                build(&rep.sub, more, out, depth + 1)?;
            }
        }
        HirKind::Capture(cap) => build(&cap.sub, more, out, depth + 1)?,
        HirKind::Concat(parts) => {
            for part in parts {
                build(part, more, out, depth + 1)?;
            }
        }
        HirKind::Alternation(alternatives) => build(alternatives.first()?, more, out, depth + 1)?,
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_meet_lengths_and_patterns() {
        let c = |min, max, pattern: Option<&str>| Constraints {
            min_length: min,
            max_length: max,
            pattern: pattern.map(str::to_string),
            ..Constraints::default()
        };
        assert_eq!(constrained_string("sample", &c(Some(15), None, None)), "sampleaaaaaaaaa");
        assert_eq!(constrained_string("sample", &c(None, Some(2), None)), "sa");
        assert_eq!(constrained_string("sample", &c(None, None, Some("^$|^[A-Za-z0-9]{2,4}$"))), "AB12");
        assert_eq!(constrained_string("sample", &c(None, None, Some("^[0-9]+$"))), "123");
        // No common shape fits: the string is built from the pattern.
        assert_eq!(constrained_string("sample", &c(None, None, Some("^[A-Z]{2}-\\d{3}(x|y)$"))), "AA-000x");
        let iban = "^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$";
        let built = constrained_string("sample", &c(None, None, Some(iban)));
        assert!(regex::Regex::new(iban).is_ok_and(|re| re.is_match(&built)), "{built}");
    }

    #[test]
    fn formats_have_values_their_validators_accept() {
        assert_eq!(typical(Some("uuid")).len(), 36);
        assert!(typical(Some("ipv4")).split('.').all(|p| p.parse::<u8>().is_ok()));
        assert_eq!(typical(Some("no-such-format")), "sample");
    }

    #[test]
    fn numbers_stay_in_bounds() {
        let c = Constraints { minimum: Some(10.0), maximum: Some(20.0), ..Constraints::default() };
        assert_eq!(bounded(1.0, &c), 10.0);
        let c = Constraints { maximum: Some(0.0), ..Constraints::default() };
        assert_eq!(bounded(1.5, &c), 0.0);
    }
}
