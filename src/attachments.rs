//! Attachments: the operations progenitor cannot generate (multipart uploads) and streaming
//! downloads to any async writer or file. They go through the same hooks as generated operations,
//! so signing, default headers and error decoding are shared.
//!
//! * Uploads: [`Client::upload_accessory`] (v2, streamed, optionally checked against the server's
//!   [`AccessoryLimits`]) and [`Client::upload_accessory_v1`] (v1.0, at most 2 MB).
//! * Downloads: every binary operation (`download_accessories`, `download_images`, `download_cases`,
//!   `download_accessories_v1`) returns a stream; [`Download::write_to`] and [`Download::save_to`]
//!   copy it chunk by chunk, never holding the whole body.
//!
//! ```no_run
//! # async fn demo(client: huaweicloud_osm::Client) -> huaweicloud_osm::Result<()> {
//! use huaweicloud_osm::attachments::{AccessoryFrom, Attachment, Download};
//! let limits = client.accessory_limits().await?;
//! let file = Attachment::from_path("screenshot.png").await?;
//! limits.check(&file)?;
//! let uploaded = client.upload_accessory(file, AccessoryFrom::Incident).await?;
//! let id = uploaded.accessory_id.clone().unwrap_or_default();
//! client.download_accessories().accessory_id(id).send().await?.save_to("copy.png").await?;
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::StreamExt;
#[cfg(any(feature = "v1", feature = "v2"))]
use progenitor_client::ClientInfo;
use progenitor_client::{ByteStream, ResponseValue};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
#[cfg(any(feature = "v1", feature = "v2"))]
use tokio_util::io::ReaderStream;

use crate::error::{Error, Result};
use crate::operations::{self, Rule};
pub use crate::values::{AccessoryFrom, AccessoryFromV1};
#[cfg(any(feature = "v1", feature = "v2"))]
use crate::{Client, types};

/// File types the v1.0 upload accepts (by extension, case-insensitive; the spec lists them in
/// words only).
pub const V1_ALLOWED_TYPES: [&str; 13] = [
    "jpg", "jpeg", "bmp", "png", "gif", "txt", "doc", "docx", "rar", "zip", "pdf", "xls", "xlsx",
];
/// Bytes read from an upload's source at a time: 4 KiB reads (the default) cost a blocking-pool
/// round trip each for files and made uploads ~11× slower (see BENCHMARKS.md).
#[cfg(any(feature = "v1", feature = "v2"))]
const UPLOAD_CHUNK: usize = 64 * 1024;
/// Most attachments one v1.0 download may ask for (the spec says so in words only: its `id` is
/// one comma-separated string).
pub const V1_MAX_DOWNLOAD_IDS: usize = 10;

/// Largest v1.0 attachment, in bytes: the spec's `maxLength` of `UploadAccessoryV1Request`'s
/// `accessoryData` (2 MB).
pub fn v1_max_size() -> u64 {
    form_rule("upload_accessory_v1")
        .and_then(|form| form.property("accessoryData"))
        .and_then(|data| data.max_length)
        .unwrap_or(u64::MAX)
}

/// The spec's limits of the parts of an upload's multipart form (the table of
/// [`crate::operations`]).
fn form_rule(operation: &str) -> Option<&'static Rule> {
    operations::find(operation).and_then(|op| op.body)
}

/// Refuses text parts of an upload's form beyond the spec's limits, naming the part and the limit
/// (`form.accessoryName: 513 characters, at most 512`).
#[cfg(any(feature = "v1", feature = "v2"))]
fn check_form(operation: &str, parts: serde_json::Value) -> Result<()> {
    match form_rule(operation) {
        Some(rule) => rule
            .check_json(&parts, "form")
            .map_err(Error::InvalidRequest),
        None => Ok(()),
    }
}

/// A file to upload: its name and where its bytes come from.
pub struct Attachment {
    name: String,
    source: Source,
}

// Without `v1` and `v2` nothing uploads, so nothing reads a file or a reader.
#[cfg_attr(not(any(feature = "v1", feature = "v2")), allow(dead_code))]
enum Source {
    Bytes(Bytes),
    /// A file, opened afresh for every attempt of an upload.
    Path {
        path: PathBuf,
        len: u64,
    },
    /// Read once: an upload from a reader gets a single attempt.
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
    ///
    /// A reader can be read once only, so an upload from it gets **a single attempt**: it is not
    /// retried, not even after a connection failure. Use [`Attachment::from_path`] (reopened for
    /// each attempt) or [`Attachment::from_bytes`] for uploads that are retried.
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

