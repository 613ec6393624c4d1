//! `--output table`: a list's key fields, one row an item, fitted to the terminal's width (wide
//! East Asian characters count two columns), drawn by comfy-table.
//!
//! The columns: the operation's own choice when it has one ([`COLUMNS_OF`]: `list-case-counts`
//! shows its counts), else the fields a person scans, found by name in the item's schema: id,
//! status, description or name, creation time, and any count.

use comfy_table::{ColumnConstraint, ContentArrangement, Table, presets};
use heck::{ToShoutySnakeCase, ToSnakeCase};
use huaweicloud_osm::values::CaseStatus;
use serde_json::Value;

/// Columns chosen per operation (subcommand name, item fields), where the names mislead.
const COLUMNS_OF: &[(&str, &[&str])] = &[
    ("list-case-counts", &["status", "count"]),
    ("list-messages", &["create_time", "replier_name", "content"]),
];

/// The columns a person scans, by field name: id, status, description, creation time, counts.
const WANTED: [fn(&str) -> bool; 5] = [
    |f| f == "incident_id" || f == "id" || f.ends_with("_id"),
    |f| f == "status" || f.ends_with("_status"),
    |f| f.contains("description") || f == "content" || f == "title" || f.ends_with("name"),
    |f| f.starts_with("create") || f.starts_with("created"),
    |f| f == "count" || f.ends_with("_count") || f == "total",
];

/// A table of the first list (array of objects) of an answer, `None` when it has none.
pub fn of_answer(value: &Value, schema: &Value) -> Option<String> {
    let (field, properties) =
        schema
            .get("properties")?
            .as_object()?
            .iter()
            .find_map(|(field, property)| {
                let list = resolve(schema, property)?;
                if list.get("type")? != "array" {
                    return None;
                }
                let item = resolve(schema, list.get("items")?)?;
                Some((field, item.get("properties")?.as_object()?))
            })?;
    let items = value
        .get(field)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let command = crate::current::name();
    let chosen = COLUMNS_OF
        .iter()
        .find(|(name, _)| *name == command)
        .map(|(_, columns)| {
            columns
                .iter()
                .filter_map(|c| properties.get_key_value(*c).map(|(k, _)| k))
                .collect::<Vec<_>>()
        })
        .filter(|columns| !columns.is_empty());
    let columns = chosen.unwrap_or_else(|| by_name(properties));
    // Which columns hold a ticket status (shown by name), decided once per column.
    let case_status: Vec<bool> = columns
        .iter()
        .map(|c| {
            properties[c.as_str()]
                .to_string()
                .contains("#/definitions/CaseStatus")
        })
        .collect();
    let rows = items.iter().map(|item| {
        columns
            .iter()
            .zip(&case_status)
            .map(|(c, &status)| cell(&item[c.as_str()], status))
            .collect()
    });
    Some(render(header(&columns), rows))
}

/// The preferred name first (`incident_id` before any other `…_id`), then schema order; names
/// compared in snake case (the v1.0 and iRobot APIs answer in camel case: `regionId`).
fn by_name(properties: &serde_json::Map<String, Value>) -> Vec<&String> {
    let mut columns: Vec<&String> = Vec::new();
    for wanted in WANTED {
        let best = ["incident_id", "status", "simple_description", "create_time"]
            .iter()
            .find_map(|p| properties.get_key_value(*p).filter(|(k, _)| wanted(k)))
            .map(|(k, _)| k)
            .or_else(|| {
                properties
                    .keys()
                    .find(|k| wanted(&k.to_snake_case()) && !columns.contains(k))
            });
        if let Some(column) = best.filter(|k| !columns.contains(k)) {
            columns.push(column);
        }
    }
    if columns.is_empty() {
        // Nothing a person scans by name: the first fields, in schema order.
        columns = properties.keys().take(4).collect();
    }
    columns
}

/// A table of what `--query` left: a list of objects (columns: their fields, in order of first
/// appearance) or of plain values (one column).
pub fn of_rows(value: &Value) -> Option<String> {
    let items = value.as_array()?;
    let mut columns: Vec<String> = Vec::new();
    for item in items {
        if let Some(object) = item.as_object() {
            for key in object.keys() {
                if !columns.contains(key) {
                    columns.push(key.clone());
                }
            }
        }
    }
    if columns.is_empty() {
        let rows = items.iter().map(|i| vec![cell(i, false)]);
        return Some(render(vec!["VALUE".into()], rows));
    }
    let rows = items.iter().map(|item| {
        columns
            .iter()
            .map(|c| cell(item.get(c).unwrap_or(&Value::Null), false))
            .collect()
    });
    Some(render(header(&columns), rows))
}

/// Draws the table without borders, each row on one line, within the terminal's width: cells are
/// cut with `…`, the widest column (a description, usually) first;
/// the others shrink too when they must, but the first (the id) keeps its width. Without a
/// terminal, `COLUMNS` is the width, else none.
fn render(header: Vec<String>, rows: impl Iterator<Item = Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows.collect();
    let mut table = Table::new();
    let mut head = comfy_table::Row::from(header);
    head.max_height(1);
    table
        .load_style(presets::NOTHING)
        .set_truncation_indicator("…")
        .set_header(head);
    for row in rows {
        let mut row = comfy_table::Row::from(row);
        row.max_height(1);
        table.add_row(row);
    }
    if let Some(width) = width() {
        table
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width);
        if let Some(id) = table.column_iter_mut().next() {
            id.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    let mut out = String::new();
    for line in table.lines() {
        // comfy-table pads each cell by one space on each side: the first column starts at 0.
        let line = line.strip_prefix(' ').unwrap_or(&line);
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The width to fit: `COLUMNS`, else the terminal's, else none.
fn width() -> Option<u16> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
    {
        return Some(columns);
    }
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| w.0)
}

/// The header: each column's name in upper snake case (`regionId` -> `REGION_ID`).
fn header<S: AsRef<str>>(columns: &[S]) -> Vec<String> {
    columns
        .iter()
        .map(|c| c.as_ref().to_shouty_snake_case())
        .collect()
}

/// A schema with its `$ref` (and schemars' `allOf: [$ref]` / nullable `anyOf`) followed.
pub fn resolve<'a>(root: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/definitions/")?;
        return resolve(root, root.pointer(&format!("/definitions/{name}"))?);
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        if let Some(first) = schema
            .get(keyword)
            .and_then(Value::as_array)
            .and_then(|b| b.iter().find(|s| s.get("type") != Some(&"null".into())))
        {
            return resolve(root, first);
        }
    }
    Some(schema)
}

/// One cell: text on one line (cut at 60 characters), ticket statuses by name.
fn cell(value: &Value, case_status: bool) -> String {
    if case_status && let Ok(status) = serde_json::from_value::<CaseStatus>(value.clone()) {
        return status.to_string();
    }
    let text = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 60 {
        format!("{}…", line.chars().take(59).collect::<String>())
    } else {
        line
    }
}
