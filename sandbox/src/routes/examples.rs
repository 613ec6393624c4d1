//! Every operation without state answers with its documented example (after checking that the
//! required parameters are there), so the whole client can be exercised.

use serde_json::Value;

use super::{Call, Reply};
use crate::errors::{OsmError, OsmResult};

/// Answers a request no stateful route took.
pub(super) async fn fallback(call: Call) -> axum::response::Response {
    use axum::response::IntoResponse;
    match answer(&call) {
        Ok(reply) => reply.into_response(),
        Err(e) => crate::answer::error_response(&e, &call.request_id),
    }
}

fn answer(call: &Call) -> OsmResult<Reply> {
    let (op, _) =
        crate::examples::find(&call.method, &call.path).ok_or_else(OsmError::no_such_api)?;
    for (place, name) in &op.required {
        let present = match place.as_str() {
            "query" => !call.query.list(name).is_empty(),
            "header" => call.header(name).is_some(),
            _ => true,
        };
        if !present {
            return Err(OsmError::param(format!(
                "{place} parameter `{name}` is required"
            )));
        }
    }
    if op.binary {
        return Ok(Reply::File {
            name: format!("{}.bin", op.id),
            data: bytes::Bytes::from_static(b"sandbox"),
        });
    }
    Ok(Reply::Json(
        op.example
            .clone()
            .unwrap_or(Value::Object(Default::default())),
    ))
}
