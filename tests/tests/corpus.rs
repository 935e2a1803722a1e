//! Generality: Plaid's complete spec (read from `../shared/corpus/`, never copied into the
//! project) goes through the whole pipeline without an error.

#[test]
fn the_complete_plaid_spec_generates() {
    let corpus = tests::root().join("../shared/corpus/plaid-2020-09-14_1.517.0.yml");
    assert!(corpus.exists(), "the reference corpus is expected at {}", corpus.display());
    let generated = generator::generate(&[corpus]).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(generated.summary.operations, 265);
    assert_eq!(generated.summary.components, 1699);
    // Every emitted file parsed with syn before it was printed; the module holds real code.
    assert!(generated.files.iter().all(|f| generator::emit::is_generated(&f.contents)));
    assert!(generated.files.iter().map(|f| f.contents.len()).sum::<usize>() > 1_000_000);
    // Its one odd spot: a request body that lists a media type called `examples` beside JSON.
    let warnings: Vec<&str> = generated.warnings.0.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        warnings,
        [r#"request body of `transferOriginatorGet` also lists ["examples"] beside application/json; the client sends JSON only"#]
    );
}
