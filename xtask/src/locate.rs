//! Maps JSON pointers to the YAML lines they came from, and finds duplicate mapping keys.
//!
//! The spec is parsed twice: by the generator's `yaml` module (exactly as `build.rs` does) for its
//! value, and here, from `saphyr-parser`'s events too, for their positions. A pointer's line is the line of its mapping key
//! (`summary: …`) or of its sequence item (`- name: …`); a pointer that has no node of its own (a
//! missing key, or a value inside an alias) gets the line of its nearest ancestor.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser};

/// One key that appears twice in the same mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// Pointer of the key (the value that is kept is the last one).
    pub pointer: String,
    /// Line of the repeated key.
    pub line: usize,
    /// Line of the first occurrence.
    pub first_line: usize,
}

/// Line index of a YAML document.
#[derive(Debug, Default)]
pub struct Locator {
    lines: HashMap<String, usize>,
    duplicates: Vec<DuplicateKey>,
}

enum Frame {
    Map {
        pointer: String,
        key: Option<String>,
        seen: HashMap<String, usize>,
    },
    Seq {
        pointer: String,
        index: usize,
    },
    /// A mapping or sequence used as a key: its content is not addressable.
    Skip,
}

/// Escapes one reference token of a JSON pointer (`~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends an (unescaped) token to a pointer.
pub fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape(token))
}

/// Splits a pointer into its unescaped tokens.
pub fn tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

impl Locator {
    /// Indexes `text`. A text this parser rejects yields an index that puts everything on line 1.
    pub fn new(text: &str) -> Locator {
        let mut loc = Locator::default();
        loc.lines.insert(String::new(), 1);
        let mut stack: Vec<Frame> = Vec::new();
        let mut documents = 0;
        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            let line = span.start.line();
            match event {
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        break;
                    }
                }
                Event::Scalar(value, ..) => loc.key_or_value(&mut stack, Some(&value), line),
                Event::Alias(_) => loc.key_or_value(&mut stack, None, line),
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    let is_map = matches!(event, Event::MappingStart(..));
                    let frame = match loc.value_pointer(&mut stack, line) {
                        Some(pointer) if is_map => Frame::Map {
                            pointer,
                            key: None,
                            seen: HashMap::new(),
                        },
                        Some(pointer) => Frame::Seq { pointer, index: 0 },
                        None => Frame::Skip,
                    };
                    stack.push(frame);
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    // A complex key is followed by its value: the mapping still waits for it.
                    let ended_key = matches!(stack.pop(), Some(Frame::Skip));
                    if !ended_key {
                        loc.after_value(&mut stack);
                    }
                }
                _ => {}
            }
        }
        loc
    }

    /// Handles a scalar or alias: a key if the enclosing mapping waits for one, else a value.
    fn key_or_value(&mut self, stack: &mut [Frame], scalar: Option<&str>, line: usize) {
        if let Some(Frame::Map {
            pointer, key, seen, ..
        }) = stack.last_mut()
            && key.is_none()
        {
            let name = scalar.unwrap_or("*alias").to_string();
            let child = join(pointer, &name);
            if let Some(&first_line) = seen.get(&name) {
                self.duplicates.push(DuplicateKey {
                    pointer: child.clone(),
                    line,
                    first_line,
                });
            } else {
                seen.insert(name.clone(), line);
            }
            self.lines.insert(child, line);
            *key = Some(name);
            return;
        }
        self.value_pointer(stack, line);
        self.after_value(stack);
    }

    /// The pointer of a value that starts now (recording its line for sequence items), or `None`
    /// when it is a complex mapping key.
    fn value_pointer(&mut self, stack: &mut [Frame], line: usize) -> Option<String> {
        match stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Map { pointer, key, .. }) => match key {
                Some(k) => Some(join(pointer, k)),
                None => {
                    // A mapping or sequence as a key; keep the structure balanced.
                    *key = Some("?".into());
                    None
                }
            },
            Some(Frame::Seq { pointer, index }) => {
                let child = join(pointer, &index.to_string());
                self.lines.entry(child.clone()).or_insert(line);
                Some(child)
            }
            Some(Frame::Skip) => None,
        }
    }

    /// Moves the enclosing collection on after a complete value.
    fn after_value(&mut self, stack: &mut [Frame]) {
        match stack.last_mut() {
            Some(Frame::Map { key, .. }) => *key = None,
            Some(Frame::Seq { index, .. }) => *index += 1,
            _ => {}
        }
    }

    /// The line of the node at `pointer`, or of its nearest ancestor that has one.
    pub fn line(&self, pointer: &str) -> usize {
        let mut p = pointer;
        loop {
            if let Some(&line) = self.lines.get(p) {
                return line;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return 1,
            }
        }
    }

    /// Keys that appear twice in one mapping.
    pub fn duplicates(&self) -> &[DuplicateKey] {
        &self.duplicates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "\
openapi: 3.0.3
paths:
  /v1/x/{id}:
    get:
      parameters:
        - name: id
          in: path
        - {name: q, in: query}
      responses:
        '200':
          description: ok
        4XX:
          $ref: '#/components/responses/Error'
tags: [a, b]
";

    #[test]
    fn lines_of_keys_items_and_flow_nodes() {
        let loc = Locator::new(YAML);
        assert_eq!(loc.line(""), 1);
        assert_eq!(loc.line("/openapi"), 1);
        assert_eq!(loc.line("/paths/~1v1~1x~1{id}"), 3);
        assert_eq!(loc.line("/paths/~1v1~1x~1{id}/get/parameters/0"), 6);
        assert_eq!(loc.line("/paths/~1v1~1x~1{id}/get/parameters/0/in"), 7);
        assert_eq!(loc.line("/paths/~1v1~1x~1{id}/get/parameters/1"), 8);
        assert_eq!(loc.line("/paths/~1v1~1x~1{id}/get/parameters/1/in"), 8);
        assert_eq!(loc.line("/paths/~1v1~1x~1{id}/get/responses/200"), 10);
        assert_eq!(loc.line("/paths/~1v1~1x~1{id}/get/responses/4XX/$ref"), 13);
        assert_eq!(loc.line("/tags/1"), 14);
    }

    #[test]
    fn missing_nodes_fall_back_to_their_nearest_ancestor() {
        let loc = Locator::new(YAML);
        assert_eq!(loc.line("/paths/~1v1~1x~1{id}/get/summary"), 4);
        assert_eq!(loc.line("/nowhere/at/all"), 1);
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_lines() {
        let loc = Locator::new("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n");
        let d = loc.duplicates();
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0],
            DuplicateKey {
                pointer: "/b/c".into(),
                line: 4,
                first_line: 3
            }
        );
        assert_eq!(d[1].pointer, "/a");
        assert_eq!((d[1].line, d[1].first_line), (5, 1));
    }

    #[test]
    fn pointer_tokens_round_trip() {
        let p = join(&join("", "/v1/a~b"), "get");
        assert_eq!(p, "/~1v1~1a~0b/get");
        assert_eq!(tokens(&p), vec!["/v1/a~b".to_string(), "get".to_string()]);
    }
}
