//! One HTTP answer: read within bounds, then turned into a typed value or an [`Error`] that
//! shows nothing secret.
//!
//! Everything here assumes a hostile server. A body is read up to a size limit (smaller for
//! non-2xx answers, which are only ever error messages) and no further; past the limit only a
//! short prefix is kept, for the excerpt. Every string an error keeps from the answer is
//! scrubbed of the call's secret values ([`Secrets`]) and redacted by name. Decoding a large
//! body runs on tokio's blocking pool, so that it never stalls the other tasks of the runtime.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, DecodeError, Received, StatusError, TransportError};
use crate::retry::parse_retry_after;
use crate::scrub::Secrets;
use crate::{Error, Operation};

/// The largest body of a non-2xx answer that is read. Plaid's error bodies are about a
/// kilobyte; anything much larger is not one, and is not worth the memory.
pub const MAX_ERROR_BODY_BYTES: usize = 256 * 1024;

/// How much of a body past its limit is kept, for the excerpt.
const KEPT_PAST_LIMIT: usize = 16 * 1024;

/// Bodies at least this large are decoded on tokio's blocking pool instead of the task's
/// thread: decoding runs at a few hundred MB/s, so a larger body would hold the thread (and
/// every task waiting for it) for more than a few milliseconds.
pub(crate) const DECODE_OFF_RUNTIME_BYTES: usize = 512 * 1024;

/// One HTTP answer, read up to its limit, with what its errors need to know.
pub(crate) struct Answer {
    pub(crate) op: &'static Operation,
    pub(crate) status: u16,
    pub(crate) attempts: u32,
    content_type: Option<String>,
    location: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    /// All the answer's headers, for [`Client::raw`](crate::Client::raw).
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    /// The limit, when the body was over it (only a prefix of it is kept).
    pub(crate) cut_at: Option<usize>,
    /// The secret values of the call, scrubbed from anything an error keeps.
    pub(crate) secrets: Secrets,
}

impl Answer {
    /// Reads an answer: the whole body up to `max_bytes` (or [`MAX_ERROR_BODY_BYTES`] for a
    /// non-2xx answer, if smaller). Past the limit, or when `Content-Length` announces more,
    /// reading stops and only a prefix is kept.
    pub(crate) async fn read(
        op: &'static Operation,
        mut response: reqwest::Response,
        attempts: u32,
        max_bytes: usize,
        secrets: &Secrets,
    ) -> Result<Answer, TransportError> {
        let status = response.status().as_u16();
        let header = |name: HeaderName| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let content_type = header(CONTENT_TYPE);
        let location = header(LOCATION);
        let retry_after = header(RETRY_AFTER).and_then(|v| parse_retry_after(&v, SystemTime::now()));
        // Taken rather than copied: reading the body needs only the stream.
        let headers = std::mem::take(response.headers_mut());
        let limit = if (200..300).contains(&status) { max_bytes } else { max_bytes.min(MAX_ERROR_BODY_BYTES) };
        let declared = response.content_length().map(|n| usize::try_from(n).unwrap_or(usize::MAX));
        let mut cut_at = declared.is_some_and(|n| n > limit).then_some(limit);
        // A declared length within the limit is allocated at once; growth is capped below.
        let mut body = Vec::with_capacity(if cut_at.is_some() { 0 } else { declared.unwrap_or(0).min(limit) });
        while let Some(chunk) = response.chunk().await.map_err(|e| TransportError::new(op.name, attempts, e))? {
            if cut_at.is_some() || body.len().saturating_add(chunk.len()) > limit {
                let room = KEPT_PAST_LIMIT.saturating_sub(body.len()).min(chunk.len());
                body.extend_from_slice(&chunk[..room]);
                cut_at = Some(limit);
                if body.len() >= KEPT_PAST_LIMIT || room < chunk.len() {
                    break;
                }
                continue;
            }
            // Grow by doubling, but never past the limit: a body just under it must not cost
            // twice its size.
            if body.capacity() - body.len() < chunk.len() {
                let wanted = body.capacity().saturating_mul(2).max(body.len() + chunk.len()).min(limit);
                body.reserve_exact(wanted - body.len());
            }
            body.extend_from_slice(&chunk);
        }
        if cut_at.is_some() {
            body.truncate(KEPT_PAST_LIMIT);
            body.shrink_to_fit();
        }
        Ok(Answer { op, status, attempts, content_type, location, retry_after, headers, body, cut_at, secrets: secrets.clone() })
    }

