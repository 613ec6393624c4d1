//! Contract tests: the v2 ticket messages, labels and ticket relations (tags `messages`, `labels`,
//! `relations`). For each: the exact request (method, path with escaped ids, every query parameter,
//! arrays as repeated keys, headers, signature verified, JSON body or none), decoding of the
//! documented response, of a 400 error and of an error under HTTP 200, and a missing required
//! argument refused before anything is sent.

use crate::common;

use common::*;
use httpmock::{Method, MockServer};
use huaweicloud_osm::mock::MockServerExt;
use huaweicloud_osm::types;

/// A ticket id with characters that must be escaped (once) in the path.
const CASE_ID: &str = "TT2024 0516/12";
const CASE_PATH: &str = "/v2/servicerequest/cases/TT2024%200516%2F12";

fn case_ids() -> Vec<String> {
    vec![
        "TT2024051600012".to_string(),
        "TT 2024050200437".to_string(),
    ]
}

// ---------------------------------------------------------------------------------------------
// messages

#[tokio::test]
async fn list_new_instant_messages() {
    let server = MockServer::start_async().await;
    let body: types::ListNewInstantMessagesResponse =
        typed(response_example("ListNewInstantMessages"));
    let mock = server.list_new_instant_messages(|when, then| {
        exact_query(
            v2(when.into_inner()),
            &[
                ("case_ids", "TT2024051600012"),
                ("case_ids", "TT 2024050200437"),
                ("last_message_time_id", "2024-05-16T09:20:05Z"),
                ("group_id", "group 7"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_new_instant_messages()
        .case_ids(case_ids())
        .last_message_time_id("2024-05-16T09:20:05Z")
        .group_id("group 7")
        .send()
        .await
        .unwrap();
    let got = got.into_inner();
    assert_eq!(got, body);
    assert_eq!(got.imstatus.len(), 1);
    assert_eq!(got.immsg.len(), 1);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/cases/instant-messages"))
        },
        |c| async move {
            c.list_new_instant_messages()
                .case_ids(case_ids())
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_new_instant_messages_requires_the_case_ids() {
    refused_before_sending(|c| async move {
        c.list_new_instant_messages()
            .group_id("group 7")
            .send()
            .await
            .map(drop)
    })
    .await;
}

#[tokio::test]
async fn list_unread_new_instant_messages() {
    let server = MockServer::start_async().await;
    let body: types::ListUnreadNewInstantMessagesResponse =
        typed(response_example("ListUnreadNewInstantMessages"));
    let mock = server.list_unread_new_instant_messages(|when, then| {
        exact_query(
            v2(when.into_inner()),
            &[
                ("case_ids", "TT2024051600012"),
                ("case_ids", "TT 2024050200437"),
                ("group_id", "group 7"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_unread_new_instant_messages()
        .case_ids(case_ids())
        .group_id("group 7")
        .send()
        .await
        .unwrap();
    let got = got.into_inner();
    assert_eq!(got, body);
    assert_eq!(got.imunread[0].unread_num, Some(1));
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/cases/instant-messages/unread"))
        },
        |c| async move {
            c.list_unread_new_instant_messages()
                .case_ids(case_ids())
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_unread_new_instant_messages_requires_the_case_ids() {
    refused_before_sending(|c| async move {
        c.list_unread_new_instant_messages().send().await.map(drop)
    })
    .await;
}

#[tokio::test]
async fn list_more_instant_messages() {
    let server = MockServer::start_async().await;
    let body: types::ListMoreInstantMessagesResponse =
        typed(response_example("ListMoreInstantMessages"));
    let mock = server.list_more_instant_messages(|when, then| {
        exact_query(
            v2(when
                .into_inner()
                .path(format!("{CASE_PATH}/instant-messages/more"))),
            &[
                ("create_time", "2024-05-16 09:20:05"),
                ("type", "1"),
                ("group_id", "group 7"),
                ("limit", "20"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_more_instant_messages()
        .case_id(CASE_ID)
        .create_time("2024-05-16 09:20:05")
        .type_(1)
        .group_id("group 7")
        .limit(20)
        .send()
        .await
        .unwrap();
    let got = got.into_inner();
    assert_eq!(got, body);
    assert_eq!(got.count, Some(2));
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/instant-messages/more"))
        },
        |c| async move {
            c.list_more_instant_messages()
                .case_id(CASE_ID)
                .create_time("2024-05-16 09:20:05")
                .type_(0)
                .limit(10)
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn list_more_instant_messages_requires_create_time_type_and_limit() {
    refused_before_sending(|c| async move {
        c.list_more_instant_messages()
            .case_id(CASE_ID)
            .type_(0)
            .limit(10)
            .send()
            .await
            .map(drop)
    })
    .await;
    refused_before_sending(|c| async move {
        c.list_more_instant_messages()
            .case_id(CASE_ID)
            .create_time("2024-05-16 09:20:05")
            .limit(10)
            .send()
            .await
            .map(drop)
    })
    .await;
    refused_before_sending(|c| async move {
        c.list_more_instant_messages()
            .case_id(CASE_ID)
            .create_time("2024-05-16 09:20:05")
            .type_(0)
            .send()
            .await
            .map(drop)
    })
    .await;
}

fn read_body() -> types::UpdateUnreadNewInstantMsgV2Req {
    typed(serde_json::json!({"group_id": "group 7"}))
}

#[tokio::test]
async fn update_new_instant_messages_read() {
    let server = MockServer::start_async().await;
    let request = read_body();
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(sent, serde_json::json!({"group_id": "group 7"}));
    let response: types::UpdateNewInstantMessagesReadResponse =
        typed(response_example("UpdateNewInstantMessagesRead"));
    let mock = server.update_new_instant_messages_read(|when, then| {
        exact_query(
            v2(when
                .into_inner()
                .path(format!("{CASE_PATH}/instant-messages/unread"))),
            &[],
        )
        .header("content-type", "application/json")
        .json_body(sent);
        then.ok(&response);
    });
    let got = client(&server)
        .update_new_instant_messages_read()
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
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/instant-messages/unread"))
        },
        |c| async move {
            c.update_new_instant_messages_read()
                .case_id(CASE_ID)
                .body(read_body())
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn update_new_instant_messages_read_requires_the_case_id() {
    refused_before_sending(|c| async move {
        c.update_new_instant_messages_read()
            .body(read_body())
            .send()
            .await
            .map(drop)
    })
    .await;
}

#[tokio::test]
async fn revoke_message() {
    let server = MockServer::start_async().await;
    let response: types::RevokeMessageResponse = typed(response_example("RevokeMessage"));
    let mock = server.revoke_message(|when, then| {
        let path = format!("{CASE_PATH}/instant-messages/msg%20001%2Fb/withdraw");
        no_body(exact_query(v2(when.into_inner().path(path)), &[]));
        then.ok(&response);
    });
    let got = client(&server)
        .revoke_message()
        .case_id(CASE_ID)
        .message_id("msg 001/b")
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), response);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::POST).path(
                "/v2/servicerequest/cases/TT2024%200516%2F12/instant-messages/msg%20001%2Fb/withdraw",
            ))
        },
        |c| async move {
            c.revoke_message()
                .case_id(CASE_ID)
                .message_id("msg 001/b")
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn revoke_message_requires_the_message_id() {
    refused_before_sending(|c| async move {
        c.revoke_message().case_id(CASE_ID).send().await.map(drop)
    })
    .await;
}

fn message_body() -> types::CreateMessageV2Req {
    typed(serde_json::json!({
        "message": {
            "content": "The instance is still unreachable after the reboot.",
            "accessory_ids": ["a1b2c3d4e5f64789a0b1c2d3e4f5a6b7", "b2c3d4e5f64789a0b1c2d3e4f5a6b7c8"]
        },
        "group_id": "group 7"
    }))
}

#[tokio::test]
async fn create_messages() {
    let server = MockServer::start_async().await;
    let request = message_body();
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(
        sent["message"]["content"],
        "The instance is still unreachable after the reboot."
    );
    assert_eq!(
        sent["message"]["accessory_ids"][1],
        "b2c3d4e5f64789a0b1c2d3e4f5a6b7c8"
    );
    let response: types::CreateMessagesResponse = typed(response_example("CreateMessages"));
    let mock = server.create_messages(|when, then| {
        exact_query(
            v2(when.into_inner().path(format!("{CASE_PATH}/message"))),
            &[],
        )
        .header("content-type", "application/json")
        .json_body(sent);
        then.ok(&response);
    });
    let got = client(&server)
        .create_messages()
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
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/message"))
        },
        |c| async move {
            c.create_messages()
                .case_id(CASE_ID)
                .body(message_body())
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_messages_requires_the_body() {
    refused_before_sending(|c| async move {
        c.create_messages().case_id(CASE_ID).send().await.map(drop)
    })
    .await;
}

#[tokio::test]
async fn list_messages() {
    let server = MockServer::start_async().await;
    let body: types::ListMessagesResponse = typed(response_example("ListMessages"));
    let mock = server.list_messages(|when, then| {
        exact_query(
            v2(when.into_inner().path(format!("{CASE_PATH}/messages"))),
            &[("group_id", "group 7"), ("offset", "10"), ("limit", "50")],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_messages()
        .case_id(CASE_ID)
        .group_id("group 7")
        .offset(10)
        .limit(50)
        .send()
        .await
        .unwrap();
    let got = got.into_inner();
    assert_eq!(got, body);
    assert_eq!(got.count, Some(2));
    assert_eq!(got.message_list.len(), 2);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/messages"))
        },
        |c| async move { c.list_messages().case_id(CASE_ID).send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_messages_requires_the_case_id() {
    refused_before_sending(|c| async move { c.list_messages().limit(10).send().await.map(drop) })
        .await;
}

// ---------------------------------------------------------------------------------------------
// labels

#[tokio::test]
async fn list_case_labels() {
    let server = MockServer::start_async().await;
    let body: types::ListCaseLabelsResponse = typed(response_example("ListCaseLabels"));
    let mock = server.list_case_labels(|when, then| {
        no_body(exact_query(
            v2(when.into_inner().path(format!("{CASE_PATH}/labels"))),
            &[],
        ));
        then.ok(&body);
    });
    let got = client(&server)
        .list_case_labels()
        .case_id(CASE_ID)
        .send()
        .await
        .unwrap();
    let got = got.into_inner();
    assert_eq!(got, body);
    assert_eq!(got.case_label_list[0].name.as_deref(), Some("test"));
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/labels"))
        },
        |c| async move { c.list_case_labels().case_id(CASE_ID).send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_case_labels_requires_the_case_id() {
    refused_before_sending(|c| async move { c.list_case_labels().send().await.map(drop) }).await;
}

#[tokio::test]
async fn create_case_labels() {
    let server = MockServer::start_async().await;
    let response: types::CreateCaseLabelsResponse = typed(response_example("CreateCaseLabels"));
    let mock = server.create_case_labels(|when, then| {
        // The label ids are repeated query keys; there is no body.
        no_body(exact_query(
            v2(when.into_inner().path(format!("{CASE_PATH}/labels"))),
            &[("label_ids", "1"), ("label_ids", "22")],
        ));
        then.ok(&response);
    });
    let got = client(&server)
        .create_case_labels()
        .case_id(CASE_ID)
        .label_ids(vec![1, 22])
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), response);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::POST)
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/labels"))
        },
        |c| async move {
            c.create_case_labels()
                .case_id(CASE_ID)
                .label_ids(vec![1])
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_case_labels_requires_the_label_ids() {
    refused_before_sending(|c| async move {
        c.create_case_labels()
            .case_id(CASE_ID)
            .send()
            .await
            .map(drop)
    })
    .await;
}

#[tokio::test]
async fn delete_case_labels() {
    let server = MockServer::start_async().await;
    let response: types::DeleteCaseLabelsResponse = typed(response_example("DeleteCaseLabels"));
    let mock = server.delete_case_labels(|when, then| {
        no_body(exact_query(
            v2(when.into_inner().path(format!("{CASE_PATH}/labels"))),
            &[("label_ids", "1"), ("label_ids", "22")],
        ));
        then.ok(&response);
    });
    let got = client(&server)
        .delete_case_labels()
        .case_id(CASE_ID)
        .label_ids(vec![1, 22])
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), response);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::DELETE)
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/labels"))
        },
        |c| async move {
            c.delete_case_labels()
                .case_id(CASE_ID)
                .label_ids(vec![1])
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn delete_case_labels_requires_the_label_ids() {
    refused_before_sending(|c| async move {
        c.delete_case_labels()
            .case_id(CASE_ID)
            .send()
            .await
            .map(drop)
    })
    .await;
}

#[tokio::test]
async fn list_labels() {
    let server = MockServer::start_async().await;
    let body: types::ListLabelsResponse = typed(response_example("ListLabels"));
    let mock = server.list_labels(|when, then| {
        exact_query(
            v2(when.into_inner()),
            &[
                ("offset", "0"),
                ("limit", "10"),
                ("name", "on call"),
                ("label_id", "2"),
            ],
        );
        then.ok(&body);
    });
    let got = client(&server)
        .list_labels()
        .offset(0)
        .limit(10)
        .name("on call")
        .label_id(2)
        .send()
        .await
        .unwrap();
    let got = got.into_inner();
    assert_eq!(got, body);
    assert_eq!(got.total_count, Some(2));
    assert_eq!(got.label_list[1].color.as_deref(), Some("#000000"));
    mock.assert_async().await;

    check_errors(
        |w| v2(w.method(Method::GET).path("/v2/servicerequest/labels")),
        |c| async move { c.list_labels().send().await.map(drop) },
    )
    .await;
}

fn create_label_body() -> types::CreateLabelsReq {
    typed(serde_json::json!({"name": "on call", "color": "#FF0000"}))
}

#[tokio::test]
async fn create_labels() {
    let server = MockServer::start_async().await;
    let request = create_label_body();
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"name": "on call", "color": "#FF0000"})
    );
    let response: types::CreateLabelsResponse = typed(response_example("CreateLabels"));
    let mock = server.create_labels(|when, then| {
        exact_query(v2(when.into_inner()), &[])
            .header("content-type", "application/json")
            .json_body(sent);
        then.ok(&response);
    });
    let got = client(&server)
        .create_labels()
        .body(request)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), response);
    mock.assert_async().await;

    check_errors(
        |w| v2(w.method(Method::POST).path("/v2/servicerequest/labels")),
        |c| async move {
            c.create_labels()
                .body(create_label_body())
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_labels_requires_the_body() {
    refused_before_sending(|c| async move { c.create_labels().send().await.map(drop) }).await;
}

#[tokio::test]
async fn create_labels_refuses_an_overlong_color_before_sending() {
    refused_before_sending(|c| async move {
        c.create_labels()
            .body_map(|b| b.name("on call").color("#FF00000"))
            .send()
            .await
            .map(drop)
    })
    .await;
}

#[tokio::test]
async fn delete_labels() {
    let server = MockServer::start_async().await;
    let response: types::DeleteLabelsResponse = typed(response_example("DeleteLabels"));
    let mock = server.delete_labels(|when, then| {
        no_body(exact_query(
            v2(when.into_inner().path("/v2/servicerequest/labels/42")),
            &[],
        ));
        then.ok(&response);
    });
    let got = client(&server)
        .delete_labels()
        .label_id(42)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), response);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::DELETE)
                .path("/v2/servicerequest/labels/42"))
        },
        |c| async move { c.delete_labels().label_id(42).send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn delete_labels_requires_the_label_id() {
    refused_before_sending(|c| async move { c.delete_labels().send().await.map(drop) }).await;
}

fn update_label_body() -> types::UpdateLabelsReq {
    typed(serde_json::json!({"name": "billing & invoices", "color": "#00FF00"}))
}

#[tokio::test]
async fn update_labels() {
    let server = MockServer::start_async().await;
    let request = update_label_body();
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"name": "billing & invoices", "color": "#00FF00"})
    );
    let response: types::UpdateLabelsResponse = typed(response_example("UpdateLabels"));
    let mock = server.update_labels(|when, then| {
        exact_query(
            v2(when.into_inner().path("/v2/servicerequest/labels/42")),
            &[],
        )
        .header("content-type", "application/json")
        .json_body(sent);
        then.ok(&response);
    });
    let got = client(&server)
        .update_labels()
        .label_id(42)
        .body(request)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), response);
    mock.assert_async().await;

    check_errors(
        |w| v2(w.method(Method::PUT).path("/v2/servicerequest/labels/42")),
        |c| async move {
            c.update_labels()
                .label_id(42)
                .body(update_label_body())
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn update_labels_requires_the_label_id() {
    refused_before_sending(|c| async move {
        c.update_labels()
            .body(update_label_body())
            .send()
            .await
            .map(drop)
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// relations

#[tokio::test]
async fn list_relation() {
    let server = MockServer::start_async().await;
    let body: types::ListRelationResponse = typed(response_example("ListRelation"));
    let mock = server.list_relation(|when, then| {
        no_body(exact_query(
            v2(when.into_inner().path(format!("{CASE_PATH}/relations"))),
            &[],
        ));
        then.ok(&body);
    });
    let got = client(&server)
        .list_relation()
        .case_id(CASE_ID)
        .send()
        .await
        .unwrap();
    let got = got.into_inner();
    assert_eq!(got, body);
    assert_eq!(
        got.case_relation_list[0].case_id.as_deref(),
        Some("TT2024050200437")
    );
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::GET)
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/relations"))
        },
        |c| async move { c.list_relation().case_id(CASE_ID).send().await.map(drop) },
    )
    .await;
}

#[tokio::test]
async fn list_relation_requires_the_case_id() {
    refused_before_sending(|c| async move { c.list_relation().send().await.map(drop) }).await;
}

fn create_relations_body() -> types::CreateRelationsReq {
    typed(serde_json::json!({
        "related_id_list": ["TT2024050200437", "TT2024050200438"],
        "group_id": "group 7"
    }))
}

#[tokio::test]
async fn create_relations() {
    let server = MockServer::start_async().await;
    let request = create_relations_body();
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({
            "related_id_list": ["TT2024050200437", "TT2024050200438"],
            "group_id": "group 7"
        })
    );
    let response: types::CreateRelationsResponse = typed(response_example("CreateRelations"));
    let mock = server.create_relations(|when, then| {
        exact_query(
            v2(when.into_inner().path(format!("{CASE_PATH}/relations"))),
            &[],
        )
        .header("content-type", "application/json")
        .json_body(sent);
        then.ok(&response);
    });
    let got = client(&server)
        .create_relations()
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
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/relations"))
        },
        |c| async move {
            c.create_relations()
                .case_id(CASE_ID)
                .body(create_relations_body())
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn create_relations_requires_the_body() {
    refused_before_sending(|c| async move {
        c.create_relations().case_id(CASE_ID).send().await.map(drop)
    })
    .await;
}

fn delete_relation_body() -> types::DeleteRelationsReq {
    typed(serde_json::json!({"related_id": "TT2024050200437", "group_id": "group 7"}))
}

#[tokio::test]
async fn delete_relation() {
    let server = MockServer::start_async().await;
    let request = delete_relation_body();
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"related_id": "TT2024050200437", "group_id": "group 7"})
    );
    let response: types::DeleteRelationResponse = typed(response_example("DeleteRelation"));
    let mock = server.delete_relation(|when, then| {
        // A DELETE that carries a JSON body.
        exact_query(
            v2(when.into_inner().path(format!("{CASE_PATH}/relations"))),
            &[],
        )
        .header("content-type", "application/json")
        .json_body(sent);
        then.ok(&response);
    });
    let got = client(&server)
        .delete_relation()
        .case_id(CASE_ID)
        .body(request)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner(), response);
    mock.assert_async().await;

    check_errors(
        |w| {
            v2(w.method(Method::DELETE)
                .path("/v2/servicerequest/cases/TT2024%200516%2F12/relations"))
        },
        |c| async move {
            c.delete_relation()
                .case_id(CASE_ID)
                .body(delete_relation_body())
                .send()
                .await
                .map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn delete_relation_requires_the_body() {
    refused_before_sending(|c| async move {
        c.delete_relation().case_id(CASE_ID).send().await.map(drop)
    })
    .await;
}
