//! `osm api METHOD PATH [--query k=v]… [--header k:v]… [--json-body FILE]`, as `gh api`: any path
//! of the service, signed, retried and decoded like the generated operations (the SDK's
//! `Client::raw`), the answer printed as JSON.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command};
use huaweicloud_osm::{Client, Error, Method};
use serde_json::Value;

/// `osm api`.
pub fn command() -> Command {
    Command::new("api")
        .about("Call any path of the API, signed and decoded like an operation (as `gh api`)")
        .arg(
            Arg::new("method")
                .required(true)
                .value_parser([
                    "GET", "POST", "PUT", "DELETE", "PATCH", "get", "post", "put", "delete",
                    "patch",
                ])
                .hide_possible_values(true)
                .help("HTTP method: GET, POST, PUT, DELETE or PATCH"),
        )
        .arg(
            Arg::new("path")
                .required(true)
                .help("Path under the endpoint, e.g. /v2/servicerequest/cases"),
        )
        .arg(
            Arg::new("query")
                .long("query")
                .value_name("KEY=VALUE")
                .action(ArgAction::Append)
                .help("A query parameter (repeat for more; here --query is not JMESPath)"),
        )
        .arg(
            Arg::new("header")
                .long("header")
                .short('H')
                .value_name("NAME:VALUE")
                .action(ArgAction::Append)
                .help("A request header, e.g. X-Language:en-us (repeat for more)"),
        )
        .arg(
            Arg::new("json-body")
                .long("json-body")
                .value_name("FILE")
                .value_parser(clap::value_parser!(PathBuf))
                .help("JSON file to send as the body (`-`: standard input)"),
        )
}

/// Runs `osm api`.
pub async fn run(client: &Client, matches: &ArgMatches) -> anyhow::Result<()> {
    let method = matches
        .get_one::<String>("method")
        .expect("required by clap");
    let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())?;
    let path = matches.get_one::<String>("path").expect("required by clap");
    let mut query = Vec::new();
    for pair in matches.get_many::<String>("query").into_iter().flatten() {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| Error::InvalidRequest(format!("--query {pair}: give KEY=VALUE")))?;
        query.push((k.to_string(), v.to_string()));
    }
    let mut headers = Vec::new();
    for pair in matches.get_many::<String>("header").into_iter().flatten() {
        let (k, v) = pair
            .split_once(':')
            .ok_or_else(|| Error::InvalidRequest(format!("--header {pair}: give NAME:VALUE")))?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let body = match matches.get_one::<PathBuf>("json-body") {
        Some(path) => Some(crate::body::read_json(path)?),
        None => None,
    };
    let answer = send(client, method, path, &query, &headers, body.as_ref()).await?;
    crate::output::print(answer, &Value::Null);
    Ok(())
}

/// Sends one raw request and decodes its JSON answer (`{}` for an empty one).
pub async fn send(
    client: &Client,
    method: Method,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: Option<&Value>,
) -> anyhow::Result<Value> {
    let mut request = client.raw(method, path);
    if !query.is_empty() {
        request = request.query(query);
    }
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let bytes = request.send_bytes().await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    Ok(serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned())))
}

/// A generated operation's call made raw, to send a `--json-body` with fields its schema does not
/// know (`--allow-unknown-fields`): the operation's method and path (its path parameters from
/// their flags), its header flags, the body as given.
pub async fn send_operation(
    client: &Client,
    operation: &str,
    command: &Command,
    matches: &ArgMatches,
    body: Value,
) -> anyhow::Result<()> {
    let meta = huaweicloud_osm::operations::find(operation)
        .ok_or_else(|| Error::InvalidRequest(format!("no operation {operation}")))?;
    let mut path = meta.path.to_string();
    let mut headers = Vec::new();
    let mut used = vec!["json-body".to_string()];
    while let Some(start) = path.find('{') {
        let end = path[start..].find('}').map_or(path.len(), |e| start + e);
        let name = path[start + 1..end].to_string();
        let flag = name.replace('_', "-");
        let value = matches
            .get_one::<String>(&flag)
            .cloned()
            .ok_or_else(|| Error::InvalidRequest(format!("--{flag} is required")))?;
        path.replace_range(start..=end, &value);
        used.push(flag);
    }
    for arg in command.get_arguments().filter(|a| !a.is_global_set()) {
        let id = arg.get_id().as_str();
        if used.iter().any(|u| u == id) || !matches.contains_id(id) {
            continue;
        }
        if matches.value_source(id) != Some(clap::parser::ValueSource::CommandLine) {
            continue;
        }
        if id.starts_with("x-") {
            let value = matches
                .get_raw(id)
                .and_then(|mut v| v.next())
                .unwrap_or_default();
            headers.push((id.to_string(), value.to_string_lossy().into_owned()));
            continue;
        }
        return Err(Error::InvalidRequest(format!(
            "with --allow-unknown-fields, give the whole body in --json-body: --{id} cannot be \
             sent along"
        ))
        .into());
    }
    let method = Method::from_bytes(meta.method.as_bytes())?;
    let answer = send(client, method, &path, &[], &headers, Some(&body)).await?;
    if answer.as_object().is_some_and(|o| o.is_empty())
        && crate::options::options().format.is_none()
    {
        crate::output::emit(&crate::current::done_line());
    } else {
        crate::output::print(answer, &Value::Null);
    }
    Ok(())
}
