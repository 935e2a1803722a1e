//! Keeping secrets and personal data out of `Debug` output, errors and logs.
//!
//! Two rules work together:
//!
//! - **By name.** Which fields are sensitive is decided by the generator and emitted into the
//!   generated code as [`crate::REDACTION_RULE`]. Names are split into lower-case words at
//!   every non-alphanumeric character and at camelCase and PascalCase boundaries, so
//!   `access_token`, `accessToken`, `AccessToken` and `ACCESS-TOKEN` are the same name:
//!   - a name whose last word is `secret`, `secrets`, `password`, `token` or `tokens`
//!     (`secret`, `access_token`, `public_token`, `processor_token`, ...) is a secret: `Debug`
//!     shows `<redacted>` in place of its value, whatever its type;
//!   - a name with the word `ssn` anywhere (`ssn`, `ssn_last_4`) is personal data, redacted the
//!     same way;
//!   - a field whose schema says `format: password` or `writeOnly: true` is a secret whatever
//!     its name, and so is every key of that name the runtime meets;
//!   - `client_id` is shown partially: its first four characters.
//!
//!   Generated structs apply the rule to their fields; the runtime applies it to the keys of
//!   unknown properties and free-form JSON values, and to body excerpts.
//! - **By value.** On every call the client knows which values are secret: the configured
//!   secret and the values of the request's sensitive fields and parameters (the access
//!   token, a public token, ...). Whatever a server sends back is scrubbed of those values
//!   before it reaches an error (`Display` or `Debug`), an excerpt or a tracing event: a proxy
//!   page that echoes the request headers, or an error message that quotes the access token,
//!   shows `<redacted>` instead. Values shorter than six characters are not scrubbed this way
//!   (they would match ordinary text); their keys still are redacted by name.
//!
//! Excerpts are cut from a bounded prefix of the body (a few kilobytes) before any scan, and
//! every scan is a single linear pass, so a hostile body costs no more than its length.

use std::fmt;

use serde::Serialize;

/// How a sensitive value is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sensitivity {
    /// Never shown.
    Secret,
    /// Only its first four characters are shown.
    Partial,
}

/// The field-name rule, as data the generator emits.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// A name whose last word is one of these is a secret.
    pub secret_last_words: &'static [&'static str],
    /// A name with one of these words anywhere is a secret.
    pub secret_words: &'static [&'static str],
    /// Names shown partially, as lower-case words joined by `_`.
    pub partial_names: &'static [&'static str],
    /// Names that the specs mark secret by schema (`format: password`, `writeOnly`), as
    /// lower-case words joined by `_`.
    pub secret_names: &'static [&'static str],
}

impl Rule {
    /// How a field or JSON key with this name is shown; `None` when it is not sensitive.
    pub fn sensitivity(&self, name: &str) -> Option<Sensitivity> {
        let words = crate::name_words::words(name);
        let joined = words.join("_");
        if self.partial_names.contains(&joined.as_str()) {
            return Some(Sensitivity::Partial);
        }
        let secret = self.secret_names.contains(&joined.as_str())
            || words.iter().any(|w| self.secret_words.contains(&w.as_str()))
            || words.last().is_some_and(|w| self.secret_last_words.contains(&w.as_str()));
        secret.then_some(Sensitivity::Secret)
    }
}

/// How a field or JSON key with this name is shown in `Debug` output, by the generated rule;
/// `None` when it is shown as is.
///
/// ```
/// use plaid_sdk::redact::{sensitivity, Sensitivity};
///
/// assert_eq!(sensitivity("access_token"), Some(Sensitivity::Secret));
/// assert_eq!(sensitivity("client_id"), Some(Sensitivity::Partial));
/// assert_eq!(sensitivity("account_id"), None);
/// ```
pub fn sensitivity(name: &str) -> Option<Sensitivity> {
    crate::REDACTION_RULE.sensitivity(name)
}

/// Shown in place of a sensitive value.
pub const REDACTED: &str = "<redacted>";

