//! What the validator reports: [`Finding`]s, each naming a [`Rule`], and how they are printed.

use crate::rules::catalog::Rule;

/// One thing wrong with a spec, located precisely enough to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The spec file, as the user named it (or relative to the working directory).
    pub file: String,
    /// 1-based line of the YAML node the finding is about.
    pub line: usize,
    /// JSON pointer (RFC 6901) into the spec, e.g. `/paths/~1v2~1x/get/responses`.
    pub pointer: String,
    /// Stable kebab-case rule name, e.g. `single-success-schema`.
    pub rule: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl Finding {
    /// The finding as a JSON object with the fields `file`, `line`, `pointer`, `rule`, `message`
    /// and `hint`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "file": self.file,
            "line": self.line,
            "pointer": self.pointer,
            "rule": self.rule,
            "message": self.message,
            "hint": self.hint,
        })
    }

    /// The finding for a person: `file:line: [rule] pointer: message` and an indented hint.
    pub fn to_human(&self) -> String {
        let pointer = if self.pointer.is_empty() {
            "(document)"
        } else {
            &self.pointer
        };
        format!(
            "{}:{}: [{}] {}: {}\n  hint: {}",
            self.file, self.line, self.rule, pointer, self.message, self.hint
        )
    }
}

/// Collects findings for one spec; every rule reports through it.
#[derive(Debug)]
pub struct Findings {
    file: String,
    items: Vec<Finding>,
}

impl Findings {
    /// An empty collection for the spec shown to the user as `file`.
    pub fn new(file: impl Into<String>) -> Self {
        Findings {
            file: file.into(),
            items: Vec::new(),
        }
    }

    /// Records a finding of `rule` at `pointer` (found on `line`) with the rule's standard hint.
    pub fn add(&mut self, rule: &Rule, line: usize, pointer: &str, message: impl Into<String>) {
        self.add_with_hint(rule, line, pointer, message, rule.hint);
    }

    /// Records a finding with a hint written for this case (it replaces the rule's standard hint).
    pub fn add_with_hint(
        &mut self,
        rule: &Rule,
        line: usize,
        pointer: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.items.push(Finding {
            file: self.file.clone(),
            line,
            pointer: pointer.to_string(),
            rule: rule.name,
            message: message.into(),
            hint: hint.into(),
        });
    }

    /// Whether a finding of `rule` was recorded exactly at `pointer`.
    pub fn has(&self, rule: &str, pointer: &str) -> bool {
        self.items
            .iter()
            .any(|f| f.rule == rule && f.pointer == pointer)
    }

    /// The findings sorted by line, then rule, without exact duplicates.
    pub fn into_sorted(self) -> Vec<Finding> {
        let mut items = self.items;
        // By line; on one line the generator's finding comes last, as the others usually explain it.
        let key = |f: &Finding| {
            (
                f.line,
                f.rule == crate::rules::catalog::GENERATOR.name,
                f.rule,
                f.pointer.clone(),
                f.message.clone(),
            )
        };
        items.sort_by_key(key);
        items.dedup();
        items
    }
}

/// Output format of `cargo xtask validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `file:line: [rule] pointer: message` plus a hint line, and a summary.
    Human,
    /// A JSON array of `{file,line,pointer,rule,message,hint}` objects.
    Json,
}

/// Renders findings in the human format, ending with a one-line summary per rule.
pub fn render_human(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&f.to_human());
        out.push('\n');
    }
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for f in findings {
        match counts.iter_mut().find(|(r, _)| *r == f.rule) {
            Some((_, n)) => *n += 1,
            None => counts.push((f.rule, 1)),
        }
    }
    counts.sort();
    let per_rule: Vec<String> = counts.iter().map(|(r, n)| format!("{r}: {n}")).collect();
    out.push_str(&format!(
        "\n{} finding{} ({})\n",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
        per_rule.join(", ")
    ));
    out
}

/// Renders findings as a JSON array, one object per line, keys in the order
/// `file, line, pointer, rule, message, hint`.
pub fn render_json(findings: &[Finding]) -> String {
    let s = |v: &str| serde_json::Value::from(v).to_string();
    let objects: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "  {{\"file\": {}, \"line\": {}, \"pointer\": {}, \"rule\": {}, \"message\": {}, \"hint\": {}}}",
                s(&f.file),
                f.line,
                s(&f.pointer),
                s(f.rule),
                s(&f.message),
                s(&f.hint)
            )
        })
        .collect();
    if objects.is_empty() {
        "[]".into()
    } else {
        format!("[\n{}\n]", objects.join(",\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_output_round_trips() {
        let f = Finding {
            file: "a \"b\".yaml".into(),
            line: 3,
            pointer: "/paths/~1x".into(),
            rule: "missing-tag",
            message: "no tag\nat all".into(),
            hint: "add one".into(),
        };
        let parsed: serde_json::Value =
            serde_json::from_str(&render_json(&[f.clone(), f.clone()])).unwrap();
        assert_eq!(
            parsed,
            serde_json::Value::Array(vec![f.to_json(), f.to_json()])
        );
        assert_eq!(render_json(&[]), "[]");
    }
}
