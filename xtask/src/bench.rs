//! `cargo xtask bench`: the generator's speed and the cost of the code it writes, as figures
//! (never as timed tests). It re-runs itself in release mode, since debug timings say nothing.
//!
//! - regen of `specs/` and of the complete Plaid spec, in process (median of several runs);
//! - a cold `cargo build` of the complete spec's crate (its dependencies already built), with
//!   all features and with only `accounts`, next to the lines of Rust each compiles.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

pub fn run(root: &Path, corpus: &Path) -> ExitCode {
    if cfg!(debug_assertions) {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(root)
            .args(["run", "--quiet", "--release", "-p", "xtask", "--", "bench"])
            .status();
        return match status {
            Ok(s) if s.success() => ExitCode::SUCCESS,
            _ => ExitCode::FAILURE,
        };
    }
    match bench(root, corpus) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time_regen(inputs: &[std::path::PathBuf], runs: usize) -> Result<(Duration, usize), String> {
    let mut times = Vec::new();
    let mut lines = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let generated = generator::generate(inputs).map_err(|d| d.to_string())?;
        times.push(start.elapsed());
        lines = generated.files.iter().map(|f| f.contents.lines().count()).sum();
    }
    Ok((median(times), lines))
}

fn bench(root: &Path, corpus: &Path) -> Result<(), String> {
    let (specs_time, specs_lines) = time_regen(&[root.join("specs")], 21)?;
    println!("regen specs/ (23 operations):        {:>8.1} ms median of 21, {specs_lines} lines written (target < 50 ms)", ms(specs_time));
    let (corpus_time, corpus_lines) = time_regen(&[corpus.to_path_buf()], 7)?;
    println!("regen complete spec (265 operations): {:>8.1} ms median of 7, {corpus_lines} lines written (target < 500 ms)", ms(corpus_time));
    let text = std::fs::read_to_string(corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let parse = median(
        (0..7)
            .map(|_| {
                let start = Instant::now();
                let _ = generator::load::parse(corpus, text.clone());
                start.elapsed()
            })
            .collect(),
    );
    println!("  of which parsing the YAML:          {:>8.1} ms", ms(parse));

    // The crate: written like `cargo xtask corpus` does, built in its own target folder.
    let status = Command::new(std::env::current_exe().map_err(|e| e.to_string())?)
        .args(["regen", "--spec"])
        .arg(corpus)
        .arg("--out")
        .arg(root.join("target/bench-sdk"))
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("regen of the complete spec failed".into());
    }
    let cargo = |args: &[&str]| -> Result<Duration, String> {
        let start = Instant::now();
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(args)
            .arg("--manifest-path")
            .arg(root.join("target/bench-sdk/Cargo.toml"))
            .env("CARGO_TARGET_DIR", root.join("target/bench-sdk-target"))
            .status()
            .map_err(|e| e.to_string())?;
        if status.success() {
            Ok(start.elapsed())
        } else {
            Err(format!("cargo {} failed", args.join(" ")))
        }
    };
    // Dependencies first, so that the figures below are the crate's own.
    cargo(&["build", "--quiet", "--lib"])?;
    let src = root.join("target/bench-sdk/src");
    let all_lines = crate::count_lines(&src);
    let accounts_lines = crate::count_lines(&src) - crate::count_lines(&src.join("gen"))
        + ["mod.rs", "accounts.rs", "shared.rs"].iter().map(|f| crate::count_lines_of(&src.join("gen").join(f))).sum::<usize>();
    cargo(&["clean", "--quiet", "-p", "plaid-sdk"])?;
    let all = cargo(&["build", "--quiet", "--lib"])?;
    cargo(&["clean", "--quiet", "-p", "plaid-sdk"])?;
    let accounts = cargo(&["build", "--quiet", "--lib", "--no-default-features", "--features", "accounts"])?;
    let per_k = |d: Duration, lines: usize| d.as_secs_f64() * 1000.0 / (lines as f64 / 1000.0);
    println!(
        "cold build, all features:             {:>8.1} s  for {all_lines} lines ({:.0} ms per 1,000 lines)",
        all.as_secs_f64(),
        per_k(all, all_lines)
    );
    println!(
        "cold build, only `accounts`:          {:>8.1} s  for at most {accounts_lines} lines (runtime, mod.rs, accounts.rs, the gated shared.rs; {:.0} ms per 1,000)",
        accounts.as_secs_f64(),
        per_k(accounts, accounts_lines)
    );
    println!("(dev profile, dependencies already built, {} cores)", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
