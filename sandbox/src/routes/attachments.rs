//! Attachments, v1.0 and v2 over one store: uploads (multipart or Base64 JSON), downloads (the file,
//! or a ZIP archive for several ids), image previews, download links and deletion.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use base64::Engine;
use bytes::Bytes;
use huaweicloud_osm::values::{AccessoryFrom, AccessoryFromV1};
use huaweicloud_osm::{attachments, operations, types};
use serde_json::json;

use super::{AppState, Call, FILES_PREFIX, Reply, Streaming, empty, ok};
use crate::archive;
use crate::errors::{OsmError, OsmResult};
use crate::multipart::{self, Part};

/// Largest v2 attachment (`ShowAccessoryLimits`: 4 MB).
pub(crate) const V2_MAX_MB: usize = 4;
/// Files one v2 upload set may have (`ShowAccessoryLimits`).
const V2_MAX_COUNT: usize = 5;
/// File types v2 accepts (`ShowAccessoryLimits`).
const V2_TYPES: &str = "jpg,jpeg,png,bmp,gif,txt,log,doc,docx,xls,xlsx,pdf,zip,rar";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v1.0/servicerequest/case/accessory",
            get(download_v1).post(upload_v1).delete(delete_v1),
        )
        .route(
            "/v2/servicerequest/accessorys",
            axum::routing::post(upload_v2),
        )
        .route(
            "/v2/servicerequest/accessorys/json-format-content",
            axum::routing::post(upload_json),
        )
        .route("/v2/servicerequest/accessorys/limits", get(limits))
        .route(
            "/v2/servicerequest/accessorys/access-urls",
            get(access_urls),
        )
        .route(
            "/v2/servicerequest/accessorys/{accessory_id}",
            get(download_v2).delete(delete_v2),
        )
        .route(
            "/v2/servicerequest/accessorys/{accessory_id}/access-url",
            get(access_url),
        )
        .route(
            "/v2/servicerequest/accessorys/{accessory_id}/image",
            get(image),
        )
        .route(
            &format!("{FILES_PREFIX}{{accessory_id}}/{{token}}"),
            get(link),
        )
}

/// The parts of a multipart upload, read as the body streams in: the file part may have up to
/// `file_max` bytes and is refused as soon as it has more.
async fn parts(upload: Streaming, file_part: &str, file_max: usize) -> OsmResult<Vec<Part>> {
    let content_type = upload.call.header("content-type").unwrap_or_default();
    multipart::read(content_type, upload.body, file_part, file_max).await
}

fn part<'a>(parts: &'a [Part], name: &str) -> OsmResult<&'a Part> {
    parts
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| OsmError::param(format!("the `{name}` part is missing")))
}

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Refuses a body (its JSON, or the text parts of its form) beyond the spec's limits of the
/// operation, as the gateway does: the table the SDK checks before sending.
fn check_limits(operation: &str, body: &serde_json::Value) -> OsmResult<()> {
    match operations::find(operation).and_then(|op| op.body) {
        Some(rule) => rule.check_json(body, "body").map_err(OsmError::param),
        None => Ok(()),
    }
}

fn check_file(name: &str, size: usize, max: usize, types: &[&str]) -> OsmResult<()> {
    if name.is_empty() {
        return Err(OsmError::param("the file needs a name"));
    }
    if !types.contains(&extension(name).as_str()) {
        return Err(OsmError::param(format!(
            "`{name}` is not of an allowed type"
        )));
    }
    if size == 0 {
        return Err(OsmError::param("the file is empty"));
    }
    if size > max {
        return Err(OsmError::param(format!(
            "the file is {size} bytes, over {max}"
        )));
    }
    Ok(())
}

fn store_file(app: &AppState, name: String, data: Bytes) -> OsmResult<String> {
    let now = app.clock.now_ms();
    app.store
        .lock()
        .expect("store lock")
        .upload(name, data, now)
}

