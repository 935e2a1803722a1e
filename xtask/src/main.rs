//! `cargo xtask`: the project's tasks.
//!
//! - `cargo xtask regen`: regenerate `generated/src/gen/` and `generated/tests/` from `specs/`,
//!   and the fixture crate `tests/fixture-sdk/` from `tests/fixtures/operations/`.
//! - `cargo xtask regen --check`: write nothing; fail, naming each stale file, when the
//!   committed output differs from what the specs produce.
//! - `--spec <file-or-dir>` (repeatable) and `--out <crate dir>` point it elsewhere; a folder other
//!   than `generated/` becomes a standalone crate (its own `Cargo.toml` and runtime copy).
//! - `cargo xtask bench`: regen speed and the build cost of the generated code (see `bench.rs`).
//! - `cargo xtask contract [--spec <file>]... [--fuzz N]`: a generated client against Stoplight
//!   Prism (see `contract.rs`).
//! - `cargo xtask corpus`: generate the complete Plaid spec from `../shared/corpus/` into
//!   `target/corpus-sdk/`, run that crate's generated tests with warnings denied, and check that
//!   each group's feature compiles alone.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use generator::output::{self, Change};

mod api_diff;
mod bench;
mod contract;
mod semver;
mod standalone;

const USAGE: &str = "usage: cargo xtask regen [--check] [--spec <file-or-dir>]... [--out <crate-dir>]
       cargo xtask corpus [--spec <file-or-dir>]...
       cargo xtask contract [--spec <file-or-dir>]... [--fuzz <answers per operation>]
       cargo xtask bench [--compile]
       cargo xtask api-diff <old> <new> [--format text|markdown|json]   (specs, spec folders or api.json files)
       cargo xtask semver-check [--spec <file> [--against <file>]]   (api-diff against cargo-semver-checks: mutated copies, or a real pair)";

/// The spec of the fixture crate, which exercises the whole operation model on loopback.
const FIXTURE_SPEC: &str = "tests/fixtures/operations/operation_model.yml";
/// The fixture crate, a workspace member regenerated with `generated/`.
const FIXTURE_CRATE: &str = "tests/fixture-sdk";

/// Where `corpus` and `contract --spec` write the standalone crate of a spec, and build it: one
/// place, so that the second reuses the first's build.
const SPEC_CRATE: &str = "target/corpus-sdk";
const SPEC_CRATE_TARGET: &str = "target/corpus-sdk-target";

/// Fixture specs that `corpus` also builds as crates (see there).
const SMALL_SPECS: [&str; 4] = ["nullable", "keywords", "evidence", "mock"];

