//! Contract tests: verification of contact methods. The 4 operations tagged `verification`
//! (whether a contact needs verifying, sending and checking a code, the contacts already
//! verified). For each: the exact request (method, path, query, shared headers, signature
//! verified, body), decoding of the documented response, of a 400 error and of an error under
//! HTTP 200, and refusal before sending when a required input is missing.

use crate::common;

use common::*;
use httpmock::{Method, MockServer};
use huaweicloud_osm::mock::MockServerExt;
use huaweicloud_osm::types;

#[tokio::test]
async fn check_verify_codes() {
    let server = MockServer::start_async().await;
    let request = request_example("CheckVerifyCodes");
    let typed_body: types::VerifyVerifyCodeV2Req = typed(request.clone());
    let sent = serde_json::to_value(&typed_body).unwrap();
    assert_eq!(sent, request);
    let body: types::CheckVerifyCodesResponse = typed(response_example("CheckVerifyCodes"));
    let mock = server.check_verify_codes(|when, then| {
        exact_query(v2(when.into_inner()), &[])
            .header("content-type", "application/json")
            .json_body(sent);
        then.ok(&body);
    });
    let got = client(&server)
        .check_verify_codes()
        .body(typed_body)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::POST)
                .path("/v2/servicerequest/verifycodes"))
        },
        |c| async move {
            let body = typed::<types::VerifyVerifyCodeV2Req>(request_example("CheckVerifyCodes"));
            c.check_verify_codes().body(body).send().await.map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn check_verify_codes_for_an_e_mail_sends_only_what_was_set() {
    let server = MockServer::start_async().await;
    let mock = server.check_verify_codes(|when, then| {
        v2(when.into_inner()).json_body(serde_json::json!({
            "verify_code": "654321",
            "contact_value": "ops@example.com",
            "contact_way": 1
        }));
        then.ok(&types::CheckVerifyCodesResponse::default());
    });
    let body = types::VerifyVerifyCodeV2Req::builder()
        .verify_code("654321")
        .contact_value("ops@example.com")
        .contact_way(1);
    client(&server)
        .check_verify_codes()
        .body(body)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn check_verify_codes_requires_a_six_character_code() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let c = client(&server);
    let result = c.check_verify_codes().send().await;
    assert_refused(result.map(drop), "no value supplied");
    let missing_code = types::VerifyVerifyCodeV2Req::builder()
        .contact_value("13800000000")
        .contact_way(0);
    let result = c.check_verify_codes().body(missing_code).send().await;
    assert_refused(result.map(drop), "verify_code");
    let mut short = request_example("CheckVerifyCodes");
    short["verify_code"] = "12345".into();
    let short: types::VerifyVerifyCodeV2Req = serde_json::from_value(short).unwrap();
    let result = c.check_verify_codes().body(short).send().await;
    assert_refused(
        result.map(drop),
        "body.verify_code: 5 characters, at least 6",
    );
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn list_has_verified_contacts() {
    let server = MockServer::start_async().await;
    let body: types::ListHasVerifiedContactsResponse =
        typed(response_example("ListHasVerifiedContacts"));
    assert_eq!(body.count, Some(2));
    assert_eq!(body.contact_list.len(), 2);
    let mock = server.list_has_verified_contacts(|when, then| {
        exact_query(
            v2(when.into_inner()),
            &[
                ("contact_way", "1"),
                ("customer_id", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
                ("sub_customer_id", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
                ("expired_time", "2024-01-31 23:59:59"),
                ("verified_id", "8d2f6a1c3e5b4d7f9a0c1b2e3d4f5a6b"),
                ("contact_value", "ops+oncall@example.com"),
                ("area_code", "86"),
                ("offset", "10"),
                ("limit", "20"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_has_verified_contacts()
        .contact_way(1)
        .customer_id("0a1b2c3d4e5f60718293a4b5c6d7e8f9")
        .sub_customer_id("9f8e7d6c5b4a39281706f5e4d3c2b1a0")
        .expired_time("2024-01-31 23:59:59")
        .verified_id("8d2f6a1c3e5b4d7f9a0c1b2e3d4f5a6b")
        .contact_value("ops+oncall@example.com")
        .area_code("86")
        .offset(10)
        .limit(20)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/verifycodes/has-verified"))
        },
        |c| async move { c.list_has_verified_contacts().send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_has_verified_contacts_without_filters_sends_no_query() {
    let server = MockServer::start_async().await;
    let body: types::ListHasVerifiedContactsResponse =
        typed(response_example("ListHasVerifiedContacts"));
    let mock = server.list_has_verified_contacts(|when, then| {
        exact_query(v2(when.into_inner()), &[]);
        then.ok(&body);
    });
    let got = client(&server)
        .list_has_verified_contacts()
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;
}

#[tokio::test]
async fn check_need_verify() {
    let server = MockServer::start_async().await;
    let body: types::CheckNeedVerifyResponse = typed(response_example("CheckNeedVerify"));
    assert_eq!(body.need_verify_code, Some(1));
    let mock = server.check_need_verify(|when, then| {
        exact_query(
            v2(when.into_inner()),
            &[
                ("contact_value", "+86 138 0000 0000"),
                ("contact_way", "0"),
                ("area_code", "86"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .check_need_verify()
        .contact_value("+86 138 0000 0000")
        .contact_way(0)
        .area_code("86")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/verifycodes/need-verify"))
        },
        |c| async move {
            c.check_need_verify()
                .contact_value("ops@example.com")
                .contact_way(1)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn check_need_verify_requires_the_contact_and_its_way() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let c = client(&server);
    let result = c.check_need_verify().contact_way(1).send().await;
    assert_refused(result.map(drop), "contact_value");
    let result = c
        .check_need_verify()
        .contact_value("ops@example.com")
        .send()
        .await;
    assert_refused(result.map(drop), "contact_way");
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn send_verify_codes() {
    let server = MockServer::start_async().await;
    let request = request_example("SendVerifyCodes");
    let typed_body: types::SendVerifyCodeReq = typed(request.clone());
    let sent = serde_json::to_value(&typed_body).unwrap();
    assert_eq!(sent, request);
    let body: types::SendVerifyCodesResponse = typed(response_example("SendVerifyCodes"));
    let mock = server.send_verify_codes(|when, then| {
        exact_query(v2(when.into_inner()), &[])
            .header("content-type", "application/json")
            .json_body(sent);
        then.ok(&body);
    });
    let got = client(&server)
        .send_verify_codes()
        .body(typed_body)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::POST)
                .path("/v2/servicerequest/verifycodes/send"))
        },
        |c| async move {
            let body = typed::<types::SendVerifyCodeReq>(request_example("SendVerifyCodes"));
            c.send_verify_codes().body(body).send().await.map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn send_verify_codes_to_an_e_mail_still_sends_the_area_code() {
    let server = MockServer::start_async().await;
    let mock = server.send_verify_codes(|when, then| {
        v2(when.into_inner()).json_body(serde_json::json!({
            "contact_value": "ops@example.com",
            "contact_way": 1,
            "area_code": ""
        }));
        then.ok(&types::SendVerifyCodesResponse::default());
    });
    let body = types::SendVerifyCodeReq::builder()
        .contact_value("ops@example.com")
        .contact_way(1)
        .area_code("");
    client(&server)
        .send_verify_codes()
        .body(body)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn send_verify_codes_requires_the_area_code() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let c = client(&server);
    let result = c.send_verify_codes().send().await;
    assert_refused(result.map(drop), "no value supplied");
    let body = types::SendVerifyCodeReq::builder()
        .contact_value("13800000000")
        .contact_way(0);
    let result = c.send_verify_codes().body(body).send().await;
    assert_refused(result.map(drop), "area_code");
    mock.assert_calls_async(0).await;
}
