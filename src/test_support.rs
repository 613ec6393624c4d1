//! Scaffolding of the unit tests (`cfg(test)` only), written here so that the library's test build
//! (and the examples, which share its dev-dependencies) need no test crates: temporary directories,
//! and the pseudo-random inputs of the property tests.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A directory of its own under the system's temporary directory, removed with everything in it
/// when dropped.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    /// The directory.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A new, empty temporary directory (named after the process and a counter, so that tests
/// running at once never share one).
pub(crate) fn tempdir() -> std::io::Result<TempDir> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("huaweicloud-osm-unit-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(TempDir(dir))
}

/// Pseudo-random inputs for property tests (SplitMix64): case `n` of a test always draws the same
/// values, so a failure names the case that reproduces it.
pub(crate) struct Rng(u64);

impl Rng {
    /// The generator of case `case`.
    pub(crate) fn case(case: u64) -> Self {
        Rng(case.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `range` (half-open, not empty).
    pub(crate) fn below(&mut self, range: std::ops::Range<u64>) -> u64 {
        range.start + self.next_u64() % (range.end - range.start)
    }

    /// Up to `max` arbitrary bytes.
    pub(crate) fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = self.below(0..max as u64 + 1) as usize;
        (0..len).map(|_| self.next_u64() as u8).collect()
    }

    /// One character: printable ASCII half the time (the alphabet of dates), any other Unicode
    /// scalar value but a newline otherwise.
    pub(crate) fn char(&mut self) -> char {
        if self.next_u64().is_multiple_of(2) {
            return char::from(self.below(0x20..0x7F) as u8);
        }
        loop {
            match char::from_u32(self.below(0..0x11_0000) as u32) {
                Some(c) if c != '\n' => return c,
                _ => continue,
            }
        }
    }

    /// Up to `max` characters of [`Rng::char`].
    pub(crate) fn text(&mut self, max: usize) -> String {
        let len = self.below(0..max as u64 + 1) as usize;
        (0..len).map(|_| self.char()).collect()
    }
}
