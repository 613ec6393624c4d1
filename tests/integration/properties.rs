//! Property tests: the error decoder and the signer's canonicalisation take arbitrary input without
//! panicking or growing without bound, and canonicalisation round-trips.

use huaweicloud_osm::ServiceError;
use huaweicloud_osm::auth::signer::{self, SignableRequest, Signer};
use huaweicloud_osm::error::MAX_RAW_BODY;
use huaweicloud_osm::server;
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
