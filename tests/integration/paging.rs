//! Paginators and waiters: issue #11's program as written, long walks against the sandbox, every
//! paged operation's stream on httpmock, and the waiters' timeouts and not-found.

use crate::common;

use std::time::Duration;

use common::*;
use futures::{StreamExt, TryStreamExt};
use httpmock::MockServer;
use huaweicloud_osm::prelude::*;
use osm_sandbox::Sandbox;
use serde_json::{Value, json};

// The program exactly as the issue shows it.
#[rustfmt::skip]
async fn follow(client: &Client, id: &str) -> Result<()> {
    // Every item of every page, fetched lazily, page size as the builder set it.
    let tickets: Vec<types::IncidentInfoV2> = client.list_cases().limit(10).stream().try_collect().await?;
    let v1: Vec<types::CaseV1> = client.list_cases_v1().page_size(10).stream().try_collect().await?;
    assert_eq!(tickets.len(), v1.len());

    // Pages too, when a program wants the totals.
    let first = client.list_cases().limit(10).pages().try_next().await?.expect("one page");
    assert!(first.incident_info_list.len() <= 10);

    // Wait until a ticket reaches a state, polling ShowCaseStatus with backoff, bounded by a timeout.
    client.update_cases().case_id(id).action_id(CaseAction::Close)
        .body(types::WorkOrderOperateV2Req::builder()).send().await?;
    let done = client.wait_for_case_status(id, |s| s.is_closed(), Duration::from_secs(30)).await?;
    assert_eq!(done, CaseStatus::COMPLETED);

    // A wait that cannot end in time is a timeout error, not a hang.
    let err = client.wait_for_case_status(id, |s| s == CaseStatus::PROCESSING, Duration::from_secs(2))
        .await.unwrap_err();
    assert!(err.is_timeout());
    Ok(())
}

async fn sandbox_client() -> (Sandbox, Client) {
    let sandbox = Sandbox::start().await.unwrap();
    let client = common::sandbox_client(&sandbox);
    (sandbox, client)
}

async fn create_tickets(client: &Client, n: usize) -> Vec<String> {
    let problem = client.list_problem_types().send().await.unwrap();
    let problem = problem.incident_business_type_list[0]
        .business_type_id
        .clone()
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let created = client
            .create_cases()
            .body(
                types::CreateOrderIncidentV2Req::builder()
                    .business_type_id(problem.as_str())
                    .simple_description(format!("paging ticket {i}"))
                    .source_id("83aeb0f2834c4df49826c781d32a963e")
                    .region_id("cn-north-4"),
            )
            .send()
            .await
            .unwrap();
        ids.push(created.incident_id.clone().unwrap());
    }
    ids
}

#[tokio::test]
async fn the_follow_story_runs_against_the_sandbox() {
    let (sandbox, client) = sandbox_client().await;
    let ids = create_tickets(&client, 25).await;
    let before = sandbox.counters().requests;
    follow(&client, &ids[3]).await.unwrap();
    assert!(
        sandbox.counters().requests > before + 6,
        "three pages each way were fetched"
    );
}

