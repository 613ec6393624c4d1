//! Fault injection: deterministic from a seed, so a failing test fails the same way every run.
//!
//! Each request draws its fate from a xorshift generator seeded by [`Faults::seed`]: with the same
//! seed and the same order of requests, the same requests fail. [`Faults::script`] lists exact fates
//! for the next requests, used before any drawing.

use std::collections::VecDeque;
use std::time::Duration;

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Served normally.
    None,
    /// Answered with this HTTP status (500, 502, 503, 504: a server error body; 429: throttled,
    /// with `Retry-After`) without being processed.
    Status(u16),
    /// The connection is closed before the request is processed (nothing happens on the server).
    DropBefore,
    /// The request is processed (a ticket may be created), then the connection is closed before
    /// the response is sent.
    DropAfter,
    /// Served normally after this extra delay.
    Delay(Duration),
}

/// How the sandbox misbehaves. `Faults::default()` (= [`Faults::none`]) serves every request.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Seed of the generator that decides which requests fail.
    pub seed: u64,
    /// Share (0.0–1.0) of requests answered with a server error (500 or 503, drawn).
    pub server_error_rate: f64,
    /// Share of requests answered `429 Too Many Requests` with `Retry-After`.
    pub throttle_rate: f64,
    /// Share of requests whose connection is dropped before they are processed.
    pub drop_before_rate: f64,
    /// Share of requests whose connection is dropped after they were processed.
    pub drop_after_rate: f64,
    /// Delay added to every request that is served.
    pub latency: Duration,
    /// Value of `Retry-After` on 429 answers, in seconds.
    pub retry_after_secs: u64,
    /// Offset of the server's clock from the real time, in seconds (positive: ahead). Requests whose
    /// `X-Sdk-Date` is more than 15 minutes from the server's clock are rejected.
    pub clock_offset_secs: i64,
    /// Exact fates of the next requests, in order, used before the rates.
    pub script: Vec<Fault>,
    /// The rates apply to reads only (`GET`, `HEAD`): what changes state is always served (as by
    /// a proxy that fails reads). Scripts apply to every request.
    pub reads_only: bool,
}

impl Default for Faults {
    fn default() -> Self {
        Self::none()
    }
}

impl Faults {
    /// No fault at all.
    pub fn none() -> Self {
        Faults {
            seed: 0x5eed,
            server_error_rate: 0.0,
            throttle_rate: 0.0,
            drop_before_rate: 0.0,
            drop_after_rate: 0.0,
            latency: Duration::ZERO,
            retry_after_secs: 1,
            clock_offset_secs: 0,
            script: Vec::new(),
            reads_only: false,
        }
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Answers this share of requests with 500 or 503.
    pub fn server_errors(mut self, rate: f64) -> Self {
        self.server_error_rate = rate;
        self
    }

    /// Answers this share of requests with 429 and `Retry-After: secs`.
    pub fn throttling(mut self, rate: f64, retry_after_secs: u64) -> Self {
        self.throttle_rate = rate;
        self.retry_after_secs = retry_after_secs;
        self
    }

    /// Drops the connection of this share of requests before processing them.
    pub fn drops_before(mut self, rate: f64) -> Self {
        self.drop_before_rate = rate;
        self
    }

    /// Drops the connection of this share of requests after processing them.
    pub fn drops_after(mut self, rate: f64) -> Self {
        self.drop_after_rate = rate;
        self
    }

    /// Adds this delay to every request.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Sets the server's clock this many seconds ahead of real time (negative: behind).
    pub fn clock_offset(mut self, secs: i64) -> Self {
        self.clock_offset_secs = secs;
        self
    }

    /// Applies the rates to reads (`GET`, `HEAD`) only.
    pub fn reads_only(mut self) -> Self {
        self.reads_only = true;
        self
    }

    /// The next requests get exactly these fates, in order.
    pub fn script(mut self, fates: impl IntoIterator<Item = Fault>) -> Self {
        self.script = fates.into_iter().collect();
        self
    }
}

/// Fault configuration plus the generator's state.
#[derive(Debug)]
pub(crate) struct FaultState {
    pub(crate) faults: Faults,
    rng: Rng,
    script: VecDeque<Fault>,
}

impl FaultState {
    pub(crate) fn new(faults: Faults) -> Self {
        FaultState {
            rng: Rng::new(faults.seed),
            script: faults.script.iter().copied().collect(),
            faults,
        }
    }

