//! Waiters: poll a ticket until something happens, bounded by a timeout.
//!
//! ```no_run
//! use std::time::Duration;
//! use huaweicloud_osm::prelude::*;
//! # async fn demo(client: Client, id: &str) -> Result<()> {
//! let reply = client.wait_for_new_message(id, Duration::from_secs(3600)).await?;
//! println!("{}", reply.content.as_deref().unwrap_or_default());
//! let status = client.wait_for_case_status(id, |s| s.is_closed(), Duration::from_secs(600)).await?;
//! # Ok(()) }
//! ```
//!
//! Each poll is an ordinary call (signed, retried as the client retries reads); the first is made
//! at once, the next after about 1 s, then 1.5 times longer each time, at most [`MAX_INTERVAL`]
//! apart. The whole wait, polls included, is bounded by its timeout: then the error is
//! [`Error::WaitTimeout`] (`err.is_timeout()`), saying what was awaited and what was last seen. A
//! poll that fails ends the wait with its error: a ticket that disappears ends it with not-found.

use std::collections::HashSet;
use std::future::Future;
use std::time::Duration;

use futures_util::TryStreamExt;

use crate::error::{Error, Result};
use crate::paginate::content_key;
use crate::values::CaseStatus;
use crate::{Client, types};

/// The wait before the second poll.
pub const FIRST_INTERVAL: Duration = Duration::from_secs(1);
/// The longest wait between two polls.
pub const MAX_INTERVAL: Duration = Duration::from_secs(10);

impl Client {
    /// Polls `ShowCaseStatus` until `wanted(status)` holds, and returns that status.
    pub async fn wait_for_case_status(
        &self,
        case_id: &str,
        wanted: impl Fn(CaseStatus) -> bool,
        timeout: Duration,
    ) -> Result<CaseStatus> {
        let mut last = None;
        let poll = || async {
            let answer = self.show_case_status().case_id(case_id).send().await?;
            let status = answer.status.unwrap_or_default();
            Ok((wanted(status), status))
        };
        let found = poll_until(timeout, poll, &mut last).await;
        found.unwrap_or_else(|| {
            Err(Error::WaitTimeout {
                awaited: format!("ticket {case_id} to reach the wanted status"),
                waited: timeout,
                last: last.map(|s: CaseStatus| format!("status {} ({s})", s.value())),
            })
        })
    }

    /// Waits for a message on the ticket newer than those it had when the wait began (an engineer's
    /// reply, say), polling `ListMessages`, and returns it (the earliest, when several arrived).
    pub async fn wait_for_new_message(
        &self,
        case_id: &str,
        timeout: Duration,
    ) -> Result<types::QueryMessageInfoV2> {
        let started = tokio::time::Instant::now();
        let messages = || async {
            self.list_messages()
                .case_id(case_id)
                .limit(100)
                .stream()
                .try_collect::<Vec<_>>()
                .await
        };
        let before: HashSet<String> = match tokio::time::timeout(timeout, messages()).await {
            Ok(listed) => listed?.iter().map(content_key).collect(),
            Err(_) => Default::default(),
        };
        let remaining = timeout.saturating_sub(started.elapsed());
        let mut nothing_new = None;
        let poll = || async {
            let mut new: Vec<types::QueryMessageInfoV2> = messages()
                .await?
                .into_iter()
                .filter(|m| !before.contains(&content_key(m)))
                .collect();
            new.sort_by(|a, b| a.create_time.cmp(&b.create_time));
            Ok((!new.is_empty(), new.into_iter().next()))
        };
        let found = poll_until(remaining, poll, &mut nothing_new).await;
        match found {
            Some(Ok(Some(message))) => Ok(message),
            Some(Err(e)) => Err(e),
            _ => Err(Error::WaitTimeout {
                awaited: format!("a new message on ticket {case_id}"),
                waited: timeout,
                last: Some(format!("{} message(s) already there", before.len())),
            }),
        }
    }
}

/// Calls `poll` until it says done, waiting between calls, for at most `timeout` in all. `None`
/// when the time ran out (`last` then holds what the last poll saw); `Some` of the done value or
/// of the first error.
async fn poll_until<T, F, Fut>(
    timeout: Duration,
    mut poll: F,
    last: &mut Option<T>,
) -> Option<Result<T>>
where
    T: Clone,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(bool, T)>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    let mut interval = FIRST_INTERVAL;
    let outcome = tokio::time::timeout_at(deadline, async {
        loop {
            match poll().await {
                Ok((true, value)) => return Ok(value),
                Ok((false, value)) => *last = Some(value),
                Err(e) => return Err(e),
            }
            tokio::time::sleep(interval).await;
            interval = interval.mul_f64(1.5).min(MAX_INTERVAL);
        }
    })
    .await;
    outcome.ok()
}
