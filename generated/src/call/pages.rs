//! Paged operations as streams of pages, and `/transactions/sync`-style updates read whole.
//!
//! The generated `<op>_pages` methods describe their operation's paging with a few plain
//! functions (how to set the cursor or offset on the request, how to read the next cursor, the
//! page length, the total) and hand them to the walkers here. Every walk ends: after the last
//! page, after the first error, and with [`Error::Pagination`] when the server hands back a
//! cursor that does not advance.

// A spec without paged operations uses none of this.
#![allow(dead_code)]

use std::future::Future;

use futures_core::Stream;

use crate::{Client, Error, ErrorFields, Operation};

/// The error code after which a `has_more` update must be read again from its first cursor.
pub const MUTATION_DURING_PAGINATION: &str = "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION";

/// How many times an `<operation>_all` update starts over after a
/// [`MUTATION_DURING_PAGINATION`] error before it returns the error.
pub const MAX_RESTARTS: u32 = 3;

/// A cursor value: text, or a date-time for the operations that page by creation time.
pub(crate) trait Cursor: Clone + PartialEq + Send {
    /// Whether the value means "no more pages" (an empty text cursor).
    fn is_end(&self) -> bool {
        false
    }
}

impl Cursor for String {
    fn is_end(&self) -> bool {
        self.is_empty()
    }
}

impl Cursor for crate::DateTime {}

/// How a cursor-paged operation's request and response are read and written.
pub(crate) struct CursorPaging<Req, Resp, C> {
    /// The request's cursor.
    pub cursor: fn(&Req) -> Option<C>,
    /// Sets the request's cursor.
    pub set_cursor: fn(&mut Req, C),
    /// The response's next cursor.
    pub next_cursor: fn(&Resp) -> Option<C>,
    /// The response's `has_more`, for the operations that have one.
    pub has_more: Option<fn(&Resp) -> bool>,
}

/// How an offset-paged operation's request and response are read and written.
pub(crate) struct OffsetPaging<Req, Resp> {
    /// The request's offset (0 when unset).
    pub offset: fn(&Req) -> u64,
    /// The request's page size, when set.
    pub count: fn(&Req) -> Option<u64>,
    /// Sets the request's offset.
    pub set_offset: fn(&mut Req, u64),
    /// How many items the page holds.
    pub len: fn(&Resp) -> usize,
    /// The response's total, for the operations that have one.
    pub total: Option<fn(&Resp) -> Option<u64>>,
}

enum Step<Req> {
    Fetch(Req),
    Fail(Error),
    Done,
}

fn stuck(op: &'static Operation) -> Error {
    Error::Pagination { operation: op.name, message: "the server returned the cursor it was sent: the pages do not advance".to_string() }
}

/// What comes after a page of a cursor-paged operation.
fn after_cursor_page<Req, Resp, C: Cursor>(op: &'static Operation, paging: &CursorPaging<Req, Resp, C>, mut request: Req, page: &Resp) -> Step<Req> {
    let more = paging.has_more.map(|f| f(page));
    let next = (paging.next_cursor)(page).filter(|c| !c.is_end());
    match (more, next) {
        (Some(false), _) | (None, None) => Step::Done,
        (Some(true), None) => Step::Fail(Error::Pagination { operation: op.name, message: "`has_more` is true but there is no next cursor".to_string() }),
        (_, Some(next)) if (paging.cursor)(&request).as_ref() == Some(&next) => Step::Fail(stuck(op)),
        (_, Some(next)) => {
            (paging.set_cursor)(&mut request, next);
            Step::Fetch(request)
        }
    }
}

