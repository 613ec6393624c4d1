//! Property tests: the error decoder and the signer's canonicalisation take arbitrary input without
//! panicking or growing without bound, and canonicalisation round-trips; the sandbox answers
//! request bodies generated from every JSON operation's schema without a 5xx or an undocumented
//! error code.

use crate::common;

use huaweicloud_osm::ServiceError;
use huaweicloud_osm::auth::signer::{self, SignableRequest, Signer};
use huaweicloud_osm::error::MAX_RAW_BODY;
use osm_sandbox::verify as server;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_error_decoder_takes_any_bytes(status in 0u16..1000, body in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let err = ServiceError::from_body(status, Some("rid".into()), &body);
        prop_assert_eq!(err.status, status);
        prop_assert_eq!(err.raw_body.is_some(), !body.is_empty());
        if let Some(raw) = &err.raw_body {
            prop_assert!(raw.len() <= MAX_RAW_BODY + 4);
        }
        let shown = err.to_string();
        let expected = format!("HTTP {status}");
        prop_assert!(shown.contains(&expected));
    }

    #[test]
    fn the_error_decoder_takes_any_json(value in arb_json()) {
        let body = serde_json::to_vec(&value).unwrap();
        let err = ServiceError::from_body(500, None, &body);
        prop_assert!(err.raw_body.is_some());
    }

    #[test]
    fn canonical_query_round_trips(pairs in proptest::collection::vec((".{0,12}", ".{0,12}"), 0..8)) {
        let canonical = signer::canonical_query(&pairs);
        prop_assert!(canonical.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%=&".contains(&b)));
        let mut back = server::parse_query(&canonical);
        let mut expected = pairs.clone();
        back.sort();
        expected.sort();
        prop_assert_eq!(back, expected);
    }

    #[test]
    fn escaping_round_trips(s in ".{0,40}") {
        prop_assert_eq!(signer::percent_decode(&signer::escape(&s)), s);
    }

    #[test]
    fn canonical_uri_takes_any_path(path in ".{0,60}") {
        let uri = signer::canonical_uri(&path);
        prop_assert!(uri.ends_with('/'));
    }

    #[test]
    fn percent_decoding_takes_any_text(s in ".{0,60}") {
        let _ = signer::percent_decode(&s);
        let _ = server::parse_query(&s);
    }

    #[test]
    fn signing_and_verifying_agree_on_any_request(
        path_segments in proptest::collection::vec("[^/]{0,10}", 1..4),
        pairs in proptest::collection::vec(("[a-zA-Z0-9 ~*+,é]{1,8}", ".{0,8}"), 0..4),
        body in ".{0,64}",
    ) {
        let path = format!("/{}", path_segments.join("/"));
        let url = reqwest::Url::parse("http://127.0.0.1:9").unwrap();
        let mut url = url.join(&signer::canonical_uri(&path).trim_end_matches('/').replace("%2F", "/")).unwrap_or(url);
        url.set_query(Some(&signer::canonical_query(&pairs)));
        let mut request = reqwest::Request::new(reqwest::Method::POST, url);
        request.headers_mut().insert("content-type", "application/json".parse().unwrap());
        *request.body_mut() = Some(body.clone().into());
        Signer::new("AK", "SK").sign_request(&mut request, "20240101T000000Z").unwrap();
        let headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
            .collect();
        let received = server::ReceivedRequest {
            method: "POST",
            path: request.url().path(),
            query: request.url().query(),
            headers: &headers,
            body: body.as_bytes(),
        };
        prop_assert!(server::verify(&received, |_| Some("SK".to_string())).is_ok());
        // And the signature covers the body: any other body fails.
        let tampered = server::ReceivedRequest { body: b"tampered", ..received };
        prop_assert!(server::verify(&tampered, |_| Some("SK".to_string())).is_err());
        let _ = SignableRequest { method: "GET", path: &path, query: &pairs, headers: &[], payload_hash: "" };
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        ".{0,16}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(8, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("error_code".to_string()),
                    Just("error_msg".to_string()),
                    Just("code".to_string()),
                    ".{0,8}".prop_map(String::from)
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Bodies tried per JSON operation.
const BODIES_PER_OPERATION: usize = 12;

/// Schema-driven robustness. For every operation with a JSON body, bodies are generated from its
/// request schema in the spec (the schema its request type is generated from): mostly well-formed,
/// with lengths, ranges and item counts at and just past their documented bounds, fields left out,
/// now and then a value of the wrong type. Each is signed and sent to the sandbox, with path and
/// required query and header parameters generated too (a real ticket id half of the time). The
/// sandbox must never answer 5xx, and every refusal must carry one of its documented error codes
/// (`osm_sandbox::errors::CODES`).
#[test]
fn the_sandbox_answers_generated_bodies_of_every_json_operation_with_documented_codes() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRunner};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let sandbox = osm_sandbox::Sandbox::start().await.unwrap();
        let client = common::sandbox_client(&sandbox);
        let body = huaweicloud_osm::types::CreateOrderIncidentV2Req::builder()
            .business_type_id("b6dc3d3bf7ef434fa3f23d79cfc41449")
            .simple_description("a ticket for the generated calls")
            .source_id("83aeb0f2834c4df49826c781d32a963e");
        let ticket = client
            .create_cases()
            .body(body)
            .send()
            .await
            .unwrap()
            .into_inner();
        let ticket = ticket.incident_id.unwrap();
        let mut runner = TestRunner::new(Config::default());
        let (mut sent, mut refused) = (0, 0);
        for op in json_operations() {
            let bodies = schema_values(&op.body, 0);
            let path_value = prop_oneof![Just(ticket.clone()), "[a-zA-Z0-9]{1,16}"];
            for _ in 0..BODIES_PER_OPERATION {
                let body = bodies.new_tree(&mut runner).unwrap().current();
                let mut path = op.path.clone();
                for name in &op.path_params {
                    let value = path_value.new_tree(&mut runner).unwrap().current();
                    path = path.replace(&format!("{{{name}}}"), &value);
                }
                let query: Vec<String> = op
                    .query
                    .iter()
                    .map(|(name, schema)| {
                        let value = schema_values(schema, 3)
                            .new_tree(&mut runner)
                            .unwrap()
                            .current();
                        let value = value
                            .as_str()
                            .map_or_else(|| value.to_string(), str::to_owned);
                        let value: String =
                            form_urlencoded::byte_serialize(value.as_bytes()).collect();
                        format!("{name}={value}")
                    })
                    .collect();
                if !query.is_empty() {
                    path = format!("{path}?{}", query.join("&"));
                }
                let bytes = serde_json::to_vec(&body).unwrap();
                let response = common::net::signed_with(
                    &sandbox,
                    &op.method,
                    &path,
                    Some(("application/json", bytes)),
                    &op.headers,
                )
                .await;
                let status = response.status().as_u16();
                let text = response.text().await.unwrap();
                let what = format!(
                    "{} {} {path} with {body}: HTTP {status} {text}",
                    op.id, op.method
                );
                assert!(status < 500, "{what}");
                let answer: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                // Successes may carry an empty `error_code`, as OSM's do.
                let code = answer.get("error_code").and_then(|c| c.as_str());
                if let Some(code) = code.filter(|c| !c.is_empty()) {
                    assert!(
                        osm_sandbox::errors::CODES.contains(&code),
                        "undocumented code: {what}"
                    );
                    refused += 1;
                }
                sent += 1;
            }
        }
        assert!(sent >= 40 * BODIES_PER_OPERATION, "{sent} requests");
        // Both sides were reached: bodies the handlers took, and bodies they refused.
        assert!(
            refused > sent / 10 && refused < sent,
            "{refused} of {sent} refused"
        );
    });
}

