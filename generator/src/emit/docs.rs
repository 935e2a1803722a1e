//! Spec descriptions (CommonMark) made safe for rustdoc.
//!
//! rustdoc reads doc comments as markdown too, but with extras that spec text trips over: an
//! indented or fenced block is compiled as a doctest, `[word]` is an intra-doc link, `<word>` is
//! an HTML tag, and a bare URL is a lint warning. Each of those is neutralised here, outside
//! code spans, so that `cargo doc` shows the text as the spec meant it and stays warning-free.

/// Rewrites one description for rustdoc.
pub fn sanitize(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            // Fences become plain text blocks so rustdoc never compiles them.
            out.push(if in_fence { "```".to_string() } else { "```text".to_string() });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_string());
            continue;
        }
        // Leading indentation would start an indented code block (a doctest); lists survive
        // without it because every item line starts with its marker.
        out.push(inline(trimmed.trim_end()));
    }
    if in_fence {
        out.push("```".to_string());
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// Escapes one line outside code spans.
fn inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                // Copy a code span verbatim, up to the matching backtick (or the end).
                let end = chars[i + 1..].iter().position(|&d| d == '`').map(|p| i + 1 + p);
                match end {
                    Some(end) => {
                        out.extend(&chars[i..=end]);
                        i = end + 1;
                    }
                    None => {
                        out.push_str("\\`");
                        i += 1;
                    }
                }
                continue;
            }
            '[' => {
                // A markdown link `[text](url)` stays; any other bracket is escaped.
                if let Some(close) = find_link_end(&chars, i) {
                    let text: String = chars[i + 1..close].iter().collect();
                    let url_end = chars[close + 2..].iter().position(|&d| d == ')').map(|p| close + 2 + p);
                    if let Some(url_end) = url_end {
                        let url: String = chars[close + 2..url_end].iter().collect();
                        out.push('[');
                        out.push_str(&inline(&text));
                        out.push_str("](");
                        out.push_str(&url);
                        out.push(')');
                        i = url_end + 1;
                        continue;
                    }
                }
                out.push_str("\\[");
            }
            ']' => out.push_str("\\]"),
            '<' => {
                // `<https://...>` is an autolink and stays; anything else is not a tag.
                let rest: String = chars[i..].iter().take(9).collect();
                if rest.starts_with("<http") && chars[i..].contains(&'>') {
                    let end = chars[i..].iter().position(|&d| d == '>').map(|p| i + p).unwrap_or(i);
                    out.extend(&chars[i..=end]);
                    i = end + 1;
                    continue;
                }
                out.push_str("&lt;");
            }
            '>' => out.push_str("&gt;"),
            'h' if starts_url(&chars[i..]) && !after_link_paren(&out) => {
                let end = chars[i..]
                    .iter()
                    .position(|&d| d.is_whitespace() || d == ')' || d == '`' || d == '"' || d == '\'' || d == '<' || d == '>')
                    .map(|p| i + p)
                    .unwrap_or(chars.len());
                let mut url: String = chars[i..end].iter().collect();
                let mut tail = String::new();
                while url.ends_with(['.', ',', ';', ':']) {
                    tail.insert(0, url.pop().unwrap_or_default());
                }
                out.push('<');
                out.push_str(&url);
                out.push('>');
                out.push_str(&tail);
                i = end;
                continue;
            }
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn starts_url(chars: &[char]) -> bool {
    let head: String = chars.iter().take(8).collect();
    head.starts_with("http://") || head.starts_with("https://")
}

fn after_link_paren(out: &str) -> bool {
    out.ends_with("](")
}

/// For `[` at `open`, the index of the `]` that is directly followed by `(`.
fn find_link_end(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (j, &c) in chars.iter().enumerate().skip(open) {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return (chars.get(j + 1) == Some(&'(')).then_some(j);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn neutralises_rustdoc_hazards() {
        assert_eq!(sanitize("see https://plaid.com."), "see <https://plaid.com>.");
        assert_eq!(sanitize("a [link](https://x.y/z) stays"), "a [link](https://x.y/z) stays");
        assert_eq!(sanitize("[note] and <b>"), "\\[note\\] and &lt;b&gt;");
        assert_eq!(sanitize("`a <b> [c]` code"), "`a <b> [c]` code");
        assert_eq!(sanitize("x\n\n    indented"), "x\n\nindented");
        assert_eq!(sanitize("```\nfn x\n```"), "```text\nfn x\n```");
    }
}
