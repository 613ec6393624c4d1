//! Every rule the validator knows: its stable name, where it comes from, what it checks and the
//! standard hint. `cargo xtask validate --list-rules` prints this table.

/// Where a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The document must be well-formed OpenAPI 3.0.
    Structure,
    /// progenitor 0.15.1 fails, panics or silently mis-generates otherwise.
    Progenitor,
    /// The project's own rules (`openapi/README.md`, DESIGN.md).
    House,
}

impl Origin {
    /// A short label for listings.
    pub fn label(self) -> &'static str {
        match self {
            Origin::Structure => "structure",
            Origin::Progenitor => "progenitor",
            Origin::House => "house",
        }
    }
}

/// A named check.
#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case name; reported in every finding and used by tests and tools.
    pub name: &'static str,
    /// Where the rule comes from.
    pub origin: Origin,
    /// What the rule requires, in one line.
    pub summary: &'static str,
    /// The standard advice on fixing a finding of this rule.
    pub hint: &'static str,
}

macro_rules! rules {
    ($($id:ident = $name:literal, $origin:ident, $summary:literal, $hint:literal;)*) => {
        $(
            #[doc = concat!("`", $name, "`: ", $summary)]
            pub const $id: Rule = Rule {
                name: $name,
                origin: Origin::$origin,
                summary: $summary,
                hint: $hint,
            };
        )*
        /// All rules, in the order they are listed.
        pub const ALL: &[&Rule] = &[$(&$id),*];
    };
}