#[tokio::test]
async fn two_hundred_fifty_tickets_walk_the_same_whatever_the_page_size() {
    let (sandbox, client) = sandbox_client().await;
    create_tickets(&client, 250).await;
    let total = client
        .list_cases()
        .limit(1)
        .send()
        .await
        .unwrap()
        .total_count
        .unwrap();
    assert_eq!(total, 250);
    let mut walks = Vec::new();
    for size in [1, 7, 100] {
        let before = sandbox.counters().requests;
        let ids: Vec<String> = client
            .list_cases()
            .limit(size)
            .stream()
            .map_ok(|t| t.incident_id.unwrap())
            .try_collect()
            .await
            .unwrap();
        let requests = sandbox.counters().requests - before;
        assert_eq!(ids.len(), 250, "page size {size}");
        // The walk ends when the total is reached: no extra empty page.
        assert_eq!(requests, 250_u64.div_ceil(size as u64), "page size {size}");
        walks.push(ids);
    }
    assert_eq!(walks[0], walks[1]);
    assert_eq!(walks[1], walks[2]);
    // The same through the v1.0 API's page numbers.
    let v1: Vec<String> = client
        .list_cases_v1()
        .page_size(7)
        .stream()
        .map_ok(|t| t.case_id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(v1, walks[0]);
}

#[tokio::test]
async fn tickets_created_during_a_walk_never_make_it_yield_one_twice() {
    let (_sandbox, client) = sandbox_client().await;
    let first = create_tickets(&client, 40).await;
    let mut stream = client.list_cases().limit(5).stream();
    let mut seen = Vec::new();
    while let Some(ticket) = stream.try_next().await.unwrap() {
        seen.push(ticket.incident_id.unwrap());
        // The list is newest first: each new ticket pushes every other one place down.
        if seen.len() % 3 == 0 {
            create_tickets(&client, 1).await;
        }
    }
    let unique: std::collections::HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no ticket twice: {seen:?}");
    for id in &first {
        assert!(unique.contains(id), "{id} was walked");
    }
}

#[tokio::test]
async fn streams_are_lazy_and_keep_the_builders_filters() {
    let (sandbox, client) = sandbox_client().await;
    let ids = create_tickets(&client, 12).await;
    client
        .update_cases()
        .case_id(ids[0].as_str())
        .action_id(CaseAction::Close)
        .body(types::WorkOrderOperateV2Req::builder())
        .send()
        .await
        .unwrap();
    let before = sandbox.counters().requests;
    let stream = client
        .list_cases()
        .status(CaseStatus::COMPLETED)
        .limit(2)
        .stream();
    assert_eq!(
        sandbox.counters().requests,
        before,
        "nothing sent before polling"
    );
    let closed: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].status, Some(CaseStatus::COMPLETED));
}

#[tokio::test]
async fn messages_logs_and_labels_walk_against_the_sandbox() {
    let (sandbox, client) = sandbox_client().await;
    let id = create_tickets(&client, 1).await.remove(0);
    for i in 0..11 {
        client
            .create_messages()
            .case_id(id.as_str())
            .body(
                types::CreateMessageV2Req::builder()
                    .message(types::CreateMessageDoV2::builder().content(format!("note {i}"))),
            )
            .send()
            .await
            .unwrap();
        sandbox
            .reply_as_engineer(&id, &format!("reply {i}"), CaseStatus::PROCESSING)
            .unwrap();
    }
    let messages: Vec<_> = client
        .list_messages()
        .case_id(id.as_str())
        .limit(4)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let listed = client
        .list_messages()
        .case_id(id.as_str())
        .limit(100)
        .send()
        .await
        .unwrap();
    assert_eq!(messages, listed.message_list);
    assert!(messages.len() >= 22);
    let logs: Vec<_> = client
        .list_case_operate_logs()
        .case_id(id.as_str())
        .limit(1)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(!logs.is_empty());
    for i in 0..9 {
        client
            .create_labels()
            .body(
                types::CreateLabelsReq::builder()
                    .name(format!("label-{i}"))
                    .color("#ff0000"),
            )
            .send()
            .await
            .unwrap();
    }
    let labels: Vec<_> = client
        .list_labels()
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(labels.len(), 9);
}

/// Serves two pages of `items_field` for `path`: the first (full, two items) at the first
/// position, the second (short, one item) at the next; answers anything else with an error.
fn two_pages(
    server: &MockServer,
    path: &str,
    start: Option<(&str, i64, i64)>,
    size: &str,
    body: impl Fn(Vec<Value>) -> Value,
    item: impl Fn(usize) -> Value,
) {
    for (page, items) in [(0, vec![item(1), item(2)]), (1, vec![item(3)])] {
        let answer = body(items);
        server.mock(|when, then| {
            let when = when.method("GET").path(path).query_param(size, "2");
            let when = match start {
                Some((name, first, step)) => {
                    when.query_param(name, (first + page * step).to_string())
                }
                None => when,
            };
            signed(when);
            then.status(200)
                .header("content-type", "application/json")
                .json_body(answer);
        });
    }
}

