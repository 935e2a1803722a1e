//! `cargo xtask api-diff OLD NEW`: what a spec bump does to the generated crate's users, from
//! the manifests (`api.json`) of the two versions (see `generator::api_diff` for the rules).
//! OLD and NEW are spec files or folders, as regen takes them, or manifests; nothing is
//! written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::api_diff::{self, Manifest};
use generator::emit::{File, MANIFEST};

/// Runs the command; an error is a usage error (exit 2).
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut inputs = Vec::new();
    let mut format = "text";
    let (mut both, mut new_only) = (Vec::new(), Vec::new());
    let mut flags = crate::cli::Flags::new(args);
    while let Some(arg) = flags.next_arg() {
        match arg {
            "--format" => format = flags.value(arg)?,
            "--overlay" => both.push(flags.path(arg)?),
            "--new-overlay" => new_only.push(flags.path(arg)?),
            other if other.starts_with('-') => return Err(crate::cli::unknown(other)),
            other => inputs.push(other.to_string()),
        }
    }
    if !matches!(format, "text" | "markdown" | "json") {
        return Err(format!("unknown format `{format}` (text, markdown or json)"));
    }
    let [old, new] = inputs.as_slice() else { return Err("api-diff takes two inputs: OLD and NEW".into()) };
    // From here on, a failure is the inputs' and not the command line's: exit 1, not 2.
    let new_overlays: Vec<PathBuf> = both.iter().chain(&new_only).cloned().collect();
    let (old, new) = match (manifest_of(Path::new(old), &both), manifest_of(Path::new(new), &new_overlays)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let started = std::time::Instant::now();
    let changes = api_diff::diff(&old, &new);
    let text = match format {
        "markdown" => api_diff::to_markdown(&old, &new, &changes),
        "json" => api_diff::to_json(&old, &new, &changes),
        _ => api_diff::to_text(&old, &new, &changes),
    };
    // A closed pipe (`| head`) ends the output, not the process with a panic.
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout(), "{}", text.trim_end());
    eprintln!("compared {} and {} items in {:.1} ms", old.items.len(), new.items.len(), started.elapsed().as_secs_f64() * 1000.0);
    Ok(ExitCode::SUCCESS)
}

/// A manifest from a manifest file, or generated (in memory) from specs with the overlays
/// applied (a manifest file takes none).
fn manifest_of(path: &Path, overlays: &[PathBuf]) -> Result<Manifest, String> {
    if path.extension().is_some_and(|e| e == "json") {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if !overlays.is_empty() {
            return Err(format!("{}: an overlay applies to specs, not to a manifest", path.display()));
        }
        return api_diff::parse(&text).map_err(|e| format!("{}: {e}", path.display()));
    }
    // The IR is enough: the manifest is made from it, without printing the crate.
    let (api, _) = generator::api_overlaid(&[path.to_path_buf()], overlays).map_err(|d| format!("{}: the specs do not generate:\n{d}", path.display()))?;
    let header = generator::emit::header_for(&generator::emit::sources_label(&api));
    api_diff::parse(&generator::emit::manifest::manifest(&api, &header))
}

/// One line for regen's summary: the bump and counts against the manifest in `dir`, which the
/// files about to be written replace.
pub fn against_disk(dir: &Path, files: &[File]) -> String {
    let Some(new) = files.iter().find(|f| f.path == MANIFEST).and_then(|f| api_diff::parse(&f.contents).ok()) else {
        return "no manifest generated".into();
    };
    let old = match std::fs::read_to_string(dir.join(MANIFEST)) {
        Ok(text) => match api_diff::parse(&text) {
            Ok(old) => old,
            Err(e) => return format!("the manifest being replaced cannot be read ({e})"),
        },
        Err(_) => return "first manifest (nothing to compare)".into(),
    };
    let changes = api_diff::diff(&old, &new);
    if changes.is_empty() {
        return "patch: no change to the public API".into();
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let added = changes.iter().filter(|c| c.change == "added" && !c.breaking).count();
    let other = changes.len() - breaking - added;
    format!("{}: {breaking} breaking, {added} added, {other} other changes (cargo xtask api-diff lists them)", api_diff::bump(&changes))
}