    /// Decodes a success body as `R`.
    pub(crate) fn json<R: DeserializeOwned>(self) -> Result<R, Error> {
        let expected = self.op.response_type.unwrap_or("response");
        if let Some(limit) = self.cut_at {
            return Err(self.refuse(expected, None, format!("the body exceeds the {limit}-byte limit")));
        }
        if let Some(reason) = self.not_json() {
            return Err(self.refuse(expected, None, reason));
        }
        let mut de = serde_json::Deserializer::from_slice(&self.body);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let path = (path != ".").then_some(path);
            self.refuse(expected, path, without_values(&e.into_inner().to_string()))
        })?;
        de.end().map_err(|e| self.refuse(expected, None, without_values(&e.to_string())))?;
        Ok(value)
    }

    /// A success body that is not JSON, whole.
    pub(crate) fn bytes(self) -> Result<Vec<u8>, Error> {
        match self.cut_at {
            Some(limit) => Err(self.refuse(self.op.response_type.unwrap_or("body"), None, format!("the body exceeds the {limit}-byte limit"))),
            None => Ok(self.body),
        }
    }

    /// Whether a success answer has no body to decode: `204`, or nothing but whitespace.
    pub(crate) fn is_empty(&self) -> bool {
        self.status == 204 || (self.cut_at.is_none() && self.body.iter().all(u8::is_ascii_whitespace))
    }

    /// Turns a non-2xx answer into an error: an API error when the body is a Plaid error, a
    /// status error saying what came instead otherwise.
    pub(crate) fn into_error(self) -> Error {
        let reason = match self.plaid_error() {
            Ok(error) => {
                return Error::Api(Box::new(ApiError { operation: self.op.name, status: self.status, attempts: self.attempts, error, effect: Default::default() }));
            }
            Err(reason) => reason,
        };
        Error::Status(Box::new(StatusError {
            operation: self.op.name,
            status: self.status,
            attempts: self.attempts,
            content_type: self.content_type.as_deref().map(|t| self.scrubbed(t)),
            location: self.location.as_deref().map(|t| self.scrubbed(t)),
            request_id: self.request_id(),
            reason: self.scrubbed(&reason),
            body_excerpt: self.excerpt(),
            effect: Default::default(),
        }))
    }

    /// The body as a Plaid error, scrubbed of the call's secrets; or why it is not one.
    fn plaid_error(&self) -> Result<crate::ErrorBody, String> {
        if let Some(limit) = self.cut_at {
            return Err(format!("the body exceeds the {limit}-byte limit for error answers"));
        }
        if let Some(reason) = self.not_json() {
            return Err(reason);
        }
        // Through a JSON value, so that every string (messages, unknown properties) is scrubbed
        // as decoded text, whatever escapes the server used.
        let mut value: Value = serde_json::from_slice(&self.body).map_err(|e| e.to_string())?;
        self.secrets.scrub_json(&mut value);
        serde_path_to_error::deserialize(value).map_err(|e| format!("at `{}`: {}", e.path(), without_values(&e.inner().to_string())))
    }

    /// Why the body cannot be JSON, if it cannot.
    fn not_json(&self) -> Option<String> {
        if !self.content_type.as_deref().is_some_and(is_json) {
            let got = self.content_type.as_deref().unwrap_or("none");
            return Some(format!("expected a JSON body, got content type `{got}`"));
        }
        self.body.iter().all(u8::is_ascii_whitespace).then(|| "the body is empty".to_string())
    }

    /// A decode error for this answer, with everything taken from the answer scrubbed.
    fn refuse(&self, expected: &'static str, path: Option<String>, message: String) -> Error {
        Error::Decode(Box::new(DecodeError {
            operation: self.op.name,
            status: self.status,
            attempts: self.attempts,
            expected,
            content_type: self.content_type.as_deref().map(|t| self.scrubbed(t)),
            request_id: self.request_id(),
            path: path.as_deref().map(|t| self.scrubbed(t)),
            message: self.scrubbed(&message),
            body_excerpt: self.excerpt(),
            effect: Default::default(),
            body: Received::new(&self.body, self.cut_at.is_none()),
        }))
    }

    /// Plaid's `request_id` from the body, scrubbed.
    pub(crate) fn request_id(&self) -> Option<String> {
        if self.cut_at.is_some() {
            return None;
        }
        body_request_id(&self.body).map(|id| self.scrubbed(&id))
    }

    /// Text from the answer, fit to keep in an error: the call's secrets scrubbed.
    fn scrubbed(&self, text: &str) -> String {
        self.secrets.scrub(text).into_owned()
    }

    fn excerpt(&self) -> String {
        self.secrets.excerpt(&self.body, DecodeError::EXCERPT_CHARS, self.cut_at.is_some())
    }
}

