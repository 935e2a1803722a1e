//! `cargo xtask bench`: the generator's speed and the cost of the code it writes, as figures
//! (never as timed tests). It re-runs itself in release mode, since debug timings say nothing.
//!
//! - regen of `specs/` and of the complete Plaid spec, in process (median of several runs),
//!   with the time of each stage, and what one overlay adds to it;
//! - with `--compile`: cold `cargo build`s of the complete spec's crate and of the `plaid` crate
//!   9.0.1 (dependencies already built, alternating), the largest feature alone, and rustc's
//!   peak memory.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

pub fn run(root: &Path, corpus: &Path, compile: bool) -> ExitCode {
    if cfg!(debug_assertions) {
        let status = Command::new(crate::cargo())
            .current_dir(root)
            .args(["run", "--quiet", "--release", "-p", "xtask", "--", "bench"])
            .args(compile.then_some("--compile"))
            .status();
        return match status {
            Ok(s) if s.success() => ExitCode::SUCCESS,
            _ => ExitCode::FAILURE,
        };
    }
    match bench(root, corpus, compile) {
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

fn bench(root: &Path, corpus: &Path, compile: bool) -> Result<(), String> {
    if compile {
        return compile_figures(root, corpus);
    }
    let (specs_time, specs_lines) = time_regen(&[root.join("specs")], 21)?;
    println!("regen specs/:                        {:>8.1} ms median of 21, {specs_lines} lines written (target < 50 ms)", ms(specs_time));
    let (corpus_time, corpus_lines) = time_regen(&[corpus.to_path_buf()], 9)?;
    println!("regen complete spec:                 {:>8.1} ms median of 9, {corpus_lines} lines written (target < 250 ms)", ms(corpus_time));
    // Where the time goes, stage by stage (medians of 9).
    let mut runs: Vec<Vec<(&'static str, Duration)>> = Vec::new();
    let mut files = Vec::new();
    for _ in 0..9 {
        let (generated, stages) = generator::generate_timed(&[corpus.to_path_buf()], &[]).map_err(|d| d.to_string())?;
        files = generated.files;
        runs.push(stages);
    }
    for (i, (name, _)) in runs[0].iter().enumerate() {
        let stage = median(runs.iter().map(|r| r[i].1).collect());
        println!("  {name:<8}                           {:>8.1} ms", ms(stage));
    }
    let text = std::fs::read_to_string(corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let parse = median(
        (0..9)
            .map(|_| {
                let start = Instant::now();
                let _ = generator::load::parse(corpus, text.clone());
                start.elapsed()
            })
            .collect(),
    );
    println!("    of load, parsing the YAML:         {:>8.1} ms", ms(parse));
    // The overlay step's cost, on the fixture overlay for the complete spec (runs with and
    // without it alternate, so that drift of the machine hits both alike).
    let overlay = root.join("tests/fixtures/overlays/corpus/transfer_network_nullable.yml");
    let (mut plain, mut overlaid, mut step) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..9 {
        let start = Instant::now();
        generator::generate(&[corpus.to_path_buf()]).map_err(|d| d.to_string())?;
        plain.push(start.elapsed());
        let start = Instant::now();
        let (_, stages) = generator::generate_timed(&[corpus.to_path_buf()], std::slice::from_ref(&overlay)).map_err(|d| d.to_string())?;
        overlaid.push(start.elapsed());
        step.extend(stages.iter().find(|(name, _)| *name == "overlay").map(|(_, d)| *d));
    }
    let (plain, overlaid, step) = (median(plain), median(overlaid), median(step));
    let added = (ms(overlaid) - ms(plain)) / ms(plain) * 100.0;
    println!(
        "regen complete spec + 1 overlay:     {:>8.1} ms median of 9 ({added:+.1}% over {:.1} ms without; the overlay step {:.1} ms; target < +10%)",
        ms(overlaid),
        ms(plain),
        ms(step)
    );
    let scratch = std::env::temp_dir().join(format!("plaid-sdk-bench-write-{}", std::process::id()));
    let write = median(
        (0..9)
            .map(|_| {
                let _ = std::fs::remove_dir_all(&scratch);
                let start = Instant::now();
                let _ = generator::output::write(&scratch, &files);
                start.elapsed()
            })
            .collect(),
    );
    let _ = std::fs::remove_dir_all(&scratch);
    println!("  write (to an empty folder)          {:>8.1} ms", ms(write));
    Ok(())
}

/// Runs cargo on a manifest with its own target folder, under `/usr/bin/time` when it is there
/// (for the peak memory of the largest process cargo waited for: rustc). Returns the wall time
/// and the peak in MB.
fn cargo_timed(manifest: &Path, target: &Path, args: &[&str]) -> Result<(Duration, Option<f64>), String> {
    let cargo = crate::cargo();
    let time = Path::new("/usr/bin/time");
    std::fs::create_dir_all(target).map_err(|e| format!("{}: {e}", target.display()))?;
    let report = target.join("time-report.txt");
    let mut command = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(&report).arg(&cargo);
        c
    } else {
        Command::new(&cargo)
    };
    let start = Instant::now();
    let status = command
        .args(args)
        .arg("--manifest-path")
        .arg(manifest)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .status()
        .map_err(|e| e.to_string())?;
    let took = start.elapsed();
    if !status.success() {
        return Err(format!("cargo {} on {} failed", args.join(" "), manifest.display()));
    }
    let peak = std::fs::read_to_string(&report).ok().and_then(|t| t.trim().lines().last()?.trim().parse::<f64>().ok()).map(|kb| kb / 1024.0);
    Ok((took, peak))
}

/// The compile figures issue 16 asks for: our complete-spec crate against the `plaid` crate
/// 9.0.1 from crates.io (built in a scratch workspace under the system's temp folder, outside
/// the project), cold builds of each crate alone with dependencies built, alternating; the
/// largest single feature; the peak memory of rustc.
fn compile_figures(root: &Path, corpus: &Path) -> Result<(), String> {
    let ours = root.join("target/bench-sdk");
    let status = Command::new(std::env::current_exe().map_err(|e| e.to_string())?)
        .args(["regen", "--spec"])
        .arg(corpus)
        .arg("--out")
        .arg(&ours)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("regen of the complete spec failed".into());
    }
    let ours_manifest = ours.join("Cargo.toml");
    let ours_target = root.join("target/bench-sdk-target");
    let peer = std::env::temp_dir().join("plaid-sdk-bench/peer");
    std::fs::create_dir_all(peer.join("src")).map_err(|e| e.to_string())?;
    let manifest = "[package]\nname = \"peer\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nplaid = \"=9.0.1\"\n\n[workspace]\n";
    std::fs::write(peer.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(peer.join("src/lib.rs"), "").map_err(|e| e.to_string())?;
    let peer_manifest = peer.join("Cargo.toml");
    let peer_target = peer.join("target");

    // Dependencies first, so that the figures are the crates' own.
    println!("building dependencies of both crates (not timed) ...");
    cargo_timed(&ours_manifest, &ours_target, &["build", "--quiet", "--lib"])?;
    cargo_timed(&peer_manifest, &peer_target, &["build", "--quiet", "--lib"])?;
    let (mut our_times, mut peer_times, mut peak) = (Vec::new(), Vec::new(), 0.0f64);
    for round in 1..=2 {
        cargo_timed(&ours_manifest, &ours_target, &["clean", "--quiet", "-p", "plaid-sdk"])?;
        let (t, p) = cargo_timed(&ours_manifest, &ours_target, &["build", "--quiet", "--lib"])?;
        peak = peak.max(p.unwrap_or(0.0));
        our_times.push(t);
        cargo_timed(&peer_manifest, &peer_target, &["clean", "--quiet", "-p", "plaid"])?;
        let (u, _) = cargo_timed(&peer_manifest, &peer_target, &["build", "--quiet", "--lib"])?;
        peer_times.push(u);
        println!("round {round}: ours {:.1} s, plaid 9.0.1 {:.1} s", t.as_secs_f64(), u.as_secs_f64());
    }
    let best = |v: &[Duration]| v.iter().min().copied().unwrap_or_default();
    let (ours_best, peer_best) = (best(&our_times), best(&peer_times));
    let src = ours.join("src");
    let all_lines = crate::count_lines(&src);
    println!("cold build, complete spec, all features: {:>6.1} s ({all_lines} lines), best of 2", ours_best.as_secs_f64());
    println!("cold build, plaid 9.0.1 (crates.io):      {:>6.1} s, best of 2", peer_best.as_secs_f64());
    println!("ours / plaid 9.0.1:                       {:>6.2} (target <= 0.5)", ours_best.as_secs_f64() / peer_best.as_secs_f64());
    match peak {
        p if p > 0.0 => println!("rustc peak memory (all features):        {p:>6.0} MB (target <= 2048)"),
        _ => println!("rustc peak memory:                        not measured (/usr/bin/time is missing)"),
    }
    // The largest feature: the group whose module file is longest.
    let gen = src.join("gen");
    let mut largest = ("".to_string(), 0usize);
    for entry in std::fs::read_dir(&gen).map_err(|e| e.to_string())?.flatten() {
        let name = entry.file_name().to_string_lossy().trim_end_matches(".rs").to_string();
        let lines = crate::count_lines_of(&entry.path());
        if !["mod", "shared", "webhooks", "testing"].contains(&name.as_str()) && lines > largest.1 {
            largest = (name, lines);
        }
    }
    cargo_timed(&ours_manifest, &ours_target, &["clean", "--quiet", "-p", "plaid-sdk"])?;
    let (one, _) = cargo_timed(&ours_manifest, &ours_target, &["build", "--quiet", "--lib", "--no-default-features", "--features", &largest.0])?;
    println!(
        "cold build, largest feature `{}` alone:  {:>6.1} s = {:.0}% of all features (target <= 15%)",
        largest.0,
        one.as_secs_f64(),
        100.0 * one.as_secs_f64() / ours_best.as_secs_f64()
    );
    // The mock (`testing`): its own dependencies once (timed apart), then the crate without and
    // with it, alternating, since the machine's speed drifts between rounds.
    // The first build with it also builds hyper with its server, everything on hyper again
    // (hyper-util, reqwest) and regex-lite: that once, less the crate's own build, below.
    // Both builds of those crates are dropped first, so that a target folder kept from an
    // earlier run does not hide them; the plain ones are built again untimed.
    let on_hyper = ["clean", "--quiet", "-p", "hyper", "-p", "hyper-util", "-p", "http-body-util", "-p", "reqwest", "-p", "regex-lite", "-p", "plaid-sdk"];
    cargo_timed(&ours_manifest, &ours_target, &on_hyper)?;
    cargo_timed(&ours_manifest, &ours_target, &["build", "--quiet", "--lib"])?;
    cargo_timed(&ours_manifest, &ours_target, &["clean", "--quiet", "-p", "plaid-sdk"])?;
    let (first, _) = cargo_timed(&ours_manifest, &ours_target, &["build", "--quiet", "--lib", "--features", "testing"])?;
    let (mut without, mut with) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        for (features, times) in [(None, &mut without), (Some("testing"), &mut with)] {
            cargo_timed(&ours_manifest, &ours_target, &["clean", "--quiet", "-p", "plaid-sdk"])?;
            let mut args = vec!["build", "--quiet", "--lib"];
            args.extend(features.map(|f| ["--features", f]).into_iter().flatten());
            times.push(cargo_timed(&ours_manifest, &ours_target, &args)?.0);
        }
    }
    let (without, with) = (best(&without), best(&with));
    println!(
        "cold build, all features + `testing`:   {:>6.1} s against {:.1} s without, alternating: {:+.0}% (target <= +25%), best of 3",
        with.as_secs_f64(),
        without.as_secs_f64(),
        100.0 * (with.as_secs_f64() / without.as_secs_f64() - 1.0)
    );
    println!(
        "  `testing`'s dependencies, built once (hyper with its server, what is built on hyper, regex-lite): about {:.1} s",
        first.saturating_sub(with).as_secs_f64()
    );
    println!("(dev profile, dependencies already built, {} cores)", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
