"""Drive an MCP server through the OpenAI Agents SDK (openai-agents==0.24.0, mcp==2.3.0).

This checks chatkit-rs's MCP *server* the way the seed app's agents use it. No model is called
and no API key is needed.

    server = MCPServerStreamableHttp(
        name="Todo MCP",
        params={"url": URL, "timeout": 30, "headers": {"Authorization": "Bearer TOKEN"}},
        cache_tools_list=True,
    )
    async with server:
        await server.list_tools()
        await server.call_tool(name, args)

With mcp 2.x the Agents SDK connects through `mcp.Client(mode="auto")`: it POSTs
`server/discover` at protocol 2026-07-28 first. It falls back to `initialize` (2025-11-25) when
that gets a JSON-RPC error or an HTTP 4xx. An HTTP 5xx answer to `server/discover` or
`initialize` fails the connection (the SDK's response hook raises on it).

CLI
    agents_check.py --url URL [--token TOKEN] [--call NAME JSON_ARGS]... [--use-structured-content]

    --token  the `headers` param gets {"Authorization": "Bearer TOKEN"} (no headers without it).
    --call   may repeat. Each call runs twice: once raw through `server.call_tool`, once through
             the FunctionTool the agent would give the model (see `tool_output` below).
    --use-structured-content  passes use_structured_content=True (the seed app leaves it off).

stdout, one JSON object per line, in this order:
    {"tools": [{"name", "title", "description", "inputSchema", "outputSchema", "annotations"}...]}
        from `await server.list_tools()` (absent fields are null)
    {"function_tool": NAME, "description": str, "strict_json_schema": bool,
     "params_json_schema": {...}}
        one per tool, from `Agent(mcp_servers=[server],
        mcp_config={"convert_schemas_to_strict": True}).get_mcp_tools(...)`, the same
        conversion the Runner does before each model call (`MCPUtil.to_function_tool`).
        `strict_json_schema` is false when the SDK could not make the schema strict (it then
        sends the original schema, plus "properties": {} if that was missing).
    for each --call:
      {"call": NAME, "isError": bool, "content": [block...], "structuredContent": any|null}
      or {"call": NAME, "error": {"code": int, "message": str, "data": any|null}}
         (MCPError: a JSON-RPC error answer, or an HTTP failure the SDK mapped to one)
      or {"call": NAME, "agentsError": "Type: message"}  (e.g. UserError for transport trouble)
      then
      {"tool_output": NAME, "output": ...}
         what the model would receive: `FunctionTool.on_invoke_tool(ToolContext, json)`. A text
         block becomes {"type": "text", "text": ...} and an image becomes {"type": "image",
         "image_url": "data:<mime>;base64,<data>"}. Any other block (e.g. an embedded resource)
         becomes a text item holding the block's `model_dump_json()` (snake_case field names,
         e.g. "mime_type"). A single item is not wrapped in a list. A JSON-RPC error becomes the
         default_tool_error_function string. With --use-structured-content, a non-error result
         with structuredContent becomes json.dumps(structuredContent).
      or {"tool_output": NAME, "agentsError": "Type: message"}

Exit: 0 when the connection, listing and conversion worked and every call produced a
call/error line (a JSON-RPC error or isError result is fine). 1 when connecting or listing
failed, or a call raised anything else (`agentsError`). The reason goes to stderr. 2 for bad
arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from typing import Any

import anyio
from agents import Agent, FunctionTool, RunContextWrapper, set_tracing_disabled
from agents.mcp import MCPServerStreamableHttp
from agents.tool_context import ToolContext
from mcp.shared.exceptions import MCPError


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def dump(model: Any) -> Any:
    if model is None:
        return None
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        out: list[BaseException] = []
        for inner in exc.exceptions:
            out.extend(leaves(inner))
        return out
    return [exc]


def jsonable(value: Any) -> Any:
    """ToolOutput values are TypedDicts / lists / str. Round-trip through json to be safe."""
    return json.loads(json.dumps(value, default=lambda o: dump(o) if hasattr(o, "model_dump") else str(o)))


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True)
    p.add_argument("--token")
    p.add_argument("--call", nargs=2, action="append", default=[], metavar=("NAME", "JSON_ARGS"))
    p.add_argument("--use-structured-content", action="store_true")
    args = p.parse_args()
    calls = []
    for name, raw in args.call:
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            p.error(f"JSON_ARGS for {name} is not JSON: {exc}")
        if not isinstance(value, dict):
            p.error(f"JSON_ARGS for {name} must be a JSON object")
        calls.append((name, value))
    args.calls = calls
    return args


async def run(args: argparse.Namespace) -> int:
    failures: list[str] = []
    params: dict[str, Any] = {"url": args.url, "timeout": 30}
    if args.token is not None:
        params["headers"] = {"Authorization": f"Bearer {args.token}"}
    server = MCPServerStreamableHttp(
        name="Todo MCP",
        params=params,
        cache_tools_list=True,
        use_structured_content=args.use_structured_content,
    )

    connected = False
    try:
        async with server:
            connected = True
            try:
                tools = await server.list_tools()
            except Exception as exc:
                print(f"list_tools failed: {describe(exc)}", file=sys.stderr)
                return 1
            emit({"tools": [{
                "name": t.name,
                "title": t.title,
                "description": t.description,
                "inputSchema": t.input_schema,
                "outputSchema": t.output_schema,
                "annotations": dump(t.annotations),
            } for t in tools]})

            agent = Agent(name="oracle", mcp_servers=[server], mcp_config={"convert_schemas_to_strict": True})
            run_context = RunContextWrapper(context=None)
            function_tools = await agent.get_mcp_tools(run_context)
            by_name: dict[str, FunctionTool] = {}
            for ft in function_tools:
                assert isinstance(ft, FunctionTool), ft
                by_name[ft.name] = ft
                emit({
                    "function_tool": ft.name,
                    "description": ft.description,
                    "strict_json_schema": ft.strict_json_schema,
                    "params_json_schema": ft.params_json_schema,
                })

            for index, (name, arguments) in enumerate(args.calls):
                line: dict[str, Any] = {"call": name}
                try:
                    result = await server.call_tool(name, arguments)
                except MCPError as exc:
                    line["error"] = {"code": exc.code, "message": exc.message, "data": exc.data}
                except Exception as exc:
                    line["agentsError"] = describe(exc)
                    failures.append(f"call_tool {name}: {describe(exc)}")
                else:
                    line.update({
                        "isError": bool(result.is_error),
                        "content": [dump(block) for block in result.content],
                        "structuredContent": result.structured_content,
                    })
                emit(line)

                ft = by_name.get(name)
                if ft is None:
                    emit({"tool_output": name, "agentsError": "UserError: tool not listed"})
                    continue
                raw_args = json.dumps(arguments)
                ctx = ToolContext(
                    context=None,
                    tool_name=name,
                    tool_call_id=f"call_{index}",
                    tool_arguments=raw_args,
                    agent=agent,
                )
                try:
                    output = await ft.on_invoke_tool(ctx, raw_args)
                except Exception as exc:
                    emit({"tool_output": name, "agentsError": describe(exc)})
                    failures.append(f"on_invoke_tool {name}: {describe(exc)}")
                else:
                    emit({"tool_output": name, "output": jsonable(output)})
    except BaseException as exc:  # noqa: BLE001 - classified below
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        errs = leaves(exc)
        stage = "agents run" if connected else "connect"
        print(f"{stage} failed: " + "; ".join(describe(e) for e in errs), file=sys.stderr)
        return 1

    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


def main() -> int:
    args = parse_args()
    set_tracing_disabled(True)  # no trace export (it would want an OpenAI key)
    try:
        return anyio.run(run, args)
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, (SystemExit, KeyboardInterrupt)):
            raise
        print("unexpected failure: " + "; ".join(describe(e) for e in leaves(exc)), file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
