//! Time as the gateway sees it: the client's clock with a correctable offset (set when the server's
//! clock disagrees with ours), the `X-Sdk-Date` format, and the dates the SDK reads: HTTP dates
//! (`Date` for clock-skew learning, `Retry-After`) and IAM's ISO-8601 token expiry.
//!
//! The calendar is not ours: HTTP dates are `httpdate`'s (already used by hyper), the rest `jiff`'s.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use jiff::tz::TimeZone;
use jiff::{Timestamp, civil};

/// The client's clock: system time plus an offset in seconds learned from the server.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    /// Current time, corrected by the offset.
    pub(crate) fn now(&self) -> SystemTime {
        shift(SystemTime::now(), self.offset())
    }

    /// The offset in seconds added to the system clock (positive: the server is ahead).
    pub(crate) fn offset(&self) -> i64 {
        self.offset_secs.load(Ordering::Relaxed)
    }

    /// Sets the offset added to the system clock.
    pub(crate) fn set_offset(&self, secs: i64) {
        self.offset_secs.store(secs, Ordering::Relaxed);
    }
}

fn shift(t: SystemTime, secs: i64) -> SystemTime {
    let d = Duration::from_secs(secs.unsigned_abs());
    if secs >= 0 {
        t.checked_add(d).unwrap_or(t)
    } else {
        t.checked_sub(d).unwrap_or(t)
    }
}

/// The `X-Sdk-Date` format, `YYYYMMDDTHHMMSSZ` in UTC.
const SDK_DATE: &str = "%Y%m%dT%H%M%SZ";

/// Formats a time as `YYYYMMDDTHHMMSSZ` (UTC), the `X-Sdk-Date` format (public as
/// `auth::signer::sdk_date`). A time before 1970 or after 9999 (a badly wrong clock) is written as
/// the epoch, which the gateway refuses.
pub fn sdk_date(t: SystemTime) -> String {
    Timestamp::try_from(t)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .max(Timestamp::UNIX_EPOCH)
        .strftime(SDK_DATE)
        .to_string()
}

/// Parses an ISO-8601 timestamp such as IAM's `2020-01-04T09:05:22.701000Z` (fractions kept, a
/// `+hh:mm` offset applied, a missing zone taken as UTC, a space accepted instead of `T`; not
/// before 1970).
pub(crate) fn parse_iso8601(s: &str) -> Option<SystemTime> {
    let s = s.trim();
    match s.parse::<Timestamp>() {
        Ok(t) => since_1970(t),
        Err(_) => utc(s.parse::<civil::DateTime>().ok()?),
    }
}

/// Parses an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, the `Date` and `Retry-After` format; the
/// obsolete RFC 850 and asctime forms too, as RFC 9110 asks of recipients).
pub(crate) fn parse_http_date(s: &str) -> Option<SystemTime> {
    httpdate::parse_http_date(s.trim()).ok()
}

/// A civil date and time read as UTC.
fn utc(datetime: civil::DateTime) -> Option<SystemTime> {
    since_1970(TimeZone::UTC.to_timestamp(datetime).ok()?)
}

/// The time of a timestamp from 1970 on (no date the gateway or IAM sends is earlier).
fn since_1970(t: Timestamp) -> Option<SystemTime> {
    (t >= Timestamp::UNIX_EPOCH)
        .then(|| SystemTime::try_from(t).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn formats_sdk_dates() {
        let t = UNIX_EPOCH + Duration::from_secs(1_710_490_150); // 2024-03-15T08:09:10Z
        assert_eq!(sdk_date(t), "20240315T080910Z");
        assert_eq!(sdk_date(UNIX_EPOCH), "19700101T000000Z");
        assert_eq!(
            sdk_date(UNIX_EPOCH - Duration::from_secs(1)),
            "19700101T000000Z"
        );
        assert_eq!(sdk_date(t + Duration::from_millis(999)), "20240315T080910Z");
    }

    #[test]
    fn parses_iam_timestamps() {
        let t = UNIX_EPOCH + Duration::from_secs(1_578_128_722); // 2020-01-04T09:05:22Z
        assert_eq!(
            parse_iso8601("2020-01-04T09:05:22.701000Z"),
            Some(t + Duration::from_millis(701))
        );
        assert_eq!(parse_iso8601("2020-01-04T09:05:22Z"), Some(t));
        assert_eq!(parse_iso8601("2020-01-04 09:05:22"), Some(t));
        assert_eq!(parse_iso8601("2020-01-04T17:05:22+08:00"), Some(t));
        assert_eq!(parse_iso8601("yesterday"), None);
        assert_eq!(parse_iso8601("2020-01-04T09:05:22+"), None);
        assert_eq!(parse_iso8601("1969-12-31T23:59:59Z"), None);
    }

    #[test]
    fn parses_http_dates() {
        let t = UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT"), Some(t));
        assert_eq!(parse_http_date(" Wed, 21 Oct 2015 07:28:00 GMT "), Some(t));
        assert_eq!(
            parse_http_date("Wednesday, 21-Oct-15 07:28:00 GMT"),
            Some(t)
        );
        assert_eq!(parse_http_date("Wed, 21 Oct 2015 07:28:00 CET"), None);
        assert_eq!(parse_http_date("Wed, 21 Foo 2015 07:28:00 GMT"), None);
        assert_eq!(parse_http_date(""), None);
    }

    #[test]
    fn clock_applies_offset() {
        let c = Clock::default();
        c.set_offset(-3600);
        let diff = SystemTime::now().duration_since(c.now()).unwrap();
        assert!(diff >= Duration::from_secs(3599) && diff <= Duration::from_secs(3601));
        assert_eq!(c.offset(), -3600);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any bytes as a `Date` or `Retry-After` header, and any text to every parser: a time
        /// or nothing, never a panic.
        #[test]
        fn any_header_bytes_are_a_date_or_nothing(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
            text in ".{0,64}",
        ) {
            let mut headers = reqwest::header::HeaderMap::new();
            if let Ok(value) = reqwest::header::HeaderValue::from_bytes(&bytes) {
                if let Ok(s) = value.to_str() {
                    let _ = parse_http_date(s);
                }
                headers.insert(reqwest::header::RETRY_AFTER, value);
                let _ = crate::retry::retry_after(&headers);
            }
            let lossy = String::from_utf8_lossy(&bytes);
            for s in [text.as_str(), &lossy] {
                let _ = parse_http_date(s);
                let _ = parse_iso8601(s);
            }
        }

        /// A real HTTP date with one character replaced parses to nothing or to a valid time that
        /// formats back to the same text.
        #[test]
        fn damaged_dates_are_refused_or_exact(
            secs in 0u64..253_402_300_800,
            at in 0usize..29,
            c in "[ -~]",
        ) {
            let t = UNIX_EPOCH + Duration::from_secs(secs);
            let mut http = httpdate::fmt_http_date(t);
            http.replace_range(at..at + 1, &c);
            if let Some(parsed) = parse_http_date(&http) {
                proptest::prop_assert_eq!(httpdate::fmt_http_date(parsed), http);
            }
        }

        /// Every second from 1970 to 9999 survives HTTP-date formatting and parsing, and is
        /// written as a 16-character `X-Sdk-Date` (parsed back by osm-sandbox's tests).
        #[test]
        fn dates_round_trip(secs in 0u64..253_402_300_800) {
            let t = UNIX_EPOCH + Duration::from_secs(secs);
            proptest::prop_assert_eq!(parse_http_date(&httpdate::fmt_http_date(t)), Some(t));
            proptest::prop_assert_eq!(sdk_date(t).len(), 16);
        }
    }
}
