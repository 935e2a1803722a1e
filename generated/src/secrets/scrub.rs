//! Redaction by value: the secrets one call knows of, and the scrubbing of everything a server
//! sends back before the client shows any of it (see [`crate::redact`]).

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use crate::redact::{self, REDACTED};

/// Values shorter than this are not scrubbed by value: they would match ordinary text.
const MIN_CHARS: usize = 6;

/// How many bytes of a body an excerpt is cut from, before any scan.
const EXCERPT_WINDOW: usize = 8 * 1024;

/// The secret values of one call, each in every form a server may echo it in: as sent, as a
/// JSON string's inside, and percent-encoded. `Debug` shows how many there are, never one.
#[derive(Clone, Default)]
pub(crate) struct Secrets {
    /// Longest first, so that a value containing another is replaced whole.
    forms: Vec<String>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} forms)", self.forms.len())
    }
}

impl Secrets {
    /// Adds a secret value, in each of its forms.
    pub(crate) fn add(&mut self, value: &str) {
        if value.chars().count() < MIN_CHARS {
            return;
        }
        let json = serde_json::to_string(value).unwrap_or_default();
        let json = json.get(1..json.len().saturating_sub(1)).unwrap_or("").to_string();
        let percent = crate::params::encode(value);
        for form in [value.to_string(), json, percent] {
            if form.chars().count() >= MIN_CHARS && !self.forms.contains(&form) {
                self.forms.push(form);
            }
        }
        self.forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    }

    /// Adds every string inside a JSON value (a sensitive field's value may be an object or a
    /// list of secrets).
    pub(crate) fn add_json(&mut self, value: &Value) {
        match value {
            Value::String(s) => self.add(s),
            Value::Number(n) => self.add(&n.to_string()),
            Value::Array(items) => items.iter().for_each(|v| self.add_json(v)),
            Value::Object(map) => map.values().for_each(|v| self.add_json(v)),
            Value::Bool(_) | Value::Null => {}
        }
    }

    /// Adds the values of the sensitive keys of a JSON request body, by the name rule.
    pub(crate) fn add_from_body(&mut self, body: &[u8]) {
        let Ok(text) = std::str::from_utf8(body) else { return };
        redact::sensitive_values(text, |_, start, end| {
            if let Ok(value) = serde_json::from_str::<Value>(&text[start..end]) {
                self.add_json(&value);
            }
        });
    }

    /// Adds all the values of another set.
    pub(crate) fn extend(&mut self, other: &Secrets) {
        for form in &other.forms {
            if !self.forms.contains(form) {
                self.forms.push(form.clone());
            }
        }
        self.forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    }

    /// Whether `text` is exactly one of the values.
    pub(crate) fn contains(&self, text: &str) -> bool {
        self.forms.iter().any(|f| f == text)
    }

