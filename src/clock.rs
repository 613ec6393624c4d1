//! Time as the gateway sees it: the client's clock with a correctable offset (set when the server's
//! clock disagrees with ours), the `X-Sdk-Date` format, and the dates the SDK reads: HTTP dates
//! (`Date` for clock-skew learning, `Retry-After`) and IAM's ISO-8601 token expiry.
//!
//! HTTP dates are `httpdate`'s (already used by hyper). The two other formats are UTC dates and
//! times only, no time zones, so the calendar they need ([`UtcDateTime`]) is a few lines of the
//! proleptic Gregorian calendar (Howard Hinnant's `days_from_civil` and `civil_from_days`), not a
//! date-time crate: that crate was the last dependency the library waited for in a clean build, and
//! osm-sandbox, which writes and reads the same formats, uses this one too (BENCHMARKS.md, "Build
//! cost"). The tests check it against `httpdate`'s own calendar.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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

/// 9999-12-31T23:59:59Z, the last second the four-digit formats can write.
const LAST_SECOND: u64 = 253_402_300_799;

/// Days since 1970-01-01 of a date of the proleptic Gregorian calendar (`month` 1–12, `day`
/// 1–31; negative before 1970). Howard Hinnant's `days_from_civil`.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let mp = i64::from((month + 9) % 12); // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The date (year, month 1–12, day 1–31) of a number of days since 1970-01-01; the inverse of
/// [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Whether `day` exists in `month` of `year`.
fn is_real_date(year: i64, month: u32, day: u32) -> bool {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Seconds since 1970 (negative before) of a UTC date and time; `None` for a date or time that
/// does not exist (February 30th, 24:00, a leap second).
fn civil_seconds(date: (i64, u32, u32), (hour, minute, second): (u32, u32, u32)) -> Option<i64> {
    let (year, month, day) = date;
    if !is_real_date(year, month, day) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + i64::from(hour * 3600 + minute * 60 + second))
}

/// A UTC date and time of the proleptic Gregorian calendar, to the second: the calendar of
/// `X-Sdk-Date`, IAM's expiry times and OSM's time fields, for programs that write or read them
/// (osm-sandbox does).
///
/// ```
/// use huaweicloud_osm::clock::UtcDateTime;
/// let t = UtcDateTime::from_unix_seconds(951_782_400);
/// assert_eq!((t.year, t.month, t.day, t.hour), (2000, 2, 29, 0));
/// assert_eq!(t.unix_seconds(), Some(951_782_400));
/// let february_30 = UtcDateTime { day: 30, ..t };
/// assert_eq!(february_30.unix_seconds(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UtcDateTime {
    /// The year (negative before year 0, which is 1 BC).
    pub year: i64,
    /// The month, 1 to 12.
    pub month: u32,
    /// The day of the month, 1 to 31.
    pub day: u32,
    /// The hour, 0 to 23.
    pub hour: u32,
    /// The minute, 0 to 59.
    pub minute: u32,
    /// The second, 0 to 59 (no leap seconds, as Unix time).
    pub second: u32,
}

