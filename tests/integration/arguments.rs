//! Bad arguments are refused before anything is sent, with a message naming the value and the
//! limit: every limit of the spec (string lengths, integer ranges, array item counts, required
//! arrays) is checked by the `pre` hook from one table, for parameters and bodies alike.

use crate::common;

use common::scripted;
use common::*;
use huaweicloud_osm::{Client, Credentials, Error, types};

async fn refused(call: impl std::future::Future<Output = Result<(), Error>>, expected: &str) {
    let err = call.await.unwrap_err();
    assert!(
        err.is_invalid_request(),
        "expected an invalid request, got {err:?}"
    );
    assert_eq!(err.status(), None, "refused before sending: {err}");
    assert_eq!(err.message(), Some(expected));
    assert_eq!(err.to_string(), format!("invalid request: {expected}"));
}

#[tokio::test]
async fn out_of_range_and_oversized_arguments_never_leave_the_client() {
    let server = scripted::start(vec![]).await;
    let c = Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::ak_sk(AK, SK).with_domain_id(DOMAIN_ID))
        .build()
        .unwrap();
    refused(
        async { c.list_cases().limit(101).send().await.map(drop) },
        "query.limit: 101, at most 100",
    )
    .await;
    refused(
        async { c.list_cases().status(21).send().await.map(drop) },
        "query.status: 21, at most 20",
    )
    .await;
    let keys: Vec<String> = (0..33).map(|i| format!("k{i}")).collect();
    refused(
        async { c.list_cases().search_key(keys).send().await.map(drop) },
        "query.search_key: 33 values, at most 32",
    )
    .await;
    refused(
        async {
            c.list_cases()
                .incident_id("I".repeat(65))
                .send()
                .await
                .map(drop)
        },
        "query.incident_id: 65 characters, at most 64",
    )
    .await;
    refused(
        async {
            c.create_case_labels()
                .case_id("CS1")
                .label_ids(Vec::<i32>::new())
                .send()
                .await
                .map(drop)
        },
        "query.label_ids: required, none given",
    )
    .await;
    refused(
        async {
            c.create_case_labels()
                .case_id("CS1")
                .label_ids(vec![1, 2, 3, 4, 5, 6])
                .send()
                .await
                .map(drop)
        },
        "query.label_ids: 6 values, at most 5",
    )
    .await;
    refused(
        async { c.delete_labels().label_id(-1).send().await.map(drop) },
        "path.label_id: -1, at least 0",
    )
    .await;
    refused(
        async {
            c.show_case_detail()
                .case_id("C".repeat(65))
                .send()
                .await
                .map(drop)
        },
        "path.case_id: 65 characters, at most 64",
    )
    .await;
    refused(
        async {
            c.list_cases()
                .x_language("x".repeat(33).as_str())
                .send()
                .await
                .map(drop)
        },
        "header.X-Language: 33 characters, at most 32",
    )
    .await;
    let feedback = types::CreateFeedbackV2Req::builder()
        .type_("1")
        .title("Copied content")
        .content("Details")
        .files(["f1", "f2", "f3", "f4"].map(String::from).to_vec())
        .contacts(typed::<types::ContactWayInfoV2>(
            request_example("CreateFeedback")["contacts"].clone(),
        ));
    refused(
        async { c.create_feedback().body(feedback).send().await.map(drop) },
        "body.files: 4 items, at most 3",
    )
    .await;
    let case = types::CreateOrderIncidentV2Req::builder()
        .business_type_id("b1")
        .simple_description("x".repeat(1201))
        .source_id("83aeb0f2834c4df49826c781d32a963e");
    refused(
        async { c.create_cases().body(case).send().await.map(drop) },
        "body.simple_description: 1201 characters, at most 1200",
    )
    .await;
    let evaluation = types::CreateEvaluationV1Request::builder()
        .case_id("CS1")
        .satisfaction_list(vec![
            types::EvaluationSatisfactionV1::builder()
                .satisfaction_id(1)
                .satisfaction_value(9)
                .try_into()
                .unwrap(),
        ]);
    refused(
        async {
            c.create_evaluation_v1()
                .body(evaluation)
                .send()
                .await
                .map(drop)
        },
        "body.satisfactionList[0].satisfactionValue: 9, at most 5",
    )
    .await;
    assert_eq!(server.count(), 0, "nothing was sent");
}

#[tokio::test]
async fn values_at_the_limits_are_sent() {
    let server = scripted::start(vec![scripted::Reply::json(
        200,
        serde_json::json!({"total_count": 0, "incident_info_list": []}),
    )])
    .await;
    let c = Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::ak_sk(AK, SK).with_domain_id(DOMAIN_ID))
        .build()
        .unwrap();
    let page = c
        .list_cases()
        .limit(100)
        .offset(0)
        .incident_id("I".repeat(64))
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(0));
    assert_eq!(server.count(), 1);
}
