//! The spec's YAML as JSON, read with `saphyr-parser` (the event parser `cargo xtask validate`
//! also locates lines with) and typed as serde_yaml types plain scalars.
//!
//! Every build of the SDK parses the spec once, in its build script; serde_yaml and the C-derived
//! unsafe-libyaml under it were a second and a half of compile time in every user's first build,
//! for one call (BENCHMARKS.md, "Build cost"). The value is the one serde_yaml gives: quoted and
//! block scalars are strings, a plain scalar is null (`~`, `null`, empty), a boolean (`true`,
//! `False`…), an integer (decimal, `0x`, `0o`, `0b`; not with a leading zero, which YAML 1.2 reads
//! as text), a float (`.inf` and `.nan`, which JSON cannot hold, are null), or else a string;
//! `!!str` keeps a plain scalar a string; mapping keys are their text; aliases repeat their
//! anchor's value; a second document is an error, as it is to serde_yaml. xtask's tests check
//! that both parsers give the same value for every spec in the repository.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Value};

/// An open collection: its content so far and its anchor (0 for none).
enum Open {
    /// A mapping, and the key waiting for its value.
    Map(Map<String, Value>, Option<String>, usize),
    /// A sequence.
    Seq(Vec<Value>, usize),
}

/// A YAML text that is not well-formed, or a structure JSON cannot hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// The line (1-based) of the error, when the parser knows it.
    pub line: Option<usize>,
    /// What is wrong, with the line and column when known.
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn error(message: &str) -> YamlError {
    YamlError {
        line: None,
        message: format!("YAML error: {message}"),
    }
}

/// Parses YAML text into JSON (see the module's documentation).
pub fn to_json(text: &str) -> Result<Value, YamlError> {
    let mut open: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, Value> = HashMap::new();
    let mut root = None;
    for event in Parser::new_from_str(text) {
        let (event, _) = event.map_err(|e| YamlError {
            line: Some(e.marker().line()),
            message: format!(
                "YAML error at line {}, column {}: {}",
                e.marker().line(),
                e.marker().col() + 1,
                e.info()
            ),
        })?;
        let (value, anchor) = match event {
            Event::MappingStart(anchor, _) => {
                open.push(Open::Map(Map::new(), None, anchor));
                continue;
            }
            Event::SequenceStart(anchor, _) => {
                open.push(Open::Seq(Vec::new(), anchor));
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => match open.pop() {
                Some(Open::Map(map, _, anchor)) => (Value::Object(map), anchor),
                Some(Open::Seq(items, anchor)) => (Value::Array(items), anchor),
                None => return Err(error("a collection ends that never started")),
            },
            Event::Scalar(text, style, anchor, tag) => {
                // A mapping key is its text, whatever it would be as a value.
                if let Some(Open::Map(_, key @ None, _)) = open.last_mut() {
                    *key = Some(text.into_owned());
                    continue;
                }
                let is_str = tag.is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str");
                (scalar(&text, style, is_str), anchor)
            }
            Event::Alias(id) => {
                let value = anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| error("an alias of an unknown anchor"))?;
                (value, 0)
            }
            Event::DocumentStart(_) if root.is_some() => {
                return Err(error("more than one document (the spec is one)"));
            }
            _ => continue,
        };
        if anchor > 0 {
            anchors.insert(anchor, value.clone());
        }
        match open.last_mut() {
            None => root = Some(value),
            Some(Open::Seq(items, _)) => items.push(value),
            Some(Open::Map(map, key, _)) => match key.take() {
                Some(key) => {
                    map.insert(key, value);
                }
                None => return Err(error("a mapping key that is not a scalar")),
            },
        }
    }
    Ok(root.unwrap_or(Value::Null))
}

/// The value of one scalar (see the module's documentation).
fn scalar(text: &str, style: ScalarStyle, is_str: bool) -> Value {
    if style != ScalarStyle::Plain || is_str {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = integer(text) {
        return n;
    }
    if !leading_zero(text)
        && let Some(f) = float(text)
    {
        return serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number);
    }
    Value::String(text.to_string())
}

/// Digits after a leading zero (`0123`): text in YAML 1.2, not a number.
fn leading_zero(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    digits.len() > 1 && digits.starts_with('0') && digits[1..].bytes().all(|b| b.is_ascii_digit())
}

/// An integer in decimal, `0x`, `0o` or `0b`, with a sign (`+` only before a non-negative one).
fn integer(text: &str) -> Option<Value> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.starts_with(['+', '-']) {
        return None;
    }
    let (radix, digits) = [("0x", 16), ("0o", 8), ("0b", 2)]
        .iter()
        .find_map(|(prefix, radix)| digits.strip_prefix(prefix).map(|d| (*radix, d)))
        .unwrap_or((10, digits));
    if digits.starts_with(['+', '-']) || (radix == 10 && leading_zero(text)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if !negative {
        return Some(Value::from(magnitude));
    }
    let n = 0i64.checked_sub_unsigned(magnitude)?;
    Some(Value::from(n))
}

/// A float as Rust reads one, plus YAML's `.inf`, `-.inf` and `.nan` spellings.
fn float(text: &str) -> Option<f64> {
    let unsigned = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => text,
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    unsigned.parse::<f64>().ok().filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_are_typed_as_serde_yaml_types_them() {
        let text = "\
a: ~
b: ''
c: True
d: 'true'
e: 42
f: -0x1F
g: 0o17
h: 0123
i: 1.5e3
j: .inf
k: '200'
l: !!str 12
m: |
  two
  lines
n: +7
o: 1_000
p: -x
q: 0
";
        assert_eq!(
            to_json(text).unwrap(),
            json!({
                "a": null, "b": "", "c": true, "d": "true", "e": 42, "f": -31, "g": 15,
                "h": "0123", "i": 1500.0, "j": null, "k": "200", "l": "12", "m": "two\nlines\n",
                "n": 7, "o": "1_000", "p": "-x", "q": 0
            })
        );
    }

    #[test]
    fn keys_collections_aliases_and_errors() {
        let text = "\
200: {description: ok}
list: [1, &x {a: 1}, *x]
nested:
  - - deep
";
        assert_eq!(
            to_json(text).unwrap(),
            json!({
                "200": {"description": "ok"},
                "list": [1, {"a": 1}, {"a": 1}],
                "nested": [["deep"]]
            })
        );
        assert_eq!(to_json("").unwrap(), Value::Null);
        assert_eq!(to_json("---\na: 1\n...\n").unwrap(), json!({"a": 1}));
        assert!(to_json("a: 1\n---\nb: 2\n").is_err());
        let err = to_json("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.message.starts_with("YAML error at line "), "{err}");
        assert!(err.line.is_some_and(|l| l >= 1), "{err:?}");
        assert!(to_json("? [a]\n: 1\n").is_err());
    }
}
