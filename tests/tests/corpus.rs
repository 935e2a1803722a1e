//! Generality: Plaid's complete spec (read from `../shared/corpus/`, never copied into the
//! project) goes through the whole pipeline without an error.

use serde_json::Value;

#[test]
fn the_complete_plaid_spec_generates() {
    let corpus = tests::root().join("../shared/corpus/plaid-2020-09-14_1.517.0.yml");
    assert!(corpus.exists(), "the reference corpus is expected at {}", corpus.display());
    let generated = generator::generate(std::slice::from_ref(&corpus)).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(generated.summary.operations, 265);
    assert_eq!(generated.summary.components, 1699);
    // How many operations' default answers follow the request, by rule (passes::mock::follow).
    let follow = generated.summary.mock.follow;
    assert_eq!((follow.echo, follow.filter, follow.page, follow.rotate, follow.include, follow.each, follow.families), (43, 15, 14, 1, 12, 2, 25), "{follow:?}");
    // Every emitted file parsed with syn before it was printed; the module holds real code.
    assert!(generated.files.iter().all(|f| generator::emit::is_generated(&f.contents)));
    assert!(generated.files.iter().map(|f| f.contents.len()).sum::<usize>() > 1_000_000);
    // Its odd spots: a request body that lists a media type called `examples` beside JSON, and
    // the `type: string` schemas that document their values as `properties` (counted from the
    // YAML, independently of the generator), each settled as an open string enum. (Its webhook
    // examples' slips are the webhook test's and the evidence pass's business.)
    let spec: Value = serde_yaml::from_str(&std::fs::read_to_string(&corpus).expect("the corpus")).expect("yaml");
    let mut strings_with_properties = 0;
    count_strings_with_properties(&spec["components"], &mut strings_with_properties);
    assert!(strings_with_properties >= 10, "{strings_with_properties}");
    let unsupported: Vec<&str> = generated.warnings.0.iter().filter(|d| d.code == generator::diag::Code::Unsupported).map(|d| d.message.as_str()).collect();
    let (settled, rest): (Vec<&str>, Vec<&str>) = unsupported.into_iter().partition(|m| m.contains("is an open string enum"));
    assert_eq!(settled.len(), strings_with_properties, "{settled:#?}");
    assert_eq!(rest, [r#"request body of `transferOriginatorGet` also lists ["examples"] beside application/json; the client sends JSON only"#]);
    // What such a schema became: an enum of its property names, each documented.
    let (api, _) = generator::api(&[corpus]).unwrap_or_else(|d| panic!("{d}"));
    let listed = spec["components"]["schemas"]["UnofficialCurrencyCodeList"]["properties"].as_object().expect("properties");
    let def = api.modules.iter().flat_map(|m| &m.types).find(|t| t.origin == "UnofficialCurrencyCodeList").expect("the type");
    let generator::ir::TypeKind::Enum(e) = &def.kind else { panic!("{def:?}") };
    assert_eq!(e.variants.iter().map(|v| v.wire.as_str()).collect::<Vec<_>>(), listed.keys().map(String::as_str).collect::<Vec<_>>());
    assert!(e.variants.iter().all(|v| v.docs.is_some()));
}

/// Counts schemas under `node` that say `type: string` and have `properties`.
fn count_strings_with_properties(node: &Value, count: &mut usize) {
    match node {
        Value::Object(o) => {
            if o.get("type").and_then(Value::as_str) == Some("string") && o.get("properties").is_some_and(Value::is_object) {
                *count += 1;
            }
            o.iter().filter(|(k, _)| !k.starts_with("example") && *k != "x-examples").for_each(|(_, v)| count_strings_with_properties(v, count));
        }
        Value::Array(items) => items.iter().for_each(|v| count_strings_with_properties(v, count)),
        _ => {}
    }
}

/// The properties of a schema, through `$ref`s and `allOf`.
fn properties(spec: &Value, schema: &Value) -> serde_json::Map<String, Value> {
    let schema = resolve(spec, schema);
    let mut props = schema["properties"].as_object().cloned().unwrap_or_default();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        props.extend(properties(spec, part));
    }
    props
}

fn resolve<'s>(spec: &'s Value, mut schema: &'s Value) -> &'s Value {
    while let Some(r) = schema["$ref"].as_str() {
        schema = &spec["components"]["schemas"][r.trim_start_matches("#/components/schemas/")];
    }
    schema
}

#[test]
fn every_paged_operation_of_the_complete_spec_gets_its_methods() {
    // Counted here from the spec's own structure, independently of the generator: a `cursor`
    // in and a `next_cursor` out (with `has_more`, or without), or `count` and `offset` in the
    // request or its `options`.
    let corpus = tests::root().join("../shared/corpus/plaid-2020-09-14_1.517.0.yml");
    let spec: Value = serde_yaml::from_str(&std::fs::read_to_string(&corpus).expect("the corpus")).expect("yaml");
    let (mut has_more, mut cursor, mut offset) = (0, 0, 0);
    for item in spec["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("a path item").values() {
            let request = properties(&spec, &op["requestBody"]["content"]["application/json"]["schema"]);
            let response = properties(&spec, &op["responses"]["200"]["content"]["application/json"]["schema"]);
            let options = request.get("options").map(|o| properties(&spec, o)).unwrap_or_default();
            let pair = |p: &serde_json::Map<String, Value>| p.contains_key("count") && p.contains_key("offset");
            if request.contains_key("cursor") && response.contains_key("next_cursor") {
                if response.contains_key("has_more") {
                    has_more += 1;
                } else {
                    cursor += 1;
                }
            } else if pair(&request) || pair(&options) {
                offset += 1;
            }
        }
    }
    let generated = generator::generate(&[corpus]).unwrap_or_else(|d| panic!("{d}"));
    let counts = generated.summary.pagination;
    assert_eq!((counts.cursor_has_more, counts.cursor, counts.offset), (has_more, cursor, offset));
    assert!(has_more >= 2 && cursor > 10 && offset > 10, "{has_more} {cursor} {offset}");
    let text: String = generated.files.iter().filter(|f| f.path.starts_with("src/gen/")).map(|f| f.contents.as_str()).collect();
    let methods = |prefix: &str, suffix: &str| text.lines().map(str::trim_start).filter(|l| l.starts_with(prefix) && l.contains(suffix)).count();
    assert_eq!(methods("pub fn ", "_pages("), has_more + cursor + offset);
    assert_eq!(methods("pub async fn ", "_all("), has_more);
    assert!(text.contains("pub async fn transactions_sync_all(") && text.contains("pub fn transactions_get_pages("));
}

