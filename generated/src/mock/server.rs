//! The `testing` mock's server: HTTP/1.1 on loopback (hyper), and how a call is answered —
//! request checks, the sandbox's state (Items, access tokens, a login that needs repair,
//! webhooks signed with the mock's own key), stubs, default answers.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use serde_json::{json, Map, Value};

use crate::testing::{MockError, RecordedCall, Rejected, SandboxItem, Violation, ViolationKind, WebhookDelivery};
use crate::{Credential, Operation};

/// A request body larger than this is refused (`413`) without being read further.
const MAX_BODY_BYTES: usize = 8 << 20;
/// How long posting a webhook to a test's URL may take.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// The operations a rejected login still answers, as Plaid's do: the Item itself, its removal
/// and webhook, Link (update mode repairs the login) and the sandbox's own calls.
const ANSWERED_WHILE_LOGIN_REQUIRED: &[&str] = &["/item/get", "/item/remove", "/item/webhook/update", "/link/token/create"];

/// A predicate over a request's JSON body.
pub(crate) type Matcher = Box<dyn Fn(&Value) -> bool + Send + Sync>;

/// An answer as sent.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) delay: Duration,
}

impl Reply {
    pub(crate) fn json(status: u16, body: Vec<u8>) -> Reply {
        Reply { status, headers: vec![("Content-Type".into(), "application/json".into())], body, delay: Duration::ZERO }
    }

    pub(crate) fn text(status: u16, body: String) -> Reply {
        Reply { status, headers: vec![("Content-Type".into(), "text/plain".into())], body: body.into_bytes(), delay: Duration::ZERO }
    }
}

/// A Plaid error body from the generated error shape (or the four fields alone when the specs
/// have no error body).
pub(crate) fn error_reply(status: u16, error_type: Value, error_code: &str, message: &str) -> Reply {
    static TEMPLATE: OnceLock<Map<String, Value>> = OnceLock::new();
    let shape = crate::gen::testing::ERROR;
    let template = TEMPLATE.get_or_init(|| match shape.and_then(|s| serde_json::from_str(s.template).ok()) {
        Some(Value::Object(template)) => template,
        _ => Map::new(),
    });
    let mut body = template.clone();
    let (ty, code, msg) = shape.map_or(("error_type", "error_code", "error_message"), |s| (s.error_type, s.error_code, s.error_message));
    body.insert(ty.into(), error_type);
    body.insert(code.into(), error_code.into());
    body.insert(msg.into(), message.into());
    if let Some(display) = shape.and_then(|s| s.display_message) {
        body.insert(display.into(), Value::Null);
    }
    if let Some(request_id) = shape.and_then(|s| s.request_id) {
        body.insert(request_id.into(), fresh("mock-request").into());
    }
    if body.get("status").is_some_and(Value::is_number) {
        body.insert("status".into(), status.into());
    }
    Reply::json(status, Value::Object(body).to_string().into_bytes())
}

/// A Plaid error from its type and code as text.
fn plaid_error(status: u16, error_type: &str, error_code: &str, message: &str) -> Reply {
    error_reply(status, error_type.into(), error_code, message)
}

