//! How a failed command ends: its error on standard error as one line of text or JSON, with the
//! URL and phase of a failed exchange, and the exit status that says what kind of failure it was.

use std::io::Write;
use std::process::ExitCode;

use huaweicloud_osm::Error;

use crate::options::{self, Format};
use crate::output::status;

/// Where a failed exchange went and what it was for.
struct Exchange {
    url: String,
    /// `IAM account lookup` or `OSM call`.
    phase: &'static str,
    /// The account id lookup failed: a configuration matter (no account id was set).
    lookup: bool,
}

/// The failed exchange: the IAM account lookup when no attempt of the operation was sent and the
/// account id was to be looked up, else the operation's call (its method and path, from the SDK's
/// operation table, with the path parameters given on the line).
fn exchange() -> Option<Exchange> {
    let target = options::target()?;
    if let Some(iam) = target
        .iam_lookup
        .as_deref()
        .filter(|_| crate::retries::attempts() == 0)
    {
        return Some(Exchange {
            url: format!("GET {}/v3/auth/domains", iam.trim_end_matches('/')),
            phase: "IAM account lookup",
            lookup: true,
        });
    }
    let call = crate::retries::operation()
        .and_then(|op| huaweicloud_osm::operations::find(&op))
        .map(|meta| {
            format!(
                "{} {}{}",
                meta.method,
                target.endpoint,
                crate::current::fill_path(meta.path)
            )
        })
        .unwrap_or_else(|| target.endpoint.clone());
    Some(Exchange {
        url: call,
        phase: "OSM call",
        lookup: false,
    })
}

/// The error's message, each cause once (`a: b: c`, without repeating a cause a message already
/// quotes, as the transport and I/O errors do).
fn message(error: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// The innermost cause (`Connection refused (os error 111)`).
fn root_cause(error: &anyhow::Error) -> String {
    error
        .chain()
        .last()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

/// Prints the error of a failed command on standard error (one line of text, or JSON with
/// `--output json|jsonl`) and returns the exit status for its kind.
pub fn report(error: &anyhow::Error, format: Option<Format>) -> ExitCode {
    let sdk = error.chain().find_map(|e| e.downcast_ref::<Error>());
    let rejected = error.downcast_ref::<crate::body::Rejected>();
    let transport = matches!(sdk, Some(Error::Transport(_) | Error::Timeout { .. }));
    let exchange = if transport { exchange() } else { None };
    let (kind, code) = match (sdk, rejected) {
        (_, Some(_)) => ("usage", status::USAGE),
        (Some(e), _) if e.service().is_some() => ("service", status::SERVICE),
        (Some(e), _) if e.is_invalid_request() => ("usage", status::USAGE),
        (Some(Error::WaitTimeout { .. }), _) => ("timeout", status::SERVICE),
        _ if exchange.as_ref().is_some_and(|x| x.lookup) => ("configuration", status::LOCAL),
        (Some(Error::Transport(_) | Error::Timeout { .. } | Error::Decode { .. }), _) => {
            ("transport", status::TRANSPORT)
        }
        _ => ("local", status::LOCAL),
    };
    let mut text = message(error);
    if let Some(x) = &exchange {
        let retried = crate::retries::retried();
        // The SDK's line names the cause and the request (`… for GET http://…`); a failure it
        // does not place (the IAM lookup's) is placed here.
        let line = sdk
            .map(|e| e.to_string())
            .filter(|line| line.contains(" for "))
            .unwrap_or_else(|| {
                let head = match sdk {
                    Some(e @ Error::Timeout { .. }) => e.to_string(),
                    _ => "transport error".to_string(),
                };
                format!("{head}: {} for {}", root_cause(error), x.url)
            });
        text = format!(
            "{line} ({}){}",
            x.phase,
            if retried > 0 {
                format!(
                    "; gave up after {retried} retr{} within the {} s retry budget (--retry-budget SECONDS to wait longer)",
                    if retried == 1 { "y" } else { "ies" },
                    options::options().retry_budget().as_secs_f64()
                )
            } else {
                String::new()
            }
        );
        if x.lookup {
            text.push_str(
                "; no account (domain) id is set, so osm looked it up through IAM: set \
                 HUAWEICLOUD_SDK_DOMAIN_ID, or domain_id in the profile (`osm configure`), or \
                 HUAWEICLOUD_SDK_IAM_ENDPOINT to an IAM endpoint you can reach",
            );
        }
    }
    let json = matches!(format, Some(Format::Json | Format::Jsonl));
    let mut err = std::io::stderr().lock();
    let _ = if json {
        let mut object = serde_json::json!({ "kind": kind, "message": text });
        if let Some(e) = sdk {
            object["code"] = e.code().into();
            object["message"] = e.message().map_or(text.clone(), String::from).into();
            object["status"] = e.status().into();
            object["request_id"] = e.request_id().into();
        }
        if let Some(x) = &exchange {
            object["message"] = text.clone().into();
            object["url"] = x.url.clone().into();
            object["phase"] = x.phase.into();
        }
        if let Some(r) = rejected {
            object["message"] = r.summary().into();
            object["problems"] = r.problems_json();
        }
        writeln!(err, "{}", serde_json::json!({ "error": object }))
    } else {
        writeln!(err, "error: {text}")
    };
    ExitCode::from(code)
}
