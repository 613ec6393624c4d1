//! Contract tests: v2 attachments. The hand-written multipart upload (parts `file` and `form_data`,
//! unsigned payload, streamed), the limits check before sending, the base64 JSON upload, access
//! URLs, deletion and the streamed downloads.

use crate::common;

use common::*;
use httpmock::{Method, MockServer};
use huaweicloud_osm::attachments::{AccessoryFrom, AccessoryLimits, Attachment, Download};
use huaweicloud_osm::mock::MockServerExt;
use huaweicloud_osm::{Error, types};

#[tokio::test]
async fn upload_accessory_is_multipart_with_file_and_form_data() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        v2(when.method(Method::POST).path("/v2/servicerequest/accessorys"))
            .header_matches("content-type", "^multipart/form-data; boundary=.+$")
            .header("x-sdk-content-sha256", "UNSIGNED-PAYLOAD")
            .header_exists("content-length")
            .body_includes("name=\"file\"; filename=\"boot.log\"\r\nContent-Type: text/plain\r\n\r\nkernel panic\r\n")
            .body_includes(
                "name=\"form_data\"\r\n\r\n{\"accessoryFrom\":\"message\",\"fileName\":\"boot.log\",\"uploadType\":0}\r\n",
            );
        then.status(200)
            .header("content-type", "application/json")
            .json_body(response_example("UploadAccessory"));
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("boot.log");
    std::fs::write(&path, "kernel panic").unwrap();
    let got = client(&server)
        .upload_accessory(
            Attachment::from_path(&path).await.unwrap(),
            AccessoryFrom::Message,
        )
        .await
        .unwrap();
    let expected: types::UploadAccessoryResponse = typed(response_example("UploadAccessory"));
    assert_eq!(got.into_inner(), expected);
    mock.assert_async().await;

    check_errors(
        |w| v2(w.method(Method::POST).path("/v2/servicerequest/accessorys")),
        |c| async move {
            c.upload_accessory(
                Attachment::from_bytes("a.png", "png"),
                AccessoryFrom::Incident,
            )
            .await
            .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn upload_accessory_checked_refuses_what_exceeds_the_server_limits() {
    let server = MockServer::start_async().await;
    let limits_mock = server.show_accessory_limits(|when, then| {
        exact_query(v2(when.into_inner()), &[]);
        then.ok(&typed(response_example("ShowAccessoryLimits")));
    });
    let uploads = server.mock(|when, then| {
        when.method(Method::POST)
            .path("/v2/servicerequest/accessorys");
        then.status(200)
            .json_body(serde_json::json!({"accessory_id": "a-1"}));
    });
    let c = client(&server);
    let limits = c.accessory_limits().await.unwrap();
    assert_eq!(
        limits,
        AccessoryLimits {
            max_count: Some(5),
            max_size: Some(4 * 1024 * 1024),
            file_types: "jpg,jpeg,png,bmp,gif,txt,doc,docx,xls,xlsx,pdf,zip,rar"
                .split(',')
                .map(String::from)
                .collect(),
        }
    );
    limits_mock.assert_async().await;

    let too_big = Attachment::from_bytes("dump.zip", vec![0u8; 4 * 1024 * 1024 + 1]);
    let err = c
        .upload_accessory_checked(too_big, AccessoryFrom::Incident, &limits)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("at most 4194304 bytes")),
        "{err}"
    );
    let unsized_too_big = Attachment::from_reader(
        "dump.zip",
        std::io::Cursor::new(vec![0u8; 5 * 1024 * 1024]),
        None,
    );
    assert!(
        c.upload_accessory_checked(unsized_too_big, AccessoryFrom::Incident, &limits)
            .await
            .is_err()
    );
    let wrong_type = Attachment::from_bytes("tool.exe", "MZ");
    let err = c
        .upload_accessory_checked(wrong_type, AccessoryFrom::Incident, &limits)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("not of a type the server accepts"),
        "{err}"
    );
    uploads.assert_calls_async(0).await;

    let fine = Attachment::from_reader("ok.txt", std::io::Cursor::new(b"fine".to_vec()), None);
    let got = c
        .upload_accessory_checked(fine, AccessoryFrom::Incident, &limits)
        .await
        .unwrap();
    assert_eq!(got.accessory_id.as_deref(), Some("a-1"));
    uploads.assert_calls_async(1).await;
}

