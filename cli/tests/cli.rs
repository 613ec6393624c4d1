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

const SOURCE_ID: &str = "83aeb0f2834c4df49826c781d32a963e";
const FAULT: &str = "9b1a349c3a2849a391d58c10f9dc55a1";
const ECS: &str = "a51b98a1eb514f7c9c2509c92697ef76";

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

/// Runs a command off the runtime's threads (the sandbox keeps serving), with `stdin` as input.
async fn run(mut command: Command, stdin: &[u8]) -> Output {
    let stdin = stdin.to_vec();
    tokio::task::spawn_blocking(move || {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("osm starts");
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
    // `  list-cases-v1  Query…`, or the name alone with its one-line about on the next line.
    let mut listed: Vec<(String, String)> = Vec::new();
    let mut lines = help
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .peekable();
    while let Some(line) = lines.next() {
        let line = line.trim();
        let (name, about) = match line.split_once(' ') {
            Some((name, about)) => (name, about.trim().to_string()),
            None => (line, lines.next().unwrap_or_default().trim().to_string()),
        };
        listed.push((name.to_string(), about));
    }
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

    // Before the command, --output is the format; after download-accessories, the file.
    let copy = home.path().join("copy.log");
    let downloaded = call(
        &sandbox,
        &home,
        &["--output", "json"],
        &[
            "download-accessories",
            "--accessory-id",
            &id,
            "--output",
            copy.to_str().unwrap(),
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
        &["download-accessories", "--accessory-id", &id, "-o", "-"],
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
    body["business_type_id"] = json!(42);
    body.as_object_mut().unwrap().remove("source_id");
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
    assert_eq!(
        problems,
        [
            "/business_type_id expected string, found integer",
            "/simple_description 1201 characters, at most 1200",
            "/source_id required, missing",
        ]
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
    // The tool's own option after the command: a usage error that says where it goes.
    let mut misplaced = bare(&home);
    misplaced.args(["list-cases", "--output", "table"]);
    let misplaced = run(misplaced, b"").await;
    assert_eq!(status(&misplaced), Some(2));
    let stderr = String::from_utf8_lossy(&misplaced.stderr);
    assert!(
        stderr.contains("hint: --output is an option of osm itself: put it before the command"),
        "{stderr}"
    );

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
    let request = format!("for GET http://127.0.0.1:{port}/v1.0/servicerequest/case/region\n");
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
