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
//!   `target/corpus-sdk/` (with the workspace's lock), run that crate's generated tests with
//!   warnings denied, check that each group's feature compiles alone, then build it again on a
//!   fresh dependency resolution and check its `rust-version` (see `fresh.rs`).
//! - `cargo xtask release --spec <file> --out <dir> [--version X.Y.Z]`: a publishable release
//!   with a version from api-diff's bump and a changelog (see `release.rs`).
//! - `cargo xtask quickstart --spec <file>`: Plaid's quickstart backend (`quickstart/`) on the
//!   complete spec's crate, in the foreground; `--test` runs its route and browser tests instead
//!   (see `quickstart.rs`).
//! - `cargo xtask --help`, `cargo xtask <command> --help`: usage (see `cli.rs`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use generator::output::{self, Change};

mod api_diff;
mod bench;
mod cli;
mod contract;
mod fresh;
mod fuzz;
mod quickstart;
mod release;
mod semver;
mod standalone;

/// The spec of the fixture crate, which exercises the whole operation model on loopback.
const FIXTURE_SPEC: &str = "tests/fixtures/operations/operation_model.yml";
/// The fixture crate, a workspace member regenerated with `generated/`.
const FIXTURE_CRATE: &str = "tests/fixture-sdk";

/// Where `corpus` and `contract --spec` write the standalone crate of a spec, and build it: one
/// place, so that the second reuses the first's build.
const SPEC_CRATE: &str = "target/corpus-sdk";
const SPEC_CRATE_TARGET: &str = "target/corpus-sdk-target";

/// Fixture specs that `corpus` also builds as crates (see there).
const SMALL_SPECS: [&str; 5] = ["nullable", "keywords", "evidence", "mock", "defaults_deprecated"];

/// The complete Plaid spec beside the checkout: the generality test input.
const CORPUS: &str = "../shared/corpus/plaid-2020-09-14_1.517.0.yml";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    dispatch(&args)
}

/// Runs the command the arguments name.
fn dispatch(args: &[String]) -> ExitCode {
    let Some(command) = args.first().map(String::as_str) else {
        eprint!("{}", cli::overview());
        return ExitCode::from(2);
    };
    if matches!(command, "--help" | "-h" | "help") {
        match args.get(1).map(String::as_str) {
            Some(name) if cli::COMMANDS.iter().any(|c| c.name == name) => println!("usage: {}", cli::usage(name)),
            Some(other) if command == "help" => return cli::usage_error("", &format!("unknown command `{other}`")),
            _ => print!("{}", cli::overview()),
        }
        return ExitCode::SUCCESS;
    }
    if !cli::COMMANDS.iter().any(|c| c.name == command) {
        return cli::usage_error("", &format!("unknown command `{command}`"));
    }
    let rest = &args[1..];
    if cli::wants_help(rest) {
        println!("usage: {}", cli::usage(command));
        return ExitCode::SUCCESS;
    }
    let outcome = match command {
        "regen" => RegenArgs::parse(rest).map(|mut a| {
            a.overlays.splice(0..0, own_overlays());
            if a.out_given || a.specs_given {
                return regen(a).map_or_else(|code| code, |_| ExitCode::SUCCESS);
            }
            // Without --spec and --out: the workspace's own crate, then the fixture crate.
            let fixture = RegenArgs { check: a.check, ..RegenArgs::for_crate(vec![root().join(FIXTURE_SPEC)], Vec::new(), root().join(FIXTURE_CRATE)) };
            match (regen(a), regen(fixture)) {
                (Ok(_), Ok(_)) => ExitCode::SUCCESS,
                _ => ExitCode::FAILURE,
            }
        }),
        "release" => release::Args::parse(rest).map(|a| release::run(&a)),
        "contract" => contract_args(rest).map(|target| target.map_or_else(|code| code, |t| contract::run(&root(), &t))),
        "bench" => match rest {
            [] => Ok(bench::run(&root(), &root().join(CORPUS), false)),
            [flag] if flag == "--compile" => Ok(bench::run(&root(), &root().join(CORPUS), true)),
            [other, ..] => Err(cli::unknown(if other == "--compile" { &rest[1] } else { other })),
        },
        "corpus" => RegenArgs::parse(rest).and_then(|mut a| match (a.check, a.out_given) {
            (false, false) => {
                a.overlays.splice(0..0, own_overlays());
                Ok(corpus(a))
            }
            (true, _) => Err(cli::unknown("--check")),
            (_, true) => Err(cli::unknown("--out")),
        }),
        "semver-check" => semver_args(rest).map(|(spec, against)| semver::run(&root(), &spec, against.as_deref())),
        "api-diff" => api_diff::run(rest),
        "fuzz" => fuzz::Args::parse(rest).map(|a| fuzz::run(&root(), &a)),
        "quickstart" => quickstart::Args::parse(rest).map(|a| a.map_or_else(quickstart::no_spec, quickstart::run)),
        _ => Err(format!("unknown command `{command}`")),
    };
    outcome.unwrap_or_else(|message| cli::usage_error(command, &message))
}

