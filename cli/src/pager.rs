//! Paged operations (`x-sdk-paging`): the page asked for, with a note on standard error when it is
//! not the last; every page with `--all`; the first N items with `--max-items N`; every item a
//! line with `--output jsonl`. Walks go through the SDK's paginators (`huaweicloud_osm::paginate`),
//! which keep the filters and page size and never yield an item twice.

use futures::{StreamExt, TryStreamExt};
use huaweicloud_osm::paginate::{self, Paged, Style};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::options::{self, Format};
use crate::output;

/// Runs a paged operation's request; `items` is the answer's list field.
pub async fn run<'a, P>(request: P, items: &str) -> anyhow::Result<()>
where
    P: Paged<'a>,
    P::Page: Serialize + JsonSchema,
    P::Item: Serialize,
{
    let options = options::options();
    let limit = options.max_items;
    if options.format == Some(Format::Jsonl) {
        let stream = paginate::items(request);
        let mut stream = match limit {
            Some(n) => stream.take(n).boxed(),
            None => stream,
        };
        while let Some(item) = stream.try_next().await? {
            output::line(serde_json::to_value(&item)?);
        }
        return Ok(());
    }
    let schema = output::schema_of::<P::Page>();
    if !options.all && limit.is_none() {
        let position = request.position().ok();
        let page = request.fetch().await?;
        if let Some(more) = more_after::<P>(&page, position) {
            output::note(&more);
        }
        output::print(serde_json::to_value(&page)?, &schema);
        return Ok(());
    }
    // Every page (or enough for N items), as one answer: the first page's fields, all the items.
    let mut pages = paginate::pages(request);
    let mut whole: Option<Value> = None;
    let mut count = 0usize;
    while let Some(page) = pages.try_next().await? {
        let mut page = serde_json::to_value(&page)?;
        let list = match page.get_mut(items).map(Value::take) {
            Some(Value::Array(list)) => list,
            _ => Vec::new(),
        };
        let merged = whole.get_or_insert_with(|| {
            page[items] = Value::Array(Vec::new());
            page
        });
        if let Some(Value::Array(all)) = merged.get_mut(items) {
            for item in list {
                if limit.is_some_and(|n| count >= n) {
                    break;
                }
                all.push(item);
                count += 1;
            }
        }
        if limit.is_some_and(|n| count >= n) {
            break;
        }
    }
    output::print(whole.unwrap_or(Value::Null), &schema);
    Ok(())
}

/// A note when more items follow the page shown: from the total it reports, or a full page.
fn more_after<'a, P: Paged<'a>>(
    page: &P::Page,
    position: Option<(Option<i32>, Option<i32>)>,
) -> Option<String> {
    let paging = P::PAGING;
    let (start, size) = position.unwrap_or_default();
    let size = i64::from(size.filter(|s| *s > 0).unwrap_or(paging.default_size));
    let start = start.map_or(paging.first, i64::from);
    let n = P::len(page) as i64;
    let before = match paging.style {
        Style::Offset => start,
        Style::Page => (start - paging.first) * size,
        Style::AfterLast => 0,
    };
    let shown = format!("{n} item{}", if n == 1 { "" } else { "s" });
    let hint = "--all for every page, --max-items N for the first N";
    match P::total(page) {
        Some(total) if before + n < total => Some(format!(
            "showing {shown} ({}-{} of {total}); {hint}",
            before + 1,
            before + n
        )),
        Some(_) => None,
        None if paging.counted && n > 0 && n >= size => Some(format!(
            "showing {shown}, a full page: more may follow; {hint}"
        )),
        None => None,
    }
}
