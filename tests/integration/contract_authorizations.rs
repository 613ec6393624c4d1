//! Contract tests: authorizations, agreements, diagnose and internal operations. For each: the exact
//! request (method, path with escaped parameters, query, headers, signature verified, body), decoding
//! of the documented response, of a 400 error and of an error under HTTP 200; required parameters and
//! bodies refused before anything is sent.

use crate::common;

use common::*;
use httpmock::{Method, MockServer, When};
use huaweicloud_osm::mock::MockServerExt;
use huaweicloud_osm::{Error, types};

/// Operations declaring `X-Site`, `X-Language` and `X-Time-Zone`: the client's defaults are sent.
fn osm(when: When) -> When {
    with_site_defaults(signed(when))
}

/// `ShowLoginType` declares only `X-Language` and `X-Time-Zone`: no `x-site`.
fn language_and_time_zone(when: When) -> When {
    signed(when)
        .header("x-language", LANGUAGE)
        .header("x-time-zone", TIME_ZONE)
        .header_missing("x-site")
}

// ---------------------------------------------------------------------------------------------
// authorizations
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_agencies() {
    let server = MockServer::start_async().await;
    let body: types::ListAgenciesResponse = typed(response_example("ListAgencies"));
    assert_eq!(body.total_count, Some(1));
    let mock = server.list_agencies(|when, then| {
        exact_query(osm(when.into_inner()), &[]);
        then.ok(&body);
    });
    let got = client(&server).list_agencies().send().await.unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| osm(w.method(Method::GET).path("/v2/servicerequest/agencies")),
        |c| async move { c.list_agencies().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_agencies_call_headers_win_over_the_defaults() {
    let server = MockServer::start_async().await;
    let body: types::ListAgenciesResponse = typed(response_example("ListAgencies"));
    let mock = server.list_agencies(|when, then| {
        signed(when.into_inner())
            .header("x-language", "zh-cn")
            .header("x-time-zone", "GMT-5")
            .header("x-site", "0");
        then.ok(&body);
    });
    let got = client(&server)
        .list_agencies()
        .x_language("zh-cn")
        .x_time_zone("GMT-5")
        .x_site(0)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;
}

#[tokio::test]
async fn list_authorizations() {
    let server = MockServer::start_async().await;
    let body: types::ListAuthorizationsResponse = typed(response_example("ListAuthorizations"));
    assert_eq!(body.count, Some(1));
    let mock = server.list_authorizations(|when, then| {
        exact_query(
            osm(when.into_inner()),
            &[
                ("sub_customer_name", "ops user"),
                ("incident_id", "CS20240603000001"),
                ("status", "2"),
                ("simple_description", "ssh & rdp down"),
                ("offset", "10"),
                ("limit", "20"),
                ("group_id", "group 7"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_authorizations()
        .sub_customer_name("ops user")
        .incident_id("CS20240603000001")
        .status(2)
        .simple_description("ssh & rdp down")
        .offset(10)
        .limit(20)
        .group_id("group 7")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            osm(w
                .method(Method::GET)
                .path("/v2/servicerequest/authorizations"))
        },
        |c| async move { c.list_authorizations().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn check_hosts() {
    let server = MockServer::start_async().await;
    let request = request_example("CheckHosts");
    let sent = serde_json::to_value(typed::<types::VerifyHostV2Req>(request.clone())).unwrap();
    assert_eq!(sent, request);
    let body: types::CheckHostsResponse = typed(response_example("CheckHosts"));
    let mock = server.check_hosts(|when, then| {
        let when = when
            .into_inner()
            .path("/v2/servicerequest/authorizations/authorization-details/5001/verify-host");
        json(exact_query(osm(when), &[]), sent.clone());
        then.ok(&body);
    });
    let got = client(&server)
        .check_hosts()
        .authorization_detail_id(5001)
        .body(typed::<types::VerifyHostV2Req>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            osm(w
                .method(Method::POST)
                .path("/v2/servicerequest/authorizations/authorization-details/5001/verify-host"))
        },
        |c| async move {
            let body = typed::<types::VerifyHostV2Req>(request_example("CheckHosts"));
            c.check_hosts()
                .authorization_detail_id(5001)
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn show_login_type() {
    let server = MockServer::start_async().await;
    let body: types::ShowLoginTypeResponse = typed(response_example("ShowLoginType"));
    let mock = server.show_login_type(|when, then| {
        exact_query(language_and_time_zone(when.into_inner()), &[]);
        then.ok(&body);
    });
    let got = client(&server).show_login_type().send().await.unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            language_and_time_zone(
                w.method(Method::GET)
                    .path("/v2/servicerequest/authorizations/login-type"),
            )
        },
        |c| async move { c.show_login_type().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn show_authorization_detail() {
    let server = MockServer::start_async().await;
    let body: types::ShowAuthorizationDetailResponse =
        typed(response_example("ShowAuthorizationDetail"));
    assert_eq!(body.id.as_deref(), Some("1001"));
    let mock = server.show_authorization_detail(|when, then| {
        let when = when
            .into_inner()
            .path("/v2/servicerequest/authorizations/auth%201001");
        exact_query(osm(when), &[("group_id", "group 7")]);
        then.ok(&body);
    });
    let got = client(&server)
        .show_authorization_detail()
        .authorization_id("auth 1001")
        .group_id("group 7")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            osm(w
                .method(Method::GET)
                .path("/v2/servicerequest/authorizations/1001"))
        },
        |c| async move {
            c.show_authorization_detail()
                .authorization_id("1001")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn confirm_authorizations() {
    let server = MockServer::start_async().await;
    let request = request_example("ConfirmAuthorizations");
    let sent = serde_json::to_value(typed::<types::AgreeTenantAuthorizationV2Req>(
        request.clone(),
    ))
    .unwrap();
    assert_eq!(sent, request);
    let body: types::ConfirmAuthorizationsResponse =
        typed(response_example("ConfirmAuthorizations"));
    let mock = server.confirm_authorizations(|when, then| {
        let when = when
            .into_inner()
            .path("/v2/servicerequest/authorizations/auth%201001");
        json(exact_query(osm(when), &[]), sent.clone());
        then.ok(&body);
    });
    let got = client(&server)
        .confirm_authorizations()
        .authorization_id("auth 1001")
        .body(typed::<types::AgreeTenantAuthorizationV2Req>(
            request.clone(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            osm(w
                .method(Method::PUT)
                .path("/v2/servicerequest/authorizations/1001"))
        },
        |c| async move {
            let body = typed::<types::AgreeTenantAuthorizationV2Req>(request_example(
                "ConfirmAuthorizations",
            ));
            c.confirm_authorizations()
                .authorization_id("1001")
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn update_authorizations() {
    let server = MockServer::start_async().await;
    let request = request_example("UpdateAuthorizations");
    let sent =
        serde_json::to_value(typed::<types::OperateAuthorizationV2Req>(request.clone())).unwrap();
    assert_eq!(sent, request);
    let body: types::UpdateAuthorizationsResponse = typed(response_example("UpdateAuthorizations"));
    let mock = server.update_authorizations(|when, then| {
        let when = when
            .into_inner()
            .path("/v2/servicerequest/authorizations/auth%201001/action");
        json(
            exact_query(osm(when), &[("action_id", "reject")]),
            sent.clone(),
        );
        then.ok(&body);
    });
    let got = client(&server)
        .update_authorizations()
        .authorization_id("auth 1001")
        .action_id("reject")
        .body(typed::<types::OperateAuthorizationV2Req>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            osm(w
                .method(Method::PUT)
                .path("/v2/servicerequest/authorizations/1001/action"))
        },
        |c| async move {
            let body =
                typed::<types::OperateAuthorizationV2Req>(request_example("UpdateAuthorizations"));
            c.update_authorizations()
                .authorization_id("1001")
                .action_id("reject")
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_history_sessions() {
    let server = MockServer::start_async().await;
    let body: types::ListHistorySessionsResponse = typed(response_example("ListHistorySessions"));
    assert_eq!(body.total_count, Some(1));
    let mock = server.list_history_sessions(|when, then| {
        let when = when.into_inner().path(
            "/v2/servicerequest/authorizations/auth%201001/authorization-details/5001/history-sessions",
        );
        exact_query(
            osm(when),
            &[("group_id", "group 7"), ("offset", "0"), ("limit", "100")],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_history_sessions()
        .authorization_id("auth 1001")
        .authorization_detail_id(5001)
        .group_id("group 7")
        .offset(0)
        .limit(100)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            osm(w.method(Method::GET).path(
                "/v2/servicerequest/authorizations/1001/authorization-details/5001/history-sessions",
            ))
        },
        |c| async move {
            c.list_history_sessions()
                .authorization_id("1001")
                .authorization_detail_id(5001)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_transport_histories() {
    let server = MockServer::start_async().await;
    let body: types::ListTransportHistoriesResponse =
        typed(response_example("ListTransportHistories"));
    assert_eq!(body.total_count, Some(1));
    let mock = server.list_transport_histories(|when, then| {
        let when = when.into_inner().path(
            "/v2/servicerequest/authorizations/auth%201001/authorization-details/5001/sessions/7001/operation-file-logs",
        );
        exact_query(
            osm(when),
            &[("group_id", "group 7"), ("sort", "1"), ("offset", "5"), ("limit", "10")],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_transport_histories()
        .authorization_id("auth 1001")
        .authorization_detail_id(5001)
        .session_id(7001)
        .group_id("group 7")
        .sort(1)
        .offset(5)
        .limit(10)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            osm(w.method(Method::GET).path(
                "/v2/servicerequest/authorizations/1001/authorization-details/5001/sessions/7001/operation-file-logs",
            ))
        },
        |c| async move {
            c.list_transport_histories()
                .authorization_id("1001")
                .authorization_detail_id(5001)
                .session_id(7001)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_history_operate_logs() {
    let server = MockServer::start_async().await;
    let body: types::ListHistoryOperateLogsResponse =
        typed(response_example("ListHistoryOperateLogs"));
    assert_eq!(body.total_count, Some(2));
    let mock = server.list_history_operate_logs(|when, then| {
        let when = when.into_inner().path(
            "/v2/servicerequest/authorizations/auth%201001/authorization-details/5001/sessions/7001/operation-logs",
        );
        exact_query(
            osm(when),
            &[("group_id", "group 7"), ("sort", "0"), ("offset", "5"), ("limit", "10")],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_history_operate_logs()
        .authorization_id("auth 1001")
        .authorization_detail_id(5001)
        .session_id(7001)
        .group_id("group 7")
        .sort(0)
        .offset(5)
        .limit(10)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            osm(w.method(Method::GET).path(
                "/v2/servicerequest/authorizations/1001/authorization-details/5001/sessions/7001/operation-logs",
            ))
        },
        |c| async move {
            c.list_history_operate_logs()
                .authorization_id("1001")
                .authorization_detail_id(5001)
                .session_id(7001)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

/// Deprecated in the spec (historical API), still generated and still covered.
#[allow(deprecated)]
#[tokio::test]
async fn create_authorization() {
    let server = MockServer::start_async().await;
    let request = request_example("CreateAuthorization");
    let sent = serde_json::to_value(typed::<types::CreateUserCenterAuthorizationV2Req>(
        request.clone(),
    ))
    .unwrap();
    assert_eq!(sent, request);
    let body: types::CreateAuthorizationResponse = typed(response_example("CreateAuthorization"));
    let mock = server.create_authorization(|when, then| {
        let when = when
            .into_inner()
            .path("/v2/servicerequest/cases/TT%202024/authorizations");
        json(exact_query(osm(when), &[]), sent.clone());
        then.ok(&body);
    });
    let got = client(&server)
        .create_authorization()
        .case_id("TT 2024")
        .body(typed::<types::CreateUserCenterAuthorizationV2Req>(
            request.clone(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            osm(w
                .method(Method::POST)
                .path("/v2/servicerequest/cases/TT2024/authorizations"))
        },
        |c| async move {
            let body = typed::<types::CreateUserCenterAuthorizationV2Req>(request_example(
                "CreateAuthorization",
            ));
            c.create_authorization()
                .case_id("TT2024")
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[allow(deprecated)]
#[tokio::test]
async fn authorization_calls_missing_required_parts_send_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let c = client(&server);
    let check_body = || typed::<types::VerifyHostV2Req>(request_example("CheckHosts"));
    let results: Vec<(&str, Error)> = vec![
        (
            "check_hosts without body",
            c.check_hosts()
                .authorization_detail_id(5001)
                .send()
                .await
                .unwrap_err(),
        ),
        (
            "check_hosts without authorization_detail_id",
            c.check_hosts().body(check_body()).send().await.unwrap_err(),
        ),
        (
            "check_hosts without password",
            c.check_hosts()
                .authorization_detail_id(5001)
                .body(types::VerifyHostV2Req::builder().port(22).account("root"))
                .send()
                .await
                .unwrap_err(),
        ),
        (
            "show_authorization_detail without authorization_id",
            c.show_authorization_detail().send().await.unwrap_err(),
        ),
        (
            "show_authorization_detail with a 33-character authorization_id",
            c.show_authorization_detail()
                .authorization_id("a".repeat(33))
                .send()
                .await
                .unwrap_err(),
        ),
        (
            "confirm_authorizations without authorization_id",
            c.confirm_authorizations()
                .body(typed::<types::AgreeTenantAuthorizationV2Req>(
                    request_example("ConfirmAuthorizations"),
                ))
                .send()
                .await
                .unwrap_err(),
        ),
        (
            "update_authorizations without authorization_id",
            c.update_authorizations()
                .body(typed::<types::OperateAuthorizationV2Req>(request_example(
                    "UpdateAuthorizations",
                )))
                .send()
                .await
                .unwrap_err(),
        ),
        (
            "list_history_sessions without authorization_detail_id",
            c.list_history_sessions()
                .authorization_id("1001")
                .send()
                .await
                .unwrap_err(),
        ),
        (
            "list_transport_histories without session_id",
            c.list_transport_histories()
                .authorization_id("1001")
                .authorization_detail_id(5001)
                .send()
                .await
                .unwrap_err(),
        ),
        (
            "list_history_operate_logs without authorization_id",
            c.list_history_operate_logs()
                .authorization_detail_id(5001)
                .session_id(7001)
                .send()
                .await
                .unwrap_err(),
        ),
        (
            "create_authorization without case_id",
            c.create_authorization()
                .body(typed::<types::CreateUserCenterAuthorizationV2Req>(
                    request_example("CreateAuthorization"),
                ))
                .send()
                .await
                .unwrap_err(),
        ),
    ];
    for (case, err) in results {
        assert!(matches!(err, Error::InvalidRequest(_)), "{case}: {err:?}");
    }
    mock.assert_calls_async(0).await;
}

// ---------------------------------------------------------------------------------------------
// agreements
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn show_latest_published_agreement() {
    let server = MockServer::start_async().await;
    let body: types::ShowLatestPublishedAgreementResponse =
        typed(response_example("ShowLatestPublishedAgreement"));
    assert!(body.case_agreement.is_some());
    let mock = server.show_latest_published_agreement(|when, then| {
        exact_query(osm(when.into_inner()), &[("agreement_type", "2")]);
        then.ok(&body);
    });
    let got = client(&server)
        .show_latest_published_agreement()
        .agreement_type("2")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            osm(w
                .method(Method::GET)
                .path("/v2/servicerequest/agreements/published-agreement"))
        },
        |c| async move { c.show_latest_published_agreement().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn show_signed_latest_published_agreement() {
    let server = MockServer::start_async().await;
    let body: types::ShowSignedLatestPublishedAgreementResponse =
        typed(response_example("ShowSignedLatestPublishedAgreement"));
    assert_eq!(body.is_signed_latest, Some(true));
    let mock = server.show_signed_latest_published_agreement(|when, then| {
        exact_query(osm(when.into_inner()), &[("agreement_type", "2")]);
        then.ok(&body);
    });
    let got = client(&server)
        .show_signed_latest_published_agreement()
        .agreement_type("2")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            osm(w
                .method(Method::GET)
                .path("/v2/servicerequest/agreements/signed-latest"))
        },
        |c| async move {
            c.show_signed_latest_published_agreement()
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn sign_published_agreement() {
    let server = MockServer::start_async().await;
    let request = request_example("SignPublishedAgreement");
    let sent = serde_json::to_value(typed::<types::SignAgreementReq>(request.clone())).unwrap();
    assert_eq!(sent, request);
    let body: types::SignPublishedAgreementResponse =
        typed(response_example("SignPublishedAgreement"));
    assert_eq!(
        body.agreement_signed_record_id,
        Some(huaweicloud_osm::lenient::Integer(1))
    );
    let mock = server.sign_published_agreement(|when, then| {
        let when = when
            .into_inner()
            .path("/v2/servicerequest/agreements/12/signed");
        json(exact_query(osm(when), &[]), sent.clone());
        then.ok(&body);
    });
    let got = client(&server)
        .sign_published_agreement()
        .id(12)
        .body(typed::<types::SignAgreementReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            osm(w
                .method(Method::POST)
                .path("/v2/servicerequest/agreements/12/signed"))
        },
        |c| async move {
            let body = typed::<types::SignAgreementReq>(request_example("SignPublishedAgreement"));
            c.sign_published_agreement()
                .id(12)
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn sign_published_agreement_requires_the_id() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let body = typed::<types::SignAgreementReq>(request_example("SignPublishedAgreement"));
    let err = client(&server)
        .sign_published_agreement()
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_invalid_request());
    mock.assert_calls_async(0).await;
}

// ---------------------------------------------------------------------------------------------
// diagnose (no shared headers)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_diagnose_feedback() {
    let server = MockServer::start_async().await;
    let request = request_example("CreateDiagnoseFeedback");
    let sent = serde_json::to_value(typed::<types::CreateFeedbackReq>(request.clone())).unwrap();
    assert_eq!(sent, request);
    let body: types::CreateDiagnoseFeedbackResponse =
        typed(response_example("CreateDiagnoseFeedback"));
    let mock = server.create_diagnose_feedback(|when, then| {
        json(exact_query(bare(when.into_inner()), &[]), sent.clone());
        then.ok(&body);
    });
    let got = client(&server)
        .create_diagnose_feedback()
        .body(typed::<types::CreateFeedbackReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::POST)
                    .path("/v2.0/servicerequest/diagnose/feedback"),
            )
        },
        |c| async move {
            let body = typed::<types::CreateFeedbackReq>(request_example("CreateDiagnoseFeedback"));
            c.create_diagnose_feedback()
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_diagnose_job() {
    let server = MockServer::start_async().await;
    let body: types::ListDiagnoseJobResponse = typed(response_example("ListDiagnoseJob"));
    assert_eq!(body.items_result.len(), 2);
    let mock = server.list_diagnose_job(|when, then| {
        exact_query(bare(when.into_inner()), &[("job_id", "10086")]);
        then.ok(&body);
    });
    let got = client(&server)
        .list_diagnose_job()
        .job_id("10086")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::GET)
                    .path("/v2.0/servicerequest/diagnose/job"),
            )
        },
        |c| async move { c.list_diagnose_job().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_diagnose_items() {
    let server = MockServer::start_async().await;
    let request = request_example("ListDiagnoseItems");
    let sent =
        serde_json::to_value(typed::<types::QueryDiagnoseItemsReq>(request.clone())).unwrap();
    assert_eq!(sent, request);
    let body: types::ListDiagnoseItemsResponse = typed(response_example("ListDiagnoseItems"));
    assert_eq!(body.item_results.len(), 1);
    let mock = server.list_diagnose_items(|when, then| {
        json(exact_query(bare(when.into_inner()), &[]), sent.clone());
        then.ok(&body);
    });
    let got = client(&server)
        .list_diagnose_items()
        .body(typed::<types::QueryDiagnoseItemsReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::POST)
                    .path("/v2.0/servicerequest/diagnose/job/show-items"),
            )
        },
        |c| async move {
            let body = typed::<types::QueryDiagnoseItemsReq>(request_example("ListDiagnoseItems"));
            c.list_diagnose_items().body(body).send().await.map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_diagnose_job() {
    let server = MockServer::start_async().await;
    let request = request_example("CreateDiagnoseJob");
    let sent = serde_json::to_value(typed::<types::SubmitDiagnoseJobReq>(request.clone())).unwrap();
    assert_eq!(sent, request);
    let body: types::CreateDiagnoseJobResponse = typed(response_example("CreateDiagnoseJob"));
    let mock = server.create_diagnose_job(|when, then| {
        json(exact_query(bare(when.into_inner()), &[]), sent.clone());
        then.ok(&body);
    });
    let got = client(&server)
        .create_diagnose_job()
        .body(typed::<types::SubmitDiagnoseJobReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::POST)
                    .path("/v2.0/servicerequest/diagnose/job/start"),
            )
        },
        |c| async move {
            let body = typed::<types::SubmitDiagnoseJobReq>(request_example("CreateDiagnoseJob"));
            c.create_diagnose_job().body(body).send().await.map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_diagnose_resources() {
    let server = MockServer::start_async().await;
    let request = request_example("ListDiagnoseResources");
    let sent = serde_json::to_value(typed::<types::QueryTscDiagnoseResourcesReq>(
        request.clone(),
    ))
    .unwrap();
    assert_eq!(sent, request);
    let body: types::ListDiagnoseResourcesResponse =
        typed(response_example("ListDiagnoseResources"));
    assert_eq!(body.total_count, Some(1));
    let mock = server.list_diagnose_resources(|when, then| {
        json(exact_query(bare(when.into_inner()), &[]), sent.clone());
        then.ok(&body);
    });
    let got = client(&server)
        .list_diagnose_resources()
        .body(typed::<types::QueryTscDiagnoseResourcesReq>(
            request.clone(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::POST)
                    .path("/v2.0/servicerequest/diagnose/job/vm/resources"),
            )
        },
        |c| async move {
            let body = typed::<types::QueryTscDiagnoseResourcesReq>(request_example(
                "ListDiagnoseResources",
            ));
            c.list_diagnose_resources()
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_diagnose_records() {
    let server = MockServer::start_async().await;
    let body: types::ListDiagnoseRecordsResponse = typed(response_example("ListDiagnoseRecords"));
    assert_eq!(body.total_count, Some(1));
    let mock = server.list_diagnose_records(|when, then| {
        exact_query(
            bare(when.into_inner()),
            &[("page_size", "20"), ("page_no", "3"), ("type", "2")],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_diagnose_records()
        .page_size(20)
        .page_no(3)
        .type_(2)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::GET)
                    .path("/v2.0/servicerequest/diagnose/records"),
            )
        },
        |c| async move { c.list_diagnose_records().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn diagnose_calls_missing_their_required_body_send_nothing() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let c = client(&server);
    let err = c.create_diagnose_job().send().await.unwrap_err();
    assert!(err.is_invalid_request());
    let err = c.create_diagnose_feedback().send().await.unwrap_err();
    assert!(err.is_invalid_request());
    // `is_helpful` is required as well as `type`.
    let err = c
        .create_diagnose_feedback()
        .body(types::CreateFeedbackReq::builder().type_(1))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_invalid_request());
    mock.assert_calls_async(0).await;
}

// ---------------------------------------------------------------------------------------------
// internal (no shared headers)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_order_incident() {
    let server = MockServer::start_async().await;
    let body: types::ListOrderIncidentResponse = typed(response_example("ListOrderIncident"));
    assert_eq!(body.total_count, Some(1));
    let mock = server.list_order_incident(|when, then| {
        exact_query(
            bare(when.into_inner()),
            &[
                ("version", "v2"),
                ("searchKey", "ecs quota"),
                ("searchKey", "vcpu"),
                ("labelIdList", "12"),
                ("labelIdList", "34"),
                ("appKey", "app-1"),
                ("incidentId", "CS2025111900001"),
                ("queryStartTime", "2025-11-01 00:00:00"),
                ("queryEndTime", "2025-11-30 23:59:59"),
                ("status", "1"),
                ("incidentStatus", "open"),
                ("xCustomerName", "ops user"),
                ("groupId", "group 7"),
                ("productCategoryId", "69af625c"),
                ("businessTypeId", "b6dc3d3b"),
                ("pageNo", "2"),
                ("pageSize", "50"),
                ("xCustomerId", "1f2e3d4c5b6a79880796a5b4c3d2e1f0"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_order_incident()
        .version("v2")
        .search_key(vec!["ecs quota".to_string(), "vcpu".to_string()])
        .label_id_list(vec![12, 34])
        .app_key("app-1")
        .incident_id("CS2025111900001")
        .query_start_time("2025-11-01 00:00:00")
        .query_end_time("2025-11-30 23:59:59")
        .status(1)
        .incident_status("open")
        .x_customer_name("ops user")
        .group_id("group 7")
        .product_category_id("69af625c")
        .business_type_id("b6dc3d3b")
        .page_no(2)
        .page_size(50)
        .x_customer_id("1f2e3d4c5b6a79880796a5b4c3d2e1f0")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            bare(
                w.method(Method::GET)
                    .path("/osm/incidentservice/api/v1/queryincident"),
            )
        },
        |c| async move { c.list_order_incident().send().await.map(drop) },
    )
    .await;
}
