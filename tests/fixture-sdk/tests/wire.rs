//! The wire format of every parameter kind, checked byte for byte on a loopback server: the
//! exact request line (path segments and query string), the headers, the method and the body
//! each generated method sends, and how each kind of answer (200, 201, 202, 204, a HEAD answer,
//! an error) comes back. Hand-written; `cargo xtask regen` never touches this file.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use plaid_sdk::*;

/// One request as the server received it.
#[derive(Debug)]
struct Seen {
    method: String,
    target: String,
    /// Header names in lower case, in the order sent.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A loopback HTTP server that answers each connection with the next canned answer and records
/// what it received. It serves at most the answers it was given and stops by itself after
/// ten seconds, so a test can never hang on it.
struct Server {
    url: String,
    seen: mpsc::Receiver<Seen>,
}

impl Server {
    fn start(answers: Vec<(u16, Option<&'static str>)>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        listener.set_nonblocking(true).expect("non-blocking accept");
        let (tx, seen) = mpsc::channel();
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(10);
            let mut answers = answers.into_iter();
            while Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let Some(answer) = answers.next() else { return };
                        if let Some(request) = serve(stream, answer) {
                            let _ = tx.send(request);
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server { url, seen }
    }

    fn client(&self) -> Client {
        let config = Config::with_base_url(&self.url, "client-id-1234", "the-secret").expect("loopback is allowed");
        Client::new(config.with_retry(RetryPolicy::none()).with_timeout(Duration::from_secs(5)))
    }

    fn next(&self) -> Seen {
        self.seen.recv_timeout(Duration::from_secs(5)).expect("the server received a request")
    }

    fn nothing_received(&self) -> bool {
        self.seen.recv_timeout(Duration::from_millis(200)).is_err()
    }
}

/// Reads one request and writes one answer on a connection.
fn serve(stream: TcpStream, (status, body): (u16, Option<&'static str>)) -> Option<Seen> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (name, value) = h.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let length = headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut request_body = vec![0; length];
    reader.read_exact(&mut request_body).ok()?;
    let reason = match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        _ => "Error",
    };
    let mut answer = format!("HTTP/1.1 {status} {reason}\r\nconnection: close\r\n");
    match body {
        Some(b) => answer.push_str(&format!("content-type: application/json\r\ncontent-length: {}\r\n\r\n{b}", b.len())),
        None if status == 204 => answer.push_str("\r\n"),
        None => answer.push_str("content-length: 0\r\n\r\n"),
    }
    let mut stream = stream;
    stream.write_all(answer.as_bytes()).ok()?;
    Some(Seen { method, target, headers, body: request_body })
}

const ITEM: &str = r#"{"id":"item-1","name":"Lamp"}"#;

#[tokio::test]
async fn path_query_and_header_parameters_go_exactly_where_the_spec_says() {
    let server = Server::start(vec![(200, Some(ITEM))]);
    let params = ItemGetParams::new("a/b c", "x?y#z%", "state-42")
        .with_verbose(true)
        .with_fields(["name".to_string(), "a b&c=d".to_string()])
        .with_ids(vec![1, 2, 3])
        .with_x_trace_token("trace-secret");
    let item = server.client().item_get(params).await.expect("the call succeeds");
    assert_eq!(item, Item::new("item-1").with_name("Lamp"));

    let seen = server.next();
    assert_eq!(seen.method, "GET");
    // Each path value is one segment; the operation's `verbose` (boolean) replaced the path
    // item's; an exploded array is one pair per item, an unexploded one is comma-separated.
    assert_eq!(
        seen.target,
        "/stores/a%2Fb%20c/items/x%3Fy%23z%25?verbose=true&fields=name&fields=a%20b%26c%3Dd&ids=1,2,3"
    );
    assert_eq!(seen.header("oauth-state-id"), Some("state-42"));
    assert_eq!(seen.header("x-trace-token"), Some("trace-secret"));
    assert_eq!(seen.header("plaid-client-id"), Some("client-id-1234"));
    assert_eq!(seen.header("plaid-secret"), Some("the-secret"));
    // The cookie parameter is not sent, and a GET without a body sends none.
    assert_eq!(seen.header("cookie"), None);
    assert!(seen.body.is_empty());
    assert_eq!(seen.header("content-type"), None);
}

#[tokio::test]
async fn a_sensitive_parameter_echoed_back_is_scrubbed_from_the_error() {
    // `X-Trace-Token` is sensitive by name: its value is scrubbed from whatever comes back.
    let echo = r#"{"message":"unknown trace trace-secret-77 for the-secret"}"#;
    let server = Server::start(vec![(500, Some(echo))]);
    let params = ItemGetParams::new("s1", "i1", "st").with_x_trace_token("trace-secret-77");
    let error = server.client().item_get(params).await.expect_err("a 500");
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains("trace-secret-77") && !shown.contains("the-secret"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
    assert_eq!(server.next().header("x-trace-token"), Some("trace-secret-77"));
}

#[tokio::test]
async fn credentials_a_body_schema_requires_are_written_in_from_the_configuration() {
    // `StoreReportRequest` requires `client_id` and `secret`; the type leaves them out (the
    // headers carry them) and the client writes the configured values into the body.
    let server = Server::start(vec![(200, Some(r#"{"id":"s1"}"#))]);
    let store = server.client().store_report(StoreReportRequest::new("s1")).await.expect("the call succeeds");
    assert_eq!(store.id, "s1");
    let seen = server.next();
    let body: serde_json::Value = serde_json::from_slice(&seen.body).expect("a JSON body");
    assert_eq!(body, serde_json::json!({"client_id": "client-id-1234", "secret": "the-secret", "store_id": "s1"}));
    assert_eq!(seen.header("plaid-secret"), Some("the-secret"));
}

#[tokio::test]
async fn optional_parameters_left_out_are_not_sent() {
    let server = Server::start(vec![(200, Some(ITEM))]);
    server.client().item_get(ItemGetParams::new("s1", "i1", "st")).await.expect("the call succeeds");
    let seen = server.next();
    assert_eq!(seen.target, "/stores/s1/items/i1");
    assert_eq!(seen.header("x-trace-token"), None);
}

#[tokio::test]
async fn query_styles_enums_deep_objects_and_pipes() {
    let server = Server::start(vec![(200, Some(r#"{"stores":[{"id":"s1","region":"north"},{"id":"s2","region":"west"}]}"#))]);
    let params = StoreListParams::new()
        .with_limit(5)
        .with_region(Region::North)
        .with_filter(StoreListParamsFilter::new().with_open(true).with_city("Oslo"))
        .with_tags(["a".to_string(), "b c".to_string()]);
    let list = server.client().store_list(params).await.expect("the call succeeds");
    assert_eq!(list.stores[1].region, Some(Region::UnknownValue("west".to_string())), "an unlisted enum value is kept");
    let seen = server.next();
    assert_eq!(seen.target, "/stores?limit=5&region=north&filter%5Bcity%5D=Oslo&filter%5Bopen%5D=true&tags=a|b%20c");
}

#[tokio::test]
async fn a_put_sends_parameters_and_a_body_together_and_decodes_a_201() {
    let server = Server::start(vec![(201, Some(ITEM))]);
    let body = Item::new("item-1").with_name("Lamp");
    let item = server.client().item_replace(ItemReplaceParams::new("s 1", "i/1"), body.clone()).await.expect("201 is a success");
    assert_eq!(item, body);
    let seen = server.next();
    assert_eq!(seen.method, "PUT");
    assert_eq!(seen.target, "/stores/s%201/items/i%2F1");
    assert_eq!(seen.header("content-type"), Some("application/json"));
    let sent: serde_json::Value = serde_json::from_slice(&seen.body).expect("a JSON body");
    assert_eq!(sent, serde_json::json!({"id": "item-1", "name": "Lamp"}));
}

#[tokio::test]
async fn a_patch_that_may_answer_204_returns_an_option() {
    let server = Server::start(vec![(204, None), (200, Some(ITEM))]);
    let client = server.client();
    let params = || ItemPatchParams::new("s", "i", ItemPatchParamsMode::Merge).with_if_match("\"v7\"");
    let nothing = client.item_patch(params(), ItemChange::new()).await.expect("204 is a success");
    assert_eq!(nothing, None);
    let seen = server.next();
    assert_eq!((seen.method.as_str(), seen.target.as_str()), ("PATCH", "/stores/s/items/i?mode=merge"));
    assert_eq!(seen.header("if-match"), Some("\"v7\""));
    assert_eq!(seen.body, b"{}");

    let changed = client.item_patch(params(), ItemChange::new().with_name("Lamp")).await.expect("200 is a success");
    assert_eq!(changed.map(|i| i.id), Some("item-1".to_string()));
}

#[tokio::test]
async fn delete_head_and_options_without_bodies() {
    let server = Server::start(vec![(204, None), (200, None), (204, None)]);
    let client = server.client();
    client.item_delete(ItemDeleteParams::new("s", "i")).await.expect("204 is a success");
    let seen = server.next();
    assert_eq!((seen.method.as_str(), seen.target.as_str()), ("DELETE", "/stores/s/items/i"));
    assert!(seen.body.is_empty());

    client.item_exists(ItemExistsParams::new("s", "i").with_verbose("yes")).await.expect("200 is a success");
    let seen = server.next();
    assert_eq!((seen.method.as_str(), seen.target.as_str()), ("HEAD", "/stores/s/items/i?verbose=yes"));

    client.store_options().await.expect("204 is a success");
    let seen = server.next();
    assert_eq!((seen.method.as_str(), seen.target.as_str()), ("OPTIONS", "/stores"));
}

#[tokio::test]
async fn a_post_with_a_required_header_decodes_a_202() {
    let server = Server::start(vec![(202, Some(r#"{"id":"s9"}"#))]);
    let store = server.client().store_create(StoreCreateParams::new("key-1"), Store::new("s9")).await.expect("202 is a success");
    assert_eq!(store.id, "s9");
    let seen = server.next();
    assert_eq!((seen.method.as_str(), seen.target.as_str()), ("POST", "/stores"));
    assert_eq!(seen.header("idempotency-key"), Some("key-1"));
}

#[tokio::test]
async fn an_error_answer_of_a_declared_4xx_is_an_api_error() {
    let error = r#"{"error_type":"INVALID_REQUEST","error_code":"NOT_FOUND","error_message":"no such item","display_message":null,"request_id":"r-1"}"#;
    let server = Server::start(vec![(404, Some(error))]);
    let e = server.client().item_get(ItemGetParams::new("s", "i", "st")).await.expect_err("404 is an error");
    assert_eq!(e.status(), Some(404));
    let api = e.api().expect("a Plaid error");
    assert_eq!((api.error_code(), api.request_id()), ("NOT_FOUND", Some("r-1")));
}

#[tokio::test]
async fn a_header_value_that_cannot_be_sent_is_a_typed_error_and_nothing_is_sent() {
    let server = Server::start(vec![(200, Some(ITEM))]);
    let params = ItemGetParams::new("s", "i", "line\r\nX-Injected: 1");
    let e = server.client().item_get(params).await.expect_err("a header value with CR LF is refused");
    match &e {
        Error::Parameter { operation, name, location, .. } => assert_eq!((*operation, *name, *location), ("item_get", "OAUTH-STATE-ID", "header")),
        other => panic!("expected a parameter error, got {other:?}"),
    }
    assert!(!e.to_string().contains("X-Injected"), "the message leaves the value out: {e}");
    assert!(server.nothing_received(), "no request went out");
}

#[test]
fn the_operation_table_lists_parameters_methods_and_paths() {
    let ops: Vec<(&str, &str, &str, Option<&str>)> = operations().map(|o| (o.id, o.method, o.path, o.params_type)).collect();
    assert!(ops.contains(&("itemGet", "GET", "/stores/{storeId}/items/{itemId}", Some("ItemGetParams"))));
    assert!(ops.contains(&("storeOptions", "OPTIONS", "/stores", None)));
    assert_eq!(ops.len(), 31);
    let report = operations().find(|o| o.id == "storeReport").expect("storeReport");
    let written = |op: &plaid_sdk::Operation| op.body_credentials.iter().filter(|c| c.written).map(|c| (c.name, c.credential)).collect::<Vec<_>>();
    assert_eq!(written(report), [("client_id", Credential::ClientId), ("secret", Credential::Secret)]);
    let ping = operations().find(|o| o.id == "storePing").expect("storePing");
    assert_eq!(written(ping), written(report));
    // Every operation lists every credential field, written in or not: extras named like one
    // are refused on all of them.
    for op in operations() {
        let names: Vec<&str> = op.body_credentials.iter().map(|c| c.name).collect();
        assert_eq!(names, ["client_id", "secret"], "{}", op.id);
    }
}

#[test]
fn a_struct_without_fields_writes_and_keeps_only_unknown_properties() {
    let empty = StorePingRequest::new();
    assert_eq!(serde_json::to_value(&empty).expect("serializes"), serde_json::json!({}));
    let read: StorePingRequest = serde_json::from_str(r#"{"extra": [1, 2]}"#).expect("decodes");
    assert_eq!(read.additional_properties.get("extra"), Some(&serde_json::json!([1, 2])));
    assert_eq!(serde_json::to_value(&read).expect("serializes"), serde_json::json!({"extra": [1, 2]}));
    assert!(serde_json::from_str::<StorePingRequest>("[]").is_err());
}

#[tokio::test]
async fn a_dot_segment_path_value_is_refused_and_nothing_is_sent() {
    // Issue 40: the URL standard removes `.` and `..` segments, `%2E` too, so `..` as an item
    // id would have sent `DELETE /stores/s1/`.
    for value in ["..", "."] {
        let server = Server::start(vec![(204, None)]);
        let e = server.client().item_delete(ItemDeleteParams::new("s1", value)).await.expect_err("refused");
        assert!(matches!(&e, Error::Config { message } if message.contains("itemId")), "{e:?}");
        assert!(server.nothing_received(), "no request went out for {value:?}");
    }
    // A call by path cannot climb above the base URL's path either.
    let server = Server::start(vec![(200, Some(ITEM))]);
    let e = server.client().post_json("/stores/../../admin", &serde_json::json!({})).await.expect_err("refused");
    assert!(matches!(e, Error::Config { .. }), "{e:?}");
    // Nor carry a credential in its own query (found by the param_encoding fuzz target).
    for path in ["/items/i-1?secret=x", "/items/i-1?a=1&client_id=x", "/items/i-1?secre%74=x", "/items/i-1?seCret=x"] {
        let e = server.client().post_json(path, &serde_json::json!({})).await.expect_err("refused");
        assert!(matches!(&e, Error::Config { message } if message.contains("query parameter")), "{path}: {e:?}");
    }
    assert!(server.nothing_received(), "no request went out");
}
