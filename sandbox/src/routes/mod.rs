//! The routes: the operations that keep state (v1.0, v2, attachments, iRobot) and, for every other
//! operation of the spec, its documented example.

mod attachments;
mod examples;
mod irobot;
mod v1;
mod v2;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Response};
use axum::response::IntoResponse;
use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::answer::read_whole;
use crate::app::{App, BaseUrl, RequestId};
use crate::errors::{OsmError, OsmResult};
use crate::store::Who;

/// Path prefix of the unauthenticated, unguessable download links of attachments.
pub(crate) const FILES_PREFIX: &str = "/_sandbox/files/";

/// Shared state of the handlers.
pub(crate) type AppState = Arc<App>;

/// The router of a sandbox.
pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .merge(v1::routes())
        .merge(v2::routes())
        .merge(attachments::routes())
        .merge(irobot::routes())
        .fallback(examples::fallback)
        .with_state(app)
}

/// Everything a handler needs from a request: who sent it, its query, headers and body.
pub(crate) struct Call {
    /// The authenticated user (a placeholder for unauthenticated download links).
    pub(crate) who: Who,
    /// Query pairs.
    pub(crate) query: Query,
    /// Headers.
    pub(crate) headers: HeaderMap,
    /// Body.
    pub(crate) body: Bytes,
    /// Method.
    pub(crate) method: String,
    /// Path as sent.
    pub(crate) path: String,
    /// `X-Request-Id` of the answer.
    pub(crate) request_id: String,
    /// Where clients reach the sandbox.
    pub(crate) base_url: String,
}

impl<S: Send + Sync> FromRequest<S> for Call {
    type Rejection = Response<Body>;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let body = read_whole(body)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Call::new(parts, body))
    }
}

/// A call whose body the handler reads as it streams in (the multipart uploads, which check
/// their size limits while reading); [`Call::body`] is empty.
pub(crate) struct Streaming {
    /// Everything but the body.
    pub(crate) call: Call,
    /// The body, unread.
    pub(crate) body: Body,
}

impl<S: Send + Sync> FromRequest<S> for Streaming {
    type Rejection = Response<Body>;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        Ok(Streaming {
            call: Call::new(parts, Bytes::new()),
            body,
        })
    }
}

impl Call {
    fn new(parts: Parts, body: Bytes) -> Call {
        Call {
            who: parts.extensions.get::<Who>().cloned().unwrap_or(Who {
                id: String::new(),
                name: String::new(),
            }),
            query: Query(crate::verify::parse_query(
                parts.uri.query().unwrap_or_default(),
            )),
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            request_id: parts
                .extensions
                .get::<RequestId>()
                .map(|r| r.0.clone())
                .unwrap_or_default(),
            base_url: parts
                .extensions
                .get::<BaseUrl>()
                .map(|b| b.0.clone())
                .unwrap_or_default(),
            headers: parts.headers,
            body,
        }
    }
}

impl Call {
    /// The JSON body as `T`: HTTP 400 `OSM.0001` when it is not JSON, `OSM.01010001` (HTTP 200)
    /// when it does not fit the documented schema (missing field, wrong type, over a limit).
    pub(crate) fn json<T: DeserializeOwned>(&self) -> OsmResult<T> {
        let value: Value = serde_json::from_slice(&self.body)
            .map_err(|e| OsmError::bad_request(format!("the body is not JSON: {e}")))?;
        serde_json::from_value(value).map_err(|e| OsmError::param(e.to_string()))
    }

    /// A header's value, trimmed, if present and not empty.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }
}

/// Query parameters. Arrays are accepted repeated (`k=a&k=b`) or comma-joined (`k=a,b`).
pub(crate) struct Query(pub(crate) Vec<(String, String)>);

impl Query {
    /// The first value of `key`, if present and not empty.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// The value of a required parameter.
    pub(crate) fn required(&self, key: &str) -> OsmResult<&str> {
        self.get(key)
            .ok_or_else(|| OsmError::param(format!("`{key}` is required")))
    }

    /// Every value of `key`, repeated or comma-joined.
    pub(crate) fn list(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// An integer parameter within `min..=max`.
    pub(crate) fn int(&self, key: &str, min: i64, max: i64) -> OsmResult<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => match v.trim().parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
                _ => Err(OsmError::param(format!(
                    "`{key}` must be an integer from {min} to {max}, not `{v}`"
                ))),
            },
        }
    }

    /// An array of integers.
    pub(crate) fn int_list(&self, key: &str) -> OsmResult<Vec<i32>> {
        self.list(key)
            .iter()
            .map(|v| {
                v.parse::<i32>()
                    .map_err(|_| OsmError::param(format!("`{key}` holds `{v}`, not an integer")))
            })
            .collect()
    }
}

/// A successful answer.
pub(crate) enum Reply {
    /// A JSON body.
    Json(Value),
    /// A file download, its content type from the extension of its name.
    File { name: String, data: Bytes },
}

/// A JSON answer from any serializable value (usually one of the SDK's generated types, so the
/// wire shape is the spec's).
pub(crate) fn ok<T: Serialize>(value: T) -> OsmResult<Reply> {
    serde_json::to_value(value)
        .map(Reply::Json)
        .map_err(|e| OsmError::internal().detail(e.to_string()))
}

/// The empty success body `{}`.
pub(crate) fn empty() -> OsmResult<Reply> {
    Ok(Reply::Json(Value::Object(Default::default())))
}

impl IntoResponse for Reply {
    fn into_response(self) -> axum::response::Response {
        match self {
            Reply::Json(v) => Response::builder()
                .status(200)
                .header("content-type", "application/json;charset=UTF-8")
                .body(Body::from(v.to_string()))
                .expect("valid response"),
            Reply::File { name, data } => {
                let ascii: String = name
                    .chars()
                    .map(|c| {
                        if c.is_ascii_graphic() && c != '"' && c != '\\' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let encoded = huaweicloud_osm::auth::signer::escape(&name);
                Response::builder()
                    .status(200)
                    .header(
                        "content-type",
                        mime_guess::from_path(&name)
                            .first_or_octet_stream()
                            .as_ref(),
                    )
                    .header(
                        "content-disposition",
                        format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
                    )
                    .body(Body::from(data))
                    .expect("valid response")
            }
        }
    }
}

impl IntoResponse for OsmError {
    fn into_response(self) -> axum::response::Response {
        crate::answer::error_response(&self, "")
    }
}

/// Applies `offset`/`limit` paging.
pub(crate) fn page<T>(items: Vec<T>, offset: usize, limit: usize) -> Vec<T> {
    items.into_iter().skip(offset).take(limit).collect()
}
