//! A mock of Plaid for application tests, on loopback (the `testing` feature, off by default).
//!
//! [`MockPlaid::start`] serves every operation of the specs on `127.0.0.1` until the mock is
//! dropped; [`MockPlaid::client`] is a [`Client`] pointed at it, so a test goes through real
//! requests, encoding, decoding and retries, with no network and no keys.
//!
//! - **Default answers**: each operation answers with the spec's first success example (one
//!   that decodes into the generated type: the crate's generated tests check every one), or a
//!   sample of its type that meets every constraint where the spec has no example.
//! - **Request checks**: each request is checked against its operation's schema (required
//!   fields, types, enum values, formats, lengths, patterns, ranges, item counts). A request
//!   Plaid would reject gets Plaid's `INVALID_REQUEST` error naming the field, and
//!   [`MockPlaid::violations`] lists everything found.
//! - **Typed stubs**: [`MockPlaid::on`] names an operation by its request type and answers
//!   with a typed response, a Plaid error, a `429` with `Retry-After`, a `5xx` page, or a
//!   sequence of them ([`Answer`]), optionally only for requests a predicate accepts.
//!   [`MockPlaid::requests`] and [`MockPlaid::calls`] read back what came.
//! - **Sandbox state**, where Plaid's sandbox keeps it: `/sandbox/public_token/create` and
//!   `/item/public_token/exchange` (or [`MockPlaid::create_item`]) make an Item whose access
//!   token every call accepts; a token the mock did not issue is `INVALID_ACCESS_TOKEN`;
//!   `/sandbox/item/reset_login` makes later calls for the Item fail with
//!   `ITEM_LOGIN_REQUIRED`; `/sandbox/item/fire_webhook` (or [`MockPlaid::fire_webhook`])
//!   delivers a webhook signed with a key the mock serves at `/webhook_verification_key/get`,
//!   so [`WebhookVerifier`](crate::webhooks::WebhookVerifier) accepts it.
//!
//! The order in which a call is answered: the request checks; the access token's state;
//! the newest stub that matches; the sandbox flows; the default answer (or, after
//! [`MockPlaid::fail_unmatched`], an error).

use std::fmt;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::mock::server::{Reply, State, StubEntry};
use crate::{Client, Config, Operation, RetryPolicy};

/// An operation a stub names by its request type: implemented by the request body type of
/// each operation that is the only one sending it (the generated tables say which).
pub trait Endpoint: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// What the operation's method returns.
    type Response: Serialize + DeserializeOwned;
    /// The operation's row in the operation table.
    const OPERATION: &'static Operation;
}

/// The error body the mock answers with, as the generator found it: a valid sample and the
/// JSON names of the fields the mock fills in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ErrorShape {
    /// A valid error body (JSON).
    pub(crate) template: &'static str,
    /// The `error_type` field's JSON name.
    pub(crate) error_type: &'static str,
    /// The `error_code` field's JSON name.
    pub(crate) error_code: &'static str,
    /// The `error_message` field's JSON name.
    pub(crate) error_message: &'static str,
    /// The `display_message` field's JSON name, if any.
    pub(crate) display_message: Option<&'static str>,
    /// The `request_id` field's JSON name, if any.
    pub(crate) request_id: Option<&'static str>,
}

/// The JSON text the mock answers operation `operation_id` with when nothing else decides:
/// the spec's first success example, or a sample of the success type.
pub fn default_answer(operation_id: &str) -> Option<&'static str> {
    crate::gen::testing::ANSWERS.iter().find(|(id, _)| *id == operation_id).map(|(_, json)| *json)
}

/// `E`'s default answer as its typed response: a value to change and stub with. `None` only
/// when the operation has no JSON answer.
pub fn default_response<E: Endpoint>() -> Option<E::Response> {
    serde_json::from_str(default_answer(E::OPERATION.id)?).ok()
}

/// What kind of rule a request broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ViolationKind {
    /// The body is not JSON.
    Body,
    /// A required field is missing.
    Missing,
    /// A required, non-nullable field is `null`.
    Null,
    /// A value of the wrong JSON type.
    Type,
    /// A value the enum does not list.
    Enum,
    /// A string that is not a valid value of its `format`.
    Format,
    /// A string shorter than `minLength` or longer than `maxLength`.
    Length,
    /// A string that does not match its `pattern`.
    Pattern,
    /// A number outside `minimum`/`maximum`.
    Range,
    /// An array with fewer than `minItems` or more than `maxItems` items.
    Items,
}