#[tokio::test]
async fn show_accessory_limits() {
    let server = MockServer::start_async().await;
    let body: types::ShowAccessoryLimitsResponse = typed(response_example("ShowAccessoryLimits"));
    let mock = server.show_accessory_limits(|when, then| {
        exact_query(v2(when.into_inner()), &[]);
        then.ok(&body);
    });
    let got = client(&server)
        .show_accessory_limits()
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    // The docs' example gives the numbers as numbers: both forms decode.
    let server = MockServer::start_async().await;
    server.show_accessory_limits(|_, then| {
        then.into_inner().status(200).json_body(
            serde_json::json!({"accessory_limit": {"limit_count": 3, "limit_size": 2, "limit_file_type": "png"}}),
        );
    });
    let limits = client(&server).accessory_limits().await.unwrap();
    assert_eq!(
        (limits.max_count, limits.max_size),
        (Some(3), Some(2 * 1024 * 1024))
    );

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/accessorys/limits"))
        },
        |c| async move { c.show_accessory_limits().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn upload_json_accessories() {
    let server = MockServer::start_async().await;
    let request: types::AccessoryJsonFormatReq = typed(request_example("UploadJsonAccessories"));
    let body: types::UploadJsonAccessoriesResponse =
        typed(response_example("UploadJsonAccessories"));
    let mock = server.upload_json_accessories(|when, then| {
        v2(when.into_inner()).json_body(serde_json::to_value(&request).unwrap());
        then.ok(&body);
    });
    let got = client(&server)
        .upload_json_accessories()
        .body(request.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::POST)
                .path("/v2/servicerequest/accessorys/json-format-content"))
        },
        |c| async move {
            let req: types::AccessoryJsonFormatReq =
                typed(request_example("UploadJsonAccessories"));
            c.upload_json_accessories().body(req).send().await.map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_accessory_access_urls_repeats_the_ids() {
    let server = MockServer::start_async().await;
    let body: types::ListAccessoryAccessUrlsResponse =
        typed(response_example("ListAccessoryAccessUrls"));
    let mock = server.list_accessory_access_urls(|when, then| {
        exact_query(
            v2(when.into_inner()),
            &[
                ("accessory_ids", "123456"),
                ("accessory_ids", "123457"),
                ("group_id", "g 1"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_accessory_access_urls()
        .accessory_ids(vec!["123456".to_string(), "123457".to_string()])
        .group_id("g 1")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    let err = client(&server)
        .list_accessory_access_urls()
        .send()
        .await
        .unwrap_err();
    assert!(err.is_invalid_request());

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/accessorys/access-urls"))
        },
        |c| async move {
            c.list_accessory_access_urls()
                .accessory_ids(vec!["1".to_string()])
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn delete_accessories() {
    let server = MockServer::start_async().await;
    let mock = server.delete_accessories(|when, then| {
        exact_query(v2(when.accessory_id("acc-1").into_inner()), &[]);
        then.ok(&typed(response_example("DeleteAccessories")));
    });
    client(&server)
        .delete_accessories()
        .accessory_id("acc-1")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;

    // A path parameter is escaped once on the wire (and signed as the gateway decodes it).
    let escaped = server.mock(|when, then| {
        v2(when
            .method(Method::DELETE)
            .path("/v2/servicerequest/accessorys/acc%201"));
        then.status(200).json_body(serde_json::json!({}));
    });
    client(&server)
        .delete_accessories()
        .accessory_id("acc 1")
        .send()
        .await
        .unwrap();
    escaped.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::DELETE)
                .path("/v2/servicerequest/accessorys/acc-1"))
        },
        |c| async move {
            c.delete_accessories()
                .accessory_id("acc-1")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn download_accessories_streams_to_a_writer_and_a_file() {
    let server = MockServer::start_async().await;
    let file: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 256) as u8).collect();
    let mock = server.download_accessories(|when, then| {
        exact_query(v2(when.into_inner()), &[("group_id", "g1")])
            .path("/v2/servicerequest/accessorys/a-1,a-2");
        then.into_inner()
            .status(200)
            .header("content-type", "application/octet-stream")
            .body(file.clone());
    });
    let c = client(&server);
    let mut out = Vec::new();
    let n = c
        .download_accessories()
        .accessory_id("a-1,a-2")
        .group_id("g1")
        .send()
        .await
        .unwrap()
        .write_to(&mut out)
        .await
        .unwrap();
    assert_eq!(n as usize, file.len());
    assert_eq!(out, file);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("both.zip");
    c.download_accessories()
        .accessory_id("a-1,a-2")
        .group_id("g1")
        .send()
        .await
        .unwrap()
        .save_to(&path)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), file);
    mock.assert_calls_async(2).await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/accessorys/a-1"))
        },
        |c| async move {
            c.download_accessories()
                .accessory_id("a-1")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn download_images() {
    let server = MockServer::start_async().await;
    let mock = server.download_images(|when, then| {
        exact_query(v2(when.into_inner()), &[]).path("/v2/servicerequest/accessorys/img-1/image");
        then.into_inner()
            .status(200)
            .header("content-type", "image/png")
            .body(b"\x89PNG\r\n\x1a\n...");
    });
    let mut out = Vec::new();
    client(&server)
        .download_images()
        .accessory_id("img-1")
        .send()
        .await
        .unwrap()
        .write_to(&mut out)
        .await
        .unwrap();
    assert_eq!(out, b"\x89PNG\r\n\x1a\n...");
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/accessorys/img-1/image"))
        },
        |c| async move {
            c.download_images()
                .accessory_id("img-1")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn show_download_accessory_url_takes_no_shared_headers() {
    let server = MockServer::start_async().await;
    let body: types::ShowDownloadAccessoryUrlResponse =
        typed(response_example("ShowDownloadAccessoryUrl"));
    let mock = server.show_download_accessory_url(|when, then| {
        let when = without_site_defaults(signed(when.into_inner()))
            .path("/v2/servicerequest/accessorys/123456/access-url");
        exact_query(
            when,
            &[
                ("relation_type", "MESSAGE"),
                ("relation_id", "m-1"),
                ("incident_id", "CS2024"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .show_download_accessory_url()
        .accessory_id("123456")
        .relation_type("MESSAGE")
        .relation_id("m-1")
        .incident_id("CS2024")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            without_site_defaults(signed(
                w.method(Method::GET)
                    .path("/v2/servicerequest/accessorys/1/access-url"),
            ))
        },
        |c| async move {
            c.show_download_accessory_url()
                .accessory_id("1")
                .relation_type("DEFAULT")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}