/// An operation with a JSON request body, as the spec describes it.
struct JsonOperation {
    id: String,
    method: String,
    path: String,
    body: serde_json::Value,
    path_params: Vec<String>,
    /// Required query parameters and their schemas.
    query: Vec<(String, serde_json::Value)>,
    /// Required headers (sent with a value of `1`).
    headers: Vec<String>,
}

/// Every operation of the spec with an `application/json` request body.
fn json_operations() -> Vec<JsonOperation> {
    let spec = common::spec();
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(body) = op.pointer("/requestBody/content/application~1json/schema") else {
                continue;
            };
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let params: Vec<&serde_json::Value> = params.iter().map(resolve).collect::<Vec<_>>();
            let named = |place: &str, required_only: bool| {
                params
                    .iter()
                    .filter(|p| p["in"] == place && (!required_only || p["required"] == true))
                    .map(|p| (p["name"].as_str().unwrap().to_string(), p["schema"].clone()))
                    .collect::<Vec<_>>()
            };
            ops.push(JsonOperation {
                id: op["operationId"].as_str().unwrap().to_string(),
                method: method.to_uppercase(),
                path: path.clone(),
                body: body.clone(),
                path_params: named("path", false).into_iter().map(|(n, _)| n).collect(),
                query: named("query", true),
                headers: named("header", true).into_iter().map(|(n, _)| n).collect(),
            });
        }
    }
    ops
}