/// `UploadAccessoryV1`: parts `accessoryData` (the file, at most 2 MB), `accessoryName`,
/// `accessoryFrom` (`incident`, `message` or `feedback`).
async fn upload_v1(State(app): State<AppState>, upload: Streaming) -> OsmResult<Reply> {
    let max = usize::try_from(attachments::v1_max_size()).unwrap_or(usize::MAX);
    let parts = parts(upload, "accessoryData", max).await?;
    let data = part(&parts, "accessoryData")?;
    let name = part(&parts, "accessoryName")?.text();
    let from = part(&parts, "accessoryFrom")?.text();
    from.parse::<AccessoryFromV1>()
        .map_err(|e| OsmError::param(format!("accessoryFrom: {e}")))?;
    let text = serde_json::json!({"accessoryName": name, "accessoryFrom": from});
    check_limits("upload_accessory_v1", &text)?;
    check_file(&name, data.data.len(), max, &attachments::V1_ALLOWED_TYPES)?;
    let id = store_file(&app, name, data.data.clone())?;
    ok(types::UploadAccessoryV1Response {
        accessory_id: Some(id),
    })
}

fn v2_types() -> Vec<&'static str> {
    V2_TYPES.split(',').collect()
}

fn check_from_v2(from: &str) -> OsmResult<()> {
    from.parse::<AccessoryFrom>()
        .map(drop)
        .map_err(|e| OsmError::param(format!("accessoryFrom: {e}")))
}

/// `UploadAccessory`: parts `file` and `form_data` (JSON text
/// `{"fileName","accessoryFrom","uploadType"}`).
async fn upload_v2(State(app): State<AppState>, upload: Streaming) -> OsmResult<Reply> {
    let parts = parts(upload, "file", V2_MAX_MB << 20).await?;
    let file = part(&parts, "file")?;
    let form: serde_json::Value = serde_json::from_slice(&part(&parts, "form_data")?.data)
        .map_err(|e| OsmError::param(format!("form_data is not JSON: {e}")))?;
    let name = form["fileName"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| file.filename.clone())
        .unwrap_or_default();
    let from = form["accessoryFrom"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    check_from_v2(&from)?;
    check_file(&name, file.data.len(), V2_MAX_MB << 20, &v2_types())?;
    let id = store_file(&app, name, file.data.clone())?;
    ok(types::UploadAccessoryResponse {
        accessory_id: Some(id),
    })
}

/// `UploadJsonAccessories`: the file as Base64 in JSON.
async fn upload_json(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    let body: serde_json::Value = call.json()?;
    check_limits("upload_json_accessories", &body)?;
    let body: types::AccessoryJsonFormatReq =
        serde_json::from_value(body).map_err(|e| OsmError::param(e.to_string()))?;
    let encoded = body.accessory_data.trim();
    let data = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(encoded))
        .map_err(|e| OsmError::param(format!("accessory_data is not Base64: {e}")))?;
    check_from_v2(&body.accessory_from)?;
    check_file(
        &body.accessory_name,
        data.len(),
        V2_MAX_MB << 20,
        &v2_types(),
    )?;
    let id = store_file(&app, body.accessory_name.to_string(), Bytes::from(data))?;
    ok(types::UploadJsonAccessoriesResponse {
        accessory_id: Some(id),
    })
}

/// The file of one id, or a ZIP archive of several.
fn download(app: &AppState, ids: &[String], max: usize) -> OsmResult<Reply> {
    if ids.is_empty() || ids.len() > max {
        return Err(OsmError::param(format!("give 1 to {max} attachment ids")));
    }
    let store = app.store.lock().expect("store lock");
    if let [id] = ids {
        let a = store.attachment(id)?;
        return Ok(Reply::File {
            name: a.name.clone(),
            data: a.data.clone(),
        });
    }
    let mut entries: Vec<(String, &[u8])> = Vec::new();
    for id in ids {
        let a = store.attachment(id)?;
        // Names are unique in an archive: a repeated one is prefixed with the id (and a counter
        // when the same id is asked for again).
        let mut name = a.name.clone();
        for n in 1.. {
            if !entries.iter().any(|(taken, _)| *taken == name) {
                break;
            }
            name = match n {
                1 => format!("{}_{}", a.id, a.name),
                n => format!("{}_{n}_{}", a.id, a.name),
            };
        }
        entries.push((name, &a.data));
    }
    let zip = archive::zip(&entries, app.clock.now_ms())
        .map_err(|e| OsmError::internal().detail(format!("cannot write the archive: {e}")))?;
    Ok(Reply::File {
        name: "accessories.zip".into(),
        data: Bytes::from(zip),
    })
}