#[tokio::test]
async fn every_paged_operation_streams_across_pages() {
    let offset = |first| Some(("offset", first, 2));
    let numbered = |name| Some((name, 1, 1));
    let with_total = |items: &'static str, total: &'static str| move |list: Vec<Value>| json!({items: list, total: 3});
    macro_rules! check {
        ($path:expr, $start:expr, $size:expr, $body:expr, $item:expr, |$c:ident| $call:expr) => {{
            let server = MockServer::start_async().await;
            two_pages(&server, $path, $start, $size, $body, $item);
            let $c = client(&server);
            let n = $call.try_collect::<Vec<_>>().await.unwrap().len();
            assert_eq!(n, 3, "{}", $path);
        }};
    }
    let id = |field: &'static str| move |i: usize| json!({field: format!("id-{i}")});
    let content = |field: &'static str| move |i: usize| json!({field: format!("content {i}")});
    check!(
        "/v2/servicerequest/authorizations",
        offset(0),
        "limit",
        with_total("incident_auth_list", "count"),
        id("id"),
        |c| c.list_authorizations().limit(2).stream()
    );
    check!(
        "/v2/servicerequest/authorizations/a1/authorization-details/7/history-sessions",
        offset(0),
        "limit",
        with_total("session_list", "total_count"),
        |i: usize| json!({"session_id": i}),
        |c| c
            .list_history_sessions()
            .authorization_id("a1")
            .authorization_detail_id(7)
            .limit(2)
            .stream()
    );
    check!(
        "/v2/servicerequest/authorizations/a1/authorization-details/7/sessions/9/operation-file-logs",
        offset(0),
        "limit",
        with_total("file_ops_list", "total_count"),
        content("file_name"),
        |c| c
            .list_transport_histories()
            .authorization_id("a1")
            .authorization_detail_id(7)
            .session_id(9)
            .limit(2)
            .stream()
    );
    check!(
        "/v2/servicerequest/authorizations/a1/authorization-details/7/sessions/9/operation-logs",
        offset(0),
        "limit",
        with_total("ops_list", "total_count"),
        content("oper"),
        |c| c
            .list_history_operate_logs()
            .authorization_id("a1")
            .authorization_detail_id(7)
            .session_id(9)
            .limit(2)
            .stream()
    );
    check!(
        "/v2/servicerequest/verifycodes/has-verified",
        numbered("offset"),
        "limit",
        with_total("contact_list", "count"),
        id("verified_id"),
        |c| c.list_has_verified_contacts().limit(2).stream()
    );
    check!(
        "/v2.0/servicerequest/diagnose/records",
        numbered("page_no"),
        "page_size",
        with_total("records", "total_count"),
        id("id"),
        |c| c.list_diagnose_records().page_size(2).stream()
    );
    check!(
        "/osm/incidentservice/api/v1/queryincident",
        numbered("pageNo"),
        "pageSize",
        with_total("incidentInfoList", "totalCount"),
        id("incidentId"),
        |c| c.list_order_incident().page_size(2).stream()
    );
    // After the last item: the next page is asked for with the last message's time and type.
    let server = MockServer::start_async().await;
    let message = |i: usize| json!({"content": format!("m{i}"), "create_time": format!("170000000{i}"), "type": 1});
    for (cursor, items) in [
        ("1700000000", vec![message(1), message(2)]),
        ("1700000002", vec![message(3)]),
    ] {
        server.mock(|when, then| {
            signed(
                when.method("GET")
                    .path("/v2/servicerequest/cases/CS1/instant-messages/more")
                    .query_param("create_time", cursor)
                    .query_param("limit", "2"),
            );
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"message_list": items, "count": 3}));
        });
    }
    let older: Vec<_> = client(&server)
        .list_more_instant_messages()
        .case_id("CS1")
        .create_time("1700000000")
        .type_(1)
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(older.len(), 3);
    // The binary export pages whole, until an empty page.
    let server = MockServer::start_async().await;
    for (start, body) in [("0", "a,b\n"), ("2", "c\n"), ("4", "")] {
        server.mock(|when, then| {
            signed(
                when.method("GET")
                    .path("/v2/servicerequest/cases/export")
                    .query_param("offset", start)
                    .query_param("limit", "2"),
            );
            then.status(200)
                .header("content-type", "text/csv")
                .body(body);
        });
    }
    let pages: Vec<bytes::Bytes> = client(&server)
        .download_cases()
        .language("en-us")
        .timezone("GMT+8")
        .limit(2)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.concat(), b"a,b\nc\n");
}

