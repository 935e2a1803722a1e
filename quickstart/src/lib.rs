//! Plaid's quickstart backend on the generated SDK: the `/api` contract Plaid's React frontend
//! speaks, a page of its own at `/`, and an in-process mock of Plaid when it has no keys.
//!
//! - `settings`: the environment (`PLAID_*`, `APP_PORT`, `.env`);
//! - `routes`: the HTTP routes (Link, product panels, reports) and the page;
//! - `calls`: how routes build SDK requests and read answers;
//! - `poll`: the bounded waits for reports;
//! - `envelope`: the error shape every failure takes;
//! - `state`: the tokens kept between requests.

pub mod calls;
pub mod envelope;
pub mod poll;
pub mod routes;
pub mod settings;
pub mod state;

use plaid_sdk::testing::MockPlaid;
use plaid_sdk::{Client, Config};

use settings::{Settings, Target};
use state::{AppState, Shared};

/// The backend's state for `settings`: the SDK's client for its target, with the mock started
/// first when it is offline. A base URL the SDK refuses (not https, other than loopback) is an
/// error here, before anything listens.
pub async fn start(settings: Settings) -> Result<Shared, String> {
    let (config, mock) = match &settings.target {
        Target::Offline => {
            let mock = MockPlaid::start().await.map_err(|e| format!("cannot start the mock of Plaid: {e}"))?;
            (mock.config(), Some(mock))
        }
        Target::BaseUrl(url) => (Config::with_base_url(url, settings.client_id.clone(), settings.secret.clone()).map_err(|e| format!("PLAID_BASE_URL: {e}"))?, None),
        Target::Plaid(env) => {
            let config = match env.as_str() {
                "production" => Config::production(settings.client_id.clone(), settings.secret.clone()),
                _ => Config::sandbox(settings.client_id.clone(), settings.secret.clone()),
            };
            (config, None)
        }
    };
    let client = Client::try_new(config).map_err(|e| format!("cannot make the Plaid client: {e}"))?;
    Ok(AppState::new(client, settings, mock))
}

/// One line on where calls go, for start-up.
pub fn describe(state: &AppState) -> String {
    match (&state.settings.target, &state.mock) {
        (Target::Offline, Some(mock)) => format!("offline: no PLAID_CLIENT_ID, so calls go to the SDK's mock of Plaid, in this process at {}", mock.url()),
        (Target::BaseUrl(url), _) => format!("PLAID_BASE_URL: calls go to {url}"),
        (Target::Plaid(env), _) => format!("Plaid's {env} environment ({})", state.client.config().base_url()),
        (Target::Offline, None) => "offline".into(),
    }
}
