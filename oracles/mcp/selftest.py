"""Self-test of the MCP oracles: client_check.py and agents_check.py against fastmcp_server.py.

    .oracles/venv/bin/python oracles/mcp/selftest.py

Starts fastmcp_server.py on a free port (plain, then --stateless, then --token), runs both
checkers against it and asserts the lines documented in oracles/mcp/README.md. Prints
`PASS <case>` / `FAIL <case>: <reason>` lines and `mcp oracle selftest: N passed, M failed`.
Exit 0 when all pass, 1 otherwise. Takes about 30 s on 2 cores. Needs no network.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable
TOOLS = ["echo", "add", "pixel", "fail", "slow", "two_blocks", "add_tool", "rpc_error", "widget"]
WIDGET_TEXT = json.dumps({"type": "Card", "children": [{"type": "Text", "value": "from python"}]})

results: list[tuple[str, str | None]] = []


def check(case: str, cond: bool, reason: str = "") -> None:
    results.append((case, None if cond else (reason or "assertion failed")))


def start_server(*flags: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [PY, os.path.join(HERE, "fastmcp_server.py"), "--port", "0", *flags],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError("server exited before the ready line")
    return proc, json.loads(line)["ready"]


def stop_server(proc: subprocess.Popen[str]) -> int:
    proc.terminate()
    try:
        return proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        return -9


def run(script: str, *argv: str) -> tuple[int, list[dict[str, Any]], str]:
    out = subprocess.run([PY, os.path.join(HERE, script), *argv], capture_output=True, text=True, timeout=120)
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return out.returncode, lines, out.stderr


def by(lines: list[dict[str, Any]], key: str, value: str | None = None) -> list[dict[str, Any]]:
    return [line for line in lines if key in line and (value is None or line[key] == value)]


CALLS = [
    ("echo", {"text": "hi"}), ("add", {"a": 2, "b": 3}), ("pixel", {}), ("fail", {"message": "boom"}),
    ("two_blocks", {}), ("widget", {}), ("slow", {"seconds": 0.3, "steps": 3}),
    ("rpc_error", {"code": -32042, "message": "custom"}),
]


def call_args() -> list[str]:
    argv: list[str] = []
    for name, args in CALLS:
        argv += ["--call", name, json.dumps(args)]
    return argv


def check_calls(prefix: str, lines: list[dict[str, Any]], *, progress: bool) -> None:
    def one(name: str) -> dict[str, Any]:
        found = by(lines, "call", name)
        return found[0] if found else {}

    check(f"{prefix} echo", one("echo").get("content") == [{"type": "text", "text": "hi"}]
          and one("echo").get("structuredContent") is None, str(one("echo")))
    check(f"{prefix} add", one("add").get("content") == [{"type": "text", "text": "5"}]
          and one("add").get("structuredContent") == {"result": 5}, str(one("add")))
    px = (one("pixel").get("content") or [{}])[0]
    check(f"{prefix} pixel", px.get("type") == "image" and px.get("mimeType") == "image/png"
          and px.get("data", "").startswith("iVBORw0KGgo"), str(px))
    check(f"{prefix} fail", one("fail").get("isError") is True
          and one("fail").get("content") == [{"type": "text", "text": "Error executing tool fail: boom"}],
          str(one("fail")))
    check(f"{prefix} two_blocks", one("two_blocks").get("content")
          == [{"type": "text", "text": "first"}, {"type": "text", "text": "second"}], str(one("two_blocks")))
    check(f"{prefix} widget", one("widget").get("content") == [
        {"type": "resource", "resource": {"uri": "chatkit://widget/demo",
                                          "mimeType": "application/vnd.chatkit.widget+json", "text": WIDGET_TEXT}},
        {"type": "text", "text": "A card saying from python."}], str(one("widget")))
    slow = one("slow")
    check(f"{prefix} slow", (slow.get("content") == [{"type": "text", "text": "done"}]), str(slow))
    if progress:
        check(f"{prefix} slow progress", [p["progress"] for p in slow.get("progress", [])] == [1, 2, 3],
              str(slow.get("progress")))
    check(f"{prefix} rpc_error", one("rpc_error").get("error", {}).get("code") == -32042
          and one("rpc_error")["error"].get("message") == "custom", str(one("rpc_error")))


def client_cases(url: str, label: str, extra: list[str], *, stateless: bool) -> None:
    for mode in ("legacy", "auto"):
        prefix = f"client[{label},{mode}]"
        argv = ["--url", url, "--mode", mode, "--expect-tools", ",".join(TOOLS), *extra, *call_args(),
                "--call", "add_tool", json.dumps({"name": f"added_{label}_{mode}"}),
                "--cancel", "slow", json.dumps({"seconds": 5, "steps": 5}), "1.5", "--relist"]
        if not stateless:
            argv += ["--expect-notification", "notifications/tools/list_changed"]
        rc, lines, err = run("client_check.py", *argv)
        check(f"{prefix} exit 0", rc == 0, err.strip()[-500:])
        init = by(lines, "initialized")
        want_version = "2025-11-25" if mode == "legacy" else "2026-07-28"
        check(f"{prefix} version", bool(init) and init[0]["initialized"]["protocolVersion"] == want_version,
              str(init))
        check_calls(prefix, lines, progress=True)
        cancel = by(lines, "cancel", "slow")
        check(f"{prefix} cancel", bool(cancel) and cancel[0].get("cancelled") is True, str(cancel))
        after = by(lines, "tools_after")
        check(f"{prefix} relist", bool(after) and f"added_{label}_{mode}" in
              {t["name"] for t in after[0]["tools_after"]}, str(after)[:300])


def main() -> int:
    # 1. plain server
    proc, url = start_server()
    try:
        client_cases(url, "plain", [], stateless=False)
        rc, lines, err = run("agents_check.py", "--url", url, *call_args())
        check("agents exit 0", rc == 0, err.strip()[-500:])
        check("agents tools", bool(by(lines, "tools")) and
              set(TOOLS) <= {t["name"] for t in by(lines, "tools")[0]["tools"]}, str(lines[:1])[:300])
        check_calls("agents", lines, progress=False)
        fts = {line["function_tool"]: line for line in by(lines, "function_tool")}
        check("agents strict echo", fts.get("echo", {}).get("strict_json_schema") is True
              and fts["echo"]["params_json_schema"].get("additionalProperties") is False, str(fts.get("echo")))
        check("agents non-strict pixel (open empty object)", fts.get("pixel", {}).get("strict_json_schema") is False,
              str(fts.get("pixel")))
        outs = {line["tool_output"]: line for line in by(lines, "tool_output")}
        check("agents output image", outs.get("pixel", {}).get("output", {}).get("image_url", "")
              .startswith("data:image/png;base64,"), str(outs.get("pixel")))
        check("agents output rpc_error", isinstance(outs.get("rpc_error", {}).get("output"), str),
              str(outs.get("rpc_error")))
    finally:
        check("server exits 0 on SIGTERM", stop_server(proc) == 0)

    # 2. stateless server
    proc, url = start_server("--stateless")
    try:
        client_cases(url, "stateless", [], stateless=True)
    finally:
        stop_server(proc)

    # 3. bearer token
    proc, url = start_server("--token", "s3cret", "--list-changed", "request")
    try:
        for argv, label in ((["--expect-401"], "no token"), (["--token", "bad", "--expect-401"], "bad token")):
            rc, lines, err = run("client_check.py", "--url", url, *argv)
            check(f"401 {label}", rc == 0 and by(lines, "unauthorized") and lines[-1]["unauthorized"] is True,
                  f"rc={rc} {lines} {err[-300:]}")
        rc, lines, err = run("client_check.py", "--url", url, "--token", "s3cret", "--expect-401")
        check("401 good token refused", rc == 1 and lines and lines[-1].get("unauthorized") is False, str(lines))
        client_cases(url, "token", ["--token", "s3cret"], stateless=False)
        rc, lines, err = run("agents_check.py", "--url", url, "--token", "s3cret", "--call", "echo", '{"text":"t"}')
        check("agents token", rc == 0 and by(lines, "call", "echo")
              and by(lines, "call", "echo")[0]["content"] == [{"type": "text", "text": "t"}], err[-300:])
        rc, lines, err = run("agents_check.py", "--url", url, "--token", "bad")
        check("agents bad token fails", rc == 1, f"rc={rc}")
    finally:
        stop_server(proc)

    failed = 0
    for case, reason in results:
        if reason is None:
            print(f"PASS {case}")
        else:
            failed += 1
            print(f"FAIL {case}: {reason}")
    print(f"mcp oracle selftest: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    t0 = time.monotonic()
    code = main()
    print(f"({time.monotonic() - t0:.1f} s)", file=sys.stderr)
    sys.exit(code)
