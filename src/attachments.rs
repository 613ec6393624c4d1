//! Attachments: the operations progenitor cannot generate (multipart uploads) and streaming
//! downloads to any async writer or file. They go through the same hooks as generated operations,
//! so signing, default headers and error decoding are shared.
//!
//! ```no_run
//! # async fn demo(client: huaweicloud_osm::Client) -> huaweicloud_osm::Result<()> {
//! use huaweicloud_osm::attachments::{AccessoryFromV1, Attachment};
//! let uploaded = client
//!     .upload_accessory_v1(Attachment::from_path("screenshot.png").await?, AccessoryFromV1::Incident)
//!     .await?;
//! let id = uploaded.accessory_id.clone().unwrap_or_default();
//! client.download_accessories_v1_to_path(&[id.as_str()], "copy.png").await?;
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::StreamExt;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::error::{Error, Result, ServiceError};
use crate::{Client, types};

/// Largest v1.0 attachment (2 MB).
pub const V1_MAX_SIZE: u64 = 2 * 1024 * 1024;
/// File types the v1.0 upload accepts (by extension, case-insensitive).
pub const V1_ALLOWED_TYPES: [&str; 13] = [
    "jpg", "jpeg", "bmp", "png", "gif", "txt", "doc", "docx", "rar", "zip", "pdf", "xls", "xlsx",
];
/// Most attachments one v1.0 download may ask for.
pub const V1_MAX_DOWNLOAD_IDS: usize = 10;
/// Longest v1.0 attachment name.
pub const V1_MAX_NAME_LEN: usize = 512;

/// A file to upload: its name and where its bytes come from.
pub struct Attachment {
    name: String,
    source: Source,
}

enum Source {
    Bytes(Bytes),
    Reader {
        reader: Box<dyn AsyncRead + Send + Unpin>,
        len: Option<u64>,
    },
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("name", &self.name)
            .field("len", &self.len())
            .finish()
    }
}

impl Attachment {
    /// An attachment held in memory.
    pub fn from_bytes(name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        Self {
            name: name.into(),
            source: Source::Bytes(bytes.into()),
        }
    }

    /// An attachment read from any async reader; `len`, when known, lets oversized files be refused
    /// without reading them.
    pub fn from_reader(
        name: impl Into<String>,
        reader: impl AsyncRead + Send + Unpin + 'static,
        len: Option<u64>,
    ) -> Self {
        Self {
            name: name.into(),
            source: Source::Reader {
                reader: Box::new(reader),
                len,
            },
        }
    }

    /// An attachment read from a file; its name is the file name.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| {
                Error::InvalidRequest(format!("`{}` has no usable file name", path.display()))
            })?
            .to_string();
        let file = tokio::fs::File::open(path).await?;
        let len = file.metadata().await?.len();
        Ok(Self::from_reader(name, file, Some(len)))
    }

    /// Uses another name than the file's.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The name sent with the attachment.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The size, when known before reading.
    pub fn len(&self) -> Option<u64> {
        match &self.source {
            Source::Bytes(b) => Some(b.len() as u64),
            Source::Reader { len, .. } => *len,
        }
    }

    /// Whether the attachment is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// The file extension, lower-cased.
    fn extension(&self) -> Option<String> {
        Path::new(&self.name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
    }

    /// Reads the whole content, refusing more than `max` bytes.
    async fn read_at_most(self, max: u64) -> Result<Bytes> {
        let too_big = |size: String| {
            Error::InvalidRequest(format!(
                "attachment `{}` is {size}, more than the {max} bytes allowed",
                self.name
            ))
        };
        match self.source {
            Source::Bytes(b) if b.len() as u64 > max => Err(too_big(format!("{} bytes", b.len()))),
            Source::Bytes(b) => Ok(b),
            Source::Reader { len: Some(len), .. } if len > max => {
                Err(too_big(format!("{len} bytes")))
            }
            Source::Reader { reader, .. } => {
                let mut buf = Vec::new();
                reader.take(max + 1).read_to_end(&mut buf).await?;
                if buf.len() as u64 > max {
                    return Err(too_big("larger".into()));
                }
                Ok(Bytes::from(buf))
            }
        }
    }
}

/// What a v1.0 attachment is for (`accessoryFrom`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessoryFromV1 {
    /// Attached to a new ticket.
    Incident,
    /// Attached to a message.
    Message,
    /// Attached to feedback.
    Feedback,
}

impl AccessoryFromV1 {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessoryFromV1::Incident => "incident",
            AccessoryFromV1::Message => "message",
            AccessoryFromV1::Feedback => "feedback",
        }
    }
}

