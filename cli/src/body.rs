//! Request bodies: `--json-body FILE` (or `-`) is read, checked against the body's JSON Schema and
//! decoded before anything is sent; `--body-schema` prints that schema.
//!
//! The schema is the one the generated types derive with schemars (structure, types, required
//! fields, enums); the printed one has the spec's documented limits put back in from the SDK's
//! operation table (`huaweicloud_osm::operations`: the generator moves them there, out of the
//! types).
//!
//! The check is in two parts, every problem of both reported at once. The limits (lengths, ranges,
//! item counts) are the table's, checked by the table's own checker (`Rule::violations`), the one
//! the SDK runs before sending. The structure (types, required fields, enums, unknown fields) is a
//! small validator over schemars' schema rather than the `jsonschema` crate: these schemas only use
//! `$ref`, `allOf`/`anyOf`/`oneOf`, `type`, `enum`, `const`, `required`, `properties`,
//! `additionalProperties`, `items` and the integer formats, all covered here; `jsonschema` would
//! add 43 crates to the tool (regex, fancy-regex, the num family, ahash, parking_lot, …) for
//! keywords these schemas never use.

use std::fmt;
use std::io::Read;
use std::path::Path;

use anyhow::Context as _;
use clap::ArgMatches;
use huaweicloud_osm::operations::{self, Rule, Step, Violation};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Whether the command only asks for the body's schema (so it needs no credentials).
pub fn wants_schema(matches: &ArgMatches) -> bool {
    matches!(matches.try_get_one::<bool>("body-schema"), Ok(Some(true)))
}

/// A `--json-body` as JSON (`-`: standard input); refused when it is not JSON, a local error
/// naming the file when it cannot be read.
pub fn read_json(path: &Path) -> anyhow::Result<Value> {
    let text = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read --json-body from standard input")?;
        text
    } else {
        std::fs::read_to_string(path).map_err(|e| {
            huaweicloud_osm::Error::Config(format!(
                "cannot read --json-body {}: {}",
                path.display(),
                crate::files::io_reason(&e)
            ))
        })?
    };
    Ok(serde_json::from_str(&text).map_err(|e| Rejected {
        problems: vec![Problem::at("", format!("not JSON: {e}"))],
    })?)
}

/// A `--json-body` with fields its schema does not know, to be sent as it is
/// (`--allow-unknown-fields`): the typed body would drop them.
#[derive(Debug)]
pub struct SendAsIs(pub Value);

impl fmt::Display for SendAsIs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the body has fields its schema does not know; it is sent as it is")
    }
}

impl std::error::Error for SendAsIs {}

/// Fields osm fills in when a body leaves them out: `create-cases`' documented `source_id`.
fn fill_defaults(op: &str, value: &mut Value) {
    if op == "create_cases"
        && let Some(fields) = value.as_object_mut()
        && !fields.contains_key("source_id")
    {
        fields.insert("source_id".into(), crate::everyday::SOURCE_ID.into());
    }
}

/// The body of `op` from `--json-body`: read, checked against its schema, decoded. Unknown
/// fields are refused (a typo would be dropped silently) unless `--allow-unknown-fields`, which
/// sends the body as it is ([`SendAsIs`]).
pub fn read<T: DeserializeOwned + JsonSchema>(path: &Path, op: &str) -> anyhow::Result<T> {
    let mut value = read_json(path)?;
    fill_defaults(op, &mut value);
    let schema = schema::<T>(op);
    let mut problems = Vec::new();
    check(&schema, &schema, &value, &mut String::new(), &mut problems);
    if let Some(rule) = operations::find(op).and_then(|o| o.body) {
        problems.extend(rule.violations(&value).into_iter().map(Problem::from));
    }
    let allow = crate::options::options().allow_unknown_fields;
    let unknown = problems.iter().filter(|p| p.unknown).count();
    if allow && unknown > 0 && unknown == problems.len() {
        for p in &problems {
            crate::output::note(&format!(
                "sending the unknown field {} (--allow-unknown-fields)",
                p.pointer
            ));
        }
        return Err(SendAsIs(value).into());
    }
    if !problems.is_empty() {
        return Err(Rejected { problems }.into());
    }
    serde_json::from_value(value).map_err(|e| {
        Rejected {
            problems: vec![Problem::at("", e.to_string())],
        }
        .into()
    })
}

