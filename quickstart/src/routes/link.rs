//! Start-up and Link: the routes that create link tokens, exchange public tokens, and create
//! the users and payments some products need before Link opens.

use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::State;
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::calls::{json, request, text_at};
use crate::envelope::{Answer, RouteError};
use crate::settings::Target;
use crate::state::Shared;

/// The sandbox institution the sandbox button links (First Platypus Bank).
pub const SANDBOX_INSTITUTION: &str = "ins_109508";

/// Longest Link exit report logged, in bytes: it comes from the browser.
const MAX_LOGGED_BYTES: usize = 4096;

/// `POST /api/info`: what the frontend needs to draw itself. `mode` (`offline`, `base_url`,
/// `sandbox`, `production`) is this backend's addition, for its own page.
pub async fn info(State(state): State<Shared>) -> Json<Value> {
    let tokens = state.tokens().clone();
    let mode = match &state.settings.target {
        Target::Offline => "offline",
        Target::BaseUrl(_) => "base_url",
        Target::Plaid(env) => env.as_str(),
    };
    Json(json!({
        "item_id": tokens.item_id,
        "access_token": tokens.access_token,
        "products": state.settings.products,
        "mode": mode,
    }))
}

/// `POST /api/create_link_token`: a link token for the enabled products.
pub async fn create_link_token(State(state): State<Shared>) -> Answer {
    let settings = &state.settings;
    let mut body = json!({
        "user": { "client_user_id": "user-id" },
        "client_name": "Plaid Quickstart",
        "products": settings.products,
        "country_codes": settings.country_codes,
        "language": "en",
    });
    if let Some(uri) = &settings.redirect_uri {
        body["redirect_uri"] = json!(uri);
    }
    if settings.has("statements") {
        let today = today();
        body["statements"] = json!({ "start_date": days_before(today, 30), "end_date": date(today) });
    }
    if settings.has_cra() {
        let (field, value) = state.cra_user()?;
        body[field] = json!(value);
        body["consumer_report_permissible_purpose"] = json!("ACCOUNT_REVIEW_CREDIT");
        body["cra_options"] = json!({ "days_requested": 60 });
    }
    let answer = state.client.link_token_create(request(body)?).await?;
    Ok(Json(json(&answer)?))
}

/// The form Link's `onSuccess` posts.
#[derive(Deserialize)]
pub struct PublicTokenForm {
    public_token: String,
}

/// `POST /api/set_access_token`: exchanges the form's `public_token` and keeps the Item.
pub async fn set_access_token(State(state): State<Shared>, form: Result<Form<PublicTokenForm>, FormRejection>) -> Answer {
    let Form(form) = form.map_err(|e| RouteError::unreadable(e.status(), "INVALID_FORM", format!("expected a form-encoded `public_token`: {}", e.body_text())))?;
    if form.public_token.trim().is_empty() {
        return Err(RouteError::bad_request("INVALID_FORM", "the form's `public_token` is empty"));
    }
    exchange(&state, form.public_token).await
}

/// Exchanges a public token, keeps the access token and Item id, and answers as the
/// quickstarts do (the access token goes to the page only because this is a demo).
async fn exchange(state: &Shared, public_token: String) -> Answer {
    let answer = state.client.item_public_token_exchange(request(json!({ "public_token": public_token }))?).await?;
    let answer = json(&answer)?;
    let access_token = text_at(&answer, "/access_token", "access token")?;
    let item_id = text_at(&answer, "/item_id", "Item id")?;
    let mut tokens = state.tokens();
    tokens.access_token = Some(access_token.clone());
    tokens.item_id = Some(item_id.clone());
    Ok(Json(json!({ "access_token": access_token, "item_id": item_id, "error": null })))
}

/// `POST /api/sandbox/connect`: what Link does, without Link (whose script cannot load
/// offline): a sandbox public token for the enabled products, exchanged at once.
pub async fn sandbox_connect(State(state): State<Shared>) -> Answer {
    if !state.settings.sandbox_allowed() {
        return Err(RouteError::bad_request("SANDBOX_ONLY", "the sandbox button creates test Items; against production, use Link"));
    }
    let body = json!({ "institution_id": SANDBOX_INSTITUTION, "initial_products": item_products(&state.settings.products) });
    let answer = state.client.sandbox_public_token_create(request(body)?).await?;
    let public_token = text_at(&json(&answer)?, "/public_token", "public token")?;
    exchange(&state, public_token).await
}

