//! Retries never act twice: every retry class against a loopback server that acts on a
//! request and then fails in each way a real one does (a gateway's 502 page, Plaid's 500
//! `INTERNAL_SERVER_ERROR`, an empty 503, a 429, a connection dropped after the request, an
//! answer after the client's timeout), counting what the server acted on. Like Plaid, the
//! server acts once per idempotency key, and answers a 429 before acting. Hand-written;
//! `cargo xtask regen` never touches this file.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use plaid_sdk::*;

/// How the server answers one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Acts, and answers 200.
    Ok,
    /// Acts, then a gateway answers with an HTML 502 page.
    GatewayPage,
    /// Acts, then answers Plaid's 500 `API_ERROR` / `INTERNAL_SERVER_ERROR`.
    PlaidInternal,
    /// Acts, then answers an empty 503.
    Unavailable,
    /// Refuses before acting: 429 `RATE_LIMIT_EXCEEDED`.
    RateLimited,
    /// Acts, then drops the connection without an answer.
    Dropped,
    /// Acts, then answers 200 after the client's timeout.
    Late,
}

const AMBIGUOUS: [Mode; 5] = [Mode::GatewayPage, Mode::PlaidInternal, Mode::Unavailable, Mode::Dropped, Mode::Late];
const TIMEOUT: Duration = Duration::from_millis(400);

/// What the server saw.
#[derive(Default)]
struct Log {
    /// Every request body, in order.
    bodies: Vec<serde_json::Value>,
    /// The requests it acted on: by idempotency key when the body had one.
    effects: BTreeSet<String>,
}

/// A loopback server that answers attempt `n` with `modes[n]` (the last mode after that) and
/// stops by itself after ten seconds.
struct Server {
    url: String,
    log: Arc<Mutex<Log>>,
}

impl Server {
    fn start(modes: Vec<Mode>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        listener.set_nonblocking(true).expect("non-blocking accept");
        let log = Arc::new(Mutex::new(Log::default()));
        let shared = Arc::clone(&log);
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(10);
            let mut attempt = 0usize;
            while Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let mode = modes.get(attempt).or(modes.last()).copied().unwrap_or(Mode::Ok);
                        attempt += 1;
                        // A thread per connection: a late answer holds up no later attempt.
                        let log = Arc::clone(&shared);
                        std::thread::spawn(move || serve(stream, mode, &log));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        Server { url, log }
    }

    fn client(&self) -> Client {
        let config = Config::with_base_url(&self.url, "client-id", "secret").expect("loopback is allowed");
        let retry = RetryPolicy::default().with_max_retries(2).with_initial_backoff(Duration::from_millis(5)).with_max_backoff(Duration::from_millis(10));
        Client::new(config.with_retry(retry).with_timeout(TIMEOUT))
    }

    /// (requests received, requests acted on), once the server has had time to finish.
    fn counts(&self) -> (usize, usize) {
        let log = self.log.lock().expect("the log");
        (log.bodies.len(), log.effects.len())
    }

    fn bodies(&self) -> Vec<serde_json::Value> {
        self.log.lock().expect("the log").bodies.clone()
    }
}

