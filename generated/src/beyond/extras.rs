//! Per-call extras: headers, query parameters and body fields that a typed call does not know
//! about (a field Plaid added after the spec was cut, a tracing header of the application's own).
//! The client carries them like its timeout ([`Client::with_header`](crate::Client::with_header),
//! [`with_query`](crate::Client::with_query), [`with_body_field`](crate::Client::with_body_field));
//! every call made through that client sends them, through the same path as the typed parts.
//!
//! What the client manages itself cannot be replaced by accident: the credential headers and the
//! headers that frame the request (`Content-Type`, `Content-Length`, `Host`, ...), and the body
//! fields that carry credentials. Asking for one records an error that the next call returns
//! before anything is sent. Names are compared the widest way a server may read them: a
//! credential header, body field or query parameter by its letters and digits (`client_id`,
//! `clientId`, `CLIENT-ID` are one name; so are `PLAID-SECRET` and `PLAID-_SECRET`), against the
//! operation's [`body_credentials`](crate::Operation::body_credentials) and the credential
//! headers; a framing header by [`header_key`] (case, and `_` as `-`).
//!
//! Every extra value joins the call's scrub list ([`Extras::secrets_into`]): it is the
//! application's, and may be a secret of its own that a server echoes back.

use reqwest::header::{HeaderName, HeaderValue};
use serde_json::{Map, Value};

use crate::scrub::Secrets;
use crate::{Error, Operation};

/// Headers the HTTP exchange itself depends on: replacing one would break the request, not
/// extend it.
const FRAMING_HEADERS: &[&str] = &["accept", "connection", "content-length", "content-type", "host", "te", "transfer-encoding", "upgrade"];

/// The extras a client adds to each of its calls, and the first problem met in setting them.
#[derive(Clone, Default)]
pub(crate) struct Extras {
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// Name and value, not yet encoded.
    query: Vec<(String, String)>,
    /// Top-level fields written into the JSON body, replacing a field of the same name.
    body: Map<String, Value>,
    /// Reported by every call made with these extras, before anything is sent.
    problem: Option<String>,
}

impl std::fmt::Debug for Extras {
    /// Names only: a header's or a field's value may be a credential of the application's.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extras")
            .field("headers", &self.headers.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>())
            .field("query", &self.query.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>())
            .field("body", &self.body.keys().collect::<Vec<_>>())
            .field("problem", &self.problem)
            .finish()
    }
}