/// `Debug` prints `<redacted>`. Used by generated `Debug` impls.
#[doc(hidden)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// `Debug` prints the first four characters and an ellipsis. Used by generated `Debug` impls.
#[doc(hidden)]
pub struct Partial<'a>(pub &'a str);

impl fmt::Debug for Partial<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}…\"", partial(self.0))
    }
}

fn partial(value: &str) -> String {
    value.chars().take(4).collect()
}

/// `Debug` prints a serializable value as JSON with the rule applied to every object key.
/// Used by generated `Debug` impls for free-form values and unknown properties.
#[doc(hidden)]
pub struct Json<'a, T: ?Sized>(pub &'a T);

impl<T: Serialize + ?Sized> fmt::Debug for Json<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match serde_json::to_value(self.0) {
            Ok(mut value) => {
                redact_value(&mut value);
                write!(f, "{value}")
            }
            Err(_) => f.write_str("<unprintable>"),
        }
    }
}

/// Applies the rule to every object key of a JSON value, in place.
pub fn redact_value(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match sensitivity(key) {
                    Some(Sensitivity::Secret) => *v = serde_json::Value::String(REDACTED.into()),
                    Some(Sensitivity::Partial) => {
                        let shown = v.as_str().map(|s| format!("{}…", partial(s))).unwrap_or_else(|| REDACTED.into());
                        *v = serde_json::Value::String(shown);
                    }
                    None => redact_value(v),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}

/// Applies the rule to JSON text that may be truncated or malformed (a body excerpt): the
/// value after every sensitive key is replaced, up to its end or the end of the text. Text that
/// is not JSON passes through. One pass: the time is linear in the length of the text.
pub fn redact_json_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    sensitive_values(text, |sensitivity, start, end| {
        out.push_str(&text[copied..start]);
        match (sensitivity, text.as_bytes().get(start)) {
            (Sensitivity::Partial, Some(b'"')) => {
                out.push('"');
                out.push_str(&partial(string_content(text, start, end)));
                out.push_str("…\"");
            }
            _ => {
                out.push('"');
                out.push_str(REDACTED);
                out.push('"');
            }
        }
        copied = end;
    });
    out.push_str(&text[copied..]);
    out
}

/// Calls `found(sensitivity, start, end)` with the byte range of the value after each sensitive
/// key of JSON-like text, in order, and skips over that value. Every byte is looked at a bounded
/// number of times, whatever the nesting: a non-sensitive key's value is not measured, its
/// inside is simply scanned next.
pub(crate) fn sensitive_values(text: &str, mut found: impl FnMut(Sensitivity, usize, usize)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let end = string_end(bytes, i);
        let colon = skip_whitespace(bytes, end);
        if bytes.get(colon) != Some(&b':') {
            i = end;
            continue;
        }
        let value = skip_whitespace(bytes, colon + 1);
        // A key is read as JSON reads it: `"access\u005ftoken"` is `access_token`.
        let key = string_content(text, i, end);
        let unescaped = if key.contains('\\') { serde_json::from_str::<String>(&text[i..end]).ok() } else { None };
        match sensitivity(unescaped.as_deref().unwrap_or(key)) {
            Some(sensitivity) => {
                let value_end = value_end(bytes, value);
                found(sensitivity, value, value_end);
                i = value_end.max(value);
            }
            None => i = value,
        }
    }
}