impl Client {
    /// Uploads an attachment with the v1.0 API (`UploadAccessoryV1`, multipart
    /// `accessoryData`/`accessoryName`/`accessoryFrom`). Refused before sending when it is larger than
    /// 2 MB or not of a documented type ([`V1_ALLOWED_TYPES`]).
    pub async fn upload_accessory_v1(
        &self,
        attachment: Attachment,
        from: AccessoryFromV1,
    ) -> Result<ResponseValue<types::UploadAccessoryV1Response>> {
        let name = attachment.name.clone();
        if name.is_empty() || name.chars().count() > V1_MAX_NAME_LEN {
            return Err(Error::InvalidRequest(format!(
                "attachment name must have 1 to {V1_MAX_NAME_LEN} characters"
            )));
        }
        match attachment.extension() {
            Some(ext) if V1_ALLOWED_TYPES.contains(&ext.as_str()) => {}
            _ => {
                return Err(Error::InvalidRequest(format!(
                    "attachment `{name}` is not of an allowed type ({})",
                    V1_ALLOWED_TYPES.join(", ")
                )));
            }
        }
        let data = attachment.read_at_most(V1_MAX_SIZE).await?;
        let part = reqwest::multipart::Part::bytes(data.to_vec())
            .file_name(name.clone())
            .mime_str(mime_of(&name))
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let form = reqwest::multipart::Form::new()
            .part("accessoryData", part)
            .text("accessoryName", name)
            .text("accessoryFrom", from.as_str());
        let url = format!("{}/v1.0/servicerequest/case/accessory", self.baseurl());
        let request = self
            .client()
            .post(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .multipart(form);
        self.execute_json(request, "upload_accessory_v1").await
    }

    /// Downloads v1.0 attachments (`DownloadAccessoriesV1`) into `writer`, streaming: one id gives
    /// the file, several (at most 10) one compressed archive. Returns the number of bytes written.
    pub async fn download_accessories_v1_to<W>(&self, ids: &[&str], writer: W) -> Result<u64>
    where
        W: AsyncWrite + Unpin,
    {
        let joined = join_ids(ids, V1_MAX_DOWNLOAD_IDS)?;
        let stream = self.download_accessories_v1().id(joined).send().await?;
        copy_stream(stream.into_inner().into_inner(), writer).await
    }

    /// Like [`Client::download_accessories_v1_to`], into a file. The file appears under `path` only
    /// once the download is complete (it is written beside it first).
    pub async fn download_accessories_v1_to_path(
        &self,
        ids: &[&str],
        path: impl AsRef<Path>,
    ) -> Result<u64> {
        let joined = join_ids(ids, V1_MAX_DOWNLOAD_IDS)?;
        let stream = self.download_accessories_v1().id(joined).send().await?;
        write_file(stream.into_inner().into_inner(), path.as_ref()).await
    }

    /// Sends a hand-built request through the hooks and decodes a JSON answer like generated code.
    pub(crate) async fn execute_json<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        operation_id: &'static str,
    ) -> Result<ResponseValue<T>> {
        let mut request = request.build()?;
        let info = OperationInfo { operation_id };
        self.pre::<ServiceError>(&mut request, &info).await?;
        let result = self.exec(request, &info).await;
        self.post::<ServiceError>(&result, &info).await?;
        let response = result?;
        let outcome: std::result::Result<_, progenitor_client::Error<ServiceError>> =
            match response.status().as_u16() {
                200..=299 => ResponseValue::from_response(response).await,
                _ => Err(progenitor_client::Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
            };
        Ok(outcome?)
    }
}

/// Joins attachment ids with commas after checking them.
fn join_ids(ids: &[&str], max: usize) -> Result<String> {
    if ids.is_empty() || ids.len() > max {
        return Err(Error::InvalidRequest(format!(
            "give 1 to {max} attachment ids, not {}",
            ids.len()
        )));
    }
    if let Some(bad) = ids.iter().find(|id| id.trim().is_empty() || id.contains(',')) {
        return Err(Error::InvalidRequest(format!(
            "`{bad}` is not an attachment id"
        )));
    }
    Ok(ids.join(","))
}

/// Writes a byte stream into a writer chunk by chunk; returns the bytes written.
pub(crate) async fn copy_stream<S, W>(mut stream: S, mut writer: W) -> Result<u64>
where
    S: futures::Stream<Item = reqwest::Result<Bytes>> + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        writer.write_all(&chunk).await?;
        written += chunk.len() as u64;
    }
    writer.flush().await?;
    Ok(written)
}

/// Streams into `path` through a temporary file beside it, renamed once complete.
pub(crate) async fn write_file<S>(stream: S, path: &Path) -> Result<u64>
where
    S: futures::Stream<Item = reqwest::Result<Bytes>> + Unpin,
{
    let partial = partial_path(path);
    let file = tokio::fs::File::create(&partial).await?;
    let result = copy_stream(stream, tokio::io::BufWriter::new(file)).await;
    match result {
        Ok(n) => {
            tokio::fs::rename(&partial, path).await?;
            Ok(n)
        }
        Err(e) => {
            let _ = tokio::fs::remove_file(&partial).await;
            Err(e)
        }
    }
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".part");
    path.with_file_name(name)
}

/// Content type of an attachment part, from its extension.
fn mime_of(name: &str) -> &'static str {
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "txt" | "log" => "text/plain",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_before_sending() {
        assert_eq!(join_ids(&["a", "b"], 10).unwrap(), "a,b");
        assert!(join_ids(&[], 10).is_err());
        assert!(join_ids(&["a"; 11], 10).is_err());
        assert!(join_ids(&["a,b"], 10).is_err());
        assert!(join_ids(&[" "], 10).is_err());
    }

    #[tokio::test]
    async fn oversized_readers_are_refused_without_reading_everything() {
        let data = vec![0u8; (V1_MAX_SIZE + 1) as usize];
        let a = Attachment::from_reader("big.txt", std::io::Cursor::new(data), None);
        let err = a.read_at_most(V1_MAX_SIZE).await.unwrap_err();
        assert!(err.to_string().contains("more than"), "{err}");
        let a = Attachment::from_reader("ok.txt", std::io::Cursor::new(vec![1u8; 10]), None);
        assert_eq!(a.read_at_most(V1_MAX_SIZE).await.unwrap().len(), 10);
    }

    #[test]
    fn partial_files_sit_beside_the_target() {
        assert_eq!(partial_path(Path::new("/tmp/a.zip")), Path::new("/tmp/a.zip.part"));
    }
}