/// The products a sandbox Item is created with: those an Item carries (Plaid Check's run on a
/// user, payment initiation on a payment, and Signal on any Item with Auth).
pub fn item_products(products: &[String]) -> Vec<String> {
    let mut kept: Vec<String> = products.iter().filter(|p| !p.starts_with("cra_") && !matches!(p.as_str(), "payment_initiation" | "signal" | "balance")).cloned().collect();
    if products.iter().any(|p| p == "signal") && !kept.iter().any(|p| p == "auth") {
        kept.push("auth".into());
    }
    if kept.is_empty() {
        kept.push("transactions".into());
    }
    kept
}

/// `POST /api/create_user_token`: a Plaid Check user, kept for Link and the `/cra` panels.
pub async fn create_user_token(State(state): State<Shared>) -> Answer {
    let body = json!({ "client_user_id": unique("user") });
    let answer = json(&state.client.user_create(request(body)?).await?)?;
    let mut tokens = state.tokens();
    tokens.user_token = answer.get("user_token").and_then(Value::as_str).filter(|s| !s.is_empty()).map(String::from);
    tokens.user_id = answer.get("user_id").and_then(Value::as_str).filter(|s| !s.is_empty()).map(String::from);
    if tokens.user_token.is_none() && tokens.user_id.is_none() {
        return Err(RouteError::unavailable(502, "UNEXPECTED_ANSWER", "/user/create answered with neither a user token nor a user id"));
    }
    Ok(Json(answer))
}

/// `POST /api/create_link_token_for_payment`: a recipient, a payment to it, and a link token
/// for that payment (UK and EU payment initiation).
pub async fn create_link_token_for_payment(State(state): State<Shared>) -> Answer {
    let recipient = json!({
        "name": "Harry Potter",
        "iban": "GB33BUKB20201555555555",
        "address": { "street": ["4 Privet Drive"], "city": "Little Whinging", "postal_code": "11111", "country": "GB" },
    });
    let recipient = json(&state.client.payment_initiation_recipient_create(request(recipient)?).await?)?;
    let recipient_id = text_at(&recipient, "/recipient_id", "recipient id")?;
    let payment = json!({ "recipient_id": recipient_id, "reference": "paymentRef", "amount": { "value": 1.23, "currency": "GBP" } });
    let payment = json(&state.client.payment_initiation_payment_create(request(payment)?).await?)?;
    let payment_id = text_at(&payment, "/payment_id", "payment id")?;
    state.tokens().payment_id = Some(payment_id.clone());
    let mut body = json!({
        "client_name": "Plaid Quickstart",
        "user": { "client_user_id": unique("user") },
        "country_codes": state.settings.country_codes,
        "language": "en",
        "products": ["payment_initiation"],
        "payment_initiation": { "payment_id": payment_id },
    });
    if let Some(uri) = &state.settings.redirect_uri {
        body["redirect_uri"] = json!(uri);
    }
    let answer = state.client.link_token_create(request(body)?).await?;
    Ok(Json(json(&answer)?))
}

/// `POST /api/link_exit_error`: Link's exit report (JSON), logged for the developer.
pub async fn link_exit_error(body: Result<Json<Value>, JsonRejection>) -> Answer {
    let Json(body) = body.map_err(|e| RouteError::unreadable(e.status(), "INVALID_BODY", format!("expected Link's exit report as JSON: {}", e.body_text())))?;
    let mut text = body.to_string();
    if text.len() > MAX_LOGGED_BYTES {
        let mut end = MAX_LOGGED_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("...");
    }
    // Debug formatting escapes control characters: a report cannot forge log lines.
    eprintln!("Link exited with an error: {text:?}");
    Ok(Json(json!({ "status": "logged" })))
}

/// Today, in UTC.
pub fn today() -> plaid_sdk::chrono::NaiveDate {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let seconds = i64::try_from(seconds).unwrap_or(i64::MAX);
    plaid_sdk::chrono::DateTime::from_timestamp(seconds, 0).map(|t| t.date_naive()).unwrap_or_default()
}

/// `YYYY-MM-DD`.
pub fn date(day: plaid_sdk::chrono::NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// The date `days` before `day`.
pub fn days_before(day: plaid_sdk::chrono::NaiveDate, days: u64) -> String {
    date(day.checked_sub_days(plaid_sdk::chrono::Days::new(days)).unwrap_or(day))
}

/// An id no earlier call of this process used: `prefix-<nanoseconds since the epoch>-<n>`.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{prefix}-{nanos}-{}", COUNTER.fetch_add(1, Ordering::Relaxed))
}
