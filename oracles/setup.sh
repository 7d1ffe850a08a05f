#!/usr/bin/env bash
# Installs the two widget oracles' pinned references into <repo>/.oracles/:
#   .oracles/venv  python venv with openai-chatkit==1.6.5 (+ every dependency pinned
#                  in oracles/python/requirements.lock, among them mcp==2.3.0 and
#                  openai-agents==0.24.0 for the MCP oracles in oracles/mcp/)
#   .oracles/node  node_modules with @openai/chatkit@1.9.0 and typescript 5.9.3
#                  (pinned by oracles/ts/package.json + package-lock.json, via npm ci)
# Idempotent: a stamp file records a hash of the pins; when it matches, nothing is
# reinstalled. Needs only python3 (3.11) and node 20 / npm on PATH.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
dest="$root/.oracles"
venv="$dest/venv"
node_dir="$dest/node"

py_lock="$here/python/requirements.lock"
npm_pkg="$here/ts/package.json"
npm_lock="$here/ts/package-lock.json"

# Everything that determines what gets installed goes into the stamp.
pins_hash() {
  {
    echo "setup-v1"
    python3 -c 'import sys; print("python %d.%d" % sys.version_info[:2])'
    echo "node $(node -p 'process.versions.node.split(".")[0]')"
    cat "$py_lock" "$npm_pkg" "$npm_lock"
  } | sha256sum | cut -d' ' -f1
}

mkdir -p "$dest"
want="$(pins_hash)"

# --- python -------------------------------------------------------------------
py_stamp="$dest/python.stamp"
if [[ -x "$venv/bin/python" && -f "$py_stamp" && "$(cat "$py_stamp")" == "$want" ]]; then
  echo "oracles: python venv up to date ($venv)"
else
  echo "oracles: creating python venv at $venv"
  rm -rf "$venv" "$py_stamp"
  python3 -m venv "$venv"
  echo "oracles: installing openai-chatkit==1.6.5 and pinned deps"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    -r "$py_lock"
  # chatkit for the widget/protocol/template oracles; mcp + agents (already pinned as
  # openai-chatkit dependencies) for the MCP oracles in oracles/mcp/.
  "$venv/bin/python" -W ignore -c 'import importlib.metadata as m, chatkit.widgets
import mcp.server.mcpserver, mcp.client.streamable_http, agents.mcp
assert m.version("openai-chatkit") == "1.6.5", m.version("openai-chatkit")
assert m.version("mcp") == "2.3.0", m.version("mcp")
assert m.version("openai-agents") == "0.24.0", m.version("openai-agents")' \
    || { echo "oracles: python install check failed" >&2; exit 1; }
  echo "$want" > "$py_stamp"
fi

# --- node ---------------------------------------------------------------------
node_stamp="$dest/node.stamp"
if [[ -d "$node_dir/node_modules/typescript" && -d "$node_dir/node_modules/@openai/chatkit" \
      && -f "$node_stamp" && "$(cat "$node_stamp")" == "$want" ]]; then
  echo "oracles: node modules up to date ($node_dir/node_modules)"
else
  echo "oracles: installing @openai/chatkit@1.9.0 + typescript into $node_dir (npm ci)"
  rm -rf "$node_dir" "$node_stamp"
  mkdir -p "$node_dir"
  cp "$npm_pkg" "$npm_lock" "$node_dir/"
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  node -e '
    const p = (n) => require(process.argv[1] + "/node_modules/" + n + "/package.json").version;
    if (p("@openai/chatkit") !== "1.9.0") throw new Error("bad @openai/chatkit " + p("@openai/chatkit"));
    if (!p("typescript").startsWith("5.")) throw new Error("bad typescript " + p("typescript"));
  ' "$node_dir" || { echo "oracles: node install check failed" >&2; exit 1; }
  echo "$want" > "$node_stamp"
fi

echo "oracles: ready (python: $venv/bin/python, node_modules: $node_dir/node_modules)"
