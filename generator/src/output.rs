//! Output: writing the emitted files into the generated crate, or comparing them with what is
//! there (`regen --check`). Only files that start with the `@generated` header are ever
//! overwritten or removed; hand-written runtime code beside them is never touched.

use std::io;
use std::path::{Path, PathBuf};

use crate::emit::{is_generated, File, MANAGED_DIRS};

/// What happened, or would happen, to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Its contents differ from what the specs produce.
    Differs,
    /// The specs produce it, but it does not exist.
    Missing,
    /// It is a generated file that the specs no longer produce.
    Extra,
}

/// The outcome of a write or a check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Files that are (or were, before writing) out of date, with why.
    pub changed: Vec<(PathBuf, Change)>,
    /// Files already up to date.
    pub unchanged: usize,
}

/// Compares `files` with the contents of the crate folder `dir` without writing anything.
pub fn check(dir: &Path, files: &[File]) -> io::Result<Report> {
    let mut report = Report::default();
    for file in files {
        let path = dir.join(&file.path);
        match std::fs::read_to_string(&path) {
            Ok(existing) if existing == file.contents => report.unchanged += 1,
            Ok(existing) if !is_generated(&existing) => {
                return Err(io::Error::other(format!(
                    "{} is hand-written (no `@generated` header) but the specs produce a file there; refusing to overwrite it",
                    path.display()
                )))
            }
            Ok(_) => report.changed.push((path, Change::Differs)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => report.changed.push((path, Change::Missing)),
            Err(e) => return Err(e),
        }
    }
    for managed in MANAGED_DIRS {
        for extra in generated_files(&dir.join(managed))? {
            if !files.iter().any(|f| dir.join(&f.path) == extra) {
                report.changed.push((extra, Change::Extra));
            }
        }
    }
    report.changed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(report)
}

/// Brings the crate folder `dir` up to date: writes changed and missing files, removes
/// generated files that are no longer produced. Returns what it changed.
pub fn write(dir: &Path, files: &[File]) -> io::Result<Report> {
    let report = check(dir, files)?;
    for (path, change) in &report.changed {
        match change {
            Change::Extra => std::fs::remove_file(path)?,
            Change::Differs | Change::Missing => {
                if let Some(file) = files.iter().find(|f| dir.join(&f.path) == *path) {
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent)?;
                    }
                    // Write to a temporary file first, so an interrupted run leaves the old file.
                    let tmp = path.with_extension("rs.tmp");
                    std::fs::write(&tmp, &file.contents)?;
                    std::fs::rename(&tmp, path)?;
                }
            }
        }
    }
    Ok(report)
}

/// The `.rs` files under `dir`, at any depth, that start with the generated header.
fn generated_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut found = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            found.extend(generated_files(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if is_generated(&text) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}
