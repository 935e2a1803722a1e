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
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::error(Code::Io, format!("cannot read spec: {e}")).in_file(path))?;
    parse(path, text)
}

/// Parses spec text that was read from `path`.
pub fn parse(path: &Path, text: String) -> Result<SpecFile, Diagnostic> {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("spec").to_string();
    let doc: openapiv3::OpenAPI = match serde_yaml::from_str(&text) {
        Ok(doc) => doc,
        Err(e) => return Err(explain_parse_error(path, &text, e)),
    };
    if !doc.openapi.starts_with("3.0.") {
        return Err(Diagnostic::error(
            Code::Version,
            format!("OpenAPI version {} is not supported; the generator reads OpenAPI 3.0.x", doc.openapi),
        )
        .in_file(path)
        .at_line(crate::locate::line_of(&text, "/openapi"))
        .at_pointer("/openapi"));
    }
    Ok(SpecFile { path: path.to_path_buf(), stem, text, doc })
}

/// Turns a parse failure into a located diagnostic; tells a Swagger 2.0 file apart from broken YAML.
fn explain_parse_error(path: &Path, text: &str, e: serde_yaml::Error) -> Diagnostic {
    let line = e.location().map(|l| l.line());
    // Only on this error path is the text parsed a second time, to say what kind of document it is.
    if let Ok(serde_yaml::Value::Mapping(m)) = serde_yaml::from_str::<serde_yaml::Value>(text) {
        if let Some(v) = m.get("swagger") {
            let v = serde_yaml::to_string(v).unwrap_or_default();
            return Diagnostic::error(
                Code::Version,
                format!("this is a Swagger {} document; the generator reads OpenAPI 3.0.x (convert it first)", v.trim()),
            )
            .in_file(path)
            .at_line(crate::locate::line_of(text, "/swagger"))
            .at_pointer("/swagger");
        }
        if !m.contains_key("openapi") {
            return Diagnostic::error(Code::Syntax, "not an OpenAPI document: the `openapi` key is missing").in_file(path);
        }
    }
    Diagnostic::error(Code::Syntax, format!("invalid spec: {e}")).in_file(path).at_line(line)
}
