//! When a failed attempt is tried again, and after how long.

use std::time::{Duration, SystemTime};

/// How the client retries transient failures.
///
/// A call is retried on a connection failure (the request never reached Plaid), on HTTP 429,
/// and on a 5xx whose body is not a Plaid error or is one of the error types Plaid documents
/// as transient (`INTERNAL_SERVER_ERROR`, `PLANNED_MAINTENANCE`, `RATE_LIMIT_EXCEEDED`).
/// It is never retried on other 4xx answers: those mean the request itself is wrong.
///
/// A timeout is not retried unless [`RetryPolicy::with_retry_timeouts`] says so, because the
/// server may already have acted on the request (an exchanged public token cannot be exchanged
/// twice).
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

/// The error types Plaid documents as transient: worth another attempt.
pub(crate) const TRANSIENT_ERROR_TYPES: &[&str] = &["INTERNAL_SERVER_ERROR", "PLANNED_MAINTENANCE", "RATE_LIMIT_EXCEEDED"];

/// Whether an HTTP answer is worth retrying. `error_type` is the Plaid error type of the body,
/// when the body is a Plaid error.
pub(crate) fn retryable_status(status: u16, error_type: Option<&str>) -> bool {
    match status {
        429 => true,
        500..=599 => error_type.is_none_or(|t| TRANSIENT_ERROR_TYPES.contains(&t)),
        _ => false,
    }
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
    fn only_transient_answers_are_retryable() {
        assert!(retryable_status(429, None));
        assert!(retryable_status(429, Some("INVALID_REQUEST")));
        assert!(retryable_status(503, None));
        assert!(retryable_status(500, Some("INTERNAL_SERVER_ERROR")));
        assert!(retryable_status(503, Some("PLANNED_MAINTENANCE")));
        assert!(!retryable_status(500, Some("ITEM_ERROR")));
        assert!(!retryable_status(400, Some("INVALID_REQUEST")));
        assert!(!retryable_status(400, Some("RATE_LIMIT_EXCEEDED")));
        assert!(!retryable_status(404, None));
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
