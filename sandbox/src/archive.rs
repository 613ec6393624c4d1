//! ZIP archives of several attachments (the "compressed package" a batch download returns), and a
//! reader for them so tests can check every file byte for byte.
//!
//! The writer stores entries without compression (method 0): a valid ZIP that every unzip tool
//! opens. The reader accepts stored entries only; it is meant for archives this sandbox wrote.

/// An error reading an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveError(pub String);

impl std::fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not a readable ZIP archive: {}", self.0)
    }
}

impl std::error::Error for ArchiveError {}

/// Writes a ZIP archive of `(file name, content)` entries, stored, dated `modified_ms` (epoch ms).
pub fn write_zip(entries: &[(String, Vec<u8>)], modified_ms: i64) -> Vec<u8> {
    let (time, date) = dos_time(modified_ms);
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let crc = crc32(data);
        let offset = out.len() as u32;
        let size = data.len() as u32;
        let name = name.as_bytes();
        // Local file header.
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for v in [20u16, 0x0800, 0, time, date] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name);
        out.extend_from_slice(data);
        // Central directory header.
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, 0x0800, 0, time, date] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [name.len() as u16, 0, 0, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
    }
    let cd_offset = out.len() as u32;
    let cd_size = central.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    let count = entries.len() as u16;
    for v in [0u16, 0, count, count] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// Reads the `(file name, content)` entries of a ZIP archive with stored entries, checking each
/// entry's CRC-32.
pub fn read_zip(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ArchiveError> {
    let err = |m: &str| ArchiveError(m.to_string());
    let u16_at = |at: usize| -> Result<u16, ArchiveError> {
        bytes
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .ok_or_else(|| err("truncated"))
    };
    let u32_at = |at: usize| -> Result<u32, ArchiveError> {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| err("truncated"))
    };
    if bytes.len() < 22 {
        return Err(err("too short"));
    }
    let eocd = (0..=bytes.len() - 22)
        .rev()
        .find(|&i| bytes[i..i + 4] == 0x0605_4b50u32.to_le_bytes())
        .ok_or_else(|| err("no end of central directory"))?;
    let count = u16_at(eocd + 10)? as usize;
    let mut at = u32_at(eocd + 16)? as usize;
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        if u32_at(at)? != 0x0201_4b50 {
            return Err(err("bad central directory header"));
        }
        let method = u16_at(at + 10)?;
        let crc = u32_at(at + 16)?;
        let size = u32_at(at + 20)? as usize;
        let name_len = u16_at(at + 28)? as usize;
        let extra_len = u16_at(at + 30)? as usize;
        let comment_len = u16_at(at + 32)? as usize;
        let local = u32_at(at + 42)? as usize;
        let name = bytes
            .get(at + 46..at + 46 + name_len)
            .ok_or_else(|| err("truncated name"))?;
        let name = String::from_utf8_lossy(name).into_owned();
        if method != 0 {
            return Err(err(&format!(
                "entry `{name}` is compressed (method {method})"
            )));
        }
        if u32_at(local)? != 0x0403_4b50 {
            return Err(err("bad local file header"));
        }
        let start = local + 30 + u16_at(local + 26)? as usize + u16_at(local + 28)? as usize;
        let data = bytes
            .get(start..start + size)
            .ok_or_else(|| err("truncated entry"))?
            .to_vec();
        if crc32(&data) != crc {
            return Err(err(&format!("CRC mismatch in `{name}`")));
        }
        entries.push((name, data));
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(entries)
}

/// CRC-32 (IEEE 802.3), as ZIP uses it.
pub fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    let mut crc = !0u32;
    for &b in data {
        crc = TABLE[((crc ^ b as u32) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// MS-DOS time and date of an epoch-milliseconds instant (UTC; 1980 at the earliest).
fn dos_time(ms: i64) -> (u16, u16) {
    let iso = crate::clock::iso(ms.max(315_532_800_000)); // 1980-01-01
    let n = |r: std::ops::Range<usize>| iso[r].parse::<u16>().unwrap_or(0);
    let (y, mo, d, h, mi, s) = (n(0..4), n(5..7), n(8..10), n(11..13), n(14..16), n(17..19));
    (
        (h << 11) | (mi << 5) | (s / 2),
        ((y - 1980) << 9) | (mo << 5) | d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn round_trip() {
        let entries = vec![
            ("a.txt".to_string(), b"hello".to_vec()),
            ("图片.png".to_string(), (0..=255u8).collect()),
            ("empty".to_string(), Vec::new()),
        ];
        let zip = write_zip(&entries, 1_710_490_150_000);
        assert_eq!(&zip[..4], b"PK\x03\x04");
        assert_eq!(read_zip(&zip).unwrap(), entries);
        let mut broken = zip.clone();
        broken[40] ^= 0xFF; // inside the first entry's data
        assert!(read_zip(&broken).is_err());
        assert!(read_zip(b"not a zip at all, really not").is_err());
    }
}
