//! Raw answers: the HTTP status, the headers, the attempts, the time taken and the body bytes of
//! a call, together with its decoded value ([`Client::raw`]).

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::{Client, Error};

/// What a call's answer was on the wire, kept for [`Client::raw`].
#[derive(Clone)]
pub(crate) struct Exchange {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) attempts: u32,
    pub(crate) elapsed: Duration,
    pub(crate) body: Vec<u8>,
}

/// Where a client made by [`Client::raw`] leaves the exchange of each call it makes; the last
/// one is kept.
pub(crate) type Capture = Arc<Mutex<Option<Exchange>>>;

/// A decoded answer with what came with it on the wire: the status, the headers, how many
/// attempts it took, how long, and the body as received.
///
/// `Debug` shows the status, the attempts, the time and the header names, never a header value,
/// the body or the value: a body may hold access tokens. The body is the server's, unredacted;
/// treat it like the decoded value.
pub struct Raw<T> {
    value: T,
    exchange: Exchange,
}

impl<T> fmt::Debug for Raw<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.exchange;
        f.debug_struct("Raw")
            .field("status", &e.status)
            .field("attempts", &e.attempts)
            .field("elapsed", &e.elapsed)
            .field("headers", &e.headers.keys().map(|k| k.as_str()).collect::<Vec<_>>())
            .field("body_bytes", &e.body.len())
            .finish_non_exhaustive()
    }
}

impl<T> Raw<T> {
    /// The decoded value, as the typed call returns it.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded value, dropping the rest.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The HTTP status of the answer that succeeded (`200`, or another 2xx).
    pub fn status(&self) -> u16 {
        self.exchange.status
    }

    /// The answer's headers, as the server sent them.
    pub fn headers(&self) -> &HeaderMap {
        &self.exchange.headers
    }

    /// One header's value as text, when the answer has it and it is text (the first of
    /// several).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.exchange.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// How many attempts the call took, retries included (1 when the first one succeeded).
    pub fn attempts(&self) -> u32 {
        self.exchange.attempts
    }

    /// The time from the start of the call to the end of reading the answer, retries and their
    /// waits included, decoding not.
    pub fn elapsed(&self) -> Duration {
        self.exchange.elapsed
    }

    /// The body as received, within the configured size limit.
    pub fn body(&self) -> &[u8] {
        &self.exchange.body
    }
}

impl Client {
    /// Runs the calls of `call` through a clone of this client and returns the value with the
    /// answer of the last call made: the status, headers, attempts, time and body bytes.
    ///
    /// ```no_run
    /// use plaid_sdk::{AccountsGetRequest, Client};
    ///
    /// # async fn run(client: Client) -> Result<(), plaid_sdk::Error> {
    /// let raw = client.raw(async |c| c.accounts_get(AccountsGetRequest::new("access-token")).await).await?;
    /// println!("{} in {:?}, {} attempt(s)", raw.status(), raw.elapsed(), raw.attempts());
    /// let accounts = raw.into_value();
    /// # let _ = accounts;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// A call that fails returns its error as the typed call does: [`Error::status`],
    /// [`Error::attempts`], and for a body that does not decode, [`DecodeError::body`](crate::DecodeError::body).
    /// `call` must make at least one call through the client it is given; one that makes
    /// none gets an [`Error::Config`].
    pub async fn raw<T>(&self, call: impl AsyncFnOnce(&Client) -> Result<T, Error>) -> Result<Raw<T>, Error> {
        let capture = Capture::default();
        let mut client = self.clone();
        client.capture = Some(capture.clone());
        let value = call(&client).await?;
        let exchange = capture.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        match exchange {
            Some(exchange) => Ok(Raw { value, exchange }),
            None => Err(Error::Config { message: "Client::raw: the closure made no call through the client it was given".into() }),
        }
    }
}
