#!/usr/bin/env bash
# A real third-party MCP client against the packaged server: the MCP Inspector CLI (runs on the
# machine's Node 20) lists the tools of the server started with --sandbox and calls one.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/jetty-mcp.jar
inspector=(npx -y @modelcontextprotocol/inspector@0.15.0 --cli java -jar "$jar" --sandbox)
list=$("${inspector[@]}" --method tools/list)
count=$(printf '%s' "$list" | grep -c '"name": "' || true)
# Pattern matches, not `| grep -q`: grep -q stops reading early and under pipefail the writer's
# SIGPIPE would fail a passing check.
[[ $list == *'"name": "get-task"'* ]] || { echo "inspector: get-task not listed"; exit 1; }
call=$("${inspector[@]}" --method tools/call --tool-name get-task --tool-arg task=text-echo)
[[ $call == *text_echo* ]] || { echo "inspector: get-task call failed: $call"; exit 1; }
echo "inspector: listed tools ($count names) and called get-task on the sandbox"

# MCP Apps: the Inspector 2.x CLI (Node 22 from npm, as .ci/apps.sh installs it) probes the tools' App metadata with
# --app-info. Advertising the extension, the run and workflow tools link their views (and the view resource reads);
# without it, no tool has an app (exit 2): the views are only for clients that declare io.modelcontextprotocol/ui.
INSPECTOR2_VERSION=2.12.0
node=$(bash .ci/apps.sh | tail -n 1)
inspector2=.ci/inspector/node_modules/@modelcontextprotocol/inspector
if [ ! -f "$inspector2/package.json" ] || ! grep -q "\"version\": \"$INSPECTOR2_VERSION\"" "$inspector2/package.json"; then
  PATH="$(dirname "$node"):$PATH" npm install --prefix .ci/inspector --no-audit --no-fund --loglevel=error \
    "@modelcontextprotocol/inspector@$INSPECTOR2_VERSION"
fi
probe() { PATH="$(dirname "$node"):$PATH" "$node" "$inspector2/clients/launcher/build/index.js" --cli java -jar "$jar" --sandbox \
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
echo "inspector $INSPECTOR2_VERSION --app-info: run and workflow views linked only for clients declaring the extension"
