//! Contract tests against Stoplight Prism, which `cargo xtask contract` starts and stops. They
//! are ignored in a plain `cargo test`: they need the two servers' URLs in `PRISM_STATIC_URL`
//! (validates each request, answers 422 on a violation) and `PRISM_DYNAMIC_URL` (random
//! responses valid for the schema).

use generator::ir::Api;
use generator::sample::Sampler;
use plaid_sdk::*;
use serde_json::Value;

include!("common/operations.rs");

/// Random responses decoded per operation from the dynamic server.
const FUZZ_PER_OPERATION: usize = 50;

macro_rules! contract_calls {
    ($($id:literal => $method:ident($req:ty) -> $resp:ty;)*) => {
        /// Sends `request` as operation `id` and decodes the answer.
        async fn call(client: &Client, id: &str, request: &Value) -> Result<(), String> {
            match id {
                $($id => {
                    let request: $req = serde_json::from_value(request.clone())
                        .map_err(|e| format!("the sample request does not decode: {e}"))?;
                    client.$method(request).await.map(drop).map_err(|e| e.to_string())
                })*
                other => Err(format!("operation `{other}` is not in the table of this test")),
            }
        }
    };
}

with_operations!(contract_calls);

fn client(url_var: &str) -> Client {
    let url = std::env::var(url_var).unwrap_or_else(|_| panic!("{url_var} is not set: run `cargo xtask contract`"));
    let config = Config::with_base_url(url, "contract-client-id", "contract-secret").expect("Prism listens on loopback");
    Client::new(config.with_retry(RetryPolicy::none()))
}

fn api() -> Api {
    generator::api(&[tests::root().join("specs")]).expect("the specs lower").0
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn the_client_keeps_the_contract_prism_checks() {
    let api = api();
    let ops: Vec<_> = api.modules.iter().flat_map(|m| &m.operations).collect();
    assert_eq!(ops.len(), 23);
    let (required_only, every_field) = (Sampler::new(&api), Sampler::new(&api).with_optional());
    let mut failures = Vec::new();

    // Requests: required fields only, then every field; Prism answers 422 to a violation.
    let validating = client("PRISM_STATIC_URL");
    let mut validated = 0;
    for op in &ops {
        let ty = op.request.as_ref().expect("every operation has a body");
        for (label, sampler) in [("required fields", &required_only), ("every field", &every_field)] {
            let request = sampler.value(ty);
            validated += 1;
            if let Err(e) = call(&validating, &op.id, &request).await {
                failures.push(format!("{} with {label}: {e}\n  request: {request}", op.id));
            }
        }
    }

    // Responses: random bodies valid for the schema must all decode.
    let fuzzing = client("PRISM_DYNAMIC_URL");
    let mut fuzzed = 0;
    for op in &ops {
        let request = required_only.value(op.request.as_ref().expect("a body"));
        for round in 0..FUZZ_PER_OPERATION {
            fuzzed += 1;
            if let Err(e) = call(&fuzzing, &op.id, &request).await {
                failures.push(format!("{} response {round}: {e}", op.id));
            }
        }
    }

    // A request that breaks the spec on purpose (a webhook code the spec does not list) must
    // come back as a clear error carrying Prism's 422.
    let broken = SandboxItemFireWebhookRequest::new(
        "access-sandbox-1".into(),
        SandboxItemFireWebhookRequestWebhookCode::UnknownValue("NOT_A_WEBHOOK_CODE".into()),
    );
    match validating.sandbox_item_fire_webhook(broken).await {
        Err(e) if e.status() == Some(422) => println!("a request that breaks the spec: {e}"),
        other => failures.push(format!("a request that breaks the spec was not refused with 422: {other:?}")),
    }

    println!("contract: {validated} requests validated, {fuzzed} responses fuzzed, {} failures", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
