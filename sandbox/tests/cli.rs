//! The `osm-sandbox` binary: starts on the given address with the given credentials, prints where
//! it listens once ready, and serves until stopped; refuses oversized bodies without holding
//! them; with `--state FILE`, loses nothing it acknowledged when killed (SIGKILL) and restarted.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use huaweicloud_osm::attachments::{AccessoryFrom, Attachment, Download};
use huaweicloud_osm::auth::signer::{SignableRequest, Signer, UNSIGNED_PAYLOAD};
use huaweicloud_osm::{Client, Credentials, RetryPolicy, types};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const AK: &str = "CLIAK";
const SK: &str = "cli-secret";
const DOMAIN: &str = "cli-domain";

/// The binary, running on a free loopback port; killed (SIGKILL) when dropped.
struct Running {
    child: Child,
    /// `127.0.0.1:port`.
    addr: String,
}

impl Running {
    /// Starts the binary with the test's credentials and `extra` arguments, once it listens.
    fn start(extra: &[&str]) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_osm-sandbox"))
            .args(["--listen", "127.0.0.1:0", "--ak", AK, "--sk", SK])
            .args(["--domain-id", DOMAIN, "--user", "bob", "--password", "pw"])
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        // Keep reading what it prints, so it never writes to a closed pipe.
        std::thread::spawn(move || for _ in stdout.lines() {});
        let addr = first
            .trim()
            .strip_prefix("osm-sandbox listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line `{first}`"))
            .to_string();
        Running { child, addr }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// An AK/SK client, retrying as `policy` says.
    fn client(&self, policy: RetryPolicy) -> Client {
        Client::builder()
            .endpoint(self.url())
            .credentials(Credentials::ak_sk(AK, SK).with_domain_id(DOMAIN))
            .retry_policy(policy)
            .build()
            .unwrap()
    }

    /// A figure of `/proc/<pid>/status` (`VmRSS`, `VmHWM`), in KiB.
    fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status
            .lines()
            .find(|l| l.starts_with(field))
            .unwrap_or_else(|| panic!("no {field} in {status}"));
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    /// SIGKILL, and waits for the process to end.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill();
    }
}

#[tokio::test]
async fn the_binary_serves_with_the_given_credentials() {
    let sandbox = Running::start(&[]);
    let client = sandbox.client(RetryPolicy::default());
    let regions = client.list_regions_v1().send().await;
    let token_client = Client::builder()
        .endpoint(sandbox.url())
        .iam_endpoint(sandbox.url())
        .credentials(Credentials::password("bob", "pw", "sandbox-account"))
        .build()
        .unwrap();
    let by_token = token_client.list_sub_types_v1().send().await;
    assert!(regions.unwrap().total_count.unwrap() > 0);
    assert!(by_token.is_ok(), "{by_token:?}");
}

#[test]
fn bad_arguments_are_refused_with_the_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_osm-sandbox"))
        .args(["--listen", "10.1.2.3:80"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
    let out = Command::new(env!("CARGO_BIN_EXE_osm-sandbox"))
        .arg("--nope")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
}

/// 300 MB, the body sent to the sandbox in every oversized case.
const HUGE: u64 = 300 * 1000 * 1000;

/// Sends `head` (ending with its blank line), then a body of [`HUGE`] bytes (chunked when the head
/// says so), stopping when the sandbox stops reading. Returns the sandbox's status code and the
/// body bytes sent before it stopped.
async fn send_huge(addr: &str, head: String) -> (String, u64) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let chunked = head.contains("Transfer-Encoding: chunked");
    let declared = head.contains("Content-Length");
    let sending = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await.unwrap();
        let chunk = vec![b'7'; 256 * 1024];
        let mut sent = 0u64;
        while sent < HUGE && !declared {
            let written = if chunked {
                let framed =
                    [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
                writer.write_all(&framed).await
            } else {
                writer.write_all(&chunk).await
            };
            if written.is_err() {
                break;
            }
            sent += chunk.len() as u64;
        }
        sent
    });
    let mut answer = Vec::new();
    // The answer, then the sandbox closes the connection (a reset is the same end).
    let read = tokio::time::timeout(Duration::from_secs(120), async {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = reader.read(&mut buf).await {
            answer.extend_from_slice(&buf[..n]);
        }
    });
    read.await
        .expect("the sandbox answers and closes the connection");
    let sent = sending.await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    let status = answer.split(' ').nth(1).unwrap_or_default().to_string();
    (status, sent)
}

