//! `osm-sandbox`: runs the local OSM server until stopped (Ctrl-C).
//!
//! ```text
//! cargo run -p osm-sandbox -- --listen 127.0.0.1:8080 --ak AK --sk SK --domain-id DOMAIN \
//!     [--domain-name NAME] [--user NAME --password PW] [--seed N] [--urge-interval-secs N] \
//!     [--state FILE]
//! ```
#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
usage: osm-sandbox [--listen ADDR] [--ak AK --sk SK] [--domain-id ID] [--domain-name NAME]
                   [--user NAME --password PW] [--seed N] [--urge-interval-secs N]
                   [--state FILE]

Runs a local Huawei Cloud OSM (service tickets) server until stopped (Ctrl-C).
  --listen ADDR             loopback address and port (default 127.0.0.1:8080; port 0 = any free)
  --ak, --sk                the access key and secret key it accepts
  --domain-id ID            the account id expected in X-Domain-Id
  --domain-name NAME        the account name of IAM password logins
  --user, --password        the IAM user of password logins (POST /v3/auth/tokens)
  --seed N                  seed of generated ids
  --urge-interval-secs N    time before a ticket can be urged again (default 600)
  --state FILE              keep the tickets, messages and attachments in FILE: loaded at start,
                            saved (atomically) after every change before it is acknowledged
Unset credentials keep the defaults, printed at start.";

#[tokio::main]
async fn main() -> ExitCode {
    let builder = match parse(std::env::args().skip(1).collect()) {
        Ok(Some(b)) => b,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let sandbox = match builder.start().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot start the sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    let c = sandbox.credentials();
    // Output errors (a closed pipe) must not stop the server.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "osm-sandbox listening on {}", sandbox.url());
    let _ = writeln!(
        out,
        "  AK {}  SK {}  domain id {}  domain name {}  user {}  password {}",
        c.access_key, c.secret_key, c.domain_id, c.domain_name, c.user, c.password
    );
    let _ = out.flush();
    let _ = tokio::signal::ctrl_c().await;
    let _ = writeln!(out, "osm-sandbox stopping");
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

fn parse(args: Vec<String>) -> Result<Option<osm_sandbox::SandboxBuilder>, String> {
    let mut b = osm_sandbox::Sandbox::builder().listen(([127, 0, 0, 1], 8080).into());
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (flag.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        b = match name.as_str() {
            "--listen" => b.listen(
                value()?
                    .parse()
                    .map_err(|e| format!("--listen: not an address: {e}"))?,
            ),
            "--ak" => b.access_key(value()?),
            "--sk" => b.secret_key(value()?),
            "--domain-id" => b.domain_id(value()?),
            "--domain-name" => b.domain_name(value()?),
            "--user" => b.user(value()?),
            "--password" => b.password(value()?),
            "--seed" => b.seed(value()?.parse().map_err(|e| format!("--seed: {e}"))?),
            "--state" => b.state_file(value()?),
            "--urge-interval-secs" => b.urge_interval(Duration::from_secs(
                value()?
                    .parse()
                    .map_err(|e| format!("--urge-interval-secs: {e}"))?,
            )),
            other => return Err(format!("unknown argument `{other}`")),
        };
    }
    Ok(Some(b))
}
