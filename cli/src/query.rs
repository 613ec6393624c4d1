//! `--query`: a JMESPath expression (the `jmespath` crate, the reference implementation's Rust
//! port) applied to the JSON answer before it is printed, as `aws --query` does.

use std::sync::OnceLock;

use anyhow::Context as _;
use serde_json::Value;

/// The compiled `--query`, checked before anything is sent.
static EXPRESSION: OnceLock<Option<jmespath::Expression<'static>>> = OnceLock::new();

/// Compiles `--query` (a usage error when it is not JMESPath).
pub fn compile(text: Option<&str>) -> Result<(), String> {
    let compiled = match text {
        Some(text) => Some(
            jmespath::compile(text)
                .map_err(|e| format!("--query is not a JMESPath expression: {e}"))?,
        ),
        None => None,
    };
    let _ = EXPRESSION.set(compiled);
    Ok(())
}

/// `value` through `--query` (as it is without one).
pub fn apply(value: Value) -> anyhow::Result<Value> {
    let Some(Some(expression)) = EXPRESSION.get() else {
        return Ok(value);
    };
    let found = expression
        .search(&value)
        .with_context(|| format!("--query {}", expression.as_str()))?;
    Ok(serde_json::to_value(&*found)?)
}
