//! Bounds on the work hostile input can cause, each checked before the work starts: a spec or
//! overlay file's size, how deep its YAML collections nest (libyaml's scanner takes time
//! quadratic in the depth of flow collections), an overlay target's length, nesting and
//! descendant searches
//! (RFC 9535 evaluation multiplies by each `..`), the nodes one target may match, and how much
//! the updates may grow the specs. Each failure is a located `E0016 limit` error; no limit is
//! near what a real Plaid spec or a maintainer's overlay needs (the complete spec is 2.1 MB and
//! nests collections under 30 deep).

/// The largest spec or overlay file read.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// How deep YAML collections (block or flow) may nest.
pub const MAX_YAML_DEPTH: usize = 100;
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

/// Where YAML collections first nest deeper than [`MAX_YAML_DEPTH`], as `(line, column)`, or
/// `None` (a document that is not YAML is left for the real parse to report).
///
/// The document is read by libyaml itself, the parser serde_yaml runs, one event at a time:
/// no guess about quotes, block scalars or comments can differ from the real parse, and the
/// read stops at the first collection past the limit. libyaml's cost per token grows with the
/// flow depth and it looks at most 1,024 characters ahead, so stopping there keeps the whole
/// pass linear in the input.
pub fn yaml_depth(text: &str) -> Option<(usize, usize)> {
    use std::mem::MaybeUninit;
    // SAFETY: the parser is initialized before use and deleted once, on every path; its input is
    // `text`, which outlives it; each event is deleted after it is read, and read only after
    // `yaml_parser_parse` succeeded and filled it.
    unsafe {
        let mut parser = MaybeUninit::<unsafe_libyaml::yaml_parser_t>::uninit();
        if unsafe_libyaml::yaml_parser_initialize(parser.as_mut_ptr()).fail {
            return None;
        }
        let parser = parser.as_mut_ptr();
        unsafe_libyaml::yaml_parser_set_input_string(parser, text.as_ptr(), text.len() as u64);
        let mut depth = 0usize;
        let mut found = None;
        let mut event = MaybeUninit::<unsafe_libyaml::yaml_event_t>::uninit();
        while !unsafe_libyaml::yaml_parser_parse(parser, event.as_mut_ptr()).fail {
            let (kind, mark) = {
                let read = &*event.as_ptr();
                (read.type_, read.start_mark)
            };
            unsafe_libyaml::yaml_event_delete(event.as_mut_ptr());
            match kind {
                unsafe_libyaml::YAML_SEQUENCE_START_EVENT | unsafe_libyaml::YAML_MAPPING_START_EVENT => {
                    depth += 1;
                    if depth > MAX_YAML_DEPTH {
                        found = Some((mark.line as usize + 1, mark.column as usize + 1));
                        break;
                    }
                }
                unsafe_libyaml::YAML_SEQUENCE_END_EVENT | unsafe_libyaml::YAML_MAPPING_END_EVENT => depth = depth.saturating_sub(1),
                unsafe_libyaml::YAML_STREAM_END_EVENT => break,
                _ => {}
            }
        }
        unsafe_libyaml::yaml_parser_delete(parser);
        found
    }
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
    fn nesting_is_found_where_it_passes_the_limit() {
        let deep = format!("a: {}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(yaml_depth(&deep), Some((1, 3 + MAX_YAML_DEPTH)));
        let shallow = "a: [1, {b: [2]}]\nc: \"[[[[[[\"\nd: 'it''s [[[['\n# [[[[[[[[\ne: |\n  [[[[[[[[\n";
        assert_eq!(yaml_depth(shallow), None);
        // A quote that a text scanner could take for the start of a string does not hide what
        // the parser sees: the quote on the plain scalar's next line is text.
        let hidden = format!("a: text\n  \"\nb: {}", "[".repeat(200));
        assert_eq!(yaml_depth(&hidden), Some((3, 3 + MAX_YAML_DEPTH)));
        // Block nesting counts too; broken YAML is left to the real parse.
        let block: String = (0..150).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        assert!(yaml_depth(&block).is_some());
        assert_eq!(yaml_depth("a: [1, 2"), None);
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
