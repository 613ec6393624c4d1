//! `--dry-run` and `--debug`: the SDK's requests go through a small HTTP/1.1 server on loopback,
//! started in this process, that prints them (and, with `--debug`, the answers) on standard error
//! with every secret redacted.
//!
//! * `--dry-run`: the client's endpoint is that server, which prints each request with the URL it
//!   would have gone to and answers it with a refusal, so nothing leaves the machine; the command
//!   then ends with status 0. Without an account id, a placeholder stands in for the IAM lookup.
//! * `--debug`: that server is the client's HTTP proxy and forwards each request, printing it and
//!   its answer. For HTTPS the client's `CONNECT` tunnel ends in that server: it presents a
//!   certificate made at start-up for the endpoint's (and IAM's) host, which this client alone
//!   trusts (`add_root_certificate`; its key never leaves the process), reads the request, and
//!   sends it on over a TLS connection of its own, verified against the platform's roots. The
//!   forwarded legs do not go through `HTTPS_PROXY`. The SDK has no hook to observe the exchanges
//!   it makes; one would make this interception unnecessary.

use std::sync::atomic::{AtomicUsize, Ordering};

use std::sync::Arc;

use huaweicloud_osm::ClientBuilder;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls;
use tokio_rustls::{TlsAcceptor, TlsConnector};

use crate::options::{self, Options};

/// Requests printed by `--dry-run`.
static CAPTURED: AtomicUsize = AtomicUsize::new(0);

/// How many requests `--dry-run` printed (and did not send).
pub fn captured() -> usize {
    CAPTURED.load(Ordering::Relaxed)
}

/// The largest body printed, in bytes.
const MAX_SHOWN: usize = 64 * 1024;

/// Points the client at the interceptor when `--dry-run` or `--debug` asks for one.
pub async fn configure(builder: ClientBuilder, options: &Options) -> anyhow::Result<ClientBuilder> {
    if !options.dry_run && !options.debug {
        return Ok(builder);
    }
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let local = format!("http://{}", listener.local_addr()?);
    let dry_run = options.dry_run;
    let tls = if dry_run { None } else { Tls::for_target()? };
    let root = tls.as_ref().map(|t| t.certificate_pem.clone());
    let tls = tls.map(Arc::new);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tls = tls.clone();
            tokio::spawn(async move {
                let _ = if dry_run {
                    capture(stream).await
                } else {
                    forward(stream, tls.as_deref()).await
                };
            });
        }
    });
    if !dry_run {
        let builder = builder.proxy(local);
        return Ok(match root {
            Some(pem) => builder.add_root_certificate(pem.as_bytes()),
            None => builder,
        });
    }
    let mut builder = builder.endpoint(&local).iam_endpoint(&local).no_proxy();
    if options::target().is_some_and(|t| t.iam_lookup.is_some()) {
        crate::output::note(
            "dry run: no account (domain) id is set, so the first call would look it up through \
             IAM (GET /v3/auth/domains); ACCOUNT-ID stands in for it",
        );
        builder = builder.domain_id("ACCOUNT-ID");
    }
    Ok(builder)
}

/// One HTTP/1.1 message as read: its head (start line and headers) and body.
struct Message {
    head: String,
    body: Vec<u8>,
}

impl Message {
    fn start_line(&self) -> &str {
        self.head.lines().next().unwrap_or_default()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Reads a request: its head, then a body of `Content-Length` bytes or in chunks.
async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> std::io::Result<Option<Message>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
    let mut body = buffer[end + 4..].to_vec();
    let mut message = Message {
        head,
        body: Vec::new(),
    };
    if let Some(length) = message
        .header("content-length")
        .and_then(|l| l.parse::<usize>().ok())
    {
        while body.len() < length {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else if message
        .header("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        while !body.ends_with(b"0\r\n\r\n") {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
        body = dechunk(&body);
        message.head = message
            .head
            .lines()
            .filter(|l| !l.to_ascii_lowercase().starts_with("transfer-encoding:"))
            .chain(std::iter::once(
                format!("Content-Length: {}", body.len()).as_str(),
            ))
            .collect::<Vec<_>>()
            .join("\r\n");
    }
    message.body = body;
    Ok(Some(message))
}

/// The data of a chunked body.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(at) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&raw[..at])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 || raw.len() < at + 2 + size {
            break;
        }
        out.extend_from_slice(&raw[at + 2..at + 2 + size]);
        raw = &raw[(at + 4 + size).min(raw.len())..];
    }
    out
}

