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