/// Prints the JSON Schema of `op`'s body.
pub fn print_schema<T: JsonSchema>(op: &str) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(&schema::<T>(op))?;
    crate::output::emit(&text);
    Ok(())
}

/// The body's schema: schemars' for `T`, with the limits of `op` from the operation table.
fn schema<T: JsonSchema>(op: &str) -> Value {
    let mut root = serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default();
    if let Some(rule) = operations::find(op).and_then(|o| o.body) {
        let definitions = root.get("definitions").cloned().unwrap_or_default();
        add_limits(&mut root, rule, &definitions);
    }
    root
}

/// Writes `rule`'s limits into `schema` (a `$ref` is inlined first, so that the limits apply to
/// this use of the type only).
fn add_limits(schema: &mut Value, rule: &Rule, definitions: &Value) {
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/definitions/"))
        && let Some(definition) = definitions.get(name)
    {
        *schema = definition.clone();
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        if let Some(branches) = schema.get_mut(keyword).and_then(Value::as_array_mut) {
            for branch in branches
                .iter_mut()
                .filter(|b| b.get("type") != Some(&"null".into()))
            {
                add_limits(branch, rule, definitions);
            }
            return;
        }
    }
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let limits = [
        ("minLength", rule.min_length.map(Value::from)),
        ("maxLength", rule.max_length.map(Value::from)),
        ("minimum", rule.minimum.map(Value::from)),
        ("maximum", rule.maximum.map(Value::from)),
        ("minItems", rule.min_items.map(Value::from)),
        ("maxItems", rule.max_items.map(Value::from)),
    ];
    for (keyword, limit) in limits {
        if let Some(limit) = limit {
            object.insert(keyword.into(), limit);
        }
    }
    if let (Some(items), Some(rule)) = (object.get_mut("items"), rule.items) {
        add_limits(items, rule, definitions);
    }
    if let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, rule) in rule.properties {
            if let Some(property) = properties.get_mut(*name) {
                add_limits(property, rule, definitions);
            }
        }
    }
}

/// One way the body does not match its schema.
#[derive(Debug, Clone)]
pub struct Problem {
    pointer: String,
    message: String,
    /// A field the schema does not know.
    unknown: bool,
}

impl From<Violation> for Problem {
    /// A limit of the spec the body breaks, at its JSON pointer (`/files/1`).
    fn from(violation: Violation) -> Problem {
        let pointer: String = violation
            .at
            .iter()
            .map(|step| match step {
                Step::Field(name) => format!("/{}", escape(name)),
                Step::Item(i) => format!("/{i}"),
            })
            .collect();
        Problem::at(&pointer, violation.message)
    }
}

/// A field name as a JSON pointer (RFC 6901) token.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

impl Problem {
    fn at(pointer: &str, message: String) -> Problem {
        Problem {
            pointer: pointer.to_string(),
            message,
            unknown: false,
        }
    }

    fn unknown_field(pointer: &str, name: &str, known: Option<&Map<String, Value>>) -> Problem {
        let near = known.and_then(|k| {
            k.keys()
                .map(|k| (distance(k, name), k))
                .filter(|(d, _)| *d <= 2)
                .min()
                .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        });
        Problem {
            pointer: pointer.to_string(),
            message: format!(
                "unknown field{}: not in the body's schema, so it would not be sent \
                 (--allow-unknown-fields sends it anyway)",
                near.unwrap_or_default()
            ),
            unknown: true,
        }
    }
}

/// The edit distance between two names (Levenshtein), for `did you mean`.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            previous = here;
        }
    }
    row[b.len()]
}

/// A `--json-body` refused before sending, with every problem found.
#[derive(Debug)]
pub struct Rejected {
    problems: Vec<Problem>,
}

impl Rejected {
    /// One line saying what was refused.
    pub fn summary(&self) -> String {
        format!(
            "--json-body does not match the request body's schema ({} problem{}, nothing was sent)",
            self.problems.len(),
            if self.problems.len() == 1 { "" } else { "s" }
        )
    }