/// One rule a request broke, as the mock found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where: the field's path in the body (`options.count`, `account_ids[2]`).
    pub field: String,
    /// Which kind of rule.
    pub kind: ViolationKind,
    /// The message Plaid's error carries: the field and what is wrong with it.
    pub message: String,
}

/// A rejected request: the operation and everything wrong with its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The operationId.
    pub operation: &'static str,
    /// What was wrong, in body order.
    pub violations: Vec<Violation>,
}

/// One call as it reached the mock, before any check: what [`MockPlaid::recorded`] lists, so a
/// test can see the headers, query parameters and body fields an application added
/// ([`Client::with_header`] and the like) and its calls by path ([`Client::post_json`]).
///
/// The credential headers' values are replaced by `<redacted>`; `Debug` redacts the body's
/// sensitive fields by name.
#[derive(Clone)]
#[non_exhaustive]
pub struct RecordedCall {
    /// The HTTP method, upper-case.
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// The query string, without `?`, when there was one (still percent-encoded).
    pub query: Option<String>,
    /// The operationId of the operation the path and method name, or `None` for a path the
    /// specs do not list.
    pub operation: Option<&'static str>,
    /// The headers as sent, names lower-case, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body as JSON; `Null` when there was none or it was not JSON.
    pub body: Value,
}

impl RecordedCall {
    /// The value of the first header of that name (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for RecordedCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedCall")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("operation", &self.operation)
            .field("headers", &self.headers.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>())
            .field("body", &crate::redact::Json(&self.body))
            .finish_non_exhaustive()
    }
}

/// One answer of a stub: a typed success, a Plaid error, a rate limit or a server's error page.
pub struct Answer<T> {
    pub(crate) reply: Reply,
    _type: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Answer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer").field("status", &self.reply.status).finish_non_exhaustive()
    }
}

impl<T> Clone for Answer<T> {
    fn clone(&self) -> Self {
        Answer { reply: self.reply.clone(), _type: PhantomData }
    }
}

impl<T: Serialize> From<T> for Answer<T> {
    fn from(value: T) -> Self {
        Answer::ok(value)
    }
}

impl<T: Serialize> Answer<T> {
    /// `200` with `value` as the body. A value that cannot be encoded (a map with non-string
    /// keys) answers `500` with the encoder's message instead.
    pub fn ok(value: T) -> Self {
        Self::of(match serde_json::to_vec(&value) {
            Ok(body) => Reply::json(200, body),
            Err(e) => Reply::text(500, format!("the stub's answer does not encode: {e}")),
        })
    }
}

impl<T> Answer<T> {
    fn of(reply: Reply) -> Self {
        Answer { reply, _type: PhantomData }
    }

    /// A Plaid error (status `400`; see [`Answer::with_status`]) with this `error_type` and
    /// `error_code`, e.g. `Answer::error("ITEM_ERROR", "ITEM_LOGIN_REQUIRED")`.
    pub fn error(error_type: impl Into<crate::ErrorType>, error_code: &str) -> Self {
        let error_type = serde_json::to_value(error_type.into()).unwrap_or(Value::Null);
        let message = format!("the mock answers {error_code}");
        Self::of(crate::mock::server::error_reply(400, error_type, error_code, &message))
    }

    /// `429` with `Retry-After` (whole seconds, rounded up) and Plaid's `RATE_LIMIT_EXCEEDED`
    /// error.
    pub fn rate_limited(retry_after: Duration) -> Self {
        let seconds = retry_after.as_secs().saturating_add(u64::from(retry_after.subsec_nanos() > 0));
        let reply = crate::mock::server::error_reply(429, "RATE_LIMIT_EXCEEDED".into(), "RATE_LIMIT", "rate limit exceeded");
        Self::of(reply).with_header("Retry-After", &seconds.to_string())
    }

    /// A status with a body that is no Plaid error (a gateway's `502` page, an empty `503`).
    pub fn page(status: u16, body: &str) -> Self {
        Self::of(Reply::text(status, body.to_string()))
    }

