//! The `osm` binary, run as a user runs it, against an osm-sandbox started in this process (its
//! credentials in the environment, `--endpoint` its loopback URL) or its own `--sandbox`.
//!
//! Every run starts from an empty environment with `HOME` in a fresh directory, so no profile file,
//! proxy, region or endpoint of the machine applies: a run without `--endpoint`/`--sandbox` has no
//! endpoint at all and sends nothing (see `without_an_endpoint_nothing_is_sent`).

use std::io::Write;
use std::process::{Command, Output, Stdio};

use osm_sandbox::{Exchange, Sandbox};
use serde_json::{Value, json};

/// `osm mcp`, driven as an agent's client drives it (beside this file, not a test binary of its own).
#[path = "cli/mcp.rs"]
mod mcp;

const SOURCE_ID: &str = "83aeb0f2834c4df49826c781d32a963e";
const FAULT: &str = "9b1a349c3a2849a391d58c10f9dc55a1";
const ECS: &str = "a51b98a1eb514f7c9c2509c92697ef76";

/// The `(name, summary)` pairs `osm --help` lists, from every area's section.
fn listed_commands(help: &str) -> Vec<(String, String)> {
    let mut listed: Vec<(String, String)> = Vec::new();
    let sections = help
        .lines()
        .skip_while(|l| !l.starts_with("Usage:"))
        .skip(1)
        .take_while(|l| !l.ends_with("options:"));
    for line in sections {
        if let Some(entry) = line.strip_prefix("  ")
            && !entry.starts_with(' ')
        {
            let (name, about) = entry.split_once(' ').unwrap_or((entry, ""));
            listed.push((name.to_string(), about.trim().to_string()));
        } else if line.starts_with("    ")
            && let Some(last) = listed.last_mut()
        {
            last.1 = format!("{} {}", last.1, line.trim());
        }
    }
    listed
}

/// `osm` with an empty environment (and `HOME` in `home`).
fn bare(home: &tempfile::TempDir) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_osm"));
    command.env_clear().env("HOME", home.path());
    command
}

/// Some AK/SK and account id in the environment, so that only the endpoint is missing.
fn with_keys(command: &mut Command) -> &mut Command {
    command
        .env("HUAWEICLOUD_SDK_AK", "AK")
        .env("HUAWEICLOUD_SDK_SK", "SK")
        .env("HUAWEICLOUD_SDK_DOMAIN_ID", "domain")
}

/// `osm --endpoint <sandbox> [global…] <args…>` with the sandbox's credentials in the environment.
fn osm(sandbox: &Sandbox, home: &tempfile::TempDir, global: &[&str], args: &[&str]) -> Command {
    let c = sandbox.credentials();
    let mut command = bare(home);
    command
        .env("HUAWEICLOUD_SDK_AK", &c.access_key)
        .env("HUAWEICLOUD_SDK_SK", &c.secret_key)
        .env("HUAWEICLOUD_SDK_DOMAIN_ID", &c.domain_id)
        .arg("--endpoint")
        .arg(sandbox.url())
        .args(global)
        .args(args);
    command
}

/// Starts `command` with its three standard streams piped.
fn spawn_piped(command: &mut Command) -> std::process::Child {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("osm starts")
}

/// Runs a command off the runtime's threads (the sandbox keeps serving), with `stdin` as input.
async fn run(mut command: Command, stdin: &[u8]) -> Output {
    let stdin = stdin.to_vec();
    tokio::task::spawn_blocking(move || {
        let mut child = spawn_piped(&mut command);
        child.stdin.take().unwrap().write_all(&stdin).unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

/// `osm …` against the sandbox, with nothing on standard input.
async fn call(
    sandbox: &Sandbox,
    home: &tempfile::TempDir,
    global: &[&str],
    args: &[&str],
) -> Output {
    run(osm(sandbox, home, global, args), b"").await
}

/// A text field of the JSON document a successful command printed.
fn field(output: &Output, name: &str) -> String {
    let document = stdout_json(output);
    match document[name].as_str() {
        Some(value) => value.to_string(),
        None => panic!("no text `{name}` in {document}"),
    }
}

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "osm failed: {}",
        text(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}): {}",
            text(&output.stdout)
        )
    })
}

/// The command failed with exit status `status`, saying `says` on standard error.
fn assert_fails(output: &Output, status: i32, says: &str) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(status), "{stderr}");
    assert!(stderr.contains(says), "{stderr}");
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ticket(description: &str) -> Value {
    json!({
        "source_id": SOURCE_ID,
        "business_type_id": FAULT,
        "product_category_id": ECS,
        "region_id": "ap-southeast-3",
        "severity_id": "124",
        "simple_description": description,
    })
}

async fn create(sandbox: &Sandbox, home: &tempfile::TempDir, description: &str) -> String {
    let body = serde_json::to_vec(&ticket(description)).unwrap();
    let created = run(
        osm(sandbox, home, &[], &["create-cases", "--json-body", "-"]),
        &body,
    )
    .await;
    field(&created, "incident_id")
}

