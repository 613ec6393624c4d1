//! When a failed attempt is tried again, and after how long. The classification
//! (`Outcome::is_transient`, which [`crate::Error::is_retryable`] reports too, and
//! `is_retryable`) and the pacing (`RetryPolicy::next_wait`) live here; the attempts loop (the
//! `exec` step, `hooks.rs`) only asks them.
//!
//! The rules, applied to every operation:
//! * a connection that could not be established is retried for every operation: the request
//!   provably never reached the server. So is a failure to obtain credentials (an IAM login, the
//!   account lookup, the instance metadata service) that is itself worth retrying (connection
//!   failure, 429, 5xx): the operation's request was not sent yet, and those exchanges are safe to
//!   repeat;
//! * HTTP 429, 500, 502, 503, 504 and failures after the request was sent are retried only for
//!   operations that are safe to repeat (reads, and those marked `x-idempotent: true` in the spec),
//!   unless [`RetryPolicy::with_retry_non_idempotent`] opts in (a ticket creation retried after a
//!   503 may create a second ticket);
//! * HTTP 401 is never retried as such (Huawei locks an AK after 5 failed signatures), except once
//!   after refreshing an expired IAM token or correcting the clock after "signature expired";
//! * retries go on until a **time budget** is spent (default 20 s from the first attempt), not for
//!   a fixed number of attempts: a burst of failures is outlasted, a server that is down is
//!   reported once the budget is spent. Backoff starts at 200 ms, doubles, is capped at 3 s and
//!   fully jittered; the last wait is shortened to end with the budget. A server's `Retry-After`
//!   is honoured, and when it asks for more than the budget has left the error is returned at
//!   once. [`RetryPolicy::with_max_attempts`] adds a bound on the number of attempts.
//!
//! The budget bounds when retries *start*: an attempt that starts within it runs to its own end
//! (bounded by the connect and attempt timeouts). To bound a whole call, retries included, use
//! [`crate::ClientBuilder::operation_timeout`]. The budget and the waits run on tokio's clock
//! (`tokio::time`), so a test on a paused runtime spends them without waiting.

use std::time::Duration;

/// Default time budget of an operation's retries, from its first attempt.
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(20);
/// Default backoff before the second attempt (doubled for each further one).
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(200);
/// Default cap of any backoff.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(3);