    /// `text` with every occurrence of a secret replaced by `<redacted>`; one linear pass per
    /// form.
    pub(crate) fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut text = Cow::Borrowed(text);
        for form in &self.forms {
            if text.contains(form.as_str()) {
                text = Cow::Owned(text.replace(form.as_str(), REDACTED));
            }
        }
        text
    }

    /// Scrubs every string and every key of a JSON value, in place.
    pub(crate) fn scrub_json(&self, value: &mut Value) {
        if self.forms.is_empty() {
            return;
        }
        match value {
            Value::String(s) => {
                if let Cow::Owned(scrubbed) = self.scrub(s) {
                    *s = scrubbed;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            Value::Object(map) => {
                let dirty_keys = map.keys().any(|k| matches!(self.scrub(k), Cow::Owned(_)));
                if dirty_keys {
                    let entries = std::mem::take(map);
                    for (k, v) in entries {
                        map.insert(self.scrub(&k).into_owned(), v);
                    }
                }
                map.values_mut().for_each(|v| self.scrub_json(v));
            }
            Value::Number(_) | Value::Bool(_) | Value::Null => {}
        }
    }

    /// The start of a body, at most `chars` characters, fit to show: cut from a bounded prefix
    /// before anything else is done, scrubbed of the secret values, with sensitive keys'
    /// values redacted by name, and `…` when there is more. `more` says that `body` is itself
    /// only the start of a longer body.
    pub(crate) fn excerpt(&self, body: &[u8], chars: usize, more: bool) -> String {
        let longest = self.forms.first().map_or(0, String::len);
        let mut end = body.len().min(EXCERPT_WINDOW.saturating_add(longest));
        let more = more || end < body.len();
        // Also when the body is whole: a server that cut its answer inside a secret must not
        // show the secret's first half.
        end = self.cut_before_partial(&body[..end]);
        let window = String::from_utf8_lossy(&body[..end]);
        let scrubbed = self.scrub(&window);
        let redacted = redact::redact_json_text(&scrubbed);
        let mut shown: String = redacted.chars().take(chars).collect();
        if shown.len() < redacted.len() || more {
            shown.push('…');
        }
        shown
    }

    /// Where to end a window of a longer body so that it does not end with the beginning of a
    /// secret, which scrubbing could not recognize.
    fn cut_before_partial(&self, window: &[u8]) -> usize {
        let end = window.len();
        let mut cut = end;
        for form in &self.forms {
            let form = form.as_bytes();
            for start in end.saturating_sub(form.len().saturating_sub(1))..end {
                if start < cut && window[start] == form[0] && form.starts_with(&window[start..]) {
                    cut = start;
                    break;
                }
            }
        }
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(values: &[&str]) -> Secrets {
        let mut s = Secrets::default();
        values.iter().for_each(|v| s.add(v));
        s
    }

    #[test]
    fn every_form_of_a_value_is_scrubbed() {
        let s = secrets(&["access-sandbox-1/2 \"x\"", "short"]);
        let text = r#"raw access-sandbox-1/2 "x" json access-sandbox-1/2 \"x\" url access-sandbox-1%2F2%20%22x%22 short"#;
        assert_eq!(s.scrub(text), "raw <redacted> json <redacted> url <redacted> short");
        assert!(!format!("{s:?}").contains("sandbox"));
    }

    #[test]
    fn a_window_never_ends_in_part_of_a_secret() {
        let s = secrets(&["SECRET-abcdefgh"]);
        for pad in 0..40 {
            let body = format!("{}SECRET-abcdefgh{}", "x".repeat(EXCERPT_WINDOW - 20 + pad), "y".repeat(100));
            let shown = s.excerpt(body.as_bytes(), usize::MAX, false);
            assert!(!shown.contains("SECRET-a"), "{pad}: {}", &shown[shown.len().saturating_sub(40)..]);
        }
    }

    #[test]
    fn a_body_ending_inside_a_secret_does_not_show_its_start() {
        let s = secrets(&["SECRET-abcdefgh"]);
        assert_eq!(s.excerpt(b"error: SECRET-abcd", 300, false), "error: ");
    }

    /// Random JSON-ish documents (nested, truncated, or not JSON at all) with secrets planted
    /// in values under sensitive keys of every case style and, by value, anywhere: none
    /// survives an excerpt.
    #[test]
    fn no_planted_secret_survives_an_excerpt() {
        for seed in 0..400 {
            let mut rng = fastrand::Rng::with_seed(seed);
            let mut planted = Planted { rng: rng.fork(), by_key: Vec::new(), known: Vec::new() };
            let mut doc = String::new();
            if rng.bool() {
                planted.value(&mut doc, 0);
            } else {
                planted.prose(&mut doc);
            }
            let cut = if rng.u8(..4) == 0 { rng.usize(..=doc.len()) } else { doc.len() };
            let cut = (0..=cut).rev().find(|&c| doc.is_char_boundary(c)).unwrap_or(0);
            let doc = &doc[..cut];
            let known = secrets(&planted.known.iter().map(String::as_str).collect::<Vec<_>>());
            let shown = known.excerpt(doc.as_bytes(), usize::MAX, false);
            for secret in planted.by_key.iter().chain(&planted.known) {
                // A secret cut by the document's own end shows only as its prefix, if at all.
                if doc.contains(secret.as_str()) {
                    assert!(!shown.contains(secret.as_str()), "seed {seed}: `{secret}` survived in {shown}");
                }
            }
        }
    }

    struct Planted {
        rng: fastrand::Rng,
        by_key: Vec<String>,
        known: Vec<String>,
    }

    impl Planted {
        fn secret(&mut self, tag: &str) -> String {
            format!("{tag}-{:016x}", self.rng.u64(..))
        }

        fn sensitive_key(&mut self) -> String {
            let styles = ["access_token", "accessToken", "AccessToken", "ACCESS_TOKEN", "access-token", "plaidSecret", "PLAID_SECRET", "user password", "SSN", "ssnLast4"];
            styles[self.rng.usize(..styles.len())].to_string()
        }

        fn value(&mut self, out: &mut String, depth: usize) {
            match if depth > 6 { self.rng.u8(3..6) } else { self.rng.u8(..6) } {
                0 | 1 => {
                    out.push('{');
                    for i in 0..self.rng.usize(..5) {
                        if i > 0 {
                            out.push(',');
                        }
                        if self.rng.u8(..3) == 0 {
                            let key = self.sensitive_key();
                            let secret = self.secret("bykey");
                            out.push_str(&format!("{}:", serde_json::to_string(&key).unwrap_or_default()));
                            if self.rng.bool() {
                                out.push_str(&serde_json::to_string(&secret).unwrap_or_default());
                            } else {
                                out.push_str(&format!("{{\"inner\": [\"{secret}\", 1]}}"));
                            }
                            self.by_key.push(secret);
                        } else {
                            out.push_str(&format!("\"k{i}\": "));
                            self.value(out, depth + 1);
                        }
                    }
                    out.push('}');
                }
                2 => {
                    out.push('[');
                    for i in 0..self.rng.usize(..4) {
                        if i > 0 {
                            out.push(',');
                        }
                        self.value(out, depth + 1);
                    }
                    out.push(']');
                }
                3 => {
                    let secret = self.secret("known");
                    out.push_str(&serde_json::to_string(&format!("text {secret} \" more")).unwrap_or_default());
                    self.known.push(secret);
                }
                4 => out.push_str(&self.rng.i64(..).to_string()),
                _ => out.push_str("\"plain \\\" text é\""),
            }
        }

        fn prose(&mut self, out: &mut String) {
            for _ in 0..self.rng.usize(1..20) {
                if self.rng.bool() {
                    let secret = self.secret("known");
                    out.push_str(&format!("PLAID-SECRET: {secret}\r\n"));
                    self.known.push(secret);
                } else {
                    out.push_str("<p>proxy page é</p>\n");
                }
            }
        }
    }

    #[test]
    fn json_keys_and_values_are_scrubbed() {
        let s = secrets(&["tok-123456"]);
        let mut v = serde_json::json!({"tok-123456": ["a tok-123456 b", {"k": "tok-123456"}]});
        s.scrub_json(&mut v);
        assert_eq!(v, serde_json::json!({"<redacted>": ["a <redacted> b", {"k": "<redacted>"}]}));
    }

    #[test]
    fn sensitive_body_values_are_collected() {
        let mut s = Secrets::default();
        s.add_from_body(br#"{"access_token":"access-sandbox-9","options":{"secrets":["s-0000001"],"count":1},"name":"visible-name"}"#);
        assert!(s.contains("access-sandbox-9") && s.contains("s-0000001"));
        assert!(!s.contains("visible-name"));
    }
}
