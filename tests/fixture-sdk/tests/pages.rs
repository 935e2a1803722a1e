//! Paged operations on a loopback server that pages like Plaid: `_pages` streams and the
//! `_all` update with its restart rule, in every paging style the generator recognizes.
//! Hand-written; regen never touches this file.

use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use plaid_sdk::*;
use serde_json::{json, Value};

#[path = "../../tests/common/loopback.rs"]
mod loopback;

use loopback::{Loopback, Reply};

fn client(server: &Loopback) -> Client {
    let config = Config::with_base_url(&server.url, "client-id-1234", "the-secret").expect("loopback is allowed");
    Client::new(config.with_retry(RetryPolicy::none()).with_timeout(Duration::from_secs(5)))
}

fn body(request: &loopback::Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or(Value::Null)
}

fn mutation_error() -> Reply {
    Reply::json(
        400,
        &json!({
            "error_type": "INVALID_REQUEST", "error_code": MUTATION_DURING_PAGINATION,
            "error_message": "data changed while paging", "display_message": null, "request_id": "r-err"
        }),
    )
}

/// A three-page `/things/sync` update; `fail_page_two` says how many times the second page
/// fails with the mutation error first.
fn sync_server(fail_page_two: usize) -> (Loopback, Arc<AtomicUsize>) {
    let failures = Arc::new(AtomicUsize::new(0));
    let seen = failures.clone();
    let server = Loopback::start(Duration::from_secs(20), move |request, _| {
        let page = |added: &[&str], removed: &[&str], next: &str, more: bool| {
            Reply::json(200, &json!({"added": added, "removed": removed, "next_cursor": next, "has_more": more, "request_id": format!("r-{next}")}))
        };
        match body(request)["cursor"].as_str().unwrap_or("") {
            "" => page(&["a1", "a2"], &[], "c1", true),
            "c1" if seen.fetch_add(1, Ordering::SeqCst) < fail_page_two => mutation_error(),
            "c1" => page(&["a3"], &["r1"], "c2", true),
            "c2" => page(&["a4"], &[], "c3", false),
            _ => Reply::new(404, "text/plain", "no such cursor"),
        }
    });
    (server, failures)
}

#[tokio::test]
async fn a_three_page_update_streams_page_by_page_and_merges_whole() {
    let (server, _) = sync_server(0);
    let client = client(&server);
    let pages: Vec<ThingsSyncResponse> =
        pin!(client.things_sync_pages(ThingsSyncRequest::new())).map(|p| p.expect("a page")).collect().await;
    assert_eq!(pages.iter().map(|p| p.next_cursor.as_str()).collect::<Vec<_>>(), ["c1", "c2", "c3"]);

    let all = client.things_sync_all(ThingsSyncRequest::new()).await.expect("the update");
    assert_eq!(all.added, ["a1", "a2", "a3", "a4"]);
    assert_eq!(all.removed, ["r1"]);
    assert_eq!((all.next_cursor.as_str(), all.has_more, all.request_id.as_str()), ("c3", false, "r-c3"));
    assert_eq!(server.requests(), 6);
}

#[tokio::test]
async fn a_mutation_during_paging_restarts_the_update_and_reads_each_change_once() {
    let (server, failures) = sync_server(1);
    let all = client(&server).things_sync_all(ThingsSyncRequest::new()).await.expect("the update, after one restart");
    assert_eq!(all.added, ["a1", "a2", "a3", "a4"], "each change exactly once");
    assert_eq!(all.removed, ["r1"]);
    assert_eq!(failures.load(Ordering::SeqCst), 2, "page two failed once, then answered");
    assert_eq!(server.requests(), 5, "page one, the failure, then the three pages again");
}

#[tokio::test]
async fn a_mutation_on_every_attempt_stops_after_the_restart_limit_with_the_error() {
    let (server, _) = sync_server(usize::MAX);
    let error = client(&server).things_sync_all(ThingsSyncRequest::new()).await.expect_err("never settles");
    assert_eq!(error.api().map(|e| e.error_code()), Some(MUTATION_DURING_PAGINATION));
    assert_eq!(server.requests(), 2 * (MAX_RESTARTS as usize + 1), "two requests per attempt, bounded");
}