fn split_ids(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `DownloadAccessoriesV1`: `?id=` one id or up to 10 comma-separated ids (then a ZIP archive).
async fn download_v1(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    download(
        &app,
        &call.query.list("id"),
        attachments::V1_MAX_DOWNLOAD_IDS,
    )
}

/// `DownloadAccessories`: one id or several comma-separated ids (then a ZIP archive).
async fn download_v2(
    State(app): State<AppState>,
    Path(ids): Path<String>,
    _call: Call,
) -> OsmResult<Reply> {
    download(&app, &split_ids(&ids), 100)
}

/// `DownloadImages`: an image attachment's bytes.
async fn image(
    State(app): State<AppState>,
    Path(id): Path<String>,
    _call: Call,
) -> OsmResult<Reply> {
    let store = app.store.lock().expect("store lock");
    let a = store.attachment(&id)?;
    if mime_guess::from_path(&a.name)
        .first_or_octet_stream()
        .type_()
        != mime_guess::mime::IMAGE
    {
        return Err(OsmError::param(format!("`{}` is not an image", a.name)));
    }
    Ok(Reply::File {
        name: a.name.clone(),
        data: a.data.clone(),
    })
}

/// `DeleteAccessoryV1`: `{"accessoryId"}` in the body of a DELETE.
async fn delete_v1(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    let body: types::DeleteAccessoryV1Request = call.json()?;
    app.store
        .lock()
        .expect("store lock")
        .delete_attachment(&body.accessory_id)?;
    empty()
}

/// `DeleteAccessories`.
async fn delete_v2(
    State(app): State<AppState>,
    Path(id): Path<String>,
    _call: Call,
) -> OsmResult<Reply> {
    app.store
        .lock()
        .expect("store lock")
        .delete_attachment(&id)?;
    empty()
}

/// `ShowAccessoryLimits`.
async fn limits(_call: Call) -> OsmResult<Reply> {
    Ok(Reply::Json(json!({"accessory_limit": {
        "limit_count": V2_MAX_COUNT.to_string(),
        "limit_size": V2_MAX_MB.to_string(),
        "limit_file_type": V2_TYPES,
    }})))
}

fn link_of(call: &Call, a: &crate::store::Attachment) -> String {
    format!("{}{FILES_PREFIX}{}/{}", call.base_url, a.id, a.link_token)
}

/// `ListAccessoryAccessUrls`: download links that need no signature (like OBS pre-signed URLs).
async fn access_urls(State(app): State<AppState>, call: Call) -> OsmResult<Reply> {
    let ids = call.query.list("accessory_ids");
    if ids.is_empty() || ids.len() > 100 {
        return Err(OsmError::param("give 1 to 100 accessory_ids"));
    }
    let store = app.store.lock().expect("store lock");
    let mut urls = Vec::new();
    for id in &ids {
        let a = store.attachment(id)?;
        urls.push(types::AccessoryUrl {
            accessory_id: Some(a.id.clone()),
            accessory_name: Some(a.name.clone()),
            accessory_url: Some(link_of(&call, a)),
        });
    }
    ok(types::ListAccessoryAccessUrlsResponse {
        accessory_urls: urls,
    })
}

/// `ShowDownloadAccessoryUrl` (`relation_type` is required).
async fn access_url(
    State(app): State<AppState>,
    Path(id): Path<String>,
    call: Call,
) -> OsmResult<Reply> {
    let relation = call.query.required("relation_type")?;
    const KNOWN: &[&str] = &[
        "DEFAULT",
        "NO_RELATION",
        "NOTIFICATION",
        "INCIDENT",
        "MESSAGE",
        "INSPECTION",
        "CONNECT",
    ];
    if !KNOWN.contains(&relation) {
        return Err(OsmError::param(format!(
            "unknown relation_type `{relation}`"
        )));
    }
    let store = app.store.lock().expect("store lock");
    let a = store.attachment(&id)?;
    ok(types::ShowDownloadAccessoryUrlResponse {
        accessory_url: Some(link_of(&call, a)),
        ..Default::default()
    })
}

/// The unauthenticated download link (`/_sandbox/files/{id}/{token}`).
async fn link(
    State(app): State<AppState>,
    Path((id, token)): Path<(String, String)>,
    _call: Call,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let store = app.store.lock().expect("store lock");
    match store.attachment(&id) {
        Ok(a) if a.link_token == token => Reply::File {
            name: a.name.clone(),
            data: a.data.clone(),
        }
        .into_response(),
        _ => (axum::http::StatusCode::NOT_FOUND, "NoSuchKey").into_response(),
    }
}
