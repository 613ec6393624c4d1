//! What the handlers answer with and how they read a request's body: a JSON answer, an error
//! answer, and a body read whole within [`MAX_BODY`].

use axum::body::Body;
use axum::http::{HeaderValue, Response};
use bytes::Bytes;

use crate::errors::OsmError;

/// Largest request body (8 MiB). The largest documented one is a 4 MB attachment sent as Base64 in
/// JSON (`UploadJsonAccessories`, under 6 MB); a multipart upload of 4 MB has some kilobytes more,
/// and multer bounds those to the part limits while they stream. Every other body is JSON of a few
/// kilobytes.
pub(crate) const MAX_BODY: usize = 8 * 1024 * 1024;

/// Reads a whole body: HTTP 413 once it has more than [`MAX_BODY`] bytes (every body is
/// [`http_body_util::Limited`] to it), HTTP 400 when it cannot be read.
pub(crate) async fn read_whole(body: Body) -> Result<Bytes, OsmError> {
    axum::body::to_bytes(body, usize::MAX).await.map_err(|e| {
        let mut cause = std::error::Error::source(&e);
        let mut over = false;
        while let Some(c) = cause {
            over |= c.is::<http_body_util::LengthLimitError>();
            cause = c.source();
        }
        if over {
            OsmError::too_large(MAX_BODY)
        } else {
            OsmError::bad_request(format!("unreadable body: {e}"))
        }
    })
}

/// A JSON answer.
pub(crate) fn json(status: u16, body: &serde_json::Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json;charset=UTF-8")
        .body(Body::from(body.to_string()))
        .expect("valid response")
}

/// An error answer with its JSON body.
pub(crate) fn error_response(error: &OsmError, request_id: &str) -> Response<Body> {
    let mut builder = Response::builder()
        .status(error.status)
        .header("content-type", "application/json;charset=UTF-8");
    if let Some(detail) = &error.detail {
        let flat: String = detail
            .chars()
            .filter(|c| !c.is_control())
            .take(2000)
            .collect();
        if let Ok(v) = HeaderValue::from_str(&flat) {
            builder = builder.header("x-sandbox-error-detail", v);
        }
    }
    builder
        .body(Body::from(error.body(request_id).to_string()))
        .expect("valid response")
}
