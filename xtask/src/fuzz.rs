//! `cargo xtask fuzz`: the fuzz targets of `tests/fuzz/` (cargo-fuzz, libFuzzer), each run for a
//! bounded time from the committed seed corpus, with its figures printed; a crash fails the
//! run and leaves the input under `target/fuzz/artifacts/<target>/`.
//!
//! cargo-fuzz needs nightly's sanitizer and coverage flags; `RUSTC_BOOTSTRAP=1` lets this
//! stable toolchain take them, as the docs.rs check in CI does. `--seeds` writes the seed
//! corpus anew from the committed specs' examples and fixtures (`tests/fuzz/seeds/`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

/// The pinned cargo-fuzz.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// Every target, in the order they run.
pub const TARGETS: &[&str] = &["webhook_verify", "answer_read", "param_encoding", "spec_pipeline"];

/// What `cargo xtask fuzz` was asked to do.
pub struct Args {
    /// How long each target runs.
    pub seconds: u64,
    /// The targets to run (all by default).
    pub targets: Vec<String>,
    /// Write the seed corpus instead of fuzzing.
    pub seeds: bool,
}

impl Args {
    pub fn parse(args: &[String]) -> Result<Args, String> {
        let mut parsed = Args { seconds: 20, targets: Vec::new(), seeds: false };
        let mut flags = crate::cli::Flags::new(args);
        while let Some(arg) = flags.next_arg() {
            match arg {
                "--seconds" => parsed.seconds = flags.value(arg)?.parse().map_err(|_| "--seconds takes a whole number".to_string())?,
                "--target" => {
                    let name = flags.value(arg)?;
                    if !TARGETS.contains(&name) {
                        return Err(format!("unknown fuzz target `{name}`; the targets are {}", TARGETS.join(", ")));
                    }
                    parsed.targets.push(name.to_string());
                }
                "--seeds" => parsed.seeds = true,
                other => return Err(crate::cli::unknown(other)),
            }
        }
        if parsed.targets.is_empty() {
            parsed.targets = TARGETS.iter().map(|t| t.to_string()).collect();
        }
        Ok(parsed)
    }
}

