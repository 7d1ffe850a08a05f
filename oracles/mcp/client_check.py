"""Drive an MCP server with the official Python client (mcp==2.3.0) and report what it saw.

Used to check chatkit-rs's MCP *server* (streamable HTTP) against the reference client:
the SDK validates every result against the negotiated protocol version, so a shape it
rejects shows up as a `clientError` line.

CLI
    client_check.py --url URL [--token TOKEN] [--mode legacy|auto|2026-07-28]
                    [--expect-tools a,b,c] [--call NAME JSON_ARGS]...
                    [--cancel NAME JSON_ARGS SECONDS]... [--expect-notification METHOD]...
                    [--notify-timeout S] [--relist] [--timeout S] [--expect-401]

    --token          sent as `Authorization: Bearer TOKEN` on every HTTP request.
    --mode           legacy (default): `initialize` handshake at 2025-11-25, as
                     `ClientSession.initialize()` does. auto: what `mcp.Client` and the
                     Agents SDK do: probe `server/discover` at 2026-07-28 first and fall back
                     to `initialize` on any JSON-RPC or HTTP 4xx error. 2026-07-28: no
                     handshake, per-request envelope only.
    --expect-tools   comma-separated names that must all be listed (more tools are fine).
    --call           call tool NAME with JSON_ARGS (a JSON object). May repeat. The calls run
                     in order, each with a progress callback, so each request carries
                     `_meta.progressToken`.
    --cancel         start a call and cancel it after SECONDS. The SDK then sends
                     `notifications/cancelled` (legacy) or aborts the POST (2026-07-28).
                     Runs after all --call calls.
    --expect-notification METHOD
                     at the end, wait until a server notification METHOD has arrived (up to
                     --notify-timeout seconds, default 5). Fails when none has. On a
                     2026-07-28 connection, an expected */list_changed method makes the
                     client open a `subscriptions/listen` stream for it first (that era sends
                     list_changed only there).
    --relist         after the calls (and the notification wait), list tools again.
    --timeout        read timeout for each request in seconds (default 30).
    --expect-401     the connection must fail and at least one HTTP response must have been 401
                     (use it with no --token or a bad one). Prints {"unauthorized": true, ...}
                     and exits 0 in that case. Otherwise it prints {"unauthorized": false, ...}
                     and exits 1. Nothing else runs.

stdout, one JSON object per line, in this order (notification/warning/transportError lines
can come in between, in the order the events happened):
    {"initialized": {"protocolVersion": str, "serverInfo": {...}|null,
                     "capabilities": {...}, "instructions": str|null}}
    {"tools": [{"name", "title", "description", "inputSchema", "outputSchema",
                "annotations"}...]}          (absent fields are null; all pages are followed)
    for each --call, one of
      {"call": NAME, "isError": bool, "content": [block...], "structuredContent": any|null,
       "progress": [{"progress": n, "total": n|null, "message": str|null}...]}
      {"call": NAME, "error": {"code": int, "message": str, "data": any|null}, "progress": [...]}
      {"call": NAME, "clientError": "Type: message", "progress": [...]}
    for each --cancel
      {"cancel": NAME, "cancelled": true, "progress": [...]}   (the call was still running)
      {"cancel": NAME, "cancelled": false, ...call line fields}   (it finished first)
    {"tools_after": [...]}                   with --relist
    {"notification": METHOD, "params": {...}|null}   each server notification except progress
                                             and cancelled (those the SDK consumes itself)
    {"warning": "logger: message"}           each WARNING+ log record of the `mcp` loggers
                                             (e.g. a notification the SDK failed to validate)
    {"transportError": "Type: message"}      each transport exception the SDK reported

Content blocks and capabilities are the SDK's models dumped as
`model_dump(by_alias=True, mode="json", exclude_none=True)`, so they are camelCase wire JSON as
the SDK parsed it (unknown fields dropped).

A JSON-RPC error answer is an `error` line, not a failure. The SDK also reports some HTTP
failures as errors (an HTTP 4xx/5xx without a JSON-RPC body becomes code -32603 "Server
returned an error response"; 404 with a session becomes -32600 "Session terminated").
`clientError` means the SDK rejected the result: the structuredContent does not match the
tool's outputSchema, or the result does not validate for the negotiated version.

Exit: 0 when everything ran and nothing failed. 1 on a failure: connect/initialize/list
failed, an --expect-tools name is missing, a clientError, a missing expected notification,
--expect-401 not satisfied. The reason goes to stderr. 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import traceback
from typing import Any

import anyio
import mcp_types as types
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.exceptions import MCPError
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

LISTEN_FILTER = {
    "notifications/tools/list_changed": "tools_list_changed",
    "notifications/prompts/list_changed": "prompts_list_changed",
    "notifications/resources/list_changed": "resources_list_changed",
}


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
    """Flatten (nested) exception groups."""
    if isinstance(exc, BaseExceptionGroup):
        out: list[BaseException] = []
        for inner in exc.exceptions:
            out.extend(leaves(inner))
        return out
    return [exc]


class WarningsToStdout(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            emit({"warning": f"{record.name}: {record.getMessage()}"})
        except Exception:  # pragma: no cover - never let logging break the run
            pass


def tool_json(tool: types.Tool) -> dict[str, Any]:
    return {
        "name": tool.name,
        "title": tool.title,
        "description": tool.description,
        "inputSchema": tool.input_schema,
        "outputSchema": tool.output_schema,
        "annotations": dump(tool.annotations),
    }


def result_fields(result: types.CallToolResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "isError": bool(result.is_error),
        "content": [dump(block) for block in result.content],
        "structuredContent": result.structured_content,
    }
    if result.meta:
        out["_meta"] = result.meta
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True)
    p.add_argument("--token")
    p.add_argument("--mode", default="legacy", choices=("legacy", "auto", "2026-07-28"))
    p.add_argument("--expect-tools", default=None)
    p.add_argument("--call", nargs=2, action="append", default=[], metavar=("NAME", "JSON_ARGS"))
    p.add_argument("--cancel", nargs=3, action="append", default=[], metavar=("NAME", "JSON_ARGS", "SECONDS"))
    p.add_argument("--expect-notification", action="append", default=[], metavar="METHOD")
    p.add_argument("--notify-timeout", type=float, default=5.0)
    p.add_argument("--relist", action="store_true")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--expect-401", action="store_true")
    args = p.parse_args(argv)

    def parse_obj(name: str, raw: str) -> dict[str, Any]:
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            p.error(f"JSON_ARGS for {name} is not JSON: {exc}")
        if not isinstance(value, dict):
            p.error(f"JSON_ARGS for {name} must be a JSON object")
        return value

    args.calls = [(name, parse_obj(name, raw)) for name, raw in args.call]
    cancels = []
    for name, raw, secs in args.cancel:
        try:
            seconds = float(secs)
        except ValueError:
            p.error(f"SECONDS for --cancel {name} is not a number: {secs}")
        cancels.append((name, parse_obj(name, raw), seconds))
    args.cancels = cancels
    return args


async def list_all_tools(session) -> list[types.Tool]:
    tools: list[types.Tool] = []
    cursor: str | None = None
    seen: set[str | None] = set()
    while True:
        params = types.PaginatedRequestParams(cursor=cursor) if cursor is not None else None
        page = await session.list_tools(params=params)
        tools.extend(page.tools)
        seen.add(cursor)
        cursor = page.next_cursor
        if cursor is None:
            return tools
        if cursor in seen:
            raise RuntimeError(f"tools/list repeated cursor {cursor!r}")


async def exercise(session, args: argparse.Namespace, failures: list[str], seen_notifications: dict[str, int],
                   current_event) -> bool:
    """Everything after the handshake. Returns False when the run must stop (tools/list failed)."""
    emit({"initialized": {
        "protocolVersion": session.protocol_version,
        "serverInfo": dump(session.server_info),
        "capabilities": dump(session.server_capabilities),
        "instructions": session.instructions,
    }})

    try:
        tools = await list_all_tools(session)
    except Exception as exc:
        print(f"tools/list failed: {describe(exc)}", file=sys.stderr)
        return False
    emit({"tools": [tool_json(t) for t in tools]})
    if args.expect_tools:
        want = [n for n in args.expect_tools.split(",") if n]
        names = {t.name for t in tools}
        missing = [n for n in want if n not in names]
        if missing:
            failures.append(f"missing tools: {missing} (listed: {sorted(names)})")

    async def call(
        name: str, arguments: dict[str, Any], key: str = "call", progress: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        progress = [] if progress is None else progress

        async def on_progress(value: float, total: float | None, message: str | None) -> None:
            progress.append({"progress": value, "total": total, "message": message})

        line: dict[str, Any] = {key: name}
        try:
            result = await session.call_tool(name, arguments, progress_callback=on_progress)
        except MCPError as exc:
            line["error"] = {"code": exc.code, "message": exc.message, "data": exc.data}
        except Exception as exc:
            line["clientError"] = describe(exc)
            failures.append(f"{name}: {describe(exc)}")
        else:
            line.update(result_fields(result))
        line["progress"] = progress
        return line

    for name, arguments in args.calls:
        emit(await call(name, arguments))

    for name, arguments, seconds in args.cancels:
        holder: dict[str, Any] = {}
        progress: list[dict[str, Any]] = []
        with anyio.move_on_after(seconds) as scope:
            holder = await call(name, arguments, key="cancel", progress=progress)
        if scope.cancelled_caught and not holder:
            emit({"cancel": name, "cancelled": True, "progress": progress})
        else:
            emit({**holder, "cancelled": False})
        # Give the courtesy notifications/cancelled time to reach the server.
        await anyio.sleep(0.2)

    for method in args.expect_notification:
        with anyio.move_on_after(args.notify_timeout):
            while method not in seen_notifications:
                await current_event().wait()
        if method not in seen_notifications:
            failures.append(f"no {method} notification within {args.notify_timeout}s")

    if args.relist:
        try:
            after = await list_all_tools(session)
        except Exception as exc:
            failures.append(f"second tools/list failed: {describe(exc)}")
        else:
            emit({"tools_after": [tool_json(t) for t in after]})
    return True


async def run(args: argparse.Namespace) -> int:
    failures: list[str] = []
    statuses: list[dict[str, Any]] = []
    seen_notifications: dict[str, int] = {}
    notified = anyio.Event()

    async def on_response(response: Any) -> None:
        method = None
        try:
            body = json.loads(response.request.content or b"null")
            if isinstance(body, dict):
                method = body.get("method")
        except Exception:
            pass
        statuses.append({
            "status": response.status_code,
            "httpMethod": response.request.method,
            "rpcMethod": method,
            "wwwAuthenticate": response.headers.get("www-authenticate"),
        })

    async def message_handler(message: Any) -> None:
        nonlocal notified
        if isinstance(message, Exception):
            emit({"transportError": describe(message)})
            return
        if hasattr(message, "method"):  # a ServerNotification
            if message.method == "notifications/progress":
                return  # reported in the call's "progress" list
            data = dump(message)
            emit({"notification": message.method, "params": data.get("params")})
            seen_notifications[message.method] = seen_notifications.get(message.method, 0) + 1
            notified.set()
            notified = anyio.Event()

    headers = {"Authorization": f"Bearer {args.token}"} if args.token is not None else None
    http = create_mcp_http_client(headers=headers)
    http.event_hooks.setdefault("response", []).append(on_response)

    async with http:
        transport = streamable_http_client(args.url, http_client=http)
        client = Client(
            transport,
            mode=args.mode,
            cache=None,
            read_timeout_seconds=args.timeout,
            message_handler=message_handler,
        )
        connected = False
        try:
            async with client:
                connected = True
                if args.expect_401:
                    emit({"unauthorized": False, "statuses": [s["status"] for s in statuses]})
                    print("expected HTTP 401, but the connection succeeded", file=sys.stderr)
                    return 1
                async with contextlib.AsyncExitStack() as stack:
                    # On 2026-07-28 list_changed notifications only reach subscriptions/listen
                    # streams, so open one when the run waits for such a notification.
                    wanted = {m: True for m in args.expect_notification if m in LISTEN_FILTER}
                    if wanted and client.session.protocol_version in MODERN_PROTOCOL_VERSIONS:
                        await stack.enter_async_context(
                            client.listen(**{LISTEN_FILTER[m]: True for m in wanted})
                        )
                    if not await exercise(client.session, args, failures, seen_notifications, lambda: notified):
                        return 1
        except BaseException as exc:  # noqa: BLE001 - classified below
            if connected:
                raise
            errs = leaves(exc)
            if args.expect_401:
                got = [s for s in statuses if s["status"] == 401]
                if got:
                    emit({"unauthorized": True, "status": 401, "wwwAuthenticate": got[0]["wwwAuthenticate"],
                          "error": "; ".join(describe(e) for e in errs)})
                    return 0
                emit({"unauthorized": False, "statuses": [s["status"] for s in statuses],
                      "error": "; ".join(describe(e) for e in errs)})
                print(f"expected HTTP 401, got statuses {[s['status'] for s in statuses]}", file=sys.stderr)
                return 1
            print(f"connect failed: {'; '.join(describe(e) for e in errs)}", file=sys.stderr)
            print(f"HTTP responses: {statuses}", file=sys.stderr)
            return 1

    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


def main() -> int:
    args = parse_args()
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    handler = WarningsToStdout(level=logging.WARNING)
    mcp_logger = logging.getLogger("mcp")
    mcp_logger.addHandler(handler)
    mcp_logger.setLevel(logging.WARNING)
    mcp_logger.propagate = False
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
