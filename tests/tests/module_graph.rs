//! The generator's modules import each other without a cycle: each one can be read, and
//! changed, knowing only the modules below it. Read from the sources (`use crate::x` and
//! `crate::x::` paths), so a new back edge fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module name (`lower`, `emit`, `ir`, ...) -> the top-level modules it refers to.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = tests::root().join("generator/src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = Vec::new();
    collect(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| top_module(&src, f)).collect();
    for file in &files {
        let from = top_module(&src, file);
        let text = std::fs::read_to_string(file).expect("readable");
        let deps = graph.entry(from.clone()).or_default();
        // Generated code is written inside `quote!`: `crate::redact` there is the generated
        // crate's, not the generator's. Only paths outside quotes count, so skip quoted blocks
        // crudely by ignoring lines inside `quote!` calls' token text (they contain `#`).
        for line in text.lines().filter(|l| !l.contains('#') && !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("crate::") {
                let rest = &line[i + "crate::".len()..];
                let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if modules.contains(&name) && name != from {
                    deps.insert(name);
                }
            }
        }
    }
    graph
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn top_module(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let first = rel.components().next().expect("a component").as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_string()
}

#[test]
fn the_generator_module_graph_has_no_cycle() {
    let graph = imports();
    assert!(graph.contains_key("lower") && graph.contains_key("emit") && graph.contains_key("ir"), "{graph:?}");
    assert!(graph["lower"].contains("ir"), "the walk sees imports: {graph:?}");
    // Depth-first search for a back edge.
    fn visit<'g>(node: &'g str, graph: &'g BTreeMap<String, BTreeSet<String>>, path: &mut Vec<&'g str>, done: &mut BTreeSet<&'g str>) {
        if done.contains(node) {
            return;
        }
        if let Some(at) = path.iter().position(|n| *n == node) {
            panic!("import cycle: {} -> {node}", path[at..].join(" -> "));
        }
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(node);
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done);
    }
}
