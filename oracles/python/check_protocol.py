#!/usr/bin/env python3
"""Python protocol oracle for chatkit-rs.

Usage: .oracles/venv/bin/python oracles/python/check_protocol.py CORPUS.json [--verbose]

CORPUS.json is a JSON array of {"name": str, "kind": str, "json": ...}. Each entry is
checked against the pydantic types of the reference Python server (openai-chatkit,
module chatkit.types) that match its kind:

    event                 ThreadStreamEvent
    item                  ThreadItem
    thread                Thread
    thread_page           Page[Thread]      (threads.list: the server builds Page(data=[Thread]),
                                             each entry a Thread with its `items` page)
    item_page             Page[ThreadItem]  (items.list)
    attachment            Attachment        (attachments.create)
    sync_action_response  SyncCustomActionResponse
    transcription         TranscriptionResult
    empty                 must be exactly {} (items.feedback, attachments.delete, threads.delete)
    request               ChatKitReq

1. The JSON must validate with TypeAdapter(<type>).validate_json (as ChatKitServer.process
   parses requests). Widgets inside items and updates are validated by the reference's own
   widget union; its silent fallback to dynamic widgets is accepted here (the widget oracle,
   check_widgets.py, checks widgets strictly).
2. Server output (every kind but `request`) must be something the reference server can send:
   a thread's `metadata` is always {} (`_to_thread_response` never copies it), and hidden items
   (`hidden_context_item`, `sdk_hidden_context`) never appear in a thread's items, in an
   items.list page or in a thread.item.done event.
3. Round trip: the validated value is dumped the way the reference server serializes it,
   `model_dump(mode="json", by_alias=True, exclude_none=True, context={"exclude_metadata": True})`
   (ChatKitServer._serialize; requests are dumped without the context), and must equal the
   input: objects regardless of key order, numbers by value (8 == 8.0), booleans never equal
   to numbers. Normalizations before the compare:
   - `created_at` values are compared as instants: an ISO date-time without an offset is read
     as UTC, so "2026-01-01T00:00:00", "2026-01-01T00:00:00.000000Z" and
     "2026-01-01T00:00:00+00:00" are equal.
   - request: the envelope's `metadata` (default {}) is removed from the dump when the input
     has none (the server ignores it; chatkit-rs returns it beside the parsed request).
   - widgets: the defaults the reference adds to widget action objects (handler "server",
     loadingBehavior "auto", streaming true) are removed where the input did not write them,
     exactly as check_widgets.py does.
   This catches unknown fields (dropped by pydantic), explicit nulls (dropped by exclude_none),
   missing defaulted fields (added by the dump), coerced values, attachment `metadata` in
   server output (dropped by the exclude_metadata context) and changed timestamps.

Prints "FAIL <name>: <reason at a JSON path>" per failing entry, then
"protocol oracle: N passed, M failed".
Exit status: 0 all passed, 1 any failure or an empty corpus, 2 unusable input.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from datetime import datetime, timezone

# chatkit.widgets defines deprecated widget classes at import time.
warnings.filterwarnings("ignore", category=DeprecationWarning)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pydantic import TypeAdapter, ValidationError  # noqa: E402

from chatkit import types as T  # noqa: E402
from check_widgets import MISSING, jpath, same_scalar, show, strip_action_defaults  # noqa: E402

KINDS = {
    "event": T.ThreadStreamEvent,
    "item": T.ThreadItem,
    "thread": T.Thread,
    "thread_page": T.Page[T.Thread],
    "item_page": T.Page[T.ThreadItem],
    "attachment": T.Attachment,
    "sync_action_response": T.SyncCustomActionResponse,
    "transcription": T.TranscriptionResult,
    "request": T.ChatKitReq,
}
EMPTY = "empty"
ADAPTERS = {kind: TypeAdapter(tp) for kind, tp in KINDS.items()}
SERVER_DUMP_CONTEXT = {"exclude_metadata": True}
HIDDEN_ITEMS = (T.HiddenContextItem, T.SDKHiddenContextItem)
DATETIME_KEYS = {"created_at"}


# --------------------------------------------------------------------------- errors


def loc_to_jpath(loc, data, missing_last: bool, base="$") -> str:
    """Turn a pydantic error location into a JSON path into `data`.

    Locations interleave keys and indices with union labels: the tag value of a tagged
    union (e.g. "thread.item.done", "user_message") or a class name of a smart union
    (e.g. "URLSource"). A segment equal to the current object's `type` is a tag label;
    any other segment that is not a key of the current object is a label too, except a
    last segment of a `missing` error (the missing field).
    """
    path, cur = base, data
    for i, seg in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(seg, int) and isinstance(cur, list) and 0 <= seg < len(cur):
            path, cur = jpath(path, seg), cur[seg]
        elif isinstance(seg, str) and isinstance(cur, dict):
            if cur.get("type") == seg and not last:
                continue  # the tag label of a tagged union
            if seg in cur:
                path, cur = jpath(path, seg), cur[seg]
            elif last and missing_last:
                path, cur = jpath(path, seg), None
    return path


def pick_error(errors):
    """The most telling error: skip those of smart-union members whose `type` did not match."""
    mismatched = [
        tuple(e["loc"][:-1])
        for e in errors
        if e.get("type") == "literal_error" and e["loc"] and e["loc"][-1] == "type"
    ]

    def in_mismatched_member(e):
        loc = tuple(e["loc"])
        return any(len(p) > 0 and loc[: len(p)] == p for p in mismatched)

    telling = [e for e in errors if not in_mismatched_member(e)]
    return (telling or errors)[0]


def describe_validation_error(err: ValidationError, data) -> str:
    errors = err.errors(include_url=False)
    first = pick_error(errors)
    msg = first["msg"].replace("\n", " ")
    if len(msg) > 200:
        msg = msg[:197] + "..."
    path = loc_to_jpath(first["loc"], data, first.get("type") == "missing")
    text = f"reference rejected it at {path}: {msg}"
    if "input" in first and first.get("type") not in ("missing", "union_tag_invalid"):
        text += f" (got {show(first['input'])})"
    if len(errors) > 1:
        text += f" [{len(errors)} errors in all]"
    return text


# --------------------------------------------------------------------------- server rules


def thread_problems(thread, path) -> list[str]:
    problems = []
    if thread.metadata:
        problems.append(
            f"{jpath(path, 'metadata')}: the reference server never sends thread metadata "
            f"(_to_thread_response leaves it {{}}), got {show(thread.metadata)}"
        )
    problems += page_problems(thread.items, jpath(path, "items"))
    return problems


def page_problems(page, path) -> list[str]:
    return [
        f"{jpath(jpath(path, 'data'), i)}: the reference server filters hidden "
        f"{item.type} items out of what it sends"
        for i, item in enumerate(page.data)
        if isinstance(item, HIDDEN_ITEMS)
    ]


def server_problems(kind: str, value) -> list[str]:
    """What the reference server would never send (see step 2 of the module docstring)."""
    if kind == "thread":
        return thread_problems(value, "$")
    if kind == "thread_page":
        problems = []
        for i, thread in enumerate(value.data):
            problems += thread_problems(thread, jpath("$.data", i))
        return problems
    if kind == "item_page":
        return page_problems(value, "$")
    if kind == "event":
        if isinstance(value, (T.ThreadCreatedEvent, T.ThreadUpdatedEvent)):
            return thread_problems(value.thread, "$.thread")
        if isinstance(value, T.ThreadItemDoneEvent) and isinstance(value.item, HIDDEN_ITEMS):
            return [
                f"$.item: the reference server persists a done {value.item.type} item "
                "but never sends it"
            ]
    return []


# --------------------------------------------------------------------------- round trip


def as_instant(text):
    if not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def first_diff(expected, got, path="$", key=None):
    """Return (path, expected, got) of the first difference, or None if equal."""
    if key in DATETIME_KEYS:
        a, b = as_instant(expected), as_instant(got)
        if a is not None and b is not None:
            return None if a == b else (path, expected, got)
    if isinstance(expected, dict) and isinstance(got, dict):
        for k, value in expected.items():
            if k not in got:
                return jpath(path, k), value, MISSING
            d = first_diff(value, got[k], jpath(path, k), k)
            if d:
                return d
        for k, value in got.items():
            if k not in expected:
                return jpath(path, k), MISSING, value
        return None
    if isinstance(expected, list) and isinstance(got, list):
        for i in range(max(len(expected), len(got))):
            if i >= len(expected) or i >= len(got):
                e = expected[i] if i < len(expected) else MISSING
                g = got[i] if i < len(got) else MISSING
                return jpath(path, i), e, g
            d = first_diff(expected[i], got[i], jpath(path, i))
            if d:
                return d
        return None
    if isinstance(expected, (dict, list)) or isinstance(got, (dict, list)):
        return path, expected, got
    return None if same_scalar(expected, got) else (path, expected, got)


def dump(kind: str, value, given):
    adapter = ADAPTERS[kind]
    if kind == "request":
        dumped = adapter.dump_python(value, mode="json", by_alias=True, exclude_none=True)
        if isinstance(given, dict) and "metadata" not in given and dumped.get("metadata") == {}:
            del dumped["metadata"]
    else:
        dumped = adapter.dump_python(
            value, mode="json", by_alias=True, exclude_none=True, context=SERVER_DUMP_CONTEXT
        )
    strip_action_defaults(dumped, given)
    return dumped


# --------------------------------------------------------------------------- checking


def check(kind: str, given) -> list[str]:
    """Return a list of problems (empty when the reference agrees with the JSON)."""
    if kind == EMPTY:
        return [] if given == {} else [f"$: expected exactly {{}}, got {show(given)}"]
    if kind not in ADAPTERS:
        return [f"unknown kind {kind!r}; expected one of {', '.join([*KINDS, EMPTY])}"]
    try:
        value = ADAPTERS[kind].validate_json(json.dumps(given))
    except ValidationError as err:
        return [describe_validation_error(err, given)]

    problems = server_problems(kind, value) if kind != "request" else []
    try:
        dumped = dump(kind, value, given)
    except Exception as exc:  # noqa: BLE001 - any serialization crash is a failure
        return problems + [f"reference failed to serialize it: {type(exc).__name__}: {exc}"]
    diff = first_diff(given, dumped)
    if diff:
        path, expected, got = diff
        problems.append(
            f"round trip differs at {path}: expected {show(expected)}, reference gave {show(got)}"
        )
    return problems


def load_corpus(file_name):
    with open(file_name, encoding="utf-8") as fh:
        corpus = json.load(fh)
    if not isinstance(corpus, list):
        raise ValueError("corpus must be a JSON array")
    for i, entry in enumerate(corpus):
        if not isinstance(entry, dict):
            raise ValueError(f"entry {i} is not an object")
        if not isinstance(entry.get("name"), str):
            raise ValueError(f"entry {i} has no string 'name'")
        if not isinstance(entry.get("kind"), str):
            raise ValueError(f"entry {entry['name']!r} has no string 'kind'")
        if "json" not in entry:
            raise ValueError(f"entry {entry['name']!r} has no 'json'")
    return corpus


def main(argv) -> int:
    args = [a for a in argv[1:] if not a.startswith("-")]
    verbose = "--verbose" in argv or "-v" in argv
    if len(args) != 1:
        print("usage: check_protocol.py CORPUS.json [--verbose]", file=sys.stderr)
        return 2
    try:
        corpus = load_corpus(args[0])
    except (OSError, ValueError) as exc:
        print(f"protocol oracle: cannot read corpus {args[0]}: {exc}", file=sys.stderr)
        return 2

    if not corpus:
        print("FAIL <corpus>: the corpus is empty")
        print("protocol oracle: 0 passed, 1 failed")
        return 1

    passed = failed = 0
    for entry in corpus:
        problems = check(entry["kind"], entry["json"])
        if problems:
            failed += 1
            extra = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            print(f"FAIL {entry['name']}: {problems[0]}{extra}")
            if verbose:
                for p in problems[1:]:
                    print(f"     {entry['name']}: {p}")
        else:
            passed += 1
            if verbose:
                print(f"ok   {entry['name']} ({entry['kind']})")
    print(f"protocol oracle: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
