//! The API areas of the spec, which are the SDK's Cargo features: `v1` (the v1.0 ticket API, tag
//! `v1`), `irobot` (the iRobot Q&A API, tag `irobot`) and `v2` (every other tag: the v2 ticket API
//! of Huawei's current SDKs, in its many tags, and the one historical API their SDK still has).
//!
//! The SDK's build script keeps only the operations of the enabled areas ([`retain`]) before it
//! generates anything, so the client, its types, the operation table, the paginators and the mocks
//! all follow the features. A schema goes with the operations only when nothing that stays refers
//! to it: the shared ones (`ErrorResponse`, `CaseStatus`) and those no operation refers to stay.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::generate::METHODS;

/// One API area: a Cargo feature of the SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    /// The historical v1.0 ticket API (`/v1.0/servicerequest/…`), feature `v1`.
    V1,
    /// The v2 ticket API and its lookups, attachments, authorizations… (`/v2/servicerequest/…`,
    /// `/v2.0/servicerequest/diagnose/…`), feature `v2`.
    V2,
    /// The iRobot Q&A API (`/v2/irobot/…`), feature `irobot`.
    Irobot,
}

impl Area {
    /// Every area, in the order the README lists them.
    pub const ALL: [Area; 3] = [Area::V1, Area::V2, Area::Irobot];

    /// The area's Cargo feature.
    pub const fn feature(self) -> &'static str {
        match self {
            Area::V1 => "v1",
            Area::V2 => "v2",
            Area::Irobot => "irobot",
        }
    }

    /// The area of an operation tagged `tag` (its first tag).
    pub fn of_tag(tag: &str) -> Area {
        match tag {
            "v1" => Area::V1,
            "irobot" => Area::Irobot,
            _ => Area::V2,
        }
    }

    /// The area of an operation object (from its first tag; an untagged operation is v2's).
    pub fn of_operation(op: &Value) -> Area {
        Area::of_tag(op["tags"][0].as_str().unwrap_or_default())
    }

    /// The areas whose features a build script sees enabled (`CARGO_FEATURE_V1`, …).
    pub fn enabled_in_build() -> Vec<Area> {
        Area::ALL
            .into_iter()
            .filter(|area| {
                let var = format!("CARGO_FEATURE_{}", area.feature().to_ascii_uppercase());
                std::env::var_os(var).is_some()
            })
            .collect()
    }
}

/// What [`retain`] left out.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Removed {
    /// Operations removed (`operationId`s).
    pub operations: Vec<String>,
    /// Schemas removed (names under `components/schemas`).
    pub schemas: Vec<String>,
}

/// Keeps the operations of the `enabled` areas (hand-written ones included) and removes the
/// others, with the path items left empty and every schema that only removed operations refer to
/// (directly or through other components). Schemas no operation refers to stay.
pub fn retain(doc: &mut Value, enabled: &[Area]) -> Removed {
    let mut kept_roots = Vec::new();
    let mut removed_roots = Vec::new();
    let mut removed = Removed::default();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for item in paths.values().filter_map(Value::as_object) {
            let shared = item.get("parameters");
            for (method, op) in item {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                if enabled.contains(&Area::of_operation(op)) {
                    kept_roots.extend([Some(op), shared].into_iter().flatten());
                } else {
                    removed_roots.extend([Some(op), shared].into_iter().flatten());
                    let id = op["operationId"].as_str().unwrap_or_default();
                    removed.operations.push(id.to_string());
                }
            }
        }
    }
    let kept = schemas_reached(doc, &kept_roots);
    let unneeded: BTreeSet<String> = schemas_reached(doc, &removed_roots)
        .difference(&kept)
        .cloned()
        .collect();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            item.retain(|key, op| {
                !METHODS.contains(&key.as_str()) || enabled.contains(&Area::of_operation(op))
            });
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_some_and(|o| o.keys().any(|k| METHODS.contains(&k.as_str())))
        });
    }
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.retain(|name, _| !unneeded.contains(name));
    }
    removed.schemas = unneeded.into_iter().collect();
    removed
}

/// The names of the schemas that `roots` refer to, directly or through any component.
fn schemas_reached(doc: &Value, roots: &[&Value]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = Vec::new();
    for root in roots {
        refs_in(root, &mut todo);
    }
    while let Some(reference) = todo.pop() {
        if !seen.insert(reference.clone()) {
            continue;
        }
        if let Some(target) = reference
            .strip_prefix('#')
            .and_then(|pointer| doc.pointer(pointer))
        {
            refs_in(target, &mut todo);
        }
    }
    seen.iter()
        .filter_map(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_string)
        .collect()
}

/// Every `$ref` inside a value.
fn refs_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs_in(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        let op = |id: &str, tag: &str, schema: &str| {
            json!({
                "operationId": id,
                "tags": [tag],
                "responses": {
                    "200": {"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
                    "4XX": {"$ref": "#/components/responses/Error"}
                }
            })
        };
        json!({
            "paths": {
                "/v1.0/a": {"get": op("ListA", "v1", "AV1")},
                "/v2/b": {"get": op("ListB", "cases", "B"), "post": op("CreateB", "labels", "B")},
                "/v2/irobot/c": {"get": op("ListC", "irobot", "C")}
            },
            "components": {
                "responses": {"Error": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}},
                "schemas": {
                    "AV1": {"type": "object", "properties": {"s": {"$ref": "#/components/schemas/Status"}}},
                    "B": {"type": "object", "properties": {"s": {"$ref": "#/components/schemas/Status"}, "i": {"$ref": "#/components/schemas/BItem"}}},
                    "BItem": {"type": "object"},
                    "C": {"type": "object"},
                    "Status": {"type": "integer"},
                    "ErrorResponse": {"type": "object"},
                    "Orphan": {"type": "object"}
                }
            }
        })
    }

    fn schemas(doc: &Value) -> Vec<&str> {
        doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn tags_map_to_areas() {
        assert_eq!(Area::of_tag("v1"), Area::V1);
        assert_eq!(Area::of_tag("irobot"), Area::Irobot);
        for tag in ["cases", "attachments", "diagnose", "internal"] {
            assert_eq!(Area::of_tag(tag), Area::V2);
        }
        assert_eq!(Area::of_operation(&json!({})), Area::V2);
    }

    #[test]
    fn all_areas_keep_everything() {
        let mut all = doc();
        let removed = retain(&mut all, &Area::ALL);
        assert_eq!(removed, Removed::default());
        assert_eq!(all, doc());
    }

    #[test]
    fn one_area_keeps_its_operations_and_the_shared_schemas() {
        let mut v2 = doc();
        let removed = retain(&mut v2, &[Area::V2]);
        assert_eq!(removed.operations, ["ListA", "ListC"]);
        assert_eq!(removed.schemas, ["AV1", "C"]);
        assert_eq!(
            v2["paths"].as_object().unwrap().keys().collect::<Vec<_>>(),
            ["/v2/b"]
        );
        assert_eq!(
            schemas(&v2),
            ["B", "BItem", "ErrorResponse", "Orphan", "Status"]
        );

        let mut v1 = doc();
        retain(&mut v1, &[Area::V1]);
        assert_eq!(schemas(&v1), ["AV1", "ErrorResponse", "Orphan", "Status"]);

        let mut none = doc();
        let removed = retain(&mut none, &[]);
        assert_eq!(removed.operations.len(), 4);
        assert!(none["paths"].as_object().unwrap().is_empty());
        assert_eq!(schemas(&none), ["Orphan"]);
    }
}