/// `semver-check`'s spec (the complete one by default) and the optional newer one.
fn semver_args(args: &[String]) -> Result<(PathBuf, Option<PathBuf>), String> {
    let mut spec = root().join(CORPUS);
    let mut against = None;
    let mut flags = cli::Flags::new(args);
    while let Some(arg) = flags.next_arg() {
        match arg {
            "--spec" => spec = flags.path(arg)?,
            "--against" => against = Some(flags.path(arg)?),
            other => return Err(cli::unknown(other)),
        }
    }
    Ok((spec, against))
}

/// A pinned cargo tool (`cargo-<name>`): the one cargo runs (`~/.cargo/bin`), installed from
/// crates.io when it is missing or of another version. Installed where cargo installs tools
/// rather than in the checkout, so that fresh clones on one machine build it once.
pub fn pinned_tool(krate: &str, version_args: &[&str], version: &str, how_long: &str) -> Result<PathBuf, String> {
    let bin = PathBuf::from(krate);
    let current = std::process::Command::new(&bin).args(version_args).output().ok().filter(|o| o.status.success());
    if current.is_some_and(|o| String::from_utf8_lossy(&o.stdout).contains(version)) {
        return Ok(bin);
    }
    println!("installing {krate} {version} (once per machine; {how_long}) ...");
    let status = std::process::Command::new(cargo())
        .args(["install", krate, "--locked", "--version", version])
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if status.success() {
        Ok(bin)
    } else {
        Err(format!("cargo install {krate} failed"))
    }
}

/// The cargo that runs xtask (or the one on `PATH`), for the builds xtask starts.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The workspace root: xtask lives one level below it.
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

struct RegenArgs {
    check: bool,
    specs: Vec<PathBuf>,
    specs_given: bool,
    /// Applied in order after loading: `specs/overlays/`, then each `--overlay`.
    overlays: Vec<PathBuf>,
    out: PathBuf,
    out_given: bool,
    /// Print the spec's warnings as a count only (the quickstart's users did not ask for them).
    quiet: bool,
}

impl RegenArgs {
    /// Generating these specs, with these overlays, into the crate at `out` (written, warnings
    /// shown).
    fn for_crate(specs: Vec<PathBuf>, overlays: Vec<PathBuf>, out: PathBuf) -> Self {
        RegenArgs { check: false, specs, specs_given: true, overlays, out, out_given: true, quiet: false }
    }

    fn parse(args: &[String]) -> Result<Self, String> {
        let mut a = RegenArgs { check: false, specs: Vec::new(), specs_given: false, overlays: Vec::new(), out: root().join("generated"), out_given: false, quiet: false };
        let mut flags = cli::Flags::new(args);
        while let Some(arg) = flags.next_arg() {
            match arg {
                "--check" => a.check = true,
                "--spec" => {
                    a.specs.push(flags.path(arg)?);
                    a.specs_given = true;
                }
                "--out" => {
                    a.out = flags.path(arg)?;
                    a.out_given = true;
                }
                "--overlay" => a.overlays.push(flags.path(arg)?),
                other => return Err(cli::unknown(other)),
            }
        }
        if a.specs.is_empty() {
            a.specs.push(root().join("specs"));
        }
        Ok(a)
    }
}

