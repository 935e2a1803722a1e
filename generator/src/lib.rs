//! The Plaid SDK generator: OpenAPI YAML specs in, a formatted, typed Rust client out.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`load`]: read YAML files into OpenAPI documents (errors carry file and line);
//! 2. [`merge`]: one component namespace and one operation list for all files (identical
//!    duplicates collapse, conflicting ones are errors);
//! 3. [`resolve`]: every `$ref` must name a merged component (all dangling refs at once);
//! 4. [`lower`]: the spec becomes the [`ir`], where every Rust name is decided ([`naming`]);
//! 5. [`emit`]: the IR becomes Rust source (`quote`, then `prettyplease`);
//! 6. [`output`]: files are written, or compared for `--check`.
//!
//! Between lowering and emitting, the whole-IR [`passes`] run in the order its docs list
//! (sensitivity, credentials, evidence, error body, features, cycles, pagination, surface,
//! webhooks): each decides one thing that needs every type at once.
//!
//! Beside them: [`diag`] is the diagnostic type every stage reports with and [`locate`] finds
//! lines for it; [`finding`] is the one shape every pass reports in, and locates it; [`graph`] is the type index and the walks the passes share; [`naming`] makes
//! Rust names; [`sample`] makes sample values of IR types for generated and contract tests.

// A diagnostic carries its whole location and hint by value; it only travels on the error path,
// where its size costs nothing that matters.
#![allow(clippy::result_large_err)]

pub mod api_diff;
pub mod diag;
pub mod emit;
pub mod finding;
pub mod graph;
pub mod ir;
pub mod limits;
pub mod load;
pub mod locate;
pub mod lower;
pub mod merge;
pub mod naming;
// The one word splitter of names, shared byte for byte with the runtime's redaction rule.
#[path = "../../generated/src/secrets/name_words.rs"]
mod name_words;
pub mod output;
pub mod overlay;
pub mod passes;
pub mod resolve;
pub mod sample;

use std::path::PathBuf;

use passes::{credentials, cycles, docs, error_body, evidence, features, mock, pagination, retry, sensitivity, surface, webhooks};

/// Figures from one generator run, for the summary `regen` prints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Spec files read.
    pub specs: usize,
    /// Operations generated.
    pub operations: usize,
    /// Component schemas in the merged namespace.
    pub components: usize,
    /// Rust types generated (components plus inline schemas).
    pub types: usize,
    /// Modules generated.
    pub modules: usize,
    /// Spec examples, each a generated round-trip test.
    pub examples: usize,
    /// Paged operations, by style.
    pub pagination: pagination::Counts,
    /// Operations by retry class.
    pub retry: retry::Counts,
    /// The `testing` mock's default answers by source, and its typed operations.
    pub mock: mock::Counts,
    /// Overlay files, actions and their matches (all zero without overlays).
    pub overlays: overlay::Counts,
    /// Webhook payload schemas found, the `Webhook` variants they became, the variants told
    /// apart from others of their pair by markers, and the payload examples.
    pub webhooks: WebhookCounts,
}

/// Webhook figures for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WebhookCounts {
    /// Payload schemas with a readable pair.
    pub schemas: usize,
    /// `Webhook` variants (schemas of one pair and shape share one).
    pub variants: usize,
    /// Variants that share their pair with others and are chosen by their markers.
    pub by_markers: usize,
    /// Payload examples, each a generated test.
    pub examples: usize,
    /// Whether the key operation was found, so `WebhookVerifier` can verify.
    pub verifiable: bool,
}

impl WebhookCounts {
    fn of(w: &ir::Webhooks) -> Self {
        WebhookCounts {
            schemas: w.variants.iter().map(|v| v.schemas.len()).sum(),
            variants: w.variants.len(),
            by_markers: w.variants.iter().filter(|v| !v.markers.is_empty()).count(),
            examples: w.examples.len(),
            verifiable: w.key_source.is_some(),
        }
    }
}

/// The result of a successful run: the files to write, the figures and any warnings.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Files for the generated crate, with paths relative to its folder.
    pub files: Vec<emit::File>,
    /// Figures for the summary.
    pub summary: Summary,
    /// Warnings (never errors: those make the run fail).
    pub warnings: diag::Diagnostics,
    /// The generated crate's Cargo features: its groups (modules with operations), then
    /// `webhooks` and `unreferenced` when it has types no group uses.
    pub groups: Vec<String>,
    /// The spec files, as the generated files' header names them.
    pub sources: String,
}