/// Every page of a cursor-paged operation, from the request's cursor on.
pub(crate) fn cursor_pages<'c, Req, Resp, C, Fut>(
    client: &'c Client,
    op: &'static Operation,
    request: Req,
    fetch: fn(&'c Client, Req) -> Fut,
    paging: CursorPaging<Req, Resp, C>,
) -> impl Stream<Item = Result<Resp, Error>> + Send + 'c
where
    Req: Clone + Send + 'c,
    Resp: Send + 'c,
    C: Cursor + 'c,
    Fut: Future<Output = Result<Resp, Error>> + Send + 'c,
{
    futures_util::stream::unfold((Step::Fetch(request), paging), move |(step, paging)| async move {
        match step {
            Step::Done => None,
            Step::Fail(e) => Some((Err(e), (Step::Done, paging))),
            Step::Fetch(request) => match fetch(client, request.clone()).await {
                Ok(page) => {
                    let next = after_cursor_page(op, &paging, request, &page);
                    Some((Ok(page), (next, paging)))
                }
                Err(e) => Some((Err(e), (Step::Done, paging))),
            },
        }
    })
}

/// Every page of an offset-paged operation, from the request's offset on: until an empty page,
/// a page shorter than the request's `count`, or the total.
pub(crate) fn offset_pages<'c, Req, Resp, Fut>(
    client: &'c Client,
    request: Req,
    fetch: fn(&'c Client, Req) -> Fut,
    paging: OffsetPaging<Req, Resp>,
) -> impl Stream<Item = Result<Resp, Error>> + Send + 'c
where
    Req: Clone + Send + 'c,
    Resp: Send + 'c,
    Fut: Future<Output = Result<Resp, Error>> + Send + 'c,
{
    futures_util::stream::unfold((Step::Fetch(request), paging), move |(step, paging)| async move {
        let request = match step {
            Step::Fetch(request) => request,
            Step::Fail(e) => return Some((Err(e), (Step::Done, paging))),
            Step::Done => return None,
        };
        match fetch(client, request.clone()).await {
            Ok(page) => {
                let len = (paging.len)(&page);
                let next_offset = (paging.offset)(&request).saturating_add(len as u64);
                let total = paging.total.and_then(|t| t(&page));
                let short = (paging.count)(&request).is_some_and(|count| (len as u64) < count);
                let next = if len == 0 || short || total.is_some_and(|t| next_offset >= t) {
                    Step::Done
                } else {
                    let mut request = request;
                    (paging.set_offset)(&mut request, next_offset);
                    Step::Fetch(request)
                };
                Some((Ok(page), (next, paging)))
            }
            Err(e) => Some((Err(e), (Step::Done, paging))),
        }
    })
}

/// One complete `has_more` update: every page from the request's cursor until `has_more` is
/// false, merged with `merge(earlier, later)`. When a page fails with
/// [`MUTATION_DURING_PAGINATION`], the pages read so far are dropped and the update starts
/// again from the request's cursor, at most [`MAX_RESTARTS`] times.
pub(crate) async fn update<'c, Req, Resp, C, Fut>(
    client: &'c Client,
    op: &'static Operation,
    request: Req,
    fetch: fn(&'c Client, Req) -> Fut,
    paging: CursorPaging<Req, Resp, C>,
    merge: fn(Resp, Resp) -> Resp,
) -> Result<Resp, Error>
where
    Req: Clone + Send + 'c,
    C: Cursor,
    Fut: Future<Output = Result<Resp, Error>> + Send + 'c,
{
    let mut restarts = 0;
    'update: loop {
        let mut merged: Option<Resp> = None;
        let mut next = Step::Fetch(request.clone());
        loop {
            let current = match next {
                Step::Fetch(r) => r,
                Step::Fail(e) => return Err(e),
                Step::Done => return merged.ok_or_else(|| stuck(op)),
            };
            let page = match fetch(client, current.clone()).await {
                Ok(page) => page,
                Err(Error::Api(e)) if e.error.error_code() == MUTATION_DURING_PAGINATION && restarts < MAX_RESTARTS => {
                    restarts += 1;
                    tracing::debug!(operation = op.id, restarts, "the data changed while paging: starting the update again");
                    continue 'update;
                }
                Err(e) => return Err(e),
            };
            next = after_cursor_page(op, &paging, current, &page);
            merged = Some(match merged {
                Some(earlier) => merge(earlier, page),
                None => page,
            });
        }
    }
}