impl UtcDateTime {
    /// The date and time `secs` seconds after 1970-01-01T00:00:00Z (before it when negative).
    pub fn from_unix_seconds(secs: i64) -> Self {
        let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
        let of_day = secs.rem_euclid(86_400) as u32;
        UtcDateTime {
            year,
            month,
            day,
            hour: of_day / 3600,
            minute: of_day / 60 % 60,
            second: of_day % 60,
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z (negative before); `None` for a date or time that does
    /// not exist (February 30th, 24:00, a leap second) or a year too far out to count in seconds.
    pub fn unix_seconds(&self) -> Option<i64> {
        if self.year.unsigned_abs() > 1_000_000_000 {
            return None;
        }
        civil_seconds(
            (self.year, self.month, self.day),
            (self.hour, self.minute, self.second),
        )
    }
}

/// The time `secs` seconds and `nanos` nanoseconds after 1970; `None` before 1970.
fn since_1970(secs: i64, nanos: u32) -> Option<SystemTime> {
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

/// Formats a time as `YYYYMMDDTHHMMSSZ` (UTC), the `X-Sdk-Date` format (public as
/// `auth::signer::sdk_date`). A time before 1970 or after 9999 (a badly wrong clock) is written as
/// the epoch, which the gateway refuses.
pub fn sdk_date(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .ok()
        .filter(|&s| s <= LAST_SECOND)
        .unwrap_or(0);
    let t = UtcDateTime::from_unix_seconds(secs as i64);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// Parses an ISO-8601 timestamp such as IAM's `2020-01-04T09:05:22.701000Z`: a date
/// `YYYY-MM-DD`, `T` (or `t`, or a space), `HH:MM:SS` with an optional fraction (kept, to the
/// nanosecond), then `Z`, an offset `±hh:mm`, `±hhmm` or `±hh` (applied), or nothing (UTC). `None`
/// for anything else and for times before 1970.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use huaweicloud_osm::clock::parse_iso8601;
/// let t = UNIX_EPOCH + Duration::from_millis(1_578_128_722_701);
/// assert_eq!(parse_iso8601("2020-01-04T09:05:22.701000Z"), Some(t));
/// assert_eq!(parse_iso8601("2020-01-04 17:05:22.701+08:00"), Some(t));
/// assert_eq!(parse_iso8601("2020-02-30T00:00:00Z"), None);
/// ```
pub fn parse_iso8601(s: &str) -> Option<SystemTime> {
    let s = s.trim();
    let b = s.as_bytes();
    let digits = |from: usize, len: usize| -> Option<u32> {
        let part = b.get(from..from + len)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let separators = at(4, b'-')
        && at(7, b'-')
        && matches!(b.get(10), Some(b'T' | b't' | b' '))
        && at(13, b':')
        && at(16, b':');
    if !separators {
        return None;
    }
    let date = (i64::from(digits(0, 4)?), digits(5, 2)?, digits(8, 2)?);
    let time = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
    let mut rest = &s[19..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix(['.', ',']) {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        for (i, d) in fraction.bytes().take(len).enumerate() {
            if i < 9 {
                nanos += u32::from(d - b'0') * 10u32.pow(8 - i as u32);
            }
        }
        rest = &fraction[len..];
    }
    let offset_secs: i64 = match rest.as_bytes() {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), zone @ ..] => {
            let zone = std::str::from_utf8(zone).ok().filter(|z| z.is_ascii())?;
            let (h, m) = match zone.len() {
                2 => (zone, "00"),
                4 => zone.split_at(2),
                5 if zone.as_bytes()[2] == b':' => (&zone[..2], &zone[3..]),
                _ => return None,
            };
            let (h, m) = (two_digits(h)?, two_digits(m)?);
            if h > 23 || m > 59 {
                return None;
            }
            let secs = i64::from(h * 3600 + m * 60);
            if *sign == b'+' { secs } else { -secs }
        }
        _ => return None,
    };
    since_1970(civil_seconds(date, time)? - offset_secs, nanos)
}

/// Two ASCII digits as a number.
fn two_digits(s: &str) -> Option<u32> {
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

/// Parses an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, the `Date` and `Retry-After` format; the
/// obsolete RFC 850 and asctime forms too, as RFC 9110 asks of recipients).
pub(crate) fn parse_http_date(s: &str) -> Option<SystemTime> {
    httpdate::parse_http_date(s.trim()).ok()
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
        assert_eq!(parse_iso8601("1970-01-01T00:30:00+01:00"), None);
        assert_eq!(
            parse_iso8601("1969-12-31T23:30:00-01:00"),
            Some(UNIX_EPOCH + Duration::from_secs(1800))
        );
        assert_eq!(parse_iso8601("2020-01-04t09:05:22z"), Some(t));
        assert_eq!(parse_iso8601("2020-01-04T17:05:22+0800"), Some(t));
        assert_eq!(parse_iso8601("2020-01-04T01:05:22-08"), Some(t));
        assert_eq!(
            parse_iso8601("2020-01-04T09:05:22.123456789123Z"),
            Some(t + Duration::from_nanos(123_456_789))
        );
        for bad in [
            "2020-02-30T09:05:22Z",
            "2020-01-04T24:00:00Z",
            "2020-01-04T09:05:60Z",
            "2020-01-04T09:05:22.Z",
            "2020-01-04T09:05:22+24:00",
            "2020-01-04T09:05:22+08:0",
            "2020-01-04T09:05:22+a€",
            "2020-01-04T09:05Z",
            "2020-01-04",
            "2020-1-04T09:05:22Z",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
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

    use crate::test_support::Rng;

    /// The cases each property is checked on.
    const CASES: u64 = 512;

    /// Any bytes as a `Date` or `Retry-After` header, and any text to every parser: a time or
    /// nothing, never a panic.
    #[test]
    fn any_header_bytes_are_a_date_or_nothing() {
        for case in 0..CASES {
            let mut rng = Rng::case(case);
            let bytes = rng.bytes(63);
            let text = rng.text(64);
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
    }

    /// A real date with one character replaced parses to nothing or to a valid time that formats
    /// back to the same text.
    #[test]
    fn damaged_dates_are_refused_or_exact() {
        for case in 0..CASES {
            let mut rng = Rng::case(case);
            let t = UNIX_EPOCH + Duration::from_secs(rng.below(0..253_402_300_800));
            let at = rng.below(0..29) as usize;
            let c = char::from(rng.below(0x20..0x7F) as u8).to_string();
            let mut http = httpdate::fmt_http_date(t);
            http.replace_range(at..at + 1, &c);
            if let Some(parsed) = parse_http_date(&http) {
                assert_eq!(httpdate::fmt_http_date(parsed), http, "case {case}");
            }
        }
    }

    /// Every second from 1970 to 9999 survives HTTP-date formatting and parsing, and the
    /// calendar (`X-Sdk-Date`, ISO-8601) agrees with `httpdate`'s, an implementation of its own.
    #[test]
    fn dates_round_trip() {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        for case in 0..CASES {
            let secs = match case {
                0 => 0,
                1 => LAST_SECOND,
                2 => 951_782_400, // 2000-02-29
                _ => Rng::case(case).below(0..LAST_SECOND + 1),
            };
            let t = UNIX_EPOCH + Duration::from_secs(secs);
            let http = httpdate::fmt_http_date(t); // `Wed, 21 Oct 2015 07:28:00 GMT`
            assert_eq!(parse_http_date(&http), Some(t), "{secs}");
            let (day, month, year, time) =
                (&http[5..7], &http[8..11], &http[12..16], &http[17..25]);
            let month = MONTHS.iter().position(|m| *m == month).unwrap() + 1;
            let compact = time.replace(':', "");
            assert_eq!(
                sdk_date(t),
                format!("{year}{month:02}{day}T{compact}Z"),
                "{http}"
            );
            let iso = format!("{year}-{month:02}-{day}T{time}.25Z");
            assert_eq!(
                parse_iso8601(&iso),
                Some(t + Duration::from_millis(250)),
                "{iso}"
            );
        }
    }
}
