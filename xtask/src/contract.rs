//! `cargo xtask contract [--spec FILE]... [--fuzz N]`: a generated client against Stoplight
//! Prism, a mock server written by someone else. Prism serves the merged specs on loopback
//! twice: in static mode it validates every request we send (422 with the violations when one
//! breaks the spec), in dynamic mode it answers with random responses valid for the schema.
//! The test is the crate's generated `tests/contract.rs` (every operation, required fields and
//! parameters only and then every one set; `N` random answers per operation), run with the two
//! servers' URLs in the environment. Without `--spec` it checks the workspace's own crate (and
//! `tests/tests/contract.rs`, a request that breaks the spec on purpose); with `--spec` it
//! generates the standalone crate the spec makes (the one `cargo xtask corpus` builds, so the
//! build is shared) and checks that.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The Prism release the contract is checked against.
const PRISM_VERSION: &str = "5.14.2";
/// How long Prism may take to start answering.
const STARTUP: Duration = Duration::from_secs(60);
/// The seed of the dynamic server's random responses, so a failure can be reproduced.
const SEED: &str = "20200914";

/// A running Prism, stopped (and reaped) when dropped: on success, failure and panic alike.
struct Prism {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What to check: the spec files, and the standalone crate they make (`None` for the workspace's
/// own crate and `specs/`).
pub struct Target {
    /// The spec files or folders.
    pub specs: Vec<PathBuf>,
    /// The overlays applied to them, in order.
    pub overlays: Vec<PathBuf>,
    /// The standalone crate's manifest, already generated from `specs`.
    pub manifest: Option<PathBuf>,
    /// The target folder to build that crate in.
    pub target_dir: Option<PathBuf>,
    /// Random answers decoded per operation.
    pub fuzz: usize,
}

pub fn run(root: &Path, target: &Target) -> ExitCode {
    match contract(root, target) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn contract(root: &Path, target: &Target) -> Result<ExitCode, String> {
    let prism = install(root)?;
    let dir = root.join("target/contract");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let spec = dir.join("plaid-merged.json");
    let document = generator::merged_document_overlaid(&target.specs, &target.overlays).map_err(|d| format!("the specs do not merge:\n{d}"))?;
    let json = serde_json::to_string_pretty(&document).map_err(|e| e.to_string())?;
    std::fs::write(&spec, json).map_err(|e| format!("{}: {e}", spec.display()))?;

    let mut static_server = start(&prism, &spec, &dir.join("prism-static.log"), &[])?;
    let mut dynamic_server = start(&prism, &spec, &dir.join("prism-dynamic.log"), &["--dynamic", "--seed", SEED])?;
    wait_until_answering(&mut static_server)?;
    wait_until_answering(&mut dynamic_server)?;
    println!("prism {PRISM_VERSION}: static at {}, dynamic (seed {SEED}) at {}", static_server.url, dynamic_server.url);

    let cargo = || {
        let mut c = Command::new(crate::cargo());
        c.current_dir(root)
            .env("PRISM_STATIC_URL", &static_server.url)
            .env("PRISM_DYNAMIC_URL", &dynamic_server.url)
            .env("CONTRACT_FUZZ", target.fuzz.to_string());
        c
    };
    let run = |mut c: Command| c.status().map_err(|e| format!("cannot run cargo: {e}")).map(|s| s.success());
    let ok = match (&target.manifest, &target.target_dir) {
        (Some(manifest), Some(dir)) => {
            let mut c = cargo();
            // With `testing`, as `cargo xtask corpus` builds it, so the build is shared.
            c.args(["test", "--quiet", "--features", "testing", "--test", "contract", "--manifest-path"])
                .arg(manifest)
                .args(["--", "--ignored", "--nocapture"])
                .env("RUSTFLAGS", "-D warnings")
                .env("CARGO_TARGET_DIR", dir);
            run(c)?
        }
        _ => {
            let mut generated = cargo();
            generated.args(["test", "--quiet", "-p", "plaid-sdk", "--test", "contract", "--", "--ignored", "--nocapture"]);
            let mut broken = cargo();
            broken.args(["test", "--quiet", "-p", "tests", "--test", "contract", "--", "--ignored", "--nocapture"]);
            run(generated)? & run(broken)?
        }
    };
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        eprintln!("the contract tests failed; Prism's logs are in {}", dir.display());
        ExitCode::FAILURE
    })
}

/// Prism's executable in `.tools/prism` (git-ignored), installed with npm when missing.
fn install(root: &Path) -> Result<PathBuf, String> {
    let prefix = root.join(".tools/prism");
    let bin = prefix.join("node_modules/.bin/prism");
    let installed = Command::new(&bin).arg("--version").output().ok().filter(|o| o.status.success());
    if installed.is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == PRISM_VERSION) {
        return Ok(bin);
    }
    println!("installing @stoplight/prism-cli@{PRISM_VERSION} into {} ...", prefix.display());
    std::fs::create_dir_all(&prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
        .arg(&prefix)
        .arg(format!("@stoplight/prism-cli@{PRISM_VERSION}"))
        .status()
        .map_err(|e| format!("cannot run npm ({e}); install Node.js and npm to run the contract tests"))?;
    if !status.success() {
        return Err(format!("npm could not install @stoplight/prism-cli@{PRISM_VERSION} ({status})"));
    }
    Ok(bin)
}

/// Starts Prism on a free loopback port.
fn start(bin: &Path, spec: &Path, log: &Path, extra: &[&str]) -> Result<Prism, String> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free loopback port: {e}"))?
        .port();
    let out = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let child = Command::new(bin)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
        .args(extra)
        .arg(spec)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    Ok(Prism { child, url: format!("http://127.0.0.1:{port}"), log: log.to_path_buf() })
}

/// Waits until the server accepts connections; fails if it exits or takes too long.
fn wait_until_answering(server: &mut Prism) -> Result<(), String> {
    let address = server.url.trim_start_matches("http://").to_string();
    let started = Instant::now();
    let log = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
    loop {
        if TcpStream::connect(&address).is_ok() {
            return Ok(());
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!("Prism exited ({status}) before answering; its log:\n{}", log(&server.log)));
        }
        if started.elapsed() > STARTUP {
            return Err(format!("Prism did not answer at {} within {STARTUP:?}; its log:\n{}", server.url, log(&server.log)));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
