//! The Rust names progenitor and typify give the spec's names, which the passes must write to
//! reach the generated code: heck's snake case (progenitor's own), keywords suffixed with `_`.

/// progenitor's (and typify's) snake case, heck's, which the generated names are made with:
/// `ListCasesV1` -> `list_cases_v1`, `pageNo` -> `page_no`, `ShowHTTPStatus` -> `show_http_status`.
pub fn snake_case(name: &str) -> String {
    heck::ToSnakeCase::to_snake_case(name)
}

/// The Rust name progenitor and typify give a wire name: snake case, keywords suffixed with `_`.
pub fn rust_name(wire: &str) -> String {
    let snake = snake_case(wire);
    match snake.as_str() {
        "type" | "match" | "ref" | "self" | "crate" | "super" | "mod" | "fn" | "struct"
        | "enum" | "impl" | "trait" | "use" | "where" | "loop" | "move" | "static" | "const" => {
            format!("{snake}_")
        }
        _ => snake,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_matches_progenitor_method_names() {
        assert_eq!(snake_case("ListCasesV1"), "list_cases_v1");
        assert_eq!(snake_case("listCasesV1"), "list_cases_v1");
        assert_eq!(snake_case("list_cases_v1"), "list_cases_v1");
        assert_eq!(snake_case("ShowHTTPStatus"), "show_http_status");
        assert_eq!(snake_case("list-cases"), "list_cases");
    }

    #[test]
    fn rust_names_suffix_keywords() {
        assert_eq!(rust_name("type"), "type_");
        assert_eq!(rust_name("pageNo"), "page_no");
        assert_eq!(rust_name("create_time"), "create_time");
    }
}