    /// An attachment read from a file; its name is the file name. The file must exist now; it is
    /// streamed (not held in memory) and opened again for each attempt, so an upload is retried
    /// after a connection failure like any other request. It must keep its size until the upload
    /// is done.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| {
                Error::InvalidRequest(format!("`{}` has no usable file name", path.display()))
            })?
            .to_string();
        let metadata = tokio::fs::metadata(path).await?;
        if !metadata.is_file() {
            return Err(Error::InvalidRequest(format!(
                "`{}` is not a file",
                path.display()
            )));
        }
        Ok(Self {
            name,
            source: Source::Path {
                path: path.to_path_buf(),
                len: metadata.len(),
            },
        })
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
            Source::Path { len, .. } => Some(*len),
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
    #[cfg(any(feature = "v1", feature = "v2"))]
    async fn read_at_most(self, max: u64) -> Result<Bytes> {
        let too_big = |size: String| {
            Error::InvalidRequest(format!(
                "attachment `{}` is {size}, more than the {max} bytes allowed",
                self.name
            ))
        };
        let reader: Box<dyn AsyncRead + Send + Unpin> = match self.source {
            Source::Bytes(b) if b.len() as u64 > max => {
                return Err(too_big(format!("{} bytes", b.len())));
            }
            Source::Bytes(b) => return Ok(b),
            Source::Path { len, .. } | Source::Reader { len: Some(len), .. } if len > max => {
                return Err(too_big(format!("{len} bytes")));
            }
            Source::Path { path, .. } => Box::new(tokio::fs::File::open(&path).await?),
            Source::Reader { reader, .. } => reader,
        };
        let chunks = ReaderStream::with_capacity(reader, UPLOAD_CHUNK);
        let cap = usize::try_from(max).unwrap_or(usize::MAX);
        match crate::body::read_capped(chunks, cap).await? {
            (bytes, true) => Ok(bytes),
            (_, false) => Err(too_big("larger".into())),
        }
    }
}

/// The server's attachment limits (`ShowAccessoryLimits`), parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessoryLimits {
    /// Most files per ticket or message.
    pub max_count: Option<u64>,
    /// Largest file, in bytes (the server states MB).
    pub max_size: Option<u64>,
    /// Allowed extensions, lower case without dot; empty when the server states none.
    pub file_types: Vec<String>,
}

impl AccessoryLimits {
    /// Reads the limits from the response type (numbers given as strings or numbers).
    #[cfg(feature = "v2")]
    #[cfg_attr(docsrs, doc(cfg(feature = "v2")))]
    pub fn from_vo(vo: &types::AccessoryLimitVo) -> Self {
        fn number(v: &Option<serde_json::Value>) -> Option<u64> {
            match v.as_ref()? {
                serde_json::Value::Number(n) => n.as_u64(),
                serde_json::Value::String(s) => s.trim().parse().ok(),
                _ => None,
            }
        }
        Self {
            max_count: number(&vo.limit_count),
            max_size: number(&vo.limit_size).map(|mb| mb.saturating_mul(1024 * 1024)),
            file_types: vo
                .limit_file_type
                .as_deref()
                .unwrap_or_default()
                .split([',', ';', '|', ' '])
                .map(|t| t.trim().trim_start_matches('.').to_ascii_lowercase())
                .filter(|t| !t.is_empty())
                .collect(),
        }
    }

