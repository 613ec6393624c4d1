//! `multipart/form-data` uploads (RFC 7578), parsed by multer as the body streams in. Every part
//! has a size limit that multer enforces while reading, and so has the whole body (multer reads
//! ahead as far as the connection has data, so this is what bounds its buffer): a part over its
//! limit is refused once the limit is crossed, never held whole, and the body is read no further.

use axum::body::Body;
use bytes::Bytes;
use multer::{Constraints, Multipart, SizeLimit};

use crate::errors::{OsmError, OsmResult};

/// Largest part other than the file (names, `form_data` JSON).
pub(crate) const OTHER_PART_MAX: usize = 64 * 1024;
/// Room for the other parts, headers and boundaries in a whole body.
const OVERHEAD_MAX: usize = 4 * OTHER_PART_MAX;

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// The `name` of its `Content-Disposition`.
    pub(crate) name: String,
    /// The `filename` of its `Content-Disposition`, if any.
    pub(crate) filename: Option<String>,
    /// Its content.
    pub(crate) data: Bytes,
}

impl Part {
    /// The content as text (lossy).
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// Reads the parts of a `multipart/form-data` body: the part named `file_part` may have up to
/// `file_max` bytes, any other part [`OTHER_PART_MAX`]. A body that is not multipart or is
/// malformed is an HTTP 400 `OSM.0001`; a part over its limit is OSM's parameter error, answered
/// as soon as the limit is crossed.
pub(crate) async fn read(
    content_type: &str,
    body: Body,
    file_part: &str,
    file_max: usize,
) -> OsmResult<Vec<Part>> {
    let boundary = multer::parse_boundary(content_type).map_err(|_| {
        OsmError::bad_request(format!(
            "expected multipart/form-data with a boundary, got `{content_type}`"
        ))
    })?;
    let limits = SizeLimit::new()
        .whole_stream((file_max + OVERHEAD_MAX) as u64)
        .per_field(OTHER_PART_MAX as u64)
        .for_field(file_part, file_max as u64);
    let mut multipart = Multipart::with_constraints(
        body.into_data_stream(),
        boundary,
        Constraints::new().size_limit(limits),
    );
    let mut parts = Vec::new();
    let refusal = |e| refusal(e, file_part, file_max);
    while let Some(field) = multipart.next_field().await.map_err(refusal)? {
        let name = field
            .name()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| OsmError::bad_request("a multipart part has no name"))?
            .to_string();
        let filename = field.file_name().map(str::to_owned);
        let data = field.bytes().await.map_err(refusal)?;
        parts.push(Part {
            name,
            filename,
            data,
        });
    }
    Ok(parts)
}

