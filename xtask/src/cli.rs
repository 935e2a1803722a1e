//! The command line: each command's usage, `--help` for all of them, and one way to read flags,
//! so that every command reports an unknown flag or a missing value the same way (exit 2,
//! naming it) and prints its own usage on `--help` (exit 0).

use std::path::PathBuf;
use std::process::ExitCode;

/// One command: its name, a line on what it does, and its usage.
pub struct Command {
    pub name: &'static str,
    pub about: &'static str,
    pub usage: &'static str,
}

/// Every command, in the order `cargo xtask --help` lists them.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "regen",
        about: "regenerate generated/ (and tests/fixture-sdk/) from specs/, or a spec into a standalone crate",
        usage: "cargo xtask regen [--check] [--spec <file-or-dir>]... [--overlay <file>]... [--out <crate-dir>]
  --check              write nothing; exit 1 naming each stale file
  --spec <path>        a spec file or a folder of them (repeatable; default: specs/)
  --overlay <file>     an OpenAPI Overlay 1.0.0 applied after loading (repeatable, in order; after specs/overlays/ for the default specs)
  --out <dir>          the crate to write (default: generated/); any other folder becomes a standalone crate",
    },
    Command {
        name: "release",
        about: "regenerate a standalone crate as a release: version from api-diff's bump, CHANGELOG.md, publishable manifest",
        usage: "cargo xtask release --spec <file-or-dir>... [--overlay <file>]... --out <dir> [--version X.Y.Z] [--date YYYY-MM-DD]
  --spec <path>        the spec to release (repeatable)
  --overlay <file>     an overlay applied to it (repeatable, in order)
  --out <dir>          the release folder: empty or new for a first release, else the folder of the previous one
  --version X.Y.Z      required for a first release; later, at least what api-diff's bump requires
  --date YYYY-MM-DD    the date the changelog section names (none unless given)",
    },
    Command {
        name: "corpus",
        about: "the complete Plaid spec as a standalone crate: its tests with warnings denied, each feature alone, a fresh dependency resolution",
        usage: "cargo xtask corpus [--spec <file-or-dir>]... [--overlay <file>]...
  --spec <path>        the spec (default: the complete 1.517.0 spec in ../shared/corpus/)
  --overlay <file>     an overlay applied to it (repeatable, in order)",
    },
    Command {
        name: "contract",
        about: "a generated client against Stoplight Prism (requests validated, answers fuzzed)",
        usage: "cargo xtask contract [--spec <file-or-dir>]... [--overlay <file>]... [--fuzz <answers per operation>]
  --spec <path>        check this spec's standalone crate (default: the workspace's crate)
  --overlay <file>     an overlay applied to the spec (repeatable; after specs/overlays/ for the workspace's crate)
  --fuzz <n>           random answers per operation (default: 50)",
    },
    Command {
        name: "api-diff",
        about: "what a spec bump does to the crate's users, and the semver bump that follows",
        usage: "cargo xtask api-diff <old> <new> [--overlay <file>]... [--new-overlay <file>]... [--format text|markdown|json]
  <old>, <new>         spec files, spec folders or api.json manifests
  --overlay <file>     an overlay applied to both specs (repeatable, in order)
  --new-overlay <file> an overlay applied to <new> only, after those: what the overlay changes
  --format <f>         text (default), markdown (a changelog section) or json",
    },
    Command {
        name: "quickstart",
        about: "Plaid's quickstart backend on the SDK of a complete Plaid spec (offline on the SDK's mock without keys)",
        usage: "cargo xtask quickstart --spec <file> [--overlay <file>]... [--test]
  --spec <file>        Plaid's complete spec (2020-09-14.yml from github.com/plaid/plaid-openapi)
  --overlay <file>     an overlay applied to it, after specs/overlays/ (repeatable, in order)
  --test               run the backend's route tests, browser test and clippy instead of serving",
    },
    Command {
        name: "fuzz",
        about: "the fuzz targets of tests/fuzz/ (cargo-fuzz, installed when missing), each for a bounded time; a crash fails",
        usage: "cargo xtask fuzz [--seconds <n>] [--target <name>]... [--seeds]
  --seconds <n>        how long each target runs (default: 20)
  --target <name>      webhook_verify, answer_read, param_encoding or spec_pipeline (repeatable; default: all)
  --seeds              write the seed corpus (tests/fuzz/seeds/) from the specs' examples instead",
    },
    Command {
        name: "semver-check",
        about: "api-diff checked against cargo-semver-checks on mutated copies of a spec, or a real pair",
        usage: "cargo xtask semver-check [--spec <file> [--against <file>]]
  --spec <file>        the base spec (default: the complete 1.517.0 spec)
  --against <file>     compare the real pair instead of mutated copies",
    },
    Command {
        name: "bench",
        about: "regen speed per stage, and with --compile the build cost of the generated crate",
        usage: "cargo xtask bench [--compile]
  --compile            also build the complete spec's crate (with and without `testing`, alternately) and plaid 9.0.1",
    },
];

/// `cargo xtask --help`: every command with what it does.
pub fn overview() -> String {
    let mut text = String::from("usage: cargo xtask <command> [options]   (cargo xtask <command> --help for its options)\n\ncommands:\n");
    for c in COMMANDS {
        text.push_str(&format!("  {:<14} {}\n", c.name, c.about));
    }
    text
}

/// Whether the arguments ask for help.
pub fn wants_help(args: &[String]) -> bool {
    args.iter().any(|a| a == "--help" || a == "-h")
}

/// The usage of a command by name.
pub fn usage(name: &str) -> &'static str {
    COMMANDS.iter().find(|c| c.name == name).map_or("", |c| c.usage)
}

/// A usage error: the message and the command's usage on stderr, exit 2.
pub fn usage_error(command: &str, message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{}", if command.is_empty() { overview() } else { format!("usage: {}", usage(command)) });
    ExitCode::from(2)
}

/// A command's arguments, read one at a time.
pub struct Flags<'a> {
    args: std::slice::Iter<'a, String>,
}

impl<'a> Flags<'a> {
    pub fn new(args: &'a [String]) -> Self {
        Flags { args: args.iter() }
    }

    /// The next argument.
    pub fn next_arg(&mut self) -> Option<&'a str> {
        self.args.next().map(String::as_str)
    }

    /// The value after `flag`; a missing one, or another flag in its place, is an error naming
    /// the flag.
    pub fn value(&mut self, flag: &str) -> Result<&'a str, String> {
        match self.args.next() {
            Some(v) if !v.starts_with("--") => Ok(v),
            _ => Err(format!("{flag} needs a value")),
        }
    }

    /// The value after `flag`, as a path.
    pub fn path(&mut self, flag: &str) -> Result<PathBuf, String> {
        self.value(flag).map(PathBuf::from)
    }
}

/// The error for an argument a command does not take.
pub fn unknown(arg: &str) -> String {
    if arg.starts_with('-') {
        format!("unknown option `{arg}`")
    } else {
        format!("unexpected argument `{arg}`")
    }
}