    /// Refuses an attachment over the size limit (when its length is known) or of a type outside
    /// the allowed list, with an error that says which limit.
    pub fn check(&self, attachment: &Attachment) -> Result<()> {
        if let (Some(max), Some(len)) = (self.max_size, attachment.len())
            && len > max
        {
            return Err(Error::InvalidRequest(format!(
                "attachment `{}` is {len} bytes; the server accepts at most {max} bytes",
                attachment.name
            )));
        }
        if !self.file_types.is_empty() {
            let ext = attachment.extension().unwrap_or_default();
            if !self.file_types.contains(&ext) {
                return Err(Error::InvalidRequest(format!(
                    "attachment `{}` is not of a type the server accepts ({})",
                    attachment.name,
                    self.file_types.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// Refuses more attachments than the server accepts on one ticket or message.
    pub fn check_count(&self, count: usize) -> Result<()> {
        match self.max_count {
            Some(max) if count as u64 > max => Err(Error::InvalidRequest(format!(
                "{count} attachments; the server accepts at most {max}"
            ))),
            _ => Ok(()),
        }
    }
}

/// Streams a binary response (any download operation) without holding it in memory.
pub trait Download {
    /// Copies the body into `writer` chunk by chunk; returns the bytes written.
    fn write_to<W>(self, writer: W) -> impl std::future::Future<Output = Result<u64>> + Send
    where
        W: AsyncWrite + Unpin + Send;

    /// Writes the body to `path`, which appears only once complete (a `.part` file beside it is
    /// written first and removed on failure); returns the bytes written.
    fn save_to(
        self,
        path: impl AsRef<Path> + Send,
    ) -> impl std::future::Future<Output = Result<u64>> + Send;
}

impl Download for ResponseValue<ByteStream> {
    async fn write_to<W>(self, writer: W) -> Result<u64>
    where
        W: AsyncWrite + Unpin + Send,
    {
        copy_stream(self.into_inner().into_inner(), writer).await
    }

    async fn save_to(self, path: impl AsRef<Path> + Send) -> Result<u64> {
        write_file(self.into_inner().into_inner(), path.as_ref()).await
    }
}

/// The v1.0 attachment operations (feature `v1`).
#[cfg(feature = "v1")]
#[cfg_attr(docsrs, doc(cfg(feature = "v1")))]
impl Client {
    /// Uploads an attachment with the v1.0 API (`UploadAccessoryV1`, multipart
    /// `accessoryData`/`accessoryName`/`accessoryFrom`). Refused before sending when it is larger than
    /// the spec allows ([`v1_max_size`], 2 MB), has no name or a longer one than the spec allows, or
    /// is not of a documented type ([`V1_ALLOWED_TYPES`]).
    pub async fn upload_accessory_v1(
        &self,
        attachment: Attachment,
        from: AccessoryFromV1,
    ) -> Result<ResponseValue<types::UploadAccessoryV1Response>> {
        let name = attachment.name.clone();
        if name.is_empty() {
            return Err(Error::InvalidRequest(
                "the attachment needs a file name".into(),
            ));
        }
        check_form(
            "upload_accessory_v1",
            serde_json::json!({"accessoryName": name, "accessoryFrom": from.as_str()}),
        )?;
        match attachment.extension() {
            Some(ext) if V1_ALLOWED_TYPES.contains(&ext.as_str()) => {}
            _ => {
                return Err(Error::InvalidRequest(format!(
                    "attachment `{name}` is not of an allowed type ({})",
                    V1_ALLOWED_TYPES.join(", ")
                )));
            }
        }
        let data = attachment.read_at_most(v1_max_size()).await?;
        let part = reqwest::multipart::Part::bytes(data.to_vec())
            .file_name(name.clone())
            .mime_str(
                mime_guess::from_path(&name)
                    .first_or_octet_stream()
                    .as_ref(),
            )
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
        W: AsyncWrite + Unpin + Send,
    {
        let joined = join_ids(ids, V1_MAX_DOWNLOAD_IDS)?;
        let download = self.download_accessories_v1().id(joined).send().await?;
        download.write_to(writer).await
    }

    /// Like [`Client::download_accessories_v1_to`], into a file. The file appears under `path` only
    /// once the download is complete (it is written beside it first).
    pub async fn download_accessories_v1_to_path(
        &self,
        ids: &[&str],
        path: impl AsRef<Path>,
    ) -> Result<u64> {
        let joined = join_ids(ids, V1_MAX_DOWNLOAD_IDS)?;
        let download = self.download_accessories_v1().id(joined).send().await?;
        download.save_to(path.as_ref()).await
    }

    /// Sends a hand-built request through the hooks and decodes a JSON answer like generated code.
    async fn execute_json<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        operation_id: &'static str,
    ) -> Result<ResponseValue<T>> {
        let request = request.build()?;
        crate::hooks::execute(self, request, None, None, operation_id, crate::error::json).await
    }
}

/// The v2 attachment operations (feature `v2`).
#[cfg(feature = "v2")]
#[cfg_attr(docsrs, doc(cfg(feature = "v2")))]
impl Client {
    /// Uploads an attachment with the v2 API (`UploadAccessory`, multipart parts `file` and
    /// `form_data`). The file is streamed when its length is known (files, sized readers); the
    /// server's limits are not consulted: see [`Client::upload_accessory_checked`].
    pub async fn upload_accessory(
        &self,
        attachment: Attachment,
        from: AccessoryFrom,
    ) -> Result<ResponseValue<types::UploadAccessoryResponse>> {
        let name = attachment.name.clone();
        if name.trim().is_empty() {
            return Err(Error::InvalidRequest(
                "the attachment needs a file name".into(),
            ));
        }
        let form_data = types::UploadAccessoryFormData {
            accessory_from: from.as_str().to_string(),
            file_name: name.clone(),
            upload_type: Some(0),
        };
        let form_data =
            serde_json::to_string(&form_data).map_err(|e| Error::InvalidRequest(e.to_string()))?;
        check_form(
            "upload_accessory",
            serde_json::json!({ "form_data": form_data }),
        )?;
        let url = format!("{}/v2/servicerequest/accessorys", self.baseurl());
        let upload = V2Upload {
            http: self.client().clone(),
            url,
            name,
            form_data,
        };
        let (file, rebuild) = match attachment.source {
            Source::Bytes(b) => (reqwest::multipart::Part::bytes(b.to_vec()), None),
            Source::Path { path, len } => {
                let first = file_part(&path, len).await?;
                let again = upload.clone();
                let rebuild: crate::hooks::Rebuild = Box::new(move || {
                    let (upload, path) = (again.clone(), path.clone());
                    Box::pin(async move { upload.request(file_part(&path, len).await?) })
                });
                (first, Some(rebuild))
            }
            Source::Reader {
                reader,
                len: Some(len),
            } => (
                reqwest::multipart::Part::stream_with_length(reader_body(reader), len),
                None,
            ),
            Source::Reader { reader, len: None } => {
                (reqwest::multipart::Part::stream(reader_body(reader)), None)
            }
        };
        let request = upload.request(file)?;
        crate::hooks::execute(
            self,
            request,
            None,
            rebuild,
            "upload_accessory",
            crate::error::json,
        )
        .await
    }

    /// Like [`Client::upload_accessory`], refusing before sending what exceeds `limits`
    /// (size and file type; an attachment of unknown length is read to learn its size, up to the
    /// limit).
    pub async fn upload_accessory_checked(
        &self,
        attachment: Attachment,
        from: AccessoryFrom,
        limits: &AccessoryLimits,
    ) -> Result<ResponseValue<types::UploadAccessoryResponse>> {
        let attachment = match (attachment.len(), limits.max_size) {
            (None, Some(max)) => {
                let name = attachment.name.clone();
                Attachment::from_bytes(name, attachment.read_at_most(max).await?)
            }
            _ => attachment,
        };
        limits.check(&attachment)?;
        self.upload_accessory(attachment, from).await
    }

    /// The server's attachment limits (`ShowAccessoryLimits`), read leniently: counts and sizes may
    /// come as strings or numbers.
    pub async fn accessory_limits(&self) -> Result<AccessoryLimits> {
        let response = self.show_accessory_limits().send().await?.into_inner();
        Ok(response
            .accessory_limit
            .as_ref()
            .map(AccessoryLimits::from_vo)
            .unwrap_or_default())
    }
}

/// What a v2 upload sends besides the file: everything needed to build its request again.
#[cfg(feature = "v2")]
#[derive(Clone)]
struct V2Upload {
    http: reqwest::Client,
    url: String,
    name: String,
    form_data: String,
}

#[cfg(feature = "v2")]
impl V2Upload {
    /// The multipart request (parts `file` and `form_data`) with `file` as the file's content.
    fn request(&self, file: reqwest::multipart::Part) -> Result<reqwest::Request> {
        let file = file
            .file_name(self.name.clone())
            .mime_str(
                mime_guess::from_path(&self.name)
                    .first_or_octet_stream()
                    .as_ref(),
            )
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let form = reqwest::multipart::Form::new()
            .part("file", file)
            .text("form_data", self.form_data.clone());
        Ok(self
            .http
            .post(&self.url)
            .header(reqwest::header::ACCEPT, "application/json")
            .multipart(form)
            .build()?)
    }
}

/// A reader's content as a streamed body, read [`UPLOAD_CHUNK`] bytes at a time.
#[cfg(feature = "v2")]
fn reader_body(reader: impl AsyncRead + Send + 'static) -> reqwest::Body {
    reqwest::Body::wrap_stream(ReaderStream::with_capacity(reader, UPLOAD_CHUNK))
}

/// The file at `path`, opened for one attempt and streamed; refused when it no longer has the
/// `len` bytes it had when the attachment was made (the length is sent before the content).
#[cfg(feature = "v2")]
async fn file_part(path: &Path, len: u64) -> Result<reqwest::multipart::Part> {
    let file = tokio::fs::File::open(path).await?;
    let now = file.metadata().await?.len();
    if now != len {
        return Err(Error::InvalidRequest(format!(
            "`{}` changed size during the upload ({len} bytes, now {now})",
            path.display()
        )));
    }
    Ok(reqwest::multipart::Part::stream_with_length(
        reader_body(file),
        len,
    ))
}

/// Joins attachment ids with commas after checking them.
#[cfg(feature = "v1")]
fn join_ids(ids: &[&str], max: usize) -> Result<String> {
    if ids.is_empty() || ids.len() > max {
        return Err(Error::InvalidRequest(format!(
            "give 1 to {max} attachment ids, not {}",
            ids.len()
        )));
    }
    if let Some(bad) = ids
        .iter()
        .find(|id| id.trim().is_empty() || id.contains(','))
    {
        return Err(Error::InvalidRequest(format!(
            "`{bad}` is not an attachment id"
        )));
    }
    Ok(ids.join(","))
}

/// Writes a byte stream into a writer chunk by chunk; returns the bytes written.
async fn copy_stream<S, W>(mut stream: S, mut writer: W) -> Result<u64>
where
    S: futures_util::Stream<Item = reqwest::Result<Bytes>> + Unpin,
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
async fn write_file<S>(stream: S, path: &Path) -> Result<u64>
where
    S: futures_util::Stream<Item = reqwest::Result<Bytes>> + Unpin,
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
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".part");
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "v1")]
    #[test]
    fn ids_are_checked_before_sending() {
        assert_eq!(join_ids(&["a", "b"], 10).unwrap(), "a,b");
        assert!(join_ids(&[], 10).is_err());
        assert!(join_ids(&["a"; 11], 10).is_err());
        assert!(join_ids(&["a,b"], 10).is_err());
        assert!(join_ids(&[" "], 10).is_err());
    }

    #[cfg(any(feature = "v1", feature = "v2"))]
    #[tokio::test]
    async fn oversized_readers_are_refused_without_reading_everything() {
        let max = v1_max_size();
        let data = vec![0u8; (max + 1) as usize];
        let a = Attachment::from_reader("big.txt", std::io::Cursor::new(data), None);
        let err = a.read_at_most(max).await.unwrap_err();
        assert!(err.to_string().contains("more than"), "{err}");
        let a = Attachment::from_reader("ok.txt", std::io::Cursor::new(vec![1u8; 10]), None);
        assert_eq!(a.read_at_most(max).await.unwrap().len(), 10);
    }

    #[cfg(feature = "v2")]
    #[test]
    fn limits_read_strings_and_numbers() {
        let vo: types::AccessoryLimitVo = serde_json::from_value(serde_json::json!({
            "limit_count": "5", "limit_size": 4, "limit_file_type": "jpg,PNG, .txt"
        }))
        .unwrap();
        let limits = AccessoryLimits::from_vo(&vo);
        assert_eq!(limits.max_count, Some(5));
        assert_eq!(limits.max_size, Some(4 * 1024 * 1024));
        assert_eq!(limits.file_types, ["jpg", "png", "txt"]);
        assert!(limits.check(&Attachment::from_bytes("a.TXT", "x")).is_ok());
        assert!(limits.check(&Attachment::from_bytes("a.exe", "x")).is_err());
        let big = Attachment::from_reader("b.png", tokio::io::empty(), Some(4 * 1024 * 1024 + 1));
        assert!(
            limits
                .check(&big)
                .unwrap_err()
                .to_string()
                .contains("at most 4194304")
        );
        assert!(limits.check_count(5).is_ok());
        assert!(limits.check_count(6).is_err());
    }

    #[test]
    fn partial_files_sit_beside_the_target() {
        assert_eq!(
            partial_path(Path::new("/tmp/a.zip")),
            Path::new("/tmp/a.zip.part")
        );
    }
}
