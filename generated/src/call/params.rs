//! Path, query and header parameters on the wire, as OpenAPI's `style` and `explode` say.
//!
//! The generated methods hand each parameter's value to [`Parts`], which fills the path
//! template, builds the query string and collects headers. Values are written as their JSON
//! form says: a string as itself, a number or boolean as its text, an array as a list, an
//! object as key/value pairs; `null` (an absent optional parameter) is not sent. Path values
//! are percent-encoded as one segment (a `/`, `?`, `#` or space cannot leave it), query names
//! and values likewise; a header value that is not a valid header value is an
//! [`Error::Parameter`], never a panic. No error names a parameter's value, which may be a
//! credential.
//!
//! A path value can never change which endpoint is called: every character outside RFC 3986's
//! unreserved set is percent-encoded, and a segment that would read as `.` or `..` (which the
//! URL standard removes, and `%2E` with it) is refused with [`Error::Config`] before anything
//! is sent ([`dot_segment`], shared with calls by path).

// A spec without parameters calls only `Parts::new` and `Parts::finish`; the writers are there
// for the specs that have them.
#![allow(dead_code)]

use std::fmt::Write;

use reqwest::header::{HeaderName, HeaderValue};
use serde::Serialize;
use serde_json::Value;

use crate::scrub::Secrets;
use crate::{Error, Operation};

/// How a parameter's value is written (OpenAPI's `style`, plus JSON text for a parameter
/// described by `content` instead of `schema`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `a,b,c`.
    Simple,
    /// `.a.b.c`.
    Label,
    /// `;name=a,b,c`.
    Matrix,
    /// `name=a&name=b` or `name=a,b`.
    Form,
    /// `name=a%20b`.
    SpaceDelimited,
    /// `name=a|b`.
    PipeDelimited,
    /// `name[key]=value`.
    DeepObject,
    /// The value as JSON text, in one piece.
    Json,
}

/// Everything a call sends besides its body: the path with its parameters filled in, the query
/// string and the parameter headers.
#[derive(Debug)]
pub(crate) struct Parts {
    operation: &'static Operation,
    path: String,
    query: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    /// The values of the sensitive parameters.
    secrets: Secrets,
    /// The first problem met; reported before anything is sent.
    error: Option<Error>,
}

/// Where a call goes and what it must keep quiet about: the path with its parameters and the
/// query string, the parameter headers, and the values of the sensitive parameters.
#[derive(Debug)]
pub(crate) struct Target {
    pub(crate) path_and_query: String,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) secrets: Secrets,
}

/// Characters left as they are in a path segment, a query name or a query value: RFC 3986's
/// unreserved set. Everything else is percent-encoded, so a value cannot end its segment or
/// start a query or fragment.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes `text` into `out`.
fn encode_into(out: &mut String, text: &str) {
    for b in text.bytes() {
        if is_unreserved(b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// The first segment of `path` (the part before any `?`) that a URL parser would read as `.`
/// or `..` and remove, taking the segment above with it: `.`, `..`, and their percent-encoded
/// forms (`%2e`, `.%2E`, ...), which the URL standard decodes for this purpose.
pub(crate) fn dot_segment(path: &str) -> Option<&str> {
    let path = path.split('?').next().unwrap_or(path);
    path.split('/').find(|segment| {
        let lower = segment.to_ascii_lowercase();
        matches!(lower.replace("%2e", ".").as_str(), "." | "..")
    })
}

/// `text` with its percent-escapes decoded (bytes that are not UTF-8 replaced), as a server
/// reads a query name.
pub(crate) fn decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    encode_into(&mut out, text);
    out
}

/// A value as written: nothing, one scalar, a list, or key/value pairs.
enum Shape {
    Absent,
    Scalar(String),
    List(Vec<String>),
    Pairs(Vec<(String, String)>),
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        // Numbers and booleans as their JSON text; nested arrays and objects, which no style
        // can express, as JSON text too.
        other => other.to_string(),
    }
}

fn shape_of(value: Value, style: Style) -> Shape {
    if style == Style::Json {
        return match value {
            Value::Null => Shape::Absent,
            other => Shape::Scalar(other.to_string()),
        };
    }
    match value {
        Value::Null => Shape::Absent,
        Value::Array(items) => Shape::List(items.iter().filter(|v| !v.is_null()).map(scalar_text).collect()),
        Value::Object(map) => {
            let mut pairs: Vec<(String, String)> = map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), scalar_text(v))).collect();
            // Sorted by key: `serde_json`'s map keeps insertion order or sorts, depending on a
            // feature some other crate of the build may turn on; the wire must not depend on it.
            pairs.sort();
            Shape::Pairs(pairs)
        }
        other => Shape::Scalar(scalar_text(&other)),
    }
}

