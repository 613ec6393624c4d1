//! When a failed attempt is tried again, and after how long.
//!
//! The rules, applied in the `exec` hook to every operation:
//! * a connection that could not be established is retried for every operation: the request
//!   provably never reached the server;
//! * HTTP 429, 500, 502, 503, 504 and failures after the request was sent are retried only for
//!   operations that are safe to repeat (reads, and those marked `x-idempotent: true` in the spec),
//!   unless [`RetryPolicy::with_retry_non_idempotent`] opts in (a ticket creation retried after a 503 may
//!   create a second ticket);
//! * HTTP 401 is never retried as such (Huawei locks an AK after 5 failed signatures), except once
//!   after refreshing an expired IAM token or correcting the clock after "signature expired";
//! * backoff is exponential with full jitter, at least the server's `Retry-After`, bounded by
//!   [`RetryPolicy::with_max_attempts`] and [`RetryPolicy::with_max_elapsed`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How a client retries. `RetryPolicy::default()` is on; [`RetryPolicy::disabled`] is off. It is
/// configured through its `with_*` methods and read through its accessors.
///
/// ```
/// use std::time::Duration;
/// use huaweicloud_osm::RetryPolicy;
/// let patient = RetryPolicy::default()
///     .with_max_attempts(5)
///     .with_backoff(Duration::from_millis(500), Duration::from_secs(4));
/// assert_eq!(patient.max_attempts(), 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry).
    pub(crate) max_attempts: u32,
    /// Backoff before the second attempt; doubled each time, then jittered.
    pub(crate) initial_backoff: Duration,
    /// Longest single backoff.
    pub(crate) max_backoff: Duration,
    /// No retry starts once this much time has passed since the first attempt.
    pub(crate) max_elapsed: Duration,
    /// Also retry operations that are not safe to repeat after 429/5xx or a failure once the
    /// request was sent (may duplicate what they create).
    pub(crate) retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all (the IAM-token refresh and clock correction still happen once).
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of attempts (the first included).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first backoff and the cap of any backoff.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the time after which no retry starts.
    pub fn with_max_elapsed(mut self, max: Duration) -> Self {
        self.max_elapsed = max;
        self
    }

    /// Opts in to retrying operations that are not safe to repeat (see the module docs).
    pub fn with_retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// Attempts in all, the first included (1 = no retry).
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Backoff before the second attempt, and the cap of any backoff.
    pub fn backoff_bounds(&self) -> (Duration, Duration) {
        (self.initial_backoff, self.max_backoff)
    }

    /// The time after which no retry starts.
    pub fn max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    /// Whether operations that are not safe to repeat are retried too.
    pub fn retries_non_idempotent(&self) -> bool {
        self.retry_non_idempotent
    }

    /// The backoff before attempt `attempt + 1` (`attempt` >= 1): a random duration up to
    /// `min(max_backoff, initial_backoff * 2^(attempt-1))` (full jitter), and never less than the
    /// server's `Retry-After`.
    pub fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(
                1u32.checked_shl(attempt.saturating_sub(1))
                    .unwrap_or(u32::MAX),
            )
            .min(self.max_backoff);
        let jittered = exp.mul_f64(random_unit());
        match retry_after {
            Some(ra) => jittered.max(ra.min(self.max_elapsed)),
            None => jittered,
        }
    }
}

/// What happened on one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// No connection could be made: nothing reached the server.
    ConnectFailed,
    /// The exchange failed after the request may have been sent (reset, timeout, bad body).
    SentThenFailed,
    /// An HTTP status.
    Status(u16),
}

/// Whether an outcome may be retried under `policy` for an operation that is (or is not) safe to
/// repeat. 401 is handled apart (token refresh, clock correction).
pub(crate) fn is_retryable(outcome: Outcome, idempotent: bool, policy: &RetryPolicy) -> bool {
    let repeatable = idempotent || policy.retry_non_idempotent;
    match outcome {
        Outcome::ConnectFailed => true,
        Outcome::SentThenFailed => repeatable,
        Outcome::Status(429 | 500 | 502 | 503 | 504) => repeatable,
        Outcome::Status(_) => false,
    }
}

/// `Retry-After` in seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = crate::clock::parse_http_date(value)?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// A uniform number in [0, 1): splitmix64 over a counter seeded from the clock. Jitter only needs
/// spreading, not unpredictability.
fn random_unit() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut seed = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    if seed == 0 {
        seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        STATE.store(seed, Ordering::Relaxed);
    }
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creations_are_retried_only_when_nothing_was_sent_unless_opted_in() {
        let p = RetryPolicy::default();
        assert!(is_retryable(Outcome::ConnectFailed, false, &p));
        for o in [
            Outcome::SentThenFailed,
            Outcome::Status(503),
            Outcome::Status(429),
        ] {
            assert!(!is_retryable(o, false, &p), "{o:?}");
            assert!(is_retryable(o, true, &p), "{o:?}");
            assert!(is_retryable(
                o,
                false,
                &p.clone().with_retry_non_idempotent(true)
            ));
        }
        for s in [400, 401, 403, 404, 501] {
            assert!(!is_retryable(Outcome::Status(s), true, &p), "{s}");
        }
    }

    #[test]
    fn backoff_is_capped_jittered_and_honours_retry_after() {
        let p =
            RetryPolicy::default().with_backoff(Duration::from_millis(100), Duration::from_secs(1));
        for attempt in 1..40 {
            let cap = Duration::from_millis(100 * (1u64 << (attempt - 1).min(20)))
                .min(Duration::from_secs(1));
            assert!(p.backoff(attempt, None) <= cap, "attempt {attempt}");
        }
        let spread: std::collections::BTreeSet<_> = (0..20).map(|_| p.backoff(5, None)).collect();
        assert!(spread.len() > 10, "jitter spreads the waits");
        assert!(p.backoff(1, Some(Duration::from_secs(3))) >= Duration::from_secs(3));
        let capped = p.clone().with_max_elapsed(Duration::from_secs(2));
        assert_eq!(
            capped.backoff(1, Some(Duration::from_secs(3600))),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }
}
