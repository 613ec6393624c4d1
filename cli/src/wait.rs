//! `osm wait case-status ID --until closed|STATUS --timeout 10m` and `osm wait new-message ID`:
//! the SDK's waiters (`huaweicloud_osm::wait`), polling with backoff until the ticket gets there or
//! the timeout passes (exit status 1: it did not happen in time).

use std::time::Duration;

use clap::{Arg, ArgMatches, Command};
use huaweicloud_osm::Client;
use huaweicloud_osm::values::CaseStatus;
use serde_json::json;

/// `osm wait`.
pub fn command() -> Command {
    let case_id = Arg::new("case-id")
        .required(true)
        .value_name("CASE_ID")
        .help("The ticket");
    let timeout = Arg::new("timeout")
        .long("timeout")
        .value_name("DURATION")
        .default_value("10m")
        .value_parser(parse_duration)
        .help("How long to wait: 90s, 10m, 2h or seconds");
    Command::new("wait")
        .about("Wait until a ticket reaches a status or gets a new message")
        .subcommand_required(true)
        .subcommand(
            Command::new("case-status")
                .about("Wait until the ticket reaches a status; prints it")
                .arg(case_id.clone())
                .arg(
                    Arg::new("until")
                        .long("until")
                        .value_name("STATUS")
                        .default_value("closed")
                        .value_parser(parse_until)
                        .help("closed (completed, canceled or invalid), awaiting-you (a result to confirm or feedback to give), or a status by name or code"),
                )
                .arg(timeout.clone()),
        )
        .subcommand(
            Command::new("new-message")
                .about("Wait until an engineer posts a message on the ticket; prints it")
                .arg(case_id)
                .arg(timeout),
        )
}

/// What `--until` waits for.
#[derive(Debug, Clone, Copy)]
enum Until {
    Closed,
    AwaitingYou,
    Status(CaseStatus),
}

fn parse_until(text: &str) -> Result<Until, String> {
    match text {
        "closed" => Ok(Until::Closed),
        "awaiting-you" => Ok(Until::AwaitingYou),
        other => other
            .parse::<CaseStatus>()
            .map(Until::Status)
            .map_err(|e| format!("{e}; or closed, awaiting-you")),
    }
}

/// `90s`, `10m`, `2h`, `1.5m` or plain seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (number, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(at) => t.split_at(at),
        None => (t, "s"),
    };
    let factor = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("`{text}`: give 90s, 10m, 2h or seconds")),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}`: give 90s, 10m, 2h or seconds"))?;
    let seconds = value * factor;
    if !(0.0..=7.0 * 86_400.0).contains(&seconds) {
        return Err(format!("`{text}`: at most 7 days"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Runs `osm wait …`.
pub async fn run(client: &Client, matches: &ArgMatches) -> anyhow::Result<()> {
    let Some((what, sub)) = matches.subcommand() else {
        unreachable!("clap requires a subcommand");
    };
    let case_id = sub.get_one::<String>("case-id").expect("required by clap");
    let timeout = *sub.get_one::<Duration>("timeout").expect("defaulted");
    if what == "new-message" {
        let message = client.wait_for_new_message(case_id, timeout).await?;
        crate::output::print(serde_json::to_value(&message)?, &serde_json::Value::Null);
        return Ok(());
    }
    let until = *sub.get_one::<Until>("until").expect("defaulted");
    let wanted = move |s: CaseStatus| match until {
        Until::Closed => s.is_closed(),
        Until::AwaitingYou => s.awaits_customer(),
        Until::Status(wanted) => s == wanted,
    };
    let status = client
        .wait_for_case_status(case_id, wanted, timeout)
        .await?;
    crate::output::print(
        json!({ "case_id": case_id, "status": status.value(), "status_name": status.to_string() }),
        &serde_json::Value::Null,
    );
    Ok(())
}
