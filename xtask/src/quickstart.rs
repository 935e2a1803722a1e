//! `cargo xtask quickstart --spec <plaid.yml>`: Plaid's quickstart backend (`quickstart/`) on
//! the SDK generated from a complete Plaid spec.
//!
//! The workspace's own crate has the four documented specs only, far fewer operations than the
//! quickstart calls, so the backend is a package outside the workspace whose `plaid-sdk`
//! dependency is the standalone crate `cargo xtask corpus` writes (`target/corpus-sdk/`), built
//! in the same target folder with the same flags and the workspace's lock: the first run builds
//! it, later runs (and `corpus`) reuse it. `cargo test --workspace` never needs a spec from
//! outside the repository.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use crate::{cli, root, RegenArgs, SPEC_CRATE, SPEC_CRATE_TARGET};

/// The backend's package.
const PACKAGE: &str = "quickstart";

/// Where Plaid publishes its spec, for a run without `--spec`.
const WHERE_TO_GET: &str = "the quickstart needs Plaid's complete OpenAPI spec: download `2020-09-14.yml` from https://github.com/plaid/plaid-openapi \
(for example https://raw.githubusercontent.com/plaid/plaid-openapi/master/2020-09-14.yml), then run\n\n    cargo xtask quickstart --spec 2020-09-14.yml\n";

/// What `quickstart` was asked.
pub struct Args {
    specs: Vec<PathBuf>,
    overlays: Vec<PathBuf>,
    /// Run the backend's tests (route and browser tests) and clippy instead of serving.
    test: bool,
}

impl Args {
    /// Reads the arguments; `Ok(None)` when no spec was given (the caller says where to get one).
    pub fn parse(args: &[String]) -> Result<Option<Self>, String> {
        let mut a = Args { specs: Vec::new(), overlays: Vec::new(), test: false };
        let mut flags = cli::Flags::new(args);
        while let Some(arg) = flags.next_arg() {
            match arg {
                "--spec" => a.specs.push(flags.path(arg)?),
                "--overlay" => a.overlays.push(flags.path(arg)?),
                "--test" => a.test = true,
                other => return Err(cli::unknown(other)),
            }
        }
        Ok(if a.specs.is_empty() { None } else { Some(a) })
    }
}

/// Says where to get Plaid's spec (exit 2: the command cannot run without one).
pub fn no_spec() -> ExitCode {
    eprint!("error: {WHERE_TO_GET}");
    ExitCode::from(2)
}

/// Generates the SDK crate, checks that it has every operation the backend calls, then runs
/// the backend (or its tests) in the foreground.
pub fn run(args: Args) -> ExitCode {
    let mut overlays = crate::own_overlays();
    overlays.extend(args.overlays);
    let regen = RegenArgs { quiet: true, ..RegenArgs::for_crate(args.specs, overlays, root().join(SPEC_CRATE)) };
    if crate::regen(regen).is_err() {
        return ExitCode::FAILURE;
    }
    let package = root().join(PACKAGE);
    // The workspace's versions, as `corpus` builds with: the dependencies both share are built once.
    for dir in [root().join(SPEC_CRATE), package.clone()] {
        if let Err(e) = crate::fresh::pin_lock(&root(), &dir) {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    let missing = missing_operations(&package.join("src"), &root().join(SPEC_CRATE).join("src"));
    if !missing.is_empty() {
        eprintln!(
            "error: the spec has no operation for {} of the quickstart's calls: {}\n(the quickstart needs a Plaid spec of 2024 or later; {WHERE_TO_GET}",
            missing.len(),
            missing.join(", ")
        );
        return ExitCode::FAILURE;
    }
    let started = Instant::now();
    let manifest = package.join("Cargo.toml");
    let build: &[&str] = if args.test { &["test"] } else { &["build", "--bin", "plaid-quickstart"] };
    println!("== cargo {} --manifest-path {} (the first run builds the SDK crate; later ones reuse it)", build.join(" "), manifest.display());
    let status = cargo(build, &manifest).status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => {
            eprintln!("error: cargo {} failed ({s})", build.join(" "));
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            return ExitCode::FAILURE;
        }
    }
    if args.test {
        // The backend is an application of the SDK: it meets the workspace's lint bar too.
        let lint = cargo(&["clippy", "--all-targets", "--", "-D", "warnings"], &manifest).status();
        if !lint.is_ok_and(|s| s.success()) {
            eprintln!("error: cargo clippy on the quickstart failed");
            return ExitCode::FAILURE;
        }
    }
    println!("quickstart: built{} in {:.1} s", if args.test { ", tested and linted" } else { "" }, started.elapsed().as_secs_f64());
    if args.test {
        return ExitCode::SUCCESS;
    }
    // The backend itself, in the foreground, in the folder the command was run from (its `.env`).
    let binary = root().join(SPEC_CRATE_TARGET).join("debug").join("plaid-quickstart");
    match std::process::Command::new(&binary).status() {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => ExitCode::from(u8::try_from(s.code().unwrap_or(1)).unwrap_or(1)),
        Err(e) => {
            eprintln!("error: cannot run {}: {e}", binary.display());
            ExitCode::FAILURE
        }
    }
}

/// Cargo on the backend's manifest, with the flags and target folder `corpus` uses: the
/// subcommand (`args[0]`), `--manifest-path`, then the rest of `args` (which may hold a `--`).
fn cargo(args: &[&str], manifest: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(crate::cargo());
    let (subcommand, rest) = args.split_first().map_or(("build", &[][..]), |(s, r)| (*s, r));
    command.arg(subcommand).arg("--manifest-path").arg(manifest).args(rest).env("RUSTFLAGS", "-D warnings").env("CARGO_TARGET_DIR", root().join(SPEC_CRATE_TARGET));
    command
}

/// The client methods the backend's sources call (`client.<name>(`) that the generated crate
/// does not define: operations the spec lacks. Runtime methods (`post_json`, ...) are defined in
/// the runtime's files, which are searched too.
fn missing_operations(backend: &Path, sdk: &Path) -> Vec<String> {
    let read_all = |dir: &Path| crate::rust_files(dir).iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect::<Vec<_>>().join("\n");
    let (calls, defined) = (read_all(backend), read_all(sdk));
    let mut missing: Vec<String> = calls
        .split("client.")
        .skip(1)
        .filter_map(|rest| {
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            rest[name.len()..].starts_with('(').then_some(name)
        })
        .filter(|name| !defined.contains(&format!("fn {name}(")) && !defined.contains(&format!("fn {name}<")))
        .collect();
    missing.sort();
    missing.dedup();
    missing
}

#[cfg(test)]
mod tests {
    #[test]
    fn calls_the_sdk_lacks_are_named() {
        let dir = std::env::temp_dir().join(format!("xtask-quickstart-{}", std::process::id()));
        let (backend, sdk) = (dir.join("backend"), dir.join("sdk"));
        std::fs::create_dir_all(&backend).expect("dir");
        std::fs::create_dir_all(&sdk).expect("dir");
        std::fs::write(backend.join("a.rs"), "state.client.auth_get(x).await; state.client.post_json(p, &b); client.statements_list(y); let c = state.client;").expect("write");
        std::fs::write(sdk.join("b.rs"), "pub async fn auth_get(&self) {}\npub async fn post_json<B>(&self) {}").expect("write");
        assert_eq!(super::missing_operations(&backend, &sdk), ["statements_list"]);
        std::fs::remove_dir_all(&dir).ok();
    }
}
