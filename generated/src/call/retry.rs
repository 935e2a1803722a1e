//! When a failed attempt is tried again, and after how long.

use std::time::{Duration, SystemTime};

/// How the client retries transient failures.
///
/// Which failures are retried depends on the operation's [`RetryClass`]: a refused connection,
/// HTTP 429 and Plaid's not-processed errors (`RATE_LIMIT_EXCEEDED`, `PLANNED_MAINTENANCE`)
/// always; a 5xx (a gateway's page, Plaid's `INTERNAL_SERVER_ERROR`) or a connection lost
/// after sending only for operations that are keyed or read; other 4xx answers never (they
/// mean the request itself is wrong).
///
/// A timeout is retried for keyed operations; for reads only when
/// [`RetryPolicy::with_retry_timeouts`] says so; never for acting ones, because the server may
/// already have acted on the request (an exchanged public token cannot be exchanged twice).
///
/// The wait before retry `n` (from 0) is `initial_backoff * 2^n`, capped at `max_backoff`,
/// with equal jitter (half fixed, half random), and never shorter than the server's
/// `Retry-After`. Retrying stops after `max_retries` retries, or when the next wait would end
/// after `max_elapsed` from the first attempt.
///
/// ```
/// use std::time::Duration;
/// use plaid_sdk::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .with_max_retries(5)
///     .with_max_elapsed(Duration::from_secs(60));
/// assert_eq!(patient.max_retries(), 5);
/// assert_eq!(RetryPolicy::none().max_retries(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
    retry_timeouts: bool,
}

impl Default for RetryPolicy {
    /// Two retries, starting at 500 ms, waits capped at 8 s, 30 s in all.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_elapsed: Duration::from_secs(30),
            retry_timeouts: false,
        }
    }
}

impl RetryPolicy {
    /// No retries: every failure is returned at once.
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..Self::default() }
    }

    /// Sets how many times a call is retried after its first attempt.
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Sets the wait before the first retry.
    pub fn with_initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// Sets the longest computed wait between attempts (`Retry-After` may ask for more).
    pub fn with_max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// Sets the time budget, from the first attempt, within which retries may start.
    pub fn with_max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// Sets whether a request that timed out is retried.
    pub fn with_retry_timeouts(mut self, retry: bool) -> Self {
        self.retry_timeouts = retry;
        self
    }

    /// How many times a call is retried after its first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The wait before the first retry.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The longest computed wait.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The time budget for retries.
    pub fn max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    /// Whether timeouts are retried.
    pub fn retry_timeouts(&self) -> bool {
        self.retry_timeouts
    }

    /// The wait before retry number `retry` (0 for the first), or `None` when the policy says
    /// to stop: too many retries, or the wait would end past the time budget.
    pub(crate) fn next_wait(&self, retry: u32, elapsed: Duration, retry_after: Option<Duration>) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        let doubled = self.initial_backoff.saturating_mul(1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX));
        let capped = doubled.min(self.max_backoff);
        let half = capped / 2;
        let jitter = Duration::from_nanos(fastrand::u64(0..=half.as_nanos().min(u64::MAX as u128) as u64));
        let wait = half.saturating_add(jitter).max(retry_after.unwrap_or_default());
        // A wait past the budget (a `Retry-After` of years included) means giving up now.
        (elapsed.saturating_add(wait) <= self.max_elapsed).then_some(wait)
    }
}

/// What resending an operation after a failure may cost: decided for each operation from the
/// spec (its row's [`Operation::retry`](crate::Operation::retry), shown in each method's docs),
/// and overridden per call with [`Client::with_retry_class`](crate::Client::with_retry_class).
///
/// | class | what it is | retried after |
/// |---|---|---|
/// | `Keyed` | the request has an idempotency key, which the client fills when left empty and sends unchanged on every attempt | every failure that may be transient: refused connections, `429`, Plaid's not-processed errors, `5xx`, timeouts, connections lost after sending |
/// | `Read` | no side effect (`GET`, or a `POST` path ending in `get`, `list`, `search`, `lookup`, `sync`) | the same, timeouts only with [`RetryPolicy::with_retry_timeouts`] |
/// | `Acting` | may act (create, move money, exchange a token) and has no key | only failures that say the request was not processed: refused connections, `429`, `RATE_LIMIT_EXCEEDED`, `PLANNED_MAINTENANCE` |
///
/// After a failure that leaves unknown whether an acting or keyed request was processed,
/// [`Error::may_have_been_processed`](crate::Error::may_have_been_processed) says so (and
/// [`Error::idempotency_key`](crate::Error::idempotency_key) gives the key that was sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryClass {
    /// The request carries an idempotency key: Plaid acts once per key.
    Keyed,
    /// No side effect.
    Read,
    /// May act, and has no key.
    Acting,
}

