//! Reading a body whole, never more than a cap: the one reader behind every body the SDK holds in
//! memory (answers and their errors, credential exchanges, `RawRequest::send_bytes`, the pages of
//! a binary export, v1.0 uploads read from a reader).

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, TryStreamExt};
use progenitor_client::ClientInfo;

use crate::{Client, Error};

/// Reads the chunks of a body until they end or pass `cap` bytes: the bytes read (at most `cap`),
/// and whether they are the whole body (`false`: there was more, left unread).
pub(crate) async fn read_capped<S, E>(chunks: S, cap: usize) -> Result<(Bytes, bool), E>
where
    S: Stream<Item = Result<Bytes, E>>,
{
    let mut chunks = std::pin::pin!(chunks);
    let mut buf = BytesMut::new();
    while let Some(chunk) = chunks.try_next().await? {
        if chunk.len() > cap - buf.len() {
            buf.extend_from_slice(&chunk[..cap - buf.len()]);
            return Ok((buf.freeze(), false));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok((buf.freeze(), true))
}

/// A download read whole, when it is at most the client's largest response body
/// ([`crate::ClientBuilder::max_response_body`]); a larger one is [`Error::InvalidRequest`] saying
/// to stream it with `instead`.
pub(crate) async fn read_download<S>(
    client: &Client,
    chunks: S,
    instead: &str,
) -> crate::Result<Bytes>
where
    S: Stream<Item = reqwest::Result<Bytes>>,
{
    let cap = client.inner().state.max_json_body;
    match read_capped(chunks, cap).await? {
        (body, true) => Ok(body),
        (_, false) => Err(Error::InvalidRequest(format!(
            "the answer is larger than {cap} bytes, the client's largest: use {instead}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(sizes: &[usize]) -> impl Stream<Item = Result<Bytes, ()>> {
        let chunks: Vec<Result<Bytes, ()>> = sizes
            .iter()
            .enumerate()
            .map(|(i, n)| Ok(Bytes::from(vec![i as u8; *n])))
            .collect();
        futures_util::stream::iter(chunks)
    }

    #[tokio::test]
    async fn reads_up_to_the_cap_and_says_whether_that_was_all() {
        let (body, whole) = read_capped(chunks(&[3, 4]), 7).await.unwrap();
        assert_eq!((&body[..], whole), (&[0, 0, 0, 1, 1, 1, 1][..], true));
        let (body, whole) = read_capped(chunks(&[3, 4, 1]), 5).await.unwrap();
        assert_eq!((&body[..], whole), (&[0, 0, 0, 1, 1][..], false));
        let (body, whole) = read_capped(chunks(&[]), 0).await.unwrap();
        assert_eq!((body.len(), whole), (0, true));
        let (body, whole) = read_capped(chunks(&[1]), 0).await.unwrap();
        assert_eq!((body.len(), whole), (0, false));
    }

    #[tokio::test]
    async fn stops_reading_at_the_cap_and_passes_errors_on() {
        let endless =
            futures_util::stream::repeat_with(|| Ok::<_, ()>(Bytes::from_static(b"0123")));
        let (body, whole) = read_capped(endless, 10).await.unwrap();
        assert_eq!((&body[..], whole), (&b"0123012301"[..], false));
        let failing = futures_util::stream::iter([Ok(Bytes::from_static(b"ab")), Err("cut")]);
        assert_eq!(read_capped(failing, 10).await, Err("cut"));
    }
}