    /// The fate of the next request (`read`: a `GET` or `HEAD`). Rates are checked in order: drop
    /// before, server error, throttle, drop after; the latency applies to requests that are served.
    pub(crate) fn next(&mut self, read: bool) -> Fault {
        if let Some(f) = self.script.pop_front() {
            return f;
        }
        let f = &self.faults;
        if f.reads_only && !read {
            return delay_or_none(f.latency);
        }
        let rates = [
            f.drop_before_rate,
            f.server_error_rate,
            f.throttle_rate,
            f.drop_after_rate,
        ];
        if rates.iter().all(|r| *r <= 0.0) {
            return delay_or_none(f.latency);
        }
        let draw = self.rng.unit();
        let mut acc = 0.0;
        for (i, rate) in rates.iter().enumerate() {
            acc += rate.max(0.0);
            if draw < acc {
                return match i {
                    0 => Fault::DropBefore,
                    1 => Fault::Status(if self.rng.next_u64().is_multiple_of(2) {
                        500
                    } else {
                        503
                    }),
                    2 => Fault::Status(429),
                    _ => Fault::DropAfter,
                };
            }
        }
        delay_or_none(f.latency)
    }
}

fn delay_or_none(latency: Duration) -> Fault {
    if latency.is_zero() {
        Fault::None
    } else {
        Fault::Delay(latency)
    }
}

/// xorshift64* — small, fast, deterministic; not for secrets.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator for `seed` (any value, 0 included).
    pub(crate) fn new(seed: u64) -> Self {
        // splitmix64 of the seed, so nearby seeds give unrelated streams and 0 is not a fixed point.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    /// The generator's state, to go on from it later ([`Rng::from_state`]).
    pub(crate) fn state(&self) -> u64 {
        self.0
    }

    /// A generator that goes on from `state` (never 0, a fixed point of xorshift).
    pub(crate) fn from_state(state: u64) -> Self {
        Rng(if state == 0 {
            0x2545_F491_4F6C_DD1D
        } else {
            state
        })
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `n` random bytes as lowercase hex.
    pub(crate) fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n * 2);
        while s.len() < n * 2 {
            s.push_str(&format!("{:016x}", self.next_u64()));
        }
        s.truncate(n * 2);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_fates() {
        let faults = Faults::none()
            .seed(42)
            .server_errors(0.3)
            .throttling(0.2, 2);
        let run = || {
            let mut s = FaultState::new(faults.clone());
            (0..200).map(|_| s.next(true)).collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        let errors = a
            .iter()
            .filter(|f| matches!(f, Fault::Status(500 | 503)))
            .count();
        let throttled = a.iter().filter(|f| **f == Fault::Status(429)).count();
        assert!((35..85).contains(&errors), "{errors}");
        assert!((20..65).contains(&throttled), "{throttled}");
        let other = FaultState::new(faults.seed(43));
        let _ = other;
    }

    #[test]
    fn script_comes_first_then_rates() {
        let mut s = FaultState::new(
            Faults::none()
                .script([Fault::Status(503), Fault::DropAfter])
                .latency(Duration::from_millis(5)),
        );
        assert_eq!(s.next(true), Fault::Status(503));
        assert_eq!(s.next(true), Fault::DropAfter);
        assert_eq!(s.next(true), Fault::Delay(Duration::from_millis(5)));
    }

    #[test]
    fn reads_only_spares_what_changes_state() {
        let mut s = FaultState::new(Faults::none().server_errors(1.0).reads_only());
        assert_eq!(s.next(false), Fault::None);
        assert!(matches!(s.next(true), Fault::Status(500 | 503)));
    }

    #[test]
    fn rng_is_deterministic_and_spread() {
        let mut a = Rng::new(0);
        let mut b = Rng::new(0);
        assert_eq!(a.next_u64(), b.next_u64());
        assert_eq!(a.hex(16).len(), 32);
        let mean: f64 = (0..10_000).map(|_| a.unit()).sum::<f64>() / 10_000.0;
        assert!((0.45..0.55).contains(&mean), "{mean}");
    }
}
