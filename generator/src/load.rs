//! Loading: spec files from disk into parsed OpenAPI documents, with the file and line of every
//! error. Nothing here knows about Rust.

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, Diagnostics};

/// One spec file, read and parsed.
#[derive(Debug, Clone)]
pub struct SpecFile {
    /// The path it was read from, as given.
    pub path: PathBuf,
    /// The file stem (`accounts` for `specs/accounts.yml`): the spec's group name.
    pub stem: String,
    /// The source text, kept to locate diagnostics.
    pub text: String,
    /// The parsed document.
    pub doc: openapiv3::OpenAPI,
    /// The same document as JSON, as read (and as overlays changed it): `resolve` walks it for
    /// `$ref`s without serializing the typed document again.
    pub json: serde_json::Value,
    /// The nodes overlays changed, so that a diagnostic about one names the overlay action too.
    pub overlaid: Vec<crate::locate::Touch>,
}

/// Expands the inputs (files, or folders of `*.yml`/`*.yaml` files) into a sorted list of files,
/// so that the output does not depend on directory order.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostics> {
    let mut files = Vec::new();
    let mut diags = Diagnostics::default();
    for input in inputs {
        if input.is_dir() {
            match std::fs::read_dir(input) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| is_yaml(p))
                        .collect();
                    found.sort();
                    if found.is_empty() {
                        diags.push(Diagnostic::error(Code::Io, "folder holds no .yml or .yaml spec").in_file(input));
                    }
                    files.extend(found);
                }
                Err(e) => diags.push(Diagnostic::error(Code::Io, format!("cannot read folder: {e}")).in_file(input)),
            }
        } else {
            files.push(input.clone());
        }
    }
    diags.into_result()?;
    Ok(files)
}

fn is_yaml(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml"))
}

/// Reads and parses every file; reports every unreadable or invalid file at once.
pub fn load(files: &[PathBuf]) -> Result<Vec<SpecFile>, Diagnostics> {
    let mut specs = Vec::new();
    let mut diags = Diagnostics::default();
    for path in files {
        match load_one(path) {
            Ok(spec) => specs.push(spec),
            Err(d) => diags.push(d),
        }
    }
    diags.into_result()?;
    Ok(specs)
}

/// Reads and parses one file.
pub fn load_one(path: &Path) -> Result<SpecFile, Diagnostic> {
    let text = read_bounded(path, "spec")?;
    parse(path, text)
}

/// A file's text, refused before reading when it is larger than [`crate::limits::MAX_FILE_BYTES`].
pub fn read_bounded(path: &Path, what: &str) -> Result<String, Diagnostic> {
    let size = std::fs::metadata(path).map_err(|e| Diagnostic::error(Code::Io, format!("cannot read {what}: {e}")).in_file(path))?.len();
    crate::limits::file_size(size).map_err(|why| Diagnostic::error(Code::Limit, why).in_file(path))?;
    std::fs::read_to_string(path).map_err(|e| Diagnostic::error(Code::Io, format!("cannot read {what}: {e}")).in_file(path))
}

/// Refuses YAML whose collections nest deeper than [`crate::limits::MAX_YAML_DEPTH`], before
/// the YAML parser builds anything of it.
pub fn check_yaml_depth(path: &Path, text: &str) -> Result<(), Diagnostic> {
    match crate::limits::yaml_depth(text) {
        None => Ok(()),
        Some((line, column)) => Err(Diagnostic::error(
            Code::Limit,
            format!("YAML collections nest more than {} deep here", crate::limits::MAX_YAML_DEPTH),
        )
        .in_file(path)
        .at_line(Some(line))
        .at_column(Some(column))),
    }
}

/// Parses spec text that was read from `path`.
///
/// The YAML is read into a JSON value first and the OpenAPI document from that value: errors in
/// the YAML itself carry serde_yaml's line, errors in the document's structure the JSON pointer
/// of the offending node (found with `serde_path_to_error`) and its line. Reading from a JSON
/// value also keeps clear of an `openapiv3` panic on some malformed input, where its second,
/// error-reporting parse of a `$ref`-or-schema node succeeds after the first failed (found by
/// the fuzz test).
pub fn parse(path: &Path, text: String) -> Result<SpecFile, Diagnostic> {
    check_yaml_depth(path, &text)?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("spec").to_string();
    let value: serde_json::Value = serde_yaml::from_str(&text).map_err(|e| {
        let location = e.location();
        Diagnostic::error(Code::Syntax, format!("invalid YAML: {}", first_sentence(&e.to_string())))
            .in_file(path)
            .at_line(location.as_ref().map(|l| l.line()))
            .at_column(location.as_ref().map(|l| l.column()))
    })?;
    let doc = document(path, &text, &value)?;
    Ok(SpecFile { path: path.to_path_buf(), stem, text, doc, json: value, overlaid: Vec::new() })
}

