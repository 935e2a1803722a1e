//! `cargo xtask release --spec FILE --out DIR [--version X.Y.Z] [--date YYYY-MM-DD]`: regen into
//! DIR as `regen --out` does, then make it a release a team can publish.
//!
//! - **Version.** A first release (DIR new or empty, or a regen output never released) takes
//!   `--version`. A later one reads the previous release's `api.json` and version from DIR and
//!   bumps by `api-diff` (semver: major, minor or patch; below 1.0 a breaking change bumps the
//!   minor and anything else the patch). An explicit `--version` below that is refused.
//! - **CHANGELOG.md.** A new section on top names the version, the Plaid spec version and the
//!   changes (breaking first, then additions, then the rest); earlier sections are kept byte for
//!   byte.
//! - **Manifest.** The version, `publish` allowed, `include` (the library, README, changelog and
//!   manifest: no tests or examples), and `[package.metadata.plaid] spec-version`.
//! - Every check runs before anything is written: a folder regen did not write, an `api.json`
//!   that does not parse, a spec that fails or a version that is too low leaves DIR as it was.
//!   Same inputs, same bytes: no clock is read (the date is an argument).

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::api_diff::{self, Manifest};
use generator::emit::{is_generated, MANIFEST};

use crate::cli::{self, Flags};

/// The changelog's file name and title line.
const CHANGELOG: &str = "CHANGELOG.md";
const CHANGELOG_TITLE: &str = "# Changelog\n";
/// The crate's front page, which the package includes.
const README: &str = "README.md";

/// What the command was asked.
pub struct Args {
    specs: Vec<PathBuf>,
    overlays: Vec<PathBuf>,
    out: PathBuf,
    version: Option<Version>,
    date: Option<String>,
}

impl Args {
    /// Reads the arguments; an error is a usage error.
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let (mut specs, mut overlays, mut out, mut version, mut date) = (Vec::new(), Vec::new(), None, None, None);
        let mut flags = Flags::new(args);
        while let Some(arg) = flags.next_arg() {
            match arg {
                "--spec" => specs.push(flags.path(arg)?),
                "--overlay" => overlays.push(flags.path(arg)?),
                "--out" => out = Some(flags.path(arg)?),
                "--version" => version = Some(flags.value(arg)?.parse::<Version>()?),
                "--date" => date = Some(valid_date(flags.value(arg)?)?),
                other => return Err(cli::unknown(other)),
            }
        }
        if specs.is_empty() {
            return Err("release needs --spec".into());
        }
        let out = out.ok_or("release needs --out: the release folder")?;
        overlays.splice(0..0, crate::own_overlays());
        Ok(Args { specs, overlays, out, version, date })
    }
}

/// `YYYY-MM-DD`, checked for shape only: it is printed, never computed with.
fn valid_date(text: &str) -> Result<String, String> {
    let b = text.as_bytes();
    let shaped = b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if shaped {
        Ok(text.to_string())
    } else {
        Err(format!("--date takes YYYY-MM-DD, not `{text}`"))
    }
}

/// A release version, `MAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
}

