"""The official Python MCP SDK (package `mcp`) as the client of `osm mcp`.

Usage: python mcp_client.py PATH/TO/osm

Starts `osm --sandbox mcp --allow-write --tools all --files DIR` (an in-process sandbox: no
account, no network), lists the tools, calls every read-only tool that needs no argument (the
SDK checks each structured answer against the tool's output schema), then the ticket workflow:
create, show, message, urge, status, an unknown ticket and an over-long description. Prints one
line per step and `ok` at the end; any failure raises.
"""

import asyncio
import json
import sys
import tempfile

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

TICKET = {
    "source_id": "83aeb0f2834c4df49826c781d32a963e",
    "business_type_id": "9b1a349c3a2849a391d58c10f9dc55a1",
    "product_category_id": "a51b98a1eb514f7c9c2509c92697ef76",
    "region_id": "ap-southeast-3",
    "severity_id": "124",
    "simple_description": "ECS i-123 does not boot (filed by the Python MCP SDK)",
}


def tool_error(result):
    assert result.is_error, result
    return json.loads(result.content[0].text)["error"]


async def main(osm: str) -> None:
    with tempfile.TemporaryDirectory() as files:
        server = StdioServerParameters(
            command=osm,
            args=["--sandbox", "mcp", "--allow-write", "--tools", "all", "--files", files],
        )
        async with stdio_client(server) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                print(f"initialize: {init.server_info.name} {init.server_info.version}, "
                      f"protocol {init.protocol_version}")
                tools = (await session.list_tools()).tools
                print(f"tools/list: {len(tools)} tools")

                valid, refused = 0, []
                for tool in tools:
                    hints = tool.annotations
                    if not (hints and hints.read_only_hint) or tool.input_schema.get("required"):
                        continue
                    result = await session.call_tool(tool.name, {})
                    if result.is_error:
                        refused.append(f"{tool.name} ({tool_error(result).get('code')})")
                    else:
                        valid += 1
                print(f"read-only tools without required arguments: {valid} answers valid against "
                      f"their output schemas; tool errors from the sandbox: {', '.join(refused) or 'none'}")

                created = await session.call_tool("create_cases", {"body": TICKET})
                case_id = created.structured_content["incident_id"]
                print(f"create_cases: {case_id}")
                detail = await session.call_tool("show_case_detail", {"case_id": case_id})
                print(f"show_case_detail: {detail.structured_content['incident_detail_info']['simple_description']}")
                await session.call_tool(
                    "create_messages",
                    {"case_id": case_id, "body": {"message": {"content": "Any news?"}}},
                )
                messages = await session.call_tool("list_messages", {"case_id": case_id})
                print(f"list_messages: {messages.structured_content['count']} message(s)")
                await session.call_tool("update_cases", {"case_id": case_id, "action_id": "press"})
                status = await session.call_tool("show_case_status", {"case_id": case_id})
                print(f"show_case_status: {json.dumps(status.structured_content)}")

                missing = tool_error(await session.call_tool("show_case_detail", {"case_id": "CS20990101000000"}))
                print(f"unknown ticket: {missing['code']} {missing['message']} (request id {missing['request_id']})")
                long = dict(TICKET, simple_description="x" * 1201)
                refused = tool_error(await session.call_tool("create_cases", {"body": long}))
                print(f"over-long description: {refused['kind']}, sent={refused['sent']}: {refused['message']}")
                assert refused["sent"] is False
                print("ok")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
