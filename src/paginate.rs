//! Paginators: every item of every page, or every page, of the 14 operations that page.
//!
//! Each paged operation's builder has `.stream()` (the items, across pages) and `.pages()` (the
//! whole answers, totals included); the binary export `DownloadCases` has `.pages()`. Both are
//! lazy (no request until polled), keep every filter the builder set, and send the page size it
//! set, or the documented default (10).
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//! use huaweicloud_osm::prelude::*;
//! # async fn demo(client: Client) -> Result<()> {
//! let open: Vec<types::IncidentInfoV2> = client
//!     .list_cases()
//!     .status(CaseStatus::PROCESSING)
//!     .limit(50)
//!     .stream()
//!     .try_collect()
//!     .await?;
//! let mut pages = client.list_cases().limit(50).pages();
//! if let Some(first) = pages.try_next().await? {
//!     println!("{} tickets in all", first.total_count.unwrap_or_default());
//! }
//! # Ok(()) }
//! ```
//!
//! ## How the position advances, and the evidence for it
//!
//! The paged operations come in three styles, declared per operation in the spec
//! (`x-sdk-paging`) and turned into these builders by `xtask/codegen/src/paging.rs`:
//!
//! * **`offset`/`limit` counting items** (ListCases, ListMessages, ListCaseOperateLogs, ListLabels,
//!   ListAuthorizations, ListHistorySessions, ListTransportHistories, ListHistoryOperateLogs,
//!   DownloadCases): the next page starts at the previous offset plus the items it held. The docs
//!   call `offset` the "query offset" (查询偏移量), with minimum 0 and no default, beside `limit`
//!   "the quantity limit of the query" (0–100), and this API pages by number under other names
//!   (`page_no`, `pageNo`); nothing documents `offset` as a page number for these operations.
//! * **page numbers** (ListCasesV1 and ListOrderIncident with `pageNo`/`pageSize`,
//!   ListDiagnoseRecords with `page_no`/`page_size`, first page 1; and ListHasVerifiedContacts,
//!   whose `offset` the docs give the **default 1** (缺省值：1), which only a page number starting at
//!   1 makes sense of): the next page is the next number.
//! * **after the last item** (ListMoreInstantMessages): the next page is asked for with the
//!   `create_time` and `type` of the last message received, as its docs describe.
//!
//! Whatever the style, a walk ends on an empty page, on a short page (fewer items than the page
//! size), when the reported total is reached, or on a page that brings nothing new; it never yields
//! the same item twice, even when the list shifts while it is read (a ticket created mid-walk
//! pushes the others one place down): items are told apart by their id where they have one, by
//! their whole content otherwise. A failed page ends the stream with its error.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use progenitor_client::{ByteStream, ResponseValue};

use crate::Client;
use crate::error::{Error, Result};

/// A stream of items across pages.
pub type Items<'a, T> = BoxStream<'a, Result<T>>;
/// A stream of whole pages.
pub type Pages<'a, T> = BoxStream<'a, Result<T>>;
/// The future of one page.
pub type Fetch<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// How the position of a paged operation advances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The position counts items.
    Offset,
    /// The position is a page number.
    Page,
    /// The next page is asked for with fields of the last item.
    AfterLast,
}

/// How an operation pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// How the position advances.
    pub style: Style,
    /// The first position (0 for offsets, usually 1 for page numbers).
    pub first: i64,
    /// The page size sent when the builder set none.
    pub default_size: i32,
    /// Whether a page's items can be counted (false for a binary export).
    pub counted: bool,
}

/// A builder of a paged operation; implemented by the generated builders.
pub trait Paged<'a>: Clone + Send + Sized + 'a {
    /// The whole answer of one page.
    type Page: Send + 'a;
    /// One item of a page.
    type Item: Send + 'a;
    /// How the operation pages.
    const PAGING: Paging;
    /// The position and page size the caller set (an error: a setter's conversion failed).
    fn position(&self) -> std::result::Result<(Option<i32>, Option<i32>), String>;
    /// The builder for the page at `start`, of `size` items.
    fn at(self, start: i32, size: i32) -> Self;
    /// After-last style: the builder for the page after `page`.
    fn after(self, page: &Self::Page) -> Option<Self> {
        let _ = page;
        None
    }
    /// Sends the request for one page.
    fn fetch(self) -> Fetch<'a, Self::Page>;
    /// The items of a page.
    fn items(page: &Self::Page) -> &[Self::Item];
    /// The number of items of a page (for a binary page, its bytes).
    fn len(page: &Self::Page) -> usize {
        Self::items(page).len()
    }
    /// The total the page reports, if any.
    fn total(page: &Self::Page) -> Option<i64>;
    /// The items of a page, taken out of it.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;
    /// What tells an item apart from the others.
    fn key(item: &Self::Item) -> String;
}

/// A position or page size as a generated builder holds it: optional parameters as
/// `Result<Option<i32>, String>`, required ones as `Result<i32, String>` (an error until set).
pub trait Setting {
    /// The value the caller set, if any; an error when a conversion the caller asked for failed.
    fn read(self) -> std::result::Result<Option<i32>, String>;
}