/// A ticket created and then canceled through `osm update-cases --action-id cancel`.
async fn canceled(sandbox: &Sandbox, home: &tempfile::TempDir, description: &str) -> String {
    let id = create(sandbox, home, description).await;
    let cancel = call(
        sandbox,
        home,
        &[],
        &["update-cases", "--case-id", &id, "--action-id", "cancel"],
    )
    .await;
    assert!(cancel.status.success(), "{}", text(&cancel.stderr));
    id
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_of_the_spec_is_a_subcommand_with_its_summary() {
    let spec: Value = serde_yaml::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/osm.yaml"))
            .unwrap(),
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let help = run(
        {
            let mut c = bare(&home);
            c.arg("--help");
            c
        },
        b"",
    )
    .await;
    assert!(help.status.success());
    let help = text(&help.stdout);
    // Grouped by area: `  list-cases-v1   Query…` under a heading per area, a long summary
    // continued on lines indented further.
    let listed = listed_commands(&help);
    assert!(
        help.contains("\nTickets:\n") && help.contains("\nTool commands:\n"),
        "{help}"
    );
    let mut operations = 0;
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item
            .as_object()
            .unwrap()
            .values()
            .filter(|o| o.get("operationId").is_some())
        {
            operations += 1;
            let id = op["operationId"].as_str().unwrap();
            let (name, about) = listed
                .iter()
                .find(|(name, _)| name.replace('-', "") == id.to_lowercase())
                .unwrap_or_else(|| panic!("no subcommand for {id} in `osm --help`"));
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name} is not kebab case"
            );
            assert_eq!(
                about,
                op["summary"].as_str().unwrap().trim(),
                "{name}'s summary"
            );
        }
    }
    assert_eq!(operations, 111);

    // One operation's own help: summary, description, its flags.
    let mut command = bare(&home);
    command.args(["show-case-detail", "--help"]);
    let detail = text(&run(command, b"").await.stdout);
    assert!(detail.starts_with("Query ticket details"), "{detail}");
    assert!(detail.contains("Documentation: <https://"), "{detail}");
    assert!(detail.contains("--case-id <case-id>"), "{detail}");
}

