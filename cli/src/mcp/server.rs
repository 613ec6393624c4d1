//! The protocol's server side (rmcp): `initialize` says what the server is, `tools/list` lists the
//! tools offered, `tools/call` calls one. A call to a tool that is withheld (a write without
//! `--allow-write`) is a tool error saying which flag would offer it; a name the spec does not
//! have is a protocol error.

use huaweicloud_osm::Client;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::json;

use super::call::{self, Settings};
use super::select::Selection;

/// What an agent is told at `initialize`.
const INSTRUCTIONS: &str = "Huawei Cloud service tickets (OSM): every tool is one operation of \
the API, named after it, with the API's own limits in its input schema. To file a ticket, look up \
its problem type (list_problem_types), product (list_product_categories), severity \
(list_severities) and region (list_regions), then create_cases. Follow a ticket with \
show_case_status, show_case_detail and list_messages; answer with create_messages; urge, close \
or cancel it with update_cases. Lists page with their offset/limit (or page) arguments. A failed \
call is a tool error with the service's code, message, request id and what to change.";

/// The server: the SDK's client and the tools offered.
pub struct Server {
    client: Client,
    selection: Selection,
    settings: Settings,
}

impl Server {
    /// A server calling `client`.
    pub fn new(client: Client, selection: Selection, settings: Settings) -> Self {
        Server {
            client,
            selection,
            settings,
        }
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        let mut implementation = Implementation::new("osm", env!("CARGO_PKG_VERSION"));
        implementation.title = Some("Huawei Cloud service tickets (OSM)".into());
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(implementation)
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(
            self.selection
                .offered
                .iter()
                .map(|t| t.tool.clone())
                .collect(),
        ))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.as_ref();
        let args = request.arguments.unwrap_or_default();
        if let Some(tool) = self.selection.offered.iter().find(|t| t.name() == name) {
            return Ok(call::call(&self.client, tool, args, &self.settings)
                .await
                .into());
        }
        let Some((_, reason)) = self
            .selection
            .withheld
            .iter()
            .find(|(t, _)| t.name() == name)
        else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool `{name}`: tools/list lists this server's tools"),
                None,
            ));
        };
        Ok(call::error(json!({
            "kind": "not_offered",
            "message": format!("`{name}` is not offered: {reason}; nothing was sent"),
            "sent": false,
            "what_to_change": "Use one of the tools tools/list lists, or ask the person running this server to offer this one.",
        }))
        .into())
    }
}
