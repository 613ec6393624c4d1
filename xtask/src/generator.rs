//! Rule `generator`: progenitor runs with the project's settings ([`crate::generate`], the very
//! code `build.rs` runs), and an error or a panic becomes a finding, never a crash.
//!
//! When the whole spec fails, the generator is run again on halves of the operations (with all
//! components), down to the operations that fail on their own, to say where; a failure of the
//! components alone, or of operations only together, is reported once for the document.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use serde_json::Value;

use crate::findings::Findings;
use crate::generate::{self, Generated};
use crate::model::operations;
use crate::rules::catalog;
use crate::spec::Spec;

thread_local! {
    static SILENT: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Runs `f`, turning a panic into `Err` with the panic message. While it runs, panics on this
/// thread print nothing (other threads keep the usual panic output).
pub fn catch_silently<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !SILENT.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = SILENT.with(|s| s.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    SILENT.with(|s| s.set(was));
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "(no message)".into())
    })
}

/// Runs the generator on a document; `Err` carries the error or panic text.
pub fn run(doc: Value) -> Result<Generated, String> {
    match catch_silently(|| generate::generate(doc)) {
        Ok(Ok(generated)) => Ok(generated),
        Ok(Err(e)) => Err(e),
        Err(panic) => Err(format!("progenitor panicked: {panic}")),
    }
}

/// A copy of the document with only the given operations (`(path, method)`), components kept.
fn isolate(doc: &Value, keep: &[(&str, &str)]) -> Value {
    let mut doc = doc.clone();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        paths.retain(|path, _| keep.iter().any(|(p, _)| p == path));
        for (path, item) in paths.iter_mut() {
            if let Some(item) = item.as_object_mut() {
                item.retain(|k, _| {
                    !generate::METHODS.contains(&k.as_str())
                        || keep.iter().any(|(p, m)| p == path && m == k)
                });
            }
        }
    }
    doc
}

/// The operations that fail on their own, found by bisection (a half that generates is not
/// searched further). Failures that only arise from two operations together are not found.
fn failing_operations<'a>(
    doc: &Value,
    ops: &[(&'a str, &'a str)],
    out: &mut Vec<((&'a str, &'a str), String)>,
) {
    match ops {
        [] => {}
        [one] => {
            if let Err(m) = run(isolate(doc, ops)) {
                out.push((*one, m));
            }
        }
        _ => {
            if run(isolate(doc, ops)).is_err() {
                let (a, b) = ops.split_at(ops.len() / 2);
                failing_operations(doc, a, out);
                failing_operations(doc, b, out);
            }
        }
    }
}

/// Runs the generator on the spec and records `generator` findings. Returns what it generated.
pub fn check(spec: &Spec, findings: &mut Findings) -> Option<Generated> {
    let message = match run(spec.doc.clone()) {
        Ok(generated) => return Some(generated),
        Err(message) => message,
    };
    let ops: Vec<_> = operations(&spec.doc)
        .into_iter()
        .filter(|o| !o.is_manual())
        .collect();
    if !ops.is_empty() && run(isolate(&spec.doc, &[])).is_ok() {
        let keys: Vec<(&str, &str)> = ops.iter().map(|o| (o.path, o.method)).collect();
        let mut failing = Vec::new();
        failing_operations(&spec.doc, &keys, &mut failing);
        if !failing.is_empty() {
            for ((path, method), m) in failing {
                let Some(op) = ops.iter().find(|o| o.path == path && o.method == method) else {
                    continue;
                };
                findings.add(
                    &catalog::GENERATOR,
                    spec.line(&op.pointer),
                    &op.pointer,
                    format!(
                        "generating {} fails: {}",
                        op.label(),
                        crate::text::shorten(&crate::text::one_line(&m), 300)
                    ),
                );
            }
            return None;
        }
    }
    let (pointer, what) = match locate_message(spec, &message) {
        Some(p) => p,
        None => (String::new(), "the client".to_string()),
    };
    findings.add(
        &catalog::GENERATOR,
        spec.line(&pointer),
        &pointer,
        format!(
            "generating {what} fails: {}",
            crate::text::shorten(&crate::text::one_line(&message), 300)
        ),
    );
    None
}

/// Finds the operation or path a generator message names.
fn locate_message(spec: &Spec, message: &str) -> Option<(String, String)> {
    let ops = operations(&spec.doc);
    let by_id = ops.iter().find(|o| {
        o.id().is_some_and(|id| {
            message.contains(&format!(" {id}"))
                || message.contains(&format!("{id}:"))
                || message.ends_with(id)
        })
    });
    if let Some(op) = by_id {
        return Some((op.pointer.clone(), op.label()));
    }
    ops.iter()
        .find(|o| message.contains(&format!("path {} ", o.path)) || message.ends_with(o.path))
        .map(|o| (o.path_pointer.clone(), format!("path {}", o.path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message() {
        let r: Result<(), String> = catch_silently(|| panic!("boom {}", 1));
        assert_eq!(r.unwrap_err(), "boom 1");
        assert_eq!(catch_silently(|| 3), Ok(3));
    }
}
