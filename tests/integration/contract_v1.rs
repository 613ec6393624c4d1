//! Contract tests of the seed's slice: the 13 v1.0 ticket operations and the three iRobot operations
//! the seed names. For each: the exact request (method, path, query, headers, signature verified,
//! body), decoding of the documented response, of a 400 error and of an error under HTTP 200.

use crate::common;

use common::*;
use httpmock::{Method, MockServer, When};
use huaweicloud_osm::attachments::{AccessoryFromV1, Attachment, v1_max_size};
use huaweicloud_osm::mock::MockServerExt;
use huaweicloud_osm::{Error, types};

#[tokio::test]
async fn list_cases_v1() {
    let server = MockServer::start_async().await;
    let body: types::ListCasesV1Response = typed(response_example("ListCasesV1"));
    let mock = server.list_cases_v1(|when, then| {
        let when = when.into_inner();
        exact_query(
            bare(when),
            &[
                ("searchKey", "disk full"),
                ("status", "1"),
                ("pageNo", "2"),
                ("pageSize", "50"),
                ("startTime", "2019-05-22 03:30:52"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_cases_v1()
        .search_key("disk full")
        .status(1)
        .page_no(2)
        .page_size(50)
        .start_time("2019-05-22 03:30:52")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| bare(w.method(Method::GET).path("/v1.0/servicerequest/case")),
        |c| async move { c.list_cases_v1().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn create_case_v1() {
    let server = MockServer::start_async().await;
    let request = request_example("CreateCaseV1");
    // Sent as the generated type serializes the documented example (empty lists are left out).
    let sent = serde_json::to_value(typed::<types::CreateCaseV1Request>(request.clone())).unwrap();
    assert_eq!(sent["businessTypeId"], "5efc9f47ace944bfafd054161409f15b");
    let mock = server.create_case_v1(|when, then| {
        bare(when.into_inner())
            .json_body(sent)
            .header("content-type", "application/json");
        then.ok(&typed(response_example("CreateCaseV1")));
    });
    let got = client(&server)
        .create_case_v1()
        .body(typed::<types::CreateCaseV1Request>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    mock.assert_async().await;

    check_errors(
        |w| bare(w.method(Method::POST).path("/v1.0/servicerequest/case")),
        |c| async move {
            let body = typed::<types::CreateCaseV1Request>(request_example("CreateCaseV1"));
            c.create_case_v1().body(body).send().await.map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn v1_operations_without_a_documented_body_accept_an_empty_200() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        bare(
            when.method(Method::POST)
                .path("/v1.0/servicerequest/case/action"),
        );
        then.status(200).header("x-request-id", REQUEST_ID);
    });
    let body = typed::<types::UpdateCaseV1Request>(request_example("UpdateCaseV1"));
    let got = client(&server)
        .update_case_v1()
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), types::UpdateCaseV1Response::default());
    mock.assert_async().await;
}

#[tokio::test]
async fn update_case_v1_urges_with_press() {
    let server = MockServer::start_async().await;
    let mock = server.update_case_v1(|when, then| {
        bare(when.into_inner()).json_body(serde_json::json!({
            "action": "press",
            "actionDesc": "still down",
            "caseId": "TT201801010000"
        }));
        then.ok(&types::UpdateCaseV1Response::default());
    });
    let body = types::UpdateCaseV1Request::builder()
        .action("press")
        .action_desc("still down")
        .case_id("TT201801010000");
    client(&server)
        .update_case_v1()
        .body(body)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::POST)
                    .path("/v1.0/servicerequest/case/action"),
            )
        },
        |c| async move {
            let body = typed::<types::UpdateCaseV1Request>(request_example("UpdateCaseV1"));
            c.update_case_v1().body(body).send().await.map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn update_case_v1_rejects_an_overlong_action_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let body = types::UpdateCaseV1Request::builder()
        .action("x".repeat(65))
        .case_id("TT1");
    let err = client(&server)
        .update_case_v1()
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_invalid_request());
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn delete_accessory_v1_sends_a_json_body_on_delete() {
    let server = MockServer::start_async().await;
    let mock = server.delete_accessory_v1(|when, then| {
        bare(when.into_inner()).json_body(serde_json::json!({"accessoryId": "acc-1"}));
        then.ok(&types::DeleteAccessoryV1Response::default());
    });
    let body = types::DeleteAccessoryV1Request::builder().accessory_id("acc-1");
    client(&server)
        .delete_accessory_v1()
        .body(body)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::DELETE)
                    .path("/v1.0/servicerequest/case/accessory"),
            )
        },
        |c| async move {
            let body = types::DeleteAccessoryV1Request::builder().accessory_id("acc-1");
            c.delete_accessory_v1().body(body).send().await.map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_business_types_v1() {
    let server = MockServer::start_async().await;
    let body: types::ListBusinessTypesV1Response = typed(response_example("ListBusinessTypesV1"));
    let mock = server.list_business_types_v1(|when, then| {
        exact_query(
            bare(when.into_inner()),
            &[("productCategoryId", "69af625c")],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_business_types_v1()
        .product_category_id("69af625c")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::GET)
                    .path("/v1.0/servicerequest/case/businesstype"),
            )
        },
        |c| async move { c.list_business_types_v1().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn show_case_detail_v1() {
    let server = MockServer::start_async().await;
    let body: types::ShowCaseDetailV1Response = typed(response_example("ShowCaseDetailV1"));
    let mock = server.show_case_detail_v1(|when, then| {
        exact_query(bare(when.into_inner()), &[("caseId", "TT201801020526")]);
        then.ok(&body);
    });
    let got = client(&server)
        .show_case_detail_v1()
        .case_id("TT201801020526")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::GET)
                    .path("/v1.0/servicerequest/case/detail"),
            )
        },
        |c| async move {
            c.show_case_detail_v1()
                .case_id("TT1")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn show_case_detail_v1_requires_the_case_id() {
    let server = MockServer::start_async().await;
    let err = client(&server)
        .show_case_detail_v1()
        .send()
        .await
        .unwrap_err();
    assert!(err.is_invalid_request());
}

#[tokio::test]
async fn create_evaluation_v1() {
    let server = MockServer::start_async().await;
    let request = request_example("CreateEvaluationV1");
    let mock = server.create_evaluation_v1(|when, then| {
        bare(when.into_inner()).json_body(request.clone());
        then.ok(&typed(response_example("CreateEvaluationV1")));
    });
    client(&server)
        .create_evaluation_v1()
        .body(typed::<types::CreateEvaluationV1Request>(request.clone()))
        .send()
        .await
        .unwrap();
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::POST)
                    .path("/v1.0/servicerequest/case/evaluation"),
            )
        },
        |c| async move {
            let body =
                typed::<types::CreateEvaluationV1Request>(request_example("CreateEvaluationV1"));
            c.create_evaluation_v1().body(body).send().await.map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_message_v1() {
    let server = MockServer::start_async().await;
    let request = request_example("CreateMessageV1");
    let sent =
        serde_json::to_value(typed::<types::CreateMessageV1Request>(request.clone())).unwrap();
    assert_eq!(sent["message"]["content"], "TT201801020526");
    let mock = server.create_message_v1(|when, then| {
        bare(when.into_inner()).json_body(sent);
        then.ok(&typed(response_example("CreateMessageV1")));
    });
    client(&server)
        .create_message_v1()
        .body(typed::<types::CreateMessageV1Request>(request.clone()))
        .send()
        .await
        .unwrap();
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::POST)
                    .path("/v1.0/servicerequest/case/message"),
            )
        },
        |c| async move {
            let body = typed::<types::CreateMessageV1Request>(request_example("CreateMessageV1"));
            c.create_message_v1().body(body).send().await.map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_regions_v1() {
    let server = MockServer::start_async().await;
    let body: types::ListRegionsV1Response = typed(response_example("ListRegionsV1"));
    let mock = server.list_regions_v1(|when, then| {
        exact_query(bare(when.into_inner()), &[]);
        then.ok(&body);
    });
    let got = client(&server).list_regions_v1().send().await.unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::GET)
                    .path("/v1.0/servicerequest/case/region"),
            )
        },
        |c| async move { c.list_regions_v1().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_sub_types_v1() {
    let server = MockServer::start_async().await;
    let body: types::ListSubTypesV1Response = typed(response_example("ListSubTypesV1"));
    let mock = server.list_sub_types_v1(|when, then| {
        exact_query(bare(when.into_inner()), &[]);
        then.ok(&body);
    });
    let got = client(&server).list_sub_types_v1().send().await.unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::GET)
                    .path("/v1.0/servicerequest/case/subtype"),
            )
        },
        |c| async move { c.list_sub_types_v1().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_templates_v1() {
    let server = MockServer::start_async().await;
    let body: types::ListTemplatesV1Response = typed(response_example("ListTemplatesV1"));
    let mock = server.list_templates_v1(|when, then| {
        exact_query(bare(when.into_inner()), &[("businessTypeId", "b6dc3d3b")]);
        then.ok(&body);
    });
    let got = client(&server)
        .list_templates_v1()
        .business_type_id("b6dc3d3b")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::GET)
                    .path("/v1.0/servicerequest/case/template"),
            )
        },
        |c| async move {
            c.list_templates_v1()
                .business_type_id("b")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn upload_accessory_v1_is_multipart_and_unsigned_payload() {
    let server = MockServer::start_async().await;
    let content = b"PNG fake image bytes".to_vec();
    let mock = server.mock(|when, then| {
        bare(
            when.method(Method::POST)
                .path("/v1.0/servicerequest/case/accessory"),
        )
        .header_matches("content-type", "^multipart/form-data; boundary=.+$")
        .header("x-sdk-content-sha256", "UNSIGNED-PAYLOAD")
        .header("accept", "application/json")
        .body_includes("name=\"accessoryData\"; filename=\"screen.png\"")
        .body_includes("PNG fake image bytes")
        .body_includes("name=\"accessoryName\"\r\n\r\nscreen.png\r\n")
        .body_includes("name=\"accessoryFrom\"\r\n\r\nincident\r\n");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(response_example("UploadAccessoryV1"));
    });
    let got = client(&server)
        .upload_accessory_v1(
            Attachment::from_bytes("screen.png", content),
            AccessoryFromV1::Incident,
        )
        .await
        .unwrap();
    assert_eq!(got.accessory_id.as_deref(), Some("xxx"));
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::POST)
                    .path("/v1.0/servicerequest/case/accessory"),
            )
        },
        |c| async move {
            c.upload_accessory_v1(
                Attachment::from_bytes("a.txt", "log"),
                AccessoryFromV1::Message,
            )
            .await
            .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn upload_accessory_v1_from_a_file_and_a_reader() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        bare(
            when.method(Method::POST)
                .path("/v1.0/servicerequest/case/accessory"),
        )
        .body_includes("line one\nline two");
        then.status(200)
            .json_body(serde_json::json!({"accessoryId": "acc-9"}));
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.log.txt");
    std::fs::write(&path, "line one\nline two").unwrap();
    let c = client(&server);
    let from_path = c
        .upload_accessory_v1(
            Attachment::from_path(&path).await.unwrap(),
            AccessoryFromV1::Message,
        )
        .await
        .unwrap();
    assert_eq!(from_path.accessory_id.as_deref(), Some("acc-9"));
    let reader = std::io::Cursor::new(b"line one\nline two".to_vec());
    let from_reader = c
        .upload_accessory_v1(
            Attachment::from_reader("r.txt", reader, None),
            AccessoryFromV1::Feedback,
        )
        .await
        .unwrap();
    assert_eq!(from_reader.accessory_id.as_deref(), Some("acc-9"));
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn upload_accessory_v1_refuses_oversized_and_unlisted_files_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let c = client(&server);
    // The spec's limits: `maxLength` of the file part (2 MB) and of the name part (512).
    assert_eq!(v1_max_size(), 2 * 1024 * 1024);
    let long_name = format!("{}.txt", "n".repeat(509));
    let err = c
        .upload_accessory_v1(
            Attachment::from_bytes(long_name, "x"),
            AccessoryFromV1::Incident,
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.message(),
        Some("form.accessoryName: 513 characters, at most 512")
    );
    let big = Attachment::from_bytes("big.zip", vec![0u8; v1_max_size() as usize + 1]);
    let err = c
        .upload_accessory_v1(big, AccessoryFromV1::Incident)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("big.zip")),
        "{err}"
    );
    let exe = Attachment::from_bytes("tool.exe", vec![1u8; 10]);
    let err = c
        .upload_accessory_v1(exe, AccessoryFromV1::Incident)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("allowed type")),
        "{err}"
    );
    let declared_big =
        Attachment::from_reader("d.pdf", tokio::io::empty(), Some(v1_max_size() + 1));
    assert!(
        c.upload_accessory_v1(declared_big, AccessoryFromV1::Incident)
            .await
            .is_err()
    );
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn download_accessories_v1_streams_one_file_or_an_archive() {
    let server = MockServer::start_async().await;
    let file: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let single = server.download_accessories_v1(|when, then| {
        exact_query(bare(when.into_inner()), &[("id", "acc-1")]);
        then.into_inner()
            .status(200)
            .header("content-type", "application/octet-stream")
            .body(file.clone());
    });
    let archive = server.download_accessories_v1(|when, then| {
        exact_query(bare(when.into_inner()), &[("id", "acc-1,acc-2,acc-3")]);
        then.into_inner()
            .status(200)
            .header("content-type", "application/zip")
            .body(b"PK\x03\x04zip");
    });
    let c = client(&server);
    let mut out = Vec::new();
    let n = c
        .download_accessories_v1_to(&["acc-1"], &mut out)
        .await
        .unwrap();
    assert_eq!((n as usize, out.as_slice()), (file.len(), file.as_slice()));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.zip");
    c.download_accessories_v1_to_path(&["acc-1", "acc-2", "acc-3"], &path)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"PK\x03\x04zip");
    assert!(!dir.path().join("all.zip.part").exists());
    single.assert_async().await;
    archive.assert_async().await;
}