/// `--dry-run`: prints the request as it would have gone out, answers with a refusal.
async fn capture(mut stream: TcpStream) -> std::io::Result<()> {
    if let Some(request) = read_request(&mut stream).await? {
        let Some(target) = options::target() else {
            return Ok(());
        };
        let mut words = request.start_line().split_whitespace();
        let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        let real_host = target
            .endpoint
            .split("://")
            .nth(1)
            .unwrap_or_default()
            .split('/')
            .next()
            .unwrap_or_default();
        let mut lines = vec![format!("{method} {}{path}", target.endpoint)];
        for line in request.head.lines().skip(1) {
            let line = match line.split_once(':') {
                Some((name, _)) if name.eq_ignore_ascii_case("host") => {
                    format!("Host: {real_host}")
                }
                _ => line.to_string(),
            };
            lines.push(redact_header(&line));
        }
        print_message("dry run: would send", &lines, &request.body);
        CAPTURED.fetch_add(1, Ordering::Relaxed);
        let body = br#"{"error_code":"OSM.DRYRUN","error_msg":"dry run: nothing was sent"}"#;
        let answer = format!(
            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
             connection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(answer.as_bytes()).await?;
        stream.write_all(body).await?;
    }
    Ok(())
}

/// The TLS ends of `--debug`'s interception: a certificate for the HTTPS hosts the client calls
/// (the endpoint's, IAM's), made at start-up, and a connector verifying the real servers.
struct Tls {
    certificate_pem: String,
    hosts: Vec<String>,
    acceptor: TlsAcceptor,
    connector: TlsConnector,
}

impl Tls {
    /// `None` when no HTTPS host is called.
    fn for_target() -> anyhow::Result<Option<Tls>> {
        let Some(target) = options::target() else {
            return Ok(None);
        };
        let hosts: Vec<String> = std::iter::once(target.endpoint.as_str())
            .chain(target.iam_lookup.as_deref())
            .filter_map(|url| url.strip_prefix("https://"))
            .filter_map(|rest| rest.split(['/', ':']).next())
            .map(str::to_string)
            .collect();
        if hosts.is_empty() {
            return Ok(None);
        }
        let made = rcgen::generate_simple_self_signed(hosts.clone())?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = rustls::pki_types::PrivateKeyDer::try_from(made.signing_key.serialize_der())
            .map_err(anyhow::Error::msg)?;
        let server = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(vec![made.cert.der().clone()], key)?;
        let verifier = rustls_platform_verifier::Verifier::new(provider.clone())?;
        let mut client = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        client.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Some(Tls {
            certificate_pem: made.cert.pem(),
            hosts,
            acceptor: TlsAcceptor::from(Arc::new(server)),
            connector: TlsConnector::from(Arc::new(client)),
        }))
    }
}

/// `--debug`: forwards a proxied request, printing the exchange; an HTTPS tunnel to a host the
/// interception has a certificate for is opened, anything else passed through as it is.
async fn forward(mut stream: TcpStream, tls: Option<&Tls>) -> std::io::Result<()> {
    let Some(request) = read_request(&mut stream).await? else {
        return Ok(());
    };
    let mut words = request.start_line().split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    if method == "CONNECT" {
        let host = target.split(':').next().unwrap_or_default();
        let mut upstream = TcpStream::connect(target).await?;
        stream
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await?;
        let Some(tls) = tls.filter(|t| t.hosts.iter().any(|h| h == host)) else {
            crate::output::note(&format!(
                "debug: CONNECT {target}: a tunnel, its content encrypted"
            ));
            tokio::io::copy_bidirectional(&mut stream, &mut upstream).await?;
            return Ok(());
        };
        drop(upstream);
        let mut client = tls.acceptor.accept(stream).await?;
        let name = rustls::pki_types::ServerName::try_from(host.to_string())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        // One connection to the server for each request the client sends in the tunnel.
        while let Some(request) = read_request(&mut client).await? {
            let mut words = request.start_line().split_whitespace();
            let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            let url = format!(
                "https://{}{path}",
                target.strip_suffix(":443").unwrap_or(target)
            );
            let upstream = TcpStream::connect(target).await?;
            let mut server = tls.connector.connect(name.clone(), upstream).await?;
            if !relay(&mut client, &mut server, &request, method, &url, path).await? {
                break;
            }
        }
        client.shutdown().await?;
        return Ok(());
    }
    let rest = target.strip_prefix("http://").unwrap_or(target);
    let (authority, path) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, "/"),
    };
    let address = if authority.contains(':') {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let mut upstream = TcpStream::connect(&address).await?;
    let (method, target) = (method.to_string(), target.to_string());
    relay(&mut stream, &mut upstream, &request, &method, &target, path).await?;
    stream.shutdown().await
}