/// Counted from the YAML, independently of the generator: every component schema with
/// `webhook_type` and `webhook_code` properties that nothing refers to is a webhook payload; each
/// is a `Webhook` variant (duplicates folded into one), and each of their `x-examples` is a case
/// of the generated `tests/webhooks.rs` (which `cargo xtask corpus` runs).
#[test]
fn every_webhook_payload_of_the_complete_spec_is_a_variant_and_every_example_a_case() {
    let corpus = tests::root().join("../shared/corpus/plaid-2020-09-14_1.517.0.yml");
    let text = std::fs::read_to_string(&corpus).expect("the corpus");
    let spec: Value = serde_yaml::from_str(&text).expect("yaml");
    let schemas = spec["components"]["schemas"].as_object().expect("schemas");
    let payloads: Vec<&String> = schemas
        .iter()
        .filter(|(name, s)| {
            let p = &s["properties"];
            !p["webhook_type"].is_null() && !p["webhook_code"].is_null() && !text.contains(&format!("#/components/schemas/{name}'")) && !text.contains(&format!("#/components/schemas/{name}\n"))
        })
        .map(|(name, _)| name)
        .collect();
    let examples: usize = payloads.iter().map(|n| schemas[n.as_str()]["x-examples"].as_object().map_or(0, |e| e.len())).sum();
    assert!(payloads.len() > 60, "{} payloads found", payloads.len());
    let (api, _) = generator::api(&[corpus]).unwrap_or_else(|d| panic!("{d}"));
    let covered: Vec<&String> = api.webhooks.variants.iter().flat_map(|v| &v.schemas).collect();
    for name in &payloads {
        assert!(covered.contains(name), "{name} is no variant");
    }
    assert_eq!(covered.len(), payloads.len());
    assert_eq!(api.webhooks.examples.len(), examples);
    assert!(api.webhooks.examples.iter().all(|e| api.webhooks.variants.iter().any(|v| v.schemas.contains(&e.schema))));
    assert!(api.webhooks.key_source.is_some());
}

/// An overlay that makes one required response field of the complete spec nullable
/// (`tests/fixtures/overlays/corpus/`) changes that field's type and nothing else: every
/// emitted file but the field's module and the manifest is byte-identical, the module's
/// changed lines are all about the field, and api-diff reports the type change with the two
/// it entails for building a value (a nullable required field is not a constructor argument,
/// and gets a setter).
#[test]
fn an_overlay_that_makes_one_field_nullable_changes_only_that_field() {
    let corpus = tests::root().join("../shared/corpus/plaid-2020-09-14_1.517.0.yml");
    let overlay = tests::fixture("overlays/corpus/transfer_network_nullable.yml");
    let base = generator::generate(std::slice::from_ref(&corpus)).unwrap_or_else(|d| panic!("{d}"));
    let run = generator::generate_overlaid(std::slice::from_ref(&corpus), &[overlay]).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!((run.summary.overlays.actions, run.summary.overlays.matches), (2, 2));
    assert_eq!(run.warnings.0.len(), base.warnings.0.len(), "{}", run.warnings);
    let manifest = |g: &generator::Generated| {
        let file = g.files.iter().find(|f| f.path == "api.json").expect("api.json");
        generator::api_diff::parse(&file.contents).expect("a manifest")
    };
    let changes = generator::api_diff::diff(&manifest(&base), &manifest(&run));
    let seen: Vec<(&str, &str, &str)> = changes.iter().map(|c| (c.change, c.path.as_str(), c.detail.as_str())).collect();
    assert_eq!(
        seen,
        [
            ("changed", "Transfer::network", r#"type: "TransferNetwork" -> "Option<TransferNetwork>""#),
            ("removed", "TransferRequired::network", "the field is gone"),
            ("added", "Transfer::with_network", "a new fn"),
        ],
        "{changes:#?}"
    );
    assert_eq!(run.files.len(), base.files.len());
    for (old, new) in base.files.iter().zip(&run.files) {
        assert_eq!(old.path, new.path);
        if old.path == "api.json" || old.path == "src/gen/transfer.rs" {
            continue;
        }
        assert!(old.contents == new.contents, "{} changed", old.path);
    }
    let module = |g: &generator::Generated| g.files.iter().find(|f| f.path == "src/gen/transfer.rs").map(|f| f.contents.clone()).expect("the module");
    let (old, new) = (module(&base), module(&run));
    let diff = similar::TextDiff::from_lines(&old, &new);
    let changed: Vec<String> = diff.iter_all_changes().filter(|c| c.tag() != similar::ChangeTag::Equal).map(|c| c.value().trim().to_string()).collect();
    assert!(!changed.is_empty());
    let about_the_field = |line: &str| line.contains("network") || line.is_empty() || line.starts_with("///") || ["self", "}"].contains(&line);
    assert!(changed.iter().all(|l| about_the_field(l)), "{changed:#?}");
}
