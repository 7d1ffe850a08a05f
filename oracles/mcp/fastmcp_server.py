"""Reference MCP server for chatkit-rs's MCP *client* tests (official Python SDK, mcp==2.3.0).

In mcp 2.x, FastMCP is called `MCPServer` (`mcp.server.mcpserver`). `mcp.server.fastmcp` is a
stub that raises on import. This script serves an `MCPServer` over streamable HTTP, using the
SDK's own Starlette app (`MCPServer.streamable_http_app`) under uvicorn.

CLI
    fastmcp_server.py --port N [--host 127.0.0.1] [--stateless] [--json-response]
                      [--token TOKEN] [--list-changed standalone|request|both]

    --port 0 picks a free port. The ready line reports the actual port.
    --stateless      stateless_http=True: no Mcp-Session-Id, no GET stream, a fresh
                     transport for each POST.
    --json-response  json_response=True: each POST gets a single JSON body instead of SSE.
                     Progress and other request-scoped notifications are then dropped.
    --token TOKEN    require `Authorization: Bearer TOKEN`. This uses the SDK's own bearer
                     middleware (`AuthSettings` plus a `TokenVerifier`), so a missing or wrong
                     token gets the SDK's 401: JSON body
                     {"error":"invalid_token","error_description":"Authentication required"}
                     and `WWW-Authenticate: Bearer error="invalid_token", ...`.
    --list-changed   where `add_tool` sends `notifications/tools/list_changed` on a
                     handshake-era (<= 2025-11-25) connection:
                       standalone (default) `ctx.session.send_tool_list_changed()`, the SDK's
                                  standard call. It goes on the session's standalone GET SSE
                                  stream, and the SDK drops it when no GET stream is open.
                       request    `ctx.session.send_notification(ToolListChangedNotification(),
                                  related_request_id=ctx.request_id)`: on the SSE response
                                  stream of the `tools/call` POST, before its result.
                       both       both of the above, so the client receives it twice.
                     A 2026-07-28 connection is told through `ctx.notify_tools_changed()` (the
                     subscriptions/listen bus).

stdout (JSON lines, flushed):
    {"ready": "http://127.0.0.1:N/mcp"}     once the socket is listening (printed once)
    {"event": "cancelled", "tool": "slow"}  when a `slow` call was cancelled
    {"event": "list_changed", "tool": NAME, "channel": "standalone"|"request"|"subscriptions",
     "sent": true|false, "error": "..."?}   for each notification `add_tool` tried to send
stderr: uvicorn/SDK logs, plus the line `slow cancelled` when a `slow` call is cancelled.
Exit: 0 after SIGTERM/SIGINT (graceful shutdown; open streams get 2 s), 1 when the port can't
be bound or startup fails, 2 for bad arguments.

Tools (the wire shapes are the SDK's, see oracles/mcp/README.md):
    echo(text: str)              one text block `text`. structured_output=False, so there is no
                                 outputSchema and no structuredContent.
    add(a: int, b: int) -> int   text block "a+b" and structuredContent {"result": a+b}.
                                 outputSchema {"type":"object","properties":{"result":
                                 {"title":"Result","type":"integer"}},"required":["result"],
                                 "title":"addOutput"}
    pixel()                      one image block: a 1x1 PNG, mimeType image/png
    fail(message: str)           isError: true, one text block
                                 "Error executing tool fail: <message>"
    slow(seconds: float, steps: int)
                                 sleeps `seconds`, split into `steps` steps. After each step it
                                 calls ctx.report_progress(i, steps, "step i/steps"), which the
                                 SDK sends as notifications/progress only when the request
                                 carried _meta.progressToken. Returns "done". A cancellation is
                                 reported on stderr and stdout (see above).
    two_blocks()                 two text blocks: "first", "second"
    add_tool(name: str)          registers tool `name` (no arguments, returns text
                                 "<name> called"), sends tools/list_changed (see
                                 --list-changed) and returns "added"
    rpc_error(code: int, message: str)
                                 raises MCPError, so the answer is a JSON-RPC error
                                 {"code": code, "message": message}, not a result
    widget()                     [embedded resource {uri "chatkit://widget/demo", mimeType
                                 "application/vnd.chatkit.widget+json", text: the widget JSON},
                                 text block "A card saying from python."]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import struct
import sys
import zlib
from typing import Any

import anyio
import uvicorn
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.mcpserver import Context, Image, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp_types import (
    ContentBlock,
    EmbeddedResource,
    TextContent,
    TextResourceContents,
    ToolListChangedNotification,
)
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

WIDGET_MIME = "application/vnd.chatkit.widget+json"
WIDGET_URI = "chatkit://widget/demo"
WIDGET = {"type": "Card", "children": [{"type": "Text", "value": "from python"}]}
WIDGET_TEXT = "A card saying from python."


def _png_1x1() -> bytes:
    """A valid 1x1 RGBA PNG (one opaque red pixel), built by hand so no image library is needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)  # 1x1, 8-bit, RGBA
    raw = b"\x00" + b"\xff\x00\x00\xff"  # filter byte 0, then one pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


