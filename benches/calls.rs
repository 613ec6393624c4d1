//! Signed, decoded calls against the loopback server, beside raw `reqwest` fetching the same bytes
//! and decoding them into `serde_json::Value`. Client and server take turns on one thread (see
//! `support::start_server_in`): each figure is the CPU work of one call, client and server side,
//! the server's share being the same for the SDK and the baseline.
//!
//! * `list_cases_100/{sdk,raw_reqwest}`: `ListCases` answering 100 tickets (~50 KB of JSON).
//! * `show_case_detail_50/{sdk,raw_reqwest}`: `ShowCaseDetail` answering 50 messages.
//! * `concurrent_100/{sdk,raw_reqwest}`: 100 `ShowCaseDetail` calls at once on one client (one
//!   task each), time for all 100.
//!
//! The SDK call is the whole public path: builder, hooks (defaults, AK/SK signature, retry loop,
//! error probe), typed decoding. Targets: SDK within 1.10x of raw for each.
//!
//! `raw_reqwest_typed` (for information) decodes the same bytes into the SDK's generated response
//! type instead of a `Value`: beside it, the SDK's figure is the cost of its own layer alone
//! (signing, hooks, body checks), decoding being equal.

mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use huaweicloud_osm::types;
use serde_json::Value;
use support::*;

async fn raw_get(client: &reqwest::Client, url: &str) -> Value {
    let bytes = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .expect("raw call")
        .error_for_status()
        .expect("raw status")
        .bytes()
        .await
        .expect("raw body");
    serde_json::from_slice(&bytes).expect("raw decode")
}

async fn raw_get_typed<T: serde::de::DeserializeOwned>(client: &reqwest::Client, url: &str) -> T {
    let bytes = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .expect("raw call")
        .error_for_status()
        .expect("raw status")
        .bytes()
        .await
        .expect("raw body");
    serde_json::from_slice(&bytes).expect("raw typed decode")
}

async fn sdk_list_cases(client: &huaweicloud_osm::Client) -> usize {
    let page = client.list_cases().send().await.expect("ListCases");
    page.incident_info_list.len()
}

async fn sdk_case_detail(client: &huaweicloud_osm::Client) -> usize {
    let detail = client
        .show_case_detail()
        .case_id(CASE_ID)
        .send()
        .await
        .expect("ShowCaseDetail");
    detail
        .incident_detail_info
        .as_ref()
        .map_or(0, |d| d.message_list.len())
}

fn calls(c: &mut Criterion) {
    let rt = client_runtime();
    let server = start_server_in(&rt, Fixtures::new(0));
    let url = server.url();
    let sdk = sdk_client(&url);
    let raw = raw_client();
    let list_url = format!("{url}{LIST_CASES_PATH}");
    let detail_url = format!("{url}{CASE_DETAIL_PATH}");

    // Both clients read what the benchmark claims before anything is measured.
    rt.block_on(async {
        assert_eq!(sdk_list_cases(&sdk).await, LIST_CASES_TICKETS);
        assert_eq!(sdk_case_detail(&sdk).await, CASE_DETAIL_MESSAGES);
        let list = raw_get(&raw, &list_url).await;
        assert_eq!(
            list["incident_info_list"].as_array().map(Vec::len),
            Some(LIST_CASES_TICKETS)
        );
        let detail = raw_get(&raw, &detail_url).await;
        assert_eq!(
            detail["incident_detail_info"]["message_list"]
                .as_array()
                .map(Vec::len),
            Some(CASE_DETAIL_MESSAGES)
        );
    });

    let mut group = c.benchmark_group("list_cases_100");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sdk", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(sdk_list_cases(&sdk).await) })
    });
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(raw_get(&raw, &list_url).await) })
    });
    group.bench_function("raw_reqwest_typed", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(raw_get_typed::<types::ListCasesResponse>(&raw, &list_url).await)
        })
    });
    group.finish();

    let mut group = c.benchmark_group("show_case_detail_50");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sdk", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(sdk_case_detail(&sdk).await) })
    });
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(raw_get(&raw, &detail_url).await) })
    });
    group.bench_function("raw_reqwest_typed", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(raw_get_typed::<types::ShowCaseDetailResponse>(&raw, &detail_url).await)
        })
    });
    group.finish();

    let mut group = c.benchmark_group("concurrent_100");
    group.throughput(Throughput::Elements(CONCURRENT_CALLS as u64));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("sdk", |b| {
        b.to_async(&rt).iter(|| async {
            let mut tasks = tokio::task::JoinSet::new();
            for _ in 0..CONCURRENT_CALLS {
                let client = sdk.clone();
                tasks.spawn(async move { sdk_case_detail(&client).await });
            }
            let mut messages = 0;
            while let Some(n) = tasks.join_next().await {
                messages += n.expect("task");
            }
            assert_eq!(messages, CONCURRENT_CALLS * CASE_DETAIL_MESSAGES);
        })
    });
    group.bench_function("raw_reqwest", |b| {
        b.to_async(&rt).iter(|| async {
            let mut tasks = tokio::task::JoinSet::new();
            for _ in 0..CONCURRENT_CALLS {
                let client = raw.clone();
                let url = detail_url.clone();
                tasks.spawn(async move { raw_get(&client, &url).await });
            }
            let mut answers = 0;
            while let Some(v) = tasks.join_next().await {
                black_box(v.expect("task"));
                answers += 1;
            }
            assert_eq!(answers, CONCURRENT_CALLS);
        })
    });
    group.finish();
}

criterion_group!(benches, calls);
criterion_main!(benches);
