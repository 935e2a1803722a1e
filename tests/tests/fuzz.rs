//! The generator against mutated versions of the real specs: deleted keys, values of the wrong
//! type, renamed and self-referring refs, truncated files, random bytes. Every case must end,
//! within a time bound, in formatted output or at least one diagnostic; never a panic or a
//! hang.
//!
//! The normal suite runs a small fixed-seed batch. A dedicated run takes more cases:
//! `FUZZ_CASES=10000 cargo test --release -p tests --test fuzz -- --nocapture`.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_yaml::Value;

const SEED: u64 = 0x5eed_2020_0914;
/// Far above the slowest real case (tens of milliseconds); only a hang gets near it.
const TIME_BOUND: Duration = Duration::from_secs(20);

fn case_count() -> usize {
    std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(150)
}

/// The committed specs, as `(file name, text)`.
fn originals() -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(tests::root().join("specs"))
        .expect("specs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.file_name().expect("name").to_string_lossy().into_owned(), std::fs::read_to_string(&p).expect("spec")))
        .collect()
}

/// How one case ended.
enum Outcome {
    Generated,
    Diagnosed,
    Panicked(String),
    Hung,
}

fn run(files: Vec<(String, String)>) -> Outcome {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| {
            let mut specs = Vec::new();
            let mut diagnosed = false;
            for (name, text) in files {
                match generator::load::parse(&PathBuf::from(name), text) {
                    Ok(spec) => specs.push(spec),
                    Err(_) => diagnosed = true,
                }
            }
            if diagnosed {
                return false;
            }
            match generator::generate_from(specs) {
                Ok(generated) => {
                    // Every file was parsed by syn before it was returned; check it stands.
                    assert!(generated.files.iter().all(|f| generator::emit::is_generated(&f.contents)));
                    true
                }
                Err(diags) => {
                    assert!(!diags.0.is_empty(), "a failure with no diagnostic");
                    false
                }
            }
        });
        let _ = tx.send(result.map_err(|p| {
            p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default()
        }));
    });
    match rx.recv_timeout(TIME_BOUND) {
        Ok(Ok(true)) => Outcome::Generated,
        Ok(Ok(false)) => Outcome::Diagnosed,
        Ok(Err(message)) => Outcome::Panicked(message),
        Err(_) => Outcome::Hung,
    }
}