/// A request head for `path` with these extra header lines.
fn head(method: &str, path: &str, addr: &str, lines: &[String]) -> String {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n");
    for line in lines {
        head.push_str(line);
        head.push_str("\r\n");
    }
    head + "\r\n"
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_they_are_held() {
    let sandbox = Running::start(&[]);
    let addr = sandbox.addr.clone();
    // Warm up (runtime, spec, first connection), then note the idle resident size.
    let client = sandbox.client(RetryPolicy::default());
    assert!(client.list_regions_v1().send().await.is_ok());
    let idle = sandbox.status_kib("VmRSS:");

    let chunked = "Transfer-Encoding: chunked".to_string();
    let json = "Content-Type: application/json".to_string();
    let date = huaweicloud_osm::auth::signer::sdk_date(SystemTime::now());
    let path = "/v2/servicerequest/cases";
    // Signed over the body's hash: the sandbox must read the body to check the signature.
    let over_hash = format!(
        "Authorization: SDK-HMAC-SHA256 Access={AK}, SignedHeaders=content-type;host;x-sdk-date, \
         Signature={}",
        "0".repeat(64)
    );
    // Signed with UNSIGNED-PAYLOAD: the body streams to the handler.
    let unsigned_payload = {
        let headers: Vec<(String, String)> = [
            ("host", addr.as_str()),
            ("content-type", "application/json"),
            ("x-sdk-date", date.as_str()),
            ("x-sdk-content-sha256", UNSIGNED_PAYLOAD),
            ("x-domain-id", DOMAIN),
        ]
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
        let request = SignableRequest {
            method: "POST",
            path,
            query: &[],
            headers: &headers,
            payload_hash: UNSIGNED_PAYLOAD,
        };
        let signature = Signer::new(AK, SK).sign(&request, &date);
        vec![
            json.clone(),
            format!("X-Sdk-Date: {date}"),
            format!("X-Sdk-Content-Sha256: {UNSIGNED_PAYLOAD}"),
            format!("X-Domain-Id: {DOMAIN}"),
            format!("Authorization: {}", signature.authorization),
            chunked.clone(),
        ]
    };
    let cases = [
        (
            "declared 300 MB",
            head(
                "POST",
                path,
                &addr,
                &[json.clone(), format!("Content-Length: {HUGE}")],
            ),
        ),
        (
            "chunked, signed over the body",
            head(
                "POST",
                path,
                &addr,
                &[
                    json.clone(),
                    format!("X-Sdk-Date: {date}"),
                    over_hash,
                    chunked.clone(),
                ],
            ),
        ),
        (
            "chunked, UNSIGNED-PAYLOAD",
            head("POST", path, &addr, &unsigned_payload),
        ),
        (
            "chunked, unsigned login",
            head(
                "POST",
                "/v3/auth/tokens",
                &addr,
                &[json.clone(), chunked.clone()],
            ),
        ),
    ];
    for (case, head) in cases {
        let (status, sent) = send_huge(&addr, head).await;
        assert_eq!(status, "413", "{case}");
        assert!(sent < HUGE, "{case}: the sandbox read all {sent} bytes");
        let peak = sandbox.status_kib("VmHWM:");
        eprintln!(
            "{case}: 413 after {} MiB sent; peak {} MiB, idle {} MiB",
            sent >> 20,
            peak >> 10,
            idle >> 10
        );
        assert!(
            peak.saturating_sub(idle) <= 32 * 1024,
            "{case}: peak {peak} KiB, idle {idle} KiB"
        );
    }
    // Still serving.
    assert!(client.list_regions_v1().send().await.is_ok());
}

/// What the sandbox acknowledged during the flow.
#[derive(Default)]
struct Acknowledged {
    attachments: Vec<(String, Vec<u8>)>,
    tickets: Vec<String>,
    messages: Vec<(String, String)>,
}

/// Files a v2 ticket with these attachments; its id.
async fn new_ticket(
    client: &Client,
    description: &str,
    attachments: Vec<String>,
) -> huaweicloud_osm::Result<String> {
    let body = types::CreateOrderIncidentV2Req::builder()
        .business_type_id("b6dc3d3bf7ef434fa3f23d79cfc41449")
        .simple_description(description)
        .source_id("83aeb0f2834c4df49826c781d32a963e")
        .accessory_ids(attachments);
    let created = client.create_cases().body(body).send().await?;
    Ok(created.into_inner().incident_id.unwrap_or_default())
}

/// Files tickets, each with an attachment and a message, until a call fails; records each item
/// once the sandbox has acknowledged it.
async fn flow(
    client: Client,
    acked: Arc<Mutex<Acknowledged>>,
    progress: tokio::sync::watch::Sender<usize>,
) {
    for i in 0.. {
        let content = format!("log {i}\n").repeat(100 + i).into_bytes();
        let Ok(uploaded) = client
            .upload_accessory(
                Attachment::from_bytes(format!("log{i}.txt"), content.clone()),
                AccessoryFrom::Incident,
            )
            .await
        else {
            return;
        };
        let id = uploaded.into_inner().accessory_id.unwrap();
        acked
            .lock()
            .unwrap()
            .attachments
            .push((id.clone(), content));
        let Ok(case_id) = new_ticket(&client, &format!("persisted ticket {i}"), vec![id]).await
        else {
            return;
        };
        acked.lock().unwrap().tickets.push(case_id.clone());
        let text = format!("message {i}");
        let message: types::CreateMessageV2Req =
            serde_json::from_value(serde_json::json!({"message": {"content": text}})).unwrap();
        if client
            .create_messages()
            .case_id(case_id.as_str())
            .body(message)
            .send()
            .await
            .is_err()
        {
            return;
        }
        acked.lock().unwrap().messages.push((case_id, text));
        progress.send_modify(|n| *n += 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_state_file_nothing_acknowledged_is_lost_to_sigkill() {
    let dir = std::env::temp_dir().join(format!("osm-sandbox-cli-state-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let state_arg = state.to_str().unwrap();

    let mut first = Running::start(&["--state", state_arg]);
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let (progress, mut rounds) = tokio::sync::watch::channel(0);
    // No retries: once the sandbox is gone, the flow ends at its first failed call.
    let flowing = tokio::spawn(flow(
        first.client(RetryPolicy::disabled()),
        acked.clone(),
        progress,
    ));
    rounds.wait_for(|n| *n >= 5).await.unwrap();
    first.kill(); // SIGKILL, while the flow goes on sending
    flowing.await.unwrap();
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(acked.tickets.len() >= 5);

    let second = Running::start(&["--state", state_arg]);
    let client = second.client(RetryPolicy::default());
    for (id, content) in &acked.attachments {
        let mut copy = Vec::new();
        client
            .download_accessories()
            .accessory_id(id.as_str())
            .send()
            .await
            .unwrap_or_else(|e| panic!("attachment {id}: {e}"))
            .write_to(&mut copy)
            .await
            .unwrap();
        assert_eq!(&copy, content, "attachment {id}");
    }
    for case_id in &acked.tickets {
        let detail = client
            .show_case_detail()
            .case_id(case_id.as_str())
            .send()
            .await;
        let detail = detail
            .unwrap_or_else(|e| panic!("ticket {case_id}: {e}"))
            .into_inner()
            .incident_detail_info
            .unwrap();
        let texts: Vec<_> = detail
            .message_list
            .iter()
            .filter_map(|m| m.content.clone())
            .collect();
        for (_, text) in acked.messages.iter().filter(|(c, _)| c == case_id) {
            assert!(
                texts.contains(text),
                "ticket {case_id}: {text:?} in {texts:?}"
            );
        }
    }
    // Ids go on where they stopped: a new ticket is not one of the old ones.
    let new = new_ticket(&client, "after the restart", Vec::new())
        .await
        .unwrap();
    assert!(!acked.tickets.contains(&new));
    drop(second);
    remove_dir(&dir);
}

fn remove_dir(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}