/// Sends `request` on (to `path`, the connection closed after the answer), prints both, and
/// passes the answer back; `true` when the client may send another request on its connection
/// (the answer is framed and does not close it).
async fn relay<C, U>(
    client: &mut C,
    upstream: &mut U,
    request: &Message,
    method: &str,
    url: &str,
    path: &str,
) -> std::io::Result<bool>
where
    C: AsyncWrite + Unpin,
    U: AsyncRead + AsyncWrite + Unpin,
{
    let mut lines = vec![format!("{method} {url}")];
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    for line in request.head.lines().skip(1) {
        let name = line
            .split(':')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if name == "connection" || name == "proxy-connection" {
            continue;
        }
        lines.push(redact_header(line));
        head.push_str(line);
        head.push_str("\r\n");
    }
    head.push_str("Connection: close\r\n\r\n");
    print_message("debug: request", &lines, &request.body);
    upstream.write_all(head.as_bytes()).await?;
    upstream.write_all(&request.body).await?;
    upstream.flush().await?;
    let mut answer = Vec::new();
    // A TLS server may end without close_notify: what was read is the answer.
    if let Err(e) = upstream.read_to_end(&mut answer).await
        && answer.is_empty()
    {
        return Err(e);
    }
    let end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(answer.len());
    let answer_head = String::from_utf8_lossy(&answer[..end]).into_owned();
    let body = answer.get(end + 4..).unwrap_or_default();
    let chunked = answer_head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let shown = if chunked {
        dechunk(body)
    } else {
        body.to_vec()
    };
    let lines: Vec<String> = answer_head.lines().map(redact_header).collect();
    print_message("debug: answer", &lines, &shown);
    client.write_all(&answer).await?;
    client.flush().await?;
    let head = answer_head.to_ascii_lowercase();
    Ok(!head.contains("connection: close") && (chunked || head.contains("content-length:")))
}

/// A header line with its secret part replaced: the signature of `Authorization`, tokens whole.
fn redact_header(line: &str) -> String {
    let Some((name, value)) = line.split_once(':') else {
        return line.to_string();
    };
    let lower = name.trim().to_ascii_lowercase();
    let value = value.trim();
    let shown = match lower.as_str() {
        "authorization" => match value.find("Signature=") {
            Some(at) => format!("{}Signature=<redacted>", &value[..at]),
            None => "<redacted>".into(),
        },
        "x-security-token"
        | "x-auth-token"
        | "x-subject-token"
        | "proxy-authorization"
        | "cookie"
        | "set-cookie" => "<redacted>".into(),
        _ => return line.to_string(),
    };
    format!("{}: {shown}", name.trim())
}

/// A JSON body with the values of secret-looking fields replaced.
fn redact_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX_SHOWN)]).into_owned();
    let Ok(mut value) = serde_json::from_str::<Value>(&text) else {
        return text;
    };
    fn walk(value: &mut Value) {
        match value {
            Value::Object(fields) => {
                for (key, field) in fields.iter_mut() {
                    let key = key.to_ascii_lowercase();
                    if key.contains("password")
                        || key.contains("secret")
                        || key.contains("token")
                        || key == "sk"
                    {
                        *field = Value::String("<redacted>".into());
                    } else {
                        walk(field);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
    value.to_string()
}

fn print_message(title: &str, lines: &[String], body: &[u8]) {
    let mut text = format!("{title}\n");
    for line in lines {
        text.push_str("  ");
        text.push_str(line);
        text.push('\n');
    }
    if !body.is_empty() {
        text.push_str("  \n  ");
        text.push_str(&redact_body(body));
        text.push('\n');
    }
    crate::output::note(text.trim_end());
}
