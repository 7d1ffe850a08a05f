#!/usr/bin/env python3
"""Python widget oracle for chatkit-rs.

Usage: .oracles/venv/bin/python oracles/python/check_widgets.py CORPUS.json [--verbose]

CORPUS.json is a JSON array of {"name": str, "oracles": [str, ...], "widget": {...}}.
Every entry whose "oracles" contains "python" is checked against the pydantic models
of the reference Python server (openai-chatkit, module chatkit.widgets):

1. The widget must validate as the reference's strict root union
   (StrictWidgetRoot = Card | ListView | BasicRoot).
2. No component may have been parsed as an untyped DynamicWidgetComponent. The
   reference silently falls back to that class when a child is not a valid typed
   component (unknown type, bad prop value, missing prop, ...). A Basic root is
   dynamic by design in the reference, so under Basic only step 3 applies.
3. Round trip: model_dump(mode="json", by_alias=True, exclude_none=True) must equal the
   input (order-insensitive for objects; booleans never equal numbers). This catches
   props that the typed classes silently drop and explicit nulls. The defaults the
   reference adds to action objects (handler "server", loadingBehavior "auto",
   streaming true) are removed from the dump first, but only inside action objects and
   only where the input did not spell them out itself.

Prints "FAIL <name>: <reason>" per failing entry, then "python oracle: N passed, M failed".
Exit status: 0 all passed, 1 any failure (or no applicable entry), 2 unusable input.
"""

from __future__ import annotations

import json
import re
import sys
import warnings

# The named widget classes emit a DeprecationWarning when they are defined/subclassed
# (i.e. at import time) and when used directly; we use them on purpose.
warnings.filterwarnings(
    "ignore",
    message="Direct usage of named widget classes is deprecated",
    category=DeprecationWarning,
)

from pydantic import TypeAdapter, ValidationError  # noqa: E402

from chatkit import widgets as W  # noqa: E402

ORACLE = "python"
ROOT_ADAPTER = TypeAdapter(W.StrictWidgetRoot)
COMPONENT_ADAPTER = TypeAdapter(W.StrictWidgetComponent)

ACTION_KEYS = ("onClickAction", "onSubmitAction", "onChangeAction")
CARD_ACTION_KEYS = ("confirm", "cancel")
ACTION_DEFAULTS = (("handler", "server"), ("loadingBehavior", "auto"), ("streaming", True))

MISSING = object()
_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


# --------------------------------------------------------------------------- helpers


def jpath(base: str, seg) -> str:
    if isinstance(seg, int):
        return f"{base}[{seg}]"
    if _IDENT.match(seg):
        return f"{base}.{seg}"
    return f"{base}[{json.dumps(seg)}]"


def show(value) -> str:
    if value is MISSING:
        return "<missing>"
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 120 else text[:117] + "..."