/// Runs the command; the exit code says whether every target ran clean.
pub fn run(root: &Path, args: &Args) -> std::process::ExitCode {
    let outcome = if args.seeds { write_seeds(root) } else { fuzz(root, args) };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn fuzz(root: &Path, args: &Args) -> Result<(), String> {
    let tool = install()?;
    let fuzz_dir = root.join("tests/fuzz");
    let work = root.join("target/fuzz");
    let mut failed = Vec::new();
    for target in &args.targets {
        let corpus = work.join("corpus").join(target);
        let artifacts = work.join("artifacts").join(target);
        std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
        std::fs::create_dir_all(&artifacts).map_err(|e| format!("{}: {e}", artifacts.display()))?;
        let seeds = fuzz_dir.join("seeds").join(target);
        println!("== fuzz {target}: {} s from {} seeds", args.seconds, count(&seeds));
        let output = Command::new(&tool)
            .current_dir(root)
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run", "--fuzz-dir"])
            .arg(&fuzz_dir)
            .arg("--target-dir")
            .arg(work.join("build"))
            .arg(target)
            .arg(&corpus)
            .arg(&seeds)
            .arg("--")
            .arg(format!("-max_total_time={}", args.seconds))
            .arg("-timeout=10")
            .arg("-rss_limit_mb=2048")
            .arg("-print_final_stats=1")
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .output()
            .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
        let log = String::from_utf8_lossy(&output.stderr);
        let figures = Figures::read(&log);
        println!("fuzz: {target}: {} runs in {} s, coverage {} edges, {} features, corpus {}, {}", figures.runs, args.seconds, figures.cov, figures.ft, figures.corpus, if output.status.success() { "no crash" } else { "CRASHED" });
        if !output.status.success() {
            let tail: Vec<&str> = log.lines().rev().take(60).collect();
            eprintln!("{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
            failed.push(target.clone());
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzz targets failed: {} (inputs in target/fuzz/artifacts/)", failed.join(", ")))
    }
}

/// libFuzzer's closing figures.
#[derive(Default)]
struct Figures {
    runs: String,
    cov: String,
    ft: String,
    corpus: String,
}

impl Figures {
    fn read(log: &str) -> Figures {
        let mut f = Figures { runs: "?".into(), cov: "?".into(), ft: "?".into(), corpus: "?".into() };
        for line in log.lines() {
            if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
                f.runs = n.trim().to_string();
            }
            // `#1234	DONE   cov: 567 ft: 890 corp: 12/3456b ...`, or the last progress line.
            if line.starts_with('#') {
                let words: Vec<&str> = line.split_whitespace().collect();
                let after = |key: &str| words.iter().position(|w| *w == key).and_then(|i| words.get(i + 1)).map(|w| w.to_string());
                if let Some(cov) = after("cov:") {
                    f.cov = cov;
                }
                if let Some(ft) = after("ft:") {
                    f.ft = ft;
                }
                if let Some(corp) = after("corp:") {
                    f.corpus = corp;
                }
            }
        }
        f
    }
}

fn count(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

/// The pinned cargo-fuzz.
fn install() -> Result<PathBuf, String> {
    crate::pinned_tool("cargo-fuzz", &["--version"], CARGO_FUZZ_VERSION, "about two minutes on 2 cores")
}

/// Writes `tests/fuzz/seeds/<target>/` from the committed specs' examples and fixtures.
fn write_seeds(root: &Path) -> Result<(), String> {
    let seeds = root.join("tests/fuzz/seeds");
    let specs = spec_values(&root.join("specs"))?;
    let mut written = 0;
    let mut put = |target: &str, name: String, bytes: Vec<u8>| -> Result<(), String> {
        let dir = seeds.join(target);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        written += 1;
        std::fs::write(dir.join(name), bytes).map_err(|e| e.to_string())
    };
    // answer_read: every response example, under its own status (200 first, errors as 400).
    for (file, spec) in &specs {
        for (pointer, status, example) in response_examples(spec) {
            let status_byte: u8 = if status.starts_with('2') { 0 } else { 3 };
            let mut bytes = vec![status_byte, 0];
            bytes.extend(example.to_string().into_bytes());
            put("answer_read", format!("{file}-{pointer}"), bytes)?;
        }
    }
    let echo = json!({"error_type": "INVALID_INPUT", "error_code": "INVALID_FIELD", "error_message": "secret fuzz-secret-0123456789 and token access-sandbox-fuzz-0123456789", "display_message": null, "request_id": "fuzz-secret-0123456789"});
    put("answer_read", "echoing-error".into(), [vec![3, 0], echo.to_string().into_bytes()].concat())?;
    put("answer_read", "echoing-html".into(), [vec![8, 2], b"<html>POST /accounts/get {\"access_token\":\"access-sandbox-fuzz-0123456789\",\"secret\":\"fuzz-secret-0123456789\"}</html>".to_vec()].concat())?;
    // webhook_verify: each webhook example as the body of a token the harness signs, and raw
    // tokens.
    let header = br#"{"alg":"ES256","kid":"fuzz-kid","typ":"JWT"}"#.to_vec();
    for (file, spec) in &specs {
        for (name, example) in webhook_examples(spec) {
            let body = example.to_string().into_bytes();
            let signed = [vec![7u8], vec![0], header.clone(), vec![0], b"{}".to_vec(), vec![0], Vec::new(), vec![0], body.clone()].concat();
            put("webhook_verify", format!("{file}-{name}-signed"), signed)?;
            let stale = [vec![3u8], vec![0], header.clone(), vec![0], br#"{"iat":1,"request_body_sha256":"00"}"#.to_vec(), vec![0], Vec::new(), vec![0], body].concat();
            put("webhook_verify", format!("{file}-{name}-stale"), stale)?;
        }
    }
    put("webhook_verify", "alg-none".into(), [vec![7u8, 0], br#"{"alg":"none","kid":"fuzz-kid"}"#.to_vec(), vec![0, b'{', b'}', 0, 0]].concat())?;
    put("webhook_verify", "raw-token".into(), b"\0eyJhbGciOiJFUzI1NiJ9.e30.AAAA\0\0\0{}".to_vec())?;
    put("webhook_verify", "hostile-key".into(), [vec![5u8, 0], header.clone(), vec![0, b'{', b'}', 0], br#"{"key":{"kty":"EC","crv":"P-256","kid":"fuzz-kid","x":"AAAA","y":"AAAA","expired_at":null}}"#.to_vec(), vec![0], b"{}".to_vec()].concat())?;
    // param_encoding: values that try to leave their place.
    // The last two are what the target found (a credential in a call's own query, any case).
    let values: [(&str, &str); 12] = [
        ("s-1", "i-1"), ("..", "."), ("a/b", "c?d#e"), ("%2e%2E", ".%2e"), ("client_id", "x"), ("PLAID_SECRET", "x"),
        ("/../../admin", "x"), ("//evil.example/x", "x"), ("/items/access-sandbox-1?secret=x", "x"), ("plaid-client-id", "x"),
        ("/items/i-1?seCret=x", "x"), ("/items/i-1?secre%74=x", "x"),
    ];
    for selector in 0..4u8 {
        for (i, (a, b)) in values.iter().enumerate() {
            put("param_encoding", format!("{selector}-{i}"), [vec![selector, 0], a.as_bytes().to_vec(), vec![0], b.as_bytes().to_vec()].concat())?;
        }
    }
    // spec_pipeline: each committed spec alone, and the overlay fixture spec with each overlay.
    for (file, _) in &specs {
        let text = std::fs::read(root.join("specs").join(file)).map_err(|e| e.to_string())?;
        put("spec_pipeline", file.clone(), text)?;
    }
    let spec = std::fs::read(root.join("tests/fixtures/overlays/spec/widgets.yml")).map_err(|e| e.to_string())?;
    let overlays = root.join("tests/fixtures/overlays");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&overlays).map_err(|e| e.to_string())?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "yml")).collect();
    names.sort();
    for path in names {
        let overlay = std::fs::read(&path).map_err(|e| e.to_string())?;
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        put("spec_pipeline", format!("widgets-{name}"), [spec.clone(), vec![0], overlay].concat())?;
    }
    println!("wrote {written} seeds under {}", seeds.display());
    Ok(())
}

/// The committed specs as JSON, by file name.
fn spec_values(dir: &Path) -> Result<Vec<(String, Value)>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).map_err(|e| e.to_string())?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "yml")).collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            let value: Value = serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?;
            Ok((p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), value))
        })
        .collect()
}

