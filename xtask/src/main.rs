//! `cargo xtask`: the project's tasks.
//!
//! - `cargo xtask regen`: regenerate `generated/src/gen/` and `generated/tests/` from `specs/`.
//! - `cargo xtask regen --check`: write nothing; fail, naming each stale file, when the
//!   committed output differs from what the specs produce.
//! - `--spec <file-or-dir>` (repeatable) and `--out <crate dir>` point it elsewhere.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use generator::output::{self, Change};

const USAGE: &str = "usage: cargo xtask regen [--check] [--spec <file-or-dir>]... [--out <crate-dir>]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("regen") => match RegenArgs::parse(&args[1..]) {
            Ok(a) => regen(a),
            Err(e) => {
                eprintln!("error: {e}\n{USAGE}");
                ExitCode::from(2)
            }
        },
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
    out: PathBuf,
}

impl RegenArgs {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut a = RegenArgs { check: false, specs: Vec::new(), out: root().join("generated") };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--check" => a.check = true,
                "--spec" => a.specs.push(it.next().ok_or("--spec needs a path")?.into()),
                "--out" => a.out = it.next().ok_or("--out needs a folder")?.into(),
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        if a.specs.is_empty() {
            a.specs.push(root().join("specs"));
        }
        Ok(a)
    }
}

fn regen(args: RegenArgs) -> ExitCode {
    let start = Instant::now();
    let generated = match generator::generate(&args.specs) {
        Ok(g) => g,
        Err(diags) => {
            eprintln!("{diags}");
            eprintln!("regen failed; nothing was written");
            return ExitCode::FAILURE;
        }
    };
    for w in &generated.warnings.0 {
        eprintln!("{w}");
    }
    let dir = args.out.clone();
    let result = if args.check { output::check(&dir, &generated.files) } else { output::write(&dir, &generated.files) };
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot {} {}: {e}", if args.check { "read" } else { "write" }, dir.display());
            return ExitCode::FAILURE;
        }
    };
    let s = &generated.summary;
    let shown = |p: &Path| p.strip_prefix(root()).unwrap_or(p).display().to_string();
    println!("specs read:  {} ({})", s.specs, args.specs.iter().map(|p| shown(p)).collect::<Vec<_>>().join(", "));
    println!("operations:  {}", s.operations);
    println!("types:       {} ({} component schemas, {} modules)", s.types, s.components, s.modules);
    println!("examples:    {} (each a generated round-trip test in tests/examples.rs)", s.examples);
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
            return ExitCode::FAILURE;
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
    ExitCode::SUCCESS
}
