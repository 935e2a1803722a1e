//! A request that breaks the spec on purpose, against Stoplight Prism in static mode, which
//! `cargo xtask contract` starts (every operation's contract is the generated
//! `generated/tests/contract.rs`). Ignored in a plain `cargo test`: it needs the server's URL in
//! `PRISM_STATIC_URL`.

use plaid_sdk::*;

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask contract`"]
async fn a_request_that_breaks_the_spec_comes_back_as_prisms_422() {
    let url = std::env::var("PRISM_STATIC_URL").expect("PRISM_STATIC_URL is set: run `cargo xtask contract`");
    let config = Config::with_base_url(url, "contract-client-id", "contract-secret").expect("Prism listens on loopback");
    let client = Client::new(config.with_retry(RetryPolicy::none()));
    // A webhook code the spec does not list.
    let broken = SandboxItemFireWebhookRequest::new(
        "access-sandbox-1",
        SandboxItemFireWebhookRequestWebhookCode::UnknownValue("NOT_A_WEBHOOK_CODE".to_string()),
    );
    match client.sandbox_item_fire_webhook(broken).await {
        Err(e) => assert_eq!(e.status(), Some(422), "{e}"),
        Ok(answer) => panic!("a request that breaks the spec was accepted: {answer:?}"),
    }
}