    /// Answers with this status instead (a Plaid error with `500`, a success with `201`).
    pub fn with_status(mut self, status: u16) -> Self {
        self.reply.status = status;
        self
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.reply.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Waits this long before answering (to exercise timeouts).
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.reply.delay = delay;
        self
    }

    /// Any JSON body with a status: for an answer the typed response cannot express.
    pub fn json(status: u16, body: &Value) -> Self {
        Self::of(Reply::json(status, body.to_string().into_bytes()))
    }
}

/// A webhook the mock sent: the exact body and the `Plaid-Verification` token over it.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// The raw body, as posted.
    pub body: Vec<u8>,
    /// The `Plaid-Verification` header: an ES256 JWT over the body's SHA-256.
    pub plaid_verification: String,
    /// The URL it was posted to, if the Item has a loopback webhook URL (a URL off this
    /// machine is never called: the delivery is only recorded).
    pub url: Option<String>,
    /// The status the URL answered, or `None` when nothing was posted or it did not answer.
    pub status: Option<u16>,
}

impl fmt::Debug for WebhookDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookDelivery")
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("url", &self.url)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// An Item the mock made, as [`MockPlaid::create_item`] returns it.
#[derive(Clone, PartialEq, Eq)]
pub struct SandboxItem {
    /// The access token every call accepts for this Item.
    pub access_token: String,
    /// The Item's id, which answers about it carry.
    pub item_id: String,
}

impl fmt::Debug for SandboxItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxItem").field("access_token", &crate::redact::Redacted).field("item_id", &self.item_id).finish()
    }
}

/// Why the mock could not do what a test asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MockError {
    /// The loopback listener could not be opened.
    #[error("cannot listen on loopback: {0}")]
    Listen(#[from] std::io::Error),
    /// The access token is not one the mock issued (or its Item was removed).
    #[error("the mock issued no such access token")]
    UnknownAccessToken,
    /// The specs have no webhook of this pair.
    #[error("the specs have no webhook `{webhook_type}` / `{webhook_code}`")]
    UnknownWebhook {
        /// The `webhook_type` asked for.
        webhook_type: String,
        /// The `webhook_code` asked for.
        webhook_code: String,
    },
    /// The webhook could not be signed (its body does not encode).
    #[error("cannot sign the webhook: {0}")]
    Sign(String),
    /// The fields given to [`MockPlaid::fire_webhook_with`] make a payload its type does not
    /// decode; nothing was sent.
    #[error("the webhook's payload with these fields does not decode: {0}")]
    InvalidFields(String),
}

/// A mock of Plaid on loopback; see the [module docs](self). Dropping it stops the server.
pub struct MockPlaid {
    state: Arc<State>,
    addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl fmt::Debug for MockPlaid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockPlaid").field("url", &self.url()).finish_non_exhaustive()
    }
}