/// Runs the whole pipeline on spec files or folders; writes nothing.
pub fn generate(inputs: &[PathBuf]) -> Result<Generated, diag::Diagnostics> {
    generate_overlaid(inputs, &[])
}

/// Like [`generate`], with overlay files applied in order after loading ([`overlay`]).
pub fn generate_overlaid(inputs: &[PathBuf], overlays: &[PathBuf]) -> Result<Generated, diag::Diagnostics> {
    let loaded = load_overlaid(inputs, overlays)?;
    generate_staged(loaded, &mut Vec::new())
}

/// Spec files read, with the overlays applied: the files, what the overlays did, and their
/// warnings.
pub struct Loaded {
    /// The spec files, as the overlays left them.
    pub specs: Vec<load::SpecFile>,
    /// Overlay files, actions and matches.
    pub overlays: overlay::Counts,
    /// The overlays' warnings (actions that matched nothing).
    pub warnings: diag::Diagnostics,
}

/// Reads the spec files and applies the overlays to them, in order.
pub fn load_overlaid(inputs: &[PathBuf], overlays: &[PathBuf]) -> Result<Loaded, diag::Diagnostics> {
    let files = load::expand_inputs(inputs)?;
    let mut specs = load::load(&files)?;
    if overlays.is_empty() {
        return Ok(Loaded { specs, overlays: overlay::Counts::default(), warnings: diag::Diagnostics::default() });
    }
    let (counts, warnings) = overlay::apply(&overlay::load(overlays)?, &mut specs)?;
    Ok(Loaded { specs, overlays: counts, warnings })
}

/// Runs the pipeline up to the IR: what the generated crate contains, for tools and tests that
/// reason about it (sample values, operation lists) without reading Rust.
pub fn api(inputs: &[PathBuf]) -> Result<(ir::Api, diag::Diagnostics), diag::Diagnostics> {
    api_overlaid(inputs, &[])
}

/// Like [`api`], with overlay files applied.
pub fn api_overlaid(inputs: &[PathBuf], overlays: &[PathBuf]) -> Result<(ir::Api, diag::Diagnostics), diag::Diagnostics> {
    let loaded = load_overlaid(inputs, overlays)?;
    let touched = overlay::touched(&loaded.specs);
    let annotate = |mut d: diag::Diagnostics| {
        overlay::annotate_all(&mut d, &touched);
        d
    };
    let merged = merge::merge(loaded.specs).map_err(annotate)?;
    resolve::check_refs(&merged).map_err(annotate)?;
    let (api, mut warnings) = build_ir(&merged).map_err(annotate)?;
    warnings.0.splice(0..0, loaded.warnings.0);
    Ok((api, annotate(warnings)))
}

/// Lowers merged specs to the IR and runs the whole-IR passes of [`passes`], in the order its
/// docs give: sensitivity of partially shown fields; body fields that duplicate header
/// credentials; the examples as evidence against the types (contradictions settled, examples no
/// type holds left out of the tests); the error body the runtime decodes (a type without the
/// fields it reads is a located error); the redaction rule; groups and feature gates of shared
/// types; boxing of recursive fields (a cycle with no finite value is an error located at one of
/// its schemas); which operations page their results; each operation's retry class (keyed, read, acting);
/// each type's public surface (derives,
/// constructor, setters, `Debug`); what each field's docs say; and last the webhook payloads' dispatch and the key
/// operation. Fails with every error; returns the warnings otherwise.
pub fn build_ir(merged: &merge::Merged) -> Result<(ir::Api, diag::Diagnostics), diag::Diagnostics> {
    let (mut api, mut diags) = lower::lower(merged);
    let mut findings: Vec<finding::Finding> = Vec::new();
    sensitivity::settle_partial_fields(&mut api);
    credentials::settle_body_fields(&mut api);
    findings.extend(evidence::settle(&mut api));
    findings.extend(error_body::settle(&mut api));
    sensitivity::settle_rule(&mut api);
    features::gate_shared_types(&mut api);
    findings.extend(cycles::settle(&mut api));
    findings.extend(pagination::settle(&mut api));
    findings.extend(retry::settle(&mut api));
    surface::settle(&mut api);
    docs::settle(&mut api);
    findings.extend(webhooks::settle(&mut api));
    mock::settle(&mut api);
    for f in findings {
        diags.push(finding::locate(f, Some(merged)));
    }
    diags.into_result().map(|warnings| (api, warnings))
}

