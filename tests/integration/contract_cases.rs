//! Contract tests: the v2 ticket operations (tag `cases`). For each: the exact request (method,
//! path with an escaped ticket id, every query parameter, headers, signature verified, JSON body),
//! decoding of the documented response, of a 400 error and of an error under HTTP 200, and a
//! missing required argument refused before anything is sent.

use crate::common;

use common::*;
use futures::StreamExt;
use httpmock::{Method, MockServer};
use huaweicloud_osm::mock::MockServerExt;
use huaweicloud_osm::types;
use huaweicloud_osm::values::CaseStatus;

/// A ticket id with characters that must be escaped (once) in the path.
const CASE_ID: &str = "TT2024 0516/12";
const CASE_PATH: &str = "/v2/servicerequest/cases/TT2024%200516%2F12";

#[tokio::test]
async fn list_case_cc_emails() {
    let server = MockServer::start_async().await;
    let body: types::ListCaseCcEmailsResponse = typed(response_example("ListCaseCcEmails"));
    let mock = server.list_case_cc_emails(|when, then| {
        exact_query(v2(when.into_inner()), &[]);
        then.ok(&body);
    });
    let got = client(&server).list_case_cc_emails().send().await.unwrap();
    assert_eq!(got.into_inner(), body);
    assert_eq!(body.mc_email_infos.len(), 2);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/carbon-copy-emails"))
        },
        |c| async move { c.list_case_cc_emails().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_cases() {
    let server = MockServer::start_async().await;
    let body: types::ListCasesResponse = typed(response_example("ListCases"));
    let mock = server.list_cases(|when, then| {
        // Arrays go on the wire as repeated keys, not joined with commas.
        exact_query(
            v2(when.into_inner()),
            &[
                ("search_key", "disk full"),
                ("search_key", "ecs-web-01"),
                ("label_id_list", "1"),
                ("label_id_list", "2"),
                ("app_key", "app-key-7"),
                ("incident_id", "TT2024051600012"),
                ("query_start_time", "2024-05-01 00:00:00"),
                ("query_end_time", "2024-05-31 23:59:59"),
                ("status", "1"),
                ("incident_status", "1,2"),
                ("x_customer_id", "8c2f5e1d0a9b4c7e9f3d2b1a0e6c5d4f"),
                ("x_customer_name", "dev-user"),
                ("group_id", "group 7"),
                ("offset", "20"),
                ("limit", "10"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_cases()
        .search_key(vec!["disk full".to_string(), "ecs-web-01".to_string()])
        .label_id_list(vec!["1".to_string(), "2".to_string()])
        .app_key("app-key-7")
        .incident_id("TT2024051600012")
        .query_start_time("2024-05-01 00:00:00")
        .query_end_time("2024-05-31 23:59:59")
        .status(1)
        .incident_status("1,2")
        .x_customer_id("8c2f5e1d0a9b4c7e9f3d2b1a0e6c5d4f")
        .x_customer_name("dev-user")
        .group_id("group 7")
        .offset(20)
        .limit(10)
        .send()
        .await
        .unwrap();
    let got = got.into_inner();
    assert_eq!(got, body);
    assert_eq!(got.total_count, Some(2));
    mock.assert_async().await;

    check_errors(
        |w| v2(w.method(Method::GET).path("/v2/servicerequest/cases")),
        |c| async move { c.list_cases().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_cases_refuses_an_overlong_app_key_before_sending() {
    refused_before_sending(|c| async move {
        c.list_cases()
            .app_key("k".repeat(65))
            .send()
            .await
            .map(drop)
    })
    .await;
}

fn create_cases_body() -> (types::CreateOrderIncidentV2Req, serde_json::Value) {
    let wire = serde_json::json!({
        "business_type_id": "5efc9f47ace944bfafd054161409f15b",
        "simple_description": "Cannot log in to ECS instance ecs-web-01 over SSH.",
        "source_id": "83aeb0f2834c4df49826c781d32a963e",
        "incident_sub_type_id": "sub-1",
        "product_category_id": "ecs",
        "region_id": "ap-southeast-3",
        "remind_mobile": "13800000000",
        "remind_mail": "ops@example.com",
        "remind_time": "09:00-18:00",
        "area_code": "86",
        "accessory_ids": ["a1b2c3d4e5f64789a0b1c2d3e4f5a6b7"],
        "extends_map": {"instance_id": "ecs-web-01"},
        "severity_id": "sev-2",
        "verify_code": "123456"
    });
    let body: types::CreateOrderIncidentV2Req = typed(wire.clone());
    assert_eq!(serde_json::to_value(&body).unwrap(), wire);
    (body, wire)
}

#[tokio::test]
async fn create_cases() {
    let server = MockServer::start_async().await;
    let (request, _) = create_cases_body();
    let sent = serde_json::to_value(&request).unwrap();
    let response: types::CreateCasesResponse = typed(response_example("CreateCases"));
    let verified = server.create_cases(|when, then| {
        v2(when.into_inner())
            .header("content-type", "application/json")
            .header("x-phone-verifiedid", "phone-vid-1")
            .header("x-email-verifiedid", "mail-vid-1")
            .json_body(sent.clone());
        then.ok(&response);
    });
    let got = client(&server)
        .create_cases()
        .x_phone_verifiedid("phone-vid-1")
        .x_email_verifiedid("mail-vid-1")
        .body(request.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), response);
    assert_eq!(response.incident_id.as_deref(), Some("TT2024051600012"));
    verified.assert_async().await;

    // Not set: not sent.
    let server = MockServer::start_async().await;
    let plain = server.create_cases(|when, then| {
        v2(when.into_inner())
            .header_missing("x-phone-verifiedid")
            .header_missing("x-email-verifiedid")
            .json_body(sent.clone());
        then.ok(&response);
    });
    let got = client(&server)
        .create_cases()
        .body(request)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), response);
    plain.assert_async().await;

    check_errors(
        |w| v2(w.method(Method::POST).path("/v2/servicerequest/cases")),
        |c| async move {
            let (body, _) = create_cases_body();
            c.create_cases().body(body).send().await.map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_cases_requires_the_body() {
    refused_before_sending(|c| async move { c.create_cases().send().await.map(drop) }).await;
}

#[tokio::test]
async fn list_case_counts() {
    let server = MockServer::start_async().await;
    let body: types::ListCaseCountsResponse = typed(response_example("ListCaseCounts"));
    let mock = server.list_case_counts(|when, then| {
        exact_query(v2(when.into_inner()), &[("status", "3")]);
        then.ok(&body);
    });
    let got = client(&server)
        .list_case_counts()
        .status(3)
        .send()
        .await
        .unwrap();
    let got = got.into_inner();
    assert_eq!(got, body);
    assert_eq!(got.incident_status_counts.len(), 3);
    mock.assert_async().await;

    check_errors(
        |w| v2(w.method(Method::GET).path("/v2/servicerequest/cases/count")),
        |c| async move { c.list_case_counts().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn download_cases() {
    let server = MockServer::start_async().await;
    let file: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let mock = server.download_cases(|when, then| {
        exact_query(
            v2(when.into_inner()),
            &[
                ("language", "en-us"),
                ("timezone", "GMT+08:00"),
                ("incident_id", "TT2024051600012"),
                ("query_start_time", "2024-05-01 00:00:00"),
                ("query_end_time", "2024-05-31 23:59:59"),
                ("x_customer_name", "dev-user"),
                ("search_key", "disk full"),
                ("status", "3"),
                ("customer_id", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
                ("tenant_source_id_list", "src-1"),
                ("tenant_source_id_list", "src-2"),
                ("sub_customer_id", "8c2f5e1d0a9b4c7e9f3d2b1a0e6c5d4f"),
                ("offset", "0"),
                ("limit", "100"),
            ],
        );
        then.into_inner()
            .status(200)
            .header("content-type", "application/octet-stream")
            .body(file.clone());
    });
    let got = client(&server)
        .download_cases()
        .language("en-us")
        .timezone("GMT+08:00")
        .incident_id("TT2024051600012")
        .query_start_time("2024-05-01 00:00:00")
        .query_end_time("2024-05-31 23:59:59")
        .x_customer_name("dev-user")
        .search_key("disk full")
        .status(3)
        .customer_id("0a1b2c3d4e5f60718293a4b5c6d7e8f9")
        .tenant_source_id_list(vec!["src-1".to_string(), "src-2".to_string()])
        .sub_customer_id("8c2f5e1d0a9b4c7e9f3d2b1a0e6c5d4f")
        .offset(0)
        .limit(100)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    let mut stream = got.into_inner();
    let mut received = Vec::new();
    while let Some(chunk) = stream.next().await {
        received.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(received.len(), file.len());
    assert_eq!(received, file);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/cases/export"))
        },
        |c| async move {
            c.download_cases()
                .language("en-us")
                .timezone("GMT+08:00")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn download_cases_requires_language_and_timezone() {
    refused_before_sending(|c| async move {
        c.download_cases()
            .timezone("GMT+08:00")
            .send()
            .await
            .map(drop)
    })
    .await;
    refused_before_sending(|c| async move {
        c.download_cases().language("en-us").send().await.map(drop)
    })
    .await;
}

#[tokio::test]
async fn show_partners_cases_privilege() {
    let server = MockServer::start_async().await;
    let body: types::ShowPartnersCasesPrivilegeResponse =
        typed(response_example("ShowPartnersCasesPrivilege"));
    let mock = server.show_partners_cases_privilege(|when, then| {
        exact_query(v2(when.into_inner()), &[]);
        then.ok(&body);
    });
    let got = client(&server)
        .show_partners_cases_privilege()
        .send()
        .await
        .unwrap();
    let got = got.into_inner();
    assert_eq!(got, body);
    assert_eq!(got.has_privilege, Some(true));
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/cases/partners/privilege/cases-processing"))
        },
        |c| async move { c.show_partners_cases_privilege().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn show_partners_service_info() {
    let server = MockServer::start_async().await;
    let body: types::ShowPartnersServiceInfoResponse =
        typed(response_example("ShowPartnersServiceInfo"));
    let mock = server.show_partners_service_info(|when, then| {
        exact_query(
            v2(when.into_inner()),
            &[("case_sub_type_id", "sub type 1"), ("product_id", "ecs")],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .show_partners_service_info()
        .case_sub_type_id("sub type 1")
        .product_id("ecs")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/cases/partners/service-info"))
        },
        |c| async move { c.show_partners_service_info().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn show_case_detail() {
    let server = MockServer::start_async().await;
    let body: types::ShowCaseDetailResponse = typed(response_example("ShowCaseDetail"));
    let mock = server.show_case_detail(|when, then| {
        exact_query(
            v2(when.into_inner().path(CASE_PATH)),
            &[("group_id", "group 7")],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .show_case_detail()
        .case_id(CASE_ID)
        .group_id("group 7")
        .send()
        .await
        .unwrap();
    let got = got.into_inner();
    assert_eq!(got, body);
    assert_eq!(
        got.incident_detail_info.unwrap().incident_id.as_deref(),
        Some("TT2024051600012")
    );
    mock.assert_async().await;

    check_errors(
        |w| v2(w.method(Method::GET).path(CASE_PATH)),
        |c| async move { c.show_case_detail().case_id(CASE_ID).send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn show_case_detail_requires_the_case_id() {
    refused_before_sending(|c| async move { c.show_case_detail().send().await.map(drop) }).await;
}

fn update_cases_body() -> types::WorkOrderOperateV2Req {
    typed(serde_json::json!({
        "operate_desc": "Still unreachable, please hurry.",
        "group_id": "group 7"
    }))
}

#[tokio::test]
async fn update_cases() {
    let server = MockServer::start_async().await;
    let request = update_cases_body();
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"operate_desc": "Still unreachable, please hurry.", "group_id": "group 7"})
    );
    let response: types::UpdateCasesResponse = typed(response_example("UpdateCases"));
    let mock = server.update_cases(|when, then| {
        // Urging a ticket is action `press`, in the query.
        exact_query(
            v2(when.into_inner().path(format!("{CASE_PATH}/action"))),
            &[("action_id", "press")],
        )
        .header("content-type", "application/json")
        .json_body(sent);
        then.ok(&response);
    });
    let got = client(&server)
        .update_cases()
        .case_id(CASE_ID)
        .action_id("press")
        .body(request)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), response);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::POST)
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/action")
                .query_param("action_id", "press"))
        },
        |c| async move {
            c.update_cases()
                .case_id(CASE_ID)
                .action_id("press")
                .body(update_cases_body())
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn update_cases_requires_the_action() {
    refused_before_sending(|c| async move {
        c.update_cases()
            .case_id(CASE_ID)
            .body(update_cases_body())
            .send()
            .await
            .map(drop)
    })
    .await;
}

fn contact_info_body() -> types::UpdateCaseContactInfoReq {
    typed(serde_json::json!({
        "area_code": "86",
        "remind_mobile": "13800000000",
        "remind_mail": "ops@example.com",
        "remind_time": "09:00-18:00",
        "group_id": "group 7",
        "extension_map": {"wechat": "ops-team"}
    }))
}

#[tokio::test]
async fn update_case_contact_info() {
    let server = MockServer::start_async().await;
    let request = contact_info_body();
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(sent["remind_mail"], "ops@example.com");
    assert_eq!(sent["extension_map"]["wechat"], "ops-team");
    let response: types::UpdateCaseContactInfoResponse =
        typed(response_example("UpdateCaseContactInfo"));
    let mock = server.update_case_contact_info(|when, then| {
        exact_query(
            v2(when.into_inner().path(format!("{CASE_PATH}/contact-info"))),
            &[],
        )
        .json_body(sent);
        then.ok(&response);
    });
    let got = client(&server)
        .update_case_contact_info()
        .case_id(CASE_ID)
        .body(request)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), response);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::PUT)
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/contact-info"))
        },
        |c| async move {
            c.update_case_contact_info()
                .case_id(CASE_ID)
                .body(contact_info_body())
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn update_case_contact_info_requires_the_case_id() {
    refused_before_sending(|c| async move {
        c.update_case_contact_info()
            .body(contact_info_body())
            .send()
            .await
            .map(drop)
    })
    .await;
}

#[tokio::test]
async fn show_case_extends_param() {
    let server = MockServer::start_async().await;
    let body: types::ShowCaseExtendsParamResponse = typed(response_example("ShowCaseExtendsParam"));
    let mock = server.show_case_extends_param(|when, then| {
        exact_query(
            v2(when.into_inner().path(format!("{CASE_PATH}/extends-param"))),
            &[("group_id", "group 7")],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .show_case_extends_param()
        .case_id(CASE_ID)
        .group_id("group 7")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/extends-param"))
        },
        |c| async move {
            c.show_case_extends_param()
                .case_id(CASE_ID)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn show_case_extends_param_requires_the_case_id() {
    refused_before_sending(|c| async move { c.show_case_extends_param().send().await.map(drop) })
        .await;
}

fn extends_param_body() -> types::PutCaseExtParamReq {
    typed(serde_json::json!({
        "group_id": "group 7",
        "message_id": "msg-0001",
        "extends_map": {"instance_id": "ecs-web-01", "retries": 3}
    }))
}

#[tokio::test]
async fn create_case_extends_param() {
    let server = MockServer::start_async().await;
    let request = extends_param_body();
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(sent["extends_map"]["retries"], 3);
    let response: types::CreateCaseExtendsParamResponse =
        typed(response_example("CreateCaseExtendsParam"));
    let mock = server.create_case_extends_param(|when, then| {
        exact_query(
            v2(when.into_inner().path(format!("{CASE_PATH}/extends-param"))),
            &[],
        )
        .json_body(sent);
        then.ok(&response);
    });
    let got = client(&server)
        .create_case_extends_param()
        .case_id(CASE_ID)
        .body(request)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), response);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::POST)
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/extends-param"))
        },
        |c| async move {
            c.create_case_extends_param()
                .case_id(CASE_ID)
                .body(extends_param_body())
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_case_extends_param_requires_the_case_id() {
    refused_before_sending(|c| async move {
        c.create_case_extends_param()
            .body(extends_param_body())
            .send()
            .await
            .map(drop)
    })
    .await;
}

#[tokio::test]
async fn list_case_operate_logs() {
    let server = MockServer::start_async().await;
    let body: types::ListCaseOperateLogsResponse = typed(response_example("ListCaseOperateLogs"));
    let mock = server.list_case_operate_logs(|when, then| {
        exact_query(
            v2(when.into_inner().path(format!("{CASE_PATH}/operate-logs"))),
            &[("group_id", "group 7"), ("offset", "10"), ("limit", "5")],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_case_operate_logs()
        .case_id(CASE_ID)
        .group_id("group 7")
        .offset(10)
        .limit(5)
        .send()
        .await
        .unwrap();
    let got = got.into_inner();
    assert_eq!(got, body);
    assert_eq!(got.total_count, Some(1));
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/operate-logs"))
        },
        |c| async move {
            c.list_case_operate_logs()
                .case_id(CASE_ID)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_case_operate_logs_requires_the_case_id() {
    refused_before_sending(|c| async move {
        c.list_case_operate_logs().limit(5).send().await.map(drop)
    })
    .await;
}

fn scores_body() -> types::CreateScoreV2Req {
    typed(serde_json::json!({
        "judgement": "Solved quickly, thanks.",
        "incident_satisfaction_list": [
            {"satisfaction_id": 1, "satisfaction_value": 5},
            {"satisfaction_id": 2, "satisfaction_value": 4}
        ],
        "group_id": "group 7"
    }))
}

#[tokio::test]
async fn create_scores() {
    let server = MockServer::start_async().await;
    let request = scores_body();
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(sent["judgement"], "Solved quickly, thanks.");
    assert_eq!(
        sent["incident_satisfaction_list"][1]["satisfaction_value"],
        4
    );
    let response: types::CreateScoresResponse = typed(response_example("CreateScores"));
    let mock = server.create_scores(|when, then| {
        exact_query(
            v2(when.into_inner().path(format!("{CASE_PATH}/score"))),
            &[],
        )
        .json_body(sent);
        then.ok(&response);
    });
    let got = client(&server)
        .create_scores()
        .case_id(CASE_ID)
        .body(request)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), response);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::POST)
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/score"))
        },
        |c| async move {
            c.create_scores()
                .case_id(CASE_ID)
                .body(scores_body())
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_scores_requires_the_body() {
    refused_before_sending(
        |c| async move { c.create_scores().case_id(CASE_ID).send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn show_case_status() {
    let server = MockServer::start_async().await;
    let body: types::ShowCaseStatusResponse = typed(response_example("ShowCaseStatus"));
    let mock = server.show_case_status(|when, then| {
        no_body(exact_query(
            v2(when.into_inner().path(format!("{CASE_PATH}/status"))),
            &[],
        ));
        then.ok(&body);
    });
    let got = client(&server)
        .show_case_status()
        .case_id(CASE_ID)
        .send()
        .await
        .unwrap();
    let got = got.into_inner();
    assert_eq!(got, body);
    assert_eq!(got.status, Some(CaseStatus::PENDING_ACCEPTANCE));
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/status"))
        },
        |c| async move { c.show_case_status().case_id(CASE_ID).send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn show_case_status_requires_the_case_id() {
    refused_before_sending(|c| async move { c.show_case_status().send().await.map(drop) }).await;
}