/// The workspace's fixes to Plaid's spec, `specs/overlays/*.yml` by name: applied first to
/// whatever spec a command generates from (the workspace's own, or `--spec`'s), so that the
/// complete spec gets the fixes its endpoints need wherever it is used.
pub fn own_overlays() -> Vec<PathBuf> {
    generator::overlay::in_folder(&root().join("specs/overlays"))
}

/// Everything regen writes into `dir` for `specs` with `overlays` applied: the generated files
/// and, for a folder other than the workspace's own crate, the standalone crate's manifest,
/// runtime copy and README. Warnings are printed; nothing is written.
pub fn crate_files(specs: &[PathBuf], overlays: &[PathBuf], dir: &Path) -> Result<(generator::Generated, Vec<generator::emit::File>), String> {
    crate_files_shown(specs, overlays, dir, false)
}

/// [`crate_files`], printing the warnings as one count line when `quiet`.
fn crate_files_shown(specs: &[PathBuf], overlays: &[PathBuf], dir: &Path, quiet: bool) -> Result<(generator::Generated, Vec<generator::emit::File>), String> {
    let generated = generator::generate_overlaid(specs, overlays).map_err(|diags| diags.to_string())?;
    let shown = if quiet { 0 } else { generator::limits::MAX_PRINTED_DIAGNOSTICS };
    for w in generated.warnings.0.iter().take(shown) {
        eprintln!("{w}");
    }
    if quiet && !generated.warnings.0.is_empty() {
        eprintln!("{} warnings about the spec (`cargo xtask regen --spec <file> --out <dir>` shows them)", generated.warnings.0.len());
    } else if generated.warnings.0.len() > shown {
        eprintln!("... and {} more warnings not shown", generated.warnings.0.len() - shown);
    }
    let mut files = generated.files.clone();
    let own_crate = dir.canonicalize().ok() == root().join("generated").canonicalize().ok();
    if own_crate {
        standalone::check_own_features(&root(), &generated.groups).map_err(|e| format!("error: {e}"))?;
    } else {
        // A crate written under `tests/` joins the workspace (the fixture crate); any other is a
        // workspace of its own.
        let inside = std::path::absolute(dir).is_ok_and(|d| d.starts_with(root().join("tests")));
        let home = if inside { standalone::Home::Member } else { standalone::Home::Own };
        let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let extra = standalone::files(&root(), &generated.groups, &generated.sources, home, &folder).map_err(|e| format!("error: cannot prepare a standalone crate: {e}"))?;
        files.extend(extra);
    }
    Ok((generated, files))
}