/// Loads, merges and resolves the specs into one OpenAPI document (for a mock server that wants
/// a single file).
pub fn merged_document(inputs: &[PathBuf]) -> Result<openapiv3::OpenAPI, diag::Diagnostics> {
    merged_document_overlaid(inputs, &[])
}

/// Like [`merged_document`], with overlay files applied.
pub fn merged_document_overlaid(inputs: &[PathBuf], overlays: &[PathBuf]) -> Result<openapiv3::OpenAPI, diag::Diagnostics> {
    let merged = merge::merge(load_overlaid(inputs, overlays)?.specs)?;
    resolve::check_refs(&merged)?;
    Ok(merged.to_openapi())
}

/// How long each stage of a run took, in pipeline order.
pub type Stages = Vec<(&'static str, std::time::Duration)>;

/// Runs merge, resolve, lower and emit on files already loaded.
pub fn generate_from(specs: Vec<load::SpecFile>) -> Result<Generated, diag::Diagnostics> {
    let loaded = Loaded { specs, overlays: overlay::Counts::default(), warnings: diag::Diagnostics::default() };
    generate_staged(loaded, &mut Vec::new())
}

/// Runs the whole pipeline like [`generate`], recording how long each stage took (for
/// `cargo xtask bench`): load (read and parse), merge, resolve, lower (with the passes), emit
/// (tokens, the syn check and prettyplease).
pub fn generate_timed(inputs: &[PathBuf], overlays: &[PathBuf]) -> Result<(Generated, Stages), diag::Diagnostics> {
    let mut stages = Vec::new();
    let start = std::time::Instant::now();
    let files = load::expand_inputs(inputs)?;
    let mut specs = load::load(&files)?;
    stages.push(("load", start.elapsed()));
    let start = std::time::Instant::now();
    let (overlay_counts, warnings) = match overlays {
        [] => (overlay::Counts::default(), diag::Diagnostics::default()),
        _ => overlay::apply(&overlay::load(overlays)?, &mut specs)?,
    };
    stages.push(("overlay", start.elapsed()));
    let generated = generate_staged(Loaded { specs, overlays: overlay_counts, warnings }, &mut stages)?;
    Ok((generated, stages))
}

fn generate_staged(loaded: Loaded, stages: &mut Stages) -> Result<Generated, diag::Diagnostics> {
    let touched = overlay::touched(&loaded.specs);
    let annotate = |mut d: diag::Diagnostics| {
        overlay::annotate_all(&mut d, &touched);
        d
    };
    let overlay_counts = loaded.overlays;
    let mut generated = generate_merged(loaded.specs, stages).map_err(annotate)?;
    generated.warnings.0.splice(0..0, loaded.warnings.0);
    generated.warnings = annotate(generated.warnings);
    generated.summary.overlays = overlay_counts;
    Ok(generated)
}

fn generate_merged(specs: Vec<load::SpecFile>, stages: &mut Stages) -> Result<Generated, diag::Diagnostics> {
    let mut clock = std::time::Instant::now();
    let mut lap = |name: &'static str, stages: &mut Vec<_>| {
        stages.push((name, clock.elapsed()));
        clock = std::time::Instant::now();
    };
    let spec_count = specs.len();
    let merged = merge::merge(specs)?;
    lap("merge", stages);
    resolve::check_refs(&merged)?;
    lap("resolve", stages);
    let (api, warnings) = build_ir(&merged)?;
    lap("lower", stages);
    let files = emit::emit(&api).map_err(|d| diag::Diagnostics(vec![d]))?;
    lap("emit", stages);
    let summary = Summary {
        specs: spec_count,
        operations: api.modules.iter().map(|m| m.operations.len()).sum(),
        components: merged.schemas.len(),
        types: api.modules.iter().map(|m| m.types.len()).sum(),
        modules: api.modules.len(),
        examples: api.examples.len(),
        pagination: pagination::Counts::of(&api),
        retry: retry::Counts::of(&api),
        mock: mock::Counts::of(&api.mock),
        overlays: overlay::Counts::default(),
        webhooks: WebhookCounts::of(&api.webhooks),
    };
    Ok(Generated { files, summary, warnings, groups: api.features.clone(), sources: emit::sources_label(&api) })
}