impl RetryClass {
    /// `keyed`, `read` or `acting`.
    pub fn as_str(&self) -> &'static str {
        match self {
            RetryClass::Keyed => "keyed",
            RetryClass::Read => "read",
            RetryClass::Acting => "acting",
        }
    }
}

/// What a failed attempt says about whether the server acted on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The request was not processed: refused before it was sent, `429`, or a Plaid error that
    /// Plaid documents as returned before acting. Safe to resend whatever the operation.
    NotProcessed,
    /// The request went out and may have been acted on: a `5xx`, a connection lost after
    /// sending.
    Ambiguous,
    /// Like [`Failure::Ambiguous`], after the call's timeout.
    TimedOut,
    /// The answer is final: sending it again gives the same answer.
    Final,
}

impl Failure {
    /// Whether a failure leaves unknown whether the server acted.
    pub(crate) fn is_ambiguous(self) -> bool {
        matches!(self, Failure::Ambiguous | Failure::TimedOut)
    }

    /// Whether an operation of `class` is sent again after this failure.
    pub(crate) fn retried(self, class: RetryClass, policy: &RetryPolicy) -> bool {
        match (self, class) {
            (Failure::NotProcessed, _) => true,
            (Failure::Final, _) | (Failure::Ambiguous | Failure::TimedOut, RetryClass::Acting) => false,
            (Failure::Ambiguous, _) | (Failure::TimedOut, RetryClass::Keyed) => true,
            (Failure::TimedOut, RetryClass::Read) => policy.retry_timeouts(),
        }
    }
}

/// Plaid's error types whose every code means the request was refused before it was acted on.
const NOT_PROCESSED_TYPES: &[&str] = &["RATE_LIMIT_EXCEEDED"];
/// Plaid's error codes (of type `API_ERROR`) that mean the request was not acted on.
const NOT_PROCESSED_CODES: &[&str] = &["PLANNED_MAINTENANCE"];
/// Plaid's error codes (of type `API_ERROR`) of a failure inside Plaid, after which the request
/// may or may not have been acted on.
const AMBIGUOUS_CODES: &[&str] = &["INTERNAL_SERVER_ERROR"];

/// What a non-2xx answer says, by its status and, when the body is a Plaid error, its
/// `error_type` and `error_code`: the one place Plaid's errors are classified for retries.
pub(crate) fn classify_answer(status: u16, plaid: Option<(&str, &str)>) -> Failure {
    if let Some((error_type, error_code)) = plaid {
        if NOT_PROCESSED_TYPES.contains(&error_type) || NOT_PROCESSED_CODES.contains(&error_code) {
            return Failure::NotProcessed;
        }
        if AMBIGUOUS_CODES.contains(&error_code) && (500..=599).contains(&status) {
            return Failure::Ambiguous;
        }
    }
    match (status, plaid) {
        (429, _) => Failure::NotProcessed,
        // A gateway's page or an empty 5xx: the request may have reached Plaid.
        (500..=599, None) => Failure::Ambiguous,
        _ => Failure::Final,
    }
}

/// A fresh idempotency key: random lowercase hex (128 bits when the schema allows 32
/// characters), at least `min_length` and at most `max_length` characters long.
pub(crate) fn fresh_key(min_length: usize, max_length: Option<usize>) -> String {
    // 32 characters, or the minimum when it is more; never past the maximum, which wins over a
    // minimum above it (a spec that contradicts itself).
    let wanted = 32.max(min_length);
    let length = max_length.map_or(wanted, |max| wanted.min(max));
    let mut key = String::with_capacity(length);
    while key.len() < length {
        key.push_str(&format!("{:016x}", fastrand::u64(..)));
    }
    key.truncate(length);
    key
}