/// A schema or parameter with its `$ref`s followed (within the spec).
fn resolve(mut schema: &serde_json::Value) -> &serde_json::Value {
    while let Some(reference) = schema.get("$ref").and_then(|r| r.as_str()) {
        schema = common::spec()
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{reference} is not in the spec"));
    }
    schema
}

/// JSON values for `schema`: one in ten of the wrong type; otherwise of its type, with lengths,
/// ranges and item counts from the documented bounds to just past them, and objects with each
/// optional property present or not, each required one missing now and then.
fn schema_values(schema: &serde_json::Value, depth: u32) -> BoxedStrategy<serde_json::Value> {
    use serde_json::{Value, json};
    let schema = resolve(schema);
    let wrong = || {
        prop_oneof![
            Just(Value::Null),
            any::<i32>().prop_map(|n| json!(n)),
            "[a-z]{0,6}".prop_map(Value::String),
            Just(json!([])),
            Just(json!({})),
        ]
        .boxed()
    };
    if depth > 4 {
        return wrong();
    }
    let bound = |key: &str| schema.get(key).and_then(Value::as_i64);
    let kind = schema["type"]
        .as_str()
        .unwrap_or(if schema.get("properties").is_some() {
            "object"
        } else if schema.get("allOf").is_some() {
            "allOf"
        } else {
            "any"
        });
    let right: BoxedStrategy<Value> = match kind {
        "string" => {
            let low = bound("minLength").unwrap_or(0).max(1) - 1;
            let high = bound("maxLength").map_or(40, |max| max + 1).min(600);
            let text =
                proptest::string::string_regex(&format!("[a-zA-Z0-9 _.@:/é中-]{{{low},{high}}}"))
                    .expect("a valid pattern");
            match schema.get("enum").and_then(Value::as_array) {
                Some(values) => prop_oneof![
                    3 => proptest::sample::select(values.clone()),
                    1 => text.prop_map(Value::String),
                ]
                .boxed(),
                None => text.prop_map(Value::String).boxed(),
            }
        }
        "integer" => {
            let low = bound("minimum").map_or(-3, |m| m - 1);
            let high = bound("maximum").map_or(10_000, |m| m + 1);
            prop_oneof![4 => (low..=high).prop_map(|n| json!(n)), 1 => any::<i64>().prop_map(|n| json!(n))]
                .boxed()
        }
        "number" => (-1e9f64..1e9).prop_map(|n| json!(n)).boxed(),
        "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
        "array" => {
            let items = schema_values(&schema["items"], depth + 1);
            let high = bound("maxItems").map_or(4, |m| m + 1).min(12) as usize;
            proptest::collection::vec(items, 0..=high)
                .prop_map(Value::Array)
                .boxed()
        }
        "object" | "allOf" => {
            let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
            let parts: Vec<&Value> = match schema.get("allOf").and_then(Value::as_array) {
                Some(all) => all.iter().map(resolve).collect(),
                None => vec![schema],
            };
            for part in parts {
                let required: Vec<&str> = part["required"]
                    .as_array()
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                for (name, property) in part["properties"].as_object().into_iter().flatten() {
                    let present = if required.contains(&name.as_str()) {
                        19
                    } else {
                        1
                    };
                    let name = name.clone();
                    let value = schema_values(property, depth + 1)
                        .prop_map(move |v| Some((name.clone(), v)));
                    fields.push(prop_oneof![present => value, 1 => Just(None)].boxed());
                }
            }
            fields
                .prop_map(|fields| Value::Object(fields.into_iter().flatten().collect()))
                .boxed()
        }
        _ => wrong(),
    };
    prop_oneof![9 => right, 1 => wrong()].boxed()
}