def same_scalar(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b  # JSON has one number type: 8 and 8.0 are the same value
    return type(a) is type(b) and a == b


def first_diff(expected, got, path="$"):
    """Return (path, expected, got) of the first difference, or None if equal."""
    if isinstance(expected, dict) and isinstance(got, dict):
        for key, value in expected.items():
            if key not in got:
                return jpath(path, key), value, MISSING
            d = first_diff(value, got[key], jpath(path, key))
            if d:
                return d
        for key, value in got.items():
            if key not in expected:
                return jpath(path, key), MISSING, value
        return None
    if isinstance(expected, list) and isinstance(got, list):
        for i in range(max(len(expected), len(got))):
            e = expected[i] if i < len(expected) else MISSING
            g = got[i] if i < len(got) else MISSING
            if e is MISSING or g is MISSING:
                return jpath(path, i), e, g
            d = first_diff(e, g, jpath(path, i))
            if d:
                return d
        return None
    if isinstance(expected, (dict, list)) or isinstance(got, (dict, list)):
        return path, expected, got
    return None if same_scalar(expected, got) else (path, expected, got)


def strip_action_defaults(dumped, given):
    """Remove, in place, the defaults the reference adds to action objects.

    `given` is the input value at the same place (used to keep defaults the input
    spelled out explicitly). Only action objects are touched, never components.
    """

    def strip_action(action, given_action):
        if not isinstance(action, dict):
            return
        given_action = given_action if isinstance(given_action, dict) else {}
        for key, default in ACTION_DEFAULTS:
            if key in action and key not in given_action and same_scalar(action[key], default):
                del action[key]

    if isinstance(dumped, dict):
        given_d = given if isinstance(given, dict) else {}
        for key in ACTION_KEYS:
            if key in dumped:
                strip_action(dumped[key], given_d.get(key))
        for key in CARD_ACTION_KEYS:
            value = dumped.get(key)
            if isinstance(value, dict) and "action" in value:
                given_ca = given_d.get(key)
                given_ca = given_ca if isinstance(given_ca, dict) else {}
                strip_action(value["action"], given_ca.get("action"))
        for key, value in dumped.items():
            strip_action_defaults(value, given_d.get(key))
    elif isinstance(dumped, list):
        given_l = given if isinstance(given, list) else []
        for i, value in enumerate(dumped):
            strip_action_defaults(value, given_l[i] if i < len(given_l) else None)


def loc_to_jpath(loc, data, base="$") -> str:
    """Turn a pydantic error location into a JSON path into `data`.

    Locations interleave real keys/indices with union-member labels (e.g. "Card",
    "tagged-union[...]"); a label is skipped when it is not a key of the current value.
    """
    path, cur = base, data
    for i, seg in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(seg, int) and isinstance(cur, list) and 0 <= seg < len(cur):
            path, cur = jpath(path, seg), cur[seg]
        elif isinstance(seg, str) and isinstance(cur, dict) and seg in cur:
            path, cur = jpath(path, seg), cur[seg]
        elif isinstance(seg, str) and isinstance(cur, dict) and last and not _looks_like_label(seg):
            path, cur = jpath(path, seg), None  # a required field that is missing
    return path


def _looks_like_label(seg: str) -> bool:
    return "[" in seg or seg in _COMPONENT_TYPE_NAMES


_COMPONENT_TYPE_NAMES = {
    "Card", "ListView", "Basic", "Text", "Title", "Caption", "Chart", "Badge", "Markdown",
    "Box", "Row", "Col", "Divider", "Icon", "Image", "ListViewItem", "Button", "Checkbox",
    "Spacer", "Select", "DatePicker", "Form", "Input", "Label", "RadioGroup", "Textarea",
    "Transition", "DynamicWidgetComponent", "bar", "area", "line",
}


def describe_validation_error(err: ValidationError, data, base="$") -> str:
    errors = err.errors(include_url=False)
    first = errors[0]
    msg = first["msg"]
    if first.get("type") == "union_tag_invalid":
        msg = msg.replace("\n", " ")
    text = f"{loc_to_jpath(first['loc'], data, base)}: {msg}"
    if "input" in first and first.get("type") not in ("missing", "union_tag_invalid"):
        text += f" (got {show(first['input'])})"
    if len(errors) > 1:
        text += f" [+{len(errors) - 1} more error(s)]"
    return text


def find_dynamic(node, given, path):
    """Yield (path, given) for each topmost DynamicWidgetComponent below `node`."""
    if isinstance(node, W.DynamicWidgetComponent):
        yield path, given
        return
    if not isinstance(node, W.WidgetComponentBase):
        return
    given_d = given if isinstance(given, dict) else {}
    for field in type(node).model_fields:
        value = getattr(node, field, None)
        key = type(node).model_fields[field].alias or field
        if isinstance(value, W.WidgetComponentBase):
            yield from find_dynamic(value, given_d.get(key), jpath(path, key))
        elif isinstance(value, list):
            given_l = given_d.get(key) if isinstance(given_d.get(key), list) else []
            for i, item in enumerate(value):
                if isinstance(item, W.WidgetComponentBase):
                    yield from find_dynamic(
                        item, given_l[i] if i < len(given_l) else None, jpath(jpath(path, key), i)
                    )


def why_not_typed(given, path) -> str:
    """Explain why the reference could not parse `given` as a typed component."""
    try:
        COMPONENT_ADAPTER.validate_python(given)
    except ValidationError as err:
        return describe_validation_error(err, given, path)
    return f"{path}: parsed as an untyped DynamicWidgetComponent"


# --------------------------------------------------------------------------- checking


def check(widget) -> list[str]:
    """Return a list of problems (empty when the reference accepts the widget as is)."""
    if not isinstance(widget, dict):
        return [f"$: widget must be a JSON object, got {show(widget)}"]
    try:
        root = ROOT_ADAPTER.validate_json(json.dumps(widget))
    except ValidationError as err:
        return ["reference rejected the root: " + describe_validation_error(err, widget)]

    problems = []
    if not isinstance(root, W.BasicRoot):
        for path, given in find_dynamic(root, widget, "$"):
            problems.append(
                "not a typed component (reference fell back to DynamicWidgetComponent): "
                + why_not_typed(given, path)
            )
    if problems:
        return problems

    try:
        dumped = root.model_dump(mode="json", by_alias=True, exclude_none=True)
    except Exception as exc:  # noqa: BLE001 - any serialization crash is a failure
        return [f"reference failed to serialize: {type(exc).__name__}: {exc}"]
    strip_action_defaults(dumped, widget)
    diff = first_diff(widget, dumped)
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
        if not isinstance(entry.get("oracles"), list):
            raise ValueError(f"entry {entry['name']!r} has no 'oracles' array")
        if "widget" not in entry:
            raise ValueError(f"entry {entry['name']!r} has no 'widget'")
    return corpus


def main(argv) -> int:
    args = [a for a in argv[1:] if not a.startswith("-")]
    verbose = "--verbose" in argv or "-v" in argv
    if len(args) != 1:
        print("usage: check_widgets.py CORPUS.json [--verbose]", file=sys.stderr)
        return 2
    try:
        corpus = load_corpus(args[0])
    except (OSError, ValueError) as exc:
        print(f"python oracle: cannot read corpus {args[0]}: {exc}", file=sys.stderr)
        return 2

    entries = [e for e in corpus if ORACLE in e["oracles"]]
    if not entries:
        print(f"FAIL <corpus>: no entry lists the {ORACLE!r} oracle")
        print("python oracle: 0 passed, 1 failed")
        return 1

    passed = failed = 0
    for entry in entries:
        problems = check(entry["widget"])
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
                print(f"ok   {entry['name']}")
    print(f"python oracle: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