impl std::str::FromStr for Version {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split('.').collect();
        let number = |s: &str| s.parse::<u64>().ok().filter(|_| !s.is_empty() && (s == "0" || !s.starts_with('0')));
        match parts.as_slice() {
            [a, b, c] => match (number(a), number(b), number(c)) {
                (Some(major), Some(minor), Some(patch)) => Ok(Version { major, minor, patch }),
                _ => Err(format!("`{text}` is not a version MAJOR.MINOR.PATCH")),
            },
            _ => Err(format!("`{text}` is not a version MAJOR.MINOR.PATCH (pre-release and build suffixes are not taken)")),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl Version {
    /// The smallest version after this one that a change of kind `bump` (`major`, `minor`,
    /// `patch`) allows. Below 1.0, Cargo treats the minor number as the major one.
    pub fn after(self, bump: &str) -> Version {
        let Version { major, minor, patch } = self;
        match (major, bump) {
            (0, "major") => Version { major: 0, minor: minor.saturating_add(1), patch: 0 },
            (0, _) => Version { major: 0, minor, patch: patch.saturating_add(1) },
            (_, "major") => Version { major: major.saturating_add(1), minor: 0, patch: 0 },
            (_, "minor") => Version { major, minor: minor.saturating_add(1), patch: 0 },
            _ => Version { major, minor, patch: patch.saturating_add(1) },
        }
    }
}

/// The release a folder holds.
struct Previous {
    version: Version,
    manifest: Manifest,
}

/// What is in `dir` before the release: nothing (or a regen output never released), the
/// previous release, or something regen did not write (an error).
fn previous(dir: &Path) -> Result<Option<Previous>, String> {
    if !dir.exists() {
        return Ok(None);
    }
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if entries.count() == 0 {
        return Ok(None);
    }
    let cargo = dir.join("Cargo.toml");
    let not_ours = |why: String| format!("{} was not written by regen ({why}): release into a new or empty folder, or into the previous release's", dir.display());
    let text = std::fs::read_to_string(&cargo).map_err(|e| not_ours(format!("{}: {e}", cargo.display())))?;
    if !is_generated(&text) {
        return Err(not_ours(format!("{} has no `@generated` header", cargo.display())));
    }
    let table: toml::Table = text.parse().map_err(|e| format!("{}: {e}", cargo.display()))?;
    let package = table.get("package").and_then(toml::Value::as_table);
    let released = package.and_then(|p| p.get("metadata")).and_then(|m| m.get("plaid")).and_then(|p| p.get("spec-version")).is_some();
    if !released {
        return Ok(None);
    }
    let version = package.and_then(|p| p.get("version")).and_then(toml::Value::as_str).ok_or(format!("{}: no package.version", cargo.display()))?;
    let version = version.parse::<Version>().map_err(|e| format!("{}: package.version: {e}", cargo.display()))?;
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e} (the previous release's API, needed for the bump)", path.display()))?;
    let manifest = api_diff::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Some(Previous { version, manifest }))
}

/// Runs the command.
pub fn run(args: &Args) -> ExitCode {
    match release(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            eprintln!("release failed; nothing in {} was changed", args.out.display());
            ExitCode::FAILURE
        }
    }
}

fn release(args: &Args) -> Result<(), String> {
    let dir = &args.out;
    let previous = previous(dir).map_err(|e| format!("error: {e}"))?;
    let (generated, mut files) = crate::crate_files(&args.specs, &args.overlays, dir)?;
    let new = files.iter().find(|f| f.path == MANIFEST).ok_or("error: regen produced no api.json")?;
    let new = api_diff::parse(&new.contents).map_err(|e| format!("error: the new api.json: {e}"))?;
    let spec_version = new.spec_version.clone();

    let (version, body, summary) = match &previous {
        None => {
            let version = args.version.ok_or("error: a first release needs --version X.Y.Z (the folder holds no earlier release)")?;
            let s = &generated.summary;
            let body = format!("\nFirst release: {} operations, {} types, {} webhook variants.\n", s.operations, s.types, s.webhooks.variants);
            (version, body, "first release".to_string())
        }
        Some(p) => {
            let changes = api_diff::diff(&p.manifest, &new);
            let bump = api_diff::bump(&changes);
            let required = p.version.after(bump);
            let breaking = changes.iter().filter(|c| c.breaking).count();
            let version = match args.version {
                None => required,
                Some(v) if v < required => {
                    let why = match changes.iter().find(|c| c.breaking) {
                        Some(first) => format!("{breaking} breaking changes, the first: {} {} ({})", first.change, first.path, first.detail),
                        None if changes.is_empty() => "no change to the public API, but a release must still be newer".to_string(),
                        None => format!("{} changes without a breaking one", changes.len()),
                    };
                    return Err(format!("error: --version {v} is lower than {required}, which a {bump} release after {} requires: {why}", p.version));
                }
                Some(v) => v,
            };
            let lead = format!("\nFrom {} (Plaid spec `{}`): api-diff says {bump}, {breaking} breaking of {} changes.\n", p.version, p.manifest.spec_version, changes.len());
            (version, format!("{lead}{}", api_diff::summary::changelog_body(&p.manifest, &new, &changes)), format!("{bump} release after {}: {breaking} breaking, {} changes in all", p.version, changes.len()))
        }
    };

    let cargo = files.iter_mut().find(|f| f.path == "Cargo.toml").ok_or("error: regen produced no Cargo.toml")?;
    cargo.contents = crate::standalone::release_manifest(&cargo.contents, &version.to_string(), &spec_version).map_err(|e| format!("error: {e}"))?;

    let date = args.date.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
    let section = format!("## {version}{date}: Plaid spec {spec_version}\n{body}");
    let changelog = changelog_with(&dir.join(CHANGELOG), &section)?;

    // Everything is decided: write.
    let report = generator::output::write(dir, &files).map_err(|e| format!("error: cannot write {}: {e}", dir.display()))?;
    write_atomically(&dir.join(CHANGELOG), &changelog).map_err(|e| format!("error: {}: {e}", dir.join(CHANGELOG).display()))?;

    println!("release:     {version} ({summary})");
    println!("plaid spec:  {spec_version} ({} operations, {} types)", generated.summary.operations, generated.summary.types);
    println!("files:       {} written, {} unchanged ({})", report.changed.len(), report.unchanged, dir.display());
    let (count, bytes) = package_size(dir);
    println!("package:     {count} files, {:.1} MB before compression (src/, README.md, CHANGELOG.md, api.json, Cargo.toml; tests and examples left out)", bytes as f64 / 1e6);
    println!("next:        cargo publish --dry-run --manifest-path {}", dir.join("Cargo.toml").display());
    Ok(())
}