fn serve(stream: TcpStream, mode: Mode, log: &Mutex<Log>) {
    let Some(body) = read_request(&stream) else { return };
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    {
        let mut log = log.lock().expect("the log");
        if mode != Mode::RateLimited {
            let key = ["idempotency_key", "ref"].iter().find_map(|k| json.get(*k).and_then(|v| v.as_str()).map(str::to_string));
            let effect = key.unwrap_or_else(|| format!("request {}", log.bodies.len()));
            log.effects.insert(effect);
        }
        log.bodies.push(json);
    }
    let ok = r#"{"id":"t-1","request_id":"r-1"}"#;
    let plaid = |status: u16, error_type: &str, code: &str| {
        let body = format!(r#"{{"error_type":"{error_type}","error_code":"{code}","error_message":"m","display_message":null,"request_id":"r-2"}}"#);
        format!("HTTP/1.1 {status} Error\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len())
    };
    let answer = match mode {
        Mode::Ok | Mode::Late => format!("HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{ok}", ok.len()),
        Mode::GatewayPage => {
            let page = "<html><body>502 Bad Gateway</body></html>";
            format!("HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\r\n{page}", page.len())
        }
        Mode::PlaidInternal => plaid(500, "API_ERROR", "INTERNAL_SERVER_ERROR"),
        Mode::Unavailable => "HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n".to_string(),
        Mode::RateLimited => plaid(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT"),
        Mode::Dropped => return,
    };
    if mode == Mode::Late {
        std::thread::sleep(TIMEOUT + Duration::from_millis(300));
    }
    let mut stream = stream;
    let _ = stream.write_all(answer.as_bytes());
}

/// The body of one HTTP request.
fn read_request(stream: &TcpStream) -> Option<Vec<u8>> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

/// Gives the server's threads time to log the last request they read.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[tokio::test]
async fn keyed_calls_act_once_and_succeed_after_every_ambiguous_failure() {
    for mode in AMBIGUOUS.into_iter().chain([Mode::RateLimited]) {
        // The optional key, which the caller left as `new` made it.
        let server = Server::start(vec![mode, Mode::Ok]);
        let answer = server.client().things_transfer_authorize(ThingsTransferAuthorizeRequest::new("10.00")).await;
        settle().await;
        assert!(answer.is_ok(), "{mode:?}: {answer:?}");
        assert_eq!(server.counts(), (2, 1), "{mode:?}: two attempts, one effect");
        let bodies = server.bodies();
        assert_eq!(bodies[0]["idempotency_key"], bodies[1]["idempotency_key"], "{mode:?}: the same key on every attempt");

        // The required key, found by its description, fits its schema's 20 characters.
        let server = Server::start(vec![mode, Mode::Ok]);
        let answer = server.client().things_transfer_create(ThingsTransferCreateRequest::new("10.00", "auth-1")).await;
        settle().await;
        assert!(answer.is_ok(), "{mode:?}: {answer:?}");
        assert_eq!(server.counts(), (2, 1), "{mode:?}");
        let bodies = server.bodies();
        assert_eq!(bodies[0]["ref"], bodies[1]["ref"], "{mode:?}");
        assert_eq!(bodies[0]["ref"].as_str().map(str::len), Some(20), "{mode:?}");
    }
}

#[tokio::test]
async fn a_keyed_call_that_keeps_failing_reports_its_key_and_that_it_may_have_acted() {
    let server = Server::start(vec![Mode::PlaidInternal]);
    let request = ThingsTransferAuthorizeRequest::new("10.00").with_idempotency_key("my-key-1");
    let error = server.client().things_transfer_authorize(request).await.expect_err("every attempt fails");
    settle().await;
    assert_eq!(server.counts(), (3, 1), "three attempts with one key: one effect");
    assert_eq!(error.idempotency_key(), Some("my-key-1"));
    assert!(error.may_have_been_processed());
    assert!(error.to_string().contains("may have been processed") && error.to_string().contains("my-key-1"), "{error}");
}

#[tokio::test]
async fn acting_calls_are_sent_once_after_an_ambiguous_failure_and_say_so() {
    for mode in AMBIGUOUS {
        let server = Server::start(vec![mode, Mode::Ok]);
        let error = server.client().things_payment_create(ThingsPaymentCreateRequest::new("10.00")).await.expect_err("not resent");
        settle().await;
        assert_eq!(server.counts(), (1, 1), "{mode:?}: sent once");
        assert!(error.may_have_been_processed(), "{mode:?}: {error}");
        assert!(error.to_string().contains("may have been processed"), "{mode:?}: {error}");
        assert_eq!(error.idempotency_key(), None);
    }
}

#[tokio::test]
async fn acting_calls_are_retried_after_a_429_which_acted_on_nothing() {
    let server = Server::start(vec![Mode::RateLimited, Mode::Ok]);
    let answer = server.client().things_payment_create(ThingsPaymentCreateRequest::new("10.00")).await;
    settle().await;
    assert!(answer.is_ok(), "{answer:?}");
    assert_eq!(server.counts(), (2, 1), "sent twice, acted on once");
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_every_class() {
    // A port nothing listens on: the request never leaves.
    let closed = TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}", closed.local_addr().expect("an address"));
    drop(closed);
    let config = Config::with_base_url(&url, "client-id", "secret").expect("loopback");
    let retry = RetryPolicy::default().with_max_retries(2).with_initial_backoff(Duration::from_millis(1)).with_max_backoff(Duration::from_millis(2));
    let client = Client::new(config.with_retry(retry).with_timeout(TIMEOUT));
    let error = client.things_payment_create(ThingsPaymentCreateRequest::new("1.00")).await.expect_err("nothing listens");
    assert_eq!(error.attempts(), 3, "{error}");
    assert!(!error.may_have_been_processed(), "{error}");
}

#[tokio::test]
async fn reads_are_retried_after_a_502() {
    let server = Server::start(vec![Mode::GatewayPage, Mode::Ok]);
    let classes: Vec<RetryClass> = operations().filter(|op| op.id == "thingsPaymentCreate" || op.id == "thingsTransferCreate").map(|op| op.retry).collect();
    assert_eq!(classes, [RetryClass::Keyed, RetryClass::Acting]);
    // The override makes the payment a read: resent after the 502.
    let answer = server.client().with_retry_class(RetryClass::Read).things_payment_create(ThingsPaymentCreateRequest::new("10.00")).await;
    settle().await;
    assert!(answer.is_ok(), "{answer:?}");
    assert_eq!(server.counts().0, 2);
    let read = operations().find(|op| op.id == "thingsGet").expect("thingsGet");
    assert_eq!(read.retry, RetryClass::Read, "a POST ending in get reads");
}

#[tokio::test]
async fn two_calls_get_two_keys_and_a_callers_key_is_sent_unchanged() {
    let server = Server::start(vec![Mode::Ok]);
    let client = server.client();
    client.things_transfer_authorize(ThingsTransferAuthorizeRequest::new("1.00")).await.expect("first");
    client.things_transfer_authorize(ThingsTransferAuthorizeRequest::new("1.00")).await.expect("second");
    client.things_transfer_authorize(ThingsTransferAuthorizeRequest::new("1.00").with_idempotency_key("caller-key")).await.expect("third");
    // A request built without `new` (decoded, defaulted) gets a key when it is sent.
    let bare: ThingsTransferAuthorizeRequest = serde_json::from_str(r#"{"amount": "1.00"}"#).expect("decodes");
    client.things_transfer_authorize(bare).await.expect("fourth");
    settle().await;
    let keys: Vec<String> = server.bodies().iter().map(|b| b["idempotency_key"].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(keys.len(), 4);
    assert_ne!(keys[0], keys[1]);
    assert_eq!(keys[2], "caller-key");
    assert!(!keys[3].is_empty() && keys[3] != keys[0] && keys[3] != keys[1], "{keys:?}");
    assert!(keys.iter().all(|k| k.len() <= 50), "{keys:?}");
}