/// A decoder's message without the values it quotes: serde names what it saw (`invalid type:
/// string "access-production-…", expected u64`), and what it saw may be a token that a field of
/// the wrong type carried. Every quoted run (`"…"`, `` `…` ``, escapes included) becomes `…`,
/// except a field's name (`missing field `item_id``), which comes from the type, not the body.
/// Answers and webhook bodies are read through this one function.
pub(crate) fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        if c != '"' && c != '`' {
            out.push(c);
            continue;
        }
        let keep = out.ends_with("field ");
        out.push(c);
        let mut escaped = false;
        let mut closed = false;
        for inner in chars.by_ref() {
            if inner == c && !escaped {
                closed = true;
                break;
            }
            escaped = c == '"' && inner == '\\' && !escaped;
            if keep {
                out.push(inner);
            }
        }
        if !keep {
            out.push('…');
        }
        if closed {
            out.push(c);
        }
    }
    out
}

/// Runs `work` on the answer: on tokio's blocking pool when the body is large (see
/// [`DECODE_OFF_RUNTIME_BYTES`]), in place otherwise or outside a tokio runtime.
pub(crate) async fn off_runtime<T: Send + 'static>(answer: Answer, work: impl FnOnce(Answer) -> Result<T, Error> + Send + 'static) -> Result<T, Error> {
    let handle = match tokio::runtime::Handle::try_current() {
        Ok(handle) if answer.body.len() >= DECODE_OFF_RUNTIME_BYTES => handle,
        _ => return work(answer),
    };
    let (op, status, attempts) = (answer.op, answer.status, answer.attempts);
    handle.spawn_blocking(move || work(answer)).await.unwrap_or_else(|e| {
        Err(Error::Decode(Box::new(DecodeError {
            operation: op.name,
            status,
            attempts,
            expected: op.response_type.unwrap_or("response"),
            content_type: None,
            request_id: None,
            path: None,
            message: format!("decoding did not finish: {}", if e.is_cancelled() { "the runtime is shutting down" } else { "it panicked" }),
            body_excerpt: String::new(),
            effect: Default::default(),
            body: Received::default(),
        })))
    })
}

/// `application/json`, or any `+json` media type, with or without parameters.
fn is_json(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

/// Plaid's `request_id` from a JSON body, if it has one at the top level. One pass that skips
/// everything else and stops at the first syntax error.
pub(crate) fn body_request_id(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct WithId {
        request_id: Option<String>,
    }
    serde_json::from_slice::<WithId>(body).ok()?.request_id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoder_messages_keep_the_expectation_and_drop_the_value() {
        let message = r#"invalid type: string "access-production-1234\"x", expected u64 at line 1 column 9"#;
        assert_eq!(without_values(message), "invalid type: string \"…\", expected u64 at line 1 column 9");
        assert_eq!(without_values("invalid type: integer `123456789`, expected a string"), "invalid type: integer `…`, expected a string");
        assert_eq!(without_values("`2024-13-99` is not an RFC 3339 date-time: input is out of range"), "`…` is not an RFC 3339 date-time: input is out of range");
        assert_eq!(without_values("unknown variant `tok`, expected `a`"), "unknown variant `…`, expected `…`");
        assert_eq!(without_values("missing field `item_id`"), "missing field `item_id`");
        assert_eq!(without_values("cut \"open"), "cut \"…");
        let decoded = serde_json::from_str::<u64>(r#""access-production-secret""#).expect_err("a string");
        assert!(!without_values(&decoded.to_string()).contains("access-production"));
    }

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("Application/Problem+JSON"));
        assert!(!is_json("text/html"));
        assert!(!is_json("text/json+html"));
    }
}