/// How a client retries. `RetryPolicy::default()` retries until a 20 s budget is spent
/// (see the [module docs](self)); [`RetryPolicy::disabled`] never retries. It is configured through
/// its `with_*` methods and read through its accessors.
///
/// ```
/// use std::time::Duration;
/// use huaweicloud_osm::RetryPolicy;
/// let default = RetryPolicy::default();
/// assert_eq!(default.max_elapsed(), Duration::from_secs(20));
/// assert_eq!(default.max_attempts(), None);
/// let patient = RetryPolicy::default()
///     .with_max_elapsed(Duration::from_secs(60))
///     .with_backoff(Duration::from_millis(500), Duration::from_secs(4))
///     .with_max_attempts(30);
/// assert_eq!(patient.max_attempts(), Some(30));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry); `None`: only the budget bounds them.
    pub(crate) max_attempts: Option<u32>,
    /// Backoff before the second attempt; doubled each time, then jittered.
    pub(crate) initial_backoff: Duration,
    /// Longest single backoff.
    pub(crate) max_backoff: Duration,
    /// The budget: no retry starts once this much time has passed since the first attempt.
    pub(crate) max_elapsed: Duration,
    /// Also retry operations that are not safe to repeat after 429/5xx or a failure once the
    /// request was sent (may duplicate what they create).
    pub(crate) retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: None,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
            max_elapsed: DEFAULT_BUDGET,
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all (the IAM-token refresh and clock correction still happen once).
    pub fn disabled() -> Self {
        Self {
            max_attempts: Some(1),
            ..Self::default()
        }
    }

    /// Bounds the number of attempts (the first included) as well as the time budget.
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }

    /// Sets the first backoff and the cap of any backoff.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the time budget: no retry starts once this much time has passed since the first
    /// attempt (zero: no retry).
    pub fn with_max_elapsed(mut self, max: Duration) -> Self {
        self.max_elapsed = max;
        self
    }

    /// Opts in to retrying operations that are not safe to repeat (see the module docs).
    pub fn with_retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// The bound on attempts (the first included; 1 = no retry), if any besides the budget.
    pub fn max_attempts(&self) -> Option<u32> {
        self.max_attempts
    }

    /// Backoff before the second attempt, and the cap of any backoff.
    pub fn backoff_bounds(&self) -> (Duration, Duration) {
        (self.initial_backoff, self.max_backoff)
    }

    /// The time budget: no retry starts once this much time has passed since the first attempt.
    pub fn max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    /// Whether operations that are not safe to repeat are retried too.
    pub fn retries_non_idempotent(&self) -> bool {
        self.retry_non_idempotent
    }

    /// The backoff before attempt `attempt + 1` (`attempt` >= 1): a random duration up to
    /// `min(max_backoff, initial_backoff * 2^(attempt-1))` (full jitter), and never less than the
    /// server's `Retry-After` (itself taken as at most the budget).
    pub fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let jittered = self.jittered(attempt);
        match retry_after {
            Some(ra) => jittered.max(ra.min(self.max_elapsed)),
            None => jittered,
        }
    }

    /// The wait before attempt `attempt + 1`, `elapsed` after the first attempt started, or
    /// `None` when no retry fits: the attempts are used up, the budget is spent, or the server's
    /// `Retry-After` asks for more than the budget has left. A jittered backoff longer than what
    /// is left is shortened to end with the budget.
    pub(crate) fn next_wait(
        &self,
        attempt: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if self.max_attempts.is_some_and(|max| attempt >= max) {
            return None;
        }
        let left = self
            .max_elapsed
            .checked_sub(elapsed)
            .filter(|left| !left.is_zero())?;
        let jittered = self.jittered(attempt);
        match retry_after {
            Some(ra) if ra > left => None,
            Some(ra) => Some(jittered.max(ra).min(left)),
            None => Some(jittered.min(left)),
        }
    }

    /// Full jitter over the capped exponential backoff of attempt `attempt`.
    fn jittered(&self, attempt: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(
                1u32.checked_shl(attempt.saturating_sub(1))
                    .unwrap_or(u32::MAX),
            )
            .min(self.max_backoff);
        exp.mul_f64(random_unit())
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

impl Outcome {
    /// Whether trying again may succeed: the one classification of the retry rules, which
    /// [`crate::Error::is_retryable`] reports. 401 is handled apart (token refresh, clock
    /// correction); a success status carrying a business error is never transient.
    pub(crate) fn is_transient(self) -> bool {
        matches!(
            self,
            Outcome::ConnectFailed
                | Outcome::SentThenFailed
                | Outcome::Status(429 | 500 | 502 | 503 | 504)
        )
    }
}

/// Whether an outcome may be retried under `policy` when what failed is (or is not) safe to
/// repeat: the operation itself, or the credential exchange (always safe) that failed before the
/// operation was sent. A connection that could not be made is retried whatever the operation;
/// the other transient outcomes only when repeating is safe (or the policy opts in).
pub(crate) fn is_retryable(outcome: Outcome, safe_to_repeat: bool, policy: &RetryPolicy) -> bool {
    outcome.is_transient()
        && (outcome == Outcome::ConnectFailed || safe_to_repeat || policy.retry_non_idempotent)
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

/// A uniform number in [0, 1), from the operating system's random source (`getrandom`, as
/// `ring` uses it), so that clients started together do not wait in step. Should the source fail,
/// the wait is the whole backoff (no jitter) rather than none.
fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    match getrandom::getrandom(&mut bytes) {
        Ok(()) => (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 1.0 - f64::EPSILON,
    }
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
    fn the_jitter_spreads_the_waits_uniformly_over_the_backoff() {
        // 20 000 waits before the fourth attempt (capped at 800 ms), as fractions of the cap, in
        // 10 bins. For a uniform source the chi-square statistic (9 degrees of freedom) exceeds
        // 60 with a probability under 1e-8, the mean is off 0.5 by 0.015 (7 standard deviations)
        // about once in 1e12, and the correlation of successive waits exceeds 0.05 (7 standard
        // deviations) as rarely: the test does not fail by chance, while a constant, biased,
        // half-range or repeating jitter fails it by far.
        let p = RetryPolicy::default();
        let cap = Duration::from_millis(800);
        let n = 20_000;
        let waits: Vec<f64> = (0..n)
            .map(|_| {
                let wait = p.backoff(3, None);
                assert!(wait < cap, "{wait:?}");
                wait.as_secs_f64() / cap.as_secs_f64()
            })
            .collect();
        let mut bins = [0u32; 10];
        for x in &waits {
            bins[((x * 10.0) as usize).min(9)] += 1;
        }
        let expected = f64::from(n) / 10.0;
        let chi2: f64 = bins
            .iter()
            .map(|&b| (f64::from(b) - expected).powi(2) / expected)
            .sum();
        assert!(chi2 < 60.0, "chi-square {chi2} over the bins {bins:?}");
        let mean = waits.iter().sum::<f64>() / f64::from(n);
        assert!((mean - 0.5).abs() < 0.015, "mean {mean}");
        let variance = waits.iter().map(|x| (x - mean).powi(2)).sum::<f64>();
        let covariance: f64 = waits
            .windows(2)
            .map(|w| (w[0] - mean) * (w[1] - mean))
            .sum();
        let correlation = covariance / variance;
        assert!(
            correlation.abs() < 0.05,
            "successive waits correlate: {correlation}"
        );
    }

    #[test]
    fn the_settings_read_back_as_set() {
        let ms = Duration::from_millis;
        let p = RetryPolicy::default();
        assert_eq!(
            p.backoff_bounds(),
            (DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF)
        );
        assert_eq!(p.max_elapsed(), DEFAULT_BUDGET);
        assert_eq!(p.max_attempts(), None);
        assert!(!p.retries_non_idempotent());
        let p = p
            .with_backoff(ms(500), ms(100))
            .with_max_elapsed(ms(7))
            .with_max_attempts(0)
            .with_retry_non_idempotent(true);
        assert_eq!(
            p.backoff_bounds(),
            (ms(500), ms(500)),
            "the cap is at least the first"
        );
        assert_eq!(p.max_elapsed(), ms(7));
        assert_eq!(p.max_attempts(), Some(1), "at least the first attempt");
        assert!(p.retries_non_idempotent());
        assert_eq!(RetryPolicy::disabled().max_attempts(), Some(1));
    }

    #[test]
    fn the_default_retries_until_the_budget_is_spent() {
        let p = RetryPolicy::default();
        assert_eq!(p.max_attempts(), None);
        // A read that fails every time: the waits add up to exactly the budget (the last one is
        // shortened), with at least 11 attempts whatever the jitter (waits of at most 0.2, 0.4,
        // 0.8, 1.6, then 3 s).
        for _ in 0..50 {
            let (mut elapsed, mut attempt) = (Duration::ZERO, 1);
            while let Some(wait) = p.next_wait(attempt, elapsed, None) {
                let cap =
                    Duration::from_millis(200 << (attempt - 1).min(4)).min(DEFAULT_MAX_BACKOFF);
                assert!(wait <= cap, "attempt {attempt}: {wait:?}");
                elapsed += wait;
                attempt += 1;
            }
            assert_eq!(elapsed, DEFAULT_BUDGET);
            assert!(attempt >= 11, "{attempt} attempts");
        }
        assert_eq!(p.next_wait(1, Duration::from_secs(25), None), None);
    }

    #[test]
    fn retry_after_is_honoured_within_the_budget_and_attempts_can_be_bounded() {
        let p = RetryPolicy::default();
        let secs = Duration::from_secs;
        assert!(p.next_wait(1, Duration::ZERO, Some(secs(5))).unwrap() >= secs(5));
        assert_eq!(
            p.next_wait(1, secs(16), Some(secs(5))),
            None,
            "more than the budget has left: the error is returned at once"
        );
        assert_eq!(p.next_wait(1, secs(15), Some(secs(5))), Some(secs(5)));
        let three = p.clone().with_max_attempts(3);
        assert!(three.next_wait(2, Duration::ZERO, None).is_some());
        assert_eq!(three.next_wait(3, Duration::ZERO, None), None);
        assert_eq!(
            RetryPolicy::disabled().next_wait(1, Duration::ZERO, None),
            None
        );
        assert_eq!(
            p.with_max_elapsed(Duration::ZERO)
                .next_wait(1, Duration::ZERO, None),
            None
        );
    }

    #[test]
    fn credential_failures_are_retried_like_exchanges_safe_to_repeat() {
        // The hooks classify a failure to obtain credentials with `safe_to_repeat = true`.
        let p = RetryPolicy::default();
        assert!(is_retryable(Outcome::Status(503), true, &p));
        assert!(is_retryable(Outcome::SentThenFailed, true, &p));
        assert!(!is_retryable(Outcome::Status(401), true, &p));
        assert!(!is_retryable(Outcome::Status(400), true, &p));
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
