//! Quickstart: exchange a public token from Link for an access token, list the Item's accounts
//! and print their balances, and explain the errors an application should expect.
//!
//! ```text
//! PLAID_CLIENT_ID=... PLAID_SECRET=... \
//!     cargo run -p plaid-sdk --example quickstart -- <sandbox|production|BASE-URL> <PUBLIC-TOKEN>
//! ```
//!
//! A base URL must be `https://`, or `http://` on loopback (a local mock server).

use std::process::ExitCode;

use plaid_sdk::{AccountsGetRequest, Client, Config, Error, ItemPublicTokenExchangeRequest, PlaidErrorType, TransportErrorKind};

const USAGE: &str = "usage: quickstart <sandbox|production|BASE-URL> <PUBLIC-TOKEN>  (credentials in PLAID_CLIENT_ID, PLAID_SECRET)";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [target, public_token] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let (Ok(client_id), Ok(secret)) = (std::env::var("PLAID_CLIENT_ID"), std::env::var("PLAID_SECRET")) else {
        eprintln!("set PLAID_CLIENT_ID and PLAID_SECRET\n{USAGE}");
        return ExitCode::from(2);
    };
    let config = match target.as_str() {
        "sandbox" => Config::sandbox(client_id, secret),
        "production" => Config::production(client_id, secret),
        url => match Config::with_base_url(url, client_id, secret) {
            Ok(config) => config,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        },
    };
    let client = Client::new(config);
    match run(&client, public_token).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            explain(&e);
            ExitCode::FAILURE
        }
    }
}

async fn run(client: &Client, public_token: &str) -> Result<(), Error> {
    // The access token is a long-lived credential: store it encrypted, never log it.
    let exchange = client.item_public_token_exchange(ItemPublicTokenExchangeRequest::new(public_token)).await?;
    println!("Item {} linked (request {})", exchange.item_id, exchange.request_id);

    let accounts = client.accounts_get(AccountsGetRequest::new(exchange.access_token)).await?;
    println!("{:<32} {:>14} {:>14}  currency", "account", "current", "available");
    for account in &accounts.accounts {
        let balances = &account.balances;
        let amount = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "-".into());
        let currency = balances.iso_currency_code.as_deref().or(balances.unofficial_currency_code.as_deref()).unwrap_or("?");
        println!("{:<32} {:>14} {:>14}  {currency}", account.name, amount(balances.current), amount(balances.available));
    }
    Ok(())
}

/// What each kind of failure means for the application.
fn explain(error: &Error) {
    match error {
        Error::Api(api) => {
            let advice = match (api.error_type(), api.error_code()) {
                (_, "INVALID_PUBLIC_TOKEN") => "the public token is wrong or expired (they live 30 minutes): run Link again",
                (_, "ITEM_LOGIN_REQUIRED") => "the user must log in to their bank again: open Link in update mode",
                (PlaidErrorType::InvalidInput, "INVALID_API_KEYS") => "check PLAID_CLIENT_ID and PLAID_SECRET for this environment",
                (PlaidErrorType::RateLimitExceeded, _) => "too many requests, even after the client's retries: slow down",
                _ => "see the error code in Plaid's documentation",
            };
            eprintln!("Plaid refused the request: {api}\n  -> {advice}");
            if let Some(message) = api.display_message() {
                eprintln!("  message for the user: {message}");
            }
        }
        Error::Transport(t) if t.kind == TransportErrorKind::Timeout => {
            eprintln!("{t}\n  -> the call may still have happened; check before repeating it")
        }
        Error::Transport(t) => eprintln!("{t}\n  -> check the network and the base URL"),
        Error::Status(s) if s.is_redirect() => eprintln!("{s}\n  -> the base URL or a proxy redirects; point the client at the API itself"),
        Error::Status(s) => {
            eprintln!("{s}\n  -> something between you and Plaid answered (a proxy, a gateway); check the base URL and status.plaid.com")
        }
        Error::Decode(d) => {
            let quote = d.request_id.as_deref().map(|id| format!("; quote request id {id} to Plaid support")).unwrap_or_default();
            eprintln!("{d}\n  -> Plaid's answer does not match this SDK's types: update the SDK{quote}")
        }
        other => eprintln!("{other}"),
    }
}