#[tokio::test]
async fn download_accessories_v1_errors_and_limits() {
    check_errors(
        |w| {
            bare(
                w.method(Method::GET)
                    .path("/v1.0/servicerequest/case/accessory"),
            )
        },
        |c| async move {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("x.bin");
            let result = c.download_accessories_v1_to_path(&["acc-1"], &path).await;
            assert!(!path.exists(), "no file is left behind on failure");
            assert!(!dir.path().join("x.bin.part").exists());
            result.map(drop)
        },
    )
    .await;

    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let ids = ["a"; 11];
    let err = client(&server)
        .download_accessories_v1_to(&ids, Vec::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    mock.assert_calls_async(0).await;
}

fn irobot(when: When) -> When {
    irobot_with_language(when, LANGUAGE)
}

fn irobot_with_language(when: When, language: &str) -> When {
    signed(when)
        .header("x-service-key", "svc-key")
        .header("x-site", SITE)
        .header("x-language", language)
        .header_missing("x-time-zone")
}

#[tokio::test]
async fn create_ask_question() {
    let server = MockServer::start_async().await;
    let request = request_example("CreateAskQuestion");
    let body: types::CreateAskQuestionResponse = typed(response_example("CreateAskQuestion"));
    let mock = server.create_ask_question(|when, then| {
        irobot(when.into_inner()).json_body(request.clone());
        then.ok(&body);
    });
    let got = client(&server)
        .create_ask_question()
        .x_service_key("svc-key")
        .body(typed::<types::AskQuestionReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| irobot(w.method(Method::POST).path("/v2/irobot/qapairs/ask")),
        |c| async move {
            let body = typed::<types::AskQuestionReq>(request_example("CreateAskQuestion"));
            c.create_ask_question()
                .x_service_key("svc-key")
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_ask_question_requires_the_service_key() {
    let server = MockServer::start_async().await;
    let body = typed::<types::AskQuestionReq>(request_example("CreateAskQuestion"));
    let err = client(&server)
        .create_ask_question()
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_invalid_request());
}

#[tokio::test]
async fn show_associated_questions() {
    let server = MockServer::start_async().await;
    let request = request_example("ShowAssociatedQuestions");
    let body: types::ShowAssociatedQuestionsResponse =
        typed(response_example("ShowAssociatedQuestions"));
    let mock = server.show_associated_questions(|when, then| {
        irobot(when.into_inner()).json_body(request.clone());
        then.ok(&body);
    });
    let got = client(&server)
        .show_associated_questions()
        .x_service_key("svc-key")
        .body(typed::<types::QueryAssociatedQuestionReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| irobot(w.method(Method::POST).path("/v2/irobot/qapairs/associate")),
        |c| async move {
            let body = typed::<types::QueryAssociatedQuestionReq>(request_example(
                "ShowAssociatedQuestions",
            ));
            c.show_associated_questions()
                .x_service_key("svc-key")
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_recommend_words() {
    let server = MockServer::start_async().await;
    let body: types::ListRecommendWordsResponse = typed(response_example("ListRecommendWords"));
    let mock = server.list_recommend_words(|when, then| {
        // The call's own x-language wins over the client's default.
        let when = irobot_with_language(when.into_inner(), "zh-cn");
        exact_query(
            when,
            &[
                ("recommend_word_id", "word-id"),
                ("level_value", "2"),
                ("theme_name", "ECS"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_recommend_words()
        .x_service_key("svc-key")
        .x_language("zh-cn")
        .recommend_word_id("word-id")
        .level_value(2)
        .theme_name("ECS")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;
}
