//! Answers too large for an agent's context: the largest list (or text) in the answer is cut until
//! the whole fits the size limit (`--max-result-chars`), and a note says what was left out and how
//! to ask for the rest: the next position of a paged list (the spec's `x-sdk-paging`), or the
//! filters of one that does not page.

use serde_json::{Map, Value};

use super::catalog::Paging;

/// Longest strings are cut only past this many characters.
const MIN_CUT_STRING: usize = 64;

/// At most this many cuts (an answer needing more is returned as cut so far).
const MAX_CUTS: usize = 16;

/// What one cut left out.
#[derive(Debug, Clone)]
struct Cut {
    /// JSON pointer of the list or text.
    pointer: String,
    /// Items (or characters) kept.
    kept: usize,
    /// Items (or characters) there were.
    total: usize,
    /// A list (else a text).
    list: bool,
    /// The last item kept, for after-last paging.
    last: Option<Value>,
}

/// Cuts `value` to fit `limit` characters of compact JSON; returns the note saying what was left
/// out and how to get it, when anything was. `tool`, `args`, `paging`: the call, for the note.
pub fn fit(
    value: &mut Value,
    limit: usize,
    tool: &str,
    args: &Map<String, Value>,
    paging: Option<&Paging>,
) -> Option<String> {
    let mut cuts = Vec::new();
    let mut size = len(value);
    while size > limit && cuts.len() < MAX_CUTS {
        let Some((pointer, node_size)) = largest(value, "") else {
            break;
        };
        let Some(node) = value.pointer_mut(&pointer) else {
            break;
        };
        // The node may shrink by this much at most, to bring the answer to the limit.
        let room = node_size.saturating_sub(size - limit);
        let cut = shrink(node, room, pointer);
        size = len(value);
        cuts.push(cut);
    }
    if cuts.is_empty() {
        return None;
    }
    let mut lines = vec![format!(
        "The answer was cut to fit {limit} characters (the server's --max-result-chars)."
    )];
    for cut in &cuts {
        lines.push(note(cut, tool, args, paging, value));
    }
    Some(lines.join(" "))
}

fn len(value: &Value) -> usize {
    serde_json::to_string(value).map_or(0, |s| s.len())
}

/// The pointer and size of the largest list with items or long text in `value`.
fn largest(value: &Value, at: &str) -> Option<(String, usize)> {
    let own = match value {
        Value::Array(items) if !items.is_empty() => Some((at.to_string(), len(value))),
        Value::String(s) if s.chars().count() > MIN_CUT_STRING => {
            Some((at.to_string(), len(value)))
        }
        _ => None,
    };
    let children: Box<dyn Iterator<Item = Option<(String, usize)>>> = match value {
        Value::Array(items) => Box::new(
            items
                .iter()
                .enumerate()
                .map(move |(i, v)| largest(v, &format!("{at}/{i}"))),
        ),
        Value::Object(fields) => Box::new(fields.iter().map(move |(k, v)| {
            let key = k.replace('~', "~0").replace('/', "~1");
            largest(v, &format!("{at}/{key}"))
        })),
        _ => Box::new(std::iter::empty()),
    };
    // A list is cut as a whole before its items are: the outer one wins a tie.
    own.into_iter().chain(children.flatten()).fold(
        None,
        |best: Option<(String, usize)>, candidate| match &best {
            Some((_, size)) if *size >= candidate.1 => best,
            _ => Some(candidate),
        },
    )
}

/// Cuts the list or text at `node` to at most `room` characters of JSON (down to nothing).
fn shrink(node: &mut Value, room: usize, pointer: String) -> Cut {
    match node {
        Value::Array(items) => {
            let total = items.len();
            let low = longest_prefix(total, |n| len(&Value::Array(items[..n].to_vec())) <= room);
            items.truncate(low);
            Cut {
                pointer,
                kept: low,
                total,
                list: true,
                last: items.last().cloned(),
            }
        }
        Value::String(text) => {
            let chars: Vec<char> = text.chars().collect();
            let total = chars.len();
            let cut = |n: usize| chars[..n].iter().collect::<String>() + "…";
            let low = longest_prefix(total, |n| len(&Value::String(cut(n))) <= room);
            *text = cut(low);
            Cut {
                pointer,
                kept: low,
                total,
                list: false,
                last: None,
            }
        }
        _ => Cut {
            pointer,
            kept: 0,
            total: 0,
            list: false,
            last: None,
        },
    }
}

/// The largest `n <= total` for which `fits(n)` holds (`fits` holds for every smaller `n` too);
/// 0 when none does.
fn longest_prefix(total: usize, fits: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, total);
    while low < high {
        let mid = (low + high).div_ceil(2);
        if fits(mid) {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    low
}

/// What a cut left out and how to get it.
fn note(
    cut: &Cut,
    tool: &str,
    args: &Map<String, Value>,
    paging: Option<&Paging>,
    answer: &Value,
) -> String {
    let what = if cut.list { "items" } else { "characters" };
    let shown = format!(
        "`{}`: the first {} of {} {what} are shown.",
        cut.pointer, cut.kept, cut.total
    );
    let Some(paging) = paging.filter(|p| {
        cut.list
            && p.items
                .as_deref()
                .is_some_and(|i| cut.pointer == format!("/{i}"))
    }) else {
        let hint = if cut.list {
            " Narrow the request (its filters) to see the others."
        } else {
            ""
        };
        return format!("{shown}{hint}");
    };
    let number = |name: &str| args.get(name).and_then(Value::as_i64);
    let total = paging
        .total
        .as_ref()
        .and_then(|t| answer.get(t))
        .map(|t| format!(" ({t} in all)"))
        .unwrap_or_default();
    let kept = cut.kept as i64;
    let size = &paging.size;
    let rest = match (paging.style.as_str(), &paging.start) {
        ("offset", Some(start)) => {
            let at = number(start).unwrap_or(paging.first) + kept;
            format!(
                "call {tool} again with {start}={at} ({size}={} keeps answers this size)",
                kept.max(1)
            )
        }
        ("page", Some(start)) if kept > 0 => {
            let page = number(start).unwrap_or(paging.first);
            let page_size = number(size).unwrap_or(cut.total as i64);
            let next = (page - paging.first) * page_size + kept;
            if next % kept == 0 {
                format!(
                    "call {tool} again with {size}={kept} and {start}={}",
                    paging.first + next / kept
                )
            } else {
                format!(
                    "call {tool} again with a smaller {size} (at most {kept}) and walk {start} from {}",
                    paging.first
                )
            }
        }
        ("after-last", _) if cut.last.is_some() => {
            let last = cut.last.as_ref().expect("checked");
            let pairs: Vec<String> = paging
                .cursor
                .iter()
                .filter_map(|(param, field)| Some(format!("{param}={}", text_of(last.get(field)?))))
                .collect();
            format!(
                "call {tool} again with {} ({size}={kept} keeps answers this size)",
                pairs.join(", ")
            )
        }
        _ => format!("call {tool} again with a smaller {size}"),
    };
    format!("{shown} For the rest of the list{total}, {rest}.")
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