/// Joins encoded items with a separator that is written as it is.
fn join_encoded<'a>(items: impl Iterator<Item = &'a str>, sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        encode_into(&mut out, item);
    }
    out
}

/// `k,v,k,v` (not exploded) or `k=v,k=v` (exploded), encoded.
fn pairs_text(pairs: &[(String, String)], explode: bool, sep: &str) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        encode_into(&mut out, k);
        out.push_str(if explode { "=" } else { "," });
        encode_into(&mut out, v);
    }
    out
}

impl Parts {
    /// Nothing filled in yet: the operation's path template, no query, no headers.
    pub(crate) fn new(operation: &'static Operation) -> Self {
        Parts { operation, path: operation.path.to_string(), query: String::new(), headers: Vec::new(), secrets: Secrets::default(), error: None }
    }

    /// An untyped call's parts: `path_and_query` as the application wrote it (checked by the
    /// caller), with nothing to fill in.
    /// The path's values join the call's secrets, since the application may have written a
    /// token or an id into it: every query value, and every segment with a digit in it (ids
    /// and tokens have them; the API's words do not).
    pub(crate) fn at(operation: &'static Operation, path_and_query: &str) -> Self {
        let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
        let mut secrets = Secrets::default();
        path.split('/').filter(|segment| segment.bytes().any(|b| b.is_ascii_digit())).for_each(|segment| secrets.add(segment));
        query.split('&').filter_map(|pair| pair.split_once('=')).for_each(|(_, value)| secrets.add(value));
        Parts { operation, path: path.to_string(), query: query.to_string(), headers: Vec::new(), secrets, error: None }
    }

    /// What the call's span and hooks name as its path: the operation's template, or the path
    /// of an untyped call (whose row has none).
    pub(crate) fn route(&self) -> &str {
        if self.operation.path.is_empty() {
            &self.path
        } else {
            self.operation.path
        }
    }

    fn fail(&mut self, name: &'static str, location: &'static str, message: String) {
        if self.error.is_none() {
            self.error = Some(Error::Parameter { operation: self.operation.name, name, location, message });
        }
    }