/// The changelog with `section` on top: the title, the new section, then the earlier text
/// after the title byte for byte.
fn changelog_with(path: &Path, section: &str) -> Result<String, String> {
    let earlier = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("error: {}: {e}", path.display())),
    };
    let rest = earlier.strip_prefix(CHANGELOG_TITLE).map(|r| r.strip_prefix('\n').unwrap_or(r)).unwrap_or(&earlier);
    let mut text = format!("{CHANGELOG_TITLE}\n{}", section.trim_end());
    text.push('\n');
    if !rest.is_empty() {
        text.push('\n');
        text.push_str(rest);
    }
    Ok(text)
}

fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("md.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// The files the manifest's `include` puts in the package, and their bytes.
fn package_size(dir: &Path) -> (usize, u64) {
    let listed = [README, CHANGELOG, MANIFEST, "Cargo.toml"].map(|name| dir.join(name));
    let files: Vec<PathBuf> = crate::rust_files(&dir.join("src")).into_iter().chain(listed.into_iter().filter(|p| p.is_file())).collect();
    (files.len(), files.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        text.parse().expect("a version")
    }

    #[test]
    fn versions_bump_by_semver_and_below_one_by_cargo_rules() {
        assert_eq!(v("1.4.2").after("major"), v("2.0.0"));
        assert_eq!(v("1.4.2").after("minor"), v("1.5.0"));
        assert_eq!(v("1.4.2").after("patch"), v("1.4.3"));
        assert_eq!(v("0.3.2").after("major"), v("0.4.0"));
        assert_eq!(v("0.3.2").after("minor"), v("0.3.3"));
        assert_eq!(v("0.3.2").after("patch"), v("0.3.3"));
        assert!(v("1.10.0") > v("1.9.9"));
    }

    #[test]
    fn versions_that_are_not_three_numbers_are_refused() {
        for bad in ["1.2", "1.2.3.4", "1.2.x", "01.2.3", "1.2.3-rc.1", "", "1..3"] {
            assert!(bad.parse::<Version>().is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_are_checked_for_shape() {
        assert!(valid_date("2026-12-06").is_ok());
        for bad in ["2026-1-06", "06-12-2026", "2026/12/06", "yesterday"] {
            assert!(valid_date(bad).is_err(), "{bad}");
        }
    }

    /// A scratch folder of this test process, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!("xtask-release-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("a scratch folder");
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// The fixture spec, and a copy without its first path: a breaking change.
    fn specs(scratch: &Path) -> (PathBuf, PathBuf) {
        let spec = crate::root().join(crate::FIXTURE_SPEC);
        let text = std::fs::read_to_string(&spec).expect("the fixture spec");
        let mut doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
        let paths = doc.get_mut("paths").and_then(serde_yaml::Value::as_mapping_mut).expect("paths");
        let first = paths.keys().next().cloned().expect("a path");
        paths.remove(&first);
        if let Some(info) = doc.get_mut("info").and_then(serde_yaml::Value::as_mapping_mut) {
            info.insert("version".into(), "2.0.0".into());
        }
        let smaller = scratch.join("smaller.yml");
        std::fs::write(&smaller, serde_yaml::to_string(&doc).expect("YAML")).expect("write");
        (spec, smaller)
    }

    fn args(spec: &Path, out: &Path, version: Option<&str>) -> Args {
        Args { specs: vec![spec.to_path_buf()], overlays: Vec::new(), out: out.to_path_buf(), version: version.map(|v| v.parse().expect("a version")), date: Some("2026-12-06".into()) }
    }

    /// Every file of a folder with its bytes, to see that a refused release changed nothing.
    fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = entry.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    files.insert(p.clone(), std::fs::read(&p).unwrap_or_default());
                }
            }
        }
        files
    }

    use std::collections::BTreeMap;

    #[test]
    fn a_release_follows_the_bump_keeps_the_changelog_and_refuses_what_is_wrong() {
        let scratch = Scratch::new("routine");
        let (old, new) = specs(&scratch.0);
        let out = scratch.0.join("crate");

        // A first release needs a version.
        assert!(release(&args(&old, &out, None)).expect_err("no version").contains("--version"));
        assert!(!out.exists(), "a refused first release writes nothing");
        release(&args(&old, &out, Some("0.3.0"))).expect("first release");
        let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("manifest");
        assert!(manifest.contains("version = \"0.3.0\""), "{manifest}");
        assert!(!manifest.contains("publish ="), "publish is allowed: {manifest}");
        assert!(manifest.contains("spec-version = "), "{manifest}");
        let first = std::fs::read_to_string(out.join(CHANGELOG)).expect("changelog");
        assert!(first.starts_with("# Changelog\n\n## 0.3.0 (2026-12-06): Plaid spec "), "{first}");

        // Same inputs, same bytes: a second first release into a fresh folder.
        let twin = scratch.0.join("twin");
        release(&args(&old, &twin, Some("0.3.0"))).expect("the same release again");
        assert_eq!(std::fs::read(out.join("Cargo.toml")).ok(), std::fs::read(twin.join("Cargo.toml")).ok());
        assert_eq!(std::fs::read(out.join(CHANGELOG)).ok(), std::fs::read(twin.join(CHANGELOG)).ok());

        // Removing an operation breaks code: below 1.0 that bumps the minor, and a lower
        // explicit version is refused without touching the folder.
        let before = snapshot(&out);
        let refused = release(&args(&new, &out, Some("0.3.1"))).expect_err("too low");
        assert!(refused.contains("lower than 0.4.0") && refused.contains("removed"), "{refused}");
        assert_eq!(snapshot(&out), before, "a refused release changes nothing");
        release(&args(&new, &out, None)).expect("second release");
        let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("manifest");
        assert!(manifest.contains("version = \"0.4.0\""), "{manifest}");
        let changelog = std::fs::read_to_string(out.join(CHANGELOG)).expect("changelog");
        assert!(changelog.starts_with("# Changelog\n\n## 0.4.0 (2026-12-06): Plaid spec 2.0.0\n"), "{changelog}");
        assert!(changelog.contains("\n### Breaking changes\n"), "{changelog}");
        assert!(changelog.ends_with(first.strip_prefix("# Changelog\n\n").expect("title")), "earlier sections kept byte for byte");

        // An api.json that does not parse is refused, and nothing changes.
        std::fs::write(out.join(MANIFEST), "{not json").expect("write");
        let before = snapshot(&out);
        let refused = release(&args(&new, &out, None)).expect_err("broken manifest");
        assert!(refused.contains("api.json"), "{refused}");
        assert_eq!(snapshot(&out), before);
    }

    #[test]
    fn a_folder_regen_did_not_write_and_a_broken_spec_are_refused_unchanged() {
        let scratch = Scratch::new("refused");
        let (old, _) = specs(&scratch.0);
        let foreign = scratch.0.join("foreign");
        std::fs::create_dir_all(&foreign).expect("folder");
        std::fs::write(foreign.join("Cargo.toml"), "[package]\nname = \"mine\"\n").expect("write");
        let before = snapshot(&foreign);
        let refused = release(&args(&old, &foreign, Some("1.0.0"))).expect_err("hand-written");
        assert!(refused.contains("was not written by regen"), "{refused}");
        assert_eq!(snapshot(&foreign), before);

        let broken = scratch.0.join("broken.yml");
        std::fs::write(&broken, "openapi: 3.0.0\npaths: [").expect("write");
        let out = scratch.0.join("crate");
        assert!(release(&args(&broken, &out, Some("1.0.0"))).is_err());
        assert!(!out.exists(), "a spec that fails writes nothing");
    }
}