/// One random change to a spec's text.
fn mutate(rng: &mut fastrand::Rng, text: &str) -> (String, String) {
    match rng.u8(0..10) {
        0 => {
            let cut = floor_char_boundary(text, rng.usize(0..=text.len()));
            (format!("truncated at byte {cut}"), text[..cut].to_string())
        }
        1 => {
            let at = floor_char_boundary(text, rng.usize(0..=text.len()));
            let noise: String = (0..rng.usize(1..40)).map(|_| char::from(rng.u8(0..=127))).collect();
            (format!("{} random bytes at {at}", noise.len()), format!("{}{noise}{}", &text[..at], &text[at..]))
        }
        2 => {
            let lines: Vec<&str> = text.lines().collect();
            let drop = rng.usize(0..lines.len().max(1));
            let kept: Vec<&str> = lines.iter().enumerate().filter(|(i, _)| *i != drop).map(|(_, l)| *l).collect();
            (format!("line {} deleted", drop + 1), kept.join("\n"))
        }
        _ => {
            let Ok(mut doc) = serde_yaml::from_str::<Value>(text) else { return ("unparsable original".into(), text.to_string()) };
            let what = mutate_value(rng, &mut doc);
            (what, serde_yaml::to_string(&doc).unwrap_or_default())
        }
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Every node of the tree, as paths of keys and indexes.
fn node_paths(value: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match value {
        Value::Mapping(m) => {
            for (k, v) in m {
                here.push(k.clone());
                node_paths(v, here, out);
                here.pop();
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter().enumerate() {
                here.push(Value::from(i as u64));
                node_paths(v, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'v>(mut value: &'v mut Value, path: &[Value]) -> Option<&'v mut Value> {
    for step in path {
        value = match value {
            Value::Mapping(m) => m.get_mut(step)?,
            Value::Sequence(items) => items.get_mut(step.as_u64()? as usize)?,
            _ => return None,
        };
    }
    Some(value)
}

/// One structural change: a key deleted, a value of the wrong type, a ref renamed or pointed
/// at itself, an `allOf` through its own schema.
fn mutate_value(rng: &mut fastrand::Rng, doc: &mut Value) -> String {
    let mut paths = Vec::new();
    node_paths(doc, &mut Vec::new(), &mut paths);
    let path = paths[rng.usize(0..paths.len())].clone();
    let shown = path.iter().map(|s| serde_yaml::to_string(s).unwrap_or_default().trim().to_string()).collect::<Vec<_>>().join("/");
    let refs: Vec<Vec<Value>> = paths.iter().filter(|p| p.last().and_then(Value::as_str) == Some("$ref")).cloned().collect();
    match rng.u8(0..6) {
        0 => {
            let (Some((last, parent)), true) = (path.split_last(), !path.is_empty()) else { return "nothing deleted".into() };
            if let Some(Value::Mapping(m)) = node_mut(doc, parent) {
                m.remove(last);
            }
            format!("deleted /{shown}")
        }
        1 => {
            let replacement = match rng.u8(0..5) {
                0 => Value::Null,
                1 => Value::from(rng.i64(-5..100_000)),
                2 => Value::from("surprise"),
                3 => Value::Sequence(vec![Value::from(true)]),
                _ => Value::Mapping(Default::default()),
            };
            if let Some(node) = node_mut(doc, &path) {
                *node = replacement;
            }
            format!("wrong type at /{shown}")
        }
        2 if !refs.is_empty() => {
            let at = &refs[rng.usize(0..refs.len())];
            let target = match rng.u8(0..4) {
                0 => "#/components/schemas/Renamed".to_string(),
                1 => "other.yml#/components/schemas/Item".to_string(),
                2 => "#/components/schemas/".to_string(),
                _ => "#/paths/nowhere".to_string(),
            };
            if let Some(node) = node_mut(doc, at) {
                *node = Value::from(target.clone());
            }
            format!("ref renamed to {target}")
        }
        3 => {
            // A schema that refers to itself, directly or through allOf.
            let Some(Value::Mapping(schemas)) = node_mut(doc, &[Value::from("components"), Value::from("schemas")]) else {
                return "no schemas".into();
            };
            let names: Vec<String> = schemas.keys().filter_map(|k| k.as_str().map(str::to_string)).collect();
            let Some(name) = names.get(rng.usize(0..names.len().max(1))).cloned() else { return "no schemas".into() };
            let me = Value::from(format!("#/components/schemas/{name}"));
            let mut self_ref = serde_yaml::Mapping::new();
            self_ref.insert(Value::from("$ref"), me);
            if let Some(Value::Mapping(schema)) = schemas.get_mut(name.as_str()) {
                if rng.bool() {
                    schema.insert(Value::from("allOf"), Value::Sequence(vec![Value::Mapping(self_ref)]));
                    return format!("{name} allOf itself");
                }
                let mut props = serde_yaml::Mapping::new();
                props.insert(Value::from("me"), Value::Mapping(self_ref));
                schema.insert(Value::from("properties"), Value::Mapping(props));
                if rng.bool() {
                    schema.insert(Value::from("required"), Value::Sequence(vec![Value::from("me")]));
                }
                return format!("{name} has a property of its own type");
            }
            format!("{name} is not a mapping")
        }
        4 => {
            if let Some(node) = node_mut(doc, &path) {
                *node = Value::from("");
            }
            format!("emptied /{shown}")
        }
        _ => {
            // The same subtree twice: a copied schema or operation.
            let copy = node_mut(doc, &path).map(|n| n.clone());
            if let (Some(copy), Some(Value::Mapping(m))) = (copy, node_mut(doc, &path[..path.len().saturating_sub(1)])) {
                m.insert(Value::from("copied"), copy);
            }
            format!("copied /{shown}")
        }
    }
}

#[test]
fn mutated_specs_end_in_output_or_diagnostics_never_a_panic_or_hang() {
    let originals = originals();
    let mut rng = fastrand::Rng::with_seed(SEED);
    let (mut generated, mut diagnosed, mut findings) = (0, 0, Vec::new());
    let started = Instant::now();
    let cases = case_count();
    for case in 0..cases {
        let mut files = originals.clone();
        let target = rng.usize(0..files.len());
        let (what, text) = mutate(&mut rng, &files[target].1);
        files[target].1 = text;
        match run(files) {
            Outcome::Generated => generated += 1,
            Outcome::Diagnosed => diagnosed += 1,
            Outcome::Panicked(message) => findings.push(format!("case {case} ({}, {what}): panic: {message}", originals[target].0)),
            Outcome::Hung => findings.push(format!("case {case} ({}, {what}): no answer within {TIME_BOUND:?}", originals[target].0)),
        }
    }
    println!(
        "fuzz: {cases} cases (seed {SEED:#x}) in {:.1} s: {generated} generated, {diagnosed} diagnosed, {} findings",
        started.elapsed().as_secs_f64(),
        findings.len()
    );
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}
