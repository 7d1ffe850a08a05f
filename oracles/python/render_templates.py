"""Renders `.widget` templates with the Python reference's own `WidgetTemplate`.

Usage: render_templates.py CORPUS.json

CORPUS.json is a JSON array of {"name": ..., "file": PATH, "data": {...}}.
Prints one JSON object to stdout, keyed by entry name:
  {"widget": <build(data).model_dump(mode="json", by_alias=True, exclude_none=True)>}
or, when the reference raises,
  {"error": "<ExceptionType>: <message>"}
Exit code: 0 when the corpus could be read (whatever the entries did), 2 otherwise.
chatkit-rs compares its own `WidgetTemplate::build` with these results.
"""

import json
import sys
import warnings


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            corpus = json.load(f)
    except (OSError, ValueError) as err:
        print(f"cannot read the corpus: {err}", file=sys.stderr)
        return 2
    # Named widget classes are deprecated in favour of templates; templates
    # themselves are not, but importing the module warns.
    warnings.simplefilter("ignore", DeprecationWarning)
    from chatkit.widgets import WidgetTemplate

    results = {}
    for entry in corpus:
        try:
            template = WidgetTemplate.from_file(entry["file"])
            widget = template.build(entry["data"])
            results[entry["name"]] = {
                "widget": widget.model_dump(mode="json", by_alias=True, exclude_none=True)
            }
        except Exception as err:  # noqa: BLE001 - every failure is a result
            results[entry["name"]] = {"error": f"{type(err).__name__}: {err}"}
    json.dump(results, sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
