//! Bounds on the work hostile input can cause, each checked before the work starts: a spec or
//! overlay file's size, how deep its YAML flow collections nest (libyaml's scanner takes time
//! quadratic in that depth), an overlay target's length, nesting and descendant searches
//! (RFC 9535 evaluation multiplies by each `..`), the nodes one target may match, and how much
//! the updates may grow the specs. Each failure is a located `E0016 limit` error; no limit is
//! near what a real Plaid spec or a maintainer's overlay needs (the complete spec is 2.1 MB and
//! nests flow collections 3 deep).

/// The largest spec or overlay file read.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// How deep YAML flow collections (`[`, `{`) may nest.
pub const MAX_FLOW_DEPTH: usize = 64;
/// The longest overlay target, in characters.
pub const MAX_TARGET_CHARS: usize = 1024;
/// How deep brackets and parentheses may nest in an overlay target (filters in filters).
pub const MAX_TARGET_NESTING: usize = 16;
/// How many descendant segments (`..`) one target may hold, filters included: each multiplies
/// the nodes visited by the depth of the document.
pub const MAX_DESCENDANT_SEGMENTS: usize = 1;
/// How many nodes one action's target may match, in all spec files together.
pub const MAX_MATCHES: usize = 10_000;
/// How many bytes of JSON all updates together may add to the specs.
pub const MAX_GROWTH_BYTES: usize = 64 * 1024 * 1024;
/// How many diagnostics a run prints; the rest are counted.
pub const MAX_PRINTED_DIAGNOSTICS: usize = 50;

/// Why a file of `bytes` bytes is not read, if it is not.
pub fn file_size(bytes: u64) -> Result<(), String> {
    if bytes > MAX_FILE_BYTES {
        return Err(format!("the file is {bytes} bytes; the limit is {MAX_FILE_BYTES} bytes"));
    }
    Ok(())
}

/// Where YAML flow collections first nest deeper than [`MAX_FLOW_DEPTH`], as `(line, column)`,
/// found in one linear pass. Comments, quoted scalars and block scalars' text are skipped as
/// well as a scanner can without parsing; prose brackets that are miscounted only raise the
/// count, and real documents stay far below the limit.
pub fn flow_depth(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let (mut depth, mut line, mut line_start) = (0usize, 1usize, 0usize);
    // What the previous significant byte was: a quote opens a quoted scalar only where a
    // scalar can start (after indentation, `: `, `- `, `[`, `{`, `,` or `? `).
    let mut scalar_can_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line += 1;
                line_start = i + 1;
                scalar_can_start = true;
            }
            b'#' if i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t' || bytes[i - 1] == b'\n' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' | b'"' if scalar_can_start => {
                let quote = b;
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' if quote == b'"' => i += 1,
                        b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
                        c if c == quote => break,
                        b'\n' => {
                            line += 1;
                            line_start = i + 1;
                        }
                        _ => {}
                    }
                    i += 1;
                }
                scalar_can_start = false;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some((line, i - line_start + 1));
                }
                scalar_can_start = true;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                scalar_can_start = false;
            }
            b',' => scalar_can_start = true,
            b' ' | b'\t' => {
                // `: `, `- ` and `? ` end with this space; indentation keeps the state.
                if i > 0 && matches!(bytes[i - 1], b':' | b'-' | b'?') {
                    scalar_can_start = true;
                }
            }
            _ => scalar_can_start = false,
        }
        i += 1;
    }
    None
}

/// Why an overlay target is too costly to evaluate, if it is: checked on its text before it is
/// parsed, so that neither the parser's recursion nor the evaluation can run away.
pub fn target(text: &str) -> Result<(), String> {
    let chars = text.chars().count();
    if chars > MAX_TARGET_CHARS {
        return Err(format!("the target is {chars} characters; the limit is {MAX_TARGET_CHARS}"));
    }
    let (mut depth, mut deepest, mut descendants) = (0usize, 0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut previous = '\0';
    let mut escaped = false;
    for c in text.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '"' => quote = Some(c),
                '[' | '(' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                ']' | ')' => depth = depth.saturating_sub(1),
                '.' if previous == '.' => {
                    descendants += 1;
                    // `...` is not two descendant segments.
                    previous = '\0';
                    continue;
                }
                _ => {}
            },
        }
        previous = c;
    }
    if deepest > MAX_TARGET_NESTING {
        return Err(format!("the target nests brackets and parentheses {deepest} deep; the limit is {MAX_TARGET_NESTING}"));
    }
    if descendants > MAX_DESCENDANT_SEGMENTS {
        return Err(format!(
            "the target searches with `..` {descendants} times; the limit is {MAX_DESCENDANT_SEGMENTS} (each multiplies the nodes visited by the document's depth)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_depth_is_found_where_it_passes_the_limit() {
        let deep = format!("a: {}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(flow_depth(&deep), Some((1, 4 + MAX_FLOW_DEPTH)));
        let shallow = "a: [1, {b: [2]}]\nc: \"[[[[[[\"\nd: 'it''s [[[['\n# [[[[[[[[\n";
        assert_eq!(flow_depth(shallow), None);
        // An apostrophe inside a plain scalar opens no quoted scalar that could hide brackets.
        let hidden = format!("a: don't\nb: {}", "[".repeat(100));
        assert_eq!(flow_depth(&hidden), Some((2, 4 + MAX_FLOW_DEPTH)));
    }

    #[test]
    fn costly_targets_are_refused_before_parsing() {
        assert!(target("$.paths['/a..b'].post").is_ok());
        assert!(target("$..[?@.name == 'x']").is_ok());
        assert!(target("$..*..*..*..*..*").is_err_and(|e| e.contains("5 times")));
        assert!(target("$..[?@..x]").is_err());
        assert!(target(&format!("$[?{}@{}]", "(".repeat(5000), ")".repeat(5000))).is_err_and(|e| e.contains("characters")));
        assert!(target(&format!("$[?{}@{}]", "(".repeat(20), ")".repeat(20))).is_err_and(|e| e.contains("deep")));
    }
}