    /// `[{"pointer": …, "message": …}]`.
    pub fn problems_json(&self) -> Value {
        self.problems
            .iter()
            .map(|p| serde_json::json!({ "pointer": p.pointer, "message": p.message }))
            .collect()
    }
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.summary())?;
        for p in &self.problems {
            let at = if p.pointer.is_empty() {
                "(the body)"
            } else {
                &p.pointer
            };
            write!(f, "\n  {at}: {}", p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Rejected {}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn has_type(value: &Value, wanted: &str) -> bool {
    let actual = type_name(value);
    actual == wanted
        || (wanted == "number" && actual == "integer")
        || (wanted == "integer" && value.as_f64().is_some_and(|n| n.fract() == 0.0))
}

/// Checks `value` against `schema` (`root` holds the definitions), appending every problem with
/// the JSON pointer (RFC 6901) of where it is.
fn check(root: &Value, schema: &Value, value: &Value, at: &mut String, out: &mut Vec<Problem>) {
    let Some(schema) = schema.as_object() else {
        return;
    };
    let mut problem = |message: String| out.push(Problem::at(at, message));
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        match reference
            .strip_prefix("#/definitions/")
            .and_then(|name| root.get("definitions")?.get(name))
        {
            Some(target) => check(root, target, value, at, out),
            None => problem(format!("unresolvable schema reference {reference}")),
        }
        return;
    }
    if let Some(types) = schema.get("type") {
        let wanted: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !wanted.is_empty() && !wanted.iter().any(|t| has_type(value, t)) {
            problem(format!(
                "expected {}, found {}",
                wanted.join(" or "),
                type_name(value)
            ));
            return;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
        problem(format!("{value} is not one of {}", list.join(", ")));
    }
    if let Some(constant) = schema.get("const")
        && constant != value
    {
        problem(format!("must be {constant}"));
    }
    check_format(schema, value, &mut problem);
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for branch in all {
            check(root, branch, value, at, out);
        }
    }
    for keyword in ["anyOf", "oneOf"] {
        let Some(branches) = schema.get(keyword).and_then(Value::as_array) else {
            continue;
        };
        let mut best: Option<Vec<Problem>> = None;
        for branch in branches {
            let mut found = Vec::new();
            check(root, branch, value, at, &mut found);
            if found.is_empty() {
                best = None;
                break;
            }
            // Report the branch that got furthest (fewest problems), e.g. the non-null one.
            if best.as_ref().is_none_or(|b| found.len() < b.len()) {
                best = Some(found);
            }
        }
        out.extend(best.unwrap_or_default());
    }
    match value {
        Value::Object(fields) => check_object(root, schema, fields, at, out),
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    let len = at.len();
                    at.push_str(&format!("/{i}"));
                    check(root, item_schema, item, at, out);
                    at.truncate(len);
                }
            }
        }
        _ => {}
    }
}

fn check_object(
    root: &Value,
    schema: &Map<String, Value>,
    fields: &Map<String, Value>,
    at: &mut String,
    out: &mut Vec<Problem>,
) {
    let properties = schema.get("properties").and_then(Value::as_object);
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !fields.contains_key(name) {
            out.push(Problem::at(
                &format!("{at}/{}", escape(name)),
                "required, missing".into(),
            ));
        }
    }
    for (name, field) in fields {
        let len = at.len();
        at.push('/');
        at.push_str(&escape(name));
        match (
            properties.and_then(|p| p.get(name)),
            schema.get("additionalProperties"),
        ) {
            (Some(field_schema), _) => check(root, field_schema, field, at, out),
            (None, Some(Value::Bool(true))) => {}
            (None, Some(extra @ Value::Object(_))) => check(root, extra, field, at, out),
            (None, _) if properties.is_some() => {
                out.push(Problem::unknown_field(at, name, properties))
            }
            (None, _) => {}
        }
        at.truncate(len);
    }
}

/// The ranges of the integer formats (`int32`, `uint32`, …) of schemars' schema; the spec's own
/// limits are the table's ([`Rule::violations`]).
fn check_format(schema: &Map<String, Value>, value: &Value, problem: &mut impl FnMut(String)) {
    let Some(n) = value.as_f64() else {
        return;
    };
    let (min, max) = match schema.get("format").and_then(Value::as_str) {
        Some("int32") => (Some(f64::from(i32::MIN)), Some(f64::from(i32::MAX))),
        Some("uint32") => (Some(0.0), Some(f64::from(u32::MAX))),
        Some("uint" | "uint64" | "uint16" | "uint8") => (Some(0.0), None),
        _ => (None, None),
    };
    if let Some(min) = min.filter(|min| n < *min) {
        problem(format!("{n} is less than the minimum {min}"));
    }
    if let Some(max) = max.filter(|max| n > *max) {
        problem(format!("{n} is more than the maximum {max}"));
    }
}
