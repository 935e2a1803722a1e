//! Bounded polling, for the answers Plaid builds in the background: an Asset Report, a
//! consumer report, the first transactions of a new Item. Every loop has a fixed number of
//! attempts and a fixed wait, so a route answers within a known time (README, "Quickstart").

use std::future::Future;
use std::time::Duration;

use crate::calls::not_ready;
use crate::envelope::RouteError;

/// How often and how long to ask again.
#[derive(Debug, Clone, Copy)]
pub struct Poll {
    /// Calls in all, the first included.
    pub attempts: u32,
    /// The wait between two calls.
    pub interval: Duration,
}

/// Reports (`/asset_report/get`, the consumer reports): 20 calls, 1 s apart, as Plaid's
/// quickstarts poll.
pub const REPORTS: Poll = Poll { attempts: 20, interval: Duration::from_secs(1) };

/// `/transactions/sync` on a new Item, while its cursor is still empty: 10 calls, 2 s apart.
pub const FIRST_SYNC: Poll = Poll { attempts: 10, interval: Duration::from_secs(2) };

/// Most pages one `/transactions/sync` walk reads before it stops (`has_more` never false).
pub const MAX_SYNC_PAGES: usize = 100;

/// Calls `call` until it returns something other than `PRODUCT_NOT_READY`, at most
/// `poll.attempts` times; then the last `PRODUCT_NOT_READY` error.
pub async fn until_ready<T, F, Fut>(poll: Poll, mut call: F) -> Result<T, RouteError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RouteError>>,
{
    let mut attempt = 1;
    loop {
        match call().await {
            Err(e) if not_ready(&e) && attempt < poll.attempts => {
                attempt += 1;
                tokio::time::sleep(poll.interval).await;
            }
            other => return other,
        }
    }
}
