//! Load on one sandbox: many SDK clients at once, each on a task of its own, making a mix of
//! creations and reads; then a check that nothing was lost. Shared by the CI-sized test
//! (`tests/integration/e2e_sandbox.rs`) and the full measurement (`benches/load.rs`,
//! BENCHMARKS.md).

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use huaweicloud_osm::{Client, Error, types};
use osm_sandbox::Sandbox;

/// What a load run did.
pub struct LoadRun {
    /// The latency of every call, sorted.
    pub latencies: Vec<Duration>,
    /// The ids of the tickets created, sorted.
    pub created: Vec<String>,
    /// Calls made in all.
    pub calls: usize,
    /// The whole run.
    pub elapsed: Duration,
}

impl LoadRun {
    /// The latency under which `q` (0..=1) of the calls finished.
    pub fn quantile(&self, q: f64) -> Duration {
        let at = ((self.latencies.len() as f64 * q).ceil() as usize).clamp(1, self.latencies.len());
        self.latencies[at - 1]
    }
}

/// `clients` clients (made by `client`, one each) make `calls` calls each at once against
/// `sandbox`: every fifth call creates a ticket, the others read (its last ticket's details and
/// status, a page of tickets, the regions). The first error ends the run.
pub async fn run(
    sandbox: &Sandbox,
    clients: usize,
    calls: usize,
    client: impl Fn(&Sandbox) -> Client,
) -> Result<LoadRun, Error> {
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|n| tokio::spawn(one_client(client(sandbox), n, calls)))
        .collect();
    let (mut latencies, mut created) = (Vec::new(), Vec::new());
    for task in tasks {
        let (times, ids) = task.await.expect("a load task panicked")?;
        latencies.extend(times);
        created.extend(ids);
    }
    latencies.sort();
    created.sort();
    Ok(LoadRun {
        latencies,
        created,
        calls: clients * calls,
        elapsed: started.elapsed(),
    })
}

async fn one_client(
    client: Client,
    n: usize,
    calls: usize,
) -> Result<(Vec<Duration>, Vec<String>), Error> {
    let (mut latencies, mut created) = (Vec::with_capacity(calls), Vec::<String>::new());
    for i in 0..calls {
        let sent = Instant::now();
        match (i % 5, created.last()) {
            (0, _) | (_, None) => {
                let body = types::CreateOrderIncidentV2Req::builder()
                    .business_type_id("b6dc3d3bf7ef434fa3f23d79cfc41449")
                    .simple_description(format!("load: client {n}, call {i}"))
                    .source_id("83aeb0f2834c4df49826c781d32a963e");
                let answer = client.create_cases().body(body).send().await?;
                created.push(answer.into_inner().incident_id.unwrap_or_default());
            }
            (1, Some(id)) => drop(client.show_case_detail().case_id(id).send().await?),
            (2, Some(id)) => drop(client.show_case_status().case_id(id).send().await?),
            (3, _) => drop(client.list_cases().limit(10).send().await?),
            _ => drop(client.list_regions_v1().send().await?),
        }
        latencies.push(sent.elapsed());
    }
    Ok((latencies, created))
}

/// Whether nothing was lost: the sandbox holds exactly the tickets the clients were told were
/// created, `ListCases` lists every one of them, and its counters agree with the calls made
/// (`before`: its request counter when the run started). `Err` says what disagrees.
pub async fn check_nothing_lost(
    sandbox: &Sandbox,
    client: &Client,
    run: &LoadRun,
    before: u64,
) -> Result<(), String> {
    let counters = sandbox.counters();
    let requests = counters.requests - before;
    if requests != run.calls as u64 || counters.auth_failures != 0 {
        return Err(format!("{} calls made, {counters:?}", run.calls));
    }
    if counters.tickets_created != run.created.len() as u64 {
        return Err(format!(
            "{} tickets acknowledged, {counters:?}",
            run.created.len()
        ));
    }
    let mut held = sandbox.case_ids();
    held.sort();
    if held != run.created {
        return Err("the sandbox holds other tickets than those acknowledged".into());
    }
    let mut listed: Vec<String> = client
        .list_cases()
        .limit(100)
        .stream()
        .map_ok(|t| t.incident_id.unwrap_or_default())
        .try_collect()
        .await
        .map_err(|e| e.to_string())?;
    listed.sort();
    if listed != run.created {
        return Err(format!(
            "ListCases lists {} tickets, {} were created",
            listed.len(),
            run.created.len()
        ));
    }
    Ok(())
}
