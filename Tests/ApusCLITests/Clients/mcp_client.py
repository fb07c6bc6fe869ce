"""Drives Apus's MCP server with the official Python MCP SDK (pip `mcp`), as an agent would.

    python3 mcp_client.py stdio APUS_BINARY DATA.csv TARGET IGNORED_COLUMN [APUS ARGS...]
    python3 mcp_client.py http URL DATA.csv TARGET IGNORED_COLUMN      (APUS_MCP_KEY: an API key to send)

Initializes a session (over stdio, spawning `APUS_BINARY mcp --allow-admin ARGS`, or over
streamable HTTP at URL), lists the tools and resources, reads a resource, and calls every
tool. Each answer's structuredContent is validated against the tool's outputSchema with
jsonschema (the SDK validates it too), and each typed tool's arguments against its
inputSchema. Bad calls (a wrong type, an unknown model, too many rows, a missing feature, an
unknown level) must come back as tool results marked isError with a message, never as a
protocol error. Prints a transcript; exits 1 on the first failure.
"""
import asyncio
import csv
import json
import os
import sys

import jsonschema
import mcp_types
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

CLIENT = mcp_types.Implementation(name="apus-test-agent", version="1.0")


def fail(message):
    print("FAIL: " + message, flush=True)
    sys.exit(1)


def rows_from(data_path, target, ignored, schema, count):
    """The first `count` rows of the CSV as tool arguments: numbers as numbers, empty as null."""
    rows = []
    with open(data_path, newline="") as handle:
        for record in csv.DictReader(handle):
            row = {}
            for name, field in schema["properties"].items():
                text = record[name]
                if text == "":
                    row[name] = None
                elif "number" in field["type"]:
                    row[name] = float(text)
                else:
                    row[name] = text
            rows.append(row)
            if len(rows) == count:
                break
    return rows