impl Drop for MockPlaid {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The client id and secret of [`MockPlaid::config`]: the mock requires both headers.
pub const MOCK_CLIENT_ID: &str = "mock-client-id";
/// See [`MOCK_CLIENT_ID`].
pub const MOCK_SECRET: &str = "mock-secret";

impl MockPlaid {
    /// Starts a mock on a free port of `127.0.0.1`, served by a task of the current Tokio
    /// runtime until the mock is dropped.
    pub async fn start() -> Result<MockPlaid, MockError> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new());
        let server = tokio::spawn(crate::mock::server::serve(listener, state.clone()));
        Ok(MockPlaid { state, addr, server })
    }

    /// The base URL (`http://127.0.0.1:<port>`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A configuration for the mock: its URL, [`MOCK_CLIENT_ID`] and [`MOCK_SECRET`], and
    /// retries with millisecond backoff (a `Retry-After` an answer sends is still honoured).
    pub fn config(&self) -> Config {
        let retry = RetryPolicy::default().with_initial_backoff(Duration::from_millis(2)).with_max_backoff(Duration::from_millis(20));
        // A loopback `http` URL, which `Config::with_base_url` accepts.
        Config::unchecked(self.url(), MOCK_CLIENT_ID.into(), MOCK_SECRET.into()).with_retry(retry)
    }

    /// A client of the mock, made from [`MockPlaid::config`].
    pub fn client(&self) -> Client {
        Client::new(self.config())
    }

    /// A stub for the operation whose request type is `E`; set it with [`Stub::respond`] or
    /// [`Stub::respond_in_turn`]. The newest stub that matches a call answers it.
    pub fn on<E: Endpoint>(&self) -> Stub<'_, E> {
        Stub { mock: self, when: None }
    }

    /// A stub for any operation by its operationId, answering raw JSON: for an operation that
    /// has no [`Endpoint`] (its request type is shared or absent).
    pub fn on_operation(&self, operation_id: &str, answer: Answer<Value>) {
        self.state.add_stub(StubEntry::new(operation_id.to_string(), None, vec![answer.reply]));
    }

    /// A stub for a path the specs do not list (an endpoint Plaid shipped after them, called
    /// with [`Client::post_json`] or [`Client::request_as`]), by method and path: `"POST"`,
    /// `"/beta/new/get"`. The credential headers are still required. On a path the specs list,
    /// it is one more stub of that operation (after the request checks, newest first).
    pub fn on_path(&self, method: &str, path: &str, answer: Answer<Value>) {
        self.on_path_in_turn(method, path, [answer]);
    }

    /// Like [`MockPlaid::on_path`], answering calls with these answers in turn, then with the
    /// last one again, as [`Stub::respond_in_turn`] does: a `503` and then a `200`, say.
    pub fn on_path_in_turn(&self, method: &str, path: &str, answers: impl IntoIterator<Item = Answer<Value>>) {
        let replies = answers.into_iter().map(|a| a.reply).collect();
        self.state.add_stub(StubEntry::new(crate::mock::server::route_key(method, path), None, replies));
    }

    /// Every call that reached the mock, oldest first, as sent: rejected ones, calls of paths
    /// the specs do not list and the sandbox's own included.
    pub fn recorded(&self) -> Vec<RecordedCall> {
        self.state.recorded()
    }

    /// The requests of `E`'s operation that passed the checks, decoded, in arrival order.
    pub fn requests<E: Endpoint>(&self) -> Vec<E> {
        self.state.received(E::OPERATION.id).into_iter().filter_map(|v| serde_json::from_value(v).ok()).collect()
    }

    /// How many calls `E`'s operation got, rejected ones included.
    pub fn calls<E: Endpoint>(&self) -> usize {
        self.state.calls(E::OPERATION.id)
    }

    /// How many calls an operation got, by operationId; for a path the specs do not list,
    /// by method and path (`"POST /beta/new/get"`).
    pub fn calls_to(&self, operation_id: &str) -> usize {
        self.state.calls(operation_id)
    }

    /// Every request the checks rejected so far, with what was wrong.
    pub fn rejected(&self) -> Vec<Rejected> {
        self.state.rejected()
    }

    /// Every violation found so far, of all rejected requests.
    pub fn violations(&self) -> Vec<Violation> {
        self.rejected().into_iter().flat_map(|r| r.violations).collect()
    }

    /// From now on, a call no stub matches fails (`400`, `error_code` `MOCK_UNMATCHED`)
    /// instead of getting the default answer; [`MockPlaid::unmatched`] lists them. The
    /// sandbox's stateful flows (public token create and exchange, reset login, fire webhook,
    /// the webhook key) still answer.
    pub fn fail_unmatched(&self) {
        self.state.set_fail_unmatched();
    }

    /// The operationIds of the calls no stub matched, in arrival order.
    pub fn unmatched(&self) -> Vec<String> {
        self.state.unmatched()
    }

    /// Makes an Item as `/sandbox/public_token/create` and `/item/public_token/exchange`
    /// would, without a call: for specs without those operations, or a shorter test.
    pub fn create_item(&self) -> SandboxItem {
        self.state.create_item()
    }

    /// A public token that `/item/public_token/exchange` takes once, as
    /// `/sandbox/public_token/create` returns it.
    pub fn create_public_token(&self) -> String {
        self.state.create_public_token(None)
    }

    /// Makes later calls for the Item fail with `ITEM_LOGIN_REQUIRED`, as
    /// `/sandbox/item/reset_login` does.
    pub fn reset_login(&self, access_token: &str) -> Result<(), MockError> {
        self.state.reset_login(access_token)
    }

    /// Sends the webhook of this pair for the Item, as `/sandbox/item/fire_webhook` does: the
    /// spec's example payload with the Item's id, signed, posted to the Item's webhook URL
    /// when it is on loopback, and recorded ([`MockPlaid::webhooks`]).
    pub async fn fire_webhook(&self, access_token: &str, webhook_type: &str, webhook_code: &str) -> Result<WebhookDelivery, MockError> {
        self.state.fire_webhook(access_token, Some(webhook_type), webhook_code, None).await
    }

    /// Like [`MockPlaid::fire_webhook`], with `fields` merged into the payload first (objects
    /// recursively, anything else replaced): the error of an `ITEM` / `ERROR` webhook, a new
    /// status. The Item's id is still the Item's. The payload must then decode as its pair's
    /// type ([`Webhook::parse`](crate::webhooks::Webhook::parse), where the pair's group is
    /// compiled), or nothing is sent ([`MockError::InvalidFields`]).
    pub async fn fire_webhook_with(&self, access_token: &str, webhook_type: &str, webhook_code: &str, fields: &Value) -> Result<WebhookDelivery, MockError> {
        self.state.fire_webhook(access_token, Some(webhook_type), webhook_code, Some(fields)).await
    }

    /// Signs any body as Plaid signs webhooks, posts it to `url` when it is on loopback, and
    /// records it.
    pub async fn send_webhook(&self, body: &Value, url: Option<&str>) -> Result<WebhookDelivery, MockError> {
        self.state.deliver(body, url.map(str::to_string)).await
    }

    /// The webhooks sent so far, oldest first.
    pub fn webhooks(&self) -> Vec<WebhookDelivery> {
        self.state.deliveries()
    }

    /// Calls `handler` with every webhook the mock sends from now on, after recording it and
    /// after posting it to the Item's URL.
    pub fn on_webhook(&self, handler: impl Fn(&WebhookDelivery) + Send + Sync + 'static) {
        self.state.add_handler(Arc::new(handler));
    }

    /// Sets the webhook URL of an Item, as `/item/webhook/update` does.
    pub fn set_webhook_url(&self, access_token: &str, url: &str) -> Result<(), MockError> {
        self.state.set_webhook_url(access_token, url)
    }

    /// The id of the key the mock signs webhooks with (`kid`).
    pub fn webhook_key_id(&self) -> String {
        self.state.key_id().to_string()
    }
}

