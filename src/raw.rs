//! The escape hatch: any method and path, sent like a generated operation.
//!
//! For an endpoint the spec does not describe yet (or to see the raw JSON of one it does),
//! [`Client::raw`] builds a request that goes through the same hooks as every operation: the
//! client's default headers, a fresh SDK-HMAC-SHA256 signature (or IAM token) per attempt, retries,
//! clock-skew learning, error decoding (business errors under HTTP 200 included) and the
//! `osm.operation` tracing span.
//!
//! When the method and path are those of an operation of the spec, the call is treated as that
//! operation: its limits are checked (of its parameters, and of a [`RawRequest::json`] body; bytes
//! given to [`RawRequest::body`] are sent as they are), the shared headers it declares get the
//! client's defaults,
//! and it is retried exactly as the generated call would be. Any other path gets every default
//! header and is retried after a failure once sent only when its method is idempotent (`GET`,
//! `HEAD`, `OPTIONS`, `PUT`, `DELETE`); a connection that could not be made is retried for any
//! method, as always.
//!
//! ```no_run
//! # async fn demo(client: huaweicloud_osm::Client) -> huaweicloud_osm::Result<()> {
//! use huaweicloud_osm::prelude::*;
//! let page: serde_json::Value = client
//!     .raw(Method::GET, "/v2/servicerequest/cases")
//!     .query(&[("limit", "1")])
//!     .send()
//!     .await?;
//! println!("{}", page["total_count"]);
//! # Ok(()) }
//! ```

use std::fmt;

use bytes::Bytes;
use progenitor_client::{ByteStream, ClientInfo, ResponseValue};
use reqwest::header::{ACCEPT, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::{Client, operations};

pub use reqwest::Method;

impl Client {
    /// A request to any `path` of the endpoint (starting with `/`, without query: use
    /// [`RawRequest::query`]), signed, retried and decoded like a generated operation.
    pub fn raw(&self, method: Method, path: &str) -> RawRequest<'_> {
        let url = if !path.starts_with('/') || path.contains(['?', '#']) {
            Err(format!(
                "`{path}` is not a path: it must start with `/` and have no `?` or `#` (use `.query(..)`)"
            ))
        } else {
            reqwest::Url::parse(&format!("{}{path}", self.baseurl()))
                .map_err(|e| format!("`{path}` does not make a URL: {e}"))
        };
        let operation = operations::matching(method.as_str(), path);
        let builder = match &url {
            Ok(url) => Ok(self.client().request(method.clone(), url.clone())),
            Err(e) => Err(e.clone()),
        };
        RawRequest {
            client: self,
            method,
            path: path.to_string(),
            operation,
            builder,
            json: None,
        }
    }
}

/// A request built by [`Client::raw`]; nothing is sent until one of the `send` methods.
pub struct RawRequest<'a> {
    client: &'a Client,
    method: Method,
    path: String,
    operation: Option<&'static operations::OperationMeta>,
    builder: std::result::Result<reqwest::RequestBuilder, String>,
    /// The JSON body, made once: checked against the operation's limits, then sent.
    json: Option<Result<serde_json::Value>>,
}

impl fmt::Debug for RawRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("operation", &self.operation.map(|o| o.name))
            .finish()
    }
}

impl<'a> RawRequest<'a> {
    fn map(mut self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> Self {
        self.builder = self.builder.map(f);
        self
    }

    /// Adds query parameters: anything serde serializes into pairs, e.g. `&[("limit", "10")]` or a
    /// struct. Several calls add up; a key given twice is sent twice (as the spec's arrays are).
    pub fn query<T: Serialize + ?Sized>(self, query: &T) -> Self {
        self.map(|b| b.query(query))
    }

    /// Sets a header (a call's own `X-Language` wins over the client's default). A bad name or
    /// value is reported by `send`, before anything is sent.
    pub fn header<K, V>(self, name: K, value: V) -> Self
    where
        HeaderName: TryFrom<K>,
        <HeaderName as TryFrom<K>>::Error: Into<http::Error>,
        HeaderValue: TryFrom<V>,
        <HeaderValue as TryFrom<V>>::Error: Into<http::Error>,
    {
        self.map(|b| b.header(name, value))
    }

    /// Sends `body` as JSON (checked against the operation's limits when the path is one of the
    /// spec's).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.json = Some(crate::hooks::json(body));
        self
    }

    /// Sends these bytes as the body, with this content type, exactly as given (no limit of the
    /// spec is checked on them: see [`RawRequest::json`]).
    pub fn body(self, content_type: &str, body: impl Into<Bytes>) -> Self {
        let body: Bytes = body.into();
        let content_type = content_type.to_string();
        self.map(|b| {
            b.header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body)
        })
    }

    /// Sends the request and decodes the JSON answer into `T` (`serde_json::Value` for any shape).
    pub async fn send<T: DeserializeOwned>(self) -> Result<T> {
        let (client, request, body, id) = self.prepare(true)?;
        let answer: ResponseValue<T> =
            crate::hooks::execute(client, request, body, None, id, crate::error::json).await?;
        Ok(answer.into_inner())
    }

    /// Sends the request and returns the answer's body as bytes (a download, or JSON to parse
    /// yourself); at most the client's largest response body.
    pub async fn send_bytes(self) -> Result<Bytes> {
        let client = self.client;
        let stream = self.send_stream().await?.into_inner();
        crate::body::read_download(client, stream.into_inner(), "`send_stream`").await
    }

    /// Sends the request and returns the answer's body as a stream, never held whole (save it with
    /// [`crate::attachments::Download`]).
    pub async fn send_stream(self) -> Result<ResponseValue<ByteStream>> {
        let (client, request, body, id) = self.prepare(false)?;
        crate::hooks::execute(client, request, body, None, id, |response| async move {
            Ok(ResponseValue::stream(response))
        })
        .await
    }

    /// The request to send, its JSON body and the operation it is.
    #[allow(clippy::type_complexity)]
    fn prepare(
        self,
        json: bool,
    ) -> Result<(
        &'a Client,
        reqwest::Request,
        Option<serde_json::Value>,
        &'static str,
    )> {
        let body = self.json.transpose()?;
        let mut builder = self.builder.map_err(Error::InvalidRequest)?;
        if json {
            builder = builder.header(ACCEPT, "application/json");
        }
        let request = builder
            .build()
            .map_err(|e| Error::InvalidRequest(format!("cannot build the request: {e}")))?;
        let id = match self.operation {
            Some(op) => op.id,
            None => operations::raw(&self.method).id,
        };
        Ok((self.client, request, body, id))
    }
}