/// Reads the OpenAPI document again from the file's JSON, after an overlay changed it: the
/// changed document meets the same checks as one read from disk.
pub fn reparse(spec: &mut SpecFile) -> Result<(), Diagnostic> {
    spec.doc = document(&spec.path, &spec.text, &spec.json)?;
    Ok(())
}

/// The OpenAPI 3.0 document of a file's JSON, or the located reason it is not one.
fn document(path: &Path, text: &str, value: &serde_json::Value) -> Result<openapiv3::OpenAPI, Diagnostic> {
    check_kind(path, text, value)?;
    let parsed = std::panic::catch_unwind(|| serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(value));
    let doc = match parsed {
        Ok(Ok(doc)) => doc,
        Ok(Err(e)) => {
            let pointer = json_pointer(e.path());
            return Err(Diagnostic::error(Code::Syntax, format!("not a valid OpenAPI document: {}", first_sentence(&e.inner().to_string())))
                .in_file(path)
                .at_line(crate::locate::line_of(text, &pointer))
                .at_pointer(pointer));
        }
        Err(_) => {
            return Err(Diagnostic::error(Code::Internal, "the OpenAPI parser failed on this document; please report it with the file")
                .in_file(path))
        }
    };
    if !doc.openapi.starts_with("3.0.") {
        return Err(Diagnostic::error(
            Code::Version,
            format!("OpenAPI version {} is not supported; the generator reads OpenAPI 3.0.x", doc.openapi),
        )
        .in_file(path)
        .at_line(crate::locate::line_of(text, "/openapi"))
        .at_pointer("/openapi"));
    }
    Ok(doc)
}

/// Tells what kind of document it is before reading it as OpenAPI 3.0: Swagger 2.0, OpenAPI
/// 3.1, or not an API description at all.
fn check_kind(path: &Path, text: &str, value: &serde_json::Value) -> Result<(), Diagnostic> {
    let at = |pointer: &str| crate::locate::line_of(text, pointer);
    let Some(map) = value.as_object() else {
        return Err(Diagnostic::error(Code::Syntax, "not an OpenAPI document: the file is not a YAML mapping").in_file(path).at_line(Some(1)));
    };
    if let Some(v) = map.get("swagger") {
        return Err(Diagnostic::error(
            Code::Version,
            format!("this is a Swagger {} document; the generator reads OpenAPI 3.0.x (convert it first)", plain(v)),
        )
        .with_hint("convert it with swagger2openapi or editor.swagger.io, then regenerate")
        .in_file(path)
        .at_line(at("/swagger"))
        .at_pointer("/swagger"));
    }
    let Some(version) = map.get("openapi") else {
        return Err(Diagnostic::error(Code::Syntax, "not an OpenAPI document: the `openapi` key is missing").in_file(path).at_line(Some(1)));
    };
    let version = plain(version);
    if !version.starts_with("3.0.") {
        return Err(Diagnostic::error(Code::Version, format!("OpenAPI version {version} is not supported; the generator reads OpenAPI 3.0.x"))
            .with_hint("3.1 changed `nullable` and `example`; write the spec as 3.0.x")
            .in_file(path)
            .at_line(at("/openapi"))
            .at_pointer("/openapi"));
    }
    // `info.version` is written into generated files, a manifest and a changelog heading.
    if let Some(version) = map.get("info").and_then(|i| i.get("version")).and_then(serde_json::Value::as_str) {
        if version.chars().any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}')) || version.len() > 200 {
            return Err(Diagnostic::error(Code::Syntax, "`info.version` must be one line of at most 200 characters without control characters")
                .in_file(path)
                .at_line(at("/info/version"))
                .at_pointer("/info/version"));
        }
    }
    if !map.contains_key("paths") {
        return Err(Diagnostic::error(Code::Syntax, "not a valid OpenAPI document: `paths` is missing")
            .with_hint("a spec with no operations still needs `paths: {}`")
            .in_file(path)
            .at_line(Some(1)));
    }
    Ok(())
}

/// A scalar as its text (`2.0`, not `"2.0"`).
fn plain(v: &serde_json::Value) -> String {
    v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())
}

/// serde's messages end with a position that the diagnostic shows in its own way.
fn first_sentence(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// A `serde_path_to_error` path as a JSON pointer.
fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        let part = match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => key.clone(),
            Segment::Enum { variant } => variant.clone(),
            Segment::Unknown => continue,
        };
        pointer.push('/');
        pointer.push_str(&crate::diag::pointer_segment(&part));
    }
    pointer
}
