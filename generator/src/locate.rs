//! Finds the line of a JSON pointer in YAML source text, so diagnostics can say where.
//!
//! The YAML parser keeps no positions once a document is deserialized, so this scans the text by
//! indentation. It understands block-style mappings and sequences, which is what specs are
//! written in; for anything else it gives up and returns `None` rather than guess. A node an
//! overlay changed also has a place in the overlay ([`Touch`]).

use std::path::PathBuf;

/// Returns the 1-based line at which `pointer` (e.g. `/components/schemas/Item`) starts, or
/// of its deepest ancestor that can be found (a key inside a flow mapping `{type: x}` has no
/// line of its own).
pub fn line_of(text: &str, pointer: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0usize;
    let mut parent_indent: isize = -1;
    let mut found_line = None;
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        let Some((line, indent)) = find_child(&lines, start, parent_indent, &seg) else { break };
        found_line = Some(line + 1);
        start = line;
        parent_indent = indent;
    }
    found_line
}

/// Finds the child `seg` of the node whose entries are indented deeper than `parent_indent`,
/// searching from line `start`. Returns the line index and the indentation of the child's key.
fn find_child(lines: &[&str], start: usize, parent_indent: isize, seg: &str) -> Option<(usize, isize)> {
    let index: Option<usize> = seg.parse().ok();
    let mut item = 0usize;
    let mut child_indent: Option<isize> = None;
    // The first line may hold the parent key itself (or a `- key:` item), so start after it,
    // unless this is the document root.
    let first = if parent_indent < 0 { start } else { start + 1 };
    // A sequence item may put its first key on the dash line: `- name: x`.
    if parent_indent >= 0 {
        if let Some(rest) = lines.get(start).and_then(|l| dash_rest(l)) {
            let (indent, body) = rest;
            if key_matches(body, seg) {
                return Some((start, indent));
            }
        }
    }
    for (i, line) in lines.iter().enumerate().skip(first) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = (line.len() - trimmed.len()) as isize;
        if indent <= parent_indent && !(indent == parent_indent && trimmed.starts_with("- ")) {
            return None;
        }
        let ci = *child_indent.get_or_insert(indent);
        if indent != ci {
            continue;
        }
        if let Some(n) = index {
            if trimmed.starts_with('-') {
                if item == n {
                    return Some((i, indent));
                }
                item += 1;
                continue;
            }
        }
        if key_matches(trimmed, seg) {
            return Some((i, indent));
        }
    }
    None
}

/// For a `- key: value` line, the indentation of `key` and the text from `key` on.
fn dash_rest(line: &str) -> Option<(isize, &str)> {
    let trimmed = line.trim_start();
    let after = trimmed.strip_prefix("- ")?;
    let body = after.trim_start();
    let indent = (line.len() - body.len()) as isize;
    Some((indent, body))
}

fn key_matches(entry: &str, seg: &str) -> bool {
    let Some(key) = entry.split_once(':').map(|(k, _)| k.trim()) else {
        return false;
    };
    let unquoted = key
        .strip_prefix('\'')
        .and_then(|k| k.strip_suffix('\''))
        .or_else(|| key.strip_prefix('"').and_then(|k| k.strip_suffix('"')))
        .unwrap_or(key);
    unquoted == seg
}

/// A node an overlay action changed: where it is in the spec file, and which action changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch {
    /// The node's JSON pointer in the spec file (for a removed node, where it was).
    pub pointer: String,
    /// The overlay file.
    pub overlay: PathBuf,
    /// The 1-based line of the action in the overlay file, when it can be found.
    pub line: Option<usize>,
    /// The action's index in `actions`.
    pub action: usize,
}

impl Touch {
    /// `file:line, action N`, as a diagnostic names it.
    pub fn describe(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}, action {}", self.overlay.display(), self.action),
            None => format!("{}, action {}", self.overlay.display(), self.action),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::line_of;

    const DOC: &str = "openapi: 3.0.0\npaths:\n  /a/b:\n    post:\n      operationId: x\ncomponents:\n  schemas:\n    Foo:\n      type: object\n      required:\n      - one\n      - two\n    'Bar':\n      type: string\n";

    #[test]
    fn finds_nested_keys_sequences_and_escapes() {
        assert_eq!(line_of(DOC, "/paths/~1a~1b/post"), Some(4));
        assert_eq!(line_of(DOC, "/components/schemas/Foo/required/1"), Some(12));
        assert_eq!(line_of(DOC, "/components/schemas/Bar"), Some(13));
        // Missing keys give the deepest ancestor found.
        assert_eq!(line_of(DOC, "/components/schemas/Missing"), Some(7));
        assert_eq!(line_of(DOC, "/paths/~1a~1b/get"), Some(3));
        assert_eq!(line_of(DOC, "/nothing"), None);
    }
}
