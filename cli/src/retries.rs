//! Retries announced on standard error, as they happen: the SDK reports each through `tracing`
//! (event `retrying` with the attempt, what went wrong and the wait, inside the operation's span);
//! a small subscriber here turns those into one line each, so that a dead endpoint is never a
//! silent wait. With `--debug` it also prints the SDK's other events (attempts, their status,
//! request id and duration). It also keeps what error messages need: the operation and whether
//! any attempt got as far as being sent (if none did, obtaining the account id failed).
//!
//! The subscriber is hand-written (about 100 lines) rather than `tracing-subscriber`'s registry:
//! it needs the fields of one kind of event and the operation's name, nothing more.

use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// How many retries were announced in this run.
static RETRIED: AtomicU32 = AtomicU32::new(0);

/// How many attempts reached the sending stage (authenticated): none means that obtaining
/// credentials or the account id failed.
static ATTEMPTS: AtomicU32 = AtomicU32::new(0);

/// The operation of the latest call (progenitor's name, `list_cases`).
static OPERATION: Mutex<Option<String>> = Mutex::new(None);

/// The number of attempts that were authenticated and sent.
pub fn attempts() -> u32 {
    ATTEMPTS.load(Ordering::Relaxed)
}

/// The operation of the latest call, if any.
pub fn operation() -> Option<String> {
    OPERATION.lock().ok().and_then(|o| o.clone())
}

/// The number of retries this run made.
pub fn retried() -> u32 {
    RETRIED.load(Ordering::Relaxed)
}

/// Installs the announcer (`debug`: every SDK event, not only retries).
pub fn install(debug: bool) {
    let _ = tracing::subscriber::set_global_default(Announcer {
        debug,
        next_id: AtomicU64::new(1),
    });
}

struct Announcer {
    debug: bool,
    next_id: AtomicU64,
}

/// The fields of an event or span, as text.
#[derive(Default)]
struct Fields {
    message: String,
    pairs: Vec<(&'static str, String)>,
}

impl Fields {
    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        } else {
            self.pairs.push((field.name(), format!("{value:?}")));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_string();
        } else {
            self.pairs.push((field.name(), value.to_string()));
        }
    }
}

/// `Some(ConnectFailed)` -> `could not connect`, `Some(Status(503))` -> `HTTP 503`.
fn outcome(text: &str) -> String {
    let text = text.trim_start_matches("Some(").trim_end_matches(')');
    if text.contains("ConnectFailed") {
        "could not connect".into()
    } else if text.contains("SentThenFailed") {
        "the connection failed".into()
    } else if let Some(status) = text.strip_prefix("Status(") {
        format!("HTTP {status}")
    } else {
        text.to_string()
    }
}

impl Subscriber for Announcer {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("huaweicloud_osm")
            && (self.debug || *metadata.level() <= Level::INFO)
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        match span.metadata().name() {
            "osm.operation" => {
                let mut fields = Fields::default();
                span.record(&mut fields);
                if let Ok(mut operation) = OPERATION.lock() {
                    *operation = fields.get("operation").map(str::to_string);
                }
            }
            "osm.attempt" => {
                ATTEMPTS.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let operation = operation().unwrap_or_else(|| "the call".into());
        let mut line = String::new();
        if fields.message == "retrying" {
            RETRIED.fetch_add(1, Ordering::Relaxed);
            let wait_ms: f64 = fields
                .get("wait_ms")
                .and_then(|w| w.parse().ok())
                .unwrap_or_default();
            let _ = write!(
                line,
                "{operation}: attempt {} failed ({}); retrying in {:.1} s (retry budget {} s, --retry-budget)",
                fields.get("attempt").unwrap_or("?"),
                outcome(fields.get("outcome").unwrap_or_default()),
                wait_ms / 1000.0,
                crate::options::options().retry_budget().as_secs_f64(),
            );
        } else if self.debug {
            let _ = write!(line, "debug: {operation}: {}", fields.message);
            for (name, value) in &fields.pairs {
                let _ = write!(line, " {name}={value}");
            }
        } else {
            return;
        }
        let _ = writeln!(std::io::stderr().lock(), "osm: {line}");
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
