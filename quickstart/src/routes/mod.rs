//! The HTTP contract of Plaid's quickstart frontend, under `/api`, and this backend's own page.

pub mod link;
pub mod products;
pub mod reports;

use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::envelope::RouteError;
use crate::state::Shared;

/// The backend's own page: a connect button and one button per enabled panel.
const PAGE: &str = include_str!("../page.html");

/// Largest request body any route reads (a form with a token, or Link's exit report).
const MAX_BODY_BYTES: usize = 64 * 1024;

/// Every route. Unknown paths under `/api` answer with the error envelope.
pub fn router(state: Shared) -> Router {
    let api = Router::new()
        .route("/info", post(link::info))
        .route("/create_link_token", post(link::create_link_token))
        .route("/set_access_token", post(link::set_access_token))
        .route("/create_user_token", post(link::create_user_token))
        .route("/create_link_token_for_payment", post(link::create_link_token_for_payment))
        .route("/link_exit_error", post(link::link_exit_error))
        .route("/sandbox/connect", post(link::sandbox_connect))
        .route("/auth", get(products::auth))
        .route("/transactions", get(products::transactions))
        .route("/identity", get(products::identity))
        .route("/balance", get(products::balance))
        .route("/item", get(products::item))
        .route("/accounts", get(products::accounts))
        .route("/holdings", get(products::holdings))
        .route("/investments_transactions", get(products::investments_transactions))
        .route("/liabilities", get(products::liabilities))
        .route("/payment", get(products::payment))
        .route("/income/verification/paystubs", get(products::paystubs))
        .route("/transfer_authorize", get(products::transfer_authorize))
        .route("/transfer_create", get(products::transfer_create))
        .route("/signal_evaluate", get(products::signal_evaluate))
        .route("/assets", get(reports::assets))
        .route("/statements", get(reports::statements))
        .route("/cra/get_base_report", get(reports::cra_base_report))
        .route("/cra/get_income_insights", get(reports::cra_income_insights))
        .route("/cra/get_partner_insights", get(reports::cra_partner_insights))
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method);
    Router::new()
        .route("/", get(page))
        .nest("/api", api)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

async fn page() -> Response {
    // The page renders answers as text only; nothing it shows can run as script.
    let headers = [(header::CONTENT_SECURITY_POLICY, "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.plaid.com; frame-src https://*.plaid.com; connect-src 'self' https://*.plaid.com; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'")];
    (headers, Html(PAGE)).into_response()
}

async fn unknown_route(uri: Uri) -> RouteError {
    RouteError::unavailable(StatusCode::NOT_FOUND.as_u16(), "UNKNOWN_ROUTE", format!("no route {} in the quickstart's /api", uri.path()))
}

async fn wrong_method(uri: Uri) -> RouteError {
    RouteError::unavailable(StatusCode::METHOD_NOT_ALLOWED.as_u16(), "METHOD_NOT_ALLOWED", format!("{} takes another HTTP method (the routes table in the README)", uri.path()))
}
