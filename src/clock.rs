//! Time as the gateway sees it: `X-Sdk-Date` formatting, IAM timestamp parsing, and the client's
//! clock with a correctable offset (set when the server's clock disagrees with ours).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The client's clock: system time plus an offset in seconds learned from the server.
#[derive(Debug, Default)]
pub struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    /// Current time, corrected by the offset.
    pub fn now(&self) -> SystemTime {
        shift(SystemTime::now(), self.offset())
    }

    /// The offset in seconds added to the system clock (positive: the server is ahead).
    pub fn offset(&self) -> i64 {
        self.offset_secs.load(Ordering::Relaxed)
    }

    /// Sets the offset added to the system clock.
    pub fn set_offset(&self, secs: i64) {
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

/// Formats a time as `YYYYMMDDTHHMMSSZ` (UTC), the `X-Sdk-Date` format.
pub fn sdk_date(t: SystemTime) -> String {
    let (y, mo, d, h, mi, s) = utc_from_unix(unix_secs(t));
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// Formats a time as an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`), the `Date` header format.
pub fn http_date(t: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = unix_secs(t);
    let (y, mo, d, h, mi, s) = utc_from_unix(secs);
    let weekday = DAYS[secs.div_euclid(86_400).rem_euclid(7) as usize];
    let month = MONTHS[(mo - 1) as usize];
    format!("{weekday}, {d:02} {month} {y:04} {h:02}:{mi:02}:{s:02} GMT")
}

/// Seconds since the Unix epoch (0 for earlier times).
fn unix_secs(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The UTC calendar date and time of `secs` seconds since the Unix epoch:
/// `(year, month, day, hour, minute, second)`.
pub fn utc_from_unix(secs: i64) -> (i64, i64, i64, i64, i64, i64) {
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    (y, mo, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Seconds since the Unix epoch of a UTC calendar date and time; `None` when a field is out of
/// range (month 1–12, day 1–31, hour 0–23, minute 0–59, second 0–60).
pub fn unix_from_utc(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Option<i64> {
    if !(1..=12).contains(&mo)
        || !(1..=31).contains(&d)
        || !(0..=23).contains(&h)
        || !(0..=59).contains(&mi)
        || !(0..=60).contains(&s)
    {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

/// Parses `YYYYMMDDTHHMMSSZ` back into a time.
pub fn parse_sdk_date(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    from_parts(
        num(0..4)?,
        num(4..6)?,
        num(6..8)?,
        num(9..11)?,
        num(11..13)?,
        num(13..15)?,
    )
}

/// Parses an ISO-8601 UTC timestamp such as IAM's `2020-01-04T09:05:22.701000Z` (fractions ignored;
/// a `+hh:mm` offset is applied; a missing zone means UTC).
pub fn parse_iso8601(s: &str) -> Option<SystemTime> {
    let s = s.trim();
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b' ') {
        return None;
    }
    let base = from_parts(
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    )?;
    let mut rest = &s[19..];
    if let Some(r) = rest.strip_prefix('.') {
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        rest = &r[digits..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        zone => {
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hh: i64 = zone.get(1..3)?.parse().ok()?;
            let mm: i64 = zone.get(zone.len() - 2..)?.parse().ok()?;
            sign * (hh * 3600 + mm * 60)
        }
    };
    Some(shift(base, -offset))
}

/// Parses an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, the `Date` and `Retry-After` format).
pub fn parse_http_date(s: &str) -> Option<SystemTime> {
    let mut parts = s.split_whitespace();
    let _weekday = parts.next()?;
    let day: i64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi, sec) = (hms.next()??, hms.next()??, hms.next()??);
    if parts.next()? != "GMT" {
        return None;
    }
    from_parts(year, month, day, h, mi, sec)
}

fn from_parts(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Option<SystemTime> {
    let secs = unix_from_utc(y, mo, d, h, mi, s)?;
    u64::try_from(secs)
        .ok()
        .map(|secs| UNIX_EPOCH + Duration::from_secs(secs))
}

// Howard Hinnant's civil-date algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_sdk_dates() {
        let t = UNIX_EPOCH + Duration::from_secs(1_710_490_150); // 2024-03-15T08:09:10Z
        assert_eq!(sdk_date(t), "20240315T080910Z");
        assert_eq!(parse_sdk_date("20240315T080910Z"), Some(t));
        assert_eq!(sdk_date(UNIX_EPOCH), "19700101T000000Z");
        assert_eq!(parse_sdk_date("2024-03-15"), None);
        assert_eq!(parse_sdk_date("20241315T080910Z"), None);
    }

    #[test]
    fn parses_iam_timestamps() {
        let t = UNIX_EPOCH + Duration::from_secs(1_578_128_722); // 2020-01-04T09:05:22Z
        assert_eq!(parse_iso8601("2020-01-04T09:05:22.701000Z"), Some(t));
        assert_eq!(parse_iso8601("2020-01-04T09:05:22Z"), Some(t));
        assert_eq!(parse_iso8601("2020-01-04 09:05:22"), Some(t));
        assert_eq!(parse_iso8601("2020-01-04T17:05:22+08:00"), Some(t));
        assert_eq!(parse_iso8601("yesterday"), None);
        assert_eq!(parse_iso8601("2020-01-04T09:05:22+"), None);
    }

    #[test]
    fn parses_http_dates() {
        let t = UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(http_date(t), "Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(parse_http_date(&http_date(t)), Some(t));
        assert_eq!(utc_from_unix(1_445_412_480), (2015, 10, 21, 7, 28, 0));
        assert_eq!(unix_from_utc(2015, 10, 21, 7, 28, 0), Some(1_445_412_480));
        assert_eq!(unix_from_utc(2015, 13, 21, 7, 28, 0), None);
        assert_eq!(parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT"), Some(t));
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
}
