//! Spec descriptions (CommonMark) made safe for rustdoc.
//!
//! rustdoc reads doc comments as markdown too, but with extras that spec text trips over: an
//! indented or fenced block is compiled as a doctest, `[word]` is an intra-doc link, `<word>` is
//! an HTML tag, and a bare URL is a lint warning. Each of those is neutralised here, outside
//! code spans, so that `cargo doc` shows the text as the spec meant it and stays warning-free.

/// Rewrites one description for rustdoc. Spec text is never code: every form CommonMark has
/// for a code block becomes a `text` block, which rustdoc shows and never compiles or runs:
///
/// - fences of backticks or tildes, of any length, also inside block quotes and list items
///   (rustdoc finds doctests there too); an unclosed fence runs to the end, as in CommonMark;
/// - indented code blocks: leading indentation is dropped, so none can start;
/// - HTML (`<pre>`, `<code>`): every `<` outside code spans is escaped, so no tag opens.
///
/// A block's own lines cannot close the `text` fence early: it is longer than any run of
/// backticks inside.
pub fn sanitize(text: &str) -> String {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(open) = fence(line) else {
            // Leading indentation would start an indented code block (a doctest); lists survive
            // without it because every item line starts with its marker.
            out.push(inline(line.trim_start().trim_end()));
            continue;
        };
        let mut body = Vec::new();
        for inner in lines.by_ref() {
            if fence(inner).is_some_and(|close| close.closes(&open)) {
                break;
            }
            body.push(inner.trim_end());
        }
        let longest = body.iter().map(|l| longest_run(l, '`')).max().unwrap_or(0);
        let ticks = "`".repeat(longest.max(2) + 1);
        out.push(format!("{ticks}text"));
        out.extend(body.iter().map(|l| l.to_string()));
        out.push(ticks);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// A code fence line: its character, its length, and whether anything follows it.
struct Fence {
    mark: char,
    len: usize,
    bare: bool,
}

impl Fence {
    /// Whether this line closes a block `open` opened: the same character, at least as many,
    /// nothing after.
    fn closes(&self, open: &Fence) -> bool {
        self.mark == open.mark && self.len >= open.len && self.bare
    }
}

/// The fence a line holds, once the markers of the block quotes and list items it sits in are
/// set aside (`> `, `- `, `* `, `+ `, `1. `, `1) `).
fn fence(line: &str) -> Option<Fence> {
    let mut rest = line.trim_start();
    loop {
        let before = rest;
        if let Some(r) = rest.strip_prefix('>') {
            rest = r.trim_start();
        } else if let Some(r) = rest.strip_prefix(['-', '*', '+']).filter(|r| r.starts_with([' ', '\t'])) {
            rest = r.trim_start();
        } else {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && digits <= 9 {
                if let Some(r) = rest[digits..].strip_prefix(['.', ')']).filter(|r| r.starts_with([' ', '\t'])) {
                    rest = r.trim_start();
                }
            }
        }
        if rest.len() == before.len() {
            break;
        }
    }
    let mark = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|c| *c == mark).count();
    // A backtick fence's info string cannot hold a backtick (CommonMark); a tilde's can.
    let info = &rest[len..];
    (len >= 3 && !(mark == '`' && info.contains('`'))).then(|| Fence { mark, len, bare: info.trim().is_empty() })
}

/// The longest run of `c` in `line`.
fn longest_run(line: &str, c: char) -> usize {
    line.split(|d| d != c).map(str::len).max().unwrap_or(0)
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

    #[test]
    fn every_code_block_form_becomes_text() {
        // Tilde fences, longer fences, fences in quotes and list items, an unclosed fence.
        assert_eq!(sanitize("~~~\nstd::fs::write(\"x\", \"\");\n~~~"), "```text\nstd::fs::write(\"x\", \"\");\n```");
        assert_eq!(sanitize("~~~~rust\na\n~~~\nb\n~~~~\nafter"), "```text\na\n~~~\nb\n```\nafter");
        assert_eq!(sanitize("> ```rust\n> x\n> ```"), "```text\n> x\n```");
        assert_eq!(sanitize("- item\n\n  ```\n  x\n  ```"), "- item\n\n```text\n  x\n```");
        assert_eq!(sanitize("1. ~~~\nx"), "```text\nx\n```");
        // A block holding a backtick fence is wrapped in a longer one.
        assert_eq!(sanitize("~~~\n```\nx\n```\n~~~"), "````text\n```\nx\n```\n````");
        // Indented code and HTML blocks cannot start.
        assert_eq!(sanitize("a\n\n\tx\n        y"), "a\n\nx\ny");
        assert_eq!(sanitize("<pre>\nx\n</pre>"), "&lt;pre&gt;\nx\n&lt;/pre&gt;");
        // Not fences: two marks, a backtick in a backtick fence's info.
        assert_eq!(sanitize("~~ x"), "~~ x");
    }
}
