//! The repo's copy of `operations.tsv`: the names, methods, paths and body kinds of all operations.

use std::path::Path;

/// One row of operations.tsv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// HTTP method, upper case.
    pub method: String,
    /// Path template.
    pub path: String,
    /// The operationId.
    pub operation: String,
    /// `none`, `json` or `multipart`.
    pub request_body: String,
    /// `json` or `binary`.
    pub response_body: String,
}

/// The parsed file.
#[derive(Debug, Clone)]
pub struct OperationsTsv {
    /// The file name shown in messages.
    pub display: String,
    /// The rows, header excluded.
    pub rows: Vec<Row>,
}

impl OperationsTsv {
    /// Reads and parses the file.
    pub fn load(path: &Path, display: &str) -> Result<OperationsTsv, String> {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {display}: {e}"))?;
        Self::parse(&text, display)
    }

    /// Parses the text of the file: a tab-separated header naming at least `method`, `path`,
    /// `operation`, `request_body` and `response_body`, then one row per operation.
    pub fn parse(text: &str, display: &str) -> Result<OperationsTsv, String> {
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header: Vec<&str> = lines
            .next()
            .ok_or_else(|| format!("{display} is empty"))?
            .split('\t')
            .map(str::trim)
            .collect();
        let column = |name: &str| {
            header
                .iter()
                .position(|h| *h == name)
                .ok_or_else(|| format!("{display} has no `{name}` column in its header row"))
        };
        let (m, p, o, rq, rs) = (
            column("method")?,
            column("path")?,
            column("operation")?,
            column("request_body")?,
            column("response_body")?,
        );
        let mut rows = Vec::new();
        for (i, line) in lines.enumerate() {
            let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
            let cell = |c: usize| {
                cells
                    .get(c)
                    .map(|s| s.to_string())
                    .ok_or_else(|| format!("{display}: row {} has too few columns", i + 2))
            };
            rows.push(Row {
                method: cell(m)?.to_uppercase(),
                path: cell(p)?,
                operation: cell(o)?,
                request_body: cell(rq)?,
                response_body: cell(rs)?,
            });
        }
        Ok(OperationsTsv {
            display: display.to_string(),
            rows,
        })
    }

    /// The row of an operationId.
    pub fn get(&self, operation: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.operation == operation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repo_copy_parses_and_has_every_operation_once() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/operations.tsv");
        let tsv = OperationsTsv::load(Path::new(path), "openapi/operations.tsv").unwrap();
        assert_eq!(tsv.rows.len(), 111);
        let mut names: Vec<&str> = tsv.rows.iter().map(|r| r.operation.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 111);
        assert_eq!(
            tsv.get("ListRegionsV1").unwrap().path,
            "/v1.0/servicerequest/case/region"
        );
    }

    #[test]
    fn a_missing_column_is_a_readable_error() {
        let e = OperationsTsv::parse("group\tmethod\n", "ops.tsv").unwrap_err();
        assert!(e.contains("no `path` column"), "{e}");
    }
}
