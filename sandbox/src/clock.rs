//! The sandbox's clocks and the time formats OSM and the gateway use.
//!
//! Two notions of "now":
//! * **gateway time** = system time + the configured clock offset (a fault: the server's clock is
//!   wrong). The `X-Sdk-Date` window (±15 minutes) and the `Date` header use it.
//! * **business time** = gateway time + the time advanced by [`crate::Sandbox::advance_clock`]. Ticket
//!   timestamps, the urge interval and IAM token expiry use it, so tests can let time pass without
//!   sleeping and without their signatures falling out of the window.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use huaweicloud_osm::clock::{UtcDateTime, parse_iso8601, sdk_date as format_sdk_date};

/// The sandbox's clock: offset and advanced time, both changeable while it runs.
#[derive(Debug, Default)]
pub(crate) struct SandboxClock {
    offset_secs: AtomicI64,
    advanced_ms: AtomicI64,
}

impl SandboxClock {
    /// Sets the offset of the server's clock from the system clock.
    pub(crate) fn set_offset(&self, secs: i64) {
        self.offset_secs.store(secs, Ordering::Relaxed);
    }

    /// The offset of the server's clock, in seconds.
    pub(crate) fn offset(&self) -> i64 {
        self.offset_secs.load(Ordering::Relaxed)
    }

    /// Lets business time pass.
    pub(crate) fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.advanced_ms.fetch_add(ms, Ordering::Relaxed);
    }

    /// Gateway time, in milliseconds since the epoch.
    pub(crate) fn gateway_ms(&self) -> i64 {
        system_ms() + self.offset() * 1000
    }

    /// Business time, in milliseconds since the epoch.
    pub(crate) fn now_ms(&self) -> i64 {
        self.gateway_ms() + self.advanced_ms.load(Ordering::Relaxed)
    }
}

fn system_ms() -> i64 {
    to_ms(SystemTime::now())
}

/// `YYYYMMDDTHHMMSSZ` (the `X-Sdk-Date` format) to milliseconds since the epoch.
pub(crate) fn parse_sdk_date(s: &str) -> Option<i64> {
    crate::verify::parse_sdk_date(s).map(to_ms)
}

/// Milliseconds since the epoch as `YYYYMMDDTHHMMSSZ` (the epoch before 1970 or after 9999).
pub(crate) fn sdk_date(ms: i64) -> String {
    let ms = u64::try_from(ms).unwrap_or(0);
    format_sdk_date(UNIX_EPOCH + Duration::from_millis(ms))
}

/// Milliseconds since the epoch as `2019-05-22T03:30:52Z` (OSM's time fields).
pub(crate) fn iso(ms: i64) -> String {
    let t = civil(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// Milliseconds since the epoch as IAM's `2020-01-04T09:05:22.701000Z`.
pub(crate) fn iam_time(ms: i64) -> String {
    let t = civil(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        clamp_ms(ms).rem_euclid(1000) * 1000
    )
}

/// 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z, in milliseconds: the times the formats'
/// four-digit years write.
const RANGE_MS: std::ops::RangeInclusive<i64> = 0..=253_402_300_799_999;

/// Milliseconds since the epoch, brought into [`RANGE_MS`] (a wrong clock, a fault, may be
/// anywhere).
fn clamp_ms(ms: i64) -> i64 {
    ms.clamp(*RANGE_MS.start(), *RANGE_MS.end())
}

/// The UTC date and time of milliseconds since the epoch (see [`clamp_ms`]).
pub(crate) fn civil(ms: i64) -> UtcDateTime {
    UtcDateTime::from_unix_seconds(clamp_ms(ms).div_euclid(1000))
}

/// Milliseconds since the epoch as an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`); clamped to
/// 1970–9999, the range of the format (httpdate refuses any other).
pub(crate) fn http_date(ms: i64) -> String {
    const LAST: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    let secs = ms.div_euclid(1000).clamp(0, LAST) as u64;
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
}

/// Parses the time filters of the list operations: `2019-05-22 03:30:52`, `2019-05-22T03:30:52Z`
/// (optionally with fractions, ignored, or a `+hh:mm` zone), `2019-05-22`, or epoch
/// milliseconds/seconds. Times without a zone are UTC; none is before 1970.
pub(crate) fn parse_time_filter(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        return Some(if s.len() >= 13 { n } else { n * 1000 });
    }
    let t = parse_iso8601(s).or_else(|| parse_iso8601(&format!("{s}T00:00:00")))?;
    Some(to_ms(t) / 1000 * 1000)
}

fn to_ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_710_490_150_000; // 2024-03-15T08:09:10Z, a Friday

    #[test]
    fn formats() {
        assert_eq!(sdk_date(T), "20240315T080910Z");
        assert_eq!(parse_sdk_date("20240315T080910Z"), Some(T));
        assert_eq!(parse_sdk_date("2024031xT080910Z"), None);
        assert_eq!(iso(T), "2024-03-15T08:09:10Z");
        assert_eq!(iam_time(T + 701), "2024-03-15T08:09:10.701000Z");
        assert_eq!(http_date(T), "Fri, 15 Mar 2024 08:09:10 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(-1), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(i64::MAX), "Fri, 31 Dec 9999 23:59:59 GMT");
        assert_eq!(iso(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(iam_time(i64::MIN), "1970-01-01T00:00:00.000000Z");
        assert_eq!(sdk_date(-1), "19700101T000000Z");
        assert_eq!(iso(951_782_400_000), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn time_filters() {
        assert_eq!(parse_time_filter("2024-03-15 08:09:10"), Some(T));
        assert_eq!(parse_time_filter("2024-03-15T16:09:10+08:00"), Some(T));
        assert_eq!(parse_time_filter("2024-03-15T08:09:10.5Z"), Some(T));
        assert_eq!(parse_time_filter("1710490150000"), Some(T));
        assert_eq!(parse_time_filter("1710490150"), Some(T));
        assert_eq!(
            parse_time_filter("2024-03-15"),
            Some(T - (8 * 3600 + 9 * 60 + 10) * 1000)
        );
        assert_eq!(parse_time_filter("yesterday"), None);
        assert_eq!(parse_time_filter("1969-12-31"), None);
    }

    #[test]
    fn clock_offset_and_advance() {
        let c = SandboxClock::default();
        let before = c.now_ms();
        c.set_offset(-3600);
        c.advance(Duration::from_secs(600));
        let diff = before - c.now_ms();
        assert!((2_990_000..=3_010_000).contains(&diff), "{diff}");
        assert!(c.now_ms() - c.gateway_ms() == 600_000);
    }
}
