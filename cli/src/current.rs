//! The command being run, as the output and the error report name it: its name, its summary and
//! the values of its id flags.

use std::sync::OnceLock;

use clap::{ArgMatches, Command};

/// The command being run: its name, summary and the values of its id flags.
#[derive(Debug, Default)]
struct Current {
    name: String,
    about: String,
    ids: Vec<(String, String)>,
}

static CURRENT: OnceLock<Current> = OnceLock::new();

/// Records the command being run (for tables and success lines): its name, its summary
/// (`about`) and the values of its id flags.
pub fn record(name: &str, about: String, command: &Command, matches: &ArgMatches) {
    let ids = command
        .get_arguments()
        .filter(|a| !a.is_global_set())
        .filter_map(|a| {
            let id = a.get_id().as_str();
            let wanted = id.ends_with("-id") || id == "action" || id == "id";
            let value = matches.try_get_raw(id).ok().flatten()?.next()?;
            wanted.then(|| (id.to_string(), value.to_string_lossy().into_owned()))
        })
        .collect();
    let _ = CURRENT.set(Current {
        name: name.to_string(),
        about,
        ids,
    });
}

/// `path` with each `{param}` replaced by the value of its flag (`--case-id`), when given.
pub fn fill_path(path: &str) -> String {
    let Some(current) = CURRENT.get() else {
        return path.to_string();
    };
    let mut out = path.to_string();
    for (id, value) in &current.ids {
        out = out.replace(&format!("{{{}}}", id.replace('-', "_")), value);
    }
    out
}

/// The name of the command being run.
pub fn name() -> &'static str {
    CURRENT.get().map_or("", |c| c.name.as_str())
}

/// What an empty answer means: `done: update-cases (Perform an action on a ticket): --case-id
/// CS1 --action-id press`.
pub fn done_line() -> String {
    let Some(current) = CURRENT.get() else {
        return "done".into();
    };
    let ids: Vec<String> = current
        .ids
        .iter()
        .map(|(id, value)| format!("--{id} {value}"))
        .collect();
    let what = match (
        current.name.as_str(),
        current.ids.iter().find(|(id, _)| id == "action-id"),
    ) {
        ("update-cases", Some((_, action))) => {
            format!("{action} sent for ticket")
        }
        ("create-messages", _) => "message posted to ticket".into(),
        _ => format!("{} ({})", current.name, current.about),
    };
    match current.ids.iter().find(|(id, _)| id == "case-id") {
        Some((_, case)) if what.ends_with("ticket") => format!("done: {what} {case}"),
        _ if ids.is_empty() => format!("done: {what}"),
        _ => format!("done: {what}: {}", ids.join(" ")),
    }
}
