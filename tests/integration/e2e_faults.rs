//! The retry rules proven against the sandbox's fault injection (deterministic seeds): reads survive
//! 30% failing responses; creations under the same faults leave exactly as many tickets on the
//! server as calls that returned success, every other call returns a clear error, nothing is
//! duplicated.

use std::time::Duration;

use huaweicloud_osm::{Client, Error, RetryPolicy, types};
use osm_sandbox::{Faults, Sandbox};

/// The quickstart's flow and client, exactly as `cargo run --example quickstart` runs them.
use crate::quickstart::example::flow;

/// 30% of requests fail: 12% server errors (500/503), 10% throttled (429, Retry-After 0), 8%
/// connections dropped before the request is processed.
fn thirty_percent(seed: u64) -> Faults {
    Faults::none()
        .seed(seed)
        .server_errors(0.12)
        .throttling(0.10, 0)
        .drops_before(0.08)
}

fn client(sandbox: &Sandbox, policy: RetryPolicy) -> Client {
    Client::builder()
        .endpoint(sandbox.url())
        .credentials(sandbox.credentials().ak_sk())
        .retry_policy(policy)
        .build()
        .unwrap()
}

fn patient() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(10)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(4))
}

#[tokio::test]
async fn two_hundred_reads_all_succeed_under_thirty_percent_faults() {
    let sandbox = Sandbox::builder()
        .faults(thirty_percent(7))
        .start()
        .await
        .unwrap();
    let client = client(&sandbox, patient());
    for i in 0..200 {
        let regions = client
            .list_regions_v1()
            .send()
            .await
            .unwrap_or_else(|e| panic!("read {i} failed: {e}"));
        assert!(!regions.region_list.is_empty());
    }
    let counters = sandbox.counters();
    assert!(
        counters.faults_injected >= 40,
        "faults were injected: {counters:?}"
    );
    assert_eq!(
        counters.requests,
        200 + counters.faults_injected,
        "{counters:?}"
    );
}

fn new_case(i: usize) -> types::CreateOrderIncidentV2Req {
    types::CreateOrderIncidentV2Req::builder()
        .business_type_id("b6dc3d3bf7ef434fa3f23d79cfc41449")
        .simple_description(format!("fault-injection ticket {i}"))
        .source_id("83aeb0f2834c4df49826c781d32a963e")
        .try_into()
        .unwrap()
}

#[tokio::test]
async fn fifty_creations_leave_exactly_the_successful_tickets() {
    let sandbox = Sandbox::builder()
        .faults(thirty_percent(11))
        .start()
        .await
        .unwrap();
    let client = client(&sandbox, patient());
    let (mut succeeded, mut failed) = (Vec::new(), 0);
    for i in 0..50 {
        match client.create_cases().body(new_case(i)).send().await {
            Ok(created) => succeeded.push(created.incident_id.clone().expect("an id")),
            Err(err) => {
                // A clear error: a service error with its status, or a transport error.
                let clear = match &err {
                    Error::Service(s) => matches!(s.status, 429 | 500 | 503),
                    Error::Transport(_) => true,
                    _ => false,
                };
                assert!(clear, "unclear error: {err:?}");
                assert!(!err.to_string().is_empty());
                failed += 1;
            }
        }
    }
    let counters = sandbox.counters();
    assert_eq!(succeeded.len() + failed, 50);
    assert!(
        failed > 0 && !succeeded.is_empty(),
        "faults hit some calls: {counters:?}"
    );
    assert_eq!(
        counters.tickets_created as usize,
        succeeded.len(),
        "tickets on the server = successful calls"
    );
    assert_eq!(
        counters.requests, 50,
        "no creation was sent twice: {counters:?}"
    );
    let mut on_server = sandbox.case_ids();
    on_server.sort();
    succeeded.sort();
    assert_eq!(
        on_server, succeeded,
        "the very tickets the caller was told about"
    );
}

#[tokio::test]
async fn connections_dropped_after_processing_are_reported_not_repeated() {
    // Dropped after the ticket was created: no client can know the outcome (OSM has no idempotency
    // key); the SDK reports a transport error and never sends the creation again.
    let faults = Faults::none().seed(3).drops_after(0.3);
    let sandbox = Sandbox::builder().faults(faults).start().await.unwrap();
    let client = client(&sandbox, patient());
    let (mut ok, mut unknown) = (0, 0);
    for i in 0..50 {
        match client.create_cases().body(new_case(i)).send().await {
            Ok(_) => ok += 1,
            Err(err) => {
                assert!(matches!(err, Error::Transport(_)), "{err:?}");
                unknown += 1;
            }
        }
    }
    let counters = sandbox.counters();
    assert!(unknown > 0);
    assert_eq!(counters.requests, 50, "never sent twice");
    assert_eq!(counters.tickets_created as usize, ok + unknown);
}

#[tokio::test]
async fn creations_are_retried_when_nothing_reached_the_server() {
    // The same faults with the caller's opt-in: every creation eventually succeeds, and the server
    // holds exactly one ticket per call since none of these faults processes the request.
    let sandbox = Sandbox::builder()
        .faults(thirty_percent(5))
        .start()
        .await
        .unwrap();
    let client = client(&sandbox, patient().with_retry_non_idempotent(true));
    for i in 0..50 {
        client
            .create_cases()
            .body(new_case(i))
            .send()
            .await
            .unwrap();
    }
    assert_eq!(sandbox.counters().tickets_created, 50);
}

/// 30% of reads fail as through a bad proxy, what changes state is served: 12% server errors
/// (500/503), 10% throttled (429, `Retry-After: 1`), 8% connections cut before forwarding.
fn bad_network_for_reads(seed: u64) -> Faults {
    Faults::none()
        .seed(seed)
        .server_errors(0.12)
        .throttling(0.10, 1)
        .drops_before(0.08)
        .reads_only()
}

#[tokio::test(start_paused = true)]
async fn the_quickstart_completes_in_19_of_20_runs_under_thirty_percent_read_faults() {
    // The default client (20 s retry budget) on tokio's paused clock: the backoffs and the
    // throttling's Retry-After pass without real waiting.
    let (mut completed, mut faults) = (Vec::new(), 0);
    for seed in 1..=20 {
        let sandbox = Sandbox::builder()
            .faults(bad_network_for_reads(seed))
            .start()
            .await
            .unwrap();
        let client = flow::sandbox_client(&sandbox).unwrap();
        let result = flow::run(&client, &mut flow::Report(std::io::sink())).await;
        let counters = sandbox.counters();
        faults += counters.faults_injected;
        match result {
            Ok(case_id) => {
                assert_eq!(sandbox.case_ids(), [case_id], "seed {seed}: one ticket");
                completed.push(seed);
            }
            Err(e) => {
                eprintln!("seed {seed}: the quickstart failed: {e}");
                assert!(counters.tickets_created <= 1, "seed {seed}: {counters:?}");
            }
        }
        sandbox.shutdown().await;
    }
    eprintln!(
        "{} of 20 runs completed, {faults} faults injected",
        completed.len()
    );
    assert!(faults >= 40, "about 30% of some 200 reads failed: {faults}");
    assert!(completed.len() >= 19, "completed: seeds {completed:?}");
}