    fn value<T: Serialize + ?Sized>(&mut self, name: &'static str, location: &'static str, value: &T) -> Option<Value> {
        match serde_json::to_value(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(name, location, format!("cannot be encoded: {e}"));
                None
            }
        }
    }

    /// Records the value of a parameter the generator marked sensitive: a header carrying it is
    /// marked sensitive, and the value is scrubbed from whatever the server sends back.
    pub(crate) fn secret<T: Serialize + ?Sized>(&mut self, value: &T) {
        if let Ok(value) = serde_json::to_value(value) {
            self.secrets.add_json(&value);
        }
    }

    /// Fills the path template's `{name}` with the value, as one encoded segment.
    pub(crate) fn path<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T, style: Style, explode: bool) {
        let Some(value) = self.value(name, "path", value) else { return };
        let text = match (shape_of(value, style), style) {
            (Shape::Absent, _) => return self.fail(name, "path", "is required in the path but has no value".into()),
            (Shape::Scalar(s), Style::Label) => format!(".{}", encode(&s)),
            (Shape::Scalar(s), Style::Matrix) => format!(";{}={}", encode(name), encode(&s)),
            (Shape::Scalar(s), _) => encode(&s),
            (Shape::List(items), Style::Label) => format!(".{}", join_encoded(items.iter().map(String::as_str), if explode { "." } else { "," })),
            (Shape::List(items), Style::Matrix) if explode => {
                items.iter().map(|i| format!(";{}={}", encode(name), encode(i))).collect()
            }
            (Shape::List(items), Style::Matrix) => format!(";{}={}", encode(name), join_encoded(items.iter().map(String::as_str), ",")),
            (Shape::List(items), _) => join_encoded(items.iter().map(String::as_str), ","),
            (Shape::Pairs(pairs), Style::Label) => format!(".{}", pairs_text(&pairs, explode, if explode { "." } else { "," })),
            (Shape::Pairs(pairs), Style::Matrix) if explode => format!(";{}", pairs_text(&pairs, true, ";")),
            (Shape::Pairs(pairs), Style::Matrix) => format!(";{}={}", encode(name), pairs_text(&pairs, false, ",")),
            (Shape::Pairs(pairs), _) => pairs_text(&pairs, explode, ","),
        };
        if dot_segment(&text).is_some() {
            // The value is named by its parameter only: it may be an identifier the
            // application keeps private.
            return self.refuse(format!("path parameter `{name}` is `.` or `..`, which would change the endpoint called"));
        }
        self.path = self.path.replace(&format!("{{{name}}}"), &text);
    }

    /// Notes a value the client refuses to send at all (as opposed to one it cannot encode).
    fn refuse(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(Error::Config { message: format!("{}: {message}", self.operation.name) });
        }
    }

    fn push_pair(&mut self, name: &str, value: &str) {
        self.push_raw(name, &encode(value));
    }

    /// Adds `name=<joined>`, the name encoded, `joined` already encoded with its separators.
    fn push_raw(&mut self, name: &str, joined: &str) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        encode_into(&mut self.query, name);
        self.query.push('=');
        self.query.push_str(joined);
    }

    /// Adds the value to the query string; an absent value adds nothing.
    pub(crate) fn query<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T, style: Style, explode: bool) {
        let Some(value) = self.value(name, "query", value) else { return };
        match shape_of(value, style) {
            Shape::Absent => {}
            Shape::Scalar(s) => self.push_pair(name, &s),
            Shape::List(items) if explode => items.iter().for_each(|i| self.push_pair(name, i)),
            Shape::List(items) => {
                let sep = match style {
                    Style::SpaceDelimited => "%20",
                    Style::PipeDelimited => "|",
                    _ => ",",
                };
                self.push_raw(name, &join_encoded(items.iter().map(String::as_str), sep));
            }
            Shape::Pairs(pairs) if style == Style::DeepObject => {
                for (k, v) in &pairs {
                    self.push_pair(&format!("{name}[{k}]"), v);
                }
            }
            Shape::Pairs(pairs) if explode => pairs.iter().for_each(|(k, v)| self.push_pair(k, v)),
            Shape::Pairs(pairs) => self.push_raw(name, &pairs_text(&pairs, false, ",")),
        }
    }

    /// Adds a header; an absent value adds nothing, a value that cannot be a header value is an
    /// error.
    pub(crate) fn header<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T, style: Style, explode: bool) {
        let Some(value) = self.value(name, "header", value) else { return };
        let text = match shape_of(value, style) {
            Shape::Absent => return,
            Shape::Scalar(s) => s,
            Shape::List(items) => items.join(","),
            Shape::Pairs(pairs) => {
                pairs.iter().map(|(k, v)| if explode { format!("{k}={v}") } else { format!("{k},{v}") }).collect::<Vec<_>>().join(",")
            }
        };
        let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
            return self.fail(name, "header", "is not a valid header name".into());
        };
        match HeaderValue::from_str(&text) {
            Ok(mut v) => {
                v.set_sensitive(self.secrets.contains(&text));
                self.headers.push((header, v));
            }
            // The message leaves the value out: it may be a credential.
            Err(_) => self.fail(name, "header", "has a value that is not a valid HTTP header value (control characters or non-ASCII text)".into()),
        }
    }

    /// Where the call goes, or the first problem met.
    pub(crate) fn finish(self) -> Result<Target, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        // A template may put a value beside literal text (`{id}.json`, label style's `.`): the
        // filled path is checked as a whole too.
        if dot_segment(&self.path).is_some() {
            return Err(Error::Config { message: format!("{}: a path parameter makes a `.` or `..` segment of the path, which would change the endpoint called", self.operation.name) });
        }
        let path_and_query = if self.query.is_empty() { self.path } else { format!("{}?{}", self.path, self.query) };
        Ok(Target { path_and_query, headers: self.headers, secrets: self.secrets })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static OP: Operation = Operation {
        id: "thingGet",
        name: "thing_get",
        method: "GET",
        path: "/things/{id}/parts",
        group: "things",
        summary: "",
        params_type: None,
        request_type: None,
        response_type: None,
        error_type: None,
        deprecated: false,
        body_credentials: &[],
        retry: crate::RetryClass::Read,
        idempotency_key: None,
    };

    fn tail(parts: Parts) -> String {
        parts.finish().expect("no error").path_and_query
    }

    #[test]
    fn a_path_value_stays_in_its_segment() {
        let mut p = Parts::new(&OP);
        p.path("id", "a/b c?d#e%f", Style::Simple, false);
        assert_eq!(tail(p), "/things/a%2Fb%20c%3Fd%23e%25f/parts");
    }

    #[test]
    fn a_dot_segment_is_refused_in_every_form() {
        // A value of `%2e` is the text `%2e`: encoded as `%252e`, it names no dot segment.
        for value in [".", ".."] {
            let mut p = Parts::new(&OP);
            p.path("id", value, Style::Simple, false);
            let e = p.finish().expect_err(value);
            assert!(matches!(&e, Error::Config { message } if message.contains("`id`")), "{value}: {e:?}");
        }
        // Label style writes `.` before the value: `.` alone would be `..`.
        let mut p = Parts::new(&OP);
        p.path("id", ".", Style::Label, false);
        assert!(matches!(p.finish(), Err(Error::Config { .. })));
        for fine in ["...", ".a", "a..", "%2e%2e%2e", "%252e"] {
            assert_eq!(dot_segment(fine), None, "{fine}");
        }
        assert_eq!(dot_segment("/a/%2E%2e/b?x=.."), Some("%2E%2e"));
        assert_eq!(dot_segment("/a/.%2E"), Some(".%2E"));
        let mut p = Parts::new(&OP);
        p.path("id", "%2e", Style::Simple, false);
        assert_eq!(tail(p), "/things/%252e/parts");
        assert_eq!(dot_segment("/a/b?x=.."), None);
    }

    #[test]
    fn every_reserved_character_is_encoded() {
        let reserved = ":/?#[]@!$&'()*+,;=% \"<>^`{|}";
        let mut p = Parts::new(&OP);
        p.path("id", reserved, Style::Simple, false);
        let path = tail(p);
        let segment = path.trim_start_matches("/things/").trim_end_matches("/parts");
        assert!(segment.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'%'), "{segment}");
    }

    #[test]
    fn path_styles() {
        let cases: [(Style, bool, Value, &str); 7] = [
            (Style::Simple, false, serde_json::json!([1, 2]), "1,2"),
            (Style::Label, false, serde_json::json!("x"), ".x"),
            (Style::Label, true, serde_json::json!(["a", "b"]), ".a.b"),
            (Style::Matrix, false, serde_json::json!("x"), ";id=x"),
            (Style::Matrix, true, serde_json::json!(["a", "b"]), ";id=a;id=b"),
            (Style::Simple, true, serde_json::json!({"k": "v", "n": 1}), "k=v,n=1"),
            (Style::Simple, false, serde_json::json!({"k": "v"}), "k,v"),
        ];
        for (style, explode, value, want) in cases {
            let mut p = Parts::new(&OP);
            p.path("id", &value, style, explode);
            assert_eq!(tail(p), format!("/things/{want}/parts"), "{style:?} explode={explode} {value}");
        }
    }

    #[test]
    fn query_styles() {
        let mut p = Parts::new(&OP);
        p.path("id", "1", Style::Simple, false);
        p.query("tag", &["a b", "c&d"], Style::Form, true);
        p.query("ids", &[1, 2], Style::Form, false);
        p.query("none", &None::<String>, Style::Form, true);
        p.query("s", &["x", "y"], Style::SpaceDelimited, false);
        p.query("p", &["x", "y"], Style::PipeDelimited, false);
        p.query("f", &serde_json::json!({"a": 1, "b": true}), Style::DeepObject, true);
        p.query("flag", &false, Style::Form, true);
        p.query("j", &serde_json::json!({"a": [1]}), Style::Json, false);
        assert_eq!(
            tail(p),
            "/things/1/parts?tag=a%20b&tag=c%26d&ids=1,2&s=x%20y&p=x|y&f%5Ba%5D=1&f%5Bb%5D=true&flag=false&j=%7B%22a%22%3A%5B1%5D%7D"
        );
    }

    #[test]
    fn a_missing_path_value_and_a_bad_header_value_are_errors_that_hide_the_value() {
        let mut p = Parts::new(&OP);
        p.path("id", &None::<String>, Style::Simple, false);
        assert!(matches!(p.finish(), Err(Error::Parameter { name: "id", location: "path", .. })));

        let mut p = Parts::new(&OP);
        p.path("id", "1", Style::Simple, false);
        p.header("X-Token", "secret\r\nInjected: yes", Style::Simple, false);
        let e = p.finish().expect_err("a header value with CR LF is refused");
        assert!(matches!(e, Error::Parameter { name: "X-Token", location: "header", .. }));
        assert!(!e.to_string().contains("secret") && !format!("{e:?}").contains("secret"), "{e}");
    }

    #[test]
    fn headers_are_collected_and_absent_ones_skipped() {
        let mut p = Parts::new(&OP);
        p.path("id", "1", Style::Simple, false);
        p.header("OAUTH-STATE-ID", "abc-123", Style::Simple, false);
        p.header("X-Opt", &None::<bool>, Style::Simple, false);
        p.header("X-List", &[1, 2], Style::Simple, false);
        let headers = p.finish().expect("valid").headers;
        let shown: Vec<(String, String)> = headers.iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("?").to_string())).collect();
        assert_eq!(shown, [("oauth-state-id".to_string(), "abc-123".to_string()), ("x-list".to_string(), "1,2".to_string())]);
    }
}