PNG = _png_1x1()


# Where event lines go: stdout, except over stdio, where stdout is the protocol.
EVENTS = sys.stdout


def emit(obj: dict[str, Any]) -> None:
    EVENTS.write(json.dumps(obj) + "\n")
    EVENTS.flush()


class StaticTokenVerifier:
    """`TokenVerifier` accepting exactly one bearer token."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def verify_token(self, token: str) -> AccessToken | None:
        if token != self._token:
            return None
        return AccessToken(token=token, client_id="chatkit-oracle", scopes=[])


def build_server(args: argparse.Namespace) -> MCPServer:
    auth_kwargs: dict[str, Any] = {}
    if args.token is not None:
        base = f"http://{args.host}:{args.port}"
        auth_kwargs = {
            "auth": AuthSettings(issuer_url=base, resource_server_url=None),
            "token_verifier": StaticTokenVerifier(args.token),
        }
    server = MCPServer("chatkit-oracle", version="1.0.0", **auth_kwargs)

    # MCPServer never passes NotificationOptions on streamable HTTP, so a handshake-era
    # `initialize` result would say tools.listChanged=false. This server does send
    # tools/list_changed, so it advertises it.
    low = server._lowlevel_server  # noqa: SLF001 - no public knob for this in 2.3.0

    def create_initialization_options(notification_options=None, experimental_capabilities=None, extensions=None):
        return Server.create_initialization_options(
            low,
            notification_options or NotificationOptions(tools_changed=True),
            experimental_capabilities,
            extensions,
        )

    low.create_initialization_options = create_initialization_options  # type: ignore[method-assign]

    @server.tool(structured_output=False)
    def echo(text: str) -> str:
        """Echo the text back."""
        return text

    @server.tool()
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    @server.tool()
    def pixel() -> Image:
        """Return a 1x1 PNG image."""
        return Image(data=PNG, format="png")

    @server.tool(structured_output=False)
    def fail(message: str) -> str:
        """Always fail with the given message."""
        # ToolError keeps its text ("Error executing tool fail: <message>"); any other exception
        # would be reported as just "Error executing tool fail".
        raise ToolError(message)

    @server.tool(structured_output=False)
    async def slow(seconds: float, steps: int, ctx: Context) -> str:
        """Sleep for `seconds`, reporting progress `steps` times."""
        steps = max(int(steps), 1)
        try:
            for i in range(1, steps + 1):
                await anyio.sleep(seconds / steps)
                await ctx.report_progress(i, steps, f"step {i}/{steps}")
        except anyio.get_cancelled_exc_class():
            with anyio.CancelScope(shield=True):
                print("slow cancelled", file=sys.stderr, flush=True)
                emit({"event": "cancelled", "tool": "slow"})
            raise
        return "done"

    @server.tool(structured_output=False)
    def two_blocks() -> list[TextContent]:
        """Return two text blocks."""
        return [TextContent(text="first"), TextContent(text="second")]

    @server.tool(structured_output=False)
    async def add_tool(name: str, ctx: Context) -> str:
        """Register a new tool called `name` and notify clients that the tool list changed."""

        def added() -> str:
            return f"{name} called"

        server.add_tool(added, name=name, description=f"Tool {name}, added at runtime.", structured_output=False)

        async def attempt(channel: str, send) -> None:
            try:
                await send()
                emit({"event": "list_changed", "tool": name, "channel": channel, "sent": True})
            except Exception as exc:  # report, don't fail the call
                emit({"event": "list_changed", "tool": name, "channel": channel, "sent": False,
                      "error": f"{type(exc).__name__}: {exc}"})

        if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
            await attempt("subscriptions", ctx.notify_tools_changed)
        else:
            if args.list_changed in ("standalone", "both"):
                await attempt("standalone", ctx.session.send_tool_list_changed)
            if args.list_changed in ("request", "both"):
                await attempt(
                    "request",
                    lambda: ctx.session.send_notification(
                        ToolListChangedNotification(), related_request_id=ctx.request_context.request_id
                    ),
                )
        return "added"

    @server.tool(structured_output=False)
    def rpc_error(code: int, message: str) -> str:
        """Fail with a JSON-RPC error (not an isError result)."""
        raise MCPError(code=code, message=message)

    @server.tool(structured_output=False)
    def widget() -> list[ContentBlock]:
        """Return a ChatKit widget as an embedded resource, plus a text summary."""
        return [
            EmbeddedResource(
                resource=TextResourceContents(uri=WIDGET_URI, mime_type=WIDGET_MIME, text=json.dumps(WIDGET)),
            ),
            TextContent(text=WIDGET_TEXT),
        ]

    return server


class OracleUvicorn(uvicorn.Server):
    """uvicorn.Server that prints the ready line and exits 0 on SIGTERM.

    Stock uvicorn re-raises the captured signal after its graceful shutdown, so the process
    would die with -SIGTERM. Here SIGTERM/SIGINT only request the shutdown.
    """

    def __init__(self, config: uvicorn.Config, path: str) -> None:
        super().__init__(config)
        self._path = path

    @contextlib.contextmanager
    def capture_signals(self):
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            host, port = self.servers[0].sockets[0].getsockname()[:2]
            shown = f"[{host}]" if ":" in host else host
            emit({"ready": f"http://{shown}:{port}{self._path}"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, help="required unless --stdio")
    parser.add_argument(
        "--stdio",
        action="store_true",
        help="speak MCP on stdin/stdout (event lines go to stderr; no ready line)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--stateless", action="store_true", help="stateless_http=True")
    parser.add_argument("--json-response", action="store_true", help="json_response=True")
    parser.add_argument("--token", help="require Authorization: Bearer TOKEN")
    parser.add_argument("--list-changed", choices=("standalone", "request", "both"), default="standalone")
    args = parser.parse_args()
    if args.stdio:
        global EVENTS
        EVENTS = sys.stderr
        args.token = None
        server = build_server(args)
        server.run("stdio")
        return 0
    if args.port is None:
        parser.error("--port is required unless --stdio")

    server = build_server(args)
    path = "/mcp"
    app = server.streamable_http_app(
        streamable_http_path=path,
        stateless_http=args.stateless,
        json_response=args.json_response,
        host=args.host,
    )
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        timeout_graceful_shutdown=2,
        lifespan="on",
    )
    uv = OracleUvicorn(config, path)
    try:
        anyio.run(uv.serve)
    except SystemExit as exc:  # uvicorn exits 3 when it can't bind / start
        return 1 if exc.code else 0
    return 0 if uv.started else 1


if __name__ == "__main__":
    sys.exit(main())