/// A random id in the UUID form (8-4-4-4-12 hex digits), as Plaid's resource ids are.
fn uuid() -> String {
    let hex = crate::retry::fresh_key(32, Some(32));
    let hex = format!("{hex:0>32}");
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// `prefix-` and 32 random hex digits: tokens and ids no one else hands out.
fn fresh(prefix: &str) -> String {
    format!("{prefix}-{}", crate::retry::fresh_key(32, Some(32)))
}

/// What a sandbox flow made of a call.
enum Flow {
    /// The operation has no flow.
    None,
    /// The flow changed the state; the call gets the default answer.
    Default,
    /// The flow's own answer.
    Reply(Reply),
}

/// One stub: its operation, which requests it takes, and its answers in turn.
pub(crate) struct StubEntry {
    operation: String,
    matches: Option<Matcher>,
    replies: Vec<Reply>,
    answered: usize,
}

impl StubEntry {
    pub(crate) fn new(operation: String, matches: Option<Matcher>, replies: Vec<Reply>) -> Self {
        StubEntry { operation, matches, replies, answered: 0 }
    }
}

/// An Item of the sandbox.
#[derive(Debug, Clone)]
struct Item {
    item_id: String,
    webhook: Option<String>,
    login_required: bool,
}

impl Item {
    fn new(webhook: Option<String>) -> Self {
        Item { item_id: fresh("item-sandbox"), webhook, login_required: false }
    }
}

#[derive(Default)]
struct Inner {
    stubs: Vec<StubEntry>,
    calls: HashMap<String, usize>,
    received: HashMap<String, Vec<Value>>,
    rejected: Vec<Rejected>,
    unmatched: Vec<String>,
    fail_unmatched: bool,
    public_tokens: HashMap<String, Item>,
    items: HashMap<String, Item>,
    /// Access tokens of removed Items: Plaid answers `ITEM_NOT_FOUND` for them.
    removed: HashSet<String>,
    /// The objects resource families made, and what was done to them (`mock::families`).
    families: crate::mock::families::Families,
    /// Each Item's accounts, by Item id, issued when an answer about it first names accounts
    /// (`mock::story`).
    accounts: HashMap<String, Vec<serde_json::Map<String, Value>>>,
    /// The name each institution id was first answered with.
    institutions: HashMap<String, String>,
    deliveries: Vec<WebhookDelivery>,
    handlers: Vec<Handler>,
    recorded: Vec<RecordedCall>,
}

/// A test's function that receives every webhook the mock sends.
pub(crate) type Handler = Arc<dyn Fn(&WebhookDelivery) + Send + Sync>;

/// Everything the mock knows, shared by the test's handle and the server's tasks.
pub(crate) struct State {
    inner: Mutex<Inner>,
    /// The signing key and its public point (SEC1, uncompressed), or why none could be made.
    key: Result<MockKey, String>,
    kid: String,
    /// For webhook deliveries; `None` if no HTTP client could be built (deliveries are then
    /// recorded only).
    http: Option<reqwest::Client>,
}

impl State {
    pub(crate) fn new() -> Self {
        let http = crate::Client::http_builder().ok().and_then(|b| b.timeout(DELIVERY_TIMEOUT).build().ok());
        State { inner: Mutex::new(Inner::default()), key: signing_key(), kid: fresh("mock-key"), http }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn add_stub(&self, stub: StubEntry) {
        self.lock().stubs.push(stub);
    }

    pub(crate) fn received(&self, operation: &str) -> Vec<Value> {
        self.lock().received.get(operation).cloned().unwrap_or_default()
    }

    pub(crate) fn calls(&self, operation: &str) -> usize {
        self.lock().calls.get(operation).copied().unwrap_or(0)
    }

    pub(crate) fn rejected(&self) -> Vec<Rejected> {
        self.lock().rejected.clone()
    }

    pub(crate) fn set_fail_unmatched(&self) {
        self.lock().fail_unmatched = true;
    }

    pub(crate) fn unmatched(&self) -> Vec<String> {
        self.lock().unmatched.clone()
    }

    pub(crate) fn recorded(&self) -> Vec<RecordedCall> {
        self.lock().recorded.clone()
    }

    pub(crate) fn deliveries(&self) -> Vec<WebhookDelivery> {
        self.lock().deliveries.clone()
    }

    pub(crate) fn add_handler(&self, handler: Handler) {
        self.lock().handlers.push(handler);
    }

    pub(crate) fn key_id(&self) -> &str {
        &self.kid
    }

    pub(crate) fn create_item(&self) -> SandboxItem {
        self.issue_access_token(Item::new(None))
    }

    /// An access token every call accepts for `item`.
    fn issue_access_token(&self, item: Item) -> SandboxItem {
        let access_token = fresh("access-sandbox");
        let item_id = item.item_id.clone();
        self.lock().items.insert(access_token.clone(), item);
        SandboxItem { access_token, item_id }
    }

    /// A public token that one exchange turns into an access token for a new Item.
    pub(crate) fn create_public_token(&self, webhook: Option<String>) -> String {
        let public_token = fresh("public-sandbox");
        self.lock().public_tokens.insert(public_token.clone(), Item::new(webhook));
        public_token
    }

    pub(crate) fn reset_login(&self, access_token: &str) -> Result<(), MockError> {
        let mut inner = self.lock();
        let item = inner.items.get_mut(access_token).ok_or(MockError::UnknownAccessToken)?;
        item.login_required = true;
        Ok(())
    }

    pub(crate) fn set_webhook_url(&self, access_token: &str, url: &str) -> Result<(), MockError> {
        let mut inner = self.lock();
        let item = inner.items.get_mut(access_token).ok_or(MockError::UnknownAccessToken)?;
        item.webhook = Some(url.to_string());
        Ok(())
    }

    /// The payload of the pair with the Item's id, signed and delivered.
    pub(crate) async fn fire_webhook(&self, access_token: &str, webhook_type: Option<&str>, webhook_code: &str, fields: Option<&Value>) -> Result<WebhookDelivery, MockError> {
        let item = self.lock().items.get(access_token).cloned().ok_or(MockError::UnknownAccessToken)?;
        let pairs = crate::gen::testing::WEBHOOKS.iter().filter(|(t, c, _)| *c == webhook_code && webhook_type.is_none_or(|wanted| wanted == *t));
        // Without a type, Plaid's sandbox fires the code's `TRANSACTIONS` webhook where there is one.
        let chosen = pairs.clone().find(|(t, _, _)| webhook_type.is_some() || *t == "TRANSACTIONS").or_else(|| pairs.clone().next());
        let payload = chosen.and_then(|(_, _, json)| serde_json::from_str::<Value>(json).ok());
        let Some(mut body) = payload else {
            return Err(MockError::UnknownWebhook { webhook_type: webhook_type.unwrap_or_default().to_string(), webhook_code: webhook_code.to_string() });
        };
        if let Some(fields) = fields {
            merge(&mut body, fields);
        }
        if let Some(object) = body.as_object_mut() {
            object.insert("item_id".into(), item.item_id.clone().into());
            if object.contains_key("environment") {
                object.insert("environment".into(), "sandbox".into());
            }
        }
        if fields.is_some() {
            let bytes = serde_json::to_vec(&body).map_err(|e| MockError::InvalidFields(e.to_string()))?;
            crate::webhooks::Webhook::parse(&bytes).map_err(|e| MockError::InvalidFields(e.to_string()))?;
        }
        self.deliver(&body, item.webhook).await
    }

    /// Signs `body`, posts it to `url` when that is on loopback, and records the delivery.
    pub(crate) async fn deliver(&self, body: &Value, url: Option<String>) -> Result<WebhookDelivery, MockError> {
        let bytes = serde_json::to_vec(body).map_err(|e| MockError::Sign(e.to_string()))?;
        let token = self.sign(&bytes)?;
        let target = url.as_deref().and_then(|u| reqwest::Url::parse(u).ok()).filter(crate::config::is_loopback);
        let mut status = None;
        if let (Some(target), Some(http)) = (target, &self.http) {
            let sent = http
                .post(target)
                .header("Content-Type", "application/json")
                .header("Plaid-Verification", token.as_str())
                .body(bytes.clone())
                .send()
                .await;
            status = sent.ok().map(|r| r.status().as_u16());
        }
        let delivery = WebhookDelivery { body: bytes, plaid_verification: token, url, status };
        let handlers = {
            let mut inner = self.lock();
            inner.deliveries.push(delivery.clone());
            inner.handlers.clone()
        };
        // Called without the lock held, so a handler may use the mock.
        handlers.iter().for_each(|handle| handle(&delivery));
        Ok(delivery)
    }

    /// A token as Plaid makes it: ES256 over `{"iat", "request_body_sha256"}`.
    fn sign(&self, body: &[u8]) -> Result<String, MockError> {
        let key = self.key.as_ref().map_err(|e| MockError::Sign(e.clone()))?;
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        let claims = json!({ "iat": now_secs(), "request_body_sha256": sha256_hex(body) });
        jsonwebtoken::encode(&header, &claims, &key.encoding).map_err(|e| MockError::Sign(e.to_string()))
    }

    /// The mock's key as `/webhook_verification_key/get` answers it.
    fn jwk(&self) -> Value {
        let bytes: &[u8] = self.key.as_ref().map(|k| k.point.as_slice()).unwrap_or_default();
        let (x, y) = (bytes.get(1..33).unwrap_or_default(), bytes.get(33..65).unwrap_or_default());
        json!({
            "alg": "ES256", "crv": "P-256", "kid": self.kid, "kty": "EC", "use": "sig",
            "x": b64(x), "y": b64(y), "created_at": now_secs(), "expired_at": null,
        })
    }

    /// Answers one call; see the order in the [`testing`](crate::testing) docs.
    async fn answer(&self, method: &str, uri: &hyper::Uri, headers: &hyper::HeaderMap, body: &[u8]) -> Reply {
        let path = uri.path();
        // The key operation is served whatever the features, as the verifier fetches with it
        // in every build.
        let key_operation = crate::gen::webhooks::KEY_SOURCE.map(|s| s.operation);
        let op = crate::operations().chain(key_operation).find(|op| op.method.eq_ignore_ascii_case(method) && path_matches(op.path, path));
        let route = route_key(method, path);
        self.record(method, uri, op, headers, body);
        *self.lock().calls.entry(op.map_or_else(|| route.clone(), |op| op.id.to_string())).or_default() += 1;
        // Credentials as the operation's security requirements state them.
        if let Some(header) = crate::mock::check::missing_credential(op.map(|op| op.id), |h| headers.get(h).is_some_and(|v| !v.is_empty())) {
            let message = format!("{header} is required: the client id and secret go in the PLAID-CLIENT-ID and PLAID-SECRET headers");
            return plaid_error(400, "INVALID_REQUEST", "MISSING_FIELDS", &message);
        }
        let Some(op) = op else {
            // A path the specs do not list answers only by a stub.
            return self.stubbed(&[&route], &Value::Null).unwrap_or_else(|| plaid_error(404, "INVALID_REQUEST", "NOT_FOUND", &format!("no operation {method} {path}")));
        };
        let request: Value = match op.request_type {
            None => Value::Null,
            Some(_) => match serde_json::from_slice(body) {
                Ok(v) => v,
                Err(e) => {
                    let violation = Violation { field: "(the body)".into(), kind: ViolationKind::Body, message: format!("the body is not JSON: {e}") };
                    return self.reject(op, vec![violation]);
                }
            },
        };
        let rules = crate::mock::check::rules();
        let mut violations = rules.map(|r| crate::mock::check::check_params(r, op.id, uri.query(), |h| headers.contains_key(h))).unwrap_or_default();
        violations.extend(rules.map(|r| crate::mock::check::check(r, op.id, &request)).unwrap_or_default());
        if !violations.is_empty() {
            return self.reject(op, violations);
        }
        self.lock().received.entry(op.id.to_string()).or_default().push(request.clone());

        let token = request.get("access_token").and_then(Value::as_str);
        // The lock is released before any other call takes it.
        let known = token.map(|token| {
            let inner = self.lock();
            (inner.items.get(token).cloned(), inner.removed.contains(token))
        });
        let item = match known {
            Some(known) => match known {
                (None, true) => {
                    return plaid_error(400, "ITEM_ERROR", "ITEM_NOT_FOUND", "the Item you requested cannot be found: it was removed with /item/remove");
                }
                (None, false) => return plaid_error(400, "INVALID_INPUT", "INVALID_ACCESS_TOKEN", "provided access token is in an invalid format or was not issued by this mock"),
                (Some(item), _) if item.login_required && !answered_while_login_required(op.path) => {
                    return plaid_error(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED", "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information");
                }
                (Some(item), _) => Some(item),
            },
            None => None,
        };
        if let Some(reply) = self.stubbed(&[op.id, &route], &request) {
            return reply;
        }
        let rotated = self.rotate(op.id, &request);
        let patch = |answer: &mut Value| {
            crate::mock::follow::include(op.id, &request, answer);
            // One story: the Item's accounts before the rules that filter by the ids asked for
            // (which are the Item's), the institutions' names after the echoed institution id.
            if let Some(item) = &item {
                self.tell_accounts(&item.item_id, answer);
            }
            crate::mock::follow::apply(op.id, &request, answer);
            crate::mock::story::dates_within_request(answer, &request);
            crate::mock::story::tell_institutions(answer, &mut self.lock().institutions);
            crate::mock::story::fresh_issued(answer, &request, i64::try_from(now_secs()).unwrap_or(i64::MAX), uuid);
            crate::mock::story::take_named(answer, &request, |key, id| self.lock().families.named(key, id));
            self.resources(op.id, &request, answer);
            // After the families, whose kept objects were answered with their own request id.
            crate::mock::story::fresh_request_id(answer, crate::retry::fresh_key(15, Some(15)));
            if let Some((at, token)) = rotated {
                crate::mock::follow::set_at(answer, at, token.into());
            }
            if let Some(item) = &item {
                set_item_id(answer, &item.item_id);
            }
        };
        if let Some(reply) = self.change_state(op.id, &request) {
            return reply;
        }
        match self.sandbox(op, &request, token).await {
            Flow::Reply(reply) => return reply,
            Flow::Default => return default_reply(op, patch),
            Flow::None => {}
        }
        {
            let mut inner = self.lock();
            if inner.fail_unmatched {
                inner.unmatched.push(op.id.to_string());
                return plaid_error(400, "INVALID_REQUEST", "MOCK_UNMATCHED", &format!("no stub matched this call of {}", op.id));
            }
        }
        default_reply(op, patch)
    }

    /// The Item's accounts in `answer` (issued at the first answer that names accounts).
    fn tell_accounts(&self, item_id: &str, answer: &mut Value) {
        let accounts = {
            let mut inner = self.lock();
            inner.accounts.entry(item_id.to_string()).or_insert_with(|| crate::mock::story::issue_accounts(|| crate::retry::fresh_key(37, Some(37)))).clone()
        };
        crate::mock::story::tell_accounts(answer, &accounts);
    }

    fn reject(&self, op: &'static Operation, violations: Vec<Violation>) -> Reply {
        let code = if violations.iter().any(|v| v.kind == ViolationKind::Missing) { "MISSING_FIELDS" } else { "INVALID_FIELD" };
        let mut message = violations.first().map(|v| v.message.clone()).unwrap_or_default();
        if violations.len() > 1 {
            message.push_str(&format!(" (and {} more)", violations.len() - 1));
        }
        self.lock().rejected.push(Rejected { operation: op.id, violations });
        plaid_error(400, "INVALID_REQUEST", code, &message)
    }

    /// Keeps the call for [`MockPlaid::recorded`](crate::testing::MockPlaid::recorded), the
    /// credential headers' values redacted.
    fn record(&self, method: &str, uri: &hyper::Uri, op: Option<&'static Operation>, headers: &hyper::HeaderMap, body: &[u8]) {
        let headers = headers
            .iter()
            .map(|(name, value)| {
                let credential = crate::AUTH_HEADERS.iter().any(|(h, c)| h.eq_ignore_ascii_case(name.as_str()) && !matches!(c, Credential::ApiVersion));
                let value = if credential { crate::redact::REDACTED.to_string() } else { String::from_utf8_lossy(value.as_bytes()).into_owned() };
                (name.as_str().to_string(), value)
            })
            .collect();
        let call = RecordedCall {
            method: method.to_ascii_uppercase(),
            path: uri.path().to_string(),
            query: uri.query().map(str::to_string),
            operation: op.map(|op| op.id),
            headers,
            body: serde_json::from_slice(body).unwrap_or(Value::Null),
        };
        self.lock().recorded.push(call);
    }

    /// The newest matching stub's next answer, for stubs keyed by operationId or by
    /// [`route_key`].
    fn stubbed(&self, keys: &[&str], request: &Value) -> Option<Reply> {
        let mut inner = self.lock();
        let stub = inner.stubs.iter_mut().rev().find(|s| keys.contains(&s.operation.as_str()) && s.matches.as_ref().is_none_or(|m| m(request)))?;
        let reply = stub.replies.get(stub.answered).or(stub.replies.last()).cloned();
        stub.answered = stub.answered.saturating_add(1);
        Some(reply.unwrap_or_else(|| plaid_error(500, "API_ERROR", "MOCK_EMPTY_STUB", "the stub has no answers")))
    }

    /// The sandbox flows that keep state, by path.
    async fn sandbox(&self, op: &'static Operation, request: &Value, token: Option<&str>) -> Flow {
        let text = |key: &str| request.get(key).and_then(Value::as_str).map(str::to_string);
        match (op.path, token) {
            ("/sandbox/public_token/create", _) => {
                let webhook = request.pointer("/options/webhook").and_then(Value::as_str).map(str::to_string);
                let public_token = self.create_public_token(webhook);
                Flow::Reply(default_reply(op, |a| set(a, "public_token", &public_token)))
            }
            ("/item/public_token/exchange", _) => {
                let item = text("public_token").and_then(|t| self.lock().public_tokens.remove(&t));
                let Some(item) = item else {
                    return Flow::Reply(plaid_error(400, "INVALID_INPUT", "INVALID_PUBLIC_TOKEN", "provided public token is expired, was already exchanged, or was not issued by this mock"));
                };
                let issued = self.issue_access_token(item);
                Flow::Reply(default_reply(op, |a| {
                    set(a, "access_token", &issued.access_token);
                    set(a, "item_id", &issued.item_id);
                }))
            }
            // The token was checked before: these change the Item and answer by default.
            ("/sandbox/item/reset_login", Some(token)) => {
                let _ = self.reset_login(token);
                Flow::Default
            }
            ("/item/remove", Some(token)) => {
                let mut inner = self.lock();
                inner.items.remove(token);
                inner.removed.insert(token.to_string());
                Flow::Default
            }
            ("/item/webhook/update", Some(token)) => {
                if let Some(url) = text("webhook") {
                    let _ = self.set_webhook_url(token, &url);
                }
                Flow::Default
            }
            ("/sandbox/item/fire_webhook", Some(token)) => {
                let code = text("webhook_code").unwrap_or_default();
                match self.fire_webhook(token, text("webhook_type").as_deref(), &code, None).await {
                    Ok(_) => Flow::Default,
                    Err(e) => Flow::Reply(plaid_error(400, "INVALID_REQUEST", "INVALID_FIELD", &format!("webhook_code {e}"))),
                }
            }
            _ => self.key_answer(op, request).map_or(Flow::None, Flow::Reply),
        }
    }

    /// The resource families' rules (`mock::families`): what a create made is kept, and what
    /// get, update, list and the event feeds answer.
    fn resources(&self, operation: &str, request: &Value, answer: &mut Value) {
        let Some(rules) = crate::mock::check::rules().and_then(|r| r.answers(operation)) else { return };
        let now = i64::try_from(now_secs()).unwrap_or(i64::MAX);
        self.lock().families.answer(operation, rules, request, answer, now, |example| crate::mock::story::fresh_like(example, uuid));
    }

    /// The state changes of a resource family (`mock::families`): a simulated event sets a
    /// kept object's status; a cancel cancels it, or fails as Plaid does once it is not
    /// cancellable. Returns the failure; the call otherwise gets its default answer.
    fn change_state(&self, operation: &str, request: &Value) -> Option<Reply> {
        let rules = crate::mock::check::rules()?.answers(operation)?;
        let now = i64::try_from(now_secs()).unwrap_or(i64::MAX);
        let refusal = self.lock().families.change_state(rules, request, now)?;
        Some(plaid_error(400, &refusal.error_type, &refusal.error_code, "the object can no longer be cancelled"))
    }

    /// A rotation (`passes::mock::follow` recognizes it: `access_token` in, `new_access_token`
    /// out): a new token for the same Item, the old one refused from now on. Returns where the
    /// answer takes the new token, and the token.
    fn rotate(&self, operation: &str, request: &Value) -> Option<(&'static str, String)> {
        let (old, new) = crate::mock::follow::rotation(operation)?;
        let token = request.pointer(old).and_then(Value::as_str)?;
        let mut inner = self.lock();
        let item = inner.items.remove(token)?;
        let fresh_token = fresh("access-sandbox");
        inner.items.insert(fresh_token.clone(), item);
        Some((new, fresh_token))
    }

    /// `/webhook_verification_key/get`: the mock's key for its key id; Plaid's error for any
    /// other.
    fn key_answer(&self, op: &'static Operation, request: &Value) -> Option<Reply> {
        let source = crate::gen::webhooks::KEY_SOURCE?;
        if source.operation.id != op.id {
            return None;
        }
        if request.get(source.key_id).and_then(Value::as_str) != Some(self.kid.as_str()) {
            return Some(plaid_error(400, "INVALID_INPUT", "INVALID_WEBHOOK_VERIFICATION_KEY_ID", "the key id is not one of this mock's keys"));
        }
        let jwk = self.jwk();
        Some(default_reply(op, |a| {
            if let Some(object) = a.as_object_mut() {
                object.insert(source.key.to_string(), jwk.clone());
            }
        }))
    }
}

/// How a stub by path and the call count of an unlisted path are keyed: `POST /beta/new/get`.
pub(crate) fn route_key(method: &str, path: &str) -> String {
    format!("{} {}", method.to_ascii_uppercase(), path)
}

/// The operation's default answer, changed by `edit`.
fn default_reply(op: &Operation, edit: impl FnOnce(&mut Value)) -> Reply {
    let Some(json) = crate::testing::default_answer(op.id) else {
        return match crate::mock::check::rules().and_then(|r| r.binary(op.id)) {
            Some(rule) => binary_reply(rule),
            None => Reply { status: 200, headers: Vec::new(), body: Vec::new(), delay: Duration::ZERO },
        };
    };
    match serde_json::from_str::<Value>(json) {
        Ok(mut answer) => {
            edit(&mut answer);
            Reply::json(200, answer.to_string().into_bytes())
        }
        Err(_) => Reply::json(200, json.as_bytes().to_vec()),
    }
}

/// A one-page PDF (its cross-reference offsets exact, so PDF readers open it without repair).
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\nxref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n";

/// An empty ZIP archive: its end-of-central-directory record alone.
const ZIP: &[u8] = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

/// An answer that is not JSON: a small valid body of its media type, its `Content-Type`, and
/// the headers the spec documents (their examples; a header about a hash, the body's SHA-256
/// in hex; any other, a sample).
fn binary_reply(rule: &crate::mock::check::BinaryRule) -> Reply {
    let body = match rule.media_type.as_str() {
        "application/pdf" => PDF.to_vec(),
        "application/zip" => ZIP.to_vec(),
        _ => b"a sample answer of the mock\n".to_vec(),
    };
    let mut headers = vec![("Content-Type".to_string(), rule.media_type.clone())];
    for (name, example) in &rule.headers {
        let value = match example {
            Some(example) => example.clone(),
            None if name.to_ascii_lowercase().contains("hash") => sha256_hex(&body),
            None => "sample".to_string(),
        };
        headers.push((name.clone(), value));
    }
    Reply { status: 200, headers, body, delay: Duration::ZERO }
}

/// Merges `fields` into `body`: objects key by key, recursively; anything else replaced.
fn merge(body: &mut Value, fields: &Value) {
    match (body, fields) {
        (Value::Object(target), Value::Object(more)) => {
            for (key, value) in more {
                match target.get_mut(key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (slot, value) => *slot = value.clone(),
    }
}

/// Sets a top-level text field the answer already has.
fn set(answer: &mut Value, key: &str, value: &str) {
    if let Some(slot) = answer.get_mut(key) {
        *slot = value.into();
    }
}

/// Puts the Item's id where the answer names an Item: `item_id`, `item.item_id`.
fn set_item_id(answer: &mut Value, item_id: &str) {
    set(answer, "item_id", item_id);
    if let Some(item) = answer.get_mut("item") {
        set(item, "item_id", item_id);
    }
}

fn answered_while_login_required(path: &str) -> bool {
    path.starts_with("/sandbox/") || ANSWERED_WHILE_LOGIN_REQUIRED.contains(&path)
}

/// Whether a request path fits a path template (`/things/{id}`).
fn path_matches(template: &str, path: &str) -> bool {
    let (mut t, mut p) = (template.trim_matches('/').split('/'), path.trim_matches('/').split('/'));
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(ts), Some(ps)) if ts == ps || (ts.starts_with('{') && ts.ends_with('}') && !ps.is_empty()) => {}
            _ => return false,
        }
    }
}

/// The mock's webhook signing key: jsonwebtoken's form of it, and its public point.
struct MockKey {
    encoding: jsonwebtoken::EncodingKey,
    point: Vec<u8>,
}

/// A fresh P-256 key from aws-lc-rs, the provider that verifies it.
fn signing_key() -> Result<MockKey, String> {
    use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
    let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).map_err(|_| "no P-256 key could be generated".to_string())?;
    let pkcs8 = pair.to_pkcs8v1().map_err(|_| "the P-256 key could not be encoded".to_string())?;
    Ok(MockKey { encoding: jsonwebtoken::EncodingKey::from_ec_der(pkcs8.as_ref()), point: pair.public_key().as_ref().to_vec() })
}

/// Lower-case hex of a body's SHA-256, as Plaid's hashes are written.
fn sha256_hex(body: &[u8]) -> String {
    crate::webhooks::hex(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body).as_ref())
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

/// Serves connections until the task is aborted (the mock dropped); the connections' tasks are
/// in a set the accept loop owns, so they end with it.
pub(crate) async fn serve(listener: tokio::net::TcpListener, state: Arc<State>) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of descriptors, say: wait a little rather than spin.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let state = state.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let state = state.clone();
                async move { Ok::<_, Infallible>(respond(&state, request).await) }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            // A connection the client drops mid-request is its business.
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
        });
    }
}

async fn respond(state: &State, request: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let reply = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(body) => state.answer(parts.method.as_str(), &parts.uri, &parts.headers, &body.to_bytes()).await,
        Err(_) => plaid_error(413, "INVALID_REQUEST", "INVALID_BODY", "the body is larger than the mock reads, or was cut off"),
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = hyper::Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() = hyper::StatusCode::from_u16(reply.status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in &reply.headers {
        if let (Ok(name), Ok(value)) = (hyper::header::HeaderName::from_bytes(name.as_bytes()), hyper::header::HeaderValue::from_str(value)) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn paths_match_templates() {
        assert!(path_matches("/accounts/get", "/accounts/get"));
        assert!(path_matches("/fdx/consents/{consentId}", "/fdx/consents/c-1"));
        assert!(!path_matches("/fdx/consents/{consentId}", "/fdx/consents/"));
        assert!(!path_matches("/accounts/get", "/accounts/get/more"));
    }
}
