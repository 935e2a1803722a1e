//! How routes talk to the SDK. Requests are written as JSON and read into the SDK's request
//! type, so that a later spec adding an optional field (or a constructor argument) does not
//! break this backend's build; answers come back typed, checked by the SDK, and go to the
//! browser as JSON, which the SDK's types keep whole (unknown fields and enum values included).

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::envelope::RouteError;

/// The SDK's request type `T` from JSON written by a route. It fails only when the spec in use
/// gives the request a required field this backend does not send.
pub fn request<T: DeserializeOwned>(body: Value) -> Result<T, RouteError> {
    serde_json::from_value(body).map_err(|e| {
        RouteError::unavailable(500, "REQUEST_SHAPE", format!("the SDK's {} does not take this backend's request: {e}", std::any::type_name::<T>()))
    })
}

/// A typed answer as JSON for the browser.
pub fn json<T: Serialize>(answer: &T) -> Result<Value, RouteError> {
    serde_json::to_value(answer).map_err(|e| RouteError::unavailable(500, "ANSWER_SHAPE", format!("the answer did not serialize: {e}")))
}

/// The text at `pointer` in an answer, or an error naming what the answer lacked.
pub fn text_at(answer: &Value, pointer: &str, what: &str) -> Result<String, RouteError> {
    answer
        .pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| RouteError::unavailable(502, "UNEXPECTED_ANSWER", format!("Plaid's answer has no {what} (at {pointer})")))
}

/// Whether an error is Plaid saying "not ready yet, ask again" (a report being built).
pub fn not_ready(error: &RouteError) -> bool {
    matches!(error, RouteError::Plaid(plaid_sdk::Error::Api(api)) if api.error_code() == "PRODUCT_NOT_READY")
}

/// The first path of `candidates` that the spec in use lists (Plaid renamed some endpoints
/// between versions: `/cra/base_report/get` became `/cra/check_report/base_report/get`).
pub fn listed_path(candidates: &[&'static str]) -> Option<&'static str> {
    candidates.iter().copied().find(|path| plaid_sdk::operations().any(|op| op.path == *path))
}
