//! Calls of operations the spec does not list (yet): any path of the API with a JSON body, the
//! answer as JSON or as a type the application names. They go through the typed calls' path:
//! credentials, extras and hooks, limits, retries, Plaid errors as [`Error::Api`], redaction.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Client, Error, Operation, RetryClass};

/// The rows untyped calls run as, one per HTTP method. Their retry class is
/// [`RetryClass::Acting`]: nothing is known of what such a call does, so it is never resent
/// after the server may have acted ([`Client::with_retry_class`] says otherwise).
pub(crate) static UNTYPED: [Operation; 5] = [row("POST"), row("GET"), row("PUT"), row("PATCH"), row("DELETE")];

const fn row(method: &'static str) -> Operation {
    Operation {
        id: "untyped",
        name: "untyped call",
        method,
        path: "",
        group: "untyped",
        summary: "An operation the spec does not list, called by path.",
        params_type: None,
        request_type: Some("JSON"),
        response_type: Some("answer of the requested type"),
        error_type: None,
        deprecated: false,
        body_credentials: crate::gen::BODY_CREDENTIALS,
        retry: RetryClass::Acting,
        idempotency_key: None,
    }
}

impl Client {
    /// Calls `POST path` with `body` as JSON and returns the answer's JSON: an endpoint Plaid
    /// shipped after the spec this crate was generated from. Everything else is as for a typed
    /// call: the credential headers, per-call extras and hooks, the size limit, the retry policy
    /// (as [`RetryClass::Acting`] unless [`Client::with_retry_class`] says otherwise), Plaid's
    /// error body as [`Error::Api`], and no secret in errors or logs.
    ///
    /// `path` is the path below the base URL (`/beta/new/get`), with a query string if need
    /// be; one that does not start with a single `/` is refused before anything is sent, so a
    /// path can never send the credentials to another host.
    pub async fn post_json<B: Serialize + ?Sized>(&self, path: &str, body: &B) -> Result<serde_json::Value, Error> {
        self.post_as(path, body).await
    }

    /// Like [`Client::post_json`], decoding the answer into `R`: a type of the application's,
    /// or a generated one the new endpoint shares.
    pub async fn post_as<R: DeserializeOwned + Send + 'static, B: Serialize + ?Sized>(&self, path: &str, body: &B) -> Result<R, Error> {
        self.request_as(reqwest::Method::POST, path, Some(body)).await
    }

    /// Like [`Client::post_json`] for an endpoint that answers with a file (a PDF) rather than
    /// JSON: the success body as received, whatever its content type. Plaid's error bodies are
    /// still JSON, and still become [`Error::Api`].
    pub async fn post_bytes<B: Serialize + ?Sized>(&self, path: &str, body: &B) -> Result<Vec<u8>, Error> {
        let (op, parts) = untyped_call(reqwest::Method::POST, path)?;
        self.execute_bytes(op, parts, Some(body)).await
    }

    /// Like [`Client::post_as`], with any of `GET`, `POST`, `PUT`, `PATCH` or `DELETE`, and
    /// without a body when `body` is `None`.
    pub async fn request_as<R: DeserializeOwned + Send + 'static, B: Serialize + ?Sized>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<R, Error> {
        let (op, parts) = untyped_call(method, path)?;
        self.execute(op, parts, body).await
    }
}

/// The row and parts of a call by path, or why it is refused before anything is sent.
fn untyped_call(method: reqwest::Method, path: &str) -> Result<(&'static Operation, crate::params::Parts), Error> {
    let Some(op) = UNTYPED.iter().find(|op| op.method == method.as_str()) else {
        return Err(Error::Config { message: format!("untyped call: HTTP method `{method}` is not one an API operation uses") });
    };
    check_path(path).map_err(|message| Error::Config { message: format!("untyped call: {message}") })?;
    // The path's own query is a per-call value like `with_query`'s, refused by the same
    // rule; a name is read as the server will, percent-escapes decoded.
    let query = path.split_once('?').map(|(_, q)| q).unwrap_or("");
    if let Some(name) = query.split('&').map(|pair| crate::params::decoded(pair.split('=').next().unwrap_or(""))).find(|name| crate::extras::is_credential_query(op, name)) {
        return Err(crate::extras::query_refused(op, &name));
    }
    Ok((op, crate::params::Parts::at(op, path)))
}

/// A path below the base URL: one leading `/` (two would name another host), nothing that
/// ends the path early or is not sent as written, and no `.` or `..` segment (a URL parser
/// removes those, so `/../admin` would climb above the base URL's own path). A refused path is
/// named without its query, which may carry values the application keeps private.
fn check_path(path: &str) -> Result<(), String> {
    let shown = path.split('?').next().unwrap_or(path);
    if !path.starts_with('/') || path.starts_with("//") {
        return Err(format!("the path {shown:?} must start with a single `/`"));
    }
    if let Some(c) = path.chars().find(|c| c.is_whitespace() || c.is_control() || matches!(c, '#' | '\\')) {
        return Err(format!("the path {shown:?} contains {c:?}, which a path cannot carry as written"));
    }
    if let Some(segment) = crate::params::dot_segment(path) {
        return Err(format!("the path {shown:?} has a `{segment}` segment, which would leave the base URL's path"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_stay_on_the_configured_host() {
        assert!(super::check_path("/beta/thing/get").is_ok());
        assert!(super::check_path("/fdx/consents/c-1?limit=2").is_ok());
        for bad in ["beta/get", "//evil.example/x", "/x y", "/x#frag", "/a\\b", "", "@evil.example/x", "/../../admin/x", "/a/./b", "/a/%2e%2E/b", "/a/.."] {
            assert!(super::check_path(bad).is_err(), "{bad}");
        }
        let refused = super::check_path("/../x?access_token=access-sandbox-123").expect_err("climbs");
        assert!(!refused.contains("access-sandbox"), "{refused}");
    }
}
