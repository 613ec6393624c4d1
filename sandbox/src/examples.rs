//! The spec (`openapi/osm.yaml`, compiled in): every operation's method, path template and
//! documented 200 example, which the sandbox serves for operations that keep no state.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

/// The spec, as the SDK carries it.
const SPEC: &str = huaweicloud_osm::OPENAPI_JSON;

/// One operation of the spec.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId`, e.g. `ListCasesV1`.
    pub id: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template, e.g. `/v2/servicerequest/cases/{case_id}`.
    pub path: String,
    /// The documented 200 JSON example, if the answer is JSON.
    pub example: Option<Value>,
    /// Whether the 200 answer is a binary download.
    pub binary: bool,
    /// Path parameters and required query parameters and headers: `(in, name)`.
    pub required: Vec<(String, String)>,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone)]
enum Segment {
    Literal(String),
    Param(String),
}

impl Operation {
    /// The path parameters of `path` if it matches this operation's template.
    pub fn matches(&self, method: &str, path: &str) -> Option<HashMap<String, String>> {
        if !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut params = HashMap::new();
        for (segment, part) in self.segments.iter().zip(parts) {
            match segment {
                Segment::Literal(l) if l == part => {}
                Segment::Literal(_) => return None,
                Segment::Param(_) if part.is_empty() => return None,
                Segment::Param(name) => {
                    params.insert(
                        name.clone(),
                        huaweicloud_osm::auth::signer::percent_decode(part),
                    );
                }
            }
        }
        Some(params)
    }

    fn literal_count(&self) -> usize {
        self.segments
            .iter()
            .filter(|s| matches!(s, Segment::Literal(_)))
            .count()
    }
}

/// Every operation of the spec.
pub fn operations() -> &'static [Operation] {
    static OPS: OnceLock<Vec<Operation>> = OnceLock::new();
    OPS.get_or_init(|| load(SPEC).expect("the compiled-in spec is valid"))
}

/// The operation a request is for (the most specific template wins: `/cases/count` over
/// `/cases/{case_id}`), with its path parameters.
pub fn find(method: &str, path: &str) -> Option<(&'static Operation, HashMap<String, String>)> {
    operations()
        .iter()
        .filter_map(|op| op.matches(method, path).map(|p| (op, p)))
        .max_by_key(|(op, _)| op.literal_count())
}

/// The operation with this `operationId`.
pub fn by_id(id: &str) -> Option<&'static Operation> {
    operations().iter().find(|op| op.id == id)
}

fn load(text: &str) -> Result<Vec<Operation>, String> {
    let spec: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let components = spec.get("components").cloned().unwrap_or(Value::Null);
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the spec has no paths")?;
    let mut ops = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let ok = op.pointer("/responses/200/content");
            let example = ok
                .and_then(|c| c.get("application/json"))
                .and_then(|j| j.get("example"))
                .cloned();
            let binary = ok.is_some_and(|c| c.get("application/octet-stream").is_some());
            let mut required = Vec::new();
            for p in op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let p = resolve(p, &components);
                let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                let place = p.get("in").and_then(Value::as_str).unwrap_or_default();
                if p.get("required").and_then(Value::as_bool) == Some(true) {
                    required.push((place.to_string(), name.to_string()));
                }
            }
            let segments = path
                .trim_end_matches('/')
                .split('/')
                .map(
                    |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(name) => Segment::Param(name.to_string()),
                        None => Segment::Literal(s.to_string()),
                    },
                )
                .collect();
            ops.push(Operation {
                id: id.to_string(),
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                example,
                binary,
                required,
                segments,
            });
        }
    }
    Ok(ops)
}

/// Follows a local `$ref` (`#/components/parameters/X`).
fn resolve<'a>(value: &'a Value, components: &'a Value) -> &'a Value {
    match value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/"))
    {
        Some(rest) => components.pointer(&format!("/{rest}")).unwrap_or(value),
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_every_operation() {
        assert_eq!(operations().len(), 111);
        let json = operations().iter().filter(|o| o.example.is_some()).count();
        let binary = operations().iter().filter(|o| o.binary).count();
        assert_eq!(
            json + binary,
            111,
            "every operation has an example or is a download"
        );
    }

    #[test]
    fn most_specific_template_wins() {
        let (op, p) = find("GET", "/v2/servicerequest/cases/count").unwrap();
        assert_eq!(op.id, "ListCaseCounts");
        assert!(p.is_empty());
        let (op, p) = find("GET", "/v2/servicerequest/cases/TT1").unwrap();
        assert_eq!(op.id, "ShowCaseDetail");
        assert_eq!(p["case_id"], "TT1");
        let (op, _) = find("POST", "/v2/irobot/sessions/s1/r1/evaluate").unwrap();
        assert_eq!(op.id, "CreateEvaluate");
        assert!(find("PATCH", "/v2/servicerequest/cases").is_none());
        assert!(find("GET", "/nope").is_none());
        let op = by_id("ListSeverities").unwrap();
        assert!(
            op.required
                .contains(&("query".into(), "business_type_id".into()))
        );
        let op = by_id("CreateAskQuestion").unwrap();
        assert!(
            op.required
                .contains(&("header".into(), "x-service-key".into()))
        );
    }
}