fn skip_whitespace(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// The text of the string that starts with the quote at `start` and ends just before `end`
/// (as [`string_end`] found it), without its quotes; empty if the slice is not one.
fn string_content(text: &str, start: usize, end: usize) -> &str {
    let closed = end >= start + 2 && text.as_bytes().get(end - 1) == Some(&b'"');
    let stop = if closed && !escaped_quote(text.as_bytes(), start, end - 1) { end - 1 } else { end };
    text.get(start + 1..stop).unwrap_or("")
}

/// Whether the quote at `quote` is escaped, reading backslashes back to `start`.
fn escaped_quote(bytes: &[u8], start: usize, quote: usize) -> bool {
    let backslashes = bytes[start + 1..quote].iter().rev().take_while(|&&b| b == b'\\').count();
    backslashes % 2 == 1
}

/// The index just past the string that starts with the quote at `start` (or the text's end).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index just past the JSON value that starts at `start`: a string, a bracketed value
/// (strings inside skipped), or a scalar up to the next `,`, `}` or `]`.
fn value_end(bytes: &[u8], start: usize) -> usize {
    match bytes.get(start) {
        None => bytes.len(),
        Some(b'"') => string_end(bytes, start),
        Some(b'{') | Some(b'[') => {
            let mut depth = 0usize;
            let mut i = start;
            while i < bytes.len() {
                match bytes[i] {
                    b'"' => {
                        i = string_end(bytes, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            bytes.len()
        }
        Some(_) => {
            let mut i = start;
            while i < bytes.len() && !matches!(bytes[i], b',' | b'}' | b']') {
                i += 1;
            }
            i
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_matches_by_last_word_and_ssn() {
        for secret in ["secret", "access_token", "public_token", "new_access_token", "secrets", "ssn", "ssn_last_4", "Password", "accessToken", "PlaidSecret", "ACCESS-TOKEN"] {
            assert_eq!(sensitivity(secret), Some(Sensitivity::Secret), "{secret}");
        }
        for plain in ["account_id", "token_expiration", "request_id", "tokenize", "lessn", ""] {
            assert_eq!(sensitivity(plain), None, "{plain}");
        }
        assert_eq!(sensitivity("client_id"), Some(Sensitivity::Partial));
        assert_eq!(sensitivity("clientId"), Some(Sensitivity::Partial));
    }

    #[test]
    fn json_values_are_redacted_at_every_depth() {
        let mut v = serde_json::json!({
            "a": [{"access_token": "AT-1", "secrets": {"sandbox": "S-1"}}],
            "client_id": "abcdefgh",
            "ok": "visible"
        });
        redact_value(&mut v);
        let shown = v.to_string();
        assert!(!shown.contains("AT-1") && !shown.contains("S-1") && !shown.contains("efgh"), "{shown}");
        assert!(shown.contains("visible") && shown.contains("abcd…"), "{shown}");
    }

    #[test]
    fn escaped_keys_are_read_as_json_reads_them() {
        let text = r#"{"access\u005ftoken":"access-sandbox-1234","\u0073ecret":"s3cr3t-value","plain":"x"}"#;
        let redacted = redact_json_text(text);
        assert!(!redacted.contains("access-sandbox-1234") && !redacted.contains("s3cr3t-value"), "{redacted}");
        assert!(redacted.contains(r#""plain":"x""#), "{redacted}");
    }

    #[test]
    fn truncated_and_odd_text_is_redacted_without_panicking() {
        let text = r#"{"request_id": "r1", "access_token": "AT-9", "secrets": {"x": "S-9", "y": [1, "]"]}, "client_id": "abcdefgh", "tail": "ok""#;
        let shown = redact_json_text(text);
        assert!(!shown.contains("AT-9") && !shown.contains("S-9") && !shown.contains("efgh"), "{shown}");
        assert!(shown.contains("\"r1\"") && shown.contains("\"ok\""), "{shown}");
        // Cut anywhere, even inside an escape or a multi-byte character, and never panic or leak.
        let text = r#"{"public_token": "PT-\"é\"-7", "n": 1}"#;
        for cut in (0..=text.len()).filter(|&c| text.is_char_boundary(c)) {
            let shown = redact_json_text(&text[..cut]);
            assert!(!shown.contains("PT-"), "{cut}: {shown}");
        }
        assert_eq!(redact_json_text("<html>502 Bad Gateway</html>"), "<html>502 Bad Gateway</html>");
        assert_eq!(redact_json_text("\"secret\": "), "\"secret\": \"<redacted>\"");
    }
}