/// The answer to a multipart body multer refused.
fn refusal(e: multer::Error, file_part: &str, file_max: usize) -> OsmError {
    match e {
        multer::Error::FieldSizeExceeded { limit, field_name } => OsmError::param(format!(
            "the `{}` part is over {limit} bytes",
            field_name.unwrap_or_default()
        )),
        multer::Error::StreamSizeExceeded { limit } => OsmError::param(format!(
            "the multipart body is over {limit} bytes (the `{file_part}` part may have \
             {file_max}, every other part {OTHER_PART_MAX})"
        )),
        other => OsmError::bad_request(format!("malformed multipart body: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const CT: &str = "multipart/form-data; boundary=XyZ";

    fn parse(body: &'static [u8], file_max: usize) -> OsmResult<Vec<Part>> {
        block_on(read(CT, Body::from(body), "file", file_max))
    }

    /// Runs a future on a fresh current-thread runtime.
    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn parses_files_and_text_parts() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--not-it\r\n\r\n--XyZ\r\nContent-Disposition: form-data; name=\"form_data\"\r\n\r\n{\"fileName\":\"a b.png\"}\r\n--XyZ--\r\n";
        let parts = parse(body, 1024).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "file");
        assert_eq!(parts[0].filename.as_deref(), Some("a b.png"));
        assert_eq!(parts[0].data.as_ref(), b"\x89PNG\r\n--not-it\r\n");
        assert_eq!(parts[1].text(), "{\"fileName\":\"a b.png\"}");
    }

    #[test]
    fn malformed_bodies_are_clear_errors() {
        let status = |r: OsmResult<Vec<Part>>| r.unwrap_err().status;
        assert_eq!(status(parse(b"garbage", 10)), 400);
        assert_eq!(
            status(parse(
                b"--XyZ\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nno end",
                10
            )),
            400
        );
        assert_eq!(
            status(parse(
                b"--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--\r\n",
                10
            )),
            400
        );
        let not_multipart = block_on(read("application/json", Body::from("{}"), "file", 10));
        assert!(
            not_multipart
                .unwrap_err()
                .detail
                .unwrap()
                .contains("expected multipart/form-data")
        );
    }

    #[test]
    fn a_part_at_its_limit_passes_and_one_byte_more_is_refused() {
        let body = |n: usize| {
            let mut b = b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n".to_vec();
            b.extend(std::iter::repeat_n(b'x', n));
            b.extend_from_slice(b"\r\n--XyZ--\r\n");
            Body::from(b)
        };
        let ok = block_on(read(CT, body(1000), "file", 1000)).unwrap();
        assert_eq!(ok[0].data.len(), 1000);
        let err = block_on(read(CT, body(1001), "file", 1000)).unwrap_err();
        assert_eq!(err.code, "OSM.01010001");
        assert!(
            err.detail
                .unwrap()
                .contains("the `file` part is over 1000 bytes")
        );
    }

    #[test]
    fn an_oversized_part_is_refused_before_the_body_is_read_whole() {
        // A body of 1 GiB, made as it is pulled: the head of the file part, then 64 KiB chunks.
        const CHUNK: usize = 64 * 1024;
        const TOTAL: usize = 1 << 30;
        let pulled = Arc::new(AtomicUsize::new(0));
        let head = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.zip\"\r\n\r\n",
        );
        let chunk = Bytes::from(vec![0u8; CHUNK]);
        let counter = pulled.clone();
        let stream = futures::stream::iter(
            std::iter::once(head).chain(std::iter::repeat_n(chunk, TOTAL / CHUNK)),
        )
        .map(move |b| {
            counter.fetch_add(b.len(), Ordering::Relaxed);
            Ok::<_, std::io::Error>(b)
        });
        let limit = 2 * 1024 * 1024;
        let err = block_on(read(CT, Body::from_stream(stream), "file", limit)).unwrap_err();
        assert_eq!(err.code, "OSM.01010001");
        let detail = err.detail.unwrap();
        assert!(detail.contains("part may have 2097152"), "{detail}");
        // This stream is always ready, so multer reads ahead up to the whole body's limit.
        let pulled = pulled.load(Ordering::Relaxed);
        assert!(
            pulled <= limit + OVERHEAD_MAX + CHUNK,
            "{pulled} bytes read of a {TOTAL}-byte body for a {limit}-byte limit"
        );
    }

    /// A body of `parts` (name, filename, content) with the boundary `XyZ`.
    fn body_of(parts: &[(String, Option<String>, Vec<u8>)]) -> Vec<u8> {
        let mut body = Vec::new();
        for (name, filename, data) in parts {
            body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"");
            body.extend_from_slice(name.as_bytes());
            body.push(b'"');
            if let Some(f) = filename {
                body.extend_from_slice(format!("; filename=\"{f}\"").as_bytes());
            }
            body.extend_from_slice(b"\r\n\r\n");
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--XyZ--\r\n");
        body
    }

    /// A body cut into chunks of the given sizes (cycled), as it may arrive from the network.
    fn chunked(body: Vec<u8>, sizes: &[usize]) -> Body {
        let mut chunks = Vec::new();
        let mut rest = Bytes::from(body);
        for size in sizes.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            chunks.push(Ok::<_, std::io::Error>(
                rest.split_to((*size).min(rest.len())),
            ));
        }
        Body::from_stream(futures::stream::iter(chunks))
    }

    /// An error must say what is wrong: a parameter error (a limit) or a bad request.
    fn clear(e: &OsmError) -> bool {
        matches!(
            (e.status, e.code),
            (200, "OSM.01010001") | (400, "OSM.0001")
        ) && e.detail.as_deref().is_some_and(|d| !d.is_empty())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Arbitrary bytes as the body, under an arbitrary or the right content type: parts or
        /// a clear error, never a panic.
        #[test]
        fn any_bytes_are_parts_or_a_clear_error(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048),
            content_type in proptest::prop_oneof![
                proptest::strategy::Just(CT.to_string()),
                ".{0,48}",
            ],
            sizes in proptest::collection::vec(1usize..300, 1..4),
        ) {
            match block_on(read(&content_type, chunked(body, &sizes), "file", 512)) {
                Ok(parts) => proptest::prop_assert!(parts.iter().all(|p| !p.name.is_empty())),
                Err(e) => proptest::prop_assert!(clear(&e), "{e:?}"),
            }
        }

        /// Well-formed bodies of random parts, in random chunks: read back exactly, unless a
        /// `file` part is over its limit; then damaged at one byte: parts or a clear error.
        #[test]
        fn random_parts_round_trip_and_damage_is_an_error(
            parts in proptest::collection::vec(
                (
                    proptest::prop_oneof![
                        proptest::strategy::Just("file".to_string()),
                        "[a-z_]{1,8}",
                    ],
                    proptest::option::of("[a-zA-Z0-9 ._-]{1,12}"),
                    proptest::collection::vec(proptest::prelude::any::<u8>(), 0..800),
                ),
                0..4,
            ),
            sizes in proptest::collection::vec(1usize..500, 1..4),
            damage in (proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>()),
        ) {
            let body = body_of(&parts);
            let over = parts.iter().any(|(n, _, d)| n == "file" && d.len() > 512);
            match block_on(read(CT, chunked(body.clone(), &sizes), "file", 512)) {
                Ok(read) => {
                    proptest::prop_assert!(!over);
                    let got: Vec<_> = read
                        .into_iter()
                        .map(|p| (p.name, p.filename, p.data.to_vec()))
                        .collect();
                    proptest::prop_assert_eq!(got, parts);
                }
                Err(e) => {
                    proptest::prop_assert!(over, "{e:?}");
                    proptest::prop_assert!(e.detail.unwrap().contains("`file` part is over 512"));
                }
            }
            let mut damaged = body;
            let at = damage.0.index(damaged.len());
            damaged[at] = damage.1;
            match block_on(read(CT, chunked(damaged, &sizes), "file", 512)) {
                Ok(parts) => proptest::prop_assert!(parts.iter().all(|p| !p.name.is_empty())),
                Err(e) => proptest::prop_assert!(clear(&e), "{e:?}"),
            }
        }
    }
}