/// A `Retry-After` value: delay-seconds or an HTTP date. Anything else is ignored.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_stop_at_the_limits() {
        let policy = RetryPolicy::default()
            .with_max_retries(3)
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(250))
            .with_max_elapsed(Duration::from_secs(10));
        let zero = Duration::ZERO;
        let first = policy.next_wait(0, zero, None).expect("first retry");
        assert!((Duration::from_millis(50)..=Duration::from_millis(100)).contains(&first), "{first:?}");
        let third = policy.next_wait(2, zero, None).expect("third retry");
        assert!((Duration::from_millis(125)..=Duration::from_millis(250)).contains(&third), "{third:?}");
        assert_eq!(policy.next_wait(3, zero, None), None, "past max_retries");
        assert_eq!(policy.next_wait(0, Duration::from_secs(10), None), None, "past the budget");
        assert_eq!(policy.next_wait(0, zero, Some(Duration::from_secs(3))), Some(Duration::from_secs(3)));
        assert_eq!(policy.next_wait(0, zero, Some(Duration::from_secs(11))), None, "Retry-After beyond the budget");
        assert_eq!(RetryPolicy::none().next_wait(0, zero, None), None);
    }

    #[test]
    fn extreme_retry_after_values_give_up_instead_of_overflowing() {
        let policy = RetryPolicy::default();
        for elapsed in [Duration::ZERO, Duration::from_millis(1500), Duration::MAX] {
            assert_eq!(policy.next_wait(0, elapsed, Some(Duration::MAX)), None);
            assert_eq!(policy.next_wait(0, elapsed, parse_retry_after("18446744073709551615", SystemTime::now())), None);
        }
        let patient = RetryPolicy::default().with_max_elapsed(Duration::MAX).with_initial_backoff(Duration::MAX).with_max_backoff(Duration::MAX);
        assert!(patient.next_wait(0, Duration::from_secs(1), Some(Duration::MAX)).is_some());
        let now = SystemTime::now();
        for value in ["99999999999999999999999", "-1", "1e9", "Fri, 31 Dec 9999 23:59:59 GMT", "\u{0}"] {
            let _ = policy.next_wait(0, Duration::from_secs(2), parse_retry_after(value, now));
        }
    }

    #[test]
    fn huge_retry_counts_do_not_overflow() {
        let policy = RetryPolicy::default().with_max_retries(u32::MAX).with_max_elapsed(Duration::MAX);
        assert!(policy.next_wait(200, Duration::ZERO, None).is_some());
    }

    #[test]
    fn plaid_errors_are_classified_by_type_and_code() {
        assert_eq!(classify_answer(429, None), Failure::NotProcessed);
        assert_eq!(classify_answer(429, Some(("RATE_LIMIT_EXCEEDED", "TRANSACTIONS_LIMIT"))), Failure::NotProcessed);
        // The type says it whatever the status.
        assert_eq!(classify_answer(400, Some(("RATE_LIMIT_EXCEEDED", "ACCOUNTS_LIMIT"))), Failure::NotProcessed);
        assert_eq!(classify_answer(503, Some(("API_ERROR", "PLANNED_MAINTENANCE"))), Failure::NotProcessed);
        assert_eq!(classify_answer(500, Some(("API_ERROR", "INTERNAL_SERVER_ERROR"))), Failure::Ambiguous);
        assert_eq!(classify_answer(502, None), Failure::Ambiguous);
        assert_eq!(classify_answer(503, None), Failure::Ambiguous);
        assert_eq!(classify_answer(500, Some(("ITEM_ERROR", "ITEM_LOGIN_REQUIRED"))), Failure::Final);
        assert_eq!(classify_answer(400, Some(("INVALID_REQUEST", "MISSING_FIELDS"))), Failure::Final);
        // The old check compared types with these codes: a type named like a code is not one.
        assert_eq!(classify_answer(500, Some(("INTERNAL_SERVER_ERROR", "X"))), Failure::Final);
        assert_eq!(classify_answer(404, None), Failure::Final);
    }

    #[test]
    fn each_class_is_retried_after_what_its_table_says() {
        let p = RetryPolicy::default();
        let timeouts = RetryPolicy::default().with_retry_timeouts(true);
        use Failure::*;
        use RetryClass::*;
        for class in [Keyed, Read, Acting] {
            assert!(NotProcessed.retried(class, &p), "{class:?}");
            assert!(!Final.retried(class, &p), "{class:?}");
        }
        assert!(Ambiguous.retried(Keyed, &p) && Ambiguous.retried(Read, &p) && !Ambiguous.retried(Acting, &p));
        assert!(TimedOut.retried(Keyed, &p) && !TimedOut.retried(Read, &p) && TimedOut.retried(Read, &timeouts));
        assert!(!TimedOut.retried(Acting, &timeouts));
    }

    #[test]
    fn fresh_keys_fit_the_schema_and_differ() {
        assert_eq!(fresh_key(0, None).len(), 32);
        assert_eq!(fresh_key(0, Some(50)).len(), 32);
        assert_eq!(fresh_key(0, Some(10)).len(), 10);
        assert_eq!(fresh_key(40, Some(50)).len(), 40);
        assert_eq!(fresh_key(40, None).len(), 40);
        assert_ne!(fresh_key(0, None), fresh_key(0, None));
        assert!(fresh_key(0, None).bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(30)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
