//! Bad arguments are refused before anything is sent, with a message naming the parameter: the
//! limits of the spec that the generated code does not check itself (integer ranges, array item
//! counts, required arrays) are checked by the `pre` hook.

mod common;

use common::scripted;
use common::*;
use huaweicloud_osm::{Client, Credentials, Error};

async fn refused(call: impl std::future::Future<Output = Result<(), Error>>, needle: &str) {
    let err = call.await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains(needle)),
        "expected an invalid-request error mentioning `{needle}`, got {err:?}"
    );
}

#[tokio::test]
async fn out_of_range_and_oversized_parameters_never_leave_the_client() {
    let server = scripted::start(vec![]).await;
    let c = Client::builder()
        .endpoint(&server.url)
        .credentials(Credentials::ak_sk(AK, SK).with_domain_id(DOMAIN_ID))
        .build()
        .unwrap();
    refused(
        async {
            c.list_cases()
                .limit(101)
                .send()
                .await
                .map(drop)
                .map_err(Error::from)
        },
        "`limit` must be at most 100",
    )
    .await;
    refused(
        async {
            c.list_cases()
                .status(21)
                .send()
                .await
                .map(drop)
                .map_err(Error::from)
        },
        "`status` must be at most 20",
    )
    .await;
    let keys: Vec<String> = (0..33).map(|i| format!("k{i}")).collect();
    refused(
        async {
            c.list_cases()
                .search_key(keys)
                .send()
                .await
                .map(drop)
                .map_err(Error::from)
        },
        "`search_key` takes at most 32 values",
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
                .map_err(Error::from)
        },
        "`label_ids` is required",
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
                .map_err(Error::from)
        },
        "`label_ids` takes at most 5 values",
    )
    .await;
    refused(
        async {
            c.delete_labels()
                .label_id(-1)
                .send()
                .await
                .map(drop)
                .map_err(Error::from)
        },
        "`label_id` must be at least 0",
    )
    .await;
    let feedback = huaweicloud_osm::types::CreateFeedbackV2Req::builder()
        .type_("1")
        .title("Copied content")
        .content("Details")
        .files(
            ["f1", "f2", "f3", "f4"]
                .map(|f| {
                    f.parse::<huaweicloud_osm::types::CreateFeedbackV2ReqFilesItem>()
                        .unwrap()
                })
                .to_vec(),
        );
    refused(
        async {
            c.create_feedback()
                .body(feedback)
                .send()
                .await
                .map(drop)
                .map_err(Error::from)
        },
        "`files` takes at most 3 items",
    )
    .await;
    assert_eq!(server.count(), 0, "nothing was sent");
}
