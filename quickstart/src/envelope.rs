//! Plaid's quickstart error shape: every failure reaches the browser as
//! `{"error": {<Plaid's error fields>, "status_code": N}}`, with N as the HTTP status too.
//! A Plaid error keeps Plaid's fields and status; anything else (the network, a bad answer, a
//! bad request to this backend) gets the same fields, written here.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// Why a route failed.
#[derive(Debug)]
pub enum RouteError {
    /// A Plaid call failed: Plaid's error, or the SDK's (transport, decoding, configuration).
    Plaid(plaid_sdk::Error),
    /// The request to this backend cannot be served (no Item linked yet, a malformed form).
    Refused {
        /// The HTTP status.
        status: u16,
        /// A code in Plaid's style (`NO_ACCESS_TOKEN`).
        code: &'static str,
        /// What to do about it.
        message: String,
    },
}

impl RouteError {
    /// The caller's mistake (400), in Plaid's `INVALID_REQUEST` category.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> RouteError {
        RouteError::Refused { status: 400, code, message: message.into() }
    }

    /// A request body axum could not read (wrong content type, malformed, too large), with
    /// the status axum chose for it.
    pub fn unreadable(status: StatusCode, code: &'static str, message: String) -> RouteError {
        RouteError::Refused { status: status.as_u16(), code, message }
    }

    /// What the backend cannot do with this spec or this answer (a 5xx).
    pub fn unavailable(status: u16, code: &'static str, message: impl Into<String>) -> RouteError {
        RouteError::Refused { status, code, message: message.into() }
    }

    /// The envelope and the HTTP status it is sent with.
    pub fn envelope(&self) -> (u16, Value) {
        let (status, mut fields) = match self {
            RouteError::Plaid(plaid_sdk::Error::Api(api)) => {
                let fields = match serde_json::to_value(&api.error) {
                    Ok(Value::Object(map)) => map,
                    // The error body types as an object in every Plaid spec; were it not, its
                    // accessors still give the fields the frontend shows.
                    _ => fields("API_ERROR", api.error_code(), api.error_message()),
                };
                (api.status, fields)
            }
            // Not Plaid's answer: the network failed, the answer did not decode, or the call
            // was refused before it was sent. The SDK's messages carry no secret.
            RouteError::Plaid(other) => {
                let code = match other {
                    plaid_sdk::Error::Transport(_) => "TRANSPORT_ERROR",
                    plaid_sdk::Error::Decode(_) => "DECODE_ERROR",
                    plaid_sdk::Error::Config { .. } => "CONFIGURATION_ERROR",
                    _ => "INTERNAL_SERVER_ERROR",
                };
                (500, fields("API_ERROR", code, &other.to_string()))
            }
            RouteError::Refused { status, code, message } => {
                let kind = if *status < 500 { "INVALID_REQUEST" } else { "API_ERROR" };
                (*status, fields(kind, code, message))
            }
        };
        fields.insert("status_code".into(), json!(status));
        (status, json!({ "error": Value::Object(fields) }))
    }
}

/// The fields Plaid's error body has, for an error the backend writes.
fn fields(error_type: &str, code: &str, message: &str) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("error_type".into(), json!(error_type));
    map.insert("error_code".into(), json!(code));
    map.insert("error_message".into(), json!(message));
    map.insert("display_message".into(), Value::Null);
    map
}

impl From<plaid_sdk::Error> for RouteError {
    fn from(e: plaid_sdk::Error) -> Self {
        RouteError::Plaid(e)
    }
}

impl IntoResponse for RouteError {
    fn into_response(self) -> Response {
        let (status, body) = self.envelope();
        eprintln!("error: {}", body["error"]);
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(body)).into_response()
    }
}

/// What a route returns: JSON, or the envelope.
pub type Answer = Result<Json<Value>, RouteError>;