impl Extras {
    fn note(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    /// Adds a header, or notes why it cannot be added. The value is marked sensitive: it is the
    /// application's, and may be a credential of its own.
    pub(crate) fn add_header(&mut self, name: &str, value: &str) {
        match checked_header(name, value) {
            Ok(pair) => self.headers.push(pair),
            Err(problem) => self.note(problem),
        }
    }

    pub(crate) fn add_query(&mut self, name: &str, value: &str) {
        self.query.push((name.to_string(), value.to_string()));
    }

    pub(crate) fn add_body_field(&mut self, name: &str, value: Result<Value, serde_json::Error>) {
        match value {
            Ok(value) => {
                self.body.insert(name.to_string(), value);
            }
            Err(e) => self.note(format!("body field `{name}` cannot be encoded as JSON: {e}")),
        }
    }

    /// The problem met in setting the extras, as the error of a call of `op`.
    pub(crate) fn check(&self, op: &Operation) -> Result<(), Error> {
        if let Some(problem) = &self.problem {
            return Err(Error::Config { message: format!("{}: {problem}", op.name) });
        }
        if let Some(name) = self.body.keys().find(|name| is_credential_field(op, name)) {
            return Err(Error::Config { message: format!("{}: body field `{name}` carries a credential, which comes from the Config", op.name) });
        }
        if let Some((name, _)) = self.query.iter().find(|(name, _)| is_credential_query(op, name)) {
            return Err(query_refused(op, name));
        }
        Ok(())
    }

    /// Adds the extras' query and body values to a call's secrets (header values are added
    /// with the headers hooks set, in one place).
    pub(crate) fn secrets_into(&self, secrets: &mut Secrets) {
        self.query.iter().for_each(|(_, value)| secrets.add(value));
        self.body.values().for_each(|value| secrets.add_json(value));
    }

    /// `path_and_query` with the extra query parameters appended, encoded.
    pub(crate) fn with_query(&self, mut path_and_query: String) -> String {
        for (name, value) in &self.query {
            path_and_query.push(if path_and_query.contains('?') { '&' } else { '?' });
            path_and_query.push_str(&crate::params::encode(name));
            path_and_query.push('=');
            path_and_query.push_str(&crate::params::encode(value));
        }
        path_and_query
    }

    /// The body with the extra fields written in: a typed call's JSON object, or a new object
    /// for a call without a body.
    pub(crate) fn with_body(&self, op: &Operation, body: Option<Vec<u8>>) -> Result<Option<Vec<u8>>, Error> {
        if self.body.is_empty() {
            return Ok(body);
        }
        let mut object = match &body {
            None => Map::new(),
            Some(bytes) => match serde_json::from_slice::<Value>(bytes) {
                Ok(Value::Object(object)) => object,
                _ => return Err(Error::Encode { operation: op.name, message: "extra body fields need a JSON object body".into() }),
            },
        };
        for (name, value) in &self.body {
            object.insert(name.clone(), value.clone());
        }
        serde_json::to_vec(&object).map(Some).map_err(|e| Error::Encode { operation: op.name, message: e.to_string() })
    }
}

/// A header name as a server may compare it: without case, and with `_` read as `-` (CGI,
/// many proxies and web servers treat the two alike, so `plaid_secret` can reach an
/// application as `PLAID-SECRET`).
fn header_key(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

/// Whether a header of this name would carry one of the credentials the client sends: named
/// like one once case and every separator are set aside ([`squashed`]), the widest reading any
/// server or proxy gives a name (`PLAID-_SECRET`, `plaid.secret` and `PlaidSecret` included).
fn is_credential_header(name: &str) -> bool {
    let key = squashed(name);
    !key.is_empty() && crate::AUTH_HEADERS.iter().any(|(credential, _)| squashed(credential) == key)
}

/// Whether a query parameter of this name would carry a credential: named like a credential
/// field or a credential header, once case and separators are set aside.
pub(crate) fn is_credential_query(op: &Operation, name: &str) -> bool {
    let name = squashed(name);
    is_credential_field(op, &name) || crate::AUTH_HEADERS.iter().any(|(header, _)| squashed(header) == name)
}

/// A field or parameter name as the credential checks compare it: its ASCII letters and digits,
/// lower-cased. `client_id`, `clientId`, `CLIENT-ID` and `ClientID` are one name, and so are
/// `secret` and `seCret` (a word split would read the last as `se cret`).
fn squashed(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// The refusal of a query parameter named like a credential; it names the parameter only.
pub(crate) fn query_refused(op: &Operation, name: &str) -> Error {
    Error::Config { message: format!("{}: query parameter `{name}` is named like a credential, which comes from the Config", op.name) }
}

/// Whether a body field or query parameter of this name would carry a credential, against the
/// operation's credential fields and the API's own, by [`squashed`] names.
fn is_credential_field(op: &Operation, name: &str) -> bool {
    let name = squashed(name);
    !name.is_empty() && op.body_credentials.iter().chain(crate::gen::BODY_CREDENTIALS).any(|c| squashed(c.name) == name)
}

/// A header the application may add: a valid name and value, and not one the client manages.
/// The problem names the header, never the value.
pub(crate) fn checked_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("`{name}` is not a valid header name"))?;
    if is_credential_header(name) {
        return Err(format!("header `{name}` carries a credential, which comes from the Config"));
    }
    if FRAMING_HEADERS.contains(&header_key(name).as_str()) {
        return Err(format!("header `{name}` is set by the client for every request"));
    }
    let mut value = HeaderValue::from_str(value).map_err(|_| format!("the value for header `{name}` is not a valid header value"))?;
    value.set_sensitive(true);
    Ok((header, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managed_headers_are_refused_by_name_without_the_value() {
        // The credential headers are the spec's security schemes (a fixture spec may have none).
        let credentials = crate::AUTH_HEADERS.iter().map(|(name, _)| name.to_ascii_lowercase());
        for name in credentials.chain(["Content-Type".to_string(), "Host".to_string()]) {
            let name = name.as_str();
            let problem = checked_header(name, "s3cr3t-value").expect_err(name);
            assert!(problem.contains(name) && !problem.contains("s3cr3t"), "{problem}");
        }
        assert!(checked_header("X-Trace", "bad\r\nvalue").is_err());
        // Servers that read `_` as `-` would take these as the credential and framing headers.
        for (name, _) in crate::AUTH_HEADERS {
            let underscored = name.replace('-', "_").to_ascii_lowercase();
            assert!(checked_header(&underscored, "v").is_err(), "{underscored}");
        }
        assert!(checked_header("content_type", "text/plain").is_err());
        // Any separators at all, as the fuzzer found (`PLAID-_SECRET`): the name is the letters.
        for (name, _) in crate::AUTH_HEADERS {
            let doubled = name.replacen('-', "-_", 1);
            let dotted = name.replace('-', ".");
            for spelling in [doubled, dotted] {
                assert!(checked_header(&spelling, "v").is_err(), "{spelling}");
            }
        }
        let (name, value) = checked_header("X-Trace", "abc").expect("an ordinary header");
        assert_eq!((name.as_str(), value.is_sensitive()), ("x-trace", true));
    }

    #[test]
    fn credential_fields_and_query_parameters_are_refused_in_any_spelling() {
        let op = &crate::beyond::untyped::UNTYPED[0];
        for credential in crate::gen::BODY_CREDENTIALS {
            let words = crate::name_words::words(credential.name);
            let camel: String = words.iter().enumerate().map(|(i, w)| if i == 0 { w.clone() } else { w[..1].to_ascii_uppercase() + &w[1..] }).collect();
            let mixed: String = credential.name.chars().enumerate().map(|(i, c)| if i % 2 == 1 { c.to_ascii_uppercase() } else { c }).collect();
            for name in [credential.name.to_string(), camel, words.join("-").to_ascii_uppercase(), mixed] {
                let mut body = Extras::default();
                body.add_body_field(&name, Ok(Value::from("other")));
                assert!(matches!(body.check(op), Err(Error::Config { .. })), "body {name}");
                let mut query = Extras::default();
                query.add_query(&name, "other");
                assert!(matches!(query.check(op), Err(Error::Config { .. })), "query {name}");
            }
        }
        for (header, _) in crate::AUTH_HEADERS {
            let mut query = Extras::default();
            query.add_query(&header.replace('-', "_"), "other");
            assert!(matches!(query.check(op), Err(Error::Config { .. })), "query {header}");
        }
        let mut fine = Extras::default();
        fine.add_query("tag", "x");
        fine.add_body_field("secrets_count", Ok(Value::from(1)));
        assert!(fine.check(op).is_ok());
    }

    #[test]
    fn query_and_body_extras_are_merged() {
        let mut extras = Extras::default();
        extras.add_query("tag", "a b");
        extras.add_body_field("new_field", Ok(Value::from(3)));
        assert_eq!(extras.with_query("/x".into()), "/x?tag=a%20b");
        assert_eq!(extras.with_query("/x?y=1".into()), "/x?y=1&tag=a%20b");
        let body = extras.with_body(&crate::beyond::untyped::UNTYPED[0], Some(br#"{"a":1,"new_field":0}"#.to_vec())).expect("merged");
        let body: Value = serde_json::from_slice(&body.expect("a body")).expect("JSON");
        assert_eq!(body, serde_json::json!({"a": 1, "new_field": 3}));
        let fresh = extras.with_body(&crate::beyond::untyped::UNTYPED[0], None).expect("a new object").expect("a body");
        assert_eq!(fresh, br#"{"new_field":3}"#);
    }
}
