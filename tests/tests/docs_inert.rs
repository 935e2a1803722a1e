//! Spec text never runs: every doc comment the generator wrote into the fixture crate (whose
//! spec holds every form of a code block, `tests/fixtures/operations/operation_model.yml`'s
//! `Store`) is given to `rustdoc --test` on items of a probe crate, which must find no test in
//! them. The fixture crate's own doctests are off (its README is the SDK's), so this asks
//! rustdoc directly, the way `cargo test --doc` would.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The doc comment blocks of every generated file of a crate, in order.
fn doc_blocks(gen: &Path) -> Vec<Vec<String>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(gen).expect("src/gen").map(|e| e.expect("an entry").path()).collect();
    files.sort();
    let mut blocks = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a generated file");
        let mut block: Vec<String> = Vec::new();
        for line in text.lines() {
            let line = line.trim_start();
            match line.strip_prefix("///").or_else(|| line.strip_prefix("//!")) {
                Some(doc) => block.push(doc.to_string()),
                None if !block.is_empty() => blocks.push(std::mem::take(&mut block)),
                None => {}
            }
        }
        if !block.is_empty() {
            blocks.push(block);
        }
    }
    blocks
}

/// How many doctests `rustdoc --test` finds in a crate whose items carry these doc blocks.
fn doctests_in(name: &str, blocks: &[Vec<String>]) -> usize {
    let dir = tests::root().join("target/docs-inert").join(name);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let mut source = String::from("#![allow(missing_docs)]\n");
    for (i, block) in blocks.iter().enumerate() {
        for line in block {
            source.push_str("///");
            source.push_str(line);
            source.push('\n');
        }
        source.push_str(&format!("pub struct Item{i};\n"));
    }
    let probe = dir.join("probe.rs");
    std::fs::write(&probe, source).expect("written");
    let rustdoc = std::env::var("RUSTDOC").unwrap_or_else(|_| "rustdoc".into());
    let output = Command::new(rustdoc)
        .args(["--edition", "2021", "--crate-name", "probe", "--test"])
        .arg(&probe)
        .arg("--test-args=--list")
        .current_dir(&dir)
        .output()
        .expect("rustdoc runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "rustdoc --test failed: {stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    stdout.lines().filter(|l| l.ends_with(": test")).count()
}

#[test]
fn no_doc_comment_of_the_fixture_crate_is_a_doctest() {
    let blocks = doc_blocks(&tests::root().join("tests/fixture-sdk/src/gen"));
    let store = blocks.iter().find(|b| b.iter().any(|l| l.contains("a tilde fence ran as a doctest"))).expect("the Store docs");
    assert!(store.iter().any(|l| l.contains("an indented block ran")), "the fixture holds every form");
    assert_eq!(doctests_in("fixture", &blocks), 0);
}

#[test]
fn the_probe_finds_a_doctest_when_there_is_one() {
    // Not vacuous: the same probe, given the spec's text unsanitized, finds each block.
    let raw: Vec<Vec<String>> = ["~~~\npanic!();\n~~~", "```rust\npanic!();\n```", "> ```\n> panic!();\n> ```", "text\n\n    panic!();"]
        .iter()
        .map(|text| text.lines().map(|l| format!(" {l}")).collect())
        .collect();
    assert_eq!(doctests_in("control", &raw), 4);
    let sanitized: Vec<Vec<String>> = raw
        .iter()
        .map(|block| {
            let text: Vec<&str> = block.iter().map(|l| l.trim_start_matches(' ')).collect();
            generator::emit::sanitize_docs(&text.join("\n")).lines().map(|l| format!(" {l}")).collect()
        })
        .collect();
    assert_eq!(doctests_in("control-sanitized", &sanitized), 0);
}