/// The complete Plaid spec beside the checkout: the generality test input.
const CORPUS: &str = "../shared/corpus/plaid-2020-09-14_1.517.0.yml";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("regen") => match RegenArgs::parse(&args[1..]) {
            // Without --spec and --out: the workspace's own crate, then the fixture crate.
            Ok(a) if !a.out_given && !a.specs_given => {
                let fixture = RegenArgs {
                    check: a.check,
                    specs: vec![root().join(FIXTURE_SPEC)],
                    specs_given: true,
                    out: root().join(FIXTURE_CRATE),
                    out_given: true,
                };
                let own = regen(a);
                let fixture = regen(fixture);
                match (own, fixture) {
                    (Ok(_), Ok(_)) => ExitCode::SUCCESS,
                    _ => ExitCode::FAILURE,
                }
            }
            Ok(a) => regen(a).map_or_else(|code| code, |_| ExitCode::SUCCESS),
            Err(e) => {
                eprintln!("error: {e}\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("contract") => match contract_args(&args[1..]) {
            Ok(target) => contract::run(&root(), &target),
            Err(code) => code,
        },
        Some("bench") if args.len() == 1 => bench::run(&root(), &root().join(CORPUS), false),
        Some("bench") if args.len() == 2 && args[1] == "--compile" => bench::run(&root(), &root().join(CORPUS), true),
        Some("corpus") => match RegenArgs::parse(&args[1..]) {
            Ok(a) if !a.check && !a.out_given => corpus(a),
            Ok(_) => {
                eprintln!("error: corpus takes only --spec\n{USAGE}");
                ExitCode::from(2)
            }
            Err(e) => {
                eprintln!("error: {e}\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("semver-check") => match args.get(1..).unwrap_or_default() {
            [] => semver::run(&root(), &root().join(CORPUS), None),
            [flag, spec] if flag == "--spec" => semver::run(&root(), Path::new(spec), None),
            [flag, spec, against, new] if flag == "--spec" && against == "--against" => semver::run(&root(), Path::new(spec), Some(Path::new(new))),
            _ => {
                eprintln!("{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("api-diff") => api_diff::run(&args[1..]).unwrap_or_else(|e| {
            eprintln!("error: {e}\n{USAGE}");
            ExitCode::from(2)
        }),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The workspace root: xtask lives one level below it.
fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

struct RegenArgs {
    check: bool,
    specs: Vec<PathBuf>,
    specs_given: bool,
    out: PathBuf,
    out_given: bool,
}

impl RegenArgs {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut a = RegenArgs { check: false, specs: Vec::new(), specs_given: false, out: root().join("generated"), out_given: false };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--check" => a.check = true,
                "--spec" => {
                    a.specs.push(it.next().ok_or("--spec needs a path")?.into());
                    a.specs_given = true;
                }
                "--out" => {
                    a.out = it.next().ok_or("--out needs a folder")?.into();
                    a.out_given = true;
                }
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        if a.specs.is_empty() {
            a.specs.push(root().join("specs"));
        }
        Ok(a)
    }
}

/// Generates, then writes or checks; on success, the API groups of what was generated.
fn regen(args: RegenArgs) -> Result<Vec<String>, ExitCode> {
    let start = Instant::now();
    let generated = match generator::generate(&args.specs) {
        Ok(g) => g,
        Err(diags) => {
            eprintln!("{diags}");
            eprintln!("regen failed; nothing was written");
            return Err(ExitCode::FAILURE);
        }
    };
    for w in &generated.warnings.0 {
        eprintln!("{w}");
    }
    let dir = args.out.clone();
    let mut files = generated.files.clone();
    let own_crate = dir.canonicalize().ok() == root().join("generated").canonicalize().ok();
    if own_crate {
        if let Err(e) = standalone::check_own_features(&root(), &generated.groups) {
            eprintln!("error: {e}");
            return Err(ExitCode::FAILURE);
        }
    } else {
        // A crate written under `tests/` joins the workspace (the fixture crate); any other is a
        // workspace of its own.
        let inside = std::path::absolute(&dir).is_ok_and(|d| d.starts_with(root().join("tests")));
        let home = if inside { standalone::Home::Member } else { standalone::Home::Own };
        let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match standalone::files(&root(), &generated.groups, &generated.sources, home, &folder) {
            Ok(extra) => files.extend(extra),
            Err(e) => {
                eprintln!("error: cannot prepare a standalone crate: {e}");
                return Err(ExitCode::FAILURE);
            }
        }
    }
    // What users will feel, against the manifest this run replaces.
    let api_line = api_diff::against_disk(&dir, &files);
    let result = if args.check { output::check(&dir, &files) } else { output::write(&dir, &files) };
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot {} {}: {e}", if args.check { "read" } else { "write" }, dir.display());
            return Err(ExitCode::FAILURE);
        }
    };
    let s = &generated.summary;
    let shown = |p: &Path| p.strip_prefix(root()).unwrap_or(p).display().to_string();
    println!("specs read:  {} ({})", s.specs, args.specs.iter().map(|p| shown(p)).collect::<Vec<_>>().join(", "));
    println!("operations:  {}", s.operations);
    println!("types:       {} ({} component schemas, {} modules)", s.types, s.components, s.modules);
    println!("examples:    {} (each a generated round-trip test in tests/examples.rs)", s.examples);
    let p = s.pagination;
    println!("pagination:  {} cursor + has_more (_pages, _all), {} cursor (_pages), {} count + offset (_pages)", p.cursor_has_more, p.cursor, p.offset);
    let r = s.retry;
    println!(
        "retries:     {} keyed ({} with a required key; retried with the same key), {} read, {} acting (never resent after an ambiguous failure)",
        r.keyed, r.keyed_required, r.read, r.acting
    );
    let m = s.mock;
    println!(
        "mock:        {} default answers from examples, {} sampled, {} operations stubbed by request type (feature `testing`)",
        m.examples, m.samples, m.typed
    );
    let w = s.webhooks;
    println!(
        "webhooks:    {} payload schemas, {} variants ({} folded duplicates, {} told apart by markers), {} examples (tests/webhooks.rs), key operation {}",
        w.schemas,
        w.variants,
        w.schemas - w.variants,
        w.by_markers,
        w.examples,
        if w.verifiable { "found" } else { "absent: WebhookVerifier cannot verify" }
    );
    println!("api:         {api_line}");
    println!("warnings:    {}", generated.warnings.0.len());
    if args.check {
        for (path, change) in &report.changed {
            let why = match change {
                Change::Differs => "differs from what the specs produce",
                Change::Missing => "is missing",
                Change::Extra => "is generated but no longer produced by the specs",
            };
            eprintln!("stale: {} {why}", shown(path));
        }
        println!("files:       {} up to date, {} stale", report.unchanged, report.changed.len());
        println!("time:        {:.1} ms", start.elapsed().as_secs_f64() * 1e3);
        if !report.changed.is_empty() {
            eprintln!("generated code is out of date: run `cargo xtask regen`");
            return Err(ExitCode::FAILURE);
        }
    } else {
        let removed = report.changed.iter().filter(|(_, c)| *c == Change::Extra).count();
        println!(
            "files:       {} written, {} unchanged, {} removed ({})",
            report.changed.len() - removed,
            report.unchanged,
            removed,
            shown(&dir)
        );
        println!("time:        {:.1} ms", start.elapsed().as_secs_f64() * 1e3);
    }
    Ok(generated.groups)
}

/// Generates a standalone crate from the complete Plaid spec (or `--spec`) into
/// `target/corpus-sdk/` and runs its tests (the generated example round-trips and redaction
/// checks) with warnings denied: the generality check CI runs.
fn corpus(mut args: RegenArgs) -> ExitCode {
    if args.specs == [root().join("specs")] {
        args.specs = vec![root().join(CORPUS)];
    }
    args.out = root().join(SPEC_CRATE);
    let groups = match regen(args) {
        Ok(groups) => groups,
        Err(code) => return code,
    };
    // The README's mock example is a test of this crate, word for word.
    if let Err(e) = write_readme_test(&root().join(SPEC_CRATE)) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let started = Instant::now();
    let manifest = root().join(SPEC_CRATE).join("Cargo.toml");
    println!("== cargo test --features testing --manifest-path {} (RUSTFLAGS=-D warnings)", manifest.display());
    if let Err(e) = corpus_cargo(&["test", "--quiet", "--features", "testing"]) {
        eprintln!("the corpus crate failed to build or test: {e}");
        return ExitCode::FAILURE;
    }
    let lines = count_lines(&root().join(SPEC_CRATE).join("src"));
    println!("corpus crate: {lines} lines of Rust; build and tests took {:.1} s", started.elapsed().as_secs_f64());

    // Every group's feature must compile on its own.
    let started = Instant::now();
    let mut failed = Vec::new();
    for group in &groups {
        let one = Instant::now();
        match corpus_cargo(&["check", "--quiet", "--lib", "--no-default-features", "--features", group]) {
            Ok(()) => println!("feature {group:<28} compiles alone ({:.1} s)", one.elapsed().as_secs_f64()),
            Err(e) => {
                eprintln!("feature {group} does not compile alone: {e}");
                failed.push(group.clone());
            }
        }
    }
    println!(
        "features: {} of {} compile alone, in {:.1} s",
        groups.len() - failed.len(),
        groups.len(),
        started.elapsed().as_secs_f64()
    );
    // Small specs of the kinds the complete one may not have, each a crate whose generated tests
    // must pass with warnings denied: one without enums (no runtime helper may go unused), and
    // the fixtures whose examples and keywords contradict their schemas.
    for name in SMALL_SPECS {
        let spec = root().join("tests/fixtures/rules").join(format!("{name}.yml"));
        let out = root().join("target/small-sdk").join(name);
        let small = RegenArgs { check: false, specs: vec![spec], specs_given: true, out: out.clone(), out_given: true };
        if regen(small).is_err() {
            failed.push(format!("the {name} fixture"));
            continue;
        }
        // The library and its generated tests: the quickstart example the standalone crate
        // ships calls operations of Plaid's specs, which these fixtures do not have.
        match cargo_in(&out, &["test", "--quiet", "--lib", "--tests", "--features", "testing"]) {
            Ok(()) => println!("fixture crate {name:<20} builds without warnings (with `testing`) and passes its generated tests"),
            Err(e) => {
                eprintln!("the {name} fixture crate: {e}");
                failed.push(format!("the {name} fixture"));
            }
        }
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The contract's arguments; with `--spec`, the standalone crate is generated first.
fn contract_args(args: &[String]) -> Result<contract::Target, ExitCode> {
    let usage = |e: String| {
        eprintln!("error: {e}\n{USAGE}");
        ExitCode::from(2)
    };
    let mut specs = Vec::new();
    let mut fuzz = 50;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--spec" => specs.push(PathBuf::from(it.next().ok_or_else(|| usage("--spec needs a path".into()))?)),
            "--fuzz" => {
                fuzz = it.next().and_then(|n| n.parse().ok()).ok_or_else(|| usage("--fuzz needs a number".into()))?;
            }
            other => return Err(usage(format!("unknown argument `{other}`"))),
        }
    }
    if specs.is_empty() {
        return Ok(contract::Target { specs: vec![root().join("specs")], manifest: None, target_dir: None, fuzz });
    }
    let regen_args = RegenArgs { check: false, specs: specs.clone(), specs_given: true, out: root().join(SPEC_CRATE), out_given: true };
    regen(regen_args)?;
    Ok(contract::Target {
        specs,
        manifest: Some(root().join(SPEC_CRATE).join("Cargo.toml")),
        target_dir: Some(root().join(SPEC_CRATE_TARGET)),
        fuzz,
    })
}

/// Runs cargo on the corpus crate with warnings denied and its own target folder.
/// The README section the corpus crate runs as a test, and the file it becomes there.
const README_TEST: (&str, &str) = ("## Testing your application", "tests/readme_testing.rs");

/// Writes the first `rust,ignore` block of the README's testing section into the crate's
/// tests: the example is run as written (the workspace's own crate lacks the operations it
/// calls, so rustdoc ignores it there).
fn write_readme_test(dir: &Path) -> Result<(), String> {
    let readme = root().join("generated/README.md");
    let text = std::fs::read_to_string(&readme).map_err(|e| format!("{}: {e}", readme.display()))?;
    let section = text.split_once(README_TEST.0).map(|(_, rest)| rest).ok_or(format!("{} has no section `{}`", readme.display(), README_TEST.0))?;
    let block = section
        .split_once("```rust,ignore\n")
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .map(|(code, _)| code)
        .ok_or(format!("the section `{}` of {} has no `rust,ignore` block", README_TEST.0, readme.display()))?;
    let path = dir.join(README_TEST.1);
    let contents = format!("//! The example of README.md's \"{}\", as written there (copied by `cargo xtask corpus`).\n#![cfg(feature = \"testing\")]\n\n{block}\n", README_TEST.0.trim_start_matches("## "));
    std::fs::write(&path, contents).map_err(|e| format!("{}: {e}", path.display()))
}

fn corpus_cargo(args: &[&str]) -> Result<(), String> {
    cargo_in(&root().join(SPEC_CRATE), args)
}

/// Runs cargo on the standalone crate in `dir`, with warnings denied, in the corpus crate's
/// target folder (so the dependencies are built once).
fn cargo_in(dir: &Path, args: &[&str]) -> Result<(), String> {
    let status = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env("RUSTFLAGS", "-D warnings")
        .env("CARGO_TARGET_DIR", root().join(SPEC_CRATE_TARGET))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo {} failed ({status})", args.join(" ")))
    }
}

/// Lines of one file (0 if it cannot be read).
fn count_lines_of(file: &Path) -> usize {
    std::fs::read_to_string(file).map(|t| t.lines().count()).unwrap_or(0)
}

/// Lines of the `.rs` files under `dir`.
fn count_lines(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .map(|p| if p.is_dir() { count_lines(&p) } else { std::fs::read_to_string(&p).map(|t| t.lines().count()).unwrap_or(0) })
        .sum()
}