async def run(session, data_path, target, ignored):
    init = await session.initialize()
    print(f"initialize: {init.server_info.name} {init.server_info.version}, protocol {init.protocol_version}")
    tools = {tool.name: tool for tool in (await session.list_tools()).tools}
    print("tools/list: " + ", ".join(tools))
    for name in ["list_models", "describe_model", "predict", "explain", "monitor_status", "compare_versions", "promote", "rollback"]:
        if name not in tools:
            fail(f"no tool {name}")
    for tool in tools.values():
        if tool.output_schema is None:
            fail(f"{tool.name} has no outputSchema")
        jsonschema.Draft202012Validator.check_schema(tool.output_schema)
        jsonschema.Draft202012Validator.check_schema(tool.input_schema)

    async def call(name, arguments, expect_error=False):
        result = await session.call_tool(name, arguments)
        text = result.content[0].text if result.content else ""
        if result.is_error:
            if not expect_error:
                fail(f"{name} answered an error: {text}")
            print(f"tools/call {name} -> isError: {text}")
            return result
        if expect_error:
            fail(f"{name} {json.dumps(arguments)[:200]} should have been refused; answered {text}")
        jsonschema.validate(result.structured_content, tools[name].output_schema)
        first = text.split("\n")
        print(f"tools/call {name} -> {first[0]}" + (f" (+{len(first) - 1} lines)" if len(first) > 1 else ""))
        return result

    listed = (await call("list_models", {})).structured_content
    model = listed["models"][0]["name"]
    typed = [name for name in listed["models"][0]["tools"] if name.startswith("predict_")]
    if not typed:
        fail(f"{model} has no typed tools")
    predict_typed, explain_typed = typed[0], "explain_" + typed[0][len("predict_"):]

    described = (await call("describe_model", {"ref": f"{model}@champion"})).structured_content
    row_schema = described["input_schema"]
    rows = rows_from(data_path, target, ignored, row_schema, 3)
    typed_input = tools[predict_typed].input_schema
    jsonschema.validate({"rows": rows}, typed_input)
    print(f"  {len(rows)} CSV rows validate against {predict_typed}'s inputSchema")

    generic = (await call("predict", {"ref": f"{model}@champion", "rows": rows})).structured_content
    typed_answer = (await call(predict_typed, {"rows": rows})).structured_content
    if [p["prediction"] for p in generic["predictions"]] != [p["prediction"] for p in typed_answer["predictions"]]:
        fail("predict and the typed tool disagree")
    print("  predictions: " + ", ".join(f"{p['prediction']:.4f}" for p in generic["predictions"]))

    explained = (await call("explain", {"ref": f"{model}/2", "row": rows[0], "top_k": 3})).structured_content
    total = explained["bias"] + sum(explained["shap_values"].values())
    if abs(total - explained["raw_score"]) > 1e-9:
        fail(f"SHAP values sum to {total}, not the raw score {explained['raw_score']}")
    for reason in explained["reasons"]:
        print(f"  reason {reason['rank']}: {reason['text']}")
    await call(explain_typed, {"row": rows[0]})

    status = (await call("monitor_status", {"ref": f"{model}@champion", "since": "24h"})).structured_content
    print(f"  monitor: {status['window'].get('rows')} logged rows, alert {status['alert']}")
    compared = (await call("compare_versions", {"name": model, "a": "1", "b": "2"})).structured_content
    for metric in compared["metrics"]:
        print(f"  {metric['metric']}: {metric['a']} vs {metric['b']} (better: {metric['better']})")

    promoted = (await call("promote", {"name": model, "alias": "champion", "version": 2, "reason": "agent test"})).structured_content
    if not promoted["actor"].startswith("mcp:apus-test-agent 1.0") or promoted["previous_version"] != 1:
        fail(f"the move was recorded as {promoted}")
    print(f"  recorded as made by {promoted['actor']}")
    rolled = (await call("rollback", {"name": model, "alias": "champion", "reason": "agent test, undone"})).structured_content
    if rolled["version"] != 1 or rolled["action"] != "rollback":
        fail(f"the rollback answered {rolled}")
    await call("rollback", {"name": model, "alias": "no-such-alias", "reason": "x"}, expect_error=True)

    bad = dict(rows[0])
    numeric = next(name for name, field in row_schema["properties"].items() if "number" in field["type"])
    categorical = next((name for name, field in row_schema["properties"].items() if "enum" in field), None)
    await call("predict", {"ref": f"{model}@champion", "rows": [dict(bad, **{numeric: "twelve"})]}, expect_error=True)
    await call("predict", {"ref": "no-such-model@champion", "rows": rows}, expect_error=True)
    most = tools["predict"].input_schema["properties"]["rows"]["maxItems"]
    await call("predict", {"ref": f"{model}@champion", "rows": rows * (most // len(rows) + 1)}, expect_error=True)
    await call(predict_typed, {"rows": [{k: v for k, v in bad.items() if k != numeric}]}, expect_error=True)
    if categorical:
        await call(predict_typed, {"rows": [dict(bad, **{categorical: "not-a-level"})]}, expect_error=True)
    await call("predict", {"ref": f"{model}@champion", "rows": "all of them"}, expect_error=True)
    await call("no_such_tool", {}, expect_error=True)

    resources = (await session.list_resources()).resources
    print("resources/list: " + ", ".join(str(resource.uri) for resource in resources))
    content = (await session.read_resource(resources[0].uri)).contents[0]
    description = json.loads(content.text)
    jsonschema.validate(description, tools["describe_model"].output_schema)
    print(f"resources/read {resources[0].uri}: {description['resolved']}, {len(description['features'])} features")
    print("all checks passed")


async def main():
    mode, target_or_url = sys.argv[1], sys.argv[2]
    data_path, target, ignored = sys.argv[3], sys.argv[4], sys.argv[5]
    if mode == "stdio":
        environment = {name: os.environ[name] for name in ("APUS_STORE", "APUS_USER") if name in os.environ}
        parameters = StdioServerParameters(command=target_or_url, args=["mcp", "--allow-admin"] + sys.argv[6:], env=environment)
        async with stdio_client(parameters) as (read, write):
            async with ClientSession(read, write, client_info=CLIENT) as session:
                await run(session, data_path, target, ignored)
    else:
        # APUS_MCP_KEY: an API key sent with every request (a server started with --require-key).
        key = os.environ.get("APUS_MCP_KEY")
        client = create_mcp_http_client(headers={"Authorization": f"Bearer {key}"}) if key else None
        async with streamable_http_client(target_or_url, http_client=client) as (read, write):
            async with ClientSession(read, write, client_info=CLIENT) as session:
                await run(session, data_path, target, ignored)


asyncio.run(main())