#[tokio::test]
async fn a_stream_stops_after_the_first_error() {
    let (server, _) = sync_server(usize::MAX);
    let items: Vec<Result<ThingsSyncResponse, Error>> = pin!(client(&server).things_sync_pages(ThingsSyncRequest::new())).collect().await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok() && items[1].is_err());
}

#[tokio::test]
async fn cursor_pages_end_at_a_null_cursor_and_fail_on_a_repeated_one() {
    let server = Loopback::start(Duration::from_secs(20), |request, _| {
        let (things, next) = match body(request)["cursor"].as_str() {
            None => (vec!["x"], json!("k1")),
            Some("k1") => (vec!["y"], json!("k2")),
            Some("k2") => (vec!["z"], Value::Null),
            // The repeated cursor case: `k9` leads to `k9` again.
            Some(_) => (vec!["w"], json!("k9")),
        };
        Reply::json(200, &json!({"things": things, "next_cursor": next}))
    });
    let client = client(&server);
    let pages: Vec<ThingsListResponse> = pin!(client.things_list_pages(ThingsListRequest::new())).map(|p| p.expect("a page")).collect().await;
    assert_eq!(pages.iter().flat_map(|p| p.things.clone()).collect::<Vec<_>>(), ["x", "y", "z"]);

    let stuck: Vec<Result<ThingsListResponse, Error>> =
        pin!(client.things_list_pages(ThingsListRequest::new().with_cursor("k9"))).collect().await;
    assert_eq!(stuck.len(), 2, "the page, then the error");
    assert!(matches!(&stuck[1], Err(Error::Pagination { operation: "things_list", .. })), "{:?}", stuck[1]);
}

#[tokio::test]
async fn offset_pages_end_at_the_total() {
    // Four things, two per page: the second page reaches the total, so no third request.
    let server = Loopback::start(Duration::from_secs(20), |request, _| {
        let options = &body(request)["options"];
        let (offset, count) = (options["offset"].as_u64().unwrap_or(0) as usize, options["count"].as_u64().unwrap_or(10) as usize);
        let all = ["t1", "t2", "t3", "t4"];
        let page: Vec<&str> = all.iter().skip(offset).take(count).copied().collect();
        Reply::json(200, &json!({"labels": ["l"], "things": page, "total_things": all.len()}))
    });
    let request = ThingsGetRequest::new("any").with_options(ThingsGetRequestOptions::new().with_count(2));
    let pages: Vec<ThingsGetResponse> = pin!(client(&server).things_get_pages(request)).map(|p| p.expect("a page")).collect().await;
    assert_eq!(pages.iter().flat_map(|p| p.things.clone()).collect::<Vec<_>>(), ["t1", "t2", "t3", "t4"]);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn offset_pages_end_at_a_short_page_or_an_empty_one() {
    let server = Loopback::start(Duration::from_secs(20), |request, _| {
        let b = body(request);
        let (offset, count) = (b["offset"].as_u64().unwrap_or(0) as usize, b["count"].as_u64().unwrap_or(3) as usize);
        let events: Vec<String> = (0..7).map(|i| format!("e{i}")).skip(offset).take(count).collect();
        Reply::json(200, &json!({"events": events}))
    });
    let client = client(&server);
    let pages: Vec<ThingsHistoryResponse> =
        pin!(client.things_history_pages(ThingsHistoryRequest::new().with_count(3))).map(|p| p.expect("a page")).collect().await;
    assert_eq!(pages.iter().map(|p| p.events.len()).collect::<Vec<_>>(), [3, 3, 1], "the short page ends it");
    assert_eq!(server.requests(), 3);
    // Without a count the client cannot tell a short page: an empty one ends it.
    let pages: Vec<ThingsHistoryResponse> =
        pin!(client.things_history_pages(ThingsHistoryRequest::new())).map(|p| p.expect("a page")).collect().await;
    assert_eq!(pages.iter().map(|p| p.events.len()).collect::<Vec<_>>(), [3, 3, 1, 0]);
}