#[tokio::test(flavor = "multi_thread")]
async fn creates_from_a_json_body_and_lists_as_json_jsonl_and_table() {
    let sandbox = Sandbox::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("ticket.json");
    std::fs::write(&file, serde_json::to_vec(&ticket("from a file")).unwrap()).unwrap();
    let from_file = call(
        &sandbox,
        &home,
        &[],
        &["create-cases", "--json-body", file.to_str().unwrap()],
    )
    .await;
    let first = field(&from_file, "incident_id");
    // A field flag given with the file overrides that field.
    let overridden = call(
        &sandbox,
        &home,
        &[],
        &[
            "create-cases",
            "--json-body",
            file.to_str().unwrap(),
            "--simple-description",
            "from a flag",
        ],
    )
    .await;
    let second = field(&overridden, "incident_id");
    let third = create(&sandbox, &home, "from standard input").await;
    assert_eq!(sandbox.case_ids().len(), 3);

    let list = stdout_json(&call(&sandbox, &home, &[], &["list-cases", "--limit", "2"]).await);
    assert_eq!(
        list["incident_info_list"].as_array().unwrap().len(),
        2,
        "{list}"
    );
    assert_eq!(list["total_count"], 3);

    // jsonl: every item of every page, one object a line, through the paginator.
    let lines = call(
        &sandbox,
        &home,
        &["--output", "jsonl"],
        &["list-cases", "--limit", "2"],
    )
    .await;
    assert!(lines.status.success(), "{}", text(&lines.stderr));
    let items: Vec<Value> = text(&lines.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut ids: Vec<&str> = items
        .iter()
        .map(|i| i["incident_id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut expected = vec![first.as_str(), second.as_str(), third.as_str()];
    expected.sort();
    assert_eq!(ids, expected);
    let descriptions: Vec<&str> = items
        .iter()
        .map(|i| i["simple_description"].as_str().unwrap())
        .collect();
    assert!(descriptions.contains(&"from a flag"), "{descriptions:?}");

    let table = call(&sandbox, &home, &["-o", "table"], &["list-cases"]).await;
    let table = text(&table.stdout);
    let mut rows = table.lines();
    let header: Vec<&str> = rows.next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["INCIDENT_ID", "STATUS", "SIMPLE_DESCRIPTION", "CREATE_TIME"]
    );
    let row = rows
        .find(|r| r.starts_with(&third))
        .expect("the ticket's row");
    assert!(row.contains("pending acceptance"), "status by name: {row}");
    assert!(row.contains("from standard input"), "{row}");

    // A v1.0 list answers in camel case: the columns are found all the same.
    let regions = call(&sandbox, &home, &["-o", "table"], &["list-regions-v1"]).await;
    let regions = text(&regions.stdout);
    let mut rows = regions.lines();
    let header: Vec<&str> = rows.next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["REGION_ID", "REGION_NAME"]);
    assert!(
        rows.any(|r| r.starts_with("cn-north-4 ") && r.contains("CN North-Beijing4")),
        "{regions}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn uploads_and_downloads_a_file_byte_for_byte() {
    let sandbox = Sandbox::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let original: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let path = home.path().join("boot.log");
    std::fs::write(&path, &original).unwrap();
    let uploaded = call(
        &sandbox,
        &home,
        &[],
        &[
            "upload-accessory",
            "--file",
            path.to_str().unwrap(),
            "--accessory-from",
            "incident",
        ],
    )
    .await;
    let id = field(&uploaded, "accessory_id");

    // --output is the format anywhere on the line; the download's file is --output-file.
    let copy = home.path().join("copy.log");
    let downloaded = call(
        &sandbox,
        &home,
        &[],
        &[
            "download-accessories",
            "--accessory-id",
            &id,
            "--output-file",
            copy.to_str().unwrap(),
            "--output",
            "json",
        ],
    )
    .await;
    let summary = stdout_json(&downloaded);
    assert_eq!(summary["bytes"], original.len());
    assert_eq!(std::fs::read(&copy).unwrap(), original);

    let to_stdout = call(
        &sandbox,
        &home,
        &[],
        &[
            "download-accessories",
            "--accessory-id",
            &id,
            "--output-file",
            "-",
        ],
    )
    .await;
    assert!(to_stdout.status.success(), "{}", text(&to_stdout.stderr));
    assert_eq!(to_stdout.stdout, original);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_ticket_is_a_service_error_with_code_and_request_id() {
    let sandbox = Sandbox::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let args = ["show-case-detail", "--case-id", "CS20990101000000"];
    let plain = call(&sandbox, &home, &[], &args).await;
    assert_eq!(plain.status.code(), Some(1));
    assert!(plain.stdout.is_empty());
    let line = text(&plain.stderr);
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.starts_with("error: OSM."), "{line}");
    assert!(line.contains("request id"), "{line}");

    let as_json = call(&sandbox, &home, &["--output", "json"], &args).await;
    assert_eq!(as_json.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&as_json.stderr).unwrap();
    assert_eq!(error["error"]["kind"], "service");
    assert!(
        error["error"]["code"].as_str().unwrap().starts_with("OSM."),
        "{error}"
    );
    assert!(
        !error["error"]["request_id"].as_str().unwrap().is_empty(),
        "{error}"
    );
    assert!(
        !error["error"]["message"].as_str().unwrap().is_empty(),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_body_is_rejected_by_its_schema_before_anything_is_sent() {
    let sandbox = Sandbox::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut body = ticket(&"x".repeat(1201));
    body["product_category_id"] = json!(42);
    body["remind_mial"] = json!("ops@example.com");
    body.as_object_mut().unwrap().remove("business_type_id");
    let before = sandbox.counters().requests;
    let rejected = run(
        osm(
            &sandbox,
            &home,
            &["--output", "json"],
            &["create-cases", "--json-body", "-"],
        ),
        &serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(
        rejected.status.code(),
        Some(2),
        "{}",
        text(&rejected.stderr)
    );
    assert_eq!(sandbox.counters().requests, before, "nothing was sent");
    let error: Value = serde_json::from_slice(&rejected.stderr).unwrap();
    let mut problems: Vec<String> = error["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p["pointer"].as_str().unwrap(),
                p["message"].as_str().unwrap()
            )
        })
        .collect();
    problems.sort();
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert_eq!(problems[0], "/business_type_id required, missing");
    assert_eq!(
        problems[1],
        "/product_category_id expected string or null, found integer"
    );
    assert!(
        problems[2].starts_with("/remind_mial unknown field (did you mean `remind_mail`?)"),
        "{problems:?}"
    );
    assert_eq!(
        problems[3],
        "/simple_description 1201 characters, at most 1200"
    );

    // Not JSON at all: the same refusal, in text.
    let garbage = run(
        osm(&sandbox, &home, &[], &["create-cases", "--json-body", "-"]),
        b"{",
    )
    .await;
    assert_fails(&garbage, 2, "not JSON");
    assert_eq!(sandbox.counters().requests, before, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn body_schema_prints_the_json_schema_with_the_documented_limits() {
    let home = tempfile::tempdir().unwrap();
    // No credentials and no endpoint: printing a schema needs neither.
    let mut command = bare(&home);
    command.args(["create-cases", "--body-schema"]);
    let schema = stdout_json(&run(command, b"").await);
    assert_eq!(schema["type"], "object");
    assert_eq!(
        schema["properties"]["simple_description"]["maxLength"],
        1200
    );
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(required.contains(&"source_id"), "{required:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_statuses_tell_usage_transport_and_configuration_apart() {
    let home = tempfile::tempdir().unwrap();
    let status = |output: &Output| output.status.code();

    let mut unknown = bare(&home);
    unknown.args(["list-cases", "--no-such-flag"]);
    assert_eq!(status(&run(unknown, b"").await), Some(2));
    let mut bad_format = bare(&home);
    bad_format.args(["--output", "yaml", "list-cases"]);
    assert_eq!(status(&run(bad_format, b"").await), Some(2));
    // The tool's own options go after the command too, and are checked there as well.
    let mut misplaced = bare(&home);
    misplaced.args(["list-cases", "--output", "yaml"]);
    let misplaced = run(misplaced, b"").await;
    assert_eq!(status(&misplaced), Some(2));
    let stderr = String::from_utf8_lossy(&misplaced.stderr);
    assert!(stderr.contains("`yaml` is not a format"), "{stderr}");

    // A closed loopback port: no answer at all.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // (A read is retried for the budget, 20 s by default; `--retry-budget 0` gives one attempt.)
    let mut refused = bare(&home);
    with_keys(&mut refused).args([
        "--endpoint",
        &format!("http://127.0.0.1:{port}"),
        "--retry-budget",
        "0",
        "list-regions-v1",
    ]);
    // One line that names the cause and the request, once.
    let refused = run(refused, b"").await;
    assert_fails(&refused, 3, "error: transport error: connection refused");
    let stderr = text(&refused.stderr);
    let request =
        format!("for GET http://127.0.0.1:{port}/v1.0/servicerequest/case/region (OSM call)\n");
    assert!(stderr.ends_with(&request), "{stderr}");
    assert_eq!(stderr.matches("onnection refused").count(), 1, "{stderr}");
    let mut bad_budget = bare(&home);
    bad_budget.args(["--retry-budget", "soon", "list-regions-v1"]);
    let bad_budget = run(bad_budget, b"").await;
    assert_eq!(status(&bad_budget), Some(2));
    assert!(
        String::from_utf8_lossy(&bad_budget.stderr).contains("`soon` is not a number of seconds")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_an_endpoint_nothing_is_sent() {
    let home = tempfile::tempdir().unwrap();
    let mut command = bare(&home);
    with_keys(&mut command).args(["list-cases"]);
    assert_fails(&run(command, b"").await, 4, "no endpoint");
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_flag_runs_against_an_in_process_sandbox() {
    let home = tempfile::tempdir().unwrap();
    let mut command = bare(&home);
    command.args(["--sandbox", "--language", "en-us", "list-regions-v1"]);
    let regions = stdout_json(&run(command, b"").await);
    assert!(
        !regions["regionList"].as_array().unwrap().is_empty(),
        "{regions}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn completions_cover_every_subcommand() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let mut command = bare(&home);
        command.args(["completions", shell]);
        let output = run(command, b"").await;
        assert!(output.status.success());
        let script = text(&output.stdout);
        for name in [
            "list-cases",
            "upload-accessory",
            "download-accessories",
            "json-body",
        ] {
            assert!(script.contains(name), "{shell} completions lack {name}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn list_cases_works_with_only_the_variables_of_a_token_exchange() {
    for exchange in Exchange::ALL {
        let sandbox = Sandbox::start().await.unwrap();
        let home = tempfile::tempdir().unwrap();
        let filed = create(&sandbox, &home, "filed with AK/SK").await;
        // No AK/SK this time: only the OIDC, federated or pod identity variables.
        let mut command = bare(&home);
        command
            .envs(sandbox.credential_variables(exchange, home.path()).unwrap())
            .args(["--endpoint", &sandbox.url(), "list-cases"]);
        let listed = stdout_json(&run(command, b"").await);
        assert_eq!(listed["total_count"], 1, "{exchange:?}: {listed}");
        assert_eq!(
            listed["incident_info_list"][0]["incident_id"],
            filed.as_str()
        );
        let c = sandbox.counters();
        let exchanges = match exchange {
            Exchange::OidcSts => c.oidc_exchanges,
            Exchange::Federated => c.federation_keys,
            Exchange::PodIdentity => c.pod_identity_exchanges,
        };
        assert_eq!(exchanges, 1, "{exchange:?}: {c:?}");
        assert_eq!(c.auth_failures, 0, "{exchange:?}");
    }
}

// ---- Issue #23: habits of aws, gh and KooCLI users ----

/// A closed loopback port (bound, then released).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn stdout_lines(output: &Output) -> Vec<Value> {
    assert!(
        output.status.success(),
        "osm failed: {}",
        text(&output.stderr)
    );
    text(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_connection_is_reported_within_5_s_with_its_url_and_retries_announced() {
    let home = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}", closed_port());
    let mut refused = bare(&home);
    with_keys(&mut refused).args(["list-regions-v1", "--endpoint", &url]);
    let started = std::time::Instant::now();
    let refused = run(refused, b"").await;
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(5), "took {took:?}");
    let stderr = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(3), "{stderr}");
    let last = stderr.lines().last().unwrap();
    assert!(last.starts_with("error: transport error: "), "{stderr}");
    assert!(
        last.contains(&format!("for GET {url}/v1.0/")),
        "the URL: {stderr}"
    );
    assert!(last.contains("(OSM call)"), "the phase: {stderr}");
    assert_eq!(last.matches("error sending request").count(), 0, "{stderr}");
    // Each retry is announced as it happens.
    let announced = stderr.lines().filter(|l| l.contains("retrying in")).count();
    assert!(announced >= 1, "{stderr}");
    assert!(stderr.contains("could not connect"), "{stderr}");
    // --retry-budget still raises (or lowers) it: 0 is one attempt, no retry announced.
    let mut once = bare(&home);
    with_keys(&mut once).args(["--retry-budget", "0", "--endpoint", &url, "list-regions-v1"]);
    let once = run(once, b"").await;
    assert_fails(&once, 3, &url);
    assert!(!text(&once.stderr).contains("retrying in"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_account_lookup_is_a_configuration_error_naming_iam_and_the_variable() {
    let home = tempfile::tempdir().unwrap();
    let iam = format!("http://127.0.0.1:{}", closed_port());
    let mut command = bare(&home);
    command
        .env("HUAWEICLOUD_SDK_AK", "AK")
        .env("HUAWEICLOUD_SDK_SK", "SK")
        .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", &iam)
        .args([
            "--retry-budget",
            "0",
            "--endpoint",
            "http://127.0.0.1:9",
            "list-cases",
        ]);
    let output = run(command, b"").await;
    assert_fails(&output, 4, "IAM account lookup");
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!("GET {iam}/v3/auth/domains")),
        "{stderr}"
    );
    assert!(stderr.contains("HUAWEICLOUD_SDK_DOMAIN_ID"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn configuration_and_file_errors_speak_in_flags_and_name_the_file() {
    let home = tempfile::tempdir().unwrap();
    let mut command = bare(&home);
    with_keys(&mut command).args(["list-cases"]);
    let output = run(command, b"").await;
    assert_fails(&output, 4, "--endpoint URL or --region REGION");
    assert!(!text(&output.stderr).contains(".endpoint("));

    let sandbox = Sandbox::start().await.unwrap();
    let missing = home.path().join("missing.log");
    let args = [
        "upload-accessory",
        "--accessory-from",
        "incident",
        "--file",
        missing.to_str().unwrap(),
    ];
    let upload = call(&sandbox, &home, &[], &args).await;
    assert_fails(
        &upload,
        4,
        &format!("cannot read --file {}: no such file", missing.display()),
    );
    assert_eq!(text(&upload.stderr).matches("os error 2").count(), 0);
    let body = call(
        &sandbox,
        &home,
        &[],
        &["create-cases", "--json-body", missing.to_str().unwrap()],
    )
    .await;
    assert_fails(
        &body,
        4,
        &format!("cannot read --json-body {}", missing.display()),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tool_options_go_anywhere_on_the_line() {
    let sandbox = Sandbox::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    create(&sandbox, &home, "anywhere").await;
    for args in [
        &["list-cases", "-o", "jsonl"][..],
        &["list-cases", "--output", "jsonl"],
        &["--output", "jsonl", "list-cases"],
    ] {
        let lines = stdout_lines(&call(&sandbox, &home, &[], args).await);
        assert_eq!(lines.len(), 1, "{args:?}");
    }
    // --endpoint after the command too.
    let c = sandbox.credentials();
    let mut after = bare(&home);
    after
        .env("HUAWEICLOUD_SDK_AK", &c.access_key)
        .env("HUAWEICLOUD_SDK_SK", &c.secret_key)
        .env("HUAWEICLOUD_SDK_DOMAIN_ID", &c.domain_id)
        .args(["list-cases", "--endpoint", &sandbox.url(), "-o", "table"]);
    let table = run(after, b"").await;
    assert!(
        text(&table.stdout).contains("anywhere"),
        "{}",
        text(&table.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn value_sets_take_names_and_codes_and_refuse_the_rest_locally() {
    let sandbox = Sandbox::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let id = create(&sandbox, &home, "to cancel").await;
    create(&sandbox, &home, "stays open").await;
    let cancel = call(
        &sandbox,
        &home,
        &[],
        &["update-cases", "--case-id", &id, "--action-id", "cancel"],
    )
    .await;
    assert!(cancel.status.success(), "{}", text(&cancel.stderr));
    assert_eq!(
        text(&cancel.stdout).trim(),
        format!("done: cancel sent for ticket {id}")
    );
    for status in ["canceled", "4", "CANCELED"] {
        let list =
            stdout_json(&call(&sandbox, &home, &[], &["list-cases", "--status", status]).await);
        let ids: Vec<&str> = list["incident_info_list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["incident_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [id.as_str()], "--status {status}");
    }
    let before = sandbox.counters().requests;
    let urge = call(
        &sandbox,
        &home,
        &[],
        &["update-cases", "--case-id", &id, "--action-id", "urge"],
    )
    .await;
    assert_fails(&urge, 2, "give one of cancel, close, press, delete");
    let closed = call(&sandbox, &home, &[], &["list-cases", "--status", "closed"]).await;
    assert_fails(&closed, 2, "completed (3)");
    assert_eq!(sandbox.counters().requests, before, "nothing was sent");
    // The names are in the flag's help and completions.
    let mut help = bare(&home);
    help.args(["update-cases", "--help"]);
    let help = text(&run(help, b"").await.stdout);
    assert!(help.contains("press"), "{help}");
}

#[tokio::test(flavor = "multi_thread")]
async fn paged_lists_say_when_more_follow_and_walk_with_all_or_max_items() {
    let sandbox = Sandbox::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    for n in 0..5 {
        create(&sandbox, &home, &format!("ticket {n}")).await;
    }
    let page = call(&sandbox, &home, &[], &["list-cases", "--limit", "2"]).await;
    assert_eq!(
        stdout_json(&page)["incident_info_list"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(
        text(&page.stderr).contains("showing 2 items (1-2 of 5); --all"),
        "{}",
        text(&page.stderr)
    );
    let all = call(
        &sandbox,
        &home,
        &[],
        &["list-cases", "--limit", "2", "--all"],
    )
    .await;
    assert_eq!(
        stdout_json(&all)["incident_info_list"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert!(all.stderr.is_empty(), "{}", text(&all.stderr));
    let some = call(
        &sandbox,
        &home,
        &["--max-items", "3"],
        &["list-cases", "--limit", "2"],
    )
    .await;
    assert_eq!(
        stdout_json(&some)["incident_info_list"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let lines = call(
        &sandbox,
        &home,
        &["-o", "jsonl", "--max-items", "4"],
        &["list-cases", "--limit", "2"],
    )
    .await;
    assert_eq!(stdout_lines(&lines).len(), 4);
    let table = call(
        &sandbox,
        &home,
        &["-o", "table", "--all"],
        &["list-cases", "--limit", "2"],
    )
    .await;
    assert_eq!(
        text(&table.stdout).lines().count(),
        6,
        "{}",
        text(&table.stdout)
    );
    // The last page is not followed by a note.
    let last = call(
        &sandbox,
        &home,
        &[],
        &["list-cases", "--limit", "2", "--offset", "4"],
    )
    .await;
    assert!(last.stderr.is_empty(), "{}", text(&last.stderr));
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_shows_the_request_and_sends_nothing_and_debug_shows_both_sides() {
    let sandbox = Sandbox::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let secret = sandbox.credentials().secret_key.clone();
    let before = sandbox.counters().requests;
    let body = serde_json::to_vec(&ticket("dry")).unwrap();
    let dry = run(
        osm(
            &sandbox,
            &home,
            &["--dry-run"],
            &["create-cases", "--json-body", "-"],
        ),
        &body,
    )
    .await;
    let stderr = text(&dry.stderr);
    assert_eq!(dry.status.code(), Some(0), "{stderr}");
    assert_eq!(sandbox.counters().requests, before, "nothing was sent");
    assert!(
        stderr.contains(&format!("POST {}/v2/servicerequest/cases", sandbox.url())),
        "{stderr}"
    );
    assert!(stderr.contains("Signature=<redacted>"), "{stderr}");
    assert!(
        stderr.contains("\"simple_description\":\"dry\""),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert!(!stderr.contains(&secret));
    assert!(sandbox.case_ids().is_empty());

    let debug = call(&sandbox, &home, &["--debug"], &["list-regions-v1"]).await;
    let stderr = text(&debug.stderr);
    assert!(
        !stdout_json(&debug)["regionList"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        stderr.contains(&format!("GET {}/v1.0/", sandbox.url())),
        "{stderr}"
    );
    assert!(
        stderr.contains("debug: answer") && stderr.contains("HTTP/1.1 200"),
        "{stderr}"
    );
    assert!(stderr.contains("Signature=<redacted>"), "{stderr}");
    assert!(!stderr.contains(&secret));
}

#[tokio::test(flavor = "multi_thread")]
async fn configure_writes_a_profile_that_profile_reads_and_query_shapes_the_answer() {
    let sandbox = Sandbox::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let c = sandbox.credentials();
    // AK, SK, account id, security token, region, endpoint, language.
    let answers = format!(
        "{}\n{}\n{}\n\n\n{}\nen-us\n",
        c.access_key,
        c.secret_key,
        c.domain_id,
        sandbox.url()
    );
    let mut configure = bare(&home);
    configure.args(["configure", "--profile", "prod"]);
    let configured = run(configure, answers.as_bytes()).await;
    assert!(configured.status.success(), "{}", text(&configured.stderr));
    assert!(!text(&configured.stderr).contains(&c.secret_key));
    let credentials = home.path().join(".huaweicloud/credentials");
    let written = std::fs::read_to_string(&credentials).unwrap();
    assert!(written.contains("[prod]") && written.contains(&format!("ak = {}", c.access_key)));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&credentials)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let config = std::fs::read_to_string(home.path().join(".huaweicloud/config")).unwrap();
    assert!(config.contains("[prod]") && config.contains(&format!("endpoint = {}", sandbox.url())));

    // Nothing in the environment: the profile has the keys, account and endpoint.
    let mut listed = bare(&home);
    listed.args([
        "--profile",
        "prod",
        "list-regions-v1",
        "--query",
        "regionList[0].regionId",
    ]);
    let first = stdout_json(&run(listed, b"").await);
    assert!(first.is_string(), "{first}");

    let mut unknown = bare(&home);
    unknown.args(["list-cases", "--profile", "staging"]);
    let unknown = run(unknown, b"").await;
    assert_fails(&unknown, 4, "profile `staging` is not in");
    assert!(text(&unknown.stderr).contains("profiles: prod"));

    let mut bad = bare(&home);
    bad.args(["--profile", "prod", "list-cases", "--query", "[["]);
    assert_fails(
        &run(bad, b"").await,
        2,
        "--query is not a JMESPath expression",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn everyday_bodies_take_flags_and_empty_answers_say_what_was_done() {
    let sandbox = Sandbox::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    // No JSON at all: the body's fields as flags, --source-id defaulted.
    let created = call(
        &sandbox,
        &home,
        &[],
        &[
            "create-cases",
            "--business-type-id",
            FAULT,
            "--product-category-id",
            ECS,
            "--region-id",
            "ap-southeast-3",
            "--severity-id",
            "124",
            "--simple-description",
            "from flags",
        ],
    )
    .await;
    let id = field(&created, "incident_id");
    let posted = call(
        &sandbox,
        &home,
        &[],
        &[
            "create-messages",
            "--case-id",
            &id,
            "--content",
            "Any news?",
        ],
    )
    .await;
    assert!(posted.status.success(), "{}", text(&posted.stderr));
    assert_eq!(
        text(&posted.stdout).trim(),
        format!("done: message posted to ticket {id}")
    );
    let messages =
        stdout_json(&call(&sandbox, &home, &[], &["list-messages", "--case-id", &id]).await);
    assert!(messages.to_string().contains("Any news?"), "{messages}");
    // With -o json, the empty answer is printed as it is, for scripts.
    let urged = call(
        &sandbox,
        &home,
        &["-o", "json"],
        &["update-cases", "--case-id", &id, "--action-id", "press"],
    )
    .await;
    assert_eq!(stdout_json(&urged), json!({}));
}

#[tokio::test(flavor = "multi_thread")]
async fn tables_have_per_operation_columns_and_fit_the_width_with_wide_characters() {
    let sandbox = Sandbox::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let id = create(&sandbox, &home, "云服务器无法启动，请尽快处理这个问题").await;
    create(&sandbox, &home, "ascii only").await;
    let counts = call(&sandbox, &home, &["-o", "table"], &["list-case-counts"]).await;
    let counts = text(&counts.stdout);
    assert_eq!(
        counts
            .lines()
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["STATUS", "COUNT"],
        "{counts}"
    );
    assert!(
        counts
            .lines()
            .any(|l| l.starts_with("pending acceptance") && l.trim_end().ends_with('2')),
        "{counts}"
    );

    let table = call(&sandbox, &home, &["-o", "table"], &["list-cases"]).await;
    let table = text(&table.stdout);
    let width = |s: &str| unicode_width(s);
    let header = table.lines().next().unwrap();
    let created_at = width(&header[..header.find("CREATE_TIME").unwrap()]);
    let row = table.lines().find(|l| l.starts_with(&id)).unwrap();
    // The last column starts after the last gap of two spaces.
    let cut = row.trim_end().rfind("  ").unwrap() + 2;
    assert_eq!(
        width(&row[..cut]),
        created_at,
        "aligned by display width:\n{table}"
    );

    let mut narrow = osm(&sandbox, &home, &["-o", "table"], &["list-cases"]);
    narrow.env("COLUMNS", "50");
    let narrow = text(&run(narrow, b"").await.stdout);
    assert!(narrow.lines().all(|l| width(l) <= 50), "{narrow}");
    assert!(
        narrow.lines().any(|l| l.starts_with(&format!("{id} "))),
        "ids whole:\n{narrow}"
    );
    assert_eq!(narrow.lines().count(), 3, "one line a row:\n{narrow}");
}

/// Display width: East Asian wide characters take two columns.
fn unicode_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let wide = [
                '\u{1100}'..='\u{115f}',
                '\u{2e80}'..='\u{a4cf}',
                '\u{ac00}'..='\u{d7a3}',
                '\u{f900}'..='\u{faff}',
                '\u{fe30}'..='\u{fe4f}',
                '\u{ff00}'..='\u{ff60}',
                '\u{ffe0}'..='\u{ffe6}',
            ];
            if wide.iter().any(|r| r.contains(&c)) {
                2
            } else {
                1
            }
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn help_is_grouped_by_area_and_wrapped_to_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let mut help = bare(&home);
    help.env("COLUMNS", "72").arg("--help");
    let help = text(&run(help, b"").await.stdout);
    let listed = listed_commands(&help);
    assert!(listed.iter().any(|(n, _)| n == "wait") && listed.iter().any(|(n, _)| n == "api"));
    let tickets = help
        .split("\nTickets:\n")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap();
    assert!(
        tickets.contains("  list-cases ") && !tickets.contains("list-messages"),
        "{tickets}"
    );
    for heading in [
        "Connection options:",
        "Output options:",
        "Inspection and safety options:",
    ] {
        assert!(help.contains(heading), "{heading}");
    }
    assert!(help.lines().all(|l| unicode_width(l) <= 72), "{help}");

    // A command's own help: its description for users, without the spec maintainers' notes.
    let mut list = bare(&home);
    list.env("COLUMNS", "72").args(["list-cases", "--help"]);
    let list = text(&run(list, b"").await.stdout);
    assert!(list.contains("Lists the caller's tickets"), "{list}");
    assert!(!list.contains("Go and Python SDKs"), "{list}");
    assert!(list.lines().all(|l| unicode_width(l) <= 72), "{list}");
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_body_fields_are_refused_unless_allowed_and_empty_lists_keep_their_keys() {
    let sandbox = Sandbox::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let empty = stdout_json(&call(&sandbox, &home, &[], &["list-cases"]).await);
    assert_eq!(empty["incident_info_list"], json!([]), "{empty}");

    let mut body = ticket("with a typo");
    body["remind_mial"] = json!("ops@example.com");
    let body = serde_json::to_vec(&body).unwrap();
    let refused = run(
        osm(&sandbox, &home, &[], &["create-cases", "--json-body", "-"]),
        &body,
    )
    .await;
    assert_fails(
        &refused,
        2,
        "/remind_mial: unknown field (did you mean `remind_mail`?)",
    );
    assert!(sandbox.case_ids().is_empty());
    let allowed = run(
        osm(
            &sandbox,
            &home,
            &["--allow-unknown-fields"],
            &["create-cases", "--json-body", "-"],
        ),
        &body,
    )
    .await;
    assert!(!field(&allowed, "incident_id").is_empty());
    assert!(text(&allowed.stderr).contains("sending the unknown field /remind_mial"));
    assert_eq!(sandbox.case_ids().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_pipe_ends_quietly_with_status_0() {
    let home = tempfile::tempdir().unwrap();
    for args in ["completions bash", "--help"] {
        let mut shell = Command::new("/bin/bash");
        shell.env_clear().env("HOME", home.path()).args([
            "-c",
            &format!("set -o pipefail; \"$0\" {args} | head -c 10 >/dev/null"),
            env!("CARGO_BIN_EXE_osm"),
        ]);
        let output = run(shell, b"").await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args}: {}",
            text(&output.stderr)
        );
        assert!(!text(&output.stderr).contains("panicked"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn api_calls_any_path_signed_and_decoded() {
    let sandbox = Sandbox::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let body = home.path().join("ticket.json");
    std::fs::write(&body, serde_json::to_vec(&ticket("raw")).unwrap()).unwrap();
    let created = call(
        &sandbox,
        &home,
        &[],
        &[
            "api",
            "POST",
            "/v2/servicerequest/cases",
            "--json-body",
            body.to_str().unwrap(),
        ],
    )
    .await;
    let id = field(&created, "incident_id");
    let listed = call(
        &sandbox,
        &home,
        &[],
        &[
            "api",
            "get",
            "/v2/servicerequest/cases",
            "--query",
            "limit=1",
        ],
    )
    .await;
    assert_eq!(
        stdout_json(&listed)["incident_info_list"][0]["incident_id"],
        json!(id)
    );
    let missing = call(
        &sandbox,
        &home,
        &[],
        &["api", "GET", "/v2/servicerequest/cases/CS20990101000000"],
    )
    .await;
    assert_fails(&missing, 1, "error: OSM.");
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_returns_when_the_ticket_gets_there_and_fails_after_its_timeout() {
    let sandbox = Sandbox::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let id = canceled(&sandbox, &home, "to wait on").await;
    let closed = call(
        &sandbox,
        &home,
        &[],
        &[
            "wait",
            "case-status",
            &id,
            "--until",
            "closed",
            "--timeout",
            "5s",
        ],
    )
    .await;
    assert_eq!(stdout_json(&closed)["status_name"], "canceled");
    let open = create(&sandbox, &home, "stays open").await;
    let late = call(
        &sandbox,
        &home,
        &[],
        &[
            "wait",
            "case-status",
            &open,
            "--until",
            "completed",
            "--timeout",
            "1s",
        ],
    )
    .await;
    assert_fails(&late, 1, "timed out");

    // A message posted while osm waits: it is printed.
    let before = sandbox.counters().requests;
    let mut waiting = osm(
        &sandbox,
        &home,
        &[],
        &["wait", "new-message", &open, "--timeout", "30s"],
    );
    let child = waiting
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once osm has read the messages already there (its second request has come), an engineer
    // answers.
    while sandbox.counters().requests < before + 2 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    sandbox
        .reply_as_engineer(
            &open,
            "Rebooted it for you",
            huaweicloud_osm::values::CaseStatus::PROCESSING,
        )
        .unwrap();
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(stdout_json(&output)["content"], "Rebooted it for you");
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_asks_on_a_terminal_and_never_without_one() {
    let sandbox = Sandbox::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let id = canceled(&sandbox, &home, "to delete").await;
    // On a terminal (script(1) gives it one), "n" keeps the ticket and sends nothing.
    let c = sandbox.credentials();
    let line = format!(
        "{} --endpoint {} update-cases --case-id {id} --action-id delete",
        env!("CARGO_BIN_EXE_osm"),
        sandbox.url()
    );
    let mut asked = Command::new("/usr/bin/script");
    asked
        .env_clear()
        .env("HOME", home.path())
        .env("HUAWEICLOUD_SDK_AK", &c.access_key)
        .env("HUAWEICLOUD_SDK_SK", &c.secret_key)
        .env("HUAWEICLOUD_SDK_DOMAIN_ID", &c.domain_id)
        .args(["-qec", &line, "/dev/null"]);
    let before = sandbox.counters().requests;
    let refused = run(asked, b"n\n").await;
    let screen = text(&refused.stdout);
    assert!(screen.contains("this deletes; go on? [y/N]"), "{screen}");
    assert!(screen.contains("not confirmed"), "{screen}");
    assert_eq!(sandbox.counters().requests, before, "nothing was sent");
    // Without a terminal: no question, the delete goes through.
    let deleted = call(
        &sandbox,
        &home,
        &[],
        &["update-cases", "--case-id", &id, "--action-id", "delete"],
    )
    .await;
    assert!(deleted.status.success(), "{}", text(&deleted.stderr));
    assert!(!text(&deleted.stderr).contains("go on?"));
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_shows_https_exchanges_whole_with_secrets_redacted() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::rustls;

    let home = tempfile::tempdir().unwrap();
    // A loopback HTTPS server with a certificate for `localhost`, trusted through SSL_CERT_FILE.
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let roots = home.path().join("roots.pem");
    std::fs::write(&roots, made.cert.pem()).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::try_from(made.signing_key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![made.cert.der().clone()], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let heads = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let Ok(mut tls) = acceptor.accept(stream).await else {
                continue;
            };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && tls.read(&mut byte).await.unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            heads
                .lock()
                .unwrap()
                .push(String::from_utf8_lossy(&head).into_owned());
            let answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 17\r\nconnection: close\r\n\r\n{\"regionList\":[]}";
            let _ = tls.write_all(answer).await;
            let _ = tls.shutdown().await;
        }
    });
    let secret = "s3cr3t-k3y-never-shown";
    let mut command = bare(&home);
    command
        .env("HUAWEICLOUD_SDK_AK", "AK")
        .env("HUAWEICLOUD_SDK_SK", secret)
        .env("HUAWEICLOUD_SDK_DOMAIN_ID", "domain")
        .env("SSL_CERT_FILE", &roots)
        .args([
            "list-regions-v1",
            "--debug",
            "--endpoint",
            &format!("https://localhost:{port}"),
        ]);
    let output = run(command, b"").await;
    let stderr = text(&output.stderr);
    assert_eq!(
        stdout_json(&output),
        json!({ "regionList": [] }),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("GET https://localhost:{port}/v1.0/")),
        "{stderr}"
    );
    assert!(
        stderr.contains("debug: answer") && stderr.contains("HTTP/1.1 200 OK"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Signature=<redacted>") && !stderr.contains(secret),
        "{stderr}"
    );
    // The server got the request as the SDK signed it.
    let heads = seen.lock().unwrap();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0]
            .to_ascii_lowercase()
            .contains("authorization: sdk-hmac-sha256 access=ak"),
        "{heads:?}"
    );
}
