//! Contract tests: the iRobot operations not covered by `contract_v1.rs`. For each: the exact request
//! (method, path with escaped parameters, query, `x-service-key`, the `x-site`/`x-language` defaults
//! and no `x-time-zone`, signature verified, body), decoding of the documented response, of a 400
//! error and of an error under HTTP 200. Where the service key is optional, leaving it out sends no
//! `x-service-key`; where it is required, leaving it out is refused before anything is sent.

use crate::common;

use common::*;
use httpmock::{Method, MockServer, When};
use huaweicloud_osm::mock::MockServerExt;
use huaweicloud_osm::types;

const SERVICE_KEY: &str = "svc-key";

fn irobot(when: When) -> When {
    irobot_with(when, LANGUAGE, SITE)
}

/// iRobot declares `x-site` and `x-language` (the call's values, else the client's defaults) but
/// not `X-Time-Zone`.
fn irobot_with(when: When, language: &str, site: &str) -> When {
    signed(when)
        .header("x-service-key", SERVICE_KEY)
        .header("x-site", site)
        .header("x-language", language)
        .header_missing("x-time-zone")
}

/// An `R?` operation called without its optional service key: no `x-service-key` at all.
fn irobot_without_key(when: When) -> When {
    signed(when)
        .header_missing("x-service-key")
        .header("x-site", SITE)
        .header("x-language", LANGUAGE)
        .header_missing("x-time-zone")
}