rules! {
    YAML_SYNTAX = "yaml-syntax", Structure,
        "the file is valid YAML whose top level is a mapping",
        "fix the YAML at the given line and column (indentation, an unclosed quote or bracket, a tab); nothing else could be checked until it parses";
    DUPLICATE_KEY = "duplicate-key", Structure,
        "no mapping has the same key twice",
        "YAML keeps only the last of two equal keys, so the first one is silently lost: merge the two entries or rename one";
    META_SCHEMA = "meta-schema", Structure,
        "the document validates against the OpenAPI 3.0 JSON schema (catches misspelled or misplaced keys such as `requried`)",
        "compare the object with the OpenAPI 3.0.3 specification (https://spec.openapis.org/oas/v3.0.3); extensions must start with `x-`";
    UNRESOLVED_REF = "unresolved-ref", Structure,
        "every `$ref` points to something that exists in this file (schema refs into `#/components/schemas/`)",
        "check the spelling of the target name and that it is defined under `components`; references to other files are not supported";
    OPENAPI_VERSION = "openapi-version", Progenitor,
        "`openapi` is 3.0.x (progenitor rejects 3.1); the house rule is exactly 3.0.3",
        "write `openapi: 3.0.3` at the top of the file";
    MISSING_OPERATION_ID = "missing-operation-id", Progenitor,
        "every operation has an `operationId`",
        "add `operationId: <Name>` with the operation's name from openapi/operations.tsv";
    DUPLICATE_OPERATION_ID = "duplicate-operation-id", Progenitor,
        "operationIds are unique, also after progenitor turns them into snake_case method names",
        "give each operation its own name from openapi/operations.tsv";
    SINGLE_SUCCESS_SCHEMA = "single-success-schema", Progenitor,
        "all success responses (2xx and `default`) of an operation have the same body (progenitor panics with `response_types.len() <= 1` otherwise)",
        "keep one success response (`'200'`) with one body schema; never a `204` or a second 2xx beside it, never a `default`";
    SINGLE_ERROR_SCHEMA = "single-error-schema", Progenitor,
        "all error responses (4xx, 5xx and `default`) of an operation have the same body (progenitor panics otherwise)",
        "use only `4XX` and `5XX`, both `$ref: '#/components/responses/Error'`; `default` counts as a success AND an error response";
    REQUEST_MEDIA_TYPE = "request-media-type", Progenitor,
        "a request body has one media type, one progenitor generates (JSON, form-urlencoded, octet-stream, text/plain) with a schema, or `multipart/form-data` on an operation marked `x-sdk-manual: true`",
        "keep a single media type; for a file upload keep the multipart body and mark the operation `x-sdk-manual: true` (it is hand-written in src/attachments.rs)";
    OCTET_STREAM_SCHEMA = "octet-stream-schema", Progenitor,
        "`application/octet-stream` bodies have exactly the schema `{type: string, format: binary}`",
        "write the schema as `{type: string, format: binary}` with no limits, enum, pattern, default or nullable";
    PATH_PARAMETER = "path-parameter", Progenitor,
        "every `{name}` of the path template has a path parameter of that name, path parameters are `required: true` with the default style, and none is missing from the template",
        "declare one `in: path` parameter per `{name}` in the path, spelled exactly as in the template, with `required: true`";
    UNSUPPORTED_PARAMETER = "unsupported-parameter", Progenitor,
        "no cookie parameters, array-typed headers, `deepObject` or other non-default styles, object-typed query parameters or parameters with `content`",
        "use a `schema` with a scalar type (arrays only for query parameters), the default style, and `in: path`, `query` or `header`";
    JSON_RESPONSE_SCHEMA = "json-response-schema", Progenitor,
        "every JSON response body has a `schema` (progenitor panics with `todo!` otherwise)",
        "add `schema: {$ref: '#/components/schemas/<Name>'}` to the `application/json` media type";
    REQUEST_BODY_REQUIRED = "request-body-required", Progenitor,
        "generated request bodies say `required: true` (progenitor makes every body required anyway)",
        "add `required: true` to the requestBody";
    OPERATIONS_TSV = "operations-tsv", House,
        "operationIds are the names in openapi/operations.tsv, at that row's method and path, with that row's body kinds; with --require-all-operations every row is present",
        "use the exact name, method and path of the operation's row in openapi/operations.tsv";
    MISSING_TAG = "missing-tag", House,
        "every operation has exactly one tag (its API area), declared in the top-level `tags` list",
        "add `tags: [<area>]` to the operation and list the area under the top-level `tags` with a description";
    MISSING_SUMMARY = "missing-summary", House,
        "every operation has a non-empty `summary`",
        "add a one-line English `summary`, with the Chinese doc title in parentheses when there is one";
    MISSING_DESCRIPTION = "missing-description", House,
        "every operation has a non-empty `description`",
        "add a `description` saying what the operation does and which docs page it comes from";
    RESPONSE_CODES = "response-codes", House,
        "an operation's responses are exactly `'200'`, `4XX` and `5XX`",
        "keep one `'200'` response (also when the docs say no body: OSM puts error_code/error_msg in 200 bodies), and `4XX`/`5XX`; never `default`, `204`, another 2xx or single error codes";
    ERROR_RESPONSES = "error-responses", House,
        "`4XX` and `5XX` are present and are `$ref: '#/components/responses/Error'` (whose body is `ErrorResponse`)",
        "write both as `$ref: '#/components/responses/Error'`";
    NAMED_BODY_SCHEMA = "named-body-schema", House,
        "JSON request and success bodies `$ref` a named schema in `components/schemas`",
        "move the inline schema to `components/schemas/<SdkModelName>` and `$ref` it, so the generated type gets the SDK model's name";
    MISSING_EXAMPLE = "missing-example", House,
        "every JSON success response has an `example`",
        "add an `example` next to the schema, from shared/reference/samples when one exists, otherwise built from the docs";
    EXAMPLE_INVALID = "example-invalid", House,
        "every example validates against its schema (types, formats int32/int64, required, limits)",
        "make the example match the schema, or fix the schema if the example is what the server really sends; in YAML quote strings that look like numbers or booleans";
    EXAMPLE_UNKNOWN_PROPERTY = "example-unknown-property", House,
        "examples use only properties their schema declares (a misspelled example field would pass silently otherwise)",
        "fix the property name in the example, or add the property (with type and description) to the schema if the server sends it";
    ADDITIONAL_PROPERTIES_FALSE = "additional-properties-false", House,
        "no schema says `additionalProperties: false` (it becomes `deny_unknown_fields`, and a new server field breaks decoding)",
        "delete `additionalProperties: false`; for a free-form map write `additionalProperties: {}`";
    FORBIDDEN_KEYWORD = "forbidden-keyword", House,
        "schemas use no `pattern`, `nullable`, `oneOf`, `anyOf`, and no `format: date-time`/`date` (server formats vary)",
        "describe the constraint or format in the `description` instead; date-times are `type: string`";
    RESPONSE_ENUM = "response-enum", House,
        "no `enum` in a schema that a response can contain (a new server value would fail decoding)",
        "drop `enum` and list the known values in the description: \"Known values: `a`, `b`.\"";
    RESPONSE_REQUIRED = "response-required", House,
        "no `required` in a schema that a response can contain (a field the server leaves out would fail decoding; the docs' own examples leave documented-required fields out)",
        "drop `required`; when the schema is also a request body's, give the response its own schema without it (as `IncidentSatisfactionInfoV2` beside `IncidentSatisfactionV2Do`)";
    SCHEMA_PROPERTY = "schema-property", House,
        "every property has a `type` (integers with format int32/int64, numbers double/float) and a `description`, unless it is a `$ref`",
        "add `type`, `format` and `description` to the property";
    SHARED_HEADER = "shared-header", House,
        "the shared headers X-Site, X-Language, X-Time-Zone, x-service-key, x-site and x-language are `$ref`s to `components/parameters`, whose schemas are `$ref`s to `components/schemas`",
        "replace the inline parameter with `$ref: '#/components/parameters/<Name>'`";
    PAGING = "paging", House,
        "an `x-sdk-paging` extension names a known style, query parameters of its operation, and fields of its JSON response and items",
        "see xtask/codegen/src/paging.rs for the extension's fields; `items`, `total` and `key` are wire names of the response schema and of its items' schema";
    GENERATOR = "generator", Progenitor,
        "progenitor, run with the project's settings (xtask/codegen/src/generate.rs), generates the client and its mocks without an error or a panic",
        "fix the other findings of this run first: a generator failure is usually their consequence; otherwise see shared/reference/progenitor.md §4";
}

/// The rule with this name, if any.
pub fn by_name(name: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.name == name)
}
