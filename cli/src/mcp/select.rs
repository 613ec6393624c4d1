//! Which tools the server offers: the ticket workflow by default, `--tools all` or `--tools
//! a,b,c` for others; operations that change anything only with `--allow-write`, attachment tools
//! only with `--files DIR`.

use super::catalog::ToolDef;

/// The ticket workflow: list and show tickets, status, messages, create, add a message,
/// urge/close/cancel, and the lookups a new ticket needs (problem types, products, severities,
/// regions).
pub const DEFAULT: [&str; 11] = [
    "list_cases",
    "show_case_detail",
    "show_case_status",
    "list_messages",
    "create_cases",
    "create_messages",
    "update_cases",
    "list_problem_types",
    "list_product_categories",
    "list_severities",
    "list_regions",
];

/// Added to the default set by `--files DIR`: upload a file, download one.
pub const DEFAULT_FILES: [&str; 2] = ["upload_accessory", "download_accessories"];

/// `--tools`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// The default set.
    Default,
    /// Every operation.
    All,
    /// These tools.
    Named(Vec<String>),
}

impl Wanted {
    /// Parses `--tools`: `all`, `default`, or names separated by commas.
    pub fn parse(text: &str) -> Result<Wanted, String> {
        match text.trim() {
            "all" => return Ok(Wanted::All),
            "default" => return Ok(Wanted::Default),
            _ => {}
        }
        let names: Vec<String> = text
            .split(',')
            .map(|n| n.trim().replace('-', "_"))
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            return Err("give `all`, `default` or tool names separated by commas".into());
        }
        Ok(Wanted::Named(names))
    }
}

/// The tools offered, and the others with the reason they are not (a call to one says why).
#[derive(Debug)]
pub struct Selection {
    /// Offered.
    pub offered: Vec<ToolDef>,
    /// Every other tool of the spec, with what would offer it.
    pub withheld: Vec<(ToolDef, String)>,
}

/// Why `tool` is not offered with these settings, if it is not.
fn withheld_because(tool: &ToolDef, allow_write: bool, files: bool) -> Option<&'static str> {
    if tool.kind.uses_files() && !files {
        Some("it reads or writes a local file, and this server was started without --files DIR")
    } else if !tool.read_only && !allow_write {
        Some("it changes the account, and this server was started without --allow-write")
    } else {
        None
    }
}

/// Picks the tools out of `all`.
pub fn select(
    all: Vec<ToolDef>,
    wanted: &Wanted,
    allow_write: bool,
    files: bool,
) -> Result<Selection, String> {
    let names: Vec<String> = match wanted {
        Wanted::All => all.iter().map(|t| t.name().to_string()).collect(),
        Wanted::Default => DEFAULT
            .iter()
            .chain(if files { &DEFAULT_FILES[..] } else { &[] })
            .map(|n| n.to_string())
            .collect(),
        Wanted::Named(names) => names.clone(),
    };
    let mut selection = Selection {
        offered: Vec::new(),
        withheld: Vec::new(),
    };
    for name in &names {
        let Some(tool) = all.iter().find(|t| t.name() == name) else {
            let close: Vec<&str> = all
                .iter()
                .map(ToolDef::name)
                .filter(|n| n.contains(name.as_str()) || name.contains(n))
                .take(8)
                .collect();
            return Err(format!(
                "--tools: no tool `{name}`{}; `osm mcp --help` says how to list them",
                if close.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean {}?)", close.join(", "))
                }
            ));
        };
        match withheld_because(tool, allow_write, files) {
            // Named on purpose: say what it needs rather than leave it out.
            Some(reason) if matches!(wanted, Wanted::Named(_)) => {
                return Err(format!("--tools: `{name}` is not offered: {reason}"));
            }
            Some(reason) => selection.withheld.push((tool.clone(), reason.into())),
            None => selection.offered.push(tool.clone()),
        }
    }
    selection.offered.sort_by_key(|t| t.name());
    selection.offered.dedup_by_key(|t| t.name());
    for tool in all {
        if names.iter().any(|n| n == tool.name()) {
            continue;
        }
        let not_named = "it is not among the tools this server was started with (--tools)";
        let reason = match withheld_because(&tool, allow_write, files) {
            Some(reason) => format!("{reason}, and {not_named}"),
            None => not_named.into(),
        };
        selection.withheld.push((tool, reason));
    }
    Ok(selection)
}
