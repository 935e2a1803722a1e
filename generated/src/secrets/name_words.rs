//! The words of a field or JSON key name, as the redaction rule reads them.
//!
//! This one file serves both sides of the rule: the runtime (`redact`) and the generator
//! (`generator/src/sensitivity.rs` includes it by path), so the generator's decision on a
//! field and the runtime's decision on an unknown key of the same name cannot drift apart.
//! It uses nothing but `std`.

/// The lower-case words of `name`. Words end at every character that is not an ASCII letter or
/// digit (`access_token`, `access-token`), where a lower-case letter or digit meets an
/// upper-case one (`accessToken`, `AccessToken`), and before the last capital of a run that a
/// lower-case letter follows (`PLAIDSecret` is `plaid`, `secret`).
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !word.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if prev.is_ascii_lowercase() || prev.is_ascii_digit() || (prev.is_ascii_uppercase() && next_lower) {
                words.push(std::mem::take(&mut word));
            }
        }
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn every_case_style_splits_into_the_same_words() {
        for name in ["access_token", "accessToken", "AccessToken", "ACCESS_TOKEN", "access-token", "Access Token"] {
            assert_eq!(words(name), ["access", "token"], "{name}");
        }
        assert_eq!(words("PLAIDSecret"), ["plaid", "secret"]);
        assert_eq!(words("ssnLast4"), ["ssn", "last4"]);
        assert_eq!(words("ssn_last_4"), ["ssn", "last", "4"]);
        assert_eq!(words("tokenize"), ["tokenize"]);
        assert_eq!(words("é_token"), ["token"]);
        assert!(words("").is_empty() && words("__").is_empty());
    }
}