// ---------------------------------------------------------------------------------------------
// R?: x-service-key optional
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_articles() {
    let server = MockServer::start_async().await;
    let request = request_example("ListArticles");
    let sent = serde_json::to_value(typed::<types::SearchArticlesReq>(request.clone())).unwrap();
    assert_eq!(sent, request);
    let body: types::ListArticlesResponse = typed(response_example("ListArticles"));
    assert_eq!(body.articles.len(), 1);
    let mock = server.list_articles(|when, then| {
        json(
            exact_query(irobot(when.into_inner()), &[("search_type", "by product")]),
            sent.clone(),
        );
        then.ok(&body);
    });
    let without_key = server.list_articles(|when, then| {
        json(
            exact_query(
                irobot_without_key(when.into_inner()),
                &[("search_type", "product")],
            ),
            sent.clone(),
        );
        then.ok(&body);
    });
    let c = client(&server);
    let got = c
        .list_articles()
        .x_service_key(SERVICE_KEY)
        .search_type("by product")
        .body(typed::<types::SearchArticlesReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    let got = c
        .list_articles()
        .search_type("product")
        .body(typed::<types::SearchArticlesReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;
    without_key.assert_async().await;

    check_errors(
        |w| irobot(w.method(Method::POST).path("/v2/irobot/articles/search")),
        |c| async move {
            let body = typed::<types::SearchArticlesReq>(request_example("ListArticles"));
            c.list_articles()
                .x_service_key(SERVICE_KEY)
                .search_type("product")
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_qa_feedbacks() {
    let server = MockServer::start_async().await;
    let request = request_example("CreateQaFeedbacks");
    let sent = serde_json::to_value(typed::<types::QaFeedbackReq>(request.clone())).unwrap();
    assert_eq!(sent, request);
    let body: types::CreateQaFeedbacksResponse = typed(response_example("CreateQaFeedbacks"));
    assert_eq!(
        body.feedback_id.as_deref(),
        Some("5b4a3928-4716-4a5b-b4c3-d2e1f0a9b8c7")
    );
    let mock = server.create_qa_feedbacks(|when, then| {
        // The call's own x-language and x-site win over the client's defaults.
        let when = irobot_with(when.into_inner(), "zh-cn", "0");
        json(
            exact_query(when, &[("feedback_type", "un helpful")]),
            sent.clone(),
        );
        then.ok(&body);
    });
    let without_key = server.create_qa_feedbacks(|when, then| {
        let when = irobot_without_key(when.into_inner());
        json(
            exact_query(when, &[("feedback_type", "helpful")]),
            sent.clone(),
        );
        then.ok(&body);
    });
    let c = client(&server);
    let got = c
        .create_qa_feedbacks()
        .x_service_key(SERVICE_KEY)
        .x_language("zh-cn")
        .x_site("0")
        .feedback_type("un helpful")
        .body(typed::<types::QaFeedbackReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    let got = c
        .create_qa_feedbacks()
        .feedback_type("helpful")
        .body(typed::<types::QaFeedbackReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;
    without_key.assert_async().await;

    check_errors(
        |w| irobot(w.method(Method::POST).path("/v2/irobot/feedbacks")),
        |c| async move {
            let body = typed::<types::QaFeedbackReq>(request_example("CreateQaFeedbacks"));
            c.create_qa_feedbacks()
                .x_service_key(SERVICE_KEY)
                .feedback_type("helpful")
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_feedback_option() {
    let server = MockServer::start_async().await;
    let body: types::ListFeedbackOptionResponse = typed(response_example("ListFeedbackOption"));
    assert_eq!(body.feedback_options.len(), 2);
    let mock = server.list_feedback_option(|when, then| {
        let when = irobot(when.into_inner());
        exact_query(
            when,
            &[("status", "un helpful"), ("feedback_source", "FAQ")],
        );
        then.ok(&body);
    });
    let without_key = server.list_feedback_option(|when, then| {
        exact_query(
            irobot_without_key(when.into_inner()),
            &[("status", "helpful")],
        );
        then.ok(&body);
    });
    let c = client(&server);
    let got = c
        .list_feedback_option()
        .x_service_key(SERVICE_KEY)
        .status("un helpful")
        .feedback_source("FAQ")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    let got = c
        .list_feedback_option()
        .status("helpful")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;
    without_key.assert_async().await;

    check_errors(
        |w| irobot(w.method(Method::GET).path("/v2/irobot/feedbacks/options")),
        |c| async move {
            c.list_feedback_option()
                .x_service_key(SERVICE_KEY)
                .status("helpful")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_notices() {
    let server = MockServer::start_async().await;
    let request = request_example("ListNotices");
    let sent = serde_json::to_value(typed::<types::SearchNoticesReq>(request.clone())).unwrap();
    assert_eq!(sent, request);
    let body: types::ListNoticesResponse = typed(response_example("ListNotices"));
    assert_eq!(body.notices.len(), 1);
    let mock = server.list_notices(|when, then| {
        json(exact_query(irobot(when.into_inner()), &[]), sent.clone());
        then.ok(&body);
    });
    let without_key = server.list_notices(|when, then| {
        json(
            exact_query(irobot_without_key(when.into_inner()), &[]),
            sent.clone(),
        );
        then.ok(&body);
    });
    let c = client(&server);
    let got = c
        .list_notices()
        .x_service_key(SERVICE_KEY)
        .body(typed::<types::SearchNoticesReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    let got = c
        .list_notices()
        .body(typed::<types::SearchNoticesReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;
    without_key.assert_async().await;

    check_errors(
        |w| irobot(w.method(Method::POST).path("/v2/irobot/notices/search")),
        |c| async move {
            let body = typed::<types::SearchNoticesReq>(request_example("ListNotices"));
            c.list_notices()
                .x_service_key(SERVICE_KEY)
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_tools() {
    let server = MockServer::start_async().await;
    let request = request_example("ListTools");
    let sent = serde_json::to_value(typed::<types::SearchToolsReq>(request.clone())).unwrap();
    assert_eq!(sent, request);
    let body: types::ListToolsResponse = typed(response_example("ListTools"));
    assert_eq!(body.tools.len(), 1);
    let mock = server.list_tools(|when, then| {
        json(exact_query(irobot(when.into_inner()), &[]), sent.clone());
        then.ok(&body);
    });
    let without_key = server.list_tools(|when, then| {
        json(
            exact_query(irobot_without_key(when.into_inner()), &[]),
            sent.clone(),
        );
        then.ok(&body);
    });
    let c = client(&server);
    let got = c
        .list_tools()
        .x_service_key(SERVICE_KEY)
        .body(typed::<types::SearchToolsReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    let got = c
        .list_tools()
        .body(typed::<types::SearchToolsReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;
    without_key.assert_async().await;

    check_errors(
        |w| irobot(w.method(Method::POST).path("/v2/irobot/tools/search")),
        |c| async move {
            let body = typed::<types::SearchToolsReq>(request_example("ListTools"));
            c.list_tools()
                .x_service_key(SERVICE_KEY)
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// R!: x-service-key required
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_qa_ask() {
    let server = MockServer::start_async().await;
    let request = request_example("CreateQaAsk");
    let sent = serde_json::to_value(typed::<types::QaAskReq>(request.clone())).unwrap();
    assert_eq!(sent, request);
    let body: types::CreateQaAskResponse = typed(response_example("CreateQaAsk"));
    assert_eq!(
        body.session_id.as_deref(),
        Some("3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a99")
    );
    let mock = server.create_qa_ask(|when, then| {
        json(exact_query(irobot(when.into_inner()), &[]), sent.clone());
        then.ok(&body);
    });
    let got = client(&server)
        .create_qa_ask()
        .x_service_key(SERVICE_KEY)
        .body(typed::<types::QaAskReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| irobot(w.method(Method::POST).path("/v2/irobot/ask")),
        |c| async move {
            let body = typed::<types::QaAskReq>(request_example("CreateQaAsk"));
            c.create_qa_ask()
                .x_service_key(SERVICE_KEY)
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn show_qa_pairs() {
    let server = MockServer::start_async().await;
    let request = request_example("ShowQaPairs");
    let sent = serde_json::to_value(typed::<types::SearchQaPairsReq>(request.clone())).unwrap();
    assert_eq!(sent, request);
    let body: types::ShowQaPairsResponse = typed(response_example("ShowQaPairs"));
    assert_eq!(body.qa_pairs.len(), 1);
    let mock = server.show_qa_pairs(|when, then| {
        json(
            exact_query(irobot(when.into_inner()), &[("search_type", "by domain")]),
            sent.clone(),
        );
        then.ok(&body);
    });
    let got = client(&server)
        .show_qa_pairs()
        .x_service_key(SERVICE_KEY)
        .search_type("by domain")
        .body(typed::<types::SearchQaPairsReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| irobot(w.method(Method::POST).path("/v2/irobot/qapairs/search")),
        |c| async move {
            let body = typed::<types::SearchQaPairsReq>(request_example("ShowQaPairs"));
            c.show_qa_pairs()
                .x_service_key(SERVICE_KEY)
                .search_type("domain")
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn show_qa_pair_detail() {
    let server = MockServer::start_async().await;
    let body: types::ShowQaPairDetailResponse = typed(response_example("ShowQaPairDetail"));
    assert!(body.qapair.is_some());
    let mock = server.show_qa_pair_detail(|when, then| {
        let when = when.into_inner().path("/v2/irobot/qapairs/qa%201001");
        exact_query(irobot(when), &[]);
        then.ok(&body);
    });
    let got = client(&server)
        .show_qa_pair_detail()
        .x_service_key(SERVICE_KEY)
        .qa_pair_id("qa 1001")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| irobot(w.method(Method::GET).path("/v2/irobot/qapairs/1001")),
        |c| async move {
            c.show_qa_pair_detail()
                .x_service_key(SERVICE_KEY)
                .qa_pair_id("1001")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_session() {
    let server = MockServer::start_async().await;
    let body: types::CreateSessionResponse = typed(response_example("CreateSession"));
    assert_eq!(
        body.session_id.as_deref(),
        Some("3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a99")
    );
    let mock = server.create_session(|when, then| {
        // No request body is documented: none is sent.
        exact_query(irobot(when.into_inner()), &[]).is_true(|req| req.body_ref().is_empty());
        then.ok(&body);
    });
    let got = client(&server)
        .create_session()
        .x_service_key(SERVICE_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| irobot(w.method(Method::POST).path("/v2/irobot/sessions")),
        |c| async move {
            c.create_session()
                .x_service_key(SERVICE_KEY)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_question_in_session() {
    let server = MockServer::start_async().await;
    let request = request_example("CreateQuestionInSession");
    let sent =
        serde_json::to_value(typed::<types::SessionAskQuestionReq>(request.clone())).unwrap();
    assert_eq!(sent, request);
    let body: types::CreateQuestionInSessionResponse =
        typed(response_example("CreateQuestionInSession"));
    assert_eq!(body.answers.len(), 1);
    let mock = server.create_question_in_session(|when, then| {
        let when = when
            .into_inner()
            .path("/v2/irobot/sessions/session%2042/ask");
        json(exact_query(irobot(when), &[]), sent.clone());
        then.ok(&body);
    });
    let got = client(&server)
        .create_question_in_session()
        .x_service_key(SERVICE_KEY)
        .session_id("session 42")
        .body(typed::<types::SessionAskQuestionReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| irobot(w.method(Method::POST).path("/v2/irobot/sessions/s42/ask")),
        |c| async move {
            let body =
                typed::<types::SessionAskQuestionReq>(request_example("CreateQuestionInSession"));
            c.create_question_in_session()
                .x_service_key(SERVICE_KEY)
                .session_id("s42")
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_evaluate() {
    let server = MockServer::start_async().await;
    let request = request_example("CreateEvaluate");
    let sent = serde_json::to_value(typed::<types::EvaluateRequestReq>(request.clone())).unwrap();
    assert_eq!(sent, request);
    let body: types::CreateEvaluateResponse = typed(response_example("CreateEvaluate"));
    assert_eq!(
        body.request_id.as_deref(),
        Some("7d6c5b4a-3928-4716-a5b4-c3d2e1f0a9b8")
    );
    let mock = server.create_evaluate(|when, then| {
        let when = when
            .into_inner()
            .path("/v2/irobot/sessions/session%2042/req%207/evaluate");
        json(exact_query(irobot(when), &[]), sent.clone());
        then.ok(&body);
    });
    let got = client(&server)
        .create_evaluate()
        .x_service_key(SERVICE_KEY)
        .session_id("session 42")
        .request_id("req 7")
        .body(typed::<types::EvaluateRequestReq>(request.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| {
            irobot(
                w.method(Method::POST)
                    .path("/v2/irobot/sessions/s42/r7/evaluate"),
            )
        },
        |c| async move {
            let body = typed::<types::EvaluateRequestReq>(request_example("CreateEvaluate"));
            c.create_evaluate()
                .x_service_key(SERVICE_KEY)
                .session_id("s42")
                .request_id("r7")
                .body(body)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn show_theme() {
    let server = MockServer::start_async().await;
    let body: types::ShowThemeResponse = typed(response_example("ShowTheme"));
    assert_eq!(body.themes.len(), 2);
    let mock = server.show_theme(|when, then| {
        exact_query(
            irobot(when.into_inner()),
            &[
                ("product_type_id", "product-id"),
                ("product_type_name", "Elastic Cloud Server"),
                ("product_type_short_name", "ECS & EVS"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .show_theme()
        .x_service_key(SERVICE_KEY)
        .product_type_id("product-id")
        .product_type_name("Elastic Cloud Server")
        .product_type_short_name("ECS & EVS")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), body);
    mock.assert_async().await;

    check_errors(
        |w| irobot(w.method(Method::GET).path("/v2/irobot/themes/convert")),
        |c| async move {
            c.show_theme()
                .x_service_key(SERVICE_KEY)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn required_service_key_left_out_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let c = client(&server);
    let refused = [
        (
            "create_qa_ask",
            c.create_qa_ask()
                .body(typed::<types::QaAskReq>(request_example("CreateQaAsk")))
                .send()
                .await
                .map(drop),
        ),
        (
            "show_qa_pairs",
            c.show_qa_pairs()
                .search_type("domain")
                .body(typed::<types::SearchQaPairsReq>(request_example(
                    "ShowQaPairs",
                )))
                .send()
                .await
                .map(drop),
        ),
        (
            "show_qa_pair_detail",
            c.show_qa_pair_detail()
                .qa_pair_id("1001")
                .send()
                .await
                .map(drop),
        ),
        ("create_session", c.create_session().send().await.map(drop)),
        (
            "create_question_in_session",
            c.create_question_in_session()
                .session_id("s42")
                .body(typed::<types::SessionAskQuestionReq>(request_example(
                    "CreateQuestionInSession",
                )))
                .send()
                .await
                .map(drop),
        ),
        (
            "create_evaluate",
            c.create_evaluate()
                .session_id("s42")
                .request_id("r7")
                .body(typed::<types::EvaluateRequestReq>(request_example(
                    "CreateEvaluate",
                )))
                .send()
                .await
                .map(drop),
        ),
        ("show_theme", c.show_theme().send().await.map(drop)),
    ];
    for (op, result) in refused {
        assert!(result.expect_err(op).is_invalid_request(), "{op}");
    }
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn missing_required_parameters_and_bodies_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    let c = client(&server);
    let refused = [
        (
            "list_articles without search_type",
            c.list_articles()
                .x_service_key(SERVICE_KEY)
                .body(typed::<types::SearchArticlesReq>(request_example(
                    "ListArticles",
                )))
                .send()
                .await
                .map(drop),
        ),
        (
            "list_articles without body",
            c.list_articles()
                .x_service_key(SERVICE_KEY)
                .search_type("product")
                .send()
                .await
                .map(drop),
        ),
        (
            "create_qa_ask without body",
            c.create_qa_ask()
                .x_service_key(SERVICE_KEY)
                .send()
                .await
                .map(drop),
        ),
        (
            "create_qa_feedbacks without feedback_type",
            c.create_qa_feedbacks()
                .body(typed::<types::QaFeedbackReq>(request_example(
                    "CreateQaFeedbacks",
                )))
                .send()
                .await
                .map(drop),
        ),
        (
            "create_qa_feedbacks without feedback_source",
            c.create_qa_feedbacks()
                .feedback_type("helpful")
                .body(types::QaFeedbackReq::builder().question("Why?"))
                .send()
                .await
                .map(drop),
        ),
        (
            "list_feedback_option without status",
            c.list_feedback_option()
                .x_service_key(SERVICE_KEY)
                .send()
                .await
                .map(drop),
        ),
        (
            "list_notices without body",
            c.list_notices()
                .x_service_key(SERVICE_KEY)
                .send()
                .await
                .map(drop),
        ),
        (
            "show_qa_pairs without search_type",
            c.show_qa_pairs()
                .x_service_key(SERVICE_KEY)
                .body(typed::<types::SearchQaPairsReq>(request_example(
                    "ShowQaPairs",
                )))
                .send()
                .await
                .map(drop),
        ),
        (
            "show_qa_pair_detail without qa_pair_id",
            c.show_qa_pair_detail()
                .x_service_key(SERVICE_KEY)
                .send()
                .await
                .map(drop),
        ),
        (
            "create_question_in_session without session_id",
            c.create_question_in_session()
                .x_service_key(SERVICE_KEY)
                .body(typed::<types::SessionAskQuestionReq>(request_example(
                    "CreateQuestionInSession",
                )))
                .send()
                .await
                .map(drop),
        ),
        (
            "create_question_in_session without body",
            c.create_question_in_session()
                .x_service_key(SERVICE_KEY)
                .session_id("s42")
                .send()
                .await
                .map(drop),
        ),
        (
            "create_evaluate without request_id",
            c.create_evaluate()
                .x_service_key(SERVICE_KEY)
                .session_id("s42")
                .body(typed::<types::EvaluateRequestReq>(request_example(
                    "CreateEvaluate",
                )))
                .send()
                .await
                .map(drop),
        ),
        (
            "list_tools without body",
            c.list_tools()
                .x_service_key(SERVICE_KEY)
                .send()
                .await
                .map(drop),
        ),
        (
            "an empty service key",
            c.create_session().x_service_key("").send().await.map(drop),
        ),
    ];
    for (case, result) in refused {
        assert!(result.expect_err(case).is_invalid_request(), "{case}");
    }
    mock.assert_calls_async(0).await;
}