/// `(operation id, status, example)` of every response example of a spec.
fn response_examples(spec: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else { return out };
    for item in paths.values() {
        let Some(op) = item.get("post") else { continue };
        let id = op.get("operationId").and_then(Value::as_str).unwrap_or("op");
        for (status, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
            let media = response.pointer("/content/application~1json");
            let examples = media.and_then(|m| m.get("examples")).and_then(Value::as_object);
            for (name, example) in examples.into_iter().flatten() {
                if let Some(value) = example.get("value") {
                    out.push((format!("{id}-{status}-{name}"), status.clone(), value.clone()));
                }
            }
            if let Some(value) = media.and_then(|m| m.get("example")) {
                out.push((format!("{id}-{status}"), status.clone(), value.clone()));
            }
        }
    }
    out
}

/// `(schema name, example)` of every component schema that looks like a webhook payload.
fn webhook_examples(spec: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let Some(schemas) = spec.pointer("/components/schemas").and_then(Value::as_object) else { return out };
    for (name, schema) in schemas {
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else { continue };
        if !properties.contains_key("webhook_type") || !properties.contains_key("webhook_code") {
            continue;
        }
        let example: serde_json::Map<String, Value> = properties
            .iter()
            .filter_map(|(key, property)| property.get("example").or_else(|| property.pointer("/enum/0")).map(|v| (key.clone(), v.clone())))
            .collect();
        out.push((name.clone(), Value::Object(example)));
    }
    out
}
