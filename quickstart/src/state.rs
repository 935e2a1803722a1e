//! What the backend remembers between requests, in memory as Plaid's quickstarts do: one
//! linked Item and the ids later calls need. A real application stores these per user,
//! encrypted (an access token is a long-lived credential).

use std::sync::{Arc, Mutex, MutexGuard};

use plaid_sdk::testing::MockPlaid;
use plaid_sdk::Client;

use crate::envelope::RouteError;
use crate::settings::Settings;

/// The ids and tokens of the session.
#[derive(Default, Clone)]
pub struct Tokens {
    /// The linked Item's access token.
    pub access_token: Option<String>,
    /// The linked Item's id.
    pub item_id: Option<String>,
    /// The Plaid Check user's token (`/user/create`).
    pub user_token: Option<String>,
    /// The Plaid Check user's id, for specs whose `/user/create` answers with an id only.
    pub user_id: Option<String>,
    /// The payment created for the payment Link flow.
    pub payment_id: Option<String>,
    /// The account a transfer or a Signal evaluation used.
    pub account_id: Option<String>,
    /// The transfer authorization `transfer_create` executes.
    pub authorization_id: Option<String>,
}

/// Shared by every route.
pub struct AppState {
    /// The SDK's client, pointed at Plaid, a server of `PLAID_BASE_URL`, or the mock.
    pub client: Client,
    /// What the backend was told.
    pub settings: Settings,
    /// The in-process mock, when offline: kept for as long as the backend runs.
    pub mock: Option<MockPlaid>,
    tokens: Mutex<Tokens>,
}

/// The state as routes receive it.
pub type Shared = Arc<AppState>;

impl AppState {
    /// A state with nothing linked yet.
    pub fn new(client: Client, settings: Settings, mock: Option<MockPlaid>) -> Shared {
        Arc::new(AppState { client, settings, mock, tokens: Mutex::new(Tokens::default()) })
    }

    /// The tokens, for reading or changing. A panic elsewhere while they were held cannot
    /// leave them half-written (each change is one assignment), so a poisoned lock is used.
    pub fn tokens(&self) -> MutexGuard<'_, Tokens> {
        self.tokens.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The linked Item's access token, or the error a panel answers with before Link ran.
    pub fn access_token(&self) -> Result<String, RouteError> {
        self.tokens().access_token.clone().ok_or_else(|| RouteError::bad_request("NO_ACCESS_TOKEN", "no Item is linked yet: connect an account first (Link, or the sandbox button)"))
    }

    /// The Plaid Check user, as the body field `/cra/...` calls take: `user_token`, or
    /// `user_id` when the spec's `/user/create` gave an id only.
    pub fn cra_user(&self) -> Result<(&'static str, String), RouteError> {
        let tokens = self.tokens();
        match (&tokens.user_token, &tokens.user_id) {
            (Some(token), _) => Ok(("user_token", token.clone())),
            (None, Some(id)) => Ok(("user_id", id.clone())),
            _ => Err(RouteError::bad_request("NO_USER_TOKEN", "no Plaid Check user yet: call /api/create_user_token, then link an account")),
        }
    }
}