#[tokio::test]
async fn a_binary_page_is_collected_up_to_the_clients_largest_body_and_no_further() {
    let cap = 64 * 1024;
    let server = MockServer::start_async().await;
    for (start, size) in [("0", cap), ("2", cap + 1)] {
        server.mock(|when, then| {
            when.method("GET")
                .path("/v2/servicerequest/cases/export")
                .query_param("offset", start);
            then.status(200)
                .header("content-type", "text/csv")
                .body("x".repeat(size));
        });
    }
    let client = Client::builder()
        .endpoint(server.base_url())
        .credentials(Credentials::ak_sk(AK, SK).with_domain_id(DOMAIN_ID))
        .max_response_body(cap)
        .build()
        .unwrap();
    let pages: Vec<Result<bytes::Bytes>> = client
        .download_cases()
        .language("en-us")
        .timezone("GMT+8")
        .limit(2)
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 2, "the page over the cap ends the walk");
    assert_eq!(
        pages[0].as_ref().unwrap().len(),
        cap,
        "a page at the cap is whole"
    );
    let err = pages[1].as_ref().unwrap_err();
    assert!(
        err.is_invalid_request() && err.status().is_none(),
        "{err:?}"
    );
    assert!(err.to_string().contains("larger than 65536 bytes"), "{err}");
}

#[tokio::test]
async fn a_failed_page_ends_the_stream_with_its_error_after_the_good_ones() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method("GET")
            .path("/v2/servicerequest/labels")
            .query_param("offset", "0");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(json!({"label_list": [{"label_id": 1}, {"label_id": 2}], "total_count": 9}));
    });
    server.mock(|when, then| {
        when.method("GET")
            .path("/v2/servicerequest/labels")
            .query_param("offset", "2");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(
                json!({"error_code": "OSM.01010002", "error_msg": "No operation permission."}),
            );
    });
    let results: Vec<Result<types::CaseLabelInfo>> = client(&server)
        .list_labels()
        .limit(2)
        .stream()
        .collect()
        .await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.code(), Some("OSM.01010002"));
}

#[tokio::test]
async fn a_server_that_ignores_the_position_cannot_loop_a_walk_forever() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method("GET").path("/v2/servicerequest/labels");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(json!({"label_list": [{"label_id": 1}, {"label_id": 2}]}));
    });
    let labels: Vec<_> = client(&server)
        .list_labels()
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(labels.len(), 2);
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn waiting_for_a_reply_returns_the_new_message() {
    let (sandbox, client) = sandbox_client().await;
    let id = create_tickets(&client, 1).await.remove(0);
    let before = sandbox.counters().requests;
    let wait = client.wait_for_new_message(&id, Duration::from_secs(30));
    let reply = async {
        // Once the waiter has taken stock of the messages already there, an engineer answers.
        while sandbox.counters().requests == before {
            tokio::task::yield_now().await;
        }
        sandbox
            .reply_as_engineer(
                &id,
                "Please resize again with the new image.",
                CaseStatus::PROCESSING,
            )
            .unwrap();
    };
    let (message, ()) = tokio::join!(wait, reply);
    let message = message.unwrap();
    assert_eq!(
        message.content.as_deref(),
        Some("Please resize again with the new image.")
    );
    assert_eq!(message.type_, Some(1), "from the engineer");
}

#[tokio::test]
async fn waits_end_with_not_found_when_the_ticket_is_gone() {
    let (_sandbox, client) = sandbox_client().await;
    let err = client
        .wait_for_case_status("TT000000", |s| s.is_closed(), Duration::from_secs(30))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let err = client
        .wait_for_new_message("TT000000", Duration::from_secs(30))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn a_timed_out_wait_says_what_it_waited_for() {
    let (_sandbox, client) = sandbox_client().await;
    let id = create_tickets(&client, 1).await.remove(0);
    let err = client
        .wait_for_new_message(&id, Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(err.timeout_kind(), Some(huaweicloud_osm::TimeoutKind::Wait));
    assert!(
        err.to_string()
            .contains(&format!("a new message on ticket {id}")),
        "{err}"
    );
    let err = client
        .wait_for_case_status(&id, |s| s.is_closed(), Duration::from_millis(300))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "timed out after 300ms waiting for ticket {id} to reach the wanted status (last seen: status 0 (pending acceptance))"
        )
    );
}