/// A test's predicate over a typed request.
type Predicate<E> = Box<dyn Fn(&E) -> bool + Send + Sync>;

/// A stub being set up for the operation of request type `E`; see [`MockPlaid::on`].
pub struct Stub<'m, E: Endpoint> {
    mock: &'m MockPlaid,
    when: Option<Predicate<E>>,
}

impl<E: Endpoint> fmt::Debug for Stub<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stub").field("operation", &E::OPERATION.id).field("when", &self.when.is_some()).finish()
    }
}

impl<E: Endpoint> Stub<'_, E> {
    /// Answers only the requests `matches` accepts; others go on to older stubs and the
    /// default answer.
    pub fn when(mut self, matches: impl Fn(&E) -> bool + Send + Sync + 'static) -> Self {
        self.when = Some(Box::new(matches));
        self
    }

    /// Answers every matching call with `answer`: a response value, or an [`Answer`].
    pub fn respond(self, answer: impl Into<Answer<E::Response>>) {
        self.respond_in_turn([answer.into()]);
    }

    /// Answers matching calls with these answers in turn, then with the last one again.
    pub fn respond_in_turn(self, answers: impl IntoIterator<Item = Answer<E::Response>>) {
        let replies: Vec<Reply> = answers.into_iter().map(|a| a.reply).collect();
        let matches = self.when.map(|when| -> crate::mock::server::Matcher {
            Box::new(move |body: &Value| serde_json::from_value::<E>(body.clone()).is_ok_and(|request| when(&request)))
        });
        self.mock.state.add_stub(StubEntry::new(E::OPERATION.id.to_string(), matches, replies));
    }
}