/// Generates, then writes or checks; on success, the API groups of what was generated.
fn regen(args: RegenArgs) -> Result<Vec<String>, ExitCode> {
    let start = Instant::now();
    let dir = args.out.clone();
    let (generated, files) = match crate_files_shown(&args.specs, &args.overlays, &dir, args.quiet) {
        Ok(made) => made,
        Err(e) => {
            eprintln!("{e}");
            eprintln!("regen failed; nothing was written");
            return Err(ExitCode::FAILURE);
        }
    };
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
        "mock:        {} default answers from examples, {} sampled, {} operations stubbed by request type (feature `testing`); answers that follow the request: {} echo, {} filter, {} page, {} rotate, {} include, {} one item per request item; {} resource families",
        m.examples, m.samples, m.typed, m.follow.echo, m.follow.filter, m.follow.page, m.follow.rotate, m.follow.include, m.follow.each, m.follow.families
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
    let o = s.overlays;
    if o.files > 0 {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        println!("overlays:    {}, {} applied, {} matched", plural(o.files, "file", "files"), plural(o.actions, "action", "actions"), plural(o.matches, "node", "nodes"));
    }
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
    let spec_args = args.specs.clone();
    let overlay_args = args.overlays.clone();
    let groups = match regen(args) {
        Ok(groups) => groups,
        Err(code) => return code,
    };
    // Built with the versions the workspace tested, so that a run is reproducible; the fresh
    // resolution comes last.
    if let Err(e) = fresh::pin_lock(&root(), &root().join(SPEC_CRATE)) {
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
    if let Err(e) = minimal_builds(&groups) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }

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
    // must pass with warnings denied: one without enums (no runtime helper may go unused), the
    // fixtures whose examples and keywords contradict their schemas, and the deprecated one
    // (the generated code uses deprecated fields and operations without a warning).
    for name in SMALL_SPECS {
        let spec = root().join("tests/fixtures/rules").join(format!("{name}.yml"));
        let out = root().join("target/small-sdk").join(name);
        let small = RegenArgs::for_crate(vec![spec], Vec::new(), out.clone());
        if regen(small).is_err() || fresh::pin_lock(&root(), &out).is_err() {
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
    if let Err(e) = fresh_build(&spec_args, &overlay_args) {
        eprintln!("{e}");
        failed.push("the fresh resolution".into());
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("corpus failed: {}", failed.join(", "));
        ExitCode::FAILURE
    }
}

/// Where the corpus spec's crate is built on a fresh resolution, apart from the pinned build.
const FRESH_CRATE: &str = "target/corpus-fresh";
const FRESH_CRATE_TARGET: &str = "target/corpus-fresh-target";

/// The corpus spec's crate as a new user's build resolves it (no lock: each dependency's
/// newest version): its `rust-version` against every dependency's, then the library, tests
/// and examples with `testing` and warnings denied, so that a deprecation upstream fails here.
fn fresh_build(specs: &[PathBuf], overlays: &[PathBuf]) -> Result<(), String> {
    let started = Instant::now();
    let dir = root().join(FRESH_CRATE);
    let args = RegenArgs::for_crate(specs.to_vec(), overlays.to_vec(), dir.clone());
    regen(args).map_err(|_| "the fresh crate did not generate".to_string())?;
    fresh::resolve_afresh(&dir)?;
    let (own, highest) = fresh::check_rust_version(&dir)?;
    println!("rust-version: {own}, at least the highest a dependency declares: {highest}");
    println!("== cargo check --all-targets --features testing on a fresh resolution (RUSTFLAGS=-D warnings)");
    cargo_with_target(&dir, &root().join(FRESH_CRATE_TARGET), &["check", "--quiet", "--all-targets", "--features", "testing"])
        .map_err(|e| format!("the corpus crate on a fresh resolution: {e}"))?;
    println!("fresh resolution: builds without warnings ({:.1} s)", started.elapsed().as_secs_f64());
    Ok(())
}

/// The contract's arguments; with `--spec`, the standalone crate is generated first (a failed
/// generation is the inner error's exit code).
fn contract_args(args: &[String]) -> Result<Result<contract::Target, ExitCode>, String> {
    let mut specs = Vec::new();
    let mut overlays = Vec::new();
    let mut fuzz = 50;
    let mut flags = cli::Flags::new(args);
    while let Some(arg) = flags.next_arg() {
        match arg {
            "--spec" => specs.push(flags.path(arg)?),
            "--overlay" => overlays.push(flags.path(arg)?),
            "--fuzz" => fuzz = flags.value(arg)?.parse().map_err(|_| "--fuzz needs a whole number".to_string())?,
            other => return Err(cli::unknown(other)),
        }
    }
    overlays.splice(0..0, own_overlays());
    if specs.is_empty() {
        return Ok(Ok(contract::Target { specs: vec![root().join("specs")], overlays, manifest: None, target_dir: None, fuzz }));
    }
    let regen_args = RegenArgs::for_crate(specs.clone(), overlays.clone(), root().join(SPEC_CRATE));
    let pinned = regen(regen_args).and_then(|_| {
        fresh::pin_lock(&root(), &root().join(SPEC_CRATE)).map_err(|e| {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        })
    });
    Ok(pinned.map(|()| contract::Target {
        specs,
        overlays,
        manifest: Some(root().join(SPEC_CRATE).join("Cargo.toml")),
        target_dir: Some(root().join(SPEC_CRATE_TARGET)),
        fuzz,
    }))
}

/// The builds a user makes with default features off, each running what it must support:
/// the crate README's mock example with exactly the features of the README's dev-dependency
/// line, and webhook verification with `webhooks` alone and with one group and `webhooks`
/// (`generated/tests/feature_sets.rs`, copied in).
fn minimal_builds(groups: &[String]) -> Result<(), String> {
    let dir = root().join(SPEC_CRATE);
    write_readme_test(&dir)?;
    let features = readme_dev_features()?.join(",");
    println!("== cargo test --no-default-features --features {features} --test readme_testing (the README's dev-dependency line)");
    corpus_cargo(&["test", "--quiet", "--no-default-features", "--features", &features, "--test", "readme_testing"]).map_err(|e| format!("the README's mock example with the README's features: {e}"))?;
    let source = root().join("generated/tests/feature_sets.rs");
    std::fs::copy(&source, dir.join("tests/feature_sets.rs")).map_err(|e| format!("{}: {e}", source.display()))?;
    let one_group = groups.first().map(|g| format!("{g},webhooks")).ok_or("the spec has no group")?;
    for set in ["webhooks", one_group.as_str()] {
        println!("== cargo test --no-default-features --features {set} --test feature_sets (a signed webhook verifies)");
        corpus_cargo(&["test", "--quiet", "--no-default-features", "--features", set, "--test", "feature_sets"]).map_err(|e| format!("webhook verification with only `{set}`: {e}"))?;
    }
    Ok(())
}

/// The features of the `plaid-sdk` line under `[dev-dependencies]` in the crate README's
/// "Features" section: what its mock example must build with, and nothing more.
fn readme_dev_features() -> Result<Vec<String>, String> {
    let readme = root().join("generated/README.md");
    let text = std::fs::read_to_string(&readme).map_err(|e| format!("{}: {e}", readme.display()))?;
    let line = text
        .split_once("[dev-dependencies]\n")
        .and_then(|(_, rest)| rest.lines().find(|l| l.starts_with("plaid-sdk")))
        .ok_or(format!("{} has no `plaid-sdk` line under `[dev-dependencies]`", readme.display()))?;
    let table: toml::Table = format!("dep = {}", line.split_once('=').map(|(_, v)| v.trim()).unwrap_or_default()).parse().map_err(|e| format!("{}: the dev-dependency line: {e}", readme.display()))?;
    let dep = table.get("dep").and_then(toml::Value::as_table).ok_or("the dev-dependency line is not a table")?;
    if dep.get("default-features").and_then(toml::Value::as_bool) != Some(false) {
        return Err(format!("{}: the dev-dependency line must turn default features off, so tests build what production builds", readme.display()));
    }
    let features = dep.get("features").and_then(toml::Value::as_array).ok_or("the dev-dependency line names no features")?;
    Ok(features.iter().filter_map(|f| f.as_str().map(str::to_string)).collect())
}

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
    cargo_with_target(dir, &root().join(SPEC_CRATE_TARGET), args)
}

/// Runs cargo on the standalone crate in `dir` with warnings denied and the given target folder.
fn cargo_with_target(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    let status = std::process::Command::new(cargo())
        .args(args)
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env("RUSTFLAGS", "-D warnings")
        .env("CARGO_TARGET_DIR", target)
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
    rust_files(dir).iter().map(|p| count_lines_of(p)).sum()
}

/// The `.rs` files under `dir`, at any depth (none if it cannot be read).
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files = Vec::new();
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|x| x == "rs") {
            files.push(path);
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> ExitCode {
        dispatch(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn help_exits_zero_for_the_tool_and_every_command() {
        assert_eq!(run(&["--help"]), ExitCode::SUCCESS);
        assert_eq!(run(&["help", "release"]), ExitCode::SUCCESS);
        for c in cli::COMMANDS {
            assert_eq!(run(&[c.name, "--help"]), ExitCode::SUCCESS, "{}", c.name);
            assert!(cli::usage(c.name).starts_with(&format!("cargo xtask {}", c.name)), "{}", c.name);
        }
    }

    #[test]
    fn unknown_commands_flags_and_missing_values_exit_two() {
        for args in [
            &[][..],
            &["frobnicate"],
            &["regen", "--bogus"],
            &["regen", "--spec"],
            &["api-diff", "--format", "yaml", "a", "b"],
            &["api-diff", "only-one"],
            &["bench", "--fast"],
            &["corpus", "--check"],
            &["quickstart"],
            &["quickstart", "--port", "1"],
            &["contract", "--fuzz", "many"],
            &["semver-check", "--against"],
            &["release", "--out", "x"],
            &["release", "--spec", "s", "--out", "x", "--version", "1.2"],
        ] {
            assert_eq!(run(args), ExitCode::from(2), "{args:?}");
        }
        assert_eq!(cli::unknown("--bogus"), "unknown option `--bogus`");
    }
}