impl Setting for std::result::Result<Option<i32>, String> {
    fn read(self) -> std::result::Result<Option<i32>, String> {
        self
    }
}

impl Setting for std::result::Result<i32, String> {
    /// A required parameter not set yet is simply unset: the walk sets it.
    fn read(self) -> std::result::Result<Option<i32>, String> {
        Ok(self.ok())
    }
}

/// Every page of a paged operation.
pub fn pages<'a, P: Paged<'a>>(builder: P) -> Pages<'a, P::Page> {
    walk(builder).map_ok(|(page, _)| page).boxed()
}

/// Every item of every page of a paged operation, each once.
pub fn items<'a, P: Paged<'a>>(builder: P) -> Items<'a, P::Item> {
    walk(builder)
        .map_ok(|(page, fresh)| {
            stream::iter(
                P::into_items(page)
                    .into_iter()
                    .zip(fresh)
                    .filter_map(|(item, fresh)| fresh.then_some(Ok(item))),
            )
        })
        .try_flatten()
        .boxed()
}

/// Where a walk stands.
struct Walk<P> {
    /// The builder of the next page; `None` once the walk is over.
    next: Option<P>,
    /// The position of the next page (offset or page number).
    start: i64,
    /// The page size sent.
    size: i32,
    /// Items received before the next page.
    received: i64,
    /// The keys of the items seen.
    seen: HashSet<String>,
}

/// The pages of a walk, each with which of its items are new.
fn walk<'a, P: Paged<'a>>(builder: P) -> BoxStream<'a, Result<(P::Page, Vec<bool>)>> {
    let begin = move || -> Result<Walk<P>> {
        let (start, size) = builder.position().map_err(Error::InvalidRequest)?;
        let paging = P::PAGING;
        let size = size.filter(|s| *s > 0).unwrap_or(paging.default_size);
        let start = start.map_or(paging.first, i64::from);
        let next = match paging.style {
            Style::AfterLast => builder.at(0, size),
            Style::Offset | Style::Page => builder.at(position(start)?, size),
        };
        Ok(Walk {
            next: Some(next),
            start,
            size,
            received: 0,
            seen: HashSet::new(),
        })
    };
    stream::once(async move { begin() })
        .map_ok(|walk| stream::try_unfold(walk, step::<P>))
        .try_flatten()
        .boxed()
}

fn position(n: i64) -> Result<i32> {
    i32::try_from(n).map_err(|_| {
        Error::InvalidRequest(format!(
            "the page position {n} is beyond what the API takes"
        ))
    })
}

async fn step<'a, P: Paged<'a>>(
    mut walk: Walk<P>,
) -> Result<Option<((P::Page, Vec<bool>), Walk<P>)>> {
    let Some(builder) = walk.next.take() else {
        return Ok(None);
    };
    let page = builder.clone().fetch().await?;
    let n = P::len(&page);
    let paging = P::PAGING;
    // Which items are new (the list may have shifted since the last page).
    let fresh: Vec<bool> = P::items(&page)
        .iter()
        .map(|item| walk.seen.insert(P::key(item)))
        .collect();
    let anything_new = fresh.iter().any(|f| *f);
    // How many items precede the end of this page in the whole list.
    let through = n as i64
        + match paging.style {
            Style::Offset => walk.start,
            Style::Page => (walk.start - paging.first) * i64::from(walk.size),
            Style::AfterLast => walk.received,
        };
    walk.received += n as i64;
    let reached = P::total(&page).is_some_and(|total| through >= total);
    let short = paging.counted && n < walk.size as usize;
    let over = n == 0 || short || reached || !anything_new;
    if !over {
        walk.next = match paging.style {
            Style::Offset => {
                // A binary page's items cannot be counted: it is taken to be a full page.
                walk.start += if paging.counted {
                    n as i64
                } else {
                    i64::from(walk.size)
                };
                Some(builder.at(position(walk.start)?, walk.size))
            }
            Style::Page => {
                walk.start += 1;
                Some(builder.at(position(walk.start)?, walk.size))
            }
            Style::AfterLast => builder.after(&page),
        };
    }
    Ok(Some(((page, fresh), walk)))
}

/// An item's whole content, as a key (for items without an id): its `Debug` text, which every
/// generated type has and which shows every field (a client derives `Serialize` only on what
/// requests send: see the `serde-serialize` feature).
pub fn content_key<T: std::fmt::Debug + ?Sized>(item: &T) -> String {
    format!("{item:?}")
}

/// A binary page, read whole: at most the client's largest response body
/// ([`crate::ClientBuilder::max_response_body`]); a larger page is [`Error::InvalidRequest`] (send
/// the request with `send()` and stream it instead).
pub async fn collect(client: &Client, answer: ResponseValue<ByteStream>) -> Result<Bytes> {
    let chunks = answer.into_inner().into_inner();
    crate::body::read_download(client, chunks, "`send()` and stream the answer").await
}
