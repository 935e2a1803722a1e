//! What a call costs in memory when the server sends more than the client accepts, measured by
//! a counting allocator (its own test binary, one test, so nothing else allocates meanwhile).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use plaid_sdk::*;

#[path = "common/loopback.rs"]
mod loopback;

use loopback::{Loopback, Reply};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(now, Ordering::SeqCst);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::SeqCst) + new_size - layout.size();
                PEAK.fetch_max(now, Ordering::SeqCst);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::SeqCst);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MB: usize = 1 << 20;

/// The most memory in use during `call`, above what was in use before it.
fn peak_during<T>(call: impl FnOnce() -> T) -> (T, usize) {
    let before = CURRENT.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let out = call();
    (out, PEAK.load(Ordering::SeqCst).saturating_sub(before))
}

#[test]
fn oversized_answers_cost_at_most_their_limit() {
    // Finding 4: a body cut at a 64 MB limit peaked at about 142 MB (the whole body copied to
    // cut a 300-character excerpt). Here the limit is 8 MB and the server sends 24 MB with no
    // `Content-Length`, so the client reads up to the limit before it knows.
    let body: Arc<[u8]> = format!("{{\"pad\":\"{}\"}}", "é".repeat(12 * MB)).into_bytes().into();
    let big = body.clone();
    let server = Loopback::start(Duration::from_secs(60), move |request, _| {
        let status = if request.head.starts_with("POST /accounts/get") { 200 } else { 503 };
        Reply::shared(status, "application/json", big.clone()).until_close()
    });
    let config = Config::with_base_url(&server.url, "client-id-0123", "secret-0123456789").expect("loopback");
    let client = Client::new(config.with_max_response_bytes(8 * MB).with_retry(RetryPolicy::none()));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");

    let (result, peak) = peak_during(|| runtime.block_on(client.accounts_get(AccountsGetRequest::new("access-token-1"))));
    let error = result.expect_err("over the limit");
    assert!(matches!(&error, Error::Decode(e) if e.message.contains("limit")), "{error}");
    eprintln!("2xx peak {peak}");
    assert!(peak < 8 * MB + 2 * MB, "a 2xx answer over an 8 MB limit peaked at {:.1} MB", peak as f64 / MB as f64);

    let (result, peak) = peak_during(|| runtime.block_on(client.item_get(ItemGetRequest::new("access-token-1"))));
    assert!(matches!(result, Err(Error::Status(_))), "{result:?}");
    eprintln!("5xx peak {peak}");
    assert!(peak < MAX_ERROR_BODY_BYTES + 2 * MB, "a 5xx answer peaked at {:.1} MB", peak as f64 / MB as f64);
    assert_eq!(server.requests(), 2);
    drop(body);
}
