//! The ZIP archive of several attachments (the "compressed package" a batch download returns):
//! entries written by the `zip` crate, deflate-compressed with the feature `deflate` (the
//! default), stored without it.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// How the entries are written: deflated as Huawei's are, or stored without the feature `deflate`.
#[cfg(feature = "deflate")]
const METHOD: CompressionMethod = CompressionMethod::Deflated;
/// How the entries are written: stored (the feature `deflate` deflates them, as Huawei's are).
#[cfg(not(feature = "deflate"))]
const METHOD: CompressionMethod = CompressionMethod::Stored;

/// A ZIP archive of `(file name, content)` entries, deflated (see [`METHOD`]), dated
/// `modified_ms` (epoch milliseconds, UTC). The names must be distinct.
pub(crate) fn zip(
    entries: &[(String, &[u8])],
    modified_ms: i64,
) -> zip::result::ZipResult<Vec<u8>> {
    let options = SimpleFileOptions::default()
        .compression_method(METHOD)
        .last_modified_time(dos_time(modified_ms));
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        writer.start_file(name.as_str(), options)?;
        writer.write_all(data)?;
    }
    Ok(writer.finish()?.into_inner())
}

/// The MS-DOS date and time of an instant (UTC; 1980-01-01, the format's first day, when earlier
/// or unreadable).
fn dos_time(ms: i64) -> DateTime {
    let t = crate::clock::civil(ms);
    let (Ok(year), Ok(month), Ok(day), Ok(hour), Ok(minute), Ok(second)) = (
        u16::try_from(t.year),
        u8::try_from(t.month),
        u8::try_from(t.day),
        u8::try_from(t.hour),
        u8::try_from(t.minute),
        u8::try_from(t.second),
    ) else {
        return DateTime::default();
    };
    DateTime::from_date_and_time(year, month, day, hour, minute, second).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn entries_are_deflated_and_read_back_byte_for_byte() {
        let text = "日志 log line\r\n".repeat(2000).into_bytes();
        let binary: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
        let entries = [
            ("a.txt".to_string(), text.as_slice()),
            ("图片.png".to_string(), binary.as_slice()),
            ("empty.log".to_string(), &[][..]),
        ];
        let bytes = zip(&entries, 1_710_490_150_000).unwrap(); // 2024-03-15T08:09:10Z
        assert!(
            bytes.len() < text.len(),
            "compressed: {} bytes",
            bytes.len()
        );
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), entries.len());
        for (i, (name, data)) in entries.iter().enumerate() {
            let mut file = archive.by_index(i).unwrap();
            assert_eq!(file.name().unwrap(), name.as_str());
            assert_eq!(file.compression(), METHOD);
            let modified = file.last_modified().unwrap();
            assert_eq!(
                (modified.year(), modified.month(), modified.day()),
                (2024, 3, 15)
            );
            assert_eq!(
                (modified.hour(), modified.minute(), modified.second()),
                (8, 9, 10)
            );
            let mut read = Vec::new();
            file.read_to_end(&mut read).unwrap();
            assert_eq!(&read, data);
        }
    }

    #[test]
    fn times_before_1980_are_the_first_dos_day() {
        assert_eq!(dos_time(0), DateTime::default());
        assert_eq!(dos_time(i64::MIN), DateTime::default());
        assert_eq!(dos_time(i64::MAX), DateTime::default());
    }

    #[test]
    fn a_corrupted_archive_is_an_error_not_a_panic() {
        let data = b"hello hello hello hello".repeat(100);
        let mut bytes = zip(&[("a.txt".to_string(), data.as_slice())], 0).unwrap();
        bytes[45] ^= 0xFF; // inside the compressed data
        let result = zip::ZipArchive::new(Cursor::new(bytes)).and_then(|mut a| {
            let mut out = Vec::new();
            a.by_index(0)?.read_to_end(&mut out)?;
            Ok(out)
        });
        assert!(result.is_err_and(|e| !e.to_string().is_empty()));
    }
}
